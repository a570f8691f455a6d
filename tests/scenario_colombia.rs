//! The Colombia scenario parses, compiles, draws and solves; its documented path has a
//! plausible but not certain likelihood.

use escalation::model::{summarise_equilibrium, Param};
use escalation::scenario::{At, Scenario};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn colombia() -> Scenario {
    Scenario::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/colombia_2025.toml"
    ))
    .unwrap()
}

#[test]
fn colombia_compiles_and_reports() {
    let s = colombia();
    let c = s.compile().unwrap();
    assert!(c.game().nodes().len() < 1000);
    let p = s.point(At::Mean);
    let r = summarise_equilibrium(&c, &p).unwrap();
    println!("{r}");
    println!("{}", s.summary().unwrap());
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, &p).unwrap().to_vec();
    let ll = c
        .path_log_likelihood(&b, &p, &s.documented_path().actions())
        .unwrap();
    println!("log-likelihood of the documented path at the mean: {ll}");
    assert!(ll.is_finite() && ll < 0.0);
}

#[test]
fn draws_are_reproducible_and_in_range() {
    let s = colombia();
    let mut a = s.new_params();
    let mut b = s.new_params();
    s.draw(&mut ChaCha8Rng::seed_from_u64(3), &mut a);
    s.draw(&mut ChaCha8Rng::seed_from_u64(3), &mut b);
    assert_eq!(a, b);
    a.validate().unwrap();
    // No misperception prior for the US: its belief copies the drawn truth.
    assert_eq!(
        a.get(Param::BeliefChallengerAboutTarget),
        a.get(Param::PriorTargetResolute)
    );
}

#[test]
fn every_intervention_applies() {
    let s = colombia();
    for name in [
        "petro_holds_firm_type",
        "petro_holds_firm_deviate",
        "petro_holds_firm_commit",
        "no_ramp",
        "immediate_50",
        "quiet_acceptance",
        "regional_backing",
        "no_visa_sanctions",
    ] {
        let t = s.with_intervention(name).unwrap();
        let c = t.compile().unwrap();
        let p = t.point(At::Median);
        summarise_equilibrium(&c, &p).unwrap();
    }
    assert!(s.with_intervention("nope").is_err());
}
