//! The ladder compiled once into a game and flat per-terminal features, so that a Monte Carlo
//! draw computes only payoffs and one QRE solve.

use super::attrition::{tail_process, Tail};
use super::ladder::{
    Action, End, Ladder, LeverStart, PublicNode, RoundState, Side, MAX_HORIZON, MAX_STEPS,
};
use super::outcome::{Outcome, OutcomeClass};
use super::params::*;
use super::qre::{Qre, QreWorkspace};
use super::ModelError;
use crate::game::{Game, GameBuilder, InfosetId, Number};

/// Reported length of a frozen tail (no side ever concedes), in days: outcomes cap it here so
/// that costs and durations stay finite in summaries.
pub const FROZEN_REPORT_DAYS: f64 = 365.0;

const NUM_STATES: usize = 4 * MAX_STEPS;

/// Per public terminal: what payoffs and outcomes need.
#[derive(Clone, Debug)]
struct TerminalFeature {
    end: End,
    /// Rounds completed before the end (each with its cost state).
    rounds: [u8; MAX_HORIZON],
    num_rounds: usize,
    level: u32,
    threatened: bool,
    step: usize,
    retaliated: bool,
    peak_imposed: f64,
    move_index: usize,
    /// Whether each side still had a way to yield at its last decision (for the tail).
    can_yield: [bool; 2],
}

/// A compiled ladder: the game, its solver and per-terminal features. Build once per
/// scenario (and intervention); per draw call [`CompiledLadder::payoffs_into`] and
/// [`CompiledLadder::behaviour`].
#[derive(Clone, Debug)]
pub struct CompiledLadder {
    ladder: Ladder,
    public: Vec<PublicNode>,
    game: Game,
    qre: Qre,
    /// Game terminals (index order): public terminal and type combination.
    terminals: Vec<(u32, u8, u8)>,
    /// Game terminal index of (public node, combo), `u32::MAX` for non-terminals.
    terminal_of: Vec<u32>,
    /// Profile offset of (public decision node, own type), `usize::MAX` otherwise.
    decision_offset: Vec<[usize; 2]>,
    features: Vec<Option<TerminalFeature>>,
    /// Length of the challenger's part of the profile (it comes first).
    challenger_len: usize,
}

/// Scratch space for [`CompiledLadder::behaviour`]; one per thread.
#[derive(Clone, Debug)]
pub struct LadderWorkspace {
    payoffs: Vec<f64>,
    qre: [QreWorkspace; 2],
    behaviour: Vec<f64>,
}

impl LadderWorkspace {
    /// The terminal payoffs of the last [`CompiledLadder::behaviour`] call.
    pub fn payoffs(&self) -> &[f64] {
        &self.payoffs
    }

    /// Work done so far by the [`CompiledLadder::behaviour`] calls on this workspace: the
    /// number of `exp` evaluations of the logit QRE solves, and the number of solves that fell
    /// back to the path-following solver (whose `exp`s are not counted). For benchmarks.
    pub fn solver_work(&self) -> SolverWork {
        SolverWork {
            exps: self.qre[0].exps + self.qre[1].exps,
            fallbacks: self.qre[0].fallbacks + self.qre[1].fallbacks,
        }
    }
}

/// Counters of [`LadderWorkspace::solver_work`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SolverWork {
    /// `exp` evaluations by the fixed-point QRE solver.
    pub exps: u64,
    /// Solves that did not settle and fell back to path following.
    pub fallbacks: u64,
}

fn type_names(n: usize) -> &'static [&'static str] {
    if n == 1 {
        &["normal"]
    } else {
        &["irresolute", "resolute"]
    }
}

/// Export loss of an ad-valorem tariff `t` at trade elasticity `sigma`: `1 - (1+t)^(-sigma)`
/// (0 for `t <= 0`).
///
/// # Examples
/// ```
/// // DESIGN.md §1: sigma = 0.76, 25% → about 16%, 50% → about 26%.
/// let l = escalation::model::export_loss(0.25, 0.76);
/// assert!((l - 0.156).abs() < 1e-3);
/// ```
pub fn export_loss(t: f64, sigma: f64) -> f64 {
    loss(t, sigma)
}

fn loss(t: f64, sigma: f64) -> f64 {
    if t <= 0.0 {
        0.0
    } else {
        1.0 - (1.0 + t).powf(-sigma)
    }
}

impl CompiledLadder {
    /// Compiles a ladder.
    ///
    /// # Errors
    /// [`ModelError`] for an invalid structure or restriction.
    ///
    /// # Examples
    /// ```
    /// use escalation::model::{CompiledLadder, Ladder, Params};
    /// let ladder = Ladder::default();
    /// let c = CompiledLadder::new(&ladder)?;
    /// let params = Params::new(0);
    /// let mut ws = c.workspace();
    /// let b = c.behaviour(&mut ws, &params)?;
    /// assert_eq!(b.len(), c.game().profile_layout().len);
    /// # Ok::<(), escalation::model::ModelError>(())
    /// ```
    pub fn new(ladder: &Ladder) -> Result<Self, ModelError> {
        let public = ladder.public_tree()?;
        let num_pub = public.len();
        let combos = ladder.challenger_types * ladder.target_types;
        let mut features = vec![None; num_pub];
        for (i, n) in public.iter().enumerate() {
            if let Some(end) = n.end {
                features[i] = Some(feature(ladder, &public, i, end));
            }
        }
        let (game, node_of) = build_game(ladder, &public, &|_, _, _| [0.0, 0.0], None)?;
        let layout = game.profile_layout();
        let mut terminal_of = vec![u32::MAX; num_pub * combos];
        let mut terminals = Vec::new();
        let mut decision_offset = vec![[usize::MAX; 2]; num_pub];
        // node_of[combo][pub] = game node
        let mut by_node = vec![None; game.nodes().len()];
        for (combo, map) in node_of.iter().enumerate() {
            for (p, &g) in map.iter().enumerate() {
                by_node[g] = Some((p, combo));
            }
        }
        for (g, node) in game.nodes().iter().enumerate() {
            let Some((p, combo)) = by_node[g] else {
                continue;
            };
            let kc = combo / ladder.target_types;
            let kt = combo % ladder.target_types;
            if node.is_terminal() {
                terminal_of[p * combos + combo] = terminals.len() as u32;
                terminals.push((p as u32, kc as u8, kt as u8));
            } else if let (Some(s), Some(side)) = (node.infoset, public[p].mover) {
                let own = if side == Side::Challenger { kc } else { kt };
                decision_offset[p][own] = layout.offset[s.0].unwrap_or(usize::MAX);
            }
        }
        let challenger_len = game
            .player_infosets(0)
            .iter()
            .map(|s: &InfosetId| game.infoset(*s).num_actions())
            .sum();
        // The game is built in rows of type combinations; a failure here is a bug.
        let qre = Qre::new(&game, &node_of).map_err(|e| ModelError::Solve(e.to_string()))?;
        Ok(CompiledLadder {
            ladder: ladder.clone(),
            public,
            game,
            qre,
            terminals,
            terminal_of,
            decision_offset,
            features,
            challenger_len,
        })
    }

    /// The ladder compiled.
    pub fn ladder(&self) -> &Ladder {
        &self.ladder
    }

    /// The game's structure (payoffs all zero; see [`CompiledLadder::game_at`]).
    pub fn game(&self) -> &Game {
        &self.game
    }

    /// The public tree.
    pub fn public_tree(&self) -> &[PublicNode] {
        &self.public
    }

    /// Number of terminals of the game (payoff vectors have twice this length).
    pub fn num_terminals(&self) -> usize {
        self.terminals.len()
    }

    /// A fresh workspace.
    pub fn workspace(&self) -> LadderWorkspace {
        LadderWorkspace {
            payoffs: vec![0.0; 2 * self.terminals.len()],
            qre: [self.qre.workspace(), self.qre.workspace()],
            behaviour: vec![0.0; self.game.profile_layout().len],
        }
    }

    /// The game with chance probabilities (true priors) and payoffs at `params`, e.g. for
    /// export to Gambit.
    ///
    /// # Errors
    /// [`ModelError::Params`] for parameters out of range; [`ModelError::Game`] if the game
    /// does not validate.
    pub fn game_at(&self, params: &Params) -> Result<Game, ModelError> {
        self.check(params)?;
        let probs = self.root_probs(
            params.get(PRIOR_CHALLENGER_RESOLUTE),
            params.get(PRIOR_TARGET_RESOLUTE),
        );
        self.game_with_probs(params, &probs)
    }

    fn check(&self, params: &Params) -> Result<(), ModelError> {
        if params.num_levers() != self.ladder.levers.len() {
            return Err(ModelError::ParamCount {
                got: params.len(),
                expected: NUM_FIXED + 2 * self.ladder.levers.len(),
            });
        }
        params.validate()?;
        Ok(())
    }

    /// Root chance probabilities of the type combinations given P(challenger resolute) and
    /// P(target resolute).
    fn root_probs(&self, pc: f64, pt: f64) -> [f64; 4] {
        let nt = self.ladder.target_types;
        let mut out = [0.0; 4];
        let pcs = if self.ladder.challenger_types == 2 {
            [1.0 - pc, pc]
        } else {
            [1.0, 0.0]
        };
        let pts = if nt == 2 { [1.0 - pt, pt] } else { [1.0, 0.0] };
        for kc in 0..self.ladder.challenger_types {
            for kt in 0..nt {
                out[kc * nt + kt] = pcs[kc] * pts[kt];
            }
        }
        out
    }

    /// Writes every terminal's payoffs at `params` into `out[t * 2 + p]` (t in game terminal
    /// order, p = 0 challenger, 1 target). No allocation. Values out of range are not checked
    /// here (see [`Params::validate`]).
    ///
    /// Payoffs are in $bn-equivalents, discounted to the day of the threat: stakes (times the
    /// resolve factor of a resolute type) to the side that gets its way, minus audience
    /// costs `a (1 + g (level - 1))` for yielding after a public commitment, minus economic
    /// costs of tariffs (export loss `1 - (1+t)^(-sigma)` of the trade flow, plus the
    /// importer's burden share of the flow it taxes) and active levers, per day; the
    /// war-of-attrition tail at the horizon adds the stationary equilibrium's value.
    ///
    /// # Panics
    /// Never for `out.len() >= 2 * num_terminals()`; shorter buffers are filled partially.
    pub fn payoffs_into(&self, params: &Params, out: &mut [f64]) {
        let l = &self.ladder;
        let sigma = params.get(ELASTICITY);
        let burden = params.get(IMPORTER_BURDEN);
        let x_t = params.get(EXPORTS_TARGET);
        let x_c = params.get(EXPORTS_CHALLENGER);
        let support = params.get(THIRD_PARTY_SUPPORT).clamp(0.0, 1.0);
        let counter = params.get(COUNTER_TARIFF);
        let rho = params.get(DISCOUNT_RATE) / 365.0;
        // Annual cost of each round state, for each side.
        let mut cost_c = [0.0f64; NUM_STATES];
        let mut cost_t = [0.0f64; NUM_STATES];
        let mut lever_c = [0.0f64; 2];
        let mut lever_t = [0.0f64; 2];
        for (k, lever) in l.levers.iter().enumerate() {
            if lever.enabled {
                let slot = usize::from(lever.from == LeverStart::Imposition);
                lever_c[slot] += params.get(lever_cost_challenger(k));
                lever_t[slot] += params.get(lever_cost_target(k));
            }
        }
        for (step, ts) in l.schedule.iter().enumerate() {
            for imposed in [false, true] {
                for retaliated in [false, true] {
                    let id = RoundState {
                        step,
                        imposed,
                        retaliated,
                    }
                    .id();
                    let tc = if imposed { ts.rate } else { 0.0 };
                    let tt = if imposed && retaliated { counter } else { 0.0 };
                    let (lc, lt) = if imposed {
                        (lever_c[0] + lever_c[1], lever_t[0] + lever_t[1])
                    } else {
                        (lever_c[0], lever_t[0])
                    };
                    cost_c[id] = x_c * loss(tt, sigma) + burden * x_t * loss(tc, sigma) + lc;
                    cost_t[id] = (x_t * loss(tc, sigma) + burden * x_c * loss(tt, sigma) + lt)
                        * (1.0 - support);
                }
            }
        }
        // Discount factors at round starts and discounted day-weights of each round.
        let mut disc = [1.0f64; MAX_HORIZON + 1];
        let mut weight = [0.0f64; MAX_HORIZON];
        for (r, d) in disc.iter_mut().enumerate().take(l.horizon() + 1) {
            *d = (-rho * l.round_start(r)).exp();
        }
        for (r, w) in weight.iter_mut().enumerate().take(l.horizon()) {
            *w = if rho > 0.0 {
                (disc[r] - disc[r + 1]) / rho / 365.0
            } else {
                l.rounds[r] / 365.0
            };
        }
        let v_c = params.get(STAKE_CHALLENGER);
        let v_t = params.get(STAKE_TARGET);
        let f_c = params.get(RESOLVE_FACTOR_CHALLENGER);
        let f_t = params.get(RESOLVE_FACTOR_TARGET);
        let a_c = params.get(AUDIENCE_CHALLENGER);
        let a_t = params.get(AUDIENCE_TARGET);
        let g = params.get(AUDIENCE_GROWTH);
        let phi = params.get(FACE_SAVING_DISCOUNT);
        let fs_cost = params.get(FACE_SAVING_COST);
        for (t, &(p, kc, kt)) in self.terminals.iter().enumerate() {
            let Some(f) = &self.features[p as usize] else {
                continue;
            };
            let stake_c = if l.challenger_types == 2 && kc == 1 {
                v_c * f_c
            } else {
                v_c
            };
            let stake_t = if l.target_types == 2 && kt == 1 {
                v_t * f_t
            } else {
                v_t
            };
            let lvl = f64::from(f.level.max(1) - 1);
            let aud_c = a_c * (1.0 + g * lvl);
            let aud_t = a_t * (1.0 + g * lvl);
            let mut pay = [0.0f64; 2];
            for (&s, w) in f.rounds[..f.num_rounds].iter().zip(&weight) {
                pay[0] -= cost_c[s as usize] * w;
                pay[1] -= cost_t[s as usize] * w;
            }
            let d = disc[f.num_rounds];
            match f.end {
                End::Accepted => pay[0] += stake_c,
                End::Acquiesced => pay[1] += stake_t,
                End::Conceded { face_saving } => {
                    pay[0] += stake_c * d;
                    pay[1] -= if face_saving {
                        (aud_t * (1.0 - phi) + fs_cost) * d
                    } else {
                        aud_t * d
                    };
                }
                End::BackedDown => {
                    pay[0] -= aud_c * d;
                    pay[1] += stake_t * d;
                }
                End::Attrition => {
                    let s = f.rounds[f.num_rounds - 1] as usize;
                    let tl = self.tail_of(
                        f,
                        [stake_c, stake_t],
                        [aud_c, aud_t],
                        phi,
                        fs_cost,
                        [cost_c[s], cost_t[s]],
                        rho,
                    );
                    pay[0] += tl.values[0] * d;
                    pay[1] += tl.values[1] * d;
                }
            }
            if let Some(o) = out.get_mut(2 * t..2 * t + 2) {
                o.copy_from_slice(&pay);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn tail_of(
        &self,
        f: &TerminalFeature,
        stakes: [f64; 2],
        aud: [f64; 2],
        phi: f64,
        fs_cost: f64,
        annual: [f64; 2],
        rho: f64,
    ) -> Tail {
        let lose_t = if self.ladder.face_saving {
            (-aud[1]).max(-(aud[1] * (1.0 - phi) + fs_cost))
        } else {
            -aud[1]
        };
        let lose = [-aud[0], lose_t];
        let cost = [annual[0] / 365.0, annual[1] / 365.0];
        tail_process(stakes, lose, cost, rho, f.can_yield)
    }

    /// The QRE behaviour profile at `params` (its `lambda`), flat in Gambit order. Without
    /// misperception one solve; with it, two: the challenger's strategy from the game whose
    /// type prior is its belief (target prior = `belief_challenger_about_target`), the
    /// target's from its own (challenger prior = `belief_target_about_challenger`); each side
    /// takes its own view as common knowledge.
    ///
    /// # Errors
    /// [`ModelError::Params`] for parameters out of range, [`ModelError::Solve`] if the
    /// solver fails.
    pub fn behaviour<'w>(
        &self,
        ws: &'w mut LadderWorkspace,
        params: &Params,
    ) -> Result<&'w [f64], ModelError> {
        self.check(params)?;
        let LadderWorkspace {
            payoffs,
            qre,
            behaviour,
        } = ws;
        self.payoffs_into(params, payoffs);
        let lambda = params.get(LAMBDA);
        let pc = params.get(PRIOR_CHALLENGER_RESOLUTE);
        let pt = params.get(PRIOR_TARGET_RESOLUTE);
        let qc = params.get(BELIEF_CHALLENGER_ABOUT_TARGET);
        let qt = params.get(BELIEF_TARGET_ABOUT_CHALLENGER);
        let view_c = self.root_probs(pc, qc);
        let view_t = self.root_probs(qt, pt);
        let [ws_c, ws_t] = qre;
        let cl = self.challenger_len;
        self.solve_view(
            ws_c,
            &view_c,
            params,
            payoffs,
            lambda,
            &mut behaviour[..cl],
            0..cl,
        )?;
        if view_c == view_t {
            let cl_end = behaviour.len();
            let solved = ws_c.profile();
            behaviour[cl..].copy_from_slice(&solved[cl..cl_end]);
        } else {
            let n = behaviour.len();
            self.solve_view(
                ws_t,
                &view_t,
                params,
                payoffs,
                lambda,
                &mut behaviour[cl..],
                cl..n,
            )?;
        }
        Ok(behaviour)
    }

    /// Solves one perspective (root chance probabilities `view`) and copies the entries
    /// `range` of the profile into `out`. When the fixed-point iteration does not settle,
    /// falls back to the crate's path-following solver on the game built for this view.
    #[allow(clippy::too_many_arguments)]
    fn solve_view(
        &self,
        ws: &mut QreWorkspace,
        view: &[f64; 4],
        params: &Params,
        payoffs: &[f64],
        lambda: f64,
        out: &mut [f64],
        range: std::ops::Range<usize>,
    ) -> Result<(), ModelError> {
        match self.qre.solve(ws, view, payoffs, lambda) {
            Ok(solved) => {
                out.copy_from_slice(&solved[range]);
                Ok(())
            }
            Err(_) => {
                ws.fallbacks += 1;
                let game = self.game_with_probs(params, view)?;
                let eq = crate::solve::logit::logit_solve_lambda(&game, lambda)
                    .map_err(|e| ModelError::Solve(e.to_string()))?;
                let flat = eq.profile.flat();
                out.copy_from_slice(&flat[range.clone()]);
                ws.profile_mut().copy_from_slice(flat);
                Ok(())
            }
        }
    }

    fn game_with_probs(&self, params: &Params, probs: &[f64; 4]) -> Result<Game, ModelError> {
        let mut pay = vec![0.0; 2 * self.terminals.len()];
        self.payoffs_into(params, &mut pay);
        let combos = self.ladder.challenger_types * self.ladder.target_types;
        let payoff = |p: usize, kc: usize, kt: usize| {
            let combo = kc * self.ladder.target_types + kt;
            let t = self.terminal_of[p * combos + combo] as usize;
            [pay[2 * t], pay[2 * t + 1]]
        };
        let (game, _) = build_game(&self.ladder, &self.public, &payoff, Some(probs))?;
        Ok(game)
    }

    /// Samples a play: the types from the true priors, then each move from `behaviour`, using
    /// only the caller's uniforms on [0, 1) (for common random numbers: always two for the
    /// types, then one per move). Returns the game terminal index.
    pub fn sample_terminal(
        &self,
        behaviour: &[f64],
        params: &Params,
        u: &mut impl FnMut() -> f64,
    ) -> usize {
        let pc = params.get(PRIOR_CHALLENGER_RESOLUTE);
        let pt = params.get(PRIOR_TARGET_RESOLUTE);
        let (u1, u2) = (u(), u());
        let kc = usize::from(self.ladder.challenger_types == 2 && u1 < pc);
        let kt = usize::from(self.ladder.target_types == 2 && u2 < pt);
        self.play_from(0, kc, kt, behaviour, u)
    }

    /// Plays from public node `start` with the types fixed: one uniform per move, each move
    /// drawn from `behaviour` at the mover's own information set. Returns the game terminal.
    fn play_from(
        &self,
        start: usize,
        kc: usize,
        kt: usize,
        behaviour: &[f64],
        u: &mut impl FnMut() -> f64,
    ) -> usize {
        let combo = kc * self.ladder.target_types + kt;
        let combos = self.ladder.challenger_types * self.ladder.target_types;
        let mut p = start;
        loop {
            let node = &self.public[p];
            let Some(side) = node.mover else {
                return self.terminal_of[p * combos + combo] as usize;
            };
            let own = if side == Side::Challenger { kc } else { kt };
            let off = self.decision_offset[p][own];
            let k = node.children.len();
            let x = u();
            let mut acc = 0.0;
            let mut chosen = k - 1;
            for a in 0..k {
                acc += behaviour.get(off + a).copied().unwrap_or(0.0);
                if x < acc {
                    chosen = a;
                    break;
                }
            }
            p = node.children[chosen];
        }
    }

    /// The public tree node reached by following `opening` (actions from the root), or
    /// `None` when some action is not available at its point of the path.
    pub fn opening_node(&self, opening: &[Action]) -> Option<usize> {
        let mut p = 0;
        for act in opening {
            let node = self.public.get(p)?;
            node.mover?;
            let a = node.actions.iter().position(|x| x == act)?;
            p = *node.children.get(a)?;
        }
        Some(p)
    }

    /// Samples a play conditioned on its first moves being `opening`: the types are drawn
    /// from their posterior given the opening (prior × probability of the opening's moves
    /// under `behaviour` for those types, as in [`CompiledLadder::path_log_likelihood`]),
    /// the opening's moves are then taken as given, and every later move is drawn from
    /// `behaviour` as in [`CompiledLadder::sample_terminal`].
    ///
    /// Uniform consumption (for common random numbers): always exactly two for the types
    /// (challenger, then target), then one per move after the opening, none for the
    /// opening's own moves. Since each move's probability depends only on its mover's own
    /// type and the types are independent a priori, the posterior is independent too: the
    /// first uniform draws the challenger's type from its posterior, the second the
    /// target's. With an empty opening the result equals [`CompiledLadder::sample_terminal`]
    /// bit for bit with the same uniforms.
    ///
    /// Returns the game terminal index, or `None` when the opening is not a path of the
    /// public tree or has probability zero under every type combination.
    pub fn sample_terminal_given(
        &self,
        behaviour: &[f64],
        params: &Params,
        opening: &[Action],
        u: &mut impl FnMut() -> f64,
    ) -> Option<usize> {
        let (u1, u2) = (u(), u());
        let start = self.opening_node(opening)?;
        // Likelihood of the opening's own moves for each side, per own type.
        let mut like = [[1.0f64; 2]; 2];
        let mut p = 0;
        for act in opening {
            let node = &self.public[p];
            let side = node.mover?;
            let a = node.actions.iter().position(|x| x == act)?;
            let ntypes = if side == Side::Challenger {
                self.ladder.challenger_types
            } else {
                self.ladder.target_types
            };
            for (own, l) in like[side.index()].iter_mut().enumerate().take(ntypes) {
                *l *= behaviour
                    .get(self.decision_offset[p][own].saturating_add(a))
                    .copied()
                    .unwrap_or(0.0);
            }
            p = node.children[a];
        }
        let draw_type = |ntypes: usize, prior: f64, l: [f64; 2], x: f64| -> Option<usize> {
            if ntypes != 2 {
                return (l[0] > 0.0).then_some(0);
            }
            let w0 = (1.0 - prior) * l[0];
            let w1 = prior * l[1];
            let total = w0 + w1;
            if total.is_nan() || total <= 0.0 {
                return None;
            }
            // Equal likelihoods leave the prior unchanged (exactly, for the empty opening).
            let q = if l[0] == l[1] { prior } else { w1 / total };
            Some(usize::from(x < q))
        };
        let kc = draw_type(
            self.ladder.challenger_types,
            params.get(PRIOR_CHALLENGER_RESOLUTE),
            like[0],
            u1,
        )?;
        let kt = draw_type(
            self.ladder.target_types,
            params.get(PRIOR_TARGET_RESOLUTE),
            like[1],
            u2,
        )?;
        Some(self.play_from(start, kc, kt, behaviour, u))
    }

    /// The public tree node and type combination index of a game terminal.
    pub fn public_terminal(&self, terminal: usize) -> Option<(usize, usize)> {
        self.terminals.get(terminal).map(|&(p, kc, kt)| {
            (
                p as usize,
                kc as usize * self.ladder.target_types + kt as usize,
            )
        })
    }

    /// The public history of a game terminal, action labels joined by `/` (e.g.
    /// `"Refuse/Threaten/Concede"`); `None` for an index out of range. (Not part of
    /// [`Outcome`], so that the per-run outcome allocates nothing.)
    pub fn history_label(&self, terminal: usize) -> Option<String> {
        let (node, _) = self.public_terminal(terminal)?;
        Some(self.public[node].history_label())
    }

    /// The types of a game terminal: (challenger, target), 1 = resolute when there are two.
    pub fn terminal_types(&self, terminal: usize) -> Option<(usize, usize)> {
        self.terminals
            .get(terminal)
            .map(|&(_, kc, kt)| (kc as usize, kt as usize))
    }

    /// Probability of each game terminal under `behaviour` and the true priors (sums to 1).
    pub fn terminal_probs(&self, behaviour: &[f64], params: &Params, out: &mut [f64]) {
        let probs = self.root_probs(
            params.get(PRIOR_CHALLENGER_RESOLUTE),
            params.get(PRIOR_TARGET_RESOLUTE),
        );
        let combos = self.ladder.challenger_types * self.ladder.target_types;
        for (t, &(p, kc, kt)) in self.terminals.iter().enumerate() {
            let combo = kc as usize * self.ladder.target_types + kt as usize;
            let mut pr = if combos > 1 { probs[combo] } else { 1.0 };
            let mut cur = p as usize;
            while let Some((parent, a)) = self.public[cur].parent {
                let side = self.public[parent].mover.unwrap_or(Side::Target);
                let own = if side == Side::Challenger { kc } else { kt } as usize;
                pr *= behaviour
                    .get(self.decision_offset[parent][own] + a)
                    .copied()
                    .unwrap_or(0.0);
                cur = parent;
            }
            if let Some(o) = out.get_mut(t) {
                *o = pr;
            }
        }
    }

    /// Log-likelihood of a documented (possibly partial) path of actions from the root: the
    /// log of the probability of those moves under `behaviour`, with the types marginalised
    /// over their true priors.
    ///
    /// # Errors
    /// [`ModelError::Path`] when an action is not available at its point of the path.
    pub fn path_log_likelihood(
        &self,
        behaviour: &[f64],
        params: &Params,
        path: &[Action],
    ) -> Result<f64, ModelError> {
        let probs = self.root_probs(
            params.get(PRIOR_CHALLENGER_RESOLUTE),
            params.get(PRIOR_TARGET_RESOLUTE),
        );
        let nt = self.ladder.target_types;
        let mut total = 0.0;
        for kc in 0..self.ladder.challenger_types {
            for kt in 0..nt {
                let mut pr = probs[kc * nt + kt];
                let mut p = 0;
                for (i, act) in path.iter().enumerate() {
                    let node = &self.public[p];
                    let a = node.actions.iter().position(|x| x == act).ok_or_else(|| {
                        ModelError::Path {
                            index: i,
                            message: format!(
                                "{} is not available after {:?} (available: {})",
                                act.label(),
                                node.history_label(),
                                super::ladder::labels(&node.actions)
                            ),
                        }
                    })?;
                    let side = node.mover.unwrap_or(Side::Target);
                    let own = if side == Side::Challenger { kc } else { kt };
                    pr *= behaviour
                        .get(self.decision_offset[p][own] + a)
                        .copied()
                        .unwrap_or(0.0);
                    p = node.children[a];
                }
                total += pr;
            }
        }
        Ok(total.ln())
    }

    /// What game terminal `terminal` means at `params`.
    ///
    /// # Errors
    /// [`ModelError::NoSuchTerminal`] for an index out of range.
    pub fn outcome(&self, terminal: usize, params: &Params) -> Result<Outcome, ModelError> {
        // No allocation here: the simulation calls this once per run.
        let &(p, kc, kt) = self
            .terminals
            .get(terminal)
            .ok_or(ModelError::NoSuchTerminal(terminal))?;
        let f = self.features[p as usize]
            .as_ref()
            .ok_or(ModelError::NoSuchTerminal(terminal))?;
        let l = &self.ladder;
        let sigma = params.get(ELASTICITY);
        // Undiscounted annual costs of a round state.
        let annual = |s: RoundState| -> [f64; 2] {
            let x_t = params.get(EXPORTS_TARGET);
            let x_c = params.get(EXPORTS_CHALLENGER);
            let burden = params.get(IMPORTER_BURDEN);
            let tc = if s.imposed {
                l.schedule[s.step].rate
            } else {
                0.0
            };
            let tt = if s.imposed && s.retaliated {
                params.get(COUNTER_TARIFF)
            } else {
                0.0
            };
            let (mut lc, mut lt) = (0.0, 0.0);
            for (k, lever) in l.levers.iter().enumerate() {
                if lever.enabled && (lever.from == LeverStart::Threat || s.imposed) {
                    lc += params.get(lever_cost_challenger(k));
                    lt += params.get(lever_cost_target(k));
                }
            }
            [
                x_c * loss(tt, sigma) + burden * x_t * loss(tc, sigma) + lc,
                (x_t * loss(tc, sigma) + burden * x_c * loss(tt, sigma) + lt)
                    * (1.0 - params.get(THIRD_PARTY_SUPPORT)),
            ]
        };
        let node = &self.public[p as usize];
        let mut cost = [0.0; 2];
        for r in 0..f.num_rounds {
            let s = node.rounds[r];
            let a = annual(s);
            cost[0] += a[0] * l.rounds[r] / 365.0;
            cost[1] += a[1] * l.rounds[r] / 365.0;
        }
        let mut day = l.round_start(f.num_rounds);
        let mut tail_yield = [0.0; 2];
        let class = match f.end {
            End::Accepted => OutcomeClass::Accepted,
            End::Acquiesced => OutcomeClass::Acquiesced,
            End::Conceded { face_saving: false } => OutcomeClass::Conceded,
            End::Conceded { face_saving: true } => OutcomeClass::ConcededFaceSaving,
            End::BackedDown => OutcomeClass::BackedDown,
            End::Attrition => {
                let s = node.rounds[f.num_rounds - 1];
                let a = annual(s);
                let stake_c = params.get(STAKE_CHALLENGER)
                    * if l.challenger_types == 2 && kc == 1 {
                        params.get(RESOLVE_FACTOR_CHALLENGER)
                    } else {
                        1.0
                    };
                let stake_t = params.get(STAKE_TARGET)
                    * if l.target_types == 2 && kt == 1 {
                        params.get(RESOLVE_FACTOR_TARGET)
                    } else {
                        1.0
                    };
                let lvl = f64::from(f.level.max(1) - 1);
                let g = params.get(AUDIENCE_GROWTH);
                let tl = self.tail_of(
                    f,
                    [stake_c, stake_t],
                    [
                        params.get(AUDIENCE_CHALLENGER) * (1.0 + g * lvl),
                        params.get(AUDIENCE_TARGET) * (1.0 + g * lvl),
                    ],
                    params.get(FACE_SAVING_DISCOUNT),
                    params.get(FACE_SAVING_COST),
                    a,
                    params.get(DISCOUNT_RATE) / 365.0,
                );
                let extra = tl.expected_duration().min(FROZEN_REPORT_DAYS);
                day += extra;
                cost[0] += a[0] * extra / 365.0;
                cost[1] += a[1] * extra / 365.0;
                tail_yield = [tl.challenger_concedes_prob(), tl.target_concedes_prob()];
                OutcomeClass::Attrition
            }
        };
        let duration = if f.threatened { day } else { 0.0 };
        Ok(Outcome {
            class,
            conceded: class.yielded(),
            move_index: f.move_index,
            day: duration,
            peak_tariff_announced: if f.threatened {
                l.schedule[f.step].rate
            } else {
                0.0
            },
            peak_tariff_imposed: f.peak_imposed,
            tariffs_imposed: f.peak_imposed > 0.0,
            counter_tariff_announced: f.retaliated,
            cost_challenger_bn: cost[0],
            cost_target_bn: cost[1],
            duration_days: duration,
            tail_target_concedes_prob: tail_yield[1],
            tail_challenger_concedes_prob: tail_yield[0],
        })
    }
}

fn feature(ladder: &Ladder, public: &[PublicNode], i: usize, end: End) -> TerminalFeature {
    let n = &public[i];
    let mut rounds = [0u8; MAX_HORIZON];
    for (r, s) in n.rounds.iter().enumerate().take(MAX_HORIZON) {
        rounds[r] = s.id() as u8;
    }
    // Could each side still yield at its last decision on this path? A side whose yielding
    // actions an intervention forbids there ("never concedes") is taken never to yield in
    // the tail either. A decision with one action left for another reason (a forced move,
    // or the counter-tariff already used) does not stop it.
    let mut can_yield = [true, true];
    let mut seen = [false, false];
    let mut cur = i;
    while let Some((parent, _)) = public[cur].parent {
        let pn = &public[parent];
        if let Some(side) = pn.mover {
            let k = side.index();
            if !seen[k] && pn.history.len() >= 2 {
                seen[k] = true;
                can_yield[k] = !ladder.forbids_yielding(pn);
            }
        }
        cur = parent;
    }
    TerminalFeature {
        end,
        rounds,
        num_rounds: n.rounds.len(),
        level: n.level,
        threatened: n.threatened,
        step: n.state.step,
        retaliated: n.state.retaliated,
        peak_imposed: n.peak_imposed,
        move_index: n.history.len().saturating_sub(1),
        can_yield,
    }
}

type PayoffFn<'a> = dyn Fn(usize, usize, usize) -> [f64; 2] + 'a;

/// Builds the game: a root chance node over type combinations (if any side has two types),
/// then the public tree under each combination; information sets pair a public decision
/// node with the mover's own type. Returns the game and, per combination, the game node of
/// every public node.
fn build_game(
    ladder: &Ladder,
    public: &[PublicNode],
    payoff: &PayoffFn<'_>,
    root_probs: Option<&[f64; 4]>,
) -> Result<(Game, Vec<Vec<usize>>), ModelError> {
    let nc = ladder.challenger_types;
    let nt = ladder.target_types;
    let combos = nc * nt;
    let mut b = GameBuilder::new(ladder.players.clone());
    b.title(format!(
        "Escalation ladder: {} vs {}",
        ladder.players[0], ladder.players[1]
    ));
    let root = b.root();
    let labels: Vec<String> = (0..combos)
        .map(|c| {
            format!(
                "{}:{} {}:{}",
                ladder.players[0],
                type_names(nc)[c / nt],
                ladder.players[1],
                type_names(nt)[c % nt]
            )
        })
        .collect();
    let starts: Vec<usize> = if combos > 1 {
        // Exact rationals (denominator 10^12, the last one completing the sum to 1), so that
        // a Gambit file of the game reads back with probabilities summing to exactly 1.
        const DEN: i64 = 1_000_000_000_000;
        let mut nums: Vec<i64> = (0..combos)
            .map(|c| {
                let p = root_probs.map_or(1.0 / combos as f64, |r| r[c]);
                (p.clamp(0.0, 1.0) * DEN as f64).round() as i64
            })
            .collect();
        let rest: i64 = nums[..combos - 1].iter().sum();
        nums[combos - 1] = (DEN - rest).max(0);
        let actions: Vec<(&str, Number)> = labels
            .iter()
            .zip(&nums)
            .map(|(s, &n)| {
                (
                    s.as_str(),
                    Number::ratio(n, DEN).unwrap_or(Number::Float(n as f64 / DEN as f64)),
                )
            })
            .collect();
        b.chance(root, "types", &actions)?
            .into_iter()
            .map(|n| n.0)
            .collect()
    } else {
        vec![root.0]
    };
    let mut infoset_of: Vec<[Option<InfosetId>; 2]> = vec![[None, None]; public.len()];
    let mut node_of = vec![vec![0usize; public.len()]; combos];
    for (combo, &start) in starts.iter().enumerate() {
        let kc = combo / nt;
        let kt = combo % nt;
        node_of[combo][0] = start;
        for (i, pn) in public.iter().enumerate() {
            let g = crate::game::NodeId(node_of[combo][i]);
            match pn.mover {
                Some(side) => {
                    let (own, ntypes) = if side == Side::Challenger {
                        (kc, nc)
                    } else {
                        (kt, nt)
                    };
                    let iset = match infoset_of[i][own] {
                        Some(s) => s,
                        None => {
                            let hist = pn.history_label();
                            let label = format!(
                                "{}[{}] @ {}",
                                ladder.players[side.index()],
                                type_names(ntypes)[own],
                                if hist.is_empty() { "start" } else { &hist }
                            );
                            let acts: Vec<&str> = pn.actions.iter().map(|a| a.label()).collect();
                            let s = b.new_infoset(side.index(), &label, &acts)?;
                            infoset_of[i][own] = Some(s);
                            s
                        }
                    };
                    let kids = b.attach(g, iset)?;
                    for (&pc, k) in pn.children.iter().zip(kids) {
                        node_of[combo][pc] = k.0;
                    }
                }
                None => {
                    let pay = payoff(i, kc, kt);
                    // Gambit wants node labels unique: the history, and the types if any.
                    let label = if combos > 1 {
                        format!("{} [{}]", pn.history_label(), labels[combo])
                    } else {
                        pn.history_label()
                    };
                    b.label_node(g, label)?;
                    b.set_payoffs(g, &pay);
                }
            }
        }
    }
    Ok((b.build()?, node_of))
}
