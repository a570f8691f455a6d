//! `escalation convert`: translate a game file between Gambit `.efg`, `.nfg` and Graphviz DOT.

use crate::scenario_input::{is_scenario, scenario_game, Point, View};
use clap::{Args, ValueEnum};
use escalation::game::load::{read_game_file, LoadedGame};
use escalation::game::{dot, efg, nfg, NormalFormError};
use escalation::mc::write_atomic;
use std::error::Error;
use std::path::{Path, PathBuf};

/// Output formats of `convert`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Gambit extensive form (`EFG 2 R`).
    Efg,
    /// Gambit strategic form (`NFG 1 R`, payoff list); an extensive game's full strategic form.
    Nfg,
    /// Graphviz DOT drawing of the game tree.
    Dot,
}

/// Arguments of `escalation convert`.
#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// The game file (`.efg` or `.nfg`; the header decides), or a scenario (`.toml`), whose
    /// compiled game is exported.
    pub file: PathBuf,
    /// For a scenario: payoffs with every prior at its mean or median.
    #[arg(long, value_enum, default_value_t = Point::Mean)]
    pub at: Point,
    /// For a scenario with misperception: export the game as `challenger` or `target` sees
    /// it (the other side's type prior replaced by this side's belief). Each side's strategy
    /// in `escalation solve` is the logit QRE of its own view, so solving a view in Gambit
    /// checks that side's strategy.
    #[arg(long, value_enum, default_value_t = View::Truth)]
    pub view: View,
    /// The format to write.
    #[arg(long = "to", value_enum)]
    pub to: Format,
    /// `--to nfg`: stop with an error when the strategic form has more pure strategy
    /// profiles than this (the work of tabulating them may be up to 100 tree nodes each).
    #[arg(long, default_value_t = nfg::MAX_PROFILES)]
    pub max_profiles: usize,
    /// Write here (atomically) instead of standard output.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
}

/// Reads the input game. Other input kinds (such as scenario `.toml` files) get their own
/// branch here, each producing a [`LoadedGame`].
fn load_input(path: &Path, at: Point, view: View) -> Result<LoadedGame, Box<dyn Error>> {
    if is_scenario(path) {
        return Ok(LoadedGame::Extensive(scenario_game(path, at, view)?));
    }
    if view != View::Truth {
        return Err(format!(
            "{}: --view applies to scenario files (.toml)",
            path.display()
        )
        .into());
    }
    Ok(read_game_file(path)?)
}

/// Runs `convert`.
pub fn run(args: &ConvertArgs) -> Result<(), Box<dyn Error>> {
    let input = load_input(&args.file, args.at, args.view)?;
    let text = match args.to {
        Format::Efg => efg::write(&input.to_game()),
        Format::Dot => dot::to_dot(&input.to_game(), None),
        Format::Nfg => {
            let nf = input
                .to_normal_form_with_cap(args.max_profiles)
                .map_err(|e| {
                    let hint = match e {
                        NormalFormError::TooManyProfiles { .. }
                        | NormalFormError::TooMuchWork { .. } => {
                            "; raise the cap with --max-profiles N"
                        }
                        _ => "",
                    };
                    format!(
                        "{}: cannot make the strategic form: {e}{hint}",
                        args.file.display()
                    )
                })?;
            nfg::write(&nf)
        }
    };
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => crate::output::stdout_bytes(text.as_bytes())?,
    }
    Ok(())
}
