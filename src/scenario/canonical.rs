//! The canonical form of a scenario's model: the bytes its identity hashes.
//!
//! One line per item, `key field field ...`, in a fixed order chosen here (not the file's):
//! the format's version; the players; the structure (opening, schedule with coverage,
//! counter-tariff schedule, base rates, payoff unit, rounds, face saving, settlement, types,
//! levers, restrictions on moves); every parameter's prior (with the parameter a relative prior
//! multiplies), sorted by name; the documented moves with their days from the threat, and the
//! day the standoff was last observed on. Strings are JSON string literals; numbers are the 16 hex digits of their IEEE-754
//! bits (`-0` as `0`), so the bytes do not depend on the toolchain's float formatting, on
//! the order of the file's tables and keys, nor on how the crate's types are laid out.
//!
//! Left out, because no calibration depends on them: the title and description, sources and
//! notes, the time zone or clock a move's time is written in (only its day from the threat
//! counts), and the interventions (a posterior serves every intervention of its scenario).

use super::{Prior, Scenario};
use crate::model::{LeverStart, Restriction, Side};

/// The version line that starts every canonical form.
pub const CANONICAL_FORMAT: &str = "escalation-scenario-canonical 2";

/// A number as the hex digits of its bits (`-0` as `0`).
pub(super) fn num(x: f64) -> String {
    let x = if x == 0.0 { 0.0 } else { x };
    format!("{:016x}", x.to_bits())
}

/// A string as a JSON string literal.
fn text(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn side(s: Side) -> &'static str {
    match s {
        Side::Challenger => "challenger",
        Side::Target => "target",
    }
}

fn texts(items: &[String]) -> String {
    items.iter().map(|s| text(s)).collect::<Vec<_>>().join(" ")
}

impl Scenario {
    /// The canonical bytes of the scenario's model (see the module's format): what
    /// [`scenario_identity`](crate::calibrate::scenario_identity) hashes.
    ///
    /// # Examples
    /// ```
    /// use escalation::scenario::Scenario;
    /// let s = Scenario::from_path("scenarios/colombia_2025.toml")?;
    /// let bytes = s.canonical_bytes();
    /// let text = String::from_utf8(bytes).unwrap();
    /// assert!(text.starts_with("escalation-scenario-canonical 2\nplayers \"US\" \"Colombia\"\n"));
    /// assert!(text.contains("\nparam \"lambda\" lognormal "));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let l = &self.ladder;
        let mut out = String::new();
        let mut line = |s: String| {
            out.push_str(&s);
            out.push('\n');
        };
        line(CANONICAL_FORMAT.to_string());
        line(format!("players {}", texts(&l.players)));
        line(format!("opening {}", l.opening.name()));
        for s in &l.schedule {
            line(format!(
                "step {} {} {}",
                num(s.rate),
                num(s.day),
                num(s.coverage)
            ));
        }
        for c in &l.counter {
            line(format!("counter {} {}", num(c.rate), num(c.coverage)));
        }
        line(format!(
            "base_rates {} {}",
            num(l.base_rates[0]),
            num(l.base_rates[1])
        ));
        if let Some(unit) = l.payoff_unit {
            line(format!("payoff_unit {}", text(unit.name())));
        }
        for r in &l.rounds {
            line(format!("round {}", num(*r)));
        }
        line(format!("face_saving {}", l.face_saving));
        line(format!("settlement {}", l.settlement));
        line(format!("types {} {}", l.challenger_types, l.target_types));
        for v in &l.levers {
            let from = match v.from {
                LeverStart::Threat => "threat",
                LeverStart::Imposition => "imposition",
            };
            line(format!("lever {} {} {from}", text(&v.name), v.enabled));
        }
        for r in &l.restrictions {
            line(match r {
                Restriction::Force { at, action } => {
                    format!("force [{}] {}", texts(at), text(action))
                }
                Restriction::Forbid {
                    side: s,
                    after,
                    actions,
                } => format!(
                    "forbid {} [{}] [{}]",
                    side(*s),
                    texts(after),
                    texts(actions)
                ),
            });
        }
        let mut priors: Vec<_> = self.priors.iter().collect();
        priors.sort_by(|a, b| a.name.cmp(&b.name));
        for p in priors {
            let prior = p
                .prior
                .as_ref()
                .map_or("copies_true_prior".into(), Prior::canonical);
            match p.per {
                Some(base) => line(format!(
                    "param {} {prior} per {}",
                    text(&p.name),
                    text(base.name())
                )),
                None => line(format!("param {} {prior}", text(&p.name))),
            }
        }
        let path = &self.path;
        for s in path.opening.iter().chain(&path.steps) {
            line(format!(
                "move {} {} {}",
                side(s.actor),
                text(s.action.label()),
                num(s.day)
            ));
        }
        if let Some(day) = path.observed_until {
            line(format!("observed_until {}", num(day)));
        }
        out.into_bytes()
    }
}

/// Appends a canonical line to `out` (for identities that extend a scenario's, e.g. with
/// observed paths).
pub(crate) fn canonical_line(out: &mut Vec<u8>, key: &str, items: &[String]) {
    out.extend_from_slice(format!("{key} {}\n", texts(items)).as_bytes());
}
