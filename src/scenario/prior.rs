//! Prior distributions of scenario parameters.
//!
//! Every prior is sampled by inversion: [`Prior::sample`] draws one uniform `u` and returns
//! [`Prior::quantile`]`(u)`. One uniform per parameter keeps draws aligned across scenarios and
//! interventions (common random numbers) whatever the distributions. The truncated normal is
//! sampled by inverse CDF on `[Φ(a), Φ(b)]`.

use rand::{Rng, RngExt};
use std::f64::consts::{PI, SQRT_2};

/// A prior distribution.
#[derive(Clone, Debug, PartialEq)]
pub enum Prior {
    /// A point mass.
    Fixed(f64),
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
    },
    /// Normal with `mean`, `sd` truncated to `[min, max]`.
    TruncatedNormal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Its standard deviation (> 0).
        sd: f64,
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Beta on `[0, 1]`.
    Beta {
        /// First shape (> 0).
        alpha: f64,
        /// Second shape (> 0).
        beta: f64,
    },
    /// Log-normal: `ln X ~ Normal(mu, sigma)`.
    LogNormal {
        /// Mean of `ln X`.
        mu: f64,
        /// Standard deviation of `ln X` (> 0).
        sigma: f64,
    },
    /// Triangular on `[min, max]` with mode `mode`.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Mode.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Finitely many values with weights (normalised).
    Discrete {
        /// The values, in increasing order.
        values: Vec<f64>,
        /// Their weights (>= 0, positive sum).
        weights: Vec<f64>,
    },
}

/// Standard normal CDF.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / SQRT_2)
}

/// Standard normal quantile: Acklam's rational approximation refined by one Halley step
/// (relative error below 1e-15 in double precision).
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let pl = 0.02425;
    let x = if p < pl {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - pl {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // Halley refinement.
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// Regularised incomplete beta function `I_x(a, b)` (continued fraction, Numerical Recipes
/// §6.4).
pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    beta_cdf_with(x, a, b, ln_inv_beta(a, b))
}

/// `ln(1 / B(a, b))`, the part of [`beta_cdf`]'s prefactor that does not depend on `x`.
fn ln_inv_beta(a: f64, b: f64) -> f64 {
    libm::lgamma(a + b) - libm::lgamma(a) - libm::lgamma(b)
}

/// [`beta_cdf`] with `ln_inv_beta(a, b)` computed once by the caller (the same operations in
/// the same order, so the same bits).
fn beta_cdf_with(x: f64, a: f64, b: f64, ln_inv_beta: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_inv_beta + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(x, a, b) / a
    } else {
        1.0 - front * beta_cf(1.0 - x, b, a) / b
    }
}

/// The `p`-quantile of Beta(a, b): Newton's method on [`beta_cdf`], kept inside a bracket
/// of the root that every step shrinks (a step that would leave it bisects instead).
///
/// Stops when Newton's step is below half an ulp of `x`, or when the bracket cannot shrink
/// any more; at most 100 steps.
fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let ln_b = ln_inv_beta(a, b);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let mut x = a / (a + b);
    for _ in 0..100 {
        let f = beta_cdf_with(x, a, b, ln_b) - p;
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        if f == 0.0 {
            return x;
        }
        let ln_pdf = ln_b + (a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln();
        let step = f / ln_pdf.exp();
        // A Newton step below half an ulp of `x`: `x` is the root to working precision.
        if step.abs() <= 0.5 * f64::EPSILON * x {
            return x;
        }
        let next = x - step;
        let next = if next > lo && next < hi && next.is_finite() {
            next
        } else {
            0.5 * (lo + hi)
        };
        if next == lo || next == hi {
            // The bracket cannot shrink any more.
            return x;
        }
        x = next;
    }
    x
}

fn beta_cf(x: f64, a: f64, b: f64) -> f64 {
    let tiny = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

impl Prior {
    /// Checks the distribution's arguments; returns a message naming the bad one.
    ///
    /// # Errors
    /// A description such as `"sd must be > 0, got -1"`.
    pub fn validate(&self) -> Result<(), String> {
        let finite = |name: &str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number, got {v}"))
            }
        };
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be > 0, got {v}"))
            }
        };
        match self {
            Prior::Fixed(v) => finite("value", *v),
            Prior::Uniform { min, max } => {
                finite("min", *min)?;
                finite("max", *max)?;
                if min < max {
                    Ok(())
                } else {
                    Err(format!("min ({min}) must be below max ({max})"))
                }
            }
            Prior::Normal { mean, sd } => {
                finite("mean", *mean)?;
                positive("sd", *sd)
            }
            Prior::TruncatedNormal { mean, sd, min, max } => {
                finite("mean", *mean)?;
                positive("sd", *sd)?;
                finite("min", *min)?;
                finite("max", *max)?;
                if min >= max {
                    return Err(format!("min ({min}) must be below max ({max})"));
                }
                let mass = normal_cdf((max - mean) / sd) - normal_cdf((min - mean) / sd);
                if mass < 1e-12 {
                    return Err(format!(
                        "[min, max] = [{min}, {max}] holds no mass of Normal({mean}, {sd})"
                    ));
                }
                Ok(())
            }
            Prior::Beta { alpha, beta } => {
                positive("alpha", *alpha)?;
                positive("beta", *beta)
            }
            Prior::LogNormal { mu, sigma } => {
                finite("mu", *mu)?;
                positive("sigma", *sigma)
            }
            Prior::Triangular { min, mode, max } => {
                finite("min", *min)?;
                finite("mode", *mode)?;
                finite("max", *max)?;
                if min < max && min <= mode && mode <= max {
                    Ok(())
                } else {
                    Err(format!(
                        "need min <= mode <= max and min < max, got {min}, {mode}, {max}"
                    ))
                }
            }
            Prior::Discrete { values, weights } => {
                if values.is_empty() {
                    return Err("values must not be empty".into());
                }
                if values.len() != weights.len() {
                    return Err(format!(
                        "{} values but {} weights",
                        values.len(),
                        weights.len()
                    ));
                }
                for v in values {
                    finite("values", *v)?;
                }
                if values.windows(2).any(|w| w[0] >= w[1]) {
                    return Err("values must be strictly increasing".into());
                }
                if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
                    return Err("weights must be finite and >= 0".into());
                }
                if weights.iter().sum::<f64>() <= 0.0 {
                    return Err("weights must have a positive sum".into());
                }
                Ok(())
            }
        }
    }

    /// Whether the prior is a point mass ([`Prior::Fixed`]).
    pub fn is_fixed(&self) -> bool {
        matches!(self, Prior::Fixed(_))
    }

    /// Whether the prior has finitely many values ([`Prior::Discrete`]).
    pub fn is_discrete(&self) -> bool {
        matches!(self, Prior::Discrete { .. })
    }

    /// Smallest and largest values the prior can take.
    pub fn support(&self) -> (f64, f64) {
        match self {
            Prior::Fixed(v) => (*v, *v),
            Prior::Uniform { min, max }
            | Prior::TruncatedNormal { min, max, .. }
            | Prior::Triangular { min, max, .. } => (*min, *max),
            Prior::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Prior::Beta { .. } => (0.0, 1.0),
            Prior::LogNormal { .. } => (0.0, f64::INFINITY),
            Prior::Discrete { values, .. } => (
                values.first().copied().unwrap_or(0.0),
                values.last().copied().unwrap_or(0.0),
            ),
        }
    }

    /// One draw: the quantile of one uniform from `rng`.
    ///
    /// # Examples
    /// ```
    /// use escalation::scenario::Prior;
    /// use rand::SeedableRng;
    /// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    /// let x = Prior::Uniform { min: 2.0, max: 3.0 }.sample(&mut rng);
    /// assert!((2.0..=3.0).contains(&x));
    /// ```
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = rng.random();
        self.quantile(u)
    }

    /// The `p`-quantile (inverse CDF), `p` in [0, 1].
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        match self {
            Prior::Fixed(v) => *v,
            Prior::Uniform { min, max } => min + p * (max - min),
            Prior::Normal { mean, sd } => mean + sd * normal_quantile(p),
            Prior::TruncatedNormal { mean, sd, min, max } => {
                let lo = normal_cdf((min - mean) / sd);
                let hi = normal_cdf((max - mean) / sd);
                (mean + sd * normal_quantile(lo + p * (hi - lo))).clamp(*min, *max)
            }
            Prior::Beta { alpha, beta } => beta_quantile(p, *alpha, *beta),
            Prior::LogNormal { mu, sigma } => (mu + sigma * normal_quantile(p)).exp(),
            Prior::Triangular { min, mode, max } => {
                let f = (mode - min) / (max - min);
                if p < f {
                    min + (p * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - p) * (max - min) * (max - mode)).sqrt()
                }
            }
            Prior::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                let mut acc = 0.0;
                for (v, w) in values.iter().zip(weights) {
                    acc += w / total;
                    if p < acc {
                        return *v;
                    }
                }
                values.last().copied().unwrap_or(0.0)
            }
        }
    }

    /// Mean.
    pub fn mean(&self) -> f64 {
        match self {
            Prior::Fixed(v) => *v,
            Prior::Uniform { min, max } => 0.5 * (min + max),
            Prior::Normal { mean, .. } => *mean,
            Prior::TruncatedNormal { mean, sd, min, max } => {
                let (a, b) = ((min - mean) / sd, (max - mean) / sd);
                let phi = |x: f64| (-0.5 * x * x).exp() / (2.0 * PI).sqrt();
                let z = normal_cdf(b) - normal_cdf(a);
                mean + sd * (phi(a) - phi(b)) / z
            }
            Prior::Beta { alpha, beta } => alpha / (alpha + beta),
            Prior::LogNormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Prior::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Prior::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total
            }
        }
    }

    /// Median (the 0.5-quantile).
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// Log density at `x` (for discrete priors: log probability mass; `-inf` off support).
    pub fn ln_pdf(&self, x: f64) -> f64 {
        let (lo, hi) = self.support();
        if x < lo || x > hi {
            return f64::NEG_INFINITY;
        }
        let ln_phi = |z: f64| -0.5 * z * z - 0.5 * (2.0 * PI).ln();
        match self {
            Prior::Fixed(v) => {
                if x == *v {
                    0.0
                } else {
                    f64::NEG_INFINITY
                }
            }
            Prior::Uniform { min, max } => -(max - min).ln(),
            Prior::Normal { mean, sd } => ln_phi((x - mean) / sd) - sd.ln(),
            Prior::TruncatedNormal { mean, sd, min, max } => {
                let z = normal_cdf((max - mean) / sd) - normal_cdf((min - mean) / sd);
                ln_phi((x - mean) / sd) - sd.ln() - z.ln()
            }
            Prior::Beta { alpha, beta } => {
                (alpha - 1.0) * x.ln() + (beta - 1.0) * (1.0 - x).ln()
                    - (libm::lgamma(*alpha) + libm::lgamma(*beta) - libm::lgamma(alpha + beta))
            }
            Prior::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    f64::NEG_INFINITY
                } else {
                    ln_phi((x.ln() - mu) / sigma) - sigma.ln() - x.ln()
                }
            }
            Prior::Triangular { min, mode, max } => {
                let d = if x < *mode {
                    2.0 * (x - min) / ((max - min) * (mode - min))
                } else if x > *mode {
                    2.0 * (max - x) / ((max - min) * (max - mode))
                } else {
                    2.0 / (max - min)
                };
                d.ln()
            }
            Prior::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                values
                    .iter()
                    .position(|v| *v == x)
                    .map_or(f64::NEG_INFINITY, |i| (weights[i] / total).ln())
            }
        }
    }
}
