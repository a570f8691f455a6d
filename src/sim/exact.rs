//! Exact, order-independent sums of `f64` values (a fixed-point "superaccumulator").
//!
//! Every finite `f64` is an integer multiple of 2^-1074 (the smallest subnormal), and every
//! finite sum of fewer than 2^64 of them is an integer multiple of 2^-1074 below 2^1088. An
//! [`ExactSum`] holds that integer in 68 limbs of 32 bits (Kulisch's long accumulator), so adding
//! values in any order, or adding partial sums together, gives the same integer bit for bit.
//! That is what makes Monte Carlo shards merge into exactly the summary of the unsharded run.

use std::fmt;
use std::str::FromStr;

/// Number of 32-bit limbs: bit positions 0..2176 above 2^-1074.
const LIMBS: usize = 68;
/// Exponent of the least significant bit of limb 0.
const LSB_EXP: i32 = -1074;
/// Adds between carry propagations; each add changes a limb by less than 2^32, so 2^30 adds
/// on top of a normalised limb (< 2^32) stay below 2^63.
const MAX_PENDING: u32 = 1 << 30;

/// The exact sum of finitely many finite `f64` values.
///
/// Addition is exact, so the result does not depend on the order of the additions nor on how
/// the values were split into partial sums. The value is read back rounded with
/// [`ExactSum::to_f64`] and written losslessly with `Display` / parsed with `FromStr` as
/// `[-]0x<hex digits>p<exponent>` (an integer mantissa times a power of two; `0` for zero).
///
/// # Examples
/// ```
/// use escalation::sim::ExactSum;
/// let mut a = ExactSum::new();
/// for x in [1e16, 1.0, -1e16] {
///     a.add(x);
/// }
/// assert_eq!(a.to_f64(), 1.0); // naive f64 summation gives 0
/// let text = a.to_string();
/// assert_eq!(text.parse::<ExactSum>()?, a);
/// # Ok::<(), escalation::sim::ParseExactError>(())
/// ```
#[derive(Clone)]
pub struct ExactSum {
    limbs: [i64; LIMBS],
    pending: u32,
}

impl Default for ExactSum {
    fn default() -> Self {
        Self::new()
    }
}

impl ExactSum {
    /// The empty sum (zero).
    pub fn new() -> Self {
        Self {
            limbs: [0; LIMBS],
            pending: 0,
        }
    }

    /// The sum holding exactly one value.
    pub fn of(x: f64) -> Self {
        let mut s = Self::new();
        s.add(x);
        s
    }

    /// Adds `x` exactly. Non-finite values are ignored (the caller checks finiteness; see
    /// [`crate::sim::SimError::NonFiniteMetric`]).
    #[inline]
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        let bits = x.to_bits();
        let negative = bits >> 63 == 1;
        let exp = ((bits >> 52) & 0x7ff) as usize;
        let frac = bits & ((1u64 << 52) - 1);
        let (mant, shift) = if exp == 0 {
            (frac, 0)
        } else {
            (frac | (1u64 << 52), exp - 1)
        };
        if mant == 0 {
            return;
        }
        // value = mant * 2^(shift - 1074); shift <= 2045, so k + 2 <= 65 < LIMBS.
        let k = shift / 32;
        let wide = u128::from(mant) << (shift % 32);
        let pieces = [
            (wide & 0xffff_ffff) as i64,
            ((wide >> 32) & 0xffff_ffff) as i64,
            (wide >> 64) as i64,
        ];
        if let Some(window) = self.limbs.get_mut(k..k + 3) {
            for (limb, piece) in window.iter_mut().zip(pieces) {
                if negative {
                    *limb -= piece;
                } else {
                    *limb += piece;
                }
            }
        }
        self.pending += 1;
        if self.pending >= MAX_PENDING {
            self.normalize();
        }
    }

    /// Adds another exact sum (exactly).
    pub fn merge(&mut self, other: &ExactSum) {
        self.normalize();
        let mut other = other.clone();
        other.normalize();
        for (a, b) in self.limbs.iter_mut().zip(other.limbs) {
            *a += b;
        }
        self.normalize();
    }

    /// Propagates carries: limbs 0..67 in [0, 2^32), the top limb carries the sign. This form is
    /// unique for each integer.
    fn normalize(&mut self) {
        let mut carry = 0i64;
        let last = LIMBS - 1;
        for limb in &mut self.limbs[..last] {
            let v = *limb + carry;
            *limb = v & 0xffff_ffff;
            carry = v >> 32;
        }
        self.limbs[last] += carry;
        self.pending = 0;
    }

    /// Sign and magnitude limbs (normalised, magnitude non-negative).
    fn sign_magnitude(&self) -> (bool, [i64; LIMBS]) {
        let mut n = self.clone();
        n.normalize();
        if n.limbs[LIMBS - 1] < 0 {
            for limb in &mut n.limbs {
                *limb = -*limb;
            }
            n.normalize();
            (true, n.limbs)
        } else {
            (false, n.limbs)
        }
    }

    /// Whether the sum is exactly zero.
    pub fn is_zero(&self) -> bool {
        let mut n = self.clone();
        n.normalize();
        n.limbs.iter().all(|&l| l == 0)
    }

    /// The sum as an exact rational.
    pub(crate) fn to_rational(&self) -> num_rational::BigRational {
        use num_bigint::BigInt;
        let (negative, mag) = self.sign_magnitude();
        let mut int = BigInt::from(0);
        for &limb in mag.iter().rev() {
            int = (int << 32) + BigInt::from(limb);
        }
        if negative {
            int = -int;
        }
        num_rational::BigRational::new(int, BigInt::from(1) << (-LSB_EXP) as usize)
    }

    /// The sum rounded to an `f64` (within one unit in the last place; `±inf` if beyond the
    /// range of `f64`). Deterministic: equal sums give equal bits.
    pub fn to_f64(&self) -> f64 {
        let (negative, mag) = self.sign_magnitude();
        let mut f = 0.0;
        for (k, &limb) in mag.iter().enumerate().rev() {
            if limb != 0 {
                f += libm::ldexp(limb as f64, 32 * k as i32 + LSB_EXP);
            }
        }
        if negative {
            -f
        } else {
            f
        }
    }
}

impl PartialEq for ExactSum {
    fn eq(&self, other: &Self) -> bool {
        let mut a = self.clone();
        let mut b = other.clone();
        a.normalize();
        b.normalize();
        a.limbs == b.limbs
    }
}

impl Eq for ExactSum {}

impl fmt::Debug for ExactSum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExactSum({self} = {})", self.to_f64())
    }
}

impl fmt::Display for ExactSum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (negative, mag) = self.sign_magnitude();
        let Some(top) = mag.iter().rposition(|&l| l != 0) else {
            return f.write_str("0");
        };
        let mut hex = String::with_capacity(8 * (top + 1));
        for &limb in mag[..=top].iter().rev() {
            hex.push_str(&format!("{limb:08x}"));
        }
        let digits = hex.trim_start_matches('0');
        let trimmed = digits.trim_end_matches('0');
        let dropped = (digits.len() - trimmed.len()) as i32;
        let exp = LSB_EXP + 4 * dropped;
        let sign = if negative { "-" } else { "" };
        write!(f, "{sign}0x{trimmed}p{exp}")
    }
}

/// A string that is not an [`ExactSum`] written by its `Display`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not an exact sum (expected `[-]0x<hex>p<exponent>` or `0`): {reason}")]
pub struct ParseExactError {
    text: String,
    reason: &'static str,
}

impl FromStr for ExactSum {
    type Err = ParseExactError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ParseExactError {
            text: s.to_string(),
            reason,
        };
        if s == "0" {
            return Ok(Self::new());
        }
        let (negative, rest) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let rest = rest.strip_prefix("0x").ok_or_else(|| err("missing 0x"))?;
        let (hex, exp) = rest.split_once('p').ok_or_else(|| err("missing p"))?;
        let exp: i32 = exp.parse().map_err(|_| err("bad exponent"))?;
        if hex.is_empty() || exp < LSB_EXP {
            return Err(err("empty mantissa or exponent below -1074"));
        }
        let mut sum = Self::new();
        for (i, c) in hex.chars().rev().enumerate() {
            let d = i64::from(c.to_digit(16).ok_or_else(|| err("bad hex digit"))?);
            if d == 0 {
                continue;
            }
            let pos = (exp - LSB_EXP) as usize + 4 * i;
            // The top limb must stay well below 2^31 for the sign convention.
            if pos / 32 >= LIMBS - 1 {
                return Err(err("magnitude too large"));
            }
            let limb = &mut sum.limbs[pos / 32];
            let piece = d << (pos % 32);
            *limb += if negative { -piece } else { piece };
        }
        sum.normalize();
        Ok(sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancellation_is_exact() {
        let mut s = ExactSum::new();
        for x in [1e308, 1.0, -1e308, 5e-324, 1e-300] {
            s.add(x);
        }
        assert_eq!(s.to_f64(), 1.0 + 1e-300);
        let t: ExactSum = s.to_string().parse().unwrap();
        assert_eq!(t, s);
    }

    #[test]
    fn order_and_grouping_do_not_matter() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1013) as f64 * 0.1 - 37.3)
            .collect();
        let mut fwd = ExactSum::new();
        xs.iter().for_each(|&x| fwd.add(x));
        let mut rev = ExactSum::new();
        xs.iter().rev().for_each(|&x| rev.add(x));
        let mut a = ExactSum::new();
        let mut b = ExactSum::new();
        xs[..333].iter().for_each(|&x| a.add(x));
        xs[333..].iter().for_each(|&x| b.add(x));
        a.merge(&b);
        assert_eq!(fwd, rev);
        assert_eq!(fwd, a);
        assert_eq!(fwd.to_string(), a.to_string());
    }

    #[test]
    fn single_values_round_trip_bit_for_bit() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -2.5,
            0.1,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            -123456.789,
        ] {
            let s = ExactSum::of(x);
            assert_eq!(s.to_f64(), x + 0.0, "{x}");
            let t: ExactSum = s.to_string().parse().unwrap();
            assert_eq!(t.to_f64(), x + 0.0);
        }
        assert_eq!(ExactSum::of(-2.5).to_string(), "-0xap-2");
        assert_eq!(ExactSum::of(0.0).to_string(), "0");
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in ["", "0x", "1p0", "0xgp0", "0x1p-2000", "0x1p2000", "0x1"] {
            assert!(bad.parse::<ExactSum>().is_err(), "{bad}");
        }
    }
}
