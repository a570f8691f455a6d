//! The ladder's logit QRE against reference profiles computed by an earlier solver
//! (`tests/fixtures/qre_reference/`): prior draws of every bundled scenario, its
//! interventions, and draws at λ up to 50. Every profile must agree to 1e-9.
//!
//! The fixture was made by the solver of commit 639946f (damped fixed-point iteration along
//! a ladder of λ, falling back to path following), on the model of main at 08cec06 (see the
//! fixture's README), with `cargo test --test qre_reference -- --ignored generate_reference`,
//! which writes `tests/fixtures/qre_reference/profiles.json`. It is kept to check that a new
//! solver finds the same equilibria, not to be regenerated with the solver it checks.

use escalation::model::params::{Param, Slot};
use escalation::model::{CompiledLadder, Params};
use escalation::scenario::Scenario;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/qre_reference/profiles.json"
);
const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
/// Largest absolute difference allowed between a profile and its reference.
const TOLERANCE: f64 = 1e-9;

/// (scenario file, prior draws, draws per intervention, draws of the λ sweep).
const PLAN: [(&str, usize, usize, usize); 3] = [
    ("colombia_2025.toml", 150, 15, 4),
    ("colombia_2025_october.toml", 120, 15, 3),
    ("template.toml", 80, 10, 3),
];
/// λ of the sweep (each replaces the drawn λ).
const SWEEP: [f64; 7] = [0.5, 2.0, 6.0, 12.0, 20.0, 35.0, 50.0];

/// Interventions renamed since the fixture was made: (name in the fixture, name now).
/// `petro_holds_firm` became the `commit` reading of three (#15); its game is unchanged.
const RENAMED: [(&str, &str); 1] = [("petro_holds_firm", "petro_holds_firm_commit")];

fn scenario(file: &str, intervention: Option<&str>) -> Scenario {
    let s = Scenario::from_path(format!("{SCENARIOS}/{file}")).unwrap();
    match intervention {
        Some(name) => {
            let name = RENAMED
                .iter()
                .find(|(old, _)| *old == name)
                .map_or(name, |(_, new)| new);
            s.with_intervention(name).unwrap()
        }
        None => s,
    }
}

/// Rounds to 13 significant digits (enough for a 1e-9 comparison, a third shorter).
fn short(x: f64) -> Value {
    let r: f64 = format!("{x:.12e}").parse().unwrap();
    json!(r)
}

/// The cases of one scenario (and intervention): (label, parameters).
fn cases(s: &Scenario, seed: u64, draws: usize, sweep: usize) -> Vec<(String, Params)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::new();
    let mut params = s.new_params();
    for k in 0..draws + sweep {
        s.draw(&mut rng, &mut params);
        if k < draws {
            out.push((format!("draw {k}"), params.clone()));
        } else {
            for &lambda in &SWEEP {
                let mut p = params.clone();
                p.set(Param::Lambda, lambda);
                out.push((format!("draw {k} at lambda {lambda}"), p));
            }
        }
    }
    out
}

fn solve(c: &CompiledLadder, p: &Params) -> Vec<f64> {
    solve_with_work(c, p).0
}

/// The profile and the solver's work (evaluations, fallbacks).
fn solve_with_work(c: &CompiledLadder, p: &Params) -> (Vec<f64>, (u64, u64)) {
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, p).unwrap().to_vec();
    let w = ws.solver_work();
    (b, (w.evaluations, w.fallbacks))
}

/// Writes the fixture with the current solver (see the module documentation).
#[test]
#[ignore = "writes the reference fixture; run only with the solver to be kept as reference"]
fn generate_reference() {
    let mut groups = Vec::new();
    for (i, &(file, draws, per_intervention, sweep)) in PLAN.iter().enumerate() {
        let base = scenario(file, None);
        let mut names: Vec<Option<String>> = vec![None];
        names.extend(base.interventions().iter().map(|iv| Some(iv.name.clone())));
        for (j, name) in names.iter().enumerate() {
            let s = scenario(file, name.as_deref());
            let c = s.compile().unwrap();
            let (n, sw) = match name {
                None => (draws, sweep),
                Some(_) => (per_intervention, 0),
            };
            let seed = 1000 * i as u64 + j as u64;
            let entries: Vec<Value> = cases(&s, seed, n, sw)
                .into_iter()
                .map(|(label, p)| {
                    let profile: Vec<Value> = solve(&c, &p).into_iter().map(short).collect();
                    json!({ "case": label, "params": p.as_slice(), "profile": profile })
                })
                .collect();
            groups.push(json!({
                "scenario": file,
                "intervention": name,
                "seed": seed,
                "cases": entries,
            }));
        }
    }
    let doc = json!({
        "about": "logit QRE profiles of the ladder (CompiledLadder::behaviour), made by \
                  tests/qre_reference.rs (generate_reference) with the solver of commit 639946f",
        "tolerance": TOLERANCE,
        "groups": groups,
    });
    std::fs::create_dir_all(std::path::Path::new(FIXTURE).parent().unwrap()).unwrap();
    std::fs::write(FIXTURE, serde_json::to_string(&doc).unwrap() + "\n").unwrap();
}

#[test]
fn profiles_agree_with_the_reference_solver() {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    let mut checked = 0;
    let mut worst = (0.0f64, String::new());
    let (mut evaluations, mut fallbacks) = (Vec::new(), 0);
    for g in doc["groups"].as_array().unwrap() {
        let s = scenario(g["scenario"].as_str().unwrap(), g["intervention"].as_str());
        let c = s.compile().unwrap();
        for case in g["cases"].as_array().unwrap() {
            let mut p = s.new_params();
            for (k, v) in case["params"].as_array().unwrap().iter().enumerate() {
                p.set(Slot::at(k), v.as_f64().unwrap());
            }
            let (ours, (evals, fb)) = solve_with_work(&c, &p);
            evaluations.push(evals);
            fallbacks += fb;
            let theirs = case["profile"].as_array().unwrap();
            assert_eq!(ours.len(), theirs.len());
            for (a, b) in ours.iter().zip(theirs) {
                let d = (a - b.as_f64().unwrap()).abs();
                if d > worst.0 || d.is_nan() {
                    worst = (
                        d,
                        format!("{} {:?} {}", g["scenario"], g["intervention"], case["case"]),
                    );
                }
            }
            checked += 1;
        }
    }
    evaluations.sort_unstable();
    println!(
        "{checked} cases: evaluations per behaviour (both views) median {}, max {}; \
         {fallbacks} fallback solve(s); largest difference {:e} at {}",
        evaluations[evaluations.len() / 2],
        evaluations[evaluations.len() - 1],
        worst.0,
        worst.1
    );
    assert!(checked >= 500, "{checked} cases");
    assert!(
        worst.0 <= TOLERANCE,
        "largest difference {:e} at {}",
        worst.0,
        worst.1
    );
}
