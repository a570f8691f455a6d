//! Reading and writing `.nfg` files (format version 1).
//!
//! ```text
//! NFG 1 R "title" { "Player 1" "Player 2" } { { "s1" "s2" } { "t1" "t2" } } ["comment"]
//! <payoffs of every player for every profile, first player's strategy fastest>
//! ```
//! or, for the strategies, a count per player (`{ 2 2 }`), and for the body, the outcome
//! form: `{ { "label" payoff payoff ... } ... }` followed by one outcome number per profile
//! (1-based; 0 is the all-zero outcome).

use super::NormalForm;
use crate::game::efg::lexer::{quote, Lexer, Tok};
use crate::game::{LoadError, Number, ParseError};
use std::fmt::Write as _;
use std::path::Path;

/// Parses the text of a `.nfg` file.
///
/// # Errors
/// A [`ParseError`] at the line and column of the first problem: a malformed header, number
/// or string, an empty player or strategy list, a missing or extra payoff, an outcome with the
/// wrong number of payoffs, or an outcome number that does not exist.
///
/// # Examples
/// ```
/// let text = r#"NFG 1 R "Coordination" { "A" "B" } { 2 2 }
/// { { "match" 1, 1 } { "miss" 0, 0 } }
/// 1 2 2 1"#;
/// let game = escalation::game::nfg::parse(text)?;
/// assert_eq!(game.strategies()[0], ["1", "2"]);
/// assert_eq!(game.payoff(&[1, 1]).unwrap()[1].to_string(), "1");
/// # Ok::<(), escalation::game::ParseError>(())
/// ```
pub fn parse(text: &str) -> Result<NormalForm, ParseError> {
    let mut lex = Lexer::new(text);
    let title = lex.header("NFG", "1")?;
    let players = lex.players()?;
    let strategies = strategy_lists(&mut lex, &players)?;
    let comment = if lex.at_text()? {
        lex.text("comment")?
    } else {
        String::new()
    };
    let mut total: usize = 1;
    for s in &strategies {
        total = match total.checked_mul(s.len()) {
            Some(t) => t,
            None => {
                let t = lex.peek()?;
                return Err(t.error("the strategy counts make too many profiles to store"));
            }
        };
    }
    let t = lex.peek()?.clone();
    let payoffs = match t.tok {
        Tok::LBrace => outcome_body(&mut lex, players.len(), total)?,
        Tok::Number(..) => payoff_body(&mut lex, players.len(), total)?,
        _ => return Err(t.expected("the payoffs (numbers) or an outcome list ('{')")),
    };
    lex.eof()?;
    NormalForm::new(title, comment, players, strategies, payoffs)
        .map_err(|e| ParseError::new(t.line, t.column, e.to_string()))
}

/// Reads a `.nfg` file.
///
/// # Errors
/// [`LoadError::Io`] when the file cannot be read, [`LoadError::Parse`] (naming the file, line
/// and column) for the problems listed at [`parse`].
pub fn read(path: impl AsRef<Path>) -> Result<NormalForm, LoadError> {
    let path = path.as_ref();
    let text = crate::game::efg::lexer::read_text(path)?;
    parse(&text).map_err(|e| LoadError::Parse(e.in_file(path)))
}

fn strategy_lists(lex: &mut Lexer<'_>, players: &[String]) -> Result<Vec<Vec<String>>, ParseError> {
    lex.lbrace("'{' opening the strategy lists")?;
    let mut lists = Vec::with_capacity(players.len());
    let labelled = lex.peek()?.tok == Tok::LBrace;
    for (p, name) in players.iter().enumerate() {
        let t = lex.next_token()?;
        match (labelled, &t.tok) {
            (true, Tok::LBrace) => {
                let mut list = Vec::new();
                loop {
                    let s = lex.next_token()?;
                    match s.tok {
                        Tok::Text(label) => list.push(label),
                        Tok::RBrace if list.is_empty() => {
                            return Err(
                                s.error(format!("player {} ({name:?}) has no strategies", p + 1))
                            )
                        }
                        Tok::RBrace => break,
                        _ => return Err(s.expected("a strategy label or '}'")),
                    }
                }
                lists.push(list);
            }
            (true, _) => {
                return Err(t.expected(&format!("'{{' opening the strategies of player {}", p + 1)))
            }
            (false, Tok::Number(text, _)) => match text.parse::<usize>() {
                Ok(n) if n > 0 && n <= MAX_COUNT => {
                    lists.push((1..=n).map(|k| k.to_string()).collect())
                }
                _ => {
                    return Err(t.error(format!(
                        "the number of strategies of player {} ({name:?}) must be an integer \
                         from 1 to {MAX_COUNT}, found {text}",
                        p + 1
                    )))
                }
            },
            (false, _) => {
                return Err(t.expected(&format!(
                    "the number of strategies of player {} (or a '{{' list of labels)",
                    p + 1
                )))
            }
        }
    }
    let t = lex.next_token()?;
    if t.tok != Tok::RBrace {
        return Err(t.expected(&format!(
            "'}}' closing the strategy lists ({} players)",
            players.len()
        )));
    }
    Ok(lists)
}

/// Largest strategy count accepted in the count form of the strategy lists.
const MAX_COUNT: usize = 1 << 24;

fn payoff_body(
    lex: &mut Lexer<'_>,
    players: usize,
    total: usize,
) -> Result<Vec<Vec<Number>>, ParseError> {
    let mut payoffs = Vec::new();
    for k in 0..total {
        let mut v = Vec::with_capacity(players);
        for p in 0..players {
            let (x, _) = lex.number(&format!(
                "the payoff of player {} in profile {} of {total}",
                p + 1,
                k + 1
            ))?;
            v.push(x);
            lex.skip_comma()?;
        }
        payoffs.push(v);
    }
    Ok(payoffs)
}

fn outcome_body(
    lex: &mut Lexer<'_>,
    players: usize,
    total: usize,
) -> Result<Vec<Vec<Number>>, ParseError> {
    lex.lbrace("'{' opening the outcome list")?;
    let mut outcomes: Vec<Vec<Number>> = Vec::new();
    loop {
        let t = lex.next_token()?;
        match t.tok {
            Tok::LBrace => {
                lex.text("the outcome label (a quoted string)")?;
                let mut v = Vec::new();
                loop {
                    let x = lex.next_token()?;
                    match x.tok {
                        Tok::Number(_, n) => {
                            v.push(n);
                            lex.skip_comma()?;
                        }
                        Tok::RBrace => break,
                        _ => return Err(x.expected("a payoff or '}'")),
                    }
                }
                if v.len() != players {
                    return Err(t.error(format!(
                        "outcome {} has {} payoffs but the game has {players} players",
                        outcomes.len() + 1,
                        v.len()
                    )));
                }
                outcomes.push(v);
            }
            Tok::RBrace => break,
            _ => return Err(t.expected("'{' opening an outcome, or '}'")),
        }
    }
    let zero = vec![Number::int(0); players];
    let mut payoffs = Vec::new();
    for k in 0..total {
        let (o, t) = lex.index(&format!(
            "the outcome number of profile {} of {total}",
            k + 1
        ))?;
        match o {
            0 => payoffs.push(zero.clone()),
            _ => match outcomes.get(o - 1) {
                Some(v) => payoffs.push(v.clone()),
                None => {
                    return Err(t.error(format!(
                        "outcome {o} does not exist: the file defines {} outcomes",
                        outcomes.len()
                    )))
                }
            },
        }
    }
    Ok(payoffs)
}

/// The strategic form as a Gambit `NFG 1 R` file in the payoff-list form.
///
/// # Examples
/// ```
/// use escalation::game::nfg;
///
/// let text = "NFG 1 R \"\" { \"A\" \"B\" } { 2 1 } 1/2 0 -1 3";
/// let game = nfg::parse(text)?;
/// assert_eq!(nfg::parse(&nfg::write(&game))?, game);
/// # Ok::<(), escalation::game::ParseError>(())
/// ```
pub fn write(game: &NormalForm) -> String {
    let mut out = String::new();
    let _ = write!(out, "NFG 1 R {} {{", quote(game.title()));
    for p in game.players() {
        let _ = write!(out, " {}", quote(p));
    }
    out.push_str(" }\n\n{ ");
    for list in game.strategies() {
        out.push('{');
        for s in list {
            let _ = write!(out, " {}", quote(s));
        }
        out.push_str(" }\n");
    }
    let _ = writeln!(out, "}}\n{}\n", quote(game.comment()));
    for v in game.payoffs() {
        let line: Vec<String> = v.iter().map(Number::to_string).collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    out
}
