//! A scenario's baseline and interventions as [`Arm`]s over its calibrated parameters.

use super::{compare, Arm, Comparison, Metric, PairedConfig, Unit, WhatifError};
use crate::calibrate::{Posterior, ScenarioProblem};
use crate::model::{Action, CompiledLadder, OutcomeClass, Params, Side};
use crate::scenario::Scenario;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Mutex;

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
/// With an opening ([`ScenarioArm::given`]) every play is conditioned on starting with
/// those moves ([`CompiledLadder::sample_terminal_given`]: still two uniforms for the types,
/// then one per move after the opening). A draw under which the opening has probability
/// zero is recorded as failed (see [`ScenarioArm::failed_streams`]) and its runs written as
/// zeros; [`scenario_whatif_given`] leaves such draws out and reports them.
pub struct ScenarioArm<'a> {
    problem: &'a ScenarioProblem,
    scenario: Scenario,
    compiled: CompiledLadder,
    overridden: Vec<usize>,
    top: f64,
    opening: Option<Vec<Action>>,
    failed: Mutex<Vec<u64>>,
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
            failed: Mutex::new(Vec::new()),
        })
    }

    /// This arm with every play conditioned on starting with `opening` (actions from the
    /// root).
    pub fn given(mut self, opening: &[Action]) -> Self {
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

    /// The random stream index of replicate 0 of every draw so far in which the opening had
    /// probability zero (drained by the call).
    pub fn failed_streams(&self) -> Vec<u64> {
        self.failed
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
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
            .sample(b, &p, rng)
            .ok_or("the opening has probability zero at these parameters")?;
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
        let stream = rngs.first().map_or(0, ChaCha8Rng::get_stream);
        for (rng, o) in rngs.iter_mut().zip(out.chunks_mut(m.max(1))) {
            let Some(terminal) = self.sample(b, &p, rng) else {
                // The opening is impossible under this draw (for every replicate alike).
                if let Ok(mut f) = self.failed.lock() {
                    f.push(stream);
                }
                out.iter_mut().for_each(|v| *v = 0.0);
                return Ok(());
            };
            let oc = self
                .compiled
                .outcome(terminal, &p)
                .map_err(|e| e.to_string())?;
            let values = [
                f64::from(oc.class == OutcomeClass::Accepted),
                f64::from(!matches!(
                    oc.class,
                    OutcomeClass::Accepted | OutcomeClass::Acquiesced
                )),
                f64::from(oc.tariffs_imposed),
                f64::from(oc.peak_tariff_imposed >= self.top - 1e-12 && oc.tariffs_imposed),
                // Yielding after the threat (a frozen tail is neither side's).
                if oc.class == OutcomeClass::Acquiesced {
                    0.0
                } else {
                    oc.yield_prob(Side::Challenger)
                },
                if oc.class == OutcomeClass::Accepted {
                    0.0
                } else {
                    oc.yield_prob(Side::Target)
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
/// failed in every draw. A draw in which the opening has probability zero under some arm is
/// left out of every arm (so that differences stay paired) and counted per arm; the
/// comparison is then re-run on the remaining draws.
///
/// # Errors
/// As [`scenario_whatif`]; [`WhatifError::InvalidConfig`] (field `opening`) when the
/// baseline's ladder does not contain the opening; [`WhatifError::NoDraws`] when every draw
/// failed.
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
    let mut all_draws = posterior.equal_weight_draws(draws, config.seed);
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
            });
        }
    }
    let named: Vec<(&str, &dyn Arm)> = arms.iter().map(|(n, a)| (*n, a as &dyn Arm)).collect();
    let all: Vec<(&str, &ScenarioArm<'_>)> = std::iter::once(("baseline", &baseline))
        .chain(arms.iter().map(|(n, a)| (*n, a)))
        .collect();
    let mut failed_per_arm = vec![0usize; all.len()];
    let reps = config.replicates.max(1) as u64;
    loop {
        let comparison = compare(
            &scenario_metrics(scenario),
            &all_draws,
            &baseline,
            &named,
            config,
        )?;
        // Draw index of each failure: stream index of replicate 0 over replicates.
        let mut drop = vec![false; all_draws.len()];
        for (a, (_, arm)) in all.iter().enumerate() {
            let mut streams = arm.failed_streams();
            streams.sort_unstable();
            streams.dedup();
            failed_per_arm[a] += streams.len();
            for s in streams {
                if let Some(d) = drop.get_mut((s / reps) as usize) {
                    *d = true;
                }
            }
        }
        if !drop.contains(&true) {
            for (a, (name, _)) in all.iter().enumerate() {
                if failed_per_arm[a] > 0 {
                    failures.push(OpeningFailure {
                        arm: name.to_string(),
                        failed_draws: failed_per_arm[a],
                        of: total,
                        structural: false,
                    });
                }
            }
            return Ok(GivenComparison {
                opening: opening.map(|o| o.iter().map(|a| a.label().to_string()).collect()),
                comparison,
                failures,
            });
        }
        let mut keep = drop.iter().map(|d| !d);
        all_draws.retain(|_| keep.next().unwrap_or(true));
        if all_draws.is_empty() {
            return Err(WhatifError::NoDraws);
        }
    }
}
