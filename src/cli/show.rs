//! `biblink show KEY`: one entry and its provenance.

use super::output::{entry_json, print_json};
use super::{Context, ExitCode};

pub fn run(context: &Context, key: &str) -> Result<ExitCode, String> {
    let store = context.read_store()?;
    let Some(entry) = store.get(key) else {
        eprintln!("error: no entry with key '{key}' in {}", context.store_dir.display());
        let near = store.find(key);
        if !near.is_empty() {
            let keys: Vec<&str> = near.iter().take(5).map(|e| e.key.as_str()).collect();
            eprintln!("  help: did you mean {}?", keys.join(", "));
        }
        return Ok(ExitCode::Findings);
    };
    if context.json {
        print_json(&entry_json(entry));
        return Ok(ExitCode::Success);
    }
    print!("{}", biblink::bib::to_bib_string(std::slice::from_ref(entry)));
    for source in &entry.sources {
        match &source.year_suffix {
            Some(year_suffix) => println!(
                "% from {}:{}-{} (year suffix '{year_suffix}')",
                source.file, source.line_start, source.line_end
            ),
            None => {
                println!(
                    "% from {}:{}-{}",
                    source.file, source.line_start, source.line_end
                )
            }
        }
    }
    Ok(ExitCode::Success)
}
