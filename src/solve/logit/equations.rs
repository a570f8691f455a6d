//! What a tracer needs to know of the logit equations: a system `F(x, λ) = 0` in `n`
//! unknowns, its solution at λ = 0, and solves with its Jacobian `J = ∂F/∂x` at the last
//! point evaluated.
//!
//! Two systems implement it: the equations of a general game in log-probabilities
//! ([`super::system`], with a dense Jacobian, Gambit's formulation) and those of a game in rows
//! of type combinations in utilities ([`super::rows`], with a Newton solve linear in the
//! tree). The continuation ([`super::continuation`]) knows only this trait; the arc-length
//! tracers ([`super::pc`], [`super::path`]) know [`DenseJacobian`].

/// A system of equations `F(x, λ) = 0` whose solutions are the logit QRE.
pub(crate) trait Equations {
    /// Number of unknowns (and equations).
    fn len(&self) -> usize;

    /// The solution at λ = 0 into `x`; leaves the system evaluated there.
    fn start(&mut self, x: &mut [f64]);

    /// Evaluates `F(x, λ)` into `f` and keeps what the solves below need. Returns the
    /// largest `|F|`, or infinity when some entry is not finite.
    fn residual(&mut self, x: &[f64], lambda: f64, f: &mut [f64]) -> f64;

    /// At the last evaluation (at `x`, where the residual was `f`): Newton's step
    /// `−J⁻¹ F` into `step` and, when asked, the tangent `dx/dλ = −J⁻¹ ∂F/∂λ`. Returns the
    /// sign of `det J` (it changes where the branch bifurcates or turns back), or `None` if
    /// `J` is singular or a result is not finite.
    fn solve(
        &mut self,
        x: &[f64],
        f: &[f64],
        step: &mut [f64],
        tangent: Option<&mut [f64]>,
    ) -> Option<f64>;

    /// The size of a change `dx` of `x` at λ, in units where 1 is a change of the
    /// log-probabilities of about 1 (tolerances apply to it).
    fn size(&self, x: &[f64], dx: &[f64], lambda: f64) -> f64;

    /// The scale of λ: the QRE changes appreciably over λ of order `1 / scale` (the payoff
    /// range).
    fn lambda_scale(&self) -> f64;
}

/// A system that can also give its dense Jacobian, for the tracers that follow the branch by
/// arc length (their steps need `[J_x | ∂F/∂λ]`, not only solves with `J_x`).
pub(crate) trait DenseJacobian: Equations {
    /// The Jacobian `[∂F/∂x | ∂F/∂λ]` at the last evaluation and `lambda`, row-major
    /// `n × (n + 1)`. With `exact`, the derivative; without, Gambit's approximation (see
    /// [`super::system::System::jacobian`]).
    fn jacobian(&mut self, lambda: f64, jac: &mut [f64], exact: bool);

    /// Index of the equation Gambit perturbs near a bifurcation.
    fn first_equation(&self) -> usize {
        0
    }
}
