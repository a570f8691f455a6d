//! Fuzz tests of the three parsers (`.efg`, `.nfg`, scenario TOML) and of the `merge` reader
//! (shard summary JSON): the bundled valid files, mutated by byte flips, truncation, token
//! deletion and duplication, huge numbers and bytes that are not UTF-8.
//!
//! Every mutated input must give no panic and either a value or an error that locates the
//! problem: file and line and column for syntax, the file (and field or check) otherwise. A
//! mutated summary that reads back under its checksum must be the original summary (an edit
//! the checksum let through would be a silent wrong answer).
//!
//! The default `cargo test` runs a few hundred cases per parser from fixed seeds, so every run
//! checks the same inputs; `.ci/run` runs the `#[ignore]`d versions, with 40 times as many
//! cases, in release mode. Each test prints what it saw (accepted, refused, slowest case).

use escalation::game::load::read_game_file;
use escalation::game::{efg, LoadError};
use escalation::scenario::{Scenario, ScenarioError};
use escalation::sim::{merge, ScenarioEpisode, Simulation, Summary, SummaryError, Unchecksummed};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Cases per parser in the default run, and in the `#[ignore]`d long run.
const CASES: u32 = 300;
const LONG_CASES: u32 = 12_000;

/// One edit of a file's bytes; positions are fractions of the length, so that one strategy
/// serves files of any size.
#[derive(Clone, Debug)]
enum Mutation {
    /// Flip one bit of the byte at this position.
    FlipBit(f64, u8),
    /// Keep only the bytes before this position.
    Truncate(f64),
    /// Remove the whitespace-separated token at this position.
    DeleteToken(f64),
    /// Repeat the token at this position.
    DuplicateToken(f64),
    /// Replace the token at this position by a number with this many digits (or, with
    /// `exponent`, by `1e<digits>`).
    HugeNumber(f64, usize, bool),
    /// Insert these bytes (often not UTF-8) at this position.
    Insert(f64, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0f64..1.0;
    let odd_bytes = prop::collection::vec(
        prop::sample::select(vec![
            0xffu8, 0xfe, 0xc3, 0x80, 0xe2, 0x00, b'{', b'}', b'"', b'\n', b'[', b'=', b',', b'-',
            b'/', b'\\', b'e', b'1', b'.',
        ]),
        1..6,
    );
    prop_oneof![
        (at.clone(), 0u8..8).prop_map(|(p, b)| Mutation::FlipBit(p, b)),
        at.clone().prop_map(Mutation::Truncate),
        at.clone().prop_map(Mutation::DeleteToken),
        at.clone().prop_map(Mutation::DuplicateToken),
        (
            at.clone(),
            prop_oneof![20usize..400, Just(30_000)],
            any::<bool>()
        )
            .prop_map(|(p, n, e)| Mutation::HugeNumber(p, n, e)),
        (at, odd_bytes).prop_map(|(p, b)| Mutation::Insert(p, b)),
    ]
}

/// The byte ranges of the whitespace-separated tokens of `bytes`.
fn tokens(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (b.is_ascii_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, bytes.len()));
    }
    out
}

fn index(frac: f64, len: usize) -> usize {
    ((frac * len as f64) as usize).min(len.saturating_sub(1))
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len();
    if len == 0 {
        return;
    }
    let token = |bytes: &[u8], frac: f64| {
        let t = tokens(bytes);
        (!t.is_empty()).then(|| t[index(frac, t.len())])
    };
    match m {
        Mutation::FlipBit(p, bit) => bytes[index(*p, len)] ^= 1 << bit,
        Mutation::Truncate(p) => bytes.truncate(index(*p, len)),
        Mutation::DeleteToken(p) => {
            if let Some((a, b)) = token(bytes, *p) {
                bytes.drain(a..b);
            }
        }
        Mutation::DuplicateToken(p) => {
            if let Some((a, b)) = token(bytes, *p) {
                let copy: Vec<u8> = bytes[a..b].to_vec();
                bytes.splice(b..b, std::iter::once(b' ').chain(copy));
            }
        }
        Mutation::HugeNumber(p, n, exponent) => {
            if let Some((a, b)) = token(bytes, *p) {
                let number = if *exponent {
                    format!("1e{}", "9".repeat((*n).min(12)))
                } else {
                    "7".repeat(*n)
                };
                bytes.splice(a..b, number.into_bytes());
            }
        }
        Mutation::Insert(p, ins) => {
            let at = index(*p, len + 1).min(len);
            bytes.splice(at..at, ins.iter().copied());
        }
    }
}

/// A seed file and the mutations to apply to it.
fn case(seeds: usize) -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    (0..seeds, prop::collection::vec(mutation(), 1..4))
}

/// What a fuzz run saw.
#[derive(Default)]
struct Tally {
    accepted: AtomicU64,
    refused: AtomicU64,
    slowest: Mutex<Duration>,
}

impl Tally {
    fn record(&self, ok: bool, took: Duration) {
        let n = if ok { &self.accepted } else { &self.refused };
        n.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut s) = self.slowest.lock() {
            *s = (*s).max(took);
        }
    }

    fn print(&self, family: &str) {
        let slowest = self.slowest.lock().map(|s| *s).unwrap_or_default();
        eprintln!(
            "fuzz {family}: {} accepted, {} refused with a located error, 0 panics; slowest \
             case {:.1} ms",
            self.accepted.load(Ordering::Relaxed),
            self.refused.load(Ordering::Relaxed),
            slowest.as_secs_f64() * 1e3
        );
    }
}

/// Runs `check` on `cases` mutated copies of `seeds` (bytes), from a fixed proptest seed.
fn fuzz(
    family: &str,
    seeds: &[Vec<u8>],
    cases: u32,
    seed: u64,
    check: impl Fn(&[u8], usize) -> Result<bool, TestCaseError>,
) {
    let config = Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    };
    let tally = Tally::default();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case(seeds.len()), |(k, muts)| {
        let mut bytes = seeds[k].clone();
        for m in &muts {
            apply(&mut bytes, m);
        }
        let start = Instant::now();
        let ok = check(&bytes, k)?;
        tally.record(ok, start.elapsed());
        Ok(())
    });
    tally.print(family);
    if let Err(e) = result {
        panic!("{family}: {e}");
    }
}

fn read_dir(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(dir))
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

fn seeds(paths: &[PathBuf]) -> Vec<Vec<u8>> {
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("seed"))
        .collect()
}

/// A scratch file per thread for the parsers that read paths.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("escalation-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(format!("{:?}-{name}", std::thread::current().id()).replace(['(', ')'], ""))
}

/// `.efg` and `.nfg` through [`read_game_file`]: a syntax error has line and column, every
/// error names the file, and a game read back writes out.
fn check_game(bytes: &[u8], ext: &str) -> Result<bool, TestCaseError> {
    let path = scratch(&format!("case.{ext}"));
    std::fs::write(&path, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    match read_game_file(&path) {
        Ok(loaded) => {
            let _ = efg::write(&loaded.to_game());
            Ok(true)
        }
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.contains(path.to_str().unwrap_or_default()), "{msg}");
            prop_assert!(msg.len() < 4096, "{} bytes", msg.len());
            if let LoadError::Parse(p) = &e {
                prop_assert!(p.line >= 1 && p.column >= 1, "{msg}");
            }
            Ok(false)
        }
    }
}

fn check_scenario(bytes: &[u8]) -> Result<bool, TestCaseError> {
    let path = scratch("case.toml");
    std::fs::write(&path, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    match Scenario::from_path(&path) {
        Ok(s) => {
            let _ = s.summary();
            Ok(true)
        }
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.starts_with(path.to_str().unwrap_or_default()), "{msg}");
            if matches!(
                e,
                ScenarioError::Syntax { .. } | ScenarioError::Invalid { .. }
            ) {
                prop_assert!(e.line().is_some_and(|l| l >= 1), "{msg}");
            }
            Ok(false)
        }
    }
}

/// Shard parts of a small Colombia simulation: two with checksums, and the same two as
/// written before checksums (read with [`Unchecksummed::Accept`], so that mutations reach
/// the consistency checks and `merge`).
fn summary_seeds() -> Vec<Vec<u8>> {
    let path = Path::new(ROOT).join("scenarios/colombia_2025.toml");
    let text = std::fs::read(&path).expect("scenario");
    let scenario = Scenario::from_path(&path).expect("scenario");
    let episode = ScenarioEpisode::new(&scenario, &escalation::sim::scenario_fingerprint(&text))
        .expect("episode");
    let mut out = Vec::new();
    for i in 0..2 {
        let part = Simulation::new(&episode, 3, 2100)
            .shard(escalation::sim::Shard::new(i, 2).expect("shard"))
            .run()
            .expect("runs");
        out.push(part.to_json().into_bytes());
    }
    for i in 0..2 {
        let mut doc: serde_json::Value = serde_json::from_slice(&out[i]).expect("json");
        doc["format"] = escalation::sim::FORMAT_V1.into();
        doc.as_object_mut().expect("object").remove("checksum");
        out.push(serde_json::to_vec_pretty(&doc).expect("json"));
    }
    out
}

/// The `merge` reader: UTF-8 with a position, then [`Summary::from_json_with`]. Accepted
/// parts must merge, report and print without panic; a part accepted under its checksum must
/// be the seed itself.
fn check_summary(bytes: &[u8], seed: &[u8], checksummed: bool) -> Result<bool, TestCaseError> {
    let Ok(text) = escalation::text::decode_utf8(bytes) else {
        return Ok(false);
    };
    let policy = if checksummed {
        Unchecksummed::Refuse
    } else {
        Unchecksummed::Accept
    };
    match Summary::from_json_with(text, policy) {
        Ok(s) => {
            if checksummed {
                let original = std::str::from_utf8(seed).unwrap_or_default();
                prop_assert_eq!(s.to_json(), original, "an edit passed the checksum");
            }
            let _ = s.statistics();
            let _ = s.to_csv();
            if let Ok(whole) = merge(vec![("part".into(), s)]) {
                let _ = whole.to_json();
            }
            Ok(true)
        }
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(!msg.is_empty());
            if let SummaryError::Json { line, column, .. } = e {
                prop_assert!(line >= 1 && column >= 1, "{msg}");
            }
            Ok(false)
        }
    }
}

fn efg_family(cases: u32) {
    let mut paths = read_dir("tests/fixtures/gambit/games", "efg");
    paths.extend(read_dir("tests/fixtures/colombia_gambit", "efg"));
    fuzz("efg", &seeds(&paths), cases, 0xef9, |b, _| {
        check_game(b, "efg")
    });
}

fn nfg_family(cases: u32) {
    let mut paths = read_dir("tests/fixtures/gambit/games", "nfg");
    paths.extend(read_dir("tests/fixtures/io/strategic", "nfg"));
    fuzz("nfg", &seeds(&paths), cases, 0x4f9, |b, _| {
        check_game(b, "nfg")
    });
}

fn scenario_family(cases: u32) {
    let mut paths = read_dir("scenarios", "toml");
    paths.push(Path::new(ROOT).join("tests/malformed_scenarios/valid_base.toml"));
    fuzz("scenario", &seeds(&paths), cases, 0x70e1, |b, _| {
        check_scenario(b)
    });
}

fn summary_family(cases: u32) {
    let seeds = summary_seeds();
    fuzz("summary", &seeds, cases, 0x5a3, |b, k| {
        check_summary(b, &seeds[k], k < 2)
    });
}

#[test]
fn fuzz_efg() {
    efg_family(CASES);
}

#[test]
fn fuzz_nfg() {
    nfg_family(CASES);
}

#[test]
fn fuzz_scenario() {
    scenario_family(CASES);
}

#[test]
fn fuzz_summary() {
    summary_family(CASES);
}

#[test]
#[ignore = "long fuzz run: `cargo test --release --test fuzz_parsers -- --ignored` (.ci/run)"]
fn fuzz_long() {
    efg_family(LONG_CASES);
    nfg_family(LONG_CASES);
    scenario_family(LONG_CASES);
    summary_family(LONG_CASES);
}
