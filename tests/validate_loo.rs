//! Leave-one-out and held-out validation (`escalation::validate::leave_one_out`,
//! `held_out`) on a small synthetic library: bit-identical across thread counts; the base
//! rate and the prior baseline are those of their own definitions; a held-out case's shared
//! parameters that the training set lacks come from their priors.

mod small_ladder;
use escalation::model::OutcomeClass;
use escalation::scenario::Scenario;
use escalation::validate::{
    base_rate, held_out, leave_one_out, predictive, to_json, CaseDone, Fit, Table, Truth,
    ValidateConfig,
};

/// A small ladder (one round of 7 days): refusal, threat, then `tail` (path entries after
/// the threat, TOML) and `observed` (an `observed_until` line or nothing).
fn case(stake_challenger: f64, leader: &str, tail: &str, observed: &str) -> String {
    let body =
        small_ladder::structure_and_params(stake_challenger, &small_ladder::audience_prior(1.0));
    format!(
        r#"
[scenario]
title = "validate ladder {stake_challenger}"
challenger = "C"
target = "T"
{observed}

{body}
[[path]]
actor = "T"
action = "Refuse"
time = 2025-01-01T03:00:00Z

[[path]]
actor = "C"
action = "Threaten"
time = 2025-01-01T04:00:00Z
{tail}

[calibration]
shared = {{ lambda = "lambda", audience_challenger = "{leader}.audience_challenger" }}
"#
    )
}

fn concede_on(day: u32) -> String {
    format!(
        "\n[[path]]\nactor = \"T\"\naction = \"Concede\"\ntime = 2025-01-{:02}T04:00:00Z\n",
        1 + day
    )
}

/// Three cases of one leader: conceded on day 2, conceded on day 5, still on at day 3.
fn library() -> Vec<Scenario> {
    let texts = [
        ("case_a", case(1.0, "x", &concede_on(2), "")),
        ("case_b", case(2.0, "x", &concede_on(5), "")),
        (
            "case_c",
            case(3.0, "x", "", "observed_until = 2025-01-04T04:00:00Z"),
        ),
    ];
    texts
        .iter()
        .map(|(key, t)| Scenario::from_str(t, &format!("{key}.toml")).unwrap())
        .collect()
}

fn config(threads: usize) -> ValidateConfig {
    let mut c = ValidateConfig::default();
    c.particles = 80;
    c.draws = 24;
    c.seed = 5;
    c.threads = Some(threads);
    c
}

#[test]
fn leave_one_out_is_bit_identical_across_thread_counts() {
    let lib = library();
    let mut seen = Vec::new();
    let one = leave_one_out(&lib, &config(1), &mut |d: &CaseDone| {
        seen.push(d.case.clone())
    })
    .unwrap();
    assert_eq!(seen, ["case_a", "case_b", "case_c"]);
    let two = leave_one_out(&lib, &config(2), &mut |_: &CaseDone| {}).unwrap();
    assert_eq!(one, two);
    assert_eq!(to_json(&one).to_string(), to_json(&two).to_string());
    assert_eq!(Table(&one).to_string(), Table(&two).to_string());
    // The documented ends, as the files give them.
    assert_eq!(
        one[0].truth.class,
        Some(OutcomeClass::ConcededBeforeTariffs)
    );
    assert_eq!(one[2].truth.class, None);
    for c in &one {
        assert!(matches!(c.fit, Fit::Psis(_) | Fit::Refit(_)));
        assert!(c.model.probability > 0.0 && c.model.probability <= 1.0);
        assert!(c.from_prior.is_empty(), "{:?}", c.from_prior);
    }
}

/// The baselines are their definitions: the base rate of the other two cases, and the prior
/// predictive with the same draws and seed.
#[test]
fn the_baselines_are_measured_as_defined() {
    let lib = library();
    let cfg = config(2);
    let out = leave_one_out(&lib, &cfg, &mut |_: &CaseDone| {}).unwrap();
    let truths: Vec<Truth> = lib.iter().map(|s| Truth::of(s).unwrap()).collect();
    // case_a conceded before tariffs; of the others one did (case_b), one is still on:
    // (1 + 1) / (2 + 5).
    assert!((out[0].base_rate - 2.0 / 7.0).abs() < 1e-12);
    assert_eq!(out[0].base_rate, base_rate(&truths[0], &truths[1..]));
    // case_c, still on at day 3: case_a ended by then (day 2), case_b later (day 5):
    // (1 + 1) / (2 + 2).
    assert!((out[2].base_rate - 0.5).abs() < 1e-12);
    for (c, s) in out.iter().zip(&lib) {
        let prior = predictive(s, cfg.draws, cfg.seed, cfg.threads).unwrap();
        assert_eq!(c.prior, Truth::of(s).unwrap().score(&prior.prediction));
    }
}

/// Held-out scoring: a test case whose leader no training case has takes that leader's
/// parameters from the prior, and says so.
#[test]
fn held_out_cases_take_unknown_shared_parameters_from_their_priors() {
    let lib = library();
    let test = Scenario::from_str(&case(2.5, "y", &concede_on(4), ""), "case_d.toml").unwrap();
    let out = held_out(&lib, &[test], &config(1), &mut |_: &CaseDone| {}).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].fit, Fit::Train);
    assert_eq!(out[0].from_prior, ["y.audience_challenger"]);
    let json = to_json(&out);
    assert_eq!(json["cases"][0]["case"], "case_d");
    assert!(json["cases"][0]["log_score"]["base_rate"].is_number());
}
