//! EndNote XML text to raw records: element trees with byte offsets, nothing
//! interpreted.
//!
//! quick-xml reads the markup; this module keeps its own stack of open
//! elements so that a wrong or missing closing tag is reported at both ends
//! and reading goes on. After a syntax error it starts again at the next
//! `<record>`, so one damaged record does not hide the others. No DTD is read,
//! no entity but XML's five and character references is expanded: external
//! entities are never resolved, fetched or read.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::diag::{Diagnostic, LineIndex, Severity};

/// One element of a record, with the text of its `<style>` wrappers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawElement {
    /// The element's name (`titles`, `author`, ...).
    pub name: String,
    /// The `name` attribute (`<ref-type name="Journal Article">`), if any.
    pub name_attr: Option<String>,
    /// Its text and the text of the `<style>` elements inside it,
    /// concatenated in order, entities resolved; white space as written.
    pub text: String,
    /// Child elements other than `<style>`.
    pub children: Vec<RawElement>,
    /// Byte offset of the start tag's `<`.
    pub start: usize,
    /// Byte offset just after the end tag (or the start tag, when the element is empty).
    pub end: usize,
}

/// The records of a file and what was wrong with it.
#[derive(Debug, Default)]
pub struct RawFile {
    /// Every `<record>` that was closed, in file order.
    pub records: Vec<RawElement>,
    /// Whether the file has an `<xml>` root with `<records>`: only then is it EndNote XML.
    pub is_endnote: bool,
}

/// Reads EndNote XML `text` of `file` into records. Problems with the markup
/// are errors (`EN001`–`EN003`, `EN007`, `EN008`) in `diagnostics`.
pub fn read(
    text: &str,
    file: &str,
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> RawFile {
    let mut state = State { text, file, index, diagnostics, out: RawFile::default() };
    state.run();
    state.out
}

/// Whether `text` is EndNote XML: its root element is `<xml>` (EndNote's
/// exports) or it has `<record>` elements with a `<ref-type>` under another root.
pub fn looks_like_endnote(text: &str) -> bool {
    if utf16_without_bom(text).is_some() {
        // Claimed only to be reported as UTF-16 (`EN001`), when its markup,
        // read without the NUL bytes, is EndNote's.
        let head: String = text.chars().take(2048).filter(|&c| c != '\0').collect();
        return looks_like_endnote(&head);
    }
    let mut reader = Reader::from_str(text.trim_start_matches('\u{feff}'));
    for _ in 0..64 {
        match reader.read_event() {
            Ok(Event::Start(start) | Event::Empty(start)) => {
                return start.name().as_ref() == "xml"
                    || (text.contains("<record>") && text.contains("<ref-type"));
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
    false
}

struct State<'a, 'd> {
    text: &'a str,
    file: &'a str,
    index: &'a LineIndex<'a>,
    diagnostics: &'d mut Vec<Diagnostic>,
    out: RawFile,
}

/// An element being read.
struct Open {
    element: RawElement,
}

/// The XML's five predefined entities.
fn predefined_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

impl State<'_, '_> {
    fn error(&mut self, code: &'static str, offset: usize, message: String, help: &str) {
        let position = self.index.position(offset);
        self.diagnostics.push(
            Diagnostic::new(code, Severity::Error, self.file, position, message)
                .with_help(help),
        );
    }

    fn at(&self, offset: usize) -> String {
        let position = self.index.position(offset);
        format!("{}:{}", position.line, position.column)
    }

    fn run(&mut self) {
        let text = self.text;
        let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
        if text[bom..].trim().is_empty() {
            self.error(
                "EN001",
                0,
                "empty file: no EndNote XML records".into(),
                "EndNote XML starts with '<xml><records><record>'; export the library again",
            );
            return;
        }
        if let Some(byte_order) = utf16_without_bom(text) {
            self.error(
                "EN001",
                0,
                format!("the file is UTF-16 ({byte_order}) without a byte order mark; its text cannot be read"),
                "save it again as UTF-8 (or as UTF-16 with a byte order mark, as Windows Notepad's 'Unicode' does)",
            );
            return;
        }
        let mut base = bom;
        let mut reader = new_reader(&text[base..]);
        // Open elements, outermost first; the root and `<records>` included.
        let mut stack: Vec<Open> = Vec::new();
        let mut seen_root = false;
        let mut seen_records = false;
        let mut had_syntax_error = false;
        // Whether reading stopped at a syntax error (then the file's end
        // inside an element is that error, not a second finding).
        let mut ended_in_error = false;
        loop {
            let before = base + reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(error) => {
                    let offset = base + reader.error_position() as usize;
                    self.error(
                        "EN002",
                        offset,
                        format!("malformed XML: {error}"),
                        "the file is cut short or was edited by hand; the record around this point is not read",
                    );
                    had_syntax_error = true;
                    // Start again at the next record, inside `<records>`.
                    let resume_from =
                        (base + reader.buffer_position() as usize).max(offset + 1);
                    let Some(next) = find_record_start(text, resume_from) else {
                        ended_in_error = true;
                        break;
                    };
                    stack.truncate(
                        stack
                            .iter()
                            .position(|o| o.element.name == "record")
                            .unwrap_or(stack.len()),
                    );
                    base = next;
                    reader = new_reader(&text[base..]);
                    continue;
                }
            };
            let after = base + reader.buffer_position() as usize;
            match event {
                Event::Start(ref start) | Event::Empty(ref start) if !seen_root => {
                    seen_root = true;
                    let name = start.name().as_ref().to_string();
                    if name != "xml" {
                        self.error(
                            "EN001",
                            before,
                            format!(
                                "not EndNote XML: the root element is <{name}>, not <xml>"
                            ),
                            "EndNote XML starts with '<xml><records><record>'",
                        );
                        return;
                    }
                    if matches!(event, Event::Start(_)) {
                        stack.push(Open { element: element(start, before, after) });
                    }
                }
                Event::Start(start) => {
                    let open = element(&start, before, after);
                    if open.name == "records" && stack.len() == 1 {
                        seen_records = true;
                    }
                    stack.push(Open { element: open });
                }
                Event::Empty(start) => {
                    let done = element(&start, before, after);
                    if done.name == "records" && stack.len() == 1 {
                        seen_records = true;
                    }
                    self.close(&mut stack, done);
                }
                Event::End(end) => {
                    let name = end.name().as_ref().to_string();
                    match stack.iter().rposition(|open| open.element.name == name) {
                        Some(idx) => {
                            // Elements opened after it and never closed.
                            while stack.len() > idx + 1 {
                                let Some(unclosed) = stack.pop() else { break };
                                let message = format!(
                                    "<{}> opened at {} is not closed before </{name}>",
                                    unclosed.element.name,
                                    self.at(unclosed.element.start)
                                );
                                self.error(
                                    "EN003",
                                    unclosed.element.start,
                                    message,
                                    "add the missing closing tag",
                                );
                                let mut element = unclosed.element;
                                element.end = before;
                                self.close(&mut stack, element);
                            }
                            if let Some(mut open) = stack.pop() {
                                open.element.end = after;
                                self.close(&mut stack, open.element);
                            }
                        }
                        None => {
                            let message = match stack.last() {
                                Some(open) => format!(
                                    "closing tag </{name}> does not match <{}> opened at {}",
                                    open.element.name,
                                    self.at(open.element.start)
                                ),
                                None => format!(
                                    "closing tag </{name}> without an opening tag"
                                ),
                            };
                            self.error("EN003", before, message, "fix the tag's name");
                            // Most likely a misspelt end tag: it closes the open element.
                            if stack.len() > 2
                                && let Some(mut open) = stack.pop()
                            {
                                open.element.end = after;
                                self.close(&mut stack, open.element);
                            }
                        }
                    }
                }
                Event::Text(content) => {
                    if let Some(open) = stack.last_mut() {
                        open.element.text.push_str(&content.xml10_content());
                    }
                }
                Event::CData(content) => {
                    if let Some(open) = stack.last_mut() {
                        open.element.text.push_str(&content.xml10_content());
                    }
                }
                Event::GeneralRef(reference) => {
                    let name = reference.xml10_content().into_owned();
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        Ok(None) => predefined_entity(&name),
                        Err(_) => None,
                    };
                    match resolved {
                        Some(c) => {
                            if let Some(open) = stack.last_mut() {
                                open.element.text.push(c);
                            }
                        }
                        None => self.error(
                            "EN008",
                            before,
                            format!("entity '&{name};' is not expanded: biblink reads no DTD and resolves no entities"),
                            "write the character itself (EndNote exports UTF-8) or a character reference such as '&#233;'",
                        ),
                    }
                }
                Event::DocType(doctype) => {
                    let body = doctype.xml10_content().into_owned();
                    for name in external_entities(&body) {
                        self.error(
                            "EN007",
                            before,
                            format!("the DOCTYPE declares the external entity '{name}'; it is never resolved, fetched or read"),
                            "EndNote never writes a DOCTYPE: remove it",
                        );
                    }
                }
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
        if !seen_root {
            if !had_syntax_error {
                self.error(
                    "EN001",
                    bom,
                    "not EndNote XML: no root element".into(),
                    "EndNote XML starts with '<xml><records><record>'",
                );
            }
            return;
        }
        if !ended_in_error && let Some(innermost) = stack.last() {
            let record = stack.iter().find(|open| open.element.name == "record");
            let message = match record {
                Some(record) => format!(
                    "the file ends inside <{}> opened at {}: the record opened at {} is incomplete and not read",
                    innermost.element.name,
                    self.at(innermost.element.start),
                    self.at(record.element.start)
                ),
                None => format!(
                    "the file ends inside <{}> opened at {}",
                    innermost.element.name,
                    self.at(innermost.element.start)
                ),
            };
            self.error(
                "EN003",
                text.len(),
                message,
                "the file is truncated; export it again",
            );
        }
        if !seen_records {
            self.error(
                "EN001",
                bom,
                "not EndNote XML: the <xml> root has no <records>".into(),
                "EndNote XML starts with '<xml><records><record>'",
            );
        } else {
            self.out.is_endnote = true;
        }
    }

    /// Adds a closed element to its parent: a `<style>`'s text to the
    /// parent's text, a `<record>` to the records, anything else as a child.
    fn close(&mut self, stack: &mut [Open], element: RawElement) {
        let Some(parent) = stack.last_mut() else { return };
        if element.name == "style" {
            parent.element.text.push_str(&element.text);
            // Children of a style (none in EndNote's exports) are kept.
            parent.element.children.extend(element.children);
        } else if element.name == "record" && parent.element.name == "records" {
            self.out.records.push(element);
        } else if parent.element.name == "xml" || parent.element.name == "records" {
            // Elements between the records are no records; nothing to keep.
        } else {
            parent.element.children.push(element);
        }
    }
}

fn new_reader(text: &str) -> Reader<&[u8]> {
    let mut reader = Reader::from_reader(text.as_bytes());
    let config = reader.config_mut();
    // Our own stack checks the names, so that reading goes on after a mismatch.
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    reader
}

fn element(start: &BytesStart<'_>, offset: usize, after: usize) -> RawElement {
    let name = start.name().as_ref().to_string();
    let name_attr = start.try_get_attribute("name").ok().flatten().and_then(|attr| {
        attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    });
    RawElement { name, name_attr, start: offset, end: after, ..RawElement::default() }
}

/// The byte order of a text that is UTF-16 read as single bytes: a file
/// without a byte order mark (with one, [`crate::decode`] decodes it), whose
/// first characters are markup with a NUL byte after (little-endian) or
/// before (big-endian) each.
fn utf16_without_bom(text: &str) -> Option<&'static str> {
    let bytes = text.as_bytes();
    let head = &bytes[..bytes.len().min(8)];
    if head.len() < 8 {
        return None;
    }
    let odd_nul = head.iter().skip(1).step_by(2).all(|&b| b == 0);
    let even_nul = head.iter().step_by(2).all(|&b| b == 0);
    match (head[0], head[1]) {
        (b'<', _) if odd_nul => Some("little-endian"),
        (0, b'<') if even_nul => Some("big-endian"),
        _ => None,
    }
}

/// The next `<record>` or `<record ...>` at or after `from`.
fn find_record_start(text: &str, from: usize) -> Option<usize> {
    let mut idx = from;
    while let Some(found) = text.get(idx..)?.find("<record") {
        let at = idx + found;
        match text.as_bytes().get(at + "<record".len()) {
            Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/') => return Some(at),
            _ => idx = at + 1,
        }
    }
    None
}

/// Names of the entities a DOCTYPE body declares as `SYSTEM` or `PUBLIC`.
fn external_entities(body: &str) -> Vec<String> {
    let mut names = Vec::new();
    for declaration in body.split("<!ENTITY").skip(1) {
        let declaration = declaration.split('>').next().unwrap_or("");
        let mut words = declaration.split_whitespace();
        let mut name = words.next().unwrap_or("");
        if name == "%" {
            name = words.next().unwrap_or("");
        }
        if words.next().is_some_and(|kind| kind == "SYSTEM" || kind == "PUBLIC") {
            names.push(name.to_string());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(text: &str) -> (RawFile, Vec<Diagnostic>) {
        let index = LineIndex::new(text);
        let mut diagnostics = Vec::new();
        let file = read(text, "x.xml", &index, &mut diagnostics);
        (file, diagnostics)
    }

    #[test]
    fn styles_concatenate_and_entities_resolve() {
        let (file, diagnostics) = read_str(
            "<xml><records><record><titles><title><style face=\"normal\">A &amp; </style><style face=\"italic\">B&#233;</style></title></titles></record></records></xml>",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert!(file.is_endnote);
        let title = &file.records[0].children[0].children[0];
        assert_eq!((title.name.as_str(), title.text.as_str()), ("title", "A & Bé"));
    }

    #[test]
    fn a_mismatch_is_reported_and_reading_goes_on() {
        let (file, diagnostics) = read_str(
            "<xml><records>\n<record><titles><title>A</titel></titles></record>\n<record><pages>1</pages></record></records></xml>",
        );
        assert_eq!(file.records.len(), 2);
        let codes: Vec<(&str, u32, u32)> =
            diagnostics.iter().map(|d| (d.code, d.line, d.column)).collect();
        assert_eq!(codes, [("EN003", 2, 25)]);
    }

    #[test]
    fn a_syntax_error_skips_to_the_next_record() {
        let (file, diagnostics) = read_str(
            "<xml><records>\n<record><pages>1</pages><!x></record>\n<record><pages>2</pages></record></records></xml>",
        );
        assert_eq!(file.records.len(), 1);
        assert_eq!(file.records[0].children[0].text, "2");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!((diagnostics[0].code, diagnostics[0].line), ("EN002", 2));
    }

    #[test]
    fn external_entities_are_found() {
        assert_eq!(
            external_entities(
                "xml [ <!ENTITY a SYSTEM \"file:///etc/passwd\"> <!ENTITY b \"x\"> <!ENTITY % c PUBLIC \"-//x\" \"http://x\"> ]"
            ),
            ["a", "c"]
        );
    }

    #[test]
    fn detection() {
        assert!(looks_like_endnote("<?xml version=\"1.0\"?>\n<xml><records>"));
        assert!(!looks_like_endnote("<article><back><ref-list>"));
        assert!(!looks_like_endnote(""));
        let utf16le: String = "<?xml version=\"1.0\"?><xml><records>"
            .chars()
            .flat_map(|c| [c, '\0'])
            .collect();
        assert!(looks_like_endnote(&utf16le));
        assert_eq!(utf16_without_bom(&utf16le), Some("little-endian"));
        let utf16be: String = "<xml><records>".chars().flat_map(|c| ['\0', c]).collect();
        assert_eq!(utf16_without_bom(&utf16be), Some("big-endian"));
        assert_eq!(utf16_without_bom("<xml><records>"), None);
    }
}
