//! The readings of a counterfactual side by side: what each kind of intervention means, in
//! two sentences, and each arm's time course ([`Course`]) in two tables.

use super::course::{Course, COURSE_DAYS, FAN_DAYS};
use crate::model::{Restriction, Side};
use crate::scenario::{Intervention, InterventionKind, Scenario};
use std::fmt;

/// What a reading of `iv` means, in two sentences, with the scenario's player names.
///
/// # Examples
/// ```
/// use escalation::scenario::Scenario;
/// use escalation::whatif::explain_reading;
///
/// let s = Scenario::from_path("scenarios/colombia_2025.toml")?;
/// let iv = s.intervention("petro_holds_firm_type")?;
/// assert!(explain_reading(&s, iv).contains("US does not know it"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain_reading(scenario: &Scenario, iv: &Intervention) -> String {
    let name = |s: Side| scenario.players()[s.index()].as_str();
    let mover = iv.restrictions.iter().find_map(|r| match r {
        Restriction::Forbid { side, .. } => Some(*side),
        Restriction::Force { .. } => None,
    });
    match iv.kind {
        InterventionKind::Type { side, resolute } => format!(
            "{} is the {} type and plays that type's equilibrium strategy. The {} does not know \
             it: it keeps its prior belief and its baseline strategy, and learns only from the \
             moves it sees.",
            name(side),
            if resolute { "resolute" } else { "irresolute" },
            name(other(side))
        ),
        InterventionKind::Deviate => match mover {
            Some(side) => format!(
                "{} plays as the intervention fixes, to the end: its forbidden moves never, \
                 their probability moved to its other moves. The {} does not expect it and \
                 plays its baseline equilibrium strategy at every decision, with the baseline's \
                 beliefs.",
                name(side),
                name(other(side))
            ),
            None => "The forced moves are played, to the end, whatever the equilibrium says. \
                     Every other move follows the baseline equilibrium strategy, with the \
                     baseline's beliefs."
                .to_string(),
        },
        _ => "The change is public and credible: it is made to the game both sides solve. \
              Both know it from the start and play the equilibrium of the changed game."
            .to_string(),
    }
}

fn other(side: Side) -> Side {
    match side {
        Side::Challenger => Side::Target,
        Side::Target => Side::Challenger,
    }
}

/// Interventions in the order readings are shown: `type` first (what most users mean by
/// "what if X had held firm": X resolute, the other side not knowing it), then `deviate`,
/// then `commit`; the scenario's order within each kind.
pub fn reading_order<'a>(scenario: &'a Scenario, names: &[&'a str]) -> Vec<&'a str> {
    let rank = |n: &str| match scenario.intervention(n).map(|i| i.kind) {
        Ok(InterventionKind::Type { .. }) => 0,
        Ok(InterventionKind::Deviate) => 1,
        _ => 2,
    };
    let mut out = names.to_vec();
    out.sort_by_key(|n| rank(n));
    out
}

/// The readings side by side: each intervention's explanation, then the time course of the
/// baseline and each reading.
#[derive(Debug, Clone, PartialEq)]
pub struct Readings {
    /// (intervention name, its kind's label, what it means).
    pub explanations: Vec<(String, String, String)>,
    /// The baseline's course first, then each reading's.
    pub courses: Vec<Course>,
    /// Player names: challenger, target.
    pub players: [String; 2],
}

impl Readings {
    /// The readings of `courses` (the baseline first), explained from `scenario`.
    pub fn new(scenario: &Scenario, courses: Vec<Course>) -> Readings {
        let explanations = courses
            .iter()
            .filter_map(|c| {
                let iv = scenario.intervention(&c.arm).ok()?;
                Some((
                    c.arm.clone(),
                    c.kind.clone().unwrap_or_default(),
                    explain_reading(scenario, iv),
                ))
            })
            .collect();
        Readings {
            explanations,
            courses,
            players: scenario.players().clone(),
        }
    }
}

const STILL_ON_DAYS: [usize; 6] = [1, 7, 30, 90, 180, 365];
const TARIFF_DAYS: [usize; 5] = [1, 7, 30, 90, 179];

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn days(x: Option<f64>) -> String {
    x.map_or(format!("> {COURSE_DAYS} d"), |d| format!("{d:.1} d"))
}

impl fmt::Display for Readings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, kind, text) in &self.explanations {
            writeln!(f, "{name} ({kind}): {text}")?;
        }
        let w = self
            .courses
            .iter()
            .map(|c| c.arm.len())
            .max()
            .unwrap_or(8)
            .max(8);
        writeln!(
            f,
            "\nHow long the standoff lasts (share of runs still on after day d, from the threat):"
        )?;
        write!(f, "  {:<w$}", "")?;
        for d in STILL_ON_DAYS {
            write!(f, " {:>7}", format!("{d} d"))?;
        }
        writeln!(f, " {:>10} {:>10}", "median", "90% by")?;
        for c in &self.courses {
            write!(f, "  {:<w$}", c.arm)?;
            for d in STILL_ON_DAYS {
                write!(f, " {:>7}", pct(c.still_on[d.min(COURSE_DAYS)]))?;
            }
            writeln!(f, " {:>10} {:>10}", days(c.median_days), days(c.p90_days))?;
        }
        writeln!(
            f,
            "\nTariff levied (share of runs with a tariff in force on day d; mean rate), and each side's cost ($bn: mean [5%, 95%] of runs, to day {COURSE_DAYS}):"
        )?;
        write!(f, "  {:<w$}", "")?;
        for d in TARIFF_DAYS {
            write!(f, " {:>13}", format!("day {}", d.min(FAN_DAYS - 1)))?;
        }
        writeln!(f, " {:>22} {:>22}", self.players[0], self.players[1])?;
        for c in &self.courses {
            write!(f, "  {:<w$}", c.arm)?;
            for d in TARIFF_DAYS {
                let cell = format!("{} {:.2}", pct(c.tariff_in_force[d]), c.tariff_mean[d]);
                write!(f, " {cell:>13}")?;
            }
            for cost in [c.cost_challenger, c.cost_target] {
                let cell = format!(
                    "{:.2} [{:.2}, {:.2}]",
                    cost.mean, cost.interval[0], cost.interval[1]
                );
                write!(f, " {cell:>22}")?;
            }
            writeln!(f)?;
        }
        let left: Vec<String> = self
            .courses
            .iter()
            .filter(|c| c.left_out_draws > 0)
            .map(|c| format!("{} ({} draws)", c.arm, c.left_out_draws))
            .collect();
        writeln!(
            f,
            "  ({} runs per arm; a standoff unresolved at the horizon lasts as long as the attrition race past it{})",
            self.courses.first().map_or(0, |c| c.runs),
            if left.is_empty() {
                String::new()
            } else {
                format!("; opening impossible, draws left out: {}", left.join(", "))
            }
        )
    }
}
