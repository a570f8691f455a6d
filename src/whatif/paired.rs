//! The paired-difference engine.

use super::{Arm, DrawStatus, Metric, WhatifError};
use crate::mc::stats::mean_se_interval;
use crate::mc::{Pool, Purpose, Streams};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// One draw's results: per arm and metric the replicates' mean and the expectation (exact,
/// or the replicates' mean where the arm has none); per intervention and metric the mean
/// paired difference and the difference of expectations. `None` if the draw was left out.
struct DrawMeans {
    means: Vec<f64>,
    expected: Vec<f64>,
    diffs: Vec<f64>,
    expected_diffs: Vec<f64>,
    /// Per arm: whether its expectation was exact.
    exact: Vec<bool>,
}

/// A draw's results, or which arms it did not apply to.
enum DrawResult {
    Used(DrawMeans),
    Excluded(Vec<bool>),
}

/// Settings of [`compare`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedConfig {
    /// Runs per posterior draw (at least 1).
    pub replicates: usize,
    /// Seed of the runs' random streams: run `r` of draw `j` uses stream `j · replicates + r`,
    /// the same for every arm.
    pub seed: u64,
    /// Worker threads of a local rayon pool; `None` uses the current pool. Results do not
    /// depend on it.
    pub threads: Option<usize>,
}

impl Default for PairedConfig {
    fn default() -> Self {
        PairedConfig {
            replicates: 20,
            seed: 0,
            threads: None,
        }
    }
}

/// One metric under one arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetricSummary {
    /// Mean over all runs (a probability for an indicator metric).
    pub mean: f64,
    /// Monte Carlo standard error of `mean`: the standard deviation of the per-draw means
    /// over `sqrt(draws)` (draws treated as independent).
    pub mc_se: f64,
    /// 95% posterior interval of the per-draw expected value: the 2.5% and 97.5% quantiles,
    /// over posterior draws, of that draw's expectation. It shows parameter uncertainty,
    /// not Monte Carlo error: the expectations are exact when the arm computes them
    /// (`expected_per_draw` is `Some`), otherwise the means of the draw's replicates (and
    /// then include their noise).
    pub posterior_interval: [f64; 2],
    /// The per-draw means of the replicates, in draw order.
    pub per_draw: Vec<f64>,
    /// The exact per-draw expectations, in draw order, when the arm computed them for
    /// every draw ([`DrawStatus::Exact`]); `None` otherwise.
    pub expected_per_draw: Option<Vec<f64>>,
}

/// One metric's paired difference, intervention minus baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Difference {
    /// Mean over all runs of (intervention − baseline), each run paired by its random stream.
    pub mean: f64,
    /// Monte Carlo standard error of `mean` (per-draw mean differences, draws independent).
    pub mc_se: f64,
    /// 95% Monte Carlo confidence interval of the mean difference, `mean ± 1.96 mc_se`: how
    /// precisely the simulation pins down the average effect over the posterior.
    pub mean_interval: [f64; 2],
    /// 95% posterior interval of the per-draw expected difference (2.5% and 97.5% quantiles
    /// over draws): how much the effect varies with the uncertain parameters. Exact per draw
    /// when both arms compute their expectations (`expected_per_draw` is `Some`), otherwise
    /// from the per-draw mean paired differences of the replicates.
    pub posterior_interval: [f64; 2],
    /// The per-draw mean paired differences of the replicates, in draw order.
    pub per_draw: Vec<f64>,
    /// The exact per-draw expected differences, in draw order, when both arms computed
    /// their expectations for every draw; `None` otherwise.
    pub expected_per_draw: Option<Vec<f64>>,
}

/// All metrics under one arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ArmSummary {
    /// The arm's name ("baseline" or the intervention's).
    pub name: String,
    /// One summary per metric, in the metrics' order.
    pub metrics: Vec<MetricSummary>,
    /// Draws that did not apply to this arm ([`DrawStatus::NotApplicable`]); they are left
    /// out of every arm (see [`Comparison::excluded_draws`]).
    pub not_applicable: usize,
}

/// One intervention against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InterventionResult {
    /// The intervention's outcome distribution.
    pub outcome: ArmSummary,
    /// Paired differences from the baseline, one per metric.
    pub differences: Vec<Difference>,
}

/// The baseline and every intervention, on the same draws and random streams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Comparison {
    /// The metrics, in order.
    pub metrics: Vec<Metric>,
    /// Number of posterior draws compared (those that applied to every arm).
    pub draws: usize,
    /// Indices (into the draws given to [`compare`]) of the draws left out because some arm
    /// did not apply to them; the `per_draw` vectors skip them. Every draw keeps its own
    /// random streams whichever others are left out.
    pub excluded_draws: Vec<usize>,
    /// Runs per draw.
    pub replicates: usize,
    /// Seed of the runs.
    pub seed: u64,
    /// The baseline.
    pub baseline: ArmSummary,
    /// Each intervention, in the order given.
    pub interventions: Vec<InterventionResult>,
}

/// Run the baseline and each intervention on every draw, `replicates` times each, with
/// common random numbers, and summarise outcomes and paired differences.
///
/// `draws` should be equal-weight posterior draws (see
/// [`Posterior::equal_weight_draws`](crate::calibrate::Posterior::equal_weight_draws)).
/// Run `r` of draw `j` gives every arm a fresh copy of the same stream, so an intervention
/// identical to the baseline yields differences of exactly zero.
///
/// Each arm is asked through [`Arm::evaluate_draw`]: the means and their Monte Carlo
/// intervals come from the replicates; the posterior intervals from the arms' exact
/// per-draw expectations where they give them. A draw that does not apply to some arm
/// ([`DrawStatus::NotApplicable`]) is left out of every arm and listed in
/// [`Comparison::excluded_draws`], counted in that arm's [`ArmSummary::not_applicable`].
///
/// # Errors
/// [`WhatifError::InvalidConfig`] for zero replicates or threads, [`WhatifError::NoDraws`],
/// [`WhatifError::NonFiniteMetric`] / [`WhatifError::NonFiniteExpectation`] when an arm
/// reports NaN or infinity, [`WhatifError::Arm`] when an arm fails,
/// [`WhatifError::NoApplicableDraws`] when no draw applies to every arm, and
/// [`WhatifError::Pool`].
pub fn compare(
    metrics: &[Metric],
    draws: &[Vec<f64>],
    baseline: &dyn Arm,
    interventions: &[(&str, &dyn Arm)],
    config: &PairedConfig,
) -> Result<Comparison, WhatifError> {
    if config.replicates == 0 {
        return Err(WhatifError::InvalidConfig {
            field: "replicates",
            reason: "need at least one run per draw".into(),
        });
    }
    if draws.is_empty() {
        return Err(WhatifError::NoDraws);
    }
    if config.threads == Some(0) {
        return Err(WhatifError::InvalidConfig {
            field: "threads",
            reason: "must be at least 1".into(),
        });
    }
    let arms: Vec<(&str, &dyn Arm)> = std::iter::once(("baseline", baseline))
        .chain(interventions.iter().copied())
        .collect();
    let paired = Paired {
        metrics,
        arms: &arms,
        replicates: config.replicates,
        streams: Streams::new(config.seed, Purpose::WHATIF),
    };
    let all = Pool::new(config.threads)?.install(|| {
        (0..draws.len())
            .into_par_iter()
            .map(|j| paired.draw(j, &draws[j]))
            .collect::<Result<Vec<DrawResult>, WhatifError>>()
    })?;
    let (results, excluded_draws, not_applicable) = split_excluded(all, arms.len());
    if results.is_empty() {
        return Err(WhatifError::NoApplicableDraws {
            draws: draws.len(),
            arms: arms
                .iter()
                .zip(&not_applicable)
                .filter(|(_, &n)| n > 0)
                .map(|((name, _), &n)| (name.to_string(), n))
                .collect(),
        });
    }
    let summary = |a: usize| paired.arm_summary(&results, a, not_applicable[a]);
    let interventions = (1..arms.len())
        .map(|a| InterventionResult {
            outcome: summary(a),
            differences: paired.differences(&results, a - 1),
        })
        .collect();
    Ok(Comparison {
        metrics: metrics.to_vec(),
        draws: results.len(),
        excluded_draws,
        replicates: config.replicates,
        seed: config.seed,
        baseline: summary(0),
        interventions,
    })
}

/// The draws used, the indices of those left out, and per arm how many it did not apply to.
fn split_excluded(all: Vec<DrawResult>, arms: usize) -> (Vec<DrawMeans>, Vec<usize>, Vec<usize>) {
    let mut not_applicable = vec![0usize; arms];
    let mut excluded_draws = Vec::new();
    let mut results = Vec::with_capacity(all.len());
    for (j, r) in all.into_iter().enumerate() {
        match r {
            DrawResult::Used(d) => results.push(d),
            DrawResult::Excluded(na) => {
                excluded_draws.push(j);
                for (count, &x) in not_applicable.iter_mut().zip(&na) {
                    *count += usize::from(x);
                }
            }
        }
    }
    (results, excluded_draws, not_applicable)
}

/// One comparison's set-up: its metrics, its arms (the baseline first) and the streams
/// every arm shares.
struct Paired<'a> {
    metrics: &'a [Metric],
    arms: &'a [(&'a str, &'a dyn Arm)],
    replicates: usize,
    streams: Streams,
}

impl Paired<'_> {
    /// Draw `j` under every arm: per arm, the mean of each metric over replicates and its
    /// expectation; per intervention, the mean paired difference and the difference of
    /// expectations (layout `[arm][metric]` then `[intervention][metric]`).
    fn draw(&self, j: usize, theta: &[f64]) -> Result<DrawResult, WhatifError> {
        let (m, reps, arms) = (self.metrics.len(), self.replicates, self.arms.len());
        let mut outs = vec![0.0; arms * reps * m];
        let mut expected = vec![0.0; arms * m];
        let mut exact = vec![false; arms];
        let mut not_applicable = vec![false; arms];
        let streams: Vec<_> = (0..reps)
            .map(|r| self.streams.get((j * reps + r) as u64))
            .collect();
        for (a, &(name, arm)) in self.arms.iter().enumerate() {
            // Every arm gets fresh copies of the same streams: common random numbers.
            let mut rngs = streams.clone();
            let out = &mut outs[a * reps * m..(a + 1) * reps * m];
            let exp = &mut expected[a * m..(a + 1) * m];
            let status = arm
                .evaluate_draw(theta, &mut rngs, out, exp)
                .map_err(|message| WhatifError::Arm {
                    arm: name.to_string(),
                    draw: j,
                    message,
                })?;
            match status {
                DrawStatus::NotApplicable => {
                    not_applicable[a] = true;
                    continue;
                }
                DrawStatus::Exact => exact[a] = true,
                DrawStatus::Sampled => {}
            }
            self.check_finite(name, j, out, exact[a].then_some(&*exp))?;
        }
        if not_applicable.contains(&true) {
            return Ok(DrawResult::Excluded(not_applicable));
        }
        Ok(DrawResult::Used(self.means(&outs, expected, exact)))
    }

    /// Every replicate's value, and the expectations when exact, must be finite.
    fn check_finite(
        &self,
        arm: &str,
        draw: usize,
        out: &[f64],
        expected: Option<&[f64]>,
    ) -> Result<(), WhatifError> {
        let m = self.metrics.len();
        if let Some((i, &v)) = out.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(WhatifError::NonFiniteMetric {
                arm: arm.to_string(),
                metric: self.metrics[i % m].name.clone(),
                draw,
                replicate: i / m,
                value: v,
            });
        }
        if let Some((q, &v)) = expected
            .into_iter()
            .flatten()
            .enumerate()
            .find(|(_, v)| !v.is_finite())
        {
            return Err(WhatifError::NonFiniteExpectation {
                arm: arm.to_string(),
                metric: self.metrics[q].name.clone(),
                draw,
                value: v,
            });
        }
        Ok(())
    }

    /// One used draw's means, paired differences and expectations from every arm's
    /// replicates `outs` (sums in replicate order, the same for every thread count).
    fn means(&self, outs: &[f64], mut expected: Vec<f64>, exact: Vec<bool>) -> DrawMeans {
        let (m, reps) = (self.metrics.len(), self.replicates);
        let k = self.arms.len() - 1;
        let mut means = vec![0.0; (k + 1) * m];
        let mut diffs = vec![0.0; k * m];
        for a in 0..=k {
            for r in 0..reps {
                for q in 0..m {
                    means[a * m + q] += outs[(a * reps + r) * m + q];
                }
            }
        }
        for i in 0..k {
            for r in 0..reps {
                for q in 0..m {
                    diffs[i * m + q] += outs[((i + 1) * reps + r) * m + q] - outs[r * m + q];
                }
            }
        }
        let inv = 1.0 / reps as f64;
        means.iter_mut().for_each(|s| *s *= inv);
        diffs.iter_mut().for_each(|s| *s *= inv);
        for a in 0..=k {
            if !exact[a] {
                expected[a * m..(a + 1) * m].copy_from_slice(&means[a * m..(a + 1) * m]);
            }
        }
        let mut expected_diffs = vec![0.0; k * m];
        for i in 0..k {
            for q in 0..m {
                expected_diffs[i * m + q] = if exact[0] && exact[i + 1] {
                    expected[(i + 1) * m + q] - expected[q]
                } else {
                    diffs[i * m + q]
                };
            }
        }
        DrawMeans {
            means,
            expected,
            diffs,
            expected_diffs,
            exact,
        }
    }

    /// Arm `a`'s summary over the used draws.
    fn arm_summary(&self, results: &[DrawMeans], a: usize, not_applicable: usize) -> ArmSummary {
        let m = self.metrics.len();
        let all_exact = results.iter().all(|d| d.exact[a]);
        ArmSummary {
            name: self.arms[a].0.to_string(),
            metrics: (0..m)
                .map(|q| {
                    summarise_metric(
                        column(results, |d| d.means[a * m + q]),
                        all_exact.then(|| column(results, |d| d.expected[a * m + q])),
                    )
                })
                .collect(),
            not_applicable,
        }
    }

    /// Intervention `i`'s paired differences over the used draws.
    fn differences(&self, results: &[DrawMeans], i: usize) -> Vec<Difference> {
        let m = self.metrics.len();
        let both_exact = results.iter().all(|d| d.exact[0] && d.exact[i + 1]);
        (0..m)
            .map(|q| {
                summarise_difference(
                    column(results, |d| d.diffs[i * m + q]),
                    both_exact.then(|| column(results, |d| d.expected_diffs[i * m + q])),
                )
            })
            .collect()
    }
}

/// One value per used draw, in draw order.
fn column(results: &[DrawMeans], f: impl Fn(&DrawMeans) -> f64) -> Vec<f64> {
    results.iter().map(f).collect()
}

/// The 95% quantile interval of the exact per-draw values when there are some.
fn exact_interval(expected: Option<&Vec<f64>>, sampled: [f64; 2]) -> [f64; 2] {
    expected.map_or(sampled, |e| mean_se_interval(e).2)
}

fn summarise_metric(per_draw: Vec<f64>, expected_per_draw: Option<Vec<f64>>) -> MetricSummary {
    let (mean, mc_se, sampled) = mean_se_interval(&per_draw);
    MetricSummary {
        mean,
        mc_se,
        posterior_interval: exact_interval(expected_per_draw.as_ref(), sampled),
        per_draw,
        expected_per_draw,
    }
}

fn summarise_difference(per_draw: Vec<f64>, expected_per_draw: Option<Vec<f64>>) -> Difference {
    let (mean, mc_se, sampled) = mean_se_interval(&per_draw);
    let posterior_interval = exact_interval(expected_per_draw.as_ref(), sampled);
    // 1.959964 = Φ⁻¹(0.975).
    let half = 1.959_964 * mc_se;
    Difference {
        mean,
        mc_se,
        mean_interval: [mean - half, mean + half],
        posterior_interval,
        per_draw,
        expected_per_draw,
    }
}
