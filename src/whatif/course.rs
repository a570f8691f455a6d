//! The time course of each reading of a counterfactual: how long the standoff lasts (to a
//! year), the tariff levied by day, and each side's cost, over the same runs as the paired
//! comparison.
//!
//! Each run is a run of [`compare`](super::compare) for a [`ScenarioArm`]: replicate `r` of
//! posterior draw `j` on stream `j × replicates + r` of [`Purpose::WHATIF`], the draw's
//! parameters from replicate 0's stream, then the play, then the uniform that times its
//! ending move within its round. A play still unresolved at the horizon then draws one more
//! uniform: the time the war-of-attrition race past the horizon lasts
//! ([`CompiledLadder::tail_race`](crate::model::CompiledLadder::tail_race): each side quits
//! at its own hazard, and under a `deviate` reading the deviating side never does, while
//! the other keeps its strategy). Tariffs in force at the horizon stay in force until then.
//! Runs are collected in draw order: the result does not depend on the thread count.

use super::scenario::{posterior_arm, ScenarioArm};
use super::{PairedConfig, WhatifError};
use crate::calibrate::Posterior;
use crate::mc::{Pool, Purpose, Streams};
use crate::model::{Action, Outcome, Params, Timing};
use crate::pipeline::Pipeline;
use crate::scenario::{InterventionKind, Scenario};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Days the duration distribution covers (the standoff still on after day `d`, `d` up to
/// this).
pub const COURSE_DAYS: usize = 365;
/// Days the tariff fan chart covers.
pub const FAN_DAYS: usize = 180;

/// A cost over runs: its mean and the 5% and 95% quantiles of the runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CostSummary {
    /// Mean over runs ($bn).
    pub mean: f64,
    /// The 5% and 95% quantiles over runs ($bn): where 90% of the runs' costs fall.
    pub interval: [f64; 2],
}

/// The time course of one arm (the baseline or a reading), over its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Course {
    /// The arm: "baseline" or the intervention's name.
    pub arm: String,
    /// The intervention's kind (`None` for the baseline).
    pub kind: Option<String>,
    /// Runs summarised.
    pub runs: usize,
    /// Posterior draws left out because the opening had probability zero under this arm.
    pub left_out_draws: usize,
    /// Share of runs still on after day `d`, for `d = 0..=COURSE_DAYS` (days from the
    /// threat).
    pub still_on: Vec<f64>,
    /// Median duration in days (`None`: beyond [`COURSE_DAYS`]).
    pub median_days: Option<f64>,
    /// 90% quantile of the duration in days (`None`: beyond [`COURSE_DAYS`]).
    pub p90_days: Option<f64>,
    /// Mean tariff rate levied on day `d`, `d = 0..FAN_DAYS`.
    pub tariff_mean: Vec<f64>,
    /// Share of runs with a tariff levied on day `d`, `d = 0..FAN_DAYS`.
    pub tariff_in_force: Vec<f64>,
    /// The challenger's cost over the standoff (to day [`COURSE_DAYS`] at most).
    pub cost_challenger: CostSummary,
    /// The target's cost over the standoff (to day [`COURSE_DAYS`] at most).
    pub cost_target: CostSummary,
    /// Every run's tariff by day (`FAN_DAYS` values each), for fan charts.
    #[serde(skip)]
    pub tariff_paths: Vec<Vec<f64>>,
}

/// One run's course.
struct Run {
    days: f64,
    cost: [f64; 2],
    tariff: Vec<f64>,
}

/// The time course of the baseline and each of `interventions` of `scenario`, over the
/// runs [`scenario_whatif_given`](super::scenario_whatif_given) makes with the same
/// `draws` and `config` (every play conditioned on `opening` when given).
///
/// # Errors
/// As [`scenario_whatif_given`](super::scenario_whatif_given) for the arms' set-up;
/// [`WhatifError::Arm`] when a draw cannot be solved.
pub fn scenario_courses(
    scenario: &Scenario,
    posterior: &Posterior,
    interventions: &[&str],
    draws: usize,
    config: &PairedConfig,
    opening: Option<&[Action]>,
) -> Result<Vec<Course>, WhatifError> {
    let all_draws = posterior.equal_weight_draws(draws, config.seed);
    let pool = Pool::new(config.threads)?;
    std::iter::once(None)
        .chain(interventions.iter().map(|n| Some(*n)))
        .map(|name| {
            let arm = posterior_arm(scenario, posterior, name, opening)?;
            let kind = name
                .and_then(|n| scenario.intervention(n).ok())
                .map(|iv| kind_label(scenario, iv.kind));
            let label = name.unwrap_or("baseline");
            let runs = pool.install(|| arm_runs(&arm, label, &all_draws, config))?;
            Ok(summarise(label, kind, runs))
        })
        .collect()
}

/// A reading's kind as a short label, e.g. `type: Colombia resolute`.
pub fn kind_label(scenario: &Scenario, kind: InterventionKind) -> String {
    match kind {
        InterventionKind::Type { side, resolute } => format!(
            "type: {} {}",
            scenario.players()[side.index()],
            if resolute { "resolute" } else { "irresolute" }
        ),
        other => other.name().to_string(),
    }
}

/// Every run of `arm`, per draw (`None`: the opening is impossible under the draw).
fn arm_runs(
    arm: &ScenarioArm,
    label: &str,
    draws: &[Vec<f64>],
    config: &PairedConfig,
) -> Result<Vec<Option<Vec<Run>>>, WhatifError> {
    let streams = Streams::new(config.seed, Purpose::WHATIF);
    (0..draws.len())
        .into_par_iter()
        .map(|j| {
            draw_runs(arm, &draws[j], j, config.replicates, &streams).map_err(|message| {
                WhatifError::Arm {
                    arm: label.to_string(),
                    draw: j,
                    message,
                }
            })
        })
        .collect()
}

/// The runs of draw `j`, with the uniforms of the paired comparison's runs.
fn draw_runs(
    arm: &ScenarioArm,
    theta: &[f64],
    j: usize,
    reps: usize,
    streams: &Streams,
) -> Result<Option<Vec<Run>>, String> {
    let mut rngs: Vec<_> = (0..reps)
        .map(|r| streams.get((j * reps + r) as u64))
        .collect();
    let Some(first) = rngs.first_mut() else {
        return Ok(Some(Vec::new()));
    };
    let pipe = arm.pipeline();
    let p = arm.params(theta, first);
    let mut ws = pipe.workspace();
    let b = pipe.solve(&mut ws, &p).map_err(|e| e.to_string())?;
    let horizon = pipe
        .compiled()
        .ladder()
        .round_start(pipe.compiled().ladder().horizon());
    let mut runs = Vec::with_capacity(reps);
    for rng in &mut rngs {
        let Some(terminal) = pipe.play_given(b, &p, arm.opening.as_ref(), rng) else {
            return Ok(None);
        };
        let oc = pipe
            .outcome(terminal, &p, Timing::Drawn(b, rng.random()))
            .map_err(|e| e.to_string())?;
        let (days, cost) = run_end(pipe, terminal, &p, &oc, horizon, rng);
        let tariff = tariff_by_day(pipe, terminal, &oc, days, FAN_DAYS);
        runs.push(Run { days, cost, tariff });
    }
    Ok(Some(runs))
}

/// When a play that ended at `terminal` with outcome `oc` ends, in days from the threat,
/// and each side's cost to then (to day [`COURSE_DAYS`] at most): past the horizon (at
/// `horizon` days) an unresolved play lasts as long as the attrition race, timed with one
/// more uniform from `rng`.
pub(super) fn run_end(
    pipe: &Pipeline,
    terminal: usize,
    p: &Params,
    oc: &Outcome,
    horizon: f64,
    rng: &mut ChaCha8Rng,
) -> (f64, [f64; 2]) {
    let mut days = oc.duration_days;
    let mut cost = [oc.cost_challenger_bn, oc.cost_target_bn];
    if oc.censored {
        let u: f64 = rng.random();
        if let Some(race) = pipe.compiled().tail_race(terminal, p, pipe.deviation()) {
            let tail = race.days(u);
            let paid = tail.min(COURSE_DAYS as f64 - horizon).max(0.0);
            cost[0] += race.daily_cost[0] * paid;
            cost[1] += race.daily_cost[1] * paid;
            days = horizon + tail;
        }
    }
    (days, cost)
}

/// The tariff levied on each day `0..n` of a play that ended at `terminal` with outcome
/// `oc` and lasted `days` ([`run_end`]).
pub(super) fn tariff_by_day(
    pipe: &Pipeline,
    terminal: usize,
    oc: &Outcome,
    days: f64,
    n: usize,
) -> Vec<f64> {
    (0..n)
        .map(|d| {
            let d = d as f64;
            if oc.censored && d >= days {
                0.0
            } else {
                pipe.compiled()
                    .tariff_levied_on(terminal, oc.day, d)
                    .unwrap_or(0.0)
            }
        })
        .collect()
}

/// The summary of an arm's runs.
fn summarise(arm: &str, kind: Option<String>, per_draw: Vec<Option<Vec<Run>>>) -> Course {
    let left_out_draws = per_draw.iter().filter(|d| d.is_none()).count();
    let runs: Vec<Run> = per_draw.into_iter().flatten().flatten().collect();
    let n = runs.len().max(1) as f64;
    let still_on = (0..=COURSE_DAYS)
        .map(|d| runs.iter().filter(|r| r.days > d as f64).count() as f64 / n)
        .collect();
    let mut days: Vec<f64> = runs.iter().map(|r| r.days).collect();
    days.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        let x = empirical_quantile(&days, q)?;
        (x <= COURSE_DAYS as f64).then_some(x)
    };
    let tariff_mean = (0..FAN_DAYS)
        .map(|d| runs.iter().map(|r| r.tariff[d]).sum::<f64>() / n)
        .collect();
    let tariff_in_force = (0..FAN_DAYS)
        .map(|d| runs.iter().filter(|r| r.tariff[d] > 0.0).count() as f64 / n)
        .collect();
    let cost = |side: usize| {
        let mut c: Vec<f64> = runs.iter().map(|r| r.cost[side]).collect();
        c.sort_by(f64::total_cmp);
        CostSummary {
            mean: c.iter().sum::<f64>() / n,
            interval: [
                empirical_quantile(&c, 0.05).unwrap_or(0.0),
                empirical_quantile(&c, 0.95).unwrap_or(0.0),
            ],
        }
    };
    Course {
        arm: arm.to_string(),
        kind,
        runs: runs.len(),
        left_out_draws,
        still_on,
        median_days: quantile(0.5),
        p90_days: quantile(0.9),
        tariff_mean,
        tariff_in_force,
        cost_challenger: cost(0),
        cost_target: cost(1),
        tariff_paths: runs.into_iter().map(|r| r.tariff).collect(),
    }
}

/// The `q`-quantile of sorted values: the least value with at least `q` of the runs at or
/// below it (durations may be infinite: a frozen standoff).
fn empirical_quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let k = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[k - 1])
}
