//! Field-level evaluation of the labeller on the annotated reference-string
//! corpora (`../shared/data/refstrings/*.jsonl`), with exactly the metric of
//! the official scorer `refstrings_score.py`.
//!
//! Per field label and per reference, the predicted and gold values are
//! normalised (lower case, letters and digits only, see
//! [`super::label::token::normalize`]); then
//!
//! - TP: both non-empty and equal,
//! - FP: prediction non-empty and not equal to gold,
//! - FN: gold non-empty and prediction empty or different,
//!
//! so a wrong value counts once as FP and once as FN. The micro average
//! sums the counts over the fifteen field labels. A predicted field is the
//! texts of that label's segments joined with a space, as the corpora
//! derive `fields` from `segments`.

use indexmap::IndexMap;
use serde::Deserialize;

use super::label::token::normalize;
use super::label::{Label, Segment};

/// One annotated reference (a line of a corpus file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// `<corpus>-<n>`.
    pub id: String,
    /// The reference string.
    pub text: String,
    /// Labelled spans in string order: the corpus label name and the text.
    pub segments: Vec<(String, String)>,
    /// The gold fields (label name to text).
    pub fields: IndexMap<String, String>,
}

impl Item {
    /// The corpus of the item: its id without the trailing `-<n>`.
    pub fn corpus(&self) -> &str {
        corpus_of(&self.id)
    }
}

/// The corpus an id belongs to (`grobid-kisti-12` → `grobid-kisti`).
pub fn corpus_of(id: &str) -> &str {
    id.rsplit_once('-').map_or(id, |(corpus, _)| corpus)
}

/// A line of a corpus file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ItemError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Reads the items of a corpus file (JSON lines; blank lines skipped).
pub fn read_items(jsonl: &str) -> Result<Vec<Item>, ItemError> {
    #[derive(Deserialize)]
    struct Line {
        id: String,
        text: String,
        #[serde(default)]
        segments: Vec<(String, String)>,
        #[serde(default)]
        fields: IndexMap<String, serde_json::Value>,
    }
    let mut items = Vec::new();
    for (line_idx, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(line).map_err(|error| ItemError {
            line: line_idx + 1,
            message: error.to_string(),
        })?;
        let fields = parsed
            .fields
            .into_iter()
            .map(|(name, value)| (name, value_text(&value)))
            .collect();
        items.push(Item {
            id: parsed.id,
            text: parsed.text,
            segments: parsed.segments,
            fields,
        });
    }
    Ok(items)
}

/// The fields of labelled segments: for each field label, the texts of its
/// segments joined with a space (labels that are not fields are left out).
pub fn fields_of(text: &str, segments: &[Segment]) -> IndexMap<Label, String> {
    let mut fields: IndexMap<Label, String> = IndexMap::new();
    for segment in segments {
        if !segment.label.is_field() {
            continue;
        }
        let Some(part) = text.get(segment.start..segment.end) else { continue };
        let value = fields.entry(segment.label).or_default();
        if !value.is_empty() {
            value.push(' ');
        }
        value.push_str(part);
    }
    fields.sort_by_cached_key(|label, _| label.index());
    fields
}

/// Predicts the fields of a string with the built-in model.
pub fn predict(text: &str) -> IndexMap<Label, String> {
    fields_of(text, &super::label::label(text))
}

/// Counts of one label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// References scored.
    pub n: usize,
    /// References whose gold value is non-empty.
    pub support: usize,
    /// Normalised values agree (both empty counts).
    pub agree: usize,
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
}

impl Counts {
    /// TP / (TP + FP), 0 when undefined.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// TP / (TP + FN), 0 when undefined.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// The harmonic mean of precision and recall, 0 when undefined.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 }
    }

    fn add(&mut self, other: &Counts) {
        self.n += other.n;
        self.support += other.support;
        self.agree += other.agree;
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

/// The scores of a set of references.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    /// References scored.
    pub references: usize,
    /// References whose every field agrees.
    pub all_correct: usize,
    /// Counts per field label, in [`Label::FIELDS`] order.
    pub labels: IndexMap<Label, Counts>,
}

impl Scores {
    /// Counts summed over the labels (the micro average).
    pub fn micro(&self) -> Counts {
        let mut total = Counts::default();
        for counts in self.labels.values() {
            total.add(counts);
        }
        total
    }

    /// Mean F1 of the labels with support.
    pub fn macro_f1(&self) -> f64 {
        let f1s: Vec<f64> =
            self.labels.values().filter(|c| c.support > 0).map(Counts::f1).collect();
        if f1s.is_empty() { 0.0 } else { f1s.iter().sum::<f64>() / f1s.len() as f64 }
    }

    /// Adds one reference: its gold and predicted fields.
    pub fn add(
        &mut self,
        gold: &IndexMap<String, String>,
        predicted: &IndexMap<Label, String>,
    ) {
        self.references += 1;
        let mut all_agree = true;
        for label in Label::FIELDS {
            let g = gold.get(label.name()).map_or_else(String::new, |v| normalize(v));
            let p = predicted.get(&label).map_or_else(String::new, |v| normalize(v));
            let counts = self.labels.entry(label).or_default();
            counts.n += 1;
            if !g.is_empty() {
                counts.support += 1;
            }
            if g == p {
                counts.agree += 1;
                if !g.is_empty() {
                    counts.tp += 1;
                }
            } else {
                all_agree = false;
                if !p.is_empty() {
                    counts.fp += 1;
                }
                if !g.is_empty() {
                    counts.fn_ += 1;
                }
            }
        }
        if all_agree {
            self.all_correct += 1;
        }
    }
}

/// Scores overall and per corpus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    /// Every reference.
    pub overall: Scores,
    /// Per corpus, in order of first appearance.
    pub by_corpus: IndexMap<String, Scores>,
}

/// Scores predictions (one per item, same order) against the items.
pub fn evaluate(items: &[Item], predictions: &[IndexMap<Label, String>]) -> Evaluation {
    let mut evaluation = Evaluation::default();
    for (item, predicted) in items.iter().zip(predictions) {
        evaluation.overall.add(&item.fields, predicted);
        evaluation
            .by_corpus
            .entry(item.corpus().to_string())
            .or_default()
            .add(&item.fields, predicted);
    }
    evaluation
}

impl Evaluation {
    /// The tables of the official scorer: overall, then (if asked) one per
    /// corpus. Labels without support or false positives are left out.
    pub fn render(&self, by_corpus: bool) -> String {
        let mut out = render_scores("overall", &self.overall);
        if by_corpus {
            for (corpus, scores) in &self.by_corpus {
                out.push_str(&render_scores(corpus, scores));
            }
        }
        out
    }

    /// One line per corpus: references and micro P, R, F1 (in percent).
    pub fn summary(&self) -> String {
        let mut out =
            format!("{:20} {:>6} {:>6} {:>6} {:>6}\n", "corpus", "refs", "P", "R", "F1");
        let overall = ("all".to_string(), self.overall.clone());
        for (corpus, scores) in
            self.by_corpus.iter().map(|(c, s)| (c.clone(), s.clone())).chain([overall])
        {
            let micro = scores.micro();
            out.push_str(&format!(
                "{:20} {:>6} {:6.1} {:6.1} {:6.1}\n",
                corpus,
                scores.references,
                micro.precision() * 100.0,
                micro.recall() * 100.0,
                micro.f1() * 100.0
            ));
        }
        out
    }
}

/// The table of one set of scores, as the official scorer prints it.
pub fn render_scores(title: &str, scores: &Scores) -> String {
    let mut out = format!("== {title}: {} references\n", scores.references);
    out.push_str(&format!(
        "{:10} {:>6} {:>6} {:>6} {:>6} {:>8}\n",
        "label", "P", "R", "F1", "acc", "support"
    ));
    for (label, counts) in &scores.labels {
        if counts.support == 0 && counts.fp == 0 {
            continue;
        }
        out.push_str(&format!(
            "{:10} {:6.1} {:6.1} {:6.1} {:6.1} {:8}\n",
            label.name(),
            counts.precision() * 100.0,
            counts.recall() * 100.0,
            counts.f1() * 100.0,
            ratio(counts.agree, counts.n) * 100.0,
            counts.support
        ));
    }
    let micro = scores.micro();
    out.push_str(&format!(
        "{:10} {:6.1} {:6.1} {:6.1} {:6} {:8}\n",
        "micro",
        micro.precision() * 100.0,
        micro.recall() * 100.0,
        micro.f1() * 100.0,
        "",
        micro.support
    ));
    out.push_str(&format!(
        "macro F1 {:.1}   all-correct {:.1}%\n",
        scores.macro_f1() * 100.0,
        ratio(scores.all_correct, scores.references) * 100.0
    ));
    out
}

/// A prediction line in the format the official scorer reads:
/// `{"id": ..., "fields": {label: text}}`.
pub fn prediction_json(id: &str, predicted: &IndexMap<Label, String>) -> String {
    let fields: serde_json::Map<String, serde_json::Value> = predicted
        .iter()
        .map(|(label, text)| {
            (label.name().to_string(), serde_json::Value::String(text.clone()))
        })
        .collect();
    serde_json::json!({"id": id, "fields": fields}).to_string()
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// A field value as the scorer reads it: strings as they are, lists
/// joined with spaces, other values in their JSON form.
fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(value_text).collect::<Vec<_>>().join(" ")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"id": "cora-7", "source": "x", "text": "A. B. Title. 1999.", "segments": [["author", "A. B."], ["title", "Title"], ["date", "1999"]], "fields": {"author": "A. B.", "title": "Title", "date": "1999"}, "type": null}"#;

    #[test]
    fn reads_corpus_lines() {
        let items = read_items(&format!("{LINE}\n\n{LINE}\n")).expect("valid lines");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].corpus(), "cora");
        assert_eq!(items[0].fields["title"], "Title");
        assert_eq!(items[0].segments[0], ("author".to_string(), "A. B.".to_string()));
        let error = read_items("{").unwrap_err();
        assert_eq!(error.line, 1);
        assert_eq!(corpus_of("grobid-kisti-12"), "grobid-kisti");
    }

    #[test]
    fn counts_follow_the_scorer() {
        let items = read_items(LINE).expect("valid line");
        let mut predicted = IndexMap::new();
        predicted.insert(Label::Author, "a b".to_string()); // TP after normalising
        predicted.insert(Label::Title, "Title.".to_string()); // TP
        predicted.insert(Label::Date, "1998".to_string()); // FP and FN
        predicted.insert(Label::Pages, "3".to_string()); // FP
        let evaluation = evaluate(&items, &[predicted]);
        let scores = &evaluation.overall;
        let micro = scores.micro();
        assert_eq!((micro.tp, micro.fp, micro.fn_, micro.support), (2, 2, 1, 3));
        assert!((micro.precision() - 0.5).abs() < 1e-12);
        assert!((micro.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(scores.all_correct, 0);
        assert_eq!(scores.labels[&Label::Pages].fp, 1);
        assert_eq!(evaluation.by_corpus["cora"], *scores);
    }

    #[test]
    fn fields_join_segments_with_a_space() {
        let text = "Smith and Jones, x";
        let segments = [
            Segment { label: Label::Author, start: 0, end: 5 },
            Segment { label: Label::CitationNumber, start: 6, end: 9 },
            Segment { label: Label::Author, start: 10, end: 15 },
        ];
        let fields = fields_of(text, &segments);
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[&Label::Author], "Smith Jones");
        let json = prediction_json("cora-1", &fields);
        assert_eq!(json, r#"{"id":"cora-1","fields":{"author":"Smith Jones"}}"#);
    }
}
