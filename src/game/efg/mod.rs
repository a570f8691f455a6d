//! Gambit `.efg` files (extensive form, format version 2): reading and writing.
//!
//! The grammar, as Gambit reads it: a header `EFG 2 R "title" { "Player 1" ... }`, an
//! optional comment string, then the nodes in depth-first order, each one of
//!
//! ```text
//! c "node label" <infoset> ["set label" { "action" prob ... }] <outcome>
//! p "node label" <player> <infoset> ["set label" { "action" ... }] <outcome>
//! t "node label" <outcome>
//! ```
//!
//! where `<outcome>` is `0` (none) or a number followed, at its first use, by
//! `"outcome label" { payoff, payoff ... }` (commas optional). Information sets are numbered
//! per player (chance is player 0); a later node of the same set may omit the label and
//! action list, and if it repeats them they must match. Numbers are integers, rationals
//! `p/q` or decimals with an optional exponent, all kept exact.
//!
//! # Examples
//! ```
//! use escalation::game::efg;
//!
//! let text = r#"EFG 2 R "Matching pennies" { "P1" "P2" }
//! p "" 1 1 "" { "H" "T" } 0
//! p "" 2 1 "" { "h" "t" } 0
//! t "" 1 "win" { 1, -1 }
//! t "" 2 "lose" { -1, 1 }
//! p "" 2 1 0
//! t "" 2
//! t "" 1
//! "#;
//! let game = efg::parse(text)?;
//! assert_eq!(game.infosets().len(), 2);
//! assert_eq!(game.infosets()[1].members.len(), 2);
//! // Writing and reading back gives the same game.
//! assert_eq!(efg::parse(&efg::write(&game))?, game);
//! # Ok::<(), escalation::game::ParseError>(())
//! ```

pub(crate) mod lexer;
mod write;

pub use write::write;

use super::{Game, GameBuilder, GameError, InfosetId, LoadError, Mover, NodeId, Number, OutcomeId};
use lexer::{Lexer, Tok, Token};
use num_rational::BigRational;
use num_traits::{One, Zero};
use std::collections::HashMap;
use std::path::Path;

use crate::game::ParseError;

/// Why reading text failed: a located syntax error, or a game that validation rejects.
pub(crate) enum ReadFailure {
    Parse(ParseError),
    Invalid(GameError),
}

impl From<ParseError> for ReadFailure {
    fn from(e: ParseError) -> Self {
        ReadFailure::Parse(e)
    }
}

impl ReadFailure {
    /// As a [`LoadError`] naming `path`.
    pub(crate) fn in_file(self, path: &Path) -> LoadError {
        match self {
            ReadFailure::Parse(e) => LoadError::Parse(e.in_file(path)),
            ReadFailure::Invalid(source) => LoadError::Invalid {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}

/// Parses the text of a `.efg` file.
///
/// # Errors
/// A [`ParseError`] at the line and column of the first problem: a malformed header, number
/// or string, a truncated file, an unknown player, an outcome used before its payoffs are
/// given, a payoff list of the wrong length, chance probabilities that are negative or do not
/// sum to one, or a repeated information set whose actions differ from its first definition.
///
/// # Examples
/// ```
/// let game = escalation::game::efg::parse(
///     "EFG 2 R \"\" { \"Solo\" } \"a comment\"\n t \"\" 1 \"o\" { 1/3 }",
/// )?;
/// assert_eq!(game.comment(), "a comment");
/// assert_eq!(game.outcomes()[0].payoffs[0].to_string(), "1/3");
/// # Ok::<(), escalation::game::ParseError>(())
/// ```
pub fn parse(text: &str) -> Result<Game, ParseError> {
    parse_text(text).map_err(|e| match e {
        ReadFailure::Parse(e) => e,
        // The parser checks everything validation checks, at a location; this is a fallback.
        ReadFailure::Invalid(g) => ParseError::new(1, 1, format!("invalid game: {g}")),
    })
}

/// Reads a `.efg` file.
///
/// # Errors
/// [`LoadError::Io`] when the file cannot be read, [`LoadError::Parse`] (naming the file, line
/// and column) for the problems listed at [`parse`].
pub fn read(path: impl AsRef<Path>) -> Result<Game, LoadError> {
    let path = path.as_ref();
    let text = crate::game::efg::lexer::read_text(path)?;
    parse_text(&text).map_err(|e| e.in_file(path))
}

/// The state of a read: information sets and outcomes by their file numbers.
struct Reader<'a> {
    lex: Lexer<'a>,
    b: GameBuilder,
    num_players: usize,
    /// (player number, 0 for chance; set number) → set.
    infosets: HashMap<(usize, usize), InfosetId>,
    /// Definition of each set as first written: label, actions, probabilities.
    set_defs: Vec<(String, Vec<String>, Vec<Number>)>,
    /// File outcome number → (outcome, label, payoffs).
    outcomes: HashMap<usize, (OutcomeId, String, Vec<Number>)>,
}

pub(crate) fn parse_text(text: &str) -> Result<Game, ReadFailure> {
    let mut lex = Lexer::new(text);
    let title = lex.header("EFG", "2")?;
    let players = lex.players()?;
    let comment = if lex.at_text()? {
        lex.text("comment")?
    } else {
        String::new()
    };
    let mut b = GameBuilder::new(players.clone());
    b.title(title).comment(comment);
    let mut r = Reader {
        lex,
        b,
        num_players: players.len(),
        infosets: HashMap::new(),
        set_defs: Vec::new(),
        outcomes: HashMap::new(),
    };
    // Depth-first with an explicit stack, so a deep tree cannot overflow the call stack.
    let mut pending = vec![NodeId(0)];
    while let Some(node) = pending.pop() {
        let children = r.node(node)?;
        pending.extend(children.into_iter().rev());
    }
    r.lex.eof()?;
    r.b.build().map_err(ReadFailure::Invalid)
}

impl Reader<'_> {
    /// Reads one node entry for `node`; returns its children (in action order).
    fn node(&mut self, node: NodeId) -> Result<Vec<NodeId>, ReadFailure> {
        let t = self.lex.next_token()?;
        let kind = match &t.tok {
            Tok::Symbol(s) if s == "c" || s == "p" || s == "t" => s.clone(),
            _ => return Err(t.expected("a node: `c`, `p` or `t`").into()),
        };
        let label = self.lex.text("the node label (a quoted string)")?;
        self.b
            .label_node(node, label)
            .map_err(ReadFailure::Invalid)?;
        let children = match kind.as_str() {
            "c" => {
                let (number, nt) = self.lex.index("the chance information set number")?;
                let set = self.infoset(Mover::Chance, 0, number, &nt)?;
                self.b.attach(node, set).map_err(ReadFailure::Invalid)?
            }
            "p" => {
                let (player, pt) = self.lex.index("the player number")?;
                if player == 0 || player > self.num_players {
                    return Err(pt
                        .error(format!(
                            "player {player} does not exist: players are numbered 1 to {}",
                            self.num_players
                        ))
                        .into());
                }
                let (number, nt) = self.lex.index("the information set number")?;
                let set = self.infoset(Mover::Player(player - 1), player, number, &nt)?;
                self.b.attach(node, set).map_err(ReadFailure::Invalid)?
            }
            _ => Vec::new(),
        };
        self.outcome(node)?;
        Ok(children)
    }

    /// The information set `number` of `mover`: defined here if the label and actions follow,
    /// else one defined earlier.
    fn infoset(
        &mut self,
        mover: Mover,
        player: usize,
        number: usize,
        at: &Token,
    ) -> Result<InfosetId, ReadFailure> {
        let who = match mover {
            Mover::Chance => format!("chance information set {number}"),
            Mover::Player(_) => format!("information set {number} of player {player}"),
        };
        let existing = self.infosets.get(&(player, number)).copied();
        if !self.lex.at_text()? {
            return existing.ok_or_else(|| {
                at.error(format!(
                    "{who} is used before it is defined: its first node must give its label and \
                     actions"
                ))
                .into()
            });
        }
        let label = self.lex.text("information set label")?;
        let open = self.lex.lbrace("'{' opening the action list")?;
        let mut actions = Vec::new();
        let mut probs = Vec::new();
        loop {
            let t = self.lex.next_token()?;
            match t.tok {
                Tok::Text(a) => {
                    actions.push(a);
                    if mover == Mover::Chance {
                        let (p, pt) = self.lex.number("the action's probability")?;
                        if p.is_negative() {
                            return Err(pt
                                .error(format!("{who}: probability {p} is negative"))
                                .into());
                        }
                        probs.push(p);
                    }
                }
                Tok::RBrace if actions.is_empty() => {
                    return Err(t.error(format!("{who} has no actions")).into())
                }
                Tok::RBrace => break,
                _ => {
                    let what = if mover == Mover::Chance {
                        "an action label and probability, or '}'"
                    } else {
                        "an action label or '}'"
                    };
                    return Err(t.expected(what).into());
                }
            }
        }
        if let Some(id) = existing {
            let (l0, a0, p0) = &self.set_defs[id.0];
            if *l0 != label || *a0 != actions || *p0 != probs {
                let detail = if *l0 != label {
                    format!("label {label:?} differs from {l0:?}")
                } else if a0.len() != actions.len() {
                    format!("{} actions here but {} before", actions.len(), a0.len())
                } else if *a0 != actions {
                    format!("actions {actions:?} differ from {a0:?}")
                } else {
                    "probabilities differ".to_string()
                };
                return Err(open
                    .error(format!(
                        "{who} does not match its first definition: {detail}"
                    ))
                    .into());
            }
            return Ok(id);
        }
        if mover == Mover::Chance {
            let sum = probs
                .iter()
                .map(|p| p.as_exact().cloned().unwrap_or_else(BigRational::zero))
                .fold(BigRational::zero(), |s, p| s + p);
            if !sum.is_one() {
                return Err(open
                    .error(format!(
                        "{who}: probabilities sum to {}, not 1",
                        Number::Exact(sum)
                    ))
                    .into());
            }
        }
        let id = self
            .b
            .new_infoset_numbered(mover, number, &label, actions.clone(), probs.clone())
            .map_err(ReadFailure::Invalid)?;
        self.infosets.insert((player, number), id);
        self.set_defs.push((label, actions, probs));
        Ok(id)
    }

    /// `<number> ["label" { payoffs }]` attached to `node`.
    fn outcome(&mut self, node: NodeId) -> Result<(), ReadFailure> {
        let (number, nt) = self.lex.index("the outcome number")?;
        if !self.lex.at_text()? {
            if number == 0 {
                return Ok(());
            }
            return match self.outcomes.get(&number) {
                Some((id, _, _)) => self.b.set_outcome(node, *id).map_err(ReadFailure::Invalid),
                None => Err(nt
                    .error(format!(
                        "outcome {number} is used before it is defined: its first use must give \
                         its label and payoffs"
                    ))
                    .into()),
            };
        }
        if number == 0 {
            return Err(nt
                .error("outcome 0 means \"no outcome\" and cannot have a label or payoffs")
                .into());
        }
        let label = self.lex.text("outcome label")?;
        let open = self.lex.lbrace("'{' opening the payoff list")?;
        let mut payoffs = Vec::new();
        loop {
            let t = self.lex.next_token()?;
            match t.tok {
                Tok::Number(_, x) => {
                    payoffs.push(x);
                    self.lex.skip_comma()?;
                }
                Tok::RBrace => break,
                _ => return Err(t.expected("a payoff or '}'").into()),
            }
        }
        if payoffs.len() != self.num_players {
            return Err(open
                .error(format!(
                    "outcome {number} has {} payoffs but the game has {} players",
                    payoffs.len(),
                    self.num_players
                ))
                .into());
        }
        let id = match self.outcomes.get(&number) {
            Some((id, l0, p0)) => {
                if *l0 != label || *p0 != payoffs {
                    return Err(open
                        .error(format!(
                            "outcome {number} does not match its first definition ({l0:?} {{ {} }})",
                            p0.iter().map(Number::to_string).collect::<Vec<_>>().join(", ")
                        ))
                        .into());
                }
                *id
            }
            None => {
                let id = self.b.new_outcome(&label, payoffs.clone());
                self.outcomes.insert(number, (id, label, payoffs));
                id
            }
        };
        self.b.set_outcome(node, id).map_err(ReadFailure::Invalid)
    }
}
