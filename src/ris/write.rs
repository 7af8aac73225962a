//! RIS output: the tag table of [`super::tags`] read in reverse.
//!
//! Each record is `TY  - TYPE` … `ER  - `, one `TAG  - value` line each, LF
//! line endings (every RIS reader we know accepts them; the 2011 spec's CRLF is
//! not required by Zotero, EndNote or Mendeley), UTF-8 without a BOM.
//!
//! The type is the first row of [`TYPES`] with the entry's type (and
//! `entrysubtype`). A field is written under the first tag whose row, for that
//! type's class, is the row our reader applies and puts the value in that
//! field ([`tag_for`]): so reading the output back gives the same fields.
//! Names are written `Family, Given` (`von Family, Given, Jr.`), dates
//! `YYYY/MM/DD/` (`DA`, with the year in `PY`), page ranges as `SP`/`EP`,
//! keywords one `KW` line each; extra data kept from a RIS source (tags such
//! as `AN` or `DB`) is written back under its own tag.
//!
//! What RIS cannot carry (see `tests/exports.rs`): the subtitle (joined to
//! the title as `Title: Subtitle`), case-protection braces and
//! TeX formatting commands (values are written as plain text), `and others`,
//! a person with only a family name (read back as a corporate name), entry
//! types without a RIS type (written as `GEN`, read back as `@misc`), fields
//! without a tag for the entry's class, and dates that are not a single
//! `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (ranges, uncertain dates: only the year).

use super::tags::{Class, RisType, TAGS, TYPES, Target, rule_for};
use crate::model::{Date, Entry, FieldKind, Name, Value, field_kind};
use crate::tex;

/// Writes entries as RIS records in the order given.
pub fn to_ris_string(entries: &[Entry]) -> String {
    let mut out = String::with_capacity(entries.len() * 512);
    for entry in entries {
        write_record(entry, &mut out);
        out.push('\n');
    }
    out
}

/// The RIS type of an entry: a `TY` kept as extra data (an unknown type read
/// from RIS), else the first table row with the entry's type and subtype.
fn ris_type(entry: &Entry) -> (String, Class, Option<&'static RisType>) {
    if let Some(extra) = entry.extra.iter().find(|extra| extra.tag == "TY") {
        return (extra.value.clone(), Class::Other, None);
    }
    let subtype = entry.text("entrysubtype");
    let in_press = entry.text("pubstate") == Some("inpress");
    // Types our reader refines from a table type by content (see `defaults`).
    let entry_type = match entry.entry_type.as_str() {
        "incollection" => "inbook",
        "mvbook" => "book",
        "periodical" => {
            return ("SER".into(), Class::Book, TYPES.iter().find(|t| t.ty == "SER"));
        }
        other => other,
    };
    let rows = || TYPES.iter().filter(|row| row.entry_type == entry_type);
    let found = rows()
        .find(|row| row.subtype.is_some() && row.subtype == subtype)
        .or_else(|| {
            rows().find(|row| row.subtype.is_none() && (row.ty == "INPR") == in_press)
        })
        .or_else(|| rows().next());
    match found {
        Some(row) => (row.ty.to_string(), row.class, Some(row)),
        None => ("GEN".into(), Class::Generic, None),
    }
}

/// The tag a field is written under for `class`: the first row of the table
/// that our reader applies to that tag in that class and that fills `field`
/// (a secondary-title row before a plain one: `T2`, not `BT`, names a
/// chapter's book, as every exporter writes it).
pub fn tag_for(field: &str, class: Class) -> Option<&'static str> {
    let rows: Vec<_> = TAGS
        .iter()
        .filter(|row| row.classes.is_empty() || row.classes.contains(&class))
        .filter(|row| {
            rule_for(row.tag, class).is_some_and(|winner| std::ptr::eq(winner, *row))
        })
        .filter(|row| fills(row.target, field, class))
        .collect();
    rows.iter()
        .find(|row| matches!(row.target, Target::SecondaryTitle(_)))
        .or(rows.first())
        .map(|row| row.tag)
}

/// Whether a row's target puts its value in `field` (for `class`).
fn fills(target: Target, field: &str, class: Class) -> bool {
    let journal_like = matches!(class, Class::Journal | Class::Magazine | Class::News);
    match target {
        Target::Names(name) | Target::Text(name) | Target::List(name) => name == field,
        Target::SecondaryTitle(name) => name == field,
        Target::Title(_) => field == "title",
        Target::TranslatedTitle => field == "titleaddon",
        Target::JournalFull => match class {
            Class::Chapter | Class::Conference => field == "booktitle",
            _ => field == "journaltitle",
        },
        Target::JournalAbbrev => journal_like && field == "shortjournal",
        Target::UrlDate => field == "urldate",
        Target::PageTotal => field == "pagetotal",
        Target::Number => field == "number",
        Target::Serial => field == "issn" || field == "isbn",
        Target::Doi => field == "doi",
        Target::Url => field == "url",
        Target::Abstract => field == "abstract",
        Target::Note => field == "annotation",
        Target::WorkType => field == "type",
        // Written by their own code below: dates, pages, keywords.
        Target::Date(_)
        | Target::StartPage
        | Target::EndPage
        | Target::Keyword
        | Target::ProceedingsTitle
        | Target::JournalName
        | Target::MiscNumber
        | Target::Extra => false,
    }
}

/// Appends one record.
pub fn write_record(entry: &Entry, out: &mut String) {
    let (ty, class, row) = ris_type(entry);
    line(out, "TY", &ty);
    let has_event = class == Class::Conference && entry.text("eventtitle").is_some();
    for (name, field) in &entry.fields {
        let name = name.as_str();
        match (name, &field.value) {
            // Implied by the type.
            ("entrysubtype", _) if row.is_some_and(|r| r.subtype.is_some()) => continue,
            ("pubstate", Value::Text(state)) if ty == "INPR" && state == "inpress" => {
                continue;
            }
            ("editoratype", Value::Text(kind))
                if kind == "redactor" && entry.names("editora").is_some() =>
            {
                continue;
            }
            ("date", Value::Text(date)) => {
                write_date(out, date);
                continue;
            }
            ("urldate", Value::Text(date)) => {
                if let Some(ris) = ris_date(date) {
                    line(out, "Y2", &ris);
                }
                continue;
            }
            ("pages", Value::Text(pages))
                if rule_for("SP", class)
                    .is_some_and(|r| r.target == Target::StartPage) =>
            {
                let plain = tex::to_plain(pages, true);
                match plain.split_once("--") {
                    Some((start, end)) if !start.contains(',') && !end.contains(',') => {
                        line(out, "SP", start.trim());
                        line(out, "EP", end.trim());
                    }
                    _ => line(out, "SP", &plain),
                }
                continue;
            }
            ("keywords", Value::Text(keywords)) => {
                for keyword in tex::to_plain(keywords, true).split(", ") {
                    line(out, "KW", keyword);
                }
                continue;
            }
            ("booktitle", Value::Text(title)) if has_event => {
                line(out, "C3", &tex::to_plain(title, true));
                continue;
            }
            ("eventtitle", Value::Text(title)) if has_event => {
                line(out, "T2", &tex::to_plain(title, true));
                continue;
            }
            // RIS has no subtitle tag: `TI  - Title: Subtitle`, as reference
            // managers write it.
            ("title", Value::Text(title)) => {
                let mut plain = tex::to_plain(title, true);
                if let Some(subtitle) = entry.text("subtitle") {
                    let separator =
                        if plain.ends_with(['?', '!', ':', '.']) { " " } else { ": " };
                    plain =
                        format!("{plain}{separator}{}", tex::to_plain(subtitle, true));
                }
                line(out, "TI", &plain);
                continue;
            }
            _ => {}
        }
        let Some(tag) = tag_for(name, class) else {
            continue;
        };
        match &field.value {
            Value::Names(names) => {
                for name in names {
                    if let Some(written) = write_name(name) {
                        line(out, tag, &written);
                    }
                }
            }
            Value::Text(text) => {
                let plain = match field_kind(name) {
                    FieldKind::Verbatim | FieldKind::Date => text.clone(),
                    _ => tex::to_plain(text, true),
                };
                line(out, tag, &plain);
            }
        }
    }
    for extra in &entry.extra {
        let is_ris_tag = extra.tag.len() == 2
            && extra.tag.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && extra.tag != "TY"
            && extra.tag != "ER";
        if is_ris_tag {
            line(out, &extra.tag, &extra.value);
        }
    }
    out.push_str("ER  - \n");
}

/// `TAG  - value`; line breaks inside the value become continuation lines.
fn line(out: &mut String, tag: &str, value: &str) {
    out.push_str(tag);
    out.push_str("  - ");
    out.push_str(value.trim());
    out.push('\n');
}

/// `Family, Given`, with the particle before the family name and the suffix
/// last (`van der Berg, Anna, Jr.`); corporate names as they are.
fn write_name(name: &Name) -> Option<String> {
    match name {
        Name::Person { family, given, prefix, suffix } => {
            let mut out = String::new();
            if !prefix.is_empty() {
                out.push_str(&tex::to_plain(prefix, true));
                out.push(' ');
            }
            out.push_str(&tex::to_plain(family, true));
            if !given.is_empty() || !suffix.is_empty() {
                out.push_str(", ");
                out.push_str(&tex::to_plain(given, true));
            }
            if !suffix.is_empty() {
                out.push_str(", ");
                out.push_str(&tex::to_plain(suffix, true));
            }
            Some(out)
        }
        Name::Literal(literal) => Some(tex::to_plain(literal, true)),
        Name::Others => None,
    }
}

/// `PY  - YYYY`, plus `DA  - YYYY/MM/DD/` when the date has a month.
fn write_date(out: &mut String, date: &str) {
    let Ok(parsed) = Date::parse(date) else {
        return;
    };
    let Some(year) = parsed.year() else {
        return;
    };
    line(out, "PY", &format!("{year:04}"));
    if let Some(ris) = ris_date(date).filter(|_| date.len() > 4) {
        line(out, "DA", &ris);
    }
}

/// `2019-07-15` → `2019/07/15/`, `2019-07` → `2019/07//`, `2019` → `2019///`;
/// `None` for anything else (ranges, uncertain or negative dates).
fn ris_date(date: &str) -> Option<String> {
    let parts: Vec<&str> = date.split('-').collect();
    let all_digits = |part: &&str| part.bytes().all(|b| b.is_ascii_digit());
    if !parts.iter().all(all_digits) {
        return None;
    }
    match parts.as_slice() {
        [year] if year.len() == 4 => Some(format!("{year}///")),
        [year, month] if year.len() == 4 && month.len() == 2 => {
            Some(format!("{year}/{month}//"))
        }
        [year, month, day] if year.len() == 4 && month.len() == 2 && day.len() == 2 => {
            Some(format!("{year}/{month}/{day}/"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_come_from_the_table_in_reverse() {
        assert_eq!(tag_for("author", Class::Journal), Some("AU"));
        assert_eq!(tag_for("editor", Class::Chapter), Some("A2"));
        assert_eq!(tag_for("editora", Class::Book), Some("A2"));
        assert_eq!(tag_for("journaltitle", Class::Journal), Some("T2"));
        assert_eq!(tag_for("booktitle", Class::Chapter), Some("T2"));
        assert_eq!(tag_for("institution", Class::Thesis), Some("PB"));
        assert_eq!(tag_for("number", Class::Report), Some("VL"));
        assert_eq!(tag_for("number", Class::Journal), Some("IS"));
        assert_eq!(tag_for("pagetotal", Class::Book), Some("SP"));
        assert_eq!(tag_for("issn", Class::Journal), Some("SN"));
        // No RIS tag carries these in these classes.
        assert_eq!(tag_for("edition", Class::Journal), None);
        assert_eq!(tag_for("translator", Class::Conference), None);
    }

    #[test]
    fn one_article() {
        let mut entry = Entry::new("chong2019cashless", "article");
        entry.set(
            "author",
            Value::Names(vec![
                Name::person("Chong", "Pak Lei Gladys"),
                Name::Person {
                    family: "Berg".into(),
                    given: "Anna".into(),
                    prefix: "van der".into(),
                    suffix: "Jr.".into(),
                },
            ]),
            None,
        );
        entry.set_text("title", "Cashless {China}", None);
        entry.set_text("journaltitle", "Big Data \\& Society", None);
        entry.set_text("pages", "290--307", None);
        entry.set_text("date", "2019-07", None);
        entry.set_text("doi", "10.1080/17544750.2019.1583261", None);
        entry.set_text("keywords", "Alipay, credit", None);
        entry.extra.push(crate::model::Extra {
            tag: "AN".into(),
            value: "12345".into(),
            source: 0,
            line: 3,
        });
        let expected = "TY  - JOUR
AU  - Chong, Pak Lei Gladys
AU  - van der Berg, Anna, Jr.
TI  - Cashless China
T2  - Big Data & Society
SP  - 290
EP  - 307
PY  - 2019
DA  - 2019/07//
DO  - 10.1080/17544750.2019.1583261
KW  - Alipay
KW  - credit
AN  - 12345
ER  - 
";
        let mut out = String::new();
        write_record(&entry, &mut out);
        assert_eq!(out, expected);
    }
}
