//! EndNote XML as exporters write it beyond one clean UTF-8 record:
//! `tests/fixtures/endnote/quirks/`, byte-exact files (a UTF-8 BOM with CRLF
//! line ends, UTF-16 with and without a byte order mark, an empty
//! `<record/>`) made by hand; the entries they must give are written below,
//! also by hand. Single-record quirks (no `<style>`, a numeric `<ref-type>`,
//! style runs splitting a name, `doi:` labels, custom fields) are in
//! `tests/fixtures/endnote/valid/`, read by `tests/endnote.rs`.

mod common;

use std::path::{Path, PathBuf};

use biblink::diag::{Diagnostic, Severity};
use biblink::ingest::{Format, Ingested, ingest};
use biblink::model::Entry;
use common::{Project, entry_differences, stderr, stdout};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/endnote/quirks").join(name)
}

/// The entries and diagnostics of a fixture, read as `import` reads a file.
fn import(name: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
    let path = fixture(name);
    let bytes = std::fs::read(&path).expect("fixture");
    let parsed = ingest(&path, name, &bytes);
    match parsed.value {
        Ingested::Entries(Format::EndNote, entries) => (entries, parsed.diagnostics),
        Ingested::Entries(format, _) => panic!("{name} read as {format:?}"),
        Ingested::Skipped => panic!("{name} skipped: {:?}", parsed.diagnostics),
    }
}

/// The entry a hand-written BibLaTeX expectation describes.
fn expected(bib: &str) -> Entry {
    let parsed = biblink::bib::parse(bib, "expected.bib");
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    parsed.value.entries.into_iter().next().expect("one entry")
}

fn lines(entry: &Entry) -> (u32, u32) {
    (entry.sources[0].line_start, entry.sources[0].line_end)
}

/// `(code, severity, line, column)` of each diagnostic.
fn located(diagnostics: &[Diagnostic]) -> Vec<(&'static str, Severity, u32, u32)> {
    diagnostics.iter().map(|d| (d.code, d.severity, d.line, d.column)).collect()
}

const OSTROM: &str = r"@book{ostrom1990governing,
  author = {Ostrom, Elinor},
  title = {Governing the commons},
  date = {1990},
  location = {Cambridge},
  publisher = {Cambridge University Press},
  abstract = {Part one.

Part two.},
}";

const MULLER_THESIS: &str = r"@thesis{muller2018cashless,
  author = {Müller, Jörg},
  title = {Cashless cities},
  type = {phdthesis},
  institution = {ETH Zürich},
  date = {2018},
}";

#[test]
fn bom_crlf_and_an_empty_record() {
    // A UTF-8 BOM, CRLF line ends, `&#xD;&#xD;` in an abstract, an empty
    // `<record/>` between two records and a `<ref-type>` with only its number.
    let (entries, diagnostics) = import("bom-crlf.xml");
    assert_eq!(
        located(&diagnostics),
        [("EN006", Severity::Warning, 12, 1)],
        "{diagnostics:?}"
    );
    assert!(diagnostics[0].message.contains("empty <record/>"), "{diagnostics:?}");
    assert_eq!(entries.len(), 2);
    assert_eq!(entry_differences(&entries[0], &expected(OSTROM)), Vec::<String>::new());
    assert_eq!(lines(&entries[0]), (3, 11));
    assert_eq!(
        entry_differences(&entries[1], &expected(MULLER_THESIS)),
        Vec::<String>::new()
    );
    assert_eq!(lines(&entries[1]), (13, 20));
    // No value keeps a carriage return.
    for entry in &entries {
        for (name, field) in &entry.fields {
            assert!(!format!("{:?}", field.value).contains("\\r"), "{name}");
        }
    }
}

const STADTE: &str = r"@article{muller2019stadte,
  author = {Müller, Jörg and {Weltgesundheitsorganisation}},
  title = {Städte ohne Bargeld – eine Übersicht},
  journaltitle = {Zeitschrift für Soziologie},
  volume = {48},
  date = {2019},
}";

#[test]
fn utf16_with_or_without_a_byte_order_mark_is_decoded() {
    // As EndNote on Windows may save it: UTF-16 (either byte order) with a
    // BOM, CRLF line ends and `encoding="UTF-16"` in the XML declaration.
    // Without a BOM, the ASCII of `<?xml` with a NUL byte after each
    // character tells the byte order.
    for name in ["utf16le-bom.xml", "utf16be-bom.xml", "utf16le-no-bom.xml"] {
        let (entries, diagnostics) = import(name);
        assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
        assert_eq!(entries.len(), 1, "{name}");
        assert_eq!(
            entry_differences(&entries[0], &expected(STADTE)),
            Vec::<String>::new()
        );
        assert_eq!(lines(&entries[0]), (3, 10), "{name}");
    }
}

#[test]
fn utf16_text_handed_over_undecoded_is_refused_by_name() {
    // A library caller that passes the bytes of a UTF-16 file as text
    // (without `decode`): the reader names the encoding instead of failing
    // on the NUL bytes.
    let bytes = std::fs::read(fixture("utf16le-no-bom.xml")).expect("fixture");
    let text = String::from_utf8_lossy(&bytes);
    let parsed = biblink::endnote::parse(&text, "raw.xml");
    assert!(parsed.value.is_empty());
    let errors: Vec<&Diagnostic> =
        parsed.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{:?}", parsed.diagnostics);
    assert_eq!((errors[0].code, errors[0].line, errors[0].column), ("EN001", 1, 1));
    assert!(
        errors[0].message.contains("UTF-16 (little-endian) without a byte order mark"),
        "{}",
        errors[0].message
    );
}

#[test]
fn the_cli_imports_utf16_and_crlf_files() {
    let project = Project::new();
    for name in ["bom-crlf.xml", "utf16le-bom.xml"] {
        project.write(name, std::fs::read(fixture(name)).expect("fixture"));
        let output = project.run(&["import", name]);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
    }
    let provenance = project.read("refs/provenance.jsonl");
    assert!(
        provenance.contains(r#""file":"utf16le-bom.xml","line_start":3,"line_end":10"#)
    );
    let output = project.run(&["export", "--format", "bibtex"]);
    let bib = stdout(&output);
    assert!(bib.contains("ohne Bargeld -- eine"), "{bib}");
    assert!(bib.contains("Ostrom, Elinor"), "{bib}");

    project.write(
        "nobom.xml",
        std::fs::read(fixture("utf16le-no-bom.xml")).expect("fixture"),
    );
    let output = project.run(&["import", "nobom.xml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // The same work as utf16le-bom.xml's: merged, with this file as a second source.
    let provenance = project.read("refs/provenance.jsonl");
    assert!(
        provenance.contains(r#""file":"nobom.xml","line_start":3,"line_end":10"#),
        "{provenance}"
    );
}
