//! BibLaTeX files: a recovering reader, a deterministic writer, names and keys.

pub mod bibtex;
pub mod key;
pub(crate) mod names;
mod read;
mod write;

pub use bibtex::to_bibtex_string;
pub use names::{parse_name, parse_names, write_names};
pub use read::{BibFile, EntrySpan, FieldSpan, parse, parse_continued, parse_with_spans};
pub use write::{normalise_range, to_bib_string, write_entry};

/// Whether `text` looks like BibLaTeX: an `@type{` or `@type(` line comes before
/// any RIS tag line among the first non-blank, non-comment lines.
pub fn looks_like_bib(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .filter(|line| !line.is_empty() && !line.starts_with('%'))
        .take(50)
        .any(|line| {
            line.strip_prefix('@').is_some_and(|rest| {
                let word_len =
                    rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
                word_len > 0 && rest[word_len..].trim_start().starts_with(['{', '('])
            })
        })
}
