//! The flat numeric parameter vector of the ladder, addressed by typed slots.
//!
//! A [`Param`] names each scalar parameter (its TOML key, admissible range, default and
//! meaning); a [`Slot`] is a scalar parameter or one side's annual cost of a lever. Monte
//! Carlo draws fill a [`Params`] in place (no allocation per draw): the [`Param::COUNT`]
//! scalars in [`Param::ALL`] order, then two entries per non-tariff lever of the
//! [`Ladder`](super::Ladder), its annual cost to the challenger and to the target.
//!
//! Units: money in $bn; trade flows and lever costs in $bn a year; rates (tariffs, discount)
//! as fractions (0.25 = 25%, discount rate per year); probabilities in [0, 1].

use super::ladder::Side;

/// A scalar parameter of the ladder.
///
/// # Examples
/// ```
/// use escalation::model::Param;
/// assert_eq!(Param::from_name("lambda"), Some(Param::Lambda));
/// assert_eq!(Param::Lambda.name(), "lambda");
/// assert_eq!(Param::Elasticity.range(), (0.0, 20.0));
/// assert_eq!(Param::ALL.len(), Param::COUNT);
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Param {
    /// Value to the challenger of getting its way on the issue ($bn-equivalent).
    StakeChallenger,
    /// Value to the target of getting its way on the issue ($bn-equivalent).
    StakeTarget,
    /// Challenger's audience cost of backing down after a public threat, at escalation
    /// level 1 ($bn-eq.).
    AudienceChallenger,
    /// Target's audience cost of conceding after its public refusal, at escalation level 1
    /// ($bn-eq.).
    AudienceTarget,
    /// Growth of audience costs per escalation level ($bn-eq. per level, both sides): the cost
    /// at level k is `a + g (k - 1)`.
    AudienceGrowth,
    /// Target's goods exports to the challenger ($bn a year).
    ExportsTarget,
    /// Challenger's goods exports to the target ($bn a year).
    ExportsChallenger,
    /// Short-run trade elasticity sigma: export loss of a tariff t is `1 - (1+t)^(-sigma)`.
    Elasticity,
    /// Share of the trade a tariff destroys that the imposing side bears itself (prices,
    /// inputs).
    ImporterBurden,
    /// Target's counter-tariff rate (fraction), levied while the challenger's tariffs are.
    CounterTariff,
    /// Fraction of the target's audience cost removed by a face-saving concession.
    FaceSavingDiscount,
    /// Direct cost to the target of the face-saving variant (e.g. flying its own planes), $bn.
    FaceSavingCost,
    /// Third-party support: fraction of the target's economic costs offset while it holds out.
    ThirdPartySupport,
    /// Discount rate per year (continuous compounding over days).
    DiscountRate,
    /// Logit precision lambda of the quantal response equilibrium.
    Lambda,
    /// True prior probability that the challenger is of the resolute type.
    PriorChallengerResolute,
    /// True prior probability that the target is of the resolute type.
    PriorTargetResolute,
    /// Stake multiplier of the challenger's resolute type.
    ResolveFactorChallenger,
    /// Stake multiplier of the target's resolute type.
    ResolveFactorTarget,
    /// The challenger's belief that the target is resolute (misperception when it differs
    /// from [`Param::PriorTargetResolute`]).
    BeliefChallengerAboutTarget,
    /// The target's belief that the challenger is resolute (misperception when it differs
    /// from [`Param::PriorChallengerResolute`]).
    BeliefTargetAboutChallenger,
    /// Share of its demand the challenger gets in a settlement (the target keeps the rest);
    /// each side pays the matching share of its audience cost (the challenger `1 - s`, the
    /// target `s`).
    SettlementShare,
}

impl Param {
    /// Number of scalar parameters (before the per-lever entries of a [`Params`]).
    pub const COUNT: usize = 22;

    /// Every scalar parameter, in [`Params`] order.
    pub const ALL: [Param; Param::COUNT] = [
        Param::StakeChallenger,
        Param::StakeTarget,
        Param::AudienceChallenger,
        Param::AudienceTarget,
        Param::AudienceGrowth,
        Param::ExportsTarget,
        Param::ExportsChallenger,
        Param::Elasticity,
        Param::ImporterBurden,
        Param::CounterTariff,
        Param::FaceSavingDiscount,
        Param::FaceSavingCost,
        Param::ThirdPartySupport,
        Param::DiscountRate,
        Param::Lambda,
        Param::PriorChallengerResolute,
        Param::PriorTargetResolute,
        Param::ResolveFactorChallenger,
        Param::ResolveFactorTarget,
        Param::BeliefChallengerAboutTarget,
        Param::BeliefTargetAboutChallenger,
        Param::SettlementShare,
    ];

    /// Position in [`Params`] (and in [`Param::ALL`]).
    #[inline]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name: the key of a scenario's `[params]` table.
    pub fn name(self) -> &'static str {
        match self {
            Param::StakeChallenger => "stake_challenger",
            Param::StakeTarget => "stake_target",
            Param::AudienceChallenger => "audience_challenger",
            Param::AudienceTarget => "audience_target",
            Param::AudienceGrowth => "audience_growth",
            Param::ExportsTarget => "exports_target",
            Param::ExportsChallenger => "exports_challenger",
            Param::Elasticity => "elasticity",
            Param::ImporterBurden => "importer_burden",
            Param::CounterTariff => "counter_tariff",
            Param::FaceSavingDiscount => "face_saving_discount",
            Param::FaceSavingCost => "face_saving_cost",
            Param::ThirdPartySupport => "third_party_support",
            Param::DiscountRate => "discount_rate",
            Param::Lambda => "lambda",
            Param::PriorChallengerResolute => "prior_challenger_resolute",
            Param::PriorTargetResolute => "prior_target_resolute",
            Param::ResolveFactorChallenger => "resolve_factor_challenger",
            Param::ResolveFactorTarget => "resolve_factor_target",
            Param::BeliefChallengerAboutTarget => "belief_challenger_about_target",
            Param::BeliefTargetAboutChallenger => "belief_target_about_challenger",
            Param::SettlementShare => "settlement_share",
        }
    }

    /// The parameter of a name.
    pub fn from_name(name: &str) -> Option<Param> {
        Param::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Admissible range `[lo, hi]` (checked by [`Params::validate`]).
    pub fn range(self) -> (f64, f64) {
        match self {
            Param::Elasticity => (0.0, 20.0),
            Param::ImporterBurden
            | Param::FaceSavingDiscount
            | Param::ThirdPartySupport
            | Param::PriorChallengerResolute
            | Param::PriorTargetResolute
            | Param::BeliefChallengerAboutTarget
            | Param::BeliefTargetAboutChallenger
            | Param::SettlementShare => (0.0, 1.0),
            _ => (0.0, f64::INFINITY),
        }
    }

    /// The neutral value a [`Params::new`] starts from.
    pub fn default_value(self) -> f64 {
        match self {
            Param::StakeChallenger
            | Param::StakeTarget
            | Param::ResolveFactorChallenger
            | Param::ResolveFactorTarget => 1.0,
            Param::Elasticity => 0.76,
            Param::DiscountRate => 0.05,
            Param::Lambda => 5.0,
            Param::PriorChallengerResolute
            | Param::PriorTargetResolute
            | Param::BeliefChallengerAboutTarget
            | Param::BeliefTargetAboutChallenger
            | Param::SettlementShare => 0.5,
            _ => 0.0,
        }
    }

    /// Whether the parameter is an amount of money ($bn or $bn a year: stakes, audience
    /// costs and their growth, trade flows, the face-saving cost), the kind a relative prior
    /// or a payoff unit may refer to.
    ///
    /// # Examples
    /// ```
    /// use escalation::model::Param;
    /// assert!(Param::ExportsTarget.is_money());
    /// assert!(!Param::Lambda.is_money());
    /// ```
    pub fn is_money(self) -> bool {
        matches!(
            self,
            Param::StakeChallenger
                | Param::StakeTarget
                | Param::AudienceChallenger
                | Param::AudienceTarget
                | Param::AudienceGrowth
                | Param::ExportsTarget
                | Param::ExportsChallenger
                | Param::FaceSavingCost
        )
    }

    /// The belief `side` holds about the other side's type, and the true prior it is a
    /// belief about.
    pub fn belief(side: Side) -> (Param, Param) {
        match side {
            Side::Challenger => (
                Param::BeliefChallengerAboutTarget,
                Param::PriorTargetResolute,
            ),
            Side::Target => (
                Param::BeliefTargetAboutChallenger,
                Param::PriorChallengerResolute,
            ),
        }
    }
}

/// A slot of a [`Params`] vector: a scalar parameter, or one side's annual cost of a lever.
///
/// # Examples
/// ```
/// use escalation::model::{Param, Side, Slot};
/// assert_eq!(Slot::from(Param::Lambda).index(), Param::Lambda.index());
/// let cost = Slot::LeverCost { lever: 1, side: Side::Target };
/// assert_eq!(Slot::at(cost.index()), cost);
/// assert_eq!(cost.name(), "lever[1].cost_target");
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    /// A scalar parameter.
    Param(Param),
    /// The annual cost of lever `lever` (in the ladder's order) to `side`, $bn a year.
    LeverCost {
        /// The lever's index.
        lever: usize,
        /// Who bears the cost.
        side: Side,
    },
}

impl From<Param> for Slot {
    #[inline]
    fn from(p: Param) -> Slot {
        Slot::Param(p)
    }
}

impl Slot {
    /// Position in [`Params`].
    #[inline]
    pub fn index(self) -> usize {
        match self {
            Slot::Param(p) => p.index(),
            Slot::LeverCost { lever, side } => Param::COUNT + 2 * lever + side.index(),
        }
    }

    /// The slot at position `index` of a [`Params`].
    pub fn at(index: usize) -> Slot {
        match Param::ALL.get(index) {
            Some(&p) => Slot::Param(p),
            None => {
                let k = index - Param::COUNT;
                let side = if k % 2 == 0 {
                    Side::Challenger
                } else {
                    Side::Target
                };
                Slot::LeverCost { lever: k / 2, side }
            }
        }
    }

    /// Admissible range `[lo, hi]`: the parameter's, `[0, ∞)` for lever costs.
    pub fn range(self) -> (f64, f64) {
        match self {
            Slot::Param(p) => p.range(),
            Slot::LeverCost { .. } => (0.0, f64::INFINITY),
        }
    }

    /// A name for messages: the parameter's, or `lever[k].cost_challenger` /
    /// `lever[k].cost_target`.
    pub fn name(self) -> String {
        match self {
            Slot::Param(p) => p.name().to_string(),
            Slot::LeverCost { lever, side } => {
                let side = match side {
                    Side::Challenger => "cost_challenger",
                    Side::Target => "cost_target",
                };
                format!("lever[{lever}].{side}")
            }
        }
    }
}

/// A flat parameter vector: [`Param::COUNT`] scalars, then two costs per lever.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    values: Vec<f64>,
}

/// A parameter vector that cannot be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamError {
    /// A value outside its slot's admissible range (or not finite).
    #[error("parameter {name} = {value} is outside its admissible range [{lo}, {hi}]")]
    OutOfRange {
        /// The slot's name.
        name: String,
        /// Its value.
        value: f64,
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
    /// Values that do not fill the scalars and two costs per lever.
    #[error(
        "{got} values do not make a parameter vector ({} scalars, then two costs per lever)",
        Param::COUNT
    )]
    Length {
        /// Values given.
        got: usize,
    },
}

impl Params {
    /// A vector for a ladder with `num_levers` levers, every scalar at its
    /// [`Param::default_value`] and every lever cost 0.
    pub fn new(num_levers: usize) -> Self {
        let mut values = vec![0.0; Param::COUNT + 2 * num_levers];
        for p in Param::ALL {
            values[p.index()] = p.default_value();
        }
        Params { values }
    }

    /// A checked vector from its values in slot order: the scalars, then two costs per
    /// lever.
    ///
    /// # Errors
    /// [`ParamError::Length`] when `values` has fewer than [`Param::COUNT`] entries or an odd
    /// number of lever costs; [`ParamError::OutOfRange`] for the first value outside its
    /// slot's range.
    ///
    /// # Examples
    /// ```
    /// use escalation::model::{Param, ParamError, Params, Slot};
    /// let mut values = Params::new(1).as_slice().to_vec();
    /// assert!(Params::from_values(values.clone()).is_ok());
    /// values[Param::Lambda.index()] = -1.0;
    /// assert!(matches!(Params::from_values(values), Err(ParamError::OutOfRange { .. })));
    /// assert_eq!(Params::from_values(vec![0.0; 3]), Err(ParamError::Length { got: 3 }));
    /// ```
    pub fn from_values(values: Vec<f64>) -> Result<Self, ParamError> {
        let n = values.len();
        if n < Param::COUNT || (n - Param::COUNT) % 2 != 0 {
            return Err(ParamError::Length { got: n });
        }
        let params = Params { values };
        params.validate()?;
        Ok(params)
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
        (self.values.len().saturating_sub(Param::COUNT)) / 2
    }

    /// Value of `slot` (0.0 when the vector has no such slot).
    #[inline]
    pub fn get(&self, slot: impl Into<Slot>) -> f64 {
        self.values.get(slot.into().index()).copied().unwrap_or(0.0)
    }

    /// Sets the value of `slot` (ignored when the vector has no such slot).
    #[inline]
    pub fn set(&mut self, slot: impl Into<Slot>, value: f64) {
        if let Some(v) = self.values.get_mut(slot.into().index()) {
            *v = value;
        }
    }

    /// Sets `side`'s belief about the other side's type to that type's true prior (no
    /// misperception).
    pub fn copy_belief(&mut self, side: Side) {
        let (belief, truth) = Param::belief(side);
        self.set(belief, self.get(truth));
    }

    /// All values, in slot order.
    pub fn as_slice(&self) -> &[f64] {
        &self.values
    }

    /// All values, mutable (for drawing in place).
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.values
    }

    /// Checks every value against its slot's admissible [range](Slot::range).
    ///
    /// # Errors
    /// The first [`ParamError::OutOfRange`] found.
    pub fn validate(&self) -> Result<(), ParamError> {
        for (i, &v) in self.values.iter().enumerate() {
            let slot = Slot::at(i);
            let (lo, hi) = slot.range();
            if !(v.is_finite() && v >= lo && v <= hi) {
                return Err(ParamError::OutOfRange {
                    name: slot.name(),
                    value: v,
                    lo,
                    hi,
                });
            }
        }
        Ok(())
    }

    /// Every entry as `name = value`, joined by `, ` (for messages that must say which
    /// parameters a failure happened at).
    ///
    /// # Examples
    /// ```
    /// let p = escalation::model::Params::new(0);
    /// assert!(p.describe().starts_with("stake_challenger = "));
    /// ```
    pub fn describe(&self) -> String {
        self.values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{} = {v}", Slot::at(i).name()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
