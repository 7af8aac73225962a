//! The store entries that attributed claims rest on: found by the source's
//! name, or proposed as inferred stubs when asked.

use crate::model::{Entry, Extra, Name, Source, Value};

use super::attrib::Attribution;
use super::resolve::fold;

/// The tag of the [`Entry::extra`] that marks an entry biblink inferred
/// from an attribution rather than read from a reference.
pub const INFERRED_TAG: &str = "inferred";

/// The entry among `entries` whose author, editor, organization or
/// institution is the attribution's source (case, accents and punctuation
/// aside), when the source is named.
pub fn find_source<'a>(
    attribution: &Attribution,
    entries: &'a [Entry],
) -> Option<&'a Entry> {
    if !attribution.named {
        return None;
    }
    let wanted = fold(source_name(attribution));
    if wanted.is_empty() {
        return None;
    }
    entries.iter().find(|entry| {
        ["author", "editor", "organization", "institution"].iter().any(
            |field| match entry.fields.get(*field).map(|f| &f.value) {
                Some(Value::Names(names)) => names.iter().any(|name| match name {
                    Name::Literal(literal) => fold(literal) == wanted,
                    Name::Person { family, given, .. } => {
                        fold(&format!("{given} {family}")) == wanted
                            || fold(&format!("{family} {given}")) == wanted
                    }
                    Name::Others => false,
                }),
                Some(Value::Text(text)) => fold(text) == wanted,
                None => false,
            },
        )
    })
}

/// The source's name without a parenthetical (`Zhao Zhiguo (MIIT spokesman)`).
fn source_name(attribution: &Attribution) -> &str {
    attribution.source.split(" (").next().unwrap_or(&attribution.source).trim()
}

/// A stub entry for a named source: `@report` for a report, `@online`
/// otherwise, marked inferred (an [`INFERRED_TAG`] extra and a note), with
/// the claim's document and line as its source. No key yet.
pub fn propose_source(attribution: &Attribution, file: &str, line: u32) -> Option<Entry> {
    if !attribution.named {
        return None;
    }
    let name = source_name(attribution);
    let person = attribution.speaker_type == "named_person";
    let report = attribution.speaker_type == "organization_report";
    let mut entry = Entry::new("", if report { "report" } else { "online" });
    let who = if person {
        match name.rsplit_once(' ') {
            Some((given, family)) => Name::person(family, given),
            None => Name::Literal(name.to_string()),
        }
    } else {
        Name::Literal(name.to_string())
    };
    entry.set("author", Value::Names(vec![who]), None);
    if !person && !report {
        entry.set(
            "organization",
            Value::Names(vec![Name::Literal(name.to_string())]),
            None,
        );
    }
    let title =
        if report { format!("{name} report") } else { format!("Statement by {name}") };
    entry.set("title", Value::Text(title), None);
    if report {
        entry.set(
            "institution",
            Value::Names(vec![Name::Literal(name.to_string())]),
            None,
        );
        entry.set("type", Value::Text("Report".to_string()), None);
        if let Some(year) =
            attribution.source.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 4)
        {
            entry.set("date", Value::Text(year.to_string()), None);
        }
    }
    entry.set(
        "note",
        Value::Text(format!("Inferred by biblink from a claim attributed in {file}, line {line}; not verified")),
        None,
    );
    entry.sources.push(Source {
        file: file.to_string(),
        line_start: line,
        line_end: line,
        year_suffix: None,
    });
    entry.extra.push(Extra {
        tag: INFERRED_TAG.to_string(),
        value: attribution.sentence.text.clone(),
        source: 0,
        line,
    });
    Some(entry)
}
