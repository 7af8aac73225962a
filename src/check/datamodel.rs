//! biblatex 3.22's data model, as biber validates against it: entry types,
//! fields and their data types, the fields each type takes, mandatory fields.
//!
//! The table is `datamodel.json` beside this file, extracted from biblatex's
//! own declaration (`blx-dm.def`); it is read once, on first use.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use serde::Deserialize;

/// One mandatory-field constraint of an entry type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Required {
    /// This field.
    Field(String),
    /// At least one of these (`date`/`year`, `author`/`editor`, `url`/`doi`/`eprint`).
    OneOf(Vec<String>),
}

/// A map keyed by short field and type names, looked up several times per
/// field of every checked entry: FNV-1a hashes such keys several times
/// faster than the default SipHash, and the keys are the data model's own,
/// not input, so hash flooding is no concern.
type Map<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;
type Set = HashSet<String, BuildHasherDefault<Fnv>>;

/// 64-bit FNV-1a as a [`Hasher`].
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The data model.
#[derive(Debug)]
pub struct DataModel {
    types: Set,
    type_aliases: Map<String>,
    fields: Map<String>,
    field_aliases: Vec<(String, String)>,
    global_fields: Set,
    type_fields: Map<Set>,
    mandatory: Map<Vec<Required>>,
}

#[derive(Deserialize)]
struct Raw {
    entrytypes: Vec<String>,
    skipout_entrytypes: Vec<String>,
    fields: HashMap<String, RawField>,
    entryfields: HashMap<String, Vec<String>>,
    mandatory: HashMap<String, Vec<RawRequired>>,
    type_aliases: HashMap<String, String>,
    field_aliases: HashMap<String, String>,
}

#[derive(Deserialize)]
struct RawField {
    datatype: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRequired {
    Field(String),
    Group(HashMap<String, Vec<String>>),
}

/// The data model (parsed on first use).
pub fn model() -> &'static DataModel {
    static MODEL: OnceLock<DataModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let raw: Raw = serde_json::from_str(include_str!("datamodel.json"))
            .expect("the bundled datamodel.json is valid (a unit test reads it)");
        DataModel::from_raw(raw)
    })
}

impl DataModel {
    fn from_raw(raw: Raw) -> DataModel {
        let mut types: Set = raw.entrytypes.into_iter().collect();
        types.extend(raw.skipout_entrytypes);
        // Type aliases are described in words ("thesis (type defaults to ...)").
        let type_aliases = raw
            .type_aliases
            .into_iter()
            .map(|(alias, target)| {
                let target =
                    target.split_whitespace().next().unwrap_or_default().to_string();
                (alias, target)
            })
            .collect();
        let mut type_fields = raw.entryfields;
        let global_fields =
            type_fields.remove("*").unwrap_or_default().into_iter().collect();
        DataModel {
            types,
            type_aliases,
            fields: raw.fields.into_iter().map(|(name, f)| (name, f.datatype)).collect(),
            field_aliases: raw.field_aliases.into_iter().collect(),
            global_fields,
            type_fields: type_fields
                .into_iter()
                .map(|(entry_type, fields)| (entry_type, fields.into_iter().collect()))
                .collect(),
            mandatory: raw
                .mandatory
                .into_iter()
                .map(|(entry_type, items)| {
                    let items = items
                        .into_iter()
                        .map(|item| match item {
                            RawRequired::Field(field) => Required::Field(field),
                            RawRequired::Group(group) => Required::OneOf(
                                group.into_values().next().unwrap_or_default(),
                            ),
                        })
                        .collect();
                    (entry_type, items)
                })
                .collect(),
        }
    }

    /// The type biber validates an entry type as: itself, its alias target,
    /// or `None` when biblatex does not know it.
    pub fn resolve_type<'a>(&'a self, entry_type: &'a str) -> Option<&'a str> {
        if self.types.contains(entry_type) {
            Some(entry_type)
        } else {
            self.type_aliases.get(entry_type).map(String::as_str)
        }
    }

    /// The data-model name of a field: itself or its alias target
    /// (`journal` → `journaltitle`); `year` and `month` are date parts.
    pub fn resolve_field<'a>(&'a self, field: &'a str) -> &'a str {
        // Nine aliases: a scan beats hashing.
        self.field_aliases
            .iter()
            .find(|(alias, _)| alias == field)
            .map_or(field, |(_, target)| target.as_str())
    }

    /// Whether the data model declares the field (after [`Self::resolve_field`]).
    pub fn knows_field(&self, field: &str) -> bool {
        self.fields.contains_key(field) || matches!(field, "year" | "month")
    }

    /// The field's data type (`literal`, `name`, `integer`, `date`, `range`, ...).
    pub fn datatype(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    /// Whether an entry of `entry_type` (resolved) may hold `field` (resolved, known).
    pub fn type_takes(&self, entry_type: &str, field: &str) -> bool {
        // biber splits a date into parts (`eventdate` → `eventyear`, ...):
        // a date field is valid where its year part is.
        if let Some(prefix) = field.strip_suffix("date")
            && self.datatype(field) == Some("date")
        {
            return self.type_takes(entry_type, &format!("{prefix}year"));
        }
        matches!(field, "year" | "month")
            || self.global_fields.contains(field)
            || self
                .type_fields
                .get(entry_type)
                .is_some_and(|fields| fields.contains(field))
    }

    /// The mandatory fields of `entry_type` (resolved).
    pub fn mandatory(&self, entry_type: &str) -> &[Required] {
        self.mandatory.get(entry_type).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bundled_model() {
        let model = model();
        assert_eq!(model.resolve_type("phdthesis"), Some("thesis"));
        assert_eq!(model.resolve_type("frobnicate"), None);
        assert_eq!(model.resolve_field("journal"), "journaltitle");
        assert!(model.type_takes("article", "journaltitle"));
        assert!(!model.type_takes("article", "publisher"));
        assert!(!model.type_takes("artwork", "title"), "biber 2.18 says so too");
        assert!(
            model.type_takes("article", "date") && model.type_takes("article", "urldate")
        );
        assert!(!model.type_takes("article", "eventdate"), "biber: eventyear invalid");
        assert!(model.type_takes("inproceedings", "eventdate"));
        assert!(model.knows_field("year") && !model.knows_field("foo"));
        assert_eq!(model.datatype("volume"), Some("integer"));
        let report = model.mandatory("report");
        assert!(report.contains(&Required::Field("institution".into())));
        assert!(report.contains(&Required::OneOf(vec!["date".into(), "year".into()])));
    }
}
