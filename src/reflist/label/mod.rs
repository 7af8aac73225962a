//! Token labelling of reference strings: a linear-chain conditional random
//! field over hashed features, trained on the annotated dev corpora in
//! `../shared/data/refstrings`.
//!
//! # How it works
//!
//! 1. [`token`] splits a string into word tokens: maximal runs of letters or
//!    digits of one script class (`Phys. Rev. D60` gives `Phys`, `Rev`, `D`,
//!    `60`; `第58巻` gives `第`, `58`, `巻`). Punctuation and spaces are not
//!    tokens; they are the *separators* between tokens and enter as features.
//!    The official scorer compares fields after dropping every character
//!    that is not a letter or digit, so labelling only the words loses
//!    nothing, and it halves the sequence length.
//! 2. [`features`] describes each token by 66 hashed features: the
//!    lower-cased word, its shape, prefixes and suffixes, the separators
//!    around it, dictionaries (months, locator words, places, publishers,
//!    venues), whether it is a year, the state of the string so far (inside
//!    parentheses, brackets or quotes, after "In", after a colon, after a
//!    year, how many sentence breaks came before), what its sentence-like
//!    block holds and what lies ahead, and the words and shapes of its
//!    neighbours.
//! 3. [`model`] holds one weight per (feature bucket, label) and one per
//!    label transition and finds the best label sequence with Viterbi.
//!    Plain per-token labels suffice (no BIO): two adjacent spans of one
//!    label are rare and give the same field either way, since fields are
//!    the spans' texts joined.
//! 4. [`train`] fits the weights by stochastic gradient descent on the
//!    CRF's regularised log-likelihood: deterministic (a fixed seed
//!    shuffles the examples, a fixed number of epochs), half a minute on
//!    one core.
//!
//! The model ships inside the binary (`models/refstrings.bin`, format in
//! [`model`]); `biblink-train --out models/refstrings.bin` rebuilds it from
//! the dev corpora, `biblink-train --folds 5` cross-validates it.
//!
//! Why our own CRF and not the `crfsuite` crate: that crate binds the C
//! library (a C toolchain at build time, unsafe FFI, a model file format we
//! do not control), while what we need — Viterbi, forward-backward and SGD
//! over a dense hashed weight table — is a few hundred lines of Rust, labels
//! 30,000 references a second, and loads its model in milliseconds.
//!
//! What the labeller cannot learn: the corpora disagree on span conventions
//! (AnyStyle keeps "pp.", "In" and "ed." inside its spans and has no issue
//! label; GROBID trims them and separates the issue), and nothing in a
//! string says which convention its gold follows. The model follows the
//! majority (GROBID) where it can tell no difference.

pub mod features;
pub mod model;
pub mod token;
pub mod train;

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use model::Model;

/// What a span of a reference string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Label {
    /// Authors.
    Author,
    /// Title of the work.
    Title,
    /// Journal, book, proceedings, newspaper or website.
    Container,
    /// Date or year.
    Date,
    /// Volume.
    Volume,
    /// Issue or number.
    Issue,
    /// Pages.
    Pages,
    /// Publisher or institution.
    Publisher,
    /// Place of publication.
    Location,
    /// Editors.
    Editor,
    /// DOI.
    Doi,
    /// URL.
    Url,
    /// Edition.
    Edition,
    /// ISBN.
    Isbn,
    /// Anything else worth keeping.
    Note,
    /// A leading `[12]` or `12.`.
    CitationNumber,
    /// Thesis, report or medium words.
    Genre,
    /// Translators.
    Translator,
    /// Other contributors (directors, producers).
    Contributor,
    /// arXiv, PMID, ISSN, report numbers.
    Identifier,
}

impl Label {
    /// Every label, in the order of the model's label indexes (index 0 of the
    /// model is "no label", so `Label::ALL[i]` is model label `i + 1`).
    pub const ALL: [Label; 20] = [
        Label::Author,
        Label::Title,
        Label::Container,
        Label::Date,
        Label::Volume,
        Label::Issue,
        Label::Pages,
        Label::Publisher,
        Label::Location,
        Label::Editor,
        Label::Doi,
        Label::Url,
        Label::Edition,
        Label::Isbn,
        Label::Note,
        Label::CitationNumber,
        Label::Genre,
        Label::Translator,
        Label::Contributor,
        Label::Identifier,
    ];

    /// The fifteen labels that are scored as fields (the corpora's `fields`).
    pub const FIELDS: [Label; 15] = [
        Label::Author,
        Label::Title,
        Label::Container,
        Label::Date,
        Label::Volume,
        Label::Issue,
        Label::Pages,
        Label::Publisher,
        Label::Location,
        Label::Editor,
        Label::Doi,
        Label::Url,
        Label::Edition,
        Label::Isbn,
        Label::Note,
    ];

    /// The corpus name of the label (`author`, `citation-number`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Label::Author => "author",
            Label::Title => "title",
            Label::Container => "container",
            Label::Date => "date",
            Label::Volume => "volume",
            Label::Issue => "issue",
            Label::Pages => "pages",
            Label::Publisher => "publisher",
            Label::Location => "location",
            Label::Editor => "editor",
            Label::Doi => "doi",
            Label::Url => "url",
            Label::Edition => "edition",
            Label::Isbn => "isbn",
            Label::Note => "note",
            Label::CitationNumber => "citation-number",
            Label::Genre => "genre",
            Label::Translator => "translator",
            Label::Contributor => "contributor",
            Label::Identifier => "identifier",
        }
    }

    /// Whether the label is one of the fifteen scored fields.
    pub fn is_field(self) -> bool {
        Label::FIELDS.contains(&self)
    }

    /// The model's index of the label (1-based; 0 is "no label").
    pub(crate) fn index(self) -> usize {
        Label::ALL.iter().position(|label| *label == self).map_or(0, |i| i + 1)
    }

    /// The label of a model index (`None` for 0, "no label", or out of range).
    pub(crate) fn from_index(index: usize) -> Option<Label> {
        index.checked_sub(1).and_then(|i| Label::ALL.get(i)).copied()
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an unknown label name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown label \"{0}\"")]
pub struct UnknownLabel(pub String);

impl FromStr for Label {
    type Err = UnknownLabel;

    fn from_str(name: &str) -> Result<Label, UnknownLabel> {
        Label::ALL
            .iter()
            .copied()
            .find(|label| label.name() == name)
            .ok_or_else(|| UnknownLabel(name.to_string()))
    }
}

/// A labelled span: byte offsets into the reference string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// The label.
    pub label: Label,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Labels the spans of one reference string with the built-in model.
///
/// A span runs from its first word token to its last, so it has no leading
/// or trailing spaces; it keeps the punctuation between its words, a
/// closing bracket or quote whose opening one it holds, and the period
/// after a final initial or abbreviation (`J.`, `Soc.`).
pub fn label(text: &str) -> Vec<Segment> {
    match builtin() {
        Some(model) => model.label(text),
        None => Vec::new(),
    }
}

/// The model that ships in the binary (`models/refstrings.bin`).
///
/// `None` only if the embedded file is damaged, which the tests rule out.
pub fn builtin() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    static BYTES: &[u8] = include_bytes!("../../../models/refstrings.bin");
    MODEL.get_or_init(|| Model::from_bytes(BYTES).ok()).as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_names_round_trip() {
        for label in Label::ALL {
            assert_eq!(label.name().parse::<Label>(), Ok(label));
            assert_eq!(Label::from_index(label.index()), Some(label));
        }
        assert_eq!(Label::from_index(0), None);
        assert!("nonsense".parse::<Label>().is_err());
    }

    #[test]
    fn builtin_model_loads() {
        let model = builtin().expect("models/refstrings.bin is a valid model");
        assert_eq!(model.n_labels(), Label::ALL.len() + 1);
    }

    #[test]
    fn labels_a_plain_journal_reference() {
        let text = "Smith, J. (2001). A study of things. Journal of Stuff, 12(3), 45-67.";
        let segments = label(text);
        let field = |wanted: Label| {
            segments
                .iter()
                .filter(|s| s.label == wanted)
                .map(|s| &text[s.start..s.end])
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(field(Label::Author), "Smith, J.");
        assert_eq!(field(Label::Date), "2001");
        assert_eq!(field(Label::Title), "A study of things");
        assert_eq!(field(Label::Container), "Journal of Stuff");
        assert_eq!(field(Label::Pages), "45-67");
    }

    #[test]
    fn never_panics_on_odd_input() {
        let long = "Smith, J. (2001). A study. ".repeat(400);
        let garbage: String = (0u32..3000)
            .map(|i| char::from_u32((i * 7919) % 0x3_0000).unwrap_or('\u{fffd}'))
            .collect();
        let inputs = [
            "",
            " ",
            "a",
            ".",
            "((((",
            "\u{0}\u{1}\u{7f}",
            "王小明, 李华. 中文标题研究[J]. 计算机学报, 2015, 38(1): 1-10.",
            "김철수. 한국어 논문 제목. 한국정보과학회논문지, 제16권, 제1호, 2020, pp.55-60.",
            "山田太郎 (2017)「日本語のタイトル」『雑誌名』12巻3号, 45-67頁.",
            long.as_str(),
            garbage.as_str(),
        ];
        for input in inputs {
            for segment in label(input) {
                assert!(segment.start < segment.end && segment.end <= input.len());
                assert!(input.is_char_boundary(segment.start));
                assert!(input.is_char_boundary(segment.end));
            }
        }
        assert!(long.len() >= 10_000);
    }
}
