//! EndNote XML import: the hand-made fixtures of `tests/fixtures/endnote/`.
//!
//! `valid/NAME.xml` is an EndNote export of one record written by hand; the
//! `valid/NAME.bib` beside it is the entry biblink must make of it, also
//! written by hand: the entry type and every field (the key is not compared),
//! `% lines A-B` the record's line range and one `% extra PATH = VALUE` line
//! per element kept as extra data. `invalid/` holds the bad input.

mod common;

use std::path::{Path, PathBuf};

use biblink::diag::Severity;
use common::{Project, entry_differences, stderr};

fn fixtures(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/endnote").join(kind)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// What a `.bib` expectation says beyond the entry: line range and extra data.
fn expected_comments(bib: &str) -> ((u32, u32), Vec<(String, String)>) {
    let mut lines = (0, 0);
    let mut extras = Vec::new();
    for line in bib.lines() {
        if let Some(range) = line.strip_prefix("% lines ") {
            let (start, end) = range.split_once('-').expect("% lines A-B");
            lines =
                (start.trim().parse().expect("line"), end.trim().parse().expect("line"));
        } else if let Some(extra) = line.strip_prefix("% extra ") {
            let (tag, value) = extra.split_once(" = ").expect("% extra PATH = VALUE");
            extras.push((tag.to_string(), value.to_string()));
        }
    }
    (lines, extras)
}

#[test]
fn every_valid_fixture_imports_to_its_hand_written_entry() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures("valid"))
        .expect("fixtures")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "xml"))
        .collect();
    names.sort();
    let mut types = std::collections::BTreeSet::new();
    let mut report = Vec::new();
    for xml_path in &names {
        let name = xml_path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let bib_path = xml_path.with_extension("bib");
        let bib = read(&bib_path);
        let expected = biblink::bib::parse(&bib, "expected.bib");
        assert!(!expected.has_errors(), "{name}.bib: {:?}", expected.diagnostics);
        assert_eq!(expected.value.entries.len(), 1, "{name}.bib has one entry");
        let expected_entry = &expected.value.entries[0];
        let ((line_start, line_end), expected_extras) = expected_comments(&bib);

        let xml = read(xml_path);
        let file = format!("{name}.xml");
        assert!(biblink::endnote::looks_like_endnote(&xml), "{name}");
        let parsed = biblink::endnote::parse(&xml, &file);
        let problems: Vec<String> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .map(|d| d.render())
            .collect();
        if !problems.is_empty() {
            report.push(format!("{name}: diagnostics {problems:?}"));
        }
        assert_eq!(parsed.value.len(), 1, "{name}: {:?}", parsed.diagnostics);
        let entry = &parsed.value[0];
        types.insert(entry.entry_type.clone());
        for difference in entry_differences(entry, expected_entry) {
            report.push(format!("{name}: {difference}"));
        }
        let source = &entry.sources[0];
        if (source.file.as_str(), source.line_start, source.line_end)
            != (file.as_str(), line_start, line_end)
        {
            report.push(format!(
                "{name}: source {}:{}-{}, expected {file}:{line_start}-{line_end}",
                source.file, source.line_start, source.line_end
            ));
        }
        let mut extras: Vec<(String, String)> =
            entry.extra.iter().map(|e| (e.tag.clone(), e.value.clone())).collect();
        let mut expected_extras = expected_extras;
        extras.sort();
        expected_extras.sort();
        if extras != expected_extras {
            report.push(format!(
                "{name}: extra data {extras:?}, expected {expected_extras:?}"
            ));
        }
        // Every extra and field lies inside the record.
        for extra in &entry.extra {
            assert!((line_start..=line_end).contains(&extra.line), "{name}: {extra:?}");
        }
    }
    assert!(names.len() >= 12, "{} fixtures", names.len());
    assert!(types.len() >= 10, "entry types covered: {types:?}");
    assert!(report.is_empty(), "differences:\n{}", report.join("\n"));
}

#[test]
fn every_fixture_has_its_expectation_and_no_orphans() {
    for entry in std::fs::read_dir(fixtures("valid")).expect("fixtures") {
        let path = entry.expect("dir entry").path();
        let other = match path.extension().and_then(|e| e.to_str()) {
            Some("xml") => path.with_extension("bib"),
            Some("bib") => path.with_extension("xml"),
            _ => panic!("unexpected file {}", path.display()),
        };
        assert!(other.exists(), "{} has no {}", path.display(), other.display());
    }
}

/// `(code, line, column)` of an error.
type Located = (&'static str, u32, u32);

/// The errors of a file, its number of entries and every rendered diagnostic.
fn errors(name: &str) -> (Vec<Located>, usize, Vec<String>) {
    let path = fixtures("invalid").join(name);
    let text = read(&path);
    let parsed = biblink::endnote::parse(&text, name);
    let errors = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.code, d.line, d.column))
        .collect();
    let messages = parsed.diagnostics.iter().map(|d| d.render()).collect();
    (errors, parsed.value.len(), messages)
}

#[test]
fn truncated_file_keeps_the_complete_record_and_reports_the_cut() {
    let (errors, n_entries, messages) = errors("truncated.xml");
    // The file ends inside the second record's <style> (9:16), opened at 7:1.
    assert_eq!(errors, [("EN003", 10, 1)], "{messages:?}");
    assert!(messages[0].contains("<style> opened at 9:16"), "{messages:?}");
    assert!(messages[0].contains("record opened at 7:1"), "{messages:?}");
    assert_eq!(n_entries, 1);
}

#[test]
fn wrong_root_is_not_endnote() {
    let (errors, n_entries, messages) = errors("wrong-root.xml");
    assert_eq!(errors, [("EN001", 2, 1)], "{messages:?}");
    assert!(messages[0].contains("root element is <references>"), "{messages:?}");
    assert_eq!(n_entries, 0);
}

#[test]
fn empty_file_is_an_error() {
    let (errors, n_entries, _) = errors("empty.xml");
    assert_eq!(errors, [("EN001", 1, 1)]);
    assert_eq!(n_entries, 0);
}

#[test]
fn external_entities_are_reported_and_never_resolved() {
    let (errors, n_entries, messages) = errors("doctype-external-entity.xml");
    assert_eq!(
        errors,
        [("EN007", 2, 1), ("EN007", 2, 1), ("EN008", 9, 24)],
        "{messages:?}"
    );
    assert!(messages[0].contains("'secret'") && messages[1].contains("'remote'"));
    // The record is read, the entity left out: nothing of /etc/passwd in it.
    let text = read(&fixtures("invalid").join("doctype-external-entity.xml"));
    let parsed = biblink::endnote::parse(&text, "x.xml");
    assert_eq!(n_entries, 1);
    assert_eq!(parsed.value[0].text("title"), Some("Leaking here"));
}

#[test]
fn a_record_without_ref_type_is_an_error_and_the_next_is_read() {
    let (errors, n_entries, messages) = errors("no-ref-type.xml");
    assert_eq!(errors, [("EN004", 3, 1)], "{messages:?}");
    assert_eq!(n_entries, 1);
}

#[test]
fn an_unclosed_element_is_reported_where_it_opened() {
    let (errors, n_entries, messages) = errors("mismatched-tag.xml");
    assert_eq!(errors, [("EN003", 5, 9)], "{messages:?}");
    assert!(messages[0].contains("<title> opened at 5:9 is not closed before </titles>"));
    assert_eq!(n_entries, 2);
}

#[test]
fn the_cli_imports_endnote_xml_and_refuses_bad_files_without_writing() {
    let project = Project::new();
    let journal = read(&fixtures("valid").join("journal-article.xml"));
    project.write("refs.xml", &journal);
    let output = project.run(&["import", "refs.xml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let store = project.read("refs/refs.bib");
    let listing: Vec<String> = std::fs::read_dir(project.path().join("refs"))
        .map(|dir| {
            dir.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()
        })
        .unwrap_or_default();
    let stored: String = listing
        .iter()
        .filter(|name| name.ends_with(".bib"))
        .map(|name| project.read(&format!("refs/{name}")))
        .collect::<String>()
        + &store;
    assert!(stored.contains("Cashless China"), "{listing:?}");
    let provenance = project.read("refs/provenance.jsonl");
    assert!(
        provenance.contains(r#""file":"refs.xml","line_start":3,"line_end":36"#),
        "{provenance}"
    );
    assert!(
        provenance.contains(r#""tag":"accession-num","value":"WOS:000468712300002""#),
        "{provenance}"
    );

    let snapshot = snapshot(project.path().join("refs").as_path());
    for bad in [
        "truncated.xml",
        "wrong-root.xml",
        "empty.xml",
        "doctype-external-entity.xml",
        "no-ref-type.xml",
        "mismatched-tag.xml",
    ] {
        project.write(bad, read(&fixtures("invalid").join(bad)));
        let output = project.run(&["import", bad]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{bad}: {err}");
        assert!(err.contains(&format!("{bad}:")), "{bad}: {err}");
        assert!(!err.contains("panicked"), "{bad}: {err}");
        assert_eq!(
            snapshot,
            self::snapshot(project.path().join("refs").as_path()),
            "{bad}"
        );
    }
}

/// Every file of a directory with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().is_file())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
