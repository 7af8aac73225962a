//! **The** CSL ↔ BibLaTeX table: item types and variables, read in both directions.
//!
//! The reader ([`super::from_csl_json`]), the writer ([`super::to_csl_json`])
//! and the registry mapping of `doi/map.rs` (CSL-JSON from content
//! negotiation, DataCite's `citeproc` type) all look types up here.
//!
//! # Types
//!
//! Reading takes the first row of a CSL type whose `read` flag is set;
//! writing takes the first row whose BibLaTeX type, `entrysubtype` and
//! `pubstate` (when the row names them) fit the entry and whose `write` flag
//! is set. A BibLaTeX type without a row is written as `document`, and its
//! own name goes into `custom` (see [`super`]) so that biblink reads it back.
//! The registry mapping (`doi::map`) takes the reading row too
//! ([`type_for_csl`]): a CSL type means the same from a file and from doi.org.
//!
//! # Variables
//!
//! [`VARIABLES`] lists every CSL variable with a BibLaTeX field. What is
//! *CSL-representable* ([`is_representable`]) is exactly the fields of that
//! table (plus `entrysubtype`/`pubstate`, carried by the type): those survive
//! BibLaTeX → CSL-JSON → BibLaTeX through any CSL tool. Lost through other
//! tools, because CSL has no variable for them (biblink keeps them in
//! `custom`, which other tools ignore): `subtitle` and `titleaddon` (joined to
//! the title as `Title: Subtitle. Addon`, as pandoc does), `eid`,
//! `organization`, `howpublished`, `addendum`, `eprint`/`eprinttype`,
//! `maintitle`, `shortauthor`, `editora`–`editorc`, `holder` and the other
//! name lists but `author`, `editor`, `translator`, `bookauthor`, and an
//! `others` at the end of a name list (CSL lists are complete lists: a style
//! decides itself when to print "et al.").

/// One row of the type table.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CslType {
    /// The CSL 1.0.2 item type (`article-journal`).
    pub csl: &'static str,
    /// The BibLaTeX entry type.
    pub entry_type: &'static str,
    /// `entrysubtype` the row sets (reading) and requires (writing).
    pub entrysubtype: Option<&'static str>,
    /// `pubstate` the row sets (reading) and requires (writing).
    pub pubstate: Option<&'static str>,
    /// The field that holds `container-title`; `None` when the type has no
    /// container field (the container is then kept as extra data).
    pub container: Option<&'static str>,
    /// The field that holds `publisher` (`institution` for theses and reports).
    pub publisher: &'static str,
    /// Whether a registry's `editor` of this type is an editor of the work;
    /// `false` for journal articles and preprints, whose editors in Crossref
    /// deposits are handling editors (see `doi::map::TypeRow::editor`).
    pub registry_editor: bool,
    /// Reading: this row is the one a CSL item of type `csl` becomes.
    pub read: bool,
    /// Writing: this row is the one an entry of `entry_type` becomes.
    pub write: bool,
}

const fn row(
    csl: &'static str,
    entry_type: &'static str,
    container: Option<&'static str>,
) -> CslType {
    CslType {
        csl,
        entry_type,
        entrysubtype: None,
        pubstate: None,
        container,
        publisher: "publisher",
        registry_editor: true,
        read: true,
        write: true,
    }
}

const fn subtype(row: CslType, entrysubtype: &'static str) -> CslType {
    CslType { entrysubtype: Some(entrysubtype), ..row }
}

const fn institution(row: CslType) -> CslType {
    CslType { publisher: "institution", ..row }
}

const fn handling_editors(row: CslType) -> CslType {
    CslType { registry_editor: false, ..row }
}

/// Read only: another row of the CSL type is written for the BibLaTeX type.
const fn read_only(row: CslType) -> CslType {
    CslType { write: false, ..row }
}

/// Written only: the CSL type reads back as another BibLaTeX type.
const fn write_only(row: CslType) -> CslType {
    CslType { read: false, ..row }
}

const JOURNAL: Option<&str> = Some("journaltitle");
const BOOK: Option<&str> = Some("booktitle");
const SERIES: Option<&str> = Some("series");

/// The type table. Rows with an `entrysubtype` or `pubstate` come before the
/// plain row of their BibLaTeX type, so that writing finds them first.
pub static TYPES: &[CslType] = &[
    handling_editors(subtype(row("article-magazine", "article", JOURNAL), "magazine")),
    handling_editors(subtype(row("article-newspaper", "article", JOURNAL), "newspaper")),
    handling_editors(row("article-journal", "article", JOURNAL)),
    handling_editors(CslType {
        pubstate: Some("prepublished"),
        ..row("article", "online", None)
    }),
    row("chapter", "incollection", BOOK),
    write_only(row("chapter", "inbook", BOOK)),
    write_only(row("chapter", "bookinbook", BOOK)),
    write_only(row("chapter", "suppbook", BOOK)),
    write_only(row("chapter", "suppcollection", BOOK)),
    row("entry-encyclopedia", "inreference", BOOK),
    read_only(row("entry-dictionary", "inreference", BOOK)),
    read_only(row("entry", "inreference", BOOK)),
    row("paper-conference", "inproceedings", BOOK),
    institution(row("thesis", "thesis", None)),
    institution(row("report", "report", SERIES)),
    row("book", "book", SERIES),
    write_only(row("book", "mvbook", SERIES)),
    write_only(row("book", "collection", SERIES)),
    write_only(row("book", "mvcollection", SERIES)),
    write_only(row("book", "reference", SERIES)),
    write_only(row("book", "mvreference", SERIES)),
    write_only(row("book", "proceedings", SERIES)),
    write_only(row("book", "mvproceedings", SERIES)),
    write_only(row("book", "booklet", SERIES)),
    write_only(row("book", "manual", SERIES)),
    row("periodical", "periodical", None),
    write_only(row("periodical", "suppperiodical", None)),
    row("dataset", "dataset", None),
    row("software", "software", None),
    row("standard", "standard", SERIES),
    row("patent", "patent", None),
    row("webpage", "online", None),
    read_only(row("post", "online", None)),
    read_only(row("post-weblog", "online", None)),
    row("manuscript", "unpublished", None),
    row("personal_communication", "letter", None),
    row("legislation", "legislation", None),
    read_only(row("bill", "legislation", None)),
    row("legal_case", "jurisdiction", None),
    write_only(row("legal_case", "legal", None)),
    row("motion_picture", "movie", None),
    write_only(row("motion_picture", "video", None)),
    row("song", "audio", None),
    write_only(row("song", "music", None)),
    row("graphic", "image", None),
    write_only(row("graphic", "artwork", None)),
    row("performance", "performance", None),
    handling_editors(row("review", "review", JOURNAL)),
    handling_editors(read_only(row("review-book", "review", JOURNAL))),
    row("document", "misc", None),
];

/// The row a CSL item type reads as.
pub fn type_for_csl(csl: &str) -> Option<&'static CslType> {
    TYPES.iter().find(|row| row.read && row.csl == csl)
}

/// The row an entry is written as: its type, and the `entrysubtype` and
/// `pubstate` a row asks for.
pub fn type_for_entry(
    entry_type: &str,
    entrysubtype: Option<&str>,
    pubstate: Option<&str>,
) -> Option<&'static CslType> {
    TYPES.iter().find(|row| {
        row.write
            && row.entry_type == entry_type
            && row.entrysubtype.is_none_or(|wanted| Some(wanted) == entrysubtype)
            && row.pubstate.is_none_or(|wanted| Some(wanted) == pubstate)
    })
}

/// How a variable's value is carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// Rich text (`<i>`, `<span class="nocase">`) ↔ BibLaTeX source form.
    Text,
    /// Plain text ↔ a verbatim field (DOI, URL): no escaping, no markup.
    Verbatim,
    /// A CSL name list ↔ a BibLaTeX name list.
    Names,
    /// A CSL date object ↔ an EDTF date field.
    Date,
    /// `page` (`12-34`) ↔ `pages` (`12--34`).
    Pages,
    /// A language code (`en-US`) ↔ `langid` (`american`).
    Language,
}

/// Which entries a variable row applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum When {
    /// Every entry.
    Always,
    /// Entries whose type row has this container field.
    Container(&'static str),
    /// Entries whose type row takes the publisher into this field.
    Publisher(&'static str),
    /// Entries whose `number` is an issue (a journal container).
    Issue,
    /// Entries whose `number` is a number in a series (books and their parts).
    SeriesNumber,
    /// Entries whose `number` is their own (reports, patents, standards, ...).
    OwnNumber,
}

/// One row of the variable table.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Variable {
    /// The CSL variable.
    pub csl: &'static str,
    /// The BibLaTeX field.
    pub field: &'static str,
    /// How the value is carried.
    pub kind: Kind,
    /// Which entries the row applies to.
    pub when: When,
}

const fn var(csl: &'static str, field: &'static str, kind: Kind) -> Variable {
    Variable { csl, field, kind, when: When::Always }
}

const fn only(variable: Variable, when: When) -> Variable {
    Variable { when, ..variable }
}

use Kind::{Date, Language, Names, Pages, Text, Verbatim};

/// The variable table, in the order variables are written (CSL-JSON objects
/// are written with sorted keys; the order here decides which row wins when
/// two map to one field on reading: the first).
pub static VARIABLES: &[Variable] = &[
    var("author", "author", Names),
    var("editor", "editor", Names),
    var("translator", "translator", Names),
    var("container-author", "bookauthor", Names),
    var("title", "title", Text),
    var("title-short", "shorttitle", Text),
    var("original-title", "origtitle", Text),
    only(var("container-title", "journaltitle", Text), When::Container("journaltitle")),
    only(var("container-title", "booktitle", Text), When::Container("booktitle")),
    only(var("container-title", "series", Text), When::Container("series")),
    var("container-title-short", "shortjournal", Text),
    var("collection-title", "series", Text),
    var("event-title", "eventtitle", Text),
    var("event-place", "venue", Text),
    var("genre", "type", Text),
    var("edition", "edition", Text),
    var("volume", "volume", Text),
    var("number-of-volumes", "volumes", Text),
    only(var("issue", "number", Text), When::Issue),
    only(var("collection-number", "number", Text), When::SeriesNumber),
    only(var("number", "number", Text), When::OwnNumber),
    var("chapter-number", "chapter", Text),
    var("page", "pages", Pages),
    var("number-of-pages", "pagetotal", Text),
    var("issued", "date", Date),
    var("event-date", "eventdate", Date),
    var("original-date", "origdate", Date),
    var("accessed", "urldate", Date),
    var("status", "pubstate", Text),
    only(var("publisher", "publisher", Text), When::Publisher("publisher")),
    only(var("publisher", "institution", Text), When::Publisher("institution")),
    var("publisher-place", "location", Text),
    var("note", "note", Text),
    var("version", "version", Text),
    var("language", "langid", Language),
    var("ISBN", "isbn", Text),
    var("ISSN", "issn", Text),
    var("DOI", "doi", Verbatim),
    var("URL", "url", Verbatim),
    var("keyword", "keywords", Text),
    var("abstract", "abstract", Text),
    var("annote", "annotation", Text),
];

/// Whether a variable row applies to an entry of this type row.
pub fn applies(variable: &Variable, row: &CslType) -> bool {
    match variable.when {
        When::Always => true,
        When::Container(field) => row.container == Some(field),
        When::Publisher(field) => row.publisher == field,
        When::Issue => {
            row.container == Some("journaltitle") || row.entry_type == "periodical"
        }
        When::SeriesNumber => is_series_numbered(row),
        When::OwnNumber => {
            !(row.container == Some("journaltitle")
                || row.entry_type == "periodical"
                || is_series_numbered(row))
        }
    }
}

fn is_series_numbered(row: &CslType) -> bool {
    matches!(row.csl, "book" | "chapter" | "paper-conference" | "entry-encyclopedia")
}

/// Whether a BibLaTeX field has a CSL variable for some entry type (plus
/// `entrysubtype` and `pubstate`, which the type carries): the fields a round
/// trip through any CSL tool keeps.
pub fn is_representable(field: &str) -> bool {
    matches!(field, "entrysubtype" | "pubstate")
        || VARIABLES.iter().any(|variable| variable.field == field)
}

/// ISO 639-1 codes and the `langid` biblatex knows them by: `language` ↔
/// `langid`. The first row of a `langid` is the code written.
pub static LANGUAGES: &[(&str, &str)] = &[
    ("en", "english"),
    ("en-US", "american"),
    ("en-GB", "british"),
    ("de", "ngerman"),
    ("de", "german"),
    ("fr", "french"),
    ("es", "spanish"),
    ("it", "italian"),
    ("pt", "portuguese"),
    ("nl", "dutch"),
    ("sv", "swedish"),
    ("da", "danish"),
    ("nb", "norsk"),
    ("no", "norsk"),
    ("nn", "nynorsk"),
    ("fi", "finnish"),
    ("pl", "polish"),
    ("cs", "czech"),
    ("sk", "slovak"),
    ("sl", "slovene"),
    ("hr", "croatian"),
    ("sr", "serbian"),
    ("hu", "magyar"),
    ("ro", "romanian"),
    ("bg", "bulgarian"),
    ("ru", "russian"),
    ("uk", "ukrainian"),
    ("el", "greek"),
    ("tr", "turkish"),
    ("et", "estonian"),
    ("lv", "latvian"),
    ("lt", "lithuanian"),
    ("ca", "catalan"),
    ("gl", "galician"),
    ("eu", "basque"),
    ("la", "latin"),
    ("he", "hebrew"),
];

/// The `langid` of a language code: the whole code (`en-US` → `american`),
/// else its primary subtag (`en-AU` → `english`).
pub fn langid_for_code(code: &str) -> Option<&'static str> {
    let code = code.trim();
    if let Some((_, langid)) =
        LANGUAGES.iter().find(|(known, _)| known.eq_ignore_ascii_case(code))
    {
        return Some(langid);
    }
    let primary = code.split(['-', '_']).next().unwrap_or_default();
    LANGUAGES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(primary))
        .map(|(_, langid)| *langid)
}

/// The language code of a `langid`.
pub fn code_for_langid(langid: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|(_, known)| *known == langid).map(|(code, _)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_type_reads_back_to_itself_or_is_marked_write_only() {
        for row in TYPES.iter().filter(|row| row.write && row.read) {
            let read = type_for_csl(row.csl).expect("readable");
            assert_eq!(read.entry_type, row.entry_type, "{}", row.csl);
            let written = type_for_entry(row.entry_type, row.entrysubtype, row.pubstate)
                .expect("writable");
            assert_eq!(written.csl, row.csl, "{}", row.entry_type);
        }
    }

    #[test]
    fn every_csl_type_has_a_reading_row() {
        for row in TYPES {
            assert!(type_for_csl(row.csl).is_some(), "{}", row.csl);
        }
    }

    #[test]
    fn number_goes_to_one_variable_per_type() {
        for row in TYPES {
            let n_rows = VARIABLES
                .iter()
                .filter(|variable| variable.field == "number" && applies(variable, row))
                .count();
            assert_eq!(n_rows, 1, "{}", row.csl);
        }
    }

    #[test]
    fn languages_both_ways() {
        assert_eq!(langid_for_code("en-US"), Some("american"));
        assert_eq!(langid_for_code("en-AU"), Some("english"));
        assert_eq!(code_for_langid("ngerman"), Some("de"));
        assert_eq!(langid_for_code("xx"), None);
    }
}
