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
//! The mean of each metric and of each paired difference, and its Monte Carlo interval,
//! come from the runs. The posterior interval (how the effect varies with the uncertain
//! parameters) comes from each draw's expected value, which an arm may compute exactly
//! ([`Arm::evaluate_draw`], [`DrawStatus::Exact`]; the scenario arms do, from the
//! equilibrium's terminal probabilities), so that it carries no Monte Carlo noise. A draw
//! that does not apply to some arm ([`DrawStatus::NotApplicable`]) is left out of every
//! arm and counted, never turned into NaN.
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

mod course;
mod display;
mod paired;
mod readings;
mod scenario;

pub use course::{kind_label, scenario_courses, CostSummary, Course, COURSE_DAYS, FAN_DAYS};
pub use paired::{
    compare, ArmSummary, Comparison, Difference, InterventionResult, MetricSummary, PairedConfig,
};
pub use readings::{explain_reading, reading_order, Readings};
pub use scenario::{
    documented_metrics, documented_opening, scenario_metrics, scenario_whatif,
    scenario_whatif_given, GivenComparison, OpeningFailure, ScenarioArm,
};

pub use crate::pipeline::Unit;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// One way of running the standoff (the baseline, or the scenario under an intervention).
///
/// `run` must be a pure function of `theta` and the random numbers it draws from `rng`, so
/// that two arms given the same stream are paired run by run. Arms with per-draw set-up
/// (solving an equilibrium once for all replicates) override [`Arm::run_draw`]; arms that
/// can compute each metric's expectation at a draw exactly, or that do not apply to some
/// draws, override [`Arm::evaluate_draw`], which is what [`compare`] calls.
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

    /// Evaluate one draw: run its replicates as [`Arm::run_draw`] does (same streams, same
    /// layout of `out`) and, where the arm can, write each metric's exact expectation at
    /// `theta` into `expected` (one value per metric) and return [`DrawStatus::Exact`]. An
    /// arm to which the draw does not apply returns [`DrawStatus::NotApplicable`]; what it
    /// wrote is then ignored. The default runs [`Arm::run_draw`] and returns
    /// [`DrawStatus::Sampled`].
    ///
    /// # Errors
    /// As [`Arm::run_draw`].
    ///
    /// # Examples
    /// An arm that reports `theta[0] + u` for a uniform `u` knows its expectation exactly,
    /// `theta[0] + 1/2`, and does not apply to negative `theta[0]`:
    /// ```
    /// use escalation::whatif::{compare, Arm, DrawStatus, Metric, PairedConfig, Unit};
    /// use rand::{Rng, RngExt};
    /// use rand_chacha::ChaCha8Rng;
    ///
    /// struct Shifted;
    /// impl Arm for Shifted {
    ///     fn run(&self, theta: &[f64], rng: &mut dyn Rng, out: &mut [f64]) {
    ///         out[0] = theta[0] + rng.random::<f64>();
    ///     }
    ///     fn evaluate_draw(
    ///         &self,
    ///         theta: &[f64],
    ///         rngs: &mut [ChaCha8Rng],
    ///         out: &mut [f64],
    ///         expected: &mut [f64],
    ///     ) -> Result<DrawStatus, String> {
    ///         if theta[0] < 0.0 {
    ///             return Ok(DrawStatus::NotApplicable);
    ///         }
    ///         self.run_draw(theta, rngs, out)?;
    ///         expected[0] = theta[0] + 0.5;
    ///         Ok(DrawStatus::Exact)
    ///     }
    /// }
    ///
    /// let metrics = [Metric::new("x", Unit::Other)];
    /// let draws = vec![vec![1.0], vec![-1.0], vec![2.0]];
    /// let config = PairedConfig { replicates: 5, seed: 1, threads: None };
    /// let r = compare(&metrics, &draws, &Shifted, &[("same", &Shifted as &dyn Arm)], &config)
    ///     .unwrap();
    /// assert_eq!(r.excluded_draws, [1]);
    /// assert_eq!(r.baseline.not_applicable, 1);
    /// assert_eq!(r.baseline.metrics[0].expected_per_draw, Some(vec![1.5, 2.5]));
    /// assert_eq!(r.interventions[0].differences[0].expected_per_draw, Some(vec![0.0, 0.0]));
    /// ```
    fn evaluate_draw(
        &self,
        theta: &[f64],
        rngs: &mut [ChaCha8Rng],
        out: &mut [f64],
        expected: &mut [f64],
    ) -> Result<DrawStatus, String> {
        let _ = expected;
        self.run_draw(theta, rngs, out)?;
        Ok(DrawStatus::Sampled)
    }
}

/// What an arm made of one posterior draw ([`Arm::evaluate_draw`], which has an example).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DrawStatus {
    /// The replicates were run; the arm has no exact expectation, so [`compare`] uses the
    /// mean of the replicates in its place.
    Sampled,
    /// The replicates were run and the exact expectation of each metric was written.
    Exact,
    /// The draw does not apply to this arm (for a scenario arm conditioned on an opening:
    /// the opening has probability zero at these parameters). [`compare`] leaves the draw
    /// out of every arm, so that differences stay paired, and counts it against this arm.
    NotApplicable,
}

impl<F> Arm for F
where
    F: Fn(&[f64], &mut dyn Rng, &mut [f64]) + Sync,
{
    fn run(&self, theta: &[f64], rng: &mut dyn Rng, out: &mut [f64]) {
        self(theta, rng, out)
    }
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
    /// An arm reported an exact expectation that is not a finite number.
    #[error("arm `{arm}` reported expectation {value} for metric `{metric}` at draw {draw}")]
    NonFiniteExpectation {
        /// The arm ("baseline" or the intervention's name).
        arm: String,
        /// The metric.
        metric: String,
        /// The draw index.
        draw: usize,
        /// The value.
        value: f64,
    },
    /// No draw applies to every arm ([`DrawStatus::NotApplicable`]), so nothing is left to
    /// compare.
    #[error("none of the {draws} posterior draws applies to every arm (not applicable: {})", .arms.iter().map(|(a, n)| format!("`{a}` in {n}")).collect::<Vec<_>>().join(", "))]
    NoApplicableDraws {
        /// Draws attempted.
        draws: usize,
        /// Each arm that did not apply to some draws, with how many.
        arms: Vec<(String, usize)>,
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
    #[error(transparent)]
    Pool(#[from] crate::mc::PoolError),
}
