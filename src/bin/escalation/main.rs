//! The `escalation` command-line tool: parsing and printing only; all logic is in the library.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// `println!` for standard output that ends the program quietly when the reader has gone
/// (`escalation ... | head`, status [`output::CLOSED_PIPE_STATUS`]) and with a message on any
/// other write error, instead of panicking as `println!` does.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::stdout_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` with the error handling of [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::stdout_fmt(format_args!($($arg)*))
    };
}

/// `eprintln!` for notes and progress that ends the program quietly when standard error is a
/// closed pipe, instead of panicking.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::output::stderr_fmt(format_args!($($arg)*))
    };
}

mod calibrate;
mod check;
mod convert;
mod limits;
mod merge;
mod output;
mod progress;
mod report;
mod scenario_input;
mod simulate;
mod solve;
mod validate;
mod whatif;

/// Two-player escalation standoffs as games: solve, simulate, calibrate, counterfactuals.
#[derive(Parser)]
#[command(name = "escalation", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Calibrate a scenario's parameters to its documented path (importance sampling /
    /// tempered SMC) and save the posterior.
    Calibrate(calibrate::CalibrateArgs),
    /// Validate a scenario file (TOML) and print a summary.
    Check(check::CheckArgs),
    /// Convert a game file between Gambit .efg, .nfg and Graphviz DOT.
    Convert(convert::ConvertArgs),
    /// Equilibria of a game file: subgame-perfect, pure agent Nash, logit QRE, or all
    /// extreme equilibria of a bimatrix game.
    Solve(solve::SolveArgs),
    /// Monte Carlo runs of a scenario (parallel, reproducible, shardable) → summary JSON.
    Simulate(simulate::SimulateArgs),
    /// Merge shard summaries of one simulation into the summary of the whole.
    Merge(merge::MergeArgs),
    /// Counterfactual interventions against the baseline, paired with common random numbers.
    Whatif(whatif::WhatifArgs),
    /// Markdown report with SVG figures: posteriors, outcomes, tariff fan charts.
    Report(report::ReportArgs),
    /// Out-of-sample scores of a case library (leave-one-out, or --train/--test) beside the
    /// base rate and the model under its priors.
    Validate(validate::ValidateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: Result<(), Box<dyn std::error::Error>> = match cli.command {
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::Solve(args) => solve::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Whatif(args) => whatif::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Validate(args) => validate::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(output::report_failure(e.as_ref())),
    }
}
