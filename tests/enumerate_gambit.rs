//! `solve::enumerate` against Gambit: for every game in `fixtures/enumerate/gambit_enummixed.json`
//! (made by `fixtures/enumerate/generate.py` with pygambit's `enummixed_solve(rational=True)`),
//! the same extreme equilibria, exactly, in the same order, with the same payoffs.
//!
//! In degenerate games Gambit's reverse search can accept two bases of one vertex as
//! lexicographically minimal, and then lists the same equilibrium more than once (Gambit's own
//! source notes "two different bases could lead to the same key"). We return each equilibrium
//! once, at its first position in Gambit's list, so Gambit's list is deduplicated before the
//! comparison.

use std::str::FromStr;

use escalation::solve::enumerate::{enumerate_equilibria, MixedEquilibrium};
use ndarray::Array2;
use num_rational::BigRational;
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    games: Vec<GameCase>,
}

#[derive(Deserialize)]
struct GameCase {
    name: String,
    source: String,
    a: Vec<Vec<String>>,
    b: Vec<Vec<String>>,
    equilibria: Vec<EquilibriumCase>,
}

#[derive(Deserialize)]
struct EquilibriumCase {
    p1: Vec<String>,
    p2: Vec<String>,
    payoffs: [String; 2],
}

fn rational(text: &str) -> BigRational {
    BigRational::from_str(text).unwrap_or_else(|e| panic!("bad rational {text:?}: {e}"))
}

fn matrix(rows: &[Vec<String>]) -> Array2<BigRational> {
    let cols = rows[0].len();
    let flat = rows.iter().flatten().map(|s| rational(s)).collect();
    Array2::from_shape_vec((rows.len(), cols), flat).unwrap()
}

fn expected(case: &EquilibriumCase) -> MixedEquilibrium {
    MixedEquilibrium {
        p1: case.p1.iter().map(|s| rational(s)).collect(),
        p2: case.p2.iter().map(|s| rational(s)).collect(),
        payoffs: [rational(&case.payoffs[0]), rational(&case.payoffs[1])],
    }
}

fn fixture() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/enumerate/gambit_enummixed.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn check(case: &GameCase) {
    let a = matrix(&case.a);
    let b = matrix(&case.b);
    let got = enumerate_equilibria(&a, &b).unwrap();
    let mut want: Vec<MixedEquilibrium> = Vec::new();
    for e in case.equilibria.iter().map(expected) {
        if !want.contains(&e) {
            want.push(e);
        }
    }
    assert_eq!(
        got.len(),
        want.len(),
        "{} ({}): {} equilibria, Gambit has {}",
        case.name,
        case.source,
        got.len(),
        want.len()
    );
    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(
            g, w,
            "{} ({}): equilibrium #{k} differs",
            case.name, case.source
        );
    }
}

#[test]
fn same_equilibria_in_same_order_as_gambit_enummixed() {
    let fixture = fixture();
    assert!(fixture.games.len() >= 40);
    for case in &fixture.games {
        check(case);
    }
}

/// Degenerate games where Gambit repeats equilibria: deduplicating must leave exactly the
/// distinct ones, which are fewer.
#[test]
fn gambit_duplicates_in_degenerate_games_are_returned_once() {
    let fixture = fixture();
    let case = fixture
        .games
        .iter()
        .find(|g| g.name == "nashpy_39")
        .unwrap();
    assert_eq!(case.equilibria.len(), 9, "Gambit lists 9 with repetitions");
    let got = enumerate_equilibria(&matrix(&case.a), &matrix(&case.b)).unwrap();
    // Two optimal strategies per player, (1/2, 0, 1/2, 0) and (1/3, 1/3, 0, 1/3): 2 x 2 pairs.
    assert_eq!(got.len(), 4);
}

/// von Stengel (1999), "New maximal numbers of equilibria in bimatrix games": this 6x6 game has
/// 75 equilibria, more than the conjectured bound 2^6 - 1 = 63; the game is nondegenerate, so
/// all of them are isolated and the count is odd.
#[test]
fn von_stengel_6x6_game_has_75_equilibria() {
    let fixture = fixture();
    for name in ["von_stengel_1999_75", "von_stengel_1999_75_small"] {
        let case = fixture.games.iter().find(|g| g.name == name).unwrap();
        let got = enumerate_equilibria(&matrix(&case.a), &matrix(&case.b)).unwrap();
        assert_eq!(got.len(), 75, "{name}");
    }
}
