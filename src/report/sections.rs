//! Standard report sections for a posterior and a comparison.

use super::plot::{bar_chart_svg, density_svg};
use super::{Report, ReportError};
use crate::calibrate::{Method, Posterior};
use crate::whatif::{Comparison, Unit};

fn fmt_value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Probability => format!("{:.1}%", 100.0 * v),
        Unit::Days => format!("{v:.1}"),
        Unit::BillionUsd => format!("{v:.2}"),
        Unit::Rate => format!("{:.1}%", 100.0 * v),
        Unit::Other => format!("{v:.3}"),
    }
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Probability => "probability",
        Unit::Days => "days",
        Unit::BillionUsd => "$bn",
        Unit::Rate => "rate",
        Unit::Other => "value",
    }
}

fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

impl Report {
    /// Add a calibration section: the run's diagnostics, a table of each parameter's prior
    /// and posterior, identification warnings, and a prior-vs-posterior figure for each of
    /// `key_parameters` (all parameters if empty; unknown names are skipped).
    ///
    /// # Errors
    /// [`ReportError::Plot`] if a figure cannot be drawn.
    pub fn calibration(
        &mut self,
        posterior: &Posterior,
        key_parameters: &[&str],
    ) -> Result<&mut Self, ReportError> {
        let s = posterior.summary();
        self.heading(2, "Calibration to the documented path");
        let method = match s.method {
            Method::ImportanceSampling => "importance sampling over the prior".to_string(),
            Method::TemperedSmc => format!(
                "adaptive tempering SMC ({} stages; importance sampling alone was degenerate)",
                s.stages
            ),
        };
        self.paragraph(&format!(
            "{} particles, {method}. Effective sample size {:.0}. Probability of the documented \
             path: {:.4} under the prior predictive, {:.4} under the posterior predictive.",
            s.particles, s.ess, s.prior_predictive, s.posterior_predictive
        ));
        let rows: Vec<Vec<String>> = s
            .parameters
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    format!("{:.3}", p.prior_mean),
                    format!("[{:.3}, {:.3}]", p.prior_interval[0], p.prior_interval[1]),
                    format!("{:.3}", p.posterior_mean),
                    format!(
                        "[{:.3}, {:.3}]",
                        p.posterior_interval[0], p.posterior_interval[1]
                    ),
                    if p.identified { "yes" } else { "no" }.to_string(),
                ]
            })
            .collect();
        self.table(
            &[
                "parameter",
                "prior mean",
                "prior 90%",
                "posterior mean",
                "posterior 90%",
                "identified",
            ],
            &rows,
        );
        if !s.warnings.is_empty() {
            let list: Vec<String> = s.warnings.iter().map(|w| format!("- {w}")).collect();
            self.paragraph(&list.join("\n"));
        }
        for (k, name) in posterior.parameter_names.iter().enumerate() {
            if !key_parameters.is_empty() && !key_parameters.contains(&name.as_str()) {
                continue;
            }
            let prior: Vec<f64> = posterior
                .prior_draws
                .iter()
                .filter_map(|p| p.get(k).copied())
                .collect();
            let post: Vec<f64> = posterior
                .particles
                .iter()
                .filter_map(|p| p.get(k).copied())
                .collect();
            let svg = density_svg(name, &prior, &post, &posterior.weights)?;
            self.figure(
                &format!("posterior_{}.svg", file_stem(name)),
                &format!("Prior (grey) and posterior (blue) of {name}"),
                svg,
            );
        }
        Ok(self)
    }

    /// Add a counterfactual section: the baseline and each intervention's outcome
    /// distribution, a table of paired differences with both 95% intervals, and a grouped
    /// bar chart of the probability metrics.
    ///
    /// # Errors
    /// [`ReportError::Plot`] if the figure cannot be drawn.
    pub fn comparison(&mut self, comparison: &Comparison) -> Result<&mut Self, ReportError> {
        self.heading(2, "Counterfactual interventions");
        let exact = comparison
            .interventions
            .iter()
            .all(|i| i.differences.iter().all(|d| d.expected_per_draw.is_some()));
        let per_draw = if exact {
            "each draw's exact expected difference (from the equilibrium's terminal \
             probabilities, no Monte Carlo noise)"
        } else {
            "the per-draw mean difference over the draw's runs"
        };
        let excluded = match comparison.excluded_draws.len() {
            0 => String::new(),
            n => format!(
                " {n} further draws were left out of every arm because they did not apply to \
                 some arm (given the documented opening: it had probability zero under that arm)."
            ),
        };
        self.paragraph(&format!(
            "{} equal-weight posterior draws × {} runs each. Baseline and every intervention \
             use the same draws and, run by run, the same random numbers, so differences are \
             paired. *95% CI* is the Monte Carlo confidence interval of the mean difference; \
             *95% posterior* is the spread of {per_draw} over the parameters' posterior.\
             {excluded}",
            comparison.draws, comparison.replicates
        ));
        let mut headers = vec!["metric".to_string(), "baseline".to_string()];
        headers.extend(
            comparison
                .interventions
                .iter()
                .map(|i| i.outcome.name.clone()),
        );
        let rows: Vec<Vec<String>> = comparison
            .metrics
            .iter()
            .enumerate()
            .map(|(q, m)| {
                let mut row = vec![
                    format!("{} ({})", m.name, unit_name(m.unit)),
                    fmt_value(m.unit, comparison.baseline.metrics[q].mean),
                ];
                row.extend(
                    comparison
                        .interventions
                        .iter()
                        .map(|i| fmt_value(m.unit, i.outcome.metrics[q].mean)),
                );
                row
            })
            .collect();
        let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        self.heading(3, "Outcomes");
        self.table(&header_refs, &rows);
        for iv in &comparison.interventions {
            self.heading(3, &format!("`{}` minus baseline", iv.outcome.name));
            let rows: Vec<Vec<String>> = comparison
                .metrics
                .iter()
                .zip(&iv.differences)
                .map(|(m, d)| {
                    let f = |v: f64| match m.unit {
                        Unit::Probability => format!("{:+.1} pp", 100.0 * v),
                        _ => format!("{v:+.2}"),
                    };
                    vec![
                        format!("{} ({})", m.name, unit_name(m.unit)),
                        f(d.mean),
                        format!("[{}, {}]", f(d.mean_interval[0]), f(d.mean_interval[1])),
                        format!(
                            "[{}, {}]",
                            f(d.posterior_interval[0]),
                            f(d.posterior_interval[1])
                        ),
                    ]
                })
                .collect();
            self.table(&["metric", "difference", "95% CI", "95% posterior"], &rows);
        }
        let probability: Vec<usize> = (0..comparison.metrics.len())
            .filter(|&q| comparison.metrics[q].unit == Unit::Probability)
            .collect();
        if !probability.is_empty() {
            let categories: Vec<String> = probability
                .iter()
                .map(|&q| comparison.metrics[q].name.clone())
                .collect();
            let mut series = vec![(
                "baseline".to_string(),
                probability
                    .iter()
                    .map(|&q| comparison.baseline.metrics[q].mean)
                    .collect(),
            )];
            series.extend(comparison.interventions.iter().map(|i| {
                (
                    i.outcome.name.clone(),
                    probability
                        .iter()
                        .map(|&q| i.outcome.metrics[q].mean)
                        .collect(),
                )
            }));
            let svg = bar_chart_svg("Outcome probabilities", "probability", &categories, &series)?;
            self.figure(
                "outcomes.svg",
                "Outcome probabilities, baseline and interventions",
                svg,
            );
        }
        Ok(self)
    }
}
