//! What one Monte Carlo run is: the [`Episode`] trait, its [`Layout`] and the [`RunRecord`] it fills.

use rand_chacha::ChaCha8Rng;

/// One kind of random experiment, played once per run.
///
/// An episode is compiled once (a scenario's game tree, its priors) and shared by all threads;
/// each thread owns a [`Episode::Scratch`] with whatever buffers a run needs, so that
/// [`Episode::play`] allocates nothing.
pub trait Episode: Sync {
    /// Per-thread working memory, created once per chunk of runs.
    type Scratch: Send;
    /// Why a run could not be played.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Outcome classes, metrics and identity of the episode.
    fn layout(&self) -> &Layout;

    /// Fresh working memory for [`Episode::play`].
    fn scratch(&self) -> Self::Scratch;

    /// Plays run number `run` with its own random stream `rng` and writes the result to `out`
    /// (an outcome class and one value per metric; `out` arrives reset to class 0 and zeros).
    ///
    /// # Errors
    /// Whatever the episode cannot handle for this run's draw.
    fn play(
        &self,
        run: u64,
        rng: &mut ChaCha8Rng,
        scratch: &mut Self::Scratch,
        out: &mut RunRecord,
    ) -> Result<(), Self::Error>;
}

/// A metric recorded once per run, with the fixed histogram that gives its quantiles.
///
/// Quantiles are read from the histogram, so they are exact to one bin width,
/// `(hi - lo) / bins`; values outside `[lo, hi]` still count in the mean, sd, min and max
/// exactly, and fall in an underflow or overflow bin.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricSpec {
    /// Name, e.g. `duration_days`.
    pub name: String,
    /// Unit, e.g. `days` or `USD bn`.
    pub unit: String,
    /// Lower edge of the first histogram bin.
    pub lo: f64,
    /// Upper edge of the last histogram bin.
    pub hi: f64,
    /// Number of equal-width bins between `lo` and `hi`.
    pub bins: usize,
}

impl MetricSpec {
    /// A metric with `bins` equal bins over `[lo, hi]`.
    pub fn new(name: &str, unit: &str, lo: f64, hi: f64, bins: usize) -> Self {
        Self {
            name: name.to_string(),
            unit: unit.to_string(),
            lo,
            hi,
            bins,
        }
    }

    /// Width of one bin: the resolution of the quantiles.
    pub fn bin_width(&self) -> f64 {
        (self.hi - self.lo) / self.bins as f64
    }

    /// Histogram slot of `x`: 0 is the underflow bin, `1..=bins` the bins, `bins + 1` overflow.
    /// The last bin is closed on the right.
    #[inline]
    pub fn slot(&self, x: f64) -> usize {
        if x < self.lo {
            0
        } else if x > self.hi {
            self.bins + 1
        } else {
            let b = ((x - self.lo) * self.bins as f64 / (self.hi - self.lo)) as usize;
            b.min(self.bins - 1) + 1
        }
    }
}

/// The largest number of histogram bins a metric may declare.
pub const MAX_BINS: usize = 1 << 20;

/// Identity, outcome classes and metrics of an [`Episode`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Layout {
    /// Human-readable name of what is simulated (e.g. the scenario's name).
    pub label: String,
    /// A fingerprint of everything that determines the results (e.g. a hash of the scenario),
    /// compared when shards are merged.
    pub fingerprint: String,
    /// Names of the outcome classes; a run falls in exactly one.
    pub classes: Vec<String>,
    /// Metrics recorded per run.
    pub metrics: Vec<MetricSpec>,
}

/// A [`Layout`] that cannot be simulated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// No outcome classes.
    #[error("an episode needs at least one outcome class")]
    NoClasses,
    /// An empty or repeated class or metric name.
    #[error("{what} name {name:?} is empty or repeated")]
    BadName {
        /// `class` or `metric`.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// A metric whose histogram is not `lo < hi` (finite) with 1..=2^20 bins.
    #[error("metric {name:?}: histogram [{lo}, {hi}] with {bins} bins is invalid (need finite lo < hi, 1 to 1048576 bins)")]
    BadHistogram {
        /// Metric name.
        name: String,
        /// Declared lower edge.
        lo: f64,
        /// Declared upper edge.
        hi: f64,
        /// Declared bins.
        bins: usize,
    },
}

impl Layout {
    /// A checked layout.
    ///
    /// # Errors
    /// [`LayoutError`] if there are no classes, a name is empty or repeated, or a histogram is
    /// not finite `lo < hi` with 1 to [`MAX_BINS`] bins.
    ///
    /// # Examples
    /// ```
    /// use escalation::sim::{Layout, MetricSpec};
    /// let layout = Layout::new(
    ///     "coin",
    ///     "v1",
    ///     &["heads", "tails"],
    ///     vec![MetricSpec::new("u", "", 0.0, 1.0, 100)],
    /// )?;
    /// assert_eq!(layout.classes.len(), 2);
    /// # Ok::<(), escalation::sim::LayoutError>(())
    /// ```
    pub fn new(
        label: &str,
        fingerprint: &str,
        classes: &[&str],
        metrics: Vec<MetricSpec>,
    ) -> Result<Self, LayoutError> {
        let layout = Self {
            label: label.to_string(),
            fingerprint: fingerprint.to_string(),
            classes: classes.iter().map(|c| c.to_string()).collect(),
            metrics,
        };
        layout.check()?;
        Ok(layout)
    }

    /// Checks the invariants [`Layout::new`] promises (layouts read from files go through this).
    ///
    /// # Errors
    /// As [`Layout::new`].
    pub fn check(&self) -> Result<(), LayoutError> {
        if self.classes.is_empty() {
            return Err(LayoutError::NoClasses);
        }
        let unique = |what, names: Vec<&String>| {
            for (i, n) in names.iter().enumerate() {
                if n.is_empty() || names[..i].contains(n) {
                    return Err(LayoutError::BadName {
                        what,
                        name: n.to_string(),
                    });
                }
            }
            Ok(())
        };
        unique("class", self.classes.iter().collect())?;
        unique("metric", self.metrics.iter().map(|m| &m.name).collect())?;
        for m in &self.metrics {
            let ok = m.lo.is_finite()
                && m.hi.is_finite()
                && m.lo < m.hi
                && (m.hi - m.lo).is_finite()
                && (1..=MAX_BINS).contains(&m.bins);
            if !ok {
                return Err(LayoutError::BadHistogram {
                    name: m.name.clone(),
                    lo: m.lo,
                    hi: m.hi,
                    bins: m.bins,
                });
            }
        }
        Ok(())
    }
}

/// The result of one run: an outcome class and one value per metric, in layout order.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Index into [`Layout::classes`].
    pub class: usize,
    /// One value per [`Layout::metrics`] entry.
    pub metrics: Box<[f64]>,
}

impl RunRecord {
    /// A record sized for `layout`, class 0 and all metrics 0.
    pub fn new(layout: &Layout) -> Self {
        Self {
            class: 0,
            metrics: vec![0.0; layout.metrics.len()].into_boxed_slice(),
        }
    }

    /// Back to class 0 and zeros, keeping the buffer.
    #[inline]
    pub fn reset(&mut self) {
        self.class = 0;
        self.metrics.iter_mut().for_each(|m| *m = 0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_cover_edges() {
        let m = MetricSpec::new("x", "", 0.0, 1.0, 4);
        assert_eq!(m.slot(-0.1), 0);
        assert_eq!(m.slot(0.0), 1);
        assert_eq!(m.slot(0.2499), 1);
        assert_eq!(m.slot(0.25), 2);
        assert_eq!(m.slot(1.0), 4);
        assert_eq!(m.slot(1.01), 5);
    }

    #[test]
    fn rejects_bad_layouts() {
        let m = |lo, hi, bins| vec![MetricSpec::new("x", "", lo, hi, bins)];
        assert_eq!(
            Layout::new("t", "f", &[], m(0.0, 1.0, 1)),
            Err(LayoutError::NoClasses)
        );
        assert!(Layout::new("t", "f", &["a", "a"], vec![]).is_err());
        assert!(Layout::new("t", "f", &["a"], m(1.0, 1.0, 3)).is_err());
        assert!(Layout::new("t", "f", &["a"], m(0.0, f64::NAN, 3)).is_err());
        assert!(Layout::new("t", "f", &["a"], m(0.0, 1.0, 0)).is_err());
        assert!(Layout::new("t", "f", &["a"], m(0.0, 1.0, 3)).is_ok());
    }
}
