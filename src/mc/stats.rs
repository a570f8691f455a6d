//! Monte Carlo statistics: log-sum-exp and normalised weights, effective sample size,
//! weighted quantiles, means with standard errors and quantile intervals, Wilson intervals,
//! histogram quantiles and exact quantiles of two-valued metrics.
//!
//! Every sum runs in index order, so results do not depend on how the values were computed
//! (which thread, which shard).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

/// The standard normal quantile for a two-sided 95% interval, Φ⁻¹(0.975).
pub const Z95: f64 = 1.959_963_984_540_054;

/// The quantile levels every simulation summary reports.
pub const QUANTILE_LEVELS: [f64; 5] = [0.05, 0.25, 0.50, 0.75, 0.95];

/// `ln Σ exp(x_i)`, stable against overflow; `-inf` for an empty slice or all `-inf`.
///
/// # Examples
/// ```
/// let v = escalation::mc::stats::log_sum_exp(&[0.0_f64.ln(), 1.0_f64.ln(), 3.0_f64.ln()]);
/// assert!((v - 4.0_f64.ln()).abs() < 1e-12);
/// ```
pub fn log_sum_exp(x: &[f64]) -> f64 {
    let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    if max == f64::INFINITY {
        return f64::INFINITY;
    }
    let sum: f64 = x.iter().map(|&v| (v - max).exp()).sum();
    max + sum.ln()
}

/// Normalise log weights into weights summing to 1 (log-sum-exp), returning the log of the
/// normalising sum. If every log weight is `-inf` the weights are left all zero and `-inf`
/// is returned.
pub fn normalise_log_weights(log_w: &[f64], out: &mut Vec<f64>) -> f64 {
    out.clear();
    let max = log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max.is_infinite() {
        out.resize(log_w.len(), 0.0);
        return max;
    }
    // Shift by the largest log weight (exact for it), then divide by the sum: the weights
    // then sum to one up to rounding, however large the log weights are.
    out.extend(log_w.iter().map(|&v| (v - max).exp()));
    let sum: f64 = out.iter().sum();
    for w in out.iter_mut() {
        *w /= sum;
    }
    max + sum.ln()
}

/// Kish's effective sample size `1 / Σ w_i²` of normalised weights (`N` for equal weights,
/// 1 when one particle carries all the weight, 0 for an empty or all-zero set).
///
/// # Examples
/// ```
/// use escalation::mc::stats::effective_sample_size;
/// assert_eq!(effective_sample_size(&[0.25; 4]), 4.0);
/// assert_eq!(effective_sample_size(&[1.0, 0.0, 0.0]), 1.0);
/// ```
pub fn effective_sample_size(weights: &[f64]) -> f64 {
    let s2: f64 = weights.iter().map(|w| w * w).sum();
    if s2 > 0.0 {
        1.0 / s2
    } else {
        0.0
    }
}

/// The `q`-quantile of a weighted sample: the smallest value `x` whose weighted empirical
/// CDF `F(x) = Σ_{x_i ≤ x} w_i / Σ w_i` reaches `q`. Ties and order are resolved by sorting
/// with `f64::total_cmp`, so the answer is deterministic. `NaN` for an empty or zero-weight
/// sample.
///
/// # Examples
/// ```
/// use escalation::mc::stats::weighted_quantile;
/// let x = [3.0, 1.0, 2.0];
/// assert_eq!(weighted_quantile(&x, &[1.0, 1.0, 1.0], 0.5), 2.0);
/// assert_eq!(weighted_quantile(&x, &[0.0, 0.0, 1.0], 0.05), 2.0);
/// ```
pub fn weighted_quantile(values: &[f64], weights: &[f64], q: f64) -> f64 {
    let mut order: Vec<usize> = (0..values.len().min(weights.len()))
        .filter(|&i| weights[i] > 0.0)
        .collect();
    if order.is_empty() {
        return f64::NAN;
    }
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let total: f64 = order.iter().map(|&i| weights[i]).sum();
    let target = q.clamp(0.0, 1.0) * total;
    let mut cum = 0.0;
    for &i in &order {
        cum += weights[i];
        if cum >= target {
            return values[i];
        }
    }
    order.last().map_or(f64::NAN, |&i| values[i])
}

/// Weighted mean and standard deviation (population form, weights normalised inside) of
/// `(value, weight)` pairs; `NaN`s when the weights do not have a positive sum.
///
/// # Examples
/// ```
/// use escalation::mc::stats::weighted_mean_sd;
/// let (mean, sd) = weighted_mean_sd([(1.0, 1.0), (3.0, 1.0)].into_iter());
/// assert_eq!((mean, sd), (2.0, 1.0));
/// ```
pub fn weighted_mean_sd(values: impl Iterator<Item = (f64, f64)> + Clone) -> (f64, f64) {
    let total: f64 = values.clone().map(|(_, w)| w).sum();
    if total <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.clone().map(|(x, w)| x * w).sum::<f64>() / total;
    let var = values
        .map(|(x, w)| w * (x - mean) * (x - mean))
        .sum::<f64>()
        / total;
    (mean, var.max(0.0).sqrt())
}

/// Systematic resampling (Kitagawa 1996): `n` indices drawn from normalised `weights` with a
/// single uniform `u ∈ [0, 1)`. Each index `i` appears `⌊n w_i⌋` or `⌈n w_i⌉` times.
///
/// # Examples
/// ```
/// use escalation::mc::stats::systematic_resample;
/// assert_eq!(systematic_resample(&[0.5, 0.0, 0.5], 4, 0.3), [0, 0, 2, 2]);
/// ```
pub fn systematic_resample(weights: &[f64], n: usize, u: f64) -> Vec<usize> {
    let mut out = Vec::with_capacity(n);
    if weights.is_empty() {
        return out;
    }
    let total: f64 = weights.iter().sum();
    let step = total / n as f64;
    let mut target = u * step;
    let mut cum = 0.0;
    let mut i = 0;
    let last = weights.len() - 1;
    for _ in 0..n {
        while i < last && cum + weights[i] <= target {
            cum += weights[i];
            i += 1;
        }
        // Never pick a zero-weight particle at the end of the array through rounding.
        let mut pick = i;
        while weights[pick] <= 0.0 && pick > 0 {
            pick -= 1;
        }
        out.push(pick);
        target += step;
    }
    out
}

/// Mean, standard error of the mean and 95% quantile interval (the 2.5% and 97.5%
/// [`weighted_quantile`]s with equal weights) of `x`; sums in index order. The standard
/// error uses the sample variance (divisor `n - 1`; 0 for a single value).
///
/// # Examples
/// ```
/// use escalation::mc::stats::mean_se_interval;
/// let (mean, se, interval) = mean_se_interval(&[1.0, 2.0, 3.0, 4.0]);
/// assert_eq!(mean, 2.5);
/// assert!((se - (5.0f64 / 12.0).sqrt()).abs() < 1e-15);
/// assert_eq!(interval, [1.0, 4.0]);
/// ```
pub fn mean_se_interval(x: &[f64]) -> (f64, f64, [f64; 2]) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = if x.len() > 1 {
        x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    let ones = vec![1.0; x.len()];
    let interval = [
        weighted_quantile(x, &ones, 0.025),
        weighted_quantile(x, &ones, 0.975),
    ];
    (mean, (var / n).sqrt(), interval)
}

/// Wilson score interval for a binomial proportion: `k` successes in `n` trials at normal
/// quantile `z` (Wilson 1927; method 3 of Newcombe 1998, without continuity correction).
/// `None` when `n == 0` or `k > n`.
///
/// # Examples
/// ```
/// use escalation::mc::stats::{wilson, Z95};
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

    #[test]
    fn systematic_resampling_counts_are_floor_or_ceil() {
        let w = [0.1, 0.0, 0.45, 0.3, 0.15];
        let n = 20;
        // Offsets off the lattice of cumulative weights: where a target falls exactly on a
        // boundary, rounding may move one draw across it.
        for k in 0..10 {
            let idx = systematic_resample(&w, n, (k as f64 + 0.5) / 10.0);
            assert_eq!(idx.len(), n);
            for (j, &wj) in w.iter().enumerate() {
                let count = idx.iter().filter(|&&i| i == j).count() as f64;
                let expected = wj * n as f64;
                assert!(
                    count >= expected.floor() && count <= expected.ceil(),
                    "index {j}: {count} vs {expected}"
                );
            }
        }
    }

    #[test]
    fn normalised_weights_sum_to_one() {
        let mut w = Vec::new();
        let lse = normalise_log_weights(&[-1000.0, -1001.0, f64::NEG_INFINITY], &mut w);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert_eq!(w[2], 0.0);
        assert!((lse - (-1000.0 + (1.0 + (-1.0f64).exp()).ln())).abs() < 1e-9);
    }
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
