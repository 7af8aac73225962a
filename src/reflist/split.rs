//! Splitting a reference section into references.
//!
//! The body of a section is read line by line. Blank lines, page furniture
//! (a form feed, a lone page number, `Page 3 of 10`) and sub-headings
//! (`### Books`, `**Archival sources**`, `---`) are not references; the
//! other lines are grouped into references by the layout the list uses:
//!
//! - **list items**: `- `, `* `, `+ `, `• `, `1.`, `1)`, `(1)`, `[1]`,
//!   `[Smi15]`, `[^1]:`, `- [1]`. Every item starts a reference; a line
//!   without a marker continues the item above it, even after a blank line
//!   (a page break) or at the left margin (a lazy continuation). A number
//!   that breaks the sequence (`12.` after `3.`) is text, not a marker.
//! - **hanging indents**: lines at the left margin start references, indented
//!   lines continue them (and the other way round for first-line indents).
//! - **paragraphs**: one reference per blank-line separated paragraph, when
//!   the lines inside paragraphs never look like the start of a new one.
//! - **lines**: otherwise, a line starts a reference when it looks like the
//!   start of one (`Family, I.`, `I. Family`, `Family IJ,`, `Name. (2015`)
//!   and the line before it does not end half-way (`,`, `&`, `and`, a hyphen).
//!
//! In every layout a blank line is a page break, not a boundary, when the
//! text before it ends half-way or the text after it cannot start a reference
//! (a lower-case word, a volume number, a URL, `pp.`).
//!
//! A reference's text is its lines, trimmed and joined with single spaces
//! (no space after a URL broken at `/`, `-`, `_`, `.`, `=`, `&` or `?`),
//! without its list marker; control characters become spaces.

use std::ops::Range;

use crate::diag::LineIndex;

use super::section::{Line, Section, bold_line, lines};

/// One reference as printed in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawReference {
    /// The reference's lines joined with single spaces, list marker removed.
    pub text: String,
    /// The item's label when the list has them (`12` of `[12]` or `12.`,
    /// `Smi15` of `[Smi15]`): what numeric and alphabetic in-text citations
    /// point at.
    pub label: Option<String>,
    /// Byte range in the document: from the first character after the list
    /// marker to the end of the last line's text.
    pub span: Range<usize>,
    /// First line (1-based).
    pub line_start: u32,
    /// Last line (1-based).
    pub line_end: u32,
}

/// The references of one section of `document`, in order.
pub fn split(document: &str, section: &Section) -> Vec<RawReference> {
    split_indexed(document, section, &LineIndex::new(document))
}

/// [`split`] with the document's line index, built once for all its sections.
pub(super) fn split_indexed(
    document: &str,
    section: &Section,
    index: &LineIndex<'_>,
) -> Vec<RawReference> {
    let body =
        section.body.start.min(document.len())..section.body.end.min(document.len());
    let Some(body_text) = document.get(body.clone()) else { return Vec::new() };
    let first_line_no = index.line(body.start);
    let items = items(document, body.start, &lines(body_text), first_line_no);
    let layout = Layout::of(document, &items);
    group(document, &items, &layout)
}

// ---------------------------------------------------------------- items

/// A non-blank line of the body, classified.
#[derive(Debug)]
enum Item {
    /// A line of reference text.
    Text(TextLine),
    /// A sub-heading or a separator: it ends the reference above it.
    Break,
}

#[derive(Debug)]
struct TextLine {
    line_no: u32,
    /// Leading white space in columns (tabs to multiples of 4).
    indent: usize,
    marker: Marker,
    /// Byte range of the text after the marker, trimmed.
    content: Range<usize>,
    /// Byte range of the whole trimmed line (marker included).
    trimmed: Range<usize>,
    /// A blank line (or a form feed) comes between this line and the previous one.
    blank_before: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Marker {
    None,
    Bullet,
    /// `1.`, `1)`, `(1)`, `[1]`, possibly after a bullet.
    Number(u32),
    /// `[Smi15]`, `[^1]:`.
    Label(String),
}

fn items(document: &str, offset: usize, lines: &[Line], first_line_no: u32) -> Vec<Item> {
    let mut items = Vec::with_capacity(lines.len());
    let mut blank_before = false;
    let mut previous_was_text = false;
    for (line_idx, line) in lines.iter().enumerate() {
        let start = offset + line.start;
        let text = &document[start..offset + line.end];
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.trim_matches('\u{c}').is_empty() {
            blank_before = true;
            previous_was_text = false;
            continue;
        }
        if text.contains('\u{c}') {
            blank_before = true;
        }
        if is_page_furniture(trimmed) {
            continue;
        }
        if is_break(trimmed) {
            // A setext underline turns the line above it into a sub-heading.
            if previous_was_text
                && trimmed.starts_with(['=', '-'])
                && let Some(Item::Text(above)) = items.last()
                && above.content.len() <= 80
            {
                items.pop();
            }
            items.push(Item::Break);
            blank_before = false;
            previous_was_text = false;
            continue;
        }
        let leading = text.len() - text.trim_start().len();
        let indent = text[..leading].chars().fold(0, |col, c| {
            if c == '\t' {
                col / 4 * 4 + 4
            } else if c == '\u{c}' {
                col
            } else {
                col + 1
            }
        });
        let trimmed_start = start + leading;
        let trimmed_end = start + text.trim_end().len();
        let (marker, marker_len) = marker(trimmed);
        let content_start = trimmed_start + marker_len;
        items.push(Item::Text(TextLine {
            line_no: first_line_no + line_idx as u32,
            indent,
            marker,
            content: content_start.min(trimmed_end)..trimmed_end,
            trimmed: trimmed_start..trimmed_end,
            blank_before,
        }));
        blank_before = false;
        previous_was_text = true;
    }
    items
}

/// A sub-heading or a separator inside a reference list.
fn is_break(trimmed: &str) -> bool {
    if trimmed.starts_with('#') {
        let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
        let after = &trimmed[hashes..];
        if hashes <= 6 && (after.is_empty() || after.starts_with([' ', '\t'])) {
            return true;
        }
    }
    // `***`, `- - -`, `___`, `===`: thematic breaks and setext underlines.
    let mut chars = trimmed.chars().filter(|c| !c.is_whitespace());
    if let Some(first) = chars.next()
        && matches!(first, '-' | '*' | '_' | '=')
        && trimmed.chars().filter(|c| !c.is_whitespace()).count() >= 3
        && chars.all(|c| c == first)
    {
        return true;
    }
    trimmed.len() <= 120 && bold_line(trimmed).is_some()
}

/// A line that a page break leaves behind: `12`, `Page 3`, `Page 3 of 10`, `- 3 -`.
fn is_page_furniture(trimmed: &str) -> bool {
    let is_number =
        |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if is_number(trimmed) {
        return true;
    }
    let inner =
        trimmed.trim_matches(|c: char| matches!(c, '-' | '–' | '—') || c.is_whitespace());
    if inner.len() < trimmed.len() && is_number(inner) {
        return true;
    }
    let lower = trimmed.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("page") {
        let mut words = rest.split_whitespace();
        return match (words.next(), words.next(), words.next(), words.next()) {
            (Some(n), None, None, None) => is_number(n),
            (Some(n), Some("of" | "/"), Some(m), None) => is_number(n) && is_number(m),
            _ => false,
        };
    }
    false
}

/// The list marker at the start of a trimmed line and its length with the
/// white space after it; `(Marker::None, 0)` when there is none.
fn marker(trimmed: &str) -> (Marker, usize) {
    let mut consumed = 0;
    let mut found = Marker::None;
    let mut rest = trimmed;
    if let Some(bullet) = rest.chars().next()
        && matches!(bullet, '-' | '*' | '+' | '•' | '·' | '▪' | '‣' | '◦')
        && let Some(after) = rest[bullet.len_utf8()..].strip_prefix([' ', '\t'])
    {
        found = Marker::Bullet;
        consumed = trimmed.len() - after.trim_start().len();
        rest = after.trim_start();
    }
    if let Some((label, len)) = label(rest) {
        found = label;
        consumed += len;
    }
    (found, consumed)
}

/// `1.`, `1)`, `(1)`, `[1]`, `[Smi15]`, `[^1]:` plus the white space after it.
fn label(text: &str) -> Option<(Marker, usize)> {
    let bytes = text.as_bytes();
    let (marker, len) = match bytes.first()? {
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 4 || !matches!(bytes.get(digits), Some(b'.' | b')')) {
                return None;
            }
            (Marker::Number(text[..digits].parse().ok()?), digits + 1)
        }
        b'(' => {
            let digits = bytes[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 || digits > 4 || bytes.get(1 + digits) != Some(&b')') {
                return None;
            }
            (Marker::Number(text[1..1 + digits].parse().ok()?), digits + 2)
        }
        b'[' => {
            let close = text.find(']')?;
            let inner = &text[1..close];
            let footnote = inner.strip_prefix('^');
            let name = footnote.unwrap_or(inner);
            let is_label_char =
                |c: char| c.is_alphanumeric() || matches!(c, '+' | '-' | '_' | '.' | ':');
            if name.is_empty()
                || name.len() > 20
                || !name.chars().all(is_label_char)
                || !name.chars().any(|c| c.is_ascii_digit())
            {
                return None;
            }
            let mut len = close + 1;
            if footnote.is_some() {
                if bytes.get(len) != Some(&b':') {
                    return None;
                }
                len += 1;
            }
            let marker = match name.parse() {
                Ok(number) if footnote.is_none() => Marker::Number(number),
                _ => Marker::Label(name.to_string()),
            };
            (marker, len)
        }
        _ => return None,
    };
    let after = &text[len..];
    // A marker is followed by white space (or ends an empty item).
    if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        return None;
    }
    Some((marker, text.len() - after.trim_start().len()))
}

// ---------------------------------------------------------------- layout

/// How a list separates its references.
#[derive(Debug)]
enum Layout {
    List,
    /// Starts are at `start_indent` (the margin, or deeper for first-line indents).
    Hanging {
        starts_indented: bool,
        margin: usize,
    },
    Paragraphs,
    Lines,
}

impl Layout {
    fn of(document: &str, items: &[Item]) -> Layout {
        let lines: Vec<&TextLine> = items
            .iter()
            .filter_map(|item| match item {
                Item::Text(line) => Some(line),
                Item::Break => None,
            })
            .collect();
        let n_marked = lines.iter().filter(|line| line.marker != Marker::None).count();
        let n_unmarked_starts = lines
            .iter()
            .filter(|line| {
                line.marker == Marker::None
                    && looks_like_start(&document[line.content.clone()])
            })
            .count();
        if n_marked > 0 && n_marked >= n_unmarked_starts {
            return Layout::List;
        }
        let margin = lines.iter().map(|line| line.indent).min().unwrap_or(0);
        let is_continued_by_indent = lines.windows(2).any(|pair| {
            !pair[1].blank_before && pair[1].indent > margin && pair[0].indent == margin
        });
        if is_continued_by_indent {
            let start_share = |indented: bool| {
                let group: Vec<&&TextLine> = lines
                    .iter()
                    .filter(|line| (line.indent > margin) == indented)
                    .collect();
                let n_starts = group
                    .iter()
                    .filter(|line| looks_like_start(&document[line.content.clone()]))
                    .count();
                n_starts as f64 / group.len().max(1) as f64
            };
            let starts_indented = start_share(true) > start_share(false) + 0.3;
            return Layout::Hanging { starts_indented, margin };
        }
        let n_paragraphs =
            1 + lines.iter().skip(1).filter(|line| line.blank_before).count();
        let n_inner_starts = lines
            .windows(2)
            .filter(|pair| {
                !pair[1].blank_before
                    && looks_like_start(&document[pair[1].content.clone()])
                    && !ends_half_way(&document[pair[0].content.clone()])
            })
            .count();
        if n_paragraphs >= 2 && n_inner_starts * 4 <= n_paragraphs {
            Layout::Paragraphs
        } else {
            Layout::Lines
        }
    }
}

/// Groups the items into references.
fn group(document: &str, items: &[Item], layout: &Layout) -> Vec<RawReference> {
    let mut references = Vec::new();
    let mut current: Option<Building> = None;
    let mut last_number: Option<u32> = None;
    for item in items {
        let line = match item {
            Item::Text(line) => line,
            Item::Break => {
                references.extend(current.take().map(|b| b.finish()));
                continue;
            }
        };
        let text = &document[line.content.clone()];
        let mut marker = line.marker.clone();
        // A number out of sequence is text (`12. Retrieved ...` inside an item).
        if let (Layout::List, Marker::Number(number), Some(last)) =
            (layout, &marker, last_number)
            && *number != last + 1
            && current.is_some()
            && !line.blank_before
        {
            marker = Marker::None;
        }
        let content = if marker == Marker::None && line.marker != Marker::None {
            line.trimmed.clone()
        } else {
            line.content.clone()
        };
        let is_start = match &current {
            None => true,
            Some(building) => {
                let is_half_way = building.ends_half_way();
                let is_page_break = is_half_way || continues_a_reference(text);
                match layout {
                    Layout::List => marker != Marker::None,
                    Layout::Hanging { starts_indented, margin } => {
                        (line.indent > *margin) == *starts_indented
                    }
                    Layout::Paragraphs => line.blank_before && !is_page_break,
                    Layout::Lines if line.blank_before => !is_page_break,
                    Layout::Lines => looks_like_start(text) && !is_half_way,
                }
            }
        };
        if let Marker::Number(number) = marker {
            last_number = Some(number);
        }
        if is_start {
            references.extend(current.take().map(|b| b.finish()));
            let label = match &marker {
                Marker::Number(number) => Some(number.to_string()),
                Marker::Label(label) => Some(label.clone()),
                Marker::None | Marker::Bullet => None,
            };
            current = Some(Building {
                text: String::with_capacity(content.len()),
                open_brackets: 0,
                label,
                span: content.clone(),
                line_start: line.line_no,
                line_end: line.line_no,
            });
        }
        if let Some(building) = &mut current {
            building.push(&document[content.clone()]);
            building.span.end = content.end;
            building.line_end = line.line_no;
        }
    }
    references.extend(current.take().map(|b| b.finish()));
    references.retain(|reference| !reference.text.is_empty());
    references
}

struct Building {
    text: String,
    /// `[` and `(` not closed yet (closings without an opening ignored),
    /// kept as lines come: counting the whole text for every line would be
    /// quadratic in a long run of joined lines.
    open_brackets: usize,
    label: Option<String>,
    span: Range<usize>,
    line_start: u32,
    line_end: u32,
}

impl Building {
    /// Appends a line: a single space between lines, none inside a URL broken
    /// at a character URLs break at; control characters become spaces.
    fn push(&mut self, line: &str) {
        if line.is_empty() {
            return;
        }
        if !self.text.is_empty() && !ends_inside_url(&self.text) {
            self.text.push(' ');
        }
        self.open_brackets = open_brackets_after(self.open_brackets, line);
        if line.chars().any(char::is_control) {
            self.text.extend(line.chars().map(|c| if c.is_control() { ' ' } else { c }));
        } else {
            self.text.push_str(line);
        }
    }

    /// Whether the text so far stops half-way (see [`ends_half_way`]).
    fn ends_half_way(&self) -> bool {
        self.open_brackets > 0 || ends_half_way_at_the_end(&self.text)
    }

    fn finish(mut self) -> RawReference {
        // Control characters at either end became spaces.
        let trimmed_end = self.text.trim_end().len();
        self.text.truncate(trimmed_end);
        let leading = self.text.len() - self.text.trim_start().len();
        self.text.drain(..leading);
        RawReference {
            text: self.text,
            label: self.label,
            span: self.span,
            line_start: self.line_start,
            line_end: self.line_end,
        }
    }
}

// ---------------------------------------------------------------- heuristics

/// Whether a line looks like the first line of a reference: it opens with
/// an author (`Family, I.`, `Family, Given`, `van der Family, I.`, `I. J.
/// Family`, `Family IJ,`), a repeated-author dash (`———.`), or a name
/// followed closely by a year in parentheses (`Xinhua. (2015a`).
pub(super) fn looks_like_start(text: &str) -> bool {
    let head = head(text, 160);
    if head.starts_with(['—', '–']) || head.starts_with("---") || head.starts_with("___")
    {
        return true;
    }
    let mut words = head.split_whitespace().peekable();
    let Some(mut first) = words.next() else { return false };
    // Particles before a family name.
    while PARTICLES.contains(&first.trim_end_matches(',')) {
        match words.next() {
            Some(next) => first = next,
            None => return false,
        }
    }
    let Some(first_char) = first.chars().next() else { return false };
    if !first_char.is_uppercase() {
        return false;
    }
    // `Family, I.` / `Family, Given` / `Family-Name, I.` within four words.
    let mut name_words = vec![first];
    let mut word = first;
    for _ in 0..4 {
        if word.ends_with(',') {
            let family = name_words.join(" ");
            let family = family.trim_end_matches(',');
            let is_family = !family.contains(['.', '(', ')'])
                && !family.bytes().any(|b| b.is_ascii_digit());
            if is_family && words.peek().is_some_and(|next| is_given_name(next)) {
                return true;
            }
            break;
        }
        match words.next() {
            Some(next) => {
                word = next;
                name_words.push(next);
            }
            None => break,
        }
    }
    // `I. Family`, `I.J. Family`, `I. J. Family`.
    if is_initials(first) {
        let mut rest = head.split_whitespace().skip(1);
        for next in rest.by_ref() {
            if !is_initials(next) {
                return next.chars().next().is_some_and(char::is_uppercase)
                    && !next.contains('.');
            }
        }
    }
    // `Family IJ,` (Vancouver).
    let mut tokens = head.split_whitespace();
    if let (Some(family), Some(initials)) = (tokens.next(), tokens.next()) {
        let bare = initials.trim_end_matches([',', '.']);
        if family.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'')
            && initials.len() > bare.len()
            && (1..=3).contains(&bare.len())
            && bare.chars().all(|c| c.is_ascii_uppercase())
        {
            return true;
        }
    }
    // A name and then a year in parentheses: `Xinhua. (2015a`, `World Bank (2019)`.
    let bytes = head.as_bytes();
    let near = &bytes[..bytes.len().min(100)];
    near.windows(5).enumerate().any(|(idx, window)| {
        window[0] == b'('
            && idx > 0
            && (window[1..].iter().all(u8::is_ascii_digit)
                || window[1..].starts_with(b"n.d"))
    })
}

const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "des", "la",
    "le", "dos", "das", "ten", "ter", "al", "el", "bin", "ibn", "zu",
];

/// `J.`, `J.-P.`, `JA`, `John`, `Zoë`.
fn is_given_name(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else { return false };
    if !first.is_uppercase() {
        return false;
    }
    match chars.next() {
        Some(second) => second == '.' || second == '-' || second.is_lowercase(),
        None => false,
    }
}

/// `J.`, `J.C.`, `J.-P.`
fn is_initials(word: &str) -> bool {
    word.ends_with('.')
        && word.split(['.', '-']).filter(|part| !part.is_empty()).all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(char::is_uppercase) && chars.next().is_none()
        })
}

/// Whether a text stops half-way through a reference: a trailing comma,
/// ampersand, hyphen, colon or open bracket, a word such as `and`, `of`,
/// `in`, or a bracket left open.
fn ends_half_way(text: &str) -> bool {
    open_brackets_after(0, text) > 0 || ends_half_way_at_the_end(text)
}

/// The number of brackets open after `text`, `open` being open before it.
fn open_brackets_after(mut open: usize, text: &str) -> usize {
    for byte in text.bytes() {
        match byte {
            b'[' | b'(' => open += 1,
            b']' | b')' => open = open.saturating_sub(1),
            _ => {}
        }
    }
    open
}

/// [`ends_half_way`] without the brackets: the last character or word.
fn ends_half_way_at_the_end(text: &str) -> bool {
    let trimmed = tail(text, 256).trim_end();
    let Some(last) = trimmed.chars().next_back() else { return false };
    if matches!(last, ',' | ';' | ':' | '&' | '-' | '–' | '(' | '[' | '/') {
        return true;
    }
    let last_word = trimmed.rsplit(char::is_whitespace).next().unwrap_or("");
    HALF_WAY_WORDS.iter().any(|word| last_word.eq_ignore_ascii_case(word))
}

const HALF_WAY_WORDS: &[&str] = &[
    "and", "or", "of", "in", "the", "for", "to", "a", "an", "with", "on", "at", "by",
    "from",
];

/// Whether a line can only continue a reference: it opens with a lower-case
/// word, a digit, punctuation, a link, `pp.` or `In `.
fn continues_a_reference(text: &str) -> bool {
    if looks_like_start(text) {
        return false;
    }
    let Some(first) = text.chars().next() else { return false };
    if first.is_lowercase() || first.is_ascii_digit() {
        return true;
    }
    if matches!(
        first,
        ')' | ',' | ';' | ':' | '.' | '&' | '<' | '(' | '[' | ']' | '*' | '_'
    ) {
        return true;
    }
    ["http", "[http", "www.", "doi", "DOI", "pp.", "In ", "Retrieved", "Available", "URL"]
        .iter()
        .any(|prefix| text.starts_with(prefix))
}

/// Whether a text ends with a URL cut at a character where URLs are broken.
fn ends_inside_url(text: &str) -> bool {
    // A token longer than the tail is no URL worth joining (and looking at
    // the tail only keeps joining many lines linear).
    let tail = tail(text, 2048);
    let last_token = tail.rsplit(char::is_whitespace).next().unwrap_or("");
    if last_token.len() == tail.len() && tail.len() < text.len() {
        return false;
    }
    let is_url = ["http://", "https://", "www.", "doi.org/"]
        .iter()
        .any(|prefix| last_token.contains(prefix));
    is_url && last_token.ends_with(['/', '-', '_', '.', '=', '&', '?'])
}

/// At most `max_len` bytes of the end of `text`, cut at a character boundary.
fn tail(text: &str, max_len: usize) -> &str {
    let mut start = text.len().saturating_sub(max_len);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// At most `max_len` bytes of the start of `text`, cut at a character boundary.
fn head(text: &str, max_len: usize) -> &str {
    if text.len() <= max_len {
        return text;
    }
    let mut end = max_len;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(document: &str) -> Vec<String> {
        let section = Section { heading: None, body: 0..document.len() };
        split(document, &section).into_iter().map(|r| r.text).collect()
    }

    fn lines_of(document: &str) -> Vec<(u32, u32)> {
        let section = Section { heading: None, body: 0..document.len() };
        split(document, &section)
            .into_iter()
            .map(|r| (r.line_start, r.line_end))
            .collect()
    }

    #[test]
    fn reference_starts() {
        for start in [
            "Ahmed, S. (2017, January 24). Cashless society",
            "van der Berg, A. (2010). Title",
            "Hong, Yu. 2017. Networking China",
            "Plantin, J. C., Lagoze, C.",
            "D. Buitron, The Odyssey and Ancient Art",
            "J.C. Smith and K. Jones. Title.",
            "Smith JA, Jones K. Title.",
            "Xinhua. (2013a, July 3). Mayun",
            "People's Bank of China. (2017, January 5).",
            "———. 2015. Another book.",
        ] {
            assert!(looks_like_start(start), "{start}");
        }
        for text in [
            "studies meet platform studies. New Media & Society,",
            "20(1), 293-310.",
            "Urbana, IL: University of Illinois Press.",
            "New Media & Society, 20 (1), 293-310.",
            "Retrieved from <http://x.org>",
            "",
        ] {
            assert!(!looks_like_start(text), "{text}");
        }
    }

    #[test]
    fn markers() {
        assert_eq!(marker("- Ahmed"), (Marker::Bullet, 2));
        assert_eq!(marker("12. Ahmed"), (Marker::Number(12), 4));
        assert_eq!(marker("[3]  Ahmed"), (Marker::Number(3), 5));
        assert_eq!(marker("(3) Ahmed"), (Marker::Number(3), 4));
        assert_eq!(marker("- [3] Ahmed"), (Marker::Number(3), 6));
        assert_eq!(marker("[Smi15] Smith"), (Marker::Label("Smi15".into()), 8));
        assert_eq!(marker("[^1]: Smith"), (Marker::Label("1".into()), 6));
        assert_eq!(marker("*Digital depression*"), (Marker::None, 0));
        assert_eq!(marker("[Internet Plus] x"), (Marker::None, 0));
        assert_eq!(marker("2015. Title"), (Marker::Number(2015), 6));
        assert_eq!(marker("12345. x"), (Marker::None, 0));
        assert_eq!(marker("-"), (Marker::None, 0));
    }

    #[test]
    fn list_items_with_continuations_and_a_page_break() {
        let document = "- Smith, J. (2001). A title\n  that wraps. *Journal*, 1, 2-3.\n- Wong, G. (2015).\n\n14\n\nContinued after a page break.\n\n- Zhao, Y. (2007). After.\n";
        assert_eq!(
            texts(document),
            [
                "Smith, J. (2001). A title that wraps. *Journal*, 1, 2-3.",
                "Wong, G. (2015). Continued after a page break.",
                "Zhao, Y. (2007). After.",
            ]
        );
        assert_eq!(lines_of(document), [(1, 2), (3, 7), (9, 9)]);
    }

    #[test]
    fn numbered_lists_keep_their_labels_and_sequence() {
        let document = "1. Smith, J. Title. Journal,\n12. Retrieved from x.\n2. Jones, K. Other.\n[3] Lee, M. Third.\n";
        let section = Section { heading: None, body: 0..document.len() };
        let found = split(document, &section);
        let got: Vec<(Option<&str>, &str)> =
            found.iter().map(|r| (r.label.as_deref(), r.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (Some("1"), "Smith, J. Title. Journal, 12. Retrieved from x."),
                (Some("2"), "Jones, K. Other."),
                (Some("3"), "Lee, M. Third."),
            ]
        );
    }

    #[test]
    fn hanging_indents() {
        let document = "Smith, J. (2001). A title that\n    wraps onto a second line.\nWong, G. (2015). Second\n    reference.\n";
        assert_eq!(
            texts(document),
            [
                "Smith, J. (2001). A title that wraps onto a second line.",
                "Wong, G. (2015). Second reference."
            ]
        );
        let document = "    Smith, J. (2001). A title that\nwraps onto a second line.\n    Wong, G. (2015). Second\nreference.\n";
        assert_eq!(texts(document).len(), 2);
    }

    #[test]
    fn paragraphs_and_lines() {
        let document = "Smith, J. (2001). A title that\nwraps. Urbana, IL: University\nPress.\n\nWong, G. (2015). Second\nreference.\n";
        assert_eq!(
            texts(document),
            [
                "Smith, J. (2001). A title that wraps. Urbana, IL: University Press.",
                "Wong, G. (2015). Second reference."
            ]
        );
        let document = "Smith, J. (2001). One.\nWong, G. (2015). Two.\n\nZhao, Y. (2007). Three,\n\nwith a page break.\nLee, M. (2009). Four.\n";
        assert_eq!(
            texts(document),
            [
                "Smith, J. (2001). One.",
                "Wong, G. (2015). Two.",
                "Zhao, Y. (2007). Three, with a page break.",
                "Lee, M. (2009). Four."
            ]
        );
    }

    #[test]
    fn sub_headings_and_furniture_are_not_references() {
        let document = "### Books\n\n- Smith, J. (2001). One.\n\n**Articles**\n\n- Wong, G. (2015). Two.\n\nPage 3 of 9\n\u{c}\nNews\n----\n- Lee, M. (2009). Three.\n";
        assert_eq!(
            texts(document),
            ["Smith, J. (2001). One.", "Wong, G. (2015). Two.", "Lee, M. (2009). Three."]
        );
    }

    #[test]
    fn urls_broken_across_lines_are_joined_without_a_space() {
        let document = "- Smith, J. (2001). One. https://example.org/a/\n  b/c.html\n";
        assert_eq!(
            texts(document),
            ["Smith, J. (2001). One. https://example.org/a/b/c.html"]
        );
    }

    #[test]
    fn a_long_run_of_joined_lines_is_one_reference() {
        // Prose read as a list (`import --reflist notes.txt`): every line
        // continues the one before. Joining must stay linear in the lines.
        let document = "and the (state of [the] market in\n".repeat(20_000);
        let found = texts(&document);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), document.len() - 1);
    }

    #[test]
    fn control_characters_become_spaces() {
        let document = "- Smith,\u{1}J.\u{7f}\n";
        assert_eq!(texts(document), ["Smith, J."]);
    }
}
