//! The optional local thread pool every parallel loop of the crate runs on.

/// Where parallel work runs: a local rayon pool of a given size, or the caller's current
/// pool. Results never depend on it: every parallel loop of the crate collects in index
/// order and reduces sequentially.
///
/// # Examples
/// ```
/// use escalation::mc::Pool;
/// use rayon::prelude::*;
/// let pool = Pool::new(Some(2))?;
/// let squares: Vec<u64> = pool.install(|| (0..4u64).into_par_iter().map(|i| i * i).collect());
/// assert_eq!(squares, [0, 1, 4, 9]);
/// assert!(Pool::new(Some(0)).is_err());
/// # Ok::<(), escalation::mc::PoolError>(())
/// ```
#[derive(Debug)]
pub struct Pool(Option<rayon::ThreadPool>);

/// Why a [`Pool`] could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PoolError {
    /// A thread count of zero.
    #[error("the thread count must be at least 1, got 0")]
    ZeroThreads,
    /// rayon could not start the threads.
    #[error("cannot build a thread pool with {threads} threads: {reason}")]
    Build {
        /// Requested threads.
        threads: usize,
        /// Why rayon refused.
        reason: String,
    },
}

impl Pool {
    /// A local pool of `threads` threads, or the current pool for `None`.
    ///
    /// # Errors
    /// [`PoolError::ZeroThreads`] for `Some(0)`; [`PoolError::Build`] when rayon cannot
    /// start the threads.
    pub fn new(threads: Option<usize>) -> Result<Pool, PoolError> {
        match threads {
            None => Ok(Pool(None)),
            Some(0) => Err(PoolError::ZeroThreads),
            Some(t) => rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map(|p| Pool(Some(p)))
                .map_err(|e| PoolError::Build {
                    threads: t,
                    reason: e.to_string(),
                }),
        }
    }

    /// Runs `f` in the pool (its parallel iterators use the pool's threads).
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match &self.0 {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }

    /// Threads of the local pool; `None` for the current pool.
    pub fn threads(&self) -> Option<usize> {
        self.0.as_ref().map(|p| p.current_num_threads())
    }
}
