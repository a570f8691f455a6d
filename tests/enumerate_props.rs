//! Invariants of `solve::enumerate` on random games: every returned pair is a Nash equilibrium
//! (checked exactly: no pure deviation gains), strategies are probability vectors summing to
//! exactly 1, payoffs are the expected payoffs, no equilibrium is repeated, at least one exists
//! (Nash 1951); in nondegenerate games the number is odd (Lemke–Howson 1964; Shapley 1974) and
//! each equilibrium's two supports have equal size (von Stengel 2007, AGT ch. 3, Prop. 3.2).

use std::collections::HashSet;

use escalation::solve::enumerate::{enumerate_equilibria, MixedEquilibrium};
use ndarray::Array2;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use proptest::prelude::*;

fn to_matrix(rows: usize, cols: usize, values: Vec<i64>) -> Array2<BigRational> {
    Array2::from_shape_vec(
        (rows, cols),
        values
            .into_iter()
            .map(|v| BigRational::from_integer(v.into()))
            .collect(),
    )
    .unwrap()
}

/// A game of the given size range with payoffs drawn from `range`.
fn game(
    sizes: std::ops::RangeInclusive<usize>,
    range: std::ops::RangeInclusive<i64>,
) -> impl Strategy<Value = (Array2<BigRational>, Array2<BigRational>)> {
    (sizes.clone(), sizes).prop_flat_map(move |(rows, cols)| {
        let n = rows * cols;
        (
            proptest::collection::vec(range.clone(), n),
            proptest::collection::vec(range.clone(), n),
        )
            .prop_map(move |(a, b)| (to_matrix(rows, cols, a), to_matrix(rows, cols, b)))
    })
}

fn is_probability_vector(p: &[BigRational]) -> bool {
    p.iter().all(|v| !v.is_negative()) && p.iter().fold(BigRational::zero(), |s, v| s + v).is_one()
}

/// `m p2` (payoff of each row against p2) and `p1ᵀ m` (of each column against p1).
fn row_values(m: &Array2<BigRational>, p2: &[BigRational]) -> Vec<BigRational> {
    m.rows()
        .into_iter()
        .map(|row| row.iter().zip(p2).map(|(v, p)| v * p).sum())
        .collect()
}

fn col_values(m: &Array2<BigRational>, p1: &[BigRational]) -> Vec<BigRational> {
    m.columns()
        .into_iter()
        .map(|col| col.iter().zip(p1).map(|(v, p)| v * p).sum())
        .collect()
}

fn check_equilibrium(a: &Array2<BigRational>, b: &Array2<BigRational>, e: &MixedEquilibrium) {
    assert_eq!(e.p1.len(), a.nrows());
    assert_eq!(e.p2.len(), a.ncols());
    assert!(is_probability_vector(&e.p1), "{e:?}");
    assert!(is_probability_vector(&e.p2), "{e:?}");
    let rows = row_values(a, &e.p2);
    let cols = col_values(b, &e.p1);
    let u1: BigRational = rows.iter().zip(&e.p1).map(|(v, p)| v * p).sum();
    let u2: BigRational = cols.iter().zip(&e.p2).map(|(v, p)| v * p).sum();
    assert_eq!(e.payoffs, [u1.clone(), u2.clone()]);
    assert!(
        rows.iter().all(|v| *v <= u1),
        "player 1 gains by deviating: {e:?}"
    );
    assert!(
        cols.iter().all(|v| *v <= u2),
        "player 2 gains by deviating: {e:?}"
    );
}

fn support(p: &[BigRational]) -> usize {
    p.iter().filter(|v| !v.is_zero()).count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Small payoff ranges make ties, hence degenerate games, common.
    #[test]
    fn every_result_is_a_distinct_exact_equilibrium((a, b) in game(1..=4, -2..=2)) {
        let equilibria = enumerate_equilibria(&a, &b).unwrap();
        prop_assert!(!equilibria.is_empty());
        let mut seen = HashSet::new();
        for e in &equilibria {
            check_equilibrium(&a, &b, e);
            prop_assert!(seen.insert((e.p1.clone(), e.p2.clone())), "duplicate {:?}", e);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Payoffs from a range this wide make a game degenerate with negligible probability.
    #[test]
    fn nondegenerate_games_have_an_odd_number_of_equilibria(
        (a, b) in game(1..=4, -1_000_000_000..=1_000_000_000)
    ) {
        let equilibria = enumerate_equilibria(&a, &b).unwrap();
        prop_assert_eq!(equilibria.len() % 2, 1, "{} equilibria", equilibria.len());
        for e in &equilibria {
            check_equilibrium(&a, &b, e);
            prop_assert_eq!(support(&e.p1), support(&e.p2));
        }
    }
}
