//! What a tracer needs to know of the logit equations: a system `F(x, λ) = 0` in `n`
//! unknowns, its solution at λ = 0, and solves with its Jacobian `J = ∂F/∂x` at the last
//! point evaluated.
//!
//! Two systems implement it: the equations of a general game in log-probabilities
//! ([`super::system`], with a dense Jacobian, Gambit's formulation) and those of a game in rows
//! of type combinations in utilities ([`super::rows`], with a Newton solve linear in the
//! tree). The continuation ([`super::continuation`]) knows only this trait.

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
    /// `−J⁻¹ F` into `step` and, when asked, the tangent `dx/dλ = −J⁻¹ ∂F/∂λ`; `false` if
    /// `J` is singular.
    fn solve(
        &mut self,
        x: &[f64],
        f: &[f64],
        step: &mut [f64],
        tangent: Option<&mut [f64]>,
    ) -> bool;

    /// The size of a change `dx` at λ, in units where 1 is a change of the log-probabilities
    /// of about 1 (tolerances apply to it).
    fn size(&self, dx: &[f64], lambda: f64) -> f64;

    /// The scale of λ: the QRE changes appreciably over λ of order `1 / scale` (the payoff
    /// range).
    fn lambda_scale(&self) -> f64;
}
