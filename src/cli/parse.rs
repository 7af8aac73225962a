//! `biblink parse REFERENCE` and `biblink parse -`: free-text references to
//! entries on stdout, for quick checks and batch use; the store is not touched.

use std::io::{BufWriter, Read, Write};

use biblink::diag::{Diagnostic, Position};
use biblink::model::{Entry, Source};
use biblink::reflist::read_reference;

use super::output::{entry_json, print_json};
use super::{Context, ExitCode};

/// The file name of a reference given on the command line, in diagnostics and sources.
const ARGUMENT: &str = "<argument>";
/// The file name of standard input.
const STDIN: &str = "<stdin>";

pub fn run(context: &Context, reference: &str) -> Result<ExitCode, String> {
    if reference == "-" {
        return run_batch(context);
    }
    if reference.trim().is_empty() {
        eprintln!("error: the reference is empty");
        eprintln!(
            "  help: biblink parse 'Family, I. (2015). Title. *Journal*, 1(2), 3-4.'"
        );
        return Ok(ExitCode::Findings);
    }
    let (entry, diagnostics) = parse_line(context, reference, ARGUMENT, 1);
    context.print_diagnostics(&diagnostics);
    if context.json {
        print_json(&entry_json(&entry));
    } else {
        print!("{}", to_bib_string(&entry));
    }
    Ok(ExitCode::Success)
}

/// One reference per line of standard input, in order: JSON Lines with
/// `--json`, else BibLaTeX entries separated by blank lines.
fn run_batch(context: &Context) -> Result<ExitCode, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|error| format!("{STDIN}: cannot read: {error}"))?;
    let decoded = biblink::decode::decode(&bytes, STDIN);
    context.print_diagnostics(&decoded.diagnostics);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut is_first = true;
    for (line_idx, line) in decoded.value.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let (entry, diagnostics) = parse_line(context, line, STDIN, line_idx as u32 + 1);
        context.print_diagnostics(&diagnostics);
        let written = if context.json {
            // Serialising a serde_json::Value cannot fail.
            let json = serde_json::to_string(&entry_json(&entry)).unwrap_or_default();
            writeln!(out, "{json}")
        } else {
            let separator = if is_first { "" } else { "\n" };
            write!(out, "{separator}{}", to_bib_string(&entry))
        };
        is_first = false;
        if let Err(error) = written {
            return write_failed(error);
        }
    }
    match out.flush() {
        Ok(()) => Ok(ExitCode::Success),
        Err(error) => write_failed(error),
    }
}

/// A reader that stopped reading (`| head`) is not an error.
fn write_failed(error: std::io::Error) -> Result<ExitCode, String> {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(ExitCode::Success)
    } else {
        Err(format!("cannot write to stdout: {error}"))
    }
}

/// Parses one reference as the store would read it from line `line` of
/// `file`: normalised, with the key the store would give it if it were new.
fn parse_line(
    context: &Context,
    line: &str,
    file: &str,
    line_no: u32,
) -> (Entry, Vec<Diagnostic>) {
    // As a reference list's text: trimmed, control characters as spaces.
    let text: String =
        line.trim().chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let leading = line.chars().take_while(|c| c.is_whitespace()).count();
    let position = Position { line: line_no, column: leading as u32 + 1 };
    let read = read_reference(text.trim(), line, file, position);
    let mut diagnostics = read.diagnostics;
    let (mut entry, year_suffix) = read.value;
    entry.sources.push(Source {
        file: file.to_string(),
        line_start: line_no,
        line_end: line_no,
        year_suffix,
    });
    diagnostics.extend(biblink::normalize::normalize(&mut entry));
    entry.key = biblink::bib::key::base_key(&entry, &context.config.key_pattern);
    (entry, diagnostics)
}

/// The entry as BibLaTeX, plus its year suffix as a comment: the suffix is
/// no BibLaTeX field (biber computes `extradate` itself).
fn to_bib_string(entry: &Entry) -> String {
    let mut bib = biblink::bib::to_bib_string(std::slice::from_ref(entry));
    if let Some(year_suffix) = entry.sources.iter().find_map(|s| s.year_suffix.as_ref()) {
        bib.push_str(&format!("% year suffix '{year_suffix}'\n"));
    }
    bib
}
