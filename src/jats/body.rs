//! The callouts of an article's `<body>`: every `<xref ref-type="bibr">`,
//! linked to exactly the references its `rid` names.
//!
//! The body is cut into blocks (paragraphs, titles, captions, table cells,
//! list items: every element that is not inline), each flattened to plain
//! text (tags dropped, entities decoded, white space collapsed, formulas as
//! `[formula]`) with a map back to byte offsets in the file. Adjacent xrefs
//! joined by separators (`;`, `,`, a dash, `&`, brackets between them) are
//! one callout, widened to the brackets around them (`(e.g., A, 2001; B,
//! 2002)`); a dash between two numeric xrefs (`[3]–[6]`, `3–6`) implies the
//! references between them. Sentences come from [`crate::link::sentence`]
//! on each block's text.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::link::{Callout, CalloutKind, Item, Sentence, Status};

use super::tree::{Element, Node};

/// Elements whose text flows into the block around them.
const INLINE: &[&str] = &[
    "xref",
    "italic",
    "bold",
    "sup",
    "sub",
    "sc",
    "underline",
    "monospace",
    "roman",
    "sans-serif",
    "named-content",
    "styled-content",
    "ext-link",
    "uri",
    "email",
    "abbrev",
    "strike",
    "overline",
    "target",
    "related-article",
    "related-object",
    "funding-source",
    "award-id",
    "institution",
    "surname",
    "given-names",
    "name",
    "string-name",
    "price",
    "inline-graphic",
    "inline-supplementary-material",
    "break",
    "milestone-start",
    "milestone-end",
    "glyph-ref",
    "glyph-data",
    "ruby",
    "rb",
    "rt",
    "std",
    "fixed-case",
    "num",
    "hr",
];

/// Elements whose content is no text: replaced by a placeholder or dropped.
const OPAQUE: &[(&str, &str)] = &[
    ("inline-formula", "[formula]"),
    ("disp-formula", "[formula]"),
    ("mml:math", "[formula]"),
    ("math", "[formula]"),
    ("tex-math", "[formula]"),
    ("graphic", ""),
    ("media", ""),
    ("object-id", ""),
];

/// Elements whose text is not the body's, per the gold rules: footnotes
/// (those of a table's foot aside), supplementary material (its caption),
/// sub-articles, reference lists, and `<media>`/`<graphic>` (see [`OPAQUE`]).
const SKIPPED: &[&str] =
    &["fn", "fn-group", "supplementary-material", "sub-article", "ref-list", "ack"];

/// A block's text and where each byte came from.
#[derive(Debug, Default)]
pub struct Flat {
    /// The plain text, single-spaced.
    pub text: String,
    /// For each byte of `text`, the file offset where its source starts.
    starts: Vec<usize>,
    /// For each byte of `text`, the file offset where its source ends.
    ends: Vec<usize>,
    /// A space to write before the next character, and where it came from.
    pending: Option<usize>,
    /// The bibliographic xrefs in it.
    xrefs: Vec<Xref>,
}

#[derive(Debug, Clone)]
struct Xref {
    /// Its text in the flat text.
    flat: Range<usize>,
    /// The element's span in the file.
    element: Range<usize>,
    rids: Vec<String>,
}

impl Flat {
    fn space(&mut self, at: usize) {
        if !self.text.is_empty() && self.pending.is_none() {
            self.pending = Some(at);
        }
    }

    fn push(&mut self, c: char, span: Range<usize>) {
        if c.is_whitespace() {
            self.space(span.start);
            return;
        }
        if let Some(at) = self.pending.take() {
            self.text.push(' ');
            self.starts.push(at);
            self.ends.push(at + 1);
        }
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.starts.push(span.start);
            self.ends.push(span.end);
        }
    }

    fn push_raw(&mut self, xml: &str, span: Range<usize>) {
        for (i, c) in xml[span.clone()].char_indices() {
            let at = span.start + i;
            self.push(c, at..at + c.len_utf8());
        }
    }

    fn push_replacement(&mut self, text: &str, span: Range<usize>) {
        for c in text.chars() {
            self.push(c, span.clone());
        }
    }

    /// The file span of a range of the text.
    pub fn doc_span(&self, range: Range<usize>) -> Range<usize> {
        if range.is_empty() {
            let at = self
                .starts
                .get(range.start)
                .copied()
                .or_else(|| self.ends.last().copied())
                .unwrap_or(0);
            return at..at;
        }
        self.starts[range.start]..self.ends[range.end - 1]
    }
}

/// The blocks of `element`'s content, in document order (a block interrupted
/// by a nested one comes after it).
pub fn blocks(element: &Element, xml: &str) -> Vec<Flat> {
    let mut out = Vec::new();
    let mut current = Flat::default();
    walk(element, xml, false, &mut current, &mut out);
    finish(current, &mut out);
    out
}

fn finish(flat: Flat, out: &mut Vec<Flat>) {
    if !flat.text.is_empty() {
        out.push(flat);
    }
}

/// `foot`: inside a `<table-wrap-foot>`, where footnotes count.
fn walk(element: &Element, xml: &str, foot: bool, flat: &mut Flat, out: &mut Vec<Flat>) {
    for child in &element.children {
        match child {
            Node::Text(span) | Node::CData(span) => flat.push_raw(xml, span.clone()),
            Node::Ref(span, value) => flat.push_replacement(value, span.clone()),
            Node::Element(e) => {
                if let Some((_, placeholder)) = OPAQUE.iter().find(|(n, _)| *n == e.name)
                {
                    flat.space(e.span.start);
                    flat.push_replacement(placeholder, e.span.clone());
                    flat.space(e.span.end);
                } else if e.name == "xref" && e.attr("ref-type") == Some("bibr") {
                    let start = flat.text.len() + usize::from(flat.pending.is_some());
                    walk(e, xml, foot, flat, out);
                    let end = flat.text.len().max(start);
                    let rids = e
                        .attr("rid")
                        .unwrap_or("")
                        .split_whitespace()
                        .map(str::to_string);
                    flat.xrefs.push(Xref {
                        flat: start.min(end)..end,
                        element: e.span.clone(),
                        rids: rids.collect(),
                    });
                } else if INLINE.contains(&e.local()) || e.name == "xref" {
                    walk(e, xml, foot, flat, out);
                } else if e.name == "fn" && foot {
                    // A table's footnotes are text of their own.
                    let mut inner = Flat::default();
                    walk(e, xml, foot, &mut inner, out);
                    finish(inner, out);
                } else if SKIPPED.contains(&e.name.as_str()) {
                    // Left out, though a space stays where it was.
                    flat.space(e.span.start);
                } else {
                    let foot = foot || e.name == "table-wrap-foot";
                    let mut inner = Flat::default();
                    walk(e, xml, foot, &mut inner, out);
                    finish(inner, out);
                    flat.space(e.span.end);
                }
            }
        }
    }
}

static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\d{4}[a-z]?(?:[-–/]\d{2,4}[a-z]?)?|n\.\s?d\.|in press|forthcoming)",
    )
    .expect("valid regex")
});
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[\])]?\s*(?:[,;]|[-–—−‒]|&)?\s*[\[(]?\s*$").expect("valid regex")
});

/// The callouts of one block, in order, targets found through `by_id`.
pub fn callouts(flat: &Flat, by_id: &HashMap<&str, usize>) -> Vec<Callout> {
    let xrefs = &flat.xrefs;
    if xrefs.is_empty() {
        return Vec::new();
    }
    // Runs of xrefs joined by separators.
    let mut runs: Vec<Range<usize>> = Vec::new();
    for i in 0..xrefs.len() {
        let joined = i > 0 && {
            let gap = &flat.text
                [xrefs[i - 1].flat.end.min(xrefs[i].flat.start)..xrefs[i].flat.start];
            SEPARATOR.is_match(gap)
                && gap.contains(']') == gap.contains('[')
                && gap.contains(')') == gap.contains('(')
        };
        match runs.last_mut() {
            Some(run) if joined => run.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    let sentences = crate::link::sentence::split_text(&flat.text);
    let mut out = Vec::new();
    // By sentence (index into `sentences`): each callout's index in `out`,
    // span and sentence range in the flat text, for the clauses.
    type InSentence = Vec<(usize, Range<usize>, Range<usize>)>;
    let mut in_sentence: std::collections::BTreeMap<usize, InSentence> =
        std::collections::BTreeMap::new();
    for run in runs {
        let first = &xrefs[run.start];
        let last = &xrefs[run.end - 1];
        let mut range = first.flat.start..last.flat.end;
        // Widen to the brackets around the run: `(e.g., ` ... `, p. 12)`.
        let before = &flat.text[..range.start];
        let after = &flat.text[range.end..];
        let mut prefix = None;
        let mut locator = None;
        let mut bracketed = false;
        if let (Some(open), Some(close)) = (
            before.rfind(['(', '[']).filter(|&o| {
                let between = &before[o + 1..];
                between.chars().count() <= 40
                    && !between.contains([')', ']', '(', '['])
                    && !between.contains(". ")
            }),
            after.find([')', ']']).filter(|&c| {
                let between = &after[..c];
                between.chars().count() <= 40 && !between.contains(['(', '[', ')', ']'])
            }),
        ) {
            let opening = before[open..].chars().next();
            let closing = after[close..].chars().next();
            if matches!(
                (opening, closing),
                (Some('('), Some(')')) | (Some('['), Some(']'))
            ) {
                let p = before[open + 1..].trim().trim_end_matches([',', ';']).trim();
                let l = after[..close].trim().trim_start_matches([',', ';']).trim();
                if !p.is_empty() {
                    prefix = Some(p.to_string());
                }
                if !l.is_empty() {
                    locator = Some(l.to_string());
                }
                range = open..range.end + close + 1;
                bracketed = true;
            }
        }
        let mut items: Vec<Item> = Vec::new();
        let numeric =
            xrefs[run.clone()].iter().all(|x| is_number(&flat.text[x.flat.clone()]));
        for i in run.clone() {
            let xref = &xrefs[i];
            if i > run.start && numeric {
                implied(flat, &xrefs[i - 1], xref, by_id, &mut items);
            }
            let text = flat.text[xref.flat.clone()].trim();
            let (authors, year) = if numeric {
                (String::new(), text.trim_matches(['[', ']', '(', ')', ' ']).to_string())
            } else {
                split_author_year(text)
            };
            let targets: Vec<usize> =
                xref.rids.iter().filter_map(|r| by_id.get(r.as_str()).copied()).collect();
            let status = if !targets.is_empty() && targets.len() == xref.rids.len() {
                Status::Resolved
            } else {
                Status::Unresolved
            };
            let span = if xref.flat.is_empty() {
                xref.element.clone()
            } else {
                flat.doc_span(trimmed(&flat.text, xref.flat.clone()))
            };
            items.push(Item {
                span,
                authors,
                year,
                locator: None,
                prefix: None,
                status,
                targets,
                candidates: Vec::new(),
                implied: false,
                note: None,
                fit: None,
            });
        }
        if let Some(first) = items.first_mut() {
            first.prefix = prefix;
        }
        if let Some(last) = items.iter_mut().rev().find(|i| !i.implied) {
            last.locator = locator;
        }
        let kind = if numeric {
            CalloutKind::Numeric
        } else if bracketed || flat.text[first.flat.clone()].starts_with('(') {
            CalloutKind::Parenthetical
        } else {
            CalloutKind::Narrative
        };
        let (at, sentence) = crate::link::sentence_around(&sentences, &range);
        in_sentence.entry(at).or_default().push((
            out.len(),
            range.clone(),
            sentence.clone(),
        ));
        out.push(Callout {
            kind,
            span: flat.doc_span(range),
            items,
            sentence: Sentence {
                span: flat.doc_span(sentence.clone()),
                text: flat.text[sentence].to_string(),
            },
            clause: None,
        });
    }
    // A sentence citing several sources: each callout's clause, as in markdown.
    for list in in_sentence.values().filter(|list| list.len() > 1) {
        let spans: Vec<_> = list
            .iter()
            .map(|(_, span, sentence)| (span.clone(), sentence.clone()))
            .collect();
        for ((i, ..), clause) in list.iter().zip(crate::link::clauses(
            &flat.text,
            |r| flat.doc_span(r),
            &spans,
        )) {
            out[*i].clause = Some(clause);
        }
    }
    out
}

/// `[3]–[6]`: the references between two numeric xrefs joined by a dash.
fn implied(
    flat: &Flat,
    from: &Xref,
    to: &Xref,
    by_id: &HashMap<&str, usize>,
    items: &mut Vec<Item>,
) {
    let gap = flat.text[from.flat.end..to.flat.start].to_string();
    if !gap.contains(['-', '–', '—', '−', '‒'])
        || from.rids.len() != 1
        || to.rids.len() != 1
    {
        return;
    }
    let (Some(&a), Some(&b)) =
        (by_id.get(from.rids[0].as_str()), by_id.get(to.rids[0].as_str()))
    else {
        return;
    };
    if b <= a + 1 || b - a > 500 {
        return;
    }
    let dash = gap.find(['-', '–', '—', '−', '‒']).unwrap_or(0) + from.flat.end;
    let dash_len = flat.text[dash..].chars().next().map_or(1, char::len_utf8);
    let number =
        |x: &Xref| flat.text[x.flat.clone()].trim_matches(['[', ']', ' ']).to_string();
    let (na, nb) = (number(from), number(to));
    let year = match (na.parse::<usize>(), nb.parse::<usize>()) {
        (Ok(x), Ok(y)) if y > x + 1 => format!("{}–{}", x + 1, y - 1),
        _ => String::new(),
    };
    items.push(Item {
        span: flat.doc_span(dash..dash + dash_len),
        authors: String::new(),
        year,
        locator: None,
        prefix: None,
        status: Status::Resolved,
        targets: (a + 1..b).collect(),
        candidates: Vec::new(),
        implied: true,
        note: None,
        fit: None,
    });
}

fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}

/// `12`, `[12]`, `(3)`, and the lists and ranges one xref naming several
/// references may print (`3,4`, `5–7`): reference numbers.
fn is_number(text: &str) -> bool {
    let inner = text.trim().trim_matches(['[', ']', '(', ')']).trim();
    inner.chars().next().is_some_and(|c| c.is_ascii_digit())
        && inner.chars().last().is_some_and(|c| c.is_ascii_digit())
        && inner.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, ',' | ' ' | '-' | '–' | '—' | '−' | '‒')
        })
}

/// `Cao et al., 2002` → (`Cao et al.`, `2002`); `Cao et al. (2002)` likewise.
fn split_author_year(text: &str) -> (String, String) {
    match YEAR.find_iter(text).last() {
        Some(m) => {
            let authors =
                text[..m.start()].trim().trim_end_matches(['(', ',', ' ']).trim();
            (authors.to_string(), m.as_str().to_string())
        }
        None => (text.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_year_split() {
        assert_eq!(
            split_author_year("Cao et al., 2002"),
            ("Cao et al.".to_string(), "2002".to_string())
        );
        assert_eq!(
            split_author_year("Cao et al. (2002a)"),
            ("Cao et al.".to_string(), "2002a".to_string())
        );
        assert!(is_number("[12]") && !is_number("Cao 2002"));
    }
}
