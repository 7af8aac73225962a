//! JATS/NLM XML articles: the reference list as entries, the body's
//! `<xref ref-type="bibr">` callouts linked exactly to the references they
//! name.
//!
//! [`tree`] reads the XML (never a DTD nor an external entity), [`refs`]
//! maps each `<ref>` to an entry (the one JATS ↔ BibLaTeX table), [`body`]
//! finds the callouts and their sentences, [`eval`] scores both against the
//! gold papers. [`analyze`] gives the same [`Linked`] as a markdown paper,
//! with spans as byte offsets into the XML file.
//!
//! Diagnostics: `JATS001` malformed XML (error), `JATS002` not a JATS
//! article: wrong root element or namespace (error), `JATS003` an entity left
//! unexpanded (warning), `JATS004` empty file (error), `JATS005` a `<ref>`
//! without a citation (warning), `JATS006` no `<ref-list>` (warning),
//! `LINK001` an xref naming no reference of the list (warning).

pub mod body;
pub mod eval;
pub mod refs;
pub mod tree;

use std::collections::HashMap;

use crate::diag::{Diagnostic, LineIndex, Parsed, Severity};
use crate::link::document::Linked;
use crate::link::{Links, Reference, Status};
use crate::model::Entry;

pub use refs::JatsReference;

/// Namespaces a JATS root may be in (JATS itself has none).
const NAMESPACES: &[&str] =
    &["jats.nlm.nih.gov", "dtd.nlm.nih.gov", "www.ncbi.nlm.nih.gov"];

/// An article read.
#[derive(Debug, Clone)]
pub struct Article {
    /// Its references, in list order.
    pub references: Vec<JatsReference>,
    /// The callouts of its body, in document order.
    pub callouts: Vec<crate::link::Callout>,
}

/// Whether `text` is a JATS article: its root element is `<article>`, or its
/// DOCTYPE names the JATS or NLM DTDs.
pub fn looks_like_jats(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    for _ in 0..32 {
        if let Some(after) = rest.strip_prefix("<?") {
            rest = after.split_once("?>").map_or("", |(_, r)| r).trim_start();
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->").map_or("", |(_, r)| r).trim_start();
        } else if rest.starts_with("<!DOCTYPE") || rest.starts_with("<!doctype") {
            let head: String = rest.chars().take(400).collect();
            if head.contains("JATS") || head.contains("NLM//DTD") {
                return true;
            }
            let end = rest.find(['[', '>']).unwrap_or(rest.len());
            rest = if rest[end..].starts_with('[') {
                rest[end..].split_once("]>").map_or("", |(_, r)| r)
            } else {
                rest.get(end + 1..).unwrap_or("")
            }
            .trim_start();
        } else {
            break;
        }
    }
    rest.strip_prefix("<article")
        .is_some_and(|r| r.starts_with([' ', '>', '\n', '\r', '\t', '/']))
}

/// Reads `xml` (named `file`): `None` when it is not a readable JATS
/// article, with an error saying why.
pub fn read_article(xml: &str, file: &str) -> Parsed<Option<Article>> {
    let index = LineIndex::new(xml);
    let mut diagnostics = Vec::new();
    let root = match tree::parse(xml, file, &index, &mut diagnostics) {
        Ok(root) => root,
        Err(error) => {
            diagnostics.push(error);
            return Parsed { value: None, diagnostics };
        }
    };
    let error = |at: usize, message: String| {
        Diagnostic::new("JATS002", Severity::Error, file, index.position(at), message)
            .with_help("biblink reads JATS/NLM articles: a root `<article>` in no namespace, with a `<back><ref-list>`")
    };
    if root.local() != "article" {
        diagnostics.push(error(
            root.span.start,
            format!(
                "not a JATS article: the root element is '<{}>', not '<article>'",
                root.name
            ),
        ));
        return Parsed { value: None, diagnostics };
    }
    let namespace = match root.name.split_once(':') {
        Some((prefix, _)) => {
            root.attr(&format!("xmlns:{prefix}")).unwrap_or("(undeclared)").to_string()
        }
        None => root.attr("xmlns").unwrap_or("").to_string(),
    };
    if !namespace.is_empty() && !NAMESPACES.iter().any(|n| namespace.contains(n)) {
        diagnostics.push(error(
            root.span.start,
            format!(
                "not a JATS article: '<{}>' is in the namespace '{namespace}', JATS elements are in none",
                root.name
            ),
        ));
        return Parsed { value: None, diagnostics };
    }
    let references = refs::read_refs(&root, xml, file, &index, &mut diagnostics);
    let mut lists = Vec::new();
    refs::collect_outside(&root, "ref-list", "sub-article", &mut lists);
    if lists.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                "JATS006",
                Severity::Warning,
                file,
                index.position(root.span.start),
                "article without a <ref-list>: no references",
            )
            .with_help("the references of a JATS article are in `<back><ref-list>`"),
        );
    }
    let by_id: HashMap<&str, usize> =
        references.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();
    let mut callouts = Vec::new();
    // The body, and the figures and tables some publishers set apart.
    for part in root.elements().filter(|e| e.name == "body" || e.name == "floats-group") {
        for block in body::blocks(part, xml) {
            callouts.extend(body::callouts(&block, &by_id));
        }
    }
    callouts.sort_by_key(|c| c.span.start);
    for callout in &callouts {
        for item in callout.items.iter().filter(|i| i.status == Status::Unresolved) {
            diagnostics.push(
                Diagnostic::new(
                    "LINK001",
                    Severity::Warning,
                    file,
                    index.position(item.span.start),
                    format!(
                        "callout '{}' names no reference of the list (rid '{}')",
                        plain_text(&xml[item.span.clone()]),
                        rids_at(xml, item.span.start)
                    ),
                )
                .with_help("check the xref's `rid` against the `<ref id>`s"),
            );
        }
    }
    Parsed { value: Some(Article { references, callouts }), diagnostics }
}

/// The `rid` of the xref whose text starts at `at`.
fn rids_at(xml: &str, at: usize) -> String {
    let head = &xml[..at];
    let Some(open) = head.rfind("<xref") else { return String::new() };
    let tag = &head[open..];
    tag.split_once("rid=\"")
        .and_then(|(_, r)| r.split_once('"'))
        .map(|(rid, _)| rid.to_string())
        .unwrap_or_default()
}

/// The entries of `xml`'s reference list, in order, with their sources.
pub fn read_entries(xml: &str, file: &str) -> Parsed<Vec<Entry>> {
    let read = read_article(xml, file);
    let entries = read
        .value
        .map(|article| article.references.into_iter().map(|r| r.entry).collect())
        .unwrap_or_default();
    Parsed { value: entries, diagnostics: read.diagnostics }
}

/// Links the article `xml` (named `file`) as [`crate::link::document::analyze`]
/// links a markdown paper: `keys` gives each entry of its list its store key.
/// Spans are byte offsets into `xml`; sentences are plain text. `None` when
/// the file is no readable JATS article (the diagnostics say why).
pub fn analyze(
    xml: &str,
    file: &str,
    keys: impl FnOnce(&[Entry]) -> Vec<String>,
) -> Parsed<Option<Linked>> {
    let read = read_article(xml, file);
    let Some(article) = read.value else {
        return Parsed { value: None, diagnostics: read.diagnostics };
    };
    let entries: Vec<Entry> =
        article.references.iter().map(|r| r.entry.clone()).collect();
    let mut keys = keys(&entries);
    keys.resize(entries.len(), String::new());
    let references: Vec<Reference> = article
        .references
        .iter()
        .zip(keys)
        .map(|(r, key)| {
            Reference::from_entry(&r.entry, key, r.label.clone(), r.line, r.span.clone())
        })
        .collect();
    let mut cited = vec![false; references.len()];
    for callout in &article.callouts {
        for target in callout.targets() {
            if let Some(flag) = cited.get_mut(target) {
                *flag = true;
            }
        }
    }
    let uncited = (0..references.len()).filter(|&i| !cited[i]).collect();
    let mut callouts = article.callouts;
    fit_items(&mut callouts, &references);
    let mismatches = crate::link::mismatch::check(xml, &callouts, &references);
    let mut diagnostics = read.diagnostics;
    let index = LineIndex::new(xml);
    for mismatch in &mismatches {
        let Some(callout) = callouts.get(mismatch.callout) else { continue };
        diagnostics.push(
            Diagnostic::new(
                "LINK003",
                Severity::Warning,
                file,
                index.position(callout.span.start),
                mismatch.message.clone(),
            )
            .with_help("check the callout against the reference"),
        );
    }
    let links = Links { callouts, uncited, mismatches };
    Parsed {
        value: Some(Linked {
            file: file.to_string(),
            references,
            entries,
            links,
            attributions: Vec::new(),
            attribution_keys: Vec::new(),
        }),
        diagnostics,
    }
}

/// How each author-year item fits the reference its `rid` names (the
/// markdown linker's [`crate::link::resolve::Index::fit`]), for the
/// mismatch warnings: the xref decides the target, the printed names and
/// year are only checked against it.
fn fit_items(callouts: &mut [crate::link::Callout], references: &[Reference]) {
    let index = crate::link::resolve::Index::new(references);
    for callout in callouts {
        if callout.kind == crate::link::CalloutKind::Numeric {
            continue;
        }
        for item in &mut callout.items {
            let Some(&target) = item.targets.first() else { continue };
            if item.implied || item.status != Status::Resolved {
                continue;
            }
            let cited = cited_of(&item.authors, &item.year);
            if cited.names.is_empty() || (cited.year.is_none() && !cited.in_press) {
                continue;
            }
            item.fit = Some(index.fit(&cited, &references[target]));
        }
    }
}

/// `Müller and Ng` + `2015a` as a cited work.
fn cited_of(authors: &str, year: &str) -> crate::link::resolve::Cited {
    let others = authors.contains("et al") || authors.contains("colleagues");
    let cleaned = authors.replace("et al.", "").replace("et al", "");
    let names = cleaned
        .split([',', '&', ';'])
        .flat_map(|part| part.split(" and "))
        .map(|n| n.trim().trim_end_matches("'s").trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    let digits: String = year.chars().take_while(char::is_ascii_digit).collect();
    let suffix = year[digits.len()..]
        .chars()
        .next()
        .filter(char::is_ascii_lowercase)
        .map(|c| c.to_string());
    let lower = year.to_ascii_lowercase();
    crate::link::resolve::Cited {
        names,
        others,
        year: (digits.len() == 4).then(|| digits.parse().ok()).flatten(),
        suffix,
        in_press: lower.contains("press") || lower.contains("forthcoming"),
    }
}

/// A fragment of XML as plain text: tags dropped, the predefined entities
/// and character references decoded, white space collapsed. Other entities
/// are dropped, never looked up.
pub fn plain_text(fragment: &str) -> String {
    let mut out = String::with_capacity(fragment.len());
    let mut rest = fragment;
    while let Some(at) = rest.find(['<', '&']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if tail.starts_with('<') {
            rest = tail.find('>').map_or("", |end| &tail[end + 1..]);
            continue;
        }
        let is_name = |name: &str| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '#' || c == '_' || c == '-')
        };
        match tail.find(';').filter(|&end| end <= 12 && is_name(&tail[1..end])) {
            Some(end) => {
                let name = &tail[1..end];
                let decoded = if let Some(hex) =
                    name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
                {
                    u32::from_str_radix(hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .map(String::from)
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse::<u32>().ok().and_then(char::from_u32).map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(name).map(str::to_string)
                };
                // Any other entity is dropped, never looked up.
                if let Some(text) = decoded {
                    out.push_str(&text);
                }
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    crate::tex::collapse_whitespace(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection() {
        assert!(looks_like_jats(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE article PUBLIC \"-//NLM//DTD JATS (Z39.96)\" \"x.dtd\"><article>"
        ));
        assert!(looks_like_jats("<article article-type=\"research-article\">"));
        assert!(looks_like_jats("<!DOCTYPE x [<!ENTITY a \"b\">]><article>"));
        assert!(!looks_like_jats("<xml><records>"));
        assert!(!looks_like_jats("## References"));
    }

    #[test]
    fn plain_text_of_fragments() {
        assert_eq!(
            plain_text("<xref rid=\"b\">F&#x000f6;lsch &amp; Co</xref>"),
            "Fölsch & Co"
        );
        assert_eq!(plain_text("A & B &xxe; C"), "A & B C");
    }

    #[test]
    fn callouts_link_exactly_and_ranges_expand() {
        let xml = "<article><body><p>Shown before [<xref ref-type=\"bibr\" rid=\"B1\">1</xref>]\u{2013}[<xref ref-type=\"bibr\" rid=\"B4\">4</xref>]. Also (e.g., <xref ref-type=\"bibr\" rid=\"B2\">Cao et al., 2002</xref>; <xref ref-type=\"bibr\" rid=\"B3 B4\">Wu, 2003a</xref>). Next.</p></body><back><ref-list>"
            .to_string()
            + &(1..=4)
                .map(|i| format!("<ref id=\"B{i}\"><element-citation publication-type=\"journal\"><person-group><name><surname>S{i}</surname></name></person-group><year>2001</year><article-title>T{i}</article-title><source>J</source></element-citation></ref>"))
                .collect::<String>()
            + "</ref-list></back></article>";
        let linked = analyze(&xml, "a.xml", |e| vec!["k".into(); e.len()]);
        let linked = linked.value.expect("linked");
        let callouts = &linked.links.callouts;
        assert_eq!(callouts.len(), 2);
        let range = &callouts[0];
        assert_eq!(range.kind, crate::link::CalloutKind::Numeric);
        assert_eq!(range.targets(), vec![0, 1, 2, 3]);
        assert_eq!(range.items.len(), 3);
        assert!(range.items[1].implied);
        assert_eq!(plain_text(&xml[range.span.clone()]), "[1]–[4]");
        assert_eq!(range.sentence.text, "Shown before [1]–[4].");
        let group = &callouts[1];
        assert_eq!(group.items.len(), 2);
        assert_eq!(group.items[0].prefix.as_deref(), Some("e.g."));
        assert_eq!(&xml[group.items[0].span.clone()], "Cao et al., 2002");
        assert_eq!(group.items[1].targets, vec![2, 3]);
        assert_eq!(
            (group.items[1].authors.as_str(), group.items[1].year.as_str()),
            ("Wu", "2003a")
        );
        assert_eq!(
            plain_text(&xml[group.span.clone()]),
            "(e.g., Cao et al., 2002; Wu, 2003a)"
        );
        assert!(linked.links.uncited.is_empty());
    }

    #[test]
    fn wrong_root_and_namespace() {
        let read = read_article("<html><body/></html>", "a.xml");
        assert!(read.value.is_none());
        assert_eq!(read.diagnostics[0].code, "JATS002");
        let read =
            read_article("<article xmlns=\"http://www.w3.org/1999/xhtml\"/>", "a.xml");
        assert!(read.value.is_none());
        assert!(
            read.diagnostics[0].message.contains("namespace"),
            "{:?}",
            read.diagnostics
        );
    }
}
