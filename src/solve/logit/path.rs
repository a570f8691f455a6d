//! Arc-length path following of the logit QRE correspondence from λ = 0.
//!
//! The unknowns are the log-probabilities of all strategic actions and λ (Turocy 2005,
//! "A dynamic homotopy interpretation of the logistic quantal response equilibrium
//! correspondence", GEB 51; the parameterisation of Gambit's `efglogit`). For every strategic
//! information set the equations are
//!
//! - `Σ_a exp(y_a) − 1 = 0`, and
//! - for every action `a` but the first (`r`): `y_a − y_r − λ (v_a − v_r) = 0`,
//!
//! where `v_a` is the mover's expected payoff from taking `a`, conditional on reaching the set,
//! with beliefs over its nodes by Bayes' rule. Starting from the uniform profile at λ = 0 the
//! tracer takes Euler predictor steps along the unit tangent and corrects with chord-Newton
//! iterations orthogonal to it (Allgower & Georg 1990, "Numerical Continuation Methods",
//! ch. 2), so it passes turning points where λ decreases. The Jacobian is by forward
//! differences. When λ first crosses the target, a Newton solve at the fixed target λ
//! refines the point to machine precision.
//!
//! Bifurcations, as in Gambit's `PathTracer` (pygambit 16.7): the orientation of the branch
//! is the sign of `det [J; t]` (Gambit's QR tangent keeps it fixed). When a step changes it,
//! the step crossed a bifurcation: it is rejected, the step shrinks, and for an arc length of
//! twice the step the first equation is perturbed by 1e-7, which unfolds a symmetric pitchfork
//! so the trace leaves along the branch that keeps the orientation. As in Gambit's strategic
//! form equations, the values of the other players' actions are weighted by the unnormalised
//! total probability of the first set (1 on the branch), so that perturbation breaks the
//! symmetry; without the weight our Bayes-normalised values make it inert. This reproduces
//! Gambit's branch on `nau2004-sec3` and `gilboa1997-fig2`.
//!
//! When the perturbation does not unfold the bifurcation (the step falls below 1e-6 with the
//! orientation still flipping, or the corrector fails there), the trace restarts from the
//! point where the flip was first seen and passes it, keeping its direction, and from then on
//! passes every bifurcation. Gambit stalls at such points (on `vonstengelforges2008-fig9` it
//! stops at λ ≈ 2.83 and returns that point for λ = 4); the symmetric branch it stalls on is
//! the one we continue.
//!
//! Known differences from Gambit: on `shapley1974-fig3` (λ = 4) and
//! `shohamleytonbrown2008-fig5_10` (λ = 1, 4) Gambit ends on another branch than this tracer.
//! Gambit's corrector is looser (tolerance 1e-4, Moore–Penrose steps from the predicted
//! point, step ratio 1.1) and its Jacobian analytic, so near a bifurcation the two tracers'
//! points differ by more than the 1e-7 perturbation and the side taken is not reproduced.

use super::compiled::{payoff_range, CompiledGame, LogitWorkspace};
use crate::solve::SolveError;

/// First arc-length step (Gambit's default `first_step`).
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

/// Buffers of the path follower, sized for a profile of `m` actions.
#[derive(Clone, Debug, Default)]
pub(crate) struct PathWorkspace {
    x: Vec<f64>,
    u: Vec<f64>,
    t: Vec<f64>,
    t_old: Vec<f64>,
    x_bif: Vec<f64>,
    t_bif: Vec<f64>,
    f0: Vec<f64>,
    f1: Vec<f64>,
    jac: Vec<f64>,
    a: Vec<f64>,
    rhs: Vec<f64>,
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
            f1: vec![0.0; m],
            jac: vec![0.0; m * n],
            a: vec![0.0; n * n],
            rhs: vec![0.0; n],
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

/// Traces the principal branch to λ = `lambda`; the profile is left in `ws.behav`.
pub(crate) fn trace_to(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    lambda: f64,
) -> Result<(), SolveError> {
    trace(game, ws, pay, Goal::Lambda(lambda)).map(|_| ())
}

/// Traces the principal branch to the goal; returns the final λ. The profile is left in
/// `ws.behav` (normalised per information set).
pub(crate) fn trace(
    game: &CompiledGame,
    ws: &mut LogitWorkspace,
    pay: &[f64],
    goal: Goal,
) -> Result<f64, SolveError> {
    let m = game.profile_len;
    if ws.path.x.len() != m + 1 {
        // Only a workspace built for a perfect-information game lacks the buffers, and
        // perfect-information games never come here from `solve`.
        ws.path = PathWorkspace::new(m);
    }
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
    let result = follow(game, ws, pay, goal, range);
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
) -> Result<f64, SolveError> {
    let m = game.profile_len;
    // Initial orientation: increasing λ.
    ws.path.t.fill(0.0);
    ws.path.t[m] = 1.0;
    // Orientation: the sign of det [J; t] along the branch (Gambit's QR tangent keeps it fixed).
    let mut orient = tangent(game, ws, pay, true)?;
    let first_eq = game
        .strategic
        .first()
        .map_or(0, |&s| game.set_action[s as usize] as usize);
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
        let converged = corrector(game, ws, pay, first_eq, pert)?;
        // The tangent at the new point; a change of the determinant's sign means the step
        // crossed a bifurcation. As Gambit does, reject it and perturb the first equation so
        // the bifurcation unfolds and the trace leaves along the branch that keeps the
        // orientation.
        let mut flipped = false;
        if converged {
            ws.path.t_old.copy_from_slice(&ws.path.t);
            flipped = tangent(game, ws, pay, false)? != orient;
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
                finish_at(game, ws, pay, target, lam_old, lam_new)?;
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

/// Writes `exp(y)` of the point `u` (or `x`) into the behaviour probabilities, optionally
/// normalised per information set.
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

/// The equations at the point in `ws.path.u`, into `out` (`f0` or `f1`).
fn equations(game: &CompiledGame, ws: &mut LogitWorkspace, pay: &[f64], into_f1: bool) {
    let m = game.profile_len;
    set_probs(game, ws, false);
    game.evaluate(ws, pay);
    let lam = ws.path.u[m];
    // Gambit weights the values of the other players' strategies by the unnormalised total
    // probability of the first set, so its perturbation of that set's sum breaks symmetries.
    let (first_player, first_total) = game.strategic.first().map_or((u32::MAX, 1.0), |&s| {
        let s = s as usize;
        let off = game.set_action[s] as usize;
        let k = game.set_num_actions[s] as usize;
        (
            game.set_player[s],
            ws.behav[off..off + k].iter().sum::<f64>(),
        )
    });
    let out = if into_f1 {
        &mut ws.path.f1
    } else {
        &mut ws.path.f0
    };
    for &s in &game.strategic {
        let s = s as usize;
        let off = game.set_action[s] as usize;
        let k = game.set_num_actions[s] as usize;
        out[off] = ws.behav[off..off + k].iter().sum::<f64>() - 1.0;
        let scale = if game.set_player[s] == first_player {
            lam
        } else {
            lam * first_total
        };
        for a in 1..k {
            out[off + a] = ws.path.u[off + a]
                - ws.path.u[off]
                - scale * (ws.action_value[off + a] - ws.action_value[off]);
        }
    }
}

/// Forward-difference Jacobian at `ws.path.u` (row-major `m × (m+1)`); leaves `F(u)` in `f0`.
fn jacobian(game: &CompiledGame, ws: &mut LogitWorkspace, pay: &[f64]) {
    let m = game.profile_len;
    let n = m + 1;
    equations(game, ws, pay, false);
    for j in 0..n {
        let orig = ws.path.u[j];
        let step = 1e-7 * orig.abs().max(1.0);
        ws.path.u[j] = orig + step;
        let step = ws.path.u[j] - orig;
        equations(game, ws, pay, true);
        ws.path.u[j] = orig;
        for i in 0..m {
            ws.path.jac[i * n + j] = (ws.path.f1[i] - ws.path.f0[i]) / step;
        }
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
) -> Result<f64, SolveError> {
    let m = game.profile_len;
    if at_x {
        ws.path.u.copy_from_slice(&ws.path.x);
    }
    jacobian(game, ws, pay);
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
) -> Result<bool, SolveError> {
    let m = game.profile_len;
    let n = m + 1;
    jacobian(game, ws, pay);
    augment(ws, m, Last::Tangent);
    // Factorisation is redone per solve; the chord matrix is kept in `jac`/`t`.
    let mut last = f64::INFINITY;
    for it in 0..CORRECTOR_ITER {
        if it > 0 {
            equations(game, ws, pay, false);
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
    if newton_at(game, ws, pay) {
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
    newton_at(game, ws, pay)
}

/// Newton at the fixed λ in `ws.path.u[m]` from `ws.path.u`; leaves the normalised profile
/// in `ws.behav`. `false` on a singular Jacobian or without convergence in 50 steps.
fn newton_at(game: &CompiledGame, ws: &mut LogitWorkspace, pay: &[f64]) -> bool {
    let m = game.profile_len;
    let n = m + 1;
    let mut converged = false;
    for _ in 0..50 {
        jacobian(game, ws, pay);
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
            converged = true;
            break;
        }
    }
    if converged {
        set_probs(game, ws, true);
    }
    converged
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
