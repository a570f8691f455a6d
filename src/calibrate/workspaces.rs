//! Workspaces for the QRE solves of one pipeline, shared by the threads that evaluate a
//! likelihood, and the likelihood of observed paths computed on them.

use crate::model::{LadderWorkspace, Params};
use crate::pipeline::Pipeline;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Workspaces taken and given back by the threads of a calibration. They are scratch only
/// (every solve starts from the uniform profile), so which one a thread takes does not
/// change the result.
#[derive(Debug, Default)]
pub(super) struct Workspaces(Mutex<Vec<LadderWorkspace>>);

impl Workspaces {
    /// The log-likelihood at `params` of `paths` observed paths: the QRE solved on a
    /// workspace of the pool, then `path_ln(behaviour, k)` summed over `k` in order, stopping
    /// at the first impossible path (−∞; a path whose probability cannot be computed counts
    /// as impossible). A QRE that cannot be solved gives −∞ and is counted in `failures`.
    pub(super) fn ln_likelihood(
        &self,
        pipeline: &Pipeline,
        params: &Params,
        paths: usize,
        failures: &AtomicUsize,
        path_ln: impl Fn(&[f64], usize) -> Option<f64>,
    ) -> f64 {
        let mut ws = self
            .0
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_else(|| pipeline.workspace());
        let ll = match pipeline.solve(&mut ws, params) {
            Ok(b) => {
                let mut total = 0.0;
                for k in 0..paths {
                    total += path_ln(b, k).unwrap_or(f64::NEG_INFINITY);
                    if total == f64::NEG_INFINITY {
                        break;
                    }
                }
                total
            }
            Err(_) => {
                failures.fetch_add(1, Ordering::Relaxed);
                f64::NEG_INFINITY
            }
        };
        if let Ok(mut v) = self.0.lock() {
            v.push(ws);
        }
        ll
    }
}
