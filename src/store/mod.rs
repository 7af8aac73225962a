//! The store: `refs/references.bib` plus `refs/provenance.jsonl`, merged on
//! import, written atomically under a lock.
//!
//! Invariants: one entry per work (same DOI, or same normalised title + year +
//! first author); keys are unique and never change once given; entries are
//! written sorted by key; the provenance file has one line per entry, in the
//! same order, giving every source and the line range of every field.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::bib;
use crate::diag::{Diagnostic, Parsed, Position, Severity};
use crate::model::{Entry, Extra, Field, Name, Origin, Value};
use crate::tex;

mod provenance;

use provenance::{ProvenanceOf, ProvenanceRecord, ProvenanceRecords};

/// The BibLaTeX file of a store.
pub const BIB_FILE: &str = "references.bib";
/// The provenance file of a store.
pub const PROVENANCE_FILE: &str = "provenance.jsonl";
const LOCK_FILE: &str = ".biblink.lock";
const BIB_HEADER: &str = "% BibLaTeX store written by biblink; one entry per work, sorted by key.\n% Where each value came from: provenance.jsonl beside this file.\n\n";

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
    /// For each base key that collided, the suffix counter to try next, so
    /// that many works with one base key (`anonnd`) cost no quadratic search.
    next_suffix: HashMap<String, usize>,
    /// Whether the indexes are what [`Store::sort`] would rebuild, but for
    /// `stale_identities`: every identity of every entry, each held by
    /// exactly one entry.
    index_is_canonical: bool,
    /// Identities an entry lost when a merge completed it (an author or a
    /// date added), with the entry: still found until the next sort, as
    /// they always were, and then dropped.
    stale_identities: Vec<(String, usize)>,
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
        Store {
            key_pattern: key_pattern.to_string(),
            index_is_canonical: true,
            ..Store::default()
        }
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
        let provenance_path = dir.join(PROVENANCE_FILE);
        // The provenance file is read and parsed while the .bib is parsed;
        // its records borrow from a text that outlives the threads.
        let provenance_text = std::sync::OnceLock::new();
        let (parsed, provenance) = std::thread::scope(|scope| {
            let provenance = scope.spawn(|| {
                let text = match fs::read_to_string(&provenance_path) {
                    Ok(text) => text,
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                        String::new()
                    }
                    Err(source) => {
                        return Err(StoreError::Io {
                            path: provenance_path.clone(),
                            source,
                        });
                    }
                };
                ProvenanceRecords::parse(
                    provenance_text.get_or_init(|| text),
                    &provenance_path,
                )
            });
            let parsed = parse_bib_entries(&text, &file_name);
            match provenance.join() {
                Ok(provenance) => (parsed, provenance),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        let mut provenance = provenance?;
        let diagnostics = parsed.diagnostics;
        // Records are found in order; applying them and computing the
        // identities is done on all cores.
        let mut entries: Vec<(Entry, Option<ProvenanceRecord<'_>>)> = parsed
            .value
            .into_iter()
            .map(|entry| {
                let record = provenance.take(&entry.key);
                (entry, record)
            })
            .collect();
        let entry_identities = for_each_in_parallel(&mut entries, |(entry, record)| {
            // Entries added by hand keep the store file itself as their source.
            if let Some(record) = record.take() {
                record.apply(entry);
            }
            identities(entry)
        });
        // What `insert_with` does entry by entry, with the key index built on
        // one core and the identity indexes on another.
        let entries: Vec<Entry> = entries.into_iter().map(|(entry, _)| entry).collect();
        let by_key = std::thread::scope(|scope| {
            let by_key = scope.spawn(|| {
                let mut by_key = HashMap::with_capacity(entries.len());
                for (idx, entry) in entries.iter().enumerate() {
                    by_key.insert(entry.key.clone(), idx);
                }
                by_key
            });
            store.by_work.reserve(entries.len());
            for (idx, entry_identities) in entry_identities.into_iter().enumerate() {
                for identity in entry_identities {
                    store.index_identity(identity, idx);
                }
            }
            match by_key.join() {
                Ok(by_key) => by_key,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        store.by_key = by_key;
        store.entries = entries;
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

    /// Changes the entry at `idx` (of [`Store::entries`]) in place, through
    /// `change`; its key must stay. The identity indexes are rebuilt at the
    /// next [`Store::sort`] (every save sorts).
    pub fn update_entry<T>(
        &mut self,
        idx: usize,
        change: impl FnOnce(&mut Entry) -> T,
    ) -> T {
        let key = self.entries[idx].key.clone();
        let out = change(&mut self.entries[idx]);
        debug_assert_eq!(self.entries[idx].key, key, "update_entry must keep the key");
        self.entries[idx].key = key;
        self.index_is_canonical = false;
        out
    }

    /// Merges entries into the store. Each becomes a new entry with a key, or
    /// is merged into the entry of the same work; conflicting values keep the
    /// stored one and are reported.
    pub fn import(&mut self, mut entries: Vec<Entry>) -> (ImportReport, Vec<Diagnostic>) {
        let mut report = ImportReport::default();
        let mut diagnostics = Vec::new();
        // What each entry needs that does not depend on the store is worked
        // out first, on all cores; the merge itself then runs in input order.
        let key_pattern = self.key_pattern.as_str();
        let prepared = for_each_in_parallel(&mut entries, |entry| {
            let notes = crate::normalize::normalize(entry);
            // A new entry is indexed by the same identities it was looked up by.
            let entry_identities = identities(entry);
            let base_key =
                entry.key.is_empty().then(|| bib::key::base_key(entry, key_pattern));
            (notes, entry_identities, base_key)
        });
        self.entries.reserve(entries.len());
        for (mut entry, (notes, entry_identities, base_key)) in
            entries.into_iter().zip(prepared)
        {
            diagnostics.extend(notes);
            let existing = entry_identities.iter().find_map(|identity| {
                if identity.starts_with("doi:") {
                    self.by_doi.get(identity).copied()
                } else {
                    self.by_work.get(identity).copied()
                }
            });
            match existing {
                Some(idx) => {
                    let before = identities(&self.entries[idx]);
                    merge_into(&mut self.entries[idx], entry, &mut diagnostics);
                    let after = identities(&self.entries[idx]);
                    for identity in before {
                        if !after.contains(&identity) {
                            self.stale_identities.push((identity, idx));
                        }
                    }
                    for identity in after {
                        self.index_identity(identity, idx);
                    }
                    report.merged += 1;
                    report.keys.push(self.entries[idx].key.clone());
                }
                None => {
                    let key = self.assign_key(
                        &entry,
                        &entry_identities,
                        base_key,
                        &mut diagnostics,
                    );
                    entry.key = key.clone();
                    self.insert_with(entry, entry_identities);
                    report.added += 1;
                    report.keys.push(key);
                }
            }
        }
        (report, diagnostics)
    }

    fn assign_key(
        &mut self,
        entry: &Entry,
        entry_identities: &[String],
        base_key: Option<String>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> String {
        if let Some(hint) =
            entry_identities.iter().find_map(|identity| self.key_hints.get(identity))
            && !self.by_key.contains_key(hint)
        {
            return hint.clone();
        }
        if !entry.key.is_empty() {
            if !self.by_key.contains_key(&entry.key) {
                return entry.key.clone();
            }
            let new_key = self.unique_key(&entry.key);
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
        let base =
            base_key.unwrap_or_else(|| bib::key::base_key(entry, &self.key_pattern));
        self.unique_key(&base)
    }

    /// `base`, or the first free `base` + `a`, `b`, ... (resuming where the last
    /// collision on `base` stopped).
    fn unique_key(&mut self, base: &str) -> String {
        if !self.by_key.contains_key(base) {
            return base.to_string();
        }
        let counter = self.next_suffix.entry(base.to_string()).or_insert(0);
        let (key, next) = bib::key::unique_key_from(base, *counter, |key| {
            self.by_key.contains_key(key)
        });
        *counter = next;
        key
    }

    fn insert_with(&mut self, entry: Entry, entry_identities: Vec<String>) {
        let idx = self.entries.len();
        self.by_key.insert(entry.key.clone(), idx);
        for identity in entry_identities {
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
        let indexed = *index.entry(identity).or_insert(idx);
        if indexed != idx {
            // Two entries claim one identity (a hand-edited store can hold
            // duplicates): which one an identity leads to depends on the order.
            self.index_is_canonical = false;
        }
    }

    /// Sorts the entries by key (the order they are written in).
    ///
    /// The indexes then give each identity to the first entry, in key order,
    /// that has it. When every identity belongs to exactly one entry that is
    /// a matter of renumbering and of dropping stale identities; otherwise
    /// the indexes are rebuilt.
    pub fn sort(&mut self) {
        for (identity, idx) in std::mem::take(&mut self.stale_identities) {
            let index = if identity.starts_with("doi:") {
                &mut self.by_doi
            } else {
                &mut self.by_work
            };
            // Held by this entry alone (else the index is not canonical and
            // is rebuilt below anyway), and no longer one of its identities.
            if index.get(&identity) == Some(&idx)
                && !identities(&self.entries[idx]).contains(&identity)
            {
                index.remove(&identity);
            }
        }
        let mut order: Vec<usize> = (0..self.entries.len()).collect();
        // Stable, as `sort_by` on the entries was: equal keys keep their order.
        order.sort_by(|&a, &b| self.entries[a].key.cmp(&self.entries[b].key));
        let already_sorted = order.iter().enumerate().all(|(new, &old)| new == old);
        if !already_sorted {
            let mut new_position = vec![0; order.len()];
            for (new, &old) in order.iter().enumerate() {
                new_position[old] = new;
            }
            let mut placed: Vec<(usize, Entry)> = std::mem::take(&mut self.entries)
                .into_iter()
                .enumerate()
                .map(|(old, entry)| (new_position[old], entry))
                .collect();
            placed.sort_unstable_by_key(|(new, _)| *new);
            self.entries = placed.into_iter().map(|(_, entry)| entry).collect();
            for index in [&mut self.by_key, &mut self.by_doi, &mut self.by_work] {
                for idx in index.values_mut() {
                    *idx = new_position[*idx];
                }
            }
        }
        if self.index_is_canonical {
            return;
        }
        self.by_key.clear();
        self.by_doi.clear();
        self.by_work.clear();
        self.index_is_canonical = true;
        for idx in 0..self.entries.len() {
            self.by_key.insert(self.entries[idx].key.clone(), idx);
            for identity in identities(&self.entries[idx]) {
                self.index_identity(identity, idx);
            }
        }
    }

    /// The store's `.bib` text.
    pub fn to_bib_string(&self) -> String {
        let mut out = String::from(BIB_HEADER);
        out.push_str(&bib::to_bib_string(&self.entries));
        out
    }

    /// The store's provenance text: one JSON object per entry, in key order.
    pub fn to_provenance_string(&self) -> String {
        let mut out = Vec::with_capacity(self.entries.len() * 256);
        // Writing to a Vec cannot fail.
        let _ = self.write_provenance(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    fn write_provenance(&self, out: &mut impl Write) -> std::io::Result<()> {
        write_rendered(out, &self.entries, |_first_idx, entries, buffer| {
            for entry in entries {
                // Writing to a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *buffer, &ProvenanceOf(entry));
                buffer.push(b'\n');
            }
        })
    }

    /// Writes what [`Store::to_bib_string`] returns.
    fn write_bib(&self, out: &mut impl Write) -> std::io::Result<()> {
        out.write_all(BIB_HEADER.as_bytes())?;
        write_rendered(out, &self.entries, |first_idx, entries, buffer| {
            let mut text = String::with_capacity(entries.len() * 800);
            for (idx, entry) in entries.iter().enumerate() {
                if first_idx + idx > 0 {
                    text.push('\n');
                }
                bib::write_entry(entry, &mut text);
            }
            buffer.extend_from_slice(text.as_bytes());
        })
    }

    /// Writes the store into `dir` (sorted by key), each file through a
    /// temporary file and a rename so that no reader sees half a store.
    /// Provenance is renamed into place first, as it always has been.
    pub fn save(&mut self, dir: &Path) -> Result<(), StoreError> {
        self.sort();
        fs::create_dir_all(dir)
            .map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        // The files are streamed rather than built as strings first: a store
        // of 100k entries would otherwise hold another 100 MB at its peak.
        write_atomic_with(&dir.join(PROVENANCE_FILE), |out| self.write_provenance(out))?;
        write_atomic_with(&dir.join(BIB_FILE), |out| self.write_bib(out))?;
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

/// The entries and diagnostics of `bib::parse(text, file)`, on all cores when
/// the text allows it.
///
/// A store's `.bib` is cut at lines that start with `@` after a blank line
/// and the parts are read side by side. That gives exactly what one pass gives when every part
/// reads without a diagnostic (so each cut was between entries), no key is
/// used in two parts and nothing is shared between entries (`@string`); the
/// entries of later parts then only need their line numbers moved. In any
/// other case the text is read again in one pass.
fn parse_bib_entries(text: &str, file: &str) -> Parsed<Vec<Entry>> {
    let n_parts = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(text.len() / BIB_PART_BYTES)
        .max(1);
    if n_parts > 1
        && !text.contains('\r')
        && !defines_strings(text)
        && let Some(entries) = parse_bib_in_parts(text, file, n_parts)
    {
        return Parsed { value: entries, diagnostics: Vec::new() };
    }
    let parsed = bib::parse(text, file);
    Parsed { value: parsed.value.entries, diagnostics: parsed.diagnostics }
}

/// Below this many bytes per part, a `.bib` file is not worth a thread.
const BIB_PART_BYTES: usize = 1 << 20;

/// The entries of `text` read in up to `n_parts` parts, if that gives what one
/// pass gives (see [`parse_bib_entries`]).
fn parse_bib_in_parts(text: &str, file: &str, n_parts: usize) -> Option<Vec<Entry>> {
    let mut cuts = vec![0];
    for part_idx in 1..n_parts {
        let from = (text.len() / n_parts * part_idx).max(cuts[cuts.len() - 1]);
        // After a blank line: the store separates entries so, and values hold none.
        let Some(found) = memchr::memmem::find(&text.as_bytes()[from..], b"\n\n@") else {
            break;
        };
        cuts.push(from + found + 2);
    }
    cuts.push(text.len());
    let parts: Vec<&str> = cuts.windows(2).map(|cut| &text[cut[0]..cut[1]]).collect();
    let mut results = std::thread::scope(|scope| {
        let workers: Vec<_> = parts[1..]
            .iter()
            .map(|part| scope.spawn(|| bib::parse(part, file)))
            .collect();
        let mut results = vec![bib::parse(parts[0], file)];
        for worker in workers {
            match worker.join() {
                Ok(result) => results.push(result),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    });
    if results.iter().any(|result| !result.diagnostics.is_empty()) {
        return None;
    }
    let keys = || results.iter().flat_map(|result| &result.value.entries).map(|e| &e.key);
    let n_entries = keys().count();
    // Keys in strictly increasing order, as the store writes them, are
    // unique without hashing them.
    let mut previous: Option<&String> = None;
    let all_keys_unique = keys().all(|key| {
        let is_after = previous.is_none_or(|previous| previous < key);
        previous = Some(key);
        is_after
    }) || {
        let mut seen = std::collections::HashSet::with_capacity(n_entries);
        keys().all(|key| seen.insert(key))
    };
    if !all_keys_unique {
        return None;
    }
    let mut entries = Vec::with_capacity(n_entries);
    entries.append(&mut results[0].value.entries);
    for (result, &cut) in results.iter_mut().zip(&cuts).skip(1) {
        let lines_before =
            memchr::memchr_iter(b'\n', &text.as_bytes()[..cut]).count() as u32;
        for mut entry in std::mem::take(&mut result.value.entries) {
            move_lines(&mut entry, lines_before);
            entries.push(entry);
        }
    }
    Some(entries)
}

/// Whether `text` has an `@string` definition (in any case, with spaces
/// before the word or not).
fn defines_strings(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'@', bytes).any(|at| {
        let word = bytes[at + 1..].trim_ascii_start();
        word.len() >= 6 && word[..6].eq_ignore_ascii_case(b"string")
    })
}

/// Adds `lines` to every line number of `entry`.
fn move_lines(entry: &mut Entry, lines: u32) {
    for source in &mut entry.sources {
        source.line_start += lines;
        source.line_end += lines;
    }
    for field in entry.fields.values_mut() {
        if let Some(origin) = field.origin.as_mut() {
            origin.line_start += lines;
            origin.line_end += lines;
        }
    }
    for extra in &mut entry.extra {
        extra.line += lines;
    }
}

/// Below this many items per thread, work is not worth a thread.
const ITEMS_PER_THREAD: usize = 4096;

/// `items.iter_mut().map(work).collect()`, in one contiguous chunk per core.
fn for_each_in_parallel<T: Send, R: Send>(
    items: &mut [T],
    work: impl Fn(&mut T) -> R + Sync,
) -> Vec<R> {
    let n_threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len() / ITEMS_PER_THREAD)
        .max(1);
    if n_threads == 1 {
        return items.iter_mut().map(work).collect();
    }
    let chunk_len = items.len().div_ceil(n_threads);
    let work = &work;
    std::thread::scope(|scope| {
        let mut chunks = items.chunks_mut(chunk_len);
        let first = chunks.next().unwrap_or_default();
        let workers: Vec<_> = chunks
            .map(|chunk| {
                scope.spawn(move || chunk.iter_mut().map(work).collect::<Vec<R>>())
            })
            .collect();
        let mut results: Vec<R> = first.iter_mut().map(work).collect();
        for worker in workers {
            match worker.join() {
                Ok(part) => results.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    })
}

/// Renders `entries` block by block, the blocks of a round on all cores, and
/// writes the blocks in order. `render(first_idx, block, buffer)` appends the
/// text of `block`, whose first entry is `entries[first_idx]`.
fn write_rendered(
    out: &mut impl Write,
    entries: &[Entry],
    render: impl Fn(usize, &[Entry], &mut Vec<u8>) + Sync,
) -> std::io::Result<()> {
    let n_threads = std::thread::available_parallelism().map_or(1, usize::from);
    let render = &render;
    let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); n_threads];
    for (round_idx, round) in entries.chunks(ITEMS_PER_THREAD * n_threads).enumerate() {
        let round_start = round_idx * ITEMS_PER_THREAD * n_threads;
        let blocks = round.chunks(ITEMS_PER_THREAD);
        std::thread::scope(|scope| {
            let mut jobs = blocks.zip(buffers.iter_mut()).enumerate();
            let first = jobs.next();
            let workers: Vec<_> = jobs
                .map(|(block_idx, (block, buffer))| {
                    scope.spawn(move || {
                        buffer.clear();
                        render(round_start + block_idx * ITEMS_PER_THREAD, block, buffer);
                    })
                })
                .collect();
            if let Some((_, (block, buffer))) = first {
                buffer.clear();
                render(round_start, block, buffer);
            }
            for worker in workers {
                if let Err(panic) = worker.join() {
                    std::panic::resume_unwind(panic);
                }
            }
        });
        let n_blocks = round.len().div_ceil(ITEMS_PER_THREAD);
        for buffer in &buffers[..n_blocks] {
            out.write_all(buffer)?;
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

/// Like [`write_atomic`], with the content produced by `write` into a buffered writer.
fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&File>) -> std::io::Result<()>,
) -> Result<(), StoreError> {
    let dir =
        path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let io_error = |source| StoreError::Io { path: path.to_path_buf(), source };
    let temp = tempfile::NamedTempFile::new_in(dir).map_err(io_error)?;
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, temp.as_file());
    write(&mut out).map_err(io_error)?;
    out.flush().map_err(io_error)?;
    drop(out);
    temp.as_file().sync_all().map_err(io_error)?;
    temp.persist(path).map_err(|error| io_error(error.error))?;
    Ok(())
}

/// Plain, ASCII, lower-case text for matching.
fn fold(text: &str) -> String {
    // Text without TeX specials is its own plain form: skip `to_plain`'s copy.
    let plain = if text.contains(['\\', '$', '{', '}', '~']) || text.contains("--") {
        Cow::Owned(tex::to_plain(text, false))
    } else {
        Cow::Borrowed(text)
    };
    let mut ascii = deunicode::deunicode_with_tofu_cow(&plain, "[?]").into_owned();
    ascii.make_ascii_lowercase();
    ascii
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
        let doi = doi.trim();
        let mut identity = String::with_capacity(doi.len() + 4);
        identity.push_str("doi:");
        if doi.is_ascii() {
            identity.extend(doi.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            identity.push_str(&doi.to_lowercase());
        }
        out.push(identity);
    }
    let title = entry.text("title").unwrap_or_default();
    let mut identity = String::with_capacity(title.len() + 32);
    identity.push_str("work:");
    push_folded_alphanumerics(title, &mut identity);
    if identity.len() > "work:".len() {
        identity.push('|');
        if let Some(year) = entry.year() {
            let _ = write!(identity, "{year}");
        }
        identity.push('|');
        if let Some(family) = entry.first_family() {
            push_folded_alphanumerics(family, &mut identity);
        }
        out.push(identity);
    }
    out
}

/// Appends `compact(&fold(text))`: the text's letters and digits, plain,
/// transliterated to ASCII and lower-cased, without building the intermediate
/// strings. This runs for every entry on import and load.
fn push_folded_alphanumerics(text: &str, out: &mut String) {
    if text.contains('\\') {
        // Accent macros and symbols need the full TeX decoding.
        out.push_str(&compact(&fold(text)));
        return;
    }
    // Without a backslash `tex::to_plain` only drops braces, turns `~` into a
    // space and dashes into dash characters, none of which is alphanumeric;
    // everything else is transliterated character by character, as `deunicode`
    // does (its only context rule trims spaces, which are dropped here anyway).
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
        } else if let Some(ascii) = deunicode::deunicode_char(c) {
            out.extend(
                ascii
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase()),
            );
        }
    }
}

fn compact(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

fn folded_alphanumerics(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_folded_alphanumerics(text, &mut out);
    out
}

fn same_value(name: &str, a: &Value, b: &Value) -> bool {
    match (a, b) {
        // `2015` and `2015-06-18` agree; only the precision differs.
        (Value::Text(a), Value::Text(b))
            if crate::model::field_kind(name) == crate::model::FieldKind::Date =>
        {
            a.starts_with(b.as_str()) || b.starts_with(a.as_str())
        }
        (Value::Text(a), Value::Text(b)) => {
            a == b || folded_alphanumerics(a) == folded_alphanumerics(b)
        }
        (Value::Names(a), Value::Names(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|(x, y)| {
                    let (x, y) = (x.sort_name(), y.sort_name());
                    x == y || folded_alphanumerics(x) == folded_alphanumerics(y)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;

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
        entry.sources.push(Source {
            file: file.into(),
            line_start: 1,
            line_end: 5,
            year_suffix: None,
        });
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

    /// The folding before the fast paths, kept as the reference.
    fn reference_fold(text: &str) -> String {
        deunicode::deunicode(&tex::to_plain(text, false)).to_lowercase()
    }

    const FOLD_SAMPLES: &[&str] = &[
        "",
        "The rise of {Ant Financial} and the everyday labour",
        "\\\"{O}zt\\\"{u}rk",
        "Öztürk, Karl Heinz",
        "Concei{\\c{c}}{\\~a}o",
        "network $\\alpha$-media",
        "pay $5 -- or $10",
        "1--10, 12---14",
        "Big Data \\& Society",
        "中国 人民 银行",
        "Nguyễn Trần",
        "e\u{301}cole ÉCOLE straße Ǆ ﬁ",
        "~{}{}~ -- --- $x$",
        "unknown \u{10FFFF} \u{E000} tofu",
        "\\textbackslash{} {\\ss} \\emph{word}",
    ];

    #[test]
    fn fast_folding_agrees_with_the_reference() {
        for text in FOLD_SAMPLES {
            assert_eq!(fold(text), reference_fold(text), "fold of {text:?}");
            assert_eq!(
                folded_alphanumerics(text),
                compact(&reference_fold(text)),
                "folded alphanumerics of {text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_folding_agrees_on_any_text(text in "[a-zA-Z0-9 {}~$\\\\&\\-äöüßéÉ中ễǄ\u{301}\u{2014}]{0,24}") {
            proptest::prop_assert_eq!(fold(&text), reference_fold(&text));
            proptest::prop_assert_eq!(
                folded_alphanumerics(&text),
                compact(&reference_fold(&text))
            );
        }
    }

    #[test]
    fn renumbering_after_a_sort_gives_the_rebuilt_indexes() {
        let mut store = Store::new(bib::key::DEFAULT_PATTERN);
        let mut undated = article("Zebra crossings", None, "a.ris");
        undated.fields.shift_remove("date");
        store.import(vec![
            article("Cashless societies", Some("10.1/b"), "a.ris"),
            article("Alipay", None, "a.ris"),
            undated.clone(),
            article("Cashless China", Some("10.1/a"), "a.ris"),
        ]);
        assert!(store.index_is_canonical);
        let mut renumbered = store.clone();
        renumbered.sort();
        assert!(renumbered.index_is_canonical);
        let mut rebuilt = store.clone();
        rebuilt.index_is_canonical = false;
        rebuilt.sort();
        assert_eq!(renumbered.entries, rebuilt.entries);
        assert_eq!(renumbered.by_key, rebuilt.by_key);
        assert_eq!(renumbered.by_doi, rebuilt.by_doi);
        assert_eq!(renumbered.by_work, rebuilt.by_work);
        // Dating the undated work through its DOI changes its work identity:
        // the old one is still found until the next sort drops it.
        let mut dated = undated;
        dated.set_text("doi", "10.1/z", None);
        store.import(vec![dated.clone()]);
        let mut same_doi = article("Zebra crossings", Some("10.1/z"), "b.ris");
        same_doi.set_text("date", "2020", None);
        store.import(vec![same_doi]);
        assert!(store.index_is_canonical);
        assert_eq!(store.stale_identities.len(), 1);
        assert!(store.by_work.keys().any(|identity| identity.ends_with("||chong")));
        let mut rebuilt = store.clone();
        rebuilt.index_is_canonical = false;
        rebuilt.sort();
        store.sort();
        assert!(store.stale_identities.is_empty());
        assert!(store.by_work.keys().all(|identity| !identity.ends_with("||chong")));
        assert_eq!(store.by_doi, rebuilt.by_doi);
        assert_eq!(store.by_work, rebuilt.by_work);
        // Two entries with one identity (a hand-edited store): rebuilt by order.
        let mut twin = article("Alipay", None, "c.ris");
        twin.key = "aaa".into();
        store.insert_with(twin.clone(), identities(&twin));
        assert!(!store.index_is_canonical);
        let mut rebuilt = store.clone();
        rebuilt.by_work.clear();
        rebuilt.by_doi.clear();
        rebuilt.sort();
        store.sort();
        assert_eq!(store.by_work, rebuilt.by_work);
        assert_eq!(store.get("aaa").map(|e| &e.key), Some(&"aaa".to_string()));
    }

    #[test]
    fn a_bib_read_in_parts_is_read_as_in_one_pass() {
        let mut text = String::from("% comment\n\n@preamble{ \"x\" }\n\n");
        for idx in 0..30 {
            text.push_str(&format!(
                "@article{{key{idx:02},\n  author = {{M\\\"uller, J. and Others}},\n  title = {{A {{title}} about @ signs\n@ and lines}},\n  date = {{2019}},\n}}\n\n"
            ));
            if idx % 7 == 3 {
                text.push_str("@comment{not an entry}\n% between\n");
            }
        }
        let whole = bib::parse(&text, "refs.bib");
        assert!(whole.diagnostics.is_empty(), "{:?}", whole.diagnostics);
        for n_parts in 2..9 {
            let parts =
                parse_bib_in_parts(&text, "refs.bib", n_parts).expect("clean parts");
            assert_eq!(parts, whole.value.entries, "{n_parts} parts");
        }
        // Parts that do not read cleanly on their own fall back to one pass.
        let duplicate = text.replace("key29,", "key00,");
        assert!(parse_bib_in_parts(&duplicate, "refs.bib", 4).is_none());
        let broken = text.replace("title = {A {title}", "title = {A title}");
        assert!(parse_bib_in_parts(&broken, "refs.bib", 4).is_none());
        let blank_line_in_value = text.replace("signs\n@ and", "signs\n\n@ and");
        let whole = bib::parse(&blank_line_in_value, "refs.bib");
        for n_parts in 2..9 {
            if let Some(parts) =
                parse_bib_in_parts(&blank_line_in_value, "refs.bib", n_parts)
            {
                assert_eq!(parts, whole.value.entries, "{n_parts} parts");
            }
        }
        assert!(defines_strings("x\n@ String{a = {b}}"));
        assert!(!defines_strings("an @ sign, @strong"));
    }

    #[test]
    fn canonical_provenance_lines_read_as_serde_reads_them() {
        let lines = [
            r#"{"key":"a","sources":[{"file":"x.ris","line_start":1,"line_end":12}],"fields":{"author":[0,2,3],"title":[0,4,4]},"extra":[{"tag":"AN","value":"v","source":0,"line":9}]}"#,
            r#"{"key":"bare","sources":[]}"#,
            r#"{"key":"b","sources":[{"file":"a","line_start":0,"line_end":4294967295},{"file":"b","line_start":3,"line_end":4}],"fields":{}}"#,
            r#"{"key":"c","sources":[],"extra":[]}"#,
        ];
        for line in lines {
            let fast = ProvenanceRecord::from_canonical_line(line).expect(line);
            let slow: ProvenanceRecord<'_> = serde_json::from_str(line).expect(line);
            assert_eq!(fast, slow, "{line}");
        }
        // Anything else goes to serde.
        for line in [
            r#"{"key":"a\"b","sources":[]}"#,
            r#"{"key":"a","sources":[] }"#,
            r#"{"sources":[],"key":"a"}"#,
            r#"{"key":"a","sources":[{"file":"x","line_start":01,"line_end":1}]}"#,
            r#"{"key":"a","sources":[{"file":"x","line_start":4294967296,"line_end":1}]}"#,
            "{\"key\":\"a\u{1}\",\"sources\":[]}",
            r#"{"key":"a","sources":[],"unknown":1}"#,
            r#"{"key":"a","sources":[]}x"#,
        ] {
            assert!(ProvenanceRecord::from_canonical_line(line).is_none(), "{line}");
        }
    }

    #[test]
    fn save_streams_the_same_text_and_load_reads_it_back() {
        let mut store = Store::new(bib::key::DEFAULT_PATTERN);
        let mut with_extra = article("Cashless \"China\"", Some("10.1/X"), "a \"b\".ris");
        with_extra.extra.push(Extra {
            tag: "AN".into(),
            value: "line\nbreak \\ and \u{1}".into(),
            source: 0,
            line: 4,
        });
        store.import(vec![
            with_extra,
            article("Cashless societies", None, "a.ris"),
            Entry::new("bare", "misc"),
        ]);
        let dir = tempfile::tempdir().expect("temp dir");
        store.save(dir.path()).expect("saved");
        let bib_text = fs::read_to_string(dir.path().join(BIB_FILE)).expect("bib");
        let provenance =
            fs::read_to_string(dir.path().join(PROVENANCE_FILE)).expect("provenance");
        assert_eq!(bib_text, store.to_bib_string());
        assert_eq!(provenance, store.to_provenance_string());
        assert!(provenance.contains(r#""extra":[{"tag":"AN","value":"line\nbreak \\ and \u0001","source":0,"line":4}]"#), "{provenance}");
        assert_eq!(provenance.lines().next(), Some(r#"{"key":"bare","sources":[]}"#));
        let loaded = Store::load(dir.path(), bib::key::DEFAULT_PATTERN).expect("loaded");
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        assert_eq!(loaded.value.entries(), store.entries());
        // Provenance out of order is found by key; of two lines for a key, the last wins.
        let reversed: Vec<&str> = provenance.lines().rev().collect();
        let path = dir.path().join(PROVENANCE_FILE);
        fs::write(&path, reversed.join("\n")).expect("written");
        let loaded = Store::load(dir.path(), bib::key::DEFAULT_PATTERN).expect("loaded");
        assert_eq!(loaded.value.entries(), store.entries());
        let first = provenance.lines().next().unwrap_or_default();
        let later = first.replace(
            "\"sources\":[]",
            "\"sources\":[{\"file\":\"z\",\"line_start\":7,\"line_end\":8}]",
        );
        fs::write(&path, format!("{provenance}{later}\n")).expect("written");
        let loaded = Store::load(dir.path(), bib::key::DEFAULT_PATTERN).expect("loaded");
        let bare = loaded.value.get("bare").expect("bare");
        assert_eq!(
            bare.sources,
            [Source { file: "z".into(), line_start: 7, line_end: 8, year_suffix: None }]
        );
    }
}
