//! Entries → CSL-JSON.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::table::{self, Kind};
use super::{CUSTOM_KEY, date, text};
use crate::model::{Entry, Name, Value};
use crate::tex;

/// The entries as a CSL-JSON array (pretty-printed, keys sorted, a final
/// newline).
pub fn to_csl_json(entries: &[Entry]) -> String {
    let array = Json::Array(entries.iter().map(to_csl_value).collect());
    serde_json::to_string_pretty(&array).unwrap_or_default() + "\n"
}

/// One entry as a CSL-JSON item.
pub fn to_csl_value(entry: &Entry) -> Json {
    let mut item: BTreeMap<String, Json> = BTreeMap::new();
    let mut custom_fields: BTreeMap<String, Json> = BTreeMap::new();
    let mut custom_type = None;
    let mut others = Vec::new();
    // Fields whose rich text would not read back as written (literal
    // dollars that look like math), kept in source form.
    let mut custom_source: BTreeMap<String, Json> = BTreeMap::new();

    item.insert("id".into(), Json::String(entry.key.clone()));
    let row = table::type_for_entry(
        &entry.entry_type,
        entry.text("entrysubtype"),
        entry.text("pubstate"),
    );
    let row = match row {
        Some(row) => row,
        None => {
            custom_type = Some(entry.entry_type.clone());
            table::type_for_entry("misc", None, None).unwrap_or(&table::TYPES[0])
        }
    };
    item.insert("type".into(), Json::String(row.csl.into()));

    for (name, field) in &entry.fields {
        let name = name.as_str();
        // CSL has no empty variables: an empty value is not written.
        if field.value == Value::Text(String::new()) {
            continue;
        }
        let consumed_by_type = (name == "entrysubtype" && row.entrysubtype.is_some())
            || (name == "pubstate" && row.pubstate.is_some());
        if consumed_by_type
            || (matches!(name, "subtitle" | "titleaddon") && has_title(entry))
        {
            if !consumed_by_type {
                custom_fields.insert(name.into(), custom_value(&field.value));
            }
            continue;
        }
        let variable = table::VARIABLES
            .iter()
            .find(|variable| variable.field == name && table::applies(variable, row))
            .filter(|variable| !item.contains_key(variable.csl));
        let written = variable.and_then(|variable| {
            let value = match (&field.value, variable.kind) {
                (Value::Names(names), Kind::Names) => {
                    if names.last() == Some(&Name::Others) {
                        others.push(Json::String(name.into()));
                    }
                    let list: Vec<Json> = names.iter().filter_map(name_json).collect();
                    (!list.is_empty()).then_some(Json::Array(list))
                }
                (Value::Text(value), Kind::Text) if name == "title" => {
                    Some(Json::String(text::to_rich(&full_title(entry, value))))
                }
                (Value::Text(value), Kind::Text) if name == "type" => {
                    Some(Json::String(genre_of(value)))
                }
                (Value::Text(value), Kind::Text) => {
                    Some(Json::String(text::to_rich(value)))
                }
                (Value::Text(value), Kind::Verbatim) => Some(Json::String(value.clone())),
                (Value::Text(value), Kind::Date) => Some(date::to_csl(value)),
                (Value::Text(value), Kind::Pages) => {
                    Some(Json::String(tex::to_plain(value, true).replace("--", "-")))
                }
                (Value::Text(value), Kind::Language) => {
                    table::code_for_langid(value).map(|code| Json::String(code.into()))
                }
                _ => None,
            }?;
            Some((variable.csl, value))
        });
        match written {
            Some((csl, value)) => {
                if misread(entry, name, &field.value) {
                    let source = match &field.value {
                        Value::Text(text) => text.clone(),
                        Value::Names(names) => crate::bib::names::write_names(names),
                    };
                    custom_source.insert(name.into(), Json::String(source));
                }
                item.insert(csl.into(), value);
            }
            None => {
                custom_fields.insert(name.into(), custom_value(&field.value));
            }
        }
    }

    let mut custom = Map::new();
    if !custom_fields.is_empty() {
        custom.insert("fields".into(), Json::Object(custom_fields.into_iter().collect()));
    }
    if !others.is_empty() {
        custom.insert("others".into(), Json::Array(others));
    }
    if !custom_source.is_empty() {
        custom.insert("source".into(), Json::Object(custom_source.into_iter().collect()));
    }
    if let Some(entry_type) = custom_type {
        custom.insert("type".into(), Json::String(entry_type));
    }
    if !custom.is_empty() {
        let mut wrapper = Map::new();
        wrapper.insert(CUSTOM_KEY.into(), Json::Object(custom));
        item.insert("custom".into(), Json::Object(wrapper));
    }
    Json::Object(item.into_iter().collect())
}

/// The genre of a thesis or report type: biblatex's localisation keys
/// spelled out, anything else as written.
pub(crate) fn genre_of(source: &str) -> String {
    match GENRES.iter().find(|(key, _)| *key == source) {
        Some((_, genre)) => (*genre).to_string(),
        None => text::to_rich(source),
    }
}

/// biblatex's localisation keys for `type` and the genre they print as.
pub(crate) const GENRES: &[(&str, &str)] = &[
    ("phdthesis", "PhD thesis"),
    ("mathesis", "Master's thesis"),
    ("candthesis", "Candidate thesis"),
    ("techreport", "Technical report"),
    ("resreport", "Research report"),
    ("software", "Computer software"),
    ("datacd", "CD-ROM"),
    ("audiocd", "Audio CD"),
];

/// Whether a field written as a CSL variable would read back otherwise
/// ([`text::dollars_read_back_as_math`]).
fn misread(entry: &Entry, name: &str, value: &Value) -> bool {
    match value {
        Value::Text(text) if name == "title" => {
            let full = full_title(entry, text);
            if text::dollars_read_back_as_math(&full) {
                return true;
            }
            // Joined with a subtitle or addon: does it split back?
            full.len() != text.len()
                && super::read::split_title(
                    &text::to_source(&text::to_rich(&full)),
                    entry.text("subtitle"),
                    entry.text("titleaddon"),
                )
                .as_deref()
                    != Some(text::to_source(&text::to_rich(text)).as_str())
        }
        Value::Text(text) => text::dollars_read_back_as_math(text),
        Value::Names(names) => names.iter().any(|name| match name {
            Name::Person { family, given, prefix, suffix } => {
                [family, given, prefix, suffix]
                    .into_iter()
                    .any(|part| text::dollars_read_back_as_math(part))
            }
            Name::Literal(literal) => text::dollars_read_back_as_math(literal),
            Name::Others => false,
        }),
    }
}

fn has_title(entry: &Entry) -> bool {
    entry.text("title").is_some()
}

/// The title with the subtitle and title addon joined, as pandoc joins them.
fn full_title(entry: &Entry, title: &str) -> String {
    let mut full = title.to_string();
    if let Some(subtitle) = entry.text("subtitle").filter(|text| !text.is_empty()) {
        full.push_str(": ");
        full.push_str(subtitle);
    }
    if let Some(addon) = entry.text("titleaddon").filter(|text| !text.is_empty()) {
        full.push_str(". ");
        full.push_str(addon);
    }
    full
}

/// A CSL name object; `None` for `others`.
pub(crate) fn name_json(name: &Name) -> Option<Json> {
    let mut object = Map::new();
    match name {
        Name::Person { family, given, prefix, suffix } => {
            object.insert("family".into(), Json::String(text::to_rich(family)));
            if !given.is_empty() {
                object.insert("given".into(), Json::String(text::to_rich(given)));
            }
            if !prefix.is_empty() {
                object.insert(
                    "non-dropping-particle".into(),
                    Json::String(text::to_rich(prefix)),
                );
            }
            if !suffix.is_empty() {
                object.insert("suffix".into(), Json::String(text::to_rich(suffix)));
            }
        }
        Name::Literal(literal) => {
            object.insert("literal".into(), Json::String(text::to_rich(literal)));
        }
        Name::Others => return None,
    }
    Some(Json::Object(object))
}

/// A field kept in `custom`: its source form, or its names as CSL names
/// (with `others` as the literal name `others`).
fn custom_value(value: &Value) -> Json {
    match value {
        Value::Text(text) => Json::String(text.clone()),
        Value::Names(names) => Json::Array(
            names
                .iter()
                .map(|name| {
                    name_json(name)
                        .unwrap_or_else(|| serde_json::json!({"literal": "others"}))
                })
                .collect(),
        ),
    }
}
