//! The summary of a simulation (or of one shard of it): exact accumulators, the statistics
//! derived from them ([`Statistics`]), and their JSON and CSV forms.

use std::ops::Range;

use ndarray::{Array1, Array2, ArrayView1};
use serde::{Deserialize, Serialize};

use super::episode::{Layout, MetricSpec};
use super::exact::ExactSum;
use super::integrity;
use super::shard::Shard;
use super::tally::Tally;
use super::SummaryError;
use crate::mc::stats::{
    histogram_quantile, two_point_quantile, two_point_split, wilson, QUANTILE_LEVELS, Z95,
};

/// Version tag of the summary JSON. Version 2 carries a `checksum` of its content.
pub const FORMAT: &str = "escalation-simulation-summary/2";

/// Version tag of summaries written before they carried a checksum: read only when accepted
/// explicitly ([`Unchecksummed::Accept`]).
pub const FORMAT_V1: &str = "escalation-simulation-summary/1";

/// What [`Summary::from_json_with`] does with a summary that has no checksum (format
/// [`FORMAT_V1`], written before summaries carried one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Unchecksummed {
    /// Refuse it with [`SummaryError::NoChecksum`]: its content cannot be verified.
    #[default]
    Refuse,
    /// Read it, with every consistency check but the checksum.
    Accept,
}

/// How run `i` of seed `s` gets its random numbers (written into every summary).
pub const RNG_SCHEME: &str =
    "run i: ChaCha8Rng::seed_from_u64(seed) then set_stream(i) (rand_chacha 0.10)";

/// What a simulation (or shard) counted, with where it sits in the whole simulation.
///
/// Everything in it merges exactly, so the summary of a merged set of shards is identical,
/// down to the bytes of its JSON, to the summary of the unsharded run.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub(crate) layout: Layout,
    pub(crate) seed: u64,
    pub(crate) runs: u64,
    pub(crate) range: Range<u64>,
    pub(crate) chunk_runs: u64,
    /// The shard (index, count) this summary covers; `None` for a whole simulation.
    pub(crate) shard: Option<Shard>,
    pub(crate) tally: Tally,
}

/// Statistics derived from a [`Summary`]; `NaN` where undefined (no runs, or sd of one run).
#[derive(Debug, Clone, PartialEq)]
pub struct Statistics {
    /// Runs per outcome class.
    pub counts: Array1<u64>,
    /// Share of runs per outcome class.
    pub frequencies: Array1<f64>,
    /// Wilson 95% interval per class: column 0 lower, column 1 upper bound.
    pub wilson95: Array2<f64>,
    /// Mean per metric (from the exact sum).
    pub means: Array1<f64>,
    /// Sample standard deviation per metric (divisor n − 1).
    pub sds: Array1<f64>,
    /// Smallest value per metric (exact).
    pub mins: Array1<f64>,
    /// Largest value per metric (exact).
    pub maxs: Array1<f64>,
    /// Quantiles per metric (rows) at [`QUANTILE_LEVELS`] (columns), rounded down to the
    /// histogram grid (see [`crate::mc::stats::histogram_quantile`]); exact for a metric
    /// whose every value is its min or its max (a 0/1 flag), found from the exact sums.
    pub quantiles: Array2<f64>,
}

impl Summary {
    /// The episode layout (classes, metrics, identity).
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The seed of the simulation.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Total runs of the whole simulation (all shards).
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// The runs this summary covers (all of `0..runs` unless it is one shard).
    pub fn range(&self) -> Range<u64> {
        self.range.clone()
    }

    /// The shard this summary covers, or `None` for a whole simulation (also after
    /// [`crate::sim::merge`]).
    pub fn shard(&self) -> Option<Shard> {
        self.shard
    }

    /// Runs per chunk: the unit of parallel work and of shard boundaries.
    pub fn chunk_runs(&self) -> u64 {
        self.chunk_runs
    }

    /// Histogram counts of metric `metric`: `[underflow, bins..., overflow]`.
    pub fn histogram(&self, metric: usize) -> Option<ArrayView1<'_, u64>> {
        self.tally.histograms.get(metric).map(|h| h.view())
    }

    /// Exact sum of metric `metric` over the runs covered.
    pub fn exact_sum(&self, metric: usize) -> Option<&ExactSum> {
        self.tally.sums.get(metric)
    }

    /// The derived statistics.
    pub fn statistics(&self) -> Statistics {
        let t = &self.tally;
        let n = t.runs;
        let nf = n as f64;
        let classes = self.layout.classes.len();
        let metrics = self.layout.metrics.len();
        let frequencies = t
            .classes
            .mapv(|c| if n == 0 { f64::NAN } else { c as f64 / nf });
        let mut wilson95 = Array2::from_elem((classes, 2), f64::NAN);
        for (c, &k) in t.classes.iter().enumerate() {
            if let Some((lo, hi)) = wilson(k, n, Z95) {
                wilson95[[c, 0]] = lo;
                wilson95[[c, 1]] = hi;
            }
        }
        let mut means = Array1::from_elem(metrics, f64::NAN);
        let mut sds = Array1::from_elem(metrics, f64::NAN);
        let mut quantiles = Array2::from_elem((metrics, QUANTILE_LEVELS.len()), f64::NAN);
        let (mut mins, mut maxs) = (t.min.clone(), t.max.clone());
        if n == 0 {
            mins.fill(f64::NAN);
            maxs.fill(f64::NAN);
        }
        for (m, spec) in self.layout.metrics.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let s1 = t.sums[m].to_f64();
            let s2 = t.sums_sq[m].to_f64();
            let mean = s1 / nf;
            means[m] = mean;
            if n > 1 {
                sds[m] = ((s2 - s1 * mean) / (nf - 1.0)).max(0.0).sqrt();
            }
            // A two-valued metric (a 0/1 flag) has exact quantiles, each one of its values;
            // on the histogram its top value would read as its bin's left edge.
            let split = two_point_split(
                n,
                t.min[m],
                t.max[m],
                &t.sums[m].to_rational(),
                &t.sums_sq[m].to_rational(),
            );
            if let Some(at_max) = split {
                for (j, &q) in QUANTILE_LEVELS.iter().enumerate() {
                    quantiles[[m, j]] = two_point_quantile(n, at_max, t.min[m], t.max[m], q);
                }
            } else if let Some(slots) = t.histograms[m].as_slice() {
                for (j, &q) in QUANTILE_LEVELS.iter().enumerate() {
                    if let Some(x) =
                        histogram_quantile(slots, spec.lo, spec.hi, t.min[m], t.max[m], q)
                    {
                        quantiles[[m, j]] = x;
                    }
                }
            }
        }
        Statistics {
            counts: t.classes.clone(),
            frequencies,
            wilson95,
            means,
            sds,
            mins,
            maxs,
            quantiles,
        }
    }

    /// The summary as pretty JSON (with a final newline): identity, seed, range, outcome
    /// frequencies with Wilson intervals, metric statistics and histograms, and the exact sums
    /// that [`Summary::from_json`] and [`crate::sim::merge`] read back.
    pub fn to_json(&self) -> String {
        let mut doc = self.to_doc();
        doc.checksum = Some(integrity::checksum(&canonical_bytes(&doc)));
        // Serialising plain data (strings, integers, finite floats or null) cannot fail.
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a summary written by [`Summary::to_json`], after checking its checksum and the
    /// consistency of its accumulators (see the `integrity` checks: outcome counts and
    /// histograms add up to the runs, extremes in the outermost bins, sums within
    /// count × [min, max]); the derived statistics in the text are ignored and recomputed from
    /// the exact accumulators. A summary without a checksum (format [`FORMAT_V1`]) is refused.
    ///
    /// # Errors
    /// [`SummaryError::Checksum`] when the content does not match its checksum (the file was
    /// edited), [`SummaryError::NoChecksum`] for a summary without one,
    /// [`SummaryError::Inconsistent`] naming the check that failed, [`SummaryError::Json`] if
    /// the text is not JSON of this format.
    pub fn from_json(text: &str) -> Result<Self, SummaryError> {
        Self::from_json_with(text, Unchecksummed::Refuse)
    }

    /// As [`Summary::from_json`], with summaries that have no checksum read or refused as
    /// `unchecksummed` says.
    ///
    /// # Errors
    /// As [`Summary::from_json`].
    pub fn from_json_with(text: &str, unchecksummed: Unchecksummed) -> Result<Self, SummaryError> {
        let mut doc: SummaryDoc = serde_json::from_str(text).map_err(|e| SummaryError::Json {
            // serde_json says column 0 at the end of an empty line; columns are 1-based.
            line: e.line().max(1),
            column: e.column().max(1),
            message: e.to_string(),
        })?;
        match (doc.format.as_str(), doc.checksum.take()) {
            (FORMAT, Some(stated)) => {
                let computed = integrity::checksum(&canonical_bytes(&doc));
                if stated != computed {
                    return Err(SummaryError::Checksum { stated, computed });
                }
            }
            (FORMAT, None) => {
                return Err(SummaryError::Inconsistent(format!(
                    "the checksum field is missing, which format {FORMAT:?} always has: the \
                     file was edited"
                )))
            }
            (FORMAT_V1, None) if unchecksummed == Unchecksummed::Accept => {}
            (FORMAT_V1, None) => return Err(SummaryError::NoChecksum),
            (FORMAT_V1, Some(_)) => {
                return Err(SummaryError::Inconsistent(format!(
                    "format {FORMAT_V1:?} has no checksum field"
                )))
            }
            (other, _) => {
                return Err(SummaryError::Inconsistent(format!(
                    "format is {other:?}, expected {FORMAT:?}"
                )))
            }
        }
        Self::from_doc(doc)
    }

    /// The derived statistics as CSV: one row per outcome class, then one per metric.
    pub fn to_csv(&self) -> String {
        let r = self.statistics();
        let mut out = String::from(
            "kind,name,unit,count,frequency,wilson95_lo,wilson95_hi,mean,sd,min,p05,p25,p50,p75,p95,max\n",
        );
        let num = |x: f64| {
            if x.is_nan() {
                String::new()
            } else {
                format!("{x}")
            }
        };
        for (c, name) in self.layout.classes.iter().enumerate() {
            out.push_str(&format!(
                "outcome,{},,{},{},{},{},,,,,,,,,\n",
                csv_field(name),
                r.counts[c],
                num(r.frequencies[c]),
                num(r.wilson95[[c, 0]]),
                num(r.wilson95[[c, 1]]),
            ));
        }
        for (m, spec) in self.layout.metrics.iter().enumerate() {
            let q: Vec<String> = r.quantiles.row(m).iter().map(|&x| num(x)).collect();
            out.push_str(&format!(
                "metric,{},{},{},,,,{},{},{},{},{}\n",
                csv_field(&spec.name),
                csv_field(&spec.unit),
                self.tally.runs,
                num(r.means[m]),
                num(r.sds[m]),
                num(r.mins[m]),
                q.join(","),
                num(r.maxs[m]),
            ));
        }
        out
    }

    fn to_doc(&self) -> SummaryDoc {
        let r = self.statistics();
        let opt = |x: f64| if x.is_finite() { Some(x) } else { None };
        let outcomes = self
            .layout
            .classes
            .iter()
            .enumerate()
            .map(|(c, name)| OutcomeDoc {
                class: name.clone(),
                count: r.counts[c],
                frequency: opt(r.frequencies[c]),
                wilson95: opt(r.wilson95[[c, 0]]).zip(opt(r.wilson95[[c, 1]])),
            })
            .collect();
        let metrics = self
            .layout
            .metrics
            .iter()
            .enumerate()
            .map(|(m, spec)| {
                let h = &self.tally.histograms[m];
                let q = |j: usize| opt(r.quantiles[[m, j]]);
                MetricDoc {
                    name: spec.name.clone(),
                    unit: spec.unit.clone(),
                    mean: opt(r.means[m]),
                    sd: opt(r.sds[m]),
                    min: opt(r.mins[m]),
                    max: opt(r.maxs[m]),
                    quantiles: QuantilesDoc {
                        p05: q(0),
                        p25: q(1),
                        p50: q(2),
                        p75: q(3),
                        p95: q(4),
                    },
                    quantile_resolution: spec.bin_width(),
                    histogram: HistogramDoc {
                        lo: spec.lo,
                        hi: spec.hi,
                        bins: spec.bins,
                        underflow: h[0],
                        counts: h.iter().skip(1).take(spec.bins).copied().collect(),
                        overflow: h[spec.bins + 1],
                    },
                    exact: ExactDoc {
                        sum: self.tally.sums[m].to_string(),
                        sum_sq: self.tally.sums_sq[m].to_string(),
                    },
                }
            })
            .collect();
        SummaryDoc {
            format: FORMAT.to_string(),
            checksum: None,
            scenario: ScenarioDoc {
                label: self.layout.label.clone(),
                fingerprint: self.layout.fingerprint.clone(),
            },
            rng: RNG_SCHEME.to_string(),
            seed: self.seed,
            runs: self.runs,
            range: [self.range.start, self.range.end],
            chunk_runs: self.chunk_runs,
            shard: self.shard.map(|s| [s.index(), s.count()]),
            counted_runs: self.tally.runs,
            quantile_note: QUANTILE_NOTE.to_string(),
            outcomes,
            metrics,
        }
    }

    fn from_doc(doc: SummaryDoc) -> Result<Self, SummaryError> {
        let bad = |what: String| SummaryError::Inconsistent(what);
        let [start, end] = doc.range;
        let shard = match doc.shard {
            None => None,
            Some([index, count]) => {
                let shard = Shard::new(index, count).map_err(|e| bad(format!("shard: {e}")))?;
                if shard.range(doc.runs, doc.chunk_runs).ok() != Some(start..end) {
                    return Err(bad(format!(
                        "shard {index}/{count} of {} runs does not cover range [{start}, {end})",
                        doc.runs
                    )));
                }
                Some(shard)
            }
        };
        if start > end || end > doc.runs || doc.chunk_runs == 0 {
            return Err(bad(format!(
                "range [{start}, {end}) of {} runs with chunks of {}",
                doc.runs, doc.chunk_runs
            )));
        }
        let layout = Layout {
            label: doc.scenario.label,
            fingerprint: doc.scenario.fingerprint,
            classes: doc.outcomes.iter().map(|o| o.class.clone()).collect(),
            metrics: doc
                .metrics
                .iter()
                .map(|m| MetricSpec {
                    name: m.name.clone(),
                    unit: m.unit.clone(),
                    lo: m.histogram.lo,
                    hi: m.histogram.hi,
                    bins: m.histogram.bins,
                })
                .collect(),
        };
        layout.check().map_err(SummaryError::Layout)?;
        let mut tally = Tally::new(&layout);
        tally.runs = doc.counted_runs;
        if end - start != tally.runs {
            return Err(bad(format!(
                "range [{start}, {end}) but {} runs counted",
                tally.runs
            )));
        }
        for (c, o) in doc.outcomes.iter().enumerate() {
            tally.classes[c] = o.count;
        }
        for (m, md) in doc.metrics.iter().enumerate() {
            let h = &md.histogram;
            if h.counts.len() != h.bins {
                return Err(bad(format!(
                    "metric {:?}: {} histogram counts for {} bins",
                    md.name,
                    h.counts.len(),
                    h.bins
                )));
            }
            let mut slots = Vec::with_capacity(h.bins + 2);
            slots.push(h.underflow);
            slots.extend_from_slice(&h.counts);
            slots.push(h.overflow);
            tally.histograms[m] = Array1::from(slots);
            let parse = |s: &str| {
                s.parse::<ExactSum>()
                    .map_err(|e| bad(format!("metric {:?}: {e}", md.name)))
            };
            tally.sums[m] = parse(&md.exact.sum)?;
            tally.sums_sq[m] = parse(&md.exact.sum_sq)?;
            match (md.min, md.max, tally.runs) {
                (Some(lo), Some(hi), n) if n > 0 => {
                    tally.min[m] = lo;
                    tally.max[m] = hi;
                }
                (None, None, 0) => {}
                _ => {
                    return Err(bad(format!(
                        "metric {:?}: min/max missing or present without runs",
                        md.name
                    )))
                }
            }
        }
        integrity::check_tally(&layout, &tally).map_err(bad)?;
        Ok(Self {
            layout,
            seed: doc.seed,
            runs: doc.runs,
            range: start..end,
            chunk_runs: doc.chunk_runs,
            shard,
            tally,
        })
    }
}

/// The canonical bytes of a document without its checksum: compact JSON, fields in the
/// format's order, floats in shortest round-trip form.
fn canonical_bytes(doc: &SummaryDoc) -> Vec<u8> {
    debug_assert!(doc.checksum.is_none());
    // Serialising plain data cannot fail.
    serde_json::to_vec(doc).unwrap_or_default()
}

const QUANTILE_NOTE: &str = "quantiles are rounded down to the histogram grid: inside [lo, hi] the sample quantile lies in [value, value + quantile_resolution]; below lo it lies in [min, lo], above hi in [hi, max]; a metric whose every value is its min or its max (a 0/1 flag) has exact quantiles";

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SummaryDoc {
    format: String,
    /// `fnv1a64:<hex>` of the canonical bytes (see `integrity`); absent in [`FORMAT_V1`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    checksum: Option<String>,
    scenario: ScenarioDoc,
    rng: String,
    seed: u64,
    runs: u64,
    range: [u64; 2],
    chunk_runs: u64,
    /// `[index, count]` of a shard; absent for a whole simulation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shard: Option<[u64; 2]>,
    counted_runs: u64,
    quantile_note: String,
    outcomes: Vec<OutcomeDoc>,
    metrics: Vec<MetricDoc>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioDoc {
    label: String,
    fingerprint: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeDoc {
    class: String,
    count: u64,
    frequency: Option<f64>,
    wilson95: Option<(f64, f64)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricDoc {
    name: String,
    unit: String,
    mean: Option<f64>,
    sd: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    quantiles: QuantilesDoc,
    quantile_resolution: f64,
    histogram: HistogramDoc,
    exact: ExactDoc,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuantilesDoc {
    p05: Option<f64>,
    p25: Option<f64>,
    p50: Option<f64>,
    p75: Option<f64>,
    p95: Option<f64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistogramDoc {
    lo: f64,
    hi: f64,
    bins: usize,
    underflow: u64,
    counts: Vec<u64>,
    overflow: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExactDoc {
    sum: String,
    sum_sq: String,
}
