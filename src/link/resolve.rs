//! Which reference a cited work is: names compared without case,
//! diacritics, apostrophes, hyphens and particles; the year with its suffix;
//! `et al.` standing for the authors after the first; given names written
//! out (`Yuezhi Zhao`) checked against the reference's initials (`Zhao, Y. Z.`).

use std::collections::HashMap;
use std::ops::Range;

use crate::model::{Entry, Name, Value};

use super::Status;

/// Particles a family name may carry or drop (`von Philipsborn`, `de Souza`).
const PARTICLES: &[&str] = &[
    "von", "van", "de", "der", "den", "del", "della", "di", "da", "du", "la", "le",
    "ten", "ter", "dos", "das", "do", "zu", "vom", "el", "al", "bin", "ibn", "st", "las",
    "los", "des",
];

/// One reference of a document's list, as callouts see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reference {
    /// Its key in the store.
    pub key: String,
    /// Its label in a numbered list (`12`).
    pub label: Option<String>,
    /// First line (1-based) of the reference in the document.
    pub line: u32,
    /// Its byte span in the document.
    pub span: Range<usize>,
    /// Its authors (else editors), in order.
    pub names: Vec<RefName>,
    /// Whether its author list ends with `et al.` / `and others`.
    pub others: bool,
    /// The year of its date, if it has one.
    pub year: Option<i32>,
    /// The month of its date, if it has one.
    pub month: Option<u32>,
    /// The letter printed after the year (`a` of `2015a`).
    pub suffix: Option<String>,
    /// Whether it says `in press` or `forthcoming` instead of a year.
    pub in_press: bool,
    /// Its DOI.
    pub doi: Option<String>,
    /// Its URL.
    pub url: Option<String>,
}

/// One name of a reference.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RefName {
    /// The name as printed (family name, or the whole corporate name).
    pub display: String,
    /// The family name folded: lower case, ASCII, letters and digits only,
    /// with its particle (`vonphilipsborn`).
    pub key: String,
    /// The family name folded without its particle (`philipsborn`).
    pub bare: String,
    /// Initials of the given names, lower case (`['y', 'z']`).
    pub initials: Vec<char>,
    /// A corporate name.
    pub corporate: bool,
}

impl Reference {
    /// What callouts need of an entry read from a reference list.
    pub fn from_entry(
        entry: &Entry,
        key: String,
        label: Option<String>,
        line: u32,
        span: Range<usize>,
    ) -> Reference {
        let mut names = Vec::new();
        let mut others = false;
        for name in super::entry_names(entry) {
            match name {
                Name::Person { family, given, prefix, .. } => {
                    let full = if prefix.is_empty() {
                        family.clone()
                    } else {
                        format!("{prefix} {family}")
                    };
                    names.push(RefName {
                        display: full.clone(),
                        key: fold(&full),
                        bare: fold(strip_particles(&full)),
                        initials: initials(given),
                        corporate: false,
                    });
                }
                Name::Literal(literal) => names.push(RefName {
                    display: literal.clone(),
                    key: fold(literal),
                    bare: fold(literal),
                    initials: Vec::new(),
                    corporate: true,
                }),
                Name::Others => others = true,
            }
        }
        let text = |field: &str| match entry.fields.get(field).map(|f| &f.value) {
            Some(Value::Text(text)) => Some(text.clone()),
            _ => None,
        };
        let date = text("date").and_then(|d| crate::model::Date::parse(&d).ok());
        let year = date.as_ref().and_then(|d| d.year());
        let month = text("date").and_then(|d| {
            let mut parts = d.split('-');
            parts.next()?;
            parts.next()?.get(..2)?.parse().ok()
        });
        let suffix = entry.sources.iter().find_map(|s| s.year_suffix.clone());
        let printed = entry
            .extra
            .iter()
            .find(|x| x.tag == super::super::reflist::REFERENCE_TAG)
            .map(|x| x.value.to_lowercase())
            .unwrap_or_default();
        let in_press = year.is_none()
            && (printed.contains("in press") || printed.contains("forthcoming"));
        Reference {
            key,
            label,
            line,
            span,
            names,
            others,
            year,
            month,
            suffix,
            in_press,
            doi: text("doi"),
            url: text("url"),
        }
    }
}

/// Lower case ASCII letters and digits only: `People’s Bank` and
/// `Peoples bank` are one name, `Müller` and `Muller` too.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !c.is_ascii() && c.is_alphanumeric() {
            for d in deunicode::deunicode_char(c).unwrap_or("").chars() {
                if d.is_ascii_alphanumeric() {
                    out.push(d.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

/// `text` without leading particles (`von Philipsborn` → `Philipsborn`).
fn strip_particles(text: &str) -> &str {
    let mut rest = text.trim();
    loop {
        let Some((first, after)) = rest.split_once([' ', '\u{a0}']) else { return rest };
        if PARTICLES.contains(&first.to_lowercase().trim_end_matches('\''))
            && !after.trim().is_empty()
        {
            rest = after.trim_start();
        } else {
            return rest;
        }
    }
}

/// Lower-case initials of given names: `Y. Z.` → `yz`, `Yuezhi` → `y`,
/// `PR` (PubMed style) → `pr`, `Jean-Paul` → `jp`.
pub fn initials(given: &str) -> Vec<char> {
    let mut out = Vec::new();
    for word in given.split(|c: char| c.is_whitespace() || c == '.' || c == '-') {
        let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.is_empty() {
            continue;
        }
        if letters.len() <= 3 && letters.iter().all(|c| c.is_uppercase()) {
            out.extend(letters.iter().flat_map(|c| c.to_lowercase()));
        } else if let Some(first) = letters.first() {
            out.extend(fold(&first.to_string()).chars().take(1));
        }
    }
    out
}

/// One name as a callout prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedName {
    /// As printed (`Yuezhi Zhao`, `People’s Bank of China`).
    pub text: String,
}

/// A cited work: names, `et al.`, year and suffix.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cited {
    /// The names as printed, in order.
    pub names: Vec<String>,
    /// `et al.`, `and colleagues`, `and co-workers`.
    pub others: bool,
    /// The year, or none for `n.d.` and `in press`.
    pub year: Option<i32>,
    /// The suffix letter (`a`).
    pub suffix: Option<String>,
    /// `in press` or `forthcoming`.
    pub in_press: bool,
}

/// How well a cited work fits a reference; larger is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fit {
    /// 2: year and suffix agree; 1: the year agrees, the suffix does not; 0: the year differs.
    pub date: u8,
    /// 2: every name agrees and the number of authors fits; 1: the first name agrees.
    pub names: u8,
    /// Given names written out agree with the initials (2), none given (1), disagree (0).
    pub given: u8,
}

/// The outcome of resolving one cited work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// Resolved, ambiguous or unresolved.
    pub status: Status,
    /// The reference, when resolved.
    pub targets: Vec<usize>,
    /// The references it could be, otherwise.
    pub candidates: Vec<usize>,
    /// How the chosen reference fits (for mismatches).
    pub fit: Option<Fit>,
    /// The name matched only up to one spelling difference.
    pub fuzzy: bool,
    /// How a resolution short of a full match was reached: `author_order`
    /// (the cited names are the reference's, in another order),
    /// `no_authors` (the only reference of that year without authors).
    pub note: Option<&'static str>,
}

impl Resolution {
    fn unresolved(candidates: Vec<usize>, fit: Option<Fit>, fuzzy: bool) -> Resolution {
        Resolution {
            status: Status::Unresolved,
            targets: Vec::new(),
            candidates,
            fit,
            fuzzy,
            note: None,
        }
    }
}

/// The references of a document, indexed by name and label.
pub struct Index<'a> {
    references: &'a [Reference],
    /// First-author keys (with and without particles, corporate acronyms) → references.
    by_name: HashMap<String, Vec<usize>>,
    /// Every author's key → references.
    by_author: HashMap<String, Vec<usize>>,
    /// Years of references without authors → references.
    anonymous: HashMap<Option<i32>, Vec<usize>>,
    /// Labels → references.
    by_label: HashMap<String, usize>,
}

/// Whether the list is numbered: most references carry a numeric label.
pub fn list_is_numbered(references: &[Reference]) -> bool {
    let numbered = references
        .iter()
        .filter(|r| {
            r.label.as_deref().is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
        })
        .count();
    numbered > 0 && numbered * 2 >= references.len()
}

impl<'a> Index<'a> {
    /// Indexes `references`.
    pub fn new(references: &'a [Reference]) -> Index<'a> {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_label = HashMap::new();
        let mut by_author: HashMap<String, Vec<usize>> = HashMap::new();
        let mut anonymous: HashMap<Option<i32>, Vec<usize>> = HashMap::new();
        for (i, reference) in references.iter().enumerate() {
            for name in reference.names.iter().skip(1) {
                by_author.entry(name.bare.clone()).or_default().push(i);
            }
            if reference.names.is_empty() {
                anonymous.entry(reference.year).or_default().push(i);
            }
            if let Some(first) = reference.names.first() {
                let mut keys = vec![first.key.clone(), first.bare.clone()];
                if first.corporate {
                    keys.push(acronym(&first.display));
                }
                keys.sort();
                keys.dedup();
                for key in keys.into_iter().filter(|k| !k.is_empty()) {
                    by_name.entry(key).or_default().push(i);
                }
            }
            if let Some(label) = &reference.label {
                by_label.entry(label.clone()).or_insert(i);
            }
        }
        Index { references, by_name, by_author, anonymous, by_label }
    }

    /// The references.
    pub fn references(&self) -> &'a [Reference] {
        self.references
    }

    /// The reference labelled `label`.
    pub fn by_label(&self, label: &str) -> Option<usize> {
        self.by_label.get(label).copied()
    }

    /// Whether `name` (a callout's first name, as printed) is the first author
    /// of some reference.
    pub fn knows_name(&self, name: &str) -> bool {
        !self.first_author_candidates(name).0.is_empty()
    }

    /// References whose first author is `name`, and whether the match needed
    /// a spelling difference. A name of several words is tried whole
    /// (corporate, compound) and as given names + family name.
    fn first_author_candidates(&self, name: &str) -> (Vec<usize>, bool) {
        let whole = fold(name);
        if let Some(found) = self.by_name.get(&whole) {
            return (found.clone(), false);
        }
        let bare = fold(strip_particles(name));
        if let Some(found) = self.by_name.get(&bare) {
            return (found.clone(), false);
        }
        if let Some((_, family)) = split_given(name)
            && let Some(found) = self.by_name.get(&fold(family))
        {
            return (found.clone(), false);
        }
        (Vec::new(), false)
    }

    /// References whose first author is one spelling difference away from `name`.
    fn fuzzy_candidates(&self, name: &str) -> Vec<usize> {
        let folded = fold(strip_particles(name));
        if folded.len() < 5 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (key, refs) in &self.by_name {
            if key.len().abs_diff(folded.len()) <= 1
                && edit_distance_at_most_one(key, &folded)
            {
                out.extend(refs.iter().copied());
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Resolves a cited work.
    pub fn resolve(&self, cited: &Cited) -> Resolution {
        let Some(first) = cited.names.first() else {
            return Resolution::unresolved(Vec::new(), None, false);
        };
        let (mut candidates, _) = self.first_author_candidates(first);
        let mut fuzzy = false;
        if candidates.is_empty() {
            candidates = self.fuzzy_candidates(first);
            fuzzy = !candidates.is_empty();
        }
        if candidates.is_empty() {
            return self.fallback(cited);
        }
        let mut scored: Vec<(Fit, usize)> = candidates
            .iter()
            .map(|&i| (self.fit(cited, &self.references[i]), i))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let best = scored[0].0;
        let top: Vec<usize> =
            scored.iter().filter(|(f, _)| *f == best).map(|&(_, i)| i).collect();
        // A name spelt differently is taken only when all else agrees.
        let fuzzy_doubt = fuzzy && (best.date < 2 || best.names < 2);
        if fuzzy_doubt {
            let fallback = self.fallback(cited);
            if fallback.status != Status::Unresolved {
                return fallback;
            }
        }
        if best.date == 0 || best.given == 0 || fuzzy_doubt {
            // The name fits, the date does not: say which it could be, do not guess.
            let mut all: Vec<usize> = scored.iter().map(|&(_, i)| i).collect();
            all.sort_unstable();
            return Resolution::unresolved(all, Some(best), fuzzy);
        }
        if top.len() == 1 {
            return Resolution {
                status: Status::Resolved,
                targets: top,
                candidates: Vec::new(),
                fit: Some(best),
                fuzzy,
                note: None,
            };
        }
        let mut top = top;
        top.sort_unstable();
        Resolution {
            status: Status::Ambiguous,
            targets: Vec::new(),
            candidates: top,
            fit: Some(best),
            fuzzy,
            note: None,
        }
    }

    /// No reference has the cited first author first: the cited authors in
    /// another order, or the one reference of that year without authors.
    fn fallback(&self, cited: &Cited) -> Resolution {
        let first = fold(strip_particles(&cited.names[0]));
        let reordered: Vec<usize> = self
            .by_author
            .get(&first)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                let r = &self.references[i];
                r.year == cited.year
                    && cited
                        .names
                        .iter()
                        .all(|n| r.names.iter().any(|rn| name_matches(n, rn)))
            })
            .collect();
        let (found, note) = if reordered.is_empty() {
            let same_year: Vec<usize> = self
                .anonymous
                .get(&cited.year)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&i| {
                    cited.year.is_some() && self.references[i].suffix == cited.suffix
                })
                .collect();
            (same_year, "no_authors")
        } else {
            (reordered, "author_order")
        };
        match found.len() {
            0 => Resolution::unresolved(Vec::new(), None, false),
            1 => Resolution {
                status: Status::Resolved,
                targets: found,
                candidates: Vec::new(),
                fit: None,
                fuzzy: false,
                note: Some(note),
            },
            _ => Resolution {
                status: Status::Ambiguous,
                targets: Vec::new(),
                candidates: found,
                fit: None,
                fuzzy: false,
                note: Some(note),
            },
        }
    }

    /// How `cited` fits `reference`.
    pub fn fit(&self, cited: &Cited, reference: &Reference) -> Fit {
        let date = if cited.in_press || reference.in_press {
            if cited.in_press && reference.in_press { 2 } else { 0 }
        } else if cited.year != reference.year {
            0
        } else if cited.suffix == reference.suffix {
            2
        } else {
            1
        };
        // Later names must be the reference's later authors, in order.
        let later_agree = cited.names.iter().skip(1).enumerate().all(|(i, name)| {
            reference.names.get(i + 1).is_some_and(|r| name_matches(name, r))
        });
        let n = cited.names.len();
        let m = reference.names.len();
        // `et al.` stands for two or more further authors in most styles
        // (APA, Harvard, eLife); a reference of two authors fits less well.
        let count_fits = if cited.others {
            m >= 3 || reference.others
        } else {
            n == m || (reference.others && n <= m)
        };
        let names = if later_agree && count_fits {
            2
        } else if later_agree {
            1
        } else {
            0
        };
        // Given names are read off a cited name only when the whole of it is
        // not the family name (`Ben Khalifa` is one).
        let whole_is_family =
            cited.names.first().zip(reference.names.first()).is_some_and(|(n, r)| {
                let folded = fold(n);
                folded == r.key || folded == r.bare || fold(strip_particles(n)) == r.bare
            });
        let split =
            cited.names.first().and_then(|n| split_given(n)).filter(|_| !whole_is_family);
        let given = match (split, reference.names.first()) {
            (Some((given, _)), Some(first)) if !first.corporate => {
                let cited_initials = initials(given);
                if cited_initials.is_empty() || first.initials.is_empty() {
                    1
                } else if first.initials.starts_with(&cited_initials[..1])
                    && cited_initials.iter().all(|c| first.initials.contains(c))
                {
                    2
                } else {
                    0
                }
            }
            _ => 1,
        };
        Fit { date, names, given }
    }
}

/// Whether a cited name is this reference name.
fn name_matches(cited: &str, name: &RefName) -> bool {
    let folded = fold(cited);
    folded == name.key
        || folded == name.bare
        || fold(strip_particles(cited)) == name.bare
        || split_given(cited).is_some_and(|(_, family)| fold(family) == name.bare)
}

/// `Yuezhi Zhao` → (`Yuezhi`, `Zhao`): given names written before a family
/// name, when the name has several words that all start with a capital.
pub fn split_given(name: &str) -> Option<(&str, &str)> {
    let name = name.trim();
    let (given, family) = name.rsplit_once(' ')?;
    let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    (given.split_whitespace().all(capitalised) && capitalised(family))
        .then_some((given, family))
}

/// `World Health Organization` → `who`.
fn acronym(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `a` and `b` differ by at most one insertion, deletion,
/// substitution or swap of neighbours.
fn edit_distance_at_most_one(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let p = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if p == short.len() {
        return true;
    }
    if short.len() < long.len() {
        return short[p..] == long[p + 1..];
    }
    short[p + 1..] == long[p + 1..]
        || (p + 1 < short.len()
            && short[p] == long[p + 1]
            && short[p + 1] == long[p]
            && short[p + 2..] == long[p + 2..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(names: &[(&str, &str)], year: i32, suffix: Option<&str>) -> Reference {
        Reference {
            names: names
                .iter()
                .map(|(family, given)| RefName {
                    display: family.to_string(),
                    key: fold(family),
                    bare: fold(strip_particles(family)),
                    initials: initials(given),
                    corporate: given.is_empty(),
                })
                .collect(),
            year: Some(year),
            suffix: suffix.map(str::to_string),
            ..Reference::default()
        }
    }

    fn cited(names: &[&str], others: bool, year: i32, suffix: Option<&str>) -> Cited {
        Cited {
            names: names.iter().map(|s| s.to_string()).collect(),
            others,
            year: Some(year),
            suffix: suffix.map(str::to_string),
            in_press: false,
        }
    }

    #[test]
    fn folds_case_diacritics_and_apostrophes() {
        assert_eq!(fold("People’s Bank of China"), fold("People's bank of China"));
        assert_eq!(fold("Müller"), "muller");
        assert_eq!(fold("O’Carroll"), "ocarroll");
        assert_eq!(initials("Y. Z."), vec!['y', 'z']);
        assert_eq!(initials("PR"), vec!['p', 'r']);
        assert_eq!(initials("Jean-Paul"), vec!['j', 'p']);
        assert!(edit_distance_at_most_one("muller", "mueller"));
        assert!(edit_distance_at_most_one("smith", "smyth"));
        assert!(edit_distance_at_most_one("zhoa", "zhao"));
        assert!(!edit_distance_at_most_one("smith", "jones"));
    }

    #[test]
    fn year_suffix_given_names_and_et_al_decide() {
        let refs = vec![
            reference(&[("Wang", "J.")], 2017, None),
            reference(&[("Wang", "J.")], 2018, None),
            reference(&[("Xinhua", "")], 2015, Some("a")),
            reference(&[("Xinhua", "")], 2015, Some("b")),
            reference(&[("Zhao", "Y. Z.")], 2007, None),
            reference(&[("Cao", "R."), ("Wang", "L."), ("Zhang", "Y.")], 2002, None),
            reference(&[("von Philipsborn", "A. C.")], 2011, None),
            reference(&[("Schuettengruber", "B.")], 2007, None),
        ];
        let index = Index::new(&refs);
        assert_eq!(
            index.resolve(&cited(&["Jing Wang"], false, 2018, None)).targets,
            vec![1]
        );
        assert_eq!(
            index.resolve(&cited(&["Xinhua"], false, 2015, Some("b"))).targets,
            vec![3]
        );
        let ambiguous = index.resolve(&cited(&["Xinhua"], false, 2015, None));
        assert_eq!(ambiguous.status, Status::Ambiguous);
        assert_eq!(ambiguous.candidates, vec![2, 3]);
        assert_eq!(
            index.resolve(&cited(&["Yuezhi Zhao"], false, 2007, None)).targets,
            vec![4]
        );
        assert_eq!(index.resolve(&cited(&["Cao"], true, 2002, None)).targets, vec![5]);
        assert_eq!(
            index.resolve(&cited(&["Philipsborn"], true, 2011, None)).targets,
            vec![6]
        );
        assert_eq!(
            index.resolve(&cited(&["von Philipsborn"], true, 2011, None)).targets,
            vec![6]
        );
        let wrong_year = index.resolve(&cited(&["Zhao"], false, 2008, None));
        assert_eq!(wrong_year.status, Status::Unresolved);
        assert_eq!(wrong_year.candidates, vec![4]);
        let wrong_given = index.resolve(&cited(&["Li Zhao"], false, 2007, None));
        assert_eq!(wrong_given.status, Status::Unresolved);
        let typo = index.resolve(&cited(&["Schuettengrubr"], false, 2007, None));
        assert_eq!((typo.status, typo.fuzzy), (Status::Resolved, true));
    }
}
