//! Scenario (`.toml`) inputs shared by `solve` and `convert`: the compiled escalation game at
//! a point of the priors.

use clap::ValueEnum;
use escalation::game::{Game, Mover};
use escalation::model::{summarise_equilibrium, EquilibriumSummary, Side};
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

/// Whose view of the type priors a scenario's game is exported with.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum View {
    /// The true type priors.
    #[default]
    Truth,
    /// The challenger's: the target's type prior is the challenger's belief. The model's
    /// challenger strategy is the logit QRE of this game.
    Challenger,
    /// The target's: the challenger's type prior is the target's belief. The model's target
    /// strategy is the logit QRE of this game.
    Target,
}

/// Whether `path` names a scenario file (by its `.toml` extension).
pub fn is_scenario(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// The scenario's compiled game with payoffs at `point`, with the type priors of `view`.
///
/// # Errors
/// Unreadable or invalid scenario files, and model failures, each naming the file.
pub fn scenario_game(path: &Path, point: Point, view: View) -> Result<Game, Box<dyn Error>> {
    let scenario = Scenario::from_path(path)?;
    let compiled = scenario.compile()?;
    let params = scenario.point(point.into());
    let params = match view {
        View::Truth => params,
        View::Challenger => params.view(Side::Challenger),
        View::Target => params.view(Side::Target),
    };
    let game = compiled
        .game_at(&params)
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
) -> Result<EquilibriumSummary, Box<dyn Error>> {
    let scenario = Scenario::from_path(path)?;
    let compiled = scenario.compile()?;
    let report = summarise_equilibrium(&compiled, &scenario.point(point.into()))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(report)
}

/// The scenario's logit equilibrium at `point` as one JSON object, in the shape of `solve
/// --json` on a game file (`players`, `method`, `equilibria` with the flat `behavior` in Gambit
/// order and each player's expected `payoffs` under the true priors), plus the scenario's
/// `lambda`, the labelled `infosets` (player, label, actions) in the order of `behavior`, the
/// probability of each outcome class, and `yields`: the probability of the crisis (refusal,
/// then threat) and of each side's yielding in it, over all plays and given the crisis, the
/// attrition tail's concessions included.
///
/// # Errors
/// As [`scenario_equilibrium`].
pub fn scenario_json(path: &Path, point: Point) -> Result<serde_json::Value, Box<dyn Error>> {
    let scenario = Scenario::from_path(path)?;
    let compiled = scenario.compile()?;
    let params = scenario.point(point.into());
    let named = |e: escalation::model::ModelError| format!("{}: {e}", path.display());
    let mut ws = compiled.workspace();
    let behaviour = compiled
        .behaviour(&mut ws, &params)
        .map_err(named)?
        .to_vec();
    let mut probs = vec![0.0; compiled.num_terminals()];
    compiled.terminal_probs(&behaviour, &params, &mut probs);
    let mut payoffs = [0.0; 2];
    for (t, p) in probs.iter().enumerate() {
        for (k, u) in payoffs.iter_mut().enumerate() {
            *u += p * ws.payoffs()[2 * t + k];
        }
    }
    let report = summarise_equilibrium(&compiled, &params).map_err(named)?;
    let game = compiled.game_at(&params).map_err(named)?;
    // In the flat profile's order (Gambit's: players in order, each one's sets by number).
    let infosets: Vec<_> = game
        .profile_layout()
        .order
        .iter()
        .filter_map(|&id| {
            let s = game.infoset(id);
            let Mover::Player(p) = s.mover else {
                return None; // (the layout lists strategic sets only)
            };
            Some(serde_json::json!({"player": p + 1, "label": s.label, "actions": s.actions}))
        })
        .collect();
    let classes: serde_json::Map<String, serde_json::Value> = report
        .class_probs
        .iter()
        .map(|(c, p)| (c.name().to_string(), serde_json::json!(p)))
        .collect();
    Ok(serde_json::json!({
        "players": report.players,
        "method": "logit",
        "scenario": path.display().to_string(),
        "at": match point { Point::Mean => "mean", Point::Median => "median" },
        "lambda": report.lambda,
        "equilibria": [{"behavior": behaviour, "payoffs": payoffs}],
        "infosets": infosets,
        "outcome_probabilities": classes,
        "yields": {
            "crisis": report.probs.crisis,
            "challenger": report.probs.yields(Side::Challenger),
            "target": report.probs.yields(Side::Target),
            "challenger_given_crisis": report.probs.yields_given_crisis(Side::Challenger),
            "target_given_crisis": report.probs.yields_given_crisis(Side::Target),
        },
    }))
}
