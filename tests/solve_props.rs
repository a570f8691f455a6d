//! Invariants of the solvers on random games.

use escalation::game::{Game, GameBuilder, InfosetId};
use escalation::solve::logit::{logit_solve_lambda, CompiledGame};
use escalation::solve::{pure, spe};
use proptest::prelude::*;
use std::collections::HashMap;

/// A random game tree: `spec` drives the shape (depth ≤ 3, 2–3 actions, 2 players);
/// `merge` > 0 joins same-depth nodes of a player with equal action counts into
/// information sets (at most `merge + 1` sets per class), so 0 gives perfect information.
/// Terminal payoffs come from `pays` (cycled).
fn random_game(spec: &[u8], pays: &[f64], merge: u8) -> Game {
    let mut b = GameBuilder::new(["1", "2"]);
    let mut k = 0usize;
    let mut next = || {
        let v = spec[k % spec.len()];
        k += 1;
        v
    };
    let mut frontier = vec![(b.root(), 0usize)];
    let mut leaves = Vec::new();
    let mut sets: HashMap<(usize, usize, usize, u8), InfosetId> = HashMap::new();
    while let Some((node, depth)) = frontier.pop() {
        let r = next();
        if depth >= 3 || (depth > 0 && r % 4 == 0) {
            leaves.push(node);
            continue;
        }
        let arity = 2 + (r as usize / 4) % 2;
        let player = (r as usize / 8) % 2;
        let group = if merge == 0 { 0 } else { next() % (merge + 1) };
        let labels = ["a", "b", "c"];
        let set = if merge == 0 {
            b.new_infoset(player, "", &labels[..arity]).unwrap()
        } else {
            *sets
                .entry((depth, player, arity, group))
                .or_insert_with(|| b.new_infoset(player, "", &labels[..arity]).unwrap())
        };
        for c in b.attach(node, set).unwrap() {
            frontier.push((c, depth + 1));
        }
    }
    for (i, leaf) in leaves.iter().enumerate() {
        let u = [pays[(2 * i) % pays.len()], pays[(2 * i + 1) % pays.len()]];
        b.set_payoffs(*leaf, &u);
    }
    b.build().unwrap()
}

fn choice_of(game: &Game, flat: &[f64]) -> Vec<usize> {
    let layout = game.profile_layout();
    (0..game.infosets().len())
        .map(|s| match layout.offset[s] {
            Some(off) => {
                let k = game.infosets()[s].num_actions();
                flat[off..off + k].iter().position(|&p| p == 1.0).unwrap()
            }
            None => 0,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every subgame-perfect equilibrium is a (pure agent) Nash equilibrium.
    #[test]
    fn every_spe_is_agent_nash(
        spec in prop::collection::vec(any::<u8>(), 8..40),
        pays in prop::collection::vec(0i32..4, 4..30),
    ) {
        let pays: Vec<f64> = pays.into_iter().map(f64::from).collect();
        let game = random_game(&spec, &pays, 0);
        // Small integer payoffs make many ties; a game past the SPE cap is no test case.
        let eqs = match spe::solve(&game) {
            Err(escalation::solve::SolveError::TooMany { .. }) => return Ok(()),
            other => other.unwrap(),
        };
        prop_assert!(!eqs.is_empty());
        for e in &eqs {
            prop_assert!(pure::is_agent_nash(&game, &choice_of(&game, e.profile.flat())));
        }
    }

    /// With distinct payoffs (no ties) the SPE is unique and the logit QRE at λ = 1e6 is
    /// within 1e-6 of it.
    #[test]
    fn logit_at_large_lambda_is_the_spe(
        spec in prop::collection::vec(any::<u8>(), 8..40),
        seed in 0u64..1000,
    ) {
        // Distinct payoffs: a shuffled arithmetic sequence per player.
        let pays: Vec<f64> = (0..60u64).map(|i| ((i * 37 + seed * 11) % 61) as f64).collect();
        let game = random_game(&spec, &pays, 0);
        let eqs = spe::solve(&game).unwrap();
        prop_assume!(eqs.len() == 1);
        let q = logit_solve_lambda(&game, 1e6).unwrap();
        for (a, b) in q.profile.flat().iter().zip(eqs[0].profile.flat()) {
            prop_assert!((a - b).abs() < 1e-6);
        }
    }

    /// QRE probabilities lie in (0, 1) and sum to one at every information set; the compiled
    /// solver agrees with path following to 1e-8 and is bit-identical whatever the workspace
    /// held before.
    #[test]
    fn qre_is_interior_and_compiled_agrees(
        spec in prop::collection::vec(any::<u8>(), 8..40),
        pays in prop::collection::vec(-5i32..6, 4..30),
        merge in 1u8..3,
    ) {
        let pays: Vec<f64> = pays.into_iter().map(|x| f64::from(x) / 5.0).collect();
        let game = random_game(&spec, &pays, merge);
        let compiled = CompiledGame::new(&game);
        let pay = compiled.game_payoffs(&game);
        let mut fresh = compiled.workspace();
        let mut reused = compiled.workspace();
        for lambda in [0.1, 1.0, 3.0] {
            let q = logit_solve_lambda(&game, lambda).unwrap();
            let layout = game.profile_layout();
            for &s in &layout.order {
                let probs = q.profile.at(&game, s);
                prop_assert!(probs.iter().all(|&p| p > 0.0 && p < 1.0));
                prop_assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            }
            // Dirty the reused workspace with another λ first.
            compiled.solve(&mut reused, &pay, lambda * 2.0 + 0.5).unwrap();
            let b = compiled.solve(&mut reused, &pay, lambda).unwrap().to_vec();
            let mut fresh_ws = compiled.workspace();
            let a = compiled.solve(&mut fresh_ws, &pay, lambda).unwrap().to_vec();
            prop_assert_eq!(&a, &b);
            let c = compiled.solve(&mut fresh, &pay, lambda).unwrap().to_vec();
            prop_assert_eq!(&a, &c);
            for (x, y) in a.iter().zip(q.profile.flat()) {
                prop_assert!((x - y).abs() < 1e-8, "lambda {}: {} vs {}", lambda, x, y);
            }
        }
    }
}
