//! A side's view of the game under misperception.
//!
//! Each side plays the logit QRE of its own view: the game whose type prior for the *other*
//! side is its belief (`belief_*` parameters) instead of the truth, taken as common
//! knowledge. [`CompiledLadder::behaviour`](super::CompiledLadder::behaviour) takes the
//! challenger's strategy from the challenger's view and the target's from the target's;
//! without misperception both views are the game itself. Exporting a view
//! ([`CompiledLadder::game_at`](super::CompiledLadder::game_at) of [`Params::view`]) lets
//! anyone check that side's strategy with another solver, e.g. Gambit's
//! `logit_solve_lambda`.

use super::params::Param;
use super::{Params, Side};

impl Params {
    /// The parameters of `side`'s view: the other side's type prior replaced by `side`'s
    /// belief about it (everything else unchanged).
    ///
    /// # Examples
    /// ```
    /// use escalation::model::{Param, Params, Side};
    /// let mut p = Params::new(0);
    /// p.set(Param::PriorChallengerResolute, 0.5);
    /// p.set(Param::BeliefTargetAboutChallenger, 0.2);
    /// let target_view = p.view(Side::Target);
    /// assert_eq!(target_view.get(Param::PriorChallengerResolute), 0.2);
    /// assert_eq!(p.view(Side::Challenger).get(Param::PriorChallengerResolute), 0.5);
    /// ```
    pub fn view(&self, side: Side) -> Params {
        let mut view = self.clone();
        match side {
            Side::Challenger => view.set(
                Param::PriorTargetResolute,
                self.get(Param::BeliefChallengerAboutTarget),
            ),
            Side::Target => view.set(
                Param::PriorChallengerResolute,
                self.get(Param::BeliefTargetAboutChallenger),
            ),
        }
        view
    }
}
