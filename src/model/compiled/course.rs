//! A play's course beyond the game both sides solve: a unilateral deviation fixed at play
//! ([`Deviation`]: one side's moves forbidden or forced while the other keeps its strategy),
//! and the war-of-attrition race past the horizon ([`TailRace`]), so that an unresolved
//! standoff has a time at which it ends.

use super::payoffs::audience_cost;
use super::*;
use crate::model::attrition::TailKind;
use crate::model::ladder::forbid_applies;
use crate::model::Restriction;

/// One side's behaviour fixed at play: at each of its information sets where a restriction
/// applies, the actions it removes get probability 0 and their mass goes to the actions
/// left, in proportion to their probabilities under the equilibrium (a forced action gets
/// all of it). The other side's information sets are never touched, so it plays its
/// equilibrium strategy of the game both sides solved. Build with
/// [`CompiledLadder::deviation`].
#[derive(Clone, Debug, PartialEq)]
pub struct Deviation {
    /// (profile offset of an information set, whether each of its actions is allowed).
    masks: Vec<(usize, Vec<bool>)>,
    /// Per public node: whether each side is kept from yielding at its last decision before
    /// the node (for the tail).
    blocked: Vec<[bool; 2]>,
}

impl Deviation {
    /// Applies the deviation to a behaviour profile, in place. Where the equilibrium gives
    /// the allowed actions no mass at all, they share it equally.
    pub fn apply_to(&self, behaviour: &mut [f64]) {
        for (off, allowed) in &self.masks {
            let Some(probs) = behaviour.get_mut(*off..*off + allowed.len()) else {
                continue;
            };
            let kept: f64 = probs
                .iter()
                .zip(allowed)
                .filter(|(_, &a)| a)
                .map(|(p, _)| *p)
                .sum();
            let n = allowed.iter().filter(|&&a| a).count() as f64;
            for (p, &a) in probs.iter_mut().zip(allowed) {
                *p = match (a, kept > 0.0) {
                    (false, _) => 0.0,
                    (true, true) => *p / kept,
                    (true, false) => 1.0 / n,
                };
            }
        }
    }

    /// The information sets it changes: (profile offset, allowed actions).
    pub fn masks(&self) -> &[(usize, Vec<bool>)] {
        &self.masks
    }
}

impl CompiledLadder {
    /// The deviation that plays `restrictions` (with the meaning of [`Restriction`]: a forced
    /// action at the decision reached by its history, forbidden actions at every decision of
    /// a side after a history prefix) on this ladder's game at play.
    ///
    /// # Errors
    /// [`ModelError::Restriction`] when a restriction matches no decision, names an action
    /// that is not available where it applies, or removes every action of a decision.
    pub fn deviation(&self, restrictions: &[Restriction]) -> Result<Deviation, ModelError> {
        let mut used = vec![false; restrictions.len()];
        let mut masks = Vec::new();
        let mut allowed_at: Vec<Option<Vec<bool>>> = vec![None; self.public.len()];
        for (p, node) in self.public.iter().enumerate() {
            let Some(side) = node.mover else { continue };
            let mut allowed = vec![true; node.actions.len()];
            for (k, r) in restrictions.iter().enumerate() {
                apply_restriction(r, k, node, &mut allowed, &mut used[k])?;
            }
            if allowed.iter().all(|&a| a) {
                continue;
            }
            let types = match side {
                Side::Challenger => self.ladder.challenger_types,
                Side::Target => self.ladder.target_types,
            };
            for own in 0..types {
                masks.push((self.decision_offset[p][own], allowed.clone()));
            }
            allowed_at[p] = Some(allowed);
        }
        if let Some(k) = used.iter().position(|u| !u) {
            return Err(ModelError::Restriction {
                index: k,
                message: "matches no decision of the ladder".into(),
            });
        }
        let blocked = (0..self.public.len())
            .map(|i| self.blocked_at(i, &allowed_at))
            .collect();
        Ok(Deviation { masks, blocked })
    }

    /// Whether each side's last decision in a round before public node `i` had a yielding
    /// action and the deviation left it none.
    fn blocked_at(&self, i: usize, allowed_at: &[Option<Vec<bool>>]) -> [bool; 2] {
        let mut out = [false; 2];
        let mut seen = [false; 2];
        let mut cur = i;
        while let Some((parent, _)) = self.public[cur].parent {
            let pn = &self.public[parent];
            if let (Some(side), Stage::Round) = (pn.mover, pn.stage) {
                let k = side.index();
                if !seen[k] {
                    seen[k] = true;
                    out[k] = allowed_at[parent].as_ref().is_some_and(|allowed| {
                        let yielding = pn.actions.iter().zip(allowed);
                        let had = pn.actions.iter().any(|a| a.is_yielding());
                        had && !yielding.clone().any(|(a, &ok)| ok && a.is_yielding())
                    });
                }
            }
            cur = parent;
        }
        out
    }

    /// The war-of-attrition race past the horizon of the play that ended at game terminal
    /// `terminal` unresolved, at `params`; `None` for any other terminal. Without a
    /// deviation it is the tail of the game's payoffs ([`crate::model::attrition::tail_process`]): each
    /// side quits at the hazard `c_i / (W_i - L_i)` of its own daily cost and prize, or one
    /// concedes at once. With one, a side the deviation keeps from yielding never quits,
    /// and the other keeps its strategy of the tail: it concedes at once where it did,
    /// and otherwise quits at its own hazard.
    pub fn tail_race(
        &self,
        terminal: usize,
        params: &Params,
        deviation: Option<&Deviation>,
    ) -> Option<TailRace> {
        let &(p, kc, kt) = self.terminals.get(terminal)?;
        let f = self.features[p as usize].as_ref()?;
        if f.end != End::Attrition {
            return None;
        }
        let node = &self.public[p as usize];
        let costs = self.state_costs(params).of(node.rounds[f.num_rounds - 1]);
        let g = params.get(Param::AudienceGrowth);
        let aud = [
            audience_cost(params.get(Param::AudienceChallenger), g, f.level),
            audience_cost(params.get(Param::AudienceTarget), g, f.level),
        ];
        let phi = params.get(Param::FaceSavingDiscount);
        let fs_cost = params.get(Param::FaceSavingCost);
        let rho = params.get(Param::DiscountRate) / 365.0;
        let stakes = self.stakes(params, kc as usize, kt as usize);
        let base = self.tail_of(f, stakes, aud, phi, fs_cost, costs, rho);
        let daily = [costs[0] / 365.0, costs[1] / 365.0];
        let blocked = deviation.map_or([false; 2], |d| d.blocked[p as usize]);
        let at_once = |kind: TailKind| match kind {
            TailKind::ChallengerConcedesAtOnce => Some(Side::Challenger),
            TailKind::TargetConcedesAtOnce => Some(Side::Target),
            _ => None,
        };
        let mut race = TailRace {
            at_once: at_once(base.kind),
            hazards: if base.kind == TailKind::Mixed {
                base.hazards
            } else {
                [0.0; 2]
            },
            daily_cost: daily,
        };
        if blocked == [false; 2] {
            return Some(race);
        }
        let lose = self.tail_lose(aud, phi, fs_cost);
        for d in 0..2 {
            if !blocked[d] {
                continue;
            }
            let o = 1 - d;
            race.hazards[d] = 0.0;
            if race.at_once
                == Some(if d == 0 {
                    Side::Challenger
                } else {
                    Side::Target
                })
            {
                race.at_once = None;
            }
            if race.at_once.is_none() && !blocked[o] {
                // The other side's own quitting hazard, as in `tail_process`.
                let prize = stakes[o] - lose[o];
                race.hazards[o] = if !f.can_yield[o] || daily[o] <= 0.0 {
                    0.0
                } else if prize <= 0.0 {
                    race.at_once = Some(if o == 0 {
                        Side::Challenger
                    } else {
                        Side::Target
                    });
                    0.0
                } else {
                    daily[o] / prize
                };
            }
        }
        Some(race)
    }
}

/// Whether restriction `r` (number `k`) applies at `node`, and if so the actions it leaves
/// (`allowed` narrowed, `used` set).
fn apply_restriction(
    r: &Restriction,
    k: usize,
    node: &PublicNode,
    allowed: &mut [bool],
    used: &mut bool,
) -> Result<(), ModelError> {
    match r {
        Restriction::Force { at, action } => {
            if !at
                .iter()
                .map(String::as_str)
                .eq(node.history.iter().map(|a| a.label()))
            {
                return Ok(());
            }
            *used = true;
            let Some(i) = node.actions.iter().position(|a| a.label() == action) else {
                return Err(ModelError::Restriction {
                    index: k,
                    message: format!(
                        "action {action:?} is not available after {:?} (available: {})",
                        at.join("/"),
                        crate::model::ladder_labels(&node.actions)
                    ),
                });
            };
            for (j, a) in allowed.iter_mut().enumerate() {
                *a = *a && j == i;
            }
        }
        Restriction::Forbid {
            side,
            after,
            actions,
        } => {
            if !forbid_applies(*side, after, node) {
                return Ok(());
            }
            for (a, ok) in node.actions.iter().zip(allowed.iter_mut()) {
                if *ok && actions.iter().any(|r| r == a.label()) {
                    *ok = false;
                    *used = true;
                }
            }
        }
    }
    if !allowed.iter().any(|&a| a) {
        return Err(ModelError::Restriction {
            index: k,
            message: format!("removes every action after {:?}", node.history_label()),
        });
    }
    Ok(())
}

/// The war-of-attrition race past the horizon ([`CompiledLadder::tail_race`]): a side that
/// concedes at once, or each side's quitting hazard per day (both 0: frozen), with each
/// side's cost per day ($bn) while it lasts.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct TailRace {
    /// The side that concedes at the tail's start, if one does.
    pub at_once: Option<Side>,
    /// Each side's quitting hazard per day: [challenger, target].
    pub hazards: [f64; 2],
    /// Each side's cost per day ($bn) while the race lasts.
    pub daily_cost: [f64; 2],
}

impl TailRace {
    /// Days the race lasts for a uniform `u` in [0, 1): 0 when a side concedes at once,
    /// exponential at the sum of the hazards otherwise, infinite when frozen.
    ///
    /// # Examples
    /// ```
    /// use escalation::model::TailRace;
    /// let race = TailRace::new(None, [0.01, 0.01], [0.0, 0.0]);
    /// // The median of an exponential at rate 0.02: ln 2 / 0.02.
    /// assert!((race.days(0.5) - 2f64.ln() / 0.02).abs() < 1e-9);
    /// ```
    pub fn days(&self, u: f64) -> f64 {
        let total = self.hazards[0] + self.hazards[1];
        if self.at_once.is_some() {
            0.0
        } else if total > 0.0 {
            -(-u).ln_1p() / total
        } else {
            f64::INFINITY
        }
    }

    /// Probability that the race is still on `days` after it starts.
    pub fn survival(&self, days: f64) -> f64 {
        let total = self.hazards[0] + self.hazards[1];
        if self.at_once.is_some() {
            0.0
        } else {
            (-total * days.max(0.0)).exp()
        }
    }

    /// Probability that the challenger is the one to give in (0 in a frozen race).
    pub fn challenger_yields(&self) -> f64 {
        let total = self.hazards[0] + self.hazards[1];
        match self.at_once {
            Some(side) => f64::from(u8::from(side == Side::Challenger)),
            None if total > 0.0 => self.hazards[0] / total,
            None => 0.0,
        }
    }

    /// Probability that the target is the one to give in (0 in a frozen race).
    pub fn target_yields(&self) -> f64 {
        let total = self.hazards[0] + self.hazards[1];
        match self.at_once {
            Some(side) => f64::from(u8::from(side == Side::Target)),
            None if total > 0.0 => self.hazards[1] / total,
            None => 0.0,
        }
    }

    /// A race from its parts (for tests and examples).
    pub fn new(at_once: Option<Side>, hazards: [f64; 2], daily_cost: [f64; 2]) -> TailRace {
        TailRace {
            at_once,
            hazards,
            daily_cost,
        }
    }
}
