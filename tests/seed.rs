//! Golden test: the seed RIS record imports to exactly the entry the issue
//! describes (values written here by hand from the issue and the seed file).

mod common;

use biblink::model::{Name, Value};
use biblink::store::Store;

const SEED: &str = "seeds/002_5def3547d2eca7fe.txt";

fn seed_entry() -> biblink::model::Entry {
    let path = common::repo().join(SEED);
    let bytes = std::fs::read(&path).expect("seed file in seeds/");
    let parsed = biblink::ingest::ingest(&path, SEED, &bytes);
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    let biblink::ingest::Ingested::Entries(_, entries) = parsed.value else {
        panic!("the seed must be detected as RIS");
    };
    let mut store = Store::new(biblink::bib::key::DEFAULT_PATTERN);
    let (report, diagnostics) = store.import(entries);
    assert_eq!(report.added, 1);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    store.entries()[0].clone()
}

#[test]
fn seed_ris_record_is_the_described_entry() {
    let entry = seed_entry();
    assert_eq!(entry.key, "chong2019cashless");
    assert_eq!(entry.entry_type, "article");
    assert_eq!(
        entry.names("author"),
        Some(&[Name::person("Chong", "Pak Lei Gladys")][..]),
        "one author, family name first"
    );
    let expected: &[(&str, &str)] = &[
        ("title", "Cashless China"),
        (
            "subtitle",
            "Securitization of everyday life through Alipay’s social credit system—Sesame Credit",
        ),
        ("journaltitle", "Chinese Journal of Communication"),
        ("volume", "12"),
        ("number", "3"),
        ("pages", "290--307"),
        ("date", "2019-07"),
        ("issn", "1754-4750"),
        ("doi", "10.1080/17544750.2019.1583261"),
        (
            "keywords",
            "(data) surveillance, Alipay, Chinese youth, credit, governmental practices, privacy, Sesame Credit",
        ),
    ];
    for (field, value) in expected {
        assert_eq!(entry.text(field), Some(*value), "field {field}");
    }
    let abstract_ = entry.text("abstract").expect("abstract");
    assert!(
        abstract_
            .starts_with("This study on Alipay’s social credit system, Sesame Credit,")
    );
    assert!(
        abstract_.ends_with("privacy and surveillance practices in contemporary China.")
    );
    // N2 and AB hold the same text: one abstract, not two joined.
    assert_eq!(abstract_.matches("This study on").count(), 1);
    // The funding note is kept (not printed by standard styles) without the wrap.
    assert!(
        entry
            .text("annotation")
            .is_some_and(|n| n.starts_with("Funding Information: The research"))
    );
    // Nothing else: no journal from T2, no Scopus record URL, no duplicate DOI.
    let mut names: Vec<&str> = entry.fields.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "abstract",
            "annotation",
            "author",
            "date",
            "doi",
            "issn",
            "journaltitle",
            "keywords",
            "number",
            "pages",
            "subtitle",
            "title",
            "volume"
        ]
    );
    assert!(matches!(entry.fields["author"].value, Value::Names(_)));
}

#[test]
fn seed_provenance_points_at_the_lines() {
    let entry = seed_entry();
    assert_eq!(entry.sources.len(), 1);
    assert_eq!(entry.sources[0].file, SEED);
    assert_eq!((entry.sources[0].line_start, entry.sources[0].line_end), (1, 30));
    let line_of =
        |field: &str| entry.fields[field].origin.map(|o| (o.line_start, o.line_end));
    assert_eq!(line_of("title"), Some((2, 2)));
    assert_eq!(line_of("subtitle"), Some((3, 3)));
    assert_eq!(line_of("author"), Some((4, 4)));
    assert_eq!(line_of("annotation"), Some((5, 6)));
    assert_eq!(line_of("doi"), Some((20, 20)));
    // The accession number and the Scopus record page are kept beside the entry.
    let extra: Vec<(&str, &str)> =
        entry.extra.iter().map(|e| (e.tag.as_str(), e.value.as_str())).collect();
    assert!(extra.contains(&("AN", "SCOPUS:85062797592")));
    assert!(
        extra.iter().any(|(tag, value)| *tag == "UR" && value.contains("scopus.com"))
    );
    assert!(!extra.iter().any(|(tag, _)| *tag == "U2"), "U2 only repeats the DOI");
}

#[test]
fn committed_store_is_what_build_gives() {
    let project = common::Project::new();
    for file in std::fs::read_dir(common::repo().join("seeds")).expect("seeds/") {
        let file = file.expect("dir entry").path();
        let name = file.file_name().expect("file name").to_string_lossy().into_owned();
        project.write(&format!("seeds/{name}"), std::fs::read(&file).expect("read seed"));
    }
    let output = project.run(&["build"]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    let committed = |name: &str| {
        std::fs::read_to_string(common::repo().join("refs").join(name))
            .unwrap_or_default()
    };
    assert_eq!(
        project.read("refs/references.bib"),
        committed("references.bib"),
        "refs/ is stale: run `cargo run -- build`"
    );
    assert_eq!(project.read("refs/provenance.jsonl"), committed("provenance.jsonl"));
    // A second build changes nothing.
    let first = project.read("refs/references.bib");
    assert!(project.run(&["build"]).status.success());
    assert_eq!(project.read("refs/references.bib"), first);
}
