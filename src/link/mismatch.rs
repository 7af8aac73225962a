//! What a callout and its reference disagree on: all warnings, none of them
//! changes a resolution.
//!
//! Kinds: `year` (the name is in the list, with another year), `suffix`
//! (`2015` against `2015a`), `spelling` (`Muller` against `Müller`, a curly
//! against a straight apostrophe), `authors` (more cited authors, or
//! `et al.` for a single author), `author_order`, `no_authors` (resolved to
//! the one reference of that year without authors), `date_vs_url` (the
//! reference's URL is dated in another year: `/n/2013/0621/` for a 2016
//! reference), `date_vs_text` (the citing sentence dates the cited event
//! `In January 2015`, the reference is of January 2017).

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::resolve::{fold, split_given};
use super::{Callout, CalloutKind, Item, Mismatch, Reference, Status};

/// A date in a URL path: `/2013/0621/`, `/2015-07/04/`, `/2014/03/23/`.
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"/((?:19|20)\d\d)(?:[-/](0[1-9]|1[0-2])(?:[-/]?(0[1-9]|[12]\d|3[01]))?)?/",
    )
    .expect("valid regex")
});

/// A month and year in running text: `January 2015`, `Jan. 2015`.
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)\s+((?:19|20)\d\d)\b")
        .expect("valid regex")
});

/// The disagreements between `callouts` and the references they resolve to.
pub fn check(
    document: &str,
    callouts: &[Callout],
    references: &[Reference],
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut url_reported: HashSet<usize> = HashSet::new();
    for (c, callout) in callouts.iter().enumerate() {
        if callout.kind == CalloutKind::Numeric {
            continue;
        }
        for item in &callout.items {
            let printed = &document[item.span.clone()];
            let mut push = |ref_index: usize, kind: &'static str, message: String| {
                out.push(Mismatch { callout: c, ref_index, kind, message });
            };
            if item.status == Status::Unresolved
                && let Some(&candidate) = item.candidates.first()
                && item.fit.is_some_and(|f| f.date == 0)
            {
                let r = &references[candidate];
                push(
                    candidate,
                    "year",
                    format!(
                        "callout '{printed}' gives {}, but the reference of {} at line {} is dated {}",
                        item.year,
                        first_name(r),
                        r.line,
                        year_text(r)
                    ),
                );
                continue;
            }
            if item.status != Status::Resolved {
                continue;
            }
            let Some(&target) = item.targets.first() else { continue };
            let r = &references[target];
            match item.note {
                Some("spelling") => push(
                    target,
                    "spelling",
                    format!(
                        "callout '{printed}' spells the name '{}', the reference at line {} '{}'",
                        cited_family(item),
                        r.line,
                        first_name(r)
                    ),
                ),
                Some("author_order") => push(
                    target,
                    "author_order",
                    format!(
                        "callout '{printed}' names the authors of the reference at line {} in another order ({})",
                        r.line,
                        all_names(r)
                    ),
                ),
                Some("no_authors") => push(
                    target,
                    "no_authors",
                    format!(
                        "callout '{printed}' taken as the reference at line {}, the only one of {} without authors: check that it is the cited work and add its authors",
                        r.line,
                        year_text(r)
                    ),
                ),
                _ => {}
            }
            if item.note.is_none() {
                let cited = cited_family(item);
                let display = r.names.first().map(|n| n.display.as_str()).unwrap_or("");
                let display = display.trim_end_matches('.');
                if !cited.is_empty()
                    && !display.is_empty()
                    && cited.to_lowercase() != display.to_lowercase()
                    && !display.ends_with(&cited)
                    && fold(&cited) == fold(display)
                {
                    push(
                        target,
                        "spelling",
                        format!(
                            "callout '{printed}' writes '{cited}', the reference at line {} '{display}'",
                            r.line
                        ),
                    );
                }
            }
            if let Some(fit) = item.fit {
                // Resolved with another year: only an exact link (a JATS
                // xref's rid) gets here, the text linker never resolves it.
                if fit.date == 0 && item.note.is_none() {
                    push(
                        target,
                        "year",
                        format!(
                            "callout '{printed}' gives {}, but the reference it links to at line {} is dated {}",
                            item.year,
                            r.line,
                            year_text(r)
                        ),
                    );
                }
                if fit.date == 1 {
                    push(
                        target,
                        "suffix",
                        format!(
                            "callout '{printed}' gives {}, the reference at line {} is {}",
                            item.year,
                            r.line,
                            year_text(r)
                        ),
                    );
                }
                let n_cited = cited_count(item);
                let corporate = r.names.first().is_some_and(|n| n.corporate);
                if item.note.is_none()
                    && !corporate
                    && (n_cited > r.names.len() && !r.others
                        || (item.authors.contains("et al")
                            && r.names.len() == 1
                            && !r.others))
                {
                    push(
                        target,
                        "authors",
                        format!(
                            "callout '{printed}' cites {} author(s), the reference at line {} has {}: {}",
                            if item.authors.contains("et al") {
                                "several".to_string()
                            } else {
                                n_cited.to_string()
                            },
                            r.line,
                            r.names.len(),
                            all_names(r)
                        ),
                    );
                }
            }
            if url_reported.insert(target)
                && let (Some(url), Some(year)) = (&r.url, r.year)
                && let Some(url_year) = url_year(url)
                && url_year != year
            {
                push(
                    target,
                    "date_vs_url",
                    format!(
                        "reference at line {} ({}, {}) is dated {year} but its URL is dated {url_year}: {url}",
                        r.line,
                        first_name(r),
                        year_text(r)
                    ),
                );
            }
            if let (Some(month), Some(year)) = (r.month, r.year) {
                for m in MONTH_YEAR.captures_iter(&callout.sentence.text) {
                    let said_month =
                        crate::model::month_number(m[1].trim_end_matches('.'));
                    let said_year: i32 = m[2].parse().unwrap_or(0);
                    if said_month == Some(month) && said_year != year {
                        push(
                            target,
                            "date_vs_text",
                            format!(
                                "the sentence citing '{printed}' says {} {said_year}, the reference at line {} is dated {}",
                                &m[1],
                                r.line,
                                year_text(r)
                            ),
                        );
                        break;
                    }
                }
            }
        }
    }
    out
}

/// The year of a URL's dated path, when it has one.
fn url_year(url: &str) -> Option<i32> {
    URL_DATE.captures(url).and_then(|c| c[1].parse().ok())
}

fn first_name(r: &Reference) -> String {
    r.names
        .first()
        .map(|n| n.display.clone())
        .unwrap_or_else(|| "(no author)".to_string())
}

fn all_names(r: &Reference) -> String {
    r.names.iter().map(|n| n.display.as_str()).collect::<Vec<_>>().join(", ")
}

fn year_text(r: &Reference) -> String {
    match r.year {
        Some(year) => format!("{year}{}", r.suffix.as_deref().unwrap_or("")),
        None if r.in_press => "in press".to_string(),
        None => "n.d.".to_string(),
    }
}

/// The first cited name's family part as printed (`Zhao` of `Yuezhi Zhao`).
fn cited_family(item: &Item) -> String {
    let first = split_names(&item.authors).into_iter().next().unwrap_or_default();
    let first = first.trim_end_matches("'s").trim_end_matches("’s").to_string();
    match split_given(&first) {
        Some((_, family)) if first.split_whitespace().count() == 2 => family.to_string(),
        _ => first,
    }
}

fn cited_count(item: &Item) -> usize {
    split_names(&item.authors).len()
}

/// `Plantin, Lagoze, Edwards, & Sandvig` → the four names.
fn split_names(authors: &str) -> Vec<String> {
    let cleaned = authors
        .replace("et al.", "")
        .replace("et al", "")
        .replace(" and colleagues", "")
        .replace(" and co-workers", "");
    cleaned
        .split([',', '&'])
        .flat_map(|part| part.split(" and "))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_dates() {
        assert_eq!(
            url_year("http://cpc.people.com.cn/n/2013/0621/c78779-21920452.html"),
            Some(2013)
        );
        assert_eq!(
            url_year("http://www.gov.cn/zhengce/content/2015-07/04/content_10002.htm"),
            Some(2015)
        );
        assert_eq!(
            url_year("http://www.reuters.com/article/idUSSHA3219242009S1124"),
            None
        );
        assert_eq!(
            split_names("Plantin, Lagoze, Edwards, & Sandvig"),
            vec!["Plantin", "Lagoze", "Edwards", "Sandvig"]
        );
        assert_eq!(split_names("Cao et al."), vec!["Cao"]);
    }
}
