//! `biblink resolve` end to end against the recorded registry responses
//! served on 127.0.0.1 (never the internet).

mod common;

use std::process::{Command, Output};

use common::mock::Registries;
use common::{Project, biblink, repo, stderr, stdout};
use serde_json::Value;

/// Runs biblink in `project` with every registry pointed at the mock and a
/// cache of the project's own.
fn run(project: &Project, registries: &Registries, args: &[&str]) -> Output {
    registries.biblink(project.path()).args(args).output().expect("run biblink")
}

/// `biblink resolve --timeout SECONDS` in `project` with every registry at
/// `url` and a cache of the project's own.
fn resolve_against(project: &Project, url: &str, seconds: &str) -> Command {
    let mut command = biblink(project.path());
    command
        .env("BIBLINK_CROSSREF_API", url)
        .env("BIBLINK_DATACITE_API", url)
        .env("BIBLINK_DOI_RESOLVER", url)
        .env("BIBLINK_CACHE_DIR", project.path().join("cache"))
        .args(["resolve", "--timeout", seconds]);
    command
}

fn seed_project() -> Project {
    let project = Project::new();
    let ris =
        std::fs::read(repo().join("seeds/002_5def3547d2eca7fe.txt")).expect("seed RIS");
    project.write("seed.ris", ris);
    let out = project.run(&["import", "seed.ris"]);
    assert!(out.status.success(), "{}", stderr(&out));
    project
}

#[test]
fn the_seed_article_resolves_without_false_conflicts() {
    let registries = Registries::replaying_all();
    let project = seed_project();
    let before = project.read("refs/references.bib");
    let out = run(&project, &registries, &["resolve", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(report["summary"]["resolved"], 1, "{report:#}");
    assert_eq!(report["summary"]["conflicts"], 0, "{report:#}");
    let entry = &report["entries"][0];
    assert_eq!(entry["key"], "chong2019cashless");
    assert_eq!(entry["doi"], "10.1080/17544750.2019.1583261");
    // Whatever was filled is new, never a changed title, author, date or pages.
    for change in entry["changes"].as_array().unwrap() {
        assert_eq!(change["kind"], "filled", "{change}");
        let field = change["field"].as_str().unwrap();
        assert!(
            !["title", "subtitle", "author", "date", "pages", "journaltitle"]
                .contains(&field),
            "{change}"
        );
    }
    let after = project.read("refs/references.bib");
    assert!(after.contains("title        = {Cashless China},"), "{after}");
    if entry["changes"].as_array().unwrap().is_empty() {
        assert_eq!(before, after, "nothing to fill: the store is untouched");
    }
    // The second run is served from the cache: offline works.
    let out = run(&project, &registries, &["resolve", "--offline", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["summary"]["resolved"], 1);
}

#[test]
fn an_unknown_doi_is_reported_and_the_others_saved() {
    let registries = Registries::replaying_all();
    let project = Project::new();
    project.write(
        "refs.bib",
        "@article{known, author = {Smith, J.}, title = {Placeholder}, date = {2012}, doi = {10.1371/journal.pone.0033693}}\n\
         @article{unknown, author = {Doe, J.}, title = {Nothing}, date = {2020}, doi = {10.1371/notarealdoi}}\n\
         @article{broken, author = {Roe, J.}, title = {Bad}, date = {2020}, doi = {10.abc/x}}\n",
    );
    assert!(project.run(&["import", "refs.bib"]).status.success());
    let out = run(&project, &registries, &["resolve"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let errors = stderr(&out);
    assert!(errors.contains("unknown 10.1371/notarealdoi: not found"), "{errors}");
    assert!(
        errors.contains("broken 10.abc/x: ") && errors.contains("malformed DOI"),
        "{errors}"
    );
    let printed = stdout(&out);
    assert!(printed.contains("known: conflict in title"), "{printed}");
    assert!(printed.contains("known: filled journaltitle = PLoS ONE"), "{printed}");
    let store = project.read("refs/references.bib");
    assert!(store.contains("journaltitle = {PLoS ONE}"), "the success is saved: {store}");
    assert!(
        store.contains("title        = {Placeholder}"),
        "conflicts keep the local value"
    );
    // --prefer remote takes the registry's title.
    let out = run(&project, &registries, &["resolve", "known", "--prefer", "remote"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("known: updated title"), "{}", stdout(&out));
    assert!(!project.read("refs/references.bib").contains("{Placeholder}"));
}

#[test]
fn offline_without_a_cache_fails_each_entry_and_changes_nothing() {
    let registries = Registries::empty();
    let project = seed_project();
    let before = project.read("refs/references.bib");
    let out = run(&project, &registries, &["resolve", "--offline"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("chong2019cashless 10.1080/17544750.2019.1583261: not cached"),
        "{}",
        stderr(&out)
    );
    assert_eq!(project.read("refs/references.bib"), before);
}

#[test]
fn find_missing_takes_a_close_match_and_lists_the_rest() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    let registries = Registries::empty();
    let body = std::fs::read_to_string(common::shared(
        "data/crossref/search/query-bibliographic_carlsson-ekre_rows1.json",
    ))
    .unwrap();
    registries.mount(
        "api.crossref.org",
        Mock::given(method("GET")).and(path("/works")).respond_with(
            ResponseTemplate::new(200).set_body_raw(body, "application/json"),
        ),
    );
    let project = Project::new();
    project.write(
        "refs.bib",
        "@article{tensors, author = {Carlsson, K. and Ekre, F.}, title = {Tensors.jl: Tensor computations in Julia}, date = {2019}}\n\
         @article{other, author = {Carlsson, K.}, title = {Tensor computations in Julia}, date = {2015}}\n",
    );
    assert!(project.run(&["import", "refs.bib"]).status.success());
    let out = run(&project, &registries, &["resolve", "--find-missing", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let by_key = |key: &str| {
        report["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == key)
            .unwrap()
            .clone()
    };
    let tensors = by_key("tensors");
    assert_eq!(tensors["status"], "updated");
    assert_eq!(tensors["doi"], "10.5334/jors.182");
    let other = by_key("other");
    assert_eq!(other["status"], "no match", "another year: listed, not applied");
    assert_eq!(other["changes"][0]["kind"], "candidate");
    assert!(other["changes"][0]["remote"].as_str().unwrap().contains("other year"));
    let store = project.read("refs/references.bib");
    assert!(store.contains("doi          = {10.5334/jors.182}"), "{store}");
    assert_eq!(store.matches("10.5334/jors.182").count(), 1);
}

#[test]
fn a_killed_run_leaves_the_store_as_it_was() {
    // A registry that accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hold = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(64).flatten() {
            held.push(stream);
        }
    });
    let project = seed_project();
    let before = project.read("refs/references.bib");
    let mut child = resolve_against(&project, &url, "30").spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(project.read("refs/references.bib"), before);
    let leftovers: Vec<String> = std::fs::read_dir(project.path().join("refs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| {
            !matches!(n.as_str(), "references.bib" | "provenance.jsonl" | ".biblink.lock")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The next run is not blocked by the killed one's lock.
    let out = project.run(&["show", "chong2019cashless"]);
    assert!(out.status.success(), "{}", stderr(&out));
    drop(hold);
}

#[test]
fn a_server_that_never_answers_ends_within_the_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(64).flatten() {
            held.push(stream);
        }
    });
    let project = seed_project();
    let started = std::time::Instant::now();
    let out = resolve_against(&project, &url, "1").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("chong2019cashless 10.1080/17544750.2019.1583261: timeout"),
        "{}",
        stderr(&out)
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}
