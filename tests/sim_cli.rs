//! `escalation simulate` and `escalation merge` on the Colombia scenario: the same bytes for
//! any thread count and any shard split; clear errors for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");
/// Not a multiple of the chunk size (1024), so the last chunk is partial.
const RUNS: &str = "2500";

fn escalation(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args(args)
        .output()
        .expect("the escalation binary runs")
}

fn ok(args: &[&str]) -> Vec<u8> {
    let out = escalation(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("escalation-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn simulate_is_byte_identical_across_threads_and_shards() {
    let whole = ok(&[
        "simulate",
        SCENARIO,
        "--runs",
        RUNS,
        "--seed",
        "11",
        "--threads",
        "1",
    ]);
    for t in ["2", "4"] {
        let other = ok(&[
            "simulate",
            SCENARIO,
            "--runs",
            RUNS,
            "--seed",
            "11",
            "--threads",
            t,
        ]);
        assert!(other == whole, "{t} threads differ");
    }
    let text = String::from_utf8(whole.clone()).unwrap();
    assert!(text.contains("\"counted_runs\": 2500"));
    for k in [1, 3, 7] {
        let mut parts = Vec::new();
        for i in 0..k {
            let part = tmp(&format!("part-{i}-of-{k}.json"));
            let shard = format!("{i}/{k}");
            ok(&[
                "simulate",
                SCENARIO,
                "--runs",
                RUNS,
                "--seed",
                "11",
                "--threads",
                "2",
                "--shard",
                &shard,
                "-o",
                path(&part),
            ]);
            parts.push(part);
        }
        let merged = tmp(&format!("merged-{k}.json"));
        let mut args = vec!["merge"];
        // Any order of parts.
        args.extend(parts.iter().rev().map(|p| path(p)));
        args.extend(["-o", path(&merged)]);
        ok(&args);
        assert!(
            std::fs::read(&merged).unwrap() == whole,
            "{k} shards merged differ"
        );
    }
}

#[test]
fn shard_auto_reads_the_array_index() {
    let direct = ok(&[
        "simulate", SCENARIO, "--runs", RUNS, "--seed", "3", "--shard", "1/3",
    ]);
    let out = Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args([
            "simulate", SCENARIO, "--runs", RUNS, "--seed", "3", "--shard", "auto/3",
        ])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env("JOB_COMPLETION_INDEX", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout == direct);
}

#[test]
fn merge_refuses_mismatched_or_incomplete_parts() {
    let a = tmp("seed1-0of2.json");
    let b = tmp("seed2-1of2.json");
    ok(&[
        "simulate",
        SCENARIO,
        "--runs",
        RUNS,
        "--seed",
        "1",
        "--shard",
        "0/2",
        "-o",
        path(&a),
    ]);
    ok(&[
        "simulate",
        SCENARIO,
        "--runs",
        RUNS,
        "--seed",
        "2",
        "--shard",
        "1/2",
        "-o",
        path(&b),
    ]);
    let out = escalation(&["merge", path(&a), path(&b)]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("seed") && err.contains("seed2-1of2.json"),
        "{err}"
    );
    let out = escalation(&["merge", path(&a)]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
    let out = escalation(&["merge", path(&a), path(&a)]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("same shard 0/2"));
    let bad = tmp("not-a-summary.json");
    std::fs::write(&bad, "{\"format\": 1}").unwrap();
    let out = escalation(&["merge", path(&bad)]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not-a-summary.json"));
}

#[test]
fn bad_arguments_fail_with_a_message() {
    for args in [
        vec![
            "simulate", SCENARIO, "--runs", "10", "--seed", "1", "--shard", "3/3",
        ],
        vec![
            "simulate",
            SCENARIO,
            "--runs",
            "10",
            "--seed",
            "1",
            "--threads",
            "0",
        ],
        vec![
            "simulate",
            "no-such-scenario.toml",
            "--runs",
            "10",
            "--seed",
            "1",
        ],
        vec!["simulate", SCENARIO, "--runs", "-5", "--seed", "1"],
    ] {
        let out = escalation(&args);
        assert!(!out.status.success(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn csv_and_per_run_outputs() {
    let csv = tmp("summary.csv");
    let rows = tmp("rows.csv");
    let json = ok(&[
        "simulate",
        SCENARIO,
        "--runs",
        "300",
        "--seed",
        "5",
        "--csv",
        path(&csv),
        "--per-run",
        path(&rows),
    ]);
    assert!(!json.is_empty());
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(csv.starts_with("kind,name,unit,count,frequency"));
    assert!(csv.contains("\nmetric,duration_days,days,300,"));
    let rows = std::fs::read_to_string(&rows).unwrap();
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(lines.len(), 301);
    assert_eq!(
        lines[0],
        "run,class,duration_days,peak_tariff_announced,peak_tariff_imposed,tariffs_imposed,cost_challenger_bn,cost_target_bn"
    );
    assert!(lines[300].starts_with("299,"));
}
