//! `escalation simulate`: Monte Carlo runs of a scenario → summary JSON (and CSV).

use clap::Args;
use escalation::calibrate::{scenario_identity, Posterior};
use escalation::mc::{write_atomic, AtomicFile};
use escalation::pipeline::FreeParams;
use escalation::scenario::Scenario;
use escalation::sim::{
    scenario_fingerprint, CsvRows, Episode, Observer, Progress, ScenarioEpisode, Shard, Simulation,
};
use std::error::Error;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Arguments of `escalation simulate`.
#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of runs of the whole simulation (all shards together), at least 1.
    #[arg(long, value_parser = crate::limits::parse_runs)]
    pub runs: u64,
    /// Seed: run i draws from ChaCha8Rng::seed_from_u64(seed) with stream i.
    #[arg(long)]
    pub seed: u64,
    /// Worker threads (default: all available). Results do not depend on it.
    #[arg(long, value_parser = crate::limits::parse_threads)]
    pub threads: Option<usize>,
    /// Play only shard i of K (0-based) as `i/K`; `auto` or `auto/K` takes i from
    /// SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN) or JOB_COMPLETION_INDEX, and K from
    /// SLURM_ARRAY_TASK_COUNT when not given.
    #[arg(long)]
    pub shard: Option<String>,
    /// Output file for the summary JSON (stdout without it).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Also write the summary as a CSV table to this file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Draw the parameters from this posterior (saved by `escalation calibrate`, for this
    /// scenario or a joint one that has it) instead of the priors: run i takes equal-weight
    /// draw i mod (number of particles).
    #[arg(long)]
    pub posterior: Option<PathBuf>,
    /// Also write one CSV row per run (run, outcome class, metrics) to this file.
    #[arg(long = "per-run")]
    pub per_run: Option<PathBuf>,
}

/// A progress bar on stderr.
struct Bar(indicatif::ProgressBar);

impl Observer<Progress> for Bar {
    fn observe(&mut self, progress: &Progress) {
        self.0.set_length(progress.total);
        self.0.set_position(progress.done);
    }
}

/// Runs the simulation and writes its outputs.
pub fn run(args: &SimulateArgs) -> Result<(), Box<dyn Error>> {
    let name = args.scenario.display().to_string();
    let text = std::fs::read(&args.scenario).map_err(|e| format!("{name}: {e}"))?;
    let scenario = Scenario::from_path(&args.scenario)?;
    let episode = match &args.posterior {
        None => ScenarioEpisode::new(&scenario, &scenario_fingerprint(&text))?,
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| named(path, e))?;
            let post = Posterior::load(path, &scenario_identity(&scenario))?;
            let draws = post.equal_weight_draws(post.particles.len(), args.seed);
            let free = FreeParams::new(&scenario).keyed_by(&post.parameter_names)?;
            // Shards simulated from different posteriors must not merge.
            let mut source = text.clone();
            source.extend_from_slice(&bytes);
            ScenarioEpisode::new(&scenario, &scenario_fingerprint(&source))?
                .with_draws(free, draws)?
        }
    };
    let shard = match &args.shard {
        Some(spec) => Shard::parse_with_env(spec, |v| std::env::var(v).ok())?,
        None => Shard::WHOLE,
    };
    let threads = match args.threads {
        Some(t) => t,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let mut rows = match &args.per_run {
        Some(path) => {
            let file = AtomicFile::create(path).map_err(|e| named(path, e))?;
            Some(CsvRows::new(file, episode.layout()).map_err(|e| named(path, e))?)
        }
        None => None,
    };
    let mut bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} runs  {per_sec}  eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Bar(bar)
    });
    let mut sim = Simulation::new(&episode, args.seed, args.runs)
        .threads(threads)
        .shard(shard);
    if let Some(bar) = bar.as_mut() {
        sim = sim.observe(bar);
    }
    if let Some(rows) = rows.as_mut() {
        sim = sim.per_run(rows);
    }
    // A failed run (a draw without a QRE the solver can find) names the scenario file; the
    // error itself names the run and the draw's parameter values.
    let summary = sim.run().map_err(|e| format!("{name}: {e}"))?;
    if episode.redraws() > 0 {
        note!(
            "warning: {name}: {} parameter draw(s) had no QRE the solver could find and were drawn \
             again (each run's own stream): the runs are from the draws that solve",
            episode.redraws()
        );
    }
    if let Some(bar) = bar {
        bar.0.finish_and_clear();
    }
    if let (Some(rows), Some(path)) = (rows, &args.per_run) {
        rows.into_inner()
            .and_then(AtomicFile::commit)
            .map_err(|e| named(path, e))?;
    }
    if let Some(path) = &args.csv {
        write_atomic(path, summary.to_csv().as_bytes()).map_err(|e| named(path, e))?;
    }
    write_output(args.output.as_deref(), &summary.to_json())
}

/// `path: error`.
fn named(path: &Path, e: std::io::Error) -> String {
    format!("{}: {e}", path.display())
}

/// Writes `text` to `path` atomically, or to stdout without one.
pub fn write_output(path: Option<&Path>, text: &str) -> Result<(), Box<dyn Error>> {
    match path {
        Some(path) => write_atomic(path, text.as_bytes()).map_err(|e| named(path, e))?,
        None => crate::output::stdout_bytes(text.as_bytes())?,
    }
    Ok(())
}
