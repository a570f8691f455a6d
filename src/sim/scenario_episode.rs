//! A scenario as a Monte Carlo [`Episode`]: per run, the [`Pipeline`]'s stages — draw the
//! parameters from their priors, solve the logit QRE, play, record the outcome.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use std::sync::atomic::{AtomicU64, Ordering};

use super::episode::{Episode, Layout, MetricSpec, RunRecord};
use crate::model::{
    CompiledLadder, LadderWorkspace, ModelError, OutcomeClass, Params, SolverWork, Timing,
};
use crate::pipeline::{FreeParams, Pipeline, SUMMARY_METRICS};
use crate::scenario::{Scenario, ScenarioError};

/// Runs of a scenario: run `i` draws every parameter from its prior
/// ([`Pipeline::draw`]), solves the logit agent QRE of the ladder compiled once
/// ([`Pipeline::solve`]), samples the types and each move with the run's uniforms
/// ([`Pipeline::play`]) and records the outcome ([`Pipeline::record`]).
///
/// Classes: the model's [`OutcomeClass`]es. Metrics: [`SUMMARY_METRICS`] of the pipeline's
/// schema, each with its histogram ([`OutcomeMetric::histogram`](crate::pipeline::OutcomeMetric::histogram)).
///
/// # Examples
/// ```no_run
/// use escalation::scenario::Scenario;
/// use escalation::sim::{scenario_fingerprint, ScenarioEpisode, Simulation};
/// let text = std::fs::read("scenarios/colombia_2025.toml")?;
/// let scenario = Scenario::from_path("scenarios/colombia_2025.toml")?;
/// let episode = ScenarioEpisode::new(&scenario, &scenario_fingerprint(&text))?;
/// let summary = Simulation::new(&episode, 2025, 10_000).threads(2).run()?;
/// println!("{}", summary.to_json());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ScenarioEpisode {
    pipeline: Pipeline,
    layout: Layout,
    /// Fixed parameters and their QRE behaviour profile, solved once.
    fixed: Option<(Params, Vec<f64>)>,
    /// Parameter draws (e.g. a posterior's, equal weight) that run `i` takes in turn
    /// (`i mod len`), filled into the scenario's slots by name.
    draws: Option<(FreeParams, Vec<Vec<f64>>)>,
    /// Parameter draws without a QRE the solver could find, each drawn again.
    redraws: AtomicU64,
}

/// Parameter draws a run makes again when the solver finds no QRE for a draw
/// ([`ModelError::Unsolved`]) before it fails with that error.
pub const MAX_REDRAWS: u64 = 16;

/// Working memory of a [`ScenarioEpisode`] run: the ladder's workspace and a parameter vector.
#[derive(Debug)]
pub struct ScenarioScratch {
    workspace: LadderWorkspace,
    params: Params,
}

impl ScenarioScratch {
    /// The QRE solver's work in the runs played with this scratch so far (for benchmarks:
    /// the number of `exp`s a run costs).
    pub fn solver_work(&self) -> SolverWork {
        self.workspace.solver_work()
    }
}

impl ScenarioEpisode {
    /// Compiles `scenario` once; `fingerprint` identifies it in summaries (e.g.
    /// [`scenario_fingerprint`] of the file's bytes), so that shards of different scenarios
    /// are not merged.
    ///
    /// # Errors
    /// [`ScenarioError`] if the ladder does not compile.
    pub fn new(scenario: &Scenario, fingerprint: &str) -> Result<Self, ScenarioError> {
        let pipeline = Pipeline::new(scenario)?;
        let metrics = SUMMARY_METRICS
            .iter()
            .map(|m| {
                let (lo, hi, bins) = m.histogram(pipeline.context());
                MetricSpec::new(m.key(), m.unit().summary_name(), lo, hi, bins)
            })
            .collect();
        let classes: Vec<&str> = OutcomeClass::ALL.iter().map(|c| c.name()).collect();
        let mut label = scenario.title.clone();
        for name in scenario.applied_interventions() {
            label.push_str(" + ");
            label.push_str(name);
        }
        let layout = Layout::new(&label, fingerprint, &classes, metrics).map_err(|e| {
            ScenarioError::Model {
                origin: scenario.origin.clone(),
                message: e.to_string(),
            }
        })?;
        Ok(Self {
            pipeline,
            layout,
            fixed: None,
            draws: None,
            redraws: AtomicU64::new(0),
        })
    }

    /// The same episode with the parameters fixed at `params` instead of drawn from the priors
    /// (each run still consumes one uniform per parameter slot, so the random streams stay
    /// aligned): only the types and the moves are random. The QRE at `params` is solved once
    /// here rather than per run.
    ///
    /// # Errors
    /// [`ModelError`] if `params` is out of range for the model.
    pub fn at_params(mut self, params: Params) -> Result<Self, ModelError> {
        let mut ws = self.pipeline.workspace();
        let behaviour = self.pipeline.solve(&mut ws, &params)?.to_vec();
        self.fixed = Some((params, behaviour));
        Ok(self)
    }

    /// The same episode with the free parameters of run `i` taken from `draws[i mod len]`
    /// (each in the order `free` reads, e.g. [`FreeParams::keyed_by`] a posterior's names)
    /// instead of their priors; every other slot at its prior median. Each run still consumes
    /// one uniform per parameter slot first, so the random streams stay aligned, and run `i`
    /// takes the same draw in every shard.
    ///
    /// # Errors
    /// [`ModelError::Structure`] (field `draws`) when `draws` is empty.
    pub fn with_draws(
        mut self,
        free: FreeParams,
        draws: Vec<Vec<f64>>,
    ) -> Result<Self, ModelError> {
        if draws.is_empty() {
            return Err(ModelError::Structure {
                field: "draws".into(),
                message: "no parameter draws to simulate from".into(),
            });
        }
        self.draws = Some((free, draws));
        Ok(self)
    }

    /// How many parameter draws, over every run so far, had no QRE the solver could find and
    /// were drawn again (see [`MAX_REDRAWS`]). The count does not depend on the number of
    /// threads: each run draws from its own stream.
    pub fn redraws(&self) -> u64 {
        self.redraws.load(Ordering::Relaxed)
    }

    /// The pipeline the runs go through.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The compiled ladder.
    pub fn compiled(&self) -> &CompiledLadder {
        self.pipeline.compiled()
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        self.pipeline.scenario()
    }
}

impl Episode for ScenarioEpisode {
    type Scratch = ScenarioScratch;
    type Error = ModelError;

    fn layout(&self) -> &Layout {
        &self.layout
    }

    fn scratch(&self) -> ScenarioScratch {
        ScenarioScratch {
            workspace: self.pipeline.workspace(),
            params: self.pipeline.scenario().new_params(),
        }
    }

    fn play(
        &self,
        run: u64,
        rng: &mut ChaCha8Rng,
        scratch: &mut ScenarioScratch,
        out: &mut RunRecord,
    ) -> Result<(), ModelError> {
        let ScenarioScratch { workspace, params } = scratch;
        let p = &self.pipeline;
        // A draw without a QRE the solver finds is drawn again from the run's own stream
        // (the next posterior draw, with draws), at most MAX_REDRAWS times, and counted:
        // the runs are then from the prior (or posterior) given a solvable draw.
        let mut attempt = 0;
        loop {
            p.draw(rng, params);
            if let Some((free, draws)) = &self.draws {
                let k = run.wrapping_add(attempt) % draws.len() as u64;
                free.fill(&draws[k as usize], params);
            }
            if self.fixed.is_some() {
                break;
            }
            match p.solve(workspace, params) {
                Ok(_) => break,
                Err(ModelError::Unsolved { .. }) if attempt < MAX_REDRAWS => {
                    attempt += 1;
                    self.redraws.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => return Err(e),
            }
        }
        let (params, behaviour) = match &self.fixed {
            Some((params, behaviour)) => (params, behaviour.as_slice()),
            None => (&*params, workspace.behaviour()),
        };
        let terminal = p.play(behaviour, params, rng);
        let o = p.outcome(terminal, params, Timing::Drawn(behaviour, rng.random()))?;
        out.class = o.class.index();
        p.record(&SUMMARY_METRICS, &o, &mut out.metrics);
        Ok(())
    }
}

/// A fingerprint of a scenario's source bytes and of this crate's version (64-bit FNV-1a,
/// hex): summaries carry it so that shards of different scenarios, or of different model
/// versions, are not merged.
///
/// # Examples
/// ```
/// use escalation::sim::scenario_fingerprint;
/// assert_eq!(scenario_fingerprint(b"a"), scenario_fingerprint(b"a"));
/// assert_ne!(scenario_fingerprint(b"a"), scenario_fingerprint(b"b"));
/// ```
pub fn scenario_fingerprint(source: &[u8]) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let mut bytes = source.to_vec();
    bytes.extend_from_slice(b"\0escalation ");
    bytes.extend_from_slice(version.as_bytes());
    format!(
        "fnv1a64:{:016x}+escalation-{version}",
        crate::mc::fnv1a64(&bytes)
    )
}
