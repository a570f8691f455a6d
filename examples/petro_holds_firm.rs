//! What if Petro had held firm instead of conceding, read as a public commitment? Calibrates
//! the Colombia 2025 scenario to the documented path, then runs the `petro_holds_firm_commit`
//! intervention (its `type` and `deviate` readings are side by side in `colombia_2025.rs`,
//! section 4) against the
//! baseline with common random numbers, every run of both arms conditioned on the crisis
//! having opened as documented (Colombia refused the flights, the US threatened).
//!
//! `cargo run --release --example petro_holds_firm`

use escalation::calibrate::{NoObserver, ScenarioProblem, SmcConfig};
use escalation::scenario::Scenario;
use escalation::whatif::{documented_opening, scenario_whatif_given, PairedConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenario = Scenario::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/colombia_2025.toml"
    ))?;
    let problem = ScenarioProblem::new(&scenario)?;
    let mut config = SmcConfig::default();
    config.particles = 2000;
    config.seed = 2025;
    let posterior = problem.calibrate(config, &mut NoObserver)?;
    let s = posterior.summary();
    println!(
        "Calibrated on the documented path: ESS {:.0} of {}; the path's probability rises from {:.3} (prior) to {:.3} (posterior).",
        s.ess, s.particles, s.prior_predictive, s.posterior_predictive
    );
    let paired = PairedConfig {
        replicates: 10,
        seed: 2025,
        threads: None,
    };
    let opening = documented_opening(&scenario);
    let given = scenario_whatif_given(
        &scenario,
        &posterior,
        &["petro_holds_firm_commit"],
        400,
        &paired,
        Some(&opening),
    )?;
    println!("\n{given}");
    let result = &given.comparison;
    let firm = result
        .interventions
        .first()
        .ok_or("petro_holds_firm was left out: the opening is impossible under it")?;
    println!(
        "In words, given that Colombia refused and the US threatened, had Colombia never conceded:"
    );
    for (i, metric) in result.metrics.iter().enumerate().skip(2) {
        let d = &firm.differences[i];
        println!(
            "  {:<28} {:>9.3} → {:>9.3}  (paired difference {:+.3}, 95% CI [{:+.3}, {:+.3}])",
            metric.name,
            result.baseline.metrics[i].mean,
            firm.outcome.metrics[i].mean,
            d.mean,
            d.mean_interval[0],
            d.mean_interval[1]
        );
    }
    Ok(())
}
