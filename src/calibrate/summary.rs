//! Posterior summaries beside the prior, with identification warnings.

use super::posterior::{Method, Posterior};
use crate::mc::stats::{weighted_mean_sd, weighted_quantile};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A parameter is flagged as not identified by the data when its posterior 90% interval is
/// wider than this fraction of its prior 90% interval: the data narrowed it by less than 10%.
/// (For a Normal prior and Normal likelihood the ratio is `sqrt(τ²/(τ²+σ²))`, so 0.9 means
/// the likelihood's variance is more than about 4.3 times the prior's.) Fixed parameters
/// (prior interval of zero width) are never flagged.
pub const IDENTIFICATION_WIDTH_RATIO: f64 = 0.9;

/// One parameter's prior and posterior side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ParameterSummary {
    /// The parameter's name.
    pub name: String,
    /// Prior mean (over the prior draws).
    pub prior_mean: f64,
    /// Prior 5% and 95% quantiles.
    pub prior_interval: [f64; 2],
    /// Posterior mean.
    pub posterior_mean: f64,
    /// Posterior standard deviation.
    pub posterior_sd: f64,
    /// Posterior 5% and 95% quantiles (the 90% equal-tailed credible interval).
    pub posterior_interval: [f64; 2],
    /// Posterior 90% width divided by the prior's (`NaN` for a fixed parameter).
    pub width_ratio: f64,
    /// `false` when the data barely narrowed the parameter (see [`IDENTIFICATION_WIDTH_RATIO`]).
    pub identified: bool,
}

/// The whole calibration at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CalibrationSummary {
    /// Per parameter.
    pub parameters: Vec<ParameterSummary>,
    /// Importance sampling or tempered SMC.
    pub method: Method,
    /// Number of particles.
    pub particles: usize,
    /// Tempering stages.
    pub stages: usize,
    /// Effective sample size of the last reweighting.
    pub ess: f64,
    /// Probability of the data under the prior predictive.
    pub prior_predictive: f64,
    /// Probability of the data under the posterior predictive.
    pub posterior_predictive: f64,
    /// Human-readable warnings (unidentified parameters, small ESS).
    pub warnings: Vec<String>,
}

impl Posterior {
    /// Summarise each parameter's posterior beside its prior, and the run.
    pub fn summary(&self) -> CalibrationSummary {
        let d = self.dim();
        let ones = vec![1.0; self.prior_draws.len()];
        let mut warnings = Vec::new();
        let parameters: Vec<ParameterSummary> = (0..d)
            .map(|k| {
                let prior_x: Vec<f64> = self.prior_draws.iter().map(|p| p[k]).collect();
                let post_x: Vec<f64> = self.particles.iter().map(|p| p[k]).collect();
                let (prior_mean, _) = weighted_mean_sd(prior_x.iter().map(|&x| (x, 1.0)));
                let (posterior_mean, posterior_sd) = weighted_mean_sd(
                    post_x.iter().zip(&self.weights).map(|(&x, &w)| (x, w)),
                );
                let prior_interval = [
                    weighted_quantile(&prior_x, &ones, 0.05),
                    weighted_quantile(&prior_x, &ones, 0.95),
                ];
                let posterior_interval = [
                    weighted_quantile(&post_x, &self.weights, 0.05),
                    weighted_quantile(&post_x, &self.weights, 0.95),
                ];
                let prior_width = prior_interval[1] - prior_interval[0];
                let post_width = posterior_interval[1] - posterior_interval[0];
                let (width_ratio, identified) = if prior_width > 0.0 {
                    let r = post_width / prior_width;
                    (r, r <= IDENTIFICATION_WIDTH_RATIO)
                } else {
                    (f64::NAN, true)
                };
                let name = self.parameter_names.get(k).cloned().unwrap_or_default();
                if !identified {
                    warnings.push(format!(
                        "`{name}` is not identified by the data: its posterior 90% interval is {:.0}% of the prior's; it reflects the prior",
                        100.0 * width_ratio
                    ));
                }
                ParameterSummary {
                    name,
                    prior_mean,
                    prior_interval,
                    posterior_mean,
                    posterior_sd,
                    posterior_interval,
                    width_ratio,
                    identified,
                }
            })
            .collect();
        let diag = &self.diagnostics;
        if diag.ess < 100.0 {
            warnings.push(format!(
                "effective sample size {:.0} is small; rerun with more draws",
                diag.ess
            ));
        }
        CalibrationSummary {
            parameters,
            method: diag.method,
            particles: diag.particles,
            stages: diag.stages,
            ess: diag.ess,
            prior_predictive: diag.log_prior_predictive.exp(),
            posterior_predictive: diag.log_posterior_predictive.exp(),
            warnings,
        }
    }
}

impl fmt::Display for CalibrationSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let method = match self.method {
            Method::ImportanceSampling => "importance sampling over the prior".to_string(),
            Method::TemperedSmc => format!("tempered SMC, {} stages", self.stages),
        };
        writeln!(
            f,
            "{} particles, {method}; effective sample size {:.0}",
            self.particles, self.ess
        )?;
        writeln!(
            f,
            "probability of the documented path: prior predictive {:.4}, posterior predictive {:.4}",
            self.prior_predictive, self.posterior_predictive
        )?;
        let w = self
            .parameters
            .iter()
            .map(|p| p.name.len())
            .max()
            .unwrap_or(9)
            .max(9);
        writeln!(
            f,
            "{:<w$}  {:>10} {:>21}   {:>10} {:>21}",
            "parameter", "prior mean", "prior 90%", "post. mean", "posterior 90%"
        )?;
        for p in &self.parameters {
            writeln!(
                f,
                "{:<w$}  {:>10.4} [{:>9.4}, {:>9.4}]   {:>10.4} [{:>9.4}, {:>9.4}]{}",
                p.name,
                p.prior_mean,
                p.prior_interval[0],
                p.prior_interval[1],
                p.posterior_mean,
                p.posterior_interval[0],
                p.posterior_interval[1],
                if p.identified {
                    ""
                } else {
                    "  (not identified)"
                }
            )?;
        }
        for warning in &self.warnings {
            writeln!(f, "warning: {warning}")?;
        }
        Ok(())
    }
}
