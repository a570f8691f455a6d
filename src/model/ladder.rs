//! The structure of the escalation ladder: moves, tariff schedule, levers, types, horizon,
//! and the public tree of histories it unfolds into.

use super::params::Param;
use super::ModelError;

/// Most tariff steps a schedule may have (keeps per-draw scratch space on the stack).
pub const MAX_STEPS: usize = 8;
/// Most steps of the target's counter-tariff schedule (matched retaliation round after round).
pub const MAX_COUNTER_STEPS: usize = 8;
/// Longest horizon (rounds of threat and response). The public tree grows polynomially with
/// it (each round's moves that change the state — an imposition, an escalation, a
/// retaliation — are limited in number), but a ladder with many steps and many rounds is
/// still large: `escalation check` prints the size.
pub const MAX_HORIZON: usize = 16;

/// The two sides of the standoff.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The side making demands and threats (player 0), e.g. the US.
    Challenger,
    /// The side asked to comply (player 1), e.g. Colombia.
    Target,
}

impl Side {
    /// Both sides, challenger first.
    pub const BOTH: [Side; 2] = [Side::Challenger, Side::Target];

    /// Player index in the compiled game (challenger 0, target 1).
    pub fn index(self) -> usize {
        match self {
            Side::Challenger => 0,
            Side::Target => 1,
        }
    }
}

/// A move of the ladder. Labels ([`Action::label`]) are the action names in the game and in
/// documented paths and interventions.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Target complies with the demand at the outset (e.g. accepts the flights).
    Accept,
    /// Target publicly refuses.
    Refuse,
    /// Challenger lets the refusal stand without threatening.
    Acquiesce,
    /// Challenger publicly threatens the tariff schedule and levers.
    Threaten,
    /// Target concedes outright.
    Concede,
    /// Target concedes with a face-saving variant (e.g. flies the deportees on its own planes).
    ConcedeFaceSaving,
    /// Target announces its counter-tariff.
    Retaliate,
    /// The mover neither concedes nor escalates this round.
    Hold,
    /// Challenger withdraws its threat.
    BackDown,
    /// Challenger levies the announced tariff step.
    Impose,
    /// Challenger moves one step up the schedule and levies it.
    Escalate,
    /// Challenger settles: both sides give ground (the challenger gets the share
    /// `settlement_share` of its demand, the target keeps the rest), when the ladder allows
    /// settlements.
    Settle,
}

impl Action {
    /// Every action, in label order of the docs.
    pub const ALL: [Action; 12] = [
        Action::Accept,
        Action::Refuse,
        Action::Acquiesce,
        Action::Threaten,
        Action::Concede,
        Action::ConcedeFaceSaving,
        Action::Retaliate,
        Action::Hold,
        Action::BackDown,
        Action::Impose,
        Action::Escalate,
        Action::Settle,
    ];

    /// The action's label.
    pub fn label(self) -> &'static str {
        match self {
            Action::Accept => "Accept",
            Action::Refuse => "Refuse",
            Action::Acquiesce => "Acquiesce",
            Action::Threaten => "Threaten",
            Action::Concede => "Concede",
            Action::ConcedeFaceSaving => "ConcedeFaceSaving",
            Action::Retaliate => "Retaliate",
            Action::Hold => "Hold",
            Action::BackDown => "BackDown",
            Action::Impose => "Impose",
            Action::Escalate => "Escalate",
            Action::Settle => "Settle",
        }
    }

    /// The action with this label.
    pub fn from_label(label: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.label() == label)
    }
}

/// One step of the tariff schedule: the ad-valorem rate, the day (counted from the threat)
/// from which the challenger may levy it, and the share of the target's exports it covers.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct TariffStep {
    /// Rate as a fraction (0.25 = 25%), on top of the base rate [`Ladder::base_rates`].
    pub rate: f64,
    /// Earliest day, from the threat, at which this step can be levied: the challenger may
    /// impose (or escalate to) it in a round that ends on or after this day.
    pub day: f64,
    /// Share of the target's exports to the challenger the step covers (1 = all; less for a
    /// tranche or a list with exemptions).
    pub coverage: f64,
}

impl TariffStep {
    /// A step covering all of the target's exports.
    pub fn new(rate: f64, day: f64) -> Self {
        TariffStep {
            rate,
            day,
            coverage: 1.0,
        }
    }
}

/// One step of the target's counter-tariff schedule: each `Retaliate` moves one step up.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct CounterStep {
    /// Rate as a fraction, on top of the target's base rate.
    pub rate: f64,
    /// Share of the challenger's exports to the target it covers.
    pub coverage: f64,
}

/// How the standoff opens: what has happened before the first move of the game.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Opening {
    /// The target refuses a demand (or accepts it), then the challenger threatens (or lets
    /// the refusal stand): the game starts with the target's `Accept`/`Refuse`.
    #[default]
    Refusal,
    /// The challenger has publicly threatened the schedule's first step: the game starts with
    /// the target's response to the threat.
    Threat,
    /// The challenger has levied the schedule's first step from day 0: the game starts with
    /// the target's response to tariffs in force.
    Imposition,
}

impl Opening {
    /// The opening's name in scenario files: `refusal`, `threat`, `imposition`.
    pub fn name(self) -> &'static str {
        match self {
            Opening::Refusal => "refusal",
            Opening::Threat => "threat",
            Opening::Imposition => "imposition",
        }
    }

    /// The challenger's move that opens the standoff and sets day 0 (`Threaten` or
    /// `Impose`); for [`Opening::Refusal`] the threat is a move of the game.
    pub fn opening_action(self) -> Action {
        match self {
            Opening::Imposition => Action::Impose,
            _ => Action::Threaten,
        }
    }
}

/// When a non-tariff lever starts to bite.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LeverStart {
    /// From the public threat on (e.g. visa revocations ordered with the threat).
    Threat,
    /// Only once tariffs are levied.
    Imposition,
}

/// A non-tariff lever of the challenger (visa sanctions, customs inspections, financial
/// sanctions...). Its annual costs to each side are parameters
/// ([`Slot::LeverCost`](super::Slot::LeverCost)).
#[derive(Clone, Debug, PartialEq)]
pub struct Lever {
    /// Name, e.g. `visa_sanctions`.
    pub name: String,
    /// Whether the lever is part of the threat.
    pub enabled: bool,
    /// When it starts to bite.
    pub from: LeverStart,
}

/// A structural intervention on the moves: forcing or forbidding actions.
#[derive(Clone, Debug, PartialEq)]
pub enum Restriction {
    /// At the decision reached by exactly this public history (action labels from the root),
    /// only `action` is available.
    Force {
        /// The public history, e.g. `["Refuse", "Threaten"]`; empty for the first move.
        at: Vec<String>,
        /// The only action left.
        action: String,
    },
    /// At every decision of `side` whose history starts with `after`, these actions are
    /// removed.
    Forbid {
        /// The side whose actions are removed.
        side: Side,
        /// History prefix (empty: everywhere).
        after: Vec<String>,
        /// Labels of the removed actions.
        actions: Vec<String>,
    },
}

/// The ladder's structure: everything that shapes the game tree (parameters that only move
/// payoffs live in [`Params`](super::Params)).
#[derive(Clone, Debug, PartialEq)]
pub struct Ladder {
    /// Player names: challenger then target.
    pub players: [String; 2],
    /// How the standoff opens.
    pub opening: Opening,
    /// Tariff schedule, steps in increasing order of day; step 0 is announced with the threat.
    pub schedule: Vec<TariffStep>,
    /// The target's counter-tariff schedule: each `Retaliate` moves one step up (matched
    /// retaliation). Empty: one step at the rate of the `counter_tariff` parameter, covering
    /// all of the challenger's exports.
    pub counter: Vec<CounterStep>,
    /// Tariffs already in force before the standoff: the challenger's on the target's exports
    /// and the target's on the challenger's. New tariffs come on top of them, so a step's
    /// export loss is `1 - ((1 + b + t) / (1 + b))^(-sigma)` of the flow observed at base `b`.
    pub base_rates: [f64; 2],
    /// Length in days of each round of (target response, challenger move) after the threat;
    /// their number is the horizon, after which the war-of-attrition tail starts. A levied
    /// tariff or an active lever costs for the whole round in which it is chosen.
    pub rounds: Vec<f64>,
    /// Whether the target has the face-saving concession.
    pub face_saving: bool,
    /// Whether the challenger may settle (both give ground) at its moves after the threat.
    pub settlement: bool,
    /// The parameter whose value is the unit of payoffs for the logit response (e.g.
    /// `exports_target`: stakes, costs and audience costs then count in shares of it, and
    /// lambda is the precision per unit); `None`: $bn. The QRE at lambda on payoffs divided
    /// by the unit is the QRE at `lambda / unit` on the payoffs in $bn.
    pub payoff_unit: Option<Param>,
    /// Non-tariff levers (disabled ones keep their parameter slots).
    pub levers: Vec<Lever>,
    /// Number of resolve types of the challenger (1 or 2: irresolute, resolute).
    pub challenger_types: usize,
    /// Number of resolve types of the target (1 or 2).
    pub target_types: usize,
    /// Forced or forbidden actions (interventions).
    pub restrictions: Vec<Restriction>,
}

impl Default for Ladder {
    /// The default ladder: a refusal opening, 25% then 50% after 7 days, two rounds (the
    /// first day, then a week), one counter-tariff step, face saving, no settlement, two
    /// types each, no levers.
    fn default() -> Self {
        Ladder {
            players: ["Challenger".into(), "Target".into()],
            opening: Opening::Refusal,
            schedule: vec![TariffStep::new(0.25, 0.0), TariffStep::new(0.5, 7.0)],
            counter: Vec::new(),
            base_rates: [0.0, 0.0],
            rounds: vec![1.0, 7.0],
            face_saving: true,
            settlement: false,
            payoff_unit: None,
            levers: Vec::new(),
            challenger_types: 2,
            target_types: 2,
            restrictions: Vec::new(),
        }
    }
}

/// How a public history ends.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// The target complied at the outset.
    Accepted,
    /// The challenger let the refusal stand.
    Acquiesced,
    /// The target conceded after the threat.
    Conceded {
        /// With the face-saving variant.
        face_saving: bool,
    },
    /// The challenger backed down after its threat.
    BackedDown,
    /// The challenger settled: both gave ground.
    Settled,
    /// Nobody yielded within the horizon: war-of-attrition tail.
    Attrition,
}

/// Where a decision stands in the standoff.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Before the threat: the target's `Accept`/`Refuse` (refusal opening).
    Demand,
    /// The challenger's `Acquiesce`/`Threaten` after a refusal.
    Response,
    /// A round of threat and response.
    Round,
}

/// Cost-relevant state after a round: announced step, whether levied, the target's
/// counter-tariff step.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub struct RoundState {
    /// Announced step of the schedule.
    pub step: usize,
    /// Whether the challenger's tariff is levied.
    pub imposed: bool,
    /// Counter-tariff steps the target has announced (0: none; `k`: step `k - 1` of the
    /// counter schedule).
    pub counter: usize,
}

/// Number of distinct [`RoundState::id`]s.
pub const NUM_ROUND_STATES: usize = MAX_STEPS * 2 * (MAX_COUNTER_STEPS + 1);

impl RoundState {
    /// Dense index of the state, `< NUM_ROUND_STATES`.
    pub fn id(self) -> usize {
        (self.step * 2 + usize::from(self.imposed)) * (MAX_COUNTER_STEPS + 1) + self.counter
    }

    /// Whether the target has announced a counter-tariff.
    pub fn retaliated(self) -> bool {
        self.counter > 0
    }
}

/// A node of the public tree (histories of observed moves, types not included).
#[derive(Clone, Debug, PartialEq)]
pub struct PublicNode {
    /// Parent and the index of the action leading here.
    pub parent: Option<(usize, usize)>,
    /// Actions taken from the root to here.
    pub history: Vec<Action>,
    /// The side to move; `None` at a terminal.
    pub mover: Option<Side>,
    /// Where the decision stands (at a terminal: the stage of the last decision).
    pub stage: Stage,
    /// Available actions (after restrictions).
    pub actions: Vec<Action>,
    /// Children, one per action.
    pub children: Vec<usize>,
    /// Round of threat and response (0 from the threat); rounds completed at a terminal.
    pub round: usize,
    /// Escalation level: 1 from the refusal or threat, +1 per retaliation, imposition or
    /// escalation.
    pub level: u32,
    /// Whether the challenger has threatened.
    pub threatened: bool,
    /// Current state of tariffs.
    pub state: RoundState,
    /// Highest rate levied so far (0 if none).
    pub peak_imposed: f64,
    /// State during each completed round.
    pub rounds: Vec<RoundState>,
    /// How the history ends, at a terminal.
    pub end: Option<End>,
}

impl PublicNode {
    /// The history as labels joined by `/` (`""` at the root).
    pub fn history_label(&self) -> String {
        self.history
            .iter()
            .map(|a| a.label())
            .collect::<Vec<_>>()
            .join("/")
    }
}

fn structure_error(field: &str, message: String) -> ModelError {
    ModelError::Structure {
        field: field.to_string(),
        message,
    }
}

impl Ladder {
    /// Checks the structure.
    ///
    /// # Errors
    /// [`ModelError::Structure`] naming the offending field.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.validate_schedule()?;
        self.validate_counter()?;
        if self.rounds.is_empty() || self.rounds.len() > MAX_HORIZON {
            return Err(structure_error(
                "rounds",
                format!("needs 1 to {MAX_HORIZON} rounds, has {}", self.rounds.len()),
            ));
        }
        for (r, d) in self.rounds.iter().enumerate() {
            if !(d.is_finite() && *d > 0.0) {
                return Err(structure_error(
                    &format!("rounds[{r}]"),
                    format!("{d} is not a duration > 0 days"),
                ));
            }
        }
        for (name, n) in [
            ("challenger_types", self.challenger_types),
            ("target_types", self.target_types),
        ] {
            if !(1..=2).contains(&n) {
                return Err(structure_error(name, format!("{n} is not 1 or 2")));
            }
        }
        if self.players[0] == self.players[1] || self.players.iter().any(String::is_empty) {
            return Err(structure_error(
                "players",
                "need two distinct non-empty names".into(),
            ));
        }
        self.validate_reach()
    }

    fn validate_schedule(&self) -> Result<(), ModelError> {
        if self.schedule.is_empty() || self.schedule.len() > MAX_STEPS {
            return Err(structure_error(
                "schedule",
                format!("needs 1 to {MAX_STEPS} steps, has {}", self.schedule.len()),
            ));
        }
        for (k, s) in self.schedule.iter().enumerate() {
            if !(s.rate.is_finite() && s.rate > 0.0 && s.rate <= 10.0) {
                return Err(structure_error(
                    &format!("schedule[{k}].rate"),
                    format!("{} is not in (0, 10]", s.rate),
                ));
            }
            if !(s.day.is_finite() && s.day >= 0.0) {
                return Err(structure_error(
                    &format!("schedule[{k}].day"),
                    format!("{} is not a day >= 0", s.day),
                ));
            }
            if !(s.coverage.is_finite() && s.coverage > 0.0 && s.coverage <= 1.0) {
                return Err(structure_error(
                    &format!("schedule[{k}].coverage"),
                    format!("{} is not a share in (0, 1]", s.coverage),
                ));
            }
            if k > 0 && s.day < self.schedule[k - 1].day {
                return Err(structure_error(
                    &format!("schedule[{k}].day"),
                    "steps must be in increasing order of day".into(),
                ));
            }
        }
        if self.opening == Opening::Imposition && self.schedule[0].day > 0.0 {
            return Err(structure_error(
                "schedule[0].day",
                format!(
                    "{} days: an opening by imposition levies the first step on day 0",
                    self.schedule[0].day
                ),
            ));
        }
        for (i, b) in self.base_rates.iter().enumerate() {
            if !(b.is_finite() && *b >= 0.0 && *b <= 10.0) {
                let field = ["base_rate_challenger", "base_rate_target"][i];
                return Err(structure_error(field, format!("{b} is not in [0, 10]")));
            }
        }
        Ok(())
    }

    fn validate_counter(&self) -> Result<(), ModelError> {
        if self.counter.len() > MAX_COUNTER_STEPS {
            return Err(structure_error(
                "counter_schedule",
                format!(
                    "has {} steps, at most {MAX_COUNTER_STEPS}",
                    self.counter.len()
                ),
            ));
        }
        for (k, s) in self.counter.iter().enumerate() {
            if !(s.rate.is_finite() && s.rate > 0.0 && s.rate <= 10.0) {
                return Err(structure_error(
                    &format!("counter_schedule[{k}].rate"),
                    format!("{} is not in (0, 10]", s.rate),
                ));
            }
            if !(s.coverage.is_finite() && s.coverage > 0.0 && s.coverage <= 1.0) {
                return Err(structure_error(
                    &format!("counter_schedule[{k}].coverage"),
                    format!("{} is not a share in (0, 1]", s.coverage),
                ));
            }
        }
        Ok(())
    }

    /// Every step of the schedule must be one the challenger can levy within the horizon:
    /// step `k >= 1` needs `k` escalations in distinct rounds, the last in a round that ends
    /// on or after its day; step 0 a round that ends on or after its day.
    fn validate_reach(&self) -> Result<(), ModelError> {
        let h = self.horizon();
        for (k, s) in self.schedule.iter().enumerate() {
            let first_round = k.saturating_sub(1);
            let reachable = (first_round..h).any(|r| s.day <= self.round_start(r + 1));
            if !reachable {
                return Err(structure_error(
                    &format!("schedule[{k}].day"),
                    format!(
                        "step {k} ({}% from day {}) can never be levied: the {h} rounds end on \
                         day {} and each round moves at most one step up",
                        s.rate * 100.0,
                        s.day,
                        self.round_start(h)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Number of rounds before the war-of-attrition tail.
    pub fn horizon(&self) -> usize {
        self.rounds.len()
    }

    /// Number of steps of the counter-tariff schedule (at least 1: the `counter_tariff`
    /// parameter's rate when [`Ladder::counter`] is empty).
    pub fn counter_steps(&self) -> usize {
        self.counter.len().max(1)
    }

    /// Start day (from the threat) of round `r` (for `r = horizon`, the tail's start).
    pub fn round_start(&self, r: usize) -> f64 {
        // A fold from +0.0: `Sum` of no floats is -0.0, which would print as "-0" days.
        self.rounds.iter().take(r).fold(0.0, |day, d| day + d)
    }

    fn root(&self) -> PublicNode {
        let mut root = PublicNode {
            parent: None,
            history: Vec::new(),
            mover: Some(Side::Target),
            stage: Stage::Demand,
            actions: Vec::new(),
            children: Vec::new(),
            round: 0,
            level: 0,
            threatened: false,
            state: RoundState::default(),
            peak_imposed: 0.0,
            rounds: Vec::new(),
            end: None,
        };
        match self.opening {
            Opening::Refusal => {}
            Opening::Threat => {
                root.stage = Stage::Round;
                root.threatened = true;
                root.level = 1;
            }
            Opening::Imposition => {
                root.stage = Stage::Round;
                root.threatened = true;
                root.level = 2;
                root.state.imposed = true;
                root.peak_imposed = self.schedule[0].rate;
            }
        }
        root
    }

    /// The public tree: nodes in parent-before-child order, the root first.
    ///
    /// # Errors
    /// [`ModelError::Structure`] for an invalid structure, [`ModelError::Restriction`] when
    /// a restriction names an action that is not available or removes every action.
    pub fn public_tree(&self) -> Result<Vec<PublicNode>, ModelError> {
        self.validate()?;
        let mut nodes = vec![self.root()];
        let mut used = vec![false; self.restrictions.len()];
        let mut i = 0;
        while i < nodes.len() {
            if nodes[i].mover.is_some() {
                let actions = self.restricted(&nodes[i], &mut used)?;
                let mut children = Vec::with_capacity(actions.len());
                for (a, &act) in actions.iter().enumerate() {
                    let child = self.step(&nodes[i], i, a, act);
                    children.push(nodes.len());
                    nodes.push(child);
                }
                nodes[i].actions = actions;
                nodes[i].children = children;
            }
            i += 1;
        }
        for (k, u) in used.iter().enumerate() {
            if !u {
                return Err(ModelError::Restriction {
                    index: k,
                    message: "matches no decision of the ladder".into(),
                });
            }
        }
        Ok(nodes)
    }

    /// Whether schedule step `k` can be levied in round `r` (the round ends on or after its
    /// day).
    fn due(&self, k: usize, r: usize) -> bool {
        self.schedule
            .get(k)
            .is_some_and(|s| s.day <= self.round_start(r + 1))
    }

    fn available(&self, n: &PublicNode) -> Vec<Action> {
        use Action::*;
        match (n.mover, n.stage) {
            (None, _) => Vec::new(),
            (Some(_), Stage::Demand) => vec![Accept, Refuse],
            (Some(_), Stage::Response) => vec![Acquiesce, Threaten],
            (Some(Side::Target), Stage::Round) => {
                let mut v = vec![Concede];
                if self.face_saving {
                    v.push(ConcedeFaceSaving);
                }
                v.push(Hold);
                if n.state.counter < self.counter_steps() {
                    v.push(Retaliate);
                }
                v
            }
            (Some(Side::Challenger), Stage::Round) => {
                let mut v = vec![BackDown];
                if self.settlement {
                    v.push(Settle);
                }
                v.push(Hold);
                if !n.state.imposed && self.due(n.state.step, n.round) {
                    v.push(Impose);
                }
                if self.due(n.state.step + 1, n.round) {
                    v.push(Escalate);
                }
                v
            }
        }
    }

    /// Whether a [`Restriction::Forbid`] removes a yielding action (`BackDown`, `Settle`,
    /// `Concede`, `ConcedeFaceSaving`) at decision `n`: the intervention "this side never
    /// yields", which then holds in the attrition tail too.
    pub(crate) fn forbids_yielding(&self, n: &PublicNode) -> bool {
        let yielding = |label: &str| Action::from_label(label).is_some_and(Action::is_yielding);
        self.restrictions.iter().any(|r| match r {
            Restriction::Forbid {
                side,
                after,
                actions,
            } => forbid_applies(*side, after, n) && actions.iter().any(|a| yielding(a)),
            Restriction::Force { .. } => false,
        })
    }

    fn restricted(&self, n: &PublicNode, used: &mut [bool]) -> Result<Vec<Action>, ModelError> {
        let mut actions = self.available(n);
        let hist: Vec<&str> = n.history.iter().map(|a| a.label()).collect();
        for (k, r) in self.restrictions.iter().enumerate() {
            match r {
                Restriction::Force { at, action } => {
                    if at.iter().map(String::as_str).eq(hist.iter().copied()) {
                        used[k] = true;
                        match actions.iter().find(|a| a.label() == action) {
                            Some(&a) => actions = vec![a],
                            None => {
                                return Err(ModelError::Restriction {
                                    index: k,
                                    message: format!(
                                    "action {action:?} is not available after {:?} (available: {})",
                                    at.join("/"),
                                    labels(&actions)
                                ),
                                })
                            }
                        }
                    }
                }
                Restriction::Forbid {
                    side,
                    after,
                    actions: removed,
                } => {
                    if forbid_applies(*side, after, n) {
                        let before = actions.len();
                        actions.retain(|a| !removed.iter().any(|r| r == a.label()));
                        if actions.len() < before {
                            used[k] = true;
                        }
                        if actions.is_empty() {
                            return Err(ModelError::Restriction {
                                index: k,
                                message: format!(
                                    "removes every action after {:?}",
                                    n.history_label()
                                ),
                            });
                        }
                    }
                }
            }
        }
        Ok(actions)
    }

    fn step(&self, n: &PublicNode, id: usize, a: usize, act: Action) -> PublicNode {
        let mut c = n.clone();
        c.parent = Some((id, a));
        c.history.push(act);
        c.actions = Vec::new();
        c.children = Vec::new();
        c.mover = None;
        use Action::*;
        match act {
            Accept => c.end = Some(End::Accepted),
            Refuse => {
                c.level = 1;
                c.mover = Some(Side::Challenger);
                c.stage = Stage::Response;
            }
            Acquiesce => c.end = Some(End::Acquiesced),
            Threaten => {
                c.threatened = true;
                c.mover = Some(Side::Target);
                c.stage = Stage::Round;
            }
            Concede => c.end = Some(End::Conceded { face_saving: false }),
            ConcedeFaceSaving => c.end = Some(End::Conceded { face_saving: true }),
            BackDown => c.end = Some(End::BackedDown),
            Settle => c.end = Some(End::Settled),
            Retaliate | Hold if n.mover == Some(Side::Target) => {
                if act == Retaliate {
                    c.state.counter += 1;
                    c.level += 1;
                }
                c.mover = Some(Side::Challenger);
            }
            Hold | Impose | Escalate | Retaliate => {
                if act == Impose {
                    c.state.imposed = true;
                    c.level += 1;
                }
                if act == Escalate {
                    c.state.step += 1;
                    c.state.imposed = true;
                    c.level += 1;
                }
                if c.state.imposed {
                    let rate = self.schedule[c.state.step].rate;
                    c.peak_imposed = c.peak_imposed.max(rate);
                }
                c.rounds.push(c.state);
                c.round += 1;
                if c.round >= self.horizon() {
                    c.end = Some(End::Attrition);
                } else {
                    c.mover = Some(Side::Target);
                }
            }
        }
        c
    }
}

impl Action {
    /// Whether the action gives ground: `Concede`, `ConcedeFaceSaving`, `BackDown` or
    /// `Settle` (after the threat), the moves a "never yields" intervention removes.
    pub fn is_yielding(self) -> bool {
        matches!(
            self,
            Action::BackDown | Action::Concede | Action::ConcedeFaceSaving | Action::Settle
        )
    }
}

pub(crate) fn labels(actions: &[Action]) -> String {
    actions
        .iter()
        .map(|a| a.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a [`Restriction::Forbid`] of `side` after the history prefix `after` applies at
/// decision `n`.
pub(crate) fn forbid_applies(side: Side, after: &[String], n: &PublicNode) -> bool {
    Some(side) == n.mover
        && after.len() <= n.history.len()
        && after
            .iter()
            .zip(&n.history)
            .all(|(a, h)| a.as_str() == h.label())
}
