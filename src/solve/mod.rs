//! Equilibrium solvers on the game core.
//!
//! - [`spe`]: every pure subgame-perfect equilibrium of a perfect-information game, by
//!   backward induction with ties enumerated.
//! - [`pure`]: every pure agent Nash equilibrium of any game (Gambit's
//!   `enumpure_solve(use_strategic=False)`).
//! - [`enumerate`]: all extreme Nash equilibria of a bimatrix game (Gambit's `enummixed`).
//! - [`logit`]: the logit agent quantal response equilibrium at a given precision λ, traced
//!   along the principal branch, its limit as λ → ∞, and a compiled allocation-free solver for
//!   Monte Carlo loops.
//!
//! Every solver takes a [`Game`] and returns [`Equilibrium`] values whose behaviour profiles
//! are flat in Gambit's order ([`crate::game::ProfileLayout`]). Lists of equilibria are in the
//! order Gambit's `enumpure` lists them (see [`gambit_infoset_order`]).
//!
//! # Examples
//! ```
//! use escalation::game::GameBuilder;
//! use escalation::solve::{spe, logit};
//!
//! // Entry deterrence: the entrant stays out (0, 2) or enters; the incumbent fights (-1, -1)
//! // or accommodates (1, 1).
//! let mut b = GameBuilder::new(["Entrant", "Incumbent"]);
//! let root = b.root();
//! let entry = b.decision(root, 0, "entry", &["Out", "In"])?;
//! b.set_payoffs(entry[0], &[0.0, 2.0]);
//! let resp = b.decision(entry[1], 1, "response", &["Fight", "Accommodate"])?;
//! b.set_payoffs(resp[0], &[-1.0, -1.0]);
//! b.set_payoffs(resp[1], &[1.0, 1.0]);
//! let game = b.build()?;
//!
//! let eq = spe::solve(&game)?;
//! assert_eq!(eq.len(), 1);
//! assert_eq!(eq[0].profile.flat(), &[0.0, 1.0, 0.0, 1.0]);
//! assert_eq!(eq[0].payoffs, vec![1.0, 1.0]);
//!
//! let qre = logit::logit_solve_lambda(&game, 1.0)?;
//! assert!(qre.profile.flat()[3] > 0.5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod enumerate;
mod exact;
mod float_bound;
pub mod logit;
pub mod pure;
pub mod spe;

use crate::game::{BehaviorProfile, Game, GameError, InfosetId, Mover};

/// An equilibrium (or quantal response equilibrium) of a game.
#[derive(Clone, Debug, PartialEq)]
pub struct Equilibrium {
    /// The behaviour profile, flat in Gambit's order.
    pub profile: BehaviorProfile,
    /// Each player's expected payoff under the profile.
    pub payoffs: Vec<f64>,
    /// The logit precision λ of a quantal response equilibrium (for [`logit::logit_solve`],
    /// the λ where tracing stopped); `None` for [`spe`] and [`pure`] equilibria.
    pub lambda: Option<f64>,
}

impl Equilibrium {
    /// An equilibrium from a profile, computing the expected payoffs.
    pub fn new(game: &Game, profile: BehaviorProfile, lambda: Option<f64>) -> Self {
        let payoffs = profile.expected_payoffs(game);
        Equilibrium {
            profile,
            payoffs,
            lambda,
        }
    }
}

/// Why a solver could not produce its answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SolveError {
    /// The game does not suit the solver (for example, [`GameError::NotPerfectInformation`]).
    #[error(transparent)]
    Game(#[from] GameError),
    /// More equilibria (or candidate profiles) than the configured cap.
    #[error("{what}: more than {cap} (raise the cap to enumerate them all)")]
    TooMany {
        /// What was counted ("pure subgame-perfect equilibria", "pure behaviour profiles").
        what: &'static str,
        /// The cap that was exceeded.
        cap: usize,
        /// Which cap it was.
        kind: Cap,
    },
    /// The logit precision is negative or not finite.
    #[error("lambda must be a finite number >= 0, got {0}")]
    BadLambda(f64),
    /// A payoff array of the wrong length for a compiled game.
    #[error("terminal payoffs: expected {expected} numbers (terminals x players), got {got}")]
    PayoffLength {
        /// Terminals times players.
        expected: usize,
        /// Length given.
        got: usize,
    },
    /// A terminal payoff that is NaN or infinite.
    #[error("terminal payoffs: entry {index} is not finite ({value})")]
    NonFinitePayoff {
        /// Index into the flat payoff array.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A terminal payoff beyond the range of `f64` (±1.797e308), in which solvers report
    /// payoffs.
    #[error(
        "payoff of player {player:?} at the terminal {node} is about {value}, beyond ±1.797e308, \
         the largest magnitude a 64-bit float (and so a reported payoff) can hold; rescale the \
         game's payoffs"
    )]
    PayoffOutOfRange {
        /// The player's name.
        player: String,
        /// The terminal: its label quoted, or the actions that reach it.
        node: String,
        /// The payoff, approximately (`3.0e308`).
        value: String,
    },
    /// The numerical continuation failed (step size underflow, singular Jacobian, or the
    /// branch returned to λ < 0).
    #[error("logit path following failed at lambda = {lambda}: {reason}")]
    PathFailed {
        /// The last λ reached.
        lambda: f64,
        /// What went wrong.
        reason: &'static str,
    },
}

/// The caps of the enumerating solvers, each raised by its own argument (and its own
/// command-line flag: `--max-equilibria`, `--max-profiles`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cap {
    /// The number of equilibria listed ([`spe::solve_with_cap`], [`pure::solve_with_caps`]).
    Equilibria,
    /// The number of pure behaviour profiles examined ([`pure::solve_with_caps`]).
    Profiles,
}

/// Each player's strategic information sets in Gambit's internal order: sorted by the
/// depth-first preorder position of their first member node (Gambit 16 renumbers sets this
/// way when it reads a file). Gambit's `enumpure` varies the last set of the last player
/// fastest in this order; [`spe`] and [`pure`] list equilibria the same way.
pub fn gambit_infoset_order(game: &Game) -> Vec<Vec<InfosetId>> {
    let n = game.nodes().len();
    let mut pre = vec![usize::MAX; n];
    let mut stack = vec![game.root()];
    let mut k = 0;
    while let Some(v) = stack.pop() {
        pre[v.0] = k;
        k += 1;
        // Push children in reverse so the first action is visited first.
        stack.extend(game.node(v).children.iter().rev());
    }
    (0..game.num_players())
        .map(|p| {
            let mut sets: Vec<InfosetId> = (0..game.infosets().len())
                .map(InfosetId)
                .filter(|&s| game.infoset(s).mover == Mover::Player(p))
                .collect();
            sets.sort_by_key(|&s| {
                game.infoset(s)
                    .members
                    .iter()
                    .map(|m| pre[m.0])
                    .min()
                    .unwrap_or(usize::MAX)
            });
            sets
        })
        .collect()
}

/// A pure behaviour profile (one action index per strategic information set, indexed by
/// [`InfosetId`]; chance sets ignored) as a flat [`BehaviorProfile`].
pub(crate) fn pure_profile(game: &Game, choice: &[usize]) -> BehaviorProfile {
    let layout = game.profile_layout();
    let mut flat = vec![0.0; layout.len];
    for &s in &layout.order {
        if let (Some(off), Some(&a)) = (layout.offset[s.0], choice.get(s.0)) {
            flat[off + a] = 1.0;
        }
    }
    BehaviorProfile::from_flat(game, flat).unwrap_or_else(|| BehaviorProfile::uniform(game))
}

/// The sort key that puts pure profiles in Gambit's `enumpure` order.
pub(crate) fn gambit_key(order: &[Vec<InfosetId>], choice: &[usize]) -> Vec<usize> {
    order
        .iter()
        .flatten()
        .map(|s| choice.get(s.0).copied().unwrap_or(0))
        .collect()
}

/// Checks that every terminal payoff lies within ±1.797e308 (`f64::MAX`), the range in which
/// every solver reports payoffs; [`spe`], [`pure`] and [`enumerate`] check it themselves.
///
/// # Errors
/// [`SolveError::PayoffOutOfRange`] naming the player, the terminal and the payoff.
///
/// # Examples
/// ```
/// use escalation::game::efg;
/// use escalation::solve::{check_payoff_range, SolveError};
///
/// let text = "EFG 2 R \"\" { \"A\" \"B\" } \"\"\np \"\" 1 1 \"\" { \"L\" \"R\" } 0\n\
///             t \"\" 1 \"\" { 1e400, 0 }\nt \"\" 2 \"\" { 1, 1 }\n";
/// let err = check_payoff_range(&efg::parse(text)?).unwrap_err();
/// assert!(err.to_string().contains("reached by L"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_payoff_range(game: &Game) -> Result<(), SolveError> {
    exact::Exact::new(game).map(|_| ())
}
