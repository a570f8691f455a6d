//! Helpers shared by the counterfactual tests (`mod whatif_common;` in `whatif_exact.rs` and
//! `whatif_conditioned.rs`).

use escalation::calibrate::{NoObserver, Posterior, ScenarioProblem, SmcConfig};
use escalation::scenario::Scenario;
use escalation::whatif::{compare, scenario_metrics, Arm, Comparison, PairedConfig, ScenarioArm};

/// The bundled Colombia 2025 scenario file.
pub const COLOMBIA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");

/// The bundled Colombia 2025 scenario.
pub fn colombia() -> Scenario {
    Scenario::from_path(COLOMBIA).unwrap()
}

/// A small, fixed posterior of `problem` (100 particles, seed 3).
pub fn small_posterior(problem: &ScenarioProblem) -> Posterior {
    let mut config = SmcConfig::default();
    config.particles = 100;
    config.seed = 3;
    problem.calibrate(config, &mut NoObserver).unwrap()
}

/// `same` compared as a no-op intervention against `base` on 20 equal-weight draws of
/// `posterior` (seed 4), with `replicates` replicates per draw (seed 2).
pub fn no_op_comparison(
    scenario: &Scenario,
    posterior: &Posterior,
    base: &ScenarioArm,
    same: &ScenarioArm,
    replicates: usize,
) -> Comparison {
    let draws = posterior.equal_weight_draws(20, 4);
    compare(
        &scenario_metrics(scenario),
        &draws,
        base,
        &[("no-op", same as &dyn Arm)],
        &PairedConfig {
            replicates,
            seed: 2,
            threads: None,
        },
    )
    .unwrap()
}
