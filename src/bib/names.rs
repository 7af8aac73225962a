//! BibTeX name lists: `Family, Given and {Corporate Name} and others`.

use std::borrow::Cow;

use crate::model::Name;
use crate::tex;

/// Splits a name list on ` and ` outside braces and parses each name.
pub fn parse_names(list: &str) -> Vec<Name> {
    split_and(list).into_iter().filter(|part| !part.is_empty()).map(parse_name).collect()
}

/// Writes a name list that [`parse_names`] reads back to the same names.
///
/// Each person is written in BibTeX's classic form (`von Last, Jr, First`)
/// when that form reads back to the same parts; otherwise (a family name that
/// starts in lower case, a part with a comma or a lone `and`, an `=` that
/// biber would take for the extended format) in biblatex's extended name
/// format, `family={...}, given={...}`, whose braced values read back as they are.
///
/// Empty names (a person without any part, an empty literal) carry nothing
/// and are left out: written as nothing, they would turn the `and` before
/// them into part of the previous name.
pub fn write_names(names: &[Name]) -> String {
    let mut out = String::new();
    for name in names.iter().filter(|name| !is_empty(name)) {
        if !out.is_empty() {
            out.push_str(" and ");
        }
        out.push_str(&write_name(name));
    }
    out
}

fn is_empty(name: &Name) -> bool {
    match name {
        Name::Person { family, given, prefix, suffix } => {
            [family, given, prefix, suffix].iter().all(|part| part.is_empty())
        }
        Name::Literal(literal) => literal.is_empty(),
        Name::Others => false,
    }
}

fn write_name(name: &Name) -> String {
    match name {
        Name::Others => "others".to_string(),
        Name::Literal(literal) => format!("{{{}}}", tex::balance_braces(literal)),
        Name::Person { family, given, prefix, suffix } => {
            // A part with unbalanced braces cannot be written as it is;
            // escaping its braces part by part keeps the other parts apart.
            let parts =
                [family, given, prefix, suffix].map(|part| tex::balance_braces(part));
            if parts.iter().any(|part| matches!(part, Cow::Owned(_))) {
                let [family, given, prefix, suffix] = parts.map(Cow::into_owned);
                return write_person(&Name::Person { family, given, prefix, suffix });
            }
            write_person(name)
        }
    }
}

/// A person in the classic form where it reads back the same everywhere,
/// else in the extended name format.
fn write_person(name: &Name) -> String {
    let Name::Person { family, given, prefix, suffix } = name else {
        return write_name(name);
    };
    // Braces and lower-case words in the von and last parts are read
    // differently by different readers: BibTeX takes `{and}` for an
    // upper-case word, the biblatex crate for a particle, and it
    // leaves `Aa a, B` without a family name. A comma in a part (`Jr., X, Y`)
    // reads back here, but biber rejects a name with more than two commas.
    if let Some(classic) = classic_form(family, given, prefix, suffix)
        && [family, given, prefix, suffix]
            .iter()
            .all(|part| split_top_level(part, b',').len() == 1)
        && !classic.contains('=')
        && !family.contains('{')
        && !prefix.contains('{')
        && !split_top_level_words(family).into_iter().any(starts_lower)
        && reads_back(&classic, name)
    {
        return classic;
    }
    let parts =
        [("family", family), ("given", given), ("prefix", prefix), ("suffix", suffix)];
    // biber splits the extended format with a CSV parser that knows no
    // braces (a comma or a quote inside a value breaks it) and takes the
    // last `=` for the separator.
    if parts.iter().any(|(_, value)| value.contains([',', '"', '='])) {
        return as_literal(family, given, prefix, suffix);
    }
    let mut extended = Vec::with_capacity(4);
    for (part, value) in parts {
        if !value.is_empty() {
            extended.push(format!("{part}={{{value}}}"));
        }
    }
    extended.join(", ")
}

/// The last resort, for a name that neither the classic nor the extended
/// form can carry to biber: one braced name, `{given prefix family, suffix}`.
/// biber then takes it whole (it rejects a classic name with more than two
/// commas, even braced ones), and it reads back as a [`Name::Literal`]: the
/// round trip is stable from the first write on, but not the identity.
fn as_literal(family: &str, given: &str, prefix: &str, suffix: &str) -> String {
    let mut text = [given, prefix, family]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !suffix.is_empty() {
        text.push_str(", ");
        text.push_str(suffix);
    }
    format!("{{{text}}}")
}

/// `prefix family, suffix, given` with the fewest commas that keep it
/// unambiguous, or `None` where the classic form is read differently by
/// different readers: a family name of several words without a given name
/// (`Lloyd Webber,` is right for BibTeX, but the biblatex crate splits it),
/// or a suffix without a given name.
fn classic_form(family: &str, given: &str, prefix: &str, suffix: &str) -> Option<String> {
    // biber warns about (and drops) the trailing comma of `Family, Jr., `.
    if given.is_empty() && (split_top_level_words(family).len() > 1 || !suffix.is_empty())
    {
        return None;
    }
    let mut out = String::new();
    if !prefix.is_empty() {
        out.push_str(prefix);
        out.push(' ');
    }
    out.push_str(family);
    if !suffix.is_empty() {
        out.push_str(", ");
        out.push_str(suffix);
        out.push_str(", ");
        out.push_str(given);
    } else if !given.is_empty() {
        out.push_str(", ");
        out.push_str(given);
    }
    Some(out)
}

/// Whether `written` reads back as `name`, also between other names of a list.
fn reads_back(written: &str, name: &Name) -> bool {
    let other = Name::person("X", "");
    let in_list = parse_names(&format!("X and {written} and X"));
    in_list.len() == 3
        && in_list[0] == other
        && in_list[1] == *name
        && in_list[2] == other
}

/// Splits on the word `and` (any case) at brace depth 0, white space on
/// both sides; the parts are trimmed, empty ones kept.
pub(crate) fn split_and(list: &str) -> Vec<&str> {
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
    // von = the longest run of words up to the last lower-case word, leaving
    // at least one word: BibTeX's rule, which biber and the biblatex crate
    // follow too, so `Van der Waals, J.` has the prefix `Van der`.
    let last_idx = words.len() - 1;
    let von_end = (0..last_idx)
        .rev()
        .find(|&idx| starts_lower(words[idx]))
        .map_or(0, |idx| idx + 1);
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
    fn von_follows_bibtex_in_the_comma_form() {
        assert_eq!(
            parse_name("Van der Waals, Johannes"),
            person("Waals", "Johannes", "Van der", "")
        );
        assert_eq!(parse_name("Aa a, B"), person("Aa a", "B", "", ""));
    }

    #[test]
    fn ambiguous_names_use_the_extended_format() {
        let cases = [
            (person("dos Santos", "Ana", "", ""), "family={dos Santos}, given={Ana}"),
            (person("Lloyd Webber", "", "", ""), "family={Lloyd Webber}"),
            (person("others", "", "", ""), "family={others}"),
            (
                person("Smith", "Ann and Bob", "", ""),
                "family={Smith}, given={Ann and Bob}",
            ),
            (person("{NASA}", "", "", ""), "family={{NASA}}"),
        ];
        for (name, written) in cases {
            assert_eq!(write_names(std::slice::from_ref(&name)), written);
            assert_eq!(parse_names(written), vec![name]);
        }
        assert_eq!(
            write_names(&[person("Berg", "Anna", "van der", "")]),
            "van der Berg, Anna"
        );
    }

    #[test]
    fn names_biber_cannot_take_in_the_extended_format_become_literals() {
        let literal = |text: &str| Name::Literal(text.into());
        // (name, written, read back): stable from the first write on.
        let cases = [
            // Fuzz case: a comma inside braces used to get a second pair of braces.
            (person("i", "{\\0{, }}", "", ""), "{{\\0{, }} i}", literal("{\\0{, }} i")),
            (
                person("Smith, Jr", "Ann", "", ""),
                "{Ann Smith, Jr}",
                literal("Ann Smith, Jr"),
            ),
            (person("A=B", "C", "", ""), "{C A=B}", literal("C A=B")),
            // biber: 'Name "Nguyễn, III, \#,a" has too many commas, skipping entry'.
            (
                person("Nguyễn", "\\#,a", "", "III"),
                "{\\#,a Nguyễn, III}",
                literal("\\#,a Nguyễn, III"),
            ),
            (
                person("Smith", "Ann and \"Bob\"", "von", ""),
                "{Ann and \"Bob\" von Smith}",
                literal("Ann and \"Bob\" von Smith"),
            ),
        ];
        for (name, written, read_back) in cases {
            assert_eq!(write_names(std::slice::from_ref(&name)), written);
            assert_eq!(parse_names(written), vec![read_back.clone()]);
            assert_eq!(write_names(&[read_back]), written);
        }
        // Not `Nguyễn, III, `: biber warns about the trailing comma.
        assert_eq!(
            write_names(&[person("Nguyễn", "", "", "III")]),
            "family={Nguyễn}, suffix={III}"
        );
    }

    #[test]
    fn empty_names_are_left_out() {
        // Fuzz case: an RIS author of control characters only became an empty
        // person, written as nothing after a trailing `and`.
        let names = [
            person("Lefebvre", "Ngozi", "", ""),
            person("", "", "", ""),
            Name::Literal(String::new()),
            person("Shen", "Hong", "", ""),
        ];
        assert_eq!(write_names(&names), "Lefebvre, Ngozi and Shen, Hong");
        assert_eq!(write_names(&names[..2]), "Lefebvre, Ngozi");
        assert_eq!(write_names(&names[1..3]), "");
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
