//! A scenario's baseline and interventions as [`Arm`]s over its calibrated parameters: the
//! [`Pipeline`]'s stages per posterior draw.

use super::{compare, Arm, Comparison, DrawStatus, Metric, PairedConfig, WhatifError};
use crate::calibrate::Posterior;
use crate::mc::{Purpose, Streams};
use crate::model::{Action, Params, Side, Slot, Timing};
use crate::pipeline::{FreeParams, Opening, Pipeline, PipelineError, COMPARISON_METRICS};
use crate::scenario::Scenario;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The standard metrics of a scenario run, in the order [`ScenarioArm`] writes them
/// ([`COMPARISON_METRICS`] of the pipeline's schema, labelled with the players' names): the
/// target accepts at the outset; the challenger threatens; tariffs are levied; the top step
/// of the baseline schedule is levied; the challenger backs down; the target concedes after
/// the threat; duration (days from the threat); each side's cost ($bn).
///
/// In the war-of-attrition tail nobody has yielded within the horizon; the tail's
/// probability that the target (challenger) is the one to yield is counted instead of an
/// indicator (a conditional expectation, so the mean is unchanged and less noisy).
pub fn scenario_metrics(scenario: &Scenario) -> Vec<Metric> {
    let context = crate::pipeline::MetricContext::new(scenario.ladder());
    COMPARISON_METRICS
        .iter()
        .map(|m| Metric::new(&m.label(&context), m.unit()))
        .collect()
}

/// One arm: the scenario, possibly under an intervention, run at calibrated parameters.
///
/// Per draw, the arm runs the [`Pipeline`]'s stages. **Draw**: it first draws every
/// parameter slot of its own scenario with one uniform each from replicate 0's stream
/// ([`Pipeline::draw`]); slots that the intervention re-sets take those values, all others
/// the posterior draw's ([`FreeParams`], matched by name). **Solve**: the QRE, once per draw.
/// **Play**: one play per replicate from that replicate's stream (two uniforms for the
/// types, one per move). **Record**: [`COMPARISON_METRICS`]. Baseline and interventions
/// consume the same uniforms in the same order: common random numbers.
///
/// Besides the replicates, each draw's exact expected metrics are computed from the QRE's
/// terminal probabilities and each terminal's outcome ([`Pipeline::expect`]), so the
/// posterior intervals of [`compare`] carry no Monte Carlo noise ([`DrawStatus::Exact`]).
/// They are exact given the draw's parameters, including the values an intervention
/// re-sets, which are drawn once per draw as above.
///
/// With an opening ([`ScenarioArm::given`]) every play is conditioned on starting with
/// those moves ([`Pipeline::play_given`]: still two uniforms for the types, then one per
/// move after the opening), and the expectations use the terminal probabilities restricted
/// to the opening's subtree and renormalised (the same law). A draw under which the opening
/// has probability zero (the sampler finds no type combination that can play it, or the
/// restricted probabilities sum to zero) is [`DrawStatus::NotApplicable`]: [`compare`]
/// leaves it out of every arm and counts it.
#[derive(Debug)]
pub struct ScenarioArm {
    pipeline: Pipeline,
    free: FreeParams,
    overridden: Vec<Slot>,
    pub(super) opening: Option<Opening>,
}

impl ScenarioArm {
    /// The arm of `scenario` with `intervention` applied (`None`: the baseline). A draw
    /// `theta` lists the baseline scenario's free parameters in the order of
    /// [`FreeParams::names`] (as its calibration does); [`ScenarioArm::keyed_by`] takes a
    /// posterior's own order instead.
    ///
    /// # Errors
    /// [`PipelineError::Scenario`] naming an unknown intervention (with the known ones) or
    /// saying why the intervened ladder does not compile.
    pub fn new(scenario: &Scenario, intervention: Option<&str>) -> Result<Self, PipelineError> {
        let overridden = intervention
            .and_then(|name| scenario.interventions().iter().find(|i| i.name == name))
            .map(|i| i.set.iter().map(|(k, _)| *k).collect())
            .unwrap_or_default();
        Ok(ScenarioArm {
            pipeline: Pipeline::arm(scenario, intervention)?,
            free: FreeParams::new(scenario),
            overridden,
            opening: None,
        })
    }

    /// This arm taking each draw in the order of `names` (a posterior's parameter names),
    /// matched by name to the scenario's free parameters.
    ///
    /// # Errors
    /// As [`FreeParams::keyed_by`].
    pub fn keyed_by(mut self, names: &[String]) -> Result<Self, PipelineError> {
        self.free = self.free.keyed_by(names)?;
        Ok(self)
    }

    /// This arm with every play conditioned on starting with `opening` (actions from the
    /// root).
    pub fn given(mut self, opening: &[Action]) -> Self {
        self.opening = Some(Opening::new(self.pipeline.compiled(), opening));
        self
    }

    /// Whether the opening (if any) is a path of this arm's public tree; `false` when the
    /// intervention removes one of its moves, so that no draw can follow it.
    pub fn opening_possible(&self) -> bool {
        self.opening.as_ref().is_none_or(Opening::is_possible)
    }

    /// The pipeline the arm runs.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// Stage 1: parameters of this arm for a posterior draw, with the re-set slots drawn
    /// from `rng`.
    pub(super) fn params(&self, theta: &[f64], rng: &mut ChaCha8Rng) -> Params {
        let mut drawn = self.pipeline.scenario().new_params();
        self.pipeline.draw(rng, &mut drawn);
        let mut p = self.free.params_at(theta);
        for &k in &self.overridden {
            p.set(k, drawn.get(k));
        }
        p
    }

    /// The tariff the challenger levies on each day `0..days` of one sampled play (0 once
    /// the standoff has ended; a play unresolved at the horizon ends when the attrition race
    /// past it does, timed with one more uniform), for fan charts. Uses `rng` as one replicate does. `None`
    /// when the arm is conditioned on an opening that has probability zero at `theta`
    /// (there is no such play to chart).
    ///
    /// # Errors
    /// A message if the equilibrium cannot be solved.
    pub fn tariff_path(
        &self,
        theta: &[f64],
        rng: &mut ChaCha8Rng,
        days: usize,
    ) -> Result<Option<Vec<f64>>, String> {
        let p = self.params(theta, &mut rng.clone());
        let mut ws = self.pipeline.workspace();
        let b = self
            .pipeline
            .solve(&mut ws, &p)
            .map_err(|e| e.to_string())?;
        let Some(terminal) = self.pipeline.play_given(b, &p, self.opening.as_ref(), rng) else {
            return Ok(None);
        };
        let outcome = self
            .pipeline
            .outcome(terminal, &p, Timing::Drawn(b, rng.random()))
            .map_err(|e| e.to_string())?;
        let ladder = self.pipeline.compiled().ladder();
        let horizon = ladder.round_start(ladder.horizon());
        let (end, _) = super::course::run_end(&self.pipeline, terminal, &p, &outcome, horizon, rng);
        Ok(Some(super::course::tariff_by_day(
            &self.pipeline,
            terminal,
            &outcome,
            end,
            days,
        )))
    }

    /// [`ScenarioArm::tariff_path`] for each of `draws`, draw `j` on stream `j` of
    /// [`Purpose::FAN_CHART`] under `seed`.
    ///
    /// # Errors
    /// As [`ScenarioArm::tariff_path`].
    pub fn tariff_paths(
        &self,
        draws: &[Vec<f64>],
        seed: u64,
        days: usize,
    ) -> Result<Vec<Option<Vec<f64>>>, String> {
        let streams = Streams::new(seed, Purpose::FAN_CHART);
        draws
            .iter()
            .enumerate()
            .map(|(j, theta)| self.tariff_path(theta, &mut streams.get(j as u64), days))
            .collect()
    }
}

impl Arm for ScenarioArm {
    fn run(&self, theta: &[f64], rng: &mut dyn rand::Rng, out: &mut [f64]) {
        // Single runs go through `run_draw` with one replicate.
        let mut local = crate::mc::stream(rng.random::<u64>(), Purpose::RUNS, 0);
        if self
            .run_draw(theta, std::slice::from_mut(&mut local), out)
            .is_err()
        {
            out.iter_mut().for_each(|v| *v = f64::NAN);
        }
    }

    /// As [`ScenarioArm::evaluate_draw`]; a draw at which the opening has probability zero
    /// is an error here.
    fn run_draw(
        &self,
        theta: &[f64],
        rngs: &mut [ChaCha8Rng],
        out: &mut [f64],
    ) -> Result<(), String> {
        let mut expected = vec![0.0; out.len() / rngs.len().max(1)];
        match self.evaluate_draw(theta, rngs, out, &mut expected)? {
            DrawStatus::NotApplicable => {
                Err("the opening has probability zero at these parameters".into())
            }
            _ => Ok(()),
        }
    }

    fn evaluate_draw(
        &self,
        theta: &[f64],
        rngs: &mut [ChaCha8Rng],
        out: &mut [f64],
        expected: &mut [f64],
    ) -> Result<DrawStatus, String> {
        let Some(first) = rngs.first_mut() else {
            return Ok(DrawStatus::Sampled);
        };
        let pipe = &self.pipeline;
        let p = self.params(theta, first);
        let mut ws = pipe.workspace();
        let b = pipe.solve(&mut ws, &p).map_err(|e| e.to_string())?;
        let m = out.len() / rngs.len();
        let opening = self.opening.as_ref();
        for (rng, o) in rngs.iter_mut().zip(out.chunks_mut(m.max(1))) {
            let Some(terminal) = pipe.play_given(b, &p, opening, rng) else {
                // The opening is impossible under this draw (for every replicate alike).
                return Ok(DrawStatus::NotApplicable);
            };
            let oc = pipe
                .outcome(terminal, &p, Timing::Drawn(b, rng.random()))
                .map_err(|e| e.to_string())?;
            pipe.record(&COMPARISON_METRICS, &oc, o);
        }
        let mut probs = Vec::new();
        let possible = pipe
            .expect(b, &p, opening, &COMPARISON_METRICS, &mut probs, expected)
            .map_err(|e| e.to_string())?;
        Ok(if possible {
            DrawStatus::Exact
        } else {
            DrawStatus::NotApplicable
        })
    }
}

/// What a failure to set up an arm means for a comparison: an unknown or uncompilable
/// intervention, or a posterior that does not cover the scenario's parameters.
fn arm_error(e: PipelineError) -> WhatifError {
    let field = match e {
        PipelineError::Scenario(_) => "intervention",
        _ => "posterior",
    };
    WhatifError::InvalidConfig {
        field,
        reason: e.to_string(),
    }
}

/// The arm of `intervention` (`None`: the baseline) for draws of `posterior`, conditioned on
/// `opening` when given.
pub(super) fn posterior_arm(
    scenario: &Scenario,
    posterior: &Posterior,
    intervention: Option<&str>,
    opening: Option<&[Action]>,
) -> Result<ScenarioArm, WhatifError> {
    let arm = ScenarioArm::new(scenario, intervention)
        .and_then(|a| a.keyed_by(&posterior.parameter_names))
        .map_err(arm_error)?;
    Ok(match opening {
        Some(o) => arm.given(o),
        None => arm,
    })
}

/// Run the baseline and each named intervention of `scenario` on `draws` equal-weight draws
/// of `posterior`, with [`scenario_metrics`]. The posterior's parameters are matched to the
/// scenario's by name.
///
/// # Errors
/// [`WhatifError::InvalidConfig`] (field `intervention`) for an unknown intervention or one
/// whose ladder does not compile, (field `posterior`) for a posterior that lacks one of the
/// scenario's free parameters; otherwise as [`compare`].
pub fn scenario_whatif(
    scenario: &Scenario,
    posterior: &Posterior,
    interventions: &[&str],
    draws: usize,
    config: &PairedConfig,
) -> Result<Comparison, WhatifError> {
    let baseline = posterior_arm(scenario, posterior, None, None)?;
    let arms: Vec<ScenarioArm> = interventions
        .iter()
        .map(|name| posterior_arm(scenario, posterior, Some(name), None))
        .collect::<Result<_, _>>()?;
    let named: Vec<(&str, &dyn Arm)> = interventions
        .iter()
        .copied()
        .zip(arms.iter().map(|a| a as &dyn Arm))
        .collect();
    let draws = posterior.equal_weight_draws(draws, config.seed);
    compare(
        &scenario_metrics(scenario),
        &draws,
        &baseline,
        &named,
        config,
    )
}

/// The opening a conditioned comparison starts from: the documented path's actions up to
/// and including the challenger's first move after the target's first move (for Colombia
/// 2025: `Refuse`, `Threaten`, the crisis as it opened). When the path has no such move,
/// the whole documented path.
pub fn documented_opening(scenario: &Scenario) -> Vec<Action> {
    let steps = &scenario.documented_path().steps;
    let first_target = steps.iter().position(|s| s.actor == Side::Target);
    let end = first_target.and_then(|t| {
        steps
            .iter()
            .skip(t + 1)
            .position(|s| s.actor == Side::Challenger)
            .map(|k| t + 1 + k + 1)
    });
    steps
        .iter()
        .take(end.unwrap_or(steps.len()))
        .map(|s| s.action)
        .collect()
}

/// An arm left out of (or thinned in) a conditioned comparison because the opening was
/// impossible under it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpeningFailure {
    /// The arm ("baseline" or the intervention's name).
    pub arm: String,
    /// Posterior draws in which the opening had probability zero under this arm.
    pub failed_draws: usize,
    /// Posterior draws attempted.
    pub of: usize,
    /// Whether the arm's ladder does not contain the opening at all (the intervention
    /// removes one of its moves); such an arm is left out of the comparison.
    pub structural: bool,
    /// Whether the arm is left out of the comparison: structurally, or because the
    /// opening had probability zero under it in every draw. Otherwise only the failed
    /// draws are left out (of every arm).
    pub left_out: bool,
}

/// A scenario comparison, from the root or given an opening, with the draws that failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GivenComparison {
    /// The opening every run was conditioned on (action labels); `None`: from the root.
    pub opening: Option<Vec<String>>,
    /// The comparison over the draws where the opening was possible in every arm.
    pub comparison: Comparison,
    /// Arms under which the opening was impossible in some draws (they are left out of the
    /// comparison for every arm; a structurally impossible arm is left out entirely).
    pub failures: Vec<OpeningFailure>,
}

impl GivenComparison {
    /// The lines that say what was compared before the tables: the opening (or "from the
    /// root") and each arm the opening failed under.
    pub fn preamble(&self) -> Vec<String> {
        let mut lines = vec![match &self.opening {
            Some(o) => format!("given the documented opening: {}", o.join(" → ")),
            None => "from the root (every run starts at the first move)".to_string(),
        }];
        lines.extend(self.failures.iter().map(|x| {
            if x.structural {
                format!(
                    "{}: left out: the opening is impossible under this intervention ({} of {} draws failed)",
                    x.arm, x.failed_draws, x.of
                )
            } else if x.left_out {
                format!(
                    "{}: left out: the opening had probability zero under this intervention in every draw ({} of {})",
                    x.arm, x.failed_draws, x.of
                )
            } else {
                format!(
                    "{}: the opening had probability zero in {} of {} draws (left out of every arm)",
                    x.arm, x.failed_draws, x.of
                )
            }
        }));
        lines
    }
}

impl fmt::Display for GivenComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, line) in self.preamble().iter().enumerate() {
            let indent = if k == 0 { "" } else { "  " };
            writeln!(f, "{indent}{line}")?;
        }
        write!(f, "{}", self.comparison)
    }
}

/// Like [`scenario_whatif`], but with every run of every arm (baseline and interventions
/// alike) conditioned on starting with `opening` when it is `Some` (e.g.
/// [`documented_opening`]); `None` runs from the root.
///
/// An intervention whose ladder does not contain the opening is left out and reported as
/// failed in every draw (`structural`). A draw in which the opening has probability zero
/// under some arm is left out of every arm (so that differences stay paired; see
/// [`Comparison::excluded_draws`]) and counted against each arm it failed in. An
/// intervention under which the opening has probability zero in every draw is left out
/// (and reported) too, so that the other interventions are still compared. No metric is
/// ever computed from an impossible opening: the output holds no NaN.
///
/// # Errors
/// As [`scenario_whatif`]; [`WhatifError::InvalidConfig`] (field `opening`) when the
/// baseline's ladder does not contain the opening; [`WhatifError::NoApplicableDraws`]
/// (naming the arms) when no draw has the opening possible in every arm that remains.
pub fn scenario_whatif_given(
    scenario: &Scenario,
    posterior: &Posterior,
    interventions: &[&str],
    draws: usize,
    config: &PairedConfig,
    opening: Option<&[Action]>,
) -> Result<GivenComparison, WhatifError> {
    let baseline = posterior_arm(scenario, posterior, None, opening)?;
    if !baseline.opening_possible() {
        return Err(WhatifError::InvalidConfig {
            field: "opening",
            reason: "the opening is not a path of the scenario's ladder".into(),
        });
    }
    let all_draws = posterior.equal_weight_draws(draws, config.seed);
    let total = all_draws.len();
    let mut failures = Vec::new();
    let mut arms: Vec<(&str, ScenarioArm)> = Vec::new();
    for name in interventions {
        let arm = posterior_arm(scenario, posterior, Some(name), opening)?;
        if arm.opening_possible() {
            arms.push((name, arm));
        } else {
            failures.push(OpeningFailure {
                arm: name.to_string(),
                failed_draws: total,
                of: total,
                structural: true,
                left_out: true,
            });
        }
    }
    let comparison = compare_leaving_out(
        &scenario_metrics(scenario),
        &all_draws,
        &baseline,
        arms,
        config,
        &mut failures,
    )?;
    Ok(GivenComparison {
        opening: opening.map(|o| o.iter().map(|a| a.label().to_string()).collect()),
        comparison,
        failures,
    })
}

/// [`compare`], leaving out (and adding to `failures`) every intervention under which no
/// draw applies, until the others can be compared; the arms that did not apply to some draws
/// are added to `failures` too.
fn compare_leaving_out(
    metrics: &[Metric],
    draws: &[Vec<f64>],
    baseline: &ScenarioArm,
    mut arms: Vec<(&str, ScenarioArm)>,
    config: &PairedConfig,
    failures: &mut Vec<OpeningFailure>,
) -> Result<Comparison, WhatifError> {
    let total = draws.len();
    loop {
        let named: Vec<(&str, &dyn Arm)> = arms.iter().map(|(n, a)| (*n, a as &dyn Arm)).collect();
        match compare(metrics, draws, baseline, &named, config) {
            Ok(comparison) => {
                let summaries = std::iter::once(&comparison.baseline)
                    .chain(comparison.interventions.iter().map(|i| &i.outcome));
                for s in summaries.filter(|s| s.not_applicable > 0) {
                    failures.push(OpeningFailure {
                        arm: s.name.clone(),
                        failed_draws: s.not_applicable,
                        of: total,
                        structural: false,
                        left_out: false,
                    });
                }
                return Ok(comparison);
            }
            // Interventions impossible in every draw are left out; the rest are compared.
            Err(WhatifError::NoApplicableDraws {
                draws: n,
                arms: failed,
            }) => {
                let everywhere: Vec<String> = failed
                    .iter()
                    .filter(|(a, k)| *k == n && a != "baseline")
                    .map(|(a, _)| a.clone())
                    .collect();
                if everywhere.is_empty() {
                    return Err(WhatifError::NoApplicableDraws {
                        draws: n,
                        arms: failed,
                    });
                }
                arms.retain(|(name, _)| !everywhere.iter().any(|e| e == name));
                for arm in everywhere {
                    failures.push(OpeningFailure {
                        arm,
                        failed_draws: n,
                        of: total,
                        structural: false,
                        left_out: true,
                    });
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// What the documented path itself shows for each of [`scenario_metrics`], in that order, to
/// mark beside the predictions: 1 or 0 for an event the path shows or rules out, the day of
/// its end for the duration, `None` where the path cannot tell (an event that may still
/// come in a standoff observed still on, the top tariff step, costs).
///
/// # Examples
/// ```
/// use escalation::scenario::Scenario;
/// use escalation::whatif::{documented_metrics, scenario_metrics};
/// let s = Scenario::from_path("scenarios/colombia_2025.toml")?;
/// let observed = documented_metrics(&s);
/// assert_eq!(observed.len(), scenario_metrics(&s).len());
/// assert_eq!(observed[1], Some(1.0)); // the US threatened
/// assert_eq!(observed[5], Some(1.0)); // Colombia conceded
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn documented_metrics(scenario: &Scenario) -> Vec<Option<f64>> {
    use crate::model::PathTiming;
    use crate::pipeline::OutcomeMetric as M;
    let path = scenario.documented_path();
    let steps = &path.steps;
    let has = |a: &[Action]| steps.iter().any(|s| a.contains(&s.action));
    let end = match path.timing() {
        PathTiming::EndedOn(day) => Some(day),
        _ => None,
    };
    let accepted = steps.first().map(|s| s.action == Action::Accept);
    let threatened = path.opening.is_some() || has(&[Action::Threaten]);
    let indicator = |b: bool| if b { 1.0 } else { 0.0 };
    // Who ended it, when the path ends the standoff after the threat.
    let ender = end.and_then(|_| steps.last().map(|s| s.actor));
    let imposed = has(&[Action::Impose, Action::Escalate]);
    COMPARISON_METRICS
        .iter()
        .map(|m| match m {
            M::AcceptedAtOutset => accepted.map(indicator),
            M::Threatened => Some(indicator(threatened)),
            M::TariffsImposed => (imposed || end.is_some()).then_some(indicator(imposed)),
            M::TopStepImposed => (!imposed && end.is_some()).then_some(0.0),
            M::ChallengerYields => ender.map(|s| indicator(s == Side::Challenger)),
            M::TargetYields => ender.map(|s| indicator(s == Side::Target)),
            M::DurationDays => end,
            _ => None,
        })
        .collect()
}
