//! Counterfactuals: what would have happened under an intervention, as paired differences
//! against the baseline with common random numbers.
//!
//! The engine is generic: an [`Arm`] is anything that, given a parameter draw and a random
//! stream, runs the standoff once and writes its [`Metric`]s. [`compare`] runs the baseline
//! and every intervention on the *same* posterior draws and, for each run, the *same* random
//! stream (common random numbers), so the paired difference isolates the intervention's
//! effect: an intervention that changes nothing gives a difference of exactly zero, run by
//! run.
//!
//! # Examples
//! A known shift: the intervention adds 0.25 to a metric, so every paired difference is 0.25.
//! ```
//! use escalation::whatif::{compare, Arm, Metric, PairedConfig, Unit};
//! use rand::{Rng, RngExt};
//!
//! let metrics = [Metric::new("outcome", Unit::Other)];
//! let draws: Vec<Vec<f64>> = (0..50).map(|j| vec![j as f64 / 50.0]).collect();
//! let baseline = |theta: &[f64], rng: &mut dyn Rng, out: &mut [f64]| {
//!     out[0] = theta[0] + rng.random::<f64>();
//! };
//! let shifted = |theta: &[f64], rng: &mut dyn Rng, out: &mut [f64]| {
//!     out[0] = theta[0] + rng.random::<f64>() + 0.25;
//! };
//! let config = PairedConfig { replicates: 10, seed: 1, threads: None };
//! let result = compare(&metrics, &draws, &baseline, &[("shift", &shifted as &dyn Arm)], &config)
//!     .unwrap();
//! let d = &result.interventions[0].differences[0];
//! assert!((d.mean - 0.25).abs() < 1e-12);
//! assert!(d.posterior_interval[1] - d.posterior_interval[0] < 1e-12);
//! ```

mod display;
mod paired;
mod scenario;

pub use paired::{
    compare, ArmSummary, Comparison, Difference, InterventionResult, MetricSummary, PairedConfig,
};
pub use scenario::{
    documented_opening, scenario_metrics, scenario_whatif, scenario_whatif_given, GivenComparison,
    OpeningFailure, ScenarioArm,
};

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// One way of running the standoff (the baseline, or the scenario under an intervention).
///
/// `run` must be a pure function of `theta` and the random numbers it draws from `rng`, so
/// that two arms given the same stream are paired run by run. Arms with per-draw set-up
/// (solving an equilibrium once for all replicates) override [`Arm::run_draw`].
pub trait Arm: Sync {
    /// Run once at parameters `theta`, writing one value per metric into `out`.
    fn run(&self, theta: &[f64], rng: &mut dyn Rng, out: &mut [f64]);

    /// Run every replicate of one draw: replicate `r` must draw only from `rngs[r]` and
    /// write its metrics to `out[r * m..(r + 1) * m]` (`m = out.len() / rngs.len()`). The
    /// default calls [`Arm::run`] for each replicate.
    ///
    /// # Errors
    /// A message saying why the draw could not be run (e.g. the equilibrium solver failed).
    fn run_draw(
        &self,
        theta: &[f64],
        rngs: &mut [ChaCha8Rng],
        out: &mut [f64],
    ) -> Result<(), String> {
        let m = out.len() / rngs.len().max(1);
        for (rng, chunk) in rngs.iter_mut().zip(out.chunks_mut(m.max(1))) {
            self.run(theta, rng, chunk);
        }
        Ok(())
    }
}

impl<F> Arm for F
where
    F: Fn(&[f64], &mut dyn Rng, &mut [f64]) + Sync,
{
    fn run(&self, theta: &[f64], rng: &mut dyn Rng, out: &mut [f64]) {
        self(theta, rng, out)
    }
}

/// What a metric measures, for printing and plotting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Unit {
    /// An indicator (0 or 1) whose mean is a probability.
    Probability,
    /// A duration in days.
    Days,
    /// A cost in billions of US dollars.
    BillionUsd,
    /// Anything else.
    Other,
}

/// A named quantity each run reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metric {
    /// Name, e.g. "US imposes tariffs".
    pub name: String,
    /// What it measures.
    pub unit: Unit,
}

impl Metric {
    /// A metric called `name` measured in `unit`.
    pub fn new(name: &str, unit: Unit) -> Self {
        Metric {
            name: name.to_string(),
            unit,
        }
    }
}

/// What went wrong in a counterfactual comparison.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WhatifError {
    /// A setting is out of range.
    #[error("invalid what-if setting `{field}`: {reason}")]
    InvalidConfig {
        /// The setting.
        field: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// No parameter draws were given.
    #[error("no posterior draws to run on")]
    NoDraws,
    /// An arm produced a value that is not a finite number.
    #[error(
        "arm `{arm}` produced {value} for metric `{metric}` at draw {draw}, replicate {replicate}"
    )]
    NonFiniteMetric {
        /// The arm ("baseline" or the intervention's name).
        arm: String,
        /// The metric.
        metric: String,
        /// The draw index.
        draw: usize,
        /// The replicate index.
        replicate: usize,
        /// The value.
        value: f64,
    },
    /// An arm could not run a draw.
    #[error("arm `{arm}` failed at draw {draw}: {message}")]
    Arm {
        /// The arm ("baseline" or the intervention's name).
        arm: String,
        /// The draw index.
        draw: usize,
        /// What the arm said.
        message: String,
    },
    /// The local thread pool could not be built.
    #[error("cannot build a thread pool with {threads} threads: {reason}")]
    ThreadPool {
        /// Requested threads.
        threads: usize,
        /// Why rayon refused.
        reason: String,
    },
}
