//! SVG figures drawn with plotters into strings (the caller writes them atomically).

use super::ReportError;
use crate::mc::stats::weighted_quantile;
use plotters::prelude::*;

const SIZE: (u32, u32) = (760, 420);

fn plot_err(figure: &str) -> impl Fn(String) -> ReportError + '_ {
    move |reason| ReportError::Plot {
        figure: figure.to_string(),
        reason,
    }
}

/// Grouped bar chart: one group per category, one bar per series (e.g. baseline and each
/// intervention), values typically probabilities.
///
/// # Errors
/// [`ReportError::Plot`] if plotters fails or the series lengths differ from the categories.
pub fn bar_chart_svg(
    title: &str,
    y_label: &str,
    categories: &[String],
    series: &[(String, Vec<f64>)],
) -> Result<String, ReportError> {
    let err = plot_err(title);
    if let Some((name, _)) = series.iter().find(|(_, v)| v.len() != categories.len()) {
        return Err(err(format!(
            "series `{name}` does not have {} values",
            categories.len()
        )));
    }
    let ymax = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(1e-9)
        * 1.1;
    let n = categories.len().max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..ymax)
            .map_err(|e| err(e.to_string()))?;
        let label = |v: &f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                categories.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n + 1)
            .x_label_formatter(&label)
            .y_desc(y_label)
            .draw()
            .map_err(|e| err(e.to_string()))?;
        let k = series.len().max(1) as f64;
        let width = 0.8 / k;
        for (s, (name, values)) in series.iter().enumerate() {
            let color = Palette99::pick(s).mix(0.85);
            let x0 = -0.4 + width * s as f64;
            chart
                .draw_series(values.iter().enumerate().map(|(i, &v)| {
                    let left = i as f64 + x0;
                    Rectangle::new([(left, 0.0), (left + width * 0.95, v)], color.filled())
                }))
                .map_err(|e| err(e.to_string()))?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| err(e.to_string()))?;
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
/// posterior blue), with the posterior 90% interval marked.
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
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (520, 320)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(parameter, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(55)
            .build_cartesian_2d(lo..hi, 0.0..ymax)
            .map_err(|e| err(e.to_string()))?;
        chart
            .configure_mesh()
            .y_desc("density")
            .draw()
            .map_err(|e| err(e.to_string()))?;
        for (h, color, name) in [
            (&hp, RGBColor(150, 150, 150), "prior"),
            (&hq, BLUE, "posterior"),
        ] {
            chart
                .draw_series(h.iter().enumerate().map(|(b, &v)| {
                    let x = lo + width * b as f64;
                    Rectangle::new([(x, 0.0), (x + width, v)], color.mix(0.4).filled())
                }))
                .map_err(|e| err(e.to_string()))?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
        }
        if q05.is_finite() && q95.is_finite() {
            chart
                .draw_series([q05, q95].map(|q| PathElement::new(vec![(q, 0.0), (q, ymax)], BLUE)))
                .map_err(|e| err(e.to_string()))?
                .label("posterior 90%")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 10, y)], BLUE));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| err(e.to_string()))?;
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
        }
    }
}

/// Fan chart: nested quantile bands (outer pairs lighter) and the mean line.
///
/// # Errors
/// [`ReportError::Plot`] if plotters fails or there are no days.
pub fn fan_chart_svg(title: &str, y_label: &str, bands: &FanBands) -> Result<String, ReportError> {
    let err = plot_err(title);
    if bands.days.is_empty() {
        return Err(err("no days to plot".into()));
    }
    let x0 = bands.days.first().copied().unwrap_or(0.0);
    let x1 = bands.days.last().copied().unwrap_or(1.0).max(x0 + 1e-9);
    let ymax = bands
        .quantiles
        .iter()
        .flatten()
        .chain(&bands.mean)
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(1e-9)
        * 1.1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, 0.0..ymax)
            .map_err(|e| err(e.to_string()))?;
        chart
            .configure_mesh()
            .x_desc("day")
            .y_desc(y_label)
            .draw()
            .map_err(|e| err(e.to_string()))?;
        let nq = bands.quantiles.len();
        for b in 0..nq / 2 {
            let (lo, hi) = (&bands.quantiles[b], &bands.quantiles[nq - 1 - b]);
            let mut pts: Vec<(f64, f64)> =
                bands.days.iter().copied().zip(hi.iter().copied()).collect();
            pts.extend(bands.days.iter().copied().zip(lo.iter().copied()).rev());
            let alpha = 0.15 + 0.2 * b as f64;
            let label = format!(
                "{:.0}–{:.0}%",
                100.0 * bands.probabilities[b],
                100.0 * bands.probabilities[nq - 1 - b]
            );
            chart
                .draw_series(std::iter::once(Polygon::new(pts, BLUE.mix(alpha).filled())))
                .map_err(|e| err(e.to_string()))?
                .label(label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], BLUE.mix(alpha).filled())
                });
        }
        if nq % 2 == 1 {
            let median = &bands.quantiles[nq / 2];
            chart
                .draw_series(LineSeries::new(
                    bands.days.iter().copied().zip(median.iter().copied()),
                    BLUE.stroke_width(2),
                ))
                .map_err(|e| err(e.to_string()))?
                .label("median")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 10, y)], BLUE));
        }
        chart
            .draw_series(LineSeries::new(
                bands.days.iter().copied().zip(bands.mean.iter().copied()),
                RED.stroke_width(2),
            ))
            .map_err(|e| err(e.to_string()))?
            .label("mean")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 10, y)], RED));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| err(e.to_string()))?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    Ok(svg)
}
