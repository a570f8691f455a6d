//! SVG figures drawn with plotters into strings (the caller writes them atomically).
//!
//! Every figure keeps its legend in a column beside the plot area (never over the data),
//! draws its series in the Okabe–Ito palette, and labels probabilities and rates as
//! percentages and time in days.

use super::style::{color, diamond, draw_legend, percent, Mark, GREY, LEGEND_WIDTH};
use super::ReportError;
use crate::mc::stats::weighted_quantile;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const SIZE: (u32, u32) = (860, 420);

fn plot_err(figure: &str) -> impl Fn(String) -> ReportError + '_ {
    move |reason| ReportError::Plot {
        figure: figure.to_string(),
        reason,
    }
}

/// Grouped horizontal bar chart of probabilities, drawn as percentages: one group per
/// category (top to bottom), one bar per series (e.g. baseline and each intervention).
///
/// # Errors
/// [`ReportError::Plot`] if plotters fails or the series lengths differ from the categories.
///
/// # Examples
/// ```
/// let svg = escalation::report::bar_chart_svg(
///     "Outcomes",
///     "probability",
///     &["concedes".to_string()],
///     &[("baseline".to_string(), vec![0.5])],
/// )?;
/// assert!(svg.contains("100%")); // the axis reads in percent
/// # Ok::<(), escalation::report::ReportError>(())
/// ```
pub fn bar_chart_svg(
    title: &str,
    x_label: &str,
    categories: &[String],
    series: &[(String, Vec<f64>)],
) -> Result<String, ReportError> {
    outcome_chart_svg(title, x_label, categories, series, &[])
}

/// [`bar_chart_svg`] with what was observed marked on each category by a black diamond
/// (`observed[k]`: the observed value of category `k`, `None` where nothing was observed).
///
/// # Errors
/// [`ReportError::Plot`] if plotters fails, the series lengths differ from the categories,
/// or `observed` is neither empty nor as long as the categories.
pub fn outcome_chart_svg(
    title: &str,
    x_label: &str,
    categories: &[String],
    series: &[(String, Vec<f64>)],
    observed: &[Option<f64>],
) -> Result<String, ReportError> {
    let err = plot_err(title);
    if let Some((name, _)) = series.iter().find(|(_, v)| v.len() != categories.len()) {
        return Err(err(format!(
            "series `{name}` does not have {} values",
            categories.len()
        )));
    }
    if !observed.is_empty() && observed.len() != categories.len() {
        return Err(err(format!(
            "{} observed values for {} categories",
            observed.len(),
            categories.len()
        )));
    }
    let n = categories.len().max(1);
    let k = series.len().max(1);
    let height = (90 + n * (12 * k + 18)).max(260) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (SIZE.0, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let (plot, legend) = root.split_horizontally(SIZE.0 - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .caption(title, ("sans-serif", 20))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(230)
            .build_cartesian_2d(0.0..1.0, -0.5..(n as f64 - 0.5))
            .map_err(|e| err(e.to_string()))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(6)
            .max_light_lines(0)
            .x_label_formatter(&|v| percent(*v))
            .x_desc(x_label)
            .draw()
            .map_err(|e| err(e.to_string()))?;
        // Category k is drawn at y = n - 1 - k, so the first category is on top.
        let row = |c: usize| (n - 1 - c) as f64;
        let label_style = TextStyle::from(("sans-serif", 13).into_font())
            .pos(Pos::new(HPos::Right, VPos::Center));
        for (c, name) in categories.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(0.0, row(c)));
            plot.draw(&Text::new(name.clone(), (x - 8, y), label_style.clone()))
                .map_err(|e| err(e.to_string()))?;
        }
        let width = 0.8 / k as f64;
        let mut entries = Vec::new();
        for (s, (name, values)) in series.iter().enumerate() {
            let fill = color(s).mix(0.9);
            chart
                .draw_series(values.iter().enumerate().map(|(c, &v)| {
                    let top = row(c) + 0.4 - width * s as f64;
                    Rectangle::new(
                        [(0.0, top), (v.clamp(0.0, 1.0), top - width * 0.9)],
                        fill.filled(),
                    )
                }))
                .map_err(|e| err(e.to_string()))?;
            entries.push((name.clone(), Mark::Fill(fill)));
        }
        let marks: Vec<(f64, f64)> = observed
            .iter()
            .enumerate()
            .filter_map(|(c, o)| o.map(|v| (v.clamp(0.0, 1.0), row(c))))
            .collect();
        if !marks.is_empty() {
            chart
                .draw_series(
                    marks
                        .iter()
                        .map(|&p| EmptyElement::at(p) + diamond((0, 0), 7)),
                )
                .map_err(|e| err(e.to_string()))?;
            entries.push(("documented outcome".to_string(), Mark::Diamond));
        }
        draw_legend(&legend, &entries, &err)?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    Ok(svg)
}

/// Weighted histogram densities on common bins over `[lo, hi]`.
fn histogram(values: &[f64], weights: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let mut h = vec![0.0; bins];
    let width = (hi - lo) / bins as f64;
    let mut total = 0.0;
    for (&x, &w) in values.iter().zip(weights) {
        if !(x.is_finite() && w > 0.0) {
            continue;
        }
        let b = (((x - lo) / width).floor().max(0.0) as usize).min(bins - 1);
        h[b] += w;
        total += w;
    }
    if total > 0.0 {
        h.iter_mut().for_each(|v| *v /= total * width);
    }
    h
}

/// Prior and posterior of one parameter as overlaid histogram densities (prior grey,
/// posterior blue), with the posterior 90% interval marked by dashed lines.
///
/// # Errors
/// [`ReportError::Plot`] if plotters fails.
pub fn density_svg(
    parameter: &str,
    prior: &[f64],
    posterior: &[f64],
    posterior_weights: &[f64],
) -> Result<String, ReportError> {
    let err = plot_err(parameter);
    let ones = vec![1.0; prior.len()];
    let lo = weighted_quantile(prior, &ones, 0.005).min(weighted_quantile(
        posterior,
        posterior_weights,
        0.005,
    ));
    let hi = weighted_quantile(prior, &ones, 0.995).max(weighted_quantile(
        posterior,
        posterior_weights,
        0.995,
    ));
    let (lo, hi) = if lo.is_finite() && hi.is_finite() && hi > lo {
        (lo, hi)
    } else {
        let c = if lo.is_finite() { lo } else { 0.0 };
        (c - 0.5, c + 0.5)
    };
    let bins = 40;
    let hp = histogram(prior, &ones, lo, hi, bins);
    let hq = histogram(posterior, posterior_weights, lo, hi, bins);
    let ymax = hp
        .iter()
        .chain(&hq)
        .copied()
        .fold(0.0_f64, f64::max)
        .max(1e-12)
        * 1.1;
    let width = (hi - lo) / bins as f64;
    let q05 = weighted_quantile(posterior, posterior_weights, 0.05);
    let q95 = weighted_quantile(posterior, posterior_weights, 0.95);
    let blue = color(0);
    let interval = color(3);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (520 + LEGEND_WIDTH, 320)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let (plot, legend) = root.split_horizontally(520);
        let mut chart = ChartBuilder::on(&plot)
            .caption(parameter, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(55)
            .build_cartesian_2d(lo..hi, 0.0..ymax)
            .map_err(|e| err(e.to_string()))?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .x_labels(6)
            .y_labels(5)
            .y_desc("density")
            .draw()
            .map_err(|e| err(e.to_string()))?;
        let mut entries = Vec::new();
        for (h, c, name) in [(&hp, GREY, "prior"), (&hq, blue, "posterior")] {
            let fill = c.mix(0.45);
            chart
                .draw_series(h.iter().enumerate().map(|(b, &v)| {
                    let x = lo + width * b as f64;
                    Rectangle::new([(x, 0.0), (x + width, v)], fill.filled())
                }))
                .map_err(|e| err(e.to_string()))?;
            entries.push((name.to_string(), Mark::Fill(fill)));
        }
        if q05.is_finite() && q95.is_finite() {
            for q in [q05, q95] {
                chart
                    .draw_series(DashedLineSeries::new(
                        [(q, 0.0), (q, ymax)],
                        6,
                        4,
                        interval.stroke_width(2),
                    ))
                    .map_err(|e| err(e.to_string()))?;
            }
            entries.push(("posterior 90% interval".to_string(), Mark::Dashed(interval)));
        }
        draw_legend(&legend, &entries, &err)?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    Ok(svg)
}

/// Quantile bands of a quantity over days, across runs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FanBands {
    /// The days (x axis).
    pub days: Vec<f64>,
    /// The probabilities of the quantiles, ascending (e.g. 0.05, 0.25, 0.5, 0.75, 0.95).
    pub probabilities: Vec<f64>,
    /// `quantiles[q][t]`: quantile `probabilities[q]` on day `days[t]`.
    pub quantiles: Vec<Vec<f64>>,
    /// Mean on each day.
    pub mean: Vec<f64>,
    /// The day the documented standoff ended, marked on the chart (see
    /// [`FanBands::with_documented_end`]).
    pub documented_end: Option<f64>,
}

impl FanBands {
    /// Bands from runs: `runs[i][t]` is run `i`'s value on day `days[t]`. Runs shorter than
    /// `days` are ignored on the missing days.
    pub fn from_runs(days: Vec<f64>, runs: &[Vec<f64>], probabilities: &[f64]) -> Self {
        let mut quantiles = vec![Vec::with_capacity(days.len()); probabilities.len()];
        let mut mean = Vec::with_capacity(days.len());
        for t in 0..days.len() {
            let column: Vec<f64> = runs.iter().filter_map(|r| r.get(t).copied()).collect();
            let ones = vec![1.0; column.len()];
            for (q, &p) in probabilities.iter().enumerate() {
                quantiles[q].push(weighted_quantile(&column, &ones, p));
            }
            mean.push(if column.is_empty() {
                f64::NAN
            } else {
                column.iter().sum::<f64>() / column.len() as f64
            });
        }
        FanBands {
            days,
            probabilities: probabilities.to_vec(),
            quantiles,
            mean,
            documented_end: None,
        }
    }

    /// Mark the day on which the documented standoff ended (a dashed black line), so the
    /// prediction can be read against what happened.
    pub fn with_documented_end(mut self, day: f64) -> Self {
        self.documented_end = day.is_finite().then_some(day);
        self
    }
}

/// A daily series as a step line: value `values[t]` holds from `days[t]` to the next day.
fn steps(days: &[f64], values: &[f64]) -> Vec<(f64, f64)> {
    let mut pts = Vec::with_capacity(2 * days.len());
    for (t, (&d, &v)) in days.iter().zip(values).enumerate() {
        let next = days.get(t + 1).copied().unwrap_or(d + 1.0);
        pts.push((d, v));
        pts.push((next, v));
    }
    pts
}

/// Fan chart of a rate by day: nested quantile bands (outer pairs lighter), the median and
/// the mean, each as a step line (a day's value holds until the next day); the y axis in
/// percent, the x axis in days, grid lines only at the labelled ticks (never denser than the
/// daily data).
///
/// # Errors
/// [`ReportError::Plot`] if plotters fails or there are no days.
pub fn fan_chart_svg(title: &str, y_label: &str, bands: &FanBands) -> Result<String, ReportError> {
    let err = plot_err(title);
    if bands.days.is_empty() {
        return Err(err("no days to plot".into()));
    }
    let x0 = bands.days.first().copied().unwrap_or(0.0);
    // The last day's value holds for the whole of that day.
    let x1 = bands.days.last().copied().unwrap_or(0.0) + 1.0;
    let ymax = bands
        .quantiles
        .iter()
        .flatten()
        .chain(&bands.mean)
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(0.01)
        * 1.1;
    let blue = color(0);
    let mean_color = color(3);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let (plot, legend) = root.split_horizontally(SIZE.0 - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .caption(title, ("sans-serif", 20))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, 0.0..ymax)
            .map_err(|e| err(e.to_string()))?;
        // At most one labelled (and gridded) day in five, never more than the data's days.
        let x_ticks = bands.days.len().clamp(2, 7);
        chart
            .configure_mesh()
            .max_light_lines(0)
            .x_labels(x_ticks)
            .y_labels(6)
            .x_label_formatter(&|d| format!("{d:.0}"))
            .y_label_formatter(&|v| percent(*v))
            .x_desc("days from the threat")
            .y_desc(y_label)
            .draw()
            .map_err(|e| err(e.to_string()))?;
        let mut entries = Vec::new();
        let nq = bands.quantiles.len();
        for b in 0..nq / 2 {
            let (lo, hi) = (&bands.quantiles[b], &bands.quantiles[nq - 1 - b]);
            let mut pts = steps(&bands.days, hi);
            pts.extend(steps(&bands.days, lo).into_iter().rev());
            let fill = blue.mix(0.2 + 0.2 * b as f64);
            chart
                .draw_series(std::iter::once(Polygon::new(pts, fill.filled())))
                .map_err(|e| err(e.to_string()))?;
            entries.push((
                format!(
                    "{:.0}–{:.0}% of runs",
                    100.0 * bands.probabilities[b],
                    100.0 * bands.probabilities[nq - 1 - b]
                ),
                Mark::Fill(fill),
            ));
        }
        if nq % 2 == 1 {
            let median = &bands.quantiles[nq / 2];
            chart
                .draw_series(LineSeries::new(
                    steps(&bands.days, median),
                    blue.stroke_width(2),
                ))
                .map_err(|e| err(e.to_string()))?;
            entries.push(("median".to_string(), Mark::Line(blue, 2)));
        }
        chart
            .draw_series(LineSeries::new(
                steps(&bands.days, &bands.mean),
                mean_color.stroke_width(2),
            ))
            .map_err(|e| err(e.to_string()))?;
        entries.push(("mean".to_string(), Mark::Line(mean_color, 2)));
        if let Some(day) = bands.documented_end.filter(|d| (x0..=x1).contains(d)) {
            chart
                .draw_series(DashedLineSeries::new(
                    [(day, 0.0), (day, ymax)],
                    6,
                    4,
                    BLACK.stroke_width(2),
                ))
                .map_err(|e| err(e.to_string()))?;
            entries.push((
                format!("documented end (day {day:.2})"),
                Mark::Dashed(RGBColor(0, 0, 0)),
            ));
        }
        draw_legend(&legend, &entries, &err)?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    Ok(svg)
}
