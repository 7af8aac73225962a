//! The weights of the labeller, Viterbi decoding, and the model file format.
//!
//! # File format (`models/refstrings.bin`, all integers little-endian)
//!
//! ```text
//! magic          8 bytes  "BLRSMOD1"
//! features       u32      features::VERSION the model was trained with
//! bits           u32      the weight table has 2^bits buckets
//! n_labels       u32      labels, "no label" included (index 0)
//! scale          f32      a weight is its stored i16 times scale
//! n_links        u32      separator classes (features::LINK_CLASSES)
//! transitions    f32 × (n_labels + 1) × n_labels
//!                         row p, column l: score of label l after label p;
//!                         row n_labels is the start of the string
//! links          f32 × n_links × n_labels × n_labels
//!                         matrix c, row p, column l: added to the score of
//!                         label l after label p when separator class c
//!                         stands between the two tokens
//! n_rows         u32      buckets with a non-zero weight
//! rows           n_rows × (u32 bucket, i16 × n_labels), buckets ascending
//! ```
//!
//! Loading decodes the rows into a dense table of 2^bits rows of 32 i16
//! (one 64-byte cache line each; labels beyond n_labels are zero), so
//! scoring a token reads one cache line per feature and adds it with SIMD.

use std::fmt;

use super::Label;
use super::Segment;
use super::features::{self, Features};
use super::token::{Token, tokenize};

/// A trained labeller.
#[derive(Debug, Clone)]
pub struct Model {
    bits: u32,
    n_labels: usize,
    scale: f32,
    /// The plain transitions, then the separator-class matrices.
    transitions: Vec<f32>,
    /// The same, laid out for Viterbi.
    decoding: Transitions,
    weights: Vec<Row>,
}

/// Labels a row of the weight table holds at most.
const ROW: usize = 32;

/// One bucket's weights, one per label, padded to a cache line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, align(64))]
struct Row([i16; ROW]);

/// Why model bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// Not a model file.
    #[error("not a biblink labeller model (bad magic)")]
    BadMagic,
    /// Trained with other feature templates.
    #[error("model trained with feature version {found}, this build needs {expected}")]
    FeatureVersion {
        /// In the file.
        found: u32,
        /// In this build.
        expected: u32,
    },
    /// Cut short or inconsistent.
    #[error("damaged model file: {0}")]
    Damaged(&'static str),
}

const MAGIC: &[u8; 8] = b"BLRSMOD1";

impl Model {
    /// A model from its parts: `transitions` as in the file format,
    /// `weights` dense in f32 (2^bits × n_labels), quantised to i16 here.
    pub fn from_f32(
        bits: u32,
        n_labels: usize,
        transitions: Vec<f32>,
        weights: &[f32],
    ) -> Model {
        assert_eq!(transitions.len(), transition_len(n_labels));
        assert_eq!(weights.len(), (1usize << bits) * n_labels);
        let max = weights.iter().fold(0f32, |max, w| max.max(w.abs()));
        let scale = if max > 0.0 { max / i16::MAX as f32 } else { 1.0 };
        let weights = weights
            .chunks_exact(n_labels)
            .map(|row| {
                let mut out = Row([0; ROW]);
                for (o, w) in out.0.iter_mut().zip(row) {
                    *o = (w / scale).round() as i16;
                }
                out
            })
            .collect();
        let decoding = Transitions::new(&transitions, n_labels);
        Model { bits, n_labels, scale, transitions, decoding, weights }
    }

    /// Reads a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut reader = Reader { bytes, at: 0 };
        if reader.take(8)? != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let version = reader.u32()?;
        if version != features::VERSION {
            return Err(ModelError::FeatureVersion {
                found: version,
                expected: features::VERSION,
            });
        }
        let bits = reader.u32()?;
        let n_labels = reader.u32()? as usize;
        if !(1..=30).contains(&bits) || n_labels == 0 || n_labels > ROW {
            return Err(ModelError::Damaged("table size out of range"));
        }
        let scale = reader.f32()?;
        if reader.u32()? as usize != features::LINK_CLASSES {
            return Err(ModelError::Damaged("separator classes differ"));
        }
        let mut transitions = Vec::with_capacity(transition_len(n_labels));
        for _ in 0..transition_len(n_labels) {
            transitions.push(reader.f32()?);
        }
        let n_buckets = 1usize << bits;
        let mut weights = vec![Row([0; ROW]); n_buckets];
        let n_rows = reader.u32()? as usize;
        let mut previous = None;
        for _ in 0..n_rows {
            let bucket = reader.u32()? as usize;
            if bucket >= n_buckets || previous.is_some_and(|p| p >= bucket) {
                return Err(ModelError::Damaged("bucket out of order"));
            }
            previous = Some(bucket);
            let row = reader.take(2 * n_labels)?;
            for (weight, pair) in
                weights[bucket].0[..n_labels].iter_mut().zip(row.chunks_exact(2))
            {
                *weight = i16::from_le_bytes([pair[0], pair[1]]);
            }
        }
        if reader.at != bytes.len() {
            return Err(ModelError::Damaged("trailing bytes"));
        }
        let decoding = Transitions::new(&transitions, n_labels);
        Ok(Model { bits, n_labels, scale, transitions, decoding, weights })
    }

    /// Writes the model file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&features::VERSION.to_le_bytes());
        out.extend_from_slice(&self.bits.to_le_bytes());
        out.extend_from_slice(&(self.n_labels as u32).to_le_bytes());
        out.extend_from_slice(&self.scale.to_le_bytes());
        out.extend_from_slice(&(features::LINK_CLASSES as u32).to_le_bytes());
        for t in &self.transitions {
            out.extend_from_slice(&t.to_le_bytes());
        }
        let rows: Vec<(usize, &[i16])> = self
            .weights
            .iter()
            .map(|row| &row.0[..self.n_labels])
            .enumerate()
            .filter(|(_, row)| row.iter().any(|w| *w != 0))
            .collect();
        out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        for (bucket, row) in rows {
            out.extend_from_slice(&(bucket as u32).to_le_bytes());
            for w in row {
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
        out
    }

    /// The number of labels, "no label" included.
    pub fn n_labels(&self) -> usize {
        self.n_labels
    }

    /// The weight table has 2^bits buckets.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// Labels the spans of a reference string.
    pub fn label(&self, text: &str) -> Vec<Segment> {
        let tokens = tokenize(text);
        let features = features::extract(text, &tokens);
        let labels = self.decode(&features);
        segments(text, &tokens, &labels)
    }

    /// The best label index of each token (0 is "no label").
    pub fn decode(&self, features: &Features) -> Vec<usize> {
        let emissions = self.emissions(features);
        viterbi(&emissions, &self.decoding, &features.links)
    }

    /// Emission scores: `n_tokens × n_labels`, row-major.
    fn emissions(&self, features: &Features) -> Vec<f32> {
        let n_labels = self.n_labels;
        let mask = (1usize << self.bits) - 1;
        let mut scores = vec![0f32; features.len() * n_labels];
        for (i, row_out) in scores.chunks_exact_mut(n_labels).enumerate() {
            let mut sums = [0i32; ROW];
            for id in features.of(i) {
                let bucket = *id as usize & mask;
                add_row(&mut sums, &self.weights[bucket]);
            }
            for (out, sum) in row_out.iter_mut().zip(&sums) {
                *out = *sum as f32 * self.scale;
            }
        }
        scores
    }
}

/// Adds a row of weights to the sums (written so that it vectorises).
#[inline]
fn add_row(sums: &mut [i32; ROW], row: &Row) {
    // Indexing both fixed-size arrays is what the compiler turns into SIMD
    // widening adds; the iterator forms measured slower.
    #[allow(clippy::needless_range_loop)]
    for k in 0..ROW {
        sums[k] += i32::from(row.0[k]);
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nonzero =
            self.weights.iter().flat_map(|row| row.0).filter(|w| *w != 0).count();
        write!(
            f,
            "{} labels, 2^{} buckets, {} non-zero weights",
            self.n_labels, self.bits, nonzero
        )
    }
}

/// The length of a model's transition scores: the plain matrix with its
/// start row, then one matrix per separator class.
pub fn transition_len(n_labels: usize) -> usize {
    (n_labels + 1) * n_labels + features::LINK_CLASSES * n_labels * n_labels
}

/// The best label sequence under emission scores (`n × n_labels`) and
/// transition scores, with `links` giving the separator class before each
/// token.
pub fn viterbi(emissions: &[f32], transitions: &Transitions, links: &[u8]) -> Vec<usize> {
    let n_labels = transitions.n_labels;
    let n = emissions.len() / n_labels;
    if n == 0 {
        return Vec::new();
    }
    let square = n_labels * n_labels;
    let mut score: Vec<f32> = emissions[..n_labels]
        .iter()
        .zip(&transitions.start)
        .map(|(e, t)| e + t)
        .collect();
    let mut next = vec![0f32; n_labels];
    let mut back = vec![0u8; n * n_labels];
    for i in 1..n {
        let emission = &emissions[i * n_labels..][..n_labels];
        let class = links.get(i).map_or(0, |c| *c as usize);
        let matrix = &transitions.by_class[class * square..][..square];
        for ((label, out), column) in
            next.iter_mut().enumerate().zip(matrix.chunks_exact(n_labels))
        {
            let mut best = f32::NEG_INFINITY;
            let mut best_prev = 0;
            for (prev, (s, t)) in score.iter().zip(column).enumerate() {
                let candidate = s + t;
                if candidate > best {
                    best = candidate;
                    best_prev = prev;
                }
            }
            *out = best + emission[label];
            back[i * n_labels + label] = best_prev as u8;
        }
        std::mem::swap(&mut score, &mut next);
    }
    let mut best = 0;
    for (label, s) in score.iter().enumerate() {
        if *s > score[best] {
            best = label;
        }
    }
    let mut labels = vec![0; n];
    labels[n - 1] = best;
    for i in (1..n).rev() {
        best = back[i * n_labels + best] as usize;
        labels[i - 1] = best;
    }
    labels
}

/// Transition scores laid out for decoding: the start scores, and for each
/// separator class the plain matrix plus the class's, transposed (row: the
/// label, column: the previous label) so that Viterbi reads them in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Transitions {
    n_labels: usize,
    start: Vec<f32>,
    by_class: Vec<f32>,
}

impl Transitions {
    /// From transition scores in the file layout (see [`transition_len`]).
    pub fn new(transitions: &[f32], n_labels: usize) -> Transitions {
        assert_eq!(transitions.len(), transition_len(n_labels));
        let square = n_labels * n_labels;
        let start = transitions[square..square + n_labels].to_vec();
        let mut by_class = vec![0f32; features::LINK_CLASSES * square];
        for class in 0..features::LINK_CLASSES {
            let link = &transitions[square + n_labels + class * square..][..square];
            let out = &mut by_class[class * square..][..square];
            for prev in 0..n_labels {
                for label in 0..n_labels {
                    let at = prev * n_labels + label;
                    out[label * n_labels + prev] = transitions[at] + link[at];
                }
            }
        }
        Transitions { n_labels, start, by_class }
    }
}

/// Spans of runs of tokens with one label.
fn segments(text: &str, tokens: &[Token], labels: &[usize]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some(label) = Label::from_index(labels[i]) else {
            i += 1;
            continue;
        };
        let first = i;
        while i + 1 < tokens.len() && labels[i + 1] == labels[first] {
            i += 1;
        }
        let start = tokens[first].start;
        let mut end = tokens[i].end;
        let limit = tokens.get(i + 1).map_or(text.len(), |t| t.start);
        end = extend_end(text, start, end, limit, &tokens[i]);
        out.push(Segment { label, start, end });
        i += 1;
    }
    out
}

/// Takes in the period after a final initial or short abbreviation and a
/// closing bracket or quote that the span opened.
fn extend_end(
    text: &str,
    start: usize,
    mut end: usize,
    limit: usize,
    last: &Token,
) -> usize {
    let last_word = &text[last.start..last.end];
    let gap = &text[end..limit];
    if gap.starts_with('.')
        && last.kind == super::token::TokenKind::Letters
        && last_word.chars().count() <= 3
    {
        end += 1;
    }
    let span = &text[start..end];
    for (open, close) in [('(', ')'), ('[', ']'), ('“', '”')] {
        let opens = span.matches(open).count();
        let closes = span.matches(close).count();
        if opens > closes && text[end..limit].starts_with(close) {
            end += close.len_utf8();
        }
    }
    if span.matches('"').count() % 2 == 1 && text[end..limit].starts_with('"') {
        end += 1;
    }
    end
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let slice = self
            .bytes
            .get(self.at..self.at + n)
            .ok_or(ModelError::Damaged("file cut short"))?;
        self.at += n;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_bits(self.u32()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viterbi_follows_transitions() {
        // Two labels; emissions slightly favour label 0 at every token, but
        // the transition 0 -> 0 is forbidden and 1 -> 1 is cheap.
        let n_labels = 2;
        let emissions = [1.0, 0.9, 1.0, 0.9, 1.0, 0.9];
        let mut transitions = vec![0f32; transition_len(n_labels)];
        transitions[..6].copy_from_slice(&[-10.0, 0.0, 0.0, 0.5, 0.0, 0.0]);
        let links = [0, 1, 1];
        let decode = |emissions: &[f32], transitions: &[f32], links: &[u8]| {
            viterbi(emissions, &Transitions::new(transitions, n_labels), links)
        };
        assert_eq!(decode(&emissions, &transitions, &links), [1, 1, 1]);
        let free = vec![0f32; transition_len(n_labels)];
        assert_eq!(decode(&emissions, &free, &links), [0, 0, 0]);
        assert_eq!(decode(&[], &free, &[]), Vec::<usize>::new());
        // A separator class that strongly favours 0 -> 1 changes the path
        // at the token it stands before.
        let mut linked = free.clone();
        let class_3 = 6 + 3 * 4;
        linked[class_3 + 1] = 5.0;
        assert_eq!(decode(&emissions, &linked, &[0, 3, 0]), [0, 1, 0]);
    }

    #[test]
    fn model_bytes_round_trip() {
        let n_labels = 3;
        let bits = 4;
        let transitions: Vec<f32> =
            (0..transition_len(n_labels)).map(|i| i as f32 / 4.0).collect();
        let mut weights = vec![0f32; 16 * n_labels];
        weights[5] = 2.5;
        weights[40] = -1.0;
        let model = Model::from_f32(bits, n_labels, transitions, &weights);
        let bytes = model.to_bytes();
        let read = Model::from_bytes(&bytes).expect("round trip");
        assert_eq!(read.weights, model.weights);
        assert_eq!(read.transitions, model.transitions);
        assert_eq!(read.to_bytes(), bytes);
        assert_eq!(
            Model::from_bytes(&bytes[..bytes.len() - 1]).err(),
            Some(ModelError::Damaged("file cut short"))
        );
        assert_eq!(Model::from_bytes(b"nonsense").err(), Some(ModelError::BadMagic));
    }

    #[test]
    fn spans_take_in_initials_and_brackets() {
        let text = "Smith, J. (Ed.) x";
        let tokens = tokenize(text);
        let labels = [1, 1, 10, 0];
        let spans = segments(text, &tokens, &labels);
        assert_eq!(&text[spans[0].start..spans[0].end], "Smith, J.");
        assert_eq!(&text[spans[1].start..spans[1].end], "Ed.");
    }
}
