//! One reference string to one entry.

use crate::model::Entry;

/// What parsing one reference string gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedReference {
    /// The entry (no key, no sources: the caller adds them).
    pub entry: Entry,
    /// The year suffix printed after the year (`2015a`): it belongs to the
    /// citing document's list, not to the work.
    pub year_suffix: Option<String>,
    /// What could not be read with confidence.
    pub warnings: Vec<String>,
}

/// Parses one reference string (plain text or markdown) into an entry.
pub fn parse_reference(text: &str) -> ParsedReference {
    let mut entry = Entry::new("", "misc");
    entry.set_text("note", crate::tex::escape(text.trim()), None);
    ParsedReference { entry, year_suffix: None, warnings: vec!["not parsed".into()] }
}
