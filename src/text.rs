//! Text helpers for error messages, shared by every layer: long tokens shortened, and the
//! position of the first byte that is not UTF-8.

use std::borrow::Cow;
use std::fmt;

/// Tokens longer than this many characters are shortened in messages.
pub const MAX_TOKEN_CHARS: usize = 60;

/// How many leading characters of a long token a message keeps.
pub const KEPT_CHARS: usize = 40;

/// `token` as a message shows it: unchanged up to [`MAX_TOKEN_CHARS`] characters, else its
/// first [`KEPT_CHARS`] characters and how long it was, in digits for a number.
///
/// # Examples
/// ```
/// use escalation::text::abbreviate;
/// assert_eq!(abbreviate("0.25"), "0.25");
/// let long = "1".repeat(30_000);
/// assert_eq!(abbreviate(&long), format!("{}… (30000 digits)", "1".repeat(40)));
/// ```
pub fn abbreviate(token: &str) -> Cow<'_, str> {
    let n = token.chars().count();
    if n <= MAX_TOKEN_CHARS {
        return Cow::Borrowed(token);
    }
    let head: String = token.chars().take(KEPT_CHARS).collect();
    let digits = token.chars().filter(char::is_ascii_digit).count();
    let numeric = digits > 0
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E' | '/'));
    if numeric {
        Cow::Owned(format!("{head}… ({digits} digits)"))
    } else {
        Cow::Owned(format!("{head}… ({n} characters)"))
    }
}

/// `message` with every run of token characters (letters, digits, `_ . + -`) longer than
/// [`MAX_TOKEN_CHARS`] shortened by [`abbreviate`]. A path is split at its `/`, so only a
/// single component that long is shortened.
///
/// # Examples
/// ```
/// use escalation::text::abbreviate_tokens;
/// let msg = format!("a.toml:3:7: number `{}` is too large", "9".repeat(500));
/// assert_eq!(
///     abbreviate_tokens(&msg),
///     format!("a.toml:3:7: number `{}… (500 digits)` is too large", "9".repeat(40))
/// );
/// ```
pub fn abbreviate_tokens(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4096));
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        out.push_str(&abbreviate(run));
        run.clear();
    };
    for c in message.chars() {
        if c.is_alphanumeric() || matches!(c, '_' | '.' | '+' | '-') {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Where the first byte that is not UTF-8 sits in a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf8Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The offending byte.
    pub byte: u8,
}

impl fmt::Display for Utf8Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: byte 0x{:02X} is not valid UTF-8 (the file must be UTF-8 text)",
            self.line, self.column, self.byte
        )
    }
}

/// `bytes` as UTF-8 text, or the line and column of the first byte that is not.
///
/// # Errors
/// The [`Utf8Position`] of the first invalid byte.
///
/// # Examples
/// ```
/// use escalation::text::decode_utf8;
/// let err = decode_utf8(b"a = 1\nb = \"\xff\"\n").unwrap_err();
/// assert_eq!((err.line, err.column, err.byte), (2, 6, 0xff));
/// assert_eq!(decode_utf8("é = 1".as_bytes()), Ok("é = 1"));
/// ```
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, Utf8Position> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        // `good` is valid UTF-8 by construction.
        let good = std::str::from_utf8(good).unwrap_or_default();
        let line_start = good.rfind('\n').map_or(0, |i| i + 1);
        Utf8Position {
            line: good.matches('\n').count() + 1,
            column: good[line_start..].chars().count() + 1,
            byte: bytes[e.valid_up_to()],
        }
    })
}
