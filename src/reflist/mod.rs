//! Free-text reference lists: find the section in a document, split it into
//! references, and parse each reference string into an entry.
//!
//! Design: a statistical sequence labeller ([`label`]) trained on the
//! annotated dev corpora tags the tokens of a reference (author, title,
//! container, date, ...); rules handle what is certain (DOIs, URLs, the APA
//! author-date prefix, markdown italics as the container) and turn labelled
//! spans into BibLaTeX fields ([`parse_reference`]).

mod apa;
mod document;
pub mod eval;
pub mod label;
mod parse;
pub mod section;
pub mod split;

pub use document::{
    DocumentReference, MAX_REFERENCE_CHARS, REFERENCE_TAG, parse_document,
    parse_document_with, read_reference,
};
pub use parse::{ParsedReference, parse_reference};
