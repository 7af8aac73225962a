//! `biblink export`: entries to stdout (or a file) as BibLaTeX, legacy BibTeX,
//! RIS, CSL-JSON or biblink's JSON.

use biblink::model::Entry;

use super::args::ExportFormat;
use super::output::entry_json;
use super::{Context, ExitCode};

pub fn run(
    context: &Context,
    format: ExportFormat,
    keys: &[String],
    output: Option<&std::path::Path>,
) -> Result<ExitCode, String> {
    let store = context.read_store()?;
    let mut selected: Vec<&Entry> = Vec::new();
    let mut missing = Vec::new();
    if keys.is_empty() {
        selected.extend(store.entries());
    } else {
        for key in keys {
            match store.get(key) {
                Some(entry) => selected.push(entry),
                None => missing.push(key.as_str()),
            }
        }
    }
    for key in &missing {
        eprintln!("error: no entry with key '{key}' in {}", context.store_dir.display());
    }
    if !missing.is_empty() {
        return Ok(ExitCode::Findings);
    }
    let owned: Vec<Entry> = selected.into_iter().cloned().collect();
    let text = render(format, context.json, &owned);
    match output {
        Some(path) => biblink::store::write_atomic(path, text.as_bytes())
            .map_err(|error| error.to_string())?,
        None => print!("{text}"),
    }
    Ok(ExitCode::Success)
}

/// `entries` in `format`; the global `--json` means biblink's JSON unless
/// another format than the default was asked for.
pub fn render(format: ExportFormat, json: bool, entries: &[Entry]) -> String {
    match format {
        ExportFormat::Biblatex if json => json_text(entries),
        ExportFormat::Json => json_text(entries),
        ExportFormat::Ris => biblink::ris::to_ris_string(entries),
        ExportFormat::CslJson => biblink::csl::to_csl_json(entries),
        ExportFormat::Bibtex => biblink::bib::to_bibtex_string(entries),
        ExportFormat::Biblatex => biblink::bib::to_bib_string(entries),
    }
}

fn json_text(entries: &[Entry]) -> String {
    let array = serde_json::Value::Array(entries.iter().map(entry_json).collect());
    serde_json::to_string_pretty(&array).unwrap_or_default() + "\n"
}
