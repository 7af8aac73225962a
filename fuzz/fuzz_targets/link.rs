//! Linking on arbitrary input: reading the reference list, finding and
//! resolving callouts, their sentences and clauses, the body's blocks and
//! sentences and the news attributions never panic; every span they report
//! lies inside the text on character boundaries, callouts come in document
//! order (as `Links::callouts` promises) without overlapping, each inside its sentence with its items inside
//! it, and every reference index points into the reference list.
#![no_main]

use std::ops::Range;

use biblink::link::{attrib, blocks, document, sentence};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let text = text.as_ref();
    let linked = document::analyze(text, "fuzz.md", |entries| {
        (0..entries.len()).map(|i| format!("k{i}")).collect()
    });
    let linked = &linked.value;
    let n_references = linked.references.len();
    assert_eq!(n_references, linked.entries.len());
    for reference in &linked.references {
        check_span(text, &reference.span, "reference");
    }
    let links = &linked.links;
    let mut previous_end = 0;
    for callout in &links.callouts {
        check_span(text, &callout.span, "callout");
        assert!(!callout.span.is_empty(), "empty callout at {:?}", callout.span);
        assert!(
            previous_end <= callout.span.start,
            "callout {:?} starts before the one before it ends ({previous_end})",
            callout.span
        );
        previous_end = callout.span.end;
        check_span(text, &callout.sentence.span, "sentence");
        assert!(
            contains(&callout.sentence.span, &callout.span),
            "callout {:?} outside its sentence {:?}",
            callout.span,
            callout.sentence.span
        );
        if let Some(clause) = &callout.clause {
            check_span(text, &clause.span, "clause");
        }
        assert!(!callout.items.is_empty(), "callout {:?} names no work", callout.span);
        for item in &callout.items {
            check_span(text, &item.span, "item");
            assert!(
                contains(&callout.span, &item.span),
                "item {:?} outside its callout {:?}",
                item.span,
                callout.span
            );
            for &index in item.targets.iter().chain(&item.candidates) {
                assert!(index < n_references, "reference {index} of {n_references}");
            }
        }
    }
    for &index in &links.uncited {
        assert!(index < n_references, "uncited {index} of {n_references}");
    }
    for mismatch in &links.mismatches {
        assert!(mismatch.callout < links.callouts.len());
        assert!(mismatch.ref_index < n_references);
    }
    for attribution in &linked.attributions {
        check_attribution(text, attribution);
    }

    // The pieces on their own, on the whole text.
    // A paragraph joined across pull-quotes comes before or after them, so
    // blocks need not be in order; their parts are, and never overlap.
    let mut parts: Vec<Range<usize>> = Vec::new();
    for block in blocks::body_blocks(text, &[]) {
        assert!(!block.parts.is_empty(), "a block without parts");
        for pair in block.parts.windows(2) {
            assert!(pair[0].end <= pair[1].start, "block parts {pair:?} out of order");
        }
        for part in &block.parts {
            check_span(text, part, "block part");
        }
        parts.extend(block.parts);
    }
    parts.sort_by_key(|part| part.start);
    for pair in parts.windows(2) {
        assert!(pair[0].end <= pair[1].start, "block parts {pair:?} overlap");
    }
    for sentence in sentence::sentences(text) {
        check_span(text, &sentence.span, "sentence");
    }
    for attribution in attrib::attributions(text) {
        check_attribution(text, &attribution);
    }
});

/// `span` lies inside `text`, from one character boundary to another.
fn check_span(text: &str, span: &Range<usize>, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} {span:?} outside the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} {span:?} not on character boundaries"
    );
}

fn check_attribution(text: &str, attribution: &attrib::Attribution) {
    check_span(text, &attribution.sentence.span, "attributed sentence");
    let spans = attribution.source_span.iter().chain(&attribution.cue);
    for span in spans.chain(&attribution.quotes) {
        check_span(text, span, "attribution part");
    }
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}
