//! Path following of the logit QRE correspondence from λ = 0: the principal branch.
//!
//! The equations are Gambit's (see [`super::system`]): log-probabilities of all strategic
//! actions and λ are the unknowns; per information set, probabilities sum to one and
//! log-probability ratios equal λ times value differences. pygambit's
//! `qre.logit_solve_lambda` traces them with Gambit's `PathTracer`, and where the branch
//! bifurcates (games with a symmetry: `shapley1974-fig3`, `shohamleytonbrown2008-fig5_10`,
//! `nau2004-sec3`) the QRE it returns depends on how that tracer steps past the
//! bifurcation. So [`trace_to_with`] first runs [`super::pc::Tracer`], which takes
//! Gambit's steps (Euler predictor along the QR tangent, Moore–Penrose chord corrector with
//! tolerance 1e-4, steplength ratio at most 1.1, a 1e-7 perturbation of Gambit's first
//! equation where the orientation flips, the secant method on λ − target at the end): on
//! every bundled game but the two with absent-mindedness it ends where pygambit's ends (to
//! 1e-10 in λ, stalls included; tested in `pc.rs`), so it leaves every bifurcation along
//! Gambit's branch. Its point is then refined
//! by Newton's method at the exact target λ with the analytic Jacobian.
//!
//! How a bifurcation is left is decided by the tracer's numerics. At a pitchfork (games with
//! a symmetry) a step crosses the bifurcation point, the orientation flips, and the tracer
//! rejects the step, shortens it and perturbs its first equation. We checked, by switching
//! each off in this tracer, what then picks the side:
//!
//! - The perturbation. On `nau2004-sec3` the trace leaves to the other side without it; on
//!   `shapley1974-fig3` it stalls at λ ≈ 1.720 without it, and with it leaves the symmetric
//!   branch there, follows an asymmetric loop, rejoins the symmetric branch near λ ≈ 3.1 and
//!   ends at λ = 4 on Gambit's symmetric QRE (0.189, 0.280, 0.531).
//! - The equations off the solution set. They use unnormalised probabilities, and in the
//!   agent form values are Bayes-normalised over the nodes of a set but not over the moves
//!   below it, so the equations of a symmetric game are not symmetric off the solution set:
//!   the Jacobian, and so every Moore–Penrose correction from a predicted point, breaks the
//!   symmetry slightly, and near the bifurcation the softening antisymmetric mode amplifies
//!   that. On `shohamleytonbrown2008-fig5_10` the perturbation is inert (Gambit's first
//!   equation is the root's sum, which the subgame's conditional values do not see) and
//!   this alone takes the trace to (A, r) at λ ≈ 0.686, with any corrector tolerance from
//!   1e-4 to 1e-12.
//!
//! The previous version of this module traced with its own steps (finite-difference
//! Jacobian, corrections orthogonal to the previous tangent, steps growing by 1.5 and
//! halved): it met the same bifurcations with other numerical asymmetries and left
//! `fig5_10` to (B, l) and passed `shapley1974-fig3`'s bifurcation on the symmetric branch,
//! to other QREs than pygambit's. Matching pygambit needs its steps, not only its equations.
//!
//! Where Gambit's tracer stalls short of the target (its steplength falls below 1e-8 at a
//! bifurcation the perturbation does not unfold; on the bundled games `wichardt2008`
//! (λ ≈ 0.438), `vonstengelforges2008-fig9` (λ ≈ 2.83) and the two games with
//! absent-mindedness, `gilboa1997-fig1` and `shohamleytonbrown2008-fig5_12`), pygambit
//! returns the last point, which is not a QRE at the requested λ. We fall back instead to a
//! robust tracer from λ = 0 and return a QRE at the requested λ: Euler steps along the unit
//! tangent, chord Newton corrections orthogonal to it to 1e-10 (Allgower & Georg 1990,
//! ch. 2), steps growing by 1.5 and halved on failure; the orientation is the sign of
//! `det [J; t]`, and where it flips the first equation is perturbed by 1e-7 as Gambit does;
//! if that does not unfold the bifurcation (the step falls below 1e-6), the trace restarts
//! where the flip was seen and passes every bifurcation along its direction. On `wichardt2008`
//! and `vonstengelforges2008-fig9` the QRE barely moves with λ past the stall (pygambit's
//! point violates the equations at the requested λ by less than 1e-7), so this answer agrees
//! with pygambit's to 1e-6. The same robust tracer follows the branch to its limit for
//! [`super::logit_solve`], and [`polish`] finishes the compiled solver's ladder with Newton's
//! method.

use super::compiled::{payoff_range, CompiledGame, LogitWorkspace};
use super::pc::{End, Tracer};
use super::system::Formulation;
use crate::solve::SolveError;

/// First arc-length step of the robust tracer.
const FIRST_STEP: f64 = 0.03;
/// Growth factor of the step after an easy corrector.
const STEP_GROWTH: f64 = 1.5;
const MIN_STEP: f64 = 1e-10;
const MAX_STEPS: usize = 200_000;
const CORRECTOR_ITER: usize = 10;
const CORRECTOR_TOL: f64 = 1e-10;
const FINAL_TOL: f64 = 1e-14;
/// λ × payoff range beyond which a stalled trace to the limit returns its last point.
const STALL_LAMBDA: f64 = 1e3;
/// Step below which a change of orientation is passed instead of perturbed around.
const PASS_STEP: f64 = 1e-6;
/// Perturbation of the first equation near a bifurcation (Gambit's `c_pert`).
const BIFURCATION_PERTURBATION: f64 = 1e-7;

/// Buffers of the path followers, sized for a profile of `m` actions.
#[derive(Clone, Debug, Default)]
pub(crate) struct PathWorkspace {
    x: Vec<f64>,
    u: Vec<f64>,
    t: Vec<f64>,
    t_old: Vec<f64>,
    x_bif: Vec<f64>,
    t_bif: Vec<f64>,
    f0: Vec<f64>,
    jac: Vec<f64>,
    a: Vec<f64>,
    rhs: Vec<f64>,
    /// Gambit's tracer and the equation system, built on first use (the tracer's buffers
    /// grow with the square of the profile's length).
    tracer: Option<Box<Tracer>>,
}

impl PathWorkspace {
    pub(crate) fn new(m: usize) -> Self {
        let n = m + 1;
        PathWorkspace {
            x: vec![0.0; n],
            u: vec![0.0; n],
            t: vec![0.0; n],
            t_old: vec![0.0; n],
            x_bif: vec![0.0; n],
            t_bif: vec![0.0; n],
            f0: vec![0.0; m],
            jac: vec![0.0; m * n],
            a: vec![0.0; n * n],
            rhs: vec![0.0; n],
            tracer: None,
        }
    }
}

/// What to trace to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Goal {
    /// The first point of the branch with this λ.
    Lambda(f64),
    /// The first point whose reach-weighted agent max regret is below this, relative to the
    /// payoff range.
    Regret(f64),
}

/// Traces the principal branch to λ = `lambda` with the agent-form equations; the profile
/// is left in `ws.behav`.
pub(crate) fn trace_to(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    lambda: f64,
) -> Result<(), SolveError> {
    trace_to_with(game, ws, pay, lambda, Formulation::Agent)
}

/// Traces the principal branch to λ = `lambda` as Gambit does, with the equations of
/// `formulation`; when Gambit's tracer stalls before `lambda`, the robust tracer takes
/// over from λ = 0. The profile is left in `ws.behav`.
pub(crate) fn trace_to_with(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    lambda: f64,
    formulation: Formulation,
) -> Result<(), SolveError> {
    let m = game.profile_len;
    if ws.path.x.len() != m + 1 {
        // Only a workspace built for a perfect-information game lacks the buffers.
        ws.path = PathWorkspace::new(m);
    }
    if lambda == 0.0 || m == 0 {
        game.set_uniform(ws);
        return Ok(());
    }
    let mut tracer = take_tracer(game, ws, formulation);
    let reached = tracer.trace(game, pay, lambda) == End::Reached && {
        tracer.point(&mut ws.path.u);
        ws.path.u[m] = lambda;
        newton_at(game, ws, pay, &mut tracer)
    };
    let result = if reached {
        Ok(())
    } else {
        robust(game, ws, pay, Goal::Lambda(lambda), &mut tracer).map(|_| ())
    };
    ws.path.tracer = Some(tracer);
    result
}

/// Traces the principal branch to the goal with the robust tracer (agent form); returns the
/// final λ. The profile is left in `ws.behav` (normalised per information set).
pub(crate) fn trace(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    goal: Goal,
) -> Result<f64, SolveError> {
    let m = game.profile_len;
    if ws.path.x.len() != m + 1 {
        ws.path = PathWorkspace::new(m);
    }
    let mut tracer = take_tracer(game, ws, Formulation::Agent);
    let result = robust(game, ws, pay, goal, &mut tracer);
    ws.path.tracer = Some(tracer);
    result
}

/// The workspace's tracer for `formulation`, or a new one.
fn take_tracer(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    formulation: Formulation,
) -> Box<Tracer> {
    match ws.path.tracer.take() {
        Some(t) if t.formulation() == formulation => t,
        _ => Box::new(Tracer::new(game, formulation)),
    }
}

fn robust(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    goal: Goal,
    tracer: &mut Tracer,
) -> Result<f64, SolveError> {
    let m = game.profile_len;
    game.set_uniform(ws);
    for k in 0..m {
        ws.path.x[k] = ws.behav[k].ln();
    }
    ws.path.x[m] = 0.0;
    if let Goal::Lambda(l) = goal {
        if l == 0.0 || m == 0 {
            return Ok(0.0);
        }
    }
    let range = payoff_range(pay);
    let result = follow(game, ws, pay, goal, range, tracer);
    match (result, goal) {
        // Far out on the branch (λ times the payoff range above STALL_LAMBDA) the tracer can
        // stall as probabilities underflow; the limit is then the last point reached.
        (Err(SolveError::PathFailed { lambda, .. }), Goal::Regret(_))
            if lambda * range > STALL_LAMBDA =>
        {
            ws.path.u.copy_from_slice(&ws.path.x);
            set_probs(game, ws, true);
            Ok(lambda)
        }
        (r, _) => r,
    }
}

fn follow(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    goal: Goal,
    range: f64,
    tracer: &mut Tracer,
) -> Result<f64, SolveError> {
    let m = game.profile_len;
    // Initial orientation: increasing λ.
    ws.path.t.fill(0.0);
    ws.path.t[m] = 1.0;
    // Orientation: the sign of det [J; t] along the branch (Gambit's QR tangent keeps it fixed).
    let mut orient = tangent(game, ws, pay, true, tracer)?;
    let first_eq = tracer.system.order.first().copied().unwrap_or(0);
    let mut pert = 0.0;
    let mut pert_left = 0.0;
    let mut pass_next = false;
    let mut h_bif = FIRST_STEP;
    let mut h = FIRST_STEP;
    for _ in 0..MAX_STEPS {
        if h < MIN_STEP {
            return Err(failed(ws, m, "step size fell below 1e-10"));
        }
        // Predictor.
        for k in 0..=m {
            ws.path.u[k] = ws.path.x[k] + h * ws.path.t[k];
        }
        let converged = corrector(game, ws, pay, first_eq, pert, tracer)?;
        // The tangent at the new point; a change of the determinant's sign means the step
        // crossed a bifurcation. As Gambit does, reject it and perturb the first equation so
        // the bifurcation unfolds and the trace leaves along the branch that keeps the
        // orientation.
        let mut flipped = false;
        if converged {
            ws.path.t_old.copy_from_slice(&ws.path.t);
            flipped = tangent(game, ws, pay, false, tracer)? != orient;
            if flipped && pass_next {
                // Past a bifurcation the perturbation failed to unfold, the direction is kept.
                orient = -orient;
                flipped = false;
            }
            if flipped {
                ws.path.t.copy_from_slice(&ws.path.t_old);
            }
        }
        if !converged || flipped {
            if pert != 0.0 && h < PASS_STEP {
                // The perturbation did not unfold the bifurcation (the trace cannot leave it):
                // from where the change of orientation was first seen, pass it along the
                // current direction, and from then on pass every bifurcation.
                pert = 0.0;
                pert_left = 0.0;
                pass_next = true;
                ws.path.x.copy_from_slice(&ws.path.x_bif);
                ws.path.t.copy_from_slice(&ws.path.t_bif);
                h = h_bif;
                continue;
            }
            if flipped && pert_left == 0.0 {
                ws.path.x_bif.copy_from_slice(&ws.path.x);
                ws.path.t_bif.copy_from_slice(&ws.path.t);
                h_bif = h;
                pert = BIFURCATION_PERTURBATION;
                pert_left = 2.0 * h;
            }
            h /= 2.0;
            continue;
        }
        let (lam_old, lam_new) = (ws.path.x[m], ws.path.u[m]);
        if lam_new < 0.0 {
            return Err(failed(ws, m, "the branch returned to lambda < 0"));
        }
        match goal {
            Goal::Lambda(target) if lam_new >= target => {
                finish_at(game, ws, pay, target, lam_old, lam_new, tracer)?;
                return Ok(target);
            }
            Goal::Regret(tol) => {
                set_probs(game, ws, true);
                game.evaluate(ws, pay);
                if game.agent_max_regret(ws, true) < tol * range {
                    return Ok(lam_new);
                }
            }
            Goal::Lambda(_) => {}
        }
        ws.path.x.copy_from_slice(&ws.path.u);
        h *= STEP_GROWTH;
        if pert_left > 0.0 {
            pert_left -= h;
            if pert_left < 0.0 {
                pert = 0.0;
                pert_left = 0.0;
            }
        }
    }
    Err(failed(ws, m, "too many steps"))
}

fn failed(ws: &LogitWorkspace, m: usize, reason: &'static str) -> SolveError {
    SolveError::PathFailed {
        lambda: ws.path.x.get(m).copied().unwrap_or(0.0),
        reason,
    }
}

/// Writes `exp(y)` of the point `u` into the behaviour probabilities, optionally normalised
/// per information set.
fn set_probs(game: &CompiledGame, ws: &mut LogitWorkspace, normalise: bool) {
    let m = game.profile_len;
    for k in 0..m {
        ws.behav[k] = ws.path.u[k].exp();
    }
    ws.exp_count += m as u64;
    if normalise {
        for &s in &game.strategic {
            let s = s as usize;
            let off = game.set_action[s] as usize;
            let k = game.set_num_actions[s] as usize;
            let total: f64 = ws.behav[off..off + k].iter().sum();
            for p in &mut ws.behav[off..off + k] {
                *p /= total;
            }
        }
    }
}

/// The equations at the point in `ws.path.u`, into `f0`; with `jacobian`, also the
/// Jacobian into `jac` (row-major `m × (m+1)`).
fn equations(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    tracer: &mut Tracer,
    jacobian: bool,
) {
    let m = game.profile_len;
    let p = &mut ws.path;
    let sys = &mut tracer.system;
    sys.evaluate(game, pay, &p.u[..m]);
    ws.exp_count += m as u64;
    sys.equations(game, &p.u[..m], p.u[m], &mut p.f0);
    if jacobian {
        sys.jacobian(game, p.u[m], &mut p.jac, true);
    }
}

/// Copies the Jacobian into the augmented matrix with `last` as its final row.
fn augment(ws: &mut LogitWorkspace, m: usize, last: Last) {
    let n = m + 1;
    ws.path.a[..m * n].copy_from_slice(&ws.path.jac);
    for j in 0..n {
        ws.path.a[m * n + j] = match last {
            Last::Tangent => ws.path.t[j],
            Last::Lambda => f64::from(u8::from(j == m)),
        };
    }
}

#[derive(Clone, Copy)]
enum Last {
    Tangent,
    Lambda,
}

/// The unit tangent at `ws.path.u` (or at `x` when `at_x`), oriented along the previous
/// tangent in `ws.path.t`, which it replaces. Returns the sign of `det [J; t_prev]`, which is
/// also the sign of `det [J; t_new]`: it changes where the path crosses a bifurcation.
fn tangent(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    at_x: bool,
    tracer: &mut Tracer,
) -> Result<f64, SolveError> {
    let m = game.profile_len;
    if at_x {
        ws.path.u.copy_from_slice(&ws.path.x);
    }
    equations(game, ws, pay, tracer, true);
    augment(ws, m, Last::Tangent);
    ws.path.rhs.fill(0.0);
    ws.path.rhs[m] = 1.0;
    let Some(det_sign) = solve_linear(&mut ws.path.a, &mut ws.path.rhs, m + 1) else {
        return Err(failed(ws, m, "singular Jacobian"));
    };
    let norm = ws.path.rhs.iter().map(|v| v * v).sum::<f64>().sqrt();
    let dot: f64 = ws.path.rhs.iter().zip(&ws.path.t).map(|(a, b)| a * b).sum();
    let sign = if dot < 0.0 { -1.0 } else { 1.0 };
    for k in 0..=m {
        ws.path.t[k] = sign * ws.path.rhs[k] / norm;
    }
    Ok(det_sign)
}

/// Chord-Newton corrector from the predicted point in `ws.path.u`, orthogonal to the tangent.
/// `Ok(false)` when it does not contract (the caller halves the step).
/// `pert` is added to equation `first_eq` (Gambit's perturbation near a bifurcation).
fn corrector(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    first_eq: usize,
    pert: f64,
    tracer: &mut Tracer,
) -> Result<bool, SolveError> {
    let m = game.profile_len;
    let n = m + 1;
    equations(game, ws, pay, tracer, true);
    augment(ws, m, Last::Tangent);
    // Factorisation is redone per solve; the chord matrix is kept in `jac`/`t`.
    let mut last = f64::INFINITY;
    for it in 0..CORRECTOR_ITER {
        if it > 0 {
            equations(game, ws, pay, tracer, false);
            augment(ws, m, Last::Tangent);
        }
        for i in 0..m {
            ws.path.rhs[i] = -ws.path.f0[i];
        }
        if let Some(r) = ws.path.rhs.get_mut(first_eq) {
            *r -= pert;
        }
        ws.path.rhs[m] = 0.0;
        if solve_linear(&mut ws.path.a, &mut ws.path.rhs, n).is_none() {
            return Ok(false);
        }
        let dist = ws.path.rhs.iter().fold(0.0_f64, |d, v| d.max(v.abs()));
        if !dist.is_finite() || dist > 0.5 || (it > 0 && dist > 0.5 * last) {
            return Ok(false);
        }
        for k in 0..n {
            ws.path.u[k] += ws.path.rhs[k];
        }
        if dist < CORRECTOR_TOL {
            return Ok(true);
        }
        last = dist;
    }
    Ok(false)
}

/// Newton at the fixed λ = `target`, from the secant between `x` (λ below) and `u` (above).
fn finish_at(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    target: f64,
    lam_old: f64,
    lam_new: f64,
    tracer: &mut Tracer,
) -> Result<(), SolveError> {
    let m = game.profile_len;
    let n = m + 1;
    let w = if lam_new > lam_old {
        (target - lam_old) / (lam_new - lam_old)
    } else {
        1.0
    };
    for k in 0..n {
        ws.path.u[k] = ws.path.x[k] + w * (ws.path.u[k] - ws.path.x[k]);
    }
    ws.path.u[m] = target;
    if newton_at(game, ws, pay, tracer) {
        Ok(())
    } else {
        Err(failed(ws, m, "singular Jacobian at the target lambda"))
    }
}

/// Refines the profile in `ws.behav` to a QRE at `lambda` by Newton's method at fixed λ;
/// `false` (profile unchanged) when the Jacobian is singular or Newton does not converge.
pub(crate) fn polish(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    lambda: f64,
) -> bool {
    let m = game.profile_len;
    if ws.path.x.len() != m + 1 {
        return false;
    }
    for k in 0..m {
        ws.path.u[k] = ws.behav[k].ln();
    }
    ws.path.u[m] = lambda;
    let mut tracer = take_tracer(game, ws, Formulation::Agent);
    let converged = newton_at(game, ws, pay, &mut tracer);
    ws.path.tracer = Some(tracer);
    converged
}

/// Newton at the fixed λ in `ws.path.u[m]` from `ws.path.u`, with the analytic Jacobian;
/// leaves the normalised profile in `ws.behav`. `false` on a singular Jacobian or without
/// convergence in 50 steps.
fn newton_at(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    tracer: &mut Tracer,
) -> bool {
    let m = game.profile_len;
    let n = m + 1;
    for _ in 0..50 {
        equations(game, ws, pay, tracer, true);
        augment(ws, m, Last::Lambda);
        for i in 0..m {
            ws.path.rhs[i] = -ws.path.f0[i];
        }
        ws.path.rhs[m] = 0.0;
        if solve_linear(&mut ws.path.a, &mut ws.path.rhs, n).is_none() {
            return false;
        }
        let dist = ws.path.rhs.iter().fold(0.0_f64, |d, v| d.max(v.abs()));
        if !dist.is_finite() {
            return false;
        }
        for k in 0..m {
            ws.path.u[k] += ws.path.rhs[k];
        }
        if dist < FINAL_TOL * ws.path.u[..m].iter().fold(1.0_f64, |a, v| a.max(v.abs())) {
            set_probs(game, ws, true);
            return true;
        }
    }
    false
}

/// Solves `a z = b` in place (`a` row-major `n × n`, destroyed; `z` into `b`) by Gaussian
/// elimination with partial pivoting; the sign of `det a`, or `None` when `a` is singular.
fn solve_linear(a: &mut [f64], b: &mut [f64], n: usize) -> Option<f64> {
    let mut det_sign = 1.0;
    for col in 0..n {
        let mut piv = col;
        let mut best = a[col * n + col].abs();
        for r in col + 1..n {
            let v = a[r * n + col].abs();
            if v > best {
                best = v;
                piv = r;
            }
        }
        if best.is_nan() || best <= 1e-300 {
            return None;
        }
        if piv != col {
            det_sign = -det_sign;
            for j in 0..n {
                a.swap(col * n + j, piv * n + j);
            }
            b.swap(col, piv);
        }
        let d = a[col * n + col];
        if d < 0.0 {
            det_sign = -det_sign;
        }
        for r in col + 1..n {
            let f = a[r * n + col] / d;
            if f != 0.0 {
                for j in col..n {
                    a[r * n + j] -= f * a[col * n + j];
                }
                b[r] -= f * b[col];
            }
        }
    }
    for col in (0..n).rev() {
        let mut s = b[col];
        for j in col + 1..n {
            s -= a[col * n + j] * b[j];
        }
        b[col] = s / a[col * n + col];
    }
    Some(det_sign)
}
