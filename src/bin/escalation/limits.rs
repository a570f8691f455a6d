//! Limits of the command line that no input can push past silently, each with the flag that
//! sets it.

/// The most worker threads `--threads` accepts.
///
/// Results never depend on the thread count, and more threads than cores cannot make a run
/// faster: each thread of the local pool costs its start-up and its own workspaces (about
/// 10 ms per thread for `simulate` on the Colombia scenario, so `--threads 4096` spent 49 s on
/// 2,000 runs that one thread plays in under a second). 1024 is above the core count of any
/// machine this tool is meant for and below where that cost becomes a hang.
pub const MAX_THREADS: usize = 1024;

/// Parses `--threads`: a whole number from 1 to [`MAX_THREADS`].
///
/// # Errors
/// A message saying which bound was broken and why (clap prefixes the flag and the value).
pub fn parse_threads(text: &str) -> Result<usize, String> {
    let n: usize = text
        .trim()
        .parse()
        .map_err(|_| "expected a whole number of threads".to_string())?;
    if n == 0 {
        return Err("at least 1 thread is needed".into());
    }
    if n > MAX_THREADS {
        return Err(format!(
            "at most {MAX_THREADS} threads: results do not depend on the thread count, and \
             threads beyond the machine's cores only add start-up cost (about 10 ms each)"
        ));
    }
    Ok(n)
}

/// Parses `simulate --runs`: a whole number of at least 1.
///
/// A simulation of no runs has no outcome frequencies and no quantiles: its summary could only
/// print `null` for them, which a reader could take for a result. An empty summary is never
/// what a user asked for, so it is an error. (A shard may still hold no runs when there are
/// more shards than chunks: its part merges as nothing.)
///
/// # Errors
/// A message saying why (clap prefixes the flag and the value).
pub fn parse_runs(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err(
            "at least 1 run is needed: a simulation of no runs has no frequencies \
                      or quantiles to report"
                .into(),
        ),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("expected a whole number from 1 to {}", u64::MAX)),
    }
}

/// Parses `calibrate --draws`: a whole number of at least 2 (the sampler's particles: one
/// alone cannot be resampled or moved).
///
/// # Errors
/// A message saying why (clap prefixes the flag and the value).
pub fn parse_draws(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 2 => Ok(n),
        Ok(_) => Err(
            "at least 2 draws are needed: the sampler resamples and moves its \
                      draws, which one draw alone cannot"
                .into(),
        ),
        Err(_) => Err("expected a whole number of draws".into()),
    }
}
