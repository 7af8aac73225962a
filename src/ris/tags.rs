//! The RIS ↔ BibLaTeX mapping, as data: reference types and tags.
//!
//! This is the one place the mapping lives (decisions and peer comparison in
//! `shared/docs/ris-biblatex.md` §2). Tags change meaning with the reference
//! type, so each tag row names the type classes it applies to; the first
//! matching row wins.

/// Groups of RIS types whose tags mean the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Journal articles (JOUR, EJOUR, ABST, JFULL, INPR).
    Journal,
    /// Magazine articles.
    Magazine,
    /// Newspaper articles.
    News,
    /// Whole books (BOOK, EBOOK, EDBOOK, CLSWK, ANCIENT, SER).
    Book,
    /// Pamphlets: tagged like books, but A2 is the issuing institution, not a
    /// series editor (2011 spec).
    Pamphlet,
    /// Parts of books (CHAP, ECHAP, ENCYC, DICT).
    Chapter,
    /// Conference papers and proceedings.
    Conference,
    /// Theses.
    Thesis,
    /// Reports, government documents, standards.
    Report,
    /// Web pages, blogs, online multimedia.
    Web,
    /// Computer programs: T2 is the series, ET the version.
    Software,
    /// Generic records (GEN): A2 is an editor, as for journals and chapters.
    Generic,
    /// Audiovisual works (MPCT, ADVS, VIDEO, SOUND, MUSIC): A4 is a performer or producer.
    Media,
    /// Legal material (CASE, HEAR, STAT, BILL, UNBILL, LEGAL): A4 is counsel.
    Legal,
    /// Data sets and databases (DATA, DBASE, AGGR): A4 is the funding agency.
    Data,
    /// Everything else.
    Other,
}

/// One RIS reference type.
#[derive(Debug, Clone, Copy)]
pub struct RisType {
    /// The `TY` value.
    pub ty: &'static str,
    /// The BibLaTeX entry type.
    pub entry_type: &'static str,
    /// `entrysubtype` to set, if any.
    pub subtype: Option<&'static str>,
    /// Which tag rows apply.
    pub class: Class,
}

const fn ty(
    ty: &'static str,
    entry_type: &'static str,
    subtype: Option<&'static str>,
    class: Class,
) -> RisType {
    RisType { ty, entry_type, subtype, class }
}

use Class::*;

/// Every reference type of the 2011 spec plus common non-standard ones.
pub static TYPES: &[RisType] = &[
    ty("JOUR", "article", None, Journal),
    ty("EJOUR", "article", None, Journal),
    ty("ABST", "article", None, Journal),
    ty("JFULL", "article", None, Journal),
    ty("INPR", "article", None, Journal),
    ty("JOURN", "article", None, Journal),
    ty("MGZN", "article", Some("magazine"), Magazine),
    ty("NEWS", "article", Some("newspaper"), News),
    ty("BOOK", "book", None, Book),
    ty("EBOOK", "book", None, Book),
    ty("CLSWK", "book", None, Book),
    ty("ANCIENT", "book", None, Book),
    ty("EDBOOK", "collection", None, Book),
    ty("SER", "book", None, Book),
    ty("PAMP", "booklet", None, Pamphlet),
    ty("CHAP", "inbook", None, Chapter),
    ty("ECHAP", "inbook", None, Chapter),
    ty("ENCYC", "inreference", None, Chapter),
    ty("DICT", "inreference", None, Chapter),
    ty("CONF", "inproceedings", None, Conference),
    ty("CPAPER", "inproceedings", None, Conference),
    ty("THES", "thesis", None, Thesis),
    ty("RPRT", "report", None, Report),
    ty("GOVDOC", "report", None, Report),
    ty("STAND", "standard", None, Report),
    ty("STD", "standard", None, Report),
    ty("ELEC", "online", None, Web),
    ty("WEB", "online", None, Web),
    ty("BLOG", "online", None, Web),
    ty("MULTI", "online", None, Web),
    ty("ICOMM", "letter", None, Web),
    ty("PCOMM", "letter", None, Other),
    ty("GEN", "misc", None, Generic),
    ty("UNPB", "unpublished", None, Other),
    ty("MANSCPT", "unpublished", None, Other),
    ty("PAT", "patent", None, Other),
    ty("COMP", "software", None, Software),
    ty("DATA", "dataset", None, Data),
    ty("DBASE", "dataset", None, Data),
    ty("AGGR", "dataset", None, Data),
    ty("STAT", "legislation", None, Legal),
    ty("BILL", "legislation", None, Legal),
    ty("UNBILL", "legislation", None, Legal),
    ty("CASE", "jurisdiction", None, Legal),
    ty("LEGAL", "jurisdiction", None, Legal),
    ty("HEAR", "jurisdiction", None, Legal),
    ty("MPCT", "movie", None, Media),
    ty("ADVS", "movie", None, Media),
    ty("VIDEO", "video", None, Media),
    ty("SOUND", "audio", None, Media),
    ty("MUSIC", "music", None, Media),
    ty("ART", "artwork", None, Other),
    ty("SLIDE", "artwork", None, Other),
    ty("EQUA", "artwork", None, Other),
    ty("FIGURE", "image", None, Other),
    ty("CHART", "image", None, Other),
    ty("MAP", "misc", None, Other),
    ty("CTLG", "misc", None, Other),
    ty("GRANT", "misc", None, Other),
    ty("GRNT", "misc", None, Other),
];

/// The type for a `TY` value (case-insensitive), if known.
pub fn ris_type(value: &str) -> Option<&'static RisType> {
    let upper = value.trim().to_ascii_uppercase();
    let upper = match upper.as_str() {
        "CHAPTER" => "CHAP",
        "JOURNAL" => "JOUR",
        "THESIS" => "THES",
        "REPORT" => "RPRT",
        other => other,
    };
    TYPES.iter().find(|known| known.ty == upper)
}

/// What a tag's value becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A name list field; each tag line is one name.
    Names(&'static str),
    /// A literal field; the first value wins, later different ones are reported.
    Text(&'static str),
    /// A literal list field (publisher, location): different values are joined with `and`.
    List(&'static str),
    /// Candidate for `title`, by priority (lower wins).
    Title(u8),
    /// A translated title (TT): `titleaddon`, unless a web page's site name
    /// (T2) already fills it.
    TranslatedTitle,
    /// The secondary title: journal, book title, series or site, by class
    /// (resolved against JF/JO in the converter).
    SecondaryTitle(&'static str),
    /// Proceedings title of a conference paper (C3): it becomes the
    /// `booktitle`, and T2 then names the event (`eventtitle`).
    ProceedingsTitle,
    /// Full journal name (JF).
    JournalFull,
    /// Journal name that exporters use for the full name or the abbreviation (JO).
    JournalName,
    /// Journal abbreviations (JA, J1, J2).
    JournalAbbrev,
    /// Publication date candidate, by priority (lower wins).
    Date(u8),
    /// Access date.
    UrlDate,
    /// Start page, or a whole range.
    StartPage,
    /// End page.
    EndPage,
    /// Page count (SP of books and theses).
    PageTotal,
    /// Issue number (IS, CP).
    Number,
    /// M1 as a number (EndNote's issue hack for journals, the document number
    /// of reports and theses): fills `number` only when nothing else does.
    MiscNumber,
    /// ISSN or ISBN, by the value's shape.
    Serial,
    /// The DOI.
    Doi,
    /// A URL.
    Url,
    /// A keyword (or several separated by `;` or newlines).
    Keyword,
    /// An abstract (AB and N2 often hold the same text).
    Abstract,
    /// A note, minus database noise.
    Note,
    /// The thesis or report kind (M3).
    WorkType,
    /// Not a BibLaTeX field: kept beside the entry as extra data.
    Extra,
}

use Target::*;

/// One row of the tag table.
#[derive(Debug, Clone, Copy)]
pub struct TagRule {
    /// The tag.
    pub tag: &'static str,
    /// Classes the row applies to; empty means all.
    pub classes: &'static [Class],
    /// What the value becomes.
    pub target: Target,
}

const fn rule(tag: &'static str, classes: &'static [Class], target: Target) -> TagRule {
    TagRule { tag, classes, target }
}

const ALL: &[Class] = &[];

/// The tag table. Order matters: the first row whose tag and class match wins.
pub static TAGS: &[TagRule] = &[
    rule("AU", ALL, Names("author")),
    rule("A1", ALL, Names("author")),
    // A2 is an editor only where the spec says so; for other types it is a
    // performer, sponsor, recipient, issuing body, ... (kept as extra data).
    rule("A2", &[Journal, Chapter, Conference, Generic], Names("editor")),
    rule("A2", &[Book, Report, Web], Names("editora")),
    rule("A2", ALL, Extra),
    rule("ED", ALL, Names("editor")),
    rule("A3", &[Book], Names("editor")),
    rule("A3", &[Chapter, Conference], Names("editora")),
    rule("A3", ALL, Extra),
    // A4 is the translator in most types; the 2011 spec makes it the sponsor of
    // conference papers, the department of reports, the performer or producer of
    // audiovisual works, counsel in legal material and the funder of data sets:
    // kept as extra data there.
    rule("A4", &[Conference, Report, Media, Legal, Data], Extra),
    rule("A4", ALL, Names("translator")),
    // The 2011 spec's place of publication of conference papers (CY is their venue).
    rule("C1", &[Conference], List("location")),
    rule("TI", ALL, Title(0)),
    rule("T1", ALL, Title(1)),
    rule("CT", ALL, Title(2)),
    rule("BT", &[Book, Pamphlet, Media, Legal, Data, Other], Title(3)),
    rule("BT", ALL, Text("booktitle")),
    rule("ST", ALL, Text("shorttitle")),
    rule("TT", ALL, TranslatedTitle),
    rule("T2", &[Journal, Magazine, News], SecondaryTitle("journaltitle")),
    rule("T2", &[Chapter, Conference], SecondaryTitle("booktitle")),
    rule("T2", &[Book, Pamphlet, Software], SecondaryTitle("series")),
    // biblatex's @report has no series: a report series ("Working Paper",
    // "Policy Brief") is what its `type` field prints, unless M3 names the type.
    rule("T2", &[Report], SecondaryTitle("type")),
    // The site's name of a web page: `organization`, as biblatex's @online prints it.
    rule("T2", &[Web], SecondaryTitle("organization")),
    rule("T2", &[Thesis], Extra),
    rule("T2", ALL, SecondaryTitle("booktitle")),
    rule("T3", &[Report], SecondaryTitle("type")),
    rule("T3", ALL, Text("series")),
    rule("JF", ALL, JournalFull),
    rule("JO", ALL, JournalName),
    rule("JA", ALL, JournalAbbrev),
    rule("J1", ALL, JournalAbbrev),
    rule("J2", ALL, JournalAbbrev),
    rule("DA", ALL, Date(0)),
    rule("Y1", ALL, Date(1)),
    rule("PY", ALL, Date(2)),
    rule("Y2", ALL, UrlDate),
    // The 2011 spec's report number (reports have no volume in biblatex).
    rule("VL", &[Report], Number),
    rule("VL", ALL, Text("volume")),
    rule("IS", ALL, Number),
    rule("CP", ALL, Number),
    rule("C3", &[Conference], ProceedingsTitle),
    rule(
        "M1",
        &[
            Journal, Magazine, Conference, Report, Thesis, Software, Generic, Media,
            Legal, Data, Other,
        ],
        MiscNumber,
    ),
    rule("M1", ALL, Extra),
    rule("SP", &[Book, Pamphlet, Thesis], PageTotal),
    rule("SP", ALL, StartPage),
    rule("EP", ALL, EndPage),
    rule("C7", ALL, Text("eid")),
    rule("SN", ALL, Serial),
    rule("DO", ALL, Doi),
    rule("UR", ALL, Url),
    rule("LK", ALL, Url),
    rule("L2", ALL, Url),
    rule("KW", ALL, Keyword),
    rule("AB", ALL, Abstract),
    rule("N2", ALL, Abstract),
    rule("N1", ALL, Note),
    rule("RN", ALL, Note),
    rule("PB", &[Thesis, Report], List("institution")),
    rule("PB", &[Web], List("organization")),
    rule("PB", ALL, List("publisher")),
    rule("CY", &[Conference], Text("venue")),
    rule("CY", ALL, List("location")),
    rule("PP", ALL, List("location")),
    rule("ET", &[Journal], Extra),
    rule("ET", &[Software], Text("version")),
    rule("ET", ALL, Text("edition")),
    rule("NV", &[Book, Pamphlet], Text("volumes")),
    rule("M3", &[Thesis, Report], WorkType),
    rule("LA", ALL, Text("language")),
    rule("CN", ALL, Text("library")),
    rule("LB", ALL, Text("label")),
];

/// Tags of the spec (and of common exporters) that we know but keep as extra data.
pub static EXTRA_TAGS: &[&str] = &[
    "AD", "AN", "AV", "C1", "C2", "C3", "C4", "C5", "C6", "C8", "CA", "DB", "DP", "H1",
    "H2", "ID", "L1", "L3", "L4", "M2", "M3", "NV", "OP", "RI", "RP", "SE", "SV", "TA",
    "U1", "U2", "U3", "U4", "U5", "A3", "T2", "M1", "ET",
];

/// The rule for a tag in a class, if the tag is mapped at all.
pub fn rule_for(tag: &str, class: Class) -> Option<&'static TagRule> {
    TAGS.iter().find(|row| {
        same_tag(row.tag, tag) && (row.classes.is_empty() || row.classes.contains(&class))
    })
}

/// `a == b` for the two-byte tags, without a `memcmp` call per table row
/// (the lookup runs for every line of a file).
#[inline]
fn same_tag(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// Whether the tag is part of RIS as we know it (mapped or kept as extra).
pub fn is_known_tag(tag: &str) -> bool {
    tag == "TY"
        || tag == "ER"
        || TAGS.iter().any(|row| same_tag(row.tag, tag))
        || EXTRA_TAGS.contains(&tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_type_is_mapped_to_a_known_biblatex_type() {
        for ty in TYPES {
            assert!(crate::model::is_known_type(ty.entry_type), "{}", ty.ty);
        }
        assert_eq!(ris_type("Chap").map(|t| t.entry_type), Some("inbook"));
    }

    #[test]
    fn tags_depend_on_class() {
        assert_eq!(rule_for("A2", Chapter).map(|r| r.target), Some(Names("editor")));
        assert_eq!(rule_for("A2", Book).map(|r| r.target), Some(Names("editora")));
        assert_eq!(rule_for("PB", Thesis).map(|r| r.target), Some(List("institution")));
        assert!(rule_for("AN", Journal).is_none() && is_known_tag("AN"));
        assert!(!is_known_tag("ZZ"));
    }

    #[test]
    fn a2_is_an_editor_only_where_the_spec_says_so() {
        // 2011 spec: A2 of PAT is the issuing body, of MPCT the series director,
        // of PCOMM the recipient, of PAMP the institution.
        for ty in ["PAT", "MPCT", "PCOMM", "CASE", "BILL", "PAMP", "THES"] {
            let class = ris_type(ty).map(|t| t.class).unwrap_or(Other);
            assert_eq!(rule_for("A2", class).map(|r| r.target), Some(Extra), "{ty}");
        }
        for ty in ["JOUR", "CHAP", "ENCYC", "DICT", "CONF", "CPAPER", "GEN"] {
            let class = ris_type(ty).map(|t| t.class).unwrap_or(Other);
            assert_eq!(
                rule_for("A2", class).map(|r| r.target),
                Some(Names("editor")),
                "{ty}"
            );
        }
        for ty in ["BOOK", "RPRT", "ELEC"] {
            let class = ris_type(ty).map(|t| t.class).unwrap_or(Other);
            assert_eq!(
                rule_for("A2", class).map(|r| r.target),
                Some(Names("editora")),
                "{ty}"
            );
        }
    }

    #[test]
    fn secondary_titles_by_type() {
        let target = |tag: &str, ty: &str| {
            rule_for(tag, ris_type(ty).map(|t| t.class).unwrap_or(Other))
                .map(|r| r.target)
        };
        assert_eq!(target("T2", "COMP"), Some(SecondaryTitle("series")));
        assert_eq!(target("T2", "ELEC"), Some(SecondaryTitle("organization")));
        assert_eq!(target("T2", "WEB"), Some(SecondaryTitle("organization")));
        assert_eq!(target("PB", "ELEC"), Some(List("organization")));
        assert_eq!(target("T3", "RPRT"), Some(SecondaryTitle("type")));
        assert_eq!(target("VL", "RPRT"), Some(Number));
        assert_eq!(target("C3", "CONF"), Some(ProceedingsTitle));
        assert_eq!(target("C3", "JOUR"), None);
        assert_eq!(target("ET", "COMP"), Some(Text("version")));
        assert_eq!(target("M1", "JOUR"), Some(MiscNumber));
    }

    #[test]
    fn a4_is_a_translator_only_where_the_spec_says_so() {
        for ty in ["BOOK", "CHAP", "JOUR", "PAMP", "GRANT"] {
            let class = ris_type(ty).map(|t| t.class).unwrap_or(Other);
            assert_eq!(
                rule_for("A4", class).map(|r| r.target),
                Some(Names("translator")),
                "{ty}"
            );
        }
        for ty in ["CONF", "RPRT", "MPCT", "MUSIC", "CASE", "DATA"] {
            let class = ris_type(ty).map(|t| t.class).unwrap_or(Other);
            assert_eq!(rule_for("A4", class).map(|r| r.target), Some(Extra), "{ty}");
        }
        let conference = ris_type("CPAPER").map(|t| t.class).unwrap_or(Other);
        assert_eq!(rule_for("C1", conference).map(|r| r.target), Some(List("location")));
    }
}
