//! Cost per run against the ladder's length, in two series, each measured against the
//! two-round scenario in the same run: the time per run (simulate on one thread, paired
//! rounds), the game's size (nodes, strategic actions) and the solver's passes per run, each
//! as a ratio to two rounds, and what is left of the time's ratio per action and pass. A
//! variant the model rejects is reported with the model's reason.
//!
//! - *Schedule with the rounds* (2, 4, 8 rounds): the Colombia scenario with its rounds
//!   extended (rounds of 0.25 and 7.75 days as in the scenario, then 23 days, then 30 days
//!   each) and its tariff schedule with them (steps of 25 points at days 0, 7, 30, 60, then
//!   every 30 days, at most the model's eight steps). Each round adds a step the challenger
//!   may escalate to, so the game grows about 6× per round past four (201 nodes at two
//!   rounds, 1,909 at four, 69,885 at eight); not 16 rounds, where that growth would give
//!   billions of nodes (an extrapolation, not measured).
//! - *The scenario's schedule* (2, 4, 8, 16 rounds): the same rounds, the scenario's own two
//!   steps (25% from day 0, 50% from day 7). The moves that change the state are then few, and
//!   the game grows polynomially with the rounds.
//!
//! How small the game can be: histories that reach the same payoff-relevant state (round,
//! stage, mover, announced step, whether levied, counter-tariff, escalation level, peak rate)
//! could share one node of the solve only where they also carry the same beliefs, so that the
//! mover plays the same there. The bench solves each variant at the scenario's prior medians,
//! groups the public decision nodes by that state, and counts the groups of several histories
//! whose behaviour differs (by more than 1e-9 in some action's probability) or is the same to
//! rounding (1e-14), and those whose histories carry the same beliefs on both sides (each
//! side's log-likelihood ratio of its moves so far, in the profile each side plays, equal to
//! 1e-12: whatever the prior, the beliefs are then the same), with the least difference of
//! beliefs among the others; for the scenario's two types per side and for one type per side
//! (the scenario without its interventions, one of which needs two types).
//!
//! Run briefly: `cargo bench --bench ladder_length -- --warm-up-time 1 --measurement-time 2`.

mod common;

use common::{median, seconds};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use escalation::mc::{stream, Purpose};
use escalation::model::CompiledLadder;
use escalation::scenario::{At, Scenario};
use escalation::sim::{Episode, RunRecord, ScenarioEpisode, Simulation};
use std::collections::HashMap;
use std::hint::black_box;

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");
const SEED: u64 = 2025;
/// Runs per measurement of a game with `nodes` nodes: fewer for the long ladders, whose runs
/// cost about 30 ms each.
fn runs(nodes: usize) -> u64 {
    if nodes <= 10_000 {
        256
    } else {
        16
    }
}
const PAIRED_ROUNDS: usize = 7;
/// Least runs over which the passes per run are counted (the passes of 16 runs move by
/// about 0.1 from one seed to another; counting is cheaper than timing).
const PASS_RUNS: u64 = 96;
const SCHEDULE: &str = "schedule = [{ rate = 0.25, day = 0.0 }, { rate = 0.50, day = 7.0 }]";
const ROUNDS: &str = "rounds = [0.25, 7.75]";
/// The most tariff steps the model takes.
const MAX_STEPS: usize = 8;

/// The two series: the schedule extended with the rounds, or the scenario's own.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Series {
    ScheduleWithRounds,
    OwnSchedule,
}

impl Series {
    fn name(self) -> &'static str {
        match self {
            Series::ScheduleWithRounds => "schedule with the rounds",
            Series::OwnSchedule => "the scenario's schedule",
        }
    }
}

/// The Colombia scenario with `n` rounds in `series`, with `types` types per side.
fn variant(n: usize, series: Series, types: usize) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(SCENARIO).map_err(|e| e.to_string())?;
    if !text.contains(SCHEDULE) || !text.contains(ROUNDS) {
        return Err("the scenario's schedule changed; update the bench".into());
    }
    let day = |k: usize| match k {
        0 => 0.0,
        1 => 7.0,
        2 => 30.0,
        _ => 30.0 * (k as f64 - 1.0),
    };
    let steps: Vec<String> = (0..n.min(MAX_STEPS))
        .map(|k| {
            format!(
                "{{ rate = {:.2}, day = {:.1} }}",
                0.25 * (k + 1) as f64,
                day(k)
            )
        })
        .collect();
    let rounds: Vec<String> = (0..n)
        .map(|k| match k {
            0 => "0.25".to_string(),
            1 => "7.75".to_string(),
            _ => format!("{:.1}", day(k) - day(k - 1)),
        })
        .collect();
    let mut text = text.replace(ROUNDS, &format!("rounds = [{}]", rounds.join(", ")));
    if series == Series::ScheduleWithRounds {
        text = text.replace(SCHEDULE, &format!("schedule = [{}]", steps.join(", ")));
    }
    if types == 1 {
        // Without the interventions (the last tables of the file): one of them makes
        // Colombia its resolute type.
        if let Some(k) = text.find("\n[[interventions]]") {
            text.truncate(k + 1);
        }
        for side in ["challenger_types", "target_types"] {
            let two = format!("{side} = 2");
            if !text.contains(&two) {
                return Err(format!("the scenario has no `{two}`; update the bench"));
            }
            text = text.replace(&two, &format!("{side} = 1"));
        }
    }
    let scenario =
        Scenario::from_str(&text, &format!("colombia, {n} rounds")).map_err(|e| e.to_string())?;
    scenario.compile().map_err(|e| e.to_string())?;
    Ok(scenario)
}

/// Passes over the game per run (mean), over `runs` runs.
fn passes_per_run(episode: &ScenarioEpisode, runs: u64) -> f64 {
    let mut scratch = episode.scratch();
    let mut record = RunRecord::new(episode.layout());
    for run in 0..runs {
        let mut rng = stream(SEED, Purpose::RUNS, run);
        episode
            .play(run, &mut rng, &mut scratch, &mut record)
            .expect("plays");
    }
    scratch.solver_work().evaluations as f64 / runs as f64
}

/// Public decision nodes grouped by payoff-relevant state, and how many groups of several
/// histories play differently.
#[derive(Debug, Default)]
struct Classes {
    decisions: usize,
    groups: usize,
    shared: usize,
    differing: usize,
    largest_gap: f64,
    /// Of the states reached by several histories, those whose histories play the same to
    /// rounding (1e-14).
    identical: usize,
    /// Of the states reached by several histories, those whose histories carry the same
    /// beliefs on both sides (log-likelihood ratios of each side's moves equal to 1e-12):
    /// they could share one node of the solve exactly.
    same_beliefs: usize,
    /// The smallest difference of beliefs (log-likelihood ratio) among the other states.
    least_belief_gap: f64,
}

/// Solves `compiled` at `scenario`'s prior medians and groups its public decision nodes by
/// payoff-relevant state (see the module documentation).
fn state_classes(scenario: &Scenario, compiled: &CompiledLadder) -> Result<Classes, String> {
    let mut ws = compiled.workspace();
    let b = compiled
        .behaviour(&mut ws, &scenario.point(At::Median))
        .map_err(|e| e.to_string())?;
    let types = [
        compiled.ladder().challenger_types,
        compiled.ladder().target_types,
    ];
    let mut groups: HashMap<_, Vec<usize>> = HashMap::new();
    let mut out = Classes::default();
    for (i, n) in compiled.public_tree().iter().enumerate() {
        let Some(mover) = n.mover else { continue };
        out.decisions += 1;
        let key = (
            n.round,
            n.stage as u8,
            mover.index(),
            n.state.step,
            n.state.imposed,
            n.state.counter,
            n.level,
            n.peak_imposed.to_bits(),
            n.threatened,
        );
        groups.entry(key).or_default().push(i);
    }
    out.groups = groups.len();
    // Each side's log-likelihood ratio (its type 1 against its type 0) of its moves so far:
    // what every belief about that side at the node is made of, whatever the prior.
    let tree = compiled.public_tree();
    let mut llr = vec![[0.0f64; 2]; tree.len()];
    for (i, n) in tree.iter().enumerate() {
        let Some((parent, action)) = n.parent else {
            continue;
        };
        if parent >= i {
            return Err("the public tree lists a child before its parent".into());
        }
        let mut r = llr[parent];
        if let Some(side) = tree[parent].mover.map(|m| m.index()) {
            if types[side] == 2 {
                let p = |t| {
                    compiled
                        .action_probs(b, parent, t)
                        .and_then(|p| p.get(action).copied())
                        .ok_or("no decision")
                };
                r[side] += p(1)?.ln() - p(0)?.ln();
            }
        }
        llr[i] = r;
    }
    out.least_belief_gap = f64::INFINITY;
    for nodes in groups.values().filter(|v| v.len() > 1) {
        out.shared += 1;
        let belief_gap = nodes[1..]
            .iter()
            .flat_map(|&n| (0..2).map(move |side| (n, side)))
            .map(|(n, side)| (llr[n][side] - llr[nodes[0]][side]).abs())
            .fold(0.0f64, f64::max);
        if belief_gap <= 1e-12 {
            out.same_beliefs += 1;
        } else {
            out.least_belief_gap = out.least_belief_gap.min(belief_gap);
        }
        let mover = compiled.public_tree()[nodes[0]]
            .mover
            .map_or(0, |m| m.index());
        let mut gap = 0.0f64;
        for own in 0..types[mover] {
            let first = compiled
                .action_probs(b, nodes[0], own)
                .ok_or("no decision")?;
            for &other in &nodes[1..] {
                let p = compiled.action_probs(b, other, own).ok_or("no decision")?;
                for (x, y) in first.iter().zip(p) {
                    gap = gap.max((x - y).abs());
                }
            }
        }
        if gap > 1e-9 {
            out.differing += 1;
        }
        if gap <= 1e-14 {
            out.identical += 1;
        }
        out.largest_gap = out.largest_gap.max(gap);
    }
    Ok(out)
}

fn bench(c: &mut Criterion) {
    let mut measured = Vec::new();
    for series in [Series::ScheduleWithRounds, Series::OwnSchedule] {
        let lengths: &[usize] = match series {
            Series::ScheduleWithRounds => &[2, 4, 8],
            Series::OwnSchedule => &[2, 4, 8, 16],
        };
        let mut episodes = Vec::new();
        for &n in lengths {
            let built = variant(n, series, 2).and_then(|s| {
                let e = ScenarioEpisode::new(&s, "bench").map_err(|e| e.to_string())?;
                Ok((s, e))
            });
            match built {
                Ok((s, e)) => episodes.push((n, s, e)),
                Err(e) => eprintln!("{n} rounds: not measured, the model rejects it: {e}"),
            }
        }
        measure_series(series, &episodes);
        measured.push((series, episodes));
    }
    let mut g = c.benchmark_group("ladder_length");
    g.sample_size(10);
    for (series, episodes) in &measured {
        let tag = match series {
            Series::ScheduleWithRounds => "schedule",
            Series::OwnSchedule => "own_schedule",
        };
        for (n, _, episode) in episodes {
            let runs = runs(episode.compiled().game().nodes().len());
            g.throughput(Throughput::Elements(runs));
            g.bench_function(format!("simulate_{n}_rounds_{tag}"), |b| {
                b.iter(|| {
                    Simulation::new(episode, SEED, runs)
                        .threads(1)
                        .run()
                        .expect("runs")
                })
            });
        }
    }
    g.finish();
}

/// Prints one series: each length's time per run, size and passes against two rounds, and its
/// groups of histories by state; then the same with one type per side (against one type per
/// side at two rounds), whose game is of perfect information and solved in one sweep.
fn measure_series(series: Series, episodes: &[(usize, Scenario, ScenarioEpisode)]) {
    let Some((first, _, base)) = episodes.first() else {
        return;
    };
    eprintln!("{}:", series.name());
    let one_type = |n: usize| {
        variant(n, series, 1)
            .and_then(|s| ScenarioEpisode::new(&s, "bench").map_err(|e| e.to_string()))
    };
    let one_type_base = one_type(*first);
    let base = Measured::new(base);
    let one_type_base = one_type_base.as_ref().map(Measured::new);
    for (n, scenario, episode) in episodes {
        eprintln!("  {n} rounds: {}", base.against(episode));
        report_classes(
            *n,
            series,
            "two types per side",
            scenario,
            episode.compiled(),
        );
        match (&one_type_base, one_type(*n)) {
            (Ok(b), Ok(e)) => {
                eprintln!("    one type per side: {}", b.against(&e));
                report_classes(*n, series, "one type per side", e.scenario(), e.compiled());
            }
            (Err(e), _) => eprintln!("    one type per side: not measured: {e}"),
            (_, Err(e)) => eprintln!("    one type per side: not measured: {e}"),
        }
    }
}

/// A variant's size and passes per run, the base of a series' ratios.
struct Measured<'a> {
    episode: &'a ScenarioEpisode,
    nodes: usize,
    actions: usize,
    runs: u64,
    passes: f64,
}

impl<'a> Measured<'a> {
    fn new(episode: &'a ScenarioEpisode) -> Self {
        let g = episode.compiled().game();
        let (nodes, actions) = (g.nodes().len(), g.profile_layout().len);
        // Enough runs for about 50 ms a measurement (a one-type variant's runs cost an eighth
        // of a two-type one's of the same length).
        let trial = seconds(|| {
            black_box(
                Simulation::new(episode, SEED, 2)
                    .threads(1)
                    .run()
                    .expect("runs"),
            );
        }) / 2.0;
        let runs = ((0.05 / trial) as u64).clamp(16, 256);
        Measured {
            episode,
            nodes,
            actions,
            runs,
            passes: passes_per_run(episode, runs.max(PASS_RUNS)),
        }
    }

    /// `episode`'s time per run (paired with this base's), size and passes, and their ratios
    /// to this base's.
    fn against(&self, episode: &ScenarioEpisode) -> String {
        let other = Measured::new(episode);
        let mut ratio = Vec::new();
        let mut per_run = Vec::new();
        for _ in 0..PAIRED_ROUNDS {
            let run = |m: &Measured| {
                seconds(|| {
                    black_box(
                        Simulation::new(m.episode, SEED, m.runs)
                            .threads(1)
                            .run()
                            .expect("runs"),
                    );
                }) / m.runs as f64
            };
            let t_base = run(self);
            let t = run(&other);
            ratio.push(t / t_base);
            per_run.push(t);
        }
        let time_ratio = median(&mut ratio);
        let action_ratio = other.actions as f64 / self.actions as f64;
        let pass_ratio = other.passes / self.passes;
        format!(
            "{:.1} us per run = {time_ratio:.2}x two rounds; game {} nodes ({:.2}x), {} \
             strategic actions ({action_ratio:.2}x); {:.2} passes per run ({pass_ratio:.2}x); \
             time per action and pass {:.2}x",
            median(&mut per_run) * 1e6,
            other.nodes,
            other.nodes as f64 / self.nodes as f64,
            other.actions,
            other.passes,
            time_ratio / (action_ratio * pass_ratio),
        )
    }
}

fn report_classes(
    n: usize,
    series: Series,
    label: &str,
    scenario: &Scenario,
    compiled: &CompiledLadder,
) {
    match state_classes(scenario, compiled) {
        Ok(k) => eprintln!(
            "    {label}: {} public decision nodes in {} states; {} states reached by several \
             histories, in {} of which they play differently (largest gap {:.2e}) and in {} \
             the same to rounding (1e-14); {} of \
             them with the same beliefs on both sides (the least difference of beliefs in \
             the others, as a log-likelihood ratio: {:.2e})",
            k.decisions,
            k.groups,
            k.shared,
            k.differing,
            k.largest_gap,
            k.identical,
            k.same_beliefs,
            k.least_belief_gap
        ),
        Err(e) => eprintln!(
            "    {label}, {n} rounds ({}): not solved: {e}",
            series.name()
        ),
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
