//! Continuation in λ: the principal branch from the uniform profile at λ = 0 to the target
//! (Allgower & Georg 1990, "Numerical Continuation Methods", ch. 2), knowing the equations
//! only through [`Equations`].
//!
//! Every point evaluated gets one solve with the Jacobian there, for two right-hand sides:
//! Newton's correction and the tangent `dx/dλ`. The next point is predicted from the
//! corrected point along the tangent; it is accepted when the correction it needs in turn is
//! at most [`MAX_CORRECTION`] (so one Newton step per point keeps the trace on the branch),
//! and the step is then scaled by `sqrt(AIM / correction)` (the predictor's error grows
//! with the square of the step), between ×1/2 and ×4. A rejected point halves the step. At
//! the target, Newton's method runs until its correction is at most [`TIGHT`], halving
//! each time.
//!
//! The work is bounded: [`MAX_STEPS`] points, [`MAX_NEWTON`] Newton steps at the target, and
//! a step below [`MIN_STEP`] of the target gives up (a fold of the branch, or a singular
//! Jacobian), so that the caller can fall back to a tracer that follows folds.

use super::equations::Equations;

/// Largest correction (see [`Equations::size`]) of an accepted point.
pub(crate) const MAX_CORRECTION: f64 = 1.0;
/// Correction the step size aims at.
pub(crate) const AIM: f64 = 0.5;
/// Largest last Newton correction at the target (after it, the error is about its square).
pub(crate) const TIGHT: f64 = 3e-5;
/// Newton steps at the target.
pub(crate) const MAX_NEWTON: usize = 12;
/// First step, in units of λ times the payoff range.
pub(crate) const FIRST_REACH: f64 = 4.0;
/// Points evaluated on the way before the continuation gives up.
pub(crate) const MAX_STEPS: usize = 400;
/// Smallest step, relative to the target λ, before the continuation gives up.
pub(crate) const MIN_STEP: f64 = 1e-9;

/// Buffers of the continuation.
#[derive(Clone, Debug, Default)]
pub(crate) struct Buffers {
    pub(crate) x: Vec<f64>,
    pred: Vec<f64>,
    f: Vec<f64>,
    step: Vec<f64>,
    tangent: Vec<f64>,
    next_step: Vec<f64>,
    next_tangent: Vec<f64>,
}

impl Buffers {
    pub(crate) fn new(n: usize) -> Buffers {
        Buffers {
            x: vec![0.0; n],
            pred: vec![0.0; n],
            f: vec![0.0; n],
            step: vec![0.0; n],
            tangent: vec![0.0; n],
            next_step: vec![0.0; n],
            next_tangent: vec![0.0; n],
        }
    }
}

/// Work done by continuations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Work {
    /// Evaluations of the equations (one pass over the game each).
    pub(crate) evaluations: u64,
    /// Linear solves (each a Newton step, with the tangent on the way).
    pub(crate) solves: u64,
    /// Points predicted on the way (accepted and rejected).
    pub(crate) steps: u64,
}

/// Why a continuation stopped short.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Stalled {
    /// The last λ reached.
    pub(crate) lambda: f64,
    pub(crate) reason: &'static str,
}

/// Follows the branch from λ = 0 to `target`; on success the solution is in `buf.x` and the
/// equations are evaluated there.
pub(crate) fn trace<E: Equations>(
    eq: &mut E,
    buf: &mut Buffers,
    target: f64,
    work: &mut Work,
) -> Result<(), Stalled> {
    let n = eq.len();
    eq.start(&mut buf.x);
    work.evaluations += 1;
    if target == 0.0 || n == 0 {
        return Ok(());
    }
    // λ = 0 is solved exactly.
    buf.f.fill(0.0);
    let stalled = |lambda, reason| Err(Stalled { lambda, reason });
    work.solves += 1;
    if !eq.solve(&buf.x, &buf.f, &mut buf.step, Some(&mut buf.tangent)) {
        return stalled(0.0, "singular Jacobian");
    }
    let mut lambda = 0.0;
    let mut h = target.min(FIRST_REACH / eq.lambda_scale());
    let mut steps = 0;
    while lambda < target {
        steps += 1;
        work.steps += 1;
        if steps > MAX_STEPS {
            return stalled(lambda, "too many steps");
        }
        if h < MIN_STEP * target {
            return stalled(lambda, "step size fell below 1e-9 of lambda");
        }
        let next = if lambda + h >= target * (1.0 - 1e-12) {
            target
        } else {
            lambda + h
        };
        for k in 0..n {
            buf.pred[k] = buf.x[k] + buf.step[k] + (next - lambda) * buf.tangent[k];
        }
        work.evaluations += 1;
        let ok = eq.residual(&buf.pred, next, &mut buf.f).is_finite() && {
            work.solves += 1;
            eq.solve(
                &buf.pred,
                &buf.f,
                &mut buf.next_step,
                Some(&mut buf.next_tangent),
            )
        };
        let size = if ok {
            eq.size(&buf.next_step, next)
        } else {
            f64::INFINITY
        };
        if size.is_nan() || size > MAX_CORRECTION {
            h *= 0.5;
            continue;
        }
        std::mem::swap(&mut buf.x, &mut buf.pred);
        std::mem::swap(&mut buf.step, &mut buf.next_step);
        std::mem::swap(&mut buf.tangent, &mut buf.next_tangent);
        h = (next - lambda) * (AIM / size.max(1e-12)).sqrt().clamp(0.5, 4.0);
        lambda = next;
    }
    newton(eq, buf, target, work)
}

/// Newton's method at fixed `lambda` from `buf.x`, where the equations are evaluated and the
/// correction is in `buf.step`: corrections must halve at least, and the last one applied is
/// at most [`TIGHT`] (Newton's quadratic convergence leaves an error of about its square).
fn newton<E: Equations>(
    eq: &mut E,
    buf: &mut Buffers,
    lambda: f64,
    work: &mut Work,
) -> Result<(), Stalled> {
    let stalled = |reason| Err(Stalled { lambda, reason });
    let mut last = f64::INFINITY;
    for _ in 0..MAX_NEWTON {
        let size = eq.size(&buf.step, lambda);
        if !(size <= 0.5 * last || last.is_infinite()) || !size.is_finite() {
            return stalled("Newton's method did not converge at the target lambda");
        }
        for (x, d) in buf.x.iter_mut().zip(&buf.step) {
            *x += d;
        }
        if size <= TIGHT {
            return Ok(());
        }
        last = size;
        work.evaluations += 1;
        if !eq.residual(&buf.x, lambda, &mut buf.f).is_finite() {
            return stalled("the equations are not finite");
        }
        work.solves += 1;
        if !eq.solve(&buf.x, &buf.f, &mut buf.step, None) {
            return stalled("singular Jacobian");
        }
    }
    stalled("Newton's method did not converge at the target lambda")
}

/// Newton's method at `lambda` from `start` (a nearby solution, e.g. of a game that differs a
/// little); the solution is in `buf.x`.
pub(crate) fn newton_from<E: Equations>(
    eq: &mut E,
    buf: &mut Buffers,
    start: &[f64],
    lambda: f64,
    work: &mut Work,
) -> Result<(), Stalled> {
    buf.x.copy_from_slice(start);
    work.evaluations += 1;
    if !eq.residual(&buf.x, lambda, &mut buf.f).is_finite() {
        return Err(Stalled {
            lambda,
            reason: "the equations are not finite",
        });
    }
    work.solves += 1;
    if !eq.solve(&buf.x, &buf.f, &mut buf.step, None) {
        return Err(Stalled {
            lambda,
            reason: "singular Jacobian",
        });
    }
    newton(eq, buf, lambda, work)
}
