//! The main job: the US–Colombia deportation-flights standoff of January 2025, end to end.
//!
//! `cargo run --release --example colombia_2025`
//!
//! 1. Calibrate the scenario's priors to what happened (the documented path of
//!    `scenarios/colombia_2025.toml`) by tempered sequential Monte Carlo.
//! 2. Simulate the scenario's uncertainty (Monte Carlo over the priors, reproducible for any
//!    thread count).
//! 3. Run every named intervention against the baseline on the same posterior draws with
//!    common random numbers, given the crisis opened as documented (Colombia refused the
//!    flights, the US threatened), and report paired differences with their intervals.

use escalation::calibrate::{NoObserver, ScenarioProblem, SmcConfig};
use escalation::scenario::Scenario;
use escalation::sim::{scenario_fingerprint, ScenarioEpisode, Simulation};
use escalation::whatif::{
    documented_opening, reading_order, scenario_courses, scenario_whatif_given, PairedConfig,
    Readings,
};
use std::time::Instant;

/// One seed for the whole job: rerunning prints the same numbers, whatever the machine.
const SEED: u64 = 2025;
/// Particles of the calibration.
const PARTICLES: usize = 2000;
/// Monte Carlo runs over the priors.
const RUNS: u64 = 20_000;
/// Posterior draws for the counterfactuals (each with 10 paired replicates).
const WHATIF_DRAWS: usize = 400;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");
    let scenario = Scenario::from_path(path)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    println!("{}", scenario.title);
    println!("{}", "=".repeat(scenario.title.chars().count()));
    println!("\nWhat happened (the documented path the model is calibrated to):");
    for step in &scenario.documented_path().steps {
        println!("  {:<22} {:?} {:?}", step.time, step.actor, step.action);
    }

    // 1. Calibration.
    let problem = ScenarioProblem::new(&scenario)?;
    let mut config = SmcConfig::default();
    config.particles = PARTICLES;
    config.seed = SEED;
    let posterior = problem.calibrate(config, &mut NoObserver)?;
    println!("\n1. Calibration ({PARTICLES} particles, seed {SEED})\n");
    println!("{}", posterior.summary());

    // 2. Monte Carlo over the priors.
    let fingerprint = scenario_fingerprint(&std::fs::read(path)?);
    let episode = ScenarioEpisode::new(&scenario, &fingerprint)?;
    let summary = Simulation::new(&episode, SEED, RUNS)
        .threads(threads)
        .run()?;
    let report = summary.statistics();
    println!("2. Monte Carlo over the priors ({RUNS} runs, seed {SEED}, {threads} threads)\n");
    println!("{:<22} {:>8}  95% Wilson interval", "outcome", "share");
    for (c, class) in summary.layout().classes.iter().enumerate() {
        println!(
            "{class:<22} {:>8.4}  [{:.4}, {:.4}]",
            report.frequencies[c],
            report.wilson95[[c, 0]],
            report.wilson95[[c, 1]]
        );
    }
    println!(
        "\n{:<22} {:>10} {:>10} {:>10}",
        "metric", "mean", "median", "p95"
    );
    for (m, spec) in summary.layout().metrics.iter().enumerate() {
        println!(
            "{:<22} {:>10.4} {:>10.4} {:>10.4}",
            spec.name,
            report.means[m],
            report.quantiles[[m, 2]],
            report.quantiles[[m, 4]]
        );
    }

    // 3. Counterfactuals: every intervention of the scenario.
    let names: Vec<&str> = scenario
        .interventions()
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    let names = reading_order(&scenario, &names);
    let paired = PairedConfig {
        replicates: 10,
        seed: SEED,
        threads: None,
    };
    let opening = documented_opening(&scenario);
    let given = scenario_whatif_given(
        &scenario,
        &posterior,
        &names,
        WHATIF_DRAWS,
        &paired,
        Some(&opening),
    )?;
    println!(
        "\n3. Counterfactuals ({WHATIF_DRAWS} posterior draws × {} paired replicates)\n",
        paired.replicates
    );
    for i in scenario.interventions() {
        println!("  {:<26} {}", i.name, i.description.trim());
    }
    println!("\n{given}");
    // 4. The readings of "what if Petro had held firm?" side by side, with their time
    // course over the same runs; the one most users mean (Petro resolute, Washington not
    // knowing it) leads.
    let petro = reading_order(
        &scenario,
        &names
            .iter()
            .copied()
            .filter(|n| n.starts_with("petro_holds_firm"))
            .collect::<Vec<_>>(),
    );
    let courses = scenario_courses(
        &scenario,
        &posterior,
        &petro,
        WHATIF_DRAWS,
        &paired,
        Some(&opening),
    )?;
    println!(
        "4. What if Petro had held firm? Three readings, given {}\n",
        given.opening.as_deref().unwrap_or_default().join(" → ")
    );
    println!("{}", Readings::new(&scenario, courses));
    println!(
        "Finished in {:.1} s. Same seed, same numbers: rerun to check.",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
