//! The parameters a calibration estimates, and how a posterior's values reach a scenario's
//! parameter vector: by name.

use super::PipelineError;
use crate::model::{Param, Params, Side, Slot};
use crate::scenario::{At, Prior, Scenario};

/// A scenario's free parameters: the slots whose prior is not a point mass, by name, and the
/// values every other slot takes (its prior median). Values are prior values: a relative
/// prior's (`per = "NAME"`) is a ratio that [`FreeParams::fill`] multiplies by its base, and a
/// belief without its own prior copies the drawn true prior, as in [`Scenario::finish`].
///
/// A parameter vector `theta` lists the free parameters' values in the order of
/// [`FreeParams::names`], or, after [`FreeParams::keyed_by`], in the order of a posterior's
/// own names, matched by name.
///
/// # Examples
/// ```
/// use escalation::pipeline::FreeParams;
/// use escalation::scenario::Scenario;
/// let scenario = Scenario::from_path("scenarios/colombia_2025.toml")?;
/// let free = FreeParams::new(&scenario);
/// // A posterior that lists the same parameters in reverse order fills the same slots.
/// let reversed: Vec<String> = free.names().iter().rev().cloned().collect();
/// let theta: Vec<f64> = (0..free.names().len()).map(|k| 0.1 + 0.01 * k as f64).collect();
/// let back: Vec<f64> = theta.iter().rev().copied().collect();
/// assert_eq!(free.params_at(&theta), free.keyed_by(&reversed)?.params_at(&back));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FreeParams {
    base: Params,
    slots: Vec<Slot>,
    names: Vec<String>,
    priors: Vec<Prior>,
    /// Per value of `theta`: the free parameter (index into `slots`) it sets, if any.
    order: Vec<Option<usize>>,
    /// Per side: whether its belief copies the other side's true prior.
    copy_belief: [bool; 2],
    /// Relative priors: the slot whose prior value is a ratio, and the parameter it
    /// multiplies.
    relative: Vec<(Slot, Param)>,
}

impl FreeParams {
    /// The free parameters of `scenario`, in slot order.
    pub fn new(scenario: &Scenario) -> FreeParams {
        let mut slots = Vec::new();
        let mut names = Vec::new();
        let mut priors = Vec::new();
        for (i, p) in scenario.priors().iter().enumerate() {
            if let Some(prior) = &p.prior {
                let (lo, hi) = prior.support();
                if !prior.is_fixed() && hi > lo {
                    slots.push(Slot::at(i));
                    names.push(p.name.clone());
                    priors.push(prior.clone());
                }
            }
        }
        let relative = scenario
            .priors()
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.per.map(|base| (Slot::at(i), base)))
            .collect();
        FreeParams {
            base: scenario.prior_values(&scenario.point(At::Median)),
            relative,
            order: (0..slots.len()).map(Some).collect(),
            slots,
            names,
            priors,
            copy_belief: Side::BOTH.map(|side| scenario.belief_copies_prior(side)),
        }
    }

    /// The free parameters' names, in slot order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Their priors, in slot order.
    pub fn priors(&self) -> &[Prior] {
        &self.priors
    }

    /// Their slots in [`Params`], in slot order.
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// The prior values of the other slots: every prior's median (a relative prior's ratio).
    pub fn base(&self) -> &Params {
        &self.base
    }

    /// The same parameters, taking `theta` in the order of `names` (e.g. a posterior's
    /// [`parameter_names`](crate::calibrate::Posterior::parameter_names)), matched by name.
    /// Names that are not free parameters of this scenario are ignored (a posterior may
    /// cover several scenarios).
    ///
    /// # Errors
    /// [`PipelineError::MissingParameter`] when a free parameter is not among `names`;
    /// [`PipelineError::RepeatedParameter`] when a name appears twice.
    pub fn keyed_by(&self, names: &[String]) -> Result<FreeParams, PipelineError> {
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(PipelineError::RepeatedParameter { name: n.clone() });
            }
        }
        if let Some(missing) = self.names.iter().find(|n| !names.contains(n)) {
            return Err(PipelineError::MissingParameter {
                name: missing.clone(),
            });
        }
        Ok(FreeParams {
            order: names
                .iter()
                .map(|n| self.names.iter().position(|m| m == n))
                .collect(),
            ..self.clone()
        })
    }

    /// Writes `theta` into `params`, the other slots from [`FreeParams::base`], then scales
    /// the relative priors by their bases and copies the beliefs that have no prior of their
    /// own (what [`Scenario::finish`] does).
    pub fn fill(&self, theta: &[f64], params: &mut Params) {
        if params.len() != self.base.len() {
            *params = self.base.clone();
        } else {
            params.as_mut_slice().copy_from_slice(self.base.as_slice());
        }
        for (&k, &v) in self.order.iter().zip(theta) {
            if let Some(&slot) = k.and_then(|k| self.slots.get(k)) {
                params.set(slot, v);
            }
        }
        for &(slot, base) in &self.relative {
            params.set(slot, params.get(slot) * params.get(base));
        }
        for side in Side::BOTH {
            if self.copy_belief[side.index()] {
                params.copy_belief(side);
            }
        }
    }

    /// The full parameter vector for `theta`.
    pub fn params_at(&self, theta: &[f64]) -> Params {
        let mut p = self.base.clone();
        self.fill(theta, &mut p);
        p
    }
}
