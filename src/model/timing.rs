//! When, within a round, a move is taken: a constant hazard over the round.
//!
//! The ladder's rounds are decision epochs of given lengths (days). A side that yields in
//! round `r` with probability `p` under the behaviour profile is taken to yield at the
//! constant hazard `h = -ln(1 - p) / d` over the round's `d` days, which gives exactly that
//! probability of yielding within the round. Conditional on yielding in the round, the time
//! of the move is then exponential with rate `h` truncated to `[0, d]`: near the round's
//! start when `p` is close to 1, uniform over the round as `p` goes to 0. Durations are
//! therefore continuous, and a round's length and the equilibrium's yielding probabilities
//! shape them together.

/// The time (days into a round of `d` days) at which a move taken in the round with
/// probability `p` is taken, for a uniform `u` in [0, 1): the inverse of the truncated
/// exponential's distribution, `d ln(1 - u p) / ln(1 - p)` (`u d` for `p = 0`, 0 for `p = 1`).
///
/// # Examples
/// ```
/// use escalation::model::timing::time_in_round;
/// // A move almost never taken is uniform over the round.
/// assert!((time_in_round(1e-12, 10.0, 0.25) - 2.5).abs() < 1e-9);
/// // The median of a move taken with probability 3/4 in a 2-day round: ln(1 - 3/8) / ln(1/4) * 2.
/// let t = time_in_round(0.75, 2.0, 0.5);
/// assert!((t - 2.0 * (0.625f64).ln() / (0.25f64).ln()).abs() < 1e-12);
/// ```
pub fn time_in_round(p: f64, d: f64, u: f64) -> f64 {
    let p = p.clamp(0.0, 1.0);
    if p <= 0.0 {
        return u * d;
    }
    if p >= 1.0 {
        return 0.0;
    }
    (d * (-u * p).ln_1p() / (-p).ln_1p()).clamp(0.0, d)
}

/// The expected time (days into a round of `d` days) of a move taken in the round with
/// probability `p`: `d (1/x - 1/(e^x - 1))` with `x = -ln(1 - p)` (`d / 2` for `p = 0`).
///
/// # Examples
/// ```
/// use escalation::model::timing::mean_time_in_round;
/// assert!((mean_time_in_round(0.0, 8.0) - 4.0).abs() < 1e-12);
/// // x = ln 2: d (1/ln 2 - 1).
/// let m = mean_time_in_round(0.5, 1.0);
/// assert!((m - (1.0 / 2f64.ln() - 1.0)).abs() < 1e-12);
/// ```
pub fn mean_time_in_round(p: f64, d: f64) -> f64 {
    let p = p.clamp(0.0, 1.0);
    if p >= 1.0 {
        return 0.0;
    }
    let x = -(-p).ln_1p();
    if x < 1e-4 {
        // 1/x - 1/(e^x - 1) = 1/2 - x/12 + x^3/720 - ...
        return d * (0.5 - x / 12.0 + x * x * x / 720.0);
    }
    d * (1.0 / x - (1.0 - p) / p)
}

/// Log-density of the move's time `tau` (days into a round of `d` days) given that it is
/// taken in the round, taken there with probability `p`: `ln h - h tau - ln p` with
/// `h = -ln(1 - p) / d` (`-ln d`, uniform, for `p = 0`). `-inf` outside `[0, d]`; `+inf`
/// when `p = 1` and `tau = 0` (all the mass at the round's start).
///
/// # Examples
/// ```
/// use escalation::model::timing::ln_density_in_round;
/// assert!((ln_density_in_round(0.0, 4.0, 1.0) + 4f64.ln()).abs() < 1e-12);
/// // The density integrates to 1 over the round.
/// let (p, d, n) = (0.6, 3.0, 20_000);
/// let h = d / n as f64;
/// let total: f64 = (0..n).map(|i| ln_density_in_round(p, d, (i as f64 + 0.5) * h).exp() * h).sum();
/// assert!((total - 1.0).abs() < 1e-6);
/// ```
pub fn ln_density_in_round(p: f64, d: f64, tau: f64) -> f64 {
    if !(tau >= 0.0 && tau <= d) {
        return f64::NEG_INFINITY;
    }
    let p = p.clamp(0.0, 1.0);
    if p <= 0.0 {
        return -d.ln();
    }
    if p >= 1.0 {
        return if tau == 0.0 {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        };
    }
    let h = -(-p).ln_1p() / d;
    h.ln() - h * tau - p.ln()
}

/// Log-probability that a move taken within a round of `d` days with probability `p` has
/// not been taken by `tau` days into it: `(tau / d) ln(1 - p)` (the survival of the constant
/// hazard).
///
/// # Examples
/// ```
/// use escalation::model::timing::ln_survival_in_round;
/// assert!((ln_survival_in_round(0.5, 2.0, 1.0) - 0.5f64.ln() / 2.0).abs() < 1e-12);
/// ```
pub fn ln_survival_in_round(p: f64, d: f64, tau: f64) -> f64 {
    let frac = (tau / d).clamp(0.0, 1.0);
    if frac == 0.0 {
        return 0.0;
    }
    frac * (-p.clamp(0.0, 1.0)).ln_1p()
}
