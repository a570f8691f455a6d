//! Graphviz export of a game tree.
//!
//! Decision nodes are ellipses labelled with the mover (coloured by player), chance nodes
//! diamonds, terminals boxes with their payoffs (summed along the path). Edges carry the
//! action and, when known, its probability (chance, or the behaviour profile given).
//! Information sets with several nodes are drawn as dashed undirected connectors of one
//! colour between their members, kept on one rank when the members share a depth.
//!
//! # Examples
//! ```
//! use escalation::game::{dot, efg, BehaviorProfile};
//!
//! let game = efg::parse(r#"EFG 2 R "" { "A" "B" }
//! p "" 1 1 "" { "L" "R" } 0
//! p "" 2 1 "" { "l" "r" } 0
//! t "" 1 "" { 1, 0 }
//! t "" 2 "" { 0, 1 }
//! p "" 2 1 0
//! t "" 3 "" { 0, 0 }
//! t "" 4 "" { 2, 2 }"#)?;
//! let text = dot::to_dot(&game, Some(&BehaviorProfile::uniform(&game)));
//! assert!(text.starts_with("digraph"));
//! assert!(text.contains("style=dashed")); // player B's two-node information set
//! assert!(text.contains("p=0.5"));
//! # Ok::<(), escalation::game::ParseError>(())
//! ```

use super::nfg::accumulated_exact;
use super::{BehaviorProfile, Game, InfosetId, Mover, Number};
use std::fmt::Write as _;

const PLAYER_COLOURS: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];

/// A DOT string literal: quoted, with `"` and `\` escaped and newlines as `\n`.
fn lit(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('"');
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => {}
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

fn payoff_text(v: &[Number]) -> String {
    let parts: Vec<String> = v.iter().map(Number::to_string).collect();
    format!("({})", parts.join(", "))
}

fn prob_text(p: f64) -> String {
    let s = format!("{p:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn set_name(game: &Game, id: InfosetId) -> String {
    let set = game.infoset(id);
    let who = match set.mover {
        Mover::Chance => "Chance".to_string(),
        Mover::Player(p) => game.players()[p].clone(),
    };
    if set.label.is_empty() {
        format!("{who}:{}", set.number)
    } else {
        format!("{who}:{}", set.label)
    }
}

/// The game tree in Graphviz DOT, optionally annotated with a behaviour profile's action
/// probabilities. A profile whose layout is not this game's is ignored.
pub fn to_dot(game: &Game, profile: Option<&BehaviorProfile>) -> String {
    let acc = accumulated_exact(game);
    // A profile of another game (different layout) is ignored rather than misread.
    let layout = game.profile_layout();
    let profile = profile.filter(|p| *p.layout() == layout);
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", lit(game.title()));
    out.push_str("  graph [ordering=out];\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    let mut depth = vec![0usize; game.nodes().len()];
    for (i, node) in game.nodes().iter().enumerate() {
        if let Some((p, _)) = node.parent {
            depth[i] = depth[p.0] + 1;
        }
        let mut label = match game.mover(super::NodeId(i)) {
            None => payoff_text(&acc[i]),
            Some(Mover::Chance) => "Chance".to_string(),
            Some(Mover::Player(p)) => game.players()[p].clone(),
        };
        if !node.label.is_empty() {
            let _ = write!(label, "\n{}", node.label);
        }
        if let Some(o) = node.outcome {
            let outcome = &game.outcomes()[o.0];
            if !node.is_terminal() {
                let _ = write!(label, "\n+{}", payoff_text(&outcome.payoffs));
            }
            if !outcome.label.is_empty() {
                let _ = write!(label, "\n[{}]", outcome.label);
            }
        }
        let style = match game.mover(super::NodeId(i)) {
            None => "shape=box".to_string(),
            Some(Mover::Chance) => "shape=diamond, style=filled, fillcolor=\"#eeeeee\"".to_string(),
            Some(Mover::Player(p)) => format!(
                "shape=ellipse, color={}",
                lit(PLAYER_COLOURS[p % PLAYER_COLOURS.len()])
            ),
        };
        let _ = writeln!(out, "  n{i} [label={}, {style}];", lit(&label));
    }
    for (i, node) in game.nodes().iter().enumerate() {
        let Some(s) = node.infoset else { continue };
        let set = game.infoset(s);
        for (a, c) in node.children.iter().enumerate() {
            let mut label = set.actions[a].clone();
            let prob = match set.mover {
                Mover::Chance => Some(set.probs[a].to_string()),
                Mover::Player(_) => profile.map(|p| prob_text(p.action_prob(game, s, a))),
            };
            if let Some(p) = prob {
                let _ = write!(label, "\np={p}");
            }
            let _ = writeln!(out, "  n{i} -> n{} [label={}];", c.0, lit(&label));
        }
    }
    for (k, set) in game.infosets().iter().enumerate() {
        if set.members.len() < 2 {
            continue;
        }
        let colour = match set.mover {
            Mover::Chance => "#777777",
            Mover::Player(p) => PLAYER_COLOURS[p % PLAYER_COLOURS.len()],
        };
        let name = set_name(game, InfosetId(k));
        let _ = writeln!(out, "  // information set {}", lit(&name));
        for w in set.members.windows(2) {
            let _ = writeln!(
                out,
                "  n{} -> n{} [style=dashed, dir=none, constraint=false, color={}, fontcolor={}, label={}];",
                w[0].0,
                w[1].0,
                lit(colour),
                lit(colour),
                lit(&name)
            );
        }
        let d0 = depth[set.members[0].0];
        if set.members.iter().all(|m| depth[m.0] == d0) {
            let ids: Vec<String> = set.members.iter().map(|m| format!("n{}", m.0)).collect();
            let _ = writeln!(out, "  {{ rank=same; {}; }}", ids.join("; "));
        }
    }
    out.push_str("}\n");
    out
}
