//! A scenario as a calibration problem: its non-fixed priors are the [`Prior`], the
//! probability of its documented path under the logit QRE is the [`Likelihood`].

use super::{
    CalibrateError, Likelihood, Observer, Posterior, Prior, ScenarioIdentity, Smc, SmcConfig,
};
use crate::model::{params, Action, CompiledLadder, LadderWorkspace, Params};
use crate::scenario::{self, At, Scenario};
use rand::Rng;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A scenario's calibration problem.
///
/// The calibrated parameters are the slots with a non-degenerate prior (not `fixed`); fixed
/// slots keep their value, and a belief without its own prior copies the drawn true prior
/// (no misperception), as in [`Scenario::draw`]. The likelihood is
/// [`CompiledLadder::path_log_likelihood`]: the product of the QRE probabilities of the
/// documented actions, types marginalised over their priors; the documented timing enters
/// through the ladder's rounds (each documented move belongs to a round of known length).
pub struct ScenarioProblem {
    compiled: CompiledLadder,
    base: Params,
    free: Vec<usize>,
    names: Vec<String>,
    priors: Vec<scenario::Prior>,
    copy_belief_c: bool,
    copy_belief_t: bool,
    path: Vec<Action>,
    identity: ScenarioIdentity,
    workspaces: Mutex<Vec<LadderWorkspace>>,
    failures: AtomicUsize,
}

/// The identity of a scenario for posterior files: its title and a hash of its full content
/// (structure, priors, path, interventions), independent of the path it was read from.
pub fn scenario_identity(s: &Scenario) -> ScenarioIdentity {
    let mut canonical = s.clone();
    canonical.origin = String::new();
    ScenarioIdentity::from_content(&s.title, format!("{canonical:?}").as_bytes())
}

impl ScenarioProblem {
    /// The calibration problem of `scenario` (its interventions are not applied).
    ///
    /// # Errors
    /// [`CalibrateError::InvalidConfig`] (field `scenario`) if the ladder does not compile,
    /// has no documented path, or the path leaves the ladder.
    pub fn new(scenario: &Scenario) -> Result<Self, CalibrateError> {
        let bad = |reason: String| CalibrateError::InvalidConfig {
            field: "scenario",
            reason: format!("{}: {reason}", scenario.origin),
        };
        let compiled = scenario.compile().map_err(|e| bad(e.to_string()))?;
        let path = scenario.documented_path().actions();
        if path.is_empty() {
            return Err(bad("no documented path to calibrate against".into()));
        }
        let base = scenario.point(At::Median);
        let mut free = Vec::new();
        let mut names = Vec::new();
        let mut priors = Vec::new();
        for (i, p) in scenario.priors().iter().enumerate() {
            if let Some(prior) = &p.prior {
                let (lo, hi) = prior.support();
                if !matches!(prior, scenario::Prior::Fixed(_)) && hi > lo {
                    free.push(i);
                    names.push(p.name.clone());
                    priors.push(prior.clone());
                }
            }
        }
        let slots = scenario.priors();
        let no_prior = |i: usize| slots.get(i).is_some_and(|p| p.prior.is_none());
        let problem = ScenarioProblem {
            copy_belief_c: no_prior(params::BELIEF_CHALLENGER_ABOUT_TARGET),
            copy_belief_t: no_prior(params::BELIEF_TARGET_ABOUT_CHALLENGER),
            workspaces: Mutex::new(Vec::new()),
            failures: AtomicUsize::new(0),
            identity: scenario_identity(scenario),
            compiled,
            base,
            free,
            names,
            priors,
            path,
        };
        // The path must be playable: check it at the prior medians.
        let mut ws = problem.compiled.workspace();
        let b = problem
            .compiled
            .behaviour(&mut ws, &problem.base)
            .map_err(|e| bad(e.to_string()))?
            .to_vec();
        problem
            .compiled
            .path_log_likelihood(&b, &problem.base, &problem.path)
            .map_err(|e| bad(e.to_string()))?;
        Ok(problem)
    }

    /// The scenario's identity (for [`Posterior::with_scenario`]).
    pub fn identity(&self) -> &ScenarioIdentity {
        &self.identity
    }

    /// Indices (in [`Params`] order) of the calibrated parameters, in `theta` order.
    pub fn free_indices(&self) -> &[usize] {
        &self.free
    }

    /// The compiled ladder.
    pub fn compiled(&self) -> &CompiledLadder {
        &self.compiled
    }

    /// The full parameter vector for calibrated values `theta`.
    pub fn params_at(&self, theta: &[f64]) -> Params {
        let mut p = self.base.clone();
        self.fill(theta, &mut p);
        p
    }

    /// Write `theta` into `params` (fixed slots from the scenario) and copy beliefs.
    pub fn fill(&self, theta: &[f64], params: &mut Params) {
        if params.len() != self.base.len() {
            *params = self.base.clone();
        }
        for (&i, &v) in self.free.iter().zip(theta) {
            params.set(i, v);
        }
        if self.copy_belief_c {
            params.set(
                params::BELIEF_CHALLENGER_ABOUT_TARGET,
                params.get(params::PRIOR_TARGET_RESOLUTE),
            );
        }
        if self.copy_belief_t {
            params.set(
                params::BELIEF_TARGET_ABOUT_CHALLENGER,
                params.get(params::PRIOR_CHALLENGER_RESOLUTE),
            );
        }
    }

    /// Number of likelihood evaluations whose equilibrium solve failed (counted as
    /// probability zero).
    pub fn solver_failures(&self) -> usize {
        self.failures.load(Ordering::Relaxed)
    }

    /// Calibrate: run [`Smc`] on this problem and label the posterior with the scenario.
    ///
    /// # Errors
    /// As [`Smc::run_observed`].
    pub fn calibrate(
        &self,
        config: SmcConfig,
        observer: &mut dyn Observer,
    ) -> Result<Posterior, CalibrateError> {
        Ok(Smc::new(config)
            .run_observed(self, self, observer)?
            .with_scenario(self.identity.clone()))
    }
}

impl Prior for ScenarioProblem {
    fn dim(&self) -> usize {
        self.free.len()
    }
    fn names(&self) -> Vec<String> {
        self.names.clone()
    }
    fn sample(&self, rng: &mut dyn Rng, out: &mut [f64]) {
        for (o, p) in out.iter_mut().zip(&self.priors) {
            *o = p.sample(rng);
        }
    }
    fn ln_pdf(&self, theta: &[f64]) -> f64 {
        self.priors
            .iter()
            .zip(theta)
            .map(|(p, &x)| p.ln_pdf(x))
            .sum()
    }
    fn continuous(&self, k: usize) -> bool {
        !matches!(self.priors.get(k), Some(scenario::Prior::Discrete { .. }))
    }
}

impl Likelihood for ScenarioProblem {
    fn ln_likelihood(&self, theta: &[f64]) -> f64 {
        let params = self.params_at(theta);
        // Workspaces are scratch only (every solve starts from the uniform profile), so
        // which one a thread takes does not change the result.
        let mut ws = self
            .workspaces
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_else(|| self.compiled.workspace());
        let ll = match self.compiled.behaviour(&mut ws, &params) {
            Ok(b) => self
                .compiled
                .path_log_likelihood(b, &params, &self.path)
                .unwrap_or(f64::NEG_INFINITY),
            Err(_) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                f64::NEG_INFINITY
            }
        };
        if let Ok(mut v) = self.workspaces.lock() {
            v.push(ws);
        }
        ll
    }
}
