//! The store: `refs/references.bib` plus `refs/provenance.jsonl`, merged on
//! import, written atomically under a lock.
//!
//! Invariants: one entry per work (same DOI, or same normalised title + year +
//! first author); keys are unique and never change once given; entries are
//! written sorted by key; the provenance file has one line per entry, in the
//! same order, giving every source and the line range of every field.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::bib;
use crate::diag::{Diagnostic, Parsed, Position, Severity};
use crate::model::{Entry, Extra, Field, Name, Origin, Source, Value};
use crate::tex;

/// The BibLaTeX file of a store.
pub const BIB_FILE: &str = "references.bib";
/// The provenance file of a store.
pub const PROVENANCE_FILE: &str = "provenance.jsonl";
const LOCK_FILE: &str = ".biblink.lock";

/// Store-level failures: the store could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A file of the store could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The store's own files are damaged.
    #[error("{0}")]
    Damaged(String),
}

/// The entries of a store and the indexes used to merge into it.
#[derive(Debug, Clone, Default)]
pub struct Store {
    entries: Vec<Entry>,
    by_key: HashMap<String, usize>,
    by_doi: HashMap<String, usize>,
    by_work: HashMap<String, usize>,
    /// Keys that an earlier version of the store gave to works, by identity:
    /// a rebuild gives a work its old key back.
    key_hints: HashMap<String, String>,
    key_pattern: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Entries added as new works.
    pub added: usize,
    /// Entries merged into a work already in the store.
    pub merged: usize,
    /// Keys of the entries touched, in input order.
    pub keys: Vec<String>,
}

/// Holds the store's lock until dropped.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

impl Store {
    /// An empty store whose new keys follow `key_pattern`.
    pub fn new(key_pattern: &str) -> Self {
        Store { key_pattern: key_pattern.to_string(), ..Store::default() }
    }

    /// Loads the store in `dir`; a missing store is an empty one.
    pub fn load(dir: &Path, key_pattern: &str) -> Result<Parsed<Store>, StoreError> {
        let mut store = Store::new(key_pattern);
        let bib_path = dir.join(BIB_FILE);
        let text = match fs::read(&bib_path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|error| {
                StoreError::Damaged(format!(
                    "{}: not UTF-8 ({error})",
                    bib_path.display()
                ))
            })?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Parsed { value: store, diagnostics: Vec::new() });
            }
            Err(source) => return Err(StoreError::Io { path: bib_path, source }),
        };
        let file_name = bib_path.display().to_string();
        let parsed = bib::parse(&text, &file_name);
        let diagnostics = parsed.diagnostics;
        let mut provenance: HashMap<String, ProvenanceLine> = HashMap::new();
        let provenance_path = dir.join(PROVENANCE_FILE);
        match fs::read_to_string(&provenance_path) {
            Ok(text) => {
                for (line_idx, line) in text.lines().enumerate() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    let record: ProvenanceLine =
                        serde_json::from_str(line).map_err(|error| {
                            StoreError::Damaged(format!(
                                "{}:{}: {error}",
                                provenance_path.display(),
                                line_idx + 1
                            ))
                        })?;
                    provenance.insert(record.key.clone(), record);
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(StoreError::Io { path: provenance_path, source }),
        }
        for mut entry in parsed.value.entries {
            // Entries added by hand keep the store file itself as their source.
            if let Some(record) = provenance.remove(&entry.key) {
                record.apply(&mut entry);
            }
            store.insert_new(entry);
        }
        Ok(Parsed { value: store, diagnostics })
    }

    /// Takes the store's lock, waiting for another biblink to finish first.
    /// `on_wait` is called once if the lock is busy.
    pub fn lock(
        dir: &Path,
        exclusive: bool,
        on_wait: impl FnOnce(),
    ) -> Result<StoreLock, StoreError> {
        let io_error = |source| StoreError::Io { path: dir.join(LOCK_FILE), source };
        if exclusive {
            fs::create_dir_all(dir).map_err(io_error)?;
        } else if !dir.join(LOCK_FILE).exists() && !dir.exists() {
            // Nothing to protect: reading a store that does not exist.
            let file = tempfile::tempfile().map_err(io_error)?;
            return Ok(StoreLock { _file: file });
        }
        let file = File::options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(dir.join(LOCK_FILE))
            .map_err(io_error)?;
        let acquired = if exclusive { file.try_lock() } else { file.try_lock_shared() };
        if acquired.is_err() {
            on_wait();
            if exclusive { file.lock() } else { file.lock_shared() }.map_err(io_error)?;
        }
        Ok(StoreLock { _file: file })
    }

    /// Remembers the keys of `previous` so that a rebuild reuses them.
    pub fn keep_keys_of(&mut self, previous: &Store) {
        for entry in &previous.entries {
            for identity in identities(entry) {
                self.key_hints.insert(identity, entry.key.clone());
            }
        }
    }

    /// Entries sorted by key.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.by_key.get(key).map(|&idx| &self.entries[idx])
    }

    /// Merges entries into the store. Each becomes a new entry with a key, or
    /// is merged into the entry of the same work; conflicting values keep the
    /// stored one and are reported.
    pub fn import(&mut self, entries: Vec<Entry>) -> (ImportReport, Vec<Diagnostic>) {
        let mut report = ImportReport::default();
        let mut diagnostics = Vec::new();
        for mut entry in entries {
            diagnostics.extend(crate::normalize::normalize(&mut entry));
            let existing = identities(&entry).into_iter().find_map(|identity| {
                if identity.starts_with("doi:") {
                    self.by_doi.get(&identity).copied()
                } else {
                    self.by_work.get(&identity).copied()
                }
            });
            match existing {
                Some(idx) => {
                    merge_into(&mut self.entries[idx], entry, &mut diagnostics);
                    let target = &self.entries[idx];
                    for identity in identities(target) {
                        self.index_identity(identity, idx);
                    }
                    report.merged += 1;
                    report.keys.push(self.entries[idx].key.clone());
                }
                None => {
                    let key = self.assign_key(&entry, &mut diagnostics);
                    entry.key = key.clone();
                    self.insert_new(entry);
                    report.added += 1;
                    report.keys.push(key);
                }
            }
        }
        (report, diagnostics)
    }

    fn assign_key(&self, entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> String {
        if let Some(hint) =
            identities(entry).iter().find_map(|identity| self.key_hints.get(identity))
            && !self.by_key.contains_key(hint)
        {
            return hint.clone();
        }
        if !entry.key.is_empty() {
            if !self.by_key.contains_key(&entry.key) {
                return entry.key.clone();
            }
            let new_key =
                bib::key::unique_key(&entry.key, |key| self.by_key.contains_key(key));
            if let Some(source) = entry.sources.first() {
                diagnostics.push(Diagnostic::new(
                    "STORE002",
                    Severity::Warning,
                    &source.file,
                    Position::line(source.line_start),
                    format!("key '{}' already names another work in the store; imported as '{new_key}'", entry.key),
                ));
            }
            return new_key;
        }
        let base = bib::key::base_key(entry, &self.key_pattern);
        bib::key::unique_key(&base, |key| self.by_key.contains_key(key))
    }

    fn insert_new(&mut self, entry: Entry) {
        let idx = self.entries.len();
        self.by_key.insert(entry.key.clone(), idx);
        for identity in identities(&entry) {
            self.index_identity(identity, idx);
        }
        self.entries.push(entry);
    }

    fn index_identity(&mut self, identity: String, idx: usize) {
        let index = if identity.starts_with("doi:") {
            &mut self.by_doi
        } else {
            &mut self.by_work
        };
        index.entry(identity).or_insert(idx);
    }

    /// Sorts the entries by key (the order they are written in).
    pub fn sort(&mut self) {
        self.entries.sort_by(|a, b| a.key.cmp(&b.key));
        self.by_key.clear();
        self.by_doi.clear();
        self.by_work.clear();
        for idx in 0..self.entries.len() {
            self.by_key.insert(self.entries[idx].key.clone(), idx);
            for identity in identities(&self.entries[idx]) {
                self.index_identity(identity, idx);
            }
        }
    }

    /// The store's `.bib` text.
    pub fn to_bib_string(&self) -> String {
        let mut out = String::from(
            "% BibLaTeX store written by biblink; one entry per work, sorted by key.\n% Where each value came from: provenance.jsonl beside this file.\n\n",
        );
        out.push_str(&bib::to_bib_string(&self.entries));
        out
    }

    /// The store's provenance text: one JSON object per entry, in key order.
    pub fn to_provenance_string(&self) -> String {
        let mut out = String::with_capacity(self.entries.len() * 256);
        for entry in &self.entries {
            let line = ProvenanceLine::of(entry);
            // Serialising plain data to a String cannot fail.
            out.push_str(&serde_json::to_string(&line).unwrap_or_default());
            out.push('\n');
        }
        out
    }

    /// Writes the store into `dir` (sorted by key), each file through a
    /// temporary file and a rename so that no reader sees half a store.
    pub fn save(&mut self, dir: &Path) -> Result<(), StoreError> {
        self.sort();
        fs::create_dir_all(dir)
            .map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        let provenance = self.to_provenance_string();
        let bib_text = self.to_bib_string();
        write_atomic(&dir.join(PROVENANCE_FILE), provenance.as_bytes())?;
        write_atomic(&dir.join(BIB_FILE), bib_text.as_bytes())?;
        Ok(())
    }

    /// Entries matching every word of `query` (case- and accent-insensitive)
    /// in their key, names, titles, container or year.
    pub fn find(&self, query: &str) -> Vec<&Entry> {
        let words: Vec<String> =
            fold(query).split_whitespace().map(str::to_string).collect();
        self.entries
            .iter()
            .filter(|entry| {
                let haystack = search_text(entry);
                words.iter().all(|word| haystack.contains(word.as_str()))
            })
            .collect()
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir =
        path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let io_error = |source| StoreError::Io { path: path.to_path_buf(), source };
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io_error)?;
    temp.write_all(bytes).map_err(io_error)?;
    temp.as_file().sync_all().map_err(io_error)?;
    temp.persist(path).map_err(|error| io_error(error.error))?;
    Ok(())
}

fn fold(text: &str) -> String {
    deunicode::deunicode(&tex::to_plain(text, false)).to_lowercase()
}

fn search_text(entry: &Entry) -> String {
    let mut text = entry.key.to_lowercase();
    for (name, field) in &entry.fields {
        match &field.value {
            Value::Names(names) => {
                for person in names {
                    text.push(' ');
                    match person {
                        Name::Person { family, given, prefix, .. } => {
                            text.push_str(&fold(&format!("{given} {prefix} {family}")));
                        }
                        Name::Literal(literal) => text.push_str(&fold(literal)),
                        Name::Others => {}
                    }
                }
            }
            Value::Text(value) => {
                if matches!(
                    name.as_str(),
                    "title"
                        | "subtitle"
                        | "booktitle"
                        | "journaltitle"
                        | "date"
                        | "year"
                        | "shorttitle"
                ) {
                    text.push(' ');
                    text.push_str(&fold(value));
                }
            }
        }
    }
    text
}

/// The identities a work is matched by: its DOI, and its normalised title + year + first author.
fn identities(entry: &Entry) -> Vec<String> {
    let mut out = Vec::with_capacity(2);
    if let Some(doi) = entry.text("doi") {
        out.push(format!("doi:{}", doi.trim().to_lowercase()));
    }
    let title = entry.text("title").map(|t| compact(&fold(t))).unwrap_or_default();
    if !title.is_empty() {
        let year = entry.year().map(|y| y.to_string()).unwrap_or_default();
        let family = entry.first_family().map(|f| compact(&fold(f))).unwrap_or_default();
        out.push(format!("work:{title}|{year}|{family}"));
    }
    out
}

fn compact(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

fn same_value(name: &str, a: &Value, b: &Value) -> bool {
    match (a, b) {
        // `2015` and `2015-06-18` agree; only the precision differs.
        (Value::Text(a), Value::Text(b))
            if crate::model::field_kind(name) == crate::model::FieldKind::Date =>
        {
            a.starts_with(b.as_str()) || b.starts_with(a.as_str())
        }
        (Value::Text(a), Value::Text(b)) => compact(&fold(a)) == compact(&fold(b)),
        (Value::Names(a), Value::Names(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|(x, y)| {
                    compact(&fold(x.sort_name())) == compact(&fold(y.sort_name()))
                })
        }
        _ => false,
    }
}

fn display_value(value: &Value) -> String {
    match value {
        Value::Text(text) => tex::to_plain(text, true),
        Value::Names(names) => tex::to_plain(&bib::write_names(names), true),
    }
}

fn merge_into(target: &mut Entry, incoming: Entry, diagnostics: &mut Vec<Diagnostic>) {
    let mut source_map = Vec::with_capacity(incoming.sources.len());
    for source in incoming.sources {
        match target.sources.iter().position(|existing| *existing == source) {
            Some(idx) => source_map.push(idx),
            None => {
                target.sources.push(source);
                source_map.push(target.sources.len() - 1);
            }
        }
    }
    let remap = |idx: usize| source_map.get(idx).copied().unwrap_or(0);
    let mut added = false;
    for (name, field) in incoming.fields {
        let origin =
            field.origin.map(|origin| Origin { source: remap(origin.source), ..origin });
        match target.fields.get(&name) {
            None => {
                target.fields.insert(name, Field { value: field.value, origin });
                added = true;
            }
            Some(existing) if same_value(&name, &existing.value, &field.value) => {}
            Some(existing) => {
                let source = origin.map_or(0, |o| o.source);
                let (file, line) = target
                    .sources
                    .get(source)
                    .map(|s| {
                        (s.file.clone(), origin.map_or(s.line_start, |o| o.line_start))
                    })
                    .unwrap_or_default();
                let kept_from = existing
                    .origin
                    .and_then(|o| {
                        target
                            .sources
                            .get(o.source)
                            .map(|s| format!(" (from {}:{})", s.file, o.line_start))
                    })
                    .unwrap_or_default();
                diagnostics.push(
                    Diagnostic::new(
                        "STORE001",
                        Severity::Warning,
                        &file,
                        Position::line(line),
                        format!(
                            "'{}' of '{}' is '{}' here but '{}' in the store{kept_from}; kept the stored value",
                            name,
                            target.key,
                            display_value(&field.value),
                            display_value(&existing.value)
                        ),
                    )
                    .with_help("correct the source that is wrong, then run the import again"),
                );
            }
        }
    }
    for extra in incoming.extra {
        let extra = Extra { source: remap(extra.source), ..extra };
        if !target.extra.contains(&extra) {
            target.extra.push(extra);
        }
    }
    if added {
        target.sort_fields();
    }
}

/// One line of `provenance.jsonl`.
#[derive(Debug, Serialize, Deserialize)]
struct ProvenanceLine {
    key: String,
    sources: Vec<SourceJson>,
    /// Field name → `[source index, first line, last line]`.
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    fields: indexmap::IndexMap<String, [u32; 3]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    extra: Vec<ExtraJson>,
}

#[derive(Debug, Serialize, Deserialize)]
struct SourceJson {
    file: String,
    line_start: u32,
    line_end: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct ExtraJson {
    tag: String,
    value: String,
    source: u32,
    line: u32,
}

impl ProvenanceLine {
    fn of(entry: &Entry) -> Self {
        ProvenanceLine {
            key: entry.key.clone(),
            sources: entry
                .sources
                .iter()
                .map(|s| SourceJson {
                    file: s.file.clone(),
                    line_start: s.line_start,
                    line_end: s.line_end,
                })
                .collect(),
            fields: entry
                .fields
                .iter()
                .filter_map(|(name, field)| {
                    field.origin.map(|o| {
                        (name.clone(), [o.source as u32, o.line_start, o.line_end])
                    })
                })
                .collect(),
            extra: entry
                .extra
                .iter()
                .map(|e| ExtraJson {
                    tag: e.tag.clone(),
                    value: e.value.clone(),
                    source: e.source as u32,
                    line: e.line,
                })
                .collect(),
        }
    }

    fn apply(self, entry: &mut Entry) {
        entry.sources = self
            .sources
            .into_iter()
            .map(|s| Source {
                file: s.file,
                line_start: s.line_start,
                line_end: s.line_end,
            })
            .collect();
        for field in entry.fields.values_mut() {
            field.origin = None;
        }
        for (name, [source, line_start, line_end]) in self.fields {
            if let Some(field) = entry.fields.get_mut(&name) {
                field.origin =
                    Some(Origin { source: source as usize, line_start, line_end });
            }
        }
        entry.extra = self
            .extra
            .into_iter()
            .map(|e| Extra {
                tag: e.tag,
                value: e.value,
                source: e.source as usize,
                line: e.line,
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, doi: Option<&str>, file: &str) -> Entry {
        let mut entry = Entry::new("", "article");
        entry.set("author", Value::Names(vec![Name::person("Chong", "Gladys")]), None);
        entry.set_text(
            "title",
            title,
            Some(Origin { source: 0, line_start: 2, line_end: 2 }),
        );
        entry.set_text("date", "2019-07", None);
        if let Some(doi) = doi {
            entry.set_text("doi", doi, None);
        }
        entry.sources.push(Source { file: file.into(), line_start: 1, line_end: 5 });
        entry
    }

    #[test]
    fn same_work_merges_with_both_sources_and_reports_conflicts() {
        let mut store = Store::new(bib::key::DEFAULT_PATTERN);
        let (report, diags) =
            store.import(vec![article("Cashless China", Some("10.1/X"), "a.ris")]);
        assert_eq!((report.added, report.merged), (1, 0));
        assert!(diags.is_empty());
        let mut second = article("Cashless China!", Some("10.1/x"), "b.ris");
        second.set_text("volume", "12", None);
        second.set_text("pages", "1--2", None);
        let (report, diags) = store.import(vec![second]);
        assert_eq!((report.added, report.merged), (0, 1));
        assert!(
            diags.is_empty(),
            "punctuation-only differences are not conflicts: {diags:?}"
        );
        let entry = store.get("chong2019cashless").expect("merged entry");
        assert_eq!(entry.sources.len(), 2);
        assert_eq!(entry.text("volume"), Some("12"));
        let mut third = article("Cashless China", None, "c.ris");
        third.set_text("volume", "13", None);
        let (report, diags) = store.import(vec![third]);
        assert_eq!(report.merged, 1);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "STORE001");
        assert_eq!(
            store.get("chong2019cashless").and_then(|e| e.text("volume")),
            Some("12")
        );
    }

    #[test]
    fn different_works_get_suffixed_keys() {
        let mut store = Store::new(bib::key::DEFAULT_PATTERN);
        store.import(vec![
            article("Cashless China", None, "a"),
            article("Cashless societies", None, "a"),
        ]);
        let keys: Vec<&str> = store.entries().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["chong2019cashless", "chong2019cashlessa"]);
    }
}
