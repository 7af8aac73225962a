//! biblink: a bibliographic reference manager.
//!
//! Inputs (RIS, BibLaTeX, the reference lists of papers) are read into one
//! [`model`], normalised and merged into a [`store`] of deterministic
//! BibLaTeX. Formats meet only at the model: [`ris`], [`bib`] and [`reflist`]
//! convert to and from it, never to each other.
//!
//! Reading order: [`model`] (what an entry is), [`diag`] (how problems are
//! reported), the readers [`ris`] and [`bib`], [`normalize`] and [`store`].
//!
//! The split with the `biblatex` crate: our reader and writer own the store
//! (the crate stops at the first bad entry, sorts fields, rewrites `--` and
//! drops comments); the crate is the independent oracle of the round-trip
//! tests, which check that everything we write parses with it to the same values.
#![deny(missing_docs)]

pub mod bib;
pub mod check;
pub mod config;
pub mod csl;
pub mod decode;
pub mod diag;
pub mod doi;
pub mod endnote;
pub mod ids;
pub mod ingest;
pub mod jats;
pub mod link;
pub mod model;
pub mod normalize;
pub mod reflist;
pub mod ris;
pub mod store;
pub mod tex;

/// Version of the data model written to the store and to JSON output.
pub const DATA_MODEL_VERSION: &str = "1";
