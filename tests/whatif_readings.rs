//! The three readings of a counterfactual on small ladders with known answers:
//! - `commit`: the other side plays the logit QRE of the restricted game (solved here by the
//!   crate's Gambit-validated path follower on the game built with the restriction);
//! - `type` and `deviate`: the other side's strategy at every information set is its
//!   baseline strategy, bit for bit;
//! - `deviate`: the play follows the deviating side's fixed moves to its end, every path's
//!   probability the baseline's with the forbidden mass moved in proportion, and the
//!   attrition race past the horizon at the other side's own hazard.
//!
//! Also: the time course of the readings is the same for any thread count.

use escalation::calibrate::{NoObserver, Posterior, SmcConfig};
use escalation::mc::{stream, Purpose};
use escalation::model::{Action, CompiledLadder, Param, Params, Side, Timing};
use escalation::pipeline::Pipeline;
use escalation::scenario::{At, Scenario};
use escalation::solve::logit::logit_solve_lambda;
use escalation::whatif::{scenario_courses, PairedConfig};

/// One round after the threat (then the attrition tail), no face saving, every parameter
/// fixed; the target has two types.
const SMALL: &str = r#"
[scenario]
title = "Small"
challenger = "A"
target = "B"

[structure]
schedule = [{ rate = 0.25, day = 0.0 }]
rounds = [7.0]
face_saving = false
challenger_types = 1
target_types = 2

[params]
stake_challenger = 2.0
stake_target = 1.0
audience_challenger = 1.0
audience_target = 0.5
audience_growth = 0.5
exports_target = 14.0
exports_challenger = 17.0
elasticity = 0.76
importer_burden = 0.3
counter_tariff = 0.25
face_saving_discount = 0.5
face_saving_cost = 0.0
third_party_support = 0.1
discount_rate = 0.05
lambda = 3.0
prior_challenger_resolute = 0.5
prior_target_resolute = 0.4
resolve_factor_challenger = 2.0
resolve_factor_target = 3.0

[[levers]]
name = "visas"
cost_challenger = 0.05
cost_target = 0.5

[[path]]
actor = "B"
action = "Refuse"
time = 2025-01-26T03:41:00-05:00

[[interventions]]
name = "firm_commit"
kind = "commit"
forbid = [{ actor = "B", after = "Refuse/Threaten", actions = ["Concede"] }]

[[interventions]]
name = "firm_type"
kind = "type"
actor = "B"
type = "resolute"

[[interventions]]
name = "firm_deviate"
kind = "deviate"
forbid = [{ actor = "B", after = "Refuse/Threaten", actions = ["Concede"] }]
"#;

fn small() -> (Scenario, Params) {
    let s = Scenario::from_str(SMALL, "small.toml").unwrap();
    let p = s.point(At::Median);
    (s, p)
}

/// The behaviour profile of `arm` (`None`: the baseline) at `params`.
fn behaviour(s: &Scenario, arm: Option<&str>, params: &Params) -> (Pipeline, Vec<f64>) {
    let pipe = Pipeline::arm(s, arm).unwrap();
    let mut ws = pipe.workspace();
    let b = pipe.solve(&mut ws, params).unwrap().to_vec();
    (pipe, b)
}

/// The number of profile entries of the challenger (its information sets come first).
fn challenger_len(c: &CompiledLadder) -> usize {
    c.game()
        .player_infosets(0)
        .iter()
        .map(|&s| c.game().infoset(s).num_actions())
        .sum()
}

fn terminal_probs(pipe: &Pipeline, b: &[f64], p: &Params) -> Vec<f64> {
    let mut out = vec![0.0; pipe.compiled().num_terminals()];
    pipe.terminal_probs(b, p, &mut out);
    out
}

#[test]
fn commit_plays_the_qre_of_the_restricted_game() {
    let (s, p) = small();
    let (pipe, b) = behaviour(&s, Some("firm_commit"), &p);
    // The restricted game, built on its own and solved by the path follower.
    let restricted = s
        .with_intervention("firm_commit")
        .unwrap()
        .compile()
        .unwrap();
    let game = restricted.game_at(&p).unwrap();
    let qre = logit_solve_lambda(&game, p.get(Param::Lambda)).unwrap();
    let flat = qre.profile.flat();
    assert_eq!(flat.len(), b.len());
    for (i, (x, y)) in b.iter().zip(flat).enumerate() {
        assert!((x - y).abs() < 1e-6, "entry {i}: {x} vs {y}");
    }
    // The commitment changes the challenger's strategy: it is not the baseline's.
    let (base, bb) = behaviour(&s, None, &p);
    assert_ne!(
        base.compiled().num_terminals(),
        pipe.compiled().num_terminals()
    );
    let cl = challenger_len(base.compiled());
    let refuse_threaten = |c: &CompiledLadder, b: &[f64]| {
        let probs = {
            let mut out = vec![0.0; c.num_terminals()];
            c.terminal_probs(b, &p, &mut out);
            out
        };
        (0..c.num_terminals())
            .filter(|&t| c.history_label(t).unwrap().starts_with("Refuse/Threaten/"))
            .map(|t| probs[t])
            .sum::<f64>()
    };
    let threat_base = refuse_threaten(base.compiled(), &bb);
    let threat_commit = refuse_threaten(pipe.compiled(), &b);
    assert!(
        (threat_base - threat_commit).abs() > 1e-3,
        "the challenger threatens as often ({threat_base} vs {threat_commit}; {cl} entries)"
    );
}

#[test]
fn type_keeps_the_equilibrium_and_fixes_the_type_at_the_draw() {
    let (s, p) = small();
    let (base, bb) = behaviour(&s, None, &p);
    let (arm, b) = behaviour(&s, Some("firm_type"), &p);
    // The same equilibrium: every information set of both sides, bit for bit.
    assert_eq!(b, bb);
    // Every play draws the resolute type, with the same uniforms as the baseline.
    let c = arm.compiled();
    let mut resolute_plays = 0;
    for i in 0..2000 {
        let t = arm.play(&b, &p, &mut stream(9, Purpose::user(1), i));
        assert_eq!(c.terminal_types(t).unwrap().1, 1);
        let tb = base.play(&bb, &p, &mut stream(9, Purpose::user(1), i));
        if c.terminal_types(tb).unwrap().1 == 1 {
            // Where the baseline drew the resolute type too, the play is the same.
            assert_eq!(t, tb);
            resolute_plays += 1;
        }
    }
    assert!(resolute_plays > 500, "{resolute_plays}");
    // Exactly: each terminal's probability is the baseline's given the resolute type.
    let pt = p.get(Param::PriorTargetResolute);
    let probs = terminal_probs(&arm, &b, &p);
    let base_probs = terminal_probs(&base, &bb, &p);
    for t in 0..c.num_terminals() {
        let want = if c.terminal_types(t).unwrap().1 == 1 {
            base_probs[t] / pt
        } else {
            0.0
        };
        assert!((probs[t] - want).abs() < 1e-12, "terminal {t}");
    }
}

#[test]
fn deviate_moves_the_forbidden_mass_and_keeps_the_other_side() {
    let (s, p) = small();
    let (base, bb) = behaviour(&s, None, &p);
    let (arm, b) = behaviour(&s, Some("firm_deviate"), &p);
    let c = base.compiled();
    // The challenger's strategy at every information set is the baseline's, bit for bit.
    let cl = challenger_len(c);
    assert_eq!(b[..cl], bb[..cl]);
    assert_ne!(b[cl..], bb[cl..]);
    // Per target type: the baseline's probability of conceding after the threat, from the
    // baseline's terminal probabilities alone.
    let base_probs = terminal_probs(&base, &bb, &p);
    let probs = terminal_probs(&arm, &b, &p);
    let mass = |kt: usize, prefix: &str| -> f64 {
        (0..c.num_terminals())
            .filter(|&t| c.terminal_types(t).unwrap().1 == kt)
            .filter(|&t| c.history_label(t).unwrap().starts_with(prefix))
            .map(|t| base_probs[t])
            .sum()
    };
    for t in 0..c.num_terminals() {
        let h = c.history_label(t).unwrap();
        let kt = c.terminal_types(t).unwrap().1;
        let want = if h == "Refuse/Threaten/Concede" {
            0.0
        } else if h.starts_with("Refuse/Threaten/") {
            let conceded = mass(kt, "Refuse/Threaten/Concede") / mass(kt, "Refuse/Threaten/");
            base_probs[t] / (1.0 - conceded)
        } else {
            base_probs[t]
        };
        assert!(
            (probs[t] - want).abs() < 1e-12,
            "{h} ({kt}): {} vs {want}",
            probs[t]
        );
    }
    // Sampled plays follow the fixed moves: the target never concedes after the threat.
    for i in 0..2000 {
        let t = arm.play(&b, &p, &mut stream(5, Purpose::user(2), i));
        assert!(!c.history_label(t).unwrap().contains("Concede"));
    }
}

#[test]
fn deviate_tail_races_at_the_other_sides_own_hazard() {
    let (s, p) = small();
    let (arm, _) = behaviour(&s, Some("firm_deviate"), &p);
    let (base, _) = behaviour(&s, None, &p);
    let c = arm.compiled();
    let t = (0..c.num_terminals())
        .find(|&t| {
            c.history_label(t).as_deref() == Some("Refuse/Threaten/Hold/Hold")
                && c.terminal_types(t) == Some((0, 0))
        })
        .unwrap();
    // Threat in force, no tariff levied: only the visa lever costs. The target (irresolute:
    // stake 1, audience cost 0.5) would quit at 0.45/365 / 1.5 a day, the challenger at
    // 0.05/365 / (2 + 1) a day, so the weaker target concedes at the tail's start.
    let baseline = base.compiled().tail_race(t, &p, None).unwrap();
    assert_eq!(baseline.at_once, Some(Side::Target));
    // Under the deviation the target never quits; the challenger keeps its own hazard.
    let race = c.tail_race(t, &p, arm.deviation()).unwrap();
    assert_eq!(race.at_once, None);
    assert_eq!(race.hazards[1], 0.0);
    let h = 0.05 / 365.0 / 3.0;
    assert!((race.hazards[0] - h).abs() < 1e-15, "{:?}", race.hazards);
    assert!((race.daily_cost[1] - 0.5 * 0.9 / 365.0).abs() < 1e-15);
    // The outcome says who gives in at the end of that race: the challenger, always.
    let oc = arm.outcome(t, &p, Timing::RoundStart).unwrap();
    assert_eq!(oc.tail_target_concedes_prob, 0.0);
    assert_eq!(oc.tail_challenger_concedes_prob, 1.0);
    let oc = base.outcome(t, &p, Timing::RoundStart).unwrap();
    assert_eq!(oc.tail_target_concedes_prob, 1.0);
}

#[test]
fn readings_name_their_kind_and_the_opening_stays_paired() {
    let (s, _) = small();
    let kinds: Vec<&str> = s.interventions().iter().map(|i| i.kind.name()).collect();
    assert_eq!(kinds, ["commit", "type", "deviate"]);
    // A deviation keeps the baseline's game: the documented opening is a path of it.
    let opening = [Action::Refuse, Action::Threaten];
    let arm = escalation::whatif::ScenarioArm::new(&s, Some("firm_deviate"))
        .unwrap()
        .given(&opening);
    assert!(arm.opening_possible());
}

#[test]
fn courses_do_not_depend_on_the_thread_count() {
    let s = Scenario::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/colombia_2025.toml"
    ))
    .unwrap();
    let problem = escalation::calibrate::ScenarioProblem::new(&s).unwrap();
    let mut smc = SmcConfig::default();
    smc.particles = 100;
    smc.seed = 3;
    let posterior: Posterior = problem.calibrate(smc, &mut NoObserver).unwrap();
    let names = [
        "petro_holds_firm_type",
        "petro_holds_firm_deviate",
        "petro_holds_firm_commit",
    ];
    let opening = escalation::whatif::documented_opening(&s);
    let run = |threads| {
        let config = PairedConfig {
            replicates: 3,
            seed: 11,
            threads: Some(threads),
        };
        scenario_courses(&s, &posterior, &names, 12, &config, Some(&opening)).unwrap()
    };
    let one = run(1);
    assert_eq!(one.len(), 4);
    assert_eq!(one, run(2));
    // The deviation keeps Colombia from conceding: the standoff outlasts the horizon more
    // often than in the baseline.
    assert!(one[2].still_on[30] > one[0].still_on[30]);
}
