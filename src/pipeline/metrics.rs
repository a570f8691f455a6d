//! The metric schema: every quantity a run records is derived here, and only here, from the
//! run's [`Outcome`].
//!
//! [`OutcomeMetric`] names each metric and gives its key, label, unit, value and histogram.
//! The outputs select from it: [`SUMMARY_METRICS`] (the simulation summary of `escalation
//! simulate`) and [`COMPARISON_METRICS`] (counterfactual comparisons and reports). Their
//! orders are those of the files they fill. The outcome classes are
//! [`OutcomeClass::ALL`], in that order.
//!
//! To add a metric: a variant of [`OutcomeMetric`] with its arms in this file, and its place
//! in the lists that should show it. To add an outcome class: a variant of
//! [`OutcomeClass`]; every output picks it up from [`OutcomeClass::ALL`].

use crate::model::{Ladder, Outcome, OutcomeClass, Side, FROZEN_REPORT_DAYS};
use serde::{Deserialize, Serialize};

/// What a metric measures, for printing and plotting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Unit {
    /// An indicator (0 or 1), or a probability in a conditional expectation: its mean is a
    /// probability.
    Probability,
    /// A duration in days.
    Days,
    /// A tariff rate (0.25 = 25%).
    Rate,
    /// A cost in billions of US dollars.
    BillionUsd,
    /// Anything else.
    Other,
}

impl Unit {
    /// The unit as simulation summaries write it (`0/1`, `days`, `rate`, `USD bn`, empty).
    pub fn summary_name(self) -> &'static str {
        match self {
            Unit::Probability => "0/1",
            Unit::Days => "days",
            Unit::Rate => "rate",
            Unit::BillionUsd => "USD bn",
            Unit::Other => "",
        }
    }
}

/// What metrics need beyond the outcome: the players' names (for labels), the top rate of
/// the baseline's tariff schedule, and the histogram ranges of the ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricContext {
    players: [String; 2],
    top_rate: f64,
    max_days: f64,
}

impl MetricContext {
    /// The context of `ladder`: its players, the top rate of its schedule, and its horizon
    /// plus [`FROZEN_REPORT_DAYS`] (rounded up) as the range of durations.
    pub fn new(ladder: &Ladder) -> Self {
        let horizon = ladder.round_start(ladder.rounds.len());
        MetricContext {
            players: ladder.players.clone(),
            top_rate: ladder.schedule.iter().map(|s| s.rate).fold(0.0, f64::max),
            max_days: (horizon + FROZEN_REPORT_DAYS).ceil().max(1.0),
        }
    }

    /// The top rate of the schedule (0 without one).
    pub fn top_rate(&self) -> f64 {
        self.top_rate
    }
}

/// Upper edge of the cost histograms, $bn (0.01 bn bins); larger costs still count exactly in
/// the mean, sd, min and max.
pub const COST_HISTOGRAM_BN: f64 = 50.0;

/// A quantity recorded per run, derived from its [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutcomeMetric {
    /// The target complied at the outset (class `accepted`).
    AcceptedAtOutset,
    /// The challenger threatened: the play reached the crisis.
    Threatened,
    /// Tariffs were levied.
    TariffsImposed,
    /// The top step of the baseline's schedule was levied.
    TopStepImposed,
    /// The challenger yielded after the threat: backed down, or conceded in the attrition
    /// tail (there the tail's probability that it is the one to concede, a conditional
    /// expectation with the same mean and less noise than an indicator).
    ChallengerYields,
    /// The target yielded after the threat (conceded, plainly or face-saving, or in the
    /// tail, counted as for [`OutcomeMetric::ChallengerYields`]).
    TargetYields,
    /// Days from the threat to the end of the standoff ([`Outcome::duration_days`]).
    DurationDays,
    /// The highest tariff rate announced.
    PeakTariffAnnounced,
    /// The highest tariff rate levied.
    PeakTariffImposed,
    /// The challenger's economic cost, $bn.
    CostChallengerBn,
    /// The target's economic cost, $bn.
    CostTargetBn,
}

/// The metrics of a simulation summary (`escalation simulate`), in its order.
pub const SUMMARY_METRICS: [OutcomeMetric; 6] = [
    OutcomeMetric::DurationDays,
    OutcomeMetric::PeakTariffAnnounced,
    OutcomeMetric::PeakTariffImposed,
    OutcomeMetric::TariffsImposed,
    OutcomeMetric::CostChallengerBn,
    OutcomeMetric::CostTargetBn,
];

/// The metrics of a counterfactual comparison (`escalation whatif`, reports), in its order.
pub const COMPARISON_METRICS: [OutcomeMetric; 9] = [
    OutcomeMetric::AcceptedAtOutset,
    OutcomeMetric::Threatened,
    OutcomeMetric::TariffsImposed,
    OutcomeMetric::TopStepImposed,
    OutcomeMetric::ChallengerYields,
    OutcomeMetric::TargetYields,
    OutcomeMetric::DurationDays,
    OutcomeMetric::CostChallengerBn,
    OutcomeMetric::CostTargetBn,
];

impl OutcomeMetric {
    /// Snake-case key (the column name of simulation summaries and per-run rows).
    pub fn key(self) -> &'static str {
        match self {
            OutcomeMetric::AcceptedAtOutset => "accepted_at_outset",
            OutcomeMetric::Threatened => "threatened",
            OutcomeMetric::TariffsImposed => "tariffs_imposed",
            OutcomeMetric::TopStepImposed => "top_step_imposed",
            OutcomeMetric::ChallengerYields => "challenger_yields",
            OutcomeMetric::TargetYields => "target_yields",
            OutcomeMetric::DurationDays => "duration_days",
            OutcomeMetric::PeakTariffAnnounced => "peak_tariff_announced",
            OutcomeMetric::PeakTariffImposed => "peak_tariff_imposed",
            OutcomeMetric::CostChallengerBn => "cost_challenger_bn",
            OutcomeMetric::CostTargetBn => "cost_target_bn",
        }
    }

    /// A label in words, with the players' names (e.g. "US imposes tariffs").
    pub fn label(self, ctx: &MetricContext) -> String {
        let [c, t] = &ctx.players;
        match self {
            OutcomeMetric::AcceptedAtOutset => format!("{t} accepts at the outset"),
            OutcomeMetric::Threatened => format!("{c} threatens"),
            OutcomeMetric::TariffsImposed => format!("{c} imposes tariffs"),
            OutcomeMetric::TopStepImposed => {
                format!("{:.0}% tariff step reached", 100.0 * ctx.top_rate)
            }
            OutcomeMetric::ChallengerYields => format!("{c} backs down"),
            OutcomeMetric::TargetYields => format!("{t} concedes"),
            OutcomeMetric::DurationDays => "duration".to_string(),
            OutcomeMetric::PeakTariffAnnounced => format!("peak tariff {c} announces"),
            OutcomeMetric::PeakTariffImposed => format!("peak tariff {c} levies"),
            OutcomeMetric::CostChallengerBn => format!("cost to {c}"),
            OutcomeMetric::CostTargetBn => format!("cost to {t}"),
        }
    }

    /// What the metric measures.
    pub fn unit(self) -> Unit {
        match self {
            OutcomeMetric::AcceptedAtOutset
            | OutcomeMetric::Threatened
            | OutcomeMetric::TariffsImposed
            | OutcomeMetric::TopStepImposed
            | OutcomeMetric::ChallengerYields
            | OutcomeMetric::TargetYields => Unit::Probability,
            OutcomeMetric::DurationDays => Unit::Days,
            OutcomeMetric::PeakTariffAnnounced | OutcomeMetric::PeakTariffImposed => Unit::Rate,
            OutcomeMetric::CostChallengerBn | OutcomeMetric::CostTargetBn => Unit::BillionUsd,
        }
    }

    /// The metric's value for a play that ended in `o`.
    #[inline]
    pub fn value(self, o: &Outcome, ctx: &MetricContext) -> f64 {
        match self {
            OutcomeMetric::AcceptedAtOutset => f64::from(o.class == OutcomeClass::Accepted),
            OutcomeMetric::Threatened => f64::from(o.class.is_crisis()),
            OutcomeMetric::TariffsImposed => f64::from(o.tariffs_imposed),
            OutcomeMetric::TopStepImposed => {
                f64::from(o.peak_tariff_imposed >= ctx.top_rate - 1e-12 && o.tariffs_imposed)
            }
            // Yielding after the threat (a frozen tail is neither side's).
            OutcomeMetric::ChallengerYields => o.yield_after_threat(Side::Challenger),
            OutcomeMetric::TargetYields => o.yield_after_threat(Side::Target),
            OutcomeMetric::DurationDays => o.duration_days,
            OutcomeMetric::PeakTariffAnnounced => o.peak_tariff_announced,
            OutcomeMetric::PeakTariffImposed => o.peak_tariff_imposed,
            OutcomeMetric::CostChallengerBn => o.cost_challenger_bn,
            OutcomeMetric::CostTargetBn => o.cost_target_bn,
        }
    }

    /// The histogram a simulation summary keeps of it: `(lo, hi, bins)`. Durations in hour
    /// bins up to the horizon plus [`FROZEN_REPORT_DAYS`]; rates in 0.01 bins up to the top
    /// rate (at least 1); costs in 0.01 bins up to [`COST_HISTOGRAM_BN`]; indicators in two.
    pub fn histogram(self, ctx: &MetricContext) -> (f64, f64, usize) {
        match self.unit() {
            Unit::Probability => (0.0, 1.0, 2),
            Unit::Days => (0.0, ctx.max_days, (ctx.max_days * 24.0) as usize),
            Unit::Rate => {
                let max_rate = ctx.top_rate.max(1.0).ceil();
                (0.0, max_rate, (max_rate * 100.0) as usize)
            }
            Unit::BillionUsd => (0.0, COST_HISTOGRAM_BN, (COST_HISTOGRAM_BN * 100.0) as usize),
            Unit::Other => (0.0, 1.0, 100),
        }
    }
}

/// Writes the values of `metrics` for a play that ended in `o` into `out`, in order.
#[inline]
pub fn record(metrics: &[OutcomeMetric], o: &Outcome, ctx: &MetricContext, out: &mut [f64]) {
    for (dst, m) in out.iter_mut().zip(metrics) {
        *dst = m.value(o, ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys are distinct, and the lists name each metric once.
    #[test]
    fn keys_are_distinct() {
        let all: Vec<OutcomeMetric> = SUMMARY_METRICS
            .iter()
            .chain(&COMPARISON_METRICS)
            .copied()
            .collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[..i] {
                assert!(a == b || a.key() != b.key(), "{a:?} and {b:?}");
            }
        }
        for list in [&SUMMARY_METRICS[..], &COMPARISON_METRICS[..]] {
            for (i, m) in list.iter().enumerate() {
                assert!(!list[..i].contains(m), "{m:?} twice");
            }
        }
    }
}
