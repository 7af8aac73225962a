//! Diagnostics: what a reader or the store found wrong, with file, line and column.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// A note about what was done (a file skipped, a value normalised).
    Info,
    /// Suspicious or lossy input that was still read.
    Warning,
    /// Input that could not be read; nothing from it is stored.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, located in a file by 1-based line and character column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code (`RIS001`, `BIB003`, ...).
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line, 0 when the finding is about the whole file.
    pub line: u32,
    /// 1-based character column, 0 when unknown.
    pub column: u32,
    /// What is wrong, lower case, quoting the offending value.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A finding at a position.
    pub fn new(
        code: &'static str,
        severity: Severity,
        file: &str,
        position: Position,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            file: file.to_string(),
            line: position.line,
            column: position.column,
            message: message.into(),
            help: None,
        }
    }

    /// Adds advice on what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders as `file:line:col: severity[CODE]: message`, plus a `help:` line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.file);
        if self.line > 0 {
            out.push_str(&format!(":{}", self.line));
            if self.column > 0 {
                out.push_str(&format!(":{}", self.column));
            }
        }
        out.push_str(&format!(": {}[{}]: {}", self.severity, self.code, self.message));
        if let Some(help) = &self.help {
            out.push_str(&format!("\n  help: {help}"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
}

impl Position {
    /// A position at the start of a line.
    pub fn line(line: u32) -> Self {
        Position { line, column: 1 }
    }
}

/// Maps byte offsets of a text to lines and character columns.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// The line index found last: a reader asks for offsets that mostly
    /// move forward a little, which the next lookup tries before searching.
    last_line_idx: AtomicUsize,
}

impl Clone for LineIndex<'_> {
    fn clone(&self) -> Self {
        LineIndex {
            text: self.text,
            line_starts: self.line_starts.clone(),
            last_line_idx: AtomicUsize::new(self.last_line_idx.load(Ordering::Relaxed)),
        }
    }
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text` (LF, CRLF and lone CR all end a line).
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut idx = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[idx..]) {
            let at = idx + found;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            line_starts.push(next);
            idx = next;
        }
        LineIndex { text, line_starts, last_line_idx: AtomicUsize::new(0) }
    }

    /// The 1-based line and column of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line_idx = self.line_idx(offset);
        let line_start = self.line_starts[line_idx];
        let column = self
            .text
            .get(line_start..offset)
            .map(|prefix| prefix.chars().count())
            .unwrap_or(offset - line_start);
        Position { line: line_idx as u32 + 1, column: column as u32 + 1 }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        let offset = offset.min(self.text.len());
        self.line_idx(offset) as u32 + 1
    }

    /// The index of the last line that starts at or before `offset`: the
    /// line of the previous lookup or one of the next few, else a binary search.
    fn line_idx(&self, offset: usize) -> usize {
        let starts = &self.line_starts;
        let mut idx = self.last_line_idx.load(Ordering::Relaxed);
        if starts.get(idx).is_some_and(|&start| start <= offset) {
            for _ in 0..8 {
                if starts.get(idx + 1).is_none_or(|&next| offset < next) {
                    self.last_line_idx.store(idx, Ordering::Relaxed);
                    return idx;
                }
                idx += 1;
            }
        }
        let idx = starts.partition_point(|&start| start <= offset) - 1;
        self.last_line_idx.store(idx, Ordering::Relaxed);
        idx
    }
}

/// A value plus everything noticed while producing it: parsing never fails as a whole.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    /// What could be read.
    pub value: T,
    /// Every finding, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Parsed<T> {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|diag| diag.severity == Severity::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_in_any_order_agree_with_a_search() {
        let text = "a\nbb\n\nccc\r\ndd\re\n".repeat(5);
        let index = LineIndex::new(&text);
        let search = |offset: usize| {
            index.line_starts.partition_point(|&start| start <= offset.min(text.len()))
                as u32
        };
        let offsets: Vec<usize> = (0..=text.len() + 2)
            .chain((0..=text.len()).rev())
            .chain((0..=text.len()).step_by(7))
            .chain([3, 90, 1, 40, 41, 0])
            .collect();
        for offset in offsets {
            assert_eq!(index.line(offset), search(offset), "offset {offset}");
        }
    }

    #[test]
    fn positions_count_characters_and_all_line_ends() {
        let text = "ab\r\nçd\re\nf";
        let index = LineIndex::new(text);
        assert_eq!(index.position(0), Position { line: 1, column: 1 });
        assert_eq!(index.position(4), Position { line: 2, column: 1 });
        assert_eq!(index.position(6), Position { line: 2, column: 2 });
        assert_eq!(index.position(8), Position { line: 3, column: 1 });
        assert_eq!(index.position(10), Position { line: 4, column: 1 });
        assert_eq!(index.line(10), 4);
    }
}
