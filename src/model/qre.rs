//! A compact logit agent-QRE solver for compiled ladders (root chance probabilities given
//! per solve), by damped fixed-point iteration along a ladder of lambdas from 0.
//!
//! The agent QRE: at every information set, action probabilities are the logit
//! (`exp(lambda * U)`, normalised) of the action's expected payoff given the beliefs induced
//! by the profile (McKelvey & Palfrey 1998). Tracing lambda upward from 0 in small steps and
//! iterating to a fixed point at each follows the principal branch where it is stable.

use crate::game::{Game, Mover};

/// Flat arrays of a game for the solver.
#[derive(Clone, Debug)]
pub(crate) struct Qre {
    /// Per node: first child index and number of children (0 for terminals).
    first_child: Vec<u32>,
    num_children: Vec<u32>,
    /// Per node: information set index, `u32::MAX` at terminals.
    node_infoset: Vec<u32>,
    /// Per node: terminal index (order of node ids), `u32::MAX` otherwise.
    terminal_index: Vec<u32>,
    /// Per infoset: mover (player index, or `usize::MAX` for chance).
    mover: Vec<usize>,
    /// Per infoset: offset into the profile (strategic) or into `chance_probs` (chance).
    offset: Vec<usize>,
    /// Per infoset: member nodes.
    members: Vec<Vec<u32>>,
    /// Chance probabilities, flat.
    chance_probs: Vec<f64>,
    /// The chance infoset at the root whose probabilities a solve may override.
    root_chance: Option<usize>,
    profile_len: usize,
}

/// Scratch space of [`Qre::solve`].
#[derive(Clone, Debug)]
pub(crate) struct QreWorkspace {
    pub(crate) profile: Vec<f64>,
    next: Vec<f64>,
    reach: [Vec<f64>; 2],
    value: [Vec<f64>; 2],
    chance: Vec<f64>,
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
        let n = game.nodes().len();
        let layout = game.profile_layout();
        let mut first_child = vec![0u32; n];
        let mut num_children = vec![0u32; n];
        let mut node_infoset = vec![u32::MAX; n];
        let mut terminal_index = vec![u32::MAX; n];
        let mut t = 0u32;
        for (i, node) in game.nodes().iter().enumerate() {
            if let Some(&c) = node.children.first() {
                first_child[i] = c.0 as u32;
                num_children[i] = node.children.len() as u32;
            } else {
                terminal_index[i] = t;
                t += 1;
            }
            if let Some(s) = node.infoset {
                node_infoset[i] = s.0 as u32;
            }
        }
        let mut mover = Vec::new();
        let mut offset = Vec::new();
        let mut members = Vec::new();
        let mut chance_probs = Vec::new();
        for (k, iset) in game.infosets().iter().enumerate() {
            members.push(iset.members.iter().map(|m| m.0 as u32).collect());
            match iset.mover {
                Mover::Chance => {
                    mover.push(usize::MAX);
                    offset.push(chance_probs.len());
                    chance_probs.extend(iset.probs.iter().map(|p| p.to_f64()));
                }
                Mover::Player(p) => {
                    mover.push(p);
                    offset.push(layout.offset[k].unwrap_or(0));
                }
            }
        }
        let root_chance = game.nodes()[0]
            .infoset
            .filter(|s| game.infoset(*s).mover == Mover::Chance)
            .map(|s| s.0);
        Qre {
            first_child,
            num_children,
            node_infoset,
            terminal_index,
            mover,
            offset,
            members,
            chance_probs,
            root_chance,
            profile_len: layout.len,
        }
    }

    pub(crate) fn workspace(&self) -> QreWorkspace {
        let n = self.first_child.len();
        QreWorkspace {
            profile: vec![0.0; self.profile_len],
            next: vec![0.0; self.profile_len],
            reach: [vec![0.0; n], vec![0.0; n]],
            value: [vec![0.0; n], vec![0.0; n]],
            chance: self.chance_probs.clone(),
        }
    }

    fn prob(&self, ws_profile: &[f64], chance: &[f64], s: usize, a: usize) -> f64 {
        if self.mover[s] == usize::MAX {
            chance[self.offset[s] + a]
        } else {
            ws_profile[self.offset[s] + a]
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
        ws.chance.copy_from_slice(&self.chance_probs);
        if let Some(rc) = self.root_chance {
            let off = self.offset[rc];
            let k = self.num_children[0] as usize;
            ws.chance[off..off + k].copy_from_slice(&root_probs[..k]);
        }
        // Uniform start at lambda = 0.
        for (s, &m) in self.mover.iter().enumerate() {
            if m != usize::MAX {
                let k = self.num_children[self.members[s][0] as usize] as usize;
                let off = self.offset[s];
                ws.profile[off..off + k].fill(1.0 / k as f64);
            }
        }
        let steps = (lambda / LAMBDA_STEP).ceil().max(1.0) as usize;
        for step in 1..=steps {
            let lam = lambda * step as f64 / steps as f64;
            let mut residual = f64::INFINITY;
            let mut damping = 1.0;
            for it in 0..MAX_ITER {
                self.respond(ws, payoffs, lam);
                residual = 0.0;
                for (p, q) in ws.profile.iter_mut().zip(&ws.next) {
                    residual = f64::max(residual, (q - *p).abs());
                    *p += damping * (q - *p);
                }
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
        Ok(&ws.profile)
    }

    /// Logit response to the current profile, written into `ws.next`.
    fn respond(&self, ws: &mut QreWorkspace, payoffs: &[f64], lambda: f64) {
        let n = self.first_child.len();
        // Reach excluding each player's own moves.
        for p in 0..2 {
            ws.reach[p][0] = 1.0;
        }
        for i in 0..n {
            let k = self.num_children[i] as usize;
            if k == 0 {
                continue;
            }
            let s = self.node_infoset[i] as usize;
            let c0 = self.first_child[i] as usize;
            for a in 0..k {
                let pr = self.prob(&ws.profile, &ws.chance, s, a);
                for p in 0..2 {
                    let own = self.mover[s] == p;
                    ws.reach[p][c0 + a] = ws.reach[p][i] * if own { 1.0 } else { pr };
                }
            }
        }
        for i in (0..n).rev() {
            let k = self.num_children[i] as usize;
            if k == 0 {
                let t = self.terminal_index[i] as usize;
                ws.value[0][i] = payoffs[2 * t];
                ws.value[1][i] = payoffs[2 * t + 1];
                continue;
            }
            let s = self.node_infoset[i] as usize;
            let c0 = self.first_child[i] as usize;
            let (mut v0, mut v1) = (0.0, 0.0);
            for a in 0..k {
                let pr = self.prob(&ws.profile, &ws.chance, s, a);
                v0 += pr * ws.value[0][c0 + a];
                v1 += pr * ws.value[1][c0 + a];
            }
            ws.value[0][i] = v0;
            ws.value[1][i] = v1;
        }
        for (s, &p) in self.mover.iter().enumerate() {
            if p == usize::MAX {
                continue;
            }
            let members = &self.members[s];
            let k = self.num_children[members[0] as usize] as usize;
            let off = self.offset[s];
            let total: f64 = members.iter().map(|&m| ws.reach[p][m as usize]).sum();
            let out = &mut ws.next[off..off + k];
            for (a, o) in out.iter_mut().enumerate() {
                let mut u = 0.0;
                for &m in members {
                    let w = if total > 0.0 {
                        ws.reach[p][m as usize] / total
                    } else {
                        1.0 / members.len() as f64
                    };
                    u += w * ws.value[p][self.first_child[m as usize] as usize + a];
                }
                *o = u;
            }
            let max = out.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut z = 0.0;
            for o in out.iter_mut() {
                *o = (lambda * (*o - max)).exp();
                z += *o;
            }
            for o in out.iter_mut() {
                *o /= z;
            }
        }
    }
}
