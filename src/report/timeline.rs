//! The documented path as a figure: one row per move, placed on an axis of days from the
//! threat, coloured by who moved. Written as SVG text directly (no plotting library needed
//! for dots and labels); every label is escaped.

use super::html::escape;

/// One documented move to draw.
pub(crate) struct Event {
    /// Days from the threat (negative before it).
    pub day: f64,
    /// Who moved: 0 challenger, 1 target.
    pub side: usize,
    /// The text beside the dot.
    pub label: String,
}

const WIDTH: f64 = 860.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 60.0;
const TOP: f64 = 60.0;
const ROW: f64 = 34.0;
/// Okabe–Ito blue (challenger) and orange (target), as in the other figures.
const COLOURS: [&str; 2] = ["#0072B2", "#E69F00"];

/// A tick step giving at most eight ticks over `span` days.
fn tick_step(span: f64) -> f64 {
    const STEPS: [f64; 15] = [
        0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 7.0, 10.0, 14.0, 30.0, 60.0, 90.0, 180.0, 365.0,
    ];
    STEPS
        .iter()
        .copied()
        .find(|s| span / s <= 8.0)
        .unwrap_or(365.0 * (span / (8.0 * 365.0)).ceil().max(1.0))
}

fn day_label(d: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else if (step * 10.0 - (step * 10.0).round()).abs() < 1e-9 {
        1
    } else {
        2
    };
    let text = format!("{:.*}", decimals, d.abs());
    if d < 0.0 && text.chars().any(|c| ('1'..='9').contains(&c)) {
        format!("−{text}")
    } else {
        text
    }
}

/// The timeline figure of `events` (in order), with `players` named in its key.
pub(crate) fn timeline_svg(title: &str, players: &[String; 2], events: &[Event]) -> String {
    let lo = events.iter().map(|e| e.day).fold(0.0_f64, f64::min);
    let hi = events.iter().map(|e| e.day).fold(0.0_f64, f64::max);
    let span = (hi - lo).max(0.1);
    let (lo, hi) = (lo - 0.05 * span, hi + 0.05 * span);
    let x = |d: f64| LEFT + (d - lo) / (hi - lo) * (WIDTH - LEFT - RIGHT);
    let axis_y = TOP + ROW * events.len() as f64 + 10.0;
    let height = axis_y + 60.0;
    let mut s = format!(
        "<svg width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\">\n\
         <rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{height}\" fill=\"#FFFFFF\"/>\n\
         <text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"18\">{}</text>\n",
        WIDTH / 2.0,
        escape(title)
    );
    // Key, above the rows.
    for (k, name) in players.iter().enumerate() {
        let kx = LEFT + 180.0 * k as f64;
        s.push_str(&format!(
            "<circle cx=\"{}\" cy=\"44\" r=\"6\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"48\" font-size=\"13\">{}</text>\n",
            kx + 6.0,
            COLOURS[k],
            kx + 18.0,
            escape(name)
        ));
    }
    // Ticks and their grid lines.
    let step = tick_step(hi - lo);
    let mut t = (lo / step).ceil() * step;
    while t <= hi + 1e-9 {
        let tx = x(t);
        let stroke = if t.abs() < 1e-9 { "#555555" } else { "#DDDDDD" };
        s.push_str(&format!(
            "<line x1=\"{tx:.1}\" y1=\"{TOP}\" x2=\"{tx:.1}\" y2=\"{axis_y}\" stroke=\"{stroke}\"/>\
             <text x=\"{tx:.1}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{}</text>\n",
            axis_y + 18.0,
            day_label(t, step)
        ));
        t += step;
    }
    s.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\" stroke=\"#000000\"/>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\">days from the threat \
         (day 0: the threat)</text>\n",
        WIDTH - RIGHT,
        (LEFT + WIDTH - RIGHT) / 2.0,
        axis_y + 42.0
    ));
    for (k, e) in events.iter().enumerate() {
        let (ex, ey) = (x(e.day), TOP + ROW * (k as f64 + 0.5));
        let right = ex < WIDTH / 2.0;
        let (tx, anchor) = if right {
            (ex + 12.0, "start")
        } else {
            (ex - 12.0, "end")
        };
        s.push_str(&format!(
            "<circle cx=\"{ex:.1}\" cy=\"{ey:.1}\" r=\"7\" fill=\"{}\"/>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" font-size=\"13\">{}</text>\n",
            COLOURS[e.side.min(1)],
            ey + 4.5,
            escape(&e.label)
        ));
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_ticks_are_few() {
        let svg = timeline_svg(
            "A <b>",
            &["US".into(), "Colombia".into()],
            &[Event {
                day: -0.4,
                side: 1,
                label: "Refuse & <script>".into(),
            }],
        );
        assert!(svg.contains("Refuse &amp; &lt;script&gt;"));
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<b>"));
        assert_eq!(tick_step(0.9), 0.25);
        assert_eq!(tick_step(30.0), 5.0);
        assert_eq!(day_label(-0.25, 0.25), "−0.25");
        assert_eq!(day_label(-0.0001, 0.1), "0.0");
    }
}
