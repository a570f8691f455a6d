//! How far `pure`'s float passes can be off, and when they cannot be off at all.
//!
//! The passes run on payoffs scaled by a power of two into [-1, 1] ([`scaled_payoffs`]). In
//! general a gain within [`error_bound`] of zero is decided again exactly; when the floats
//! provably compute every gain exactly ([`floats_decide`]), they decide alone.

use super::exact::Exact;
use crate::game::{rational_to_f64, Game, Mover};
use num_rational::BigRational;
use num_traits::{Signed, Zero};

/// The accumulated payoffs of every node as `f64`, scaled by the power of two `2^-k` that puts
/// the largest terminal payoff's magnitude in (1/2, 1]: differences of scaled values cannot
/// overflow, and scaling by a power of two adds no rounding (short of underflow, which
/// [`error_bound`] covers). Also whether every scaled payoff is exact.
pub(super) fn scaled_payoffs(game: &Game, exact: &Exact) -> (Vec<Vec<f64>>, bool) {
    let max = game
        .terminals()
        .flat_map(|t| exact.acc[t.0].iter())
        .map(Signed::abs)
        .max()
        .unwrap_or_else(BigRational::zero);
    // 2^(bits(n) - bits(d) + 1) > n / d; the result stays within f64's exponents.
    let k = if max.is_zero() {
        0
    } else {
        let bits = |x: &num_bigint::BigInt| i64::try_from(x.bits()).unwrap_or(i64::MAX);
        (bits(max.numer()) - bits(max.denom()) + 1).clamp(-1000, 1024)
    };
    let scaled: Vec<Vec<f64>> = exact
        .acc
        .iter()
        .map(|v| {
            v.iter()
                .map(|x| times_pow2(rational_to_f64(x), -k))
                .collect()
        })
        .collect();
    let all_exact = game.terminals().all(|t| {
        exact.acc[t.0]
            .iter()
            .zip(&scaled[t.0])
            .all(|(x, &y)| BigRational::from_float(times_pow2(y, k)).is_some_and(|back| back == *x))
    });
    (scaled, all_exact)
}

/// `x * 2^e`, in steps that keep each factor a normal `f64`.
fn times_pow2(mut x: f64, mut e: i64) -> f64 {
    while e != 0 {
        let step = e.clamp(-512, 512);
        x *= 2f64.powi(step as i32);
        e -= step;
    }
    x
}

/// A bound on the rounding error of a gain computed in `f64` from payoffs scaled into [-1, 1].
///
/// Each continuation value is a chain of at most `depth` averages, each of at most `width`
/// products, with weights (chance probabilities, themselves rounded) summing to about one,
/// so its error is below `depth (width + 2) ε` (Higham, *Accuracy and Stability of Numerical
/// Algorithms*, 2nd ed., §3.1, with the inputs' own rounding); a gain adds two of them, the
/// rounding of the reach probabilities (`2 depth ε`) and a sum over the set's members
/// (`2 members ε`). The bound doubles that sum and adds `1e-290` for underflow (each of fewer
/// than 10^15 operations loses at most 2^-1075).
pub(super) fn error_bound(game: &Game) -> f64 {
    let nodes = game.nodes();
    let mut depth = vec![0usize; nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        if let Some((p, _)) = node.parent {
            depth[i] = depth[p.0] + 1;
        }
    }
    let depth = depth.iter().copied().max().unwrap_or(0) as f64 + 1.0;
    let width = nodes.iter().map(|n| n.children.len()).max().unwrap_or(0) as f64;
    let members = game
        .infosets()
        .iter()
        .map(|s| s.members.len())
        .max()
        .unwrap_or(0) as f64;
    let terms = 2.0 * depth * (width + 2.0) + 2.0 * depth + 2.0 * members + 8.0;
    2.0 * f64::EPSILON * terms + 1e-290
}

/// Whether the float passes compute every gain exactly, so that its sign decides alone. Needs
/// every scaled payoff exact (the caller checks), and then either
/// - no chance: a pure profile's gain is one difference of two payoffs (reach is 0 or 1, and
///   only an absent-minded set has two members on the play), whose sign a float subtraction
///   gets right; or
/// - dyadic chance: every probability an exact float with at most `b` bits after the binary
///   point, at most `c` chance nodes on a path, and payoffs multiples of `2^e` (`e ≤ 0`, the
///   scaled payoffs lying in [-1, 1]). Every value, reach and gain is then a multiple of
///   `2^(e - 2bc)` of magnitude at most 2, so it fits in 53 bits, and every operation is
///   exact, when `2bc - e ≤ 51`.
pub(super) fn floats_decide(game: &Game, exact: &Exact, scaled: &[Vec<f64>]) -> bool {
    let mut frac_bits = 0i64;
    for (k, set) in game.infosets().iter().enumerate() {
        if set.mover != Mover::Chance {
            continue;
        }
        for p in &exact.chance[k] {
            let f = rational_to_f64(p);
            if BigRational::from_float(f).as_ref() != Some(p) {
                return false;
            }
            frac_bits = frac_bits.max(-lowest_bit(f).min(0));
        }
    }
    if frac_bits == 0 && game.infosets().iter().all(|s| s.mover != Mover::Chance) {
        return true;
    }
    let nodes = game.nodes();
    let mut on_path = vec![0i64; nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        let here = i64::from(matches!(
            node.infoset.map(|s| game.infoset(s).mover),
            Some(Mover::Chance)
        ));
        let above = node.parent.map_or(0, |(p, _)| on_path[p.0]);
        on_path[i] = above + here;
    }
    let chance_depth = on_path.iter().copied().max().unwrap_or(0);
    let lowest = game
        .terminals()
        .flat_map(|t| scaled[t.0].iter())
        .filter(|x| **x != 0.0)
        .map(|&x| lowest_bit(x))
        .min()
        .unwrap_or(0)
        .min(0);
    2 * frac_bits * chance_depth - lowest <= 51
}

/// The exponent of the lowest set bit of a non-zero finite float (`x = m 2^e`, `m` odd).
fn lowest_bit(x: f64) -> i64 {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mant, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp - 1075)
    };
    if mant == 0 {
        return 0;
    }
    e + i64::from(mant.trailing_zeros())
}

#[cfg(test)]
mod tests {
    use super::lowest_bit;

    #[test]
    fn lowest_bits() {
        assert_eq!(lowest_bit(1.0), 0);
        assert_eq!(lowest_bit(0.5), -1);
        assert_eq!(lowest_bit(0.75), -2);
        assert_eq!(lowest_bit(12.0), 2);
        assert_eq!(lowest_bit(f64::from_bits(1)), -1074);
        assert_eq!(lowest_bit(-0.375), -3);
    }
}
