//! The prior predictive of a case (`escalation::validate`): bit-identical across thread
//! counts; equal to the average of sampled plays (class frequencies and the duration's CDF
//! at the documented day, within binomial bands); and each case's documented end read as
//! `tests/case_library.rs` records it.

mod common;
use common::binomial_band;
use escalation::mc::{Purpose, Streams};
use escalation::model::{OutcomeClass, Timing};
use escalation::pipeline::Pipeline;
use escalation::scenario::Scenario;
use escalation::validate::{predictive, Truth};
use rand::RngExt;

const COLOMBIA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/colombia_2025.toml");

#[test]
fn the_predictive_is_bit_identical_across_thread_counts() {
    let s = Scenario::from_path(COLOMBIA).unwrap();
    let one = predictive(&s, 64, 9, Some(1)).unwrap();
    for threads in [2, 4] {
        let other = predictive(&s, 64, 9, Some(threads)).unwrap();
        assert_eq!(one.prediction, other.prediction, "{threads} threads");
        assert_eq!(one.used, other.used);
    }
    assert_eq!(one.used + one.failures + one.impossible, 64);
}

/// Plays sampled as the simulation samples them (draw, solve, play given the opening, the
/// ending move's time drawn), against the exact mixture over the same draws.
#[test]
fn the_predictive_matches_sampled_plays() {
    let s = Scenario::from_path(COLOMBIA).unwrap();
    let truth = Truth::of(&s).unwrap();
    assert_eq!(truth.class, Some(OutcomeClass::ConcededBeforeTariffs));
    let draws = 40;
    let per_draw = 100;
    let exact = predictive(&s, draws, 3, None).unwrap();
    assert_eq!(exact.used, draws);
    let pipeline = Pipeline::new(&s).unwrap();
    let opening = escalation::pipeline::Opening::new(pipeline.compiled(), &truth.opening);
    let streams = Streams::new(3, Purpose::PREDICTIVE);
    let mut ws = pipeline.workspace();
    let mut params = s.new_params();
    let mut counts = [0usize; OutcomeClass::ALL.len()];
    let mut ended_by_day = 0usize;
    for j in 0..draws {
        let mut rng = streams.get(j as u64);
        pipeline.draw(&mut rng, &mut params);
        let b = pipeline.solve(&mut ws, &params).unwrap().to_vec();
        let mut plays = Streams::new(j as u64, Purpose::user(0x7e57)).get(0);
        for _ in 0..per_draw {
            let t = pipeline
                .play_given(&b, &params, Some(&opening), &mut plays)
                .unwrap();
            let o = pipeline
                .outcome(t, &params, Timing::Drawn(&b, plays.random()))
                .unwrap();
            counts[o.class.index()] += 1;
            if !o.censored && o.day <= truth.day {
                ended_by_day += 1;
            }
        }
    }
    let n = draws * per_draw;
    for c in OutcomeClass::ALL {
        let p = exact.prediction.class(c);
        let (lo, hi) = binomial_band(n, p, 1e-4);
        assert!(
            (lo..=hi).contains(&counts[c.index()]),
            "{}: {} of {n} sampled, exact {p}",
            c.name(),
            counts[c.index()]
        );
    }
    let pit = exact.prediction.duration.cdf(truth.day);
    let (lo, hi) = binomial_band(n, pit, 1e-4);
    assert!(
        (lo..=hi).contains(&ended_by_day),
        "ended by day {}: {ended_by_day} of {n} sampled, exact {pit}",
        truth.day
    );
}
