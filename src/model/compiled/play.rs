//! Plays and their probabilities under a behaviour profile: sampling (from the root or given
//! an opening), terminal probabilities and the likelihood of a documented path.

use super::*;

impl CompiledLadder {
    /// Samples a play: the types from the true priors, then each move from `behaviour`, using
    /// only the caller's uniforms on [0, 1) (for common random numbers: always two for the
    /// types, then one per move). Returns the game terminal index.
    pub fn sample_terminal(
        &self,
        behaviour: &[f64],
        params: &Params,
        u: &mut impl FnMut() -> f64,
    ) -> usize {
        let pc = params.get(Param::PriorChallengerResolute);
        let pt = params.get(Param::PriorTargetResolute);
        let (u1, u2) = (u(), u());
        let kc = usize::from(self.ladder.challenger_types == 2 && u1 < pc);
        let kt = usize::from(self.ladder.target_types == 2 && u2 < pt);
        self.play_from(0, kc, kt, behaviour, u)
    }

    /// Plays from public node `start` with the types fixed: one uniform per move, each move
    /// drawn from `behaviour` at the mover's own information set. Returns the game terminal.
    fn play_from(
        &self,
        start: usize,
        kc: usize,
        kt: usize,
        behaviour: &[f64],
        u: &mut impl FnMut() -> f64,
    ) -> usize {
        let combo = kc * self.ladder.target_types + kt;
        let combos = self.ladder.challenger_types * self.ladder.target_types;
        let mut p = start;
        loop {
            let node = &self.public[p];
            let Some(side) = node.mover else {
                return self.terminal_of[p * combos + combo] as usize;
            };
            let own = if side == Side::Challenger { kc } else { kt };
            let off = self.decision_offset[p][own];
            let k = node.children.len();
            let x = u();
            let mut acc = 0.0;
            let mut chosen = k - 1;
            for a in 0..k {
                acc += behaviour.get(off + a).copied().unwrap_or(0.0);
                if x < acc {
                    chosen = a;
                    break;
                }
            }
            p = node.children[chosen];
        }
    }

    /// The public tree node reached by following `opening` (actions from the root), or
    /// `None` when some action is not available at its point of the path.
    pub fn opening_node(&self, opening: &[Action]) -> Option<usize> {
        let mut p = 0;
        for act in opening {
            let node = self.public.get(p)?;
            node.mover?;
            let a = node.actions.iter().position(|x| x == act)?;
            p = *node.children.get(a)?;
        }
        Some(p)
    }

    /// Samples a play conditioned on its first moves being `opening`: the types are drawn
    /// from their posterior given the opening (prior × probability of the opening's moves
    /// under `behaviour` for those types, as in [`CompiledLadder::path_log_likelihood`]),
    /// the opening's moves are then taken as given, and every later move is drawn from
    /// `behaviour` as in [`CompiledLadder::sample_terminal`].
    ///
    /// Uniform consumption (for common random numbers): always exactly two for the types
    /// (challenger, then target), then one per move after the opening, none for the
    /// opening's own moves. Since each move's probability depends only on its mover's own
    /// type and the types are independent a priori, the posterior is independent too: the
    /// first uniform draws the challenger's type from its posterior, the second the
    /// target's. With an empty opening the result equals [`CompiledLadder::sample_terminal`]
    /// bit for bit with the same uniforms.
    ///
    /// Returns the game terminal index, or `None` when the opening is not a path of the
    /// public tree or has probability zero under every type combination.
    pub fn sample_terminal_given(
        &self,
        behaviour: &[f64],
        params: &Params,
        opening: &[Action],
        u: &mut impl FnMut() -> f64,
    ) -> Option<usize> {
        let (u1, u2) = (u(), u());
        let start = self.opening_node(opening)?;
        // Likelihood of the opening's own moves for each side, per own type.
        let mut like = [[1.0f64; 2]; 2];
        let mut p = 0;
        for act in opening {
            let node = &self.public[p];
            let side = node.mover?;
            let a = node.actions.iter().position(|x| x == act)?;
            let ntypes = if side == Side::Challenger {
                self.ladder.challenger_types
            } else {
                self.ladder.target_types
            };
            for (own, l) in like[side.index()].iter_mut().enumerate().take(ntypes) {
                *l *= behaviour
                    .get(self.decision_offset[p][own].saturating_add(a))
                    .copied()
                    .unwrap_or(0.0);
            }
            p = node.children[a];
        }
        let draw_type = |ntypes: usize, prior: f64, l: [f64; 2], x: f64| -> Option<usize> {
            if ntypes != 2 {
                return (l[0] > 0.0).then_some(0);
            }
            let w0 = (1.0 - prior) * l[0];
            let w1 = prior * l[1];
            let total = w0 + w1;
            if total.is_nan() || total <= 0.0 {
                return None;
            }
            // Equal likelihoods leave the prior unchanged (exactly, for the empty opening).
            let q = if l[0] == l[1] { prior } else { w1 / total };
            Some(usize::from(x < q))
        };
        let kc = draw_type(
            self.ladder.challenger_types,
            params.get(Param::PriorChallengerResolute),
            like[0],
            u1,
        )?;
        let kt = draw_type(
            self.ladder.target_types,
            params.get(Param::PriorTargetResolute),
            like[1],
            u2,
        )?;
        Some(self.play_from(start, kc, kt, behaviour, u))
    }

    /// Probability of each game terminal under `behaviour` and the true priors (sums to 1).
    pub fn terminal_probs(&self, behaviour: &[f64], params: &Params, out: &mut [f64]) {
        let probs = self.root_probs(
            params.get(Param::PriorChallengerResolute),
            params.get(Param::PriorTargetResolute),
        );
        let combos = self.ladder.challenger_types * self.ladder.target_types;
        for (t, &(p, kc, kt)) in self.terminals.iter().enumerate() {
            let combo = kc as usize * self.ladder.target_types + kt as usize;
            let mut pr = if combos > 1 { probs[combo] } else { 1.0 };
            let mut cur = p as usize;
            while let Some((parent, a)) = self.public[cur].parent {
                let side = self.public[parent].mover.unwrap_or(Side::Target);
                let own = if side == Side::Challenger { kc } else { kt } as usize;
                pr *= behaviour
                    .get(self.decision_offset[parent][own] + a)
                    .copied()
                    .unwrap_or(0.0);
                cur = parent;
            }
            if let Some(o) = out.get_mut(t) {
                *o = pr;
            }
        }
    }

    /// The probabilities of the outcomes of a play under `behaviour` and the true priors.
    ///
    /// # Errors
    /// As [`CompiledLadder::outcome`], which cannot fail for the ladder's own terminals.
    ///
    /// # Examples
    /// See [`OutcomeProbs`].
    pub fn outcome_probs(
        &self,
        behaviour: &[f64],
        params: &Params,
    ) -> Result<OutcomeProbs, ModelError> {
        let mut probs = vec![0.0; self.num_terminals()];
        self.terminal_probs(behaviour, params, &mut probs);
        let mut out = OutcomeProbs::default();
        for (t, &pr) in probs.iter().enumerate() {
            out.add(&self.outcome(t, params)?, pr);
        }
        Ok(out)
    }

    /// Log-likelihood of a documented (possibly partial) path of actions from the root: the
    /// log of the probability of those moves under `behaviour`, with the types marginalised
    /// over their true priors.
    ///
    /// # Errors
    /// [`ModelError::Path`] when an action is not available at its point of the path.
    pub fn path_log_likelihood(
        &self,
        behaviour: &[f64],
        params: &Params,
        path: &[Action],
    ) -> Result<f64, ModelError> {
        let probs = self.root_probs(
            params.get(Param::PriorChallengerResolute),
            params.get(Param::PriorTargetResolute),
        );
        let nt = self.ladder.target_types;
        let mut total = 0.0;
        for kc in 0..self.ladder.challenger_types {
            for kt in 0..nt {
                let mut pr = probs[kc * nt + kt];
                let mut p = 0;
                for (i, act) in path.iter().enumerate() {
                    let node = &self.public[p];
                    let a = node.actions.iter().position(|x| x == act).ok_or_else(|| {
                        ModelError::Path {
                            index: i,
                            message: format!(
                                "{} is not available after {:?} (available: {})",
                                act.label(),
                                node.history_label(),
                                crate::model::ladder_labels(&node.actions)
                            ),
                        }
                    })?;
                    let side = node.mover.unwrap_or(Side::Target);
                    let own = if side == Side::Challenger { kc } else { kt };
                    pr *= behaviour
                        .get(self.decision_offset[p][own] + a)
                        .copied()
                        .unwrap_or(0.0);
                    p = node.children[a];
                }
                total += pr;
            }
        }
        Ok(total.ln())
    }
}
