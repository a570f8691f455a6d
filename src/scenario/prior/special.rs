//! The special functions behind the priors: the standard normal's CDF and quantile, and
//! the regularised incomplete beta function and its inverse.

use std::f64::consts::{PI, SQRT_2};

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
    beta_cdf_pdf(x, a, b, ln_inv_beta).0
}

/// The CDF (continued fraction, Numerical Recipes §6.4) and density of Beta(a, b) at `x` in
/// (0, 1), sharing their logarithms and `exp`.
fn beta_cdf_pdf(x: f64, a: f64, b: f64, ln_inv_beta: f64) -> (f64, f64) {
    let (lx, l1x) = (x.ln(), (1.0 - x).ln());
    let front = (ln_inv_beta + a * lx + b * l1x).exp();
    let cdf = if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(x, a, b) / a
    } else {
        1.0 - front * beta_cf(1.0 - x, b, a) / b
    };
    (cdf, front / (x * (1.0 - x)))
}

/// The `p`-quantile of Beta(a, b): Halley's method on [`beta_cdf`] (for whole shapes, on the
/// same CDF as the binomial sum of `WholeBeta`; Newton's step corrected by the density's
/// slope) from the first guess of [`beta_quantile_guess`], as in Press et al.,
/// "Numerical Recipes", 3rd ed., §6.14.1 (`invbetai`), kept inside a bracket of the root that
/// every step shrinks (a step that would leave it bisects instead).
///
/// Stops after a step below 1e-8 of `x` and of `1 − x` (Halley's method converges
/// cubically, on the scale of the distance to the nearer end, where the density may be
/// singular; the error left is of order 1e-24 of that distance), at a step below half an ulp of
/// `x`, or when the bracket cannot shrink any more; at most 100 steps. From the guess, two
/// to four evaluations of the CDF for the bundled priors.
pub(super) fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let ln_b = ln_inv_beta(a, b);
    let whole = WholeBeta::new(a, b);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let mut x = beta_quantile_guess(p, a, b);
    if !(x > 0.0 && x < 1.0) {
        x = a / (a + b);
    }
    for _ in 0..100 {
        let (cdf, pdf) = match &whole {
            Some(w) => w.cdf_pdf(x),
            None => beta_cdf_pdf(x, a, b, ln_b),
        };
        let f = cdf - p;
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        if f == 0.0 {
            return x;
        }
        let newton = f / pdf;
        // Halley: the density's log-slope bends Newton's step (at most halving or doubling it).
        let slope = (a - 1.0) / x - (b - 1.0) / (1.0 - x);
        let step = newton / (1.0 - 0.5 * (newton * slope).clamp(-1.0, 1.0));
        // A step below half an ulp of `x`: `x` is the root to working precision.
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
        if next == x - step && step.abs() <= HALLEY_LAST_STEP * x.min(1.0 - x) {
            return next;
        }
        x = next;
    }
    x
}

/// Beta(a, b) with whole `a` and `b` and `a + b ≤ 31`, whose CDF is a finite binomial sum
/// (Abramowitz & Stegun 26.5.4, 26.1.20): `I_x(a, b) = Σ_{j=a}^{n} C(n, j) x^j (1 − x)^(n−j)`
/// with `n = a + b − 1`, a sum of positive terms without `exp` or `ln`; the density is
/// `n C(n − 1, a − 1) x^(a−1) (1 − x)^(b−1)`. (The bundled scenarios' priors are of this kind.)
struct WholeBeta {
    a: i32,
    n: i32,
    /// `C(n, j)` for `j = a..=n` at `j − a` (exact: below 2^53; on the stack, so that a
    /// prior draw allocates nothing).
    binomials: [f64; 31],
    /// `n C(n − 1, a − 1)`, that is `1 / B(a, b)`.
    inv_beta: f64,
}

impl WholeBeta {
    fn new(a: f64, b: f64) -> Option<WholeBeta> {
        let whole = |v: f64| v >= 1.0 && v.fract() == 0.0 && v <= 30.0;
        if !(whole(a) && whole(b) && a + b <= 31.0) {
            return None;
        }
        let (a, n) = (a as i32, (a + b) as i32 - 1);
        let choose =
            |n: i32, k: i32| (0..k).fold(1.0, |c, i| c * f64::from(n - i) / f64::from(i + 1));
        Some(WholeBeta {
            a,
            n,
            binomials: std::array::from_fn(|k| {
                let j = a + k as i32;
                if j <= n {
                    choose(n, j).round()
                } else {
                    0.0
                }
            }),
            inv_beta: f64::from(n) * choose(n - 1, a - 1).round(),
        })
    }

    /// The CDF and the density at `x` in (0, 1).
    fn cdf_pdf(&self, x: f64) -> (f64, f64) {
        let y = 1.0 - x;
        let cdf = self.binomials[..(self.n - self.a + 1) as usize]
            .iter()
            .zip(self.a..)
            .map(|(c, j)| c * x.powi(j) * y.powi(self.n - j))
            .sum();
        let pdf = self.inv_beta * x.powi(self.a - 1) * y.powi(self.n - self.a);
        (cdf, pdf)
    }
}

/// A Halley step of at most this share of `x` is the last (see [`beta_quantile`]).
const HALLEY_LAST_STEP: f64 = 1e-8;

/// A first guess at the `p`-quantile of Beta(a, b) ("Numerical Recipes", 3rd ed., §6.14.1):
/// for `a, b ≥ 1` from the normal quantile (Abramowitz & Stegun 26.2.22) through the
/// approximation 26.5.22; otherwise from the CDF's leading terms at either end.
fn beta_quantile_guess(p: f64, a: f64, b: f64) -> f64 {
    if a >= 1.0 && b >= 1.0 {
        let pp = if p < 0.5 { p } else { 1.0 - p };
        let t = (-2.0 * pp.ln()).sqrt();
        let mut z = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t;
        if p < 0.5 {
            z = -z;
        }
        let al = (z * z - 3.0) / 6.0;
        let h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0));
        let w = z * (al + h).sqrt() / h
            - (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (al + 5.0 / 6.0 - 2.0 / (3.0 * h));
        a / (a + b * (2.0 * w).exp())
    } else {
        let t = (a * (a / (a + b)).ln()).exp() / a;
        let u = (b * (b / (a + b)).ln()).exp() / b;
        let w = t + u;
        if p < t / w {
            (a * w * p).powf(1.0 / a)
        } else {
            1.0 - (b * w * (1.0 - p)).powf(1.0 / b)
        }
    }
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
        // Modified Lentz: the even, then the odd term of the continued fraction.
        let mut step = |aa: f64| {
            d = 1.0 + aa * d;
            if d.abs() < tiny {
                d = tiny;
            }
            c = 1.0 + aa / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            d * c
        };
        h *= step(m * (b - m) * x / ((qam + m2) * (a + m2)));
        let del = step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)));
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}
