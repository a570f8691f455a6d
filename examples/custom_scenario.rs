//! The library API on a scenario written in code: a small hypothetical standoff with two
//! tariff steps, calibrated to a documented path and compared with one intervention.
//!
//! `cargo run --release --example custom_scenario`

use escalation::calibrate::{NoObserver, ScenarioProblem, SmcConfig};
use escalation::scenario::Scenario;
use escalation::whatif::{scenario_whatif, PairedConfig};

const TOML: &str = r#"
[scenario]
title = "Hypothetical: a steel-quota standoff"
challenger = "Importer"
target = "Exporter"
description = "A made-up standoff to show the API."

[structure]
schedule = [{ rate = 0.10, day = 0.0 }, { rate = 0.30, day = 14.0 }]
rounds = [7.0, 14.0]
face_saving = false
challenger_types = 2
target_types = 2

[params]
stake_challenger = { dist = "uniform", min = 0.5, max = 3.0 }
stake_target = { dist = "uniform", min = 0.2, max = 2.0 }
audience_challenger = { dist = "uniform", min = 0.2, max = 2.0 }
audience_target = { dist = "uniform", min = 0.2, max = 2.0 }
exports_target = 5.0
exports_challenger = 4.0
elasticity = 0.76
audience_growth = 0.5
importer_burden = 0.3
counter_tariff = 0.10
face_saving_discount = 0.0
face_saving_cost = 0.0
third_party_support = 0.0
discount_rate = 0.05
resolve_factor_challenger = 2.0
resolve_factor_target = 2.0
lambda = { dist = "lognormal", mu = 1.0, sigma = 0.5 }
prior_challenger_resolute = { dist = "beta", alpha = 2.0, beta = 2.0 }
prior_target_resolute = { dist = "beta", alpha = 2.0, beta = 2.0 }

[[path]]
actor = "Exporter"
action = "Refuse"
time = 2030-03-01T09:00:00Z

[[path]]
actor = "Importer"
action = "Threaten"
time = 2030-03-02T09:00:00Z

[[path]]
actor = "Exporter"
action = "Concede"
time = 2030-03-05T09:00:00Z

[[interventions]]
name = "no_ramp"
kind = "commit"
description = "The tariff stays at 10%."
schedule = [{ rate = 0.10, day = 0.0 }]
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenario = Scenario::from_str(TOML, "custom_scenario.rs")?;
    let problem = ScenarioProblem::new(&scenario)?;
    let mut config = SmcConfig::default();
    config.particles = 1000;
    config.seed = 7;
    let posterior = problem.calibrate(config, &mut NoObserver)?;
    println!("{}", posterior.summary());
    let paired = PairedConfig {
        replicates: 10,
        seed: 7,
        threads: None,
    };
    let result = scenario_whatif(&scenario, &posterior, &["no_ramp"], 200, &paired)?;
    println!("{result}");
    Ok(())
}
