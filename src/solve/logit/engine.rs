//! How a logit QRE solve proceeds, and what it falls back to: the one place that decides.
//!
//! Three kinds of solve, each on the principal branch (through the uniform profile at
//! λ = 0):
//!
//! - **Perfect information**: one backward sweep, exact (the QRE is unique). A game in rows
//!   with one type per side (a single lane) is of perfect information too, and is solved so
//!   on its rows ([`RowGame::sweep_perfect`]): one pass, where the continuation took five to
//!   seven.
//! - **As pygambit** ([`super::logit_solve_lambda`]): Gambit's tracer ([`super::pc`]), so that
//!   where the branch bifurcates the QRE is the one Gambit returns; its point is settled by
//!   Newton's method at the requested λ. Where Gambit's tracer stalls, the robust arc-length
//!   tracer ([`super::path`]) from λ = 0, again settled by Newton's method.
//! - **Fast** (Monte Carlo draws: [`CompiledGame::solve`], and games in rows of type
//!   combinations such as the escalation ladder): the Newton continuation
//!   ([`super::continuation`]), with the rows' linear-time Newton solve where the game is in
//!   rows ([`super::rows`]) and dense LU otherwise. Where it stalls (a fold of the branch, a
//!   singular Jacobian), the solve starts again as pygambit's, on the same game; a game in
//!   rows first follows the branch by arc length on its rows
//!   ([`super::continuation::trace_arc`]), whose cost is the branch's length: where nearly
//!   independent parts of the game fold in turn, the branch passes their folds many times
//!   (tens in some draws of the case library, each fold some 40 to 200 passes).
//!
//! The limit λ → ∞ ([`super::logit_solve`]) follows the robust tracer until the regret
//! criterion is met. Every tolerance and bound on work is in [`super::tolerances`]; a solve
//! that fails returns [`SolveError::PathFailed`] with the λ reached, never loops.
//!
//! # Scale
//! The QRE at (λ, u) is the QRE at (λ s, u / s). The fast solve of a general game runs on
//! payoffs divided by the power of two nearest their range (exact in floating point), where
//! its steps and tolerances are set; where tracing as pygambit fails, the robust tracer is
//! tried again so. The rows' equations are in utilities and measure corrections in units of
//! λ times utility, so they are scale-free as written. Beliefs come from log reach
//! probabilities, so they stay defined where reach underflows (λ times the payoff range
//! beyond about 700). What stays out of reach: with λ times the payoff range near 1e14 and
//! beyond, some bundled games' traces stop short (an error, in bounded time), and the ladder's
//! Newton steps can fail to settle from λ times the range near 1e6 on some draws (an error
//! naming the draw, see `ModelError::Unsolved`).

use super::compiled::{payoff_range, CompiledGame, Sweep};
use super::continuation::{newton_from, trace, trace_arc, Buffers, Work};
use super::equations::Equations;
use super::general::{profile_of, GameEquations, GeneralBuffers};
use super::path::{Goal, Robust};
use super::pc::{End, Tracer};
use super::rows::{RowEquations, RowGame, RowSolver};
use super::system::Formulation;
use super::tolerances::{DENSE_FALLBACK_MAX, LIMIT_MAX_REGRET, STALL_LAMBDA};
use crate::solve::SolveError;

/// Scratch space for [`CompiledGame::solve`], sized once by [`CompiledGame::workspace`].
#[derive(Clone, Debug)]
pub struct LogitWorkspace {
    pub(crate) sweep: Sweep,
    /// The equations' buffers (for the formulation of the last solve), on first use.
    general: Option<Box<GeneralBuffers>>,
    cont: Buffers,
    gambit: Option<Box<Tracer>>,
    robust: Option<Box<Robust>>,
    /// The payoffs divided by their scale (see [`scale_of`]).
    scaled: Vec<f64>,
}

impl LogitWorkspace {
    /// The buffers of the equations in `formulation`.
    fn general(&mut self, game: &CompiledGame, formulation: Formulation) -> Box<GeneralBuffers> {
        match self.general.take() {
            Some(b) if b.formulation() == formulation => b,
            _ => Box::new(GeneralBuffers::new(game, formulation)),
        }
    }
}

impl CompiledGame {
    /// A workspace sized for this game.
    pub fn workspace(&self) -> LogitWorkspace {
        LogitWorkspace {
            sweep: self.sweep(),
            general: None,
            cont: Buffers::new(self.profile_len),
            gambit: None,
            robust: None,
            scaled: vec![0.0; self.terminals.len() * self.num_players],
        }
    }

    /// How many `exp` evaluations the last [`CompiledGame::solve`] with `ws` used.
    pub fn exp_count(&self, ws: &LogitWorkspace) -> u64 {
        ws.sweep.exp_count
    }

    /// The logit agent QRE at precision `lambda` for these terminal payoffs (row-major:
    /// terminal `t`, player `p` at `t * num_players + p`; the game's own outcomes are
    /// ignored), as a flat behaviour profile in Gambit's order.
    ///
    /// Perfect information: one exact backward sweep. With information sets: the Newton
    /// continuation from λ = 0 (see the `engine` module), falling back to path following as
    /// [`super::logit_solve_lambda`] does where it stalls. Every call starts from λ = 0, so
    /// the result does not depend on what the workspace held.
    ///
    /// Nothing is allocated, except once per workspace: the buffers of the equations and of
    /// the tracers, the first time they are needed.
    ///
    /// # Errors
    /// [`SolveError::PayoffLength`], [`SolveError::NonFinitePayoff`], [`SolveError::BadLambda`],
    /// or [`SolveError::PathFailed`] when even path following fails.
    pub fn solve<'w>(
        &self,
        ws: &'w mut LogitWorkspace,
        terminal_payoffs: &[f64],
        lambda: f64,
    ) -> Result<&'w [f64], SolveError> {
        check(self, terminal_payoffs, lambda)?;
        ws.sweep.exp_count = 0;
        solve_fast(self, ws, terminal_payoffs, lambda)?;
        Ok(&ws.sweep.behav[..self.profile_len])
    }
}

/// The checks every solve makes on its input.
pub(crate) fn check(game: &CompiledGame, pay: &[f64], lambda: f64) -> Result<(), SolveError> {
    let expected = game.terminals.len() * game.num_players;
    if pay.len() != expected {
        return Err(SolveError::PayoffLength {
            expected,
            got: pay.len(),
        });
    }
    if let Some((index, &value)) = pay.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        return Err(SolveError::NonFinitePayoff { index, value });
    }
    if !(lambda.is_finite() && lambda >= 0.0) {
        return Err(SolveError::BadLambda(lambda));
    }
    Ok(())
}

/// The fast solve of a general game: continuation, else as pygambit.
fn solve_fast(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    lambda: f64,
) -> Result<(), SolveError> {
    if game.profile_len == 0 || lambda == 0.0 {
        game.set_uniform(&mut ws.sweep);
        return Ok(());
    }
    if game.perfect_information {
        game.backward_logit(&mut ws.sweep, pay, lambda);
        return Ok(());
    }
    // The QRE at (λ, u) is the QRE at (λ s, u / s): the continuation runs on payoffs of
    // range about 1, where its steps and tolerances are set.
    let scale = scale_of(pay);
    for (v, &u) in ws.scaled.iter_mut().zip(pay) {
        *v = u / scale;
    }
    let mut buffers = ws.general(game, Formulation::Agent);
    let mut eq = GameEquations::new(game, &ws.scaled, &mut buffers);
    let mut work = Work::default();
    let done = trace(&mut eq, &mut ws.cont, lambda * scale, &mut work).is_ok();
    if done {
        eq.profile(&ws.cont.x, &mut ws.sweep.behav);
    }
    ws.general = Some(buffers);
    if done {
        Ok(())
    } else {
        solve_as_gambit(game, ws, pay, lambda, Formulation::Agent)
    }
}

/// The QRE at `lambda` as pygambit finds it (see the module documentation); the profile is
/// left in `ws.sweep.behav`.
pub(crate) fn solve_as_gambit(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    lambda: f64,
    formulation: Formulation,
) -> Result<(), SolveError> {
    let m = game.profile_len;
    if m == 0 || lambda == 0.0 {
        game.set_uniform(&mut ws.sweep);
        return Ok(());
    }
    if game.perfect_information && formulation == Formulation::Agent {
        game.backward_logit(&mut ws.sweep, pay, lambda);
        return Ok(());
    }
    let mut buffers = ws.general(game, formulation);
    let mut eq = GameEquations::new(game, pay, &mut buffers);
    let mut work = Work::default();
    let mut tracer = ws.gambit.take().unwrap_or_else(|| Box::new(Tracer::new(m)));
    let mut settled = false;
    if tracer.trace(&mut eq, lambda) == End::Reached {
        let start = &tracer.point()[..m];
        settled = newton_from(&mut eq, &mut ws.cont, start, lambda, &mut work).is_ok();
    }
    ws.gambit = Some(tracer);
    let mut result = Ok(());
    if !settled {
        let mut robust = ws.robust.take().unwrap_or_else(|| Box::new(Robust::new(m)));
        result = robust_solve(&mut eq, &mut robust, &mut ws.cont, lambda, &mut work);
        let scale = scale_of(pay);
        if result.is_err() && scale != 1.0 {
            // The robust tracer's steps are in units of λ: on payoffs of range about 1
            // (the same QRE at λ times the scale) they fit the branch.
            for (v, &u) in ws.scaled.iter_mut().zip(pay) {
                *v = u / scale;
            }
            let mut eq = GameEquations::new(game, &ws.scaled, eq.b);
            result = robust_solve(
                &mut eq,
                &mut robust,
                &mut ws.cont,
                lambda * scale,
                &mut work,
            );
            if result.is_ok() {
                eq.profile(&ws.cont.x, &mut ws.sweep.behav);
            }
            ws.robust = Some(robust);
            ws.general = Some(buffers);
            return result.map_err(|e| unscaled(e, scale));
        }
        ws.robust = Some(robust);
    }
    if result.is_ok() {
        eq.profile(&ws.cont.x, &mut ws.sweep.behav);
        ws.sweep.exp_count += m as u64;
    }
    ws.general = Some(buffers);
    result
}

/// The robust tracer from λ = 0 to `lambda`, its point settled by Newton's method into
/// `cont.x`.
fn robust_solve(
    eq: &mut GameEquations,
    robust: &mut Robust,
    cont: &mut Buffers,
    lambda: f64,
    work: &mut Work,
) -> Result<(), SolveError> {
    let m = eq.len();
    match robust.trace(eq, Goal::Lambda(lambda)) {
        Ok(()) => newton_from(eq, cont, &robust.point()[..m], lambda, work).map_err(|s| {
            SolveError::PathFailed {
                lambda: s.lambda,
                reason: s.reason,
            }
        }),
        Err(f) => Err(SolveError::PathFailed {
            lambda: f.lambda,
            reason: f.reason,
        }),
    }
}

/// The power of two nearest the payoffs' range: dividing payoffs by it and multiplying λ
/// by it is exact in floating point, and gives the same QRE.
fn scale_of(pay: &[f64]) -> f64 {
    let e = payoff_range(pay).log2().round().clamp(-1000.0, 1000.0);
    2f64.powi(e as i32)
}

/// A failure on payoffs divided by `scale`, in the caller's units of λ.
fn unscaled(e: SolveError, scale: f64) -> SolveError {
    match e {
        SolveError::PathFailed { lambda, reason } => SolveError::PathFailed {
            lambda: lambda / scale,
            reason,
        },
        other => other,
    }
}

/// The limit of the principal branch as λ → ∞ (see [`super::logit_solve`]); the profile is
/// left in `ws.sweep.behav`, and the λ where tracing stopped returned.
pub(crate) fn solve_limit(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
) -> Result<f64, SolveError> {
    let tol = LIMIT_MAX_REGRET * payoff_range(pay);
    if game.perfect_information {
        let mut lambda = 1.0;
        loop {
            game.backward_logit(&mut ws.sweep, pay, lambda);
            game.evaluate(&mut ws.sweep, pay);
            if game.agent_max_regret(&ws.sweep, false) < tol || lambda >= 1e15 {
                return Ok(lambda);
            }
            lambda *= 2.0;
        }
    }
    let m = game.profile_len;
    let mut buffers = ws.general(game, Formulation::Agent);
    let mut eq = GameEquations::new(game, pay, &mut buffers);
    let mut robust = ws.robust.take().unwrap_or_else(|| Box::new(Robust::new(m)));
    // Reached when the largest regret weighted by the probability of reaching the set is
    // below the bound (see `logit_solve`).
    let mut sweep = game.sweep();
    let order = eq.order().to_vec();
    let mut reached = |x: &[f64], _lambda: f64| {
        profile_of(game, &order, x, &mut sweep.behav);
        game.evaluate(&mut sweep, pay);
        game.agent_max_regret(&sweep, true) < tol
    };
    let result = robust.trace(&mut eq, Goal::Reached(&mut reached));
    let range = payoff_range(pay);
    let lambda = robust.point()[m];
    let outcome = match result {
        Ok(()) => Ok(lambda),
        // Far out on the branch (λ times the payoff range above STALL_LAMBDA) the tracer can
        // stall as probabilities underflow; the limit is then the last point reached.
        Err(f) if f.lambda * range > STALL_LAMBDA => Ok(f.lambda),
        Err(f) => Err(SolveError::PathFailed {
            lambda: f.lambda,
            reason: f.reason,
        }),
    };
    if outcome.is_ok() {
        eq.profile(&robust.point()[..m], &mut ws.sweep.behav);
    }
    ws.robust = Some(robust);
    ws.general = Some(buffers);
    outcome
}

impl RowGame {
    /// The logit QRE on the principal branch at `lambda` for these root chance
    /// probabilities (one per lane) and payoffs (`payoffs[t * 2 + p]`), flat in Gambit's
    /// order: the fast solve (see the module documentation), always from λ = 0.
    ///
    /// (Newton's method from the solution of the same game with other root probabilities,
    /// which took two passes where the continuation takes about six, is not a shortcut: it
    /// can settle on a QRE of another branch even when every step is short, because the
    /// path between the two games can pass a fold that neither game's branch passes. It
    /// did in 47 of 14,000 draws of the case library with random beliefs;
    /// `tests/model_views_principal.rs`.)
    ///
    /// # Errors
    /// [`SolveError::PathFailed`] when the continuation and then path following fail.
    pub(crate) fn solve_qre<'s>(
        &self,
        s: &'s mut RowSolver,
        root_probs: &[f64],
        payoffs: &[f64],
        lambda: f64,
    ) -> Result<&'s [f64], SolveError> {
        self.set_game(&mut s.ws, root_probs, payoffs);
        if self.lanes() == 1 {
            // One type per side: perfect information, one exact sweep.
            // (The sweep leaves the responses to its utilities in the workspace: the profile
            // is read from them, as `finish` would recompute them.)
            self.sweep_perfect(s, lambda);
            self.profile(&s.ws, &mut s.profile);
            if s.profile.iter().all(|p| p.is_finite()) {
                return Ok(&s.profile);
            }
            return Err(SolveError::PathFailed {
                lambda,
                reason: "the equations are not finite",
            });
        }
        let mut eq = RowEquations::new(self, &mut s.ws);
        if trace(&mut eq, &mut s.buf, lambda, &mut s.work).is_ok() {
            self.finish(s, lambda);
            return Ok(&s.profile);
        }
        // The continuation stalled, at a fold of the branch most often: arc length on the
        // rows follows it at the cost of a few more Newton steps. Where that fails too (a
        // bifurcation), a game small enough for dense steps is solved as a general one,
        // Gambit's way; `gambit_first` asks for that order.
        s.fallbacks += 1;
        let len = self.general().profile_len;
        if len > s.gambit_first {
            match trace_arc(&mut eq, &mut s.buf, lambda, &mut s.work) {
                Ok(()) => {
                    self.finish(s, lambda);
                    return Ok(&s.profile);
                }
                Err(e) if len > DENSE_FALLBACK_MAX => {
                    return Err(SolveError::PathFailed {
                        lambda: e.lambda,
                        reason: e.reason,
                    })
                }
                Err(_) => {}
            }
        }
        let game = self
            .general()
            .with_chance_probs(&root_probs[..self.lanes()]);
        let mut ws = game.workspace();
        solve_as_gambit(&game, &mut ws, payoffs, lambda, Formulation::Agent)?;
        s.profile
            .copy_from_slice(&ws.sweep.behav[..game.profile_len]);
        Ok(&s.profile)
    }
}
