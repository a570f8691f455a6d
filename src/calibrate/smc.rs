//! Adaptive tempering sequential Monte Carlo (Del Moral, Doucet & Jasra 2006; Jasra et al.
//! 2011): particles move from the prior to the posterior through `prior × likelihood^β`,
//! `β` rising from 0 to 1 in steps chosen so the effective sample size never falls below a
//! target fraction. If the prior draws already keep that ESS at `β = 1`, the run stops after
//! one reweighting and is plain importance sampling over the prior.

use super::posterior::{Diagnostics, Method, Posterior, ScenarioIdentity, POSTERIOR_FORMAT};
use super::{CalibrateError, Likelihood, Prior};
use crate::mc::stats::{
    effective_sample_size, log_sum_exp, normalise_log_weights, systematic_resample,
    weighted_mean_sd,
};
use crate::mc::{stream, Pool, Purpose};
use rand::RngExt;
use rand_distr::StandardNormal;
use rayon::prelude::*;

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
    fn validate(&self) -> Result<(), CalibrateError> {
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

/// Watches a calibration as it runs (progress bars, logs).
pub trait Observer {
    /// Called after each stage.
    fn stage(&mut self, info: &StageInfo);
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {
    fn stage(&mut self, _info: &StageInfo) {}
}

/// The adaptive tempering SMC solver.
#[derive(Debug, Clone)]
pub struct Smc {
    config: SmcConfig,
}

/// A particle after a stage: parameters, log prior, log-likelihood, whether it moved.
type Moved = (Vec<f64>, f64, f64, bool);
type StageResult = Result<Vec<Moved>, CalibrateError>;

struct Particles {
    dim: usize,
    theta: Vec<f64>,
    ln_prior: Vec<f64>,
    ln_lik: Vec<f64>,
}

impl Particles {
    fn row(&self, i: usize) -> &[f64] {
        &self.theta[i * self.dim..(i + 1) * self.dim]
    }
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
    pub fn run<P: Prior, L: Likelihood>(
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
    pub fn run_observed<P: Prior, L: Likelihood>(
        &self,
        prior: &P,
        likelihood: &L,
        observer: &mut dyn Observer,
    ) -> Result<Posterior, CalibrateError> {
        let cfg = &self.config;
        cfg.validate()?;
        let dim = prior.dim();
        let names = prior.names();
        if names.len() != dim {
            return Err(CalibrateError::PriorShape {
                dim,
                names: names.len(),
            });
        }
        let pool = Pool::new(cfg.threads)?;
        let install = |f: &(dyn Fn() -> StageResult + Sync)| pool.install(f);
        let n = cfg.particles;
        let mut evaluations: u64 = 0;

        // Stage 0: prior draws.
        let draws = install(&|| {
            (0..n)
                .into_par_iter()
                .map(|i| {
                    let mut rng = stream(cfg.seed, Purpose::RUNS, i as u64);
                    let mut theta = vec![0.0; dim];
                    prior.sample(&mut rng, &mut theta);
                    let lp = prior.ln_pdf(&theta);
                    if !lp.is_finite() {
                        return Err(CalibrateError::PriorDraw {
                            index: i,
                            theta,
                            ln_pdf: lp,
                        });
                    }
                    let ll = likelihood.ln_likelihood(&theta);
                    if ll.is_nan() {
                        return Err(CalibrateError::NanLikelihood { theta });
                    }
                    Ok((theta, lp, ll, true))
                })
                .collect()
        })?;
        evaluations += n as u64;
        let mut ps = Particles {
            dim,
            theta: Vec::with_capacity(n * dim),
            ln_prior: Vec::with_capacity(n),
            ln_lik: Vec::with_capacity(n),
        };
        for (theta, lp, ll, _) in draws {
            ps.theta.extend_from_slice(&theta);
            ps.ln_prior.push(lp);
            ps.ln_lik.push(ll);
        }
        let prior_draws: Vec<Vec<f64>> = (0..n).map(|i| ps.row(i).to_vec()).collect();
        let prior_sd: Vec<f64> = (0..dim)
            .map(|k| weighted_mean_sd((0..n).map(|i| (ps.theta[i * dim + k], 1.0))).1)
            .collect();

        let mut weights = vec![1.0 / n as f64; n];
        let mut beta = 0.0_f64;
        let mut log_evidence = 0.0_f64;
        let mut temperatures = vec![0.0];
        let mut stage_ess = vec![n as f64];
        let mut acceptance_rates = Vec::new();
        let mut scale = 2.38 / (dim.max(1) as f64).sqrt();
        let mut method = Method::ImportanceSampling;
        let mut final_ess;
        let mut log_w = vec![0.0; n];
        let mut stage = 0usize;

        loop {
            stage += 1;
            if stage > cfg.max_stages {
                return Err(CalibrateError::TooManyStages {
                    stages: cfg.max_stages,
                    temperature: beta,
                });
            }
            // ESS in the limit of an infinitesimal step: particles with zero likelihood drop out.
            let alive: Vec<f64> = (0..n)
                .map(|i| {
                    if ps.ln_lik[i] > f64::NEG_INFINITY {
                        weights[i]
                    } else {
                        0.0
                    }
                })
                .collect();
            let alive_total: f64 = alive.iter().sum();
            if alive_total <= 0.0 {
                return Err(CalibrateError::ImpossibleData { draws: n });
            }
            let alive_norm: Vec<f64> = alive.iter().map(|w| w / alive_total).collect();
            let ess_limit = effective_sample_size(&alive_norm);
            let ess_at = |delta: f64, log_w: &mut Vec<f64>, w: &mut Vec<f64>| -> f64 {
                for i in 0..n {
                    log_w[i] = weights[i].ln() + delta * ps.ln_lik[i];
                }
                normalise_log_weights(log_w, w);
                effective_sample_size(w)
            };
            let mut scratch = Vec::with_capacity(n);
            let remaining = 1.0 - beta;
            let first_and_is = stage == 1;
            let accept_full = if first_and_is {
                ess_at(remaining, &mut log_w, &mut scratch) >= cfg.target_ess_fraction * n as f64
            } else {
                ess_at(remaining, &mut log_w, &mut scratch) >= cfg.target_ess_fraction * ess_limit
            };
            let delta = if accept_full {
                remaining
            } else {
                // Bisection for the largest step keeping ESS ≥ target (ESS decreases in δ).
                let target = cfg.target_ess_fraction * ess_limit;
                let (mut lo, mut hi) = (0.0_f64, remaining);
                for _ in 0..60 {
                    let mid = 0.5 * (lo + hi);
                    if ess_at(mid, &mut log_w, &mut scratch) >= target {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                // Guarantee progress even when the target is met only in the limit.
                lo.max(remaining * 1e-12).max(f64::MIN_POSITIVE)
            };
            for i in 0..n {
                log_w[i] = weights[i].ln() + delta * ps.ln_lik[i];
            }
            log_evidence += log_sum_exp(&log_w);
            normalise_log_weights(&log_w, &mut weights);
            beta = if accept_full { 1.0 } else { beta + delta };
            final_ess = effective_sample_size(&weights);
            temperatures.push(beta);
            stage_ess.push(final_ess);

            if accept_full && first_and_is {
                observer.stage(&StageInfo {
                    stage,
                    temperature: beta,
                    ess: final_ess,
                    moves: 0,
                    acceptance: None,
                });
                break;
            }
            method = Method::TemperedSmc;

            // Proposal scales from the weighted cloud, floored by a small share of the prior's.
            let sd: Vec<f64> = (0..dim)
                .map(|k| {
                    let (_, s) =
                        weighted_mean_sd((0..n).map(|i| (ps.theta[i * dim + k], weights[i])));
                    if prior.continuous(k) {
                        s.max(1e-3 * prior_sd[k])
                    } else {
                        0.0
                    }
                })
                .collect();

            // Resample.
            let u: f64 = stream(cfg.seed, Purpose::smc_resample(stage), 0).random::<f64>();
            let idx = systematic_resample(&weights, n, u);
            let mut next = Particles {
                dim,
                theta: Vec::with_capacity(n * dim),
                ln_prior: Vec::with_capacity(n),
                ln_lik: Vec::with_capacity(n),
            };
            for &j in &idx {
                next.theta.extend_from_slice(ps.row(j));
                next.ln_prior.push(ps.ln_prior[j]);
                next.ln_lik.push(ps.ln_lik[j]);
            }
            ps = next;
            weights.iter_mut().for_each(|w| *w = 1.0 / n as f64);

            // Random-walk Metropolis at temperature beta.
            let mut sweeps = 0usize;
            let mut needed = cfg.min_moves.max(1);
            let mut accepted_total = 0usize;
            while sweeps < needed && sweeps < cfg.max_moves.max(1) {
                let purpose = Purpose::smc_move(stage, sweeps);
                let ps_ref = &ps;
                let sd_ref = &sd;
                let moved = install(&|| {
                    (0..n)
                        .into_par_iter()
                        .map(|i| {
                            let mut rng = stream(cfg.seed, purpose, i as u64);
                            let cur = ps_ref.row(i);
                            let prop: Vec<f64> = cur
                                .iter()
                                .zip(sd_ref)
                                .map(|(&x, &s)| {
                                    let z: f64 = rng.sample(StandardNormal);
                                    x + scale * s * z
                                })
                                .collect();
                            let log_u = rng.random::<f64>().ln();
                            let lp = prior.ln_pdf(&prop);
                            if lp == f64::NEG_INFINITY || lp.is_nan() {
                                return Ok((
                                    cur.to_vec(),
                                    ps_ref.ln_prior[i],
                                    ps_ref.ln_lik[i],
                                    false,
                                ));
                            }
                            let ll = likelihood.ln_likelihood(&prop);
                            if ll.is_nan() {
                                return Err(CalibrateError::NanLikelihood { theta: prop });
                            }
                            let log_ratio =
                                (lp + beta * ll) - (ps_ref.ln_prior[i] + beta * ps_ref.ln_lik[i]);
                            if log_u < log_ratio {
                                Ok((prop, lp, ll, true))
                            } else {
                                Ok((cur.to_vec(), ps_ref.ln_prior[i], ps_ref.ln_lik[i], false))
                            }
                        })
                        .collect()
                })?;
                evaluations += n as u64;
                let mut accepted = 0usize;
                for (i, (theta, lp, ll, acc)) in moved.into_iter().enumerate() {
                    if acc {
                        accepted += 1;
                        ps.theta[i * dim..(i + 1) * dim].copy_from_slice(&theta);
                        ps.ln_prior[i] = lp;
                        ps.ln_lik[i] = ll;
                    }
                }
                accepted_total += accepted;
                let rate = accepted as f64 / n as f64;
                // Robbins–Monro style adaptation towards the 0.234 optimum (Roberts et al. 1997).
                scale *= (rate - 0.234).exp();
                scale = scale.clamp(1e-3, 10.0);
                sweeps += 1;
                if sweeps == 1 {
                    // Sweeps so that a particle stays put with probability below 5%.
                    let r = rate.clamp(1e-3, 0.999);
                    let want = ((0.05_f64).ln() / (1.0 - r).ln()).ceil() as usize;
                    needed = want.clamp(cfg.min_moves.max(1), cfg.max_moves.max(1));
                }
            }
            let acceptance = accepted_total as f64 / (n * sweeps.max(1)) as f64;
            acceptance_rates.push(acceptance);
            observer.stage(&StageInfo {
                stage,
                temperature: beta,
                ess: final_ess,
                moves: sweeps,
                acceptance: Some(acceptance),
            });
            if beta >= 1.0 {
                break;
            }
        }

        let log_post_terms: Vec<f64> = (0..n)
            .map(|i| {
                if weights[i] > 0.0 {
                    weights[i].ln() + ps.ln_lik[i]
                } else {
                    f64::NEG_INFINITY
                }
            })
            .collect();
        let log_posterior_predictive = log_sum_exp(&log_post_terms);
        let particles: Vec<Vec<f64>> = (0..n).map(|i| ps.row(i).to_vec()).collect();
        let log_likelihoods = ps
            .ln_lik
            .iter()
            .map(|&l| if l.is_finite() { Some(l) } else { None })
            .collect();
        Ok(Posterior {
            format: POSTERIOR_FORMAT,
            scenario: ScenarioIdentity::default(),
            parameter_names: names,
            seed: cfg.seed,
            particles,
            weights,
            log_likelihoods,
            prior_draws,
            diagnostics: Diagnostics {
                method,
                particles: n,
                stages: stage,
                temperatures,
                stage_ess,
                ess: final_ess,
                acceptance_rates,
                likelihood_evaluations: evaluations,
                log_prior_predictive: log_evidence,
                log_posterior_predictive,
            },
        })
    }
}
