//! What makes a summary file trustworthy: a checksum of its content, and checks that its
//! accumulators agree with each other.
//!
//! The checksum is FNV-1a (64 bits) of the summary's canonical bytes: the document as compact
//! JSON without its `checksum` field, fields in the order of the format, numbers as written
//! (integers in decimal, floats in their shortest round-trip form). Reading a file and writing
//! its document again gives the same bytes whatever its whitespace, so the checksum covers the
//! content, not the layout of the text. It catches any edit made by hand or by a tool that
//! does not recompute it; it does not resist deliberate forgery (nothing without a secret
//! key can).
//!
//! The consistency checks catch what the checksum cannot vouch for in a file that has none
//! (one written before checksums): outcome counts add up to the runs, each histogram to the
//! runs, min ≤ max, the histogram's outermost non-empty bins hold the min and the max, the
//! exact sum lies within count × [min, max], and the sum of squares within its bounds.

use super::episode::Layout;
use super::tally::Tally;

/// The prefix of a summary's checksum, naming its algorithm.
pub(crate) const CHECKSUM_ALGORITHM: &str = "fnv1a64";

/// The checksum text of canonical bytes: `fnv1a64:<16 hex digits>`.
pub(crate) fn checksum(canonical: &[u8]) -> String {
    format!(
        "{CHECKSUM_ALGORITHM}:{:016x}",
        crate::mc::fnv1a64(canonical)
    )
}

/// Checks that the tally's parts agree with each other; `Err` names the check that failed.
pub(crate) fn check_tally(layout: &Layout, t: &Tally) -> Result<(), String> {
    if t.classes.sum() != t.runs {
        return Err(format!(
            "outcome counts add up to {}, not to the {} runs counted",
            t.classes.sum(),
            t.runs
        ));
    }
    for (m, spec) in layout.metrics.iter().enumerate() {
        let name = &spec.name;
        let h = &t.histograms[m];
        if h.sum() != t.runs {
            return Err(format!(
                "metric {name:?}: histogram counts add up to {}, not to the {} runs counted",
                h.sum(),
                t.runs
            ));
        }
        if t.runs == 0 {
            if !(t.sums[m].is_zero() && t.sums_sq[m].is_zero()) {
                return Err(format!("metric {name:?}: non-zero sums without runs"));
            }
            continue;
        }
        let (lo, hi) = (t.min[m], t.max[m]);
        if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
            return Err(format!(
                "metric {name:?}: min {lo} and max {hi} are not in order"
            ));
        }
        let first = h.iter().position(|&c| c > 0);
        let last = h.iter().rposition(|&c| c > 0);
        if first != Some(spec.slot(lo)) || last != Some(spec.slot(hi)) {
            return Err(format!(
                "metric {name:?}: the histogram's outermost non-empty bins do not hold the \
                 min {lo} and the max {hi}"
            ));
        }
        check_sums(
            name,
            t.runs,
            t.sums[m].to_f64(),
            t.sums_sq[m].to_f64(),
            lo,
            hi,
        )?;
    }
    Ok(())
}

/// The exact sum within `n × [lo, hi]` and the sum of squares within
/// `[sum² / n, n × max(lo², hi²)]` (Cauchy–Schwarz), up to the rounding of reading them as
/// floats (a few units in the last place).
fn check_sums(name: &str, n: u64, sum: f64, sum_sq: f64, lo: f64, hi: f64) -> Result<(), String> {
    let nf = n as f64;
    let mean = sum / nf;
    let scale = lo.abs().max(hi.abs());
    let slack = 8.0 * f64::EPSILON * scale + f64::MIN_POSITIVE;
    if !(mean >= lo - slack && mean <= hi + slack) {
        return Err(format!(
            "metric {name:?}: the exact sum {sum:e} is not within {n} x [{lo}, {hi}]"
        ));
    }
    let mean_sq = sum_sq / nf;
    let top = scale * scale;
    let slack_sq = 8.0 * f64::EPSILON * top + f64::MIN_POSITIVE;
    if !(mean_sq <= top + slack_sq && mean_sq >= mean * mean - slack_sq) {
        return Err(format!(
            "metric {name:?}: the exact sum of squares {sum_sq:e} is not within \
             [sum^2 / n, n x max(min^2, max^2)] for {n} runs"
        ));
    }
    Ok(())
}
