//! `escalation check SCENARIO.toml`: validate a scenario file and print a summary.

use clap::Args;
use escalation::model::{summarise_equilibrium, PathTiming};
use escalation::scenario::{At, InterventionKind, Scenario};
use escalation::whatif::kind_label;
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
    let path = scenario.documented_path();
    if !path.steps.is_empty() {
        // The documented path's probability (with its timing) at the prior medians: it must
        // be positive for the scenario to be calibrated against it.
        let compiled = scenario.compile()?;
        let params = scenario.point(At::Median);
        let mut ws = compiled.workspace();
        let b = compiled.behaviour(&mut ws, &params)?.to_vec();
        let timing = path.timing();
        let ll = compiled.path_log_likelihood_timed(&b, &params, &path.actions(), timing)?;
        let at = match timing {
            PathTiming::EndedOn(d) => format!(", ended on day {d:.2}"),
            PathTiming::OngoingOn(d) => format!(", still on at day {d:.2}"),
            _ => String::new(),
        };
        outln!("  documented path: log-likelihood {ll:.3} at the prior medians{at}");
        if !ll.is_finite() {
            return Err(format!(
                "{}: the documented path has probability zero at the prior medians",
                args.scenario.display()
            )
            .into());
        }
    }
    if args.solve {
        let mut names = vec![None];
        names.extend(
            scenario
                .interventions()
                .iter()
                .map(|i| Some(i.name.clone())),
        );
        for name in names {
            if let Some(iv) = name.as_deref().and_then(|n| scenario.intervention(n).ok()) {
                if iv.kind != InterventionKind::Commit {
                    // Type and deviate play the baseline's equilibrium; nothing to re-solve.
                    outln!(
                        "  {:<20} {}: plays the baseline's equilibrium",
                        iv.name,
                        kind_label(&scenario, iv.kind)
                    );
                    continue;
                }
            }
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
