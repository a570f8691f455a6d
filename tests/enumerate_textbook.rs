//! `solve::enumerate` on games whose equilibria are published: textbook games, von Stengel's
//! examples (Algorithmic Game Theory, ch. 3, 2007) and degenerate games from Nashpy's issue
//! tracker where support enumeration misses equilibria. Compared as sets (the order is checked
//! against Gambit in `enumerate_gambit.rs`).

use escalation::solve::enumerate::{
    enumerate_equilibria, enumerate_equilibria_f64, enumerate_equilibria_with, EnumError,
    EnumOptions, MixedEquilibrium,
};
use ndarray::{array, Array2};
use num_rational::BigRational;

/// A rational from a string like "2/3" or "-4".
fn q(text: &str) -> BigRational {
    text.parse().unwrap()
}

fn qs(texts: &[&str]) -> Vec<BigRational> {
    texts.iter().map(|t| q(t)).collect()
}

fn int_matrix(rows: &[&[i64]]) -> Array2<BigRational> {
    let cols = rows[0].len();
    let flat = rows
        .iter()
        .flat_map(|r| r.iter().map(|&v| BigRational::from_integer(v.into())))
        .collect();
    Array2::from_shape_vec((rows.len(), cols), flat).unwrap()
}

fn eq(p1: &[&str], p2: &[&str], payoffs: [&str; 2]) -> MixedEquilibrium {
    MixedEquilibrium {
        p1: qs(p1),
        p2: qs(p2),
        payoffs: [q(payoffs[0]), q(payoffs[1])],
    }
}

/// Same elements, each once, in any order.
fn assert_same_set(got: &[MixedEquilibrium], want: &[MixedEquilibrium]) {
    assert_eq!(got.len(), want.len(), "got {got:#?}");
    for w in want {
        assert!(got.contains(w), "missing {w:?} in {got:#?}");
    }
}

#[test]
fn matching_pennies_has_the_unique_uniform_equilibrium() {
    let a = int_matrix(&[&[1, -1], &[-1, 1]]);
    let got = enumerate_equilibria(&a, &a.mapv(|x| -x)).unwrap();
    assert_eq!(got, vec![eq(&["1/2", "1/2"], &["1/2", "1/2"], ["0", "0"])]);
}

#[test]
fn battle_of_the_sexes_has_two_pure_and_one_mixed_equilibrium() {
    let a = int_matrix(&[&[2, 0], &[0, 1]]);
    let b = int_matrix(&[&[1, 0], &[0, 2]]);
    let got = enumerate_equilibria(&a, &b).unwrap();
    assert_same_set(
        &got,
        &[
            eq(&["1", "0"], &["1", "0"], ["2", "1"]),
            eq(&["0", "1"], &["0", "1"], ["1", "2"]),
            eq(&["2/3", "1/3"], &["1/3", "2/3"], ["2/3", "2/3"]),
        ],
    );
}

#[test]
fn prisoners_dilemma_has_mutual_defection_only() {
    // Rows/columns: cooperate, defect.
    let a = int_matrix(&[&[-1, -3], &[0, -2]]);
    let got = enumerate_equilibria(&a, &a.t().to_owned()).unwrap();
    assert_eq!(got, vec![eq(&["0", "1"], &["0", "1"], ["-2", "-2"])]);
}

#[test]
fn rock_paper_scissors_has_the_unique_uniform_equilibrium() {
    let a = int_matrix(&[&[0, -1, 1], &[1, 0, -1], &[-1, 1, 0]]);
    let got = enumerate_equilibria(&a, &a.mapv(|x| -x)).unwrap();
    let third = ["1/3", "1/3", "1/3"];
    assert_eq!(got, vec![eq(&third, &third, ["0", "0"])]);
}

/// von Stengel (2007), AGT ch. 3, the 3x2 game of Fig. 3.1 and its three equilibria.
#[test]
fn von_stengel_agt_example_has_its_three_published_equilibria() {
    let a = int_matrix(&[&[3, 3], &[2, 5], &[0, 6]]);
    let b = int_matrix(&[&[3, 2], &[2, 6], &[3, 1]]);
    let got = enumerate_equilibria(&a, &b).unwrap();
    assert_same_set(
        &got,
        &[
            eq(&["1", "0", "0"], &["1", "0"], ["3", "3"]),
            eq(&["4/5", "1/5", "0"], &["2/3", "1/3"], ["3", "14/5"]),
            eq(&["0", "1/3", "2/3"], &["1/3", "2/3"], ["4", "8/3"]),
        ],
    );
}

/// von Stengel (2007), AGT ch. 3, the degenerate variant (b_12 = 3): the pure row 1 has two
/// best responses, and the equilibria (1,0,0) x (y, 1-y) for y in [2/3, 1] form a segment whose
/// two ends must both be reported. Support enumeration over equal-size supports misses the
/// mixed end (QuantEcon.py PR #326).
#[test]
fn von_stengel_degenerate_example_reports_both_ends_of_the_segment() {
    let a = int_matrix(&[&[3, 3], &[2, 5], &[0, 6]]);
    let b = int_matrix(&[&[3, 3], &[2, 6], &[3, 1]]);
    let got = enumerate_equilibria(&a, &b).unwrap();
    assert_same_set(
        &got,
        &[
            eq(&["1", "0", "0"], &["1", "0"], ["3", "3"]),
            eq(&["1", "0", "0"], &["2/3", "1/3"], ["3", "3"]),
            eq(&["0", "1/3", "2/3"], &["1/3", "2/3"], ["4", "8/3"]),
        ],
    );
}

/// Nashpy issue #82: a degenerate 3x5 cost game (players minimise) whose eight extreme
/// equilibria the reporter lists, confirmed by an independent solver; Nashpy's support
/// enumeration found only five. Maximising `-A`, `-B`, payoffs are minus the listed costs.
#[test]
fn nashpy_82_degenerate_game_has_the_eight_listed_equilibria() {
    let a = int_matrix(&[&[0, 0, 6, 0, 0], &[0, 0, 3, 2, 1], &[4, 3, 0, 0, 1]]);
    let b = int_matrix(&[&[3, 0, 2, 1, 0], &[0, 2, 0, 0, 4], &[4, 0, 2, 4, 4]]);
    let got = enumerate_equilibria(&a.mapv(|x| -x), &b.mapv(|x| -x)).unwrap();
    assert_same_set(
        &got,
        &[
            eq(&["1", "0", "0"], &["0", "1", "0", "0", "0"], ["0", "0"]),
            eq(&["1", "0", "0"], &["0", "0", "0", "0", "1"], ["0", "0"]),
            eq(
                &["2/3", "1/3", "0"],
                &["0", "1", "0", "0", "0"],
                ["0", "-2/3"],
            ),
            eq(
                &["1/3", "1/2", "1/6"],
                &["0", "4/9", "2/9", "1/3", "0"],
                ["-4/3", "-1"],
            ),
            eq(
                &["0", "1/2", "1/2"],
                &["0", "1/2", "1/2", "0", "0"],
                ["-3/2", "-1"],
            ),
            eq(
                &["0", "1", "0"],
                &["3/7", "0", "4/7", "0", "0"],
                ["-12/7", "0"],
            ),
            eq(&["0", "1", "0"], &["1", "0", "0", "0", "0"], ["0", "0"]),
            eq(
                &["0", "1", "0"],
                &["3/8", "0", "1/4", "3/8", "0"],
                ["-3/2", "0"],
            ),
        ],
    );
}

/// Nashpy issue #222: player 1 is indifferent between its rows against column 1, and column 1
/// stays a best response while P(row 1) = p <= 2/7; the segment's ends are p = 0 and p = 2/7.
#[test]
fn nashpy_222_continuum_reports_its_two_extreme_points() {
    let a = int_matrix(&[&[-3, 3], &[-3, 5]]);
    let b = int_matrix(&[&[2, 7], &[4, 2]]);
    let got = enumerate_equilibria(&a, &b).unwrap();
    assert_same_set(
        &got,
        &[
            eq(&["0", "1"], &["1", "0"], ["-3", "4"]),
            eq(&["2/7", "5/7"], &["1", "0"], ["-3", "24/7"]),
        ],
    );
}

/// When all payoffs are equal every profile is an equilibrium; the set is the product of the
/// two simplices, whose extreme points are the pure profiles.
#[test]
fn constant_game_reports_every_pure_profile() {
    let ones = int_matrix(&[&[1, 1, 1], &[1, 1, 1]]);
    let got = enumerate_equilibria(&ones, &ones).unwrap();
    let mut want = Vec::new();
    for i in 0..2 {
        for j in 0..3 {
            let mut p1 = vec!["0"; 2];
            let mut p2 = vec!["0"; 3];
            p1[i] = "1";
            p2[j] = "1";
            want.push(eq(&p1, &p2, ["1", "1"]));
        }
    }
    assert_same_set(&got, &want);
}

/// A one-strategy player: the other simply best-responds; ties give every pure best response.
#[test]
fn single_row_game_gives_each_best_column() {
    let a = int_matrix(&[&[0, 0, 0]]);
    let b = int_matrix(&[&[5, 1, 5]]);
    let got = enumerate_equilibria(&a, &b).unwrap();
    assert_same_set(
        &got,
        &[
            eq(&["1"], &["1", "0", "0"], ["0", "5"]),
            eq(&["1"], &["0", "0", "1"], ["0", "5"]),
        ],
    );
}

/// Each finite f64 is converted to the rational it equals exactly, so 0.1 is 3602879701896397 /
/// 2^55, not 1/10: the mixed equilibrium of this coordination game is computed from those values.
#[test]
fn f64_payoffs_are_converted_exactly() {
    let a = array![[0.1, 0.0], [0.0, 0.2]];
    let got = enumerate_equilibria_f64(&a, &a).unwrap();
    assert_eq!(got.len(), 3);
    let tenth = BigRational::from_float(0.1).unwrap();
    let fifth = BigRational::from_float(0.2).unwrap();
    assert_ne!(tenth, q("1/10"));
    // Indifference: 0.1 p = 0.2 (1 - p), so p = 0.2 / (0.1 + 0.2).
    let p = &fifth / (&tenth + &fifth);
    let mixed = got
        .iter()
        .find(|e| e.p1[1] != q("0") && e.p1[0] != q("0"))
        .unwrap();
    assert_eq!(mixed.p1[0], p);
    assert_eq!(mixed.p2[0], p);
}

#[test]
fn shape_mismatch_is_an_error() {
    let a = int_matrix(&[&[1, 2], &[3, 4]]);
    let b = int_matrix(&[&[1, 2, 3], &[3, 4, 5]]);
    let err = enumerate_equilibria(&a, &b).unwrap_err();
    assert_eq!(
        err,
        EnumError::ShapeMismatch {
            a: (2, 2),
            b: (2, 3)
        }
    );
    assert!(err.to_string().contains("2x3"));
}

#[test]
fn empty_game_is_an_error() {
    let empty = Array2::<BigRational>::from_shape_vec((0, 3), vec![]).unwrap();
    let err = enumerate_equilibria(&empty, &empty).unwrap_err();
    assert_eq!(err, EnumError::EmptyGame { rows: 0, cols: 3 });
}

#[test]
fn non_finite_f64_payoff_is_an_error_naming_its_cell() {
    let a = array![[1.0, 2.0], [3.0, 4.0]];
    let b = array![[1.0, 2.0], [f64::INFINITY, 4.0]];
    let err = enumerate_equilibria_f64(&a, &b).unwrap_err();
    assert!(matches!(
        err,
        EnumError::NonFinitePayoff {
            player: 2,
            row: 1,
            col: 0,
            ..
        }
    ));
    assert!(err.to_string().contains("player 2 at row 1, column 0"));
}

#[test]
fn size_cap_is_a_clear_error() {
    let a = int_matrix(&[&[0, -1, 1], &[1, 0, -1], &[-1, 1, 0]]);
    let options = EnumOptions::default().with_max_bases(3);
    let err = enumerate_equilibria_with(&a, &a.mapv(|x| -x), &options).unwrap_err();
    assert!(matches!(err, EnumError::TooManyBases { limit: 3, .. }));
    assert!(err.to_string().contains("more than 3 bases"));
}
