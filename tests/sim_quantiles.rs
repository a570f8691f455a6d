//! Quantiles of a 0/1 metric are values it takes; a continuous metric's quantiles are still
//! read from its histogram.

use escalation::mc::stats::{histogram_quantile, QUANTILE_LEVELS};
use escalation::sim::{Episode, Layout, MetricSpec, RunRecord, Simulation};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// A flag that is 1 with probability 0.3 (on a 2-bin histogram over [0, 1], as the
/// scenarios' `tariffs_imposed`) and a Uniform(0, 1) value.
struct Flag(Layout);

impl Episode for Flag {
    type Scratch = ();
    type Error = std::convert::Infallible;
    fn layout(&self) -> &Layout {
        &self.0
    }
    fn scratch(&self) {}
    fn play(
        &self,
        _: u64,
        rng: &mut ChaCha8Rng,
        _: &mut (),
        out: &mut RunRecord,
    ) -> Result<(), Self::Error> {
        out.metrics[0] = if rng.random::<f64>() < 0.3 { 1.0 } else { 0.0 };
        out.metrics[1] = rng.random::<f64>();
        Ok(())
    }
}

#[test]
fn a_flag_s_quantiles_are_zero_or_one_and_continuous_ones_unchanged() {
    let flag = Flag(
        Layout::new(
            "flag",
            "flag-v1",
            &["run"],
            vec![
                MetricSpec::new("flag", "0/1", 0.0, 1.0, 2),
                MetricSpec::new("uniform", "", 0.0, 1.0, 100),
            ],
        )
        .expect("layout"),
    );
    let summary = Simulation::new(&flag, 4, 5000).run().expect("runs");
    let report = summary.statistics();
    let ones = summary.exact_sum(0).expect("sum").to_f64() as u64;
    // About 30% ones: the 5%, 25% and 50% quantiles are 0, the 75% and 95% ones are 1
    // (type-1 sample quantiles); on the histogram the top bin read 0.5.
    assert!((1300..1700).contains(&ones), "{ones}");
    assert_eq!(
        report.quantiles.row(0).to_vec(),
        vec![0.0, 0.0, 0.0, 1.0, 1.0]
    );
    // The uniform metric: exactly the histogram's quantiles, as before.
    let slots = summary.histogram(1).expect("histogram").to_vec();
    for (j, &q) in QUANTILE_LEVELS.iter().enumerate() {
        let h = histogram_quantile(&slots, 0.0, 1.0, report.mins[1], report.maxs[1], q);
        assert_eq!(Some(report.quantiles[[1, j]]), h, "uniform q{q}");
    }
    // The JSON says so too.
    let doc: serde_json::Value = serde_json::from_str(&summary.to_json()).expect("json");
    assert_eq!(doc["metrics"][0]["quantiles"]["p95"], 1.0);
}
