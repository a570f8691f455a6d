//! Solvers against textbook games with known answers.

use escalation::game::{Game, GameBuilder, GameError, Number};
use escalation::solve::logit::{logit_solve, logit_solve_lambda, CompiledGame};
use escalation::solve::{pure, spe, SolveError};

/// Entry deterrence (Selten's chain-store stage game): the entrant stays Out (0, 2) or goes
/// In; the incumbent Fights (-1, -1) or Accommodates (1, 1).
fn entry() -> Game {
    let mut b = GameBuilder::new(["Entrant", "Incumbent"]);
    let root = b.root();
    let e = b.decision(root, 0, "entry", &["Out", "In"]).unwrap();
    b.set_payoffs(e[0], &[0.0, 2.0]);
    let r = b
        .decision(e[1], 1, "response", &["Fight", "Accommodate"])
        .unwrap();
    b.set_payoffs(r[0], &[-1.0, -1.0]);
    b.set_payoffs(r[1], &[1.0, 1.0]);
    b.build().unwrap()
}

/// Rosenthal's centipede with four decision nodes (Osborne & Rubinstein 1994, Fig. 107.1
/// shape): Take ends the game with (1,0), (0,2), (3,1), (2,4) at stages 1-4, and (5,3) when
/// everyone passes. Backward induction takes at every node.
fn centipede() -> Game {
    let mut b = GameBuilder::new(["1", "2"]);
    let take = [[1.0, 0.0], [0.0, 2.0], [3.0, 1.0], [2.0, 4.0]];
    let mut node = b.root();
    for (k, pay) in take.iter().enumerate() {
        let c = b
            .decision(node, k % 2, &format!("stage {}", k + 1), &["Take", "Pass"])
            .unwrap();
        b.set_payoffs(c[0], pay);
        node = c[1];
    }
    b.set_payoffs(node, &[5.0, 3.0]);
    b.build().unwrap()
}

/// Selten's horse (Selten 1975, Figure 1).
fn horse() -> Game {
    let mut b = GameBuilder::new(["1", "2", "3"]);
    let root = b.root();
    let c1 = b.decision(root, 0, "1", &["C", "D"]).unwrap();
    let c2 = b.decision(c1[0], 1, "2", &["c", "d"]).unwrap();
    let i3 = b.new_infoset(2, "3", &["L", "R"]).unwrap();
    let left = b.attach(c1[1], i3).unwrap();
    let right = b.attach(c2[1], i3).unwrap();
    b.set_payoffs(c2[0], &[1.0, 1.0, 1.0]);
    b.set_payoffs(left[0], &[3.0, 3.0, 2.0]);
    b.set_payoffs(left[1], &[0.0, 0.0, 0.0]);
    b.set_payoffs(right[0], &[4.0, 4.0, 0.0]);
    b.set_payoffs(right[1], &[0.0, 0.0, 1.0]);
    b.build().unwrap()
}

/// A simultaneous 2x2 game as an extensive game: player 2's set joins both of player 1's
/// nodes. `u[i][j]` = payoffs when 1 plays i and 2 plays j.
fn two_by_two(u: [[[f64; 2]; 2]; 2]) -> Game {
    let mut b = GameBuilder::new(["1", "2"]);
    let root = b.root();
    let rows = b.decision(root, 0, "1", &["U", "D"]).unwrap();
    let cols = b.new_infoset(1, "2", &["L", "R"]).unwrap();
    for (i, &n) in rows.iter().enumerate() {
        for (j, &leaf) in b.attach(n, cols).unwrap().iter().enumerate() {
            b.set_payoffs(leaf, &u[i][j]);
        }
    }
    b.build().unwrap()
}

fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
}

#[test]
fn entry_deterrence_has_one_spe_and_two_agent_equilibria() {
    let g = entry();
    let s = spe::solve(&g).unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].profile.flat(), &[0.0, 1.0, 0.0, 1.0]);
    assert_eq!(s[0].payoffs, vec![1.0, 1.0]);
    // (Out, Fight) is Nash but not subgame perfect: the threat is never tested.
    let p = pure::solve(&g).unwrap();
    let flats: Vec<&[f64]> = p.iter().map(|e| e.profile.flat()).collect();
    assert_eq!(
        flats,
        vec![&[1.0, 0.0, 1.0, 0.0][..], &[0.0, 1.0, 0.0, 1.0][..]]
    );
    assert_eq!(p[0].payoffs, vec![0.0, 2.0]);
}

#[test]
fn centipede_spe_takes_at_every_node() {
    let g = centipede();
    let s = spe::solve(&g).unwrap();
    assert_eq!(s.len(), 1);
    // Player 1's sets (stages 1, 3), then player 2's (stages 2, 4): Take everywhere.
    assert_eq!(
        s[0].profile.flat(),
        &[1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
    );
    assert_eq!(s[0].payoffs, vec![1.0, 0.0]);
    // The logit limit follows backward induction too.
    let lim = logit_solve(&g).unwrap();
    assert!(close(lim.profile.flat(), s[0].profile.flat(), 1e-6));
}

#[test]
fn ties_are_enumerated_on_and_off_the_path() {
    // Player 1 chooses a (ending 1, 1) or b; after b, player 2 is indifferent between x
    // (2, 0) and y (0, 0); a second node of player 2 after a chance move is indifferent too.
    let mut b = GameBuilder::new(["1", "2"]);
    let root = b.root();
    let first = b.decision(root, 0, "1", &["a", "b"]).unwrap();
    let ch = b
        .chance(
            first[0],
            "nature",
            &[
                ("up", Number::ratio(1, 2).unwrap()),
                ("down", Number::ratio(1, 2).unwrap()),
            ],
        )
        .unwrap();
    b.set_payoffs(ch[0], &[1.0, 1.0]);
    let off = b.decision(ch[1], 1, "2 off", &["l", "r"]).unwrap();
    b.set_payoffs(off[0], &[1.0, 5.0]);
    b.set_payoffs(off[1], &[1.0, 5.0]);
    let second = b.decision(first[1], 1, "2 on", &["x", "y"]).unwrap();
    b.set_payoffs(second[0], &[2.0, 0.0]);
    b.set_payoffs(second[1], &[0.0, 0.0]);
    let g = b.build().unwrap();
    let s = spe::solve(&g).unwrap();
    // 2 choices off the path x 2 on it; with x player 1 takes b (2 > 1), with y she takes a.
    assert_eq!(s.len(), 4);
    // Every SPE is a pure agent Nash equilibrium.
    let p = pure::solve(&g).unwrap();
    for e in &s {
        assert!(p.iter().any(|q| q.profile == e.profile));
    }
    // Gambit's order: player 1's set, then player 2's sets by preorder (off before on).
    let flats: Vec<Vec<f64>> = s.iter().map(|e| e.profile.flat().to_vec()).collect();
    // layout: [a, b | l, r | x, y] (player 2's sets numbered in creation order: off, on).
    assert_eq!(
        flats,
        vec![
            vec![1.0, 0.0, 1.0, 0.0, 0.0, 1.0],
            vec![1.0, 0.0, 0.0, 1.0, 0.0, 1.0],
            vec![0.0, 1.0, 1.0, 0.0, 1.0, 0.0],
            vec![0.0, 1.0, 0.0, 1.0, 1.0, 0.0],
        ]
    );
}

#[test]
fn spe_cap_reports_the_explosion() {
    // 12 indifferent binary choices by player 2 below player 1's root: 4096 SPEs.
    let mut b = GameBuilder::new(["1", "2"]);
    let root = b.root();
    let kids = b
        .decision(
            root,
            0,
            "1",
            &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"],
        )
        .unwrap();
    for (k, &n) in kids.iter().enumerate() {
        let leaves = b.decision(n, 1, &format!("2.{k}"), &["l", "r"]).unwrap();
        b.set_payoffs(leaves[0], &[k as f64, 0.0]);
        b.set_payoffs(leaves[1], &[k as f64, 0.0]);
    }
    let g = b.build().unwrap();
    assert_eq!(spe::solve(&g).unwrap().len(), 4096);
    match spe::solve_with_cap(&g, 1000) {
        Err(SolveError::TooMany { cap: 1000, .. }) => {}
        other => panic!("expected TooMany, got {other:?}"),
    }
}

#[test]
fn spe_refuses_information_sets() {
    match spe::solve(&horse()) {
        Err(SolveError::Game(GameError::NotPerfectInformation {
            player, members, ..
        })) => {
            assert_eq!(player, "3");
            assert_eq!(members, 2);
        }
        other => panic!("expected NotPerfectInformation, got {other:?}"),
    }
}

#[test]
fn selten_horse_pure_agent_equilibria() {
    // Selten (1975): (C, c, R) with payoffs (1, 1, 1) and (D, c, L) with (3, 3, 2) are the
    // pure equilibria; the second relies on player 2's unreached choice.
    let eqs = pure::solve(&horse()).unwrap();
    let flats: Vec<&[f64]> = eqs.iter().map(|e| e.profile.flat()).collect();
    assert_eq!(
        flats,
        vec![
            &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0][..],
            &[0.0, 1.0, 1.0, 0.0, 1.0, 0.0][..]
        ]
    );
    assert_eq!(eqs[0].payoffs, vec![1.0, 1.0, 1.0]);
    assert_eq!(eqs[1].payoffs, vec![3.0, 3.0, 2.0]);
}

#[test]
fn matching_pennies_qre_is_uniform() {
    let g = two_by_two([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]]);
    for lambda in [0.1, 1.0, 3.0, 10.0] {
        let q = logit_solve_lambda(&g, lambda).unwrap();
        assert!(
            close(q.profile.flat(), &[0.5; 4], 1e-10),
            "{lambda}: {:?}",
            q.profile.flat()
        );
    }
}

#[test]
fn two_by_two_qre_closed_form() {
    // Player 1 gets 1 from U and 0 from D whatever 2 does; player 2 gets 1 from matching
    // (U,L) or (D,R), else 0. Player 1's QRE is p = P(U) = e^λ / (e^λ + 1) = 1 / (1 + e^-λ).
    // Player 2's values are v(L) = p, v(R) = 1 - p, so q = P(L) = 1 / (1 + e^{-λ (2p - 1)}).
    let g = two_by_two([[[1.0, 1.0], [1.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]]]);
    let compiled = CompiledGame::new(&g);
    let pay = compiled.game_payoffs(&g);
    let mut ws = compiled.workspace();
    for lambda in [0.1_f64, 1.0, 3.0, 8.0] {
        let p = 1.0 / (1.0 + (-lambda).exp());
        let q = 1.0 / (1.0 + (-lambda * (2.0 * p - 1.0)).exp());
        let want = [p, 1.0 - p, q, 1.0 - q];
        let traced = logit_solve_lambda(&g, lambda).unwrap();
        assert!(close(traced.profile.flat(), &want, 1e-12), "{lambda}");
        let fast = compiled.solve(&mut ws, &pay, lambda).unwrap();
        assert!(close(fast, &want, 1e-10), "{lambda}");
    }
}

#[test]
fn perfect_information_qre_is_backward_logit() {
    // At the incumbent's node the logit probabilities are e^{λ v}/Σ; the entrant then
    // compares 0 with the incumbent's expected payoff to her.
    let g = entry();
    let lambda = 1.5_f64;
    let acc = 1.0 / (1.0 + (-2.0 * lambda).exp());
    let v_in = acc - (1.0 - acc);
    let p_in = 1.0 / (1.0 + (-lambda * v_in).exp());
    let q = logit_solve_lambda(&g, lambda).unwrap();
    assert!(close(
        q.profile.flat(),
        &[1.0 - p_in, p_in, 1.0 - acc, acc],
        1e-15
    ));
    assert_eq!(q.lambda, Some(lambda));
}

#[test]
fn bad_inputs_are_typed_errors() {
    let g = entry();
    assert!(matches!(
        logit_solve_lambda(&g, -1.0),
        Err(SolveError::BadLambda(_))
    ));
    assert!(matches!(
        logit_solve_lambda(&g, f64::NAN),
        Err(SolveError::BadLambda(_))
    ));
    let c = CompiledGame::new(&g);
    let mut ws = c.workspace();
    assert!(matches!(
        c.solve(&mut ws, &[0.0; 5], 1.0),
        Err(SolveError::PayoffLength {
            expected: 6,
            got: 5
        })
    ));
    assert!(matches!(
        c.solve(&mut ws, &[0.0, 0.0, f64::INFINITY, 0.0, 0.0, 0.0], 1.0),
        Err(SolveError::NonFinitePayoff { index: 2, .. })
    ));
}
