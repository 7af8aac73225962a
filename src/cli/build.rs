//! `biblink build`: rebuild the store from the configured sources.

use biblink::store::Store;

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
    finish(context, store, diagnostics, strict, &merged)
}
