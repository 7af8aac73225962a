//! Scoring the JATS reader against the gold papers (`biblink eval jats`).
//!
//! References: for each gold reference (by `xml_id`) and each of authors
//! (family + given of every author, in order; corporate names as one),
//! year (with its suffix), title, container, volume, issue, pages (`fpage`
//! and `lpage`, else the `elocation-id`) and DOI, a value counts when the gold
//! has it (values only we have are counted apart, as `extra`: the gold
//! leaves untagged mixed citations unparsed), and is equal when both are the same after
//! lower-casing and keeping only letters and digits (so `L. A.` equals the
//! gold's `LA`, `158--63` its `158`/`63`). The title and the container are
//! our `title` and `journaltitle`/`booktitle`/`howpublished`; an entry with
//! a `title` and no container (a book, a web page) is compared with the
//! gold's title when it has one, else with its source.
//!
//! Callouts: a gold callout (one `<xref>`) is reproduced when one of our
//! items (implied range items aside, each used once) has the same printed
//! text (white space collapsed) and exactly its target ids.

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::model::{Entry, Name};

/// The figures of one article.
#[derive(Debug, Clone, Default)]
pub struct ArticleScore {
    /// The gold paper's id.
    pub id: String,
    /// Values equal, values compared.
    pub values: (usize, usize),
    /// Per field: equal, compared.
    pub by_field: Vec<(&'static str, usize, usize)>,
    /// Gold callouts reproduced, gold callouts, our items.
    pub callouts: (usize, usize, usize),
    /// Values we have where the gold has none.
    pub extra: usize,
    /// Gold range-implied targets we imply, of all.
    pub implied: (usize, usize),
    /// Every difference, for `--problems`.
    pub problems: Vec<String>,
}

const FIELDS: [&str; 8] =
    ["authors", "year", "title", "container", "volume", "issue", "pages", "doi"];

fn norm(value: &str) -> String {
    value.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn gold_str(json: &Json, key: &str) -> Option<String> {
    json[key].as_str().map(str::to_string).filter(|s| !s.trim().is_empty())
}

fn plain(entry: &Entry, field: &str) -> Option<String> {
    entry.text(field).map(|t| crate::tex::to_plain(t, false)).filter(|t| !t.is_empty())
}

/// Our values of the eight fields, given the gold reference (for the
/// title/container choice of an entry without a container).
fn ours(entry: &Entry, gold: &Json) -> [Option<String>; 8] {
    let authors = entry.names("author").map(|names| {
        names
            .iter()
            .filter_map(|n| match n {
                Name::Person { family, given, prefix, .. } => {
                    Some(format!("{prefix}{family}{given}"))
                }
                Name::Literal(l) => Some(l.clone()),
                Name::Others => None,
            })
            .collect::<Vec<_>>()
            .join("|")
    });
    let year = entry.year().map(|y| {
        let suffix =
            entry.sources.iter().find_map(|s| s.year_suffix.clone()).unwrap_or_default();
        format!("{y}{suffix}")
    });
    let container = ["journaltitle", "booktitle", "howpublished"]
        .iter()
        .find_map(|f| plain(entry, f));
    let (title, container) = match container {
        Some(c) => (plain(entry, "title"), Some(c)),
        None if gold_str(gold, "title").is_some() => (plain(entry, "title"), None),
        None => (None, plain(entry, "title")),
    };
    let pages = plain(entry, "pages").or_else(|| plain(entry, "eid"));
    [
        authors.filter(|a| !a.is_empty()),
        year,
        title,
        container,
        plain(entry, "volume"),
        plain(entry, "number"),
        pages,
        entry.text("doi").map(str::to_string),
    ]
}

fn gold_values(gold: &Json) -> [Option<String>; 8] {
    let authors: Vec<String> = gold["authors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| {
            if let Some(family) = a["family"].as_str() {
                Some(format!("{family}{}", a["given"].as_str().unwrap_or("")))
            } else {
                a["collab"].as_str().or_else(|| a["literal"].as_str()).map(str::to_string)
            }
        })
        .collect();
    let year = gold_str(gold, "year")
        .map(|y| format!("{y}{}", gold_str(gold, "year_suffix").unwrap_or_default()));
    let pages = match (gold_str(gold, "fpage"), gold_str(gold, "lpage")) {
        (Some(f), Some(l)) if f != l => Some(format!("{f}{l}")),
        (Some(f), _) => Some(f),
        _ => gold_str(gold, "elocation_id"),
    };
    [
        (!authors.is_empty()).then(|| authors.join("|")),
        year,
        gold_str(gold, "title"),
        gold_str(gold, "source"),
        gold_str(gold, "volume"),
        gold_str(gold, "issue"),
        pages,
        gold_str(gold, "doi"),
    ]
}

/// Scores the article `xml` against `gold_json` (a `gold.json`).
pub fn score_article(
    id: &str,
    xml: &str,
    gold_json: &str,
) -> Result<ArticleScore, String> {
    let gold: Json =
        serde_json::from_str(gold_json).map_err(|e| format!("{id}: gold.json: {e}"))?;
    let file = format!("{id}.xml");
    let read = super::read_article(xml, &file);
    let article = read.value.ok_or_else(|| {
        let errors: Vec<String> = read.diagnostics.iter().map(|d| d.render()).collect();
        format!("{id}: {}", errors.join("; "))
    })?;
    let mut score = ArticleScore { id: id.to_string(), ..ArticleScore::default() };
    score.by_field = FIELDS.iter().map(|f| (*f, 0, 0)).collect();
    let by_id: HashMap<&str, usize> =
        article.references.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();
    for reference in gold["references"].as_array().into_iter().flatten() {
        let xml_id = reference["xml_id"].as_str().unwrap_or("");
        let expected = gold_values(reference);
        let got = match by_id.get(xml_id) {
            Some(&i) => ours(&article.references[i].entry, reference),
            None => Default::default(),
        };
        for (k, (e, g)) in expected.iter().zip(got.iter()).enumerate() {
            if e.is_none() {
                // A value the gold lacks: the parser's reading of an
                // untagged mixed citation, counted apart.
                if g.is_some() {
                    score.extra += 1;
                }
                continue;
            }
            let equal = match (e, g) {
                (Some(e), Some(g)) => norm(e) == norm(g),
                _ => false,
            };
            score.by_field[k].2 += 1;
            if equal {
                score.by_field[k].1 += 1;
            } else {
                score.problems.push(format!(
                    "reference {xml_id}: {} is {:?}, gold {:?}",
                    FIELDS[k], g, e
                ));
            }
        }
    }
    score.values = score.by_field.iter().fold((0, 0), |(a, b), (_, e, t)| (a + e, b + t));
    // Callouts: (text, sorted target ids) as a multiset.
    let mut found: HashMap<(String, Vec<String>), usize> = HashMap::new();
    let mut implied: Vec<Vec<String>> = Vec::new();
    let mut items = 0;
    for callout in &article.callouts {
        for item in &callout.items {
            let mut ids: Vec<String> = item
                .targets
                .iter()
                .filter_map(|&t| article.references.get(t).map(|r| r.id.clone()))
                .collect();
            ids.sort();
            if item.implied {
                implied.push(ids);
                continue;
            }
            items += 1;
            let text = super::plain_text(&xml[item.span.clone()]);
            *found.entry((text, ids)).or_default() += 1;
        }
    }
    let mut matched = 0;
    let callouts = gold["callouts"].as_array().cloned().unwrap_or_default();
    for callout in &callouts {
        let text =
            crate::tex::collapse_whitespace(callout["text"].as_str().unwrap_or(""));
        let mut ids: Vec<String> = callout["target_xml_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        ids.sort();
        match found.get_mut(&(text.clone(), ids.clone())) {
            Some(n) if *n > 0 => {
                *n -= 1;
                matched += 1;
            }
            _ => score.problems.push(format!(
                "callout {}: '{text}' -> {ids:?} not reproduced",
                callout["id"].as_str().unwrap_or("?")
            )),
        }
    }
    score.callouts = (matched, callouts.len(), items);
    let all_implied: Vec<&String> = implied.iter().flatten().collect();
    for group in gold["groups"].as_array().into_iter().flatten() {
        for target in group["range_implied_targets"].as_array().into_iter().flatten() {
            let Some(index) = target.as_u64() else { continue };
            let xml_id =
                gold["references"][index as usize]["xml_id"].as_str().unwrap_or("");
            score.implied.1 += 1;
            if all_implied.iter().any(|id| id.as_str() == xml_id) {
                score.implied.0 += 1;
            }
        }
    }
    Ok(score)
}

/// A table of the figures, per article and in total.
pub fn render(scores: &[ArticleScore], seconds: f64) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<20} {:>15} {:>15} {:>8}\n",
        "article", "values equal", "callouts", "items"
    ));
    let share = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let (mut ve, mut vt, mut cm, mut cg, mut ci, mut ie, mut it) = (0, 0, 0, 0, 0, 0, 0);
    let extra: usize = scores.iter().map(|s| s.extra).sum();
    for s in scores {
        out.push_str(&format!(
            "{:<20} {:>9}/{:<5} {:>9}/{:<5} {:>8}\n",
            s.id, s.values.0, s.values.1, s.callouts.0, s.callouts.1, s.callouts.2
        ));
        ve += s.values.0;
        vt += s.values.1;
        cm += s.callouts.0;
        cg += s.callouts.1;
        ci += s.callouts.2;
        ie += s.implied.0;
        it += s.implied.1;
    }
    out.push_str("\nper field:\n");
    for (k, field) in FIELDS.iter().enumerate() {
        let (e, t) = scores
            .iter()
            .fold((0, 0), |(a, b), s| (a + s.by_field[k].1, b + s.by_field[k].2));
        out.push_str(&format!("  {field:<10} {e:>5}/{t:<5} {:.4}\n", share(e, t)));
    }
    out.push_str(&format!(
        "\nreferences: {ve} of {vt} structured values equal ({:.4}); {extra} values where the gold has none\ncallouts: {cm} of {cg} gold callouts reproduced with their targets ({:.4}); {ci} items found (precision {:.4}); range-implied targets {ie} of {it}\n{} articles, {seconds:.3} s\n",
        share(ve, vt),
        share(cm, cg),
        share(cm, ci),
        scores.len()
    ));
    out
}

/// The two headline shares: structured values equal, gold callouts reproduced.
pub fn totals(scores: &[ArticleScore]) -> (f64, f64) {
    let (ve, vt, cm, cg) = scores.iter().fold((0, 0, 0, 0), |(a, b, c, d), s| {
        (a + s.values.0, b + s.values.1, c + s.callouts.0, d + s.callouts.1)
    });
    let share = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    (share(ve, vt), share(cm, cg))
}
