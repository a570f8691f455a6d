//! Behaviour profiles: one probability per action of every strategic information set.

use super::{Game, InfosetId, Mover, NodeId};

/// Where each strategic information set's actions sit in a flat behaviour profile, in
/// Gambit's order: players in order, each player's sets by number, actions in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileLayout {
    /// Strategic information sets in profile order.
    pub order: Vec<InfosetId>,
    /// For every information set of the game (by index), the offset of its first action in
    /// the flat profile; `None` for chance sets.
    pub offset: Vec<Option<usize>>,
    /// Total number of entries.
    pub len: usize,
}

impl ProfileLayout {
    /// The layout of `game`.
    pub fn new(game: &Game) -> Self {
        let mut order = Vec::new();
        for p in 0..game.num_players() {
            order.extend(game.player_infosets(p));
        }
        let mut offset = vec![None; game.infosets().len()];
        let mut len = 0;
        for &s in &order {
            offset[s.0] = Some(len);
            len += game.infoset(s).num_actions();
        }
        ProfileLayout { order, offset, len }
    }
}

/// A behaviour profile of a game: action probabilities at every strategic information set,
/// flat in [`ProfileLayout`] order.
#[derive(Clone, Debug, PartialEq)]
pub struct BehaviorProfile {
    layout: ProfileLayout,
    probs: Vec<f64>,
}

impl BehaviorProfile {
    /// The uniform profile (every action of a set equally likely).
    pub fn uniform(game: &Game) -> Self {
        let layout = game.profile_layout();
        let mut probs = vec![0.0; layout.len];
        for &s in &layout.order {
            let k = game.infoset(s).num_actions();
            let off = layout.offset[s.0].unwrap_or(0);
            probs[off..off + k].fill(1.0 / k as f64);
        }
        BehaviorProfile { layout, probs }
    }

    /// A profile from flat probabilities in layout order; `None` when the length is wrong.
    pub fn from_flat(game: &Game, probs: Vec<f64>) -> Option<Self> {
        let layout = game.profile_layout();
        (probs.len() == layout.len).then_some(BehaviorProfile { layout, probs })
    }

    /// The flat probabilities, in Gambit's order.
    pub fn flat(&self) -> &[f64] {
        &self.probs
    }

    /// Mutable flat probabilities.
    pub fn flat_mut(&mut self) -> &mut [f64] {
        &mut self.probs
    }

    /// The layout.
    pub fn layout(&self) -> &ProfileLayout {
        &self.layout
    }

    /// Probabilities of the actions at a strategic information set (empty for chance).
    pub fn at(&self, game: &Game, infoset: InfosetId) -> &[f64] {
        match self.layout.offset[infoset.0] {
            Some(off) => &self.probs[off..off + game.infoset(infoset).num_actions()],
            None => &[],
        }
    }

    /// Probability of action `a` at `infoset`, chance probabilities included.
    pub fn action_prob(&self, game: &Game, infoset: InfosetId, a: usize) -> f64 {
        match game.infoset(infoset).mover {
            Mover::Chance => game.infoset(infoset).probs[a].to_f64(),
            Mover::Player(_) => self.at(game, infoset)[a],
        }
    }

    /// Probability of reaching each node under this profile (chance included).
    pub fn reach_probs(&self, game: &Game) -> Vec<f64> {
        let mut reach = vec![0.0; game.nodes().len()];
        reach[0] = 1.0;
        for (i, node) in game.nodes().iter().enumerate() {
            if let Some(s) = node.infoset {
                for (a, &c) in node.children.iter().enumerate() {
                    reach[c.0] = reach[i] * self.action_prob(game, s, a);
                }
            }
        }
        reach
    }

    /// Each player's expected payoff under this profile.
    pub fn expected_payoffs(&self, game: &Game) -> Vec<f64> {
        let reach = self.reach_probs(game);
        let acc = game.accumulated_payoffs();
        let mut out = vec![0.0; game.num_players()];
        for t in game.terminals() {
            let NodeId(i) = t;
            for (o, v) in out.iter_mut().zip(&acc[i]) {
                *o += reach[i] * v;
            }
        }
        out
    }
}
