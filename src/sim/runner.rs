//! The parallel, reproducible runner: chunks of runs on a local rayon pool, reduced in order.

use rayon::prelude::*;

use super::episode::{Episode, Layout, RunRecord};
use super::observer::Progress;
use super::rows::RunSink;
use super::shard::Shard;
use super::summary::Summary;
use super::tally::{RecordFault, Tally};
use super::SimError;
use crate::mc::{Observer, Pool, Purpose, Streams};

/// Runs per chunk: the unit of parallel work, of progress reports and of shard boundaries.
pub const CHUNK_RUNS: u64 = 1024;

/// Chunks handed to the pool at once per thread, between progress reports.
const CHUNKS_PER_THREAD_PER_BATCH: u64 = 16;

/// Pieces per thread of a chunk played in pieces (when a batch has fewer chunks than
/// threads), so that a slow run does not leave the other threads idle for long.
const PIECES_PER_THREAD: u64 = 8;

/// A Monte Carlo simulation of an [`Episode`]: `runs` runs with seed `seed`, possibly one shard
/// of them, on `threads` threads, with optional progress observer and per-run sink.
///
/// Results depend only on the episode, the seed and the number of runs: the thread count and
/// the shard split change nothing (see [`crate::sim`] for why).
///
/// # Examples
/// ```
/// use escalation::sim::{Episode, Layout, MetricSpec, RunRecord, Simulation};
/// use rand::RngExt;
/// use rand_chacha::ChaCha8Rng;
///
/// /// A coin that lands heads with probability 0.3, and a uniform draw.
/// struct Coin(Layout);
/// impl Episode for Coin {
///     type Scratch = ();
///     type Error = std::convert::Infallible;
///     fn layout(&self) -> &Layout { &self.0 }
///     fn scratch(&self) {}
///     fn play(&self, _run: u64, rng: &mut ChaCha8Rng, _: &mut (), out: &mut RunRecord)
///         -> Result<(), Self::Error> {
///         out.class = usize::from(rng.random::<f64>() >= 0.3);
///         out.metrics[0] = rng.random::<f64>();
///         Ok(())
///     }
/// }
///
/// let coin = Coin(Layout::new("coin", "v1", &["heads", "tails"],
///     vec![MetricSpec::new("u", "", 0.0, 1.0, 100)])?);
/// let summary = Simulation::new(&coin, 42, 10_000).threads(2).run()?;
/// let report = summary.statistics();
/// assert!((report.frequencies[0] - 0.3).abs() < 0.02);
/// assert!((report.means[0] - 0.5).abs() < 0.01);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Simulation<'a, E: Episode> {
    episode: &'a E,
    seed: u64,
    runs: u64,
    threads: usize,
    shard: Shard,
    observer: Option<&'a mut dyn Observer<Progress>>,
    sink: Option<&'a mut dyn RunSink>,
}

impl<E: Episode> std::fmt::Debug for Simulation<'_, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("layout", self.episode.layout())
            .field("seed", &self.seed)
            .field("runs", &self.runs)
            .field("threads", &self.threads)
            .field("shard", &self.shard)
            .field("observed", &self.observer.is_some())
            .field("per_run", &self.sink.is_some())
            .finish()
    }
}

impl<'a, E: Episode> Simulation<'a, E> {
    /// `runs` runs of `episode` with seed `seed`, on one thread, unsharded.
    pub fn new(episode: &'a E, seed: u64, runs: u64) -> Self {
        Self {
            episode,
            seed,
            runs,
            threads: 1,
            shard: Shard::WHOLE,
            observer: None,
            sink: None,
        }
    }

    /// Number of worker threads (a local pool; the global rayon pool is not used).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Plays only this shard's runs (see [`Shard::range`]).
    pub fn shard(mut self, shard: Shard) -> Self {
        self.shard = shard;
        self
    }

    /// Reports progress to `observer` after each batch of chunks, from the calling thread.
    pub fn observe(mut self, observer: &'a mut dyn Observer<Progress>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Streams every run's record, in run order, to `sink`.
    pub fn per_run(mut self, sink: &'a mut dyn RunSink) -> Self {
        self.sink = Some(sink);
        self
    }

    /// Plays the runs and returns their summary.
    ///
    /// # Errors
    /// [`SimError`] if the thread count is zero or the pool cannot start, the layout is
    /// invalid, the episode fails on a run or records a class out of range or a non-finite
    /// metric (the first such run in run order is reported), or the sink fails.
    pub fn run(self) -> Result<Summary, SimError> {
        let Simulation {
            episode,
            seed,
            runs,
            threads,
            shard,
            mut observer,
            mut sink,
        } = self;
        let layout = episode.layout();
        layout.check().map_err(SimError::Layout)?;
        if threads == 0 {
            return Err(SimError::Threads(0));
        }
        let pool = Pool::new(Some(threads))?;
        let range = shard.range(runs, CHUNK_RUNS)?;
        let first_chunk = range.start / CHUNK_RUNS;
        let end_chunk = range.end.div_ceil(CHUNK_RUNS);
        let streams = Streams::new(seed, Purpose::RUNS);
        let keep_rows = sink.is_some();
        let mut tally = Tally::new(layout);
        let batch = threads as u64 * CHUNKS_PER_THREAD_PER_BATCH;
        let mut batch_start = first_chunk;
        while batch_start < end_chunk {
            let batch_end = (batch_start + batch).min(end_chunk);
            let chunk_runs = |chunk: u64| {
                // The last chunk below 2^64 ends past u64::MAX: cap it at the range.
                let end = (chunk + 1)
                    .checked_mul(CHUNK_RUNS)
                    .map_or(range.end, |e| e.min(range.end));
                (chunk * CHUNK_RUNS).max(range.start)..end
            };
            let parts: Vec<Result<ChunkResult, SimError>> =
                if batch_end - batch_start >= threads as u64 {
                    pool.install(|| {
                        (batch_start..batch_end)
                            .into_par_iter()
                            .map_init(
                                || (episode.scratch(), RunRecord::new(layout)),
                                |(scratch, record), chunk| {
                                    play_chunk(
                                        episode,
                                        &streams,
                                        chunk_runs(chunk),
                                        scratch,
                                        record,
                                        keep_rows,
                                    )
                                },
                            )
                            .collect()
                    })
                } else {
                    // Fewer chunks than threads (a short simulation, or its last batch): each
                    // chunk's runs are played in parallel pieces, and tallied as one chunk.
                    (batch_start..batch_end)
                        .map(|chunk| {
                            pool.install(|| {
                                play_chunk_in_pieces(
                                    episode,
                                    &streams,
                                    chunk_runs(chunk),
                                    threads as u64 * PIECES_PER_THREAD,
                                    keep_rows,
                                )
                            })
                        })
                        .collect()
                };
            // Reduce in chunk order; the first failing run in run order is reported.
            for part in parts {
                let part = part?;
                tally.merge(&part.tally);
                if let Some(sink) = sink.as_deref_mut() {
                    let width = layout.metrics.len();
                    let mut record = RunRecord::new(layout);
                    for (i, &class) in part.classes.iter().enumerate() {
                        record.class = class;
                        let row = part.metrics.get(i * width..(i + 1) * width).unwrap_or(&[]);
                        record.metrics.copy_from_slice(row);
                        sink.record(part.first_run + i as u64, &record)
                            .map_err(SimError::Sink)?;
                    }
                }
            }
            if let Some(obs) = observer.as_deref_mut() {
                obs.observe(&Progress {
                    done: tally.runs,
                    total: range.end - range.start,
                });
            }
            batch_start = batch_end;
        }
        if let Some(sink) = sink {
            sink.finish().map_err(SimError::Sink)?;
        }
        Ok(Summary {
            layout: layout.clone(),
            seed,
            runs,
            range,
            chunk_runs: CHUNK_RUNS,
            shard: (shard.count() > 1).then_some(shard),
            tally,
        })
    }
}

/// What one chunk produced: its tally, and its records if a sink wants them.
struct ChunkResult {
    tally: Tally,
    first_run: u64,
    classes: Vec<usize>,
    metrics: Vec<f64>,
}

impl ChunkResult {
    /// An empty chunk from `first_run`, with room for `runs` records if `keep_rows`.
    fn new(layout: &Layout, first_run: u64, keep_rows: bool, runs: u64) -> ChunkResult {
        let n = if keep_rows { runs as usize } else { 0 };
        ChunkResult {
            tally: Tally::new(layout),
            first_run,
            classes: Vec::with_capacity(n),
            metrics: Vec::with_capacity(n * layout.metrics.len()),
        }
    }

    /// Tallies run `run`'s record (and keeps it if `keep_rows`).
    fn add(
        &mut self,
        layout: &Layout,
        run: u64,
        record: &RunRecord,
        keep_rows: bool,
    ) -> Result<(), SimError> {
        self.tally
            .add(layout, record)
            .map_err(|fault| match fault {
                RecordFault::Class(class) => SimError::ClassOutOfRange {
                    run,
                    class,
                    classes: layout.classes.len(),
                },
                RecordFault::NonFinite(m, value) => SimError::NonFiniteMetric {
                    run,
                    metric: layout.metrics[m].name.clone(),
                    value,
                },
            })?;
        if keep_rows {
            self.classes.push(record.class);
            self.metrics.extend_from_slice(&record.metrics);
        }
        Ok(())
    }
}

fn play_chunk<E: Episode>(
    episode: &E,
    streams: &Streams,
    runs: std::ops::Range<u64>,
    scratch: &mut E::Scratch,
    record: &mut RunRecord,
    keep_rows: bool,
) -> Result<ChunkResult, SimError> {
    let mut chunk = ChunkResult::new(
        episode.layout(),
        runs.start,
        keep_rows,
        runs.end - runs.start,
    );
    play_runs(episode, streams, runs, scratch, record, |run, record| {
        chunk.add(episode.layout(), run, record, keep_rows)
    })?;
    Ok(chunk)
}

/// A chunk played in `pieces` parallel pieces of consecutive runs, its records then tallied
/// in run order: the tally, the rows and the first failing run are those of [`play_chunk`].
fn play_chunk_in_pieces<E: Episode>(
    episode: &E,
    streams: &Streams,
    runs: std::ops::Range<u64>,
    pieces: u64,
    keep_rows: bool,
) -> Result<ChunkResult, SimError> {
    let layout = episode.layout();
    let len = runs.end - runs.start;
    let size = len.div_ceil(pieces.max(1)).max(1);
    // Each piece: the records of its runs, up to its first failure, and that failure.
    let played: Vec<(Vec<usize>, Vec<f64>, Option<SimError>)> = (0..len.div_ceil(size))
        .into_par_iter()
        .map_init(
            || (episode.scratch(), RunRecord::new(layout)),
            |(scratch, record), piece| {
                let start = runs.start + piece * size;
                let piece_runs = start..start.saturating_add(size).min(runs.end);
                let n = (piece_runs.end - piece_runs.start) as usize;
                let mut classes = Vec::with_capacity(n);
                let mut metrics = Vec::with_capacity(n * layout.metrics.len());
                let failed = play_runs(episode, streams, piece_runs, scratch, record, |_, r| {
                    classes.push(r.class);
                    metrics.extend_from_slice(&r.metrics);
                    Ok(())
                })
                .err();
                (classes, metrics, failed)
            },
        )
        .collect();
    let mut chunk = ChunkResult::new(layout, runs.start, keep_rows, len);
    let mut record = RunRecord::new(layout);
    let width = layout.metrics.len();
    let mut run = runs.start;
    for (classes, metrics, failed) in played {
        for (i, &class) in classes.iter().enumerate() {
            record.class = class;
            record
                .metrics
                .copy_from_slice(metrics.get(i * width..(i + 1) * width).unwrap_or(&[]));
            chunk.add(layout, run, &record, keep_rows)?;
            run += 1;
        }
        if let Some(e) = failed {
            return Err(e);
        }
    }
    Ok(chunk)
}

/// Plays `runs` in order into `record`, handing each played record to `each`; stops at the
/// first run that fails or that `each` refuses.
fn play_runs<E: Episode>(
    episode: &E,
    streams: &Streams,
    runs: std::ops::Range<u64>,
    scratch: &mut E::Scratch,
    record: &mut RunRecord,
    mut each: impl FnMut(u64, &RunRecord) -> Result<(), SimError>,
) -> Result<(), SimError> {
    for run in runs {
        let mut rng = streams.get(run);
        record.reset();
        episode
            .play(run, &mut rng, scratch, record)
            .map_err(|e| SimError::Episode {
                run,
                source: Box::new(e),
            })?;
        each(run, record)?;
    }
    Ok(())
}
