//! The XML readers on arbitrary input: JATS (references and exact callouts),
//! EndNote XML, and `biblink check` of both. They never panic, and every
//! span a JATS callout reports lies inside the text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // Decoding and detection, as `import` runs them.
    let _ = biblink::ingest::ingest(Path::new("fuzz.xml"), "fuzz.xml", bytes);
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let linked = biblink::jats::analyze(text, "fuzz.xml", |entries| {
        (0..entries.len()).map(|i| format!("k{i}")).collect()
    });
    if let Some(linked) = linked.value {
        for callout in &linked.links.callouts {
            assert!(text.get(callout.span.clone()).is_some(), "{:?}", callout.span);
            assert!(text.get(callout.sentence.span.clone()).is_some());
            if let Some(clause) = &callout.clause {
                assert!(text.get(clause.span.clone()).is_some());
            }
        }
    }
    let _ = biblink::endnote::parse(text, "fuzz.xml");
    let options = biblink::check::Options::default();
    let _ = biblink::check::check_jats(text, "fuzz.xml", &options);
    let _ = biblink::check::check_endnote(text, "fuzz.xml", &options);
});
