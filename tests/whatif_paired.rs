//! The paired-difference engine: exact zero for a no-op, known shifts, common random numbers,
//! determinism across thread counts.

use escalation::whatif::{compare, Arm, Metric, PairedConfig, Unit, WhatifError};
use rand::{Rng, RngExt};

fn metrics() -> Vec<Metric> {
    vec![
        Metric::new("event", Unit::Probability),
        Metric::new("duration", Unit::Days),
    ]
}

fn draws(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|j| vec![0.2 + 0.6 * j as f64 / n as f64])
        .collect()
}

/// A noisy standoff: the event happens with probability theta[0]; the duration is
/// exponential with mean 10 days.
fn standoff(p_shift: f64, days_scale: f64) -> impl Fn(&[f64], &mut dyn Rng, &mut [f64]) + Sync {
    move |theta: &[f64], rng: &mut dyn Rng, out: &mut [f64]| {
        let u = rng.random::<f64>();
        out[0] = f64::from(u < theta[0] + p_shift);
        let v = rng.random::<f64>();
        out[1] = -10.0 * days_scale * (1.0 - v).ln();
    }
}

fn config(threads: Option<usize>) -> PairedConfig {
    PairedConfig {
        replicates: 40,
        seed: 17,
        threads,
    }
}

#[test]
fn a_no_op_intervention_gives_exactly_zero_difference() {
    let base = standoff(0.0, 1.0);
    let same = standoff(0.0, 1.0);
    let r = compare(
        &metrics(),
        &draws(100),
        &base,
        &[("no-op", &same as &dyn Arm)],
        &config(None),
    )
    .unwrap();
    for d in &r.interventions[0].differences {
        assert!(d.per_draw.iter().all(|&x| x == 0.0));
        assert_eq!(d.mean, 0.0);
        assert_eq!(d.mc_se, 0.0);
        assert_eq!(d.posterior_interval, [0.0, 0.0]);
    }
    assert_eq!(r.interventions[0].outcome.metrics, r.baseline.metrics);
}

#[test]
fn a_known_shift_gives_the_known_difference() {
    // With common random numbers the event indicator differs exactly when
    // u ∈ [theta, theta + 0.1), probability 0.1; durations scale by 1.5, so the difference
    // has mean 0.5 × 10 = 5 days.
    let base = standoff(0.0, 1.0);
    let shifted = standoff(0.1, 1.5);
    let r = compare(
        &metrics(),
        &draws(200),
        &base,
        &[("shift", &shifted as &dyn Arm)],
        &config(None),
    )
    .unwrap();
    let d = &r.interventions[0].differences;
    // Binomial standard error of 8000 runs at p = 0.1 is 0.0034; allow 4 of them.
    assert!((d[0].mean - 0.1).abs() < 0.0135, "{:?}", d[0].mean);
    assert!(d[0].mean_interval[0] < d[0].mean && d[0].mean < d[0].mean_interval[1]);
    // Every paired event difference is 0 or +1: the intervention never undoes an event.
    assert!(d[0].per_draw.iter().all(|&x| (0.0..=1.0).contains(&x)));
    // Exponential(mean 5) differences: sd 5, standard error 5/sqrt(8000) = 0.056.
    assert!((d[1].mean - 5.0).abs() < 0.25, "{}", d[1].mean);
    // Baseline event probability is the mean of theta over the draws: 0.2 + 0.3 × 199/200.
    let p = 0.2 + 0.3 * 199.0 / 200.0;
    assert!((r.baseline.metrics[0].mean - p).abs() < 0.02);
}

#[test]
fn common_random_numbers_make_the_difference_far_more_precise() {
    // Paired: the duration difference is 0.5 × an exponential; unpaired it would have the
    // variance of two independent exponentials. Compare with an intervention that consumes
    // an extra uniform first (so its stream is shifted: no longer common).
    let base = standoff(0.0, 1.0);
    let paired = standoff(0.0, 1.1);
    let unpaired = move |theta: &[f64], rng: &mut dyn Rng, out: &mut [f64]| {
        let _ = rng.random::<f64>();
        standoff(0.0, 1.1)(theta, rng, out)
    };
    let r = compare(
        &metrics(),
        &draws(100),
        &base,
        &[
            ("paired", &paired as &dyn Arm),
            ("unpaired", &unpaired as &dyn Arm),
        ],
        &config(None),
    )
    .unwrap();
    let se_paired = r.interventions[0].differences[1].mc_se;
    let se_unpaired = r.interventions[1].differences[1].mc_se;
    assert!(
        se_paired * 5.0 < se_unpaired,
        "{se_paired} vs {se_unpaired}"
    );
}

#[test]
fn results_are_bit_identical_across_thread_counts() {
    let base = standoff(0.0, 1.0);
    let other = standoff(0.05, 0.8);
    let run = |t| {
        let r = compare(
            &metrics(),
            &draws(64),
            &base,
            &[("x", &other as &dyn Arm)],
            &config(t),
        )
        .unwrap();
        serde_json::to_string(&r).unwrap()
    };
    let one = run(Some(1));
    assert_eq!(one, run(Some(2)));
    assert_eq!(one, run(Some(3)));
    assert_eq!(one, run(None));
}

#[test]
fn bad_inputs_are_errors() {
    let base = standoff(0.0, 1.0);
    let nan = |_: &[f64], _: &mut dyn Rng, out: &mut [f64]| out[1] = f64::NAN;
    match compare(
        &metrics(),
        &draws(3),
        &base,
        &[("broken", &nan as &dyn Arm)],
        &config(None),
    ) {
        Err(WhatifError::NonFiniteMetric { arm, metric, .. }) => {
            assert_eq!(arm, "broken");
            assert_eq!(metric, "duration");
        }
        other => panic!("expected NonFiniteMetric, got {other:?}"),
    }
    assert!(matches!(
        compare(&metrics(), &[], &base, &[], &config(None)),
        Err(WhatifError::NoDraws)
    ));
    let mut c = config(None);
    c.replicates = 0;
    assert!(matches!(
        compare(&metrics(), &draws(3), &base, &[], &c),
        Err(WhatifError::InvalidConfig {
            field: "replicates",
            ..
        })
    ));
}
