//! The `.efg` and `.nfg` grammar, feature by feature, on small files whose meaning can be
//! checked by hand against Gambit's format description.

use escalation::game::{efg, nfg, Mover, Number};

fn q(s: &str) -> Number {
    Number::parse(s).unwrap()
}

#[test]
fn numbers_in_every_gambit_notation_are_kept_exact() {
    let g = efg::parse(
        r#"EFG 2 D "decimals" { "A" "B" "C" "D" "E" "F" }
t "" 1 "o" { 0.25 1.5e-3 .5 +3 -2E2 -7/21 }"#,
    )
    .unwrap();
    let pays = &g.outcomes()[0].payoffs;
    let want = [
        Number::ratio(1, 4),
        Number::ratio(3, 2000),
        Number::ratio(1, 2),
        Number::ratio(3, 1),
        Number::ratio(-200, 1),
        Number::ratio(-1, 3),
    ];
    for (got, want) in pays.iter().zip(want) {
        assert_eq!(Some(got.clone()), want);
    }
    assert_eq!(pays[5].to_string(), "-1/3");
}

#[test]
fn labels_keep_escaped_quotes_backslashes_newlines_and_unicode() {
    let g = efg::parse(
        "EFG 2 R \"say \\\"hi\\\"\" { \"back\\\\slash\" \"a\\b\" \"Zoë\" }\n\"two\nlines\"\nt \"\" 0",
    )
    .unwrap();
    assert_eq!(g.title(), "say \"hi\"");
    assert_eq!(g.players(), ["back\\slash", "a\\b", "Zoë"]);
    assert_eq!(g.comment(), "two\nlines");
    let again = efg::parse(&efg::write(&g)).unwrap();
    assert_eq!(again, g);
}

#[test]
fn the_comment_is_optional() {
    let g = efg::parse("EFG 2 R \"\" { \"P\" } t \"\" 0").unwrap();
    assert_eq!(g.comment(), "");
    assert_eq!(g.nodes().len(), 1);
}

#[test]
fn outcomes_are_reused_by_number_and_add_up_along_the_path() {
    // Outcome 1 sits on the root and is reused by a terminal; outcome 2 is given twice
    // identically (allowed) and once by number only.
    let g = efg::parse(
        r#"EFG 2 R "" { "P1" "P2" }
p "root" 1 1 "" { "a" "b" "c" } 1 "entry fee" { -1, 0 }
t "" 2 "prize" { 5, 1/2 }
t "" 2 "prize" { 5, 1/2 }
t "" 1
"#,
    )
    .unwrap();
    assert_eq!(g.outcomes().len(), 2);
    assert_eq!(g.node(g.root()).label, "root");
    let acc = g.accumulated_payoffs();
    let leaves: Vec<usize> = g.terminals().map(|t| t.0).collect();
    assert_eq!(acc[leaves[0]], vec![4.0, 0.5]);
    assert_eq!(acc[leaves[1]], vec![4.0, 0.5]);
    assert_eq!(acc[leaves[2]], vec![-2.0, 0.0]);
}

#[test]
fn information_sets_are_per_player_numbered_and_ordered_by_number() {
    // Player 1 uses numbers 5 and 2; player 2 also has a set numbered 2. The later node of
    // player 1's set 5 omits the action list; chance set 1 is reused with its list repeated.
    let g = efg::parse(
        r#"EFG 2 R "" { "P1" "P2" }
c "" 1 "nature" { "x" 1/4 "y" 3/4 } 0
p "" 1 5 "first" { "L" "R" } 0
p "" 2 2 "" { "l" "r" } 0
t "" 1 "" { 1, 1 }
t "" 0
t "" 0
p "" 1 5 0
p "" 1 2 "later" { "U" "D" } 0
c "" 1 "nature" { "x" 1/4 "y" 3/4 } 0
t "" 0
t "" 0
t "" 0
t "" 0
"#,
    )
    .unwrap();
    let p1 = g.player_infosets(0);
    let numbers: Vec<usize> = p1.iter().map(|&s| g.infoset(s).number).collect();
    assert_eq!(numbers, [2, 5]);
    assert_eq!(g.infoset(p1[1]).members.len(), 2);
    assert_eq!(g.infoset(g.player_infosets(1)[0]).number, 2);
    let chance: Vec<_> = g
        .infosets()
        .iter()
        .filter(|s| s.mover == Mover::Chance)
        .collect();
    assert_eq!(chance.len(), 1);
    assert_eq!(chance[0].members.len(), 2);
    assert_eq!(chance[0].probs, [q("1/4"), q("3/4")]);
    // Profile layout: player 1's set 2 ("later") before set 5 ("first").
    let order: Vec<&str> = g
        .profile_layout()
        .order
        .iter()
        .map(|&s| g.infoset(s).label.as_str())
        .collect();
    assert_eq!(order, ["later", "first", ""]);
}

#[test]
fn comma_separated_and_space_separated_payoffs_are_the_same() {
    let a = efg::parse("EFG 2 R \"\" { \"A\" \"B\" } t \"\" 1 \"\" { 1, 2 }").unwrap();
    let b = efg::parse("EFG 2 R \"\" { \"A\" \"B\" } t \"\" 1 \"\" { 1 2 }").unwrap();
    assert_eq!(a, b);
}

#[test]
fn nfg_strategy_counts_and_outcome_form() {
    // Outcome 0 is the all-zero outcome; strategies given as counts are labelled 1, 2, ...
    let g = nfg::parse(
        r#"NFG 1 D "" { "A" "B" } { 3 2 } "c"
{ { "o1" 1, 2 } { "o2" 3 4 } }
1 0 2 2 0 1"#,
    )
    .unwrap();
    assert_eq!(g.strategies(), [vec!["1", "2", "3"], vec!["1", "2"]]);
    assert_eq!(g.comment(), "c");
    let col = |p: &[usize]| -> Vec<String> {
        g.payoff(p).unwrap().iter().map(|x| x.to_string()).collect()
    };
    assert_eq!(col(&[0, 0]), ["1", "2"]);
    assert_eq!(col(&[1, 0]), ["0", "0"]);
    assert_eq!(col(&[2, 0]), ["3", "4"]);
    assert_eq!(col(&[0, 1]), ["3", "4"]);
    assert_eq!(col(&[2, 1]), ["1", "2"]);
    assert_eq!(g.profile_index(&[2, 1]), Some(5));
    assert_eq!(g.profile_at(5), [2, 1]);
    assert!(g.payoff(&[3, 0]).is_none());
}
