//! Counterfactuals given the documented opening: the conditional sampler against the exact
//! terminal probabilities restricted to the opening's subtree, and the conditioned scenario
//! comparison on Colombia 2025 (trivial opening metrics, exact zero for a no-op, thread
//! independence, structurally impossible interventions reported).

mod whatif_common;

use escalation::calibrate::ScenarioProblem;
use escalation::model::{Action, CompiledLadder, Ladder, Param, Params};
use escalation::whatif::{documented_opening, scenario_whatif_given, PairedConfig, ScenarioArm};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn base_params() -> Params {
    let mut p = Params::new(0);
    p.set(Param::StakeChallenger, 2.0);
    p.set(Param::StakeTarget, 0.3);
    p.set(Param::AudienceChallenger, 1.0);
    p.set(Param::AudienceTarget, 0.5);
    p.set(Param::AudienceGrowth, 0.5);
    p.set(Param::ExportsTarget, 14.0);
    p.set(Param::ExportsChallenger, 17.0);
    p.set(Param::ImporterBurden, 0.3);
    p.set(Param::CounterTariff, 0.25);
    p.set(Param::FaceSavingDiscount, 0.5);
    p.set(Param::Lambda, 3.0);
    p.set(Param::ResolveFactorChallenger, 4.0);
    p.set(Param::ResolveFactorTarget, 10.0);
    p.set(Param::PriorChallengerResolute, 0.3);
    p.set(Param::PriorTargetResolute, 0.2);
    p
}

/// Whether public node `p` lies in the subtree of public node `root`.
fn under(c: &CompiledLadder, mut p: usize, root: usize) -> bool {
    loop {
        if p == root {
            return true;
        }
        match c.public_tree()[p].parent {
            Some((parent, _)) => p = parent,
            None => return false,
        }
    }
}

/// Upper 1e-6 quantile of chi-square with `k` degrees of freedom (Wilson–Hilferty).
fn chi2_critical(k: usize) -> f64 {
    let k = k as f64;
    let z = 4.753_424; // Φ⁻¹(1 − 1e-6)
    let a = 2.0 / (9.0 * k);
    k * (1.0 - a + z * a.sqrt()).powi(3)
}

/// Pearson's statistic of `counts` against `expected` probabilities (bins with an expected
/// count below 5 lumped together), and its degrees of freedom.
fn chi2(counts: &[usize], expected: &[f64], n: usize) -> (f64, usize) {
    let (mut stat, mut bins) = (0.0, 0);
    let (mut lump_o, mut lump_e) = (0.0, 0.0);
    for (&o, &e) in counts.iter().zip(expected) {
        let e = e * n as f64;
        if e >= 5.0 {
            stat += (o as f64 - e).powi(2) / e;
            bins += 1;
        } else {
            lump_o += o as f64;
            lump_e += e;
        }
    }
    if lump_e > 0.0 {
        stat += (lump_o - lump_e).powi(2) / lump_e;
        bins += 1;
    }
    (stat, bins - 1)
}

#[test]
fn conditional_frequencies_match_the_restricted_terminal_probabilities() {
    let c = CompiledLadder::new(&Ladder::default()).unwrap();
    // A target stake at which the opening is informative about the types (checked below).
    let mut p = base_params();
    p.set(Param::StakeTarget, 0.8);
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, &p).unwrap().to_vec();
    let mut probs = vec![0.0; c.num_terminals()];
    c.terminal_probs(&b, &p, &mut probs);
    let opening = [Action::Refuse, Action::Threaten];
    let root = c.opening_node(&opening).unwrap();
    // Exact conditional law: the terminal probabilities restricted to the subtree, renormalised.
    let mut expected: Vec<f64> = (0..c.num_terminals())
        .map(|t| {
            let (node, _) = c.public_terminal(t).unwrap();
            if under(&c, node, root) {
                probs[t]
            } else {
                0.0
            }
        })
        .collect();
    let mass: f64 = expected.iter().sum();
    assert!(mass > 0.0 && mass < 1.0);
    expected.iter_mut().for_each(|e| *e /= mass);
    // The same law, up to rounding, from the log-likelihood of the opening.
    let lik = c.path_log_likelihood(&b, &p, &opening).unwrap().exp();
    assert!((lik - mass).abs() < 1e-12, "{lik} vs {mass}");

    let n = 200_000;
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut counts = vec![0usize; c.num_terminals()];
    for _ in 0..n {
        let t = c
            .sample_terminal_given(&b, &p, &opening, &mut || rng.random::<f64>())
            .unwrap();
        counts[t] += 1;
    }
    // Nothing outside the subtree.
    for (t, &cnt) in counts.iter().enumerate() {
        if expected[t] == 0.0 {
            assert_eq!(cnt, 0, "terminal {t} outside the opening");
        }
    }
    let (stat, df) = chi2(&counts, &expected, n);
    assert!(df >= 5, "{df} bins");
    assert!(stat < chi2_critical(df), "chi2 {stat} on {df} df");

    // The conditioning matters: the types' law given the opening differs from the prior,
    // so drawing types from the prior and forcing the opening would be wrong.
    let combos = 4;
    let mut ptypes = [0.0; 4];
    for (t, e) in expected.iter().enumerate() {
        let (_, combo) = c.public_terminal(t).unwrap();
        ptypes[combo] += e;
    }
    let prior = [0.7 * 0.8, 0.7 * 0.2, 0.3 * 0.8, 0.3 * 0.2];
    let shift: f64 = (0..combos).map(|k| (ptypes[k] - prior[k]).abs()).sum();
    eprintln!("type law shift {shift}");
    assert!(
        shift > 0.01,
        "the opening barely informs the types: {shift}"
    );
}

#[test]
fn an_empty_opening_is_sample_terminal_bit_for_bit() {
    let c = CompiledLadder::new(&Ladder::default()).unwrap();
    let p = base_params();
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, &p).unwrap().to_vec();
    let mut r1 = ChaCha8Rng::seed_from_u64(5);
    let mut r2 = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..20_000 {
        let a = c.sample_terminal(&b, &p, &mut || r1.random::<f64>());
        let g = c.sample_terminal_given(&b, &p, &[], &mut || r2.random::<f64>());
        assert_eq!(Some(a), g);
    }
    // Same number of uniforms consumed: the streams are still in step.
    assert_eq!(r1.random::<u64>(), r2.random::<u64>());
}

#[test]
fn an_opening_that_is_no_path_has_no_sample() {
    let c = CompiledLadder::new(&Ladder::default()).unwrap();
    let p = base_params();
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, &p).unwrap().to_vec();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let opening = [Action::Accept, Action::Threaten];
    assert_eq!(c.opening_node(&opening), None);
    assert_eq!(
        c.sample_terminal_given(&b, &p, &opening, &mut || rng.random::<f64>()),
        None
    );
    // A behaviour that never refuses makes the opening impossible under every type.
    let mut never = b.clone();
    let g = c.game();
    let layout = g.profile_layout();
    for &s in &layout.order {
        let set = g.infoset(s);
        if set.label.ends_with("@ start") {
            let off = layout.offset[s.0].unwrap();
            for (a, label) in set.actions.iter().enumerate() {
                never[off + a] = f64::from(label.as_str() == "Accept");
            }
        }
    }
    assert_eq!(
        c.sample_terminal_given(&never, &p, &[Action::Refuse], &mut || rng.random::<f64>()),
        None
    );
}

use whatif_common::{colombia, no_op_comparison, small_posterior};

#[test]
fn colombia_conditioned_on_the_documented_opening() {
    let scenario = colombia();
    let opening = documented_opening(&scenario);
    assert_eq!(opening, [Action::Refuse, Action::Threaten]);
    let problem = ScenarioProblem::new(&scenario).unwrap();
    let posterior = small_posterior(&problem);
    let config = |threads| PairedConfig {
        replicates: 4,
        seed: 9,
        threads,
    };
    let names = ["petro_holds_firm_commit", "quiet_acceptance"];
    let run = |threads| {
        scenario_whatif_given(
            &scenario,
            &posterior,
            &names,
            30,
            &config(threads),
            Some(&opening),
        )
        .unwrap()
    };
    let r1 = run(Some(1));
    let r2 = run(Some(2));
    assert_eq!(r1, r2, "results depend on the thread count");
    let base = &r1.comparison.baseline.metrics;
    // Metric 0: Colombia accepts at the outset; 1: the US threatens.
    assert!(base[0].per_draw.iter().all(|&x| x == 0.0));
    assert!(base[1].per_draw.iter().all(|&x| x == 1.0));
    assert_eq!(base[0].mean, 0.0);
    assert_eq!(base[1].mean, 1.0);
    // Quiet acceptance removes Refuse: reported, left out, never silently dropped.
    assert_eq!(r1.failures.len(), 1);
    assert_eq!(r1.failures[0].arm, "quiet_acceptance");
    assert!(r1.failures[0].structural);
    assert_eq!(r1.failures[0].failed_draws, 30);
    assert_eq!(r1.comparison.interventions.len(), 1);
    assert!(r1.to_string().contains("Refuse → Threaten"));
    // Holding firm: Colombia concedes less often than in the baseline.
    let firm = &r1.comparison.interventions[0].outcome.metrics;
    assert!(firm[5].mean < base[5].mean);
    // From the root, the baseline accepts at the outset in some runs.
    let root =
        scenario_whatif_given(&scenario, &posterior, &names, 30, &config(None), None).unwrap();
    assert!(root.failures.is_empty());
    assert_eq!(root.comparison.interventions.len(), 2);
    assert!(root.comparison.baseline.metrics[0].mean > 0.0);
}

#[test]
fn a_conditioned_no_op_gives_exactly_zero_difference() {
    let scenario = colombia();
    let opening = documented_opening(&scenario);
    let problem = ScenarioProblem::new(&scenario).unwrap();
    let posterior = small_posterior(&problem);
    let base = ScenarioArm::new(&scenario, None).unwrap().given(&opening);
    let same = ScenarioArm::new(&scenario, None).unwrap().given(&opening);
    let r = no_op_comparison(&scenario, &posterior, &base, &same, 5);
    for d in &r.interventions[0].differences {
        assert!(d.per_draw.iter().all(|&x| x == 0.0));
        assert_eq!(d.mean, 0.0);
        // Exactly zero both ways: sampled and exact per-draw differences.
        let exact = d
            .expected_per_draw
            .as_ref()
            .expect("scenario arms are exact");
        assert!(exact.iter().all(|&x| x == 0.0));
        assert_eq!(d.posterior_interval, [0.0, 0.0]);
    }
    assert_eq!(r.interventions[0].outcome.metrics, r.baseline.metrics);
    assert!(r.excluded_draws.is_empty());
    assert_eq!(r.baseline.not_applicable, 0);
}
