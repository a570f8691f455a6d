//! All pure subgame-perfect equilibria of a perfect-information game, by backward induction.
//!
//! At every decision node (on and off the equilibrium path) the mover picks an action whose
//! continuation value is maximal; chance nodes take expected values. When several actions tie
//! every one of them is kept, so the result lists every combination of tied optimal actions.
//! Two values tie when they differ by at most [`TIE_TOLERANCE`] times the game's payoff scale
//! (the largest absolute terminal payoff, at least 1).

use super::{
    gambit_infoset_order, gambit_key, payoff_scale, pure_profile, Equilibrium, SolveError,
};
use crate::game::{Game, Mover, NodeId};

/// Relative tolerance under which two continuation values count as tied.
pub const TIE_TOLERANCE: f64 = 1e-12;

/// Default cap on the number of equilibria [`solve`] enumerates.
pub const DEFAULT_CAP: usize = 10_000;

/// All pure subgame-perfect equilibria, in Gambit's `enumpure` order, with the default cap
/// ([`DEFAULT_CAP`]).
///
/// # Errors
/// [`SolveError::Game`] with [`crate::game::GameError::NotPerfectInformation`] naming a set with
/// several nodes; [`SolveError::TooMany`] when there are more than [`DEFAULT_CAP`] equilibria.
///
/// # Examples
/// ```
/// use escalation::game::GameBuilder;
/// use escalation::solve::spe;
///
/// // The second mover is indifferent, so both of her actions are subgame perfect.
/// let mut b = GameBuilder::new(["A", "B"]);
/// let root = b.root();
/// let first = b.decision(root, 0, "a", &["L", "R"])?;
/// b.set_payoffs(first[0], &[1.0, 0.0]);
/// let second = b.decision(first[1], 1, "b", &["l", "r"])?;
/// b.set_payoffs(second[0], &[2.0, 1.0]);
/// b.set_payoffs(second[1], &[0.0, 1.0]);
/// let game = b.build()?;
/// let eqs = spe::solve(&game)?;
/// assert_eq!(eqs.len(), 2);
/// // Gambit's order: the last player's set varies fastest.
/// assert_eq!(eqs[0].profile.flat(), &[1.0, 0.0, 0.0, 1.0]); // L, r
/// assert_eq!(eqs[1].profile.flat(), &[0.0, 1.0, 1.0, 0.0]); // R, l
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn solve(game: &Game) -> Result<Vec<Equilibrium>, SolveError> {
    solve_with_cap(game, DEFAULT_CAP)
}

/// As [`solve`], with an explicit cap on the number of equilibria.
///
/// # Errors
/// As [`solve`], with `cap` in place of the default.
pub fn solve_with_cap(game: &Game, cap: usize) -> Result<Vec<Equilibrium>, SolveError> {
    game.require_perfect_information()?;
    let acc = game.accumulated_payoffs();
    let tol = TIE_TOLERANCE * payoff_scale(&acc);
    let num_sets = game.infosets().len();
    let np = game.num_players();
    // For every node, the subgame-perfect plans of its subtree: the actions chosen at the
    // sets inside it (usize::MAX elsewhere) and the value vector they give.
    let mut plans: Vec<Vec<Plan>> = vec![Vec::new(); game.nodes().len()];
    for i in (0..game.nodes().len()).rev() {
        let node = game.node(NodeId(i));
        let Some(set) = node.infoset else {
            plans[i] = vec![Plan {
                choice: vec![usize::MAX; num_sets],
                value: acc[i].clone(),
            }];
            continue;
        };
        let children: Vec<Vec<Plan>> = node
            .children
            .iter()
            .map(|c| std::mem::take(&mut plans[c.0]))
            .collect();
        let combos = children
            .iter()
            .try_fold(1usize, |n, c| n.checked_mul(c.len()).filter(|&m| m <= cap));
        if combos.is_none() {
            return Err(too_many(cap));
        }
        let mover = game.infoset(set).mover;
        let probs = game.chance_probs(set);
        let mut out = Vec::new();
        let mut idx = vec![0usize; children.len()];
        loop {
            // One subgame-perfect plan per child: merge them.
            let mut choice = vec![usize::MAX; num_sets];
            for (c, &k) in children.iter().zip(&idx) {
                for (dst, &src) in choice.iter_mut().zip(&c[k].choice) {
                    if src != usize::MAX {
                        *dst = src;
                    }
                }
            }
            match mover {
                Mover::Chance => {
                    let mut value = vec![0.0; np];
                    for ((c, &k), p) in children.iter().zip(&idx).zip(&probs) {
                        for (v, x) in value.iter_mut().zip(&c[k].value) {
                            *v += p * x;
                        }
                    }
                    out.push(Plan { choice, value });
                }
                Mover::Player(p) => {
                    let vals: Vec<f64> = children
                        .iter()
                        .zip(&idx)
                        .map(|(c, &k)| c[k].value[p])
                        .collect();
                    let best = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    for (a, &v) in vals.iter().enumerate() {
                        if v >= best - tol {
                            let mut ch = choice.clone();
                            ch[set.0] = a;
                            out.push(Plan {
                                choice: ch,
                                value: children[a][idx[a]].value.clone(),
                            });
                        }
                    }
                }
            }
            if out.len() > cap {
                return Err(too_many(cap));
            }
            let lens: Vec<usize> = children.iter().map(Vec::len).collect();
            if !advance(&mut idx, &lens) {
                break;
            }
        }
        plans[i] = out;
    }
    let order = gambit_infoset_order(game);
    let mut all = std::mem::take(&mut plans[0]);
    all.sort_by_cached_key(|p| gambit_key(&order, &p.choice));
    Ok(all
        .into_iter()
        .map(|p| {
            let choice: Vec<usize> = p
                .choice
                .iter()
                .map(|&a| if a == usize::MAX { 0 } else { a })
                .collect();
            let profile = pure_profile(game, &choice);
            Equilibrium {
                profile,
                payoffs: p.value,
                lambda: None,
            }
        })
        .collect())
}

fn too_many(cap: usize) -> SolveError {
    SolveError::TooMany {
        what: "pure subgame-perfect equilibria",
        cap,
    }
}

/// Advances an odometer (last digit fastest); `false` once it wraps around.
pub(crate) fn advance(idx: &mut [usize], lens: &[usize]) -> bool {
    for d in (0..idx.len()).rev() {
        idx[d] += 1;
        if idx[d] < lens[d] {
            return true;
        }
        idx[d] = 0;
    }
    false
}

#[derive(Clone, Debug)]
struct Plan {
    choice: Vec<usize>,
    value: Vec<f64>,
}
