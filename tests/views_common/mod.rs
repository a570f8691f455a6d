//! Helpers shared by the tests that check each side's view against pygambit
//! (`mod views_common;` in `model_gambit_views.rs` and `model_views_principal.rs`).

use escalation::game::{Game, Mover};
use escalation::model::Side;
use std::collections::HashMap;

/// A behaviour profile of `game` (flat, in its [`Game::profile_layout`] order) by (player,
/// information set label, action label).
pub fn by_label(game: &Game, behaviour: &[f64]) -> HashMap<(usize, String, String), f64> {
    let layout = game.profile_layout();
    assert_eq!(layout.len, behaviour.len());
    let mut ours = HashMap::new();
    for &id in &layout.order {
        let set = game.infoset(id);
        let Mover::Player(player) = set.mover else {
            unreachable!("the layout lists strategic sets only")
        };
        let first = layout.offset[id.0].unwrap();
        for (a, action) in set.actions.iter().enumerate() {
            ours.insert(
                (player, set.label.clone(), action.clone()),
                behaviour[first + a],
            );
        }
    }
    ours
}

/// Checks `side`'s part of `ours` (from [`by_label`]) against the pygambit reference `view`
/// of a fixture (`residual` and `profile` as the fixtures' `generate.py` write them), to
/// 1e-9; `exported` is the view as this version exports it, `fixture` the file the reference
/// was computed on.
pub fn check_side(
    name: &str,
    side: Side,
    ours: &HashMap<(usize, String, String), f64>,
    view: &serde_json::Value,
    exported: &str,
    fixture: &str,
) {
    assert!(
        exported == fixture,
        "the {name} view exports differently from its fixture: regenerate it (generate.py)"
    );
    assert!(view["fixed_point_residual"].as_f64().unwrap() < 1e-9);
    let entries = view["profile"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        ours.keys().filter(|(p, _, _)| *p == side.index()).count()
    );
    for e in entries {
        let (label, action) = (e[0].as_str().unwrap(), e[1].as_str().unwrap());
        let gambit = e[2].as_f64().unwrap();
        let mine = ours[&(side.index(), label.to_string(), action.to_string())];
        assert!(
            (mine - gambit).abs() < 1e-9,
            "{name} view, {label} / {action}: ours {mine}, pygambit {gambit}"
        );
    }
}
