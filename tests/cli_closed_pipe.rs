//! A closed pipe ends the program quietly with status 141 (128 + SIGPIPE, what a shell reports
//! for a Unix tool that SIGPIPE ended), whether standard output alone or standard error too is
//! closed: never a panic (status 101), never an error message.
//!
//! Each test spawns the binary with its standard output on a real pipe and closes the reading
//! end early, as `| head -c 10` does.

mod cli_common;

use cli_common::{arg, chain_efg, simulate_to, temp_dir, write_temp, SCENARIO};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};

const CLOSED_PIPE_STATUS: i32 = 141;

fn spawn(args: &[&str], stderr: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("the escalation binary runs")
}

/// Reads `n` bytes of the child's standard output (none for 0), then closes the pipe.
fn head(child: &mut Child, n: usize) {
    let mut stdout = child.stdout.take().expect("stdout is piped");
    if n > 0 {
        let mut buf = vec![0u8; n];
        stdout.read_exact(&mut buf).expect("the first bytes arrive");
    }
    drop(stdout);
}

/// Waits for the child and returns its status and standard error.
fn finish(mut child: Child) -> (ExitStatus, String) {
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut err).expect("stderr is text");
    }
    (child.wait().expect("the child ends"), err)
}

fn assert_quiet(status: ExitStatus, stderr: &str, what: &str) {
    assert_eq!(status.code(), Some(CLOSED_PIPE_STATUS), "{what}: {stderr}");
    assert!(stderr.is_empty(), "{what}: stderr {stderr:?}");
}

/// A chain of `n` moves, whose DOT drawing is far larger than a pipe's buffer (64 KiB), so
/// that the writer is still writing when the reader goes.
fn long_chain(n: usize) -> PathBuf {
    write_temp("chain.efg", chain_efg(n, |k| format!("{k}, {}", n - k)))
}

/// The writing end of a pipe whose reading end is already closed: the pipe is standard input
/// of `true`, which has exited. The first write to it fails with EPIPE, whenever it comes.
fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("`true` runs");
    let writer = reader.stdin.take().expect("stdin is piped");
    reader.wait().expect("`true` ends");
    Stdio::from(writer)
}

/// Runs the binary with standard output on a closed pipe (and standard error too with
/// `both`), returning the status and, unless closed, standard error.
fn into_closed_pipe(args: &[&str], both: bool) -> (ExitStatus, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(closed_pipe())
        .stderr(if both { closed_pipe() } else { Stdio::piped() })
        .output()
        .expect("the escalation binary runs");
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const SIMULATE: [&str; 8] = [
    "simulate",
    SCENARIO,
    "--runs",
    "3000",
    "--seed",
    "1",
    "--threads",
    "1",
];

#[test]
fn simulate_to_a_closed_pipe_ends_quietly() {
    let (status, err) = into_closed_pipe(&SIMULATE, false);
    assert_quiet(status, &err, "simulate | head");
}

#[test]
fn simulate_with_both_pipes_closed_does_not_panic() {
    let (status, _) = into_closed_pipe(&SIMULATE, true);
    assert_eq!(
        status.code(),
        Some(CLOSED_PIPE_STATUS),
        "simulate 2>&1 | head"
    );
}

#[test]
fn merge_to_a_closed_pipe_ends_quietly() {
    let part = temp_dir().join("part.json");
    simulate_to(&part, "50", "3", &[]);
    let args = ["merge", arg(&part)];
    let (status, err) = into_closed_pipe(&args, false);
    assert_quiet(status, &err, "merge | head");
    let (status, _) = into_closed_pipe(&args, true);
    assert_eq!(status.code(), Some(CLOSED_PIPE_STATUS), "merge 2>&1 | head");
}

#[test]
fn check_to_a_closed_pipe_ends_quietly() {
    let (status, err) = into_closed_pipe(&["check", SCENARIO], false);
    assert_quiet(status, &err, "check | head");
}

#[test]
fn an_error_with_standard_error_closed_is_still_a_failure_not_a_panic() {
    // The message is lost; the status still says the command failed.
    let out = Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args(["check", "/nonexistent/scenario.toml"])
        .stdout(Stdio::null())
        .stderr(closed_pipe())
        .output()
        .expect("the escalation binary runs");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn convert_to_dot_into_a_closed_pipe_ends_quietly() {
    let chain = long_chain(3000);
    let args = ["convert", arg(&chain), "--to", "dot"];
    let mut child = spawn(&args, Stdio::piped());
    head(&mut child, 10);
    let (status, err) = finish(child);
    assert_quiet(status, &err, "convert --to dot | head -c 10");

    let mut child = spawn(&args, Stdio::piped());
    drop(child.stderr.take());
    head(&mut child, 10);
    let (status, _) = finish(child);
    assert_eq!(
        status.code(),
        Some(CLOSED_PIPE_STATUS),
        "convert 2>&1 | head"
    );
}

#[test]
fn solve_table_into_a_closed_pipe_ends_quietly() {
    // The table of a long chain's equilibrium is longer than a pipe's buffer.
    let chain = long_chain(3000);
    let mut child = spawn(&["solve", arg(&chain), "--method", "spe"], Stdio::piped());
    head(&mut child, 10);
    let (status, err) = finish(child);
    assert_quiet(status, &err, "solve | head -c 10");
}
