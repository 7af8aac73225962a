//! The on-disk cache of registry answers, one small JSON file per request.
//!
//! Every answer the DOI client gets (a 200 with a JSON body, or a 404, which is an
//! answer too) is kept under the user's cache directory
//! (`dirs::cache_dir()/biblink/doi`, or `BIBLINK_CACHE_DIR`), so that a second run,
//! and CI, need no network. Answers that say nothing about the DOI (429, 5xx,
//! timeouts, bodies that are not JSON) are never stored.
//!
//! # Layout
//!
//! A request is identified by its method, its URL (without the `mailto` contact
//! parameter, so that changing one's address keeps the cache) and its `Accept`
//! header. These are hashed with 64-bit FNV-1a, a hash fixed by its definition and
//! so stable across runs, versions of Rust and platforms (std's `DefaultHasher`
//! is not). The 16 hex digits of the hash name the file, sharded by the first two
//! so that no directory grows past a few thousand files:
//!
//! ```text
//! <cache dir>/3f/a81c0e92d4b7c5.json
//! {"format":1,"method":"GET","url":"https://api.crossref.org/works/10.1/x",
//!  "accept":"application/json","status":200,"fetched_at":"2026-06-16T13:34:19Z",
//!  "body":{...}}
//! ```
//!
//! A lookup is one read of one small file; the request is stored beside the answer
//! and compared on reading, so a hash collision reads as a miss, never as the wrong
//! answer. Files are written to a temporary file in the same directory and renamed
//! into place, so a killed run leaves either the old file, the new one, or none —
//! never half of one.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The version of the entry format; entries of another version read as misses.
const FORMAT: u32 = 1;

/// A directory of cached registry answers (see the [module docs](self) for the layout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    dir: PathBuf,
}

/// One request, as the cache identifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheKey<'a> {
    /// The HTTP method (`GET`).
    pub method: &'a str,
    /// The full URL without the `mailto` contact parameter.
    pub url: &'a str,
    /// The `Accept` header sent.
    pub accept: &'a str,
}

/// One cached answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedResponse {
    /// The HTTP status: 200 or 404.
    pub status: u16,
    /// The parsed JSON body of a 200 (`null` for a 404).
    pub body: Value,
    /// When it was fetched, RFC 3339 in UTC (`2026-06-16T13:34:19Z`).
    pub fetched_at: String,
}

impl Cache {
    /// A cache in `dir` (created when the first answer is stored).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Cache { dir: dir.into() }
    }

    /// The cache in the user's cache directory (`~/.cache/biblink/doi` on Linux),
    /// or `None` when the platform has no such directory.
    pub fn user_default() -> Option<Self> {
        dirs::cache_dir().map(|dir| Cache::new(dir.join("biblink").join("doi")))
    }

    /// The directory the answers are stored in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds the answer to `key` (whether it exists or not).
    pub fn path_of(&self, key: CacheKey<'_>) -> PathBuf {
        let hash = format!("{:016x}", fnv1a_64(key));
        self.dir.join(&hash[..2]).join(format!("{}.json", &hash[2..]))
    }

    /// The stored answer to `key`, if any. A missing, unreadable or foreign file
    /// (another format version, another request with the same hash) is a miss.
    pub fn get(&self, key: CacheKey<'_>) -> Option<CachedResponse> {
        let bytes = std::fs::read(self.path_of(key)).ok()?;
        let entry: StoredEntry = serde_json::from_slice(&bytes).ok()?;
        let same_request = entry.method == key.method
            && entry.url == key.url
            && entry.accept == key.accept;
        (entry.format == FORMAT && same_request).then_some(CachedResponse {
            status: entry.status,
            body: entry.body,
            fetched_at: entry.fetched_at,
        })
    }

    /// Stores the answer to `key`, replacing any earlier one atomically.
    pub fn put(&self, key: CacheKey<'_>, response: &CachedResponse) -> io::Result<()> {
        let path = self.path_of(key);
        let Some(shard) = path.parent() else {
            return Err(io::Error::other("cache path without a directory"));
        };
        std::fs::create_dir_all(shard)?;
        let entry = StoredEntryRef {
            format: FORMAT,
            method: key.method,
            url: key.url,
            accept: key.accept,
            status: response.status,
            fetched_at: &response.fetched_at,
            body: &response.body,
        };
        let mut file = tempfile::NamedTempFile::new_in(shard)?;
        serde_json::to_writer(&mut file, &entry)?;
        file.flush()?;
        file.persist(&path).map_err(|error| error.error)?;
        Ok(())
    }
}

/// What a cache file holds, for reading.
#[derive(Deserialize)]
struct StoredEntry {
    format: u32,
    method: String,
    url: String,
    accept: String,
    status: u16,
    fetched_at: String,
    #[serde(default)]
    body: Value,
}

/// What a cache file holds, for writing without copying the body.
#[derive(Serialize)]
struct StoredEntryRef<'a> {
    format: u32,
    method: &'a str,
    url: &'a str,
    accept: &'a str,
    status: u16,
    fetched_at: &'a str,
    body: &'a Value,
}

/// 64-bit FNV-1a over `method \n url \n accept`.
fn fnv1a_64(key: CacheKey<'_>) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let parts =
        [key.method.as_bytes(), b"\n", key.url.as_bytes(), b"\n", key.accept.as_bytes()];
    parts
        .iter()
        .flat_map(|part| part.iter())
        .fold(OFFSET, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: CacheKey<'static> = CacheKey {
        method: "GET",
        url: "https://api.crossref.org/works/10.1371/journal.pone.0033693",
        accept: "application/json",
    };

    #[test]
    fn hash_is_fnv1a_and_stable() {
        // Reference values of 64-bit FNV-1a: the empty string hashes to the offset basis.
        let empty = CacheKey { method: "", url: "", accept: "" };
        let two_newlines =
            (0xcbf2_9ce4_8422_2325_u64 ^ 0x0a).wrapping_mul(0x100_0000_01b3);
        let two_newlines = (two_newlines ^ 0x0a).wrapping_mul(0x100_0000_01b3);
        assert_eq!(fnv1a_64(empty), two_newlines);
        // The file name of a key never changes between runs or platforms.
        let cache = Cache::new("/c");
        assert_eq!(cache.path_of(KEY), cache.path_of(KEY));
        let name = cache.path_of(KEY);
        assert_eq!(name.extension().and_then(|e| e.to_str()), Some("json"));
        assert_eq!(name.parent().and_then(|p| p.file_name()).map(|s| s.len()), Some(2));
    }

    #[test]
    fn round_trip_and_misses() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::new(dir.path().join("doi"));
        assert_eq!(cache.get(KEY), None);
        let response = CachedResponse {
            status: 200,
            body: serde_json::json!({"message": {"DOI": "10.1371/journal.pone.0033693"}}),
            fetched_at: "2026-06-16T13:34:19Z".into(),
        };
        cache.put(KEY, &response).expect("put");
        assert_eq!(cache.get(KEY), Some(response.clone()));
        // Another Accept is another request.
        assert_eq!(cache.get(CacheKey { accept: "*/*", ..KEY }), None);
        // A half-written or foreign file is a miss, not an error.
        std::fs::write(cache.path_of(KEY), b"{\"format\":1,").expect("write");
        assert_eq!(cache.get(KEY), None);
        // No temporary files are left behind by a put.
        cache.put(KEY, &response).expect("put again");
        let shard = cache.path_of(KEY).parent().map(Path::to_path_buf).expect("shard");
        let n_files = std::fs::read_dir(shard).expect("read dir").count();
        assert_eq!(n_files, 1);
    }
}
