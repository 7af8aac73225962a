//! A mock of the DOI registries on 127.0.0.1 that replays the recorded responses in
//! `../shared/data/crossref/` (its `index.json` lists them), one server per recorded
//! host, so that no test reaches the internet.
//!
//! Tests are synchronous (the DOI client is blocking): [`Registries`] owns a tokio
//! runtime for wiremock's async API, and the servers answer on their own threads.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::Value;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

/// The hosts of the recordings; each gets its own server.
pub const HOSTS: [&str; 5] = [
    "api.crossref.org",
    "api.datacite.org",
    "doi.org",
    "data.medra.org",
    "citation.crosscite.org",
];

/// Hosts whose answer depends on the `Accept` header (content negotiation), and so
/// whose recordings are matched on it too.
const NEGOTIATING_HOSTS: [&str; 3] =
    ["doi.org", "data.medra.org", "citation.crosscite.org"];

/// One recorded exchange of `index.json`.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub id: String,
    pub file: String,
    pub method: String,
    pub host: String,
    /// The path as sent on the wire, percent-encoding kept.
    pub path: String,
    /// The decoded query pairs.
    pub query: Vec<(String, String)>,
    pub accept: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub derived: bool,
}

impl Fixture {
    /// The body as JSON (panics when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("fixture {} is not JSON: {e}", self.id))
    }

    /// The DOI of a `/works/{doi}`, `/works/{doi}/agency` or `/dois/{doi}` recording.
    pub fn doi(&self) -> String {
        let rest = self
            .path
            .strip_prefix("/works/")
            .or_else(|| self.path.strip_prefix("/dois/"))
            .unwrap_or_else(|| panic!("fixture {} is not about one DOI", self.id));
        rest.strip_suffix("/agency").unwrap_or(rest).to_string()
    }

    /// Whether the fixture's answer depends on `Accept`.
    pub fn negotiates(&self) -> bool {
        NEGOTIATING_HOSTS.contains(&self.host.as_str())
            || self.path.contains("/transform")
    }
}

/// The folder of the recordings.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/crossref")
}

/// Every recorded exchange, in the order of `index.json`. Panics when the
/// recordings are missing: a test that cannot replay must fail, never skip.
pub fn fixtures() -> Vec<Fixture> {
    let dir = data_dir();
    let index_path = dir.join("index.json");
    let index = std::fs::read(&index_path).unwrap_or_else(|e| {
        panic!("the recorded responses are missing ({}): {e}", index_path.display())
    });
    let index: Value = serde_json::from_slice(&index).expect("index.json is JSON");
    let entries = index["fixtures"].as_array().expect("index.json has a fixtures list");
    entries
        .iter()
        .map(|entry| {
            let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
            let request = &entry["request"];
            let file = text(&entry["file"]);
            let body = std::fs::read(dir.join(&file))
                .unwrap_or_else(|e| panic!("fixture body {file} is missing: {e}"));
            let query = text(&request["query"]);
            let query = reqwest::Url::parse(&format!("http://localhost/?{query}"))
                .expect("recorded query")
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let headers = entry["response_headers"]
                .as_object()
                .map(|headers| {
                    headers.iter().map(|(k, v)| (k.clone(), text(v))).collect()
                })
                .unwrap_or_default();
            Fixture {
                id: text(&entry["id"]),
                file,
                method: text(&request["method"]),
                host: text(&request["host"]),
                path: text(&request["path"]),
                query,
                accept: text(&request["accept"]),
                status: entry["status"].as_u64().expect("status") as u16,
                headers,
                body,
                derived: entry.get("derived").is_some(),
            }
        })
        .collect()
}

/// The recorded exchange named `id`.
pub fn fixture(id: &str) -> Fixture {
    fixtures()
        .into_iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no fixture {id} in index.json"))
}

/// Mock registries: one wiremock server per recorded host.
pub struct Registries {
    // Servers first: they are dropped (and verified) before the runtime.
    servers: BTreeMap<&'static str, MockServer>,
    runtime: tokio::runtime::Runtime,
}

impl Registries {
    /// Servers that answer 404 to everything until mocks are mounted.
    pub fn empty() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        let servers = HOSTS
            .iter()
            .map(|&host| (host, runtime.block_on(MockServer::start())))
            .collect();
        Registries { servers, runtime }
    }

    /// Servers replaying every recording.
    pub fn replaying_all() -> Self {
        let registries = Registries::empty();
        for fixture in fixtures() {
            let mock = registries.mock_of(&fixture);
            registries.mount(&fixture.host, mock);
        }
        registries
    }

    /// biblink run in `project_dir` with every registry pointed at these
    /// servers and a cache of the project's own (`project_dir/cache`).
    pub fn biblink(&self, project_dir: &std::path::Path) -> std::process::Command {
        let mut command = super::biblink(project_dir);
        command
            .env("BIBLINK_CROSSREF_API", self.url("api.crossref.org"))
            .env("BIBLINK_DATACITE_API", self.url("api.datacite.org"))
            .env("BIBLINK_DOI_RESOLVER", self.url("doi.org"))
            .env("BIBLINK_CACHE_DIR", project_dir.join("cache"));
        command
    }

    /// The base URL (`http://127.0.0.1:PORT`) standing in for `host`.
    pub fn url(&self, host: &str) -> String {
        self.server(host).uri()
    }

    /// The server standing in for `host`.
    pub fn server(&self, host: &str) -> &MockServer {
        self.servers.get(host).unwrap_or_else(|| panic!("no mock server for {host}"))
    }

    /// Mounts `mock` on the server of `host`.
    pub fn mount(&self, host: &str, mock: Mock) {
        self.runtime.block_on(mock.mount(self.server(host)));
    }

    /// The mock replaying `fixture`: its method and exact path, its query pairs (other
    /// parameters such as `mailto` are tolerated), its `Accept` where the answer
    /// depends on it; answered with the recorded status, headers and body.
    pub fn mock_of(&self, fixture: &Fixture) -> Mock {
        let mut builder =
            Mock::given(method(fixture.method.as_str())).and(path(fixture.path.as_str()));
        for (key, value) in &fixture.query {
            builder = builder.and(query_param(key.as_str(), value.as_str()));
        }
        if fixture.negotiates() {
            builder = builder.and(AcceptIs(fixture.accept.clone()));
        }
        builder.respond_with(self.response_of(fixture)).named(fixture.id.as_str())
    }

    /// The recorded answer of `fixture`, its `Location` pointed at the mock servers.
    pub fn response_of(&self, fixture: &Fixture) -> ResponseTemplate {
        let mut response = ResponseTemplate::new(fixture.status);
        for (name, value) in &fixture.headers {
            if name == "connection" {
                continue;
            }
            let value =
                if name == "location" { self.rewrite(value) } else { value.clone() };
            response = response.insert_header(name.as_str(), value.as_str());
        }
        response.set_body_bytes(fixture.body.clone())
    }

    /// `https://<recorded host>/...` as the URL of the mock server for that host.
    pub fn rewrite(&self, url: &str) -> String {
        for host in HOSTS {
            for scheme in ["https://", "http://"] {
                if let Some(rest) = url.strip_prefix(&format!("{scheme}{host}")) {
                    return format!("{}{rest}", self.url(host));
                }
            }
        }
        url.to_string()
    }

    /// The requests the server of `host` received, in order.
    pub fn requests(&self, host: &str) -> Vec<Request> {
        self.runtime
            .block_on(self.server(host).received_requests())
            .expect("request recording is on")
    }

    /// The paths (with queries) the server of `host` received, in order.
    pub fn paths(&self, host: &str) -> Vec<String> {
        self.requests(host)
            .iter()
            .map(|r| match r.url.query() {
                Some(query) => format!("{}?{query}", r.url.path()),
                None => r.url.path().to_string(),
            })
            .collect()
    }

    /// Checks the `expect` counts of every server's mocks.
    pub fn verify(&self) {
        for server in self.servers.values() {
            self.runtime.block_on(server.verify());
        }
    }

    /// Runs a future on the runtime of the mocks.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

/// Matches an `Accept` header exactly (wiremock's `header` splits values at commas).
#[derive(Debug)]
pub struct AcceptIs(pub String);

impl Match for AcceptIs {
    fn matches(&self, request: &Request) -> bool {
        request.headers.get("accept").and_then(|v| v.to_str().ok())
            == Some(self.0.as_str())
    }
}

/// A responder that notes when each request arrived, to measure rates and how many
/// requests overlapped.
#[derive(Clone)]
pub struct Recorder {
    arrivals: Arc<Mutex<Vec<Instant>>>,
    response: ResponseTemplate,
}

impl Recorder {
    pub fn new(response: ResponseTemplate) -> Self {
        Recorder { arrivals: Arc::default(), response }
    }

    /// When the requests arrived, in order.
    pub fn arrivals(&self) -> Vec<Instant> {
        let mut arrivals = self.arrivals.lock().expect("arrivals").clone();
        arrivals.sort();
        arrivals
    }

    /// The most requests that arrived within any window of `span`: with a server that
    /// answers each after `span`, how many were in flight at once.
    pub fn max_overlap(&self, span: std::time::Duration) -> usize {
        let arrivals = self.arrivals();
        (0..arrivals.len())
            .map(|first| {
                arrivals[first..]
                    .iter()
                    .take_while(|&&t| t - arrivals[first] < span)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }
}

impl Respond for Recorder {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        self.arrivals.lock().expect("arrivals").push(Instant::now());
        self.response.clone()
    }
}
