//! Registry metadata (Crossref REST, CSL-JSON, DataCite REST) mapped onto the model.
//!
//! Each function takes the parsed JSON of one record and returns an
//! [`Entry`] with an empty key and no sources: the caller names it and says
//! where it came from. Field values are in BibLaTeX source form like every
//! entry of the model (markup removed with [`super::markup::to_plain`], then
//! escaped with [`crate::tex::escape`]); dates are EDTF, the DOI canonical.
//!
//! # What goes where
//!
//! | Registry field | BibLaTeX |
//! |---|---|
//! | `type` (+ `subtype`), DataCite `types.resourceTypeGeneral` | entry type, by the table [`TYPES`] (CSL types: [`crate::csl::table::TYPES`]) |
//! | `author`, `editor`, `translator`, CSL `container-author`; DataCite `creators`, `contributors` of type `Editor` | `author`, `editor`, `translator`, `bookauthor`: persons, `{name}`/`literal`/`Organizational` as literal names; editors of articles and preprints as extra data `editor` (see [`TypeRow::editor`]) |
//! | `ORCID`, DataCite `nameIdentifiers` of scheme ORCID | extra data [`ORCID_TAG`]: `Family, Given: https://orcid.org/…` |
//! | `title`, `subtitle`, `short-title` | `title`, `subtitle`, `shorttitle` (first of each, markup removed) |
//! | `container-title`, `short-container-title` | the type's container field (`journaltitle`, `booktitle`, `series`), `shortjournal` |
//! | `volume`, `issue` (CSL `number` when no issue) | `volume`, `number` |
//! | `page`, `article-number` | `pages` (with `--`), `eid` |
//! | dates (see below) | `date` (EDTF) |
//! | `publisher`, `publisher-location`/`publisher-place` | `publisher` (`institution` for theses and reports), `location` |
//! | `institution` | `institution` (theses, reports), else `organization` |
//! | `event` / `event-title`, `event-place` | `eventtitle`, `venue` |
//! | `degree`, CSL `genre` of theses | `type` (`phdthesis`, `mathesis`, else the text) |
//! | `edition-number`/`edition` | `edition` (left out when it is 1) |
//! | `ISSN`/`issn-type`, `ISBN`/`isbn-type` | `issn`, `isbn`: the print one, else the electronic one, else the first; the others as extra data `issn`/`isbn` |
//! | `DOI` | `doi`, canonical ([`super::Doi`]) |
//! | `URL` | `url`, unless it is a DOI resolver link (Crossref's always is) |
//! | `language` | `langid` (`en` → `english`, …); an unknown code as extra data `language` |
//! | `abstract`, DataCite `descriptions` of type `Abstract` | `abstract`, markup removed |
//! | DataCite `version`, arXiv identifiers | `version`, `eprint` + `eprinttype = {arxiv}` |
//!
//! Dates: Crossref's `published-print` first (the date printed in the issue,
//! the one publishers' own exports and citations carry), then `issued`
//! (Crossref's earliest of print and online), `published-online`,
//! `published`, `posted`, and `approved` (theses). A `[[null]]` date counts
//! as absent. DataCite: the `Issued` date, else `publicationYear`. Online
//! and print years differ for online-first articles, so
//! [`publication_years`] lists every year a record gives for comparisons.
//!
//! Extra data (ORCID iDs, further ISSNs and ISBNs, a container without a
//! field, an unknown type or language code) has `source: 0` and `line: 0`:
//! it refers to the first source the caller gives the entry.
//!
//! Not mapped: bookkeeping (`indexed`, `deposited`, `score`, counts),
//! references, licences, funders, links, `subject` (journal-level
//! categories, not keywords), affiliations and the landing page in
//! `resource`. Names are kept in the registry's order and number, even when
//! a deposit lists affiliations as authors (`works-org-name-authors`).

use serde_json::Value as Json;

use super::Doi;
use super::markup;
use crate::csl::table::{self, CslType};
use crate::model::{Entry, Extra, Name, Value};
use crate::tex;

/// The extra-data tag under which ORCID iDs are kept: BibLaTeX has no field
/// per name, so each iD is a line `Family, Given: https://orcid.org/…`
/// beside the entry, in author order.
pub const ORCID_TAG: &str = "orcid";

/// Why a record could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MapError {
    /// The record (or the part named) is not a JSON object.
    #[error("the {what} is not a JSON object; expected a {expected}")]
    NotAnObject {
        /// What was expected to be an object (`Crossref record`, `attributes`).
        what: &'static str,
        /// What a good record looks like.
        expected: &'static str,
    },
    /// A required field is absent or not a string.
    #[error("the record has no '{field}'; a {record} record always names its {field}")]
    Missing {
        /// The field name in the registry's JSON.
        field: &'static str,
        /// The kind of record (`Crossref`, `DataCite`, `CSL-JSON`).
        record: &'static str,
    },
    /// The record's DOI is malformed.
    #[error("the record's '{field}' is malformed: {error}")]
    BadDoi {
        /// The field name in the registry's JSON.
        field: &'static str,
        /// What is wrong with it.
        #[source]
        error: super::DoiError,
    },
}

/// Which vocabulary a type name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Vocabulary {
    /// Crossref's work types (`journal-article`), also sent in the CSL-JSON
    /// of doi.org content negotiation. `type/subtype` rows match a record
    /// with that `subtype`.
    Crossref,
    /// CSL 1.0.2 item types (`article-journal`), the rows of
    /// [`crate::csl::table::TYPES`].
    Csl,
    /// DataCite's `resourceTypeGeneral` (`Dataset`).
    DataCite,
}

/// One row of the type mapping.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct TypeRow {
    /// The vocabulary of `name`.
    pub vocabulary: Vocabulary,
    /// The registry's type name, `type/subtype` for a Crossref subtype.
    pub name: &'static str,
    /// The BibLaTeX entry type.
    pub entry_type: &'static str,
    /// `entrysubtype` to set (`magazine`, `newspaper`).
    pub entrysubtype: Option<&'static str>,
    /// The field that takes the container title; `None` keeps it as extra
    /// data `container-title` (a dataset's repository has no field).
    pub container: Option<&'static str>,
    /// The field that takes the publisher (`institution` for theses and
    /// reports, as the RIS mapping does with PB).
    pub publisher: &'static str,
    /// `pubstate` to set (`prepublished` for preprints).
    pub pubstate: Option<&'static str>,
    /// The field that takes the record's editors; `None` keeps them as
    /// extra data `editor`: the editors Crossref lists on journal articles
    /// and preprints are handling editors (PLOS's academic editor), not
    /// editors of the issue, and biblatex would print them.
    pub editor: Option<&'static str>,
}

const fn row(
    vocabulary: Vocabulary,
    name: &'static str,
    entry_type: &'static str,
    container: Option<&'static str>,
) -> TypeRow {
    TypeRow {
        vocabulary,
        name,
        entry_type,
        entrysubtype: None,
        container,
        publisher: "publisher",
        pubstate: None,
        editor: Some("editor"),
    }
}

const fn issued_by_institution(row: TypeRow) -> TypeRow {
    TypeRow { publisher: "institution", ..row }
}

const fn preprint(row: TypeRow) -> TypeRow {
    TypeRow { pubstate: Some("prepublished"), editor: None, ..row }
}

const fn handling_editors(row: TypeRow) -> TypeRow {
    TypeRow { editor: None, ..row }
}

use Vocabulary::{Crossref, Csl, DataCite};

const JOURNAL: Option<&str> = Some("journaltitle");
const BOOK: Option<&str> = Some("booktitle");
const SERIES: Option<&str> = Some("series");

/// The type mapping of Crossref and DataCite types: registry type →
/// BibLaTeX type, container field, publisher field. CSL types are looked up
/// in [`crate::csl::table::TYPES`] (see [`type_row`]). A type found nowhere
/// becomes `misc` and keeps its name as extra data `type`.
pub static TYPES: &[TypeRow] = &[
    handling_editors(row(Crossref, "journal-article", "article", JOURNAL)),
    row(Crossref, "book-chapter", "incollection", BOOK),
    row(Crossref, "book-section", "incollection", BOOK),
    row(Crossref, "book-part", "incollection", BOOK),
    row(Crossref, "reference-entry", "inreference", BOOK),
    row(Crossref, "book", "book", SERIES),
    row(Crossref, "monograph", "book", SERIES),
    row(Crossref, "reference-book", "reference", SERIES),
    row(Crossref, "edited-book", "collection", SERIES),
    row(Crossref, "book-set", "mvbook", SERIES),
    row(Crossref, "proceedings-article", "inproceedings", BOOK),
    row(Crossref, "proceedings", "proceedings", SERIES),
    issued_by_institution(row(Crossref, "dissertation", "thesis", None)),
    issued_by_institution(row(Crossref, "report", "report", SERIES)),
    issued_by_institution(row(Crossref, "report-component", "report", SERIES)),
    row(Crossref, "dataset", "dataset", None),
    row(Crossref, "database", "dataset", None),
    preprint(row(Crossref, "posted-content/preprint", "online", None)),
    handling_editors(row(Crossref, "posted-content", "online", None)),
    row(Crossref, "standard", "standard", SERIES),
    row(Crossref, "journal", "periodical", None),
    row(Crossref, "journal-issue", "periodical", JOURNAL),
    row(Crossref, "journal-volume", "periodical", JOURNAL),
    handling_editors(row(Crossref, "peer-review", "review", JOURNAL)),
    row(Crossref, "component", "misc", None),
    row(Crossref, "grant", "misc", None),
    row(Crossref, "other", "misc", None),
    handling_editors(row(DataCite, "JournalArticle", "article", JOURNAL)),
    handling_editors(row(DataCite, "DataPaper", "article", JOURNAL)),
    row(DataCite, "BookChapter", "incollection", BOOK),
    row(DataCite, "Book", "book", SERIES),
    row(DataCite, "ConferencePaper", "inproceedings", BOOK),
    row(DataCite, "ConferenceProceeding", "proceedings", SERIES),
    issued_by_institution(row(DataCite, "Dissertation", "thesis", None)),
    issued_by_institution(row(DataCite, "Report", "report", SERIES)),
    row(DataCite, "Dataset", "dataset", None),
    row(DataCite, "Software", "software", None),
    row(DataCite, "ComputationalNotebook", "software", None),
    preprint(row(DataCite, "Preprint", "online", None)),
    row(DataCite, "Standard", "standard", SERIES),
    handling_editors(row(DataCite, "PeerReview", "review", JOURNAL)),
    row(DataCite, "Journal", "periodical", None),
    row(DataCite, "Image", "image", None),
    row(DataCite, "Audiovisual", "video", None),
    row(DataCite, "Sound", "audio", None),
    row(DataCite, "InteractiveResource", "online", None),
    row(DataCite, "OutputManagementPlan", "report", None),
    row(DataCite, "Text", "misc", None),
    row(DataCite, "Collection", "misc", None),
    row(DataCite, "Other", "misc", None),
];

/// The row for a type name of a vocabulary: CSL types from the one CSL type
/// table ([`crate::csl::table::type_for_csl`]), the others from [`TYPES`].
pub fn type_row(vocabulary: Vocabulary, name: &str) -> Option<TypeRow> {
    match vocabulary {
        Csl => table::type_for_csl(name).map(TypeRow::from),
        Crossref | DataCite => TYPES
            .iter()
            .find(|row| row.vocabulary == vocabulary && row.name == name)
            .copied(),
    }
}

impl From<&CslType> for TypeRow {
    fn from(csl: &CslType) -> TypeRow {
        TypeRow {
            vocabulary: Csl,
            name: csl.csl,
            entry_type: csl.entry_type,
            entrysubtype: csl.entrysubtype,
            container: csl.container,
            publisher: csl.publisher,
            pubstate: csl.pubstate,
            editor: csl.registry_editor.then_some("editor"),
        }
    }
}

/// Maps a Crossref REST work (`message` of `/works/{doi}`), or the
/// Crossref-flavoured CSL-JSON doi.org content negotiation returns (Crossref
/// type names, `title` as a string). The whole response envelope
/// (`{"status":"ok","message":{…}}`) is accepted too. The `DOI` is required;
/// every other field is optional and skipped when it has an unexpected shape.
pub fn entry_from_crossref(message: &Json) -> Result<Entry, MapError> {
    let record = unwrap_envelope(message, "message");
    map_csl_like(record, "Crossref")
}

/// Maps a plain CSL-JSON item (CSL type names such as `article-journal`,
/// names with particles), as other registration agencies answer content
/// negotiation; a one-item array is accepted. Shares the mapping of
/// [`entry_from_crossref`]: where the two vocabularies overlap
/// (`book`, `dataset`, `report`, `standard`) they mean the same.
pub fn entry_from_csl(item: &Json) -> Result<Entry, MapError> {
    let item = match item.as_array().map(Vec::as_slice) {
        Some([only]) => only,
        _ => item,
    };
    map_csl_like(unwrap_envelope(item, "message"), "CSL-JSON")
}

/// Maps a DataCite REST record: the `data` object of `/dois/{doi}`
/// (`{"id", "type", "attributes": {…}}`), the whole response (`{"data": …}`)
/// or the `attributes` object alone.
pub fn entry_from_datacite(data: &Json) -> Result<Entry, MapError> {
    let data = unwrap_envelope(data, "data");
    let object = data.as_object().ok_or(MapError::NotAnObject {
        what: "DataCite record",
        expected: "{\"id\", \"type\", \"attributes\": {...}}",
    })?;
    let attributes = match object.get("attributes") {
        Some(attributes) => attributes,
        None if object.contains_key("doi") => data,
        None => {
            return Err(MapError::Missing { field: "attributes", record: "DataCite" });
        }
    };
    if !attributes.is_object() {
        return Err(MapError::NotAnObject {
            what: "DataCite 'attributes'",
            expected: "object with 'doi', 'creators', 'titles', ...",
        });
    }
    let doi_text = text_of(attributes.get("doi"))
        .or_else(|| text_of(object.get("id")))
        .ok_or(MapError::Missing { field: "doi", record: "DataCite" })?;
    let doi =
        Doi::parse(doi_text).map_err(|error| MapError::BadDoi { field: "doi", error })?;
    Ok(map_datacite(attributes, &doi))
}

/// Whether two titles agree, each given as title plus optional subtitle in
/// BibLaTeX source form. Registries often join the subtitle to the title
/// (`Cashless China: Securitization of …` against `Cashless China` +
/// `Securitization of …`), so the joined forms are compared; when one side
/// has no subtitle, equal main titles agree too (the subtitle is missing,
/// not different). The comparison ignores case, accents, punctuation,
/// white space, markup and TeX (see [`title_key`]).
pub fn same_title(
    local_title: &str,
    local_subtitle: Option<&str>,
    remote_title: &str,
    remote_subtitle: Option<&str>,
) -> bool {
    let local_main = title_key(local_title);
    let remote_main = title_key(remote_title);
    let local_sub = local_subtitle.map(title_key).unwrap_or_default();
    let remote_sub = remote_subtitle.map(title_key).unwrap_or_default();
    let local_joined = format!("{local_main}{local_sub}");
    let remote_joined = format!("{remote_main}{remote_sub}");
    if local_joined.is_empty() || remote_joined.is_empty() {
        return local_joined == remote_joined;
    }
    local_joined == remote_joined
        || (local_sub.is_empty() || remote_sub.is_empty()) && local_main == remote_main
}

/// A title reduced for comparison: TeX and markup removed, accents folded
/// to ASCII, lower case, letters and digits only
/// (`{LaSrVO}$_4$: A Candidate` → `lasrvo4acandidate`).
pub fn title_key(title: &str) -> String {
    let plain = tex::to_plain(&markup::to_plain(title), false);
    deunicode::deunicode(&plain)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Every year a record gives for its publication, sorted and without
/// repeats: for Crossref and CSL-JSON the `published-print`, `issued`,
/// `published-online`, `published`, `posted` and `approved` dates and the
/// journal issue's dates; for DataCite `publicationYear` and the `Issued`,
/// `Available` and `Accepted` dates. A local year found here is no
/// conflict even when [`entry_from_crossref`] chose another date.
pub fn publication_years(record: &Json) -> Vec<i32> {
    let record = unwrap_envelope(unwrap_envelope(record, "message"), "data");
    let record = record.get("attributes").unwrap_or(record);
    let mut years = Vec::new();
    for key in CSL_DATE_KEYS {
        years.extend(record.get(*key).and_then(date_year));
    }
    if let Some(issue) = record.get("journal-issue") {
        for key in ["published-print", "published-online"] {
            years.extend(issue.get(key).and_then(date_year));
        }
    }
    years.extend(record.get("publicationYear").and_then(year_of_json));
    for date in array(record.get("dates")) {
        if matches!(
            text_of(date.get("dateType")),
            Some("Issued" | "Available" | "Accepted")
        ) && let Some(year) = text_of(date.get("date")).and_then(leading_year)
        {
            years.push(year);
        }
    }
    years.sort_unstable();
    years.dedup();
    years
}

/// Crossref/CSL date fields in order of preference for `date`.
const CSL_DATE_KEYS: &[&str] =
    &["published-print", "issued", "published-online", "published", "posted", "approved"];

/// Unwraps `{"status": …, "<key>": {…}}` (Crossref) or `{"<key>": {…}}`
/// (DataCite) when the record is such an envelope.
fn unwrap_envelope<'a>(record: &'a Json, key: &str) -> &'a Json {
    match record.get(key) {
        Some(inner) if inner.is_object() && record.get("DOI").is_none() => inner,
        _ => record,
    }
}

/// The shared mapping of Crossref records and CSL-JSON items.
fn map_csl_like(record: &Json, kind: &'static str) -> Result<Entry, MapError> {
    if !record.is_object() {
        return Err(MapError::NotAnObject {
            what: if kind == "Crossref" { "Crossref record" } else { "CSL-JSON item" },
            expected: "JSON object with 'DOI', 'type', 'title', ...",
        });
    }
    let doi_text = text_of(record.get("DOI"))
        .ok_or(MapError::Missing { field: "DOI", record: kind })?;
    let doi =
        Doi::parse(doi_text).map_err(|error| MapError::BadDoi { field: "DOI", error })?;
    let type_name = text_of(record.get("type")).unwrap_or("");
    let subtype = text_of(record.get("subtype")).unwrap_or("");
    let row = type_row(Crossref, &format!("{type_name}/{subtype}"))
        .or_else(|| type_row(Crossref, type_name))
        .or_else(|| type_row(Csl, type_name));
    let mut mapped = Mapped::new(row);
    if row.is_none() && !type_name.is_empty() {
        mapped.extra("type", type_name);
    }

    let editor_field = mapped.row.editor;
    for (key, field) in [
        ("author", Some("author")),
        ("editor", editor_field),
        ("translator", Some("translator")),
        ("container-author", Some("bookauthor")),
    ] {
        let list = mapped.csl_names(record.get(key));
        mapped.set_names(field, key, list);
    }

    mapped.title(
        first_text(record.get("title")),
        first_text(record.get("subtitle")),
        first_text(record.get("short-title"))
            .or_else(|| first_text(record.get("title-short"))),
    );
    let containers = texts(record.get("container-title"));
    mapped.container(&containers);
    if mapped.row.container == JOURNAL {
        let short = first_text(record.get("short-container-title"))
            .or_else(|| first_text(record.get("container-title-short")))
            .or_else(|| first_text(record.get("journalAbbreviation")));
        if let Some(short) = short
            && containers.first().is_none_or(|full| !same_text(full, short))
        {
            mapped.text("shortjournal", Some(short));
        }
    }
    if let Some(series) = first_text(record.get("collection-title")) {
        mapped.text_once("series", series);
    }

    mapped.text("volume", scalar_text(record.get("volume")).as_deref());
    let number =
        scalar_text(record.get("issue")).or_else(|| scalar_text(record.get("number")));
    mapped.text("number", number.as_deref());
    if let Some(page) = scalar_text(record.get("page")) {
        let pages = crate::bib::normalise_range(&tex::escape(&markup::to_plain(&page)));
        if !pages.is_empty() {
            mapped.entry.set_text("pages", pages, None);
        }
    }
    mapped.text("eid", scalar_text(record.get("article-number")).as_deref());

    let date = CSL_DATE_KEYS.iter().find_map(|key| record.get(*key).and_then(csl_date));
    if let Some(date) = date {
        mapped.entry.set_text("date", date, None);
    }

    let edition = scalar_text(record.get("edition-number"))
        .or_else(|| scalar_text(record.get("edition")));
    mapped.edition(edition.as_deref());
    let institution = array(record.get("institution"))
        .iter()
        .find_map(|institution| text_of(institution.get("name")))
        .or_else(|| text_of(record.get("institution")));
    mapped.publisher(first_text(record.get("publisher")), institution);
    let location = first_text(record.get("publisher-location"))
        .or_else(|| first_text(record.get("publisher-place")));
    mapped.text("location", location);

    let event = record.get("event");
    let event_name = event
        .and_then(|event| text_of(event.get("name")))
        .or_else(|| text_of(event))
        .or_else(|| first_text(record.get("event-title")));
    mapped.text("eventtitle", event_name);
    let venue = event
        .and_then(|event| text_of(event.get("location")))
        .or_else(|| first_text(record.get("event-place")));
    mapped.text("venue", venue);

    if mapped.entry.entry_type == "thesis" {
        let degree =
            first_text(record.get("degree")).or_else(|| text_of(record.get("genre")));
        mapped.thesis_type(degree);
    } else if mapped.entry.entry_type == "report" {
        mapped.text("type", text_of(record.get("genre")));
    }
    mapped.text("version", scalar_text(record.get("version")).as_deref());

    mapped.identifiers(
        "issn",
        record.get("issn-type"),
        &texts(record.get("ISSN")),
        normalise_issn,
    );
    mapped.identifiers(
        "isbn",
        record.get("isbn-type"),
        &texts(record.get("ISBN")),
        normalise_isbn,
    );
    mapped.entry.set_text("doi", doi.as_str(), None);
    mapped.url(text_of(record.get("URL")));
    mapped.language(text_of(record.get("language")));
    mapped.abstract_(text_of(record.get("abstract")));
    Ok(mapped.finish())
}

fn map_datacite(attributes: &Json, doi: &Doi) -> Entry {
    let types = attributes.get("types");
    let general = types.and_then(|types| text_of(types.get("resourceTypeGeneral")));
    let citeproc = types.and_then(|types| text_of(types.get("citeproc")));
    let general_row = general.and_then(|name| type_row(DataCite, name));
    // `Text` and the like say little; the CSL type DataCite derives may say more.
    let row = match general_row {
        Some(row) if row.entry_type != "misc" => Some(row),
        _ => citeproc.and_then(|name| type_row(Csl, name)).or(general_row),
    };
    let mut mapped = Mapped::new(row);
    if row.is_none()
        && let Some(general) = general
    {
        mapped.extra("type", general);
    }

    let creators = mapped.datacite_names(attributes.get("creators"), None);
    mapped.set_names(Some("author"), "creators", creators);
    let editors = mapped.datacite_names(attributes.get("contributors"), Some("Editor"));
    let editor_field = mapped.row.editor;
    mapped.set_names(editor_field, "editor", editors);

    let titles = array(attributes.get("titles"));
    let title_of = |wanted: Option<&str>| {
        titles.iter().find_map(|title| {
            let kind = text_of(title.get("titleType"));
            (kind == wanted).then(|| text_of(title.get("title"))).flatten()
        })
    };
    mapped.title(title_of(None), title_of(Some("Subtitle")), None);

    if let Some(container) = attributes.get("container").filter(|c| c.is_object()) {
        let title = text_of(container.get("title")).map(str::to_string);
        mapped.container(&title.into_iter().collect::<Vec<_>>());
        mapped.text("volume", scalar_text(container.get("volume")).as_deref());
        mapped.text("number", scalar_text(container.get("issue")).as_deref());
        let first = scalar_text(container.get("firstPage"));
        let last = scalar_text(container.get("lastPage"));
        let pages = match (first, last) {
            (Some(first), Some(last)) if first != last => {
                Some(format!("{first}--{last}"))
            }
            (Some(first), _) => Some(first),
            _ => None,
        };
        if let Some(pages) = pages {
            let pages = crate::bib::normalise_range(&tex::escape(&pages));
            mapped.entry.set_text("pages", pages, None);
        }
        if text_of(container.get("identifierType")) == Some("ISSN") {
            mapped.identifiers(
                "issn",
                None,
                &texts(container.get("identifier")),
                normalise_issn,
            );
        }
    }

    let dates = array(attributes.get("dates"));
    let issued = dates
        .iter()
        .filter(|date| text_of(date.get("dateType")) == Some("Issued"))
        .find_map(|date| text_of(date.get("date")).and_then(edtf_of_text));
    let date = issued.or_else(|| {
        attributes.get("publicationYear").and_then(year_of_json).map(year_text)
    });
    if let Some(date) = date {
        mapped.entry.set_text("date", date, None);
    }

    let publisher = attributes.get("publisher");
    let publisher =
        text_of(publisher).or_else(|| publisher.and_then(|p| text_of(p.get("name"))));
    mapped.publisher(publisher, None);
    if mapped.entry.entry_type == "thesis" {
        mapped.thesis_type(types.and_then(|types| text_of(types.get("resourceType"))));
    }
    mapped.text("version", scalar_text(attributes.get("version")).as_deref());

    let identifiers = array(attributes.get("identifiers"))
        .iter()
        .chain(array(attributes.get("alternateIdentifiers")));
    for identifier in identifiers {
        let kind = text_of(identifier.get("identifierType"))
            .or_else(|| text_of(identifier.get("alternateIdentifierType")));
        let value = text_of(identifier.get("identifier"))
            .or_else(|| text_of(identifier.get("alternateIdentifier")));
        if let (Some(kind), Some(value)) = (kind, value)
            && kind.eq_ignore_ascii_case("arxiv")
            && !mapped.entry.fields.contains_key("eprint")
        {
            let value = value.trim().trim_start_matches("arXiv:");
            mapped.entry.set_text("eprint", value, None);
            mapped.entry.set_text("eprinttype", "arxiv", None);
        }
    }

    mapped.entry.set_text("doi", doi.as_str(), None);
    mapped.url(text_of(attributes.get("url")));
    mapped.language(text_of(attributes.get("language")));
    let abstract_ = array(attributes.get("descriptions"))
        .iter()
        .filter(|d| text_of(d.get("descriptionType")) == Some("Abstract"))
        .find_map(|d| text_of(d.get("description")));
    mapped.abstract_(abstract_);
    mapped.finish()
}

/// An entry under construction with the type row it follows.
struct Mapped {
    entry: Entry,
    row: TypeRow,
}

const FALLBACK_ROW: TypeRow = row(Crossref, "", "misc", None);

impl Mapped {
    fn new(row: Option<TypeRow>) -> Mapped {
        let row = row.unwrap_or(FALLBACK_ROW);
        let mut entry = Entry::new("", row.entry_type);
        if let Some(entrysubtype) = row.entrysubtype {
            entry.set_text("entrysubtype", entrysubtype, None);
        }
        if let Some(pubstate) = row.pubstate {
            entry.set_text("pubstate", pubstate, None);
        }
        Mapped { entry, row }
    }

    fn extra(&mut self, tag: &str, value: &str) {
        let extra =
            Extra { tag: tag.to_string(), value: value.to_string(), source: 0, line: 0 };
        if !self.entry.extra.contains(&extra) {
            self.entry.extra.push(extra);
        }
    }

    /// Sets a literal field from registry text (markup removed, escaped);
    /// empty values are skipped.
    fn text(&mut self, field: &str, value: Option<&str>) {
        if let Some(value) = value {
            let plain = markup::to_plain(value);
            if !plain.is_empty() {
                self.entry.set_text(field, tex::escape(&plain), None);
            }
        }
    }

    fn text_once(&mut self, field: &str, value: &str) {
        if !self.entry.fields.contains_key(field) {
            self.text(field, Some(value));
        }
    }

    fn title(
        &mut self,
        title: Option<&str>,
        subtitle: Option<&str>,
        short: Option<&str>,
    ) {
        self.text("title", title);
        self.text("subtitle", subtitle);
        if let Some(short) = short
            && title.is_none_or(|title| !same_text(title, short))
        {
            self.text("shorttitle", Some(short));
        }
    }

    /// The first container title goes to the type's container field; a
    /// second one of a chapter or paper is the series (Crossref lists the
    /// book and its series; which comes first varies, so the book is taken
    /// to be the last and the series the first). Without a field for it,
    /// the container is kept as extra data.
    fn container(&mut self, containers: &[String]) {
        let Some(first) = containers.first() else { return };
        match self.row.container {
            Some(field) if field == "booktitle" && containers.len() > 1 => {
                let last = &containers[containers.len() - 1];
                self.text("booktitle", Some(last));
                self.text("series", Some(first));
            }
            Some(field) => self.text(field, Some(first)),
            None => {
                for container in containers {
                    self.extra("container-title", &markup::to_plain(container));
                }
            }
        }
    }

    fn edition(&mut self, edition: Option<&str>) {
        if let Some(edition) = edition
            && edition.trim() != "1"
        {
            self.text("edition", Some(edition));
        }
    }

    /// The publisher goes to the row's field; an institution to
    /// `institution` for theses and reports (the publisher then stays the
    /// publisher), else to `organization` when it is not the publisher.
    fn publisher(&mut self, publisher: Option<&str>, institution: Option<&str>) {
        let mut publisher_field = self.row.publisher;
        if let Some(institution) = institution {
            if self.row.publisher == "institution" {
                self.text("institution", Some(institution));
                // The publisher is then the publisher, unless it only repeats the institution.
                if publisher.is_some_and(|publisher| same_text(publisher, institution)) {
                    return;
                }
                publisher_field = "publisher";
            } else if publisher.is_none_or(|publisher| !same_text(publisher, institution))
            {
                self.text("organization", Some(institution));
            }
        }
        self.text(publisher_field, publisher);
    }

    /// `type` of a thesis from the degree: `phdthesis` or `mathesis` (which
    /// biblatex localises), otherwise the degree as written.
    fn thesis_type(&mut self, degree: Option<&str>) {
        let Some(degree) = degree else { return };
        let lower = degree.to_lowercase();
        let is_doctoral = lower.contains("phd")
            || lower.contains("ph.d")
            || lower.contains("doctor")
            || lower.contains("dphil")
            || lower.contains("doctoral");
        let is_master = lower.contains("master")
            || lower.starts_with("ma ")
            || lower == "ma"
            || lower.contains("msc")
            || lower.contains("m.sc")
            || lower.contains("m.a.");
        if is_doctoral {
            self.entry.set_text("type", "phdthesis", None);
        } else if is_master {
            self.entry.set_text("type", "mathesis", None);
        } else if !lower.trim().is_empty() && lower.trim() != "dissertation" {
            self.text("type", Some(degree));
        }
    }

    /// ISSN or ISBN: the print one, else the electronic one, else the first
    /// listed; every other one as extra data under the field's name.
    fn identifiers(
        &mut self,
        field: &str,
        typed: Option<&Json>,
        listed: &[String],
        normalise: fn(&str) -> String,
    ) {
        let mut all: Vec<(u8, String)> = Vec::new();
        for typed in array(typed) {
            if let Some(value) = text_of(typed.get("value")) {
                let rank = match text_of(typed.get("type")) {
                    Some("print") => 0,
                    Some("electronic") => 1,
                    _ => 2,
                };
                all.push((rank, normalise(value)));
            }
        }
        all.sort_by_key(|(rank, _)| *rank);
        for value in listed {
            all.push((3, normalise(value)));
        }
        let mut seen: Vec<String> = Vec::new();
        for (_, value) in all {
            if value.is_empty() || seen.contains(&value) {
                continue;
            }
            if seen.is_empty() {
                self.entry.set_text(field, tex::escape(&value), None);
            } else {
                self.extra(field, &value);
            }
            seen.push(value);
        }
    }

    fn url(&mut self, url: Option<&str>) {
        if let Some(url) = url.map(str::trim).filter(|url| !url.is_empty())
            && !is_resolver_link(url)
        {
            self.entry.set_text("url", url, None);
        }
    }

    fn language(&mut self, language: Option<&str>) {
        let Some(language) = language.map(str::trim).filter(|l| !l.is_empty()) else {
            return;
        };
        let primary =
            language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        // The primary subtag only: registries' `en-US` is plain `english` here.
        match crate::csl::table::langid_for_code(&primary) {
            Some(langid) => self.entry.set_text("langid", langid, None),
            None => self.extra("language", language),
        }
    }

    fn abstract_(&mut self, text: Option<&str>) {
        let Some(text) = text else { return };
        let plain = markup::to_plain(text);
        // A heading that only says "Abstract" is not part of it.
        let is_heading =
            plain.get(..8).is_some_and(|head| head.eq_ignore_ascii_case("abstract"))
                && !plain[8..].starts_with(char::is_alphanumeric);
        let plain = match plain.get(..8) {
            Some(_) if is_heading => {
                plain[8..].trim_start_matches([':', '.', ' ']).to_string()
            }
            _ => plain,
        };
        if !plain.is_empty() {
            self.entry.set_text("abstract", tex::escape(&plain), None);
        }
    }

    /// Crossref and CSL names: persons (`family`, `given`, `suffix`,
    /// particles), organisations (`name` or `literal`); ORCID iDs kept.
    fn csl_names(&mut self, names: Option<&Json>) -> Vec<Name> {
        let mut list = Vec::new();
        for name in array(names) {
            let family = text_of(name.get("family"));
            let given = text_of(name.get("given"));
            let literal =
                text_of(name.get("name")).or_else(|| text_of(name.get("literal")));
            let mapped = match (family, given, literal) {
                (None, None, Some(literal)) => literal_name(literal),
                (family, given, _) if family.is_some() || given.is_some() => {
                    let particles = [
                        text_of(name.get("dropping-particle")),
                        text_of(name.get("non-dropping-particle")),
                        text_of(name.get("prefix")),
                    ];
                    let prefix: Vec<&str> = particles.into_iter().flatten().collect();
                    person(
                        family.or(given).unwrap_or_default(),
                        if family.is_some() { given.unwrap_or_default() } else { "" },
                        &prefix.join(" "),
                        text_of(name.get("suffix")).unwrap_or_default(),
                    )
                }
                _ => None,
            };
            let Some(mapped) = mapped else { continue };
            if let Some(orcid) = text_of(name.get("ORCID")) {
                self.orcid(&mapped, orcid);
            }
            list.push(mapped);
        }
        list
    }

    /// Sets a name list, or keeps each name as extra data `tag`
    /// (`Family, Given`) when there is no field for it.
    fn set_names(&mut self, field: Option<&str>, tag: &str, list: Vec<Name>) {
        if list.is_empty() {
            return;
        }
        match field {
            Some(field) => self.entry.set(field, Value::Names(list), None),
            None => {
                for name in &list {
                    if let Some(label) = name_label(name) {
                        self.extra(tag, &label);
                    }
                }
            }
        }
    }

    /// DataCite creators or contributors (only those of `contributor_type`).
    fn datacite_names(
        &mut self,
        names: Option<&Json>,
        contributor_type: Option<&str>,
    ) -> Vec<Name> {
        let mut list = Vec::new();
        for name in array(names) {
            if contributor_type.is_some()
                && text_of(name.get("contributorType")) != contributor_type
            {
                continue;
            }
            let name_type = text_of(name.get("nameType"));
            let full = text_of(name.get("name"));
            let family = text_of(name.get("familyName"));
            let given = text_of(name.get("givenName"));
            let mapped = if name_type == Some("Organizational") {
                full.and_then(literal_name)
            } else if let Some(family) = family {
                person(family, given.unwrap_or_default(), "", "")
            } else if let Some(full) = full {
                match full.split_once(',') {
                    Some((family, given)) => person(family, given, "", ""),
                    None if name_type == Some("Personal") => {
                        match full.trim().rsplit_once(' ') {
                            Some((given, family)) => person(family, given, "", ""),
                            None => person(full, "", "", ""),
                        }
                    }
                    None => literal_name(full),
                }
            } else {
                None
            };
            let Some(mapped) = mapped else { continue };
            for identifier in array(name.get("nameIdentifiers")) {
                let scheme = text_of(identifier.get("nameIdentifierScheme"));
                if scheme.is_some_and(|scheme| scheme.eq_ignore_ascii_case("orcid"))
                    && let Some(orcid) = text_of(identifier.get("nameIdentifier"))
                {
                    self.orcid(&mapped, orcid);
                }
            }
            list.push(mapped);
        }
        list
    }

    fn orcid(&mut self, name: &Name, orcid: &str) {
        if let Some(label) = name_label(name) {
            self.extra(ORCID_TAG, &format!("{label}: {}", orcid_url(orcid)));
        }
    }

    fn finish(mut self) -> Entry {
        self.entry.sort_fields();
        self.entry
    }
}

/// A name as plain text, `Family, Given` for persons.
fn name_label(name: &Name) -> Option<String> {
    Some(match name {
        Name::Person { family, given, .. } if given.is_empty() => {
            tex::to_plain(family, true)
        }
        Name::Person { family, given, .. } => {
            format!("{}, {}", tex::to_plain(family, true), tex::to_plain(given, true))
        }
        Name::Literal(literal) => tex::to_plain(literal, true),
        Name::Others => return None,
    })
}

/// A person from name parts (typographic spaces such as U+2009 in `J. C.`
/// become plain spaces); `None` when nothing is left.
fn person(family: &str, given: &str, prefix: &str, suffix: &str) -> Option<Name> {
    let part = |text: &str| tex::escape(&markup::to_plain(&plain_spaces(text)));
    let family = part(family);
    if family.is_empty() {
        return None;
    }
    Some(Name::Person {
        family,
        given: part(given),
        prefix: part(prefix),
        suffix: part(suffix),
    })
}

fn literal_name(text: &str) -> Option<Name> {
    let text = tex::escape(&markup::to_plain(&plain_spaces(text)));
    (!text.is_empty()).then_some(Name::Literal(text))
}

/// Unicode space separators as ASCII spaces.
fn plain_spaces(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_whitespace() || matches!(c, '\u{200B}') { ' ' } else { c })
        .collect()
}

/// `https://orcid.org/` plus the iD, from any way of writing it; the text
/// trimmed when it holds no iD.
fn orcid_url(orcid: &str) -> String {
    let id: String = orcid
        .trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let is_id = id.len() == 19
        && id.split('-').count() == 4
        && id.split('-').all(|group| group.len() == 4)
        && id.chars().enumerate().all(|(idx, c)| match idx {
            4 | 9 | 14 => c == '-',
            18 => c.is_ascii_digit() || c == 'X',
            _ => c.is_ascii_digit(),
        });
    if is_id { format!("https://orcid.org/{id}") } else { orcid.trim().to_string() }
}

/// Whether a URL is only a DOI resolver link.
fn is_resolver_link(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    ["doi.org/", "dx.doi.org/", "www.doi.org/"].iter().any(|host| rest.starts_with(host))
}

fn normalise_issn(issn: &str) -> String {
    let compact: String = issn
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.len() == 8 {
        format!("{}-{}", &compact[..4], &compact[4..])
    } else {
        issn.trim().to_string()
    }
}

fn normalise_isbn(isbn: &str) -> String {
    // The API once listed ISBNs as `http://id.crossref.org/isbn/978…`.
    let isbn = isbn.trim();
    isbn.rsplit_once("/isbn/").map_or(isbn, |(_, isbn)| isbn).trim().to_ascii_uppercase()
}

/// Whether two registry texts say the same (markup, case and spacing aside).
fn same_text(first: &str, second: &str) -> bool {
    let key = |text: &str| markup::to_plain(text).to_lowercase();
    key(first) == key(second)
}

/// A string, or the first non-empty string of an array.
fn first_text(value: Option<&Json>) -> Option<&str> {
    match value? {
        Json::Array(items) => items.iter().find_map(|item| text_of(Some(item))),
        other => text_of(Some(other)),
    }
}

/// Every non-empty string of a string or array.
fn texts(value: Option<&Json>) -> Vec<String> {
    match value {
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(|item| text_of(Some(item)))
            .map(str::to_string)
            .collect(),
        other => text_of(other).map(str::to_string).into_iter().collect(),
    }
}

/// A non-blank string (numbers are not taken: see [`scalar_text`]).
fn text_of(value: Option<&Json>) -> Option<&str> {
    value?.as_str().filter(|text| !text.trim().is_empty())
}

/// A string or number (`"volume": 12` occurs in CSL-JSON), or the first of
/// an array of them, as text.
fn scalar_text(value: Option<&Json>) -> Option<String> {
    match value? {
        Json::Array(items) => items.iter().find_map(|item| scalar_text(Some(item))),
        Json::Number(number) => Some(number.to_string()),
        other => text_of(Some(other)).map(str::to_string),
    }
}

fn array(value: Option<&Json>) -> &[Json] {
    value.and_then(Json::as_array).map_or(&[], Vec::as_slice)
}

/// A CSL/Crossref date (`{"date-parts": [[y, m, d]]}`, a second part for a
/// range, or `raw`/`literal` text) as EDTF.
fn csl_date(date: &Json) -> Option<String> {
    let parts = date.get("date-parts").and_then(Json::as_array);
    if let Some(parts) = parts {
        let start = parts.first().and_then(date_from_parts)?;
        return match parts.get(1).and_then(date_from_parts) {
            Some(end) if end != start => crate::model::Date::range(&start, &end)
                .ok()
                .map(|range| range.to_string())
                .or_else(|| Some(start.to_string())),
            _ => Some(start.to_string()),
        };
    }
    ["raw", "literal"]
        .iter()
        .find_map(|key| text_of(date.get(*key)).and_then(edtf_of_text))
}

/// `[y, m, d]` (numbers or numeric strings) as a date; month and day are
/// dropped when invalid, a missing or zero year gives `None`.
fn date_from_parts(parts: &Json) -> Option<crate::model::Date> {
    let parts = parts.as_array()?;
    let number = |idx: usize| -> Option<i64> {
        match parts.get(idx)? {
            Json::Number(number) => number.as_i64(),
            Json::String(text) => text.trim().parse().ok(),
            _ => None,
        }
    };
    let year = i32::try_from(number(0)?).ok().filter(|year| (1..=9999).contains(year))?;
    let month =
        number(1).and_then(|m| u32::try_from(m).ok()).filter(|m| (1..=12).contains(m));
    let day = month.and(number(2)).and_then(|d| u32::try_from(d).ok());
    use crate::model::Date;
    Date::from_parts(year, month, day)
        .or_else(|_| Date::from_parts(year, month, None))
        .or_else(|_| Date::from_parts(year, None, None))
        .ok()
}

/// EDTF from date text: ISO dates and date-times (`2011-02-01T17:22:41Z` →
/// `2011-02-01`), else the leading year.
fn edtf_of_text(text: &str) -> Option<String> {
    let text = text.trim();
    let date_part = text.split('T').next().unwrap_or_default();
    if let Ok(date) = crate::model::Date::parse(date_part)
        && date.year().is_some()
    {
        return Some(date.to_string());
    }
    leading_year(text).map(year_text)
}

fn leading_year(text: &str) -> Option<i32> {
    let digits: String = text.trim().chars().take_while(char::is_ascii_digit).collect();
    if digits.len() == 4 { digits.parse().ok().filter(|year| *year > 0) } else { None }
}

fn year_text(year: i32) -> String {
    format!("{year:04}")
}

/// The year of a Crossref/CSL date object.
fn date_year(date: &Json) -> Option<i32> {
    csl_date(date).as_deref().and_then(leading_year)
}

/// A year given as a number or as text.
fn year_of_json(value: &Json) -> Option<i32> {
    match value {
        Json::Number(number) => number
            .as_i64()
            .and_then(|y| i32::try_from(y).ok())
            .filter(|y| (1..=9999).contains(y)),
        Json::String(text) => leading_year(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(entry: &Entry, field: &str) -> Vec<Name> {
        entry.names(field).map(<[Name]>::to_vec).unwrap_or_default()
    }

    #[test]
    fn crossref_journal_article() {
        let message = json!({
            "DOI": "10.1000/XYZ", "type": "journal-article",
            "title": ["A <i>Title</i> &amp; more"], "subtitle": ["Sub"],
            "author": [
                {"given": "J.\u{2009}C.", "family": "Smith", "ORCID": "http://orcid.org/0000-0001-9092-3092"},
                {"name": "OLYMPUS Collaboration"},
                {"family": "Plato"}
            ],
            "container-title": ["Journal of Things"], "short-container-title": ["J. Things"],
            "volume": "7", "issue": "3", "page": "12-34", "article-number": "e5",
            "published-online": {"date-parts": [[2012, 3, 21]]},
            "issued": {"date-parts": [[2012, 3]]},
            "ISSN": ["1932-6203", "12345679"],
            "issn-type": [{"value": "12345679", "type": "electronic"}, {"value": "1932-6203", "type": "print"}],
            "URL": "https://doi.org/10.1000/xyz", "language": "en",
            "publisher": "P & Sons"
        });
        let entry =
            entry_from_crossref(&json!({"status": "ok", "message": message})).unwrap();
        assert_eq!(entry.key, "");
        assert_eq!(entry.entry_type, "article");
        assert_eq!(entry.text("title"), Some("A Title \\& more"));
        assert_eq!(entry.text("subtitle"), Some("Sub"));
        assert_eq!(entry.text("journaltitle"), Some("Journal of Things"));
        assert_eq!(entry.text("shortjournal"), Some("J. Things"));
        assert_eq!(entry.text("number"), Some("3"));
        assert_eq!(entry.text("pages"), Some("12--34"));
        assert_eq!(entry.text("eid"), Some("e5"));
        assert_eq!(entry.text("date"), Some("2012-03"), "issued before published-online");
        assert_eq!(entry.text("issn"), Some("1932-6203"));
        assert_eq!(entry.text("doi"), Some("10.1000/xyz"));
        assert_eq!(entry.text("url"), None);
        assert_eq!(entry.text("langid"), Some("english"));
        assert_eq!(entry.text("publisher"), Some("P \\& Sons"));
        assert_eq!(
            names(&entry, "author"),
            vec![
                Name::person("Smith", "J. C."),
                Name::Literal("OLYMPUS Collaboration".into()),
                Name::person("Plato", ""),
            ]
        );
        let extras: Vec<(&str, &str)> =
            entry.extra.iter().map(|e| (e.tag.as_str(), e.value.as_str())).collect();
        assert_eq!(
            extras,
            vec![
                ("orcid", "Smith, J. C.: https://orcid.org/0000-0001-9092-3092"),
                ("issn", "1234-5679"),
            ]
        );
        // Fields come in canonical order.
        let order: Vec<&str> = entry.fields.keys().map(String::as_str).collect();
        assert_eq!(order.first(), Some(&"author"));
    }

    #[test]
    fn csl_names_with_particles_and_types() {
        let item = json!([{
            "DOI": "10.1000/abc", "type": "paper-conference", "title": "T",
            "author": [{"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van", "suffix": "Jr."},
                       {"literal": "W3C"}],
            "container-title": "Proc", "event-title": "Conf", "event-place": "Rome",
            "issued": {"raw": "2019-05-02"}, "publisher-place": "Berlin", "edition": "2"
        }]);
        let entry = entry_from_csl(&item).unwrap();
        assert_eq!(entry.entry_type, "inproceedings");
        assert_eq!(entry.text("booktitle"), Some("Proc"));
        assert_eq!(entry.text("eventtitle"), Some("Conf"));
        assert_eq!(entry.text("venue"), Some("Rome"));
        assert_eq!(entry.text("location"), Some("Berlin"));
        assert_eq!(entry.text("date"), Some("2019-05-02"));
        assert_eq!(entry.text("edition"), Some("2"));
        assert_eq!(
            names(&entry, "author"),
            vec![
                Name::Person {
                    family: "Beethoven".into(),
                    given: "Ludwig".into(),
                    prefix: "van".into(),
                    suffix: "Jr.".into()
                },
                Name::Literal("W3C".into())
            ]
        );
    }

    #[test]
    fn dates_in_odd_shapes() {
        let date = |value: Json| csl_date(&value);
        assert_eq!(date(json!({"date-parts": [[null]]})), None);
        assert_eq!(date(json!({"date-parts": [[]]})), None);
        assert_eq!(date(json!({"date-parts": [["2019", "7"]]})), Some("2019-07".into()));
        assert_eq!(date(json!({"date-parts": [[2019, 13, 40]]})), Some("2019".into()));
        assert_eq!(date(json!({"date-parts": [[2019, 2, 30]]})), Some("2019-02".into()));
        assert_eq!(
            date(json!({"date-parts": [[2019, 1], [2019, 3]]})),
            Some("2019-01/2019-03".into())
        );
        assert!(
            date(json!({"date-parts": [[2019], [2018]]}))
                .is_some_and(|d| d.starts_with("2019"))
        );
        assert_eq!(date(json!({"literal": "Spring 2004"})), None);
        assert_eq!(date(json!({"raw": "2004 spring"})), Some("2004".into()));
        assert_eq!(edtf_of_text("2011-02-01T17:22:41Z"), Some("2011-02-01".into()));
    }

    #[test]
    fn thesis_types_from_degree() {
        let thesis = |degree: &str| {
            let record = json!({"DOI": "10.1000/t", "type": "dissertation", "degree": [degree],
                                "publisher": "Library", "institution": [{"name": "Uni"}]});
            let entry = entry_from_crossref(&record).unwrap();
            assert_eq!(entry.text("institution"), Some("Uni"));
            assert_eq!(entry.text("publisher"), Some("Library"));
            entry.text("type").map(str::to_string)
        };
        assert_eq!(thesis("PhD Thesis").as_deref(), Some("phdthesis"));
        assert_eq!(thesis("Doctor of Philosophy").as_deref(), Some("phdthesis"));
        assert_eq!(thesis("Master of Science").as_deref(), Some("mathesis"));
        assert_eq!(thesis("Honours").as_deref(), Some("Honours"));
        // A CSL thesis without institution: the publisher is the institution.
        let entry = entry_from_csl(&json!({"DOI": "10.1000/t", "type": "thesis",
            "genre": "Doctoral dissertation", "publisher": "MIT"}))
        .unwrap();
        assert_eq!(entry.text("institution"), Some("MIT"));
        assert_eq!(entry.text("publisher"), None);
        assert_eq!(entry.text("type"), Some("phdthesis"));
    }

    #[test]
    fn handling_editors_of_articles_are_extra_data() {
        let editor = json!([{"given": "Cesario V.", "family": "Borlongan"}]);
        let article = entry_from_crossref(&json!({"DOI": "10.1371/x",
            "type": "journal-article", "editor": editor}))
        .unwrap();
        assert!(article.names("editor").is_none());
        assert_eq!(article.extra[0].tag, "editor");
        assert_eq!(article.extra[0].value, "Borlongan, Cesario V.");
        let chapter = entry_from_crossref(&json!({"DOI": "10.1371/x",
            "type": "book-chapter", "editor": editor}))
        .unwrap();
        assert_eq!(
            names(&chapter, "editor"),
            vec![Name::person("Borlongan", "Cesario V.")]
        );
    }

    #[test]
    fn abstract_heading_is_dropped() {
        let abstract_of = |text: &str| {
            let record = json!({"DOI": "10.1000/a", "abstract": text});
            entry_from_crossref(&record).unwrap().text("abstract").map(str::to_string)
        };
        assert_eq!(
            abstract_of("<jats:title>Abstract</jats:title><jats:p>We & they.</jats:p>"),
            Some("We \\& they.".into())
        );
        assert_eq!(abstract_of("Abstracts of talks"), Some("Abstracts of talks".into()));
        assert_eq!(abstract_of("<jats:p> </jats:p>"), None);
    }

    #[test]
    fn unknown_type_is_misc_and_kept() {
        let entry = entry_from_crossref(&json!({"DOI": "10.1000/u", "type": "hologram"}))
            .unwrap();
        assert_eq!(entry.entry_type, "misc");
        assert_eq!(entry.extra[0].tag, "type");
        assert_eq!(entry.extra[0].value, "hologram");
    }

    #[test]
    fn registry_performance_is_performance() {
        // One CSL table: a registry's `performance` is biblatex's
        // `@performance`, as in a CSL-JSON file (it used to become `misc`).
        let entry =
            entry_from_csl(&json!({"DOI": "10.1000/p", "type": "performance"})).unwrap();
        assert_eq!(entry.entry_type, "performance");
        assert!(entry.extra.iter().all(|extra| extra.tag != "type"), "{:?}", entry.extra);
    }

    #[test]
    fn chapter_with_book_and_series() {
        let entry = entry_from_crossref(&json!({"DOI": "10.1007/x", "type": "book-chapter",
            "container-title": ["Lecture Notes in Computer Science", "Computer Vision – ECCV 2018"]}))
        .unwrap();
        assert_eq!(entry.text("booktitle"), Some("Computer Vision – ECCV 2018"));
        assert_eq!(entry.text("series"), Some("Lecture Notes in Computer Science"));
    }

    #[test]
    fn errors_name_what_is_missing() {
        assert_eq!(
            entry_from_crossref(&json!({"type": "journal-article"}))
                .unwrap_err()
                .to_string(),
            "the record has no 'DOI'; a Crossref record always names its DOI"
        );
        assert!(matches!(
            entry_from_crossref(&json!({"DOI": "11.1/x"})),
            Err(MapError::BadDoi { field: "DOI", .. })
        ));
        assert!(matches!(
            entry_from_crossref(&json!([1, 2])),
            Err(MapError::NotAnObject { .. })
        ));
        assert_eq!(
            entry_from_datacite(&json!({"data": {"id": "x", "type": "dois"}}))
                .unwrap_err(),
            MapError::Missing { field: "attributes", record: "DataCite" }
        );
        assert!(matches!(
            entry_from_datacite(&json!({"data": {"attributes": "no"}})),
            Err(MapError::NotAnObject { .. })
        ));
        let error =
            entry_from_datacite(&json!({"attributes": {"doi": "10.1/x"}})).unwrap_err();
        assert!(error.to_string().contains("registrant code '1'"), "{error}");
    }

    #[test]
    fn seed_title_is_no_conflict() {
        // works-seed-article against refs/references.bib chong2019cashless.
        assert!(same_title(
            "Cashless China",
            Some(
                "Securitization of everyday life through Alipay’s social credit system—Sesame Credit"
            ),
            "Cashless China: Securitization of everyday life through Alipay’s social credit system—Sesame Credit",
            None,
        ));
        assert!(same_title(
            "{LaSrVO}$_4$: A candidate",
            None,
            "LaSrVO4: A Candidate",
            None
        ));
        assert!(same_title(
            "Cashless China",
            Some("Securitization"),
            "Cashless China",
            None
        ));
        assert!(same_title(
            "THE CRYSTAL STRUCTURE",
            None,
            "The crystal structure.",
            None
        ));
        assert!(!same_title("Cashless China", Some("A"), "Cashless China", Some("B")));
        assert!(!same_title("Cashless China", None, "Cashful China", None));
        assert!(!same_title("", None, "Something", None));
        assert!(same_title("", None, "", None));
        assert_eq!(title_key("Montréal &amp; <i>Québec</i>—2019"), "montrealquebec2019");
    }

    #[test]
    fn orcid_forms() {
        assert_eq!(
            orcid_url("http://orcid.org/0000-0002-9346-671x"),
            "https://orcid.org/0000-0002-9346-671X"
        );
        assert_eq!(
            orcid_url("0000-0001-9092-3092"),
            "https://orcid.org/0000-0001-9092-3092"
        );
        assert_eq!(orcid_url("not an id"), "not an id");
    }

    #[test]
    fn datacite_shapes() {
        let record = json!({"data": {"id": "10.5555/ABC", "attributes": {
            "creators": [
                {"name": "Heibi, Ivan", "nameType": "Personal", "givenName": "Ivan", "familyName": "Heibi",
                 "nameIdentifiers": [{"nameIdentifier": "https://orcid.org/0000-0001-5366-5194", "nameIdentifierScheme": "ORCID"}]},
                {"name": "Consortium X", "nameType": "Organizational"},
                {"name": "Doe, Jane"},
                {"name": "Jane Roe", "nameType": "Personal"},
                {"name": "Some Group"}
            ],
            "contributors": [{"name": "Li, Z", "contributorType": "ContactPerson"},
                             {"name": "Ed, A", "contributorType": "Editor"}],
            "titles": [{"title": "Main"}, {"title": "Sub", "titleType": "Subtitle"},
                       {"title": "Other", "titleType": "TranslatedTitle"}],
            "publisher": {"name": "Zenodo"}, "publicationYear": "2020",
            "types": {"resourceTypeGeneral": "Text", "citeproc": "article-journal"},
            "container": {"type": "Journal", "title": "J", "volume": "3", "issue": "1",
                          "firstPage": "5", "lastPage": "9", "identifier": "12345679", "identifierType": "ISSN"},
            "language": "zz"
        }}});
        let entry = entry_from_datacite(&record).unwrap();
        let mut book_record = record.clone();
        book_record["data"]["attributes"]["types"] =
            json!({"resourceTypeGeneral": "Book"});
        let book = entry_from_datacite(&book_record).unwrap();
        assert_eq!(book.entry_type, "book");
        assert_eq!(names(&book, "editor"), vec![Name::person("Ed", "A")]);
        assert_eq!(book.text("series"), Some("J"));
        assert_eq!(entry.text("doi"), Some("10.5555/abc"));
        assert_eq!(entry.entry_type, "article");
        assert_eq!(entry.text("title"), Some("Main"));
        assert_eq!(entry.text("subtitle"), Some("Sub"));
        assert_eq!(entry.text("journaltitle"), Some("J"));
        assert_eq!(entry.text("pages"), Some("5--9"));
        assert_eq!(entry.text("issn"), Some("1234-5679"));
        assert_eq!(entry.text("date"), Some("2020"));
        assert_eq!(entry.text("publisher"), Some("Zenodo"));
        assert_eq!(
            names(&entry, "author"),
            vec![
                Name::person("Heibi", "Ivan"),
                Name::Literal("Consortium X".into()),
                Name::person("Doe", "Jane"),
                Name::person("Roe", "Jane"),
                Name::Literal("Some Group".into()),
            ]
        );
        // An article's editors are handling editors: extra data.
        assert!(entry.names("editor").is_none());
        assert!(entry.extra.iter().any(|e| e.tag == "editor" && e.value == "Ed, A"));
        assert!(entry.extra.iter().any(|e| e.tag == "orcid"
            && e.value == "Heibi, Ivan: https://orcid.org/0000-0001-5366-5194"));
        assert!(entry.extra.iter().any(|e| e.tag == "language" && e.value == "zz"));
    }

    /// A small deterministic generator of JSON values of every shape, keyed
    /// by the field names the mappers read.
    struct Shapes(u64);

    impl Shapes {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn value(&mut self, depth: u32) -> Json {
            const KEYS: &[&str] = &[
                "DOI",
                "doi",
                "type",
                "subtype",
                "title",
                "subtitle",
                "author",
                "editor",
                "family",
                "given",
                "name",
                "literal",
                "ORCID",
                "container-title",
                "page",
                "issued",
                "date-parts",
                "published-print",
                "ISSN",
                "issn-type",
                "value",
                "ISBN",
                "isbn-type",
                "institution",
                "degree",
                "event",
                "location",
                "attributes",
                "creators",
                "titles",
                "titleType",
                "nameType",
                "dates",
                "dateType",
                "date",
                "types",
                "resourceTypeGeneral",
                "container",
                "firstPage",
                "publicationYear",
                "message",
                "data",
                "identifiers",
                "identifierType",
                "identifier",
                "nameIdentifiers",
                "language",
                "URL",
                "abstract",
                "descriptions",
                "description",
                "descriptionType",
                "raw",
            ];
            const STRINGS: &[&str] = &[
                "",
                " ",
                "10.1000/x",
                "journal-article",
                "Dataset",
                "<i>x",
                "&#0;",
                "2019",
                "12-34",
                "PhD",
                "print",
                "Issued",
                "Organizational",
                "a, b",
                "http://orcid.org/x",
                "\u{2009}",
                "é",
                "<mml:math><mml:mfrac><mml:mi>a</mml:mi></mml:mfrac></mml:math>",
            ];
            let pick = self.next() % if depth == 0 { 5 } else { 7 };
            match pick {
                0 => Json::Null,
                1 => Json::Bool(self.next() & 1 == 0),
                2 => json!((self.next() % 4000) as i64 - 100),
                3 => json!(STRINGS[(self.next() % STRINGS.len() as u64) as usize]),
                4 => json!(-1.5e300),
                5 => Json::Array(
                    (0..self.next() % 4).map(|_| self.value(depth - 1)).collect(),
                ),
                _ => {
                    let mut object = serde_json::Map::new();
                    for _ in 0..self.next() % 6 {
                        let key = KEYS[(self.next() % KEYS.len() as u64) as usize];
                        object.insert(key.to_string(), self.value(depth - 1));
                    }
                    if self.next() & 1 == 0 {
                        object.insert("DOI".into(), json!("10.1000/x"));
                        object.insert("doi".into(), json!("10.1000/x"));
                    }
                    Json::Object(object)
                }
            }
        }
    }

    #[test]
    fn odd_json_never_panics() {
        let mut shapes = Shapes(0x9E37_79B9_7F4A_7C15);
        let mut n_mapped = 0;
        for _ in 0..20_000 {
            let value = shapes.value(4);
            n_mapped += usize::from(entry_from_crossref(&value).is_ok());
            n_mapped += usize::from(entry_from_csl(&value).is_ok());
            n_mapped += usize::from(entry_from_datacite(&value).is_ok());
            let _ = publication_years(&value);
        }
        // The generator reaches the mapping itself, not only the error paths.
        assert!(n_mapped > 1_000, "{n_mapped}");
    }
}
