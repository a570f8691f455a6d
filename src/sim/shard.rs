//! Sharding a simulation across machines, and merging the shards' summaries back exactly.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use super::summary::Summary;
use super::{MergeError, ShardError};

/// Shard `index` of `count` (0-based): a contiguous, chunk-aligned block of the runs.
///
/// # Examples
/// ```
/// use escalation::sim::Shard;
/// let shard: Shard = "1/3".parse()?;
/// // 10 chunks of 1024 runs split 3/3/4: shard 1 holds chunks 3..6.
/// assert_eq!(shard.range(10 * 1024, 1024)?, 3 * 1024..6 * 1024);
/// # Ok::<(), escalation::sim::ShardError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u64,
    count: u64,
}

/// Environment variables naming an array task's index, in the order they are tried.
pub const INDEX_VARIABLES: [&str; 2] = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

impl Shard {
    /// The whole simulation as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Shard `index` of `count`.
    ///
    /// # Errors
    /// [`ShardError::OutOfRange`] unless `index < count`.
    pub fn new(index: u64, count: u64) -> Result<Self, ShardError> {
        if index >= count {
            return Err(ShardError::OutOfRange { index, count });
        }
        Ok(Self { index, count })
    }

    /// 0-based index.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Number of shards.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The runs of this shard when `runs` runs are cut into chunks of `chunk` runs: chunks are
    /// dealt out as evenly as possible, shard `i` taking chunks `i*C/K .. (i+1)*C/K` of `C`.
    ///
    /// # Errors
    /// [`ShardError::ZeroChunk`] if `chunk` is 0.
    pub fn range(&self, runs: u64, chunk: u64) -> Result<Range<u64>, ShardError> {
        if chunk == 0 {
            return Err(ShardError::ZeroChunk);
        }
        let chunks = u128::from(runs.div_ceil(chunk));
        let edge = |i: u64| {
            let c = u128::from(i) * chunks / u128::from(self.count);
            (c * u128::from(chunk)).min(u128::from(runs)) as u64
        };
        Ok(edge(self.index)..edge(self.index + 1))
    }

    /// Reads `i/K`, `auto/K` or `auto`. With `auto` the index comes from
    /// `SLURM_ARRAY_TASK_ID` (minus `SLURM_ARRAY_TASK_MIN` when set, so arrays may start at 1)
    /// or else `JOB_COMPLETION_INDEX` (Kubernetes Indexed Jobs); a bare `auto` takes the count
    /// from `SLURM_ARRAY_TASK_COUNT`. `env` looks a variable up (e.g. `|v| std::env::var(v).ok()`).
    ///
    /// # Errors
    /// [`ShardError`] if the text is malformed, a variable is missing or not a number, or the
    /// index is not below the count.
    ///
    /// # Examples
    /// ```
    /// use escalation::sim::Shard;
    /// let env = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
    /// assert_eq!(Shard::parse_with_env("auto/7", env)?, Shard::new(2, 7)?);
    /// # Ok::<(), escalation::sim::ShardError>(())
    /// ```
    pub fn parse_with_env(
        spec: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ShardError> {
        let (index, count) = spec.split_once('/').unwrap_or((spec, ""));
        if index != "auto" {
            return spec.parse();
        }
        let number = |var: &str| -> Result<Option<u64>, ShardError> {
            env(var)
                .map(|v| {
                    v.trim()
                        .parse::<u64>()
                        .map_err(|_| ShardError::BadVariable {
                            variable: var.to_string(),
                            value: v,
                        })
                })
                .transpose()
        };
        let count = if count.is_empty() {
            number("SLURM_ARRAY_TASK_COUNT")?.ok_or(ShardError::NoCount)?
        } else {
            parse_number(spec, count)?
        };
        let index = if let Some(id) = number(INDEX_VARIABLES[0])? {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            id.checked_sub(min)
                .ok_or(ShardError::OutOfRange { index: id, count })?
        } else {
            number(INDEX_VARIABLES[1])?.ok_or(ShardError::NoIndex)?
        };
        Self::new(index, count)
    }
}

fn parse_number(spec: &str, s: &str) -> Result<u64, ShardError> {
    s.parse()
        .map_err(|_| ShardError::Malformed(spec.to_string()))
}

impl FromStr for Shard {
    type Err = ShardError;

    /// Reads `i/K` with `0 <= i < K`.
    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let (i, k) = spec
            .split_once('/')
            .ok_or_else(|| ShardError::Malformed(spec.to_string()))?;
        Self::new(parse_number(spec, i)?, parse_number(spec, k)?)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Merges the summaries of shards of one simulation into the summary of the whole, identical
/// (and with identical JSON) to the summary of the unsharded run. Each part is named (e.g. by
/// its file) for error messages; parts may come in any order.
///
/// # Errors
/// [`MergeError`] if there are no parts, parts come from different simulations (scenario,
/// fingerprint, layout, seed, number of runs, chunk size), or their ranges overlap or leave a
/// gap in `0..runs`.
///
/// # Examples
/// ```
/// use escalation::sim::{merge, Episode, Layout, RunRecord, Shard, Simulation};
/// use rand::Rng;
/// # struct Bits(Layout);
/// # impl Episode for Bits {
/// #     type Scratch = ();
/// #     type Error = std::convert::Infallible;
/// #     fn layout(&self) -> &Layout { &self.0 }
/// #     fn scratch(&self) {}
/// #     fn play(&self, _: u64, rng: &mut rand_chacha::ChaCha8Rng, _: &mut (),
/// #             out: &mut RunRecord) -> Result<(), Self::Error> {
/// #         out.class = (rng.next_u32() & 1) as usize;
/// #         Ok(())
/// #     }
/// # }
/// let bits = Bits(Layout::new("bits", "v1", &["0", "1"], vec![])?);
/// let whole = Simulation::new(&bits, 9, 5000).run()?;
/// let parts = (0..3)
///     .map(|i| {
///         let s = Simulation::new(&bits, 9, 5000).shard(Shard::new(i, 3)?).run()?;
///         Ok((format!("part {i}"), s))
///     })
///     .collect::<Result<Vec<_>, Box<dyn std::error::Error>>>()?;
/// assert_eq!(merge(parts)?.to_json(), whole.to_json());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn merge(mut parts: Vec<(String, Summary)>) -> Result<Summary, MergeError> {
    check_shards(&parts)?;
    parts.sort_by_key(|(_, s)| (s.range.start, s.range.end));
    let mut iter = parts.into_iter();
    let (first_name, mut whole) = iter.next().ok_or(MergeError::NoParts)?;
    if whole.range.start != 0 {
        return Err(MergeError::Gap {
            from: 0,
            to: whole.range.start,
        });
    }
    let mut last_name = first_name.clone();
    for (name, part) in iter {
        let differs = |what: &str| MergeError::Mismatch {
            first: first_name.clone(),
            other: name.clone(),
            what: what.to_string(),
        };
        if part.layout.label != whole.layout.label
            || part.layout.fingerprint != whole.layout.fingerprint
        {
            return Err(differs("scenario (label or fingerprint)"));
        }
        if part.layout != whole.layout {
            return Err(differs("outcome classes or metrics"));
        }
        if part.seed != whole.seed {
            return Err(differs("seed"));
        }
        if part.runs != whole.runs {
            return Err(differs("number of runs"));
        }
        if part.chunk_runs != whole.chunk_runs {
            return Err(differs("chunk size"));
        }
        let end = whole.range.end;
        if part.range.start < end {
            return Err(MergeError::Overlap {
                first: last_name,
                second: name,
                from: part.range.start,
                to: end.min(part.range.end),
            });
        }
        if part.range.start > end {
            return Err(MergeError::Gap {
                from: end,
                to: part.range.start,
            });
        }
        whole.tally.merge(&part.tally);
        whole.range.end = part.range.end;
        last_name = name;
    }
    whole.shard = None;
    if whole.range.end != whole.runs {
        return Err(MergeError::Gap {
            from: whole.range.end,
            to: whole.runs,
        });
    }
    Ok(whole)
}

/// Shards that say which they are (`i/K`) must be distinct shards of the same split, and all
/// `K` of them when every part says so: this catches a file given twice even when its shard
/// is empty (more shards than chunks), which the run ranges alone cannot.
fn check_shards(parts: &[(String, Summary)]) -> Result<(), MergeError> {
    let mut seen: Vec<(u64, &str)> = Vec::new();
    let mut split: Option<(u64, &str)> = None;
    for (name, part) in parts {
        let Some(shard) = part.shard else { continue };
        match split {
            Some((count, first)) if count != shard.count() => {
                return Err(MergeError::Mismatch {
                    first: first.to_string(),
                    other: name.clone(),
                    what: format!("shard counts ({count} and {})", shard.count()),
                })
            }
            Some(_) => {}
            None => split = Some((shard.count(), name)),
        }
        if let Some((_, first)) = seen.iter().find(|(i, _)| *i == shard.index()) {
            return Err(MergeError::DuplicateShard {
                first: first.to_string(),
                second: name.clone(),
                index: shard.index(),
                count: shard.count(),
            });
        }
        seen.push((shard.index(), name));
    }
    // With parts that do not say which shard they are, only their ranges can be checked.
    let all_labelled = parts.iter().all(|(_, p)| p.shard.is_some());
    if let (Some((count, _)), true) = (split, all_labelled) {
        if let Some(missing) = (0..count).find(|i| seen.iter().all(|(j, _)| j != i)) {
            return Err(MergeError::MissingShard {
                index: missing,
                count,
            });
        }
    }
    Ok(())
}
