//! The command line of joint calibration: `calibrate` with several files writes a joint
//! posterior that `simulate --posterior` draws from for any of its cases (bit-identical across
//! thread counts); cases that disagree on a shared prior, or `validate` without enough cases,
//! fail with a message naming the file (and line), a non-zero status and no output file.

mod cli_common;
mod small_ladder;
use cli_common::{arg, escalation, stderr, temp_dir, write_temp};

/// A small ladder (refusal, threat, concession on day `day`) with λ and the challenger's
/// audience cost shared; `mode` is the audience prior's mode.
fn case(stake: f64, mode: f64, day: u32) -> String {
    let body = small_ladder::structure_and_params(stake, &small_ladder::audience_prior(mode));
    format!(
        r#"
[scenario]
title = "cli joint {stake}"
challenger = "C"
target = "T"

{body}
[[path]]
actor = "T"
action = "Refuse"
time = 2025-01-01T03:00:00Z

[[path]]
actor = "C"
action = "Threaten"
time = 2025-01-01T04:00:00Z

[[path]]
actor = "T"
action = "Concede"
time = 2025-01-{:02}T04:00:00Z

[calibration]
shared = {{ lambda = "lambda", audience_challenger = "x.audience_challenger" }}
"#,
        1 + day
    )
}

#[test]
fn a_joint_posterior_drives_simulate_for_each_case() {
    let a = write_temp("joint_a.toml", case(1.0, 1.0, 2));
    let b = write_temp("joint_b.toml", case(2.0, 1.0, 5));
    let post = temp_dir().join("joint.json");
    let out = escalation(&[
        "calibrate",
        arg(&a),
        arg(&b),
        "--draws",
        "60",
        "--seed",
        "2",
        "-o",
        arg(&post),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("how much each case narrows"), "{text}");
    let mut summaries = Vec::new();
    for threads in ["1", "2"] {
        let out = escalation(&[
            "simulate",
            arg(&b),
            "--posterior",
            arg(&post),
            "--runs",
            "200",
            "--seed",
            "4",
            "--threads",
            threads,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        summaries.push(out.stdout);
    }
    assert_eq!(summaries[0], summaries[1]);
    // Another posterior's draws give another summary than the priors'.
    let prior = escalation(&["simulate", arg(&b), "--runs", "200", "--seed", "4"]);
    assert_ne!(prior.stdout, summaries[0]);
}

#[test]
fn cases_that_disagree_on_a_shared_prior_fail_naming_the_file() {
    let a = write_temp("disagree_a.toml", case(1.0, 1.0, 2));
    let text = case(2.0, 1.5, 5);
    let b = write_temp("disagree_b.toml", &text);
    let post = temp_dir().join("disagree.json");
    let out = escalation(&[
        "calibrate",
        arg(&a),
        arg(&b),
        "--draws",
        "20",
        "-o",
        arg(&post),
    ]);
    assert!(!out.status.success());
    let line = text
        .lines()
        .position(|l| l.starts_with("shared ="))
        .unwrap()
        + 1;
    let err = stderr(&out);
    assert!(err.contains(&format!("disagree_b.toml:{line}:")), "{err}");
    assert!(err.contains("x.audience_challenger"), "{err}");
    assert!(!post.exists());
}

#[test]
fn validate_needs_two_cases_or_a_training_set() {
    let a = write_temp("alone.toml", case(1.0, 1.0, 2));
    let out = escalation(&["validate", arg(&a)]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("at least two"), "{}", stderr(&out));
    let out = escalation(&["validate", "--train", arg(&a)]);
    assert!(!out.status.success());
}
