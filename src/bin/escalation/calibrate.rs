//! `escalation calibrate`: the posterior of a scenario's parameters given its documented path.

use crate::progress::Spinner;
use clap::Args;
use escalation::calibrate::{JointProblem, ScenarioProblem, SmcConfig};
use escalation::scenario::Scenario;
use std::path::PathBuf;

/// Arguments of `escalation calibrate`.
#[derive(Args)]
pub struct CalibrateArgs {
    /// The scenario file (TOML); several files calibrate jointly (parameters declared in
    /// `[calibration] shared` are common, the rest per case).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Number of prior draws (particles), at least 2.
    #[arg(long, default_value_t = 2000, value_parser = crate::limits::parse_draws)]
    pub draws: usize,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (results do not depend on it); default: all cores.
    #[arg(long, value_parser = crate::limits::parse_threads)]
    pub threads: Option<usize>,
    /// Where to save the posterior (JSON) for `escalation whatif --posterior`.
    #[arg(short = 'o', long = "output", default_value = "posterior.json")]
    pub output: PathBuf,
}

/// Calibrate with `draws` particles, print the summary, save the posterior.
pub fn run(args: &CalibrateArgs) -> Result<(), Box<dyn std::error::Error>> {
    if args.scenarios.len() > 1 {
        return run_joint(args);
    }
    let scenario = Scenario::from_path(&args.scenarios[0])?;
    let posterior = calibrate(&scenario, args.draws, args.seed, args.threads, true)?;
    posterior.save(&args.output)?;
    outln!("{}", posterior.summary());
    outln!("posterior saved to {}", args.output.display());
    Ok(())
}

/// Several scenarios: the joint posterior, each case's narrowing of each parameter.
fn run_joint(args: &CalibrateArgs) -> Result<(), Box<dyn std::error::Error>> {
    let scenarios = args
        .scenarios
        .iter()
        .map(Scenario::from_path)
        .collect::<Result<Vec<_>, _>>()?;
    let posterior = calibrate_joint(&scenarios, args.draws, args.seed, args.threads, true)?;
    posterior.save(&args.output)?;
    outln!("{}", posterior.summary());
    if let Some(narrowing) = posterior.case_narrowing() {
        outln!("{narrowing}");
    }
    outln!("joint posterior saved to {}", args.output.display());
    Ok(())
}

/// The joint posterior of `scenarios` (shared with `validate`).
pub fn calibrate_joint(
    scenarios: &[Scenario],
    draws: usize,
    seed: u64,
    threads: Option<usize>,
    verbose: bool,
) -> Result<escalation::calibrate::Posterior, Box<dyn std::error::Error>> {
    let problem = JointProblem::new(scenarios)?;
    let mut config = SmcConfig::default();
    config.particles = draws;
    config.seed = seed;
    config.threads = threads;
    if verbose {
        let shared = problem.names().iter().filter(|n| {
            !problem
                .cases()
                .iter()
                .any(|c| n.starts_with(&format!("{}.", c.key)))
        });
        note!(
            "calibrating {} parameters of {} cases jointly ({} shared), {} draws",
            problem.names().len(),
            problem.cases().len(),
            shared.count(),
            draws
        );
    }
    let posterior = observed(verbose, |o| problem.calibrate(config, o))?;
    warn_failures(problem.solver_failures());
    Ok(posterior)
}

/// Shared by `whatif` and `report` when no posterior file is given.
pub fn calibrate(
    scenario: &Scenario,
    draws: usize,
    seed: u64,
    threads: Option<usize>,
    verbose: bool,
) -> Result<escalation::calibrate::Posterior, Box<dyn std::error::Error>> {
    let problem = ScenarioProblem::new(scenario)?;
    let mut config = SmcConfig::default();
    config.particles = draws;
    config.seed = seed;
    config.threads = threads;
    if verbose {
        note!(
            "calibrating {} parameters of `{}` to its documented path ({} moves), {} draws",
            escalation::calibrate::JointPrior::dim(&problem),
            scenario.title,
            scenario.documented_path().steps.len(),
            draws
        );
    }
    let posterior = observed(verbose, |o| problem.calibrate(config, o))?;
    warn_failures(problem.solver_failures());
    Ok(posterior)
}

/// Runs a calibration with a spinner on the terminal when `verbose`, silently otherwise.
fn observed<T>(
    verbose: bool,
    run: impl FnOnce(
        &mut dyn escalation::mc::Observer<escalation::calibrate::StageInfo>,
    ) -> Result<T, escalation::calibrate::CalibrateError>,
) -> Result<T, escalation::calibrate::CalibrateError> {
    if verbose {
        let mut spinner = Spinner::new(true);
        spinner.say("calibrating");
        run(&mut spinner)
    } else {
        run(&mut escalation::calibrate::NoObserver)
    }
}

/// Says how many parameter draws had no equilibrium the solver could find.
fn warn_failures(failures: usize) {
    if failures > 0 {
        note!(
            "warning: the equilibrium solver failed at {failures} parameter draws (counted as probability zero)"
        );
    }
}
