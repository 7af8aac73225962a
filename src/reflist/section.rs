//! Finding the reference section of a document (markdown or plain text).
//!
//! A reference section starts at a heading whose words name one: References,
//! Bibliography, Works Cited, Literature Cited, Sources, Reference List, Notes
//! and References, ... (see [`is_reference_heading`]). Headings are found in
//! three forms, strongest first:
//!
//! - markdown headings: `## References`, `# 7. **References**`, or a setext
//!   heading (`References` underlined with `===` or `---`);
//! - a line that is bold as a whole: `**References**`, `__Bibliography:__`;
//! - a plain line that is nothing but the name: `REFERENCES`, `7. References`.
//!
//! Only headings of the strongest form present are taken. Markdown and bold
//! headings may open several sections (a book with a list per chapter); a
//! plain line is too weak for that (a table of contents repeats the word), so
//! only the last one counts. A section ends before the next markdown heading
//! of the same or a higher level (deeper ones are sub-sections of the list:
//! `### Primary sources`), before any heading or bold line that opens back
//! matter (Appendix, Acknowledgements, Notes, About the author, ...), or at
//! the end of the file. Fenced code blocks are never read as headings.
//!
//! Splitting a section into references is [`super::split`]'s job.

use std::ops::Range;

use crate::diag::{Diagnostic, LineIndex, Parsed, Severity};

use super::split::{RawReference, split_indexed};

/// A reference section of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading that opens the section; `None` when the whole document is
    /// read as a reference list.
    pub heading: Option<Heading>,
    /// Byte range of the section's body: from the line after the heading to
    /// the end of its last line.
    pub body: Range<usize>,
}

/// The heading of a reference section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The heading's words without markup (`References`).
    pub title: String,
    /// Byte range of the heading line, without its line break.
    pub span: Range<usize>,
    /// How the heading is written.
    pub kind: HeadingKind,
}

/// How a heading is written, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum HeadingKind {
    /// A line that holds nothing but the name.
    Plain,
    /// A line that is bold as a whole.
    Bold,
    /// A markdown heading of this level (1 to 6; setext headings are 1 and 2).
    Markdown(u8),
}

/// Where to look for references.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Config {
    /// Read the whole document as a reference list when it has no reference
    /// section (`biblink import --reflist` on a bare list of references).
    pub whole_document_without_heading: bool,
}

/// The reference sections of a document, in document order; empty when it has none.
pub fn find_sections(document: &str) -> Vec<Section> {
    let lines = lines(document);
    let headings = headings(document, &lines);
    let Some(strongest) =
        headings.iter().filter(|h| h.is_reference).map(HeadingLine::strength).max()
    else {
        return Vec::new();
    };
    let mut sections = Vec::new();
    let mut taken_until = 0;
    for (heading_idx, heading) in headings.iter().enumerate() {
        if !heading.is_reference
            || heading.strength() != strongest
            || heading.line_idx < taken_until
        {
            continue;
        }
        let end_line_idx = section_end(heading, &headings[heading_idx + 1..], &lines);
        taken_until = end_line_idx;
        let body_start = lines
            .get(heading.body_line_idx)
            .map_or(document.len(), |line| line.start)
            .min(document.len());
        let body_end = if end_line_idx > heading.body_line_idx {
            lines[end_line_idx - 1].end
        } else {
            body_start
        };
        let line = &lines[heading.line_idx];
        sections.push(Section {
            heading: Some(Heading {
                title: heading.title.clone(),
                span: line.start..line.end,
                kind: heading.kind,
            }),
            body: body_start..body_end.max(body_start),
        });
    }
    if strongest.0 == HeadingKind::Plain.strength() {
        // A plain line is weak evidence: the last one is the list, earlier
        // ones are a table of contents or a word in the text.
        sections.drain(..sections.len().saturating_sub(1));
    }
    sections
}

/// Whether the document has a reference section: the content test that
/// tells a paper from other text. A markdown or bold heading with a strong
/// name (`## References`, `**Bibliography**`) is enough, even over an empty
/// list (which reading then reports); a plain line or a weak name
/// (`Sources`) needs at least one reference that looks like one: it has a
/// year, a number or a link.
pub fn has_reference_section(document: &str) -> bool {
    let sections = find_sections(document);
    let is_marked_up = |heading: &Heading| {
        heading.kind != HeadingKind::Plain
            && !WEAK_REFERENCE_NAMES.contains(&heading_name(&heading.title).as_str())
    };
    if sections.iter().any(|section| section.heading.as_ref().is_some_and(is_marked_up)) {
        return true;
    }
    if sections.is_empty() {
        return false;
    }
    let index = LineIndex::new(document);
    sections.iter().any(|section| {
        split_indexed(document, section, &index).iter().any(|reference| {
            let text = reference.text.as_str();
            text.contains("http")
                || text.contains("n.d.")
                || text.as_bytes().windows(4).any(|w| w.iter().all(u8::is_ascii_digit))
        })
    })
}

/// The references of a document's reference sections, in document order,
/// with a warning for every section that has none.
pub fn references(document: &str, file: &str) -> Parsed<Vec<RawReference>> {
    references_with(document, file, &Config::default())
}

/// [`references`] with a [`Config`].
pub fn references_with(
    document: &str,
    file: &str,
    config: &Config,
) -> Parsed<Vec<RawReference>> {
    let mut sections = find_sections(document);
    let mut diagnostics = Vec::new();
    let index = LineIndex::new(document);
    if sections.is_empty() {
        if config.whole_document_without_heading {
            sections.push(Section { heading: None, body: 0..document.len() });
        } else {
            diagnostics.push(
                Diagnostic::new(
                    "REF001",
                    Severity::Warning,
                    file,
                    index.position(0),
                    "no reference section found",
                )
                .with_help(
                    "start the list with a heading such as '## References', \
                     'Bibliography' or 'Works Cited'",
                ),
            );
        }
    }
    let mut references = Vec::new();
    for section in &sections {
        let found = split_indexed(document, section, &index);
        if found.is_empty() {
            let (at, what) = match &section.heading {
                Some(heading) => (heading.span.start, format!("'{}'", heading.title)),
                None => (0, "the document".to_string()),
            };
            diagnostics.push(
                Diagnostic::new(
                    "REF002",
                    Severity::Warning,
                    file,
                    index.position(at),
                    format!("empty reference section: {what} lists no references"),
                )
                .with_help("put one reference per list item, paragraph or line under the heading"),
            );
        }
        references.extend(found);
    }
    Parsed { value: references, diagnostics }
}

/// Whether a heading's words name a reference section (`References`,
/// `7. Bibliography`, `WORKS CITED:`, `Notes and References`, ...).
pub fn is_reference_heading(title: &str) -> bool {
    let name = heading_name(title);
    REFERENCE_NAMES.contains(&name.as_str())
}

/// Names that also title other things (a "Sources" section on data): they
/// count only when no heading of the same form has a stronger name.
const WEAK_REFERENCE_NAMES: &[&str] = &[
    "sources",
    "list of sources",
    "sources consulted",
    "further reading",
    "literatur",
    "quellen",
];

/// Whether a heading opens back matter that ends a reference section
/// (appendices, acknowledgements, notes, author notes, ...).
pub fn is_back_matter_heading(title: &str) -> bool {
    let name = heading_name(title);
    BACK_MATTER_NAMES.contains(&name.as_str())
        || ["appendix", "appendices", "annex", "supplementary", "supporting information"]
            .iter()
            .any(|prefix| {
                name.strip_prefix(prefix).is_some_and(|rest| {
                    rest.is_empty() || rest.starts_with([' ', ':', '.', '-'])
                })
            })
}

const REFERENCE_NAMES: &[&str] = &[
    "references",
    "reference",
    "reference list",
    "list of references",
    "references cited",
    "cited references",
    "bibliographic references",
    "bibliography",
    "select bibliography",
    "selected bibliography",
    "bibliography and references",
    "works cited",
    "works consulted",
    "cited works",
    "literature cited",
    "cited literature",
    "sources",
    "sources cited",
    "sources consulted",
    "list of sources",
    "notes and references",
    "references and notes",
    "notes and sources",
    "sources and notes",
    "further reading",
    "references and further reading",
    "bibliographie",
    "références",
    "références bibliographiques",
    "literatur",
    "literaturverzeichnis",
    "quellen",
    "referencias",
    "bibliografía",
    "bibliografia",
    "referências",
    "riferimenti bibliografici",
    "参考文献",
    "參考文獻",
];

const BACK_MATTER_NAMES: &[&str] = &[
    "acknowledgements",
    "acknowledgments",
    "acknowledgement",
    "acknowledgment",
    "about the author",
    "about the authors",
    "author biography",
    "author biographies",
    "notes",
    "endnotes",
    "footnotes",
    "figures",
    "tables",
    "figures and tables",
    "index",
    "glossary",
    "abbreviations",
    "funding",
    "conflict of interest",
    "conflicts of interest",
    "declaration of interest",
    "declarations",
    "author contributions",
    "data availability",
    "data availability statement",
    "ethics statement",
];

// ---------------------------------------------------------------- lines

/// One line of a document: byte range without the line break, 0-based index.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    pub(super) start: usize,
    pub(super) end: usize,
}

/// The lines of a text (LF, CRLF and lone CR all end a line, as in [`LineIndex`]).
pub(super) fn lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 64 + 1);
    let mut start = 0;
    while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
        let end = start + found;
        out.push(Line { start, end });
        start = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
            end + 2
        } else {
            end + 1
        };
    }
    if start < bytes.len() {
        out.push(Line { start, end: bytes.len() });
    }
    out
}

// ---------------------------------------------------------------- headings

/// A heading of the document (any name), as a section boundary.
#[derive(Debug)]
struct HeadingLine {
    /// The heading's text line.
    line_idx: usize,
    /// The first line after the heading (after a setext underline).
    body_line_idx: usize,
    kind: HeadingKind,
    title: String,
    is_reference: bool,
    /// A reference heading with a name of [`WEAK_REFERENCE_NAMES`].
    is_weak: bool,
    is_back_matter: bool,
}

impl HeadingLine {
    /// How strongly the heading says "references": its form, then its name.
    fn strength(&self) -> (u8, bool) {
        (self.kind.strength(), !self.is_weak)
    }
}

impl HeadingKind {
    /// Markdown headings of every level are one form.
    fn strength(self) -> u8 {
        match self {
            HeadingKind::Plain => 0,
            HeadingKind::Bold => 1,
            HeadingKind::Markdown(_) => 2,
        }
    }
}

/// Every heading-like line outside fenced code. Plain lines are kept only
/// when they name a reference section or back matter: any other short line
/// could be text.
fn headings(document: &str, lines: &[Line]) -> Vec<HeadingLine> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for (line_idx, line) in lines.iter().enumerate() {
        let text = &document[line.start..line.end];
        let trimmed = text.trim();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        if trimmed.is_empty() || trimmed.len() > 200 {
            continue;
        }
        let (kind, title, body_line_idx) = if let Some((level, title)) = atx_heading(text)
        {
            (HeadingKind::Markdown(level), title, line_idx + 1)
        } else if let Some(level) = lines
            .get(line_idx + 1)
            .and_then(|next| setext_level(&document[next.start..next.end]))
            .filter(|_| is_setext_text(trimmed))
        {
            (HeadingKind::Markdown(level), trimmed, line_idx + 2)
        } else if let Some(title) = bold_line(trimmed) {
            (HeadingKind::Bold, title, line_idx + 1)
        } else if trimmed.len() <= 60 {
            (HeadingKind::Plain, trimmed, line_idx + 1)
        } else {
            continue;
        };
        let name = heading_name(title);
        let is_reference = REFERENCE_NAMES.contains(&name.as_str());
        let is_weak = WEAK_REFERENCE_NAMES.contains(&name.as_str());
        let is_back_matter = !is_reference && is_back_matter_heading(title);
        if kind == HeadingKind::Plain && !is_reference && !is_back_matter {
            continue;
        }
        out.push(HeadingLine {
            line_idx,
            body_line_idx,
            kind,
            title: strip_emphasis(title).to_string(),
            is_reference,
            is_weak,
            is_back_matter,
        });
    }
    out
}

/// The line index where the section opened by `heading` ends (exclusive).
fn section_end(heading: &HeadingLine, later: &[HeadingLine], lines: &[Line]) -> usize {
    for next in later {
        let ends = match (heading.kind, next.kind) {
            _ if next.is_back_matter => true,
            (HeadingKind::Markdown(level), HeadingKind::Markdown(next_level)) => {
                next_level <= level
            }
            (HeadingKind::Markdown(_), _) => false,
            // A list under a bold or plain heading ends at any markdown
            // heading and at the next reference heading of its own form.
            (_, HeadingKind::Markdown(_)) => true,
            (kind, next_kind) => next.is_reference && next_kind == kind,
        };
        if ends {
            return next.line_idx.max(heading.body_line_idx.min(lines.len()));
        }
    }
    lines.len()
}

/// `## Title ##` → level and title; up to three spaces of indentation.
fn atx_heading(line: &str) -> Option<(u8, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.len() - rest.trim_start_matches('#').len();
    if level == 0 || level > 6 {
        return None;
    }
    let after = &rest[level..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let title = after.trim();
    // A closing sequence of #s is not part of the title.
    let title = match title.trim_end_matches('#') {
        stripped if stripped.is_empty() || stripped.ends_with([' ', '\t']) => {
            stripped.trim_end()
        }
        _ => title,
    };
    Some((level as u8, title))
}

/// `===` → 1, `---` → 2 (a setext underline).
fn setext_level(line: &str) -> Option<u8> {
    let trimmed = line.trim();
    let first = trimmed.bytes().next()?;
    if !matches!(first, b'=' | b'-') || !trimmed.bytes().all(|b| b == first) {
        return None;
    }
    // One '-' is a list marker, not an underline.
    if first == b'-' && trimmed.len() < 2 {
        return None;
    }
    Some(if first == b'=' { 1 } else { 2 })
}

/// Whether a line can be the text of a setext heading: short, not a list item.
fn is_setext_text(trimmed: &str) -> bool {
    trimmed.len() <= 80
        && !trimmed.starts_with(['-', '*', '+', '>', '#', '|'])
        && !trimmed.starts_with(|c: char| c.is_ascii_digit())
}

/// `**Title**` or `__Title__` (a colon inside or after allowed) → the title.
pub(super) fn bold_line(trimmed: &str) -> Option<&str> {
    let text = trimmed.strip_suffix(':').unwrap_or(trimmed);
    for marker in ["**", "__"] {
        if let Some(inner) =
            text.strip_prefix(marker).and_then(|t| t.strip_suffix(marker))
            && !inner.is_empty()
            && !inner.contains(marker)
        {
            return Some(inner);
        }
    }
    None
}

fn strip_emphasis(title: &str) -> &str {
    title.trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace())
}

/// A heading's words, normalised for comparison: emphasis, numbering
/// (`7.`, `7.1`, `VII.`, `A.`), a trailing `:` or `.`, pandoc attributes
/// (`{#refs}`) and case removed, white space collapsed.
fn heading_name(title: &str) -> String {
    let mut name = strip_emphasis(title);
    if let Some(open) = name.rfind('{')
        && name.ends_with('}')
    {
        name = name[..open].trim_end();
    }
    name = strip_emphasis(name);
    name = strip_numbering(name);
    name = strip_emphasis(name);
    name = name.trim_end_matches([':', '.']).trim_end();
    name = strip_emphasis(name);
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// `7. `, `7.1 `, `VII. `, `A) ` at the start of a heading.
fn strip_numbering(name: &str) -> &str {
    let Some((first, rest)) = name.split_once(char::is_whitespace) else {
        return name;
    };
    let label = first.trim_end_matches(['.', ')', ':']);
    let is_arabic = !label.is_empty()
        && label
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    let is_roman = !label.is_empty()
        && label.len() <= 6
        && label.bytes().all(|b| b"IVXLC".contains(&b))
        && first.len() > label.len();
    let is_letter = label.len() == 1
        && label.bytes().all(|b| b.is_ascii_uppercase())
        && first.len() > label.len();
    if is_arabic || is_roman || is_letter { rest.trim_start() } else { name }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections_of(document: &str) -> Vec<(Option<String>, &str)> {
        find_sections(document)
            .into_iter()
            .map(|s| (s.heading.map(|h| h.title), &document[s.body]))
            .collect()
    }

    #[test]
    fn heading_names_in_many_forms() {
        for title in [
            "References",
            "REFERENCES",
            "7. References",
            "**References**",
            "VII. Bibliography",
            "A. Works Cited:",
            "Literature Cited",
            "Notes and References",
            "Reference List",
            "References {#refs}",
            "8.1 Sources",
        ] {
            assert!(is_reference_heading(title), "{title}");
        }
        for title in ["Referenced work", "Introduction", "Reference points in 2015", ""] {
            assert!(!is_reference_heading(title), "{title}");
        }
        for title in
            ["Appendix", "Appendix A: Survey", "APPENDICES", "Acknowledgements", "Notes"]
        {
            assert!(is_back_matter_heading(title), "{title}");
        }
        assert!(!is_back_matter_heading("Appendixes of the body"));
    }

    #[test]
    fn markdown_heading_ends_at_same_or_higher_level() {
        let document = "# Paper\n\n## 1. Intro\n\ntext\n\n## References\n\n- A, B. (2001). T.\n\n### Archival sources\n\n- C, D. (2002). U.\n\n## Appendix\n\nnot a reference\n";
        let sections = sections_of(document);
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].0.as_deref(), Some("References"));
        assert!(sections[0].1.contains("C, D."));
        assert!(!sections[0].1.contains("not a reference"));
    }

    #[test]
    fn bold_numbered_and_setext_headings() {
        let document = "# **7. References**\n\nSmith, J. (2001). Title.\n";
        assert_eq!(sections_of(document)[0].0.as_deref(), Some("7. References"));
        let document = "Text\n\n**Bibliography**\n\nSmith, J. (2001). Title.\n";
        assert_eq!(sections_of(document)[0].1, "\nSmith, J. (2001). Title.");
        let document =
            "Title\n=====\n\nBody.\n\nReferences\n----------\nSmith, J. (2001). Title.\n";
        assert_eq!(
            sections_of(document),
            [(Some("References".into()), "Smith, J. (2001). Title.")]
        );
    }

    #[test]
    fn plain_line_heading_takes_the_last_one() {
        let document = "Contents\nIntroduction\nReferences\n\nIntroduction\nText.\n\nREFERENCES\nSmith, J. (2001). Title.\n\nAppendix A\nTables.\n";
        assert_eq!(
            sections_of(document),
            [(Some("REFERENCES".into()), "Smith, J. (2001). Title.\n")]
        );
    }

    #[test]
    fn markdown_wins_over_plain_and_several_chapters_are_read() {
        let document = "## Chapter 1\n\n### References\n\n- A, B. (2001). T.\n\n## Chapter 2\n\nReferences\n\n### References\n\n- C, D. (2002). U.\n";
        let sections = sections_of(document);
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[1].1, "\n- C, D. (2002). U.");
    }

    #[test]
    fn headings_in_fenced_code_are_not_headings() {
        let document = "```\n## References\n- A\n```\n\nText.\n";
        assert!(find_sections(document).is_empty());
    }

    #[test]
    fn empty_and_missing_sections_are_warnings() {
        let parsed = references("# Paper\n\n## References\n\n## Appendix\n\nx\n", "p.md");
        assert!(parsed.value.is_empty());
        let rendered: Vec<String> =
            parsed.diagnostics.iter().map(|d| d.render()).collect();
        assert_eq!(rendered.len(), 1);
        assert!(
            rendered[0].starts_with("p.md:3:1: warning[REF002]: empty reference section")
        );
        let parsed = references("just text\n", "p.md");
        assert_eq!(parsed.diagnostics[0].code, "REF001");
        let config = Config { whole_document_without_heading: true };
        let parsed = references_with("Smith, J. (2001). Title.\n", "p.md", &config);
        assert_eq!(parsed.value.len(), 1);
        assert!(parsed.diagnostics.is_empty());
        assert!(references_with("", "p.md", &config).diagnostics[0].code == "REF002");
    }

    /// A file of the shared evaluation data; panics (never skips) when it is missing.
    fn shared(relative: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared")
            .join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "{}: {error}: these tests need the shared evaluation data checked out beside the project (../shared)",
                path.display()
            )
        })
    }

    #[test]
    fn seed_report_splits_into_the_gold_references() {
        let seed = "seeds/000_68118a06d3e3690d.txt";
        let document = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(seed),
        )
        .expect("seed report in seeds/");
        let gold: serde_json::Value =
            serde_json::from_str(&shared("data/seeds-gold/000-references.json"))
                .expect("gold JSON");
        let spans: serde_json::Value =
            serde_json::from_str(&shared("data/seeds-gold/000-citations.json"))
                .expect("gold JSON");
        let gold = gold["references"].as_array().expect("gold references");
        let spans = spans["references"].as_array().expect("gold spans");
        assert_eq!(gold.len(), 35);
        let parsed = references(&document, seed);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let found = parsed.value;
        assert_eq!(found.len(), gold.len(), "number of references");
        // The gold's line ranges, from its byte offsets.
        let line_of = |offset: usize| document[..offset].matches('\n').count() as u32 + 1;
        for ((reference, gold), span) in found.iter().zip(gold).zip(spans) {
            let index = &gold["index"];
            assert_eq!(
                reference.text,
                gold["text"].as_str().expect("text"),
                "reference {index}"
            );
            let start = span["byte_offset"].as_u64().expect("byte_offset") as usize;
            let end = start + span["byte_length"].as_u64().expect("byte_length") as usize;
            assert_eq!(reference.span, start..end, "reference {index}");
            assert_eq!(
                (reference.line_start, reference.line_end),
                (line_of(start), line_of(end)),
                "reference {index}"
            );
            assert_eq!(reference.label, None);
        }
        // The blank line between State Council (2015) and TeleGeography (2014)
        // separates two items; it does not join them.
        assert_eq!((found[17].line_start, found[18].line_start), (191, 193));
        assert_eq!((found[0].line_start, found[34].line_end), (174, 209));
        // The same with Windows line ends: same texts and lines.
        let crlf = document.replace('\n', "\r\n");
        let again = references(&crlf, seed).value;
        assert_eq!(
            again.iter().map(|r| (&r.text, r.line_start, r.line_end)).collect::<Vec<_>>(),
            found.iter().map(|r| (&r.text, r.line_start, r.line_end)).collect::<Vec<_>>()
        );
    }

    /// Wraps a text at spaces into lines of at most `width` bytes (longer words stay whole).
    fn wrap(text: &str, width: usize) -> Vec<String> {
        let mut lines: Vec<String> = vec![String::new()];
        for word in text.split(' ') {
            let line = lines.last_mut().expect("a line");
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                lines.push(word.to_string());
            } else {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
        }
        lines
    }

    #[test]
    fn seed_references_in_other_layouts_split_the_same() {
        let gold: serde_json::Value =
            serde_json::from_str(&shared("data/seeds-gold/000-references.json"))
                .expect("gold JSON");
        let texts: Vec<&str> = gold["references"]
            .as_array()
            .expect("gold references")
            .iter()
            .map(|r| r["text"].as_str().expect("text"))
            .collect();
        type Layout = Box<dyn Fn(usize, &str) -> String>;
        let layouts: [(&str, Layout); 7] = [
            ("numbered", Box::new(|idx, text| format!("{}. {text}\n", idx + 1))),
            ("bracketed", Box::new(|idx, text| format!("[{}]\t{text}\n", idx + 1))),
            ("one per line", Box::new(|_, text| format!("{text}\n"))),
            (
                "wrapped list items",
                Box::new(|_, text| format!("* {}\n", wrap(text, 72).join("\n  "))),
            ),
            (
                "hanging indent",
                Box::new(|_, text| format!("{}\n", wrap(text, 70).join("\n    "))),
            ),
            (
                "paragraphs",
                Box::new(|_, text| format!("{}\n\n", wrap(text, 76).join("\n"))),
            ),
            (
                "page breaks inside references",
                Box::new(|idx, text| {
                    let lines = wrap(text, 60);
                    let (first, rest) = lines.split_at(1);
                    if idx % 3 == 0 && !rest.is_empty() {
                        format!(
                            "{}\n\n\u{c}{}\n\n{}\n",
                            first[0],
                            idx + 1,
                            rest.join("\n")
                        )
                    } else {
                        format!("{}\n", lines.join("\n"))
                    }
                }),
            ),
        ];
        for (name, layout) in layouts {
            let mut document = String::from("Text.\n\nREFERENCES\n\n");
            for (idx, text) in texts.iter().enumerate() {
                document.push_str(&layout(idx, text));
            }
            document.push_str("\nAppendix A\n\nNot a reference (2019).\n");
            let found: Vec<String> = references(&document, "x.txt")
                .value
                .into_iter()
                .map(|r| r.text)
                .collect();
            assert_eq!(found, texts, "{name}:\n{document}");
        }
    }

    #[test]
    fn detection_needs_a_reference_that_looks_like_one() {
        assert!(has_reference_section("## References\n\n- Smith, J. (2001). Title.\n"));
        assert!(
            has_reference_section("Text.\n\n**Bibliography**\n"),
            "empty, but marked up"
        );
        assert!(!has_reference_section("## Sources\n\n- my notes\n- other notes\n"));
        assert!(has_reference_section("## Sources\n\n- Smith, J. (2001). Title.\n"));
        assert!(!has_reference_section("Text.\n\nReferences\n\nsee the notes\n"));
        assert!(has_reference_section("Text.\n\nReferences\n\nSmith, J. 2001. Title.\n"));
        assert!(!has_reference_section("Sources\n"));
    }
}
