//! Attributed claims of the news seeds (001, 003, 004) against the
//! hand-checked gold `../shared/data/seeds-gold/news-attributions.json`.
//!
//! The gold and the seeds must be there: a missing file fails the test, it
//! never skips it.

use std::path::{Path, PathBuf};

use biblink::link::attrib::{Attribution, attributions};
use biblink::link::attrib_eval::{self, Report, same_source};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| {
        panic!(
            "cannot read {} ({error}); the attribution tests need the gold and the seeds, \
             they are never skipped",
            path.display()
        )
    })
}

fn gold_json() -> String {
    read(&manifest_dir().join("../shared/data/seeds-gold/news-attributions.json"))
}

fn seed(name: &str) -> String {
    read(&manifest_dir().join("seeds").join(name))
}

/// The seed file whose name starts with `prefix` (`001_`).
fn seed_named(prefix: &str) -> (String, String) {
    let dir = manifest_dir().join("seeds");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot list {} ({error})", dir.display()));
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(prefix))
        .collect();
    names.sort();
    let name = names
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no seed {prefix}* in {}", dir.display()));
    let text = seed(&name);
    (name, text)
}

fn report() -> Report {
    attrib_eval::evaluate(&gold_json(), |name| Some(seed(name)))
        .unwrap_or_else(|error| panic!("gold cannot be scored: {error}"))
}

/// The claim whose sentence holds `needle`.
fn claim_with<'a>(found: &'a [Attribution], text: &str, needle: &str) -> &'a Attribution {
    let at = text.find(needle).unwrap_or_else(|| panic!("seed text lacks {needle:?}"));
    found
        .iter()
        .find(|a| a.sentence.span.start <= at && at < a.sentence.span.end)
        .unwrap_or_else(|| panic!("no claim found for the sentence with {needle:?}"))
}

#[test]
fn named_sources_reach_the_targets() {
    let report = report();
    let overall = report.overall();
    let table = report.render();
    let problems = report.render_problems();
    assert_eq!(report.documents.len(), 3, "{table}");
    assert!(
        overall.named.gold >= 20,
        "gold has fewer named claims than expected\n{table}"
    );
    assert!(
        overall.named.precision() >= 0.9,
        "named-source precision below 0.9\n{table}\n{problems}"
    );
    assert!(
        overall.named.recall() >= 0.9,
        "named-source recall below 0.9\n{table}\n{problems}"
    );
    assert_eq!(
        overall.sources_right, overall.sources_checked,
        "a matched named claim has the wrong source\n{table}\n{problems}"
    );
    // Anonymous and generic claims count too, if less.
    assert!(overall.all.precision() >= 0.9, "{table}\n{problems}");
    assert!(overall.all.recall() >= 0.8, "{table}\n{problems}");
}

#[test]
fn according_to_an_outlet() {
    let (_, text) = seed_named("004_");
    let found = attributions(&text);
    let claim = claim_with(&found, &text, "According to Reuters");
    assert_eq!(claim.source, "Reuters");
    assert!(claim.named);
    assert_eq!(claim.speaker_type, "news_outlet");
    assert_eq!(claim.cue.clone().map(|r| &text[r]), Some("According to"));
    assert_eq!(claim.quotes.len(), 1);
    // `U.S.` right after the cue does not end the sentence.
    assert!(claim.sentence.text.ends_with("altogether.”"), "{}", claim.sentence.text);
}

#[test]
fn relayed_anonymous_sources() {
    let (_, text) = seed_named("001_");
    let found = attributions(&text);

    let reported = claim_with(&found, &text, "the Financial Times reported yesterday");
    assert_eq!(reported.source, "Financial Times");
    assert!(reported.named);
    assert_eq!(reported.via, None);

    let told = claim_with(&found, &text, "told the newspaper");
    assert!(!told.named);
    assert_eq!(told.speaker_type, "anonymous");
    assert_eq!(told.via.as_deref(), Some("Financial Times"));
    assert_eq!(
        told.source_span.clone().map(|r| &text[r]),
        Some("the source close to financial regulators")
    );

    // The quote that continues it: same speaker, no cue of its own.
    let continued = claim_with(&found, &text, "It wants to end that.");
    assert_eq!(continued.source, told.source);
    assert_eq!(continued.via.as_deref(), Some("Financial Times"));
    assert!(!continued.named);
    assert!(continued.is_continuation());

    let two = claim_with(&found, &text, "two sources familiar with the arrangement");
    assert!(!two.named);
    assert_eq!(two.via.as_deref(), Some("Financial Times"));

    // The deck line under the headline, without a final period.
    let deck = claim_with(&found, &text, "a source said");
    assert!(!deck.named);
    assert_eq!(deck.speaker_type, "anonymous");
}

#[test]
fn people_short_names_and_pronouns() {
    let (_, text) = seed_named("001_");
    let found = attributions(&text);
    for needle in [
        "told a briefing yesterday",
        "each other’s services, Zhao said",
        "he said without naming",
        "disrupts the market order",
        "Users have responded strongly",
    ] {
        let claim = claim_with(&found, &text, needle);
        assert_eq!(claim.source, "Zhao Zhiguo", "{needle}");
        assert!(claim.named, "{needle}");
        assert_eq!(claim.speaker_type, "named_person", "{needle}");
    }
    // Nothing is attributed in sentences that only report actions.
    let at = text.find("Alipay did not immediately respond").expect("seed text");
    assert!(found.iter().all(|a| !a.sentence.span.contains(&at)));
    let credit = text.find("Additional reporting by Bloomberg").expect("seed text");
    assert!(found.iter().all(|a| !a.sentence.span.contains(&credit)));

    let (_, text) = seed_named("003_");
    let found = attributions(&text);
    let says = claim_with(&found, &text, "says Peter Chow-white");
    assert_eq!(says.source, "Peter Chow-white");
    let hyphenless = claim_with(&found, &text, "according to ChowWhite");
    assert!(same_source(
        &hyphenless.source,
        "Peter Chow-White (Simon Fraser University)"
    ));
    let asked = claim_with(&found, &text, "she asked People. cn");
    assert_eq!(asked.source, "Zhao");
    assert_eq!(asked.via.as_deref(), Some("People.cn"));
    let report = claim_with(&found, &text, "Tencent Research Institute report");
    assert_eq!(report.speaker_type, "organization_report");
}

#[test]
fn every_span_lies_in_its_sentence() {
    for prefix in ["001_", "003_", "004_"] {
        let (name, text) = seed_named(prefix);
        let found = attributions(&text);
        assert!(!found.is_empty(), "{name}");
        let mut previous_end = 0;
        for claim in &found {
            let sentence = &claim.sentence.span;
            assert!(
                sentence.start >= previous_end,
                "{name}: claims overlap or are unsorted"
            );
            previous_end = sentence.end;
            assert!(text.get(sentence.clone()).is_some(), "{name}: sentence span");
            for span in claim.source_span.iter().chain(&claim.cue).chain(&claim.quotes) {
                assert!(
                    sentence.start <= span.start && span.end <= sentence.end,
                    "{name}: {span:?} outside {sentence:?}"
                );
                assert!(
                    text.get(span.clone()).is_some(),
                    "{name}: {span:?} not on char boundaries"
                );
            }
        }
    }
}
