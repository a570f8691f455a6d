//! Validation and structural queries: perfect information, perfect recall, subgames,
//! pure-strategy counts.

use super::{Game, GameError, InfosetId, Mover, NodeId, Number};
use num_bigint::BigUint;
use num_rational::BigRational;
use num_traits::{One, Zero};

fn infoset_name(game: &Game, id: InfosetId) -> String {
    let i = &game.infosets[id.0];
    if i.label.is_empty() {
        match i.mover {
            Mover::Chance => format!("chance #{}", i.number),
            Mover::Player(p) => format!(
                "{} #{}",
                game.players.get(p).map(String::as_str).unwrap_or("?"),
                i.number
            ),
        }
    } else {
        i.label.clone()
    }
}

pub(crate) fn validate(game: &Game) -> Result<(), GameError> {
    if game.players.is_empty() {
        return Err(GameError::NoPlayers);
    }
    let np = game.players.len();
    for o in &game.outcomes {
        if o.payoffs.len() != np {
            return Err(GameError::PayoffCount {
                outcome: o.label.clone(),
                got: o.payoffs.len(),
                players: np,
            });
        }
        if !o.payoffs.iter().all(Number::is_finite) {
            return Err(GameError::NonFinitePayoff {
                outcome: o.label.clone(),
            });
        }
    }
    // Tree shape: parents precede children, each child names its parent, no node twice.
    let mut seen = vec![false; game.nodes.len()];
    for (i, node) in game.nodes.iter().enumerate() {
        if let Some(o) = node.outcome {
            if o.0 >= game.outcomes.len() {
                return Err(GameError::NoSuchOutcome(o.0));
            }
        }
        for (a, &c) in node.children.iter().enumerate() {
            if c.0 >= game.nodes.len() {
                return Err(GameError::NoSuchNode(c.0));
            }
            if c.0 <= i || seen[c.0] || game.nodes[c.0].parent != Some((NodeId(i), a)) {
                return Err(GameError::Cycle(c.0));
            }
            seen[c.0] = true;
        }
        match node.infoset {
            Some(s) => {
                let iset = game
                    .infosets
                    .get(s.0)
                    .ok_or(GameError::NoSuchInfoset(s.0))?;
                if iset.actions.len() != node.children.len() {
                    return Err(GameError::InconsistentInfoset {
                        infoset: infoset_name(game, s),
                        detail: format!(
                            "node {i} has {} children but the set has {} actions",
                            node.children.len(),
                            iset.actions.len()
                        ),
                    });
                }
            }
            None if !node.children.is_empty() => return Err(GameError::Cycle(i)),
            None => {}
        }
    }
    if seen.iter().skip(1).any(|s| !s) {
        let orphan = seen.iter().skip(1).position(|s| !s).map_or(0, |p| p + 1);
        return Err(GameError::Cycle(orphan));
    }
    for (k, iset) in game.infosets.iter().enumerate() {
        let id = InfosetId(k);
        if iset.members.is_empty() {
            return Err(GameError::EmptyInfoset(infoset_name(game, id)));
        }
        if iset.actions.is_empty() {
            return Err(GameError::NoActions {
                infoset: infoset_name(game, id),
            });
        }
        for m in &iset.members {
            if game.nodes.get(m.0).and_then(|n| n.infoset) != Some(id) {
                return Err(GameError::InconsistentInfoset {
                    infoset: infoset_name(game, id),
                    detail: format!("member node {} does not point back to the set", m.0),
                });
            }
        }
        match iset.mover {
            Mover::Player(p) if p >= game.players.len() => {
                return Err(GameError::NoSuchPlayer {
                    player: p,
                    count: game.players.len(),
                })
            }
            Mover::Player(_) => {}
            Mover::Chance => check_chance(game, id)?,
        }
    }
    Ok(())
}

fn check_chance(game: &Game, id: InfosetId) -> Result<(), GameError> {
    let iset = &game.infosets[id.0];
    if iset.probs.len() != iset.actions.len() {
        return Err(GameError::ProbabilityCount {
            infoset: infoset_name(game, id),
            actions: iset.actions.len(),
            probs: iset.probs.len(),
        });
    }
    for (p, a) in iset.probs.iter().zip(&iset.actions) {
        if !p.is_finite() || p.is_negative() {
            return Err(GameError::BadProbability {
                infoset: infoset_name(game, id),
                action: a.clone(),
                value: p.to_string(),
            });
        }
    }
    let exact: Option<Vec<&BigRational>> = iset.probs.iter().map(Number::as_exact).collect();
    match exact {
        Some(ps) => {
            let sum: BigRational = ps.into_iter().fold(BigRational::zero(), |s, p| s + p);
            if !sum.is_one() {
                return Err(GameError::ProbabilitySum {
                    infoset: infoset_name(game, id),
                    sum: Number::Exact(sum).to_string(),
                });
            }
        }
        None => {
            let sum: f64 = iset.probs.iter().map(Number::to_f64).sum();
            if (sum - 1.0).abs() > 1e-9 {
                return Err(GameError::ProbabilitySum {
                    infoset: infoset_name(game, id),
                    sum: format!("{sum}"),
                });
            }
        }
    }
    Ok(())
}

impl Game {
    /// Whether every information set (chance included) has a single node.
    pub fn is_perfect_information(&self) -> bool {
        self.infosets.iter().all(|i| i.members.len() == 1)
    }

    /// The first strategic information set with more than one node, as an error naming it;
    /// `Ok(())` for a perfect-information game.
    ///
    /// # Errors
    /// [`GameError::NotPerfectInformation`] naming the offending set.
    pub fn require_perfect_information(&self) -> Result<(), GameError> {
        for (k, i) in self.infosets.iter().enumerate() {
            if i.members.len() > 1 {
                let player = match i.mover {
                    Mover::Chance => "chance".to_string(),
                    Mover::Player(p) => self.players[p].clone(),
                };
                return Err(GameError::NotPerfectInformation {
                    infoset: infoset_name(self, InfosetId(k)),
                    player,
                    members: i.members.len(),
                });
            }
        }
        Ok(())
    }

    /// The sequence of (own information set, action) pairs of `player` on the path from the
    /// root to `node`, excluding `node` itself.
    pub fn own_history(&self, node: NodeId, player: usize) -> Vec<(InfosetId, usize)> {
        let mut hist = Vec::new();
        let mut cur = node;
        while let Some((parent, a)) = self.nodes[cur.0].parent {
            if let Some(s) = self.nodes[parent.0].infoset {
                if self.infosets[s.0].mover == Mover::Player(player) {
                    hist.push((s, a));
                }
            }
            cur = parent;
        }
        hist.reverse();
        hist
    }

    /// Whether every player remembers their own past information sets and actions: all nodes
    /// of a set share the same own history.
    pub fn is_perfect_recall(&self) -> bool {
        self.infosets.iter().all(|iset| match iset.mover {
            Mover::Chance => true,
            Mover::Player(p) => {
                let first = self.own_history(iset.members[0], p);
                iset.members[1..]
                    .iter()
                    .all(|&m| self.own_history(m, p) == first)
            }
        })
    }

    /// Roots of proper and improper subgames, in node order: nodes `n` such that every
    /// information set meeting the subtree of `n` lies wholly inside it. The root is always
    /// one.
    pub fn subgame_roots(&self) -> Vec<NodeId> {
        use std::collections::HashMap;
        let n = self.nodes.len();
        // Members of each information set inside each subtree, merged bottom-up.
        let mut inside: Vec<HashMap<usize, usize>> = vec![HashMap::new(); n];
        let mut is_root = vec![false; n];
        for i in (0..n).rev() {
            let mut m: HashMap<usize, usize> = HashMap::new();
            if let Some(s) = self.nodes[i].infoset {
                *m.entry(s.0).or_insert(0) += 1;
            }
            for c in &self.nodes[i].children {
                for (k, v) in std::mem::take(&mut inside[c.0]) {
                    *m.entry(k).or_insert(0) += v;
                }
            }
            is_root[i] = !self.nodes[i].is_terminal()
                && m.iter().all(|(s, c)| *c == self.infosets[*s].members.len());
            inside[i] = m;
        }
        (0..n).filter(|&i| is_root[i]).map(NodeId).collect()
    }

    /// Number of pure strategies of `player`: the product of the action counts of the
    /// player's information sets.
    pub fn num_pure_strategies(&self, player: usize) -> BigUint {
        self.infosets
            .iter()
            .filter(|i| i.mover == Mover::Player(player))
            .fold(BigUint::one(), |acc, i| {
                acc * BigUint::from(i.actions.len())
            })
    }
}
