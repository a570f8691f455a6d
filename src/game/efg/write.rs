//! Writing `.efg` files.

use super::lexer::quote;
use crate::game::{Game, Mover, NodeId, Number};
use std::fmt::Write as _;

fn list<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    let mut s = String::from("{");
    for i in items {
        s.push(' ');
        s.push_str(&quote(i));
    }
    s.push_str(" }");
    s
}

/// The game as a Gambit `EFG 2 R` file, which Gambit and [`super::parse`] read back.
///
/// Every node repeats its information set's label and actions and its outcome's label and
/// payoffs (as Gambit writes). Outcomes are numbered by their index plus one; outcomes attached
/// to no node are not written. Exact numbers are written as integers or `p/q`; floating
/// payoffs in their shortest round-trip decimal form (read back as the exact decimal).
///
/// # Examples
/// ```
/// use escalation::game::{efg, GameBuilder, Number};
///
/// let mut b = GameBuilder::new(["Alice"]);
/// let root = b.root();
/// let kids = b.chance(root, "coin", &[("heads", Number::ratio(1, 3).unwrap()),
///                                    ("tails", Number::ratio(2, 3).unwrap())])?;
/// b.set_payoffs(kids[0], &[1.0]);
/// b.set_payoffs(kids[1], &[-0.5]);
/// let text = efg::write(&b.build()?);
/// assert!(text.starts_with("EFG 2 R"));
/// assert!(text.contains(r#"c "" 1 "coin" { "heads" 1/3 "tails" 2/3 } 0"#));
/// # Ok::<(), escalation::game::GameError>(())
/// ```
pub fn write(game: &Game) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "EFG 2 R {} {}",
        quote(game.title()),
        list(game.players())
    );
    let _ = writeln!(out, "{}\n", quote(game.comment()));
    let mut stack = vec![game.root()];
    while let Some(id) = stack.pop() {
        write_node(game, id, &mut out);
        stack.extend(game.node(id).children.iter().rev().copied());
    }
    out
}

fn write_node(game: &Game, id: NodeId, out: &mut String) {
    let node = game.node(id);
    match node.infoset {
        None => {
            let _ = write!(out, "t {} ", quote(&node.label));
        }
        Some(s) => {
            let set = game.infoset(s);
            match set.mover {
                Mover::Chance => {
                    let _ = write!(
                        out,
                        "c {} {} {} {{",
                        quote(&node.label),
                        set.number,
                        quote(&set.label)
                    );
                    for (a, p) in set.actions.iter().zip(&set.probs) {
                        let _ = write!(out, " {} {}", quote(a), p);
                    }
                    out.push_str(" } ");
                }
                Mover::Player(p) => {
                    let _ = write!(
                        out,
                        "p {} {} {} {} {} ",
                        quote(&node.label),
                        p + 1,
                        set.number,
                        quote(&set.label),
                        list(&set.actions)
                    );
                }
            }
        }
    }
    match node.outcome {
        Some(o) => {
            let outcome = &game.outcomes()[o.0];
            let pays: Vec<String> = outcome.payoffs.iter().map(Number::to_string).collect();
            let _ = writeln!(
                out,
                "{} {} {{ {} }}",
                o.0 + 1,
                quote(&outcome.label),
                pays.join(", ")
            );
        }
        None => out.push_str("0\n"),
    }
}
