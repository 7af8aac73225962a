//! Reading one input file of any supported format into entries.

use std::path::Path;

use crate::diag::{Diagnostic, Parsed, Position, Severity};
use crate::model::Entry;
use crate::{bib, decode, endnote, reflist, ris};

/// The formats biblink reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// RIS (`.ris`, or any file whose first record starts with `TY`).
    Ris,
    /// BibLaTeX or BibTeX (`.bib`, `.biblatex`, or text with `@type{` entries).
    Bib,
    /// A document (markdown or plain text) with a reference list: neither RIS
    /// nor BibLaTeX, with a reference section (`## References`, ...) that
    /// lists at least one reference.
    Document,
    /// EndNote XML (`<xml><records><record>`), detected by content.
    EndNote,
    /// CSL-JSON (`.json`, or a JSON array of objects with a `type`).
    CslJson,
    /// A JATS/NLM XML article (`.nxml`, an `<article>` root, or a `.xml`
    /// file no other reader claims): its `<ref-list>`.
    Jats,
}

impl Format {
    /// The format of a file, from its extension and then its content.
    pub fn detect(path: &Path, text: &str) -> Option<Format> {
        let extension =
            path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("ris") => return Some(Format::Ris),
            Some("bib" | "biblatex" | "bibtex") => return Some(Format::Bib),
            Some("json") => return Some(Format::CslJson),
            Some("nxml") => return Some(Format::Jats),
            _ => {}
        }
        if crate::jats::looks_like_jats(text) {
            return Some(Format::Jats);
        }
        if crate::csl::looks_like_csl_json(text) {
            return Some(Format::CslJson);
        }
        // By content, not by extension: `.xml` may be JATS too. An empty
        // `.xml` file is read as EndNote XML to be reported as empty.
        if endnote::looks_like_endnote(text)
            || (extension.as_deref() == Some("xml") && text.trim().is_empty())
        {
            Some(Format::EndNote)
        } else if ris::looks_like_ris(text) {
            Some(Format::Ris)
        } else if bib::looks_like_bib(text) {
            Some(Format::Bib)
        } else if reflist::section::has_reference_section(text) {
            Some(Format::Document)
        } else if extension.as_deref() == Some("xml") {
            // Read as JATS to say what is wrong with it.
            Some(Format::Jats)
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

/// Reads `bytes` of the file named `name` (the name used in diagnostics and
/// provenance), in the format [`Format::detect`] finds.
pub fn ingest(path: &Path, name: &str, bytes: &[u8]) -> Parsed<Ingested> {
    ingest_as(None, path, name, bytes)
}

/// [`ingest`] in a given format, or the detected one when `format` is `None`.
///
/// A [`Format::Document`] given this way is read even without a reference
/// section: its whole text is then the reference list.
pub fn ingest_as(
    format: Option<Format>,
    path: &Path,
    name: &str,
    bytes: &[u8],
) -> Parsed<Ingested> {
    let decoded = decode::decode(bytes, name);
    let mut diagnostics = decoded.diagnostics;
    let text = decoded.value;
    let forced = format.is_some();
    let Some(format) = format.or_else(|| Format::detect(path, &text)) else {
        diagnostics.push(Diagnostic::new(
            "IN001",
            Severity::Info,
            name,
            Position::default(),
            "skipped: not RIS, BibLaTeX or a document with a reference list",
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
        Format::Document => {
            let config =
                reflist::section::Config { whole_document_without_heading: forced };
            let parsed = reflist::parse_document_with(&text, name, &config);
            diagnostics.extend(parsed.diagnostics);
            parsed.value.into_iter().map(|reference| reference.entry).collect()
        }
        Format::EndNote => {
            let parsed = endnote::parse(&text, name);
            diagnostics.extend(parsed.diagnostics);
            parsed.value
        }
        Format::CslJson => {
            let parsed = crate::csl::from_csl_json(&text, name);
            diagnostics.extend(parsed.diagnostics);
            parsed.value
        }
        Format::Jats => {
            let parsed = crate::jats::read_entries(&text, name);
            diagnostics.extend(parsed.diagnostics);
            parsed.value
        }
    };
    Parsed { value: Ingested::Entries(format, entries), diagnostics }
}
