//! Deterministic, diff-friendly BibLaTeX output.
//!
//! One field per line, two-space indent, names padded to a fixed width (so
//! adding a field never re-indents the others), every value in braces, a
//! trailing comma after each field, `--` in page ranges, UTF-8 kept.

use super::names::write_names;
use crate::model::{Entry, FieldKind, Value, field_kind};
use crate::tex;

/// Field names are padded to this width.
pub(crate) const NAME_WIDTH: usize = 12;

/// Writes entries in the order given.
pub fn to_bib_string(entries: &[Entry]) -> String {
    join_entries(entries, write_entry)
}

/// Entries written one after the other by `write`, a blank line between two.
pub(crate) fn join_entries(entries: &[Entry], write: fn(&Entry, &mut String)) -> String {
    let mut out = String::with_capacity(entries.len() * 512);
    for (idx, entry) in entries.iter().enumerate() {
        if idx > 0 {
            out.push('\n');
        }
        write(entry, &mut out);
    }
    out
}

/// Appends one entry.
pub fn write_entry(entry: &Entry, out: &mut String) {
    out.push('@');
    out.push_str(&entry.entry_type);
    out.push('{');
    out.push_str(&entry.key);
    out.push_str(",\n");
    for (name, field) in &entry.fields {
        out.push_str("  ");
        out.push_str(name);
        for _ in name.len()..NAME_WIDTH {
            out.push(' ');
        }
        out.push_str(" = {");
        let text = match &field.value {
            Value::Names(names) => std::borrow::Cow::Owned(write_names(names)),
            Value::Text(text) => value_text(name, text),
        };
        // Name parts are balanced by `write_names`; this catches literals.
        out.push_str(&tex::balance_braces(&text));
        out.push_str("},\n");
    }
    out.push_str("}\n");
}

/// A literal as it must appear between the value braces: white space
/// collapsed as the reader would (a line break in a value, say a URL
/// continued over RIS lines, must not reach the file), `--` in ranges.
fn value_text<'a>(name: &str, text: &'a str) -> std::borrow::Cow<'a, str> {
    let text = tex::collapsed_whitespace(text);
    match field_kind(name) {
        FieldKind::Range => std::borrow::Cow::Owned(normalise_range(&text)),
        _ => text,
    }
}

/// Page ranges with `--`: `12-34`, `12–34` and `12—34` become `12--34`.
pub fn normalise_range(pages: &str) -> String {
    let mut out = String::with_capacity(pages.len() + 1);
    let chars: Vec<char> = pages.chars().collect();
    let mut idx = 0;
    while idx < chars.len() {
        let c = chars[idx];
        if c == '-' || c == '–' || c == '—' {
            let mut run_end = idx;
            while run_end < chars.len() && matches!(chars[run_end], '-' | '–' | '—') {
                run_end += 1;
            }
            let before = out.trim_end().chars().next_back();
            let after = chars[run_end..].iter().find(|c| !c.is_whitespace());
            if before.is_some_and(|c| c.is_alphanumeric())
                && after.is_some_and(|c| c.is_alphanumeric())
            {
                while out.ends_with(' ') {
                    out.pop();
                }
                out.push_str("--");
                idx = run_end;
                while idx < chars.len() && chars[idx] == ' ' {
                    idx += 1;
                }
                continue;
            }
            out.extend(&chars[idx..run_end]);
            idx = run_end;
            continue;
        }
        out.push(c);
        idx += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Name;

    #[test]
    fn writes_fields_in_map_order_with_fixed_padding() {
        let mut entry = Entry::new("chong2019cashless", "article");
        entry.set(
            "author",
            Value::Names(vec![Name::person("Chong", "Pak Lei Gladys")]),
            None,
        );
        entry.set_text("title", "Cashless China", None);
        entry.set_text("pages", "290-307", None);
        entry.set_text("journaltitle", "Big Data \\& Society", None);
        let expected = "@article{chong2019cashless,
  author       = {Chong, Pak Lei Gladys},
  title        = {Cashless China},
  pages        = {290--307},
  journaltitle = {Big Data \\& Society},
}
";
        assert_eq!(to_bib_string(&[entry]), expected);
    }

    #[test]
    fn values_that_would_not_read_back_are_made_safe() {
        let mut entry = Entry::new("k", "misc");
        entry.set_text("url", "https://a.org/x\n@misc{y,", None);
        entry.set("author", Value::Names(vec![Name::Literal("A {B".into())]), None);
        let written = to_bib_string(&[entry]);
        assert_eq!(
            written,
            "@misc{k,\n  url          = {https://a.org/x @misc\\textbraceleft{}y,},\n  author       = {{A \\textbraceleft{}B}},\n}\n"
        );
        let reread = crate::bib::parse(&written, "w.bib");
        assert!(reread.diagnostics.is_empty(), "{:?}", reread.diagnostics);
        assert_eq!(to_bib_string(&reread.value.entries), written);
    }

    #[test]
    fn ranges() {
        assert_eq!(normalise_range("290–307"), "290--307");
        assert_eq!(normalise_range("290 - 307"), "290--307");
        assert_eq!(normalise_range("290--307"), "290--307");
        assert_eq!(normalise_range("e0815"), "e0815");
        assert_eq!(normalise_range("1-2, 5-7"), "1--2, 5--7");
    }
}
