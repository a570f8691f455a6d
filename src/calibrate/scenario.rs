//! A scenario as a calibration problem: its non-fixed priors are the [`JointPrior`], the
//! probability of its documented path under the logit QRE is the [`Likelihood`]. Draw and
//! solve are the [`Pipeline`]'s stages.

use super::workspaces::Workspaces;
use super::{
    CalibrateError, JointPrior, Likelihood, Observer, Posterior, ScenarioIdentity, Smc, SmcConfig,
    StageInfo,
};
use crate::model::{Action, CompiledLadder, Params, Slot};
use crate::pipeline::{FreeParams, Pipeline};
use crate::scenario::Scenario;
use rand::Rng;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A scenario's calibration problem.
///
/// The calibrated parameters are the scenario's [`FreeParams`]: the slots with a
/// non-degenerate prior (not `fixed`); fixed slots keep their value, and a belief without its
/// own prior copies the drawn true prior (no misperception), as in [`Scenario::draw`]. The
/// likelihood is
/// [`CompiledLadder::path_log_likelihood`]: the product of the QRE probabilities of the
/// documented actions, types marginalised over their priors; the documented timing enters
/// through the ladder's rounds (each documented move belongs to a round of known length).
///
/// [`ScenarioProblem::with_observed_paths`] replaces the documented path by several
/// independently observed standoffs under the same parameters (each with its own types), whose
/// likelihood is the product of theirs.
#[derive(Debug)]
pub struct ScenarioProblem {
    pipeline: Pipeline,
    free: FreeParams,
    paths: Vec<Vec<Action>>,
    canonical: Vec<u8>,
    identity: ScenarioIdentity,
    workspaces: Workspaces,
    failures: AtomicUsize,
}

/// The identity of a scenario for posterior files: its title and the hash of its model's
/// canonical bytes ([`Scenario::canonical_bytes`]: structure, priors by name, documented
/// moves), independent of the file's path, of the order of its tables and keys, and of the
/// toolchain.
///
/// # Examples
/// ```
/// use escalation::calibrate::scenario_identity;
/// use escalation::scenario::Scenario;
/// let s = Scenario::from_path("scenarios/colombia_2025.toml")?;
/// let id = scenario_identity(&s);
/// assert_eq!(id.name, s.title);
/// assert_eq!(id.hash.len(), 16);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn scenario_identity(s: &Scenario) -> ScenarioIdentity {
    ScenarioIdentity::from_content(&s.title, &s.canonical_bytes())
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
        let pipeline = Pipeline::new(scenario).map_err(|e| bad(e.to_string()))?;
        let path = scenario.documented_path().actions();
        if path.is_empty() {
            return Err(bad("no documented path to calibrate against".into()));
        }
        let problem = ScenarioProblem {
            free: FreeParams::new(scenario),
            workspaces: Workspaces::default(),
            failures: AtomicUsize::new(0),
            identity: scenario_identity(scenario),
            canonical: scenario.canonical_bytes(),
            pipeline,
            paths: vec![path],
        };
        problem.check_paths().map_err(bad)?;
        Ok(problem)
    }

    /// Every observed path must be playable: check them at the prior medians.
    fn check_paths(&self) -> Result<(), String> {
        let mut ws = self.pipeline.workspace();
        let base = self.free.base();
        let b = self
            .pipeline
            .solve(&mut ws, base)
            .map_err(|e| e.to_string())?
            .to_vec();
        for (k, path) in self.paths.iter().enumerate() {
            if path.is_empty() {
                return Err(format!("observed path {k} is empty"));
            }
            self.pipeline
                .compiled()
                .path_log_likelihood(&b, base, path)
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
        let mut content = self.canonical.clone();
        for path in &self.paths {
            let labels: Vec<String> = path.iter().map(|a| a.label().to_string()).collect();
            crate::scenario::canonical_line(&mut content, "observed", &labels);
        }
        self.identity = ScenarioIdentity::from_content(&self.identity.name, &content);
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

    /// Slots (in [`Params`]) of the calibrated parameters, in `theta` order.
    pub fn free_indices(&self) -> &[Slot] {
        self.free.slots()
    }

    /// The calibrated parameters: names, priors, and how `theta` fills a [`Params`].
    pub fn free_params(&self) -> &FreeParams {
        &self.free
    }

    /// The compiled ladder.
    pub fn compiled(&self) -> &CompiledLadder {
        self.pipeline.compiled()
    }

    /// The full parameter vector for calibrated values `theta`.
    pub fn params_at(&self, theta: &[f64]) -> Params {
        self.free.params_at(theta)
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
        observer: &mut dyn Observer<StageInfo>,
    ) -> Result<Posterior, CalibrateError> {
        Ok(Smc::new(config)
            .run_observed(self, self, observer)?
            .with_scenario(self.identity.clone()))
    }
}

impl JointPrior for ScenarioProblem {
    fn dim(&self) -> usize {
        self.free.names().len()
    }
    fn names(&self) -> Vec<String> {
        self.free.names().to_vec()
    }
    fn sample(&self, rng: &mut dyn Rng, out: &mut [f64]) {
        for (o, p) in out.iter_mut().zip(self.free.priors()) {
            *o = p.sample(rng);
        }
    }
    fn ln_pdf(&self, theta: &[f64]) -> f64 {
        self.free
            .priors()
            .iter()
            .zip(theta)
            .map(|(p, &x)| p.ln_pdf(x))
            .sum()
    }
    fn continuous(&self, k: usize) -> bool {
        !self.free.priors().get(k).is_some_and(|p| p.is_discrete())
    }
}

impl Likelihood for ScenarioProblem {
    fn ln_likelihood(&self, theta: &[f64]) -> f64 {
        let params = self.params_at(theta);
        let compiled = self.pipeline.compiled();
        self.workspaces.ln_likelihood(
            &self.pipeline,
            &params,
            self.paths.len(),
            &self.failures,
            |b, k| {
                compiled
                    .path_log_likelihood(b, &params, &self.paths[k])
                    .ok()
            },
        )
    }
}
