//! `escalation report`: Markdown report and one self-contained HTML page, with SVG figures.

use crate::progress::Spinner;
use crate::whatif::{comparison, PosteriorFrom, CALIBRATION_DRAWS, REPLICATES};
use clap::Args;
use escalation::calibrate::scenario_identity;
use escalation::report::{Report, Reproduction, HTML_NAME};
use escalation::scenario::Scenario;
use escalation::sim::scenario_fingerprint;
use escalation::whatif::documented_opening;
use std::path::{Path, PathBuf};

/// Arguments of `escalation report`.
#[derive(Args)]
pub struct ReportArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Output directory (created if needed): index.html (the whole report as one page),
    /// report.md and the SVG figures.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// A posterior saved by `escalation calibrate`; without it, calibrate first.
    #[arg(long)]
    pub posterior: Option<PathBuf>,
    /// Particles of the calibration run when no --posterior is given.
    #[arg(long, default_value_t = CALIBRATION_DRAWS, value_parser = crate::limits::parse_draws)]
    pub draws: usize,
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

/// Days of the tariff fan charts (the readings' time course, `whatif::FAN_DAYS`).
const FAN_DAYS: usize = escalation::whatif::FAN_DAYS;
const FAN_RUNS: usize = 400;

/// A file argument as it would be typed (quoted when it has spaces or shell characters).
fn shell_word(path: &Path) -> String {
    let s = path.display().to_string();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:=,".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The command that writes this report again.
fn command(args: &ReportArgs) -> String {
    let mut cmd = format!(
        "escalation report {} -o {} --runs {} --seed {}",
        shell_word(&args.scenario),
        shell_word(&args.output),
        args.runs,
        args.seed
    );
    match &args.posterior {
        Some(p) => cmd.push_str(&format!(" --posterior {}", shell_word(p))),
        None => cmd.push_str(&format!(" --draws {}", args.draws)),
    }
    if args.from_root {
        cmd.push_str(" --from-root");
    }
    cmd
}

/// Build and write the report.
pub fn run(args: &ReportArgs) -> Result<(), Box<dyn std::error::Error>> {
    let name = args.scenario.display().to_string();
    let text = std::fs::read(&args.scenario).map_err(|e| format!("{name}: {e}"))?;
    let scenario = Scenario::from_path(&args.scenario)?;
    if args.output.exists() && !args.output.is_dir() {
        return Err(format!(
            "{}: exists and is not a directory (-o names the directory to write the report in)",
            args.output.display()
        )
        .into());
    }
    if args.posterior.is_none() {
        note!(
            "no --posterior given: calibrating first ({} draws)",
            args.draws
        );
    }
    let stage = Spinner::new(true);
    stage.say(if args.posterior.is_some() {
        "counterfactuals"
    } else {
        "calibrating, then counterfactuals"
    });
    let (posterior, result) = comparison(
        &scenario,
        PosteriorFrom {
            file: args.posterior.as_ref(),
            draws: args.draws,
        },
        &[],
        args.runs,
        args.seed,
        None,
        args.from_root,
    )?;
    stage.say("figures and fan charts");
    let mut report = Report::new(&scenario.title);
    report.question(&scenario);
    report.timeline(&scenario);
    report.calibration(&posterior, &[])?;
    report.comparison_of(
        &result.comparison,
        Some(&scenario),
        &format!("Counterfactuals {}.", result.preamble().join("; ")),
    )?;
    let opening = documented_opening(&scenario);
    report.tariff_fans(
        &scenario,
        &posterior,
        args.seed,
        (FAN_DAYS, FAN_RUNS),
        (!args.from_root).then_some(opening.as_slice()),
    )?;
    report.limits(&posterior.summary(), args.from_root);
    let identity = scenario_identity(&scenario);
    report.reproduce(&Reproduction::new(
        vec![command(args)],
        args.seed,
        &scenario_fingerprint(&text),
        &format!("{} ({})", identity.hash, identity.name),
    ));
    stage.say("writing");
    let written = report.write(&args.output, "report.md");
    drop(stage);
    let path = written?;
    note!(
        "report written to {} and {} ({} runs per arm, {} replicates per draw)",
        args.output.join(HTML_NAME).display(),
        path.display(),
        args.runs,
        REPLICATES
    );
    Ok(())
}
