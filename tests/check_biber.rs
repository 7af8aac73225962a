//! `biblink check` side by side with `biber --tool --validate-datamodel`
//! (Debian's biber 2.18): whatever biber reports about a broken `.bib`,
//! `biblink check` must report too.
//!
//! Inputs: every `tests/fixtures/check/bib/*.bib` (the deliberately broken
//! fixture corpus) and the broken files in [`OWN_CASES`]. Each is copied into a
//! temporary directory, where biber and `biblink check FILE --format json` run.
//!
//! biber's `WARN - ` / `ERROR - ` lines are parsed into (entry key, kind,
//! field) by [`classify`] and each kind is mapped to the biblink rules that
//! must cover it:
//! - an entry-level kind is covered by a finding of a mapped rule for the same
//!   key (or, for a finding without a key, one inside that entry's lines); when
//!   biber names a field that occurs on exactly one line of the entry, the
//!   finding must be on that line;
//! - a syntax-level kind (biber's `BibTeX subsystem`, unreadable encodings,
//!   entries without a key) is covered by a finding of a mapped rule anywhere in
//!   the file; biber's generic parse errors (syntax error, runaway string, junk)
//!   are also accepted as covered by any finding of the file, and are counted
//!   apart in the summary ("fallback").
//!
//! Messages that are not about the data (see [`ALLOWED`]) are listed with the
//! reason; any other message that [`classify`] does not recognise counts as
//! uncovered, so that a new biber text gets a mapping rather than slipping by.
//!
//! A missing biber fails the test (`apt-get install -y biber`); it never skips.
//! `cargo test --test check_biber -- --nocapture` prints the coverage table.

#[path = "common/biber.rs"]
mod biber;
mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use biber::biber;
use common::{Project, biblink, repo, stderr, stdout};
use regex::Regex;
use serde_json::Value as Json;

/// Broken files of our own, each small and about one kind of problem (biber
/// stops at the first syntax error, so those get a file each).
const OWN_CASES: &[(&str, &str)] = &[
    (
        "own_duplicate_keys.bib",
        "@article{dup,\n  author = {Smith, John},\n  title = {A Title},\n  journaltitle = {J},\n  date = {2020},\n}\n\
         @article{dup,\n  author = {Lee, Kim},\n  title = {B Title},\n  journaltitle = {J},\n  date = {2021},\n}\n\
         @article{Dup,\n  author = {Lee, Kim},\n  title = {C Title},\n  journaltitle = {J},\n  date = {2022},\n}\n",
    ),
    (
        "own_dates.bib",
        "@misc{baddate,\n  title = {T},\n  date = {2020-13-45},\n  urldate = {yesterday},\n  eventdate = {2020-02-30},\n  origdate = {2019-02-29},\n}\n\
         @misc{badend,\n  title = {T},\n  date = {2020-01-01/2020-13-01},\n}\n\
         @book{badyear,\n  author = {Smith, John},\n  title = {T},\n  year = {circa 1990},\n}\n\
         @misc{badmonth,\n  title = {T},\n  year = {2020},\n  month = {June},\n}\n\
         @misc{yearclash,\n  title = {T},\n  date = {2020-05},\n  year = {2019},\n}\n\
         @misc{monthclash,\n  title = {T},\n  date = {2020-05},\n  month = {6},\n}\n\
         @misc{bracedmonth,\n  title = {T},\n  year = {2020},\n  month = {jan},\n}\n\
         @misc{shortparts,\n  title = {T},\n  date = {2020-1-5},\n}\n\
         @misc{dayzero,\n  title = {T},\n  date = {2020-05-00},\n}\n\
         @misc{usdate,\n  title = {T},\n  date = {05/2020},\n  urldate = {2020-02-31},\n}\n",
    ),
    (
        "own_identifiers.bib",
        "@book{isbnsum,\n  author = {Smith, John},\n  title = {T},\n  date = {2020},\n  isbn = {978-3-16-148410-1},\n}\n\
         @book{isbnshort,\n  author = {Smith, John},\n  title = {T},\n  date = {2020},\n  isbn = {12345},\n}\n\
         @article{issnbad,\n  author = {Smith, John},\n  title = {T},\n  journaltitle = {J},\n  date = {2020},\n  issn = {1234-5678},\n}\n",
    ),
    (
        "own_model.bib",
        "@article{unknownfield,\n  author = {Smith, John},\n  title = {T},\n  journaltitle = {J},\n  date = {2020},\n  foo = {bar},\n  Colour = {red},\n}\n\
         @book{notfortype,\n  author = {Smith, John},\n  title = {T},\n  date = {2020},\n  journaltitle = {J},\n  issn = {0378-5955},\n}\n\
         @inproceedings{aliasnotfortype,\n  author = {Smith, John},\n  title = {T},\n  booktitle = {B},\n  date = {2020},\n  school = {S},\n  journal = {J},\n}\n\
         @report{missing,\n  title = {T},\n}\n\
         @conference{missingalias,\n  author = {Smith, John},\n  title = {T},\n  date = {2020},\n}\n\
         @article{emptytitle,\n  author = {Smith, John},\n  title = {},\n  journaltitle = {J},\n  date = {2020},\n}\n\
         @whatever{unknowntype,\n  author = {Smith, John},\n  title = {T},\n  date = {2020},\n}\n\
         @book{values,\n  author = {Smith, John},\n  title = {T},\n  date = {2020},\n  volume = {II},\n  volumes = {3-4},\n  sortyear = {abc},\n  gender = {xx},\n}\n",
    ),
    (
        "own_names.bib",
        "@misc{emptyname,\n  author = {Smith, John and and Lee, Kim},\n  title = {T},\n  date = {2020},\n}\n\
         @misc{commas,\n  author = {Smith, Jr, John, Foo},\n  title = {T},\n  date = {2020},\n}\n\
         @misc{fine,\n  author = {Smith, John},\n  title = {T},\n  date = {2020},\n}\n",
    ),
    (
        "own_references.bib",
        "@misc{crossrefmissing,\n  title = {T},\n  date = {2020},\n  crossref = {nothere},\n}\n\
         @misc{xrefmissing,\n  title = {T},\n  date = {2020},\n  xref = {nothere},\n}\n",
    ),
    (
        "own_pages.bib",
        "@article{pagesdash,\n  author = {Smith, John},\n  title = {T},\n  journaltitle = {J},\n  date = {2020},\n  pages = {--},\n}\n",
    ),
    (
        "own_undefined_macro.bib",
        "@misc{macro,\n  title = {T},\n  date = {2020},\n  note = undefinedmacro,\n}\n",
    ),
    (
        "own_unclosed.bib",
        "@misc{first,\n  title = {T},\n  date = {2020},\n}\n@misc{unclosed,\n  title = {T\n  date = {2020},\n}\n\
         @misc{after,\n  title = {T},\n  date = {2020},\n}\n",
    ),
    ("own_missing_comma.bib", "@misc{nocomma\n  title = {T},\n  date = {2020},\n}\n"),
    ("own_missing_key.bib", "@misc{,\n  title = {T},\n  date = {2020},\n}\n"),
    ("own_missing_equals.bib", "@misc{noequals,\n  title {T},\n  date = {2020},\n}\n"),
    ("own_missing_value.bib", "@misc{novalue,\n  title = ,\n  date = {2020},\n}\n"),
    (
        "own_stray_brace.bib",
        "@misc{stray,\n  title = {T},\n  date = {2020},\n}}\n@misc{next,\n  title = {T},\n  date = {2020},\n}\n",
    ),
    (
        "own_truncated.bib",
        "@misc{whole,\n  title = {T},\n  date = {2020},\n}\n@misc{cut,\n  title = {T},\n  date = {20",
    ),
    (
        "own_bad_field_name.bib",
        "@misc{digitfield,\n  title = {T},\n  date = {2020},\n  2bad = {x},\n}\n",
    ),
];

/// Bytes that are not UTF-8 (Latin-1): biber refuses the file.
const OWN_LATIN1: (&str, &[u8]) = (
    "own_latin1.bib",
    b"@misc{latin,\n  title = {Caf\xe9 Culture},\n  date = {2020},\n}\n",
);

/// biber messages that are not about the data model, with the reason.
const ALLOWED: &[(&str, &str)] = &[
    (
        r"^Data source '.*' is empty, ignoring$",
        "an empty file has no entry to validate; how biblink reports an empty file is tested in check_bad_input",
    ),
    (
        r"^Data source '.*' contains no BibTeX entries/macros, ignoring$",
        "a file without entries (only comments) has nothing for the data model; tested in check_bad_input",
    ),
    (
        r"^legacy year field '-[0-9]+' in entry '.*' is not an integer - this will probably not sort properly\.$",
        "a negative year (-44 for 44 BC) is an integer, accepted by the contract's MODEL005 and by \
         biber's own data-model check (no 'must be datatype' warning follows); this is biber's \
         sorting notice, whose number test rejects the minus sign",
    ),
    (
        r"^Datamodel: Entry '.*' \(.*\): Field 'hyphenation' invalid in data model - ignoring$",
        "not an error for biblatex: its driver maps the legacy 'hyphenation' to 'langid' \
         (biblatex.def's sourcemap, which the contract follows); biber-tool.conf, used by \
         --tool, maps every other alias (journal, school, address, ...) but not this one",
    ),
];

/// Where a biber finding must be matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// A finding of a mapped rule for the same entry.
    Entry,
    /// A finding of a mapped rule anywhere in the file.
    File,
    /// Like `File`, or else any finding of the file (biber's generic parse errors).
    FileOrAny,
}

/// One WARN/ERROR line of biber, classified.
#[derive(Debug, Clone)]
struct BiberFinding {
    file: String,
    line: String,
    kind: &'static str,
    /// The entry it is about (none for file-level kinds).
    keys: Vec<String>,
    field: Option<String>,
    /// Whether the finding must sit on the line of `field`.
    field_line: bool,
    rules: &'static [&'static str],
    scope: Scope,
}

enum Classified {
    Finding(BiberFinding),
    Allowed(&'static str),
}

/// biblatex's field aliases (datamodel.json `field_aliases`), target → source names.
fn source_names(field: &str) -> Vec<String> {
    let aliases: &[(&str, &str)] = &[
        ("address", "location"),
        ("annote", "annotation"),
        ("archiveprefix", "eprinttype"),
        ("journal", "journaltitle"),
        ("key", "sortkey"),
        ("pdf", "file"),
        ("primaryclass", "eprintclass"),
        ("school", "institution"),
        ("hyphenation", "langid"),
    ];
    let mut names = vec![field.to_lowercase()];
    names.extend(
        aliases
            .iter()
            .filter(|(_, target)| *target == field)
            .map(|(alias, _)| alias.to_string()),
    );
    names
}

/// One kind of biber message: the pattern of its text and the rules that
/// cover it.
struct MessageKind {
    /// An anchored regex; its named groups `key` (the entry) and `field`
    /// fill in the finding.
    pattern: &'static str,
    kind: &'static str,
    rules: &'static [&'static str],
    scope: Scope,
    /// The field when the kind names it rather than the text.
    field: Option<&'static str>,
    /// Whether the finding must sit on the line of the field.
    field_line: bool,
}

const fn entry(
    pattern: &'static str,
    kind: &'static str,
    rules: &'static [&'static str],
) -> MessageKind {
    MessageKind {
        pattern,
        kind,
        rules,
        scope: Scope::Entry,
        field: None,
        field_line: false,
    }
}

const fn whole_file(
    pattern: &'static str,
    kind: &'static str,
    rules: &'static [&'static str],
) -> MessageKind {
    MessageKind { scope: Scope::File, ..entry(pattern, kind, rules) }
}

const fn on_field_line(row: MessageKind) -> MessageKind {
    MessageKind { field_line: true, ..row }
}

/// biber's data-model validation: `Datamodel: Entry 'k' (file): ...`; the
/// kinds of [`DATAMODEL_KINDS`] are matched against the text after the prefix.
const DATAMODEL: &str = r"^Datamodel: Entry '(.*?)' \((.*?)\): (.*)$";

/// The kinds of data-model messages, first match wins; the key is the prefix's.
const DATAMODEL_KINDS: &[MessageKind] = &[
    // biber drops an invalid date before this check, then misses it.
    entry(
        r"^Missing mandatory field - one of '(?P<field>(?:.*, )?(?:date|year|month|day|endyear|endmonth|endday)(?:, .*)?)' must be defined$",
        "missing-field",
        &["MODEL001", "MODEL005"],
    ),
    entry(
        r"^Missing mandatory field - one of '(?P<field>.*)' must be defined$",
        "missing-field",
        &["MODEL001"],
    ),
    // biber drops a field whose value is an undefined macro, then misses it.
    entry(
        r"^Missing mandatory field '(?P<field>.*)'$",
        "missing-field",
        &["MODEL001", "BIB004"],
    ),
    entry(
        r"^Mandatory fields - only one of '.*' must be defined - ignoring field '(?P<field>.*)'$",
        "date-and-year",
        &["MODEL005"],
    ),
    entry(r"^Constraint violation - ", "constraint-violation", &["MODEL001", "MODEL004"]),
    on_field_line(entry(
        r"^Invalid ISBN in value of field '(?P<field>.*)'$",
        "invalid-isbn",
        &["ID002"],
    )),
    on_field_line(entry(
        r"^Invalid ISSN in value of field '(?P<field>.*)'$",
        "invalid-issn",
        &["ID003"],
    )),
    // No rule checks ISMNs (see the report of issue 6): always uncovered.
    on_field_line(entry(
        r"^Invalid ISMN in value of field '(?P<field>.*)'$",
        "invalid-ismn",
        &[],
    )),
    on_field_line(entry(
        r"^Invalid value of field '(?P<field>date|year|month|day|endyear|endmonth|endday)' must be '[<>]=.*' - ignoring field$",
        "value-out-of-range",
        &["MODEL005"],
    )),
    on_field_line(entry(
        r"^Invalid value of field '(?P<field>.*)' must be '[<>]=.*' - ignoring field$",
        "value-out-of-range",
        &["MODEL006"],
    )),
    on_field_line(entry(
        r"^Invalid value of field '(?P<field>.*)' must be datatype 'datepart'",
        "not-a-datepart",
        &["MODEL005"],
    )),
    on_field_line(entry(
        r"^Invalid value of field '(?P<field>.*)' must be datatype '.*'",
        "wrong-datatype",
        &["MODEL006"],
    )),
    on_field_line(entry(
        r"^Invalid value \(pattern match fails\) for field '(?P<field>.*)'$",
        "pattern-mismatch",
        &["MODEL006"],
    )),
    on_field_line(entry(
        r"^Field '(?P<field>.*)' invalid in data model - ignoring$",
        "unknown-field",
        &["MODEL003"],
    )),
    on_field_line(entry(
        r"^Invalid field '(?P<field>.*)' for entrytype '.*'$",
        "field-not-for-type",
        &["MODEL004"],
    )),
    entry(
        r"^Invalid entry type '.*' - defaulting to 'misc'$",
        "unknown-entry-type",
        &["MODEL002"],
    ),
    entry("", "unrecognised", &[]),
];

/// The kinds of the other messages, first match wins.
const KINDS: &[MessageKind] = &[
    entry(
        r"^Duplicate entry key: '(?P<key>.*)' in file '.*'",
        "duplicate-key",
        &["BIB003"],
    ),
    // The first key is the later entry's, where BIB003 points.
    entry(
        r"^Possible typo \(case mismatch\) between datasource keys: '(?P<key>.*)' and '.*' in file",
        "key-case-mismatch",
        &["BIB003"],
    ),
    on_field_line(entry(
        r"^Entry '(?P<key>.*)' \(.*\): Invalid format '.*' of (?:end )?date field '(?P<field>.*)' - ignoring$",
        "invalid-date",
        &["MODEL005"],
    )),
    on_field_line(entry(
        r"^legacy (?P<field>year|month) field '.*' in entry '(?P<key>.*)' is not an integer",
        "legacy-date-part",
        &["MODEL005"],
    )),
    // biblink may point at `date` or at `year`/`month`: the key is enough.
    entry(
        r"^Overwriting field '(?P<field>year|month)' with (?:year|month) value from field 'date' for entry '(?P<key>.*)'$",
        "date-part-clash",
        &["MODEL005"],
    ),
    on_field_line(MessageKind {
        field: Some("isbn"),
        ..entry(
            r"^ISBN '.*' in entry '(?P<key>.*)' is invalid",
            "invalid-isbn",
            &["ID002"],
        )
    }),
    entry(r"^Name in key '(?P<key>.*)' is empty", "empty-name", &["MODEL008"]),
    entry(
        r#"^Name ".*" has too many commas, skipping entry '(?P<key>.*)'$"#,
        "name-too-many-commas",
        &["MODEL008"],
    ),
    entry(
        r#"^Name ".*" is malformed \(consecutive commas\): skipping entry '(?P<key>.*)'$"#,
        "name-consecutive-commas",
        &["MODEL008"],
    ),
    entry(
        r"^I didn't find a database entry for (?:crossref|xref|xdata entry|related entry) '.*' in entry '(?P<key>.*)' - ignoring",
        "missing-reference-target",
        &["MODEL010"],
    ),
    on_field_line(entry(
        r"^Range field '(?P<field>.*)' in entry '(?P<key>.*)' is malformed",
        "malformed-range",
        &["MODEL007"],
    )),
    // `ids` aliases are citation keys too: one key for two entries.
    whole_file(
        r"^(?:Citekey alias '.*' is also a real entry key|BAD RECURSION! Entry alias '.*' is identical to the entry key|Entry alias '.*' (?:is also a real entry key|already has an alias))",
        "alias-key-clash",
        &["BIB003"],
    ),
    whole_file(
        r"^Invalid or undefined BibTeX entry key in file",
        "entry-without-key",
        &["BIB001"],
    ),
    whole_file(
        r"^Entry \S+ does not parse correctly$",
        "entry-does-not-parse",
        &["BIB001"],
    ),
    whole_file(r"^Data file '.*' cannot be read in encoding", "not-utf8", &["ENC001"]),
    whole_file(r"^BibTeX subsystem: .*undefined macro", "undefined-macro", &["BIB004"]),
    whole_file(r"^BibTeX subsystem: .*empty substring", "empty-name-part", &["MODEL008"]),
    MessageKind {
        scope: Scope::FileOrAny,
        ..whole_file(
            r"^BibTeX subsystem: ",
            "parse-error",
            &["BIB001", "BIB006", "BIB004"],
        )
    },
    whole_file("", "unrecognised", &[]),
];

/// The rules that cover one biber message, its kind, key(s) and field.
fn classify(file: &str, level: &str, text: &str) -> Classified {
    for (pattern, reason) in ALLOWED {
        if Regex::new(pattern).expect("regex").is_match(text) {
            return Classified::Allowed(reason);
        }
    }
    let datamodel = Regex::new(DATAMODEL).expect("regex").captures(text);
    let (kinds, rest, prefix_key) = match &datamodel {
        Some(c) => (DATAMODEL_KINDS, c.get(3).map_or("", |m| m.as_str()), c.get(1)),
        None => (KINDS, text, None),
    };
    let (row, c) = kinds
        .iter()
        .find_map(|row| {
            Regex::new(row.pattern).expect("regex").captures(rest).map(|c| (row, c))
        })
        .expect("the last kind matches every text");
    let key = prefix_key.or_else(|| c.name("key"));
    let field = row.field.or_else(|| c.name("field").map(|m| m.as_str()));
    Classified::Finding(BiberFinding {
        file: file.to_string(),
        line: format!("{level} - {text}"),
        kind: row.kind,
        keys: key.map(|m| m.as_str().to_string()).into_iter().collect(),
        field: field.map(str::to_string),
        field_line: row.field_line,
        rules: row.rules,
        scope: row.scope,
    })
}

/// What `biber --tool --validate-datamodel` says about `name` in `dir`.
fn run_biber(dir: &Path, name: &str) -> Vec<(String, String)> {
    let out = dir.join("out.bib");
    let args = ["--validate-datamodel", "--output-file"].map(OsStr::new);
    let log = biber(dir, args.into_iter().chain([out.as_os_str(), OsStr::new(name)]));
    assert!(
        log.text.contains(&format!("Looking for bibtex file '{name}'")),
        "biber did not run on {name} ({}):\n{}",
        log.status,
        log.text
    );
    log.messages()
        .into_iter()
        .map(|(level, text)| (level.to_string(), text.to_string()))
        .collect()
}

/// One finding of `biblink check --format json`.
#[derive(Debug, Clone)]
struct Finding {
    rule: String,
    key: Option<String>,
    line: u64,
    message: String,
}

fn run_biblink(dir: &Path, name: &str) -> Result<Vec<Finding>, String> {
    let output = biblink(dir)
        .args(["check", name, "--format", "json"])
        .output()
        .expect("run biblink");
    let err = stderr(&output);
    if err.contains("panicked") || !matches!(output.status.code(), Some(0 | 1)) {
        return Err(format!(
            "biblink check {name} --format json: {:?}\n{err}",
            output.status
        ));
    }
    let json: Json = serde_json::from_str(&stdout(&output)).map_err(|error| {
        format!("biblink check {name}: not JSON ({error}):\n{}", stdout(&output))
    })?;
    let findings = json["findings"]
        .as_array()
        .ok_or_else(|| format!("biblink check {name}: no findings array: {json:#}"))?;
    Ok(findings
        .iter()
        .map(|f| Finding {
            rule: f["rule"].as_str().unwrap_or_default().to_string(),
            key: f["key"].as_str().map(str::to_string),
            line: f["line"].as_u64().unwrap_or(0),
            message: f["message"].as_str().unwrap_or_default().to_string(),
        })
        .collect())
}

/// The lines (1-based, inclusive) of each entry of a `.bib` source, by key.
fn entry_spans(source: &str) -> BTreeMap<String, Vec<(u64, u64)>> {
    let start = Regex::new(r"^\s*@\s*[A-Za-z]+\s*[{(]\s*([^,\s{}()]*)").expect("regex");
    let lines: Vec<&str> = source.lines().collect();
    let starts: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| start.captures(line).map(|c| (i, c[1].to_string())))
        .collect();
    let mut spans: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
    for (n, (i, key)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(lines.len(), |(next, _)| *next);
        spans
            .entry(key.clone())
            .or_default()
            .push((*i as u64 + 1, end.max(i + 1) as u64));
    }
    spans
}

/// The line of `field` (or one of its aliases) in the entry `key`, when exactly one.
fn field_line(
    source: &str,
    spans: &BTreeMap<String, Vec<(u64, u64)>>,
    key: &str,
    field: &str,
) -> Option<u64> {
    let lines: Vec<&str> = source.lines().collect();
    let names = source_names(field)
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|");
    let pattern =
        Regex::new(&format!(r"(?i)(?:^|[\s,{{(])(?:{names})\s*=")).expect("regex");
    let mut found = Vec::new();
    for (first, last) in spans.get(key)? {
        for n in *first..=*last {
            if lines.get(n as usize - 1).is_some_and(|line| pattern.is_match(line)) {
                found.push(n);
            }
        }
    }
    (found.len() == 1).then(|| found[0])
}

/// How a biber finding was covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    Mapped,
    Fallback,
    Uncovered,
}

fn coverage(b: &BiberFinding, source: &str, findings: &[Finding]) -> Coverage {
    if b.rules.is_empty() {
        return Coverage::Uncovered;
    }
    let spans = entry_spans(source);
    let mapped = |f: &&Finding| b.rules.contains(&f.rule.as_str());
    match b.scope {
        Scope::File => {
            if findings.iter().any(|f| mapped(&f)) {
                Coverage::Mapped
            } else {
                Coverage::Uncovered
            }
        }
        Scope::FileOrAny => {
            if findings.iter().any(|f| mapped(&f)) {
                Coverage::Mapped
            } else if !findings.is_empty() {
                Coverage::Fallback
            } else {
                Coverage::Uncovered
            }
        }
        Scope::Entry => {
            let in_entry = |f: &Finding| match &f.key {
                Some(key) => b.keys.iter().any(|k| k == key),
                None => b.keys.iter().any(|k| {
                    spans.get(k).is_some_and(|s| {
                        s.iter().any(|(a, z)| (*a..=*z).contains(&f.line))
                    })
                }),
            };
            let line = match (&b.field, b.field_line) {
                (Some(field), true) => {
                    b.keys.first().and_then(|k| field_line(source, &spans, k, field))
                }
                _ => None,
            };
            let covered = findings
                .iter()
                .filter(mapped)
                .any(|f| in_entry(f) && line.is_none_or(|line| f.line == line));
            if covered { Coverage::Mapped } else { Coverage::Uncovered }
        }
    }
}

/// The fixture corpus (deliberately broken files).
fn fixture_files() -> Vec<PathBuf> {
    let dir = repo().join("tests/fixtures/check/bib");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| {
            panic!("{}: {error} (the check fixture corpus is missing)", dir.display())
        })
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "bib"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .bib file in {}", dir.display());
    files
}

#[test]
fn biblink_check_covers_every_biber_datamodel_finding() {
    let project = Project::new();
    let mut inputs: Vec<(String, Vec<u8>)> = fixture_files()
        .iter()
        .map(|path| {
            let name =
                format!("fixture_{}", path.file_name().expect("name").to_string_lossy());
            (name, std::fs::read(path).expect("fixture readable"))
        })
        .collect();
    inputs.extend(
        OWN_CASES.iter().map(|(name, text)| (name.to_string(), text.as_bytes().to_vec())),
    );
    inputs.push((OWN_LATIN1.0.to_string(), OWN_LATIN1.1.to_vec()));

    // kind -> (findings, mapped, fallback)
    let mut table: BTreeMap<&'static str, (usize, usize, usize)> = BTreeMap::new();
    let mut allowed: Vec<(String, String, &'static str)> = Vec::new();
    let mut uncovered: Vec<String> = Vec::new();
    let mut fallback: Vec<String> = Vec::new();
    let mut biblink_failures: Vec<String> = Vec::new();
    let mut total = 0;
    for (name, bytes) in &inputs {
        // Each file alone in its directory: biber writes beside it.
        let dir = project.path().join(name.trim_end_matches(".bib"));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join(name), bytes).expect("write input");
        let source = String::from_utf8_lossy(bytes).into_owned();
        let messages = run_biber(&dir, name);
        let findings = match run_biblink(&dir, name) {
            Ok(findings) => findings,
            Err(error) => {
                biblink_failures.push(error);
                Vec::new()
            }
        };
        for (level, text) in messages {
            match classify(name, &level, &text) {
                Classified::Allowed(reason) => {
                    allowed.push((name.clone(), format!("{level} - {text}"), reason))
                }
                Classified::Finding(b) => {
                    total += 1;
                    let row = table.entry(b.kind).or_default();
                    row.0 += 1;
                    match coverage(&b, &source, &findings) {
                        Coverage::Mapped => row.1 += 1,
                        Coverage::Fallback => {
                            row.2 += 1;
                            fallback.push(format!("{}: {}", b.file, b.line));
                        }
                        Coverage::Uncovered => {
                            let related: Vec<String> = findings
                                .iter()
                                .filter(|f| {
                                    b.keys.is_empty()
                                        || f.key
                                            .as_ref()
                                            .is_some_and(|k| b.keys.contains(k))
                                })
                                .map(|f| {
                                    format!(
                                        "{} line {} key {:?}: {}",
                                        f.rule, f.line, f.key, f.message
                                    )
                                })
                                .collect();
                            let where_ = match (&b.field, b.field_line, b.keys.first()) {
                                (Some(field), true, Some(key)) => {
                                    field_line(&source, &entry_spans(&source), key, field)
                                        .map(|l| format!(" on line {l}"))
                                        .unwrap_or_default()
                                }
                                _ => String::new(),
                            };
                            uncovered.push(format!(
                                "{}: {}\n    kind {} keys {:?} field {:?}: expected one of {:?}{}\n    biblink said: {:#?}",
                                b.file, b.line, b.kind, b.keys, b.field, b.rules, where_, related
                            ));
                        }
                    }
                }
            }
        }
    }

    println!(
        "\nbiber --validate-datamodel vs biblink check: {} files, {total} biber findings",
        inputs.len()
    );
    println!(
        "{:<26} {:>7} {:>8} {:>9} {:>10}",
        "kind", "biber", "covered", "fallback", "uncovered"
    );
    let (mut sum_mapped, mut sum_fallback) = (0, 0);
    for (kind, (n, mapped, fallback)) in &table {
        println!(
            "{kind:<26} {n:>7} {mapped:>8} {fallback:>9} {:>10}",
            n - mapped - fallback
        );
        sum_mapped += mapped;
        sum_fallback += fallback;
    }
    println!(
        "{:<26} {total:>7} {sum_mapped:>8} {sum_fallback:>9} {:>10}",
        "total",
        total - sum_mapped - sum_fallback
    );
    for line in &fallback {
        println!("covered only by another finding of the file: {line}");
    }
    for (file, line, reason) in &allowed {
        println!("allowed: {file}: {line} ({reason})");
    }
    assert!(
        total >= 40,
        "the inputs gave only {total} biber findings: is biber validating?"
    );
    assert!(
        biblink_failures.is_empty(),
        "biblink check failed:\n{}",
        biblink_failures.join("\n")
    );
    assert!(
        uncovered.is_empty(),
        "{} of {total} biber findings are not covered by biblink check:\n{}",
        uncovered.len(),
        uncovered.join("\n")
    );
}

/// The classifier knows the biber 2.18 texts listed in the issue.
#[test]
fn classify_knows_the_biber_texts() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("WARN", "Duplicate entry key: 'k' in file 'f.bib', skipping ...", &["BIB003"]),
        (
            "WARN",
            "Entry 'k' (f.bib): Invalid format '2020-13' of date field 'date' - ignoring",
            &["MODEL005"],
        ),
        (
            "WARN",
            "Entry 'k' (f.bib): Invalid format 'x' of end date field 'date' - ignoring",
            &["MODEL005"],
        ),
        (
            "WARN",
            "legacy year field 'x' in entry 'k' is not an integer - this will probably not sort properly.",
            &["MODEL005"],
        ),
        (
            "WARN",
            "Datamodel: Entry 'k' (f.bib): Invalid value of field 'year' must be datatype 'datepart' - ignoring field",
            &["MODEL005"],
        ),
        (
            "WARN",
            "ISBN '1' in entry 'k' is invalid - run biber with '--validate_datamodel' for details.",
            &["ID002"],
        ),
        (
            "WARN",
            "Datamodel: Entry 'k' (f.bib): Invalid ISBN in value of field 'isbn'",
            &["ID002"],
        ),
        (
            "WARN",
            "Datamodel: Entry 'k' (f.bib): Invalid ISSN in value of field 'issn'",
            &["ID003"],
        ),
        (
            "WARN",
            "Datamodel: Entry 'k' (f.bib): Field 'foo' invalid in data model - ignoring",
            &["MODEL003"],
        ),
        (
            "WARN",
            "Datamodel: Entry 'k' (f.bib): Invalid field 'issn' for entrytype 'book'",
            &["MODEL004"],
        ),
        (
            "WARN",
            "Datamodel: Entry 'k' (f.bib): Missing mandatory field 'author'",
            &["MODEL001", "BIB004"],
        ),
        (
            "WARN",
            "Datamodel: Entry 'k' (f.bib): Missing mandatory field - one of 'date, year' must be defined",
            &["MODEL001", "MODEL005"],
        ),
        (
            "WARN",
            "Datamodel: Entry 'k' (f.bib): Invalid value of field 'volume' must be datatype 'integer' - ignoring field",
            &["MODEL006"],
        ),
        (
            "WARN",
            "Datamodel: Entry 'k' (f.bib): Invalid value (pattern match fails) for field 'gender'",
            &["MODEL006"],
        ),
        (
            "WARN",
            "Datamodel: Entry 'k' (f.bib): Invalid entry type 'weird' - defaulting to 'misc'",
            &["MODEL002"],
        ),
        (
            "WARN",
            "Name in key 'k' is empty (probably consecutive 'and'): skipping entry 'k'",
            &["MODEL008"],
        ),
        (
            "ERROR",
            "Name \"A, B, C, D\" has too many commas, skipping entry 'k'",
            &["MODEL008"],
        ),
        (
            "WARN",
            "BibTeX subsystem: /tmp/x.utf8, line 1, warning: undefined macro \"T\"",
            &["BIB004"],
        ),
        (
            "ERROR",
            "BibTeX subsystem: /tmp/x.utf8, line 2, syntax error: found \"title\", expected \",\"",
            &["BIB001", "BIB006", "BIB004"],
        ),
        (
            "WARN",
            "I didn't find a database entry for crossref 'x' in entry 'k' - ignoring (section 99999)",
            &["MODEL010"],
        ),
        (
            "WARN",
            "Range field 'pages' in entry 'k' is malformed, falling back to literal",
            &["MODEL007"],
        ),
        (
            "ERROR",
            "Data file 'f.bib' cannot be read in encoding 'UTF-8': UTF-8 \"\\xE9\" does not map to Unicode",
            &["ENC001"],
        ),
    ];
    for (level, text, rules) in cases {
        match classify("f.bib", level, text) {
            Classified::Finding(b) => {
                assert_eq!(b.rules, *rules, "{text}");
                assert_ne!(b.kind, "unrecognised", "{text}");
            }
            Classified::Allowed(_) => panic!("{text} is not to be allowed"),
        }
    }
    assert!(matches!(
        classify("f.bib", "WARN", "Data source 'f.bib' is empty, ignoring"),
        Classified::Allowed(_)
    ));
    match classify("f.bib", "WARN", "Something biber never said") {
        Classified::Finding(b) => assert!(b.rules.is_empty() && b.kind == "unrecognised"),
        Classified::Allowed(_) => panic!("unknown texts are not allowed"),
    }
}
