//! The war-of-attrition tail and its closed forms.
//!
//! After the horizon the standoff continues in continuous time: each side pays a cost per
//! day until one concedes. With complete information the stationary equilibrium
//! ([`tail`]) has each side conceding at a constant hazard that keeps the *other* indifferent
//! between conceding now and waiting (Fudenberg & Tirole, *Game Theory*, 1991, §4.5.2).
//! Undiscounted, with prize `V` (winning minus conceding) and cost `c` per unit time, the
//! hazard is `c / V`. With discount rate `r`, indifference of side i
//! (`r L_i = -c_i + h_j (W_i - L_i)`) gives `h_j = (c_i + r L_i) / (W_i - L_i)`, and each
//! side's value is its payoff of conceding at once, `L_i` (full dissipation of the rent).
//!
//! The ladder does not use that equilibrium as its continuation: its values do not depend on
//! the stakes, so a finite ladder ending in it unravels (the last mover always yields to a
//! holdout), and its asymmetric comparative statics are perverse (a side concedes faster
//! when its *opponent*'s costs rise). The ladder's tail ([`tail_process`]) instead lets each
//! side quit at the hazard `c_i / (W_i - L_i)` of its *own* cost and prize — the same `c / V`
//! in the symmetric case — and values the resulting race with discounting; a side for which
//! that race is worth less than conceding concedes at once (individual rationality).

/// How the tail is played.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TailKind {
    /// Both concede at positive hazards (mixed stationary equilibrium).
    Mixed,
    /// The challenger would rather wait forever than concede: the target concedes at once.
    TargetConcedesAtOnce,
    /// The target would rather wait forever: the challenger concedes at once.
    ChallengerConcedesAtOnce,
    /// Neither ever concedes: a frozen standoff with perpetual costs.
    Frozen,
}

/// The tail's equilibrium: values at its start and concession hazards per day.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Tail {
    /// Which regime.
    pub kind: TailKind,
    /// Expected payoff of [challenger, target] at the tail's start (undiscounted to it).
    pub values: [f64; 2],
    /// Concession hazard per day of [challenger, target] (in [`tail`]: the equilibrium
    /// hazards; in [`tail_process`]: each side's own quitting hazard).
    pub hazards: [f64; 2],
}

impl Tail {
    /// Expected remaining duration in days (infinite for a frozen standoff).
    pub fn expected_duration(&self) -> f64 {
        match self.kind {
            TailKind::Mixed => 1.0 / (self.hazards[0] + self.hazards[1]),
            TailKind::Frozen => f64::INFINITY,
            _ => 0.0,
        }
    }

    /// Probability that the challenger is the one to concede (0 in a frozen standoff, where
    /// nobody ever does).
    pub fn challenger_concedes_prob(&self) -> f64 {
        match self.kind {
            TailKind::Mixed => self.hazards[0] / (self.hazards[0] + self.hazards[1]),
            TailKind::ChallengerConcedesAtOnce => 1.0,
            _ => 0.0,
        }
    }

    /// Probability that the target is the one to concede (0 in a frozen standoff).
    pub fn target_concedes_prob(&self) -> f64 {
        match self.kind {
            TailKind::Mixed => self.hazards[1] / (self.hazards[0] + self.hazards[1]),
            TailKind::TargetConcedesAtOnce => 1.0,
            _ => 0.0,
        }
    }
}

/// Solves the stationary tail. `win[i]` and `lose[i]` are side i's payoffs of the other
/// conceding and of conceding itself, `cost[i]` its cost per day, `rate` the discount rate per
/// day. Requires `win[i] > lose[i]`; otherwise side i concedes at once.
///
/// # Examples
/// ```
/// use escalation::model::attrition::{tail, TailKind};
/// // Symmetric, undiscounted: prize 2, cost 0.5 a day: hazard c/V = 0.25.
/// let t = tail([2.0, 2.0], [0.0, 0.0], [0.5, 0.5], 0.0);
/// assert_eq!(t.kind, TailKind::Mixed);
/// assert!((t.hazards[0] - 0.25).abs() < 1e-12);
/// ```
pub fn tail(win: [f64; 2], lose: [f64; 2], cost: [f64; 2], rate: f64) -> Tail {
    // Net flow loss of waiting instead of conceding, and the prize of outlasting.
    let pressure = |i: usize| cost[i] + rate * lose[i];
    let prize = |i: usize| win[i] - lose[i];
    let patient = |i: usize| prize(i) > 0.0 && pressure(i) <= 0.0;
    if prize(0) <= 0.0 && prize(1) > 0.0 {
        return at_once(win, lose, TailKind::ChallengerConcedesAtOnce);
    }
    if prize(1) <= 0.0 {
        return at_once(win, lose, TailKind::TargetConcedesAtOnce);
    }
    match (patient(0), patient(1)) {
        (true, true) => Tail {
            kind: TailKind::Frozen,
            values: [-perpetual(cost[0], rate), -perpetual(cost[1], rate)],
            hazards: [0.0, 0.0],
        },
        (true, false) => at_once(win, lose, TailKind::TargetConcedesAtOnce),
        (false, true) => at_once(win, lose, TailKind::ChallengerConcedesAtOnce),
        (false, false) => Tail {
            kind: TailKind::Mixed,
            values: lose,
            // Side j's hazard keeps side i indifferent.
            hazards: [pressure(1) / prize(1), pressure(0) / prize(0)],
        },
    }
}

/// Present value of paying `cost` per day forever at discount `rate` per day (a large
/// finite number when undiscounted, so payoffs stay finite).
pub(crate) fn perpetual(cost: f64, rate: f64) -> f64 {
    if cost == 0.0 {
        0.0
    } else if rate > 0.0 {
        cost / rate
    } else {
        cost * 1e6
    }
}

fn at_once(win: [f64; 2], lose: [f64; 2], kind: TailKind) -> Tail {
    let values = match kind {
        TailKind::TargetConcedesAtOnce => [win[0], lose[1]],
        _ => [lose[0], win[1]],
    };
    Tail {
        kind,
        values,
        hazards: [0.0, 0.0],
    }
}

/// Symmetric war of attrition with private values drawn from a distribution with density
/// `pdf` and survival `1 - cdf` on `[0, v]`, cost 1 per unit time: the equilibrium stopping
/// time of a player of value `v`, `T(v) = ∫_0^v x f(x) / (1 - F(x)) dx` (Fudenberg & Tirole
/// 1986; *Game Theory* §6.5), by composite Simpson quadrature with `steps` intervals.
///
/// # Examples
/// ```
/// use escalation::model::attrition::private_value_stopping_time;
/// // Values uniform on [0, 1]: T(v) = -v - ln(1 - v), T(0.5) ≈ 0.1931.
/// let t = private_value_stopping_time(0.5, |_| 1.0, |x| x, 1000);
/// assert!((t - 0.193147).abs() < 1e-6);
/// ```
pub fn private_value_stopping_time(
    v: f64,
    pdf: impl Fn(f64) -> f64,
    cdf: impl Fn(f64) -> f64,
    steps: usize,
) -> f64 {
    let n = steps.max(2) & !1;
    let h = v / n as f64;
    let g = |x: f64| x * pdf(x) / (1.0 - cdf(x));
    let mut s = g(0.0) + g(v);
    for k in 1..n {
        let w = if k % 2 == 1 { 4.0 } else { 2.0 };
        s += w * g(k as f64 * h);
    }
    s * h / 3.0
}

/// The ladder's tail: side i concedes at the constant hazard `h_i = c_i / (W_i - L_i)` (0 if
/// it cannot yield, or has no cost), so side j wins first with probability
/// `h_i / (h_i + h_j)`. With discount rate `r` per day, side i's value is
/// `(-c_i + h_j W_i + h_i L_i) / (r + h_i + h_j)`. When neither hazard is positive the
/// standoff is frozen: values `-c_i / r`.
///
/// A side that can yield and whose value of that race is below its payoff of conceding,
/// `L_i`, concedes at once instead (individual rationality: it never stays in a war it
/// expects to lose by more than giving in now). Undiscounted this is the side with the
/// higher cost-to-prize ratio `c_i / (W_i - L_i)`; a symmetric race stays a race. This keeps
/// the tail's values monotone in each side's own audience cost: raising `-L_i` never makes
/// the tail worth less than conceding at the last decision before it.
///
/// # Examples
/// ```
/// use escalation::model::attrition::{tail_process, TailKind};
/// // Symmetric, prize 2, cost 0.5 a day: each quits at c/V = 0.25 a day.
/// let t = tail_process([2.0, 2.0], [0.0, 0.0], [0.5, 0.5], 0.0, [true, true]);
/// assert!((t.hazards[0] - 0.25).abs() < 1e-12);
/// assert!((t.expected_duration() - 2.0).abs() < 1e-12);
/// ```
pub fn tail_process(
    win: [f64; 2],
    lose: [f64; 2],
    cost: [f64; 2],
    rate: f64,
    can_yield: [bool; 2],
) -> Tail {
    let mut h = [0.0; 2];
    for i in 0..2 {
        let prize = win[i] - lose[i];
        h[i] = if !can_yield[i] || cost[i] <= 0.0 {
            0.0
        } else if prize <= 0.0 {
            f64::INFINITY
        } else {
            cost[i] / prize
        };
    }
    if h[0].is_infinite() || h[1].is_infinite() {
        // A side with nothing to gain concedes at once (the challenger first if both).
        let kind = if h[0].is_infinite() {
            TailKind::ChallengerConcedesAtOnce
        } else {
            TailKind::TargetConcedesAtOnce
        };
        return at_once(win, lose, kind);
    }
    let total = h[0] + h[1];
    if total <= 0.0 {
        return Tail {
            kind: TailKind::Frozen,
            values: [-perpetual(cost[0], rate), -perpetual(cost[1], rate)],
            hazards: h,
        };
    }
    let value = |i: usize| (-cost[i] + h[1 - i] * win[i] + h[i] * lose[i]) / (rate + total);
    // Individual rationality: a side can always concede at the tail's start, so it never
    // enters a race worth less to it than conceding. Side i's race is worth less than `L_i`
    // iff `h_j (W_i - L_i) < c_i + r L_i`; with `h_i (W_i - L_i) = c_i` that is
    // `(h_j - h_i) (W_i - L_i) < r L_i`, written so that a symmetric race stays a race
    // exactly. Undiscounted it is `h_j < h_i`: the side with the higher cost-to-prize ratio
    // (the weaker one) concedes at once, the pure equilibrium of the asymmetric war of
    // attrition (Fudenberg & Tirole 1991, §4.5.2). The challenger is checked first.
    let worse_than_conceding =
        |i: usize| can_yield[i] && (h[1 - i] - h[i]) * (win[i] - lose[i]) < rate * lose[i];
    if worse_than_conceding(0) {
        return at_once(win, lose, TailKind::ChallengerConcedesAtOnce);
    }
    if worse_than_conceding(1) {
        return at_once(win, lose, TailKind::TargetConcedesAtOnce);
    }
    Tail {
        kind: TailKind::Mixed,
        values: [value(0), value(1)],
        hazards: h,
    }
}
