//! `[calibration] shared`: which parameters a scenario shares in a joint calibration.

use super::Ctx;
use crate::scenario::schema::CalibrationSpec;
use crate::scenario::{ParamPrior, ScenarioError, SharedParam};
use toml::Spanned;

/// The shared declarations, checked: each key names a parameter of the file whose prior is
/// not a point mass (a fixed value has nothing to share), each name is a non-empty run of
/// letters, digits, `_`, `-` and `.`, and no two parameters of one file share a name.
pub(super) fn shared(
    ctx: &Ctx<'_>,
    spec: Option<&Spanned<CalibrationSpec>>,
    priors: &[ParamPrior],
) -> Result<Vec<SharedParam>, ScenarioError> {
    let Some(spec) = spec else {
        return Ok(Vec::new());
    };
    let mut out: Vec<SharedParam> = Vec::new();
    for (key, value) in &spec.get_ref().shared {
        let (param, name) = (key.get_ref(), value.get_ref());
        let field = format!("calibration.shared.{param}");
        let prior = priors.iter().find(|p| &p.name == param).ok_or_else(|| {
            ctx.invalid(
                key.span(),
                &field,
                "not a parameter of this file: only a [params] or lever parameter can be shared",
            )
        })?;
        let free = prior.prior.as_ref().is_some_and(|p| {
            let (lo, hi) = p.support();
            !p.is_fixed() && hi > lo
        });
        if !free {
            return Err(ctx.invalid(
                key.span(),
                &field,
                "the parameter has a fixed value (or no prior of its own): nothing to share",
            ));
        }
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !valid {
            return Err(ctx.invalid(
                value.span(),
                &field,
                format!("shared name {name:?} must be letters, digits, `_`, `-` or `.`"),
            ));
        }
        if let Some(other) = out.iter().find(|s| &s.name == name) {
            return Err(ctx.invalid(
                value.span(),
                &field,
                format!("`{}` is already shared as {name:?}", other.param),
            ));
        }
        let (line, column) = ctx.pos(value.span().start);
        out.push(SharedParam {
            param: param.clone(),
            name: name.clone(),
            line,
            column,
        });
    }
    Ok(out)
}
