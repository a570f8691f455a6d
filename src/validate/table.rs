//! A validation's table, totals and JSON.

use super::loo::{CaseValidation, Fit};
use std::fmt;

/// Totals over the cases of a validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    /// Cases.
    pub cases: usize,
    /// Ended cases whose documented class is the model's most probable one.
    pub modal_hits: usize,
    /// Ended cases (the denominator of `modal_hits`).
    pub ended: usize,
    /// Cases whose documented day lies inside the model's 90% interval (for a standoff still
    /// on: the interval reaches past the day it was last seen on).
    pub inside90: usize,
    /// Sum of the model's log scores.
    pub model: f64,
    /// Sum of the prior predictive's log scores.
    pub prior: f64,
    /// Sum of the base rate's log scores.
    pub base_rate: f64,
}

/// The totals of `cases`.
pub fn totals(cases: &[CaseValidation]) -> Totals {
    let ended: Vec<&CaseValidation> = cases.iter().filter(|c| c.truth.class.is_some()).collect();
    Totals {
        cases: cases.len(),
        modal_hits: ended
            .iter()
            .filter(|c| c.truth.class == Some(c.model.modal_class))
            .count(),
        ended: ended.len(),
        inside90: cases.iter().filter(|c| c.model.inside90).count(),
        model: cases.iter().map(|c| c.model.log_score).sum(),
        prior: cases.iter().map(|c| c.prior.log_score).sum(),
        base_rate: cases.iter().map(|c| c.base_rate.ln()).sum(),
    }
}

/// One JSON record per case: its key, documented end, and the log score of the model and of
/// each baseline (with the model's probability, interval and fit).
pub fn to_json(cases: &[CaseValidation]) -> serde_json::Value {
    let records: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| {
            let (fit, k_hat) = match c.fit {
                Fit::Psis(k) => ("psis", Some(k)),
                Fit::Refit(k) => ("refit", Some(k)),
                Fit::Train => ("train", None),
            };
            serde_json::json!({
                "case": c.case,
                "documented": documented(c),
                "day": c.truth.day,
                "log_score": {
                    "model": finite(c.model.log_score),
                    "prior": finite(c.prior.log_score),
                    "base_rate": finite(c.base_rate.ln()),
                },
                "probability": {
                    "model": c.model.probability,
                    "prior": c.prior.probability,
                    "base_rate": c.base_rate,
                },
                "modal_class": c.model.modal_class.name(),
                "interval90": [c.model.interval90.0, c.model.interval90.1],
                "inside90": c.model.inside90,
                "pit": c.model.pit,
                "fit": fit,
                "pareto_k": k_hat.map(finite),
                "shared_from_prior": c.from_prior,
            })
        })
        .collect();
    let t = totals(cases);
    serde_json::json!({
        "cases": records,
        "totals": {
            "cases": t.cases,
            "modal_hits": t.modal_hits,
            "ended": t.ended,
            "inside90": t.inside90,
            "log_score": {
                "model": finite(t.model),
                "prior": finite(t.prior),
                "base_rate": finite(t.base_rate),
            },
        },
    })
}

/// JSON has no infinities: `None` (null) for a non-finite value.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn documented(c: &CaseValidation) -> String {
    match c.truth.class {
        Some(class) => class.name().to_string(),
        None => "still_on".to_string(),
    }
}

/// The table of a validation, with totals.
#[derive(Debug)]
pub struct Table<'a>(pub &'a [CaseValidation]);

impl fmt::Display for Table<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self
            .0
            .iter()
            .map(|c| c.case.len())
            .max()
            .unwrap_or(4)
            .max(4);
        writeln!(
            f,
            "{:<w$}  {:<23} {:>6}  {:>7} {:>7} {:>7}  {:<23} {:>17} {:>3}  {:>8} {:>8} {:>8}  fit",
            "case",
            "documented",
            "day",
            "P model",
            "P prior",
            "P base",
            "model's modal class",
            "90% interval",
            "in",
            "log mdl",
            "log pri",
            "log base"
        )?;
        for c in self.0 {
            let day = |d: Option<f64>| d.map_or("∞".to_string(), |d| format!("{d:.0}"));
            let fit = match c.fit {
                Fit::Psis(k) => format!("psis k̂ {k:.2}"),
                Fit::Refit(k) => format!("refit (k̂ {k:.2})"),
                Fit::Train => "train".into(),
            };
            writeln!(
                f,
                "{:<w$}  {:<23} {:>6.0}  {:>7.3} {:>7.3} {:>7.3}  {:<23} {:>17} {:>3}  {:>8.2} {:>8.2} {:>8.2}  {fit}",
                c.case,
                documented(c),
                c.truth.day,
                c.model.probability,
                c.prior.probability,
                c.base_rate,
                c.model.modal_class.name(),
                format!("[{}, {}]", day(c.model.interval90.0), day(c.model.interval90.1)),
                if c.model.inside90 { "yes" } else { "no" },
                c.model.log_score,
                c.prior.log_score,
                c.base_rate.ln(),
            )?;
        }
        let t = totals(self.0);
        writeln!(
            f,
            "total: {} cases; documented class modal in {} of {} ended cases; {} of {} inside \
             their 90% interval; log score model {:.2}, prior {:.2}, base rate {:.2}",
            t.cases, t.modal_hits, t.ended, t.inside90, t.cases, t.model, t.prior, t.base_rate
        )
    }
}
