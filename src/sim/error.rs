//! Errors of the Monte Carlo layer.

use super::episode::LayoutError;

/// Why a simulation could not run to the end.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The episode's layout is invalid.
    #[error("invalid episode layout: {0}")]
    Layout(LayoutError),
    /// `threads` was not at least 1.
    #[error("--threads must be at least 1, got {0}")]
    Threads(usize),
    /// The thread pool could not start.
    #[error(transparent)]
    Pool(#[from] crate::mc::PoolError),
    /// The shard cannot be applied.
    #[error(transparent)]
    Shard(#[from] ShardError),
    /// The episode failed on a run.
    #[error("run {run}: {source}")]
    Episode {
        /// The run.
        run: u64,
        /// The episode's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The episode recorded a class index past its classes.
    #[error("run {run}: outcome class {class} out of range (the episode has {classes} classes)")]
    ClassOutOfRange {
        /// The run.
        run: u64,
        /// The class recorded.
        class: usize,
        /// Number of classes.
        classes: usize,
    },
    /// The episode recorded a metric that is NaN, infinite, or whose square overflows.
    #[error("run {run}: metric {metric:?} is {value}, not a finite value of moderate size")]
    NonFiniteMetric {
        /// The run.
        run: u64,
        /// Metric name.
        metric: String,
        /// The value.
        value: f64,
    },
    /// The per-run sink failed.
    #[error("writing per-run rows: {0}")]
    Sink(std::io::Error),
}

/// A malformed or unusable shard specification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// Not of the form `i/K` or `auto[/K]`.
    #[error("shard {0:?} is not of the form i/K (0 <= i < K), auto/K or auto")]
    Malformed(String),
    /// Index not below the count.
    #[error("shard index {index} is not below the shard count {count}")]
    OutOfRange {
        /// Index.
        index: u64,
        /// Count.
        count: u64,
    },
    /// `auto` without an index variable set.
    #[error("--shard auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set")]
    NoIndex,
    /// Bare `auto` without `SLURM_ARRAY_TASK_COUNT`.
    #[error("--shard auto: SLURM_ARRAY_TASK_COUNT is not set; give the count as auto/K")]
    NoCount,
    /// An environment variable that is not a whole number.
    #[error("--shard auto: {variable}={value:?} is not a whole number")]
    BadVariable {
        /// The variable.
        variable: String,
        /// Its value.
        value: String,
    },
    /// Chunks of zero runs.
    #[error("chunk size must be at least 1")]
    ZeroChunk,
}

/// A summary JSON that cannot be read back.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SummaryError {
    /// Not JSON of the summary format.
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// Fields that contradict each other; says which check failed.
    #[error("inconsistent summary: {0}")]
    Inconsistent(String),
    /// The content does not match its checksum: the file was changed after it was written.
    #[error(
        "checksum mismatch: the file states {stated} but its content gives {computed}; it was \
         changed after it was written (re-run its shard)"
    )]
    Checksum {
        /// The checksum written in the file.
        stated: String,
        /// The checksum of its content.
        computed: String,
    },
    /// A summary written before summaries carried a checksum (format `.../1`): its content
    /// cannot be verified.
    #[error(
        "no checksum: written before summaries carried one (format \
         escalation-simulation-summary/1), so its content cannot be verified"
    )]
    NoChecksum,
    /// The layout it describes is invalid.
    #[error("invalid layout: {0}")]
    Layout(LayoutError),
}

/// Shard summaries that do not merge into one simulation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no shard summaries to merge")]
    NoParts,
    /// Two parts from different simulations.
    #[error("{other} and {first} come from different simulations: their {what} differ")]
    Mismatch {
        /// One part.
        first: String,
        /// The part that differs.
        other: String,
        /// What differs.
        what: String,
    },
    /// Two parts cover some runs twice.
    #[error("{first} and {second} overlap: both cover runs {from}..{to}")]
    Overlap {
        /// Earlier part.
        first: String,
        /// Later part.
        second: String,
        /// First run covered twice.
        from: u64,
        /// End of the doubly covered runs.
        to: u64,
    },
    /// The same shard given twice.
    #[error("{first} and {second} are the same shard {index}/{count}")]
    DuplicateShard {
        /// One part.
        first: String,
        /// The other part.
        second: String,
        /// The shard's index.
        index: u64,
        /// Number of shards.
        count: u64,
    },
    /// A shard of the split is missing (even an empty one must be given, as a check that
    /// the split is complete).
    #[error("shard {index}/{count} is missing")]
    MissingShard {
        /// The missing shard's index.
        index: u64,
        /// Number of shards.
        count: u64,
    },
    /// Runs covered by no part.
    #[error("runs {from}..{to} are missing: no shard covers them")]
    Gap {
        /// First missing run.
        from: u64,
        /// End of the missing runs.
        to: u64,
    },
}
