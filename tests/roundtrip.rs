//! Round trip of the BibLaTeX writer and reader, checked three ways:
//!
//! 1. **Model identity**: generated entries are written, read back and
//!    compared field by field.
//! 2. **Idempotence**: write, read, write gives byte-identical text (also on
//!    the generated 1k workloads, `.bib` and `.ris`, and on whatever the
//!    readers make of arbitrary input).
//! 3. **Independent oracle**: the `biblatex` crate parses our output to the
//!    same titles, names, dates, pages, DOIs and URLs.
//!
//! # The supported subset (where write -> read is the identity)
//!
//! An entry's key, type and fields (names and values, in order) survive;
//! `sources`, `extra` and field origins do not, by design: they live in
//! `provenance.jsonl`, not in the `.bib` file. Values must be in the
//! reader's canonical form, which is what the readers produce:
//!
//! * literal values as [`biblink::tex::escape`] makes them from any Unicode
//!   text (white space collapsed and trimmed, control characters dropped,
//!   TeX specials escaped, `$...$` math kept when it is safe to);
//! * name parts likewise (a family or corporate name is not empty; empty
//!   names are not written at all); particles, suffixes,
//!   corporate names (`{...}`), a final `others`. A family name that starts
//!   in lower case, braces in the family or prefix, `and` in a part, or a
//!   family of several words without a given name are written in the
//!   extended name format. Outside the subset: a person with `,`, `"` or `=`
//!   in a part that the classic form cannot carry; biber accepts it only as
//!   one braced name, which reads back as a literal (then stable);
//! * EDTF dates, page ranges already in `--` form, DOIs and URLs without
//!   white space, unbalanced braces or backslashes (verbatim fields are
//!   written as they are).
//!
//! Known differences of the oracle (`biblatex` 0.12), allowed for in the
//! comparison and nowhere else: it treats every Unicode space (no-break
//! space included) as a word separator; it turns `--` into `–` even in
//! verbatim fields and treats `url` as a literal field (its `$` starts math,
//! so generated URLs have none); it reads any name with an `=` as the
//! extended name format and mangles math in names, so names with `$` and
//! corporate names with `=` are not compared; it
//! does not read EDTF seasons (`2019-21`) or unspecified digits (`199X`) as
//! we write them, so those dates are compared only by our own reader.

#[path = "common/roundtrip.rs"]
mod roundtrip;
#[path = "common/strategies.rs"]
mod strategies;
#[path = "common/workload.rs"]
mod workload;

use std::path::{Path, PathBuf};

use biblink::diag::Severity;
use biblink::model::{Entry, Name, Value};
use biblink::tex;
use proptest::prelude::*;
use proptest::test_runner::Config;

use roundtrip::{assert_same, check_round_trip, check_store_round_trip};
use strategies::{entries, plain_text};

// ---------------------------------------------------------------- helpers

/// What the `.bib` file carries of an entry: key, type and fields in order,
/// without the fields named in `skip`.
fn written_part(
    entry: &Entry,
    skip: &[String],
) -> (String, String, Vec<(String, Value)>) {
    (
        entry.key.clone(),
        entry.entry_type.clone(),
        entry
            .fields
            .iter()
            .filter(|(name, _)| !skip.contains(name))
            .map(|(name, field)| (name.clone(), field.value.clone()))
            .collect(),
    )
}

/// Name fields outside the supported subset (see [`is_outside_subset`]).
fn fields_outside_subset(entry: &Entry) -> Vec<String> {
    entry
        .fields
        .iter()
        .filter(|(_, field)| {
            matches!(&field.value, Value::Names(names) if names.iter().any(is_outside_subset))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// A person with `,`, `"` or `=` in a part that the classic form cannot
/// carry: biber can take it only as one braced name, which reads back as a
/// literal (stable, but not the identity).
fn is_outside_subset(name: &Name) -> bool {
    match name {
        Name::Person { .. } => {
            let written = biblink::bib::write_names(std::slice::from_ref(name));
            matches!(biblink::bib::parse_names(&written).as_slice(), [Name::Literal(_)])
        }
        _ => false,
    }
}

/// Collapses every Unicode space, as the oracle does.
fn spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn plain(text: &str) -> String {
    spaces(&tex::to_plain(text, false))
}

/// An EDTF string from the oracle's typed date.
fn oracle_date(date: &biblatex::Date) -> String {
    fn one(at: &biblatex::Datetime) -> String {
        let mut out = format!("{:04}", at.year);
        if let Some(month) = at.month {
            out.push_str(&format!("-{:02}", month + 1));
            if let Some(day) = at.day {
                out.push_str(&format!("-{:02}", day + 1));
            }
        }
        out
    }
    let mut out = match &date.value {
        biblatex::DateValue::At(at) => one(at),
        biblatex::DateValue::After(at) => format!("{}/", one(at)),
        biblatex::DateValue::Before(at) => format!("/{}", one(at)),
        biblatex::DateValue::Between(a, b) => format!("{}/{}", one(a), one(b)),
    };
    match (date.uncertain, date.approximate) {
        (true, true) => out.push('%'),
        (true, false) => out.push('?'),
        (false, true) => out.push('~'),
        (false, false) => {}
    }
    out
}

/// Names the oracle reads differently from BibTeX and biber: math anywhere
/// (it drops the dollars or splits the name around them), Unicode spaces in
/// a person's name (word separators for it, so `X\u{2000}a` has the particle
/// `a`), and `=` in a corporate name (taken for the extended name format).
fn oracle_misreads(name: &Name) -> bool {
    match name {
        Name::Person { family, given, prefix, suffix } => {
            [family, given, prefix, suffix].iter().any(|part| {
                part.contains('$') || part.chars().any(|c| c.is_whitespace() && c != ' ')
            }) || is_outside_subset(name)
        }
        Name::Literal(literal) => literal.contains(['=', '$']),
        Name::Others => false,
    }
}

/// Whether an EDTF date names a season (`2019-21`), which the oracle does not read.
fn is_season(date: &str) -> bool {
    date.split('/').any(|part| {
        part.split('-')
            .nth(1)
            .and_then(|month| month.parse::<u32>().ok())
            .is_some_and(|m| m > 12)
    })
}

/// The oracle's reading of a name: family, given, prefix, suffix.
fn oracle_name(person: &biblatex::Person) -> [String; 4] {
    [&person.name, &person.given_name, &person.prefix, &person.suffix]
        .map(|part| spaces(part))
}

fn expected_name(name: &Name) -> [String; 4] {
    match name {
        Name::Person { family, given, prefix, suffix } => {
            [plain(family), plain(given), plain(prefix), plain(suffix)]
        }
        Name::Literal(literal) => {
            [plain(literal), String::new(), String::new(), String::new()]
        }
        Name::Others => ["others".into(), String::new(), String::new(), String::new()],
    }
}

/// Checks that the biblatex crate reads `text` to the values of `entries`.
fn check_oracle(entries: &[Entry], text: &str) -> Result<(), TestCaseError> {
    let bibliography = biblatex::Bibliography::parse(text).map_err(|error| {
        TestCaseError::fail(format!("oracle rejects: {error}\n{text}"))
    })?;
    prop_assert_eq!(bibliography.len(), entries.len());
    for ours in entries {
        let theirs = bibliography
            .get(&ours.key)
            .ok_or_else(|| TestCaseError::fail(format!("oracle lost '{}'", ours.key)))?;
        for (field, value) in ours.fields.iter().map(|(name, field)| (name, &field.value))
        {
            match value {
                Value::Names(names) => {
                    if names.iter().any(oracle_misreads) {
                        continue;
                    }
                    let persons: Vec<biblatex::Person> =
                        theirs.get_as(field).map_err(|error| {
                            TestCaseError::fail(format!("{field}: {error}"))
                        })?;
                    let got: Vec<[String; 4]> = persons.iter().map(oracle_name).collect();
                    let want: Vec<[String; 4]> =
                        names.iter().map(expected_name).collect();
                    prop_assert_eq!(got, want, "names of '{}' in:\n{}", field, text);
                }
                Value::Text(value) => match field.as_str() {
                    "date" | "urldate" => {
                        if value.contains('X') || is_season(value) {
                            continue;
                        }
                        let date = match field.as_str() {
                            "date" => theirs.date(),
                            _ => theirs.url_date(),
                        };
                        match date {
                            Ok(biblatex::PermissiveType::Typed(date)) => {
                                prop_assert_eq!(&oracle_date(&date), value)
                            }
                            other => prop_assert!(
                                false,
                                "date '{}' read as {:?}",
                                value,
                                other
                            ),
                        }
                    }
                    "pages" => {
                        let chunks = theirs.get(field).expect("pages present");
                        use biblatex::ChunksExt;
                        prop_assert_eq!(spaces(&chunks.format_verbatim()), plain(value));
                    }
                    "doi" | "url" => {
                        let got = match field.as_str() {
                            "doi" => theirs.doi(),
                            _ => theirs.url(),
                        }
                        .map_err(|error| {
                            TestCaseError::fail(format!("{field}: {error}"))
                        })?;
                        prop_assert_eq!(
                            got,
                            value.replace("---", "—").replace("--", "–")
                        );
                    }
                    _ => {
                        use biblatex::ChunksExt;
                        let chunks = theirs.get(field).expect("field present");
                        prop_assert_eq!(
                            spaces(&chunks.format_verbatim()),
                            plain(value),
                            "field '{}' in:\n{}",
                            field,
                            text
                        );
                    }
                },
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(Config { cases: 256, ..Config::default() })]

    /// Model -> .bib -> model is the identity on the supported subset, writing
    /// is idempotent, and the biblatex crate reads the same values.
    #[test]
    fn generated_entries_round_trip(entries in entries()) {
        let (text, reread) = check_round_trip(&entries);
        let skip: Vec<Vec<String>> = entries.iter().map(fields_outside_subset).collect();
        let want: Vec<_> =
            entries.iter().zip(&skip).map(|(entry, skip)| written_part(entry, skip)).collect();
        let got: Vec<_> =
            reread.iter().zip(&skip).map(|(entry, skip)| written_part(entry, skip)).collect();
        prop_assert_eq!(got, want, "model changed through:\n{}", text);
        check_oracle(&entries, &text)?;
    }

    /// Escaped text reads back as itself and to the same plain text.
    #[test]
    fn escaped_text_reads_back(text in plain_text()) {
        let escaped = tex::escape(&text);
        let mut entry = Entry::new("k", "misc");
        entry.set_text("title", escaped.clone(), None);
        let (_, reread) = check_round_trip(&[entry]);
        prop_assert_eq!(reread[0].text("title"), Some(escaped.as_str()));
        prop_assert_eq!(tex::escape(&tex::to_plain(&escaped, true)), escaped);
    }

    /// The readers never panic, and whatever the BibLaTeX reader accepts
    /// round-trips (the fuzz targets' property, run in CI).
    #[test]
    fn bib_reader_never_panics(text in prop_oneof![
        any::<String>(),
        "(@[a-zA-Z]{0,8}[{(]([a-z0-9]{0,6},)?( ?[a-z]{1,6} ?= ?[{\"]?[a-zA-Z0-9 ,=#%@{}\\\\\"'~$^_\n-]{0,40}[}\"]?,?){0,4}[})]?\n{0,2}){1,4}",
    ]) {
        let parsed = biblink::bib::parse(&text, "arbitrary.bib");
        check_round_trip(&parsed.value.entries);
        check_store_round_trip(parsed.value.entries);
    }

    #[test]
    fn ris_reader_never_panics(text in prop_oneof![
        any::<String>(),
        "((TY|AU|A2|TI|T1|T2|JO|PY|DA|Y1|SP|EP|VL|IS|DO|UR|KW|N1|AB|ER|XX|M3)  ?- [a-zA-Z0-9 ,./;:&%$#{}\\\\_~^-]{0,30}\n([a-z ]{0,10}\n)?){1,12}",
    ]) {
        let parsed = biblink::ris::parse(&text, "arbitrary.ris");
        check_store_round_trip(parsed.value);
    }
}

// ---------------------------------------------------------------- workloads

fn generated(kind: &str, dir: &Path) -> String {
    std::fs::read_to_string(workload::generated(kind, dir))
        .expect("generated workload is UTF-8")
}

fn errors(diagnostics: &[biblink::diag::Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|diag| diag.severity == Severity::Error)
        .map(|diag| diag.render())
        .collect()
}

#[test]
fn generated_bib_workload_round_trips() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = generated("bib", dir.path());
    let parsed = biblink::bib::parse(&text, "n1000.bib");
    assert_eq!(errors(&parsed.diagnostics), Vec::<String>::new());
    assert_eq!(parsed.value.entries.len(), 1000);
    let (written, reread) = check_round_trip(&parsed.value.entries);
    let again = biblink::bib::parse(&written, "written.bib");
    assert!(again.diagnostics.is_empty(), "{:?}", again.diagnostics);
    assert_eq!(reread.len(), 1000);
    // Through the store as well: normalised, keyed, and still stable.
    let store_text = check_store_round_trip(parsed.value.entries);
    biblatex::Bibliography::parse(&store_text).expect("the oracle reads the store");
}

#[test]
fn generated_ris_workload_round_trips() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = generated("ris", dir.path());
    let parsed = biblink::ris::parse(&text, "n1000.ris");
    assert_eq!(errors(&parsed.diagnostics), Vec::<String>::new());
    assert_eq!(parsed.value.len(), 1000);
    let store_text = check_store_round_trip(parsed.value);
    let reread = biblink::bib::parse(&store_text, "references.bib");
    assert!(reread.diagnostics.is_empty(), "{:?}", reread.diagnostics);
    biblatex::Bibliography::parse(&store_text).expect("the oracle reads the store");
}

// ---------------------------------------------------------------- fixtures

/// Every input that once broke the round trip (fuzz crashes included) stays
/// a fixture: it must read without panicking and round-trip.
#[test]
fn fixtures_round_trip() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut checked = 0;
    for (area, dir) in
        [("bib", "bib/fuzz"), ("ris", "ris/fuzz"), ("bib", "bib/roundtrip")]
    {
        let Ok(read_dir) = std::fs::read_dir(root.join(dir)) else { continue };
        let mut paths: Vec<PathBuf> =
            read_dir.map(|e| e.expect("dir entry").path()).collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("fixture");
            let name = path.display().to_string();
            let _ = biblink::ingest::ingest(&path, &name, &bytes);
            let text = String::from_utf8_lossy(&bytes);
            let result = std::panic::catch_unwind(|| match area {
                "bib" => {
                    let parsed = biblink::bib::parse(&text, &name);
                    check_round_trip(&parsed.value.entries);
                    check_store_round_trip(parsed.value.entries);
                }
                _ => {
                    check_store_round_trip(biblink::ris::parse(&text, &name).value);
                }
            });
            assert!(result.is_ok(), "fixture {name} fails the round trip");
            checked += 1;
        }
    }
    assert!(checked > 0, "no fixtures found under {}", root.display());
}

#[test]
fn assert_same_reports_the_first_differing_line() {
    let result = std::panic::catch_unwind(|| assert_same("a\nb\n", "a\nc\n", "differs"));
    let message = result.expect_err("different texts");
    let message = message.downcast_ref::<String>().expect("formatted message");
    assert!(message.contains("line 2"), "{message}");
}

/// The reader on a hand-written file with macros, crossref, comments,
/// accents and a bad entry: the bad entry is reported with its line and
/// skipped, everything else is read, and the result round-trips.
#[test]
fn reads_real_biblatex_features_and_recovers_from_a_bad_entry() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bib/roundtrip/features.biblatex");
    let bytes = std::fs::read(&path).expect("fixture");
    let parsed = biblink::ingest::ingest(&path, "features.biblatex", &bytes);
    let entries = match parsed.value {
        biblink::ingest::Ingested::Entries(biblink::ingest::Format::Bib, entries) => {
            entries
        }
        other => panic!("not read as BibLaTeX: {other:?}"),
    };
    let found: Vec<(&str, u32)> =
        parsed.diagnostics.iter().map(|diag| (diag.code, diag.line)).collect();
    assert_eq!(found, [("BIB006", 19)], "{:?}", parsed.diagnostics);
    let keys: Vec<&str> = entries.iter().map(|entry| entry.key.as_str()).collect();
    assert_eq!(keys, ["chong2019cashless", "vonneumann1950", "editedbook"]);
    let chong = &entries[0];
    assert_eq!(chong.text("journal"), Some("Chinese Journal of Communication"));
    assert_eq!(chong.text("month"), Some("7"));
    assert_eq!(
        chong.text("title"),
        Some("Cashless {China}: 50\\% of {\\em everyday} life")
    );
    assert_eq!(chong.first_family(), Some("Chong"));
    let authors = chong.names("author").expect("authors");
    assert_eq!(authors[1], Name::person("Öztürk", "Karl"));
    assert_eq!(authors[2], Name::Literal("People's Bank of China".into()));
    let neumann = &entries[1];
    assert_eq!(neumann.entry_type, "incollection");
    assert_eq!(neumann.text("crossref"), Some("editedbook"));
    assert_eq!(neumann.text("pages"), Some("12--34"));
    let names = neumann.names("author").expect("authors");
    assert_eq!(
        names[0],
        Name::Person {
            family: "Neumann".into(),
            given: "John".into(),
            prefix: "von".into(),
            suffix: String::new()
        }
    );
    assert_eq!(names[1], Name::person("Conceição", "Maria"));
    assert_eq!(names[2], Name::person("O'Brien", "Seán"));
    check_round_trip(&entries);
    let store_text = check_store_round_trip(entries);
    // Through the store: aliases resolved, year and month become a date.
    assert!(store_text.contains("journaltitle = {Chinese Journal of Communication},"));
    assert!(store_text.contains("date         = {2019-07},"));
    assert!(store_text.contains("location     = {Princeton},"));
}

/// A merge brings in fields in canonical order (the fuzzer found them appended).
#[test]
fn store_merge_keeps_canonical_field_order() {
    let mut first = Entry::new("", "article");
    first.set("author", Value::Names(vec![Name::person("Chong", "Gladys")]), None);
    first.set_text("title", "Cashless China", None);
    first.set_text("date", "2019", None);
    let mut second = first.clone();
    second.set_text("pages", "290--307", None);
    let mut store = biblink::store::Store::new(biblink::bib::key::DEFAULT_PATTERN);
    store.import(vec![first, second]);
    let names: Vec<&str> = store.entries()[0].fields.keys().map(String::as_str).collect();
    assert_eq!(names, ["author", "title", "pages", "date"]);
}

/// FIXME: one entry per work is not kept when a merge completes an entry's
/// identity: here the third record merges into the second by DOI and brings
/// the year that makes it the same work as the first, yet the store keeps
/// two entries until a rebuild imports them again and merges them. This pins
/// the current behaviour; when `Store::import` merges such entries at once,
/// expect 1 entry in both stores.
#[test]
fn store_rebuild_merges_works_that_a_merge_made_identical() {
    let ris = "TY  - JOUR\nAU  - Chong, Gladys\nTI  - Cashless China\nPY  - 2019\nER  - \n\n\
               TY  - JOUR\nAU  - Chong, Gladys\nTI  - Cashless China\nDO  - 10.1080/17544750.2019.1583261\nER  - \n\n\
               TY  - JOUR\nDO  - 10.1080/17544750.2019.1583261\nPY  - 2019\nER  - \n";
    let parsed = biblink::ris::parse(ris, "three.ris");
    assert_eq!(parsed.value.len(), 3);
    let mut store = biblink::store::Store::new(biblink::bib::key::DEFAULT_PATTERN);
    store.import(parsed.value);
    store.sort();
    let reread = biblink::bib::parse(&store.to_bib_string(), "references.bib");
    let mut rebuilt = biblink::store::Store::new(biblink::bib::key::DEFAULT_PATTERN);
    rebuilt.import(reread.value.entries);
    assert_eq!((store.entries().len(), rebuilt.entries().len()), (2, 1));
}
