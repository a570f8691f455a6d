//! Per-run output: a [`RunSink`] receives every run's record in run order.

use std::io::Write;

use super::episode::{Layout, RunRecord};

/// Receives each run's record, in run order, from the thread that started the simulation.
pub trait RunSink {
    /// One run's record.
    ///
    /// # Errors
    /// Whatever the sink fails to do with it (e.g. an I/O error).
    fn record(&mut self, run: u64, record: &RunRecord) -> std::io::Result<()>;

    /// Called once after the last run.
    ///
    /// # Errors
    /// As [`RunSink::record`].
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes per-run rows as CSV: `run,class,<metric names...>`, one line per run.
///
/// # Examples
/// ```
/// use escalation::sim::{CsvRows, Layout, MetricSpec, RunRecord, RunSink};
/// let layout = Layout::new("t", "f", &["a", "b"], vec![MetricSpec::new("x", "", 0.0, 1.0, 2)])?;
/// let mut out = Vec::new();
/// let mut rows = CsvRows::new(&mut out, &layout)?;
/// let mut rec = RunRecord::new(&layout);
/// rec.class = 1;
/// rec.metrics[0] = 0.25;
/// rows.record(0, &rec)?;
/// rows.finish()?;
/// drop(rows);
/// assert_eq!(String::from_utf8(out)?, "run,class,x\n0,b,0.25\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CsvRows<W: Write> {
    out: std::io::BufWriter<W>,
    classes: Vec<String>,
}

impl<W: Write> CsvRows<W> {
    /// A sink writing to `out`; writes the header line at once.
    ///
    /// # Errors
    /// An I/O error writing the header.
    pub fn new(out: W, layout: &Layout) -> std::io::Result<Self> {
        let mut out = std::io::BufWriter::new(out);
        let mut header = String::from("run,class");
        for m in &layout.metrics {
            header.push(',');
            header.push_str(&csv_field(&m.name));
        }
        writeln!(out, "{header}")?;
        Ok(Self {
            out,
            classes: layout.classes.iter().map(|c| csv_field(c)).collect(),
        })
    }

    /// The writer back, with every row flushed to it (e.g. to commit an
    /// [`AtomicFile`](crate::mc::AtomicFile)).
    ///
    /// # Errors
    /// The I/O error of the final flush.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

impl<W: Write> std::fmt::Debug for CsvRows<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvRows")
            .field("classes", &self.classes)
            .finish_non_exhaustive()
    }
}

impl<W: Write> RunSink for CsvRows<W> {
    fn record(&mut self, run: u64, record: &RunRecord) -> std::io::Result<()> {
        let class = self.classes.get(record.class).map_or("", |c| c.as_str());
        write!(self.out, "{run},{class}")?;
        for x in record.metrics.iter() {
            write!(self.out, ",{x}")?;
        }
        writeln!(self.out)
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
