//! Scores [`attributions`] against hand-checked gold (the format of
//! `seeds-gold/news-attributions.json`).
//!
//! A found claim matches a gold claim when their sentence spans overlap by at
//! least half of the shorter one, or when the found sentence holds the gold
//! source mention or cue; each claim matches at most one other, the largest
//! overlaps first. Then, per document and overall:
//!
//! - all claims: precision = matched / found, recall = matched / gold;
//! - named claims (`named` / `source_named`): a found named claim is right
//!   when it matches a gold named claim;
//! - source accuracy: of the matched named pairs, those whose sources agree
//!   ([`same_source`]: case and diacritics ignored, the gold's parenthetical
//!   `Zhao Zhiguo (MIIT spokesman)` dropped, either name may contain the
//!   other word for word).
//!
//! Nothing here reads files: the caller gives the gold's text and each
//! document's text by seed file name.

use std::ops::Range;

use serde::Deserialize;

use super::attrib::{Attribution, attributions};

/// The gold of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldDocument {
    /// The seed file name (`001_f52754963341574f.txt`).
    pub seed: String,
    /// Its attributed claims, in document order.
    pub claims: Vec<GoldClaim>,
}

/// One hand-checked attributed claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldClaim {
    /// `a01`, `a02`, ….
    pub id: String,
    /// The sentence, verbatim.
    pub sentence: String,
    /// Byte span of the sentence in the document.
    pub span: Range<usize>,
    /// The normalised source (`Zhao Zhiguo (MIIT spokesman)`).
    pub source: String,
    /// Whether a specific person, organisation or outlet is named.
    pub named: bool,
    /// The gold speaker type (`named_person`, `anonymous`, …).
    pub speaker_type: String,
    /// The relaying outlet, when second-hand.
    pub via: Option<String>,
    /// Byte span of the words naming the source, when the sentence names it.
    pub source_mention: Option<Range<usize>>,
    /// Byte span of the cue, when contiguous.
    pub cue: Option<Range<usize>>,
}

/// Why the gold could not be scored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GoldError {
    /// The gold is not the expected JSON.
    #[error("invalid gold json: {0}")]
    Json(#[from] serde_json::Error),
    /// The caller has no text for a document of the gold.
    #[error("no text for gold document {0:?}")]
    MissingDocument(String),
    /// A gold sentence span does not slice back to its sentence: the
    /// document is not the one the gold was made from.
    #[error(
        "gold claim {id:?} of {seed:?} does not slice back to its sentence (changed document?)"
    )]
    SpanMismatch {
        /// The document.
        seed: String,
        /// The claim.
        id: String,
    },
}

/// Found, gold and matched claims of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Claims found.
    pub found: usize,
    /// Claims in the gold.
    pub gold: usize,
    /// Found claims that match a gold claim (one to one).
    pub matched: usize,
}

impl Counts {
    /// matched / found; 1 when nothing was found and nothing was to find,
    /// 0 when only the gold has claims.
    pub fn precision(&self) -> f64 {
        ratio_or_perfect(self.matched, self.found, self.gold)
    }

    /// matched / gold; 1 when the gold has no claims and none was found.
    pub fn recall(&self) -> f64 {
        ratio_or_perfect(self.matched, self.gold, self.found)
    }

    /// The harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 }
    }

    fn add(&mut self, other: &Counts) {
        self.found += other.found;
        self.gold += other.gold;
        self.matched += other.matched;
    }
}

/// What went wrong with one claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A gold claim no found claim matches.
    Missed,
    /// A found claim that matches no gold claim.
    Spurious,
    /// Matched, named on both sides, but the sources disagree.
    WrongSource,
    /// Matched, but one side names the source and the other does not.
    NamedDisagrees,
}

impl ProblemKind {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Missed => "missed",
            ProblemKind::Spurious => "spurious",
            ProblemKind::WrongSource => "wrong-source",
            ProblemKind::NamedDisagrees => "named-disagrees",
        }
    }
}

/// One claim the scorer holds against the finder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub kind: ProblemKind,
    /// The gold claim's id, when a gold claim is involved.
    pub gold_id: Option<String>,
    /// Byte span of the (found, else gold) sentence.
    pub span: Range<usize>,
    /// The sentence's opening words.
    pub sentence: String,
    /// The found source (with `named` / `unnamed`), when found.
    pub found: Option<String>,
    /// The gold source (with `named` / `unnamed`), when in the gold.
    pub gold: Option<String>,
}

/// The scores of one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentScores {
    /// The seed file name.
    pub seed: String,
    /// Claims with a named source.
    pub named: Counts,
    /// All claims.
    pub all: Counts,
    /// Matched named pairs whose sources were compared.
    pub sources_checked: usize,
    /// Of those, the pairs whose sources agree.
    pub sources_right: usize,
    /// Misses, spurious claims and disagreements, in document order.
    pub problems: Vec<Problem>,
}

impl DocumentScores {
    /// sources right / sources checked (1 when none was checked).
    pub fn source_accuracy(&self) -> f64 {
        ratio_or_perfect(self.sources_right, self.sources_checked, 0)
    }

    fn add(&mut self, other: &DocumentScores) {
        self.named.add(&other.named);
        self.all.add(&other.all);
        self.sources_checked += other.sources_checked;
        self.sources_right += other.sources_right;
    }
}

/// The scores of every gold document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Per document, in gold order.
    pub documents: Vec<DocumentScores>,
}

impl Report {
    /// The counts summed over the documents (problems left out).
    pub fn overall(&self) -> DocumentScores {
        let mut total =
            DocumentScores { seed: "overall".to_string(), ..Default::default() };
        for document in &self.documents {
            total.add(document);
        }
        total
    }

    /// Every problem, with its document.
    pub fn problems(&self) -> impl Iterator<Item = (&str, &Problem)> {
        self.documents
            .iter()
            .flat_map(|d| d.problems.iter().map(|p| (d.seed.as_str(), p)))
    }

    /// One row per document and one overall: named-source claims (gold,
    /// found, P, R, F1), all claims (the same) and source accuracy
    /// (right/checked); figures in percent.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{:28} {:>29} | {:>29} | {:>9}\n",
            "", "named-source claims", "all claims", "sources"
        );
        out.push_str(&format!(
            "{:28} {:>4} {:>5} {:>5} {:>5} {:>5} | {:>4} {:>5} {:>5} {:>5} {:>5} | {:>9}\n",
            "document", "gold", "found", "P", "R", "F1", "gold", "found", "P", "R", "F1", "right"
        ));
        let overall = self.overall();
        for scores in self.documents.iter().chain(std::iter::once(&overall)) {
            out.push_str(&format!(
                "{:28} {:>4} {:>5} {:5.1} {:5.1} {:5.1} | {:>4} {:>5} {:5.1} {:5.1} {:5.1} | {:>9}\n",
                scores.seed,
                scores.named.gold,
                scores.named.found,
                scores.named.precision() * 100.0,
                scores.named.recall() * 100.0,
                scores.named.f1() * 100.0,
                scores.all.gold,
                scores.all.found,
                scores.all.precision() * 100.0,
                scores.all.recall() * 100.0,
                scores.all.f1() * 100.0,
                format!("{}/{}", scores.sources_right, scores.sources_checked),
            ));
        }
        out
    }

    /// One line per problem: document, kind, gold id, found and gold
    /// sources, the sentence's opening words.
    pub fn render_problems(&self) -> String {
        let mut out = String::new();
        for (seed, problem) in self.problems() {
            out.push_str(&format!(
                "{seed} {:15} {:4} found={:<40} gold={:<40} {}\n",
                problem.kind.as_str(),
                problem.gold_id.as_deref().unwrap_or("-"),
                problem.found.as_deref().unwrap_or("-"),
                problem.gold.as_deref().unwrap_or("-"),
                problem.sentence,
            ));
        }
        out
    }
}

/// Reads the gold: every document with its claims.
pub fn read_gold(gold_json: &str) -> Result<Vec<GoldDocument>, GoldError> {
    #[derive(Deserialize)]
    struct RawGold {
        documents: Vec<RawDocument>,
    }
    #[derive(Deserialize)]
    struct RawDocument {
        seed: String,
        #[serde(default)]
        claims: Vec<RawClaim>,
    }
    #[derive(Deserialize)]
    struct RawSpan {
        byte_offset: Option<usize>,
        byte_length: Option<usize>,
    }
    #[derive(Deserialize)]
    struct RawClaim {
        id: String,
        sentence: String,
        byte_offset: usize,
        byte_length: usize,
        source: String,
        source_named: bool,
        #[serde(default)]
        speaker_type: String,
        via: Option<String>,
        source_mention: Option<RawSpan>,
        cue: Option<RawSpan>,
    }
    fn span(raw: Option<RawSpan>) -> Option<Range<usize>> {
        let raw = raw?;
        let start = raw.byte_offset?;
        Some(start..start + raw.byte_length?)
    }
    let raw: RawGold = serde_json::from_str(gold_json)?;
    Ok(raw
        .documents
        .into_iter()
        .map(|document| GoldDocument {
            seed: document.seed,
            claims: document
                .claims
                .into_iter()
                .map(|claim| GoldClaim {
                    span: claim.byte_offset..claim.byte_offset + claim.byte_length,
                    id: claim.id,
                    sentence: claim.sentence,
                    source: claim.source,
                    named: claim.source_named,
                    speaker_type: claim.speaker_type,
                    via: claim.via,
                    source_mention: span(claim.source_mention),
                    cue: span(claim.cue),
                })
                .collect(),
        })
        .collect())
}

/// Runs [`attributions`] on every document of the gold (`text_of` gives a
/// document's text by seed file name) and scores it.
pub fn evaluate<F>(gold_json: &str, mut text_of: F) -> Result<Report, GoldError>
where
    F: FnMut(&str) -> Option<String>,
{
    let gold = read_gold(gold_json)?;
    let mut report = Report::default();
    for document in gold {
        let text = text_of(&document.seed)
            .ok_or_else(|| GoldError::MissingDocument(document.seed.clone()))?;
        for claim in &document.claims {
            if text.get(claim.span.clone()) != Some(claim.sentence.as_str()) {
                return Err(GoldError::SpanMismatch {
                    seed: document.seed.clone(),
                    id: claim.id.clone(),
                });
            }
        }
        let found = attributions(&text);
        report.documents.push(score_document(&document, &found));
    }
    Ok(report)
}

/// Scores the claims found in one document against its gold.
pub fn score_document(gold: &GoldDocument, found: &[Attribution]) -> DocumentScores {
    let pairs = match_claims(&gold.claims, found);
    let mut scores = DocumentScores { seed: gold.seed.clone(), ..Default::default() };
    scores.all =
        Counts { found: found.len(), gold: gold.claims.len(), matched: pairs.len() };
    scores.named.found = found.iter().filter(|f| f.named).count();
    scores.named.gold = gold.claims.iter().filter(|g| g.named).count();

    let mut gold_matched = vec![None; gold.claims.len()];
    let mut found_matched = vec![false; found.len()];
    for &(g, f) in &pairs {
        gold_matched[g] = Some(f);
        found_matched[f] = true;
    }
    let describe = |source: &str, named: bool| {
        format!("{source} ({})", if named { "named" } else { "unnamed" })
    };
    let opening = |text: &str| text.chars().take(70).collect::<String>();
    let mut problems = Vec::new();
    for (g, claim) in gold.claims.iter().enumerate() {
        let Some(f) = gold_matched[g] else {
            problems.push(Problem {
                kind: ProblemKind::Missed,
                gold_id: Some(claim.id.clone()),
                span: claim.span.clone(),
                sentence: opening(&claim.sentence),
                found: None,
                gold: Some(describe(&claim.source, claim.named)),
            });
            continue;
        };
        let attribution = &found[f];
        let kind = match (attribution.named, claim.named) {
            (true, true) => {
                scores.named.matched += 1;
                scores.sources_checked += 1;
                if same_source(&attribution.source, &claim.source) {
                    scores.sources_right += 1;
                    None
                } else {
                    Some(ProblemKind::WrongSource)
                }
            }
            (false, false) => None,
            _ => Some(ProblemKind::NamedDisagrees),
        };
        if let Some(kind) = kind {
            problems.push(Problem {
                kind,
                gold_id: Some(claim.id.clone()),
                span: attribution.sentence.span.clone(),
                sentence: opening(&attribution.sentence.text),
                found: Some(describe(&attribution.source, attribution.named)),
                gold: Some(describe(&claim.source, claim.named)),
            });
        }
    }
    for (f, attribution) in found.iter().enumerate() {
        if !found_matched[f] {
            problems.push(Problem {
                kind: ProblemKind::Spurious,
                gold_id: None,
                span: attribution.sentence.span.clone(),
                sentence: opening(&attribution.sentence.text),
                found: Some(describe(&attribution.source, attribution.named)),
                gold: None,
            });
        }
    }
    problems.sort_by_key(|p| (p.span.start, p.span.end));
    scores.problems = problems;
    scores
}

/// Whether a found source and a gold source name the same: compared
/// without case, diacritics, hyphens and the gold's parenthetical, either
/// may contain the other word for word (`Zhao` in `Zhao Zhiguo`,
/// `ChowWhite` in `Peter Chow-White`).
pub fn same_source(found: &str, gold: &str) -> bool {
    let found = normalize_name(found);
    let gold = normalize_name(gold.split(" (").next().unwrap_or(gold));
    if found.is_empty() || gold.is_empty() {
        return false;
    }
    let (found, gold) = (format!(" {found} "), format!(" {gold} "));
    found.contains(&gold) || gold.contains(&found)
}

/// Lower case ASCII words: diacritics dropped, hyphens, apostrophes and
/// periods joined, other marks made spaces, a leading `the` dropped.
fn normalize_name(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if matches!(c, '-' | '\'' | '.') {
            continue;
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    let out = out.trim_end();
    out.strip_prefix("the ").unwrap_or(out).to_string()
}

/// Matches gold and found claims one to one, the largest overlaps first:
/// (gold index, found index) pairs.
fn match_claims(gold: &[GoldClaim], found: &[Attribution]) -> Vec<(usize, usize)> {
    let mut candidates = Vec::new();
    for (g, claim) in gold.iter().enumerate() {
        for (f, attribution) in found.iter().enumerate() {
            let span = &attribution.sentence.span;
            let overlap = overlap(span, &claim.span);
            let shorter = span.len().min(claim.span.len()).max(1);
            let holds = |inner: &Option<Range<usize>>| {
                inner.as_ref().is_some_and(|r| span.start <= r.start && r.end <= span.end)
            };
            if overlap * 2 >= shorter || holds(&claim.source_mention) || holds(&claim.cue)
            {
                // Larger overlaps first; permille keeps the sort exact.
                candidates.push((overlap * 1000 / shorter, g, f));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut gold_used = vec![false; gold.len()];
    let mut found_used = vec![false; found.len()];
    let mut pairs = Vec::new();
    for (_, g, f) in candidates {
        if !gold_used[g] && !found_used[f] {
            gold_used[g] = true;
            found_used[f] = true;
            pairs.push((g, f));
        }
    }
    pairs.sort_unstable();
    pairs
}

/// The length of the overlap of two byte ranges.
fn overlap(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// `part / whole`; when `whole` is 0: 1 if `other` is 0 too (nothing to
/// find, nothing found), else 0.
fn ratio_or_perfect(part: usize, whole: usize, other: usize) -> f64 {
    if whole == 0 {
        return if other == 0 { 1.0 } else { 0.0 };
    }
    part as f64 / whole as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names_compare_loosely() {
        assert!(same_source("Zhao Zhiguo", "Zhao Zhiguo (MIIT spokesman)"));
        assert!(same_source("Zhao", "Zhao Zhiguo (MIIT spokesman)"));
        assert!(same_source(
            "Peter Chow-white",
            "Peter Chow-White (Simon Fraser University, GENA Lab)"
        ));
        assert!(same_source("ChowWhite", "Peter Chow-White (Simon Fraser University)"));
        assert!(same_source("the Financial Times", "Financial Times"));
        assert!(same_source("Zhào", "Zhao (college student)"));
        assert!(same_source(
            "Ant Group announcement",
            "Ant Group (announcement statement)"
        ));
        assert!(!same_source("Ma", "Alibaba Mall"));
        assert!(!same_source("Reuters", "Bloomberg"));
        assert!(!same_source("", "Reuters"));
    }

    const GOLD: &str = r#"{"documents": [{"seed": "a.txt", "claims": [
        {"id": "a01", "sentence": "It rose, Reuters said.", "byte_offset": 0, "byte_length": 22,
         "source": "Reuters", "source_named": true, "speaker_type": "news_outlet", "via": null,
         "source_mention": {"byte_offset": 9, "byte_length": 7}, "cue": {"byte_offset": 17, "byte_length": 4}},
        {"id": "a02", "sentence": "It fell, a source said.", "byte_offset": 23, "byte_length": 23,
         "source": "anonymous source", "source_named": false, "speaker_type": "anonymous", "via": null,
         "source_mention": null, "cue": {"byte_offset": null, "byte_length": null}}
    ]}]}"#;

    #[test]
    fn scores_a_small_gold() {
        let text =
            "It rose, Reuters said. It fell, a source said. It is late, Bloomberg said.";
        let report = evaluate(GOLD, |seed| (seed == "a.txt").then(|| text.to_string()))
            .expect("gold reads");
        let overall = report.overall();
        assert_eq!(overall.all, Counts { found: 3, gold: 2, matched: 2 });
        assert_eq!(overall.named, Counts { found: 2, gold: 1, matched: 1 });
        assert_eq!((overall.sources_right, overall.sources_checked), (1, 1));
        let kinds: Vec<_> = report.problems().map(|(_, p)| p.kind).collect();
        assert_eq!(kinds, vec![ProblemKind::Spurious]);
        let table = report.render();
        assert!(table.contains("a.txt"), "{table}");
        assert!(table.contains("overall"), "{table}");
    }

    #[test]
    fn missing_documents_and_changed_texts_are_errors() {
        assert!(matches!(evaluate(GOLD, |_| None), Err(GoldError::MissingDocument(_))));
        assert!(matches!(
            evaluate(GOLD, |_| Some("Something else entirely, and long enough.".into())),
            Err(GoldError::SpanMismatch { .. })
        ));
        assert!(matches!(evaluate("{", |_| None), Err(GoldError::Json(_))));
    }
}
