//! Markup in registry metadata (JATS, MathML and HTML tags, entities) turned into plain text.
//!
//! Crossref titles and abstracts carry the depositor's XML: `<i>`, `<sub>`,
//! `<sup>`, `<scp>`, `<jats:italic>`, `<jats:p>`, `<mml:math>` and friends,
//! often pretty-printed with line breaks and indentation between the tags.
//! [`to_plain`] keeps the text content and drops the rest.
//!
//! Choices:
//! - Formatting is dropped, not translated to TeX (`<i>KRAS</i>` → `KRAS`):
//!   the store compares titles with local ones as plain text, and registries
//!   apply italics inconsistently.
//! - MathML becomes its characters in reading order, sub- and superscripts
//!   written inline (`<mml:msub><mml:mi>x</mml:mi><mml:mn>2</mml:mn></mml:msub>`
//!   → `x2`, LaSrVO<sub>4</sub> → `LaSrVO4`): that is how chemical formulas
//!   and indices appear in RIS exports and plain-text references, and it
//!   needs no TeX escaping. Fractions read `a/b`, square roots `√x`;
//!   `<annotation>` and `<tex-math>` alternatives are skipped so the formula
//!   is not written twice.
//! - White space that only indents the XML (a run holding a line break next
//!   to a tag) becomes one space, or nothing before closing punctuation and
//!   around a `/` or a hyphen (`<i>KRAS</i>\n   /\n   <i>NRAS</i>` →
//!   `KRAS/NRAS`, `(\n <i>KRAS</i>\n )` → `(KRAS)`).
//! - Block elements (`p`, `sec`, `title`, `li`, `br`, …) separate words; a
//!   section title inside an abstract is followed by `:` (`Background: The…`).
//! - Entities are decoded: the five XML ones, `&nbsp;` (as a space), common
//!   HTML typography and Greek letters, and numeric references. An unknown
//!   named entity is kept as written.
//! - A `<` starts a tag only when a known HTML, JATS or MathML element name
//!   (or any `prefix:name`) follows and a `>` closes it, so `p<0.05` and
//!   `a <b c> d`-like text that is no markup stays as it is.

use std::borrow::Cow;

/// The text content of `text`: tags removed, entities decoded, MathML
/// linearised, white space collapsed and trimmed (see the module
/// documentation for the rules). Text without markup comes back with its
/// white space collapsed only.
pub fn to_plain(text: &str) -> String {
    if !text.contains(['<', '&']) {
        return crate::tex::collapse_whitespace(text);
    }
    let nodes = parse(text);
    let mut out = String::with_capacity(text.len());
    render_all(&nodes, &mut out);
    finish_whitespace(&out)
}

/// Whether `text` holds a tag or an entity that [`to_plain`] would remove.
pub fn has_markup(text: &str) -> bool {
    text.contains(['<', '&']) && to_plain(text) != crate::tex::collapse_whitespace(text)
}

/// Decodes character references: `&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&apos;`, common HTML named entities and `&#NNN;`/`&#xHHH;`. Unknown or
/// malformed references are kept as written.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // Entity names are short; a `;` far away belongs to something else.
        let decoded = after
            .char_indices()
            .take(32)
            .find(|(_, c)| *c == ';' || *c == '&' || c.is_whitespace())
            .filter(|(_, c)| *c == ';')
            .and_then(|(semicolon, _)| {
                decode_reference(&after[..semicolon]).map(|c| (c, semicolon))
            });
        match decoded {
            Some((decoded, semicolon)) => {
                out.push_str(decoded.as_ref());
                rest = &after[semicolon + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A parsed piece of markup.
#[derive(Debug)]
enum Node {
    /// Character data, entities not yet decoded.
    Text(String),
    /// An element, its name lower case without namespace prefix.
    Element { name: String, children: Vec<Node> },
}

/// Marks white space that only indents the XML; resolved by [`finish_whitespace`].
const SOFT_SPACE: char = '\u{E000}';

/// HTML, JATS and MathML element names recognised without a namespace prefix.
const KNOWN_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "alternatives",
    "annotation",
    "annotation-xml",
    "b",
    "big",
    "bold",
    "body",
    "br",
    "break",
    "code",
    "disp-formula",
    "div",
    "em",
    "email",
    "ext-link",
    "fn",
    "font",
    "graphic",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "html",
    "i",
    "img",
    "inline-formula",
    "inline-graphic",
    "italic",
    "label",
    "li",
    "list",
    "list-item",
    "math",
    "menclose",
    "merror",
    "mfenced",
    "mfrac",
    "mi",
    "mmultiscripts",
    "mn",
    "mo",
    "monospace",
    "mover",
    "mpadded",
    "mphantom",
    "mroot",
    "mrow",
    "ms",
    "mspace",
    "msqrt",
    "mstyle",
    "msub",
    "msubsup",
    "msup",
    "mtable",
    "mtd",
    "mtext",
    "mtr",
    "munder",
    "munderover",
    "named-content",
    "ol",
    "overline",
    "p",
    "roman",
    "s",
    "sans-serif",
    "sc",
    "scp",
    "script",
    "sec",
    "semantics",
    "small",
    "span",
    "strike",
    "strong",
    "style",
    "styled-content",
    "sub",
    "sup",
    "tex-math",
    "title",
    "tt",
    "u",
    "ul",
    "underline",
    "uri",
    "xref",
];

/// Elements whose content is not text of the work: TeX or annotation
/// alternatives of a formula, scripts and styles.
const SKIPPED_ELEMENTS: &[&str] =
    &["annotation", "annotation-xml", "tex-math", "script", "style", "head"];

/// Elements that separate words.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "sec",
    "title",
    "div",
    "li",
    "list-item",
    "list",
    "ul",
    "ol",
    "br",
    "break",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "label",
    "disp-formula",
    "mtr",
    "mtd",
];

/// Elements that never have content.
const VOID_ELEMENTS: &[&str] =
    &["br", "break", "hr", "img", "graphic", "inline-graphic", "mspace"];

/// Parses tolerant of broken markup: unknown closing tags are ignored, a
/// closing tag closes every element opened after its partner, and elements
/// still open at the end are closed there.
fn parse(text: &str) -> Vec<Node> {
    // The stack of open elements; the bottom holds the top-level nodes.
    let mut stack: Vec<(String, Vec<Node>)> = vec![(String::new(), Vec::new())];
    let mut text_start = 0;
    let mut idx = 0;
    let bytes = text.as_bytes();
    while idx < bytes.len() {
        if bytes[idx] != b'<' {
            idx += 1;
            continue;
        }
        let Some((tag, end)) = read_tag(text, idx) else {
            idx += 1;
            continue;
        };
        if text_start < idx {
            push_text(&mut stack, &text[text_start..idx]);
        }
        match tag {
            Tag::Open { name, self_closing } => {
                if self_closing || VOID_ELEMENTS.contains(&name.as_str()) {
                    push_node(&mut stack, Node::Element { name, children: Vec::new() });
                } else {
                    stack.push((name, Vec::new()));
                }
            }
            Tag::Close { name } => {
                if let Some(depth) =
                    stack.iter().skip(1).rposition(|(open, _)| *open == name)
                {
                    while stack.len() > depth + 1 {
                        close_top(&mut stack);
                    }
                }
            }
            Tag::Text(content) => push_text(&mut stack, &content),
            Tag::Ignored => {}
        }
        idx = end;
        text_start = end;
    }
    if text_start < text.len() {
        push_text(&mut stack, &text[text_start..]);
    }
    while stack.len() > 1 {
        close_top(&mut stack);
    }
    stack.pop().map(|(_, nodes)| nodes).unwrap_or_default()
}

fn push_text(stack: &mut [(String, Vec<Node>)], text: &str) {
    push_node(stack, Node::Text(text.replace(SOFT_SPACE, "")));
}

fn push_node(stack: &mut [(String, Vec<Node>)], node: Node) {
    if let Some((_, children)) = stack.last_mut() {
        children.push(node);
    }
}

fn close_top(stack: &mut Vec<(String, Vec<Node>)>) {
    if stack.len() > 1
        && let Some((name, children)) = stack.pop()
    {
        push_node(stack, Node::Element { name, children });
    }
}

/// What a `<` started.
enum Tag {
    Open {
        name: String,
        self_closing: bool,
    },
    Close {
        name: String,
    },
    /// CDATA content.
    Text(String),
    /// A comment, processing instruction or declaration.
    Ignored,
}

/// Reads the tag starting at byte `start` (a `<`); returns it and the byte
/// after its end, or `None` when the `<` starts no tag.
fn read_tag(text: &str, start: usize) -> Option<(Tag, usize)> {
    let rest = &text[start..];
    if let Some(comment) = rest.strip_prefix("<!--") {
        let end = comment.find("-->")?;
        return Some((Tag::Ignored, start + 4 + end + 3));
    }
    if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
        let end = cdata.find("]]>")?;
        return Some((Tag::Text(cdata[..end].to_string()), start + 9 + end + 3));
    }
    if rest.starts_with("<?") || rest.starts_with("<!") {
        let end = rest.find('>')?;
        return Some((Tag::Ignored, start + end + 1));
    }
    let (is_close, after) = match rest.strip_prefix("</") {
        Some(after) => (true, after),
        None => (false, &rest[1..]),
    };
    let name_len = after
        .find(|c: char| {
            !(c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))
        })
        .unwrap_or(after.len());
    let raw_name = &after[..name_len];
    if !raw_name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let lower = raw_name.to_ascii_lowercase();
    let (has_prefix, local) = match lower.rsplit_once(':') {
        Some((_, local)) => (true, local.to_string()),
        None => (false, lower),
    };
    if local.is_empty() || !(has_prefix || KNOWN_ELEMENTS.contains(&local.as_str())) {
        return None;
    }
    // The rest of the tag: attributes up to `>`, quoted values may hold `>`.
    let attributes = &after[name_len..];
    if !attributes.is_empty()
        && !attributes.starts_with(['>', '/', ' ', '\t', '\n', '\r'])
    {
        return None;
    }
    let mut quote = None;
    for (offset, c) in attributes.char_indices() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '<') => return None,
            (None, '>') => {
                let end = start + (rest.len() - after.len()) + name_len + offset + 1;
                let self_closing = attributes[..offset].trim_end().ends_with('/');
                let tag = if is_close {
                    Tag::Close { name: local }
                } else {
                    Tag::Open { name: local, self_closing }
                };
                return Some((tag, end));
            }
            (None, _) => {}
        }
    }
    None
}

fn render_all(nodes: &[Node], out: &mut String) {
    for node in nodes {
        render(node, out);
    }
}

fn render(node: &Node, out: &mut String) {
    match node {
        Node::Text(text) => render_text(text, out),
        Node::Element { name, children } => render_element(name, children, out),
    }
}

/// Text with its indentation (leading or trailing white space holding a
/// line break, which always touches a tag) marked soft.
fn render_text(text: &str, out: &mut String) {
    let decoded = decode_entities(text);
    let trimmed_start = decoded.trim_start();
    let leading = &decoded[..decoded.len() - trimmed_start.len()];
    let core = trimmed_start.trim_end();
    let trailing = &trimmed_start[core.len()..];
    let mark = |space: &str, out: &mut String| {
        if space.contains(['\n', '\r']) {
            out.push(SOFT_SPACE);
        } else if !space.is_empty() {
            out.push(' ');
        }
    };
    mark(leading, out);
    out.push_str(core);
    if !core.is_empty() {
        mark(trailing, out);
    }
}

fn render_element(name: &str, children: &[Node], out: &mut String) {
    if SKIPPED_ELEMENTS.contains(&name) {
        return;
    }
    match name {
        "mfrac" => {
            let parts = rendered_children(children);
            out.push_str(&parts.join("/"));
        }
        "msqrt" => {
            let mut inner = String::new();
            render_all(children, &mut inner);
            let inner = finish_whitespace(&inner);
            if inner.chars().count() > 1 {
                out.push_str(&format!("√({inner})"));
            } else {
                out.push_str(&format!("√{inner}"));
            }
        }
        "mfenced" => {
            let parts = rendered_children(children);
            out.push_str(&format!("({})", parts.join(",")));
        }
        "title" => {
            let mut inner = String::new();
            render_all(children, &mut inner);
            let mut inner = finish_whitespace(&inner);
            if !inner.is_empty() && !inner.ends_with(['.', ':', '?', '!']) {
                inner.push(':');
            }
            out.push(' ');
            out.push_str(&inner);
            out.push(' ');
        }
        _ if BLOCK_ELEMENTS.contains(&name) => {
            out.push(' ');
            render_all(children, out);
            out.push(' ');
        }
        _ => render_all(children, out),
    }
}

/// The rendered element children (text between them is XML indentation in
/// MathML and is dropped).
fn rendered_children(children: &[Node]) -> Vec<String> {
    children
        .iter()
        .filter(|child| match child {
            Node::Element { name, .. } => !SKIPPED_ELEMENTS.contains(&name.as_str()),
            Node::Text(text) => !text.trim().is_empty(),
        })
        .map(|child| {
            let mut part = String::new();
            render(child, &mut part);
            finish_whitespace(&part)
        })
        .collect()
}

/// Resolves soft spaces, collapses white space and trims.
fn finish_whitespace(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut idx = 0;
    while idx < chars.len() {
        let c = chars[idx];
        if !(c == SOFT_SPACE || is_space(c)) {
            out.push(c);
            idx += 1;
            continue;
        }
        let run_start = idx;
        while idx < chars.len() && (chars[idx] == SOFT_SPACE || is_space(chars[idx])) {
            idx += 1;
        }
        let is_hard = chars[run_start..idx].iter().any(|&c| c != SOFT_SPACE);
        let before = out.chars().next_back();
        let next = chars.get(idx).copied();
        let (Some(before), Some(next)) = (before, next) else { continue };
        if is_hard
            || !joins_without_space(&out, before, next, chars.get(idx + 1).copied())
        {
            out.push(' ');
        }
    }
    out
}

/// Whether indentation between `before` and `next` stood for no space.
fn joins_without_space(
    out: &str,
    before: char,
    next: char,
    after_next: Option<char>,
) -> bool {
    if matches!(next, ',' | '.' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '/' | '’')
        || matches!(before, '(' | '[' | '{' | '/' | '‘')
    {
        return true;
    }
    // A hyphen glued to a word on its far side joins this one too
    // (`<i>BRCA1</i>\n -associated`, `non-\n <i>coding</i>`).
    if next == '-' && after_next.is_some_and(char::is_alphanumeric) {
        return true;
    }
    before == '-' && out.chars().rev().nth(1).is_some_and(char::is_alphanumeric)
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Named entities beyond the XML five: typography, symbols and Greek
/// letters that occur in titles and abstracts.
const NAMED_ENTITIES: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", " "),
    ("thinsp", " "),
    ("ensp", " "),
    ("emsp", " "),
    ("shy", ""),
    ("ndash", "–"),
    ("mdash", "—"),
    ("hellip", "…"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("times", "×"),
    ("minus", "−"),
    ("plusmn", "±"),
    ("deg", "°"),
    ("micro", "µ"),
    ("middot", "·"),
    ("bull", "•"),
    ("copy", "©"),
    ("reg", "®"),
    ("trade", "™"),
    ("le", "≤"),
    ("ge", "≥"),
    ("ne", "≠"),
    ("asymp", "≈"),
    ("infin", "∞"),
    ("rarr", "→"),
    ("larr", "←"),
    ("alpha", "α"),
    ("beta", "β"),
    ("gamma", "γ"),
    ("delta", "δ"),
    ("epsilon", "ε"),
    ("zeta", "ζ"),
    ("eta", "η"),
    ("theta", "θ"),
    ("iota", "ι"),
    ("kappa", "κ"),
    ("lambda", "λ"),
    ("mu", "μ"),
    ("nu", "ν"),
    ("xi", "ξ"),
    ("omicron", "ο"),
    ("pi", "π"),
    ("rho", "ρ"),
    ("sigma", "σ"),
    ("tau", "τ"),
    ("upsilon", "υ"),
    ("phi", "φ"),
    ("chi", "χ"),
    ("psi", "ψ"),
    ("omega", "ω"),
    ("Alpha", "Α"),
    ("Beta", "Β"),
    ("Gamma", "Γ"),
    ("Delta", "Δ"),
    ("Theta", "Θ"),
    ("Lambda", "Λ"),
    ("Xi", "Ξ"),
    ("Pi", "Π"),
    ("Sigma", "Σ"),
    ("Phi", "Φ"),
    ("Psi", "Ψ"),
    ("Omega", "Ω"),
];

/// The text of one reference `name` (without `&` and `;`).
fn decode_reference(name: &str) -> Option<Cow<'static, str>> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        let c = char::from_u32(code).filter(|&c| c != '\0')?;
        return Some(Cow::Owned(c.to_string()));
    }
    NAMED_ENTITIES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, text)| Cow::Borrowed(*text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_tags_are_removed() {
        assert_eq!(to_plain("The <i>Drosophila</i> gene"), "The Drosophila gene");
        assert_eq!(to_plain("H<sub>2</sub>O and E = mc<sup>2</sup>"), "H2O and E = mc2");
        assert_eq!(to_plain("<scp>DNA</scp> repair"), "DNA repair");
        assert_eq!(to_plain("<SCP>DNA</SCP> repair"), "DNA repair");
        assert_eq!(to_plain("<b>Bold</b> <em>and</em> <u>under</u>"), "Bold and under");
        assert_eq!(
            to_plain("<span class=\"a>b\">quoted</span> attr"),
            "quoted attr",
            "a `>` inside a quoted attribute does not end the tag"
        );
        assert_eq!(to_plain("line<br/>break"), "line break");
        assert_eq!(to_plain("a<!-- note -->b"), "ab");
        assert_eq!(to_plain("<![CDATA[x < y]]> holds"), "x < y holds");
    }

    #[test]
    fn jats_tags_are_removed() {
        assert_eq!(
            to_plain("<jats:p>Effect of <jats:italic>KRAS</jats:italic></jats:p>"),
            "Effect of KRAS"
        );
        assert_eq!(
            to_plain(
                "<jats:sec><jats:title>Background</jats:title><jats:p>Text.</jats:p></jats:sec><jats:sec><jats:title>Methods.</jats:title><jats:p>More.</jats:p></jats:sec>"
            ),
            "Background: Text. Methods. More."
        );
    }

    #[test]
    fn pretty_printed_title_keeps_its_words() {
        // works-jats-title-15-authors
        let title = "Construction of a reference material panel for detecting\n                    <i>KRAS</i>\n                    /\n                    <i>NRAS</i>\n                    /\n                    <i>EGFR</i>\n                    /\n                    <i>BRAF</i>\n                    /\n                    <i>MET</i>\n                    mutations in plasma ctDNA";
        assert_eq!(
            to_plain(title),
            "Construction of a reference material panel for detecting KRAS/NRAS/EGFR/BRAF/MET mutations in plasma ctDNA"
        );
        // works-html-in-title
        let title = "Identification of a novel cationic glycolipid in\n                  <i>Streptococcus agalactiae</i>\n                  that contributes to brain entry and meningitis";
        assert_eq!(
            to_plain(title),
            "Identification of a novel cationic glycolipid in Streptococcus agalactiae that contributes to brain entry and meningitis"
        );
        assert_eq!(
            to_plain(
                "oncogene (\n   <jats:italic>KRAS</jats:italic>\n   )/neuroblastoma"
            ),
            "oncogene (KRAS)/neuroblastoma"
        );
        assert_eq!(
            to_plain("mutations in\n  <jats:italic>KRAS</jats:italic>\n  , two"),
            "mutations in KRAS, two"
        );
        assert_eq!(to_plain("<i>BRCA1</i>\n  -associated"), "BRCA1-associated");
        assert_eq!(to_plain("non-\n  <i>coding</i>\n RNA"), "non-coding RNA");
        // A line break inside running text is a space.
        assert_eq!(to_plain("200\n to 300 <i>x</i>"), "200 to 300 x");
    }

    #[test]
    fn mathml_is_linearised() {
        // works-mathml-title
        let title = "<mml:math xmlns:mml=\"http://www.w3.org/1998/Math/MathML\"><mml:msub><mml:mrow><mml:mi mathvariant=\"normal\">LaSrVO</mml:mi></mml:mrow><mml:mn>4</mml:mn></mml:msub></mml:math>: A candidate for the spin-orbital liquid state";
        assert_eq!(
            to_plain(title),
            "LaSrVO4: A candidate for the spin-orbital liquid state"
        );
        assert_eq!(
            to_plain("<mml:msub><mml:mi>x</mml:mi><mml:mn>2</mml:mn></mml:msub>"),
            "x2"
        );
        assert_eq!(
            to_plain("<math><mfrac><mi>a</mi><mi>b</mi></mfrac></math> ratio"),
            "a/b ratio"
        );
        assert_eq!(to_plain("<math><msqrt><mi>s</mi></msqrt></math>"), "√s");
        assert_eq!(
            to_plain(
                "<math><semantics><mi>x</mi><annotation encoding=\"application/x-tex\">x</annotation></semantics></math>"
            ),
            "x"
        );
        assert_eq!(
            to_plain(
                "<inline-formula><alternatives><tex-math>$x$</tex-math><mml:math><mml:mi>x</mml:mi></mml:math></alternatives></inline-formula> y"
            ),
            "x y"
        );
        assert_eq!(
            to_plain(
                "\n<mml:math>\n  <mml:mfrac>\n    <mml:mn>1</mml:mn>\n    <mml:mn>2</mml:mn>\n  </mml:mfrac>\n</mml:math>\n"
            ),
            "1/2"
        );
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            to_plain("R&amp;D &lt;i&gt; &#8211; &#x2014; &quot;q&quot;"),
            "R&D <i> – — \"q\""
        );
        assert_eq!(to_plain("&alpha;-synuclein"), "α-synuclein");
        assert_eq!(to_plain("a&nbsp;b"), "a b");
        assert_eq!(
            to_plain("AT&T &unknown; &#xZZ; & more"),
            "AT&T &unknown; &#xZZ; & more"
        );
        assert_eq!(decode_entities("no entity"), "no entity");
        assert_eq!(decode_entities("&#0;"), "&#0;");
        assert_eq!(decode_entities("&#1114112;"), "&#1114112;");
    }

    #[test]
    fn text_that_is_no_markup_stays() {
        assert_eq!(to_plain("p<0.05 and q>1"), "p<0.05 and q>1");
        assert_eq!(to_plain("a < b"), "a < b");
        assert_eq!(to_plain("<unknown>tag</unknown>"), "<unknown>tag</unknown>");
        assert_eq!(to_plain("x <i unclosed"), "x <i unclosed");
        assert_eq!(to_plain("  plain\n text  "), "plain text");
        assert!(!has_markup("p<0.05"));
        assert!(has_markup("<i>x</i>"));
        assert!(has_markup("a &amp; b"));
        assert!(!has_markup("AT&T"));
    }

    #[test]
    fn broken_markup_is_tolerated() {
        assert_eq!(to_plain("<i>open <b>both</i> closed"), "open both closed");
        assert_eq!(to_plain("stray </i> close"), "stray close");
        assert_eq!(to_plain("<i>never closed"), "never closed");
        assert_eq!(to_plain("<p>"), "");
        assert_eq!(to_plain("<"), "<");
        assert_eq!(to_plain("</"), "</");
        assert_eq!(to_plain("<!--"), "<!--");
        assert_eq!(to_plain("<![CDATA["), "<![CDATA[");
        assert_eq!(to_plain("a\u{E000}b"), "a\u{E000}b");
    }

    proptest::proptest! {
        #[test]
        fn to_plain_never_panics(text in "(<[/!?]?[a-z:]{0,6}[ =\"'/]{0,2}>?|&#?[a-zx0-9]{0,5};?|[a-z ,./()\n-]|é|\u{E000}){0,24}") {
            let plain = to_plain(&text);
            proptest::prop_assert!(!plain.contains(SOFT_SPACE) || text.contains(SOFT_SPACE));
            proptest::prop_assert_eq!(plain.trim(), plain.as_str());
        }
    }
}
