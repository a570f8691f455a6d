//! Progress reporting: the runner calls an [`Observer`](crate::mc::Observer) of [`Progress`]
//! between batches of chunks.

/// How far a simulation has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Runs finished so far (of this shard).
    pub done: u64,
    /// Runs to play in total (of this shard).
    pub total: u64,
}
