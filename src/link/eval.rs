//! Scoring callout detection and linking against gold papers (the
//! `gold.json` of `../shared/data/papers/<id>/`).
//!
//! Two granularities, as the gold has both: *callouts* (one per cited work,
//! `Cao et al., 2002`, `[3]`) are matched to our items, *groups* (a whole
//! parenthetical or bracket run, `(Cao et al., 2002; Muller et al., 2002)`,
//! `[1]–[5]`) to our callouts. A gold span and one of ours match when they
//! overlap (each used once, in document order). Detection is precision and
//! recall of matched spans; linking accuracy is the share of matched gold
//! spans whose reference indexes are exactly ours (for groups, with the
//! references a dash range implies).

use std::fmt::Write as _;

use serde::Deserialize;

use super::document::analyze;
use super::{Callout, Status};

/// A gold callout or group: a byte span and its reference indexes.
#[derive(Debug, Clone, Deserialize)]
struct GoldSpan {
    byte_offset: usize,
    byte_length: usize,
    #[serde(default)]
    targets: Vec<usize>,
    #[serde(default)]
    callouts: Vec<String>,
    #[serde(default)]
    range_implied_targets: Vec<usize>,
    #[serde(default)]
    id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    sentence: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Gold {
    callouts: Vec<GoldSpan>,
    #[serde(default)]
    groups: Vec<GoldSpan>,
    #[serde(default)]
    references: Vec<serde_json::Value>,
}

/// Counts for one granularity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Gold spans.
    pub gold: usize,
    /// Our spans.
    pub found: usize,
    /// Gold spans matched by one of ours.
    pub matched: usize,
    /// Matched spans whose references are exactly the gold's.
    pub linked: usize,
}

impl Counts {
    /// Matched / found.
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.found)
    }
    /// Matched / gold.
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.gold)
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
    /// Linked / matched.
    pub fn accuracy(&self) -> f64 {
        ratio(self.linked, self.matched)
    }
    fn add(&mut self, other: Counts) {
        self.gold += other.gold;
        self.found += other.found;
        self.matched += other.matched;
        self.linked += other.linked;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The scores of one paper.
#[derive(Debug, Clone, Default)]
pub struct PaperScore {
    /// The paper's id.
    pub id: String,
    /// Per cited work.
    pub callouts: Counts,
    /// Per parenthetical or bracket run.
    pub groups: Counts,
    /// References in the gold and in our parse of the list.
    pub references: (usize, usize),
    /// Gold callouts we found, and of those, the ones whose sentence is the
    /// gold's (white space aside; the gold's splitter is a heuristic too).
    pub sentences: (usize, usize),
    /// Lines describing each miss, false alarm and wrong link.
    pub problems: Vec<String>,
}

/// The scores of a set of papers.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// One per paper, in the order given.
    pub papers: Vec<PaperScore>,
}

impl Report {
    /// Sums over every paper.
    pub fn total(&self) -> (Counts, Counts) {
        let mut callouts = Counts::default();
        let mut groups = Counts::default();
        for paper in &self.papers {
            callouts.add(paper.callouts);
            groups.add(paper.groups);
        }
        (callouts, groups)
    }

    /// A table: one line per paper and the totals.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<20} {:>5} {:>5} {:>6} {:>6} {:>6} {:>6} | {:>5} {:>6} {:>6}",
            "paper", "gold", "found", "P", "R", "F1", "link", "groups", "F1", "link"
        );
        let line = |out: &mut String, name: &str, c: &Counts, g: &Counts| {
            let _ = writeln!(
                out,
                "{:<20} {:>5} {:>5} {:>6.3} {:>6.3} {:>6.3} {:>6.3} | {:>5} {:>6.3} {:>6.3}",
                name,
                c.gold,
                c.found,
                c.precision(),
                c.recall(),
                c.f1(),
                c.accuracy(),
                g.gold,
                g.f1(),
                g.accuracy()
            );
        };
        for paper in &self.papers {
            line(&mut out, &paper.id, &paper.callouts, &paper.groups);
        }
        let (c, g) = self.total();
        line(&mut out, "TOTAL", &c, &g);
        out
    }
}

/// Scores `document` (the paper's text) against its `gold` JSON.
pub fn score_paper(id: &str, document: &str, gold: &str) -> Result<PaperScore, String> {
    let gold: Gold =
        serde_json::from_str(gold).map_err(|e| format!("{id}: gold.json: {e}"))?;
    let linked = analyze(document, "paper.md", |entries| {
        (0..entries.len()).map(|i| format!("ref{i}")).collect()
    })
    .value;
    let mut problems = Vec::new();
    // Our items (implied range members are not printed callouts).
    let items: Vec<(std::ops::Range<usize>, Vec<usize>, Status)> = linked
        .links
        .callouts
        .iter()
        .flat_map(|c: &Callout| c.items.iter())
        .filter(|item| !item.implied)
        .map(|item| (item.span.clone(), sorted(&item.targets), item.status))
        .collect();
    let gold_items: Vec<(std::ops::Range<usize>, Vec<usize>, String)> = gold
        .callouts
        .iter()
        .map(|c| {
            (
                c.byte_offset..c.byte_offset + c.byte_length,
                sorted(&c.targets),
                c.text.clone(),
            )
        })
        .collect();
    let callouts = match_spans(document, &gold_items, &items, "callout", &mut problems);
    let ours: Vec<(std::ops::Range<usize>, Vec<usize>, Status)> = linked
        .links
        .callouts
        .iter()
        .map(|c| (c.span.clone(), sorted(&c.targets()), c.status()))
        .collect();
    let gold_groups: Vec<(std::ops::Range<usize>, Vec<usize>, String)> = gold
        .groups
        .iter()
        .map(|g| {
            let mut targets: Vec<usize> = gold
                .callouts
                .iter()
                .filter(|c| g.callouts.contains(&c.id))
                .flat_map(|c| c.targets.iter().copied())
                .chain(g.range_implied_targets.iter().copied())
                .collect();
            targets.sort_unstable();
            targets.dedup();
            (g.byte_offset..g.byte_offset + g.byte_length, targets, g.text.clone())
        })
        .collect();
    let groups = match_spans(document, &gold_groups, &ours, "group", &mut Vec::new());
    let sentences = sentence_agreement(&linked.links.callouts, &gold.callouts);
    Ok(PaperScore {
        id: id.to_string(),
        callouts,
        groups,
        references: (gold.references.len(), linked.references.len()),
        sentences,
        problems,
    })
}

/// How many gold callouts fall in one of ours, and how many of those have
/// the gold's sentence.
fn sentence_agreement(callouts: &[Callout], gold: &[GoldSpan]) -> (usize, usize) {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (mut found, mut same) = (0, 0);
    for g in gold {
        let start = g.byte_offset;
        let end = start + g.byte_length;
        let at = callouts.partition_point(|c| c.span.end <= start);
        if let Some(c) = callouts.get(at).filter(|c| c.span.start < end) {
            found += 1;
            if squash(&c.sentence.text) == squash(&g.sentence) {
                same += 1;
            }
        }
    }
    (found, same)
}

fn sorted(v: &[usize]) -> Vec<usize> {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// Matches gold spans to ours by overlap, in order, each used once.
fn match_spans(
    document: &str,
    gold: &[(std::ops::Range<usize>, Vec<usize>, String)],
    ours: &[(std::ops::Range<usize>, Vec<usize>, Status)],
    what: &str,
    problems: &mut Vec<String>,
) -> Counts {
    let mut used = vec![false; ours.len()];
    let mut counts = Counts { gold: gold.len(), found: ours.len(), ..Counts::default() };
    let mut from = 0;
    for (span, targets, text) in gold {
        // Ours are sorted: skip those that end before this gold span.
        while from < ours.len() && ours[from].0.end <= span.start && used[from] {
            from += 1;
        }
        let hit =
            (from..ours.len()).take_while(|&k| ours[k].0.start < span.end).find(|&k| {
                !used[k] && ours[k].0.start < span.end && span.start < ours[k].0.end
            });
        match hit {
            Some(k) => {
                used[k] = true;
                counts.matched += 1;
                if ours[k].1 == *targets {
                    counts.linked += 1;
                } else {
                    problems.push(format!(
                        "wrong {what} '{}' at byte {}: gold {:?}, ours {:?} ({})",
                        text,
                        span.start,
                        targets,
                        ours[k].1,
                        ours[k].2.as_str()
                    ));
                }
            }
            None => {
                problems.push(format!("missed {what} '{text}' at byte {}", span.start))
            }
        }
    }
    for (k, (span, _, status)) in ours.iter().enumerate() {
        if !used[k] {
            problems.push(format!(
                "spurious {what} '{}' at byte {} ({})",
                document.get(span.clone()).unwrap_or(""),
                span.start,
                status.as_str()
            ));
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_a_small_paper() {
        let doc = "Shown before (Smith, 2001; Lee, 2002).\n\n## References\n\n- Lee, K. (2002). B. *J*, 2, 3.\n- Smith, J. (2001). A. *J*, 1, 2.\n";
        let a = doc.find("Smith, 2001").unwrap();
        let b = doc.find("Lee, 2002").unwrap();
        let g = doc.find('(').unwrap();
        let gold = format!(
            r#"{{"callouts": [{{"id": "c1", "byte_offset": {a}, "byte_length": 11, "targets": [1], "text": "Smith, 2001"}},
                {{"id": "c2", "byte_offset": {b}, "byte_length": 9, "targets": [1], "text": "Lee, 2002"}}],
               "groups": [{{"byte_offset": {g}, "byte_length": 24, "callouts": ["c1", "c2"]}}]}}"#
        );
        let score = score_paper("t", doc, &gold).unwrap();
        assert_eq!(score.callouts, Counts { gold: 2, found: 2, matched: 2, linked: 1 });
        assert_eq!(score.groups.matched, 1);
        assert_eq!(
            score.groups.linked, 0,
            "the group's targets are {{0, 1}}, gold says {{1}}"
        );
        assert!(
            score.problems[0].contains("wrong callout 'Lee, 2002'"),
            "{:?}",
            score.problems
        );
    }
}
