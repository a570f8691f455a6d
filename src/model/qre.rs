//! A compact logit agent-QRE solver for compiled ladders (root chance probabilities given
//! per solve), by damped fixed-point iteration along a ladder of lambdas from 0.
//!
//! The agent QRE: at every information set, action probabilities are the logit
//! (`exp(lambda * U)`, normalised) of the action's expected payoff given the beliefs induced
//! by the profile (McKelvey & Palfrey 1998). Tracing lambda upward from 0 in small steps and
//! iterating to a fixed point at each follows the principal branch where it is stable.
//!
//! The ladder's game is the public tree once per type combination (the root chance node's
//! children), so the solver works on *rows*: one per public node, with one *lane* per type
//! combination (at most [`LANES`]). A row's lanes have the same children and the same mover;
//! an information set is one row's lanes where the mover has a given type (its members are
//! the other side's types). Reach, values and each action's probability are stored per row
//! as `[f64; LANES]`, contiguous, so that every pass walks the public tree once and handles
//! the combinations together; the per-action work outside the `exp`s is a few loads and
//! multiply-adds per lane. The arithmetic is the agent QRE's, operation by operation in the
//! order of the game's nodes, members and actions (so the bits do not depend on the layout).

use crate::game::{Game, Mover};

/// The most type combinations (2 × 2).
const LANES: usize = 4;

/// One value per type combination.
type Row = [f64; LANES];

/// A public decision node: its row and its action slots `first..first + num_actions`.
#[derive(Clone, Copy, Debug)]
struct Decision {
    row: u32,
    first: u32,
    num_actions: u32,
}

/// An edge into a decision row: the child's reach excluding `mover`'s own moves is the
/// parent's; the other player's is the parent's times the action's probability.
#[derive(Clone, Copy, Debug)]
struct ReachEdge {
    parent: u32,
    child: u32,
    slot: u32,
    mover: u32,
}

/// A strategic information set: the row (public node) and the mover, the action slots and
/// the profile entries of its actions, and its members (lanes, in the game's member order).
#[derive(Clone, Copy, Debug)]
struct Infoset {
    row: u32,
    mover: u32,
    first_slot: u32,
    offset: u32,
    num_actions: u32,
    members: [u32; LANES],
    num_members: u32,
}

/// The game in rows for the solver.
#[derive(Clone, Debug)]
pub(crate) struct Qre {
    /// Public decision nodes, parents before children.
    decisions: Vec<Decision>,
    /// Per action slot (decisions in order, actions in order): the child's row.
    slot_child: Vec<u32>,
    /// Edges into decision rows, parents before children.
    reach_edges: Vec<ReachEdge>,
    /// Strategic information sets, in profile order.
    infosets: Vec<Infoset>,
    /// Terminal rows: the row and, per lane, the game terminal index (`u32::MAX` for an
    /// unused lane).
    terminal_rows: Vec<(u32, [u32; LANES])>,
    /// Number of lanes in use (type combinations).
    lanes: usize,
    num_rows: usize,
    num_slots: usize,
    profile_len: usize,
}

/// Scratch space of [`Qre::solve`].
#[derive(Clone, Debug)]
pub(crate) struct QreWorkspace {
    /// The profile (Gambit order).
    probs: Vec<f64>,
    /// Per profile entry: the logit response being formed.
    next: Vec<f64>,
    /// Per action slot: the action's probability in each lane (the mover's own type's).
    sig: Vec<Row>,
    /// Per row: reach excluding player 0's and player 1's own moves.
    reach: Vec<[Row; 2]>,
    /// Per row: both players' values.
    value: Vec<[Row; 2]>,
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

/// The game is not a public tree repeated per type combination under a root chance node.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the game is not in rows of type combinations: {0}")]
pub(crate) struct NotInRows(&'static str);

const TOL: f64 = 1e-11;
const MAX_ITER: usize = 4000;
const LAMBDA_STEP: f64 = 0.25;

impl Qre {
    /// Lays out `game` in rows: `node_of[lane][row]` is the game node of public node `row`
    /// in type combination `lane` (the root chance node's child `lane`, or the root when there
    /// is a single combination). Every lane must have the same shape and mover per row, and
    /// every information set must lie in one row.
    pub(crate) fn new(game: &Game, node_of: &[Vec<usize>]) -> Result<Self, NotInRows> {
        let lanes = node_of.len();
        if lanes == 0 || lanes > LANES {
            return Err(NotInRows("1 to 4 type combinations"));
        }
        let num_rows = node_of[0].len();
        if node_of.iter().any(|m| m.len() != num_rows) {
            return Err(NotInRows("lanes of different lengths"));
        }
        let nodes = game.nodes();
        let mut row_of = vec![None; nodes.len()];
        for (lane, map) in node_of.iter().enumerate() {
            for (row, &g) in map.iter().enumerate() {
                let slot = row_of.get_mut(g).ok_or(NotInRows("node out of range"))?;
                *slot = Some((row, lane));
            }
        }
        let layout = game.profile_layout();
        // Profile offset and mover of each row's information sets, by infoset id.
        let mut decisions = Vec::new();
        let mut slot_child = Vec::new();
        let mut first_slot = vec![u32::MAX; num_rows];
        let mut terminal_rows = Vec::new();
        let mut terminal_index = vec![0u32; nodes.len()];
        let mut num_terminals = 0u32;
        for (g, node) in nodes.iter().enumerate() {
            if node.children.is_empty() {
                terminal_index[g] = num_terminals;
                num_terminals += 1;
            }
        }
        for row in 0..num_rows {
            let node = &nodes[node_of[0][row]];
            if node.children.is_empty() {
                let mut t = [u32::MAX; LANES];
                for (lane, map) in node_of.iter().enumerate() {
                    if !nodes[map[row]].children.is_empty() {
                        return Err(NotInRows("lanes of different shapes"));
                    }
                    t[lane] = terminal_index[map[row]];
                }
                terminal_rows.push((row as u32, t));
                continue;
            }
            first_slot[row] = slot_child.len() as u32;
            decisions.push(Decision {
                row: row as u32,
                first: slot_child.len() as u32,
                num_actions: node.children.len() as u32,
            });
            for (a, c) in node.children.iter().enumerate() {
                let (child, _) = row_of[c.0].ok_or(NotInRows("child outside the rows"))?;
                for map in node_of {
                    let n = &nodes[map[row]];
                    let same = n.children.get(a).and_then(|c| row_of[c.0]).map(|r| r.0);
                    if n.children.len() != node.children.len() || same != Some(child) {
                        return Err(NotInRows("lanes of different shapes"));
                    }
                }
                slot_child.push(child as u32);
            }
        }
        // Rows are public nodes in an order with parents first (the game's node order within
        // each lane); edges into decision rows follow it.
        let mut reach_edges = Vec::new();
        let mut infosets = Vec::new();
        for d in &decisions {
            let g = node_of[0][d.row as usize];
            let s = nodes[g]
                .infoset
                .ok_or(NotInRows("decision without infoset"))?;
            let Mover::Player(mover) = game.infoset(s).mover else {
                return Err(NotInRows("chance inside the rows"));
            };
            for a in 0..d.num_actions {
                let slot = d.first + a;
                let child = slot_child[slot as usize];
                if child <= d.row {
                    return Err(NotInRows("rows not in tree order"));
                }
                if first_slot[child as usize] != u32::MAX {
                    reach_edges.push(ReachEdge {
                        parent: d.row,
                        child,
                        slot,
                        mover: mover as u32,
                    });
                }
            }
        }
        for (k, iset) in game.infosets().iter().enumerate() {
            let Mover::Player(mover) = iset.mover else {
                continue;
            };
            let mut members = [0u32; LANES];
            let mut row = None;
            if iset.members.len() > LANES {
                return Err(NotInRows("too many members"));
            }
            for (j, m) in iset.members.iter().enumerate() {
                let (r, lane) = row_of[m.0].ok_or(NotInRows("member outside the rows"))?;
                if row.is_some_and(|x| x != r) {
                    return Err(NotInRows("information set across rows"));
                }
                row = Some(r);
                members[j] = lane as u32;
            }
            let row = row.ok_or(NotInRows("empty information set"))?;
            infosets.push(Infoset {
                row: row as u32,
                mover: mover as u32,
                first_slot: first_slot[row],
                offset: layout.offset[k].ok_or(NotInRows("no profile offset"))? as u32,
                num_actions: iset.actions.len() as u32,
                members,
                num_members: iset.members.len() as u32,
            });
        }
        infosets.sort_by_key(|s| s.offset);
        Ok(Qre {
            decisions,
            num_slots: slot_child.len(),
            slot_child,
            reach_edges,
            infosets,
            terminal_rows,
            lanes,
            num_rows,
            profile_len: layout.len,
        })
    }

    pub(crate) fn workspace(&self) -> QreWorkspace {
        QreWorkspace {
            probs: vec![0.0; self.profile_len],
            next: vec![0.0; self.profile_len],
            sig: vec![[0.0; LANES]; self.num_slots],
            reach: vec![[[0.0; LANES]; 2]; self.num_rows],
            value: vec![[[0.0; LANES]; 2]; self.num_rows],
            profile_len: self.profile_len,
            exps: 0,
            fallbacks: 0,
        }
    }

    /// Solves at `lambda`; `root_probs` are the root chance probabilities of the type
    /// combinations (ignored with a single combination); `payoffs[t * 2 + p]` is player p's
    /// payoff at terminal t.
    pub(crate) fn solve<'w>(
        &self,
        ws: &'w mut QreWorkspace,
        root_probs: &[f64],
        payoffs: &[f64],
        lambda: f64,
    ) -> Result<&'w [f64], NoConvergence> {
        // Reach at the top of each lane: the chance probability (1 * p, as an edge from the
        // chance node gives it), or 1 without a chance node.
        let mut top = [0.0; LANES];
        if self.lanes == 1 {
            top[0] = 1.0;
        } else {
            top[..self.lanes].copy_from_slice(&root_probs[..self.lanes]);
        }
        ws.reach[0] = [top, top];
        // Terminal values are the payoffs throughout the solve.
        for &(row, t) in &self.terminal_rows {
            let v = &mut ws.value[row as usize];
            for (lane, &t) in t.iter().enumerate().take(self.lanes) {
                let t = t as usize;
                v[0][lane] = payoffs[2 * t];
                v[1][lane] = payoffs[2 * t + 1];
            }
        }
        // Uniform start at lambda = 0.
        for s in &self.infosets {
            let p = 1.0 / f64::from(s.num_actions);
            let off = s.offset as usize;
            ws.probs[off..off + s.num_actions as usize].fill(p);
            let first = s.first_slot as usize;
            for sig in &mut ws.sig[first..first + s.num_actions as usize] {
                for &m in &s.members[..s.num_members as usize] {
                    sig[m as usize] = p;
                }
            }
        }
        let steps = (lambda / LAMBDA_STEP).ceil().max(1.0) as usize;
        for step in 1..=steps {
            let lam = lambda * step as f64 / steps as f64;
            let mut residual = f64::INFINITY;
            let mut damping = 1.0;
            for it in 0..MAX_ITER {
                self.respond(ws, lam);
                residual = self.update(ws, damping);
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

    /// `lambda` times each action's expected utility less its set's largest, written into
    /// `ws.next`, and then their `exp`s.
    fn respond(&self, ws: &mut QreWorkspace, lambda: f64) {
        let QreWorkspace {
            next,
            sig,
            reach,
            value,
            exps,
            ..
        } = ws;
        // Reach excluding each player's own moves, at decision rows.
        for e in &self.reach_edges {
            let mut r = reach[e.parent as usize];
            let other = &mut r[1 - e.mover as usize];
            let s = &sig[e.slot as usize];
            for (x, &p) in other.iter_mut().zip(s) {
                *x *= p;
            }
            reach[e.child as usize] = r;
        }
        // Values, children before parents.
        for d in self.decisions.iter().rev() {
            let first = d.first as usize;
            let slots = first..first + d.num_actions as usize;
            let mut v = [[0.0; LANES]; 2];
            for (&c, s) in self.slot_child[slots.clone()].iter().zip(&sig[slots]) {
                let c = &value[c as usize];
                for lane in 0..LANES {
                    v[0][lane] += s[lane] * c[0][lane];
                    v[1][lane] += s[lane] * c[1][lane];
                }
            }
            value[d.row as usize] = v;
        }
        // Beliefs (members' reach, normalised), expected utilities, their logit exponents.
        for s in &self.infosets {
            let members = &s.members[..s.num_members as usize];
            let mover = s.mover as usize;
            let r = &reach[s.row as usize][mover];
            let mut total = 0.0;
            for &m in members {
                total += r[m as usize];
            }
            let mut w = [0.0; LANES];
            for (w, &m) in w.iter_mut().zip(members) {
                *w = if total > 0.0 {
                    r[m as usize] / total
                } else {
                    1.0 / f64::from(s.num_members)
                };
            }
            let off = s.offset as usize;
            let n = s.num_actions as usize;
            let first = s.first_slot as usize;
            let out = &mut next[off..off + n];
            let mut max = f64::NEG_INFINITY;
            for (u, &c) in out.iter_mut().zip(&self.slot_child[first..first + n]) {
                let c = &value[c as usize][mover];
                let mut sum = 0.0;
                for (&w, &m) in w.iter().zip(members) {
                    sum += w * c[m as usize];
                }
                *u = sum;
                max = f64::max(max, sum);
            }
            for u in out.iter_mut() {
                *u = lambda * (*u - max);
            }
        }
        for x in next.iter_mut() {
            *x = x.exp();
        }
        *exps += next.len() as u64;
    }

    /// Normalises the `exp`s of `ws.next` per information set into the logit response and
    /// moves the profile by `damping` towards it; returns the largest absolute difference.
    fn update(&self, ws: &mut QreWorkspace, damping: f64) -> f64 {
        let QreWorkspace {
            probs, next, sig, ..
        } = ws;
        let mut residual = 0.0f64;
        for s in &self.infosets {
            let off = s.offset as usize;
            let n = s.num_actions as usize;
            let first = s.first_slot as usize;
            let e = &next[off..off + n];
            let mut z = 0.0;
            for &x in e {
                z += x;
            }
            let members = &s.members[..s.num_members as usize];
            for ((p, &x), sig) in probs[off..off + n]
                .iter_mut()
                .zip(e)
                .zip(&mut sig[first..first + n])
            {
                let q = x / z;
                residual = f64::max(residual, (q - *p).abs());
                *p += damping * (q - *p);
                for &m in members {
                    sig[m as usize] = *p;
                }
            }
        }
        residual
    }
}
