//! Helpers shared by the command-line tests (`mod cli_common;` in each file that uses them).
#![allow(dead_code)] // each test file uses some of them

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The Colombia scenario.
pub const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");

/// Runs the binary with `args` and waits for it.
pub fn escalation(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args(args)
        .output()
        .expect("the escalation binary runs")
}

/// Standard error of a run, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// This test process's scratch directory.
pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("escalation-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes `bytes` to `name` in the scratch directory and returns its path.
pub fn write_temp(name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = temp_dir().join(name);
    std::fs::write(&path, bytes).expect("write a temporary file");
    path
}

/// A path as a command-line argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// A perfect-information chain of `n` moves, players alternating, each choosing `stop` (a
/// terminal with payoffs `pay(k)`, as `a, b`) or `go`; after the last move, `{ 0, 0 }`.
pub fn chain_efg(n: usize, pay: impl Fn(usize) -> String) -> String {
    let mut s = String::from("EFG 2 R \"chain\" { \"1\" \"2\" }\n\"\"\n\n");
    for k in 0..n {
        s.push_str(&format!(
            "p \"\" {} {} \"\" {{ \"stop\" \"go\" }} 0\nt \"\" {} \"\" {{ {} }}\n",
            k % 2 + 1,
            k + 1,
            k + 1,
            pay(k)
        ));
    }
    s.push_str(&format!("t \"\" {} \"\" {{ 0, 0 }}\n", n + 1));
    s
}

/// `escalation simulate SCENARIO --runs RUNS --seed SEED [extra] -o PATH`, which must succeed.
pub fn simulate_to(path: &Path, runs: &str, seed: &str, extra: &[&str]) {
    let mut args = vec!["simulate", SCENARIO, "--runs", runs, "--seed", seed];
    args.extend_from_slice(extra);
    args.extend(["-o", arg(path)]);
    let out = escalation(&args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
}
