//! Raw RIS records to model entries, following the table in [`super::tags`].

use std::borrow::Cow;

use super::lex::{RawRecord, RawTag, lexer_after};
use super::tags::{self, Class, Target};
use crate::diag::{Diagnostic, Parsed, Position, Severity};
use crate::model::{Date, Entry, Extra, Name, Origin, Source, Value, month_number};
use crate::{doi, tex};

/// Parses RIS text read from `file` into entries (without citation keys).
///
/// Never fails as a whole: every record that can be read is returned, and
/// every problem is a diagnostic with its line and column.
pub fn parse(text: &str, file: &str) -> Parsed<Vec<Entry>> {
    let n_parts = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(text.len() / PARALLEL_PART_BYTES)
        .max(1);
    parse_in_parts(text, file, n_parts)
}

/// Below this many bytes per part, a file is not worth a thread.
const PARALLEL_PART_BYTES: usize = 1 << 20;

/// Parses `text` cut into up to `n_parts` parts between records, one thread
/// per part. The parts lex into exactly the records of the whole file, with
/// the same line numbers, so the result is the same as one pass over it.
fn parse_in_parts(text: &str, file: &str, n_parts: usize) -> Parsed<Vec<Entry>> {
    let parts = if n_parts > 1 {
        super::lex::split_between_records(text, n_parts)
    } else {
        vec![(text, 0)]
    };
    let mut results = std::thread::scope(|scope| {
        let workers: Vec<_> = parts[1..]
            .iter()
            .map(|&(part, lines_before)| {
                scope.spawn(move || parse_part(part, lines_before, file))
            })
            .collect();
        let mut results = vec![parse_part(parts[0].0, parts[0].1, file)];
        for worker in workers {
            match worker.join() {
                Ok(result) => results.push(result),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    });
    let n_records: usize = results.iter().map(|(_, _, n_records)| n_records).sum();
    let (mut entries, mut diagnostics, _) = results.remove(0);
    for (part_entries, part_diagnostics, _) in results {
        entries.extend(part_entries);
        diagnostics.extend(part_diagnostics);
    }
    if n_records == 0 {
        diagnostics.push(
            Diagnostic::new(
                "RIS001",
                Severity::Error,
                file,
                Position::line(1),
                "not a RIS file: no tag line such as 'TY  - JOUR' found",
            )
            .with_help("RIS records start with a 'TY  - TYPE' line and end with 'ER  -'"),
        );
    }
    Parsed { value: entries, diagnostics }
}

/// Entries, diagnostics and the number of records of a part of a file.
fn parse_part(
    text: &str,
    lines_before: u32,
    file: &str,
) -> (Vec<Entry>, Vec<Diagnostic>, usize) {
    let mut diagnostics = Vec::new();
    // Each record is converted as soon as it is lexed and then dropped: the
    // raw form of a whole file would take several times the file's size.
    let mut entries = Vec::new();
    let mut n_records = 0;
    let mut lexer = lexer_after(text, lines_before);
    while let Some(record) = lexer.next() {
        n_records += 1;
        if let Some(entry) = convert(&record, file, &mut diagnostics) {
            entries.push(entry);
        }
        lexer.recycle(record);
    }
    (entries, diagnostics, n_records)
}

struct Converter<'a> {
    file: &'a str,
    class: Class,
    /// The known `TY` value (upper case), if any.
    ty: Option<&'static str>,
    entry: Entry,
    diagnostics: &'a mut Vec<Diagnostic>,
    titles: Vec<(u8, &'a RawTag)>,
    secondary: Option<(&'static str, &'a RawTag)>,
    proceedings: Option<&'a RawTag>,
    translated_title: Option<&'a RawTag>,
    misc_number: Option<&'a RawTag>,
    journal_full: Option<&'a RawTag>,
    journal_name: Option<&'a RawTag>,
    journal_abbrev: Option<&'a RawTag>,
    dates: Vec<(u8, &'a RawTag)>,
    url_date: Option<&'a RawTag>,
    start_page: Option<&'a RawTag>,
    end_page: Option<&'a RawTag>,
    keywords: Vec<String>,
    keyword_origin: Option<Origin>,
    abstract_: Option<&'a RawTag>,
    notes: Vec<String>,
    note_origin: Option<Origin>,
    doi_hint: Option<String>,
}

/// Converts one raw record, lexed from RIS or built by another reader
/// (EndNote XML), into an entry through the tag table; `None` (and an error)
/// when it has no `TY` or no fields.
pub fn convert(
    record: &RawRecord,
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Entry> {
    let Some(ty_tag) = record.tags.iter().find(|tag| tag.tag == "TY") else {
        diagnostics.push(
            Diagnostic::new(
                "RIS002",
                Severity::Error,
                file,
                Position::line(record.line_start),
                format!(
                    "record at lines {}-{} has no 'TY' line",
                    record.line_start, record.line_end
                ),
            )
            .with_help("every RIS record must start with a 'TY  - TYPE' line; is the file truncated or are two records merged?"),
        );
        return None;
    };
    if record.tags.iter().all(|tag| tag.tag == "TY" || tag.value.is_empty()) {
        diagnostics.push(
            Diagnostic::new(
                "RIS003",
                Severity::Error,
                file,
                Position::line(record.line_start),
                format!("record '{}' has no fields", ty_tag.value),
            )
            .with_help("the record is empty or truncated; remove it or complete it"),
        );
        return None;
    }
    if !record.closed {
        diagnostics.push(
            Diagnostic::new(
                "RIS004",
                Severity::Warning,
                file,
                Position::line(record.line_end),
                "record is not closed by 'ER  -'; read it up to here",
            )
            .with_help("if the file was cut short, the last record may be incomplete"),
        );
    }
    let ris_type = tags::ris_type(&ty_tag.value);
    let (entry_type, class) = match ris_type {
        Some(known) => (known.entry_type, known.class),
        None => {
            diagnostics.push(
                Diagnostic::new(
                    "RIS005",
                    Severity::Warning,
                    file,
                    Position { line: ty_tag.line_start, column: ty_tag.value_column },
                    format!(
                        "unknown reference type '{}'; imported as @misc",
                        ty_tag.value
                    ),
                )
                .with_help("the type is kept as extra data 'TY'"),
            );
            ("misc", Class::Other)
        }
    };
    let mut entry = Entry::new("", entry_type);
    // One allocation for the fields instead of growing the map field by
    // field: about one field per run of equal tags (AU, AU, KW, KW, ...).
    let n_tag_runs =
        record.tags.windows(2).filter(|pair| pair[0].tag != pair[1].tag).count();
    entry.fields.reserve(n_tag_runs);
    entry.sources.push(Source {
        file: file.to_string(),
        line_start: record.line_start,
        line_end: record.line_end,
        year_suffix: None,
    });
    if ris_type.is_none() {
        push_extra(&mut entry, ty_tag);
    }
    let mut converter = Converter {
        file,
        class,
        ty: ris_type.map(|known| known.ty),
        entry,
        diagnostics,
        titles: Vec::new(),
        secondary: None,
        proceedings: None,
        translated_title: None,
        misc_number: None,
        journal_full: None,
        journal_name: None,
        journal_abbrev: None,
        dates: Vec::new(),
        url_date: None,
        start_page: None,
        end_page: None,
        keywords: Vec::new(),
        keyword_origin: None,
        abstract_: None,
        notes: Vec::new(),
        note_origin: None,
        doi_hint: None,
    };
    if let Some(subtype) = ris_type.and_then(|known| known.subtype) {
        converter.entry.set_text("entrysubtype", subtype, Some(origin_of(ty_tag)));
    }
    if ris_type.is_some_and(|known| known.ty == "INPR") {
        converter.entry.set_text("pubstate", "inpress", Some(origin_of(ty_tag)));
    }
    for tag in &record.tags {
        if tag.tag == "TY" || tag.value.trim().is_empty() {
            continue;
        }
        converter.apply(tag);
    }
    Some(converter.finish())
}

fn origin_of(tag: &RawTag) -> Origin {
    Origin { source: 0, line_start: tag.line_start, line_end: tag.line_end }
}

fn push_extra(entry: &mut Entry, tag: &RawTag) {
    entry.extra.push(Extra {
        tag: tag.tag.clone(),
        value: tag.value.clone(),
        source: 0,
        line: tag.line_start,
    });
}

/// Whitespace (including continuation line breaks) collapsed to single spaces.
fn collapse(value: &str) -> String {
    collapsed(value).into_owned()
}

/// [`collapse`], borrowing the value when it is collapsed already (most are).
fn collapsed(value: &str) -> Cow<'_, str> {
    if value.is_empty() || is_collapsed(value) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    for word in value.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// Whether `value` has no white space but single spaces between words.
fn is_collapsed(value: &str) -> bool {
    // A few vectorised searches rather than a branch per byte: these values
    // are most of a file's bytes.
    let bytes = value.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    if memchr::memchr3(b'\t', b'\n', b'\r', bytes).is_some()
        || memchr::memchr2(0x0B, 0x0C, bytes).is_some()
        || tex::has_double_space(bytes)
    {
        return false;
    }
    // The lead bytes of U+0085, U+00A0, U+1680, U+2000-U+205F and U+3000:
    // only these can start a non-ASCII white space character.
    let is_space_at =
        |idx: usize| value[idx..].chars().next().is_some_and(char::is_whitespace);
    !memchr::memchr3_iter(0xC2, 0xE1, 0xE2, bytes).any(is_space_at)
        && !memchr::memchr_iter(0xE3, bytes).any(is_space_at)
}

fn same_text(a: &str, b: &str) -> bool {
    let fold = |s: &str| -> String {
        s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
    };
    fold(a) == fold(b)
}

impl<'a> Converter<'a> {
    fn warn(&mut self, code: &'static str, tag: &RawTag, message: String) {
        self.diagnostics.push(Diagnostic::new(
            code,
            Severity::Warning,
            self.file,
            Position { line: tag.line_start, column: tag.value_column },
            message,
        ));
    }

    fn set_text_once(&mut self, field: &'static str, text: String, tag: &RawTag) {
        match self.entry.text(field) {
            None => self.entry.set_text(field, text, Some(origin_of(tag))),
            Some(existing) if same_text(existing, &text) => {}
            Some(existing) => {
                let message = format!(
                    "repeated '{}' ('{}') differs from the first value '{}'; kept the first",
                    tag.tag, text, existing
                );
                self.warn("RIS006", tag, message);
                push_extra(&mut self.entry, tag);
            }
        }
    }

    fn apply(&mut self, tag: &'a RawTag) {
        let Some(rule) = tags::rule_for(&tag.tag, self.class) else {
            if !tags::is_known_tag(&tag.tag) {
                let message = format!("unknown tag '{}'; kept as extra data", tag.tag);
                self.warn("RIS007", tag, message);
            }
            self.note_doi(&tag.value);
            push_extra(&mut self.entry, tag);
            return;
        };
        // Collapsed only if the target uses it: abstracts and notes, the
        // longest values, are collapsed their own way later.
        let value = std::cell::LazyCell::new(|| collapsed(&tag.value));
        match rule.target {
            Target::Names(field) => {
                // EndNote's edited books list their editors as AU.
                let field = if field == "author" && self.ty == Some("EDBOOK") {
                    "editor"
                } else {
                    field
                };
                let name = parse_name(&value);
                if name.sort_name().is_empty() {
                    let message =
                        format!("'{}' holds no name; kept as extra data", tag.tag);
                    self.warn("RIS013", tag, message);
                    push_extra(&mut self.entry, tag);
                    return;
                }
                match self.entry.fields.get_mut(field).map(|f| &mut f.value) {
                    Some(Value::Names(names)) => names.push(name),
                    _ => self.entry.set(
                        field,
                        Value::Names(vec![name]),
                        Some(origin_of(tag)),
                    ),
                }
                if let Some(field) = self.entry.fields.get_mut(field)
                    && let Some(origin) = field.origin.as_mut()
                {
                    origin.line_start = origin.line_start.min(tag.line_start);
                    origin.line_end = origin.line_end.max(tag.line_end);
                }
                if field == "editora" && self.entry.text("editoratype").is_none() {
                    self.entry.set_text("editoratype", "redactor", Some(origin_of(tag)));
                }
            }
            Target::Text(field) => self.set_text_once(field, tex::escape(&value), tag),
            Target::List(field) => {
                let text = tex::escape(&value);
                match self.entry.text(field) {
                    None => self.entry.set_text(field, text, Some(origin_of(tag))),
                    Some(existing)
                        if existing.split(" and ").any(|e| same_text(e, &text)) => {}
                    Some(existing) => {
                        let joined = format!("{existing} and {text}");
                        self.entry.set_text(field, joined, Some(origin_of(tag)));
                    }
                }
            }
            Target::Title(priority) => self.titles.push((priority, tag)),
            Target::TranslatedTitle => {
                if self.translated_title.is_none() {
                    self.translated_title = Some(tag);
                } else {
                    push_extra(&mut self.entry, tag);
                }
            }
            Target::ProceedingsTitle => {
                if self.proceedings.is_none() {
                    self.proceedings = Some(tag);
                } else {
                    push_extra(&mut self.entry, tag);
                }
            }
            Target::SecondaryTitle(field) => {
                if self.secondary.is_none() {
                    self.secondary = Some((field, tag));
                }
            }
            Target::JournalFull => {
                self.journal_full.get_or_insert(tag);
            }
            Target::JournalName => {
                self.journal_name.get_or_insert(tag);
            }
            Target::JournalAbbrev => {
                self.journal_abbrev.get_or_insert(tag);
            }
            Target::Date(priority) => self.dates.push((priority, tag)),
            Target::UrlDate => {
                self.url_date.get_or_insert(tag);
            }
            Target::StartPage => {
                self.start_page.get_or_insert(tag);
            }
            Target::EndPage => {
                self.end_page.get_or_insert(tag);
            }
            Target::PageTotal => {
                self.set_text_once("pagetotal", tex::escape(&value), tag)
            }
            Target::Number => self.set_text_once("number", tex::escape(&value), tag),
            Target::MiscNumber => {
                // Decided in `finish`: M1 only fills a number nothing else gave,
                // wherever it stands in the record.
                if self.misc_number.is_none() {
                    self.misc_number = Some(tag);
                } else {
                    push_extra(&mut self.entry, tag);
                }
            }
            Target::Serial => self.serial(&value, tag),
            Target::Doi => match doi::clean(&value) {
                Some(clean) => self.set_text_once("doi", clean, tag),
                None => {
                    let message =
                        format!("'{}' is not a DOI; kept as extra data", *value);
                    self.warn("RIS008", tag, message);
                    push_extra(&mut self.entry, tag);
                }
            },
            Target::Url => self.url(tag),
            Target::Keyword => {
                for keyword in tag.value.split(['\n', ';']) {
                    let keyword = collapse(keyword);
                    if !keyword.is_empty() && !self.keywords.contains(&keyword) {
                        self.keywords.push(keyword);
                    }
                }
                self.keyword_origin.get_or_insert(origin_of(tag));
            }
            Target::Abstract => match self.abstract_ {
                None => self.abstract_ = Some(tag),
                Some(first) if same_text(&first.value, &tag.value) => {}
                Some(_) => push_extra(&mut self.entry, tag),
            },
            Target::Note => self.note(tag),
            Target::WorkType => {
                let kind = match self.class {
                    Class::Thesis => thesis_type(&value),
                    _ => tex::escape(&value),
                };
                self.set_text_once("type", kind, tag);
            }
            Target::Extra => {
                self.note_doi(&tag.value);
                push_extra(&mut self.entry, tag);
            }
        }
    }

    fn note_doi(&mut self, value: &str) {
        if self.doi_hint.is_none() {
            self.doi_hint = doi::find(value);
        }
    }

    /// SN holds an ISSN or ISBN, told apart by shape (print and electronic
    /// ones may share a line), or a report's number. Whatever is not stored
    /// is kept as extra data.
    fn serial(&mut self, value: &str, tag: &RawTag) {
        let mut n_identifiers = 0;
        let mut has_leftover = false;
        for token in value.split([';', ',', ' ', '\n']) {
            // Qualifiers such as `(electronic)` or `(pbk.)` carry no digits and are skipped.
            let token = token.trim_matches(['(', ')', '[', ']', '.']);
            let field = if crate::ids::is_issn_shaped(token) {
                "issn"
            } else if crate::ids::is_isbn_shaped(token) {
                "isbn"
            } else {
                has_leftover |= token.chars().any(|c| c.is_ascii_digit());
                continue;
            };
            n_identifiers += 1;
            let token = token.to_ascii_uppercase();
            match self.entry.text(field) {
                None => self.entry.set_text(field, token, Some(origin_of(tag))),
                Some(existing) if existing == token => {}
                // issn and isbn hold one value: a second one (the electronic
                // ISSN beside the print one) stays extra data.
                Some(existing) => {
                    let message = format!(
                        "repeated '{}' ('{token}') differs from the first {field} '{existing}'; kept the first",
                        tag.tag
                    );
                    self.warn("RIS006", tag, message);
                    has_leftover = true;
                }
            }
        }
        if n_identifiers == 0
            && self.class == Class::Report
            && self.entry.text("number").is_none()
        {
            // A report's SN is its report number (`NREL/TP-5400-12345`), spaces and all.
            self.entry.set_text("number", tex::escape(value), Some(origin_of(tag)));
            return;
        }
        if n_identifiers == 0 {
            self.warn(
                "RIS009",
                tag,
                format!("'{value}' is neither an ISSN nor an ISBN; kept as extra data"),
            );
        }
        if n_identifiers == 0 || has_leftover {
            push_extra(&mut self.entry, tag);
        }
    }

    fn url(&mut self, tag: &RawTag) {
        for url in tag.value.split_whitespace() {
            if let Some(clean) = doi::clean(url).filter(|_| url.contains("doi.org/")) {
                self.doi_hint.get_or_insert(clean);
            }
            // Database record pages (Scopus, Web of Science) are not where the work is.
            let is_record_page = url.contains("scopus.com/inward/record")
                || url.contains("webofknowledge.com")
                || url.contains("webofscience.com");
            if is_record_page || self.entry.text("url").is_some() {
                self.entry.extra.push(Extra {
                    tag: tag.tag.clone(),
                    value: url.to_string(),
                    source: 0,
                    line: tag.line_start,
                });
            } else {
                self.entry.set_text("url", url, Some(origin_of(tag)));
            }
        }
    }

    fn note(&mut self, tag: &RawTag) {
        for line in tag.value.split('\n') {
            let line = collapse(line);
            let lower = line.to_ascii_lowercase();
            // Database noise, not notes about the work (Scopus exports).
            if lower.starts_with("cited by") || lower.starts_with("export date") {
                self.entry.extra.push(Extra {
                    tag: tag.tag.clone(),
                    value: line,
                    source: 0,
                    line: tag.line_start,
                });
                continue;
            }
            self.note_doi(&line);
            if !line.is_empty() {
                self.notes.push(line);
            }
        }
        self.note_origin.get_or_insert(origin_of(tag));
    }

    fn finish(mut self) -> Entry {
        self.titles.sort_by_key(|(priority, _)| *priority);
        if let Some((_, title)) = self.titles.first().copied() {
            self.entry.set_text(
                "title",
                tex::escape(&collapsed(&title.value)),
                Some(origin_of(title)),
            );
            for (_, other) in self.titles.clone().iter().skip(1) {
                if !same_text(&other.value, &title.value) {
                    push_extra(&mut self.entry, other);
                }
            }
        }
        self.secondary_titles();
        if let Some(tag) = self.translated_title {
            match self.entry.text("titleaddon") {
                None => self.set_plain("titleaddon", tag),
                Some(existing) if same_text(existing, &tag.value) => {}
                Some(_) => push_extra(&mut self.entry, tag),
            }
        }
        if let Some(tag) = self.misc_number {
            if self.entry.text("number").is_none() {
                self.set_plain("number", tag);
            } else {
                push_extra(&mut self.entry, tag);
            }
        }
        self.date();
        self.pages();
        if let Some(tag) = self.abstract_ {
            self.entry.set_text(
                "abstract",
                tex::escape(&collapsed(&tag.value)),
                Some(origin_of(tag)),
            );
        }
        if !self.keywords.is_empty() {
            let keywords: Vec<String> =
                self.keywords.iter().map(|k| tex::escape(k)).collect();
            self.entry.set_text("keywords", keywords.join(", "), self.keyword_origin);
        }
        if !self.notes.is_empty() {
            let notes = tex::escape(&self.notes.join(" "));
            self.entry.set_text("annotation", notes, self.note_origin);
        }
        if self.entry.text("doi").is_none()
            && let Some(hint) = self.doi_hint.take()
        {
            self.entry.set_text("doi", hint, None);
        }
        // U2 and friends that only repeat the DOI are redundant, not extra data.
        if let Some(doi) = self.entry.text("doi").map(str::to_ascii_lowercase) {
            self.entry.extra.retain(|extra| {
                doi::clean(&extra.value).map(|d| d.to_ascii_lowercase())
                    != Some(doi.clone())
            });
        }
        self.defaults();
        self.entry.sort_fields();
        self.entry
    }

    fn secondary_titles(&mut self) {
        let journal_like =
            matches!(self.class, Class::Journal | Class::Magazine | Class::News);
        let full = self.journal_full.or(self.journal_name);
        if journal_like {
            let secondary = self.secondary.map(|(_, tag)| tag);
            match (full, secondary) {
                (None, Some(t2)) => self.set_plain("journaltitle", t2),
                (Some(journal), None) => self.set_plain("journaltitle", journal),
                (Some(journal), Some(t2)) => {
                    let journal_names =
                        [self.journal_full, self.journal_name, self.journal_abbrev];
                    if journal_names
                        .iter()
                        .flatten()
                        .any(|tag| same_text(&tag.value, &t2.value))
                    {
                        self.set_plain(
                            "journaltitle",
                            if is_abbreviation(&journal.value) { t2 } else { journal },
                        );
                    } else if journal_names
                        .iter()
                        .flatten()
                        .all(|tag| abbreviates(&tag.value, &t2.value))
                    {
                        // JO/JF hold only the abbreviation of the journal T2 names.
                        self.set_plain("journaltitle", t2);
                    } else {
                        // Scopus/Pure habit: T2 is the article's subtitle when JO/JF name the journal.
                        self.set_plain("journaltitle", journal);
                        self.set_plain("subtitle", t2);
                        self.diagnostics.push(Diagnostic::new(
                            "RIS010",
                            Severity::Info,
                            self.file,
                            Position { line: t2.line_start, column: t2.value_column },
                            "'T2' read as the subtitle: 'JO'/'JF' already name the journal",
                        ));
                    }
                }
                (None, None) => {}
            }
            let short = [self.journal_abbrev, self.journal_name]
                .into_iter()
                .flatten()
                .find(|tag| {
                    self.entry.text("journaltitle").is_some_and(|j| {
                        !same_text(j, &tex::escape(&collapsed(&tag.value)))
                    }) && (is_abbreviation(&tag.value) || tag.tag != "JO")
                });
            if let Some(short) = short {
                self.set_plain("shortjournal", short);
            }
        } else if let (Class::Conference, Some(proceedings)) =
            (self.class, self.proceedings)
        {
            // C3 names the proceedings volume, so T2 is the conference itself.
            self.set_plain("booktitle", proceedings);
            if let Some((_, t2)) = self.secondary
                && !same_text(&t2.value, &proceedings.value)
            {
                self.set_plain("eventtitle", t2);
            }
        } else {
            match self.secondary {
                Some((field, t2)) => self.set_plain(field, t2),
                None => {
                    if let Some(journal) = full {
                        let field = match self.class {
                            Class::Chapter | Class::Conference => "booktitle",
                            _ => "journaltitle",
                        };
                        self.set_plain(field, journal);
                    }
                }
            }
        }
    }

    fn set_plain(&mut self, field: &'static str, tag: &RawTag) {
        if self.entry.text(field).is_none() {
            self.entry.set_text(
                field,
                tex::escape(&collapsed(&tag.value)),
                Some(origin_of(tag)),
            );
        }
    }

    fn date(&mut self) {
        self.dates.sort_by_key(|(priority, _)| *priority);
        let parsed: Vec<(RisDate, &RawTag)> = self
            .dates
            .iter()
            .filter_map(|(_, tag)| Some((RisDate::parse(&tag.value)?, *tag)))
            .collect();
        let Some((first, first_tag)) =
            parsed.iter().find(|(date, _)| date.year.is_some())
        else {
            if let Some((_, tag)) = self.dates.first().copied() {
                // A month-only DA without any year, or nothing recognisable.
                self.warn(
                    "RIS011",
                    tag,
                    format!("'{}' is not a date; kept as extra data", tag.value),
                );
                push_extra(&mut self.entry, tag);
            }
            return;
        };
        let year = first.year;
        // The most precise candidate that agrees on the year; month-only DA values borrow it.
        let mut best = first.clone();
        let mut best_tag = *first_tag;
        for (candidate, tag) in &parsed {
            let agrees = candidate.year.is_none() || candidate.year == year;
            if agrees && candidate.precision() > best.precision() {
                best = RisDate { year, ..candidate.clone() };
                best_tag = tag;
            } else if !agrees {
                let message = format!(
                    "'{}' gives year {} but '{}' gives {}; kept {}",
                    tag.tag,
                    candidate.year.unwrap_or_default(),
                    first_tag.tag,
                    year.unwrap_or_default(),
                    year.unwrap_or_default()
                );
                self.warn("RIS012", tag, message);
            }
        }
        match best.to_date() {
            Some(date) => {
                self.entry.set_text("date", date.as_str(), Some(origin_of(best_tag)))
            }
            None => {
                let message = format!(
                    "'{}' has an impossible month or day; kept the year",
                    best_tag.value
                );
                self.warn("RIS011", best_tag, message);
                if let Some(year) = year {
                    self.entry.set_text(
                        "date",
                        format!("{year:04}"),
                        Some(origin_of(best_tag)),
                    );
                }
            }
        }
        if let Some(tag) = self.url_date {
            match RisDate::parse(&tag.value).and_then(|d| d.to_date()) {
                Some(date) if self.entry.text("url").is_some() => {
                    self.entry.set_text("urldate", date.as_str(), Some(origin_of(tag)))
                }
                _ => push_extra(&mut self.entry, tag),
            }
        }
    }

    fn pages(&mut self) {
        let start = self.start_page.map(|tag| collapse(&tag.value));
        let end = self.end_page.map(|tag| collapse(&tag.value));
        let origin = self.start_page.or(self.end_page).map(origin_of);
        let pages = match (start, end) {
            (Some(start), _) if is_range(&start) => normalise_range(&start),
            (Some(start), Some(end)) if start != end => format!("{start}--{end}"),
            (Some(start), _) => start,
            (None, Some(end)) => end,
            (None, None) => return,
        };
        self.entry.set_text(
            "pages",
            tex::escape(&pages).replace("\\textasciitilde{}", "~"),
            origin,
        );
    }

    fn defaults(&mut self) {
        let has_editor = self.entry.names("editor").is_some();
        let has_author = self.entry.names("author").is_some();
        // A serial without authors is the periodical itself.
        if self.ty == Some("SER") && !has_author {
            self.entry.entry_type = "periodical".into();
        }
        match self.entry.entry_type.as_str() {
            "inbook" if has_editor => self.entry.entry_type = "incollection".into(),
            "book" if has_editor && !has_author => {
                self.entry.entry_type = "collection".into()
            }
            // A book with a number of volumes is a multi-volume work.
            "book" if self.entry.text("volumes").is_some() => {
                self.entry.entry_type = "mvbook".into()
            }
            "thesis" if self.entry.text("type").is_none() => {
                self.entry.set_text("type", "phdthesis", None)
            }
            "report" if self.entry.text("type").is_none() => {
                self.entry.set_text("type", "techreport", None)
            }
            _ => {}
        }
    }
}

fn is_range(pages: &str) -> bool {
    pages.contains(['-', '–', '—'])
}

/// `12-34`, `12–34`, `12 - 34` become `12--34`.
fn normalise_range(pages: &str) -> String {
    let parts: Vec<&str> = pages
        .split(['-', '–', '—'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    match parts.as_slice() {
        [start, end] => format!("{start}--{end}"),
        _ => pages.to_string(),
    }
}

/// Whether a journal name is written as an abbreviation (`J.Neurosurg.`, `Augment Altern Commun`).
fn is_abbreviation(name: &str) -> bool {
    name.contains('.')
}

/// Whether every word of `short` is a prefix of the next matching word of `long`, in order.
fn abbreviates(short: &str, long: &str) -> bool {
    let long_words: Vec<String> = long
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut long_idx = 0;
    let short_words: Vec<String> = short
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if short_words.is_empty() || short_words.len() > long_words.len() {
        return false;
    }
    for word in &short_words {
        match long_words[long_idx..]
            .iter()
            .position(|long_word| long_word.starts_with(word.as_str()))
        {
            Some(found) => long_idx += found + 1,
            None => return false,
        }
    }
    true
}

fn thesis_type(value: &str) -> String {
    let lower = value.to_lowercase();
    if lower.contains("phd")
        || lower.contains("ph.d")
        || lower.contains("doctor")
        || lower.contains("dissertation")
    {
        "phdthesis".into()
    } else if lower.contains("master")
        || lower.starts_with("ma ")
        || lower.starts_with("m.a")
        || lower.contains("msc")
    {
        "mathesis".into()
    } else {
        tex::escape(value)
    }
}

/// A RIS date: `YYYY/MM/DD/other`, ISO `YYYY-MM-DD`, a range `1984 - 1985`, a
/// month name, or a string with a four-digit year in it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RisDate {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    end_year: Option<i32>,
}

impl RisDate {
    fn parse(value: &str) -> Option<RisDate> {
        let value = value.trim();
        let number = |part: &str| -> Option<u32> {
            let part = part.trim();
            if part.is_empty() || !part.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok().filter(|n| *n > 0)
        };
        // Ranges: `1984 - 1985`, `1984-1985`.
        if let Some((start, end)) = value.split_once('-') {
            let (start, end) = (start.trim(), end.trim());
            if start.len() == 4
                && end.len() == 4
                && let (Some(start), Some(end)) = (number(start), number(end))
            {
                return Some(RisDate {
                    year: Some(start as i32),
                    month: None,
                    day: None,
                    end_year: Some(end as i32),
                });
            }
        }
        let separator = if value.contains('/') { '/' } else { '-' };
        let parts: Vec<&str> = value.split(separator).collect();
        if let Some(year) =
            parts.first().and_then(|p| number(p)).filter(|_| parts[0].trim().len() == 4)
        {
            let month = parts.get(1).and_then(|p| number(p));
            let day = month.and(parts.get(2).and_then(|p| number(p)));
            // `other` may name a season: `1998///Spring`.
            let season = parts.get(3).and_then(|other| season(other));
            let month = if month.is_none() { season } else { month };
            return Some(RisDate { year: Some(year as i32), month, day, end_year: None });
        }
        if let Some(month) = month_number(value) {
            return Some(RisDate {
                year: None,
                month: Some(month),
                day: None,
                end_year: None,
            });
        }
        // Last resort: a four-digit year anywhere (`Spring 2019`, `c1998`).
        let digits: Vec<&str> = value
            .split(|c: char| !c.is_ascii_digit())
            .filter(|run| run.len() == 4)
            .collect();
        // `0000` is how exporters write "no year" (Zotero treats it so too).
        let year = digits.first().and_then(|run| run.parse().ok()).filter(|y| *y > 0)?;
        let month = value.split(|c: char| !c.is_alphabetic()).find_map(month_number);
        Some(RisDate { year: Some(year), month, day: None, end_year: None })
    }

    fn precision(&self) -> u8 {
        u8::from(self.year.is_some())
            + u8::from(self.month.is_some())
            + u8::from(self.day.is_some())
    }

    fn to_date(&self) -> Option<Date> {
        let year = self.year?;
        if let Some(end_year) = self.end_year {
            let start = Date::from_parts(year, None, None).ok()?;
            let end = Date::from_parts(end_year, None, None).ok()?;
            return Date::range(&start, &end).ok();
        }
        Date::from_parts(year, self.month, self.month.and(self.day)).ok()
    }
}

fn season(word: &str) -> Option<u32> {
    match word.trim().to_lowercase().as_str() {
        "spring" => Some(21),
        "summer" => Some(22),
        "autumn" | "fall" => Some(23),
        "winter" => Some(24),
        _ => None,
    }
}

/// Organisation words that mark a comma-less name as corporate.
const ORGANISATION_WORDS: &[&str] = &[
    "agency",
    "association",
    "bank",
    "board",
    "bureau",
    "center",
    "centre",
    "commission",
    "committee",
    "company",
    "corporation",
    "council",
    "department",
    "foundation",
    "group",
    "inc",
    "institute",
    "international",
    "ltd",
    "ministry",
    "news",
    "office",
    "organisation",
    "organization",
    "press",
    "society",
    "team",
    "university",
    "consortium",
    "collaboration",
    "network",
    "project",
    "service",
    "fund",
    "federation",
    "union",
    "state",
    "national",
    "government",
    "program",
    "programme",
    "laboratory",
    "school",
    "college",
    "academy",
];

/// Parses a RIS name: `Family, Given[, Suffix]` (also without a space after the
/// comma), `Family G.` without comma, given-first `Catarina Barata`, or a
/// corporate name.
pub fn parse_name(value: &str) -> Name {
    let value = value.trim().trim_end_matches(',').trim();
    let parts: Vec<&str> = value.split(',').map(str::trim).collect();
    if parts.len() >= 2 && !parts[0].is_empty() {
        let (prefix, family) = split_particle(parts[0]);
        let (given, suffix) = match parts.len() {
            2 => (parts[1].to_string(), String::new()),
            _ if is_suffix(parts[1]) => (parts[2..].join(", "), parts[1].to_string()),
            _ if is_suffix(parts[2]) => (parts[1].to_string(), parts[2..].join(", ")),
            _ => (parts[1..].join(", "), String::new()),
        };
        return Name::Person {
            family: tex::escape(&family),
            given: tex::escape(&given),
            prefix: tex::escape(&prefix),
            suffix: tex::escape(&suffix),
        };
    }
    let words: Vec<&str> = value.split_whitespace().collect();
    let is_corporate = words.len() < 2
        || words.len() > 4
        || words.iter().any(|word| {
            let lower = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            ORGANISATION_WORDS.contains(&lower.as_str())
                || lower == "of"
                || lower == "for"
                || word.contains('&')
        })
        || !words.iter().all(|word| {
            word.chars().next().is_some_and(|c| c.is_uppercase() || !c.is_alphabetic())
                || is_particle(word)
        });
    if is_corporate {
        return Name::Literal(tex::escape(value));
    }
    // `Fanning E.` or `Liang S`: family first, initials last.
    let last = words[words.len() - 1];
    if is_initials(last) && !is_initials(words[0]) {
        let (prefix, family) = split_particle(&words[..words.len() - 1].join(" "));
        return Name::Person {
            family: tex::escape(&family),
            given: tex::escape(last),
            prefix: tex::escape(&prefix),
            suffix: String::new(),
        };
    }
    // Given-first: particles before the last word belong to the family name.
    let mut family_start = words.len() - 1;
    while family_start > 1 && is_particle(words[family_start - 1]) {
        family_start -= 1;
    }
    let given = words[..family_start]
        .iter()
        .filter(|w| !is_particle(w))
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let prefix = words[..family_start]
        .iter()
        .filter(|w| is_particle(w))
        .copied()
        .chain(words[family_start..words.len() - 1].iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    Name::Person {
        family: tex::escape(words[words.len() - 1]),
        given: tex::escape(&given),
        prefix: tex::escape(&prefix),
        suffix: String::new(),
    }
}

fn is_particle(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_lowercase())
}

fn is_suffix(part: &str) -> bool {
    matches!(
        part.trim_end_matches('.').to_lowercase().as_str(),
        "jr" | "sr" | "ii" | "iii" | "iv" | "v"
    )
}

fn is_initials(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| *c != '.' && *c != '-').collect();
    !letters.is_empty() && letters.len() <= 3 && letters.iter().all(|c| c.is_uppercase())
}

/// `van der Berg` → (`van der`, `Berg`): leading lower-case words are the particle.
fn split_particle(family: &str) -> (String, String) {
    let words: Vec<&str> = family.split_whitespace().collect();
    let particle_len = words
        .iter()
        .take(words.len().saturating_sub(1))
        .take_while(|w| is_particle(w))
        .count();
    (words[..particle_len].join(" "), words[particle_len..].join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_parse_like_the_whole_file() {
        let record = "TY  - JOUR\nAU  - Müller, Jörg\nTI  - A title\nthat wraps\n\nPY  - 2019\nER  - \n\n";
        let mut text = String::from("junk before\n");
        for idx in 0..40 {
            match idx % 7 {
                0 => text.push_str(&record.replace('\n', "\r\n")),
                1 => text.push_str("TY  - BOOK\nTI  - no end\nTY  - JOUR\nTI  - T\n"),
                2 => text.push_str("ER  - \nTY  - XXXX\nZZ  - odd tag\nER  - \n"),
                3 => text.push_str(
                    "TY  - JOUR\nER  - \r\rTY  - CHAP\rTI  - CR only\rER  - \r",
                ),
                4 => {
                    text.push_str("\u{feff}TY  - JOUR\nTI  - BOM\nER  -\njunk between\n")
                }
                _ => text.push_str(record),
            }
        }
        text.push_str("TY  - JOUR\nTI  - open at the end");
        let whole = parse_in_parts(&text, "x.ris", 1);
        assert!(whole.value.len() > 40 && whole.diagnostics.len() > 10);
        for n_parts in 2..12 {
            let parts = super::super::lex::split_between_records(&text, n_parts);
            assert!(parts.len() > 1, "{n_parts} parts");
            assert_eq!(
                parts.iter().map(|(part, _)| part.len()).sum::<usize>(),
                text.len()
            );
            let split = parse_in_parts(&text, "x.ris", n_parts);
            assert_eq!(split.value, whole.value, "{n_parts} parts");
            assert_eq!(split.diagnostics, whole.diagnostics, "{n_parts} parts");
        }
        let empty = parse_in_parts("no records\nER  - \n\n", "x.ris", 3);
        assert_eq!(empty.diagnostics.len(), 1);
        assert_eq!(empty.diagnostics[0].code, "RIS001");
    }

    proptest::proptest! {
        #[test]
        fn collapse_agrees_with_splitting_on_any_text(value in "[ a\t\n\r\u{b}\u{c}\u{85}\u{a0}\u{1680}\u{2000}\u{2028}\u{3000}\u{2027}é]{0,10}") {
            let expected = value.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(collapse(&value), expected);
        }
    }

    #[test]
    fn collapse_shortcut_agrees_with_splitting() {
        for value in [
            "",
            " ",
            "a",
            "a b",
            " a",
            "a ",
            "a  b",
            "a\nb",
            "a\tb",
            "a\u{a0}b",
            "a\u{2028}b",
            "Müller, J. ",
            "\u{3000}x",
            "x y z",
            "a\u{85}b",
            "a\u{1680}b",
            "a\u{200a}b",
            "a\u{205f}b",
            "a\u{2060}b",
            "a\u{1c}b",
            "中国 “x” — é",
        ] {
            let expected = value.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse(value), expected, "{value:?}");
        }
        for c in
            (0x80..=0x10FFFF).filter_map(char::from_u32).filter(|c| c.is_whitespace())
        {
            let lead = c.to_string().as_bytes()[0];
            assert!(matches!(lead, 0xC2 | 0xE1 | 0xE2 | 0xE3), "{c:?}");
        }
    }

    fn person(family: &str, given: &str, prefix: &str, suffix: &str) -> Name {
        Name::Person {
            family: family.into(),
            given: given.into(),
            prefix: prefix.into(),
            suffix: suffix.into(),
        }
    }

    /// The one entry of a RIS text, with the diagnostics' codes.
    fn one(text: &str) -> (Entry, Vec<&'static str>) {
        let parsed = parse(text, "test.ris");
        assert_eq!(parsed.value.len(), 1, "{:?}", parsed.diagnostics);
        let codes = parsed.diagnostics.iter().map(|d| d.code).collect();
        (parsed.value.into_iter().next().unwrap_or_else(|| Entry::new("", "")), codes)
    }

    fn extra_tags(entry: &Entry) -> Vec<(&str, &str)> {
        entry.extra.iter().map(|e| (e.tag.as_str(), e.value.as_str())).collect()
    }

    #[test]
    fn exporter_quirks_in_one_record() {
        // One space and a tab before the dash, BOM, CRLF, blank lines, a
        // continuation line, repeated tags, AB = N2, DO = U2, an AN accession
        // number, KW with `;` and no final ER.
        let text = "\u{feff}TY - JOUR\r\nTI  - A title\r\nthat wraps\r\n\r\nAU\t- Doe, Jane\r\n\
            AB  - Same  abstract.\r\nN2  - Same abstract.\r\nDO  - 10.1000/xyz\r\n\
            U2  - https://doi.org/10.1000/xyz\r\nAN  - SCOPUS:85062797592\r\n\
            PY  - 2019/7\r\nPY  - 2019/7\r\nSP  - 290\r\nEP  - 307\r\n\
            KW  - one; two\r\nKW  - three\r\n";
        let (entry, codes) = one(text);
        assert_eq!(entry.text("title"), Some("A title that wraps"));
        assert_eq!(entry.names("author"), Some(&[Name::person("Doe", "Jane")][..]));
        assert_eq!(entry.text("abstract"), Some("Same abstract."));
        assert_eq!(entry.text("doi"), Some("10.1000/xyz"));
        assert_eq!(entry.text("date"), Some("2019-07"));
        assert_eq!(entry.text("pages"), Some("290--307"));
        assert_eq!(entry.text("keywords"), Some("one, two, three"));
        // The repeated DOI and abstract are not extra data; the accession number is.
        assert_eq!(extra_tags(&entry), [("AN", "SCOPUS:85062797592")]);
        assert_eq!(codes, ["RIS004"]);
    }

    #[test]
    fn m1_fills_the_number_only_when_nothing_else_does() {
        // MEDLINE via JabRef: M1 (a copyright notice) comes before IS.
        let (entry, _) = one("TY  - JOUR\nM1  - Copyright (C) 2016\nIS  - 2\nER  -\n");
        assert_eq!(entry.text("number"), Some("2"));
        assert_eq!(extra_tags(&entry), [("M1", "Copyright (C) 2016")]);
        // EndNote's hack: the issue in M1 when IS is absent.
        let (entry, _) = one("TY  - JOUR\nM1  - 9999\nTI  - T\nER  -\n");
        assert_eq!(entry.text("number"), Some("9999"));
        // A report's SN is its number, ahead of M1 (the document number).
        let (entry, _) =
            one("TY  - RPRT\nM1  - Document Number\nSN  - NREL/TP 5400\nER  -\n");
        assert_eq!(entry.text("number"), Some("NREL/TP 5400"));
        assert_eq!(extra_tags(&entry), [("M1", "Document Number")]);
    }

    #[test]
    fn serial_numbers_by_shape() {
        // Print and electronic ISSN on two lines: the first is kept, the second is extra.
        let (entry, codes) = one("TY  - JOUR\nSN  - 0915-5287\nSN  - 2187-5626\nER  -\n");
        assert_eq!(entry.text("issn"), Some("0915-5287"));
        assert_eq!(extra_tags(&entry), [("SN", "2187-5626")]);
        assert_eq!(codes, ["RIS006"]);
        // ISSN and ISBN on one line, with a qualifier.
        let (entry, codes) =
            one("TY  - BOOK\nSN  - 2325-9671 (electronic); 978-1-4822-5326-9\nER  -\n");
        assert_eq!(entry.text("issn"), Some("2325-9671"));
        assert_eq!(entry.text("isbn"), Some("978-1-4822-5326-9"));
        assert!(entry.extra.is_empty() && codes.is_empty(), "{codes:?}");
        // Neither shape, not even digits: kept as extra data, never dropped.
        let (entry, codes) = one("TY  - BOOK\nTI  - T\nSN  - ISSN/ISBN\nER  -\n");
        assert_eq!((entry.text("issn"), entry.text("isbn")), (None, None));
        assert_eq!(extra_tags(&entry), [("SN", "ISSN/ISBN")]);
        assert_eq!(codes, ["RIS009"]);
    }

    #[test]
    fn a2_of_other_types_is_kept_not_made_an_editor() {
        let (entry, _) = one("TY  - PAT\nAU  - Burger,D.R.\nA2  - Epitope,I.\nER  -\n");
        assert_eq!(entry.names("editor"), None);
        assert_eq!(extra_tags(&entry), [("A2", "Epitope,I.")]);
        let (entry, _) = one("TY  - GEN\nA2  - Doe, Jane\nER  -\n");
        assert_eq!(entry.names("editor"), Some(&[Name::person("Doe", "Jane")][..]));
    }

    #[test]
    fn conference_proceedings_title_and_event() {
        let (entry, _) = one(
            "TY  - CONF\nTI  - Paper\nT2  - Conference Name\nC3  - Proceedings Title\nER  -\n",
        );
        assert_eq!(entry.text("booktitle"), Some("Proceedings Title"));
        assert_eq!(entry.text("eventtitle"), Some("Conference Name"));
        // Without C3, T2 stays the book title.
        let (entry, _) = one("TY  - CPAPER\nTI  - Paper\nT2  - Conference Name\nER  -\n");
        assert_eq!(entry.text("booktitle"), Some("Conference Name"));
        assert_eq!(entry.text("eventtitle"), None);
    }

    #[test]
    fn a_name_without_letters_is_not_a_name() {
        let parsed = parse(
            "TY  - JOUR\nAU  - \u{1}\u{2}\nAU  - Doe, J.\nTI  - T\nER  -\n",
            "x.ris",
        );
        let entry = &parsed.value[0];
        assert_eq!(entry.names("author"), Some(&[Name::person("Doe", "J.")][..]));
        let codes: Vec<(&str, u32)> =
            parsed.diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(codes, [("RIS013", 2)]);
    }

    #[test]
    fn web_site_name_and_translated_title() {
        let (entry, _) = one(
            "TY  - ELEC\nTI  - Page\nTT  - Seite\nT2  - The Site\nUR  - https://x.org\nER  -\n",
        );
        assert_eq!(entry.text("organization"), Some("The Site"));
        assert_eq!(entry.text("titleaddon"), Some("Seite"));
        assert!(extra_tags(&entry).is_empty());
        let (entry, _) = one("TY  - JOUR\nTI  - Titel\nTT  - Title\nER  -\n");
        assert_eq!(entry.text("titleaddon"), Some("Title"));
    }

    #[test]
    fn types_refined_by_content() {
        let (entry, _) =
            one("TY  - BOOK\nAU  - Doe, Jane\nTI  - Works\nNV  - 3\nER  -\n");
        assert_eq!(
            (entry.entry_type.as_str(), entry.text("volumes")),
            ("mvbook", Some("3"))
        );
        let (entry, _) = one("TY  - SER\nTI  - Lecture Notes\nER  -\n");
        assert_eq!(entry.entry_type, "periodical");
        let (entry, _) = one("TY  - SER\nAU  - Doe, Jane\nTI  - Lecture Notes\nER  -\n");
        assert_eq!(entry.entry_type, "book");
        let (entry, _) =
            one("TY  - COMP\nTI  - Formica\nET  - 0.5.0\nT2  - Tools\nER  -\n");
        assert_eq!(entry.text("version"), Some("0.5.0"));
        assert_eq!(entry.text("series"), Some("Tools"));
    }

    #[test]
    fn year_0000_is_no_date() {
        let (entry, codes) =
            one("TY  - JOUR\nT2  - Statistics 2015\nPY  - 0000\nER  -\n");
        assert_eq!(entry.text("date"), None);
        assert_eq!(codes, ["RIS011"]);
    }

    #[test]
    fn names_in_exporters_forms() {
        assert_eq!(
            parse_name("Chong, Pak Lei Gladys"),
            Name::person("Chong", "Pak Lei Gladys")
        );
        assert_eq!(parse_name("Baldwin,S.A."), Name::person("Baldwin", "S.A."));
        assert_eq!(parse_name("Doe, John, Jr."), person("Doe", "John", "", "Jr."));
        assert_eq!(
            parse_name("Karlsson, Maria, Sr."),
            person("Karlsson", "Maria", "", "Sr.")
        );
        assert_eq!(
            parse_name("van der Berg, Anna"),
            person("Berg", "Anna", "van der", "")
        );
        assert_eq!(parse_name("Fanning E."), Name::person("Fanning", "E."));
        assert_eq!(parse_name("Catarina Barata"), Name::person("Barata", "Catarina"));
        assert_eq!(
            parse_name("Ludwig van Beethoven"),
            person("Beethoven", "Ludwig", "van", "")
        );
        assert_eq!(parse_name("Xinhua"), Name::Literal("Xinhua".into()));
        assert_eq!(
            parse_name("People's Bank of China"),
            Name::Literal("People's Bank of China".into())
        );
        assert_eq!(
            parse_name("Financial Stability Board"),
            Name::Literal("Financial Stability Board".into())
        );
        assert_eq!(parse_name("AT&T Labs"), Name::Literal("AT\\&T Labs".into()));
    }

    #[test]
    fn ris_dates() {
        let date = |value: &str| {
            RisDate::parse(value).and_then(|d| d.to_date()).map(|d| d.to_string())
        };
        assert_eq!(date("2019/7"), Some("2019-07".into()));
        assert_eq!(date("2014//"), Some("2014".into()));
        assert_eq!(date("2001///"), Some("2001".into()));
        assert_eq!(date("2005/07/15"), Some("2005-07-15".into()));
        assert_eq!(date("2023/11/1/"), Some("2023-11-01".into()));
        assert_eq!(date("2001/00/00/"), Some("2001".into()));
        assert_eq!(date("2023-10-24"), Some("2023-10-24".into()));
        assert_eq!(date("1984 - 1985"), Some("1984/1985".into()));
        assert_eq!(date("1998///Spring"), Some("1998-21".into()));
        assert_eq!(date("99"), None);
        assert_eq!(RisDate::parse("July").map(|d| d.month), Some(Some(7)));
    }

    #[test]
    fn journal_abbreviations() {
        assert!(abbreviates(
            "Augment Altern Commun",
            "Augmentative and Alternative Communication"
        ));
        assert!(abbreviates("J.Neurosurg.", "Journal of Neurosurgery"));
        assert!(!abbreviates(
            "Chinese Journal of Communication",
            "Securitization of everyday life"
        ));
    }
}
