//! Checks of the files other tools write: CSL-JSON (pandoc, Zotero),
//! EndNote XML and the reference lists of JATS articles.
//!
//! Each file is read by its own reader, as `biblink import` reads it; the
//! reader's diagnostics (`CSL…`, `EN…` with the `RIS…` warnings of EndNote
//! values, `JATS…`, and `LINK001` for a JATS xref naming no reference) are
//! findings at their line and column. The entries it makes are then checked
//! like a RIS file's: the data model, identifier, value and style rules on
//! each mapped entry, duplicates and cross-references over the file.
//!
//! Positions: the readers keep the line of each item (the CSL object's `{`,
//! the `<record>`, the `<ref>`) and of the value each field came from (the
//! CSL variable, the EndNote element, the JATS element), but no column: entry
//! and field findings point at the first character of that line that is not
//! white space (the `{`, `<record>` or element itself in a file with one of
//! them per line, as EndNote, pandoc and Zotero write them).
//!
//! Keys: a CSL item's `id` is its key. EndNote records and JATS references
//! have none, so each gets the key `biblink import` would give it in an
//! empty store (the key pattern, with `a`, `b`, ... on collisions): findings
//! name the entry, and `ignore = ["RULE:key"]` reaches it.

use std::collections::HashSet;

use super::{Checked, Finding, Options, Places, check_entries, sort};
use crate::bib::key::{DEFAULT_PATTERN, base_key, unique_key};
use crate::diag::{Parsed, Position};
use crate::model::Entry;

/// Checks a CSL-JSON file: its reader's findings (`CSL001`-`CSL007`), then
/// every item as the BibLaTeX entry it becomes.
pub fn check_csl(text: &str, file: &str, options: &Options) -> Checked {
    let parsed = crate::csl::from_csl_json(text, file);
    // CSL ids are compared exactly (by pandoc and citeproc): keys that differ
    // only in case are two keys here, not biber's one.
    let options = Options { case_sensitive_keys: true, ..options.clone() };
    check_imported(parsed, text, file, &options)
}

/// Checks an EndNote XML file: its reader's findings (`EN001`-`EN008`, the
/// RIS warnings about values), then every record as its entry.
pub fn check_endnote(text: &str, file: &str, options: &Options) -> Checked {
    let parsed = crate::endnote::parse(text, file);
    // Keys are generated: KEY001 says nothing about them.
    let options = Options { key_pattern: None, ..options.clone() };
    check_imported(parsed, text, file, &options)
}

/// Checks the reference list of a JATS article: its reader's findings
/// (`JATS001`-`JATS006`, `LINK001`), then every `<ref>` as its entry.
pub fn check_jats(text: &str, file: &str, options: &Options) -> Checked {
    let parsed = crate::jats::read_entries(text, file);
    let options = Options { key_pattern: None, ..options.clone() };
    // A `<ref>` without a citation (JATS005) is kept as an empty @misc: that
    // it lacks a title and a date is the same finding again.
    let empty_refs: Vec<u32> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.code == "JATS005")
        .map(|d| d.line)
        .collect();
    let mut checked = check_imported(parsed, text, file, &options);
    checked.findings.retain(|f| !(f.rule == "MODEL001" && empty_refs.contains(&f.line)));
    checked
}

fn check_imported(
    parsed: Parsed<Vec<Entry>>,
    text: &str,
    file: &str,
    options: &Options,
) -> Checked {
    let mut entries = parsed.value;
    give_keys(&mut entries, options.new_key_pattern.as_deref());
    let mut findings: Vec<Finding> =
        parsed.diagnostics.into_iter().map(Finding::from_diagnostic).collect();
    // A reader reports the end of a file that ends with a line break (a
    // truncated file: serde_json, the EndNote reader) on the empty line
    // after it: shown at the end of the last line instead.
    let n_lines = text.lines().count() as u32;
    for finding in findings.iter_mut().filter(|f| f.line > n_lines && n_lines > 0) {
        let last = text.lines().last().unwrap_or("");
        finding.line = n_lines;
        finding.column = last.chars().count() as u32 + 1;
    }
    let places = LinePlaces { lines: text.split('\n').collect() };
    findings.extend(check_entries(&entries, &places, file, options));
    sort(&mut findings);
    Checked { findings, entries }
}

/// Places from the lines the readers record (see the module doc).
struct LinePlaces<'a> {
    lines: Vec<&'a str>,
}

impl LinePlaces<'_> {
    /// The line, at its first character that is not white space.
    fn at(&self, line: u32) -> Position {
        let Some(text) = line.checked_sub(1).and_then(|idx| self.lines.get(idx as usize))
        else {
            return Position::line(line);
        };
        let blank = text.chars().take_while(|c| c.is_whitespace() || *c == '\u{feff}');
        Position { line, column: blank.count() as u32 + 1 }
    }
}

impl Places for LinePlaces<'_> {
    fn entry(&self, _idx: usize, entry: &Entry) -> Position {
        entry.sources.first().map_or(Position::default(), |s| self.at(s.line_start))
    }

    fn field(&self, idx: usize, entry: &Entry, name: &str) -> Position {
        match entry.fields.get(name).and_then(|field| field.origin) {
            Some(origin) => self.at(origin.line_start),
            None => self.entry(idx, entry),
        }
    }

    fn raw(&self, _idx: usize, _name: &str) -> Option<&str> {
        None
    }
}

/// Gives every entry without a key the one an import into an empty store
/// would: the pattern's (the default pattern when `None`), made unique
/// within the file.
pub(super) fn give_keys(entries: &mut [Entry], pattern: Option<&str>) {
    let pattern = pattern.unwrap_or(DEFAULT_PATTERN);
    if entries.iter().all(|e| !e.key.is_empty()) {
        return;
    }
    let mut taken: HashSet<String> = entries.iter().map(|e| e.key.clone()).collect();
    for entry in entries.iter_mut().filter(|e| e.key.is_empty()) {
        let key = unique_key(&base_key(entry, pattern), |k| taken.contains(k));
        taken.insert(key.clone());
        entry.key = key;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_given_as_an_import_would() {
        let xml = "<xml><records>\n<record><ref-type>17</ref-type><contributors><authors><author>Ostrom, Elinor</author></authors></contributors><titles><title>Governing the commons</title></titles><dates><year>1990</year></dates></record>\n<record><ref-type>17</ref-type><contributors><authors><author>Ostrom, Elinor</author></authors></contributors><titles><title>Governing the commons</title></titles><dates><year>1990</year></dates></record>\n</records></xml>";
        let checked = check_endnote(xml, "x.xml", &Options::default());
        let keys: Vec<&str> = checked.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["ostrom1990governing", "ostrom1990governinga"]);
        let found: Vec<(&str, u32, Option<&str>)> =
            checked.findings.iter().map(|f| (f.rule, f.line, f.key.as_deref())).collect();
        assert!(
            found.contains(&("DUP002", 3, Some("ostrom1990governinga"))),
            "{found:?}"
        );
        assert!(checked.findings.iter().all(|f| f.rule != "KEY001"));
    }

    #[test]
    fn ris_records_are_named_by_the_keys_an_import_would_give() {
        let record = "TY  - BOOK\nAU  - Ostrom, Elinor\nTI  - Governing the commons\nPY  - 1990\nER  - \n";
        let ris = format!("{record}\n{record}");
        let options =
            Options { key_pattern: Some("[a-z]+".into()), ..Options::default() };
        let checked = super::super::check_ris(&ris, "x.ris", &options);
        let found: Vec<(&str, u32, Option<&str>)> =
            checked.findings.iter().map(|f| (f.rule, f.line, f.key.as_deref())).collect();
        assert!(
            found.contains(&("DUP002", 7, Some("ostrom1990governinga"))),
            "{found:?}"
        );
        assert!(checked.findings.iter().all(|f| f.rule != "KEY001"), "{found:?}");
    }
}
