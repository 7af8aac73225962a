//! RIS lines to raw records: tag, value and line numbers, nothing interpreted.
//!
//! Lenient where real files are (see `docs/ris-biblatex.md` §1.1): one to three
//! spaces or a tab before the dash, BOM at a line start, CRLF/LF/CR, junk
//! before the first record, continuation lines, blank lines inside records,
//! a record that starts without `ER` before it or ends at EOF without `ER`.

/// One tag of a record, with its value joined from continuation lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTag {
    /// Two-character tag, upper case (`TY`, `AU`, ...).
    pub tag: String,
    /// Trimmed value; continuation lines are joined with `\n` (the converter
    /// decides per tag whether a line break means anything).
    pub value: String,
    /// Line of the tag.
    pub line_start: u32,
    /// Last continuation line.
    pub line_end: u32,
    /// 1-based character column where the value starts.
    pub value_column: u32,
}

/// A record as written: its tags in order and where it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// Every tag but `ER`, in file order.
    pub tags: Vec<RawTag>,
    /// First line of the record.
    pub line_start: u32,
    /// Last line of the record (its `ER` line when closed).
    pub line_end: u32,
    /// Whether an `ER` line closed the record.
    pub closed: bool,
}

/// A tag line split into tag, value and the value's byte offset in the line.
pub fn split_tag_line(line: &str) -> Option<(&str, &str, usize)> {
    let trimmed_start = line.trim_start_matches(['\u{feff}', ' ']);
    // Leading spaces are only tolerated together with a BOM (JabRef's sample).
    if trimmed_start.len() != line.len() && !line.contains('\u{feff}') {
        return None;
    }
    let skipped = line.len() - trimmed_start.len();
    let bytes = trimmed_start.as_bytes();
    if bytes.len() < 4 || !bytes[0].is_ascii_uppercase() {
        return None;
    }
    if !(bytes[1].is_ascii_uppercase() || bytes[1].is_ascii_digit()) {
        return None;
    }
    let mut idx = 2;
    let mut gap = 0;
    while idx < bytes.len() && (bytes[idx] == b' ' || bytes[idx] == b'\t') {
        idx += 1;
        gap += 1;
    }
    if gap == 0 || gap > 3 || bytes.get(idx) != Some(&b'-') {
        return None;
    }
    idx += 1;
    match bytes.get(idx) {
        None => {}
        Some(b' ') | Some(b'\t') => idx += 1,
        Some(_) => return None,
    }
    let value = trimmed_start[idx..].trim();
    Some((&trimmed_start[..2], value, skipped + idx))
}

/// Splits RIS text into raw records. Lines outside records that are not tag
/// lines are ignored; `junk_lines` counts the non-blank ones.
pub fn records(text: &str) -> (Vec<RawRecord>, usize) {
    let mut lexer = lexer(text);
    let records = lexer.by_ref().collect();
    (records, lexer.junk_lines)
}

/// The records of [`records`], one at a time: a caller that converts each
/// record as it comes never holds the raw form of the whole file.
pub(crate) struct Records<'a, I: Iterator<Item = &'a str>> {
    lines: I,
    line_no: u32,
    current: Option<RawRecord>,
    /// Non-blank lines outside records, so far.
    pub(crate) junk_lines: usize,
    /// Tags and a tag list handed back by [`Records::recycle`], whose
    /// buffers are reused instead of allocating two strings per line.
    spare_tags: Vec<RawTag>,
    spare_list: Option<Vec<RawTag>>,
}

/// The records of `text`, lexed as they are asked for.
pub(crate) fn lexer(text: &str) -> Records<'_, impl Iterator<Item = &str>> {
    lexer_after(text, 0)
}

/// The records of `text`, a part of a file that starts after its line
/// `lines_before` and outside any record (see [`split_between_records`]).
pub(crate) fn lexer_after(
    text: &str,
    lines_before: u32,
) -> Records<'_, impl Iterator<Item = &str>> {
    Records {
        lines: lines(text),
        line_no: lines_before,
        current: None,
        junk_lines: 0,
        spare_tags: Vec::new(),
        spare_list: None,
    }
}

/// Where `text` can be cut into up to `n_parts` parts that lex, each on its
/// own, into exactly the records of the whole: the cuts are at the start of
/// a line that follows an `ER` line, which leaves no record open. Returns
/// each part with the number of lines before it.
pub(crate) fn split_between_records(text: &str, n_parts: usize) -> Vec<(&str, u32)> {
    let bytes = text.as_bytes();
    let mut parts = Vec::with_capacity(n_parts);
    let mut start = 0;
    let mut lines_before = 0u32;
    for part_idx in 1..n_parts {
        let target = (text.len() / n_parts * part_idx).max(start);
        let Some(cut) = cut_after(text, target) else { break };
        let part = &text[start..cut];
        parts.push((part, lines_before));
        lines_before += count_line_ends(&bytes[start..cut]);
        start = cut;
    }
    parts.push((&text[start..], lines_before));
    parts
}

/// The first cut at or after `from` (see [`split_between_records`]).
fn cut_after(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let finder = memchr::memmem::Finder::new(b"\nER");
    let mut search = from;
    while let Some(found) = finder.find(&bytes[search..]) {
        let line_start = search + found + 1;
        search = line_start;
        let line_end = memchr::memchr2(b'\n', b'\r', &bytes[line_start..])
            .map_or(bytes.len(), |end| line_start + end);
        if !matches!(split_tag_line(&text[line_start..line_end]), Some(("ER", _, _))) {
            continue;
        }
        // Only LF and CRLF line ends: a lone CR would need the lexer's care.
        match &bytes[line_end..] {
            [b'\n', ..] => return Some(line_end + 1),
            [b'\r', b'\n', ..] => return Some(line_end + 2),
            _ => {}
        }
    }
    None
}

/// Line ends in `bytes` as [`lines`] counts them: LF, CRLF or CR.
fn count_line_ends(bytes: &[u8]) -> u32 {
    let mut count = 0;
    for idx in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if !(bytes[idx] == b'\r' && bytes.get(idx + 1) == Some(&b'\n')) {
            count += 1;
        }
    }
    count
}

impl<'a, I: Iterator<Item = &'a str>> Records<'a, I> {
    /// Hands a record back once it has been read, for its buffers.
    pub(crate) fn recycle(&mut self, mut record: RawRecord) {
        self.spare_tags.append(&mut record.tags);
        if self.spare_list.is_none() {
            self.spare_list = Some(record.tags);
        }
    }
}

/// A tag with these contents, in the buffers of a spare tag when there is one.
fn new_tag(
    spare_tags: &mut Vec<RawTag>,
    tag: &str,
    value: &str,
    line_no: u32,
    value_column: u32,
) -> RawTag {
    match spare_tags.pop() {
        Some(mut spare) => {
            spare.tag.clear();
            spare.tag.push_str(tag);
            spare.value.clear();
            spare.value.push_str(value);
            spare.line_start = line_no;
            spare.line_end = line_no;
            spare.value_column = value_column;
            spare
        }
        None => RawTag {
            tag: tag.to_string(),
            value: value.to_string(),
            line_start: line_no,
            line_end: line_no,
            value_column,
        },
    }
}

impl<'a, I: Iterator<Item = &'a str>> Iterator for Records<'a, I> {
    type Item = RawRecord;

    fn next(&mut self) -> Option<RawRecord> {
        for line in self.lines.by_ref() {
            self.line_no += 1;
            let line_no = self.line_no;
            match split_tag_line(line) {
                Some((tag, value, value_offset)) => {
                    if tag == "ER" {
                        if let Some(mut record) = self.current.take() {
                            record.line_end = line_no;
                            record.closed = true;
                            return Some(record);
                        }
                        continue;
                    }
                    // A TY inside an open record that already has a TY starts a new one.
                    let finished = if tag == "TY" {
                        self.current.take_if(|record| {
                            record.tags.iter().any(|existing| existing.tag == "TY")
                        })
                    } else {
                        None
                    };
                    let value_column = line[..value_offset].chars().count() as u32 + 1;
                    let raw_tag =
                        new_tag(&mut self.spare_tags, tag, value, line_no, value_column);
                    let spare_list = &mut self.spare_list;
                    let record = self.current.get_or_insert_with(|| RawRecord {
                        tags: spare_list.take().unwrap_or_default(),
                        line_start: line_no,
                        line_end: line_no,
                        closed: false,
                    });
                    record.line_end = line_no;
                    record.tags.push(raw_tag);
                    if finished.is_some() {
                        return finished;
                    }
                }
                None => {
                    let content = line
                        .trim_matches(['\u{feff}', ' ', '\t', '\u{2028}', '\u{2029}']);
                    if content.is_empty() {
                        continue;
                    }
                    match self.current.as_mut().and_then(|record| {
                        record.line_end = line_no;
                        record.tags.last_mut()
                    }) {
                        Some(last) => {
                            if !last.value.is_empty() {
                                last.value.push('\n');
                            }
                            last.value.push_str(content);
                            last.line_end = line_no;
                        }
                        None => self.junk_lines += 1,
                    }
                }
            }
        }
        self.current.take()
    }
}

/// Lines of `text`, split at LF, CRLF or CR, without their terminators.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            Some(found) => {
                let end = start + found;
                let line = &text[start..end];
                start = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                    end + 2
                } else {
                    end + 1
                };
                Some(line)
            }
            None => {
                done = true;
                if start < text.len() { Some(&text[start..]) } else { None }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_lines_in_every_spacing() {
        assert_eq!(split_tag_line("TY  - JOUR"), Some(("TY", "JOUR", 6)));
        assert_eq!(split_tag_line("TY - JOUR"), Some(("TY", "JOUR", 5)));
        assert_eq!(split_tag_line("TY\t- JOUR"), Some(("TY", "JOUR", 5)));
        assert_eq!(split_tag_line("TY   - JOUR"), Some(("TY", "JOUR", 7)));
        assert_eq!(split_tag_line("ER  -"), Some(("ER", "", 5)));
        assert_eq!(split_tag_line("ER -"), Some(("ER", "", 4)));
        assert_eq!(split_tag_line("\u{feff}TY  - JOUR").map(|t| t.1), Some("JOUR"));
        assert_eq!(split_tag_line(" \u{feff}TY  - BOOK").map(|t| t.1), Some("BOOK"));
        assert_eq!(split_tag_line("TY  -JOUR"), None);
        assert_eq!(split_tag_line("Ty  - JOUR"), None);
        assert_eq!(split_tag_line("The report - a note"), None);
        assert_eq!(split_tag_line("  AU  - x"), None);
    }

    #[test]
    fn continuation_lines_and_missing_er() {
        let text = "junk\r\nTY  - JOUR\r\nT1  - A title\r\nthat wraps\r\n\r\nAU  - X\r\nTY  - BOOK\nTI  - B";
        let (records, junk) = records(text);
        assert_eq!(junk, 1);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].tags[1].value, "A title\nthat wraps");
        assert_eq!((records[0].tags[1].line_start, records[0].tags[1].line_end), (3, 4));
        assert!(!records[0].closed && !records[1].closed);
        assert_eq!(records[1].line_start, 7);
    }
}
