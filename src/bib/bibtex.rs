//! Legacy BibTeX output (`biblink export --format bibtex`), for natbib and
//! `bibtex` users whose styles know the BibTeX fields only.
//!
//! From the store's BibLaTeX: `journal` (journaltitle), `year` and `month`
//! (from `date`; the month as BibTeX's three-letter macro, unbraced), `number`
//! (number, else issue), `address` (location), `school` (a thesis's
//! institution), `@phdthesis`/`@mastersthesis` (thesis by its type),
//! `@techreport` (report), `@online` as `@misc` with `howpublished =
//! {\url{…}}`, the access date (`urldate`) in `note`, subtitles joined to their
//! titles. Names in BibTeX's `von Last, Jr, First` form. The output is ASCII:
//! accented letters become TeX accent macros in braces (`{\'e}`), dashes `--`
//! and `---`, typographic quotes `` ` `` and `'`; any other character is
//! transliterated (deunicode). Fields BibTeX styles do not know are left out,
//! except a few that natbib styles print when present (doi, url, isbn, issn,
//! eprint, keywords).

use unicode_normalization::UnicodeNormalization;

use crate::model::{Date, Entry, Name};
use crate::tex;

use super::read::MONTHS;
use super::write::NAME_WIDTH;

/// Writes entries as BibTeX in the order given.
pub fn to_bibtex_string(entries: &[Entry]) -> String {
    super::write::join_entries(entries, write_bibtex_entry)
}

/// The BibTeX entry type for an entry.
fn bibtex_type(entry: &Entry) -> &'static str {
    let kind = entry.text("type").unwrap_or_default();
    match entry.entry_type.as_str() {
        "article" => "article",
        "book" | "mvbook" | "collection" | "mvcollection" | "reference" => "book",
        "inbook" | "bookinbook" => "inbook",
        "incollection" | "inreference" => "incollection",
        "inproceedings" => "inproceedings",
        "proceedings" | "mvproceedings" => "proceedings",
        "thesis" if kind == "mathesis" => "mastersthesis",
        "thesis" => "phdthesis",
        "report" => "techreport",
        "manual" => "manual",
        "booklet" => "booklet",
        "unpublished" => "unpublished",
        _ => "misc",
    }
}

/// Appends one entry.
pub fn write_bibtex_entry(entry: &Entry, out: &mut String) {
    let ty = bibtex_type(entry);
    let mut fields: Vec<(&str, String)> = Vec::new();
    let text = |name: &str| entry.text(name).filter(|t| !t.is_empty());
    let joined = |main: &str, sub: &str| -> Option<String> {
        let title = text(main)?;
        Some(match text(sub) {
            Some(subtitle) if title.trim_end().ends_with(['?', '!', ':', '.']) => {
                format!("{title} {subtitle}")
            }
            Some(subtitle) => format!("{title}: {subtitle}"),
            None => title.to_string(),
        })
    };
    for role in ["author", "editor"] {
        if let Some(names) = entry.names(role) {
            fields.push((role, bibtex_names(names)));
        }
    }
    if let Some(title) = joined("title", "subtitle") {
        fields.push(("title", title));
    }
    if let Some(book) = joined("booktitle", "booksubtitle") {
        fields.push(("booktitle", book));
    }
    if let Some(journal) = text("journaltitle") {
        let journal = match text("journalsubtitle") {
            Some(sub) => format!("{journal}: {sub}"),
            None => journal.to_string(),
        };
        fields.push(("journal", journal));
    }
    let date = text("date").and_then(|d| Date::parse(d).ok());
    if let Some(year) = date.as_ref().and_then(Date::year) {
        fields.push(("year", format!("{year}")));
    } else if let Some(year) = text("year") {
        fields.push(("year", year.to_string()));
    }
    let month = text("date")
        .and_then(|d| d.split('/').next())
        .and_then(|d| d.split('-').nth(1))
        .and_then(|m| m.parse::<usize>().ok())
        .filter(|m| (1..=12).contains(m));
    for name in ["volume", "number"] {
        if let Some(value) = text(name) {
            fields.push((name, value.to_string()));
        }
    }
    if text("number").is_none()
        && let Some(issue) = text("issue")
    {
        fields.push(("number", issue.to_string()));
    }
    if let Some(pages) = text("pages") {
        fields.push(("pages", super::normalise_range(pages)));
    }
    if let Some(chapter) = text("chapter") {
        fields.push(("chapter", chapter.to_string()));
    }
    for name in ["edition", "series"] {
        if let Some(value) = text(name) {
            fields.push((name, value.to_string()));
        }
    }
    match ty {
        "phdthesis" | "mastersthesis" => {
            if let Some(school) = text("institution").or(text("school")) {
                fields.push(("school", school.to_string()));
            }
            let kind = text("type").unwrap_or_default();
            if !matches!(kind, "phdthesis" | "mathesis" | "") {
                fields.push(("type", kind.to_string()));
            }
        }
        "techreport" => {
            if let Some(institution) = text("institution").or(text("organization")) {
                fields.push(("institution", institution.to_string()));
            }
            let kind = text("type").unwrap_or_default();
            if !matches!(kind, "techreport" | "") {
                fields.push(("type", kind.to_string()));
            }
        }
        _ => {
            if let Some(organization) = text("organization") {
                fields.push(("organization", organization.to_string()));
            }
            if let Some(institution) = text("institution") {
                fields.push(("institution", institution.to_string()));
            }
        }
    }
    if let Some(publisher) = text("publisher") {
        fields.push(("publisher", publisher.to_string()));
    }
    if let Some(location) = text("location").or(text("address")) {
        fields.push(("address", location.to_string()));
    }
    let url = text("url");
    if ty == "misc"
        && let Some(url) = url
    {
        fields.push(("howpublished", format!("\\url{{{}}}", url_ascii(url))));
    } else if let Some(howpublished) = text("howpublished") {
        fields.push(("howpublished", howpublished.to_string()));
    }
    let mut notes: Vec<String> = text("note").map(str::to_string).into_iter().collect();
    if let Some(urldate) = text("urldate") {
        notes.push(format!("Accessed {urldate}"));
    }
    if !notes.is_empty() {
        fields.push(("note", notes.join(". ")));
    }
    for name in ["isbn", "issn", "eprint", "keywords"] {
        if let Some(value) = text(name) {
            fields.push((name, value.to_string()));
        }
    }
    if let Some(doi) = text("doi") {
        fields.push(("doi", url_ascii(doi)));
    }
    if let Some(url) = url {
        fields.push(("url", url_ascii(url)));
    }

    out.push('@');
    out.push_str(ty);
    out.push('{');
    out.push_str(&deunicode::deunicode(&entry.key));
    out.push_str(",\n");
    let mut push = |name: &str, value: Option<&str>, macro_value: Option<&str>| {
        out.push_str("  ");
        out.push_str(name);
        for _ in name.len()..NAME_WIDTH {
            out.push(' ');
        }
        out.push_str(" = ");
        if let Some(value) = value {
            out.push('{');
            out.push_str(&tex::balance_braces(&tex::collapsed_whitespace(value)));
            out.push('}');
        }
        if let Some(macro_value) = macro_value {
            out.push_str(macro_value);
        }
        out.push_str(",\n");
    };
    for (name, value) in &fields {
        let value = if matches!(*name, "url" | "doi" | "howpublished") && value.is_ascii()
        {
            value.clone()
        } else {
            ascii_tex(value)
        };
        push(name, Some(&value), None);
        if *name == "year"
            && let Some(month) = month
        {
            push("month", None, Some(MONTHS[month - 1]));
        }
    }
    out.push_str("}\n");
}

/// Names in BibTeX's `von Last, Jr, First` form, joined with `and`;
/// corporate names braced so that BibTeX does not split them.
fn bibtex_names(names: &[Name]) -> String {
    let mut parts = Vec::with_capacity(names.len());
    for name in names {
        parts.push(match name {
            Name::Others => "others".to_string(),
            Name::Literal(literal) => format!("{{{literal}}}"),
            Name::Person { family, given, prefix, suffix } => {
                let mut out = String::new();
                if !prefix.is_empty() {
                    out.push_str(prefix);
                    out.push(' ');
                }
                // A family name with a comma or an `and` must be one unit.
                if family.contains(',') || family.split_whitespace().any(|w| w == "and") {
                    out.push_str(&format!("{{{family}}}"));
                } else {
                    out.push_str(family);
                }
                if !suffix.is_empty() {
                    out.push_str(", ");
                    out.push_str(suffix);
                }
                if !given.is_empty() {
                    out.push_str(", ");
                    out.push_str(given);
                }
                out
            }
        });
    }
    parts.join(" and ")
}

/// A URL or DOI in ASCII: other characters percent-encoded (UTF-8).
fn url_ascii(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// A value in BibLaTeX source form made ASCII: accented letters as braced TeX
/// accent macros (`{\'e}`, `{\c{c}}`, `{\"\i}`), letters with their own macros
/// (`{\ss}`, `{\o}`), dashes as `--`/`---`, quotes as TeX quotes; anything else
/// transliterated.
pub fn ascii_tex(value: &str) -> String {
    if value.is_ascii() {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 16);
    for c in value.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        if let Some(symbol) = symbol(c) {
            out.push_str(symbol);
            continue;
        }
        let decomposed: Vec<char> = c.to_string().nfd().collect();
        if let [base, marks @ ..] = decomposed.as_slice()
            && base.is_ascii_alphabetic()
            && !marks.is_empty()
            && let Some(accented) = accent_macros(*base, marks)
        {
            out.push_str(&accented);
            continue;
        }
        out.push_str(deunicode::deunicode_char(c).unwrap_or("?"));
    }
    out
}

/// `{\'e}` for `e` + U+0301 and so on; `None` for an accent without a macro.
fn accent_macros(base: char, marks: &[char]) -> Option<String> {
    let mut inner = match base {
        'i' => "\\i".to_string(),
        'j' => "\\j".to_string(),
        other => other.to_string(),
    };
    for mark in marks {
        let command = match mark {
            '\u{300}' => "`",
            '\u{301}' => "'",
            '\u{302}' => "^",
            '\u{303}' => "~",
            '\u{304}' => "=",
            '\u{306}' => "u",
            '\u{307}' => ".",
            '\u{308}' => "\"",
            '\u{30A}' => "r",
            '\u{30B}' => "H",
            '\u{30C}' => "v",
            '\u{323}' => "d",
            '\u{327}' => "c",
            '\u{328}' => "k",
            _ => return None,
        };
        inner = if command.chars().all(|c| c.is_ascii_alphabetic()) {
            format!("\\{command}{{{inner}}}")
        } else if inner.len() == 1 {
            format!("\\{command}{inner}")
        } else {
            format!("\\{command}{{{inner}}}")
        };
    }
    Some(format!("{{{inner}}}"))
}

/// Characters with a TeX form of their own.
fn symbol(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "{\\ss}",
        'æ' => "{\\ae}",
        'Æ' => "{\\AE}",
        'œ' => "{\\oe}",
        'Œ' => "{\\OE}",
        'ø' => "{\\o}",
        'Ø' => "{\\O}",
        'ł' => "{\\l}",
        'Ł' => "{\\L}",
        'ı' => "{\\i}",
        'å' => "{\\aa}",
        'Å' => "{\\AA}",
        '–' => "--",
        '—' => "---",
        '‘' => "`",
        '’' => "'",
        '“' => "``",
        '”' => "''",
        '\u{a0}' => "~",
        '…' => "\\ldots{}",
        '§' => "{\\S}",
        '©' => "{\\copyright}",
        '£' => "{\\pounds}",
        '€' => "EUR",
        '°' => "{\\textdegree}",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Value;

    #[test]
    fn accents_become_macros() {
        assert_eq!(ascii_tex("Alipay’s café—Zoë"), "Alipay's caf{\\'e}---Zo{\\\"e}");
        assert_eq!(
            ascii_tex("Ünal, Çelik, Dvořák, ï"),
            "{\\\"U}nal, {\\c{C}}elik, Dvo{\\v{r}}{\\'a}k, {\\\"{\\i}}"
        );
        assert_eq!(ascii_tex("Straße, Øre"), "Stra{\\ss}e, {\\O}re");
    }

    #[test]
    fn one_article_in_bibtex() {
        let mut entry = Entry::new("chong2019cashless", "article");
        entry.set(
            "author",
            Value::Names(vec![Name::person("Chong", "Pak Lei Gladys")]),
            None,
        );
        entry.set_text("title", "Cashless China", None);
        entry.set_text("subtitle", "Alipay’s credit", None);
        entry.set_text("journaltitle", "Chinese Journal of Communication", None);
        entry.set_text("volume", "12", None);
        entry.set_text("number", "3", None);
        entry.set_text("pages", "290--307", None);
        entry.set_text("date", "2019-07", None);
        entry.set_text("location", "Zürich", None);
        let mut out = String::new();
        write_bibtex_entry(&entry, &mut out);
        assert_eq!(
            out,
            "@article{chong2019cashless,
  author       = {Chong, Pak Lei Gladys},
  title        = {Cashless China: Alipay's credit},
  journal      = {Chinese Journal of Communication},
  year         = {2019},
  month        = jul,
  volume       = {12},
  number       = {3},
  pages        = {290--307},
  address      = {Z{\\\"u}rich},
}
"
        );
    }

    #[test]
    fn online_thesis_report() {
        let mut online = Entry::new("a", "online");
        online.set_text("title", "Page", None);
        online.set_text("url", "https://example.org/x", None);
        online.set_text("urldate", "2020-01-02", None);
        let mut out = String::new();
        write_bibtex_entry(&online, &mut out);
        assert!(out.starts_with("@misc{a,"), "{out}");
        assert!(out.contains("howpublished = {\\url{https://example.org/x}},"), "{out}");
        assert!(out.contains("note         = {Accessed 2020-01-02},"), "{out}");
        let mut thesis = Entry::new("b", "thesis");
        thesis.set_text("type", "mathesis", None);
        thesis.set_text("institution", "MIT", None);
        let mut out = String::new();
        write_bibtex_entry(&thesis, &mut out);
        assert!(
            out.starts_with("@mastersthesis{b,") && out.contains("school       = {MIT}"),
            "{out}"
        );
        let report = Entry::new("c", "report");
        let mut out = String::new();
        write_bibtex_entry(&report, &mut out);
        assert!(out.starts_with("@techreport{c,"), "{out}");
    }
}
