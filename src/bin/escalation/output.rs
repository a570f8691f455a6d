//! Standard output and standard error without panics.
//!
//! `println!` and `eprintln!` panic when the stream is gone (`escalation ... | head`), which
//! ends the program with status 101 and a "failed printing" message. Every print of the binary
//! goes through the functions here instead: a closed pipe, on standard output or standard
//! error, ends the program quietly with status [`CLOSED_PIPE_STATUS`], the status a shell
//! reports for a Unix tool that `SIGPIPE` ended; any other write error ends it with a message
//! and status 1.

use std::fmt;
use std::io::{self, Write};

/// Exit status after a closed pipe: 128 + `SIGPIPE` (13), what the shell reports for
/// `yes | head -c 1`'s `yes`.
pub const CLOSED_PIPE_STATUS: u8 = 141;

/// The reader of standard output (or standard error) has gone: the program should stop
/// quietly with [`CLOSED_PIPE_STATUS`].
#[derive(Debug)]
pub struct ClosedPipe;

impl fmt::Display for ClosedPipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the reader of standard output has gone")
    }
}

impl std::error::Error for ClosedPipe {}

/// Ends the program quietly, as a closed pipe should.
pub fn exit_closed_pipe() -> ! {
    std::process::exit(i32::from(CLOSED_PIPE_STATUS))
}

/// Writes `bytes` to standard output and flushes.
///
/// # Errors
/// [`ClosedPipe`] when the reader has gone; any other write error with what failed.
pub fn stdout_bytes(bytes: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| stdout_error(&e))
}

fn stdout_error(e: &io::Error) -> Box<dyn std::error::Error> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Box::new(ClosedPipe)
    } else {
        format!("cannot write to standard output: {e}").into()
    }
}

/// Formats to standard output; ends the program on a write error (quietly on a closed pipe).
/// Used by `out!` and `outln!`.
pub fn stdout_fmt(args: fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        drop(out);
        exit_on(stdout_error(&e).as_ref());
    }
}

/// Formats a line to standard error (notes, progress, warnings); a closed pipe ends the
/// program quietly; other errors are ignored, as there is nowhere left to report them.
/// Used by `note!`.
pub fn stderr_fmt(args: fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    if let Err(e) = err.write_fmt(args).and_then(|()| err.write_all(b"\n")) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            exit_closed_pipe();
        }
    }
}

/// Reports a failed command on standard error and returns its exit status: quietly
/// [`CLOSED_PIPE_STATUS`] for a closed pipe, else 1 after the message (which is lost, not a
/// panic, when standard error is closed too).
pub fn report_failure(e: &(dyn std::error::Error + 'static)) -> u8 {
    if e.is::<ClosedPipe>() {
        return CLOSED_PIPE_STATUS;
    }
    // A message can quote a 30,000-digit number from a file: long tokens are shortened.
    let message = escalation::text::abbreviate_tokens(&e.to_string());
    let _ = writeln!(io::stderr().lock(), "error: {message}");
    1
}

fn exit_on(e: &(dyn std::error::Error + 'static)) -> ! {
    std::process::exit(i32::from(report_failure(e)))
}
