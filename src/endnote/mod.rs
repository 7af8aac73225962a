//! EndNote XML import: records read with quick-xml, translated into RIS tags
//! and mapped by the RIS reader's converter.
//!
//! EndNote exports `<xml><records><record>…</record></records></xml>`; each
//! record has a `<ref-type name="Journal Article">17</ref-type>`, its
//! `<contributors>`, `<titles>`, `<periodical>`, `<dates>`, `<keywords>`,
//! `<urls>` and plain fields, the text of each wrapped in one or more
//! `<style>` elements. [`xml`] reads the markup into element trees,
//! [`tags`] says which RIS type and tag each EndNote type and element
//! corresponds to (the translation EndNote's own RIS export makes), and the
//! RIS table ([`crate::ris::tags`]) decides the BibLaTeX fields: there is one
//! mapping to BibLaTeX, not two. Elements with no RIS tag are kept as extra
//! data under their path (`research-notes`, `urls/pdf-urls/url`).
//!
//! Diagnostics: `EN001` not EndNote XML (empty file, another root, no
//! `<records>`, UTF-16 without a byte order mark), `EN002` malformed XML,
//! `EN003` a closing tag missing or wrong, `EN004` a record without
//! `<ref-type>`, `EN005` a record without fields, `EN007` a DOCTYPE declaring
//! an external entity, `EN008` an entity reference (never expanded) — all
//! errors — and `EN006` an empty `<record/>`, skipped (a warning). Problems
//! with values are the RIS converter's warnings (`RIS005`–`RIS013`), their
//! messages naming the element.

mod convert;
pub mod tags;
pub mod xml;

use crate::diag::{LineIndex, Parsed};
use crate::model::Entry;

pub use xml::looks_like_endnote;

/// Parses EndNote XML text read from `file` into entries (without keys),
/// each with the `<record>`'s line range as its source.
///
/// Never fails as a whole: every record that can be read is returned, and
/// every problem is a diagnostic with its line and column.
pub fn parse(text: &str, file: &str) -> Parsed<Vec<Entry>> {
    let index = LineIndex::new(text);
    let mut diagnostics = Vec::new();
    let raw = xml::read(text, file, &index, &mut diagnostics);
    let mut entries = Vec::with_capacity(raw.records.len());
    for record in &raw.records {
        if let Some(entry) = convert::convert(record, file, &index, &mut diagnostics) {
            entries.push(entry);
        }
    }
    Parsed { value: entries, diagnostics }
}
