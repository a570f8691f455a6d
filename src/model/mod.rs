//! The escalation ladder: named parameters → an extensive-form game (DESIGN.md §2).
//!
//! A [`Ladder`] fixes the structure (tariff schedule, levers, horizon, resolve types,
//! interventions on moves); [`Params`] holds the numbers (stakes, audience costs, trade,
//! elasticity, priors, lambda...) as a flat vector with named indices ([`params`]).
//! [`CompiledLadder::new`] unfolds the ladder once into a [`Game`](crate::game::Game) with
//! per-terminal features; then per draw [`CompiledLadder::payoffs_into`] and
//! [`CompiledLadder::behaviour`] (logit agent QRE) do the numeric work.
//!
//! # The moves
//! The [`Opening`] says what happened before the game's first move: a refusal (the game
//! starts with 1. below), a threat or an imposed tariff (the game starts with 3.).
//! 1. Target: `Accept` or `Refuse` (public).
//! 2. Challenger: `Acquiesce` or `Threaten` (tariff schedule step 0 and the enabled levers).
//! 3. Each round r (lengths `rounds[r]` in days, default 1 then 7): the target `Concede`s,
//!    `ConcedeFaceSaving` (if enabled), `Hold`s or `Retaliate`s (one step up its counter-tariff
//!    schedule, while steps remain); then the challenger `BackDown`s, `Settle`s (if enabled:
//!    both give ground), `Hold`s (threat in reserve), `Impose`s the announced step or
//!    `Escalate`s one step (a step can be levied in a round that ends on or after its day).
//! 4. After the last round, a war-of-attrition tail ([`attrition`]): the standoff is
//!    unresolved at the horizon, and the tail's value is each side's continuation payoff.
//!
//! # Time
//! Rounds are decision epochs. Payoffs take a round's moves at its start; durations spread a
//! yielding move over its round at the constant hazard its probability implies
//! ([`timing`], [`Timing`]).
//!
//! # Types and misperception
//! Each side has one or two resolve types (irresolute, resolute: stake times the resolve
//! factor), drawn by a root chance node with the true priors; a side sees its own type only.
//! Misperception: each side plays the QRE of the game whose prior about the *other* side is
//! its own belief, taking that view as common knowledge (see [`CompiledLadder::behaviour`]).
//!
//! # Payoff scale
//! $bn-equivalents discounted to the threat: trade flows are $bn a year, so one day of a 25%
//! tariff on $14bn of exports costs about $0.006bn; stakes and audience costs are of order
//! $0.1–10bn, so lambda of order 1–10 separates choices whose values differ by $0.1–1bn.
//!
//! # Examples
//! ```
//! use escalation::model::{Action, CompiledLadder, Ladder, Param, Params};
//! let ladder = Ladder::default();
//! let compiled = CompiledLadder::new(&ladder)?;
//! let mut p = Params::new(0);
//! p.set(Param::StakeChallenger, 2.0);
//! p.set(Param::ExportsTarget, 14.0);
//! let mut ws = compiled.workspace();
//! let b = compiled.behaviour(&mut ws, &p)?.to_vec();
//! let ll = compiled.path_log_likelihood(&b, &p, &[Action::Refuse, Action::Threaten])?;
//! assert!(ll < 0.0);
//! # Ok::<(), escalation::model::ModelError>(())
//! ```

pub mod attrition;
mod compiled;
mod ladder;
mod outcome;
pub mod params;
mod summary;
pub mod timing;
mod view;

pub use compiled::{
    export_loss, CompiledLadder, Deviation, DurationLaw, LadderWorkspace, PathTiming, Prediction,
    SolverWork, TailRace, Timing, FROZEN_REPORT_DAYS,
};
pub use ladder::{
    Action, CounterStep, End, Ladder, Lever, LeverStart, Opening, PublicNode, Restriction,
    RoundState, Side, Stage, TariffStep, MAX_COUNTER_STEPS, MAX_HORIZON, MAX_STEPS,
    NUM_ROUND_STATES,
};
pub use outcome::{Outcome, OutcomeClass, OutcomeProbs};
pub use params::{Param, ParamError, Params, Slot};
pub use summary::{summarise_equilibrium, EquilibriumSummary};

use crate::game::GameError;

/// Action labels joined by `, ` (for messages).
pub fn ladder_labels(actions: &[Action]) -> String {
    ladder::labels(actions)
}

/// What went wrong building or using a ladder.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A structural field is invalid.
    #[error("ladder field {field}: {message}")]
    Structure {
        /// The field, e.g. `schedule[1].day`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// An intervention on the moves cannot be applied.
    #[error("restriction #{index}: {message}")]
    Restriction {
        /// Index in [`Ladder::restrictions`].
        index: usize,
        /// What is wrong.
        message: String,
    },
    /// A parameter out of range.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// A parameter vector of the wrong length for the ladder.
    #[error("parameter vector has {got} entries, the ladder needs {expected}")]
    ParamCount {
        /// Entries given.
        got: usize,
        /// Entries needed.
        expected: usize,
    },
    /// A documented path that leaves the ladder.
    #[error("documented path, move #{index}: {message}")]
    Path {
        /// Index of the move in the path.
        index: usize,
        /// What is wrong.
        message: String,
    },
    /// A terminal index out of range.
    #[error("no terminal with index {0}")]
    NoSuchTerminal(usize),
    /// The game failed validation.
    #[error(transparent)]
    Game(#[from] GameError),
    /// The QRE solver failed.
    #[error("solver: {0}")]
    Solve(String),
    /// The logit QRE of a draw could not be solved (the continuation and path following
    /// both stopped short, within their bounded work).
    #[error("no logit QRE found for this draw: {source}; parameters: {params}")]
    Unsolved {
        /// Why the solver stopped.
        source: crate::solve::SolveError,
        /// Every parameter of the draw, `name = value`, joined by `, `.
        params: String,
    },
}
