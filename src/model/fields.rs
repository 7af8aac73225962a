//! What kind of value each BibLaTeX field holds, and the order fields are written in.
//!
//! The kinds follow biblatex 3.22's data model (`blx-dm.def`, extracted to
//! `shared/data/biblatex/datamodel.json`).

/// How a field's value is stored and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldKind {
    /// A name list (`author`, `editor`, ...).
    Names,
    /// Literal text in BibLaTeX source form.
    Literal,
    /// Verbatim text that must not be escaped (`doi`, `url`, `file`, `eprint`).
    Verbatim,
    /// An EDTF date (`date`, `urldate`, ...): stored raw, never escaped.
    Date,
    /// A range (`pages`), written with `--`.
    Range,
}

const NAME_FIELDS: &[&str] = &[
    "author",
    "editor",
    "editora",
    "editorb",
    "editorc",
    "translator",
    "bookauthor",
    "holder",
    "afterword",
    "annotator",
    "commentator",
    "foreword",
    "introduction",
    "namea",
    "nameb",
    "namec",
    "shortauthor",
    "shorteditor",
    "sortname",
];

const VERBATIM_FIELDS: &[&str] =
    &["doi", "url", "eprint", "file", "verba", "verbb", "verbc", "pdf"];

const DATE_FIELDS: &[&str] = &["date", "eventdate", "origdate", "urldate"];

/// The kind of value a field holds.
pub fn field_kind(name: &str) -> FieldKind {
    if NAME_FIELDS.contains(&name) {
        FieldKind::Names
    } else if VERBATIM_FIELDS.contains(&name) {
        FieldKind::Verbatim
    } else if DATE_FIELDS.contains(&name) {
        FieldKind::Date
    } else if name == "pages" {
        FieldKind::Range
    } else {
        FieldKind::Literal
    }
}

/// The order fields are written in: who, what, where, when, identifiers, the rest.
const CANONICAL_ORDER: &[&str] = &[
    "author",
    "bookauthor",
    "editor",
    "editortype",
    "editora",
    "editoratype",
    "editorb",
    "editorbtype",
    "editorc",
    "editorctype",
    "translator",
    "holder",
    "title",
    "subtitle",
    "titleaddon",
    "shorttitle",
    "origtitle",
    "booktitle",
    "booksubtitle",
    "booktitleaddon",
    "maintitle",
    "mainsubtitle",
    "eventtitle",
    "journaltitle",
    "journalsubtitle",
    "shortjournal",
    "issuetitle",
    "entrysubtype",
    "type",
    "series",
    "edition",
    "volume",
    "volumes",
    "number",
    "issue",
    "eid",
    "pages",
    "pagetotal",
    "date",
    "year",
    "month",
    "eventdate",
    "origdate",
    "pubstate",
    "publisher",
    "institution",
    "organization",
    "location",
    "venue",
    "howpublished",
    "note",
    "addendum",
    "version",
    "language",
    "langid",
    "isbn",
    "issn",
    "isrn",
    "doi",
    "eprint",
    "eprinttype",
    "eprintclass",
    "url",
    "urldate",
    "crossref",
    "xref",
    "xdata",
    "keywords",
    "abstract",
    "annotation",
    "file",
    "library",
    "label",
];

/// A field's position in the canonical order; unknown fields sort after all
/// known ones (and keep their relative order, since sorting is stable).
pub fn canonical_rank(name: &str) -> usize {
    CANONICAL_ORDER
        .iter()
        .position(|known| *known == name)
        .unwrap_or(CANONICAL_ORDER.len())
}

const KNOWN_TYPES: &[&str] = &[
    "article",
    "artwork",
    "audio",
    "bibnote",
    "book",
    "bookinbook",
    "booklet",
    "collection",
    "commentary",
    "customa",
    "customb",
    "customc",
    "customd",
    "custome",
    "customf",
    "dataset",
    "inbook",
    "incollection",
    "inproceedings",
    "inreference",
    "image",
    "jurisdiction",
    "legal",
    "legislation",
    "letter",
    "manual",
    "misc",
    "movie",
    "music",
    "mvcollection",
    "mvreference",
    "mvproceedings",
    "mvbook",
    "online",
    "patent",
    "performance",
    "periodical",
    "proceedings",
    "reference",
    "report",
    "review",
    "set",
    "software",
    "standard",
    "suppbook",
    "suppcollection",
    "suppperiodical",
    "thesis",
    "unpublished",
    "video",
    "xdata",
];

/// Whether biblatex's default data model declares this entry type.
pub fn is_known_type(entry_type: &str) -> bool {
    KNOWN_TYPES.contains(&entry_type)
}
