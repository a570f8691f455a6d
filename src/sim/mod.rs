//! Parallel, reproducible Monte Carlo simulation with exact sharding.
//!
//! An [`Episode`] says what one run is (draw, play, record an outcome class and metrics); a
//! [`Simulation`] plays `N` runs of it with seed `S` and returns a [`Summary`]: outcome
//! frequencies with Wilson 95% intervals, and per metric the mean, sd, extremes, quantiles and
//! a histogram, in memory that does not grow with `N`.
//!
//! # Reproducibility
//! - **Random numbers.** Run `i` draws from `ChaCha8Rng::seed_from_u64(S)` with
//!   `set_stream(i)` (stream `i` of [`Purpose::RUNS`](crate::mc::Purpose::RUNS)): its own
//!   stream, independent of the thread, the shard, and how many numbers other runs use. A
//!   value-stability test pins the first outcomes of a fixed seed.
//! - **Work split.** Runs are grouped in chunks of [`CHUNK_RUNS`]; chunks run on a local rayon
//!   pool of `T` threads; each chunk yields a partial tally and partials are combined in chunk
//!   order. Where a batch has fewer chunks than threads (under 1,024 runs a thread, as with
//!   long ladders whose runs take tens of milliseconds), each chunk's runs are played in
//!   parallel pieces and tallied in run order, as one thread would.
//! - **Exact accumulators.** Counts are integers, sums are exact ([`ExactSum`]: a fixed-point
//!   accumulator wide enough for any `f64`), min and max are exact, quantiles come from fixed
//!   histogram bins. Combining is therefore associative and exact, and any thread count or
//!   any split into shards ([`Shard`], [`merge`]) gives the same summary, bit for bit, and the
//!   same JSON, byte for byte.
//! - **Derived statistics** (means, sd, quantiles, intervals) are computed once from the exact
//!   accumulators. The sd uses the exact sums of `x` and of the rounded squares `x*x`
//!   (`sqrt((Σx² − (Σx)²/n)/(n−1))`), accurate unless the sd is below about 1e-7 of the mean.
//!   Quantiles are rounded down to the histogram grid, so they are exact to one bin width,
//!   reported as `quantile_resolution` ([`histogram_quantile`](crate::mc::stats::histogram_quantile)).

mod episode;
mod error;
mod exact;
mod integrity;
mod observer;
mod rows;
mod runner;
mod scenario_episode;
mod shard;
mod summary;
mod tally;

pub use crate::mc::{NoObserver, Observer};
pub use episode::{Episode, Layout, LayoutError, MetricSpec, RunRecord, MAX_BINS};
pub use error::{MergeError, ShardError, SimError, SummaryError};
pub use exact::{ExactSum, ParseExactError};
pub use observer::Progress;
pub use rows::{CsvRows, RunSink};
pub use runner::{Simulation, CHUNK_RUNS};
pub use scenario_episode::{scenario_fingerprint, ScenarioEpisode, ScenarioScratch, MAX_REDRAWS};
pub use shard::{merge, Shard, INDEX_VARIABLES};
pub use summary::{Statistics, Summary, Unchecksummed, FORMAT, FORMAT_V1, RNG_SCHEME};
