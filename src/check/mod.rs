//! `biblink check`: findings about bibliographies, papers and the store,
//! each under a stable rule of [`rules::RULES`].
//!
//! What is checked where:
//! - [`check_bib`] and [`check_ris`]: one file, through its reader (syntax
//!   findings), then every entry against the BibLaTeX data model and the
//!   value rules (`entry`), then the file as a whole (duplicate works,
//!   broken cross-references, inconsistent case protection: `file`).
//! - [`check_csl`], [`check_endnote`] and [`check_jats`]: a CSL-JSON file,
//!   EndNote XML, a JATS article's reference list, through their readers,
//!   then the same entry and file rules on the entries they make.
//! - [`papers`]: a paper's callouts against its reference list and the store.
//! - [`sync`]: the store against what its recorded sources would build.
//!
//! Findings are positioned like every diagnostic (1-based line, character
//! column); [`Settings`] then applies `biblink.toml`'s severities and ignores.

pub mod datamodel;
mod entry;
mod file;
mod interop;
pub mod papers;
pub mod rules;
pub mod sync;

use std::collections::HashMap;

use crate::bib::EntrySpan;
use crate::diag::{Diagnostic, LineIndex, Position, Severity};
use crate::model::{Entry, Name};

pub use interop::{check_csl, check_endnote, check_jats};
pub use rules::{RULES, Rule};

/// One finding of `biblink check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's id (`MODEL001`); readers' codes for their own findings.
    pub rule: &'static str,
    /// Severity after configuration.
    pub severity: Severity,
    /// The file, as named on the command line.
    pub file: String,
    /// 1-based line; 0 when the finding is about the whole file.
    pub line: u32,
    /// 1-based character column; 0 when unknown.
    pub column: u32,
    /// What is wrong, quoting the value.
    pub message: String,
    /// The entry the finding is about, when it is about one.
    pub key: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Finding {
    /// A finding of `rule` at its default severity.
    pub fn new(
        rule: &'static str,
        file: &str,
        position: Position,
        message: impl Into<String>,
    ) -> Finding {
        let severity = rules::find(rule).map_or(Severity::Warning, |r| r.severity);
        Finding {
            rule,
            severity,
            file: file.to_string(),
            line: position.line,
            column: position.column,
            message: message.into(),
            key: None,
            help: None,
        }
    }

    /// The same finding about the entry `key`.
    pub fn with_key(mut self, key: &str) -> Finding {
        if !key.is_empty() {
            self.key = Some(key.to_string());
        }
        self
    }

    /// The same finding with advice.
    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// A reader's diagnostic as a finding (its code is its rule).
    pub fn from_diagnostic(diagnostic: Diagnostic) -> Finding {
        // A registered rule has its registered severity (the linker warns
        // about unresolved callouts; a check calls them errors).
        let severity = rules::find(diagnostic.code)
            .map_or(diagnostic.severity, |rule| rule.severity);
        Finding {
            rule: diagnostic.code,
            severity,
            file: diagnostic.file,
            line: diagnostic.line,
            column: diagnostic.column,
            message: diagnostic.message,
            key: None,
            help: diagnostic.help,
        }
    }

    /// The rule's name (`missing-required-field`), when it is a registered rule.
    pub fn name(&self) -> Option<&'static str> {
        rules::find(self.rule).map(|rule| rule.name)
    }
}

/// What a check of one file found.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// Every finding, in file order.
    pub findings: Vec<Finding>,
    /// The entries read, in file order.
    pub entries: Vec<Entry>,
}

/// What checks of bibliographies need beyond the file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The key pattern keys are checked against (`KEY001`), when one applies.
    pub key_pattern: Option<String>,
    /// The key pattern that names entries read without a key (EndNote
    /// records, JATS references), as `biblink import` would; the default
    /// pattern when `None`.
    pub new_key_pattern: Option<String>,
    /// Keys that differ only in case are different keys (CSL ids), not one
    /// key as biber sees them (`BIB003`).
    pub case_sensitive_keys: bool,
}

/// Checks a BibLaTeX file: syntax, every entry, the file as a whole.
pub fn check_bib(text: &str, file: &str, options: &Options) -> Checked {
    let (entries, diagnostics, spans) = parse_halves(text, file);
    let places = BibPlaces { lines: LineIndex::new(text), text, spans };
    let mut findings: Vec<Finding> = diagnostics
        .into_iter()
        .map(|d| {
            // A skipped duplicate is named in its message; others by their lines.
            let key = match d.message.strip_prefix("duplicate key '") {
                Some(rest) => rest.split('\'').next(),
                None => places.key_at_line(&entries, d.line),
            }
            .map(str::to_string);
            let finding = Finding::from_diagnostic(d);
            match key {
                Some(key) => finding.with_key(&key),
                None => finding,
            }
        })
        .collect();
    if entries.is_empty() && findings.is_empty() {
        findings.push(
            Finding::new(
                "BIB007",
                file,
                Position::default(),
                "no BibLaTeX entry in the file",
            )
            .with_help("a .bib file holds entries like '@article{key, title = {...}}'"),
        );
    }
    findings.extend(check_entries(&entries, &places, file, options));
    sort(&mut findings);
    Checked { findings, entries }
}

/// Files larger than this are read in two halves at once.
const PARALLEL_PARSE_BYTES: usize = 4 << 20;

/// The entries, reader diagnostics and spans of a `.bib` text. A large file
/// is read as two halves on two threads, split where an entry starts a line; the second half's lines and offsets are then moved after the
/// first's, and a key of the second half that the first already used is
/// reported and skipped, as the reader does within one text.
fn parse_halves(text: &str, file: &str) -> (Vec<Entry>, Vec<Diagnostic>, Vec<EntrySpan>) {
    let whole = || {
        let (parsed, spans) = crate::bib::parse_with_spans(text, file);
        (parsed.value.entries, parsed.diagnostics, spans)
    };
    let n_threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if text.len() < PARALLEL_PARSE_BYTES || n_threads < 2 {
        return whole();
    }
    let Some(split) = entry_line_after(text, text.len() / 2) else {
        return whole();
    };
    // `@string` macros: the second half is read knowing those the first
    // defines, as long as they are all defined before the first of its
    // entries that could use them (macros sit at the top of most files).
    let needles: [&[u8]; 3] = [b"@string", b"@String", b"@STRING"];
    if needles
        .iter()
        .any(|n| memchr::memmem::find(&text.as_bytes()[split..], n).is_some())
    {
        return whole();
    }
    let last_macro = needles
        .iter()
        .filter_map(|n| memchr::memmem::rfind(&text.as_bytes()[..split], n))
        .max();
    let strings = match last_macro {
        None => Default::default(),
        Some(at) => match entry_line_after(text, at) {
            Some(end) if end <= split => {
                crate::bib::parse(&text[..end], file).value.strings
            }
            _ => return whole(),
        },
    };
    let (first_text, second_text) = text.split_at(split);
    let ((first, first_spans), second) = std::thread::scope(|scope| {
        let second =
            scope.spawn(|| crate::bib::parse_continued(second_text, file, strings));
        let first = crate::bib::parse_with_spans(first_text, file);
        (first, second.join().ok())
    });
    // The reader does not panic; were it to, the whole text is read again here.
    let Some((second, second_spans)) = second else {
        return whole();
    };
    let line_offset = memchr::memchr_iter(b'\n', first_text.as_bytes()).count() as u32;
    let mut entries = first.value.entries;
    let mut diagnostics = first.diagnostics;
    let mut spans = first_spans;
    let first_keys: HashMap<String, u32> = entries
        .iter()
        .map(|e| (e.key.clone(), e.sources.first().map_or(0, |s| s.line_start)))
        .collect();
    let mut skipped = Vec::new();
    for (mut entry, mut span) in second.value.entries.into_iter().zip(second_spans) {
        for source in &mut entry.sources {
            source.line_start += line_offset;
            source.line_end += line_offset;
        }
        for field in entry.fields.values_mut() {
            if let Some(origin) = &mut field.origin {
                origin.line_start += line_offset;
                origin.line_end += line_offset;
            }
        }
        span.at += split;
        span.key = span.key.start + split..span.key.end + split;
        for field in &mut span.fields {
            field.name = field.name.start + split..field.name.end + split;
            field.value = field.value.start + split..field.value.end + split;
        }
        if let Some(first_line) = first_keys.get(&entry.key) {
            skipped.push((entry.key.clone(), *first_line, span.key.start));
            continue;
        }
        entries.push(entry);
        spans.push(span);
    }
    // Built only when a duplicate needs a position (one more pass over the text).
    let lines = (!skipped.is_empty()).then(|| LineIndex::new(text));
    for (key, first_line, at) in skipped {
        diagnostics.push(
            Diagnostic::new(
                "BIB003",
                Severity::Error,
                file,
                lines.as_ref().map_or(Position::default(), |l| l.position(at)),
                format!("duplicate key '{key}' (first used on line {first_line}); this entry is skipped"),
            )
            .with_help("give one of the entries another key"),
        );
    }
    diagnostics.extend(second.diagnostics.into_iter().map(|mut d| {
        if d.line > 0 {
            d.line += line_offset;
        }
        d
    }));
    (entries, diagnostics, spans)
}

/// The start of the first line at or after `from` that begins with
/// `@word{` or `@word(` (an entry, not inside one as far as a line can tell).
fn entry_line_after(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut idx = from;
    while let Some(newline) = memchr::memchr(b'\n', &bytes[idx..]) {
        let start = idx + newline + 1;
        let rest = &bytes[start..];
        let word = rest.iter().skip(1).take_while(|b| b.is_ascii_alphabetic()).count();
        if rest.first() == Some(&b'@')
            && word > 0
            && matches!(rest.get(1 + word), Some(b'{') | Some(b'('))
            // A `@comment` or `@preamble` may hold anything: not there.
            && !rest[1..1 + word].eq_ignore_ascii_case(b"comment")
        {
            return Some(start);
        }
        idx = start;
    }
    None
}

/// Checks a RIS file: the reader's findings, then every record as the
/// BibLaTeX entry it becomes.
pub fn check_ris(text: &str, file: &str, options: &Options) -> Checked {
    let parsed = crate::ris::parse(text, file);
    let mut entries = parsed.value;
    // RIS records have no keys: each gets the one an import would give it,
    // for findings to name; KEY001 does not apply to generated keys.
    interop::give_keys(&mut entries, options.new_key_pattern.as_deref());
    let options = Options { key_pattern: None, ..options.clone() };
    let places = RisPlaces { entries: &entries };
    let mut findings: Vec<Finding> =
        parsed.diagnostics.into_iter().map(Finding::from_diagnostic).collect();
    findings.extend(check_entries(&entries, &places, file, &options));
    sort(&mut findings);
    Checked { findings, entries }
}

/// Entry and file rules over entries read from `file`.
pub fn check_entries(
    entries: &[Entry],
    places: &(dyn Places + Sync),
    file: &str,
    options: &Options,
) -> Vec<Finding> {
    // The file rules on one thread while the entry rules take the others.
    let (mut findings, whole_file) = std::thread::scope(|scope| {
        let whole_file = scope.spawn(|| file::check(entries, places, file, options));
        let findings = entry::check_all(entries, places, file, options);
        (findings, whole_file.join().unwrap_or_default())
    });
    findings.extend(whole_file);
    findings
}

/// Puts findings in file order: line, column, rule.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule))
    });
}

/// Where the entries of a file and their fields are.
pub trait Places {
    /// The entry's `@type{key,` (or its RIS `TY` line).
    fn entry(&self, idx: usize, entry: &Entry) -> Position;
    /// The field's name (or its RIS tag line); the entry's place when unknown.
    fn field(&self, idx: usize, entry: &Entry, name: &str) -> Position;
    /// The field's value as written in the source, without its outer
    /// delimiters, when the source is BibLaTeX.
    fn raw(&self, idx: usize, name: &str) -> Option<&str>;
}

/// Places in a `.bib` file, from the reader's spans.
struct BibPlaces<'a> {
    text: &'a str,
    lines: LineIndex<'a>,
    spans: Vec<EntrySpan>,
}

impl BibPlaces<'_> {
    /// The key of the entry whose lines hold `line`.
    fn key_at_line<'e>(&self, entries: &'e [Entry], line: u32) -> Option<&'e str> {
        let idx = entries.partition_point(|e| {
            e.sources.first().is_some_and(|source| source.line_end < line)
        });
        let entry = entries.get(idx)?;
        let source = entry.sources.first()?;
        (source.line_start <= line).then_some(entry.key.as_str())
    }

    fn field_span(&self, idx: usize, name: &str) -> Option<&crate::bib::FieldSpan> {
        self.spans
            .get(idx)?
            .fields
            .iter()
            .find(|span| self.text[span.name.clone()].eq_ignore_ascii_case(name))
    }
}

impl Places for BibPlaces<'_> {
    fn entry(&self, idx: usize, _entry: &Entry) -> Position {
        self.spans
            .get(idx)
            .map_or(Position::default(), |span| self.lines.position(span.at))
    }

    fn field(&self, idx: usize, entry: &Entry, name: &str) -> Position {
        match self.field_span(idx, name) {
            Some(span) => self.lines.position(span.name.start),
            None => self.entry(idx, entry),
        }
    }

    fn raw(&self, idx: usize, name: &str) -> Option<&str> {
        let span = self.field_span(idx, name)?;
        Some(strip_delimiters(self.text[span.value.clone()].trim_end()))
    }
}

/// Places in a RIS file, from the lines the reader recorded.
struct RisPlaces<'a> {
    entries: &'a [Entry],
}

impl Places for RisPlaces<'_> {
    fn entry(&self, idx: usize, entry: &Entry) -> Position {
        let entry = self.entries.get(idx).unwrap_or(entry);
        entry
            .sources
            .first()
            .map_or(Position::default(), |s| Position::line(s.line_start))
    }

    fn field(&self, idx: usize, entry: &Entry, name: &str) -> Position {
        match entry.fields.get(name).and_then(|field| field.origin) {
            Some(origin) => Position::line(origin.line_start),
            None => self.entry(idx, entry),
        }
    }

    fn raw(&self, _idx: usize, _name: &str) -> Option<&str> {
        None
    }
}

/// A value without its outer `{...}` or `"..."` when they enclose all of it.
fn strip_delimiters(raw: &str) -> &str {
    let bytes = raw.as_bytes();
    let (open, close) = match bytes.first() {
        Some(b'{') => (b'{', b'}'),
        Some(b'"') => (b'"', b'"'),
        _ => return raw,
    };
    if bytes.len() < 2 || bytes[bytes.len() - 1] != close {
        return raw;
    }
    // The first delimiter must close at the very end (not `{a} # {b}`).
    let mut depth = 0i32;
    for (idx, &b) in bytes.iter().enumerate() {
        if open == b'{' {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 && idx != bytes.len() - 1 {
                        return raw;
                    }
                }
                _ => {}
            }
        } else if b == b'"' && idx != 0 && idx != bytes.len() - 1 && depth == 0 {
            return raw;
        } else if b == b'{' {
            depth += 1;
        } else if b == b'}' {
            depth -= 1;
        }
    }
    &raw[1..raw.len() - 1]
}

/// A name list as text (for value rules that read words).
fn names_text(names: &[Name]) -> String {
    let mut out = String::new();
    for name in names {
        if !out.is_empty() {
            out.push_str(" and ");
        }
        match name {
            Name::Person { family, given, prefix, suffix } => {
                for part in [prefix, family, suffix, given] {
                    if !part.is_empty() {
                        out.push_str(part);
                        out.push(' ');
                    }
                }
            }
            Name::Literal(literal) => out.push_str(literal),
            Name::Others => out.push_str("others"),
        }
    }
    out
}

/// `biblink.toml`'s `[check]` table applied: severities changed or turned
/// off, findings ignored by rule or by rule and key.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Rule id → severity; `None` turns the rule off.
    severities: HashMap<&'static str, Option<Severity>>,
    /// Rules ignored everywhere.
    ignored: Vec<&'static str>,
    /// (rule, key) pairs ignored.
    ignored_for_key: Vec<(&'static str, String)>,
}

impl Settings {
    /// Settings from the configuration's `[check]` table; an unknown rule
    /// or severity is an error naming it.
    pub fn new(config: &crate::config::CheckConfig) -> Result<Settings, String> {
        let rule = |name: &str| -> Result<&'static str, String> {
            rules::find(name).map(|r| r.id).ok_or_else(|| {
                format!(
                    "[check]: unknown rule '{name}' (see `biblink check --list-rules`)"
                )
            })
        };
        let mut settings = Settings::default();
        for (name, level) in &config.severity {
            let level = match level.as_str() {
                "off" | "ignore" => None,
                other => Some(parse_severity(other).ok_or_else(|| {
                    format!("[check.severity]: '{other}' for '{name}' is not error, warning, info or off")
                })?),
            };
            settings.severities.insert(rule(name)?, level);
        }
        for item in &config.ignore {
            match item.split_once(':') {
                Some((name, key)) => settings
                    .ignored_for_key
                    .push((rule(name.trim())?, key.trim().to_string())),
                None => settings.ignored.push(rule(item.trim())?),
            }
        }
        Ok(settings)
    }

    /// Applies the settings: drops ignored findings, sets severities.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        findings.retain_mut(|finding| {
            if self.ignored.contains(&finding.rule) {
                return false;
            }
            if let Some(key) = &finding.key
                && self
                    .ignored_for_key
                    .iter()
                    .any(|(rule, k)| *rule == finding.rule && k == key)
            {
                return false;
            }
            match self.severities.get(finding.rule) {
                Some(None) => false,
                Some(Some(severity)) => {
                    finding.severity = *severity;
                    true
                }
                None => true,
            }
        });
    }
}

/// `error`, `warning` or `info` (also `note`).
pub fn parse_severity(text: &str) -> Option<Severity> {
    match text.to_ascii_lowercase().as_str() {
        "error" => Some(Severity::Error),
        "warning" | "warn" => Some(Severity::Warning),
        "info" | "note" => Some(Severity::Info),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_halves_read_as_the_whole() {
        // Over PARALLEL_PARSE_BYTES: a key used in both halves, a broken
        // entry and a stray brace in the second half.
        let mut text = String::new();
        let mut n = 0;
        while text.len() < PARALLEL_PARSE_BYTES + 100_000 {
            let key = if n == 30_000 { "k10".to_string() } else { format!("k{n}") };
            text.push_str(&format!(
                "@article{{{key},\n  author = {{Doe, J}},\n  title = {{Title {n} of {{DNA}}}},\n  date = {{2020}},\n}}\n\n"
            ));
            if n == 31_000 {
                text.push_str("@article{broken,\n  title = {Never closed,\n\n}}\n");
            }
            n += 1;
        }
        assert!(text.len() / 2 < text.find("@article{k29999,").unwrap_or(0));
        let (entries, diagnostics, spans) = parse_halves(&text, "big.bib");
        let (whole, whole_spans) = crate::bib::parse_with_spans(&text, "big.bib");
        let keys = |entries: &[Entry]| -> Vec<(String, u32)> {
            entries.iter().map(|e| (e.key.clone(), e.sources[0].line_start)).collect()
        };
        assert_eq!(keys(&entries), keys(&whole.value.entries));
        assert_eq!(entries, whole.value.entries);
        assert_eq!(spans, whole_spans);
        let codes = |diagnostics: &[Diagnostic]| {
            let mut codes: Vec<(&str, u32, u32)> =
                diagnostics.iter().map(|d| (d.code, d.line, d.column)).collect();
            codes.sort_unstable();
            codes
        };
        assert_eq!(codes(&diagnostics), codes(&whole.diagnostics));
        assert!(codes(&diagnostics).iter().any(|c| c.0 == "BIB003"));
    }

    #[test]
    fn strips_only_enclosing_delimiters() {
        assert_eq!(strip_delimiters("{A and B}"), "A and B");
        assert_eq!(strip_delimiters("\"A {and} B\""), "A {and} B");
        assert_eq!(strip_delimiters("{A} # {B}"), "{A} # {B}");
        assert_eq!(strip_delimiters("2020"), "2020");
        assert_eq!(strip_delimiters("{}"), "");
    }
}
