//! Throughput of `simulate` on the Colombia scenario (runs per second), against a roofline:
//! a loop that draws the same random words per run from the same ChaCha8 streams and computes
//! the same number of `exp`s as the run's logit QRE solve, and nothing else.
//!
//! The work per run is measured once, untimed, before the benchmarks, by playing each run
//! as the simulation does: the random words from the run's stream position after `play`, the
//! `exp`s from the QRE solver's own counter ([`escalation::sim::ScenarioScratch::solver_work`]).
//! Solves that fall back to path following are reported (their `exp`s are not counted, which
//! only flatters the roofline, never the simulation).
//!
//! Before criterion's own measurements, the bench prints a paired one that a noisy machine
//! cannot skew as easily: [`PAIRED_ROUNDS`] rounds, each timing the simulation and the
//! roofline back to back on 1 and on 2 threads; it reports the median over rounds of each
//! round's ratios (roofline time / simulation time, and 1-thread / 2-thread time).
//!
//! Run briefly: `cargo bench --bench simulate -- --warm-up-time 1 --measurement-time 2`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use escalation::mc::{stream, Purpose};
use escalation::scenario::Scenario;
use escalation::sim::{Episode, RunRecord, ScenarioEpisode, Simulation};
use rand::Rng;
use rayon::prelude::*;
use std::hint::black_box;
use std::time::Instant;

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");
const SEED: u64 = 2025;
const RUNS: u64 = 2048;
/// Rounds of the paired measurement.
const PAIRED_ROUNDS: usize = 11;

/// Random words (32-bit) and `exp` calls of each run, and the number of fallback solves.
fn work_per_run(episode: &ScenarioEpisode) -> (Vec<(u64, u64)>, u64) {
    let mut scratch = episode.scratch();
    let mut record = RunRecord::new(episode.layout());
    let work = (0..RUNS)
        .map(|run| {
            let mut rng = stream(SEED, Purpose::RUNS, run);
            let before = scratch.solver_work().exps;
            episode
                .play(run, &mut rng, &mut scratch, &mut record)
                .expect("the Colombia scenario plays");
            let words = rng.get_word_pos() as u64;
            (words, scratch.solver_work().exps - before)
        })
        .collect();
    (work, scratch.solver_work().fallbacks)
}

/// The roofline: per run, the same stream and number of words, and as many independent
/// `exp`s; in chunks of 1024 runs on a local pool like the runner.
fn roofline(work: &[(u64, u64)], pool: &rayon::ThreadPool) -> f64 {
    pool.install(|| {
        work.par_chunks(1024)
            .enumerate()
            .map(|(c, chunk)| {
                let mut acc = 0.0f64;
                for (i, &(words, exps)) in chunk.iter().enumerate() {
                    let mut rng = stream(SEED, Purpose::RUNS, (c * 1024 + i) as u64);
                    for _ in 0..words / 2 {
                        acc += (rng.next_u64() >> 11) as f64;
                    }
                    if words % 2 == 1 {
                        acc += f64::from(rng.next_u32());
                    }
                    let x = acc * 1e-30;
                    for k in 0..exps {
                        acc += (x - k as f64 * 1e-3).exp();
                    }
                }
                acc
            })
            .sum()
    })
}

/// Seconds taken by `f`.
fn seconds(f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64()
}

/// The median of `x` (sorted in place).
fn median(x: &mut [f64]) -> f64 {
    x.sort_by(f64::total_cmp);
    let n = x.len();
    if n % 2 == 1 {
        x[n / 2]
    } else {
        0.5 * (x[n / 2 - 1] + x[n / 2])
    }
}

/// The paired measurement (see the module documentation): per round, the simulation and the
/// roofline back to back on 1 and 2 threads.
fn paired(episode: &ScenarioEpisode, work: &[(u64, u64)]) {
    let pools: Vec<_> = [1, 2]
        .map(|t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .expect("pool")
        })
        .into();
    let (mut r1, mut r2) = (Vec::new(), Vec::new());
    let (mut speedup, mut roof_speedup) = (Vec::new(), Vec::new());
    for _ in 0..PAIRED_ROUNDS {
        let mut sim = [0.0; 2];
        let mut roof = [0.0; 2];
        for (k, threads) in [1usize, 2].into_iter().enumerate() {
            sim[k] = seconds(|| {
                black_box(
                    Simulation::new(episode, SEED, RUNS)
                        .threads(threads)
                        .run()
                        .expect("runs"),
                );
            });
            roof[k] = seconds(|| {
                black_box(roofline(work, &pools[k]));
            });
        }
        r1.push(roof[0] / sim[0]);
        r2.push(roof[1] / sim[1]);
        speedup.push(sim[0] / sim[1]);
        roof_speedup.push(roof[0] / roof[1]);
    }
    eprintln!(
        "paired, median of {PAIRED_ROUNDS} rounds: simulate runs/s = {:.1}% of the roofline's \
         on 1 thread, {:.1}% on 2 threads; simulate on 2 threads = {:.2}x 1 thread (the \
         roofline's own: {:.2}x)",
        100.0 * median(&mut r1),
        100.0 * median(&mut r2),
        median(&mut speedup),
        median(&mut roof_speedup)
    );
}

fn bench(c: &mut Criterion) {
    let scenario = Scenario::from_path(SCENARIO).expect("scenario");
    let episode = ScenarioEpisode::new(&scenario, "bench").expect("compiles");
    let (work, fallbacks) = work_per_run(&episode);
    let (words, exps): (u64, u64) = work.iter().fold((0, 0), |(w, e), &(a, b)| (w + a, e + b));
    eprintln!(
        "per run: {:.1} random words, {:.1} exps; {fallbacks} fallback solve(s) in {RUNS} runs",
        words as f64 / RUNS as f64,
        exps as f64 / RUNS as f64
    );
    paired(&episode, &work);
    let mut g = c.benchmark_group("colombia");
    g.throughput(Throughput::Elements(RUNS));
    g.sample_size(10);
    for threads in [1usize, 2] {
        g.bench_function(format!("simulate_{threads}_threads"), |b| {
            b.iter(|| {
                Simulation::new(&episode, SEED, RUNS)
                    .threads(threads)
                    .run()
                    .expect("runs")
            })
        });
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        g.bench_function(format!("roofline_{threads}_threads"), |b| {
            b.iter(|| black_box(roofline(&work, &pool)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
