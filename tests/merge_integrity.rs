//! `escalation merge` refuses shard parts that were edited: a checksum of each part's content
//! catches any edit, and consistency checks catch what a part without a checksum (written
//! before checksums) cannot vouch for. Each refusal names the file and the check.

mod cli_common;

use cli_common::{arg as p, escalation, simulate_to, temp_dir as dir};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Shards 0/2 and 1/2 of 2500 runs (three chunks: the parts hold 1024 and 1476 runs).
fn parts() -> (PathBuf, PathBuf) {
    static PARTS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    PARTS.get_or_init(make_parts).clone()
}

fn make_parts() -> (PathBuf, PathBuf) {
    let (a, b) = (dir().join("part0.json"), dir().join("part1.json"));
    simulate_to(&a, "2500", "5", &["--shard", "0/2"]);
    simulate_to(&b, "2500", "5", &["--shard", "1/2"]);
    (a, b)
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// Writes an edited copy of `path` as `name` and returns its path.
fn edited(path: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut doc = read(path);
    edit(&mut doc);
    let out = dir().join(name);
    std::fs::write(&out, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
    out
}

/// The same part as written before checksums: format `/1`, no `checksum` field.
fn unchecksummed(doc: &mut Value) {
    doc["format"] = "escalation-simulation-summary/1".into();
    doc.as_object_mut().expect("object").remove("checksum");
}

fn merge(args: &[&str]) -> (bool, String, Vec<u8>) {
    let mut all = vec!["merge"];
    all.extend_from_slice(args);
    let out = escalation(&all);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.stdout,
    )
}

fn refused(args: &[&str], file: &str, check: &str) {
    let (ok, err, out) = merge(args);
    assert!(!ok, "{file} was merged; expected a refusal for {check}");
    assert!(err.contains(file), "names the file {file}: {err}");
    assert!(err.contains(check), "names the check {check:?}: {err}");
    assert!(out.is_empty());
}

/// The first class with runs and the next one.
fn two_classes(doc: &Value) -> (usize, usize) {
    let outcomes = doc["outcomes"].as_array().expect("outcomes");
    let from = outcomes
        .iter()
        .position(|o| o["count"].as_u64() > Some(0))
        .expect("a class with runs");
    (from, (from + 1) % outcomes.len())
}

fn bump(v: &mut Value, by: i64) {
    let n = v.as_u64().expect("count") as i64 + by;
    *v = n.into();
}

#[test]
fn edits_that_keep_the_totals_are_caught_by_the_checksum() {
    let (a, b) = parts();
    let (from, to) = two_classes(&read(&a));
    let moved_class = edited(&a, "moved-class.json", |d| {
        bump(&mut d["outcomes"][from]["count"], -1);
        bump(&mut d["outcomes"][to]["count"], 1);
    });
    refused(
        &[p(&moved_class), p(&b)],
        "moved-class.json",
        "checksum mismatch",
    );

    let changed_sum = edited(&a, "changed-sum.json", |d| {
        d["metrics"][0]["exact"]["sum"] = "0x1p2".into();
    });
    refused(
        &[p(&changed_sum), p(&b)],
        "changed-sum.json",
        "checksum mismatch",
    );

    let moved_bin = edited(&a, "moved-bin.json", |d| {
        let counts = d["metrics"][0]["histogram"]["counts"]
            .as_array_mut()
            .expect("counts");
        let k = counts
            .iter()
            .position(|c| c.as_u64() > Some(0))
            .expect("a non-empty bin");
        bump(&mut counts[k], -1);
        bump(&mut counts[k + 1], 1);
    });
    refused(
        &[p(&moved_bin), p(&b)],
        "moved-bin.json",
        "checksum mismatch",
    );

    let no_field = edited(&a, "no-field.json", |d| {
        d.as_object_mut().expect("object").remove("checksum");
    });
    refused(
        &[p(&no_field), p(&b)],
        "no-field.json",
        "checksum field is missing",
    );
}

#[test]
fn parts_without_checksum_are_refused_unless_accepted_and_then_checked() {
    let (a, b) = parts();
    let (ok, err, whole) = merge(&[p(&a), p(&b)]);
    assert!(ok, "{err}");

    let old = edited(&a, "old.json", unchecksummed);
    refused(&[p(&old), p(&b)], "old.json", "no checksum");
    refused(&[p(&old), p(&b)], "old.json", "--allow-no-checksum");
    // Accepted explicitly, an unedited old part merges to the same bytes.
    let (ok, err, merged) = merge(&["--allow-no-checksum", p(&old), p(&b)]);
    assert!(ok, "{err}");
    assert_eq!(merged, whole);

    let doc = read(&a);
    let (from, _) = two_classes(&doc);
    let extra_run = edited(&a, "extra-run.json", |d| {
        unchecksummed(d);
        bump(&mut d["outcomes"][from]["count"], 1);
    });
    refused(
        &["--allow-no-checksum", p(&extra_run), p(&b)],
        "extra-run.json",
        "outcome counts add up to",
    );

    let lost_bin = edited(&a, "lost-bin.json", |d| {
        unchecksummed(d);
        let h = &mut d["metrics"][0]["histogram"];
        let k = h["counts"]
            .as_array()
            .expect("counts")
            .iter()
            .position(|c| c.as_u64() > Some(0))
            .expect("a non-empty bin");
        bump(&mut h["counts"][k], -1);
        bump(&mut h["overflow"], 1);
    });
    refused(
        &["--allow-no-checksum", p(&lost_bin), p(&b)],
        "lost-bin.json",
        "outermost non-empty bins",
    );

    let big_sum = edited(&a, "big-sum.json", |d| {
        unchecksummed(d);
        d["metrics"][0]["exact"]["sum"] = "0x1p100".into();
    });
    refused(
        &["--allow-no-checksum", p(&big_sum), p(&b)],
        "big-sum.json",
        "exact sum",
    );

    let metric = doc["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .position(|m| m["exact"]["sum"] != "0")
        .expect("a metric with a non-zero sum");
    let no_squares = edited(&a, "no-squares.json", |d| {
        unchecksummed(d);
        d["metrics"][metric]["exact"]["sum_sq"] = "0".into();
    });
    refused(
        &["--allow-no-checksum", p(&no_squares), p(&b)],
        "no-squares.json",
        "sum of squares",
    );
}

#[test]
fn the_checksum_covers_content_not_whitespace() {
    let (a, b) = parts();
    let (_, _, whole) = merge(&[p(&a), p(&b)]);
    let compact = dir().join("compact.json");
    std::fs::write(&compact, read(&a).to_string()).expect("write");
    let (ok, err, merged) = merge(&[p(&compact), p(&b)]);
    assert!(ok, "{err}");
    assert_eq!(merged, whole);
}
