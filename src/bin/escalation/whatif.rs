//! `escalation whatif`: counterfactual interventions against the baseline, paired.

use crate::calibrate::calibrate;
use crate::progress::Spinner;
use clap::Args;
use escalation::calibrate::{scenario_identity, Posterior};
use escalation::scenario::Scenario;
use escalation::whatif::{
    documented_opening, reading_order, scenario_courses, scenario_whatif_given, GivenComparison,
    PairedConfig, Readings,
};
use std::path::PathBuf;

/// Arguments of `escalation whatif`.
#[derive(Args)]
pub struct WhatifArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// A posterior saved by `escalation calibrate`; without it, calibrate first (2000 draws).
    #[arg(long)]
    pub posterior: Option<PathBuf>,
    /// An intervention to run (repeatable); default: every intervention of the scenario.
    #[arg(long = "intervention")]
    pub interventions: Vec<String>,
    /// Runs per arm: posterior draws × 10 replicates each.
    #[arg(long, default_value_t = 4000)]
    pub runs: usize,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (results do not depend on it); default: all cores.
    #[arg(long, value_parser = crate::limits::parse_threads)]
    pub threads: Option<usize>,
    /// Run every play from the first move (the unconditioned answer). Default: every run,
    /// baseline and interventions alike, is conditioned on the documented opening (the
    /// documented path up to and including the challenger's first move after the target's
    /// first move, e.g. Refuse → Threaten).
    #[arg(long)]
    pub from_root: bool,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

pub(crate) const REPLICATES: usize = 10;

/// Particles of the calibration run when no `--posterior` is given.
pub(crate) const CALIBRATION_DRAWS: usize = 2000;

/// Where the posterior comes from: a file saved by `calibrate`, or a calibration run now
/// with `draws` particles.
pub(crate) struct PosteriorFrom<'a> {
    /// The posterior file, if given.
    pub file: Option<&'a PathBuf>,
    /// Particles of the calibration run without a file.
    pub draws: usize,
}

/// Load or compute the posterior, then run the comparison.
pub(crate) fn comparison(
    scenario: &Scenario,
    posterior: PosteriorFrom<'_>,
    interventions: &[String],
    runs: usize,
    seed: u64,
    threads: Option<usize>,
    from_root: bool,
) -> Result<(Posterior, GivenComparison), Box<dyn std::error::Error>> {
    if runs < REPLICATES {
        return Err(format!("--runs must be at least {REPLICATES}").into());
    }
    let draws = posterior.draws;
    let posterior = match posterior.file {
        Some(path) => Posterior::load(path, &scenario_identity(scenario))?,
        None => calibrate(scenario, draws, seed, threads, false)?,
    };
    let names: Vec<String> = if interventions.is_empty() {
        scenario
            .interventions()
            .iter()
            .map(|i| i.name.clone())
            .collect()
    } else {
        interventions.to_vec()
    };
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    // The readings most users mean lead: `type`, then `deviate`, then `commit`.
    let names = reading_order(scenario, &names);
    let config = PairedConfig {
        replicates: REPLICATES,
        seed,
        threads,
    };
    let opening = documented_opening(scenario);
    let result = scenario_whatif_given(
        scenario,
        &posterior,
        &names,
        runs / REPLICATES,
        &config,
        (!from_root).then_some(opening.as_slice()),
    )?;
    Ok((posterior, result))
}

/// Run and print.
pub fn run(args: &WhatifArgs) -> Result<(), Box<dyn std::error::Error>> {
    let scenario = Scenario::from_path(&args.scenario)?;
    if args.posterior.is_none() {
        note!("no --posterior given: calibrating first ({CALIBRATION_DRAWS} draws)");
    }
    let spinner = Spinner::new(!args.json);
    spinner.say(if args.posterior.is_some() {
        "counterfactuals"
    } else {
        "calibrating, then counterfactuals"
    });
    let (posterior, result) = comparison(
        &scenario,
        PosteriorFrom {
            file: args.posterior.as_ref(),
            draws: CALIBRATION_DRAWS,
        },
        &args.interventions,
        args.runs,
        args.seed,
        args.threads,
        args.from_root,
    )?;
    if args.json {
        drop(spinner);
        outln!("{}", serde_json::to_string_pretty(&result)?);
        return Ok(());
    }
    spinner.say("time courses of the readings");
    // The time course of every arm that was compared, over the same runs.
    let compared: Vec<&str> = result
        .comparison
        .interventions
        .iter()
        .map(|i| i.outcome.name.as_str())
        .collect();
    let courses = scenario_courses(
        &scenario,
        &posterior,
        &compared,
        args.runs / REPLICATES,
        &PairedConfig {
            replicates: REPLICATES,
            seed: args.seed,
            threads: args.threads,
        },
        (!args.from_root)
            .then(|| documented_opening(&scenario))
            .as_deref(),
    )?;
    drop(spinner);
    outln!("{}: what if?\n{result}", scenario.title);
    outln!(
        "\nThe readings, side by side\n{}",
        Readings::new(&scenario, courses)
    );
    Ok(())
}
