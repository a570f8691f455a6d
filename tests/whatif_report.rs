//! The Markdown report with its SVG figures, on a toy calibration and comparison.

use escalation::calibrate::{JointPrior, Likelihood, Smc, SmcConfig};
use escalation::report::{fan_chart_svg, FanBands, Report, ReportError};
use escalation::whatif::{compare, Arm, Metric, PairedConfig, Unit};
use rand::{Rng, RngExt};

struct UnitSquare;
impl JointPrior for UnitSquare {
    fn dim(&self) -> usize {
        2
    }
    fn names(&self) -> Vec<String> {
        vec!["resolve".into(), "cost share".into()]
    }
    fn sample(&self, rng: &mut dyn Rng, out: &mut [f64]) {
        out[0] = rng.random::<f64>();
        out[1] = rng.random::<f64>();
    }
    fn ln_pdf(&self, t: &[f64]) -> f64 {
        if t.iter().all(|x| (0.0..=1.0).contains(x)) {
            0.0
        } else {
            f64::NEG_INFINITY
        }
    }
}

struct Conceded;
impl Likelihood for Conceded {
    fn ln_likelihood(&self, t: &[f64]) -> f64 {
        // The target conceded 9 times out of 10 with probability (1 - resolve).
        9.0 * (1.0 - t[0]).ln() + t[0].ln()
    }
}

#[test]
fn report_writes_markdown_and_every_figure() {
    let mut config = SmcConfig::default();
    config.particles = 500;
    config.seed = 3;
    let posterior = Smc::new(config).run(&UnitSquare, &Conceded).unwrap();
    let metrics = vec![
        Metric::new("target concedes", Unit::Probability),
        Metric::new("duration", Unit::Days),
    ];
    let base = |t: &[f64], rng: &mut dyn Rng, out: &mut [f64]| {
        out[0] = f64::from(rng.random::<f64>() > t[0]);
        out[1] = 1.0 + 5.0 * t[1] * rng.random::<f64>();
    };
    let firm = |t: &[f64], rng: &mut dyn Rng, out: &mut [f64]| {
        out[0] = f64::from(rng.random::<f64>() > t[0] + 0.3);
        out[1] = 1.0 + 8.0 * t[1] * rng.random::<f64>();
    };
    let draws = posterior.equal_weight_draws(100, 1);
    let comparison = compare(
        &metrics,
        &draws,
        &base,
        &[("holds firm", &firm as &dyn Arm)],
        &PairedConfig {
            replicates: 5,
            seed: 2,
            threads: None,
        },
    )
    .unwrap();
    let days: Vec<f64> = (0..10).map(f64::from).collect();
    let runs: Vec<Vec<f64>> = (0..100)
        .map(|i| {
            days.iter()
                .map(|d| if *d >= (i % 7) as f64 { 0.25 } else { 0.0 })
                .collect()
        })
        .collect();
    let bands = FanBands::from_runs(days, &runs, &[0.05, 0.25, 0.5, 0.75, 0.95]);

    let mut report = Report::new("Toy standoff");
    report.calibration(&posterior, &["resolve"]).unwrap();
    report.comparison(&comparison).unwrap();
    report.figure(
        "tariff_fan.svg",
        "Tariff level by day",
        fan_chart_svg("Tariff level", "tariff", &bands).unwrap(),
    );
    let dir = std::env::temp_dir().join(format!("whatif_report_{}", std::process::id()));
    let index = report.write(&dir, "report.md").unwrap();
    let md = std::fs::read_to_string(&index).unwrap();
    for figure in ["posterior_resolve.svg", "outcomes.svg", "tariff_fan.svg"] {
        assert!(md.contains(&format!("]({figure})")), "{figure} not linked");
        let svg = std::fs::read_to_string(dir.join(figure)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{figure}"
        );
    }
    // Only the key parameter gets a figure.
    assert!(!dir.join("posterior_cost_share.svg").exists());
    assert!(md.contains("| resolve |"));
    assert!(md.contains("`holds firm` minus baseline"));
    assert!(md.contains("95% posterior"));
    // No temporary files are left behind.
    let leftovers = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fan_bands_are_the_empirical_quantiles() {
    // 101 runs with value i / 100 on every day: the 5%, 50% and 95% quantiles are 0.05, 0.5
    // and 0.95 (smallest value whose empirical CDF reaches p), the mean 0.5.
    let runs: Vec<Vec<f64>> = (0..=100).map(|i| vec![f64::from(i) / 100.0; 3]).collect();
    let bands = FanBands::from_runs(vec![0.0, 1.0, 2.0], &runs, &[0.05, 0.5, 0.95]);
    for t in 0..3 {
        assert!((bands.quantiles[0][t] - 0.05).abs() < 0.011);
        assert_eq!(bands.quantiles[1][t], 0.5);
        assert!((bands.quantiles[2][t] - 0.95).abs() < 0.011);
        assert!((bands.mean[t] - 0.5).abs() < 1e-12);
    }
}

#[test]
fn figure_names_with_paths_are_refused() {
    let mut report = Report::new("x");
    report.figure("../escape.svg", "bad", "<svg></svg>".into());
    let dir = std::env::temp_dir().join(format!("whatif_report_bad_{}", std::process::id()));
    assert!(matches!(
        report.write(&dir, "r.md"),
        Err(ReportError::FigureName { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_write_leaves_the_earlier_report_intact() {
    // An earlier report, and a directory where the new Markdown would go: the write fails
    // before any file is replaced, and leaves no temporary file.
    let dir = std::env::temp_dir().join(format!("whatif_report_keep_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("report.md")).unwrap();
    for name in ["index.html", "a.svg"] {
        std::fs::write(dir.join(name), format!("earlier {name}")).unwrap();
    }
    let mut report = Report::new("new");
    report.paragraph("new text");
    report.figure("a.svg", "new figure", "<svg>new</svg>".into());
    assert!(matches!(
        report.write(&dir, "report.md"),
        Err(ReportError::Io { .. })
    ));
    for name in ["index.html", "a.svg"] {
        assert_eq!(
            std::fs::read_to_string(dir.join(name)).unwrap(),
            format!("earlier {name}")
        );
    }
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
