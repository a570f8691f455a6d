//! A game compiled to flat arrays, and the sweeps over it that the logit QRE engine needs:
//! reach probabilities, values and action values of a profile, the exact logit response of a
//! perfect-information game, and regrets. (The solves themselves are in [`super::engine`].)

use crate::game::{Game, Mover, NodeId};

const NONE: u32 = u32::MAX;

/// A game compiled to flat arrays for repeated logit solves with changing payoffs.
///
/// Nodes keep the game's indices, in which a parent precedes its children, so iterating them
/// backwards is a reverse topological order. Each node's children are a range of
/// `children`; the actions of every strategic information set are contiguous, at the set's
/// offset in the flat behaviour profile (Gambit's order), and chance actions follow them.
///
/// # Examples
/// ```
/// use escalation::game::GameBuilder;
/// use escalation::solve::logit::CompiledGame;
///
/// let mut b = GameBuilder::new(["Entrant", "Incumbent"]);
/// let root = b.root();
/// let entry = b.decision(root, 0, "entry", &["Out", "In"])?;
/// let resp = b.decision(entry[1], 1, "response", &["Fight", "Accommodate"])?;
/// let game = b.build()?;
/// let compiled = CompiledGame::new(&game);
/// let mut ws = compiled.workspace();
/// // Terminals in order: Out, Fight, Accommodate; one row of payoffs each.
/// assert_eq!(compiled.terminals().len(), 3);
/// let payoffs = [0.0, 2.0, -1.0, -1.0, 1.0, 1.0];
/// let profile = compiled.solve(&mut ws, &payoffs, 0.0)?;
/// assert_eq!(profile, &[0.5, 0.5, 0.5, 0.5]);
/// let profile = compiled.solve(&mut ws, &payoffs, 2.0)?;
/// // The incumbent accommodates with probability e^2 / (e^-2 + e^2).
/// let acc = 1.0 / (1.0 + (-4.0f64).exp());
/// assert!((profile[3] - acc).abs() < 1e-15);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct CompiledGame {
    pub(super) num_players: usize,
    pub(super) child_start: Vec<u32>,
    pub(super) children: Vec<u32>,
    /// Compiled information set of each node, `NONE` at terminals.
    pub(super) node_set: Vec<u32>,
    /// Terminal row of each node, `NONE` at decision and chance nodes.
    pub(super) node_terminal: Vec<u32>,
    /// Mover of each compiled set: a player index, or `NONE` for chance.
    pub(super) set_player: Vec<u32>,
    /// Offset of each set's first action in the behaviour array.
    pub(super) set_action: Vec<u32>,
    pub(super) set_num_actions: Vec<u32>,
    pub(super) member_start: Vec<u32>,
    pub(super) members: Vec<u32>,
    /// Strategic sets in profile order.
    pub(super) strategic: Vec<u32>,
    /// Length of the flat behaviour profile (strategic actions).
    pub(super) profile_len: usize,
    /// Chance probabilities, at offsets `profile_len..` of the behaviour array.
    pub(super) chance_probs: Vec<f64>,
    pub(super) terminals: Vec<NodeId>,
    pub(super) perfect_information: bool,
}

/// A profile and what the sweeps compute from it, sized for one [`CompiledGame`].
#[derive(Clone, Debug)]
pub(crate) struct Sweep {
    /// Behaviour probabilities: strategic actions in profile order, then chance actions.
    pub(crate) behav: Vec<f64>,
    pub(crate) reach: Vec<f64>,
    /// Continuation value of every node for every player (`node * players + player`).
    pub(crate) value: Vec<f64>,
    /// Conditional value of every strategic action to its mover.
    pub(crate) action_value: Vec<f64>,
    /// `exp` evaluations since the counter was last reset.
    pub(crate) exp_count: u64,
}

impl CompiledGame {
    /// Compiles `game`.
    pub fn new(game: &Game) -> CompiledGame {
        let layout = game.profile_layout();
        let n = game.nodes().len();
        let mut child_start = Vec::with_capacity(n + 1);
        let mut children = Vec::new();
        let mut node_set = vec![NONE; n];
        let mut node_terminal = vec![NONE; n];
        let mut terminals = Vec::new();
        for (i, node) in game.nodes().iter().enumerate() {
            child_start.push(children.len() as u32);
            children.extend(node.children.iter().map(|c| c.0 as u32));
            match node.infoset {
                Some(s) => node_set[i] = s.0 as u32,
                None => {
                    node_terminal[i] = terminals.len() as u32;
                    terminals.push(NodeId(i));
                }
            }
        }
        child_start.push(children.len() as u32);
        let sets = game.infosets();
        let mut set_player = Vec::with_capacity(sets.len());
        let mut set_action = Vec::with_capacity(sets.len());
        let mut set_num_actions = Vec::with_capacity(sets.len());
        let mut member_start = Vec::with_capacity(sets.len() + 1);
        let mut members = Vec::new();
        let mut chance_probs = Vec::new();
        for (k, set) in sets.iter().enumerate() {
            set_num_actions.push(set.num_actions() as u32);
            member_start.push(members.len() as u32);
            members.extend(set.members.iter().map(|m| m.0 as u32));
            match set.mover {
                Mover::Player(p) => {
                    set_player.push(p as u32);
                    set_action.push(layout.offset[k].unwrap_or(0) as u32);
                }
                Mover::Chance => {
                    set_player.push(NONE);
                    set_action.push((layout.len + chance_probs.len()) as u32);
                    chance_probs.extend(set.probs.iter().map(|p| p.to_f64()));
                }
            }
        }
        member_start.push(members.len() as u32);
        CompiledGame {
            num_players: game.num_players(),
            child_start,
            children,
            node_set,
            node_terminal,
            set_player,
            set_action,
            set_num_actions,
            member_start,
            members,
            strategic: layout.order.iter().map(|s| s.0 as u32).collect(),
            profile_len: layout.len,
            chance_probs,
            terminals,
            perfect_information: game.is_perfect_information(),
        }
    }

    /// The terminal nodes, in the order of the rows of `terminal_payoffs`.
    pub fn terminals(&self) -> &[NodeId] {
        &self.terminals
    }

    /// Number of players.
    pub fn num_players(&self) -> usize {
        self.num_players
    }

    /// Length of the flat behaviour profile that [`CompiledGame::solve`] returns.
    pub fn profile_len(&self) -> usize {
        self.profile_len
    }

    /// The terminal payoffs of `game` (which must be the game this was compiled from), as
    /// the flat row-major array [`CompiledGame::solve`] takes.
    pub fn game_payoffs(&self, game: &Game) -> Vec<f64> {
        let acc = game.accumulated_payoffs();
        self.terminals
            .iter()
            .flat_map(|t| acc.get(t.0).cloned().unwrap_or_default())
            .collect()
    }

    /// The sweeps' buffers for this game.
    pub(crate) fn sweep(&self) -> Sweep {
        let n = self.node_set.len();
        let mut behav = vec![0.0; self.profile_len + self.chance_probs.len()];
        behav[self.profile_len..].copy_from_slice(&self.chance_probs);
        Sweep {
            behav,
            reach: vec![0.0; n],
            value: vec![0.0; n * self.num_players],
            action_value: vec![0.0; self.profile_len],
            exp_count: 0,
        }
    }

    /// The same game with other chance probabilities (`probs`, all chance actions in order;
    /// for a game whose only chance node is the root, its actions' probabilities).
    pub(crate) fn with_chance_probs(&self, probs: &[f64]) -> CompiledGame {
        let mut g = self.clone();
        let n = g.chance_probs.len().min(probs.len());
        g.chance_probs[..n].copy_from_slice(&probs[..n]);
        g
    }

    pub(crate) fn set_uniform(&self, ws: &mut Sweep) {
        for &s in &self.strategic {
            let s = s as usize;
            let off = self.set_action[s] as usize;
            let k = self.set_num_actions[s] as usize;
            ws.behav[off..off + k].fill(1.0 / k as f64);
        }
    }

    /// Forward sweep (reach probabilities), backward sweep (continuation values) and the
    /// conditional value of every strategic action under Bayes beliefs.
    pub(crate) fn evaluate(&self, ws: &mut Sweep, pay: &[f64]) {
        let np = self.num_players;
        let n = self.node_set.len();
        ws.reach[0] = 1.0;
        for i in 0..n {
            let s = self.node_set[i];
            if s == NONE {
                continue;
            }
            let off = self.set_action[s as usize] as usize;
            let r = ws.reach[i];
            let (a0, a1) = (
                self.child_start[i] as usize,
                self.child_start[i + 1] as usize,
            );
            for (a, &c) in self.children[a0..a1].iter().enumerate() {
                ws.reach[c as usize] = r * ws.behav[off + a];
            }
        }
        for i in (0..n).rev() {
            let s = self.node_set[i];
            if s == NONE {
                let t = self.node_terminal[i] as usize;
                ws.value[i * np..(i + 1) * np].copy_from_slice(&pay[t * np..(t + 1) * np]);
                continue;
            }
            let off = self.set_action[s as usize] as usize;
            let (a0, a1) = (
                self.child_start[i] as usize,
                self.child_start[i + 1] as usize,
            );
            for p in 0..np {
                let mut v = 0.0;
                for (a, &c) in self.children[a0..a1].iter().enumerate() {
                    v += ws.behav[off + a] * ws.value[c as usize * np + p];
                }
                ws.value[i * np + p] = v;
            }
        }
        for &s in &self.strategic {
            let s = s as usize;
            let off = self.set_action[s] as usize;
            let k = self.set_num_actions[s] as usize;
            let p = self.set_player[s] as usize;
            let mem =
                &self.members[self.member_start[s] as usize..self.member_start[s + 1] as usize];
            let total: f64 = mem.iter().map(|&h| ws.reach[h as usize]).sum();
            let uniform = 1.0 / mem.len() as f64;
            ws.action_value[off..off + k].fill(0.0);
            for &h in mem {
                let h = h as usize;
                let belief = if total > 0.0 {
                    ws.reach[h] / total
                } else {
                    uniform
                };
                let c0 = self.child_start[h] as usize;
                for a in 0..k {
                    let c = self.children[c0 + a] as usize;
                    ws.action_value[off + a] += belief * ws.value[c * np + p];
                }
            }
        }
    }

    /// The exact logit QRE of a perfect-information game: one backward sweep.
    pub(crate) fn backward_logit(&self, ws: &mut Sweep, pay: &[f64], lambda: f64) {
        let np = self.num_players;
        for i in (0..self.node_set.len()).rev() {
            let s = self.node_set[i];
            if s == NONE {
                let t = self.node_terminal[i] as usize;
                ws.value[i * np..(i + 1) * np].copy_from_slice(&pay[t * np..(t + 1) * np]);
                continue;
            }
            let s = s as usize;
            let off = self.set_action[s] as usize;
            let (a0, a1) = (
                self.child_start[i] as usize,
                self.child_start[i + 1] as usize,
            );
            let player = self.set_player[s];
            if player != NONE {
                let p = player as usize;
                let kids = &self.children[a0..a1];
                let top = kids
                    .iter()
                    .map(|&c| ws.value[c as usize * np + p])
                    .fold(f64::NEG_INFINITY, f64::max);
                let mut total = 0.0;
                for (a, &c) in kids.iter().enumerate() {
                    let w = (lambda * (ws.value[c as usize * np + p] - top)).exp();
                    ws.behav[off + a] = w;
                    total += w;
                }
                ws.exp_count += kids.len() as u64;
                for w in &mut ws.behav[off..off + kids.len()] {
                    *w /= total;
                }
            }
            for p in 0..np {
                let mut v = 0.0;
                for (a, &c) in self.children[a0..a1].iter().enumerate() {
                    v += ws.behav[off + a] * ws.value[c as usize * np + p];
                }
                ws.value[i * np + p] = v;
            }
        }
    }

    /// Largest regret over strategic sets of the profile in `ws`: best action value minus the
    /// set's value, conditional on reaching the set (Gambit's `agent_max_regret`) or, when
    /// `weighted`, times the probability of reaching it (the gain of the best one-set
    /// deviation, seen from the root). Call after [`CompiledGame::evaluate`].
    pub(crate) fn agent_max_regret(&self, ws: &Sweep, weighted: bool) -> f64 {
        let mut worst = 0.0_f64;
        for &s in &self.strategic {
            let s = s as usize;
            let off = self.set_action[s] as usize;
            let k = self.set_num_actions[s] as usize;
            let mem =
                &self.members[self.member_start[s] as usize..self.member_start[s + 1] as usize];
            if mem.iter().all(|&h| ws.reach[h as usize] == 0.0) {
                continue;
            }
            let vals = &ws.action_value[off..off + k];
            let probs = &ws.behav[off..off + k];
            let best = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mean: f64 = vals.iter().zip(probs).map(|(v, p)| v * p).sum();
            let reach: f64 = if weighted {
                mem.iter().map(|&h| ws.reach[h as usize]).sum()
            } else {
                1.0
            };
            worst = worst.max(reach * (best - mean));
        }
        worst
    }
}

/// Largest minus smallest terminal payoff (1 when all are equal).
pub(crate) fn payoff_range(pay: &[f64]) -> f64 {
    let (lo, hi) = pay
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
            (l.min(x), h.max(x))
        });
    if hi > lo {
        hi - lo
    } else {
        1.0
    }
}
