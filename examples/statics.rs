//! The ladder's comparative statics, measured: over random parameter draws, how often a
//! higher audience cost makes a side yield *more* often, and how often more exposure to the
//! challenger's tariffs makes the target hold firm *more* often (the exceptions to the
//! statics of Fearon 1994 and of the sanctions literature), with complete information and
//! with private resolve types, under the logit QRE and near its subgame-perfect limit.
//!
//! ```text
//! cargo run --release --example statics -- [DRAWS] [SEED] [SCENARIO.toml]
//! ```
//!
//! Each draw takes every parameter uniformly from the ranges below (or, with a scenario,
//! from the scenario's priors, in its ladder), then raises one parameter by a random step
//! and solves both games. "Yields" counts the attrition tail's
//! concessions ([`OutcomeProbs`]); "concedes" and "backs down" count only the outcome
//! classes that `escalation solve` prints. An exception is a rise above 1e-9.

use escalation::model::{
    CompiledLadder, Ladder, ModelError, OutcomeClass, OutcomeProbs, Param, Params, Side,
};
use escalation::scenario::Scenario;
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// A rise smaller than this is not counted as an exception.
const TOL: f64 = 1e-9;

/// A random parameter point: the ranges of `tests/model_statics.rs`, with the face-saving
/// discount and the growth of audience costs drawn too.
fn draw(rng: &mut impl Rng, lambda: Option<f64>) -> Params {
    let mut p = Params::new(0);
    let mut set = |i: Param, lo: f64, hi: f64| p.set(i, rng.random_range(lo..hi));
    set(Param::StakeChallenger, 0.3, 4.0);
    set(Param::StakeTarget, 0.1, 2.0);
    set(Param::AudienceChallenger, 0.0, 3.0);
    set(Param::AudienceTarget, 0.0, 2.0);
    set(Param::AudienceGrowth, 0.0, 1.0);
    set(Param::ExportsTarget, 5.0, 25.0);
    set(Param::ImporterBurden, 0.0, 0.4);
    set(Param::FaceSavingDiscount, 0.0, 1.0);
    set(Param::Lambda, 0.5, 8.0);
    set(Param::PriorChallengerResolute, 0.1, 0.9);
    set(Param::PriorTargetResolute, 0.1, 0.9);
    p.set(Param::ExportsChallenger, 17.0);
    p.set(Param::CounterTariff, 0.25);
    p.set(Param::ResolveFactorChallenger, 2.0);
    p.set(Param::ResolveFactorTarget, 2.0);
    p.set(
        Param::BeliefTargetAboutChallenger,
        p.get(Param::PriorChallengerResolute),
    );
    p.set(
        Param::BeliefChallengerAboutTarget,
        p.get(Param::PriorTargetResolute),
    );
    if let Some(l) = lambda {
        p.set(Param::Lambda, l);
    }
    p
}

/// One measure of a static: the quantity that must not rise.
struct Measure {
    what: &'static str,
    param: Param,
    step: (f64, f64),
    burden: Option<f64>,
    value: fn(&OutcomeProbs) -> f64,
}

fn conceded(o: &OutcomeProbs) -> f64 {
    o.class(OutcomeClass::ConcededBeforeTariffs) + o.class(OutcomeClass::ConcededAfterTariffs)
}

/// A class's probability given the crisis (0 without one, as
/// [`OutcomeProbs::yields_given_crisis`]).
fn given_crisis(o: &OutcomeProbs, p: f64) -> f64 {
    if o.crisis > 0.0 {
        p / o.crisis
    } else {
        0.0
    }
}

/// A measure of an audience cost's static: `param` raised by 0.1–2.
const fn audience(what: &'static str, param: Param, value: fn(&OutcomeProbs) -> f64) -> Measure {
    Measure {
        what,
        param,
        step: (0.1, 2.0),
        burden: None,
        value,
    }
}

/// A measure of the exposure static: the target's exports raised by 1–20 ($bn a year), with
/// the importer's burden as drawn or at `burden`.
const fn exposure(
    what: &'static str,
    burden: Option<f64>,
    value: fn(&OutcomeProbs) -> f64,
) -> Measure {
    Measure {
        what,
        param: Param::ExportsTarget,
        step: (1.0, 20.0),
        burden,
        value,
    }
}

const A_C: Param = Param::AudienceChallenger;
const A_T: Param = Param::AudienceTarget;

const MEASURES: [Measure; 11] = [
    audience(
        "a_C up: challenger backs down (class), all plays",
        A_C,
        |o| o.class(OutcomeClass::BackedDown),
    ),
    audience(
        "a_C up: challenger backs down (class), given the crisis",
        A_C,
        |o| given_crisis(o, o.class(OutcomeClass::BackedDown)),
    ),
    audience("a_C up: challenger yields, all plays", A_C, |o| {
        o.yields(Side::Challenger)
    }),
    audience("a_C up: challenger yields, given the crisis", A_C, |o| {
        o.yields_given_crisis(Side::Challenger)
    }),
    audience(
        "a_T up: target concedes (classes), all plays",
        A_T,
        conceded,
    ),
    audience(
        "a_T up: target concedes (classes), given the crisis",
        A_T,
        |o| given_crisis(o, conceded(o)),
    ),
    audience("a_T up: target yields, all plays", A_T, |o| {
        o.yields(Side::Target)
    }),
    audience("a_T up: target yields, given the crisis", A_T, |o| {
        o.yields_given_crisis(Side::Target)
    }),
    exposure(
        "x_T up: target holds firm, all plays (no importer's burden)",
        Some(0.0),
        |o| o.crisis - o.yields(Side::Target),
    ),
    exposure(
        "x_T up: target holds firm, given the crisis (no importer's burden)",
        Some(0.0),
        |o| 1.0 - o.yields_given_crisis(Side::Target),
    ),
    exposure(
        "x_T up: target holds firm, given the crisis (with the burden)",
        None,
        |o| 1.0 - o.yields_given_crisis(Side::Target),
    ),
];

/// Where the draws come from.
#[derive(Clone, Copy)]
enum Points<'a> {
    /// The ranges of [`draw`], at the drawn lambda or at a fixed one.
    Ranges(Option<f64>),
    /// A scenario's priors.
    Priors(&'a Scenario),
}

/// Exceptions of one measure over `draws` draws: (count, largest rise). Draw `i` uses
/// stream `i` of the seed, so the count does not depend on the number of threads.
fn exceptions(
    c: &CompiledLadder,
    m: &Measure,
    draws: usize,
    seed: u64,
    points: Points,
) -> Result<(usize, f64), ModelError> {
    let rises: Vec<f64> = (0..draws as u64)
        .into_par_iter()
        .map_init(
            || c.workspace(),
            |ws, i| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(i);
                let mut lo = match points {
                    Points::Ranges(lambda) => draw(&mut rng, lambda),
                    Points::Priors(scenario) => {
                        let mut p = scenario.new_params();
                        scenario.draw(&mut rng, &mut p);
                        p
                    }
                };
                if let Some(b) = m.burden {
                    lo.set(Param::ImporterBurden, b);
                }
                let mut hi = lo.clone();
                hi.set(
                    m.param,
                    lo.get(m.param) + rng.random_range(m.step.0..m.step.1),
                );
                let mut value = |p: &Params| -> Result<f64, ModelError> {
                    let b = c.behaviour(ws, p)?.to_vec();
                    Ok((m.value)(&c.outcome_probs(&b, p)?))
                };
                Ok(value(&hi)? - value(&lo)?)
            },
        )
        .collect::<Result<_, ModelError>>()?;
    let worst = rises.iter().copied().fold(0.0f64, f64::max);
    Ok((rises.iter().filter(|&&r| r > TOL).count(), worst))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let draws: usize = args.next().map_or(Ok(2000), |a| a.parse())?;
    let seed: u64 = args.next().map_or(Ok(1), |a| a.parse())?;
    let cell = |(n, worst): (usize, f64)| {
        if n == 0 {
            "0".to_string()
        } else {
            format!("{n} (+{worst:.1e})")
        }
    };
    println!("Exceptions in {draws} draws (seed {seed}): count, and the largest rise\n");
    if let Some(path) = args.next() {
        let scenario = Scenario::from_path(&path)?;
        let c = scenario.compile()?;
        println!("| static and measure | {path} |");
        println!("|---|---|");
        for m in &MEASURES {
            let n = exceptions(&c, m, draws, seed, Points::Priors(&scenario))?;
            println!("| {} | {} |", m.what, cell(n));
        }
        return Ok(());
    }
    let ladder = |types| {
        CompiledLadder::new(&Ladder {
            challenger_types: types,
            target_types: types,
            ..Ladder::default()
        })
    };
    let complete = ladder(1)?;
    let private = ladder(2)?;
    println!(
        "| static and measure | complete information | near the SPE (lambda 100) | private types |"
    );
    println!("|---|---|---|---|");
    for m in &MEASURES {
        let a = exceptions(&complete, m, draws, seed, Points::Ranges(None))?;
        let b = exceptions(&complete, m, draws, seed, Points::Ranges(Some(100.0)))?;
        let c = exceptions(&private, m, draws, seed, Points::Ranges(None))?;
        println!("| {} | {} | {} | {} |", m.what, cell(a), cell(b), cell(c));
    }
    Ok(())
}
