//! Exact-or-floating numbers for payoffs and chance probabilities.
//!
//! Gambit files carry rationals (`1/3`) and decimals (`0.25`); both are kept exact as
//! [`BigRational`] until a solver converts them to `f64`. Games built in code may use plain `f64`.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use std::fmt;

/// A payoff or probability: an exact rational (from a file or built exactly) or a float.
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    /// An exact rational number.
    Exact(BigRational),
    /// A finite floating-point number.
    Float(f64),
}

impl Number {
    /// The exact integer `n`.
    ///
    /// # Examples
    /// ```
    /// use escalation::game::Number;
    /// assert_eq!(Number::int(3).to_f64(), 3.0);
    /// ```
    pub fn int(n: i64) -> Self {
        Number::Exact(BigRational::from_integer(BigInt::from(n)))
    }

    /// The exact rational `num/den`; `None` when `den` is zero.
    ///
    /// # Examples
    /// ```
    /// use escalation::game::Number;
    /// assert_eq!(Number::ratio(1, 4).unwrap().to_f64(), 0.25);
    /// assert!(Number::ratio(1, 0).is_none());
    /// ```
    pub fn ratio(num: i64, den: i64) -> Option<Self> {
        if den == 0 {
            return None;
        }
        Some(Number::Exact(BigRational::new(
            BigInt::from(num),
            BigInt::from(den),
        )))
    }

    /// The value as `f64` (nearest double for exact rationals).
    pub fn to_f64(&self) -> f64 {
        match self {
            Number::Exact(r) => rational_to_f64(r),
            Number::Float(x) => *x,
        }
    }

    /// The exact value, when this number is exact.
    pub fn as_exact(&self) -> Option<&BigRational> {
        match self {
            Number::Exact(r) => Some(r),
            Number::Float(_) => None,
        }
    }

    /// Whether the value is finite (always true for exact numbers).
    pub fn is_finite(&self) -> bool {
        match self {
            Number::Exact(_) => true,
            Number::Float(x) => x.is_finite(),
        }
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        match self {
            Number::Exact(r) => r < &BigRational::zero(),
            Number::Float(x) => *x < 0.0,
        }
    }

    /// Parses a Gambit number: an integer, a rational `p/q`, or a decimal with optional exponent
    /// (`-1.5`, `2e-3`). The result is always exact.
    ///
    /// # Errors
    /// Returns `None` when `text` is not such a number or the denominator is zero.
    ///
    /// # Examples
    /// ```
    /// use escalation::game::Number;
    /// assert_eq!(Number::parse("1/3"), Number::ratio(1, 3));
    /// assert_eq!(Number::parse("0.25"), Number::ratio(1, 4));
    /// assert_eq!(Number::parse("-2e-1"), Number::ratio(-1, 5));
    /// assert!(Number::parse("abc").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        parse_exact(text).map(Number::Exact)
    }
}

impl From<f64> for Number {
    fn from(x: f64) -> Self {
        Number::Float(x)
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number::int(n)
    }
}

impl fmt::Display for Number {
    /// Gambit syntax: integers plain, rationals as `p/q`, floats in shortest round-trip form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Exact(r) => {
                if r.denom() == &BigInt::from(1) {
                    write!(f, "{}", r.numer())
                } else {
                    write!(f, "{}/{}", r.numer(), r.denom())
                }
            }
            Number::Float(x) => {
                if x.fract() == 0.0 && x.abs() < 1e15 {
                    write!(f, "{}", *x as i64)
                } else {
                    write!(f, "{x:?}")
                }
            }
        }
    }
}

/// Converts an exact rational to the nearest `f64` without overflowing on huge parts.
pub(crate) fn rational_to_f64(r: &BigRational) -> f64 {
    if let (Some(n), Some(d)) = (r.numer().to_i64(), r.denom().to_i64()) {
        if n.unsigned_abs() < (1 << 53) && d.unsigned_abs() < (1 << 53) {
            return n as f64 / d as f64;
        }
    }
    r.to_f64().unwrap_or(f64::NAN)
}

fn parse_exact(text: &str) -> Option<BigRational> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some((p, q)) = t.split_once('/') {
        let p = parse_decimal(p)?;
        let q = parse_decimal(q)?;
        if q.is_zero() {
            return None;
        }
        return Some(p / q);
    }
    parse_decimal(t)
}

fn parse_decimal(t: &str) -> Option<BigRational> {
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i32>().ok()?),
        None => (t, 0),
    };
    let (neg, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((a, b)) => (a, b),
        None => (digits, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let all: String = format!("{int_part}{frac_part}");
    let mut numer: BigInt = if all.is_empty() {
        BigInt::zero()
    } else {
        all.parse().ok()?
    };
    if neg {
        numer = -numer;
    }
    let scale = exp - frac_part.len() as i32;
    if scale.unsigned_abs() > 4000 {
        return None;
    }
    let ten = BigInt::from(10);
    let pow = num_traits::pow(ten, scale.unsigned_abs() as usize);
    Some(if scale >= 0 {
        BigRational::from_integer(numer * pow)
    } else {
        BigRational::new(numer, pow)
    })
}
