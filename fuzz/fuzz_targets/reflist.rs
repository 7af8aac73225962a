//! Reference lists on arbitrary input: finding the section, splitting it and
//! parsing every reference never panic; every reference's span and lines lie
//! inside the document, in order; and the entries, imported into a store, are
//! written, re-read and re-written to the same bytes.
#![no_main]

use std::path::Path;

use biblink::ingest::{Format, ingest_as};
use biblink::reflist::section::{Config, references_with};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // The whole ingest path: decoding (UTF-8, UTF-16, Windows-1252), detection
    // and the forced reading of `import --reflist`.
    let _ = biblink::ingest::ingest(Path::new("fuzz.md"), "fuzz.md", bytes);
    let _ = ingest_as(Some(Format::Document), Path::new("fuzz.md"), "fuzz.md", bytes);
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let config = Config { whole_document_without_heading: true };
    let found = references_with(text, "fuzz.md", &config);
    let n_lines = text.split_inclusive(['\n', '\r']).count().max(1) as u32;
    let mut previous_end = 0;
    for reference in &found.value {
        let span = reference.span.clone();
        assert!(previous_end <= span.start && span.start <= span.end && span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        assert!(1 <= reference.line_start && reference.line_start <= reference.line_end);
        assert!(reference.line_end <= n_lines, "{} > {n_lines}", reference.line_end);
        assert!(!reference.text.is_empty() && !reference.text.contains(char::is_control));
        previous_end = span.end;
    }
    // Each line as `biblink parse -` reads it.
    for line in text.lines().take(64) {
        let _ = biblink::reflist::parse_reference(line);
    }
    let parsed = biblink::reflist::parse_document_with(text, "fuzz.md", &config);
    assert_eq!(parsed.value.len(), found.value.len());
    let entries = parsed.value.into_iter().map(|reference| reference.entry).collect();
    let _ = biblink_fuzz::check_store_round_trip(entries);
});
