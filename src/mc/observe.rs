//! Observers: what watches a long computation (progress bars, logs) without changing it.

/// Watches a computation through its events `E` (a simulation's
/// [`Progress`](crate::sim::Progress), a calibration's
/// [`StageInfo`](crate::calibrate::StageInfo)). Called from the thread that started the
/// computation, in order; it cannot change the results.
///
/// Closures `FnMut(&E)` are observers:
/// ```
/// use escalation::mc::Observer;
/// use escalation::sim::Progress;
/// let mut seen = Vec::new();
/// let mut obs = |p: &Progress| seen.push(p.done);
/// obs.observe(&Progress { done: 5, total: 10 });
/// assert_eq!(seen, [5]);
/// ```
pub trait Observer<E> {
    /// Called with each event.
    fn observe(&mut self, event: &E);
}

impl<E, F: FnMut(&E)> Observer<E> for F {
    fn observe(&mut self, event: &E) {
        self(event)
    }
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl<E> Observer<E> for NoObserver {
    fn observe(&mut self, _event: &E) {}
}
