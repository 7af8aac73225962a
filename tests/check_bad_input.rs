//! `biblink check` on input that is not a well-formed bibliography: binary
//! bytes, a directory, a missing file, an empty file, a file that is neither
//! BibLaTeX nor RIS, Latin-1 bytes, a `.bib` and a RIS file cut off mid-entry,
//! and a `.bib` of 60000 entries (20 MB or more).
//!
//! For each: never a panic; exit 2 only for what cannot be read (a missing
//! file) or a usage error, with a message on stderr naming the file; otherwise
//! exit 0 or 1, a message naming the file (and `file:line:col` for content
//! findings) in the text format, and one valid JSON document with
//! `--format json`.

mod common;
#[path = "common/workload.rs"]
mod workload;

use std::process::Output;

use common::{Project, biblink, stderr, stdout};
use serde_json::Value as Json;

/// One finding of `--format json` (all fields shown when an assertion fails).
#[derive(Debug, Clone)]
#[allow(dead_code)]
struct Finding {
    rule: String,
    file: String,
    line: u64,
    column: u64,
    key: Option<String>,
    message: String,
}

fn assert_no_panic(output: &Output, what: &str) {
    let err = stderr(output);
    assert!(!err.contains("panicked"), "{what}: biblink panicked:\n{err}");
    assert!(
        output.status.code().is_some(),
        "{what}: killed by a signal ({:?}):\n{err}",
        output.status
    );
}

fn run(project: &Project, args: &[&str]) -> Output {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let output = project.run(&all);
    assert_no_panic(&output, &format!("{all:?}"));
    output
}

/// `--format json` output parsed, with its findings; panics unless it is one JSON document.
fn json_findings(output: &Output, what: &str) -> (Json, Vec<Finding>) {
    let text = stdout(output);
    let json: Json = serde_json::from_str(&text).unwrap_or_else(|error| {
        panic!("{what}: --format json is not one JSON document ({error}):\n{text}\nstderr:\n{}", stderr(output))
    });
    assert_eq!(json["version"], "1", "{what}: {json:#}");
    let findings = json["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: no findings array: {json:#}"))
        .iter()
        .map(|f| Finding {
            rule: f["rule"].as_str().unwrap_or_else(|| panic!("rule: {f:#}")).to_string(),
            file: f["file"].as_str().unwrap_or_else(|| panic!("file: {f:#}")).to_string(),
            line: f["line"].as_u64().unwrap_or_else(|| panic!("line: {f:#}")),
            column: f["column"].as_u64().unwrap_or_else(|| panic!("column: {f:#}")),
            key: f["key"].as_str().map(str::to_string),
            message: f["message"]
                .as_str()
                .unwrap_or_else(|| panic!("message: {f:#}"))
                .to_string(),
        })
        .collect();
    assert!(json["summary"].is_object(), "{what}: summary: {json:#}");
    (json, findings)
}

/// What a readable but odd input must give: exit 0 or 1 (or 2 with a message
/// on stderr naming the file), a text output naming the file and each content
/// finding's `file:line:col`, and valid JSON whose findings name the file.
/// Returns the findings (empty for exit 2).
fn assert_readable_input(
    project: &Project,
    name: &str,
    expected_file: &str,
) -> Vec<Finding> {
    let text_out = run(project, &[name]);
    let json_out = run(project, &[name, "--format", "json"]);
    assert_eq!(
        text_out.status.code(),
        json_out.status.code(),
        "{name}: same exit code in text and json:\n{}\n{}",
        stderr(&text_out),
        stderr(&json_out)
    );
    let all_text = format!("{}{}", stdout(&text_out), stderr(&text_out));
    assert!(
        all_text.contains(expected_file),
        "{name}: the message names the file:\n{all_text}"
    );
    match json_out.status.code() {
        Some(2) => {
            assert!(
                stderr(&json_out).contains(expected_file),
                "{name}: stderr names the file"
            );
            let out = stdout(&json_out);
            assert!(
                out.trim().is_empty() || serde_json::from_str::<Json>(&out).is_ok(),
                "{name}: stdout is empty or JSON: {out}"
            );
            Vec::new()
        }
        Some(0 | 1) => {
            let (json, findings) = json_findings(&json_out, name);
            let failed = json["summary"]["failed"].as_bool();
            assert_eq!(
                failed,
                Some(json_out.status.code() == Some(1)),
                "{name}: summary.failed: {json:#}"
            );
            for f in &findings {
                assert!(
                    f.file == expected_file
                        || f.file.starts_with(&format!("{expected_file}/")),
                    "{name}: finding names the file: {f:?}"
                );
                if f.line > 0 {
                    let place = if f.column > 0 {
                        format!("{}:{}:{}", f.file, f.line, f.column)
                    } else {
                        format!("{}:{}", f.file, f.line)
                    };
                    assert!(
                        all_text.contains(&place),
                        "{name}: text names {place} ({}):\n{all_text}",
                        f.rule
                    );
                }
            }
            findings
        }
        other => panic!("{name}: exit code {other:?}\n{}", stderr(&json_out)),
    }
}

/// Deterministic bytes covering all 256 values (NUL included).
fn random_bytes(n: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out: Vec<u8> = (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    out.extend(0u8..=255);
    out.extend(b"\0@article{x,\0 title = {\xff\xfe}\0");
    out
}

#[test]
fn binary_files_are_reported_not_crashed_on() {
    let project = Project::new();
    let bytes = random_bytes(8192);
    assert!(bytes.contains(&0));
    for name in ["blob.bib", "blob.ris", "blob.dat", "blob"] {
        project.write(name, &bytes);
        let findings = assert_readable_input(&project, name, name);
        // Not UTF-8, not a bibliography: something must be said about it.
        let text_out = run(&project, &[name]);
        if text_out.status.code() != Some(2) {
            assert!(
                !findings.is_empty(),
                "{name}: binary bytes are a finding:\n{}",
                stdout(&text_out)
            );
        }
    }
}

#[test]
fn a_directory_is_checked_file_by_file() {
    let project = Project::new();
    project.write(
        "refs/a.bib",
        "@article{smith2020,\n  author = {Smith, John},\n  title = {T},\n  journaltitle = {J},\n  date = {2020},\n  foo = {bar},\n}\n",
    );
    project.write(
        "refs/b.ris",
        "TY  - WHAT\nAU  - Lee, Kim\nTI  - Something\nPY  - 2021\nER  - \n",
    );
    let findings = assert_readable_input(&project, "refs", "refs");
    let files: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f.file.as_str()).collect();
    assert!(
        files.contains("refs/a.bib"),
        "a.bib's findings are named refs/a.bib: {findings:#?}"
    );
    assert!(
        files.contains("refs/b.ris"),
        "b.ris's findings are named refs/b.ris: {findings:#?}"
    );
    assert!(
        findings.iter().any(|f| f.rule == "MODEL003" && f.line == 6 && f.column == 3),
        "{findings:#?}"
    );
    assert!(findings.iter().any(|f| f.rule == "RIS005"), "{findings:#?}");
}

#[test]
fn an_empty_directory_is_named() {
    let project = Project::new();
    std::fs::create_dir_all(project.path().join("nothing")).expect("dir");
    let output = run(&project, &["nothing"]);
    assert!(
        matches!(output.status.code(), Some(0 | 2)),
        "{:?}\n{}",
        output.status,
        stderr(&output)
    );
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(all.contains("nothing"), "the message names the directory:\n{all}");
    let output = run(&project, &["nothing", "--format", "json"]);
    let out = stdout(&output);
    if output.status.code() == Some(0) {
        json_findings(&output, "empty directory");
    } else {
        assert!(
            out.trim().is_empty() || serde_json::from_str::<Json>(&out).is_ok(),
            "{out}"
        );
    }
}

#[test]
fn a_missing_file_exits_2_naming_it() {
    let project = Project::new();
    project.write("ok.bib", "@misc{a,\n  title = {T},\n  date = {2020},\n}\n");
    for args in [
        vec!["missing.bib"],
        vec!["missing.bib", "--format", "json"],
        vec!["ok.bib", "missing.bib"],
        vec!["ok.bib", "missing.bib", "--format", "json"],
        vec!["no/such/dir/missing.ris", "--format", "sarif"],
    ] {
        let output = run(&project, &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        let name = args.iter().find(|a| a.contains("missing")).expect("name");
        assert!(
            stderr(&output).contains(name),
            "{args:?}: stderr names the file:\n{}",
            stderr(&output)
        );
        let out = stdout(&output);
        if args.contains(&"json") || args.contains(&"sarif") {
            assert!(
                out.trim().is_empty() || serde_json::from_str::<Json>(&out).is_ok(),
                "{args:?}: stdout is empty or one JSON document: {out}"
            );
        }
    }
}

#[test]
fn an_unreadable_path_exits_2_naming_it() {
    // A path through a regular file (ENOTDIR) and a dangling symbolic link:
    // I/O errors, not findings. (Permission bits cannot make a file unreadable
    // for root, which the CI runs as.)
    let project = Project::new();
    project.write("ok.bib", "@misc{a,\n  title = {T},\n  date = {2020},\n}\n");
    std::os::unix::fs::symlink("gone.bib", project.path().join("dangling.bib"))
        .expect("symlink");
    for name in ["ok.bib/inner.bib", "dangling.bib"] {
        for format in ["text", "json"] {
            let output = run(&project, &[name, "--format", format]);
            assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
            assert!(
                stderr(&output).contains(name),
                "{name}: stderr names it:\n{}",
                stderr(&output)
            );
        }
    }
}

#[test]
fn empty_bib_and_ris_files_are_named() {
    let project = Project::new();
    project.write("empty.bib", "");
    project.write("empty.ris", "");
    project.write("blank.bib", "\n\n   \n\t\n");
    for name in ["empty.bib", "empty.ris", "blank.bib"] {
        let output = run(&project, &[name]);
        assert_ne!(
            output.status.code(),
            Some(2),
            "{name}: an empty file is readable: {}",
            stderr(&output)
        );
        assert_readable_input(&project, name, name);
    }
}

#[test]
fn an_empty_document_is_checked_as_a_paper() {
    // The contract: documents (non-bib, non-RIS) among PATHs are checked as
    // papers; an empty one is a paper without a reference list (REF001).
    let project = Project::new();
    project.write("empty.md", "");
    let output = run(&project, &["empty.md"]);
    assert_ne!(
        output.status.code(),
        Some(2),
        "empty.md is readable: {}",
        stderr(&output)
    );
    assert_readable_input(&project, "empty.md", "empty.md");
}

#[test]
fn a_text_document_without_references_is_checked_as_a_paper() {
    // The contract: documents among PATHs are checked as papers; REF001 is
    // "a paper without a reference list".
    let project = Project::new();
    project.write(
        "notes.txt",
        "Some notes about nothing in particular.\nNo references here.\n",
    );
    let output = run(&project, &["notes.txt"]);
    assert_ne!(
        output.status.code(),
        Some(2),
        "notes.txt is readable: {}",
        stderr(&output)
    );
    let findings = assert_readable_input(&project, "notes.txt", "notes.txt");
    assert!(findings.iter().any(|f| f.rule == "REF001"), "REF001: {findings:#?}");
}

#[test]
fn a_csv_file_is_refused_or_reported_by_name() {
    // Data, not a document: refusing it (exit 2, naming it) or reporting it are both clear.
    let project = Project::new();
    project.write(
        "table.csv",
        "key,title,year\nsmith2020,\"A Study, of Things\",2020\nlee2021,Other,2021\n",
    );
    assert_readable_input(&project, "table.csv", "table.csv");
}

#[test]
fn prose_in_a_bib_file_is_named() {
    let project = Project::new();
    project.write(
        "prose.bib",
        "This file was saved with the wrong name.\nIt holds prose, not entries.\n",
    );
    let output = run(&project, &["prose.bib"]);
    assert_ne!(
        output.status.code(),
        Some(2),
        "prose.bib is readable: {}",
        stderr(&output)
    );
    assert_readable_input(&project, "prose.bib", "prose.bib");
}

#[test]
fn json_in_a_ris_file_is_ris001() {
    let project = Project::new();
    project.write("json.ris", "{\"items\": [{\"title\": \"A Study of Things\"}]}\n");
    let output = run(&project, &["json.ris"]);
    assert_ne!(
        output.status.code(),
        Some(2),
        "json.ris is readable: {}",
        stderr(&output)
    );
    let findings = assert_readable_input(&project, "json.ris", "json.ris");
    assert!(
        findings.iter().any(|f| f.rule == "RIS001"),
        "json.ris: RIS001: {findings:#?}"
    );
}

#[test]
fn latin1_bib_is_read_as_windows_1252_with_a_finding() {
    let project = Project::new();
    // `Café` and `Müller` in Latin-1; an unknown field on line 6 to show the entry is read.
    project.write(
        "latin1.bib",
        b"@article{mueller2020,\n  author = {M\xfcller, Hans},\n  title = {Caf\xe9 Culture},\n  journaltitle = {J},\n  date = {2020},\n  foo = {bar},\n}\n"
            .as_slice(),
    );
    let findings = assert_readable_input(&project, "latin1.bib", "latin1.bib");
    assert!(
        findings.iter().any(|f| f.rule == "ENC001"),
        "ENC001 for Latin-1 bytes: {findings:#?}"
    );
    assert!(
        findings.iter().any(|f| f.rule == "MODEL003" && f.line == 6 && f.column == 3),
        "the entry is still checked: {findings:#?}"
    );
    assert!(
        !findings.iter().any(|f| f.rule == "VALUE003"),
        "decoded as Windows-1252, no mojibake: {findings:#?}"
    );
    let (json, _) =
        json_findings(&run(&project, &["latin1.bib", "--format", "json"]), "latin1.bib");
    assert_eq!(json["summary"]["entries"], 1, "{json:#}");
}

const TRUNCATED_BIB: &str = "@article{whole2020,\n  author = {Smith, John},\n  title = {Whole},\n  \
    journaltitle = {J},\n  date = {2020},\n  foo = {bar},\n}\n\n\
    @article{cut2021,\n  author = {Lee, Kim},\n  title = {Cut in the mid";

#[test]
fn a_truncated_bib_is_reported_and_the_rest_still_checked() {
    let project = Project::new();
    project.write("truncated.bib", TRUNCATED_BIB);
    let findings = assert_readable_input(&project, "truncated.bib", "truncated.bib");
    assert!(
        findings
            .iter()
            .any(|f| (f.rule == "BIB001" || f.rule == "BIB006")
                && (9..=11).contains(&f.line)),
        "BIB001 or BIB006 in the cut entry (lines 9-11): {findings:#?}"
    );
    assert!(
        findings.iter().any(|f| f.rule == "MODEL003" && f.line == 6 && f.column == 3),
        "the whole entry before is still checked: {findings:#?}"
    );
    let output = run(&project, &["truncated.bib"]);
    assert_eq!(output.status.code(), Some(1), "a syntax error is an error finding");
}

#[test]
fn a_truncated_bib_points_at_the_brace_never_closed() {
    // The contract: BIB001/BIB006 at the place the reader stopped: for an
    // entry cut inside a value, the value's `{` that is never closed (the
    // precise place; an entry whose values are all closed is reported at its `@`).
    let project = Project::new();
    project.write("truncated.bib", TRUNCATED_BIB);
    let findings = assert_readable_input(&project, "truncated.bib", "truncated.bib");
    let cut = findings
        .iter()
        .find(|f| f.rule == "BIB001" || f.rule == "BIB006")
        .unwrap_or_else(|| panic!("BIB001 or BIB006 for the cut entry: {findings:#?}"));
    assert_eq!(
        (cut.line, cut.column),
        (11, 11),
        "at the `{{` of the title that is never closed: {cut:?}"
    );
    assert!(cut.key.as_deref().is_none_or(|k| k == "cut2021"), "{cut:?}");
    let output = run(&project, &["truncated.bib"]);
    assert!(stdout(&output).contains("truncated.bib:11:11"), "{}", stdout(&output));
}

#[test]
fn a_bib_cut_in_a_field_name_or_after_the_key_is_reported() {
    let project = Project::new();
    project.write(
        "cut_name.bib",
        "@misc{a,\n  title = {T},\n  date = {2020},\n}\n@misc{b,\n  tit",
    );
    project
        .write("cut_key.bib", "@misc{a,\n  title = {T},\n  date = {2020},\n}\n@misc{b");
    for name in ["cut_name.bib", "cut_key.bib"] {
        let findings = assert_readable_input(&project, name, name);
        assert!(
            findings.iter().any(|f| (f.rule == "BIB001" || f.rule == "BIB006")
                && (5..=6).contains(&f.line)),
            "{name}: BIB001/BIB006 in the cut entry: {findings:#?}"
        );
    }
}

#[test]
fn a_truncated_ris_reports_the_unclosed_record() {
    let project = Project::new();
    project.write(
        "truncated.ris",
        "TY  - JOUR\nAU  - Smith, John\nTI  - Whole\nJO  - J\nPY  - 2020\nER  - \n\nTY  - JOUR\nAU  - Lee, Kim\nTI  - Cut in the mid",
    );
    let findings = assert_readable_input(&project, "truncated.ris", "truncated.ris");
    let open = findings
        .iter()
        .find(|f| f.rule == "RIS004")
        .unwrap_or_else(|| panic!("RIS004 for the record left open: {findings:#?}"));
    assert!(
        (8..=10).contains(&open.line),
        "RIS004 on the open record (its TY line is 8): {open:?}"
    );
    // Cut inside a tag.
    project.write(
        "cut_tag.ris",
        "TY  - JOUR\nAU  - Smith, John\nTI  - Whole\nER  - \nTY  - BOOK\nT",
    );
    let findings = assert_readable_input(&project, "cut_tag.ris", "cut_tag.ris");
    assert!(!findings.is_empty(), "a record cut in a tag is a finding");
}

#[test]
fn a_big_bib_completes_with_valid_json() {
    // 60000 generated entries (20-35 MB, depending on the generator's version).
    // Correctness only, not speed. The 100 MB case (`gen_corpus.py --kind bib
    // --n 180000`) is too slow for a debug-build test; run by hand it gives a
    // result in about 4 s (release build), see the closing note.
    let project = Project::new();
    let big = workload::generated_n("bib", 60000, project.path());
    let size = std::fs::metadata(&big).expect("big.bib written").len();
    assert!(size > 15_000_000, "the generated file is 20 MB or more: {size} bytes");
    let output = biblink(project.path())
        .args(["check", "n60000.bib", "--format", "json"])
        .output()
        .expect("run biblink");
    assert_no_panic(&output, "n60000.bib");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "big.bib: {:?}\n{}",
        output.status,
        stderr(&output)
    );
    let (json, findings) = json_findings(&output, "n60000.bib");
    assert_eq!(json["summary"]["files"], 1, "{}", json["summary"]);
    let entries = json["summary"]["entries"].as_u64().expect("summary.entries");
    assert!(
        entries >= 55_000,
        "the 60000 generated entries are counted: {}",
        json["summary"]
    );
    assert!(findings.iter().all(|f| f.file == "n60000.bib"), "findings name n60000.bib");
    println!("big.bib: {size} bytes, {entries} entries, {} findings", findings.len());
}
