//! EndNote XML → RIS, as data: reference types and elements.
//!
//! This is no second BibLaTeX mapping: EndNote's reference types and fields
//! are translated into the RIS types and tags EndNote itself writes when it
//! exports RIS, and the RIS table ([`crate::ris::tags`]) decides what they
//! become. What has no RIS tag is kept as extra data under its element path.

/// One EndNote reference type: its fixed number, its name, the RIS type.
#[derive(Debug, Clone, Copy)]
pub struct EndNoteType {
    /// The number EndNote writes as the text of `<ref-type>`.
    pub number: u32,
    /// The `name` attribute of `<ref-type>`.
    pub name: &'static str,
    /// The RIS `TY` value.
    pub ris: &'static str,
}

const fn ty(number: u32, name: &'static str, ris: &'static str) -> EndNoteType {
    EndNoteType { number, name, ris }
}

/// EndNote's reference types (numbers as in EndNote X–21 and Zotero's EndNote
/// XML translator), with the RIS type EndNote's RIS export gives them.
/// Number 0 marks types whose number is not fixed; they are matched by name.
pub static TYPES: &[EndNoteType] = &[
    ty(2, "Artwork", "ART"),
    ty(3, "Audiovisual Material", "ADVS"),
    ty(4, "Bill", "BILL"),
    ty(5, "Book Section", "CHAP"),
    ty(6, "Book", "BOOK"),
    ty(7, "Case", "CASE"),
    ty(8, "Catalog", "CTLG"),
    ty(9, "Computer Program", "COMP"),
    ty(10, "Conference Proceedings", "CONF"),
    ty(12, "Web Page", "ELEC"),
    ty(13, "Generic", "GEN"),
    ty(14, "Hearing", "HEAR"),
    ty(17, "Journal Article", "JOUR"),
    ty(19, "Magazine Article", "MGZN"),
    ty(20, "Map", "MAP"),
    ty(21, "Film or Broadcast", "MPCT"),
    ty(23, "Newspaper Article", "NEWS"),
    ty(24, "Pamphlet", "PAMP"),
    ty(25, "Patent", "PAT"),
    ty(26, "Personal Communication", "PCOMM"),
    ty(27, "Report", "RPRT"),
    ty(28, "Edited Book", "EDBOOK"),
    ty(31, "Statute", "STAT"),
    ty(32, "Thesis", "THES"),
    ty(34, "Unpublished Work", "UNPB"),
    ty(36, "Manuscript", "MANSCPT"),
    ty(37, "Figure", "FIGURE"),
    ty(38, "Chart or Table", "CHART"),
    ty(39, "Equation", "EQUA"),
    ty(43, "Electronic Article", "EJOUR"),
    ty(44, "Electronic Book", "EBOOK"),
    ty(45, "Online Database", "DBASE"),
    ty(46, "Government Document", "GOVDOC"),
    ty(47, "Conference Paper", "CPAPER"),
    ty(48, "Online Multimedia", "MULTI"),
    ty(49, "Classical Work", "CLSWK"),
    ty(50, "Legal Rule or Regulation", "LEGAL"),
    ty(51, "Ancient Text", "ANCIENT"),
    ty(52, "Dictionary", "DICT"),
    ty(53, "Encyclopedia", "ENCYC"),
    ty(54, "Grant", "GRANT"),
    ty(55, "Aggregated Database", "AGGR"),
    ty(56, "Blog", "BLOG"),
    ty(57, "Serial", "SER"),
    ty(58, "Standard", "STAND"),
    ty(59, "Dataset", "DATA"),
    ty(60, "Electronic Book Section", "ECHAP"),
    ty(61, "Music", "MUSIC"),
    // RIS has no type of its own for these: EndNote's RIS export writes GEN.
    ty(0, "Interview", "GEN"),
    ty(0, "Press Release", "GEN"),
    ty(0, "Podcast", "SOUND"),
    ty(0, "Discussion Forum", "BLOG"),
];

/// The type of a `<ref-type>`: by its `name` attribute (case-insensitive),
/// else by its number. The name wins: exporters other than EndNote (Mendeley,
/// Zotero) write names whose numbers do not always agree.
pub fn endnote_type(name: Option<&str>, number: &str) -> Option<&'static EndNoteType> {
    if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty())
        && let Some(found) = TYPES.iter().find(|t| t.name.eq_ignore_ascii_case(name))
    {
        return Some(found);
    }
    let number: u32 = number.trim().parse().ok().filter(|n| *n > 0)?;
    TYPES.iter().find(|t| t.number == number)
}

/// What an element's value becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A RIS tag, given to the RIS mapper.
    Ris(&'static str),
    /// Extra data under the element path (no RIS tag says the same).
    Extra,
    /// Not imported: bookkeeping of the EndNote library that exported the
    /// record (its file name and path, the application), the same on every record.
    Skip,
}

/// One row of the element table.
#[derive(Debug, Clone, Copy)]
pub struct ElementRule {
    /// The element's path below `<record>` (`titles/title`).
    pub path: &'static str,
    /// RIS types the row applies to; empty means all.
    pub types: &'static [&'static str],
    /// What the value becomes.
    pub target: Target,
}

const fn rule(
    path: &'static str,
    types: &'static [&'static str],
    target: Target,
) -> ElementRule {
    ElementRule { path, types, target }
}

const ALL: &[&str] = &[];
/// Types whose `<periodical>` and `<alt-title>` name a journal: elsewhere the
/// RIS journal-abbreviation tags would find no field.
const JOURNALS: &[&str] = &["JOUR", "EJOUR", "MGZN", "NEWS"];

use Target::{Extra, Ris, Skip};

/// The element table. Order matters: the first row whose path and type match wins.
/// `ref-type` and `dates` are read by the converter itself.
pub static ELEMENTS: &[ElementRule] = &[
    rule("contributors/authors/author", ALL, Ris("AU")),
    rule("contributors/secondary-authors/author", ALL, Ris("A2")),
    rule("contributors/tertiary-authors/author", ALL, Ris("A3")),
    rule("contributors/subsidiary-authors/author", ALL, Ris("A4")),
    rule("titles/title", ALL, Ris("TI")),
    rule("titles/secondary-title", ALL, Ris("T2")),
    rule("titles/tertiary-title", ALL, Ris("T3")),
    rule("titles/alt-title", JOURNALS, Ris("J2")),
    rule("titles/short-title", ALL, Ris("ST")),
    rule("titles/translated-title", ALL, Ris("TT")),
    rule("periodical/full-title", JOURNALS, Ris("JF")),
    rule("periodical/abbr-1", JOURNALS, Ris("JA")),
    rule("periodical/abbr-2", JOURNALS, Ris("J1")),
    // EndNote's term list for the "Alternate Journal" field: the abbreviation
    // again (the first abbreviation read wins, so `alt-title` still does).
    rule("alt-periodical/full-title", JOURNALS, Ris("J2")),
    rule("alt-periodical/abbr-1", JOURNALS, Ris("J2")),
    rule("alt-periodical/abbr-2", JOURNALS, Ris("J1")),
    rule("pages", ALL, Ris("SP")),
    rule("volume", ALL, Ris("VL")),
    // A patent's number is in EndNote's ISBN slot; its `number` is the
    // application number, a report's `number` its document number.
    rule("number", &["PAT"], Extra),
    rule("number", &["RPRT", "GOVDOC"], Ris("M1")),
    rule("number", ALL, Ris("IS")),
    rule("issue", ALL, Ris("IS")),
    rule("edition", ALL, Ris("ET")),
    rule("num-vols", ALL, Ris("NV")),
    rule("keywords/keyword", ALL, Ris("KW")),
    rule("pub-location", ALL, Ris("CY")),
    rule("publisher", ALL, Ris("PB")),
    rule("isbn", &["PAT"], Ris("IS")),
    rule("isbn", ALL, Ris("SN")),
    rule("electronic-resource-num", ALL, Ris("DO")),
    rule("urls/related-urls/url", ALL, Ris("UR")),
    rule("urls/web-urls/url", ALL, Ris("UR")),
    rule("abstract", ALL, Ris("AB")),
    rule("notes", ALL, Ris("N1")),
    rule("label", ALL, Ris("LB")),
    rule("work-type", ALL, Ris("M3")),
    rule("access-date", ALL, Ris("Y2")),
    rule("language", ALL, Ris("LA")),
    rule("call-num", ALL, Ris("CN")),
    rule("custom1", ALL, Ris("C1")),
    rule("custom2", ALL, Ris("C2")),
    rule("custom3", ALL, Ris("C3")),
    rule("custom4", ALL, Ris("C4")),
    rule("custom5", ALL, Ris("C5")),
    rule("custom6", ALL, Ris("C6")),
    rule("custom7", ALL, Ris("C7")),
    rule("custom8", ALL, Ris("C8")),
    rule("misc1", ALL, Ris("M1")),
    rule("database", ALL, Skip),
    rule("source-app", ALL, Skip),
    rule("foreign-keys/key", ALL, Skip),
];

/// The target of an element path in a RIS type; unknown paths are extra data.
pub fn target_for(path: &str, ris_type: &str) -> Target {
    ELEMENTS
        .iter()
        .find(|row| {
            row.path == path && (row.types.is_empty() || row.types.contains(&ris_type))
        })
        .map_or(Extra, |row| row.target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_a_known_ris_type() {
        for endnote in TYPES {
            assert!(
                crate::ris::tags::ris_type(endnote.ris).is_some(),
                "{}",
                endnote.name
            );
        }
    }

    #[test]
    fn name_wins_over_number() {
        assert_eq!(endnote_type(Some("Book Section"), "17").map(|t| t.ris), Some("CHAP"));
        assert_eq!(
            endnote_type(Some("journal article"), "").map(|t| t.ris),
            Some("JOUR")
        );
        assert_eq!(endnote_type(None, " 32 ").map(|t| t.ris), Some("THES"));
        assert_eq!(endnote_type(Some("Unused 2"), "17").map(|t| t.ris), Some("JOUR"));
        assert!(endnote_type(Some("Unused 2"), "0").is_none());
        assert!(endnote_type(None, "x").is_none());
    }

    #[test]
    fn every_ris_tag_of_the_table_is_known_to_the_ris_reader() {
        for row in ELEMENTS {
            if let Ris(tag) = row.target {
                assert!(crate::ris::tags::is_known_tag(tag), "{}", row.path);
            }
        }
    }

    #[test]
    fn targets_by_type() {
        assert_eq!(target_for("isbn", "PAT"), Ris("IS"));
        assert_eq!(target_for("isbn", "BOOK"), Ris("SN"));
        assert_eq!(target_for("titles/alt-title", "BOOK"), Extra);
        assert_eq!(target_for("titles/alt-title", "JOUR"), Ris("J2"));
        assert_eq!(target_for("research-notes", "JOUR"), Extra);
        assert_eq!(target_for("database", "JOUR"), Skip);
    }
}
