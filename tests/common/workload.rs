//! The generated workloads of `shared/tools/gen_corpus.py`, made on demand.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes the 1k workload of `kind` (`bib` or `ris`) into `dir` and returns
/// its path. Fails (never skips) when the tool or python3 is missing: CI has both.
pub fn generated(kind: &str, dir: &Path) -> PathBuf {
    generated_n(kind, 1000, dir)
}

/// Writes the workload of `n` records of `kind` into `dir` (as `n{n}.{kind}`).
pub fn generated_n(kind: &str, n: usize, dir: &Path) -> PathBuf {
    let tool =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/gen_corpus.py");
    assert!(
        tool.exists(),
        "{} is missing: the workload generator lives in shared/",
        tool.display()
    );
    let out = dir.join(format!("n{n}.{kind}"));
    let output = Command::new("python3")
        .arg(&tool)
        .args(["--n", &n.to_string(), "--kind", kind, "--out"])
        .arg(&out)
        .output()
        .unwrap_or_else(|error| panic!("cannot run python3 {}: {error}", tool.display()));
    assert!(
        output.status.success(),
        "{} failed: {}\n{}",
        tool.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    out
}
