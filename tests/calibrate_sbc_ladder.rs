//! Simulation-based calibration (Talts et al. 2018) on the escalation model itself: draw the
//! true parameters of a small ladder from its scenario's prior, solve its logit QRE, sample
//! several standoffs' paths from it (each with its own types), calibrate with the crate's own
//! machinery ([`ScenarioProblem::with_observed_paths`] and tempered SMC), and check that
//!
//! - each parameter's 90% posterior interval holds the true value in about 90% of repeats
//!   (a two-sided binomial band with tail probability 1e-3, from the exact pmf), and
//! - the posterior CDF at the true value (the continuous form of the SBC rank) is uniform:
//!   Pearson's chi-square over 10 equal bins below its 1e-3 critical value.
//!
//! The seed is fixed, so the test is deterministic; the bands say how often a correct method
//! would fail at a random seed (at most 1e-3 per check). It is `#[ignore]`d in the default
//! `cargo test` (it takes minutes); `.ci/run` runs it in release mode.

mod common;
mod small_ladder;
use common::binomial_band;
use escalation::calibrate::{JointPrior, Likelihood, NoObserver, ScenarioProblem, SmcConfig};
use escalation::mc::{stream, Purpose};
use escalation::model::Action;
use escalation::scenario::Scenario;
use rand::RngExt;
use std::time::Instant;

/// The small ladder of `tests/small_ladder` (one round, one tariff step, no face-saving
/// concession, no levers, two target types: a QRE that solves in microseconds), with its
/// challenger's stake 2 and audience-cost prior of mode 1. Calibrated: the logit precision,
/// the target's stake and the challenger's audience cost; everything else fixed.
fn small_ladder_scenario() -> Scenario {
    let text = format!(
        r#"
[scenario]
title = "SBC ladder"
challenger = "C"
target = "T"
description = "A small ladder for simulation-based calibration."
{}
[[path]]
actor = "T"
action = "Refuse"
time = 2025-01-01T03:00:00-05:00
"#,
        small_ladder::structure_and_params(2.0, &small_ladder::audience_prior(1.0))
    );
    Scenario::from_str(&text, "sbc-ladder.toml").unwrap()
}

/// Standoffs observed per synthetic case.
const PATHS: usize = 12;
/// Synthetic cases (repeats).
const REPEATS: usize = 100;
/// Particles per calibration.
const PARTICLES: usize = 600;

/// Upper 1e-3 quantile of chi-square with 9 degrees of freedom (standard tables: 27.877).
const CHI2_9DF_1E3: f64 = 27.877;

/// The public history (actions from the root) of each of `n` plays sampled from the QRE
/// at the true parameters.
fn simulate_paths(
    problem: &ScenarioProblem,
    truth: &[f64],
    n: usize,
    rng: &mut impl rand::Rng,
) -> Vec<Vec<Action>> {
    let c = problem.compiled();
    let params = problem.params_at(truth);
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, &params).unwrap().to_vec();
    (0..n)
        .map(|_| {
            let t = c.sample_terminal(&b, &params, &mut || rng.random::<f64>());
            let (node, _) = c.public_terminal(t).unwrap();
            c.public_tree()[node].history.clone()
        })
        .collect()
}

#[test]
#[ignore = "full-size SBC (minutes): `cargo test --release --test calibrate_sbc_ladder -- --ignored` (.ci/run)"]
fn ladder_sbc_ninety_percent_intervals_cover_and_ranks_are_uniform() {
    let start = Instant::now();
    let scenario = small_ladder_scenario();
    let base = ScenarioProblem::new(&scenario).unwrap();
    let names = base.names();
    let dim = base.dim();
    assert_eq!(names, ["stake_target", "audience_challenger", "lambda"]);

    let (lo, hi) = binomial_band(REPEATS, 0.9, 1e-3);
    let mut covered = vec![0usize; dim];
    let mut bins = vec![[0usize; 10]; dim];
    let mut tempered = 0;
    let mut width_ratio_lambda = 0.0;
    for r in 0..REPEATS {
        let mut rng = stream(2026, Purpose::user(0x5bc), r as u64);
        let mut truth = vec![0.0; dim];
        base.sample(&mut rng, &mut truth);
        let paths = simulate_paths(&base, &truth, PATHS, &mut rng);
        let problem = ScenarioProblem::new(&scenario)
            .unwrap()
            .with_observed_paths(paths)
            .unwrap();
        let mut config = SmcConfig::default();
        config.particles = PARTICLES;
        config.seed = r as u64;
        let post = problem.calibrate(config, &mut NoObserver).unwrap();
        assert_eq!(problem.solver_failures(), 0);
        if post.diagnostics.stages > 1 {
            tempered += 1;
        }
        let summary = post.summary();
        width_ratio_lambda += summary.parameters[2].width_ratio / REPEATS as f64;
        for k in 0..dim {
            let p = &summary.parameters[k];
            if p.posterior_interval[0] <= truth[k] && truth[k] <= p.posterior_interval[1] {
                covered[k] += 1;
            }
            // Posterior CDF at the truth: the SBC rank as a fraction.
            let cdf: f64 = post
                .particles
                .iter()
                .zip(&post.weights)
                .filter(|(x, _)| x[k] < truth[k])
                .map(|(_, w)| w)
                .sum();
            bins[k][((cdf * 10.0) as usize).min(9)] += 1;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    eprintln!(
        "ladder SBC: {REPEATS} repeats × {PATHS} paths, {PARTICLES} particles, {seconds:.1} s; \
         coverage {covered:?} of {REPEATS} for {names:?}, band [{lo}, {hi}]; tempered {tempered}; \
         mean lambda width ratio {width_ratio_lambda:.2}; rank bins {bins:?}"
    );
    for k in 0..dim {
        assert!(
            (lo..=hi).contains(&covered[k]),
            "{}: {}/{REPEATS} covered, band [{lo}, {hi}]",
            names[k],
            covered[k]
        );
        let e = REPEATS as f64 / 10.0;
        let chi2: f64 = bins[k].iter().map(|&o| (o as f64 - e).powi(2) / e).sum();
        assert!(
            chi2 < CHI2_9DF_1E3,
            "{}: rank histogram {:?} not uniform (chi2 {chi2:.1} on 9 df)",
            names[k],
            bins[k]
        );
    }
    // The data must inform lambda (else coverage is trivially the prior's).
    assert!(
        width_ratio_lambda < 0.8,
        "lambda barely identified: width ratio {width_ratio_lambda:.2}"
    );
    assert!(tempered > REPEATS / 2, "tempering exercised in {tempered}");
}

#[test]
fn observed_paths_multiply_and_are_validated() {
    let scenario = small_ladder_scenario();
    let one = ScenarioProblem::new(&scenario).unwrap();
    let mut rng = stream(1, Purpose::RUNS, 0);
    let truth = [1.0, 1.0, 3.0];
    let paths = simulate_paths(&one, &truth, 3, &mut rng);
    let each: Vec<f64> = paths
        .iter()
        .map(|p| {
            ScenarioProblem::new(&scenario)
                .unwrap()
                .with_observed_paths(vec![p.clone()])
                .unwrap()
                .ln_likelihood(&truth)
        })
        .collect();
    let all = ScenarioProblem::new(&scenario)
        .unwrap()
        .with_observed_paths(paths.clone())
        .unwrap();
    let sum = each[0] + each[1] + each[2];
    assert!((all.ln_likelihood(&truth) - sum).abs() < 1e-12);
    assert_eq!(all.observed_paths(), &paths[..]);
    assert_ne!(all.identity(), one.identity());
    // Empty, and a path that leaves the ladder, are refused.
    assert!(ScenarioProblem::new(&scenario)
        .unwrap()
        .with_observed_paths(vec![])
        .is_err());
    let err = ScenarioProblem::new(&scenario)
        .unwrap()
        .with_observed_paths(vec![vec![Action::Refuse, Action::Concede]])
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("observed path 0"), "{err}");
}

#[test]
fn ladder_posterior_is_bit_identical_across_thread_counts() {
    let scenario = small_ladder_scenario();
    let base = ScenarioProblem::new(&scenario).unwrap();
    let mut rng = stream(3, Purpose::RUNS, 0);
    let paths = simulate_paths(&base, &[1.0, 1.0, 3.0], PATHS, &mut rng);
    let problem = ScenarioProblem::new(&scenario)
        .unwrap()
        .with_observed_paths(paths)
        .unwrap();
    let run = |threads| {
        let mut config = SmcConfig::default();
        config.particles = 300;
        config.seed = 5;
        config.threads = threads;
        serde_json::to_string(&problem.calibrate(config, &mut NoObserver).unwrap()).unwrap()
    };
    let one = run(Some(1));
    assert_eq!(one, run(Some(2)));
    assert_eq!(one, run(Some(3)));
}
