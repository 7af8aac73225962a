//! Token labelling of reference strings (placeholder until the trained labeller lands).

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

/// Labels the spans of one reference string.
pub fn label(_text: &str) -> Vec<Segment> {
    Vec::new()
}
