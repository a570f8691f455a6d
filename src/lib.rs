//! `escalation`: two-player escalation standoffs — tariff threats, retaliation, concessions —
//! as finite extensive-form games, solved, simulated, calibrated and questioned with
//! counterfactuals.
//!
//! # Example
//! ```
//! use escalation::scenario::{At, Scenario};
//! use escalation::game::efg;
//!
//! // The January 2025 US–Colombia standoff, with every prior at its mean.
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");
//! let scenario = Scenario::from_path(path)?;
//! let ladder = scenario.compile()?;
//! let params = scenario.point(At::Mean);
//!
//! // The compiled game is an ordinary extensive-form game: export it for Gambit ...
//! let game = ladder.game_at(&params)?;
//! assert!(efg::write(&game).starts_with("EFG 2 R"));
//!
//! // ... or solve its logit quantal response equilibrium and read off the outcome.
//! let summary = escalation::model::summarise_equilibrium(&ladder, &params)?;
//! println!("{summary}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Module map
//! Each module uses only the ones it names here (`tests/module_layers.rs` checks this list
//! against the code). Three layers sit at the bottom: [`text`], message helpers, [`mc`], the Monte Carlo
//! plumbing, and [`game`] (which uses only `text`). From there one chain runs up:
//! [`game`] ← [`solve`] ← [`model`] ← [`scenario`] ← [`pipeline`] ← [`sim`] / [`calibrate`] ←
//! [`whatif`] ← [`report`].
//!
//! - [`mc`]: random streams (seed × purpose × index), the optional thread pool, Monte Carlo
//!   statistics, the atomic file writer, observers.
//! - [`text`]: message helpers used by every layer (long tokens shortened, UTF-8 positions).
//! - [`game`] (uses `text`): games, builder, validation, Gambit `.efg`/`.nfg`, Graphviz.
//! - [`solve`] (uses `game`): subgame-perfect (all, ties included), pure agent Nash, logit
//!   QRE (at λ, traced to the limit, and a compiled solver for hot loops), all equilibria of
//!   bimatrix games.
//! - [`model`] (uses `game`, `solve`): the escalation ladder, typed parameters → game;
//!   outcomes of terminals.
//! - [`scenario`] (uses `model`, `text`): TOML scenarios with priors, sources, the documented path,
//!   interventions; their canonical bytes.
//! - [`pipeline`] (uses `model`, `scenario`): one scenario's stages, draw → solve → play →
//!   record, and the metric schema derived from the outcome.
//! - [`sim`] (uses `mc`, `model`, `scenario`, `pipeline`): parallel Monte Carlo, bit-identical
//!   for any thread count or sharding.
//! - [`calibrate`] (uses `mc`, `model`, `scenario`, `pipeline`): posterior over the priors
//!   given the documented path (tempered SMC), of one scenario or of several jointly.
//! - [`whatif`] (uses `mc`, `model`, `scenario`, `pipeline`, `calibrate`): counterfactual
//!   interventions with common random numbers.
//! - [`validate`] (uses `mc`, `model`, `scenario`, `pipeline`, `calibrate`): a case's
//!   prediction from its opening over parameter draws, the scores of its documented outcome,
//!   and leave-one-out over a case library against baselines.
//! - [`report`] (uses `mc`, `model`, `scenario`, `calibrate`, `whatif`): Markdown reports with
//!   SVG figures, and the same report as one self-contained HTML page.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(missing_debug_implementations)]

pub mod calibrate;
pub mod game;
pub mod mc;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod solve;
pub mod text;
pub mod validate;
pub mod whatif;

/// The README's Rust examples, compiled as doc tests so they cannot drift from the API.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
