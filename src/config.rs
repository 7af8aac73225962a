//! `biblink.toml`: which sources `biblink build` reads, where the store lives,
//! and the citation-key pattern.
//!
//! ```toml
//! sources = ["seeds"]            # files or directories (every file inside, sorted)
//! store = "refs"
//! key_pattern = "[auth][year][title]"
//!
//! [resolve]                      # `biblink resolve`; each also set by an environment variable
//! mailto = "you@example.org"     # BIBLINK_MAILTO: contact address for the polite pool
//! resolver = "https://doi.org"   # BIBLINK_DOI_RESOLVER
//! crossref_api = "https://api.crossref.org"   # BIBLINK_CROSSREF_API
//! datacite_api = "https://api.datacite.org"   # BIBLINK_DATACITE_API
//! cache_dir = "~/.cache/biblink/doi"          # BIBLINK_CACHE_DIR
//! timeout_seconds = 20
//!
//! [check]                        # `biblink check`
//! fail_on = "error"              # error | warning | info | never (--fail-on wins)
//! ignore = ["STYLE001", "MODEL004:smith2020"]   # rules (id or name), or rule:key
//! [check.severity]               # error | warning | info | off, per rule
//! MODEL003 = "error"
//! ```
//!
//! The environment wins over the file, so tests and CI can point biblink
//! at a local server.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file name looked for at the project root.
pub const CONFIG_FILE: &str = "biblink.toml";

/// Project configuration; every setting has a default.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Files or directories read by `biblink build`, relative to the project root.
    pub sources: Vec<String>,
    /// The store directory, relative to the project root.
    pub store: String,
    /// Citation-key pattern (see [`crate::bib::key::base_key`]).
    pub key_pattern: String,
    /// Settings of `biblink resolve`.
    pub resolve: ResolveConfig,
    /// Settings of `biblink check`.
    pub check: CheckConfig,
    /// Whether the file sets `key_pattern` itself (then `biblink check`
    /// holds every checked file's keys to it, not only the store's).
    #[serde(skip)]
    pub key_pattern_set: bool,
}

/// The `[check]` table: which findings fail the check and which are ignored.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct CheckConfig {
    /// The lowest severity that fails the check (`error`, `warning`, `info`,
    /// `never`); `--fail-on` wins.
    pub fail_on: Option<String>,
    /// Rules (id or name) ignored everywhere, or `RULE:key` for one entry.
    pub ignore: Vec<String>,
    /// Severity per rule (id or name): `error`, `warning`, `info` or `off`.
    pub severity: indexmap::IndexMap<String, String>,
}

/// The `[resolve]` table: where DOI metadata comes from and who asks.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ResolveConfig {
    /// Contact address sent in the User-Agent (Crossref's polite pool).
    pub mailto: Option<String>,
    /// The DOI resolver for content negotiation.
    pub resolver: Option<String>,
    /// Crossref's REST API.
    pub crossref_api: Option<String>,
    /// DataCite's REST API.
    pub datacite_api: Option<String>,
    /// Where responses are cached.
    pub cache_dir: Option<String>,
    /// Seconds before a request is given up.
    pub timeout_seconds: Option<u64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sources: vec!["seeds".into()],
            store: "refs".into(),
            key_pattern: crate::bib::key::DEFAULT_PATTERN.into(),
            resolve: ResolveConfig::default(),
            check: CheckConfig::default(),
            key_pattern_set: false,
        }
    }
}

/// A configuration error, with the file it came from.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    /// The configuration file.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
}

impl Config {
    /// Reads `biblink.toml` in `root`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let mut config: Config = toml::from_str(&text).map_err(|error| {
                    ConfigError { path: path.clone(), message: error.to_string() }
                })?;
                config.key_pattern_set = text
                    .parse::<toml::Table>()
                    .is_ok_and(|table| table.contains_key("key_pattern"));
                Ok(config)
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Ok(Config::default())
            }
            Err(error) => Err(ConfigError { path, message: error.to_string() }),
        }
    }

    /// The source files, expanded from directories and sorted, relative to `root`.
    pub fn source_files(&self, root: &Path) -> Result<Vec<PathBuf>, ConfigError> {
        let mut files = Vec::new();
        for source in &self.sources {
            let path = root.join(source);
            if path.is_dir() {
                let inside = files_in(&path).map_err(|error| ConfigError {
                    path: path.clone(),
                    message: error.to_string(),
                })?;
                files.extend(inside);
            } else if path.is_file() {
                files.push(path);
            } else {
                return Err(ConfigError {
                    path: root.join(CONFIG_FILE),
                    message: format!("source '{source}' does not exist"),
                });
            }
        }
        Ok(files)
    }
}

/// The files directly inside `dir`, sorted, without hidden ones (`.name`).
pub fn files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut inside: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|item| item.path())
        .filter(|item| item.is_file())
        .filter(|item| {
            !item.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    inside.sort();
    Ok(inside)
}
