//! Exact payoffs for the solvers' comparisons.
//!
//! Payoffs read from Gambit files are exact rationals, and a float payoff is exactly the
//! rational it equals, so ties and gains can be decided exactly whatever the payoffs' size:
//! `1e12 + 1` beats `1e12`, and `1e308 - (-1e308)` does not overflow. Results are reported as
//! the nearest `f64`, so every terminal payoff must lie within `f64`'s range (±1.797e308);
//! expected payoffs, convex combinations of terminal payoffs, then do too.

use super::SolveError;
use crate::game::{rational_to_f64, Game, Mover, NodeId, Number};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};

/// A game's payoffs and chance probabilities as exact rationals.
pub(crate) struct Exact {
    /// Payoffs accumulated from the root to every node (entry `[node][player]`).
    pub acc: Vec<Vec<BigRational>>,
    /// Chance probabilities of every information set (empty for players' sets).
    pub chance: Vec<Vec<BigRational>>,
}

impl Exact {
    /// The exact payoffs and probabilities of `game`.
    ///
    /// # Errors
    /// [`SolveError::PayoffOutOfRange`] for a terminal payoff beyond `f64`'s range,
    /// [`SolveError::NonFinitePayoff`] for a float payoff that is NaN or infinite.
    pub fn new(game: &Game) -> Result<Exact, SolveError> {
        let np = game.num_players();
        let mut acc: Vec<Vec<BigRational>> = Vec::with_capacity(game.nodes().len());
        for (i, node) in game.nodes().iter().enumerate() {
            let mut v = match node.parent {
                Some((p, _)) => acc[p.0].clone(),
                None => vec![BigRational::zero(); np],
            };
            if let Some(o) = node.outcome {
                for (k, (x, pay)) in v.iter_mut().zip(&game.outcomes()[o.0].payoffs).enumerate() {
                    *x += to_exact(pay).ok_or(SolveError::NonFinitePayoff {
                        index: i * np + k,
                        value: pay.to_f64(),
                    })?;
                }
            }
            if node.is_terminal() {
                check_range(game, i, &v)?;
            }
            acc.push(v);
        }
        let chance = game
            .infosets()
            .iter()
            .map(|s| {
                s.probs
                    .iter()
                    .map(|p| to_exact(p).unwrap_or_default())
                    .collect()
            })
            .collect();
        Ok(Exact { acc, chance })
    }

    /// Exact reach probabilities and continuation values of every node under a pure profile
    /// (one action per information set, by [`crate::game::InfosetId`]).
    pub fn play(&self, game: &Game, choice: &[usize]) -> ExactPlay {
        let nodes = game.nodes();
        let mut reach: Vec<Option<BigRational>> = vec![None; nodes.len()];
        reach[0] = Some(BigRational::from_integer(BigInt::from(1)));
        for (i, node) in nodes.iter().enumerate() {
            let (Some(set), Some(r)) = (node.infoset, reach[i].clone()) else {
                continue;
            };
            match game.infoset(set).mover {
                Mover::Player(_) => reach[node.children[choice[set.0]].0] = Some(r),
                Mover::Chance => {
                    for (c, p) in node.children.iter().zip(&self.chance[set.0]) {
                        if !p.is_zero() {
                            reach[c.0] = Some(&r * p);
                        }
                    }
                }
            }
        }
        let mut value: Vec<Vec<BigRational>> = vec![Vec::new(); nodes.len()];
        for i in (0..nodes.len()).rev() {
            let node = &nodes[i];
            value[i] = match node.infoset {
                None => self.acc[i].clone(),
                Some(set) => match game.infoset(set).mover {
                    Mover::Player(_) => value[node.children[choice[set.0]].0].clone(),
                    Mover::Chance => {
                        let mut v = vec![BigRational::zero(); game.num_players()];
                        for (c, p) in node.children.iter().zip(&self.chance[set.0]) {
                            for (x, y) in v.iter_mut().zip(&value[c.0]) {
                                *x += p * y;
                            }
                        }
                        v
                    }
                },
            };
        }
        ExactPlay { reach, value }
    }

    /// Each player's exact expected payoff under a pure profile (one action per information
    /// set, by [`crate::game::InfosetId`]; chance sets ignored).
    pub fn values(&self, game: &Game, choice: &[usize]) -> Vec<BigRational> {
        // Reach probabilities forward (parents come before children); `None` is zero.
        let mut reach: Vec<Option<BigRational>> = vec![None; game.nodes().len()];
        reach[0] = Some(BigRational::from_integer(BigInt::from(1)));
        let mut total = vec![BigRational::zero(); game.num_players()];
        for (i, node) in game.nodes().iter().enumerate() {
            let Some(r) = reach[i].take() else { continue };
            let Some(set) = node.infoset else {
                for (t, x) in total.iter_mut().zip(&self.acc[i]) {
                    *t += &r * x;
                }
                continue;
            };
            match game.infoset(set).mover {
                Mover::Player(_) => {
                    let NodeId(c) = node.children[choice[set.0]];
                    reach[c] = Some(r);
                }
                Mover::Chance => {
                    for (c, p) in node.children.iter().zip(&self.chance[set.0]) {
                        if !p.is_zero() {
                            reach[c.0] = Some(&r * p);
                        }
                    }
                }
            }
        }
        total
    }
}

/// Exact reach probabilities (`None` for zero) and continuation values of every node under
/// one pure profile.
pub(crate) struct ExactPlay {
    reach: Vec<Option<BigRational>>,
    value: Vec<Vec<BigRational>>,
}

impl ExactPlay {
    /// The owner's exact payoff from the root.
    pub fn root(&self, player: usize) -> &BigRational {
        &self.value[0][player]
    }

    /// The exact gain to `player` of switching the set with these `members` from action
    /// `chosen` to `a`: the reach-weighted change of continuation value at its members (right
    /// when no play meets the set twice).
    pub fn gain(
        &self,
        game: &Game,
        members: &[NodeId],
        chosen: usize,
        a: usize,
        player: usize,
    ) -> BigRational {
        let mut total = BigRational::zero();
        for &h in members {
            if let Some(r) = &self.reach[h.0] {
                let node = game.node(h);
                let (to, from) = (node.children[a].0, node.children[chosen].0);
                total += r * (&self.value[to][player] - &self.value[from][player]);
            }
        }
        total
    }
}

/// The nearest `f64`s of exact values inside `f64`'s range.
pub(crate) fn to_f64s(values: &[BigRational]) -> Vec<f64> {
    values.iter().map(rational_to_f64).collect()
}

/// The exact value of a payoff or probability; `None` for a float that is not finite.
pub(crate) fn to_exact(n: &Number) -> Option<BigRational> {
    match n {
        Number::Exact(r) => Some(r.clone()),
        Number::Float(x) => BigRational::from_float(*x),
    }
}

/// `Err` for a terminal payoff whose magnitude exceeds `f64::MAX`.
fn check_range(game: &Game, node: usize, payoffs: &[BigRational]) -> Result<(), SolveError> {
    let max = BigRational::from_float(f64::MAX).unwrap_or_default();
    for (player, x) in payoffs.iter().enumerate() {
        if x.abs() > max {
            return Err(SolveError::PayoffOutOfRange {
                player: game.players()[player].clone(),
                node: describe(game, NodeId(node)),
                value: magnitude(x),
            });
        }
    }
    Ok(())
}

/// A node as a message names it: its label, or else the actions that reach it (the first
/// three and the last three of a long path).
fn describe(game: &Game, node: NodeId) -> String {
    let label = &game.node(node).label;
    if !label.is_empty() {
        return format!("{label:?}");
    }
    let mut path = Vec::new();
    let mut cur = node;
    while let Some((parent, a)) = game.node(cur).parent {
        let set = game.node(parent).infoset.map(|s| game.infoset(s));
        path.push(set.map_or_else(|| format!("#{a}"), |s| s.actions[a].clone()));
        cur = parent;
    }
    path.reverse();
    if path.len() > 6 {
        let skipped = path.len() - 6;
        path.splice(3..path.len() - 3, [format!("… {skipped} moves …")]);
    }
    format!("reached by {}", path.join(" → "))
}

/// A short decimal approximation of a rational of any size (`3.0e308`, `-1.2e4000`).
pub(crate) fn magnitude(x: &BigRational) -> String {
    if x.is_zero() {
        return "0".into();
    }
    // x = m * 2^e with m in [2^-1, 2^1]: shift numerator and denominator to 60 bits.
    let (n, d) = (x.numer().abs(), x.denom().clone());
    let (nb, db) = (n.bits() as i64, d.bits() as i64);
    let e = nb - db;
    let (n, d) = (shift(n, 60 - nb), shift(d, 60 - db));
    let m = rational_to_f64(&BigRational::new(n, d));
    let log10 = m.log10() + e as f64 * std::f64::consts::LOG10_2;
    let mut exp = log10.floor();
    let mut mantissa = 10f64.powf(log10 - exp);
    if mantissa >= 9.95 {
        mantissa /= 10.0;
        exp += 1.0;
    }
    let sign = if x.is_negative() { "-" } else { "" };
    format!("{sign}{mantissa:.1}e{exp}")
}

fn shift(x: BigInt, by: i64) -> BigInt {
    if by >= 0 {
        x << by as usize
    } else {
        x >> (-by) as usize
    }
}
