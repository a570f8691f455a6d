//! Comparative statics from the literature, as property tests over random parameters.
//!
//! - Fearon (1994): a side with a higher audience cost backs down no more often, under the
//!   logit QRE and near its subgame-perfect limit; over all plays and given the crisis.
//! - A target more exposed to the challenger's tariffs holds firm no more often.
//!
//! Where a static fails in corners of the parameter space the test is kept, ignored, with
//! the counterexample and the measured rate of exceptions written out.
//! - Rudimentary asymmetric deterrence (Zagare & Kilgour 2000): the challenger challenges iff
//!   the defender's credibility p is below (u_DC − u_SQ)/(u_DC − u_DD).

use escalation::model::{
    params, CompiledLadder, Ladder, Lever, LeverStart, Params, Restriction, Side, TariffStep,
};
use proptest::prelude::*;

/// Parameters of a draw; `types` is the number of resolve types of each side (1: complete
/// information, 2: private types with their priors).
#[derive(Clone, Copy, Debug)]
struct Draw {
    v_c: f64,
    v_t: f64,
    a_c: f64,
    a_t: f64,
    x_t: f64,
    burden: f64,
    lambda: f64,
    pc: f64,
    pt: f64,
}

fn params_of(d: &Draw, levers: usize) -> Params {
    let mut p = Params::new(levers);
    p.set(params::STAKE_CHALLENGER, d.v_c);
    p.set(params::STAKE_TARGET, d.v_t);
    p.set(params::AUDIENCE_CHALLENGER, d.a_c);
    p.set(params::AUDIENCE_TARGET, d.a_t);
    p.set(params::AUDIENCE_GROWTH, 0.0);
    p.set(params::EXPORTS_TARGET, d.x_t);
    p.set(params::EXPORTS_CHALLENGER, 17.0);
    p.set(params::IMPORTER_BURDEN, d.burden);
    p.set(params::COUNTER_TARIFF, 0.25);
    p.set(params::FACE_SAVING_DISCOUNT, 0.5);
    p.set(params::LAMBDA, d.lambda);
    p.set(params::PRIOR_CHALLENGER_RESOLUTE, d.pc);
    p.set(params::PRIOR_TARGET_RESOLUTE, d.pt);
    p.set(params::BELIEF_TARGET_ABOUT_CHALLENGER, d.pc);
    p.set(params::BELIEF_CHALLENGER_ABOUT_TARGET, d.pt);
    p.set(params::RESOLVE_FACTOR_CHALLENGER, 2.0);
    p.set(params::RESOLVE_FACTOR_TARGET, 2.0);
    p
}

fn ladder(types: usize) -> CompiledLadder {
    CompiledLadder::new(&Ladder {
        challenger_types: types,
        target_types: types,
        ..Ladder::default()
    })
    .unwrap()
}

/// What the statics are about, under the QRE at `p`: the probability that the challenger
/// yields after its threat (backs down, or concedes in the attrition tail) and that the
/// target yields after its refusal (concedes, or concedes in the tail), unconditionally
/// and given that the crisis started (refusal and threat). A frozen tail is neither
/// side's yielding ([`Outcome::yield_prob`]).
#[derive(Clone, Copy, Debug)]
struct Yields {
    challenger: f64,
    target: f64,
    challenger_given_crisis: f64,
    target_given_crisis: f64,
}

fn yields(c: &CompiledLadder, p: &Params) -> Yields {
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, p).unwrap().to_vec();
    yields_under(c, &b, p)
}

fn yields_under(c: &CompiledLadder, b: &[f64], p: &Params) -> Yields {
    let mut t = vec![0.0; c.num_terminals()];
    c.terminal_probs(b, p, &mut t);
    let (mut yc, mut yt, mut crisis) = (0.0, 0.0, 0.0);
    for (k, pr) in t.iter().enumerate() {
        let o = c.outcome(k, p).unwrap();
        if c.history_label(k).unwrap().starts_with("Refuse/Threaten") {
            crisis += pr;
            yc += pr * o.yield_prob(Side::Challenger);
            yt += pr * o.yield_prob(Side::Target);
        }
    }
    Yields {
        challenger: yc,
        target: yt,
        challenger_given_crisis: yc / crisis,
        target_given_crisis: yt / crisis,
    }
}

prop_compose! {
    fn any_draw()(
        v_c in 0.3f64..4.0, v_t in 0.1f64..2.0, a_c in 0.0f64..3.0, a_t in 0.0f64..2.0,
        x_t in 5.0f64..25.0, burden in 0.0f64..0.4, lambda in 0.5f64..8.0,
        pc in 0.1f64..0.9, pt in 0.1f64..0.9,
    ) -> Draw {
        Draw { v_c, v_t, a_c, a_t, x_t, burden, lambda, pc, pt }
    }
}

const TOL: f64 = 1e-9;

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    // Fearon (1994), complete information: the challenger's audience cost of backing down
    // never makes it back down more often, whether counted over all plays or given the
    // crisis. (Checked over 4,000 random draws while the model was built: no exception.)
    #[test]
    fn higher_challenger_audience_cost_backs_down_no_more(d in any_draw(), delta in 0.1f64..2.0) {
        let c = ladder(1);
        let lo = yields(&c, &params_of(&d, 0));
        let hi = yields(&c, &params_of(&Draw { a_c: d.a_c + delta, ..d }, 0));
        prop_assert!(hi.challenger <= lo.challenger + TOL, "{hi:?} vs {lo:?}");
        prop_assert!(hi.challenger_given_crisis <= lo.challenger_given_crisis + TOL, "{hi:?} vs {lo:?}");
    }

    // The same for the target: its audience cost of conceding after its public refusal
    // never makes it concede more often.
    #[test]
    fn higher_target_audience_cost_concedes_no_more(d in any_draw(), delta in 0.1f64..2.0) {
        let c = ladder(1);
        let lo = yields(&c, &params_of(&d, 0));
        let hi = yields(&c, &params_of(&Draw { a_t: d.a_t + delta, ..d }, 0));
        prop_assert!(hi.target <= lo.target + TOL, "{hi:?} vs {lo:?}");
        prop_assert!(hi.target_given_crisis <= lo.target_given_crisis + TOL, "{hi:?} vs {lo:?}");
    }

    // The same two statics near the subgame-perfect limit (lambda = 100: the logit QRE
    // of the perfect-information ladder converges to the SPE that breaks ties evenly, the
    // limiting logit equilibrium).
    #[test]
    fn near_spe_higher_audience_costs_yield_no_more(d in any_draw(), delta in 0.1f64..2.0) {
        let c = ladder(1);
        let d = Draw { lambda: 100.0, ..d };
        let lo = yields(&c, &params_of(&d, 0));
        let up_c = yields(&c, &params_of(&Draw { a_c: d.a_c + delta, ..d }, 0));
        let up_t = yields(&c, &params_of(&Draw { a_t: d.a_t + delta, ..d }, 0));
        prop_assert!(up_c.challenger <= lo.challenger + TOL, "{up_c:?} vs {lo:?}");
        prop_assert!(up_t.target <= lo.target + TOL, "{up_t:?} vs {lo:?}");
    }

    // Fearon's statics with private resolve types, for the challenger: its audience cost
    // never makes it back down more often given the crisis, nor over all plays.
    #[test]
    fn private_types_higher_challenger_audience_cost_backs_down_no_more(
        d in any_draw(), delta in 0.1f64..2.0,
    ) {
        let c = ladder(2);
        let lo = yields(&c, &params_of(&d, 0));
        let hi = yields(&c, &params_of(&Draw { a_c: d.a_c + delta, ..d }, 0));
        prop_assert!(hi.challenger <= lo.challenger + TOL, "{hi:?} vs {lo:?}");
        prop_assert!(hi.challenger_given_crisis <= lo.challenger_given_crisis + TOL, "{hi:?} vs {lo:?}");
    }

    // KNOWN FAILURE, kept visible: with private types the target's audience cost also
    // changes which types refuse at the outset (and what the challenger infers from a
    // refusal), so the target can concede more often. In 2,000 random draws: 81 exceptions
    // over all plays (up to +0.29), 55 given the crisis (up to +0.10). Run with `--ignored`.
    //
    // Traced on one draw (v_c = 2.45, v_t = 1.82, a_c = 0.118, x_t = 10.3, burden = 0.284,
    // lambda = 4.62, p_c = 0.363, p_t = 0.304; a_t 1.36 → 1.75): a refusal now ties the
    // target's hands, so the challenger threatens after it less often (0.93 → 0.64); the
    // irresolute target therefore bluffs, refusing 0.18 → 0.96 of the time; the challenger,
    // facing mostly bluffers in a crisis, is tougher, and both types concede more once
    // threatened (irresolute 0.89 → 0.58 given the crisis but far more crises; resolute
    // 0.39 → 0.57). Over all plays the target yields 0.21 → 0.36. Signalling, not noise:
    // no per-type or conditional version of the static survives it.
    #[test]
    #[ignore = "known counterexamples, see comment"]
    fn private_types_higher_target_audience_cost_concedes_no_more(
        d in any_draw(), delta in 0.1f64..2.0,
    ) {
        let c = ladder(2);
        let lo = yields(&c, &params_of(&d, 0));
        let hi = yields(&c, &params_of(&Draw { a_t: d.a_t + delta, ..d }, 0));
        prop_assert!(hi.target <= lo.target + TOL, "{hi:?} vs {lo:?}");
        prop_assert!(hi.target_given_crisis <= lo.target_given_crisis + TOL, "{hi:?} vs {lo:?}");
    }

    // A target more exposed to the challenger's tariffs (more exports to it) holds firm
    // no more often once the crisis has started, other things equal: with no importer's
    // burden, so that the target's exposure is not also the challenger's own cost of
    // imposing (with a burden, more trade makes imposing dearer for the challenger too,
    // and the target can rightly hold firm more).
    //
    // KNOWN FAILURE, kept visible: in corners where the target almost never concedes, a
    // strategic effect of retaliation can tip it the other way by a few 1e-6, e.g. v_c = 0.3,
    // v_t = 1.540, a_c = 0.366, a_t = 1.855, x_t = 5 (+1), lambda = 4.05: the target's
    // concession rate given the crisis 0.0026740 → 0.0026693. Traced: at the target's node
    // after Refuse/Threaten/Hold/Hold, the challenger answers a Hold by imposing or escalating
    // with probability 0.85 (and the target then concedes in the tail) but a Retaliate with
    // 0.23 (and then it is the challenger that concedes in the tail). More exposure makes the
    // tariffs dearer on both branches but costs the Hold branch more, so the target retaliates
    // a little more, and retaliating deters the imposition that would have made it yield.
    // In 2,000 random draws: 13 exceptions, none above 0.0015. Run with `--ignored`.
    #[test]
    #[ignore = "known counterexample, see comment"]
    fn higher_target_trade_exposure_holds_firm_no_more(d in any_draw(), delta in 1.0f64..20.0) {
        let c = ladder(1);
        let d = Draw { burden: 0.0, ..d };
        let lo = yields(&c, &params_of(&d, 0));
        let hi = yields(&c, &params_of(&Draw { x_t: d.x_t + delta, ..d }, 0));
        let held = |y: &Yields| 1.0 - y.target_given_crisis;
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
        schedule: vec![TariffStep {
            rate: 0.25,
            day: 0.0,
        }],
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
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

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
                x_t: 200.0,
                burden: 0.2,
                lambda: 40.0,
                pc: 0.5,
                pt: 0.5,
            },
            1,
        );
        p.set(params::RESOLVE_FACTOR_TARGET, 50.0);
        p.set(params::DISCOUNT_RATE, 0.0);
        p.set(params::lever_cost_challenger(0), 50.0);
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
        p.set(params::PRIOR_TARGET_RESOLUTE, pr);
        p.set(params::BELIEF_CHALLENGER_ABOUT_TARGET, pr);
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
