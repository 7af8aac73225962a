//! Rules about a file as a whole: duplicate works (`DUP001`, `DUP002`),
//! cross-references to missing entries (`MODEL010`) and case protection
//! that differs between titles (`STYLE001`).

use std::collections::{HashMap, HashSet};

use super::{Finding, Places};
use crate::doi::Doi;
use crate::doi::discover::title_similarity;
use crate::link::resolve::fold;
use crate::model::Entry;
use crate::tex;

/// Titles at least this similar (trigram Dice) are the same title written
/// twice; the same measure accepts a Crossref search hit at 0.8.
const SAME_TITLE: f64 = 0.9;

/// The fields whose words bibliography styles may change the case of.
const TITLE_FIELDS: &[&str] = &[
    "title",
    "subtitle",
    "titleaddon",
    "booktitle",
    "booksubtitle",
    "maintitle",
    "mainsubtitle",
    "eventtitle",
];

/// The file rules over the entries of one file.
pub fn check(entries: &[Entry], places: &dyn Places, file: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    duplicates(entries, places, file, &mut out);
    cross_references(entries, places, file, &mut out);
    case_protection(entries, places, file, &mut out);
    out
}

fn duplicates(
    entries: &[Entry],
    places: &dyn Places,
    file: &str,
    out: &mut Vec<Finding>,
) {
    let mut by_doi: HashMap<String, usize> = HashMap::new();
    let mut paired: HashSet<(usize, usize)> = HashSet::new();
    for (idx, entry) in entries.iter().enumerate() {
        let Some(doi) = entry.text("doi").and_then(|d| Doi::parse(d).ok()) else {
            continue;
        };
        match by_doi.get(doi.as_str()) {
            Some(&first) => {
                paired.insert((first, idx));
                out.push(
                    Finding::new(
                        "DUP001",
                        file,
                        places.entry(idx, entry),
                        format!(
                            "'{}' has the DOI {} of '{}' (line {}): one work under two keys",
                            entry.key,
                            doi.as_str(),
                            entries[first].key,
                            places.entry(first, &entries[first]).line
                        ),
                    )
                    .with_key(&entry.key)
                    .with_help("merge the two entries and keep one key"),
                );
            }
            None => {
                by_doi.insert(doi.as_str().to_string(), idx);
            }
        }
    }
    // Same year and first author: compare titles within each such group.
    let mut groups: HashMap<(i32, String), Vec<(usize, String)>> = HashMap::new();
    for (idx, entry) in entries.iter().enumerate() {
        let (Some(year), Some(family), Some(title)) =
            (entry.year(), entry.first_family(), entry.text("title"))
        else {
            continue;
        };
        let plain = tex::to_plain(title, false);
        let folded_title = fold_title(&plain);
        if folded_title.is_empty() {
            continue;
        }
        let group = groups.entry((year, fold(family))).or_default();
        let earlier = group.iter().find(|(_, other)| {
            *other == folded_title || title_similarity(other, &folded_title) >= SAME_TITLE
        });
        if let Some(&(first, _)) = earlier
            && !paired.contains(&(first, idx))
        {
            out.push(
                Finding::new(
                    "DUP002",
                    file,
                    places.entry(idx, entry),
                    format!(
                        "'{}' looks like the same work as '{}' (line {}): same first author, year and title",
                        entry.key,
                        entries[first].key,
                        places.entry(first, &entries[first]).line
                    ),
                )
                .with_key(&entry.key)
                .with_help("merge the two entries, or make the titles tell the works apart"),
            );
        }
        group.push((idx, folded_title));
    }
}

/// Lower-case letters and digits, words joined by one space.
fn fold_title(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold)
        .collect::<Vec<_>>()
        .join(" ")
}

fn cross_references(
    entries: &[Entry],
    places: &dyn Places,
    file: &str,
    out: &mut Vec<Finding>,
) {
    let keys: HashSet<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    for (idx, entry) in entries.iter().enumerate() {
        for field in ["crossref", "xref"] {
            let Some(target) = entry.text(field) else { continue };
            let target = target.trim();
            if !target.is_empty() && !keys.contains(target) {
                out.push(
                    Finding::new(
                        "MODEL010",
                        file,
                        places.field(idx, entry, field),
                        format!("{field} '{target}' names no entry of this file"),
                    )
                    .with_key(&entry.key)
                    .with_help("add the entry it points to, or fix the key"),
                );
            }
        }
    }
}

fn case_protection(
    entries: &[Entry],
    places: &dyn Places,
    file: &str,
    out: &mut Vec<Finding>,
) {
    // (entry, field, word, protected) for every word with an inner capital.
    let mut words: Vec<(usize, &str, String, bool)> = Vec::new();
    for (idx, entry) in entries.iter().enumerate() {
        for &field in TITLE_FIELDS {
            let Some(text) = entry.text(field) else { continue };
            if !text.bytes().any(|b| b.is_ascii_uppercase()) {
                continue;
            }
            for (word, protected) in cased_words(text) {
                words.push((idx, field, word, protected));
            }
        }
    }
    let protected: HashSet<&str> =
        words.iter().filter(|w| w.3).map(|w| w.2.as_str()).collect();
    let mut reported: HashSet<(usize, &str)> = HashSet::new();
    for (idx, field, word, is_protected) in &words {
        if *is_protected || !protected.contains(word.as_str()) {
            continue;
        }
        if !reported.insert((*idx, field)) {
            continue;
        }
        let entry = &entries[*idx];
        out.push(
            Finding::new(
                "STYLE001",
                file,
                places.field(*idx, entry, field),
                format!(
                    "'{word}' is protected by braces elsewhere but not in the {field} of '{}'; styles may print it as '{}'",
                    entry.key,
                    word.to_lowercase()
                ),
            )
            .with_key(&entry.key)
            .with_help(format!("write {{{word}}} here too")),
        );
    }
}

/// Words with an upper-case letter after their first character, and whether
/// each stands inside braces.
fn cased_words(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut word = String::new();
    let mut word_depth = 0usize;
    let mut previous_backslash = false;
    let mut in_command = false;
    let mut flush = |word: &mut String, protected: bool| {
        if word.chars().skip(1).any(char::is_uppercase) {
            out.push((std::mem::take(word), protected));
        } else {
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() && !in_command {
            if word.is_empty() {
                word_depth = depth;
            }
            word.push(c);
            previous_backslash = false;
            continue;
        }
        if in_command && c.is_ascii_alphabetic() {
            continue;
        }
        in_command = false;
        flush(&mut word, word_depth > 0);
        match c {
            '\\' if !previous_backslash => {
                in_command = true;
                previous_backslash = true;
                continue;
            }
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous_backslash = false;
    }
    flush(&mut word, word_depth > 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_with_inner_capitals_and_their_protection() {
        assert_eq!(
            cased_words("The {DNA} of iPhone users and \\emph{RNA}"),
            vec![("DNA".into(), true), ("iPhone".into(), false), ("RNA".into(), true)]
        );
        assert_eq!(cased_words("{{Whole Title With DNA}}"), vec![("DNA".into(), true)]);
    }
}
