//! CSL rich text ↔ BibLaTeX source form.
//!
//! CSL-JSON strings carry a little HTML-like markup that citeproc processors
//! (citeproc-js, pandoc's citeproc) understand: `<i>`, `<b>`, `<sup>`, `<sub>`,
//! `<span style="font-variant:small-caps;">` and `<span class="nocase">`.
//! BibLaTeX source form carries the same with `\emph{…}`, `\textbf{…}`,
//! `\textsuperscript{…}`, `\textsubscript{…}`, `\textsc{…}` and case-protecting
//! braces `{DNA}`, which become nocase spans and back. Escapes (`\&`,
//! `\textbackslash{}`) and other macros become plain characters (through
//! [`crate::tex::to_plain`]); `--`/`---` become en and em dashes; math
//! (`$x^2$`) is kept as written. On the way in, the text is escaped with
//! [`crate::tex::escape`]. A `&` that would read as an entity and a `<` that
//! would read as one of the tags above are written as `&amp;`/`&lt;`;
//! reading decodes the common entities.

use crate::tex;

/// Placeholders for markup while the plain text is escaped. They are
/// Unicode noncharacters, which no interchanged text holds (an input that
/// does hold one has it dropped).
const OPEN_NOCASE: char = '\u{FDD0}';
const CLOSE: char = '\u{FDD1}';
const OPEN_ITALIC: char = '\u{FDD2}';
const OPEN_BOLD: char = '\u{FDD3}';
const OPEN_SMALL_CAPS: char = '\u{FDD4}';
const OPEN_SUPERSCRIPT: char = '\u{FDD5}';
const OPEN_SUBSCRIPT: char = '\u{FDD6}';

/// The formatting macros of source form and the tags they become.
const MACROS: &[(&str, &str, &str)] = &[
    ("emph", "<i>", "</i>"),
    ("textit", "<i>", "</i>"),
    ("textbf", "<b>", "</b>"),
    ("textsc", "<span style=\"font-variant:small-caps;\">", "</span>"),
    ("textsuperscript", "<sup>", "</sup>"),
    ("textsubscript", "<sub>", "</sub>"),
];

/// BibLaTeX source form → CSL rich text.
pub fn to_rich(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut idx = 0;
    convert_group(&chars, &mut idx, &mut out, false);
    out
}

/// CSL rich text → BibLaTeX source form (escaped, white space collapsed).
pub fn to_source(rich: &str) -> String {
    let mut marked = String::with_capacity(rich.len());
    // What each open tag became, to close it with the same.
    let mut open: Vec<bool> = Vec::new();
    let mut rest = rich;
    while let Some(c) = rest.chars().next() {
        if ('\u{FDD0}'..='\u{FDEF}').contains(&c) {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == '<'
            && let Some((tag, len)) = tag_at(rest)
        {
            match tag {
                Tag::Open(placeholder) => {
                    if let Some(placeholder) = placeholder {
                        marked.push(placeholder);
                    }
                    open.push(placeholder.is_some());
                }
                Tag::Close => match open.pop() {
                    Some(true) => marked.push(CLOSE),
                    Some(false) => {}
                    None => marked.push_str(&rest[..len]),
                },
            }
            rest = &rest[len..];
            continue;
        }
        if c == '&'
            && let Some((decoded, len)) = entity_at(rest)
        {
            marked.push(decoded);
            rest = &rest[len..];
            continue;
        }
        marked.push(c);
        rest = &rest[c.len_utf8()..];
    }
    for was_marked in open.into_iter().rev() {
        if was_marked {
            marked.push(CLOSE);
        }
    }
    let escaped = tex::escape(&marked);
    let mut out = String::with_capacity(escaped.len() + 8);
    for c in escaped.chars() {
        match c {
            OPEN_NOCASE => out.push('{'),
            CLOSE => out.push('}'),
            OPEN_ITALIC => out.push_str("\\emph{"),
            OPEN_BOLD => out.push_str("\\textbf{"),
            OPEN_SMALL_CAPS => out.push_str("\\textsc{"),
            OPEN_SUPERSCRIPT => out.push_str("\\textsuperscript{"),
            OPEN_SUBSCRIPT => out.push_str("\\textsubscript{"),
            _ => out.push(c),
        }
    }
    out
}

/// Whether literal dollar signs of `source` (`\$`) would be read back from
/// its rich text as math: CSL text cannot say which `$…$` is math, and
/// [`to_source`] takes a pair around `\`, `^` or `_` for math, as written.
/// The writer then keeps the source form in `custom`.
pub fn dollars_read_back_as_math(source: &str) -> bool {
    source.contains("\\$")
        && to_source(&to_rich(source)).matches("\\$").count()
            < source.matches("\\$").count()
}

/// Converts up to the closing brace of the group (or the end), leaving
/// `idx` after it.
fn convert_group(chars: &[char], idx: &mut usize, out: &mut String, in_group: bool) {
    let mut leaf = String::new();
    while *idx < chars.len() {
        let c = chars[*idx];
        match c {
            '}' if in_group => {
                *idx += 1;
                break;
            }
            '}' => *idx += 1,
            '{' => {
                flush(&mut leaf, out);
                *idx += 1;
                out.push_str("<span class=\"nocase\">");
                convert_group(chars, idx, out, true);
                out.push_str("</span>");
            }
            '$' => {
                // Math is copied as written, braces included.
                match chars[*idx + 1..].iter().position(|&d| d == '$') {
                    Some(close) => {
                        flush(&mut leaf, out);
                        let math: String = chars[*idx..*idx + close + 2].iter().collect();
                        out.push_str(&html_escape(&math));
                        *idx += close + 2;
                    }
                    None => {
                        leaf.push('$');
                        *idx += 1;
                    }
                }
            }
            '\\' => {
                let start = *idx;
                let mut end = start + 1;
                while end < chars.len() && chars[end].is_ascii_alphabetic() {
                    end += 1;
                }
                let name: String = chars[start + 1..end].iter().collect();
                let takes_group =
                    chars.get(end) == Some(&'{') && chars.get(end + 1) != Some(&'}');
                if name.is_empty() {
                    // `\&`, `\\`, ...: two characters for to_plain.
                    leaf.extend(&chars[start..(start + 2).min(chars.len())]);
                    *idx = (start + 2).min(chars.len());
                } else if takes_group {
                    flush(&mut leaf, out);
                    *idx = end + 1;
                    match MACROS.iter().find(|(known, ..)| *known == name) {
                        Some((_, open, close)) => {
                            out.push_str(open);
                            convert_group(chars, idx, out, true);
                            out.push_str(close);
                        }
                        // Other macros with an argument: the argument alone,
                        // as to_plain does.
                        None => convert_group(chars, idx, out, true),
                    }
                } else {
                    // A macro without an argument, with its `{}` if any.
                    let after = if chars.get(end) == Some(&'{') { end + 2 } else { end };
                    leaf.extend(&chars[start..after]);
                    *idx = after;
                }
            }
            _ => {
                leaf.push(c);
                *idx += 1;
            }
        }
    }
    flush(&mut leaf, out);
}

fn flush(leaf: &mut String, out: &mut String) {
    if !leaf.is_empty() {
        out.push_str(&html_escape(&tex::to_plain(leaf, false)));
        leaf.clear();
    }
}

/// `&` and `<` escaped only where a reader would take them for an entity or
/// one of our tags.
fn html_escape(plain: &str) -> String {
    let mut out = String::with_capacity(plain.len());
    let mut rest = plain;
    while let Some(c) = rest.chars().next() {
        if c == '&' && entity_at(rest).is_some() {
            out.push_str("&amp;");
        } else if c == '<' && tag_at(rest).is_some() {
            out.push_str("&lt;");
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

enum Tag {
    /// An opening tag and the placeholder it becomes (`None`: no markup in
    /// source form, such as `<span class="nodecor">`).
    Open(Option<char>),
    Close,
}

/// The tag at the start of `text` and its length.
fn tag_at(text: &str) -> Option<(Tag, usize)> {
    const TAGS: &[(&str, Option<char>)] = &[
        ("<i>", Some(OPEN_ITALIC)),
        ("<em>", Some(OPEN_ITALIC)),
        ("<b>", Some(OPEN_BOLD)),
        ("<strong>", Some(OPEN_BOLD)),
        ("<sup>", Some(OPEN_SUPERSCRIPT)),
        ("<sub>", Some(OPEN_SUBSCRIPT)),
    ];
    for (tag, placeholder) in TAGS {
        if starts_with_ignore_case(text, tag) {
            return Some((Tag::Open(*placeholder), tag.len()));
        }
    }
    for close in ["</i>", "</em>", "</b>", "</strong>", "</sup>", "</sub>", "</span>"] {
        if starts_with_ignore_case(text, close) {
            return Some((Tag::Close, close.len()));
        }
    }
    if starts_with_ignore_case(text, "<span ") {
        let end = text.find('>')?;
        let attributes: String =
            text[6..end].chars().filter(|c| !c.is_whitespace()).collect();
        let attributes = attributes.to_ascii_lowercase().replace('\'', "\"");
        let placeholder = if attributes.contains("class=\"nocase\"") {
            Some(OPEN_NOCASE)
        } else if attributes.contains("small-caps") {
            Some(OPEN_SMALL_CAPS)
        } else {
            None
        };
        return Some((Tag::Open(placeholder), end + 1));
    }
    None
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// The entity at the start of `text` (`&amp;`, `&#38;`, `&#x26;`) and its length.
fn entity_at(text: &str) -> Option<(char, usize)> {
    let end = text.get(1..)?.find(';')? + 1;
    let name = &text[1..end];
    if name.is_empty() || name.len() > 10 {
        return None;
    }
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((decoded, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_both_ways() {
        for (source, rich) in [
            (
                "The {DNA} of \\emph{E. coli}",
                "The <span class=\"nocase\">DNA</span> of <i>E. coli</i>",
            ),
            ("R\\&D \\textbf{x} \\textsuperscript{2}", "R&D <b>x</b> <sup>2</sup>"),
            (
                "\\textsc{Nasa} and $x^{2}$",
                "<span style=\"font-variant:small-caps;\">Nasa</span> and $x^{2}$",
            ),
            ("a \\textbackslash{} b \\{", "a \\ b {"),
            (
                "{{Nested}}",
                "<span class=\"nocase\"><span class=\"nocase\">Nested</span></span>",
            ),
            ("AT\\&T; x <i> y &amp;", "AT&T; x &lt;i> y &amp;amp;"),
        ] {
            assert_eq!(to_rich(source), rich, "{source}");
        }
        assert_eq!(
            to_source("The <span class=\"nocase\">DNA</span> of <i>E. coli</i>"),
            "The {DNA} of \\emph{E. coli}"
        );
        assert_eq!(to_source("AT&T; x &lt;i> y &amp;amp;"), "AT\\&T; x <i> y \\&amp;");
        assert_eq!(
            to_source("a \\ b { $x^{2}$"),
            "a \\textbackslash{} b \\textbraceleft{} $x^{2}$"
        );
        assert_eq!(
            to_source("<span class=\"nodecor\">x</span> <i>open"),
            "x \\emph{open}"
        );
        assert_eq!(to_source("stray </i> close"), "stray </i> close");
    }

    #[test]
    fn dashes_become_unicode() {
        assert_eq!(to_rich("1990--2000---now"), "1990–2000—now");
    }
}
