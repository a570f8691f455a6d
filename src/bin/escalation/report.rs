//! `escalation report`: Markdown report with SVG figures.

use crate::whatif::{comparison, REPLICATES};
use clap::Args;
use escalation::report::Report;
use escalation::scenario::Scenario;
use escalation::whatif::documented_opening;
use std::path::PathBuf;

/// Arguments of `escalation report`.
#[derive(Args)]
pub struct ReportArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Output directory (created if needed): report.md and the SVG figures.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// A posterior saved by `escalation calibrate`; without it, calibrate first.
    #[arg(long)]
    pub posterior: Option<PathBuf>,
    /// Runs per arm for the counterfactuals.
    #[arg(long, default_value_t = 2000)]
    pub runs: usize,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Counterfactuals from the first move instead of given the documented opening.
    #[arg(long)]
    pub from_root: bool,
}

const FAN_DAYS: usize = 30;
const FAN_RUNS: usize = 400;

/// Build and write the report.
pub fn run(args: &ReportArgs) -> Result<(), Box<dyn std::error::Error>> {
    let scenario = Scenario::from_path(&args.scenario)?;
    let (posterior, result) = comparison(
        &scenario,
        args.posterior.as_ref(),
        &[],
        args.runs,
        args.seed,
        None,
        args.from_root,
    )?;
    let mut report = Report::new(&scenario.title);
    report.paragraph(&scenario.description);
    report.calibration(
        &posterior,
        &[
            "lambda",
            "stake_challenger",
            "stake_target",
            "audience_challenger",
            "audience_target",
            "prior_target_resolute",
            "face_saving_discount",
        ],
    )?;
    report.paragraph(&format!(
        "Counterfactuals {}.",
        result.preamble().join("; ")
    ));
    report.comparison(&result.comparison)?;
    let opening = documented_opening(&scenario);
    report.tariff_fans(
        &scenario,
        &posterior,
        args.seed,
        (FAN_DAYS, FAN_RUNS),
        (!args.from_root).then_some(opening.as_slice()),
    )?;
    let path = report.write(&args.output, "report.md")?;
    note!(
        "report written to {} ({} runs per arm, {} replicates per draw)",
        path.display(),
        args.runs,
        REPLICATES
    );
    Ok(())
}
