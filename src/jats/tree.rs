//! A JATS file as a small tree of elements and text, every node with its
//! byte span in the file.
//!
//! Read with `quick-xml`, which never opens a DTD nor an external entity:
//! the `<!DOCTYPE ...>` is skipped as it is, and a reference to an entity it
//! declares (`&xxe;`) is left out of the text with a warning. Only the five
//! predefined entities and character references are expanded.

use std::ops::Range;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::diag::{Diagnostic, LineIndex, Severity};

/// One node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Character data as written in the file (no references inside).
    Text(Range<usize>),
    /// A character or predefined entity reference (`&#x2013;`, `&amp;`) and
    /// what it stands for; an unknown entity stands for nothing.
    Ref(Range<usize>, String),
    /// A CDATA section: the span of its content.
    CData(Range<usize>),
}

/// One element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Its name as written (`article`, `mml:math`).
    pub name: String,
    /// Its attributes, values unescaped, in order.
    pub attrs: Vec<(String, String)>,
    /// Its children.
    pub children: Vec<Node>,
    /// From its `<` to the end of its end tag (or of an empty tag).
    pub span: Range<usize>,
    /// Between its start and end tag (empty for `<x/>`).
    pub content: Range<usize>,
}

impl Element {
    /// The value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The name without its namespace prefix.
    pub fn local(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// Every descendant element (depth first, document order) named `name`.
    pub fn descendants<'a>(&'a self, name: &'a str, out: &mut Vec<&'a Element>) {
        for child in self.elements() {
            if child.name == name {
                out.push(child);
            }
            child.descendants(name, out);
        }
    }

    /// The text content, entities decoded, white space collapsed and trimmed.
    pub fn text(&self, xml: &str) -> String {
        let mut raw = String::new();
        self.raw_text(xml, &mut raw);
        // Publishers' XML has no-break spaces at the ends of names and
        // titles (`<surname>Castro-Alamancos&#xA0;</surname>`): trimmed
        // like any white space; inside a value they stay.
        crate::tex::collapse_whitespace(raw.trim())
    }

    fn raw_text(&self, xml: &str, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Element(e) => e.raw_text(xml, out),
                Node::Text(span) | Node::CData(span) => out.push_str(&xml[span.clone()]),
                Node::Ref(_, value) => out.push_str(value),
            }
        }
    }
}

/// The tree of `xml` (named `file` in diagnostics): the root element, or
/// the first error. Warnings (entities left unexpanded) go to `warnings`.
pub fn parse(
    xml: &str,
    file: &str,
    index: &LineIndex,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Element, Diagnostic> {
    let error = |code: &'static str, at: usize, message: String, help: &str| {
        Diagnostic::new(code, Severity::Error, file, index.position(at), message)
            .with_help(help)
    };
    let body = xml.trim_start_matches('\u{feff}');
    if body.trim().is_empty() {
        return Err(error(
            "JATS004",
            0,
            "empty file: no XML in it".into(),
            "a JATS article starts with `<?xml ...?>` or `<article`",
        ));
    }
    let first = xml.len() - body.trim_start().len();
    if !body.trim_start().starts_with('<') {
        return Err(error(
            "JATS001",
            first,
            "not XML: the file does not start with a tag".into(),
            "biblink reads JATS/NLM XML articles (`<article>` with a `<ref-list>`)",
        ));
    }
    let mut reader = Reader::from_str(xml);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.allow_dangling_amp = false;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut warned: Vec<String> = Vec::new();
    loop {
        let start = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = (reader.error_position() as usize).min(xml.len());
                let message = match &e {
                    quick_xml::Error::IllFormed(
                        quick_xml::errors::IllFormedError::MismatchedEndTag {
                            expected,
                            found,
                        },
                    ) => format!("end tag '</{found}>' does not close '<{expected}>'"),
                    quick_xml::Error::IllFormed(
                        quick_xml::errors::IllFormedError::UnmatchedEndTag(found),
                    ) => format!("end tag '</{found}>' closes nothing"),
                    other => {
                        format!("malformed XML: {}", other.to_string().to_lowercase())
                    }
                };
                return Err(error(
                    "JATS001",
                    at,
                    message,
                    "fix the XML (every tag closed, in order; `&` written as `&amp;`)",
                ));
            }
        };
        let end = reader.buffer_position() as usize;
        let in_root = !stack.is_empty();
        match event {
            Event::Start(tag) | Event::Empty(tag) if root.is_some() => {
                return Err(error(
                    "JATS001",
                    start,
                    format!(
                        "a second root element '<{}>' after the article",
                        name_of(&tag)
                    ),
                    "an XML file has one root element",
                ));
            }
            Event::Start(tag) => {
                let element = element(&tag, start..end, end..end, file, index)?;
                stack.push(element);
            }
            Event::Empty(tag) => {
                let element = element(&tag, start..end, end..end, file, index)?;
                push(&mut stack, &mut root, Node::Element(element));
            }
            Event::End(_) => {
                let Some(mut element) = stack.pop() else {
                    return Err(error(
                        "JATS001",
                        start,
                        "end tag closes nothing".into(),
                        "fix the XML",
                    ));
                };
                element.content = element.content.start..start;
                element.span = element.span.start..end;
                push(&mut stack, &mut root, Node::Element(element));
            }
            Event::Text(_) if in_root => {
                push(&mut stack, &mut root, Node::Text(start..end));
            }
            Event::Text(text) if !text.trim().is_empty() => {
                let at = start + (text.len() - text.trim_start().len());
                return Err(error(
                    "JATS001",
                    at,
                    "text outside the root element".into(),
                    "a JATS file holds one `<article>` element",
                ));
            }
            Event::CData(_) if in_root => {
                // `<![CDATA[` and `]]>` around the content.
                push(
                    &mut stack,
                    &mut root,
                    Node::CData(start + 9..end.saturating_sub(3)),
                );
            }
            Event::GeneralRef(reference) if in_root => {
                let name: &str = &reference;
                let value = if reference.is_char_ref() {
                    match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            return Err(error(
                                "JATS001",
                                start,
                                format!("invalid character reference '&{name};'"),
                                "write a valid code point (`&#x2013;`)",
                            ));
                        }
                    }
                } else if let Some(v) = quick_xml::escape::resolve_predefined_entity(name)
                {
                    v.to_string()
                } else {
                    if !warned.iter().any(|w| w == name) {
                        warned.push(name.to_string());
                        warnings.push(
                            Diagnostic::new(
                                "JATS003",
                                Severity::Warning,
                                file,
                                index.position(start),
                                format!(
                                    "entity '&{name};' left out: biblink expands only the predefined XML entities and character references, never a DTD's or an external one"
                                ),
                            )
                            .with_help("write the character itself or as `&#x...;`"),
                        );
                    }
                    String::new()
                };
                push(&mut stack, &mut root, Node::Ref(start..end, value));
            }
            Event::Eof => break,
            // Declaration, DOCTYPE (never followed), comments, processing
            // instructions; references outside the root are nothing.
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(error(
            "JATS001",
            open.span.start,
            format!("unclosed tag '<{}>': the file ends before its end tag", open.name),
            "close the element (the file may be cut short)",
        ));
    }
    let mut root = root.ok_or_else(|| {
        error(
            "JATS001",
            first,
            "not XML: no element in the file".into(),
            "biblink reads JATS/NLM XML articles (`<article>` with a `<ref-list>`)",
        )
    })?;
    // `<j:article xmlns:j="http://jats.nlm.nih.gov">`: JATS elements under a
    // prefix read as the same elements without it.
    if let Some((prefix, _)) = root.name.split_once(':') {
        let declared = root.attr(&format!("xmlns:{prefix}")).unwrap_or("");
        if super::NAMESPACES.iter().any(|n| declared.contains(n)) {
            let prefix = format!("{prefix}:");
            unprefix(&mut root, &prefix);
        }
    }
    Ok(root)
}

/// Drops `prefix` from the names of `element` and of every element in it.
fn unprefix(element: &mut Element, prefix: &str) {
    if let Some(local) = element.name.strip_prefix(prefix) {
        element.name = local.to_string();
    }
    for child in &mut element.children {
        if let Node::Element(e) = child {
            unprefix(e, prefix);
        }
    }
}

fn name_of(tag: &BytesStart) -> String {
    tag.name().as_ref().to_string()
}

fn push(stack: &mut [Element], root: &mut Option<Element>, node: Node) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => {
            if let Node::Element(element) = node {
                *root = Some(element);
            }
        }
    }
}

fn element(
    tag: &BytesStart,
    span: Range<usize>,
    content: Range<usize>,
    file: &str,
    index: &LineIndex,
) -> Result<Element, Diagnostic> {
    let mut attrs = Vec::new();
    for attr in tag.attributes() {
        let attr = attr.map_err(|e| {
            Diagnostic::new(
                "JATS001",
                Severity::Error,
                file,
                index.position(span.start),
                format!(
                    "malformed attribute in '<{}>': {}",
                    name_of(tag),
                    e.to_string().to_lowercase()
                ),
            )
            .with_help("quote every attribute value and name each attribute once")
        })?;
        let key = attr.key.as_ref().to_string();
        // Entities other than the predefined ones are left as written.
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| attr.value.to_string());
        attrs.push((key, value));
    }
    Ok(Element { name: name_of(tag), attrs, children: Vec::new(), span, content })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> (Result<Element, Diagnostic>, Vec<Diagnostic>) {
        let index = LineIndex::new(xml);
        let mut warnings = Vec::new();
        (parse(xml, "a.xml", &index, &mut warnings), warnings)
    }

    #[test]
    fn spans_and_text() {
        let xml = "<?xml version=\"1.0\"?>\n<article><p>A &amp; B&#x2013;<i>c</i></p><br/></article>";
        let (root, warnings) = read(xml);
        let root = root.expect("parsed");
        assert!(warnings.is_empty());
        assert_eq!(root.name, "article");
        let p = root.child("p").expect("p");
        assert_eq!(&xml[p.span.clone()], "<p>A &amp; B&#x2013;<i>c</i></p>");
        assert_eq!(&xml[p.content.clone()], "A &amp; B&#x2013;<i>c</i>");
        assert_eq!(p.text(xml), "A & B–c");
        let br = root.child("br").expect("br");
        assert_eq!(&xml[br.span.clone()], "<br/>");
    }

    #[test]
    fn errors_have_positions() {
        let (root, _) = read("<article>\n  <p>text\n</article>");
        let error = root.expect_err("mismatched");
        assert_eq!(error.code, "JATS001");
        assert_eq!(error.line, 3, "{error}");
        let (root, _) = read("<article>\n<p>text</p>\n");
        let error = root.expect_err("unclosed");
        assert!(error.message.contains("unclosed tag '<article>'"), "{error}");
        assert_eq!((error.line, error.column), (1, 1));
        let (root, _) = read("");
        assert_eq!(root.expect_err("empty").code, "JATS004");
        let (root, _) = read("TY  - JOUR\nER  -\n");
        assert_eq!(root.expect_err("not xml").code, "JATS001");
    }

    #[test]
    fn external_entities_are_never_expanded() {
        let xml = "<!DOCTYPE article [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<article><p>&xxe;x</p></article>";
        let (root, warnings) = read(xml);
        let root = root.expect("parsed");
        assert_eq!(root.child("p").map(|p| p.text(xml)).as_deref(), Some("x"));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code, "JATS003");
        assert_eq!(warnings[0].line, 2);
    }
}
