//! The shipped scenario files, prior distributions against reference values, and the
//! Gambit export of a compiled scenario read back equal.

use escalation::game::efg;
use escalation::scenario::{prior, At, Prior, Scenario};

fn path(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn october_and_template_scenarios_are_valid() {
    for (file, n_interventions) in [("colombia_2025_october.toml", 2), ("template.toml", 7)] {
        let s = Scenario::from_path(path(file)).unwrap();
        assert_eq!(s.interventions().len(), n_interventions, "{file}");
        let c = s.compile().unwrap();
        escalation::model::summarise_equilibrium(&c, &s.point(At::Median)).unwrap();
        for iv in s.interventions() {
            s.with_intervention(&iv.name).unwrap().compile().unwrap();
        }
    }
}

#[test]
fn exported_efg_reads_back_equal() {
    let s = Scenario::from_path(path("template.toml")).unwrap();
    let c = s.compile().unwrap();
    let game = c.game_at(&s.point(At::Mean)).unwrap();
    let text = efg::write(&game);
    let back = efg::parse(&text).unwrap();
    assert_eq!(back.players(), game.players());
    assert_eq!(back.nodes().len(), game.nodes().len());
    assert_eq!(back.infosets().len(), game.infosets().len());
    // The file lists nodes depth-first, the builder breadth-first: compare what does not
    // depend on node numbering.
    let key = |g: &escalation::game::Game| {
        let mut v: Vec<String> = g
            .infosets()
            .iter()
            .map(|s| {
                let probs: Vec<String> = s
                    .probs
                    .iter()
                    .map(|p| format!("{:.12}", p.to_f64()))
                    .collect();
                format!(
                    "{:?} {} {} {:?} {:?} {}",
                    s.mover,
                    s.number,
                    s.label,
                    s.actions,
                    probs,
                    s.members.len()
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(key(&back), key(&game));
    let pay = |g: &escalation::game::Game| {
        let acc = g.accumulated_payoffs();
        let mut v: Vec<(String, [f64; 2])> = g
            .terminals()
            .map(|t| (g.node(t).label.clone(), [acc[t.0][0], acc[t.0][1]]))
            .collect();
        v.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1[0].total_cmp(&b.1[0]))
                .then(a.1[1].total_cmp(&b.1[1]))
        });
        v
    };
    for ((la, a), (lb, b)) in pay(&back).iter().zip(&pay(&game)) {
        assert_eq!(la, lb);
        for k in 0..2 {
            assert!(
                (a[k] - b[k]).abs() <= 1e-12 * b[k].abs().max(1.0),
                "{la}: {a:?} vs {b:?}"
            );
        }
    }
    // Same game, same logit QRE (profiles are in Gambit order in both).
    let qa = escalation::solve::logit::logit_solve_lambda(&back, 2.0).unwrap();
    let qb = escalation::solve::logit::logit_solve_lambda(&game, 2.0).unwrap();
    for (x, y) in qa.profile.flat().iter().zip(qb.profile.flat()) {
        assert!((x - y).abs() < 1e-9);
    }
}

#[test]
fn priors_match_reference_values() {
    // Standard normal: quantile(0.975) = 1.959963985 (any table); ln φ(0) = -ln √(2π).
    assert!((prior::normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
    assert!((prior::normal_quantile(0.5)).abs() < 1e-14);
    let n = Prior::normal(0.0, 1.0).unwrap();
    assert!((n.ln_pdf(0.0) + 0.918_938_533_2).abs() < 1e-9);
    // Half-normal (truncated to [0, ∞) approximated by [0, 40]): mean √(2/π) = 0.7978846.
    let h = Prior::truncated_normal(0.0, 1.0, 0.0, 40.0).unwrap();
    assert!((h.mean() - 0.797_884_56).abs() < 1e-7);
    assert!((h.median() - 0.674_489_75).abs() < 1e-7);
    // Beta(2, 2) is symmetric; Beta(2, 3): mean 0.4, CDF(0.5) = 11/16.
    assert!((prior::beta_cdf(0.5, 2.0, 2.0) - 0.5).abs() < 1e-12);
    assert!((prior::beta_cdf(0.5, 2.0, 3.0) - 11.0 / 16.0).abs() < 1e-12);
    let b = Prior::beta(2.0, 3.0).unwrap();
    assert!((b.mean() - 0.4).abs() < 1e-15);
    assert!((prior::beta_cdf(b.median(), 2.0, 3.0) - 0.5).abs() < 1e-12);
    // Beta quantiles in closed form: Beta(a, 1) has CDF x^a, Beta(1, b) has CDF
    // 1 - (1 - x)^b; and for any shape the quantile inverts the CDF.
    for i in 0..=200 {
        let p = i as f64 / 200.0;
        for (a, b, exact) in [
            (1.0, 1.0, p),
            (2.0, 1.0, p.sqrt()),
            (0.5, 1.0, p * p),
            (1.0, 9.0, 1.0 - (1.0 - p).powf(1.0 / 9.0)),
            (1.0, 0.3, 1.0 - (1.0 - p).powf(1.0 / 0.3)),
        ] {
            let q = Prior::beta(a, b).unwrap().quantile(p);
            assert!(
                (q - exact).abs() < 1e-13,
                "Beta({a}, {b}) at {p}: {q} vs {exact}"
            );
        }
        for (a, b) in [
            (4.0, 4.0),
            (4.0, 2.0),
            (2.0, 4.0),
            (6.0, 4.0),
            (0.5, 0.5),
            (30.0, 2.0),
        ] {
            let q = Prior::beta(a, b).unwrap().quantile(p);
            assert!((0.0..=1.0).contains(&q));
            assert!(
                (prior::beta_cdf(q, a, b) - p).abs() < 1e-13,
                "Beta({a}, {b}) at {p}: CDF({q}) = {}",
                prior::beta_cdf(q, a, b)
            );
        }
    }
    // Lognormal: median e^mu, mean e^(mu + sigma²/2).
    let l = Prior::lognormal(1.0, 0.5).unwrap();
    assert!((l.median() - 1f64.exp()).abs() < 1e-12);
    assert!((l.mean() - 1.125f64.exp()).abs() < 1e-12);
    // Triangular(0, 1, 3): mean 4/3; CDF at the mode = 1/3.
    let t = Prior::triangular(0.0, 1.0, 3.0).unwrap();
    assert!((t.mean() - 4.0 / 3.0).abs() < 1e-15);
    assert!((t.quantile(1.0 / 3.0) - 1.0).abs() < 1e-12);
    // Discrete.
    let d = Prior::discrete(vec![1.0, 2.0], vec![3.0, 1.0]).unwrap();
    assert_eq!(d.quantile(0.7), 1.0);
    assert_eq!(d.quantile(0.8), 2.0);
    assert!((d.mean() - 1.25).abs() < 1e-15);
}
