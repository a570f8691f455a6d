//! Strategic-form games and Gambit `.nfg` files.
//!
//! A [`NormalForm`] lists each player's pure strategies and a payoff vector for every pure
//! strategy profile, in Gambit's order: the first player's strategy varies fastest.
//! [`NormalForm::to_game`] turns it into a simultaneous-move [`Game`];
//! [`NormalForm::from_game`] computes the full strategic form of an extensive game.
//!
//! Files in the outcome form are read into the same payoff table (outcome labels are not
//! kept); [`write()`] always writes the payoff-list form, as Gambit does.
//!
//! # Examples
//! ```
//! use escalation::game::nfg::{self, NormalForm};
//!
//! // Prisoner's dilemma in the payoff-list form: profiles (C,c) (D,c) (C,d) (D,d).
//! let text = r#"NFG 1 R "PD" { "Row" "Col" } { { "C" "D" } { "c" "d" } }
//! 3 3  5 0  0 5  1 1"#;
//! let pd = nfg::parse(text)?;
//! assert_eq!(pd.payoff(&[1, 0]).unwrap()[0].to_string(), "5");
//! let game = pd.to_game();
//! assert_eq!(NormalForm::from_game(&game).unwrap().payoffs(), pd.payoffs());
//! # Ok::<(), escalation::game::ParseError>(())
//! ```

mod file;
mod strategic;

pub use file::{parse, read, write};
pub(crate) use strategic::accumulated_exact;
pub use strategic::{MAX_NODE_VISITS, MAX_PROFILES};

use super::{Game, GameBuilder, Mover, NodeId, NormalFormError, Number};
use ndarray::Array2;

/// A finite game in strategic form, with exact or floating payoffs.
#[derive(Clone, Debug, PartialEq)]
pub struct NormalForm {
    title: String,
    comment: String,
    players: Vec<String>,
    strategies: Vec<Vec<String>>,
    payoffs: Vec<Vec<Number>>,
}

impl NormalForm {
    /// A strategic-form game. `payoffs[k]` is the payoff vector (one entry per player) of the
    /// `k`-th pure profile in Gambit's order (see [`NormalForm::profile_index`]).
    ///
    /// # Errors
    /// [`NormalFormError`] when there are no players, a player has no strategies, the number
    /// of strategy lists or of profiles is wrong, or a payoff vector has the wrong length or a
    /// non-finite entry.
    ///
    /// # Examples
    /// ```
    /// use escalation::game::{nfg::NormalForm, Number};
    ///
    /// let n = |x| Number::int(x);
    /// let mp = NormalForm::new(
    ///     "Matching pennies", "",
    ///     vec!["P1".into(), "P2".into()],
    ///     vec![vec!["H".into(), "T".into()], vec!["h".into(), "t".into()]],
    ///     vec![vec![n(1), n(-1)], vec![n(-1), n(1)], vec![n(-1), n(1)], vec![n(1), n(-1)]],
    /// )?;
    /// assert_eq!(mp.num_profiles(), 4);
    /// # Ok::<(), escalation::game::NormalFormError>(())
    /// ```
    pub fn new(
        title: impl Into<String>,
        comment: impl Into<String>,
        players: Vec<String>,
        strategies: Vec<Vec<String>>,
        payoffs: Vec<Vec<Number>>,
    ) -> Result<Self, NormalFormError> {
        if players.is_empty() {
            return Err(NormalFormError::NoPlayers);
        }
        if strategies.len() != players.len() {
            return Err(NormalFormError::StrategyLists {
                players: players.len(),
                lists: strategies.len(),
            });
        }
        let mut expected: usize = 1;
        for (p, s) in players.iter().zip(&strategies) {
            if s.is_empty() {
                return Err(NormalFormError::NoStrategies { player: p.clone() });
            }
            expected = expected.saturating_mul(s.len());
        }
        if payoffs.len() != expected {
            return Err(NormalFormError::ProfileCount {
                expected,
                got: payoffs.len(),
            });
        }
        for (k, v) in payoffs.iter().enumerate() {
            if v.len() != players.len() {
                return Err(NormalFormError::PayoffCount {
                    profile: k,
                    got: v.len(),
                    players: players.len(),
                });
            }
            if !v.iter().all(Number::is_finite) {
                return Err(NormalFormError::NonFinitePayoff { profile: k });
            }
        }
        Ok(NormalForm {
            title: title.into(),
            comment: comment.into(),
            players,
            strategies,
            payoffs,
        })
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The free-text comment.
    pub fn comment(&self) -> &str {
        &self.comment
    }

    /// Player names.
    pub fn players(&self) -> &[String] {
        &self.players
    }

    /// Number of players.
    pub fn num_players(&self) -> usize {
        self.players.len()
    }

    /// Strategy labels of every player.
    pub fn strategies(&self) -> &[Vec<String>] {
        &self.strategies
    }

    /// Number of pure strategies of each player.
    pub fn num_strategies(&self) -> Vec<usize> {
        self.strategies.iter().map(Vec::len).collect()
    }

    /// Number of pure strategy profiles.
    pub fn num_profiles(&self) -> usize {
        self.payoffs.len()
    }

    /// Payoff vectors of all profiles, in Gambit's order.
    pub fn payoffs(&self) -> &[Vec<Number>] {
        &self.payoffs
    }

    /// Index of a pure profile (one strategy index per player) in Gambit's order: the first
    /// player's strategy varies fastest. `None` if the profile has the wrong length or an
    /// index out of range.
    pub fn profile_index(&self, profile: &[usize]) -> Option<usize> {
        if profile.len() != self.strategies.len() {
            return None;
        }
        let mut index = 0;
        for (s, list) in profile.iter().zip(&self.strategies).rev() {
            if *s >= list.len() {
                return None;
            }
            index = index * list.len() + s;
        }
        Some(index)
    }

    /// The pure profile (one strategy index per player) at `index` in Gambit's order.
    pub fn profile_at(&self, mut index: usize) -> Vec<usize> {
        self.strategies
            .iter()
            .map(|list| {
                let s = index % list.len();
                index /= list.len();
                s
            })
            .collect()
    }

    /// The payoff vector of a pure profile; `None` when the profile has the wrong length or
    /// an index out of range.
    pub fn payoff(&self, profile: &[usize]) -> Option<&[Number]> {
        self.profile_index(profile)
            .map(|k| self.payoffs[k].as_slice())
    }

    /// The two payoff matrices of a two-player game: rows are player 1's strategies, columns
    /// player 2's.
    ///
    /// # Errors
    /// [`NormalFormError::NotTwoPlayers`] for another number of players.
    pub fn payoff_matrices(&self) -> Result<(Array2<Number>, Array2<Number>), NormalFormError> {
        if self.players.len() != 2 {
            return Err(NormalFormError::NotTwoPlayers {
                players: self.players.len(),
            });
        }
        let (m, n) = (self.strategies[0].len(), self.strategies[1].len());
        let a = Array2::from_shape_fn((m, n), |(i, j)| self.payoffs[i + m * j][0].clone());
        let b = Array2::from_shape_fn((m, n), |(i, j)| self.payoffs[i + m * j][1].clone());
        Ok((a, b))
    }

    /// The simultaneous-move extensive game: player 1 moves at the root, and each later player
    /// has one information set (number 1) holding every node of their level, with one action
    /// per strategy. Its behaviour profiles are laid out as Gambit's mixed-strategy profiles.
    ///
    /// # Panics
    /// Never for a [`NormalForm`] built by [`NormalForm::new`] (its invariants make the tree
    /// valid).
    pub fn to_game(&self) -> Game {
        let mut b = GameBuilder::new(self.players.clone());
        b.title(self.title.clone()).comment(self.comment.clone());
        let mut level: Vec<NodeId> = vec![b.root()];
        let mut built = Ok(());
        for (p, list) in self.strategies.iter().enumerate() {
            let set =
                match b.new_infoset_numbered(Mover::Player(p), 1, "", list.clone(), Vec::new()) {
                    Ok(s) => s,
                    Err(e) => {
                        built = Err(e);
                        break;
                    }
                };
            let mut next = Vec::with_capacity(level.len() * list.len());
            for &node in &level {
                match b.attach(node, set) {
                    Ok(children) => next.extend(children),
                    Err(e) => built = Err(e),
                }
            }
            level = next;
        }
        // Terminals come with the last player's strategy varying fastest; Gambit's order has
        // the first player's fastest.
        let counts = self.num_strategies();
        for (t, &node) in level.iter().enumerate() {
            let mut rest = t;
            let mut index = 0;
            let mut stride = 1;
            let mut digits = vec![0; counts.len()];
            for (p, &c) in counts.iter().enumerate().rev() {
                digits[p] = rest % c;
                rest /= c;
            }
            for (p, &c) in counts.iter().enumerate() {
                index += digits[p] * stride;
                stride *= c;
            }
            let o = b.new_outcome("", self.payoffs[index].clone());
            if let Err(e) = b.set_outcome(node, o) {
                built = Err(e);
            }
        }
        match built.and_then(|()| b.build()) {
            Ok(g) => g,
            Err(e) => panic!("a validated strategic form gave an invalid tree: {e}"),
        }
    }
}
