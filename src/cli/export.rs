//! `biblink export`: entries to stdout as BibLaTeX or JSON.

use biblink::model::Entry;

use super::args::ExportFormat;
use super::output::{entry_json, print_json};
use super::{Context, ExitCode};

pub fn run(
    context: &Context,
    format: ExportFormat,
    keys: &[String],
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
    if format == ExportFormat::Json || context.json {
        print_json(&serde_json::Value::Array(
            selected.iter().map(|e| entry_json(e)).collect(),
        ));
    } else {
        let owned: Vec<Entry> = selected.into_iter().cloned().collect();
        print!("{}", biblink::bib::to_bib_string(&owned));
    }
    Ok(ExitCode::Success)
}
