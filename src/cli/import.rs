//! `biblink import FILE...`: merge files into the store.

use std::path::PathBuf;

use biblink::diag::{Diagnostic, Position, Severity};
use biblink::ingest::{Format, Ingested, ingest_as};
use biblink::model::Entry;
use biblink::store::{ImportReport, Store};
use serde_json::json;

use super::output::{diagnostic_json, print_json};
use super::{Context, ExitCode};

pub fn run(
    context: &Context,
    files: &[PathBuf],
    strict: bool,
    reflist: bool,
) -> Result<ExitCode, String> {
    let (_lock, mut store) = context.lock_and_load()?;
    let format = reflist.then_some(Format::Document);
    let read = read_inputs(context, files, format, true)?;
    let (merged, diagnostics) = merge_inputs(&mut store, read);
    finish(context, store, diagnostics, strict, &merged)
}

/// Entries and diagnostics of a set of input files.
pub struct Inputs {
    pub files: Vec<FileInput>,
    pub diagnostics: Vec<Diagnostic>,
    pub files_read: usize,
    pub files_skipped: usize,
}

/// The entries of one input file.
pub struct FileInput {
    pub name: String,
    pub format: Format,
    pub entries: Vec<Entry>,
}

/// What merging the inputs did: the totals and a summary per document.
#[derive(Default)]
pub struct Merged {
    pub added: usize,
    pub merged: usize,
    pub documents: Vec<DocumentSummary>,
}

/// What became of one document's reference list.
pub struct DocumentSummary {
    pub file: String,
    /// References read (each one an entry).
    pub parsed: usize,
    /// Of those, merged into an entry already in the store (or read earlier).
    pub merged: usize,
    /// Of those, references with a warning on their lines.
    pub with_warnings: usize,
}

/// Reads every file (as `format`, or as detected when `None`); an
/// unreadable file is an I/O error (exit 2). With `require_supported`, a
/// file of an unknown format is an error, otherwise a note.
pub fn read_inputs(
    context: &Context,
    files: &[PathBuf],
    format: Option<Format>,
    require_supported: bool,
) -> Result<Inputs, String> {
    let mut inputs = Inputs {
        files: Vec::new(),
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
        let parsed = ingest_as(format, &absolute, &name, &bytes);
        match parsed.value {
            Ingested::Entries(format, entries) => {
                inputs.files_read += 1;
                inputs.diagnostics.extend(parsed.diagnostics);
                inputs.files.push(FileInput { name, format, entries });
            }
            Ingested::Skipped if require_supported => {
                inputs.diagnostics.push(
                    Diagnostic::new("IN002", Severity::Error, &name, Position::line(1), "not a RIS or BibLaTeX file, nor a document with a reference list")
                        .with_help("biblink imports RIS (records starting 'TY  - '), BibLaTeX ('@type{key, ...}') and documents with a '## References' section; --reflist reads a file as a list of references"),
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

/// Merges the files' entries into the store, file by file (which merges
/// exactly as one import of all of them would), and sums up each document.
/// Returns what was done and every diagnostic, the inputs' first.
pub fn merge_inputs(store: &mut Store, inputs: Inputs) -> (Merged, Vec<Diagnostic>) {
    let mut diagnostics = inputs.diagnostics;
    let mut merge_diagnostics = Vec::new();
    let mut merged = Merged::default();
    for file in inputs.files {
        let summary = (file.format == Format::Document).then(|| {
            let mut warned_lines: Vec<u32> = diagnostics
                .iter()
                .filter(|d| d.file == file.name && d.severity >= Severity::Warning)
                .map(|d| d.line)
                .collect();
            warned_lines.sort_unstable();
            let with_warnings = file
                .entries
                .iter()
                .filter(|entry| {
                    entry.sources.first().is_some_and(|source| {
                        let first =
                            warned_lines.partition_point(|&l| l < source.line_start);
                        warned_lines.get(first).is_some_and(|&l| l <= source.line_end)
                    })
                })
                .count();
            (file.entries.len(), with_warnings)
        });
        let (report, found): (ImportReport, _) = store.import(file.entries);
        merge_diagnostics.extend(found);
        merged.added += report.added;
        merged.merged += report.merged;
        if let Some((parsed, with_warnings)) = summary {
            merged.documents.push(DocumentSummary {
                file: file.name,
                parsed,
                merged: report.merged,
                with_warnings,
            });
        }
    }
    diagnostics.extend(merge_diagnostics);
    (merged, diagnostics)
}

/// Writes the store unless the diagnostics forbid it, prints the outcome.
pub fn finish(
    context: &Context,
    mut store: Store,
    diagnostics: Vec<Diagnostic>,
    strict: bool,
    outcome: &Merged,
) -> Result<ExitCode, String> {
    let Merged { added, merged, .. } = *outcome;
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
            "documents": outcome.documents.iter().map(|d| json!({
                "file": d.file,
                "parsed": d.parsed,
                "merged": d.merged,
                "with_warnings": d.with_warnings,
            })).collect::<Vec<_>>(),
            "diagnostics": diagnostics.iter().map(diagnostic_json).collect::<Vec<_>>(),
        }));
    } else {
        context.print_diagnostics(&diagnostics);
        if !context.quiet {
            for document in &outcome.documents {
                let plural = if document.parsed == 1 { "" } else { "s" };
                eprintln!(
                    "{}: {} reference{plural} parsed, {} merged with existing entries, {} with warnings",
                    document.file,
                    document.parsed,
                    document.merged,
                    document.with_warnings
                );
            }
        }
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
