//! CSL-JSON → entries, with diagnostics at the line and column of each problem.

use serde_json::Value as Json;

use super::date::{self, describe};
use super::table::{self, CslType, Kind};
use super::write::GENRES;
use super::{CUSTOM_KEY, text};
use crate::diag::{Diagnostic, LineIndex, Parsed, Position, Severity};
use crate::model::{Entry, Extra, Name, Origin, Source, Value};

/// Reads a CSL-JSON array of items. `file` names the input in diagnostics
/// and sources. Never fails as a whole: a bad item is reported and skipped,
/// the others are read (the caller writes nothing when there are errors).
pub fn from_csl_json(text: &str, file: &str) -> Parsed<Vec<Entry>> {
    let mut reader =
        Reader { file, index: LineIndex::new(text), diagnostics: Vec::new() };
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let bom = text.len() - body.len();
    let value: Json = match serde_json::from_str(body) {
        Ok(value) => value,
        Err(error) => {
            let position = Position {
                line: u32::try_from(error.line()).unwrap_or(u32::MAX),
                column: u32::try_from(error.column()).unwrap_or(u32::MAX),
            };
            let message = error.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            reader.diagnostics.push(
                Diagnostic::new(
                    "CSL001",
                    Severity::Error,
                    file,
                    position,
                    format!("not valid JSON: {message}"),
                )
                .with_help("CSL-JSON is a JSON array of items: [{\"id\": ..., \"type\": ..., ...}]"),
            );
            return Parsed { value: Vec::new(), diagnostics: reader.diagnostics };
        }
    };
    let spans = scan::top_level(body.as_bytes());
    let Json::Array(items) = value else {
        let at = reader.position(bom + spans.value_start);
        reader.diagnostics.push(
            Diagnostic::new(
                "CSL002",
                Severity::Error,
                file,
                at,
                format!("expected an array of CSL items, found {}", describe(&value)),
            )
            .with_help("CSL-JSON is a JSON array of items; wrap a single item in [ ]"),
        );
        return Parsed { value: Vec::new(), diagnostics: reader.diagnostics };
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut ids: Vec<(String, u32)> = Vec::new();
    for (idx, item) in items.iter().enumerate() {
        let span = spans.items.get(idx).cloned().unwrap_or_default();
        if let Some(entry) = reader.item(item, &span, bom, &mut ids) {
            entries.push(entry);
        }
    }
    Parsed { value: entries, diagnostics: reader.diagnostics }
}

struct Reader<'a> {
    file: &'a str,
    index: LineIndex<'a>,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn position(&self, offset: usize) -> Position {
        self.index.position(offset)
    }

    fn error(&mut self, code: &'static str, offset: usize, message: String, help: &str) {
        let position = self.position(offset);
        self.diagnostics.push(
            Diagnostic::new(code, Severity::Error, self.file, position, message)
                .with_help(help),
        );
    }

    fn item(
        &mut self,
        item: &Json,
        span: &scan::ItemSpan,
        bom: usize,
        ids: &mut Vec<(String, u32)>,
    ) -> Option<Entry> {
        let start = bom + span.start;
        let key_offset = |key: &str| {
            span.keys
                .iter()
                .find(|(name, _)| name == key)
                .map_or(start, |(_, offset)| bom + offset)
        };
        let Json::Object(object) = item else {
            self.error(
                "CSL003",
                start,
                format!("a CSL item must be an object, found {}", describe(item)),
                "each element of the array is one reference: {\"id\": ..., \"type\": ..., ...}",
            );
            return None;
        };
        let line_start = self.position(start).line;
        let line_end = self.index.line(bom + span.end.max(span.start));
        let id = match object.get("id") {
            Some(Json::String(id)) if !id.trim().is_empty() => id.trim().to_string(),
            Some(Json::Number(number)) => number.to_string(),
            Some(other) => {
                self.error(
                    "CSL005",
                    key_offset("id"),
                    format!(
                        "'id' must be a string or a number, found {}",
                        describe(other)
                    ),
                    "the id is the citation key: \"id\": \"smith2020title\"",
                );
                return None;
            }
            None => {
                self.error(
                    "CSL004",
                    start,
                    "CSL item without 'id'".into(),
                    "every item needs an id, the citation key: \"id\": \"smith2020title\"",
                );
                return None;
            }
        };
        let type_name = match object.get("type") {
            Some(Json::String(name)) if !name.trim().is_empty() => {
                name.trim().to_string()
            }
            Some(Json::String(_)) | None => {
                self.error(
                    "CSL004",
                    start,
                    format!("CSL item '{id}' without 'type'"),
                    "every item needs a CSL type: \"type\": \"article-journal\", \"book\", ...",
                );
                return None;
            }
            Some(other) => {
                self.error(
                    "CSL005",
                    key_offset("type"),
                    format!(
                        "'type' of item '{id}' must be a string, found {}",
                        describe(other)
                    ),
                    "a CSL type: \"type\": \"article-journal\", \"book\", ...",
                );
                return None;
            }
        };
        if let Some((_, line)) = ids.iter().find(|(known, _)| *known == id) {
            let line = *line;
            self.error(
                "CSL007",
                key_offset("id"),
                format!("duplicate id '{id}' (first at line {line})"),
                "ids are citation keys and must be unique in a file",
            );
            return None;
        }
        ids.push((id.clone(), line_start));

        let custom = object
            .get("custom")
            .and_then(|custom| custom.get(CUSTOM_KEY))
            .and_then(Json::as_object);
        let custom_type = custom.and_then(|c| c.get("type")).and_then(Json::as_str);
        let row = table::type_for_csl(&type_name);
        let mut entry = Entry::new("", "misc");
        entry.sources.push(Source {
            file: self.file.to_string(),
            line_start,
            line_end,
            year_suffix: None,
        });
        if is_valid_key(&id) {
            entry.key = id.clone();
        } else {
            entry.extra.push(extra("id", &id, line_start));
        }
        let fallback = table::type_for_csl("document");
        let row: &CslType = match (row, fallback) {
            (Some(row), _) => row,
            (None, Some(fallback)) => {
                if custom_type.is_none() {
                    let position = self.position(key_offset("type"));
                    self.diagnostics.push(
                        Diagnostic::new(
                            "CSL006",
                            Severity::Warning,
                            self.file,
                            position,
                            format!("unknown CSL type '{type_name}' of item '{id}', read as misc"),
                        )
                        .with_help("the type is kept as extra data 'type'"),
                    );
                    entry.extra.push(extra("type", &type_name, line_start));
                }
                fallback
            }
            (None, None) => return None,
        };
        entry.entry_type = custom_type.unwrap_or(row.entry_type).to_string();
        if let Some(entrysubtype) = row.entrysubtype {
            entry.set_text("entrysubtype", entrysubtype, None);
        }
        if let Some(pubstate) = row.pubstate {
            entry.set_text("pubstate", pubstate, None);
        }

        let mut failed = false;
        for (name, value) in object {
            if matches!(name.as_str(), "id" | "type" | "custom") {
                continue;
            }
            let offset = key_offset(name);
            let line = self.position(offset).line;
            let origin = Some(Origin { source: 0, line_start: line, line_end: line });
            let variable = table::VARIABLES
                .iter()
                .find(|variable| variable.csl == name && table::applies(variable, row))
                .filter(|variable| !entry.fields.contains_key(variable.field));
            let Some(variable) = variable else {
                if !value.is_null() {
                    entry.extra.push(extra(name, &plain_json(value), line));
                }
                continue;
            };
            match read_value(variable.kind, variable.field, value) {
                Ok(Some(field_value)) => entry.set(variable.field, field_value, origin),
                Ok(None) => {
                    if variable.kind == Kind::Language
                        && let Some(code) =
                            value.as_str().filter(|c| !c.trim().is_empty())
                    {
                        entry.extra.push(extra(name, code, line));
                    }
                }
                Err(why) => {
                    self.error(
                        "CSL005",
                        offset,
                        format!("'{name}' of item '{id}': {why}"),
                        help_for(variable.kind),
                    );
                    failed = true;
                }
            }
        }
        if failed {
            return None;
        }
        if let Some(custom) = custom {
            apply_custom(&mut entry, custom);
        }
        entry.sort_fields();
        Some(entry)
    }
}

fn help_for(kind: Kind) -> &'static str {
    match kind {
        Kind::Names => {
            "names are an array of objects: [{\"family\": \"Smith\", \"given\": \"J.\"}, {\"literal\": \"WHO\"}]"
        }
        Kind::Date => {
            "dates are objects: {\"date-parts\": [[2019, 7, 4]]} or {\"raw\": \"2019-07-04\"}"
        }
        _ => "this variable holds a string (or a number)",
    }
}

/// A variable's value as a field value; `Ok(None)` when it is empty.
fn read_value(kind: Kind, field: &str, value: &Json) -> Result<Option<Value>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let text = || -> Result<String, String> {
        match value {
            Json::String(text) => Ok(text.clone()),
            Json::Number(number) => Ok(number.to_string()),
            other => Err(format!("expected a string, found {}", describe(other))),
        }
    };
    let non_empty = |text: String| (!text.is_empty()).then_some(text);
    Ok(match kind {
        Kind::Text if field == "type" => {
            let genre = text()?;
            let key = GENRES
                .iter()
                .find(|(_, known)| known.eq_ignore_ascii_case(genre.trim()))
                .map(|(key, _)| (*key).to_string());
            non_empty(key.unwrap_or_else(|| text::to_source(&genre))).map(Value::Text)
        }
        Kind::Text => non_empty(text::to_source(&text()?)).map(Value::Text),
        Kind::Verbatim => non_empty(text()?.trim().to_string()).map(Value::Text),
        Kind::Pages => {
            let plain = crate::tex::escape(&text()?);
            non_empty(crate::bib::normalise_range(&plain)).map(Value::Text)
        }
        Kind::Language => {
            let code = text()?;
            // An unknown code is kept as extra data by the caller.
            table::langid_for_code(&code).map(|langid| Value::Text(langid.to_string()))
        }
        Kind::Date => date::from_csl(value).map_err(|error| error.0)?.map(Value::Text),
        Kind::Names => {
            let list = names(value)?;
            (!list.is_empty()).then_some(Value::Names(list))
        }
    })
}

/// A CSL name list.
fn names(value: &Json) -> Result<Vec<Name>, String> {
    let Json::Array(items) = value else {
        return Err(format!("expected an array of names, found {}", describe(value)));
    };
    let mut list = Vec::new();
    for item in items {
        let Json::Object(object) = item else {
            return Err(format!("each name must be an object, found {}", describe(item)));
        };
        let part = |key: &str| -> Result<String, String> {
            match object.get(key) {
                None | Some(Json::Null) => Ok(String::new()),
                Some(Json::String(text)) => Ok(text::to_source(text)),
                Some(Json::Number(number)) => Ok(number.to_string()),
                Some(other) => Err(format!(
                    "name part '{key}' must be a string, found {}",
                    describe(other)
                )),
            }
        };
        let family = part("family")?;
        let given = part("given")?;
        let literal = match part("literal")? {
            literal if literal.is_empty() => part("name")?,
            literal => literal,
        };
        let particles: Vec<String> =
            [part("dropping-particle")?, part("non-dropping-particle")?]
                .into_iter()
                .filter(|particle| !particle.is_empty())
                .collect();
        let suffix = part("suffix")?;
        if family.is_empty() && given.is_empty() {
            if !literal.is_empty() {
                list.push(Name::Literal(literal));
            }
            continue;
        }
        list.push(Name::Person {
            family: if family.is_empty() { given.clone() } else { family.clone() },
            given: if family.is_empty() { String::new() } else { given },
            prefix: particles.join(" "),
            suffix,
        });
    }
    if let Some(Name::Literal(last)) = list.last()
        && matches!(last.to_lowercase().as_str(), "et al." | "et al" | "others")
    {
        list.pop();
        list.push(Name::Others);
    }
    Ok(list)
}

/// The title without the subtitle and title addon the writer joined to it
/// (`Title: Subtitle. Addon`, read back as source form); `None` when
/// nothing was joined. The parts are kept in source form, so they are
/// looked for as written and as their rich text reads back (`--` as `–`).
pub(super) fn split_title(
    joined: &str,
    subtitle: Option<&str>,
    addon: Option<&str>,
) -> Option<String> {
    let strip = |title: &str, separator: &str, part: &str| -> Option<String> {
        let read_back = text::to_source(&text::to_rich(part));
        [part, read_back.as_str()]
            .iter()
            .find_map(|part| title.strip_suffix(&format!("{separator}{part}")))
            .map(str::to_string)
    };
    let mut title = joined.to_string();
    let mut changed = false;
    for (part, separator) in [(addon, ". "), (subtitle, ": ")] {
        if let Some(part) = part.filter(|part| !part.is_empty())
            && let Some(rest) = strip(&title, separator, part)
        {
            title = rest;
            changed = true;
        }
    }
    changed.then_some(title)
}

/// Restores what biblink's own export kept in `custom`.
fn apply_custom(entry: &mut Entry, custom: &serde_json::Map<String, Json>) {
    if let Some(Json::Object(fields)) = custom.get("fields") {
        for (name, value) in fields {
            match value {
                Json::String(text) if !entry.fields.contains_key(name) => {
                    entry.set_text(name, text.clone(), None);
                }
                Json::Array(_) if !entry.fields.contains_key(name) => {
                    if let Ok(list) = names(value)
                        && !list.is_empty()
                    {
                        entry.set(name, Value::Names(list), None);
                    }
                }
                _ => {}
            }
        }
        // The title was written joined with subtitle and addon: split it again.
        if let Some(title) = entry.text("title")
            && let Some(title) = split_title(
                title,
                fields.get("subtitle").and_then(Json::as_str),
                fields.get("titleaddon").and_then(Json::as_str),
            )
        {
            let origin = entry.fields.get("title").and_then(|field| field.origin);
            entry.set("title", Value::Text(title), origin);
        }
    }
    // Fields whose rich text does not say what was written: as written.
    if let Some(Json::Object(fields)) = custom.get("source") {
        for (name, value) in fields {
            let origin = entry.fields.get(name).and_then(|field| field.origin);
            let (Some(text), Some(field)) = (value.as_str(), entry.fields.get(name))
            else {
                continue;
            };
            let value = match field.value {
                Value::Names(_) => Value::Names(crate::bib::names::parse_names(text)),
                Value::Text(_) => Value::Text(text.to_string()),
            };
            entry.set(name, value, origin);
        }
    }
    if let Some(Json::Array(others)) = custom.get("others") {
        for field in others.iter().filter_map(Json::as_str) {
            if let Some(Value::Names(list)) =
                entry.fields.get_mut(field).map(|field| &mut field.value)
                && list.last() != Some(&Name::Others)
            {
                list.push(Name::Others);
            }
        }
    }
}

fn extra(tag: &str, value: &str, line: u32) -> Extra {
    Extra { tag: tag.to_string(), value: value.to_string(), source: 0, line }
}

/// A string as it is, anything else as compact JSON.
fn plain_json(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Whether an id can be a BibLaTeX key as it is.
fn is_valid_key(id: &str) -> bool {
    !id.is_empty()
        && !id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || ",{}()=\"#%'~\\".contains(c))
}

/// Byte offsets of the top-level value, its items and their keys, from a
/// text serde_json has accepted (so the scanner can be simple).
mod scan {
    #[derive(Debug, Default)]
    pub struct Spans {
        pub value_start: usize,
        pub items: Vec<ItemSpan>,
    }

    #[derive(Debug, Default, Clone)]
    pub struct ItemSpan {
        pub start: usize,
        pub end: usize,
        /// Each top-level key of an object item and the offset of its name.
        pub keys: Vec<(String, usize)>,
    }

    pub fn top_level(bytes: &[u8]) -> Spans {
        let mut spans = Spans::default();
        let mut pos = skip_space(bytes, 0);
        spans.value_start = pos;
        if bytes.get(pos) != Some(&b'[') {
            return spans;
        }
        pos += 1;
        loop {
            pos = skip_space(bytes, pos);
            match bytes.get(pos) {
                None | Some(b']') => break,
                Some(b',') => {
                    pos += 1;
                    continue;
                }
                _ => {}
            }
            let start = pos;
            let mut keys = Vec::new();
            if bytes[pos] == b'{' {
                pos += 1;
                loop {
                    pos = skip_space(bytes, pos);
                    match bytes.get(pos) {
                        None => break,
                        Some(b'}') => {
                            pos += 1;
                            break;
                        }
                        Some(b',') => {
                            pos += 1;
                            continue;
                        }
                        Some(b'"') => {
                            let key_start = pos;
                            let key_end = skip_string(bytes, pos);
                            let key: String =
                                serde_json::from_slice(&bytes[key_start..key_end])
                                    .unwrap_or_default();
                            keys.push((key, key_start));
                            pos = skip_space(bytes, key_end);
                            if bytes.get(pos) == Some(&b':') {
                                pos += 1;
                            }
                            pos = skip_value(bytes, skip_space(bytes, pos));
                        }
                        Some(_) => pos += 1,
                    }
                }
            } else {
                pos = skip_value(bytes, pos);
            }
            spans.items.push(ItemSpan { start, end: pos.saturating_sub(1), keys });
        }
        spans
    }

    fn skip_space(bytes: &[u8], mut pos: usize) -> usize {
        while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        pos
    }

    /// Past the closing quote of the string starting at `pos`.
    fn skip_string(bytes: &[u8], mut pos: usize) -> usize {
        pos += 1;
        while let Some(&byte) = bytes.get(pos) {
            match byte {
                b'\\' => pos += 2,
                b'"' => return pos + 1,
                _ => pos += 1,
            }
        }
        pos
    }

    /// Past the value starting at `pos`.
    fn skip_value(bytes: &[u8], mut pos: usize) -> usize {
        match bytes.get(pos) {
            Some(b'"') => skip_string(bytes, pos),
            Some(b'[' | b'{') => {
                let mut depth = 0usize;
                while let Some(&byte) = bytes.get(pos) {
                    match byte {
                        b'"' => {
                            pos = skip_string(bytes, pos);
                            continue;
                        }
                        b'[' | b'{' => depth += 1,
                        b']' | b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                return pos + 1;
                            }
                        }
                        _ => {}
                    }
                    pos += 1;
                }
                pos
            }
            _ => {
                while bytes.get(pos).is_some_and(|byte| {
                    !matches!(byte, b',' | b']' | b'}') && !byte.is_ascii_whitespace()
                }) {
                    pos += 1;
                }
                pos
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_bad_items() {
        let text = "[\n  {\"id\": \"a\", \"type\": \"book\"},\n  42,\n  {\"type\": \"book\"},\n  {\"id\": \"b\", \"type\": \"book\",\n   \"issued\": {\"date-parts\": [[\"July\", \"2019\"]]}}\n]";
        let parsed = from_csl_json(text, "x.json");
        let found: Vec<String> = parsed
            .diagnostics
            .iter()
            .map(|d| format!("{}:{}:{}", d.code, d.line, d.column))
            .collect();
        assert_eq!(found, ["CSL003:3:3", "CSL004:4:3", "CSL005:6:4"]);
        assert_eq!(parsed.value.len(), 1);
    }

    #[test]
    fn not_json_and_not_an_array() {
        let parsed = from_csl_json("[{\"id\": \"a\",\n \"type\": ", "x.json");
        assert_eq!(parsed.diagnostics[0].code, "CSL001");
        assert_eq!(parsed.diagnostics[0].line, 2);
        let parsed = from_csl_json("  {\"id\": \"a\"}", "x.json");
        assert_eq!(
            (parsed.diagnostics[0].code, parsed.diagnostics[0].column),
            ("CSL002", 3)
        );
    }
}
