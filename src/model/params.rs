//! The flat numeric parameter vector of the ladder, with named indices.
//!
//! Monte Carlo draws fill a [`Params`] in place (no allocation per draw). The first
//! [`NUM_FIXED`] entries are the scalar parameters below, in this order; then two entries per
//! non-tariff lever of the [`Ladder`](super::Ladder): its annual cost to the challenger and to
//! the target.
//!
//! Units: money in $bn; trade flows and lever costs in $bn a year; rates (tariffs, discount)
//! as fractions (0.25 = 25%, discount rate per year); probabilities in [0, 1].

/// Value to the challenger of getting its way on the issue ($bn-equivalent).
pub const STAKE_CHALLENGER: usize = 0;
/// Value to the target of getting its way on the issue ($bn-equivalent).
pub const STAKE_TARGET: usize = 1;
/// Challenger's audience cost of backing down after a public threat, at escalation level 1 ($bn-eq.).
pub const AUDIENCE_CHALLENGER: usize = 2;
/// Target's audience cost of conceding after its public refusal, at escalation level 1 ($bn-eq.).
pub const AUDIENCE_TARGET: usize = 3;
/// Growth of audience costs per escalation level ($bn-eq. per level, both sides): the cost
/// at level k is `a + g (k - 1)`.
pub const AUDIENCE_GROWTH: usize = 4;
/// Target's goods exports to the challenger ($bn a year).
pub const EXPORTS_TARGET: usize = 5;
/// Challenger's goods exports to the target ($bn a year).
pub const EXPORTS_CHALLENGER: usize = 6;
/// Short-run trade elasticity sigma: export loss of a tariff t is `1 - (1+t)^(-sigma)`.
pub const ELASTICITY: usize = 7;
/// Share of the trade a tariff destroys that the imposing side bears itself (prices, inputs).
pub const IMPORTER_BURDEN: usize = 8;
/// Target's counter-tariff rate (fraction), levied while the challenger's tariffs are.
pub const COUNTER_TARIFF: usize = 9;
/// Fraction of the target's audience cost removed by a face-saving concession.
pub const FACE_SAVING_DISCOUNT: usize = 10;
/// Direct cost to the target of the face-saving variant (e.g. flying its own planes), $bn.
pub const FACE_SAVING_COST: usize = 11;
/// Third-party support: fraction of the target's economic costs offset while it holds out.
pub const THIRD_PARTY_SUPPORT: usize = 12;
/// Discount rate per year (continuous compounding over days).
pub const DISCOUNT_RATE: usize = 13;
/// Logit precision lambda of the quantal response equilibrium.
pub const LAMBDA: usize = 14;
/// True prior probability that the challenger is of the resolute type.
pub const PRIOR_CHALLENGER_RESOLUTE: usize = 15;
/// True prior probability that the target is of the resolute type.
pub const PRIOR_TARGET_RESOLUTE: usize = 16;
/// Stake multiplier of the challenger's resolute type.
pub const RESOLVE_FACTOR_CHALLENGER: usize = 17;
/// Stake multiplier of the target's resolute type.
pub const RESOLVE_FACTOR_TARGET: usize = 18;
/// The challenger's belief that the target is resolute (misperception when it differs from
/// [`PRIOR_TARGET_RESOLUTE`]).
pub const BELIEF_CHALLENGER_ABOUT_TARGET: usize = 19;
/// The target's belief that the challenger is resolute (misperception when it differs from
/// [`PRIOR_CHALLENGER_RESOLUTE`]).
pub const BELIEF_TARGET_ABOUT_CHALLENGER: usize = 20;

/// Share of its demand the challenger gets in a settlement (the target keeps the rest); each
/// side pays the matching share of its audience cost (the challenger `1 - s`, the target `s`).
pub const SETTLEMENT_SHARE: usize = 21;

/// Number of scalar parameters before the per-lever entries.
pub const NUM_FIXED: usize = 22;

/// Names of the scalar parameters, by index (the keys of a scenario's `[params]` table).
pub const NAMES: [&str; NUM_FIXED] = [
    "stake_challenger",
    "stake_target",
    "audience_challenger",
    "audience_target",
    "audience_growth",
    "exports_target",
    "exports_challenger",
    "elasticity",
    "importer_burden",
    "counter_tariff",
    "face_saving_discount",
    "face_saving_cost",
    "third_party_support",
    "discount_rate",
    "lambda",
    "prior_challenger_resolute",
    "prior_target_resolute",
    "resolve_factor_challenger",
    "resolve_factor_target",
    "belief_challenger_about_target",
    "belief_target_about_challenger",
    "settlement_share",
];

/// Index of lever `k`'s annual cost to the challenger.
pub fn lever_cost_challenger(k: usize) -> usize {
    NUM_FIXED + 2 * k
}

/// Index of lever `k`'s annual cost to the target.
pub fn lever_cost_target(k: usize) -> usize {
    NUM_FIXED + 2 * k + 1
}

/// Whether scalar parameter `index` is an amount of money ($bn or $bn a year: stakes,
/// audience costs and their growth, trade flows, the face-saving cost), the kind a relative
/// prior or a payoff unit may refer to.
pub fn is_money(index: usize) -> bool {
    matches!(
        index,
        STAKE_CHALLENGER
            | STAKE_TARGET
            | AUDIENCE_CHALLENGER
            | AUDIENCE_TARGET
            | AUDIENCE_GROWTH
            | EXPORTS_TARGET
            | EXPORTS_CHALLENGER
            | FACE_SAVING_COST
    )
}

/// Index of a scalar parameter by name.
pub fn index_of(name: &str) -> Option<usize> {
    NAMES.iter().position(|n| *n == name)
}

/// Admissible range `[lo, hi]` of a scalar parameter (checked by [`Params::validate`]).
pub fn range(index: usize) -> (f64, f64) {
    match index {
        AUDIENCE_GROWTH | EXPORTS_TARGET | EXPORTS_CHALLENGER | STAKE_CHALLENGER | STAKE_TARGET
        | AUDIENCE_CHALLENGER | AUDIENCE_TARGET | FACE_SAVING_COST | COUNTER_TARIFF
        | DISCOUNT_RATE | LAMBDA => (0.0, f64::INFINITY),
        ELASTICITY => (0.0, 20.0),
        RESOLVE_FACTOR_CHALLENGER | RESOLVE_FACTOR_TARGET => (0.0, f64::INFINITY),
        _ if index < NUM_FIXED => (0.0, 1.0),
        _ => (0.0, f64::INFINITY),
    }
}

/// A flat parameter vector: [`NUM_FIXED`] scalars, then two costs per lever.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    values: Vec<f64>,
}

/// A parameter outside its admissible range.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("parameter {name} = {value} is outside its admissible range [{lo}, {hi}]")]
#[non_exhaustive]
pub struct ParamError {
    /// The parameter's name.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl Params {
    /// A vector for a ladder with `num_levers` levers, filled with neutral defaults (see
    /// [`Params::defaults`]).
    pub fn new(num_levers: usize) -> Self {
        let mut values = vec![0.0; NUM_FIXED + 2 * num_levers];
        values[..NUM_FIXED].copy_from_slice(&Self::defaults());
        Params { values }
    }

    /// Neutral defaults of the scalar parameters (used only where a scenario leaves one out).
    pub fn defaults() -> [f64; NUM_FIXED] {
        let mut d = [0.0; NUM_FIXED];
        d[STAKE_CHALLENGER] = 1.0;
        d[STAKE_TARGET] = 1.0;
        d[AUDIENCE_GROWTH] = 0.0;
        d[ELASTICITY] = 0.76;
        d[DISCOUNT_RATE] = 0.05;
        d[LAMBDA] = 5.0;
        d[PRIOR_CHALLENGER_RESOLUTE] = 0.5;
        d[PRIOR_TARGET_RESOLUTE] = 0.5;
        d[RESOLVE_FACTOR_CHALLENGER] = 1.0;
        d[RESOLVE_FACTOR_TARGET] = 1.0;
        d[BELIEF_CHALLENGER_ABOUT_TARGET] = 0.5;
        d[BELIEF_TARGET_ABOUT_CHALLENGER] = 0.5;
        d[SETTLEMENT_SHARE] = 0.5;
        d
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the vector is empty (never, for a vector from [`Params::new`]).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Number of levers the vector has costs for.
    pub fn num_levers(&self) -> usize {
        (self.values.len().saturating_sub(NUM_FIXED)) / 2
    }

    /// Value at `index` (0.0 when out of range).
    #[inline]
    pub fn get(&self, index: usize) -> f64 {
        self.values.get(index).copied().unwrap_or(0.0)
    }

    /// Sets the value at `index` (ignored when out of range).
    #[inline]
    pub fn set(&mut self, index: usize, value: f64) {
        if let Some(v) = self.values.get_mut(index) {
            *v = value;
        }
    }

    /// All values.
    pub fn as_slice(&self) -> &[f64] {
        &self.values
    }

    /// All values, mutable (for drawing in place).
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.values
    }

    /// Checks every value against its admissible [`range`] (lever costs must be >= 0).
    ///
    /// # Errors
    /// The first [`ParamError`] found.
    pub fn validate(&self) -> Result<(), ParamError> {
        for (i, &v) in self.values.iter().enumerate() {
            let (lo, hi) = range(i);
            if !(v.is_finite() && v >= lo && v <= hi) {
                return Err(ParamError {
                    name: self.name(i),
                    value: v,
                    lo,
                    hi,
                });
            }
        }
        Ok(())
    }

    /// Name of the entry at `index`: a scalar name, or `lever[k].cost_challenger` /
    /// `lever[k].cost_target`.
    pub fn name(&self, index: usize) -> String {
        match NAMES.get(index) {
            Some(n) => (*n).to_string(),
            None => {
                let k = (index - NUM_FIXED) / 2;
                let side = if (index - NUM_FIXED) % 2 == 0 {
                    "cost_challenger"
                } else {
                    "cost_target"
                };
                format!("lever[{k}].{side}")
            }
        }
    }
}
