//! BibTeX name lists: `Family, Given and {Corporate Name} and others`.

use crate::model::Name;

/// Splits a name list on ` and ` outside braces and parses each name.
pub fn parse_names(list: &str) -> Vec<Name> {
    split_and(list).into_iter().filter(|part| !part.is_empty()).map(parse_name).collect()
}

/// Writes a name list that [`parse_names`] reads back to the same names.
pub fn write_names(names: &[Name]) -> String {
    let mut out = String::new();
    for (idx, name) in names.iter().enumerate() {
        if idx > 0 {
            out.push_str(" and ");
        }
        match name {
            Name::Others => out.push_str("others"),
            Name::Literal(literal) => {
                out.push('{');
                out.push_str(literal);
                out.push('}');
            }
            Name::Person { family, given, prefix, suffix } => {
                if !prefix.is_empty() {
                    out.push_str(&protect(prefix));
                    out.push(' ');
                }
                out.push_str(&protect(family));
                if !suffix.is_empty() {
                    out.push_str(", ");
                    out.push_str(&protect(suffix));
                    out.push_str(", ");
                    out.push_str(&protect(given));
                } else if !given.is_empty() {
                    out.push_str(", ");
                    out.push_str(&protect(given));
                } else if family.split_whitespace().count() > 1 && prefix.is_empty() {
                    // `Lloyd Webber` alone would read as given + family.
                    out.push(',');
                }
            }
        }
    }
    out
}

/// Braces the words of a name part that would otherwise be read as list or part separators.
fn protect(part: &str) -> String {
    let needs_braces = part.contains(',')
        || part.split_whitespace().any(|word| word.eq_ignore_ascii_case("and"));
    if needs_braces { format!("{{{part}}}") } else { part.to_string() }
}

/// Splits on the word `and` (any case) at brace depth 0.
fn split_and(list: &str) -> Vec<&str> {
    let bytes = list.as_bytes();
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut idx = 0;
    while idx < bytes.len() {
        match bytes[idx] {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'a' | b'A'
                if depth == 0
                    && idx > 0
                    && bytes[idx - 1].is_ascii_whitespace()
                    && bytes.len() > idx + 3
                    && bytes[idx + 1..idx + 3].eq_ignore_ascii_case(b"nd")
                    && bytes[idx + 3].is_ascii_whitespace() =>
            {
                parts.push(list[start..idx].trim());
                idx += 3;
                start = idx;
                continue;
            }
            _ => {}
        }
        idx += 1;
    }
    parts.push(list[start..].trim());
    parts
}

/// Parses one name in any of BibTeX's three forms, or the extended
/// `family=…, given=…` form.
pub fn parse_name(name: &str) -> Name {
    let name = name.trim();
    if name == "others" {
        return Name::Others;
    }
    if let Some(inner) = whole_group(name) {
        return Name::Literal(inner.to_string());
    }
    let parts = split_top_level(name, b',');
    if parts.iter().any(|part| is_extended_part(part)) {
        return parse_extended(&parts);
    }
    match parts.as_slice() {
        [single] => {
            let words = split_top_level_words(single);
            if words.is_empty() {
                return Name::Literal(String::new());
            }
            // First von Last: von starts at the first lower-case word before the last word.
            let last_idx = words.len() - 1;
            let von_start = words[..last_idx].iter().position(|w| starts_lower(w));
            match von_start {
                Some(von_start) => {
                    let von_end = (von_start..last_idx)
                        .rev()
                        .find(|&idx| starts_lower(words[idx]))
                        .map_or(von_start, |idx| idx + 1);
                    Name::Person {
                        given: words[..von_start].join(" "),
                        prefix: words[von_start..von_end].join(" "),
                        family: words[von_end..].join(" "),
                        suffix: String::new(),
                    }
                }
                None => Name::Person {
                    given: words[..last_idx].join(" "),
                    family: words[last_idx].to_string(),
                    prefix: String::new(),
                    suffix: String::new(),
                },
            }
        }
        [von_last, rest @ ..] => {
            let (prefix, family) = split_von_last(von_last);
            let (suffix, given) = match rest {
                [given] => (String::new(), given.trim().to_string()),
                [suffix, given @ ..] => {
                    (suffix.trim().to_string(), given.join(",").trim().to_string())
                }
                [] => (String::new(), String::new()),
            };
            Name::Person { family, given, prefix, suffix }
        }
        [] => Name::Literal(String::new()),
    }
}

/// `{...}` covering the whole string: its content.
fn whole_group(name: &str) -> Option<&str> {
    let inner = name.strip_prefix('{')?.strip_suffix('}')?;
    let mut depth = 0i32;
    for byte in inner.bytes() {
        match byte {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    (depth == 0).then_some(inner)
}

fn split_top_level(text: &str, separator: u8) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (idx, byte) in text.bytes().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ if byte == separator && depth == 0 => {
                parts.push(text[start..idx].trim());
                start = idx + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

fn split_top_level_words(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    for (idx, byte) in text.bytes().enumerate() {
        match byte {
            b'{' => {
                depth += 1;
                start.get_or_insert(idx);
            }
            b'}' => depth = depth.saturating_sub(1),
            b' ' | b'\t' | b'\n' | b'~' if depth == 0 => {
                if let Some(word_start) = start.take() {
                    words.push(&text[word_start..idx]);
                }
            }
            _ => {
                start.get_or_insert(idx);
            }
        }
    }
    if let Some(word_start) = start {
        words.push(&text[word_start..]);
    }
    words
}

/// Whether a word counts as lower case for BibTeX's von detection: its first
/// letter outside braces is lower case. Braced words count as upper case.
fn starts_lower(word: &str) -> bool {
    for c in word.chars() {
        if c == '{' {
            return false;
        }
        if c.is_alphabetic() {
            return c.is_lowercase();
        }
    }
    false
}

fn split_von_last(von_last: &str) -> (String, String) {
    let words = split_top_level_words(von_last);
    if words.is_empty() {
        return (String::new(), String::new());
    }
    // von = the longest run of words up to the last lower-case word, leaving at least one word.
    let last_idx = words.len() - 1;
    let von_end = (0..last_idx)
        .rev()
        .find(|&idx| starts_lower(words[idx]))
        .map_or(0, |idx| idx + 1);
    if von_end > 0 && !starts_lower(words[0]) {
        return (String::new(), words.join(" "));
    }
    (words[..von_end].join(" "), words[von_end..].join(" "))
}

fn is_extended_part(part: &str) -> bool {
    let Some((key, _)) = part.split_once('=') else { return false };
    matches!(
        key.trim(),
        "family" | "given" | "prefix" | "suffix" | "useprefix" | "given-i" | "family-i"
    )
}

fn parse_extended(parts: &[&str]) -> Name {
    let (mut family, mut given, mut prefix, mut suffix) =
        (String::new(), String::new(), String::new(), String::new());
    for part in parts {
        if let Some((key, value)) = part.split_once('=') {
            let value = value.trim();
            let value = whole_group(value).unwrap_or(value).to_string();
            match key.trim() {
                "family" => family = value,
                "given" => given = value,
                "prefix" => prefix = value,
                "suffix" => suffix = value,
                _ => {}
            }
        }
    }
    Name::Person { family, given, prefix, suffix }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(family: &str, given: &str, prefix: &str, suffix: &str) -> Name {
        Name::Person {
            family: family.into(),
            given: given.into(),
            prefix: prefix.into(),
            suffix: suffix.into(),
        }
    }

    #[test]
    fn bibtex_name_forms() {
        assert_eq!(
            parse_name("Chong, Pak Lei Gladys"),
            Name::person("Chong", "Pak Lei Gladys")
        );
        assert_eq!(parse_name("Ulrike Brontë"), Name::person("Brontë", "Ulrike"));
        assert_eq!(
            parse_name("Ludwig van Beethoven"),
            person("Beethoven", "Ludwig", "van", "")
        );
        assert_eq!(
            parse_name("van der Berg, Anna"),
            person("Berg", "Anna", "van der", "")
        );
        assert_eq!(
            parse_name("Karlsson, Sr., Maria"),
            person("Karlsson", "Maria", "", "Sr.")
        );
        assert_eq!(
            parse_name("{Financial Stability Board}"),
            Name::Literal("Financial Stability Board".into())
        );
        assert_eq!(
            parse_name("family=Neumann, given=John, prefix=von"),
            person("Neumann", "John", "von", "")
        );
        assert_eq!(parse_name("others"), Name::Others);
    }

    #[test]
    fn lists_split_on_and_outside_braces() {
        let names = parse_names("{Barnes and Noble} and Doe, J. AND others");
        assert_eq!(
            names,
            vec![
                Name::Literal("Barnes and Noble".into()),
                Name::person("Doe", "J."),
                Name::Others
            ]
        );
    }

    #[test]
    fn write_reads_back() {
        let names = vec![
            person("Beethoven", "Ludwig", "van", ""),
            person("Karlsson", "Maria", "", "Sr."),
            Name::Literal("People's Bank of China".into()),
            person("Lloyd Webber", "", "", ""),
            person("Smith", "Anna {and} Bob", "", ""),
            Name::Others,
        ];
        assert_eq!(parse_names(&write_names(&names)), names);
    }
}
