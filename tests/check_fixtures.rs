//! `biblink check` on a corpus of deliberately broken files whose findings
//! were written by hand (`tests/fixtures/check/`).
//!
//! Layout: `bib/<case>.bib`, `ris/<case>.ris`, `papers/<case>.md`,
//! `csl/<case>.json`, `endnote/<case>.xml` and `jats/<case>.xml`, each
//! with `<case>.expected` beside it: one finding per line as `LINE RULE`,
//! `#` starts a comment (why the finding is there), blank lines are fine; a
//! file with only comments means "no finding at all". Optional beside a case:
//! `<case>.toml`, copied into the project as `biblink.toml`, and for papers
//! `<case>.store.bib`, copied to `refs/references.bib` (the store the paper
//! is checked against; it is not checked itself).
//!
//! Every case runs `biblink check <file> --format json` (papers:
//! `biblink check --paper <file> --format json`) in a scratch project, and the
//! multiset of (line, rule) of the findings must equal the expected one. All
//! mismatches of all cases are collected and reported at once.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::{Project, repo, stderr, stdout};
use serde_json::Value;

/// The corpus directories and the extension of their fixtures.
const FORMATS: &[(&str, &str)] = &[
    ("bib", "bib"),
    ("ris", "ris"),
    ("papers", "md"),
    ("csl", "json"),
    ("endnote", "xml"),
    ("jats", "xml"),
];

/// Rules that must each appear on at least [`MIN_OCCURRENCES`] expected lines
/// of the corpus: every rule of `src/check/rules.rs` that a file can trigger
/// (SYNC*, DOI*, REF* and ENC001 are tested elsewhere).
const COVERED: &[&str] = &[
    "BIB001", "BIB002", "BIB003", "BIB004", "BIB006", //
    "RIS001", "RIS002", "RIS003", "RIS004", "RIS005", "RIS006", "RIS007", "RIS008",
    "RIS009", "RIS010", "RIS011", "RIS012", "RIS013", //
    "MODEL001", "MODEL002", "MODEL003", "MODEL004", "MODEL005", "MODEL006", "MODEL007",
    "MODEL008", "MODEL009", "MODEL010", //
    "ID001", "ID002", "ID003", "ID004", //
    "DUP001", "DUP002", //
    "VALUE001", "VALUE002", "VALUE003", "VALUE004", //
    "STYLE001", "STYLE002", "STYLE003", //
    "KEY001",   //
    "LINK001", "LINK002", "LINK003", "LINK004", "LINK005",
];

const MIN_OCCURRENCES: usize = 3;

/// The other readers' rules, each on at least one expected line: most of
/// them make a whole file unreadable, one case each. (`JATS004`, an empty
/// article, is `tests/jats.rs`'s: an empty `.xml` file is read as EndNote XML.)
const COVERED_ONCE: &[&str] = &[
    "CSL001", "CSL002", "CSL003", "CSL004", "CSL005", "CSL006", "CSL007", //
    "EN001", "EN002", "EN003", "EN004", "EN005", "EN006", "EN007", "EN008", //
    "JATS001", "JATS002", "JATS003", "JATS005", "JATS006",
];

/// One case of the corpus.
struct Case {
    /// `bib`, `ris` or `papers`.
    dir: &'static str,
    /// The fixture's file name (`syntax.bib`).
    file_name: String,
    fixture: PathBuf,
    expected: PathBuf,
    toml: Option<PathBuf>,
    store: Option<PathBuf>,
}

impl Case {
    fn label(&self) -> String {
        format!("{}/{}", self.dir, self.file_name)
    }

    fn is_paper(&self) -> bool {
        self.dir == "papers"
    }
}

/// One expected finding, with the comment block above it (why it is expected).
#[derive(Debug, Clone)]
struct Expected {
    line: u64,
    rule: String,
    why: String,
}

fn corpus_dir() -> PathBuf {
    repo().join("tests/fixtures/check")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// Every case, sorted by directory then name, and the problems of the corpus
/// itself: orphaned `.expected`/`.toml`/`.store.bib` files, fixtures without
/// `.expected`, files of unknown kinds.
fn cases() -> (Vec<Case>, Vec<String>) {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for &(dir, extension) in FORMATS {
        let path = corpus_dir().join(dir);
        let mut names: Vec<String> = match std::fs::read_dir(&path) {
            Ok(entries) => entries
                .map(|entry| entry.expect("directory entry").file_name())
                .map(|name| name.to_string_lossy().into_owned())
                .collect(),
            Err(error) => {
                problems.push(format!("{}: cannot list: {error}", path.display()));
                continue;
            }
        };
        names.sort();
        let has = |name: &str| names.iter().any(|n| n == name);
        let fixture_suffix = format!(".{extension}");
        for name in &names {
            let stem_of = |suffix: &str| name.strip_suffix(suffix).map(str::to_string);
            if dir == "papers"
                && let Some(stem) = stem_of(".store.bib")
            {
                if !has(&format!("{stem}{fixture_suffix}")) {
                    problems
                        .push(format!("{dir}/{name}: store without a paper {stem}.md"));
                }
            } else if let Some(stem) = stem_of(".expected") {
                if !has(&format!("{stem}{fixture_suffix}")) {
                    problems.push(format!(
                        "{dir}/{name}: orphaned .expected (no {stem}{fixture_suffix})"
                    ));
                }
            } else if let Some(stem) = stem_of(".toml") {
                if !has(&format!("{stem}{fixture_suffix}")) {
                    problems.push(format!(
                        "{dir}/{name}: orphaned .toml (no {stem}{fixture_suffix})"
                    ));
                }
            } else if let Some(stem) = stem_of(&fixture_suffix) {
                let expected = format!("{stem}.expected");
                if !has(&expected) {
                    problems.push(format!("{dir}/{name}: fixture without {expected}"));
                    continue;
                }
                let toml = format!("{stem}.toml");
                let store = format!("{stem}.store.bib");
                cases.push(Case {
                    dir,
                    file_name: name.clone(),
                    fixture: path.join(name),
                    expected: path.join(expected),
                    toml: has(&toml).then(|| path.join(&toml)),
                    store: (dir == "papers" && has(&store)).then(|| path.join(&store)),
                });
            } else {
                problems.push(format!(
                    "{dir}/{name}: not a fixture, .expected, .toml or store"
                ));
            }
        }
    }
    (cases, problems)
}

/// Parses a `.expected` file: `LINE RULE` per line, `#` comments.
fn parse_expected(text: &str, label: &str, problems: &mut Vec<String>) -> Vec<Expected> {
    let mut out = Vec::new();
    let mut why = String::new();
    let mut last_was_finding = false;
    for (idx, raw) in text.lines().enumerate() {
        let (content, comment) = match raw.split_once('#') {
            Some((content, comment)) => (content.trim(), Some(comment.trim())),
            None => (raw.trim(), None),
        };
        if content.is_empty() {
            if let Some(comment) = comment {
                if last_was_finding {
                    why.clear();
                }
                if !why.is_empty() {
                    why.push(' ');
                }
                why.push_str(comment);
                last_was_finding = false;
            }
            continue;
        }
        let mut parts = content.split_whitespace();
        let line = parts.next().and_then(|l| l.parse::<u64>().ok());
        let rule = parts.next();
        match (line, rule, parts.next()) {
            (Some(line), Some(rule), None)
                if rule.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) =>
            {
                out.push(Expected { line, rule: rule.to_string(), why: why.clone() });
                last_was_finding = true;
            }
            _ => problems
                .push(format!("{label}.expected:{}: not 'LINE RULE': {raw:?}", idx + 1)),
        }
    }
    out
}

/// `biblink.toml` settings the harness needs: `fail_on` and the severity overrides.
struct Settings {
    fail_on: String,
    severities: Vec<(String, String)>,
}

fn settings(case: &Case) -> Settings {
    let mut settings = Settings { fail_on: "error".to_string(), severities: Vec::new() };
    let Some(path) = &case.toml else { return settings };
    let table: toml::Table = toml::from_str(&read(path))
        .unwrap_or_else(|error| panic!("{}: not TOML: {error}", path.display()));
    let check = table.get("check").and_then(|c| c.as_table());
    if let Some(fail_on) = check.and_then(|c| c.get("fail_on")).and_then(|v| v.as_str()) {
        settings.fail_on = fail_on.to_string();
    }
    if let Some(severity) =
        check.and_then(|c| c.get("severity")).and_then(|s| s.as_table())
    {
        for (rule, level) in severity {
            if let Some(level) = level.as_str() {
                settings.severities.push((rule.clone(), level.to_string()));
            }
        }
    }
    settings
}

fn rank(severity: &str) -> Option<u8> {
    match severity {
        "info" => Some(1),
        "warning" => Some(2),
        "error" => Some(3),
        _ => None,
    }
}

/// A finding as the JSON gives it.
struct Finding {
    line: u64,
    rule: String,
    name: String,
    severity: String,
    column: u64,
    message: String,
    file: String,
}

impl Finding {
    fn describe(&self) -> String {
        format!(
            "{}:{} {} [{}] {}",
            self.line, self.column, self.rule, self.severity, self.message
        )
    }
}

fn findings_of(json: &Value) -> Result<Vec<Finding>, String> {
    let list = json["findings"].as_array().ok_or("no 'findings' array")?;
    list.iter()
        .map(|f| {
            let text = |key: &str| -> Result<String, String> {
                f[key]
                    .as_str()
                    .map(str::to_string)
                    .ok_or(format!("finding without '{key}': {f}"))
            };
            let number = |key: &str| -> Result<u64, String> {
                f[key].as_u64().ok_or(format!("finding without numeric '{key}': {f}"))
            };
            Ok(Finding {
                line: number("line")?,
                rule: text("rule")?,
                name: text("name")?,
                severity: text("severity")?,
                column: number("column")?,
                message: text("message")?,
                file: text("file")?,
            })
        })
        .collect()
}

/// Runs one case; returns what is wrong with it (nothing when it passes).
fn run_case(case: &Case, expected: &[Expected]) -> Vec<String> {
    let mut problems = Vec::new();
    let project = Project::new();
    let text = read(&case.fixture);
    project.write(&case.file_name, &text);
    if let Some(toml) = &case.toml {
        project.write("biblink.toml", read(toml));
    }
    if let Some(store) = &case.store {
        project.write("refs/references.bib", read(store));
    }
    let args: Vec<&str> = if case.is_paper() {
        vec!["check", "--paper", &case.file_name, "--format", "json"]
    } else {
        vec!["check", &case.file_name, "--format", "json"]
    };
    let output = project.run(&args);
    let code = output.status.code();
    if !matches!(code, Some(0) | Some(1)) {
        problems.push(format!(
            "`biblink {}` exited with {code:?} (0 or 1 expected)\n    stderr: {}",
            args.join(" "),
            stderr(&output).trim()
        ));
        return problems;
    }
    let json: Value = match serde_json::from_str(&stdout(&output)) {
        Ok(json) => json,
        Err(error) => {
            problems.push(format!(
                "stdout is not one JSON document ({error}):\n    {}\n    stderr: {}",
                stdout(&output).trim(),
                stderr(&output).trim()
            ));
            return problems;
        }
    };
    let found = match findings_of(&json) {
        Ok(found) => found,
        Err(error) => {
            problems.push(error);
            return problems;
        }
    };
    let settings = settings(case);

    // Positions: within the file, and the file named as on the command line.
    let n_lines = text.lines().count().max(1) as u64;
    for finding in &found {
        if finding.line > n_lines {
            problems.push(format!(
                "finding past the end of the file ({n_lines} lines): {}",
                finding.describe()
            ));
        }
        if finding.file != case.file_name {
            problems.push(format!(
                "finding names file {:?}, not {:?} as given: {}",
                finding.file,
                case.file_name,
                finding.describe()
            ));
        }
        if rank(&finding.severity).is_none() {
            problems.push(format!("unknown severity: {}", finding.describe()));
        }
    }

    // Severity overrides of biblink.toml (by id or name).
    for (rule, level) in &settings.severities {
        for finding in
            found.iter().filter(|f| f.rule.eq_ignore_ascii_case(rule) || f.name == *rule)
        {
            if level == "off" || finding.severity != *level {
                problems.push(format!(
                    "biblink.toml sets {rule} = {level:?}, but: {}",
                    finding.describe()
                ));
            }
        }
    }

    // Summary counts, fail_on and the exit code.
    let count =
        |severity: &str| found.iter().filter(|f| f.severity == severity).count() as u64;
    let summary = &json["summary"];
    for (key, severity) in
        [("errors", "error"), ("warnings", "warning"), ("infos", "info")]
    {
        if summary[key].as_u64() != Some(count(severity)) {
            problems.push(format!(
                "summary.{key} is {}, the findings hold {} of severity {severity}",
                summary[key],
                count(severity)
            ));
        }
    }
    if summary["fail_on"].as_str() != Some(settings.fail_on.as_str()) {
        problems.push(format!(
            "summary.fail_on is {}, expected {:?}",
            summary["fail_on"], settings.fail_on
        ));
    }
    let threshold = rank(&settings.fail_on);
    let should_fail = threshold.is_some_and(|threshold| {
        found.iter().any(|f| rank(&f.severity).is_some_and(|r| r >= threshold))
    });
    if code != Some(i32::from(should_fail)) {
        problems.push(format!(
            "exit code {code:?}, expected {} (fail_on {:?}, severities {:?})",
            i32::from(should_fail),
            settings.fail_on,
            found.iter().map(|f| f.severity.as_str()).collect::<Vec<_>>()
        ));
    }
    if summary["failed"].as_bool() != Some(should_fail) {
        problems.push(format!(
            "summary.failed is {}, expected {should_fail}",
            summary["failed"]
        ));
    }

    // The findings themselves, as a multiset of (line, rule).
    let mut wanted: BTreeMap<(u64, String), Vec<&Expected>> = BTreeMap::new();
    for e in expected {
        wanted.entry((e.line, e.rule.clone())).or_default().push(e);
    }
    let mut unexpected = Vec::new();
    for finding in &found {
        match wanted.get_mut(&(finding.line, finding.rule.clone())) {
            Some(list) if !list.is_empty() => {
                list.pop();
            }
            _ => unexpected.push(finding),
        }
    }
    for ((line, rule), list) in &wanted {
        for e in list {
            let mut message = format!("missing: {line} {rule}");
            if !e.why.is_empty() {
                let _ = write!(message, "  (# {})", e.why);
            }
            let near: Vec<String> = found
                .iter()
                .filter(|f| f.rule == *rule || f.line == *line)
                .map(Finding::describe)
                .collect();
            if !near.is_empty() {
                let _ = write!(
                    message,
                    "\n      found nearby: {}",
                    near.join("\n                    ")
                );
            }
            problems.push(message);
        }
    }
    for finding in unexpected {
        problems.push(format!("unexpected: {}", finding.describe()));
    }
    problems
}

#[test]
fn the_corpus_is_complete_and_covers_every_rule() {
    let (cases, mut problems) = cases();
    let mut counts: BTreeMap<&str, (usize, Vec<String>)> =
        COVERED.iter().chain(COVERED_ONCE).map(|rule| (*rule, (0, Vec::new()))).collect();
    for case in &cases {
        let expected =
            parse_expected(&read(&case.expected), &case.label(), &mut problems);
        for e in &expected {
            if let Some((n, files)) = counts.get_mut(e.rule.as_str()) {
                *n += 1;
                if !files.contains(&case.label()) {
                    files.push(case.label());
                }
            }
        }
    }
    for (dir, _) in FORMATS {
        if !cases.iter().any(|c| c.dir == *dir) {
            problems.push(format!("no case in {dir}/"));
        }
    }
    for (rule, (n, files)) in &counts {
        let wanted = if COVERED_ONCE.contains(rule) { 1 } else { MIN_OCCURRENCES };
        if *n < wanted {
            problems.push(format!(
                "{rule}: {n} expected line(s) in the corpus ({}), at least {wanted} wanted",
                files.join(", ")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the check corpus is incomplete:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_case_gives_exactly_its_expected_findings() {
    let (cases, corpus_problems) = cases();
    assert!(!cases.is_empty(), "no case under {}", corpus_dir().display());
    let mut report = String::new();
    let mut n_failed = 0;
    for problem in &corpus_problems {
        let _ = writeln!(report, "corpus: {problem}");
    }
    for case in &cases {
        let mut problems = Vec::new();
        let expected =
            parse_expected(&read(&case.expected), &case.label(), &mut problems);
        problems.extend(run_case(case, &expected));
        if !problems.is_empty() {
            n_failed += 1;
            let _ = writeln!(report, "\n{}:", case.label());
            for problem in problems {
                let _ = writeln!(report, "  {problem}");
            }
        }
    }
    assert!(
        report.is_empty(),
        "{n_failed} of {} check cases disagree with their .expected:\n{report}",
        cases.len()
    );
}
