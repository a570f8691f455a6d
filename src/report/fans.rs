//! Fan charts of the tariff levied by day, for the baseline and each intervention.

use super::plot::{fan_chart_svg, FanBands};
use super::{Report, ReportError};
use crate::calibrate::Posterior;
use crate::model::Action;
use crate::scenario::Scenario;
use crate::whatif::ScenarioArm;

/// The quantiles a fan chart shades.
const FAN_QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

impl Report {
    /// Add a section of fan charts: the tariff levied on each of the first `days` days, in
    /// quantiles over one play at each of `runs` equal-weight posterior draws (resampled with
    /// `seed`; play `j` on stream `j` of [`Purpose::FAN_CHART`](crate::mc::Purpose::FAN_CHART)),
    /// for the baseline and each intervention of `scenario`, every play conditioned on
    /// `opening` when given. An arm under which the opening is impossible gets no chart (the
    /// counterfactual section says so); draws under which it has probability zero are left
    /// out and counted in the caption.
    ///
    /// # Errors
    /// [`ReportError::Arm`] if an arm cannot be set up or solved, [`ReportError::Plot`] if a
    /// chart cannot be drawn.
    pub fn tariff_fans(
        &mut self,
        scenario: &Scenario,
        posterior: &Posterior,
        seed: u64,
        (days, runs): (usize, usize),
        opening: Option<&[Action]>,
    ) -> Result<&mut Self, ReportError> {
        let draws = posterior.equal_weight_draws(runs, seed);
        let day_axis: Vec<f64> = (0..days).map(|d| d as f64).collect();
        self.heading(2, "Tariff levied by day");
        let names = std::iter::once(None).chain(
            scenario
                .interventions()
                .iter()
                .map(|i| Some(i.name.as_str())),
        );
        for name in names {
            let label = name.unwrap_or("baseline");
            let fail = |reason: String| ReportError::Arm {
                arm: label.to_string(),
                reason,
            };
            let arm = ScenarioArm::new(scenario, name)
                .and_then(|a| a.keyed_by(&posterior.parameter_names))
                .map_err(|e| fail(e.to_string()))?;
            let arm = match opening {
                Some(o) => arm.given(o),
                None => arm,
            };
            if !arm.opening_possible() {
                // Reported with the counterfactuals: the opening is impossible under this arm.
                continue;
            }
            // Draws under which the opening has probability zero have no play to chart.
            let plays: Vec<Vec<f64>> = arm
                .tariff_paths(&draws, seed, days)
                .map_err(fail)?
                .into_iter()
                .flatten()
                .collect();
            let left_out = draws.len() - plays.len();
            if plays.is_empty() {
                self.paragraph(&format!(
                    "No fan chart for {label}: the opening has probability zero in every draw."
                ));
                continue;
            }
            let mut bands = FanBands::from_runs(day_axis.clone(), &plays, &FAN_QUANTILES);
            // What happened is the baseline's to predict: mark the documented end on it.
            if let (None, crate::model::PathTiming::EndedOn(day)) =
                (name, scenario.documented_path().timing())
            {
                bands = bands.with_documented_end(day);
            }
            let svg = fan_chart_svg(
                &format!("Tariff levied by day: {label}"),
                "tariff rate levied",
                &bands,
            )?;
            let caption = if left_out == 0 {
                format!("Tariff levied by day ({label}), quantiles over {runs} posterior runs")
            } else {
                format!(
                    "Tariff levied by day ({label}), quantiles over {} posterior runs \
                     ({left_out} draws left out: the opening had probability zero)",
                    plays.len()
                )
            };
            self.figure(&format!("fan_{label}.svg"), &caption, svg);
        }
        Ok(self)
    }
}
