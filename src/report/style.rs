//! What every figure shares: a colour-blind-safe palette, percentage labels, and a legend
//! drawn beside the plot area so that it never covers data.

use super::ReportError;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), distinguishable under
/// the common forms of colour blindness; black last, yellow left out (unreadable on white).
pub(crate) const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(0, 0, 0),       // black
];

/// The prior's colour (neutral grey, so the posterior stands out).
pub(crate) const GREY: RGBColor = RGBColor(150, 150, 150);

/// The colour of series `i` (cycling through [`PALETTE`]).
pub(crate) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A probability or rate as a percentage: 0.5 → "50%", 0.125 → "12.5%".
pub(crate) fn percent(v: f64) -> String {
    let p = 100.0 * v;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
pub(crate) enum Mark {
    /// A filled box (bars, bands).
    Fill(RGBAColor),
    /// A line.
    Line(RGBColor, u32),
    /// A dashed line.
    Dashed(RGBColor),
    /// A black diamond (the observed value).
    Diamond,
}

/// Width of the legend column to the right of a figure's plot area.
pub(crate) const LEGEND_WIDTH: u32 = 210;

/// Draws `entries` as a legend column in `area` (beside the plot, not on it).
pub(crate) fn draw_legend(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    entries: &[(String, Mark)],
    err: &dyn Fn(String) -> ReportError,
) -> Result<(), ReportError> {
    let font = ("sans-serif", 13).into_font().color(&BLACK);
    for (k, (label, mark)) in entries.iter().enumerate() {
        let y = 50 + 22 * k as i32;
        let x = 8;
        match *mark {
            Mark::Fill(c) => area
                .draw(&Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.filled()))
                .map_err(|e| err(e.to_string()))?,
            Mark::Line(c, w) => area
                .draw(&PathElement::new(
                    vec![(x, y), (x + 14, y)],
                    c.stroke_width(w),
                ))
                .map_err(|e| err(e.to_string()))?,
            Mark::Dashed(c) => {
                for s in [0, 6, 12] {
                    area.draw(&PathElement::new(
                        vec![(x + s, y), (x + s + 3, y)],
                        c.stroke_width(2),
                    ))
                    .map_err(|e| err(e.to_string()))?;
                }
            }
            Mark::Diamond => area
                .draw(&diamond((x + 7, y), 6))
                .map_err(|e| err(e.to_string()))?,
        }
        area.draw(&Text::new(label.clone(), (x + 22, y - 7), font.clone()))
            .map_err(|e| err(e.to_string()))?;
    }
    Ok(())
}

/// A black diamond centred on `(x, y)` in pixels, half-width `r`.
pub(crate) fn diamond((x, y): (i32, i32), r: i32) -> Polygon<(i32, i32)> {
    Polygon::new(
        vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)],
        BLACK.filled(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_drop_needless_decimals() {
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(1.0), "100%");
    }
}
