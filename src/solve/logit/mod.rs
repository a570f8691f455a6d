//! The logit agent quantal response equilibrium (McKelvey & Palfrey 1998, "Quantal response
//! equilibria for extensive form games", Experimental Economics 1).
//!
//! At every strategic information set the mover plays action `a` with probability
//! proportional to `exp(λ v(a))`, where `v(a)` is the mover's expected payoff from `a`
//! conditional on reaching the set (beliefs over its nodes by Bayes' rule). λ = 0 is uniform
//! play; λ → ∞ approaches a Nash equilibrium (sequential in perfect-information games).
//!
//! - [`logit_solve_lambda`]: the QRE at one λ on the principal branch (the branch through the
//!   uniform profile at λ = 0), with the semantics of pygambit's `qre.logit_solve_lambda`.
//!   Perfect information: exact backward induction (one sweep; the QRE is unique). Otherwise:
//!   path following from λ = 0 with Gambit's predictor–corrector steps, so that where the
//!   branch bifurcates the trace leaves along Gambit's branch; where Gambit's tracer stalls, a
//!   robust tracer takes over. [`logit_solve_lambda_strategic`] does the same with Gambit's
//!   strategic-form equations, as pygambit does for `.nfg` games.
//! - [`logit_solve`]: the limit λ → ∞ (pygambit's `nash.logit_solve`).
//! - [`CompiledGame`]: the allocation-free solver for Monte Carlo loops (Newton continuation).
//!
//! # One engine
//! The solvers are cut the way Gambit's path tracer is: tracers that know only a system of
//! equations and its Jacobian (`equations.rs`: the Newton continuation `continuation.rs`,
//! Gambit's tracer `pc.rs`, the robust arc-length tracer `path.rs`); the logit equations of a
//! game supplied to them, for a general game (`system.rs`, `general.rs`: log-probabilities,
//! dense Jacobian) or for a game in rows of type combinations such as the escalation ladder
//! (`rows.rs`: utilities, a Newton solve linear in the tree); and one place that decides how
//! a solve proceeds and what it falls back to (`engine.rs`), with one set of tolerances
//! (`tolerances.rs`).

mod compiled;
mod continuation;
mod engine;
mod equations;
mod general;
mod path;
mod pc;
pub(crate) mod rows;
mod system;
mod tolerances;

pub use compiled::CompiledGame;
pub use engine::LogitWorkspace;

use super::{Equilibrium, SolveError};
use crate::game::nfg::NormalForm;
use crate::game::{BehaviorProfile, Game};
use system::Formulation;

/// The limit is reached when the largest conditional regret at any information set is below
/// this times the payoff range (pygambit's default `maxregret`).
pub const LIMIT_MAX_REGRET: f64 = tolerances::LIMIT_MAX_REGRET;

/// The logit agent QRE at precision `lambda` on the principal branch.
///
/// # Errors
/// [`SolveError::BadLambda`] for a negative or non-finite λ; [`SolveError::PathFailed`] when
/// the continuation fails (step size underflow or a singular Jacobian).
///
/// # Examples
/// ```
/// use escalation::game::GameBuilder;
/// use escalation::solve::logit::logit_solve_lambda;
///
/// // Matching pennies: the QRE is uniform at every λ.
/// let mut b = GameBuilder::new(["P1", "P2"]);
/// let root = b.root();
/// let h = b.decision(root, 0, "p1", &["H", "T"])?;
/// let i2 = b.new_infoset(1, "p2", &["h", "t"])?;
/// for (k, &n) in h.iter().enumerate() {
///     for (j, &leaf) in b.attach(n, i2)?.iter().enumerate() {
///         let u = if k == j { 1.0 } else { -1.0 };
///         b.set_payoffs(leaf, &[u, -u]);
///     }
/// }
/// let game = b.build()?;
/// let qre = logit_solve_lambda(&game, 3.0)?;
/// for p in qre.profile.flat() {
///     assert!((p - 0.5).abs() < 1e-12);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn logit_solve_lambda(game: &Game, lambda: f64) -> Result<Equilibrium, SolveError> {
    if !(lambda.is_finite() && lambda >= 0.0) {
        return Err(SolveError::BadLambda(lambda));
    }
    let compiled = CompiledGame::new(game);
    let mut ws = compiled.workspace();
    let pay = compiled.game_payoffs(game);
    engine::check(&compiled, &pay, lambda)?;
    engine::solve_as_gambit(&compiled, &mut ws, &pay, lambda, Formulation::Agent)?;
    Ok(equilibrium(game, &compiled, &ws, Some(lambda)))
}

/// The logit QRE of a strategic-form game at precision `lambda` on the principal branch,
/// traced with the strategic-form equations (each strategy's value multilinear in the
/// others' probabilities, as Gambit's `nfglogit`): what pygambit's `qre.logit_solve_lambda`
/// computes for a game read from `.nfg`. The QRE are those of [`logit_solve_lambda`] on
/// [`NormalForm::to_game`], but the two traces can leave a bifurcation below `lambda` on
/// different branches, since the tracer's corrections depend on the equations off the
/// solution set (on the `.nfg` games bundled with pygambit they agree). The profile holds
/// the players' mixed strategies in Gambit's order.
///
/// # Errors
/// As [`logit_solve_lambda`].
///
/// # Examples
/// ```
/// use escalation::game::nfg;
/// use escalation::solve::logit::logit_solve_lambda_strategic;
///
/// // Matching pennies: the QRE is uniform at every λ.
/// let nf = nfg::parse(r#"NFG 1 R "Matching pennies" { "1" "2" } { 2 2 }
///     1 -1 -1 1 -1 1 1 -1"#)?;
/// let qre = logit_solve_lambda_strategic(&nf, 3.0)?;
/// for p in qre.profile.flat() {
///     assert!((p - 0.5).abs() < 1e-12);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn logit_solve_lambda_strategic(
    nf: &NormalForm,
    lambda: f64,
) -> Result<Equilibrium, SolveError> {
    if !(lambda.is_finite() && lambda >= 0.0) {
        return Err(SolveError::BadLambda(lambda));
    }
    let game = nf.to_game();
    let compiled = CompiledGame::new(&game);
    let mut ws = compiled.workspace();
    let pay = compiled.game_payoffs(&game);
    engine::check(&compiled, &pay, lambda)?;
    let formulation = if game.is_perfect_information() {
        Formulation::Agent
    } else {
        Formulation::Strategic
    };
    engine::solve_as_gambit(&compiled, &mut ws, &pay, lambda, formulation)?;
    Ok(equilibrium(&game, &compiled, &ws, Some(lambda)))
}

/// The logit agent QRE at each of several precisions (each on the principal branch).
///
/// # Errors
/// As [`logit_solve_lambda`], for the first λ that fails.
pub fn logit_solve_lambdas(game: &Game, lambdas: &[f64]) -> Result<Vec<Equilibrium>, SolveError> {
    lambdas
        .iter()
        .map(|&l| logit_solve_lambda(game, l))
        .collect()
}

/// The limit of the principal branch as λ → ∞. Perfect-information games are solved exactly
/// at λ = 1, 2, 4, … until the largest regret at any information set, conditional on reaching
/// it, is below [`LIMIT_MAX_REGRET`] times the payoff range (Gambit's stop criterion). Other
/// games are traced until the largest regret weighted by the probability of reaching the set
/// (the gain of the best one-set deviation) is below that bound: Gambit's conditional
/// criterion can stall at sets whose reach probability vanishes without underflowing. If the
/// continuation stalls once λ × payoff range exceeds 1000 (probabilities underflowing), the
/// last point reached is returned. The returned [`Equilibrium::lambda`] is the λ where tracing stopped.
///
/// # Errors
/// [`SolveError::PathFailed`] when the continuation fails.
///
/// # Examples
/// ```
/// use escalation::game::GameBuilder;
/// use escalation::solve::logit::logit_solve;
///
/// let mut b = GameBuilder::new(["Entrant", "Incumbent"]);
/// let root = b.root();
/// let entry = b.decision(root, 0, "entry", &["Out", "In"])?;
/// b.set_payoffs(entry[0], &[0.0, 2.0]);
/// let resp = b.decision(entry[1], 1, "response", &["Fight", "Accommodate"])?;
/// b.set_payoffs(resp[0], &[-1.0, -1.0]);
/// b.set_payoffs(resp[1], &[1.0, 1.0]);
/// let game = b.build()?;
/// let eq = logit_solve(&game)?;
/// assert!((eq.profile.flat()[1] - 1.0).abs() < 1e-6); // In
/// assert!((eq.profile.flat()[3] - 1.0).abs() < 1e-6); // Accommodate
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn logit_solve(game: &Game) -> Result<Equilibrium, SolveError> {
    let compiled = CompiledGame::new(game);
    let mut ws = compiled.workspace();
    let pay = compiled.game_payoffs(game);
    engine::check(&compiled, &pay, 0.0)?;
    let lambda = engine::solve_limit(&compiled, &mut ws, &pay)?;
    Ok(equilibrium(game, &compiled, &ws, Some(lambda)))
}

fn equilibrium(
    game: &Game,
    compiled: &CompiledGame,
    ws: &LogitWorkspace,
    lambda: Option<f64>,
) -> Equilibrium {
    let flat = ws.sweep.behav[..compiled.profile_len()].to_vec();
    let profile =
        BehaviorProfile::from_flat(game, flat).unwrap_or_else(|| BehaviorProfile::uniform(game));
    Equilibrium::new(game, profile, lambda)
}
