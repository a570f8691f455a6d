//! Equilibria do not depend on the payoffs' scale. A positive affine map of each player's
//! payoffs (`c x + d`, `c > 0`) changes no equilibrium of any kind, so every bundled Gambit game
//! (whose unscaled answers `tests/solve_gambit.rs` checks against pygambit) must give the same
//! equilibria, in the same order, with its payoffs scaled by 10^12 or 10^300, shifted by 10^12,
//! or shrunk by 10^-300; the payoffs reported must be the mapped ones. Before `spe`, `pure`
//! and `enum` decided ties exactly, payoffs near 10^308 gave `null` payoffs and spurious
//! equilibria, and a shift of 10^12 made a gain of 1 count as a tie.

use escalation::game::load::{read_game_file, LoadedGame};
use escalation::game::{Game, GameBuilder, Mover, NodeId, Number};
use escalation::solve::enumerate::enumerate_equilibria;
use escalation::solve::{pure, spe, Equilibrium, SolveError};
use ndarray::Array2;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Pow;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GAMES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gambit/games");

fn ten_to(k: i32) -> BigRational {
    let p = BigRational::from_integer(BigInt::from(10).pow(k.unsigned_abs()));
    if k >= 0 {
        p
    } else {
        p.recip()
    }
}

/// The maps tried, each with its name: `x ↦ c x + d`.
fn maps() -> Vec<(&'static str, BigRational, BigRational)> {
    let zero = BigRational::from_integer(BigInt::from(0));
    vec![
        ("x 1e12", ten_to(12), zero.clone()),
        ("x 1e300", ten_to(300), zero.clone()),
        ("x 1e-300", ten_to(-300), zero),
        ("+ 1e12", ten_to(0), ten_to(12)),
        ("x 1e300 + 1e307", ten_to(300), ten_to(307)),
    ]
}

fn exact(n: &Number) -> BigRational {
    match n {
        Number::Exact(r) => r.clone(),
        Number::Float(x) => BigRational::from_float(*x).expect("finite payoff"),
    }
}

fn to_f64(r: &BigRational) -> f64 {
    num_traits::ToPrimitive::to_f64(r).expect("in range")
}

/// The game with the same tree, information sets and chance, and each terminal's payoff
/// (accumulated along its path) mapped by `x ↦ c x + d`, as one outcome at the terminal.
fn mapped(game: &Game, c: &BigRational, d: &BigRational) -> Game {
    let np = game.num_players();
    let mut b = GameBuilder::new(game.players().to_vec());
    let mut sets = vec![None; game.infosets().len()];
    let mut new_id = vec![NodeId(0); game.nodes().len()];
    let mut acc: Vec<Vec<BigRational>> = Vec::new();
    for (i, node) in game.nodes().iter().enumerate() {
        let mut v = match node.parent {
            Some((p, _)) => acc[p.0].clone(),
            None => vec![BigRational::from_integer(BigInt::from(0)); np],
        };
        if let Some(o) = node.outcome {
            for (x, pay) in v.iter_mut().zip(&game.outcomes()[o.0].payoffs) {
                *x += exact(pay);
            }
        }
        match node.infoset {
            None => {
                let pays = v.iter().map(|x| Number::Exact(x * c + d)).collect();
                let o = b.new_outcome("", pays);
                b.set_outcome(new_id[i], o).expect("node exists");
            }
            Some(s) => {
                let set = game.infoset(s);
                let id = match sets[s.0] {
                    Some(id) => id,
                    None => {
                        let id = b
                            .new_infoset_numbered(
                                set.mover,
                                set.number,
                                &set.label,
                                set.actions.clone(),
                                set.probs.clone(),
                            )
                            .expect("valid set");
                        sets[s.0] = Some(id);
                        id
                    }
                };
                let kids = b.attach(new_id[i], id).expect("terminal node");
                for (k, child) in kids.into_iter().zip(&node.children) {
                    new_id[child.0] = k;
                }
            }
        }
        acc.push(v);
    }
    b.build().expect("the mapped game is valid")
}

fn flats(eqs: &[Equilibrium]) -> Vec<Vec<f64>> {
    eqs.iter().map(|e| e.profile.flat().to_vec()).collect()
}

/// Same profiles in the same order, payoffs the mapped ones (to the nearest float, 1e-12).
fn assert_same(
    what: &str,
    base: &[Equilibrium],
    scaled: &[Equilibrium],
    c: &BigRational,
    d: &BigRational,
) {
    assert_eq!(flats(base), flats(scaled), "{what}: equilibria differ");
    for (e, s) in base.iter().zip(scaled) {
        for (x, y) in e.payoffs.iter().zip(&s.payoffs) {
            let want = to_f64(&(BigRational::from_float(*x).expect("finite") * c + d));
            assert!(y.is_finite(), "{what}: payoff {y}");
            assert!(
                (y - want).abs() <= 1e-12 * want.abs().max(f64::MIN_POSITIVE),
                "{what}: payoff {y}, want {want}"
            );
        }
    }
}

fn games() -> Vec<(String, LoadedGame)> {
    let mut out: Vec<(String, LoadedGame)> = std::fs::read_dir(GAMES)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, read_game_file(&p).expect("bundled game reads"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn spe_and_pure_equilibria_survive_every_scale() {
    let mut checked = 0;
    for (name, loaded) in games() {
        let game = loaded.to_game().into_owned();
        let base_spe = game
            .is_perfect_information()
            .then(|| spe::solve(&game).expect("spe"));
        let base_pure = pure::solve(&game).expect("pure");
        for (label, c, d) in maps() {
            let g = mapped(&game, &c, &d);
            let what = format!("{name} {label}");
            if let Some(base) = &base_spe {
                assert_same(
                    &format!("{what} spe"),
                    base,
                    &spe::solve(&g).expect("spe"),
                    &c,
                    &d,
                );
            }
            assert_same(
                &format!("{what} pure"),
                &base_pure,
                &pure::solve(&g).expect("pure"),
                &c,
                &d,
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 38 * 5);
}

#[test]
fn enum_equilibria_survive_every_scale() {
    let mut checked = 0;
    for (name, loaded) in games() {
        let LoadedGame::Strategic(nf) = loaded else {
            continue;
        };
        if nf.num_players() != 2 {
            continue;
        }
        let (a, b) = nf.payoff_matrices().expect("two players");
        let ex = |m: &Array2<Number>| m.map(exact);
        let base = enumerate_equilibria(&ex(&a), &ex(&b)).expect("enum");
        for (label, c, d) in maps() {
            let map = |m: &Array2<Number>| m.map(|x| exact(x) * &c + &d);
            let scaled = enumerate_equilibria(&map(&a), &map(&b)).expect("enum");
            assert_eq!(base.len(), scaled.len(), "{name} {label}");
            for (e, s) in base.iter().zip(&scaled) {
                assert_eq!((&e.p1, &e.p2), (&s.p1, &s.p2), "{name} {label}");
                for (x, y) in e.payoffs.iter().zip(&s.payoffs) {
                    assert_eq!(&(x * &c + &d), y, "{name} {label}");
                }
                assert!(
                    s.payoffs_f64().iter().all(|x| x.is_finite()),
                    "{name} {label}"
                );
            }
            checked += 1;
        }
    }
    // The bundled two-player strategic forms: nau2004 section 3, shapley1974 figures 2 and 3.
    assert_eq!(checked, 3 * 5);
}

/// Entry deterrence shifted by 10^12: the entrant's 10^12 + 1 from entering beats its 10^12
/// from staying out, so (In, Accommodate) is the only subgame-perfect equilibrium; a relative
/// tolerance of 10^-12 made the gain of 1 a tie and added (Out, Accommodate).
#[test]
fn a_gain_of_one_at_1e12_is_a_gain() {
    let mut b = GameBuilder::new(["E", "I"]);
    let root = b.root();
    let kids = b
        .decision(root, 0, "entry", &["Out", "In"])
        .expect("decision");
    b.set_payoffs(kids[0], &[1e12, 1e12 + 2.0]);
    let resp = b
        .decision(kids[1], 1, "response", &["Fight", "Acc"])
        .expect("decision");
    b.set_payoffs(resp[0], &[1e12 - 1.0, 1e12 - 1.0]);
    b.set_payoffs(resp[1], &[1e12 + 1.0, 1e12 + 1.0]);
    let game = b.build().expect("valid");
    let eqs = spe::solve(&game).expect("spe");
    assert_eq!(flats(&eqs), vec![vec![0.0, 1.0, 0.0, 1.0]]);
    assert_eq!(eqs[0].payoffs, vec![1e12 + 1.0, 1e12 + 1.0]);
    // Agent Nash: (In, Acc) and (Out, Fight), not (Out, Acc).
    let eqs = pure::solve(&game).expect("pure");
    assert_eq!(
        flats(&eqs),
        vec![vec![1.0, 0.0, 1.0, 0.0], vec![0.0, 1.0, 0.0, 1.0]]
    );
}

/// A chance node averaging two payoffs of ±1e308: the float sum overflowed to infinity and
/// the expectation came out NaN (`null` in JSON). Exactly, it is 0 against 1 for stopping.
#[test]
fn chance_over_payoffs_near_the_float_limit() {
    let mut b = GameBuilder::new(["A", "B"]);
    let root = b.root();
    let kids = b
        .decision(root, 0, "a", &["Stop", "Gamble"])
        .expect("decision");
    b.set_payoffs(kids[0], &[1.0, 0.0]);
    let half = Number::ratio(1, 2).expect("ratio");
    let draw = b
        .chance(kids[1], "coin", &[("H", half.clone()), ("T", half)])
        .expect("chance");
    b.set_payoffs(draw[0], &[1e308, 1e308]);
    b.set_payoffs(draw[1], &[-1e308, 1.5e308]);
    let game = b.build().expect("valid");
    let eqs = spe::solve(&game).expect("spe");
    assert_eq!(flats(&eqs), vec![vec![1.0, 0.0]]);
    assert_eq!(eqs[0].payoffs, vec![1.0, 0.0]);
    let pure = pure::solve(&game).expect("pure");
    assert_eq!(flats(&pure), vec![vec![1.0, 0.0]]);
}

fn game_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("escalation-scaled-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// `escalation solve FILE --method METHOD --json`.
fn solve_json(path: &Path, method: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args([
            "solve",
            path.to_str().expect("utf-8"),
            "--method",
            method,
            "--json",
        ])
        .output()
        .expect("runs")
}

#[test]
fn payoffs_beyond_the_float_range_are_a_clear_error() {
    let text = "EFG 2 R \"big\" { \"E\" \"I\" }\n\"\"\n\np \"\" 1 1 \"\" { \"Out\" \"In\" } 0\n\
                t \"\" 1 \"\" { 0, 2e308 }\nt \"\" 2 \"\" { 1, 1 }\n";
    let game = escalation::game::efg::parse(text).expect("parses");
    for r in [
        spe::solve(&game).map(|_| ()),
        pure::solve(&game).map(|_| ()),
    ] {
        match r {
            Err(SolveError::PayoffOutOfRange { player, value, .. }) => {
                assert_eq!(player, "I");
                assert_eq!(value, "2.0e308");
            }
            other => panic!("expected PayoffOutOfRange, got {other:?}"),
        }
    }
    let path = game_file("big.efg", text);
    for method in ["spe", "pure"] {
        let out = solve_json(&path, method);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{method}: {err}");
        assert!(
            err.contains("big.efg") && err.contains("2.0e308"),
            "{method}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
}

/// Through the binary: battle of the sexes with payoffs times 10^300 gives Gambit's three
/// equilibria with finite payoffs (no `null`).
#[test]
fn json_payoffs_are_finite_at_1e300() {
    let text = "NFG 1 R \"BoS\" { \"1\" \"2\" } { 2 2 } 3e300 2e300 0 0 0 0 2e300 3e300\n";
    let path = game_file("bos300.nfg", text);
    for (method, count) in [("enum", 3), ("pure", 2)] {
        let out = solve_json(&path, method);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("null"), "{method}: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(
            v["equilibria"].as_array().map(Vec::len),
            Some(count),
            "{method}"
        );
    }
}

#[test]
fn mover_kinds_are_kept_by_the_map() {
    // The map keeps chance sets as chance sets (a check on the helper itself).
    for (name, loaded) in games() {
        let game = loaded.to_game().into_owned();
        let (c, d) = (ten_to(12), ten_to(0));
        let g = mapped(&game, &c, &d);
        let kinds = |g: &Game| {
            let mut k: Vec<(Mover, usize)> = g
                .infosets()
                .iter()
                .map(|s| (s.mover, s.num_actions()))
                .collect();
            k.sort();
            k
        };
        assert_eq!(kinds(&game), kinds(&g), "{name}");
        assert_eq!(game.nodes().len(), g.nodes().len(), "{name}");
    }
}
