//! `escalation validate`: out-of-sample scores of a case library against two baselines.

use crate::progress::Spinner;
use clap::Args;
use escalation::scenario::Scenario;
use escalation::validate::{held_out, leave_one_out, to_json, CaseDone, Table, ValidateConfig};
use std::path::PathBuf;

/// Arguments of `escalation validate`.
#[derive(Args)]
pub struct ValidateArgs {
    /// The case files (TOML) for leave-one-out; with --train and --test, leave empty.
    pub scenarios: Vec<PathBuf>,
    /// Calibrate on these cases ...
    #[arg(long, num_args = 1.., requires = "test")]
    pub train: Vec<PathBuf>,
    /// ... and score these.
    #[arg(long, num_args = 1.., requires = "train")]
    pub test: Vec<PathBuf>,
    /// Particles of each calibration, at least 2.
    #[arg(long, default_value_t = 1000, value_parser = crate::limits::parse_draws)]
    pub particles: usize,
    /// Parameter draws of each case's prediction (model and prior baseline).
    #[arg(long, default_value_t = 200, value_parser = crate::limits::parse_draws)]
    pub draws: usize,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (results do not depend on it); default: all cores.
    #[arg(long, value_parser = crate::limits::parse_threads)]
    pub threads: Option<usize>,
    /// Print JSON (one record per case, and totals) instead of the table.
    #[arg(long)]
    pub json: bool,
}

fn load(paths: &[PathBuf]) -> Result<Vec<Scenario>, Box<dyn std::error::Error>> {
    Ok(paths
        .iter()
        .map(Scenario::from_path)
        .collect::<Result<Vec<_>, _>>()?)
}

/// Validate and print.
pub fn run(args: &ValidateArgs) -> Result<(), Box<dyn std::error::Error>> {
    let mut cfg = ValidateConfig::default();
    cfg.particles = args.particles;
    cfg.draws = args.draws;
    cfg.seed = args.seed;
    cfg.threads = args.threads;
    // Progress on a terminal only (silent in a pipe and under --json).
    let spinner = Spinner::new(!args.json);
    let mut progress = |d: &CaseDone| {
        spinner.say(&format!(
            "scored {} ({}/{}); calibrating and scoring the rest",
            d.case, d.done, d.total
        ))
    };
    let cases = match (args.train.is_empty(), args.scenarios.is_empty()) {
        (true, false) => {
            let scenarios = load(&args.scenarios)?;
            if scenarios.len() < 2 {
                return Err("leave-one-out needs at least two case files".into());
            }
            spinner.say(&format!(
                "leave-one-out over {} cases: calibrating jointly ({} particles)",
                scenarios.len(),
                args.particles
            ));
            leave_one_out(&scenarios, &cfg, &mut progress)?
        }
        (false, true) => {
            let (train, test) = (load(&args.train)?, load(&args.test)?);
            spinner.say(&format!(
                "calibrating on {} cases ({} particles), scoring {}",
                train.len(),
                args.particles,
                test.len()
            ));
            held_out(&train, &test, &cfg, &mut progress)?
        }
        _ => {
            return Err(
                "give case files for leave-one-out, or --train and --test (not both)".into(),
            )
        }
    };
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&to_json(&cases))?);
    } else {
        out!("{}", Table(&cases));
    }
    Ok(())
}
