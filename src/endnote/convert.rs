//! One EndNote record to an entry: translated into RIS tags by the table in
//! [`super::tags`], then mapped by the RIS reader's converter ([`ris::convert`]).

use super::tags::{self, Target};
use super::xml::RawElement;
use crate::diag::{Diagnostic, LineIndex, Severity};
use crate::model::{Entry, Extra, Name, Value, month_number};
use crate::ris::{self, RawRecord, RawTag};
use crate::tex;

/// A RIS tag made from an element, with the element's path (for extra data
/// and messages, which name the element, not the tag).
struct Translated {
    tag: RawTag,
    path: String,
}

/// Converts a `<record>`; `None` (with an error) when it has no `<ref-type>`
/// or no fields.
pub fn convert(
    record: &RawElement,
    file: &str,
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Entry> {
    let record_start = index.position(record.start);
    let line_start = record_start.line;
    let line_end = index.line(record.end.saturating_sub(1).max(record.start));
    if record.children.is_empty() && record.text.trim().is_empty() {
        // Mendeley and hand-trimmed exports leave `<record/>` where a
        // reference was deleted: nothing was lost, so no error.
        diagnostics.push(
            Diagnostic::new(
                "EN006",
                Severity::Warning,
                file,
                record_start,
                "empty <record/>: no type and no fields; skipped",
            )
            .with_help("remove the empty record, or export the library again"),
        );
        return None;
    }
    let Some(ref_type) = record.children.iter().find(|c| c.name == "ref-type") else {
        diagnostics.push(
            Diagnostic::new(
                "EN004",
                Severity::Error,
                file,
                record_start,
                format!("record at lines {line_start}-{line_end} has no <ref-type>"),
            )
            .with_help("every EndNote record names its type: '<ref-type name=\"Journal Article\">17</ref-type>'"),
        );
        return None;
    };
    let ref_type_text = ref_type.text.trim();
    let known = tags::endnote_type(ref_type.name_attr.as_deref(), ref_type_text);
    let ty_value = match (known, ref_type.name_attr.as_deref()) {
        (Some(known), _) => known.ris.to_string(),
        (None, Some(name)) if !name.trim().is_empty() => name.trim().to_string(),
        (None, _) if !ref_type_text.is_empty() => ref_type_text.to_string(),
        (None, _) => {
            diagnostics.push(
                Diagnostic::new(
                    "EN004",
                    Severity::Error,
                    file,
                    index.position(ref_type.start),
                    "<ref-type> is empty",
                )
                .with_help("write the type's number and name: '<ref-type name=\"Journal Article\">17</ref-type>'"),
            );
            return None;
        }
    };
    let mut builder = Builder {
        index,
        ris_type: known.map_or("", |k| k.ris),
        translated: Vec::new(),
        extras: Vec::new(),
        corporate: Vec::new(),
    };
    builder.push("ref-type", "TY", ty_value, ref_type);
    for child in &record.children {
        match child.name.as_str() {
            "ref-type" => {}
            "dates" => builder.dates(child),
            _ => builder.walk(child, &child.name),
        }
    }
    if builder.translated.len() == 1 && builder.extras.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                "EN005",
                Severity::Error,
                file,
                record_start,
                format!(
                    "record of type '{}' has no fields",
                    builder.translated[0].tag.value
                ),
            )
            .with_help("the record is empty or truncated; remove it or complete it"),
        );
        return None;
    }
    let raw = RawRecord {
        tags: builder.translated.iter().map(|t| t.tag.clone()).collect(),
        line_start,
        line_end,
        closed: true,
    };
    let mut found = Vec::new();
    let mut entry = ris::convert(&raw, file, &mut found)?;
    // Messages and extra data name the element, not the RIS tag it became.
    for diagnostic in &mut found {
        for translated in builder.at(diagnostic.line, diagnostic.column) {
            let quoted = format!("'{}'", translated.tag.tag);
            let element = format!("<{}>", translated.path);
            diagnostic.message = diagnostic.message.replace(&quoted, &element);
            diagnostic.help =
                diagnostic.help.take().map(|help| help.replace(&quoted, &element));
        }
    }
    diagnostics.extend(found);
    for extra in &mut entry.extra {
        if let Some(translated) = builder.translated.iter().find(|t| {
            t.tag.tag == extra.tag
                && t.tag.line_start == extra.line
                && (t.tag.value == extra.value
                    || t.tag.value.contains(extra.value.as_str()))
        }) {
            extra.tag = translated.path.clone();
        }
    }
    entry.extra.extend(builder.extras);
    // EndNote marks a corporate author with a trailing comma (`Zenodo,`).
    for (name_as_person, literal) in &builder.corporate {
        for field in entry.fields.values_mut() {
            if let Value::Names(names) = &mut field.value {
                for name in names.iter_mut() {
                    if name == name_as_person {
                        *name = literal.clone();
                    }
                }
            }
        }
    }
    Some(entry)
}

struct Builder<'a> {
    index: &'a LineIndex<'a>,
    /// The RIS type, empty when unknown.
    ris_type: &'static str,
    translated: Vec<Translated>,
    extras: Vec<Extra>,
    /// Names written as corporate (`Zenodo,`): as the RIS name parser reads
    /// them, and as they are meant.
    corporate: Vec<(Name, Name)>,
}

impl Builder<'_> {
    fn push(&mut self, path: &str, tag: &str, value: String, element: &RawElement) {
        let start = self.index.position(element.start);
        let line_end = self.index.line(element.end.saturating_sub(1).max(element.start));
        self.translated.push(Translated {
            tag: RawTag {
                tag: tag.to_string(),
                value,
                line_start: start.line,
                line_end,
                value_column: start.column,
            },
            path: path.to_string(),
        });
    }

    fn extra(&mut self, path: &str, value: String, element: &RawElement) {
        self.extras.push(Extra {
            tag: path.to_string(),
            value,
            source: 0,
            line: self.index.line(element.start),
        });
    }

    /// Leaves become tags or extra data; containers are walked.
    fn walk(&mut self, element: &RawElement, path: &str) {
        if !element.children.is_empty() {
            for child in &element.children {
                self.walk(child, &format!("{path}/{}", child.name));
            }
            return;
        }
        let value = clean(&element.text);
        if value.is_empty() {
            return;
        }
        match tags::target_for(path, self.ris_type) {
            Target::Skip => {}
            Target::Extra => self.extra(path, value, element),
            Target::Ris(tag) => {
                if path.starts_with("contributors/") {
                    self.note_corporate(&value);
                }
                self.push(path, tag, value, element);
            }
        }
    }

    fn note_corporate(&mut self, value: &str) {
        if let Some(name) = value.strip_suffix(',')
            && !name.contains(',')
            && !name.trim().is_empty()
        {
            let as_person = ris::parse_name(value);
            let literal = Name::Literal(tex::escape(name.trim()));
            if as_person != literal {
                self.corporate.push((as_person, literal));
            }
        }
    }

    /// `<dates>`: the year becomes `PY`, the publication date (`March 15`,
    /// `2019-03-15`, `15/03/2019`) with the year a RIS date `DA`
    /// (`2019/03/15/`); a date that cannot be read is kept as extra data.
    fn dates(&mut self, dates: &RawElement) {
        let year_element = dates.children.iter().find(|c| c.name == "year");
        let year_text = year_element.map(|y| clean(&y.text)).unwrap_or_default();
        if let Some(year) = year_element.filter(|_| !year_text.is_empty()) {
            self.push("dates/year", "PY", year_text.clone(), year);
        }
        let year = four_digit_year(&year_text);
        for child in &dates.children {
            match child.name.as_str() {
                "year" => {}
                "pub-dates" if !child.children.is_empty() => {
                    for date in &child.children {
                        let text = clean(&date.text);
                        if text.is_empty() {
                            continue;
                        }
                        let path = format!("dates/pub-dates/{}", date.name);
                        match ris_date(&text, year) {
                            Some(ris) if date.name == "date" => {
                                self.push(&path, "DA", ris, date)
                            }
                            _ => self.extra(&path, text, date),
                        }
                    }
                }
                _ => self.walk(child, &format!("dates/{}", child.name)),
            }
        }
    }

    /// The translated tags at a diagnostic's position.
    fn at(&self, line: u32, column: u32) -> impl Iterator<Item = &Translated> {
        self.translated
            .iter()
            .filter(move |t| t.tag.line_start == line && t.tag.value_column == column)
    }
}

/// Trimmed text with line ends as `\n` (`&#xD;` is how EndNote writes them).
fn clean(text: &str) -> String {
    text.trim().replace("\r\n", "\n").replace('\r', "\n")
}

fn four_digit_year(text: &str) -> Option<u32> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 4)
        .and_then(|run| run.parse().ok())
        .filter(|year| *year > 0)
}

/// An EndNote date (`March 15`, `Mar. 15, 2019`, `15 March 2019`,
/// `2019-03-15`, `03/15/2019`, `Spring`) as a RIS date `YYYY/MM/DD/other`,
/// with the record's year when the date has none.
fn ris_date(text: &str, record_year: Option<u32>) -> Option<String> {
    let tokens: Vec<&str> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).collect();
    let mut year = None;
    let mut month = None;
    let mut day = None;
    let mut season = None;
    let mut numbers = Vec::new();
    for token in &tokens {
        if token.chars().all(|c| c.is_ascii_digit()) {
            if token.len() == 4 && year.is_none() {
                year = token.parse::<u32>().ok();
            } else if token.len() <= 2 {
                numbers.push(token.parse::<u32>().ok()?);
            } else {
                return None;
            }
        } else if let Some(number) = month_number(token) {
            month = Some(number);
        } else if matches!(
            token.to_lowercase().as_str(),
            "spring" | "summer" | "autumn" | "fall" | "winter"
        ) {
            season = Some(token.to_string());
        } else {
            // Words such as `Accessed` or `Published` carry no date.
            continue;
        }
    }
    match (month, numbers.as_slice()) {
        (Some(_), [d]) => day = Some(*d),
        (Some(_), []) => {}
        // Numbers only: ISO order after a leading year, else month/day (EndNote's US order),
        // unless the first cannot be a month.
        (None, [m, d]) if tokens.first().is_some_and(|t| t.len() == 4) => {
            month = Some(*m);
            day = Some(*d);
        }
        (None, [a, b]) if *a > 12 => {
            month = Some(*b);
            day = Some(*a);
        }
        (None, [a, b]) => {
            month = Some(*a);
            day = Some(*b);
        }
        (None, [m]) if tokens.first().is_some_and(|t| t.len() == 4) => month = Some(*m),
        (None, []) => {}
        _ => return None,
    }
    if month.is_some_and(|m| !(1..=12).contains(&m))
        || day.is_some_and(|d| !(1..=31).contains(&d))
    {
        return None;
    }
    let year = year.or(record_year)?;
    if month.is_none() && season.is_none() && !tokens.iter().any(|t| t.len() == 4) {
        return None;
    }
    let two = |n: Option<u32>| n.map(|n| format!("{n:02}")).unwrap_or_default();
    Some(format!("{year:04}/{}/{}/{}", two(month), two(day), season.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endnote_dates() {
        assert_eq!(ris_date("March 15", Some(2019)).as_deref(), Some("2019/03/15/"));
        assert_eq!(ris_date("Mar. 15, 2019", None).as_deref(), Some("2019/03/15/"));
        assert_eq!(ris_date("15 March 2019", None).as_deref(), Some("2019/03/15/"));
        assert_eq!(ris_date("2019-03-15", None).as_deref(), Some("2019/03/15/"));
        assert_eq!(ris_date("03/15/2019", None).as_deref(), Some("2019/03/15/"));
        assert_eq!(ris_date("15/03/2019", None).as_deref(), Some("2019/03/15/"));
        assert_eq!(ris_date("Jun", Some(2020)).as_deref(), Some("2020/06//"));
        assert_eq!(ris_date("Spring", Some(1998)).as_deref(), Some("1998///Spring"));
        assert_eq!(ris_date("2021", None).as_deref(), Some("2021///"));
        assert_eq!(ris_date("March 15", None), None);
        assert_eq!(ris_date("the day after", Some(2019)), None);
        assert_eq!(ris_date("13/13/2019", None), None);
    }
}
