//! `biblink import FILE...`: merge files into the store.

use std::path::PathBuf;

use biblink::diag::{Diagnostic, Position, Severity};
use biblink::ingest::{Ingested, ingest};
use biblink::model::Entry;
use biblink::store::Store;
use serde_json::json;

use super::output::{diagnostic_json, print_json};
use super::{Context, ExitCode};

pub fn run(
    context: &Context,
    files: &[PathBuf],
    strict: bool,
) -> Result<ExitCode, String> {
    let _lock = Store::lock(&context.store_dir, true, || {
        eprintln!(
            "waiting for another biblink to release {}",
            context.store_dir.display()
        );
    })
    .map_err(|error| error.to_string())?;
    let loaded = Store::load(&context.store_dir, &context.config.key_pattern)
        .map_err(|e| e.to_string())?;
    if loaded.has_errors() {
        context.print_diagnostics(&loaded.diagnostics);
        return Err(format!(
            "the store in {} is damaged; fix the errors above",
            context.store_dir.display()
        ));
    }
    let mut store = loaded.value;
    let read = read_inputs(context, files, true)?;
    let mut diagnostics = read.diagnostics;
    let (report, merge_diagnostics) = store.import(read.entries);
    diagnostics.extend(merge_diagnostics);
    finish(context, store, diagnostics, strict, report.added, report.merged)
}

/// Entries and diagnostics of a set of input files.
pub struct Inputs {
    pub entries: Vec<Entry>,
    pub diagnostics: Vec<Diagnostic>,
    pub files_read: usize,
    pub files_skipped: usize,
}

/// Reads every file; an unreadable file is an I/O error (exit 2). With
/// `require_supported`, a file of an unknown format is an error, otherwise a note.
pub fn read_inputs(
    context: &Context,
    files: &[PathBuf],
    require_supported: bool,
) -> Result<Inputs, String> {
    let mut inputs = Inputs {
        entries: Vec::new(),
        diagnostics: Vec::new(),
        files_read: 0,
        files_skipped: 0,
    };
    for path in files {
        let absolute =
            if path.is_absolute() { path.clone() } else { context.root.join(path) };
        let name = context.display_path(&absolute);
        let bytes = std::fs::read(&absolute)
            .map_err(|error| format!("{name}: cannot read: {error}"))?;
        let parsed = ingest(&absolute, &name, &bytes);
        match parsed.value {
            Ingested::Entries(_, entries) => {
                inputs.files_read += 1;
                inputs.diagnostics.extend(parsed.diagnostics);
                inputs.entries.extend(entries);
            }
            Ingested::Skipped if require_supported => {
                inputs.diagnostics.push(
                    Diagnostic::new("IN002", Severity::Error, &name, Position::line(1), "not a RIS or BibLaTeX file")
                        .with_help("biblink imports RIS (records starting 'TY  - ') and BibLaTeX ('@type{key, ...}')"),
                );
            }
            Ingested::Skipped => {
                inputs.files_skipped += 1;
                inputs.diagnostics.extend(parsed.diagnostics);
            }
        }
    }
    Ok(inputs)
}

/// Writes the store unless the diagnostics forbid it, prints the outcome.
pub fn finish(
    context: &Context,
    mut store: Store,
    diagnostics: Vec<Diagnostic>,
    strict: bool,
    added: usize,
    merged: usize,
) -> Result<ExitCode, String> {
    let blocking = if strict { Severity::Warning } else { Severity::Error };
    let blocked = diagnostics.iter().any(|d| d.severity >= blocking);
    if !blocked {
        store.save(&context.store_dir).map_err(|error| error.to_string())?;
    }
    let store_file =
        context.display_path(&context.store_dir.join(biblink::store::BIB_FILE));
    if context.json {
        print_json(&json!({
            "version": biblink::DATA_MODEL_VERSION,
            "written": !blocked,
            "store": store_file,
            "added": added,
            "merged": merged,
            "entries": store.entries().len(),
            "diagnostics": diagnostics.iter().map(diagnostic_json).collect::<Vec<_>>(),
        }));
    } else {
        context.print_diagnostics(&diagnostics);
    }
    if blocked {
        let n_errors = diagnostics.iter().filter(|d| d.severity >= blocking).count();
        eprintln!(
            "{n_errors} problem(s) at or above {blocking} level: nothing written, {store_file} unchanged"
        );
        return Ok(ExitCode::Findings);
    }
    if !context.json && !context.quiet {
        eprintln!(
            "{store_file}: {} entries ({added} added, {merged} merged)",
            store.entries().len()
        );
    }
    // The process exits next: freeing a large store entry by entry takes
    // longer (half a second for 100k entries) than the OS needs to reclaim it.
    std::mem::forget(store);
    Ok(ExitCode::Success)
}
