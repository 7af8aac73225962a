//! The provenance file: one JSON line per entry with its sources, the line
//! range of every field and the extra data that has no BibLaTeX field.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::model::{Entry, Extra, Origin, Source};

/// One line of `provenance.jsonl`, as written: a view of an entry, serialised
/// without copying its strings.
///
/// `{"key":..,"sources":[{"file":..,"line_start":..,"line_end":..,
/// "year_suffix":..}],"fields":{name:[source index, first line, last line]},
/// "extra":[{"tag":..,"value":..,"source":..,"line":..}]}`; `fields` and
/// `extra` are left out when empty, `year_suffix` when the source has none.
pub(super) struct ProvenanceOf<'a>(pub(super) &'a Entry);

impl Serialize for ProvenanceOf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let entry = self.0;
        let has_fields = entry.fields.values().any(|field| field.origin.is_some());
        let has_extra = !entry.extra.is_empty();
        let n_fields = 2 + usize::from(has_fields) + usize::from(has_extra);
        let mut state = serializer.serialize_struct("ProvenanceLine", n_fields)?;
        state.serialize_field("key", &entry.key)?;
        state.serialize_field("sources", &SourcesOf(&entry.sources))?;
        if has_fields {
            state.serialize_field("fields", &OriginsOf(entry))?;
        }
        if has_extra {
            state.serialize_field("extra", &ExtrasOf(&entry.extra))?;
        }
        state.end()
    }
}

pub(super) struct SourcesOf<'a>(&'a [Source]);

impl Serialize for SourcesOf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|source| SourceJson {
            file: source.file.as_str(),
            line_start: source.line_start,
            line_end: source.line_end,
            year_suffix: source.year_suffix.as_deref(),
        }))
    }
}

pub(super) struct OriginsOf<'a>(&'a Entry);

impl Serialize for OriginsOf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.fields.iter().filter_map(|(name, field)| {
            field.origin.map(|o| (name, [o.source as u32, o.line_start, o.line_end]))
        }))
    }
}

pub(super) struct ExtrasOf<'a>(&'a [Extra]);

impl Serialize for ExtrasOf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|extra| ExtraJson {
            tag: extra.tag.as_str(),
            value: extra.value.as_str(),
            source: extra.source as u32,
            line: extra.line,
        }))
    }
}

/// The lines of `provenance.jsonl`, found by key.
pub(super) struct ProvenanceRecords<'a> {
    records: Vec<Option<ProvenanceRecord<'a>>>,
    /// The records' keys, in file order.
    keys: Vec<Cow<'a, str>>,
    /// Where a key's (last) record is, when the keys are not in strictly
    /// increasing order; else they are found by binary search.
    record_of_key: Option<HashMap<Cow<'a, str>, usize>>,
    /// The record after the last one taken: stores list entries and
    /// provenance in the same order.
    next_idx: usize,
}

impl<'a> ProvenanceRecords<'a> {
    pub(super) fn parse(text: &'a str, path: &Path) -> Result<Self, StoreError> {
        let mut records = Vec::new();
        let mut keys: Vec<Cow<'a, str>> = Vec::new();
        for (line_idx, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let record = match ProvenanceRecord::from_canonical_line(line) {
                Some(record) => record,
                None => serde_json::from_str(line).map_err(|error| {
                    StoreError::Damaged(format!(
                        "{}:{}: {error}",
                        path.display(),
                        line_idx + 1
                    ))
                })?,
            };
            // Cloning a borrowed key copies a pointer, not the string.
            keys.push(record.key.clone());
            records.push(Some(record));
        }
        let is_sorted = keys.windows(2).all(|pair| pair[0] < pair[1]);
        let record_of_key = (!is_sorted).then(|| {
            // A key's last record wins.
            keys.iter().enumerate().map(|(idx, key)| (key.clone(), idx)).collect()
        });
        Ok(ProvenanceRecords { records, keys, record_of_key, next_idx: 0 })
    }

    /// The record of `key`, once.
    pub(super) fn take(&mut self, key: &str) -> Option<ProvenanceRecord<'a>> {
        let idx = match &mut self.record_of_key {
            Some(record_of_key) => record_of_key.remove(key)?,
            None if self.keys.get(self.next_idx).is_some_and(|next| next == key) => {
                self.next_idx
            }
            None => self.keys.binary_search_by(|probe| probe.as_ref().cmp(key)).ok()?,
        };
        self.next_idx = idx + 1;
        self.records[idx].take()
    }
}

/// One line of `provenance.jsonl`, as read: strings borrow from the line
/// unless they were written with escapes.
#[derive(Debug, PartialEq, Deserialize)]
pub(super) struct ProvenanceRecord<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    #[serde(borrow)]
    sources: Vec<SourceRecord<'a>>,
    /// Field name → `[source index, first line, last line]`, in file order.
    #[serde(default, borrow, deserialize_with = "field_origins")]
    fields: FieldOrigins<'a>,
    #[serde(default, borrow)]
    extra: Vec<ExtraRecord<'a>>,
}

#[derive(Debug, Serialize)]
pub(super) struct SourceJson<'a> {
    file: &'a str,
    line_start: u32,
    line_end: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    year_suffix: Option<&'a str>,
}

#[derive(Debug, PartialEq, Deserialize)]
pub(super) struct SourceRecord<'a> {
    #[serde(borrow)]
    file: Cow<'a, str>,
    line_start: u32,
    line_end: u32,
    #[serde(default, borrow)]
    year_suffix: Option<Cow<'a, str>>,
}

#[derive(Debug, Serialize)]
pub(super) struct ExtraJson<'a> {
    tag: &'a str,
    value: &'a str,
    source: u32,
    line: u32,
}

#[derive(Debug, PartialEq, Deserialize)]
pub(super) struct ExtraRecord<'a> {
    #[serde(borrow)]
    tag: Cow<'a, str>,
    #[serde(borrow)]
    value: Cow<'a, str>,
    source: u32,
    line: u32,
}

/// A position in a provenance line, for [`ProvenanceRecord::from_canonical_line`].
pub(super) struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn eat(&mut self, literal: &str) -> bool {
        let found = self.text[self.pos..].starts_with(literal);
        if found {
            self.pos += literal.len();
        }
        found
    }

    fn expect(&mut self, literal: &str) -> Option<()> {
        self.eat(literal).then_some(())
    }

    /// A JSON string without escapes or control characters.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.expect("\"")?;
        let rest = &self.text.as_bytes()[self.pos..];
        let len =
            rest.iter().position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)?;
        if rest[len] != b'"' {
            return None;
        }
        let value = &self.text[self.pos..self.pos + len];
        self.pos += len + 1;
        Some(Cow::Borrowed(value))
    }

    /// A JSON number as serde writes a `u32`: `0`, or digits without a leading zero.
    fn number(&mut self) -> Option<u32> {
        let rest = &self.text.as_bytes()[self.pos..];
        let mut value: u32 = 0;
        let mut len = 0;
        for &byte in rest.iter().take_while(|byte| byte.is_ascii_digit()) {
            value = value.checked_mul(10)?.checked_add(u32::from(byte - b'0'))?;
            len += 1;
        }
        if len == 0 || (len > 1 && rest[0] == b'0') {
            return None;
        }
        self.pos += len;
        Some(value)
    }
}

/// Field name → `[source index, first line, last line]`, in file order.
type FieldOrigins<'a> = Vec<(Cow<'a, str>, [u32; 3])>;

/// Reads the `fields` object into a list, borrowing the names.
pub(super) fn field_origins<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<FieldOrigins<'de>, D::Error> {
    struct Origins;
    impl<'de> serde::de::Visitor<'de> for Origins {
        type Value = FieldOrigins<'de>;

        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a map of field names to [source, first line, last line]")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(8));
            while let Some((name, origin)) =
                map.next_entry::<FieldName<'de>, [u32; 3]>()?
            {
                out.push((name.0, origin));
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(Origins)
}

/// A map key borrowed from the input when it has no escapes (serde's `Cow`
/// always copies outside a `#[serde(borrow)]` field).
pub(super) struct FieldName<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        struct Name;
        impl<'de> serde::de::Visitor<'de> for Name {
            type Value = FieldName<'de>;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a field name")
            }

            fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Borrowed(value)))
            }

            fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Owned(value.to_string())))
            }

            fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_str(Name)
    }
}

impl<'a> ProvenanceRecord<'a> {
    /// The record of a line exactly as [`ProvenanceOf`] writes it with no
    /// escapes in its strings; `None` for anything else, which serde then
    /// reads (or rejects). Reading a store spends most of its provenance
    /// time here, and serde takes several times as long.
    pub(super) fn from_canonical_line(line: &'a str) -> Option<Self> {
        let mut cursor = Cursor { text: line, pos: 0 };
        cursor.expect("{\"key\":")?;
        let key = cursor.string()?;
        cursor.expect(",\"sources\":[")?;
        let mut sources = Vec::new();
        if !cursor.eat("]") {
            loop {
                cursor.expect("{\"file\":")?;
                let file = cursor.string()?;
                cursor.expect(",\"line_start\":")?;
                let line_start = cursor.number()?;
                cursor.expect(",\"line_end\":")?;
                let line_end = cursor.number()?;
                let year_suffix = if cursor.eat(",\"year_suffix\":") {
                    Some(cursor.string()?)
                } else {
                    None
                };
                cursor.expect("}")?;
                sources.push(SourceRecord { file, line_start, line_end, year_suffix });
                if !cursor.eat(",") {
                    break;
                }
            }
            cursor.expect("]")?;
        }
        let mut fields = Vec::new();
        if cursor.eat(",\"fields\":{") && !cursor.eat("}") {
            loop {
                let name = cursor.string()?;
                cursor.expect(":[")?;
                let source = cursor.number()?;
                cursor.expect(",")?;
                let line_start = cursor.number()?;
                cursor.expect(",")?;
                let line_end = cursor.number()?;
                cursor.expect("]")?;
                fields.push((name, [source, line_start, line_end]));
                if !cursor.eat(",") {
                    break;
                }
            }
            cursor.expect("}")?;
        }
        let mut extra = Vec::new();
        if cursor.eat(",\"extra\":[") && !cursor.eat("]") {
            loop {
                cursor.expect("{\"tag\":")?;
                let tag = cursor.string()?;
                cursor.expect(",\"value\":")?;
                let value = cursor.string()?;
                cursor.expect(",\"source\":")?;
                let source = cursor.number()?;
                cursor.expect(",\"line\":")?;
                let line = cursor.number()?;
                cursor.expect("}")?;
                extra.push(ExtraRecord { tag, value, source, line });
                if !cursor.eat(",") {
                    break;
                }
            }
            cursor.expect("]")?;
        }
        cursor.expect("}")?;
        (cursor.pos == line.len()).then_some(ProvenanceRecord {
            key,
            sources,
            fields,
            extra,
        })
    }

    pub(super) fn apply(self, entry: &mut Entry) {
        entry.sources = self
            .sources
            .into_iter()
            .map(|s| Source {
                file: s.file.into_owned(),
                line_start: s.line_start,
                line_end: s.line_end,
                year_suffix: s.year_suffix.map(Cow::into_owned),
            })
            .collect();
        for field in entry.fields.values_mut() {
            field.origin = None;
        }
        // The names come in the entry's field order: try the next field
        // before hashing the name.
        let mut next_idx = 0;
        for (name, [source, line_start, line_end]) in self.fields {
            let found = match entry.fields.get_index_mut(next_idx) {
                Some((key, field)) if key.as_str() == name.as_ref() => {
                    Some((next_idx, field))
                }
                _ => entry
                    .fields
                    .get_full_mut(name.as_ref())
                    .map(|(idx, _, field)| (idx, field)),
            };
            if let Some((idx, field)) = found {
                field.origin =
                    Some(Origin { source: source as usize, line_start, line_end });
                next_idx = idx + 1;
            }
        }
        entry.extra = self
            .extra
            .into_iter()
            .map(|e| Extra {
                tag: e.tag.into_owned(),
                value: e.value.into_owned(),
                source: e.source as usize,
                line: e.line,
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_with_sources(sources: Vec<Source>) -> Entry {
        let mut entry = Entry::new("wong2015alibaba", "article");
        entry.set_text(
            "title",
            "Alibaba affiliate",
            Some(Origin { source: 0, line_start: 201, line_end: 201 }),
        );
        entry.sources = sources;
        entry
    }

    fn source(file: &str, line: u32, year_suffix: Option<&str>) -> Source {
        Source {
            file: file.into(),
            line_start: line,
            line_end: line,
            year_suffix: year_suffix.map(str::to_string),
        }
    }

    #[test]
    fn year_suffixes_are_written_only_when_present_and_read_back() {
        let entry = entry_with_sources(vec![
            source("paper.md", 201, Some("b")),
            source("other.ris", 3, None),
        ]);
        let line = serde_json::to_string(&ProvenanceOf(&entry)).expect("serialised");
        assert_eq!(
            line,
            r#"{"key":"wong2015alibaba","sources":[{"file":"paper.md","line_start":201,"line_end":201,"year_suffix":"b"},{"file":"other.ris","line_start":3,"line_end":3}],"fields":{"title":[0,201,201]}}"#
        );
        let fast = ProvenanceRecord::from_canonical_line(&line).expect("canonical");
        let slow: ProvenanceRecord<'_> = serde_json::from_str(&line).expect("serde");
        assert_eq!(fast, slow);
        let mut read = entry_with_sources(Vec::new());
        fast.apply(&mut read);
        assert_eq!(read, entry);
    }

    #[test]
    fn other_year_suffix_lines_go_to_serde() {
        for (line, expected) in [
            (
                r#"{"key":"a","sources":[{"file":"p.md","line_start":1,"line_end":1,"year_suffix":"a\u0062"}]}"#,
                Some("ab"),
            ),
            (
                r#"{"key":"a","sources":[{"file":"p.md","line_start":1,"line_end":1,"year_suffix":null}]}"#,
                None,
            ),
            (
                r#"{"key":"a","sources":[{"file":"p.md","year_suffix":"c","line_start":1,"line_end":1}]}"#,
                Some("c"),
            ),
        ] {
            assert!(ProvenanceRecord::from_canonical_line(line).is_none(), "{line}");
            let record: ProvenanceRecord<'_> = serde_json::from_str(line).expect(line);
            assert_eq!(record.sources[0].year_suffix.as_deref(), expected, "{line}");
        }
        // The fast path reads a suffix where the writer puts it, and nowhere else.
        let line = r#"{"key":"a","sources":[{"file":"p.md","line_start":1,"line_end":2,"year_suffix":"aa"}]}"#;
        let fast = ProvenanceRecord::from_canonical_line(line).expect("canonical");
        assert_eq!(fast.sources[0].year_suffix.as_deref(), Some("aa"));
        assert_eq!(fast, serde_json::from_str(line).expect("serde"));
    }
}
