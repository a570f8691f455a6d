//! Calibration: the posterior over a scenario's parameters given its documented path.
//!
//! The engine is generic, in the style of argmin: the *problem* is a [`JointPrior`] and a
//! [`Likelihood`], the *solver* is [`Smc`] (adaptive tempering sequential Monte Carlo, which
//! reduces to plain importance sampling when the prior draws already carry enough effective
//! sample size), an [`Observer`] watches the stages, and the randomness is a seed, never global
//! state. The result is a [`Posterior`]: weighted particles that can be summarised
//! ([`Posterior::summary`]), resampled to equal weight for counterfactuals
//! ([`Posterior::equal_weight_draws`]) and saved to / loaded from a JSON file
//! ([`Posterior::save`], [`Posterior::load`]).
//!
//! # Determinism
//! Particle `i` at stage `s` draws from its own random stream ([`crate::mc::rng`]); particles
//! are processed in parallel on a local rayon pool but collected in index order, and every
//! reduction (sums, weights, evidence) is a sequential loop in index order. The posterior is
//! therefore bit-identical for any thread count.
//!
//! # Examples
//! A Beta(1, 1) prior on a coin's bias, 7 heads in 10 tosses: the posterior is Beta(8, 4),
//! whose mean is 8/12.
//! ```
//! use escalation::calibrate::{JointPrior, Likelihood, Smc, SmcConfig};
//! use rand::{Rng, RngExt};
//!
//! struct Uniform01;
//! impl JointPrior for Uniform01 {
//!     fn dim(&self) -> usize { 1 }
//!     fn names(&self) -> Vec<String> { vec!["p".into()] }
//!     fn sample(&self, rng: &mut dyn Rng, out: &mut [f64]) { out[0] = rng.random::<f64>(); }
//!     fn ln_pdf(&self, t: &[f64]) -> f64 {
//!         if (0.0..=1.0).contains(&t[0]) { 0.0 } else { f64::NEG_INFINITY }
//!     }
//! }
//! struct Coin { heads: f64, tails: f64 }
//! impl Likelihood for Coin {
//!     fn ln_likelihood(&self, t: &[f64]) -> f64 {
//!         self.heads * t[0].ln() + self.tails * (1.0 - t[0]).ln()
//!     }
//! }
//! let mut config = SmcConfig::default();
//! config.particles = 2000;
//! config.seed = 7;
//! let posterior = Smc::new(config)
//!     .run(&Uniform01, &Coin { heads: 7.0, tails: 3.0 })
//!     .unwrap();
//! let summary = posterior.summary();
//! assert!((summary.parameters[0].posterior_mean - 8.0 / 12.0).abs() < 0.02);
//! ```

mod error;
mod joint;
mod joint_posterior;
mod posterior;
pub mod psis;
mod scenario;
mod smc;
mod summary;
mod tempering;
mod workspaces;

pub use crate::mc::{NoObserver, Observer};
pub use error::CalibrateError;
pub use joint::{case_key, JointCase, JointProblem};
pub use joint_posterior::{CaseNarrowing, Narrowing};
pub use posterior::{Diagnostics, Method, Posterior, ScenarioIdentity, POSTERIOR_FORMAT};
pub use scenario::{scenario_identity, ScenarioProblem};
pub use smc::{Smc, SmcConfig, StageInfo};
pub use summary::{CalibrationSummary, ParameterSummary, IDENTIFICATION_WIDTH_RATIO};

use rand::Rng;

/// The joint prior of a parameter vector `theta` of fixed dimension (a scenario's is the
/// product of its parameters' [`scenario::Prior`](crate::scenario::Prior)s).
///
/// `sample` and `ln_pdf` must agree: `ln_pdf` is the log density (up to an additive
/// constant) of the distribution `sample` draws from, and `f64::NEG_INFINITY` outside its
/// support. The constant does not matter for the posterior, but the prior-predictive
/// probability is only a probability when the density is normalised.
pub trait JointPrior: Sync {
    /// Number of parameters.
    fn dim(&self) -> usize;
    /// Parameter names, `dim()` of them, in the order of `theta`.
    fn names(&self) -> Vec<String>;
    /// Draw one parameter vector into `out` (length `dim()`).
    fn sample(&self, rng: &mut dyn Rng, out: &mut [f64]);
    /// Log prior density at `theta`; `f64::NEG_INFINITY` outside the support.
    fn ln_pdf(&self, theta: &[f64]) -> f64;
    /// Whether parameter `k` is continuous. The random-walk moves leave discrete parameters
    /// in place (they are only reweighted and resampled). Default: every parameter.
    fn continuous(&self, k: usize) -> bool {
        let _ = k;
        true
    }
}

/// The log-likelihood of the observed data (for a scenario: its documented path) at `theta`.
///
/// `f64::NEG_INFINITY` means the data are impossible at `theta`; `NaN` is treated as an error
/// by the solver.
pub trait Likelihood: Sync {
    /// Log-likelihood of the data at `theta`.
    fn ln_likelihood(&self, theta: &[f64]) -> f64;
}
