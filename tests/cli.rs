//! The `biblink` binary end to end: commands, exit codes, JSON shapes, bad input.

mod common;

use common::{Project, stderr, stdout};

const ARTICLE_RIS: &str = "TY  - JOUR\r\nAU  - Müller, Jörg\r\nAU  - van der Berg, Anna\r\nTI  - Digital payment platforms\r\nT2  - New Media & Society\r\nPY  - 2015/06/18/\r\nVL  - 20\r\nIS  - 1\r\nSP  - 92\r\nEP  - 120\r\nDO  - https://doi.org/10.1177/1461444815000001\r\nER  - \r\n";

const BOOK_BIB: &str = "@string{vp = {Verso}}\n% a comment\n@book{zhao2007,\n  author = {Zhao, Yuezhi},\n  title = {Communication in {China}},\n  year = 2007,\n  publisher = vp,\n  address = {Lanham},\n}\n";

/// The store files' bytes, to check that a failed command left them alone.
fn store_bytes(project: &Project) -> (String, String) {
    (project.read("refs/references.bib"), project.read("refs/provenance.jsonl"))
}

fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("stdout is not JSON ({error}): {}", stdout(output))
    })
}

#[test]
fn import_then_show_find_export() {
    let project = Project::new();
    project.write("in/a.ris", ARTICLE_RIS);
    project.write("in/b.bib", BOOK_BIB);
    let output = project.run(&["import", "in/a.ris", "in/b.bib"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bib = project.read("refs/references.bib");
    // Entries sorted by key; the .bib key is kept, the RIS entry gets a generated one.
    let muller = bib.find("@article{muller2015digital,").expect("generated key");
    let zhao = bib.find("@book{zhao2007,").expect("kept key");
    assert!(muller < zhao);
    assert!(bib.contains("  journaltitle = {New Media \\& Society},\n"));
    assert!(bib.contains("  author       = {Müller, Jörg and van der Berg, Anna},\n"));
    assert!(
        bib.contains("  location     = {Lanham},\n"),
        "address becomes location:\n{bib}"
    );
    assert!(bib.contains("  date         = {2007},\n"));

    let output = project.run(&["show", "muller2015digital", "--json"]);
    assert!(output.status.success());
    let entry = json(&output);
    assert_eq!(entry["type"], "article");
    assert_eq!(entry["fields"]["journaltitle"], "New Media & Society");
    assert_eq!(entry["fields"]["date"], "2015-06-18");
    assert_eq!(entry["fields"]["pages"], "92--120");
    assert_eq!(entry["fields"]["doi"], "10.1177/1461444815000001");
    assert_eq!(entry["fields"]["author"][1]["prefix"], "van der");
    assert_eq!(entry["fields"]["author"][1]["family"], "Berg");
    assert_eq!(entry["sources"][0]["file"], "in/a.ris");
    assert_eq!(entry["sources"][0]["line_start"], 1);
    assert_eq!(entry["sources"][0]["line_end"], 12);

    let output = project.run(&["show", "zhao2007", "--json"]);
    assert_eq!(
        json(&output)["fields"]["title"],
        "Communication in China",
        "no case-protection braces"
    );
    assert_eq!(json(&output)["fields"]["publisher"], "Verso", "@string macro expanded");

    // Accent- and case-insensitive search over authors, titles, years.
    let output = project.run(&["find", "MULLER", "2015"]);
    assert!(output.status.success());
    assert!(stdout(&output).starts_with("muller2015digital\t"));
    let output = project.run(&["find", "zhao", "--json"]);
    let found = json(&output);
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    assert_eq!(found[0]["key"], "zhao2007");
    let output = project.run(&["find", "nothing-like-this"]);
    assert_eq!(output.status.code(), Some(1));

    let output = project.run(&["export", "--format", "json"]);
    let all = json(&output);
    let keys: Vec<&str> =
        all.as_array().expect("array").iter().filter_map(|e| e["key"].as_str()).collect();
    assert_eq!(keys, ["muller2015digital", "zhao2007"]);
    let output = project.run(&["export", "zhao2007"]);
    assert!(stdout(&output).starts_with("@book{zhao2007,\n"));
    let output = project.run(&["export", "nope"]);
    assert_eq!(output.status.code(), Some(1));
    let output = project.run(&["show", "nope"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no entry with key 'nope'"));
}

#[test]
fn same_work_twice_is_one_entry_with_both_sources() {
    let project = Project::new();
    project.write("a.ris", ARTICLE_RIS);
    let bib = "@article{mine,\n  author = {M{\\\"u}ller, J{\\\"o}rg and Anna van der Berg},\n  title = {Digital payment platforms},\n  journal = {New Media \\& Society},\n  year = {2015},\n  doi = {10.1177/1461444815000001},\n  volume = {21},\n  note = {Extra note},\n}\n";
    project.write("b.bib", bib);
    assert!(project.run(&["import", "a.ris"]).status.success());
    let output = project.run(&["import", "b.bib"]);
    assert!(output.status.success());
    // The conflicting volume is reported with file and line, the stored value kept.
    let messages = stderr(&output);
    assert!(messages.contains("b.bib:7:1: warning[STORE001]: 'volume' of 'muller2015digital' is '21' here but '20' in the store"), "{messages}");
    assert_eq!(
        messages.matches("STORE001").count(),
        1,
        "a less precise date or respelled author is no conflict: {messages}"
    );
    let output = project.run(&["export", "--format", "json"]);
    let all = json(&output);
    assert_eq!(all.as_array().map(Vec::len), Some(1), "one entry per work");
    let entry = &all[0];
    assert_eq!(entry["key"], "muller2015digital", "the existing key is not changed");
    assert_eq!(entry["fields"]["volume"], "20");
    assert_eq!(entry["fields"]["note"], "Extra note", "union of fields");
    let files: Vec<&str> = entry["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["file"].as_str())
        .collect();
    assert_eq!(files, ["a.ris", "b.bib"]);
    // Importing the same file again changes nothing.
    let before = store_bytes(&project);
    assert!(project.run(&["import", "a.ris"]).status.success());
    assert_eq!(store_bytes(&project), before);
}

/// Runs an import that must fail, and checks the message and that the store is untouched.
fn assert_rejected(project: &Project, file: &str, contents: &[u8], expected: &str) {
    project.write(file, contents);
    let before = store_bytes(project);
    let output = project.run(&["import", file]);
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{file}: {messages}");
    assert!(messages.contains(expected), "{file}: expected '{expected}' in:\n{messages}");
    assert!(messages.contains("nothing written"), "{messages}");
    assert_eq!(store_bytes(project), before, "{file}: the store changed");
}

#[test]
fn bad_input_is_reported_with_position_and_leaves_the_store_alone() {
    let project = Project::new();
    project.write("good.ris", ARTICLE_RIS);
    assert!(project.run(&["import", "good.ris"]).status.success());

    assert_rejected(
        &project,
        "paper.ris",
        b"# A paper\n\nSome text - not RIS.\n",
        "paper.ris:1:1: error[RIS001]: not a RIS file",
    );
    assert_rejected(
        &project,
        "notes.txt",
        b"just some notes\n",
        "notes.txt:1:1: error[IN002]: not a RIS or BibLaTeX file",
    );
    // The first half of a record cut off: tags without a TY.
    assert_rejected(
        &project,
        "cut.ris",
        b"TY  - JOUR\nTI  - Fine\nER  - \n\nAU  - Smith, J.\nTI  - Half a record\nER  - \n",
        "cut.ris:5:1: error[RIS002]: record at lines 5-7 has no 'TY' line",
    );
    assert_rejected(
        &project,
        "empty.ris",
        b"TY  - JOUR\nTI  - Fine\nER  - \nTY  - BOOK\n",
        "empty.ris:4:1: error[RIS003]: record 'BOOK' has no fields",
    );
    let unbalanced = b"@article{ok, title = {Fine}, year = 2001}\n\n@article{bad,\n  title = {Unbalanced {braces},\n  year = 2020,\n}\n\n@book{next, title = {Next}, year = 2002}\n";
    assert_rejected(
        &project,
        "bad.bib",
        unbalanced,
        "bad.bib:3:1: error[BIB006]: entry 'bad' is not closed",
    );
    assert_rejected(
        &project,
        "dup.bib",
        b"@misc{a, title={x}}\n@misc{a, title={y}}\n",
        "dup.bib:2:7: error[BIB003]: duplicate key 'a'",
    );
    // A file that cannot be read at all is an I/O error: exit 2.
    let output = project.run(&["import", "missing.ris"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("missing.ris: cannot read"));
}

#[test]
fn lenient_input_is_imported_with_warnings() {
    let project = Project::new();
    // Windows-1252 bytes (ü = 0xFC), a one-space tag, an unknown type and tag, no final ER.
    let mut latin1 = b"TY - FOO\nAU  - M\xFCller, J.\nTI  - Zahlungsverkehr\nZZ  - mystery value\nPY  - 2019\n".to_vec();
    latin1.extend_from_slice(b"");
    project.write("legacy.ris", &latin1);
    let output = project.run(&["import", "legacy.ris"]);
    let messages = stderr(&output);
    assert!(output.status.success(), "{messages}");
    assert!(messages.contains("legacy.ris:2:8: warning[ENC001]: invalid UTF-8 (byte 0xFC); decoded the file as Windows-1252"), "{messages}");
    assert!(messages.contains("legacy.ris:1:6: warning[RIS005]: unknown reference type 'FOO'; imported as @misc"), "{messages}");
    assert!(
        messages.contains(
            "legacy.ris:4:7: warning[RIS007]: unknown tag 'ZZ'; kept as extra data"
        ),
        "{messages}"
    );
    assert!(
        messages
            .contains("legacy.ris:5:1: warning[RIS004]: record is not closed by 'ER  -'"),
        "{messages}"
    );
    let bib = project.read("refs/references.bib");
    assert!(bib.contains("@misc{muller2019zahlungsverkehr,"), "{bib}");
    assert!(bib.contains("{Müller, J.}"));
    let provenance = project.read("refs/provenance.jsonl");
    assert!(
        provenance
            .contains(r#"{"tag":"ZZ","value":"mystery value","source":0,"line":4}"#),
        "{provenance}"
    );
    assert!(
        provenance.contains(r#"{"tag":"TY","value":"FOO","source":0,"line":1}"#),
        "{provenance}"
    );

    // --strict turns the warnings into a refusal.
    let strict = Project::new();
    strict.write("legacy.ris", &latin1);
    let output = strict.run(&["import", "--strict", "legacy.ris"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!strict.path().join("refs/references.bib").exists());
}

#[test]
fn json_summary_of_an_import() {
    let project = Project::new();
    project.write("a.ris", ARTICLE_RIS);
    let output = project.run(&["import", "a.ris", "--json"]);
    assert!(output.status.success());
    let summary = json(&output);
    assert_eq!(summary["written"], true);
    assert_eq!(summary["added"], 1);
    assert_eq!(summary["entries"], 1);
    assert_eq!(summary["diagnostics"].as_array().map(Vec::len), Some(0));
}

#[test]
fn usage_errors_exit_2() {
    let project = Project::new();
    assert_eq!(project.run(&["import"]).status.code(), Some(2));
    assert_eq!(project.run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(project.run(&["export", "--format", "yaml"]).status.code(), Some(2));
    let help = project.run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("Exit codes"));
    let version = project.run(&["--version"]);
    assert!(stdout(&version).contains("data model"));
}

#[test]
fn build_reads_configured_sources_and_skips_other_files() {
    let project = Project::new();
    project.write(
        "biblink.toml",
        "sources = [\"library\", \"extra.bib\"]\nstore = \"bibliography\"\n",
    );
    project.write("library/one.ris", ARTICLE_RIS);
    project.write("library/notes.md", "# notes\n");
    project.write("extra.bib", BOOK_BIB);
    let output = project.run(&["build"]);
    let messages = stderr(&output);
    assert!(output.status.success(), "{messages}");
    assert!(messages.contains("library/notes.md: info[IN001]: skipped"), "{messages}");
    let bib = project.read("bibliography/references.bib");
    assert!(
        bib.contains("@article{muller2015digital,") && bib.contains("@book{zhao2007,")
    );
    // An input error anywhere means nothing is written.
    project.write("library/two.ris", "AU  - Orphan, Tag\nER  - \n");
    let output = project.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(project.read("bibliography/references.bib"), bib);
}

#[test]
fn rebuild_keeps_keys_given_before() {
    let project = Project::new();
    project.write(
        "seeds/b.ris",
        ARTICLE_RIS.replace("Digital payment", "Digital payments in China"),
    );
    assert!(project.run(&["build"]).status.success());
    assert!(project.read("refs/references.bib").contains("@article{muller2015digital,"));
    // A new source that sorts first and would take the same key.
    project.write(
        "seeds/a.ris",
        ARTICLE_RIS
            .replace("10.1177/1461444815000001", "10.1177/1461444815000002")
            .replace("Digital payment", "Digital lives"),
    );
    assert!(project.run(&["build"]).status.success());
    let bib = project.read("refs/references.bib");
    let old = bib.find("@article{muller2015digital,").expect("old key kept");
    assert!(bib[old..].contains("Digital payments in China"), "{bib}");
    assert!(bib.contains("@article{muller2015digitala,"));
}

#[test]
fn concurrent_imports_wait_for_each_other() {
    let project = Project::new();
    let n_writers = 6;
    for idx in 0..n_writers {
        let ris = ARTICLE_RIS
            .replace("Digital payment platforms", &format!("Work number {idx}"))
            .replace(
                "10.1177/1461444815000001",
                &format!("10.1177/14614448150000{idx}9"),
            );
        project.write(&format!("in/{idx}.ris"), ris);
    }
    let children: Vec<_> = (0..n_writers)
        .map(|idx| {
            common::biblink(project.path())
                .args(["import", &format!("in/{idx}.ris"), "--quiet"])
                .spawn()
                .expect("spawn")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success());
    }
    let output = project.run(&["export", "--format", "json"]);
    assert_eq!(
        json(&output).as_array().map(Vec::len),
        Some(n_writers),
        "every import landed"
    );
}

/// A reader that stops early (`biblink find title | head -1`) closes the
/// pipe: biblink ends quietly with 0, without a panic message.
#[test]
fn a_closed_output_pipe_is_no_panic() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let project = Project::new();
    // Far more output than a pipe buffers (64 KB): 3,000 entries found.
    let bib: String =
        (0..3000).map(|n| format!("@misc{{k{n}, title = {{Title {n}}}}}\n")).collect();
    project.write("big.bib", bib);
    assert!(project.run(&["import", "big.bib"]).status.success());
    let mut child = common::biblink(project.path())
        .args(["find", "title"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run biblink");
    let mut first = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout).read_line(&mut first).expect("one line");
    // The reader is gone: every later write meets a closed pipe.
    assert!(first.starts_with('k'), "{first}");
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
