//! Building games in code.

use super::query::validate;
use super::{Game, GameError, Infoset, InfosetId, Mover, Node, NodeId, Number, Outcome, OutcomeId};

/// Builds a [`Game`] node by node; [`GameBuilder::build`] validates the result.
///
/// Nodes are created as children when a node is given an information set, so the tree can
/// never have cycles or shared nodes.
///
/// # Examples
/// ```
/// use escalation::game::{GameBuilder, Number};
///
/// // Matching pennies as an extensive game: player 2 does not see player 1's coin.
/// let mut b = GameBuilder::new(["P1", "P2"]);
/// let root = b.root();
/// let h = b.decision(root, 0, "p1", &["H", "T"])?;
/// let i2 = b.new_infoset(1, "p2", &["h", "t"])?;
/// for (k, &n) in h.iter().enumerate() {
///     let leaves = b.attach(n, i2)?;
///     for (j, &leaf) in leaves.iter().enumerate() {
///         let u = if k == j { 1.0 } else { -1.0 };
///         b.set_payoffs(leaf, &[u, -u]);
///     }
/// }
/// let game = b.build()?;
/// assert!(!game.is_perfect_information());
/// assert!(game.is_perfect_recall());
/// # Ok::<(), escalation::game::GameError>(())
/// ```
#[derive(Clone, Debug)]
pub struct GameBuilder {
    game: Game,
    /// The largest information-set number so far per mover: chance first, then each player
    /// (so that numbering a new set takes constant time, not a scan of every set).
    largest_number: Vec<usize>,
}

impl GameBuilder {
    /// A builder for a game with these players and a single (root) node.
    pub fn new<S: Into<String>>(players: impl IntoIterator<Item = S>) -> Self {
        let players: Vec<String> = players.into_iter().map(Into::into).collect();
        GameBuilder {
            largest_number: vec![0; players.len() + 1],
            game: Game {
                title: String::new(),
                comment: String::new(),
                players,
                nodes: vec![Node {
                    label: String::new(),
                    parent: None,
                    infoset: None,
                    children: Vec::new(),
                    outcome: None,
                }],
                infosets: Vec::new(),
                outcomes: Vec::new(),
            },
        }
    }

    /// Sets the game's title.
    pub fn title(&mut self, title: impl Into<String>) -> &mut Self {
        self.game.title = title.into();
        self
    }

    /// Sets the game's comment.
    pub fn comment(&mut self, comment: impl Into<String>) -> &mut Self {
        self.game.comment = comment.into();
        self
    }

    /// The root node.
    pub fn root(&self) -> NodeId {
        NodeId(0)
    }

    /// Number of nodes created so far.
    pub fn num_nodes(&self) -> usize {
        self.game.nodes.len()
    }

    /// Sets a node's label.
    ///
    /// # Errors
    /// [`GameError::NoSuchNode`] for an unknown node.
    pub fn label_node(&mut self, node: NodeId, label: impl Into<String>) -> Result<(), GameError> {
        self.node_mut(node)?.label = label.into();
        Ok(())
    }

    /// A new information set of `player` with these actions, numbered after the player's
    /// existing sets. Attach nodes to it with [`GameBuilder::attach`].
    ///
    /// # Errors
    /// [`GameError::NoSuchPlayer`] or [`GameError::NoActions`].
    pub fn new_infoset(
        &mut self,
        player: usize,
        label: &str,
        actions: &[&str],
    ) -> Result<InfosetId, GameError> {
        let number = self.next_number(Mover::Player(player));
        self.new_infoset_numbered(
            Mover::Player(player),
            number,
            label,
            actions.iter().map(|s| s.to_string()).collect(),
            Vec::new(),
        )
    }

    /// A new chance information set with these actions and probabilities.
    ///
    /// # Errors
    /// [`GameError::NoActions`] for an empty list; probabilities are checked by
    /// [`GameBuilder::build`].
    pub fn new_chance_infoset(
        &mut self,
        label: &str,
        actions: &[(&str, Number)],
    ) -> Result<InfosetId, GameError> {
        let number = self.next_number(Mover::Chance);
        self.new_infoset_numbered(
            Mover::Chance,
            number,
            label,
            actions.iter().map(|(a, _)| a.to_string()).collect(),
            actions.iter().map(|(_, p)| p.clone()).collect(),
        )
    }

    /// A new information set with an explicit per-mover number (as read from a file).
    ///
    /// # Errors
    /// [`GameError::NoSuchPlayer`] or [`GameError::NoActions`].
    pub fn new_infoset_numbered(
        &mut self,
        mover: Mover,
        number: usize,
        label: &str,
        actions: Vec<String>,
        probs: Vec<Number>,
    ) -> Result<InfosetId, GameError> {
        if let Mover::Player(p) = mover {
            if p >= self.game.players.len() {
                return Err(GameError::NoSuchPlayer {
                    player: p,
                    count: self.game.players.len(),
                });
            }
        }
        if actions.is_empty() {
            return Err(GameError::NoActions {
                infoset: label.to_string(),
            });
        }
        let slot = number_slot(mover);
        self.largest_number[slot] = self.largest_number[slot].max(number);
        self.game.infosets.push(Infoset {
            mover,
            number,
            label: label.to_string(),
            actions,
            probs,
            members: Vec::new(),
        });
        Ok(InfosetId(self.game.infosets.len() - 1))
    }

    /// Makes the terminal `node` a member of `infoset` and creates one child per action.
    /// Returns the children in action order.
    ///
    /// # Errors
    /// [`GameError::NoSuchNode`], [`GameError::NoSuchInfoset`] or
    /// [`GameError::NodeNotTerminal`] when the node already has children.
    pub fn attach(&mut self, node: NodeId, infoset: InfosetId) -> Result<Vec<NodeId>, GameError> {
        let n_actions = self
            .game
            .infosets
            .get(infoset.0)
            .ok_or(GameError::NoSuchInfoset(infoset.0))?
            .actions
            .len();
        let target = self.node_mut(node)?;
        if target.infoset.is_some() || !target.children.is_empty() {
            return Err(GameError::NodeNotTerminal(node.0));
        }
        target.infoset = Some(infoset);
        let first = self.game.nodes.len();
        let children: Vec<NodeId> = (first..first + n_actions).map(NodeId).collect();
        for (a, _) in children.iter().enumerate() {
            self.game.nodes.push(Node {
                label: String::new(),
                parent: Some((node, a)),
                infoset: None,
                children: Vec::new(),
                outcome: None,
            });
        }
        self.game.nodes[node.0].children = children.clone();
        self.game.infosets[infoset.0].members.push(node);
        Ok(children)
    }

    /// A decision node of `player` at `node` in a new singleton information set.
    /// Returns the children in action order.
    ///
    /// # Errors
    /// As [`GameBuilder::new_infoset`] and [`GameBuilder::attach`].
    pub fn decision(
        &mut self,
        node: NodeId,
        player: usize,
        label: &str,
        actions: &[&str],
    ) -> Result<Vec<NodeId>, GameError> {
        let iset = self.new_infoset(player, label, actions)?;
        self.attach(node, iset)
    }

    /// A chance node at `node` in a new chance information set.
    ///
    /// # Errors
    /// As [`GameBuilder::new_chance_infoset`] and [`GameBuilder::attach`].
    pub fn chance(
        &mut self,
        node: NodeId,
        label: &str,
        actions: &[(&str, Number)],
    ) -> Result<Vec<NodeId>, GameError> {
        let iset = self.new_chance_infoset(label, actions)?;
        self.attach(node, iset)
    }

    /// A new outcome (reusable by several nodes).
    pub fn new_outcome(&mut self, label: &str, payoffs: Vec<Number>) -> OutcomeId {
        self.game.outcomes.push(Outcome {
            label: label.to_string(),
            payoffs,
        });
        OutcomeId(self.game.outcomes.len() - 1)
    }

    /// Attaches an existing outcome to a node (any node, not only terminals).
    ///
    /// # Errors
    /// [`GameError::NoSuchNode`] or [`GameError::NoSuchOutcome`].
    pub fn set_outcome(&mut self, node: NodeId, outcome: OutcomeId) -> Result<(), GameError> {
        if outcome.0 >= self.game.outcomes.len() {
            return Err(GameError::NoSuchOutcome(outcome.0));
        }
        self.node_mut(node)?.outcome = Some(outcome);
        Ok(())
    }

    /// Gives `node` a new unnamed outcome with these `f64` payoffs. Unknown nodes are
    /// reported by [`GameBuilder::build`].
    pub fn set_payoffs(&mut self, node: NodeId, payoffs: &[f64]) -> OutcomeId {
        let o = self.new_outcome("", payoffs.iter().map(|&x| Number::Float(x)).collect());
        if let Some(n) = self.game.nodes.get_mut(node.0) {
            n.outcome = Some(o);
        }
        o
    }

    /// Validates and returns the game.
    ///
    /// # Errors
    /// Any [`GameError`] found by validation: payoff counts, non-finite payoffs, chance
    /// probabilities negative or not summing to one, empty information sets, members of a set
    /// with different numbers of children.
    pub fn build(self) -> Result<Game, GameError> {
        validate(&self.game)?;
        Ok(self.game)
    }

    /// (A player that does not exist gets 1; the set is then refused for that reason.)
    fn next_number(&self, mover: Mover) -> usize {
        self.largest_number
            .get(number_slot(mover))
            .map_or(1, |n| n + 1)
    }

    fn node_mut(&mut self, node: NodeId) -> Result<&mut Node, GameError> {
        self.game
            .nodes
            .get_mut(node.0)
            .ok_or(GameError::NoSuchNode(node.0))
    }
}

/// The index of `mover` in `GameBuilder::largest_number`: chance first, then each player.
fn number_slot(mover: Mover) -> usize {
    match mover {
        Mover::Chance => 0,
        Mover::Player(p) => p + 1,
    }
}
