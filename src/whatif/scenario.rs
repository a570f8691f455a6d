//! A scenario's baseline and interventions as [`Arm`]s over its calibrated parameters.

use super::{compare, Arm, Comparison, Metric, PairedConfig, Unit, WhatifError};
use crate::calibrate::{Posterior, ScenarioProblem};
use crate::model::{CompiledLadder, OutcomeClass, Params};
use crate::scenario::Scenario;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

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
pub struct ScenarioArm<'a> {
    problem: &'a ScenarioProblem,
    scenario: Scenario,
    compiled: CompiledLadder,
    overridden: Vec<usize>,
    top: f64,
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
        })
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
    /// the standoff has ended), for fan charts. Uses `rng` as one replicate does.
    ///
    /// # Errors
    /// A message if the equilibrium cannot be solved.
    pub fn tariff_path(
        &self,
        theta: &[f64],
        rng: &mut ChaCha8Rng,
        days: usize,
    ) -> Result<Vec<f64>, String> {
        let p = self.params(theta, &mut rng.clone());
        let mut ws = self.compiled.workspace();
        let b = self
            .compiled
            .behaviour(&mut ws, &p)
            .map_err(|e| e.to_string())?;
        let terminal = self
            .compiled
            .sample_terminal(b, &p, &mut || rng.random::<f64>());
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
        Ok((0..days)
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
            .collect())
    }
}

impl Arm for ScenarioArm<'_> {
    fn run(&self, theta: &[f64], rng: &mut dyn rand::Rng, out: &mut [f64]) {
        // Single runs go through `run_draw` with one replicate.
        let mut local = crate::calibrate::stream_rng(rng.random::<u64>(), 0, 0);
        if self
            .run_draw(theta, std::slice::from_mut(&mut local), out)
            .is_err()
        {
            out.iter_mut().for_each(|v| *v = f64::NAN);
        }
    }

    fn run_draw(
        &self,
        theta: &[f64],
        rngs: &mut [ChaCha8Rng],
        out: &mut [f64],
    ) -> Result<(), String> {
        let Some(first) = rngs.first_mut() else {
            return Ok(());
        };
        let p = self.params(theta, first);
        let mut ws = self.compiled.workspace();
        let b = self
            .compiled
            .behaviour(&mut ws, &p)
            .map_err(|e| e.to_string())?;
        let m = out.len() / rngs.len();
        for (rng, o) in rngs.iter_mut().zip(out.chunks_mut(m.max(1))) {
            let terminal = self
                .compiled
                .sample_terminal(b, &p, &mut || rng.random::<f64>());
            let oc = self
                .compiled
                .outcome(terminal, &p)
                .map_err(|e| e.to_string())?;
            let tail_t = oc.tail_target_concedes_prob;
            let values = [
                f64::from(oc.class == OutcomeClass::Accepted),
                f64::from(!matches!(
                    oc.class,
                    OutcomeClass::Accepted | OutcomeClass::Acquiesced
                )),
                f64::from(oc.tariffs_imposed),
                f64::from(oc.peak_tariff_imposed >= self.top - 1e-12 && oc.tariffs_imposed),
                match oc.class {
                    OutcomeClass::BackedDown => 1.0,
                    OutcomeClass::Attrition => 1.0 - tail_t,
                    _ => 0.0,
                },
                match oc.class {
                    OutcomeClass::Conceded | OutcomeClass::ConcededFaceSaving => 1.0,
                    OutcomeClass::Attrition => tail_t,
                    _ => 0.0,
                },
                oc.duration_days,
                oc.cost_challenger_bn,
                oc.cost_target_bn,
            ];
            for (dst, v) in o.iter_mut().zip(values) {
                *dst = v;
            }
        }
        Ok(())
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
