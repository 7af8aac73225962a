//! CSL-JSON, the format of pandoc, Zotero and citeproc processors: entries to
//! CSL-JSON and back, following the one table of [`table`].
//!
//! # Writing ([`to_csl_json`])
//!
//! An array of items, one per entry in the order given, each an object with
//! sorted keys: `id` (the key), `type` (by [`table::TYPES`]) and one variable
//! per field that has one ([`table::VARIABLES`]). Text is CSL rich text
//! ([`text`]), names are `{"family", "given", "non-dropping-particle",
//! "suffix"}` (the BibLaTeX prefix is written as the non-dropping particle:
//! pandoc then puts it before the family name, where biblatex reads it back
//! as the prefix) or `{"literal"}`, dates CSL date objects ([`date`]),
//! `pages` `290--307` as `page` `290-307`, `langid` as a language code.
//! `title` is the title joined with `subtitle` (`Title: Subtitle`) and
//! `titleaddon` (`. Addon`), as pandoc's BibLaTeX reader joins them.
//!
//! `others` at the end of a name list is not written: a CSL name list is the
//! list of names, and the style decides when to print "et al.".
//!
//! Fields without a variable (and a BibLaTeX type without a CSL type, and
//! which name lists ended in `others`) go into the CSL-JSON `custom` object,
//! `{"custom": {"biblatex": {"type", "fields", "others", "source"}}}`, which
//! the CSL schema reserves for such data: other tools ignore it, biblink
//! reads it back, so a round trip through biblink loses nothing. `source`
//! holds the source form of the few values whose rich text would read back
//! otherwise (literal dollars that look like math, a title that would not
//! split from its subtitle again).
//!
//! # Reading ([`from_csl_json`])
//!
//! The file must be a JSON array of objects, each with a `type` and an `id`
//! (a string or a number). The id becomes the key (when it is no valid
//! BibLaTeX key, the store makes one and the id is kept as extra data `id`).
//! Variables are read by the same table; a CSL type not in it becomes `misc`
//! with the type kept as extra data `type`; variables the table does not
//! map, or that have no field for the item's type, are kept as extra data
//! under their own name. Both particles go to the prefix; a final literal
//! name `et al.` or `others` becomes `others`.
//!
//! Problems are diagnostics at the line and column of the offending item or
//! variable: `CSL001` not JSON (at serde_json's error position), `CSL002`
//! not an array, `CSL003` an item that is no object, `CSL004` an item
//! without `type` or `id`, `CSL005` a value of the wrong type (a title that
//! is an array, a `date-parts` of words, names that are no objects),
//! `CSL007` a duplicate id — all errors — and `CSL006` an unknown type (a
//! warning).

pub mod date;
pub mod table;
pub mod text;

mod read;
mod write;

pub use read::from_csl_json;
pub use write::{to_csl_json, to_csl_value};

/// The key of the biblink part of an item's `custom` object.
pub const CUSTOM_KEY: &str = "biblatex";

/// Whether a text (of a file without a `.json` extension) is CSL-JSON: a
/// JSON array whose items are objects with a `type`.
pub fn looks_like_csl_json(text: &str) -> bool {
    let body = text.trim_start_matches('\u{FEFF}').trim_start();
    if !body.starts_with('[') {
        return false;
    }
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::Array(items)) => {
            !items.is_empty()
                && items
                    .iter()
                    .all(|item| item.get("type").is_some_and(|t| t.is_string()))
        }
        _ => false,
    }
}
