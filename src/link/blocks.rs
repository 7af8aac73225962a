//! The body of a document as blocks of running text: paragraphs, headings,
//! list items, table rows.
//!
//! A paragraph that stops half-way (no sentence punctuation at its end) and
//! goes on after a page break, or after pull-quotes set between its halves,
//! is one block of several parts; the pull-quotes are left out of it and
//! stay blocks of their own.

use std::ops::Range;

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// Running text.
    Paragraph,
    /// A markdown heading (`#` … `######`).
    Heading,
    /// One item of a list.
    ListItem,
    /// One row of a table (`cell | cell`).
    TableRow,
}

/// A block of text: one or more parts (byte ranges of the document, each
/// from its first to its last non-blank character), read as one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What it is.
    pub kind: BlockKind,
    /// Its parts in order; more than one when a page break or pull-quotes
    /// interrupt it.
    pub parts: Vec<Range<usize>>,
}

impl Block {
    /// From the first character of the first part to the end of the last.
    pub fn span(&self) -> Range<usize> {
        let start = self.parts.first().map_or(0, |p| p.start);
        let end = self.parts.last().map_or(0, |p| p.end);
        start..end
    }
}

/// A line of the document without its line break.
struct Line {
    start: usize,
    end: usize,
}

/// The blocks of `document`, in order, leaving out the lines that touch
/// `exclude` (the reference lists) and front matter between `---` lines at the very start.
pub fn body_blocks(document: &str, exclude: &[Range<usize>]) -> Vec<Block> {
    let mut raw: Vec<Block> = Vec::new();
    let mut paragraph: Option<Range<usize>> = None;
    let flush = |paragraph: &mut Option<Range<usize>>, raw: &mut Vec<Block>| {
        if let Some(span) = paragraph.take() {
            raw.push(Block { kind: BlockKind::Paragraph, parts: vec![span] });
        }
    };
    let mut in_front_matter = false;
    let mut in_fence = false;
    for (number, line) in lines(document).enumerate() {
        let text = &document[line.start..line.end];
        let trimmed = text.trim();
        if number == 0 && trimmed == "---" {
            in_front_matter = true;
            continue;
        }
        if in_front_matter {
            if trimmed == "---" || trimmed == "..." {
                in_front_matter = false;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            flush(&mut paragraph, &mut raw);
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if exclude.iter().any(|x| line.end > x.start && line.start < x.end) {
            flush(&mut paragraph, &mut raw);
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut raw);
            continue;
        }
        let lead = text.len() - text.trim_start().len();
        let start = line.start + lead;
        let end = line.start + text.trim_end().len();
        let kind = if is_heading(trimmed) {
            Some(BlockKind::Heading)
        } else if list_marker(trimmed).is_some() {
            Some(BlockKind::ListItem)
        } else if is_table_row(trimmed) {
            Some(BlockKind::TableRow)
        } else {
            None
        };
        match kind {
            Some(kind) => {
                flush(&mut paragraph, &mut raw);
                let start = match kind {
                    BlockKind::Heading => {
                        start
                            + (trimmed.len()
                                - trimmed.trim_start_matches('#').trim_start().len())
                    }
                    BlockKind::ListItem => start + list_marker(trimmed).unwrap_or(0),
                    _ => start,
                };
                #[allow(clippy::single_range_in_vec_init)]
                raw.push(Block { kind, parts: vec![start.min(end)..end] });
            }
            None => {
                // Indented lines right after a list item continue it.
                if paragraph.is_none()
                    && lead > 0
                    && let Some(last) = raw.last_mut()
                    && last.kind == BlockKind::ListItem
                    && last.parts.len() == 1
                    && line_follows(document, last.parts[0].end, line.start)
                {
                    last.parts[0].end = end;
                    continue;
                }
                match &mut paragraph {
                    Some(span) => span.end = end,
                    None => paragraph = Some(start..end),
                }
            }
        }
    }
    flush(&mut paragraph, &mut raw);
    join_broken_paragraphs(document, raw)
}

/// Whether only one line break lies between `end` and `start`.
fn line_follows(document: &str, end: usize, start: usize) -> bool {
    document.get(end..start).is_some_and(|gap| gap.matches('\n').count() <= 1)
}

/// The lines of `document`.
fn lines(document: &str) -> impl Iterator<Item = Line> + '_ {
    let mut start = 0;
    let bytes = document.as_bytes();
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let end =
            memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line_end = if end > start && bytes[end - 1] == b'\r' { end - 1 } else { end };
        // A byte-order mark is not text.
        let first = if start == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
            3.min(line_end)
        } else {
            start
        };
        let line = Line { start: first, end: line_end };
        start = end + 1;
        Some(line)
    })
}

fn is_heading(trimmed: &str) -> bool {
    let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && trimmed[hashes..].starts_with([' ', '\t'])
}

/// The length of a list marker (`- `, `* `, `+ `, `• `, `1. `, `1) `) with
/// the space after it.
pub(crate) fn list_marker(trimmed: &str) -> Option<usize> {
    for bullet in ["- ", "* ", "+ ", "• "] {
        if let Some(rest) = trimmed.strip_prefix(bullet) {
            // `*Title*` has no space after its star: emphasis, not a bullet.
            if !rest.trim().is_empty() {
                return Some(trimmed.len() - rest.trim_start().len());
            }
        }
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &trimmed[digits..];
        if let Some(after) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            // `1. Introduction` is a numbered heading or an item either way.
            return Some(trimmed.len() - after.trim_start().len());
        }
    }
    None
}

fn is_table_row(trimmed: &str) -> bool {
    trimmed.contains(" | ") || (trimmed.starts_with('|') && trimmed.ends_with('|'))
}

/// Whether `text` ends a sentence: `.`, `!`, `?`, `:` or `;`, perhaps
/// followed by closing quotes, brackets or emphasis marks.
pub(crate) fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['"', '”', '’', '\'', ')', ']', '*', '_', ' ']);
    trimmed.ends_with(['.', '!', '?', ':', ';', '…'])
}

/// A paragraph long enough to be running text and cut off mid-sentence.
fn is_cut_off(document: &str, block: &Block) -> bool {
    let last = block.parts.last().expect("a block has a part");
    let text = &document[last.clone()];
    block.kind == BlockKind::Paragraph && text.len() >= 150 && !ends_sentence(text)
}

/// A paragraph set apart that repeats a line of the text: one sentence
/// without end punctuation, of a few words.
fn is_pull_quote_like(document: &str, block: &Block) -> bool {
    let span = block.span();
    let text = &document[span];
    let words = text.split_whitespace().count();
    block.kind == BlockKind::Paragraph
        && block.parts.len() == 1
        && (4..=60).contains(&words)
        && !ends_sentence(text)
        && !text.contains('\n')
}

/// Whether `block` can continue a paragraph that was cut off: it starts
/// with a lower-case letter, or it is running text itself.
fn continues(document: &str, block: &Block, after_pull_quotes: bool) -> bool {
    if block.kind != BlockKind::Paragraph {
        return false;
    }
    let text = &document[block.span()];
    let first = text.chars().next().unwrap_or(' ');
    first.is_lowercase()
        || (after_pull_quotes
            && first.is_uppercase()
            && ends_sentence(text)
            && text.len() >= 150)
}

/// Whether a cut-off paragraph ends in a capitalised word (`the Internet`),
/// so that a capitalised continuation (`Plus plan, …`) may go on the name.
fn ends_in_capitalised_word(document: &str, block: &Block) -> bool {
    let last = block.parts.last().expect("a block has a part");
    document[last.clone()]
        .split_whitespace()
        .next_back()
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase)
}

/// Joins paragraphs cut by a page break or by pull-quotes set into them.
fn join_broken_paragraphs(document: &str, raw: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(raw.len());
    let mut iter = raw.into_iter().peekable();
    while let Some(mut block) = iter.next() {
        // Pull-quotes set between the halves come after the paragraph.
        let mut quotes: Vec<Block> = Vec::new();
        while is_cut_off(document, &block) {
            // Up to three pull-quotes may sit between the halves.
            let mut lookahead: Vec<Block> = Vec::new();
            let mut joined = false;
            while let Some(next) = iter.peek() {
                let after_quotes =
                    !lookahead.is_empty() && ends_in_capitalised_word(document, &block);
                if continues(document, next, after_quotes) {
                    let next = iter.next().expect("peeked");
                    block.parts.extend(next.parts);
                    joined = true;
                    break;
                }
                if lookahead.len() < 3 && is_pull_quote_like(document, next) {
                    lookahead.push(iter.next().expect("peeked"));
                    continue;
                }
                break;
            }
            quotes.append(&mut lookahead);
            if !joined {
                break;
            }
        }
        out.push(block);
        out.extend(quotes);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(document: &str, blocks: &[Block]) -> Vec<Vec<String>> {
        blocks
            .iter()
            .map(|b| b.parts.iter().map(|p| document[p.clone()].to_string()).collect())
            .collect()
    }

    #[test]
    fn paragraphs_headings_lists_and_tables() {
        let doc = "# Title\n\nFirst line\nsecond line.\n\n- item one\n  goes on\n- item two\n\na | b | c\n";
        let blocks = body_blocks(doc, &[]);
        assert_eq!(
            texts(doc, &blocks),
            vec![
                vec!["Title".to_string()],
                vec!["First line\nsecond line.".to_string()],
                vec!["item one\n  goes on".to_string()],
                vec!["item two".to_string()],
                vec!["a | b | c".to_string()],
            ]
        );
        assert_eq!(blocks[0].kind, BlockKind::Heading);
        assert_eq!(blocks[2].kind, BlockKind::ListItem);
        assert_eq!(blocks[4].kind, BlockKind::TableRow);
    }

    #[test]
    fn a_paragraph_broken_by_pull_quotes_is_one_block() {
        let long = "word ".repeat(40);
        let doc = format!(
            "{long}the Internet\n\nA pull quote that repeats some text\n\nPlus plan, and the rest of it goes on for a while so that it is running text in its own right, long enough to be a paragraph of a report, and it ends here.\n"
        );
        let blocks = body_blocks(&doc, &[]);
        assert_eq!(blocks.len(), 2, "{:?}", texts(&doc, &blocks));
        assert_eq!(blocks[0].parts.len(), 2);
        assert_eq!(&doc[blocks[1].span()], "A pull quote that repeats some text");
    }

    #[test]
    fn the_reference_list_is_left_out() {
        let doc = "Body (A, 2001).\n\n## References\n\n- A. (2001). T.\n";
        let start = doc.find("- A.").unwrap();
        let blocks = body_blocks(doc, std::slice::from_ref(&(start..doc.len())));
        assert_eq!(texts(doc, &blocks).len(), 2);
    }
}
