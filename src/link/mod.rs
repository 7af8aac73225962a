//! Cited claims: every in-text citation of a document, the sentence it
//! supports and the reference it points to.
//!
//! The pipeline, one file per step: [`blocks`] cuts the document's body into
//! paragraphs (headings, the reference list and pull-quotes left out, a
//! paragraph broken by a page break joined again); [`sentence`] splits them
//! into sentences; [`scan`] finds the callouts (author-year parentheticals
//! and narratives, numeric brackets) and [`resolve`] points each work they
//! name at one reference of the document's own list, or says why it cannot;
//! [`mismatch`] checks what the callout and the reference disagree on.
//! [`attrib`] finds the claims that news text attributes to named sources.
//!
//! Everything here works on `&str` and byte offsets into it; nothing reads
//! files or knows the store: the caller gives each reference its key.

pub mod attrib;
pub mod attrib_eval;
pub mod blocks;
pub mod document;
pub mod eval;
pub mod html;
pub mod mismatch;
pub mod resolve;
pub mod scan;
pub mod sentence;
pub mod sources;

use std::ops::Range;

use crate::model::{Entry, Name, Value};

pub use resolve::Reference;

/// How a callout cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CalloutKind {
    /// `(Xinhua, 2015a)`, `(e.g., Cao et al., 2002; Muller et al., 2002)`.
    Parenthetical,
    /// `Yuezhi Zhao (2007)`, `Wang's (2017) argument`.
    Narrative,
    /// `[1]`, `[2–5]`, `[2]-[4]`, `(1)` against a numbered list.
    Numeric,
}

impl CalloutKind {
    /// The name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            CalloutKind::Parenthetical => "parenthetical",
            CalloutKind::Narrative => "narrative",
            CalloutKind::Numeric => "numeric",
        }
    }
}

/// Whether a callout (or one work it names) points at exactly one reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Every work it names is one reference of the list.
    Resolved,
    /// A work it names fits several references equally well.
    Ambiguous,
    /// A work it names fits no reference.
    Unresolved,
}

impl Status {
    /// The name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Resolved => "resolved",
            Status::Ambiguous => "ambiguous",
            Status::Unresolved => "unresolved",
        }
    }
}

/// The sentence (or clause) that carries a callout: the claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte span in the document, from its first to its last character; may
    /// include a page break or pull-quotes that interrupt it.
    pub span: Range<usize>,
    /// The sentence as read: lines joined with single spaces, interrupting
    /// pull-quotes and page breaks left out.
    pub text: String,
}

/// One cited work of a callout: `Cao et al., 2002` of
/// `(Cao et al., 2002; Czermin et al., 2002)`, or `3` of `[3, 5]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Byte span in the document (the author-year text without brackets,
    /// prefixes and locators; for numbers the number, or the whole range).
    pub span: Range<usize>,
    /// The author part as printed (`Cao et al.`), empty for numbers.
    pub authors: String,
    /// The year as printed with its suffix (`2015a`, `n.d.`), or the number or
    /// range (`2–5`).
    pub year: String,
    /// `p. 12`, `chap. 2`, … when given.
    pub locator: Option<String>,
    /// `e.g.`, `see`, … when given before the item.
    pub prefix: Option<String>,
    /// Whether it resolved.
    pub status: Status,
    /// The reference indexes it points at (several for a numeric range).
    pub targets: Vec<usize>,
    /// The references it could be, when ambiguous or unresolved.
    pub candidates: Vec<usize>,
    /// References implied by a range between two bracketed numbers
    /// (`[2]–[5]` implies 3 and 4); the span is the dash.
    pub implied: bool,
    /// How a resolution short of a full match was reached (`spelling`,
    /// `author_order`, `no_authors`).
    pub note: Option<&'static str>,
    /// How the names and date fit the reference chosen or the best candidates.
    pub fit: Option<resolve::Fit>,
}

/// One in-text citation: a parenthetical, a narrative citation or a numeric
/// bracket, with every work it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callout {
    /// How it cites.
    pub kind: CalloutKind,
    /// Byte span in the document: the whole parenthetical with its brackets,
    /// the narrative's name and year (`Yuezhi Zhao (2007)`), the numeric
    /// bracket or bracket range (`[2]-[4]`).
    pub span: Range<usize>,
    /// The works it names, in order.
    pub items: Vec<Item>,
    /// The claim it supports.
    pub sentence: Sentence,
    /// The part of the sentence it supports, when the sentence cites
    /// several sources for different parts.
    pub clause: Option<Sentence>,
}

impl Callout {
    /// The worst status of its items: resolved only when every work resolved.
    pub fn status(&self) -> Status {
        self.items.iter().map(|item| item.status).max().unwrap_or(Status::Unresolved)
    }

    /// Every reference it points at, in order, without repeats.
    pub fn targets(&self) -> Vec<usize> {
        without_repeats(self.items.iter().flat_map(|item| &item.targets))
    }

    /// Every candidate of its ambiguous or unresolved items, without repeats.
    pub fn candidates(&self) -> Vec<usize> {
        without_repeats(self.items.iter().flat_map(|item| &item.candidates))
    }
}

/// What a callout and the reference it points at disagree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Index of the callout in [`Links::callouts`].
    pub callout: usize,
    /// The reference.
    pub ref_index: usize,
    /// What disagrees (`year`, `suffix`, `spelling`, `date_vs_url`, `date_vs_text`).
    pub kind: &'static str,
    /// Says what disagrees and what to check.
    pub message: String,
}

/// The cited claims of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// Every callout, in document order.
    pub callouts: Vec<Callout>,
    /// References no callout points at, in list order.
    pub uncited: Vec<usize>,
    /// Disagreements between callouts and their references.
    pub mismatches: Vec<Mismatch>,
}

/// Finds and resolves every callout of `document` against its reference
/// list `references` (in list order; `exclude` are the byte spans of the
/// reference sections, left out of the body).
pub fn link(document: &str, references: &[Reference], exclude: &[Range<usize>]) -> Links {
    let blocks = blocks::body_blocks(document, exclude);
    let numbered = resolve::list_is_numbered(references);
    let paren_numbers = scan::parens_are_numbers(document, &blocks, numbered);
    let index = resolve::Index::new(references);
    let mut callouts = Vec::new();
    for block in &blocks {
        let flat = sentence::Flat::of(document, &block.parts);
        let found = scan::scan_flat(&flat, numbered, paren_numbers, &index);
        if found.is_empty() {
            continue;
        }
        let sentences = sentence::split_text(&flat.text);
        let mut in_sentence: Vec<Vec<usize>> = vec![Vec::new(); sentences.len()];
        for (span, mut callout) in found {
            let (at, range) = sentence_around(&sentences, &span);
            callout.sentence = Sentence {
                span: flat.doc_span(range.clone()),
                text: flat.text[range.clone()].to_string(),
            };
            if let Some(list) = in_sentence.get_mut(at) {
                list.push(callouts.len());
            }
            callouts.push((span, range, callout));
        }
        for list in in_sentence.iter().filter(|l| l.len() > 1) {
            let spans: Vec<_> = list
                .iter()
                .map(|&i| (callouts[i].0.clone(), callouts[i].1.clone()))
                .collect();
            for (&i, clause) in
                list.iter().zip(clauses(&flat.text, |r| flat.doc_span(r), &spans))
            {
                callouts[i].2.clause = Some(clause);
            }
        }
    }
    let mut callouts: Vec<Callout> = callouts.into_iter().map(|(_, _, c)| c).collect();
    // Blocks joined over pull-quotes come after them: document order again.
    callouts.sort_by_key(|c| c.span.start);
    let mut cited = vec![false; references.len()];
    for callout in &callouts {
        for target in callout.targets() {
            if let Some(flag) = cited.get_mut(target) {
                *flag = true;
            }
        }
    }
    let uncited = (0..references.len()).filter(|&i| !cited[i]).collect();
    let mismatches = mismatch::check(document, &callouts, references);
    Links { callouts, uncited, mismatches }
}

/// The sentence a callout at `span` of a block's flat text stands in (all
/// the sentences it touches, when it runs over a split), as the index of
/// the first in `sentences` and a flat-text range.
pub(crate) fn sentence_around(
    sentences: &[Range<usize>],
    span: &Range<usize>,
) -> (usize, Range<usize>) {
    let at = sentences.partition_point(|s| s.end <= span.start);
    let mut range = sentences.get(at).cloned().unwrap_or(span.clone());
    let mut last = at;
    while last + 1 < sentences.len() && sentences[last].end < span.end {
        last += 1;
    }
    if let Some(end) = sentences.get(last) {
        range.end = range.end.max(end.end);
    }
    range.start = range.start.min(span.start);
    range.end = range.end.max(span.end);
    (at, range)
}

/// A sentence citing several sources for different parts: each callout's
/// clause runs from the end of the one before. `in_sentence` holds the
/// callouts of one sentence in order, as (callout span, sentence range) in
/// the block's flat text `text` (`doc_span` maps a range of it into the
/// document); the clauses come back in the same order.
pub(crate) fn clauses(
    text: &str,
    doc_span: impl Fn(Range<usize>) -> Range<usize>,
    in_sentence: &[(Range<usize>, Range<usize>)],
) -> Vec<Sentence> {
    let Some((_, first)) = in_sentence.first() else { return Vec::new() };
    let mut from = first.start;
    let mut out = Vec::with_capacity(in_sentence.len());
    for (n, (span, range)) in in_sentence.iter().enumerate() {
        let end = if n + 1 == in_sentence.len() { range.end } else { span.end };
        let part = &text[from.min(end)..end];
        let trimmed = part.trim_start_matches([' ', ',', ';', ':', '–', '—']);
        let clause = end - trimmed.len()..end;
        from = span.end;
        out.push(Sentence {
            span: doc_span(clause.clone()),
            text: text[clause].to_string(),
        });
    }
    out
}

/// The family names (or corporate names) and the given names of an entry's
/// authors, else its editors.
pub(crate) fn entry_names(entry: &Entry) -> Vec<&Name> {
    for field in ["author", "editor", "organization", "institution"] {
        if let Some(Value::Names(names)) = entry.fields.get(field).map(|f| &f.value)
            && !names.is_empty()
        {
            return names.iter().collect();
        }
    }
    Vec::new()
}

/// The indexes in order, each at its first place.
fn without_repeats<'a>(indexes: impl Iterator<Item = &'a usize>) -> Vec<usize> {
    let mut out = Vec::new();
    for &index in indexes {
        if !out.contains(&index) {
            out.push(index);
        }
    }
    out
}
