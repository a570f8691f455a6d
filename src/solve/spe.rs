//! All pure subgame-perfect equilibria of a perfect-information game, by backward induction.
//!
//! At every decision node (on and off the equilibrium path) the mover picks an action whose
//! continuation value is maximal; chance nodes take expected values. When several actions tie
//! every one of them is kept, so the result lists every combination of tied optimal actions.
//! Values are compared exactly (payoffs and chance probabilities as rationals), so two values
//! tie only when they are equal, at any payoff scale; terminal payoffs must lie within
//! ±1.797e308, the range of the `f64`s in which payoffs are reported.

use super::exact::{to_f64s, Exact};
use super::{gambit_infoset_order, gambit_key, pure_profile, Cap, Equilibrium, SolveError};
use crate::game::{Game, Mover, NodeId};
use num_rational::BigRational;
use num_traits::Zero;
use std::rc::Rc;

/// Default cap on the number of equilibria [`solve`] enumerates.
pub const DEFAULT_CAP: usize = 10_000;

/// All pure subgame-perfect equilibria, in Gambit's `enumpure` order, with the default cap
/// ([`DEFAULT_CAP`]).
///
/// # Errors
/// [`SolveError::Game`] with [`crate::game::GameError::NotPerfectInformation`] naming a set with
/// several nodes; [`SolveError::TooMany`] when there are more than [`DEFAULT_CAP`] equilibria;
/// [`SolveError::PayoffOutOfRange`] for a terminal payoff beyond ±1.797e308.
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
    let exact = Exact::new(game)?;
    let np = game.num_players();
    // For every node, the subgame-perfect plans of its subtree, each stored as the action
    // taken at the node and one plan index per child: a plan shares its subtrees' plans, so
    // memory grows with the number of plans times the node's children, not with the number
    // of information sets. The number of plans never falls from a child to its parent (every
    // combination of the children's plans has a best action), so checking the cap at each
    // node stops an explosion at the first node that exceeds it.
    let mut plans: Vec<Vec<Plan>> = vec![Vec::new(); game.nodes().len()];
    for i in (0..game.nodes().len()).rev() {
        let node = game.node(NodeId(i));
        let Some(set) = node.infoset else {
            plans[i] = vec![Plan {
                action: NO_ACTION,
                picks: Vec::new(),
                value: Rc::new(exact.acc[i].clone()),
            }];
            continue;
        };
        let lens: Vec<usize> = node.children.iter().map(|c| plans[c.0].len()).collect();
        let combos = lens
            .iter()
            .try_fold(1usize, |n, &c| n.checked_mul(c).filter(|&m| m <= cap));
        if combos.is_none() {
            return Err(too_many(cap));
        }
        let mover = game.infoset(set).mover;
        let probs = &exact.chance[set.0];
        let child = |a: usize, k: usize| &plans[node.children[a].0][k];
        let mut out = Vec::new();
        let mut idx = vec![0usize; lens.len()];
        loop {
            match mover {
                Mover::Chance => {
                    let mut value = vec![BigRational::zero(); np];
                    for (a, (&k, p)) in idx.iter().zip(probs).enumerate() {
                        for (v, x) in value.iter_mut().zip(child(a, k).value.iter()) {
                            *v += p * x;
                        }
                    }
                    out.push(Plan {
                        action: NO_ACTION,
                        picks: idx.clone(),
                        value: Rc::new(value),
                    });
                }
                Mover::Player(p) => {
                    let Some(best) = (0..idx.len()).map(|a| &child(a, idx[a]).value[p]).max()
                    else {
                        continue;
                    };
                    for (a, &k) in idx.iter().enumerate() {
                        if child(a, k).value[p] == *best {
                            out.push(Plan {
                                action: a,
                                picks: idx.clone(),
                                value: Rc::clone(&child(a, k).value),
                            });
                        }
                    }
                }
            }
            if out.len() > cap {
                return Err(too_many(cap));
            }
            if !advance(&mut idx, &lens) {
                break;
            }
        }
        plans[i] = out;
    }
    let order = gambit_infoset_order(game);
    let mut all: Vec<(Vec<usize>, Vec<f64>)> = (0..plans[0].len())
        .map(|k| (expand(game, &plans, k), to_f64s(&plans[0][k].value)))
        .collect();
    all.sort_by_cached_key(|(choice, _)| gambit_key(&order, choice));
    Ok(all
        .into_iter()
        .map(|(choice, payoffs)| Equilibrium {
            profile: pure_profile(game, &choice),
            payoffs,
            lambda: None,
        })
        .collect())
}

/// The action at every information set (by [`crate::game::InfosetId`]) of the root's plan
/// `k`, following each plan's picks down the tree.
fn expand(game: &Game, plans: &[Vec<Plan>], k: usize) -> Vec<usize> {
    let mut choice = vec![0usize; game.infosets().len()];
    let mut stack = vec![(game.root(), k)];
    while let Some((node, k)) = stack.pop() {
        let plan = &plans[node.0][k];
        let n = game.node(node);
        if let (Some(set), true) = (n.infoset, plan.action != NO_ACTION) {
            choice[set.0] = plan.action;
        }
        stack.extend(n.children.iter().copied().zip(plan.picks.iter().copied()));
    }
    choice
}

fn too_many(cap: usize) -> SolveError {
    SolveError::TooMany {
        what: "pure subgame-perfect equilibria",
        cap,
        kind: Cap::Equilibria,
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

/// A subgame-perfect plan of a node's subtree.
#[derive(Clone, Debug)]
struct Plan {
    /// The action taken at the node ([`NO_ACTION`] at chance nodes and terminals).
    action: usize,
    /// The plan taken in each child's subtree, by index into that child's plans.
    picks: Vec<usize>,
    /// The plan's payoff vector, exact.
    value: Rc<Vec<BigRational>>,
}

const NO_ACTION: usize = usize::MAX;
