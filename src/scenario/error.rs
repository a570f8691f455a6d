//! Errors of reading and validating scenarios.

/// What is wrong with a scenario.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file cannot be read.
    #[error("{path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The system's message.
        message: String,
    },
    /// TOML syntax or schema (unknown field, wrong type, missing field).
    #[error("{origin}:{line}:{column}: {message}")]
    Syntax {
        /// File or name.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A value that breaks a rule of the format.
    #[error("{origin}:{line}:{column}: {field}: {message}")]
    Invalid {
        /// File or name.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The field, e.g. `params.elasticity`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The ladder does not compile.
    #[error("{origin}: {message}")]
    Model {
        /// File or name.
        origin: String,
        /// What the model reported.
        message: String,
    },
    /// No intervention of that name.
    #[error("{origin}: no intervention named {name:?} (known: {known})")]
    UnknownIntervention {
        /// File or name.
        origin: String,
        /// Name asked for.
        name: String,
        /// Names defined.
        known: String,
    },
}

impl ScenarioError {
    /// The 1-based line of the error, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            ScenarioError::Syntax { line, .. } | ScenarioError::Invalid { line, .. } => Some(*line),
            _ => None,
        }
    }
}
