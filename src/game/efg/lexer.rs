//! The lexer shared by the `.efg` and `.nfg` readers: Gambit's token set (numbers, quoted
//! strings, bare symbols, braces, commas) with 1-based line and column of every token.

use crate::game::{Number, ParseError};
use std::fmt;

/// One lexical token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// A number: its text and exact value.
    Number(String, Number),
    /// A double-quoted string, escapes resolved.
    Text(String),
    /// A bare word such as `EFG`, `R`, `p`.
    Symbol(String),
    LBrace,
    RBrace,
    Comma,
    Eof,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Number(t, _) => write!(f, "number {t}"),
            Tok::Text(t) => {
                let short: String = t.chars().take(40).collect();
                let ell = if short.len() < t.len() { "..." } else { "" };
                write!(f, "string {short:?}{ell}")
            }
            Tok::Symbol(s) => write!(f, "`{s}`"),
            Tok::LBrace => f.write_str("'{'"),
            Tok::RBrace => f.write_str("'}'"),
            Tok::Comma => f.write_str("','"),
            Tok::Eof => f.write_str("end of file"),
        }
    }
}

/// A token with the 1-based line and column of its first character.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub line: usize,
    pub column: usize,
}

impl Token {
    /// An error located at this token.
    pub fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError::new(self.line, self.column, message)
    }

    /// "expected `what`, found <this token>".
    pub fn expected(&self, what: &str) -> ParseError {
        self.error(format!("expected {what}, found {}", self.tok))
    }
}

/// Splits a Gambit file into tokens, one at a time.
pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
    column: usize,
    peeked: Option<Token>,
}

fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || matches!(c, '{' | '}' | ',' | '"')
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `src`.
    pub fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            line: 1,
            column: 1,
            peeked: None,
        }
    }

    fn peek_char(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    /// The next token without consuming it.
    ///
    /// # Errors
    /// A malformed number or an unterminated string.
    pub fn peek(&mut self) -> Result<&Token, ParseError> {
        if self.peeked.is_none() {
            let t = self.scan()?;
            self.peeked = Some(t);
        }
        match &self.peeked {
            Some(t) => Ok(t),
            None => Err(ParseError::new(
                self.line,
                self.column,
                "internal lexer state",
            )),
        }
    }

    /// The next token.
    ///
    /// # Errors
    /// A malformed number or an unterminated string.
    pub fn next_token(&mut self) -> Result<Token, ParseError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.scan(),
        }
    }

    fn scan(&mut self) -> Result<Token, ParseError> {
        while self.peek_char().is_some_and(char::is_whitespace) {
            self.bump();
        }
        let (line, column) = (self.line, self.column);
        let at = |tok| Token { tok, line, column };
        let Some(c) = self.bump() else {
            return Ok(at(Tok::Eof));
        };
        match c {
            '{' => Ok(at(Tok::LBrace)),
            '}' => Ok(at(Tok::RBrace)),
            ',' => Ok(at(Tok::Comma)),
            '"' => self.string(line, column).map(|s| at(Tok::Text(s))),
            _ => {
                let start = self.pos - c.len_utf8();
                while self.peek_char().is_some_and(|c| !is_delimiter(c)) {
                    self.bump();
                }
                let word = &self.src[start..self.pos];
                if c.is_ascii_digit() || matches!(c, '-' | '+' | '.') {
                    match Number::parse(word) {
                        Some(n) => Ok(at(Tok::Number(word.to_string(), n))),
                        None => {
                            let zero_den = word.split_once('/').is_some_and(|(_, d)| {
                                !d.is_empty() && d.bytes().all(|b| b == b'0')
                            });
                            let message = if zero_den {
                                format!("the number `{word}` has a zero denominator")
                            } else {
                                format!(
                                    "expected a number (integer, p/q or decimal), found `{word}`"
                                )
                            };
                            Err(ParseError::new(line, column, message))
                        }
                    }
                } else {
                    Ok(at(Tok::Symbol(word.to_string())))
                }
            }
        }
    }

    /// The rest of a string after its opening quote. `\"` is a quote and `\\` a backslash
    /// (as C++ `std::quoted`, which Gambit writes with); any other backslash is kept.
    fn string(&mut self, line: usize, column: usize) -> Result<String, ParseError> {
        let mut out = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(ParseError::new(
                        line,
                        column,
                        "unterminated string: expected a closing '\"', found end of file",
                    ))
                }
                Some('"') => return Ok(out),
                Some('\\') => match self.peek_char() {
                    Some(c @ ('"' | '\\')) => {
                        self.bump();
                        out.push(c);
                    }
                    _ => out.push('\\'),
                },
                Some(c) => out.push(c),
            }
        }
    }
}

/// The text of a game file. Files that are not UTF-8 are read as Latin-1 (Gambit reads bytes;
/// old files may carry Latin-1 labels), so any file gets a located syntax error if malformed.
pub(crate) fn read_text(path: &std::path::Path) -> Result<String, crate::game::LoadError> {
    let bytes = std::fs::read(path).map_err(|source| crate::game::LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().into_iter().map(char::from).collect(),
    })
}

/// `text` as a Gambit string literal: quoted, with `"` and `\` escaped by a backslash.
pub(crate) fn quote(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

/// Parsing helpers over a [`Lexer`].
impl Lexer<'_> {
    /// The next token, which must be a string.
    pub fn text(&mut self, what: &str) -> Result<String, ParseError> {
        let t = self.next_token()?;
        match t.tok {
            Tok::Text(s) => Ok(s),
            _ => Err(t.expected(what)),
        }
    }

    /// The next token, which must be `{`.
    pub fn lbrace(&mut self, what: &str) -> Result<Token, ParseError> {
        let t = self.next_token()?;
        match t.tok {
            Tok::LBrace => Ok(t),
            _ => Err(t.expected(what)),
        }
    }

    /// The next token, which must be a number; returns it with the token for locating errors.
    pub fn number(&mut self, what: &str) -> Result<(Number, Token), ParseError> {
        let t = self.next_token()?;
        match &t.tok {
            Tok::Number(_, n) => Ok((n.clone(), t.clone())),
            _ => Err(t.expected(what)),
        }
    }

    /// The next token, which must be a non-negative integer.
    pub fn index(&mut self, what: &str) -> Result<(usize, Token), ParseError> {
        let t = self.next_token()?;
        match &t.tok {
            Tok::Number(text, _) => match text.parse::<usize>() {
                Ok(k) => Ok((k, t.clone())),
                Err(_) => Err(t.error(format!(
                    "expected {what} (a non-negative integer), found number {text}"
                ))),
            },
            _ => Err(t.expected(what)),
        }
    }

    /// Whether the next token is a string.
    pub fn at_text(&mut self) -> Result<bool, ParseError> {
        Ok(matches!(self.peek()?.tok, Tok::Text(_)))
    }

    /// Consumes a comma if one comes next.
    pub fn skip_comma(&mut self) -> Result<(), ParseError> {
        if self.peek()?.tok == Tok::Comma {
            self.next_token()?;
        }
        Ok(())
    }

    /// Requires the end of the input.
    pub fn eof(&mut self) -> Result<(), ParseError> {
        let t = self.next_token()?;
        match t.tok {
            Tok::Eof => Ok(()),
            _ => Err(t.expected("end of file")),
        }
    }

    /// The file header `<KIND> <version> R|D "title"`; returns the title.
    pub fn header(&mut self, kind: &str, version: &str) -> Result<String, ParseError> {
        let t = self.next_token()?;
        if t.tok != Tok::Symbol(kind.to_string()) {
            return Err(t.expected(&format!("`{kind}` (file type)")));
        }
        let t = self.next_token()?;
        match &t.tok {
            Tok::Number(v, _) if v == version => {}
            _ => return Err(t.expected(&format!("version {version}"))),
        }
        let t = self.next_token()?;
        match &t.tok {
            Tok::Symbol(s) if s == "R" || s == "D" => {}
            _ => return Err(t.expected("number type `R` or `D`")),
        }
        self.text("the game title (a quoted string)")
    }

    /// `{ "name" ... }`: the player names (at least one).
    pub fn players(&mut self) -> Result<Vec<String>, ParseError> {
        self.lbrace("'{' opening the player list")?;
        let mut players = Vec::new();
        loop {
            let t = self.next_token()?;
            match t.tok {
                Tok::Text(s) => players.push(s),
                Tok::RBrace if players.is_empty() => {
                    return Err(t.error("the player list is empty; a game needs a player"))
                }
                Tok::RBrace => return Ok(players),
                _ => return Err(t.expected("a player name or '}'")),
            }
        }
    }
}
