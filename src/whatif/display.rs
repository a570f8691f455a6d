//! Plain-text tables of a comparison.

use super::{Comparison, Unit};
use std::fmt;

fn value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Probability => format!("{:.1}%", 100.0 * v),
        Unit::Days => format!("{v:.1} d"),
        Unit::BillionUsd => format!("${v:.2}bn"),
        Unit::Rate => format!("{:.1}%", 100.0 * v),
        Unit::Other => format!("{v:.3}"),
    }
}

fn signed(unit: Unit, v: f64) -> String {
    let s = value(unit, v.abs());
    let s = match unit {
        Unit::Probability => s.replacen('%', " pp", 1),
        _ => s,
    };
    if v < 0.0 {
        format!("-{s}")
    } else {
        format!("+{s}")
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} posterior draws × {} runs, common random numbers (seed {})",
            self.draws, self.replicates, self.seed
        )?;
        if !self.excluded_draws.is_empty() {
            writeln!(
                f,
                "{} further draws left out: they did not apply to every arm",
                self.excluded_draws.len()
            )?;
        }
        let exact = std::iter::once(&self.baseline)
            .chain(self.interventions.iter().map(|i| &i.outcome))
            .all(|a| a.metrics.iter().all(|s| s.expected_per_draw.is_some()));
        if exact {
            writeln!(
                f,
                "95% posterior intervals: of each draw's exact expectation (no Monte Carlo noise)"
            )?;
        } else {
            writeln!(
                f,
                "95% posterior intervals: of each draw's mean over its runs (include their noise)"
            )?;
        }
        let w = self
            .metrics
            .iter()
            .map(|m| m.name.len())
            .max()
            .unwrap_or(6)
            .max(6);
        writeln!(f, "\nbaseline")?;
        for (metric, s) in self.metrics.iter().zip(&self.baseline.metrics) {
            writeln!(
                f,
                "  {:<w$}  {:>10}   95% posterior [{}, {}]",
                metric.name,
                value(metric.unit, s.mean),
                value(metric.unit, s.posterior_interval[0]),
                value(metric.unit, s.posterior_interval[1]),
            )?;
        }
        for iv in &self.interventions {
            writeln!(f, "\nintervention `{}`", iv.outcome.name)?;
            writeln!(
                f,
                "  {:<w$}  {:>10}  {:>12}  {:>27}  {:>27}",
                "metric",
                "value",
                "difference",
                "95% CI of mean difference",
                "95% posterior of difference"
            )?;
            for ((metric, s), d) in self
                .metrics
                .iter()
                .zip(&iv.outcome.metrics)
                .zip(&iv.differences)
            {
                let u = metric.unit;
                writeln!(
                    f,
                    "  {:<w$}  {:>10}  {:>12}  {:>27}  {:>27}",
                    metric.name,
                    value(u, s.mean),
                    signed(u, d.mean),
                    format!(
                        "[{}, {}]",
                        signed(u, d.mean_interval[0]),
                        signed(u, d.mean_interval[1])
                    ),
                    format!(
                        "[{}, {}]",
                        signed(u, d.posterior_interval[0]),
                        signed(u, d.posterior_interval[1])
                    ),
                )?;
            }
        }
        Ok(())
    }
}
