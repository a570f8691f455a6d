//! Pareto-smoothed importance sampling (Vehtari, Simpson, Gelman, Yao & Gabry 2024, "Pareto
//! smoothed importance sampling", JMLR 25; for leave-one-out: Vehtari, Gelman & Gabry 2017,
//! "Practical Bayesian model evaluation using leave-one-out cross-validation and WAIC",
//! Statistics and Computing 27). The generalized Pareto fit is Zhang & Stephens (2009) with
//! the weakly informative prior on its shape used by `loo` and ArviZ.

/// Above this Pareto shape the smoothed weights are unreliable (Vehtari et al. 2017, §2.1);
/// leave-one-out then refits exactly.
pub const PARETO_K_THRESHOLD: f64 = 0.7;

/// Pareto-smoothed log weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Smoothed {
    /// Normalised log weights (log-sum-exp 0); `-∞` where the raw weight was zero.
    pub log_weights: Vec<f64>,
    /// The estimated Pareto shape `k̂` of the tail (`+∞` when the tail is too short to fit).
    pub k_hat: f64,
}

/// Pareto-smooth the raw log importance weights `log_w` (any additive constant): the largest
/// `M = ⌈min(n/5, 3√n)⌉` are replaced by the expected order statistics of a generalized
/// Pareto fitted to them, truncated at the largest raw weight, and the result normalised.
///
/// # Examples
/// Equal raw weights have no tail above the cutoff to fit: the weights stay equal, and `k̂` is
/// `+∞` as in ArviZ (a caller that checks `k̂` then refits exactly, which is safe).
/// ```
/// use escalation::calibrate::psis::smooth;
/// let s = smooth(&vec![0.0; 100]);
/// assert!(s.k_hat.is_infinite());
/// assert!((s.log_weights[7] - (0.01f64).ln()).abs() < 1e-12);
/// ```
pub fn smooth(log_w: &[f64]) -> Smoothed {
    let n = log_w.len();
    let max = log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut x: Vec<f64> = log_w.iter().map(|l| l - max).collect();
    let tail_len = ((0.2 * n as f64).min(3.0 * (n as f64).sqrt())).ceil() as usize;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let mut k_hat = f64::INFINITY;
    if max.is_finite() && n > tail_len + 1 && tail_len > 4 {
        let cutoff = x[order[n - tail_len - 1]].max(f64::MIN_POSITIVE.ln());
        let exp_cutoff = cutoff.exp();
        let tail: Vec<usize> = order.iter().copied().filter(|&i| x[i] > cutoff).collect();
        if tail.len() > 4 {
            let exceed: Vec<f64> = tail.iter().map(|&i| x[i].exp() - exp_cutoff).collect();
            let (k, sigma) = gpd_fit(&exceed);
            k_hat = k;
            if k.is_finite() {
                let m = tail.len() as f64;
                for (j, &i) in tail.iter().enumerate() {
                    let p = (j as f64 + 0.5) / m;
                    x[i] = (gpd_quantile(p, k, sigma) + exp_cutoff).ln().min(0.0);
                }
            }
        }
    }
    let lse = crate::mc::stats::log_sum_exp(&x);
    x.iter_mut().for_each(|l| *l -= lse);
    Smoothed {
        log_weights: x,
        k_hat,
    }
}

/// Quantile `p` of the generalized Pareto with shape `k` and scale `sigma` (location 0).
fn gpd_quantile(p: f64, k: f64, sigma: f64) -> f64 {
    if k == 0.0 {
        -sigma * (-p).ln_1p()
    } else {
        sigma * (-k * (-p).ln_1p()).exp_m1() / k
    }
}

/// Zhang & Stephens (2009) estimate of a generalized Pareto's shape and scale from positive
/// exceedances sorted ascending, with the shape shrunk towards 0.5 by a weak prior (10
/// pseudo-observations), as `loo`'s `gpdfit` does.
pub fn gpd_fit(x: &[f64]) -> (f64, f64) {
    let n = x.len();
    if n < 2 || x[n - 1] <= 0.0 {
        return (f64::INFINITY, f64::NAN);
    }
    let nf = n as f64;
    let m = 30 + (nf.sqrt() as usize);
    let quartile = x[((nf / 4.0 + 0.5).floor() as usize)
        .saturating_sub(1)
        .min(n - 1)];
    let b: Vec<f64> = (1..=m)
        .map(|j| 1.0 / x[n - 1] + (1.0 - (m as f64 / (j as f64 - 0.5)).sqrt()) / (3.0 * quartile))
        .collect();
    let k_of = |bj: f64| x.iter().map(|&xi| (-bj * xi).ln_1p()).sum::<f64>() / nf;
    let len: Vec<f64> = b
        .iter()
        .map(|&bj| {
            let k = k_of(bj);
            nf * ((-bj / k).ln() - k - 1.0)
        })
        .collect();
    // Posterior weights of the grid: 1 / Σ_j exp(len_j − len_i).
    let w: Vec<f64> = len
        .iter()
        .map(|li| 1.0 / len.iter().map(|lj| (lj - li).exp()).sum::<f64>())
        .collect();
    let total: f64 = w
        .iter()
        .filter(|wi| wi.is_finite() && **wi >= 10.0 * f64::EPSILON)
        .sum();
    let b_post: f64 = b
        .iter()
        .zip(&w)
        .filter(|(_, wi)| wi.is_finite() && **wi >= 10.0 * f64::EPSILON)
        .map(|(bj, wi)| bj * wi / total)
        .sum();
    let k = k_of(b_post);
    // In this parameterisation the mean of log(1 − b x) is the shape itself.
    let sigma = -k / b_post;
    ((nf * k + 10.0 * 0.5) / (nf + 10.0), sigma)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact quantiles of a generalized Pareto are fitted back to its shape (up to the
    /// prior's shrinkage of 10 pseudo-observations towards 0.5).
    #[test]
    fn fits_the_shape_of_a_generalized_pareto() {
        for (k, sigma) in [(0.2, 1.0), (0.8, 2.0), (-0.2, 0.5)] {
            let n = 2000;
            let x: Vec<f64> = (0..n)
                .map(|i| gpd_quantile((i as f64 + 0.5) / n as f64, k, sigma))
                .collect();
            let (k_hat, s_hat) = gpd_fit(&x);
            let expect = (n as f64 * k + 5.0) / (n as f64 + 10.0);
            assert!((k_hat - expect).abs() < 0.03, "k {k}: {k_hat}");
            assert!((s_hat / sigma - 1.0).abs() < 0.1, "sigma {sigma}: {s_hat}");
        }
    }

    /// Raw weights with a Pareto(α = 1/k) tail give `k̂` near `k` (the tail shape of the
    /// Pareto with index α is 1/α); the smoothed weights sum to 1.
    #[test]
    fn heavy_tails_are_detected() {
        for k in [0.3, 0.9] {
            let n = 4000;
            // Pareto(α) quantiles: (1 − u)^(−1/α) = (1 − u)^(−k).
            let lw: Vec<f64> = (0..n)
                .map(|i| -k * (1.0 - (i as f64 + 0.5) / n as f64).ln())
                .collect();
            let s = smooth(&lw);
            assert!((s.k_hat - k).abs() < 0.12, "k {k}: {}", s.k_hat);
            let total: f64 = s.log_weights.iter().map(|l| l.exp()).sum();
            assert!((total - 1.0).abs() < 1e-9);
        }
    }
}
