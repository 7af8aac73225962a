//! Reading one input file of any supported format into entries.

use std::path::Path;

use crate::diag::{Diagnostic, Parsed, Position, Severity};
use crate::model::Entry;
use crate::{bib, decode, ris};

/// The formats biblink reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// RIS (`.ris`, or any file whose first record starts with `TY`).
    Ris,
    /// BibLaTeX or BibTeX (`.bib`, `.biblatex`, or text with `@type{` entries).
    Bib,
}

impl Format {
    /// The format of a file, from its extension and then its content.
    pub fn detect(path: &Path, text: &str) -> Option<Format> {
        let extension =
            path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("ris") => return Some(Format::Ris),
            Some("bib" | "biblatex" | "bibtex") => return Some(Format::Bib),
            _ => {}
        }
        if ris::looks_like_ris(text) {
            Some(Format::Ris)
        } else if bib::looks_like_bib(text) {
            Some(Format::Bib)
        } else {
            None
        }
    }
}

/// What reading a file gave.
#[derive(Debug, Clone)]
pub enum Ingested {
    /// Entries in file order (RIS entries have no keys yet).
    Entries(Format, Vec<Entry>),
    /// A file of a kind biblink does not read yet.
    Skipped,
}

/// Reads `bytes` of the file named `name` (the name used in diagnostics and provenance).
pub fn ingest(path: &Path, name: &str, bytes: &[u8]) -> Parsed<Ingested> {
    let decoded = decode::decode(bytes, name);
    let mut diagnostics = decoded.diagnostics;
    let text = decoded.value;
    let Some(format) = Format::detect(path, &text) else {
        diagnostics.push(Diagnostic::new(
            "IN001",
            Severity::Info,
            name,
            Position::default(),
            "skipped: not RIS or BibLaTeX (free-text reference lists are not read yet)",
        ));
        return Parsed { value: Ingested::Skipped, diagnostics };
    };
    let entries = match format {
        Format::Ris => {
            let parsed = ris::parse(&text, name);
            diagnostics.extend(parsed.diagnostics);
            parsed.value
        }
        Format::Bib => {
            let parsed = bib::parse(&text, name);
            diagnostics.extend(parsed.diagnostics);
            parsed.value.entries
        }
    };
    Parsed { value: Ingested::Entries(format, entries), diagnostics }
}
