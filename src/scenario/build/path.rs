//! The documented path: each move checked against the ladder's public tree, its timestamp
//! read as days from the threat, and the days checked against the rounds.

use super::super::schema::{FileSpec, PathStepSpec};
use super::super::{DocumentedPath, PathStep, ScenarioError};
use super::{side_of, Ctx, SourceIds};
use crate::model::{Action, Ladder, Opening, PublicNode, Side, Stage};
use std::ops::Range;
use toml::Spanned;

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
    s: &Spanned<PathStepSpec>,
    field: &str,
    pn: Option<&PublicNode>,
    players: &[String; 2],
    source_ids: &SourceIds,
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
pub(super) fn documented_path(
    ctx: &Ctx<'_>,
    spec: &FileSpec,
    ladder: &Ladder,
    public: &[PublicNode],
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
