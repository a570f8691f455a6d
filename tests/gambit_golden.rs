//! Golden tests: `escalation solve --json` against Gambit (pygambit 16.7.0).
//!
//! Every `tests/fixtures/gambit/{reference,bench_reference}/*.json` was written by
//! `tests/fixtures/gambit/generate.py` (see the README there). For each reference and
//! method we run the real binary, `escalation solve GAME --method M [--lambda L]... --json`,
//! and compare its single JSON object with Gambit's answer: behaviour profiles and
//! payoffs to [`TOL`], equilibria in Gambit's order for `pure`, `spe` and `logit`, as
//! sets for `enum` (Gambit's mixed-equilibrium enumeration order is an artefact of its
//! vertex enumeration). Each test reports every mismatch of its method, across all
//! files, in one assertion message.

use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Tolerance on every probability and payoff: |got − expected| ≤ TOL · max(1, |expected|).
const TOL: f64 = 1e-6;
/// How long one `escalation solve` call may take before it counts as a mismatch.
const SOLVE_TIMEOUT: Duration = Duration::from_secs(120);

/// One reference file.
struct Reference {
    /// The reference file's stem, used in messages.
    name: String,
    /// The game file the reference describes.
    game: PathBuf,
    /// The whole reference document.
    doc: Value,
}

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_dir() -> PathBuf {
    repo_root().join("tests/fixtures/gambit")
}

/// The references: `reference/` (one per bundled game) then `bench_reference/` (the
/// benchmark games, logit at lambda 1 only).
fn references() -> Vec<Reference> {
    let mut paths = Vec::new();
    for sub in ["reference", "bench_reference"] {
        let dir = fixture_dir().join(sub);
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .map(|entry| entry.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        assert!(!found.is_empty(), "no reference files in {}", dir.display());
        found.sort();
        paths.extend(found);
    }
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let doc: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
            let game_path = doc["game_path"]
                .as_str()
                .unwrap_or_else(|| panic!("{}: no \"game_path\"", path.display()));
            Reference {
                name: path.file_stem().unwrap().to_string_lossy().into_owned(),
                game: repo_root().join(game_path),
                doc,
            }
        })
        .collect()
}

/// What one run of the binary produced.
struct SolveOutput {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs `escalation solve GAME --method M [--lambda L]... --json` with a time limit.
fn run_solve(game: &Path, method: &str, lambdas: &[f64]) -> Result<SolveOutput, String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_escalation"));
    cmd.arg("solve").arg(game).args(["--method", method]);
    for lambda in lambdas {
        cmd.args(["--lambda", &lambda.to_string()]);
    }
    cmd.arg("--json")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start the binary: {e}"))?;
    // Drain both pipes on threads so a chatty child cannot block on a full pipe.
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out_thread = std::thread::spawn(move || {
        let mut s = String::new();
        out_pipe.read_to_string(&mut s).map(|_| s)
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        err_pipe.read_to_string(&mut s).map(|_| s)
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > SOLVE_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("did not finish within {SOLVE_TIMEOUT:?}"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("waiting for the binary failed: {e}")),
        }
    };
    let stdout = out_thread
        .join()
        .expect("stdout reader")
        .map_err(|e| format!("stdout is not UTF-8: {e}"))?;
    let stderr = err_thread
        .join()
        .expect("stderr reader")
        .map_err(|e| format!("stderr is not UTF-8: {e}"))?;
    Ok(SolveOutput {
        success: status.success(),
        stdout,
        stderr,
    })
}

/// Whether `got` is within tolerance of `expected`.
fn close(expected: f64, got: f64) -> bool {
    (got - expected).abs() <= TOL * expected.abs().max(1.0)
}

/// The numbers of `value[key]`, or a description of why it is not a list of numbers.
fn numbers(value: &Value, key: &str) -> Result<Vec<f64>, String> {
    let list = value[key]
        .as_array()
        .ok_or_else(|| format!("\"{key}\" is missing or not a list"))?;
    list.iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_f64()
                .ok_or_else(|| format!("\"{key}\"[{i}] is not a number: {x}"))
        })
        .collect()
}

/// Differences between two equilibria's `behavior` and `payoffs`, one line per entry.
fn equilibrium_diffs(expected: &Value, got: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    for key in ["behavior", "payoffs"] {
        let want = match numbers(expected, key) {
            Ok(v) => v,
            Err(e) => {
                diffs.push(format!("reference: {e}"));
                continue;
            }
        };
        let have = match numbers(got, key) {
            Ok(v) => v,
            Err(e) => {
                diffs.push(e);
                continue;
            }
        };
        if want.len() != have.len() {
            diffs.push(format!(
                "{key}: expected {} entries, got {} (expected {want:?}, got {have:?})",
                want.len(),
                have.len()
            ));
            continue;
        }
        for (i, (w, h)) in want.iter().zip(&have).enumerate() {
            if !close(*w, *h) {
                diffs.push(format!("{key}[{i}]: expected {w:?}, got {h:?}"));
            }
        }
    }
    diffs
}

/// Compares equilibrium lists; `context` prefixes every line ("file method").
///
/// In order when `ordered`, otherwise as sets (each expected equilibrium must match a
/// distinct reported one and nothing may be left over).
fn compare_equilibria(
    context: &str,
    expected: &[Value],
    got: &[Value],
    ordered: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    if expected.len() != got.len() {
        out.push(format!(
            "{context}: expected {} equilibria, got {}",
            expected.len(),
            got.len()
        ));
    }
    if ordered {
        for (k, (e, g)) in expected.iter().zip(got).enumerate() {
            for d in equilibrium_diffs(e, g) {
                out.push(format!("{context}: equilibrium {k}: {d}"));
            }
        }
    } else {
        let mut used = vec![false; got.len()];
        for (k, e) in expected.iter().enumerate() {
            let hit =
                (0..got.len()).find(|&j| !used[j] && equilibrium_diffs(e, &got[j]).is_empty());
            match hit {
                Some(j) => used[j] = true,
                None => out.push(format!(
                    "{context}: expected equilibrium {k} (behavior {}, payoffs {}) not reported",
                    e["behavior"], e["payoffs"]
                )),
            }
        }
        for (j, g) in got.iter().enumerate() {
            if !used[j] {
                out.push(format!(
                    "{context}: reported equilibrium {j} (behavior {}, payoffs {}) is not in Gambit's list",
                    g["behavior"], g["payoffs"]
                ));
            }
        }
    }
    out
}

/// Compares logit output with the reference entries, one per lambda, in order.
///
/// Reference entries marked `"error"` (pygambit's profile failed the logit fixed-point
/// check at that lambda; see the README) are not compared, but the binary must still
/// report an entry for that lambda.
fn compare_logit(context: &str, expected: &[Value], got: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    if expected.len() != got.len() {
        out.push(format!(
            "{context}: expected {} entries (one per --lambda), got {}",
            expected.len(),
            got.len()
        ));
    }
    for (k, (e, g)) in expected.iter().zip(got).enumerate() {
        let lambda = e["lambda"].as_f64().unwrap_or(f64::NAN);
        match g["lambda"].as_f64() {
            Some(l) if (l - lambda).abs() <= 1e-12 * lambda.abs().max(1.0) => {}
            other => out.push(format!(
                "{context}: entry {k}: \"lambda\" expected {lambda:?}, got {other:?}"
            )),
        }
        if e.get("error").is_some() {
            continue;
        }
        for d in equilibrium_diffs(e, g) {
            out.push(format!("{context}: lambda {lambda}: {d}"));
        }
    }
    out
}

/// Runs the binary for one reference and method and returns every mismatch.
fn check(reference: &Reference, method: &str) -> Vec<String> {
    let context = format!("{} --method {method}", reference.name);
    let block = &reference.doc[method];
    if block.is_null() || block.get("skipped").is_some() {
        return Vec::new();
    }
    let lambdas: Vec<f64> = if method == "logit" {
        block["equilibria"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|e| e["lambda"].as_f64())
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let run = match run_solve(&reference.game, method, &lambdas) {
        Ok(run) => run,
        Err(e) => return vec![format!("{context}: {e}")],
    };
    if let Some(error) = block.get("error") {
        // pygambit refused this game; we accept only an equally clear refusal.
        return if !run.success && !run.stderr.trim().is_empty() {
            Vec::new()
        } else {
            vec![format!(
                "{context}: pygambit refused ({error}) but escalation did not (exit success: {}, \
                 stderr: {:?})",
                run.success,
                run.stderr.trim()
            )]
        };
    }
    if !run.success {
        return vec![format!(
            "{context}: escalation failed: {}",
            run.stderr.trim()
        )];
    }
    let doc: Value = match serde_json::from_str(run.stdout.trim()) {
        Ok(doc) => doc,
        Err(e) => {
            return vec![format!(
                "{context}: stdout is not one JSON object ({e}): {:?}",
                run.stdout
            )]
        }
    };
    compare_document(&context, &reference.doc, method, &doc)
}

/// Compares a whole `solve --json` document with the reference for `method`.
fn compare_document(context: &str, reference: &Value, method: &str, doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if doc["players"] != reference["players"] {
        out.push(format!(
            "{context}: players expected {}, got {}",
            reference["players"], doc["players"]
        ));
    }
    if doc["method"] != method {
        out.push(format!(
            "{context}: \"method\" expected {method:?}, got {}",
            doc["method"]
        ));
    }
    let expected = reference[method]["equilibria"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let Some(got) = doc["equilibria"].as_array() else {
        out.push(format!(
            "{context}: \"equilibria\" is missing or not a list"
        ));
        return out;
    };
    out.extend(match method {
        "logit" => compare_logit(context, expected, got),
        "enum" => compare_equilibria(context, expected, got, false),
        _ => compare_equilibria(context, expected, got, true),
    });
    out
}

/// Checks every reference for `method`; panics with all mismatches at once.
fn check_method(method: &str) {
    let references = references();
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for reference in &references {
        let block = &reference.doc[method];
        if !block.is_null() && block.get("skipped").is_none() {
            checked += 1;
        }
        mismatches.extend(check(reference, method));
    }
    assert!(checked > 0, "no reference has --method {method}");
    assert!(
        mismatches.is_empty(),
        "{} mismatch(es) with Gambit for --method {method} over {checked} game(s):\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn pure_matches_gambit() {
    check_method("pure");
}

#[test]
fn spe_matches_gambit() {
    check_method("spe");
}

#[test]
fn logit_matches_gambit() {
    check_method("logit");
}

#[test]
fn enum_matches_gambit() {
    check_method("enum");
}

/// Every bundled game has a reference, and every reference names an existing game.
#[test]
fn every_game_has_a_reference() {
    let references = references();
    let games = fixture_dir().join("games");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&games).expect("games directory") {
        let path = entry.expect("directory entry").path();
        if !references.iter().any(|r| r.game == path) {
            missing.push(path.display().to_string());
        }
    }
    for r in &references {
        if !r.game.is_file() {
            missing.push(format!(
                "{}: game {} does not exist",
                r.name,
                r.game.display()
            ));
        }
    }
    assert!(missing.is_empty(), "without reference: {missing:?}");
}

/// The comparison itself, on hand-computed answers (not on the binary).
mod comparison {
    use super::*;
    use serde_json::json;

    /// Prisoner's dilemma, strategies (C, D) for both, payoffs C/C 3,3; C/D 0,5; D/C 5,0;
    /// D/D 1,1: the only pure equilibrium is (D, D), paying 1 to each.
    fn prisoners_dilemma() -> Value {
        json!({
            "players": ["Row", "Column"],
            "pure": {"equilibria": [{"behavior": [0.0, 1.0, 0.0, 1.0], "payoffs": [1.0, 1.0]}]},
        })
    }

    /// One decision between payoffs 1 and 0: the logit choice probability at lambda 1
    /// is e / (1 + e).
    fn one_decision_logit() -> Value {
        let e = std::f64::consts::E;
        json!({
            "players": ["Solo"],
            "logit": {"equilibria": [
                {"lambda": 1.0, "behavior": [e / (1.0 + e), 1.0 / (1.0 + e)],
                 "payoffs": [e / (1.0 + e)]},
                {"lambda": 4.0, "error": "pygambit's profile failed the check"}
            ]},
        })
    }

    #[test]
    fn identical_output_has_no_mismatch() {
        let reference = prisoners_dilemma();
        let doc = json!({
            "players": ["Row", "Column"],
            "method": "pure",
            "equilibria": [{"behavior": [0.0, 1.0, 0.0, 1.0], "payoffs": [1.0, 1.0]}],
        });
        assert_eq!(
            compare_document("pd", &reference, "pure", &doc),
            Vec::<String>::new()
        );
    }

    #[test]
    fn deliberate_differences_are_all_reported() {
        let reference = prisoners_dilemma();
        // (C, D) instead of (D, D) in the row player's part, and a payoff off by 2e-6.
        let doc = json!({
            "players": ["Row", "Column"],
            "method": "pure",
            "equilibria": [{"behavior": [1.0, 0.0, 0.0, 1.0], "payoffs": [1.000002, 1.0]}],
        });
        let diffs = compare_document("pd", &reference, "pure", &doc);
        assert_eq!(diffs.len(), 3, "{diffs:?}");
        assert!(diffs[0].contains("equilibrium 0: behavior[0]: expected 0.0, got 1.0"));
        assert!(diffs[1].contains("behavior[1]: expected 1.0, got 0.0"));
        assert!(diffs[2].contains("payoffs[0]: expected 1.0, got 1.000002"));
    }

    #[test]
    fn differences_within_tolerance_pass() {
        let reference = prisoners_dilemma();
        let doc = json!({
            "players": ["Row", "Column"],
            "method": "pure",
            "equilibria": [{"behavior": [4e-7, 0.9999996, 0.0, 1.0], "payoffs": [1.0000009, 1.0]}],
        });
        assert_eq!(
            compare_document("pd", &reference, "pure", &doc),
            Vec::<String>::new()
        );
    }

    #[test]
    fn missing_extra_and_misnamed_are_reported() {
        let reference = prisoners_dilemma();
        let doc = json!({
            "players": ["Row", "Col"],
            "method": "spe",
            "equilibria": [
                {"behavior": [0.0, 1.0, 0.0, 1.0], "payoffs": [1.0, 1.0]},
                {"behavior": [1.0, 0.0, 1.0, 0.0], "payoffs": [3.0, 3.0]}
            ],
        });
        let diffs = compare_document("pd", &reference, "pure", &doc);
        assert_eq!(diffs.len(), 3, "{diffs:?}");
        assert!(diffs[0].contains("players"));
        assert!(diffs[1].contains("\"method\""));
        assert!(diffs[2].contains("expected 1 equilibria, got 2"));
    }

    #[test]
    fn sets_ignore_order_but_not_content() {
        let a = json!({"behavior": [1.0, 0.0], "payoffs": [2.0]});
        let b = json!({"behavior": [0.5, 0.5], "payoffs": [1.0]});
        let c = json!({"behavior": [0.0, 1.0], "payoffs": [0.0]});
        let expected = [a.clone(), b.clone()];
        assert!(compare_equilibria("x", &expected, &[b.clone(), a.clone()], false).is_empty());
        // In order, each of the two pairs differs in both probabilities and the payoff.
        assert_eq!(
            compare_equilibria("x", &expected, &[b.clone(), a.clone()], true).len(),
            6
        );
        let diffs = compare_equilibria("x", &expected, &[b, c], false);
        assert_eq!(diffs.len(), 2, "{diffs:?}");
        assert!(diffs[0].contains("expected equilibrium 0"));
        assert!(diffs[1].contains("reported equilibrium 1"));
    }

    #[test]
    fn logit_checks_lambda_and_profile_and_skips_failed_references() {
        let reference = one_decision_logit();
        let e = std::f64::consts::E;
        let good = json!({
            "players": ["Solo"],
            "method": "logit",
            "equilibria": [
                {"lambda": 1.0, "behavior": [e / (1.0 + e), 1.0 / (1.0 + e)], "payoffs": [e / (1.0 + e)]},
                {"lambda": 4.0, "behavior": [0.98, 0.02], "payoffs": [0.98]}
            ],
        });
        assert!(compare_document("solo", &reference, "logit", &good).is_empty());
        // Probabilities at lambda 0 (uniform) instead of lambda 1, and a wrong lambda label.
        let bad = json!({
            "players": ["Solo"],
            "method": "logit",
            "equilibria": [
                {"lambda": 1.0, "behavior": [0.5, 0.5], "payoffs": [0.5]},
                {"lambda": 2.0, "behavior": [0.98, 0.02], "payoffs": [0.98]}
            ],
        });
        let diffs = compare_document("solo", &reference, "logit", &bad);
        assert_eq!(diffs.len(), 4, "{diffs:?}");
        assert!(diffs[0].contains("lambda 1: behavior[0]: expected 0.7310585786300049, got 0.5"));
        assert!(diffs[3].contains("entry 1: \"lambda\" expected 4.0, got Some(2.0)"));
    }
}
