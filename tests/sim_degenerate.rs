//! Degenerate run counts: shards at the top of the u64 range play exactly their runs, and a
//! simulation of no runs is refused, naming the flag.

use escalation::sim::{Episode, Layout, RunRecord, Shard, Simulation};
use rand_chacha::ChaCha8Rng;
use std::process::Command;

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");

/// Class = the run's parity; a metric = the run's offset below 2^64 (exact for the last runs).
struct Parity(Layout);

impl Episode for Parity {
    type Scratch = ();
    type Error = std::convert::Infallible;
    fn layout(&self) -> &Layout {
        &self.0
    }
    fn scratch(&self) {}
    fn play(
        &self,
        run: u64,
        _: &mut ChaCha8Rng,
        _: &mut (),
        out: &mut RunRecord,
    ) -> Result<(), Self::Error> {
        out.class = (run % 2) as usize;
        out.metrics[0] = (u64::MAX - run) as f64;
        Ok(())
    }
}

fn parity() -> Parity {
    Parity(
        Layout::new(
            "parity",
            "parity-v1",
            &["even", "odd"],
            vec![escalation::sim::MetricSpec::new(
                "below_max",
                "",
                0.0,
                2048.0,
                2048,
            )],
        )
        .expect("valid layout"),
    )
}

#[test]
fn the_last_shard_below_2_pow_64_plays_its_runs() {
    // u64::MAX runs in chunks of 1024: 2^54 chunks, the last holding runs
    // 2^64 - 1024 .. 2^64 - 1, i.e. 1023 runs (512 even, 511 odd). Its end, 2^64, overflowed
    // u64, and the shard counted no runs.
    let chunks = 1u64 << 54;
    let ep = parity();
    let last = Simulation::new(&ep, 1, u64::MAX)
        .threads(2)
        .shard(Shard::new(chunks - 1, chunks).expect("shard"))
        .run()
        .expect("runs");
    assert_eq!(last.range(), u64::MAX - 1023..u64::MAX);
    let report = last.statistics();
    assert_eq!(report.counts.to_vec(), vec![512, 511]);
    // Offsets below u64::MAX: 1 to 1023, so min 1 and max 1023.
    assert_eq!((report.mins[0], report.maxs[0]), (1.0, 1023.0));

    let before = Simulation::new(&ep, 1, u64::MAX)
        .shard(Shard::new(chunks - 2, chunks).expect("shard"))
        .run()
        .expect("runs");
    assert_eq!(before.statistics().counts.to_vec(), vec![512, 512]);
}

#[test]
fn the_binary_counts_the_last_shard_below_2_pow_64() {
    let out = Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args([
            "simulate",
            SCENARIO,
            "--runs",
            &u64::MAX.to_string(),
            "--shard",
            &format!("{}/{}", (1u64 << 54) - 1, 1u64 << 54),
            "--seed",
            "1",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["counted_runs"].as_u64(), Some(1023));
    let counted: u64 = v["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .map(|o| o["count"].as_u64().expect("count"))
        .sum();
    assert_eq!(counted, 1023);
}

#[test]
fn zero_runs_is_an_error_naming_the_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args(["simulate", SCENARIO, "--runs", "0", "--seed", "1"])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--runs") && err.contains("at least 1"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn fewer_than_two_draws_is_an_error_naming_the_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args([
            "calibrate",
            SCENARIO,
            "--draws",
            "1",
            "-o",
            "/nonexistent/p.json",
        ])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--draws") && err.contains("at least 2"),
        "{err}"
    );
}
