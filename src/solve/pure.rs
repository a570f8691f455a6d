//! All pure agent Nash equilibria of a game (Gambit's `enumpure_solve(use_strategic=False)`).
//!
//! A pure behaviour profile is an agent Nash equilibrium when no single information set's
//! action can be changed to raise its owner's expected payoff from the root. Reaching the set
//! is not required: at a set reached with probability zero every action is a best response.
//! A deviation counts when it gains anything at all: as Gambit, gains are decided exactly
//! (payoffs as rationals), at any payoff scale. Terminal payoffs must lie within ±1.797e308,
//! the range of the `f64`s in which payoffs are reported.
//!
//! The enumeration visits every pure behaviour profile in Gambit's order (an odometer over
//! [`super::gambit_infoset_order`], the last set fastest) and tests each in time linear in the
//! tree: one forward pass for reach probabilities, one backward pass for continuation values,
//! and each deviation's gain read off as the reach-weighted change of continuation value at the
//! set's nodes. Only when a set is absent-minded (a path meets it twice) is a deviation
//! re-evaluated from the root. These passes run in `f64` on payoffs scaled by a power of two to
//! [-1, 1] (so nothing overflows), with a bound on their rounding error; a gain within the
//! bound of zero is decided again in exact arithmetic.

use super::exact::{to_f64s, Exact, ExactPlay};
use super::float_bound::{error_bound, floats_decide, scaled_payoffs};
use super::spe::advance;
use super::{gambit_infoset_order, pure_profile, Cap, Equilibrium, SolveError};
use crate::game::{Game, InfosetId, Mover, NodeId};
use num_traits::Signed;

/// Default cap on the number of pure behaviour profiles [`solve`] examines.
pub const DEFAULT_MAX_PROFILES: u64 = 10_000_000;

/// Default cap on the number of equilibria returned.
pub const DEFAULT_CAP: usize = 10_000;

/// All pure agent Nash equilibria, in Gambit's order, with the default caps.
///
/// # Errors
/// [`SolveError::TooMany`] when the game has more than [`DEFAULT_MAX_PROFILES`] pure
/// behaviour profiles or more than [`DEFAULT_CAP`] equilibria.
///
/// # Examples
/// ```
/// use escalation::game::GameBuilder;
/// use escalation::solve::pure;
///
/// // Entry deterrence: (In, Accommodate) is subgame perfect; (Out, Fight) is an agent Nash
/// // equilibrium too, because the incumbent's threat is never tested.
/// let mut b = GameBuilder::new(["Entrant", "Incumbent"]);
/// let root = b.root();
/// let entry = b.decision(root, 0, "entry", &["Out", "In"])?;
/// b.set_payoffs(entry[0], &[0.0, 2.0]);
/// let resp = b.decision(entry[1], 1, "response", &["Fight", "Accommodate"])?;
/// b.set_payoffs(resp[0], &[-1.0, -1.0]);
/// b.set_payoffs(resp[1], &[1.0, 1.0]);
/// let game = b.build()?;
/// let eqs = pure::solve(&game)?;
/// assert_eq!(eqs.len(), 2);
/// assert_eq!(eqs[0].profile.flat(), &[1.0, 0.0, 1.0, 0.0]);
/// assert_eq!(eqs[1].profile.flat(), &[0.0, 1.0, 0.0, 1.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn solve(game: &Game) -> Result<Vec<Equilibrium>, SolveError> {
    solve_with_caps(game, DEFAULT_MAX_PROFILES, DEFAULT_CAP)
}

/// As [`solve`], with explicit caps on the profiles examined and the equilibria returned.
///
/// # Errors
/// As [`solve`], with these caps.
pub fn solve_with_caps(
    game: &Game,
    max_profiles: u64,
    cap: usize,
) -> Result<Vec<Equilibrium>, SolveError> {
    let order: Vec<InfosetId> = gambit_infoset_order(game).into_iter().flatten().collect();
    let lens: Vec<usize> = order
        .iter()
        .map(|&s| game.infoset(s).num_actions())
        .collect();
    let total = lens
        .iter()
        .try_fold(1u64, |n, &k| n.checked_mul(k as u64))
        .filter(|&n| n <= max_profiles);
    if total.is_none() {
        return Err(SolveError::TooMany {
            what: "pure behaviour profiles to examine",
            cap: usize::try_from(max_profiles).unwrap_or(usize::MAX),
            kind: Cap::Profiles,
        });
    }
    let eval = Evaluator::new(game)?;
    let mut state = eval.state();
    let mut choice = vec![0usize; game.infosets().len()];
    let mut idx = vec![0usize; order.len()];
    let mut out = Vec::new();
    loop {
        for (&s, &a) in order.iter().zip(&idx) {
            choice[s.0] = a;
        }
        if eval.is_agent_nash(&choice, &mut state) {
            if out.len() == cap {
                return Err(SolveError::TooMany {
                    what: "pure agent Nash equilibria",
                    cap,
                    kind: Cap::Equilibria,
                });
            }
            let profile = pure_profile(game, &choice);
            out.push(Equilibrium {
                payoffs: to_f64s(&eval.exact.values(game, &choice)),
                profile,
                lambda: None,
            });
        }
        if !advance(&mut idx, &lens) {
            break;
        }
    }
    Ok(out)
}

/// The order in which Gambit lists pure equilibria.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Order {
    /// `enumpure_agent_solve` on an extensive game: information sets in
    /// [`super::gambit_infoset_order`], the last one varying fastest.
    #[default]
    Agent,
    /// `enumpure_solve` on a strategic-form (`.nfg`) game: the first player's strategy varies
    /// fastest. Meant for games from [`crate::game::nfg::NormalForm::to_game`], where each
    /// player has one information set.
    Strategic,
}

/// All pure agent Nash equilibria, listed in `order`, with the default caps.
///
/// # Errors
/// As [`solve`].
pub fn solve_in_order(game: &Game, order: Order) -> Result<Vec<Equilibrium>, SolveError> {
    solve_in_order_with_caps(game, order, DEFAULT_MAX_PROFILES, DEFAULT_CAP)
}

/// As [`solve_in_order`], with the caps of [`solve_with_caps`].
///
/// # Errors
/// As [`solve_with_caps`].
pub fn solve_in_order_with_caps(
    game: &Game,
    order: Order,
    max_profiles: u64,
    cap: usize,
) -> Result<Vec<Equilibrium>, SolveError> {
    let mut eqs = solve_with_caps(game, max_profiles, cap)?;
    if order == Order::Strategic {
        let sets: Vec<InfosetId> = gambit_infoset_order(game).into_iter().flatten().collect();
        let layout = game.profile_layout();
        // Stable sort by the choices read from the last set to the first.
        eqs.sort_by_cached_key(|e| {
            sets.iter()
                .rev()
                .map(|&s| {
                    let off = layout.offset[s.0].unwrap_or(0);
                    let k = game.infoset(s).num_actions();
                    e.profile.flat()[off..off + k]
                        .iter()
                        .position(|&p| p == 1.0)
                        .unwrap_or(0)
                })
                .collect::<Vec<usize>>()
        });
    }
    Ok(eqs)
}

/// Whether a pure profile (one action per information set, by [`InfosetId`]; chance entries
/// ignored) is an agent Nash equilibrium, decided exactly as in [`solve`]. `false` for a game
/// that [`solve`] refuses (a terminal payoff beyond ±1.797e308).
pub fn is_agent_nash(game: &Game, choice: &[usize]) -> bool {
    let Ok(eval) = Evaluator::new(game) else {
        return false;
    };
    let mut state = eval.state();
    choice.len() == game.infosets().len()
        && choice
            .iter()
            .zip(game.infosets())
            .all(|(&a, s)| a < s.num_actions())
        && eval.is_agent_nash(choice, &mut state)
}

/// Reach probabilities and continuation values of pure profiles, with reusable buffers.
struct Evaluator<'g> {
    game: &'g Game,
    /// Accumulated payoffs scaled by a power of two into [-1, 1].
    acc: Vec<Vec<f64>>,
    chance: Vec<Vec<f64>>,
    absent_minded: Vec<bool>,
    /// Bound on the rounding error of a gain computed from `acc` (see [`error_bound`]).
    bound: f64,
    exact: Exact,
}

struct State {
    reach: Vec<f64>,
    value: Vec<Vec<f64>>,
    scratch: Vec<usize>,
}

impl<'g> Evaluator<'g> {
    fn new(game: &'g Game) -> Result<Self, SolveError> {
        let exact = Exact::new(game)?;
        let (acc, floats_exact) = scaled_payoffs(game, &exact);
        let bound = if floats_exact && floats_decide(game, &exact, &acc) {
            0.0
        } else {
            error_bound(game)
        };
        let chance = (0..game.infosets().len())
            .map(|s| game.chance_probs(InfosetId(s)))
            .collect();
        let absent_minded = game
            .infosets()
            .iter()
            .enumerate()
            .map(|(k, set)| {
                set.members.iter().any(|&m| {
                    let mut cur = m;
                    while let Some((p, _)) = game.node(cur).parent {
                        if game.node(p).infoset == Some(InfosetId(k)) {
                            return true;
                        }
                        cur = p;
                    }
                    false
                })
            })
            .collect();
        Ok(Evaluator {
            game,
            acc,
            chance,
            absent_minded,
            bound,
            exact,
        })
    }

    fn state(&self) -> State {
        let n = self.game.nodes().len();
        State {
            reach: vec![0.0; n],
            value: vec![vec![0.0; self.game.num_players()]; n],
            scratch: Vec::new(),
        }
    }

    fn prob(&self, set: InfosetId, choice: &[usize], a: usize) -> f64 {
        match self.game.infoset(set).mover {
            Mover::Chance => self.chance[set.0][a],
            Mover::Player(_) => f64::from(u8::from(choice[set.0] == a)),
        }
    }

    fn evaluate(&self, choice: &[usize], st: &mut State) {
        let nodes = self.game.nodes();
        st.reach[0] = 1.0;
        for (i, node) in nodes.iter().enumerate() {
            if let Some(s) = node.infoset {
                for (a, c) in node.children.iter().enumerate() {
                    st.reach[c.0] = st.reach[i] * self.prob(s, choice, a);
                }
            }
        }
        for i in (0..nodes.len()).rev() {
            let node = &nodes[i];
            match node.infoset {
                None => st.value[i].clone_from(&self.acc[i]),
                Some(s) => {
                    let mut v = std::mem::take(&mut st.value[i]);
                    v.fill(0.0);
                    for (a, c) in node.children.iter().enumerate() {
                        let p = self.prob(s, choice, a);
                        if p != 0.0 {
                            for (x, y) in v.iter_mut().zip(&st.value[c.0]) {
                                *x += p * y;
                            }
                        }
                    }
                    st.value[i] = v;
                }
            }
        }
    }

    fn is_agent_nash(&self, choice: &[usize], st: &mut State) -> bool {
        self.evaluate(choice, st);
        let base = st.value[0].clone();
        let mut exact_play: Option<ExactPlay> = None;
        for (k, set) in self.game.infosets().iter().enumerate() {
            let Mover::Player(p) = set.mover else {
                continue;
            };
            let chosen = choice[k];
            for a in 0..set.num_actions() {
                if a == chosen {
                    continue;
                }
                let gain = if self.absent_minded[k] {
                    let mut dev = std::mem::take(&mut st.scratch);
                    dev.clear();
                    dev.extend_from_slice(choice);
                    dev[k] = a;
                    self.evaluate(&dev, st);
                    let g = st.value[0][p] - base[p];
                    st.scratch = dev;
                    self.evaluate(choice, st);
                    g
                } else {
                    set.members
                        .iter()
                        .map(|&h| {
                            let node = self.game.node(h);
                            let r = st.reach[h.0];
                            if r == 0.0 {
                                return 0.0;
                            }
                            let NodeId(to) = node.children[a];
                            let NodeId(from) = node.children[chosen];
                            r * (st.value[to][p] - st.value[from][p])
                        })
                        .sum()
                };
                if gain > self.bound {
                    return false;
                }
                if self.bound > 0.0 && gain >= -self.bound {
                    // Too close to zero for the floats to tell: decide exactly, with the
                    // profile's exact values computed once for all its deviations.
                    let play = exact_play.get_or_insert_with(|| self.exact.play(self.game, choice));
                    let gains = if self.absent_minded[k] {
                        let mut dev = std::mem::take(&mut st.scratch);
                        dev.clear();
                        dev.extend_from_slice(choice);
                        dev[k] = a;
                        let g = self.exact.values(self.game, &dev)[p] > *play.root(p);
                        st.scratch = dev;
                        g
                    } else {
                        play.gain(self.game, &set.members, chosen, a, p)
                            .is_positive()
                    };
                    if gains {
                        return false;
                    }
                }
            }
        }
        true
    }
}
