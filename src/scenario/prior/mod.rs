//! Prior distributions of scenario parameters.
//!
//! Every prior is sampled by inversion: [`Prior::sample`] draws one uniform `u` and returns
//! [`Prior::quantile`]`(u)`. One uniform per parameter keeps draws aligned across scenarios and
//! interventions (common random numbers) whatever the distributions. The truncated normal is
//! sampled by inverse CDF on `[Φ(a), Φ(b)]`.

mod special;

pub use special::{beta_cdf, normal_cdf, normal_quantile};

use super::canonical::num;
use rand::{Rng, RngExt};
use special::beta_quantile;
use std::f64::consts::PI;

/// A prior distribution of one parameter. Built by the checked constructors
/// ([`Prior::uniform`], [`Prior::beta`], ...), so that every prior's arguments are valid.
///
/// # Examples
/// ```
/// use escalation::scenario::{Prior, PriorError};
/// let p = Prior::triangular(0.0, 1.0, 4.0)?;
/// assert_eq!(p.support(), (0.0, 4.0));
/// assert!((p.mean() - 5.0 / 3.0).abs() < 1e-15);
/// assert_eq!(
///     Prior::normal(0.0, -1.0),
///     Err(PriorError::NotPositive { arg: "sd", value: -1.0 })
/// );
/// # Ok::<(), PriorError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Prior(Dist);

/// Why a prior's arguments were refused (the argument and its value).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PriorError {
    /// An argument that must be a finite number.
    #[error("{arg} must be a finite number, got {value}")]
    NotFinite {
        /// The argument.
        arg: &'static str,
        /// Its value.
        value: f64,
    },
    /// An argument that must be positive (and finite).
    #[error("{arg} must be > 0, got {value}")]
    NotPositive {
        /// The argument.
        arg: &'static str,
        /// Its value.
        value: f64,
    },
    /// Bounds that leave no room: `min >= max`.
    #[error("min ({min}) must be below max ({max})")]
    EmptyRange {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// A truncation that keeps (numerically) none of the normal's mass.
    #[error("[min, max] = [{min}, {max}] holds no mass of Normal({mean}, {sd})")]
    NoMass {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Its standard deviation.
        sd: f64,
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// A triangular prior whose mode is outside its bounds (or whose bounds coincide).
    #[error("need min <= mode <= max and min < max, got {min}, {mode}, {max}")]
    ModeOutside {
        /// Lower bound.
        min: f64,
        /// Mode.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// A discrete prior without values.
    #[error("values must not be empty")]
    NoValues,
    /// A discrete prior with as many weights as values.
    #[error("{values} values but {weights} weights")]
    LengthMismatch {
        /// Number of values.
        values: usize,
        /// Number of weights.
        weights: usize,
    },
    /// A discrete prior's values, not strictly increasing.
    #[error("values must be strictly increasing")]
    NotIncreasing,
    /// A discrete prior's weight that is negative or not finite.
    #[error("weights must be finite and >= 0")]
    BadWeight,
    /// A discrete prior's weights that sum to zero.
    #[error("weights must have a positive sum")]
    ZeroWeights,
}

/// The family and arguments of a [`Prior`] (checked by its constructors).
#[derive(Clone, Debug, PartialEq)]
enum Dist {
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

fn finite(arg: &'static str, value: f64) -> Result<(), PriorError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(PriorError::NotFinite { arg, value })
    }
}

fn positive(arg: &'static str, value: f64) -> Result<(), PriorError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(PriorError::NotPositive { arg, value })
    }
}

fn below(min: f64, max: f64) -> Result<(), PriorError> {
    finite("min", min)?;
    finite("max", max)?;
    if min < max {
        Ok(())
    } else {
        Err(PriorError::EmptyRange { min, max })
    }
}

impl Prior {
    /// The prior's line in the canonical form: its family and arguments.
    pub(crate) fn canonical(&self) -> String {
        match &self.0 {
            Dist::Fixed(v) => format!("fixed {}", num(*v)),
            Dist::Uniform { min, max } => format!("uniform {} {}", num(*min), num(*max)),
            Dist::Normal { mean, sd } => format!("normal {} {}", num(*mean), num(*sd)),
            Dist::TruncatedNormal { mean, sd, min, max } => format!(
                "truncated_normal {} {} {} {}",
                num(*mean),
                num(*sd),
                num(*min),
                num(*max)
            ),
            Dist::Beta { alpha, beta } => format!("beta {} {}", num(*alpha), num(*beta)),
            Dist::LogNormal { mu, sigma } => format!("lognormal {} {}", num(*mu), num(*sigma)),
            Dist::Triangular { min, mode, max } => {
                format!("triangular {} {} {}", num(*min), num(*mode), num(*max))
            }
            Dist::Discrete { values, weights } => {
                let list = |v: &[f64]| v.iter().map(|x| num(*x)).collect::<Vec<_>>().join(",");
                format!("discrete {} {}", list(values), list(weights))
            }
        }
    }

    /// A point mass at `value`.
    ///
    /// # Errors
    /// [`PriorError::NotFinite`].
    pub fn fixed(value: f64) -> Result<Prior, PriorError> {
        finite("value", value)?;
        Ok(Prior(Dist::Fixed(value)))
    }

    /// Uniform on `[min, max]`.
    ///
    /// # Errors
    /// [`PriorError::NotFinite`], [`PriorError::EmptyRange`].
    pub fn uniform(min: f64, max: f64) -> Result<Prior, PriorError> {
        below(min, max)?;
        Ok(Prior(Dist::Uniform { min, max }))
    }

    /// Normal with mean `mean` and standard deviation `sd > 0`.
    ///
    /// # Errors
    /// [`PriorError::NotFinite`], [`PriorError::NotPositive`].
    pub fn normal(mean: f64, sd: f64) -> Result<Prior, PriorError> {
        finite("mean", mean)?;
        positive("sd", sd)?;
        Ok(Prior(Dist::Normal { mean, sd }))
    }

    /// Normal(`mean`, `sd`) truncated to `[min, max]`.
    ///
    /// # Errors
    /// [`PriorError::NotFinite`], [`PriorError::NotPositive`], [`PriorError::EmptyRange`],
    /// and [`PriorError::NoMass`] when the interval holds less than 1e-12 of the normal.
    pub fn truncated_normal(mean: f64, sd: f64, min: f64, max: f64) -> Result<Prior, PriorError> {
        finite("mean", mean)?;
        positive("sd", sd)?;
        below(min, max)?;
        let mass = normal_cdf((max - mean) / sd) - normal_cdf((min - mean) / sd);
        if mass < 1e-12 {
            return Err(PriorError::NoMass { mean, sd, min, max });
        }
        Ok(Prior(Dist::TruncatedNormal { mean, sd, min, max }))
    }

    /// Beta(`alpha`, `beta`) on `[0, 1]`, both shapes positive.
    ///
    /// # Errors
    /// [`PriorError::NotPositive`].
    pub fn beta(alpha: f64, beta: f64) -> Result<Prior, PriorError> {
        positive("alpha", alpha)?;
        positive("beta", beta)?;
        Ok(Prior(Dist::Beta { alpha, beta }))
    }

    /// Log-normal: `ln X ~ Normal(mu, sigma)`, `sigma > 0`.
    ///
    /// # Errors
    /// [`PriorError::NotFinite`], [`PriorError::NotPositive`].
    pub fn lognormal(mu: f64, sigma: f64) -> Result<Prior, PriorError> {
        finite("mu", mu)?;
        positive("sigma", sigma)?;
        Ok(Prior(Dist::LogNormal { mu, sigma }))
    }

    /// Triangular on `[min, max]` with mode `mode`.
    ///
    /// # Errors
    /// [`PriorError::NotFinite`], [`PriorError::ModeOutside`].
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Prior, PriorError> {
        finite("min", min)?;
        finite("mode", mode)?;
        finite("max", max)?;
        if min < max && min <= mode && mode <= max {
            Ok(Prior(Dist::Triangular { min, mode, max }))
        } else {
            Err(PriorError::ModeOutside { min, mode, max })
        }
    }

    /// Finitely many `values` (strictly increasing) with `weights` (non-negative, positive
    /// sum; normalised).
    ///
    /// # Errors
    /// [`PriorError::NoValues`], [`PriorError::LengthMismatch`], [`PriorError::NotFinite`],
    /// [`PriorError::NotIncreasing`], [`PriorError::BadWeight`], [`PriorError::ZeroWeights`].
    pub fn discrete(values: Vec<f64>, weights: Vec<f64>) -> Result<Prior, PriorError> {
        if values.is_empty() {
            return Err(PriorError::NoValues);
        }
        if values.len() != weights.len() {
            return Err(PriorError::LengthMismatch {
                values: values.len(),
                weights: weights.len(),
            });
        }
        for v in &values {
            finite("values", *v)?;
        }
        if values.windows(2).any(|w| w[0] >= w[1]) {
            return Err(PriorError::NotIncreasing);
        }
        if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(PriorError::BadWeight);
        }
        if weights.iter().sum::<f64>() <= 0.0 {
            return Err(PriorError::ZeroWeights);
        }
        Ok(Prior(Dist::Discrete { values, weights }))
    }

    /// Whether the prior is a point mass .
    pub fn is_fixed(&self) -> bool {
        matches!(self.0, Dist::Fixed(_))
    }

    /// Whether the prior has finitely many values .
    pub fn is_discrete(&self) -> bool {
        matches!(self.0, Dist::Discrete { .. })
    }

    /// Smallest and largest values the prior can take.
    pub fn support(&self) -> (f64, f64) {
        match &self.0 {
            Dist::Fixed(v) => (*v, *v),
            Dist::Uniform { min, max }
            | Dist::TruncatedNormal { min, max, .. }
            | Dist::Triangular { min, max, .. } => (*min, *max),
            Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Dist::Beta { .. } => (0.0, 1.0),
            Dist::LogNormal { .. } => (0.0, f64::INFINITY),
            Dist::Discrete { values, .. } => (
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
    /// let x = Prior::uniform(2.0, 3.0).unwrap().sample(&mut rng);
    /// assert!((2.0..=3.0).contains(&x));
    /// ```
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = rng.random();
        self.quantile(u)
    }

    /// The `p`-quantile (inverse CDF), `p` in [0, 1].
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        match &self.0 {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, max } => min + p * (max - min),
            Dist::Normal { mean, sd } => mean + sd * normal_quantile(p),
            Dist::TruncatedNormal { mean, sd, min, max } => {
                let lo = normal_cdf((min - mean) / sd);
                let hi = normal_cdf((max - mean) / sd);
                (mean + sd * normal_quantile(lo + p * (hi - lo))).clamp(*min, *max)
            }
            Dist::Beta { alpha, beta } => beta_quantile(p, *alpha, *beta),
            Dist::LogNormal { mu, sigma } => (mu + sigma * normal_quantile(p)).exp(),
            Dist::Triangular { min, mode, max } => {
                let f = (mode - min) / (max - min);
                if p < f {
                    min + (p * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - p) * (max - min) * (max - mode)).sqrt()
                }
            }
            Dist::Discrete { values, weights } => {
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
        match &self.0 {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, max } => 0.5 * (min + max),
            Dist::Normal { mean, .. } => *mean,
            Dist::TruncatedNormal { mean, sd, min, max } => {
                let (a, b) = ((min - mean) / sd, (max - mean) / sd);
                let phi = |x: f64| (-0.5 * x * x).exp() / (2.0 * PI).sqrt();
                let z = normal_cdf(b) - normal_cdf(a);
                mean + sd * (phi(a) - phi(b)) / z
            }
            Dist::Beta { alpha, beta } => alpha / (alpha + beta),
            Dist::LogNormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Discrete { values, weights } => {
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
        match &self.0 {
            Dist::Fixed(v) => {
                if x == *v {
                    0.0
                } else {
                    f64::NEG_INFINITY
                }
            }
            Dist::Uniform { min, max } => -(max - min).ln(),
            Dist::Normal { mean, sd } => ln_phi((x - mean) / sd) - sd.ln(),
            Dist::TruncatedNormal { mean, sd, min, max } => {
                let z = normal_cdf((max - mean) / sd) - normal_cdf((min - mean) / sd);
                ln_phi((x - mean) / sd) - sd.ln() - z.ln()
            }
            Dist::Beta { alpha, beta } => {
                (alpha - 1.0) * x.ln() + (beta - 1.0) * (1.0 - x).ln()
                    - (libm::lgamma(*alpha) + libm::lgamma(*beta) - libm::lgamma(alpha + beta))
            }
            Dist::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    f64::NEG_INFINITY
                } else {
                    ln_phi((x.ln() - mu) / sigma) - sigma.ln() - x.ln()
                }
            }
            Dist::Triangular { min, mode, max } => {
                let d = if x < *mode {
                    2.0 * (x - min) / ((max - min) * (mode - min))
                } else if x > *mode {
                    2.0 * (max - x) / ((max - min) * (max - mode))
                } else {
                    2.0 / (max - min)
                };
                d.ln()
            }
            Dist::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                values
                    .iter()
                    .position(|v| *v == x)
                    .map_or(f64::NEG_INFINITY, |i| (weights[i] / total).ln())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each constructor refuses what its family does not admit, naming the argument.
    #[test]
    fn constructors_refuse_bad_arguments() {
        let nan = f64::NAN;
        let cases: [(Result<Prior, PriorError>, &str); 12] = [
            (Prior::fixed(nan), "value must be a finite number"),
            (Prior::uniform(1.0, 1.0), "min (1) must be below max (1)"),
            (
                Prior::uniform(0.0, f64::INFINITY),
                "max must be a finite number",
            ),
            (Prior::normal(0.0, 0.0), "sd must be > 0"),
            (
                Prior::truncated_normal(0.0, 1.0, 50.0, 60.0),
                "holds no mass of Normal(0, 1)",
            ),
            (Prior::beta(1.0, -2.0), "beta must be > 0, got -2"),
            (Prior::lognormal(0.0, nan), "sigma must be > 0"),
            (Prior::triangular(0.0, 2.0, 1.0), "need min <= mode <= max"),
            (Prior::discrete(vec![], vec![]), "values must not be empty"),
            (
                Prior::discrete(vec![1.0], vec![1.0, 2.0]),
                "1 values but 2 weights",
            ),
            (
                Prior::discrete(vec![2.0, 1.0], vec![1.0, 1.0]),
                "strictly increasing",
            ),
            (
                Prior::discrete(vec![1.0, 2.0], vec![0.0, 0.0]),
                "positive sum",
            ),
        ];
        for (result, message) in cases {
            let err = result.unwrap_err().to_string();
            assert!(err.contains(message), "{err:?} should say {message:?}");
        }
        assert!(Prior::discrete(vec![1.0, 2.0], vec![1.0, -1.0]).is_err());
        assert!(Prior::triangular(0.0, 0.0, 1.0).is_ok());
    }
}
