//! The data model every format converts to and from: entries, fields, names, dates, provenance.

mod date;
mod fields;
mod name;

pub use date::{Date, DateError, MONTH_NAMES, month_number};
pub use fields::{FieldKind, canonical_rank, field_kind, is_known_type};
pub use name::Name;

use indexmap::IndexMap;

/// One bibliographic entry of the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The citation key.
    pub key: String,
    /// The BibLaTeX entry type, lower case (`article`, `book`, `legislation`, ...).
    pub entry_type: String,
    /// Fields in insertion order, keyed by their lower-case BibLaTeX name.
    pub fields: IndexMap<String, Field>,
    /// Every place this entry was read from.
    pub sources: Vec<Source>,
    /// Source data that has no BibLaTeX field (RIS accession numbers, database
    /// names, ...): kept beside the entry, never dropped.
    pub extra: Vec<Extra>,
}

/// A field value plus where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The value.
    pub value: Value,
    /// The line range of the source that gave this value, if known.
    pub origin: Option<Origin>,
}

/// A field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A literal in BibLaTeX source form: UTF-8 text where TeX specials are
    /// escaped (`\&`), case protection braces and math are kept, and accent
    /// macros have been decoded to Unicode. Dates, DOIs and URLs are stored raw.
    Text(String),
    /// A name list (author, editor, ...).
    Names(Vec<Name>),
}

/// A place an entry was read from: a file and a 1-based inclusive line range.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Source {
    /// The file, as given on the command line or relative to the project root.
    pub file: String,
    /// First line of the record.
    pub line_start: u32,
    /// Last line of the record.
    pub line_end: u32,
    /// The letter a reference list printed after the year (`2015a`) to tell
    /// apart works of the same authors and year. It belongs to that list, not
    /// to the work (another paper may call the same work `2015b`), so it is
    /// kept with the source; in-text citations are matched by it.
    pub year_suffix: Option<String>,
}

/// Where one field value came from: an index into [`Entry::sources`] and a line range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// Index into the entry's `sources`.
    pub source: usize,
    /// First line of the value.
    pub line_start: u32,
    /// Last line of the value.
    pub line_end: u32,
}

/// Source data without a BibLaTeX counterpart, such as a RIS tag we do not map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    /// The tag or field name in the source format (`AN`, `DB`, ...).
    pub tag: String,
    /// The raw value.
    pub value: String,
    /// Index into the entry's `sources`.
    pub source: usize,
    /// The line it was read from.
    pub line: u32,
}

impl Entry {
    /// Creates an entry without fields.
    pub fn new(key: impl Into<String>, entry_type: impl Into<String>) -> Self {
        Entry {
            key: key.into(),
            entry_type: entry_type.into(),
            fields: IndexMap::new(),
            sources: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// The field's text, if it is a literal field.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.field(name).map(|field| &field.value) {
            Some(Value::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// The field's names, if it is a name list.
    pub fn names(&self, name: &str) -> Option<&[Name]> {
        match self.field(name).map(|field| &field.value) {
            Some(Value::Names(names)) => Some(names),
            _ => None,
        }
    }

    /// The field, found by comparing names when there are few (cheaper than
    /// hashing the name, and entries have a dozen fields or so).
    fn field(&self, name: &str) -> Option<&Field> {
        if self.fields.len() > 16 {
            return self.fields.get(name);
        }
        self.fields.iter().find(|(key, _)| key.as_str() == name).map(|(_, field)| field)
    }

    /// Sets a field, replacing any previous value but keeping its position.
    pub fn set(&mut self, name: &str, value: Value, origin: Option<Origin>) {
        self.fields.insert(name.to_string(), Field { value, origin });
    }

    /// Sets a literal field.
    pub fn set_text(
        &mut self,
        name: &str,
        text: impl Into<String>,
        origin: Option<Origin>,
    ) {
        self.set(name, Value::Text(text.into()), origin);
    }

    /// The publication year, from `date` or `year`.
    pub fn year(&self) -> Option<i32> {
        if let Some(date) = self.text("date")
            && let Ok(year) = Date::parse_year(date)
        {
            return year;
        }
        let year = self.text("year")?;
        let digits: String = year.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.len() == 4 { digits.parse().ok() } else { None }
    }

    /// The first author's (or else editor's) family name or literal name.
    pub fn first_family(&self) -> Option<&str> {
        ["author", "editor", "bookauthor", "translator"].into_iter().find_map(|field| {
            self.names(field).and_then(|names| names.first()).map(|name| name.sort_name())
        })
    }

    /// Puts fields in canonical order (see [`canonical_rank`]); fields of
    /// equal rank keep their relative order.
    pub fn sort_fields(&mut self) {
        // Every reader sorts and the store sorts again: most calls find the
        // fields in order already, and then neither sort nor re-hash them.
        let mut ranks = self.fields.keys().map(|name| canonical_rank(name));
        let mut previous = 0;
        if ranks.all(|rank| std::mem::replace(&mut previous, rank) <= rank) {
            return;
        }
        self.fields.sort_by_cached_key(|name, _| canonical_rank(name));
    }
}
