//! Interval estimates and histogram quantiles used by the summaries.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

/// The standard normal quantile for a two-sided 95% interval, Φ⁻¹(0.975).
pub const Z95: f64 = 1.959_963_984_540_054;

/// The quantile levels every summary reports.
pub const QUANTILE_LEVELS: [f64; 5] = [0.05, 0.25, 0.50, 0.75, 0.95];

/// Wilson score interval for a binomial proportion: `k` successes in `n` trials at normal
/// quantile `z` (Wilson 1927; method 3 of Newcombe 1998, without continuity correction).
/// `None` when `n == 0` or `k > n`.
///
/// # Examples
/// ```
/// use escalation::sim::stats::{wilson, Z95};
/// // Newcombe (1998), Table I: 81 of 263 gives 0.2553 to 0.3662.
/// let (lo, hi) = wilson(81, 263, Z95).unwrap();
/// assert!((lo - 0.2553).abs() < 5e-5 && (hi - 0.3662).abs() < 5e-5);
/// ```
pub fn wilson(k: u64, n: u64, z: f64) -> Option<(f64, f64)> {
    if n == 0 || k > n {
        return None;
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Quantile `q` of the values counted in a histogram, rounded down to the histogram's grid.
///
/// `slots` is `[underflow, bin 1, ..., bin b, overflow]` over `[lo, hi]`, and `min`, `max` are
/// the exact extremes. The sample quantile (the smallest counted value `x` with at least
/// `q * n` values `<= x`) lies in the first slot where the cumulative count reaches `q * n`;
/// the result is that slot's left edge (`min` for the underflow slot, `hi` for overflow),
/// raised to `min` if below it. So for a quantile inside `[lo, hi]` the true sample quantile
/// lies in `[result, result + (hi - lo) / b]`; it is exact when the values sit on the grid
/// (counts, 0/1 flags, a point mass at 0). `None` for an empty histogram.
pub fn histogram_quantile(
    slots: &[u64],
    lo: f64,
    hi: f64,
    min: f64,
    max: f64,
    q: f64,
) -> Option<f64> {
    let n: u64 = slots.iter().sum();
    if n == 0 || slots.len() < 3 {
        return None;
    }
    let bins = slots.len() - 2;
    let width = (hi - lo) / bins as f64;
    let target = q.clamp(0.0, 1.0) * n as f64;
    let mut reached = 0u64;
    for (s, &c) in slots.iter().enumerate() {
        if c == 0 {
            continue;
        }
        reached += c;
        if reached as f64 >= target {
            let left = if s == 0 {
                min
            } else if s == bins + 1 {
                hi
            } else {
                lo + (s - 1) as f64 * width
            };
            return Some(left.max(min).min(max));
        }
    }
    Some(max)
}

/// For a metric whose every value is its `min` or its `max` (a 0/1 flag, any two-valued
/// metric), the number of runs at `max`, read exactly from the accumulators: `n` runs, the
/// exact sum `sum` and sum of squares `sum_sq`. Every value is `min` or `max` exactly when
/// `Σ (x − min)(max − x) = (min + max) Σx − Σx² − n·min·max` is zero, since each term is
/// non-negative and zero only at the ends. `None` otherwise (a metric with a value inside,
/// `min == max`, or squares that were rounded), and the histogram has to do.
pub(crate) fn two_point_split(
    n: u64,
    min: f64,
    max: f64,
    sum: &BigRational,
    sum_sq: &BigRational,
) -> Option<u64> {
    if n == 0 || min >= max {
        return None;
    }
    let (lo, hi) = (BigRational::from_float(min)?, BigRational::from_float(max)?);
    let n_r = BigRational::from_integer(BigInt::from(n));
    let inside = (&lo + &hi) * sum - sum_sq - &n_r * &lo * &hi;
    if !inside.is_zero() {
        return None;
    }
    let at_max = (sum - &n_r * &lo) / (&hi - &lo);
    if !at_max.is_integer() {
        return None;
    }
    at_max.to_integer().to_u64().filter(|&k| k <= n)
}

/// Quantile `q` of `n` values of which `at_max` are `max` and the rest `min`: the smallest
/// value with at least `q n` values at or below it (the definition of
/// [`histogram_quantile`]), so always `min` or `max`.
pub(crate) fn two_point_quantile(n: u64, at_max: u64, min: f64, max: f64, q: f64) -> f64 {
    let at_min = n - at_max;
    if at_min > 0 && at_min as f64 >= q.clamp(0.0, 1.0) * n as f64 {
        min
    } else {
        max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
    /// comparison of seven methods. Statistics in Medicine 17, 857–872, Table I, method 3
    /// (Wilson score interval without continuity correction), to 4 decimals.
    #[test]
    fn wilson_matches_newcombe_1998_table_1() {
        let cases = [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0000, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ];
        for (k, n, lo, hi) in cases {
            let (l, h) = wilson(k, n, Z95).unwrap();
            assert!((l - lo).abs() < 5e-5, "{k}/{n}: lower {l} vs {lo}");
            assert!((h - hi).abs() < 5e-5, "{k}/{n}: upper {h} vs {hi}");
        }
        assert_eq!(wilson(0, 0, Z95), None);
        assert_eq!(wilson(3, 2, Z95), None);
    }

    #[test]
    fn quantiles_of_uniform_bins() {
        // Values 0.005, 0.015, ..., 0.995, one per bin of width 0.01 over [0, 1]: the
        // type-1 sample quantile at q is the (100 q)-th value, (100 q - 1) / 100 + 0.005,
        // whose bin starts at (100 q - 1) / 100.
        let mut slots = vec![1u64; 102];
        slots[0] = 0;
        slots[101] = 0;
        for q in QUANTILE_LEVELS {
            let x = histogram_quantile(&slots, 0.0, 1.0, 0.005, 0.995, q).unwrap();
            let expect = ((100.0 * q).round() - 1.0) / 100.0;
            assert!((x - expect).abs() < 1e-12, "{q}: {x} vs {expect}");
        }
        assert_eq!(
            histogram_quantile(&[0, 0, 0], 0.0, 1.0, 0.0, 1.0, 0.5),
            None
        );
        // A point mass at 0 with a tail: the median is exactly 0.
        let x = histogram_quantile(&[0, 90, 5, 5, 0], 0.0, 3.0, 0.0, 2.5, 0.5).unwrap();
        assert_eq!(x, 0.0);
        // All mass in underflow: the exact min.
        let x = histogram_quantile(&[4, 0, 0], 0.0, 1.0, -2.0, -1.0, 0.5).unwrap();
        assert_eq!(x, -2.0);
        // Overflow: hi.
        let x = histogram_quantile(&[0, 1, 9], 0.0, 1.0, 0.5, 7.0, 0.5).unwrap();
        assert_eq!(x, 1.0);
    }

    fn r(x: f64) -> BigRational {
        BigRational::from_float(x).unwrap()
    }

    #[test]
    fn two_point_metrics_are_found_exactly() {
        // 30 ones and 70 zeros: sum = sum of squares = 30.
        assert_eq!(two_point_split(100, 0.0, 1.0, &r(30.0), &r(30.0)), Some(30));
        // Values -2 and 3, 4 of each: sum 4, sum of squares 52.
        assert_eq!(two_point_split(8, -2.0, 3.0, &r(4.0), &r(52.0)), Some(4));
        // 0, 0.5 and 1 once each: sum 1.5, squares 1.25, a value inside.
        assert_eq!(two_point_split(3, 0.0, 1.0, &r(1.5), &r(1.25)), None);
        assert_eq!(two_point_split(0, 0.0, 1.0, &r(0.0), &r(0.0)), None);
        assert_eq!(two_point_split(5, 1.0, 1.0, &r(5.0), &r(5.0)), None);
        // The 95th percentile of 30 ones in 100 is 1, the median 0 (type-1 quantiles).
        assert_eq!(two_point_quantile(100, 30, 0.0, 1.0, 0.95), 1.0);
        assert_eq!(two_point_quantile(100, 30, 0.0, 1.0, 0.70), 0.0);
        assert_eq!(two_point_quantile(100, 30, 0.0, 1.0, 0.71), 1.0);
        assert_eq!(two_point_quantile(100, 100, 0.0, 1.0, 0.05), 1.0);
    }
}
