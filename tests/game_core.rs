//! The game core against textbook facts: validation, perfect recall, subgames, strategy counts.

use escalation::game::{GameBuilder, GameError, Mover, Number};

/// Selten's horse (Selten 1975): three players, player 3's information set joins two nodes,
/// so the game has imperfect information, perfect recall and no proper subgame.
fn horse() -> escalation::game::Game {
    let mut b = GameBuilder::new(["1", "2", "3"]);
    let root = b.root();
    let c1 = b.decision(root, 0, "1", &["C", "D"]).unwrap();
    let c2 = b.decision(c1[0], 1, "2", &["c", "d"]).unwrap();
    let i3 = b.new_infoset(2, "3", &["L", "R"]).unwrap();
    let left = b.attach(c1[1], i3).unwrap();
    let right = b.attach(c2[1], i3).unwrap();
    b.set_payoffs(c2[0], &[1.0, 1.0, 1.0]);
    b.set_payoffs(left[0], &[3.0, 3.0, 2.0]);
    b.set_payoffs(left[1], &[0.0, 0.0, 0.0]);
    b.set_payoffs(right[0], &[4.0, 4.0, 0.0]);
    b.set_payoffs(right[1], &[0.0, 0.0, 1.0]);
    b.build().unwrap()
}

#[test]
fn selten_horse_structure() {
    let g = horse();
    assert!(!g.is_perfect_information());
    assert!(g.is_perfect_recall());
    // Only the root is a subgame root: player 3's set straddles both branches.
    assert_eq!(g.subgame_roots(), vec![g.root()]);
    for p in 0..3 {
        assert_eq!(g.num_pure_strategies(p).to_string(), "2");
    }
    match g.require_perfect_information() {
        Err(GameError::NotPerfectInformation {
            members, player, ..
        }) => {
            assert_eq!(members, 2);
            assert_eq!(player, "3");
        }
        other => panic!("expected NotPerfectInformation, got {other:?}"),
    }
}

/// A player who forgets their own earlier move (absent-minded driver-like forgetting across
/// branches) violates perfect recall.
#[test]
fn forgetting_own_move_breaks_perfect_recall() {
    let mut b = GameBuilder::new(["A", "B"]);
    let root = b.root();
    let first = b.decision(root, 0, "first", &["l", "r"]).unwrap();
    let second = b.new_infoset(0, "second", &["x", "y"]).unwrap();
    for &n in &first {
        let leaves = b.attach(n, second).unwrap();
        for &l in &leaves {
            b.set_payoffs(l, &[0.0, 0.0]);
        }
    }
    let g = b.build().unwrap();
    assert!(!g.is_perfect_recall());
    assert_eq!(g.num_pure_strategies(0).to_string(), "4");
    assert_eq!(g.num_pure_strategies(1).to_string(), "1");
}

/// In a perfect-information game every decision node roots a subgame.
#[test]
fn perfect_information_subgames() {
    let mut b = GameBuilder::new(["E", "I"]);
    let root = b.root();
    let k = b.decision(root, 0, "entry", &["Out", "In"]).unwrap();
    b.set_payoffs(k[0], &[0.0, 2.0]);
    let r = b
        .chance(
            k[1],
            "demand",
            &[
                ("high", Number::ratio(1, 3).unwrap()),
                ("low", Number::ratio(2, 3).unwrap()),
            ],
        )
        .unwrap();
    for &n in &r {
        let f = b.decision(n, 1, "", &["Fight", "Acc"]).unwrap();
        b.set_payoffs(f[0], &[-1.0, -1.0]);
        b.set_payoffs(f[1], &[1.0, 1.0]);
    }
    let g = b.build().unwrap();
    assert!(g.is_perfect_information());
    let decision_nodes = g.nodes().iter().filter(|n| !n.is_terminal()).count();
    assert_eq!(g.subgame_roots().len(), decision_nodes);
    assert_eq!(g.num_pure_strategies(1).to_string(), "4");
    assert_eq!(g.mover(g.root()), Some(Mover::Player(0)));
}

#[test]
fn chance_probabilities_are_checked_exactly() {
    let build = |p: Number, q: Number| {
        let mut b = GameBuilder::new(["A"]);
        let root = b.root();
        let kids = b.chance(root, "nature", &[("a", p), ("b", q)]).unwrap();
        for &k in &kids {
            b.set_payoffs(k, &[1.0]);
        }
        b.build()
    };
    // 1/3 + 2/3 is exactly one.
    assert!(build(Number::ratio(1, 3).unwrap(), Number::ratio(2, 3).unwrap()).is_ok());
    // 0.3333333333 + 2/3 is not, when kept exact.
    let err = build(
        Number::parse("0.3333333333").unwrap(),
        Number::ratio(2, 3).unwrap(),
    );
    assert!(
        matches!(err, Err(GameError::ProbabilitySum { .. })),
        "{err:?}"
    );
    let err = build(Number::int(-1), Number::int(2));
    assert!(
        matches!(err, Err(GameError::BadProbability { .. })),
        "{err:?}"
    );
}

#[test]
fn payoff_vectors_must_match_players() {
    let mut b = GameBuilder::new(["A", "B"]);
    let root = b.root();
    let kids = b.decision(root, 0, "", &["x", "y"]).unwrap();
    b.set_payoffs(kids[0], &[1.0]);
    b.set_payoffs(kids[1], &[1.0, 2.0]);
    assert!(matches!(
        b.build(),
        Err(GameError::PayoffCount {
            got: 1,
            players: 2,
            ..
        })
    ));
}

#[test]
fn builder_rejects_bad_references() {
    let mut b = GameBuilder::new(["A"]);
    assert!(matches!(
        b.new_infoset(3, "", &["x"]),
        Err(GameError::NoSuchPlayer {
            player: 3,
            count: 1
        })
    ));
    assert!(matches!(
        b.new_infoset(0, "", &[]),
        Err(GameError::NoActions { .. })
    ));
    let root = b.root();
    let i = b.new_infoset(0, "", &["x"]).unwrap();
    b.attach(root, i).unwrap();
    assert!(matches!(
        b.attach(root, i),
        Err(GameError::NodeNotTerminal(0))
    ));
}

#[test]
fn payoffs_accumulate_along_the_path() {
    // Gambit semantics: outcomes on interior nodes add to the terminal payoff.
    let mut b = GameBuilder::new(["A"]);
    let root = b.root();
    let kids = b.decision(root, 0, "", &["x", "y"]).unwrap();
    let o = b.new_outcome("toll", vec![Number::int(-2)]);
    b.set_outcome(root, o).unwrap();
    b.set_payoffs(kids[0], &[5.0]);
    let g = b.build().unwrap();
    let acc = g.accumulated_payoffs();
    assert_eq!(acc[kids[0].0], vec![3.0]);
    assert_eq!(acc[kids[1].0], vec![-2.0]);
}

/// Information sets are numbered per mover, from 1 and after the largest number given so far
/// (as Gambit files number them): a number given explicitly moves the next one on, and each
/// player and chance count on their own.
#[test]
fn information_sets_are_numbered_per_mover() {
    let mut b = GameBuilder::new(["A", "B"]);
    let kids = b.decision(b.root(), 0, "a1", &["l", "r"]).unwrap();
    let left = b.decision(kids[0], 1, "b1", &["x", "y"]).unwrap();
    let a7 = b
        .new_infoset_numbered(
            Mover::Player(0),
            7,
            "a7",
            vec!["u".into(), "v".into()],
            Vec::new(),
        )
        .unwrap();
    let right = b.attach(kids[1], a7).unwrap();
    let a8 = b.decision(right[0], 0, "a8", &["p", "q"]).unwrap();
    let b2 = b.decision(right[1], 1, "b2", &["p", "q"]).unwrap();
    let half = Number::ratio(1, 2).unwrap();
    let coin = b
        .chance(left[0], "coin", &[("h", half.clone()), ("t", half)])
        .unwrap();
    for leaf in [coin[0], coin[1], left[1], a8[0], a8[1], b2[0], b2[1]] {
        b.set_payoffs(leaf, &[1.0, -1.0]);
    }
    let g = b.build().unwrap();
    let numbers: Vec<(Mover, usize)> = g.infosets().iter().map(|s| (s.mover, s.number)).collect();
    assert_eq!(
        numbers,
        vec![
            (Mover::Player(0), 1),
            (Mover::Player(1), 1),
            (Mover::Player(0), 7),
            (Mover::Player(0), 8),
            (Mover::Player(1), 2),
            (Mover::Chance, 1),
        ]
    );
}
