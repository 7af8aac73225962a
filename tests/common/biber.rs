//! Runs biber (`biber --tool`, Debian's `biber` package, 2.18) for the tests
//! that hold our output or our checks against it.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, ExitStatus};

/// What one biber run printed.
pub struct BiberLog {
    pub status: ExitStatus,
    /// stdout, then stderr.
    pub text: String,
}

/// Runs `biber --tool --nolog ARGS` in `dir`. Fails (never skips) when biber
/// cannot be run: `apt-get install -y biber`.
pub fn biber<I, S>(dir: &Path, args: I) -> BiberLog
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = Command::new("biber")
        .current_dir(dir)
        .args(["--tool", "--nolog"])
        .args(args)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "cannot run biber ({error}): install it with `apt-get install -y biber` \
                 (Debian's package, biber 2.18)"
            )
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    BiberLog { status: output.status, text }
}

impl BiberLog {
    /// biber's `WARN - ` and `ERROR - ` lines in order, as (`WARN`/`ERROR`, text).
    pub fn messages(&self) -> Vec<(&'static str, &str)> {
        self.text
            .lines()
            .filter_map(|line| {
                ["WARN", "ERROR"].into_iter().find_map(|level| {
                    line.strip_prefix(level)
                        .and_then(|rest| rest.strip_prefix(" - "))
                        .map(|text| (level, text))
                })
            })
            .collect()
    }
}
