//! `biblink export`: entries to stdout as BibLaTeX or JSON.

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
    let text = if format == ExportFormat::Json || context.json {
        let array =
            serde_json::Value::Array(selected.iter().map(|e| entry_json(e)).collect());
        serde_json::to_string_pretty(&array).unwrap_or_default() + "\n"
    } else if format == ExportFormat::Ris {
        let owned: Vec<Entry> = selected.into_iter().cloned().collect();
        biblink::ris::to_ris_string(&owned)
    } else if format == ExportFormat::CslJson {
        let owned: Vec<Entry> = selected.into_iter().cloned().collect();
        biblink::csl::to_csl_json(&owned)
    } else if format == ExportFormat::Bibtex {
        let owned: Vec<Entry> = selected.into_iter().cloned().collect();
        biblink::bib::to_bibtex_string(&owned)
    } else {
        let owned: Vec<Entry> = selected.into_iter().cloned().collect();
        biblink::bib::to_bib_string(&owned)
    };
    match output {
        Some(path) => biblink::store::write_atomic(path, text.as_bytes())
            .map_err(|error| error.to_string())?,
        None => print!("{text}"),
    }
    Ok(ExitCode::Success)
}
