//! The effect of one intervention as a figure: for each probability, the paired difference
//! from the baseline in percentage points, with its 95% posterior interval (thick) and its
//! Monte Carlo 95% confidence interval (thin).

use super::style::{color, draw_legend, Mark, LEGEND_WIDTH};
use super::ReportError;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One row of a difference figure.
pub(crate) struct Row {
    /// What changes (e.g. "US imposes tariffs").
    pub label: String,
    /// Mean difference (probability, −1 to 1).
    pub mean: f64,
    /// 95% posterior interval of the difference.
    pub posterior: [f64; 2],
    /// Monte Carlo 95% confidence interval of the mean difference.
    pub ci: [f64; 2],
}

fn pp(v: f64) -> String {
    let p = 100.0 * v;
    if p.abs() < 1e-9 {
        "0 pp".to_string()
    } else {
        format!("{p:+.0} pp")
    }
}

/// The difference figure of `rows`.
pub(crate) fn difference_svg(title: &str, rows: &[Row]) -> Result<String, ReportError> {
    let err = |reason: String| ReportError::Plot {
        figure: title.to_string(),
        reason,
    };
    let n = rows.len().max(1);
    let width = 860;
    let height = (100 + 34 * n) as u32;
    let main = color(0);
    // Okabe–Ito blue halfway to white.
    let light = RGBColor(128, 184, 216);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let (plot, legend) = root.split_horizontally(width - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(230)
            .build_cartesian_2d(-1.0..1.0, -0.5..(n as f64 - 0.5))
            .map_err(|e| err(e.to_string()))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(9)
            .max_light_lines(0)
            .x_label_formatter(&|v| pp(*v))
            .x_desc("difference from the baseline (percentage points)")
            .draw()
            .map_err(|e| err(e.to_string()))?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
                BLACK.stroke_width(1),
            )))
            .map_err(|e| err(e.to_string()))?;
        let y = |k: usize| (n - 1 - k) as f64;
        let style = TextStyle::from(("sans-serif", 13).into_font())
            .pos(Pos::new(HPos::Right, VPos::Center));
        for (k, r) in rows.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(-1.0, y(k)));
            plot.draw(&Text::new(r.label.clone(), (px - 8, py), style.clone()))
                .map_err(|e| err(e.to_string()))?;
            let clamp = |v: f64| v.clamp(-1.0, 1.0);
            chart
                .draw_series([
                    PathElement::new(
                        vec![(clamp(r.posterior[0]), y(k)), (clamp(r.posterior[1]), y(k))],
                        light.stroke_width(8),
                    ),
                    PathElement::new(
                        vec![(clamp(r.ci[0]), y(k)), (clamp(r.ci[1]), y(k))],
                        BLACK.stroke_width(2),
                    ),
                ])
                .map_err(|e| err(e.to_string()))?;
            chart
                .draw_series(std::iter::once(Circle::new(
                    (clamp(r.mean), y(k)),
                    5,
                    main.filled(),
                )))
                .map_err(|e| err(e.to_string()))?;
        }
        draw_legend(
            &legend,
            &[
                ("mean difference".to_string(), Mark::Fill(main.mix(1.0))),
                ("95% posterior interval".to_string(), Mark::Line(light, 8)),
                (
                    "Monte Carlo 95% CI".to_string(),
                    Mark::Line(RGBColor(0, 0, 0), 2),
                ),
            ],
            &err,
        )?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_reads_in_percentage_points() {
        assert_eq!(pp(0.25), "+25 pp");
        assert_eq!(pp(-0.5), "-50 pp");
        assert_eq!(pp(0.0), "0 pp");
        let svg = difference_svg(
            "x",
            &[Row {
                label: "US imposes tariffs".into(),
                mean: 0.5,
                posterior: [0.4, 0.6],
                ci: [0.45, 0.55],
            }],
        )
        .unwrap();
        assert!(svg.contains("+50 pp"));
    }
}
