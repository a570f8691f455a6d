//! Errors of game construction, validation and file parsing.

use std::fmt;
use std::path::PathBuf;

/// What is wrong with a game being built or validated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GameError {
    /// A game needs at least one player.
    #[error("a game needs at least one player")]
    NoPlayers,
    /// A player index beyond the players of the game.
    #[error("player {player} does not exist (the game has {count} players)")]
    NoSuchPlayer {
        /// The index asked for.
        player: usize,
        /// Number of players.
        count: usize,
    },
    /// A node id that does not exist.
    #[error("node {0} does not exist")]
    NoSuchNode(usize),
    /// An information set id that does not exist.
    #[error("information set {0} does not exist")]
    NoSuchInfoset(usize),
    /// An outcome id that does not exist.
    #[error("outcome {0} does not exist")]
    NoSuchOutcome(usize),
    /// A node already has children (or already belongs to an information set).
    #[error("node {0} is already a decision or chance node")]
    NodeNotTerminal(usize),
    /// An information set with no actions.
    #[error("information set {infoset:?} has no actions")]
    NoActions {
        /// The set's label.
        infoset: String,
    },
    /// A payoff vector whose length differs from the number of players.
    #[error("outcome {outcome:?} has {got} payoffs but the game has {players} players")]
    PayoffCount {
        /// Outcome label.
        outcome: String,
        /// Payoffs given.
        got: usize,
        /// Players in the game.
        players: usize,
    },
    /// A payoff that is NaN or infinite.
    #[error("outcome {outcome:?} has a payoff that is not finite")]
    NonFinitePayoff {
        /// Outcome label.
        outcome: String,
    },
    /// A chance probability below zero or not finite.
    #[error("chance information set {infoset:?}: probability of action {action:?} is {value}, not in [0, 1]")]
    BadProbability {
        /// Set label.
        infoset: String,
        /// Action label.
        action: String,
        /// The value as written.
        value: String,
    },
    /// Chance probabilities that do not sum to one.
    #[error("chance information set {infoset:?}: probabilities sum to {sum}, not 1")]
    ProbabilitySum {
        /// Set label.
        infoset: String,
        /// The sum as written (exact when all are exact).
        sum: String,
    },
    /// A chance set whose number of probabilities differs from its number of actions.
    #[error("chance information set {infoset:?} has {actions} actions but {probs} probabilities")]
    ProbabilityCount {
        /// Set label.
        infoset: String,
        /// Actions.
        actions: usize,
        /// Probabilities.
        probs: usize,
    },
    /// Members of one information set disagree on the mover or the actions.
    #[error("information set {infoset:?}: {detail}")]
    InconsistentInfoset {
        /// Set label or number.
        infoset: String,
        /// What disagrees.
        detail: String,
    },
    /// A node reachable twice, or a parent pointer loop.
    #[error("the tree has a cycle or a shared node at node {0}")]
    Cycle(usize),
    /// An information set with no member nodes.
    #[error("information set {0:?} has no nodes")]
    EmptyInfoset(String),
    /// A solver or query needs perfect information and this set has several nodes.
    #[error("information set {infoset:?} of player {player:?} has {members} nodes; this needs perfect information")]
    NotPerfectInformation {
        /// The set's label (or number if unlabelled).
        infoset: String,
        /// The player's name.
        player: String,
        /// Number of nodes in the set.
        members: usize,
    },
}

/// A located error reading a Gambit file: file, line, column and what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub struct ParseError {
    /// The file, when reading from a path.
    pub file: Option<PathBuf>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What went wrong.
    pub message: String,
}

impl ParseError {
    /// A new error at `line:column` (1-based).
    pub fn new(line: usize, column: usize, message: impl Into<String>) -> Self {
        ParseError {
            file: None,
            line,
            column,
            message: crate::text::abbreviate_tokens(&message.into()),
        }
    }

    /// The same error, naming `file`.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(p) => write!(
                f,
                "{}:{}:{}: {}",
                p.display(),
                self.line,
                self.column,
                self.message
            ),
            None => write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            ),
        }
    }
}

/// What is wrong with a strategic-form game being built or derived.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NormalFormError {
    /// A strategic-form game needs at least one player.
    #[error("a strategic-form game needs at least one player")]
    NoPlayers,
    /// The strategy label lists do not match the players.
    #[error("{players} players but {lists} strategy lists")]
    StrategyLists {
        /// Number of players.
        players: usize,
        /// Number of strategy lists.
        lists: usize,
    },
    /// A player without strategies.
    #[error("player {player:?} has no strategies")]
    NoStrategies {
        /// The player's name.
        player: String,
    },
    /// The payoff table has the wrong number of pure profiles.
    #[error("the payoff table has {got} profiles but the strategies make {expected}")]
    ProfileCount {
        /// Profiles implied by the strategy counts.
        expected: usize,
        /// Profiles given.
        got: usize,
    },
    /// A profile's payoff vector has the wrong length.
    #[error("profile {profile} has {got} payoffs but the game has {players} players")]
    PayoffCount {
        /// Index of the profile (Gambit order, 0-based).
        profile: usize,
        /// Payoffs given.
        got: usize,
        /// Number of players.
        players: usize,
    },
    /// A payoff that is NaN or infinite.
    #[error("profile {profile} has a payoff that is not finite")]
    NonFinitePayoff {
        /// Index of the profile (Gambit order, 0-based).
        profile: usize,
    },
    /// The strategic form would have more pure profiles than the cap.
    #[error(
        "the strategic form has {profiles} pure strategy profiles, more than the limit of {cap}"
    )]
    TooManyProfiles {
        /// Number of profiles (as a decimal string: it may not fit in an integer).
        profiles: String,
        /// The limit.
        cap: usize,
    },
    /// Tabulating the strategic form would visit too many tree nodes (profiles times the
    /// nodes each profile reaches).
    #[error("tabulating the strategic form would visit about {visits:.3e} tree nodes, more than the limit of {limit:.0e}")]
    TooMuchWork {
        /// Estimated node visits.
        visits: f64,
        /// The limit.
        limit: f64,
    },
    /// An operation for two-player games applied to another number of players.
    #[error("this needs a two-player game; the game has {players} players")]
    NotTwoPlayers {
        /// Number of players.
        players: usize,
    },
}

/// Why a game file could not be loaded. Every message names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A syntax or consistency error at a line and column (the error names the file).
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The file parses but does not describe a valid game.
    #[error("{}: invalid game: {source}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with the game.
        source: GameError,
    },
}
