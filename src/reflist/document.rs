//! A document's reference list to entries: find the section, split it, parse
//! every reference, and say where each came from.

use crate::diag::{Diagnostic, LineIndex, Parsed, Position, Severity};
use crate::model::{Entry, Extra, Origin, Source};

use super::parse_reference;
use super::section::{Config, references_with};
use super::split::RawReference;

/// The tag under which an entry's [`Entry::extra`] keeps the reference as printed.
pub const REFERENCE_TAG: &str = "reference";

/// A reference longer than this is probably several, or not a reference.
pub const MAX_REFERENCE_CHARS: usize = 2_000;

/// One reference of a document and the entry read from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentReference {
    /// The entry: no key yet; one source (the file, the reference's lines and
    /// its year suffix); every field's origin is the reference's line range;
    /// the printed text kept as extra data tagged [`REFERENCE_TAG`].
    pub entry: Entry,
    /// The reference as printed.
    pub reference: RawReference,
}

/// Reads the reference list of `document` (named `file` in sources and
/// diagnostics): one entry per reference, in list order.
///
/// Findings (codes `REF001`-`REF006`, all warnings, at the reference's line
/// and column): no reference section, an empty one, a reference of one word,
/// a reference of more than [`MAX_REFERENCE_CHARS`] characters, one that
/// looks like binary data, and whatever the parser was unsure of. A
/// reference that cannot be read becomes `@misc` with its text in `note`.
pub fn parse_document(document: &str, file: &str) -> Parsed<Vec<DocumentReference>> {
    parse_document_with(document, file, &Config::default())
}

/// [`parse_document`] with a [`Config`].
pub fn parse_document_with(
    document: &str,
    file: &str,
    config: &Config,
) -> Parsed<Vec<DocumentReference>> {
    let found = references_with(document, file, config);
    let mut diagnostics = found.diagnostics;
    let index = LineIndex::new(document);
    let mut out = Vec::with_capacity(found.value.len());
    for reference in found.value {
        let printed = document.get(reference.span.clone()).unwrap_or(&reference.text);
        let read = read_reference(
            &reference.text,
            printed,
            file,
            index.position(reference.span.start),
        );
        diagnostics.extend(read.diagnostics);
        let (mut entry, year_suffix) = read.value;
        entry.sources = vec![Source {
            file: file.to_string(),
            line_start: reference.line_start,
            line_end: reference.line_end,
            year_suffix,
        }];
        let origin = Origin {
            source: 0,
            line_start: reference.line_start,
            line_end: reference.line_end,
        };
        for field in entry.fields.values_mut() {
            field.origin = Some(origin);
        }
        entry.extra.push(Extra {
            tag: REFERENCE_TAG.to_string(),
            value: reference.text.clone(),
            source: 0,
            line: reference.line_start,
        });
        out.push(DocumentReference { entry, reference });
    }
    Parsed { value: out, diagnostics }
}

/// Reads one reference: its `text` (lines joined, no list marker, control
/// characters as spaces) and the `printed` text it came from, found at
/// `position` of `file`. Gives the entry (no key, no sources) and the year
/// suffix, with a warning for a reference that looks like binary data or
/// has one word (both `@misc` with the text in `note`, not parsed), for one
/// that is too long, and for every doubt of the parser.
pub fn read_reference(
    text: &str,
    printed: &str,
    file: &str,
    position: Position,
) -> Parsed<(Entry, Option<String>)> {
    let mut diagnostics = Vec::new();
    let mut warn = |code: &'static str, message: String, help: &str| {
        diagnostics.push(
            Diagnostic::new(code, Severity::Warning, file, position, message)
                .with_help(help),
        );
    };
    let n_chars = text.chars().count();
    let n_printed = printed.chars().count();
    let n_odd = printed.chars().filter(|&c| is_odd(c)).count();
    let value = if n_odd * 10 >= n_printed.max(1) {
        warn(
            "REF005",
            format!(
                "reference looks like binary data ({n_odd} of {n_printed} characters are not text): '{}'",
                excerpt(text)
            ),
            "kept as @misc with the text in 'note'; check the file's encoding",
        );
        (unparsed(text), None)
    } else if text.split_whitespace().nth(1).is_none() {
        warn(
            "REF003",
            format!("reference of one word: '{}'", excerpt(text)),
            "kept as @misc with the text in 'note'; a reference names at least an author or a title",
        );
        (unparsed(text), None)
    } else {
        if n_chars > MAX_REFERENCE_CHARS {
            warn(
                "REF004",
                format!(
                    "reference of {n_chars} characters (more than {MAX_REFERENCE_CHARS}): '{}'",
                    excerpt(text)
                ),
                "several references may run together: put each on its own line or list item",
            );
        }
        let parsed = parse_reference(text);
        for warning in &parsed.warnings {
            warn(
                "REF006",
                format!("{warning}: '{}'", excerpt(text)),
                "check the entry; the reference is kept as printed in provenance.jsonl",
            );
        }
        (parsed.entry, parsed.year_suffix)
    };
    Parsed { value, diagnostics }
}

/// The entry of a reference nothing can be read from: `@misc` with the text in `note`.
fn unparsed(text: &str) -> Entry {
    let mut entry = Entry::new("", "misc");
    entry.set_text("note", crate::tex::escape(text), None);
    entry
}

/// Characters that text does not hold: controls other than line breaks,
/// tabs and form feeds, replacement characters from a failed decoding,
/// private-use code points.
fn is_odd(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        || c == '\u{fffd}'
        || ('\u{e000}'..='\u{f8ff}').contains(&c)
}

/// The first 60 characters of a reference, for messages.
fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(60).collect();
    if chars.next().is_some() { format!("{head}...") } else { head }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_lines_and_the_printed_text() {
        let document = "# Paper\n\n## References\n\n- Smith, J. (2001). *A book*. Urbana, IL: Press.\n- Wong, G., & Osawa, J. (2015b, June 26).\n  Alibaba affiliate. *The Wall Street Journal*.\n";
        let parsed = parse_document(document, "paper.md");
        assert_eq!(parsed.value.len(), 2);
        let entry = &parsed.value[1].entry;
        assert_eq!(entry.sources.len(), 1);
        let source = &entry.sources[0];
        assert_eq!(
            (source.file.as_str(), source.line_start, source.line_end),
            ("paper.md", 6, 7)
        );
        assert_eq!(source.year_suffix.as_deref(), Some("b"));
        assert!(
            entry
                .fields
                .values()
                .all(|field| field.origin.is_some_and(|o| o.line_start == 6))
        );
        assert_eq!(entry.extra.last().map(|e| e.tag.as_str()), Some(REFERENCE_TAG));
        assert!(
            entry
                .extra
                .last()
                .is_some_and(|e| e.value.ends_with("*The Wall Street Journal*."))
        );
    }

    #[test]
    fn bad_references_are_misc_with_a_warning() {
        let long = format!("- Smith, J. (2001). {}\n", "word ".repeat(2_000));
        let garbage: String = (0u8..200).map(|b| char::from(b % 32 + 0x80)).collect();
        let document = format!("## References\n\n- Ibid.\n{long}- {garbage} x\n");
        let parsed = parse_document(&document, "bad.txt");
        assert_eq!(parsed.value.len(), 3);
        let codes: Vec<(&str, u32, u32)> =
            parsed.diagnostics.iter().map(|d| (d.code, d.line, d.column)).collect();
        assert!(codes.contains(&("REF003", 3, 3)), "{codes:?}");
        assert!(codes.contains(&("REF004", 4, 3)), "{codes:?}");
        assert!(codes.contains(&("REF005", 5, 3)), "{codes:?}");
        for idx in [0, 2] {
            let entry = &parsed.value[idx].entry;
            assert_eq!(entry.entry_type, "misc");
            assert!(entry.text("note").is_some());
        }
        assert!(parsed.diagnostics.iter().all(|d| d.severity == Severity::Warning));
    }
}
