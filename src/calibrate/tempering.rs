//! The adaptive tempering SMC run, cut the way argmin cuts a solver: [`Tempering::init`] draws
//! the particles from the prior, [`Tempering::next_stage`] takes one stage (reweight to the
//! next temperature, then resample and move), [`Tempering::terminate`] turns the particles
//! into a [`Posterior`].

use super::posterior::{Diagnostics, Method, Posterior, ScenarioIdentity, POSTERIOR_FORMAT};
use super::smc::{SmcConfig, StageInfo};
use super::{CalibrateError, JointPrior, Likelihood};
use crate::mc::stats::{
    effective_sample_size, log_sum_exp, normalise_log_weights, systematic_resample,
    weighted_mean_sd,
};
use crate::mc::Observer;
use crate::mc::{stream, Pool, Purpose};
use rand::RngExt;
use rand_distr::StandardNormal;
use rayon::prelude::*;

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
    fn with_capacity(dim: usize, n: usize) -> Self {
        Particles {
            dim,
            theta: Vec::with_capacity(n * dim),
            ln_prior: Vec::with_capacity(n),
            ln_lik: Vec::with_capacity(n),
        }
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.theta[i * self.dim..(i + 1) * self.dim]
    }

    fn push(&mut self, theta: &[f64], ln_prior: f64, ln_lik: f64) {
        self.theta.extend_from_slice(theta);
        self.ln_prior.push(ln_prior);
        self.ln_lik.push(ln_lik);
    }
}

/// The state of a run between stages.
pub(super) struct Tempering<'a, P, L> {
    cfg: &'a SmcConfig,
    prior: &'a P,
    likelihood: &'a L,
    pool: Pool,
    names: Vec<String>,
    n: usize,
    dim: usize,
    ps: Particles,
    prior_draws: Vec<Vec<f64>>,
    prior_sd: Vec<f64>,
    weights: Vec<f64>,
    beta: f64,
    log_evidence: f64,
    temperatures: Vec<f64>,
    stage_ess: Vec<f64>,
    acceptance_rates: Vec<f64>,
    /// Random-walk scale, adapted after every sweep.
    scale: f64,
    method: Method,
    final_ess: f64,
    stage: usize,
    evaluations: u64,
}

impl<'a, P: JointPrior, L: Likelihood> Tempering<'a, P, L> {
    /// Checks the settings and the prior, and draws the particles from the prior (particle
    /// `i` on stream `i` of [`Purpose::RUNS`]).
    pub(super) fn init(
        cfg: &'a SmcConfig,
        prior: &'a P,
        likelihood: &'a L,
    ) -> Result<Self, CalibrateError> {
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
        let n = cfg.particles;
        let draws: Vec<Moved> = pool.install(|| {
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
                .collect::<StageResult>()
        })?;
        let mut ps = Particles::with_capacity(dim, n);
        for (theta, lp, ll, _) in draws {
            ps.push(&theta, lp, ll);
        }
        let prior_draws: Vec<Vec<f64>> = (0..n).map(|i| ps.row(i).to_vec()).collect();
        let prior_sd: Vec<f64> = (0..dim)
            .map(|k| weighted_mean_sd((0..n).map(|i| (ps.theta[i * dim + k], 1.0))).1)
            .collect();
        Ok(Tempering {
            cfg,
            prior,
            likelihood,
            pool,
            names,
            n,
            dim,
            ps,
            prior_draws,
            prior_sd,
            weights: vec![1.0 / n as f64; n],
            beta: 0.0,
            log_evidence: 0.0,
            temperatures: vec![0.0],
            stage_ess: vec![n as f64],
            acceptance_rates: Vec::new(),
            scale: 2.38 / (dim.max(1) as f64).sqrt(),
            method: Method::ImportanceSampling,
            final_ess: n as f64,
            stage: 0,
            evaluations: n as u64,
        })
    }

    /// One stage: reweight to the next temperature; unless importance sampling already
    /// suffices, resample and move. Reports the stage to `observer`; `true` once the
    /// temperature has reached 1.
    ///
    /// # Errors
    /// [`CalibrateError::TooManyStages`], [`CalibrateError::ImpossibleData`],
    /// [`CalibrateError::NanLikelihood`].
    pub(super) fn next_stage(
        &mut self,
        observer: &mut dyn Observer<StageInfo>,
    ) -> Result<bool, CalibrateError> {
        self.stage += 1;
        if self.stage > self.cfg.max_stages {
            return Err(CalibrateError::TooManyStages {
                stages: self.cfg.max_stages,
                temperature: self.beta,
            });
        }
        let accept_full = self.reweight()?;
        if accept_full && self.stage == 1 {
            observer.observe(&StageInfo {
                stage: self.stage,
                temperature: self.beta,
                ess: self.final_ess,
                moves: 0,
                acceptance: None,
            });
            return Ok(true);
        }
        self.method = Method::TemperedSmc;
        let sd = self.proposal_sd();
        self.resample();
        let (sweeps, acceptance) = self.move_particles(&sd)?;
        self.acceptance_rates.push(acceptance);
        observer.observe(&StageInfo {
            stage: self.stage,
            temperature: self.beta,
            ess: self.final_ess,
            moves: sweeps,
            acceptance: Some(acceptance),
        });
        Ok(self.beta >= 1.0)
    }

    /// `ln w_i + delta ln L_i` into `log_w`.
    fn tempered_log_weights(&self, delta: f64, log_w: &mut [f64]) {
        for ((l, w), ll) in log_w.iter_mut().zip(&self.weights).zip(&self.ps.ln_lik) {
            *l = w.ln() + delta * ll;
        }
    }

    /// The ESS of the weights reweighted by `likelihood^delta` (into `w`, with `log_w` as
    /// scratch).
    fn ess_at(&self, delta: f64, log_w: &mut [f64], w: &mut Vec<f64>) -> f64 {
        self.tempered_log_weights(delta, log_w);
        normalise_log_weights(log_w, w);
        effective_sample_size(w)
    }

    /// Moves the temperature as far as the ESS allows (to 1 at once when it allows that)
    /// and reweights; `true` when the step went all the way to 1.
    fn reweight(&mut self) -> Result<bool, CalibrateError> {
        let (n, frac) = (self.n, self.cfg.target_ess_fraction);
        // ESS in the limit of an infinitesimal step: particles with zero likelihood drop out.
        let alive: Vec<f64> = (0..n)
            .map(|i| {
                if self.ps.ln_lik[i] > f64::NEG_INFINITY {
                    self.weights[i]
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
        let mut log_w = vec![0.0; n];
        let mut scratch = Vec::with_capacity(n);
        let remaining = 1.0 - self.beta;
        // Importance sampling alone is judged against all particles.
        let reference = if self.stage == 1 { n as f64 } else { ess_limit };
        let accept_full = self.ess_at(remaining, &mut log_w, &mut scratch) >= frac * reference;
        let delta = if accept_full {
            remaining
        } else {
            // Bisection for the largest step keeping ESS ≥ target (ESS decreases in δ).
            let target = frac * ess_limit;
            let (mut lo, mut hi) = (0.0_f64, remaining);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if self.ess_at(mid, &mut log_w, &mut scratch) >= target {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            // Guarantee progress even when the target is met only in the limit.
            lo.max(remaining * 1e-12).max(f64::MIN_POSITIVE)
        };
        self.tempered_log_weights(delta, &mut log_w);
        self.log_evidence += log_sum_exp(&log_w);
        normalise_log_weights(&log_w, &mut self.weights);
        self.beta = if accept_full { 1.0 } else { self.beta + delta };
        self.final_ess = effective_sample_size(&self.weights);
        self.temperatures.push(self.beta);
        self.stage_ess.push(self.final_ess);
        Ok(accept_full)
    }

    /// Proposal scales from the weighted cloud, floored by a small share of the prior's;
    /// zero for discrete parameters (they are only reweighted and resampled).
    fn proposal_sd(&self) -> Vec<f64> {
        let (n, dim) = (self.n, self.dim);
        (0..dim)
            .map(|k| {
                let (_, s) =
                    weighted_mean_sd((0..n).map(|i| (self.ps.theta[i * dim + k], self.weights[i])));
                if self.prior.continuous(k) {
                    s.max(1e-3 * self.prior_sd[k])
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// Systematic resampling with one uniform of this stage's stream; equal weights after.
    fn resample(&mut self) {
        let n = self.n;
        let u: f64 = stream(self.cfg.seed, Purpose::smc_resample(self.stage), 0).random::<f64>();
        let idx = systematic_resample(&self.weights, n, u);
        let mut next = Particles::with_capacity(self.dim, n);
        for &j in &idx {
            next.push(self.ps.row(j), self.ps.ln_prior[j], self.ps.ln_lik[j]);
        }
        self.ps = next;
        self.weights.iter_mut().for_each(|w| *w = 1.0 / n as f64);
    }

    /// Random-walk Metropolis sweeps at the current temperature, enough that a particle stays
    /// put with probability below 5% (within the configured bounds). Returns the sweeps and
    /// the mean acceptance rate.
    fn move_particles(&mut self, sd: &[f64]) -> Result<(usize, f64), CalibrateError> {
        let (n, dim) = (self.n, self.dim);
        let (min_moves, max_moves) = (self.cfg.min_moves.max(1), self.cfg.max_moves.max(1));
        let mut sweeps = 0usize;
        let mut needed = min_moves;
        let mut accepted_total = 0usize;
        while sweeps < needed && sweeps < max_moves {
            let moved = self.sweep(Purpose::smc_move(self.stage, sweeps), sd)?;
            self.evaluations += n as u64;
            let mut accepted = 0usize;
            for (i, (theta, lp, ll, acc)) in moved.into_iter().enumerate() {
                if acc {
                    accepted += 1;
                    self.ps.theta[i * dim..(i + 1) * dim].copy_from_slice(&theta);
                    self.ps.ln_prior[i] = lp;
                    self.ps.ln_lik[i] = ll;
                }
            }
            accepted_total += accepted;
            let rate = accepted as f64 / n as f64;
            // Robbins–Monro style adaptation towards the 0.234 optimum (Roberts et al. 1997).
            self.scale *= (rate - 0.234).exp();
            self.scale = self.scale.clamp(1e-3, 10.0);
            sweeps += 1;
            if sweeps == 1 {
                // Sweeps so that a particle stays put with probability below 5%.
                let r = rate.clamp(1e-3, 0.999);
                let want = ((0.05_f64).ln() / (1.0 - r).ln()).ceil() as usize;
                needed = want.clamp(min_moves, max_moves);
            }
        }
        Ok((sweeps, accepted_total as f64 / (n * sweeps.max(1)) as f64))
    }

    /// One parallel Metropolis sweep: particle `i` proposes from stream `i` of `purpose`.
    fn sweep(&self, purpose: Purpose, sd: &[f64]) -> StageResult {
        let (ps, beta, scale) = (&self.ps, self.beta, self.scale);
        let (prior, likelihood, seed) = (self.prior, self.likelihood, self.cfg.seed);
        self.pool.install(|| {
            (0..self.n)
                .into_par_iter()
                .map(|i| {
                    let mut rng = stream(seed, purpose, i as u64);
                    let cur = ps.row(i);
                    let prop: Vec<f64> = cur
                        .iter()
                        .zip(sd)
                        .map(|(&x, &s)| {
                            let z: f64 = rng.sample(StandardNormal);
                            x + scale * s * z
                        })
                        .collect();
                    let log_u = rng.random::<f64>().ln();
                    let stay = || Ok((cur.to_vec(), ps.ln_prior[i], ps.ln_lik[i], false));
                    let lp = prior.ln_pdf(&prop);
                    if lp == f64::NEG_INFINITY || lp.is_nan() {
                        return stay();
                    }
                    let ll = likelihood.ln_likelihood(&prop);
                    if ll.is_nan() {
                        return Err(CalibrateError::NanLikelihood { theta: prop });
                    }
                    let log_ratio = (lp + beta * ll) - (ps.ln_prior[i] + beta * ps.ln_lik[i]);
                    if log_u < log_ratio {
                        Ok((prop, lp, ll, true))
                    } else {
                        stay()
                    }
                })
                .collect()
        })
    }

    /// The weighted particles as a posterior (not yet labelled with a scenario).
    pub(super) fn terminate(self) -> Posterior {
        let n = self.n;
        let log_post_terms: Vec<f64> = (0..n)
            .map(|i| {
                if self.weights[i] > 0.0 {
                    self.weights[i].ln() + self.ps.ln_lik[i]
                } else {
                    f64::NEG_INFINITY
                }
            })
            .collect();
        let log_posterior_predictive = log_sum_exp(&log_post_terms);
        let particles: Vec<Vec<f64>> = (0..n).map(|i| self.ps.row(i).to_vec()).collect();
        let log_likelihoods = self
            .ps
            .ln_lik
            .iter()
            .map(|&l| if l.is_finite() { Some(l) } else { None })
            .collect();
        Posterior {
            format: POSTERIOR_FORMAT,
            scenario: ScenarioIdentity::default(),
            parameter_names: self.names,
            seed: self.cfg.seed,
            particles,
            weights: self.weights,
            log_likelihoods,
            prior_draws: self.prior_draws,
            diagnostics: Diagnostics {
                method: self.method,
                particles: n,
                stages: self.stage,
                temperatures: self.temperatures,
                stage_ess: self.stage_ess,
                ess: self.final_ess,
                acceptance_rates: self.acceptance_rates,
                likelihood_evaluations: self.evaluations,
                log_prior_predictive: self.log_evidence,
                log_posterior_predictive,
            },
            cases: Vec::new(),
            case_log_likelihoods: Vec::new(),
        }
    }
}
