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

use escalation::calibrate::{
    scenario_identity, JointProblem, NoObserver, ScenarioProblem, SmcConfig,
};
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
/// Particles of the joint calibration over the case library.
const JOINT_PARTICLES: usize = 600;

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
    // 5. The same questions from the case library: one joint calibration over every
    // documented standoff in `cases/`, with λ and the challenger's parameters of one leader
    // shared, then the library's Colombia case answered from it.
    library_answers(paired)?;
    println!(
        "Finished in {:.1} s. Same seed, same numbers: rerun to check.",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Section 5: the joint posterior of the case library, what it identifies, and the Petro
/// readings of the library's Colombia case from it.
fn library_answers(paired: PairedConfig) -> Result<(), Box<dyn std::error::Error>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/cases");
    let files = escalation::scenario::files_in(dir)?;
    let cases = files
        .iter()
        .map(Scenario::from_path)
        .collect::<Result<Vec<_>, _>>()?;
    let problem = JointProblem::new(&cases)?;
    let mut config = SmcConfig::default();
    config.particles = JOINT_PARTICLES;
    config.seed = SEED;
    let joint = problem.calibrate(config, &mut NoObserver)?;
    println!(
        "5. The case library: {} standoffs calibrated jointly ({} parameters, \
         {JOINT_PARTICLES} particles, seed {SEED}; {} draws the solver could not solve)\n",
        cases.len(),
        problem.names().len(),
        problem.solver_failures()
    );
    let keys: Vec<&str> = problem.cases().iter().map(|c| c.key.as_str()).collect();
    let own = |name: &str| keys.iter().any(|k| name.starts_with(&format!("{k}.")));
    let summary = joint.summary();
    println!("Shared parameters (prior 90% → posterior 90%):");
    for p in summary.parameters.iter().filter(|p| !own(&p.name)) {
        println!(
            "  {:<34} [{:>8.3}, {:>8.3}] → [{:>8.3}, {:>8.3}]  width ×{:.2}{}",
            p.name,
            p.prior_interval[0],
            p.prior_interval[1],
            p.posterior_interval[0],
            p.posterior_interval[1],
            p.width_ratio,
            if p.identified {
                "  identified"
            } else {
                "  reflects its prior"
            }
        );
    }
    println!("\nEach case's own parameters the library narrows by 10% or more:");
    for key in &keys {
        let mine: Vec<_> = summary
            .parameters
            .iter()
            .filter(|p| p.name.starts_with(&format!("{key}.")))
            .collect();
        let moved: Vec<String> = mine
            .iter()
            .filter(|p| p.identified)
            .map(|p| format!("{} ×{:.2}", &p.name[key.len() + 1..], p.width_ratio))
            .collect();
        println!(
            "  {key:<22} {} of {}: {}",
            moved.len(),
            mine.len(),
            if moved.is_empty() {
                "none".into()
            } else {
                moved.join(", ")
            }
        );
    }
    // The library's Colombia case from the joint posterior.
    let colombia = cases
        .iter()
        .find(|c| c.origin.ends_with("us_colombia_2025_01.toml"))
        .ok_or("cases/us_colombia_2025_01.toml is missing")?;
    let posterior = joint
        .for_case(&scenario_identity(colombia))
        .ok_or("the joint posterior has no Colombia case")?;
    let opening = documented_opening(colombia);
    let names: Vec<&str> = colombia
        .interventions()
        .iter()
        .map(|i| i.name.as_str())
        .filter(|n| n.starts_with("petro_holds_firm"))
        .collect();
    let petro = reading_order(colombia, &names);
    let courses = scenario_courses(
        colombia,
        &posterior,
        &petro,
        WHATIF_DRAWS,
        &paired,
        Some(&opening),
    )?;
    println!(
        "\nWhat if Petro had held firm? The library's Colombia case (`cases/us_colombia_2025_01.toml`) \
         from the joint posterior, given {}\n",
        opening
            .iter()
            .map(|a| format!("{a:?}"))
            .collect::<Vec<_>>()
            .join(" → ")
    );
    println!("{}", Readings::new(colombia, courses));
    Ok(())
}
