//! No lost file: every command that writes a file, killed (SIGKILL) while it works or failing
//! part-way, leaves an existing output exactly as it was; a run that finishes replaces it
//! whole. Kills are timed at several delays, from before the first output to late in the run.

mod cli_common;
use cli_common::{arg, escalation, temp_dir, write_temp, SCENARIO};
use std::process::{Command, Stdio};
use std::time::Duration;

const OLD: &[u8] = b"an earlier result the user wants to keep\n";

/// Runs `args` (with `{out}` replaced by the output path), kills it after `delay`, and
/// checks that the output still holds `OLD` or a complete new file (one that the command,
/// run to its end, would also write: here, any content but a prefix of it).
fn kill_after(name: &str, args: &[&str], delay: Duration) -> bool {
    let out = write_temp(name, OLD);
    let args: Vec<String> = args.iter().map(|a| a.replace("{out}", arg(&out))).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    std::thread::sleep(delay);
    let finished = child.try_wait().expect("wait").is_some();
    if !finished {
        child.kill().expect("kill");
    }
    child.wait().expect("reaped");
    let now = std::fs::read(&out).expect("the output still exists");
    if !finished {
        assert_eq!(
            now, OLD,
            "{args:?} killed after {delay:?}: the old file was touched"
        );
    } else {
        assert!(!now.is_empty(), "{args:?}: finished with an empty file");
    }
    finished
}

#[test]
fn killed_commands_leave_existing_outputs_untouched() {
    let runs = "100000000";
    let cases: [(&str, Vec<&str>); 4] = [
        (
            "summary.json",
            vec![
                "simulate", SCENARIO, "--runs", runs, "--seed", "1", "-o", "{out}",
            ],
        ),
        (
            "runs.csv",
            vec![
                "simulate",
                SCENARIO,
                "--runs",
                runs,
                "--seed",
                "1",
                "--per-run",
                "{out}",
                "-o",
                "/dev/null",
            ],
        ),
        (
            "posterior.json",
            vec!["calibrate", SCENARIO, "--draws", "2000000", "-o", "{out}"],
        ),
        (
            "summary.csv",
            vec![
                "simulate", SCENARIO, "--runs", runs, "--seed", "1", "--csv", "{out}",
            ],
        ),
    ];
    let mut killed = 0;
    for (name, args) in &cases {
        for ms in [5, 50, 400] {
            if !kill_after(name, args, Duration::from_millis(ms)) {
                killed += 1;
            }
        }
    }
    eprintln!("{killed} of {} runs killed mid-work", cases.len() * 3);
    assert!(
        killed >= cases.len() * 2,
        "too few runs were still working when killed"
    );
}

#[test]
fn failing_commands_leave_existing_outputs_untouched() {
    let dir = temp_dir();
    // A merge whose second part is refused (not a summary), after the first was read.
    let part = dir.join("lost-part0.json");
    let ok = escalation(&[
        "simulate",
        SCENARIO,
        "--runs",
        "300",
        "--seed",
        "1",
        "--shard",
        "0/2",
        "-o",
        arg(&part),
    ]);
    assert!(ok.status.success());
    let bad = write_temp("lost-part1.json", b"{\"format\": \"not a summary\"}");
    let out = write_temp("lost-merged.json", OLD);
    let merge = escalation(&["merge", arg(&part), arg(&bad), "-o", arg(&out)]);
    assert!(!merge.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), OLD, "merge -o");
    // A conversion of a file that does not parse.
    let efg = write_temp(
        "lost-bad.efg",
        b"EFG 2 R \"broken\" { \"A\" \"B\" }\np \"\" 1 1",
    );
    let out = write_temp("lost-converted.dot", OLD);
    let convert = escalation(&["convert", arg(&efg), "--to", "dot", "-o", arg(&out)]);
    assert!(!convert.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), OLD, "convert -o");
    // A simulation refused for a bad flag after the output was named.
    let out = write_temp("lost-sim.json", OLD);
    let sim = escalation(&[
        "simulate",
        SCENARIO,
        "--runs",
        "10",
        "--seed",
        "1",
        "--threads",
        "0",
        "-o",
        arg(&out),
    ]);
    assert!(!sim.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), OLD, "simulate -o");
}
