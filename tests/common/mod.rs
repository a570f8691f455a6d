//! Helpers shared by the statistical tests (`mod common;` in each test file that uses them).

/// Smallest `lo` and largest `hi` with P(X < lo) ≤ alpha/2 and P(X > hi) ≤ alpha/2 for
/// X ~ Binomial(n, p), from the exact pmf. A method whose intervals have exact coverage p
/// falls outside [lo, hi] with probability at most alpha.
pub fn binomial_band(n: usize, p: f64, alpha: f64) -> (usize, usize) {
    let ln_pmf = |k: usize| {
        libm::lgamma(n as f64 + 1.0)
            - libm::lgamma(k as f64 + 1.0)
            - libm::lgamma((n - k) as f64 + 1.0)
            + k as f64 * p.ln()
            + (n - k) as f64 * (1.0 - p).ln()
    };
    let pmf: Vec<f64> = (0..=n).map(|k| ln_pmf(k).exp()).collect();
    let mut lo = 0;
    let mut cum = 0.0;
    while cum + pmf[lo] <= alpha / 2.0 {
        cum += pmf[lo];
        lo += 1;
    }
    let mut hi = n;
    let mut cum = 0.0;
    while cum + pmf[hi] <= alpha / 2.0 {
        cum += pmf[hi];
        hi -= 1;
    }
    (lo, hi)
}
