//! Scenario files: the ladder's structure, every parameter fixed or with a prior, the
//! sources of calibrated numbers, the documented path and named interventions, in TOML.
//! The format is documented in `docs/scenario-format.md`.
//!
//! # Examples
//! ```
//! use escalation::scenario::{At, Scenario};
//! let s = Scenario::from_path("scenarios/colombia_2025.toml")?;
//! let compiled = s.compile()?;
//! let params = s.point(At::Mean);
//! let report = escalation::model::summarise_equilibrium(&compiled, &params)?;
//! assert!(!report.path.is_empty());
//! let what_if = s.with_intervention("no_ramp")?;
//! assert_eq!(what_if.ladder().schedule.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod build;
mod canonical;
mod error;
pub mod prior;
mod schema;

pub(crate) use canonical::canonical_line;
pub use canonical::CANONICAL_FORMAT;
pub use error::ScenarioError;
pub use prior::{Prior, PriorError};

use crate::model::{
    Action, CompiledLadder, Ladder, Param, Params, PathTiming, Restriction, Side, Slot, TariffStep,
};
use rand::{Rng, RngExt};
use std::path::{Path, PathBuf};

/// The scenario files (`*.toml`) of the folder `dir`, sorted by path: a case library such as
/// the crate's `cases/`.
///
/// # Errors
/// The folder or one of its entries cannot be read.
///
/// # Examples
/// ```
/// use escalation::scenario::{files_in, Scenario};
/// let files = files_in("cases")?;
/// assert!(files.len() >= 12);
/// let first = Scenario::from_path(&files[0])?;
/// assert!(!first.title.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn files_in(dir: impl AsRef<Path>) -> std::io::Result<Vec<PathBuf>> {
    let mut files = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    files.retain(|p| p.extension().is_some_and(|x| x == "toml"));
    files.sort();
    Ok(files)
}

/// Where to evaluate the priors for a point estimate.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum At {
    /// Each prior's mean.
    Mean,
    /// Each prior's median.
    Median,
}

/// A cited source of calibrated numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// Short id that parameters cite.
    pub id: String,
    /// Title.
    pub title: String,
    /// URL.
    pub url: String,
    /// Publication date (TOML date).
    pub date: String,
}

/// A parameter's prior and the source it cites.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamPrior {
    /// Parameter name ([`Param::name`]; levers: `lever.NAME.cost_challenger`).
    pub name: String,
    /// The prior; `None` for a belief that equals the true prior (no misperception).
    pub prior: Option<Prior>,
    /// The cited source id, if any.
    pub source: Option<String>,
    /// For a relative prior (`per = "NAME"`), the parameter whose value the draw multiplies:
    /// the prior is on the ratio.
    pub per: Option<Param>,
}

/// One move of the documented path.
#[derive(Clone, Debug, PartialEq)]
pub struct PathStep {
    /// Who moved.
    pub actor: Side,
    /// What they did.
    pub action: Action,
    /// When (TOML datetime as written).
    pub time: String,
    /// When, in days from the threat (negative before it), the timestamp read in UTC
    /// (a timestamp without an offset is taken as UTC).
    pub day: f64,
    /// Cited source id.
    pub source: Option<String>,
    /// Free text.
    pub note: String,
}

/// The actions as they happened, with timestamps.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct DocumentedPath {
    /// The challenger's move that opened the standoff before the game's first move (a
    /// threat or an imposition, for ladders whose [`Opening`](crate::model::Opening) is not a
    /// refusal): day 0.
    pub opening: Option<PathStep>,
    /// The moves of the game, from the first.
    pub steps: Vec<PathStep>,
    /// The day (from the threat) on which the standoff was last observed still on, for a
    /// path that does not end it (`[scenario] observed_until`).
    pub observed_until: Option<f64>,
}

impl DocumentedPath {
    /// The actions, in order (for [`CompiledLadder::path_log_likelihood`]).
    pub fn actions(&self) -> Vec<Action> {
        self.steps.iter().map(|s| s.action).collect()
    }

    /// What the path says about its timing: the day of its last move when that move ends
    /// the standoff after the threat, the day it was last observed when it is still on, or
    /// nothing.
    pub fn timing(&self) -> PathTiming {
        match (self.steps.last(), self.observed_until) {
            (_, Some(day)) => PathTiming::OngoingOn(day),
            (Some(s), None) if s.action.is_yielding() && s.day >= 0.0 => PathTiming::EndedOn(s.day),
            _ => PathTiming::Untimed,
        }
    }
}

/// Which question an intervention answers, and so the stage of the pipeline it acts at
/// (DESIGN.md §5: "what if X had held firm" has at least three meanings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InterventionKind {
    /// A public commitment: the restrictions remove (or force) moves in the game both sides
    /// solve, and parameters, schedule and levers are re-set in it; both sides know, and the
    /// other side plays the equilibrium of the changed game.
    Commit,
    /// A private type: `side`'s type is fixed at the play's type draw (resolute or not),
    /// while the equilibrium is the baseline's: the other side keeps its prior beliefs and
    /// its baseline strategy, and learns only from what it sees.
    Type {
        /// The side whose type is fixed.
        side: Side,
        /// Whether it is the resolute type.
        resolute: bool,
    },
    /// A unilateral deviation: the restrictions fix the deviating side's moves at play (its
    /// forbidden moves get probability 0, their mass going to its remaining moves in
    /// proportion; a forced move gets it all), while the other side plays its baseline
    /// equilibrium strategy with the baseline's beliefs, to the play's end.
    Deviate,
}

impl InterventionKind {
    /// The name used in scenario files: `commit`, `type` or `deviate`.
    pub fn name(self) -> &'static str {
        match self {
            InterventionKind::Commit => "commit",
            InterventionKind::Type { .. } => "type",
            InterventionKind::Deviate => "deviate",
        }
    }
}

/// A named intervention: forced or forbidden moves, re-set parameters, a new tariff
/// schedule, levers switched on or off, or a side's type fixed; its [`InterventionKind`]
/// says at which stage it acts.
#[derive(Clone, Debug, PartialEq)]
pub struct Intervention {
    /// Name.
    pub name: String,
    /// Which reading it is.
    pub kind: InterventionKind,
    /// What it represents.
    pub description: String,
    /// Forced and forbidden moves (in the game for [`InterventionKind::Commit`], at play
    /// for [`InterventionKind::Deviate`]).
    pub restrictions: Vec<Restriction>,
    /// Parameters set or re-priored: (slot, prior).
    pub set: Vec<(Slot, Prior)>,
    /// A replacement tariff schedule.
    pub schedule: Option<Vec<TariffStep>>,
    /// Levers switched: (lever index, enabled).
    pub levers: Vec<(usize, bool)>,
}

/// A parameter the scenario shares with others in a joint calibration (`[calibration]
/// shared = { PARAM = "NAME" }`): every scenario that declares the same `name` draws one
/// common value for it. Not part of the model's content ([`Scenario::canonical_bytes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedParam {
    /// The parameter's name in this scenario (a [`ParamPrior::name`]).
    pub param: String,
    /// The name it is shared under.
    pub name: String,
    /// 1-based line of the declaration in the file.
    pub line: usize,
    /// 1-based column of the declaration.
    pub column: usize,
}

/// A validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Where it was read from (a path or a name).
    pub origin: String,
    /// Title.
    pub title: String,
    /// Free-text description.
    pub description: String,
    sources: Vec<Source>,
    ladder: Ladder,
    priors: Vec<ParamPrior>,
    path: DocumentedPath,
    interventions: Vec<Intervention>,
    applied: Vec<String>,
    shared: Vec<SharedParam>,
}

impl Scenario {
    /// Reads and validates a scenario file.
    ///
    /// # Errors
    /// [`ScenarioError::Io`] if the file cannot be read, [`ScenarioError::Syntax`] at the
    /// line and column of its first byte that is not UTF-8; otherwise as
    /// [`Scenario::from_str`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, ScenarioError> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| ScenarioError::Io {
            path: origin.clone(),
            message: e.to_string(),
        })?;
        let text = crate::text::decode_utf8(&bytes).map_err(|at| ScenarioError::Syntax {
            origin: origin.clone(),
            line: at.line,
            column: at.column,
            message: format!(
                "byte 0x{:02X} is not valid UTF-8 (a scenario file must be UTF-8 text)",
                at.byte
            ),
        })?;
        Self::from_str(text, &origin)
    }

    /// Parses and validates scenario text; `origin` names it in errors.
    ///
    /// # Errors
    /// [`ScenarioError::Syntax`] for TOML or schema errors (unknown fields, wrong types),
    /// [`ScenarioError::Invalid`] for values that break a rule; both name the field and
    /// the line and column.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, origin: &str) -> Result<Self, ScenarioError> {
        build::build(text, origin)
    }

    /// The parameters it shares in a joint calibration (`[calibration] shared`), by
    /// parameter name.
    pub fn shared(&self) -> &[SharedParam] {
        &self.shared
    }

    /// The ladder's structure.
    pub fn ladder(&self) -> &Ladder {
        &self.ladder
    }

    /// Player names: challenger, target.
    pub fn players(&self) -> &[String; 2] {
        &self.ladder.players
    }

    /// The cited sources.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Every parameter slot's prior, in [`Params`] index order.
    pub fn priors(&self) -> &[ParamPrior] {
        &self.priors
    }

    /// The documented path.
    pub fn documented_path(&self) -> &DocumentedPath {
        &self.path
    }

    /// The named interventions.
    pub fn interventions(&self) -> &[Intervention] {
        &self.interventions
    }

    /// The intervention called `name`.
    ///
    /// # Errors
    /// [`ScenarioError::UnknownIntervention`] listing the known names.
    pub fn intervention(&self, name: &str) -> Result<&Intervention, ScenarioError> {
        self.interventions
            .iter()
            .find(|i| i.name == name)
            .ok_or_else(|| ScenarioError::UnknownIntervention {
                origin: self.origin.clone(),
                name: name.to_string(),
                known: self
                    .interventions
                    .iter()
                    .map(|i| i.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Names of the interventions applied to this scenario so far.
    pub fn applied_interventions(&self) -> &[String] {
        &self.applied
    }

    /// A parameter vector of the right length (filled with defaults).
    pub fn new_params(&self) -> Params {
        Params::new(self.ladder.levers.len())
    }

    /// Draws every prior into `params`, in index order, consuming exactly one uniform
    /// (`f64` from `rng`) per parameter slot — fixed ones and beliefs included — so a run
    /// draws the same uniforms under every intervention (common random numbers). Then
    /// [`Scenario::finish`]: relative priors scale, beliefs without their own prior copy the
    /// drawn true prior.
    ///
    /// # Panics
    /// Never; `params` is resized if it has the wrong length.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R, params: &mut Params) {
        if params.len() != self.priors.len() {
            *params = self.new_params();
        }
        for (v, p) in params.as_mut_slice().iter_mut().zip(&self.priors) {
            *v = match &p.prior {
                Some(prior) => prior.sample(rng),
                None => {
                    // The uniform a prior would take, so that streams stay aligned.
                    let _: f64 = rng.random();
                    0.0
                }
            };
        }
        self.finish(params);
    }

    /// Turns prior values into the model's parameters, in place: a relative prior's value
    /// (a ratio) is multiplied by its base parameter's value, and beliefs without their own
    /// prior copy the true prior. [`Scenario::draw`] and [`Scenario::point`] call it; a
    /// caller that fills prior values itself (a calibration) calls it once after.
    pub fn finish(&self, params: &mut Params) {
        for (i, p) in self.priors.iter().enumerate() {
            if let Some(base) = p.per {
                let slot = Slot::at(i);
                params.set(slot, params.get(slot) * params.get(base));
            }
        }
        self.copy_beliefs(params);
    }

    /// Whether `side`'s belief about the other side's type has no prior of its own, so that
    /// it copies the other side's drawn true prior (no misperception).
    pub fn belief_copies_prior(&self, side: Side) -> bool {
        let (belief, _) = Param::belief(side);
        self.priors
            .get(belief.index())
            .is_some_and(|p| p.prior.is_none())
    }

    /// The prior values behind model parameters: the inverse of [`Scenario::finish`]'s
    /// scaling (a relative prior's ratio; 0 where its base is 0).
    pub fn prior_values(&self, params: &Params) -> Params {
        let mut out = params.clone();
        for (i, p) in self.priors.iter().enumerate() {
            if let Some(base) = p.per {
                let (slot, b) = (Slot::at(i), params.get(base));
                out.set(slot, if b != 0.0 { params.get(slot) / b } else { 0.0 });
            }
        }
        out
    }

    fn copy_beliefs(&self, params: &mut Params) {
        for side in Side::BOTH {
            if self.belief_copies_prior(side) {
                params.copy_belief(side);
            }
        }
    }

    /// Every parameter at its prior's mean or median (a relative prior: its ratio's mean or
    /// median times its base's).
    pub fn point(&self, at: At) -> Params {
        let mut params = self.new_params();
        for (v, p) in params.as_mut_slice().iter_mut().zip(&self.priors) {
            if let Some(prior) = &p.prior {
                *v = match at {
                    At::Mean => prior.mean(),
                    At::Median => prior.median(),
                };
            }
        }
        self.finish(&mut params);
        params
    }

    /// Log prior density of a parameter vector (sum over slots with a non-fixed prior; a
    /// relative prior's density is that of its ratio).
    pub fn ln_prior(&self, params: &Params) -> f64 {
        let params = &self.prior_values(params);
        self.priors
            .iter()
            .zip(params.as_slice())
            .filter_map(|(p, &x)| match &p.prior {
                Some(prior) if !prior.is_fixed() => Some(prior.ln_pdf(x)),
                _ => None,
            })
            .sum()
    }

    /// Compiles the ladder.
    ///
    /// # Errors
    /// [`ScenarioError::Model`] if the structure or an applied intervention is inconsistent.
    pub fn compile(&self) -> Result<CompiledLadder, ScenarioError> {
        CompiledLadder::new(&self.ladder).map_err(|e| ScenarioError::Model {
            origin: self.origin.clone(),
            message: e.to_string(),
        })
    }

    /// The scenario with the named intervention applied (moves restricted, parameters set,
    /// schedule replaced, levers switched).
    ///
    /// # Errors
    /// [`ScenarioError::UnknownIntervention`] listing the known names; [`ScenarioError::Model`]
    /// if the result does not compile.
    pub fn with_intervention(&self, name: &str) -> Result<Scenario, ScenarioError> {
        let iv = self.intervention(name)?;
        let mut s = self.clone();
        if iv.kind != InterventionKind::Commit {
            // Type and deviate act at play on the baseline's game (see the pipeline); the
            // deviation's moves must still exist in it.
            let mut ladder = s.ladder.clone();
            ladder.restrictions.extend(iv.restrictions.iter().cloned());
            ladder.public_tree().map_err(|e| ScenarioError::Model {
                origin: self.origin.clone(),
                message: e.to_string(),
            })?;
            s.applied.push(name.to_string());
            return Ok(s);
        }
        s.ladder
            .restrictions
            .extend(iv.restrictions.iter().cloned());
        for (i, prior) in &iv.set {
            if let Some(slot) = s.priors.get_mut(i.index()) {
                slot.prior = Some(prior.clone());
                slot.source = None;
            }
        }
        if let Some(schedule) = &iv.schedule {
            s.ladder.schedule = schedule.clone();
        }
        for &(k, on) in &iv.levers {
            if let Some(l) = s.ladder.levers.get_mut(k) {
                l.enabled = on;
            }
        }
        s.applied.push(name.to_string());
        s.compile()?;
        Ok(s)
    }

    /// A short human-readable summary (what `escalation check` prints).
    pub fn summary(&self) -> Result<String, ScenarioError> {
        use std::fmt::Write;
        let c = self.compile()?;
        let g = c.game();
        let mut out = String::new();
        let l = &self.ladder;
        let _ = writeln!(out, "{} ({})", self.title, self.origin);
        let _ = writeln!(
            out,
            "  players: {} (challenger) vs {} (target)",
            l.players[0], l.players[1]
        );
        let steps: Vec<String> = l
            .schedule
            .iter()
            .map(|s| format!("{:.0}% from day {}", 100.0 * s.rate, s.day))
            .collect();
        let _ = writeln!(
            out,
            "  opening: {}; tariff schedule: {}",
            l.opening.name(),
            steps.join(" → ")
        );
        let counter: Vec<String> = if l.counter.is_empty() {
            vec!["one step at counter_tariff".into()]
        } else {
            l.counter
                .iter()
                .map(|c| format!("{:.0}%", 100.0 * c.rate))
                .collect()
        };
        let _ = writeln!(
            out,
            "  counter-tariff: {}; settlement: {}; base rates: {:?}",
            counter.join(" → "),
            if l.settlement { "yes" } else { "no" },
            l.base_rates
        );
        let _ = writeln!(
            out,
            "  rounds (days): {:?}; types: {} × {}",
            l.rounds, l.challenger_types, l.target_types
        );
        let levers: Vec<String> = l
            .levers
            .iter()
            .map(|v| format!("{}{}", v.name, if v.enabled { "" } else { " (off)" }))
            .collect();
        let _ = writeln!(
            out,
            "  levers: {}",
            if levers.is_empty() {
                "none".into()
            } else {
                levers.join(", ")
            }
        );
        let _ = writeln!(
            out,
            "  game: {} public nodes, {} nodes, {} terminals, {} information sets",
            c.public_tree().len(),
            g.nodes().len(),
            c.num_terminals(),
            g.infosets().len()
        );
        let uncertain = self
            .priors
            .iter()
            .filter(|p| p.prior.as_ref().is_some_and(|x| !x.is_fixed()))
            .count();
        let _ = writeln!(
            out,
            "  parameters: {} ({} with priors), {} sources",
            self.priors.len(),
            uncertain,
            self.sources.len()
        );
        let path: Vec<String> = self
            .path
            .opening
            .iter()
            .chain(&self.path.steps)
            .map(|s| format!("{} (day {:.2})", s.action.label(), s.day))
            .collect();
        let _ = writeln!(out, "  documented path: {}", path.join(" → "));
        let names: Vec<&str> = self.interventions.iter().map(|i| i.name.as_str()).collect();
        let _ = writeln!(out, "  interventions: {}", names.join(", "));
        Ok(out)
    }
}
