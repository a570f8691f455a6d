//! Weighted-sample arithmetic shared by the solver and the summaries. Every sum runs in index
//! order so results do not depend on how the particles were computed.

/// `ln Σ exp(x_i)`, stable against overflow; `-inf` for an empty slice or all `-inf`.
///
/// # Examples
/// ```
/// let v = escalation::calibrate::log_sum_exp(&[0.0_f64.ln(), 1.0_f64.ln(), 3.0_f64.ln()]);
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
/// use escalation::calibrate::effective_sample_size;
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
/// use escalation::calibrate::weighted_quantile;
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

/// Weighted mean and standard deviation (population form, weights normalised inside).
pub(crate) fn weighted_mean_sd(values: impl Iterator<Item = (f64, f64)> + Clone) -> (f64, f64) {
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
pub(crate) fn systematic_resample(weights: &[f64], n: usize, u: f64) -> Vec<usize> {
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
}
