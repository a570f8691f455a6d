//! Monte Carlo runs of the US–Colombia scenario from Rust, split into shards and merged back.
//!
//! `cargo run --release --example monte_carlo -- [RUNS] [SEED]`
//!
//! Run `i` draws the parameters from their priors, solves the logit QRE of the ladder and
//! samples a path of play, all from `ChaCha8Rng::seed_from_u64(SEED)` with stream `i`; so the
//! summary is the same for any number of threads, and the merged shards give exactly the
//! summary of the whole.

use escalation::scenario::Scenario;
use escalation::sim::{merge, scenario_fingerprint, Progress, ScenarioEpisode, Shard, Simulation};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let runs: u64 = args.next().map_or(Ok(20_000), |s| s.parse())?;
    let seed: u64 = args.next().map_or(Ok(2025), |s| s.parse())?;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");
    let scenario = Scenario::from_path(path)?;
    let episode = ScenarioEpisode::new(&scenario, &scenario_fingerprint(&std::fs::read(path)?))?;

    // The whole simulation on two threads, with a progress observer.
    let mut last = 0;
    let mut progress = |p: &Progress| {
        let pct = 100 * p.done / p.total.max(1);
        if pct >= last + 25 {
            eprintln!("{pct:>3}% of {} runs", p.total);
            last = pct;
        }
    };
    let whole = Simulation::new(&episode, seed, runs)
        .threads(2)
        .observe(&mut progress)
        .run()?;

    // The same in three shards (as three machines would), merged.
    let parts = (0..3)
        .map(|i| {
            let shard = Shard::new(i, 3)?;
            let part = Simulation::new(&episode, seed, runs).shard(shard).run()?;
            Ok((format!("shard {shard}"), part))
        })
        .collect::<Result<Vec<_>, Box<dyn std::error::Error>>>()?;
    let merged = merge(parts)?;
    assert_eq!(merged.to_json(), whole.to_json());

    let report = whole.statistics();
    println!("{} — {runs} runs, seed {seed}", scenario.title);
    println!(
        "{:<22} {:>8} {:>8}  95% interval",
        "outcome", "runs", "share"
    );
    for (c, class) in whole.layout().classes.iter().enumerate() {
        println!(
            "{class:<22} {:>8} {:>8.4}  [{:.4}, {:.4}]",
            report.counts[c],
            report.frequencies[c],
            report.wilson95[[c, 0]],
            report.wilson95[[c, 1]]
        );
    }
    println!(
        "{:<22} {:>10} {:>10} {:>10} {:>10}",
        "metric", "mean", "sd", "median", "p95"
    );
    for (m, spec) in whole.layout().metrics.iter().enumerate() {
        println!(
            "{:<22} {:>10.4} {:>10.4} {:>10.4} {:>10.4}",
            spec.name,
            report.means[m],
            report.sds[m],
            report.quantiles[[m, 2]],
            report.quantiles[[m, 4]]
        );
    }
    println!("three shards merged: identical summary");
    Ok(())
}
