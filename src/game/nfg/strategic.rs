//! The full strategic form of an extensive game.

use super::NormalForm;
use crate::game::{Game, InfosetId, Mover, NodeId, NormalFormError, Number};
use num_bigint::BigUint;
use num_rational::BigRational;
use num_traits::Zero;

/// The most pure strategy profiles [`NormalForm::from_game`] will tabulate.
pub const MAX_PROFILES: usize = 1_000_000;

/// The most tree-node visits [`NormalForm::from_game`] will make: each pure profile walks
/// the nodes it reaches (all branches of chance).
pub const MAX_NODE_VISITS: f64 = 1e8;

/// Node visits of tabulating every pure profile: a node is reached by the share of profiles
/// that choose the actions leading to it.
fn node_visits(game: &Game, total: usize) -> f64 {
    let mut share = vec![0.0f64; game.nodes().len()];
    let mut sum = 0.0;
    for (i, node) in game.nodes().iter().enumerate() {
        let f = match node.parent {
            None => 1.0,
            Some((p, _)) => {
                let parent = game.node(p);
                match parent.infoset.map(|s| game.infoset(s)) {
                    Some(set) if set.mover != Mover::Chance => {
                        share[p.0] / set.num_actions() as f64
                    }
                    _ => share[p.0],
                }
            }
        };
        share[i] = f;
        sum += f;
    }
    sum * total as f64
}

/// Arithmetic shared by the exact and the floating computation.
trait Field: Clone {
    fn zero() -> Self;
    fn of(n: &Number) -> Self;
    fn add(&self, other: &Self) -> Self;
    fn mul(&self, other: &Self) -> Self;
    fn number(self) -> Number;
}

impl Field for BigRational {
    fn zero() -> Self {
        Zero::zero()
    }
    fn of(n: &Number) -> Self {
        match n {
            Number::Exact(r) => r.clone(),
            // Only reached when every number is exact; kept total for safety.
            Number::Float(x) => BigRational::from_float(*x).unwrap_or_else(Zero::zero),
        }
    }
    fn add(&self, other: &Self) -> Self {
        self + other
    }
    fn mul(&self, other: &Self) -> Self {
        self * other
    }
    fn number(self) -> Number {
        Number::Exact(self)
    }
}

impl Field for f64 {
    fn zero() -> Self {
        0.0
    }
    fn of(n: &Number) -> Self {
        n.to_f64()
    }
    fn add(&self, other: &Self) -> Self {
        self + other
    }
    fn mul(&self, other: &Self) -> Self {
        self * other
    }
    fn number(self) -> Number {
        Number::Float(self)
    }
}

/// Whether every payoff and chance probability of the game is exact.
fn all_exact(game: &Game) -> bool {
    game.outcomes()
        .iter()
        .all(|o| o.payoffs.iter().all(|x| x.as_exact().is_some()))
        && game
            .infosets()
            .iter()
            .all(|s| s.probs.iter().all(|x| x.as_exact().is_some()))
}

fn accumulate<F: Field>(game: &Game) -> Vec<Vec<F>> {
    let np = game.num_players();
    let mut acc: Vec<Vec<F>> = Vec::with_capacity(game.nodes().len());
    for node in game.nodes() {
        let mut v = match node.parent {
            Some((p, _)) => acc[p.0].clone(),
            None => vec![F::zero(); np],
        };
        if let Some(o) = node.outcome {
            for (x, pay) in v.iter_mut().zip(&game.outcomes()[o.0].payoffs) {
                *x = x.add(&F::of(pay));
            }
        }
        acc.push(v);
    }
    acc
}

/// Payoffs accumulated along the path to every node (outcomes of the node and its
/// ancestors summed), exact when every payoff is exact.
pub(crate) fn accumulated_exact(game: &Game) -> Vec<Vec<Number>> {
    fn conv<F: Field>(acc: Vec<Vec<F>>) -> Vec<Vec<Number>> {
        acc.into_iter()
            .map(|v| v.into_iter().map(F::number).collect())
            .collect()
    }
    if all_exact(game) {
        conv(accumulate::<BigRational>(game))
    } else {
        conv(accumulate::<f64>(game))
    }
}

/// One player's pure strategies: the action chosen at each of their sets (by number).
struct Strategies {
    sets: Vec<InfosetId>,
    /// `choices[s][k]`: action of strategy `s` at `sets[k]`.
    choices: Vec<Vec<usize>>,
    labels: Vec<String>,
}

fn strategies(game: &Game, player: usize) -> Strategies {
    let sets = game.player_infosets(player);
    let counts: Vec<usize> = sets
        .iter()
        .map(|&s| game.infoset(s).num_actions())
        .collect();
    let total: usize = counts.iter().product();
    let mut choices = Vec::with_capacity(total);
    let mut labels = Vec::with_capacity(total);
    for mut s in 0..total {
        // The first set varies slowest, as in Gambit's enumeration.
        let mut c = vec![0; counts.len()];
        for k in (0..counts.len()).rev() {
            c[k] = s % counts[k];
            s /= counts[k];
        }
        let label = match (sets.as_slice(), c.as_slice()) {
            ([set], [a]) if !game.infoset(*set).actions[*a].is_empty() => {
                game.infoset(*set).actions[*a].clone()
            }
            ([], []) => "1".to_string(),
            _ => c.iter().map(|a| (a + 1).to_string()).collect(),
        };
        choices.push(c);
        labels.push(label);
    }
    Strategies {
        sets,
        choices,
        labels,
    }
}

fn tabulate<F: Field>(game: &Game, players: &[Strategies], total: usize) -> Vec<Vec<Number>> {
    let acc = accumulate::<F>(game);
    let probs: Vec<Vec<F>> = game
        .infosets()
        .iter()
        .map(|s| s.probs.iter().map(F::of).collect())
        .collect();
    let mut action = vec![0usize; game.infosets().len()];
    let mut out = Vec::with_capacity(total);
    let mut stack: Vec<(NodeId, F)> = Vec::new();
    for mut index in 0..total {
        for st in players {
            let s = index % st.choices.len();
            index /= st.choices.len();
            for (set, &a) in st.sets.iter().zip(&st.choices[s]) {
                action[set.0] = a;
            }
        }
        let mut value = vec![F::zero(); game.num_players()];
        stack.push((game.root(), F::of(&Number::int(1))));
        while let Some((id, w)) = stack.pop() {
            let node = game.node(id);
            match node.infoset {
                None => {
                    for (v, x) in value.iter_mut().zip(&acc[id.0]) {
                        *v = v.add(&w.mul(x));
                    }
                }
                Some(s) => match game.infoset(s).mover {
                    Mover::Chance => {
                        for (c, p) in node.children.iter().zip(&probs[s.0]) {
                            stack.push((*c, w.mul(p)));
                        }
                    }
                    Mover::Player(_) => stack.push((node.children[action[s.0]], w)),
                },
            }
        }
        out.push(value.into_iter().map(F::number).collect());
    }
    out
}

impl NormalForm {
    /// The full strategic form of an extensive game: a player's pure strategies choose one
    /// action at each of their information sets (sets ordered by number, the first varying
    /// slowest, as Gambit enumerates them), and each profile's payoff is the expectation over
    /// chance. Payoffs are exact when every payoff and chance probability is exact.
    ///
    /// Strategy labels: the action label for a player with one information set, otherwise the
    /// 1-based action numbers concatenated (`"21"`), as Gambit labels them. Unlike Gambit's
    /// own strategic form this is not reduced: strategies differing only at sets their own
    /// earlier actions rule out are listed separately.
    ///
    /// # Errors
    /// [`NormalFormError::TooManyProfiles`] when there are more than [`MAX_PROFILES`] pure
    /// profiles, [`NormalFormError::TooMuchWork`] when walking the tree for every profile
    /// would visit more than [`MAX_NODE_VISITS`] nodes.
    ///
    /// # Examples
    /// ```
    /// use escalation::game::{nfg::NormalForm, GameBuilder};
    ///
    /// let mut b = GameBuilder::new(["Entrant", "Incumbent"]);
    /// let root = b.root();
    /// let kids = b.decision(root, 0, "entry", &["Out", "In"])?;
    /// b.set_payoffs(kids[0], &[0.0, 2.0]);
    /// let resp = b.decision(kids[1], 1, "response", &["Fight", "Accommodate"])?;
    /// b.set_payoffs(resp[0], &[-1.0, -1.0]);
    /// b.set_payoffs(resp[1], &[1.0, 1.0]);
    /// let nf = NormalForm::from_game(&b.build()?).unwrap();
    /// // (In, Accommodate) is the last profile in Gambit's order.
    /// assert_eq!(nf.payoff(&[1, 1]).unwrap()[0].to_f64(), 1.0);
    /// assert_eq!(nf.strategies()[1], ["Fight", "Accommodate"]);
    /// # Ok::<(), escalation::game::GameError>(())
    /// ```
    pub fn from_game(game: &Game) -> Result<NormalForm, NormalFormError> {
        NormalForm::from_game_with_cap(game, MAX_PROFILES)
    }

    /// As [`NormalForm::from_game`] with at most `max_profiles` pure profiles; the cap on
    /// node visits grows in proportion ([`MAX_NODE_VISITS`] per [`MAX_PROFILES`] profiles,
    /// never below [`MAX_NODE_VISITS`]).
    ///
    /// # Errors
    /// As [`NormalForm::from_game`], with these caps.
    pub fn from_game_with_cap(
        game: &Game,
        max_profiles: usize,
    ) -> Result<NormalForm, NormalFormError> {
        let max_visits =
            MAX_NODE_VISITS.max(MAX_NODE_VISITS / MAX_PROFILES as f64 * max_profiles as f64);
        let mut total = BigUint::from(1u32);
        for p in 0..game.num_players() {
            total *= game.num_pure_strategies(p);
        }
        let total = match usize::try_from(&total) {
            Ok(t) if t <= max_profiles => t,
            _ => {
                return Err(NormalFormError::TooManyProfiles {
                    profiles: total.to_string(),
                    cap: max_profiles,
                })
            }
        };
        let visits = node_visits(game, total);
        if visits > max_visits {
            return Err(NormalFormError::TooMuchWork {
                visits,
                limit: max_visits,
            });
        }
        let players: Vec<Strategies> = (0..game.num_players())
            .map(|p| strategies(game, p))
            .collect();
        let payoffs = if all_exact(game) {
            tabulate::<BigRational>(game, &players, total)
        } else {
            tabulate::<f64>(game, &players, total)
        };
        NormalForm::new(
            game.title(),
            game.comment(),
            game.players().to_vec(),
            players.into_iter().map(|s| s.labels).collect(),
            payoffs,
        )
    }
}
