//! A run whose parameter draw has no QRE the solver can find draws again from its own stream
//! and is counted, so `simulate` on a long ladder completes, bit-identical for any thread
//! count. Run 151 of the China case at seed 1 is such a draw (its branch folds back and forth
//! past what the arc-length continuation follows; see `tests/solve_arc.rs`).

use escalation::scenario::Scenario;
use escalation::sim::{scenario_fingerprint, ScenarioEpisode, Simulation};

fn episode() -> ScenarioEpisode {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/cases/us_china_2025.toml");
    let scenario = Scenario::from_path(path).unwrap();
    ScenarioEpisode::new(&scenario, &scenario_fingerprint(b"china")).unwrap()
}

#[test]
fn an_unsolved_draw_is_drawn_again_and_counted_whatever_the_threads() {
    let (one, two) = (episode(), episode());
    let a = Simulation::new(&one, 1, 152).threads(1).run().unwrap();
    let b = Simulation::new(&two, 1, 152).threads(2).run().unwrap();
    assert_eq!(a.to_json(), b.to_json());
    assert_eq!(a.runs(), 152);
    assert!(one.redraws() >= 1, "run 151 should have been drawn again");
    assert_eq!(one.redraws(), two.redraws());
}
