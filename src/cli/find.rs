//! `biblink find QUERY`: search the store.

use biblink::model::Name;
use biblink::tex;

use super::output::{entry_json, print_json};
use super::{Context, ExitCode};

pub fn run(
    context: &Context,
    query: &str,
    cite: Option<&str>,
) -> Result<ExitCode, String> {
    let style = match cite.map(super::cite::load_style).transpose() {
        Ok(style) => style,
        Err(super::cite::StyleError(message)) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::Failure);
        }
    };
    let store = context.read_store()?;
    let matches = store.find(query);
    if let Some(style) = style {
        let format = super::args::CiteFormat::Text;
        for line in super::cite::format_entries(&matches, &style, format, false)? {
            println!("{line}");
        }
    } else if context.json {
        print_json(&serde_json::Value::Array(
            matches.iter().map(|e| entry_json(e)).collect(),
        ));
    } else {
        for entry in &matches {
            let authors = ["author", "editor"]
                .into_iter()
                .find_map(|field| entry.names(field))
                .map(|names| {
                    let first = names.first().map(Name::sort_name).unwrap_or_default();
                    let more = if names.len() > 1 { " et al." } else { "" };
                    format!("{}{more}", tex::to_plain(first, false))
                })
                .unwrap_or_default();
            let year = entry.year().map_or("n.d.".to_string(), |y| y.to_string());
            let title = tex::to_plain(entry.text("title").unwrap_or_default(), false);
            println!("{}\t{authors} ({year}) {title}", entry.key);
        }
    }
    Ok(if matches.is_empty() { ExitCode::Findings } else { ExitCode::Success })
}
