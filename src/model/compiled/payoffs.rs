//! Per draw: every terminal's payoffs (stakes, audience costs, tariff and lever costs, the
//! attrition tail) and what a terminal means ([`Outcome`]).

use super::*;

impl CompiledLadder {
    /// Writes every terminal's payoffs at `params` into `out[t * 2 + p]` (t in game terminal
    /// order, p = 0 challenger, 1 target). No allocation. Values out of range are not checked
    /// here (see [`Params::validate`]).
    ///
    /// Payoffs are in $bn-equivalents, discounted to the day of the threat: stakes (times the
    /// resolve factor of a resolute type) to the side that gets its way, minus audience
    /// costs `a + g (level - 1)` for yielding after a public commitment, minus economic
    /// costs of tariffs (export loss `1 - (1+t)^(-sigma)` of the trade flow, plus the
    /// importer's burden share of the flow it taxes) and active levers, per day; the
    /// war-of-attrition tail at the horizon adds the stationary equilibrium's value.
    ///
    /// # Panics
    /// Never for `out.len() >= 2 * num_terminals()`; shorter buffers are filled partially.
    pub fn payoffs_into(&self, params: &Params, out: &mut [f64]) {
        let l = &self.ladder;
        let rho = params.get(Param::DiscountRate) / 365.0;
        let (cost_c, cost_t) = self.state_costs(params);
        let (disc, weight) = self.discounting(rho);
        let v_c = params.get(Param::StakeChallenger);
        let v_t = params.get(Param::StakeTarget);
        let f_c = params.get(Param::ResolveFactorChallenger);
        let f_t = params.get(Param::ResolveFactorTarget);
        let a_c = params.get(Param::AudienceChallenger);
        let a_t = params.get(Param::AudienceTarget);
        let g = params.get(Param::AudienceGrowth);
        let phi = params.get(Param::FaceSavingDiscount);
        let fs_cost = params.get(Param::FaceSavingCost);
        for (t, &(p, kc, kt)) in self.terminals.iter().enumerate() {
            let Some(f) = &self.features[p as usize] else {
                continue;
            };
            let stake_c = if l.challenger_types == 2 && kc == 1 {
                v_c * f_c
            } else {
                v_c
            };
            let stake_t = if l.target_types == 2 && kt == 1 {
                v_t * f_t
            } else {
                v_t
            };
            let aud_c = audience_cost(a_c, g, f.level);
            let aud_t = audience_cost(a_t, g, f.level);
            let mut pay = [0.0f64; 2];
            for (&s, w) in f.rounds[..f.num_rounds].iter().zip(&weight) {
                pay[0] -= cost_c[s as usize] * w;
                pay[1] -= cost_t[s as usize] * w;
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
                End::Attrition => {
                    let s = f.rounds[f.num_rounds - 1] as usize;
                    let tl = self.tail_of(
                        f,
                        [stake_c, stake_t],
                        [aud_c, aud_t],
                        phi,
                        fs_cost,
                        [cost_c[s], cost_t[s]],
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

    /// The annual economic cost of each round state (tariffs, counter-tariff, levers), for
    /// the challenger and the target.
    fn state_costs(&self, params: &Params) -> ([f64; NUM_STATES], [f64; NUM_STATES]) {
        let l = &self.ladder;
        let sigma = params.get(Param::Elasticity);
        let burden = params.get(Param::ImporterBurden);
        let x_t = params.get(Param::ExportsTarget);
        let x_c = params.get(Param::ExportsChallenger);
        let support = params.get(Param::ThirdPartySupport).clamp(0.0, 1.0);
        let counter = params.get(Param::CounterTariff);
        let mut cost_c = [0.0f64; NUM_STATES];
        let mut cost_t = [0.0f64; NUM_STATES];
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
        for (step, ts) in l.schedule.iter().enumerate() {
            for imposed in [false, true] {
                for retaliated in [false, true] {
                    let id = RoundState {
                        step,
                        imposed,
                        retaliated,
                    }
                    .id();
                    let tc = if imposed { ts.rate } else { 0.0 };
                    let tt = if imposed && retaliated { counter } else { 0.0 };
                    let (lc, lt) = if imposed {
                        (lever_c[0] + lever_c[1], lever_t[0] + lever_t[1])
                    } else {
                        (lever_c[0], lever_t[0])
                    };
                    cost_c[id] = x_c * loss(tt, sigma) + burden * x_t * loss(tc, sigma) + lc;
                    cost_t[id] = (x_t * loss(tc, sigma) + burden * x_c * loss(tt, sigma) + lt)
                        * (1.0 - support);
                }
            }
        }
        (cost_c, cost_t)
    }

    /// Discount factors at round starts and the discounted day-weights (in years) of each
    /// round, at daily rate `rho`.
    fn discounting(&self, rho: f64) -> ([f64; MAX_HORIZON + 1], [f64; MAX_HORIZON]) {
        let l = &self.ladder;
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
        (disc, weight)
    }

    #[allow(clippy::too_many_arguments)]
    fn tail_of(
        &self,
        f: &TerminalFeature,
        stakes: [f64; 2],
        aud: [f64; 2],
        phi: f64,
        fs_cost: f64,
        annual: [f64; 2],
        rho: f64,
    ) -> Tail {
        let lose_t = if self.ladder.face_saving {
            (-aud[1]).max(-(aud[1] * (1.0 - phi) + fs_cost))
        } else {
            -aud[1]
        };
        let lose = [-aud[0], lose_t];
        let cost = [annual[0] / 365.0, annual[1] / 365.0];
        tail_process(stakes, lose, cost, rho, f.can_yield)
    }

    /// What game terminal `terminal` means at `params`.
    ///
    /// # Errors
    /// [`ModelError::NoSuchTerminal`] for an index out of range.
    pub fn outcome(&self, terminal: usize, params: &Params) -> Result<Outcome, ModelError> {
        // No allocation here: the simulation calls this once per run.
        let &(p, kc, kt) = self
            .terminals
            .get(terminal)
            .ok_or(ModelError::NoSuchTerminal(terminal))?;
        let f = self.features[p as usize]
            .as_ref()
            .ok_or(ModelError::NoSuchTerminal(terminal))?;
        let l = &self.ladder;
        let sigma = params.get(Param::Elasticity);
        // Undiscounted annual costs of a round state.
        let annual = |s: RoundState| -> [f64; 2] {
            let x_t = params.get(Param::ExportsTarget);
            let x_c = params.get(Param::ExportsChallenger);
            let burden = params.get(Param::ImporterBurden);
            let tc = if s.imposed {
                l.schedule[s.step].rate
            } else {
                0.0
            };
            let tt = if s.imposed && s.retaliated {
                params.get(Param::CounterTariff)
            } else {
                0.0
            };
            let (mut lc, mut lt) = (0.0, 0.0);
            for (k, lever) in l.levers.iter().enumerate() {
                if lever.enabled && (lever.from == LeverStart::Threat || s.imposed) {
                    lc += params.get(Slot::LeverCost {
                        lever: k,
                        side: Side::Challenger,
                    });
                    lt += params.get(Slot::LeverCost {
                        lever: k,
                        side: Side::Target,
                    });
                }
            }
            [
                x_c * loss(tt, sigma) + burden * x_t * loss(tc, sigma) + lc,
                (x_t * loss(tc, sigma) + burden * x_c * loss(tt, sigma) + lt)
                    * (1.0 - params.get(Param::ThirdPartySupport)),
            ]
        };
        let node = &self.public[p as usize];
        let mut cost = [0.0; 2];
        for r in 0..f.num_rounds {
            let s = node.rounds[r];
            let a = annual(s);
            cost[0] += a[0] * l.rounds[r] / 365.0;
            cost[1] += a[1] * l.rounds[r] / 365.0;
        }
        let mut day = l.round_start(f.num_rounds);
        let mut tail_yield = [0.0; 2];
        let class = match f.end {
            End::Accepted => OutcomeClass::Accepted,
            End::Acquiesced => OutcomeClass::Acquiesced,
            End::Conceded { face_saving: false } => OutcomeClass::Conceded,
            End::Conceded { face_saving: true } => OutcomeClass::ConcededFaceSaving,
            End::BackedDown => OutcomeClass::BackedDown,
            End::Attrition => {
                let s = node.rounds[f.num_rounds - 1];
                let a = annual(s);
                let stake_c = params.get(Param::StakeChallenger)
                    * if l.challenger_types == 2 && kc == 1 {
                        params.get(Param::ResolveFactorChallenger)
                    } else {
                        1.0
                    };
                let stake_t = params.get(Param::StakeTarget)
                    * if l.target_types == 2 && kt == 1 {
                        params.get(Param::ResolveFactorTarget)
                    } else {
                        1.0
                    };
                let g = params.get(Param::AudienceGrowth);
                let tl = self.tail_of(
                    f,
                    [stake_c, stake_t],
                    [
                        audience_cost(params.get(Param::AudienceChallenger), g, f.level),
                        audience_cost(params.get(Param::AudienceTarget), g, f.level),
                    ],
                    params.get(Param::FaceSavingDiscount),
                    params.get(Param::FaceSavingCost),
                    a,
                    params.get(Param::DiscountRate) / 365.0,
                );
                let extra = tl.expected_duration().min(FROZEN_REPORT_DAYS);
                day += extra;
                cost[0] += a[0] * extra / 365.0;
                cost[1] += a[1] * extra / 365.0;
                tail_yield = [tl.challenger_concedes_prob(), tl.target_concedes_prob()];
                OutcomeClass::Attrition
            }
        };
        let duration = if f.threatened { day } else { 0.0 };
        Ok(Outcome {
            class,
            conceded: class.yielded(),
            move_index: f.move_index,
            day: duration,
            peak_tariff_announced: if f.threatened {
                l.schedule[f.step].rate
            } else {
                0.0
            },
            peak_tariff_imposed: f.peak_imposed,
            tariffs_imposed: f.peak_imposed > 0.0,
            counter_tariff_announced: f.retaliated,
            cost_challenger_bn: cost[0],
            cost_target_bn: cost[1],
            duration_days: duration,
            tail_target_concedes_prob: tail_yield[1],
            tail_challenger_concedes_prob: tail_yield[0],
        })
    }
}

/// A side's audience cost of yielding at escalation level `level` (1 at the refusal): its
/// cost `a` at level 1 plus `g` for every level above it. The growth is added, not scaled
/// by `a`, so that a higher audience cost raises the cost of yielding by the same amount
/// at every level: it never makes yielding later dearer relative to yielding now, which
/// would give a side that expects to lose a reason to yield sooner.
fn audience_cost(a: f64, g: f64, level: u32) -> f64 {
    a + g * f64::from(level.max(1) - 1)
}
