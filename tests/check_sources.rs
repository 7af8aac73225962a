//! `biblink check` against sources: the store against what its recorded
//! sources build (SYNC001, SYNC002), and with `--online` every DOI against
//! the recorded registry responses served on 127.0.0.1 (DOI001-DOI003).

mod common;

use std::process::Output;

use common::mock::Registries;
use common::{Project, biblink, repo, stderr, stdout};
use serde_json::Value;

/// (rule, key, line) of every finding of a `--format json` run.
fn findings(out: &Output) -> Vec<(String, Option<String>, u64)> {
    let report: Value = serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)));
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["key"].as_str().map(str::to_string),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn of_rule<'a>(
    found: &'a [(String, Option<String>, u64)],
    rule: &str,
) -> Vec<&'a (String, Option<String>, u64)> {
    found.iter().filter(|f| f.0 == rule).collect()
}

/// A project whose sources are the seeds, built.
fn built_seed_project() -> Project {
    let project = Project::new();
    for name in [
        "000_68118a06d3e3690d.txt",
        "002_5def3547d2eca7fe.txt",
        "003_5e657ceb746cda70.txt",
    ] {
        let text = std::fs::read(repo().join("seeds").join(name)).expect("seed");
        project.write(&format!("seeds/{name}"), text);
    }
    let out = project.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    project
}

#[test]
fn a_freshly_built_store_is_in_sync_and_has_no_errors() {
    let project = built_seed_project();
    let out = project.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}\n{}", stdout(&out), stderr(&out));
    let found = findings(&out);
    assert!(of_rule(&found, "SYNC001").is_empty(), "{found:?}");
    assert!(of_rule(&found, "SYNC002").is_empty(), "{found:?}");
    // The seed's State Council report really lacks type and institution.
    let model: Vec<_> = of_rule(&found, "MODEL001");
    assert_eq!(model.len(), 2, "{found:?}");
    assert!(model.iter().all(|f| f.1.as_deref() == Some("statecouncil2015guowuyuan")));
}

#[test]
fn a_changed_source_makes_the_store_out_of_date() {
    let project = built_seed_project();
    let ris = project.read("seeds/002_5def3547d2eca7fe.txt");
    assert!(ris.contains("T1 - Cashless China"), "{ris}");
    project.write(
        "seeds/002_5def3547d2eca7fe.txt",
        ris.replace("T1 - Cashless China", "T1 - Cashless Society"),
    );
    let out = project.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let found = findings(&out);
    let sync = of_rule(&found, "SYNC001");
    assert_eq!(sync.len(), 1, "{found:?}");
    assert_eq!(sync[0].1.as_deref(), Some("chong2019cashless"));
    // The line of the entry in the store.
    let bib = project.read("refs/references.bib");
    let line = bib.lines().position(|l| l.starts_with("@article{chong2019cashless,"));
    assert_eq!(Some(sync[0].2 as usize), line.map(|l| l + 1));
    // Rebuilding makes it agree again.
    assert!(project.run(&["build"]).status.success());
    let out = project.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn an_entry_no_source_gives_and_a_missing_source_are_reported() {
    let project = built_seed_project();
    let mut bib = project.read("refs/references.bib");
    bib.push_str(
        "\n@article{hand2020added,\n  author = {Hand, Ann},\n  title = {Added by Hand},\n  journaltitle = {J},\n  date = {2020},\n}\n",
    );
    project.write("refs/references.bib", &bib);
    let out = project.run(&["check", "--format", "json"]);
    let found = findings(&out);
    let sync = of_rule(&found, "SYNC001");
    assert_eq!(sync.len(), 1, "{found:?}");
    assert_eq!(sync[0].1.as_deref(), Some("hand2020added"));
    // A source named in the provenance that is gone: SYNC002, not a flood of SYNC001.
    std::fs::remove_file(project.path().join("seeds/002_5def3547d2eca7fe.txt"))
        .expect("remove");
    let out = project.run(&["check", "refs", "--format", "json"]);
    let found = findings(&out);
    let missing = of_rule(&found, "SYNC002");
    assert_eq!(missing.len(), 1, "{found:?}");
    assert_eq!(missing[0].1.as_deref(), Some("chong2019cashless"));
    assert!(of_rule(&found, "SYNC001").is_empty(), "{found:?}");
}

/// Runs biblink with every registry pointed at the mock and a cache of the project's own.
fn run_online(project: &Project, registries: &Registries, args: &[&str]) -> Output {
    registries.biblink(project.path()).args(args).output().expect("run biblink")
}

const ONLINE_BIB: &str = "\
@article{known,
  author = {Nobody, Jane},
  title = {A Title the Registry Does Not Have},
  journaltitle = {PLoS ONE},
  date = {2012},
  doi = {10.1371/journal.pone.0033693},
}

@article{unknown,
  author = {Doe, John},
  title = {Nothing},
  journaltitle = {J},
  date = {2020},
  doi = {10.1371/notarealdoi},
}
";

#[test]
fn online_dois_are_checked_against_the_registry_and_then_the_cache() {
    let registries = Registries::replaying_all();
    let project = Project::new();
    project.write("refs.bib", ONLINE_BIB);
    let seed =
        std::fs::read(repo().join("seeds/002_5def3547d2eca7fe.txt")).expect("seed");
    project.write("seed.ris", seed);
    let args = ["check", "refs.bib", "seed.ris", "--online", "--format", "json"];
    let out = run_online(&project, &registries, &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let found = findings(&out);
    let not_found = of_rule(&found, "DOI001");
    assert_eq!(not_found.len(), 1, "{found:?}");
    assert_eq!((not_found[0].1.as_deref(), not_found[0].2), (Some("unknown"), 14));
    // The registry's title and authors differ from the entry's: DOI002 on
    // those fields' lines; the seed article agrees with its record.
    let mismatches = of_rule(&found, "DOI002");
    assert!(!mismatches.is_empty(), "{found:?}");
    assert!(mismatches.iter().all(|f| f.1.as_deref() == Some("known")), "{found:?}");
    assert!(mismatches.iter().any(|f| f.2 == 3), "title line: {found:?}");
    assert!(of_rule(&found, "DOI003").is_empty(), "{found:?}");
    // Offline, the same answers come from the cache.
    let offline =
        ["check", "refs.bib", "seed.ris", "--online", "--offline", "--format", "json"];
    let out = run_online(&project, &registries, &offline);
    assert_eq!(findings(&out), found, "{}", stderr(&out));
}

#[test]
fn an_unreachable_registry_is_doi003_not_a_crash() {
    let project = Project::new();
    project.write("refs.bib", ONLINE_BIB);
    // Nothing listens on port 9 of 127.0.0.1 here; no cache either.
    let out = biblink(project.path())
        .env("BIBLINK_CROSSREF_API", "http://127.0.0.1:9")
        .env("BIBLINK_DATACITE_API", "http://127.0.0.1:9")
        .env("BIBLINK_DOI_RESOLVER", "http://127.0.0.1:9")
        .env("BIBLINK_CACHE_DIR", project.path().join("cache"))
        .args(["check", "refs.bib", "--online", "--timeout-free", "--format", "json"])
        .output()
        .expect("run");
    // Unknown flag: a usage error (2), not a check.
    assert_eq!(out.status.code(), Some(2));
    let out = biblink(project.path())
        .env("BIBLINK_CROSSREF_API", "http://127.0.0.1:9")
        .env("BIBLINK_DATACITE_API", "http://127.0.0.1:9")
        .env("BIBLINK_DOI_RESOLVER", "http://127.0.0.1:9")
        .env("BIBLINK_CACHE_DIR", project.path().join("cache"))
        .args(["check", "refs.bib", "--online", "--format", "json"])
        .output()
        .expect("run");
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    let found = findings(&out);
    let unchecked = of_rule(&found, "DOI003");
    assert_eq!(unchecked.len(), 2, "{found:?}");
    // Warnings only: the check passes at the default --fail-on error.
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}
