//! From TOML text to a validated [`Scenario`].

use super::schema::{
    FileSpec, InterventionSpec, LeverFrom, LeverSpec, OpeningSpec, PriorSpec, SourceSpec, StepSpec,
    StructureSpec,
};
use super::{
    DocumentedPath, Intervention, ParamPrior, PathStep, Prior, Scenario, ScenarioError, Source,
};
use crate::model::{
    Action, CounterStep, Ladder, Lever, LeverStart, Opening, Param, Restriction, Side, Slot, Stage,
    TariffStep,
};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml::Spanned;

struct Ctx<'a> {
    text: &'a str,
    origin: &'a str,
}

impl Ctx<'_> {
    fn pos(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    fn invalid(
        &self,
        span: Range<usize>,
        field: &str,
        message: impl Into<String>,
    ) -> ScenarioError {
        let (line, column) = self.pos(span.start);
        ScenarioError::Invalid {
            origin: self.origin.to_string(),
            line,
            column,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

fn side_of(players: &[String; 2], name: &str) -> Option<Side> {
    if name == players[0] {
        Some(Side::Challenger)
    } else if name == players[1] {
        Some(Side::Target)
    } else {
        None
    }
}

fn schedule(steps: &[StepSpec]) -> Vec<TariffStep> {
    steps
        .iter()
        .map(|s| TariffStep {
            rate: s.rate,
            day: s.day,
            coverage: s.coverage,
        })
        .collect()
}

fn check_prior(
    ctx: &Ctx<'_>,
    spec: &Spanned<PriorSpec>,
    field: &str,
    range: (f64, f64),
    sources: &BTreeSet<String>,
) -> Result<Prior, ScenarioError> {
    let p = spec
        .get_ref()
        .prior()
        .map_err(|e| ctx.invalid(spec.span(), field, e.to_string()))?;
    let (lo, hi) = p.support();
    if lo < range.0 || hi > range.1 {
        return Err(ctx.invalid(
            spec.span(),
            field,
            format!(
                "the prior's support [{lo}, {hi}] leaves the admissible range [{}, {}]",
                range.0, range.1
            ),
        ));
    }
    check_source(ctx, spec.span(), field, &spec.get_ref().source, sources)?;
    Ok(p)
}

/// Sources, by id.
type SourceIds = BTreeSet<String>;

pub(super) fn build(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
    let ctx = Ctx { text, origin };
    let spec = parse(&ctx)?;
    let meta = &spec.scenario;
    let (source_ids, sources) = sources(&ctx, &spec.sources)?;
    let (levers, lever_priors) = levers(&ctx, &spec.levers, &source_ids)?;
    let players = [meta.challenger.clone(), meta.target.clone()];
    let ladder = structure(&ctx, &spec, players, levers)?;
    let mut priors = params(&ctx, &spec.params, spec.structure.get_ref(), &source_ids)?;
    priors.extend(lever_priors);
    let public = ladder.public_tree().map_err(|e| ScenarioError::Model {
        origin: ctx.origin.to_string(),
        message: e.to_string(),
    })?;
    let path = documented_path(&ctx, &spec, &ladder, &public, &source_ids)?;
    let mut scenario = Scenario {
        origin: origin.to_string(),
        title: meta.title.clone(),
        description: meta.description.clone(),
        sources,
        ladder,
        priors,
        path,
        interventions: Vec::new(),
        applied: Vec::new(),
    };
    scenario.interventions = interventions(&ctx, &scenario, &spec.interventions, &source_ids)?;
    // Every intervention, and the base ladder, must compile.
    for (iv, spanned) in scenario.interventions.iter().zip(&spec.interventions) {
        scenario.with_intervention(&iv.name).map_err(|e| {
            let msg = match e {
                ScenarioError::Model { message, .. } => message,
                other => other.to_string(),
            };
            ctx.invalid(spanned.span(), &format!("interventions.{}", iv.name), msg)
        })?;
    }
    scenario.compile()?;
    Ok(scenario)
}

/// The TOML text as the schema's types.
fn parse(ctx: &Ctx<'_>) -> Result<FileSpec, ScenarioError> {
    toml::from_str(ctx.text).map_err(|e| {
        let (line, column) = ctx.pos(e.span().map_or(0, |s| s.start));
        ScenarioError::Syntax {
            origin: ctx.origin.to_string(),
            line,
            column,
            message: e.message().to_string(),
        }
    })
}

/// The `[[sources]]`: unique ids, http(s) URLs, calendar dates.
fn sources(
    ctx: &Ctx<'_>,
    specs: &[Spanned<SourceSpec>],
) -> Result<(SourceIds, Vec<Source>), ScenarioError> {
    let mut source_ids = BTreeSet::new();
    let mut sources = Vec::new();
    for s in specs {
        let r = s.get_ref();
        if !source_ids.insert(r.id.clone()) {
            return Err(ctx.invalid(
                s.span(),
                "sources.id",
                format!("duplicate source id {:?}", r.id),
            ));
        }
        if !(r.url.starts_with("https://") || r.url.starts_with("http://")) {
            return Err(ctx.invalid(
                s.span(),
                "sources.url",
                format!("{:?} is not an http(s) URL", r.url),
            ));
        }
        if r.date.date.is_none() {
            return Err(ctx.invalid(
                s.span(),
                "sources.date",
                "needs a calendar date (YYYY-MM-DD)",
            ));
        }
        sources.push(Source {
            id: r.id.clone(),
            title: r.title.clone(),
            url: r.url.clone(),
            date: r.date.to_string(),
        });
    }
    Ok((source_ids, sources))
}

/// The `[[levers]]` and the priors of their costs (two slots per lever).
fn levers(
    ctx: &Ctx<'_>,
    specs: &[Spanned<LeverSpec>],
    source_ids: &SourceIds,
) -> Result<(Vec<Lever>, Vec<ParamPrior>), ScenarioError> {
    let mut levers = Vec::new();
    let mut lever_priors: Vec<ParamPrior> = Vec::new();
    for l in specs {
        let r = l.get_ref();
        if r.name.is_empty() || levers.iter().any(|x: &Lever| x.name == r.name) {
            return Err(ctx.invalid(
                l.span(),
                "levers.name",
                format!("lever name {:?} is empty or repeated", r.name),
            ));
        }
        let inf = (0.0, f64::INFINITY);
        for (side, p) in [
            ("cost_challenger", &r.cost_challenger),
            ("cost_target", &r.cost_target),
        ] {
            let prior = check_prior(
                ctx,
                p,
                &format!("levers.{}.{side}", r.name),
                inf,
                source_ids,
            )?;
            lever_priors.push(ParamPrior {
                name: format!("lever.{}.{side}", r.name),
                prior: Some(prior),
                source: p.get_ref().source.clone(),
                per: None,
            });
        }
        levers.push(Lever {
            name: r.name.clone(),
            enabled: r.enabled,
            from: match r.from {
                LeverFrom::Threat => LeverStart::Threat,
                LeverFrom::Imposition => LeverStart::Imposition,
            },
        });
    }
    Ok((levers, lever_priors))
}

/// The `[structure]` as a validated ladder.
fn structure(
    ctx: &Ctx<'_>,
    spec: &FileSpec,
    players: [String; 2],
    levers: Vec<Lever>,
) -> Result<Ladder, ScenarioError> {
    let st = spec.structure.get_ref();
    let ladder = Ladder {
        players,
        opening: match st.opening {
            OpeningSpec::Refusal => Opening::Refusal,
            OpeningSpec::Threat => Opening::Threat,
            OpeningSpec::Imposition => Opening::Imposition,
        },
        schedule: schedule(&st.schedule),
        counter: st
            .counter_schedule
            .iter()
            .flatten()
            .map(|c| CounterStep {
                rate: c.rate,
                coverage: c.coverage,
            })
            .collect(),
        base_rates: [st.base_rate_challenger, st.base_rate_target],
        payoff_unit: payoff_unit(&ctx, st)?,
        rounds: st.rounds.clone(),
        face_saving: st.face_saving,
        settlement: st.settlement,
        levers,
        challenger_types: st.challenger_types,
        target_types: st.target_types,
        restrictions: Vec::new(),
    };
    if let Err(e) = ladder.validate() {
        let field = match &e {
            crate::model::ModelError::Structure { field, .. } if field == "players" => {
                "scenario.challenger/target".to_string()
            }
            crate::model::ModelError::Structure { field, .. } => format!("structure.{field}"),
            _ => "structure".to_string(),
        };
        let span = if field.starts_with("scenario") {
            0..0
        } else {
            spec.structure.span()
        };
        let message = match e {
            crate::model::ModelError::Structure { message, .. } => message,
            other => other.to_string(),
        };
        return Err(ctx.invalid(span, &field, message));
    }
    Ok(ladder)
}

/// The `[params]`: every scalar parameter's prior, in slot order (beliefs may be left out).
fn params(
    ctx: &Ctx<'_>,
    spec: &Spanned<BTreeMap<Spanned<String>, Spanned<PriorSpec>>>,
    st: &StructureSpec,
    source_ids: &SourceIds,
) -> Result<Vec<ParamPrior>, ScenarioError> {
    let mut priors: Vec<ParamPrior> = Param::ALL
        .iter()
        .map(|p| ParamPrior {
            name: p.name().to_string(),
            prior: None,
            source: None,
            per: None,
        })
        .collect();
    for (key, value) in spec.get_ref() {
        let name = key.get_ref();
        let Some(param) = Param::from_name(name) else {
            let known: Vec<&str> = Param::ALL.iter().map(|p| p.name()).collect();
            return Err(ctx.invalid(
                key.span(),
                &format!("params.{name}"),
                format!("unknown parameter (known: {})", known.join(", ")),
            ));
        };
        let prior = check_prior(
            ctx,
            value,
            &format!("params.{name}"),
            param.range(),
            source_ids,
        )?;
        let slot = &mut priors[param.index()];
        slot.prior = Some(prior);
        slot.source = value.get_ref().source.clone();
    }
    resolve_relative_priors(ctx, spec, &mut priors)?;
    let counter_schedule = st.counter_schedule.is_some();
    if counter_schedule {
        if let Some((key, _)) = spec
            .get_ref()
            .iter()
            .find(|(k, _)| k.get_ref() == "counter_tariff")
        {
            return Err(ctx.invalid(
                key.span(),
                "params.counter_tariff",
                "the structure's counter_schedule sets the counter-tariff rates: leave \
                 counter_tariff out",
            ));
        }
    }
    for (param, p) in Param::ALL.iter().zip(&priors) {
        // Beliefs default to the true priors; a parameter of a move the ladder does not
        // have is not drawn into any payoff.
        let optional = match param {
            Param::BeliefChallengerAboutTarget | Param::BeliefTargetAboutChallenger => true,
            Param::SettlementShare => !st.settlement,
            Param::CounterTariff => counter_schedule,
            _ => false,
        };
        if p.prior.is_none() && !optional {
            return Err(ctx.invalid(
                spec.span(),
                &format!("params.{}", p.name),
                "missing: every parameter needs a value or a prior",
            ));
        }
    }
    Ok(priors)
}

/// A cited source must be defined.
fn check_source(
    ctx: &Ctx<'_>,
    span: Range<usize>,
    field: &str,
    source: &Option<String>,
    source_ids: &SourceIds,
) -> Result<(), ScenarioError> {
    match source {
        Some(s) if !source_ids.contains(s) => Err(ctx.invalid(
            span,
            field,
            format!("cites source {s:?}, which no [[sources]] entry defines"),
        )),
        _ => Ok(()),
    }
}

/// The `[[interventions]]` (each checked on its own; that each compiles is checked after).
fn interventions(
    ctx: &Ctx<'_>,
    scenario: &Scenario,
    specs: &[Spanned<InterventionSpec>],
    source_ids: &SourceIds,
) -> Result<Vec<Intervention>, ScenarioError> {
    let mut names = BTreeSet::new();
    let mut interventions = Vec::new();
    for iv in specs {
        let r = iv.get_ref();
        if r.name.is_empty() || !names.insert(r.name.clone()) {
            return Err(ctx.invalid(
                iv.span(),
                "interventions.name",
                format!("intervention name {:?} is empty or repeated", r.name),
            ));
        }
        interventions.push(intervention(ctx, scenario, iv, source_ids)?);
    }
    Ok(interventions)
}

/// One intervention: forced and forbidden moves, re-set parameters, schedule, levers.
fn intervention(
    ctx: &Ctx<'_>,
    scenario: &Scenario,
    iv: &Spanned<InterventionSpec>,
    source_ids: &SourceIds,
) -> Result<Intervention, ScenarioError> {
    let r = iv.get_ref();
    let field = format!("interventions.{}", r.name);
    let split = |h: &str| -> Vec<String> {
        h.split('/')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut restrictions = Vec::new();
    for f in &r.force {
        restrictions.push(Restriction::Force {
            at: split(&f.at),
            action: f.action.clone(),
        });
    }
    for f in &r.forbid {
        let side = side_of(&scenario.ladder.players, &f.actor).ok_or_else(|| {
            ctx.invalid(
                iv.span(),
                &format!("{field}.forbid.actor"),
                format!("{:?} is not a player", f.actor),
            )
        })?;
        restrictions.push(Restriction::Forbid {
            side,
            after: split(&f.after),
            actions: f.actions.clone(),
        });
    }
    let mut set = Vec::new();
    for (name, value) in &r.set {
        let slot = Param::from_name(name)
            .map(Slot::from)
            .or_else(|| {
                let i = scenario.priors.iter().position(|p| &p.name == name)?;
                Some(Slot::at(i))
            })
            .ok_or_else(|| {
                ctx.invalid(
                    value.span(),
                    &format!("{field}.set.{name}"),
                    "unknown parameter",
                )
            })?;
        let prior = check_prior(
            ctx,
            value,
            &format!("{field}.set.{name}"),
            slot.range(),
            source_ids,
        )?;
        set.push((slot, prior));
    }
    let mut levers = Vec::new();
    for (name, on) in &r.levers {
        let k = scenario
            .ladder
            .levers
            .iter()
            .position(|l| &l.name == name)
            .ok_or_else(|| {
                ctx.invalid(
                    iv.span(),
                    &format!("{field}.levers.{name}"),
                    "no lever of that name",
                )
            })?;
        levers.push((k, *on));
    }
    Ok(Intervention {
        name: r.name.clone(),
        description: r.description.clone(),
        restrictions,
        set,
        schedule: r.schedule.as_deref().map(schedule),
        levers,
    })
}

/// Days since 1970-01-01 of a TOML datetime read in UTC (a timestamp without an offset, or
/// without a time, is taken as UTC, at midnight); `None` without a date.
fn datetime_days(t: &toml::value::Datetime) -> Option<f64> {
    let d = t.date?;
    // Days from civil (Howard Hinnant's algorithm), exact for the proleptic Gregorian
    // calendar.
    let (y, m) = if d.month <= 2 {
        (i64::from(d.year) - 1, i64::from(d.month) + 9)
    } else {
        (i64::from(d.year), i64::from(d.month) - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let mut seconds = 0.0;
    if let Some(time) = t.time {
        seconds = f64::from(time.hour) * 3600.0
            + f64::from(time.minute) * 60.0
            + f64::from(time.second.unwrap_or(0))
            + f64::from(time.nanosecond.unwrap_or(0)) * 1e-9;
    }
    if let Some(toml::value::Offset::Custom { minutes }) = t.offset {
        seconds -= f64::from(minutes) * 60.0;
    }
    Some(days as f64 + seconds / 86_400.0)
}

/// One documented move checked against the public tree at `node`: its actor, action and
/// source. Returns the step (its `day` still absolute) and the action's index.
#[allow(clippy::too_many_arguments)]
fn path_step(
    ctx: &Ctx<'_>,
    s: &Spanned<super::schema::PathStepSpec>,
    field: &str,
    pn: Option<&crate::model::PublicNode>,
    players: &[String; 2],
    source_ids: &BTreeSet<String>,
) -> Result<(PathStep, Option<usize>), ScenarioError> {
    let r = s.get_ref();
    let actor = side_of(players, &r.actor).ok_or_else(|| {
        ctx.invalid(
            s.span(),
            &format!("{field}.actor"),
            format!(
                "{:?} is neither {:?} nor {:?}",
                r.actor, players[0], players[1]
            ),
        )
    })?;
    let action = Action::from_label(&r.action).ok_or_else(|| {
        ctx.invalid(
            s.span(),
            &format!("{field}.action"),
            format!("unknown action {:?}", r.action),
        )
    })?;
    if let Some(src) = &r.source {
        if !source_ids.contains(src) {
            return Err(ctx.invalid(
                s.span(),
                &format!("{field}.source"),
                format!("cites source {src:?}, which no [[sources]] entry defines"),
            ));
        }
    }
    let day = datetime_days(&r.time).ok_or_else(|| {
        ctx.invalid(
            s.span(),
            &format!("{field}.time"),
            format!("{} has no date", r.time),
        )
    })?;
    let step = PathStep {
        actor,
        action,
        time: r.time.to_string(),
        day,
        source: r.source.clone(),
        note: r.note.clone(),
    };
    let Some(pn) = pn else {
        return Ok((step, None));
    };
    match pn.mover {
        None => {
            return Err(ctx.invalid(
                s.span(),
                field,
                "the path continues after the standoff ended",
            ))
        }
        Some(m) if m != actor => {
            return Err(ctx.invalid(
                s.span(),
                &format!("{field}.actor"),
                format!(
                    "it is {}'s move here, not {}'s",
                    players[m.index()],
                    r.actor
                ),
            ))
        }
        _ => {}
    }
    let a = pn
        .actions
        .iter()
        .position(|x| *x == action)
        .ok_or_else(|| {
            ctx.invalid(
                s.span(),
                &format!("{field}.action"),
                format!(
                    "{} is not available after {:?} (available: {})",
                    r.action,
                    pn.history_label(),
                    crate::model::ladder_labels(&pn.actions)
                ),
            )
        })?;
    Ok((step, Some(a)))
}

/// The documented path, checked against the ladder: each move is the mover's and
/// available; with an opening other than a refusal, the first entry is the challenger's
/// opening move (day 0); timestamps run forward; every move after the threat other than a
/// `Hold` falls within its round's days (a `Hold` is a round passing, not an event).
fn documented_path(
    ctx: &Ctx<'_>,
    spec: &FileSpec,
    ladder: &Ladder,
    public: &[crate::model::PublicNode],
    source_ids: &SourceIds,
) -> Result<DocumentedPath, ScenarioError> {
    let players = &ladder.players;
    let mut entries = spec.path.iter().enumerate();
    let mut opening = None;
    if ladder.opening != Opening::Refusal {
        let want = ladder.opening.opening_action();
        if let Some((_, s)) = entries.next() {
            let (step, _) = path_step(ctx, s, "path[0]", None, players, source_ids)?;
            if step.actor != Side::Challenger || step.action != want {
                return Err(ctx.invalid(
                    s.span(),
                    "path[0]",
                    format!(
                        "an opening by {} starts the path with {}'s {}",
                        ladder.opening.name(),
                        players[0],
                        want.label()
                    ),
                ));
            }
            opening = Some(step);
        }
    }
    let mut steps: Vec<PathStep> = Vec::new();
    let mut rounds = Vec::new();
    let mut spans = Vec::new();
    let mut node = 0usize;
    for (k, s) in entries {
        let field = format!("path[{k}]");
        let pn = public
            .get(node)
            .ok_or_else(|| ctx.invalid(s.span(), &field, "the path continues after its end"))?;
        let (step, a) = path_step(ctx, s, &field, Some(pn), players, source_ids)?;
        rounds.push((pn.stage == Stage::Round).then_some(pn.round));
        node = pn.children[a.unwrap_or(0)];
        steps.push(step);
        spans.push(s.span());
    }
    // Day 0: the threat (a move of the path, or the opening).
    let zero = opening.as_ref().map(|o| o.day).or_else(|| {
        steps
            .iter()
            .find(|s| s.action == Action::Threaten)
            .map(|s| s.day)
    });
    let observed_until = match (&spec.scenario.observed_until, zero) {
        (Some(t), Some(z)) => Some(
            datetime_days(t.get_ref())
                .ok_or_else(|| ctx.invalid(t.span(), "scenario.observed_until", "has no date"))?
                - z,
        ),
        (Some(t), None) => {
            return Err(ctx.invalid(
                t.span(),
                "scenario.observed_until",
                "needs a documented path that reaches the threat",
            ))
        }
        _ => None,
    };
    let zero = zero.unwrap_or(0.0);
    if let Some(o) = opening.as_mut() {
        o.day = 0.0;
    }
    for s in steps.iter_mut() {
        s.day -= zero;
    }
    check_path_times(ctx, ladder, &steps, &rounds, &spans, opening.is_some())?;
    if let (Some(day), Some(last)) = (observed_until, steps.last()) {
        if last.action.is_yielding() || day < last.day {
            return Err(ctx.invalid(
                spec.scenario
                    .observed_until
                    .as_ref()
                    .map_or(0..0, Spanned::span),
                "scenario.observed_until",
                if last.action.is_yielding() {
                    "the documented path ends the standoff: leave observed_until out".to_string()
                } else {
                    format!(
                        "day {day} is before the path's last move (day {})",
                        last.day
                    )
                },
            ));
        }
    }
    Ok(DocumentedPath {
        opening,
        steps,
        observed_until,
    })
}

/// Timestamps run forward, and every event after the threat (any move but a `Hold`) falls
/// within the days of its round.
fn check_path_times(
    ctx: &Ctx<'_>,
    ladder: &Ladder,
    steps: &[PathStep],
    rounds: &[Option<usize>],
    spans: &[Range<usize>],
    has_opening: bool,
) -> Result<(), ScenarioError> {
    let offset = usize::from(has_opening);
    let mut previous = if has_opening { Some(0.0) } else { None };
    for (k, s) in steps.iter().enumerate() {
        let field = format!("path[{}].time", k + offset);
        if let Some(p) = previous {
            if s.day < p - 1e-9 {
                return Err(ctx.invalid(
                    spans[k].clone(),
                    &field,
                    format!(
                        "{} is before the move above it: the documented moves must run forward in time",
                        s.time
                    ),
                ));
            }
        }
        previous = Some(s.day);
        let Some(r) = rounds[k] else { continue };
        if s.action == Action::Hold {
            continue;
        }
        let (start, end) = (ladder.round_start(r), ladder.round_start(r + 1));
        if s.day < start - 1e-9 || s.day > end + 1e-9 {
            return Err(ctx.invalid(
                spans[k].clone(),
                &field,
                format!(
                    "{} is day {:.3} from the threat, outside round {r} (days {start} to {end}) in \
                     which this {} falls: set [structure] rounds so that each documented \
                     move lies in its round",
                    s.time,
                    s.day,
                    s.action.label()
                ),
            ));
        }
    }
    Ok(())
}

/// The parameter named by `[structure] payoff_unit`: a scalar money parameter.
fn payoff_unit(
    ctx: &Ctx<'_>,
    st: &super::schema::StructureSpec,
) -> Result<Option<Param>, ScenarioError> {
    let Some(name) = &st.payoff_unit else {
        return Ok(None);
    };
    match Param::from_name(name.get_ref()) {
        Some(p) if p.is_money() => Ok(Some(p)),
        _ => Err(ctx.invalid(
            name.span(),
            "structure.payoff_unit",
            format!(
                "{:?} is not a money parameter (one of: {})",
                name.get_ref(),
                money_names().join(", ")
            ),
        )),
    }
}

fn money_names() -> Vec<&'static str> {
    Param::ALL
        .iter()
        .filter(|p| p.is_money())
        .map(|p| p.name())
        .collect()
}

/// Relative priors (`per = "NAME"`): the drawn value multiplies another scalar money
/// parameter's draw, which must have its own prior and not be relative itself.
fn resolve_relative_priors(
    ctx: &Ctx<'_>,
    spec: &Spanned<BTreeMap<Spanned<String>, Spanned<PriorSpec>>>,
    priors: &mut [ParamPrior],
) -> Result<(), ScenarioError> {
    let mut relative = Vec::new();
    for (key, value) in spec.get_ref() {
        let Some(per) = &value.get_ref().per else {
            continue;
        };
        let field = format!("params.{}", key.get_ref());
        let i = Param::from_name(key.get_ref());
        let base = Param::from_name(per)
            .filter(|&b| b.is_money() && Some(b) != i)
            .ok_or_else(|| {
                ctx.invalid(
                    value.span(),
                    &field,
                    format!(
                        "per = {per:?} is not another money parameter (one of: {})",
                        money_names().join(", ")
                    ),
                )
            })?;
        let Some(i) = i.filter(|i| i.is_money()) else {
            return Err(ctx.invalid(
                value.span(),
                &field,
                "only a money parameter (a stake, an audience cost, a flow) can be relative",
            ));
        };
        relative.push((i, base, value.span()));
    }
    for &(i, base, ref span) in &relative {
        let field = format!("params.{}", i.name());
        if relative.iter().any(|&(j, _, _)| j == base) {
            return Err(ctx.invalid(
                span.clone(),
                &field,
                format!(
                    "per = {:?} is itself relative: relative priors do not chain",
                    base.name()
                ),
            ));
        }
        if priors[base.index()].prior.is_none() {
            return Err(ctx.invalid(
                span.clone(),
                &field,
                format!("per = {:?} has no value or prior", base.name()),
            ));
        }
        priors[i.index()].per = Some(base);
    }
    Ok(())
}
