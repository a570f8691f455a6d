//! From TOML text to a validated [`Scenario`].

use super::schema::{FileSpec, LeverFrom, OpeningSpec, PriorSpec, StepSpec};
use super::{
    DocumentedPath, Intervention, ParamPrior, PathStep, Prior, Scenario, ScenarioError, Source,
};
use crate::model::params::{self, NAMES, NUM_FIXED};
use crate::model::{
    Action, CounterStep, Ladder, Lever, LeverStart, Opening, Restriction, Side, Stage, TariffStep,
};
use std::collections::BTreeSet;
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
) -> Result<(), ScenarioError> {
    let p = &spec.get_ref().prior;
    p.validate()
        .map_err(|m| ctx.invalid(spec.span(), field, m))?;
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
    if let Some(s) = &spec.get_ref().source {
        if !sources.contains(s) {
            return Err(ctx.invalid(
                spec.span(),
                field,
                format!("cites source {s:?}, which no [[sources]] entry defines"),
            ));
        }
    }
    Ok(())
}

pub(super) fn build(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
    let ctx = Ctx { text, origin };
    let spec: FileSpec = toml::from_str(text).map_err(|e| {
        let (line, column) = ctx.pos(e.span().map_or(0, |s| s.start));
        ScenarioError::Syntax {
            origin: origin.to_string(),
            line,
            column,
            message: e.message().to_string(),
        }
    })?;
    let meta = &spec.scenario;
    let players = [meta.challenger.clone(), meta.target.clone()];

    // Sources.
    let mut source_ids = BTreeSet::new();
    let mut sources = Vec::new();
    for s in &spec.sources {
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

    // Levers.
    let mut levers = Vec::new();
    let mut lever_priors: Vec<ParamPrior> = Vec::new();
    for l in &spec.levers {
        let r = l.get_ref();
        if r.name.is_empty() || levers.iter().any(|x: &Lever| x.name == r.name) {
            return Err(ctx.invalid(
                l.span(),
                "levers.name",
                format!("lever name {:?} is empty or repeated", r.name),
            ));
        }
        let inf = (0.0, f64::INFINITY);
        check_prior(
            &ctx,
            &r.cost_challenger,
            &format!("levers.{}.cost_challenger", r.name),
            inf,
            &source_ids,
        )?;
        check_prior(
            &ctx,
            &r.cost_target,
            &format!("levers.{}.cost_target", r.name),
            inf,
            &source_ids,
        )?;
        levers.push(Lever {
            name: r.name.clone(),
            enabled: r.enabled,
            from: match r.from {
                LeverFrom::Threat => LeverStart::Threat,
                LeverFrom::Imposition => LeverStart::Imposition,
            },
        });
        for (side, p) in [
            ("cost_challenger", &r.cost_challenger),
            ("cost_target", &r.cost_target),
        ] {
            lever_priors.push(ParamPrior {
                name: format!("lever.{}.{side}", r.name),
                prior: Some(p.get_ref().prior.clone()),
                source: p.get_ref().source.clone(),
                per: None,
            });
        }
    }

    // Structure.
    let st = spec.structure.get_ref();
    let ladder = Ladder {
        players: players.clone(),
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

    // Parameters.
    let mut priors: Vec<ParamPrior> = NAMES
        .iter()
        .map(|n| ParamPrior {
            name: (*n).to_string(),
            prior: None,
            source: None,
            per: None,
        })
        .collect();
    for (key, value) in spec.params.get_ref() {
        let name = key.get_ref();
        let Some(i) = params::index_of(name) else {
            return Err(ctx.invalid(
                key.span(),
                &format!("params.{name}"),
                format!("unknown parameter (known: {})", NAMES.join(", ")),
            ));
        };
        check_prior(
            &ctx,
            value,
            &format!("params.{name}"),
            params::range(i),
            &source_ids,
        )?;
        priors[i].prior = Some(value.get_ref().prior.clone());
        priors[i].source = value.get_ref().source.clone();
    }
    resolve_relative_priors(&ctx, &spec, &mut priors)?;
    let counter_schedule = spec.structure.get_ref().counter_schedule.is_some();
    if counter_schedule {
        if let Some((key, _)) = spec
            .params
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
    for (i, p) in priors.iter().enumerate().take(NUM_FIXED) {
        // Beliefs default to the true priors; a parameter of a move the ladder does not
        // have is not drawn into any payoff.
        let optional = i == params::BELIEF_CHALLENGER_ABOUT_TARGET
            || i == params::BELIEF_TARGET_ABOUT_CHALLENGER
            || (i == params::SETTLEMENT_SHARE && !ladder.settlement)
            || (i == params::COUNTER_TARIFF && counter_schedule);
        if p.prior.is_none() && !optional {
            return Err(ctx.invalid(
                spec.params.span(),
                &format!("params.{}", p.name),
                "missing: every parameter needs a value or a prior",
            ));
        }
    }
    priors.extend(lever_priors);

    // The documented path, checked against the ladder.
    let public = ladder.public_tree().map_err(|e| ScenarioError::Model {
        origin: origin.to_string(),
        message: e.to_string(),
    })?;
    let path = documented_path(&ctx, &spec, &ladder, &public, &players, &source_ids)?;

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

    // Interventions.
    let mut names = BTreeSet::new();
    let mut interventions = Vec::new();
    for iv in &spec.interventions {
        let r = iv.get_ref();
        let field = format!("interventions.{}", r.name);
        if r.name.is_empty() || !names.insert(r.name.clone()) {
            return Err(ctx.invalid(
                iv.span(),
                "interventions.name",
                format!("intervention name {:?} is empty or repeated", r.name),
            ));
        }
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
            let i = params::index_of(name)
                .or_else(|| scenario.priors.iter().position(|p| &p.name == name))
                .ok_or_else(|| {
                    ctx.invalid(
                        value.span(),
                        &format!("{field}.set.{name}"),
                        "unknown parameter",
                    )
                })?;
            let range = if i < NUM_FIXED {
                params::range(i)
            } else {
                (0.0, f64::INFINITY)
            };
            check_prior(
                &ctx,
                value,
                &format!("{field}.set.{name}"),
                range,
                &source_ids,
            )?;
            set.push((i, value.get_ref().prior.clone()));
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
        interventions.push(Intervention {
            name: r.name.clone(),
            description: r.description.clone(),
            restrictions,
            set,
            schedule: r.schedule.as_deref().map(schedule),
            levers,
        });
    }
    scenario.interventions = interventions;
    for (iv, spanned) in scenario.interventions.iter().zip(&spec.interventions) {
        scenario.with_intervention(&iv.name).map_err(|e| {
            let msg = match e {
                ScenarioError::Model { message, .. } => message,
                other => other.to_string(),
            };
            ctx.invalid(spanned.span(), &format!("interventions.{}", iv.name), msg)
        })?;
    }
    // The base ladder must compile.
    scenario.compile()?;
    let _ = Prior::Fixed(0.0);
    Ok(scenario)
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
    players: &[String; 2],
    source_ids: &BTreeSet<String>,
) -> Result<DocumentedPath, ScenarioError> {
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
) -> Result<Option<usize>, ScenarioError> {
    let Some(name) = &st.payoff_unit else {
        return Ok(None);
    };
    match params::index_of(name.get_ref()) {
        Some(i) if params::is_money(i) => Ok(Some(i)),
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
    (0..NUM_FIXED)
        .filter(|&i| params::is_money(i))
        .map(|i| NAMES[i])
        .collect()
}

/// Relative priors (`per = "NAME"`): the drawn value multiplies another scalar money
/// parameter's draw, which must have its own prior and not be relative itself.
fn resolve_relative_priors(
    ctx: &Ctx<'_>,
    spec: &FileSpec,
    priors: &mut [ParamPrior],
) -> Result<(), ScenarioError> {
    let mut relative = Vec::new();
    for (key, value) in spec.params.get_ref() {
        let Some(per) = &value.get_ref().per else {
            continue;
        };
        let field = format!("params.{}", key.get_ref());
        let i = params::index_of(key.get_ref()).unwrap_or(usize::MAX);
        let base = params::index_of(per)
            .filter(|&b| params::is_money(b) && b != i)
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
        if !params::is_money(i) {
            return Err(ctx.invalid(
                value.span(),
                &field,
                "only a money parameter (a stake, an audience cost, a flow) can be relative",
            ));
        }
        relative.push((i, base, value.span()));
    }
    for &(i, base, ref span) in &relative {
        let field = format!("params.{}", NAMES[i]);
        if relative.iter().any(|&(j, _, _)| j == base) {
            return Err(ctx.invalid(
                span.clone(),
                &field,
                format!(
                    "per = {:?} is itself relative: relative priors do not chain",
                    NAMES[base]
                ),
            ));
        }
        if priors[base].prior.is_none() {
            return Err(ctx.invalid(
                span.clone(),
                &field,
                format!("per = {:?} has no value or prior", NAMES[base]),
            ));
        }
        priors[i].per = Some(base);
    }
    Ok(())
}
