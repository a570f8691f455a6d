//! `escalation check SCENARIO.toml`: validate a scenario file and print a summary.

use clap::Args;
use escalation::model::summarise_equilibrium;
use escalation::scenario::{At, Scenario};
use std::path::PathBuf;

/// Arguments of `escalation check`.
#[derive(Args)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Also check that every intervention compiles and solves at the prior means.
    #[arg(long)]
    pub solve: bool,
}

/// Validates the file, prints its summary and (with `--solve`) solves the baseline and every
/// intervention at the prior means.
pub fn run(args: &CheckArgs) -> Result<(), Box<dyn std::error::Error>> {
    let scenario = Scenario::from_path(&args.scenario)?;
    out!("{}", scenario.summary()?);
    if args.solve {
        let mut names = vec![None];
        names.extend(
            scenario
                .interventions()
                .iter()
                .map(|i| Some(i.name.clone())),
        );
        for name in names {
            let s = match &name {
                Some(n) => scenario.with_intervention(n)?,
                None => scenario.clone(),
            };
            let compiled = s.compile()?;
            let report = summarise_equilibrium(&compiled, &s.point(At::Mean))?;
            let modal: Vec<&str> = report.path.iter().map(|(_, a, _)| a.as_str()).collect();
            outln!(
                "  {:<20} modal path {}",
                name.as_deref().unwrap_or("(baseline)"),
                modal.join(" → ")
            );
        }
    }
    outln!("ok");
    Ok(())
}
