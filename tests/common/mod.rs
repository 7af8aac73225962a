//! Helpers shared by the integration tests: a scratch project and the built binary.

#![allow(dead_code)]

pub mod mock;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary project directory, removed on drop.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Self {
        Project { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating parent directories) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    /// Runs biblink in the project with a scrubbed environment.
    pub fn run(&self, args: &[&str]) -> Output {
        biblink(self.path()).args(args).output().expect("run biblink")
    }
}

/// A `biblink` command in `dir` with an empty environment (no colour, no config from outside).
pub fn biblink(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_biblink"));
    command.current_dir(dir).env_clear().env("NO_COLOR", "1");
    command
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `../shared/`; panics (never skips) when the shared data is missing.
pub fn shared(relative: &str) -> PathBuf {
    let path = repo().join("../shared").join(relative);
    assert!(
        path.exists(),
        "{} is missing: these tests need the shared evaluation data checked out beside the project (../shared)",
        path.display()
    );
    path
}

/// Every difference of type and fields between an entry read and the entry
/// a hand-written expectation describes (the key is not compared).
pub fn entry_differences(
    actual: &biblink::model::Entry,
    expected: &biblink::model::Entry,
) -> Vec<String> {
    let mut out = Vec::new();
    if actual.entry_type != expected.entry_type {
        out.push(format!(
            "type: got @{}, expected @{}",
            actual.entry_type, expected.entry_type
        ));
    }
    for (name, field) in &expected.fields {
        match actual.fields.get(name) {
            None => out.push(format!("{name}: missing, expected {:?}", field.value)),
            Some(got) if got.value != field.value => out
                .push(format!("{name}: got {:?}, expected {:?}", got.value, field.value)),
            Some(_) => {}
        }
    }
    for (name, field) in &actual.fields {
        if !expected.fields.contains_key(name) {
            out.push(format!("{name}: unexpected {:?}", field.value));
        }
    }
    out
}
