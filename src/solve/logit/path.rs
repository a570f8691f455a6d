//! Path following of the logit QRE correspondence from λ = 0: the principal branch.
//!
//! The equations are Gambit's (see [`super::system`]): log-probabilities of all strategic
//! actions and λ are the unknowns; per information set, probabilities sum to one and
//! log-probability ratios equal λ times value differences. pygambit's
//! `qre.logit_solve_lambda` traces them with Gambit's `PathTracer`, and where the branch
//! bifurcates (games with a symmetry: `shapley1974-fig3`, `shohamleytonbrown2008-fig5_10`,
//! `nau2004-sec3`) the QRE it returns depends on how that tracer steps past the
//! bifurcation. So the engine first runs [`super::pc::Tracer`], which takes
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
//! [`super::logit_solve`].
//! method.

use super::equations::DenseJacobian;
use super::tolerances::{
    BIFURCATION_PERTURBATION, ROBUST_CORRECTOR_ITER as CORRECTOR_ITER,
    ROBUST_CORRECTOR_TOL as CORRECTOR_TOL, ROBUST_FIRST_STEP as FIRST_STEP,
    ROBUST_MAX_STEPS as MAX_STEPS, ROBUST_MIN_STEP as MIN_STEP, ROBUST_PASS_STEP as PASS_STEP,
    ROBUST_STEP_GROWTH as STEP_GROWTH,
};

/// Buffers of the robust tracer, for `m` unknowns.
#[derive(Clone, Debug)]
pub(crate) struct Robust {
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
}

/// What to trace to.
pub(crate) enum Goal<'g> {
    /// The first point of the branch with this λ.
    Lambda(f64),
    /// The first point (unknowns, λ) where this says the goal is met.
    Reached(&'g mut dyn FnMut(&[f64], f64) -> bool),
}

/// Why the robust tracer stopped short.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Failed {
    /// The last λ reached (its point is [`Robust::point`]).
    pub(crate) lambda: f64,
    pub(crate) reason: &'static str,
}

impl Robust {
    pub(crate) fn new(m: usize) -> Self {
        let n = m + 1;
        Robust {
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
        }
    }

    /// The last point reached (unknowns, then λ); at a [`Goal::Lambda`], the point of the
    /// branch interpolated to that λ.
    pub(crate) fn point(&self) -> &[f64] {
        &self.x
    }

    /// Follows the branch from the solution at λ = 0 to the goal.
    pub(crate) fn trace<E: DenseJacobian>(
        &mut self,
        eq: &mut E,
        mut goal: Goal,
    ) -> Result<(), Failed> {
        let m = self.x.len() - 1;
        eq.start(&mut self.x[..m]);
        self.x[m] = 0.0;
        if m == 0 || matches!(goal, Goal::Lambda(l) if l == 0.0) {
            return Ok(());
        }
        // Initial orientation: increasing λ. Orientation along the branch: the sign of
        // det [J; t] (Gambit's QR tangent keeps it fixed).
        self.t.fill(0.0);
        self.t[m] = 1.0;
        let mut orient = self.tangent(eq, true)?;
        let first_eq = eq.first_equation();
        let mut pert = 0.0;
        let mut pert_left = 0.0;
        let mut pass_next = false;
        let mut h_bif = FIRST_STEP;
        let mut h = FIRST_STEP;
        for _ in 0..MAX_STEPS {
            if h < MIN_STEP {
                return Err(self.failed("step size fell below 1e-10"));
            }
            // Predictor.
            for k in 0..=m {
                self.u[k] = self.x[k] + h * self.t[k];
            }
            let converged = self.corrector(eq, first_eq, pert)?;
            // The tangent at the new point; a change of the determinant's sign means the
            // step crossed a bifurcation. As Gambit does, reject it and perturb the first
            // equation so the bifurcation unfolds and the trace leaves along the branch that
            // keeps the orientation.
            let mut flipped = false;
            if converged {
                self.t_old.copy_from_slice(&self.t);
                flipped = self.tangent(eq, false)? != orient;
                if flipped && pass_next {
                    // Past a bifurcation the perturbation failed to unfold, the direction
                    // is kept.
                    orient = -orient;
                    flipped = false;
                }
                if flipped {
                    self.t.copy_from_slice(&self.t_old);
                }
            }
            if !converged || flipped {
                if pert != 0.0 && h < PASS_STEP {
                    // The perturbation did not unfold the bifurcation (the trace cannot leave
                    // it): from where the change of orientation was first seen, pass it
                    // along the current direction, and from then on pass every bifurcation.
                    pert = 0.0;
                    pert_left = 0.0;
                    pass_next = true;
                    self.x.copy_from_slice(&self.x_bif);
                    self.t.copy_from_slice(&self.t_bif);
                    h = h_bif;
                    continue;
                }
                if flipped && pert_left == 0.0 {
                    self.x_bif.copy_from_slice(&self.x);
                    self.t_bif.copy_from_slice(&self.t);
                    h_bif = h;
                    pert = BIFURCATION_PERTURBATION;
                    pert_left = 2.0 * h;
                }
                h /= 2.0;
                continue;
            }
            let (lam_old, lam_new) = (self.x[m], self.u[m]);
            if lam_new < 0.0 {
                return Err(self.failed("the branch returned to lambda < 0"));
            }
            let reached = match &mut goal {
                Goal::Lambda(target) => lam_new >= *target,
                Goal::Reached(done) => done(&self.u[..m], lam_new),
            };
            if reached {
                if let Goal::Lambda(target) = goal {
                    // The secant between the points on either side of the target.
                    let w = if lam_new > lam_old {
                        (target - lam_old) / (lam_new - lam_old)
                    } else {
                        1.0
                    };
                    for k in 0..m {
                        self.x[k] += w * (self.u[k] - self.x[k]);
                    }
                    self.x[m] = target;
                } else {
                    self.x.copy_from_slice(&self.u);
                }
                return Ok(());
            }
            self.x.copy_from_slice(&self.u);
            h *= STEP_GROWTH;
            if pert_left > 0.0 {
                pert_left -= h;
                if pert_left < 0.0 {
                    pert = 0.0;
                    pert_left = 0.0;
                }
            }
        }
        Err(self.failed("too many steps"))
    }

    fn failed(&self, reason: &'static str) -> Failed {
        Failed {
            lambda: self.x.last().copied().unwrap_or(0.0),
            reason,
        }
    }

    /// The equations at `u` into `f0`; with `jacobian`, also the exact Jacobian into `jac`.
    fn equations<E: DenseJacobian>(&mut self, eq: &mut E, jacobian: bool) {
        let m = self.f0.len();
        eq.residual(&self.u[..m], self.u[m], &mut self.f0);
        if jacobian {
            eq.jacobian(self.u[m], &mut self.jac, true);
        }
    }

    /// Copies the Jacobian into the augmented matrix with the tangent as its final row.
    fn augment(&mut self) {
        let m = self.f0.len();
        let n = m + 1;
        self.a[..m * n].copy_from_slice(&self.jac);
        self.a[m * n..].copy_from_slice(&self.t);
    }

    /// The unit tangent at `u` (or at `x` when `at_x`), oriented along the previous tangent
    /// in `t`, which it replaces. Returns the sign of `det [J; t_prev]`, which is also the
    /// sign of `det [J; t_new]`: it changes where the path crosses a bifurcation.
    fn tangent<E: DenseJacobian>(&mut self, eq: &mut E, at_x: bool) -> Result<f64, Failed> {
        let m = self.f0.len();
        if at_x {
            self.u.copy_from_slice(&self.x);
        }
        self.equations(eq, true);
        self.augment();
        self.rhs.fill(0.0);
        self.rhs[m] = 1.0;
        let Some(det_sign) = solve_linear(&mut self.a, &mut self.rhs, m + 1) else {
            return Err(self.failed("singular Jacobian"));
        };
        let norm = self.rhs.iter().map(|v| v * v).sum::<f64>().sqrt();
        let dot: f64 = self.rhs.iter().zip(&self.t).map(|(a, b)| a * b).sum();
        let sign = if dot < 0.0 { -1.0 } else { 1.0 };
        for k in 0..=m {
            self.t[k] = sign * self.rhs[k] / norm;
        }
        Ok(det_sign)
    }

    /// Chord-Newton corrector from the predicted point in `u`, orthogonal to the tangent.
    /// `Ok(false)` when it does not contract (the caller halves the step). `pert` is added
    /// to equation `first_eq` (Gambit's perturbation near a bifurcation).
    fn corrector<E: DenseJacobian>(
        &mut self,
        eq: &mut E,
        first_eq: usize,
        pert: f64,
    ) -> Result<bool, Failed> {
        let m = self.f0.len();
        let n = m + 1;
        self.equations(eq, true);
        self.augment();
        let mut last = f64::INFINITY;
        for it in 0..CORRECTOR_ITER {
            if it > 0 {
                self.equations(eq, false);
                self.augment();
            }
            for i in 0..m {
                self.rhs[i] = -self.f0[i];
            }
            if let Some(r) = self.rhs.get_mut(first_eq) {
                *r -= pert;
            }
            self.rhs[m] = 0.0;
            if solve_linear(&mut self.a, &mut self.rhs, n).is_none() {
                return Ok(false);
            }
            let dist = self.rhs.iter().fold(0.0_f64, |d, v| d.max(v.abs()));
            if !dist.is_finite() || dist > 0.5 || (it > 0 && dist > 0.5 * last) {
                return Ok(false);
            }
            for k in 0..n {
                self.u[k] += self.rhs[k];
            }
            if dist < CORRECTOR_TOL {
                return Ok(true);
            }
            last = dist;
        }
        Ok(false)
    }
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
