//! A printable summary of the equilibrium of a compiled ladder at given parameters.

use super::ladder::Side;
use super::outcome::{Outcome, OutcomeClass, OutcomeProbs};
use super::params::Params;
use super::{CompiledLadder, ModelError};
use std::fmt;

/// The QRE at one parameter point: the most likely path, outcome class frequencies and the
/// most likely public histories.
#[derive(Clone, Debug, PartialEq)]
pub struct EquilibriumSummary {
    /// Player names (challenger, target).
    pub players: [String; 2],
    /// Lambda used, on payoffs in $bn (the scenario's lambda divided by its payoff unit).
    pub lambda: f64,
    /// The modal path: at each step the action carrying the most probability mass below it,
    /// with that action's probability given the path so far.
    pub path: Vec<(String, String, f64)>,
    /// The outcome at the end of the modal path (types: the first combination).
    pub outcome: Outcome,
    /// Probability of each outcome class, in [`OutcomeClass::ALL`] order.
    pub class_probs: Vec<(OutcomeClass, f64)>,
    /// The same probabilities with the crisis and each side's yielding in it (the
    /// attrition tail's concessions counted).
    pub probs: OutcomeProbs,
    /// Public histories with their probabilities, most likely first (at most 8).
    pub histories: Vec<(String, f64)>,
}

/// Solves the compiled ladder at `params` and summarises the equilibrium.
///
/// # Errors
/// As [`CompiledLadder::behaviour`].
///
/// # Examples
/// ```
/// use escalation::model::{summarise_equilibrium, CompiledLadder, Ladder, Params};
/// let c = CompiledLadder::new(&Ladder::default())?;
/// let r = summarise_equilibrium(&c, &Params::new(0))?;
/// let total: f64 = r.class_probs.iter().map(|(_, p)| p).sum();
/// assert!((total - 1.0).abs() < 1e-9);
/// println!("{r}");
/// # Ok::<(), escalation::model::ModelError>(())
/// ```
pub fn summarise_equilibrium(
    compiled: &CompiledLadder,
    params: &Params,
) -> Result<EquilibriumSummary, ModelError> {
    let mut ws = compiled.workspace();
    let behaviour = compiled.behaviour(&mut ws, params)?.to_vec();
    let mut tprob = vec![0.0; compiled.num_terminals()];
    compiled.terminal_probs(&behaviour, params, &mut tprob);
    let public = compiled.public_tree();
    // Mass below each public node.
    let mut mass = vec![0.0; public.len()];
    let mut probs = OutcomeProbs::default();
    let mut first_terminal = vec![usize::MAX; public.len()];
    for (t, &pr) in tprob.iter().enumerate() {
        let Some((p, _)) = compiled.public_terminal(t) else {
            continue;
        };
        mass[p] += pr;
        if first_terminal[p] == usize::MAX {
            first_terminal[p] = t;
        }
        probs.add(&compiled.outcome(t, params)?, pr);
    }
    for i in (1..public.len()).rev() {
        if let Some((parent, _)) = public[i].parent {
            let m = mass[i];
            mass[parent] += m;
        }
    }
    let mut histories: Vec<(String, f64)> = public
        .iter()
        .enumerate()
        .filter(|(_, n)| n.end.is_some())
        .map(|(i, n)| (n.history_label(), mass[i]))
        .collect();
    histories.sort_by(|a, b| b.1.total_cmp(&a.1));
    histories.truncate(8);
    let mut path = Vec::new();
    let mut p = 0;
    while let Some(side) = public[p].mover {
        let node = &public[p];
        let (best, &child) = node
            .children
            .iter()
            .enumerate()
            .max_by(|a, b| mass[*a.1].total_cmp(&mass[*b.1]))
            .ok_or(ModelError::NoSuchTerminal(p))?;
        let share = if mass[p] > 0.0 {
            mass[child] / mass[p]
        } else {
            0.0
        };
        path.push((
            compiled.ladder().players[side.index()].clone(),
            node.actions[best].label().to_string(),
            share,
        ));
        p = child;
    }
    let outcome = compiled.outcome(first_terminal[p], params)?;
    let class_probs = OutcomeClass::ALL
        .iter()
        .map(|&c| (c, probs.class(c)))
        .collect();
    Ok(EquilibriumSummary {
        players: compiled.ladder().players.clone(),
        lambda: compiled.effective_lambda(params),
        path,
        outcome,
        class_probs,
        probs,
        histories,
    })
}

impl fmt::Display for EquilibriumSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Logit QRE (lambda = {}), {} vs {}",
            self.lambda, self.players[0], self.players[1]
        )?;
        writeln!(f, "Most likely path:")?;
        for (i, (who, action, p)) in self.path.iter().enumerate() {
            writeln!(f, "  {}. {who:<12} {action:<18} (p = {p:.3})", i + 1)?;
        }
        let o = &self.outcome;
        writeln!(f, "Outcome: {}", o.class)?;
        writeln!(
            f,
            "  duration {:.1} days; peak tariff announced {:.0}%, imposed {:.0}%",
            o.duration_days,
            100.0 * o.peak_tariff_announced,
            100.0 * o.peak_tariff_imposed
        )?;
        writeln!(
            f,
            "  economic cost: {} ${:.3}bn, {} ${:.3}bn",
            self.players[0], o.cost_challenger_bn, self.players[1], o.cost_target_bn
        )?;
        writeln!(f, "Outcome probabilities:")?;
        for (c, p) in &self.class_probs {
            writeln!(f, "  {:<22} {p:.4}", c.name())?;
        }
        let q = &self.probs;
        writeln!(
            f,
            "Yielding after the threat (concessions in the attrition tail included):"
        )?;
        writeln!(f, "  {:<22} {:.4}", "crisis", q.crisis)?;
        for (side, name) in [Side::Challenger, Side::Target].iter().zip(&self.players) {
            writeln!(
                f,
                "  {:<22} {:.4}  (given the crisis {:.4})",
                format!("{name} yields"),
                q.yields(*side),
                q.yields_given_crisis(*side)
            )?;
        }
        writeln!(f, "Most likely histories:")?;
        for (h, p) in &self.histories {
            writeln!(f, "  {p:.4}  {h}")?;
        }
        Ok(())
    }
}
