//! Rules about a file as a whole: duplicate works (`DUP001`, `DUP002`),
//! cross-references to missing entries (`MODEL010`) and case protection
//! that differs between titles (`STYLE001`).

use std::collections::{HashMap, HashSet};

use super::{Finding, Options, Places};
use crate::doi::Doi;
use crate::model::Entry;

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
pub fn check(
    entries: &[Entry],
    places: &(dyn Places + Sync),
    file: &str,
    options: &Options,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if !options.case_sensitive_keys {
        keys_differing_in_case(entries, places, file, &mut out);
    }
    duplicates(entries, places, file, &mut out);
    cross_references(entries, places, file, &mut out);
    case_protection(entries, places, file, &mut out);
    out
}

/// BIB003 for keys that differ only in case: biber takes them for one key.
/// Two such keys hold an upper-case letter between them, so only keys with
/// one are lower-cased and looked up (generated keys are all lower case).
fn keys_differing_in_case(
    entries: &[Entry],
    places: &dyn Places,
    file: &str,
    out: &mut Vec<Finding>,
) {
    if !entries.iter().any(|e| e.key.chars().any(char::is_uppercase)) {
        return;
    }
    let exact: HashMap<&str, usize> =
        entries.iter().enumerate().map(|(idx, e)| (e.key.as_str(), idx)).collect();
    let mut folded: HashMap<String, usize> = HashMap::new();
    for (idx, entry) in entries.iter().enumerate() {
        if !entry.key.chars().any(char::is_uppercase) {
            continue;
        }
        let lower = entry.key.to_lowercase();
        let first =
            exact.get(lower.as_str()).copied().or_else(|| folded.get(&lower).copied());
        folded.entry(lower).or_insert(idx);
        // Reported on the later of the two.
        let (first, idx) = match first {
            Some(first) if first != idx => (first.min(idx), first.max(idx)),
            _ => continue,
        };
        let (entry, other) = (&entries[idx], &entries[first]);
        out.push(
            Finding::new(
                "BIB003",
                file,
                places.entry(idx, entry),
                format!(
                    "key '{}' differs from '{}' (line {}) only in case; biber takes them for one key",
                    entry.key,
                    other.key,
                    places.entry(first, other).line
                ),
            )
            .with_key(&entry.key)
            .with_help("give one of the entries another key"),
        );
    }
}

fn duplicates(
    entries: &[Entry],
    places: &dyn Places,
    file: &str,
    out: &mut Vec<Finding>,
) {
    let mut by_doi: HashMap<String, usize, Fast> = HashMap::default();
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
    // Trigrams are worked out once per title, and only for groups of two or more.
    // Grouped by year and a 64-bit hash of the folded first author (two
    // names of a file sharing one by chance is a one-in-10^10 event).
    let mut by_author_year: HashMap<(i32, u64), Vec<usize>, Fast> = HashMap::default();
    for (idx, entry) in entries.iter().enumerate() {
        if let (Some(year), Some(family)) = (entry.year(), entry.first_family()) {
            by_author_year.entry((year, folded_hash(family))).or_default().push(idx);
        }
    }
    // Titles are folded only where a first author and year are shared.
    let groups: Vec<Vec<(usize, String)>> = by_author_year
        .into_values()
        .filter(|group| group.len() > 1)
        .map(|group| {
            group
                .into_iter()
                .map(|idx| {
                    (idx, fold_title(entries[idx].text("title").unwrap_or_default()))
                })
                .filter(|(_, title)| !title.is_empty())
                .collect()
        })
        .collect();
    // Within a group, a pair is compared only when the two titles share
    // their first or their last BLOCK characters: titles "differing by a few
    // characters" do, and a large group costs no quadratic comparison.
    let mut found: Vec<(usize, usize)> = Vec::new();
    for group in groups.iter().filter(|group| group.len() > 1) {
        let mut by_end: HashMap<(bool, &str), Vec<usize>> = HashMap::new();
        let mut grams: HashMap<usize, Vec<[u8; 3]>> = HashMap::new();
        for (later, (_, title)) in group.iter().enumerate() {
            let ends = [(false, head(title)), (true, tail(title))];
            let mut candidates: Vec<usize> = ends
                .iter()
                .filter_map(|end| by_end.get(end))
                .flatten()
                .copied()
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            let mut similar = |first: usize| {
                if group[first].1 == *title {
                    return true;
                }
                let a = grams
                    .entry(first)
                    .or_insert_with(|| trigrams(&group[first].1))
                    .clone();
                let b = grams.entry(later).or_insert_with(|| trigrams(title));
                dice(&a, b) >= SAME_TITLE
            };
            if let Some(first) = candidates.into_iter().find(|&first| similar(first)) {
                found.push((group[first].0, group[later].0));
            }
            for end in ends {
                by_end.entry(end).or_default().push(later);
            }
        }
    }
    found.sort_unstable_by_key(|&(_, later)| later);
    for (first, idx) in found {
        if paired.contains(&(first, idx)) {
            continue;
        }
        let entry = &entries[idx];
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
}

/// Characters of a title's start and end that near-identical titles share.
const BLOCK: usize = 12;

fn head(title: &str) -> &str {
    title.char_indices().nth(BLOCK).map_or(title, |(idx, _)| &title[..idx])
}

fn tail(title: &str) -> &str {
    let n = title.chars().count();
    if n <= BLOCK {
        return title;
    }
    title.char_indices().nth(n - BLOCK).map_or(title, |(idx, _)| &title[idx..])
}

/// The distinct character trigrams of a folded title (padded with spaces), sorted.
fn trigrams(folded: &str) -> Vec<[u8; 3]> {
    let padded = format!(" {folded} ");
    let mut grams: Vec<[u8; 3]> =
        padded.as_bytes().windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// Dice coefficient of two sorted trigram sets, as
/// [`crate::doi::discover::title_similarity`] computes it for two titles.
fn dice(a: &[[u8; 3]], b: &[[u8; 3]]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// Hashes with FNV-1a (see [`super::datamodel::Fnv`]): the maps here hold
/// one key per entry and are looked up once per entry.
type Fast = std::hash::BuildHasherDefault<super::datamodel::Fnv>;

/// The FNV-1a hash of [`fold`]'s result, without building it.
fn folded_hash(text: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = super::datamodel::Fnv::default();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            hasher.write_u8(c.to_ascii_lowercase() as u8);
        } else if !c.is_ascii() && c.is_alphanumeric() {
            for d in deunicode::deunicode_char(c).unwrap_or("").bytes() {
                if d.is_ascii_alphanumeric() {
                    hasher.write_u8(d.to_ascii_lowercase());
                }
            }
        }
    }
    hasher.finish()
}

/// A title (BibLaTeX source form) as lower-case ASCII letters and digits,
/// words joined by one space; TeX command names (`\emph`) are left out.
fn fold_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut chars = title.chars().peekable();
    let mut gap = false;
    while let Some(c) = chars.next() {
        if c == '\\' {
            while chars.next_if(char::is_ascii_alphabetic).is_some() {}
            gap = true;
        } else if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else if !c.is_ascii() && c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(
                deunicode::deunicode_char(c)
                    .unwrap_or("")
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|d| d.to_ascii_lowercase()),
            );
        } else if c != '{' && c != '}' {
            gap = true;
        }
    }
    out
}

fn cross_references(
    entries: &[Entry],
    places: &dyn Places,
    file: &str,
    out: &mut Vec<Finding>,
) {
    if !entries
        .iter()
        .any(|e| e.fields.contains_key("crossref") || e.fields.contains_key("xref"))
    {
        return;
    }
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
    fn titles_fold_without_markup() {
        assert_eq!(
            fold_title("The {DNA} of \\emph{Über} Cities: a Study"),
            "the dna of uber cities a study"
        );
        assert_eq!(fold_title("Alibaba's bank"), "alibaba s bank");
    }

    #[test]
    fn folded_hash_is_the_hash_of_fold() {
        use crate::link::resolve::fold;
        use std::hash::Hasher;
        for name in ["Öztürk", "van der Berg", "O'Brien-Smith", "王"] {
            let mut hasher = crate::check::datamodel::Fnv::default();
            hasher.write(fold(name).as_bytes());
            assert_eq!(folded_hash(name), hasher.finish(), "{name}");
        }
    }

    #[test]
    fn dice_agrees_with_the_title_similarity_of_discover() {
        let (a, b) = ("the dna of cities", "the dna of citie");
        let expected = crate::doi::discover::title_similarity(a, b);
        assert!((dice(&trigrams(a), &trigrams(b)) - expected).abs() < 1e-9);
    }

    #[test]
    fn words_with_inner_capitals_and_their_protection() {
        assert_eq!(
            cased_words("The {DNA} of iPhone users and \\emph{RNA}"),
            vec![("DNA".into(), true), ("iPhone".into(), false), ("RNA".into(), true)]
        );
        assert_eq!(cased_words("{{Whole Title With DNA}}"), vec![("DNA".into(), true)]);
    }
}
