//! The slowest draw of the prior against the median, for every bundled scenario
//! (`scenarios/`) and every case of the library (`cases/`): 400 runs of each from the prior,
//! seed 1, one thread, each run timed as the least of [`TIMINGS`] plays of it (so that the
//! machine's preemption does not count); the median run, the 99th percentile and the slowest
//! run, each as a multiple of the median, and the draws that had no QRE the solver could find
//! and were drawn again (their failed solve is part of their run's time). For the slowest
//! run, its passes over the game and the folds of the branch that arc length passed after its
//! Newton continuation stalled; per file, the runs whose continuation stalled and the most
//! folds in one run (a branch that turns back that often is long: its cost is its length).
//!
//! Criterion then times one play of the Colombia scenario's slowest run against its median
//! run.
//!
//! Run: `cargo bench --bench worst_draw` (about two minutes: the slowest draws take seconds).

mod common;

use common::{median, seconds};
use criterion::{criterion_group, criterion_main, Criterion};
use escalation::mc::{stream, Purpose};
use escalation::scenario::{files_in, Scenario};
use escalation::sim::{Episode, RunRecord, ScenarioEpisode};
use std::hint::black_box;
use std::path::Path;

const SEED: u64 = 1;
const RUNS: u64 = 400;
/// Plays of each run timed for its time (the least is kept).
const TIMINGS: usize = 3;

/// What one run cost the solver (its first play): passes over the game, continuations
/// that stalled and went on by arc length, and the folds of the branch that arc length
/// passed.
#[derive(Clone, Copy, Default)]
struct RunWork {
    passes: u64,
    stalled: u64,
    folds: u64,
}

/// Each run's time (the least of [`TIMINGS`] plays) and its solver's work, in run order.
fn run_times(episode: &ScenarioEpisode) -> Vec<(f64, RunWork)> {
    let mut scratch = episode.scratch();
    let mut record = RunRecord::new(episode.layout());
    (0..RUNS)
        .map(|run| {
            let mut work = RunWork::default();
            let time = (0..TIMINGS)
                .map(|play| {
                    let mut rng = stream(SEED, Purpose::RUNS, run);
                    let before = scratch.solver_work();
                    let t = seconds(|| {
                        let played = episode.play(run, &mut rng, &mut scratch, &mut record);
                        black_box(played.is_ok());
                    });
                    if play == 0 {
                        let after = scratch.solver_work();
                        work = RunWork {
                            passes: after.evaluations - before.evaluations,
                            stalled: after.fallbacks - before.fallbacks,
                            folds: after.folds - before.folds,
                        };
                    }
                    t
                })
                .fold(f64::INFINITY, f64::min);
            (time, work)
        })
        .collect()
}

/// The scenario files of `dir` (in the crate), sorted.
fn files(dir: &str) -> Vec<String> {
    files_in(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .unwrap_or_default()
        .iter()
        .map(|p| p.display().to_string())
        .collect()
}

fn bench(c: &mut Criterion) {
    eprintln!(
        "{RUNS} runs of the prior each, seed {SEED}, one thread; each run the least of {TIMINGS} plays"
    );
    for file in files("scenarios").into_iter().chain(files("cases")) {
        let name = Path::new(&file)
            .file_stem()
            .map_or(file.clone(), |s| s.to_string_lossy().into_owned());
        let episode = match Scenario::from_path(&file)
            .map_err(|e| e.to_string())
            .and_then(|s| ScenarioEpisode::new(&s, "bench").map_err(|e| e.to_string()))
        {
            Ok(e) => e,
            Err(e) => {
                eprintln!("{name}: not measured: {e}");
                continue;
            }
        };
        let runs = run_times(&episode);
        let mut sorted: Vec<f64> = runs.iter().map(|r| r.0).collect();
        let med = median(&mut sorted);
        let p99 = sorted[sorted.len() * 99 / 100];
        let (worst_run, (worst, work)) =
            runs.iter()
                .enumerate()
                .fold((0, (0.0f64, RunWork::default())), |w, (r, &t)| {
                    if t.0 > w.1 .0 {
                        (r, t)
                    } else {
                        w
                    }
                });
        let stalled = runs.iter().filter(|r| r.1.stalled > 0).count();
        let most_folds = runs.iter().map(|r| r.1.folds).max().unwrap_or(0);
        eprintln!(
            "{name:<22} median {:>8.3} ms; 99th percentile {:>6.1}x; slowest (run {worst_run:>3}) \
             {:>8.1}x, {:>9.3} ms, {} passes, {} folds; redrawn draws {}; runs with a stalled \
             continuation {stalled}, most folds in one run {most_folds}",
            med * 1e3,
            p99 / med,
            worst / med,
            worst * 1e3,
            work.passes,
            work.folds,
            episode.redraws() / TIMINGS as u64,
        );
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");
    let Ok(episode) = Scenario::from_path(path)
        .map_err(|e| e.to_string())
        .and_then(|s| ScenarioEpisode::new(&s, "bench").map_err(|e| e.to_string()))
    else {
        return;
    };
    let times: Vec<f64> = run_times(&episode).iter().map(|r| r.0).collect();
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by(|&a, &b| times[a].total_cmp(&times[b]));
    let mut scratch = episode.scratch();
    let mut record = RunRecord::new(episode.layout());
    let mut g = c.benchmark_group("worst_draw");
    for (label, run) in [
        ("colombia_median_run", order[order.len() / 2]),
        ("colombia_slowest_run", order[order.len() - 1]),
    ] {
        g.bench_function(label, |b| {
            b.iter(|| {
                let mut rng = stream(SEED, Purpose::RUNS, run as u64);
                episode
                    .play(run as u64, &mut rng, &mut scratch, &mut record)
                    .expect("plays")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
