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

/// A lane no combination uses when there are fewer than [`LANES`]: pads information sets
/// with one member (its reach and weight are exactly 0, so it adds exactly nothing).
const PAD: usize = LANES - 1;

/// One value per type combination.
type Row = [f64; LANES];

/// A public decision node: its row, its mover, its action slots `first..first + num_actions`
/// and the information sets in its row (one per type of the mover; when the mover has one
/// type, a second, dummy one whose utilities are formed and ignored).
#[derive(Clone, Copy, Debug)]
struct Decision {
    row: u32,
    mover: u32,
    first: u32,
    num_actions: u32,
    /// Number of real sets in `sets` (1 or 2).
    num_sets: u32,
    sets: [RowSet; 2],
    /// Per lane: the set it is a member of (0 for a lane no set uses), and its weight when
    /// that set's members are not reached (0 for pads and unused lanes).
    lane_set: [u32; LANES],
    lane_uniform: [f64; LANES],
    /// [`CHALLENGER_2X2`], [`TARGET_2X2`] or [`ANY_LAYOUT`].
    layout: u32,
}

/// A row of the challenger in 2 × 2 types: lanes `2 * challenger + target`, its sets' members
/// lanes 0, 1 and 2, 3.
const CHALLENGER_2X2: u32 = 0;
/// A row of the target in 2 × 2 types: its sets' members lanes 0, 2 and 1, 3.
const TARGET_2X2: u32 = 1;
/// Any other row.
const ANY_LAYOUT: u32 = 2;

/// An information set within its row: where its actions' utilities go in the profile, its
/// members' lanes (in the game's member order), and the members' weights when none of them
/// is reached (1 / members; 0 for a pad).
#[derive(Clone, Copy, Debug)]
struct RowSet {
    offset: u32,
    lanes: [u32; 2],
    uniform: [f64; 2],
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

/// A strategic information set: its profile entries `offset..offset + num_actions`, its
/// action slots from `first_slot`, and its members' lanes.
#[derive(Clone, Copy, Debug)]
struct Infoset {
    offset: u32,
    num_actions: u32,
    first_slot: u32,
    lanes: [u32; 2],
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
    /// The most actions at a node (for the size of the row buffers).
    max_actions: usize,
    profile_len: usize,
}

/// Scratch space of [`Qre::solve`].
#[derive(Clone, Debug)]
pub(crate) struct QreWorkspace {
    /// The profile (Gambit order), filled from `sig` when a solve settles.
    probs: Vec<f64>,
    /// Per action slot: the action's probability in each lane (the mover's own type's).
    sig: Vec<Row>,
    /// Per row: reach excluding player 0's and player 1's own moves.
    reach: Vec<[Row; 2]>,
    /// Per row: both players' values.
    value: Vec<[Row; 2]>,
    /// Per decision: the beliefs, by lane (each member's weight in its set).
    weights: Vec<Row>,
    /// Two rows' utilities, then `exp`s (see [`Qre::iterate`]).
    ebuf: Vec<f64>,
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
    /// every information set must lie in one row with one or two members.
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
        let mut terminal_index = vec![0u32; nodes.len()];
        let mut num_terminals = 0u32;
        for (g, node) in nodes.iter().enumerate() {
            if node.children.is_empty() {
                terminal_index[g] = num_terminals;
                num_terminals += 1;
            }
        }
        // Information sets by row, with their members' lanes in the game's member order.
        let mut sets_of_row: Vec<Vec<(usize, RowSet, usize)>> = vec![Vec::new(); num_rows];
        for (k, iset) in game.infosets().iter().enumerate() {
            let Mover::Player(mover) = iset.mover else {
                continue;
            };
            let n = iset.members.len();
            if n == 0 || n > 2 || (n == 1 && lanes == LANES) {
                return Err(NotInRows("members must be one or two lanes"));
            }
            let mut member_lanes = [PAD as u32; 2];
            let mut row = None;
            for (j, m) in iset.members.iter().enumerate() {
                let (r, lane) = row_of[m.0].ok_or(NotInRows("member outside the rows"))?;
                if row.is_some_and(|x| x != r) {
                    return Err(NotInRows("information set across rows"));
                }
                row = Some(r);
                member_lanes[j] = lane as u32;
            }
            let row = row.ok_or(NotInRows("empty information set"))?;
            let uniform = 1.0 / n as f64;
            let offset = layout.offset[k].ok_or(NotInRows("no profile offset"))?;
            sets_of_row[row].push((
                mover,
                RowSet {
                    offset: offset as u32,
                    lanes: member_lanes,
                    uniform: [uniform, if n == 2 { uniform } else { 0.0 }],
                },
                iset.actions.len(),
            ));
        }
        let mut decisions = Vec::new();
        let mut slot_child = Vec::new();
        let mut first_slot = vec![u32::MAX; num_rows];
        let mut terminal_rows = Vec::new();
        let mut infosets = Vec::new();
        let max_actions = nodes.iter().map(|n| n.children.len()).max().unwrap_or(0);
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
            let first = slot_child.len();
            let num_actions = node.children.len();
            first_slot[row] = first as u32;
            for (a, c) in node.children.iter().enumerate() {
                let (child, _) = row_of[c.0].ok_or(NotInRows("child outside the rows"))?;
                if child <= row {
                    return Err(NotInRows("rows not in tree order"));
                }
                for map in node_of {
                    let n = &nodes[map[row]];
                    let same = n.children.get(a).and_then(|c| row_of[c.0]).map(|r| r.0);
                    if n.children.len() != num_actions || same != Some(child) {
                        return Err(NotInRows("lanes of different shapes"));
                    }
                }
                slot_child.push(child as u32);
            }
            let sets = &sets_of_row[row];
            let mover = match sets.first() {
                Some(&(m, _, _)) => m,
                None => return Err(NotInRows("decision without information set")),
            };
            if sets.len() > 2 || sets.iter().any(|&(m, _, k)| m != mover || k != num_actions) {
                return Err(NotInRows("a row's sets differ"));
            }
            let dummy = RowSet {
                offset: layout.len as u32,
                lanes: [PAD as u32; 2],
                uniform: [0.0; 2],
            };
            let mut row_sets = [dummy; 2];
            for (slot, &(_, set, _)) in row_sets.iter_mut().zip(sets) {
                *slot = set;
                infosets.push(Infoset {
                    offset: set.offset,
                    num_actions: num_actions as u32,
                    first_slot: first as u32,
                    lanes: set.lanes,
                });
            }
            let mut lane_set = [0u32; LANES];
            let mut lane_uniform = [0.0; LANES];
            for (k, &(_, set, _)) in sets.iter().enumerate() {
                for (&l, &u) in set.lanes.iter().zip(&set.uniform) {
                    if u > 0.0 {
                        lane_set[l as usize] = k as u32;
                        lane_uniform[l as usize] = u;
                    }
                }
            }
            let layout = match (mover, row_sets.map(|s| s.lanes)) {
                (0, [[0, 1], [2, 3]]) => CHALLENGER_2X2,
                (1, [[0, 2], [1, 3]]) => TARGET_2X2,
                _ => ANY_LAYOUT,
            };
            decisions.push(Decision {
                row: row as u32,
                layout,
                lane_set,
                lane_uniform,
                mover: mover as u32,
                first: first as u32,
                num_actions: num_actions as u32,
                num_sets: sets.len() as u32,
                sets: row_sets,
            });
        }
        // Rows are public nodes in an order with parents first; edges into decision rows
        // follow it.
        let mut reach_edges = Vec::new();
        for d in &decisions {
            for a in 0..d.num_actions {
                let slot = d.first + a;
                let child = slot_child[slot as usize];
                if first_slot[child as usize] != u32::MAX {
                    reach_edges.push(ReachEdge {
                        parent: d.row,
                        child,
                        slot,
                        mover: d.mover,
                    });
                }
            }
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
            max_actions,
            profile_len: layout.len,
        })
    }

    pub(crate) fn workspace(&self) -> QreWorkspace {
        QreWorkspace {
            probs: vec![0.0; self.profile_len],
            sig: vec![[0.0; LANES]; self.num_slots],
            reach: vec![[[0.0; LANES]; 2]; self.num_rows],
            value: vec![[[0.0; LANES]; 2]; self.num_rows],
            weights: vec![[0.0; LANES]; self.decisions.len()],
            ebuf: vec![0.0; 4 * self.max_actions],
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
            let n = s.num_actions as usize;
            let p = 1.0 / n as f64;
            let first = s.first_slot as usize;
            for sig in &mut ws.sig[first..first + n] {
                sig[s.lanes[0] as usize % LANES] = p;
                sig[s.lanes[1] as usize % LANES] = p;
            }
        }
        let steps = (lambda / LAMBDA_STEP).ceil().max(1.0) as usize;
        for step in 1..=steps {
            let lam = lambda * step as f64 / steps as f64;
            let mut residual = f64::INFINITY;
            let mut damping = 1.0;
            for it in 0..MAX_ITER {
                residual = self.iterate(ws, lam, damping);
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
        // The profile, from the action probabilities of each set's first member.
        for s in &self.infosets {
            let n = s.num_actions as usize;
            let off = s.offset as usize;
            let first = s.first_slot as usize;
            let lane = s.lanes[0] as usize % LANES;
            for (p, sig) in ws.probs[off..off + n].iter_mut().zip(&ws.sig[first..]) {
                *p = sig[lane];
            }
        }
        Ok(ws.profile())
    }

    /// One damped fixed-point step: the logit response to the current profile (with its
    /// `exp`s counted), and the profile moved by `damping` towards it; returns the largest
    /// absolute difference between response and profile.
    ///
    /// Rows are handled children first, and a row's profile entries are updated right after
    /// its values are formed: nothing later in the step reads them (parents read the row's
    /// values, and reach is formed first), so every response is to the profile at the start
    /// of the step, as in a Jacobi step.
    fn iterate(&self, ws: &mut QreWorkspace, lambda: f64, damping: f64) -> f64 {
        let QreWorkspace {
            sig,
            reach,
            value,
            weights,
            ebuf,
            exps,
            ..
        } = ws;
        // Reach excluding each player's own moves, at decision rows.
        for e in &self.reach_edges {
            let mut r = reach[e.parent as usize];
            let other = &mut r[1 - e.mover as usize % 2];
            let s = &sig[e.slot as usize];
            for (x, &p) in other.iter_mut().zip(s) {
                *x *= p;
            }
            reach[e.child as usize] = r;
        }
        // Beliefs at every row (off the backward pass's critical path): the members' reach,
        // normalised.
        for (d, w) in self.decisions.iter().zip(weights.iter_mut()) {
            let r = &reach[d.row as usize][d.mover as usize % 2];
            let total = d.sets.map(|set| {
                let [l0, l1] = set.lanes.map(|l| l as usize % LANES);
                0.0 + r[l0] + r[l1]
            });
            // (A division per member: a set's reach can be subnormal at high lambda, where
            // its reciprocal would overflow.)
            let t = d.lane_set.map(|k| total[k as usize % 2]);
            let mut q = [0.0; LANES];
            for lane in 0..LANES {
                q[lane] = r[lane] / t[lane];
            }
            for lane in 0..LANES {
                w[lane] = if t[lane] > 0.0 {
                    q[lane]
                } else {
                    d.lane_uniform[lane]
                };
            }
        }
        let mut residual = 0.0f64;
        // Per row, the utilities and then the `exp`s of its sets, `[set 0 | set 1]`; two
        // buffers, as a row is finished while the next one is formed.
        let half = ebuf.len() / 2;
        let (mut cur, mut prev) = ebuf.split_at_mut(half);
        let mut pending: Option<&Decision> = None;
        for (d, w) in self.decisions.iter().zip(weights.iter()).rev() {
            // (Copies for two to four actions and the two layouts of 2 x 2 types, whose
            // loops have constant bounds and whose lanes are constants.)
            const C: u32 = CHALLENGER_2X2;
            const T: u32 = TARGET_2X2;
            const A: u32 = ANY_LAYOUT;
            match (d.num_actions, d.layout) {
                (2, C) => self.respond::<2, C>(d, w, sig, value, cur, lambda),
                (2, T) => self.respond::<2, T>(d, w, sig, value, cur, lambda),
                (2, _) => self.respond::<2, A>(d, w, sig, value, cur, lambda),
                (3, C) => self.respond::<3, C>(d, w, sig, value, cur, lambda),
                (3, T) => self.respond::<3, T>(d, w, sig, value, cur, lambda),
                (3, _) => self.respond::<3, A>(d, w, sig, value, cur, lambda),
                (4, C) => self.respond::<4, C>(d, w, sig, value, cur, lambda),
                (4, T) => self.respond::<4, T>(d, w, sig, value, cur, lambda),
                (4, _) => self.respond::<4, A>(d, w, sig, value, cur, lambda),
                _ => self.respond::<0, A>(d, w, sig, value, cur, lambda),
            }
            // The previous row's response normalised and its damped update (one row late, so
            // that they do not wait for this row's `exp`s).
            if let Some(p) = pending.replace(d) {
                residual = finish_any(p, prev, sig, damping, residual);
            }
            std::mem::swap(&mut cur, &mut prev);
        }
        if let Some(p) = pending {
            // (The last row formed is decision 0's, in `prev` after the swap.)
            residual = finish_any(p, prev, sig, damping, residual);
        }
        *exps += self.profile_len as u64;
        residual
    }

    /// Decision `d`'s row in one step: its values (into `value`) and its sets' unnormalised
    /// logit responses, `exp(lambda * (U - max U))`, into `e` (`[set 0 | set 1]`). `N` is
    /// the number of actions, or 0 for any number; `L` the row's layout.
    #[inline(always)]
    fn respond<const N: usize, const L: u32>(
        &self,
        d: &Decision,
        w: &Row,
        sig: &[Row],
        value: &mut [[Row; 2]],
        e: &mut [f64],
        lambda: f64,
    ) {
        let mover = match L {
            CHALLENGER_2X2 => 0,
            TARGET_2X2 => 1,
            _ => d.mover as usize % 2,
        };
        // Values, and each action's expected utility at each set of the row: the members'
        // values at the child, weighted by the beliefs.
        let first = d.first as usize;
        let n = actions::<N>(d.num_actions);
        let slots = first..first + n;
        let (e0, e1) = e[..2 * n].split_at_mut(n);
        let rows = RowInputs {
            children: &self.slot_child[slots.clone()],
            sig: &sig[slots],
            value,
            w,
            mover,
        };
        // (Constant lanes for the two layouts of 2 x 2 types, so that no lane is picked
        // through memory.)
        let (v, max) = match L {
            CHALLENGER_2X2 => rows.form(e0, e1, |u| (0.0 + u[0] + u[1], 0.0 + u[2] + u[3])),
            TARGET_2X2 => rows.form(e0, e1, |u| (0.0 + u[0] + u[2], 0.0 + u[1] + u[3])),
            _ => {
                let lanes = d.sets.map(|s| s.lanes);
                let [[a0, b0], [a1, b1]] = lanes.map(|l| l.map(|l| l as usize % LANES));
                rows.form(e0, e1, |u| (0.0 + u[a0] + u[b0], 0.0 + u[a1] + u[b1]))
            }
        };
        value[d.row as usize] = v;
        // Logit response per set of the row: exp(lambda * (U - max U)).
        let sets = d.num_sets as usize;
        for (e, &max) in e[..sets * n].chunks_exact_mut(n).zip(&max) {
            for x in e {
                *x = (lambda * (*x - max)).exp();
            }
        }
    }
}

/// `N`, or `n` when `N` is 0.
#[inline(always)]
fn actions<const N: usize>(n: u32) -> usize {
    if N == 0 {
        n as usize
    } else {
        N
    }
}

/// [`finish`] in its copy for `d`'s number of actions.
#[inline(always)]
fn finish_any(d: &Decision, e: &[f64], sig: &mut [Row], damping: f64, residual: f64) -> f64 {
    match d.num_actions {
        2 => finish::<2>(d, e, sig, damping, residual),
        3 => finish::<3>(d, e, sig, damping, residual),
        4 => finish::<4>(d, e, sig, damping, residual),
        _ => finish::<0>(d, e, sig, damping, residual),
    }
}

/// What forming a row's values and utilities reads: the action slots' children and
/// probabilities, the values, the row's beliefs and its mover.
struct RowInputs<'a> {
    children: &'a [u32],
    sig: &'a [Row],
    value: &'a [[Row; 2]],
    w: &'a Row,
    mover: usize,
}

impl RowInputs<'_> {
    /// The row's values (each player's, per lane) and, per action, the expected utility at
    /// each set of the row (into `e0`, `e1`: the members' values at the child weighted by the
    /// beliefs, summed by `sets` from the lanes' products); returns the values and each set's
    /// largest utility.
    #[inline(always)]
    fn form(
        &self,
        e0: &mut [f64],
        e1: &mut [f64],
        sets: impl Fn(&Row) -> (f64, f64),
    ) -> ([Row; 2], [f64; 2]) {
        let mut v = [[0.0; LANES]; 2];
        let mut max = [f64::NEG_INFINITY; 2];
        for (((&c, s), u0), u1) in self
            .children
            .iter()
            .zip(self.sig)
            .zip(e0.iter_mut())
            .zip(e1.iter_mut())
        {
            let c = &self.value[c as usize];
            let mut u = [0.0; LANES];
            for lane in 0..LANES {
                v[0][lane] += s[lane] * c[0][lane];
                v[1][lane] += s[lane] * c[1][lane];
                u[lane] = self.w[lane] * c[self.mover][lane];
            }
            (*u0, *u1) = sets(&u);
            // (NaN-ignoring like f64::max; the sign of a zero maximum does not matter below.)
            max[0] = if *u0 > max[0] { *u0 } else { max[0] };
            max[1] = if *u1 > max[1] { *u1 } else { max[1] };
        }
        (v, max)
    }
}

/// Normalises the `exp`s of decision `d`'s sets (`e`, `[set 0 | set 1]`) into the logit
/// response and moves the sets' action probabilities (in `sig`, at their members' lanes)
/// by `damping` towards it; returns `residual` or the largest absolute difference between
/// response and probabilities, if larger. `N` is the number of actions, or 0 for any
/// number.
#[inline(always)]
fn finish<const N: usize>(
    d: &Decision,
    e: &[f64],
    sig: &mut [Row],
    damping: f64,
    mut residual: f64,
) -> f64 {
    let first = d.first as usize;
    let n = actions::<N>(d.num_actions);
    let sets = d.num_sets as usize;
    for (set, e) in d.sets[..sets].iter().zip(e.chunks_exact(n)) {
        let mut z = 0.0;
        for &x in e {
            z += x;
        }
        // (One division per set, not per action; `z >= 1`, as the largest utility's term is
        // `exp(0)`, so its reciprocal is finite.)
        let inv_z = 1.0 / z;
        let [l0, l1] = set.lanes.map(|l| l as usize % LANES);
        for (&x, s) in e.iter().zip(&mut sig[first..first + n]) {
            let q = x * inv_z;
            let old = s[l0];
            let diff = (q - old).abs();
            // (NaN-ignoring, like f64::max.)
            residual = if diff > residual { diff } else { residual };
            let new = old + damping * (q - old);
            s[l0] = new;
            s[l1] = new;
        }
    }
    residual
}
