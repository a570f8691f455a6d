//! Adaptive tempering sequential Monte Carlo (Del Moral, Doucet & Jasra 2006; Jasra et al.
//! 2011): particles move from the prior to the posterior through `prior × likelihood^β`,
//! `β` rising from 0 to 1 in steps chosen so the effective sample size never falls below a
//! target fraction. If the prior draws already keep that ESS at `β = 1`, the run stops after
//! one reweighting and is plain importance sampling over the prior.

use super::posterior::Posterior;
use super::tempering::Tempering;
use super::{CalibrateError, JointPrior, Likelihood};
use crate::mc::{NoObserver, Observer};

/// Settings of the [`Smc`] solver.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SmcConfig {
    /// Number of particles (prior draws), at least 2.
    pub particles: usize,
    /// Seed of every random stream of the run.
    pub seed: u64,
    /// Worker threads of a local rayon pool; `None` uses the current pool. The result does
    /// not depend on it.
    pub threads: Option<usize>,
    /// Each tempering step keeps the ESS at least this fraction of the particles with a
    /// non-zero likelihood, in (0, 1). Importance sampling alone is accepted when its ESS
    /// reaches this fraction of all particles.
    pub target_ess_fraction: f64,
    /// Least Metropolis sweeps after each resampling.
    pub min_moves: usize,
    /// Most Metropolis sweeps after each resampling.
    pub max_moves: usize,
    /// Most tempering stages before giving up.
    pub max_stages: usize,
}

impl Default for SmcConfig {
    fn default() -> Self {
        SmcConfig {
            particles: 2000,
            seed: 0,
            threads: None,
            target_ess_fraction: 0.5,
            min_moves: 2,
            max_moves: 12,
            max_stages: 200,
        }
    }
}

impl SmcConfig {
    pub(super) fn validate(&self) -> Result<(), CalibrateError> {
        let bad = |field, reason: &str| {
            Err(CalibrateError::InvalidConfig {
                field,
                reason: reason.to_string(),
            })
        };
        if self.particles < 2 {
            return bad("particles", "need at least 2 particles");
        }
        if !(self.target_ess_fraction > 0.0 && self.target_ess_fraction < 1.0) {
            return bad("target_ess_fraction", "must lie strictly between 0 and 1");
        }
        if self.min_moves > self.max_moves {
            return bad("min_moves", "must not exceed max_moves");
        }
        if self.max_stages == 0 {
            return bad("max_stages", "must be at least 1");
        }
        if self.threads == Some(0) {
            return bad("threads", "must be at least 1");
        }
        Ok(())
    }
}

/// What the solver reports after each stage.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StageInfo {
    /// Stage number, from 1.
    pub stage: usize,
    /// Temperature `β` reached.
    pub temperature: f64,
    /// ESS of the weights after reweighting to `β`.
    pub ess: f64,
    /// Metropolis sweeps run after resampling (0 if the stage did not resample).
    pub moves: usize,
    /// Mean Metropolis acceptance rate over those sweeps (`None` without moves).
    pub acceptance: Option<f64>,
}

/// The adaptive tempering SMC solver.
#[derive(Debug, Clone)]
pub struct Smc {
    config: SmcConfig,
}

impl Smc {
    /// A solver with these settings.
    pub fn new(config: SmcConfig) -> Self {
        Smc { config }
    }

    /// The settings.
    pub fn config(&self) -> &SmcConfig {
        &self.config
    }

    /// Run to the posterior without observing.
    ///
    /// # Errors
    /// See [`Smc::run_observed`].
    pub fn run<P: JointPrior, L: Likelihood>(
        &self,
        prior: &P,
        likelihood: &L,
    ) -> Result<Posterior, CalibrateError> {
        self.run_observed(prior, likelihood, &mut NoObserver)
    }

    /// Run to the posterior, reporting each stage to `observer`.
    ///
    /// # Errors
    /// [`CalibrateError::InvalidConfig`] for bad settings, [`CalibrateError::PriorShape`] /
    /// [`CalibrateError::PriorDraw`] for an inconsistent prior,
    /// [`CalibrateError::NanLikelihood`], [`CalibrateError::ImpossibleData`] when no prior
    /// draw can produce the data, [`CalibrateError::TooManyStages`], and
    /// [`CalibrateError::Pool`].
    pub fn run_observed<P: JointPrior, L: Likelihood>(
        &self,
        prior: &P,
        likelihood: &L,
        observer: &mut dyn Observer<StageInfo>,
    ) -> Result<Posterior, CalibrateError> {
        let mut run = Tempering::init(&self.config, prior, likelihood)?;
        while !run.next_stage(observer)? {}
        Ok(run.terminate())
    }
}
