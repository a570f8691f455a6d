//! The ladder compiled once into a game and flat per-terminal features, so that a Monte Carlo
//! draw computes only payoffs and one QRE solve.

use super::attrition::{tail_process, Tail};
use super::ladder::{
    Action, End, Ladder, LeverStart, PublicNode, RoundState, Side, Stage, MAX_COUNTER_STEPS,
    MAX_HORIZON, MAX_STEPS, NUM_ROUND_STATES,
};
use super::outcome::{Outcome, OutcomeClass, OutcomeProbs};
use super::params::{Param, Params, Slot};
use super::ModelError;
use crate::game::{Game, GameBuilder, InfosetId, Number};
use crate::solve::logit::rows::{RowGame, RowSolver};

mod build;
mod course;
mod payoffs;
mod play;
mod predict;

pub use course::{Deviation, TailRace};
pub use payoffs::Timing;
pub use play::PathTiming;
pub use predict::{DurationLaw, Prediction};

use build::{build_game, feature};

/// Reported length of a frozen tail (no side ever concedes), in days: outcomes cap it here so
/// that costs and durations stay finite in summaries.
pub const FROZEN_REPORT_DAYS: f64 = 365.0;

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
    /// Counter-tariff steps announced.
    counter: usize,
    peak_imposed: f64,
    move_index: usize,
    /// Whether each side still had a way to yield at its last decision (for the tail).
    can_yield: [bool; 2],
    /// The public decision whose move ends the play, when it is a move after the threat
    /// (a concession, a back-down, a settlement), with the round it is taken in and the
    /// state of tariffs in force while it is taken.
    end_move: Option<EndMove>,
}

/// The move that ends a play after the threat.
#[derive(Clone, Copy, Debug)]
struct EndMove {
    /// The public decision node.
    decision: usize,
    /// The side that moves there.
    mover: Side,
    /// The round it is taken in.
    round: usize,
    /// The state in force while it is taken.
    state: RoundState,
}

/// A compiled ladder: the game, its solver and per-terminal features. Build once per
/// scenario (and intervention); per draw call [`CompiledLadder::payoffs_into`] and
/// [`CompiledLadder::behaviour`].
#[derive(Clone, Debug)]
pub struct CompiledLadder {
    ladder: Ladder,
    public: Vec<PublicNode>,
    game: Game,
    qre: RowGame,
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
    /// The solver of both views (the challenger's part is copied out before the target's
    /// view is solved).
    qre: RowSolver,
    behaviour: Vec<f64>,
}

impl LadderWorkspace {
    /// The terminal payoffs of the last [`CompiledLadder::behaviour`] call.
    pub fn payoffs(&self) -> &[f64] {
        &self.payoffs
    }

    /// The behaviour profile of the last [`CompiledLadder::behaviour`] call (as changed
    /// since by [`Deviation::apply_to`]).
    pub fn behaviour(&self) -> &[f64] {
        &self.behaviour
    }

    /// The behaviour profile, to change at play ([`Deviation::apply_to`]).
    pub fn behaviour_mut(&mut self) -> &mut [f64] {
        &mut self.behaviour
    }

    /// Sets the largest game (number of actions) whose logit QRE solves on this workspace,
    /// where their Newton continuation stalls (at a fold of the branch), go first to
    /// Gambit's path tracer on the game as a general one (dense Jacobian) rather than to arc
    /// length on the ladder's rows. The default, 0, takes arc length first for every game:
    /// it follows the same branch (`tests/solve_arc.rs`: agreement to 1e-13) in a fraction
    /// of the time, and Gambit's tracer remains the fallback, for games of up to 150
    /// actions, where arc length fails. `usize::MAX` gives the order of Gambit's tracer
    /// first, for comparisons.
    ///
    /// # Examples
    /// ```
    /// use escalation::scenario::{At, Scenario};
    /// let s = Scenario::from_path("scenarios/colombia_2025.toml")?;
    /// let c = s.compile()?;
    /// let mut ws = c.workspace();
    /// ws.set_gambit_first_limit(usize::MAX);
    /// let b = c.behaviour(&mut ws, &s.point(At::Median))?;
    /// assert!(b.iter().all(|p| (0.0..=1.0).contains(p)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_gambit_first_limit(&mut self, actions: usize) {
        self.qre.gambit_first = actions;
    }

    /// Work done so far by the [`CompiledLadder::behaviour`] calls on this workspace: the
    /// number of `exp` evaluations of the logit QRE solves, and the number of solves that fell
    /// back to the path-following solver (whose `exp`s are not counted). For benchmarks.
    pub fn solver_work(&self) -> SolverWork {
        let q = &self.qre;
        SolverWork {
            exps: q.exps(),
            fallbacks: q.fallbacks,
            evaluations: q.work.evaluations,
            solves: q.work.solves,
            steps: q.work.steps,
            folds: q.work.folds,
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
    /// Evaluations of the equations (passes over the game).
    pub evaluations: u64,
    /// Newton solves.
    pub solves: u64,
    /// Continuation steps (accepted and rejected), arc-length steps included.
    pub steps: u64,
    /// Folds of the branch passed by the arc-length tracer after a stalled continuation
    /// (points where λ turns back along the branch).
    pub folds: u64,
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
        let qre = RowGame::new(
            &game,
            &node_of,
            [ladder.challenger_types, ladder.target_types],
        )
        .map_err(|e| ModelError::Solve(e.to_string()))?;
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

    /// The logit precision on payoffs in $bn: `lambda` divided by the payoff unit
    /// ([`Ladder::payoff_unit`]; `lambda` itself without one, or where the unit is not
    /// positive).
    pub fn effective_lambda(&self, params: &Params) -> f64 {
        let lambda = params.get(Param::Lambda);
        match self.ladder.payoff_unit.map(|i| params.get(i)) {
            Some(unit) if unit > 0.0 => lambda / unit,
            _ => lambda,
        }
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
            qre: self.qre.solver(),
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
            params.get(Param::PriorChallengerResolute),
            params.get(Param::PriorTargetResolute),
        );
        self.game_with_probs(params, &probs)
    }

    fn check(&self, params: &Params) -> Result<(), ModelError> {
        if params.num_levers() != self.ladder.levers.len() {
            return Err(ModelError::ParamCount {
                got: params.len(),
                expected: Param::COUNT + 2 * self.ladder.levers.len(),
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

    /// The QRE behaviour profile at `params` (its `lambda`), flat in Gambit order. Without
    /// misperception one solve; with it, two: the challenger's strategy from the game whose
    /// type prior is its belief (target prior = `belief_challenger_about_target`), the
    /// target's from its own (challenger prior = `belief_target_about_challenger`); each side
    /// takes its own view as common knowledge.
    ///
    /// # Errors
    /// [`ModelError::Params`] for parameters out of range, [`ModelError::Unsolved`] (naming
    /// every parameter) if the solver fails.
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
        let lambda = self.effective_lambda(params);
        let pc = params.get(Param::PriorChallengerResolute);
        let pt = params.get(Param::PriorTargetResolute);
        let qc = params.get(Param::BeliefChallengerAboutTarget);
        let qt = params.get(Param::BeliefTargetAboutChallenger);
        let view_c = self.root_probs(pc, qc);
        let view_t = self.root_probs(qt, pt);
        let cl = self.challenger_len;
        let n = behaviour.len();
        let failed = |source| ModelError::Unsolved {
            source,
            params: params.describe(),
        };
        let solved = self
            .qre
            .solve_qre(qre, &view_c, payoffs, lambda)
            .map_err(failed)?;
        behaviour[..cl].copy_from_slice(&solved[..cl]);
        if view_c == view_t {
            let solved = qre.profile();
            behaviour[cl..].copy_from_slice(&solved[cl..n]);
        } else {
            // The target's view from λ = 0 too: its principal branch is not found by starting
            // from the challenger's solution (see `RowGame::solve_qre`).
            let solved = self
                .qre
                .solve_qre(qre, &view_t, payoffs, lambda)
                .map_err(failed)?;
            behaviour[cl..].copy_from_slice(&solved[cl..n]);
        }
        Ok(behaviour)
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

    /// The mover's probabilities of the actions at public decision node `node`
    /// ([`CompiledLadder::public_tree`], in the order of its `actions`) when its own type is
    /// `own` (0: irresolute, or the only type; 1: resolute), read from a behaviour profile of
    /// this ladder (e.g. [`CompiledLadder::behaviour`]'s); `None` for a terminal, a node or
    /// type out of range, or a profile too short.
    ///
    /// # Examples
    /// ```
    /// use escalation::scenario::{At, Scenario};
    /// let s = Scenario::from_path("scenarios/colombia_2025.toml")?;
    /// let c = s.compile()?;
    /// let mut ws = c.workspace();
    /// let b = c.behaviour(&mut ws, &s.point(At::Median))?;
    /// // The target's first move, Accept or Refuse, for each of its types.
    /// for own in 0..2 {
    ///     let p = c.action_probs(b, 0, own).expect("a decision");
    ///     assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn action_probs<'b>(
        &self,
        behaviour: &'b [f64],
        node: usize,
        own: usize,
    ) -> Option<&'b [f64]> {
        let n = self.public.get(node)?;
        let off = *self.decision_offset.get(node)?.get(own)?;
        behaviour.get(off..off.checked_add(n.actions.len())?)
    }

    /// The types of a game terminal: (challenger, target), 1 = resolute when there are two.
    pub fn terminal_types(&self, terminal: usize) -> Option<(usize, usize)> {
        self.terminals
            .get(terminal)
            .map(|&(_, kc, kt)| (kc as usize, kt as usize))
    }
}
