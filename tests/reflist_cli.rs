//! Reference lists through the binary: `import paper.md`, `import --reflist`,
//! `build` with documents among the sources, `parse`, and bad input.

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

use common::{Project, stderr, stdout};
use serde_json::Value as Json;

const SEED: &str = "seeds/000_68118a06d3e3690d.txt";

fn seed_report() -> Vec<u8> {
    std::fs::read(common::repo().join(SEED)).expect("seed report in seeds/")
}

fn json(output: &Output) -> Json {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("stdout is not JSON ({error}): {}", stdout(output))
    })
}

/// Runs biblink with `input` on standard input.
fn run_with_stdin(project: &Project, args: &[&str], input: &[u8]) -> Output {
    let mut child = common::biblink(project.path())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run biblink");
    child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    child.wait_with_output().expect("biblink output")
}

/// Asserts that biblink ended normally (no panic, no signal) with one of our exit codes.
fn assert_no_crash(output: &Output) {
    let messages = stderr(output);
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "{:?}: {messages}",
        output.status
    );
    assert!(!messages.contains("panicked"), "{messages}");
}

#[test]
fn import_of_a_paper_adds_every_reference_with_its_lines() {
    let project = Project::new();
    project.write("paper.md", seed_report());
    let output = project.run(&["import", "paper.md"]);
    let messages = stderr(&output);
    assert!(output.status.success(), "{messages}");
    assert!(
        messages
            .contains("paper.md: 35 references parsed, 0 merged with existing entries, "),
        "{messages}"
    );
    let output = project.run(&["export", "--format", "json"]);
    let entries = json(&output);
    let entries = entries.as_array().expect("array");
    assert_eq!(entries.len(), 35);
    let mut lines: Vec<u64> = entries
        .iter()
        .map(|entry| {
            let source = &entry["sources"][0];
            assert_eq!(source["file"], "paper.md");
            assert_eq!(source["line_start"], source["line_end"], "one line each");
            source["line_start"].as_u64().expect("line")
        })
        .collect();
    lines.sort_unstable();
    let expected: Vec<u64> = (174..=191).chain(193..=209).collect();
    assert_eq!(lines, expected);
    // Wong & Osawa (2015a) and (2015b): the letters stay with the paper's list.
    let at_line = |line: u64| {
        entries.iter().find(|e| e["sources"][0]["line_start"] == line).expect("entry")
    };
    assert_eq!(at_line(200)["year_suffix"], "a");
    assert_eq!(at_line(200)["sources"][0]["year_suffix"], "a");
    assert_eq!(at_line(201)["year_suffix"], "b");
    assert!(at_line(174).get("year_suffix").is_none());
    assert!(at_line(200)["fields"].get("year_suffix").is_none(), "not a field");
    assert!(!project.read("refs/references.bib").contains("{2015a"));
    // The printed reference is kept in provenance.jsonl.
    let provenance = project.read("refs/provenance.jsonl");
    assert!(provenance.contains(r#""year_suffix":"b"}"#), "{provenance}");
    assert!(
        provenance
            .contains(r#"{"tag":"reference","value":"Ahmed, S. (2017, January 24)."#)
    );

    // The same list again merges into the same entries.
    let output = project.run(&["--json", "import", "paper.md"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary = json(&output);
    assert_eq!(summary["added"], 0);
    assert_eq!(summary["merged"], 35);
    assert_eq!(summary["entries"], 35);
    let document = &summary["documents"][0];
    assert_eq!(document["file"], "paper.md");
    assert_eq!(document["parsed"], 35);
    assert_eq!(document["merged"], 35);
    assert!(document["with_warnings"].as_u64().is_some_and(|n| n <= 35));
}

#[test]
fn build_reads_the_reference_lists_of_the_sources() {
    let project = Project::new();
    for file in std::fs::read_dir(common::repo().join("seeds")).expect("seeds/") {
        let path = file.expect("dir entry").path();
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        project.write(&format!("seeds/{name}"), std::fs::read(&path).expect("seed"));
    }
    let output = project.run(&["build"]);
    let messages = stderr(&output);
    assert!(output.status.success(), "{messages}");
    assert!(messages.contains("read 2 of 5 source files (3 skipped)"), "{messages}");
    for news in ["001_f52754963341574f", "003_5e657ceb746cda70", "004_3f6113a1e1c1d1bc"] {
        assert!(
            messages.contains(&format!("seeds/{news}.txt: info[IN001]: skipped")),
            "{messages}"
        );
    }
    assert!(messages.contains(&format!("{SEED}: 35 references parsed")), "{messages}");
    let bib = project.read("refs/references.bib");
    assert_eq!(bib.matches("\n@").count(), 36, "35 references and the RIS record");
}

#[test]
fn reflist_reads_a_bare_list_that_detection_does_not_take() {
    let project = Project::new();
    project.write(
        "list.txt",
        "Hong, Y. (2017). *Networking China: The digital transformation of the Chinese economy*. Urbana, IL: University of Illinois Press.\nSchiller, D. (2014). *Digital depression: Information technology and economic crisis*. Urbana, IL: University of Illinois\nPress.\n",
    );
    let output = project.run(&["import", "list.txt"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("list.txt:1:1: error[IN002]"),
        "{}",
        stderr(&output)
    );
    assert!(project.read("refs/references.bib").is_empty());

    let output = project.run(&["import", "--reflist", "list.txt"]);
    let messages = stderr(&output);
    assert!(output.status.success(), "{messages}");
    assert!(messages.contains("list.txt: 2 references parsed, 0 merged"), "{messages}");
    let entries = json(&project.run(&["export", "--format", "json"]));
    let lines: Vec<(&Json, &Json)> = entries
        .as_array()
        .expect("array")
        .iter()
        .map(|e| (&e["sources"][0]["line_start"], &e["sources"][0]["line_end"]))
        .collect();
    assert_eq!(
        lines,
        [(&Json::from(1), &Json::from(1)), (&Json::from(2), &Json::from(3))]
    );
}

#[test]
fn parse_prints_biblatex_or_the_json_entry() {
    let project = Project::new();
    let reference = "Wong, G., & Osawa, J. (2015b, June 26). Alibaba affiliate launches online bank despite regulatory hurdles. *The Wall Street Journal*.";
    let output = project.run(&["parse", reference]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bib = stdout(&output);
    assert!(bib.starts_with("@article{wong2015"), "{bib}");
    assert!(bib.contains("  author       = {Wong, G. and Osawa, J.},\n"), "{bib}");
    assert!(bib.ends_with("}\n% year suffix 'b'\n"), "{bib}");

    let output = project.run(&["parse", "--json", reference]);
    assert!(output.status.success());
    let entry = json(&output);
    assert_eq!(entry["type"], "article");
    assert_eq!(entry["year_suffix"], "b");
    assert_eq!(entry["fields"]["date"], "2015-06-26");
    assert_eq!(entry["fields"]["author"][1]["family"], "Osawa");
    assert_eq!(entry["sources"][0]["file"], "<argument>");
    assert!(entry["key"].as_str().is_some_and(|key| key.starts_with("wong2015")));
    // Nothing is written.
    assert!(!project.path().join("refs").exists());
}

#[test]
fn parse_reads_standard_input_line_by_line() {
    let project = Project::new();
    let input = "Hong, Y. (2017). *Networking China*. Urbana, IL: University of Illinois Press.\r\nXinhua. (2015a, March 15). Internet Plus set to push China's economy to higher level. *Xinhua Net*.\n\nZhao, Y. Z. (2007). After mobile phones, what? *International Journal of Communication* 1(1): 92–120.\n";
    let output = run_with_stdin(&project, &["parse", "--json", "-"], input.as_bytes());
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<Json> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("one compact JSON entry per line"))
        .collect();
    let found: Vec<(u64, &str)> = lines
        .iter()
        .map(|e| {
            (
                e["sources"][0]["line_start"].as_u64().expect("line"),
                e["fields"]["date"].as_str().expect("date"),
            )
        })
        .collect();
    assert_eq!(found, [(1, "2017"), (2, "2015-03-15"), (4, "2007")]);
    assert_eq!(lines[1]["year_suffix"], "a");
    assert!(lines.iter().all(|e| e["sources"][0]["file"] == "<stdin>"));

    let output = run_with_stdin(&project, &["parse", "-"], input.as_bytes());
    let bib = stdout(&output);
    assert_eq!(bib.matches("\n}\n").count(), 3, "{bib}");
    assert_eq!(
        bib.matches("\n\n@").count(),
        2,
        "entries separated by blank lines: {bib}"
    );
    assert!(bib.contains("}\n% year suffix 'a'\n\n@"), "{bib}");

    let output = run_with_stdin(&project, &["parse", "--json", "-"], b"");
    assert!(output.status.success());
    assert!(stdout(&output).is_empty());
}

#[test]
fn parse_exit_codes() {
    let project = Project::new();
    let output = project.run(&["parse", "  "]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("error: the reference is empty"));
    assert_eq!(project.run(&["parse"]).status.code(), Some(2));
    let output = project.run(&["parse", "Ibid."]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("@misc{"), "{}", stdout(&output));
    assert!(stdout(&output).contains("  note         = {Ibid.},\n"));
    assert!(
        stderr(&output)
            .contains("<argument>:1:1: warning[REF003]: reference of one word: 'Ibid.'"),
        "{}",
        stderr(&output)
    );
    let help = project.run(&["help", "parse"]);
    assert!(stdout(&help).contains("biblink parse --json - < references.txt"));
    let help = project.run(&["help", "import"]);
    assert!(stdout(&help).contains("biblink import --reflist references.txt"));
}

#[test]
fn bad_reference_lists_are_warnings_with_lines_never_a_crash() {
    let project = Project::new();
    // An empty section under a markdown heading: read, with a warning.
    project.write(
        "empty.md",
        "# Paper\n\nText.\n\n## References\n\n## Appendix\n\nA table.\n",
    );
    for args in [&["import", "empty.md"][..], &["import", "--reflist", "empty.md"]] {
        let output = project.run(args);
        let messages = stderr(&output);
        assert!(output.status.success(), "{messages}");
        assert!(
            messages.contains("empty.md:5:1: warning[REF002]: empty reference section: 'References' lists no references"),
            "{messages}"
        );
        assert!(messages.contains("empty.md: 0 references parsed"), "{messages}");
    }
    // --strict refuses it.
    let output = project.run(&["import", "--strict", "empty.md"]);
    assert_eq!(output.status.code(), Some(1));

    // One word, 10,000 characters on one line, binary garbage.
    let long = format!("Smith, J. (2001). {}", "A very long title. ".repeat(530));
    assert!(long.len() > 10_000);
    let mut paper =
        format!("# Paper\n\n## References\n\n- Ibid.\n- {long}\n- ").into_bytes();
    paper.extend((0u32..300).map(|i| (i * 7919 % 251) as u8));
    paper.extend(b"\n- Hong, Y. (2017). *Networking China*. Urbana, IL: University of Illinois Press.\n");
    project.write("bad.md", &paper);
    let output = project.run(&["import", "--reflist", "bad.md"]);
    assert_no_crash(&output);
    let messages = stderr(&output);
    assert!(output.status.success(), "{messages}");
    assert!(
        messages.contains("bad.md:5:3: warning[REF003]: reference of one word"),
        "{messages}"
    );
    assert!(
        messages.contains("bad.md:6:3: warning[REF004]: reference of 10"),
        "{messages}"
    );
    assert!(
        messages.contains("warning[REF005]: reference looks like binary data"),
        "{messages}"
    );
    let entries = json(&project.run(&["export", "--format", "json"]));
    let entries = entries.as_array().expect("array");
    let at_line = |line: u64| {
        entries.iter().find(|e| e["sources"][0]["line_start"] == line).expect("entry")
    };
    assert_eq!(at_line(5)["type"], "misc");
    assert_eq!(at_line(5)["fields"]["note"], "Ibid.");
    assert_eq!(at_line(7)["type"], "misc");
    assert!(at_line(7)["fields"]["note"].is_string());
    assert!(
        entries
            .iter()
            .any(|e| e["fields"]["publisher"] == "University of Illinois Press")
    );

    // A file of nothing but binary garbage, detected or forced.
    let garbage: Vec<u8> =
        (0u32..4096).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    project.write("garbage.bin", &garbage);
    for args in [&["import", "garbage.bin"][..], &["import", "--reflist", "garbage.bin"]]
    {
        assert_no_crash(&project.run(args));
    }
    assert_no_crash(&run_with_stdin(&project, &["parse", "--json", "-"], &garbage));
}
