//! Continuation in λ: the principal branch from the uniform profile at λ = 0 to the target
//! (Allgower & Georg 1990, "Numerical Continuation Methods", ch. 2), knowing the equations
//! only through [`Equations`].
//!
//! Every point evaluated gets one solve with the Jacobian there, for two right-hand sides:
//! Newton's correction and the tangent `dx/dλ`. The next point is predicted from the
//! corrected point along the tangent; it is accepted when the correction it needs in turn is
//! at most `MAX_CORRECTION` (so one Newton step per point keeps the trace on the branch),
//! and the step is then scaled by `sqrt(AIM / correction)` (the predictor's error grows
//! with the square of the step), between ×1/2 and ×4 (×1.7 after the first point, see
//! `FIRST_GROWTH`). A rejected point halves the step. At
//! the target, Newton's method runs until its correction is at most `NEWTON_TOLERANCE`, halving
//! each time.
//!
//! The work is bounded: a number of points, of Newton steps at the target, and a smallest
//! step relative to the target, beyond which the continuation gives up (a fold of the
//! branch, or a singular Jacobian), so that the caller can fall back to a tracer that follows
//! folds. The constants are in [`super::tolerances`].

use super::equations::Equations;

use super::tolerances::{
    AIM, ARC_TOLERANCE, FIRST_GROWTH, FIRST_REACH, MAX_ARC_CORRECTION, MAX_ARC_CORRECTIONS,
    MAX_ARC_STEPS, MAX_CONTINUATION_STEPS as MAX_STEPS, MAX_CORRECTION, MAX_GROWTH, MAX_NEWTON,
    MIN_ARC_STEP, MIN_CONTINUATION_STEP as MIN_STEP, NEWTON_CONTRACTION, NEWTON_FLOOR,
    NEWTON_STAGNATION, NEWTON_TOLERANCE as TIGHT, QUADRATIC_RATE,
};

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
    /// Folds of the branch passed by arc length: accepted steps across which `det J`
    /// changed sign, so that λ turned back.
    pub(crate) folds: u64,
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
    let Some(orientation) = eq.solve(&buf.x, &buf.f, &mut buf.step, Some(&mut buf.tangent)) else {
        return stalled(0.0, "singular Jacobian");
    };
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
        let sign = if eq.residual(&buf.pred, next, &mut buf.f).is_finite() {
            work.solves += 1;
            eq.solve(
                &buf.pred,
                &buf.f,
                &mut buf.next_step,
                Some(&mut buf.next_tangent),
            )
        } else {
            None
        };
        let size = match sign {
            Some(_) => eq.size(&buf.pred, &buf.next_step, next),
            None => f64::INFINITY,
        };
        if size.is_nan() || size > MAX_CORRECTION {
            h *= 0.5;
            continue;
        }
        if sign != Some(orientation) {
            // det J changed sign: the step passed a bifurcation or a turn of the branch,
            // which this continuation cannot follow.
            return stalled(lambda, "the branch bifurcates or turns back");
        }
        std::mem::swap(&mut buf.x, &mut buf.pred);
        std::mem::swap(&mut buf.step, &mut buf.next_step);
        std::mem::swap(&mut buf.tangent, &mut buf.next_tangent);
        let growth = if lambda == 0.0 {
            FIRST_GROWTH
        } else {
            MAX_GROWTH
        };
        h = (next - lambda) * (AIM / size.max(1e-12)).sqrt().clamp(0.5, growth);
        lambda = next;
    }
    newton(eq, buf, target, work)
}

/// Newton's method at fixed `lambda` from `buf.x`, where the equations are evaluated and the
/// correction is in `buf.step`. Each correction must shrink (by [`NEWTON_CONTRACTION`]); the
/// iteration stops after applying a correction of at most `NEWTON_TOLERANCE` that shrank
/// quadratically (to at most [`QUADRATIC_RATE`] of the one before, so the error left is far
/// smaller), or one of at most [`NEWTON_FLOOR`] (at a singular solution Newton's method
/// converges only linearly); where rounding stops a linear convergence, at a correction of
/// at most [`NEWTON_STAGNATION`], at the last point.
fn newton<E: Equations>(
    eq: &mut E,
    buf: &mut Buffers,
    lambda: f64,
    work: &mut Work,
) -> Result<(), Stalled> {
    let stalled = |reason| Err(Stalled { lambda, reason });
    let mut last = f64::INFINITY;
    for _ in 0..MAX_NEWTON {
        let size = eq.size(&buf.x, &buf.step, lambda);
        if !size.is_finite() || (last.is_finite() && size > NEWTON_CONTRACTION * last) {
            if last <= NEWTON_STAGNATION {
                // Rounding stops a linear convergence here: the point is as good as it gets.
                return Ok(());
            }
            return stalled("Newton's method did not converge at the target lambda");
        }
        for (x, d) in buf.x.iter_mut().zip(&buf.step) {
            *x += d;
        }
        let quadratic = last.is_finite() && size <= QUADRATIC_RATE * last;
        if size <= NEWTON_FLOOR || (size <= TIGHT && quadratic) {
            return Ok(());
        }
        last = size;
        newton_step(eq, buf, lambda, work)?;
    }
    stalled("Newton's method did not converge at the target lambda")
}

/// Evaluates the equations at (`buf.x`, `lambda`) and puts Newton's correction there into
/// `buf.step`.
fn newton_step<E: Equations>(
    eq: &mut E,
    buf: &mut Buffers,
    lambda: f64,
    work: &mut Work,
) -> Result<(), Stalled> {
    let stalled = |reason| Err(Stalled { lambda, reason });
    work.evaluations += 1;
    if !eq.residual(&buf.x, lambda, &mut buf.f).is_finite() {
        return stalled("the equations are not finite");
    }
    work.solves += 1;
    if eq.solve(&buf.x, &buf.f, &mut buf.step, None).is_none() {
        return stalled("singular Jacobian");
    }
    Ok(())
}

/// Newton's method at `lambda` from `start` (a point a tracer reached on this game's branch
/// at `lambda`, settled here); the solution is in `buf.x`.
pub(crate) fn newton_from<E: Equations>(
    eq: &mut E,
    buf: &mut Buffers,
    start: &[f64],
    lambda: f64,
    work: &mut Work,
) -> Result<(), Stalled> {
    buf.x.copy_from_slice(start);
    newton_at_x(eq, buf, lambda, work)
}

/// Newton's method at `lambda` from the point in `buf.x`.
fn newton_at_x<E: Equations>(
    eq: &mut E,
    buf: &mut Buffers,
    lambda: f64,
    work: &mut Work,
) -> Result<(), Stalled> {
    newton_step(eq, buf, lambda, work)?;
    newton(eq, buf, lambda, work)
}

/// Follows the branch from λ = 0 to the first point where it reaches `target`, by
/// pseudo-arc-length continuation (Allgower & Georg 1990, ch. 2 and §10.2 on bordering), so
/// that it passes the folds where [`trace`] stops ("turns back"); on success the solution at
/// `target` is in `buf.x`. It knows the equations only through [`Equations`]: each Newton step
/// of the bordered system `[J, ∂F/∂λ; tᵀ]` is assembled from the two solves with `J` that
/// [`Equations::solve`] gives (Keller's bordering), so a game in rows keeps its linear-time
/// solve. Arc length is measured with `x` divided by the payoff range and λ multiplied by
/// it. Where `det J` changes sign the direction of λ along the branch turns; a step that
/// would reverse the direction of travel (a bifurcation rather than a fold) is refused, and
/// the trace stops when the step becomes too small: work is bounded by the constants of
/// [`super::tolerances`].
pub(crate) fn trace_arc<E: Equations>(
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
    let r = eq.lambda_scale().max(f64::MIN_POSITIVE);
    let (wx, wl) = (1.0 / (r * r), r * r);
    buf.f.fill(0.0);
    work.solves += 1;
    let Some(mut sign) = eq.solve(&buf.x, &buf.f, &mut buf.step, Some(&mut buf.tangent)) else {
        return Err(Stalled {
            lambda: 0.0,
            reason: "singular Jacobian",
        });
    };
    // The tangent is kept as `c = dx/dλ` (in `buf.tangent`); the unit tangent in the
    // direction of travel is `unit(c, dir) · (c, 1)` in the arc-length metric.
    let unit = |c: &[f64], dir: f64| {
        let norm = (c.iter().map(|v| v * v).sum::<f64>() * wx + wl).sqrt();
        dir / norm
    };
    let mut lambda = 0.0;
    let mut dir = 1.0;
    let mut h = FIRST_REACH.min(target * r);
    let mut steps = 0;
    loop {
        steps += 1;
        work.steps += 1;
        if steps > MAX_ARC_STEPS {
            return Err(Stalled {
                lambda,
                reason: "too many arc-length steps",
            });
        }
        if h < MIN_ARC_STEP {
            return Err(Stalled {
                lambda,
                reason: "the arc-length step fell below its minimum (a bifurcation?)",
            });
        }
        // Predictor along the unit tangent t = s (c, 1).
        let s = unit(&buf.tangent, dir);
        let mut lp = lambda + h * s;
        for k in 0..n {
            buf.pred[k] = buf.x[k] + h * s * buf.tangent[k];
        }
        // Corrector: Newton on F = 0 and ⟨t, Δ⟩ = 0 from the prediction.
        let mut settled = None;
        let mut last = f64::INFINITY;
        for _ in 0..MAX_ARC_CORRECTIONS {
            work.evaluations += 1;
            if !eq.residual(&buf.pred, lp, &mut buf.f).is_finite() {
                break;
            }
            work.solves += 1;
            let Some(sg) = eq.solve(
                &buf.pred,
                &buf.f,
                &mut buf.next_step,
                Some(&mut buf.next_tangent),
            ) else {
                break;
            };
            // Δx = a + Δλ c with ⟨t, (Δx, Δλ)⟩ = 0.
            let (ta, tc) = buf
                .tangent
                .iter()
                .zip(buf.next_step.iter().zip(&buf.next_tangent))
                .fold((0.0, 0.0), |(ta, tc), (t, (a, c))| (ta + t * a, tc + t * c));
            let denom = s * tc * wx + s * wl;
            if denom == 0.0 || !denom.is_finite() {
                break;
            }
            let dl = -(s * ta * wx) / denom;
            for k in 0..n {
                buf.next_step[k] += dl * buf.next_tangent[k];
            }
            let size = eq
                .size(&buf.pred, &buf.next_step, lp.max(0.0))
                .max(dl.abs() * r);
            if !size.is_finite() || size > MAX_ARC_CORRECTION || size > NEWTON_CONTRACTION * last {
                break;
            }
            for k in 0..n {
                buf.pred[k] += buf.next_step[k];
            }
            lp += dl;
            if size <= ARC_TOLERANCE {
                settled = Some(sg);
                break;
            }
            last = size;
        }
        let Some(sg) = settled else {
            h *= 0.5;
            continue;
        };
        // The tangent at the new point: (c, 1) from its last solve (taken before the last,
        // tiny correction), in the direction of travel.
        let new_dir = if sg == sign { dir } else { -dir };
        let s_new = unit(&buf.next_tangent, new_dir);
        let along = s
            * s_new
            * (buf
                .tangent
                .iter()
                .zip(&buf.next_tangent)
                .map(|(a, b)| a * b)
                .sum::<f64>()
                * wx
                + wl);
        if along <= 0.0 || lp < 0.0 {
            // The step reversed the direction of travel: too long near a turn.
            h *= 0.5;
            continue;
        }
        if sg != sign {
            work.folds += 1;
        }
        if lp >= target {
            // Crossed the target: start Newton's method at the point of the chord there.
            let t = (target - lambda) / (lp - lambda);
            for k in 0..n {
                buf.x[k] += t * (buf.pred[k] - buf.x[k]);
            }
            return newton_at_x(eq, buf, target, work);
        }
        std::mem::swap(&mut buf.x, &mut buf.pred);
        std::mem::swap(&mut buf.tangent, &mut buf.next_tangent);
        sign = sg;
        dir = new_dir;
        lambda = lp;
        h = (h * 1.5).min(4.0 * FIRST_REACH.max(target * r));
    }
}
