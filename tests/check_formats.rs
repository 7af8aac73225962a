//! `biblink check` output formats and exit codes (issue 6).
//!
//! - `--format sarif` validates against the OASIS SARIF 2.1.0 schema vendored in
//!   `tests/schemas/` (see its README) and carries what GitHub code scanning
//!   needs: `ruleId`s declared in `tool.driver.rules` with a matching
//!   `ruleIndex`, levels, relative forward-slash URIs, `region.startLine` >= 1;
//!   and exactly the findings (rule, line, column) of `--format json`.
//! - `--format github` prints one well-formed, escaped workflow command per
//!   JSON finding (`::error|warning|notice file=..,line=..[,col=..][,title=..]::msg`)
//!   whose properties and message round-trip when unescaped.
//! - the text format groups findings by file, names `file:line:col`, the rule
//!   and the message, and never colours output that is not a terminal.
//! - exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage or I/O error.
//!
//! The rule registry is read from `src/check/rules.rs` (the authority on ids),
//! so that these tests need no API beyond the command line.

mod common;

use std::collections::BTreeMap;
use std::process::Output;

use common::{Project, biblink, repo, stderr, stdout};
use regex::Regex;
use serde_json::Value as Json;

/// An entry with nothing to report.
const CLEAN: &str = "\
@article{smith2020,
  author = {Smith, John},
  title = {A Study of Things},
  journaltitle = {Journal of Things},
  date = {2020},
}
";

/// Errors, warnings and infos, one entry-level and several field-level, and a
/// syntax error at the end (an entry never closed).
const BROKEN: &str = "\
@article{smith2020,
  author = {Smith, John and and Lee, Kim},
  title = {The {DNA} of Things},
  journaltitle = {Journal of Things},
  date = {2020-13-01},
  doi = {https://doi.org/10.1000/xyz123},
  pages = {1-10},
  foo = {bar},
}

@book{lee2021,
  title = {DNA and More},
  isbn = {978-3-16-148410-1},
  date = {2021},
}

@article{lee2021,
  author = {Lee, Kim},
  title = {Again},
  journaltitle = {Journal},
  date = {2021},
}

@misc{odd2019,
  title = {TODO},
  date = {2019},
  url = {www.example.com/page},
  issn = {1234-5678},
}

@article{open2022,
  author = {Open, Ann},
  title = {Never closed
";

/// Warnings only (an unknown field, an unknown type).
const WARNINGS_ONLY: &str = "\
@article{smith2020,
  author = {Smith, John},
  title = {A Study of Things},
  journaltitle = {Journal of Things},
  date = {2020},
  foo = {bar},
}

@whatever{lee2021,
  author = {Lee, Kim},
  title = {Something},
  date = {2021},
}
";

/// Infos only (a single-hyphen page range, a DOI written as a URL).
const INFOS_ONLY: &str = "\
@article{smith2020,
  author = {Smith, John},
  title = {A Study of Things},
  journaltitle = {Journal of Things},
  date = {2020},
  pages = {1-10},
  doi = {https://doi.org/10.1000/xyz123},
}
";

/// One error (an invalid DOI) and nothing else.
const ONE_ERROR: &str = "\
@article{smith2020,
  author = {Smith, John},
  title = {A Study of Things},
  journaltitle = {Journal of Things},
  date = {2020},
  doi = {11.1000/xyz},
}
";

/// A RIS file with problems: an unknown type, a bad DOI, a record left open.
const BROKEN_RIS: &str = "\
TY  - JOUR
AU  - Smith, John
TI  - A Study of Things
JO  - Journal of Things
PY  - 2020
DO  - not a doi
ER  - 

TY  - WHAT
AU  - Lee, Kim
TI  - Something
PY  - 2021
ER  - 

TY  - BOOK
AU  - Open, Ann
TI  - Never closed
";

/// Values whose messages (which quote the offending value) hold `%`, `,`, `:`
/// and line breaks, for the escaping of `--format github`.
const AWKWARD_VALUES: &str = "\
@article{smith2020,
  author = {Smith, John},
  title = {A Study of Things},
  journaltitle = {Journal of Things},
  date = {2020},
  doi = {10.1000/abc def,
         ghi: 5%},
  url = {http://example.com/a b,
         c: 100%},
  isbn = {12%34,
          56:78},
  note = {50% of all cases: a, b},
}
";

// ---------------------------------------------------------------------------
// Helpers

/// One rule of the registry: id, name, default severity.
#[derive(Debug, Clone)]
struct Rule {
    id: String,
    name: String,
    severity: String,
}

/// The registry, parsed from `src/check/rules.rs`.
fn registry() -> Vec<Rule> {
    let source = std::fs::read_to_string(repo().join("src/check/rules.rs"))
        .expect("src/check/rules.rs readable");
    let pattern = Regex::new(
        r#"rule\(\s*"([A-Z]+[0-9]+)",\s*"([a-z0-9-]+)",\s*(Error|Warning|Info),"#,
    )
    .expect("regex");
    let rules: Vec<Rule> = pattern
        .captures_iter(&source)
        .map(|c| Rule {
            id: c[1].to_string(),
            name: c[2].to_string(),
            severity: c[3].to_lowercase(),
        })
        .collect();
    assert!(rules.len() >= 50, "could not read the rule registry: {rules:?}");
    rules
}

/// One finding of `--format json`.
#[derive(Debug, Clone, PartialEq)]
struct Finding {
    rule: String,
    severity: String,
    file: String,
    line: u64,
    column: u64,
    message: String,
}

/// Runs `biblink check ARGS` in the project.
fn check(project: &Project, args: &[&str]) -> Output {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let output = project.run(&all);
    assert_no_panic(&output);
    output
}

fn assert_no_panic(output: &Output) {
    let err = stderr(output);
    assert!(
        !err.contains("panicked"),
        "biblink panicked:\n{err}\nstdout:\n{}",
        stdout(output)
    );
    assert!(
        output.status.code().is_some(),
        "killed by a signal: {:?}\n{err}",
        output.status
    );
}

/// The exit code, with the output in the message when it is not `expected`.
fn assert_exit(output: &Output, expected: i32, what: &str) {
    assert_eq!(
        output.status.code(),
        Some(expected),
        "{what}: exit code\nstdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// Parses `--format json` output and checks its shape against the contract
/// (and the rule registry: ids, names, default severities as no
/// `biblink.toml` is present); returns the findings.
fn json_findings(output: &Output) -> (Json, Vec<Finding>) {
    let text = stdout(output);
    let json: Json = serde_json::from_str(&text).unwrap_or_else(|error| {
        panic!(
            "--format json is not one JSON document ({error}):\n{text}\nstderr:\n{}",
            stderr(output)
        )
    });
    let rules = registry();
    assert_eq!(json["version"], "1", "{json:#}");
    let list =
        json["findings"].as_array().unwrap_or_else(|| panic!("findings: {json:#}"));
    let mut findings = Vec::new();
    let mut counts = BTreeMap::from([("error", 0), ("warning", 0), ("info", 0)]);
    for f in list {
        let rule = f["rule"].as_str().unwrap_or_else(|| panic!("rule: {f:#}"));
        let known = rules
            .iter()
            .find(|r| r.id == rule)
            .unwrap_or_else(|| panic!("rule {rule} is not in the registry: {f:#}"));
        assert_eq!(f["name"], known.name.as_str(), "name of {rule}: {f:#}");
        let severity =
            f["severity"].as_str().unwrap_or_else(|| panic!("severity: {f:#}"));
        assert_eq!(severity, known.severity, "default severity of {rule}: {f:#}");
        *counts.get_mut(severity).expect("known severity") += 1;
        let message = f["message"].as_str().unwrap_or_else(|| panic!("message: {f:#}"));
        assert!(!message.trim().is_empty(), "empty message: {f:#}");
        assert!(f["key"].is_string() || f["key"].is_null(), "key: {f:#}");
        assert!(
            f.get("help").is_none_or(|h| h.is_string() || h.is_null()),
            "help: {f:#}"
        );
        let line = f["line"].as_u64().unwrap_or_else(|| panic!("line: {f:#}"));
        let column = f["column"].as_u64().unwrap_or_else(|| panic!("column: {f:#}"));
        if line == 0 {
            assert_eq!(column, 0, "a whole-file finding has no column: {f:#}");
        }
        findings.push(Finding {
            rule: rule.to_string(),
            severity: severity.to_string(),
            file: f["file"].as_str().unwrap_or_else(|| panic!("file: {f:#}")).to_string(),
            line,
            column,
            message: message.to_string(),
        });
    }
    let summary = &json["summary"];
    assert!(
        summary["files"].is_u64() && summary["entries"].is_u64(),
        "summary: {json:#}"
    );
    assert_eq!(summary["errors"], counts["error"], "summary.errors: {json:#}");
    assert_eq!(summary["warnings"], counts["warning"], "summary.warnings: {json:#}");
    assert_eq!(summary["infos"], counts["info"], "summary.infos: {json:#}");
    assert!(summary["fail_on"].is_string(), "summary.fail_on: {json:#}");
    let failed =
        summary["failed"].as_bool().unwrap_or_else(|| panic!("summary.failed: {json:#}"));
    assert_eq!(
        output.status.code(),
        Some(if failed { 1 } else { 0 }),
        "exit code vs summary.failed: {json:#}\nstderr:\n{}",
        stderr(output)
    );
    (json, findings)
}

fn has_ansi(text: &str) -> bool {
    text.contains('\u{1b}')
}

// ---------------------------------------------------------------------------
// SARIF

fn sarif_validator() -> jsonschema::Validator {
    let path = repo().join("tests/schemas/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let mut schema: Json = serde_json::from_str(&text).expect("schema is JSON");
    assert_eq!(
        schema["$id"],
        "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
    );
    // The OASIS schema's `language` patterns (of `run` and `toolComponent`)
    // have a stray `]` (`...-[a-zA-Z]{2}]?$`): legal in JavaScript's lenient
    // regexes, it fails the meta-schema's `regex` format in `jsonschema`, which
    // then rejects the whole schema. Escaped here, in memory (same meaning);
    // the file stays as published.
    const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    fn escape_stray(value: &mut Json) -> usize {
        match value {
            Json::String(s) if s == STRAY => {
                *s = r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$".to_string();
                1
            }
            Json::Array(items) => items.iter_mut().map(escape_stray).sum(),
            Json::Object(map) => map.values_mut().map(escape_stray).sum(),
            _ => 0,
        }
    }
    assert_eq!(escape_stray(&mut schema), 2, "the two `language` patterns");
    // Format checks on, so that `uri`/`uri-reference` values must be real URIs.
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// Decodes `%XX` escapes of a URI reference.
fn percent_decode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| uri.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if let Some(byte) = escaped {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs `--format json` and `--format FORMAT` on the same arguments: the
/// JSON findings and the other output, whose exit code must be JSON's.
fn run_beside_json(
    project: &Project,
    args: &[&str],
    format: &str,
) -> (Vec<Finding>, Output) {
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json_out = check(project, &json_args);
    let (_, findings) = json_findings(&json_out);
    let mut other_args = args.to_vec();
    other_args.extend(["--format", format]);
    let other_out = check(project, &other_args);
    assert_eq!(
        other_out.status.code(),
        json_out.status.code(),
        "same exit code for {format} as for json ({args:?}):\n{}",
        stderr(&other_out)
    );
    (findings, other_out)
}

/// Runs `--format sarif` and `--format json` on the same arguments, validates
/// the SARIF log and checks it against the JSON findings.
fn assert_sarif_matches_json(project: &Project, args: &[&str]) -> Json {
    let (findings, sarif_out) = run_beside_json(project, args, "sarif");
    let text = stdout(&sarif_out);
    let sarif: Json = serde_json::from_str(&text).unwrap_or_else(|error| {
        panic!(
            "--format sarif is not JSON ({error}):\n{text}\nstderr:\n{}",
            stderr(&sarif_out)
        )
    });
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF 2.1.0 schema violations for {args:?}:\n{}\n{sarif:#}",
        errors.join("\n")
    );

    // What GitHub code scanning needs.
    assert_eq!(sarif["version"], "2.1.0", "{sarif:#}");
    let runs = sarif["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "one run: {sarif:#}");
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "biblink", "{sarif:#}");
    let rules =
        driver["rules"].as_array().unwrap_or_else(|| panic!("driver.rules: {sarif:#}"));
    let rule_ids: Vec<&str> =
        rules.iter().map(|r| r["id"].as_str().expect("rule id")).collect();
    let mut unique = rule_ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), rule_ids.len(), "rule ids are unique: {rule_ids:?}");
    let registry = registry();
    for id in &rule_ids {
        assert!(registry.iter().any(|r| r.id == *id), "{id} is not in the registry");
    }
    let results =
        run["results"].as_array().unwrap_or_else(|| panic!("results: {sarif:#}"));
    let mut sarif_findings = Vec::new();
    for result in results {
        let rule_id =
            result["ruleId"].as_str().unwrap_or_else(|| panic!("ruleId: {result:#}"));
        let index = rule_ids.iter().position(|id| *id == rule_id).unwrap_or_else(|| {
            panic!("ruleId {rule_id} is not in driver.rules: {result:#}")
        });
        assert_eq!(
            result["ruleIndex"].as_u64(),
            Some(index as u64),
            "ruleIndex must point at {rule_id} in driver.rules: {result:#}"
        );
        let level =
            result["level"].as_str().unwrap_or_else(|| panic!("level: {result:#}"));
        assert!(
            ["error", "warning", "note"].contains(&level),
            "level {level}: {result:#}"
        );
        let text = result["message"]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("message.text: {result:#}"));
        assert!(!text.trim().is_empty(), "{result:#}");
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap_or_else(|| {
            panic!("locations[0].physicalLocation.artifactLocation.uri: {result:#}")
        });
        assert!(
            !uri.starts_with('/')
                && !uri.contains('\\')
                && !uri.contains("://")
                && !uri.starts_with("file:"),
            "uri must be relative with forward slashes: {uri:?}"
        );
        let (line, column) = match location.get("region") {
            None => (0, 0),
            Some(region) => {
                let start = region["startLine"]
                    .as_u64()
                    .unwrap_or_else(|| panic!("region without startLine: {result:#}"));
                assert!(start >= 1, "region.startLine >= 1: {result:#}");
                (start, region["startColumn"].as_u64().unwrap_or(0))
            }
        };
        sarif_findings.push((
            rule_id.to_string(),
            level.to_string(),
            percent_decode(uri),
            line,
            column,
            text.to_string(),
        ));
    }
    // The same findings as --format json, one result per finding.
    assert_eq!(
        sarif_findings.len(),
        findings.len(),
        "one SARIF result per JSON finding ({args:?}):\nsarif: {sarif_findings:#?}\njson: {findings:#?}"
    );
    let mut unmatched = sarif_findings.clone();
    let mut missing = Vec::new();
    for f in &findings {
        let level = match f.severity.as_str() {
            "info" => "note",
            other => other,
        };
        let position = unmatched.iter().position(|(rule, lvl, uri, line, column, text)| {
            rule == &f.rule
                && lvl == level
                && uri.trim_start_matches("./") == f.file.trim_start_matches("./")
                // A whole-file finding: no region, or (for GitHub, which wants
                // a startLine) line 1 without a column.
                && (if f.line == 0 { *line <= 1 && *column == 0 } else { *line == f.line && *column == f.column })
                && text.contains(f.message.lines().next().unwrap_or(""))
        });
        match position {
            Some(i) => {
                unmatched.remove(i);
            }
            None => missing.push(f.clone()),
        }
    }
    assert!(
        missing.is_empty(),
        "JSON findings without their SARIF result ({args:?}):\n{missing:#?}\nunmatched SARIF results:\n{unmatched:#?}"
    );
    sarif
}

#[test]
fn sarif_is_valid_2_1_0_and_matches_json_on_a_broken_bib() {
    let project = Project::new();
    project.write("sub/dir/broken.bib", BROKEN);
    let sarif = assert_sarif_matches_json(&project, &["sub/dir/broken.bib"]);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    for level in ["error", "warning", "note"] {
        assert!(
            levels.contains(&level),
            "the broken file has a finding of level {level}: {levels:?}"
        );
    }
    for result in results {
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "sub/dir/broken.bib",
            "{result:#}"
        );
    }
}

#[test]
fn sarif_matches_json_on_each_broken_input_and_on_all_at_once() {
    let project = Project::new();
    project.write("broken.bib", BROKEN);
    project.write("warnings.bib", WARNINGS_ONLY);
    project.write("infos.bib", INFOS_ONLY);
    project.write("error.bib", ONE_ERROR);
    project.write("broken.ris", BROKEN_RIS);
    project.write("clean.bib", CLEAN);
    // Latin-1 bytes: ENC001, a finding about the whole file or its first bad byte.
    project.write(
        "latin1.bib",
        b"@misc{caf\xe92020,\n  title = {Caf\xe9 Culture},\n  date = {2020},\n}\n"
            .as_slice(),
    );
    for file in [
        "broken.bib",
        "warnings.bib",
        "infos.bib",
        "error.bib",
        "broken.ris",
        "clean.bib",
        "latin1.bib",
    ] {
        assert_sarif_matches_json(&project, &[file]);
    }
    let all = assert_sarif_matches_json(
        &project,
        &[
            "broken.bib",
            "warnings.bib",
            "infos.bib",
            "error.bib",
            "broken.ris",
            "latin1.bib",
        ],
    );
    let uris: std::collections::BTreeSet<&str> = all["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()
        })
        .collect();
    assert!(uris.len() >= 5, "results name each file: {uris:?}");
}

#[test]
fn sarif_handles_whole_file_findings() {
    // Files that may be findings as a whole (line 0 in JSON): nothing at
    // all, binary bytes, a `.ris` without one tag line.
    let project = Project::new();
    project.write("empty.bib", "");
    project
        .write("binary.bib", b"\x00\x01\x02\xff\xfe\x00@\x00{\x80\x81\n\x00".as_slice());
    project.write("prose.ris", "This is not a RIS file.\nIt has no tag line at all.\n");
    let mut whole_file = 0;
    for file in ["empty.bib", "binary.bib", "prose.ris"] {
        let json_out = check(&project, &[file, "--format", "json"]);
        if json_out.status.code() == Some(2) {
            // Refused as a whole (binary bytes: "not a .bib, RIS file or
            // paper"), an I/O-like error rather than a finding.
            assert!(stderr(&json_out).contains(file), "{}", stderr(&json_out));
            let sarif_out = check(&project, &[file, "--format", "sarif"]);
            assert_exit(&sarif_out, 2, file);
            continue;
        }
        let (_, findings) = json_findings(&json_out);
        whole_file += findings.iter().filter(|f| f.line == 0).count();
        assert_sarif_matches_json(&project, &[file]);
    }
    // Whole-file findings (line 0) are checked by `assert_sarif_matches_json`
    // when there are any; the command may place such findings at 1:1 instead
    // (RIS001 does), which is just as valid for SARIF.
    println!("whole-file (line 0) findings exercised by odd files: {whole_file}");

    // The project check: a source entry the store lacks is SYNC001 about the
    // store as a whole ("a rebuild would add ..."), line 0.
    let project = sync_project();
    let (_, findings) = json_findings(&check(&project, &["--format", "json"]));
    assert!(
        findings.iter().any(|f| f.rule == "SYNC001" && f.line == 0),
        "a line-0 SYNC001: {findings:#?}"
    );
    assert_sarif_matches_json(&project, &[]);
    assert_github_matches_json(&project, &[]);
}

/// A project whose source (`a.bib`) has an entry its store lacks.
fn sync_project() -> Project {
    sync_project_with_source("a.bib")
}

/// A project built from one source named `source`, to which an entry is
/// then added: `check` reports SYNC001 "a rebuild would add ... from SOURCE:LINE".
fn sync_project_with_source(source: &str) -> Project {
    let project = Project::new();
    project.write(source, CLEAN);
    let toml_name =
        serde_json::to_string(source).expect("a JSON string is a TOML basic string");
    project.write("biblink.toml", format!("sources = [{toml_name}]\n"));
    let output = project.run(&["build"]);
    assert_exit(&output, 0, "biblink build");
    let more = "\n@article{lee2021,\n  author = {Lee, Kim},\n  title = {Other Things},\n  \
                journaltitle = {Journal of Things},\n  date = {2021},\n}\n";
    project.write(source, format!("{CLEAN}{more}"));
    project
}

#[test]
fn sarif_uris_are_percent_encoded_uri_references() {
    // A space is not allowed in a URI: `my refs.bib` must be written `my%20refs.bib`
    // (the schema's `uri-reference` format, checked with format validation on).
    let project = Project::new();
    project.write("my refs/broken #1.bib", ONE_ERROR);
    let sarif = assert_sarif_matches_json(&project, &["my refs/broken #1.bib"]);
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    assert!(!uri.contains(' ') && !uri.contains('#'), "{uri}");
    assert_eq!(percent_decode(uri), "my refs/broken #1.bib");
}

// ---------------------------------------------------------------------------
// GitHub workflow commands

/// One `::kind props::message` line, unescaped.
#[derive(Debug, Clone)]
struct Annotation {
    kind: String,
    properties: BTreeMap<String, String>,
    message: String,
    raw: String,
}

fn unescape_property(value: &str) -> String {
    value
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn unescape_data(value: &str) -> String {
    value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
}

/// Every stdout line starting with `::` is a well-formed annotation; returns them.
fn annotations(output: &Output) -> Vec<Annotation> {
    let shape = Regex::new(
        r"^::(error|warning|notice) file=[^,]+,line=\d+(,col=\d+)?(,title=[^:]*)?::.+$",
    )
    .expect("regex");
    let bad = Regex::new(r"%(?:[^0-9A-F]|[0-9A-F][^0-9A-F]|.?$)").expect("regex");
    let text = stdout(output);
    let mut out = Vec::new();
    for line in text.lines().filter(|line| line.starts_with("::")) {
        assert!(
            shape.is_match(line),
            "malformed workflow command: {line:?}\n--- stdout:\n{text}"
        );
        // Escaped data never holds a raw `%` that is not an escape.
        let rest = &line[2..];
        let (kind, rest) = rest.split_once(' ').expect("kind");
        let (props, message) = rest.split_once("::").expect("::");
        for part in [props, message] {
            assert!(!bad.is_match(part), "unescaped % in {line:?}");
        }
        let properties = props
            .split(',')
            .map(|pair| {
                let (k, v) = pair
                    .split_once('=')
                    .unwrap_or_else(|| panic!("property {pair:?} in {line:?}"));
                (k.to_string(), unescape_property(v))
            })
            .collect();
        out.push(Annotation {
            kind: kind.to_string(),
            properties,
            message: unescape_data(message),
            raw: line.to_string(),
        });
    }
    out
}

/// Runs `--format github` and `--format json` and checks one annotation per finding.
fn assert_github_matches_json(
    project: &Project,
    args: &[&str],
) -> (Vec<Annotation>, Vec<Finding>) {
    let (findings, gh_out) = run_beside_json(project, args, "github");
    assert!(!has_ansi(&stdout(&gh_out)), "no ANSI codes in --format github");
    let annotations = annotations(&gh_out);
    assert_eq!(
        annotations.len(),
        findings.len(),
        "one annotation per JSON finding ({args:?}):\n{}\njson: {findings:#?}",
        stdout(&gh_out)
    );
    let mut unmatched = annotations.clone();
    let mut missing = Vec::new();
    for f in &findings {
        let kind = match f.severity.as_str() {
            "info" => "notice",
            other => other,
        };
        let position = unmatched.iter().position(|a| {
            let line: u64 = a.properties["line"].parse().expect("line");
            let col = a.properties.get("col").map(|c| c.parse::<u64>().expect("col"));
            a.kind == kind
                && a.properties["file"] == f.file
                && (if f.line == 0 { line <= 1 && col.is_none() } else { line == f.line })
                && (if f.column == 0 { col.is_none() } else { col == Some(f.column) })
                && a.message.contains(&f.message)
                && (a.message.contains(&f.rule)
                    || a.properties.get("title").is_some_and(|t| t.contains(&f.rule)))
        });
        match position {
            Some(i) => {
                unmatched.remove(i);
            }
            None => missing.push(f.clone()),
        }
    }
    assert!(
        missing.is_empty(),
        "JSON findings without their annotation (same kind, file, line, col, message, rule id) ({args:?}):\n\
         {missing:#?}\nunmatched annotations:\n{:#?}",
        unmatched.iter().map(|a| &a.raw).collect::<Vec<_>>()
    );
    (annotations, findings)
}

#[test]
fn github_annotations_one_per_finding() {
    let project = Project::new();
    project.write("sub/broken.bib", BROKEN);
    project.write("broken.ris", BROKEN_RIS);
    project.write("warnings.bib", WARNINGS_ONLY);
    project.write("infos.bib", INFOS_ONLY);
    let (annotations, _) = assert_github_matches_json(&project, &["sub/broken.bib"]);
    let kinds: Vec<&str> = annotations.iter().map(|a| a.kind.as_str()).collect();
    for kind in ["error", "warning", "notice"] {
        assert!(kinds.contains(&kind), "{kind} among {kinds:?}");
    }
    assert_github_matches_json(&project, &["broken.ris"]);
    assert_github_matches_json(
        &project,
        &["sub/broken.bib", "broken.ris", "warnings.bib", "infos.bib"],
    );
    // A clean file: no annotation at all.
    project.write("clean.bib", CLEAN);
    let (annotations, findings) = assert_github_matches_json(&project, &["clean.bib"]);
    assert!(annotations.is_empty() && findings.is_empty());
}

#[test]
fn github_escapes_properties_and_messages() {
    let project = Project::new();
    // A file name with a comma, a colon and a percent sign: the `file` property.
    let odd = "refs, v2: 100% done.bib";
    project.write(odd, BROKEN);
    let (annotations, _) = assert_github_matches_json(&project, &[odd]);
    assert!(!annotations.is_empty());
    for a in &annotations {
        assert_eq!(a.properties["file"], odd, "{}", a.raw);
        assert!(a.raw.contains("file=refs%2C v2%3A 100%25 done.bib,"), "{}", a.raw);
    }
    // A line break in a file name.
    let broken_name = "two\nlines.bib";
    project.write(broken_name, ONE_ERROR);
    let (annotations, _) = assert_github_matches_json(&project, &[broken_name]);
    assert!(!annotations.is_empty());
    for a in &annotations {
        assert_eq!(a.properties["file"], broken_name, "{}", a.raw);
        assert!(a.raw.contains("file=two%0Alines.bib,"), "{}", a.raw);
    }
    // Values with `%`, `,`, `:` and line breaks, quoted in messages.
    project.write("awkward.bib", AWKWARD_VALUES);
    let (annotations, findings) = assert_github_matches_json(&project, &["awkward.bib"]);
    assert!(!findings.is_empty(), "the awkward values are findings");
    let mut all_messages: String = findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        all_messages.contains('%'),
        "a message quotes a value with '%': {findings:#?}"
    );
    // A message naming a source file with a line break, `%`, `,` and `:`
    // (SYNC001: "a rebuild would add 'lee2021' from SOURCE:LINE").
    let project = sync_project_with_source("odd\n50%, x: y.bib");
    let (annotations_sync, findings) = assert_github_matches_json(&project, &[]);
    let sync = findings
        .iter()
        .find(|f| f.rule == "SYNC001" && f.message.contains("odd\n50%, x: y.bib"))
        .unwrap_or_else(|| panic!("SYNC001 naming the odd source: {findings:#?}"));
    assert!(
        annotations_sync.iter().any(|a| a.message.contains(&sync.message)
            && a.raw.contains("odd%0A50%25, x: y.bib")),
        "the message round-trips: {:#?}",
        annotations_sync.iter().map(|a| &a.raw).collect::<Vec<_>>()
    );
    all_messages.push_str(&sync.message);
    let exercised: Vec<char> =
        ['%', ',', ':', '\n'].into_iter().filter(|c| all_messages.contains(*c)).collect();
    assert_eq!(
        exercised,
        ['%', ',', ':', '\n'],
        "every awkward character exercised in messages"
    );
    for a in &annotations {
        // A title, when given, never holds a raw ':' or ',' (escaped, then unescaped here).
        if let Some(title) = a.properties.get("title") {
            assert!(!title.is_empty(), "{}", a.raw);
        }
    }
}

// ---------------------------------------------------------------------------
// Text

#[test]
fn text_groups_by_file_with_positions_rules_and_messages() {
    let project = Project::new();
    project.write("a.bib", BROKEN);
    project.write("b.bib", WARNINGS_ONLY);
    let (_, findings) =
        json_findings(&check(&project, &["a.bib", "b.bib", "--format", "json"]));
    let output = check(&project, &["a.bib", "b.bib"]);
    let text = stdout(&output);
    assert!(
        !has_ansi(&text) && !has_ansi(&stderr(&output)),
        "no colour with NO_COLOR=1:\n{text}"
    );
    assert_eq!(output.status.code(), Some(1), "BROKEN has errors\n{}", stderr(&output));
    // Where each finding shows up (its position, its rule, its message).
    let mut lines_of: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let lines: Vec<&str> = text.lines().collect();
    for f in &findings {
        let place = match (f.line, f.column) {
            (0, _) => f.file.clone(),
            (line, 0) => format!("{}:{line}", f.file),
            (line, column) => format!("{}:{line}:{column}", f.file),
        };
        let first = f.message.lines().next().unwrap_or("");
        let at = lines
            .iter()
            .position(|l| {
                (l.contains(&format!("{place}:"))
                    || l.contains(&format!("{place} "))
                    || l.ends_with(&place))
                    && l.contains(&f.rule)
            })
            .unwrap_or_else(|| {
                panic!("no line with {place} and {} in the text output:\n{text}", f.rule)
            });
        // The message on that line or the next few (it may wrap).
        let around = lines[at..(at + 4).min(lines.len())].join("\n");
        assert!(
            around.contains(first),
            "message {first:?} near {place} {}:\n{text}",
            f.rule
        );
        lines_of.entry(if f.file == "a.bib" { "a" } else { "b" }).or_default().push(at);
    }
    // Grouped: all of a.bib's findings come before all of b.bib's, or after.
    let (a, b) = (&lines_of["a"], &lines_of["b"]);
    let (a_min, a_max) = (a.iter().min().unwrap(), a.iter().max().unwrap());
    let (b_min, b_max) = (b.iter().min().unwrap(), b.iter().max().unwrap());
    assert!(a_max < b_min || b_max < a_min, "findings grouped by file:\n{text}");
}

#[test]
fn text_has_no_colour_when_not_a_terminal_even_without_no_color() {
    let project = Project::new();
    project.write("a.bib", BROKEN);
    // No NO_COLOR; a colourful TERM; stdout is a pipe.
    let output = biblink(project.path())
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .args(["check", "a.bib"])
        .output()
        .expect("run biblink");
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!stdout(&output).is_empty());
    assert!(!has_ansi(&stdout(&output)), "ANSI codes on a pipe:\n{:?}", stdout(&output));
    assert!(!has_ansi(&stderr(&output)), "ANSI codes on a pipe:\n{:?}", stderr(&output));
    // NO_COLOR wins even where colour is otherwise asked for.
    let output = biblink(project.path())
        .env("TERM", "xterm-256color")
        .args(["check", "a.bib"])
        .output()
        .expect("run biblink");
    assert!(!has_ansi(&stdout(&output)) && !has_ansi(&stderr(&output)));
}

// ---------------------------------------------------------------------------
// Exit codes

fn exit_of(project: &Project, args: &[&str]) -> Output {
    check(project, args)
}

#[test]
fn exit_zero_on_a_clean_file() {
    let project = Project::new();
    project.write("clean.bib", CLEAN);
    let output = exit_of(&project, &["clean.bib"]);
    assert_exit(&output, 0, "clean file");
    let (json, findings) =
        json_findings(&exit_of(&project, &["clean.bib", "--format", "json"]));
    assert!(findings.is_empty(), "a clean file has no finding: {json:#}");
    assert_eq!(json["summary"]["entries"], 1, "{json:#}");
    assert_eq!(json["summary"]["files"], 1, "{json:#}");
    assert_eq!(json["summary"]["failed"], false, "{json:#}");
    for format in ["text", "github", "sarif"] {
        assert_exit(&exit_of(&project, &["clean.bib", "--format", format]), 0, format);
    }
}

#[test]
fn exit_one_with_an_error_finding() {
    let project = Project::new();
    project.write("error.bib", ONE_ERROR);
    for format in ["text", "json", "github", "sarif"] {
        assert_exit(&exit_of(&project, &["error.bib", "--format", format]), 1, format);
    }
    let (json, findings) =
        json_findings(&exit_of(&project, &["error.bib", "--format", "json"]));
    assert!(
        findings.iter().any(|f| f.rule == "ID001" && f.severity == "error"),
        "{json:#}"
    );
    assert_eq!(json["summary"]["fail_on"], "error");
    assert_eq!(json["summary"]["failed"], true);
}

#[test]
fn fail_on_sets_the_threshold() {
    let project = Project::new();
    project.write("warnings.bib", WARNINGS_ONLY);
    project.write("infos.bib", INFOS_ONLY);
    project.write("error.bib", ONE_ERROR);
    let (_, findings) =
        json_findings(&exit_of(&project, &["warnings.bib", "--format", "json"]));
    assert!(
        !findings.is_empty() && findings.iter().all(|f| f.severity == "warning"),
        "warnings only: {findings:#?}"
    );
    let (_, findings) =
        json_findings(&exit_of(&project, &["infos.bib", "--format", "json"]));
    assert!(
        !findings.is_empty() && findings.iter().all(|f| f.severity == "info"),
        "infos only: {findings:#?}"
    );
    let cases: &[(&str, &[&str], i32)] = &[
        ("warnings.bib", &[], 0),
        ("warnings.bib", &["--fail-on", "error"], 0),
        ("warnings.bib", &["--fail-on", "warning"], 1),
        ("warnings.bib", &["--fail-on", "info"], 1),
        ("warnings.bib", &["--fail-on", "never"], 0),
        ("infos.bib", &[], 0),
        ("infos.bib", &["--fail-on", "warning"], 0),
        ("infos.bib", &["--fail-on", "info"], 1),
        ("infos.bib", &["--fail-on", "never"], 0),
        ("error.bib", &["--fail-on", "error"], 1),
        ("error.bib", &["--fail-on", "warning"], 1),
        ("error.bib", &["--fail-on", "never"], 0),
    ];
    for (file, extra, code) in cases {
        for format in ["text", "json"] {
            let mut args = vec![*file, "--format", format];
            args.extend_from_slice(extra);
            let output = exit_of(&project, &args);
            assert_exit(&output, *code, &format!("{args:?}"));
            if format == "json" {
                let (json, _) = json_findings(&output);
                let fail_on = extra.get(1).copied().unwrap_or("error");
                assert_eq!(json["summary"]["fail_on"], fail_on, "{args:?}: {json:#}");
            }
        }
    }
}

#[test]
fn fail_on_default_comes_from_biblink_toml_and_the_flag_wins() {
    let project = Project::new();
    project.write("warnings.bib", WARNINGS_ONLY);
    project.write("biblink.toml", "[check]\nfail_on = \"warning\"\n");
    assert_exit(
        &exit_of(&project, &["warnings.bib"]),
        1,
        "fail_on = warning in biblink.toml",
    );
    assert_exit(
        &exit_of(&project, &["warnings.bib", "--fail-on", "error"]),
        0,
        "--fail-on error wins",
    );
}

#[test]
fn fail_on_never_still_fails_on_io_errors() {
    let project = Project::new();
    project.write("error.bib", ONE_ERROR);
    let output = exit_of(&project, &["error.bib", "missing.bib", "--fail-on", "never"]);
    assert_exit(&output, 2, "a missing file with --fail-on never");
    assert!(
        stderr(&output).contains("missing.bib"),
        "names the file: {}",
        stderr(&output)
    );
}

#[test]
fn exit_two_on_usage_and_io_errors() {
    let project = Project::new();
    project.write("clean.bib", CLEAN);
    let output = exit_of(&project, &["missing.bib"]);
    assert_exit(&output, 2, "missing file");
    assert!(
        stderr(&output).contains("missing.bib"),
        "names the file: {}",
        stderr(&output)
    );
    let output = exit_of(&project, &["missing.bib", "--format", "json"]);
    assert_exit(&output, 2, "missing file, json");
    let out = stdout(&output);
    assert!(
        out.trim().is_empty() || serde_json::from_str::<Json>(&out).is_ok(),
        "stdout is empty or JSON: {out}"
    );
    let output = exit_of(&project, &["clean.bib", "--format", "xml"]);
    assert_exit(&output, 2, "unknown --format");
    assert!(stderr(&output).contains("xml"), "{}", stderr(&output));
    let output = exit_of(&project, &["clean.bib", "--fail-on", "sometimes"]);
    assert_exit(&output, 2, "unknown --fail-on");
    assert!(stderr(&output).contains("sometimes"), "{}", stderr(&output));
    let output = exit_of(&project, &["clean.bib", "--no-such-flag"]);
    assert_exit(&output, 2, "unknown flag");
}
