//! Exact per-draw expectations of the counterfactual metrics, and draws under which the
//! conditioning opening is impossible.
//!
//! - A scenario arm's exact expectation at a draw (terminal probabilities × outcomes) is the
//!   mean its sampled replicates converge to: the replicates' mean lies within 4.5 standard
//!   errors of it for every metric, arm and paired difference (and equals it exactly where
//!   the metric does not vary).
//! - A no-op intervention gives exactly zero paired difference, sampled and exact.
//! - A draw that does not apply to some arm is left out of every arm and counted; one under
//!   which the documented opening has probability zero is reported, never turned into NaN.

mod whatif_common;

use escalation::calibrate::ScenarioProblem;
use escalation::mc::{stream, Purpose};
use escalation::scenario::Scenario;
use escalation::whatif::{
    compare, documented_opening, scenario_metrics, scenario_whatif_given, Arm, DrawStatus, Metric,
    PairedConfig, ScenarioArm, Unit, WhatifError,
};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use whatif_common::{colombia, no_op_comparison, small_posterior, COLOMBIA};

/// Run `arm` at `theta` with `n` replicates on the streams `stream(seed, Purpose::user(1), 0..n)`;
/// return the replicates' values (row-major, `m` per replicate) and the exact expectations.
fn evaluate(arm: &ScenarioArm, theta: &[f64], n: usize, m: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rngs: Vec<ChaCha8Rng> = (0..n)
        .map(|r| stream(77, Purpose::user(1), r as u64))
        .collect();
    let mut out = vec![0.0; n * m];
    let mut expected = vec![0.0; m];
    let status = arm
        .evaluate_draw(theta, &mut rngs, &mut out, &mut expected)
        .unwrap();
    assert_eq!(status, DrawStatus::Exact);
    (out, expected)
}

/// Mean and sample variance of column `q` of `values` (`m` columns).
fn mean_var(values: &[f64], m: usize, q: usize) -> (f64, f64) {
    let x: Vec<f64> = values.chunks(m).map(|row| row[q]).collect();
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// The replicates' mean of every metric within the empirical Bernstein bound of its exact
/// expectation (Maurer & Pontil 2009, Theorem 4, two-sided): for `n` i.i.d. values in an
/// interval of length `range` with sample variance `V`, with probability at least `1 - δ`
/// the mean is within `sqrt(2 V ln(4/δ) / n) + 7 range ln(4/δ) / (3 (n - 1))` of the
/// expectation. Here `δ = 1e-6` per check (about 500 checks). The bound, unlike a normal
/// interval from the sample variance, holds when rare long standoffs carry part of the
/// expected duration or cost but no replicate happens to draw them.
fn assert_within(label: &str, names: &[Metric], values: &[f64], expected: &[f64], range: &[f64]) {
    let m = names.len();
    let n = (values.len() / m) as f64;
    let l = (4.0f64 / 1e-6).ln();
    for q in 0..m {
        let (mean, var) = mean_var(values, m, q);
        let bound = (2.0 * var * l / n).sqrt() + 7.0 * range[q] * l / (3.0 * (n - 1.0));
        let gap = (mean - expected[q]).abs();
        assert!(
            gap <= bound + 1e-12,
            "{label}, {}: replicates' mean {mean} vs exact {} (bound {bound})",
            names[q].name,
            expected[q]
        );
    }
}

/// Largest magnitude of each metric over every terminal of `scenario` under intervention
/// `name` at `theta` (1 for the indicators and tail probabilities).
fn magnitudes(
    scenario: &Scenario,
    problem: &ScenarioProblem,
    name: Option<&str>,
    theta: &[f64],
) -> Vec<f64> {
    let s = match name {
        Some(n) => scenario.with_intervention(n).unwrap(),
        None => scenario.clone(),
    };
    let c = s.compile().unwrap();
    let p = problem.params_at(theta);
    let mut mag = vec![1.0; 9];
    for t in 0..c.num_terminals() {
        let oc = c.outcome(t, &p).unwrap();
        for (q, v) in [
            (6, oc.duration_days),
            (7, oc.cost_challenger_bn),
            (8, oc.cost_target_bn),
        ] {
            mag[q] = f64::max(mag[q], v.abs());
        }
    }
    mag
}

#[test]
fn exact_expectations_are_what_the_replicates_converge_to() {
    let scenario = colombia();
    let problem = ScenarioProblem::new(&scenario).unwrap();
    let posterior = small_posterior(&problem);
    let metrics = scenario_metrics(&scenario);
    let m = metrics.len();
    assert_eq!(m, 9);
    let opening = documented_opening(&scenario);
    let n = 40_000;
    // Interventions that re-set no parameter: the arm's parameters are the draw's, so the
    // metrics' magnitudes (for the bound) can be read off the intervened ladder here.
    let names = [
        "petro_holds_firm_commit",
        "immediate_50",
        "no_visa_sanctions",
    ];
    for given in [false, true] {
        let arm = |name: Option<&str>| {
            let a = ScenarioArm::new(&scenario, name).unwrap();
            if given {
                a.given(&opening)
            } else {
                a
            }
        };
        let baseline = arm(None);
        for (j, theta) in posterior.equal_weight_draws(3, 8).iter().enumerate() {
            let base_mag = magnitudes(&scenario, &problem, None, theta);
            let range: Vec<f64> = base_mag.iter().map(|v| 2.0 * v).collect();
            let (base_values, base_exact) = evaluate(&baseline, theta, n, m);
            let label = format!("baseline, draw {j}, given {given}");
            assert_within(&label, &metrics, &base_values, &base_exact, &range);
            for name in names {
                let mag = magnitudes(&scenario, &problem, Some(name), theta);
                let (values, exact) = evaluate(&arm(Some(name)), theta, n, m);
                let label = format!("{name}, draw {j}, given {given}");
                let range: Vec<f64> = mag.iter().map(|v| 2.0 * v).collect();
                assert_within(&label, &metrics, &values, &exact, &range);
                // Paired differences (common random numbers) against exact differences.
                let diffs: Vec<f64> = values
                    .iter()
                    .zip(&base_values)
                    .map(|(a, b)| a - b)
                    .collect();
                let exact_diffs: Vec<f64> =
                    exact.iter().zip(&base_exact).map(|(a, b)| a - b).collect();
                let range: Vec<f64> = mag
                    .iter()
                    .zip(&base_mag)
                    .map(|(a, b)| 2.0 * (a + b))
                    .collect();
                let label = format!("{label}, difference");
                assert_within(&label, &metrics, &diffs, &exact_diffs, &range);
            }
            if given {
                // Given Refuse → Threaten: never accepted, always threatened, exactly.
                assert_eq!(base_exact[0], 0.0);
                assert_eq!(base_exact[1], 1.0);
            }
        }
    }
    // An intervention that re-sets a parameter (drawn once per draw from the first
    // stream): the indicator metrics, whose range is 1 whatever the parameters.
    let base = ScenarioArm::new(&scenario, None).unwrap();
    let backing = ScenarioArm::new(&scenario, Some("regional_backing")).unwrap();
    for theta in posterior.equal_weight_draws(3, 9) {
        let (b, be) = evaluate(&base, &theta, n, m);
        let (v, e) = evaluate(&backing, &theta, n, m);
        let diffs: Vec<f64> = v.iter().zip(&b).map(|(a, b)| a - b).collect();
        let exact_diffs: Vec<f64> = e.iter().zip(&be).map(|(a, b)| a - b).collect();
        let first = |x: &[f64]| -> Vec<f64> { x.chunks(m).flat_map(|r| r[..6].to_vec()).collect() };
        assert_within(
            "regional_backing",
            &metrics[..6],
            &first(&v),
            &e[..6],
            &[1.0; 6],
        );
        assert_within(
            "regional_backing, difference",
            &metrics[..6],
            &first(&diffs),
            &exact_diffs[..6],
            &[2.0; 6],
        );
    }
}

#[test]
fn compare_reports_exact_posterior_intervals_and_monte_carlo_means() {
    let scenario = colombia();
    let problem = ScenarioProblem::new(&scenario).unwrap();
    let posterior = small_posterior(&problem);
    let opening = documented_opening(&scenario);
    let config = |threads| PairedConfig {
        replicates: 10,
        seed: 4,
        threads,
    };
    let run = |threads| {
        scenario_whatif_given(
            &scenario,
            &posterior,
            &["petro_holds_firm_commit", "no_ramp"],
            60,
            &config(threads),
            Some(&opening),
        )
        .unwrap()
    };
    let r = run(Some(1));
    assert_eq!(r, run(Some(2)), "results depend on the thread count");
    let c = &r.comparison;
    assert!(c.excluded_draws.is_empty());
    let quantiles = |x: &[f64]| {
        let mut s = x.to_vec();
        s.sort_by(f64::total_cmp);
        (s[0], s[s.len() - 1])
    };
    // Each metric's range over every terminal at every compared draw, for the bound below.
    let thetas = posterior.equal_weight_draws(60, config(None).seed);
    let arms = std::iter::once((None, &c.baseline)).chain(
        c.interventions
            .iter()
            .map(|i| (Some(i.outcome.name.as_str()), &i.outcome)),
    );
    let range_of = |name: Option<&str>| {
        let mut range = vec![1.0f64; 9];
        for theta in &thetas {
            for (r, m) in range
                .iter_mut()
                .zip(magnitudes(&scenario, &problem, name, theta))
            {
                *r = r.max(m);
            }
        }
        range
    };
    let n = (c.draws * 10) as f64;
    let rare = |range: f64| 7.0 * range * (4.0f64 / 1e-6).ln() / (3.0 * (n - 1.0));
    let baseline_range = range_of(None);
    for (name, arm) in arms {
        let range = range_of(name);
        for (q, s) in arm.metrics.iter().enumerate() {
            let exact = s
                .expected_per_draw
                .as_ref()
                .expect("scenario arms are exact");
            assert_eq!(exact.len(), c.draws);
            // The interval comes from the exact values.
            let (lo, hi) = quantiles(exact);
            assert!(lo <= s.posterior_interval[0] && s.posterior_interval[1] <= hi);
            // The Monte Carlo mean estimates the mean of the exact expectations: within
            // 4.5 standard errors plus the range term of the empirical Bernstein bound (as
            // in `assert_within`, δ = 1e-6), which covers a rare outcome that no replicate
            // drew (standard error 0).
            let exact_mean = exact.iter().sum::<f64>() / exact.len() as f64;
            assert!(
                (s.mean - exact_mean).abs() <= 4.5 * s.mc_se + rare(range[q]) + 1e-12,
                "{}: mean {} vs exact {exact_mean} (se {})",
                arm.name,
                s.mean,
                s.mc_se
            );
        }
    }
    for iv in &c.interventions {
        let range = range_of(Some(iv.outcome.name.as_str()));
        for (q, d) in iv.differences.iter().enumerate() {
            let exact = d.expected_per_draw.as_ref().unwrap();
            let exact_mean = exact.iter().sum::<f64>() / exact.len() as f64;
            // A paired difference lies in an interval as long as both arms' ranges.
            let slack = 2.0 * d.mc_se + rare(range[q] + baseline_range[q]);
            assert!(d.mean_interval[0] - slack <= exact_mean);
            assert!(exact_mean <= d.mean_interval[1] + slack);
        }
    }
    // The exact intervals are not the replicates' (which move in steps of 1/10 for an
    // indicator): "US imposes tariffs" under the baseline.
    let s = &c.baseline.metrics[2];
    assert!(s
        .per_draw
        .iter()
        .all(|&x| (x * 10.0 - (x * 10.0).round()).abs() < 1e-9));
    assert!(s
        .expected_per_draw
        .as_ref()
        .unwrap()
        .iter()
        .any(|&x| (x * 10.0 - (x * 10.0).round()).abs() > 1e-6));
    assert!(r.to_string().contains("exact expectation"));
}

#[test]
fn a_no_op_gives_exactly_zero_from_the_root_too() {
    let scenario = colombia();
    let problem = ScenarioProblem::new(&scenario).unwrap();
    let posterior = small_posterior(&problem);
    let base = ScenarioArm::new(&scenario, None).unwrap();
    let same = ScenarioArm::new(&scenario, None).unwrap();
    let r = no_op_comparison(&scenario, &posterior, &base, &same, 3);
    for d in &r.interventions[0].differences {
        assert!(d.per_draw.iter().all(|&x| x == 0.0));
        assert!(d
            .expected_per_draw
            .as_ref()
            .unwrap()
            .iter()
            .all(|&x| x == 0.0));
        assert_eq!(d.mean, 0.0);
        assert_eq!(d.posterior_interval, [0.0, 0.0]);
        assert_eq!(d.mean_interval, [0.0, 0.0]);
    }
}

/// An arm that does not apply to the draws whose first parameter is negative, and
/// otherwise reports `theta[0] + u` with the exact expectation `theta[0] + 1/2`.
struct Partial;

impl Arm for Partial {
    fn run(&self, theta: &[f64], rng: &mut dyn rand::Rng, out: &mut [f64]) {
        out[0] = theta[0] + rng.random::<f64>();
    }
    fn evaluate_draw(
        &self,
        theta: &[f64],
        rngs: &mut [ChaCha8Rng],
        out: &mut [f64],
        expected: &mut [f64],
    ) -> Result<DrawStatus, String> {
        if theta[0] < 0.0 {
            out.iter_mut().for_each(|v| *v = f64::NAN);
            expected[0] = f64::NAN;
            return Ok(DrawStatus::NotApplicable);
        }
        self.run_draw(theta, rngs, out)?;
        expected[0] = theta[0] + 0.5;
        Ok(DrawStatus::Exact)
    }
}

/// Like [`Partial`], always applicable, without exact expectations.
fn always(theta: &[f64], rng: &mut dyn rand::Rng, out: &mut [f64]) {
    out[0] = theta[0].abs() + rng.random::<f64>();
}

#[test]
fn draws_that_do_not_apply_are_left_out_of_every_arm_and_counted() {
    let metrics = [Metric::new("x", Unit::Other)];
    let draws: Vec<Vec<f64>> = (0..12)
        .map(|j| vec![if j % 3 == 0 { -1.0 } else { j as f64 }])
        .collect();
    let config = PairedConfig {
        replicates: 4,
        seed: 5,
        threads: Some(2),
    };
    let r = compare(
        &metrics,
        &draws,
        &always,
        &[("partial", &Partial as &dyn Arm)],
        &config,
    )
    .unwrap();
    assert_eq!(r.excluded_draws, [0, 3, 6, 9]);
    assert_eq!(r.draws, 8);
    assert_eq!(r.baseline.not_applicable, 0);
    assert_eq!(r.interventions[0].outcome.not_applicable, 4);
    let d = &r.interventions[0].differences[0];
    assert!(d.mean.is_finite() && d.per_draw.len() == 8);
    // The baseline has no exact expectations, so neither has the difference.
    assert!(r.baseline.metrics[0].expected_per_draw.is_none());
    assert!(d.expected_per_draw.is_none());
    let exact = r.interventions[0].outcome.metrics[0]
        .expected_per_draw
        .as_ref()
        .unwrap();
    let kept: Vec<f64> = (0..12)
        .filter(|j| j % 3 != 0)
        .map(|j| j as f64 + 0.5)
        .collect();
    assert_eq!(exact, &kept);
    // Each kept draw keeps its own streams: its values are those of a run without exclusions.
    let full = compare(
        &metrics,
        &draws,
        &always,
        &[("same", &always as &dyn Arm)],
        &config,
    )
    .unwrap();
    assert!(full.excluded_draws.is_empty());
    let kept_base: Vec<f64> = (0..12)
        .filter(|j| j % 3 != 0)
        .map(|j| full.baseline.metrics[0].per_draw[j])
        .collect();
    assert_eq!(r.baseline.metrics[0].per_draw, kept_base);
    assert!(!r.to_string().contains("NaN"));
    assert!(r.to_string().contains("4 further draws left out"));

    // When no draw applies, the error names the arm.
    let none: Vec<Vec<f64>> = vec![vec![-1.0]; 3];
    let err = compare(
        &metrics,
        &none,
        &always,
        &[("partial", &Partial as &dyn Arm)],
        &config,
    )
    .unwrap_err();
    assert!(
        matches!(&err, WhatifError::NoApplicableDraws { draws: 3, arms } if arms == &[("partial".to_string(), 3)]),
        "{err}"
    );
    assert!(err.to_string().contains("`partial` in 3"), "{err}");
}

/// Colombia with two hypothetical interventions under which both sides are all but fully
/// rational (logit precision 3000). Where refusing does not pay for either of Colombia's
/// types, Colombia then accepts the flights with probability one to double precision (the
/// logit weight of refusing underflows), so the documented opening Refuse → Threaten has
/// probability exactly zero. `near_rational_sometimes` (λ is 3 or 3000) does this in some
/// draws. `near_rational` also takes away Colombia's stake in refusing, makes the US sure to
/// threaten and raises what a threat costs Colombia (audience cost 5, exports $100bn a year),
/// so that refusing loses by enough for its weight to underflow in every draw.
fn colombia_with_near_rational() -> Scenario {
    let text = std::fs::read_to_string(COLOMBIA).unwrap();
    let extra = r#"
[[interventions]]
name = "near_rational_sometimes"
kind = "commit"
description = "Hypothetical: in about half the draws both sides are all but fully rational."
set = { lambda = { dist = "discrete", values = [3.0, 3000.0], weights = [1.0, 1.0] } }

[[interventions]]
name = "near_rational"
kind = "commit"
description = "Hypothetical: both sides all but fully rational."
set = { lambda = 3000.0, stake_target = 0.0, stake_challenger = 10.0, audience_target = 5.0, exports_target = 100.0 }
"#;
    Scenario::from_str(&format!("{text}\n{extra}"), "colombia-near-rational.toml").unwrap()
}

#[test]
fn a_documented_opening_of_probability_zero_is_left_out_and_reported() {
    let scenario = colombia_with_near_rational();
    let problem = ScenarioProblem::new(&scenario).unwrap();
    let posterior = small_posterior(&problem);
    let opening = documented_opening(&scenario);
    let config = |threads| PairedConfig {
        replicates: 2,
        seed: 6,
        threads,
    };
    let names = [
        "petro_holds_firm_commit",
        "near_rational_sometimes",
        "quiet_acceptance",
    ];
    let run = |threads| {
        scenario_whatif_given(
            &scenario,
            &posterior,
            &names,
            16,
            &config(threads),
            Some(&opening),
        )
        .unwrap()
    };
    let r = run(Some(1));
    assert_eq!(r, run(Some(2)), "results depend on the thread count");
    let sometimes = r
        .failures
        .iter()
        .find(|f| f.arm == "near_rational_sometimes")
        .expect("reported");
    assert!(!sometimes.structural && !sometimes.left_out);
    assert!(
        (1..16).contains(&sometimes.failed_draws),
        "{}",
        sometimes.failed_draws
    );
    assert_eq!(sometimes.of, 16);
    let c = &r.comparison;
    assert_eq!(c.excluded_draws.len(), sometimes.failed_draws);
    assert_eq!(c.draws + c.excluded_draws.len(), 16);
    // Quiet acceptance removes Refuse from the ladder: left out as before.
    let quiet = r
        .failures
        .iter()
        .find(|f| f.arm == "quiet_acceptance")
        .unwrap();
    assert!(quiet.structural && quiet.left_out);
    assert_eq!(c.interventions.len(), 2);
    // Nothing in the output is NaN: every number is finite.
    let arms = std::iter::once(&c.baseline).chain(c.interventions.iter().map(|i| &i.outcome));
    for arm in arms {
        for s in &arm.metrics {
            assert!(s.mean.is_finite() && s.mc_se.is_finite());
            assert!(s.posterior_interval.iter().all(|x| x.is_finite()));
            assert!(s.per_draw.iter().all(|x| x.is_finite()));
            assert!(s
                .expected_per_draw
                .as_ref()
                .unwrap()
                .iter()
                .all(|x| x.is_finite()));
        }
    }
    for d in c.interventions.iter().flat_map(|i| &i.differences) {
        assert!(d.mean.is_finite() && d.mean_interval.iter().all(|x| x.is_finite()));
        assert!(d.posterior_interval.iter().all(|x| x.is_finite()));
    }
    let text = r.to_string();
    assert!(!text.contains("NaN"), "{text}");
    assert!(
        text.contains("near_rational_sometimes: the opening had probability zero in"),
        "{text}"
    );
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("null") && !json.contains("NaN"));
}

#[test]
fn an_intervention_with_the_opening_impossible_in_every_draw_is_left_out() {
    let scenario = colombia_with_near_rational();
    let problem = ScenarioProblem::new(&scenario).unwrap();
    let posterior = small_posterior(&problem);
    let opening = documented_opening(&scenario);
    let config = PairedConfig {
        replicates: 2,
        seed: 6,
        threads: None,
    };
    let r = scenario_whatif_given(
        &scenario,
        &posterior,
        &["near_rational", "no_ramp"],
        6,
        &config,
        Some(&opening),
    )
    .unwrap();
    let f = &r.failures;
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].arm, "near_rational");
    assert!(f[0].left_out && !f[0].structural);
    assert_eq!((f[0].failed_draws, f[0].of), (6, 6));
    assert_eq!(r.comparison.interventions.len(), 1);
    assert_eq!(r.comparison.interventions[0].outcome.name, "no_ramp");
    assert_eq!(r.comparison.draws, 6);
    assert!(r
        .to_string()
        .contains("near_rational: left out: the opening had probability zero under this intervention in every draw"));
    // No play to chart either: the fan chart's sampler says so instead of failing.
    let arm = ScenarioArm::new(&scenario, Some("near_rational"))
        .unwrap()
        .given(&opening);
    let theta = &posterior.equal_weight_draws(1, 6)[0];
    let mut rng = stream(1, Purpose::user(2), 3);
    assert_eq!(arm.tariff_path(theta, &mut rng, 30).unwrap(), None);
    let base = ScenarioArm::new(&scenario, None).unwrap().given(&opening);
    assert_eq!(
        base.tariff_path(theta, &mut rng, 30)
            .unwrap()
            .map(|p| p.len()),
        Some(30)
    );
    // From the root the opening does not matter: the same intervention is compared.
    let root =
        scenario_whatif_given(&scenario, &posterior, &["near_rational"], 6, &config, None).unwrap();
    assert!(root.failures.is_empty(), "{:?}", root.failures);
    // Colombia accepts at once, always.
    assert_eq!(
        root.comparison.interventions[0].outcome.metrics[0].mean,
        1.0
    );
}
