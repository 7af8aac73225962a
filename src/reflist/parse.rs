//! One reference string to one entry.
//!
//! Three steps: [`prepare`] takes out what is certain whatever the style
//! (URLs from `<...>` and markdown links, DOIs, markdown escapes, "Retrieved
//! from", the italic spans that mark containers and book titles); the APA
//! rules ([`super::apa`]) read author-date references; anything else goes
//! through the trained token labeller ([`super::label`]). Both fill the same
//! [`Fields`], from which one function infers the entry type and builds the
//! BibLaTeX entry.

use std::sync::LazyLock;

use regex::Regex;

use super::apa;
use super::label::{self, Label};
use crate::model::{Date, Entry, Name, Value, month_number};
use crate::tex;

/// What parsing one reference string gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedReference {
    /// The entry (no key, no sources: the caller adds them).
    pub entry: Entry,
    /// The year suffix printed after the year (`2015a`): it belongs to the
    /// citing document's list, not to the work.
    pub year_suffix: Option<String>,
    /// What could not be read with confidence.
    pub warnings: Vec<String>,
}

/// Parses one reference string (plain text or markdown) into an entry.
pub fn parse_reference(text: &str) -> ParsedReference {
    let prepared = prepare(text);
    let mut fields = apa::parse(&prepared).unwrap_or_else(|| from_labels(&prepared));
    fields.urls = prepared.urls.clone();
    if fields.doi.is_none() {
        fields.doi = prepared.doi.clone();
    }
    let mut warnings = Vec::new();
    let entry = build_entry(&fields, text, &mut warnings);
    ParsedReference { entry, year_suffix: fields.year_suffix.clone(), warnings }
}

/// A reference with the markup and identifiers taken out.
#[derive(Debug, Clone, Default)]
pub(super) struct Prepared {
    /// The text without URLs, DOIs, markdown escapes and italic markers,
    /// white space collapsed.
    pub text: String,
    /// Byte ranges of `text` that were italic.
    pub italics: Vec<(usize, usize)>,
    /// URLs in order of appearance, markdown escapes removed.
    pub urls: Vec<String>,
    /// The first DOI.
    pub doi: Option<String>,
}

static MD_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[([^\]]*)\]\((https?://[^)\s]+)\)").expect("valid regex")
});
static ANGLE_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<(https?://[^>\s]+)>").expect("valid regex"));
static BARE_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:https?://|www\.)[^\s<>\]]+").expect("valid regex"));
static DOI_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\bdoi:?\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/[^\s<>]+)")
        .expect("valid regex")
});
static RETRIEVED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\s*(?:retrieved(?:\s+on)?(?:\s+[A-Za-z]+\.?\s+\d{1,2},?\s+\d{4},?)?\s+from|available(?:\s+online)?\s+(?:at|from)|accessed(?:\s+on)?(?:\s+[A-Za-z0-9 ,.]+?)?|\[online\]|online:)\s*:?\s*$",
    )
    .expect("valid regex")
});

/// Takes out URLs, DOIs, markdown escapes and italics.
pub(super) fn prepare(raw: &str) -> Prepared {
    let mut urls = Vec::new();
    let mut doi = None;
    // Markdown links: keep the link text unless it is the URL itself.
    let text = MD_LINK.replace_all(raw, |caps: &regex::Captures| {
        let label = caps[1].trim();
        let url = unescape_markdown(&caps[2]);
        let label_is_url = label.starts_with("http") || label.starts_with("www.");
        urls.push(url);
        if label_is_url { String::new() } else { label.to_string() }
    });
    let text = ANGLE_URL.replace_all(&text, |caps: &regex::Captures| {
        urls.push(unescape_markdown(&caps[1]));
        String::new()
    });
    let text = DOI_TEXT.replace_all(&text, |caps: &regex::Captures| {
        if doi.is_none() {
            doi = crate::doi::clean(&unescape_markdown(&caps[1]));
        }
        String::new()
    });
    let text = BARE_URL.replace_all(&text, |caps: &regex::Captures| {
        let url = caps[0].trim_end_matches(['.', ',', ';', ')']);
        let cleaned = unescape_markdown(url);
        if let Some(found) =
            crate::doi::find(&cleaned).filter(|_| cleaned.contains("doi.org/"))
        {
            doi.get_or_insert(found);
        } else {
            urls.push(cleaned);
        }
        caps[0][url.len()..].to_string()
    });
    if doi.is_none() {
        doi = crate::doi::find(&text);
    }
    // Italics (`*...*` or `_..._` at word boundaries) and escapes, in one pass.
    let mut out = String::with_capacity(text.len());
    let mut italics = Vec::new();
    let mut italic_start: Option<(usize, char)> = None;
    let chars: Vec<char> = text.chars().collect();
    let mut idx = 0;
    while idx < chars.len() {
        let c = chars[idx];
        if c == '\\' && chars.get(idx + 1).is_some_and(|n| n.is_ascii_punctuation()) {
            out.push(chars[idx + 1]);
            idx += 2;
            continue;
        }
        let is_marker = c == '*' || c == '_';
        if is_marker {
            // `**bold**` counts like italics for our purpose: a marked span.
            let mut run = 1;
            while chars.get(idx + run) == Some(&c) {
                run += 1;
            }
            let before = if idx == 0 { ' ' } else { chars[idx - 1] };
            let after = chars.get(idx + run).copied().unwrap_or(' ');
            match italic_start {
                Some((start, marker)) if marker == c && !before.is_whitespace() => {
                    italics.push((start, out.len()));
                    italic_start = None;
                    idx += run;
                    continue;
                }
                None if !after.is_whitespace()
                    && (c == '*' || !before.is_alphanumeric()) =>
                {
                    italic_start = Some((out.len(), c));
                    idx += run;
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
        idx += 1;
    }
    let text = RETRIEVED.replace(&out, "").into_owned();
    let (text, italics) = collapse_keeping_spans(&text, &italics);
    Prepared { text, italics, urls, doi }
}

fn unescape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    out
}

/// Collapses white space and trims, moving the spans along.
fn collapse_keeping_spans(
    text: &str,
    spans: &[(usize, usize)],
) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut map = vec![0usize; text.len() + 1];
    let mut pending_space = false;
    for (idx, c) in text.char_indices() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            map[idx] = out.len();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        map[idx] = out.len();
        out.push(c);
    }
    map[text.len()] = out.len();
    // Offsets inside multi-byte characters were never set; carry the last one forward.
    let mut last = 0;
    for (idx, slot) in map.iter_mut().enumerate() {
        if text.is_char_boundary(idx) {
            last = *slot;
        } else {
            *slot = last;
        }
    }
    let spans = spans
        .iter()
        .map(|&(start, end)| {
            let (mut start, mut end) =
                (map[start.min(text.len())], map[end.min(text.len())]);
            while start < end && out.as_bytes()[start] == b' ' {
                start += 1;
            }
            while end > start && out.as_bytes()[end - 1] == b' ' {
                end -= 1;
            }
            (start, end)
        })
        .filter(|(start, end)| end > start)
        .collect();
    (out, spans)
}

/// The parts of a reference, as printed (plain text), before the type is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Fields {
    pub authors: Vec<Name>,
    pub editors: Vec<Name>,
    pub year: Option<i32>,
    pub month: Option<u32>,
    pub day: Option<u32>,
    pub year_suffix: Option<String>,
    pub title: Option<String>,
    pub translation: Option<String>,
    pub container: Option<String>,
    /// The container is a book or proceedings (printed after "In").
    pub container_is_book: bool,
    /// The title itself was printed in italics (a book, report, thesis).
    pub title_is_italic: bool,
    pub volume: Option<String>,
    pub number: Option<String>,
    pub pages: Option<String>,
    pub edition: Option<String>,
    pub publisher: Option<String>,
    pub location: Option<String>,
    pub thesis_type: Option<String>,
    pub report: bool,
    pub isbn: Option<String>,
    pub note: Option<String>,
    pub doi: Option<String>,
    pub urls: Vec<String>,
}

/// Fields from the trained labeller's spans.
fn from_labels(prepared: &Prepared) -> Fields {
    let text = &prepared.text;
    let segments = label::label(text);
    let mut fields = Fields::default();
    let mut joined: Vec<(Label, String)> = Vec::new();
    for segment in &segments {
        let Some(part) = text.get(segment.start..segment.end) else { continue };
        match joined.iter_mut().find(|(label, _)| *label == segment.label) {
            Some((_, existing)) => {
                existing.push(' ');
                existing.push_str(part);
            }
            None => joined.push((segment.label, part.to_string())),
        }
    }
    for (label, value) in joined {
        let value = value.trim().to_string();
        match label {
            Label::Author => fields.authors = parse_names_general(&value),
            Label::Editor => {
                fields.editors = parse_names_general(&strip_editor_words(&value))
            }
            Label::Title => fields.title = Some(clean_title(&value)),
            Label::Container => {
                fields.container_is_book =
                    value.to_lowercase().starts_with("in ") || is_proceedings(&value);
                fields.container = Some(clean_container(&value));
            }
            Label::Date => {
                if let Some((year, suffix)) = find_year(&value) {
                    fields.year = Some(year);
                    fields.year_suffix = suffix;
                    fields.month =
                        value.split(|c: char| !c.is_alphabetic()).find_map(month_number);
                }
            }
            Label::Volume => {
                let (volume, number) = split_volume(&value);
                fields.volume = volume;
                if fields.number.is_none() {
                    fields.number = number;
                }
            }
            Label::Issue => fields.number = Some(strip_locator(&value)),
            Label::Pages => fields.pages = Some(normalise_pages(&strip_locator(&value))),
            Label::Publisher => fields.publisher = Some(trim_punct(&value)),
            Label::Location => fields.location = Some(trim_punct(&value)),
            Label::Edition => fields.edition = Some(trim_punct(&value)),
            Label::Isbn => {
                fields.isbn =
                    Some(trim_punct(value.trim_start_matches("ISBN")).trim().to_string())
            }
            Label::Doi => fields.doi = crate::doi::find(&value),
            Label::Url => fields.urls.push(value),
            Label::Genre => {
                let lower = value.to_lowercase();
                if lower.contains("thesis") || lower.contains("dissertation") {
                    fields.thesis_type = Some(thesis_kind(&lower));
                } else if lower.contains("report") || lower.contains("paper") {
                    fields.report = true;
                }
            }
            Label::Note => fields.note = Some(trim_punct(&value)),
            _ => {}
        }
    }
    // A title set in italics with nothing else marked as container is a book title.
    if let (Some(title), Some(&(start, end))) = (&fields.title, prepared.italics.first())
        && text.get(start..end).is_some_and(|italic| clean_title(italic) == *title)
    {
        fields.title_is_italic = true;
    }
    fields
}

/// Builds the entry and infers its type from the evidence.
fn build_entry(fields: &Fields, raw: &str, warnings: &mut Vec<String>) -> Entry {
    let has_journal_numbers =
        fields.volume.is_some() || fields.pages.is_some() || fields.number.is_some();
    let entry_type = if fields.thesis_type.is_some() {
        "thesis"
    } else if fields.container.is_some() && fields.container_is_book {
        if fields.container.as_deref().is_some_and(is_proceedings) {
            "inproceedings"
        } else {
            "incollection"
        }
    } else if fields.container.is_some() {
        "article"
    } else if fields.report {
        "report"
    } else if fields.publisher.is_some()
        || (fields.title_is_italic && fields.urls.is_empty())
    {
        "book"
    } else if is_filing(fields) {
        "misc"
    } else if !fields.urls.is_empty() {
        "online"
    } else {
        "misc"
    };
    let mut entry = Entry::new("", entry_type);
    if entry_type == "article" && !has_journal_numbers && fields.day.is_some() {
        // A dated piece in a periodical without volume or pages: a newspaper article.
        entry.set_text("entrysubtype", "newspaper", None);
    }
    if !fields.authors.is_empty() {
        entry.set("author", Value::Names(fields.authors.clone()), None);
    }
    if !fields.editors.is_empty() {
        entry.set("editor", Value::Names(fields.editors.clone()), None);
    }
    if let Some(title) = &fields.title {
        let (main, subtitle) = split_subtitle(title);
        entry.set_text("title", tex::escape(main), None);
        if let Some(subtitle) = subtitle {
            entry.set_text("subtitle", tex::escape(subtitle), None);
        }
    }
    if let Some(translation) = &fields.translation {
        // biblatex prints titleaddon right after the title: the English translation.
        entry.set_text("titleaddon", tex::escape(translation), None);
    }
    if let Some(container) = &fields.container {
        let field = match entry_type {
            "article" => "journaltitle",
            "online" => "organization",
            _ => "booktitle",
        };
        entry.set_text(field, tex::escape(container), None);
    }
    if let Some(thesis_type) = &fields.thesis_type {
        entry.set_text("type", thesis_type.as_str(), None);
    }
    for (field, value) in [
        ("edition", &fields.edition),
        ("volume", &fields.volume),
        ("number", &fields.number),
    ] {
        if let Some(value) = value {
            entry.set_text(field, tex::escape(value), None);
        }
    }
    if let Some(pages) = &fields.pages {
        entry.set_text("pages", tex::escape(pages), None);
    }
    if let Some(year) = fields.year {
        let date = Date::from_parts(year, fields.month, fields.month.and(fields.day))
            .or_else(|_| Date::from_parts(year, None, None));
        match date {
            Ok(date) => entry.set_text("date", date.as_str(), None),
            Err(_) => warnings.push(format!("year {year} is not a date")),
        }
    }
    if let Some(publisher) = &fields.publisher {
        let field = if matches!(entry_type, "thesis" | "report") {
            "institution"
        } else {
            "publisher"
        };
        entry.set_text(field, tex::escape(publisher), None);
    }
    if let Some(location) = &fields.location {
        entry.set_text("location", tex::escape(location), None);
    }
    if let Some(isbn) = &fields.isbn {
        entry.set_text("isbn", tex::escape(isbn), None);
    }
    if let Some(note) = &fields.note {
        entry.set_text("note", tex::escape(note), None);
    }
    if let Some(doi) = &fields.doi {
        entry.set_text("doi", doi.as_str(), None);
    }
    if let Some(url) = fields.urls.first() {
        entry.set_text("url", url.as_str(), None);
    }
    if fields.title.is_none() && fields.authors.is_empty() {
        warnings.push(
            "no author or title recognised; kept as @misc with the text in 'note'".into(),
        );
        entry.entry_type = "misc".into();
        let raw = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        entry.set_text("note", tex::escape(&raw), None);
    } else if fields.title.is_none() {
        warnings.push("no title recognised".into());
    }
    entry.sort_fields();
    entry
}

/// Whether a container names proceedings (`Proc.`, `Proceedings of`, `Conference on`),
/// word by word so that `Adv Neural Inf Process Syst` stays a journal.
fn is_proceedings(container: &str) -> bool {
    container.split(|c: char| !c.is_alphanumeric()).any(|word| {
        matches!(
            word.to_lowercase().as_str(),
            "proc"
                | "procs"
                | "proceedings"
                | "conference"
                | "conf"
                | "symposium"
                | "symp"
                | "workshop"
                | "congress"
                | "meeting"
                | "colloquium"
        )
    })
}

/// SEC filings and similar: a form submitted to a regulator.
fn is_filing(fields: &Fields) -> bool {
    let title = fields.title.as_deref().unwrap_or_default();
    let url = fields.urls.first().map(String::as_str).unwrap_or_default();
    url.contains("sec.gov/") || (title.contains("Form ") && title.contains("Commission"))
}

/// `Title: Subtitle` split at the first `: ` outside brackets and quotes.
pub(super) fn split_subtitle(title: &str) -> (&str, Option<&str>) {
    let mut depth = 0i32;
    for (idx, c) in title.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ':' if depth == 0 && title[idx + 1..].starts_with(' ') => {
                let (main, rest) = (title[..idx].trim(), title[idx + 1..].trim());
                if !main.is_empty() && !rest.is_empty() {
                    return (main, Some(rest));
                }
            }
            _ => {}
        }
    }
    (title, None)
}

/// A title as printed, without the punctuation that ends the element:
/// `Title.` → `Title`, `the "digital revolution."` → `the "digital revolution"`.
pub(super) fn clean_title(title: &str) -> String {
    let mut title = title.trim().trim_end_matches([',', ';']).trim().to_string();
    if title.ends_with(".\"") || title.ends_with(".”") {
        let quote = title.pop().unwrap_or('"');
        title.pop();
        title.push(quote);
    } else if title.ends_with('.') && !ends_with_abbreviation(&title) {
        title.pop();
    }
    title.trim().to_string()
}

fn ends_with_abbreviation(text: &str) -> bool {
    let last = text.split_whitespace().last().unwrap_or_default();
    let letters = last.trim_end_matches('.');
    // `U.S.`, `Rev.`, `No.` stay; a plain word's period goes.
    letters.contains('.')
        || matches!(
            letters,
            "Rev" | "J" | "Co" | "Inc" | "Ltd" | "Vol" | "No" | "al" | "eds" | "ed"
        )
}

fn clean_container(container: &str) -> String {
    let container = container.trim();
    let container = container
        .strip_prefix("In ")
        .or_else(|| container.strip_prefix("in "))
        .or_else(|| container.strip_prefix("In: "))
        .unwrap_or(container);
    trim_punct(container)
}

/// Trims white space and the separators around an element.
pub(super) fn trim_punct(text: &str) -> String {
    let text = text.trim().trim_matches([',', ';', ':']).trim();
    let text = if text.ends_with('.') && !ends_with_abbreviation(text) {
        &text[..text.len() - 1]
    } else {
        text
    };
    text.trim().to_string()
}

fn strip_locator(text: &str) -> String {
    let lower = text.to_lowercase();
    for prefix in
        ["pages", "pp.", "pp", "p.", "vol.", "vol", "no.", "no", "issue", "nr.", "n."]
    {
        if lower.starts_with(prefix) && text.is_char_boundary(prefix.len()) {
            let rest = &text[prefix.len()..];
            if rest.starts_with([' ', '.', '\u{a0}']) || prefix.ends_with('.') {
                return trim_punct(rest);
            }
        }
    }
    trim_punct(text)
}

fn strip_editor_words(text: &str) -> String {
    let mut out = text.to_string();
    for word in [
        "(Eds.)",
        "(Ed.)",
        "(eds.)",
        "(ed.)",
        "Eds.",
        "Ed.",
        "eds.",
        "ed.",
        "edited by",
        "Edited by",
        "(eds)",
        "(ed)",
    ] {
        out = out.replace(word, " ");
    }
    trim_punct(&out)
}

static VOLUME_ISSUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:vol(?:ume)?\.?\s*)?([0-9IVXLC]+[A-Za-z]?)(?:\s*[,.]?\s*(?:\(([^)]+)\)|(?:no|nr|issue|n)\.?\s*([0-9A-Za-z/-]+)))?")
        .expect("valid regex")
});

/// `20 (1)` → (`20`, `1`); `vol. 3, no. 2` → (`3`, `2`).
fn split_volume(text: &str) -> (Option<String>, Option<String>) {
    let text = text.trim();
    match VOLUME_ISSUE.captures(text) {
        Some(caps) => {
            let volume = caps.get(1).map(|m| m.as_str().to_string());
            let number =
                caps.get(2).or(caps.get(3)).map(|m| m.as_str().trim().to_string());
            (volume, number)
        }
        None => (Some(trim_punct(text)), None),
    }
}

/// Page ranges with `--`.
pub(super) fn normalise_pages(pages: &str) -> String {
    crate::bib::normalise_range(pages.trim())
}

static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(1[5-9]\d\d|20\d\d)([a-z])?\b").expect("valid regex")
});

/// The first plausible year and its suffix letter.
pub(super) fn find_year(text: &str) -> Option<(i32, Option<String>)> {
    let caps = YEAR.captures(text)?;
    let year = caps[1].parse().ok()?;
    Some((year, caps.get(2).map(|m| m.as_str().to_string())))
}

pub(super) fn thesis_kind(lower: &str) -> String {
    if lower.contains("master")
        || lower.contains("m.a.")
        || lower.contains("msc")
        || lower.contains("m.s.")
    {
        "mathesis".into()
    } else {
        "phdthesis".into()
    }
}

static INITIALS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Z\p{Lu}][a-z]?\.?(?:\s*-\s*|\s+)?)+$").expect("valid regex")
});
static FAMILY_THEN_INITIALS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.+?)\s+((?:[A-Z\p{Lu}]\.?\s?-?){1,4})$").expect("valid regex")
});

/// Whether a token is only initials (`J.`, `J. C.`, `P.-N.`, `JC`).
pub(super) fn is_initials(token: &str) -> bool {
    let token = token.trim();
    !token.is_empty() && token.chars().count() <= 12 && INITIALS.is_match(token) && {
        let letters: Vec<char> = token.chars().filter(|c| c.is_alphabetic()).collect();
        letters.iter().filter(|c| c.is_uppercase()).count() * 2 >= letters.len()
            && (token.contains('.')
                || letters.len() <= 3 && letters.iter().all(|c| c.is_uppercase()))
    }
}

/// A person from `Family` and `Given` as printed; leading lower-case words of
/// the family name are its particle.
pub(super) fn person(family: &str, given: &str) -> Name {
    let family = family.trim().trim_end_matches(',');
    let words: Vec<&str> = family.split_whitespace().collect();
    let n_particle = words
        .iter()
        .take(words.len().saturating_sub(1))
        .take_while(|w| w.chars().next().is_some_and(char::is_lowercase))
        .count();
    Name::Person {
        family: tex::escape(&words[n_particle..].join(" ")),
        given: tex::escape(given.trim()),
        prefix: tex::escape(&words[..n_particle].join(" ")),
        suffix: String::new(),
    }
}

/// Names in any common form: `Smith, J., & Doe, A.` (inverted), `Woolley,
/// John T., and Jane Doe` (Chicago: only the first inverted), `J. Smith,
/// A. Doe and B. Roe` (given first), `Smith J, Doe AB` (Vancouver).
pub(super) fn parse_names_general(text: &str) -> Vec<Name> {
    let mut text = text.trim().trim_end_matches([',', ';', ':']).trim();
    if text.ends_with('.') && !text.split_whitespace().last().is_some_and(is_initials) {
        text = text[..text.len() - 1].trim();
    }
    let normalised = text
        .replace(" & ", ", ")
        .replace(",&", ",")
        .replace(" and ", ", ")
        .replace(" AND ", ", ")
        .replace(';', ",");
    let tokens: Vec<&str> = normalised
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty() && *t != "&" && *t != "and")
        .collect();
    let mut names = Vec::new();
    let mut idx = 0;
    while idx < tokens.len() {
        let token = tokens[idx];
        let lower = token.to_lowercase();
        if lower.starts_with("et al") || lower == "others" {
            names.push(Name::Others);
            idx += 1;
            continue;
        }
        // Inverted: `Smith, J.`, `Smith, John T.`: a family name alone, then given names.
        if let Some(next) = tokens.get(idx + 1).filter(|next| is_given_names(next))
            && is_family_name(token)
        {
            names.push(person(token, next));
            idx += 2;
            continue;
        }
        names.push(single_name(token));
        idx += 1;
    }
    // Vancouver initials have no periods: the one after the last name ends the element.
    let periods =
        |name: &Name| matches!(name, Name::Person { given, .. } if given.contains('.'));
    let others_without =
        names.len() > 1 && names[..names.len() - 1].iter().all(|n| !periods(n));
    if let Some(Name::Person { given, .. }) = names.last_mut() {
        let letters = given.trim_end_matches('.');
        let compact_initials =
            letters.len() >= 2 && letters.chars().all(|c| c.is_ascii_uppercase());
        if given.ends_with('.')
            && !letters.contains('.')
            && (others_without || compact_initials)
        {
            given.pop();
        }
    }
    names
}

/// A name without commas: `Smith J` (family, initials), `J. Smith` or
/// `John van der Berg` (given first), or one word (kept whole).
fn single_name(token: &str) -> Name {
    if let Some(caps) = FAMILY_THEN_INITIALS.captures(token) {
        let family = caps.get(1).map_or("", |m| m.as_str());
        if !is_initials(family) && family.split_whitespace().count() <= 3 {
            return person(family, caps.get(2).map_or("", |m| m.as_str()));
        }
    }
    let words: Vec<&str> = token.split_whitespace().collect();
    if words.len() < 2 {
        return Name::Literal(tex::escape(token));
    }
    let mut family_start = words.len() - 1;
    while family_start > 1
        && words[family_start - 1].chars().next().is_some_and(char::is_lowercase)
    {
        family_start -= 1;
    }
    person(&words[family_start..].join(" "), &words[..family_start].join(" "))
}

/// One to three words, none of them initials, the last capitalised: a family
/// name with its particle (`Smith`, `van der Berg`).
fn is_family_name(token: &str) -> bool {
    let words: Vec<&str> = token.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 3
        && !words.iter().any(|w| is_initials(w))
        && words.last().is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// Initials, or one to three capitalised given names that are not a full
/// given-first name (`J. C.`, `John T.`, `Anne`, but not `A. Doe`).
fn is_given_names(token: &str) -> bool {
    if is_initials(token) {
        return true;
    }
    let words: Vec<&str> = token.split_whitespace().collect();
    let capitalised = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && !w.chars().any(|c| c.is_ascii_digit())
    };
    let n_initials = words.iter().filter(|w| is_initials(w)).count();
    !words.is_empty()
        && words.len() <= 3
        && words.iter().all(capitalised)
        && (n_initials == 0 || words.last().is_some_and(|w| is_initials(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_takes_out_urls_italics_and_escapes() {
        let prepared = prepare(
            r"Liu, D. (2015). Title [Tr]. *Xinhua Net*. Retrieved from [http://a.b/c\_1.html](http://a.b/c_1.html)",
        );
        assert_eq!(prepared.text, "Liu, D. (2015). Title [Tr]. Xinhua Net.");
        assert_eq!(prepared.urls, ["http://a.b/c_1.html"]);
        let (start, end) = prepared.italics[0];
        assert_eq!(&prepared.text[start..end], "Xinhua Net");
        let prepared = prepare(
            "Chen, L. (2015). More than \\$45 billion. *Forbes*. Retrieved from <http://x.org/a>",
        );
        assert_eq!(prepared.text, "Chen, L. (2015). More than $45 billion. Forbes.");
        assert_eq!(prepared.urls, ["http://x.org/a"]);
        let prepared =
            prepare("Doe, J. (2019). T. J, 1(2), 3-4. https://doi.org/10.1000/xyz.");
        assert_eq!(prepared.doi.as_deref(), Some("10.1000/xyz"));
        assert!(prepared.urls.is_empty());
    }

    #[test]
    fn names_in_common_forms() {
        let family = |names: &[Name]| {
            names.iter().map(|n| n.sort_name().to_string()).collect::<Vec<_>>()
        };
        assert_eq!(
            family(&parse_names_general("Smith, J., & Doe, A. B.")),
            ["Smith", "Doe"]
        );
        assert_eq!(
            family(&parse_names_general("J. Smith, A. Doe and B. Roe")),
            ["Smith", "Doe", "Roe"]
        );
        assert_eq!(family(&parse_names_general("Smith J, Doe AB")), ["Smith", "Doe"]);
        assert_eq!(
            family(&parse_names_general("F. Jahanian and Al Mok")),
            ["Jahanian", "Mok"]
        );
        assert_eq!(
            parse_names_general("Xu, X., Li, Y., & Liang S.")[2],
            Name::person("Liang", "S.")
        );
        assert_eq!(
            parse_names_general("Vaswani A, Shazeer N, Parmar N.")[2],
            Name::person("Parmar", "N")
        );
        assert_eq!(parse_names_general("Murphy CR."), [Name::person("Murphy", "CR")]);
        assert_eq!(
            parse_names_general("Eagle, Alan R."),
            [Name::person("Eagle", "Alan R.")]
        );
        assert_eq!(
            parse_names_general("Woolley, John T., and Jane Doe"),
            [Name::person("Woolley", "John T."), Name::person("Doe", "Jane")]
        );
        assert!(!is_proceedings("Adv Neural Inf Process Syst"));
        assert!(is_proceedings("Proc. of the ACM Conference"));
    }

    #[test]
    fn titles_lose_the_closing_period_only() {
        assert_eq!(clean_title("A title."), "A title");
        assert_eq!(
            clean_title("the \"digital revolution.\""),
            "the \"digital revolution\""
        );
        assert_eq!(clean_title("Policy in the U.S."), "Policy in the U.S.");
        assert_eq!(
            split_subtitle("Networking China: The digital"),
            ("Networking China", Some("The digital"))
        );
        assert_eq!(split_subtitle("No split"), ("No split", None));
    }

    #[test]
    fn garbage_is_kept_as_misc_with_the_text() {
        for text in ["", "word", "\u{0}\u{1}\u{fffd}", &"x".repeat(10_000)] {
            let parsed = parse_reference(text);
            assert_eq!(parsed.entry.entry_type, "misc", "{text:.20}");
        }
    }
}
