//! The bottom layer of the Monte Carlo plumbing, shared by [`sim`](crate::sim),
//! [`calibrate`](crate::calibrate), [`whatif`](crate::whatif) and [`report`](crate::report):
//!
//! - [`rng`]: the random-stream scheme, seed × [`Purpose`] × index, with the one registry of
//!   purposes;
//! - [`Pool`]: the optional local thread pool (results never depend on the thread count);
//! - [`stats`]: Monte Carlo statistics (log-sum-exp, weights and their effective sample
//!   size, weighted quantiles, means with standard errors and intervals, Wilson intervals,
//!   histogram quantiles);
//! - [`write_atomic`] and [`AtomicFile`]: the one way every output file is written
//!   (temporary file in the same directory, fsync, rename);
//! - [`fnv1a64`]: the hash behind fingerprints and identities;
//! - [`Observer`]: what watches a simulation or a calibration as it runs.
//!
//! Nothing here knows of games, scenarios or file formats.
//!
//! # Examples
//! ```
//! use escalation::mc::{stats, Purpose, Streams};
//! use rand::RngExt;
//!
//! // Draw i of a purpose has its own stream, whichever thread computes it.
//! let streams = Streams::new(7, Purpose::user(1));
//! let x: Vec<f64> = (0..1000).map(|i| streams.get(i).random::<f64>()).collect();
//! let (mean, se, interval) = stats::mean_se_interval(&x);
//! assert!((mean - 0.5).abs() < 4.0 * se);
//! assert!(interval[0] < 0.05 && interval[1] > 0.95);
//! ```

mod fs;
mod hash;
mod observe;
mod pool;
pub mod rng;
pub mod stats;

pub use fs::{write_atomic, AtomicFile};
pub use hash::fnv1a64;
pub use observe::{NoObserver, Observer};
pub use pool::{Pool, PoolError};
pub use rng::{stream, Purpose, Streams};
