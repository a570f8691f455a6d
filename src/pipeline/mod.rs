//! One pipeline from a scenario to its outcomes, in four stages:
//!
//! 1. **draw**: parameters from the scenario's priors ([`Pipeline::draw`]), or from a
//!    posterior draw ([`FreeParams`], matched by name);
//! 2. **solve**: the logit QRE of the compiled ladder at those parameters
//!    ([`Pipeline::solve`]);
//! 3. **play**: the types and each move, from the root or given an [`Opening`], with the
//!    caller's uniforms ([`Pipeline::play`]);
//! 4. **record**: the terminal's [`Outcome`] ([`Pipeline::outcome`], the ending move's time
//!    within its round drawn with one more uniform) and the metrics derived
//!    from it by the one schema ([`OutcomeMetric`], [`Pipeline::record`]); or, without
//!    sampling, each metric's exact expectation ([`Pipeline::expect`]).
//!
//! The simulation ([`ScenarioEpisode`](crate::sim::ScenarioEpisode)), the calibration
//! ([`ScenarioProblem`](crate::calibrate::ScenarioProblem): draw and solve, then the
//! likelihood of the documented path), the counterfactuals
//! ([`ScenarioArm`](crate::whatif::ScenarioArm)) and the reports' fan charts all run these
//! stages. An intervention acts at the stage it needs: a scenario intervention (a move
//! forbidden or forced, a parameter re-set, another schedule) changes the ladder both sides
//! solve and the draw; fixing one side's private type acts at the play's type draw; fixing one
//! side's moves while the other keeps its strategy acts between solve and play.
//!
//! # Examples
//! ```
//! use escalation::mc::{stream, Purpose};
//! use escalation::model::Timing;
//! use escalation::pipeline::{Pipeline, SUMMARY_METRICS};
//! use rand::RngExt;
//! use escalation::scenario::Scenario;
//!
//! let scenario = Scenario::from_path("scenarios/colombia_2025.toml")?;
//! let pipeline = Pipeline::new(&scenario)?;
//! let mut ws = pipeline.workspace();
//! let mut params = pipeline.scenario().new_params();
//! let mut rng = stream(2025, Purpose::RUNS, 0);
//! pipeline.draw(&mut rng, &mut params);                        // 1. draw
//! let behaviour = pipeline.solve(&mut ws, &params)?.to_vec();   // 2. solve
//! let terminal = pipeline.play(&behaviour, &params, &mut rng);  // 3. play
//! let timing = Timing::Drawn(&behaviour, rng.random());         // 4. record
//! let outcome = pipeline.outcome(terminal, &params, timing)?;
//! let mut values = [0.0; SUMMARY_METRICS.len()];
//! pipeline.record(&SUMMARY_METRICS, &outcome, &mut values);
//! assert_eq!(values[0], outcome.duration_days);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod free;
mod metrics;
mod opening;

pub use free::FreeParams;
pub use metrics::{
    record, MetricContext, OutcomeMetric, Unit, COMPARISON_METRICS, COST_HISTOGRAM_BN,
    SUMMARY_METRICS,
};
pub use opening::Opening;

use crate::model::{
    CompiledLadder, Deviation, LadderWorkspace, ModelError, Outcome, Param, Params, Side, Timing,
};
use crate::scenario::{InterventionKind, Scenario, ScenarioError};
use rand::{Rng, RngExt};
use std::borrow::Cow;

/// What went wrong in the pipeline's set-up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The scenario (or the intervention applied to it) does not compile.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A free parameter of the scenario is missing from a posterior's names.
    #[error("the posterior has no parameter `{name}`, a free parameter of the scenario")]
    MissingParameter {
        /// The parameter.
        name: String,
    },
    /// A posterior names a parameter twice.
    #[error("the posterior names parameter `{name}` twice")]
    RepeatedParameter {
        /// The parameter.
        name: String,
    },
}

/// What an intervention does at play, on the baseline's equilibrium.
#[derive(Debug, Clone, PartialEq)]
enum AtPlay {
    /// Nothing: the play follows the equilibrium solved.
    Nothing,
    /// One side's type fixed at the type draw (its true prior set to 1 or 0 for the play
    /// only; the solve keeps the drawn priors and beliefs).
    Type { side: Side, resolute: bool },
    /// One side's moves fixed ([`Deviation`]) between solve and play.
    Deviate(Deviation),
}

/// A scenario compiled once, with its stages (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct Pipeline {
    scenario: Scenario,
    compiled: CompiledLadder,
    context: MetricContext,
    at_play: AtPlay,
}

impl Pipeline {
    /// The pipeline of `scenario` (with whatever interventions it has applied).
    ///
    /// # Errors
    /// [`ScenarioError`] if its ladder does not compile.
    pub fn new(scenario: &Scenario) -> Result<Pipeline, ScenarioError> {
        Ok(Pipeline {
            compiled: scenario.compile()?,
            context: MetricContext::new(scenario.ladder()),
            scenario: scenario.clone(),
            at_play: AtPlay::Nothing,
        })
    }

    /// The pipeline of `baseline` under its intervention `name` (`None`: the baseline). Its
    /// metrics keep the baseline's context (e.g. the top step of the baseline's schedule),
    /// so that arms are compared on the same scale.
    ///
    /// Each [`InterventionKind`] acts at its own stage: a `commit` changes the game both
    /// sides solve (and the draw, for re-set parameters); a `type` keeps the baseline's
    /// game and equilibrium and fixes the side's type at the play's type draw; a `deviate`
    /// keeps them and fixes the side's moves between solve and play ([`Deviation`]).
    ///
    /// # Errors
    /// [`ScenarioError::UnknownIntervention`], or the intervened ladder does not compile.
    pub fn arm(baseline: &Scenario, name: Option<&str>) -> Result<Pipeline, ScenarioError> {
        let Some(name) = name else {
            return Pipeline::new(baseline);
        };
        let scenario = baseline.with_intervention(name)?;
        let compiled = scenario.compile()?;
        let iv = baseline.intervention(name)?;
        let at_play = match iv.kind {
            InterventionKind::Type { side, resolute } => AtPlay::Type { side, resolute },
            InterventionKind::Deviate => {
                AtPlay::Deviate(compiled.deviation(&iv.restrictions).map_err(|e| {
                    ScenarioError::Model {
                        origin: baseline.origin.clone(),
                        message: e.to_string(),
                    }
                })?)
            }
            _ => AtPlay::Nothing,
        };
        Ok(Pipeline {
            compiled,
            context: MetricContext::new(baseline.ladder()),
            scenario,
            at_play,
        })
    }

    /// The deviation this pipeline plays, if its intervention is a `deviate`.
    pub fn deviation(&self) -> Option<&Deviation> {
        match &self.at_play {
            AtPlay::Deviate(d) => Some(d),
            _ => None,
        }
    }

    /// `params` as the play sees them: under a `type` intervention the fixed side's true
    /// prior is 1 (resolute) or 0, so that the type draw gives that type, with the same
    /// uniform; otherwise `params` itself.
    fn play_params<'a>(&self, params: &'a Params) -> Cow<'a, Params> {
        match self.at_play {
            AtPlay::Type { side, resolute } => {
                let mut p = params.clone();
                let prior = match side {
                    Side::Challenger => Param::PriorChallengerResolute,
                    Side::Target => Param::PriorTargetResolute,
                };
                p.set(prior, if resolute { 1.0 } else { 0.0 });
                Cow::Owned(p)
            }
            _ => Cow::Borrowed(params),
        }
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The compiled ladder.
    pub fn compiled(&self) -> &CompiledLadder {
        &self.compiled
    }

    /// What the metrics need beyond the outcome.
    pub fn context(&self) -> &MetricContext {
        &self.context
    }

    /// Working memory for [`Pipeline::solve`].
    pub fn workspace(&self) -> LadderWorkspace {
        self.compiled.workspace()
    }

    /// Stage 1: draws every parameter from its prior ([`Scenario::draw`]: one uniform per
    /// slot, fixed ones included).
    #[inline]
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R, params: &mut Params) {
        self.scenario.draw(rng, params);
    }

    /// Stage 2: the behaviour profile of the logit QRE at `params`
    /// ([`CompiledLadder::behaviour`]).
    ///
    /// # Errors
    /// [`ModelError`] for parameters out of range or a failed solve.
    #[inline]
    pub fn solve<'w>(
        &self,
        ws: &'w mut LadderWorkspace,
        params: &Params,
    ) -> Result<&'w [f64], ModelError> {
        self.compiled.behaviour(ws, params)?;
        if let AtPlay::Deviate(d) = &self.at_play {
            d.apply_to(ws.behaviour_mut());
        }
        Ok(ws.behaviour())
    }

    /// Stage 3: one play under `behaviour` from the root, drawing its uniforms from `rng`
    /// (two for the types, then one per move). Returns the game terminal.
    #[inline]
    pub fn play<R: Rng + ?Sized>(&self, behaviour: &[f64], params: &Params, rng: &mut R) -> usize {
        self.compiled
            .sample_terminal(behaviour, &self.play_params(params), &mut || {
                rng.random::<f64>()
            })
    }

    /// Stage 3 given how the play began: one play under `behaviour` conditioned on
    /// `opening` ([`CompiledLadder::sample_terminal_given`]: two uniforms for the types, then
    /// one per move after the opening); from the root without one. `None` when the opening
    /// has probability zero.
    #[inline]
    pub fn play_given<R: Rng + ?Sized>(
        &self,
        behaviour: &[f64],
        params: &Params,
        opening: Option<&Opening>,
        rng: &mut R,
    ) -> Option<usize> {
        match opening {
            None => Some(self.play(behaviour, params, rng)),
            Some(o) => self.compiled.sample_terminal_given(
                behaviour,
                &self.play_params(params),
                o.actions(),
                &mut || rng.random::<f64>(),
            ),
        }
    }

    /// Stage 4: what the play that ended at `terminal` means
    /// ([`CompiledLadder::outcome_timed`]), with the ending move's time within its round
    /// taken as `timing` says: a simulation draws it ([`Timing::Drawn`], one more uniform
    /// after the play's), so durations are continuous.
    ///
    /// # Errors
    /// [`ModelError::NoSuchTerminal`] for an index out of range.
    #[inline]
    pub fn outcome(
        &self,
        terminal: usize,
        params: &Params,
        timing: Timing<'_>,
    ) -> Result<Outcome, ModelError> {
        let mut oc = self.compiled.outcome_timed(terminal, params, timing)?;
        self.deviate_tail(terminal, params, &mut oc);
        Ok(oc)
    }

    /// Under a `deviate` intervention, who gives in at the end of an unresolved play is
    /// decided by the race past the horizon in which the deviating side never quits
    /// ([`CompiledLadder::tail_race`]).
    fn deviate_tail(&self, terminal: usize, params: &Params, oc: &mut Outcome) {
        if let (AtPlay::Deviate(d), true) = (&self.at_play, oc.censored) {
            if let Some(race) = self.compiled.tail_race(terminal, params, Some(d)) {
                oc.tail_challenger_concedes_prob = race.challenger_yields();
                oc.tail_target_concedes_prob = race.target_yields();
            }
        }
    }

    /// Stage 4: the values of `metrics` for `outcome`, in order, into `out`.
    #[inline]
    pub fn record(&self, metrics: &[OutcomeMetric], outcome: &Outcome, out: &mut [f64]) {
        record(metrics, outcome, &self.context, out);
    }

    /// The probability of each game terminal of a play under `behaviour`
    /// ([`CompiledLadder::terminal_probs`]), with the type drawn as the play draws it (under
    /// a `type` intervention: the fixed type).
    pub fn terminal_probs(&self, behaviour: &[f64], params: &Params, out: &mut [f64]) {
        self.compiled
            .terminal_probs(behaviour, &self.play_params(params), out);
    }

    /// Each metric's exact expectation under `behaviour` (given `opening`: over the
    /// opening's subtree, renormalised), from the terminal probabilities
    /// ([`CompiledLadder::terminal_probs`]) and each terminal's outcome (its ending move at
    /// its expected time within the round, [`Timing::Expected`]); `probs` is scratch
    /// of one entry per terminal. `false` when the opening has probability zero.
    ///
    /// # Errors
    /// As [`Pipeline::outcome`].
    pub fn expect(
        &self,
        behaviour: &[f64],
        params: &Params,
        opening: Option<&Opening>,
        metrics: &[OutcomeMetric],
        probs: &mut Vec<f64>,
        out: &mut [f64],
    ) -> Result<bool, ModelError> {
        probs.clear();
        probs.resize(self.compiled.num_terminals(), 0.0);
        self.terminal_probs(behaviour, params, probs);
        if let Some(o) = opening {
            for (t, pr) in probs.iter_mut().enumerate() {
                if !o.contains(t) {
                    *pr = 0.0;
                }
            }
        }
        out.iter_mut().for_each(|e| *e = 0.0);
        // Mass and sums in terminal order, in one loop: an indicator that holds at every
        // terminal gets exactly `mass / mass = 1`.
        let mut mass = 0.0;
        for (t, &pr) in probs.iter().enumerate() {
            if pr <= 0.0 {
                continue;
            }
            let oc = self.outcome(t, params, Timing::Expected(behaviour))?;
            mass += pr;
            for (e, m) in out.iter_mut().zip(metrics) {
                *e += pr * m.value(&oc, &self.context);
            }
        }
        if !(mass > 0.0 && mass.is_finite()) {
            return Ok(false);
        }
        out.iter_mut().for_each(|e| *e /= mass);
        Ok(true)
    }

    /// The tariff the challenger levies on each day `0..days` of the play that ended at
    /// `terminal` with `outcome` ([`CompiledLadder::tariff_levied_on`]: 0 before the threat
    /// and once the standoff has ended; an unresolved standoff keeps its last round's tariff
    /// past the horizon), for fan charts.
    ///
    /// # Errors
    /// [`ModelError::NoSuchTerminal`] for an index out of range.
    pub fn tariff_path(
        &self,
        terminal: usize,
        outcome: &Outcome,
        days: usize,
    ) -> Result<Vec<f64>, ModelError> {
        (0..days)
            .map(|d| {
                self.compiled
                    .tariff_levied_on(terminal, outcome.day, d as f64)
                    .ok_or(ModelError::NoSuchTerminal(terminal))
            })
            .collect()
    }
}
