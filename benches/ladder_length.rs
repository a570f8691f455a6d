//! Cost per run against the ladder's length: the Colombia scenario with its rounds extended
//! to 2, 4 and 8 (rounds of 0.25 and 7.75 days as in the scenario, then 23 days, then
//! 30 days each) and its tariff schedule with them (steps of 25 points at days 0, 7, 30, 60,
//! then every 30 days, at most the model's eight steps). Each variant is measured against the
//! two-round scenario in the same run: the time per run (simulate on one thread, paired
//! rounds), the game's size (nodes, strategic actions) and the solver's passes per run, each
//! as a ratio to two rounds. A variant the model rejects is reported with the model's reason.
//!
//! Not 16 rounds: the game grows about 6× per round past four (201 nodes at two rounds,
//! 1,909 at four, 69,885 at eight), since histories that reach the same state are not
//! merged, and at 16 rounds compiling it did not finish in ten minutes.
//!
//! Run briefly: `cargo bench --bench ladder_length -- --warm-up-time 1 --measurement-time 2`.

mod common;

use common::{median, seconds};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use escalation::mc::{stream, Purpose};
use escalation::scenario::Scenario;
use escalation::sim::{Episode, RunRecord, ScenarioEpisode, Simulation};
use std::hint::black_box;

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");
const SEED: u64 = 2025;
/// Runs per measurement: fewer for the long ladder, whose runs cost about 35 ms each.
fn runs(rounds: usize) -> u64 {
    if rounds <= 4 {
        256
    } else {
        16
    }
}
const PAIRED_ROUNDS: usize = 7;
const SCHEDULE: &str = "schedule = [{ rate = 0.25, day = 0.0 }, { rate = 0.50, day = 7.0 }]";
const ROUNDS: &str = "rounds = [0.25, 7.75]";
/// The most tariff steps the model takes.
const MAX_STEPS: usize = 8;

/// The Colombia scenario with `n` rounds.
fn variant(n: usize) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(SCENARIO).map_err(|e| e.to_string())?;
    if !text.contains(SCHEDULE) || !text.contains(ROUNDS) {
        return Err("the scenario's schedule changed; update the bench".into());
    }
    let day = |k: usize| match k {
        0 => 0.0,
        1 => 7.0,
        2 => 30.0,
        _ => 30.0 * (k as f64 - 1.0),
    };
    let steps: Vec<String> = (0..n.min(MAX_STEPS))
        .map(|k| {
            format!(
                "{{ rate = {:.2}, day = {:.1} }}",
                0.25 * (k + 1) as f64,
                day(k)
            )
        })
        .collect();
    let rounds: Vec<String> = (0..n)
        .map(|k| match k {
            0 => "0.25".to_string(),
            1 => "7.75".to_string(),
            _ => format!("{:.1}", day(k) - day(k - 1)),
        })
        .collect();
    let text = text
        .replace(SCHEDULE, &format!("schedule = [{}]", steps.join(", ")))
        .replace(ROUNDS, &format!("rounds = [{}]", rounds.join(", ")));
    let scenario =
        Scenario::from_str(&text, &format!("colombia, {n} rounds")).map_err(|e| e.to_string())?;
    scenario.compile().map_err(|e| e.to_string())?;
    Ok(scenario)
}

/// Passes over the game per run (mean), over `runs` runs.
fn passes_per_run(episode: &ScenarioEpisode, runs: u64) -> f64 {
    let mut scratch = episode.scratch();
    let mut record = RunRecord::new(episode.layout());
    for run in 0..runs {
        let mut rng = stream(SEED, Purpose::RUNS, run);
        episode
            .play(run, &mut rng, &mut scratch, &mut record)
            .expect("plays");
    }
    scratch.solver_work().evaluations as f64 / runs as f64
}

fn bench(c: &mut Criterion) {
    let mut episodes = Vec::new();
    for n in [2usize, 4, 8] {
        match variant(n).and_then(|s| ScenarioEpisode::new(&s, "bench").map_err(|e| e.to_string()))
        {
            Ok(e) => episodes.push((n, e)),
            Err(e) => eprintln!("{n} rounds: not measured, the model rejects it: {e}"),
        }
    }
    let Some((_, base)) = episodes.first() else {
        return;
    };
    let size = |e: &ScenarioEpisode| {
        let g = e.compiled().game();
        (g.nodes().len() as f64, g.profile_layout().len as f64)
    };
    let (base_nodes, base_actions) = size(base);
    let base_passes = passes_per_run(base, runs(2));
    for (n, episode) in &episodes {
        let mut ratio = Vec::new();
        let mut per_run = Vec::new();
        for _ in 0..PAIRED_ROUNDS {
            let run = |e: &ScenarioEpisode, runs: u64| {
                seconds(|| {
                    black_box(
                        Simulation::new(e, SEED, runs)
                            .threads(1)
                            .run()
                            .expect("runs"),
                    );
                })
            };
            let t_base = run(base, runs(2)) / runs(2) as f64;
            let t = run(episode, runs(*n)) / runs(*n) as f64;
            ratio.push(t / t_base);
            per_run.push(t);
        }
        let (nodes, actions) = size(episode);
        let passes = passes_per_run(episode, runs(*n));
        eprintln!(
            "{n} rounds: {:.1} us per run = {:.2}x two rounds; game {nodes} nodes ({:.2}x), \
             {actions} strategic actions ({:.2}x); {passes:.2} passes per run ({:.2}x)",
            median(&mut per_run) * 1e6,
            median(&mut ratio),
            nodes / base_nodes,
            actions / base_actions,
            passes / base_passes,
        );
    }
    let mut g = c.benchmark_group("ladder_length");
    g.sample_size(10);
    for (n, episode) in &episodes {
        g.throughput(Throughput::Elements(runs(*n)));
        g.bench_function(format!("simulate_{n}_rounds"), |b| {
            b.iter(|| {
                Simulation::new(episode, SEED, runs(*n))
                    .threads(1)
                    .run()
                    .expect("runs")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
