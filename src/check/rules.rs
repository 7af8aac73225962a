//! The rule registry: every finding `biblink check` can report, with its
//! stable id, its name, its default severity and what it is about.
//!
//! Ids never change meaning once released; a retired rule keeps its id
//! reserved. The readers' own diagnostics (`BIB…`, `RIS…`, `CSL…`, `EN…`,
//! `JATS…`, `REF…`) are rules too, so that `biblink.toml` can change their
//! severity or ignore them.

use crate::diag::Severity;

/// One rule of `biblink check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id (`MODEL001`).
    pub id: &'static str,
    /// Stable kebab-case name (`missing-required-field`); accepted wherever an id is.
    pub name: &'static str,
    /// Severity unless `biblink.toml` says otherwise.
    pub severity: Severity,
    /// One sentence: what the rule finds.
    pub summary: &'static str,
}

use Severity::{Error, Info, Warning};

const fn rule(
    id: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
) -> Rule {
    Rule { id, name, severity, summary }
}

/// Every rule, grouped by area, in id order within each group.
pub const RULES: &[Rule] = &[
    // Syntax, from the BibLaTeX reader.
    rule(
        "BIB001",
        "syntax-error",
        Error,
        "An entry that cannot be parsed: a missing '{', ',' or '=', a field without a value, an entry without a key; the entry is skipped.",
    ),
    rule(
        "BIB002",
        "duplicate-field",
        Warning,
        "A field given twice in one entry; only the first value counts.",
    ),
    rule(
        "BIB003",
        "duplicate-key",
        Error,
        "Two entries with the same citation key (biber also treats keys differing only in case as the same); the second is skipped.",
    ),
    rule(
        "BIB004",
        "undefined-macro",
        Warning,
        "A bare word that is not a @string macro nor a month abbreviation.",
    ),
    rule(
        "BIB006",
        "unbalanced-braces",
        Error,
        "A '{' never closed (the entry is skipped) or a '}' that closes nothing.",
    ),
    rule(
        "BIB007",
        "no-entries",
        Warning,
        "A BibLaTeX file without a single entry (empty, or not BibLaTeX at all).",
    ),
    // RIS, from the RIS reader.
    rule("RIS001", "not-ris", Error, "The file holds no RIS tag line."),
    rule("RIS002", "record-without-type", Error, "A RIS record without a 'TY' line."),
    rule("RIS003", "empty-record", Error, "A RIS record with no field."),
    rule(
        "RIS004",
        "unclosed-record",
        Warning,
        "The last RIS record is not closed by 'ER  -' (a truncated file?).",
    ),
    rule(
        "RIS005",
        "unknown-ris-type",
        Warning,
        "A RIS reference type outside the RIS specification; imported as @misc.",
    ),
    rule(
        "RIS006",
        "ris-repeated-value",
        Warning,
        "A RIS tag repeated with a different value; the first is kept.",
    ),
    rule(
        "RIS007",
        "unknown-ris-tag",
        Warning,
        "A RIS tag outside the specification; kept as extra data.",
    ),
    rule(
        "RIS008",
        "ris-not-doi",
        Warning,
        "A RIS 'DO' value that is not a DOI; kept as extra data.",
    ),
    rule(
        "RIS009",
        "ris-not-issn-isbn",
        Warning,
        "An 'SN' value that is neither an ISSN nor an ISBN; kept as extra data.",
    ),
    rule(
        "RIS010",
        "ris-subtitle-from-t2",
        Info,
        "'T2' read as the article's subtitle because 'JO'/'JF' name the journal.",
    ),
    rule(
        "RIS011",
        "ris-bad-date",
        Warning,
        "A RIS date that is not a date; kept as extra data.",
    ),
    rule(
        "RIS012",
        "ris-conflicting-years",
        Warning,
        "Two RIS date tags give different years; the first is kept.",
    ),
    rule(
        "RIS013",
        "ris-empty-name",
        Warning,
        "A RIS name tag that holds no name; kept as extra data.",
    ),
    // CSL-JSON, from the CSL-JSON reader.
    rule(
        "CSL001",
        "not-json",
        Error,
        "A CSL-JSON file that is not JSON (a truncated file, a stray comma); nothing of it is read.",
    ),
    rule(
        "CSL002",
        "csl-not-array",
        Error,
        "A CSL-JSON file that is not an array of items (a single object, a number).",
    ),
    rule(
        "CSL003",
        "csl-item-not-object",
        Error,
        "An element of the CSL-JSON array that is not an object; it is skipped.",
    ),
    rule(
        "CSL004",
        "csl-item-without-type-or-id",
        Error,
        "A CSL-JSON item without 'type' or 'id'; it is skipped.",
    ),
    rule(
        "CSL005",
        "csl-wrong-value-type",
        Error,
        "A CSL-JSON variable of the wrong type: a title that is an array, names that are not objects, 'date-parts' of words, an id that is an object.",
    ),
    rule(
        "CSL006",
        "csl-unknown-type",
        Warning,
        "A CSL type outside the CSL specification; imported as @misc.",
    ),
    rule(
        "CSL007",
        "csl-duplicate-id",
        Error,
        "Two CSL-JSON items with the same 'id'; the second is skipped.",
    ),
    // EndNote XML, from the EndNote reader (values get the RIS warnings).
    rule(
        "EN001",
        "not-endnote-xml",
        Error,
        "An EndNote XML file that is empty, has another root than <xml>, no <records>, or is UTF-16 without a byte order mark.",
    ),
    rule(
        "EN002",
        "endnote-malformed-xml",
        Error,
        "EndNote XML that is not well-formed; reading goes on at the next <record>.",
    ),
    rule(
        "EN003",
        "endnote-unclosed-tag",
        Error,
        "An EndNote XML element that is not closed, or closed by a tag of another name (a truncated file).",
    ),
    rule(
        "EN004",
        "endnote-record-without-type",
        Error,
        "An EndNote record without a <ref-type> (or with an empty one); it is skipped.",
    ),
    rule(
        "EN005",
        "endnote-record-without-fields",
        Error,
        "An EndNote record with a type but no field; it is skipped.",
    ),
    rule(
        "EN006",
        "endnote-empty-record",
        Warning,
        "An empty <record/> (nothing to import; some exporters leave one where a reference was deleted).",
    ),
    rule(
        "EN007",
        "endnote-external-entity",
        Error,
        "A DOCTYPE declaring an external entity in EndNote XML; it is never resolved, fetched or read.",
    ),
    rule(
        "EN008",
        "endnote-entity-reference",
        Error,
        "An entity reference other than XML's five and character references in EndNote XML; it is not expanded.",
    ),
    // JATS articles, from the JATS reader.
    rule(
        "JATS001",
        "jats-malformed-xml",
        Error,
        "A JATS article that is not well-formed XML (an unclosed or mismatched tag, text that is not XML).",
    ),
    rule(
        "JATS002",
        "not-jats-article",
        Error,
        "An XML file whose root is not <article>, or in a namespace other than JATS's.",
    ),
    rule(
        "JATS003",
        "jats-unexpanded-entity",
        Warning,
        "An entity a DOCTYPE declares, left out of the text (never expanded).",
    ),
    rule("JATS004", "jats-empty-file", Error, "An empty JATS file."),
    rule(
        "JATS005",
        "jats-ref-without-citation",
        Warning,
        "A <ref> without a citation element; kept as @misc.",
    ),
    rule(
        "JATS006",
        "jats-no-ref-list",
        Warning,
        "A JATS article without a <ref-list>: no reference to check.",
    ),
    // Documents' reference lists, from the reference-list reader.
    rule("REF001", "no-reference-section", Warning, "A paper without a reference list."),
    rule(
        "REF002",
        "empty-reference-section",
        Warning,
        "A reference section that lists nothing.",
    ),
    rule("REF003", "reference-too-short", Warning, "A reference of one word."),
    rule(
        "REF004",
        "reference-too-long",
        Warning,
        "A reference so long that several may run together.",
    ),
    rule(
        "REF005",
        "reference-binary",
        Warning,
        "A reference that looks like binary data.",
    ),
    rule(
        "REF006",
        "reference-unparsed",
        Warning,
        "A reference whose parts could not all be recognised.",
    ),
    rule(
        "ENC001",
        "not-utf8",
        Warning,
        "A file that is not UTF-8; read as Windows-1252.",
    ),
    // The BibLaTeX data model (biblatex 3.22's blx-dm.def).
    rule(
        "MODEL001",
        "missing-required-field",
        Warning,
        "A field the entry type requires is missing (for example 'journaltitle' of an @article, 'type' and 'institution' of a @report; 'date' or 'year' for most types).",
    ),
    rule(
        "MODEL002",
        "unknown-entry-type",
        Warning,
        "An entry type biblatex does not know; biber treats it as @misc.",
    ),
    rule(
        "MODEL003",
        "unknown-field",
        Warning,
        "A field that is not in biblatex's data model; biber drops it.",
    ),
    rule(
        "MODEL004",
        "field-not-for-type",
        Warning,
        "A field of the data model that the entry type does not take (biber: \"Invalid field for entrytype\").",
    ),
    rule(
        "MODEL005",
        "invalid-date",
        Warning,
        "A 'date', 'eventdate', 'origdate' or 'urldate' that is not an EDTF date, a 'year' that is not a year, a 'month' that is not 1-12, or 'year'/'month' that contradict 'date'.",
    ),
    rule(
        "MODEL006",
        "invalid-field-value",
        Warning,
        "A value of the wrong data type: 'volume'/'volumes' not an integer, 'gender' not one of sf sm sn pf pm pn pp, 'pagetotal' not a number.",
    ),
    rule(
        "MODEL007",
        "invalid-pages",
        Warning,
        "A 'pages' value that is not a page, a range or a list of them, or a range that ends before it starts.",
    ),
    rule(
        "MODEL008",
        "invalid-name-list",
        Warning,
        "A name list with an empty name ('and and', a leading or trailing 'and'), a name with too many commas, or 'et al.' written out instead of 'and others'.",
    ),
    rule(
        "MODEL009",
        "unescaped-special-character",
        Error,
        "A '&', '#', '%', '_' or '^' outside math and not escaped, or an unbalanced '$': LaTeX stops on it.",
    ),
    rule(
        "MODEL010",
        "broken-cross-reference",
        Warning,
        "A 'crossref' or 'xref' naming an entry that is not in the file.",
    ),
    // Identifiers.
    rule(
        "ID001",
        "invalid-doi",
        Error,
        "A 'doi' that is not a DOI ('10.' + registrant + '/' + suffix).",
    ),
    rule(
        "ID002",
        "invalid-isbn",
        Error,
        "An 'isbn' with the wrong length or check digit.",
    ),
    rule(
        "ID003",
        "invalid-issn",
        Error,
        "An 'issn' with the wrong length or check digit.",
    ),
    rule(
        "ID004",
        "invalid-url",
        Warning,
        "A 'url' that is not an absolute http(s), ftp or file URL, or contains white space.",
    ),
    // Duplicate works.
    rule(
        "DUP001",
        "duplicate-doi",
        Warning,
        "Two entries with the same DOI: one work under two keys.",
    ),
    rule(
        "DUP002",
        "duplicate-work",
        Warning,
        "Two entries with nearly the same title, the same year and the same first author.",
    ),
    // Values.
    rule("VALUE001", "empty-field", Warning, "A field with an empty value."),
    rule(
        "VALUE002",
        "placeholder-value",
        Warning,
        "A placeholder instead of data: 'TODO', 'TBD', 'FIXME', 'XXX', '???', 'unknown', 'n/a', 'Lorem ipsum'.",
    ),
    rule(
        "VALUE003",
        "mojibake",
        Warning,
        "Encoding damage: UTF-8 read as Latin-1 or Windows-1252 ('â€™', 'Ã©'), or U+FFFD replacement characters.",
    ),
    rule(
        "VALUE004",
        "html-markup",
        Warning,
        "HTML entities or tags ('&amp;', '<i>') copied into a value.",
    ),
    // Style.
    rule(
        "STYLE001",
        "inconsistent-case-protection",
        Info,
        "A word protected by braces in one title ('{DNA}') and left bare in another, where bibliography styles may lower-case it.",
    ),
    rule(
        "STYLE002",
        "single-hyphen-range",
        Info,
        "A page range written with a single hyphen ('1-10') instead of '--'.",
    ),
    rule(
        "STYLE003",
        "doi-as-url",
        Info,
        "A 'doi' written as a URL or with a 'doi:' label instead of the bare DOI.",
    ),
    rule(
        "KEY001",
        "key-pattern",
        Info,
        "A citation key that does not follow the configured key pattern.",
    ),
    // Papers (`--paper`).
    rule(
        "LINK001",
        "unresolved-callout",
        Error,
        "An in-text citation that matches no reference of the paper's list.",
    ),
    rule(
        "LINK002",
        "ambiguous-callout",
        Warning,
        "An in-text citation that fits several references.",
    ),
    rule(
        "LINK003",
        "callout-mismatch",
        Warning,
        "A callout whose year, suffix or names differ from the reference it resolves to, or a date the sentence contradicts.",
    ),
    rule(
        "LINK004",
        "uncited-reference",
        Warning,
        "A reference of the paper's list that no callout cites.",
    ),
    rule(
        "LINK005",
        "cited-not-in-store",
        Error,
        "A reference the paper cites that has no entry in the store.",
    ),
    // Sources.
    rule(
        "SYNC001",
        "store-out-of-date",
        Error,
        "Rebuilding the store from its recorded sources would change it: an entry would be added, removed or changed.",
    ),
    rule(
        "SYNC002",
        "source-missing",
        Warning,
        "A source file recorded in the store's provenance no longer exists.",
    ),
    rule(
        "DOI001",
        "doi-not-found",
        Error,
        "With --online: the DOI is registered nowhere (the registries answer 404).",
    ),
    rule(
        "DOI002",
        "doi-metadata-mismatch",
        Warning,
        "With --online: the registry's metadata disagrees with the entry (title, year, authors, container...).",
    ),
    rule(
        "DOI003",
        "doi-not-checked",
        Warning,
        "With --online: the DOI could not be checked (network failure, timeout, not cached with --offline).",
    ),
];

/// The rule with this id or name (ids are matched case-insensitively).
pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|rule| rule.id.eq_ignore_ascii_case(id_or_name) || rule.name == id_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        ids.sort_unstable();
        names.sort_unstable();
        let n = RULES.len();
        ids.dedup();
        names.dedup();
        assert_eq!((ids.len(), names.len()), (n, n));
        for rule in RULES {
            assert!(
                rule.id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            );
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
            );
            assert!(rule.summary.ends_with('.'), "{}", rule.id);
        }
        assert_eq!(find("missing-required-field").map(|r| r.id), Some("MODEL001"));
        assert_eq!(find("model001").map(|r| r.name), Some("missing-required-field"));
    }
}
