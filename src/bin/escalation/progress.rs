//! Progress on a terminal: one spinner line on standard error saying what a long command is
//! doing now; nothing at all when standard error is not a terminal (a pipe, a file, a CI
//! log) or when the command was asked for machine output (`--json`).

use escalation::calibrate::{Observer, StageInfo};
use std::io::IsTerminal;

/// A spinner on standard error, or nothing. Cleared when dropped, so an error message
/// printed after it starts on a clean line.
pub struct Spinner(Option<indicatif::ProgressBar>);

impl Spinner {
    /// A spinner if `wanted` and standard error is a terminal; else a silent stand-in.
    pub fn new(wanted: bool) -> Self {
        Spinner((wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg}  {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        }))
    }

    /// Says what is being done now.
    pub fn say(&self, what: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(what.to_string());
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}

/// A calibration's stages on the spinner.
impl Observer<StageInfo> for Spinner {
    fn observe(&mut self, info: &StageInfo) {
        self.say(&format!(
            "calibrating: stage {}, temperature {:.4}, ESS {:.0}{}",
            info.stage,
            info.temperature,
            info.ess,
            info.acceptance
                .map(|a| format!(", {} moves, acceptance {:.0}%", info.moves, 100.0 * a))
                .unwrap_or_default()
        ));
    }
}
