//! Several scenarios calibrated together: the parameters they declare shared
//! (`[calibration] shared`) take one common value, every other free parameter is the case's
//! own (`<case>.<param>`), and the likelihood is the product over the cases of each documented
//! path's probability with its timing ([`CompiledLadder::path_log_likelihood_timed`]).

use super::workspaces::Workspaces;
use super::{
    CalibrateError, JointPrior, Likelihood, Observer, Posterior, ScenarioIdentity, Smc, SmcConfig,
    StageInfo,
};
use crate::mc::Pool;
use crate::model::{Action, CompiledLadder, PathTiming};
use crate::pipeline::{FreeParams, Pipeline};
use crate::scenario::{Prior, Scenario};
use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One case of a joint posterior: which scenario it is and how its free parameters are named
/// in the joint parameter vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JointCase {
    /// The case's key: its file's stem (e.g. `us_japan_1995_autos`).
    pub key: String,
    /// The scenario's identity ([`super::scenario_identity`]).
    pub scenario: ScenarioIdentity,
    /// Per free parameter of the scenario (in its slot order): its own name and its name in
    /// the joint posterior (the shared name, or `<key>.<param>`).
    pub names: Vec<(String, String)>,
}

/// One case's likelihood term.
#[derive(Debug)]
struct CaseTerm {
    pipeline: Pipeline,
    /// The case's free parameters, reading the joint `theta` by name.
    free: FreeParams,
    scenario: Scenario,
    /// The observed standoffs: the documented path, unless replaced.
    observed: Vec<(Vec<Action>, PathTiming)>,
    workspaces: Workspaces,
}

impl CaseTerm {
    fn ln_likelihood(&self, theta: &[f64], failures: &AtomicUsize) -> f64 {
        let params = self.free.params_at(theta);
        let compiled = self.pipeline.compiled();
        self.workspaces.ln_likelihood(
            &self.pipeline,
            &params,
            self.observed.len(),
            failures,
            |b, k| {
                let (path, timing) = &self.observed[k];
                compiled
                    .path_log_likelihood_timed(b, &params, path, *timing)
                    .ok()
            },
        )
    }
}

/// The joint calibration problem of several scenarios (a case library).
///
/// Cases are ordered by key (the file stem), so the joint parameter vector does not depend on
/// the order the files are given in. Its names are, case by case in that order and each
/// case's free parameters in slot order, the shared name of a shared parameter (at its first
/// appearance) or `<key>.<param>`. Every case that declares a shared name must give it the
/// same prior (distribution and `per`).
///
/// # Examples
/// ```
/// use escalation::calibrate::{JointPrior, JointProblem};
/// use escalation::scenario::Scenario;
/// let text = std::fs::read_to_string("scenarios/colombia_2025.toml")?;
/// let shared = format!("{text}\n[calibration]\nshared = {{ lambda = \"lambda\" }}\n");
/// let a = Scenario::from_str(&shared, "a.toml")?;
/// let b = Scenario::from_str(&shared, "b.toml")?;
/// let joint = JointProblem::new(&[a.clone(), b])?;
/// let own = escalation::pipeline::FreeParams::new(&a).names().len();
/// // λ once, every other free parameter once per case.
/// assert_eq!(joint.dim(), 1 + 2 * (own - 1));
/// assert_eq!(joint.names().iter().filter(|n| *n == "lambda").count(), 1);
/// assert!(joint.names().contains(&"a.stake_target".to_string()));
/// assert!(joint.names().contains(&"b.stake_target".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JointProblem {
    terms: Vec<CaseTerm>,
    cases: Vec<JointCase>,
    names: Vec<String>,
    priors: Vec<Prior>,
    identity: ScenarioIdentity,
    failures: AtomicUsize,
}

/// The key of a scenario in a joint calibration: its file's stem.
pub fn case_key(scenario: &Scenario) -> String {
    std::path::Path::new(&scenario.origin)
        .file_stem()
        .map_or_else(|| scenario.origin.clone(), |s| s.to_string_lossy().into())
}

/// A name in the joint vector: where it first appeared, and with which prior.
struct Declared {
    name: String,
    prior: Prior,
    per: Option<crate::model::Param>,
    at: String,
    shared: bool,
}

impl JointProblem {
    /// The joint problem of `scenarios` (their interventions are not applied).
    ///
    /// # Errors
    /// [`CalibrateError::InvalidConfig`] (field `scenarios`) for no scenario, two with the
    /// same key, or a case whose ladder does not compile or whose documented path is empty or
    /// leaves the ladder (naming the file); [`CalibrateError::SharedPrior`] when two cases
    /// give a shared name different priors, or a shared name collides with a case's own
    /// parameter name (naming the file, line and column of the declaration).
    pub fn new(scenarios: &[Scenario]) -> Result<Self, CalibrateError> {
        let mut order: Vec<(String, &Scenario)> =
            scenarios.iter().map(|s| (case_key(s), s)).collect();
        order.sort_by(|a, b| a.0.cmp(&b.0));
        let bad = |reason: String| CalibrateError::InvalidConfig {
            field: "scenarios",
            reason,
        };
        if order.is_empty() {
            return Err(bad("no scenario to calibrate".into()));
        }
        if let Some(w) = order.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(bad(format!(
                "{} and {} have the same case key `{}` (the file stem): rename one",
                w[0].1.origin, w[1].1.origin, w[0].0
            )));
        }
        let mut declared: Vec<Declared> = Vec::new();
        let mut cases = Vec::new();
        for (key, s) in &order {
            cases.push(declare(key, s, &mut declared)?);
        }
        let names: Vec<String> = declared.iter().map(|d| d.name.clone()).collect();
        let mut terms = Vec::new();
        for ((_, s), case) in order.iter().zip(&cases) {
            terms.push(term(s, case, &names).map_err(|e| bad(format!("{}: {e}", s.origin)))?);
        }
        let mut content = Vec::new();
        for case in &cases {
            crate::scenario::canonical_line(
                &mut content,
                "case",
                &[case.key.clone(), case.scenario.hash.clone()],
            );
            for (local, joint) in &case.names {
                crate::scenario::canonical_line(
                    &mut content,
                    "name",
                    &[local.clone(), joint.clone()],
                );
            }
        }
        let title = format!("joint calibration of {} cases", cases.len());
        Ok(JointProblem {
            terms,
            identity: ScenarioIdentity::from_content(&title, &content),
            cases,
            priors: declared.into_iter().map(|d| d.prior).collect(),
            names,
            failures: AtomicUsize::new(0),
        })
    }

    /// The cases, ordered by key, with their parameters' joint names.
    pub fn cases(&self) -> &[JointCase] {
        &self.cases
    }

    /// The joint parameter names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Their priors.
    pub fn priors(&self) -> &[Prior] {
        &self.priors
    }

    /// The joint problem's identity: the cases' keys and hashes and the parameter names.
    pub fn identity(&self) -> &ScenarioIdentity {
        &self.identity
    }

    /// This problem with case `c`'s documented path replaced by `observed`: several
    /// standoffs observed independently under the case's parameters, each a path from the
    /// root with what is known of its timing (for simulation-based calibration). The
    /// identity then covers them.
    ///
    /// # Errors
    /// [`CalibrateError::InvalidConfig`] (field `observed`) for an unknown case, no
    /// observation, or a path that leaves the ladder or whose timing does not fit it.
    pub fn with_observed(
        mut self,
        c: usize,
        observed: Vec<(Vec<Action>, PathTiming)>,
    ) -> Result<Self, CalibrateError> {
        let bad = |reason: String| CalibrateError::InvalidConfig {
            field: "observed",
            reason,
        };
        if observed.is_empty() {
            return Err(bad("no observed paths".into()));
        }
        let term = self
            .terms
            .get_mut(c)
            .ok_or_else(|| bad(format!("no case {c}")))?;
        term.observed = observed;
        term.check().map_err(bad)?;
        let mut content = self.identity.hash.clone().into_bytes();
        for (path, timing) in &term.observed {
            let mut items: Vec<String> = path.iter().map(|a| a.label().to_string()).collect();
            items.push(format!("{timing:?}"));
            crate::scenario::canonical_line(&mut content, "observed", &items);
        }
        self.identity = ScenarioIdentity::from_content(&self.identity.name, &content);
        Ok(self)
    }

    /// Case `c`'s full parameter vector at the joint `theta`.
    pub fn case_params(&self, c: usize, theta: &[f64]) -> Option<crate::model::Params> {
        self.terms.get(c).map(|t| t.free.params_at(theta))
    }

    /// Case `c`'s compiled ladder.
    pub fn compiled(&self, c: usize) -> Option<&CompiledLadder> {
        self.terms.get(c).map(|t| t.pipeline.compiled())
    }

    /// Number of likelihood evaluations whose equilibrium solve failed (probability zero).
    pub fn solver_failures(&self) -> usize {
        self.failures.load(Ordering::Relaxed)
    }

    /// Each case's log-likelihood at the joint `theta`, in case order (−∞ where the path is
    /// impossible or the solve fails).
    pub fn case_log_likelihoods(&self, theta: &[f64]) -> Vec<f64> {
        self.terms
            .iter()
            .map(|t| t.ln_likelihood(theta, &self.failures))
            .collect()
    }

    /// Calibrate: run [`Smc`], then record each case's log-likelihood at every particle
    /// (for leave-one-out weights and each case's narrowing,
    /// [`Posterior::case_narrowing`]), and label the posterior with the cases.
    ///
    /// # Errors
    /// As [`Smc::run_observed`].
    pub fn calibrate(
        &self,
        config: SmcConfig,
        observer: &mut dyn Observer<StageInfo>,
    ) -> Result<Posterior, CalibrateError> {
        let pool = Pool::new(config.threads)?;
        let mut post = Smc::new(config)
            .run_observed(self, self, observer)?
            .with_scenario(self.identity.clone());
        let per_case: Vec<Vec<f64>> = pool.install(|| {
            post.particles
                .par_iter()
                .map(|t| self.case_log_likelihoods(t))
                .collect()
        });
        post.case_log_likelihoods = per_case
            .into_iter()
            .map(|v| v.into_iter().map(|l| l.is_finite().then_some(l)).collect())
            .collect();
        post.cases = self.cases.clone();
        Ok(post)
    }
}

/// Case `key`'s joint names, adding its new names (shared at first appearance, or its own)
/// to `declared`.
fn declare(
    key: &str,
    s: &Scenario,
    declared: &mut Vec<Declared>,
) -> Result<JointCase, CalibrateError> {
    let free = FreeParams::new(s);
    let mut names = Vec::new();
    for (local, prior) in free.names().iter().zip(free.priors()) {
        let per = s
            .priors()
            .iter()
            .find(|p| &p.name == local)
            .and_then(|p| p.per);
        let shared = s.shared().iter().find(|d| &d.param == local);
        let (joint, at) = match shared {
            Some(d) => (
                d.name.clone(),
                format!("{}:{}:{}", s.origin, d.line, d.column),
            ),
            None => (format!("{key}.{local}"), s.origin.clone()),
        };
        match declared.iter().find(|d| d.name == joint) {
            Some(d) if d.shared != shared.is_some() => {
                return Err(shared_error(
                    if d.shared { &d.at } else { &at },
                    &joint,
                    "the shared name is also a case's own parameter name (`<case>.<param>`): \
                     choose another"
                        .into(),
                ))
            }
            Some(d) if d.prior != *prior || d.per != per => {
                return Err(shared_error(
                    &at,
                    &joint,
                    format!(
                        "`{local}` has prior {prior:?}{} here, but {} gives it {:?}{}; a \
                         shared parameter needs the same prior in every case",
                        per_text(per),
                        d.at,
                        d.prior,
                        per_text(d.per)
                    ),
                ))
            }
            Some(_) => {}
            None => declared.push(Declared {
                name: joint.clone(),
                prior: prior.clone(),
                per,
                at,
                shared: shared.is_some(),
            }),
        }
        names.push((local.clone(), joint));
    }
    Ok(JointCase {
        key: key.to_string(),
        scenario: super::scenario_identity(s),
        names,
    })
}

fn per_text(per: Option<crate::model::Param>) -> String {
    per.map(|p| format!(" per {}", p.name()))
        .unwrap_or_default()
}

fn shared_error(at: &str, name: &str, message: String) -> CalibrateError {
    CalibrateError::SharedPrior {
        at: at.to_string(),
        name: name.to_string(),
        message,
    }
}

/// Case `case`'s likelihood term: its free parameters read from the joint `names`.
fn term(s: &Scenario, case: &JointCase, names: &[String]) -> Result<CaseTerm, String> {
    let pipeline = Pipeline::new(s).map_err(|e| e.to_string())?;
    let free = FreeParams::new(s)
        .keyed_by(&local_view(names, &case.names))
        .map_err(|e| e.to_string())?;
    let path = s.documented_path().actions();
    if path.is_empty() {
        return Err("no documented path to calibrate against".into());
    }
    let term = CaseTerm {
        pipeline,
        free,
        observed: vec![(path, s.documented_path().timing())],
        scenario: s.clone(),
        workspaces: Workspaces::default(),
    };
    term.check().map_err(|e| format!("documented path: {e}"))?;
    Ok(term)
}

impl CaseTerm {
    /// Every observed path must be playable and its timing consistent: checked at the prior
    /// medians.
    fn check(&self) -> Result<(), String> {
        let mut ws = self.pipeline.workspace();
        let base = self.scenario.point(crate::scenario::At::Median);
        let b = self
            .pipeline
            .solve(&mut ws, &base)
            .map_err(|e| e.to_string())?;
        for (path, timing) in &self.observed {
            self.pipeline
                .compiled()
                .path_log_likelihood_timed(b, &base, path, *timing)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// The joint `names` as one case sees them: a joint name that is one of the case's
/// parameters becomes its local name; every other name becomes one no parameter has.
pub(crate) fn local_view(names: &[String], map: &[(String, String)]) -> Vec<String> {
    names
        .iter()
        .map(|n| match map.iter().find(|(_, joint)| joint == n) {
            Some((local, _)) => local.clone(),
            None => format!("#{n}"),
        })
        .collect()
}

impl JointPrior for JointProblem {
    fn dim(&self) -> usize {
        self.names.len()
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
        !self.priors.get(k).is_some_and(|p| p.is_discrete())
    }
}

impl Likelihood for JointProblem {
    fn ln_likelihood(&self, theta: &[f64]) -> f64 {
        // Sum in case order (deterministic); an impossible case ends it.
        let mut total = 0.0;
        for t in &self.terms {
            total += t.ln_likelihood(theta, &self.failures);
            if total == f64::NEG_INFINITY {
                break;
            }
        }
        total
    }
}
