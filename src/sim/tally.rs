//! Exact, mergeable accumulators of run records: the state a summary is computed from.

use ndarray::Array1;

use super::episode::{Layout, RunRecord};
use super::exact::ExactSum;

/// Why a run record cannot be counted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RecordFault {
    /// Class index past the layout's classes.
    Class(usize),
    /// Metric `.0` is not finite (or its square overflows).
    NonFinite(usize, f64),
}

/// Counts, exact sums and histograms of a set of runs. All fields merge exactly (integer
/// addition, exact sums, min/max), so any grouping of runs gives the same tally.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tally {
    /// Runs counted.
    pub(crate) runs: u64,
    /// Runs per outcome class.
    pub(crate) classes: Array1<u64>,
    /// Per metric: `[underflow, bins..., overflow]`.
    pub(crate) histograms: Vec<Array1<u64>>,
    /// Per metric: exact sum of values.
    pub(crate) sums: Vec<ExactSum>,
    /// Per metric: exact sum of the rounded squares `x * x`.
    pub(crate) sums_sq: Vec<ExactSum>,
    /// Per metric: smallest value (`+inf` when empty).
    pub(crate) min: Array1<f64>,
    /// Per metric: largest value (`-inf` when empty).
    pub(crate) max: Array1<f64>,
}

impl Tally {
    /// The empty tally for `layout`.
    pub(crate) fn new(layout: &Layout) -> Self {
        let m = layout.metrics.len();
        Self {
            runs: 0,
            classes: Array1::zeros(layout.classes.len()),
            histograms: layout
                .metrics
                .iter()
                .map(|s| Array1::zeros(s.bins + 2))
                .collect(),
            sums: vec![ExactSum::new(); m],
            sums_sq: vec![ExactSum::new(); m],
            min: Array1::from_elem(m, f64::INFINITY),
            max: Array1::from_elem(m, f64::NEG_INFINITY),
        }
    }

    /// Counts one run.
    #[inline]
    pub(crate) fn add(&mut self, layout: &Layout, rec: &RunRecord) -> Result<(), RecordFault> {
        for (i, &x) in rec.metrics.iter().enumerate() {
            if !(x * x).is_finite() {
                return Err(RecordFault::NonFinite(i, x));
            }
        }
        let count = self
            .classes
            .get_mut(rec.class)
            .ok_or(RecordFault::Class(rec.class))?;
        *count += 1;
        self.runs += 1;
        for (i, (&x, spec)) in rec.metrics.iter().zip(&layout.metrics).enumerate() {
            // -0.0 becomes 0.0 so that min and max do not depend on the order of runs.
            let x = x + 0.0;
            self.sums[i].add(x);
            self.sums_sq[i].add(x * x);
            if x < self.min[i] {
                self.min[i] = x;
            }
            if x > self.max[i] {
                self.max[i] = x;
            }
            if let Some(c) = self.histograms[i].get_mut(spec.slot(x)) {
                *c += 1;
            }
        }
        Ok(())
    }

    /// Adds another tally of the same layout.
    pub(crate) fn merge(&mut self, other: &Tally) {
        self.runs += other.runs;
        self.classes += &other.classes;
        for (a, b) in self.histograms.iter_mut().zip(&other.histograms) {
            *a += b;
        }
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            a.merge(b);
        }
        for (a, b) in self.sums_sq.iter_mut().zip(&other.sums_sq) {
            a.merge(b);
        }
        self.min.zip_mut_with(&other.min, |a, &b| *a = a.min(b));
        self.max.zip_mut_with(&other.max, |a, &b| *a = a.max(b));
    }
}
