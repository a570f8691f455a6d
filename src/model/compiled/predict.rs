//! What the model predicts for a standoff from its opening: the probability of each outcome
//! class and the law of the duration, exactly, from one behaviour profile (no sampling).

use super::*;
use crate::model::timing;

/// One piece of a duration law: with probability `weight` the standoff ends at `start` plus
/// a time within `length` days, truncated-exponential with yielding probability `p` over
/// that span ([`crate::model::timing`]); `length = 0` is a point mass at `start`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Piece {
    weight: f64,
    start: f64,
    length: f64,
    p: f64,
}

impl Piece {
    fn cdf(&self, day: f64) -> f64 {
        if day < self.start {
            0.0
        } else if self.length <= 0.0 || day >= self.start + self.length {
            1.0
        } else if self.p <= 0.0 {
            (day - self.start) / self.length
        } else {
            let tau = day - self.start;
            -(timing::ln_survival_in_round(self.p, self.length, tau)).exp_m1() / self.p
        }
    }
}

/// The law of a standoff's duration (days from the threat): a mixture of point masses and
/// truncated exponentials on rounds. Durations of unresolved plays are censored at the
/// horizon: their mass sits at the horizon and is reported apart
/// ([`DurationLaw::censored`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DurationLaw {
    pieces: Vec<Piece>,
    total: f64,
    censored: f64,
    horizon: f64,
}

impl DurationLaw {
    /// Probability that the standoff has ended by `day` (unresolved plays never have, up to
    /// the horizon).
    pub fn cdf(&self, day: f64) -> f64 {
        if self.total <= 0.0 {
            return 0.0;
        }
        let ended: f64 = self.pieces.iter().map(|p| p.weight * p.cdf(day)).sum();
        (ended / self.total).clamp(0.0, 1.0)
    }

    /// Probability that the standoff is unresolved at the horizon.
    pub fn censored(&self) -> f64 {
        if self.total > 0.0 {
            self.censored / self.total
        } else {
            0.0
        }
    }

    /// The horizon (days from the threat) at which durations are censored.
    pub fn horizon(&self) -> f64 {
        self.horizon
    }

    /// The `q`-quantile of the duration: the least day by which the standoff has ended with
    /// probability at least `q`; `None` when that is not reached by the horizon (the
    /// quantile lies among the censored plays).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.cdf(self.horizon) < q {
            return None;
        }
        let (mut lo, mut hi) = (0.0f64, self.horizon);
        if self.cdf(0.0) >= q {
            return Some(0.0);
        }
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if self.cdf(mid) >= q {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Some(hi)
    }

    /// Adds `other`'s mass with weight `w` (for mixtures over parameter draws).
    pub fn add(&mut self, other: &DurationLaw, w: f64) {
        if other.total <= 0.0 {
            return;
        }
        let scale = w / other.total;
        for p in &other.pieces {
            self.pieces.push(Piece {
                weight: p.weight * scale,
                ..*p
            });
        }
        self.total += w;
        self.censored += other.censored * scale;
        self.horizon = self.horizon.max(other.horizon);
    }
}

/// The model's prediction for a standoff from its opening, at one behaviour profile or
/// averaged over many ([`Prediction::add`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prediction {
    /// Probability of each outcome class, in [`OutcomeClass::ALL`] order.
    pub classes: [f64; OutcomeClass::ALL.len()],
    /// The law of the duration.
    pub duration: DurationLaw,
    weight: f64,
}

impl Prediction {
    /// Adds another prediction with weight `w`: the mixture of the two (for averaging over
    /// parameter draws; weights need not sum to 1).
    pub fn add(&mut self, other: &Prediction, w: f64) {
        let total = self.weight + w;
        if total <= 0.0 {
            return;
        }
        for (c, o) in self.classes.iter_mut().zip(&other.classes) {
            *c = (*c * self.weight + o * w) / total;
        }
        self.duration.add(&other.duration, w);
        self.weight = total;
    }

    /// Probability of `class`.
    pub fn class(&self, class: OutcomeClass) -> f64 {
        self.classes[class.index()]
    }
}

impl CompiledLadder {
    /// The prediction from the opening `opening` (actions from the root; empty for the
    /// root): the class probabilities and the duration law of the plays that start with it,
    /// under `behaviour` with the types drawn from their priors and updated on the
    /// opening. `None` when the opening has probability zero or leaves the ladder.
    pub fn predict_given(
        &self,
        behaviour: &[f64],
        params: &Params,
        opening: &[Action],
    ) -> Option<Prediction> {
        let root = self.opening_node(opening)?;
        let mut probs = vec![0.0; self.num_terminals()];
        self.terminal_probs(behaviour, params, &mut probs);
        let mut out = Prediction {
            weight: 1.0,
            ..Prediction::default()
        };
        let mut mass = 0.0;
        let horizon = self.ladder.round_start(self.ladder.horizon());
        for (t, &pr) in probs.iter().enumerate() {
            if pr <= 0.0 || !self.under(self.terminals[t].0 as usize, root) {
                continue;
            }
            let Some(f) = self.features[self.terminals[t].0 as usize].as_ref() else {
                continue;
            };
            let o = self.outcome(t, params).ok()?;
            mass += pr;
            out.classes[o.class.index()] += pr;
            let piece = match &f.end_move {
                Some(m) => Piece {
                    weight: pr,
                    start: self.ladder.round_start(m.round),
                    length: self.ladder.rounds[m.round],
                    p: self.end_yield_prob(t, m, behaviour),
                },
                None => Piece {
                    weight: pr,
                    start: o.duration_days,
                    length: 0.0,
                    p: 0.0,
                },
            };
            if o.censored {
                out.duration.censored += pr;
            } else {
                out.duration.pieces.push(piece);
            }
            out.duration.total += pr;
        }
        if !(mass > 0.0 && mass.is_finite()) {
            return None;
        }
        out.classes.iter_mut().for_each(|c| *c /= mass);
        out.duration.horizon = horizon;
        Some(out)
    }

    /// Whether public node `p` lies in the subtree of public node `root`.
    fn under(&self, mut p: usize, root: usize) -> bool {
        loop {
            if p == root {
                return true;
            }
            match self.public[p].parent {
                Some((parent, _)) => p = parent,
                None => return false,
            }
        }
    }
}
