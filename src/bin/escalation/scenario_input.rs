//! Scenario (`.toml`) inputs shared by `solve` and `convert`: the compiled escalation game at
//! a point of the priors.

use clap::ValueEnum;
use escalation::game::Game;
use escalation::model::{report_equilibrium, EquilibriumReport};
use escalation::scenario::{At, Scenario};
use std::error::Error;
use std::path::Path;

/// Where in the priors a scenario is evaluated for a single game.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Point {
    /// Each prior's mean.
    #[default]
    Mean,
    /// Each prior's median.
    Median,
}

impl From<Point> for At {
    fn from(p: Point) -> At {
        match p {
            Point::Mean => At::Mean,
            Point::Median => At::Median,
        }
    }
}

/// Whether `path` names a scenario file (by its `.toml` extension).
pub fn is_scenario(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// The scenario's compiled game with payoffs at `point`.
///
/// # Errors
/// Unreadable or invalid scenario files, and model failures, each naming the file.
pub fn scenario_game(path: &Path, point: Point) -> Result<Game, Box<dyn Error>> {
    let scenario = Scenario::from_path(path)?;
    let compiled = scenario.compile()?;
    let game = compiled
        .game_at(&scenario.point(point.into()))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(game)
}

/// The scenario's logit equilibrium at `point`: the modal path and its outcome.
///
/// # Errors
/// As [`scenario_game`], plus solver failures.
pub fn scenario_equilibrium(
    path: &Path,
    point: Point,
) -> Result<EquilibriumReport, Box<dyn Error>> {
    let scenario = Scenario::from_path(path)?;
    let compiled = scenario.compile()?;
    let report = report_equilibrium(&compiled, &scenario.point(point.into()))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(report)
}
