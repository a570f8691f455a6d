//! The shipped scenario files, prior distributions against reference values, and the
//! Gambit export of a compiled scenario read back equal.

use escalation::game::efg;
use escalation::scenario::{prior, At, Prior, Scenario};

fn path(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn october_and_template_scenarios_are_valid() {
    for (file, n_interventions) in [("colombia_2025_october.toml", 2), ("template.toml", 5)] {
        let s = Scenario::from_path(path(file)).unwrap();
        assert_eq!(s.interventions().len(), n_interventions, "{file}");
        let c = s.compile().unwrap();
        escalation::model::report_equilibrium(&c, &s.point(At::Median)).unwrap();
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
    for (a, b) in back.infosets().iter().zip(game.infosets()) {
        assert_eq!(a.actions, b.actions);
        assert_eq!(a.members, b.members);
        assert_eq!(a.mover, b.mover);
        for (x, y) in a.probs.iter().zip(&b.probs) {
            assert!((x.to_f64() - y.to_f64()).abs() < 1e-12);
        }
    }
    let (pa, pb) = (back.accumulated_payoffs(), game.accumulated_payoffs());
    for (x, y) in pa.iter().flatten().zip(pb.iter().flatten()) {
        assert!((x - y).abs() <= 1e-12 * y.abs().max(1.0), "{x} vs {y}");
    }
}

#[test]
fn priors_match_reference_values() {
    // Standard normal: quantile(0.975) = 1.959963985 (any table); ln φ(0) = -ln √(2π).
    assert!((prior::normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
    assert!((prior::normal_quantile(0.5)).abs() < 1e-14);
    let n = Prior::Normal { mean: 0.0, sd: 1.0 };
    assert!((n.ln_pdf(0.0) + 0.918_938_533_2).abs() < 1e-9);
    // Half-normal (truncated to [0, ∞) approximated by [0, 40]): mean √(2/π) = 0.7978846.
    let h = Prior::TruncatedNormal {
        mean: 0.0,
        sd: 1.0,
        min: 0.0,
        max: 40.0,
    };
    assert!((h.mean() - 0.797_884_56).abs() < 1e-7);
    assert!((h.median() - 0.674_489_75).abs() < 1e-7);
    // Beta(2, 2) is symmetric; Beta(2, 3): mean 0.4, CDF(0.5) = 11/16.
    assert!((prior::beta_cdf(0.5, 2.0, 2.0) - 0.5).abs() < 1e-12);
    assert!((prior::beta_cdf(0.5, 2.0, 3.0) - 11.0 / 16.0).abs() < 1e-12);
    let b = Prior::Beta {
        alpha: 2.0,
        beta: 3.0,
    };
    assert!((b.mean() - 0.4).abs() < 1e-15);
    assert!((prior::beta_cdf(b.median(), 2.0, 3.0) - 0.5).abs() < 1e-12);
    // Lognormal: median e^mu, mean e^(mu + sigma²/2).
    let l = Prior::LogNormal {
        mu: 1.0,
        sigma: 0.5,
    };
    assert!((l.median() - 1f64.exp()).abs() < 1e-12);
    assert!((l.mean() - 1.125f64.exp()).abs() < 1e-12);
    // Triangular(0, 1, 3): mean 4/3; CDF at the mode = 1/3.
    let t = Prior::Triangular {
        min: 0.0,
        mode: 1.0,
        max: 3.0,
    };
    assert!((t.mean() - 4.0 / 3.0).abs() < 1e-15);
    assert!((t.quantile(1.0 / 3.0) - 1.0).abs() < 1e-12);
    // Discrete.
    let d = Prior::Discrete {
        values: vec![1.0, 2.0],
        weights: vec![3.0, 1.0],
    };
    assert_eq!(d.quantile(0.7), 1.0);
    assert_eq!(d.quantile(0.8), 2.0);
    assert!((d.mean() - 1.25).abs() < 1e-15);
}
