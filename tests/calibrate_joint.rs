//! Joint calibration of several cases ([`JointProblem`]): parameters declared shared take
//! one value, the rest are per case; the likelihood is the product of the cases' timed path
//! probabilities.
//!
//! - Simulation-based calibration (Talts et al. 2018) on a synthetic library of small
//!   ladders: true parameters drawn from the joint prior, standoffs (paths and the ending
//!   move's day) sampled from each case's QRE at them, calibrated with tempered SMC. A fast
//!   version checks recovery on one library; the full one (`#[ignore]`d) checks 90% interval
//!   coverage within a binomial band and uniform posterior ranks.
//! - A joint posterior loads for any of its cases under that case's names.
//! - Bad input (different priors under one shared name, a shared declaration naming no
//!   parameter) is an error naming the file, line and column.

mod common;
mod small_ladder;
use common::binomial_band;
use escalation::calibrate::{
    CalibrateError, JointPrior, JointProblem, NoObserver, Posterior, SmcConfig,
};
use escalation::mc::{stream, Purpose};
use escalation::model::{Action, PathTiming, Timing};
use escalation::pipeline::FreeParams;
use escalation::scenario::{Scenario, ScenarioError};
use rand::RngExt;

/// A small ladder (one round, one tariff step, two target types): the target's stake is the
/// case's own parameter, λ and the challenger's audience cost are shared.
fn small_case(stake_challenger: f64, audience_prior: &str) -> String {
    let body = small_ladder::structure_and_params(stake_challenger, audience_prior);
    format!(
        r#"
[scenario]
title = "joint SBC ladder"
challenger = "C"
target = "T"

{body}
[[path]]
actor = "T"
action = "Refuse"
time = 2025-01-01T03:00:00-05:00

[calibration]
shared = {{ lambda = "lambda", audience_challenger = "leader.audience_challenger" }}
"#
    )
}

/// Three cases that differ in the challenger's stake.
fn library() -> Vec<Scenario> {
    [("case_a", 1.0), ("case_b", 2.0), ("case_c", 3.0)]
        .iter()
        .map(|(key, stake)| {
            Scenario::from_str(
                &small_case(*stake, &small_ladder::audience_prior(1.0)),
                &format!("{key}.toml"),
            )
            .unwrap()
        })
        .collect()
}

/// `n` standoffs of case `c` sampled from its QRE at `truth`: the public path and, for a
/// path that ends with a yielding move after the threat, the day it ended (drawn within its
/// round as the simulation draws it); other paths untimed.
fn simulate(
    problem: &JointProblem,
    c: usize,
    truth: &[f64],
    n: usize,
    rng: &mut impl rand::Rng,
) -> Vec<(Vec<Action>, PathTiming)> {
    let compiled = problem.compiled(c).unwrap();
    let params = problem.case_params(c, truth).unwrap();
    let mut ws = compiled.workspace();
    let b = compiled.behaviour(&mut ws, &params).unwrap().to_vec();
    (0..n)
        .map(|_| {
            let t = compiled.sample_terminal(&b, &params, &mut || rng.random::<f64>());
            let (node, _) = compiled.public_terminal(t).unwrap();
            let path = compiled.public_tree()[node].history.clone();
            let outcome = compiled
                .outcome_timed(t, &params, Timing::Drawn(&b, rng.random()))
                .unwrap();
            let timed = PathTiming::EndedOn(outcome.day);
            let timing = if compiled
                .path_log_likelihood_timed(&b, &params, &path, timed)
                .is_ok()
            {
                timed
            } else {
                PathTiming::Untimed
            };
            (path, timing)
        })
        .collect()
}

/// One synthetic library calibrated: the truth, the posterior.
fn calibrate_synthetic(rep: u64, paths: usize, particles: usize) -> (Vec<f64>, Posterior) {
    let scenarios = library();
    let base = JointProblem::new(&scenarios).unwrap();
    let mut rng = stream(2026, Purpose::user(0x101), rep);
    let mut truth = vec![0.0; base.dim()];
    base.sample(&mut rng, &mut truth);
    let mut problem = JointProblem::new(&scenarios).unwrap();
    for c in 0..scenarios.len() {
        let observed = simulate(&base, c, &truth, paths, &mut rng);
        problem = problem.with_observed(c, observed).unwrap();
    }
    let mut config = SmcConfig::default();
    config.particles = particles;
    config.seed = rep;
    let post = problem.calibrate(config, &mut NoObserver).unwrap();
    assert_eq!(problem.solver_failures(), 0);
    (truth, post)
}

#[test]
fn the_joint_vector_names_shared_parameters_once() {
    let problem = JointProblem::new(&library()).unwrap();
    assert_eq!(
        problem.names(),
        [
            "case_a.stake_target",
            "leader.audience_challenger",
            "lambda",
            "case_b.stake_target",
            "case_c.stake_target"
        ]
    );
    // The order of the files does not matter.
    let mut reversed = library();
    reversed.reverse();
    assert_eq!(
        JointProblem::new(&reversed).unwrap().names(),
        problem.names()
    );
}

/// Recovery on one synthetic library (fast): every true value lies inside its central 99%
/// posterior interval (a correct sampler misses with probability 0.01 per parameter at a
/// random seed; the seed is fixed), and the shared λ, informed by all three cases, is
/// narrowed to under half its prior width, each case narrowing it.
#[test]
fn joint_calibration_recovers_a_synthetic_library() {
    let (truth, post) = calibrate_synthetic(0, 30, 300);
    let summary = post.summary();
    for (k, (p, t)) in summary.parameters.iter().zip(&truth).enumerate() {
        let cdf: f64 = post
            .particles
            .iter()
            .zip(&post.weights)
            .filter(|(x, _)| x[k] < *t)
            .map(|(_, w)| w)
            .sum();
        assert!(
            (0.005..=0.995).contains(&cdf),
            "{}: truth {t} at posterior CDF {cdf}",
            p.name
        );
    }
    let lambda = &summary.parameters[2];
    assert_eq!(lambda.name, "lambda");
    assert!(
        lambda.width_ratio < 0.5,
        "λ width ratio {}",
        lambda.width_ratio
    );
    let narrowing = post.case_narrowing().unwrap();
    assert_eq!(narrowing.cases, ["case_a", "case_b", "case_c"]);
    assert_eq!(narrowing.k_hat.len(), 3);
    for p in &narrowing.parameters {
        assert_eq!(p.by_case.len(), 3);
        assert!(p.by_case.iter().all(|r| r.is_finite() && *r > 0.0), "{p:?}");
    }
}

/// Full-size SBC: 90% intervals cover the truth within a binomial band (tail 1e-3), and the
/// posterior CDF at the truth is uniform (chi-square over 10 bins below its 1e-3 critical
/// value, 27.877 for 9 degrees of freedom).
#[test]
#[ignore = "full-size joint SBC (minutes): `cargo test --release --test calibrate_joint -- --ignored`"]
fn joint_sbc_intervals_cover_and_ranks_are_uniform() {
    const REPEATS: usize = 100;
    let dim = JointProblem::new(&library()).unwrap().dim();
    let (lo, hi) = binomial_band(REPEATS, 0.9, 1e-3);
    let mut covered = vec![0usize; dim];
    let mut bins = vec![[0usize; 10]; dim];
    for r in 0..REPEATS {
        let (truth, post) = calibrate_synthetic(r as u64, 8, 400);
        eprintln!("repeat {r} of {REPEATS}");
        let summary = post.summary();
        for k in 0..dim {
            let p = &summary.parameters[k];
            if p.posterior_interval[0] <= truth[k] && truth[k] <= p.posterior_interval[1] {
                covered[k] += 1;
            }
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
    for k in 0..dim {
        assert!(
            (lo..=hi).contains(&covered[k]),
            "parameter {k}: {} of {REPEATS} covered, band [{lo}, {hi}]",
            covered[k]
        );
        let e = REPEATS as f64 / 10.0;
        let chi2: f64 = bins[k].iter().map(|&o| (o as f64 - e).powi(2) / e).sum();
        assert!(
            chi2 < 27.877,
            "parameter {k}: chi-square {chi2}, bins {:?}",
            bins[k]
        );
    }
}

/// A joint posterior saved to a file loads for each case under that case's own names, with
/// the shared values of the joint particles.
#[test]
fn a_joint_posterior_loads_for_each_of_its_cases() {
    let scenarios = library();
    let problem = JointProblem::new(&scenarios).unwrap();
    let mut config = SmcConfig::default();
    config.particles = 50;
    config.seed = 3;
    let post = problem.calibrate(config, &mut NoObserver).unwrap();
    let dir = std::env::temp_dir().join(format!("escalation-joint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("joint.json");
    post.save(&path).unwrap();
    let s = &scenarios[1];
    let view = Posterior::load(&path, &escalation::calibrate::scenario_identity(s)).unwrap();
    assert_eq!(view.parameter_names, FreeParams::new(s).names());
    let lambda = post
        .parameter_names
        .iter()
        .position(|n| n == "lambda")
        .unwrap();
    let own = post
        .parameter_names
        .iter()
        .position(|n| n == "case_b.stake_target")
        .unwrap();
    let local_lambda = view
        .parameter_names
        .iter()
        .position(|n| n == "lambda")
        .unwrap();
    let local_stake = view
        .parameter_names
        .iter()
        .position(|n| n == "stake_target")
        .unwrap();
    for (v, p) in view.particles.iter().zip(&post.particles) {
        assert_eq!(v[local_lambda], p[lambda]);
        assert_eq!(v[local_stake], p[own]);
    }
    assert_eq!(view.weights, post.weights);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn different_priors_under_one_shared_name_are_a_located_error() {
    let mut scenarios = library();
    let other = r#"{ dist = "triangular", min = 0.2, mode = 1.5, max = 3.0 }"#;
    scenarios[2] = Scenario::from_str(&small_case(3.0, other), "case_c.toml").unwrap();
    let e = JointProblem::new(&scenarios).unwrap_err();
    assert!(matches!(e, CalibrateError::SharedPrior { .. }), "{e}");
    let msg = e.to_string();
    // The declaration's line in case_c.toml, and the first declaration in case_a.toml.
    let line = small_case(3.0, other)
        .lines()
        .position(|l| l.starts_with("shared ="))
        .unwrap()
        + 1;
    assert!(msg.starts_with(&format!("case_c.toml:{line}:")), "{msg}");
    assert!(msg.contains("case_a.toml:"), "{msg}");
    assert!(msg.contains("leader.audience_challenger"), "{msg}");
}

#[test]
fn sharing_a_parameter_the_file_does_not_have_is_a_located_error() {
    let text = small_case(1.0, &small_ladder::audience_prior(1.0))
        .replace("lambda = \"lambda\"", "lamda = \"lambda\"");
    let e = Scenario::from_str(&text, "typo.toml").unwrap_err();
    let line = text
        .lines()
        .position(|l| l.starts_with("shared ="))
        .unwrap()
        + 1;
    match &e {
        ScenarioError::Invalid {
            origin,
            line: l,
            field,
            ..
        } => {
            assert_eq!((origin.as_str(), *l), ("typo.toml", line));
            assert_eq!(field, "calibration.shared.lamda");
        }
        other => panic!("{other}"),
    }
    // A fixed parameter has nothing to share.
    let text = small_case(1.0, &small_ladder::audience_prior(1.0)).replace(
        "lambda = \"lambda\"",
        "lambda = \"lambda\", audience_target = \"x\"",
    );
    let e = Scenario::from_str(&text, "fixed.toml").unwrap_err();
    assert!(e.to_string().contains("fixed value"), "{e}");
}
