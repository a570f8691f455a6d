//! A scenario as a Monte Carlo [`Episode`]: per run, draw the parameters from their priors,
//! solve the logit QRE of the compiled ladder, sample a path of play, record its outcome.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::episode::{Episode, Layout, MetricSpec, RunRecord};
use crate::model::{
    CompiledLadder, LadderWorkspace, ModelError, OutcomeClass, Params, SolverWork,
    FROZEN_REPORT_DAYS,
};
use crate::scenario::{Scenario, ScenarioError};

/// Names of the metrics a [`ScenarioEpisode`] records, in record order.
pub const SCENARIO_METRICS: [&str; 6] = [
    "duration_days",
    "peak_tariff_announced",
    "peak_tariff_imposed",
    "tariffs_imposed",
    "cost_challenger_bn",
    "cost_target_bn",
];

/// Upper edge of the cost histograms, $bn (0.01 bn bins); larger costs still count exactly in
/// the mean, sd, min and max.
pub const COST_HISTOGRAM_BN: f64 = 50.0;

/// Runs of a scenario: run `i` draws every parameter from its prior
/// ([`Scenario::draw`]), computes the terminal payoffs and the logit agent QRE of the ladder
/// compiled once ([`CompiledLadder::behaviour`]), samples the types and each move with the
/// run's uniforms ([`CompiledLadder::sample_terminal`]) and records the outcome
/// ([`CompiledLadder::outcome`]).
///
/// Classes: the model's [`OutcomeClass`]es. Metrics ([`SCENARIO_METRICS`]): duration in days
/// from the threat (hour bins up to the horizon plus [`FROZEN_REPORT_DAYS`]), the peak tariff
/// announced and imposed (rates, 0.01 bins), whether tariffs were imposed (0/1) and each
/// side's economic cost in $bn (0.01 bins up to [`COST_HISTOGRAM_BN`]).
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
pub struct ScenarioEpisode {
    scenario: Scenario,
    compiled: CompiledLadder,
    layout: Layout,
    /// Fixed parameters and their QRE behaviour profile, solved once.
    fixed: Option<(Params, Vec<f64>)>,
}

/// Working memory of a [`ScenarioEpisode`] run: the ladder's workspace and a parameter vector.
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
        let compiled = scenario.compile()?;
        let ladder = compiled.ladder();
        let horizon = ladder.round_start(ladder.rounds.len());
        let max_days = (horizon + FROZEN_REPORT_DAYS).ceil().max(1.0);
        let max_rate = ladder
            .schedule
            .iter()
            .map(|s| s.rate)
            .fold(1.0f64, f64::max)
            .ceil();
        let metrics = vec![
            MetricSpec::new(
                SCENARIO_METRICS[0],
                "days",
                0.0,
                max_days,
                (max_days * 24.0) as usize,
            ),
            MetricSpec::new(
                SCENARIO_METRICS[1],
                "rate",
                0.0,
                max_rate,
                (max_rate * 100.0) as usize,
            ),
            MetricSpec::new(
                SCENARIO_METRICS[2],
                "rate",
                0.0,
                max_rate,
                (max_rate * 100.0) as usize,
            ),
            MetricSpec::new(SCENARIO_METRICS[3], "0/1", 0.0, 1.0, 2),
            MetricSpec::new(
                SCENARIO_METRICS[4],
                "USD bn",
                0.0,
                COST_HISTOGRAM_BN,
                (COST_HISTOGRAM_BN * 100.0) as usize,
            ),
            MetricSpec::new(
                SCENARIO_METRICS[5],
                "USD bn",
                0.0,
                COST_HISTOGRAM_BN,
                (COST_HISTOGRAM_BN * 100.0) as usize,
            ),
        ];
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
            scenario: scenario.clone(),
            compiled,
            layout,
            fixed: None,
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
        let mut ws = self.compiled.workspace();
        let behaviour = self.compiled.behaviour(&mut ws, &params)?.to_vec();
        self.fixed = Some((params, behaviour));
        Ok(self)
    }

    /// The compiled ladder.
    pub fn compiled(&self) -> &CompiledLadder {
        &self.compiled
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
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
            workspace: self.compiled.workspace(),
            params: self.scenario.new_params(),
        }
    }

    fn play(
        &self,
        _run: u64,
        rng: &mut ChaCha8Rng,
        scratch: &mut ScenarioScratch,
        out: &mut RunRecord,
    ) -> Result<(), ModelError> {
        let ScenarioScratch { workspace, params } = scratch;
        self.scenario.draw(rng, params);
        let (params, behaviour) = match &self.fixed {
            Some((params, behaviour)) => (params, behaviour.as_slice()),
            None => {
                let behaviour = self.compiled.behaviour(workspace, params)?;
                (&*params, behaviour)
            }
        };
        let terminal = self
            .compiled
            .sample_terminal(behaviour, params, &mut || rng.random::<f64>());
        let o = self.compiled.outcome(terminal, params)?;
        out.class = o.class.index();
        let values = [
            o.duration_days,
            o.peak_tariff_announced,
            o.peak_tariff_imposed,
            if o.tariffs_imposed { 1.0 } else { 0.0 },
            o.cost_challenger_bn,
            o.cost_target_bn,
        ];
        out.metrics.copy_from_slice(&values);
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
