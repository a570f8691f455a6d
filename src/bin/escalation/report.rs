//! `escalation report`: Markdown report with SVG figures.

use crate::whatif::{comparison, REPLICATES};
use clap::Args;
use escalation::calibrate::ScenarioProblem;
use escalation::mc::{stream, Purpose};
use escalation::report::{fan_chart_svg, FanBands, Report};
use escalation::scenario::Scenario;
use escalation::whatif::{documented_opening, ScenarioArm};
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
    let header = result.to_string();
    let header: Vec<&str> = header
        .lines()
        .take(1 + result.failures.len())
        .map(str::trim)
        .collect();
    report.paragraph(&format!("Counterfactuals {}.", header.join("; ")));
    report.comparison(&result.comparison)?;
    // Fan charts of the tariff levied by day, baseline and each intervention.
    let problem = ScenarioProblem::new(&scenario)?;
    let draws = posterior.equal_weight_draws(FAN_RUNS, args.seed);
    let days: Vec<f64> = (0..FAN_DAYS).map(|d| d as f64).collect();
    let opening = documented_opening(&scenario);
    report.heading(2, "Tariff levied by day");
    let mut arms: Vec<Option<String>> = vec![None];
    arms.extend(
        scenario
            .interventions()
            .iter()
            .map(|i| Some(i.name.clone())),
    );
    for arm_name in arms {
        let arm = ScenarioArm::new(&problem, &scenario, arm_name.as_deref())?;
        let arm = if args.from_root {
            arm
        } else {
            arm.given(&opening)
        };
        if !arm.opening_possible() {
            // Reported with the counterfactuals: the opening is impossible under this arm.
            continue;
        }
        let sampled: Vec<Option<Vec<f64>>> = draws
            .iter()
            .enumerate()
            .map(|(j, theta)| {
                let mut rng = stream(args.seed, Purpose::FAN_CHART, j as u64);
                arm.tariff_path(theta, &mut rng, FAN_DAYS)
            })
            .collect::<Result<_, _>>()?;
        // Draws under which the opening has probability zero have no play to chart.
        let runs: Vec<Vec<f64>> = sampled.into_iter().flatten().collect();
        let left_out = draws.len() - runs.len();
        let label = arm_name.as_deref().unwrap_or("baseline");
        if runs.is_empty() {
            report.paragraph(&format!(
                "No fan chart for {label}: the opening has probability zero in every draw."
            ));
            continue;
        }
        let bands = FanBands::from_runs(days.clone(), &runs, &[0.05, 0.25, 0.5, 0.75, 0.95]);
        let svg = fan_chart_svg(
            &format!("Tariff levied by day: {label}"),
            "tariff rate",
            &bands,
        )?;
        report.figure(
            &format!("fan_{label}.svg"),
            &if left_out == 0 {
                format!("Tariff levied by day ({label}), quantiles over {FAN_RUNS} posterior runs")
            } else {
                format!(
                    "Tariff levied by day ({label}), quantiles over {} posterior runs \
                     ({left_out} draws left out: the opening had probability zero)",
                    runs.len()
                )
            },
            svg,
        );
    }
    let path = report.write(&args.output, "report.md")?;
    eprintln!(
        "report written to {} ({} runs per arm, {} replicates per draw)",
        path.display(),
        args.runs,
        REPLICATES
    );
    Ok(())
}
