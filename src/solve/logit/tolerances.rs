//! Every tolerance and work limit of the logit QRE engine, in one place.
//!
//! Sizes of corrections are measured as [`super::equations::Equations::size`] does: about
//! the largest change of a log-probability (so 1e-6 is a relative change of 1e-6 in every
//! probability).
//!
//! # Newton continuation (the engine's own steps)
//! Every QRE not traced Gambit's way ([`super::continuation`]) is followed from λ = 0 by
//! Euler prediction and one Newton correction per point, then settled by Newton's method at
//! the target.
//!
//! # Gambit's tracer
//! [`super::pc`] replicates Gambit's `PathTracer` (pygambit 16.7), so that where the branch
//! bifurcates it leaves along Gambit's branch: its constants are Gambit's and decide which
//! QRE such a game returns, not how accurate it is (the point it reaches is then settled by
//! Newton's method to [`NEWTON_TOLERANCE`]).
//!
//! # The robust tracer
//! [`super::path`] follows the branch by arc length through folds and bifurcations where
//! the others stall.

/// A point on the way is accepted when the Newton correction it needs is at most this
/// (about a factor e in a probability).
///
/// This bound, with [`AIM`], sets how far one step can reach, and so how narrow a bend of
/// the branch a step can cross without noticing: where the branch turns back and forth
/// within one step (an S-shaped bend), the step lands on the far side with the Jacobian's
/// sign unchanged, on another branch. With a bound and aim of 2, four of 3,430 prior draws
/// of the case library did so (Switzerland runs 2, 849 and 927, EU 2025 run 61, seed 1; off
/// by 0.3 to 1 in a probability against Gambit's tracer); with 1, none of them
/// (`tests/model_views_principal.rs`). The shorter steps cost about 9% more passes on the
/// Colombia scenario. No bound makes a crossing impossible: a bend narrower than a step is
/// not seen at the step's ends.
pub(crate) const MAX_CORRECTION: f64 = 1.0;
/// Correction the continuation's step size aims at (the step scales as the square root of
/// the ratio of this to the last correction, between ×1/2 and [`MAX_GROWTH`]).
pub(crate) const AIM: f64 = 1.0;
/// Largest growth of the continuation's step from one point to the next.
pub(crate) const MAX_GROWTH: f64 = 4.0;
/// Largest growth of the step after the first point (from λ = 0). Near λ = 0 the branch
/// bends less than further on, so the square law extrapolates the first point's small
/// correction too far: on the Colombia ladder at 16 rounds, the second point needed a
/// correction of 4 to 5 where 2 was aimed at, and was refused in every run. With ×1.7 the
/// passes per run there fell from 10.6 to 9.7 (96 runs, stop 24, when the aim was 2); where
/// the first correction is larger (the two-round scenario), the growth is below ×1.7 anyway.
pub(crate) const FIRST_GROWTH: f64 = 1.7;
/// The first step, in units of λ times the payoff range (with a bound of 1 on the
/// correction, 3.5 is refused less often than 4, and needs fewer passes than 2.5 or 3).
pub(crate) const FIRST_REACH: f64 = 3.5;
/// Largest last Newton correction at the target λ. Newton's method converges
/// quadratically, so the error left after it is about its square: on the bundled scenarios
/// below 1e-10 in every probability.
pub(crate) const NEWTON_TOLERANCE: f64 = 3e-5;
/// A Newton correction at fixed λ that shrinks quadratically, to at most this ratio of the
/// one before, settles the solve when it is at most [`NEWTON_TOLERANCE`].
pub(crate) const QUADRATIC_RATE: f64 = 0.1;
/// A Newton correction at most this settles the solve however it shrank (at a singular
/// solution, where Newton's method converges only linearly).
pub(crate) const NEWTON_FLOOR: f64 = 1e-12;
/// Where the corrections stop shrinking after one of at most this (rounding, at a singular
/// solution: it is then determined only to about the square root of the machine epsilon),
/// the last point is the solution.
pub(crate) const NEWTON_STAGNATION: f64 = 1e-7;
/// Each Newton correction at fixed λ must be at most this times the one before.
pub(crate) const NEWTON_CONTRACTION: f64 = 0.8;
/// Newton steps at a fixed λ before giving up.
pub(crate) const MAX_NEWTON: usize = 60;
/// Points the continuation evaluates on the way before giving up.
pub(crate) const MAX_CONTINUATION_STEPS: usize = 400;
/// Smallest continuation step, relative to the target λ.
pub(crate) const MIN_CONTINUATION_STEP: f64 = 1e-9;

/// Gambit's first steplength (`first_step`).
pub(crate) const GAMBIT_FIRST_STEP: f64 = 0.03;
/// Gambit's largest change of the steplength per step (`max_accel`).
pub(crate) const GAMBIT_MAX_DECEL: f64 = 1.1;
/// Gambit's corrector tolerance on the length of a Newton step.
pub(crate) const GAMBIT_TOL: f64 = 1e-4;
/// Gambit's longest corrector step.
pub(crate) const GAMBIT_MAX_DIST: f64 = 0.4;
/// Gambit's largest contraction rate of the corrector.
pub(crate) const GAMBIT_MAX_CONTR: f64 = 0.6;
/// Gambit's guard against cancellation in the contraction rate.
pub(crate) const GAMBIT_ETA: f64 = 0.1;
/// Gambit's smallest steplength.
pub(crate) const GAMBIT_MIN_STEP: f64 = 1e-8;
/// Gambit's corrector iterations before the trace fails.
pub(crate) const GAMBIT_MAX_ITER: usize = 100;
/// Gambit's perturbation of the first equation near a bifurcation (`c_pert`); the robust
/// tracer uses it too.
pub(crate) const BIFURCATION_PERTURBATION: f64 = 1e-7;
/// Steps of Gambit's tracer before it is taken to have stalled.
pub(crate) const GAMBIT_MAX_STEPS: usize = 100_000;

/// First arc-length step of the robust tracer.
pub(crate) const ROBUST_FIRST_STEP: f64 = 0.03;
/// Growth of the robust tracer's step after an easy correction.
pub(crate) const ROBUST_STEP_GROWTH: f64 = 1.5;
/// Smallest step of the robust tracer.
pub(crate) const ROBUST_MIN_STEP: f64 = 1e-10;
/// Steps of the robust tracer before it gives up.
pub(crate) const ROBUST_MAX_STEPS: usize = 200_000;
/// Corrector iterations of the robust tracer per step.
pub(crate) const ROBUST_CORRECTOR_ITER: usize = 10;
/// The robust tracer's corrector tolerance (largest Newton step).
pub(crate) const ROBUST_CORRECTOR_TOL: f64 = 1e-10;
/// Step below which the robust tracer passes a change of orientation instead of perturbing
/// around it.
pub(crate) const ROBUST_PASS_STEP: f64 = 1e-6;
/// λ times the payoff range beyond which a trace to the limit that stalls returns its last
/// point (probabilities underflow there).
pub(crate) const STALL_LAMBDA: f64 = 1e3;

/// The limit λ → ∞ is reached when the largest regret at any information set is below this
/// times the payoff range (pygambit's default `maxregret`).
pub(crate) const LIMIT_MAX_REGRET: f64 = 1e-8;

/// Largest game (actions) in rows that a stalled solve hands to Gambit's tracer on the
/// general game, with a dense Jacobian, when arc length on its rows
/// ([`super::continuation::trace_arc`]) fails too: a dense step costs the cube of the game's
/// size, minutes per solve on the longest ladders; a larger game's solve fails instead.
pub(crate) const DENSE_FALLBACK_MAX: usize = 150;
/// Points the arc-length continuation on rows evaluates before giving up.
pub(crate) const MAX_ARC_STEPS: usize = 4_000;
/// Largest Newton correction of the arc-length continuation's corrector (its points are
/// corrected until they settle, to [`ARC_TOLERANCE`]). With the continuation's bound of 1
/// here too, more of its fold draws ran out of steps: the main example's joint calibration of
/// the case library could not solve 39 draws instead of 25, and took 72 s instead of 57.
pub(crate) const MAX_ARC_CORRECTION: f64 = 2.0;
/// Newton corrections per point of the arc-length continuation.
pub(crate) const MAX_ARC_CORRECTIONS: usize = 6;
/// A point of the arc-length continuation is on the branch when its last correction is at
/// most this.
pub(crate) const ARC_TOLERANCE: f64 = 1e-7;
/// Smallest step of the arc-length continuation, in its units (see `trace_arc`).
pub(crate) const MIN_ARC_STEP: f64 = 1e-9;
