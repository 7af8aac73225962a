//! `biblink build`: rebuild the store from the configured sources.

use biblink::store::Store;

use biblink::ingest::Format;

use super::claims::{CLAIMS_FILE, analyze_path, attach_sources, write_build_claims};
use super::import::{finish, merge_inputs, read_inputs};
use super::{Context, ExitCode};

pub fn run(context: &Context, strict: bool) -> Result<ExitCode, String> {
    let _lock = Store::lock(&context.store_dir, true, || {
        eprintln!(
            "waiting for another biblink to release {}",
            context.store_dir.display()
        );
    })
    .map_err(|error| error.to_string())?;
    let files =
        context.config.source_files(&context.root).map_err(|error| error.to_string())?;
    // Keys already given stay with their works; a damaged old store only loses that.
    let previous = Store::load(&context.store_dir, &context.config.key_pattern)
        .ok()
        .map(|p| p.value);
    let mut store = Store::new(&context.config.key_pattern);
    if let Some(previous) = &previous {
        store.keep_keys_of(previous);
    }
    let inputs = read_inputs(context, &files, None, false)?;
    if !context.json && !context.quiet {
        eprintln!(
            "read {} of {} source files ({} skipped)",
            inputs.files_read,
            files.len(),
            inputs.files_skipped
        );
    }
    let (merged, diagnostics) = merge_inputs(&mut store, inputs);
    // Every document among the sources is linked: its callouts against its
    // own reference list (keys as now in the store), or its attributed claims.
    let mut analyzed = Vec::new();
    for path in &files {
        let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&text);
        if matches!(Format::detect(path, &text), Some(Format::Ris | Format::Bib)) {
            continue;
        }
        let mut probe = store.clone();
        let mut a = analyze_path(context, path, &mut probe)?;
        attach_sources(&mut a, &mut probe, false);
        analyzed.push(a);
    }
    let code = finish(context, store, diagnostics, strict, &merged)?;
    if code == ExitCode::Success {
        write_build_claims(context, &analyzed)?;
        if !context.json && !context.quiet {
            let callouts: usize =
                analyzed.iter().map(|a| a.linked.value.links.callouts.len()).sum();
            let attributed: usize =
                analyzed.iter().map(|a| a.linked.value.attributions.len()).sum();
            eprintln!(
                "{}: {callouts} callouts and {attributed} attributed claims of {} documents",
                context.display_path(&context.store_dir.join(CLAIMS_FILE)),
                analyzed.len()
            );
        }
    }
    Ok(code)
}
