//! `biblink claims --json` on documents that are not well-formed papers: no
//! reference list, no body, unbalanced brackets, one very long line, bytes
//! that are not UTF-8, nothing at all, no file. None of them may crash; every
//! callout reported keeps the JSON shape and its spans slice back to its text.

mod common;

use std::io::Read as _;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use common::{Project, biblink, stderr, stdout};
use serde_json::Value as Json;

const SMITH_LEE: &str = "## References\n\n\
    - Smith, J. (2001). Platforms and the state. *Journal of Things*, 1, 2–3.\n\
    - Lee, K. (2002). *A book about markets*. London: Verso.\n";

#[test]
fn without_a_reference_list_callouts_are_unresolved() {
    let project = Project::new();
    project
        .write("paper.md", "Platforms grew fast (Smith, 2001). Others disagree [3].\n");
    let (output, json) = claims(&project, "paper.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    check_shape(&json, &project.path().join("paper.md"));
    assert_eq!(json["document"], "paper.md");
    assert_eq!(json["references"], 0);
    let smith = callout(&json, "(Smith, 2001)");
    assert_eq!(smith["status"], "unresolved");
    assert_eq!(smith["targets"], Json::Array(Vec::new()));
    assert_eq!(smith["sentence"]["text"], "Platforms grew fast (Smith, 2001).");
    // Without a numbered list, a bracketed number is no callout.
    assert!(find_callout(&json, "[3]").is_none(), "{json:#}");
    assert_eq!(json["uncited"], Json::Array(Vec::new()));
    let codes = diagnostic_codes(&json);
    assert_eq!(codes, ["LINK001"], "one warning for the unresolved callout");
}

#[test]
fn a_reference_list_without_a_body_cites_nothing() {
    let project = Project::new();
    project.write("paper.md", SMITH_LEE);
    let (output, json) = claims(&project, "paper.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    check_shape(&json, &project.path().join("paper.md"));
    assert_eq!(json["references"], 2);
    assert_eq!(json["callouts"], Json::Array(Vec::new()));
    let uncited: Vec<&Json> = json["uncited"]
        .as_array()
        .expect("uncited")
        .iter()
        .map(|u| &u["ref_index"])
        .collect();
    assert_eq!(uncited, [0, 1], "both references are never cited");
}

#[test]
fn unbalanced_brackets_neither_crash_nor_swallow_the_rest() {
    let project = Project::new();
    let body = "Platforms grew fast (Smith, 2001 and then more text. See [3 for details, \
                also [2. And (Lee, 2002) here (Smith 2001. Then ) and ] stray closers.\n\
                Next (Smith, 2001) line ((Lee, 2002).\n\n";
    project.write("paper.md", format!("{body}{SMITH_LEE}"));
    let (output, json) = claims(&project, "paper.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    check_shape(&json, &project.path().join("paper.md"));
    // The well-formed callouts after the broken ones are still found and resolved.
    let lee = callout(&json, "(Lee, 2002)");
    assert_eq!(lee["status"], "resolved");
    assert_eq!(lee["targets"][0]["ref_index"], 1);
    let next = json["callouts"]
        .as_array()
        .expect("callouts")
        .iter()
        .find(|c| c["text"] == "(Smith, 2001)" && c["line"] == 2)
        .unwrap_or_else(|| panic!("(Smith, 2001) on line 2: {json:#}"));
    assert_eq!(next["status"], "resolved");
    assert_eq!(next["column"], 6);
    // The parenthetical left open is read as far as its year.
    let open = callout(&json, "Smith, 2001");
    assert_eq!(open["line"], 1);
    assert_eq!(open["status"], "resolved");
}

#[test]
fn a_paragraph_broken_by_a_pull_quote_lists_callouts_in_document_order() {
    // The paragraph runs on after the pull-quote, so the linker reads it as
    // one block whose parts surround the quote's.
    let project = Project::new();
    let first = "Platform regulation has been studied widely and in many ways by scholars \
                 of the field (Smith, 2001) and others who work on the political economy of \
                 payment systems in the";
    let quote = "As Lee (2002) said of the market";
    let second = "region, where the growth of lending was rapid and the role of the state in \
                  the market remained large and contested by many firms and users across the \
                  whole";
    let third = "country over the decade (Smith, 2001). It ends here.";
    project.write(
        "paper.md",
        format!("{first}\n\n{quote}\n\n{second}\n\n{third}\n\n{SMITH_LEE}"),
    );
    let (output, json) = claims(&project, "paper.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    check_shape(&json, &project.path().join("paper.md"));
    let texts: Vec<&str> = json["callouts"]
        .as_array()
        .expect("callouts")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert_eq!(texts, ["(Smith, 2001)", "Lee (2002)", "(Smith, 2001)"]);
}

#[test]
fn a_single_line_of_5_mb_completes() {
    // One paragraph on one line, no reference list (a heading needs a line of
    // its own): every callout is unresolved. About 32,000 callouts (two in
    // every four sentences) and as many attributed claims, with numeric and
    // stray brackets and non-ASCII text between them.
    let project = Project::new();
    let sentences = [
        "Platforms grew fast (Smith, 2001; Lee et al., 2002a) and markets [1] followed. ",
        "As Wang (2017) argues, the state (e.g., Xinhua, 2015b, p. 12) kept its role. ",
        "Café owners in Zürich (see [2–5] adopted payments; unclosed [7 brackets ) here. ",
        "Nothing is cited in this sentence, which only makes the paragraph longer. ",
    ];
    let mut text = String::with_capacity(5_100_000);
    while text.len() < 5_000_000 {
        for sentence in sentences {
            text.push_str(sentence);
        }
    }
    text.push('\n');
    let path = project.write("long.md", &text);
    // Not a timing assertion: a guard that turns a hang into a failure
    // instead of a test run that never ends.
    let output = run_with_deadline(
        project.path(),
        &["--store", "store", "--json", "claims", "long.md"],
        Duration::from_secs(180),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Json =
        serde_json::from_slice(&output.stdout).expect("claims --json is JSON");
    check_shape(&json, &path);
    let n_callouts = json["summary"]["callouts"].as_u64().expect("summary.callouts");
    assert!(n_callouts > 30_000, "{n_callouts} callouts");
    assert_eq!(json["summary"]["resolved"], 0);
}

#[test]
fn windows_1252_bytes_are_decoded_with_a_warning() {
    let project = Project::new();
    let bytes = b"Caf\xe9 studies (M\xfcller, 2001) show \x93quotes\x94 here.\n\n\
                  ## References\n\n- M\xfcller, J. (2001). A title. *Journal*, 1, 2.\n";
    project.write("paper.md", bytes);
    let (output, json) = claims(&project, "paper.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // A file that is not UTF-8 has no UTF-8 offsets: they are offsets into
    // its text decoded to UTF-8, as the README says (here one more than in
    // the file after `é`).
    let decoded = "Café studies (Müller, 2001) show “quotes” here.\n\n\
                   ## References\n\n- Müller, J. (2001). A title. *Journal*, 1, 2.\n";
    check_shape_text(&json, decoded.as_bytes());
    let muller = callout(&json, "(Müller, 2001)");
    assert_eq!(muller["status"], "resolved");
    assert_eq!(muller["byte_start"], 14);
    assert_eq!(muller["column"], 14);
    assert_eq!(
        muller["sentence"]["text"],
        "Café studies (Müller, 2001) show “quotes” here."
    );
    assert_eq!(diagnostic_codes(&json), ["ENC001"]);
}

#[test]
fn invalid_utf8_and_control_bytes_do_not_crash() {
    let project = Project::new();
    // A bad continuation byte, lone continuation bytes, the five bytes
    // Windows-1252 leaves undefined (decoded as C1 controls) and a four-byte
    // sequence cut short at the end of the sentence.
    let bytes =
        b"Bad \xc3( bytes \x80\x81\x8d\x8f\x90\x9d grew (Smith, 2001) fast \xf0\x9f.\n\n\
                  ## References\n\n- Smith, J. (2001). A title. *Journal*, 1, 2.\n";
    project.write("paper.md", bytes);
    let (output, json) = claims(&project, "paper.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let (decoded, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    check_shape_text(&json, decoded.as_bytes());
    let smith = callout(&json, "(Smith, 2001)");
    assert_eq!(smith["status"], "resolved");
    assert_eq!(smith["line"], 1);
    assert_eq!(diagnostic_codes(&json), ["ENC001"]);
}

#[test]
fn a_utf8_byte_order_mark_is_kept_in_the_offsets() {
    let project = Project::new();
    let text = format!("\u{feff}Grew (Smith, 2001) fast.\n\n{SMITH_LEE}");
    project.write("paper.md", &text);
    let (output, json) = claims(&project, "paper.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Offsets are into the file as it is, byte-order mark included.
    check_shape_text(&json, text.as_bytes());
    let smith = callout(&json, "(Smith, 2001)");
    assert_eq!(smith["byte_start"], 8);
    assert_eq!(&text[8..21], "(Smith, 2001)");
    assert_eq!(smith["char_start"], 6);
    assert_eq!(smith["column"], 7);
}

#[test]
fn an_empty_file_has_no_callouts() {
    let project = Project::new();
    project.write("empty.md", "");
    let (output, json) = claims(&project, "empty.md");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    check_shape(&json, &project.path().join("empty.md"));
    assert_eq!(json["references"], 0);
    assert_eq!(json["callouts"], Json::Array(Vec::new()));
    assert_eq!(json["uncited"], Json::Array(Vec::new()));
    assert_eq!(json["mismatches"], Json::Array(Vec::new()));
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let project = Project::new();
    let output = project.run(&["--store", "store", "--json", "claims", "missing.md"]);
    assert_eq!(output.status.code(), Some(2), "exit 2: unreadable input");
    assert_eq!(stdout(&output), "", "no JSON document for a file that was not read");
    let message = stderr(&output);
    assert!(message.contains("missing.md: cannot read"), "{message}");
}

/// Runs `biblink --store store --json claims FILE` in the project.
fn claims(project: &Project, file: &str) -> (Output, Json) {
    let output = project.run(&["--store", "store", "--json", "claims", file]);
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("stdout is not JSON ({error}): {}\n{}", stdout(&output), stderr(&output))
    });
    (output, json)
}

/// Runs biblink in `dir`, killing it after `deadline`.
fn run_with_deadline(dir: &Path, args: &[&str], deadline: Duration) -> Output {
    let mut child = biblink(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run biblink");
    // Drain both pipes while waiting, so that a full pipe cannot stall the child.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = out.read_to_end(&mut bytes);
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = err.read_to_end(&mut bytes);
        bytes
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for biblink") {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("biblink {} did not finish within {deadline:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out_reader.join().expect("stdout reader"),
        stderr: err_reader.join().expect("stderr reader"),
    }
}

/// [`check_shape_text`] against the bytes of the file at `path` (UTF-8, no BOM).
fn check_shape(json: &Json, path: &Path) {
    let bytes = std::fs::read(path).expect("read the document");
    check_shape_text(json, &bytes);
}

/// The top level of `claims --json` and the fields of every callout; each
/// span lies in `text` and slices back to the callout's text, at the line and
/// column given; each sentence holds its callout.
fn check_shape_text(json: &Json, text: &[u8]) {
    for key in ["document", "callouts", "uncited", "mismatches"] {
        assert!(json.get(key).is_some(), "no '{key}' in {json:#}");
    }
    assert!(json["uncited"].is_array() && json["mismatches"].is_array());
    let callouts = json["callouts"].as_array().expect("callouts is an array");
    let document = std::str::from_utf8(text).expect("the document as read is UTF-8");
    let mut cursor = Cursor { text: document, byte: 0, line: 1, column: 1 };
    let mut previous_start = 0;
    for callout in callouts {
        for key in [
            "text",
            "byte_start",
            "byte_end",
            "line",
            "column",
            "sentence",
            "status",
            "targets",
        ] {
            assert!(callout.get(key).is_some(), "no '{key}' in {callout:#}");
        }
        assert!(callout["targets"].is_array(), "{callout:#}");
        assert!(
            ["resolved", "ambiguous", "unresolved"]
                .contains(&callout["status"].as_str().unwrap_or("")),
            "{callout:#}"
        );
        let (start, end) = span(callout);
        assert!(previous_start <= start, "callouts out of order at {callout:#}");
        previous_start = start;
        let slice =
            text.get(start..end).unwrap_or_else(|| panic!("span outside: {callout:#}"));
        assert_eq!(
            std::str::from_utf8(slice).ok(),
            callout["text"].as_str(),
            "the span does not slice back to the text"
        );
        let (line, column) = cursor.advance_to(start);
        assert_eq!(callout["line"], line, "{callout:#}");
        assert_eq!(callout["column"], column, "{callout:#}");
        let sentence = &callout["sentence"];
        for key in ["text", "byte_start", "byte_end"] {
            assert!(sentence.get(key).is_some(), "no sentence '{key}' in {callout:#}");
        }
        let (sentence_start, sentence_end) = span(sentence);
        assert!(sentence_end <= text.len(), "{callout:#}");
        assert!(std::str::from_utf8(&text[sentence_start..sentence_end]).is_ok());
        if callout["kind"] != "attribution" {
            assert!(
                sentence_start <= start && end <= sentence_end,
                "the callout lies outside its sentence: {callout:#}"
            );
        }
    }
}

fn span(object: &Json) -> (usize, usize) {
    let offset = |key: &str| {
        object[key].as_u64().and_then(|n| usize::try_from(n).ok()).unwrap_or_else(|| {
            panic!("'{key}' is not an offset: {object:#}");
        })
    };
    let (start, end) = (offset("byte_start"), offset("byte_end"));
    assert!(start <= end, "{object:#}");
    (start, end)
}

/// The 1-based line and character column of byte offsets, asked in
/// increasing order (`\n`, `\r\n` and a lone `\r` end a line): one pass
/// over a long document, not one per callout.
struct Cursor<'a> {
    text: &'a str,
    byte: usize,
    line: u64,
    column: u64,
}

impl Cursor<'_> {
    fn advance_to(&mut self, offset: usize) -> (u64, u64) {
        let chars = self.text[self.byte..offset].char_indices();
        for (at, c) in chars {
            let crlf = c == '\r' && self.text[self.byte + at + 1..].starts_with('\n');
            if c == '\n' || (c == '\r' && !crlf) {
                self.line += 1;
                self.column = 1;
            } else if !crlf {
                self.column += 1;
            }
        }
        self.byte = offset;
        (self.line, self.column)
    }
}

fn find_callout<'a>(json: &'a Json, text: &str) -> Option<&'a Json> {
    json["callouts"].as_array()?.iter().find(|c| c["text"] == text)
}

fn callout<'a>(json: &'a Json, text: &str) -> &'a Json {
    find_callout(json, text).unwrap_or_else(|| panic!("no callout '{text}': {json:#}"))
}

fn diagnostic_codes(json: &Json) -> Vec<&str> {
    json["diagnostics"]
        .as_array()
        .map(|all| all.iter().filter_map(|d| d["code"].as_str()).collect())
        .unwrap_or_default()
}
