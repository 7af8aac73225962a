//! Whether the store is what its sources build (`SYNC001`): the store is
//! rebuilt in memory from the files its provenance records, as `biblink
//! build` would, and compared entry by entry and field by field.
//!
//! Values that no source gave (fields `biblink resolve` filled from a DOI
//! registry have no origin) are not compared: a rebuild cannot reproduce
//! them, and they are not out of date.

use std::collections::HashMap;

use super::Finding;
use crate::diag::Position;
use crate::model::Entry;
use crate::store::Store;

/// Compares the store as saved (`stored`, its `.bib` named `file`, each
/// key's line in it in `lines`) with the store rebuilt from its sources.
pub fn check_sync(
    stored: &Store,
    rebuilt: &Store,
    file: &str,
    lines: &HashMap<String, u32>,
) -> Vec<Finding> {
    // The rebuilt store as it would be written and read back: values in the
    // form the saved store holds them.
    let written = crate::bib::parse(&rebuilt.to_bib_string(), file).value.entries;
    let by_key: HashMap<&str, &Entry> =
        written.iter().map(|e| (e.key.as_str(), e)).collect();
    let at = |key: &str| Position::line(lines.get(key).copied().unwrap_or(0));
    let help = "run `biblink build` and commit the store";
    let mut out = Vec::new();
    for entry in stored.entries() {
        let key = entry.key.as_str();
        let Some(fresh) = by_key.get(key) else {
            let from = entry.sources.first().map_or("no source".to_string(), |s| {
                format!("{}:{}", s.file, s.line_start)
            });
            out.push(
                Finding::new(
                    "SYNC001",
                    file,
                    at(key),
                    format!("a rebuild would remove '{key}': no source gives it (recorded: {from})"),
                )
                .with_key(key)
                .with_help(help),
            );
            continue;
        };
        let mut changes = Vec::new();
        if fresh.entry_type != entry.entry_type {
            changes.push(format!("type @{} → @{}", entry.entry_type, fresh.entry_type));
        }
        for (name, field) in &fresh.fields {
            match entry.fields.get(name) {
                None => changes.push(format!("'{name}' added")),
                Some(old) if old.value != field.value => {
                    changes.push(format!("'{name}' changed"))
                }
                Some(_) => {}
            }
        }
        for (name, field) in &entry.fields {
            if field.origin.is_some() && !fresh.fields.contains_key(name) {
                changes.push(format!("'{name}' removed"));
            }
        }
        if !changes.is_empty() {
            out.push(
                Finding::new(
                    "SYNC001",
                    file,
                    at(key),
                    format!(
                        "'{key}' is out of date with its sources: {}",
                        changes.join(", ")
                    ),
                )
                .with_key(key)
                .with_help(help),
            );
        }
    }
    for entry in &written {
        if stored.get(&entry.key).is_none() {
            let from = rebuilt
                .get(&entry.key)
                .and_then(|e| e.sources.first())
                .map_or(String::new(), |s| format!(" from {}:{}", s.file, s.line_start));
            out.push(
                Finding::new(
                    "SYNC001",
                    file,
                    Position::default(),
                    format!("a rebuild would add '{}'{from}", entry.key),
                )
                .with_help(help),
            );
        }
    }
    super::sort(&mut out);
    out
}
