//! The paired-difference engine.

use super::{Arm, Metric, WhatifError};
use crate::calibrate::{stream_rng, weighted_quantile};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Purpose tag of the what-if random streams (see [`stream_rng`]).
const PURPOSE_WHATIF: u64 = 0x0057_4841_5449_4621;

/// Per draw: each arm's metric means over replicates, and each intervention's mean paired
/// differences.
type DrawMeans = (Vec<f64>, Vec<f64>);

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
    /// over posterior draws, of the mean of that draw's replicates. It shows parameter
    /// uncertainty (plus the replicates' own noise), not Monte Carlo error.
    pub posterior_interval: [f64; 2],
    /// The per-draw means, in draw order.
    pub per_draw: Vec<f64>,
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
    /// over draws): how much the effect varies with the uncertain parameters.
    pub posterior_interval: [f64; 2],
    /// The per-draw mean differences, in draw order.
    pub per_draw: Vec<f64>,
}

/// All metrics under one arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ArmSummary {
    /// The arm's name ("baseline" or the intervention's).
    pub name: String,
    /// One summary per metric, in the metrics' order.
    pub metrics: Vec<MetricSummary>,
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
    /// Number of posterior draws.
    pub draws: usize,
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
/// # Errors
/// [`WhatifError::InvalidConfig`] for zero replicates or threads, [`WhatifError::NoDraws`],
/// [`WhatifError::NonFiniteMetric`] when an arm reports NaN or infinity, and
/// [`WhatifError::ThreadPool`].
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
    let m = metrics.len();
    let k = interventions.len();
    let reps = config.replicates;
    let arms: Vec<(&str, &dyn Arm)> = std::iter::once(("baseline", baseline))
        .chain(interventions.iter().copied())
        .collect();

    // Per draw: for each arm, the mean of each metric over replicates; for each
    // intervention, the mean paired difference. Layout [arm][metric] then [int][metric].
    let per_draw = |j: usize| -> Result<DrawMeans, WhatifError> {
        let theta = &draws[j];
        let mut sums = vec![0.0; (k + 1) * m];
        let mut diffs = vec![0.0; k * m];
        let mut outs = vec![0.0; (k + 1) * reps * m];
        let streams: Vec<_> = (0..reps)
            .map(|r| stream_rng(config.seed, PURPOSE_WHATIF, (j * reps + r) as u64))
            .collect();
        for (a, (name, arm)) in arms.iter().enumerate() {
            // Every arm gets fresh copies of the same streams: common random numbers.
            let mut rngs = streams.clone();
            let out = &mut outs[a * reps * m..(a + 1) * reps * m];
            arm.run_draw(theta, &mut rngs, out)
                .map_err(|message| WhatifError::Arm {
                    arm: name.to_string(),
                    draw: j,
                    message,
                })?;
            if let Some((i, &v)) = out.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(WhatifError::NonFiniteMetric {
                    arm: name.to_string(),
                    metric: metrics[i % m].name.clone(),
                    draw: j,
                    replicate: i / m,
                    value: v,
                });
            }
        }
        // Sums in replicate order, the same for every thread count.
        for a in 0..=k {
            for r in 0..reps {
                for q in 0..m {
                    sums[a * m + q] += outs[(a * reps + r) * m + q];
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
        sums.iter_mut().for_each(|s| *s *= inv);
        diffs.iter_mut().for_each(|s| *s *= inv);
        Ok((sums, diffs))
    };
    let run_all = || -> Result<Vec<DrawMeans>, WhatifError> {
        (0..draws.len()).into_par_iter().map(per_draw).collect()
    };
    let results = match config.threads {
        Some(0) => {
            return Err(WhatifError::InvalidConfig {
                field: "threads",
                reason: "must be at least 1".into(),
            })
        }
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .map_err(|e| WhatifError::ThreadPool {
                threads: t,
                reason: e.to_string(),
            })?
            .install(run_all)?,
        None => run_all()?,
    };

    let column = |f: &dyn Fn(&DrawMeans) -> f64| -> Vec<f64> { results.iter().map(f).collect() };
    let arm_summary = |a: usize| ArmSummary {
        name: arms[a].0.to_string(),
        metrics: (0..m)
            .map(|q| summarise_metric(column(&|(s, _)| s[a * m + q])))
            .collect(),
    };
    let baseline_summary = arm_summary(0);
    let interventions = (0..k)
        .map(|i| InterventionResult {
            outcome: arm_summary(i + 1),
            differences: (0..m)
                .map(|q| summarise_difference(column(&|(_, d)| d[i * m + q])))
                .collect(),
        })
        .collect();
    Ok(Comparison {
        metrics: metrics.to_vec(),
        draws: draws.len(),
        replicates: reps,
        seed: config.seed,
        baseline: baseline_summary,
        interventions,
    })
}

/// Mean, standard error and 95% quantile interval of per-draw values (sums in draw order).
fn mean_se_interval(x: &[f64]) -> (f64, f64, [f64; 2]) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = if x.len() > 1 {
        x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    let ones = vec![1.0; x.len()];
    let interval = [
        weighted_quantile(x, &ones, 0.025),
        weighted_quantile(x, &ones, 0.975),
    ];
    (mean, (var / n).sqrt(), interval)
}

fn summarise_metric(per_draw: Vec<f64>) -> MetricSummary {
    let (mean, mc_se, posterior_interval) = mean_se_interval(&per_draw);
    MetricSummary {
        mean,
        mc_se,
        posterior_interval,
        per_draw,
    }
}

fn summarise_difference(per_draw: Vec<f64>) -> Difference {
    let (mean, mc_se, posterior_interval) = mean_se_interval(&per_draw);
    // 1.959964 = Φ⁻¹(0.975).
    let half = 1.959_964 * mc_se;
    Difference {
        mean,
        mc_se,
        mean_interval: [mean - half, mean + half],
        posterior_interval,
        per_draw,
    }
}
