//! Errors of calibration and of posterior files.

use std::path::PathBuf;

/// What went wrong while calibrating, or while reading or writing a posterior file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrateError {
    /// A solver setting is out of range.
    #[error("invalid calibration setting `{field}`: {reason}")]
    InvalidConfig {
        /// The setting's name.
        field: &'static str,
        /// Why the value was refused.
        reason: String,
    },
    /// The prior declares a dimension that does not match its names.
    #[error("prior declares {dim} parameters but names {names}")]
    PriorShape {
        /// `JointPrior::dim()`.
        dim: usize,
        /// `JointPrior::names().len()`.
        names: usize,
    },
    /// The prior drew a value outside its own support or with a non-finite density.
    #[error("prior draw {index} has log density {ln_pdf} (parameters {theta:?}); the prior's sample and ln_pdf disagree")]
    PriorDraw {
        /// Index of the draw.
        index: usize,
        /// The draw.
        theta: Vec<f64>,
        /// Its log density.
        ln_pdf: f64,
    },
    /// The likelihood returned NaN.
    #[error("log-likelihood is NaN at parameters {theta:?}")]
    NanLikelihood {
        /// The parameters.
        theta: Vec<f64>,
    },
    /// Every prior draw gives the data probability zero: the data are impossible under the model.
    #[error("the documented data have probability zero at all {draws} prior draws; the model cannot produce them")]
    ImpossibleData {
        /// Number of prior draws tried.
        draws: usize,
    },
    /// Tempering did not reach the posterior within the allowed number of stages.
    #[error("tempering stopped at temperature {temperature} after {stages} stages (max_stages)")]
    TooManyStages {
        /// Stages run.
        stages: usize,
        /// Temperature reached.
        temperature: f64,
    },
    /// The local thread pool could not be built.
    #[error(transparent)]
    Pool(#[from] crate::mc::PoolError),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A posterior file is not valid JSON for this format.
    #[error("{path}:{line}:{column}: not a posterior file: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// A posterior file is well-formed JSON but its content is inconsistent.
    #[error("{path}: invalid posterior: {reason}")]
    InvalidPosterior {
        /// The file.
        path: PathBuf,
        /// What is inconsistent.
        reason: String,
    },
    /// Two cases of a joint calibration disagree on a shared parameter, or a shared name
    /// collides with a case's own parameter name.
    #[error("{at}: calibration.shared: `{name}`: {message}")]
    SharedPrior {
        /// The declaration: `file:line:column` (or the file).
        at: String,
        /// The shared name.
        name: String,
        /// What disagrees.
        message: String,
    },
    /// A posterior file belongs to another scenario (or another version of it).
    #[error("{path}: posterior was calibrated for scenario `{found_name}` (hash {found_hash}), not `{expected_name}` (hash {expected_hash}); run `escalation calibrate` again")]
    ScenarioMismatch {
        /// The file.
        path: PathBuf,
        /// Scenario asked for.
        expected_name: String,
        /// Its identity hash.
        expected_hash: String,
        /// Scenario recorded in the file.
        found_name: String,
        /// Its identity hash.
        found_hash: String,
    },
}
