//! A scenario's baseline and interventions as [`Arm`]s over its calibrated parameters.

use super::{compare, Arm, Comparison, DrawStatus, Metric, PairedConfig, Unit, WhatifError};
use crate::calibrate::{Posterior, ScenarioProblem};
use crate::model::{Action, CompiledLadder, Outcome, OutcomeClass, Params, Side};
use crate::scenario::Scenario;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The standard metrics of a scenario run, in the order [`ScenarioArm`] writes them:
/// the target accepts at the outset; the challenger threatens; tariffs are levied; the top
/// step of the baseline schedule is levied; the challenger backs down; the target concedes
/// after the threat; duration (days from the threat); each side's cost ($bn).
///
/// In the war-of-attrition tail nobody has yielded within the horizon; the tail's
/// probability that the target (challenger) is the one to yield is counted instead of an
/// indicator (a conditional expectation, so the mean is unchanged and less noisy).
pub fn scenario_metrics(scenario: &Scenario) -> Vec<Metric> {
    let [c, t] = scenario.players();
    let top = top_rate(scenario);
    vec![
        Metric::new(&format!("{t} accepts at the outset"), Unit::Probability),
        Metric::new(&format!("{c} threatens"), Unit::Probability),
        Metric::new(&format!("{c} imposes tariffs"), Unit::Probability),
        Metric::new(
            &format!("{:.0}% tariff step reached", 100.0 * top),
            Unit::Probability,
        ),
        Metric::new(&format!("{c} backs down"), Unit::Probability),
        Metric::new(&format!("{t} concedes"), Unit::Probability),
        Metric::new("duration", Unit::Days),
        Metric::new(&format!("cost to {c}"), Unit::BillionUsd),
        Metric::new(&format!("cost to {t}"), Unit::BillionUsd),
    ]
}

fn top_rate(scenario: &Scenario) -> f64 {
    scenario
        .ladder()
        .schedule
        .iter()
        .map(|s| s.rate)
        .fold(0.0, f64::max)
}

/// One arm: the scenario, possibly under an intervention, run at calibrated parameters.
///
/// Per draw, the arm first draws every parameter slot of its own scenario with one uniform
/// each from replicate 0's stream ([`Scenario::draw`]); slots that the intervention re-sets
/// take those values, all others the posterior draw's. It then solves the QRE once and
/// samples one play per replicate from that replicate's stream (two uniforms for the types,
/// one per move). Baseline and interventions consume the same uniforms in the same order:
/// common random numbers.
///
/// Besides the replicates, each draw's exact expected metrics are computed from the QRE's
/// terminal probabilities ([`CompiledLadder::terminal_probs`]) and each terminal's
/// [`Outcome`], so the posterior intervals of [`compare`] carry no Monte Carlo noise
/// ([`DrawStatus::Exact`]). They are exact given the draw's parameters, including the
/// values an intervention re-sets, which are drawn once per draw as above.
///
/// With an opening ([`ScenarioArm::given`]) every play is conditioned on starting with
/// those moves ([`CompiledLadder::sample_terminal_given`]: still two uniforms for the types,
/// then one per move after the opening), and the expectations use the terminal
/// probabilities restricted to the opening's subtree and renormalised (the same law). A
/// draw under which the opening has probability zero (the sampler finds no type
/// combination that can play it, or the restricted probabilities sum to zero) is
/// [`DrawStatus::NotApplicable`]: [`compare`] leaves it out of every arm and counts it.
pub struct ScenarioArm<'a> {
    problem: &'a ScenarioProblem,
    scenario: Scenario,
    compiled: CompiledLadder,
    overridden: Vec<usize>,
    top: f64,
    opening: Option<Vec<Action>>,
    /// With an opening: whether each game terminal lies in the opening's subtree.
    in_opening: Vec<bool>,
}

impl<'a> ScenarioArm<'a> {
    /// The arm of `scenario` with `intervention` applied (`None`: the baseline), using the
    /// calibration `problem` of the baseline scenario to map posterior draws to parameters.
    ///
    /// # Errors
    /// A message naming the unknown intervention (with the known ones) or why the
    /// intervened ladder does not compile.
    pub fn new(
        problem: &'a ScenarioProblem,
        scenario: &Scenario,
        intervention: Option<&str>,
    ) -> Result<Self, String> {
        let (arm_scenario, overridden) = match intervention {
            None => (scenario.clone(), Vec::new()),
            Some(name) => {
                let s = scenario
                    .with_intervention(name)
                    .map_err(|e| e.to_string())?;
                let overridden = scenario
                    .interventions()
                    .iter()
                    .find(|i| i.name == name)
                    .map(|i| i.set.iter().map(|(k, _)| *k).collect())
                    .unwrap_or_default();
                (s, overridden)
            }
        };
        let compiled = arm_scenario.compile().map_err(|e| e.to_string())?;
        Ok(ScenarioArm {
            problem,
            top: top_rate(scenario),
            scenario: arm_scenario,
            compiled,
            overridden,
            opening: None,
            in_opening: Vec::new(),
        })
    }

    /// This arm with every play conditioned on starting with `opening` (actions from the
    /// root).
    pub fn given(mut self, opening: &[Action]) -> Self {
        let root = self.compiled.opening_node(opening);
        let tree = self.compiled.public_tree();
        let under = |mut p: usize| -> bool {
            let Some(root) = root else { return false };
            loop {
                if p == root {
                    return true;
                }
                match tree.get(p).and_then(|n| n.parent) {
                    Some((parent, _)) => p = parent,
                    None => return false,
                }
            }
        };
        self.in_opening = (0..self.compiled.num_terminals())
            .map(|t| {
                self.compiled
                    .public_terminal(t)
                    .is_some_and(|(p, _)| under(p))
            })
            .collect();
        self.opening = Some(opening.to_vec());
        self
    }

    /// Whether the opening (if any) is a path of this arm's public tree; `false` when the
    /// intervention removes one of its moves, so that no draw can follow it.
    pub fn opening_possible(&self) -> bool {
        self.opening
            .as_deref()
            .is_none_or(|o| self.compiled.opening_node(o).is_some())
    }

    /// One play's terminal: from the root, or given the opening (`None` if impossible).
    fn sample(&self, b: &[f64], p: &Params, rng: &mut ChaCha8Rng) -> Option<usize> {
        match &self.opening {
            None => Some(
                self.compiled
                    .sample_terminal(b, p, &mut || rng.random::<f64>()),
            ),
            Some(o) => self
                .compiled
                .sample_terminal_given(b, p, o, &mut || rng.random::<f64>()),
        }
    }

    /// Parameters of this arm for a posterior draw, with the re-set slots drawn from `rng`.
    fn params(&self, theta: &[f64], rng: &mut ChaCha8Rng) -> Params {
        let mut drawn = self.scenario.new_params();
        self.scenario.draw(rng, &mut drawn);
        let mut p = self.problem.params_at(theta);
        for &k in &self.overridden {
            p.set(k, drawn.get(k));
        }
        p
    }

    /// The tariff the challenger levies on each day `0..days` of one sampled play (0 once
    /// the standoff has ended), for fan charts. Uses `rng` as one replicate does. `None`
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
        let mut ws = self.compiled.workspace();
        let b = self
            .compiled
            .behaviour(&mut ws, &p)
            .map_err(|e| e.to_string())?;
        let Some(terminal) = self.sample(b, &p, rng) else {
            return Ok(None);
        };
        let outcome = self
            .compiled
            .outcome(terminal, &p)
            .map_err(|e| e.to_string())?;
        let (node, _) = self
            .compiled
            .public_terminal(terminal)
            .ok_or_else(|| format!("no terminal {terminal}"))?;
        let public = &self.compiled.public_tree()[node];
        let ladder = self.compiled.ladder();
        let rate = |s: crate::model::RoundState| {
            if s.imposed {
                ladder.schedule.get(s.step).map_or(0.0, |t| t.rate)
            } else {
                0.0
            }
        };
        Ok(Some(
            (0..days)
                .map(|d| {
                    let day = d as f64;
                    if !public.threatened || day >= outcome.duration_days {
                        return 0.0;
                    }
                    let n = public.rounds.len();
                    (0..n)
                        .find(|&r| day < ladder.round_start(r + 1))
                        .or(n.checked_sub(1))
                        .and_then(|r| public.rounds.get(r))
                        .map_or(0.0, |&s| rate(s))
                })
                .collect(),
        ))
    }
}

/// The values of [`scenario_metrics`] for one play ending in `oc`; `top` is the top rate of
/// the baseline schedule.
fn metric_values(oc: &Outcome, top: f64) -> [f64; 9] {
    [
        f64::from(oc.class == OutcomeClass::Accepted),
        f64::from(oc.class.is_crisis()),
        f64::from(oc.tariffs_imposed),
        f64::from(oc.peak_tariff_imposed >= top - 1e-12 && oc.tariffs_imposed),
        // Yielding after the threat (a frozen tail is neither side's).
        oc.yield_after_threat(Side::Challenger),
        oc.yield_after_threat(Side::Target),
        oc.duration_days,
        oc.cost_challenger_bn,
        oc.cost_target_bn,
    ]
}

impl ScenarioArm<'_> {
    /// The exact expected metrics of one draw (behaviour `b`, parameters `p`) into
    /// `expected`: the terminal probabilities (restricted to the opening's subtree and
    /// renormalised, with an opening) times each terminal's metric values. `false` when the
    /// opening has probability zero.
    fn expected_metrics(
        &self,
        b: &[f64],
        p: &Params,
        expected: &mut [f64],
    ) -> Result<bool, String> {
        let mut probs = vec![0.0; self.compiled.num_terminals()];
        self.compiled.terminal_probs(b, p, &mut probs);
        if self.opening.is_some() {
            for (pr, &inside) in probs.iter_mut().zip(&self.in_opening) {
                if !inside {
                    *pr = 0.0;
                }
            }
        }
        expected.iter_mut().for_each(|e| *e = 0.0);
        // Mass and sums in terminal order, in one loop: an indicator that holds at every
        // terminal gets exactly `mass / mass = 1`.
        let mut mass = 0.0;
        for (t, &pr) in probs.iter().enumerate() {
            if pr <= 0.0 {
                continue;
            }
            let oc = self.compiled.outcome(t, p).map_err(|e| e.to_string())?;
            mass += pr;
            for (e, v) in expected.iter_mut().zip(metric_values(&oc, self.top)) {
                *e += pr * v;
            }
        }
        if !(mass > 0.0 && mass.is_finite()) {
            return Ok(false);
        }
        expected.iter_mut().for_each(|e| *e /= mass);
        Ok(true)
    }
}

impl Arm for ScenarioArm<'_> {
    fn run(&self, theta: &[f64], rng: &mut dyn rand::Rng, out: &mut [f64]) {
        // Single runs go through `run_draw` with one replicate.
        let mut local = crate::mc::stream(rng.random::<u64>(), crate::mc::Purpose::RUNS, 0);
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
        let p = self.params(theta, first);
        let mut ws = self.compiled.workspace();
        let b = self
            .compiled
            .behaviour(&mut ws, &p)
            .map_err(|e| e.to_string())?;
        let m = out.len() / rngs.len();
        for (rng, o) in rngs.iter_mut().zip(out.chunks_mut(m.max(1))) {
            let Some(terminal) = self.sample(b, &p, rng) else {
                // The opening is impossible under this draw (for every replicate alike).
                return Ok(DrawStatus::NotApplicable);
            };
            let oc = self
                .compiled
                .outcome(terminal, &p)
                .map_err(|e| e.to_string())?;
            for (dst, v) in o.iter_mut().zip(metric_values(&oc, self.top)) {
                *dst = v;
            }
        }
        if !self.expected_metrics(b, &p, expected)? {
            return Ok(DrawStatus::NotApplicable);
        }
        Ok(DrawStatus::Exact)
    }
}

/// Run the baseline and each named intervention of `scenario` on `draws` equal-weight draws
/// of `posterior`, with [`scenario_metrics`].
///
/// # Errors
/// [`WhatifError::InvalidConfig`] (field `intervention`) for an unknown intervention or one
/// whose ladder does not compile; otherwise as [`compare`].
pub fn scenario_whatif(
    scenario: &Scenario,
    problem: &ScenarioProblem,
    posterior: &Posterior,
    interventions: &[&str],
    draws: usize,
    config: &PairedConfig,
) -> Result<Comparison, WhatifError> {
    let bad = |reason: String| WhatifError::InvalidConfig {
        field: "intervention",
        reason,
    };
    let baseline = ScenarioArm::new(problem, scenario, None).map_err(bad)?;
    let arms: Vec<ScenarioArm<'_>> = interventions
        .iter()
        .map(|name| ScenarioArm::new(problem, scenario, Some(name)).map_err(bad))
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

impl fmt::Display for GivenComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.opening {
            Some(o) => writeln!(f, "given the documented opening: {}", o.join(" → "))?,
            None => writeln!(f, "from the root (every run starts at the first move)")?,
        }
        for x in &self.failures {
            if x.structural {
                writeln!(
                    f,
                    "  {}: left out: the opening is impossible under this intervention ({} of {} draws failed)",
                    x.arm, x.failed_draws, x.of
                )?;
            } else if x.left_out {
                writeln!(
                    f,
                    "  {}: left out: the opening had probability zero under this intervention in every draw ({} of {})",
                    x.arm, x.failed_draws, x.of
                )?;
            } else {
                writeln!(
                    f,
                    "  {}: the opening had probability zero in {} of {} draws (left out of every arm)",
                    x.arm, x.failed_draws, x.of
                )?;
            }
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
    problem: &ScenarioProblem,
    posterior: &Posterior,
    interventions: &[&str],
    draws: usize,
    config: &PairedConfig,
    opening: Option<&[Action]>,
) -> Result<GivenComparison, WhatifError> {
    let bad = |reason: String| WhatifError::InvalidConfig {
        field: "intervention",
        reason,
    };
    fn condition<'b>(arm: ScenarioArm<'b>, opening: Option<&[Action]>) -> ScenarioArm<'b> {
        match opening {
            Some(o) => arm.given(o),
            None => arm,
        }
    }
    let baseline = condition(
        ScenarioArm::new(problem, scenario, None).map_err(bad)?,
        opening,
    );
    if !baseline.opening_possible() {
        return Err(WhatifError::InvalidConfig {
            field: "opening",
            reason: "the opening is not a path of the scenario's ladder".into(),
        });
    }
    let all_draws = posterior.equal_weight_draws(draws, config.seed);
    let total = all_draws.len();
    let mut failures = Vec::new();
    let mut arms: Vec<(&str, ScenarioArm<'_>)> = Vec::new();
    for name in interventions {
        let arm = condition(
            ScenarioArm::new(problem, scenario, Some(name)).map_err(bad)?,
            opening,
        );
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
    let metrics = scenario_metrics(scenario);
    loop {
        let named: Vec<(&str, &dyn Arm)> = arms.iter().map(|(n, a)| (*n, a as &dyn Arm)).collect();
        match compare(&metrics, &all_draws, &baseline, &named, config) {
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
                return Ok(GivenComparison {
                    opening: opening.map(|o| o.iter().map(|a| a.label().to_string()).collect()),
                    comparison,
                    failures,
                });
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
