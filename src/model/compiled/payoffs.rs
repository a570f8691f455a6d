//! Per draw: every terminal's payoffs (stakes, audience costs, tariff and lever costs, the
//! attrition tail) and what a terminal means ([`Outcome`]).

use super::*;
use crate::model::timing;

/// Annual economic cost of every round state to each side ($bn a year), at one draw.
pub(super) struct StateCosts {
    cost: [[f64; NUM_ROUND_STATES]; 2],
}

impl StateCosts {
    pub(super) fn of(&self, s: RoundState) -> [f64; 2] {
        let id = s.id();
        [self.cost[0][id], self.cost[1][id]]
    }
}

/// When, within its round, the move that ends a play is taken (see [`crate::model::timing`]).
///
/// The game's payoffs treat a round's moves as taken at its start. For durations and costs
/// a yielding move (a concession, a back-down, a settlement) in round `r` is spread over the
/// round: its mover yields at the constant hazard that gives the probability `p` with which
/// it yields in that round under the behaviour profile, so that conditional on yielding
/// there, the time is a truncated exponential on the round.
#[derive(Clone, Copy, Debug)]
pub enum Timing<'a> {
    /// At the start of its round (the game's own convention).
    RoundStart,
    /// At its expected time under this behaviour profile.
    Expected(&'a [f64]),
    /// At the time drawn with the uniform `u` in [0, 1) under this behaviour profile.
    Drawn(&'a [f64], f64),
}

impl CompiledLadder {
    /// Annual cost of every state of tariffs and levers to each side at `params`: the
    /// target's lost exports `coverage x_T (1 - ((1+b+t)/(1+b))^(-sigma))` at the
    /// challenger's levied step (base rate `b`), the challenger's likewise at the target's
    /// counter-tariff step (levied while the challenger's tariff is), each side's burden
    /// share of the trade its own tariff destroys, and the active levers. Third-party
    /// support offsets a share of the target's costs.
    pub(super) fn state_costs(&self, params: &Params) -> StateCosts {
        let l = &self.ladder;
        let sigma = params.get(Param::Elasticity);
        let burden = params.get(Param::ImporterBurden);
        let x_t = params.get(Param::ExportsTarget);
        let x_c = params.get(Param::ExportsChallenger);
        let support = params.get(Param::ThirdPartySupport).clamp(0.0, 1.0);
        let mut lever_c = [0.0f64; 2];
        let mut lever_t = [0.0f64; 2];
        for (k, lever) in l.levers.iter().enumerate() {
            if lever.enabled {
                let slot = usize::from(lever.from == LeverStart::Imposition);
                lever_c[slot] += params.get(Slot::LeverCost {
                    lever: k,
                    side: Side::Challenger,
                });
                lever_t[slot] += params.get(Slot::LeverCost {
                    lever: k,
                    side: Side::Target,
                });
            }
        }
        // Share of each flow destroyed: the target's exports at each step, the challenger's
        // at each counter-tariff step (0: none).
        let mut lost_t = [0.0f64; MAX_STEPS];
        for (k, s) in l.schedule.iter().enumerate() {
            lost_t[k] = s.coverage * loss_on(l.base_rates[0], s.rate, sigma);
        }
        let mut lost_c = [0.0f64; MAX_COUNTER_STEPS + 1];
        for (j, lost) in lost_c
            .iter_mut()
            .enumerate()
            .take(l.counter_steps() + 1)
            .skip(1)
        {
            *lost = match l.counter.get(j - 1) {
                Some(c) => c.coverage * loss_on(l.base_rates[1], c.rate, sigma),
                None => loss_on(l.base_rates[1], params.get(Param::CounterTariff), sigma),
            };
        }
        let mut costs = StateCosts {
            cost: [[0.0; NUM_ROUND_STATES]; 2],
        };
        for (step, &lt_step) in lost_t.iter().enumerate().take(l.schedule.len()) {
            for imposed in [false, true] {
                for (counter, &lc_step) in lost_c.iter().enumerate().take(l.counter_steps() + 1) {
                    let id = RoundState {
                        step,
                        imposed,
                        counter,
                    }
                    .id();
                    // The counter-tariff is levied while the challenger's tariff is.
                    let (tc, tt) = if imposed {
                        (lt_step, lc_step)
                    } else {
                        (0.0, 0.0)
                    };
                    let (lc, lt) = if imposed {
                        (lever_c[0] + lever_c[1], lever_t[0] + lever_t[1])
                    } else {
                        (lever_c[0], lever_t[0])
                    };
                    costs.cost[0][id] = x_c * tt + burden * x_t * tc + lc;
                    costs.cost[1][id] = (x_t * tc + burden * x_c * tt + lt) * (1.0 - support);
                }
            }
        }
        costs
    }

    /// Writes every terminal's payoffs at `params` into `out[t * 2 + p]` (t in game terminal
    /// order, p = 0 challenger, 1 target). No allocation. Values out of range are not checked
    /// here (see [`Params::validate`]).
    ///
    /// Payoffs are in $bn-equivalents, discounted to the day of the threat: stakes (times the
    /// resolve factor of a resolute type) to the side that gets its way, minus audience
    /// costs `a + g (level - 1)` for yielding after a public commitment, minus economic
    /// costs of tariffs (export loss `1 - ((1+b+t)/(1+b))^(-sigma)` of the covered flow at
    /// base rate `b`, plus the importer's burden share of the flow it taxes) and active
    /// levers, per day; a settlement gives the challenger the share `s` of its stake and the
    /// target the rest, each paying the matching share of its audience cost (the challenger
    /// `1 - s`, the target `s`); the war-of-attrition tail at the horizon adds the stationary
    /// equilibrium's value.
    ///
    /// # Panics
    /// Never for `out.len() >= 2 * num_terminals()`; shorter buffers are filled partially.
    pub fn payoffs_into(&self, params: &Params, out: &mut [f64]) {
        let l = &self.ladder;
        let rho = params.get(Param::DiscountRate) / 365.0;
        let costs = self.state_costs(params);
        // Discount factors at round starts and discounted day-weights of each round.
        let mut disc = [1.0f64; MAX_HORIZON + 1];
        let mut weight = [0.0f64; MAX_HORIZON];
        for (r, d) in disc.iter_mut().enumerate().take(l.horizon() + 1) {
            *d = (-rho * l.round_start(r)).exp();
        }
        for (r, w) in weight.iter_mut().enumerate().take(l.horizon()) {
            *w = if rho > 0.0 {
                (disc[r] - disc[r + 1]) / rho / 365.0
            } else {
                l.rounds[r] / 365.0
            };
        }
        let g = params.get(Param::AudienceGrowth);
        let phi = params.get(Param::FaceSavingDiscount);
        let fs_cost = params.get(Param::FaceSavingCost);
        let share = params.get(Param::SettlementShare);
        for (t, &(p, kc, kt)) in self.terminals.iter().enumerate() {
            let Some(f) = &self.features[p as usize] else {
                continue;
            };
            let [stake_c, stake_t] = self.stakes(params, kc as usize, kt as usize);
            let aud_c = audience_cost(params.get(Param::AudienceChallenger), g, f.level);
            let aud_t = audience_cost(params.get(Param::AudienceTarget), g, f.level);
            let mut pay = [0.0f64; 2];
            for (&s, w) in f.rounds[..f.num_rounds].iter().zip(&weight) {
                pay[0] -= costs.cost[0][s as usize] * w;
                pay[1] -= costs.cost[1][s as usize] * w;
            }
            let d = disc[f.num_rounds];
            match f.end {
                End::Accepted => pay[0] += stake_c,
                End::Acquiesced => pay[1] += stake_t,
                End::Conceded { face_saving } => {
                    pay[0] += stake_c * d;
                    pay[1] -= if face_saving {
                        (aud_t * (1.0 - phi) + fs_cost) * d
                    } else {
                        aud_t * d
                    };
                }
                End::BackedDown => {
                    pay[0] -= aud_c * d;
                    pay[1] += stake_t * d;
                }
                End::Settled => {
                    pay[0] += (share * stake_c - (1.0 - share) * aud_c) * d;
                    pay[1] += ((1.0 - share) * stake_t - share * aud_t) * d;
                }
                End::Attrition => {
                    let s = f.rounds[f.num_rounds - 1] as usize;
                    let tl = self.tail_of(
                        f,
                        [stake_c, stake_t],
                        [aud_c, aud_t],
                        phi,
                        fs_cost,
                        [costs.cost[0][s], costs.cost[1][s]],
                        rho,
                    );
                    pay[0] += tl.values[0] * d;
                    pay[1] += tl.values[1] * d;
                }
            }
            if let Some(o) = out.get_mut(2 * t..2 * t + 2) {
                o.copy_from_slice(&pay);
            }
        }
    }

    /// Each side's stake at types `(kc, kt)`: the resolute type's is the stake times its
    /// resolve factor.
    pub(super) fn stakes(&self, params: &Params, kc: usize, kt: usize) -> [f64; 2] {
        let l = &self.ladder;
        let v_c = params.get(Param::StakeChallenger);
        let v_t = params.get(Param::StakeTarget);
        [
            if l.challenger_types == 2 && kc == 1 {
                v_c * params.get(Param::ResolveFactorChallenger)
            } else {
                v_c
            },
            if l.target_types == 2 && kt == 1 {
                v_t * params.get(Param::ResolveFactorTarget)
            } else {
                v_t
            },
        ]
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn tail_of(
        &self,
        f: &TerminalFeature,
        stakes: [f64; 2],
        aud: [f64; 2],
        phi: f64,
        fs_cost: f64,
        annual: [f64; 2],
        rho: f64,
    ) -> Tail {
        let lose = self.tail_lose(aud, phi, fs_cost);
        let cost = [annual[0] / 365.0, annual[1] / 365.0];
        tail_process(stakes, lose, cost, rho, f.can_yield)
    }

    /// Each side's payoff of conceding in the tail: its audience cost (the target's with
    /// face saving when that is cheaper).
    pub(super) fn tail_lose(&self, aud: [f64; 2], phi: f64, fs_cost: f64) -> [f64; 2] {
        let lose_t = if self.ladder.face_saving {
            (-aud[1]).max(-(aud[1] * (1.0 - phi) + fs_cost))
        } else {
            -aud[1]
        };
        [-aud[0], lose_t]
    }

    /// What game terminal `terminal` means at `params`, with its ending move taken at the
    /// start of its round ([`Timing::RoundStart`]; see [`CompiledLadder::outcome_timed`]).
    ///
    /// # Errors
    /// [`ModelError::NoSuchTerminal`] for an index out of range.
    pub fn outcome(&self, terminal: usize, params: &Params) -> Result<Outcome, ModelError> {
        self.outcome_timed(terminal, params, Timing::RoundStart)
    }

    /// The probability with which the mover of a play's ending move yields (concedes, backs
    /// down or settles) at that decision, for its own type at `terminal`.
    pub(super) fn end_yield_prob(&self, terminal: usize, m: &EndMove, behaviour: &[f64]) -> f64 {
        let Some(&(_, kc, kt)) = self.terminals.get(terminal) else {
            return 0.0;
        };
        let own = if m.mover == Side::Challenger { kc } else { kt } as usize;
        let off = self.decision_offset[m.decision][own];
        let node = &self.public[m.decision];
        node.actions
            .iter()
            .enumerate()
            .filter(|(_, a)| a.is_yielding())
            .map(|(a, _)| behaviour.get(off.saturating_add(a)).copied().unwrap_or(0.0))
            .sum()
    }

    /// What game terminal `terminal` means at `params`, with the ending move's time within
    /// its round given by `timing`: class, the day it ends (from the threat), tariffs, each
    /// side's undiscounted economic cost up to that day. A play that reaches the attrition
    /// tail is unresolved at the horizon: its duration is censored there
    /// ([`Outcome::censored`]), and the tail's probabilities of who concedes in the end are
    /// reported beside it.
    ///
    /// # Errors
    /// [`ModelError::NoSuchTerminal`] for an index out of range.
    pub fn outcome_timed(
        &self,
        terminal: usize,
        params: &Params,
        timing: Timing<'_>,
    ) -> Result<Outcome, ModelError> {
        // No allocation here: the simulation calls this once per run.
        let &(p, kc, kt) = self
            .terminals
            .get(terminal)
            .ok_or(ModelError::NoSuchTerminal(terminal))?;
        let f = self.features[p as usize]
            .as_ref()
            .ok_or(ModelError::NoSuchTerminal(terminal))?;
        let l = &self.ladder;
        let costs = self.state_costs(params);
        let node = &self.public[p as usize];
        let mut cost = [0.0; 2];
        for r in 0..f.num_rounds {
            let a = costs.of(node.rounds[r]);
            cost[0] += a[0] * l.rounds[r] / 365.0;
            cost[1] += a[1] * l.rounds[r] / 365.0;
        }
        let mut day = l.round_start(f.num_rounds);
        if let Some(m) = &f.end_move {
            let length = l.rounds[m.round];
            let within = match timing {
                Timing::RoundStart => 0.0,
                Timing::Expected(b) => {
                    timing::mean_time_in_round(self.end_yield_prob(terminal, m, b), length)
                }
                Timing::Drawn(b, u) => {
                    timing::time_in_round(self.end_yield_prob(terminal, m, b), length, u)
                }
            };
            day = l.round_start(m.round) + within;
            let a = costs.of(m.state);
            cost[0] += a[0] * within / 365.0;
            cost[1] += a[1] * within / 365.0;
        }
        let mut tail_yield = [0.0; 2];
        if f.end == End::Attrition {
            let s = node.rounds[f.num_rounds - 1];
            let g = params.get(Param::AudienceGrowth);
            let tl = self.tail_of(
                f,
                self.stakes(params, kc as usize, kt as usize),
                [
                    audience_cost(params.get(Param::AudienceChallenger), g, f.level),
                    audience_cost(params.get(Param::AudienceTarget), g, f.level),
                ],
                params.get(Param::FaceSavingDiscount),
                params.get(Param::FaceSavingCost),
                costs.of(s),
                params.get(Param::DiscountRate) / 365.0,
            );
            tail_yield = [tl.challenger_concedes_prob(), tl.target_concedes_prob()];
        }
        let class = match f.end {
            End::Accepted => OutcomeClass::Accepted,
            End::Acquiesced => OutcomeClass::Acquiesced,
            End::Conceded { .. } if f.peak_imposed > 0.0 => OutcomeClass::ConcededAfterTariffs,
            End::Conceded { .. } => OutcomeClass::ConcededBeforeTariffs,
            End::BackedDown => OutcomeClass::BackedDown,
            End::Settled => OutcomeClass::Settled,
            End::Attrition => OutcomeClass::Unresolved,
        };
        let duration = if f.threatened { day } else { 0.0 };
        Ok(Outcome {
            class,
            conceded: class.yielded(),
            face_saving: f.end == End::Conceded { face_saving: true },
            move_index: f.move_index,
            day: duration,
            peak_tariff_announced: if f.threatened {
                l.schedule[f.step].rate
            } else {
                0.0
            },
            peak_tariff_imposed: f.peak_imposed,
            tariffs_imposed: f.peak_imposed > 0.0,
            counter_tariff_announced: f.counter > 0,
            cost_challenger_bn: cost[0],
            cost_target_bn: cost[1],
            duration_days: duration,
            censored: f.end == End::Attrition,
            tail_target_concedes_prob: tail_yield[1],
            tail_challenger_concedes_prob: tail_yield[0],
        })
    }
}

/// Export loss of a tariff `t` on top of a base rate `b`: the share of the flow observed at
/// `b` that the extra tariff destroys, `1 - ((1+b+t)/(1+b))^(-sigma)` (0 for `t <= 0`).
fn loss_on(b: f64, t: f64, sigma: f64) -> f64 {
    if b == 0.0 {
        loss(t, sigma)
    } else if t <= 0.0 {
        0.0
    } else {
        1.0 - ((1.0 + b + t) / (1.0 + b)).powf(-sigma)
    }
}

/// A side's audience cost of yielding at escalation level `level` (1 at the refusal): its
/// cost `a` at level 1 plus `g` for every level above it. The growth is added, not scaled
/// by `a`, so that a higher audience cost raises the cost of yielding by the same amount
/// at every level: it never makes yielding later dearer relative to yielding now, which
/// would give a side that expects to lose a reason to yield sooner.
pub(super) fn audience_cost(a: f64, g: f64, level: u32) -> f64 {
    a + g * f64::from(level.max(1) - 1)
}
