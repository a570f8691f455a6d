//! A case's prediction under parameters calibrated on other cases: the parameters it shares
//! with them from the calibration's draws, its own from their priors.

use super::{mixture, Predictive, ValidateError};
use crate::mc::stats::systematic_resample;
use crate::mc::{stream, Purpose};
use crate::pipeline::FreeParams;
use crate::scenario::Scenario;
use rand::RngExt;

/// Equal-weight draws of a joint calibration's parameters, by joint name.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedDraws {
    /// The parameters' joint names.
    pub names: Vec<String>,
    /// The draws, each in the order of `names`.
    pub values: Vec<Vec<f64>>,
}

impl SharedDraws {
    /// `n` equal-weight draws from weighted `particles` by systematic resampling with one
    /// uniform from stream `index` of [`Purpose::EQUAL_WEIGHT`] under `seed`.
    pub fn resample(
        names: &[String],
        particles: &[Vec<f64>],
        weights: &[f64],
        n: usize,
        seed: u64,
        index: u64,
    ) -> SharedDraws {
        let u = stream(seed, Purpose::EQUAL_WEIGHT, index).random::<f64>();
        SharedDraws {
            names: names.to_vec(),
            values: systematic_resample(weights, n, u)
                .into_iter()
                .filter_map(|i| particles.get(i).cloned())
                .collect(),
        }
    }

    /// No calibration: every parameter from its prior.
    pub fn none() -> SharedDraws {
        SharedDraws {
            names: Vec::new(),
            values: Vec::new(),
        }
    }
}

/// The prediction for `scenario` from its opening, mixed over `draws` parameter draws: draw
/// `j` takes the parameters the scenario declares shared (`[calibration] shared`) from
/// `shared.values[j mod len]` where `shared` has that name, and every other free parameter
/// from its prior on stream `j` of [`Purpose::PREDICTIVE`] (one value per free parameter, in
/// slot order). With no shared draws it is a prior predictive (on other uniforms than
/// [`super::predictive`]'s, which draws every slot).
///
/// Returns the prediction and the scenario's shared parameters that `shared` did not have
/// (taken from the prior).
///
/// # Errors
/// As [`super::predictive`].
pub fn predictive_from(
    scenario: &Scenario,
    shared: &SharedDraws,
    draws: usize,
    seed: u64,
    threads: Option<usize>,
) -> Result<(Predictive, Vec<String>), ValidateError> {
    let free = FreeParams::new(scenario);
    let mut from_prior = Vec::new();
    // (local free index, column of `shared`).
    let mut columns = Vec::new();
    for d in scenario.shared() {
        let local = free.names().iter().position(|n| n == &d.param);
        match (local, shared.names.iter().position(|n| n == &d.name)) {
            (Some(k), Some(col)) if !shared.values.is_empty() => columns.push((k, col)),
            _ => from_prior.push(d.name.clone()),
        }
    }
    let prediction = mixture(scenario, draws, seed, threads, &|_, j, rng, params| {
        let mut theta: Vec<f64> = free.priors().iter().map(|p| p.sample(rng)).collect();
        if !shared.values.is_empty() {
            let row = &shared.values[j % shared.values.len()];
            for &(k, col) in &columns {
                theta[k] = row[col];
            }
        }
        free.fill(&theta, params);
    })?;
    Ok((prediction, from_prior))
}
