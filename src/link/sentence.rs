//! Sentences of running text.
//!
//! A sentence ends at `.`, `!`, `?` or `…` (closing quotes and brackets
//! after it belong to it) when white space and the start of a new sentence
//! (a capital, a digit, an opening quote or bracket) follow; never inside a
//! pair of brackets, nor after an abbreviation (`e.g.`, `U.S.`, `Dr.`,
//! `et al.`, `Fig. 2`, initials such as `J.`). Each block of text is split on
//! its own, so a sentence never runs over a heading or a paragraph break;
//! it does run over a page break or pull-quotes inside a paragraph (see
//! [`super::blocks`]).

use std::ops::Range;

use super::Sentence;
use super::blocks::{Block, body_blocks};

/// Abbreviations after which a period never ends a sentence.
const ABBREVIATIONS: &[&str] = &[
    "al", "cf", "vs", "viz", "approx", "ca", "resp", "Dr", "Mr", "Mrs", "Ms", "Mx",
    "Prof", "Sr", "Jr", "St", "Mt", "Gen", "Gov", "Sen", "Rep", "Rev", "Hon", "Lt",
    "Col", "Capt", "Sgt", "Inc", "Ltd", "Corp", "Dept", "Univ", "Assoc", "Jan", "Feb",
    "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "sp", "spp",
    "var", "cv", "ssp", "Suppl", "suppl", "Ave", "Blvd", "Fig", "Figs", "fig", "figs",
    "Eq", "Eqs", "eq", "eqs", "Ref", "Refs", "ref", "refs", "Tab", "Vol", "Vols", "vol",
    "vols", "Ch", "Chap", "ch", "chap", "Sect", "sect", "Ed", "Eds", "ed", "eds", "Nr",
    "nr", "Nos",
];

/// Abbreviations after which a period does not end a sentence when a number
/// follows (`p. 12`, `No. 7`), though they may end one otherwise.
const NUMBER_ABBREVIATIONS: &[&str] = &["p", "pp", "No", "no", "art", "Art", "para"];

/// A block's text with white space runs made single spaces, and where each
/// of its bytes came from in the document.
pub struct Flat {
    /// The text.
    pub text: String,
    /// For each byte of `text`, its byte offset in the document.
    pub map: Vec<usize>,
}

impl Flat {
    /// Flattens the parts of `block`.
    pub fn of(document: &str, parts: &[Range<usize>]) -> Flat {
        let total: usize = parts.iter().map(|p| p.len()).sum();
        let mut text = String::with_capacity(total);
        let mut map = Vec::with_capacity(total);
        let mut space_pending: Option<usize> = None;
        for part in parts {
            let slice = &document[part.clone()];
            if !text.is_empty() && space_pending.is_none() {
                space_pending = Some(part.start.saturating_sub(1));
            }
            for (i, c) in slice.char_indices() {
                let at = part.start + i;
                if c.is_whitespace() {
                    if !text.is_empty() && space_pending.is_none() {
                        space_pending = Some(at);
                    }
                    continue;
                }
                if let Some(space) = space_pending.take() {
                    text.push(' ');
                    map.push(space);
                }
                text.push(c);
                map.extend(at..at + c.len_utf8());
            }
        }
        Flat { text, map }
    }

    /// The document span of `range` of the text.
    pub fn doc_span(&self, range: Range<usize>) -> Range<usize> {
        if range.is_empty() {
            let at = self.map.get(range.start).copied().unwrap_or(0);
            return at..at;
        }
        self.map[range.start]..self.map[range.end - 1] + 1
    }
}

/// The sentences of every block, in document order.
pub fn split_blocks(document: &str, blocks: &[Block]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for block in blocks {
        let flat = Flat::of(document, &block.parts);
        for range in split_text(&flat.text) {
            out.push(Sentence {
                span: flat.doc_span(range.clone()),
                text: flat.text[range].to_string(),
            });
        }
    }
    out
}

/// The sentences of a whole document (no part left out).
pub fn sentences(document: &str) -> Vec<Sentence> {
    split_blocks(document, &body_blocks(document, &[]))
}

/// The sentence of `sentences` (sorted, from [`split_blocks`]) that holds
/// `span`; the callout's own text when none does.
pub fn containing(
    document: &str,
    sentences: &[Sentence],
    span: Range<usize>,
) -> Sentence {
    let after = sentences.partition_point(|s| s.span.start <= span.start);
    if after > 0 {
        let sentence = &sentences[after - 1];
        if sentence.span.end >= span.end {
            return sentence.clone();
        }
        // A callout that runs over a split: the sentences it touches.
        let mut last = after - 1;
        while last + 1 < sentences.len() && sentences[last].span.end < span.end {
            last += 1;
        }
        let text = sentences[after - 1..=last]
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        return Sentence { span: sentence.span.start..sentences[last].span.end, text };
    }
    Sentence { span: span.clone(), text: document[span].to_string() }
}

/// Byte ranges of the sentences of `text` (single-spaced, from [`Flat`]).
pub fn split_text(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let protected = bracket_pairs(text);
    let mut out = Vec::new();
    let mut start = 0;
    let mut pair = 0; // first protected pair that may hold the current position
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        while pair < protected.len() && protected[pair].1 < i {
            pair += 1;
        }
        // Inside brackets or a quotation, unless it ends right there (`“… over.”`).
        let after = i + c.len_utf8();
        if protected[pair..]
            .iter()
            .take_while(|p| p.0 < i)
            .any(|p| p.0 < i && i < p.1 && p.1 != after)
        {
            continue;
        }
        // Closing quotes, brackets and emphasis marks belong to the sentence.
        let mut end = i + c.len_utf8();
        while let Some(next) = text[end..].chars().next() {
            if matches!(next, '"' | '”' | '’' | '\'' | ')' | ']' | '*' | '_') {
                end += next.len_utf8();
            } else {
                break;
            }
        }
        if end < bytes.len() && bytes[end] != b' ' {
            continue;
        }
        let next_start = end + 1;
        if next_start < bytes.len() && !starts_sentence(&text[next_start..]) {
            continue;
        }
        if c == '.' && is_abbreviation(text, i, &text[next_start.min(text.len())..]) {
            continue;
        }
        if end > start {
            out.push(start..end);
        }
        start = next_start.min(text.len());
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// Whether `rest` can start a sentence.
fn starts_sentence(rest: &str) -> bool {
    let mut chars = rest.chars();
    let Some(first) = chars.next() else { return true };
    if first.is_uppercase() || first.is_ascii_digit() {
        return true;
    }
    if matches!(first, '"' | '“' | '‘' | '\'' | '(' | '[' | '*' | '_' | '#' | '¿' | '¡')
    {
        return chars.next().is_some_and(|c| {
            c.is_uppercase() || c.is_ascii_digit() || matches!(c, '*' | '_' | '“' | '"')
        });
    }
    // CJK text has no capitals.
    !first.is_alphabetic() || first as u32 >= 0x2E80
}

/// Whether the period at `at` closes an abbreviation rather than a sentence;
/// `next` is the text after the white space that follows.
fn is_abbreviation(text: &str, at: usize, next: &str) -> bool {
    let before = &text[..at];
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic() || *c == '.')
        .last()
        .map_or(at, |(i, _)| i);
    let word = &before[word_start..];
    if word.is_empty() {
        return false;
    }
    let letters: Vec<char> = word.chars().collect();
    // Initials (`J.`), and dotted abbreviations (`U.S.`, `e.g.`, `i.e.`);
    // not the last letter of a longer token (`2C2P.`).
    let glued =
        before[..word_start].chars().next_back().is_some_and(char::is_alphanumeric);
    if glued {
        return false;
    }
    if letters.len() == 1 && letters[0].is_uppercase() {
        return true;
    }
    if word.contains('.') && word.split('.').all(|part| part.chars().count() <= 2) {
        return true;
    }
    if ABBREVIATIONS.contains(&word) {
        // `et al.` always; `al.` alone only after `et`.
        return word != "al" || before[..word_start].ends_with("et ");
    }
    NUMBER_ABBREVIATIONS.contains(&word) && next.starts_with(|c: char| c.is_ascii_digit())
}

/// The byte positions of matched bracket pairs `()`, `[]`, `{}` and curly
/// quotes `“”` of at most
/// 1,000 bytes, outermost first, sorted by their opening.
fn bracket_pairs(text: &str) -> Vec<(usize, usize)> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut pairs = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' | '“' => stack.push((c, i)),
            ')' | ']' | '}' | '”' => {
                let open = match c {
                    ')' => '(',
                    ']' => '[',
                    '”' => '“',
                    _ => '{',
                };
                if let Some(pos) = stack.iter().rposition(|&(o, _)| o == open) {
                    let (_, start) = stack[pos];
                    stack.truncate(pos);
                    if i - start <= 1_000 {
                        pairs.push((start, i));
                    }
                }
            }
            _ => {}
        }
    }
    pairs.sort_unstable();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        split_text(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn abbreviations_initials_and_brackets_do_not_end_sentences() {
        assert_eq!(
            split(
                "Dr. Smith and J. C. Lee went to the U.S. in May. They saw e.g. the Fig. 2 data (see Smith et al. 2001. Also Lee). Then it ended!"
            ),
            vec![
                "Dr. Smith and J. C. Lee went to the U.S. in May.",
                "They saw e.g. the Fig. 2 data (see Smith et al. 2001. Also Lee).",
                "Then it ended!"
            ]
        );
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        assert_eq!(
            split("He said “it is over.” Then he left. “Is it?” she asked."),
            vec!["He said “it is over.”", "Then he left.", "“Is it?” she asked."]
        );
    }

    #[test]
    fn a_token_ending_in_a_capital_ends_a_sentence() {
        assert_eq!(
            split("It partnered with 2C2P. According to Reuters, it grew."),
            vec!["It partnered with 2C2P.", "According to Reuters, it grew."]
        );
    }

    #[test]
    fn page_numbers_and_et_al() {
        assert_eq!(
            split(
                "As noted (Wang, 2017, p. 12). Cao et al. (2002) showed it. It is no. 1."
            ),
            vec![
                "As noted (Wang, 2017, p. 12).",
                "Cao et al. (2002) showed it.",
                "It is no. 1."
            ]
        );
    }

    #[test]
    fn flat_maps_back_to_the_document() {
        let doc = "One line\n  and  the next. Two.";
        let flat = Flat::of(doc, std::slice::from_ref(&(0..doc.len())));
        assert_eq!(flat.text, "One line and the next. Two.");
        let ranges = split_text(&flat.text);
        assert_eq!(&doc[flat.doc_span(ranges[0].clone())], "One line\n  and  the next.");
        assert_eq!(&doc[flat.doc_span(ranges[1].clone())], "Two.");
    }
}
