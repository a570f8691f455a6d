//! `escalation merge`: shard summaries of one simulation → the summary of the whole.

use clap::Args;
use escalation::sim::{merge, Summary, SummaryError, Unchecksummed};
use std::error::Error;
use std::path::PathBuf;

/// Arguments of `escalation merge`.
#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Shard summaries written by `escalation simulate --shard` (any order).
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Also read parts written before summaries carried a checksum (format
    /// `escalation-simulation-summary/1`), whose content cannot be verified; every other
    /// check still applies. Parts with a checksum are always verified.
    #[arg(long)]
    pub allow_no_checksum: bool,
    /// Output file for the merged summary JSON (stdout without it).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
}

/// Reads the parts, merges them exactly and writes the summary JSON, byte-identical to that of
/// the unsharded run.
pub fn run(args: &MergeArgs) -> Result<(), Box<dyn Error>> {
    let mut parts = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
        let text = escalation::text::decode_utf8(&bytes).map_err(|at| format!("{name}:{at}"))?;
        let policy = if args.allow_no_checksum {
            Unchecksummed::Accept
        } else {
            Unchecksummed::Refuse
        };
        let summary = Summary::from_json_with(text, policy).map_err(|e| match e {
            SummaryError::NoChecksum => {
                format!("{name}: {e}; merge it anyway with --allow-no-checksum")
            }
            e => format!("{name}: {e}"),
        })?;
        parts.push((name, summary));
    }
    let whole = merge(parts)?;
    crate::simulate::write_output(args.output.as_deref(), &whole.to_json())
}
