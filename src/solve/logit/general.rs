//! The logit equations of a general game ([`super::system`], Gambit's formulation) as the
//! tracers see them: unknowns and equations in Gambit's order, solves by dense LU.

use super::compiled::{payoff_range, CompiledGame};
use super::equations::{DenseJacobian, Equations};
use super::system::{Formulation, System};

/// Buffers of a general game's equations (allocated once per workspace, on first use).
#[derive(Clone, Debug)]
pub(crate) struct GeneralBuffers {
    sys: System,
    /// The point in our profile order.
    ours: Vec<f64>,
    /// The equations in our order.
    f_ours: Vec<f64>,
    /// The Jacobian in our order, `m × (m + 1)`.
    jac: Vec<f64>,
    /// `J_x` in Gambit's order, factorised in place.
    lu: Vec<f64>,
    /// Row permutation of the factorisation.
    perm: Vec<usize>,
    /// Scratch of the triangular solves.
    z: Vec<f64>,
    /// λ of the last evaluation.
    lambda: f64,
}

impl GeneralBuffers {
    pub(crate) fn new(game: &CompiledGame, formulation: Formulation) -> GeneralBuffers {
        let m = game.profile_len;
        GeneralBuffers {
            sys: System::new(game, formulation),
            ours: vec![0.0; m],
            f_ours: vec![0.0; m],
            jac: vec![0.0; m * (m + 1)],
            lu: vec![0.0; m * m],
            perm: vec![0; m],
            z: vec![0.0; m],
            lambda: 0.0,
        }
    }

    pub(crate) fn formulation(&self) -> Formulation {
        self.sys.formulation()
    }
}

/// The equations of `game` with payoffs `pay` (see [`CompiledGame::solve`]).
pub(crate) struct GameEquations<'a> {
    pub(crate) game: &'a CompiledGame,
    pub(crate) pay: &'a [f64],
    pub(crate) b: &'a mut GeneralBuffers,
    range: f64,
}

impl<'a> GameEquations<'a> {
    pub(crate) fn new(
        game: &'a CompiledGame,
        pay: &'a [f64],
        b: &'a mut GeneralBuffers,
    ) -> GameEquations<'a> {
        GameEquations {
            game,
            pay,
            b,
            range: payoff_range(pay),
        }
    }

    /// The behaviour profile at `x` (Gambit's order) into `behav` (see [`profile_of`]).
    pub(crate) fn profile(&self, x: &[f64], behav: &mut [f64]) {
        profile_of(self.game, &self.b.sys.order, x, behav);
    }

    /// Our profile index of each unknown.
    pub(crate) fn order(&self) -> &[usize] {
        &self.b.sys.order
    }

    /// Evaluates the system and its equations (our order) at `x` (Gambit's order).
    fn evaluate(&mut self, x: &[f64], lambda: f64) {
        let b = &mut *self.b;
        for (k, &i) in b.sys.order.iter().enumerate() {
            b.ours[i] = x[k];
        }
        b.lambda = lambda;
        b.sys.evaluate(self.game, self.pay, &b.ours);
        b.sys.equations(self.game, &b.ours, lambda, &mut b.f_ours);
    }

    /// Factorises `J_x` (Gambit's order) into `lu` with partial pivoting; the sign of its
    /// determinant, `None` when singular.
    fn factorise(&mut self) -> Option<f64> {
        let m = self.game.profile_len;
        let n = m + 1;
        let b = &mut *self.b;
        for (r, &ir) in b.sys.order.iter().enumerate() {
            for (c, &ic) in b.sys.order.iter().enumerate() {
                b.lu[r * m + c] = b.jac[ir * n + ic];
            }
        }
        lu_factor(&mut b.lu, &mut b.perm, m)
    }
}

impl Equations for GameEquations<'_> {
    fn len(&self) -> usize {
        self.game.profile_len
    }

    fn start(&mut self, x: &mut [f64]) {
        let g = self.game;
        for &s in &g.strategic {
            let s = s as usize;
            let off = g.set_action[s] as usize;
            let k = g.set_num_actions[s] as usize;
            self.b.ours[off..off + k].fill((1.0 / k as f64).ln());
        }
        for (k, &i) in self.b.sys.order.iter().enumerate() {
            x[k] = self.b.ours[i];
        }
        self.evaluate(x, 0.0);
    }

    fn residual(&mut self, x: &[f64], lambda: f64, f: &mut [f64]) -> f64 {
        self.evaluate(x, lambda);
        let b = &mut *self.b;
        let mut worst = 0.0f64;
        for (k, &i) in b.sys.order.iter().enumerate() {
            f[k] = b.f_ours[i];
            worst = worst.max(f[k].abs());
        }
        if worst.is_nan() {
            f64::INFINITY
        } else {
            worst
        }
    }

    fn solve(
        &mut self,
        _x: &[f64],
        f: &[f64],
        step: &mut [f64],
        tangent: Option<&mut [f64]>,
    ) -> Option<f64> {
        let m = self.game.profile_len;
        let lambda = self.b.lambda;
        self.b
            .sys
            .jacobian(self.game, lambda, &mut self.b.jac, true);
        let sign = self.factorise()?;
        for (s, v) in step.iter_mut().zip(f) {
            *s = -v;
        }
        let b = &mut *self.b;
        lu_solve(&b.lu, &b.perm, m, step, &mut b.z);
        if let Some(t) = tangent {
            let n = m + 1;
            for (r, &ir) in b.sys.order.iter().enumerate() {
                t[r] = -b.jac[ir * n + m];
            }
            lu_solve(&b.lu, &b.perm, m, t, &mut b.z);
            return step
                .iter()
                .chain(t.iter())
                .all(|v| v.is_finite())
                .then_some(sign);
        }
        step.iter().all(|v| v.is_finite()).then_some(sign)
    }

    fn size(&self, x: &[f64], dx: &[f64], _lambda: f64) -> f64 {
        // Log-probabilities far below zero (probabilities that underflow) only need to stay
        // far below: their changes count relative to their size.
        x.iter()
            .zip(dx)
            .fold(0.0f64, |m, (x, d)| m.max(d.abs() / x.abs().max(1.0)))
    }

    fn lambda_scale(&self) -> f64 {
        self.range
    }
}

impl DenseJacobian for GameEquations<'_> {
    fn jacobian(&mut self, lambda: f64, jac: &mut [f64], exact: bool) {
        let m = self.game.profile_len;
        let n = m + 1;
        let b = &mut *self.b;
        b.sys.jacobian(self.game, lambda, &mut b.jac, exact);
        for (r, &ir) in b.sys.order.iter().enumerate() {
            for (c, &ic) in b.sys.order.iter().enumerate() {
                jac[r * n + c] = b.jac[ir * n + ic];
            }
            jac[r * n + m] = b.jac[ir * n + m];
        }
    }
}

/// The behaviour profile at `x` (log-probabilities in the order `order`): `exp(x)`
/// normalised per information set, in our profile order, into `behav`.
pub(crate) fn profile_of(game: &CompiledGame, order: &[usize], x: &[f64], behav: &mut [f64]) {
    for (k, &i) in order.iter().enumerate() {
        behav[i] = x[k].exp();
    }
    for &s in &game.strategic {
        let s = s as usize;
        let off = game.set_action[s] as usize;
        let k = game.set_num_actions[s] as usize;
        let total: f64 = behav[off..off + k].iter().sum();
        for p in &mut behav[off..off + k] {
            *p /= total;
        }
    }
}

/// LU factorisation with partial pivoting of the row-major `n × n` matrix `a`, in place;
/// the sign of its determinant, `None` when singular.
pub(crate) fn lu_factor(a: &mut [f64], perm: &mut [usize], n: usize) -> Option<f64> {
    for (k, p) in perm.iter_mut().enumerate() {
        *p = k;
    }
    let mut sign = 1.0;
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
        if best.is_nan() || best == 0.0 {
            return None;
        }
        if piv != col {
            for j in 0..n {
                a.swap(col * n + j, piv * n + j);
            }
            perm.swap(col, piv);
            sign = -sign;
        }
        let d = a[col * n + col];
        if d < 0.0 {
            sign = -sign;
        }
        for r in col + 1..n {
            let f = a[r * n + col] / d;
            a[r * n + col] = f;
            if f != 0.0 {
                for j in col + 1..n {
                    a[r * n + j] -= f * a[col * n + j];
                }
            }
        }
    }
    Some(sign)
}

/// Solves `a x = b` in place with the factorisation of [`lu_factor`] (`z`: scratch of
/// length `n`).
pub(crate) fn lu_solve(a: &[f64], perm: &[usize], n: usize, b: &mut [f64], z: &mut [f64]) {
    for (z, &p) in z.iter_mut().zip(perm) {
        *z = b[p];
    }
    for r in 0..n {
        let mut s = z[r];
        for j in 0..r {
            s -= a[r * n + j] * z[j];
        }
        z[r] = s;
    }
    for r in (0..n).rev() {
        let mut s = z[r];
        for j in r + 1..n {
            s -= a[r * n + j] * z[j];
        }
        z[r] = s / a[r * n + r];
    }
    b[..n].copy_from_slice(&z[..n]);
}
