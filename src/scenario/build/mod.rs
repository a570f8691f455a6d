//! From TOML text to a validated [`Scenario`].

use super::schema::{
    FileSpec, LeverFrom, LeverSpec, OpeningSpec, PriorSpec, SourceSpec, StepSpec, StructureSpec,
};
use super::{ParamPrior, Prior, Scenario, ScenarioError, Source};
use crate::model::{CounterStep, Ladder, Lever, LeverStart, Opening, Param, Side, TariffStep};
use std::collections::{BTreeMap, BTreeSet};
mod intervention;
mod path;
mod shared;

use intervention::interventions;

use path::documented_path;
use std::ops::Range;
use toml::Spanned;

pub(super) struct Ctx<'a> {
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

    pub(super) fn invalid(
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

pub(super) fn side_of(players: &[String; 2], name: &str) -> Option<Side> {
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
pub(super) type SourceIds = BTreeSet<String>;

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
    let shared = shared::shared(&ctx, spec.calibration.as_ref(), &priors)?;
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
        shared,
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
        payoff_unit: payoff_unit(ctx, st)?,
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
