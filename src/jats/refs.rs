//! A JATS `<ref-list>` to entries: **the** JATS ↔ BibLaTeX table.
//!
//! | JATS (inside `<element-citation>`, `<mixed-citation>`, NLM `<citation>`/`<nlm-citation>`; in `<citation-alternatives>` the element citation) | BibLaTeX |
//! |---|---|
//! | `publication-type` / `citation-type` | entry type, see [`TYPES`] (`book` with a chapter title → `incollection`, `confproc` without a paper title → `proceedings`) |
//! | `person-group person-group-type="author"` (also `allauthors`, `inventor`; names outside any group) | `author` |
//! | `person-group-type` `editor`, `guest-editor`, `compiler`, `series-editor` / `translator` | `editor` / `translator`; other roles kept as extra data |
//! | `<name>`/`<string-name>`: `surname`, `given-names`, `prefix`, `suffix`; a bare `<string-name>Ito K</string-name>` split family first; `<name-alternatives>`: the first in no other language | a person; PubMed initials (`LA`) written `L. A.` |
//! | names straight in a mixed citation: after `In:` or before `, editors` (after a title) | `editor`; `et al.` after them `and others` |
//! | `<collab>` (its `<collab-name>`), `<institution>` in a group | a literal (corporate) name |
//! | `<etal/>` | `and others` |
//! | `article-title`, `chapter-title`, `part-title`, `data-title` | `title` |
//! | `source` | `journaltitle` (article), `booktitle` (chapter, paper), else `title` (or `howpublished` when there is a title) |
//! | `year` (`2015a`: the letter is the source's year suffix, not the work's), `month`, `day`, also inside `<date>`; `iso-8601-date`; `string-date` | `date` (EDTF); `in press` → `pubstate = {inpress}` |
//! | `size units="pages"` | `pagetotal` |
//! | `volume`, `issue`, `edition`, `series`, `isbn`, `issn`, `version` | `volume`, `number`, `edition`, `series`, `isbn`, `issn`, `version` |
//! | `fpage`/`lpage` (as printed), else `page-range` | `pages` (`a--b`) |
//! | `elocation-id` | `eid` |
//! | `publisher-name` / `publisher-loc` | `publisher` / `location` (`institution` for theses and reports) |
//! | `pub-id pub-id-type="doi"` | `doi`; `pmid` → `eprint` + `eprinttype = {pubmed}`; `arxiv` → `eprint` + `eprinttype = {arxiv}`; others extra data `pub-id:<type>` |
//! | `uri`, `ext-link` (their `xlink:href`, else their text) | `url` (a doi.org link or `ext-link-type="doi"` gives `doi`) |
//! | `comment`, `annotation`, `note` | `note` |
//! | `conf-name`, `conf-loc` | `eventtitle`, `venue` |
//! | `date-in-citation content-type="access-date"` (`iso-8601-date`) | `urldate` |
//! | anything else | extra data tagged with the element's name |
//!
//! A `<mixed-citation>` is first read as a free-text reference (its text,
//! `source` in italics, a space where two tagged elements touch) by
//! [`crate::reflist::read_reference`]; then every part tagged inside it is
//! taken as given and overrides what the parser guessed.

use std::sync::LazyLock;

use regex::Regex;

use crate::diag::{Diagnostic, LineIndex, Severity};
use crate::model::{Date, Entry, Extra, Name, Origin, Source, Value, month_number};
use crate::reflist::{REFERENCE_TAG, read_reference};
use crate::tex;

use super::tree::{Element, Node};

/// `publication-type` → BibLaTeX entry type.
pub const TYPES: &[(&str, &str)] = &[
    ("journal", "article"),
    ("newspaper", "article"),
    ("magazine", "article"),
    ("book", "book"),
    ("confproc", "inproceedings"),
    ("conf-proc", "inproceedings"),
    ("conference", "inproceedings"),
    ("thesis", "thesis"),
    ("report", "report"),
    ("working-paper", "report"),
    ("web", "online"),
    ("webpage", "online"),
    ("website", "online"),
    ("blog", "online"),
    ("preprint", "online"),
    ("data", "dataset"),
    ("dataset", "dataset"),
    ("database", "dataset"),
    ("software", "software"),
    ("patent", "patent"),
    ("standard", "standard"),
    ("gov", "report"),
    ("discussion", "online"),
    ("list", "misc"),
    ("commun", "misc"),
    ("other", "misc"),
];

/// One `<ref>` read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JatsReference {
    /// Its `id`, which `<xref rid>` names.
    pub id: String,
    /// Its `<label>` (`12`), if any.
    pub label: Option<String>,
    /// The `<ref>` element's byte span.
    pub span: std::ops::Range<usize>,
    /// First line of the `<ref>`.
    pub line: u32,
    /// The entry (no key), with its source and year suffix.
    pub entry: Entry,
}

/// Every `<ref>` of every `<ref-list>` of `article`, in document order.
pub fn read_refs(
    article: &Element,
    xml: &str,
    file: &str,
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<JatsReference> {
    let mut lists = Vec::new();
    // Sub-articles (eLife's decision letters) have lists of their own that
    // the article's callouts never name: the article's lists only.
    collect_outside(article, "ref-list", "sub-article", &mut lists);
    let mut refs = Vec::new();
    for list in lists {
        list_refs(list, xml, file, index, diagnostics, &mut refs);
    }
    refs
}

/// The `<ref>`s of one list and of the lists nested in it, in order.
fn list_refs(
    list: &Element,
    xml: &str,
    file: &str,
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
    out: &mut Vec<JatsReference>,
) {
    for element in list.elements() {
        match element.name.as_str() {
            "ref" => out.push(read_ref(element, xml, file, index, diagnostics)),
            "ref-list" => list_refs(element, xml, file, index, diagnostics, out),
            _ => {}
        }
    }
}

/// Elements holding one citation: JATS's two, NLM 2.x's `<citation>` and
/// NLM 3.0's `<nlm-citation>`.
const CITATIONS: [&str; 4] =
    ["element-citation", "mixed-citation", "citation", "nlm-citation"];

/// The citation of a `<ref>`: the first one (a `<ref>` holding two gives
/// the first); in `<citation-alternatives>` the tagged one, else the first.
fn citation_of(element: &Element) -> Option<&Element> {
    fn pick(group: &Element) -> Option<&Element> {
        let mut found = Vec::new();
        for name in CITATIONS {
            group.descendants(name, &mut found);
        }
        let first = found.iter().copied().min_by_key(|e| e.span.start)?;
        if group.name != "citation-alternatives" {
            return Some(first);
        }
        found
            .iter()
            .copied()
            .filter(|e| matches!(e.name.as_str(), "element-citation" | "nlm-citation"))
            .min_by_key(|e| e.span.start)
            .or(Some(first))
    }
    element
        .elements()
        .find(|e| CITATIONS.contains(&e.name.as_str()))
        .or_else(|| {
            element.elements().find(|e| e.name == "citation-alternatives").and_then(pick)
        })
        // `<ref><note><mixed-citation>` and similar wrappers.
        .or_else(|| pick(element))
}

/// Every element named `name` under `element`, not looking inside `skip`.
pub(crate) fn collect_outside<'a>(
    element: &'a Element,
    name: &str,
    skip: &str,
    out: &mut Vec<&'a Element>,
) {
    for child in element.elements() {
        if child.name == name {
            out.push(child);
        } else if child.name != skip {
            collect_outside(child, name, skip, out);
        }
    }
}

fn read_ref(
    element: &Element,
    xml: &str,
    file: &str,
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> JatsReference {
    let line = index.line(element.span.start);
    let line_end = index.line(element.span.end.saturating_sub(1).max(element.span.start));
    let id = element.attr("id").unwrap_or_default().to_string();
    let label = element.child("label").map(|l| l.text(xml)).filter(|l| !l.is_empty());
    let citation = citation_of(element);
    let (mut entry, year_suffix) = match citation {
        None => {
            diagnostics.push(
                Diagnostic::new(
                    "JATS005",
                    Severity::Warning,
                    file,
                    index.position(element.span.start),
                    format!(
                        "reference '{id}' has no <element-citation> or <mixed-citation>"
                    ),
                )
                .with_help("kept as @misc with its text in 'note'"),
            );
            let mut entry = Entry::new("", "misc");
            let text = element.text(xml);
            if !text.is_empty() {
                entry.set_text("note", tex::escape(&text), None);
            }
            (entry, None)
        }
        Some(citation)
            if citation.name == "element-citation"
                || (citation.name == "nlm-citation" && !has_free_text(citation, xml)) =>
        {
            let mut mapped = Mapped::new(xml, index);
            mapped.citation(citation);
            mapped.finish()
        }
        Some(citation) => mixed(citation, xml, file, index, diagnostics),
    };
    entry.sources = vec![Source {
        file: file.to_string(),
        line_start: line,
        line_end,
        year_suffix: year_suffix.clone(),
    }];
    for field in entry.fields.values_mut() {
        match &mut field.origin {
            Some(origin) => origin.source = 0,
            None => field.origin = Some(Origin { source: 0, line_start: line, line_end }),
        }
    }
    entry.sort_fields();
    JatsReference { id, label, span: element.span.clone(), line, entry }
}

/// Whether a citation has text of its own beyond separators between tags:
/// a mixed citation to read as printed.
fn has_free_text(citation: &Element, xml: &str) -> bool {
    citation.children.iter().any(|n| match n {
        Node::Text(span) => xml[span.clone()].chars().any(|c| c.is_alphanumeric()),
        Node::CData(_) => true,
        _ => false,
    })
}

/// A mixed citation: parsed as printed, the tagged parts then taken as given.
fn mixed(
    citation: &Element,
    xml: &str,
    file: &str,
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Entry, Option<String>) {
    let mut printed = String::new();
    printed_text(citation, xml, &mut printed);
    let printed = tex::collapse_whitespace(&printed);
    let read =
        read_reference(&printed, &printed, file, index.position(citation.span.start));
    diagnostics.extend(read.diagnostics);
    let (mut entry, mut suffix) = read.value;
    let mut mapped = Mapped::new(xml, index);
    mapped.citation(citation);
    let typed = mapped.typed;
    let (tagged, tagged_suffix) = mapped.finish();
    if !has_free_text(citation, xml) {
        // Every part tagged: nothing is left for the parser to add.
        entry = Entry::new("", tagged.entry_type.clone());
        suffix = None;
    }
    if typed {
        entry.entry_type = tagged.entry_type.clone();
    }
    let has = |f: &str| tagged.fields.contains_key(f);
    if ["title", "journaltitle", "booktitle", "howpublished"].iter().any(|f| has(f)) {
        for f in [
            "title",
            "subtitle",
            "journaltitle",
            "booktitle",
            "maintitle",
            "howpublished",
        ] {
            entry.fields.shift_remove(f);
        }
    }
    if has("date") || has("pubstate") {
        entry.fields.shift_remove("date");
        entry.fields.shift_remove("year");
        suffix = tagged_suffix;
    }
    if has("pages") || has("eid") {
        entry.fields.shift_remove("pages");
        entry.fields.shift_remove("eid");
    }
    for (name, field) in tagged.fields {
        entry.fields.insert(name, field);
    }
    entry.extra.extend(tagged.extra);
    entry.extra.push(Extra {
        tag: REFERENCE_TAG.to_string(),
        value: printed,
        source: 0,
        line: index.line(citation.span.start),
    });
    (entry, suffix)
}

/// The text of a mixed citation as printed: `source` in markdown italics,
/// a space where two tagged elements touch.
fn printed_text(element: &Element, xml: &str, out: &mut String) {
    let mut previous_was_element = false;
    for child in &element.children {
        match child {
            Node::Element(e) => {
                if previous_was_element && !out.ends_with(char::is_whitespace) {
                    out.push(' ');
                }
                if e.name == "source" || e.name == "italic" {
                    out.push('*');
                    out.push_str(&e.text(xml));
                    out.push('*');
                } else if e.name == "pub-id" && e.attr("pub-id-type") == Some("doi") {
                    out.push_str("doi:");
                    out.push_str(&e.text(xml));
                } else {
                    printed_text(e, xml, out);
                }
                previous_was_element = true;
            }
            Node::Text(span) | Node::CData(span) => {
                out.push_str(&xml[span.clone()]);
                previous_was_element = false;
            }
            Node::Ref(_, value) => {
                out.push_str(value);
                previous_was_element = false;
            }
        }
    }
}

/// What the tagged parts of one citation give.
struct Mapped<'a> {
    xml: &'a str,
    index: &'a LineIndex<'a>,
    entry: Entry,
    /// `publication-type` given (not `other`).
    typed: bool,
    kind: String,
    authors: Vec<Name>,
    editors: Vec<Name>,
    translators: Vec<Name>,
    article_title: Option<(String, Origin)>,
    source: Option<(String, Origin)>,
    year: Option<(String, Origin)>,
    iso_date: Option<String>,
    month: Option<String>,
    day: Option<String>,
    fpage: Option<(String, Origin)>,
    lpage: Option<String>,
    page_range: Option<(String, Origin)>,
    publisher: Option<(String, Origin)>,
    notes: Vec<String>,
    names_origin: Option<Origin>,
}

impl<'a> Mapped<'a> {
    fn new(xml: &'a str, index: &'a LineIndex<'a>) -> Self {
        Mapped {
            xml,
            index,
            entry: Entry::new("", "misc"),
            typed: false,
            kind: String::new(),
            authors: Vec::new(),
            editors: Vec::new(),
            translators: Vec::new(),
            article_title: None,
            source: None,
            year: None,
            iso_date: None,
            month: None,
            day: None,
            fpage: None,
            lpage: None,
            page_range: None,
            publisher: None,
            notes: Vec::new(),
            names_origin: None,
        }
    }

    fn origin(&self, element: &Element) -> Origin {
        Origin {
            source: 0,
            line_start: self.index.line(element.span.start),
            line_end: self
                .index
                .line(element.span.end.saturating_sub(1).max(element.span.start)),
        }
    }

    fn citation(&mut self, citation: &Element) {
        let kind = citation
            .attr("publication-type")
            .or_else(|| citation.attr("citation-type"))
            .unwrap_or("")
            .to_ascii_lowercase();
        self.typed = !kind.is_empty() && kind != "other";
        self.kind = kind;
        let runs = name_runs(citation, self.xml);
        for (i, child) in citation.children.iter().enumerate() {
            let Node::Element(element) = child else { continue };
            let run = runs.iter().find(|r| r.members.contains(&i));
            match run {
                Some(run) if run.editors => {
                    self.names_origin.get_or_insert(self.origin(element));
                    if let Some(name) = self.name(element) {
                        self.editors.push(name);
                    }
                }
                _ => self.part(element),
            }
            // `et al.` written after the names.
            if let Some(run) = run.filter(|r| r.others && r.members.last() == Some(&i)) {
                let names =
                    if run.editors { &mut self.editors } else { &mut self.authors };
                if names.last() != Some(&Name::Others) {
                    names.push(Name::Others);
                }
            }
        }
    }

    fn text(&self, element: &Element) -> String {
        element.text(self.xml)
    }

    fn set(&mut self, field: &str, plain: &str, element: &Element) {
        if plain.is_empty() {
            return;
        }
        let value = match crate::model::field_kind(field) {
            crate::model::FieldKind::Literal => tex::escape(plain),
            _ => plain.to_string(),
        };
        let origin = self.origin(element);
        self.entry.set_text(field, value, Some(origin));
    }

    fn extra(&mut self, tag: &str, value: String, element: &Element) {
        if value.is_empty() {
            return;
        }
        let line = self.index.line(element.span.start);
        self.entry.extra.push(Extra { tag: tag.to_string(), value, source: 0, line });
    }

    fn part(&mut self, element: &Element) {
        let text = self.text(element);
        let origin = self.origin(element);
        match element.name.as_str() {
            "person-group" => {
                let role = element
                    .attr("person-group-type")
                    .unwrap_or("author")
                    .to_ascii_lowercase();
                let names = self.names(element);
                self.names_origin.get_or_insert(origin);
                match role.as_str() {
                    "author" | "allauthors" | "inventor" | "assignee" => {
                        self.authors.extend(names)
                    }
                    "editor" | "guest-editor" | "compiler" | "series-editor"
                    | "transed" => self.editors.extend(names),
                    "translator" => self.translators.extend(names),
                    other => {
                        let printed: Vec<String> =
                            names.iter().map(display_name).collect();
                        self.extra(other, printed.join("; "), element);
                    }
                }
            }
            "name"
            | "string-name"
            | "collab"
            | "etal"
            | "anonymous"
            | "name-alternatives"
            | "collab-alternatives" => {
                self.names_origin.get_or_insert(origin);
                if let Some(name) = self.name(element) {
                    self.authors.push(name);
                }
            }
            "article-title" | "chapter-title" | "part-title" | "data-title" => {
                if self.article_title.is_none() && !text.is_empty() {
                    self.article_title = Some((text, origin));
                }
            }
            "source" => {
                if self.source.is_none() && !text.is_empty() {
                    self.source = Some((text, origin));
                }
            }
            "year" => {
                if self.year.is_none() {
                    self.iso_date = element.attr("iso-8601-date").map(str::to_string);
                    self.year = Some((text, origin));
                }
            }
            // `<date><year>…</year><month>…</month></date>`.
            "date" => {
                for inner in element.elements() {
                    self.part(inner);
                }
            }
            "string-date" => {
                if self.year.is_none() && YEAR.is_match(&text) {
                    self.iso_date = element.attr("iso-8601-date").map(str::to_string);
                    self.year = Some((text, origin));
                }
            }
            // A book's length, not the pages cited.
            "size" if element.attr("units").is_none_or(|u| u.starts_with("page")) => {
                self.set("pagetotal", &text, element)
            }
            "month" => self.month = Some(text),
            "day" => self.day = Some(text),
            "volume" => self.set("volume", &text, element),
            "issue" => self.set("number", &text, element),
            "edition" => self.set("edition", &text, element),
            "series" => self.set("series", &text, element),
            "isbn" => self.set("isbn", &text, element),
            "issn" => self.set("issn", &text, element),
            "version" => self.set("version", &text, element),
            "fpage" => {
                if self.fpage.is_none() {
                    self.fpage = Some((text, origin));
                }
            }
            "lpage" => self.lpage = Some(text),
            "page-range" => self.page_range = Some((text, origin)),
            "elocation-id" => self.set("eid", &text, element),
            "publisher-name" => self.publisher = Some((text, origin)),
            "publisher-loc" => self.set("location", &text, element),
            "institution" => self.set("institution", &text, element),
            "pub-id" | "object-id" => {
                let kind = element.attr("pub-id-type").unwrap_or("").to_ascii_lowercase();
                match kind.as_str() {
                    "doi" => {
                        match crate::doi::clean(&text.replace(char::is_whitespace, "")) {
                            Some(doi) if !self.entry.fields.contains_key("doi") => {
                                self.set("doi", &doi, element)
                            }
                            Some(_) => {}
                            None => self.extra("pub-id:doi", text, element),
                        }
                    }
                    "pmid" if !self.entry.fields.contains_key("eprint") => {
                        self.set("eprint", &text, element);
                        self.set("eprinttype", "pubmed", element);
                    }
                    "arxiv" if !self.entry.fields.contains_key("eprint") => {
                        self.set("eprint", &text, element);
                        self.set("eprinttype", "arxiv", element);
                    }
                    other => {
                        let tag = format!(
                            "pub-id:{}",
                            if other.is_empty() { "other" } else { other }
                        );
                        self.extra(&tag, text, element);
                    }
                }
            }
            "uri" | "ext-link" | "self-uri" => {
                let target = element
                    .attr("xlink:href")
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .map(str::to_string)
                    .unwrap_or(text);
                let doi_link = target.contains("doi.org/")
                    || element.attr("ext-link-type") == Some("doi");
                match crate::doi::clean(&target).filter(|_| doi_link) {
                    Some(doi) if !self.entry.fields.contains_key("doi") => {
                        self.set("doi", &doi, element)
                    }
                    _ if !self.entry.fields.contains_key("url") => {
                        self.set("url", &target, element)
                    }
                    _ => self.extra("url", target, element),
                }
            }
            "comment" | "annotation" | "note" => {
                if !text.is_empty() {
                    self.notes.push(text);
                }
                // `<comment>doi:<ext-link ...>10.1371/...</ext-link></comment>`.
                for inner in element.elements() {
                    if matches!(inner.name.as_str(), "ext-link" | "uri" | "pub-id") {
                        self.part(inner);
                    }
                }
            }
            "conf-name" => self.set("eventtitle", &text, element),
            "conf-loc" => self.set("venue", &text, element),
            "date-in-citation" => {
                let iso = element.attr("iso-8601-date").unwrap_or("").to_string();
                match Date::parse(&iso) {
                    Ok(_) if element.attr("content-type") == Some("access-date") => {
                        self.set("urldate", &iso, element)
                    }
                    _ => self.extra("date-in-citation", text, element),
                }
            }
            "label" | "x" | "italic" | "bold" | "sup" | "sub" | "sc" | "underline"
            | "monospace" | "roman" => {}
            other => {
                let tag = other.to_string();
                self.extra(&tag, text, element);
            }
        }
    }

    fn names(&self, group: &Element) -> Vec<Name> {
        group.elements().filter_map(|e| self.name(e)).collect()
    }

    fn name(&self, element: &Element) -> Option<Name> {
        match element.name.as_str() {
            // The same name written several ways: the first in no other
            // language, else the first.
            "name-alternatives" | "collab-alternatives" => element
                .elements()
                .filter(|e| e.attr("xml:lang").is_none())
                .chain(element.elements())
                .find_map(|e| self.name(e)),
            "name" | "string-name" => {
                let part =
                    |n: &str| element.child(n).map(|e| self.text(e)).unwrap_or_default();
                let family = part("surname");
                if family.is_empty() {
                    let whole = self.text(element);
                    if whole.is_empty() {
                        return None;
                    }
                    return Some(match split_string_name(&whole) {
                        Some((family, given)) => Name::Person {
                            family: tex::escape(family),
                            given: tex::escape(&initials(given)),
                            prefix: String::new(),
                            suffix: String::new(),
                        },
                        None => Name::Literal(tex::escape(&whole)),
                    });
                }
                Some(Name::Person {
                    family: tex::escape(&family),
                    given: tex::escape(&initials(&part("given-names"))),
                    prefix: tex::escape(&part("prefix")),
                    suffix: tex::escape(&part("suffix")),
                })
            }
            "collab" | "institution" => {
                // JATS 1.3: `<collab><collab-name>` with its members beside.
                let text = match element.child("collab-name") {
                    Some(name) => self.text(name),
                    None => own_text(element, self.xml),
                };
                (!text.is_empty()).then(|| Name::Literal(tex::escape(&text)))
            }
            "etal" => Some(Name::Others),
            "anonymous" => Some(Name::Literal("Anonymous".into())),
            _ => None,
        }
    }

    /// The entry, and the year suffix.
    fn finish(mut self) -> (Entry, Option<String>) {
        let has_title = self.article_title.is_some();
        let mut entry_type = TYPES
            .iter()
            .find(|(k, _)| *k == self.kind)
            .map(|(_, t)| *t)
            .unwrap_or("misc")
            .to_string();
        if !self.typed && has_title && self.source.is_some() {
            // No type: a paper title in a source reads as a journal article.
            entry_type = "article".into();
        }
        match entry_type.as_str() {
            "book" if has_title => entry_type = "incollection".into(),
            "inproceedings" if !has_title => entry_type = "proceedings".into(),
            _ => {}
        }
        let mut entry = std::mem::replace(&mut self.entry, Entry::new("", ""));
        entry.entry_type = entry_type.clone();
        let names_origin = self.names_origin;
        for (field, names) in [
            ("author", std::mem::take(&mut self.authors)),
            ("editor", std::mem::take(&mut self.editors)),
            ("translator", std::mem::take(&mut self.translators)),
        ] {
            if !names.is_empty() {
                entry.set(field, Value::Names(names), names_origin);
            }
        }
        let container = match entry_type.as_str() {
            "article" => Some("journaltitle"),
            "incollection" | "inproceedings" | "inbook" => Some("booktitle"),
            _ if has_title => Some("howpublished"),
            _ => None,
        };
        if let Some((title, origin)) = &self.article_title {
            entry.set_text("title", tex::escape(title), Some(*origin));
        }
        if let Some((source, origin)) = &self.source {
            let field = container.unwrap_or("title");
            entry.set_text(field, tex::escape(source), Some(*origin));
        }
        if entry_type == "article" && self.kind == "newspaper" {
            entry.set_text("entrysubtype", "newspaper", None);
        }
        if let Some((publisher, origin)) = &self.publisher {
            let field = match entry_type.as_str() {
                "thesis" | "report" if !entry.fields.contains_key("institution") => {
                    "institution"
                }
                _ => "publisher",
            };
            entry.set_text(field, tex::escape(publisher), Some(*origin));
        }
        // Pages as printed: `250--61` stays (the printed last page is kept).
        match (&self.fpage, &self.lpage, &self.page_range) {
            (Some((first, origin)), last, _) if !first.is_empty() => {
                let pages = match last.as_deref() {
                    Some(last) if !last.is_empty() && last != first => {
                        format!("{first}--{last}")
                    }
                    _ => first.clone(),
                };
                entry.set_text("pages", tex::escape(&pages), Some(*origin));
            }
            (_, _, Some((range, origin))) if !range.is_empty() => {
                let pages = range.replace(['–', '—', '-'], "--").replace("----", "--");
                entry.set_text("pages", tex::escape(&pages), Some(*origin));
            }
            _ => {}
        }
        let mut suffix = None;
        if let Some((year, origin)) = &self.year {
            let (date, found_suffix) = date_of(
                year,
                self.month.as_deref(),
                self.day.as_deref(),
                self.iso_date.as_deref(),
            );
            suffix = found_suffix;
            match date {
                Some(date) => entry.set_text("date", date, Some(*origin)),
                None if year.to_ascii_lowercase().contains("press") => {
                    entry.set_text("pubstate", "inpress", Some(*origin))
                }
                None => entry.extra.push(Extra {
                    tag: "year".into(),
                    value: year.clone(),
                    source: 0,
                    line: origin.line_start,
                }),
            }
        }
        if !self.notes.is_empty() {
            let note = self.notes.join("; ");
            entry.set_text("note", tex::escape(&note), None);
        }
        (entry, suffix)
    }
}

/// `2015a` + month + day → (`2015-03-15`, `a`).
fn date_of(
    year: &str,
    month: Option<&str>,
    day: Option<&str>,
    iso: Option<&str>,
) -> (Option<String>, Option<String>) {
    let trimmed = year.trim();
    let mut digits: String = trimmed.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &trimmed[digits.len()..];
    let mut suffix = rest
        .chars()
        .next()
        .filter(|c| c.is_ascii_lowercase() && rest.chars().count() == 1)
        .map(|c| c.to_string());
    if digits.len() != 4
        && let Some(found) = YEAR.captures(trimmed)
    {
        // `(2015b)`, `2015 Mar`, `c2015`.
        digits = found[1].to_string();
        suffix = found.get(2).map(|s| s.as_str().to_string());
    }
    let iso = iso.filter(|i| Date::parse(i).is_ok());
    if digits.len() != 4 {
        return (iso.map(str::to_string), suffix);
    }
    // `<year iso-8601-date="2015-03">2015a</year>`: the full date.
    if month.is_none()
        && let Some(iso) = iso.filter(|i| i.len() > 4 && i.starts_with(digits.as_str()))
    {
        return (Some(iso.to_string()), suffix);
    }
    let mut date = digits;
    let month = month.and_then(|m| {
        let m = m.trim();
        m.parse::<u32>().ok().filter(|n| (1..=12).contains(n)).or_else(|| month_number(m))
    });
    if let Some(month) = month {
        date.push_str(&format!("-{month:02}"));
        if let Some(day) = day
            .and_then(|d| d.trim().parse::<u32>().ok())
            .filter(|d| (1..=31).contains(d))
        {
            date.push_str(&format!("-{day:02}"));
        }
    }
    if Date::parse(&date).is_err() {
        date.truncate(4);
    }
    (Some(date), suffix)
}

/// A four-digit year in running text, and a suffix letter right after it.
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(1[5-9][0-9]{2}|20[0-9]{2})([a-z])?(?:[^0-9a-z]|$)")
        .expect("valid regex")
});

/// A run of names side by side in a citation: `Gubler DJ, Kuno G`.
#[derive(Debug, Default)]
struct Run {
    /// Indexes of the name elements in the citation's children.
    members: Vec<usize>,
    /// Editors: `In: <name>…` or `<name>…, editors` after a title.
    editors: bool,
    /// `et al.` written after them.
    others: bool,
}

static IN_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s.,;])In:?\s*$").expect("valid regex"));
static EDITORS_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*[,.]?\s*(?:et\.?\s*al\.?\s*,?\s*)?\(?(?:eds?|editors?)\b")
        .expect("valid regex")
});
static ETAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^[\s,;]*et\.?\s*al\b").expect("valid regex"));
static NAME_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s,;&]*(?:and\b)?[\s,;&]*$").expect("valid regex")
});

/// The runs of names written straight inside a citation (no person-group):
/// which are editors, which end in `et al.`.
fn name_runs(citation: &Element, xml: &str) -> Vec<Run> {
    let is_name = |e: &Element| {
        matches!(
            e.name.as_str(),
            "name"
                | "string-name"
                | "collab"
                | "name-alternatives"
                | "collab-alternatives"
        )
    };
    let mut runs = Vec::new();
    let mut current: Option<Run> = None;
    let mut text = String::new();
    let mut before = String::new();
    let mut seen_other = false;
    let close = |run: Run, after: &str, seen_other: bool, runs: &mut Vec<Run>| {
        let mut run = run;
        run.others = ETAL.is_match(after);
        run.editors |= seen_other && EDITORS_AFTER.is_match(after);
        runs.push(run);
    };
    for (i, child) in citation.children.iter().enumerate() {
        match child {
            Node::Element(e) if is_name(e) => {
                let joined = NAME_SEPARATOR.is_match(&text);
                match current.as_mut() {
                    Some(run) if joined => run.members.push(i),
                    _ => {
                        if let Some(run) = current.take() {
                            close(run, &text, seen_other, &mut runs);
                            seen_other = true;
                            before.clone_from(&text);
                        }
                        let editors = IN_BEFORE.is_match(&before);
                        current = Some(Run { members: vec![i], editors, others: false });
                    }
                }
                text.clear();
            }
            Node::Element(e) => {
                if let Some(run) = current.take() {
                    close(run, &text, seen_other, &mut runs);
                }
                if !matches!(e.name.as_str(), "etal" | "anonymous" | "x" | "label") {
                    seen_other = true;
                }
                text.clear();
                before.clear();
            }
            Node::Text(span) | Node::CData(span) => {
                text.push_str(&xml[span.clone()]);
                if current.is_none() {
                    before.push_str(&xml[span.clone()]);
                }
            }
            Node::Ref(_, value) => {
                text.push_str(value);
                if current.is_none() {
                    before.push_str(value);
                }
            }
        }
    }
    if let Some(run) = current.take() {
        close(run, &text, seen_other, &mut runs);
    }
    runs
}

/// `Ito K`, `Ito, Ken`: a name written family name first, split; anything
/// else (`Ken Ito`) is left whole.
fn split_string_name(whole: &str) -> Option<(&str, &str)> {
    if let Some((family, given)) = whole.split_once(',') {
        let (family, given) = (family.trim(), given.trim());
        let fine = !family.is_empty()
            && !given.is_empty()
            && !given.contains(',')
            && family.split_whitespace().count() <= 3;
        return fine.then_some((family, given));
    }
    let (family, given) = whole.trim().rsplit_once(' ')?;
    let initials = given.trim_end_matches('.');
    let is_initials = (1..=4).contains(&initials.replace('.', "").chars().count())
        && initials.chars().all(|c| c.is_uppercase() || c == '.' || c == '-');
    (is_initials && family.chars().next().is_some_and(char::is_uppercase))
        .then_some((family.trim(), given))
}

/// An element's text without the members, addresses and notes inside it.
fn own_text(element: &Element, xml: &str) -> String {
    let mut out = String::new();
    for child in &element.children {
        match child {
            Node::Element(e)
                if matches!(
                    e.name.as_str(),
                    "contrib-group" | "contrib" | "address" | "email" | "xref" | "fn"
                ) => {}
            Node::Element(e) => out.push_str(&e.text(xml)),
            Node::Text(span) | Node::CData(span) => out.push_str(&xml[span.clone()]),
            Node::Ref(_, value) => out.push_str(value),
        }
    }
    crate::tex::collapse_whitespace(&out)
}

/// PubMed-style initials (`LA`, `J`) as BibLaTeX initials (`L. A.`, `J.`);
/// anything else as written.
fn initials(given: &str) -> String {
    let given = given.trim();
    let n = given.chars().count();
    if (1..=4).contains(&n) && given.chars().all(|c| c.is_uppercase()) {
        let parts: Vec<String> = given.chars().map(|c| format!("{c}.")).collect();
        return parts.join(" ");
    }
    given.to_string()
}

fn display_name(name: &Name) -> String {
    match name {
        Name::Person { family, given, .. } if given.is_empty() => family.clone(),
        Name::Person { family, given, .. } => format!("{family}, {given}"),
        Name::Literal(l) => l.clone(),
        Name::Others => "others".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(xml: &str) -> Vec<JatsReference> {
        let index = LineIndex::new(xml);
        let mut warnings = Vec::new();
        let root =
            super::super::tree::parse(xml, "a.xml", &index, &mut warnings).expect("xml");
        let mut diagnostics = Vec::new();
        read_refs(&root, xml, "a.xml", &index, &mut diagnostics)
    }

    #[test]
    fn element_citation_field_by_field() {
        let xml = r#"<article><back><ref-list>
<ref id="bib1"><element-citation publication-type="journal"><person-group person-group-type="author"><name><surname>Boyer</surname><given-names>LA</given-names><suffix>Jr</suffix></name><collab>WHO</collab><etal/></person-group><year>2004b</year><month>Mar</month><article-title>The SANT domain</article-title><source>Nat Rev</source><volume>5</volume><issue>2</issue><fpage>158</fpage><lpage>63</lpage><pub-id pub-id-type="doi">10.1038/nrm1314</pub-id><pub-id pub-id-type="pmid">123</pub-id></element-citation></ref>
<ref id="bib2"><element-citation publication-type="book"><person-group person-group-type="editor"><name><surname>Case</surname><given-names>Anne</given-names></name></person-group><year>2009</year><chapter-title>Health</chapter-title><source>Aging</source><publisher-loc>Chicago</publisher-loc><publisher-name>UCP</publisher-name><fpage>317</fpage><lpage>349</lpage></element-citation></ref>
</ref-list></back></article>"#;
        let refs = refs(xml);
        assert_eq!(refs.len(), 2);
        let e = &refs[0].entry;
        assert_eq!(e.entry_type, "article");
        assert_eq!(
            e.names("author"),
            Some(
                &[
                    Name::Person {
                        family: "Boyer".into(),
                        given: "L. A.".into(),
                        prefix: String::new(),
                        suffix: "Jr".into()
                    },
                    Name::Literal("WHO".into()),
                    Name::Others
                ][..]
            )
        );
        assert_eq!(e.text("date"), Some("2004-03"));
        assert_eq!(e.sources[0].year_suffix.as_deref(), Some("b"));
        assert_eq!(e.sources[0].line_start, 2);
        assert_eq!(e.text("journaltitle"), Some("Nat Rev"));
        assert_eq!(e.text("number"), Some("2"));
        assert_eq!(e.text("pages"), Some("158--63"));
        assert_eq!(e.text("doi"), Some("10.1038/nrm1314"));
        assert_eq!(
            (e.text("eprint"), e.text("eprinttype")),
            (Some("123"), Some("pubmed"))
        );
        let e = &refs[1].entry;
        assert_eq!(e.entry_type, "incollection");
        assert_eq!(e.text("booktitle"), Some("Aging"));
        assert_eq!(e.text("title"), Some("Health"));
        assert!(e.names("editor").is_some());
        assert_eq!(e.text("location"), Some("Chicago"));
        assert_eq!(e.text("publisher"), Some("UCP"));
    }

    #[test]
    fn mixed_citation_tagged_parts_win() {
        let xml = r#"<article><back><ref-list><ref id="r1"><label>2</label><mixed-citation publication-type="journal"><name><surname>Garton</surname><given-names>NJ</given-names></name>, <name><surname>Barer</surname><given-names>MR</given-names></name> (<year>2002</year>) <article-title>Intracellular inclusions of <italic>mycobacteria</italic></article-title>. <source>Microbiology</source><volume>148</volume>: <fpage>2951</fpage>&#x02013;<lpage>2958</lpage></mixed-citation></ref></ref-list></back></article>"#;
        let refs = refs(xml);
        let e = &refs[0].entry;
        assert_eq!(refs[0].label.as_deref(), Some("2"));
        assert_eq!(e.entry_type, "article");
        assert_eq!(e.text("title"), Some("Intracellular inclusions of mycobacteria"));
        assert_eq!(e.text("journaltitle"), Some("Microbiology"));
        assert_eq!(e.text("pages"), Some("2951--2958"));
        assert_eq!(e.names("author").map(|n| n.len()), Some(2));
        assert!(e.extra.iter().any(|x| x.tag == REFERENCE_TAG
            && x.value.starts_with("Garton NJ, Barer MR (2002) Intracellular")));
    }

    #[test]
    fn untagged_mixed_citation_goes_through_the_parser() {
        let xml = "<article><back><ref-list><ref id=\"r1\"><mixed-citation>Hong, Y. (2017). <italic>Networking China</italic>. Urbana, IL: University of Illinois Press.</mixed-citation></ref></ref-list></back></article>";
        let e = &refs(xml)[0].entry;
        assert_eq!(e.year(), Some(2017));
        assert_eq!(e.first_family(), Some("Hong"));
    }
}
