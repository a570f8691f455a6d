//! Posteriors reach a scenario by parameter name, never by position: a posterior whose
//! parameters are listed in another order gives the same counterfactuals, bit for bit, and one
//! that lacks a parameter of the scenario is refused, naming it.

#[allow(dead_code)] // this file uses two of the shared helpers
mod whatif_common;

use escalation::calibrate::{Posterior, ScenarioProblem};
use escalation::whatif::{scenario_whatif, PairedConfig, WhatifError};
use whatif_common::{colombia, small_posterior};

/// `posterior` with its parameters (names, particles, prior draws) in the order `order`.
fn permuted(posterior: &Posterior, order: &[usize]) -> Posterior {
    let pick = |v: &Vec<f64>| order.iter().map(|&k| v[k]).collect::<Vec<f64>>();
    let mut p = posterior.clone();
    p.parameter_names = order
        .iter()
        .map(|&k| posterior.parameter_names[k].clone())
        .collect();
    p.particles = posterior.particles.iter().map(pick).collect();
    p.prior_draws = posterior.prior_draws.iter().map(pick).collect();
    p
}

#[test]
fn parameter_order_of_a_posterior_does_not_matter() {
    let scenario = colombia();
    let posterior = small_posterior(&ScenarioProblem::new(&scenario).unwrap());
    let d = posterior.dim();
    // Reversed, and rotated by three: two orders unlike the scenario's own.
    let reversed: Vec<usize> = (0..d).rev().collect();
    let rotated: Vec<usize> = (0..d).map(|k| (k + 3) % d).collect();
    let config = PairedConfig {
        replicates: 4,
        seed: 5,
        threads: None,
    };
    let run = |p: &Posterior| {
        scenario_whatif(&scenario, p, &["petro_holds_firm_commit"], 12, &config).unwrap()
    };
    let original = run(&posterior);
    assert_eq!(run(&permuted(&posterior, &reversed)), original);
    assert_eq!(run(&permuted(&posterior, &rotated)), original);
}

#[test]
fn a_posterior_without_a_scenario_parameter_is_refused() {
    let scenario = colombia();
    let posterior = small_posterior(&ScenarioProblem::new(&scenario).unwrap());
    let lambda = posterior
        .parameter_names
        .iter()
        .position(|n| n == "lambda")
        .unwrap();
    let without: Vec<usize> = (0..posterior.dim()).filter(|&k| k != lambda).collect();
    let config = PairedConfig::default();
    let err =
        scenario_whatif(&scenario, &permuted(&posterior, &without), &[], 4, &config).unwrap_err();
    assert!(
        matches!(&err, WhatifError::InvalidConfig { field: "posterior", reason } if reason.contains("`lambda`")),
        "{err}"
    );
}
