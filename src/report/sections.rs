//! Standard report sections for a posterior and a comparison.

use super::difference::{difference_svg, Row};
use super::plot::{density_svg, outcome_chart_svg};
use super::{Report, ReportError};
use crate::calibrate::{Method, ParameterSummary, Posterior};
use crate::scenario::Scenario;
use crate::whatif::{documented_metrics, Comparison, Unit};

/// Whether the data moved a parameter: its posterior 90% interval is narrower than
/// [`IDENTIFICATION_WIDTH_RATIO`](crate::calibrate::IDENTIFICATION_WIDTH_RATIO) of the
/// prior's, or its mean moved by at least a tenth of the prior's 90% width. A fixed
/// parameter (a prior interval of zero width) is never moved.
pub(crate) fn moved(p: &ParameterSummary) -> bool {
    let width = p.prior_interval[1] - p.prior_interval[0];
    width > 0.0 && (p.identified || (p.posterior_mean - p.prior_mean).abs() >= 0.1 * width)
}

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
    /// Add a calibration section ("What calibration learned"): the run's diagnostics, a
    /// table of each parameter's prior and posterior, a prior-vs-posterior figure for each of
    /// `key_parameters` (if empty: each parameter the data moved, see below; unknown names
    /// are skipped), and the list of parameters that reflect their priors.
    ///
    /// A parameter is moved by the data when its posterior 90% interval is narrower than
    /// [`IDENTIFICATION_WIDTH_RATIO`](crate::calibrate::IDENTIFICATION_WIDTH_RATIO) of its
    /// prior's or its mean shifted by at least a tenth of the prior's 90% width.
    ///
    /// # Errors
    /// [`ReportError::Plot`] if a figure cannot be drawn.
    pub fn calibration(
        &mut self,
        posterior: &Posterior,
        key_parameters: &[&str],
    ) -> Result<&mut Self, ReportError> {
        let s = posterior.summary();
        self.heading(2, "What calibration learned");
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
                    if moved(p) { "yes" } else { "no" }.to_string(),
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
                "moved by the data",
            ],
            &rows,
        );
        let moved_names: Vec<&str> = s
            .parameters
            .iter()
            .filter(|p| moved(p))
            .map(|p| p.name.as_str())
            .collect();
        let stayed: Vec<String> = s
            .parameters
            .iter()
            .filter(|p| !moved(p))
            .map(|p| format!("`{}`", p.name))
            .collect();
        self.paragraph(&format!(
            "The data moved {} of {} parameters (posterior 90% interval narrower than {:.0}% \
             of the prior's, or mean shifted by a tenth of the prior's 90% width or more){}",
            moved_names.len(),
            s.parameters.len(),
            100.0 * crate::calibrate::IDENTIFICATION_WIDTH_RATIO,
            if moved_names.is_empty() {
                ".".to_string()
            } else {
                format!(
                    ": {}; the figures below show their priors and posteriors.",
                    moved_names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ));
        if !stayed.is_empty() {
            self.paragraph(&format!(
                "Each of these reflects its prior (the documented path says little about \
                 it): {}.",
                stayed.join(", ")
            ));
        }
        // Warnings other than the per-parameter ones listed above (e.g. a small ESS).
        let other: Vec<String> = s
            .warnings
            .iter()
            .filter(|w| !w.contains("is not identified by the data"))
            .map(|w| format!("- {w}"))
            .collect();
        if !other.is_empty() {
            self.paragraph(&other.join("\n"));
        }
        let selected = |k: usize, name: &str| {
            if key_parameters.is_empty() {
                s.parameters.get(k).is_some_and(moved)
            } else {
                key_parameters.contains(&name)
            }
        };
        for (k, name) in posterior.parameter_names.iter().enumerate() {
            if !selected(k, name) {
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
                &format!("Prior (grey) and posterior (blue) of `{name}`"),
                svg,
            );
        }
        Ok(self)
    }

    /// Add the counterfactual sections: the baseline and each intervention's outcome
    /// distribution, a table of paired differences with both 95% intervals, and a grouped
    /// bar chart of the probability metrics.
    ///
    /// # Errors
    /// [`ReportError::Plot`] if a figure cannot be drawn.
    pub fn comparison(&mut self, comparison: &Comparison) -> Result<&mut Self, ReportError> {
        self.comparison_of(comparison, None, "")
    }

    /// [`Report::comparison`] for a scenario's comparison: with the scenario, the outcome
    /// chart marks what the documented path shows
    /// ([`documented_metrics`]), and each intervention's
    /// section opens with its description; each intervention's effect is also said in words
    /// and drawn as a figure of differences with their intervals. `note` (if not empty) opens
    /// the counterfactuals (e.g. what every run was conditioned on, which arms were left out).
    ///
    /// # Errors
    /// [`ReportError::Plot`] if a figure cannot be drawn.
    pub fn comparison_of(
        &mut self,
        comparison: &Comparison,
        scenario: Option<&Scenario>,
        note: &str,
    ) -> Result<&mut Self, ReportError> {
        self.heading(2, "Outcome probabilities");
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
        let observed = scenario.map(documented_metrics).unwrap_or_default();
        let observed_at = |q: usize| observed.get(q).copied().flatten();
        let mut headers = vec!["metric".to_string(), "baseline".to_string()];
        headers.extend(
            comparison
                .interventions
                .iter()
                .map(|i| i.outcome.name.clone()),
        );
        if scenario.is_some() {
            headers.insert(1, "documented".to_string());
        }
        let rows: Vec<Vec<String>> = comparison
            .metrics
            .iter()
            .enumerate()
            .map(|(q, m)| {
                let mut row = vec![format!("{} ({})", m.name, unit_name(m.unit))];
                if scenario.is_some() {
                    row.push(observed_at(q).map_or("–".to_string(), |v| fmt_value(m.unit, v)));
                }
                row.push(fmt_value(m.unit, comparison.baseline.metrics[q].mean));
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
        self.table(&header_refs, &rows);
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
            // More series than the palette has colours would repeat a colour: then the
            // chart shows the baseline against what happened, the table every arm.
            let all_arms = comparison.interventions.len() < crate::report::style::PALETTE.len();
            series.extend(
                comparison
                    .interventions
                    .iter()
                    .filter(|_| all_arms)
                    .map(|i| {
                        (
                            i.outcome.name.clone(),
                            probability
                                .iter()
                                .map(|&q| i.outcome.metrics[q].mean)
                                .collect(),
                        )
                    }),
            );
            let marks: Vec<Option<f64>> = if observed.is_empty() {
                Vec::new()
            } else {
                probability.iter().map(|&q| observed_at(q)).collect()
            };
            let svg = outcome_chart_svg(
                if all_arms {
                    "Outcome probabilities"
                } else {
                    "Outcome probabilities: baseline and the documented path"
                },
                "probability",
                &categories,
                &series,
                &marks,
            )?;
            let arms = if all_arms {
                "baseline and interventions"
            } else {
                "baseline (each intervention: the table above and its own figure below)"
            };
            let caption = if marks.iter().any(Option::is_some) {
                format!(
                    "Outcome probabilities, {arms}; black diamonds: what the documented path \
                     shows"
                )
            } else {
                format!("Outcome probabilities, {arms}")
            };
            self.figure("outcomes.svg", &caption, svg);
        }
        if let Some(q) = (0..comparison.metrics.len())
            .find(|&q| comparison.metrics[q].unit == Unit::Days && observed_at(q).is_some())
        {
            let b = &comparison.baseline.metrics[q];
            self.paragraph(&format!(
                "The documented standoff ended on day {:.2}; the model's expected {} is {:.1} \
                 days (95% posterior interval {:.1} to {:.1} days).",
                observed_at(q).unwrap_or(f64::NAN),
                comparison.metrics[q].name,
                b.mean,
                b.posterior_interval[0],
                b.posterior_interval[1]
            ));
        }
        self.heading(2, "Counterfactuals");
        if !note.is_empty() {
            self.paragraph(note);
        }
        for iv in &comparison.interventions {
            self.heading(3, &format!("`{}` minus baseline", iv.outcome.name));
            if let Some(i) = scenario.and_then(|s| s.intervention(&iv.outcome.name).ok()) {
                self.paragraph(&format!("*{}* reading: {}", i.kind.name(), i.description));
            }
            self.paragraph(&in_words(comparison, iv));
            let rows: Vec<Vec<String>> = comparison
                .metrics
                .iter()
                .zip(&iv.differences)
                .map(|(m, d)| {
                    let f = |v: f64| signed(m.unit, v);
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
            let rows: Vec<Row> = probability
                .iter()
                .map(|&q| {
                    let d = &iv.differences[q];
                    Row {
                        label: comparison.metrics[q].name.clone(),
                        mean: d.mean,
                        posterior: d.posterior_interval,
                        ci: d.mean_interval,
                    }
                })
                .collect();
            if !rows.is_empty() {
                let svg = difference_svg(&format!("{} minus baseline", iv.outcome.name), &rows)?;
                self.figure(
                    &format!("difference_{}.svg", file_stem(&iv.outcome.name)),
                    &format!(
                        "`{}` minus baseline: mean difference (dot), 95% posterior interval \
                         (wide bar), Monte Carlo 95% CI (thin line)",
                        iv.outcome.name
                    ),
                    svg,
                );
            }
        }
        Ok(self)
    }
}

/// A difference with its sign, in percentage points for probabilities.
fn signed(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Probability | Unit::Rate => format!("{:+.1} pp", 100.0 * v),
        _ => format!("{v:+.2}"),
    }
}

/// An intervention's effect in sentences: each metric it changes, with both intervals; the
/// metrics it leaves unchanged in one list.
fn in_words(comparison: &Comparison, iv: &crate::whatif::InterventionResult) -> String {
    let mut changed = Vec::new();
    let mut same = Vec::new();
    for (q, (m, d)) in comparison.metrics.iter().zip(&iv.differences).enumerate() {
        let tiny = match m.unit {
            Unit::Probability | Unit::Rate => 0.0005,
            _ => 0.005,
        };
        let all_zero = [d.mean, d.posterior_interval[0], d.posterior_interval[1]]
            .iter()
            .all(|v| v.abs() < tiny);
        if all_zero {
            same.push(m.name.clone());
            continue;
        }
        let unit_words = match m.unit {
            Unit::Probability | Unit::Rate => "",
            Unit::Days => " days",
            Unit::BillionUsd => " $bn",
            Unit::Other => "",
        };
        let f = |v: f64| format!("{}{unit_words}", signed(m.unit, v));
        let excludes_zero = d.posterior_interval[0] > 0.0 || d.posterior_interval[1] < 0.0;
        changed.push(format!(
            "- {}: {} against {} in the baseline, a change of {} (95% posterior interval {} to \
             {}; Monte Carlo 95% CI {} to {}){}",
            m.name,
            fmt_value(m.unit, iv.outcome.metrics[q].mean),
            fmt_value(m.unit, comparison.baseline.metrics[q].mean),
            f(d.mean),
            f(d.posterior_interval[0]),
            f(d.posterior_interval[1]),
            f(d.mean_interval[0]),
            f(d.mean_interval[1]),
            if excludes_zero {
                "."
            } else {
                "; the posterior interval includes no change."
            }
        ));
    }
    if !same.is_empty() {
        changed.push(format!("- No change in: {}.", same.join("; ")));
    }
    changed.join("\n")
}
