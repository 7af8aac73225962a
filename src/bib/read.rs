//! A BibLaTeX reader that keeps going: one bad entry is reported with its line
//! and column and skipped, the rest of the file is read.
//!
//! Why our own and not `biblatex::Bibliography::parse`: the crate fails the
//! whole file on the first bad entry or duplicate key and does not keep field
//! order or line numbers. It stays in the test suite as an independent oracle.

use std::ops::Range;

use indexmap::IndexMap;

use super::names::parse_names;
use crate::diag::{Diagnostic, LineIndex, Parsed, Severity};
use crate::model::{
    Entry, Field, FieldKind, MONTH_NAMES, Origin, Source, Value, field_kind,
};
use crate::tex;

/// Everything a `.bib` file holds besides its entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BibFile {
    /// Entries in file order.
    pub entries: Vec<Entry>,
    /// `@string` macros, in definition order.
    pub strings: IndexMap<String, String>,
    /// `@preamble` contents.
    pub preambles: Vec<String>,
    /// `@comment` contents and `%` comment lines outside entries.
    pub comments: Vec<String>,
}

/// Where an entry and its fields are in the text (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySpan {
    /// The entry's `@`.
    pub at: usize,
    /// The citation key.
    pub key: Range<usize>,
    /// Every field in file order, a repeated one each time.
    pub fields: Vec<FieldSpan>,
}

/// Where one field is: its name and its value as written (delimiters included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpan {
    /// The field's name as written (any case).
    pub name: Range<usize>,
    /// The value from its first delimiter to its last (`{A} # b`).
    pub value: Range<usize>,
}

/// Parses BibLaTeX text read from `file`.
pub fn parse(text: &str, file: &str) -> Parsed<BibFile> {
    parse_inner(text, file, false, IndexMap::new()).0
}

/// Parses like [`parse`] and also returns where each entry of
/// [`BibFile::entries`] and its fields are (one [`EntrySpan`] per entry).
pub fn parse_with_spans(text: &str, file: &str) -> (Parsed<BibFile>, Vec<EntrySpan>) {
    parse_inner(text, file, true, IndexMap::new())
}

/// [`parse_with_spans`] of a text that continues another: `strings` are the
/// `@string` macros the text before it defined.
pub fn parse_continued(
    text: &str,
    file: &str,
    strings: IndexMap<String, String>,
) -> (Parsed<BibFile>, Vec<EntrySpan>) {
    parse_inner(text, file, true, strings)
}

fn parse_inner(
    text: &str,
    file: &str,
    with_spans: bool,
    strings: IndexMap<String, String>,
) -> (Parsed<BibFile>, Vec<EntrySpan>) {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        file,
        lines: LineIndex::new(text),
        out: BibFile { strings, ..BibFile::default() },
        diagnostics: Vec::new(),
        keys: std::collections::HashMap::new(),
        previous_n_fields: 0,
        spans: with_spans.then(Vec::new),
    };
    reader.run();
    let spans = reader.spans.take().unwrap_or_default();
    (Parsed { value: reader.out, diagnostics: reader.diagnostics }, spans)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    file: &'a str,
    lines: LineIndex<'a>,
    out: BibFile,
    diagnostics: Vec<Diagnostic>,
    keys: std::collections::HashMap<String, u32>,
    /// Fields of the entry read last.
    previous_n_fields: usize,
    /// Where the entries are, when asked for.
    spans: Option<Vec<EntrySpan>>,
}

struct Failure {
    /// `BIB006` for unbalanced braces, `BIB001` for any other syntax error.
    code: &'static str,
    offset: usize,
    message: String,
    help: &'static str,
}

type Step<T> = Result<T, Failure>;

/// BibTeX's month macros, January first.
pub(crate) const MONTHS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

impl<'a> Reader<'a> {
    fn run(&mut self) {
        while let Some(at) = self.next_at() {
            self.pos = at;
            let result = self.item();
            if result.is_ok() {
                self.stray_closing_brace();
            }
            if let Err(failure) = result {
                let position = self.lines.position(failure.offset);
                self.diagnostics.push(
                    Diagnostic::new(
                        failure.code,
                        Severity::Error,
                        self.file,
                        position,
                        failure.message,
                    )
                    .with_help(failure.help),
                );
                // Recover at the next line that starts an entry.
                self.pos = self.next_line_start_at(at + 1);
            }
        }
    }

    /// Reports a `}` between the item just read and the next `@` that closes
    /// nothing there (`}}` after an entry): a brace too many, which BibTeX
    /// skips as junk and biber warns about.
    fn stray_closing_brace(&mut self) {
        let end = memchr::memchr(b'@', &self.bytes[self.pos..])
            .map_or(self.bytes.len(), |found| self.pos + found);
        let mut depth = 0usize;
        let mut in_comment = false;
        for idx in self.pos..end {
            match self.bytes[idx] {
                b'\n' => in_comment = false,
                b'%' => in_comment = true,
                _ if in_comment => {}
                b'{' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                b'}' => {
                    let position = self.lines.position(idx);
                    self.diagnostics.push(
                        Diagnostic::new(
                            "BIB006",
                            Severity::Error,
                            self.file,
                            position,
                            "unbalanced braces: this '}' after the entry closes nothing",
                        )
                        .with_help("remove the extra '}'"),
                    );
                    return;
                }
                _ => {}
            }
        }
    }

    /// The next `@` that starts an item, skipping `%` comment lines.
    fn next_at(&mut self) -> Option<usize> {
        loop {
            let found = memchr::memchr2(b'@', b'%', &self.bytes[self.pos..])? + self.pos;
            if self.bytes[found] == b'%' {
                let end = memchr::memchr(b'\n', &self.bytes[found..])
                    .map_or(self.bytes.len(), |e| found + e);
                self.out.comments.push(self.text[found + 1..end].trim().to_string());
                self.pos = end;
                continue;
            }
            return Some(found);
        }
    }

    /// The offset of the next `@` that begins a line (after optional spaces), from `from`.
    fn next_line_start_at(&self, from: usize) -> usize {
        let mut idx = from;
        while let Some(newline) =
            memchr::memchr(b'\n', &self.bytes[idx.min(self.bytes.len())..])
        {
            let line_start = idx + newline + 1;
            let mut probe = line_start;
            while probe < self.bytes.len()
                && (self.bytes[probe] == b' ' || self.bytes[probe] == b'\t')
            {
                probe += 1;
            }
            if self.bytes.get(probe) == Some(&b'@') {
                return probe;
            }
            idx = line_start;
        }
        self.bytes.len()
    }

    fn skip_ws(&mut self) {
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                // `%` comments between fields.
                b'%' => {
                    self.pos = memchr::memchr(b'\n', &self.bytes[self.pos..])
                        .map_or(self.bytes.len(), |e| self.pos + e);
                }
                _ => break,
            }
        }
    }

    fn ident(&mut self) -> &'a str {
        let start = self.pos;
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            if b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'_' | b'-'
                        | b':'
                        | b'.'
                        | b'+'
                        | b'/'
                        | b'\''
                        | b'!'
                        | b'?'
                        | b'*'
                        | b'&'
                        | b';'
                        | b'<'
                        | b'>'
                        | b'['
                        | b']'
                        | b'|'
                )
                || b >= 0x80
            {
                self.pos += 1;
            } else {
                break;
            }
        }
        &self.text[start..self.pos]
    }

    fn fail<T>(&self, offset: usize, message: String, help: &'static str) -> Step<T> {
        Err(Failure { code: "BIB001", offset, message, help })
    }

    /// A failure caused by a brace never closed or closing nothing.
    fn fail_braces<T>(
        &self,
        offset: usize,
        message: String,
        help: &'static str,
    ) -> Step<T> {
        Err(Failure { code: "BIB006", offset, message, help })
    }

    fn item(&mut self) -> Step<()> {
        let at = self.pos;
        self.pos += 1;
        self.skip_ws();
        let kind = self.ident().to_ascii_lowercase();
        if kind.is_empty() {
            // A stray `@` (an e-mail address in free text): not an item.
            self.pos = at + 1;
            return Ok(());
        }
        self.skip_ws();
        let close = match self.bytes.get(self.pos) {
            Some(b'{') => b'}',
            Some(b'(') => b')',
            _ => {
                return self.fail(
                    self.pos,
                    format!("expected '{{' or '(' after '@{kind}'"),
                    "an entry looks like '@article{key, title = {...}}'",
                );
            }
        };
        let open_at = self.pos;
        self.pos += 1;
        match kind.as_str() {
            "comment" => {
                let end = self.balanced_end(open_at, close)?;
                self.out.comments.push(self.text[open_at + 1..end].trim().to_string());
                self.pos = end + 1;
                Ok(())
            }
            "preamble" => {
                self.skip_ws();
                let (value, _) = self.value("preamble")?;
                self.out.preambles.push(value);
                self.expect_close(close, "@preamble")
            }
            "string" => {
                self.skip_ws();
                let name_at = self.pos;
                let name = self.ident().to_ascii_lowercase();
                if name.is_empty() {
                    return self.fail(
                        name_at,
                        "expected a macro name after '@string{'".into(),
                        "write '@string{name = {value}}'",
                    );
                }
                self.skip_ws();
                if self.bytes.get(self.pos) != Some(&b'=') {
                    return self.fail(
                        self.pos,
                        format!("expected '=' after macro name '{name}'"),
                        "write '@string{name = {value}}'",
                    );
                }
                self.pos += 1;
                self.skip_ws();
                let (value, _) = self.value(&name)?;
                self.out.strings.insert(name, value);
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b',') {
                    self.pos += 1;
                }
                self.expect_close(close, "@string")
            }
            _ => self.entry(at, kind, close),
        }
    }

    fn expect_close(&mut self, close: u8, what: &str) -> Step<()> {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&close) {
            self.pos += 1;
            Ok(())
        } else {
            self.fail(
                self.pos,
                format!("expected '{}' to close {what}", close as char),
                "check the braces of this item",
            )
        }
    }

    fn entry(&mut self, at: usize, entry_type: String, close: u8) -> Step<()> {
        self.skip_ws();
        let key_start = self.pos;
        while self.pos < self.bytes.len()
            && !matches!(
                self.bytes[self.pos],
                b',' | b' ' | b'\t' | b'\n' | b'\r' | b'}' | b')' | b'{' | b'='
            )
        {
            self.pos += 1;
        }
        let key = self.text[key_start..self.pos].to_string();
        let entry_key_len = key.len();
        self.skip_ws();
        if key.is_empty() || self.bytes.get(self.pos) == Some(&b'=') {
            return self.fail(
                key_start,
                format!("entry '@{entry_type}' has no citation key"),
                "write '@type{key,' before the first field",
            );
        }
        let mut entry = Entry::new(key.clone(), entry_type.clone());
        // Entries of a file tend to be alike: room for as many fields as the
        // previous one had saves growing the map field by field.
        let mut fields: IndexMap<String, Field> =
            IndexMap::with_capacity(self.previous_n_fields);
        let mut field_spans = Vec::new();
        match self.bytes.get(self.pos) {
            Some(b',') => self.pos += 1,
            Some(&b) if b == close => {}
            _ => {
                return self.fail(
                    self.pos,
                    format!("expected ',' after key '{key}'"),
                    "separate the key from the first field with a comma",
                );
            }
        }
        loop {
            self.skip_ws();
            match self.bytes.get(self.pos) {
                None => {
                    return self.fail_braces(at, format!("entry '{key}' is not closed: missing '{}'", close as char), "every '@type{' needs its closing brace; check the braces of the last field");
                }
                Some(&b) if b == close => {
                    self.pos += 1;
                    break;
                }
                Some(b'@') => {
                    return self.fail_braces(
                        at,
                        format!("entry '{key}' is not closed before the next '@'"),
                        "add the missing closing brace at the end of this entry",
                    );
                }
                _ => {}
            }
            let name_at = self.pos;
            let name = self.ident().to_ascii_lowercase();
            if name.starts_with(|c: char| c.is_ascii_digit()) {
                return self.fail(
                    name_at,
                    format!("field name '{name}' in entry '{key}' starts with a digit"),
                    "BibTeX field names start with a letter",
                );
            }
            if name.is_empty() {
                let found = self.text[self.pos..].chars().next().unwrap_or(' ');
                return self.fail(
                    name_at,
                    format!("expected a field name in entry '{key}', found '{found}'"),
                    "fields look like 'name = {value},'",
                );
            }
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'=') {
                return self.fail(
                    self.pos,
                    format!("expected '=' after field '{name}' in entry '{key}'"),
                    "fields look like 'name = {value},'; is a comma missing?",
                );
            }
            self.pos += 1;
            self.skip_ws();
            let value_at = self.pos;
            let (raw, _) = self.value(&name)?;
            let value_end = self.pos;
            if self.spans.is_some() {
                field_spans.push(FieldSpan {
                    name: name_at..name_at + name.len(),
                    value: value_at..value_end,
                });
            }
            let origin = Origin {
                source: 0,
                line_start: self.lines.line(value_at),
                line_end: self.lines.line(value_end.saturating_sub(1)),
            };
            let value = field_value_of(&name, raw);
            // One lookup for both the check and the insertion.
            match fields.entry(name) {
                indexmap::map::Entry::Occupied(occupied) => {
                    let name = occupied.key();
                    let position = self.lines.position(name_at);
                    self.diagnostics.push(Diagnostic::new(
                        "BIB002",
                        Severity::Warning,
                        self.file,
                        position,
                        format!(
                            "field '{name}' appears twice in entry '{key}'; kept the first"
                        ),
                    ));
                }
                indexmap::map::Entry::Vacant(vacant) => {
                    vacant.insert(Field { value, origin: Some(origin) });
                }
            }
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(&b) if b == close => {}
                Some(b'@') => {
                    return self.fail_braces(at, format!("entry '{key}' is not closed before the next '@' (unbalanced braces?)"), "add the missing '}' at the end of this entry or of one of its values");
                }
                _ => {
                    return self.fail(self.pos, format!("expected ',' or '{}' after field '{}' in entry '{key}'", close as char, fields.keys().last().map_or("", String::as_str)), "separate fields with commas and check the braces of the previous value");
                }
            }
        }
        let line_start = self.lines.line(at);
        if let Some(first_line) = self.keys.get(&key) {
            let position = self.lines.position(key_start);
            self.diagnostics.push(
                Diagnostic::new(
                    "BIB003",
                    Severity::Error,
                    self.file,
                    position,
                    format!("duplicate key '{key}' (first used on line {first_line}); this entry is skipped"),
                )
                .with_help("give one of the entries another key"),
            );
            return Ok(());
        }
        self.keys.insert(key, line_start);
        self.previous_n_fields = fields.len();
        entry.fields = fields;
        entry.sources.push(Source {
            file: self.file.to_string(),
            line_start,
            line_end: self.lines.line(self.pos.saturating_sub(1)),
            year_suffix: None,
        });
        self.out.entries.push(entry);
        if let Some(spans) = &mut self.spans {
            spans.push(EntrySpan {
                at,
                key: key_start..key_start + entry_key_len,
                fields: field_spans,
            });
        }
        Ok(())
    }

    /// Reads a value: pieces (`{...}`, `"..."`, numbers, macros) joined by `#`.
    fn value(&mut self, field: &str) -> Step<(String, usize)> {
        let mut out = String::new();
        let start = self.pos;
        loop {
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b'{') => {
                    let end = self.balanced_end(self.pos, b'}')?;
                    out.push_str(&self.text[self.pos + 1..end]);
                    self.pos = end + 1;
                }
                Some(b'"') => {
                    let end = self.quoted_end(self.pos)?;
                    out.push_str(&self.text[self.pos + 1..end]);
                    self.pos = end + 1;
                }
                Some(b) if b.is_ascii_digit() => {
                    let digits_start = self.pos;
                    while self.pos < self.bytes.len()
                        && self.bytes[self.pos].is_ascii_digit()
                    {
                        self.pos += 1;
                    }
                    out.push_str(&self.text[digits_start..self.pos]);
                }
                Some(b) if b.is_ascii_alphabetic() => {
                    let macro_at = self.pos;
                    let name = self.ident().to_ascii_lowercase();
                    if let Some(value) = self.out.strings.get(&name) {
                        out.push_str(value);
                    } else if let Some(month) = MONTHS.iter().position(|m| *m == name) {
                        // biblatex's month field is an integer.
                        if field == "month" {
                            out.push_str(&(month + 1).to_string());
                        } else {
                            out.push_str(MONTH_NAMES[month]);
                        }
                    } else {
                        let position = self.lines.position(macro_at);
                        self.diagnostics.push(
                            Diagnostic::new("BIB004", Severity::Warning, self.file, position, format!("undefined macro '{name}' in field '{field}'; kept its name as text"))
                                .with_help("define it with '@string{name = {...}}' or put the value in braces"),
                        );
                        out.push_str(&name);
                    }
                }
                _ => {
                    return self.fail(self.pos, format!("expected a value for field '{field}'"), "values are written in braces {...}, quotes \"...\", as a number or a @string macro");
                }
            }
            self.skip_ws();
            if self.bytes.get(self.pos) == Some(&b'#') {
                self.pos += 1;
                continue;
            }
            return Ok((out, start));
        }
    }

    /// The offset of the brace closing the one at `open`. A new line starting
    /// with `@type{` inside the group means a brace is missing.
    fn balanced_end(&self, open: usize, close: u8) -> Step<usize> {
        let opener = self.bytes[open];
        let mut depth = 0usize;
        let mut idx = open;
        if opener == b'{' && close == b'}' {
            // The same scan as below, jumping from one byte of interest to the next.
            while let Some(found) = memchr::memchr3(b'{', b'}', b'\n', &self.bytes[idx..])
            {
                idx += found;
                match self.bytes[idx] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(idx);
                        }
                    }
                    _ if self.starts_entry(idx + 1) => break,
                    _ => {}
                }
                idx += 1;
            }
            idx = self.bytes.len();
        }
        while idx < self.bytes.len() {
            let b = self.bytes[idx];
            if b == opener || (opener != b'{' && b == b'{') {
                depth += 1;
            } else if b == close || (close != b'}' && b == b'}') {
                depth -= 1;
                if depth == 0 {
                    return Ok(idx);
                }
            } else if b == b'\n' && self.starts_entry(idx + 1) {
                break;
            }
            idx += 1;
        }
        self.fail_braces(
            open,
            "unbalanced braces: this '{' is never closed".into(),
            "add the missing '}' (BibTeX counts every brace, even an escaped one)",
        )
    }

    fn quoted_end(&self, open: usize) -> Step<usize> {
        let mut depth = 0usize;
        let mut idx = open + 1;
        while idx < self.bytes.len() {
            match self.bytes[idx] {
                b'{' => depth += 1,
                b'}' => {
                    if depth == 0 {
                        return self.fail_braces(
                            idx,
                            "unbalanced braces: '}' inside a quoted value closes nothing"
                                .into(),
                            "remove the '}' or add its '{'",
                        );
                    }
                    depth -= 1;
                }
                b'"' if depth == 0 => return Ok(idx),
                b'\n' if self.starts_entry(idx + 1) => break,
                _ => {}
            }
            idx += 1;
        }
        self.fail(open, "unterminated quoted value".into(), "close the value with '\"'")
    }

    /// Whether a line starting at `idx` begins with `@word{` or `@word(`.
    fn starts_entry(&self, idx: usize) -> bool {
        let mut probe = idx;
        while probe < self.bytes.len()
            && (self.bytes[probe] == b' ' || self.bytes[probe] == b'\t')
        {
            probe += 1;
        }
        if self.bytes.get(probe) != Some(&b'@') {
            return false;
        }
        probe += 1;
        let word_start = probe;
        while probe < self.bytes.len() && self.bytes[probe].is_ascii_alphabetic() {
            probe += 1;
        }
        probe > word_start && matches!(self.bytes.get(probe), Some(b'{') | Some(b'('))
    }
}

/// [`field_value_of`] a borrowed value.
#[cfg(test)]
fn field_value(name: &str, raw: &str) -> Value {
    field_value_of(name, raw.to_string())
}

/// A raw value (between the delimiters, macros expanded) as the model holds it.
///
/// White space is collapsed first, as BibTeX does for every field, then
/// accent macros are decoded in literal and name fields. Both steps are
/// idempotent and decoding never creates white space, so the result reads
/// back to itself when written: the round-trip invariant of the store.
/// The raw value is kept when collapsing changes nothing (most values).
fn field_value_of(name: &str, raw: String) -> Value {
    let collapsed = match tex::collapsed_whitespace(&raw) {
        std::borrow::Cow::Borrowed(_) => raw,
        std::borrow::Cow::Owned(collapsed) => collapsed,
    };
    match field_kind(name) {
        FieldKind::Names => Value::Names(parse_names(&tex::decode_accents(&collapsed))),
        FieldKind::Verbatim | FieldKind::Date => Value::Text(collapsed),
        FieldKind::Literal | FieldKind::Range => {
            Value::Text(tex::decode_accents_owned(collapsed))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_crossref_comments_and_accents() {
        let text = r#"% a comment
@string{cjc = "Chinese Journal of " # {Communication}}
@comment{jabref-meta: x;}
@article{a,
  author = {\"{O}zt\"{u}rk, Karl and {People's Bank of China}},
  journal = cjc,
  month = jun,
  crossref = {b},
}
@Book(b, title = "A {B} c", year = 2019)
"#;
        let parsed = parse(text, "t.bib");
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let file = parsed.value;
        assert_eq!(file.entries.len(), 2);
        let a = &file.entries[0];
        assert_eq!(a.text("journal"), Some("Chinese Journal of Communication"));
        assert_eq!(a.text("month"), Some("6"));
        assert_eq!(a.text("crossref"), Some("b"));
        assert_eq!(a.names("author").map(|n| n.len()), Some(2));
        assert_eq!(a.first_family(), Some("Öztürk"));
        assert_eq!(file.entries[1].text("title"), Some("A {B} c"));
        assert_eq!(file.entries[1].entry_type, "book");
        assert_eq!(file.comments[0], "a comment");
        assert_eq!(a.sources[0].line_start, 4);
        assert_eq!(a.sources[0].line_end, 9);
    }

    #[test]
    fn values_are_collapsed_before_decoding() {
        // Decoding after collapsing: `\c` and its letter on another line.
        assert_eq!(
            field_value("title", "Fran\\c\n  cais"),
            Value::Text("Français".into())
        );
        // Verbatim and date fields are collapsed too: a line break must not
        // reach the store (a new line starting with `@x{` would end the value).
        assert_eq!(
            field_value("url", " https://a.org/x\n  y "),
            Value::Text("https://a.org/x y".into())
        );
        // Only ASCII white space is collapsed.
        assert_eq!(
            field_value("title", "a\u{a0}\u{a0}b"),
            Value::Text("a\u{a0}\u{a0}b".into())
        );
    }

    #[test]
    fn recovers_after_a_bad_entry() {
        let text = "@article{a,\n  title = {Open\n}\n@article{b, title = {Fine}}\n@article{b, title = {Dup}}\n@book{, title={x}}\n";
        let parsed = parse(text, "bad.bib");
        let keys: Vec<&str> =
            parsed.value.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["b"]);
        let found: Vec<(&str, u32, u32)> =
            parsed.diagnostics.iter().map(|d| (d.code, d.line, d.column)).collect();
        assert_eq!(found, [("BIB006", 1, 1), ("BIB003", 5, 10), ("BIB001", 6, 7)]);
    }

    #[test]
    fn unbalanced_brace_points_at_the_opening_brace() {
        let text = "@article{a,\n  title = {Open {brace},\n  year = 2019\n}\n\n@book{c, title = {x}}\n";
        let parsed = parse(text, "u.bib");
        assert_eq!(parsed.value.entries.len(), 1);
        let diag = &parsed.diagnostics[0];
        assert_eq!((diag.code, diag.line, diag.column), ("BIB006", 1, 1));
        assert!(diag.message.contains("unbalanced"), "{}", diag.message);
    }
}
