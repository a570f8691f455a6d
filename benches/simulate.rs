//! Throughput of `simulate` on the Colombia scenario (runs per second), against a roofline
//! measured in the same run: per run, the same random words from the same ChaCha8 streams,
//! then [`ROOF_PASSES`] passes of `exp` over the game's actions (both views, the
//! challenger's and the target's: twice the profile's length), independent within a pass,
//! each pass normalised and fed to the next. That is the cost of a solve that settles in
//! 20 passes and does nothing else.
//!
//! The solver's work per run is measured once, untimed by criterion, before the benchmarks,
//! by playing each run as the simulation does: passes over the game (evaluations of the
//! equations), Newton solves, `exp`s (the solver's own counters,
//! [`escalation::sim::ScenarioScratch::solver_work`]) and fallbacks to path following; and
//! each run's time (the least of three plays of it, so that the machine's preemption does not
//! count), for the worst draw of the prior against the median.
//!
//! Before criterion's own measurements, the bench prints a paired one that a noisy machine
//! cannot skew as easily: [`PAIRED_ROUNDS`] rounds, each timing the simulation and the
//! roofline back to back on 1 and on 2 threads; it reports the median over rounds of each
//! round's ratios (roofline time / simulation time, and 1-thread / 2-thread time).
//!
//! Run briefly: `cargo bench --bench simulate -- --warm-up-time 1 --measurement-time 2`.

mod common;

use common::{median, seconds};
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
/// Plays of each run timed for its time (the least is kept).
const TIMINGS: usize = 3;
/// Passes of `exp` over the game's actions per run in the roofline.
const ROOF_PASSES: usize = 20;

/// What one run took: random words (32-bit), the solver's work, and its time.
#[derive(Clone, Copy, Debug, Default)]
struct RunWork {
    words: u64,
    exps: u64,
    passes: u64,
    solves: u64,
    seconds: f64,
}

/// The work of each run, and the number of fallback solves.
fn work_per_run(episode: &ScenarioEpisode) -> (Vec<RunWork>, u64) {
    let mut scratch = episode.scratch();
    let mut record = RunRecord::new(episode.layout());
    let mut fallbacks = 0;
    let work = (0..RUNS)
        .map(|run| {
            let mut rng = stream(SEED, Purpose::RUNS, run);
            let before = scratch.solver_work();
            let start = Instant::now();
            episode
                .play(run, &mut rng, &mut scratch, &mut record)
                .expect("the Colombia scenario plays");
            let mut seconds = start.elapsed().as_secs_f64();
            let after = scratch.solver_work();
            let words = rng.get_word_pos() as u64;
            // The run's time is the least of TIMINGS plays of it (the same draw and
            // solve): one play's time can include the machine's preemption.
            for _ in 1..TIMINGS {
                let mut rng = stream(SEED, Purpose::RUNS, run);
                let start = Instant::now();
                episode
                    .play(run, &mut rng, &mut scratch, &mut record)
                    .expect("the Colombia scenario plays");
                seconds = seconds.min(start.elapsed().as_secs_f64());
            }
            fallbacks += after.fallbacks - before.fallbacks;
            RunWork {
                words,
                exps: after.exps - before.exps,
                passes: after.evaluations - before.evaluations,
                solves: after.solves - before.solves,
                seconds,
            }
        })
        .collect();
    (work, fallbacks)
}

/// The roofline: per run, the same stream and number of words, then [`ROOF_PASSES`] passes
/// of `exp` over `actions` values, each pass normalised and fed to the next; in chunks of
/// 1024 runs on a local pool like the runner.
fn roofline(work: &[RunWork], actions: usize, pool: &rayon::ThreadPool) -> f64 {
    pool.install(|| {
        work.par_chunks(1024)
            .enumerate()
            .map(|(c, chunk)| {
                let mut acc = 0.0f64;
                let mut x = vec![0.0f64; actions];
                for (i, w) in chunk.iter().enumerate() {
                    let mut rng = stream(SEED, Purpose::RUNS, (c * 1024 + i) as u64);
                    for _ in 0..w.words / 2 {
                        acc += (rng.next_u64() >> 11) as f64;
                    }
                    if w.words % 2 == 1 {
                        acc += f64::from(rng.next_u32());
                    }
                    for (k, v) in x.iter_mut().enumerate() {
                        *v = acc * 1e-30 + k as f64 * 1e-3;
                    }
                    for _ in 0..ROOF_PASSES {
                        let mut total = 0.0;
                        for v in x.iter_mut() {
                            *v = v.exp();
                            total += *v;
                        }
                        let inv = 1.0 / total;
                        for v in x.iter_mut() {
                            *v *= inv;
                        }
                    }
                    acc += x[0];
                }
                acc
            })
            .sum()
    })
}

/// Prints the solver's work per run: passes, solves and `exp`s (mean and median), and the
/// worst draw (most passes, and slowest) against the median.
fn report_work(work: &[RunWork], fallbacks: u64, actions: usize) {
    let n = work.len() as f64;
    let mean = |f: fn(&RunWork) -> u64| work.iter().map(f).sum::<u64>() as f64 / n;
    let mut passes: Vec<f64> = work.iter().map(|w| w.passes as f64).collect();
    let mut times: Vec<f64> = work.iter().map(|w| w.seconds).collect();
    let worst = work
        .iter()
        .max_by_key(|w| w.passes)
        .copied()
        .unwrap_or_default();
    let slowest = times.iter().copied().fold(0.0, f64::max);
    let median_time = median(&mut times);
    eprintln!(
        "per run: {:.1} random words; solver: {:.2} passes (median {}), {:.2} Newton solves, \
         {:.1} exps ({:.2} passes' worth of {actions} actions); {fallbacks} fallback solve(s) \
         in {RUNS} runs",
        mean(|w| w.words),
        mean(|w| w.passes),
        median(&mut passes),
        mean(|w| w.solves),
        mean(|w| w.exps),
        mean(|w| w.exps) / actions as f64,
    );
    eprintln!(
        "worst draw over the prior: {} passes in {:.1} us; slowest run {:.1} us; median run \
         {:.1} us; slowest / median = {:.1}",
        worst.passes,
        worst.seconds * 1e6,
        slowest * 1e6,
        median_time * 1e6,
        slowest / median_time
    );
}

/// The paired measurement (see the module documentation): per round, the simulation and the
/// roofline back to back on 1 and 2 threads.
fn paired(episode: &ScenarioEpisode, work: &[RunWork], actions: usize) {
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
                black_box(roofline(work, actions, &pools[k]));
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
    // Both views' actions: the game's strategic actions, solved once per view.
    let actions = 2 * episode.compiled().game().profile_layout().len;
    report_work(&work, fallbacks, actions);
    paired(&episode, &work, actions);
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
            b.iter(|| black_box(roofline(&work, actions, &pool)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
