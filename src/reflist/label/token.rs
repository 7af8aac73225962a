//! Word tokens of a reference string and the scorer's normalisation.

/// The script class of a token; a change of class ends a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters of an alphabet (Latin, Greek, Cyrillic, ...).
    Letters,
    /// Decimal digits and other numerals.
    Digits,
    /// Chinese characters (Han), kept together in runs.
    Han,
    /// Korean syllables.
    Hangul,
    /// Japanese kana.
    Kana,
}

/// A word token: byte offsets into the string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The script class.
    pub kind: TokenKind,
}

/// Splits a string into word tokens: maximal runs of word characters (see
/// [`is_word_char`]) of one [`TokenKind`].
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    let mut current: Option<Token> = None;
    for (offset, c) in text.char_indices() {
        let kind = kind_of(c);
        match (&mut current, kind) {
            (Some(token), Some(kind)) if token.kind == kind => {
                token.end = offset + c.len_utf8()
            }
            (_, kind) => {
                if let Some(token) = current.take() {
                    tokens.push(token);
                }
                current = kind.map(|kind| Token {
                    start: offset,
                    end: offset + c.len_utf8(),
                    kind,
                });
            }
        }
    }
    tokens.extend(current);
    tokens
}

/// Whether a character counts as a letter or digit for the scorer.
///
/// The official scorer keeps the characters for which Python's
/// `str.isalnum` holds (general categories L* and N*). Rust's
/// `is_alphanumeric` also accepts the "Other_Alphabetic" combining marks
/// (vowel signs of Indic scripts, Arabic and Hebrew points) and circled
/// letters; those ranges are excluded here so both sides agree.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() && !is_other_alphabetic_mark(c)
}

/// The scorer's normalisation: lower case, letters and digits only.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    if text.is_ascii() {
        out.extend(
            text.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase()),
        );
    } else {
        // `str::to_lowercase` applies the final-sigma rule as Python's
        // `str.lower` does; lower-casing character by character would not.
        out.extend(text.to_lowercase().chars().filter(|c| is_word_char(*c)));
    }
    out
}

fn kind_of(c: char) -> Option<TokenKind> {
    if c.is_ascii() {
        return if c.is_ascii_digit() {
            Some(TokenKind::Digits)
        } else if c.is_ascii_alphabetic() {
            Some(TokenKind::Letters)
        } else {
            None
        };
    }
    if !is_word_char(c) {
        return None;
    }
    let code = c as u32;
    Some(match code {
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D => TokenKind::Kana,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => TokenKind::Hangul,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => {
            TokenKind::Han
        }
        _ if c.is_numeric() => TokenKind::Digits,
        _ => TokenKind::Letters,
    })
}

/// Marks and symbols with the Unicode property Other_Alphabetic (which Rust
/// counts as alphabetic and Python does not), by block.
fn is_other_alphabetic_mark(c: char) -> bool {
    matches!(c as u32,
        0x0345
        | 0x05B0..=0x05C7
        | 0x0610..=0x061A
        | 0x064B..=0x065F
        | 0x0670
        | 0x06D6..=0x06ED
        | 0x0711
        | 0x0730..=0x074A
        | 0x07A6..=0x07B0
        | 0x0900..=0x0903
        | 0x093A..=0x093C
        | 0x093E..=0x094F
        | 0x0955..=0x0957
        | 0x0962..=0x0963
        | 0x0981..=0x0983
        | 0x09BE..=0x09CC
        | 0x09D7
        | 0x09E2..=0x09E3
        | 0x0A01..=0x0A03
        | 0x0A3E..=0x0A4C
        | 0x0A70..=0x0A71
        | 0x0A81..=0x0A83
        | 0x0ABE..=0x0ACC
        | 0x0B01..=0x0B03
        | 0x0B3E..=0x0B4C
        | 0x0B82
        | 0x0BBE..=0x0BCC
        | 0x0BD7
        | 0x0C00..=0x0C04
        | 0x0C3E..=0x0C4C
        | 0x0C55..=0x0C56
        | 0x0C81..=0x0C83
        | 0x0CBE..=0x0CCC
        | 0x0CD5..=0x0CD6
        | 0x0D00..=0x0D03
        | 0x0D3E..=0x0D4C
        | 0x0D57
        | 0x0D81..=0x0D83
        | 0x0DCF..=0x0DDF
        | 0x0E31
        | 0x0E34..=0x0E3A
        | 0x0E4D
        | 0x0EB1
        | 0x0EB4..=0x0EB9
        | 0x0EBB..=0x0EBC
        | 0x0ECD
        | 0x0F71..=0x0F83
        | 0x102B..=0x1036
        | 0x1038
        | 0x103B..=0x103E
        | 0x17B6..=0x17C8
        | 0x24B6..=0x24E9
        | 0x1F130..=0x1F149
        | 0x1F150..=0x1F169
        | 0x1F170..=0x1F189
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| &text[t.start..t.end]).collect()
    }

    #[test]
    fn splits_at_punctuation_and_class_changes() {
        assert_eq!(
            words("Phys. Rev. D60 (1999) 082001."),
            ["Phys", "Rev", "D", "60", "1999", "082001"]
        );
        assert_eq!(words("pp.1181-1192"), ["pp", "1181", "1192"]);
        assert_eq!(words("第58巻, 第3号"), ["第", "58", "巻", "第", "3", "号"]);
        assert_eq!(words("제26권 2호"), ["제", "26", "권", "2", "호"]);
        assert_eq!(words("Müller-Lüdenscheidt"), ["Müller", "Lüdenscheidt"]);
        assert_eq!(words(""), Vec::<&str>::new());
        assert_eq!(words(" ... "), Vec::<&str>::new());
    }

    #[test]
    fn combining_marks_are_separators_as_for_the_scorer() {
        // "é" written as e + U+0301: Python's isalnum is false for the mark.
        assert_eq!(words("Ce\u{301}line"), ["Ce", "line"]);
        assert_eq!(normalize("Ce\u{301}line"), "celine");
    }

    #[test]
    fn normalize_mirrors_the_scorer() {
        assert_eq!(normalize("J. Am. Chem. Soc."), "jamchemsoc");
        assert_eq!(normalize("pp. 334–344"), "pp334344");
        assert_eq!(normalize("ΟΔΟΣ"), "οδος");
        assert_eq!(normalize("x² ½ °"), "x²½");
        assert_eq!(normalize("中文 标题"), "中文标题");
    }
}
