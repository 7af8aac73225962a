//! The DOI client against mock registries on 127.0.0.1 that replay the recorded
//! responses of `../shared/data/crossref/` (issue 5): which service answers which
//! DOI, errors, retries, timeouts, the cache, and the rate and concurrency limits.
//! No test reaches the internet: every base URL points at a mock.

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use biblink::doi::cache::Cache;
use biblink::doi::http::{Client, ClientConfig, FetchError, Fetched, Source};
use common::mock::{AcceptIs, Fixture, Recorder, Registries, fixture, fixtures};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, ResponseTemplate};

const CSL_JSON: &str = "application/vnd.citationstyles.csl+json";

/// A client configuration pointing every service at the mocks, with short waits.
fn config(registries: &Registries) -> ClientConfig {
    ClientConfig {
        resolver: registries.url("doi.org"),
        crossref_api: registries.url("api.crossref.org"),
        datacite_api: registries.url("api.datacite.org"),
        timeout: Duration::from_secs(5),
        backoff: Duration::from_millis(50),
        ..ClientConfig::default()
    }
}

fn client(config: ClientConfig) -> Client {
    Client::new(config).expect("client")
}

/// Fetches the DOI of the `/works/{doi}` recording `id` from a replaying mock and
/// checks it came from Crossref's REST API, unchanged.
fn crossref_work(id: &str) -> Fetched {
    let registries = Registries::replaying_all();
    let recorded = fixture(id);
    let fetched = client(config(&registries)).work(&recorded.doi()).expect(id);
    assert_eq!(fetched.source, Source::CrossrefRest, "{id}");
    assert_eq!(
        fetched.json,
        without(&recorded.json()["message"], CROSSREF_DROPPED),
        "{id}"
    );
    assert!(!fetched.from_cache);
    assert_eq!(
        registries.paths("api.crossref.org"),
        std::slice::from_ref(&recorded.path),
        "{id}"
    );
    fetched
}

/// What the client leaves out of Crossref works and CSL-JSON items (the cited works'
/// list) and of DataCite attributes (a base64 copy of the metadata, usage counts).
use biblink::doi::http::CROSSREF_DROPPED;
const DATACITE_DROPPED: &[&str] =
    &["xml", "viewsOverTime", "downloadsOverTime", "citationsOverTime"];

/// `value` (an object) without `fields`.
fn without(value: &Value, fields: &[&str]) -> Value {
    let mut value = value.clone();
    if let Some(object) = value.as_object_mut() {
        for field in fields {
            object.shift_remove(*field);
        }
    }
    value
}

fn authors(fetched: &Fetched) -> &Vec<Value> {
    fetched.json["author"].as_array().expect("authors")
}

#[test]
fn journal_article() {
    let fetched = crossref_work("works-journal-article");
    assert_eq!(fetched.json["type"], "journal-article");
    // The cited works' list is left out; its count stays.
    assert!(fetched.json.get("reference").is_none());
    assert_eq!(fetched.json["reference-count"], 70);
    assert_eq!(fetched.json["DOI"], "10.1371/journal.pone.0033693");
    assert_eq!(authors(&fetched).len(), 6);
    // RFC 3339, UTC.
    let at = &fetched.fetched_at;
    assert!(at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T', "{at}");
}

#[test]
fn book_chapter() {
    assert_eq!(crossref_work("works-book-chapter").json["type"], "book-chapter");
}

#[test]
fn book_monograph() {
    assert_eq!(crossref_work("works-book-monograph").json["type"], "monograph");
}

#[test]
fn proceedings_paper() {
    let fetched = crossref_work("works-proceedings-article");
    assert_eq!(fetched.json["type"], "proceedings-article");
}

#[test]
fn markup_in_titles_is_fetched_as_sent() {
    for id in ["works-html-in-title", "works-mathml-title", "works-jats-title-15-authors"]
    {
        let title =
            crossref_work(id).json["title"][0].as_str().expect("title").to_string();
        assert!(title.contains("<i>") || title.contains("<mml:math"), "{id}: {title}");
    }
}

#[test]
fn many_authors() {
    let fetched = crossref_work("works-many-authors-collaboration");
    assert_eq!(authors(&fetched).len(), 71);
}

#[test]
fn organisation_as_author() {
    for id in ["works-org-name-authors", "works-corporate-author-report"] {
        let fetched = crossref_work(id);
        assert!(authors(&fetched).iter().any(|a| a.get("name").is_some()), "{id}");
    }
}

/// Every `/works/{doi}` recording, fetched in parallel by one client.
#[test]
fn every_recorded_work_replays() {
    let registries = Registries::replaying_all();
    let works: Vec<Fixture> = fixtures()
        .into_iter()
        .filter(|f| {
            f.status == 200 && f.path.starts_with("/works/") && f.query.is_empty()
        })
        .filter(|f| !f.path.contains("/agency") && !f.path.contains("/transform"))
        .collect();
    assert!(works.len() >= 14, "{} work recordings", works.len());
    let dois: Vec<String> = works.iter().map(Fixture::doi).collect();
    let n_done = std::sync::atomic::AtomicUsize::new(0);
    let results = client(config(&registries)).fetch_all(&dois, |_, result| {
        assert!(result.is_ok());
        n_done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(n_done.into_inner(), works.len());
    for (recorded, result) in works.iter().zip(results) {
        let fetched = result.unwrap_or_else(|e| panic!("{}: {e}", recorded.id));
        assert_eq!(fetched.source, Source::CrossrefRest);
        let expected = without(&recorded.json()["message"], CROSSREF_DROPPED);
        assert_eq!(fetched.json, expected, "{}", recorded.id);
    }
}

/// DataCite DOIs have no `/works` recording (Crossref: 404) and no agency recording
/// (404 too), so the client goes on to DataCite's REST API.
#[test]
fn datacite_doi() {
    let registries = Registries::replaying_all();
    let client = client(config(&registries));
    for id in ["datacite-dataset", "datacite-org-creator", "datacite-arxiv-preprint"] {
        let recorded = fixture(id);
        let doi = recorded.doi();
        let fetched = client.work(&doi).expect(id);
        assert_eq!(fetched.source, Source::DataCite, "{id}");
        let mut expected = recorded.json()["data"].clone();
        expected["attributes"] = without(&expected["attributes"], DATACITE_DROPPED);
        assert_eq!(fetched.json, expected, "{id}");
        assert_eq!(fetched.json["id"], doi.as_str());
    }
    let creators = client.work("10.7910/dvn/nj7xso").expect("dataverse").json["attributes"]
        ["creators"]
        .clone();
    assert_eq!(creators[0]["nameType"], "Organizational");
    let crossref = registries.paths("api.crossref.org");
    assert_eq!(
        crossref[..2],
        ["/works/10.5061/dryad.8515", "/works/10.5061/dryad.8515/agency"]
    );
    let datacite = registries.paths("api.datacite.org");
    assert_eq!(datacite[0], "/dois/10.5061/dryad.8515?include=media,client");
    assert!(registries.requests("doi.org").is_empty(), "no content negotiation needed");
}

/// A CSL-JSON item for the mEDRA DOI 10.1430/8105. Derived, not recorded: the
/// recordings hold mEDRA's ONIX answer for this DOI
/// (`cn/medra-onix_10.1430_8105.xml`), and this is the same record as CSL-JSON.
const MEDRA_CSL_JSON: &str = r#"{
  "type": "article-journal",
  "DOI": "10.1430/8105",
  "title": "L'industria dopo l'euro",
  "author": [{"literal": "Romano Prodi"}],
  "container-title": "L'industria",
  "ISSN": "0019-7416",
  "issue": "4",
  "page": "559-566",
  "publisher": "Società Editrice Il Mulino",
  "issued": {"date-parts": [[2002]]},
  "language": "it"
}"#;

/// The mEDRA DOI: Crossref says 404, its agency lookup (recorded) says `medra`, so
/// the client asks the resolver for CSL-JSON, which redirects to mEDRA's service,
/// as doi.org does. DataCite is not asked.
#[test]
fn content_negotiation_for_medra() {
    let registries = Registries::replaying_all();
    let medra_path = "/10.1430%2F8105";
    registries.mount(
        "doi.org",
        Mock::given(method("GET"))
            .and(path("/10.1430/8105"))
            .and(AcceptIs(CSL_JSON.into()))
            .respond_with(ResponseTemplate::new(302).insert_header(
                "location",
                format!("{}{medra_path}", registries.url("data.medra.org")).as_str(),
            ))
            .expect(1),
    );
    registries.mount(
        "data.medra.org",
        Mock::given(method("GET"))
            .and(path(medra_path))
            .and(AcceptIs(CSL_JSON.into()))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(MEDRA_CSL_JSON, CSL_JSON),
            )
            .expect(1),
    );
    let fetched = client(config(&registries)).work("10.1430/8105").expect("mEDRA DOI");
    assert_eq!(fetched.source, Source::ContentNegotiation);
    assert_eq!(fetched.json["title"], "L'industria dopo l'euro");
    assert_eq!(
        registries.paths("api.crossref.org"),
        ["/works/10.1430/8105", "/works/10.1430/8105/agency"]
    );
    assert!(registries.requests("api.datacite.org").is_empty());
    registries.verify();
}

/// A DOI the agency lookup calls Crossref's but the REST API lacks: content
/// negotiation, through the recorded doi.org redirect, to the recorded CSL-JSON.
#[test]
fn content_negotiation_for_crossref_doi_missing_from_rest() {
    let registries = Registries::replaying_all();
    let redirect = fixture("cn-doi-org-redirect");
    let csl = fixture("cn-csl-json");
    let transform = "/v1/works/10.1126%2Fscience.169.3946.635/transform";
    registries.mount(
        "doi.org",
        Mock::given(path(redirect.path.as_str()))
            .and(AcceptIs(CSL_JSON.into()))
            .respond_with(registries.response_of(&redirect)),
    );
    registries.mount(
        "api.crossref.org",
        Mock::given(path(transform)).and(AcceptIs(CSL_JSON.into())).respond_with(
            registries.response_of(&csl).insert_header("content-type", CSL_JSON),
        ),
    );
    let fetched =
        client(config(&registries)).work("10.1126/science.169.3946.635").expect("cn");
    assert_eq!(fetched.source, Source::ContentNegotiation);
    assert_eq!(fetched.json, without(&csl.json(), CROSSREF_DROPPED));
    assert_eq!(
        registries.paths("api.crossref.org").last().map(String::as_str),
        Some(transform)
    );
}

/// A resolver that redirects to itself: given up after 10 hops.
#[test]
fn redirect_loop_ends() {
    let registries = Registries::empty();
    registries.mount(
        "doi.org",
        Mock::given(path("/10.5555/loop")).respond_with(
            ResponseTemplate::new(302).insert_header("location", "/10.5555/loop"),
        ),
    );
    let result = client(config(&registries)).work("10.5555/loop");
    assert_eq!(result, Err(FetchError::Http(302)));
    assert_eq!(registries.requests("doi.org").len(), 11);
}

/// Unknown DOI: every service answers 404.
#[test]
fn unknown_doi_is_not_found() {
    let registries = Registries::replaying_all();
    let result = client(config(&registries)).work("10.1371/notarealdoi");
    assert_eq!(result, Err(FetchError::NotFound));
    assert_eq!(result.unwrap_err().to_string(), "not found");
    assert_eq!(
        registries.paths("api.crossref.org"),
        ["/works/10.1371/notarealdoi", "/works/10.1371/notarealdoi/agency"]
    );
    assert_eq!(
        registries.paths("api.datacite.org"),
        ["/dois/10.1371/notarealdoi?include=media,client"]
    );
    assert_eq!(registries.paths("doi.org"), ["/10.1371/notarealdoi"]);
}

/// A SICI DOI reaches the server with its brackets and semicolon as recorded.
#[test]
fn sici_doi_path_as_recorded() {
    let registries = Registries::replaying_all();
    let recorded = fixture("agency-404-sici");
    let result = client(config(&registries))
        .work("10.1890/0012-9615(1999)069[0569:EDILSA]2.0.CO;2");
    assert_eq!(result, Err(FetchError::NotFound));
    assert_eq!(registries.paths("api.crossref.org")[1], recorded.path);
}

#[test]
fn retry_after_429_then_success() {
    let registries = Registries::replaying_all();
    let recorded = fixture("works-journal-article");
    let too_many = fixture("error-429-transcribed");
    registries.mount(
        "api.crossref.org",
        Mock::given(path(recorded.path.as_str()))
            .respond_with(
                registries.response_of(&too_many).insert_header("retry-after", "1"),
            )
            .up_to_n_times(1)
            .with_priority(1),
    );
    let started = Instant::now();
    let fetched =
        client(config(&registries)).work(&recorded.doi()).expect("after the 429");
    let elapsed = started.elapsed();
    assert_eq!(fetched.json["DOI"], recorded.json()["message"]["DOI"]);
    assert!(elapsed >= Duration::from_secs(1), "Retry-After: 1 honoured ({elapsed:?})");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(registries.requests("api.crossref.org").len(), 2);
}

/// A 503 three times (the first attempt and two retries), then the DOI fails.
#[test]
fn http_503_three_times_then_failure() {
    let registries = Registries::empty();
    registries.mount(
        "api.crossref.org",
        Mock::given(path("/works/10.1371/journal.pone.0033693"))
            .respond_with(
                ResponseTemplate::new(503).set_body_string("Service Unavailable"),
            )
            .expect(3),
    );
    let config = ClientConfig { retries: 2, ..config(&registries) };
    let result = client(config).work("10.1371/journal.pone.0033693");
    assert_eq!(result, Err(FetchError::Http(503)));
    assert_eq!(result.unwrap_err().to_string(), "HTTP 503");
    registries.verify();
}

#[test]
fn slow_server_times_out() {
    let registries = Registries::replaying_all();
    let recorded = fixture("works-journal-article");
    registries.mount(
        "api.crossref.org",
        Mock::given(path(recorded.path.as_str()))
            .respond_with(
                registries.response_of(&recorded).set_delay(Duration::from_millis(1500)),
            )
            .with_priority(1),
    );
    let config =
        ClientConfig { timeout: Duration::from_millis(600), ..config(&registries) };
    let started = Instant::now();
    let result = client(config).work(&recorded.doi());
    let elapsed = started.elapsed();
    assert_eq!(result, Err(FetchError::Timeout));
    assert!(elapsed < Duration::from_millis(1500), "returned after {elapsed:?}");
}

/// A server that accepts connections and never answers: the run ends within the
/// configured timeout, for every DOI at once.
#[test]
fn server_that_never_answers() {
    // Connections queue in the listen backlog; nothing ever reads or answers them.
    let listener = TcpListener::bind("127.0.0.1:0").expect("listener");
    let silent = format!("http://{}", listener.local_addr().expect("address"));
    let config = ClientConfig {
        crossref_api: silent.clone(),
        datacite_api: silent.clone(),
        resolver: silent,
        timeout: Duration::from_millis(700),
        concurrency: Some(3),
        ..ClientConfig::default()
    };
    let dois: Vec<String> = (1..=3).map(|n| format!("10.5555/silent.{n}")).collect();
    let started = Instant::now();
    let results = client(config).fetch_all(&dois, |_, _| {});
    let elapsed = started.elapsed();
    assert_eq!(results, vec![Err(FetchError::Timeout); 3]);
    // 3 requests spaced by the starting 5 requests/s, each given up after 0.7 s.
    assert!(elapsed < Duration::from_millis(2000), "run took {elapsed:?}");
    drop(listener);
}

/// Nothing listens: the connection is retried, then reported as a network error.
#[test]
fn refused_connection_is_a_network_error() {
    let closed = TcpListener::bind("127.0.0.1:0").expect("listener");
    let url = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let config = ClientConfig {
        crossref_api: url.clone(),
        datacite_api: url.clone(),
        resolver: url,
        retries: 1,
        backoff: Duration::from_millis(10),
        ..ClientConfig::default()
    };
    let result = client(config).work("10.5555/refused");
    let Err(FetchError::Network(reason)) = &result else { panic!("{result:?}") };
    assert!(reason.contains("refused"), "{reason}");
}

#[test]
fn malformed_json() {
    let registries = Registries::empty();
    registries.mount(
        "api.crossref.org",
        Mock::given(path("/works/10.5555/broken")).respond_with(
            ResponseTemplate::new(200).set_body_raw(
                r#"{"status":"ok","message":{"DOI":"10.5555/bro"#,
                "application/json",
            ),
        ),
    );
    let result = client(config(&registries)).work("10.5555/broken");
    let Err(FetchError::Malformed(reason)) = result else { panic!("{result:?}") };
    assert!(reason.contains("/works/10.5555/broken"), "{reason}");
    assert!(reason.contains("EOF"), "{reason}");
}

/// A 200 without the envelope Crossref promises is malformed too.
#[test]
fn json_without_message_is_malformed() {
    let registries = Registries::empty();
    registries.mount(
        "api.crossref.org",
        Mock::given(path("/works/10.5555/bare")).respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": "ok"})),
        ),
    );
    let result = client(config(&registries)).work("10.5555/bare");
    assert!(
        matches!(&result, Err(FetchError::Malformed(r)) if r.contains("'message'")),
        "{result:?}"
    );
}

#[test]
fn search_bibliographic() {
    let registries = Registries::replaying_all();
    let recorded = fixture("search-bibliographic");
    let items = client(config(&registries))
        .search("Carlsson and Ekre, Tensor Computations in Julia", 1)
        .expect("search");
    let expected: Vec<Value> = recorded.json()["message"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| without(item, CROSSREF_DROPPED))
        .collect();
    assert_eq!(items, expected);
    // The query string as recorded, byte for byte.
    let sent = registries.requests("api.crossref.org");
    let sent_query = sent[0].url.query().expect("query");
    assert_eq!(
        sent_query,
        "query.bibliographic=Carlsson+and+Ekre%2C+Tensor+Computations+in+Julia&rows=1"
    );
}

#[test]
fn search_without_hits() {
    let registries = Registries::empty();
    let zero = fixture("search-zero-results");
    registries.mount(
        "api.crossref.org",
        Mock::given(path("/works")).respond_with(registries.response_of(&zero)),
    );
    let items = client(config(&registries)).search("adfaaf", 5).expect("search");
    assert!(items.is_empty());
}

/// With a contact address: the User-Agent names it, Crossref requests carry
/// `mailto=` (the replay mocks tolerate the extra parameter), other services don't.
#[test]
fn polite_user_agent_and_mailto() {
    let registries = Registries::replaying_all();
    let config =
        ClientConfig { mailto: Some("lab@example.org".into()), ..config(&registries) };
    let client = client(config);
    client.work("10.1371/journal.pone.0033693").expect("crossref");
    client.work("10.5061/dryad.8515").expect("datacite");
    for request in registries.requests("api.crossref.org") {
        let agent = request.headers.get("user-agent").and_then(|v| v.to_str().ok());
        assert!(
            agent.is_some_and(|a| a.contains("(mailto:lab@example.org)")),
            "{agent:?}"
        );
        assert_eq!(request.url.query(), Some("mailto=lab%40example.org"));
    }
    for request in registries.requests("api.datacite.org") {
        assert_eq!(request.url.query(), Some("include=media,client"));
    }
    // Without one: no mailto anywhere.
    let registries = Registries::replaying_all();
    self::client(self::config(&registries))
        .work("10.1371/journal.pone.0033693")
        .expect("ok");
    let request = &registries.requests("api.crossref.org")[0];
    assert_eq!(request.url.query(), None);
    let agent =
        request.headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(agent.starts_with("biblink/") && !agent.contains("mailto"), "{agent}");
}

/// The second lookup of a DOI is served from the cache: only one request reaches the
/// mock. Offline, a cached DOI still resolves and an uncached one is `NotCached`;
/// `refresh` asks again.
#[test]
fn cache_offline_and_refresh() {
    let registries = Registries::empty();
    let recorded = fixture("works-journal-article");
    let doi = recorded.doi();
    registries.mount(
        "api.crossref.org",
        Mock::given(path(recorded.path.as_str()))
            .respond_with(registries.response_of(&recorded)),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let cached =
        ClientConfig { cache: Some(Cache::new(dir.path())), ..config(&registries) };

    let client = self::client(cached.clone());
    let first = client.work(&doi).expect("first");
    let second = client.work(&doi).expect("second");
    assert!(!first.from_cache && second.from_cache);
    assert_eq!(first.json, second.json);
    assert_eq!(first.fetched_at, second.fetched_at);
    assert_eq!(registries.requests("api.crossref.org").len(), 1);

    // A new client (a new run) reads the same files.
    let again = self::client(cached.clone()).work(&doi).expect("cached run");
    assert!(again.from_cache);
    assert_eq!(registries.requests("api.crossref.org").len(), 1);

    let offline = self::client(ClientConfig { offline: true, ..cached.clone() });
    assert!(offline.work(&doi).expect("offline hit").from_cache);
    assert_eq!(offline.work("10.5555/never-fetched"), Err(FetchError::NotCached));
    assert_eq!(registries.requests("api.crossref.org").len(), 1);

    let refresh = self::client(ClientConfig { refresh: true, ..cached });
    let refreshed = refresh.work(&doi).expect("refresh");
    assert!(!refreshed.from_cache);
    assert_eq!(registries.requests("api.crossref.org").len(), 2);

    // Offline without any cache: nothing can be answered.
    let no_cache = self::client(ClientConfig { offline: true, ..config(&registries) });
    assert_eq!(no_cache.work(&doi), Err(FetchError::NotCached));
}

/// A 404 is an answer and cached; the whole DataCite path (Crossref 404, agency 404,
/// DataCite 200) replays offline; failures (503) are never cached.
#[test]
fn cache_keeps_answers_not_failures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let registries = Registries::replaying_all();
    registries.mount(
        "api.crossref.org",
        Mock::given(path("/works/10.5555/flaky"))
            .respond_with(ResponseTemplate::new(503))
            .with_priority(1),
    );
    let cached = ClientConfig {
        cache: Some(Cache::new(dir.path())),
        retries: 0,
        ..config(&registries)
    };
    let client = client(cached.clone());
    assert_eq!(client.work("10.1371/notarealdoi"), Err(FetchError::NotFound));
    assert_eq!(client.work("10.5061/dryad.8515").map(|f| f.source), Ok(Source::DataCite));
    assert_eq!(client.work("10.5555/flaky"), Err(FetchError::Http(503)));
    let n_requests = registries.requests("api.crossref.org").len();

    let offline = self::client(ClientConfig { offline: true, ..cached });
    assert_eq!(offline.work("10.1371/notarealdoi"), Err(FetchError::NotFound));
    let datacite = offline.work("10.5061/dryad.8515").expect("cached DataCite DOI");
    assert!(datacite.from_cache && datacite.source == Source::DataCite);
    assert_eq!(offline.work("10.5555/flaky"), Err(FetchError::NotCached));
    assert_eq!(registries.requests("api.crossref.org").len(), n_requests);
}

/// `x-rate-limit-limit: 2` per `1s`: six requests (on six workers) are spread over
/// at least 2 s.
#[test]
fn rate_limit_headers_are_followed() {
    let registries = Registries::empty();
    let recorder = Recorder::new(
        ResponseTemplate::new(200)
            .insert_header("x-rate-limit-limit", "2")
            .insert_header("x-rate-limit-interval", "1s")
            .set_body_json(
                json!({"status": "ok", "message": {"type": "journal-article"}}),
            ),
    );
    registries.mount(
        "api.crossref.org",
        Mock::given(path_regex("^/works/10.5555/rate[0-9]+$"))
            .respond_with(recorder.clone()),
    );
    let config = ClientConfig { concurrency: Some(6), ..config(&registries) };
    let dois: Vec<String> = (0..6).map(|n| format!("10.5555/rate{n}")).collect();
    let started = Instant::now();
    let results = client(config).fetch_all(&dois, |_, _| {});
    let elapsed = started.elapsed();
    assert!(results.iter().all(Result::is_ok));
    assert!(elapsed >= Duration::from_secs(2), "6 requests at 2/s took {elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
    let arrivals = recorder.arrivals();
    for pair in arrivals.windows(2).skip(1) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(450), "spaced evenly");
    }
}

/// `x-concurrency-limit: 2`: never more than two requests in flight, though the
/// client has eight workers.
#[test]
fn concurrency_limit_header_is_followed() {
    let registries = Registries::empty();
    let latency = Duration::from_millis(150);
    let recorder = Recorder::new(
        ResponseTemplate::new(200)
            .insert_header("x-concurrency-limit", "2")
            .set_body_json(
                json!({"status": "ok", "message": {"type": "journal-article"}}),
            )
            .set_delay(latency),
    );
    registries.mount(
        "api.crossref.org",
        Mock::given(path_regex("^/works/10.5555/c[0-9]+$"))
            .respond_with(recorder.clone()),
    );
    let dois: Vec<String> = (0..10).map(|n| format!("10.5555/c{n}")).collect();
    let results = client(config(&registries)).fetch_all(&dois, |_, _| {});
    assert!(results.iter().all(Result::is_ok));
    // Requests overlapping in time arrive less than one latency apart.
    assert_eq!(recorder.max_overlap(latency.mul_f64(0.9)), 2);
}

/// A server that sends no limits (the benchmark's mock) is not throttled below the
/// user's `--concurrency`: 200 DOIs at 20 ms each on 8 workers take about 0.5 s.
#[test]
fn no_limit_headers_use_the_users_concurrency() {
    let registries = Registries::empty();
    let latency = Duration::from_millis(20);
    let recorder = Recorder::new(
        ResponseTemplate::new(200)
            .set_body_json(
                json!({"status": "ok", "message": {"type": "journal-article"}}),
            )
            .set_delay(latency),
    );
    registries.mount(
        "api.crossref.org",
        Mock::given(path_regex("^/works/10.5555/b[0-9]+$"))
            .respond_with(recorder.clone()),
    );
    let config = ClientConfig { concurrency: Some(8), ..config(&registries) };
    let dois: Vec<String> = (0..200).map(|n| format!("10.5555/b{n}")).collect();
    let started = Instant::now();
    let results = client(config).fetch_all(&dois, |_, _| {});
    let elapsed = started.elapsed();
    assert!(results.iter().all(Result::is_ok));
    assert!(elapsed < Duration::from_millis(1500), "200 DOIs took {elapsed:?}");
    let overlap = recorder.max_overlap(latency.mul_f64(0.9));
    assert!((6..=8).contains(&overlap), "{overlap} in flight");
}

#[test]
fn bad_base_url_is_a_configuration_error() {
    let config = ClientConfig {
        crossref_api: "api.crossref.org".into(),
        ..ClientConfig::default()
    };
    assert!(matches!(Client::new(config), Err(FetchError::Config(_))));
}
