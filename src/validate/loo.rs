//! Out-of-sample scores of a case library: leave-one-out (Pareto-smoothed importance
//! sampling on the joint posterior, with an exact refit where its weights are unreliable) or a
//! training set against a test set, each case beside two baselines measured in the same run.

use super::posterior::{predictive_from, SharedDraws};
use super::{predictive, CaseScore, Truth, ValidateError};
use crate::calibrate::psis::PARETO_K_THRESHOLD;
use crate::calibrate::{case_key, JointProblem, Observer, Posterior, SmcConfig};
use crate::model::OutcomeClass;
use crate::scenario::Scenario;

/// Settings of a validation.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ValidateConfig {
    /// Particles of each calibration (SMC).
    pub particles: usize,
    /// Parameter draws of each case's prediction (model and prior baseline).
    pub draws: usize,
    /// Seed of every stream.
    pub seed: u64,
    /// Worker threads; the results do not depend on it.
    pub threads: Option<usize>,
}

impl Default for ValidateConfig {
    fn default() -> Self {
        ValidateConfig {
            particles: 1000,
            draws: 200,
            seed: 0,
            threads: None,
        }
    }
}

/// How a held-out case's calibration was obtained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fit {
    /// Pareto-smoothed importance weights on the joint posterior of all cases, with their
    /// Pareto `k̂` (at most [`PARETO_K_THRESHOLD`]).
    Psis(f64),
    /// An exact calibration on the other cases (the importance weights' `k̂` was above the
    /// threshold, or not finite).
    Refit(f64),
    /// A calibration on a training set that does not contain the case.
    Train,
}

/// One case's scores: the model calibrated without it, and the two baselines.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CaseValidation {
    /// The case's key (its file's stem).
    pub case: String,
    /// Its documented end.
    pub truth: Truth,
    /// The model calibrated without the case.
    pub model: CaseScore,
    /// The model under its priors alone ([`predictive`]).
    pub prior: CaseScore,
    /// The base rate's probability of the documented end (see [`base_rate`]).
    pub base_rate: f64,
    /// How the calibration without the case was obtained.
    pub fit: Fit,
    /// The case's shared parameters that the calibration did not have (drawn from their
    /// priors).
    pub from_prior: Vec<String>,
}

/// What a validation reports at each case (for progress).
#[derive(Clone, Debug, PartialEq)]
pub struct CaseDone {
    /// The case just scored.
    pub case: String,
    /// Cases scored so far.
    pub done: usize,
    /// Cases in all.
    pub total: usize,
}

/// The base rate's probability of `truth` among the documented ends of `others`, smoothed by
/// adding one pseudo-case to each possible answer (Laplace's rule of succession). For an
/// ended case: its class among the five classes a standoff can end in after the threat
/// (`(count + 1) / (n + 5)`). For a case still on at day `d`: the share of the others known
/// to be still on at `d` (ended later, or observed on at or after `d`) among those whose state
/// at `d` is known (`(on + 1) / (known + 2)`; a case seen on only until before `d` is
/// unknown).
///
/// # Examples
/// ```
/// use escalation::model::OutcomeClass;
/// use escalation::validate::{base_rate, Truth};
/// let end = |class, day| Truth { opening: vec![], class, day };
/// let others = [end(Some(OutcomeClass::Settled), 40.0), end(None, 300.0)];
/// // Settled: (1 + 1) / (2 + 5).
/// assert!((base_rate(&end(Some(OutcomeClass::Settled), 10.0), &others) - 2.0 / 7.0).abs() < 1e-12);
/// // Still on at day 100: one of two known still on, (1 + 1) / (2 + 2).
/// assert!((base_rate(&end(None, 100.0), &others) - 0.5).abs() < 1e-12);
/// ```
pub fn base_rate(truth: &Truth, others: &[Truth]) -> f64 {
    match truth.class {
        Some(class) => {
            let classes = OutcomeClass::ALL.iter().filter(|c| c.is_crisis()).count() as f64;
            let n = others.len() as f64;
            let k = others.iter().filter(|o| o.class == Some(class)).count() as f64;
            (k + 1.0) / (n + classes)
        }
        None => {
            let (mut on, mut known) = (0.0, 0.0);
            for o in others {
                match o.class {
                    Some(_) if o.day > truth.day => (on, known) = (on + 1.0, known + 1.0),
                    Some(_) => known += 1.0,
                    None if o.day >= truth.day => (on, known) = (on + 1.0, known + 1.0),
                    None => {}
                }
            }
            (on + 1.0) / (known + 2.0)
        }
    }
}

fn smc(cfg: &ValidateConfig) -> SmcConfig {
    SmcConfig {
        particles: cfg.particles,
        seed: cfg.seed,
        threads: cfg.threads,
        ..SmcConfig::default()
    }
}

fn calibration_error(e: impl std::fmt::Display) -> ValidateError {
    ValidateError::Scenario {
        origin: "calibration".into(),
        message: e.to_string(),
    }
}

/// Calibrate jointly on `scenarios` (none: no calibration).
fn calibrate(scenarios: &[Scenario], cfg: &ValidateConfig) -> Result<Posterior, ValidateError> {
    JointProblem::new(scenarios)
        .and_then(|p| p.calibrate(smc(cfg), &mut crate::calibrate::NoObserver))
        .map_err(calibration_error)
}

/// Leave-one-out over `scenarios`: one joint calibration on all of them; for each case, the
/// joint posterior's Pareto-smoothed importance weights without it (Vehtari, Gelman & Gabry
/// 2017), or, where their `k̂` exceeds [`PARETO_K_THRESHOLD`], an exact calibration on the
/// others; then the case's prediction from its opening ([`predictive_from`]: its shared
/// parameters from `draws` equal-weight draws of that posterior, resampled on stream `1 + c`
/// of `EQUAL_WEIGHT`, its own from their priors), beside the prior predictive and the base
/// rate of the others. Cases in key order.
///
/// # Errors
/// [`ValidateError`] for a case that cannot be scored or calibrated (naming it).
pub fn leave_one_out(
    scenarios: &[Scenario],
    cfg: &ValidateConfig,
    observer: &mut dyn Observer<CaseDone>,
) -> Result<Vec<CaseValidation>, ValidateError> {
    let sorted = sorted(scenarios);
    let truths = truths(&sorted)?;
    let joint = calibrate(&sorted, cfg)?;
    let mut out = Vec::new();
    for (c, s) in sorted.iter().enumerate() {
        let loo = joint
            .loo_weights(c)
            .ok_or_else(|| calibration_error("the joint posterior has no per-case likelihoods"))?;
        let (fit, shared) = if loo.k_hat <= PARETO_K_THRESHOLD {
            let w: Vec<f64> = loo.log_weights.iter().map(|l| l.exp()).collect();
            let d = resample(&joint, &w, cfg, c);
            (Fit::Psis(loo.k_hat), d)
        } else {
            let others: Vec<Scenario> = sorted
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != c)
                .map(|(_, s)| s.clone())
                .collect();
            let d = if others.is_empty() {
                SharedDraws::none()
            } else {
                let post = calibrate(&others, cfg)?;
                resample(&post, &post.weights, cfg, c)
            };
            (Fit::Refit(loo.k_hat), d)
        };
        let others: Vec<Truth> = truths
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != c)
            .map(|(_, t)| t.clone())
            .collect();
        out.push(score(s, &truths[c], &others, &shared, fit, cfg)?);
        observer.observe(&CaseDone {
            case: case_key(s),
            done: c + 1,
            total: sorted.len(),
        });
    }
    Ok(out)
}

/// Calibrate on `train`, score each of `test` (which should not be in `train`) against the
/// prior predictive and the base rate of `train`. Cases in key order.
///
/// # Errors
/// As [`leave_one_out`].
pub fn held_out(
    train: &[Scenario],
    test: &[Scenario],
    cfg: &ValidateConfig,
    observer: &mut dyn Observer<CaseDone>,
) -> Result<Vec<CaseValidation>, ValidateError> {
    let train = sorted(train);
    let test = sorted(test);
    let train_truths = truths(&train)?;
    let test_truths = truths(&test)?;
    let post = calibrate(&train, cfg)?;
    let mut out = Vec::new();
    for (c, s) in test.iter().enumerate() {
        let shared = resample(&post, &post.weights, cfg, c);
        out.push(score(
            s,
            &test_truths[c],
            &train_truths,
            &shared,
            Fit::Train,
            cfg,
        )?);
        observer.observe(&CaseDone {
            case: case_key(s),
            done: c + 1,
            total: test.len(),
        });
    }
    Ok(out)
}

fn sorted(scenarios: &[Scenario]) -> Vec<Scenario> {
    let mut v = scenarios.to_vec();
    v.sort_by_key(case_key);
    v
}

fn truths(scenarios: &[Scenario]) -> Result<Vec<Truth>, ValidateError> {
    scenarios.iter().map(Truth::of).collect()
}

fn resample(post: &Posterior, weights: &[f64], cfg: &ValidateConfig, c: usize) -> SharedDraws {
    SharedDraws::resample(
        &post.parameter_names,
        &post.particles,
        weights,
        cfg.draws,
        cfg.seed,
        1 + c as u64,
    )
}

fn score(
    s: &Scenario,
    truth: &Truth,
    others: &[Truth],
    shared: &SharedDraws,
    fit: Fit,
    cfg: &ValidateConfig,
) -> Result<CaseValidation, ValidateError> {
    let (model, from_prior) = predictive_from(s, shared, cfg.draws, cfg.seed, cfg.threads)?;
    let prior = predictive(s, cfg.draws, cfg.seed, cfg.threads)?;
    Ok(CaseValidation {
        case: case_key(s),
        truth: truth.clone(),
        model: truth.score(&model.prediction),
        prior: truth.score(&prior.prediction),
        base_rate: base_rate(truth, others),
        fit,
        from_prior,
    })
}
