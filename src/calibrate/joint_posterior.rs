//! A joint posterior seen from one of its cases, without one of its cases (Pareto-smoothed
//! leave-one-out weights), and how much each case narrows each parameter.

use super::psis::{smooth, Smoothed};
use super::{JointCase, Posterior, ScenarioIdentity};
use crate::mc::stats::weighted_quantile;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How much each case of a joint calibration narrows one parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Narrowing {
    /// The parameter's joint name.
    pub name: String,
    /// Posterior 90% width over prior 90% width, all cases.
    pub width_ratio: f64,
    /// Per case (in case order): posterior 90% width with every case over the width without
    /// that case (Pareto-smoothed leave-one-out weights). Below 1: the case narrows it; 1: it
    /// carries no information on it.
    pub by_case: Vec<f64>,
}

/// Each case's leave-one-out weights diagnostic and every parameter's narrowing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CaseNarrowing {
    /// The cases' keys, in case order.
    pub cases: Vec<String>,
    /// Per case: the Pareto `k̂` of its leave-one-out weights (above 0.7 its column is
    /// unreliable).
    pub k_hat: Vec<f64>,
    /// Per parameter.
    pub parameters: Vec<Narrowing>,
}

impl Posterior {
    /// The posterior of one case of a joint posterior, under the case's own parameter names
    /// (its shared parameters renamed back to theirs, the others of `<key>.<param>` to
    /// `<param>`); the parameters of the other cases are left out. `None` when the scenario
    /// is not one of its cases.
    pub fn for_case(&self, scenario: &ScenarioIdentity) -> Option<Posterior> {
        let case = self.cases.iter().find(|c| &c.scenario == scenario)?;
        let mut columns = Vec::new();
        let mut names = Vec::new();
        for (local, joint) in &case.names {
            columns.push(self.parameter_names.iter().position(|n| n == joint)?);
            names.push(local.clone());
        }
        let pick = |rows: &[Vec<f64>]| -> Vec<Vec<f64>> {
            rows.iter()
                .map(|r| columns.iter().map(|&k| r[k]).collect())
                .collect()
        };
        Some(Posterior {
            scenario: scenario.clone(),
            parameter_names: names,
            particles: pick(&self.particles),
            prior_draws: pick(&self.prior_draws),
            cases: Vec::new(),
            case_log_likelihoods: Vec::new(),
            ..self.clone()
        })
    }

    /// The case `c` (index in [`Posterior::cases`]) of a joint posterior, if any.
    pub fn case(&self, c: usize) -> Option<&JointCase> {
        self.cases.get(c)
    }

    /// Pareto-smoothed leave-one-out log weights of the particles without case `c`: the
    /// stored weights divided by each particle's likelihood of that case (Vehtari, Gelman &
    /// Gabry 2017). `None` for a posterior without per-case log-likelihoods or an unknown `c`.
    pub fn loo_weights(&self, c: usize) -> Option<Smoothed> {
        if c >= self.cases.len() || self.case_log_likelihoods.len() != self.particles.len() {
            return None;
        }
        let raw: Vec<f64> = self
            .weights
            .iter()
            .zip(&self.case_log_likelihoods)
            .map(|(w, ll)| match ll.get(c).copied().flatten() {
                // A particle that cannot produce case c has weight 0 in the posterior.
                Some(l) if *w > 0.0 => w.ln() - l,
                _ => f64::NEG_INFINITY,
            })
            .collect();
        Some(smooth(&raw))
    }

    /// How much each case narrows each parameter: the 90% width with all cases over the
    /// width under each case's leave-one-out weights. `None` for a posterior that is not
    /// joint.
    pub fn case_narrowing(&self) -> Option<CaseNarrowing> {
        let loo: Vec<Smoothed> = (0..self.cases.len())
            .map(|c| self.loo_weights(c))
            .collect::<Option<_>>()?;
        let loo_w: Vec<Vec<f64>> = loo
            .iter()
            .map(|s| s.log_weights.iter().map(|l| l.exp()).collect())
            .collect();
        let ones = vec![1.0; self.prior_draws.len()];
        let width =
            |x: &[f64], w: &[f64]| weighted_quantile(x, w, 0.95) - weighted_quantile(x, w, 0.05);
        let parameters = (0..self.dim())
            .map(|k| {
                let x: Vec<f64> = self.particles.iter().map(|p| p[k]).collect();
                let prior_x: Vec<f64> = self.prior_draws.iter().map(|p| p[k]).collect();
                let all = width(&x, &self.weights);
                Narrowing {
                    name: self.parameter_names[k].clone(),
                    width_ratio: all / width(&prior_x, &ones),
                    by_case: loo_w.iter().map(|w| all / width(&x, w)).collect(),
                }
            })
            .collect();
        Some(CaseNarrowing {
            cases: self.cases.iter().map(|c| c.key.clone()).collect(),
            k_hat: loo.iter().map(|s| s.k_hat).collect(),
            parameters,
        })
    }
}

impl fmt::Display for CaseNarrowing {
    /// The shared parameters (those of several cases) with every case's narrowing; for a
    /// case's own parameters, the narrowing by their case.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "how much each case narrows each parameter: 90% width with all cases / without it \
             (below 1: the case informs it)"
        )?;
        let w = self
            .parameters
            .iter()
            .map(|p| p.name.len())
            .max()
            .unwrap_or(9)
            .max(9);
        for p in &self.parameters {
            let own = self.cases.iter().position(|c| {
                p.name
                    .strip_prefix(c.as_str())
                    .is_some_and(|r| r.starts_with('.'))
            });
            write!(f, "{:<w$}  post/prior {:>5.2}  ", p.name, p.width_ratio)?;
            match own {
                Some(c) => writeln!(f, "own case {:.2}", p.by_case[c])?,
                None => {
                    let cells: Vec<String> = self
                        .cases
                        .iter()
                        .zip(&p.by_case)
                        .filter(|(_, r)| (**r - 1.0).abs() > 0.005)
                        .map(|(c, r)| format!("{c} {r:.2}"))
                        .collect();
                    writeln!(
                        f,
                        "{}",
                        if cells.is_empty() {
                            "no case".into()
                        } else {
                            cells.join(", ")
                        }
                    )?
                }
            }
        }
        for (c, k) in self.cases.iter().zip(&self.k_hat) {
            if *k > super::psis::PARETO_K_THRESHOLD {
                writeln!(
                    f,
                    "warning: leave-one-out weights without {c} have Pareto k̂ {k:.2} > 0.7: its narrowing figures are unreliable"
                )?;
            }
        }
        Ok(())
    }
}
