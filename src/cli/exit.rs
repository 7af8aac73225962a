//! Exit codes, in one place.

/// What the process returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Everything worked.
    Success = 0,
    /// The input had errors (nothing was written), a key or query found nothing.
    Findings = 1,
    /// Usage error, unreadable file, damaged store, I/O failure.
    Failure = 2,
}
