//! Finite extensive-form games: players, chance, information sets, actions and payoffs.
//!
//! A [`Game`] is an immutable tree built with [`GameBuilder`] or read from a Gambit file
//! ([`efg`], [`nfg`]). Nodes are stored so that a parent always comes before its children:
//! iterating node indices backwards is a reverse topological order, which the solvers use.
//!
//! Payoffs follow Gambit's semantics: an [`Outcome`] may be attached to any node, and a
//! terminal's payoff is the sum of the outcomes on the path from the root to it.
//!
//! # Examples
//! ```
//! use escalation::game::{GameBuilder, Number};
//!
//! // A one-shot entry game: the entrant stays out (0, 2) or enters; the incumbent fights or
//! // accommodates.
//! let mut b = GameBuilder::new(["Entrant", "Incumbent"]);
//! let root = b.root();
//! let [out, enter] = b.decision(root, 0, "entry", &["Out", "In"])?[..] else { unreachable!() };
//! b.set_payoffs(out, &[0.0, 2.0]);
//! let resp = b.decision(enter, 1, "response", &["Fight", "Accommodate"])?;
//! b.set_payoffs(resp[0], &[-1.0, -1.0]);
//! b.set_payoffs(resp[1], &[1.0, 1.0]);
//! let game = b.build()?;
//! assert!(game.is_perfect_information());
//! assert_eq!(game.num_pure_strategies(1).to_string(), "2");
//! # Ok::<(), escalation::game::GameError>(())
//! ```

mod builder;
pub mod dot;
pub mod efg;
mod error;
pub mod load;
pub mod nfg;
mod number;
mod profile;
mod query;

pub use builder::GameBuilder;
pub use error::{GameError, LoadError, NormalFormError, ParseError};
pub(crate) use number::rational_to_f64;
pub use number::Number;
pub use profile::{BehaviorProfile, ProfileLayout};

/// Index of a node in [`Game::nodes`]; the root is `NodeId(0)`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub usize);

/// Index of an information set in [`Game::infosets`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InfosetId(pub usize);

/// Index of an outcome in [`Game::outcomes`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutcomeId(pub usize);

/// Who moves at an information set.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mover {
    /// Nature: actions are drawn with the information set's fixed probabilities.
    Chance,
    /// A strategic player, by index into [`Game::players`].
    Player(usize),
}

/// An information set: nodes of one mover that the mover cannot tell apart.
#[derive(Clone, Debug, PartialEq)]
pub struct Infoset {
    /// Who moves here.
    pub mover: Mover,
    /// The mover's own number for this set (1-based, as in Gambit files). A player's
    /// information sets are ordered by this number in behaviour profiles.
    pub number: usize,
    /// Label (may be empty).
    pub label: String,
    /// Action labels, in order; every member node has one child per action.
    pub actions: Vec<String>,
    /// Chance probabilities, one per action; empty for strategic players.
    pub probs: Vec<Number>,
    /// The member nodes, in the order they were added.
    pub members: Vec<NodeId>,
}

impl Infoset {
    /// Number of actions.
    pub fn num_actions(&self) -> usize {
        self.actions.len()
    }
}

/// A node of the game tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Label (may be empty).
    pub label: String,
    /// Parent node and the index of the action leading here; `None` for the root.
    pub parent: Option<(NodeId, usize)>,
    /// The information set of a decision or chance node; `None` for a terminal.
    pub infoset: Option<InfosetId>,
    /// One child per action of the information set, in action order.
    pub children: Vec<NodeId>,
    /// Outcome attached to this node, if any.
    pub outcome: Option<OutcomeId>,
}

impl Node {
    /// Whether the node has no children.
    pub fn is_terminal(&self) -> bool {
        self.children.is_empty()
    }
}

/// A named payoff vector, one entry per player; may be shared by several nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Label (may be empty).
    pub label: String,
    /// Payoff of each player.
    pub payoffs: Vec<Number>,
}

/// A validated finite extensive-form game.
#[derive(Clone, Debug, PartialEq)]
pub struct Game {
    pub(crate) title: String,
    pub(crate) comment: String,
    pub(crate) players: Vec<String>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) infosets: Vec<Infoset>,
    pub(crate) outcomes: Vec<Outcome>,
}

impl Game {
    /// The game's title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The game's free-text comment.
    pub fn comment(&self) -> &str {
        &self.comment
    }

    /// Player names, in order.
    pub fn players(&self) -> &[String] {
        &self.players
    }

    /// Number of strategic players.
    pub fn num_players(&self) -> usize {
        self.players.len()
    }

    /// All nodes; a parent's index is always below its children's.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// One node.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// The root node's id.
    pub fn root(&self) -> NodeId {
        NodeId(0)
    }

    /// All information sets (chance and strategic).
    pub fn infosets(&self) -> &[Infoset] {
        &self.infosets
    }

    /// One information set.
    pub fn infoset(&self, id: InfosetId) -> &Infoset {
        &self.infosets[id.0]
    }

    /// All outcomes.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// Who moves at a node; `None` at a terminal.
    pub fn mover(&self, node: NodeId) -> Option<Mover> {
        self.nodes[node.0].infoset.map(|i| self.infosets[i.0].mover)
    }

    /// Ids of the terminal nodes, in index order.
    pub fn terminals(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.is_terminal())
            .map(|(i, _)| NodeId(i))
    }

    /// Chance probabilities of an information set as `f64` (empty for strategic sets).
    pub fn chance_probs(&self, id: InfosetId) -> Vec<f64> {
        self.infosets[id.0]
            .probs
            .iter()
            .map(Number::to_f64)
            .collect()
    }

    /// Payoffs accumulated along the path to every node, as `f64`: entry `[n][p]` is the sum
    /// of player `p`'s payoffs of the outcomes from the root down to node `n` (inclusive).
    /// For a terminal node this is the terminal payoff.
    pub fn accumulated_payoffs(&self) -> Vec<Vec<f64>> {
        let np = self.players.len();
        let mut acc: Vec<Vec<f64>> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let mut v = match node.parent {
                Some((p, _)) => acc[p.0].clone(),
                None => vec![0.0; np],
            };
            if let Some(o) = node.outcome {
                for (x, pay) in v.iter_mut().zip(&self.outcomes[o.0].payoffs) {
                    *x += pay.to_f64();
                }
            }
            acc.push(v);
        }
        acc
    }

    /// The strategic information sets of `player`, ordered by their number.
    pub fn player_infosets(&self, player: usize) -> Vec<InfosetId> {
        let mut ids: Vec<InfosetId> = (0..self.infosets.len())
            .map(InfosetId)
            .filter(|i| self.infosets[i.0].mover == Mover::Player(player))
            .collect();
        ids.sort_by_key(|i| self.infosets[i.0].number);
        ids
    }

    /// The layout of behaviour profiles: Gambit's order (players in order, each player's
    /// information sets by number, actions in order).
    pub fn profile_layout(&self) -> ProfileLayout {
        ProfileLayout::new(self)
    }
}
