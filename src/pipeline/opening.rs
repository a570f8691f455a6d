//! Plays conditioned on how they began.

use crate::model::{Action, CompiledLadder};

/// The first moves every play is conditioned on (e.g. the documented Refuse → Threaten), as
/// a compiled ladder sees them: whether they are a path of its public tree, and which of its
/// terminals lie below them.
#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    actions: Vec<Action>,
    /// Whether each game terminal lies in the opening's subtree.
    in_subtree: Vec<bool>,
    possible: bool,
}

impl Opening {
    /// The opening `actions` (from the root) on `compiled`.
    pub fn new(compiled: &CompiledLadder, actions: &[Action]) -> Opening {
        let root = compiled.opening_node(actions);
        let tree = compiled.public_tree();
        let under = |mut p: usize| -> bool {
            let Some(root) = root else { return false };
            loop {
                if p == root {
                    return true;
                }
                match tree.get(p).and_then(|n| n.parent) {
                    Some((parent, _)) => p = parent,
                    None => return false,
                }
            }
        };
        let in_subtree = (0..compiled.num_terminals())
            .map(|t| compiled.public_terminal(t).is_some_and(|(p, _)| under(p)))
            .collect();
        Opening {
            actions: actions.to_vec(),
            in_subtree,
            possible: root.is_some(),
        }
    }

    /// The opening's actions.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// Whether the opening is a path of the ladder's public tree (`false` when an
    /// intervention removed one of its moves, so that no play can follow it).
    pub fn is_possible(&self) -> bool {
        self.possible
    }

    /// Whether game terminal `t` lies below the opening.
    pub fn contains(&self, terminal: usize) -> bool {
        self.in_subtree.get(terminal).copied().unwrap_or(false)
    }
}
