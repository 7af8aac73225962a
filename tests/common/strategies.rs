//! Proptest strategies for model entries, shared by the round-trip and
//! biber tests. What they generate is the supported subset documented in
//! tests/roundtrip.rs.

#![allow(dead_code)]

use biblink::model::{Date, Entry, Name, Value};
use biblink::tex;
use proptest::prelude::*;

/// Any Unicode text, from printable words to control characters, with TeX
/// specials and math-like spans over-represented.
pub fn plain_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "\\PC{0,30}",
        1 => any::<String>(),
        3 => "[a-zA-Z0-9 \\\\{}$%&#_~^\"'@,=.:;()\\-–—]{0,30}",
        1 => "[A-Za-z ]{0,8}\\$[a-z\\\\^_{} ]{1,8}\\$[A-Za-z ]{0,8}",
        2 => "[A-Z][a-zäöüéèçñøåß]{1,10}( [a-z]{1,8}){0,4}",
    ]
}

pub fn literal() -> impl Strategy<Value = String> {
    plain_text().prop_map(|plain| tex::escape(&plain))
}

/// A name part: real-looking words or escaped arbitrary text.
fn name_part() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "Smith", "Müller", "O'Brien", "Nguyễn", "Lloyd Webber", "Dvořák", "Jean-Luc",
            "Pak Lei Gladys", "J. R. R.", "Østergaard", "Erdős", "Maria", "dos Santos",
            "Anna {and} Bob", "{Ch}ristopher", "{NASA}",
        ])
        .prop_map(str::to_string),
        2 => "[A-Z][a-zéü]{1,9}",
        1 => literal(),
    ]
}

fn person() -> impl Strategy<Value = Name> {
    let prefix =
        prop::sample::select(vec!["", "", "", "von", "van der", "de la", "da", "di"]);
    let suffix = prop::sample::select(vec!["", "", "", "Jr.", "Sr.", "III"]);
    let given = prop_oneof![1 => Just(String::new()), 4 => name_part()];
    (name_part(), given, prefix, suffix)
        .prop_filter("a person has a family name", |(family, ..)| !family.is_empty())
        .prop_map(|(family, given, prefix, suffix)| Name::Person {
            family,
            given,
            prefix: prefix.to_string(),
            suffix: suffix.to_string(),
        })
}

fn corporate() -> impl Strategy<Value = Name> {
    prop_oneof![
        prop::sample::select(vec![
            "People's Bank of China",
            "Barnes and Noble",
            "IT for Change",
            "World Bank, Inc.",
            "{Xinhua} News Agency",
        ])
        .prop_map(|name| Name::Literal(name.to_string())),
        literal()
            .prop_filter("a corporate name is not empty", |name| !name.is_empty())
            .prop_map(Name::Literal),
    ]
}

pub fn names() -> impl Strategy<Value = Vec<Name>> {
    (
        prop::collection::vec(prop_oneof![4 => person(), 1 => corporate()], 1..5),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(mut names, others)| {
            if others {
                names.push(Name::Others);
            }
            names
        })
}

/// EDTF level 1: days, months, seasons, ranges, open ranges, qualifiers, `X`.
fn date() -> impl Strategy<Value = String> {
    let single =
        (1000i32..2100, prop::option::of(1u32..=12), prop::option::of(1u32..=31))
            .prop_filter_map("a real day", |(year, month, day)| {
                let day = month.and(day);
                Date::from_parts(year, month, day).ok().map(|date| date.to_string())
            });
    let qualifier = prop::sample::select(vec!["", "", "", "?", "~", "%"]);
    prop_oneof![
        4 => (single.clone(), qualifier).prop_map(|(date, q)| format!("{date}{q}")),
        2 => (single.clone(), single.clone()).prop_map(|(a, b)| format!("{a}/{b}")),
        1 => single.clone().prop_map(|date| format!("{date}/")),
        1 => single.prop_map(|date| format!("/{date}")),
        1 => (100u32..210).prop_map(|decade| format!("{decade}X")),
        1 => (1000i32..2100, 21u32..=24).prop_map(|(year, season)| format!("{year}-{season}")),
    ]
    .prop_filter("valid EDTF", |text| Date::parse(text).is_ok())
}

fn pages() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..2000, 0u32..200)
            .prop_map(|(start, len)| format!("{start}--{}", start + len)),
        (1u32..2000).prop_map(|page| page.to_string()),
        "[eB][0-9]{2,5}",
        (1u32..50, 1u32..50).prop_map(|(a, b)| format!("{a}--{}, {b}--{}", a + 1, b + 2)),
    ]
}

fn doi() -> impl Strategy<Value = String> {
    "10\\.[0-9]{4,5}/[A-Za-z0-9.()<>;:_%~#/-]{1,25}"
}

fn url() -> impl Strategy<Value = String> {
    "https?://[a-z]{2,10}\\.(org|com|cn)(/[A-Za-z0-9._~%+-]{0,12}){0,3}(\\?[a-z]{1,5}=[A-Za-z0-9%_~]{1,8}(&[a-z]{1,4}=[0-9]{1,3})?)?(#[A-Za-z0-9_-]{1,8})?"
}

const LITERAL_FIELDS: &[&str] = &[
    "title",
    "subtitle",
    "journaltitle",
    "booktitle",
    "publisher",
    "location",
    "institution",
    "series",
    "volume",
    "number",
    "note",
    "keywords",
    "abstract",
];

const TYPES: &[&str] = &[
    "article",
    "book",
    "incollection",
    "inproceedings",
    "online",
    "report",
    "thesis",
    "misc",
    "legislation",
    "standard",
    "dataset",
];

pub fn entry(idx: usize) -> impl Strategy<Value = Entry> {
    let literals = prop::collection::vec(
        (prop::sample::select(LITERAL_FIELDS), literal()),
        0..LITERAL_FIELDS.len(),
    );
    (
        prop::sample::select(TYPES),
        "[a-z][a-z0-9_:.-]{0,12}",
        prop::option::of(names()),
        prop::option::of(names()),
        prop::option::of(names()),
        literals,
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(pages()),
        prop::option::of(doi()),
        prop::option::of(url()),
    )
        .prop_map(
            move |(
                entry_type,
                key,
                author,
                editor,
                translator,
                literals,
                date,
                urldate,
                pages,
                doi,
                url,
            )| {
                let mut entry = Entry::new(format!("{key}{idx}"), entry_type);
                for (field, names) in
                    [("author", author), ("editor", editor), ("translator", translator)]
                {
                    if let Some(names) = names {
                        entry.set(field, Value::Names(names), None);
                    }
                }
                for (field, text) in literals {
                    entry.set_text(field, text, None);
                }
                let raw = [
                    ("date", date),
                    ("urldate", urldate),
                    ("pages", pages),
                    ("doi", doi),
                    ("url", url),
                ];
                for (field, text) in raw {
                    if let Some(text) = text {
                        entry.set_text(field, text, None);
                    }
                }
                entry.sort_fields();
                entry
            },
        )
}

pub fn entries() -> impl Strategy<Value = Vec<Entry>> {
    (1usize..5).prop_flat_map(|count| (0..count).map(entry).collect::<Vec<_>>())
}
