//! The `[[interventions]]`: each one's kind (the reading it answers), moves, parameters,
//! schedule and levers.

use super::{check_prior, schedule, side_of, Ctx, SourceIds};
use crate::model::{Param, Restriction, Side, Slot};
use crate::scenario::schema::InterventionSpec;
use crate::scenario::{Intervention, InterventionKind, Scenario, ScenarioError};
use std::collections::BTreeSet;
use toml::Spanned;

/// The `[[interventions]]` (each checked on its own; that each compiles is checked after).
pub(super) fn interventions(
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
    let kind = intervention_kind(ctx, scenario, iv)?;
    if kind != InterventionKind::Commit
        && (!r.set.is_empty() || r.schedule.is_some() || !r.levers.is_empty())
    {
        return Err(ctx.invalid(
            iv.span(),
            &field,
            format!(
                "kind = {:?} plays the baseline's equilibrium, so it cannot re-set parameters, \
                 the schedule or levers (that changes the game both sides solve: kind = \"commit\")",
                kind.name()
            ),
        ));
    }
    if kind == InterventionKind::Deviate && restrictions.is_empty() {
        return Err(ctx.invalid(
            iv.span(),
            &field,
            "kind = \"deviate\" needs the deviating side's moves: `forbid` or `force`",
        ));
    }
    if matches!(kind, InterventionKind::Type { .. }) && !restrictions.is_empty() {
        return Err(ctx.invalid(
            iv.span(),
            &field,
            "kind = \"type\" fixes a type, not moves: use kind = \"deviate\" (or \"commit\") for `forbid` and `force`",
        ));
    }
    Ok(Intervention {
        name: r.name.clone(),
        kind,
        description: r.description.clone(),
        restrictions,
        set,
        schedule: r.schedule.as_deref().map(schedule),
        levers,
    })
}

/// The intervention's `kind` (required), with `actor` and `type` for `kind = "type"`.
fn intervention_kind(
    ctx: &Ctx<'_>,
    scenario: &Scenario,
    iv: &Spanned<InterventionSpec>,
) -> Result<InterventionKind, ScenarioError> {
    let r = iv.get_ref();
    let field = format!("interventions.{}", r.name);
    let Some(kind) = &r.kind else {
        return Err(ctx.invalid(
            iv.span(),
            &format!("{field}.kind"),
            "missing: say which reading the intervention is, kind = \"commit\" (a public \
             commitment: the game both sides solve changes), \"type\" (a side's private type \
             is fixed) or \"deviate\" (a side's moves are fixed at play)",
        ));
    };
    let typed = r.actor.is_some() || r.fixed_type.is_some();
    let out = match kind.get_ref().as_str() {
        "commit" => InterventionKind::Commit,
        "deviate" => InterventionKind::Deviate,
        "type" => {
            let missing = |what: &str| {
                ctx.invalid(
                    iv.span(),
                    &format!("{field}.{what}"),
                    "missing: kind = \"type\" needs `actor` (a player) and `type` \
                     (\"resolute\" or \"irresolute\")",
                )
            };
            let actor = r.actor.as_ref().ok_or_else(|| missing("actor"))?;
            let fixed = r.fixed_type.as_ref().ok_or_else(|| missing("type"))?;
            let side = side_of(&scenario.ladder.players, actor.get_ref()).ok_or_else(|| {
                ctx.invalid(
                    actor.span(),
                    &format!("{field}.actor"),
                    format!("{:?} is not a player", actor.get_ref()),
                )
            })?;
            let resolute = match fixed.get_ref().as_str() {
                "resolute" => true,
                "irresolute" => false,
                other => {
                    return Err(ctx.invalid(
                        fixed.span(),
                        &format!("{field}.type"),
                        format!("unknown type {other:?} (known: resolute, irresolute)"),
                    ))
                }
            };
            let types = match side {
                Side::Challenger => scenario.ladder.challenger_types,
                Side::Target => scenario.ladder.target_types,
            };
            if types != 2 {
                return Err(ctx.invalid(
                    fixed.span(),
                    &format!("{field}.type"),
                    format!(
                        "{} has one type in this scenario (set {}_types = 2 to give it a resolute type)",
                        actor.get_ref(),
                        if side == Side::Challenger { "challenger" } else { "target" }
                    ),
                ));
            }
            return Ok(InterventionKind::Type { side, resolute });
        }
        other => {
            return Err(ctx.invalid(
                kind.span(),
                &format!("{field}.kind"),
                format!("unknown kind {other:?} (known: commit, type, deviate)"),
            ))
        }
    };
    if typed {
        return Err(ctx.invalid(
            iv.span(),
            &field,
            format!(
                "`actor` and `type` belong to kind = \"type\", not {:?}",
                out.name()
            ),
        ));
    }
    Ok(out)
}
