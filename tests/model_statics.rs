//! Comparative statics from the literature, as property tests over random parameters. Each
//! block runs with a fixed proptest seed, so that every run checks the same draws.
//!
//! - Fearon (1994): a side with a higher audience cost backs down no more often, under the
//!   logit QRE and near its subgame-perfect limit; over all plays and given the crisis.
//! - A target more exposed to the challenger's tariffs holds firm no more often.
//! - Rudimentary asymmetric deterrence (Zagare & Kilgour 2000): the challenger challenges iff
//!   the defender's credibility p is below (u_DC − u_SQ)/(u_DC − u_DD).
//!
//! Where a static fails in corners of the parameter space the test is kept, ignored, with
//! the traced mechanism. `cargo run --release --example statics -- 10000` counts the
//! exceptions of every static over a wider region; `docs/statics.md` has the table.

use escalation::model::{
    CompiledLadder, Ladder, Lever, LeverStart, OutcomeClass, OutcomeProbs, Param, Params,
    Restriction, Side, Slot, TariffStep,
};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// Parameters of a draw.
#[derive(Clone, Copy, Debug)]
struct Draw {
    v_c: f64,
    v_t: f64,
    a_c: f64,
    a_t: f64,
    growth: f64,
    x_t: f64,
    burden: f64,
    phi: f64,
    lambda: f64,
    pc: f64,
    pt: f64,
}

fn params_of(d: &Draw, levers: usize) -> Params {
    let mut p = Params::new(levers);
    p.set(Param::StakeChallenger, d.v_c);
    p.set(Param::StakeTarget, d.v_t);
    p.set(Param::AudienceChallenger, d.a_c);
    p.set(Param::AudienceTarget, d.a_t);
    p.set(Param::AudienceGrowth, d.growth);
    p.set(Param::ExportsTarget, d.x_t);
    p.set(Param::ExportsChallenger, 17.0);
    p.set(Param::ImporterBurden, d.burden);
    p.set(Param::CounterTariff, 0.25);
    p.set(Param::FaceSavingDiscount, d.phi);
    p.set(Param::Lambda, d.lambda);
    p.set(Param::PriorChallengerResolute, d.pc);
    p.set(Param::PriorTargetResolute, d.pt);
    p.set(Param::BeliefTargetAboutChallenger, d.pc);
    p.set(Param::BeliefChallengerAboutTarget, d.pt);
    p.set(Param::ResolveFactorChallenger, 2.0);
    p.set(Param::ResolveFactorTarget, 2.0);
    p
}

/// The default ladder with `types` resolve types for each side (1: complete information,
/// 2: private types with their priors).
fn ladder(types: usize) -> CompiledLadder {
    CompiledLadder::new(&Ladder {
        challenger_types: types,
        target_types: types,
        ..Ladder::default()
    })
    .unwrap()
}

/// The outcome probabilities of the QRE at `p`: each side's yielding after the threat
/// (backing down or conceding, or conceding in the attrition tail; a frozen tail is
/// neither's), over all plays and given the crisis, and the outcome classes.
fn probs(c: &CompiledLadder, p: &Params) -> OutcomeProbs {
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, p).unwrap().to_vec();
    c.outcome_probs(&b, p).unwrap()
}

/// A draw over the ranges of the statics; `growth` and `phi` are the growth of audience
/// costs per level and the face-saving discount (fixed by some statics, see each).
fn draw_with(
    growth: impl Strategy<Value = f64>,
    phi: impl Strategy<Value = f64>,
) -> impl Strategy<Value = Draw> {
    (
        (0.3f64..4.0, 0.1f64..2.0, 0.0f64..3.0, 0.0f64..2.0, growth),
        (5.0f64..25.0, 0.0f64..0.4, phi, 0.5f64..8.0),
        (0.1f64..0.9, 0.1f64..0.9),
    )
        .prop_map(
            |((v_c, v_t, a_c, a_t, growth), (x_t, burden, phi, lambda), (pc, pt))| Draw {
                v_c,
                v_t,
                a_c,
                a_t,
                growth,
                x_t,
                burden,
                phi,
                lambda,
                pc,
                pt,
            },
        )
}

fn any_draw() -> impl Strategy<Value = Draw> {
    draw_with(0.0f64..1.0, 0.0f64..1.0)
}

/// The same with half of the audience cost removed by the face-saving concession.
fn draw_half_face_saving() -> impl Strategy<Value = Draw> {
    draw_with(0.0f64..1.0, Just(0.5))
}

const TOL: f64 = 1e-9;

/// `cases` draws from a fixed seed.
fn config(cases: u32, seed: u64) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        ..ProptestConfig::default()
    }
}

/// The target's concessions as `escalation solve` prints them: the two classes.
fn conceded(o: &OutcomeProbs) -> f64 {
    o.class(OutcomeClass::ConcededBeforeTariffs) + o.class(OutcomeClass::ConcededAfterTariffs)
}

proptest! {
    #![proptest_config(config(256, 1994))]

    // Fearon (1994), complete information: the challenger's audience cost never makes it
    // back down more often, counted over all plays or given the crisis, with or without the
    // attrition tail's concessions. (No exception in 10,000 draws of the example.)
    #[test]
    fn higher_challenger_audience_cost_backs_down_no_more(d in any_draw(), delta in 0.1f64..2.0) {
        let c = ladder(1);
        let lo = probs(&c, &params_of(&d, 0));
        let hi = probs(&c, &params_of(&Draw { a_c: d.a_c + delta, ..d }, 0));
        let s = Side::Challenger;
        prop_assert!(hi.yields(s) <= lo.yields(s) + TOL, "{hi:?} vs {lo:?}");
        prop_assert!(hi.yields_given_crisis(s) <= lo.yields_given_crisis(s) + TOL, "{hi:?} vs {lo:?}");
        let backed = |o: &OutcomeProbs| o.class(OutcomeClass::BackedDown);
        prop_assert!(backed(&hi) <= backed(&lo) + TOL, "{hi:?} vs {lo:?}");
    }

    // The same for the target: its audience cost of conceding after its public refusal
    // never makes it concede more often. With half of the audience cost saved by the
    // face-saving concession. This is not quite "never": over 10,000 draws of this region
    // there were 1 exception over all plays and 3 given the crisis, none above 5e-4. As the
    // discount nears 1 the concession costs almost nothing whatever the audience cost, and
    // the static fails over all plays in 1.6% of the example's draws (with the discount
    // drawn on [0, 1]): a slightly tougher target is threatened less, so it refuses more
    // and there are more crises. See docs/statics.md.
    #[test]
    fn higher_target_audience_cost_concedes_no_more(d in draw_half_face_saving(), delta in 0.1f64..2.0) {
        let c = ladder(1);
        let lo = probs(&c, &params_of(&d, 0));
        let hi = probs(&c, &params_of(&Draw { a_t: d.a_t + delta, ..d }, 0));
        let s = Side::Target;
        prop_assert!(hi.yields(s) <= lo.yields(s) + TOL, "{hi:?} vs {lo:?}");
        prop_assert!(hi.yields_given_crisis(s) <= lo.yields_given_crisis(s) + TOL, "{hi:?} vs {lo:?}");
        prop_assert!(conceded(&hi) <= conceded(&lo) + TOL, "{hi:?} vs {lo:?}");
    }

    // Both statics near the subgame-perfect limit (lambda = 100: the logit QRE of the
    // perfect-information ladder converges to the SPE that breaks ties evenly, the limiting
    // logit equilibrium), with every measure.
    #[test]
    fn near_spe_higher_audience_costs_yield_no_more(d in any_draw(), delta in 0.1f64..2.0) {
        let c = ladder(1);
        let d = Draw { lambda: 100.0, ..d };
        let lo = probs(&c, &params_of(&d, 0));
        let up_c = probs(&c, &params_of(&Draw { a_c: d.a_c + delta, ..d }, 0));
        let up_t = probs(&c, &params_of(&Draw { a_t: d.a_t + delta, ..d }, 0));
        for (hi, s) in [(up_c, Side::Challenger), (up_t, Side::Target)] {
            prop_assert!(hi.yields(s) <= lo.yields(s) + TOL, "{s:?}: {hi:?} vs {lo:?}");
            prop_assert!(hi.yields_given_crisis(s) <= lo.yields_given_crisis(s) + TOL, "{s:?}: {hi:?} vs {lo:?}");
        }
        prop_assert!(conceded(&up_t) <= conceded(&lo) + TOL, "{up_t:?} vs {lo:?}");
    }
}

proptest! {
    #![proptest_config(config(48, 2001))]

    // Fearon's statics with private resolve types, for the challenger: its audience cost
    // never makes it back down more often given the crisis, nor over all plays; with
    // audience costs that do not grow with the level (with growth the static fails in
    // 0.7% of the example's draws, see docs/statics.md).
    #[test]
    fn private_types_higher_challenger_audience_cost_backs_down_no_more(
        d in draw_with(Just(0.0), Just(0.5)), delta in 0.1f64..2.0,
    ) {
        let c = ladder(2);
        let lo = probs(&c, &params_of(&d, 0));
        let hi = probs(&c, &params_of(&Draw { a_c: d.a_c + delta, ..d }, 0));
        let s = Side::Challenger;
        prop_assert!(hi.yields(s) <= lo.yields(s) + TOL, "{hi:?} vs {lo:?}");
        prop_assert!(hi.yields_given_crisis(s) <= lo.yields_given_crisis(s) + TOL, "{hi:?} vs {lo:?}");
    }

    // KNOWN FAILURE, kept visible: with private types the target's audience cost also
    // changes which types refuse at the outset and what the challenger infers from a
    // refusal, so the target can concede more often: in 4.5% of the example's draws over
    // all plays (up to +0.26), 1.8% given the crisis (up to +0.33). Run with `--ignored`.
    //
    // Traced on one draw (v_c = 2.45, v_t = 1.82, a_c = 0.118, x_t = 10.3, burden = 0.284,
    // lambda = 4.62, p_c = 0.363, p_t = 0.304, no growth; a_t 1.36 → 1.75). Along the way
    // the target yields less as a_t rises (0.2127 → 0.2041, then 0.3779 → 0.3766, then
    // 0.3621 → 0.3603) except at two jumps. At a_t = 1.52443 the attrition tail after
    // Hold/Hold/Retaliate/Escalate (both types irresolute) switches from the target
    // conceding at once to a race, because a higher audience cost makes the target's prize
    // of outlasting larger; the challenger's payoff there falls from 2.38 to −0.17, and the
    // signalling equilibrium jumps with it: a refusal now ties the target's hands, the
    // challenger threatens after it less often (0.93 → 0.64), the irresolute target
    // therefore bluffs, refusing 0.18 → 0.96 of the time, and both types concede more once
    // threatened. Over all plays the target yields 0.204 → 0.378. At a_t = 1.58425 a second,
    // smaller jump with no jump in the payoffs: a turn of the principal branch of the QRE.
    #[test]
    #[ignore = "known counterexamples, see comment"]
    fn private_types_higher_target_audience_cost_concedes_no_more(
        d in any_draw(), delta in 0.1f64..2.0,
    ) {
        let c = ladder(2);
        let lo = probs(&c, &params_of(&d, 0));
        let hi = probs(&c, &params_of(&Draw { a_t: d.a_t + delta, ..d }, 0));
        let s = Side::Target;
        prop_assert!(hi.yields(s) <= lo.yields(s) + TOL, "{hi:?} vs {lo:?}");
        prop_assert!(hi.yields_given_crisis(s) <= lo.yields_given_crisis(s) + TOL, "{hi:?} vs {lo:?}");
    }

    // A target more exposed to the challenger's tariffs (more exports to it) holds firm
    // no more often once the crisis has started, other things equal: with no importer's
    // burden, so that the target's exposure is not also the challenger's own cost of
    // imposing (with a burden, more trade makes imposing dearer for the challenger too,
    // and the target can rightly hold firm more).
    //
    // KNOWN FAILURE, kept visible: in corners where the target almost never concedes, a
    // strategic effect of retaliation can tip it the other way by a few 1e-6, e.g. v_c = 0.3,
    // v_t = 1.540, a_c = 0.366, a_t = 1.855, x_t = 5 (+1), lambda = 4.05, no growth: the
    // target's concession rate given the crisis 0.0026740 → 0.0026693. Traced: at the
    // target's node after Refuse/Threaten/Hold/Hold, the challenger answers a Hold by
    // imposing or escalating with probability 0.85 (and the target then concedes in the
    // tail) but a Retaliate with 0.23 (and then it is the challenger that concedes in the
    // tail). More exposure makes the tariffs dearer on both branches but costs the Hold
    // branch more, so the target retaliates a little more, and retaliating deters the
    // imposition that would have made it yield. In the example's 10,000 draws with complete
    // information: 0.3% exceptions given the crisis, none above 0.003. Run with `--ignored`.
    #[test]
    #[ignore = "known counterexample, see comment"]
    fn higher_target_trade_exposure_holds_firm_no_more(d in any_draw(), delta in 1.0f64..20.0) {
        let c = ladder(1);
        let d = Draw { burden: 0.0, ..d };
        let lo = probs(&c, &params_of(&d, 0));
        let hi = probs(&c, &params_of(&Draw { x_t: d.x_t + delta, ..d }, 0));
        let held = |o: &OutcomeProbs| 1.0 - o.yields_given_crisis(Side::Target);
        prop_assert!(held(&hi) <= held(&lo) + TOL, "{hi:?} vs {lo:?}");
    }
}

/// The ladder cut down to rudimentary asymmetric deterrence: the target has refused; the
/// challenger keeps the status quo (`Acquiesce`) or challenges (`Threaten`); the defender
/// concedes (DC) or resists, after which the challenger levies its tariff and the standoff
/// goes to the attrition tail (DD). The defender is credible (resolute) with probability p.
fn deterrence_ladder() -> Ladder {
    Ladder {
        players: ["Challenger".into(), "Defender".into()],
        schedule: vec![TariffStep::new(0.25, 0.0)],
        rounds: vec![1.0],
        face_saving: false,
        levers: vec![Lever {
            name: "pressure".into(),
            enabled: true,
            from: LeverStart::Imposition,
        }],
        challenger_types: 1,
        target_types: 2,
        restrictions: vec![
            Restriction::Force {
                at: vec![],
                action: "Refuse".into(),
            },
            Restriction::Forbid {
                side: Side::Target,
                after: vec![],
                actions: vec!["Retaliate".into()],
            },
            Restriction::Force {
                at: vec!["Refuse".into(), "Threaten".into(), "Hold".into()],
                action: "Impose".into(),
            },
        ],
        ..Ladder::default()
    }
}

proptest! {
    #![proptest_config(config(16, 2000))]

    #[test]
    fn challenger_challenges_iff_credibility_below_threshold(
        v_c in 0.5f64..3.0, a_c in 0.0f64..2.0, q in 0.0f64..1.0,
    ) {
        let c = CompiledLadder::new(&deterrence_ladder()).unwrap();
        let mut p = params_of(
            &Draw {
                v_c,
                v_t: 0.1,
                a_c,
                a_t: 0.2,
                growth: 0.0,
                x_t: 200.0,
                burden: 0.2,
                phi: 0.5,
                lambda: 40.0,
                pc: 0.5,
                pt: 0.5,
            },
            1,
        );
        p.set(Param::ResolveFactorTarget, 50.0);
        p.set(Param::DiscountRate, 0.0);
        p.set(Slot::LeverCost { lever: 0, side: Side::Challenger }, 50.0);
        // u_SQ = 0 (acquiesce); u_DC = v_c (defender concedes); u_DD from the game.
        let game = c.game_at(&p).unwrap();
        let acc = game.accumulated_payoffs();
        let public = c.public_tree();
        let mut u_dd = None;
        for t in 0..c.num_terminals() {
            let (node, _) = c.public_terminal(t).unwrap();
            if public[node].history_label() == "Refuse/Threaten/Hold/Impose"
                && c.terminal_types(t) == Some((0, 1))
            {
                let gid = game.terminals().nth(t).unwrap();
                u_dd = Some(acc[gid.0][0]);
            }
        }
        let u_dd = u_dd.unwrap();
        if std::env::var("DEBUG_RAD").is_ok() {
            for t in 0..c.num_terminals() {
                let gid = game.terminals().nth(t).unwrap();
                let (node, _) = c.public_terminal(t).unwrap();
                println!("{} {:?} {:?}", public[node].history_label(), c.terminal_types(t), acc[gid.0]);
            }
        }
        let threshold = (v_c - 0.0) / (v_c - u_dd);
        // Credibility p away from the threshold, so that lambda = 40 is decisive.
        let pr = if threshold >= 1.0 { q } else { q * 0.9 + 0.05 };
        prop_assume!((pr - threshold).abs() * (v_c - u_dd) > 0.15);
        p.set(Param::PriorTargetResolute, pr);
        p.set(Param::BeliefChallengerAboutTarget, pr);
        let mut ws = c.workspace();
        let b = c.behaviour(&mut ws, &p).unwrap().to_vec();
        // The challenger's decision after Refuse: actions Acquiesce, Threaten.
        let ll = c
            .path_log_likelihood(&b, &p, &[escalation::model::Action::Refuse, escalation::model::Action::Threaten])
            .unwrap();
        let challenge = ll.exp();
        prop_assert_eq!(challenge > 0.5, pr < threshold, "p {} threshold {} P(challenge) {}", pr, threshold, challenge);
    }
}
