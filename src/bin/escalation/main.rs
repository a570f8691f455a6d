//! The `escalation` command-line tool: parsing and printing only; all logic is in the library.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod convert;

/// Two-player escalation standoffs as games: solve, simulate, calibrate, counterfactuals.
#[derive(Parser)]
#[command(name = "escalation", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert a game file between Gambit .efg, .nfg and Graphviz DOT.
    Convert(convert::ConvertArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: Result<(), Box<dyn std::error::Error>> = match cli.command {
        Command::Convert(args) => convert::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
