//! RIS import: lenient lexing into raw records, then conversion through the tag table.

mod lex;
mod parse;
pub mod tags;
pub mod write;

pub use lex::{RawRecord, RawTag, records, split_tag_line};
pub use parse::{convert, parse, parse_name};
pub use write::{to_ris_string, write_record};

/// Whether `text` looks like RIS: among its first 50 non-blank lines there is a
/// `TY` tag line.
pub fn looks_like_ris(text: &str) -> bool {
    lex::lines(text)
        .filter(|line| !line.trim().is_empty())
        .take(50)
        .any(|line| matches!(split_tag_line(line), Some(("TY", _, _))))
}
