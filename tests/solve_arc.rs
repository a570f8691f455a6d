//! The arc-length continuation on the ladder's rows, which a stalled solve falls back to
//! (Gambit's tracer on the general game, with its dense steps, costs the cube of the game's
//! size): on draws of the Swiss case whose Newton continuation stalls at a fold, it finds the
//! QRE that Gambit's tracer finds on the general game; on the case library's longest ladder
//! it solves a draw that used to run for minutes, in bounded work.

use escalation::mc::{stream, Purpose};
use escalation::model::params::Param;
use escalation::model::Params;
use escalation::scenario::Scenario;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn scenario(path: &str) -> Scenario {
    Scenario::from_path(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Draws of the Swiss case (a small ladder, 132 actions) at up to 10 times their λ until 8
/// of them stall (a fold of the branch); each is solved with Gambit's tracer on the general
/// game (the default for a small game) and by arc length on the rows, and the two profiles
/// must agree.
#[test]
fn arc_length_on_rows_agrees_with_gambits_tracer_where_the_continuation_stalls() {
    let s = scenario("cases/us_switzerland_2025.toml");
    let c = s.compile().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut params = s.new_params();
    let (mut stalled, mut tried, mut worst) = (0, 0, 0.0f64);
    let mut failed_both = 0;
    for &factor in [1.0, 3.0, 10.0].iter().cycle().take(600) {
        s.draw(&mut rng, &mut params);
        let lambda = params.get(Param::Lambda) * factor;
        params.set(Param::Lambda, lambda);
        tried += 1;
        let mut dense = c.workspace();
        dense.set_gambit_first_limit(usize::MAX);
        let reference = match c.behaviour(&mut dense, &params) {
            Ok(b) => b.to_vec(),
            Err(_) => {
                failed_both += 1;
                continue;
            }
        };
        if dense.solver_work().fallbacks == 0 {
            continue;
        }
        stalled += 1;
        let mut arc = c.workspace();
        let ours = c
            .behaviour(&mut arc, &params)
            .unwrap_or_else(|e| panic!("draw {tried}: arc length failed: {e}"))
            .to_vec();
        assert!(arc.solver_work().fallbacks > 0);
        let d = ours
            .iter()
            .zip(&reference)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        worst = worst.max(d);
        assert!(d < 1e-8, "draw {tried} (lambda {lambda}): differs by {d:e}");
        if stalled == 8 {
            break;
        }
    }
    println!(
        "{tried} draws, {stalled} stalled continuations compared, largest difference {worst:e}; \
         {failed_both} unsolved by the default"
    );
    assert!(
        stalled >= 3,
        "only {stalled} stalled solves in {tried} draws"
    );
}

/// Run 16 of `simulate cases/us_china_2025.toml --seed 1`: its continuation stalls at a fold
/// on a ladder of 4,396 actions, which the dense fallback took minutes per step to follow.
#[test]
fn a_stalled_solve_of_a_long_ladder_follows_its_rows() {
    let s = scenario("cases/us_china_2025.toml");
    let c = s.compile().unwrap();
    let mut params: Params = s.new_params();
    s.draw(&mut stream(1, Purpose::RUNS, 16), &mut params);
    let mut ws = c.workspace();
    let b = c.behaviour(&mut ws, &params).unwrap().to_vec();
    let work = ws.solver_work();
    assert!(work.fallbacks > 0, "{work:?}");
    assert!(b.iter().all(|p| p.is_finite() && (0.0..=1.0).contains(p)));
    // Bit-identical on a fresh workspace (no state carried between solves).
    let mut again = c.workspace();
    assert_eq!(c.behaviour(&mut again, &params).unwrap(), &b[..]);
}

/// Draws of `path` (seed 7) whose solve passes at least `min_folds` folds of the branch by
/// arc length, each solved again with Gambit's tracer on the general game; stops after
/// `enough` of them. Returns, per draw compared, its folds and the largest difference of the
/// two profiles.
fn folded_draws_against_gambit(
    path: &str,
    draws: usize,
    min_folds: u64,
    enough: usize,
) -> Vec<(u64, f64)> {
    let s = scenario(path);
    let c = s.compile().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut params = s.new_params();
    let mut ws = c.workspace();
    let mut out = Vec::new();
    for draw in 0..draws {
        s.draw(&mut rng, &mut params);
        let before = ws.solver_work();
        let Ok(ours) = c.behaviour(&mut ws, &params).map(<[f64]>::to_vec) else {
            continue;
        };
        let after = ws.solver_work();
        let folds = after.folds - before.folds;
        if after.fallbacks == before.fallbacks || folds < min_folds {
            continue;
        }
        let mut dense = c.workspace();
        dense.set_gambit_first_limit(usize::MAX);
        let reference = c.behaviour(&mut dense, &params).unwrap().to_vec();
        let d = ours
            .iter()
            .zip(&reference)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        println!(
            "{path} draw {draw}: {folds} folds in {} arc-length steps; differs from Gambit's \
             tracer by {d:e}",
            after.steps - before.steps
        );
        out.push((folds, d));
        if out.len() == enough {
            break;
        }
    }
    out
}

/// A branch that turns back many times: on some draws of the Swiss case the branch passes one
/// fold after another, back and forth in λ (the ladder's nearly independent parts each fold,
/// and the branch takes their folds in turn), so that arc length follows it for hundreds of
/// steps. The first draw (seed 7) whose solve passes at least 10 folds is solved again with
/// Gambit's tracer on the general game: the same QRE.
#[test]
fn a_branch_that_turns_back_many_times_leads_to_gambits_qre() {
    let compared = folded_draws_against_gambit("cases/us_switzerland_2025.toml", 400, 10, 1);
    assert_eq!(compared.len(), 1, "no draw of 400 passes 10 folds");
    let (folds, d) = compared[0];
    assert!(d < 1e-10, "{folds} folds: differs by {d:e}");
}

/// Every draw of 400 (seed 7) of the South African and Swiss cases whose branch folds, against
/// Gambit's tracer (12 draws, up to 32 folds; 15 s in release: Gambit's dense steps take
/// seconds on the longest branches). Run:
/// `cargo test --release --test solve_arc -- --ignored --nocapture`.
#[test]
#[ignore = "15 s in release, Gambit's tracer on long branches; run by .ci/run"]
fn every_folded_draw_of_two_cases_leads_to_gambits_qre() {
    for path in [
        "cases/us_south_africa_2025.toml",
        "cases/us_switzerland_2025.toml",
    ] {
        let compared = folded_draws_against_gambit(path, 400, 1, usize::MAX);
        let most = compared.iter().map(|c| c.0).max().unwrap_or(0);
        let worst = compared.iter().map(|c| c.1).fold(0.0, f64::max);
        println!(
            "{path}: {} draws, up to {most} folds, largest difference {worst:e}",
            compared.len()
        );
        assert!(most >= 10, "{path}: no draw with 10 folds");
        assert!(worst < 1e-10, "{path}: differs by {worst:e}");
    }
}
