//! The Colombia scenario's equilibrium against Gambit: each side's strategy is the logit QRE
//! of its own view of the game (misperception), so each view is exported as Gambit sees it
//! and compared with pygambit's `qre.logit_solve_lambda` on that file
//! (`tests/fixtures/colombia_gambit/`, made by its `generate.py`).

use escalation::game::efg;
use escalation::model::Side;
use escalation::scenario::{At, Scenario};

mod views_common;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/colombia_gambit"
);
const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");

#[test]
fn each_sides_strategy_is_gambits_logit_qre_of_its_view() {
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/reference.json")).unwrap())
            .unwrap();
    let scenario = Scenario::from_path(SCENARIO).unwrap();
    let compiled = scenario.compile().unwrap();
    let params = scenario.point(At::Mean);
    assert_eq!(
        reference["lambda"].as_f64().unwrap(),
        params.get(escalation::model::Param::Lambda)
    );
    let mut ws = compiled.workspace();
    let behaviour = compiled.behaviour(&mut ws, &params).unwrap().to_vec();
    let ours = views_common::by_label(&compiled.game_at(&params).unwrap(), &behaviour);
    for (side, name) in [(Side::Challenger, "challenger"), (Side::Target, "target")] {
        let view = &reference["views"][name];
        // The reference was computed on exactly the game this version exports.
        let file =
            std::fs::read_to_string(format!("{DIR}/{}", view["efg"].as_str().unwrap())).unwrap();
        let exported = efg::write(&compiled.game_at(&params.view(side)).unwrap());
        views_common::check_side(name, side, &ours, view, &exported, &file);
    }
}

#[test]
fn the_cli_exports_views_and_prints_the_scenario_equilibrium_as_json() {
    let bin = env!("CARGO_BIN_EXE_escalation");
    let run = |args: &[&str]| std::process::Command::new(bin).args(args).output().unwrap();
    let out = run(&[
        "convert", SCENARIO, "--view", "target", "--to", "efg", "--at", "mean",
    ]);
    assert!(out.status.success());
    let fixture = std::fs::read(format!("{DIR}/view_target.efg")).unwrap();
    assert!(
        out.stdout == fixture,
        "convert --view target differs from the fixture"
    );
    let out = run(&["solve", SCENARIO, "--json"]);
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let scenario = Scenario::from_path(SCENARIO).unwrap();
    let compiled = scenario.compile().unwrap();
    let params = scenario.point(At::Mean);
    let behaviour = compiled
        .behaviour(&mut compiled.workspace(), &params)
        .unwrap()
        .to_vec();
    let printed: Vec<f64> = doc["equilibria"][0]["behavior"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(printed, behaviour);
    let sets = doc["infosets"].as_array().unwrap();
    let actions: usize = sets
        .iter()
        .map(|s| s["actions"].as_array().unwrap().len())
        .sum();
    assert_eq!(actions, behaviour.len());
    let total: f64 = doc["outcome_probabilities"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-9);
    // The yields: the crisis is every play but an acceptance or an acquiescence, and each
    // side's yielding given the crisis is its yielding over all plays over the crisis.
    let classes = &doc["outcome_probabilities"];
    let y = |k: &str| doc["yields"][k].as_f64().unwrap();
    let calm = classes["accepted"].as_f64().unwrap() + classes["acquiesced"].as_f64().unwrap();
    assert!((y("crisis") - (1.0 - calm)).abs() < 1e-12);
    for side in ["challenger", "target"] {
        let given = y(&format!("{side}_given_crisis"));
        assert!((given * y("crisis") - y(side)).abs() < 1e-12, "{side}");
    }
    // The target's yielding counts its concessions at a decision and in the tail.
    let conceded = classes["conceded_before_tariffs"].as_f64().unwrap()
        + classes["conceded_after_tariffs"].as_f64().unwrap();
    let tail = classes["unresolved"].as_f64().unwrap();
    assert!(y("target") >= conceded - 1e-12 && y("target") <= conceded + tail + 1e-12);
    // --view is for scenarios only.
    let game = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/gambit/games/selten1975-fig1.efg"
    );
    let out = run(&["convert", game, "--view", "target", "--to", "efg"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--view applies to scenario files"));
}
