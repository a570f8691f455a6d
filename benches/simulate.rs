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
//! Run briefly: `cargo bench --bench simulate -- --warm-up-time 1 --measurement-time 2`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use escalation::scenario::Scenario;
use escalation::sim::{run_rng, Episode, RunRecord, ScenarioEpisode, Simulation};
use rand::Rng;
use rayon::prelude::*;
use std::hint::black_box;

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");
const SEED: u64 = 2025;
const RUNS: u64 = 2048;

/// Random words (32-bit) and `exp` calls of each run, and the number of fallback solves.
fn work_per_run(episode: &ScenarioEpisode) -> (Vec<(u64, u64)>, u64) {
    let mut scratch = episode.scratch();
    let mut record = RunRecord::new(episode.layout());
    let work = (0..RUNS)
        .map(|run| {
            let mut rng = run_rng(SEED, run);
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
                    let mut rng = run_rng(SEED, (c * 1024 + i) as u64);
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
