//! What a terminal of the ladder means: who yielded, when, at what tariffs and cost.

use super::ladder::Side;
use std::fmt;

/// Class of an outcome, for frequency tables.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum OutcomeClass {
    /// The target complied at the outset (e.g. accepted the flights).
    Accepted,
    /// The challenger let the refusal stand without a threat.
    Acquiesced,
    /// The target conceded after the threat, before any tariff was levied.
    ConcededBeforeTariffs,
    /// The target conceded with tariffs in force.
    ConcededAfterTariffs,
    /// A settlement in which both sides gave ground.
    Settled,
    /// The challenger backed down after threatening.
    BackedDown,
    /// Nobody yielded within the horizon: the standoff is unresolved at its end (the
    /// war-of-attrition tail continues beyond it).
    Unresolved,
}

impl OutcomeClass {
    /// Every class, in table order.
    pub const ALL: [OutcomeClass; 7] = [
        OutcomeClass::Accepted,
        OutcomeClass::Acquiesced,
        OutcomeClass::ConcededBeforeTariffs,
        OutcomeClass::ConcededAfterTariffs,
        OutcomeClass::Settled,
        OutcomeClass::BackedDown,
        OutcomeClass::Unresolved,
    ];

    /// Dense index in [`OutcomeClass::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Short snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            OutcomeClass::Accepted => "accepted",
            OutcomeClass::Acquiesced => "acquiesced",
            OutcomeClass::ConcededBeforeTariffs => "conceded_before_tariffs",
            OutcomeClass::ConcededAfterTariffs => "conceded_after_tariffs",
            OutcomeClass::Settled => "settled",
            OutcomeClass::BackedDown => "backed_down",
            OutcomeClass::Unresolved => "unresolved",
        }
    }

    /// The class with this [`OutcomeClass::name`].
    pub fn from_name(name: &str) -> Option<OutcomeClass> {
        OutcomeClass::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether the play reached a crisis: a threat stood and the target did not comply at
    /// once (every class but `accepted` and `acquiesced`).
    pub fn is_crisis(self) -> bool {
        !matches!(self, OutcomeClass::Accepted | OutcomeClass::Acquiesced)
    }

    /// Which side yielded: the target for the concessions (and `accepted`), the challenger
    /// for `backed_down` (and `acquiesced`); nobody alone for a settlement, in which both
    /// gave ground, and nobody within the horizon for `unresolved`.
    pub fn yielded(self) -> Option<Side> {
        match self {
            OutcomeClass::Accepted
            | OutcomeClass::ConcededBeforeTariffs
            | OutcomeClass::ConcededAfterTariffs => Some(Side::Target),
            OutcomeClass::Acquiesced | OutcomeClass::BackedDown => Some(Side::Challenger),
            OutcomeClass::Settled | OutcomeClass::Unresolved => None,
        }
    }
}

impl fmt::Display for OutcomeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything a terminal of the ladder means, at given parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The class.
    pub class: OutcomeClass,
    /// Who yielded (`None` for a settlement, and when unresolved at the horizon, where
    /// either may in the end, see [`Outcome::tail_target_concedes_prob`]).
    pub conceded: Option<Side>,
    /// Whether the target conceded with the face-saving variant.
    pub face_saving: bool,
    /// Index of the yielding move on the path (0 = the first move); for attrition the number
    /// of moves before the tail.
    pub move_index: usize,
    /// Day, counted from the threat, at which the standoff ended (unresolved: the horizon,
    /// where the duration is censored).
    pub day: f64,
    /// Highest tariff rate announced (0 if no threat).
    pub peak_tariff_announced: f64,
    /// Highest tariff rate actually levied (0 if never).
    pub peak_tariff_imposed: f64,
    /// Whether tariffs were ever levied.
    pub tariffs_imposed: bool,
    /// Whether the target announced its counter-tariff.
    pub counter_tariff_announced: bool,
    /// Challenger's undiscounted economic cost, $bn (tariffs and levers; the attrition tail
    /// at its expected duration).
    pub cost_challenger_bn: f64,
    /// Target's undiscounted economic cost, $bn.
    pub cost_target_bn: f64,
    /// Duration in days from the threat (0 when no threat; the horizon when unresolved).
    pub duration_days: f64,
    /// Whether the duration is censored at the horizon: the standoff was unresolved there.
    pub censored: bool,
    /// When unresolved, the probability that the target is the one to concede in the
    /// war-of-attrition tail beyond the horizon.
    pub tail_target_concedes_prob: f64,
    /// In the attrition tail, the probability that the challenger is the one to concede
    /// (with [`Outcome::tail_target_concedes_prob`] it sums to 1, or to 0 in a frozen
    /// standoff where nobody ever concedes).
    pub tail_challenger_concedes_prob: f64,
}

impl Outcome {
    /// Probability that `side` is the one who yields in this outcome: 1 or 0 where the
    /// class says who yielded, 0 for both in a settlement, the tail's probabilities when
    /// unresolved at the horizon (0 for both sides in a frozen standoff, which is nobody's
    /// back-down or concession).
    ///
    /// # Examples
    /// ```
    /// use escalation::model::{CompiledLadder, Ladder, OutcomeClass, Param, Params, Side};
    /// let c = CompiledLadder::new(&Ladder::default())?;
    /// let p = Params::new(0);
    /// for t in 0..c.num_terminals() {
    ///     let o = c.outcome(t, &p)?;
    ///     let total = o.yield_prob(Side::Challenger) + o.yield_prob(Side::Target);
    ///     assert!(total == 1.0 || (o.class == OutcomeClass::Unresolved && total <= 1.0));
    /// }
    /// # Ok::<(), escalation::model::ModelError>(())
    /// ```
    pub fn yield_prob(&self, side: Side) -> f64 {
        match (self.class.yielded(), side) {
            (Some(s), _) => f64::from(s == side),
            (None, _) if self.class == OutcomeClass::Settled => 0.0,
            (None, Side::Challenger) => self.tail_challenger_concedes_prob,
            (None, Side::Target) => self.tail_target_concedes_prob,
        }
    }

    /// Probability that `side` yields after the threat: [`Outcome::yield_prob`] in a crisis
    /// ([`OutcomeClass::is_crisis`]), 0 without one (the target's acceptance at the outset
    /// and the challenger's acquiescence come before any threat).
    pub fn yield_after_threat(&self, side: Side) -> f64 {
        if self.class.is_crisis() {
            self.yield_prob(side)
        } else {
            0.0
        }
    }
}

/// The probabilities of a play's outcomes under one behaviour profile: each class, the
/// crisis, and each side's yielding after the threat with the attrition tail's concessions
/// counted (what the comparative statics of audience costs and exposure are about).
///
/// # Examples
/// ```
/// use escalation::model::{CompiledLadder, Ladder, OutcomeClass, Params, Side};
/// let c = CompiledLadder::new(&Ladder::default())?;
/// let p = Params::new(0);
/// let mut ws = c.workspace();
/// let b = c.behaviour(&mut ws, &p)?.to_vec();
/// let probs = c.outcome_probs(&b, &p)?;
/// let total: f64 = probs.classes.iter().sum();
/// assert!((total - 1.0).abs() < 1e-12);
/// // The crisis is every play but an acceptance or an acquiescence.
/// let calm = probs.class(OutcomeClass::Accepted) + probs.class(OutcomeClass::Acquiesced);
/// assert!((probs.crisis - (1.0 - calm)).abs() < 1e-12);
/// // Someone yields in every crisis but a frozen standoff.
/// assert!(probs.yields(Side::Challenger) + probs.yields(Side::Target) <= probs.crisis + 1e-12);
/// assert!(probs.yields_given_crisis(Side::Target) <= 1.0);
/// # Ok::<(), escalation::model::ModelError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OutcomeProbs {
    /// Probability of each class, in [`OutcomeClass::ALL`] order.
    pub classes: [f64; OutcomeClass::ALL.len()],
    /// Probability of a crisis: the target refused and the challenger threatened (every
    /// class but `accepted` and `acquiesced`).
    pub crisis: f64,
    /// Probability that there was a crisis and the challenger yielded in it: it backed
    /// down, or conceded in the attrition tail.
    pub challenger_yields: f64,
    /// Probability that there was a crisis and the target yielded in it: it conceded
    /// (plainly or face-saving), or conceded in the attrition tail.
    pub target_yields: f64,
}

impl OutcomeProbs {
    /// Adds a terminal with outcome `o` reached with probability `prob`.
    pub fn add(&mut self, o: &Outcome, prob: f64) {
        self.classes[o.class.index()] += prob;
        if o.class.is_crisis() {
            self.crisis += prob;
            self.challenger_yields += prob * o.yield_after_threat(Side::Challenger);
            self.target_yields += prob * o.yield_after_threat(Side::Target);
        }
    }

    /// Probability of `class`.
    pub fn class(&self, class: OutcomeClass) -> f64 {
        self.classes[class.index()]
    }

    /// Probability that there was a crisis and `side` yielded in it.
    pub fn yields(&self, side: Side) -> f64 {
        match side {
            Side::Challenger => self.challenger_yields,
            Side::Target => self.target_yields,
        }
    }

    /// Probability that `side` yields given that there was a crisis (0 when a crisis has
    /// probability 0).
    pub fn yields_given_crisis(&self, side: Side) -> f64 {
        if self.crisis > 0.0 {
            self.yields(side) / self.crisis
        } else {
            0.0
        }
    }
}
