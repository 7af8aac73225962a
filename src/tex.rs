//! Conversions between plain Unicode text and BibLaTeX literal source form.
//!
//! Field values live in the model in source form (see [`crate::model::Value::Text`]).
//! RIS and other plain-text inputs are escaped on the way in; JSON output and
//! search see the plain text.

use unicode_normalization::UnicodeNormalization;

/// Escapes plain text into BibLaTeX literal form. `$...$` spans that look like
/// math (they contain `\`, `^` or `_`) are kept as math; other TeX specials are
/// escaped so that biber reads them literally.
///
/// The result is in the reader's canonical form, so that reading it back gives
/// the same string: white space (line breaks and the Unicode line and
/// paragraph separators included) is collapsed to single spaces and trimmed,
/// as BibTeX itself does, and control characters, which no bibliographic
/// value holds on purpose, are dropped.
pub fn escape(plain: &str) -> String {
    if is_escaped_already(plain) {
        return plain.to_string();
    }
    escape_in_full(plain)
}

fn escape_in_full(plain: &str) -> String {
    let plain = collapse_whitespace(&without_controls(plain));
    let mut out = String::with_capacity(plain.len() + 8);
    let mut rest = plain.as_str();
    while let Some(dollar) = rest.find('$') {
        let (before, after) = rest.split_at(dollar);
        escape_into(before, &mut out);
        match after[1..].find('$') {
            Some(close) if is_math(&after[1..1 + close]) => {
                out.push_str(&after[..close + 2]);
                rest = &after[close + 2..];
            }
            _ => {
                out.push_str("\\$");
                rest = &after[1..];
            }
        }
    }
    escape_into(rest, &mut out);
    out
}

/// Whether [`escape`] would return `plain` unchanged: no control characters,
/// no white space but single spaces between words, no TeX specials. Most values
/// are like that, and checking takes one pass and no allocation.
fn is_escaped_already(plain: &str) -> bool {
    let bytes = plain.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    for (idx, &byte) in bytes.iter().enumerate() {
        if !NEEDS_A_LOOK[usize::from(byte)] {
            continue;
        }
        let is_plain = match byte {
            // Not U+0080-U+009F, the C1 controls.
            0xC2 => !matches!(bytes.get(idx + 1), Some(0x80..=0x9F)),
            // Not U+2028 or U+2029.
            0xE2 => {
                bytes.get(idx + 1) != Some(&0x80)
                    || !matches!(bytes.get(idx + 2), Some(0xA8 | 0xA9))
            }
            _ => false,
        };
        if !is_plain {
            return false;
        }
    }
    !has_double_space(bytes)
}

/// The bytes [`is_escaped_already`] looks at: ASCII controls (white space
/// but the space among them), TeX specials, and the lead bytes of the C1
/// controls and of U+2028/U+2029.
const NEEDS_A_LOOK: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    let specials = b"\\~^{}&%#_$\x7f\xc2\xe2";
    let mut idx = 0;
    while idx < specials.len() {
        table[specials[idx] as usize] = true;
        idx += 1;
    }
    table
};

/// Whether `bytes` hold two spaces in a row (one vectorised search).
pub(crate) fn has_double_space(bytes: &[u8]) -> bool {
    static DOUBLE_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
    DOUBLE_SPACE.find(bytes).is_some()
}

/// Collapses runs of white space to one space and trims both ends, as BibTeX
/// does with field values. Only ASCII white space counts (plus the Unicode
/// line and paragraph separators that some exporters leave in values): a
/// no-break space is a character of the value, not a separator.
pub fn collapse_whitespace(value: &str) -> String {
    collapsed_whitespace(value).into_owned()
}

/// [`collapse_whitespace`], borrowing the value when it is collapsed already.
pub(crate) fn collapsed_whitespace(value: &str) -> std::borrow::Cow<'_, str> {
    if is_collapsed(value.as_bytes()) {
        return std::borrow::Cow::Borrowed(value);
    }
    // Word by word over the bytes: every white space character counted here
    // is ASCII or U+2028/U+2029 (E2 80 A8/A9), so words start and end at
    // character boundaries.
    let bytes = value.as_bytes();
    let mut out = String::with_capacity(value.len());
    let mut word_start = None;
    let mut idx = 0;
    let push_word = |out: &mut String, word: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    };
    while idx < bytes.len() {
        let space_len = match bytes[idx] {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => 1,
            0xE2 if bytes.get(idx + 1) == Some(&0x80)
                && matches!(bytes.get(idx + 2), Some(0xA8 | 0xA9)) =>
            {
                3
            }
            _ => 0,
        };
        if space_len == 0 {
            word_start.get_or_insert(idx);
            idx += 1;
            continue;
        }
        if let Some(start) = word_start.take() {
            push_word(&mut out, &value[start..idx]);
        }
        idx += space_len;
    }
    if let Some(start) = word_start {
        push_word(&mut out, &value[start..]);
    }
    std::borrow::Cow::Owned(out)
}

/// Whether [`collapse_whitespace`] would return `bytes` as they are: no white
/// space but single spaces between words. One tight pass, as most values are.
fn is_collapsed(bytes: &[u8]) -> bool {
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    if bytes.len() < 64 {
        // Short values (most fields): one pass costs less than setting up
        // the searches below.
        let mut after_space = false;
        for (idx, &byte) in bytes.iter().enumerate() {
            match byte {
                b' ' if after_space => return false,
                b'\t'..=b'\r' => return false,
                0xE2 if bytes.get(idx + 1) == Some(&0x80)
                    && matches!(bytes.get(idx + 2), Some(0xA8 | 0xA9)) =>
                {
                    return false;
                }
                _ => {}
            }
            after_space = byte == b' ';
        }
        return true;
    }
    // Vectorised searches rather than a branch per byte.
    memchr::memchr3(b'\t', b'\n', b'\r', bytes).is_none()
        && memchr::memchr2(0x0B, 0x0C, bytes).is_none()
        && !has_double_space(bytes)
        && !memchr::memchr_iter(0xE2, bytes).any(|idx| {
            bytes.get(idx + 1) == Some(&0x80)
                && matches!(bytes.get(idx + 2), Some(0xA8 | 0xA9))
        })
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{2028}' | '\u{2029}')
}

/// Drops control characters other than white space.
fn without_controls(plain: &str) -> String {
    plain.chars().filter(|&c| !c.is_control() || is_space(c)).collect()
}

/// Whether the text between two dollars is kept as math. Besides looking like
/// math, it must survive every reader unchanged: balanced braces and no
/// escaped ones, no `%` (a comment for biber), nothing the accent decoder
/// would rewrite, and no trailing backslash (which would escape the closing dollar).
fn is_math(inner: &str) -> bool {
    !inner.is_empty()
        && inner.contains(['\\', '^', '_'])
        && !inner.contains('%')
        // An escaped brace counts for BibTeX's brace matching but not for every
        // reader's (the biblatex crate skips it): keep none in what we write.
        && !inner.contains("\\{")
        && !inner.contains("\\}")
        && unbalanced_brace(inner).is_none()
        && decode_accents(inner) == inner
        && !inner.ends_with('\\')
}

fn escape_into(plain: &str, out: &mut String) {
    for c in plain.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            // Escaped braces would still count for BibTeX's brace matching.
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            '&' | '%' | '#' | '_' | '$' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
}

/// Converts BibLaTeX source form to plain Unicode text: escapes decoded,
/// case-protection braces and formatting commands removed, `--`/`---` as dashes
/// (unless `keep_dashes`), math kept as written.
pub fn to_plain(tex: &str, keep_dashes: bool) -> String {
    let decoded = decode_accents(tex);
    let chars: Vec<char> = decoded.chars().collect();
    let mut out = String::with_capacity(decoded.len());
    let mut idx = 0;
    while idx < chars.len() {
        let c = chars[idx];
        match c {
            '$' => {
                // Copy math verbatim up to the closing dollar.
                let close = chars[idx + 1..].iter().position(|&d| d == '$');
                match close {
                    Some(close) => {
                        out.extend(&chars[idx..idx + close + 2]);
                        idx += close + 2;
                    }
                    None => {
                        out.push('$');
                        idx += 1;
                    }
                }
            }
            '{' | '}' => idx += 1,
            '~' => {
                out.push(' ');
                idx += 1;
            }
            '-' if !keep_dashes && chars.get(idx + 1) == Some(&'-') => {
                if chars.get(idx + 2) == Some(&'-') {
                    out.push('—');
                    idx += 3;
                } else {
                    out.push('–');
                    idx += 2;
                }
            }
            '\\' => {
                let next = chars.get(idx + 1).copied();
                match next {
                    Some(
                        special @ ('&' | '%' | '$' | '#' | '_' | '{' | '}' | ' ' | '\\'),
                    ) => {
                        out.push(if special == '\\' { ' ' } else { special });
                        idx += 2;
                    }
                    Some(letter) if letter.is_ascii_alphabetic() => {
                        let start = idx + 1;
                        let mut end = start;
                        while end < chars.len() && chars[end].is_ascii_alphabetic() {
                            end += 1;
                        }
                        let name: String = chars[start..end].iter().collect();
                        let mut after = end;
                        // `\textbackslash{}` and friends take an empty group.
                        if chars.get(after) == Some(&'{')
                            && chars.get(after + 1) == Some(&'}')
                        {
                            after += 2;
                        } else {
                            while chars.get(after) == Some(&' ')
                                && symbol_for(&name).is_some()
                            {
                                after += 1;
                            }
                        }
                        match symbol_for(&name) {
                            Some(symbol) => out.push_str(symbol),
                            // Formatting commands (`\emph{...}`) keep their argument;
                            // logos and unknown macros keep their name.
                            None if chars.get(end) == Some(&'{') => {}
                            None => out.push_str(&name),
                        }
                        idx = if symbol_for(&name).is_some() { after } else { end };
                    }
                    Some(other) => {
                        out.push(other);
                        idx += 2;
                    }
                    None => idx += 1,
                }
            }
            _ => {
                out.push(c);
                idx += 1;
            }
        }
    }
    out
}

fn symbol_for(name: &str) -> Option<&'static str> {
    Some(match name {
        "textbackslash" => "\\",
        "textbraceleft" => "{",
        "textbraceright" => "}",
        "textasciitilde" => "~",
        "textasciicircum" => "^",
        "textendash" => "–",
        "textemdash" => "—",
        "textquoteright" => "’",
        "textquoteleft" => "‘",
        "textquotedblleft" => "“",
        "textquotedblright" => "”",
        "textellipsis" | "dots" | "ldots" => "…",
        "textdegree" => "°",
        "textregistered" => "®",
        "texttrademark" => "™",
        "copyright" | "textcopyright" => "©",
        "S" => "§",
        "P" => "¶",
        "pounds" => "£",
        "euro" => "€",
        "guillemotleft" => "«",
        "guillemotright" => "»",
        _ => return None,
    })
}

/// Replaces LaTeX accent macros (`\\"a`, `{\\"a}`, `\\"{a}`, `\\c{c}`, `{\\ss}`) with
/// the Unicode characters they stand for, in NFC. Braces that only wrapped the
/// macro go too. Everything else is kept.
///
/// Math is not skipped: which dollars pair up can change when a name list is
/// rewritten (a fuzz case), and decoding must not depend on it. Math holds
/// accent macros only by mistake (`\\ddot`, not `\\"`, is the math accent), and
/// [`escape`] keeps no math that decoding would change.
///
/// Decoding is repeated until nothing changes (`\\"\\"a` needs two rounds), so
/// that decoding a decoded value is a no-op: the reader's output must read
/// back to itself.
pub fn decode_accents(tex: &str) -> String {
    decode_accents_owned(tex.to_string())
}

/// [`decode_accents`] of an owned string, returned as it is when it holds no
/// macro (most values): one copy fewer per field for the readers.
pub fn decode_accents_owned(tex: String) -> String {
    let mut current = tex;
    // Every round that changes something removes at least one backslash.
    while current.contains('\\') {
        match decode_once(&current) {
            Some(decoded) => current = decoded,
            None => break,
        }
    }
    current
}

/// One decoding pass; `None` when nothing was decoded.
fn decode_once(tex: &str) -> Option<String> {
    let bytes = tex.as_bytes();
    let mut out = String::with_capacity(tex.len());
    let mut idx = 0;
    let mut changed = false;
    while idx < tex.len() {
        let b = bytes[idx];
        if b == b'{'
            && bytes.get(idx + 1) == Some(&b'\\')
            && let Some((decoded, end)) = decode_command(tex, idx + 1)
            && bytes.get(end) == Some(&b'}')
        {
            out.push_str(&decoded);
            idx = end + 1;
            changed = true;
            continue;
        }
        if b == b'\\'
            && let Some((decoded, end)) = decode_command(tex, idx)
        {
            out.push_str(&decoded);
            idx = end;
            changed = true;
            continue;
        }
        let c = tex[idx..].chars().next().unwrap_or_default();
        out.push(c);
        idx += c.len_utf8();
    }
    changed.then(|| out.nfc().collect())
}

/// Decodes one accent or letter macro at `start` (which holds the backslash).
fn decode_command(tex: &str, start: usize) -> Option<(String, usize)> {
    let rest = &tex[start + 1..];
    let first = rest.chars().next()?;
    // Letter macros: \ss, \o, \aa, \i ...
    if first.is_ascii_alphabetic() {
        let name_len =
            rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        let name = &rest[..name_len];
        if let Some(letter) = letter_macro(name) {
            let mut end = start + 1 + name_len;
            // A following `{}` or a single space terminates the macro.
            if tex[end..].starts_with("{}") {
                end += 2;
            } else if tex[end..].starts_with(' ') {
                end += 1;
            }
            return Some((letter.to_string(), end));
        }
        if name_len == 1
            && let Some(mark) = combining_mark(first)
        {
            return accent_argument(tex, start + 2, mark, true);
        }
        return None;
    }
    let mark = combining_mark(first)?;
    accent_argument(tex, start + 2, mark, false)
}

/// Reads the argument of an accent macro at `at` and applies the combining mark.
fn accent_argument(
    tex: &str,
    at: usize,
    mark: char,
    letter_macro: bool,
) -> Option<(String, usize)> {
    let rest = &tex[at..];
    let (base, end) = if let Some(inner) = rest.strip_prefix('{') {
        let close = inner.find('}')?;
        let arg = &inner[..close];
        let base = match arg.strip_prefix('\\') {
            Some(name) => letter_macro_base(name.trim())?,
            None if arg.chars().count() == 1 => arg.chars().next()?,
            None => return None,
        };
        (base, at + 1 + close + 1)
    } else {
        let skip = if letter_macro {
            rest.len() - rest.trim_start_matches(' ').len()
        } else {
            0
        };
        if letter_macro && skip == 0 {
            return None;
        }
        let rest = &rest[skip..];
        if let Some(name) = rest.strip_prefix('\\') {
            let name_len =
                name.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(name.len());
            let base = letter_macro_base(&name[..name_len])?;
            (base, at + skip + 1 + name_len)
        } else {
            let base = rest.chars().next().filter(|c| c.is_alphabetic())?;
            (base, at + skip + base.len_utf8())
        }
    };
    let mut decoded = String::new();
    decoded.push(base);
    decoded.push(mark);
    Some((decoded, end))
}

fn letter_macro_base(name: &str) -> Option<char> {
    match name {
        "i" => Some('i'),
        "j" => Some('j'),
        _ => None,
    }
}

fn letter_macro(name: &str) -> Option<&'static str> {
    Some(match name {
        "ss" => "ß",
        "o" => "ø",
        "O" => "Ø",
        "aa" => "å",
        "AA" => "Å",
        "ae" => "æ",
        "AE" => "Æ",
        "oe" => "œ",
        "OE" => "Œ",
        "l" => "ł",
        "L" => "Ł",
        "i" => "ı",
        "j" => "ȷ",
        "dh" => "ð",
        "DH" => "Ð",
        "th" => "þ",
        "TH" => "Þ",
        "ng" => "ŋ",
        "NG" => "Ŋ",
        _ => return None,
    })
}

fn combining_mark(accent: char) -> Option<char> {
    Some(match accent {
        '\'' => '\u{301}',
        '`' => '\u{300}',
        '^' => '\u{302}',
        '"' => '\u{308}',
        '~' => '\u{303}',
        '=' => '\u{304}',
        '.' => '\u{307}',
        'u' => '\u{306}',
        'v' => '\u{30C}',
        'H' => '\u{30B}',
        'c' => '\u{327}',
        'k' => '\u{328}',
        'r' => '\u{30A}',
        'd' => '\u{323}',
        'b' => '\u{331}',
        _ => return None,
    })
}

/// `text` itself when its braces balance; otherwise every brace escaped as
/// `\\textbraceleft{}` / `\\textbraceright{}`, since an unbalanced brace would
/// swallow the rest of a `.bib` file.
pub fn balance_braces(text: &str) -> std::borrow::Cow<'_, str> {
    if unbalanced_brace(text).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '{' => escaped.push_str("\\textbraceleft{}"),
            '}' => escaped.push_str("\\textbraceright{}"),
            _ => escaped.push(c),
        }
    }
    std::borrow::Cow::Owned(escaped)
}

/// Finds the byte offset of the first brace that does not balance, if any.
/// Like BibTeX, a backslash does not stop a brace from counting.
pub fn unbalanced_brace(tex: &str) -> Option<usize> {
    // From brace to brace; the first unclosed brace is the one that opened
    // the outermost group still open.
    let mut depth = 0usize;
    let mut outermost = 0;
    for idx in memchr::memchr2_iter(b'{', b'}', tex.as_bytes()) {
        if tex.as_bytes()[idx] == b'{' {
            if depth == 0 {
                outermost = idx;
            }
            depth += 1;
        } else if depth == 0 {
            return Some(idx);
        } else {
            depth -= 1;
        }
    }
    (depth > 0).then_some(outermost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unbalanced_brace_agrees_with_a_stack() {
        let reference = |tex: &str| -> Option<usize> {
            let mut open = Vec::new();
            for (idx, byte) in tex.bytes().enumerate() {
                match byte {
                    b'{' => open.push(idx),
                    b'}' if open.pop().is_none() => return Some(idx),
                    _ => {}
                }
            }
            open.first().copied()
        };
        for tex in
            ["", "a", "{", "}", "{}", "{{}", "{}}", "}{", "{a{b}c}d{", "x{}{{}}{", "\\{}"]
        {
            assert_eq!(unbalanced_brace(tex), reference(tex), "{tex:?}");
        }
    }

    fn collapse_reference(value: &str) -> String {
        let mut out = String::new();
        let mut pending_space = false;
        for c in value.chars() {
            if is_space(c) {
                pending_space = !out.is_empty();
            } else {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(c);
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn escaping_shortcut_agrees_on_any_text(plain in "[ a\t\n\u{1}\u{7f}\u{85}\u{9f}\u{a0}\\\\~^{}&%#_$€\u{2028}\u{2029}\u{2027}]{0,10}") {
            proptest::prop_assert_eq!(escape(&plain), escape_in_full(&plain));
        }

        #[test]
        fn collapsing_agrees_with_the_reference(value in "[ \t\n\r\u{b}\u{c}\u{1}a€\u{2028}\u{2029}\u{2027}]{0,80}") {
            proptest::prop_assert_eq!(collapse_whitespace(&value), collapse_reference(&value));
        }
    }

    #[test]
    fn collapsing_word_by_word_agrees_with_char_by_char() {
        let reference = collapse_reference;
        for value in [
            "",
            "   ",
            "a",
            " a  b\tc\n\r\u{b}\u{c}d ",
            "x\u{2028}y\u{2029}z\u{2027}w\u{a0}v",
            "Müller\u{2028}\u{2028} 中国 ",
            "\u{e2}\u{80}",
            "a\u{1}b \u{1f} c\u{7f}",
            "no change, at all",
        ] {
            assert_eq!(collapse_whitespace(value), reference(value), "{value:?}");
        }
    }

    #[test]
    fn escaping_shortcut_agrees_with_full_escaping() {
        for plain in [
            "",
            " ",
            "The rise of Ant Financial",
            "Müller, Jörg — 中国",
            " leading",
            "trailing ",
            "two  spaces",
            "tab\there",
            "line\nbreak",
            "no\u{a0}break",
            "sep\u{2028}arator",
            "control\u{1}char",
            "c1\u{85}control",
            "50% & $x^2$ #1 a_b ~ {} \\",
            "del\u{7f}",
            "c1\u{9f}end \u{a0}nbsp \u{2027}\u{2030} ok",
            "“quoted” – dash — é",
        ] {
            assert_eq!(escape(plain), escape_in_full(plain), "{plain:?}");
            if is_escaped_already(plain) {
                assert_eq!(escape_in_full(plain), plain, "{plain:?}");
            }
        }
    }

    #[test]
    fn accents_decode_in_every_spelling() {
        assert_eq!(decode_accents(r#"\"{O}zt\"{u}rk"#), "Öztürk");
        assert_eq!(decode_accents(r"Concei{\c{c}}{\~a}o"), "Conceição");
        assert_eq!(decode_accents(r"Se{\'a}n"), "Seán");
        assert_eq!(decode_accents(r"{\ss}e \o{} \v s \'{\i}"), "ße ø š í");
        assert_eq!(decode_accents(r"Jo\~{a}o {M-Pesa}"), "João {M-Pesa}");
        assert_eq!(decode_accents(r"\emph{x} $\alpha$"), r"\emph{x} $\alpha$");
    }

    #[test]
    fn plain_text_round_trips_through_escape() {
        for plain in ["Big Data & Society", "50% of $5 #1 a_b {x} ~ ^ \\", "α—β"] {
            assert_eq!(to_plain(&escape(plain), true), plain, "{plain}");
        }
        assert_eq!(escape("network $\\alpha$-media"), "network $\\alpha$-media");
    }

    #[test]
    fn plain_drops_protection_and_commands() {
        assert_eq!(
            to_plain(r"The rise of {Ant Financial} \emph{now}", false),
            "The rise of Ant Financial now"
        );
        assert_eq!(to_plain("290--307", true), "290--307");
        assert_eq!(to_plain("a---b", false), "a—b");
    }

    #[test]
    fn escape_gives_the_readers_canonical_form() {
        assert_eq!(escape("  a\n\tb\u{2028} c  "), "a b c");
        assert_eq!(escape("a\u{0}b\u{7}"), "ab");
        // A no-break space is a character of the value, not a separator.
        assert_eq!(escape("a\u{a0} b"), "a\u{a0} b");
        assert_eq!(collapse_whitespace("a\u{a0}\u{a0}b"), "a\u{a0}\u{a0}b");
    }

    #[test]
    fn math_is_kept_only_when_every_reader_reads_it_back() {
        assert_eq!(escape("$x_1$ and $a^2$"), "$x_1$ and $a^2$");
        // `%` would start a comment, `\{` is matched differently by different
        // readers, a trailing backslash escapes the closing dollar.
        assert_eq!(escape("$a_%$"), "\\$a\\_\\%\\$");
        assert_eq!(
            escape("$\\{}_$"),
            "\\$\\textbackslash{}\\textbraceleft{}\\textbraceright{}\\_\\$"
        );
        assert_eq!(escape("$a_\\$"), "\\$a\\_\\textbackslash{}\\$");
        assert_eq!(escape("${x_1$"), "\\$\\textbraceleft{}x\\_1\\$");
    }

    #[test]
    fn decoding_is_idempotent_and_independent_of_math() {
        // One round leaves `\"ä`, which a second reading would decode again.
        assert_eq!(decode_accents(r#"\"\"a"#), "ä\u{308}".nfc().collect::<String>());
        for text in [r#"\"\"a"#, r"\'{\i}", r"{\ss}\o{}", r"\c\c c"] {
            let once = decode_accents(text);
            assert_eq!(decode_accents(&once), once, "{text}");
        }
        // Fuzz case: reordering the parts of a name changed which dollars
        // paired up, and with it what was decoded.
        assert_eq!(decode_accents(r#"$x$ Se{\'a}n $"#), "$x$ Seán $");
        assert_eq!(decode_accents(r#"$ Se{\'a}n $x$"#), "$ Seán $x$");
        assert_eq!(escape(r#"$a_\"o$"#), r#"\$a\_\textbackslash{}"o\$"#);
    }

    #[test]
    fn finds_unbalanced_braces() {
        assert_eq!(unbalanced_brace("a {b} \\{ c"), Some(7));
        assert_eq!(unbalanced_brace("a {b"), Some(2));
        assert_eq!(unbalanced_brace("a }b"), Some(2));
    }
}
