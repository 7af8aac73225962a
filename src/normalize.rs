//! Normalisation of entries read from `.bib` files into the store's BibLaTeX
//! form: BibTeX aliases resolved, `year`/`month` turned into `date`, ranges
//! with `--`, fields in canonical order.

use crate::diag::{Diagnostic, Position, Severity};
use crate::model::{Date, Entry, Value};

/// BibTeX-era field names and their BibLaTeX names (biblatex's own alias table).
pub const FIELD_ALIASES: &[(&str, &str)] = &[
    ("address", "location"),
    ("annote", "annotation"),
    ("archiveprefix", "eprinttype"),
    ("journal", "journaltitle"),
    ("primaryclass", "eprintclass"),
    ("school", "institution"),
    ("pdf", "file"),
    ("hyphenation", "langid"),
];

/// BibTeX-era entry types: the BibLaTeX type and the `type` field they imply.
pub const TYPE_ALIASES: &[(&str, &str, Option<&str>)] = &[
    ("conference", "inproceedings", None),
    ("electronic", "online", None),
    ("www", "online", None),
    ("phdthesis", "thesis", Some("phdthesis")),
    ("mastersthesis", "thesis", Some("mathesis")),
    ("techreport", "report", Some("techreport")),
];

/// Normalises an entry in place; returns notes about what could not be normalised.
pub fn normalize(entry: &mut Entry) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    entry.entry_type.make_ascii_lowercase();
    if let Some((_, target, implied)) =
        TYPE_ALIASES.iter().find(|(alias, _, _)| *alias == entry.entry_type)
    {
        entry.entry_type = target.to_string();
        if let Some(implied) = implied
            && entry.text("type").is_none()
        {
            entry.set_text("type", *implied, None);
        }
    }
    for (alias, target) in FIELD_ALIASES {
        if let Some(index) = entry.fields.get_index_of(*alias) {
            if entry.fields.contains_key(*target) {
                continue;
            }
            let (_, field) =
                entry.fields.shift_remove_index(index).expect("index just found");
            entry.fields.shift_insert(index, target.to_string(), field);
        }
    }
    year_month_to_date(entry, &mut notes);
    if let Some(field) = entry.fields.get_mut("pages")
        && let Value::Text(pages) = &mut field.value
    {
        *pages = crate::bib::normalise_range(pages);
    }
    // DOIs in their one canonical form (lower case, no resolver prefix);
    // one that does not parse is kept as written (`resolve` reports it).
    if let Some(field) = entry.fields.get_mut("doi")
        && let Value::Text(doi) = &mut field.value
    {
        if let Ok(parsed) = crate::doi::Doi::parse(doi) {
            *doi = parsed.as_str().to_string();
        } else if let Some(clean) = crate::doi::clean(doi) {
            *doi = clean;
        }
    }
    entry.sort_fields();
    notes
}

/// `year = {2019}, month = {7}` becomes `date = {2019-07}` when there is no date.
fn year_month_to_date(entry: &mut Entry, notes: &mut Vec<Diagnostic>) {
    if entry.fields.contains_key("date") {
        return;
    }
    let Some(year_text) = entry.text("year") else { return };
    let year_text = year_text.trim();
    let Ok(year) = year_text.parse::<i32>() else { return };
    if year_text.len() != 4 {
        return;
    }
    let month = entry.text("month").map(|m| m.trim().to_string());
    let month_number = month
        .as_deref()
        .and_then(|m| m.parse::<u32>().ok())
        .filter(|m| (1..=12).contains(m));
    if month.is_some() && month_number.is_none() {
        // `month = {Sep--Oct}` and the like have no EDTF form; keep year and month.
        if let Some(source) = entry.sources.first() {
            notes.push(Diagnostic::new(
                "BIB005",
                Severity::Info,
                &source.file,
                Position::line(source.line_start),
                format!(
                    "month '{}' of '{}' is not a month number; kept 'year' and 'month'",
                    month.unwrap_or_default(),
                    entry.key
                ),
            ));
        }
        return;
    }
    let Ok(date) = Date::from_parts(year, month_number, None) else { return };
    let origin = entry.fields.get("year").and_then(|f| f.origin);
    let index = entry.fields.get_index_of("year").unwrap_or(entry.fields.len());
    entry.fields.shift_remove("year");
    entry.fields.shift_remove("month");
    entry.fields.shift_insert(
        index.min(entry.fields.len()),
        "date".into(),
        crate::model::Field { value: Value::Text(date.to_string()), origin },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bibtex_aliases_become_biblatex() {
        let mut entry = Entry::new("k", "PhDThesis");
        entry.set_text("school", "MIT", None);
        entry.set_text("year", "2019", None);
        entry.set_text("month", "7", None);
        entry.set_text("pages", "1-10", None);
        entry.set_text("journal", "J", None);
        assert!(normalize(&mut entry).is_empty());
        assert_eq!(entry.entry_type, "thesis");
        assert_eq!(entry.text("type"), Some("phdthesis"));
        assert_eq!(entry.text("institution"), Some("MIT"));
        assert_eq!(entry.text("journaltitle"), Some("J"));
        assert_eq!(entry.text("date"), Some("2019-07"));
        assert_eq!(entry.text("pages"), Some("1--10"));
        assert!(entry.text("year").is_none() && entry.text("month").is_none());
    }
}
