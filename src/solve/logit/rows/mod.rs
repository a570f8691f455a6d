//! The logit equations of a game in *rows of type combinations*, evaluated fast, with an exact
//! Newton solve in time linear in the tree.
//!
//! Such a game is a root chance node that draws each player's private type (one or two types
//! each, so at most four *lanes*, one per type combination), then one public tree, the same in
//! every lane; an information set is a public decision node and the mover's own type (its
//! members are the lanes of the other player's types). The escalation ladder compiles to such
//! a game, whatever its moves.
//!
//! # The equations
//! The unknowns are the utilities `U(s, a)`: the mover's expected payoff from action `a` at
//! set `s` given its beliefs. The profile is their logit response
//! `σ(s, ·) = softmax(λ U(s, ·))`, and the equations are
//!
//! `F(s, a) = U(s, a) − Φ(s, a)(σ) = 0`,
//!
//! where `Φ` is the utility the profile `σ` implies: beliefs over the set's members by Bayes'
//! rule from the other player's moves above, values from the moves below. A solution is an
//! agent logit QRE (McKelvey & Palfrey 1998), the same solution set as the equations in
//! log-probabilities of [`super::system`]. Utilities stay within the payoffs' range however
//! large λ is, where log-probabilities grow like λ: at large λ the equations stay as well
//! scaled as the payoffs.
//!
//! Beliefs depend on the other player's moves only through one number per player: the
//! log-likelihood ratio `x_j` of player `j`'s moves so far under its type 1 against its type
//! 0. A row's lanes take their probabilities from the mover's own type, so the row passes
//! `x_i + log σ(1, a) − log σ(0, a)` to the child of action `a`. Beliefs are computed from
//! `x` and the log prior, never from products of probabilities, so they stay exact where
//! reach probabilities underflow.
//!
//! # The Newton solve
//! `J δU = r` with `J = I − ∂Φ/∂U` couples every set to the sets below (through values) and to
//! the other player's sets above (through beliefs), but the sets above act only through the
//! two numbers `x`. So the solve eliminates rows children first: each row's value changes are
//! written as an affine function of the change `δx` at the row (a 2-vector per player and
//! lane, and a constant), the row's own unknowns are solved locally as affine functions of
//! `δx` (for a mover with two types the two sets are coupled by what each signals, a diagonal
//! plus rank-one system of the row's actions, solved by Sherman–Morrison), and then one pass
//! from the root fixes `δx` and every `δU`. This is exact Newton at the cost of about two
//! evaluations, where a dense factorisation costs the cube of the number of actions.

use super::compiled::CompiledGame;
use super::continuation::{Buffers, Work};
use super::equations::Equations;
use crate::game::{Game, Mover};

mod newton;

/// The most type combinations (two types each).
pub(crate) const MAX_LANES: usize = 4;
const NONE: u32 = u32::MAX;

/// One value per lane.
type Lanes = [f64; MAX_LANES];
/// A coefficient per direction of `δx` (player 0's and player 1's likelihood ratio).
type Dir = [f64; 2];
/// An affine function of `δx`: the constant of the Newton step, the coefficients of `δx_0`
/// and `δx_1`, then the constant of the tangent (last, so that a solve without the tangent
/// computes the first three columns only).
type Affine = [f64; 4];

/// A public decision node.
#[derive(Clone, Copy, Debug)]
struct Decision {
    mover: u8,
    /// First action slot; the node's actions are slots `first..first + actions`.
    first: u32,
    actions: u32,
    /// Profile offset of the information set of each of the mover's types.
    offset: [u32; 2],
}

/// The game in rows (built once; solves take payoffs and type priors).
#[derive(Clone, Debug)]
pub(crate) struct RowGame {
    /// Number of types of each player (1 or 2).
    types: [usize; 2],
    lanes: usize,
    /// Each lane's types.
    lane_type: [[u8; 2]; MAX_LANES],
    /// `lane_of[i][t][u]`: the lane where player `i` has type `t` and the other type `u`.
    lane_of: [[[u8; 2]; 2]; 2],
    /// Decision rows, parents first.
    decisions: Vec<Decision>,
    /// Per action slot: the child's value row (decision rows first, then terminal rows).
    slot_child: Vec<u32>,
    /// Game terminal index of every terminal row, per lane.
    terminal_rows: Vec<[u32; MAX_LANES]>,
    profile_len: usize,
    num_terminals: usize,
    /// The same game as a general one.
    general: CompiledGame,
}

/// Why a game is not in rows of type combinations (it is then solved as a general game).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the game is not in rows of type combinations: {0}")]
pub(crate) struct NotInRows(pub(crate) &'static str);

impl RowGame {
    /// Lays out `game` in rows: `node_of[lane][row]` is the game node of public node `row` in
    /// type combination `lane` (the root chance node's child `lane`, or the root when there is
    /// a single combination), public nodes parents first; player 0 has `types[0]` types and
    /// player 1 `types[1]` (1 or 2 each), and lane `t0 * types[1] + t1` is the combination of
    /// types `t0` and `t1`. Checks that every lane has the same shape and that each
    /// information set is a row and the mover's own type.
    pub(crate) fn new(
        game: &Game,
        node_of: &[Vec<usize>],
        types: [usize; 2],
    ) -> Result<RowGame, NotInRows> {
        let lanes = node_of.len();
        if types.iter().any(|t| !(1..=2).contains(t)) || types[0] * types[1] != lanes {
            return Err(NotInRows("one or two types each, a lane per combination"));
        }
        let num_rows = node_of[0].len();
        if node_of.iter().any(|m| m.len() != num_rows) {
            return Err(NotInRows("lanes of different lengths"));
        }
        let nodes = game.nodes();
        let mut row_of = vec![None; nodes.len()];
        for (lane, map) in node_of.iter().enumerate() {
            for (row, &g) in map.iter().enumerate() {
                *row_of.get_mut(g).ok_or(NotInRows("node out of range"))? = Some((row, lane));
            }
        }
        let mut lane_type = [[0u8; 2]; MAX_LANES];
        for (l, t) in lane_type.iter_mut().enumerate().take(lanes) {
            *t = [(l / types[1]) as u8, (l % types[1]) as u8];
        }
        let mut lane_of = [[[0u8; 2]; 2]; 2];
        for (l, t) in lane_type[..lanes].iter().enumerate() {
            lane_of[0][t[0] as usize][t[1] as usize] = l as u8;
            lane_of[1][t[1] as usize][t[0] as usize] = l as u8;
        }
        // With one type, "the other type 1" is the only lane.
        for (i, of) in lane_of.iter_mut().enumerate() {
            if types[1 - i] == 1 {
                for l in of.iter_mut() {
                    l[1] = l[0];
                }
            }
        }
        let layout = game.profile_layout();
        let mut terminal_index = vec![NONE; nodes.len()];
        let mut num_terminals = 0u32;
        for (g, node) in nodes.iter().enumerate() {
            if node.children.is_empty() {
                terminal_index[g] = num_terminals;
                num_terminals += 1;
            }
        }
        // Value rows: decisions in row order, then terminals.
        let mut decision_of = vec![NONE; num_rows];
        let mut terminal_of = vec![NONE; num_rows];
        let mut terminal_rows = Vec::new();
        let mut num_decisions = 0u32;
        for row in 0..num_rows {
            let n0 = &nodes[node_of[0][row]];
            if n0.children.is_empty() {
                let mut t = [NONE; MAX_LANES];
                for (lane, map) in node_of.iter().enumerate() {
                    t[lane] = terminal_index[map[row]];
                    if t[lane] == NONE {
                        return Err(NotInRows("lanes of different shapes"));
                    }
                }
                terminal_of[row] = terminal_rows.len() as u32;
                terminal_rows.push(t);
            } else {
                decision_of[row] = num_decisions;
                num_decisions += 1;
            }
        }
        let mut decisions = Vec::with_capacity(num_decisions as usize);
        let mut slot_child = Vec::new();
        let mut covered = vec![false; game.infosets().len()];
        for row in 0..num_rows {
            if decision_of[row] == NONE {
                continue;
            }
            let node = &nodes[node_of[0][row]];
            let set = node
                .infoset
                .ok_or(NotInRows("decision without information set"))?;
            let Mover::Player(mover) = game.infoset(set).mover else {
                return Err(NotInRows("chance below the root"));
            };
            if mover > 1 {
                return Err(NotInRows("more than two players"));
            }
            let first = slot_child.len() as u32;
            let k = node.children.len();
            for (a, c) in node.children.iter().enumerate() {
                let (child, _) = row_of[c.0].ok_or(NotInRows("child outside the rows"))?;
                if child <= row {
                    return Err(NotInRows("rows not in tree order"));
                }
                for map in node_of {
                    let n = &nodes[map[row]];
                    let same = n.children.get(a).and_then(|c| row_of[c.0]).map(|r| r.0);
                    if n.children.len() != k || same != Some(child) {
                        return Err(NotInRows("lanes of different shapes"));
                    }
                }
                slot_child.push(if decision_of[child] != NONE {
                    decision_of[child]
                } else {
                    num_decisions + terminal_of[child]
                });
            }
            let mut offset = [layout.len as u32; 2];
            for (t, off) in offset.iter_mut().enumerate().take(types[mover]) {
                // The set of own type t: the lanes with that type, all in one information
                // set of the game, which has no other members.
                let members: Vec<usize> = (0..lanes)
                    .filter(|&l| lane_type[l][mover] as usize == t)
                    .map(|l| node_of[l][row])
                    .collect();
                let s = nodes[members[0]]
                    .infoset
                    .ok_or(NotInRows("decision without information set"))?;
                let iset = game.infoset(s);
                if iset.mover != Mover::Player(mover)
                    || iset.members.len() != members.len()
                    || members.iter().any(|&g| nodes[g].infoset != Some(s))
                {
                    return Err(NotInRows("an information set is not a row and own type"));
                }
                *off = layout.offset[s.0].ok_or(NotInRows("no profile offset"))? as u32;
                covered[s.0] = true;
            }
            decisions.push(Decision {
                mover: mover as u8,
                first,
                actions: k as u32,
                offset,
            });
        }
        let strategic = game
            .infosets()
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.mover, Mover::Player(_)));
        if strategic.clone().any(|(k, _)| !covered[k]) {
            return Err(NotInRows("an information set outside the rows"));
        }
        if decision_of.first() != Some(&0) {
            return Err(NotInRows("the public root is not a decision"));
        }
        Ok(RowGame {
            types,
            lanes,
            lane_type,
            lane_of,
            decisions,
            slot_child,
            terminal_rows,
            profile_len: layout.len,
            num_terminals: num_terminals as usize,
            general: CompiledGame::new(game),
        })
    }

    /// Number of unknowns (two utilities per action slot, one per type of the mover; a slot
    /// of a mover with one type leaves its second unused).
    pub(crate) fn len(&self) -> usize {
        2 * self.slot_child.len()
    }

    /// A workspace for this game.
    pub(crate) fn workspace(&self) -> RowWorkspace {
        let d = self.decisions.len();
        let slots = self.slot_child.len();
        let rows = d + self.terminal_rows.len();
        RowWorkspace {
            odds: [[0.0; 2]; 2],
            scratch: vec![0.0; 2 * slots],
            lambda: 0.0,
            sig: vec![[0.0; 2]; slots],
            x: vec![[0.0; 2]; d],
            mu: vec![[[1.0, 0.0]; 2]; d],
            value: vec![[[0.0; MAX_LANES]; 2]; rows],
            jac: vec![[[[0.0; MAX_LANES]; 4]; 2]; d],
            uaff: vec![[[0.0; 4]; 2]; slots],
            waff: vec![[0.0; 4]; slots],
            dx: vec![[[0.0; 2]; 2]; d],
            range: 1.0,
            exps: 0,
        }
    }

    /// Sets the payoffs (`payoffs[t * 2 + p]`, game terminal order) and the root chance
    /// probabilities of the lanes for the solves that follow.
    pub(crate) fn set_game(&self, ws: &mut RowWorkspace, root_probs: &[f64], payoffs: &[f64]) {
        let d = self.decisions.len();
        for (k, t) in self.terminal_rows.iter().enumerate() {
            let v = &mut ws.value[d + k];
            for lane in 0..self.lanes {
                let t = t[lane] as usize;
                v[0][lane] = payoffs[2 * t];
                v[1][lane] = payoffs[2 * t + 1];
            }
        }
        let mut lprior = [0.0; MAX_LANES];
        for (lane, lp) in lprior.iter_mut().enumerate().take(self.lanes) {
            let p = if self.lanes == 1 {
                1.0
            } else {
                root_probs[lane]
            };
            *lp = p.ln();
        }
        for i in 0..2 {
            for t in 0..2 {
                let l = self.lane_of[i][t];
                ws.odds[i][t] = lprior[l[1] as usize] - lprior[l[0] as usize];
            }
        }
        let (lo, hi) = payoffs[..2 * self.num_terminals]
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
                (l.min(x), h.max(x))
            });
        ws.range = if hi > lo { hi - lo } else { 1.0 };
    }

    /// The solution at λ = 0 (uniform play) into `u`; leaves the workspace evaluated there.
    pub(crate) fn start(&self, ws: &mut RowWorkspace, u: &mut [f64]) {
        u.fill(0.0);
        // At λ = 0 the profile does not depend on U: U = Φ is the solution, and F(0) = −Φ.
        // The profile, beliefs and values evaluated at U = 0 are those at U = Φ.
        let mut f = std::mem::take(&mut ws.scratch);
        self.evaluate(ws, u, 0.0, &mut f);
        for (x, r) in u.iter_mut().zip(&f) {
            *x = -r;
        }
        ws.scratch = f;
    }

    /// The residual `F = U − Φ(σ(U))` at (`u`, `lambda`) into `f` (unused when empty);
    /// leaves in the workspace what [`RowGame::solve`] linearises. Returns the largest `|F|`.
    pub(crate) fn evaluate(
        &self,
        ws: &mut RowWorkspace,
        u: &[f64],
        lambda: f64,
        f: &mut [f64],
    ) -> f64 {
        ws.lambda = lambda;
        self.forward(ws, u, lambda);
        let worst = self.backward(ws, u, f);
        if worst.is_nan() {
            f64::INFINITY
        } else {
            worst
        }
    }

    /// Forward pass: the logit response at every set, the likelihood ratios `x` and the
    /// beliefs.
    fn forward(&self, ws: &mut RowWorkspace, u: &[f64], lambda: f64) {
        ws.x[0] = [0.0; 2];
        let nd = self.decisions.len();
        for (d, dec) in self.decisions.iter().enumerate() {
            let i = dec.mover as usize;
            let o = 1 - i;
            let ni = self.types[i];
            let first = dec.first as usize;
            let k = dec.actions as usize;
            let x = ws.x[d];
            if self.types[o] == 2 {
                let odds = ws.odds[i];
                let b0 = belief(odds[0] + x[o]);
                ws.mu[d] = [
                    b0,
                    if odds[1] == odds[0] {
                        b0
                    } else {
                        belief(odds[1] + x[o])
                    },
                ];
            }
            // σ(t, ·) = softmax(λ U(t, ·)); ln Z(t) and the largest utility for log σ.
            let mut top = [f64::NEG_INFINITY; 2];
            let mut z = [0.0; 2];
            let us = &u[2 * first..2 * (first + k)];
            for pair in us.chunks_exact(2) {
                top[0] = top[0].max(pair[0]);
                top[1] = top[1].max(pair[1]);
            }
            let sig = &mut ws.sig[first..first + k];
            for (e, pair) in sig.iter_mut().zip(us.chunks_exact(2)) {
                for t in 0..ni {
                    e[t] = (lambda * (pair[t] - top[t])).exp();
                    z[t] += e[t];
                }
            }
            ws.exps += (ni * k) as u64;
            let inv = [1.0 / z[0], 1.0 / z[1]];
            for e in sig.iter_mut() {
                e[0] *= inv[0];
                e[1] *= inv[1];
            }
            // log σ(1, a) − log σ(0, a) = λ (U(1, a) − U(0, a)) − λ (top_1 − top_0)
            //                             − ln (Z_1 / Z_0).
            let base = if ni == 2 {
                lambda * (top[1] - top[0]) + (z[1] / z[0]).ln()
            } else {
                0.0
            };
            for (a, pair) in us.chunks_exact(2).enumerate() {
                let c = self.slot_child[first + a] as usize;
                if c < nd {
                    ws.x[c] = if ni == 2 {
                        with_added(x, i, lambda * (pair[1] - pair[0]) - base)
                    } else {
                        x
                    };
                }
            }
        }
    }

    /// Backward pass: every decision row's values and the residual `F = U − Φ` into `f`
    /// (when not empty); returns the largest `|F|`.
    fn backward(&self, ws: &mut RowWorkspace, u: &[f64], f: &mut [f64]) -> f64 {
        let mut worst = 0.0f64;
        for (d, dec) in self.decisions.iter().enumerate().rev() {
            let i = dec.mover as usize;
            let ni = self.types[i];
            let two_other = self.types[1 - i] == 2;
            let first = dec.first as usize;
            let mu = ws.mu[d];
            let lanes = [self.lane_of[i][0], self.lane_of[i][1]];
            let mut v = [[0.0; MAX_LANES]; 2];
            for a in 0..dec.actions as usize {
                let s = first + a;
                let c = &ws.value[self.slot_child[s] as usize];
                let p = ws.sig[s];
                for l in 0..self.lanes {
                    let p = p[self.lane_type[l][i] as usize];
                    v[0][l] += p * c[0][l];
                    v[1][l] += p * c[1][l];
                }
                if f.is_empty() {
                    continue;
                }
                for t in 0..ni {
                    let l = lanes[t];
                    let phi = if two_other {
                        mu[t][0] * c[i][l[0] as usize] + mu[t][1] * c[i][l[1] as usize]
                    } else {
                        c[i][l[0] as usize]
                    };
                    let r = u[2 * s + t] - phi;
                    f[2 * s + t] = r;
                    worst = worst.max(r.abs());
                }
            }
            ws.value[d] = v;
        }
        worst
    }

    /// The profile at the last evaluation (flat, Gambit's order) into `out`.
    pub(crate) fn profile(&self, ws: &RowWorkspace, out: &mut [f64]) {
        for dec in &self.decisions {
            let first = dec.first as usize;
            for t in 0..self.types[dec.mover as usize] {
                let off = dec.offset[t] as usize;
                for a in 0..dec.actions as usize {
                    out[off + a] = ws.sig[first + a][t];
                }
            }
        }
    }
}

/// The most actions at a decision the Newton solve handles (more: the game is solved as a
/// general game).
pub(crate) const MAX_ACTIONS: usize = 8;

/// `v` with `x` added to entry `i` (0 or 1), built whole: a store to a computed index of a
/// small array that is then copied whole stalls the copy's loads.
#[inline(always)]
fn with_added(v: [f64; 2], i: usize, x: f64) -> [f64; 2] {
    if i == 0 {
        [v[0] + x, v[1]]
    } else {
        [v[0], v[1] + x]
    }
}

/// Beliefs `[P(type 0), P(type 1)]` of the other player from the log-odds `r` of type 1
/// (an undefined `r`, both priors zero, gives a uniform belief).
fn belief(r: f64) -> [f64; 2] {
    if r.is_nan() {
        return [0.5, 0.5];
    }
    let e = (-r.abs()).exp();
    let big = 1.0 / (1.0 + e);
    let small = e * big;
    if r >= 0.0 {
        [small, big]
    } else {
        [big, small]
    }
}

/// Scratch space of [`RowGame`]'s evaluations and solves.
#[derive(Clone, Debug)]
pub(crate) struct RowWorkspace {
    /// Per mover and own type: the log prior odds of the other player's type 1.
    odds: [[f64; 2]; 2],
    /// A residual's worth of scratch.
    scratch: Vec<f64>,
    /// λ of the last evaluation.
    lambda: f64,
    /// Per action slot: the probability for each own type of the mover.
    sig: Vec<[f64; 2]>,
    /// Per decision: the likelihood ratios of both players' moves so far.
    x: Vec<Dir>,
    /// Per decision and own type of the mover: beliefs about the other's type.
    mu: Vec<[[f64; 2]; 2]>,
    /// Per value row: each player's value in each lane.
    value: Vec<[Lanes; 2]>,
    /// Per decision: each value's change, affine in the row's `δx` (elimination): player,
    /// column of [`Affine`], lane.
    jac: Vec<[[Lanes; 4]; 2]>,
    /// Per slot and own type: the unknown's change, affine in the row's `δx`.
    uaff: Vec<[Affine; 2]>,
    /// Per slot: the signal (change of the child's `x_i`), affine in the row's `δx`.
    waff: Vec<Affine>,
    /// Per decision: the solved `δx` of the step and of the tangent.
    dx: Vec<[Dir; 2]>,
    /// Largest minus smallest payoff (1 when all are equal).
    range: f64,
    /// `exp` evaluations so far.
    pub(crate) exps: u64,
}

/// The rows' equations with a workspace, for the continuation.
pub(crate) struct RowEquations<'a> {
    game: &'a RowGame,
    ws: &'a mut RowWorkspace,
}

impl<'a> RowEquations<'a> {
    pub(crate) fn new(game: &'a RowGame, ws: &'a mut RowWorkspace) -> Self {
        RowEquations { game, ws }
    }
}

impl Equations for RowEquations<'_> {
    fn len(&self) -> usize {
        self.game.len()
    }

    fn start(&mut self, x: &mut [f64]) {
        self.game.start(self.ws, x);
    }

    fn residual(&mut self, x: &[f64], lambda: f64, f: &mut [f64]) -> f64 {
        self.game.evaluate(self.ws, x, lambda, f)
    }

    fn solve(
        &mut self,
        x: &[f64],
        f: &[f64],
        step: &mut [f64],
        tangent: Option<&mut [f64]>,
    ) -> Option<f64> {
        self.game.solve(self.ws, x, f, step, tangent)
    }

    fn size(&self, _x: &[f64], dx: &[f64], lambda: f64) -> f64 {
        let scale = lambda.max(1.0 / self.ws.range);
        dx.iter().fold(0.0f64, |m, v| m.max(v.abs())) * scale
    }

    fn lambda_scale(&self) -> f64 {
        self.ws.range
    }
}

/// A workspace and the buffers of the continuation, for repeated solves of one [`RowGame`].
#[derive(Clone, Debug)]
pub(crate) struct RowSolver {
    pub(crate) ws: RowWorkspace,
    pub(crate) buf: Buffers,
    pub(crate) profile: Vec<f64>,
    /// Work of all solves so far.
    pub(crate) work: Work,
    /// Solves whose continuation stalled (each then traced by arc length on the rows, or
    /// solved as the general game; see `gambit_first`).
    pub(crate) fallbacks: u64,
    /// Largest game (actions) that a stalled solve hands to Gambit's tracer on the general
    /// game first, before arc length on the rows (default 0: arc length first).
    pub(crate) gambit_first: usize,
}

impl RowSolver {
    /// The profile of the last solve.
    pub(crate) fn profile(&self) -> &[f64] {
        &self.profile
    }

    /// `exp` evaluations of all solves so far.
    pub(crate) fn exps(&self) -> u64 {
        self.ws.exps
    }
}

impl RowGame {
    /// A solver for this game.
    pub(crate) fn solver(&self) -> RowSolver {
        RowSolver {
            ws: self.workspace(),
            buf: Buffers::new(self.len()),
            profile: vec![0.0; self.profile_len],
            work: Work::default(),
            fallbacks: 0,
            gambit_first: 0,
        }
    }

    /// The game as a general one (for the fallback solve).
    pub(crate) fn general(&self) -> &CompiledGame {
        &self.general
    }

    /// Number of type combinations.
    pub(crate) fn lanes(&self) -> usize {
        self.lanes
    }

    /// With one type per side (a single lane) the game is of perfect information, and its
    /// logit QRE is unique and found exactly by one backward sweep: each decision's
    /// utilities are its children's values, its logit response follows, then its values.
    /// The utilities go into `s.buf.x`, where the equations' residual is zero, and the
    /// responses stay in the workspace for [`RowGame::profile`] (bit for bit those the
    /// forward pass of [`RowGame::finish`] computes from the utilities). One pass.
    pub(crate) fn sweep_perfect(&self, s: &mut RowSolver, lambda: f64) {
        let ws = &mut s.ws;
        ws.lambda = lambda;
        let u = &mut s.buf.x;
        for (d, dec) in self.decisions.iter().enumerate().rev() {
            let i = dec.mover as usize;
            let first = dec.first as usize;
            let k = dec.actions as usize;
            let mut top = f64::NEG_INFINITY;
            for a in 0..k {
                let v = ws.value[self.slot_child[first + a] as usize][i][0];
                u[2 * (first + a)] = v;
                u[2 * (first + a) + 1] = 0.0;
                top = top.max(v);
            }
            let mut z = 0.0;
            for a in 0..k {
                let e = (lambda * (u[2 * (first + a)] - top)).exp();
                ws.sig[first + a][0] = e;
                z += e;
            }
            ws.exps += k as u64;
            let inv = 1.0 / z;
            let mut v = [[0.0; MAX_LANES]; 2];
            for a in 0..k {
                let p = ws.sig[first + a][0] * inv;
                ws.sig[first + a][0] = p;
                let c = &ws.value[self.slot_child[first + a] as usize];
                v[0][0] += p * c[0][0];
                v[1][0] += p * c[1][0];
            }
            ws.value[d] = v;
        }
        s.work.evaluations += 1;
    }

    /// The profile at the solution `s.buf.x`: the logit response to its utilities.
    pub(crate) fn finish(&self, s: &mut RowSolver, lambda: f64) {
        self.forward(&mut s.ws, &s.buf.x, lambda);
        self.profile(&s.ws, &mut s.profile);
    }
}
