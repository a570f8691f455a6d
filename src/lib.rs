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
//! let report = escalation::model::summarise_equilibrium(&ladder, &params)?;
//! println!("{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Module map
//! Each layer depends only on the ones before it:
//! [`game`] ← [`solve`] ← [`model`] ← [`scenario`] ← [`sim`] ← [`calibrate`] / [`whatif`] ←
//! [`report`].
//!
//! - [`game`]: games, builder, validation, Gambit `.efg`/`.nfg`, Graphviz.
//! - [`solve`]: subgame-perfect (all, ties included), pure agent Nash, logit QRE (at λ, traced
//!   to the limit, and a compiled solver for hot loops), all equilibria of bimatrix games.
//! - [`model`]: the escalation ladder, parameters → game; outcomes of terminals.
//! - [`scenario`]: TOML scenarios with priors, sources, the documented path, interventions.
//! - [`sim`]: parallel Monte Carlo, bit-identical for any thread count or sharding.
//! - [`calibrate`]: posterior over the priors given the documented path (tempered SMC).
//! - [`whatif`]: counterfactual interventions with common random numbers.
//! - [`report`]: Markdown reports with SVG figures.
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
pub mod whatif;

/// The README's Rust examples, compiled as doc tests so they cannot drift from the API.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
