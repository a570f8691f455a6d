//! Progress reporting: the runner calls an [`Observer`] between batches of chunks.

/// How far a simulation has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Runs finished so far (of this shard).
    pub done: u64,
    /// Runs to play in total (of this shard).
    pub total: u64,
}

/// Watches a running simulation. Called from the thread that started it, in order, after each
/// batch of chunks; it cannot change the results.
///
/// Closures `FnMut(Progress)` are observers:
/// ```
/// use escalation::sim::{Observer, Progress};
/// let mut seen = Vec::new();
/// let mut obs = |p: Progress| seen.push(p.done);
/// obs.observe(Progress { done: 5, total: 10 });
/// assert_eq!(seen, [5]);
/// ```
pub trait Observer {
    /// Called with the progress so far.
    fn observe(&mut self, progress: Progress);
}

impl<F: FnMut(Progress)> Observer for F {
    fn observe(&mut self, progress: Progress) {
        self(progress)
    }
}
