//! The compiled ladder: structure, probabilities, exactness of the QRE on perfect-information
//! ladders, export loss and the war-of-attrition closed forms.

use escalation::game::{Game, Mover};
use escalation::model::attrition::{private_value_stopping_time, tail, tail_process, TailKind};
use escalation::model::{
    export_loss, Action, CompiledLadder, Ladder, OutcomeClass, Param, Params, Restriction, Side,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn base_params(levers: usize) -> Params {
    let mut p = Params::new(levers);
    p.set(Param::StakeChallenger, 2.0);
    p.set(Param::StakeTarget, 1.0);
    p.set(Param::AudienceChallenger, 1.0);
    p.set(Param::AudienceTarget, 0.5);
    p.set(Param::AudienceGrowth, 0.5);
    p.set(Param::ExportsTarget, 14.0);
    p.set(Param::ExportsChallenger, 17.0);
    p.set(Param::ImporterBurden, 0.3);
    p.set(Param::CounterTariff, 0.25);
    p.set(Param::FaceSavingDiscount, 0.5);
    p.set(Param::Lambda, 3.0);
    p.set(Param::ResolveFactorChallenger, 2.0);
    p.set(Param::ResolveFactorTarget, 3.0);
    p
}

#[test]
fn default_ladder_is_a_small_perfect_recall_game() {
    let c = CompiledLadder::new(&Ladder::default()).unwrap();
    let g = c.game();
    assert!(g.is_perfect_recall());
    assert!(!g.is_perfect_information());
    assert!(g.nodes().len() < 1000, "{} nodes", g.nodes().len());
    // Root chance over 4 type combinations; every strategic set pairs the 2 types of the other.
    assert_eq!(
        g.infoset(g.node(g.root()).infoset.unwrap()).mover,
        Mover::Chance
    );
    for s in g.infosets() {
        if let Mover::Player(_) = s.mover {
            assert_eq!(s.members.len(), 2, "{}", s.label);
        }
    }
}

#[test]
fn export_loss_matches_design_figures() {
    // 1 - 1.25^-0.76 and 1 - 1.5^-0.76, computed by hand: 0.15599, 0.26516.
    assert!((export_loss(0.25, 0.76) - 0.15599).abs() < 1e-4);
    assert!((export_loss(0.5, 0.76) - 0.26516).abs() < 1e-4);
    assert_eq!(export_loss(0.0, 0.76), 0.0);
}

#[test]
fn behaviour_and_terminal_probabilities_are_distributions() {
    let c = CompiledLadder::new(&Ladder::default()).unwrap();
    let p = base_params(0);
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, &p).unwrap().to_vec();
    let g = c.game();
    let layout = g.profile_layout();
    for &s in &layout.order {
        let off = layout.offset[s.0].unwrap();
        let k = g.infoset(s).num_actions();
        let sum: f64 = b[off..off + k].iter().sum();
        assert!((sum - 1.0).abs() < 1e-9);
    }
    let mut t = vec![0.0; c.num_terminals()];
    c.terminal_probs(&b, &p, &mut t);
    assert!((t.iter().sum::<f64>() - 1.0).abs() < 1e-9);
}

/// Logit QRE of a perfect-information game by backward induction, written independently of
/// the crate's solver: at each node, `exp(lambda u_a)` over the children's values.
fn logit_backward_induction(game: &Game, lambda: f64) -> Vec<f64> {
    let acc = game.accumulated_payoffs();
    let n = game.nodes().len();
    let mut value = vec![[0.0f64; 2]; n];
    let layout = game.profile_layout();
    let mut profile = vec![0.0; layout.len];
    for i in (0..n).rev() {
        let node = &game.nodes()[i];
        if node.is_terminal() {
            value[i] = [acc[i][0], acc[i][1]];
            continue;
        }
        let s = node.infoset.unwrap();
        let probs: Vec<f64> = match game.infoset(s).mover {
            Mover::Chance => game.chance_probs(s),
            Mover::Player(p) => {
                let u: Vec<f64> = node.children.iter().map(|c| value[c.0][p]).collect();
                let m = u.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = u.iter().map(|x| (lambda * (x - m)).exp()).collect();
                let z: f64 = e.iter().sum();
                let pr: Vec<f64> = e.iter().map(|x| x / z).collect();
                let off = layout.offset[s.0].unwrap();
                profile[off..off + pr.len()].copy_from_slice(&pr);
                pr
            }
        };
        let mut v = [0.0; 2];
        for (c, pr) in node.children.iter().zip(&probs) {
            v[0] += pr * value[c.0][0];
            v[1] += pr * value[c.0][1];
        }
        value[i] = v;
    }
    profile
}

#[test]
fn qre_is_exact_on_a_perfect_information_ladder() {
    // With one type per side the ladder is of perfect information and its QRE is found by
    // one backward sweep: to rounding of the independent backward induction above, in one
    // pass over the game, on short and long ladders, at λ up to 1e6 and with
    // payoffs scaled by up to 1e12.
    for rounds in [vec![1.0, 7.0], vec![1.0, 7.0, 23.0, 30.0, 30.0, 30.0]] {
        let ladder = Ladder {
            challenger_types: 1,
            target_types: 1,
            rounds,
            ..Ladder::default()
        };
        let c = CompiledLadder::new(&ladder).unwrap();
        assert!(c.game().is_perfect_information());
        for (lambda, scale) in [(0.5, 1.0), (2.0, 1.0), (8.0, 1.0), (1e6, 1.0), (3.0, 1e12)] {
            let mut p = base_params(0);
            p.set(Param::Lambda, lambda / scale);
            for param in [
                Param::StakeChallenger,
                Param::StakeTarget,
                Param::AudienceChallenger,
                Param::AudienceTarget,
                Param::ExportsTarget,
                Param::ExportsChallenger,
            ] {
                p.set(param, p.get(param) * scale);
            }
            let mut ws = c.workspace();
            let b = c.behaviour(&mut ws, &p).unwrap().to_vec();
            let reference = logit_backward_induction(&c.game_at(&p).unwrap(), lambda / scale);
            for (x, y) in b.iter().zip(&reference) {
                assert!(
                    (x - y).abs() < 1e-13,
                    "{} rounds, lambda {lambda}, scale {scale}: {x} vs {y}",
                    ladder.rounds.len()
                );
            }
            let work = ws.solver_work();
            // (The two views are one with a single type each: one solve.)
            assert_eq!((work.evaluations, work.fallbacks), (1, 0), "one pass");
        }
    }
}

#[test]
fn outcomes_of_the_documented_path() {
    let c = CompiledLadder::new(&Ladder::default()).unwrap();
    let p = base_params(0);
    let public = c.public_tree();
    // Refuse, Threaten, Retaliate, Hold, ConcedeFaceSaving.
    let path = [
        Action::Refuse,
        Action::Threaten,
        Action::Retaliate,
        Action::Hold,
        Action::ConcedeFaceSaving,
    ];
    let mut node = 0;
    for a in path {
        let k = public[node].actions.iter().position(|x| *x == a).unwrap();
        node = public[node].children[k];
    }
    let t = (0..c.num_terminals())
        .find(|&t| c.public_terminal(t).unwrap().0 == node)
        .unwrap();
    let o = c.outcome(t, &p).unwrap();
    assert_eq!(o.class, OutcomeClass::ConcededBeforeTariffs);
    assert!(o.face_saving);
    assert_eq!(o.conceded, Some(Side::Target));
    assert_eq!(o.move_index, 4);
    assert_eq!(o.day, 1.0);
    assert_eq!(o.peak_tariff_announced, 0.25);
    assert!(!o.tariffs_imposed);
    assert!(o.counter_tariff_announced);
    assert_eq!(o.cost_target_bn, 0.0);
}

#[test]
fn restrictions_force_and_forbid() {
    let ladder = Ladder {
        restrictions: vec![
            Restriction::Force {
                at: vec![],
                action: "Refuse".into(),
            },
            Restriction::Forbid {
                side: Side::Target,
                after: vec!["Refuse".into(), "Threaten".into()],
                actions: vec!["Concede".into(), "ConcedeFaceSaving".into()],
            },
        ],
        ..Ladder::default()
    };
    let c = CompiledLadder::new(&ladder).unwrap();
    let public = c.public_tree();
    assert_eq!(public[0].actions, vec![Action::Refuse]);
    assert!(public
        .iter()
        .filter(|n| n.mover == Some(Side::Target))
        .all(|n| !n.actions.contains(&Action::Concede)));
    let bad = Ladder {
        restrictions: vec![Restriction::Force {
            at: vec!["Refuse".into()],
            action: "Escalate".into(),
        }],
        ..Ladder::default()
    };
    assert!(CompiledLadder::new(&bad).is_err());
}

#[test]
fn sampling_uses_only_the_callers_uniforms_and_follows_probabilities() {
    let c = CompiledLadder::new(&Ladder::default()).unwrap();
    let p = base_params(0);
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, &p).unwrap().to_vec();
    let mut probs = vec![0.0; c.num_terminals()];
    c.terminal_probs(&b, &p, &mut probs);
    let mut counts = vec![0usize; c.num_terminals()];
    let n = 40_000;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut u = || rng.random::<f64>();
    for _ in 0..n {
        counts[c.sample_terminal(&b, &p, &mut u)] += 1;
    }
    for (cnt, pr) in counts.iter().zip(&probs) {
        let f = *cnt as f64 / n as f64;
        assert!((f - pr).abs() < 0.02, "{f} vs {pr}");
    }
}

#[test]
fn attrition_equilibrium_hazard_is_cost_over_prize() {
    // Symmetric prize V, cost c per unit time: stopping hazard c / V (undiscounted).
    for (v, cost) in [(1.0, 0.1), (4.0, 1.0), (2.5, 0.05)] {
        let t = tail([v, v], [0.0, 0.0], [cost, cost], 0.0);
        assert_eq!(t.kind, TailKind::Mixed);
        assert!((t.hazards[0] - cost / v).abs() < 1e-12);
        assert!((t.hazards[1] - cost / v).abs() < 1e-12);
        // Full rent dissipation: each side's value is that of conceding at once.
        assert_eq!(t.values, [0.0, 0.0]);
        let p = tail_process([v, v], [0.0, 0.0], [cost, cost], 0.0, [true, true]);
        assert!((p.hazards[0] - cost / v).abs() < 1e-12);
        assert!((p.expected_duration() - v / (2.0 * cost)).abs() < 1e-9);
    }
}

#[test]
fn fudenberg_tirole_private_values_uniform() {
    // T(v) = -v - ln(1 - v); T(0.5) ≈ 0.1931.
    for v in [0.1, 0.3, 0.5, 0.8] {
        let t = private_value_stopping_time(v, |_| 1.0, |x| x, 2000);
        let exact = -v - (1.0f64 - v).ln();
        assert!((t - exact).abs() < 1e-8, "{v}: {t} vs {exact}");
    }
    let t = private_value_stopping_time(0.5, |_| 1.0, |x| x, 2000);
    assert!((t - 0.1931).abs() < 1e-4);
}

#[test]
fn qre_with_information_sets_matches_the_solve_module() {
    // The ladder's own solver (root chance probabilities per draw) against the crate's
    // path-following `logit_solve_lambda` (checked against Gambit) on the exported game.
    let c = CompiledLadder::new(&Ladder::default()).unwrap();
    for (lambda, pc, pt) in [(1.0, 0.5, 0.5), (3.0, 0.3, 0.6), (6.0, 0.7, 0.2)] {
        let mut p = base_params(0);
        p.set(Param::Lambda, lambda);
        p.set(Param::PriorChallengerResolute, pc);
        p.set(Param::PriorTargetResolute, pt);
        p.set(Param::BeliefTargetAboutChallenger, pc);
        p.set(Param::BeliefChallengerAboutTarget, pt);
        let mut ws = c.workspace();
        let b = c.behaviour(&mut ws, &p).unwrap().to_vec();
        let game = c.game_at(&p).unwrap();
        let reference = escalation::solve::logit::logit_solve_lambda(&game, lambda).unwrap();
        for (x, y) in b.iter().zip(reference.profile.flat()) {
            assert!((x - y).abs() < 1e-6, "lambda {lambda}: {x} vs {y}");
        }
    }
}

#[test]
fn a_side_forbidden_to_yield_never_yields_in_the_tail() {
    // "Colombia never concedes after the threat" holds on every path, the attrition tail
    // included: also where the counter-tariff is spent and only Hold is left, and where the
    // target would otherwise concede at once in the tail (high exposure, small stake).
    let ladder = Ladder {
        restrictions: vec![Restriction::Forbid {
            side: Side::Target,
            after: vec!["Refuse".into(), "Threaten".into()],
            actions: vec!["Concede".into(), "ConcedeFaceSaving".into()],
        }],
        ..Ladder::default()
    };
    let c = CompiledLadder::new(&ladder).unwrap();
    let mut p = base_params(0);
    p.set(Param::StakeTarget, 0.05);
    p.set(Param::ExportsTarget, 60.0);
    let mut tails = 0;
    for t in 0..c.num_terminals() {
        let o = c.outcome(t, &p).unwrap();
        if c.history_label(t).unwrap().starts_with("Refuse/Threaten") {
            assert_eq!(o.yield_prob(Side::Target), 0.0, "{:?}", c.history_label(t));
            if o.class == OutcomeClass::Unresolved && o.tariffs_imposed {
                tails += 1;
                assert_eq!(
                    o.yield_prob(Side::Challenger),
                    1.0,
                    "{:?}",
                    c.history_label(t)
                );
            }
        }
    }
    assert!(tails > 0);
    // Without the intervention the same target concedes in some of those tails.
    let free = CompiledLadder::new(&Ladder::default()).unwrap();
    assert!((0..free.num_terminals()).any(|t| {
        let o = free.outcome(t, &p).unwrap();
        o.class == OutcomeClass::Unresolved && o.yield_prob(Side::Target) > 0.0
    }));
}

#[test]
fn the_weaker_side_concedes_at_once_in_the_tail() {
    // Individual rationality of the tail (Fudenberg & Tirole 1991, §4.5.2, the pure
    // equilibrium of the asymmetric war of attrition): undiscounted, the side with the higher
    // cost-to-prize ratio concedes at once; each side's value is never below conceding.
    let t = tail_process([3.0, 1.0], [-1.0, -1.0], [0.2, 0.1], 0.0, [true, true]);
    // Ratios 0.2 / 4 = 0.05 and 0.1 / 2 = 0.05: a symmetric race stays a race.
    assert_eq!(t.kind, TailKind::Mixed);
    let t = tail_process([3.0, 1.0], [-1.0, -1.0], [0.2, 0.11], 0.0, [true, true]);
    assert_eq!(t.kind, TailKind::TargetConcedesAtOnce);
    assert_eq!(t.values, [3.0, -1.0]);
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for _ in 0..2000 {
        let win = [rng.random_range(0.0..5.0), rng.random_range(0.0..5.0)];
        let lose = [-rng.random_range(0.0..3.0), -rng.random_range(0.0..3.0)];
        let cost = [rng.random_range(0.0..0.1), rng.random_range(0.0..0.1)];
        let rate = rng.random_range(0.0..0.001);
        let t = tail_process(win, lose, cost, rate, [true, true]);
        for i in 0..2 {
            assert!(
                t.values[i] >= lose[i] - 1e-12,
                "{t:?} {win:?} {lose:?} {cost:?}"
            );
        }
    }
}

#[test]
fn audience_costs_grow_by_addition_with_the_level() {
    // The cost of yielding at level k is a + g (k - 1): raising g lowers the payoff of a
    // back-down after a retaliation (level 2) by g, whatever the audience cost a, and leaves
    // a back-down after a hold (level 1) alone. Undiscounted, so the cost is not discounted
    // to the day of the back-down.
    let c = CompiledLadder::new(&Ladder {
        challenger_types: 1,
        target_types: 1,
        ..Ladder::default()
    })
    .unwrap();
    let pay = |a_c: f64, g: f64| {
        let mut p = base_params(0);
        p.set(Param::DiscountRate, 0.0);
        p.set(Param::AudienceChallenger, a_c);
        p.set(Param::AudienceGrowth, g);
        let mut out = vec![0.0; 2 * c.num_terminals()];
        c.payoffs_into(&p, &mut out);
        out
    };
    let find = |label: &str| {
        (0..c.num_terminals())
            .find(|&t| c.history_label(t).unwrap() == label)
            .unwrap()
    };
    let level_1 = find("Refuse/Threaten/Hold/BackDown");
    let level_2 = find("Refuse/Threaten/Retaliate/BackDown");
    for a_c in [0.0, 1.0, 3.0] {
        let (flat, grown) = (pay(a_c, 0.0), pay(a_c, 0.7));
        assert_eq!(flat[2 * level_1], grown[2 * level_1], "a_c {a_c}");
        let drop = flat[2 * level_2] - grown[2 * level_2];
        assert!((drop - 0.7).abs() < 1e-12, "a_c {a_c}: drop {drop}");
        // The level-1 back-down costs the audience cost itself.
        let (none, some) = (pay(0.0, 0.0), pay(a_c, 0.0));
        assert!((none[2 * level_1] - some[2 * level_1] - a_c).abs() < 1e-12);
    }
}
