//! `biblink check` on CSL-JSON, EndNote XML and JATS files: exit codes,
//! `biblink.toml` reaching the readers' rules, keys in findings, JSON and
//! SARIF output, UTF-16. The (line, rule) findings of each file are in
//! `tests/fixtures/check/{csl,endnote,jats}/`, run by `tests/check_fixtures.rs`.

mod common;

use common::{Project, repo, stderr, stdout};
use serde_json::Value;

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures").join(path)).expect("fixture")
}

fn json(project: &Project, args: &[&str]) -> (Option<i32>, Value) {
    let output = project.run(args);
    let value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|error| panic!("{error}: {}", stderr(&output)));
    (output.status.code(), value)
}

/// `(line, rule, key)` of every finding of a JSON report.
fn findings(report: &Value) -> Vec<(u64, String, Option<String>)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or(0),
                f["rule"].as_str().unwrap_or("").to_string(),
                f["key"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn clean_files_of_each_format_pass() {
    let project = Project::new();
    project.write("refs.json", fixture("check/csl/clean.json"));
    project.write("export.xml", fixture("check/endnote/clean.xml"));
    project.write("article.xml", fixture("jats/plos-mixed.xml"));
    let (code, report) =
        json(&project, &["check", "refs.json", "export.xml", "--format", "json"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["summary"]["files"], 2);
    assert_eq!(report["summary"]["entries"], 3);
    assert!(findings(&report).is_empty(), "{report}");
    // A directory: each of the three is found and read by its content.
    let (_, report) = json(&project, &["check", ".", "--format", "json"]);
    assert_eq!(report["summary"]["files"], 3, "{report}");
}

#[test]
fn reader_errors_fail_and_keys_name_generated_entries() {
    let project = Project::new();
    project.write("records.xml", fixture("check/endnote/records.xml"));
    let (code, report) = json(&project, &["check", "records.xml", "--format", "json"]);
    assert_eq!(code, Some(1), "{report}");
    let found = findings(&report);
    assert!(found.contains(&(12, "EN004".into(), None)), "{found:?}");
    // EndNote records have no keys: each gets the one an import would give.
    assert!(
        found.contains(&(20, "DUP002".into(), Some("abebe2019coffeea".into()))),
        "{found:?}"
    );
    let en004 = &report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "EN004")
        .expect("EN004")["name"];
    assert_eq!(en004, "endnote-record-without-type");

    // Only warnings left once the errors are ignored or turned down.
    project.write(
        "biblink.toml",
        "[check]\nignore = [\"EN004\", \"endnote-record-without-fields\", \"ID003\", \"EN008\"]\n",
    );
    let (code, report) = json(&project, &["check", "records.xml", "--format", "json"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["summary"]["errors"], 0, "{report}");
    project.write(
        "biblink.toml",
        "[check]\nignore = [\"DUP002:abebe2019coffeea\"]\n[check.severity]\nEN006 = \"error\"\nCSL006 = \"off\"\n",
    );
    let (_, report) = json(&project, &["check", "records.xml", "--format", "json"]);
    let found = findings(&report);
    assert!(!found.iter().any(|f| f.1 == "DUP002"), "{found:?}");
    let en006 = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "EN006")
        .expect("EN006");
    assert_eq!(en006["severity"], "error");
}

#[test]
fn csl_ids_are_keys_and_fail_on_errors() {
    let project = Project::new();
    project.write("items.json", fixture("check/csl/items.json"));
    let (code, report) = json(&project, &["check", "items.json", "--format", "json"]);
    assert_eq!(code, Some(1));
    let found = findings(&report);
    assert!(found.contains(&(37, "VALUE002".into(), Some("eze2015yam".into()))));
    let output = project.run(&["check", "items.json", "--fail-on", "never"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("items.json:29:5: error[CSL007]"), "{text}");
}

#[test]
fn sarif_lists_the_readers_rules() {
    let project = Project::new();
    project.write("refs.xml", fixture("check/jats/refs.xml"));
    let (code, sarif) = json(&project, &["check", "refs.xml", "--format", "sarif"]);
    assert_eq!(code, Some(1));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    for id in ["CSL001", "CSL007", "EN001", "EN008", "JATS001", "JATS006"] {
        assert!(ids.contains(&id), "{id}");
    }
    for result in sarif["runs"][0]["results"].as_array().expect("results") {
        let idx = result["ruleIndex"].as_u64().expect("every rule is registered");
        assert_eq!(rules[idx as usize]["id"], result["ruleId"]);
    }
    let output = project.run(&["check", "--list-rules"]);
    let listing = stdout(&output);
    assert!(listing.contains("JATS005") && listing.contains("csl-duplicate-id"));
}

#[test]
fn utf16_endnote_files_are_checked() {
    let project = Project::new();
    project.write("le.xml", fixture("endnote/quirks/utf16le-bom.xml"));
    project.write("be.xml", fixture("endnote/quirks/utf16be-bom.xml"));
    let (code, report) =
        json(&project, &["check", "le.xml", "be.xml", "--format", "json"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["summary"]["entries"], 2, "{report}");
    // Without a byte order mark: decoded too (its ASCII markup tells).
    project.write("nobom.xml", fixture("endnote/quirks/utf16le-no-bom.xml"));
    let (code, report) = json(&project, &["check", "nobom.xml", "--format", "json"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["summary"]["entries"], 1, "{report}");
}
