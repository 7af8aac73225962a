//! The DOI registries over HTTP: the only module of biblink that touches the network.
//!
//! # Where metadata comes from
//!
//! [`Client::work`] asks, in this order, stopping at the first answer:
//!
//! 1. Crossref's REST API, `GET {crossref_api}/works/{doi}` (most DOIs are Crossref's).
//! 2. On a 404, Crossref's agency lookup, `GET {crossref_api}/works/{doi}/agency`,
//!    which names the registration agency (`crossref`, `datacite`, `medra`, `jalc`…).
//! 3. When the agency is `datacite`, or unknown (the lookup itself answered 404, as
//!    it does for some DOIs), DataCite's REST API,
//!    `GET {datacite_api}/dois/{doi}?include=media,client`.
//! 4. When the agency is another one (mEDRA, JaLC, KISTI…, or Crossref itself for a
//!    DOI its REST API lacks), or still unknown after DataCite's 404, content
//!    negotiation at the resolver, `GET {resolver}/{doi}` with
//!    `Accept: application/vnd.citationstyles.csl+json`, following redirects (up to
//!    10) to the agency's own service.
//!
//! A 404 at every step asked is [`FetchError::NotFound`]. This is the order the
//! recorded responses in `shared/data/crossref/` support: Crossref DOIs have
//! `/works/{doi}` recordings, the DataCite DOIs have only `/dois/{doi}` ones (no agency
//! recording, so the lookup's 404 must lead to DataCite), and the mEDRA DOI
//! `10.1430/8105` has an agency recording saying `medra` and no REST one.
//!
//! # Politeness
//!
//! Requests carry `User-Agent: biblink/<version> (<repository>; mailto:<address>)`
//! when a contact address is configured, and Crossref requests then also carry a
//! `mailto=` query parameter, as Crossref asks of its "polite pool".
//!
//! Each host has its own rate and concurrency limit (redirects are followed hop by
//! hop, each within the limits of the host it goes to). Before a host has answered,
//! the limits of Crossref's pools apply: 5 requests/s with 1 in flight (public), or
//! 10 requests/s with 3 in flight when a contact address is set (polite). Every answer
//! then sets the limits to what it says in `X-Rate-Limit-Limit`,
//! `X-Rate-Limit-Interval` and `X-Concurrency-Limit` (a missing limit header means
//! no limit of that kind; a missing interval, one second), and an answer without any of them (other than a
//! 429 or 5xx) lifts the limits: a server that states no limit gets as many requests
//! as the client has workers. Requests to a rate-limited host are spaced evenly
//! (`interval / limit` apart), never sent in bursts. [`ClientConfig::concurrency`],
//! when set, replaces the concurrency limit (the user's `--concurrency`), but never
//! the rate limit.
//!
//! A 429 or 5xx answer, or a failed connection, is retried up to
//! [`ClientConfig::retries`] times: after `Retry-After` (seconds or an HTTP date)
//! when the server sends it, else after an exponential backoff with jitter
//! (`backoff * 2^attempt`, between half and all of it). A 429 also pauses every
//! request to that host for the same time. A `Retry-After` of more than two minutes is
//! not waited for: the request fails at once. A timeout is not retried, so one
//! unanswering server costs one timeout per DOI, not four; 404 and 400 are answers
//! and never retried.
//!
//! Answers are cached on disk when [`ClientConfig::cache`] is set (see
//! [`super::cache`]): every step above reads the cache first, so a cached re-run does
//! no network at all.
//!
//! # What is kept of an answer
//!
//! The bulk of a registry answer is data biblink never maps, and parsing it is most
//! of the cost of a cached run (serde_json builds a `Value` at 100–150 MB/s; a
//! Crossref work with its reference list is 10–45 kB, of which the list is 70–95 %).
//! So answers are slimmed before they are returned or cached, the same way for both,
//! so that a cached run sees exactly what the first run saw: in Crossref works,
//! search items and CSL-JSON items the fields of [`CROSSREF_DROPPED`] (the cited
//! works' list `reference` — `reference-count` stays —, licences, links, funders,
//! assertions, index dates, the abstract), and DataCite's `xml` (a base64 copy of the same metadata) and
//! `viewsOverTime`, `downloadsOverTime`, `citationsOverTime` (usage statistics).

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, LOCATION, RETRY_AFTER};
use serde_json::Value;

use super::cache::{Cache, CacheKey, CachedResponse};

/// The default DOI resolver, for content negotiation.
pub const DEFAULT_RESOLVER: &str = "https://doi.org";
/// The default Crossref REST API.
pub const DEFAULT_CROSSREF_API: &str = "https://api.crossref.org";
/// The default DataCite REST API.
pub const DEFAULT_DATACITE_API: &str = "https://api.datacite.org";

/// How the client reaches the registries; built by [`ClientConfig::default`] or
/// [`ClientConfig::from_env`], then changed field by field (the CLI layers its
/// config file and flags on top).
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// The DOI resolver used for content negotiation (`https://doi.org`).
    pub resolver: String,
    /// Crossref's REST API (`https://api.crossref.org`).
    pub crossref_api: String,
    /// DataCite's REST API (`https://api.datacite.org`).
    pub datacite_api: String,
    /// A contact address for the User-Agent and Crossref's `mailto=` (polite pool).
    pub mailto: Option<String>,
    /// The longest one request may take (20 s).
    pub timeout: Duration,
    /// The longest connecting may take (10 s; never more than `timeout`).
    pub connect_timeout: Duration,
    /// How often a 429, 5xx or failed connection is retried (3: at most 4 attempts).
    pub retries: u32,
    /// The first backoff between attempts, doubled at each retry (500 ms), when the
    /// server sends no `Retry-After`.
    pub backoff: Duration,
    /// Requests in flight at most, per host, overriding what the server says; also
    /// the number of workers of [`Client::fetch_all`] (8 when `None`).
    pub concurrency: Option<usize>,
    /// Where answers are cached; `None` caches nothing.
    pub cache: Option<Cache>,
    /// Use only the cache: a missing answer is [`FetchError::NotCached`]. Wins over
    /// `refresh`.
    pub offline: bool,
    /// Ignore cached answers (but store the new ones).
    pub refresh: bool,
}

/// Which service answered, which decides the shape of [`Fetched::json`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Crossref's REST API: `json` is the `message` object of `/works/{doi}`.
    CrossrefRest,
    /// DataCite's REST API: `json` is the `data` object of `/dois/{doi}`
    /// (`id`, `type`, `attributes`…).
    DataCite,
    /// Content negotiation at the resolver: `json` is one CSL-JSON item.
    ContentNegotiation,
}

/// The metadata of one DOI.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    /// Which service answered.
    pub source: Source,
    /// The metadata object (see [`Source`] for its shape).
    pub json: Value,
    /// When the answer was fetched, RFC 3339 in UTC (`2026-06-16T13:34:19Z`); for a
    /// cached answer, when it was first fetched.
    pub fetched_at: String,
    /// Whether the answer came from the cache.
    pub from_cache: bool,
}

/// Why a DOI could not be fetched. `Display` gives the short reason the CLI prints
/// after the key and the DOI (`not found`, `timeout`, `HTTP 503`…).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// No registry knows the DOI (every service asked answered 404).
    #[error("not found")]
    NotFound,
    /// A request got no complete answer within [`ClientConfig::timeout`].
    #[error("timeout")]
    Timeout,
    /// An HTTP error status, after the retries when it was a 429 or 5xx.
    #[error("HTTP {0}")]
    Http(u16),
    /// A 200 whose body is not what the service promised (what was wrong is given).
    #[error("malformed response: {0}")]
    Malformed(String),
    /// The connection failed (after the retries).
    #[error("network error: {0}")]
    Network(String),
    /// Offline, and the cache has no answer for a request that was needed.
    #[error("not cached (offline)")]
    NotCached,
    /// The configuration cannot work (a base URL that is not a URL).
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// A blocking client of the DOI registries; share it between threads by reference.
pub struct Client {
    config: ClientConfig,
    http: reqwest::blocking::Client,
    limiter: Limiter,
}

impl Default for ClientConfig {
    /// The public services, 20 s timeout, 3 retries, no contact address, no cache.
    fn default() -> Self {
        ClientConfig {
            resolver: DEFAULT_RESOLVER.into(),
            crossref_api: DEFAULT_CROSSREF_API.into(),
            datacite_api: DEFAULT_DATACITE_API.into(),
            mailto: None,
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            retries: 3,
            backoff: Duration::from_millis(500),
            concurrency: None,
            cache: None,
            offline: false,
            refresh: false,
        }
    }
}

impl ClientConfig {
    /// The defaults, then the environment ([`ClientConfig::apply_env`]), then the
    /// user's cache directory when `BIBLINK_CACHE_DIR` did not name one.
    pub fn from_env() -> Self {
        let mut config = ClientConfig::default();
        config.apply_env();
        if config.cache.is_none() {
            config.cache = Cache::user_default();
        }
        config
    }

    /// Overrides fields with the environment variables that are set and not empty:
    /// `BIBLINK_DOI_RESOLVER`, `BIBLINK_CROSSREF_API`, `BIBLINK_DATACITE_API`,
    /// `BIBLINK_MAILTO` and `BIBLINK_CACHE_DIR` (which sets [`ClientConfig::cache`]).
    pub fn apply_env(&mut self) {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if let Some(value) = var("BIBLINK_DOI_RESOLVER") {
            self.resolver = value;
        }
        if let Some(value) = var("BIBLINK_CROSSREF_API") {
            self.crossref_api = value;
        }
        if let Some(value) = var("BIBLINK_DATACITE_API") {
            self.datacite_api = value;
        }
        if let Some(value) = var("BIBLINK_MAILTO") {
            self.mailto = Some(value);
        }
        if let Some(value) = var("BIBLINK_CACHE_DIR") {
            self.cache = Some(Cache::new(value));
        }
    }

    /// The User-Agent sent with every request.
    pub fn user_agent(&self) -> String {
        let mut contact: Vec<String> = Vec::new();
        let repository = env!("CARGO_PKG_REPOSITORY");
        if !repository.is_empty() {
            contact.push(repository.to_string());
        }
        if let Some(mailto) = &self.mailto {
            contact.push(format!("mailto:{mailto}"));
        }
        let version = env!("CARGO_PKG_VERSION");
        if contact.is_empty() {
            format!("biblink/{version}")
        } else {
            format!("biblink/{version} ({})", contact.join("; "))
        }
    }
}

impl Source {
    /// A short lower-case name: `crossref`, `datacite`, `content negotiation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::CrossrefRest => "crossref",
            Source::DataCite => "datacite",
            Source::ContentNegotiation => "content negotiation",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Client {
    /// A client for `config`. Fails when a base URL is not an http(s) URL or the
    /// HTTP stack cannot start.
    pub fn new(config: ClientConfig) -> Result<Self, FetchError> {
        for (name, base) in [
            ("resolver", &config.resolver),
            ("crossref_api", &config.crossref_api),
            ("datacite_api", &config.datacite_api),
        ] {
            let url = Url::parse(base)
                .map_err(|e| FetchError::Config(format!("{name} '{base}': {e}")))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(FetchError::Config(format!(
                    "{name} '{base}' is not http(s)"
                )));
            }
        }
        let http = reqwest::blocking::Client::builder()
            .user_agent(config.user_agent())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout.min(config.timeout))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| FetchError::Network(transport_reason(e)))?;
        let limiter = Limiter::new(config.mailto.is_some(), config.concurrency);
        Ok(Client { config, http, limiter })
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The metadata of `doi` (bare and canonical, `10.1371/journal.pone.0033693`),
    /// from the first service that knows it (see the [module docs](self) for the
    /// order).
    pub fn work(&self, doi: &str) -> Result<Fetched, FetchError> {
        let path = doi_path(doi);
        let works = self.url(&self.config.crossref_api, &format!("works/{path}"))?;
        if let Reply::Found(found) =
            self.get_json(&works, ACCEPT_JSON, Service::Crossref)?
        {
            return found.into_fetched(Source::CrossrefRest, &works);
        }
        let agency_url =
            self.url(&self.config.crossref_api, &format!("works/{path}/agency"))?;
        let agency = match self.get_json(&agency_url, ACCEPT_JSON, Service::Crossref) {
            Ok(Reply::Found(found)) => found
                .body
                .pointer("/message/agency/id")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase),
            // An agency answer we cannot read is no reason to give up on the DOI.
            Ok(Reply::Missing) | Err(FetchError::Malformed(_)) => None,
            Err(error) => return Err(error),
        };
        if matches!(agency.as_deref(), None | Some("datacite")) {
            let mut dois =
                self.url(&self.config.datacite_api, &format!("dois/{path}"))?;
            dois.set_query(Some("include=media,client"));
            if let Reply::Found(found) =
                self.get_json(&dois, ACCEPT_JSON, Service::Other)?
            {
                return found.into_fetched(Source::DataCite, &dois);
            }
            if agency.is_some() {
                return Err(FetchError::NotFound);
            }
        }
        let resolver = self.url(&self.config.resolver, &path)?;
        match self.get_json(&resolver, ACCEPT_CSL_JSON, Service::Other)? {
            Reply::Found(found) => {
                found.into_fetched(Source::ContentNegotiation, &resolver)
            }
            Reply::Missing => Err(FetchError::NotFound),
        }
    }

    /// Crossref's bibliographic search (`/works?query.bibliographic=…&rows=…`): the
    /// best `rows` matches, each a work object as in [`Source::CrossrefRest`] plus
    /// Crossref's `score`.
    pub fn search(&self, query: &str, rows: usize) -> Result<Vec<Value>, FetchError> {
        let mut url = self.url(&self.config.crossref_api, "works")?;
        url.query_pairs_mut()
            .append_pair("query.bibliographic", query)
            .append_pair("rows", &rows.to_string());
        match self.get_json(&url, ACCEPT_JSON, Service::Crossref)? {
            Reply::Missing => Err(FetchError::NotFound),
            Reply::Found(mut found) => match found.body.pointer_mut("/message/items") {
                Some(Value::Array(items)) => Ok(std::mem::take(items)),
                _ => Err(FetchError::Malformed(format!(
                    "no 'message.items' list in the answer of {}",
                    url.path()
                ))),
            },
        }
    }

    /// Like [`Client::fetch_all`], but hands each result to `on_done` (with
    /// its index) and keeps nothing: a caller that maps answers as they come
    /// never holds them all in memory.
    pub fn fetch_each(
        &self,
        dois: &[String],
        on_done: impl Fn(usize, Result<Fetched, FetchError>) + Sync,
    ) {
        let n_workers = self.config.concurrency.unwrap_or(DEFAULT_WORKERS).clamp(1, 256);
        let n_workers = n_workers.min(dois.len());
        let next_idx = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..n_workers {
                scope.spawn(|| {
                    loop {
                        let idx = next_idx.fetch_add(1, Ordering::Relaxed);
                        let Some(doi) = dois.get(idx) else { break };
                        on_done(idx, self.work(doi));
                    }
                });
            }
        });
    }

    /// [`Client::work`] for every DOI, on worker threads ([`ClientConfig::concurrency`]
    /// of them, 8 by default; the rate and concurrency limits hold across them).
    /// `on_done(index, result)` is called as each DOI finishes, from the worker
    /// thread; the results come back in the order of `dois`.
    pub fn fetch_all(
        &self,
        dois: &[String],
        on_done: impl Fn(usize, &Result<Fetched, FetchError>) + Sync,
    ) -> Vec<Result<Fetched, FetchError>> {
        let n_workers = self.config.concurrency.unwrap_or(DEFAULT_WORKERS).clamp(1, 256);
        let n_workers = n_workers.min(dois.len());
        let next_idx = AtomicUsize::new(0);
        let mut finished: Vec<(usize, Result<Fetched, FetchError>)> =
            std::thread::scope(|scope| {
                let workers: Vec<_> = (0..n_workers)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut done = Vec::new();
                            loop {
                                let idx = next_idx.fetch_add(1, Ordering::Relaxed);
                                let Some(doi) = dois.get(idx) else { break };
                                let result = self.work(doi);
                                on_done(idx, &result);
                                done.push((idx, result));
                            }
                            done
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .flat_map(|worker| match worker.join() {
                        Ok(done) => done,
                        // A panic in `on_done` is the caller's: hand it back to them.
                        Err(panic) => std::panic::resume_unwind(panic),
                    })
                    .collect()
            });
        finished.sort_unstable_by_key(|(idx, _)| *idx);
        finished.into_iter().map(|(_, result)| result).collect()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("config", &self.config).finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------
// Requests, retries and the cache.

const ACCEPT_JSON: &str = "application/json";
const ACCEPT_CSL_JSON: &str = "application/vnd.citationstyles.csl+json";
/// Workers of `fetch_all` when the user sets no concurrency.
const DEFAULT_WORKERS: usize = 8;
/// The longest `Retry-After` waited for; a server asking for more gets an error now.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);
/// Redirects followed at most for one request.
const MAX_REDIRECTS: u32 = 10;
/// The longest backoff between two attempts without `Retry-After`.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Whose API a request goes to: Crossref requests carry `mailto=`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Service {
    Crossref,
    Other,
}

/// The answer of one step: a JSON body, or a 404.
enum Reply {
    Found(Found),
    Missing,
}

struct Found {
    body: Value,
    fetched_at: String,
    from_cache: bool,
}

/// One answer after the redirects: its status, who sent it, its headers and body.
struct Exchange {
    status: u16,
    host: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A final HTTP answer: 2xx or 404.
struct RawReply {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Found {
    /// The metadata object inside the body, by source.
    fn into_fetched(mut self, source: Source, url: &Url) -> Result<Fetched, FetchError> {
        let json = match source {
            Source::CrossrefRest => self.body.get_mut("message").map(Value::take),
            Source::DataCite => self.body.get_mut("data").map(Value::take),
            Source::ContentNegotiation => match self.body {
                Value::Array(ref mut items) if !items.is_empty() => {
                    Some(items.swap_remove(0))
                }
                Value::Object(_) => Some(self.body.take()),
                _ => None,
            },
        };
        match json {
            Some(json @ Value::Object(_)) => Ok(Fetched {
                source,
                json,
                fetched_at: self.fetched_at,
                from_cache: self.from_cache,
            }),
            _ => Err(FetchError::Malformed(match source {
                Source::CrossrefRest => {
                    format!("no 'message' object from {}", url.path())
                }
                Source::DataCite => format!("no 'data' object from {}", url.path()),
                Source::ContentNegotiation => {
                    format!("no CSL-JSON item from {}", url.path())
                }
            })),
        }
    }
}

impl Client {
    /// `base` + `/` + `path` (already percent-encoded) as a URL.
    fn url(&self, base: &str, path: &str) -> Result<Url, FetchError> {
        let joined = format!("{}/{path}", base.trim_end_matches('/'));
        Url::parse(&joined).map_err(|e| FetchError::Config(format!("'{joined}': {e}")))
    }

    /// One step: the cache, else the network (storing what it says).
    fn get_json(
        &self,
        url: &Url,
        accept: &str,
        service: Service,
    ) -> Result<Reply, FetchError> {
        let key = CacheKey { method: "GET", url: url.as_str(), accept };
        let cache = self.config.cache.as_ref();
        if let Some(cache) = cache
            && (self.config.offline || !self.config.refresh)
            && let Some(hit) = cache.get(key)
        {
            match hit.status {
                200 => {
                    return Ok(Reply::Found(Found {
                        body: hit.body,
                        fetched_at: hit.fetched_at,
                        from_cache: true,
                    }));
                }
                404 => return Ok(Reply::Missing),
                // Nothing else is ever stored; a foreign file is a miss.
                _ => {}
            }
        }
        if self.config.offline {
            return Err(FetchError::NotCached);
        }
        let mut wire_url = url.clone();
        if let (Service::Crossref, Some(mailto)) = (service, &self.config.mailto) {
            wire_url.query_pairs_mut().append_pair("mailto", mailto);
        }
        let raw = self.send(&wire_url, accept)?;
        let fetched_at = rfc3339(SystemTime::now());
        let mut body = if raw.status == 404 {
            Value::Null
        } else {
            serde_json::from_slice(&raw.body).map_err(|e| {
                let content_type = if raw.content_type.is_empty() {
                    "no content type"
                } else {
                    &raw.content_type
                };
                FetchError::Malformed(format!(
                    "not JSON from {} ({content_type}): {e}",
                    url.path()
                ))
            })?
        };
        slim(&mut body);
        let status = if raw.status == 404 { 404 } else { 200 };
        let response = CachedResponse { status, body, fetched_at };
        if let Some(cache) = cache {
            // A cache that cannot be written (full disk, read-only directory) costs
            // the next run a request; it is no reason to fail this one.
            let _ = cache.put(key, &response);
        }
        Ok(match status {
            404 => Reply::Missing,
            _ => Reply::Found(Found {
                body: response.body,
                fetched_at: response.fetched_at,
                from_cache: false,
            }),
        })
    }

    /// Sends a GET within the limits, retrying 429, 5xx and failed connections.
    /// Returns a 2xx or 404 answer; any other status is an error.
    fn send(&self, url: &Url, accept: &str) -> Result<RawReply, FetchError> {
        let mut attempt: u32 = 0;
        loop {
            let is_last = attempt >= self.config.retries;
            let wait = match self.exchange(url, accept) {
                Ok(Exchange { status, host, headers, body }) => {
                    if (200..300).contains(&status) || status == 404 || status == 410 {
                        let content_type = headers
                            .get(CONTENT_TYPE)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_string();
                        let status = if status == 410 { 404 } else { status };
                        return Ok(RawReply { status, content_type, body });
                    }
                    if status != 429 && !(500..600).contains(&status) || is_last {
                        return Err(FetchError::Http(status));
                    }
                    let wait = match retry_after(&headers, SystemTime::now()) {
                        Some(asked) if asked > MAX_RETRY_AFTER => {
                            return Err(FetchError::Http(status));
                        }
                        // A little jitter on top, so that waiting workers don't all
                        // come back in the same millisecond.
                        Some(asked) => asked + asked.mul_f64(0.1 * random_unit()),
                        None => self.backoff(attempt),
                    };
                    if status == 429 {
                        self.limiter.pause(&host, Instant::now() + wait);
                    }
                    wait
                }
                Err(error) if error.is_timeout() => return Err(FetchError::Timeout),
                Err(error) if is_last => {
                    return Err(FetchError::Network(transport_reason(error)));
                }
                Err(_) => self.backoff(attempt),
            };
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    /// One GET, following redirects hop by hop so that every host is asked within its
    /// own limits and every answer sets the limits of the host that sent it. A
    /// redirect that cannot be followed (no `Location`, too many hops) is the answer.
    fn exchange(&self, url: &Url, accept: &str) -> Result<Exchange, reqwest::Error> {
        let mut current = url.clone();
        let mut n_hops = 0;
        loop {
            let host = host_key(&current);
            let permit = self.limiter.acquire(&host);
            let response =
                self.http.get(current.clone()).header(ACCEPT, accept).send()?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.bytes()?.to_vec();
            drop(permit);
            self.limiter.update(&host, status, &headers);
            let next = matches!(status, 301 | 302 | 303 | 307 | 308)
                .then(|| headers.get(LOCATION)?.to_str().ok())
                .flatten()
                .and_then(|location| current.join(location).ok());
            match next {
                Some(next) if n_hops < MAX_REDIRECTS => {
                    current = next;
                    n_hops += 1;
                }
                _ => return Ok(Exchange { status, host, headers, body }),
            }
        }
    }

    /// `backoff * 2^attempt` (at most 30 s), between half and all of it.
    fn backoff(&self, attempt: u32) -> Duration {
        let full =
            self.config.backoff.saturating_mul(1 << attempt.min(16)).min(MAX_BACKOFF);
        full / 2 + (full / 2).mul_f64(random_unit())
    }
}

/// What is dropped from a Crossref work before it is returned or cached:
/// bulk no mapping reads (reference lists, licences, full-text links,
/// funders, assertions, index timestamps) and the abstract, which
/// `resolve` does not merge.
pub const CROSSREF_DROPPED: &[&str] = &[
    "reference",
    "relation",
    "license",
    "link",
    "assertion",
    "funder",
    "content-domain",
    "indexed",
    "deposited",
    "created",
    "is-referenced-by-count",
    "score",
    "resource",
    "update-policy",
    "subject",
    "member",
    "source",
    "abstract",
    "archive",
    "clinical-trial-number",
];

/// Removes from an answer what biblink never reads (see the module docs, "What is
/// kept of an answer").
fn slim(body: &mut Value) {
    fn drop_fields(value: Option<&mut Value>, fields: &[&str]) {
        if let Some(Value::Object(object)) = value {
            for field in fields {
                object.shift_remove(*field);
            }
        }
    }
    const CROSSREF: &[&str] = CROSSREF_DROPPED;
    const DATACITE: &[&str] =
        &["xml", "viewsOverTime", "downloadsOverTime", "citationsOverTime"];
    // A CSL-JSON item, or a list of them.
    drop_fields(Some(&mut *body), CROSSREF);
    if let Value::Array(items) = &mut *body {
        items.iter_mut().for_each(|item| drop_fields(Some(item), CROSSREF));
    }
    // A Crossref work, or search results.
    drop_fields(body.get_mut("message"), CROSSREF);
    if let Some(Value::Array(items)) = body.pointer_mut("/message/items") {
        items.iter_mut().for_each(|item| drop_fields(Some(item), CROSSREF));
    }
    drop_fields(body.pointer_mut("/data/attributes"), DATACITE);
}

/// A DOI as a URL path: its `/` kept (the recorded requests send `10.1371/x`, and
/// every registry accepts it), everything outside RFC 3986's path characters
/// percent-encoded (`%`, `?`, `#`, space, `<`, `>`, `"`, non-ASCII…). The brackets of
/// SICI DOIs stay as they are, as the recorded agency lookup sent them.
fn doi_path(doi: &str) -> String {
    const KEEP: &[u8] = b"-._~!$&'()*+,;=:@/[]";
    let mut path = String::with_capacity(doi.len());
    for &byte in doi.as_bytes() {
        if byte.is_ascii_alphanumeric() || KEEP.contains(&byte) {
            path.push(char::from(byte));
        } else {
            path.push_str(&format!("%{byte:02X}"));
        }
    }
    path
}

/// What limits are kept per: the URL's host and port.
fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// The innermost cause of a transport error, the most specific one
/// (`Connection refused (os error 111)`, `failed to lookup address information: …`),
/// rather than reqwest's outer `error sending request for url (…)`.
fn transport_reason(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut innermost: &dyn std::error::Error = &error;
    while let Some(cause) = innermost.source() {
        innermost = cause;
    }
    innermost.to_string()
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A uniformly distributed number in `[0, 1)`, for jitter. std's `RandomState` is
/// seeded randomly per thread and advanced at every call, which is all the
/// randomness jitter needs.
fn random_unit() -> f64 {
    use std::hash::BuildHasher;
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let nanos =
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let bits = std::hash::RandomState::new().hash_one((call, nanos));
    (bits >> 11) as f64 / (1_u64 << 53) as f64
}

// ---------------------------------------------------------------------------------
// Rate and concurrency limits.

/// The limits one host is under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Limits {
    /// At most this many request starts per interval.
    rate: Option<(u32, Duration)>,
    /// At most this many requests in flight.
    concurrency: Option<usize>,
}

const PUBLIC_POOL: Limits =
    Limits { rate: Some((5, Duration::from_secs(1))), concurrency: Some(1) };
const POLITE_POOL: Limits =
    Limits { rate: Some((10, Duration::from_secs(1))), concurrency: Some(3) };
const NO_LIMITS: Limits = Limits { rate: None, concurrency: None };

struct HostState {
    limits: Limits,
    in_flight: usize,
    last_start: Option<Instant>,
    paused_until: Option<Instant>,
}

/// Per-host limits shared by every thread of a client.
struct Limiter {
    start: Limits,
    user_concurrency: Option<usize>,
    hosts: Mutex<HashMap<String, HostState>>,
    changed: Condvar,
}

/// A request in flight; dropping it frees the slot.
struct Permit<'a> {
    limiter: &'a Limiter,
    host: &'a str,
}

impl Limiter {
    fn new(polite: bool, user_concurrency: Option<usize>) -> Self {
        Limiter {
            start: if polite { POLITE_POOL } else { PUBLIC_POOL },
            user_concurrency: user_concurrency.map(|n| n.max(1)),
            hosts: Mutex::new(HashMap::new()),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, HostState>> {
        // The state stays consistent even if a holder panicked: every change is one
        // assignment.
        self.hosts.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until `host` may take one more request, and takes it.
    fn acquire<'a>(&'a self, host: &'a str) -> Permit<'a> {
        let mut hosts = self.lock();
        loop {
            let now = Instant::now();
            let state = hosts.entry(host.to_string()).or_insert_with(|| HostState {
                limits: self.start,
                in_flight: 0,
                last_start: None,
                paused_until: None,
            });
            let max_in_flight =
                self.user_concurrency.or(state.limits.concurrency).unwrap_or(usize::MAX);
            let mut not_before = state.paused_until.filter(|&until| until > now);
            if let (Some((limit, interval)), Some(last)) =
                (state.limits.rate, state.last_start)
            {
                let next = last + interval / limit.max(1);
                if next > now {
                    not_before = not_before.max(Some(next));
                }
            }
            match not_before {
                None if state.in_flight < max_in_flight => {
                    state.in_flight += 1;
                    state.last_start = Some(now);
                    return Permit { limiter: self, host };
                }
                // Woken by a finished request or new limits, else at the time.
                Some(until) => {
                    hosts = self
                        .changed
                        .wait_timeout(hosts, until - now)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0;
                }
                None => {
                    hosts = self
                        .changed
                        .wait(hosts)
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                }
            }
        }
    }

    /// Sets the limits of `host` from an answer's headers (see the module docs).
    fn update(&self, host: &str, status: u16, headers: &HeaderMap) {
        let header = |names: &[&str]| {
            names.iter().find_map(|name| headers.get(*name)?.to_str().ok().map(str::trim))
        };
        let limit = header(&["x-rate-limit-limit", "x-ratelimit-limit"]);
        let interval = header(&["x-rate-limit-interval", "x-ratelimit-interval"]);
        let concurrency = header(&["x-concurrency-limit"]);
        let limits = if limit.is_none() && interval.is_none() && concurrency.is_none() {
            // A 429 or 5xx without limits says nothing about the limits.
            if status == 429 || status >= 500 {
                return;
            }
            NO_LIMITS
        } else {
            let limit = limit.and_then(|v| v.parse::<u32>().ok()).filter(|&n| n > 0);
            let interval = interval.map_or(Some(Duration::from_secs(1)), parse_interval);
            Limits {
                rate: limit.zip(interval).filter(|(_, interval)| !interval.is_zero()),
                concurrency: concurrency.and_then(|v| v.parse().ok()).filter(|&n| n > 0),
            }
        };
        let mut hosts = self.lock();
        if let Some(state) = hosts.get_mut(host) {
            state.limits = limits;
        } else {
            hosts.insert(
                host.to_string(),
                HostState { limits, in_flight: 0, last_start: None, paused_until: None },
            );
        }
        drop(hosts);
        self.changed.notify_all();
    }

    /// Holds every request to `host` until `until` (after a 429).
    fn pause(&self, host: &str, until: Instant) {
        let mut hosts = self.lock();
        if let Some(state) = hosts.get_mut(host) {
            state.paused_until = state.paused_until.max(Some(until));
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut hosts = self.limiter.lock();
        if let Some(state) = hosts.get_mut(self.host) {
            state.in_flight = state.in_flight.saturating_sub(1);
        }
        drop(hosts);
        self.limiter.changed.notify_all();
    }
}

/// `1s`, `500ms`, `1m`, `1h` or bare seconds.
fn parse_interval(value: &str) -> Option<Duration> {
    let value = value.trim();
    let split = value.find(|c: char| !c.is_ascii_digit()).unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: u64 = number.parse().ok()?;
    match unit.trim() {
        "" | "s" => Some(Duration::from_secs(number)),
        "ms" => Some(Duration::from_millis(number)),
        "m" => Some(Duration::from_secs(number * 60)),
        "h" => Some(Duration::from_secs(number * 3600)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------
// Dates: RFC 3339 out, HTTP dates in, without a date crate.

/// `2026-06-16T13:34:19Z`.
fn rfc3339(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, second_of_day) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP servers send.
fn parse_http_date(value: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_weekday, day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
        "Dec",
    ];
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? as u32 + 1;
    let day: u32 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let mut clock = time.split(':').map(|part| part.parse::<u64>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    if clock.next().is_some() || hour > 23 || minute > 59 || second > 60 || day > 31 {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    Some(UNIX_EPOCH + Duration::from_secs(seconds))
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524
        - day_of_era / 146_096)
        / 365;
    let day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 } as u32;
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

/// (year, month, day) to days since 1970-01-01 (Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn dates_round_trip() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let recorded = parse_http_date("Tue, 16 Jun 2026 13:34:19 GMT").expect("date");
        assert_eq!(rfc3339(recorded), "2026-06-16T13:34:19Z");
        let leap = parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT").expect("date");
        assert_eq!(rfc3339(leap), "2024-02-29T23:59:59Z");
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Tue, 16 Jun 2026 25:34:19 GMT"), None);
        for days in [-800_000_i64, -1, 0, 59, 365, 11_016, 20_000, 800_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn retry_after_seconds_or_date() {
        let now = UNIX_EPOCH + Duration::from_secs(1_781_616_859); // Tue, 16 Jun 2026 13:34:19
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(1)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Tue, 16 Jun 2026 13:34:49 GMT"),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Tue, 16 Jun 2026 13:00:00 GMT"),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn doi_paths_as_recorded() {
        assert_eq!(
            doi_path("10.1371/journal.pone.0033693"),
            "10.1371/journal.pone.0033693"
        );
        assert_eq!(
            doi_path("10.1890/0012-9615(1999)069[0569:EDILSA]2.0.CO;2"),
            "10.1890/0012-9615(1999)069[0569:EDILSA]2.0.CO;2"
        );
        assert_eq!(doi_path("10.1000/a b?c#d%e<f>"), "10.1000/a%20b%3Fc%23d%25e%3Cf%3E");
        assert_eq!(doi_path("10.1000/é"), "10.1000/%C3%A9");
    }

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("1s"), Some(Duration::from_secs(1)));
        assert_eq!(parse_interval("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_interval("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_interval("1m"), Some(Duration::from_secs(60)));
        assert_eq!(parse_interval("fast"), None);
    }

    #[test]
    fn limits_follow_the_headers() {
        let limiter = Limiter::new(false, None);
        let host = "api.crossref.org:443";
        let limits = |limiter: &Limiter| limiter.lock().get(host).map(|s| s.limits);
        drop(limiter.acquire(host));
        assert_eq!(limits(&limiter), Some(PUBLIC_POOL));
        let mut headers = HeaderMap::new();
        headers.insert("x-rate-limit-limit", HeaderValue::from_static("50"));
        headers.insert("x-rate-limit-interval", HeaderValue::from_static("1s"));
        limiter.update(host, 200, &headers);
        let fifty =
            Limits { rate: Some((50, Duration::from_secs(1))), concurrency: None };
        assert_eq!(limits(&limiter), Some(fifty));
        // A 503 without headers keeps the limits; a 200 without them lifts them.
        limiter.update(host, 503, &HeaderMap::new());
        assert_eq!(limits(&limiter), Some(fifty));
        limiter.update(host, 200, &HeaderMap::new());
        assert_eq!(limits(&limiter), Some(NO_LIMITS));
        assert_eq!(Limiter::new(true, None).start, POLITE_POOL);
    }

    #[test]
    fn user_agent_names_the_contact() {
        let mut config = ClientConfig::default();
        assert!(config.user_agent().starts_with("biblink/"));
        assert!(!config.user_agent().contains("mailto"));
        config.mailto = Some("me@example.org".into());
        assert!(config.user_agent().ends_with("mailto:me@example.org)"));
    }

    #[test]
    fn slimming_drops_only_unread_bulk() {
        let mut work = serde_json::json!({"status": "ok", "message": {
            "DOI": "10.1/x", "reference-count": 2, "reference": [{"key": "a"}, {"key": "b"}]}});
        slim(&mut work);
        assert_eq!(
            work["message"],
            serde_json::json!({"DOI": "10.1/x", "reference-count": 2})
        );
        let mut search = serde_json::json!({"message": {"items": [{"title": ["t"], "reference": []}]}});
        slim(&mut search);
        assert_eq!(search["message"]["items"][0], serde_json::json!({"title": ["t"]}));
        let mut datacite = serde_json::json!({"data": {"id": "10.5061/x", "attributes": {
            "titles": [{"title": "t"}], "xml": "PD94", "viewsOverTime": [], "citationsOverTime": []}}});
        slim(&mut datacite);
        assert_eq!(
            datacite["data"]["attributes"],
            serde_json::json!({"titles": [{"title": "t"}]})
        );
        let mut csl = serde_json::json!([{"type": "article-journal", "reference": []}]);
        slim(&mut csl);
        assert_eq!(csl, serde_json::json!([{"type": "article-journal"}]));
        let mut agency = serde_json::json!({"message": {"agency": {"id": "medra"}}});
        let unchanged = agency.clone();
        slim(&mut agency);
        assert_eq!(agency, unchanged);
    }

    #[test]
    fn jitter_is_in_range() {
        for _ in 0..1000 {
            let x = random_unit();
            assert!((0.0..1.0).contains(&x));
        }
    }

    #[test]
    fn errors_read_as_reasons() {
        assert_eq!(FetchError::NotFound.to_string(), "not found");
        assert_eq!(FetchError::Timeout.to_string(), "timeout");
        assert_eq!(FetchError::Http(503).to_string(), "HTTP 503");
    }
}
