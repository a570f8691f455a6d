//! A scenario as a calibration problem: its non-fixed priors are the [`Prior`], the
//! probability of its documented path under the logit QRE is the [`Likelihood`].

use super::{
    CalibrateError, Likelihood, Observer, Posterior, Prior, ScenarioIdentity, Smc, SmcConfig,
};
use crate::model::{Action, CompiledLadder, LadderWorkspace, Params};
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
///
/// [`ScenarioProblem::with_observed_paths`] replaces the documented path by several
/// independently observed standoffs under the same parameters (each with its own types), whose
/// likelihood is the product of theirs.
pub struct ScenarioProblem {
    compiled: CompiledLadder,
    base: Params,
    free: Vec<usize>,
    names: Vec<String>,
    priors: Vec<scenario::Prior>,
    /// The scenario, to turn prior values into parameters ([`Scenario::finish`]).
    scenario: Scenario,
    paths: Vec<Vec<Action>>,
    canonical: String,
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
        // Prior values (a relative prior's ratio), which `fill` completes and finishes.
        let base = scenario.prior_values(&scenario.point(At::Median));
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
        let mut canonical = scenario.clone();
        canonical.origin = String::new();
        let problem = ScenarioProblem {
            scenario: scenario.clone(),
            workspaces: Mutex::new(Vec::new()),
            failures: AtomicUsize::new(0),
            identity: scenario_identity(scenario),
            canonical: format!("{canonical:?}"),
            compiled,
            base,
            free,
            names,
            priors,
            paths: vec![path],
        };
        problem.check_paths().map_err(bad)?;
        Ok(problem)
    }

    /// Every observed path must be playable: check them at the prior medians.
    fn check_paths(&self) -> Result<(), String> {
        let mut ws = self.compiled.workspace();
        let b = self
            .compiled
            .behaviour(&mut ws, &self.base)
            .map_err(|e| e.to_string())?
            .to_vec();
        for (k, path) in self.paths.iter().enumerate() {
            if path.is_empty() {
                return Err(format!("observed path {k} is empty"));
            }
            self.compiled
                .path_log_likelihood(&b, &self.base, path)
                .map_err(|e| format!("observed path {k}: {e}"))?;
        }
        Ok(())
    }

    /// This problem with the documented path replaced by `paths`: several standoffs observed
    /// independently under the same parameters (each path from the root, each with its own
    /// draw of the types). The likelihood is the product of the paths' likelihoods, each as
    /// [`CompiledLadder::path_log_likelihood`]. The identity (for posterior files) then
    /// covers the paths too, so a posterior calibrated to them is not taken for one of the
    /// scenario's documented path.
    ///
    /// # Errors
    /// [`CalibrateError::InvalidConfig`] (field `paths`) when `paths` is empty, or a path
    /// is empty or leaves the ladder.
    ///
    /// # Examples
    /// Two standoffs that went as documented carry more information than one:
    /// ```
    /// use escalation::calibrate::{Likelihood, ScenarioProblem};
    /// use escalation::scenario::Scenario;
    /// let scenario = Scenario::from_path("scenarios/colombia_2025.toml")?;
    /// let one = ScenarioProblem::new(&scenario)?;
    /// let path = scenario.documented_path().actions();
    /// let two = ScenarioProblem::new(&scenario)?.with_observed_paths(vec![path.clone(), path])?;
    /// // The prior medians of the calibrated parameters.
    /// let median = scenario.point(escalation::scenario::At::Median);
    /// let t: Vec<f64> = one.free_indices().iter().map(|&i| median.get(i)).collect();
    /// let (l1, l2) = (one.ln_likelihood(&t), two.ln_likelihood(&t));
    /// assert!((l2 - 2.0 * l1).abs() < 1e-9);
    /// assert_ne!(one.identity(), two.identity());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_observed_paths(mut self, paths: Vec<Vec<Action>>) -> Result<Self, CalibrateError> {
        let bad = |reason: String| CalibrateError::InvalidConfig {
            field: "paths",
            reason,
        };
        if paths.is_empty() {
            return Err(bad("no observed paths".into()));
        }
        self.paths = paths;
        self.check_paths().map_err(bad)?;
        let labels: Vec<String> = self
            .paths
            .iter()
            .map(|p| crate::model::ladder_labels(p))
            .collect();
        self.identity = ScenarioIdentity::from_content(
            &self.identity.name,
            format!("{}\nobserved paths: {labels:?}", self.canonical).as_bytes(),
        );
        Ok(self)
    }

    /// The observed paths the likelihood is the product over (one: the documented path,
    /// unless [`ScenarioProblem::with_observed_paths`] replaced it).
    ///
    /// # Examples
    /// ```
    /// use escalation::calibrate::ScenarioProblem;
    /// use escalation::scenario::Scenario;
    /// let scenario = Scenario::from_path("scenarios/colombia_2025.toml")?;
    /// let problem = ScenarioProblem::new(&scenario)?;
    /// assert_eq!(problem.observed_paths(), [scenario.documented_path().actions()]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn observed_paths(&self) -> &[Vec<Action>] {
        &self.paths
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
        // Fixed slots from the base, free ones from theta: prior values, then finished.
        params.as_mut_slice().copy_from_slice(self.base.as_slice());
        for (&i, &v) in self.free.iter().zip(theta) {
            params.set(i, v);
        }
        self.scenario.finish(params);
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
            // Sum in path order (deterministic); a path of probability zero ends it.
            Ok(b) => {
                let mut total = 0.0;
                for path in &self.paths {
                    total += self
                        .compiled
                        .path_log_likelihood(b, &params, path)
                        .unwrap_or(f64::NEG_INFINITY);
                    if total == f64::NEG_INFINITY {
                        break;
                    }
                }
                total
            }
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
