//! All extreme Nash equilibria of a two-player normal-form (bimatrix) game.
//!
//! The method is vertex enumeration of the two best-response polytopes (Mangasarian 1964;
//! von Stengel, "Equilibrium computation for two-player games in strategic and extensive form",
//! *Algorithmic Game Theory*, ch. 3, 2007): with payoffs shifted to be positive,
//! `P = { x ≥ 0 : Bᵀ x ≤ 1 }` and `Q = { y ≥ 0 : A y ≤ 1 }`. A pair of vertices `(x, y) ≠ (0, 0)`
//! is an equilibrium, after normalising `x` and `y` to probabilities, exactly when it is
//! *completely labelled*: every pure strategy is either unplayed or a best response. The pairs of
//! completely labelled vertices are the extreme equilibria; every equilibrium is a convex
//! combination of extreme ones that share a maximal clique. This is the set that Gambit's
//! `enummixed` reports, and the output follows Gambit's order (the polytopes are normalised and
//! their vertices visited exactly as Gambit 16.7 does; see the `polytope` submodule), checked
//! against pygambit's `enummixed_solve(rational=True)` on 50 games.
//!
//! All arithmetic is exact (a fraction-free integer tableau; results as [`BigRational`]), so
//! degenerate games — a mixed strategy with more pure best responses than the size of its
//! support, continua of equilibria — are decided exactly, never by tolerances. One deliberate
//! difference from Gambit: in some degenerate games Gambit's reverse search accepts two bases of
//! the same vertex and lists an equilibrium more than once; here each equilibrium appears once,
//! at the position of its first occurrence in Gambit's list.
//!
//! Cost: the reverse search visits every basis of the two polytopes once (capped by
//! [`EnumOptions::max_bases`]), then every pair of vertices is tested, so time grows with the
//! product of the two vertex counts.
//!
//! # Examples
//!
//! ```
//! use escalation::solve::enumerate::enumerate_equilibria_f64;
//! use ndarray::array;
//!
//! // Battle of the sexes: two pure equilibria and one mixed.
//! let a = array![[2.0, 0.0], [0.0, 1.0]];
//! let b = array![[1.0, 0.0], [0.0, 2.0]];
//! let equilibria = enumerate_equilibria_f64(&a, &b)?;
//! assert_eq!(equilibria.len(), 3);
//! let mixed = equilibria.iter().find(|e| e.p1_f64()[0] > 0.0 && e.p1_f64()[0] < 1.0).unwrap();
//! assert_eq!(mixed.p1_f64(), vec![2.0 / 3.0, 1.0 / 3.0]);
//! assert_eq!(mixed.payoffs_f64(), [2.0 / 3.0, 2.0 / 3.0]);
//! # Ok::<(), escalation::solve::enumerate::EnumError>(())
//! ```

mod polytope;

use std::collections::HashSet;

use ndarray::Array2;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use polytope::enumerate_vertices;

/// Default cap on the number of bases the reverse search may visit per polytope (2^20).
pub const DEFAULT_MAX_BASES: usize = 1 << 20;

/// An equilibrium in mixed strategies of a bimatrix game, in exact arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MixedEquilibrium {
    /// Player 1's (row player's) probability of each row; sums to exactly 1.
    pub p1: Vec<BigRational>,
    /// Player 2's (column player's) probability of each column; sums to exactly 1.
    pub p2: Vec<BigRational>,
    /// Expected payoffs `[p1ᵀ A p2, p1ᵀ B p2]` in the original (unshifted) payoffs.
    pub payoffs: [BigRational; 2],
}

impl MixedEquilibrium {
    /// Player 1's strategy as the nearest `f64`s.
    pub fn p1_f64(&self) -> Vec<f64> {
        self.p1.iter().map(rational_to_f64).collect()
    }

    /// Player 2's strategy as the nearest `f64`s.
    pub fn p2_f64(&self) -> Vec<f64> {
        self.p2.iter().map(rational_to_f64).collect()
    }

    /// Expected payoffs as the nearest `f64`s.
    pub fn payoffs_f64(&self) -> [f64; 2] {
        [
            rational_to_f64(&self.payoffs[0]),
            rational_to_f64(&self.payoffs[1]),
        ]
    }
}

fn rational_to_f64(r: &BigRational) -> f64 {
    r.to_f64().unwrap_or(f64::NAN)
}

/// What was wrong with a game given to the equilibrium enumeration.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EnumError {
    /// The two payoff matrices have different shapes.
    #[error(
        "payoff matrices differ in shape: player 1's `a` is {}x{}, player 2's `b` is {}x{}",
        a.0, a.1, b.0, b.1
    )]
    ShapeMismatch {
        /// Shape (rows, columns) of player 1's matrix.
        a: (usize, usize),
        /// Shape (rows, columns) of player 2's matrix.
        b: (usize, usize),
    },
    /// A player has no strategy.
    #[error("the game is empty: payoff matrices are {rows}x{cols}; each player needs a strategy")]
    EmptyGame {
        /// Number of rows (player 1's strategies).
        rows: usize,
        /// Number of columns (player 2's strategies).
        cols: usize,
    },
    /// A floating-point payoff is NaN or infinite.
    #[error("payoff of player {player} at row {row}, column {col} is not finite: {value}")]
    NonFinitePayoff {
        /// 1 for matrix `a`, 2 for matrix `b`.
        player: usize,
        /// Row (0-based).
        row: usize,
        /// Column (0-based).
        col: usize,
        /// The offending value.
        value: f64,
    },
    /// A payoff beyond the range of `f64` (±1.797e308), in which expected payoffs are
    /// reported: the equilibria are exact, but their payoffs could not be.
    #[error(
        "payoff of player {player} at row {row}, column {col} is about {value}, beyond \
         ±1.797e308, the largest magnitude a 64-bit float (and so a reported payoff) can hold; \
         rescale the game's payoffs"
    )]
    PayoffOutOfRange {
        /// 1 for matrix `a`, 2 for matrix `b`.
        player: usize,
        /// Row (0-based).
        row: usize,
        /// Column (0-based).
        col: usize,
        /// The payoff, approximately (`3.0e308`).
        value: String,
    },
    /// The game is too large: the vertex enumeration of a best-response polytope visited more
    /// bases than allowed.
    #[error(
        "game too large: enumerating the best-response polytope of player {player}'s strategies \
         visited more than {limit} bases; raise `EnumOptions::max_bases` or use a smaller game"
    )]
    TooManyBases {
        /// The player whose mixed strategies the polytope holds (1 or 2).
        player: usize,
        /// The cap that was exceeded.
        limit: usize,
    },
}

/// Options of [`enumerate_equilibria_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnumOptions {
    /// Maximum number of bases the reverse search visits per polytope before giving up with
    /// [`EnumError::TooManyBases`]. Each vertex has at least one basis, so this also caps the
    /// number of vertices.
    pub max_bases: usize,
}

impl Default for EnumOptions {
    fn default() -> Self {
        EnumOptions {
            max_bases: DEFAULT_MAX_BASES,
        }
    }
}

impl EnumOptions {
    /// These options with another cap on the bases visited per polytope.
    pub fn with_max_bases(mut self, max_bases: usize) -> Self {
        self.max_bases = max_bases;
        self
    }
}

/// All extreme Nash equilibria of the bimatrix game `(a, b)`, in Gambit's `enummixed` order.
///
/// `a[[i, j]]` and `b[[i, j]]` are the payoffs of player 1 and player 2 when player 1 plays row
/// `i` and player 2 column `j`. Every game has at least one equilibrium, so the result is never
/// empty. Uses [`EnumOptions::default`].
///
/// # Errors
/// [`EnumError::ShapeMismatch`] if `a` and `b` differ in shape, [`EnumError::EmptyGame`] if a
/// player has no strategy, [`EnumError::PayoffOutOfRange`] for a payoff beyond ±1.797e308,
/// [`EnumError::TooManyBases`] if a polytope needs more than [`DEFAULT_MAX_BASES`] bases.
///
/// # Examples
///
/// ```
/// use escalation::solve::enumerate::enumerate_equilibria;
/// use ndarray::Array2;
/// use num_rational::BigRational;
///
/// // Matching pennies: the unique equilibrium is (1/2, 1/2) for both players.
/// let q = |n: i64| BigRational::from_integer(n.into());
/// let a = Array2::from_shape_vec((2, 2), vec![q(1), q(-1), q(-1), q(1)]).unwrap();
/// let b = a.mapv(|x| -x);
/// let equilibria = enumerate_equilibria(&a, &b)?;
/// let half = BigRational::new(1.into(), 2.into());
/// assert_eq!(equilibria.len(), 1);
/// assert_eq!(equilibria[0].p1, vec![half.clone(), half.clone()]);
/// assert_eq!(equilibria[0].p2, vec![half.clone(), half]);
/// assert_eq!(equilibria[0].payoffs, [q(0), q(0)]);
/// # Ok::<(), escalation::solve::enumerate::EnumError>(())
/// ```
pub fn enumerate_equilibria(
    a: &Array2<BigRational>,
    b: &Array2<BigRational>,
) -> Result<Vec<MixedEquilibrium>, EnumError> {
    enumerate_equilibria_with(a, b, &EnumOptions::default())
}

/// [`enumerate_equilibria`] on `f64` payoffs, each converted to the rational it exactly equals.
///
/// # Errors
/// [`EnumError::NonFinitePayoff`] for a NaN or infinite payoff, otherwise as
/// [`enumerate_equilibria`].
///
/// # Examples
///
/// ```
/// use escalation::solve::enumerate::enumerate_equilibria_f64;
/// use ndarray::array;
///
/// // Prisoners' dilemma: mutual defection is the only equilibrium.
/// let a = array![[-1.0, -3.0], [0.0, -2.0]];
/// let equilibria = enumerate_equilibria_f64(&a, &a.t().to_owned())?;
/// assert_eq!(equilibria.len(), 1);
/// assert_eq!(equilibria[0].p1_f64(), vec![0.0, 1.0]);
/// assert_eq!(equilibria[0].payoffs_f64(), [-2.0, -2.0]);
/// # Ok::<(), escalation::solve::enumerate::EnumError>(())
/// ```
pub fn enumerate_equilibria_f64(
    a: &Array2<f64>,
    b: &Array2<f64>,
) -> Result<Vec<MixedEquilibrium>, EnumError> {
    let a = exact_payoffs(a, 1)?;
    let b = exact_payoffs(b, 2)?;
    enumerate_equilibria(&a, &b)
}

fn exact_payoffs(m: &Array2<f64>, player: usize) -> Result<Array2<BigRational>, EnumError> {
    let mut exact = Array2::from_elem(m.dim(), BigRational::zero());
    for ((row, col), &value) in m.indexed_iter() {
        exact[[row, col]] = BigRational::from_float(value).ok_or(EnumError::NonFinitePayoff {
            player,
            row,
            col,
            value,
        })?;
    }
    Ok(exact)
}

/// [`enumerate_equilibria`] with explicit [`EnumOptions`].
///
/// # Errors
/// As [`enumerate_equilibria`], with the cap of `options`.
pub fn enumerate_equilibria_with(
    a: &Array2<BigRational>,
    b: &Array2<BigRational>,
    options: &EnumOptions,
) -> Result<Vec<MixedEquilibrium>, EnumError> {
    if a.dim() != b.dim() {
        return Err(EnumError::ShapeMismatch {
            a: a.dim(),
            b: b.dim(),
        });
    }
    let (rows, cols) = a.dim();
    if rows == 0 || cols == 0 {
        return Err(EnumError::EmptyGame { rows, cols });
    }
    check_range(a, 1)?;
    check_range(b, 2)?;
    let (polytope_q, polytope_p) = best_response_matrices(a, b);
    // Vertices of Q = { y : A y ≤ 1 } are player 2's strategies, of P = { x : Bᵀ x ≤ 1 }
    // player 1's.
    let too_many = |player| EnumError::TooManyBases {
        player,
        limit: options.max_bases,
    };
    let vertices_q = enumerate_vertices(&polytope_q, options.max_bases).map_err(|_| too_many(2))?;
    let vertices_p = enumerate_vertices(&polytope_p, options.max_bases).map_err(|_| too_many(1))?;

    // Labels (von Stengel 2007, §3.3): player 1's strategies first, then player 2's. A vertex
    // x of P has the labels of unplayed rows and of columns that are best responses to x; a
    // vertex y of Q those of rows that are best responses to y and of unplayed columns.
    let labels_p: Vec<Vec<u64>> = vertices_p
        .iter()
        .map(|x| label_set(&x.zero_columns, &x.tight_rows))
        .collect();
    let labels_q: Vec<Vec<u64>> = vertices_q
        .iter()
        .map(|y| label_set(&y.tight_rows, &y.zero_columns))
        .collect();
    let all = label_set(&vec![true; rows], &vec![true; cols]);

    let mut seen = HashSet::new();
    let mut equilibria = Vec::new();
    // Gambit's loop order: player 1's vertices outside, player 2's inside; the first vertex of
    // each list is the origin, which is in no equilibrium.
    for (x, x_labels) in vertices_p.iter().zip(&labels_p).skip(1) {
        for (y, y_labels) in vertices_q.iter().zip(&labels_q).skip(1) {
            let completely_labelled = x_labels
                .iter()
                .zip(y_labels)
                .zip(&all)
                .all(|((a, b), full)| a | b == *full);
            if !completely_labelled {
                continue;
            }
            let p1 = normalised(&x.weights);
            let p2 = normalised(&y.weights);
            if !seen.insert((p1.clone(), p2.clone())) {
                continue;
            }
            let payoffs = [expected(a, &p1, &p2), expected(b, &p1, &p2)];
            equilibria.push(MixedEquilibrium { p1, p2, payoffs });
        }
    }
    Ok(equilibria)
}

/// `Err` for a payoff whose magnitude exceeds `f64::MAX`.
fn check_range(m: &Array2<BigRational>, player: usize) -> Result<(), EnumError> {
    let max = BigRational::from_float(f64::MAX).unwrap_or_default();
    match m.indexed_iter().find(|(_, v)| v.abs() > max) {
        Some(((row, col), v)) => Err(EnumError::PayoffOutOfRange {
            player,
            row,
            col,
            value: super::exact::magnitude(v),
        }),
        None => Ok(()),
    }
}

/// The labels as a bit set: `first` at bits `0..first.len()`, then `second`.
fn label_set(first: &[bool], second: &[bool]) -> Vec<u64> {
    let n = first.len() + second.len();
    let mut words = vec![0u64; n.div_ceil(64)];
    for (k, _) in first.iter().chain(second).enumerate().filter(|(_, &on)| on) {
        words[k / 64] |= 1 << (k % 64);
    }
    words
}

/// The constraint matrices of Q (`rows × cols`) and P (`cols × rows`), normalised as Gambit's
/// `enummixed` does: `(u - min) / (max - min)` with `min = min(least payoff, 0) - 1` and
/// `max = max(greatest payoff, 0)` over both players, so that every entry lies in (0, 1].
fn best_response_matrices(
    a: &Array2<BigRational>,
    b: &Array2<BigRational>,
) -> (Array2<BigRational>, Array2<BigRational>) {
    let all = || a.iter().chain(b.iter());
    let zero = BigRational::zero();
    let min =
        all().fold(zero.clone(), |m, v| if *v < m { v.clone() } else { m }) - BigRational::one();
    let max = all().fold(zero, |m, v| if *v > m { v.clone() } else { m });
    let scale = (&max - &min).recip();
    let shift = |v: &BigRational| (v - &min) * &scale;
    let q = a.map(shift);
    let p = b.t().map(shift);
    (q, p)
}

/// Weights scaled to sum to exactly 1.
fn normalised(weights: &[BigInt]) -> Vec<BigRational> {
    let total: BigInt = weights.iter().sum();
    weights
        .iter()
        .map(|w| BigRational::new(w.clone(), total.clone()))
        .collect()
}

fn expected(m: &Array2<BigRational>, p1: &[BigRational], p2: &[BigRational]) -> BigRational {
    let mut total = BigRational::zero();
    for ((i, j), v) in m.indexed_iter() {
        if !p1[i].is_zero() && !p2[j].is_zero() {
            total += v * &p1[i] * &p2[j];
        }
    }
    total
}
