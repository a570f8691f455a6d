//! Loading a game file of either Gambit kind, detected by its header.
//!
//! # Examples
//! ```
//! use escalation::game::load::{read_game_file, LoadedGame};
//!
//! let dir = std::env::temp_dir().join(format!("escalation-load-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! // The header decides, not the extension.
//! let path = dir.join("pd.txt");
//! std::fs::write(&path, "NFG 1 R \"PD\" { \"A\" \"B\" } { 2 2 } 3 3 5 0 0 5 1 1")?;
//! let loaded = read_game_file(&path)?;
//! assert!(matches!(loaded, LoadedGame::Strategic(_)));
//! assert_eq!(loaded.to_game().num_players(), 2);
//! std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::efg::lexer::{Lexer, Tok};
use super::nfg::NormalForm;
use super::{efg, nfg, Game, LoadError, NormalFormError};
use std::borrow::Cow;
use std::path::Path;

/// A game read from a file: extensive (`.efg`) or strategic (`.nfg`).
#[derive(Clone, Debug, PartialEq)]
pub enum LoadedGame {
    /// An extensive-form game.
    Extensive(Game),
    /// A strategic-form game.
    Strategic(NormalForm),
}

impl LoadedGame {
    /// The game as an extensive game (a strategic form becomes its simultaneous-move tree,
    /// see [`NormalForm::to_game`]).
    pub fn to_game(&self) -> Cow<'_, Game> {
        match self {
            LoadedGame::Extensive(g) => Cow::Borrowed(g),
            LoadedGame::Strategic(n) => Cow::Owned(n.to_game()),
        }
    }

    /// The game in strategic form (an extensive game's full strategic form, see
    /// [`NormalForm::from_game`]).
    ///
    /// # Errors
    /// [`NormalFormError::TooManyProfiles`] for an extensive game with too many pure profiles.
    pub fn to_normal_form(&self) -> Result<Cow<'_, NormalForm>, NormalFormError> {
        self.to_normal_form_with_cap(super::nfg::MAX_PROFILES)
    }

    /// As [`LoadedGame::to_normal_form`], with the cap of [`NormalForm::from_game_with_cap`].
    ///
    /// # Errors
    /// As [`NormalForm::from_game_with_cap`].
    pub fn to_normal_form_with_cap(
        &self,
        max_profiles: usize,
    ) -> Result<Cow<'_, NormalForm>, NormalFormError> {
        match self {
            LoadedGame::Extensive(g) => {
                NormalForm::from_game_with_cap(g, max_profiles).map(Cow::Owned)
            }
            LoadedGame::Strategic(n) => Ok(Cow::Borrowed(n)),
        }
    }
}

/// Parses the text of a Gambit game file, `.efg` or `.nfg` as its first word says.
///
/// # Errors
/// As [`efg::parse`] or [`nfg::parse`]; a file starting with neither `EFG` nor `NFG` is an
/// error at its first token.
pub(crate) fn parse_game(text: &str) -> Result<LoadedGame, efg::ReadFailure> {
    let mut lex = Lexer::new(text);
    let t = lex.next_token()?;
    match &t.tok {
        Tok::Symbol(s) if s == "EFG" => efg::parse_text(text).map(LoadedGame::Extensive),
        Tok::Symbol(s) if s == "NFG" => nfg::parse(text)
            .map(LoadedGame::Strategic)
            .map_err(efg::ReadFailure::Parse),
        _ => Err(t
            .expected("`EFG` or `NFG` (the Gambit file type) at the start of the file")
            .into()),
    }
}

/// Reads a Gambit game file, deciding between `.efg` and `.nfg` by its header (text that is
/// not UTF-8 is read as Latin-1).
///
/// # Errors
/// [`LoadError::Io`] when the file cannot be read, [`LoadError::Parse`]
/// naming the file, line and column of a syntax or consistency problem,
/// [`LoadError::Invalid`] when the game fails validation.
pub fn read_game_file(path: impl AsRef<Path>) -> Result<LoadedGame, LoadError> {
    let path = path.as_ref();
    let text = crate::game::efg::lexer::read_text(path)?;
    parse_game(&text).map_err(|e| e.in_file(path))
}
