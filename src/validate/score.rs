//! A case's documented end, and how it scores under a prediction.

use super::ValidateError;
use crate::model::{Action, Opening, OutcomeClass, PathTiming, Prediction};
use crate::scenario::Scenario;

/// What a case's documented path says: where the prediction starts, and how the standoff
/// ended (or until when it was seen still on).
#[derive(Clone, Debug, PartialEq)]
pub struct Truth {
    /// The game's moves known when the standoff starts (see the module).
    pub opening: Vec<Action>,
    /// The documented outcome class; `None` for a standoff still on when last observed.
    pub class: Option<OutcomeClass>,
    /// The day (from the threat) it ended, or was last observed still on.
    pub day: f64,
}

/// The scores of one case's documented end under a prediction.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseScore {
    /// The predicted probability of the documented outcome; for a standoff still on when
    /// last observed, the probability that it is still on by that day.
    pub probability: f64,
    /// The most probable class under the prediction.
    pub modal_class: OutcomeClass,
    /// The predicted probability that the standoff has ended by its documented day (the
    /// probability integral transform of its duration; for one still on, of its censoring
    /// day).
    pub pit: f64,
    /// The 90% predictive interval of the duration, days: its 5% and 95% quantiles, `None`
    /// where the quantile lies beyond the horizon (among unresolved plays).
    pub interval90: (Option<f64>, Option<f64>),
    /// Whether the documented day lies inside the 90% interval (for a standoff still on: whether
    /// the interval reaches past the day it was last observed).
    pub inside90: bool,
    /// The log score: the natural log of [`CaseScore::probability`] (−∞ for probability 0).
    pub log_score: f64,
}

impl Truth {
    /// The documented end of `scenario`'s path.
    ///
    /// # Errors
    /// [`ValidateError::Path`] when the path does not reach the threat, leaves the ladder,
    /// has no timing, or stops before its end without an `observed_until`.
    pub fn of(scenario: &Scenario) -> Result<Truth, ValidateError> {
        let bad = |message: &str| ValidateError::Path {
            origin: scenario.origin.clone(),
            message: message.to_string(),
        };
        let ladder = scenario.ladder();
        let path = scenario.documented_path();
        let actions = path.actions();
        let opening = if ladder.opening == Opening::Refusal {
            let k = actions
                .iter()
                .position(|a| *a == Action::Threaten)
                .ok_or_else(|| bad("it never reaches the challenger's threat"))?;
            actions[..=k].to_vec()
        } else {
            Vec::new()
        };
        let compiled = scenario.compile().map_err(|e| ValidateError::Scenario {
            origin: scenario.origin.clone(),
            message: e.to_string(),
        })?;
        let node = compiled
            .opening_node(&actions)
            .ok_or_else(|| bad("it leaves the ladder"))?;
        let (class, day) = match path.timing() {
            PathTiming::OngoingOn(day) => (None, day),
            PathTiming::EndedOn(day) => {
                let terminal = (0..compiled.num_terminals())
                    .find(|&t| compiled.public_terminal(t).is_some_and(|(p, _)| p == node))
                    .ok_or_else(|| bad("it stops before the standoff ends"))?;
                let params = scenario.new_params();
                let class = compiled
                    .outcome(terminal, &params)
                    .map_err(|e| bad(&e.to_string()))?
                    .class;
                (Some(class), day)
            }
            PathTiming::Untimed => return Err(bad("it has no timing")),
        };
        Ok(Truth {
            opening,
            class,
            day,
        })
    }

    /// How the documented end scores under `prediction` (a prediction from
    /// [`Truth::opening`]).
    pub fn score(&self, prediction: &Prediction) -> CaseScore {
        let law = &prediction.duration;
        let pit = law.cdf(self.day);
        let probability = match self.class {
            Some(c) => prediction.class(c),
            None => 1.0 - pit,
        };
        let lo = law.quantile(0.05);
        let hi = law.quantile(0.95);
        let inside90 = match self.class {
            Some(_) => lo.is_some_and(|l| l <= self.day) && hi.is_none_or(|h| self.day <= h),
            None => hi.is_none_or(|h| h > self.day),
        };
        let modal_class = OutcomeClass::ALL
            .into_iter()
            .fold(OutcomeClass::ALL[0], |best, c| {
                if prediction.class(c) > prediction.class(best) {
                    c
                } else {
                    best
                }
            });
        CaseScore {
            probability,
            modal_class,
            pit,
            interval90: (lo, hi),
            inside90,
            log_score: probability.ln(),
        }
    }
}
