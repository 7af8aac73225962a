//! APA (6th/7th edition) author-date references, read by rules.
//!
//! `Authors. (Year[a][, Month Day]). Title [Translation]. *Container*, Volume(Issue), Pages.`
//! and `Authors. (Year). *Book title* (Edition). Place: Publisher.` The
//! author-date prefix is unambiguous, and the italic span (markdown `*...*`)
//! tells the container from the title, so rules are exact where the
//! labeller would only be likely. References that do not start with the
//! prefix are left to the labeller.

use std::sync::LazyLock;

use regex::Regex;

use super::parse::{
    Fields, Prepared, clean_title, find_year, is_initials, normalise_pages, person,
    thesis_kind, trim_punct,
};
use crate::model::{Name, month_number};
use crate::tex;

static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<authors>[^()]*?(?:\((?:Eds?|eds?)\.?\)[^()]*?)?)\s*\((?P<year>1[5-9]\d\d|20\d\d|n\.\s?d\.)(?P<suffix>[a-z])?(?:,\s*(?P<detail>[^)]*))?\)\s*[.,]?\s*",
    )
    .expect("valid regex")
});

/// Chicago author-date: `Woolley, John T. 1986. Title.` (year between periods, no parentheses).
static CHICAGO_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<authors>[^()\d]{2,300}?\.)\s+(?P<year>1[5-9]\d\d|20\d\d)(?P<suffix>[a-z])?\.\s+")
        .expect("valid regex")
});

static NUMBERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[,.]?\s*(?:[Vv]ol\.?\s*)?(?P<volume>\d+[A-Za-z]?)?\s*(?:\(\s*(?P<issue>[^)]+?)\s*\))?\s*(?:[:,]\s*(?:pp?\.\s*)?(?P<pages>[A-Za-z]?\d+[A-Za-z]?(?:\s*[-–—]+\s*[A-Za-z]?\d+[A-Za-z]?)?))?",
    )
    .expect("valid regex")
});

static PARENTHETICAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\(([^)]*)\)").expect("valid regex"));

static REPORT_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[,.]?\s*(?:no\.|number|report no\.|working paper no\.)\s*([0-9A-Za-z./-]+)")
        .expect("valid regex")
});

/// Reads an APA reference, or `None` when it does not start with the author-date prefix.
pub(super) fn parse(prepared: &Prepared) -> Option<Fields> {
    let text = &prepared.text;
    let (caps, chicago) = match PREFIX.captures(text) {
        Some(caps) => (caps, false),
        None => (CHICAGO_PREFIX.captures(text)?, true),
    };
    let authors_text = caps.name("authors").map_or("", |m| m.as_str()).trim();
    if authors_text.is_empty()
        || authors_text.len() > 1000
        || !looks_like_authors(authors_text, chicago)
    {
        return None;
    }
    let mut fields = Fields::default();
    let year_text = &caps["year"];
    if let Some((year, _)) = find_year(year_text) {
        fields.year = Some(year);
    }
    fields.year_suffix = caps.name("suffix").map(|m| m.as_str().to_string());
    if let Some(detail) = caps.name("detail") {
        let mut words = detail.as_str().split(|c: char| c.is_whitespace() || c == ',');
        fields.month = words.by_ref().find_map(month_number);
        fields.day =
            words.find_map(|w| w.parse::<u32>().ok().filter(|d| (1..=31).contains(d)));
    }
    let (authors, editors) = if chicago {
        (super::parse::parse_names_general(authors_text), Vec::new())
    } else {
        apa_names(authors_text)
    };
    fields.authors = authors;
    fields.editors = editors;

    let body_start = caps.get(0).map_or(0, |m| m.end());
    let body = &text[body_start..];
    let italics: Vec<(usize, usize)> = prepared
        .italics
        .iter()
        .filter(|(start, _)| *start >= body_start)
        .map(|(start, end)| (start - body_start, end - body_start))
        .collect();
    match italics.first() {
        Some(&(0, end)) => italic_title(&mut fields, body, end),
        Some(&(start, end)) => titled_container(&mut fields, body, start, end),
        None => plain(&mut fields, body),
    }
    Some(fields)
}

/// Whether the text before the date reads as an author element: no digits,
/// and persons written family name first (`Wong, G.`), or a corporate name.
/// Anything else (`M. Cè, L. Giusti, Phys. Rev. D95`) is left to the labeller.
fn looks_like_authors(text: &str, chicago: bool) -> bool {
    if text.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut parts = text.split(',').map(str::trim);
    let first = parts.next().unwrap_or_default();
    match parts.next() {
        // One name without a comma: corporate (`Xinhua.`) or `Liang S.`.
        None => first.split_whitespace().count() <= 8,
        Some(second) => {
            let second = second.trim_start_matches("& ").trim();
            !first.split_whitespace().any(is_initials)
                && (is_initials(second)
                    || chicago
                    || second.split_whitespace().any(is_initials))
        }
    }
}

/// The author element: persons (`Wong, G., & Chao, L.`), a corporate author
/// (`People's Bank of China.`), or editors (`Doe, J. (Ed.).`).
fn apa_names(text: &str) -> (Vec<Name>, Vec<Name>) {
    let mut text = text.trim().to_string();
    let mut is_editor = false;
    // `Doe, J. (Ed.).`: the period after the marker ends the element.
    if text.ends_with(").") {
        text.pop();
    }
    for marker in ["(Eds.)", "(Ed.)", "(eds.)", "(ed.)", "(Eds)", "(Ed)"] {
        if let Some(stripped) = text.strip_suffix(marker) {
            text = stripped.trim().trim_end_matches(',').trim().to_string();
            is_editor = true;
        }
    }
    let has_initials = text
        .split([',', '&'])
        .flat_map(str::split_whitespace)
        .any(|word| is_initials(word) && word.contains('.'));
    let names = if has_initials {
        inverted_names(&text)
    } else {
        vec![Name::Literal(tex::escape(text.trim_end_matches('.').trim()))]
    };
    if is_editor { (Vec::new(), names) } else { (names, Vec::new()) }
}

/// `Plantin, J. C., Lagoze, C., & Sandvig, C.`, `Lee, M. & Lin, D.`,
/// `Xu, X., Li, Y., & Liang S.`, `Smith, J., et al.`
fn inverted_names(text: &str) -> Vec<Name> {
    let normalised = text.replace('&', ",").replace(" and ", ", ");
    let tokens: Vec<&str> =
        normalised.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
    let mut names = Vec::new();
    let mut idx = 0;
    while idx < tokens.len() {
        let token = tokens[idx];
        if token.to_lowercase().starts_with("et al") || token == "..." || token == "…" {
            names.push(Name::Others);
            idx += 1;
            continue;
        }
        // `Rossi, J., Sr.`: a suffix of the name before.
        if matches!(token, "Jr." | "Jr" | "Sr." | "Sr" | "II" | "III" | "IV")
            && let Some(Name::Person { suffix, .. }) = names.last_mut()
            && suffix.is_empty()
        {
            *suffix = token.to_string();
            idx += 1;
            continue;
        }
        match tokens.get(idx + 1) {
            Some(next) if is_initials(next) => {
                names.push(person(token, next));
                idx += 2;
            }
            _ => {
                // `Liang S.`: a comma is missing between family name and initials.
                let words: Vec<&str> = token.split_whitespace().collect();
                let split =
                    words.iter().rposition(|w| !is_initials(w)).map_or(0, |p| p + 1);
                if split > 0 && split < words.len() {
                    names.push(person(
                        &words[..split].join(" "),
                        &words[split..].join(" "),
                    ));
                } else {
                    names.push(Name::Literal(tex::escape(token)));
                }
                idx += 1;
            }
        }
    }
    names
}

/// `*Title: Sub* [Translation] (PhD dissertation), no. 40. Place: Publisher.`
fn italic_title(fields: &mut Fields, body: &str, italic_end: usize) {
    fields.title = Some(clean_title(&body[..italic_end]));
    fields.title_is_italic = true;
    let mut rest = body[italic_end..].trim_start();
    if let Some((translation, after)) = bracketed(rest) {
        fields.translation = Some(translation);
        rest = after;
    }
    while let Some(caps) = PARENTHETICAL.captures(rest) {
        let inner = caps[1].trim();
        let lower = inner.to_lowercase();
        if lower.contains("dissertation") || lower.contains("thesis") {
            fields.thesis_type = Some(thesis_kind(&lower));
        } else if lower.contains("ed.") || lower.contains("edition") {
            fields.edition = Some(edition(inner));
        } else if lower.starts_with("report")
            || lower.contains("no.")
            || lower.contains("paper")
        {
            fields.report = true;
            fields.number = inner
                .rsplit([' ', '.'])
                .find(|w| w.chars().any(|c| c.is_ascii_digit()))
                .map(str::to_string);
        } else if lower.starts_with("vol") {
            fields.volume = inner.split_whitespace().last().map(str::to_string);
        }
        rest = rest[caps.get(0).map_or(0, |m| m.end())..].trim_start();
    }
    if let Some(caps) = REPORT_NUMBER.captures(rest) {
        fields.number = Some(caps[1].trim_end_matches('.').to_string());
        fields.report = true;
        rest = &rest[caps.get(0).map_or(0, |m| m.end())..];
    }
    let rest = trim_punct(rest.trim_start_matches(['.', ',']));
    if rest.is_empty() {
        return;
    }
    if fields.thesis_type.is_some() {
        fields.publisher = Some(rest);
        return;
    }
    publisher_and_place(fields, &rest);
}

/// `Title [Translation]. *Container*, 20 (1), 293-310.` or
/// `Title. In A. Editor (Ed.), *Book* (pp. 1-10). Place: Publisher.`
fn titled_container(fields: &mut Fields, body: &str, start: usize, end: usize) {
    let mut title_part = body[..start].trim();
    // `In A. Editor (Ed.), *Book*`: a chapter.
    if let Some(in_at) = find_in_marker(title_part) {
        let editors_text = title_part[in_at + 3..].trim();
        let editors_text = editors_text
            .trim_end_matches(',')
            .replace("(Eds.)", "")
            .replace("(Ed.)", "")
            .replace("(eds.)", "")
            .replace("(ed.)", "");
        if !editors_text.trim().is_empty() {
            fields.editors = super::parse::parse_names_general(
                editors_text.trim().trim_end_matches(','),
            );
        }
        fields.container_is_book = true;
        title_part = title_part[..in_at].trim();
    }
    set_title_with_translation(fields, title_part);
    fields.container = Some(trim_punct(&body[start..end]));
    let after = &body[end..];
    if fields.container_is_book {
        let mut rest = after.trim_start();
        if let Some(caps) = PARENTHETICAL.captures(rest) {
            let inner = &caps[1];
            if let Some(pages) =
                inner.strip_prefix("pp.").or_else(|| inner.strip_prefix("p."))
            {
                fields.pages = Some(normalise_pages(pages));
            } else if inner.to_lowercase().contains("ed.") {
                fields.edition = Some(edition(inner));
            }
            rest = &rest[caps.get(0).map_or(0, |m| m.end())..];
        }
        let rest = trim_punct(rest.trim_start_matches(['.', ',']));
        if !rest.is_empty() {
            publisher_and_place(fields, &rest);
        }
        return;
    }
    if let Some(caps) = NUMBERS.captures(after) {
        fields.volume = caps.name("volume").map(|m| m.as_str().to_string());
        fields.number = caps.name("issue").map(|m| m.as_str().to_string());
        fields.pages = caps.name("pages").map(|m| normalise_pages(m.as_str()));
        let rest = trim_punct(&after[caps.get(0).map_or(0, |m| m.end())..]);
        if !rest.is_empty() && fields.note.is_none() {
            fields.note = Some(rest);
        }
    }
}

/// No italics at all: `Title [Translation]. Container, 12(3), 1-10.` or a
/// web page `Title.` followed only by its URL.
fn plain(fields: &mut Fields, body: &str) {
    let title_end = sentence_end(body);
    set_title_with_translation(fields, &body[..title_end]);
    let rest = body[title_end..].trim_start_matches(['.', '?', '!']).trim();
    if rest.is_empty() {
        return;
    }
    if let Some(in_book) = rest.strip_prefix("In ").or_else(|| rest.strip_prefix("In: "))
    {
        chapter_without_italics(fields, in_book);
        return;
    }
    // `Container, 12(3), 1-10`: the first digit starts the numbers.
    let digits_at = rest.find(|c: char| c.is_ascii_digit());
    match digits_at {
        Some(at) if at > 0 => {
            let container = trim_punct(&rest[..at]);
            if let Some(caps) = NUMBERS.captures(&rest[at..])
                && caps.name("volume").is_some()
                && !container.is_empty()
            {
                fields.container = Some(container);
                fields.volume = caps.name("volume").map(|m| m.as_str().to_string());
                fields.number = caps.name("issue").map(|m| m.as_str().to_string());
                fields.pages = caps.name("pages").map(|m| normalise_pages(m.as_str()));
                return;
            }
            publisher_and_place(fields, &trim_punct(rest));
        }
        _ => publisher_and_place(fields, &trim_punct(rest)),
    }
}

/// `A. Editor (Ed.), Book title (pp. 1-10). Place: Publisher.` after "In".
fn chapter_without_italics(fields: &mut Fields, text: &str) {
    fields.container_is_book = true;
    let mut rest = text;
    let lower = text.to_lowercase();
    if let Some(at) = ["(eds.)", "(ed.)", "(eds)", "(ed)", "(hrsg.)"]
        .iter()
        .find_map(|m| lower.find(m).map(|at| (at, m.len())))
    {
        let (at, len) = at;
        fields.editors =
            super::parse::parse_names_general(text[..at].trim().trim_end_matches(','));
        rest = text[at + len..].trim_start_matches([',', ' ']);
    }
    let (book, after) = match rest.find(" (pp.").or_else(|| rest.find(" (p.")) {
        Some(at) => (&rest[..at], &rest[at..]),
        None => {
            let end = sentence_end(rest);
            (&rest[..end], &rest[end..])
        }
    };
    fields.container = Some(trim_punct(book));
    let mut after = after.trim_start();
    if let Some(caps) = PARENTHETICAL.captures(after) {
        let inner = &caps[1];
        if let Some(pages) =
            inner.strip_prefix("pp.").or_else(|| inner.strip_prefix("p."))
        {
            fields.pages = Some(normalise_pages(pages));
        }
        after = &after[caps.get(0).map_or(0, |m| m.end())..];
    }
    let after = trim_punct(after.trim_start_matches(['.', ',']));
    if !after.is_empty() {
        publisher_and_place(fields, &after);
    }
}

/// Where the title ends: the first `. ` (or `? `/`! `) outside brackets and quotes.
fn sentence_end(body: &str) -> usize {
    let mut depth = 0i32;
    let mut in_quote = false;
    let bytes = body.as_bytes();
    for (idx, c) in body.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '"' | '“' | '”' => in_quote = !in_quote,
            '.' | '?' | '!' if depth <= 0 && !in_quote => {
                let next = bytes.get(idx + 1).copied();
                if next.is_none() || next == Some(b' ') {
                    // `?` and `!` belong to the title; a period only ends it.
                    return if c == '.' { idx } else { idx + 1 };
                }
            }
            _ => {}
        }
    }
    body.len()
}

fn set_title_with_translation(fields: &mut Fields, title_part: &str) {
    let title_part = title_part.trim().trim_end_matches(['.', ',']).trim();
    // A romanised title followed by its English translation in brackets.
    if let Some(open) = title_part.rfind(" [")
        && title_part.ends_with(']')
    {
        fields.translation =
            Some(title_part[open + 2..title_part.len() - 1].trim().to_string());
        fields.title = Some(clean_title(&title_part[..open]));
        return;
    }
    if !title_part.is_empty() {
        fields.title = Some(clean_title(title_part));
    }
}

/// `[Translation]` at the start of `text`, and what follows it.
fn bracketed(text: &str) -> Option<(String, &str)> {
    let inner = text.strip_prefix('[')?;
    let close = inner.find(']')?;
    Some((inner[..close].trim().to_string(), inner[close + 1..].trim_start()))
}

/// The position of ` In ` that introduces the editors and book of a chapter.
fn find_in_marker(title_part: &str) -> Option<usize> {
    let at = title_part
        .rfind(". In ")
        .map(|at| at + 1)
        .or_else(|| title_part.rfind(" In: "))?;
    Some(at + 1 - usize::from(title_part[at..].starts_with(" In")))
}

/// `Urbana, IL: University of Illinois Press` → location and publisher.
fn publisher_and_place(fields: &mut Fields, text: &str) {
    match text.rsplit_once(": ") {
        Some((place, publisher)) if !place.is_empty() && place.len() < 60 => {
            fields.location = Some(place.trim().to_string());
            fields.publisher = Some(trim_punct(publisher));
        }
        _ => fields.publisher = Some(trim_punct(text)),
    }
}

/// `2nd ed.` → `2`.
fn edition(text: &str) -> String {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() { trim_punct(text) } else { digits }
}

#[cfg(test)]
mod tests {
    use super::super::parse::prepare;
    use super::*;

    fn fields(text: &str) -> Fields {
        parse(&prepare(text)).expect("an APA reference")
    }

    #[test]
    fn journal_article_with_issue_and_pages() {
        let f = fields(
            "Plantin, J. C., Lagoze, C., Edwards, P. N., & Sandvig, C. (2016). Infrastructure studies meet platform studies. *New Media & Society*, 20 (1), 293-310.",
        );
        assert_eq!(f.authors.len(), 4);
        assert_eq!(f.authors[0], Name::person("Plantin", "J. C."));
        assert_eq!(
            f.title.as_deref(),
            Some("Infrastructure studies meet platform studies")
        );
        assert_eq!(f.container.as_deref(), Some("New Media & Society"));
        assert_eq!(
            (f.volume.as_deref(), f.number.as_deref(), f.pages.as_deref()),
            (Some("20"), Some("1"), Some("293--310"))
        );
    }

    #[test]
    fn dated_news_with_suffix_and_translation() {
        let f = fields(
            "Xinhua. (2013a, July 3). Mayun anshi jianguang guodu [Jack Ma indicates that there is too much regulation]. *Xinhua Net*. Retrieved from [http://x.org/c\\_1.htm](http://x.org/c_1.htm)",
        );
        assert_eq!(f.authors, [Name::Literal("Xinhua".into())]);
        assert_eq!(
            (f.year, f.month, f.day, f.year_suffix.as_deref()),
            (Some(2013), Some(7), Some(3), Some("a"))
        );
        assert_eq!(f.title.as_deref(), Some("Mayun anshi jianguang guodu"));
        assert_eq!(
            f.translation.as_deref(),
            Some("Jack Ma indicates that there is too much regulation")
        );
        assert_eq!(f.container.as_deref(), Some("Xinhua Net"));
    }

    #[test]
    fn book_thesis_and_chapter() {
        let f = fields(
            "Hong, Y. (2017). *Networking China: The digital transformation*. Urbana, IL: University of Illinois Press.",
        );
        assert!(f.title_is_italic);
        assert_eq!(
            (f.location.as_deref(), f.publisher.as_deref()),
            (Some("Urbana, IL"), Some("University of Illinois Press"))
        );
        let f = fields(
            "Shen, H. (2017). *Across the Great (Fire) Wall: China* (PhD dissertation). University of Illinois at Urbana-Champaign.",
        );
        assert_eq!(f.thesis_type.as_deref(), Some("phdthesis"));
        assert_eq!(
            f.publisher.as_deref(),
            Some("University of Illinois at Urbana-Champaign")
        );
        let f = fields(
            "Doe, J. (2010). A chapter. In A. Smith & B. Roe (Eds.), *The book* (pp. 10-20). London: Verso.",
        );
        assert!(f.container_is_book);
        assert_eq!(f.title.as_deref(), Some("A chapter"));
        assert_eq!(f.editors.len(), 2);
        assert_eq!(f.pages.as_deref(), Some("10--20"));
        assert_eq!(f.publisher.as_deref(), Some("Verso"));
    }

    #[test]
    fn chicago_author_date_and_chapters_without_italics() {
        let f = fields(
            "Woolley, John T. 1986. Monetary politics: The Federal Reserve. Cambridge University Press.",
        );
        assert_eq!(f.authors, [Name::person("Woolley", "John T.")]);
        assert_eq!(f.year, Some(1986));
        assert_eq!(f.title.as_deref(), Some("Monetary politics: The Federal Reserve"));
        assert_eq!(f.publisher.as_deref(), Some("Cambridge University Press"));
        let f = fields(
            "Bengio, Y., & Frasconi, P. (1994). Credit assignment. In Cowan, J. D., & Alspector, J. (Eds.), Advances in Neural Information Processing Systems 6. Morgan Kaufmann.",
        );
        assert!(f.container_is_book);
        assert_eq!(f.editors.len(), 2);
        assert_eq!(
            f.container.as_deref(),
            Some("Advances in Neural Information Processing Systems 6")
        );
        assert_eq!(f.publisher.as_deref(), Some("Morgan Kaufmann"));
    }

    #[test]
    fn given_first_authors_are_not_apa() {
        assert!(
            parse(&prepare(
                "M. Cè, L. Giusti, S. Schaefer, Phys. Rev. D95, 034503 (2017), 1609.02419"
            ))
            .is_none()
        );
        assert!(looks_like_authors("Wong, G., & Chao, L.", false));
        assert!(looks_like_authors("People's Bank of China.", false));
        assert!(looks_like_authors("Xu, X., Li, Y., & Liang S.", false));
    }

    #[test]
    fn editors_before_the_date_and_name_suffixes() {
        let f =
            fields("Andersson, C. (Ed.). (2013). *Situating value*. London: Routledge.");
        assert_eq!(f.editors, vec![Name::person("Andersson", "C.")]);
        assert!(f.authors.is_empty());
        let f = fields(
            "Rossi, J., Sr., & Wilson, H.-P., Jr. (2016). Market. *Policy*, 44(8), 73-90.",
        );
        assert_eq!(f.authors.len(), 2);
        assert!(
            matches!(&f.authors[0], Name::Person { family, suffix, .. } if family == "Rossi" && suffix == "Sr.")
        );
        assert!(
            matches!(&f.authors[1], Name::Person { family, suffix, .. } if family == "Wilson" && suffix == "Jr.")
        );
    }

    #[test]
    fn names_without_commas_and_corporate() {
        assert_eq!(
            apa_names("Lee, M. & Lin, D.").0,
            [Name::person("Lee", "M."), Name::person("Lin", "D.")]
        );
        assert_eq!(
            apa_names("Xu, X., Li, Y., & Liang S.").0[2],
            Name::person("Liang", "S.")
        );
        assert_eq!(
            apa_names("People's Bank of China.").0,
            [Name::Literal("People's Bank of China".into())]
        );
        assert_eq!(apa_names("Zhao, Y. Z.").0, [Name::person("Zhao", "Y. Z.")]);
    }
}
