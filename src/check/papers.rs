//! Rules about a paper: its callouts against its own reference list
//! (`LINK001`-`LINK004`) and its cited references against the store (`LINK005`).

use super::Finding;
use crate::diag::Position;
use crate::link::Status;
use crate::link::document::analyze;
use crate::model::Entry;
use crate::store::Store;

/// What checking a paper found, and how many references its list has.
#[derive(Debug, Clone, Default)]
pub struct PaperCheck {
    /// Findings in document order.
    pub findings: Vec<Finding>,
    /// References of its list.
    pub references: usize,
    /// Callouts found in its body.
    pub callouts: usize,
}

/// Checks the paper `text` (named `file`) against its reference list and `store`.
pub fn check_paper(text: &str, file: &str, store: &Store) -> PaperCheck {
    // Each reference is looked up in a copy of the store: one that the store
    // lacks is added to the copy (and so gets a key), and noted as missing.
    let mut probe = store.clone();
    let mut missing: Vec<bool> = Vec::new();
    let linked = analyze(text, file, |entries: &[Entry]| {
        entries
            .iter()
            .map(|entry| {
                let (report, _) = probe.import(vec![entry.clone()]);
                missing.push(report.added > 0);
                report.keys.into_iter().next().unwrap_or_default()
            })
            .collect()
    });
    let paper = linked.value;
    let key_of = |idx: usize| -> Option<&str> {
        let reference = paper.references.get(idx)?;
        (!missing.get(idx).copied().unwrap_or(true) && !reference.key.is_empty())
            .then_some(reference.key.as_str())
    };
    let mut findings = Vec::new();
    if paper.references.is_empty() {
        findings.push(
            Finding::new("REF001", file, Position::default(), "no reference list found")
                .with_help("a paper lists its references under a heading such as '## References'"),
        );
    }
    let mut mismatches = paper.links.mismatches.iter();
    for diagnostic in linked.diagnostics {
        let mismatch =
            if diagnostic.code == "LINK003" { mismatches.next() } else { None };
        let mut finding = Finding::from_diagnostic(diagnostic);
        if let Some(key) = mismatch.and_then(|m| key_of(m.ref_index)) {
            finding = finding.with_key(key);
        }
        findings.push(finding);
    }
    for &idx in &paper.links.uncited {
        let Some(reference) = paper.references.get(idx) else { continue };
        let mut finding = Finding::new(
            "LINK004",
            file,
            Position::line(reference.line),
            format!(
                "reference {} (line {}) is never cited in the text",
                idx + 1,
                reference.line
            ),
        )
        .with_help("cite it where it is used, or remove it from the list");
        if let Some(key) = key_of(idx) {
            finding = finding.with_key(key);
        }
        findings.push(finding);
    }
    let mut cited = vec![false; paper.references.len()];
    for item in paper.links.callouts.iter().flat_map(|c| &c.items) {
        if item.status == Status::Resolved {
            for &target in &item.targets {
                if let Some(flag) = cited.get_mut(target) {
                    *flag = true;
                }
            }
        }
    }
    for (idx, reference) in paper.references.iter().enumerate() {
        if cited[idx] && missing.get(idx).copied().unwrap_or(false) {
            let first_author =
                paper.entries.get(idx).and_then(Entry::first_family).unwrap_or("?");
            let year = reference.year.map_or("n.d.".to_string(), |y| y.to_string());
            findings.push(
                Finding::new(
                    "LINK005",
                    file,
                    Position::line(reference.line),
                    format!(
                        "cited reference {} ({first_author}, {year}; line {}) has no entry in the store",
                        idx + 1,
                        reference.line
                    ),
                )
                .with_help(format!("import the paper's references: biblink import {file}")),
            );
        }
    }
    super::sort(&mut findings);
    PaperCheck {
        findings,
        references: paper.references.len(),
        callouts: paper.links.callouts.len(),
    }
}
