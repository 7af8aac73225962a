//! JSON output: the one shape of an entry used by every `--json` output and by
//! `export --format json`.
//!
//! ```json
//! {"key": "chong2019cashless", "type": "article",
//!  "fields": {"author": [{"family": "Chong", "given": "Pak Lei Gladys"}],
//!             "title": "Cashless China", "date": "2019-07", "pages": "290--307"},
//!  "sources": [{"file": "seeds/002_5def3547d2eca7fe.txt", "line_start": 1, "line_end": 37}]}
//! ```
//!
//! An entry read from a reference list that printed a letter after the year
//! (`Xinhua. (2015a, March 15)`) has a top-level `"year_suffix": "a"` after
//! `type`, from the first source that has one, and the same `year_suffix` in
//! that source: the letter belongs to the citing list, not to the work, so it
//! is not a BibLaTeX field. Entries without one have neither key.
//!
//! Fields are named as BibLaTeX names them. Name lists are arrays of
//! `{"family", "given", "prefix", "suffix"}` (empty parts left out) or
//! `{"literal"}` for corporate names; every other field is a string of plain
//! Unicode (LaTeX escapes decoded, no case-protection braces), ranges such as
//! `pages` in the `290--307` form, dates in EDTF, DOIs and URLs as stored.

use biblink::diag::Diagnostic;
use biblink::model::{Entry, FieldKind, Name, Value, field_kind};
use biblink::tex;
use serde_json::{Map, Value as Json, json};

/// The JSON form of an entry.
pub fn entry_json(entry: &Entry) -> Json {
    let mut fields = Map::new();
    for (name, field) in &entry.fields {
        let value = match &field.value {
            Value::Names(names) => Json::Array(names.iter().map(name_json).collect()),
            Value::Text(text) => Json::String(match field_kind(name) {
                FieldKind::Verbatim | FieldKind::Date => text.clone(),
                FieldKind::Range => tex::to_plain(text, true),
                _ => tex::to_plain(text, false),
            }),
        };
        fields.insert(name.clone(), value);
    }
    let sources: Vec<Json> = entry
        .sources
        .iter()
        .map(|s| {
            let mut source =
                json!({"file": s.file, "line_start": s.line_start, "line_end": s.line_end});
            if let Some(year_suffix) = &s.year_suffix {
                source["year_suffix"] = Json::String(year_suffix.clone());
            }
            source
        })
        .collect();
    let mut object = Map::new();
    object.insert("key".into(), Json::String(entry.key.clone()));
    object.insert("type".into(), Json::String(entry.entry_type.clone()));
    if let Some(year_suffix) = entry.sources.iter().find_map(|s| s.year_suffix.as_ref()) {
        object.insert("year_suffix".into(), Json::String(year_suffix.clone()));
    }
    object.insert("fields".into(), Json::Object(fields));
    object.insert("sources".into(), Json::Array(sources));
    Json::Object(object)
}

fn name_json(name: &Name) -> Json {
    match name {
        Name::Person { family, given, prefix, suffix } => {
            let mut object = Map::new();
            object.insert("family".into(), Json::String(tex::to_plain(family, false)));
            for (part, value) in
                [("given", given), ("prefix", prefix), ("suffix", suffix)]
            {
                if !value.is_empty() {
                    object.insert(part.into(), Json::String(tex::to_plain(value, false)));
                }
            }
            Json::Object(object)
        }
        Name::Literal(literal) => json!({"literal": tex::to_plain(literal, false)}),
        Name::Others => json!({"literal": "others"}),
    }
}

/// The JSON form of a diagnostic.
pub fn diagnostic_json(diagnostic: &Diagnostic) -> Json {
    json!({
        "code": diagnostic.code,
        "severity": diagnostic.severity.to_string(),
        "file": diagnostic.file,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "message": diagnostic.message,
        "help": diagnostic.help,
    })
}

/// Prints a JSON document on stdout.
pub fn print_json(value: &Json) {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    // Serialising a serde_json::Value cannot fail; a closed stdout is not an error here.
    let _ = serde_json::to_writer_pretty(&mut out, value);
    let _ = writeln!(out);
    let _ = out.flush();
}
