//! Citation keys from a pattern: `[auth][year][title]` gives `chong2019cashless`.

use std::borrow::Cow;

use crate::model::Entry;
use crate::tex;

/// The default key pattern: first author's family name, year, first significant title word.
pub const DEFAULT_PATTERN: &str = "[auth][year][title]";

/// Words skipped when picking the first significant title word.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "on", "of", "in", "for", "and", "to", "at", "by", "from", "with",
    "into", "is", "are", "as", "or", "its", "how", "what", "why", "when", "le", "la",
    "les", "der", "die", "das", "el", "los", "un", "une", "ein", "eine",
];

/// The key a pattern gives for an entry, before collision suffixes. Tokens:
/// `[auth]` (first author's or editor's family name, or a corporate name's
/// first three significant words), `[year]` (`nd` when undated), `[title]`
/// (first significant title word), `[shorttitle]` (first three). Anything else
/// is copied; the result is lower-case ASCII with accents transliterated.
pub fn base_key(entry: &Entry, pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    let literal = |text: &str| -> String {
        text.chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
            .collect()
    };
    while let Some(open) = rest.find('[') {
        out.push_str(&literal(&rest[..open]));
        let Some(close) = rest[open..].find(']') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let token = &rest[open + 1..open + close];
        match token {
            "auth" => out.push_str(&ascii_word(&author_part(entry))),
            "year" => match entry.year() {
                Some(year) => out.push_str(&year.to_string()),
                None => out.push_str("nd"),
            },
            "title" => out.push_str(&title_words(entry, 1)),
            "shorttitle" => out.push_str(&title_words(entry, 3)),
            _ => {}
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(&literal(rest));
    if out.is_empty() { "entry".to_string() } else { out }
}

/// `base`, or `base` + `a`, `b`, ..., `z`, `aa`, ... when taken.
pub fn unique_key(base: &str, is_taken: impl Fn(&str) -> bool) -> String {
    if !is_taken(base) {
        return base.to_string();
    }
    unique_key_from(base, 0, is_taken).0
}

/// Like [`unique_key`] for a base that is taken, trying suffixes from
/// `counter` on; returns the key and the counter to resume from.
pub fn unique_key_from(
    base: &str,
    mut counter: usize,
    is_taken: impl Fn(&str) -> bool,
) -> (String, usize) {
    loop {
        let candidate = format!("{base}{}", letters(counter));
        counter += 1;
        if !is_taken(&candidate) {
            return (candidate, counter);
        }
    }
}

/// 0 → `a`, 25 → `z`, 26 → `aa`.
fn letters(mut counter: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (counter % 26) as u8);
        if counter < 26 {
            break;
        }
        counter = counter / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn author_part(entry: &Entry) -> String {
    use crate::model::Name;
    let first = ["author", "editor", "bookauthor", "translator"]
        .into_iter()
        .find_map(|field| entry.names(field).and_then(|names| names.first()));
    match first {
        Some(Name::Person { family, .. }) => ascii_word(&plain(family)),
        Some(Name::Literal(literal)) => {
            significant_words(&plain(literal)).take(3).collect::<Vec<_>>().concat()
        }
        _ => {
            let organisation = entry
                .text("organization")
                .or(entry.text("institution"))
                .unwrap_or("anon");
            significant_words(&plain(organisation)).take(1).collect()
        }
    }
}

fn title_words(entry: &Entry, count: usize) -> String {
    let title = entry.text("title").unwrap_or_default();
    significant_words(&plain(title)).take(count).collect::<Vec<_>>().concat()
}

/// `tex::to_plain(text, false)`, without the copy when there is nothing to
/// convert (no TeX specials, no `--`), as for most names and titles.
fn plain(text: &str) -> Cow<'_, str> {
    if text.contains(['\\', '$', '{', '}', '~']) || text.contains("--") {
        Cow::Owned(tex::to_plain(text, false))
    } else {
        Cow::Borrowed(text)
    }
}

fn significant_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| {
        c.is_whitespace() || c == '-' || c == '/' || c == '—' || c == '–'
    })
    .map(ascii_word)
    .filter(|word| !word.is_empty() && !STOP_WORDS.contains(&word.as_str()))
}

/// Lower-case ASCII letters and digits only, accents transliterated (`Müller` → `muller`).
fn ascii_word(text: &str) -> String {
    deunicode::deunicode_with_tofu_cow(text, "[?]")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Name, Value};

    #[test]
    fn default_pattern() {
        let mut entry = Entry::new("", "article");
        entry.set("author", Value::Names(vec![Name::person("Öztürk", "Karl")]), None);
        entry.set_text("title", "The rise of {Ant Financial}", None);
        entry.set_text("date", "2017-03", None);
        assert_eq!(base_key(&entry, DEFAULT_PATTERN), "ozturk2017rise");
        entry.set(
            "author",
            Value::Names(vec![Name::Literal("People's Bank of China".into())]),
            None,
        );
        assert_eq!(base_key(&entry, DEFAULT_PATTERN), "peoplesbankchina2017rise");
        entry.fields.shift_remove("date");
        assert_eq!(base_key(&entry, "[auth]_[year]"), "peoplesbankchina_nd");
    }

    #[test]
    fn plain_shortcut_agrees_with_to_plain() {
        for text in [
            "The rise of {Ant Financial}",
            "Öztürk",
            "M--N and ~ and $x$ and \\emph{y}",
            "plain text, nothing special: 10-12",
            "中国 - “quoted” — dashes – here",
        ] {
            assert_eq!(plain(text), tex::to_plain(text, false), "{text}");
        }
    }

    #[test]
    fn suffixes_on_collision() {
        let taken = ["x", "xa", "xb"];
        assert_eq!(unique_key("x", |k| taken.contains(&k)), "xc");
        assert_eq!(unique_key("y", |k| taken.contains(&k)), "y");
        assert_eq!(letters(25), "z");
        assert_eq!(letters(26), "aa");
    }
}
