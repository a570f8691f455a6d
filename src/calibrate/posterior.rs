//! The calibrated posterior: weighted particles, how they were obtained, and its JSON file.

use super::CalibrateError;
use crate::mc::stats::{effective_sample_size, systematic_resample};
use crate::mc::{fnv1a64, stream, write_atomic, Purpose};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Version of the posterior file format written by [`Posterior::save`].
pub const POSTERIOR_FORMAT: u32 = 1;

/// Which scenario a posterior belongs to: its name and a hash of its content, so that a
/// posterior is never reused for a different or edited scenario.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioIdentity {
    /// The scenario's name.
    pub name: String,
    /// Hash of the scenario's content (see [`ScenarioIdentity::from_content`]).
    pub hash: String,
}

impl ScenarioIdentity {
    /// Identity from a name and the scenario's canonical content (e.g. its file's bytes or a
    /// canonical serialisation): the hash is 64-bit FNV-1a, written in hex. FNV-1a is fixed
    /// by its specification, so the hash is stable across Rust versions and platforms.
    ///
    /// # Examples
    /// ```
    /// use escalation::calibrate::ScenarioIdentity;
    /// // FNV-1a 64 of "a" is af63dc4c8601ec8c (reference value from the FNV authors).
    /// assert_eq!(ScenarioIdentity::from_content("x", b"a").hash, "af63dc4c8601ec8c");
    /// ```
    pub fn from_content(name: &str, content: &[u8]) -> Self {
        ScenarioIdentity {
            name: name.to_string(),
            hash: format!("{:016x}", fnv1a64(content)),
        }
    }
}

/// How the posterior was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Method {
    /// Importance sampling over the prior: the prior draws' ESS was large enough at once.
    ImportanceSampling,
    /// Adaptive tempering SMC (the prior draws alone gave too small an ESS).
    TemperedSmc,
}

/// How the solver ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Diagnostics {
    /// Importance sampling or tempered SMC.
    pub method: Method,
    /// Number of particles.
    pub particles: usize,
    /// Number of tempering stages (1 for importance sampling).
    pub stages: usize,
    /// Temperatures, from 0 to 1.
    pub temperatures: Vec<f64>,
    /// ESS after each reweighting (first entry: the prior draws, `particles`).
    pub stage_ess: Vec<f64>,
    /// ESS of the last reweighting (for importance sampling: of the final weights). After a
    /// final resample-move the stored weights are equal, but this is the honest figure.
    pub ess: f64,
    /// Metropolis acceptance rate of each stage that moved.
    pub acceptance_rates: Vec<f64>,
    /// Likelihood evaluations in total.
    pub likelihood_evaluations: u64,
    /// `ln p(data)` under the prior (the evidence: product of the stages' mean incremental
    /// weights).
    pub log_prior_predictive: f64,
    /// `ln E_posterior[p(data | θ)]`, the posterior predictive probability of the data.
    pub log_posterior_predictive: f64,
}

/// A calibrated posterior: weighted parameter draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Posterior {
    /// File format version ([`POSTERIOR_FORMAT`]).
    pub format: u32,
    /// The scenario calibrated (empty for a generic problem).
    pub scenario: ScenarioIdentity,
    /// Parameter names, in the order of each particle.
    pub parameter_names: Vec<String>,
    /// Seed of the run.
    pub seed: u64,
    /// The particles, one parameter vector each.
    pub particles: Vec<Vec<f64>>,
    /// Normalised weights of the particles.
    pub weights: Vec<f64>,
    /// Log-likelihood of each particle (`None` where the data are impossible).
    pub log_likelihoods: Vec<Option<f64>>,
    /// The equal-weight prior draws the run started from (for prior-vs-posterior summaries).
    pub prior_draws: Vec<Vec<f64>>,
    /// How the run went.
    pub diagnostics: Diagnostics,
    /// For a joint calibration ([`super::JointProblem`]): the cases and how their
    /// parameters are named here. Empty for one scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<super::JointCase>,
    /// For a joint calibration: each particle's log-likelihood of each case, in case order
    /// (`None` where the case's path is impossible). Empty for one scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub case_log_likelihoods: Vec<Vec<Option<f64>>>,
}

impl Posterior {
    /// The same posterior, labelled as belonging to `scenario`.
    pub fn with_scenario(mut self, scenario: ScenarioIdentity) -> Self {
        self.scenario = scenario;
        self
    }

    /// Number of parameters.
    pub fn dim(&self) -> usize {
        self.parameter_names.len()
    }

    /// Kish ESS of the stored weights.
    pub fn weights_ess(&self) -> f64 {
        effective_sample_size(&self.weights)
    }

    /// `n` equal-weight draws from the posterior by systematic resampling with a uniform
    /// from `seed`: deterministic, and each particle appears `⌊n w⌋` or `⌈n w⌉` times.
    pub fn equal_weight_draws(&self, n: usize, seed: u64) -> Vec<Vec<f64>> {
        let u = stream(seed, Purpose::EQUAL_WEIGHT, 0).random::<f64>();
        systematic_resample(&self.weights, n, u)
            .into_iter()
            .filter_map(|i| self.particles.get(i).cloned())
            .collect()
    }

    /// Write the posterior as JSON to `path`, atomically (temporary file, then rename).
    ///
    /// # Errors
    /// [`CalibrateError::Io`] if the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), CalibrateError> {
        let json = serde_json::to_string_pretty(self).map_err(|e| CalibrateError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(e),
        })?;
        write_atomic(path, json.as_bytes()).map_err(|source| CalibrateError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Read a posterior file without checking which scenario it belongs to.
    ///
    /// # Errors
    /// [`CalibrateError::Io`], [`CalibrateError::Parse`] (with line and column) and
    /// [`CalibrateError::InvalidPosterior`] for inconsistent content.
    pub fn load_any(path: &Path) -> Result<Self, CalibrateError> {
        let text = std::fs::read_to_string(path).map_err(|e| CalibrateError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let post: Posterior = serde_json::from_str(&text).map_err(|e| CalibrateError::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        post.validate(path)?;
        Ok(post)
    }

    /// Read a posterior file and check it was calibrated for `scenario`. A joint posterior
    /// ([`super::JointProblem`]) that has `scenario` among its cases gives that case's
    /// posterior under the scenario's own parameter names ([`Posterior::for_case`]).
    ///
    /// # Errors
    /// As [`Posterior::load_any`], plus [`CalibrateError::ScenarioMismatch`] when the file
    /// belongs to another scenario or another version of this one.
    pub fn load(path: &Path, scenario: &ScenarioIdentity) -> Result<Self, CalibrateError> {
        let post = Self::load_any(path)?;
        if let Some(view) = post.for_case(scenario) {
            return Ok(view);
        }
        if &post.scenario != scenario {
            return Err(CalibrateError::ScenarioMismatch {
                path: path.to_path_buf(),
                expected_name: scenario.name.clone(),
                expected_hash: scenario.hash.clone(),
                found_name: post.scenario.name,
                found_hash: post.scenario.hash,
            });
        }
        Ok(post)
    }

    fn validate(&self, path: &Path) -> Result<(), CalibrateError> {
        let bad = |reason: String| {
            Err(CalibrateError::InvalidPosterior {
                path: path.to_path_buf(),
                reason,
            })
        };
        if self.format != POSTERIOR_FORMAT {
            return bad(format!(
                "format {} is not the supported format {POSTERIOR_FORMAT}",
                self.format
            ));
        }
        let d = self.parameter_names.len();
        if self.particles.is_empty() {
            return bad("no particles".into());
        }
        if self.weights.len() != self.particles.len()
            || self.log_likelihoods.len() != self.particles.len()
        {
            return bad(format!(
                "{} particles but {} weights and {} log-likelihoods",
                self.particles.len(),
                self.weights.len(),
                self.log_likelihoods.len()
            ));
        }
        for (i, p) in self.particles.iter().chain(&self.prior_draws).enumerate() {
            if p.len() != d {
                return bad(format!(
                    "draw {i} has {} values for {d} parameters",
                    p.len()
                ));
            }
            if p.iter().any(|x| !x.is_finite()) {
                return bad(format!("draw {i} has a non-finite value"));
            }
        }
        if self.weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return bad("a weight is negative or not finite".into());
        }
        let total: f64 = self.weights.iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            return bad(format!("weights sum to {total}, not 1"));
        }
        for case in &self.cases {
            if let Some((_, joint)) = case
                .names
                .iter()
                .find(|(_, joint)| !self.parameter_names.contains(joint))
            {
                return bad(format!("case `{}` names no parameter `{joint}`", case.key));
            }
        }
        if !self.case_log_likelihoods.is_empty()
            && (self.case_log_likelihoods.len() != self.particles.len()
                || self
                    .case_log_likelihoods
                    .iter()
                    .any(|row| row.len() != self.cases.len()))
        {
            return bad("per-case log-likelihoods do not match the particles and cases".into());
        }
        Ok(())
    }
}
