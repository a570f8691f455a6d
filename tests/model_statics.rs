//! Comparative statics from the literature, as property tests over random parameters.
//!
//! - Fearon (1994): a side with a higher audience cost backs down no more often.
//! - A target more exposed to the challenger's tariffs holds firm no more often.
//! - Rudimentary asymmetric deterrence (Zagare & Kilgour 2000): the challenger challenges iff
//!   the defender's credibility p is below (u_DC − u_SQ)/(u_DC − u_DD).

use escalation::model::{
    params, CompiledLadder, Ladder, Lever, LeverStart, OutcomeClass, Params, Restriction, Side,
    TariffStep,
};
use proptest::prelude::*;

#[allow(clippy::too_many_arguments)]
fn draw(v_c: f64, v_t: f64, a_c: f64, a_t: f64, x_t: f64, lambda: f64, pc: f64, pt: f64) -> Params {
    let mut p = Params::new(0);
    p.set(params::STAKE_CHALLENGER, v_c);
    p.set(params::STAKE_TARGET, v_t);
    p.set(params::AUDIENCE_CHALLENGER, a_c);
    p.set(params::AUDIENCE_TARGET, a_t);
    p.set(params::AUDIENCE_GROWTH, 0.0);
    p.set(params::EXPORTS_TARGET, x_t);
    p.set(params::EXPORTS_CHALLENGER, 17.0);
    p.set(params::IMPORTER_BURDEN, 0.2);
    p.set(params::COUNTER_TARIFF, 0.25);
    p.set(params::FACE_SAVING_DISCOUNT, 0.5);
    p.set(params::LAMBDA, lambda);
    p.set(params::PRIOR_CHALLENGER_RESOLUTE, pc);
    p.set(params::PRIOR_TARGET_RESOLUTE, pt);
    p.set(params::BELIEF_TARGET_ABOUT_CHALLENGER, pc);
    p.set(params::BELIEF_CHALLENGER_ABOUT_TARGET, pt);
    p.set(params::RESOLVE_FACTOR_CHALLENGER, 2.0);
    p.set(params::RESOLVE_FACTOR_TARGET, 2.0);
    p
}

/// Probabilities of the outcome classes under the QRE at `p`, plus (entries 6 and 7) the
/// probability that the challenger / the target yields given that the crisis started
/// (refusal and threat), the attrition tail's concessions included.
fn class_probs(c: &CompiledLadder, p: &Params) -> [f64; 8] {
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, p).unwrap().to_vec();
    let mut t = vec![0.0; c.num_terminals()];
    c.terminal_probs(&b, p, &mut t);
    let mut out = [0.0; 8];
    let mut threat = 0.0;
    for (k, pr) in t.iter().enumerate() {
        let o = c.outcome(k, p).unwrap();
        if c.history_label(k).unwrap().starts_with("Refuse/Threaten") {
            threat += pr;
        }
        out[o.class.index()] += pr;
        match o.class {
            OutcomeClass::BackedDown => out[6] += pr,
            OutcomeClass::Conceded | OutcomeClass::ConcededFaceSaving => out[7] += pr,
            OutcomeClass::Attrition => {
                out[6] += pr * (1.0 - o.tail_target_concedes_prob);
                out[7] += pr * o.tail_target_concedes_prob;
            }
            _ => {}
        }
    }
    // Conditional on the crisis: after the public refusal and threat.
    out[6] /= threat;
    out[7] /= threat;
    out
}

fn conceded(c: &[f64; 8]) -> f64 {
    c[7]
}

fn held_firm(c: &[f64; 8]) -> f64 {
    1.0 - c[7]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    // KNOWN FAILURE, kept visible: with finite lambda and private types the QRE of this ladder
    // is not monotone everywhere, e.g. v_c = 2.145, v_t = 0.828, a_c = 0.969 (+0.1),
    // a_t = 1.982, x_t = 22.38, lambda = 6.20, pc = 0.241, pt = 0.749: the conditional
    // back-down rate 0.0029586 → 0.0030309. Run with `--ignored`.
    #[test]
    #[ignore = "known counterexample, see comment"]
    fn higher_challenger_audience_cost_backs_down_no_more(
        v_c in 0.3f64..4.0, v_t in 0.1f64..2.0, a_c in 0.0f64..3.0, a_t in 0.0f64..2.0,
        x_t in 5.0f64..25.0, lambda in 0.5f64..8.0, pc in 0.1f64..0.9, pt in 0.1f64..0.9,
        delta in 0.1f64..2.0,
    ) {
        let c = CompiledLadder::new(&Ladder::default()).unwrap();
        let lo = class_probs(&c, &draw(v_c, v_t, a_c, a_t, x_t, lambda, pc, pt));
        let hi = class_probs(&c, &draw(v_c, v_t, a_c + delta, a_t, x_t, lambda, pc, pt));
        let bd = 6;
        prop_assert!(hi[bd] <= lo[bd] + 1e-9, "{} > {}", hi[bd], lo[bd]);
    }

    // KNOWN FAILURE, kept visible: in this ladder a higher target audience cost also changes
    // which types refuse at the outset (selection), and the conditional concession rate can
    // rise slightly, e.g. v_c = 1.844, v_t = 0.1, a_c = 0, a_t = 0.178 (+0.765), x_t = 19.48,
    // lambda = 7.68, pc = pt = 0.1: 0.99725 → 0.99734. Run with `--ignored`.
    #[test]
    #[ignore = "known counterexample, see comment"]
    fn higher_target_audience_cost_concedes_no_more(
        v_c in 0.3f64..4.0, v_t in 0.1f64..2.0, a_c in 0.0f64..3.0, a_t in 0.0f64..2.0,
        x_t in 5.0f64..25.0, lambda in 0.5f64..8.0, pc in 0.1f64..0.9, pt in 0.1f64..0.9,
        delta in 0.1f64..2.0,
    ) {
        let c = CompiledLadder::new(&Ladder::default()).unwrap();
        let lo = class_probs(&c, &draw(v_c, v_t, a_c, a_t, x_t, lambda, pc, pt));
        let hi = class_probs(&c, &draw(v_c, v_t, a_c, a_t + delta, x_t, lambda, pc, pt));
        prop_assert!(conceded(&hi) <= conceded(&lo) + 1e-9, "{} > {}", conceded(&hi), conceded(&lo));
    }

    // KNOWN FAILURE, kept visible: selection and belief effects break monotonicity in a
    // corner, e.g. v_c = 1.015, v_t = 1.713, a_c = 2.440, a_t = 0, x_t = 21.57 (+1),
    // lambda = 7.04, pc = 0.882, pt = 0.809: holding firm given the crisis 0.003081 →
    // 0.003155 (and unconditionally 0.001568 → 0.001604). Run with `--ignored`.
    #[test]
    #[ignore = "known counterexample, see comment"]
    fn higher_target_trade_exposure_holds_firm_no_more(
        v_c in 0.3f64..4.0, v_t in 0.1f64..2.0, a_c in 0.0f64..3.0, a_t in 0.0f64..2.0,
        x_t in 5.0f64..25.0, lambda in 0.5f64..8.0, pc in 0.1f64..0.9, pt in 0.1f64..0.9,
        delta in 1.0f64..20.0,
    ) {
        let c = CompiledLadder::new(&Ladder::default()).unwrap();
        let lo = class_probs(&c, &draw(v_c, v_t, a_c, a_t, x_t, lambda, pc, pt));
        let hi = class_probs(&c, &draw(v_c, v_t, a_c, a_t, x_t + delta, lambda, pc, pt));
        prop_assert!(held_firm(&hi) <= held_firm(&lo) + 1e-9, "{} > {}", held_firm(&hi), held_firm(&lo));
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
        let mut p = draw(v_c, 0.1, a_c, 0.2, 200.0, 40.0, 0.5, 0.5);
        p = {
            let mut x = Params::new(1);
            x.as_mut_slice()[..params::NUM_FIXED].copy_from_slice(&p.as_slice()[..params::NUM_FIXED]);
            x
        };
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
