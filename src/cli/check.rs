//! `biblink check`: validate bibliographies, papers and the store, for CI.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
use biblink::check::papers::check_paper;
use biblink::check::sync::check_sync;
use biblink::check::{self, Finding, Options, RULES, Settings};
use biblink::diag::{Position, Severity};
use biblink::doi::Doi;
use biblink::doi::http::{Client, FetchError};
use biblink::doi::map;
use biblink::doi::merge::merge;
use biblink::ingest::{Format, Ingested, ingest_as};
use biblink::store::{self, Store};
use serde_json::{Value as Json, json};

use super::args::{CheckFormat, FailOn};
use super::{Context, ExitCode};

/// Options of `biblink check`.
pub struct CheckArgs<'a> {
    pub paths: &'a [PathBuf],
    pub papers: &'a [PathBuf],
    pub format: Option<CheckFormat>,
    pub fail_on: Option<FailOn>,
    pub online: bool,
    pub offline: bool,
    pub refresh: bool,
    pub list_rules: bool,
}

/// What is checked.
enum Target {
    /// A `.bib`, RIS, CSL-JSON, EndNote XML or JATS file (`is_store`: the
    /// store's own `.bib`).
    Bibliography { path: PathBuf, format: Format, is_store: bool },
    /// A paper, against the store.
    Paper(PathBuf),
    /// Whether a store is what its sources build.
    Sync { store_dir: PathBuf, project: bool },
}

/// Everything found, with what was read.
#[derive(Default)]
struct Report {
    findings: Vec<Finding>,
    files: usize,
    entries: usize,
    /// File texts, for the source lines under text findings.
    texts: HashMap<String, String>,
    /// For each store `.bib` checked, the line of each key's entry (SYNC
    /// findings point there without reading the file again).
    store_lines: HashMap<String, HashMap<String, u32>>,
}

pub fn run(context: &Context, args: &CheckArgs) -> Result<ExitCode, String> {
    if args.list_rules {
        return Ok(list_rules(context));
    }
    let settings = Settings::new(&context.config.check)?;
    let fail_on = match args.fail_on {
        Some(level) => level,
        None => match context.config.check.fail_on.as_deref() {
            None | Some("error") => FailOn::Error,
            Some("warning") => FailOn::Warning,
            Some("info") => FailOn::Info,
            Some("never") => FailOn::Never,
            Some(other) => {
                return Err(format!(
                    "biblink.toml: [check] fail_on = '{other}' is not error, warning, info or never"
                ));
            }
        },
    };
    let format = args.format.unwrap_or(if context.json {
        CheckFormat::Json
    } else {
        CheckFormat::Text
    });
    let targets = targets(context, args)?;
    let mut report = Report::default();
    let mut store_cache: Option<Store> = None;
    let mut dois: Vec<DoiToCheck> = Vec::new();
    for target in &targets {
        match target {
            Target::Bibliography { path, format, is_store } => check_bibliography(
                context,
                path,
                *format,
                *is_store,
                args.online,
                &mut report,
                &mut dois,
            )?,
            Target::Paper(path) => {
                if store_cache.is_none() {
                    store_cache = Some(project_store(context)?);
                }
                let store = store_cache.as_ref().expect("set above");
                let (name, text) = read_text(context, path)?;
                let checked = check_paper(&text, &name, store);
                report.files += 1;
                report.findings.extend(checked.findings);
                report.texts.insert(name, text);
            }
            Target::Sync { store_dir, project } => {
                let findings =
                    sync_findings(context, store_dir, *project, &report.store_lines)?;
                report.findings.extend(findings);
            }
        }
    }
    if args.online {
        report.findings.extend(online_findings(context, args, &dois)?);
    }
    settings.apply(&mut report.findings);
    check::sort(&mut report.findings);
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed =
        threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    match format {
        CheckFormat::Text => print_text(context, &report, failed, fail_on),
        CheckFormat::Json => print_json_report(&report, failed, fail_on),
        CheckFormat::Github => print_github(&report, failed),
        CheckFormat::Sarif => super::output::print_json(&sarif(&report)),
    }
    Ok(if failed { ExitCode::Findings } else { ExitCode::Success })
}

/// The targets the command line names, or the project's.
fn targets(context: &Context, args: &CheckArgs) -> Result<Vec<Target>, String> {
    let mut targets = Vec::new();
    if args.paths.is_empty() && args.papers.is_empty() {
        // The project: the store, every configured source, and the two agreeing.
        let store_bib = context.store_dir.join(store::BIB_FILE);
        if store_bib.exists() {
            targets.push(Target::Bibliography {
                path: store_bib,
                format: Format::Bib,
                is_store: true,
            });
        }
        for path in project_sources(context)? {
            if let Some(target) = classify(context, &path, false)? {
                targets.push(target);
            }
        }
        if context.store_dir.join(store::BIB_FILE).exists() {
            targets.push(Target::Sync {
                store_dir: context.store_dir.clone(),
                project: true,
            });
        }
        if targets.is_empty() {
            return Err(format!(
                "nothing to check: no store in {} and no sources (see biblink.toml)",
                context.display_path(&context.store_dir)
            ));
        }
        return Ok(targets);
    }
    for path in args.paths {
        let absolute = absolute(context, path);
        let name = context.display_path(&absolute);
        let metadata = std::fs::metadata(&absolute)
            .map_err(|error| format!("{name}: cannot read: {error}"))?;
        if metadata.is_dir() {
            if absolute.join(store::BIB_FILE).is_file() {
                targets.push(Target::Bibliography {
                    path: absolute.join(store::BIB_FILE),
                    format: Format::Bib,
                    is_store: true,
                });
                targets.push(Target::Sync {
                    project: same_dir(&absolute, &context.store_dir),
                    store_dir: absolute,
                });
                continue;
            }
            let inside = biblink::config::files_in(&absolute)
                .map_err(|error| format!("{name}: cannot read: {error}"))?;
            let before = targets.len();
            for file in inside {
                if let Some(target) = classify(context, &file, false)? {
                    targets.push(target);
                }
            }
            if targets.len() == before {
                return Err(format!(
                    "{name}: no .bib, RIS, CSL-JSON, EndNote XML, JATS or paper with a reference list inside"
                ));
            }
        } else if let Some(target) = classify(context, &absolute, true)? {
            targets.push(target);
        }
    }
    for paper in args.papers {
        let absolute = absolute(context, paper);
        if !absolute.is_file() {
            return Err(format!(
                "{}: cannot read: not a file",
                context.display_path(&absolute)
            ));
        }
        targets.push(Target::Paper(absolute));
    }
    Ok(targets)
}

/// The configured source files; without a biblink.toml the default
/// sources (seeds/) may not exist, and then there are none.
fn project_sources(context: &Context) -> Result<Vec<PathBuf>, String> {
    let has_config = context.root.join(biblink::config::CONFIG_FILE).exists();
    match context.config.source_files(&context.root) {
        Ok(sources) => Ok(sources),
        Err(_) if !has_config => Ok(Vec::new()),
        Err(error) => Err(error.to_string()),
    }
}

fn absolute(context: &Context, path: &Path) -> PathBuf {
    if path.is_absolute() { path.to_path_buf() } else { context.root.join(path) }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// What a file is checked as; `None` for a file of no known kind that was
/// not named on the command line (a news article among the sources).
fn classify(
    context: &Context,
    path: &Path,
    named: bool,
) -> Result<Option<Target>, String> {
    use std::io::Read;
    let name = context.display_path(path);
    let cannot_read = |error: std::io::Error| format!("{name}: cannot read: {error}");
    // The first 8 KB tell a binary file; the extension, else the content, the format.
    let mut head = Vec::with_capacity(8192);
    std::fs::File::open(path)
        .and_then(|file| file.take(8192).read_to_end(&mut head))
        .map_err(cannot_read)?;
    if looks_binary(&head) && !looks_utf16(&head) {
        return Err(format!(
            "{name}: looks like a binary file, not a .bib, RIS file or paper; check the path"
        ));
    }
    // An `.xml` file is told by its content (EndNote XML or JATS).
    let mut format = Format::detect(path, "").filter(|f| *f != Format::EndNote);
    if format.is_none() {
        let bytes = std::fs::read(path).map_err(cannot_read)?;
        format = Format::detect(path, &biblink::decode::decode(&bytes, &name).value);
    }
    match format {
        Some(
            format @ (Format::Bib
            | Format::Ris
            | Format::CslJson
            | Format::EndNote
            | Format::Jats),
        ) => Ok(Some(Target::Bibliography {
            path: path.to_path_buf(),
            format,
            is_store: false,
        })),
        // A text file named on the command line is a paper, with a reference
        // list or without one (REF001).
        Some(Format::Document) => Ok(Some(Target::Paper(path.to_path_buf()))),
        _ if named => Ok(Some(Target::Paper(path.to_path_buf()))),
        _ => Ok(None),
    }
}

/// UTF-16 text: a byte order mark, or markup with a NUL byte before or after
/// each character (EndNote XML saved on Windows; its reader says what it can
/// read of it).
fn looks_utf16(head: &[u8]) -> bool {
    head.starts_with(b"\xFF\xFE")
        || head.starts_with(b"\xFE\xFF")
        || head.starts_with(b"<\0")
        || head.starts_with(b"\0<")
}

/// NUL bytes, or many control characters, in the first 8 KB.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    !head.is_empty() && controls * 20 > head.len()
}

/// A file's text (UTF-8 as it is, anything else decoded) and its display name.
fn read_text(context: &Context, path: &Path) -> Result<(String, String), String> {
    let name = context.display_path(path);
    let bytes =
        std::fs::read(path).map_err(|error| format!("{name}: cannot read: {error}"))?;
    let text = biblink::decode::decode_owned(bytes, &name).value;
    Ok((name, text))
}

/// A DOI to ask the registry about, with the entry it belongs to.
struct DoiToCheck {
    doi: Doi,
    entry: biblink::model::Entry,
    file: String,
    position: Position,
}

fn check_bibliography(
    context: &Context,
    path: &Path,
    format: Format,
    is_store: bool,
    online: bool,
    report: &mut Report,
    dois: &mut Vec<DoiToCheck>,
) -> Result<(), String> {
    let name = context.display_path(path);
    let bytes =
        std::fs::read(path).map_err(|error| format!("{name}: cannot read: {error}"))?;
    // UTF-8 as it is (each reader skips a BOM); UTF-16 or Windows-1252
    // decoded (ENC001 for the latter).
    let decoded = biblink::decode::decode_owned(bytes, &name);
    let text = decoded.value;
    let decoding: Vec<Finding> =
        decoded.diagnostics.into_iter().map(Finding::from_diagnostic).collect();
    let options = Options {
        key_pattern: (is_store || context.config.key_pattern_set)
            .then(|| context.config.key_pattern.clone()),
        new_key_pattern: Some(context.config.key_pattern.clone()),
        ..Options::default()
    };
    let checked = match format {
        Format::Ris => check::check_ris(&text, &name, &options),
        Format::CslJson => check::check_csl(&text, &name, &options),
        Format::EndNote => check::check_endnote(&text, &name, &options),
        Format::Jats => check::check_jats(&text, &name, &options),
        _ => check::check_bib(&text, &name, &options),
    };
    report.files += 1;
    report.entries += checked.entries.len();
    if is_store {
        let lines = checked
            .entries
            .iter()
            .map(|e| (e.key.clone(), e.sources.first().map_or(0, |s| s.line_start)))
            .collect();
        report.store_lines.insert(name.clone(), lines);
    }
    report.findings.extend(decoding);
    report.findings.extend(checked.findings);
    // The DOIs to ask registries about (--online).
    if !online {
        // The process exits soon: freeing 100k entries one by one takes
        // longer (about half a second) than the OS needs to reclaim them.
        std::mem::forget(checked.entries);
    } else {
        for entry in checked.entries {
            let Some(doi) = entry.text("doi").and_then(|d| Doi::parse(d).ok()) else {
                continue;
            };
            let line = entry.fields.get("doi").and_then(|f| f.origin).map_or_else(
                || entry.sources.first().map_or(0, |s| s.line_start),
                |o| o.line_start,
            );
            dois.push(DoiToCheck {
                doi,
                entry,
                file: name.clone(),
                position: Position::line(line),
            });
        }
    }
    report.texts.insert(name, text);
    Ok(())
}

/// The store papers are checked against: the project's, or an empty one.
fn project_store(context: &Context) -> Result<Store, String> {
    if context.store_dir.join(store::BIB_FILE).exists() {
        context.read_store()
    } else {
        Ok(Store::new(&context.config.key_pattern))
    }
}

/// SYNC001/SYNC002: the store rebuilt in memory from its sources.
fn sync_findings(
    context: &Context,
    store_dir: &Path,
    project: bool,
    store_lines: &HashMap<String, HashMap<String, u32>>,
) -> Result<Vec<Finding>, String> {
    let loaded = Store::load(store_dir, &context.config.key_pattern)
        .map_err(|error| error.to_string())?;
    if loaded.has_errors() {
        // The .bib check reports the damage; a rebuild comparison means nothing.
        return Ok(Vec::new());
    }
    let stored = loaded.value;
    let bib_path = store_dir.join(store::BIB_FILE);
    let bib_name = context.display_path(&bib_path);
    // The store's .bib is checked before its sources are compared: its
    // entries' lines are known.
    let empty = HashMap::new();
    let lines = store_lines.get(&bib_name).unwrap_or(&empty);
    // The sources: the configured ones (for the project's store), then every
    // other file the provenance names, in order of first appearance.
    let mut files: Vec<String> = Vec::new();
    if project {
        for path in project_sources(context)? {
            files.push(context.display_path(&path));
        }
    }
    let mut findings = Vec::new();
    let mut first_entry: HashMap<String, &str> = HashMap::new();
    // An entry without provenance has the store's own file as its source:
    // not a source a rebuild reads.
    let own = |file: &str| {
        let path = context.root.join(file);
        same_dir(&path, &bib_path) || file == bib_path.display().to_string()
    };
    for entry in stored.entries() {
        for source in entry.sources.iter().filter(|s| !own(&s.file)) {
            first_entry.entry(source.file.clone()).or_insert(entry.key.as_str());
            if !files.contains(&source.file) {
                files.push(source.file.clone());
            }
        }
    }
    let mut rebuilt = Store::new(&context.config.key_pattern);
    rebuilt.keep_keys_of(&stored);
    for file in &files {
        let path = context.root.join(file);
        let Ok(bytes) = std::fs::read(&path) else {
            let key = first_entry.get(file).copied().unwrap_or_default();
            findings.push(
                Finding::new(
                    "SYNC002",
                    &bib_name,
                    Position::line(lines.get(key).copied().unwrap_or(0)),
                    format!("source '{file}' recorded in the provenance of '{key}' does not exist"),
                )
                .with_key(key)
                .with_help("restore the file, or run `biblink build` to drop what came from it"),
            );
            continue;
        };
        if let Ingested::Entries(_, entries) = ingest_as(None, &path, file, &bytes).value
        {
            rebuilt.import(entries);
        }
    }
    if findings.iter().any(|f| f.rule == "SYNC002") {
        // Without every source, a rebuild differs for that reason alone.
        return Ok(findings);
    }
    rebuilt.sort();
    findings.extend(check_sync(&stored, &rebuilt, &bib_name, lines));
    Ok(findings)
}

/// DOI001-DOI003: each DOI asked of its registry (through the cache).
fn online_findings(
    context: &Context,
    args: &CheckArgs,
    dois: &[DoiToCheck],
) -> Result<Vec<Finding>, String> {
    let options = super::resolve::Options {
        keys: &[],
        prefer_remote: false,
        find_missing: false,
        offline: args.offline,
        refresh: args.refresh,
        concurrency: None,
        timeout: None,
    };
    let client = Client::new(super::resolve::client_config(context, &options))
        .map_err(|e| e.to_string())?;
    let requests: Vec<String> = dois.iter().map(|d| d.doi.as_str().to_string()).collect();
    let bar = super::resolve::progress(context, requests.len() as u64);
    let found: Vec<std::sync::Mutex<Vec<Finding>>> =
        requests.iter().map(|_| std::sync::Mutex::new(Vec::new())).collect();
    client.fetch_each(&requests, |n, result| {
        let item = &dois[n];
        let key = item.entry.key.as_str();
        let mut out = Vec::new();
        let doi = item.doi.as_str();
        match result.and_then(|fetched| {
            let remote = super::resolve::remote_entry(&fetched)?;
            Ok((remote, map::publication_years(&fetched.json)))
        }) {
            Ok((remote, years)) => {
                let mut local = item.entry.clone();
                for change in merge(&mut local, &remote, &years, false) {
                    if change.kind != "conflict" {
                        continue;
                    }
                    let position = local
                        .fields
                        .get(&change.field)
                        .and_then(|f| f.origin)
                        .map_or(item.position, |o| Position::line(o.line_start));
                    out.push(
                        Finding::new(
                            "DOI002",
                            &item.file,
                            position,
                            format!(
                                "{} of '{key}' disagrees with the registry record of {doi}: '{}' here, '{}' there",
                                change.field, change.local, change.remote
                            ),
                        )
                        .with_key(key)
                        .with_help("fix the entry, or check that the DOI is the right one"),
                    );
                }
            }
            Err(FetchError::NotFound) => out.push(
                Finding::new(
                    "DOI001",
                    &item.file,
                    item.position,
                    format!("DOI {doi} of '{key}' is not registered (doi.org and the registries answer 404)"),
                )
                .with_key(key)
                .with_help("check the DOI for typos against the publisher's page"),
            ),
            Err(error) => out.push(
                Finding::new(
                    "DOI003",
                    &item.file,
                    item.position,
                    format!("DOI {doi} of '{key}' could not be checked: {error}"),
                )
                .with_key(key)
                .with_help("run again when the registry is reachable (cached answers are reused)"),
            ),
        }
        if let Some(slot) = found.get(n)
            && let Ok(mut slot) = slot.lock()
        {
            *slot = out;
        }
        bar.inc(1);
    });
    bar.finish_and_clear();
    Ok(found.into_iter().flat_map(|slot| slot.into_inner().unwrap_or_default()).collect())
}

fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    (count(Severity::Error), count(Severity::Warning), count(Severity::Info))
}

fn fail_on_name(fail_on: FailOn) -> &'static str {
    match fail_on {
        FailOn::Error => "error",
        FailOn::Warning => "warning",
        FailOn::Info => "info",
        FailOn::Never => "never",
    }
}

/// The JSON document of `--format json`:
///
/// ```json
/// {"version": "1",
///  "findings": [{"rule": "MODEL001", "name": "missing-required-field",
///                "severity": "warning", "file": "refs/references.bib", "line": 3,
///                "column": 1, "message": "...", "key": "x2020y", "help": "..."}],
///  "summary": {"files": 1, "entries": 36, "errors": 0, "warnings": 1, "infos": 0,
///              "by_rule": {"MODEL001": 1}, "fail_on": "error", "failed": false}}
/// ```
fn print_json_report(report: &Report, failed: bool, fail_on: FailOn) {
    #[derive(serde::Serialize)]
    struct Document<'a> {
        version: &'static str,
        findings: Vec<JsonFinding<'a>>,
        summary: Summary<'a>,
    }
    #[derive(serde::Serialize)]
    struct JsonFinding<'a> {
        rule: &'a str,
        name: Option<&'static str>,
        severity: &'static str,
        file: &'a str,
        line: u32,
        column: u32,
        message: &'a str,
        key: Option<&'a str>,
        help: Option<&'a str>,
    }
    #[derive(serde::Serialize)]
    struct Summary<'a> {
        files: usize,
        entries: usize,
        errors: usize,
        warnings: usize,
        infos: usize,
        by_rule: BTreeMap<&'a str, usize>,
        fail_on: &'static str,
        failed: bool,
    }
    let (errors, warnings, infos) = counts(&report.findings);
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in &report.findings {
        *by_rule.entry(finding.rule).or_default() += 1;
    }
    let document = Document {
        version: biblink::DATA_MODEL_VERSION,
        findings: report
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule,
                name: f.name(),
                severity: f.severity.as_str(),
                file: &f.file,
                line: f.line,
                column: f.column,
                message: &f.message,
                key: f.key.as_deref(),
                help: f.help.as_deref(),
            })
            .collect(),
        summary: Summary {
            files: report.files,
            entries: report.entries,
            errors,
            warnings,
            infos,
            by_rule,
            fail_on: fail_on_name(fail_on),
            failed,
        },
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    // A closed stdout (a pipe to `head`) is not an error of the check.
    let _ = serde_json::to_writer_pretty(&mut out, &document);
    let _ = writeln!(out);
    let _ = out.flush();
}

fn summary_line(report: &Report) -> String {
    let (errors, warnings, infos) = counts(&report.findings);
    let plural =
        |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {} in {} ({})",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(infos, "note"),
        plural(report.files, "file"),
        plural(report.entries, "entry").replace("entrys", "entries"),
    )
}

/// Findings grouped by file, each with its source line; colour on a terminal.
fn print_text(context: &Context, report: &Report, failed: bool, fail_on: FailOn) {
    let stdout = anstream::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let style = |severity: Severity| match severity {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        _ => AnsiColor::Cyan.on_default().bold(),
    };
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in &report.findings {
        if context.quiet && finding.severity < Severity::Error {
            continue;
        }
        by_file.entry(finding.file.as_str()).or_default().push(finding);
    }
    let mut lines_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for (file, findings) in &by_file {
        let _ = writeln!(out, "{bold}{file}{bold:#}");
        for finding in findings {
            let place = match (finding.line, finding.column) {
                (0, _) => file.to_string(),
                (line, 0) => format!("{file}:{line}"),
                (line, column) => format!("{file}:{line}:{column}"),
            };
            let level = style(finding.severity);
            let key = finding.key.as_deref().map_or(String::new(), |k| format!(" ({k})"));
            let _ = writeln!(
                out,
                "  {place}: {level}{}[{}]{level:#}: {}{dim}{key}{dim:#}",
                finding.severity, finding.rule, finding.message
            );
            if finding.line > 0
                && let Some(text) = report.texts.get(*file)
            {
                let lines =
                    lines_of.entry(file).or_insert_with(|| text.lines().collect());
                if let Some(source) = lines.get(finding.line as usize - 1) {
                    let source: String = source.chars().take(160).collect();
                    let _ = writeln!(out, "    {dim}|{dim:#} {source}");
                    if finding.column > 0 {
                        let pad = " ".repeat(finding.column as usize - 1);
                        let _ = writeln!(out, "    {dim}|{dim:#} {pad}{level}^{level:#}");
                    }
                }
            }
            if let Some(help) = &finding.help {
                let _ = writeln!(out, "    {dim}help:{dim:#} {help}");
            }
        }
        let _ = writeln!(out);
    }
    let verdict = if failed {
        format!("failed (findings at or above {})", fail_on_name(fail_on))
    } else {
        "passed".to_string()
    };
    let _ = writeln!(out, "{}: {verdict}", summary_line(report));
    let _ = out.flush();
}

/// GitHub Actions workflow commands, one per finding, then a plain summary
/// (GitHub shows only the first annotations of each kind).
fn print_github(report: &Report, failed: bool) {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for finding in &report.findings {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            _ => "notice",
        };
        let mut properties = format!("file={}", escape_property(&finding.file));
        if finding.line > 0 {
            properties.push_str(&format!(",line={}", finding.line));
            if finding.column > 0 {
                properties.push_str(&format!(",col={}", finding.column));
            }
        } else {
            properties.push_str(",line=1");
        }
        let title = match finding.name() {
            Some(name) => format!("{} {name}", finding.rule),
            None => finding.rule.to_string(),
        };
        properties.push_str(&format!(",title={}", escape_property(&title)));
        let mut message = finding.message.clone();
        if let Some(key) = &finding.key {
            message.push_str(&format!(" [{key}]"));
        }
        let _ = writeln!(out, "::{command} {properties}::{}", escape_data(&message));
    }
    let verdict = if failed { "failed" } else { "passed" };
    let _ = writeln!(out, "biblink check: {}: {verdict}", summary_line(report));
    let _ = out.flush();
}

/// Escapes a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The SARIF 2.1.0 log of the findings.
fn sarif(report: &Report) -> Json {
    let rules: Vec<Json> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "defaultConfiguration": {"level": sarif_level(rule.severity)},
            })
        })
        .collect();
    let index: HashMap<&str, usize> =
        RULES.iter().enumerate().map(|(idx, rule)| (rule.id, idx)).collect();
    let results: Vec<Json> = report
        .findings
        .iter()
        .map(|finding| {
            let mut location = json!({
                "artifactLocation": {"uri": uri_reference(&finding.file), "uriBaseId": "%SRCROOT%"},
            });
            if finding.line > 0 {
                let mut region = json!({"startLine": finding.line});
                if finding.column > 0 {
                    region["startColumn"] = json!(finding.column);
                }
                location["region"] = region;
            }
            let mut result = json!({
                "ruleId": finding.rule,
                "level": sarif_level(finding.severity),
                "message": {"text": match &finding.help {
                    Some(help) => format!("{} (help: {help})", finding.message),
                    None => finding.message.clone(),
                }},
                "locations": [{"physicalLocation": location}],
                "partialFingerprints": {
                    "biblinkFinding/v1": format!(
                        "{}:{}:{}",
                        finding.rule,
                        finding.key.as_deref().unwrap_or(""),
                        finding.message
                    ),
                },
            });
            if let Some(&idx) = index.get(finding.rule) {
                result["ruleIndex"] = json!(idx);
            }
            if let Some(key) = &finding.key {
                result["properties"] = json!({"key": key});
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "biblink",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// A relative path as a URI reference: `/` separators, every byte but the
/// unreserved characters and `/` percent-encoded (`my refs/a#1.bib` →
/// `my%20refs/a%231.bib`).
fn uri_reference(path: &str) -> String {
    let mut out = String::new();
    for byte in path.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        _ => "note",
    }
}

/// `--list-rules`: every rule, one per line (or JSON).
fn list_rules(context: &Context) -> ExitCode {
    if context.json {
        super::output::print_json(&json!(RULES.iter().map(|r| json!({
            "rule": r.id, "name": r.name, "severity": r.severity.to_string(), "summary": r.summary,
        })).collect::<Vec<_>>()));
    } else {
        for rule in RULES {
            let severity = rule.severity.to_string();
            println!("{:<9} {severity:<8} {:<30} {}", rule.id, rule.name, rule.summary);
        }
    }
    ExitCode::Success
}
