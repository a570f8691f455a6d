//! A compact logit agent-QRE solver for compiled ladders (root chance probabilities given
//! per solve), by damped fixed-point iteration along a ladder of lambdas from 0.
//!
//! The agent QRE: at every information set, action probabilities are the logit
//! (`exp(lambda * U)`, normalised) of the action's expected payoff given the beliefs induced
//! by the profile (McKelvey & Palfrey 1998). Tracing lambda upward from 0 in small steps and
//! iterating to a fixed point at each follows the principal branch where it is stable.
//!
//! Each iteration is a handful of flat passes over edges, information-set members and actions
//! (no loops over a node's few children or an information set's few actions), so that its
//! cost is dominated by the `exp`s rather than by loop control.

use crate::game::{Game, Mover};

/// Flat arrays of a game for the solver. Probabilities live in one buffer per workspace,
/// `[profile | chance probabilities | 1.0 | 0.0]`, so that every edge reads its multiplier
/// from it without branching on the mover. Reach and values are interleaved by player:
/// `reach[2 * node + player]`; the value arrays have one more node, the zero node, whose
/// values are 0. Nodes are padded to the same number of children and actions to the same
/// number of utility terms (with zero-probability children and zero-weight terms, which add
/// exactly nothing), so that every inner loop has the same trip count.
#[derive(Clone, Debug)]
pub(crate) struct Qre {
    /// Edges into decision and chance nodes, parents before children (reach is not needed
    /// at terminals).
    inner_edges: Vec<InnerEdge>,
    /// Decision and chance nodes, in reverse index order (children before parents).
    internal_rev: Vec<u32>,
    /// Per node of `internal_rev`, `arity` entries: the value index of each child
    /// (`2 * child`), padded with the zero node.
    child_value: Vec<u32>,
    /// Per node of `internal_rev`, `arity` entries: the probability buffer index of each
    /// action, padded with the buffer's 0.0 entry.
    child_prob: Vec<u32>,
    /// The largest number of children of a node.
    arity: usize,
    /// Terminal nodes with their terminal index (order of node ids).
    terminals: Vec<(u32, u32)>,
    /// Members of the strategic information sets: reach index (`2 * node + player`) and
    /// information set (index into the strategic sets).
    members: Vec<(u32, u32)>,
    /// Per strategic information set: number of members.
    num_members: Vec<u32>,
    /// Utility terms, `width` per action (profile order): the member's index in `members`
    /// and the value index of the member's child; padded with the zero weight (index
    /// `members.len()`) and the zero node.
    terms: Vec<(u32, u32)>,
    /// The largest number of members of an information set.
    width: usize,
    /// Per profile entry: its strategic information set.
    action_infoset: Vec<u32>,
    /// Chance probabilities, flat.
    chance_probs: Vec<f64>,
    /// Offset in the probability buffer of the root chance node's probabilities, if the game
    /// has one (a solve may override them), and its number of actions.
    root_chance: Option<(usize, usize)>,
    num_nodes: usize,
    profile_len: usize,
}

/// An edge into a decision or chance node: the reach of each player (excluding the player's
/// own moves) is the parent's times the buffer entry `mult[p]` (1.0 for the player's own move).
#[derive(Clone, Copy, Debug)]
struct InnerEdge {
    parent: u32,
    child: u32,
    mult: [u32; 2],
}

/// Scratch space of [`Qre::solve`].
#[derive(Clone, Debug)]
pub(crate) struct QreWorkspace {
    /// `[profile | chance probabilities | 1.0 | 0.0]`.
    probs: Vec<f64>,
    next: Vec<f64>,
    reach: Vec<f64>,
    value: Vec<f64>,
    /// Per member: belief weight.
    weights: Vec<f64>,
    /// Per strategic information set: total reach, maximum utility, sum of exps.
    total: Vec<f64>,
    max: Vec<f64>,
    z: Vec<f64>,
    profile_len: usize,
    /// `exp` evaluations of all solves in this workspace so far.
    pub(crate) exps: u64,
    /// Solves that did not settle (the caller falls back to another solver).
    pub(crate) fallbacks: u64,
}

impl QreWorkspace {
    /// The profile of the last solve.
    pub(crate) fn profile(&self) -> &[f64] {
        &self.probs[..self.profile_len]
    }

    /// The profile, to overwrite (e.g. with a fallback solver's).
    pub(crate) fn profile_mut(&mut self) -> &mut [f64] {
        &mut self.probs[..self.profile_len]
    }
}

/// The fixed-point iteration did not settle.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("logit QRE did not converge at lambda = {lambda} (residual {residual:e})")]
pub(crate) struct NoConvergence {
    pub(crate) lambda: f64,
    pub(crate) residual: f64,
}

const TOL: f64 = 1e-11;
const MAX_ITER: usize = 4000;
const LAMBDA_STEP: f64 = 0.25;

impl Qre {
    pub(crate) fn new(game: &Game) -> Self {
        let nodes = game.nodes();
        let layout = game.profile_layout();
        let mut chance_offset = vec![0usize; game.infosets().len()];
        let mut chance_probs = Vec::new();
        let mut members = Vec::new();
        let mut num_members = Vec::new();
        let mut action_terms = Vec::new();
        let mut action_infoset = vec![0u32; layout.len];
        for (k, iset) in game.infosets().iter().enumerate() {
            match iset.mover {
                Mover::Chance => {
                    chance_offset[k] = layout.len + chance_probs.len();
                    chance_probs.extend(iset.probs.iter().map(|p| p.to_f64()));
                }
                Mover::Player(player) => {
                    let s = num_members.len() as u32;
                    let first = members.len();
                    members.extend(iset.members.iter().map(|m| ((2 * m.0 + player) as u32, s)));
                    num_members.push(iset.members.len() as u32);
                    let offset = layout.offset[k].unwrap_or(0);
                    let k = iset
                        .members
                        .first()
                        .map_or(0, |m| nodes[m.0].children.len());
                    for a in 0..k {
                        action_infoset[offset + a] = s;
                        let terms_a = iset.members.iter().enumerate().map(|(i, m)| {
                            let child = nodes[m.0].children[a].0;
                            ((first + i) as u32, (2 * child + player) as u32)
                        });
                        action_terms.push((offset + a, terms_a.collect::<Vec<_>>()));
                    }
                }
            }
        }
        let one = (layout.len + chance_probs.len()) as u32;
        let zero_prob = one + 1;
        let zero_node = (2 * nodes.len()) as u32;
        let arity = nodes
            .iter()
            .map(|n| n.children.len())
            .max()
            .unwrap_or(0)
            .max(1);
        let mut internal_rev = Vec::new();
        let mut child_value = Vec::new();
        let mut child_prob = Vec::new();
        let mut inner_edges = Vec::new();
        let mut terminals = Vec::new();
        for (i, node) in nodes.iter().enumerate() {
            let Some(s) = node.infoset.filter(|_| !node.children.is_empty()) else {
                terminals.push((i as u32, terminals.len() as u32));
                continue;
            };
            let (mover, probs) = match game.infoset(s).mover {
                Mover::Chance => (None, chance_offset[s.0]),
                Mover::Player(p) => (Some(p), layout.offset[s.0].unwrap_or(0)),
            };
            internal_rev.push(i as u32);
            for a in 0..arity {
                let child = node.children.get(a);
                child_value.push(child.map_or(zero_node, |c| (2 * c.0) as u32));
                child_prob.push(child.map_or(zero_prob, |_| (probs + a) as u32));
            }
            for (a, c) in node.children.iter().enumerate() {
                if nodes[c.0].children.is_empty() {
                    continue;
                }
                let prob = (probs + a) as u32;
                let mult = [0, 1].map(|p| if mover == Some(p) { one } else { prob });
                inner_edges.push(InnerEdge {
                    parent: i as u32,
                    child: c.0 as u32,
                    mult,
                });
            }
        }
        internal_rev.reverse();
        child_value = child_value
            .chunks(arity.max(1))
            .rev()
            .flatten()
            .copied()
            .collect();
        child_prob = child_prob
            .chunks(arity.max(1))
            .rev()
            .flatten()
            .copied()
            .collect();
        // Terms by action in profile order, padded to the widest information set.
        action_terms.sort_by_key(|(j, _)| *j);
        let width = action_terms
            .iter()
            .map(|(_, t)| t.len())
            .max()
            .unwrap_or(0)
            .max(1);
        let zero_weight = members.len() as u32;
        let mut terms = Vec::with_capacity(width * action_terms.len());
        for (_, t) in &action_terms {
            terms.extend(t.iter().copied());
            terms.extend(std::iter::repeat_n(
                (zero_weight, zero_node),
                width - t.len(),
            ));
        }
        let root_chance = nodes[0]
            .infoset
            .filter(|s| game.infoset(*s).mover == Mover::Chance)
            .map(|s| (chance_offset[s.0], nodes[0].children.len()));
        Qre {
            inner_edges,
            internal_rev,
            child_value,
            child_prob,
            arity,
            terminals,
            members,
            num_members,
            terms,
            width,
            action_infoset,
            chance_probs,
            root_chance,
            num_nodes: nodes.len(),
            profile_len: layout.len,
        }
    }

    pub(crate) fn workspace(&self) -> QreWorkspace {
        let n = self.num_nodes;
        let sets = self.num_members.len();
        let mut probs = vec![0.0; self.profile_len];
        probs.extend_from_slice(&self.chance_probs);
        probs.extend([1.0, 0.0]);
        QreWorkspace {
            probs,
            next: vec![0.0; self.profile_len],
            reach: vec![0.0; 2 * n],
            value: vec![0.0; 2 * n + 2],
            weights: vec![0.0; self.members.len() + 1],
            total: vec![0.0; sets],
            max: vec![0.0; sets],
            z: vec![0.0; sets],
            profile_len: self.profile_len,
            exps: 0,
            fallbacks: 0,
        }
    }

    /// Solves at `lambda`; `root_probs` replaces the root chance probabilities (if the game
    /// has a root chance node); `payoffs[t * 2 + p]` is player p's payoff at terminal t.
    pub(crate) fn solve<'w>(
        &self,
        ws: &'w mut QreWorkspace,
        root_probs: &[f64],
        payoffs: &[f64],
        lambda: f64,
    ) -> Result<&'w [f64], NoConvergence> {
        let a = self.profile_len;
        ws.probs[a..a + self.chance_probs.len()].copy_from_slice(&self.chance_probs);
        if let Some((off, k)) = self.root_chance {
            ws.probs[off..off + k].copy_from_slice(&root_probs[..k]);
        }
        // Terminal values are the payoffs throughout the solve.
        for &(node, t) in &self.terminals {
            let (node, t) = (node as usize, t as usize);
            ws.value[2 * node..2 * node + 2].copy_from_slice(&payoffs[2 * t..2 * t + 2]);
        }
        // Uniform start at lambda = 0.
        for (p, &s) in ws.probs[..a].iter_mut().zip(&self.action_infoset) {
            *p = 1.0 / self.num_actions(s);
        }
        let steps = (lambda / LAMBDA_STEP).ceil().max(1.0) as usize;
        for step in 1..=steps {
            let lam = lambda * step as f64 / steps as f64;
            let mut residual = f64::INFINITY;
            let mut damping = 1.0;
            for it in 0..MAX_ITER {
                self.respond(ws, lam);
                residual = update(&mut ws.probs[..a], &ws.next, damping);
                if residual < TOL {
                    break;
                }
                if it > 0 && it % 200 == 0 {
                    damping *= 0.5;
                }
            }
            if residual >= 1e-7 {
                return Err(NoConvergence {
                    lambda: lam,
                    residual,
                });
            }
        }
        Ok(ws.profile())
    }

    /// Number of actions at strategic information set `s` (as f64, for the uniform start).
    fn num_actions(&self, s: u32) -> f64 {
        self.action_infoset.iter().filter(|&&t| t == s).count() as f64
    }

    /// Logit response to the current profile, written into `ws.next`.
    fn respond(&self, ws: &mut QreWorkspace, lambda: f64) {
        let QreWorkspace {
            probs,
            next,
            reach,
            value,
            weights,
            total,
            max,
            z,
            exps,
            ..
        } = ws;
        // Reach excluding each player's own moves, at decision and chance nodes.
        reach[0] = 1.0;
        reach[1] = 1.0;
        for e in &self.inner_edges {
            let (parent, child) = (2 * e.parent as usize, 2 * e.child as usize);
            reach[child] = reach[parent] * probs[e.mult[0] as usize];
            reach[child + 1] = reach[parent + 1] * probs[e.mult[1] as usize];
        }
        // Values, from the terminals up.
        let k = self.arity;
        for ((&node, children), pr) in self
            .internal_rev
            .iter()
            .zip(self.child_value.chunks_exact(k))
            .zip(self.child_prob.chunks_exact(k))
        {
            let (mut v0, mut v1) = (0.0, 0.0);
            for (&c, &p) in children.iter().zip(pr) {
                let (c, p) = (c as usize, probs[p as usize]);
                v0 += p * value[c];
                v1 += p * value[c + 1];
            }
            let i = 2 * node as usize;
            value[i] = v0;
            value[i + 1] = v1;
        }
        // Beliefs at each information set.
        total.fill(0.0);
        for &(r, s) in &self.members {
            total[s as usize] += reach[r as usize];
        }
        // (The last weight stays 0: padding terms point to it.)
        for (w, &(r, s)) in weights.iter_mut().zip(&self.members) {
            let t = total[s as usize];
            *w = if t > 0.0 {
                reach[r as usize] / t
            } else {
                1.0 / f64::from(self.num_members[s as usize])
            };
        }
        // Expected utilities of the actions (and each set's largest), then their logit.
        max.fill(f64::NEG_INFINITY);
        let terms = self.terms.chunks_exact(self.width);
        for ((u, terms), &s) in next.iter_mut().zip(terms).zip(&self.action_infoset) {
            let mut sum = 0.0;
            for &(m, v) in terms {
                sum += weights[m as usize] * value[v as usize];
            }
            *u = sum;
            max[s as usize] = f64::max(max[s as usize], sum);
        }
        z.fill(0.0);
        for (u, &s) in next.iter_mut().zip(&self.action_infoset) {
            *u = (lambda * (*u - max[s as usize])).exp();
            z[s as usize] += *u;
        }
        *exps += next.len() as u64;
        for (e, &s) in next.iter_mut().zip(&self.action_infoset) {
            *e /= z[s as usize];
        }
    }
}

/// Moves `profile` by `damping` towards `next`; returns the largest absolute difference
/// (independent accumulators, so that the maximum is not one long dependency chain).
fn update(profile: &mut [f64], next: &[f64], damping: f64) -> f64 {
    let mut acc = [0.0f64; 4];
    let mut p_chunks = profile.chunks_exact_mut(4);
    let mut q_chunks = next.chunks_exact(4);
    for (p, q) in (&mut p_chunks).zip(&mut q_chunks) {
        for i in 0..4 {
            acc[i] = f64::max(acc[i], (q[i] - p[i]).abs());
            p[i] += damping * (q[i] - p[i]);
        }
    }
    for (p, q) in p_chunks
        .into_remainder()
        .iter_mut()
        .zip(q_chunks.remainder())
    {
        acc[0] = f64::max(acc[0], (q - *p).abs());
        *p += damping * (q - *p);
    }
    f64::max(f64::max(acc[0], acc[1]), f64::max(acc[2], acc[3]))
}
