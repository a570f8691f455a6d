//! `escalation`: two-player escalation standoffs as extensive-form games.
//!
//! Module map (each layer depends only on the ones before it):
//! `game` ← `solve` ← `model` ← `scenario` ← `sim` ← `calibrate` / `whatif` ← `report`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod calibrate;
pub mod game;
pub mod model;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod solve;
pub mod whatif;
