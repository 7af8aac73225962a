//! The BibLaTeX reader on arbitrary input: it never panics, and whatever it
//! reads is written, re-read and re-written to the same bytes.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // The whole ingest path: decoding (UTF-8, UTF-16, Windows-1252) and detection.
    let _ = biblink::ingest::ingest(Path::new("fuzz.bib"), "fuzz.bib", bytes);
    let _ = biblink::ingest::ingest(Path::new("fuzz.txt"), "fuzz.txt", bytes);
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let parsed = biblink::bib::parse(text, "fuzz.bib");
    let _ = biblink_fuzz::check_round_trip(&parsed.value.entries);
    let _ = biblink_fuzz::check_store_round_trip(parsed.value.entries);
});
