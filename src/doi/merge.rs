//! Remote metadata into a stored entry: fill what is missing, refine what
//! the remote says more precisely, and report every disagreement; nothing
//! changes without a report line.

use crate::link::resolve::fold;
use crate::model::{Entry, Name, Value};
use crate::tex;

/// What happened to one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The BibLaTeX field (`type` for the entry type).
    pub field: String,
    /// `filled` (the entry had none), `refined` (the remote says the same
    /// more precisely: a full date for a year, the whole author list for
    /// one ending in `and others`), `updated` (different, remote preferred)
    /// or `conflict` (different, local kept).
    pub kind: &'static str,
    /// The stored value before, as plain text (empty when there was none).
    pub local: String,
    /// The remote value, as plain text.
    pub remote: String,
}

/// Fields a registry may send that are not merged: identifiers of the
/// registry's own record, the DOI itself (compared separately), and the
/// abstract and language (long, or guessed, and noise in a diff-friendly
/// store).
const SKIPPED: &[&str] = &["doi", "url", "urldate", "abstract", "langid"];

/// Entry types that describe the same kind of work (RIS `CHAP` reads as
/// `inbook`, Crossref's `book-chapter` as `incollection`).
const COMPATIBLE_TYPES: &[&[&str]] =
    &[&["inbook", "incollection", "inreference"], &["book", "mvbook"]];

/// Merges `remote` into `local`. With `prefer_remote`, differing values are
/// overwritten (`updated`); otherwise they are kept (`conflict`).
/// `remote_years` are every year the remote record gives (print, online,
/// issued): a local year among them is no conflict.
pub fn merge(
    local: &mut Entry,
    remote: &Entry,
    remote_years: &[i32],
    prefer_remote: bool,
) -> Vec<Change> {
    let mut changes = Vec::new();
    let compatible = COMPATIBLE_TYPES.iter().any(|group| {
        group.contains(&local.entry_type.as_str())
            && group.contains(&remote.entry_type.as_str())
    });
    if local.entry_type == "misc"
        && !remote.entry_type.is_empty()
        && remote.entry_type != "misc"
    {
        changes.push(Change {
            field: "type".into(),
            kind: "refined",
            local: local.entry_type.clone(),
            remote: remote.entry_type.clone(),
        });
        local.entry_type = remote.entry_type.clone();
    } else if local.entry_type != remote.entry_type
        && !remote.entry_type.is_empty()
        && !compatible
    {
        changes.push(Change {
            field: "type".into(),
            kind: if prefer_remote { "updated" } else { "conflict" },
            local: local.entry_type.clone(),
            remote: remote.entry_type.clone(),
        });
        if prefer_remote {
            local.entry_type = remote.entry_type.clone();
        }
    }
    // Title and subtitle are compared together: registries often join them.
    let same_title = same_title(local, remote);
    for (name, field) in &remote.fields {
        if SKIPPED.contains(&name.as_str()) {
            continue;
        }
        if (name == "title" || name == "subtitle") && same_title {
            continue;
        }
        // An article number where the entry has it as its pages.
        if name == "eid"
            && local.text("pages").is_some_and(|p| plain_eq(p, &plain(&field.value)))
        {
            continue;
        }
        if name == "date"
            && let Some(year) = local.year()
            && remote_years.contains(&year)
            && remote.year() != Some(year)
        {
            continue;
        }
        let remote_text = plain(&field.value);
        let Some(existing) = local.fields.get(name) else {
            if name == "subtitle" && local.fields.contains_key("title") && !prefer_remote
            {
                // A local title without subtitle that differs: reported on `title`.
                continue;
            }
            local.fields.insert(name.clone(), field.clone());
            changes.push(Change {
                field: name.clone(),
                kind: "filled",
                local: String::new(),
                remote: remote_text,
            });
            continue;
        };
        let local_text = plain(&existing.value);
        let verdict = compare(name, &existing.value, &field.value);
        match verdict {
            Verdict::Same => {}
            Verdict::Refines => {
                let origin = existing.origin;
                local.fields.insert(name.clone(), field.clone());
                if let Some(f) = local.fields.get_mut(name) {
                    f.origin = origin.or(f.origin);
                }
                changes.push(Change {
                    field: name.clone(),
                    kind: "refined",
                    local: local_text,
                    remote: remote_text,
                });
            }
            Verdict::Differs => {
                if prefer_remote {
                    local.fields.insert(name.clone(), field.clone());
                }
                changes.push(Change {
                    field: name.clone(),
                    kind: if prefer_remote { "updated" } else { "conflict" },
                    local: local_text,
                    remote: remote_text,
                });
            }
        }
    }
    // ORCIDs (kept as extra data: BibLaTeX has no field for them).
    for extra in remote.extra.iter().filter(|x| x.tag == super::map::ORCID_TAG) {
        if !local.extra.iter().any(|x| x.tag == extra.tag && x.value == extra.value) {
            local.extra.push(crate::model::Extra {
                tag: extra.tag.clone(),
                value: extra.value.clone(),
                source: 0,
                line: 0,
            });
            changes.push(Change {
                field: super::map::ORCID_TAG.into(),
                kind: "filled",
                local: String::new(),
                remote: extra.value.clone(),
            });
        }
    }
    local.sort_fields();
    changes
}

enum Verdict {
    Same,
    Refines,
    Differs,
}

fn compare(name: &str, local: &Value, remote: &Value) -> Verdict {
    match (local, remote) {
        (Value::Names(l), Value::Names(r)) => compare_names(l, r),
        (Value::Text(l), Value::Text(r)) => {
            if name == "date" {
                let (l, r) = (l.trim(), r.trim());
                if l == r {
                    Verdict::Same
                } else if r.starts_with(l) {
                    Verdict::Refines
                } else if l.starts_with(r) {
                    Verdict::Same // the local date is the more precise one
                } else {
                    Verdict::Differs
                }
            } else if name == "pages" {
                let norm = |s: &str| {
                    s.replace(['–', '—'], "-").replace("--", "-").replace(' ', "")
                };
                if norm(l) == norm(r) { Verdict::Same } else { Verdict::Differs }
            } else if fold(&tex::to_plain(l, false)) == fold(&tex::to_plain(r, false)) {
                Verdict::Same
            } else {
                Verdict::Differs
            }
        }
        _ => Verdict::Differs,
    }
}

fn family_key(name: &Name) -> String {
    match name {
        Name::Person { family, prefix, .. } => fold(&format!("{prefix}{family}")),
        Name::Literal(literal) => fold(literal),
        Name::Others => "others".into(),
    }
}

fn compare_names(local: &[Name], remote: &[Name]) -> Verdict {
    let l: Vec<String> =
        local.iter().filter(|n| !matches!(n, Name::Others)).map(family_key).collect();
    let r: Vec<String> =
        remote.iter().filter(|n| !matches!(n, Name::Others)).map(family_key).collect();
    let truncated = local.iter().any(|n| matches!(n, Name::Others));
    if l == r {
        Verdict::Same
    } else if truncated && r.len() > l.len() && r.starts_with(&l) {
        Verdict::Refines
    } else {
        Verdict::Differs
    }
}

/// Whether the titles agree, a subtitle joined to the title or not
/// (`Cashless China: Securitization …` against title `Cashless China` with
/// subtitle `Securitization …`), or the same main title where one side has
/// no subtitle.
pub fn same_title(local: &Entry, remote: &Entry) -> bool {
    let title =
        |e: &Entry| e.text("title").map(|t| tex::to_plain(t, false)).unwrap_or_default();
    let subtitle = |e: &Entry| e.text("subtitle").map(|t| tex::to_plain(t, false));
    let (lt, rt) = (title(local), title(remote));
    !lt.is_empty()
        && super::map::same_title(
            &lt,
            subtitle(local).as_deref(),
            &rt,
            subtitle(remote).as_deref(),
        )
}

fn plain_eq(a: &str, b: &str) -> bool {
    fold(&tex::to_plain(a, false)) == fold(b)
}

/// The plain text of a value, names as `Family, Given and …`.
pub fn plain(value: &Value) -> String {
    match value {
        Value::Text(text) => tex::to_plain(text, false),
        Value::Names(names) => names
            .iter()
            .map(|n| match n {
                Name::Person { family, given, .. } if given.is_empty() => {
                    tex::to_plain(family, false)
                }
                Name::Person { family, given, .. } => {
                    format!(
                        "{}, {}",
                        tex::to_plain(family, false),
                        tex::to_plain(given, false)
                    )
                }
                Name::Literal(l) => tex::to_plain(l, false),
                Name::Others => "others".into(),
            })
            .collect::<Vec<_>>()
            .join(" and "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(fields: &[(&str, Value)]) -> Entry {
        let mut e = Entry::new("k", "article");
        for (name, value) in fields {
            e.set(name, value.clone(), None);
        }
        e
    }

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    #[test]
    fn fills_refines_and_reports_conflicts() {
        let mut local = entry(&[
            (
                "author",
                Value::Names(vec![Name::person("Chong", "G. P. L."), Name::Others]),
            ),
            ("title", text("Cashless China")),
            ("subtitle", text("Securitization of everyday life")),
            ("date", text("2019")),
            ("pages", text("290--307")),
            ("volume", text("12")),
        ]);
        let remote = entry(&[
            (
                "author",
                Value::Names(vec![
                    Name::person("Chong", "Gladys Pak Lei"),
                    Name::person("Lee", "A."),
                ]),
            ),
            ("title", text("Cashless China: Securitization of Everyday Life")),
            ("date", text("2019-03-04")),
            ("pages", text("290-307")),
            ("volume", text("13")),
            ("number", text("3")),
        ]);
        let changes = merge(&mut local, &remote, &[], false);
        let kinds: Vec<(&str, &str)> =
            changes.iter().map(|c| (c.field.as_str(), c.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                ("author", "refined"),
                ("date", "refined"),
                ("volume", "conflict"),
                ("number", "filled")
            ]
        );
        assert_eq!(local.text("volume"), Some("12"), "conflicts keep the local value");
        assert_eq!(local.text("date"), Some("2019-03-04"));
        assert_eq!(local.text("subtitle"), Some("Securitization of everyday life"));
        let mut again = local.clone();
        let changes = merge(&mut again, &remote, &[], true);
        assert_eq!(changes.iter().map(|c| c.kind).collect::<Vec<_>>(), vec!["updated"]);
        assert_eq!(again.text("volume"), Some("13"));
    }
}
