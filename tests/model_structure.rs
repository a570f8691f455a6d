//! What real standoffs need of the ladder (issue "Real standoffs, expressible"): openings
//! with a threat or an imposed tariff, the first step's day, long horizons, matched
//! retaliation, settlements, base rates and coverage, and continuous time within rounds.

use escalation::model::timing::{
    ln_density_in_round, ln_survival_in_round, mean_time_in_round, time_in_round,
};
use escalation::model::{
    Action, CompiledLadder, CounterStep, Ladder, Opening, OutcomeClass, Param, Params, PathTiming,
    Side, TariffStep, Timing,
};
use proptest::prelude::*;

fn base_params() -> Params {
    let mut p = Params::new(0);
    p.set(Param::StakeChallenger, 2.0);
    p.set(Param::StakeTarget, 1.0);
    p.set(Param::AudienceChallenger, 1.0);
    p.set(Param::AudienceTarget, 0.5);
    p.set(Param::AudienceGrowth, 0.2);
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

fn solve(c: &CompiledLadder, p: &Params) -> Vec<f64> {
    let mut ws = c.workspace();
    c.behaviour(&mut ws, p).unwrap().to_vec()
}

fn class_probs(c: &CompiledLadder, b: &[f64], p: &Params) -> [f64; 7] {
    c.outcome_probs(b, p).unwrap().classes
}

#[test]
fn the_first_steps_day_shapes_the_equilibrium() {
    // Before: day 0 and day 3 gave the same game. A first step due on day 3 cannot be
    // levied in a first round of one day, so Impose is missing there and the equilibrium
    // changes.
    let at = |day: f64| Ladder {
        schedule: vec![TariffStep::new(0.25, day), TariffStep::new(0.5, 7.0)],
        ..Ladder::default()
    };
    let (c0, c3) = (
        CompiledLadder::new(&at(0.0)).unwrap(),
        CompiledLadder::new(&at(3.0)).unwrap(),
    );
    let round0 = |c: &CompiledLadder| {
        c.public_tree()
            .iter()
            .find(|n| n.mover == Some(Side::Challenger) && n.round == 0 && n.history.len() == 3)
            .unwrap()
            .actions
            .clone()
    };
    assert!(round0(&c0).contains(&Action::Impose));
    assert!(!round0(&c3).contains(&Action::Impose));
    let p = base_params();
    let (q0, q3) = (
        class_probs(&c0, &solve(&c0, &p), &p),
        class_probs(&c3, &solve(&c3, &p), &p),
    );
    let diff: f64 = q0.iter().zip(&q3).map(|(a, b)| (a - b).abs()).sum();
    assert!(diff > 1e-6, "{q0:?} vs {q3:?}");
}

#[test]
fn a_five_round_ladder_compiles_and_solves() {
    let ladder = Ladder {
        schedule: vec![
            TariffStep::new(0.25, 0.0),
            TariffStep::new(0.5, 7.0),
            TariffStep::new(1.0, 30.0),
        ],
        rounds: vec![1.0, 7.0, 22.0, 60.0, 275.0],
        ..Ladder::default()
    };
    let c = CompiledLadder::new(&ladder).unwrap();
    assert_eq!(c.ladder().round_start(5), 365.0);
    let p = base_params();
    let b = solve(&c, &p);
    let mut probs = vec![0.0; c.num_terminals()];
    c.terminal_probs(&b, &p, &mut probs);
    assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    // Every round can be reached and ended in.
    let q = class_probs(&c, &b, &p);
    assert!(q.iter().all(|x| x.is_finite()));
    assert!(q[OutcomeClass::ConcededAfterTariffs.index()] > 0.0);
    assert!(q[OutcomeClass::Unresolved.index()] > 0.0);
}

#[test]
fn a_step_no_round_reaches_is_an_error() {
    // Each round moves at most one step up: two escalations need two rounds.
    let ladder = Ladder {
        schedule: vec![
            TariffStep::new(0.25, 0.0),
            TariffStep::new(0.5, 0.0),
            TariffStep::new(1.0, 0.0),
        ],
        rounds: vec![7.0],
        ..Ladder::default()
    };
    let e = CompiledLadder::new(&ladder).unwrap_err().to_string();
    assert!(
        e.contains("schedule[2]") && e.contains("never be levied"),
        "{e}"
    );
}

#[test]
fn a_settlement_is_an_outcome_with_both_giving_ground() {
    let ladder = Ladder {
        settlement: true,
        challenger_types: 1,
        target_types: 1,
        ..Ladder::default()
    };
    let c = CompiledLadder::new(&ladder).unwrap();
    let mut p = base_params();
    p.set(Param::SettlementShare, 0.6);
    p.set(Param::DiscountRate, 0.0);
    let b = solve(&c, &p);
    let q = class_probs(&c, &b, &p);
    assert!(q[OutcomeClass::Settled.index()] > 1e-4, "{q:?}");
    // Refuse, Threaten, Hold, Settle: the challenger gets 60% of its stake and pays 40% of
    // its audience cost; the target keeps 40% and pays 60% of its own (level 1, nothing
    // levied, no cost).
    let mut pay = vec![0.0; 2 * c.num_terminals()];
    c.payoffs_into(&p, &mut pay);
    let t = (0..c.num_terminals())
        .find(|&t| c.history_label(t).unwrap() == "Refuse/Threaten/Hold/Settle")
        .unwrap();
    assert!((pay[2 * t] - (0.6 * 2.0 - 0.4 * 1.0)).abs() < 1e-12);
    assert!((pay[2 * t + 1] - (0.4 * 1.0 - 0.6 * 0.5)).abs() < 1e-12);
    let o = c.outcome(t, &p).unwrap();
    assert_eq!(o.class, OutcomeClass::Settled);
    assert_eq!(o.conceded, None);
    assert_eq!(
        o.yield_prob(Side::Challenger) + o.yield_prob(Side::Target),
        0.0
    );
}

#[test]
fn threat_and_imposition_openings_start_with_the_targets_response() {
    for opening in [Opening::Threat, Opening::Imposition] {
        let ladder = Ladder {
            opening,
            ..Ladder::default()
        };
        let c = CompiledLadder::new(&ladder).unwrap();
        let root = &c.public_tree()[0];
        assert_eq!(root.mover, Some(Side::Target));
        assert!(root.actions.contains(&Action::Concede));
        assert_eq!(root.state.imposed, opening == Opening::Imposition);
        let p = base_params();
        let b = solve(&c, &p);
        let q = class_probs(&c, &b, &p);
        assert_eq!(q[OutcomeClass::Accepted.index()], 0.0);
        assert_eq!(q[OutcomeClass::Acquiesced.index()], 0.0);
        // Under an imposition every concession comes with tariffs in force.
        if opening == Opening::Imposition {
            assert_eq!(q[OutcomeClass::ConcededBeforeTariffs.index()], 0.0);
        }
        // An immediate concession under an imposition costs the target its first round.
        let t = (0..c.num_terminals())
            .find(|&t| c.history_label(t).unwrap() == "Hold/Hold/Concede")
            .unwrap();
        let o = c.outcome(t, &p).unwrap();
        assert_eq!(o.tariffs_imposed, opening == Opening::Imposition);
        assert_eq!(o.cost_target_bn > 0.0, opening == Opening::Imposition);
    }
}

#[test]
fn matched_retaliation_climbs_the_counter_schedule() {
    let ladder = Ladder {
        counter: vec![
            CounterStep {
                rate: 0.34,
                coverage: 1.0,
            },
            CounterStep {
                rate: 0.84,
                coverage: 1.0,
            },
            CounterStep {
                rate: 1.25,
                coverage: 1.0,
            },
        ],
        rounds: vec![1.0, 1.0, 1.0, 7.0],
        ..Ladder::default()
    };
    let c = CompiledLadder::new(&ladder).unwrap();
    let most = c
        .public_tree()
        .iter()
        .map(|n| n.state.counter)
        .max()
        .unwrap();
    assert_eq!(most, 3);
    // A target that has retaliated three times has no Retaliate left.
    assert!(c
        .public_tree()
        .iter()
        .filter(|n| n.state.counter == 3 && n.mover == Some(Side::Target))
        .all(|n| !n.actions.contains(&Action::Retaliate)));
}

#[test]
fn costs_follow_coverage_and_the_base_rate() {
    // One round, tariffs imposed at once, complete information, undiscounted: the target's
    // cost of the round is coverage * x_T * (1 - ((1+b+t)/(1+b))^-sigma) * days / 365.
    let (b, t, cov, sigma, x_t) = (0.2, 0.25, 0.4, 0.76, 14.0);
    let ladder = Ladder {
        opening: Opening::Imposition,
        schedule: vec![TariffStep {
            rate: t,
            day: 0.0,
            coverage: cov,
        }],
        base_rates: [b, 0.0],
        rounds: vec![30.0],
        challenger_types: 1,
        target_types: 1,
        ..Ladder::default()
    };
    let c = CompiledLadder::new(&ladder).unwrap();
    let mut p = base_params();
    p.set(Param::DiscountRate, 0.0);
    p.set(Param::Elasticity, sigma);
    p.set(Param::ImporterBurden, 0.0);
    p.set(Param::ThirdPartySupport, 0.0);
    let term = (0..c.num_terminals())
        .find(|&k| c.history_label(k).unwrap() == "Hold/Hold")
        .unwrap();
    let o = c.outcome(term, &p).unwrap();
    let expected = cov * x_t * (1.0 - ((1.0 + b + t) / (1.0 + b)).powf(-sigma)) * 30.0 / 365.0;
    assert!(
        (o.cost_target_bn - expected).abs() < 1e-12,
        "{}",
        o.cost_target_bn
    );
    assert_eq!(o.class, OutcomeClass::Unresolved);
    assert!(o.censored);
    assert_eq!(o.duration_days, 30.0);
}

#[test]
fn a_timed_end_spreads_the_documented_paths_probability_over_its_round() {
    // The density of the end's day integrates over its round to the untimed probability.
    let c = CompiledLadder::new(&Ladder::default()).unwrap();
    let p = base_params();
    let b = solve(&c, &p);
    let path = [
        Action::Refuse,
        Action::Threaten,
        Action::Retaliate,
        Action::Hold,
        Action::Concede,
    ];
    let untimed = c.path_log_likelihood(&b, &p, &path).unwrap().exp();
    // The concession is the target's move of round 1: days 1 to 8.
    let n = 4000;
    let h = 7.0 / n as f64;
    let integral: f64 = (0..n)
        .map(|i| {
            let day = 1.0 + (i as f64 + 0.5) * h;
            c.path_log_likelihood_timed(&b, &p, &path, PathTiming::EndedOn(day))
                .unwrap()
                .exp()
                * h
        })
        .sum();
    assert!(
        (integral - untimed).abs() < 1e-6 * untimed,
        "{integral} vs {untimed}"
    );
    // An end outside the round is an error.
    assert!(c
        .path_log_likelihood_timed(&b, &p, &path, PathTiming::EndedOn(9.0))
        .is_err());
    // An ongoing path: nothing by day 0.5 of round 0 means each side's survival so far.
    let opening = [Action::Refuse, Action::Threaten];
    let ongoing = c
        .path_log_likelihood_timed(&b, &p, &opening, PathTiming::OngoingOn(0.5))
        .unwrap();
    assert!(ongoing < c.path_log_likelihood(&b, &p, &opening).unwrap());
    // On day 30 the standoff has passed both rounds: held by both in each, to the tail.
    let held = c
        .path_log_likelihood_timed(&b, &p, &opening, PathTiming::OngoingOn(30.0))
        .unwrap();
    let holds = [
        Action::Refuse,
        Action::Threaten,
        Action::Hold,
        Action::Hold,
        Action::Hold,
        Action::Hold,
    ];
    let direct = c.path_log_likelihood(&b, &p, &holds).unwrap();
    assert!((held - direct).abs() < 1e-12);
}

#[test]
fn drawn_and_expected_end_times_agree() {
    // The mean of drawn end days (a fine grid of uniforms) equals the expected end day.
    let c = CompiledLadder::new(&Ladder::default()).unwrap();
    let p = base_params();
    let b = solve(&c, &p);
    for t in 0..c.num_terminals() {
        let expected = c.outcome_timed(t, &p, Timing::Expected(&b)).unwrap();
        let n = 20_000;
        let mean: f64 = (0..n)
            .map(|i| {
                let u = (i as f64 + 0.5) / n as f64;
                c.outcome_timed(t, &p, Timing::Drawn(&b, u))
                    .unwrap()
                    .duration_days
            })
            .sum::<f64>()
            / n as f64;
        assert!(
            (mean - expected.duration_days).abs() < 1e-4,
            "{}: {mean} vs {}",
            c.history_label(t).unwrap(),
            expected.duration_days
        );
        let start = c.outcome(t, &p).unwrap();
        assert!(expected.duration_days >= start.duration_days);
        assert_eq!(expected.class, start.class);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn time_in_round_inverts_the_truncated_exponential(
        p in 1e-9f64..0.999_999, d in 0.01f64..400.0, u in 0.0f64..1.0,
    ) {
        let tau = time_in_round(p, d, u);
        prop_assert!((0.0..=d).contains(&tau));
        // CDF of the truncated exponential at tau: (1 - (1-p)^(tau/d)) / p.
        let cdf = -(ln_survival_in_round(p, d, tau)).exp_m1() / p;
        prop_assert!((cdf - u).abs() < 1e-9, "cdf {} u {}", cdf, u);
        // The density is the CDF's slope.
        let eps = 1e-6 * d;
        if tau > eps && tau < d - eps {
            let slope = (-(ln_survival_in_round(p, d, tau + eps)).exp_m1()
                + (ln_survival_in_round(p, d, tau - eps)).exp_m1()) / p / (2.0 * eps);
            let dens = ln_density_in_round(p, d, tau).exp();
            prop_assert!((slope - dens).abs() < 1e-5 * dens.max(1.0 / d), "{} vs {}", slope, dens);
        }
        let m = mean_time_in_round(p, d);
        prop_assert!(m > 0.0 && m <= d / 2.0 + 1e-12);
    }
}

#[test]
fn the_prediction_from_an_opening_matches_sampled_plays() {
    // The exact class probabilities and duration law given the opening agree with plays
    // sampled from it (types from their posterior given the opening, end times drawn).
    let ladder = Ladder {
        rounds: vec![1.0, 7.0, 22.0],
        settlement: true,
        ..Ladder::default()
    };
    let c = CompiledLadder::new(&ladder).unwrap();
    let p = base_params();
    let b = solve(&c, &p);
    let opening = [Action::Refuse, Action::Threaten];
    let pred = c.predict_given(&b, &p, &opening).unwrap();
    let total: f64 = pred.classes.iter().sum();
    assert!((total - 1.0).abs() < 1e-12);
    assert_eq!(pred.class(OutcomeClass::Accepted), 0.0);
    let law = &pred.duration;
    assert!((law.cdf(law.horizon()) + law.censored() - 1.0).abs() < 1e-12);
    assert!((law.censored() - pred.class(OutcomeClass::Unresolved)).abs() < 1e-12);
    // Sample.
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let n = 40_000;
    let days = [0.5, 1.0, 3.0, 8.0, 15.0, 29.0];
    let mut below = [0usize; 6];
    let mut classes = [0usize; 7];
    for _ in 0..n {
        let t = c
            .sample_terminal_given(&b, &p, &opening, &mut || rng.random::<f64>())
            .unwrap();
        let o = c
            .outcome_timed(t, &p, Timing::Drawn(&b, rng.random::<f64>()))
            .unwrap();
        classes[o.class.index()] += 1;
        for (k, &d) in days.iter().enumerate() {
            if !o.censored && o.duration_days <= d {
                below[k] += 1;
            }
        }
    }
    for (k, &d) in days.iter().enumerate() {
        let f = below[k] as f64 / n as f64;
        let sd = (law.cdf(d) * (1.0 - law.cdf(d)) / n as f64)
            .sqrt()
            .max(1e-4);
        assert!(
            (f - law.cdf(d)).abs() < 5.0 * sd,
            "day {d}: {f} vs {}",
            law.cdf(d)
        );
    }
    for (k, &count) in classes.iter().enumerate() {
        let f = count as f64 / n as f64;
        let q = pred.classes[k];
        let sd = (q * (1.0 - q) / n as f64).sqrt().max(1e-4);
        assert!((f - q).abs() < 5.0 * sd, "class {k}: {f} vs {q}");
    }
    // Quantiles invert the CDF.
    if let Some(m) = law.quantile(0.5) {
        assert!((law.cdf(m) - 0.5).abs() < 1e-6 || law.cdf(m) >= 0.5);
    }
}

/// `action_probs` reads a mover's probabilities for its own type: at the Colombia scenario's
/// first decision (the target's Accept or Refuse), the probability of Accept under the true
/// prior of the target's type is what `terminal_probs` gives the terminal reached by Accept.
#[test]
fn action_probs_are_the_movers_own_types_probabilities() {
    use escalation::scenario::{At, Scenario};
    let s = Scenario::from_path("scenarios/colombia_2025.toml").unwrap();
    let c = s.compile().unwrap();
    let p = s.point(At::Median);
    let b = solve(&c, &p);
    let root = &c.public_tree()[0];
    assert_eq!(root.mover, Some(Side::Target));
    let accept = root
        .actions
        .iter()
        .position(|&a| a == Action::Accept)
        .unwrap();
    let pt = p.get(Param::PriorTargetResolute);
    let by_type: Vec<f64> = (0..2)
        .map(|own| c.action_probs(&b, 0, own).unwrap()[accept])
        .collect();
    assert!(
        by_type[0] != by_type[1],
        "the two types play alike: {by_type:?}"
    );
    let mut probs = vec![0.0; c.num_terminals()];
    c.terminal_probs(&b, &p, &mut probs);
    let p_accept: f64 = (0..c.num_terminals())
        .filter(|&t| c.history_label(t).as_deref() == Some("Accept"))
        .map(|t| probs[t])
        .sum();
    let expected = (1.0 - pt) * by_type[0] + pt * by_type[1];
    assert!(
        (p_accept - expected).abs() < 1e-12,
        "{p_accept} vs {expected}"
    );
    // Every decision and type sums to one; terminals and absent types have none.
    for (i, n) in c.public_tree().iter().enumerate() {
        for own in 0..2 {
            match (n.mover, c.action_probs(&b, i, own)) {
                (Some(_), Some(q)) => {
                    assert_eq!(q.len(), n.actions.len());
                    assert!((q.iter().sum::<f64>() - 1.0).abs() < 1e-12);
                }
                (None, None) => {}
                (m, q) => panic!("node {i}, type {own}: mover {m:?}, probabilities {q:?}"),
            }
        }
        assert!(c.action_probs(&b, i, 2).is_none());
    }
    assert!(c.action_probs(&b, c.public_tree().len(), 0).is_none());
    assert!(c.action_probs(&b[..1], 0, 1).is_none());
}
