//! Finding callouts in running text.
//!
//! Author-year callouts are found from their years: every year (`2015`,
//! `2015a`, `n.d.`, `in press`) is a candidate, and the words before it are
//! read backwards as long as they can be names (capitalised words, particles,
//! `and`, `&`, commas, `et al.`, `and colleagues`, `of` inside corporate
//! names). The index of the document's references then decides how many of
//! those words belong to the citation (`As Yu Hong (2017)` cites `Hong, Y.`,
//! not `As Yu Hong`); a candidate that resolves to nothing is kept only where
//! its form leaves no doubt that it is a citation (`(Name, 2015)` inside
//! brackets, `Name et al. (2015)`), so that `In January 2015` or
//! `the Xinhua 2015 report` are not callouts. Numeric callouts (`[3]`,
//! `[2–5]`, `[2]-[4]`, `(1)`, `^1,2^`) are read only when the reference list
//! is numbered.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::blocks::Block;
use super::resolve::{Cited, Index, Resolution};
use super::sentence::Flat;
use super::{Callout, CalloutKind, Item, Sentence, Status};
use crate::model::MONTH_NAMES;

/// A year as callouts print it, `n.d.`, `in press`, `forthcoming`.
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:(1[5-9]\d\d|20\d\d)([a-z])?\b|(n\.\s?d\.?)|(in press|forthcoming)\b)",
    )
    .expect("valid regex")
});

/// A locator after the year: `, p. 12`, `: 12–14`, `, chap. 2`.
static LOCATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\s*,\s*((?:pp?|chaps?|ch|secs?|§|paras?|figs?|Fig|Figs|Figure|Table|vol|n|nn|ll?)\.?\s*[0-9ivxlcIVXLC]+(?:\s*[-–—]\s*[0-9ivxlc]+)?)|:\s*(\d+(?:\s*[-–]\s*\d+)?)\b)",
    )
    .expect("valid regex")
});

/// The inside of a numeric bracket: `3`, `1, 3`, `2–5`, `1-3,7`.
static NUMBERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?(?:\s*[,;]\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?)*\s*$")
        .expect("valid regex")
});

/// Capitalised words that are never the name of a cited author, besides the
/// month names ([`MONTH_NAMES`]; see [`is_not_a_name`]).
const NOT_NAMES: &[&str] = &[
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Spring",
    "Summer",
    "Autumn",
    "Fall",
    "Winter",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "In",
    "On",
    "At",
    "By",
    "Since",
    "From",
    "Until",
    "Till",
    "Before",
    "After",
    "During",
    "Between",
    "Through",
    "Around",
    "About",
    "Circa",
    "Early",
    "Late",
    "Mid",
    "End",
    "The",
    "This",
    "That",
    "These",
    "Those",
    "Its",
    "Their",
    "Our",
    "His",
    "Her",
    "A",
    "An",
    "And",
    "Or",
    "But",
    "As",
    "Of",
    "For",
    "To",
    "With",
    "Figure",
    "Figures",
    "Fig",
    "Figs",
    "Table",
    "Tables",
    "Section",
    "Sections",
    "Chapter",
    "Chapters",
    "Appendix",
    "Supplementary",
    "Supplement",
    "Equation",
    "Eq",
    "Eqs",
    "Box",
    "Panel",
    "Video",
    "Movie",
    "Data",
    "Year",
    "Years",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "H1",
    "H2",
    "FY",
    "AD",
    "BC",
    "CE",
    "BCE",
    "Vol",
    "Volume",
    "No",
    "Number",
    "Issue",
    "Part",
    "Page",
    "Pages",
    "Step",
    "Version",
    "Release",
    "Phase",
    "Class",
    "Type",
    "Group",
    "Grade",
    "Level",
    "Stage",
    "Wave",
    "Round",
    "Study",
    "Experiment",
    "Model",
    "Source",
    "Sources",
    "Note",
    "Notes",
    "See",
    "Also",
    "Cf",
    "Eg",
    "Ie",
    "Compare",
    "Reviewed",
    "Review",
    "Reviews",
    "Both",
    "All",
    "Each",
    "Every",
    "Total",
    "Census",
    "Survey",
    "Report",
    "Act",
    "Law",
    "Plan",
    "Agenda",
    "Vision",
];

/// Lower-case words inside corporate names (`Bank of China`).
const NAME_CONNECTORS: &[&str] =
    &["of", "for", "on", "the", "and", "in", "de", "du", "des"];

/// Particles before a family name.
const PARTICLES: &[&str] = &[
    "von", "van", "de", "der", "den", "del", "della", "di", "da", "du", "la", "le",
    "ten", "ter", "dos", "das", "do", "zu", "vom", "d'", "d’", "dei", "degli", "st",
    "las", "los", "des", "lo",
];

/// A token of a name phrase, read backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// A capitalised word.
    Name,
    /// `von`, `van der`, …
    Particle,
    /// `of`, `for` inside a corporate name.
    Connector,
    /// `and` or `&` between names.
    And,
    /// `,` between names.
    Comma,
    /// `et al.`, `and colleagues`, `and co-workers`.
    Others,
}

/// The words before a year that can be names.
#[derive(Debug, Clone)]
struct Phrase {
    /// Tokens in reading order with their spans in the flat text.
    tokens: Vec<(Tok, Range<usize>)>,
}

/// A name phrase read into cited names: the spans of the words of each name.
struct Names {
    /// Each name's words (spans in the flat text).
    names: Vec<Vec<Range<usize>>>,
    /// `et al.` or the like.
    others: bool,
}

/// Whether `(1)`-style numbers are callouts in this document: the list is
/// numbered and no numbers in square brackets are used.
pub fn parens_are_numbers(document: &str, blocks: &[Block], numbered: bool) -> bool {
    numbered && !has_bracket_numbers(document, blocks)
}

/// The callouts of one block (its [`Flat`] text), each with its span in the
/// flat text.
pub fn scan_flat(
    flat: &Flat,
    numbered: bool,
    paren_numbers: bool,
    index: &Index,
) -> Vec<(Range<usize>, Callout)> {
    let mut found = Vec::new();
    if numbered {
        found.extend(numeric(&flat.text, index, paren_numbers));
    }
    author_year(&flat.text, index, &mut found);
    found.sort_by_key(|c: &Found| (c.span.start, c.span.end));
    // Overlaps (a numeric bracket read as a year too) keep the first.
    let mut out = Vec::new();
    let mut last_end = 0;
    for callout in found {
        if callout.span.start < last_end {
            continue;
        }
        last_end = callout.span.end;
        out.push((callout.span.clone(), callout.into_callout(flat)));
    }
    out
}

/// A callout in flat-text coordinates.
struct Found {
    kind: CalloutKind,
    span: Range<usize>,
    items: Vec<FoundItem>,
}

struct FoundItem {
    span: Range<usize>,
    authors: String,
    year: String,
    locator: Option<String>,
    prefix: Option<String>,
    resolution: Resolution,
    implied: bool,
}

impl Found {
    fn into_callout(self, flat: &Flat) -> Callout {
        Callout {
            kind: self.kind,
            span: flat.doc_span(self.span),
            items: self
                .items
                .into_iter()
                .map(|item| Item {
                    span: flat.doc_span(item.span),
                    authors: item.authors,
                    year: item.year,
                    locator: item.locator,
                    prefix: item.prefix,
                    status: item.resolution.status,
                    targets: item.resolution.targets,
                    candidates: item.resolution.candidates,
                    implied: item.implied,
                    note: item.resolution.note.or(if item.resolution.fuzzy {
                        Some("spelling")
                    } else {
                        None
                    }),
                    fit: item.resolution.fit,
                })
                .collect(),
            sentence: Sentence { span: 0..0, text: String::new() },
            clause: None,
        }
    }
}

/// Matched bracket pairs `()` and `[]` of `text` (open, close, bracket).
fn bracket_pairs(text: &str) -> Vec<(usize, usize)> {
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut pairs = Vec::new();
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' | b'[' if stack.len() < 64 => stack.push((b, i)),
            b')' | b']' => {
                let open = if b == b')' { b'(' } else { b'[' };
                if let Some(pos) = stack.iter().rposition(|&(o, _)| o == open) {
                    pairs.push((stack[pos].1, i));
                    stack.truncate(pos);
                }
            }
            _ => {}
        }
    }
    pairs.sort_unstable();
    pairs
}

/// The innermost pair of `pairs` strictly around `span`.
fn enclosing(pairs: &[(usize, usize)], span: &Range<usize>) -> Option<(usize, usize)> {
    let upto = pairs.partition_point(|p| p.0 < span.start);
    pairs[..upto]
        .iter()
        .rev()
        .take(64)
        .filter(|p| p.1 >= span.end)
        .min_by_key(|p| p.1 - p.0)
        .copied()
}

fn is_name_word(word: &str) -> bool {
    // Capitalised, or in a script without case (`周杰`, `박`).
    let first = word.chars().next().unwrap_or(' ');
    (first.is_uppercase()
        || (first.is_alphabetic() && !first.is_lowercase() && !first.is_ascii()))
        && word.chars().any(char::is_alphabetic)
}

/// Reads the name phrase that ends at `end` of `text`, backwards.
fn phrase_before(text: &str, end: usize) -> Phrase {
    let mut tokens: Vec<(Tok, Range<usize>)> = Vec::new();
    let mut pos = end;
    let bytes = text.as_bytes();
    while tokens.len() < 16 {
        while pos > 0 && bytes[pos - 1] == b' ' {
            pos -= 1;
        }
        if pos == 0 {
            break;
        }
        let prev = bytes[pos - 1];
        if prev == b',' {
            tokens.push((Tok::Comma, pos - 1..pos));
            pos -= 1;
            continue;
        }
        if prev == b'&' {
            tokens.push((Tok::And, pos - 1..pos));
            pos -= 1;
            continue;
        }
        // A word: letters, digits, apostrophes, hyphens and inner periods.
        let start = text[..pos]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| {
                c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '.')
            })
            .last()
            .map_or(pos, |(i, _)| i);
        if start == pos {
            break;
        }
        let word = &text[start..pos];
        let bare = word.trim_end_matches('.');
        let before = text[..start].trim_end();
        let tok = if (bare == "al" || bare == "al.") && before.ends_with("et") {
            let et = before.len() - 2;
            if et > 0 && text[..et].ends_with(|c: char| c.is_alphanumeric()) {
                break;
            }
            tokens.push((Tok::Others, et..pos));
            pos = et;
            continue;
        } else if matches!(
            bare,
            "colleagues" | "co-workers" | "coworkers" | "collaborators"
        ) && before.ends_with("and")
        {
            let and = before.len() - 3;
            tokens.push((Tok::Others, and..pos));
            pos = and;
            continue;
        } else if bare == "and" {
            Tok::And
        } else if is_name_word(bare) {
            if bare.ends_with('.') || word.matches('.').count() > 1 && !is_initials(word)
            {
                break;
            }
            Tok::Name
        } else if PARTICLES.contains(&bare) {
            Tok::Particle
        } else if NAME_CONNECTORS.contains(&bare) {
            Tok::Connector
        } else {
            break;
        };
        // A word ending in a period is a sentence end or an abbreviation,
        // except initials.
        if word.ends_with('.') && tok == Tok::Name && !is_initials(word) {
            break;
        }
        tokens.push((tok, start..pos));
        pos = start;
    }
    tokens.reverse();
    // Trim what cannot start a name phrase.
    while let Some((tok, _)) = tokens.first() {
        match tok {
            Tok::Name => break,
            Tok::Particle if particles_then_name(&tokens, 0) => break,
            _ => {
                tokens.remove(0);
            }
        }
    }
    Phrase { tokens }
}

/// Whether the particles from `from` on (`van der`) lead to a name.
fn particles_then_name(tokens: &[(Tok, Range<usize>)], from: usize) -> bool {
    tokens[from..].iter().find(|t| t.0 != Tok::Particle).is_some_and(|t| t.0 == Tok::Name)
}

fn is_initials(word: &str) -> bool {
    word.split('.').all(|p| p.chars().count() <= 1)
        && word.chars().any(char::is_uppercase)
}

impl Phrase {
    /// The phrase split into names from the token `from` on.
    fn names(&self, from: usize) -> Names {
        let mut names: Vec<Vec<Range<usize>>> = vec![Vec::new()];
        let mut others = false;
        for (tok, span) in &self.tokens[from..] {
            match tok {
                Tok::Name | Tok::Particle | Tok::Connector => {
                    names.last_mut().expect("one name").push(span.clone())
                }
                Tok::And | Tok::Comma => {
                    if names.last().is_some_and(|n| !n.is_empty()) {
                        names.push(Vec::new());
                    }
                }
                Tok::Others => others = true,
            }
        }
        names.retain(|n| !n.is_empty());
        Names { names, others }
    }

    /// The phrase from `from` on as one name, when it joins words with
    /// `and` and no commas (a corporate name).
    fn whole(&self, from: usize) -> Option<Names> {
        let tokens = &self.tokens[from..];
        if !tokens.iter().any(|t| t.0 == Tok::And)
            || tokens.iter().any(|t| matches!(t.0, Tok::Comma | Tok::Others))
        {
            return None;
        }
        let words: Vec<Range<usize>> = tokens.iter().map(|t| t.1.clone()).collect();
        Some(Names { names: vec![words], others: false })
    }

    /// Token indexes where a phrase may start: the first token, and every
    /// later word of the first name.
    fn starts(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, (tok, _)) in self.tokens.iter().enumerate() {
            match tok {
                Tok::Name => out.push(i),
                Tok::Particle => {
                    let first_of_run = i == 0 || self.tokens[i - 1].0 != Tok::Particle;
                    if first_of_run && particles_then_name(&self.tokens, i) {
                        out.push(i)
                    }
                }
                Tok::Connector => {}
                _ => break,
            }
        }
        out
    }
}

/// A cited work from names and a year.
fn cited(text: &str, names: &Names, year: &YearText) -> Cited {
    Cited {
        names: names
            .names
            .iter()
            .map(|words| {
                let span = words[0].start..words[words.len() - 1].end;
                strip_possessive(&text[span]).to_string()
            })
            .collect(),
        others: names.others,
        year: year.year,
        suffix: year.suffix.clone(),
        in_press: year.in_press,
    }
}

fn strip_possessive(name: &str) -> &str {
    name.strip_suffix("'s")
        .or_else(|| name.strip_suffix("’s"))
        .or_else(|| name.strip_suffix('\''))
        .or_else(|| name.strip_suffix('’'))
        .unwrap_or(name)
}

/// A year as printed.
#[derive(Debug, Clone)]
struct YearText {
    span: Range<usize>,
    year: Option<i32>,
    suffix: Option<String>,
    in_press: bool,
}

/// Whether the words of `names` look like names of authors.
fn plausible(text: &str, names: &Names) -> bool {
    !names.names.is_empty()
        && names.names.iter().all(|words| {
            let first = &text[words[0].clone()];
            let last = strip_possessive(&text[words[words.len() - 1].clone()]);
            words.len() <= 6
                && !is_not_a_name(first)
                && !is_not_a_name(last)
                && words.iter().any(|w| is_name_word(&text[w.clone()]))
        })
}

/// Whether a capitalised word is never the name of a cited author.
fn is_not_a_name(word: &str) -> bool {
    MONTH_NAMES.contains(&word) || NOT_NAMES.contains(&word)
}

/// How a year is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `Name (2015)`: the year opens its own bracket.
    Narrative,
    /// `Name, 2015` / `Name 2015` inside brackets.
    Bracketed,
    /// `Name, 2015` / `Name et al. 2015` in running text.
    Bare,
}

/// An author-year item found, before grouping.
struct Pending {
    /// The bracket pair that groups it with others (for a narrative
    /// citation outside brackets: its own year bracket).
    group: Option<(usize, usize)>,
    /// Whether it is a narrative citation outside other brackets.
    narrative: bool,
    item: FoundItem,
}

/// The previous item, whose names a following bare year repeats.
struct Previous {
    end: usize,
    cited: Cited,
    authors: String,
    group: Option<(usize, usize)>,
    narrative: bool,
}

/// Author-year callouts of `text`.
fn author_year(text: &str, index: &Index, out: &mut Vec<Found>) {
    let pairs = bracket_pairs(text);
    let taken: Vec<Range<usize>> = out.iter().map(|f| f.span.clone()).collect();
    let mut pending: Vec<Pending> = Vec::new();
    let mut previous: Option<Previous> = None;
    for m in YEAR.captures_iter(text) {
        let whole = m.get(0).expect("match");
        let span = whole.range();
        if taken.iter().any(|t| t.start <= span.start && span.end <= t.end) {
            continue;
        }
        let year = YearText {
            span: span.clone(),
            year: m.get(1).and_then(|y| y.as_str().parse().ok()),
            suffix: m.get(2).map(|s| s.as_str().to_string()),
            in_press: m.get(4).is_some(),
        };
        if year.suffix.as_deref() == Some("s") {
            continue; // the 1990s
        }
        let before = text[..span.start].chars().next_back();
        let after = text[span.end..].chars().next();
        if before.is_some_and(|c| {
            c.is_alphanumeric()
                || matches!(c, '/' | '.' | '-' | '–' | '$' | '#' | '€' | '£')
        }) || after.is_some_and(|c| c.is_ascii_digit() || c == '/')
            || (matches!(after, Some('-' | '–'))
                && text[span.end..].chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
        {
            continue;
        }
        let mut locator = None;
        let mut item_end = span.end;
        if let Some(l) = LOCATOR.captures(&text[span.end..])
            && let Some(g) = l.get(1).or_else(|| l.get(2))
        {
            locator = Some(g.as_str().to_string());
            item_end = span.end + g.end();
        }
        let yeartext = text[span.clone()].to_string();
        // `Smith (2001, 2003)`, `(Carroll et al., 2008, 2011)`: a year right
        // after the previous item cites the same authors.
        if let Some(prev) = previous.take() {
            let gap = text.get(prev.end..span.start).unwrap_or(";");
            if gap.contains([',', ';'])
                && gap.trim().trim_matches([',', ';', ' ']).is_empty()
            {
                let mut cited = prev.cited.clone();
                cited.year = year.year;
                cited.suffix = year.suffix.clone();
                cited.in_press = year.in_press;
                let resolution = index.resolve(&cited);
                pending.push(Pending {
                    group: prev.group,
                    narrative: prev.narrative,
                    item: FoundItem {
                        span: span.start..item_end,
                        authors: prev.authors.clone(),
                        year: yeartext,
                        locator,
                        prefix: None,
                        resolution,
                        implied: false,
                    },
                });
                previous = Some(Previous { end: item_end, cited, ..prev });
                continue;
            }
        }
        let lead = text[..span.start].trim_end_matches(' ');
        let (form, phrase_end, own) = if lead.ends_with(['(', '[']) {
            let open = lead.len() - 1;
            // The year's own bracket must close after the year and its extras.
            let own = pairs.binary_search_by_key(&open, |p| p.0).ok().map(|i| pairs[i]);
            match own {
                Some(pair) if pair.1 >= span.end => (Form::Narrative, open, Some(pair)),
                _ => continue,
            }
        } else {
            if lead.len() == span.start {
                continue; // no space before the year
            }
            let sep = lead.strip_suffix(',').unwrap_or(lead);
            let in_brackets = enclosing(&pairs, &span).is_some();
            (if in_brackets { Form::Bracketed } else { Form::Bare }, sep.len(), None)
        };
        let phrase = phrase_before(text, phrase_end);
        if phrase.tokens.is_empty() {
            continue;
        }
        let Some((start_tok, names, resolution)) =
            choose(text, &phrase, &year, index, form)
        else {
            continue;
        };
        let phrase_start = phrase.tokens[start_tok].1.start;
        let phrase_last = phrase.tokens.last().map_or(phrase_start, |t| t.1.end);
        let item_span = match own {
            Some((_, close)) => phrase_start..close + 1,
            None => phrase_start..item_end,
        };
        let outer = enclosing(&pairs, &item_span);
        let narrative = form != Form::Bracketed && outer.is_none();
        let group = if narrative { own } else { outer };
        // What stands between the bracket (or a `;`) and the names.
        let prefix = outer.and_then(|(open, _)| {
            let gap = &text[open + 1..phrase_start];
            let from = gap.rfind(';').map_or(0, |i| i + 1);
            let p = gap[from..].trim().trim_end_matches(',').trim();
            (!p.is_empty() && p.len() <= 40).then(|| p.to_string())
        });
        let cited_work = cited(text, &names, &year);
        let authors = text[phrase_start..phrase_last].to_string();
        previous = Some(Previous {
            end: item_end,
            cited: cited_work,
            authors: authors.clone(),
            group,
            narrative,
        });
        pending.push(Pending {
            group,
            narrative,
            item: FoundItem {
                span: item_span,
                authors,
                year: yeartext,
                locator,
                prefix,
                resolution,
                implied: false,
            },
        });
    }
    // Items inside one bracket pair form one callout.
    let mut iter = pending.into_iter().peekable();
    while let Some(first) = iter.next() {
        let group = first.group;
        let narrative = first.narrative;
        let mut items = vec![first.item];
        if group.is_some() {
            while let Some(next) = iter.next_if(|p| p.group == group) {
                items.push(next.item);
            }
        }
        let start = items.iter().map(|it| it.span.start).min().unwrap_or(0);
        let end = items.iter().map(|it| it.span.end).max().unwrap_or(start);
        let span = match group {
            Some((open, close)) if !narrative => {
                let inside: usize = items.iter().map(|it| it.span.len()).sum();
                let other = (close + 1 - open).saturating_sub(inside);
                let inside = &text[open + 1..close];
                if other <= 80 && super::sentence::split_text(inside).len() <= 1 {
                    open..close + 1
                } else {
                    start..end
                }
            }
            _ => start..end,
        };
        let kind =
            if narrative { CalloutKind::Narrative } else { CalloutKind::Parenthetical };
        out.push(Found { kind, span, items });
    }
}

/// Picks where the names start and resolves them; None when the phrase is
/// not a citation.
fn choose(
    text: &str,
    phrase: &Phrase,
    year: &YearText,
    index: &Index,
    form: Form,
) -> Option<(usize, Names, Resolution)> {
    let starts = phrase.starts();
    let mut fallback: Option<(usize, Names, Resolution)> = None;
    for &start in &starts {
        // `Institute for Health Metrics and Evaluation`: one corporate name.
        if let Some(whole) = phrase.whole(start) {
            let resolution = index.resolve(&cited(text, &whole, year));
            if resolution.status == Status::Resolved
                && resolution.note.is_none()
                && !resolution.fuzzy
            {
                if !bare_ok(text, phrase, &whole, form) {
                    return None;
                }
                return Some((start, whole, resolution));
            }
        }
        let names = phrase.names(start);
        if names.names.is_empty() {
            continue;
        }
        let cited = cited(text, &names, year);
        let resolution = index.resolve(&cited);
        if resolution.status != Status::Unresolved {
            if !bare_ok(text, phrase, &names, form) {
                return None;
            }
            return Some((start, names, resolution));
        }
        if fallback.is_none() && !resolution.candidates.is_empty() {
            fallback = Some((start, names, resolution));
        }
    }
    // Nothing resolved: is it a citation anyway?
    let start = match (form, &fallback) {
        (_, Some((start, _, _))) => *start,
        (Form::Bracketed, None) => *starts.first()?,
        // A narrative or a bare phrase: its last name only, with `et al.` etc.
        (_, None) => last_name_start(phrase)?,
    };
    let names = phrase.names(start);
    if !plausible(text, &names) {
        return None;
    }
    let resolution = match fallback {
        Some((s, _, r)) if s == start => r,
        _ => index.resolve(&cited(text, &names, year)),
    };
    let multi = names.others || names.names.len() >= 2;
    let keep = match form {
        Form::Bracketed => {
            // Directly after the bracket or `;`, or after short lower-case words.
            let first = phrase.tokens[start].1.start;
            let before = text[..first].trim_end();
            before.ends_with(['(', '[', ';'])
                || (before.rfind(['(', '[', ';']).is_some_and(|i| {
                    let gap = &text[i + 1..first];
                    gap.split_whitespace().count() <= 4
                        && !gap.chars().any(|c| c.is_uppercase() || c.is_ascii_digit())
                }))
        }
        Form::Narrative => multi || !resolution.candidates.is_empty(),
        Form::Bare => {
            !resolution.candidates.is_empty()
                && (multi || text[..year.span.start].trim_end().ends_with(','))
        }
    };
    keep.then_some((start, names, resolution))
}

/// Whether a resolved phrase outside brackets is written as a citation:
/// `Name et al. 2015`, `Name and Name, 2015`, `Name, 2015` — not
/// `the Xinhua 2015 report`.
fn bare_ok(text: &str, phrase: &Phrase, names: &Names, form: Form) -> bool {
    if form != Form::Bare {
        return true;
    }
    let last = phrase.tokens.last().map_or(0, |t| t.1.end);
    let comma = text[last..].trim_start().starts_with(',');
    names.others || names.names.len() >= 2 || comma
}

/// The start of the phrase's last name (with a particle before it).
fn last_name_start(phrase: &Phrase) -> Option<usize> {
    // With several names (`Smith and Jones`), the whole list.
    let has_list = phrase.tokens.iter().any(|t| matches!(t.0, Tok::And | Tok::Comma));
    if has_list {
        return phrase.starts().first().copied();
    }
    let starts = phrase.starts();
    let mut start = *starts.last()?;
    if start > 0 && phrase.tokens[start - 1].0 == Tok::Particle {
        start -= 1;
    }
    Some(start)
}

/// Whether the document has numeric callouts in square brackets.
fn has_bracket_numbers(document: &str, blocks: &[Block]) -> bool {
    blocks.iter().any(|block| {
        block.parts.iter().any(|part| {
            let text = &document[part.clone()];
            text.match_indices('[').any(|(i, _)| {
                text[i + 1..]
                    .find(']')
                    .is_some_and(|j| j <= 40 && NUMBERS.is_match(&text[i + 1..i + 1 + j]))
            })
        })
    })
}

/// Numeric callouts: `[3]`, `[1, 3]`, `[2–5]`, `[2]-[4]`, `[2], [3]`,
/// `(1)` when the document has no bracketed numbers, `^1,2^`.
fn numeric(text: &str, index: &Index, parens: bool) -> Vec<Found> {
    let n = index.references().len();
    let mut out: Vec<Found> = Vec::new();
    let bytes = text.as_bytes();
    let (open, close) = if parens { (b'(', b')') } else { (b'[', b']') };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (o, c) = if b == b'^' { (b'^', b'^') } else { (open, close) };
        if b != o {
            i += 1;
            continue;
        }
        let Some(len) = bytes[i + 1..].iter().take(60).position(|&x| x == c) else {
            i += 1;
            continue;
        };
        let inner = &text[i + 1..i + 1 + len];
        // `F[1,12]`, `t(5)`: statistics, not citations (`infection[2]` is one).
        let word_before =
            text[..i].chars().rev().take_while(|c| c.is_alphanumeric()).count();
        if !NUMBERS.is_match(inner)
            || (b != b'^' && (1..=2).contains(&word_before) && inner.contains(','))
        {
            i += 1;
            continue;
        }
        let items = number_items(i + 1, inner, index);
        if items.is_empty()
            || items.iter().any(|it| it.implied && it.resolution.targets.len() > n)
        {
            i += 1;
            continue;
        }
        let end = i + 1 + len + 1;
        // Chain `[2]-[4]` and `[2], [3]` into one callout.
        let chained = out.last_mut().filter(|last| {
            let gap = &text[last.span.end..i];
            last.kind == CalloutKind::Numeric
                && !gap.is_empty()
                && gap.len() <= 3
                && gap.trim().chars().all(|ch| matches!(ch, '-' | '–' | '—' | ','))
        });
        match chained {
            Some(last) => {
                let gap = text[last.span.end..i].trim().to_string();
                if gap != "," {
                    // A range between two brackets: the numbers in between.
                    let from =
                        last.items.last().and_then(|it| it.year.parse::<usize>().ok());
                    let to = items.first().and_then(|it| it.year.parse::<usize>().ok());
                    if let (Some(from), Some(to)) = (from, to)
                        && from < to
                        && to - from <= 200
                    {
                        let gap_span = last.span.end..i;
                        let numbers: Vec<String> =
                            (from + 1..to).map(|k| k.to_string()).collect();
                        if !numbers.is_empty() {
                            let resolution = resolve_numbers(&numbers, index);
                            last.items.push(FoundItem {
                                span: gap_span,
                                authors: String::new(),
                                year: format!("{}–{}", from + 1, to - 1),
                                locator: None,
                                prefix: None,
                                resolution,
                                implied: true,
                            });
                        }
                    }
                }
                last.span.end = end;
                last.items.extend(items);
            }
            None => out.push(Found { kind: CalloutKind::Numeric, span: i..end, items }),
        }
        i = end;
    }
    // Numbers far beyond the list are not citations (a year in brackets);
    // in parentheses, where enumerations are common, none beyond it is.
    let limit = if parens { n } else { n.max(1) * 2 };
    out.retain(|f| {
        f.items.iter().all(|it| {
            it.implied
                || it.year.split(['-', '–', '—']).all(|x| {
                    x.trim().parse::<usize>().is_ok_and(|k| k >= 1 && k <= limit)
                })
        })
    });
    out
}

/// The items of one numeric bracket's inside (at `offset` of `text`).
fn number_items(offset: usize, inner: &str, index: &Index) -> Vec<FoundItem> {
    let mut items = Vec::new();
    let mut pos = 0;
    for piece in inner.split([',', ';']) {
        let start = offset + pos + (piece.len() - piece.trim_start().len());
        let trimmed = piece.trim();
        pos += piece.len() + 1;
        if trimmed.is_empty() {
            continue;
        }
        let bounds: Vec<&str> = trimmed.split(['-', '–', '—']).collect();
        match bounds.as_slice() {
            [one] => {
                let number = one.trim().to_string();
                items.push(number_item(
                    start..start + trimmed.len(),
                    number,
                    index,
                    false,
                ));
            }
            [from_text, to_text] => {
                let (Ok(from), Ok(to)) =
                    (from_text.trim().parse::<usize>(), to_text.trim().parse::<usize>())
                else {
                    return Vec::new();
                };
                if from >= to || to - from > 200 {
                    return Vec::new();
                }
                // `1-9`: the two ends as printed, the numbers between implied by the dash.
                let from_end = start + from_text.trim_end().len();
                let to_start = start + trimmed.len() - to_text.trim_start().len();
                items.push(number_item(start..from_end, from.to_string(), index, false));
                if to - from > 1 {
                    let numbers: Vec<String> =
                        (from + 1..to).map(|k| k.to_string()).collect();
                    items.push(FoundItem {
                        span: from_end..to_start,
                        authors: String::new(),
                        year: format!("{}–{}", from + 1, to - 1),
                        locator: None,
                        prefix: None,
                        resolution: resolve_numbers(&numbers, index),
                        implied: true,
                    });
                }
                items.push(number_item(
                    to_start..start + trimmed.len(),
                    to.to_string(),
                    index,
                    false,
                ));
            }
            _ => return Vec::new(),
        }
    }
    items
}

/// One printed reference number.
fn number_item(
    span: Range<usize>,
    number: String,
    index: &Index,
    implied: bool,
) -> FoundItem {
    let resolution = resolve_numbers(std::slice::from_ref(&number), index);
    FoundItem {
        span,
        authors: String::new(),
        year: number,
        locator: None,
        prefix: None,
        resolution,
        implied,
    }
}

/// Resolves reference numbers by label.
fn resolve_numbers(numbers: &[String], index: &Index) -> Resolution {
    let mut targets = Vec::new();
    let mut missing = false;
    for number in numbers {
        match index.by_label(number) {
            Some(i) => targets.push(i),
            None => missing = true,
        }
    }
    if missing {
        Resolution {
            status: Status::Unresolved,
            targets,
            candidates: Vec::new(),
            fit: None,
            fuzzy: false,
            note: None,
        }
    } else {
        Resolution {
            status: Status::Resolved,
            targets,
            candidates: Vec::new(),
            fit: None,
            fuzzy: false,
            note: None,
        }
    }
}
