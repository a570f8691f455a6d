//! How well the model predicts documented standoffs: the prediction for a case from its
//! opening, mixed over parameter draws ([`predictive`]), and the scores of a case's documented
//! outcome under it ([`CaseScore`]): the probability of its outcome class, where its duration
//! falls in the predicted law, and the log score.
//!
//! A case's *opening* is what is known when the standoff starts: the game's moves up to the
//! challenger's threat for a ladder that opens with the target's refusal, nothing for a ladder
//! that opens with the threat or the imposition itself. Its *documented end* is the class and
//! day of its documented path, or, for a standoff still on when last observed, the day it was
//! last observed (a censored duration).
//!
//! Draw `j` of a prediction uses stream `j` of [`Purpose::PREDICTIVE`] under the seed, and
//! the draws are mixed in index order, so a prediction is bit-identical whatever the number
//! of threads.

mod loo;
mod posterior;
mod score;
mod table;

pub use loo::{base_rate, held_out, leave_one_out, CaseDone, CaseValidation, Fit, ValidateConfig};
pub use posterior::{predictive_from, SharedDraws};
pub use score::{CaseScore, Truth};
pub use table::{to_json, totals, Table, Totals};

use crate::mc::{Pool, Purpose, Streams};
use crate::model::{Params, Prediction};
use crate::pipeline::Pipeline;
use crate::scenario::{Scenario, ScenarioError};
use rayon::prelude::*;

/// What went wrong in a prediction or a validation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ValidateError {
    /// The scenario cannot be set up (it does not compile, or its pipeline cannot be built).
    #[error("{origin}: {message}")]
    Scenario {
        /// The scenario's file.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// The documented path cannot be scored (it does not start a standoff, or leaves the
    /// ladder).
    #[error("{origin}: documented path: {message}")]
    Path {
        /// The scenario's file.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// No draw gave a prediction: every solve failed, or the opening has probability zero
    /// under every draw.
    #[error(
        "{origin}: none of the {draws} parameter draws gives a prediction from the opening \
         ({failures} solver failures)"
    )]
    NoPrediction {
        /// The scenario's file.
        origin: String,
        /// Draws tried.
        draws: usize,
        /// Draws whose equilibrium could not be solved.
        failures: usize,
    },
    /// The thread pool could not be built.
    #[error("{0}")]
    Pool(String),
}

impl From<ScenarioError> for ValidateError {
    fn from(e: ScenarioError) -> Self {
        ValidateError::Scenario {
            origin: String::new(),
            message: e.to_string(),
        }
    }
}

/// A prediction mixed over parameter draws, with how many draws contributed.
#[derive(Clone, Debug)]
pub struct Predictive {
    /// The mixture of the draws' predictions (equal weights).
    pub prediction: Prediction,
    /// Draws that contributed.
    pub used: usize,
    /// Draws whose equilibrium could not be solved (left out).
    pub failures: usize,
    /// Draws under which the opening has probability zero (left out).
    pub impossible: usize,
}

/// The model's prediction for `scenario` from its opening (see the module), averaged over
/// `draws` draws of the scenario's priors: the prior predictive. Draw `j` uses stream `j`
/// of [`Purpose::PREDICTIVE`] under `seed`; `threads` as in [`Pool::new`].
///
/// # Errors
/// [`ValidateError::Scenario`] when the scenario's pipeline cannot be built,
/// [`ValidateError::Path`] when its documented path does not start a standoff,
/// [`ValidateError::NoPrediction`] when no draw gives one, [`ValidateError::Pool`] for a
/// thread count the pool refuses.
///
/// # Examples
/// ```
/// use escalation::scenario::Scenario;
/// use escalation::validate::{predictive, Truth};
/// let s = Scenario::from_path("cases/us_japan_1995_autos.toml")?;
/// let p = predictive(&s, 8, 1, Some(1))?;
/// let total: f64 = p.prediction.classes.iter().sum();
/// assert!((total - 1.0).abs() < 1e-9);
/// let score = Truth::of(&s)?.score(&p.prediction);
/// assert!(score.log_score <= 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn predictive(
    scenario: &Scenario,
    draws: usize,
    seed: u64,
    threads: Option<usize>,
) -> Result<Predictive, ValidateError> {
    mixture(
        scenario,
        draws,
        seed,
        threads,
        &|pipeline, _, rng, params| pipeline.draw(rng, params),
    )
}

/// How one draw's parameters are filled from its stream.
pub(crate) type Fill<'a> =
    dyn Fn(&Pipeline, usize, &mut rand_chacha::ChaCha8Rng, &mut Params) + Sync + 'a;

/// The mixture over `draws` parameter draws, draw `j` filled by `fill(pipeline, j, rng,
/// params)` from stream `j` of
/// [`Purpose::PREDICTIVE`], mixed in index order.
pub(crate) fn mixture(
    scenario: &Scenario,
    draws: usize,
    seed: u64,
    threads: Option<usize>,
    fill: &Fill<'_>,
) -> Result<Predictive, ValidateError> {
    let origin = || scenario.origin.clone();
    let pipeline = Pipeline::new(scenario).map_err(|e| ValidateError::Scenario {
        origin: origin(),
        message: e.to_string(),
    })?;
    let opening = Truth::of(scenario)?.opening;
    let streams = Streams::new(seed, Purpose::PREDICTIVE);
    let pool = Pool::new(threads).map_err(|e| ValidateError::Pool(e.to_string()))?;
    // One entry per draw, in index order: Ok(Some) a prediction, Ok(None) an impossible
    // opening, Err(()) a failed solve.
    let each: Vec<Result<Option<Prediction>, ()>> = pool.install(|| {
        (0..draws)
            .into_par_iter()
            .map_init(
                || (pipeline.workspace(), scenario.new_params()),
                |(ws, params), j| {
                    let mut rng = streams.get(j as u64);
                    fill(&pipeline, j, &mut rng, params);
                    let behaviour = pipeline.solve(ws, params).map_err(|_| ())?;
                    Ok(pipeline
                        .compiled()
                        .predict_given(behaviour, params, &opening))
                },
            )
            .collect()
    });
    let mut out = Predictive {
        prediction: Prediction::default(),
        used: 0,
        failures: 0,
        impossible: 0,
    };
    for e in &each {
        match e {
            Ok(Some(p)) => {
                out.prediction.add(p, 1.0);
                out.used += 1;
            }
            Ok(None) => out.impossible += 1,
            Err(()) => out.failures += 1,
        }
    }
    if out.used == 0 {
        return Err(ValidateError::NoPrediction {
            origin: origin(),
            draws,
            failures: out.failures,
        });
    }
    Ok(out)
}
