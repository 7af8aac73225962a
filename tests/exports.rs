//! `biblink export --format ris|bibtex`: RIS re-imports to the same entries
//! (up to what RIS cannot carry, listed in `LOSSES`), and the legacy BibTeX is
//! read without complaint by `bibtool` and by the `biblatex` crate in BibTeX
//! mode.

mod common;
#[path = "common/workload.rs"]
mod workload;

use std::collections::BTreeMap;
use std::path::Path;

use biblink::ingest::{Ingested, ingest};
use biblink::model::{Entry, Name, Value};
use biblink::store::Store;

/// What RIS cannot carry, and so what a round trip may change: (field, why).
/// Every difference the round trip finds must be one of these.
const LOSSES: &[(&str, &str)] = &[
    ("subtitle", "no RIS tag: written into TI as `Title: Subtitle`"),
    ("title", "takes the subtitle (above); case-protection braces are not RIS"),
    ("booktitle", "case-protection braces and TeX commands are not RIS"),
    ("journaltitle", "case-protection braces and TeX commands are not RIS"),
    ("author", "`and others` and family-only persons have no RIS form"),
    ("editor", "`and others` and family-only persons have no RIS form"),
    (
        "entry_type",
        "types without a RIS type are written as GEN (read back as @misc); an @incollection whose editor comes by crossref reads back as @inbook",
    ),
    ("crossref", "no RIS tag (RIS records stand alone)"),
    ("langid", "no RIS tag (LA is `language`)"),
    ("note", "no RIS tag of its own (N1 is read as `annotation`)"),
    (
        "url",
        "a database record page (Scopus, Web of Science) is read back as extra data `UR`",
    ),
    ("extra", "… holding that URL (above)"),
    ("urldate", "the reader keeps an access date only beside a URL"),
    (
        "type",
        "the reader's default type of a report (techreport) or thesis (phdthesis) is added",
    ),
];

/// The entries a file imports to: read and normalised as `biblink import` does.
fn imported(path: &Path, text: &str) -> Vec<Entry> {
    let parsed = ingest(path, &path.to_string_lossy(), text.as_bytes());
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    let Ingested::Entries(_, mut entries) = parsed.value else {
        panic!("{} was not read as entries", path.display());
    };
    for entry in &mut entries {
        biblink::normalize::normalize(entry);
    }
    entries
}

/// Round-trips `entries` through RIS and returns the differences, counted
/// by field: (field, example "before ≠ after").
fn ris_round_trip(entries: &[Entry]) -> BTreeMap<String, (usize, String)> {
    let text = biblink::ris::to_ris_string(entries);
    let back = imported(Path::new("export.ris"), &text);
    assert_eq!(back.len(), entries.len(), "every record reads back");
    let mut diffs: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut note = |field: &str, example: String| {
        let slot = diffs.entry(field.to_string()).or_insert((0, example));
        slot.0 += 1;
    };
    for (before, after) in entries.iter().zip(&back) {
        if before.entry_type != after.entry_type {
            note("entry_type", format!("{} ≠ {}", before.entry_type, after.entry_type));
        }
        for (name, field) in &before.fields {
            let after_value = after.fields.get(name).map(|f| &f.value);
            if after_value != Some(&field.value) {
                note(name, format!("{:?} ≠ {:?}", field.value, after_value));
            }
        }
        for name in after.fields.keys() {
            if !before.fields.contains_key(name) {
                note(name, format!("added {:?}", after.fields[name].value));
            }
        }
        let extras = |entry: &Entry| {
            let mut pairs: Vec<(String, String)> =
                entry.extra.iter().map(|e| (e.tag.clone(), e.value.clone())).collect();
            pairs.sort();
            pairs
        };
        let is_ris =
            |tag: &str| tag.len() == 2 && tag.bytes().all(|b| b.is_ascii_alphanumeric());
        let before_extras: Vec<_> =
            extras(before).into_iter().filter(|(tag, _)| is_ris(tag)).collect();
        if before_extras != extras(after) {
            note("extra", format!("{before_extras:?} ≠ {:?}", extras(after)));
        }
    }
    diffs
}

fn assert_only_known_losses(what: &str, diffs: &BTreeMap<String, (usize, String)>) {
    for (field, (count, example)) in diffs {
        eprintln!("{what}: {field}: {count} entries differ, e.g. {example}");
    }
    let unexpected: Vec<_> = diffs
        .iter()
        .filter(|(field, _)| !LOSSES.iter().any(|(known, _)| known == field))
        .collect();
    assert!(unexpected.is_empty(), "{what}: RIS lost more than it must: {unexpected:#?}");
}

fn seed_store() -> Vec<Entry> {
    let store =
        Store::load(&common::repo().join("refs"), biblink::bib::key::DEFAULT_PATTERN)
            .expect("the seeds' store in refs/");
    store.value.entries().to_vec()
}

#[test]
fn ris_round_trip_of_the_seed_store() {
    let entries = seed_store();
    let diffs = ris_round_trip(&entries);
    assert_only_known_losses("seed store", &diffs);
    // Subtitles joined to titles (7 entries) and the report's default type
    // are the only changes there.
    assert!(
        diffs.keys().all(|field| ["subtitle", "title", "type"].contains(&field.as_str())),
        "{diffs:?}"
    );
}

#[test]
fn ris_round_trip_of_the_generated_workloads() {
    let dir = tempfile::tempdir().expect("temp dir");
    for kind in ["bib", "ris"] {
        let path = workload::generated(kind, dir.path());
        let text = std::fs::read_to_string(&path).expect("generated workload");
        let entries = imported(&path, &text);
        let diffs = ris_round_trip(&entries);
        assert_only_known_losses(&format!("generated {kind}"), &diffs);
    }
}

#[test]
fn ris_of_one_entry_by_hand() {
    let mut entry = Entry::new("k", "incollection");
    entry.set("author", Value::Names(vec![Name::person("Hong", "Yu")]), None);
    entry.set("editor", Value::Names(vec![Name::person("Zhao", "Yuezhi")]), None);
    entry.set_text("title", "Networks \\& states", None);
    entry.set_text("booktitle", "Handbook", None);
    entry.set_text("date", "2017-03-05", None);
    entry.set_text("urldate", "2020-01-02", None);
    entry.set_text("url", "https://example.org/", None);
    entry.set_text("annotation", "A note", None);
    let text = biblink::ris::to_ris_string(&[entry]);
    assert_eq!(
        text,
        // CHAP: the table's inbook row (incollection is inbook with an editor);
        // A2 is the editor of a chapter, T2 the book; dates YYYY/MM/DD/.
        "TY  - CHAP\nAU  - Hong, Yu\nA2  - Zhao, Yuezhi\nTI  - Networks & states\nT2  - Handbook\nPY  - 2017\nDA  - 2017/03/05/\nY2  - 2020/01/02/\nUR  - https://example.org/\nN1  - A note\nER  - \n\n"
    );
}

#[test]
fn export_ris_then_import_gives_the_same_store() {
    let first = common::Project::new();
    copy_refs(first.path());
    let ris = first.run(&["export", "--format", "ris"]);
    assert!(ris.status.success(), "{}", common::stderr(&ris));
    let second = common::Project::new();
    second.write("export.ris", &ris.stdout);
    let import = second.run(&["import", "export.ris"]);
    assert!(import.status.success(), "{}", common::stderr(&import));
    let count = |project: &common::Project| {
        let out = project.run(&["export", "--format", "json"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        json.as_array().map_or(0, Vec::len)
    };
    assert_eq!(count(&first), count(&second));
}

fn copy_refs(dir: &Path) {
    let refs = dir.join("refs");
    std::fs::create_dir_all(&refs).expect("refs dir");
    for name in ["references.bib", "provenance.jsonl"] {
        std::fs::copy(common::repo().join("refs").join(name), refs.join(name))
            .expect("copy the seeds' store");
    }
}

/// BibTeX of the seed store and of the 1k generated workload.
fn bibtex_samples() -> Vec<(String, String)> {
    let mut samples =
        vec![("seed store".to_string(), biblink::bib::to_bibtex_string(&seed_store()))];
    let dir = tempfile::tempdir().expect("temp dir");
    let path = workload::generated("bib", dir.path());
    let text = std::fs::read_to_string(&path).expect("generated workload");
    samples.push((
        "generated bib".to_string(),
        biblink::bib::to_bibtex_string(&imported(&path, &text)),
    ));
    samples
}

#[test]
fn bibtex_is_ascii_and_read_by_the_biblatex_crate_in_bibtex_mode() {
    for (what, text) in bibtex_samples() {
        assert!(text.is_ascii(), "{what}: not ASCII");
        let parsed = biblatex::RawBibliography::parse(&text)
            .unwrap_or_else(|error| panic!("{what}: {error:?}"));
        let n_entries = text.matches("\n@").count() + usize::from(text.starts_with('@'));
        assert_eq!(parsed.entries.len(), n_entries, "{what}");
        let bibliography = biblatex::Bibliography::parse(&text)
            .unwrap_or_else(|error| panic!("{what}: {error:?}"));
        for entry in bibliography.iter() {
            // BibTeX fields, not BibLaTeX ones.
            assert!(!entry.fields.contains_key("journaltitle"), "{what}: {}", entry.key);
            assert!(!entry.fields.contains_key("date"), "{what}: {}", entry.key);
            assert!(!entry.fields.contains_key("location"), "{what}: {}", entry.key);
            // BibTeX mode: `year` plus the `month` macro make the date.
            if entry.fields.contains_key("year") {
                assert!(
                    entry.date().is_ok(),
                    "{what}: {}: {:?}",
                    entry.key,
                    entry.date()
                );
            }
        }
    }
}

#[test]
fn bibtex_is_read_by_bibtool_without_messages() {
    let bibtool = Path::new("/usr/bin/bibtool");
    assert!(
        bibtool.exists(),
        "bibtool is missing: install it with `apt-get install bibtool` (CI's .ci/test does)"
    );
    for (what, text) in bibtex_samples() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("out.bib");
        std::fs::write(&file, &text).expect("write");
        let output = std::process::Command::new(bibtool)
            .arg("-q")
            .arg(&file)
            .arg("-o")
            .arg(dir.path().join("checked.bib"))
            .output()
            .expect("run bibtool");
        let messages = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && messages.trim().is_empty(),
            "{what}: {messages}"
        );
    }
}

#[test]
fn bibtex_of_the_seed_article_by_hand() {
    let entries = seed_store();
    let chong: Vec<Entry> =
        entries.into_iter().filter(|e| e.key == "chong2019cashless").collect();
    let text = biblink::bib::to_bibtex_string(&chong);
    let head = "@article{chong2019cashless,
  author       = {Chong, Pak Lei Gladys},
  title        = {Cashless China: Securitization of everyday life through Alipay's social credit system---Sesame Credit},
  journal      = {Chinese Journal of Communication},
  year         = {2019},
  month        = jul,
  volume       = {12},
  number       = {3},
  pages        = {290--307},
";
    assert!(text.starts_with(head), "{text}");
    assert!(
        text.contains("  doi          = {10.1080/17544750.2019.1583261},\n"),
        "{text}"
    );
}
