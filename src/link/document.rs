//! One document, linked: its reference list read, every callout resolved
//! against it, every attributed claim found.

use std::ops::Range;

use crate::diag::{Diagnostic, Parsed, Position, Severity};
use crate::model::Entry;
use crate::reflist::{self, section};

use super::attrib::{Attribution, attributions};
use super::{Links, Reference, Status, link};

/// A document's cited and attributed claims.
#[derive(Debug, Clone)]
pub struct Linked {
    /// The document as named in output (`seeds/000_report.txt`).
    pub file: String,
    /// Its reference list, in order, with the keys the caller gave.
    pub references: Vec<Reference>,
    /// The entries read from its reference list (no keys), in order.
    pub entries: Vec<Entry>,
    /// Its callouts, uncited references and mismatches.
    pub links: Links,
    /// Claims attributed in words (news text), in order.
    pub attributions: Vec<Attribution>,
    /// For each attributed claim, the key of the store entry of its source,
    /// when the caller found or proposed one.
    pub attribution_keys: Vec<Option<String>>,
}

/// The entries of `document`'s reference list, in list order, and the
/// reference spans (`Vec` of (raw reference, entry)).
pub fn read_references(
    document: &str,
    file: &str,
) -> Parsed<Vec<reflist::DocumentReference>> {
    let mut parsed = reflist::parse_document(document, file);
    // A document without a reference list is fine here: its callouts are unresolved.
    parsed.diagnostics.retain(|d| d.code != "REF001");
    parsed
}

/// Links `document` (named `file`): `keys` gives each entry of its
/// reference list (in order) its store key.
pub fn analyze(
    document: &str,
    file: &str,
    keys: impl FnOnce(&[Entry]) -> Vec<String>,
) -> Parsed<Linked> {
    let parsed = read_references(document, file);
    let mut diagnostics = parsed.diagnostics;
    let entries: Vec<Entry> = parsed.value.iter().map(|r| r.entry.clone()).collect();
    let mut keys = keys(&entries);
    keys.resize(entries.len(), String::new());
    let references: Vec<Reference> = parsed
        .value
        .iter()
        .zip(keys)
        .map(|(r, key)| {
            Reference::from_entry(
                &r.entry,
                key,
                r.reference.label.clone(),
                r.reference.line_start,
                r.reference.span.clone(),
            )
        })
        .collect();
    let exclude: Vec<Range<usize>> = section::find_sections(document)
        .into_iter()
        .map(|s| match &s.heading {
            Some(heading) => heading.span.start..s.body.end,
            None => s.body,
        })
        .collect();
    let links = link(document, &references, &exclude);
    let attributions =
        if references.is_empty() { attributions(document) } else { Vec::new() };
    diagnostics.extend(findings(document, file, &links, &references));
    Parsed {
        value: Linked {
            file: file.to_string(),
            references,
            entries,
            links,
            attribution_keys: vec![None; attributions.len()],
            attributions,
        },
        diagnostics,
    }
}

/// Warnings for callouts that resolve to nothing or to several references,
/// and for mismatches (codes `LINK001`-`LINK003`).
fn findings(
    document: &str,
    file: &str,
    links: &Links,
    references: &[Reference],
) -> Vec<Diagnostic> {
    let mut locator = Locator::new(document);
    let mut at = |offset: usize| {
        let l = locator.locate(offset);
        Position { line: l.line, column: l.column }
    };
    let mut out = Vec::new();
    let describe = |indexes: &[usize]| {
        indexes
            .iter()
            .filter_map(|&i| references.get(i))
            .map(|r| {
                format!(
                    "{} (line {})",
                    if r.key.is_empty() { "?" } else { &r.key },
                    r.line
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for callout in &links.callouts {
        for item in &callout.items {
            let text = &document[item.span.clone()];
            let position = at(item.span.start);
            match item.status {
                Status::Resolved => {}
                Status::Ambiguous => out.push(
                    Diagnostic::new(
                        "LINK002",
                        Severity::Warning,
                        file,
                        position,
                        format!("callout '{text}' is ambiguous: it fits {}", describe(&item.candidates)),
                    )
                    .with_help("add the year suffix (2015a, 2015b) to the callout or the references"),
                ),
                Status::Unresolved => {
                    let message = if item.candidates.is_empty() {
                        format!("callout '{text}' matches no reference of the list")
                    } else {
                        format!(
                            "callout '{text}' matches no reference exactly; candidates: {}",
                            describe(&item.candidates)
                        )
                    };
                    out.push(
                        Diagnostic::new("LINK001", Severity::Warning, file, position, message)
                            .with_help("check the spelling and year against the reference list, or add the reference"),
                    );
                }
            }
        }
    }
    for mismatch in &links.mismatches {
        let Some(callout) = links.callouts.get(mismatch.callout) else { continue };
        out.push(
            Diagnostic::new(
                "LINK003",
                Severity::Warning,
                file,
                at(callout.span.start),
                mismatch.message.clone(),
            )
            .with_help("check the callout against the reference"),
        );
    }
    out
}

/// Line, column (both 1-based, the column in characters) and character
/// offset of byte offsets, cheap when asked in increasing order (a long
/// single-line document costs one pass, not one per callout).
pub struct Locator<'a> {
    text: &'a str,
    byte: usize,
    line: u32,
    column: u32,
    chars: usize,
    /// The state at every [`CHECKPOINT`] bytes (at a character boundary):
    /// a jump backwards resumes from the nearest one, not from the start.
    checkpoints: Vec<(usize, u32, u32, usize)>,
}

/// Bytes between two checkpoints of a [`Locator`].
const CHECKPOINT: usize = 4096;

/// Where a byte offset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// 0-based offset in characters (Unicode scalar values) from the start.
    pub char_offset: usize,
}

impl<'a> Locator<'a> {
    /// A locator for `text` (one pass over it).
    pub fn new(text: &'a str) -> Locator<'a> {
        let mut locator = Locator {
            text,
            byte: 0,
            line: 1,
            column: 1,
            chars: 0,
            checkpoints: Vec::new(),
        };
        let mut next = 0;
        while next <= text.len() {
            let mut at = next;
            while !text.is_char_boundary(at) {
                at += 1;
            }
            locator.advance(at);
            locator.checkpoints.push((
                locator.byte,
                locator.line,
                locator.column,
                locator.chars,
            ));
            next = at + CHECKPOINT;
        }
        locator.byte = 0;
        locator.line = 1;
        locator.column = 1;
        locator.chars = 0;
        locator
    }

    /// Where `offset` is (clamped to the text, moved back to a character
    /// boundary); a jump backwards costs at most one checkpoint's span.
    pub fn locate(&mut self, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < self.byte || offset - self.byte > CHECKPOINT {
            let at = self.checkpoints.partition_point(|c| c.0 <= offset);
            if let Some(&(byte, line, column, chars)) =
                at.checked_sub(1).and_then(|i| self.checkpoints.get(i))
                && (offset < self.byte || byte > self.byte)
            {
                (self.byte, self.line, self.column, self.chars) =
                    (byte, line, column, chars);
            }
        }
        self.advance(offset);
        Location { line: self.line, column: self.column, char_offset: self.chars }
    }

    /// Moves forward to `offset` (a character boundary at or after the current byte).
    fn advance(&mut self, offset: usize) {
        let mut chars = self.text[self.byte..offset].chars().peekable();
        while let Some(c) = chars.next() {
            self.chars += 1;
            // `\r\n`, `\n` and a lone `\r` end a line.
            let ends_line = c == '\n'
                || (c == '\r'
                    && chars
                        .peek()
                        .map_or(!self.text[offset..].starts_with('\n'), |&n| n != '\n'));
            if ends_line {
                self.line += 1;
                self.column = 1;
            } else if c != '\r' {
                self.column += 1;
            }
        }
        self.byte = offset;
    }
}
