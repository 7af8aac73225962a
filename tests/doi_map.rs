//! Every recorded registry record in `../shared/data/crossref/` (Crossref
//! `works/`, DataCite `datacite/`, content-negotiation `cn/csl-json_*`)
//! mapped onto the model and checked against expectations written by hand
//! from the fixtures; the DOI path encodings checked against the recorded
//! request paths; the seed article checked against the stored seed entry.

use std::path::{Path, PathBuf};

use biblink::doi::Doi;
use biblink::doi::map::{
    ORCID_TAG, entry_from_crossref, entry_from_csl, entry_from_datacite,
    publication_years, same_title,
};
use biblink::model::{Entry, Name};
use serde_json::Value as Json;

/// The shared fixture directory; a missing one fails the test (never skips).
fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/crossref");
    assert!(
        dir.join("index.json").is_file(),
        "the recorded registry responses are missing: expected {} with index.json \
         (the shared data set sits beside the repository, see its README)",
        dir.display()
    );
    dir
}

fn load(relative: &str) -> Json {
    let path = data_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

#[derive(Debug, Clone, Copy)]
enum Reader {
    /// Crossref REST records and the Crossref-flavoured CSL-JSON of doi.org.
    Crossref,
    DataCite,
}

/// The first name as the fixture gives it.
#[derive(Debug, Clone, Copy)]
enum First {
    Person(&'static str, &'static str),
    Literal(&'static str),
}

/// What a fixture must map to, read off the JSON by hand.
struct Expected {
    file: &'static str,
    reader: Reader,
    entry_type: &'static str,
    n_authors: usize,
    first_author: First,
    /// Title without markup, in BibLaTeX source form.
    title: &'static str,
    subtitle: Option<&'static str>,
    /// `date` in EDTF; `None` when the record has no date at all.
    date: Option<&'static str>,
    /// Container field and value.
    container: Option<(&'static str, &'static str)>,
    pages: Option<&'static str>,
    eid: Option<&'static str>,
    doi: &'static str,
    /// Further fields that must hold exactly this text (`None`: absent).
    fields: &'static [(&'static str, Option<&'static str>)],
    /// How many ORCID lines the extra data holds.
    n_orcids: usize,
}

const EXPECTED: &[Expected] = &[
    Expected {
        file: "works/journal-article_10.1080_17544750.2019.1583261.json",
        reader: Reader::Crossref,
        entry_type: "article",
        n_authors: 1,
        first_author: First::Person("Chong", "Pak Lei Gladys"),
        // Crossref joins title and subtitle; the mapping keeps what it says.
        title: "Cashless China: Securitization of everyday life through Alipay’s social credit system—Sesame Credit",
        subtitle: None,
        date: Some("2019-07"),
        container: Some(("journaltitle", "Chinese Journal of Communication")),
        pages: Some("290--307"),
        eid: None,
        doi: "10.1080/17544750.2019.1583261",
        fields: &[
            ("volume", Some("12")),
            ("number", Some("3")),
            ("issn", Some("1754-4750")),
            ("publisher", Some("Informa UK Limited")),
            ("langid", Some("english")),
            // The short container title equals the full one.
            ("shortjournal", None),
            ("url", None),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "works/journal-article_10.1371_journal.pone.0033693.json",
        reader: Reader::Crossref,
        entry_type: "article",
        n_authors: 6,
        first_author: First::Person("Sadasivan", "Shankar"),
        title: "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in the Basal Ganglia of Mice",
        subtitle: None,
        // Online only: `issued` = `published-online`.
        date: Some("2012-03-21"),
        container: Some(("journaltitle", "PLoS ONE")),
        // PLOS puts its article number in `page`.
        pages: Some("e33693"),
        eid: None,
        doi: "10.1371/journal.pone.0033693",
        fields: &[
            ("volume", Some("7")),
            ("number", Some("3")),
            ("issn", Some("1932-6203")),
            ("publisher", Some("Public Library of Science (PLoS)")),
            // The academic (handling) editor is kept as extra data only.
            ("editor", None),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "works/journal-article_10.1136_jclinpath-2020-206745.json",
        reader: Reader::Crossref,
        entry_type: "article",
        n_authors: 15,
        first_author: First::Person("Xu", "Jun"),
        title: "Construction of a reference material panel for detecting KRAS/NRAS/EGFR/BRAF/MET mutations in plasma ctDNA",
        subtitle: None,
        // published-print 2021-05 wins over issued (= online) 2020-08-17.
        date: Some("2021-05"),
        container: Some(("journaltitle", "Journal of Clinical Pathology")),
        pages: Some("314--320"),
        eid: None,
        doi: "10.1136/jclinpath-2020-206745",
        fields: &[
            ("volume", Some("74")),
            ("number", Some("5")),
            ("issn", Some("0021-9746")),
            ("shortjournal", Some("J Clin Pathol")),
            ("publisher", Some("BMJ")),
        ],
        n_orcids: 1,
    },
    Expected {
        file: "works/journal-article_10.17705_1cais.04607.json",
        reader: Reader::Crossref,
        entry_type: "article",
        // Four persons and four universities deposited as authors: kept as given.
        n_authors: 8,
        first_author: First::Person("Schryen", "Guido"),
        title: "A Knowledge Development Perspective on Literature Reviews: Validation of a new Typology in the IS Field",
        subtitle: None,
        date: Some("2021"),
        container: Some((
            "journaltitle",
            "Communications of the Association for Information Systems",
        )),
        pages: Some("134--186"),
        eid: None,
        doi: "10.17705/1cais.04607",
        fields: &[
            ("volume", Some("49")),
            ("number", Some("1")),
            ("shortjournal", Some("CAIS")),
            ("issn", Some("1529-3181")),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "works/journal-article_10.5334_jors.182.json",
        reader: Reader::Crossref,
        entry_type: "article",
        n_authors: 2,
        first_author: First::Person("Carlsson", "Kristoffer"),
        title: "Tensors.jl — Tensor Computations in Julia",
        subtitle: None,
        // published-print 2019-03-21 is more precise than issued 2019.
        date: Some("2019-03-21"),
        container: Some(("journaltitle", "Journal of Open Research Software")),
        pages: None,
        eid: None,
        doi: "10.5334/jors.182",
        fields: &[
            ("volume", Some("7")),
            ("number", None),
            ("issn", Some("2049-9647")),
            ("publisher", Some("Ubiquity Press, Ltd.")),
        ],
        n_orcids: 2,
    },
    Expected {
        file: "works/journal-article_10.1103_physrevb.89.235131.json",
        reader: Reader::Crossref,
        entry_type: "article",
        n_authors: 8,
        first_author: First::Person("Dun", "Z. L."),
        title: "LaSrVO4: A candidate for the spin-orbital liquid state",
        subtitle: None,
        date: Some("2014-06-26"),
        container: Some(("journaltitle", "Physical Review B")),
        pages: None,
        eid: Some("235131"),
        doi: "10.1103/physrevb.89.235131",
        fields: &[
            ("volume", Some("89")),
            ("number", Some("23")),
            ("issn", Some("1098-0121")),
            ("shortjournal", Some("Phys. Rev. B")),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "works/journal-article_10.1103_physrevlett.126.162501.json",
        reader: Reader::Crossref,
        entry_type: "article",
        n_authors: 71,
        // The given name holds a thin space (U+2009) in the record.
        first_author: First::Person("Bernauer", "J. C."),
        title: "Measurement of the Charge-Averaged Elastic Lepton-Proton Scattering Cross Section by the OLYMPUS Experiment",
        subtitle: None,
        date: Some("2021-04-21"),
        container: Some(("journaltitle", "Physical Review Letters")),
        pages: None,
        eid: Some("162501"),
        doi: "10.1103/physrevlett.126.162501",
        fields: &[
            ("volume", Some("126")),
            ("number", Some("16")),
            ("issn", Some("0031-9007")),
        ],
        n_orcids: 2,
    },
    Expected {
        file: "works/proceedings-article_10.1109_icdcsw.2003.1203662.json",
        reader: Reader::Crossref,
        entry_type: "inproceedings",
        n_authors: 2,
        first_author: First::Person("Arya", "V."),
        title: "Accurate and explicit differentiation of wireless and congestion losses",
        subtitle: None,
        // `issued` is [[null]] and no other date is given.
        date: None,
        container: Some((
            "booktitle",
            "23rd International Conference on Distributed Computing Systems Workshops, 2003. Proceedings.",
        )),
        pages: Some("877--882"),
        eid: None,
        doi: "10.1109/icdcsw.2003.1203662",
        fields: &[
            (
                "eventtitle",
                Some(
                    "23rd International Conference on Distributed Computing Systems Workshops, 2003.",
                ),
            ),
            ("venue", Some("Providence, Rhode Island, USA")),
            ("publisher", Some("IEEE")),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "works/book-chapter_10.1007_978-3-662-46370-3_13.json",
        reader: Reader::Crossref,
        entry_type: "incollection",
        n_authors: 2,
        first_author: First::Person("Diercks", "Ronald L."),
        title: "Clinical Symptoms and Physical Examinations",
        subtitle: None,
        date: Some("2015"),
        container: Some(("booktitle", "Shoulder Stiffness")),
        pages: Some("155--158"),
        eid: None,
        doi: "10.1007/978-3-662-46370-3_13",
        fields: &[
            ("isbn", Some("9783662463697")),
            ("publisher", Some("Springer Berlin Heidelberg")),
            ("location", Some("Berlin, Heidelberg")),
            ("langid", Some("english")),
            // The fixture is listed as covering editors, but has none.
            ("editor", None),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "works/monograph_10.1017_9781108348843.json",
        reader: Reader::Crossref,
        entry_type: "book",
        n_authors: 1,
        first_author: First::Person("Leung", "Vincent S."),
        title: "The Politics of the Past in Early China",
        subtitle: None,
        date: Some("2019-07-18"),
        container: None,
        pages: None,
        eid: None,
        doi: "10.1017/9781108348843",
        fields: &[
            // The first print ISBN; the electronic one and the second print one are extra.
            ("isbn", Some("9781108425728")),
            ("publisher", Some("Cambridge University Press")),
            // `edition-number` is 1.
            ("edition", None),
            // Listed as covering publisher-location, but the record has none.
            ("location", None),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "works/dissertation_10.14264_uql.2020.791.json",
        reader: Reader::Crossref,
        entry_type: "thesis",
        n_authors: 1,
        first_author: First::Person("Collingwood", "Patricia Maree"),
        title: "School truancy and financial independence during emerging adulthood: a longitudinal analysis of receipt of and reliance on cash transfers",
        subtitle: None,
        // `issued` is [[null]]; the `approved` date stands in.
        date: Some("2020-05-25"),
        container: None,
        pages: None,
        eid: None,
        doi: "10.14264/uql.2020.791",
        fields: &[
            ("type", Some("phdthesis")),
            ("institution", Some("The University of Queensland")),
            ("publisher", Some("University of Queensland Library")),
        ],
        n_orcids: 1,
    },
    Expected {
        file: "works/dataset_10.2210_pdb4hhb_pdb.json",
        reader: Reader::Crossref,
        entry_type: "dataset",
        n_authors: 2,
        first_author: First::Person("Fermi", "G."),
        title: "THE CRYSTAL STRUCTURE OF HUMAN DEOXYHAEMOGLOBIN AT 1.74 ANGSTROMS RESOLUTION",
        subtitle: Some("4hhb"),
        // published-print 1984-07-17 comes before issued 1984-03-07.
        date: Some("1984-07-17"),
        // "Worldwide Protein Data Bank" has no dataset field: extra data.
        container: None,
        pages: None,
        eid: None,
        doi: "10.2210/pdb4hhb/pdb",
        fields: &[
            ("publisher", Some("Worldwide Protein Data Bank")),
            // The institution is the publisher: not repeated.
            ("organization", None),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "works/posted-content_10.1101_2020.12.01.406702.json",
        reader: Reader::Crossref,
        entry_type: "online",
        n_authors: 8,
        first_author: First::Person("Joyce", "Luke R."),
        title: "Identification of a novel cationic glycolipid in Streptococcus agalactiae that contributes to brain entry and meningitis",
        subtitle: None,
        date: Some("2020-12-01"),
        container: None,
        pages: None,
        eid: None,
        doi: "10.1101/2020.12.01.406702",
        fields: &[
            ("pubstate", Some("prepublished")),
            ("organization", Some("bioRxiv")),
            ("publisher", Some("openRxiv")),
        ],
        n_orcids: 8,
    },
    Expected {
        file: "works/report_10.4095_110861.json",
        reader: Reader::Crossref,
        entry_type: "report",
        n_authors: 1,
        first_author: First::Literal("Geological Survey of Canada"),
        title: "Fargey Creek, Manitoba",
        subtitle: None,
        date: Some("1964"),
        container: None,
        pages: None,
        eid: None,
        doi: "10.4095/110861",
        fields: &[
            ("institution", Some("Natural Resources Canada/CMSS/Information Management")),
            ("publisher", None),
            // `URL` is the dx.doi.org link.
            ("url", None),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "cn/csl-json_10.1126_science.169.3946.635.json",
        reader: Reader::Crossref,
        entry_type: "article",
        n_authors: 1,
        first_author: First::Person("Frank", "Henry S."),
        title: "The Structure of Ordinary Water",
        subtitle: Some(
            "New data and interpretations are yielding new insights into this fascinating substance.",
        ),
        date: Some("1970-08-14"),
        container: Some(("journaltitle", "Science")),
        pages: Some("635--641"),
        eid: None,
        doi: "10.1126/science.169.3946.635",
        fields: &[
            ("volume", Some("169")),
            ("number", Some("3946")),
            // No `issn-type` in CSL-JSON: the first listed (print) ISSN.
            ("issn", Some("0036-8075")),
            ("shortjournal", None),
            (
                "publisher",
                Some("American Association for the Advancement of Science (AAAS)"),
            ),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "datacite/datacite_10.48550_arxiv.1902.02534.json",
        reader: Reader::DataCite,
        entry_type: "online",
        n_authors: 3,
        first_author: First::Person("Heibi", "Ivan"),
        title: "Crowdsourcing open citations with CROCI -- An analysis of the current status of open citations, and a proposal",
        subtitle: None,
        date: Some("2019"),
        container: None,
        pages: None,
        eid: None,
        doi: "10.48550/arxiv.1902.02534",
        fields: &[
            ("eprint", Some("1902.02534")),
            ("eprinttype", Some("arxiv")),
            ("pubstate", Some("prepublished")),
            ("publisher", Some("arXiv")),
            ("version", Some("2")),
            ("url", Some("https://arxiv.org/abs/1902.02534")),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "datacite/datacite_10.5061_dryad.8515.json",
        reader: Reader::DataCite,
        entry_type: "dataset",
        n_authors: 8,
        first_author: First::Person("Ollomo", "Benjamin"),
        title: "Data from: A new malaria agent in African hominids.",
        subtitle: None,
        // The `Issued` date-time 2011-02-01T17:22:41Z.
        date: Some("2011-02-01"),
        container: None,
        pages: None,
        eid: None,
        doi: "10.5061/dryad.8515",
        fields: &[
            ("publisher", Some("Dryad")),
            ("version", Some("1")),
            ("langid", Some("english")),
            ("url", Some("https://datadryad.org/dataset/doi:10.5061/dryad.8515")),
        ],
        n_orcids: 0,
    },
    Expected {
        file: "datacite/datacite_10.7910_dvn_nj7xso.json",
        reader: Reader::DataCite,
        entry_type: "dataset",
        n_authors: 1,
        first_author: First::Literal(
            "International Genetics of Ankylosing Spondylitis Consortium (IGAS)",
        ),
        title: "Summary data ankylosing spondylitis GWAS",
        subtitle: None,
        date: Some("2017"),
        container: None,
        pages: None,
        eid: None,
        doi: "10.7910/dvn/nj7xso",
        fields: &[
            ("publisher", Some("Harvard Dataverse")),
            ("version", Some("1.0")),
            // The contributor is a contact person, not an editor.
            ("editor", None),
        ],
        n_orcids: 0,
    },
];

fn map(expected: &Expected) -> Entry {
    let record = load(expected.file);
    let mapped = match expected.reader {
        Reader::Crossref => entry_from_crossref(&record),
        Reader::DataCite => entry_from_datacite(&record),
    };
    mapped.unwrap_or_else(|error| panic!("{}: {error}", expected.file))
}

#[test]
fn every_fixture_maps_as_read_by_hand() {
    for expected in EXPECTED {
        let entry = map(expected);
        let file = expected.file;
        assert_eq!(entry.entry_type, expected.entry_type, "{file}: type");
        let authors = entry.names("author").unwrap_or_default();
        assert_eq!(authors.len(), expected.n_authors, "{file}: number of authors");
        let first = match expected.first_author {
            First::Person(family, given) => Name::person(family, given),
            First::Literal(literal) => Name::Literal(literal.to_string()),
        };
        assert_eq!(authors.first(), Some(&first), "{file}: first author");
        assert_eq!(entry.text("title"), Some(expected.title), "{file}: title");
        assert_eq!(entry.text("subtitle"), expected.subtitle, "{file}: subtitle");
        assert_eq!(entry.text("date"), expected.date, "{file}: date");
        for container in ["journaltitle", "booktitle"] {
            let want = expected.container.filter(|(field, _)| *field == container);
            assert_eq!(
                entry.text(container),
                want.map(|(_, value)| value),
                "{file}: {container}"
            );
        }
        assert_eq!(entry.text("pages"), expected.pages, "{file}: pages");
        assert_eq!(entry.text("eid"), expected.eid, "{file}: eid");
        assert_eq!(entry.text("doi"), Some(expected.doi), "{file}: doi");
        for (field, value) in expected.fields {
            assert_eq!(entry.text(field), *value, "{file}: {field}");
            if value.is_none() {
                assert!(entry.names(field).is_none(), "{file}: {field} should be absent");
            }
        }
        let n_orcids = entry.extra.iter().filter(|extra| extra.tag == ORCID_TAG).count();
        assert_eq!(n_orcids, expected.n_orcids, "{file}: ORCID lines");
        // Nothing is left with markup or with the indentation of the XML.
        for (name, field) in &entry.fields {
            if let biblink::model::Value::Text(text) = &field.value {
                assert!(
                    !text.contains("<i>") && !text.contains("mml:"),
                    "{file}: {name}"
                );
                assert!(!text.contains('\n') && !text.contains("  "), "{file}: {name}");
            }
        }
        assert!(entry.key.is_empty() && entry.sources.is_empty(), "{file}");
    }
}

#[test]
fn every_fixture_has_expectations() {
    let dir = data_dir();
    let mut files = Vec::new();
    for (folder, keep) in [
        ("works", (|_: &str| true) as fn(&str) -> bool),
        ("datacite", |_| true),
        ("cn", |name| name.starts_with("csl-json_")),
    ] {
        let entries = std::fs::read_dir(dir.join(folder))
            .unwrap_or_else(|error| panic!("cannot list {folder}: {error}"));
        for entry in entries {
            let name = entry.expect("directory entry").file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".json") && keep(&name) {
                files.push(format!("{folder}/{name}"));
            }
        }
    }
    files.sort();
    let mut covered: Vec<String> = EXPECTED.iter().map(|e| e.file.to_string()).collect();
    covered.sort();
    assert_eq!(files, covered, "a fixture without expectations, or one that is gone");
}

#[test]
fn orcids_and_organisations_of_the_collaboration_paper() {
    let expected = EXPECTED
        .iter()
        .find(|e| e.file.contains("physrevlett"))
        .expect("the 71-author fixture is listed");
    let entry = map(expected);
    let authors = entry.names("author").unwrap_or_default();
    assert_eq!(authors.last(), Some(&Name::Literal("OLYMPUS Collaboration".into())));
    assert_eq!(authors.iter().filter(|name| matches!(name, Name::Literal(_))).count(), 1);
    let first_orcid = entry.extra.iter().find(|extra| extra.tag == ORCID_TAG);
    assert_eq!(
        first_orcid.map(|extra| extra.value.as_str()),
        Some("Bernauer, J. C.: https://orcid.org/0000-0001-9956-2115")
    );
    // The second ISSN is kept as extra data.
    assert!(
        entry.extra.iter().any(|extra| extra.tag == "issn" && extra.value == "1079-7114")
    );
}

#[test]
fn organisations_deposited_as_authors_are_kept_as_literal_names() {
    let expected = EXPECTED.iter().find(|e| e.file.contains("1cais")).expect("listed");
    let entry = map(expected);
    let literals: Vec<&Name> = entry
        .names("author")
        .unwrap_or_default()
        .iter()
        .filter(|name| matches!(name, Name::Literal(_)))
        .collect();
    assert_eq!(
        literals,
        [
            &Name::Literal("Paderborn University".into()),
            &Name::Literal("University of Regensburg".into()),
            &Name::Literal("University of Technology Darmstadt".into()),
            &Name::Literal("HEC Montréal".into()),
        ]
    );
}

#[test]
fn plos_academic_editor_is_extra_data() {
    let entry = map(EXPECTED.iter().find(|e| e.file.contains("pone")).expect("listed"));
    let editors: Vec<&str> = entry
        .extra
        .iter()
        .filter(|extra| extra.tag == "editor")
        .map(|extra| extra.value.as_str())
        .collect();
    assert_eq!(editors, ["Borlongan, Cesario V."]);
}

#[test]
fn dataset_repository_and_monograph_isbns_are_extra_data() {
    let pdb = map(EXPECTED.iter().find(|e| e.file.contains("pdb4hhb")).expect("listed"));
    assert!(pdb.extra.iter().any(|extra| {
        extra.tag == "container-title" && extra.value == "Worldwide Protein Data Bank"
    }));
    let book =
        map(EXPECTED.iter().find(|e| e.file.contains("monograph")).expect("listed"));
    let isbns: Vec<&str> = book
        .extra
        .iter()
        .filter(|extra| extra.tag == "isbn")
        .map(|extra| extra.value.as_str())
        .collect();
    assert_eq!(isbns, ["9781108443241", "9781108348843"]);
}

#[test]
fn abstracts_lose_their_jats() {
    let article =
        map(EXPECTED.iter().find(|e| e.file.contains("jclinpath")).expect("listed"));
    let abstract_ = article.text("abstract").unwrap_or_default();
    assert!(
        abstract_.starts_with("Background: The absence of high-quality next-generation"),
        "{abstract_}"
    );
    assert!(abstract_.contains("oncogene (KRAS)/neuroblastoma ras oncogene (NRAS)/"));
    assert!(
        abstract_.contains("including six mutations in KRAS, two mutations in NRAS,")
    );
    assert!(abstract_.contains("0.1\\%"), "TeX specials escaped: {abstract_}");
    assert!(!abstract_.contains('<'));
}

#[test]
fn the_same_csl_json_maps_the_same_through_either_reader() {
    let record = load("cn/csl-json_10.1126_science.169.3946.635.json");
    let crossref = entry_from_crossref(&record).expect("maps");
    let csl = entry_from_csl(&record).expect("maps");
    assert_eq!(crossref, csl);
}

/// The seed RIS article (stored as `chong2019cashless`) against its
/// Crossref record, whose title joins title and subtitle: no field the
/// conflict report compares may disagree.
#[test]
fn issue_5_seed_article_agrees_with_the_stored_entry() {
    let bib_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("refs/references.bib");
    let text = std::fs::read_to_string(&bib_path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", bib_path.display()));
    let parsed = biblink::bib::parse(&text, "refs/references.bib");
    let local = parsed
        .value
        .entries
        .iter()
        .find(|entry| entry.key == "chong2019cashless")
        .expect("the seed entry chong2019cashless is in refs/references.bib");
    let record = load("works/journal-article_10.1080_17544750.2019.1583261.json");
    let remote = entry_from_crossref(&record).expect("maps");

    assert!(same_title(
        local.text("title").unwrap_or_default(),
        local.text("subtitle"),
        remote.text("title").unwrap_or_default(),
        remote.text("subtitle"),
    ));
    assert_eq!(local.entry_type, remote.entry_type);
    assert_eq!(local.year(), remote.year());
    assert_eq!(local.text("date"), remote.text("date"));
    assert_eq!(local.first_family(), remote.first_family());
    assert_eq!(local.names("author"), remote.names("author"));
    for field in ["journaltitle", "volume", "number", "pages", "issn", "doi"] {
        assert_eq!(local.text(field), remote.text(field), "{field}");
    }
    assert!(publication_years(&record).contains(&2019));
    let doi = Doi::parse(local.text("doi").unwrap_or_default()).expect("a DOI");
    assert_eq!(Some(doi.as_str()), remote.text("doi"));
}

#[test]
fn online_first_years_are_all_listed() {
    let record = load("works/journal-article_10.1136_jclinpath-2020-206745.json");
    assert_eq!(publication_years(&record), [2020, 2021]);
    let record = load("datacite/datacite_10.48550_arxiv.1902.02534.json");
    assert_eq!(publication_years(&record), [2019]);
    let record = load("works/proceedings-article_10.1109_icdcsw.2003.1203662.json");
    assert_eq!(publication_years(&record), Vec::<i32>::new());
}

/// The recorded request paths of `index.json` and the DOI encodings that
/// reproduce them: `url_path` for `/works/{doi}` and `/dois/{doi}`,
/// `url_path_segment` for the content-negotiation transform path, where
/// Crossref itself sends the DOI as one encoded segment.
#[test]
fn url_paths_match_the_recorded_requests() {
    let index = load("index.json");
    let fixtures = index["fixtures"].as_array().expect("index.json lists fixtures");
    let mut n_checked = 0;
    for fixture in fixtures {
        let id = fixture["id"].as_str().unwrap_or_default();
        let path = fixture["request"]["path"].as_str().unwrap_or_default();
        let (doi_part, encode): (&str, fn(&Doi) -> String) = if let Some(rest) =
            path.strip_prefix("/v1/works/").and_then(|p| p.strip_suffix("/transform"))
        {
            (rest, Doi::url_path_segment)
        } else if let Some(rest) =
            path.strip_prefix("/works/").filter(|_| id != "agency-404-sici")
        {
            (rest.strip_suffix("/agency").unwrap_or(rest), Doi::url_path)
        } else if let Some(rest) = path.strip_prefix("/dois/") {
            (rest, Doi::url_path)
        } else {
            continue;
        };
        let doi_part = doi_part.split("/transform/").next().unwrap_or(doi_part);
        let doi = Doi::parse(doi_part).unwrap_or_else(|error| panic!("{id}: {error}"));
        // The canonical form is lower case; the SICI recording is not (and
        // the hex digits of escapes are upper case in both).
        assert_eq!(
            encode(&doi).to_ascii_lowercase(),
            doi_part.to_ascii_lowercase(),
            "{id}"
        );
        n_checked += 1;
    }
    assert!(n_checked >= 20, "only {n_checked} recorded paths checked");
    // The one request sent unescaped got a 404 although the DOI exists.
    let sici =
        Doi::parse("10.1890/0012-9615(1999)069[0569:EDILSA]2.0.CO;2").expect("SICI");
    assert_ne!(sici.url_path(), "10.1890/0012-9615(1999)069[0569:edilsa]2.0.co;2");
}

#[test]
fn sici_dois_of_the_fixtures_parse() {
    let bib = std::fs::read_to_string(
        data_dir()
            .join("cn/bibtex_sici_10.1890_0012-9615-1999-069-0569-EDILSA-2.0.CO-2.bib"),
    )
    .expect("the SICI BibTeX fixture");
    let field = |name: &str| {
        let start =
            bib.find(&format!("{name} = {{")).expect("field present") + name.len() + 4;
        let end = start + bib[start..].find("},").expect("field ends");
        bib[start..end].to_string()
    };
    let from_doi = Doi::parse(&field("doi")).expect("doi field");
    let from_url = Doi::parse(&field("url")).expect("encoded url field");
    let pasted =
        Doi::parse("10.1890/0012-9615(1999)069[0569:EDILSA]2.0.CO;2").expect("pasted");
    assert_eq!(from_doi, pasted);
    assert_eq!(from_url, pasted);
    assert_eq!(
        Doi::parse("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0")
            .expect("angle brackets")
            .url_path_segment(),
        "10.1002%2F%28sici%291097-4571%28199806%2949%3A8%3C693%3A%3Aaid-asi4%3E3.0.co%3B2-0"
    );
}
