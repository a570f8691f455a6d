//! The sections around the numbers that make a report readable on its own: the question,
//! the documented timeline, the model's limits, and how to reproduce every number.

use super::timeline::{timeline_svg, Event};
use super::Report;
use crate::calibrate::CalibrationSummary;
use crate::model::Side;
use crate::scenario::Scenario;

/// What a reader needs to reproduce a report's numbers: the commands that produced them and
/// the identity of the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reproduction {
    /// The commands, in order, exactly as to be typed.
    pub commands: Vec<String>,
    /// The seed of every random stream.
    pub seed: u64,
    /// The crate's version.
    pub version: String,
    /// The scenario file's fingerprint (its bytes and the crate's version, as simulation
    /// summaries carry it).
    pub fingerprint: String,
    /// The scenario's identity (title and the hash of its model's canonical content, as
    /// posterior files carry it).
    pub identity: String,
}

impl Reproduction {
    /// A reproduction record for this crate's version.
    ///
    /// # Examples
    /// ```
    /// use escalation::report::Reproduction;
    /// let r = Reproduction::new(vec!["escalation report s.toml -o out".into()], 0, "f", "i");
    /// assert_eq!(r.version, env!("CARGO_PKG_VERSION"));
    /// ```
    pub fn new(commands: Vec<String>, seed: u64, fingerprint: &str, identity: &str) -> Self {
        Reproduction {
            commands,
            seed,
            version: env!("CARGO_PKG_VERSION").to_string(),
            fingerprint: fingerprint.to_string(),
            identity: identity.to_string(),
        }
    }
}

fn side_name(scenario: &Scenario, side: Side) -> &str {
    &scenario.players()[side.index()]
}

/// Days as words: "day −0.41 (9.8 hours before the threat)".
fn day_words(day: f64) -> String {
    let hours = 24.0 * day.abs();
    let rel = if day.abs() < 1e-9 {
        "the threat".to_string()
    } else if hours < 48.0 {
        format!(
            "{hours:.1} hours {} the threat",
            if day < 0.0 { "before" } else { "after" }
        )
    } else {
        format!(
            "{:.1} days {} the threat",
            day.abs(),
            if day < 0.0 { "before" } else { "after" }
        )
    };
    let sign = if day < 0.0 { "−" } else { "" };
    format!("{sign}{:.2} ({rel})", day.abs())
}

impl Report {
    /// Add "The question": the scenario's description, who faces whom, and the alternatives
    /// the report weighs (each intervention's name, reading and description).
    pub fn question(&mut self, scenario: &Scenario) -> &mut Self {
        let [c, t] = scenario.players();
        self.heading(2, "The question");
        self.paragraph(&scenario.description);
        self.paragraph(&format!(
            "{c} (the challenger) against {t} (the target), modelled as a game in which each \
             side's moves are noisy best responses to the other's. Calibrated to the documented \
             path below, the model says how likely each outcome was, and how the standoff \
             would have gone had things been different:"
        ));
        let alternatives: Vec<String> = scenario
            .interventions()
            .iter()
            .map(|i| format!("- `{}` ({}): {}", i.name, i.kind.name(), i.description))
            .collect();
        if alternatives.is_empty() {
            self.paragraph("The scenario names no alternatives.");
        } else {
            self.paragraph(&alternatives.join("\n"));
        }
        self
    }

    /// Add "The documented timeline": each documented move with its time as written, its day
    /// from the threat, who moved, the note and the source; a figure of the same; the
    /// sources (addresses as text: the page loads nothing).
    pub fn timeline(&mut self, scenario: &Scenario) -> &mut Self {
        let path = scenario.documented_path();
        self.heading(2, "The documented timeline");
        let source_title = |id: &Option<String>| {
            id.as_ref()
                .map(|id| {
                    scenario
                        .sources()
                        .iter()
                        .find(|s| s.id == *id)
                        .map_or(id.clone(), |s| format!("{} ({})", s.id, s.date))
                })
                .unwrap_or_default()
        };
        let steps: Vec<_> = path.opening.iter().chain(&path.steps).collect();
        let rows: Vec<Vec<String>> = steps
            .iter()
            .map(|s| {
                vec![
                    s.time.clone(),
                    day_words(s.day),
                    side_name(scenario, s.actor).to_string(),
                    s.action.label().to_string(),
                    s.note.clone(),
                    source_title(&s.source),
                ]
            })
            .collect();
        self.paragraph(&format!(
            "The moves as documented, {} in all; day 0 is the threat.",
            steps.len()
        ));
        self.table(
            &[
                "time (as documented)",
                "day",
                "who",
                "move",
                "what happened",
                "source",
            ],
            &rows,
        );
        if let Some(day) = path.observed_until {
            self.paragraph(&format!(
                "The standoff was last observed still on at day {day:.1}."
            ));
        }
        let events: Vec<Event> = steps
            .iter()
            .map(|s| Event {
                day: s.day,
                side: s.actor.index(),
                label: format!("{}: {}", side_name(scenario, s.actor), s.action.label()),
            })
            .collect();
        let svg = timeline_svg("The documented path", scenario.players(), &events);
        self.figure(
            "timeline.svg",
            "The documented moves by day from the threat, coloured by who moved",
            svg,
        );
        if !scenario.sources().is_empty() {
            self.heading(3, "Sources");
            let list: Vec<String> = scenario
                .sources()
                .iter()
                .map(|s| format!("- {}: {}, {} ({})", s.id, s.title, s.date, s.url))
                .collect();
            self.paragraph(&list.join("\n"));
        }
        self
    }

    /// Add "The model's limits": what the numbers cannot say, with this run's own caveats
    /// (how many parameters the data left at their priors, a small effective sample size).
    pub fn limits(&mut self, summary: &CalibrationSummary, from_root: bool) -> &mut Self {
        let prior_only = summary
            .parameters
            .iter()
            .filter(|p| !super::sections::moved(p))
            .count();
        self.heading(2, "The model's limits");
        let mut items = vec![
            format!(
                "- One documented path is the only data: {prior_only} of {} parameters reflect \
                 their priors, which are judgement (see the scenario file's notes), so every \
                 number here leans on those judgements.",
                summary.parameters.len()
            ),
            "- The game has two players with a fixed ladder of moves; allies, markets, courts \
             and domestic politics enter only through the parameters (audience costs, \
             third-party support), not as players."
                .to_string(),
            "- Choices are logit quantal responses: each side picks better moves more often, \
             with a precision `lambda` calibrated to the path; the model does not know what \
             leaders actually intended."
                .to_string(),
            "- *95% CI* intervals are Monte Carlo error only; *95% posterior* intervals add \
             the parameters' uncertainty. Neither covers the chance that the model's structure \
             is wrong."
                .to_string(),
        ];
        if !from_root {
            items.push(
                "- Counterfactuals start from the documented opening: they ask what would have \
                 followed the moves that did happen, not whether the standoff would have begun."
                    .to_string(),
            );
        }
        if summary.ess < 100.0 {
            items.push(format!(
                "- The calibration's effective sample size is {:.0}: posterior figures are \
                 noisy; rerun with more draws.",
                summary.ess
            ));
        }
        self.paragraph(&items.join("\n"));
        self
    }

    /// Add "How to reproduce these numbers": the commands, the seed, the crate's version, and
    /// the scenario's fingerprint and identity.
    pub fn reproduce(&mut self, r: &Reproduction) -> &mut Self {
        self.heading(2, "How to reproduce these numbers");
        self.paragraph(
            "Every number and figure in this report comes from these commands; the same \
             commands with the same crate version and scenario file give the same numbers, \
             whatever the number of threads.",
        );
        self.code_block(&r.commands.join("\n"));
        self.table(
            &["input", "value"],
            &[
                vec!["escalation version".into(), r.version.clone()],
                vec!["seed".into(), r.seed.to_string()],
                vec!["scenario file fingerprint".into(), r.fingerprint.clone()],
                vec!["scenario identity".into(), r.identity.clone()],
            ],
        );
        self
    }
}

#[cfg(test)]
mod tests {
    use super::day_words;

    #[test]
    fn days_read_as_hours_near_the_threat() {
        assert_eq!(day_words(-0.5), "−0.50 (12.0 hours before the threat)");
        assert_eq!(day_words(3.0), "3.00 (3.0 days after the threat)");
        assert_eq!(day_words(0.0), "0.00 (the threat)");
    }
}
