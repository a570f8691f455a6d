//! End to end on `scenarios/colombia_2025.toml`: calibrate → save → load → what-if.

use escalation::calibrate::{scenario_identity, NoObserver, Posterior, ScenarioProblem, SmcConfig};
use escalation::mc::{stream, Purpose};
use escalation::scenario::Scenario;
use escalation::whatif::{
    compare, scenario_metrics, scenario_whatif, Arm, PairedConfig, ScenarioArm,
};
use std::time::Instant;

fn colombia() -> Scenario {
    Scenario::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/colombia_2025.toml"
    ))
    .unwrap()
}

#[test]
fn colombia_calibrates_round_trips_and_runs_every_intervention() {
    let scenario = colombia();
    let problem = ScenarioProblem::new(&scenario).unwrap();
    let mut config = SmcConfig::default();
    config.particles = 600;
    config.seed = 1;
    let t0 = Instant::now();
    let posterior = problem.calibrate(config, &mut NoObserver).unwrap();
    let t_cal = t0.elapsed();
    let s = posterior.summary();
    eprintln!("{s}");
    eprintln!(
        "calibration: {:?}, {} likelihood evaluations, {} solver failures",
        t_cal,
        posterior.diagnostics.likelihood_evaluations,
        problem.solver_failures()
    );
    // Calibrating on the path can only make the path more probable.
    assert!(s.posterior_predictive > s.prior_predictive);
    assert!(s.ess > 50.0);

    let dir = std::env::temp_dir().join(format!("calibrate_colombia_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("posterior.json");
    posterior.save(&file).unwrap();
    let back = Posterior::load(&file, &scenario_identity(&scenario)).unwrap();
    assert!(back == posterior);
    // The same file is refused for the scenario under an intervention.
    let other = scenario.with_intervention("no_ramp").unwrap();
    assert!(Posterior::load(&file, &scenario_identity(&other)).is_err());
    std::fs::remove_dir_all(&dir).unwrap();

    let names: Vec<String> = scenario
        .interventions()
        .iter()
        .map(|i| i.name.clone())
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let t1 = Instant::now();
    let cfg = PairedConfig {
        replicates: 10,
        seed: 2,
        threads: None,
    };
    let result = scenario_whatif(&scenario, &back, &names, 100, &cfg).unwrap();
    eprintln!("what-if: {:?}\n{result}", t1.elapsed());
    let firm = names
        .iter()
        .position(|n| *n == "petro_holds_firm_commit")
        .unwrap();
    // Metric 5 is "Colombia concedes"; holding firm can only lower it.
    assert!(result.interventions[firm].differences[5].mean < 0.0);
    let quiet = names.iter().position(|n| *n == "quiet_acceptance").unwrap();
    assert_eq!(result.interventions[quiet].outcome.metrics[0].mean, 1.0);
}

#[test]
fn baseline_against_itself_is_exactly_zero_on_the_model() {
    let scenario = colombia();
    let problem = ScenarioProblem::new(&scenario).unwrap();
    let a = ScenarioArm::new(&scenario, None).unwrap();
    let b = ScenarioArm::new(&scenario, None).unwrap();
    let draws: Vec<Vec<f64>> = (0..20)
        .map(|i| {
            use escalation::calibrate::JointPrior;
            let mut rng = stream(9, Purpose::RUNS, i);
            let mut t = vec![0.0; problem.dim()];
            problem.sample(&mut rng, &mut t);
            t
        })
        .collect();
    let cfg = PairedConfig {
        replicates: 5,
        seed: 3,
        threads: None,
    };
    let r = compare(
        &scenario_metrics(&scenario),
        &draws,
        &a,
        &[("same", &b as &dyn Arm)],
        &cfg,
    )
    .unwrap();
    for d in &r.interventions[0].differences {
        assert!(d.per_draw.iter().all(|&x| x == 0.0));
    }
}
