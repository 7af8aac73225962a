//! DOI syntax: recognising DOIs in the forms users paste and finding them in text.

pub mod map;
pub mod markup;

pub mod cache;
pub mod discover;
pub mod http;
pub mod merge;

/// Cleans a DOI written as `10.x/y`, `doi:10.x/y`, `https://doi.org/10.x/y` or
/// `http://dx.doi.org/10.x/y`, dropping trailing punctuation. Returns `None`
/// when what is left is not a DOI (`10.` + 4-9 digits + `/` + suffix).
pub fn clean(value: &str) -> Option<String> {
    let mut rest = value.trim();
    let lower = rest.to_ascii_lowercase();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi.org/",
        "dx.doi.org/",
        "doi:",
        "doi ",
    ] {
        if lower.starts_with(prefix) {
            rest = rest[prefix.len()..].trim_start();
            break;
        }
    }
    let rest = rest.trim_end_matches(['.', ',', ';', ')', ']']);
    is_doi(rest).then(|| rest.to_string())
}

/// Whether `value` is a bare DOI.
pub fn is_doi(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("10.") else { return false };
    let Some((registrant, suffix)) = rest.split_once('/') else { return false };
    let registrant_ok = registrant.split('.').next().is_some_and(|code| {
        (4..=9).contains(&code.len()) && code.chars().all(|c| c.is_ascii_digit())
    });
    registrant_ok && !suffix.is_empty() && !suffix.chars().any(char::is_whitespace)
}

/// Finds the first DOI inside free text (`... doi: 10.1080/x ...`).
pub fn find(text: &str) -> Option<String> {
    let mut search_from = 0;
    while let Some(found) = text[search_from..].find("10.") {
        let start = search_from + found;
        let preceded_by_digit =
            text[..start].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric());
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
            .map_or(text.len(), |len| start + len);
        if !preceded_by_digit && let Some(doi) = clean(&text[start..end]) {
            return Some(doi);
        }
        search_from = start + 3;
    }
    None
}

/// A DOI name in canonical form: `10.` + registrant code + `/` + suffix, with
/// no resolver prefix, percent-decoded, and lower case.
///
/// DOI names are case-insensitive for ASCII characters (DOI Handbook, 2.4
/// "Case sensitivity"), so the canonical form lower-cases every ASCII letter
/// and leaves other characters as they are. Two DOIs are equal when their
/// canonical forms are, which makes `==`, hashing and ordering
/// case-insensitive; Crossref itself answers with lower-cased DOIs.
///
/// ```
/// use biblink::doi::Doi;
/// let doi = Doi::parse("https://doi.org/10.1080/17544750.2019.1583261.").unwrap();
/// assert_eq!(doi.as_str(), "10.1080/17544750.2019.1583261");
/// assert_eq!(doi, Doi::parse("DOI: 10.1080/17544750.2019.1583261").unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Doi(String);

/// Why a string is not a DOI: the input and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoiError {
    /// The text that was given, trimmed.
    pub input: String,
    /// What is wrong with it.
    pub kind: DoiErrorKind,
}

/// What is wrong with a would-be DOI.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DoiErrorKind {
    /// Nothing left once white space, `doi:` or the resolver URL are removed.
    Empty,
    /// The DOI does not start with the directory indicator `10.`.
    MissingPrefix,
    /// The registrant code (between `10.` and `/`) is not 4 to 9 digits,
    /// optionally followed by dot-separated digit groups.
    BadRegistrant(String),
    /// There is no `/` after the registrant code, or nothing after it.
    MissingSuffix,
    /// White space inside the DOI (DOIs never contain any).
    Whitespace,
    /// A control character inside the DOI.
    ControlCharacter,
}

impl Doi {
    /// Parses a DOI from the forms users paste: bare (`10.1080/x`), with a
    /// label (`doi:10.1080/x`, `DOI: 10.1080/x`, `urn:doi:`, `info:doi/`),
    /// as a resolver URL (`https://doi.org/`, `http://dx.doi.org/`,
    /// `https://www.doi.org/`, with or without scheme), percent-encoded
    /// (`10.1002%2F...`, `%3C`/`%3E`/`%3B` in SICI DOIs), in angle brackets,
    /// in quotes or brackets, and followed by sentence punctuation (`.`, `,`,
    /// `;`, `:`, quotes, and a closing bracket that has no opening one inside
    /// the DOI).
    ///
    /// SICI-style DOIs keep their brackets and semicolons:
    /// `10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0`.
    /// Percent-decoding happens once, and only when every `%` starts a valid
    /// escape and the result is UTF-8; otherwise `%` is taken literally.
    pub fn parse(input: &str) -> Result<Doi, DoiError> {
        let error = |kind| Err(DoiError { input: input.trim().to_string(), kind });
        let mut rest = input.trim();
        if let Some(inner) = rest.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
            rest = inner.trim();
        }
        // Opening quotes and brackets of the surrounding text (a DOI starts
        // with `10.` or a label); the closing ones go with the trailing punctuation.
        rest = rest.trim_start_matches(['"', '\'', '‘', '“', '«', '(', '[']).trim_start();
        let (rest, is_url) = strip_label(rest);
        let mut rest = rest.trim_start();
        if is_url {
            // In a URL, `?` and `#` start the query and fragment; a DOI's own
            // `?` or `#` would have been percent-encoded.
            rest = rest.split(['?', '#']).next().unwrap_or_default();
        }
        let decoded = percent_decode(rest);
        let doi = trim_trailing_punctuation(decoded.trim_end());
        if doi.is_empty() {
            return error(DoiErrorKind::Empty);
        }
        if doi.chars().any(char::is_whitespace) {
            return error(DoiErrorKind::Whitespace);
        }
        if doi.chars().any(char::is_control) {
            return error(DoiErrorKind::ControlCharacter);
        }
        let Some(after_ten) = doi.strip_prefix("10.") else {
            return error(DoiErrorKind::MissingPrefix);
        };
        let (registrant, suffix) = after_ten.split_once('/').unwrap_or((after_ten, ""));
        if !is_registrant(registrant) {
            return error(DoiErrorKind::BadRegistrant(registrant.to_string()));
        }
        if suffix.is_empty() {
            return error(DoiErrorKind::MissingSuffix);
        }
        Ok(Doi(doi.to_ascii_lowercase()))
    }

    /// The canonical (lower-case, unprefixed) DOI.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The prefix: `10.` and the registrant code (`10.1080`).
    pub fn prefix(&self) -> &str {
        self.0.split_once('/').map_or(self.0.as_str(), |(prefix, _)| prefix)
    }

    /// The suffix after the first `/` (may itself contain `/`).
    pub fn suffix(&self) -> &str {
        self.0.split_once('/').map_or("", |(_, suffix)| suffix)
    }

    /// The DOI as one URL path segment: every byte but the RFC 3986
    /// unreserved characters (`A-Z a-z 0-9 - . _ ~`) percent-encoded with
    /// upper-case hex, `/` included (`10.1126%2Fscience.169.3946.635`).
    ///
    /// This is the form doi.org's redirect sends to Crossref
    /// (`/v1/works/{this}/transform`), and the only one that works for SICI
    /// DOIs: the recorded `/works/10.1890/0012-9615(1999)069[0569:EDILSA]2.0.CO;2/agency`
    /// sent unescaped got a 404, the fully encoded
    /// `10.1890%2F0012-9615%281999%29069%5B0569%3AEDILSA%5D2.0.CO%3B2` a 200.
    pub fn url_path_segment(&self) -> String {
        percent_encode(&self.0, false)
    }

    /// The DOI as URL path segments: like [`Doi::url_path_segment`] but `/`
    /// stays a path separator (`10.1126/science.169.3946.635`,
    /// `10.1890/0012-9615%281999%29069...`). This reproduces the paths of
    /// the recorded `/works/{doi}` and DataCite `/dois/{doi}` requests.
    pub fn url_path(&self) -> String {
        percent_encode(&self.0, true)
    }

    /// The resolver link `https://doi.org/{doi}`, the path encoded as in
    /// [`Doi::url_path`].
    pub fn to_url(&self) -> String {
        format!("https://doi.org/{}", self.url_path())
    }
}

impl std::fmt::Display for Doi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Doi {
    type Err = DoiError;

    fn from_str(text: &str) -> Result<Doi, DoiError> {
        Doi::parse(text)
    }
}

impl AsRef<str> for Doi {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DoiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let input = &self.input;
        let example = "a DOI looks like '10.1080/17544750.2019.1583261'";
        match &self.kind {
            DoiErrorKind::Empty => {
                write!(
                    f,
                    "'{input}' holds no DOI: give one, e.g. '10.1080/17544750.2019.1583261'"
                )
            }
            DoiErrorKind::MissingPrefix => {
                write!(f, "'{input}' is not a DOI: it must start with '10.'; {example}")
            }
            DoiErrorKind::BadRegistrant(registrant) => write!(
                f,
                "'{input}' is not a DOI: the registrant code '{registrant}' after '10.' must be 4 to 9 digits; {example}"
            ),
            DoiErrorKind::MissingSuffix => write!(
                f,
                "'{input}' is not a whole DOI: nothing follows the prefix and '/'; copy the DOI up to its end"
            ),
            DoiErrorKind::Whitespace => write!(
                f,
                "'{input}' is not a DOI: DOIs contain no white space; remove the spaces or line breaks, or give one DOI per value"
            ),
            DoiErrorKind::ControlCharacter => write!(
                f,
                "'{input}' is not a DOI: it contains a control character; retype the DOI"
            ),
        }
    }
}

impl std::error::Error for DoiError {}

/// Labels and resolver URLs in front of a DOI, lower case; the flag says
/// whether what follows is a URL path (query and fragment to cut).
const DOI_LABELS: &[(&str, bool)] = &[
    ("https://doi.org/", true),
    ("http://doi.org/", true),
    ("https://dx.doi.org/", true),
    ("http://dx.doi.org/", true),
    ("https://www.doi.org/", true),
    ("http://www.doi.org/", true),
    ("doi.org/", true),
    ("dx.doi.org/", true),
    ("www.doi.org/", true),
    ("urn:doi:", false),
    ("info:doi/", false),
    ("doi:", false),
    ("doi ", false),
];

/// Removes one label or resolver URL (case-insensitively).
fn strip_label(text: &str) -> (&str, bool) {
    for (label, is_url) in DOI_LABELS {
        if text.len() >= label.len()
            && text.is_char_boundary(label.len())
            && text[..label.len()].eq_ignore_ascii_case(label)
        {
            return (&text[label.len()..], *is_url);
        }
    }
    (text, false)
}

fn is_registrant(registrant: &str) -> bool {
    let mut groups = registrant.split('.');
    let first_ok = groups.next().is_some_and(|code| {
        (4..=9).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
    });
    first_ok
        && groups
            .all(|group| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit()))
}

/// Decodes `%XX` escapes when all of them are valid and the result is UTF-8.
fn percent_decode(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('%') {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        if bytes[idx] == b'%' {
            let hex = bytes.get(idx + 1..idx + 3).and_then(|pair| {
                std::str::from_utf8(pair)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            });
            match hex {
                Some(byte) => {
                    out.push(byte);
                    idx += 3;
                    continue;
                }
                None => return std::borrow::Cow::Borrowed(text),
            }
        }
        out.push(bytes[idx]);
        idx += 1;
    }
    match String::from_utf8(out) {
        Ok(decoded) => std::borrow::Cow::Owned(decoded),
        Err(_) => std::borrow::Cow::Borrowed(text),
    }
}

/// Drops sentence punctuation after a DOI: `.,;:!?`, quotes, and closing
/// brackets that have no opening partner inside the DOI (SICI DOIs keep
/// their balanced `()`, `[]` and `<>`).
fn trim_trailing_punctuation(doi: &str) -> &str {
    let mut doi = doi;
    loop {
        let Some(last) = doi.chars().next_back() else { return doi };
        let opener = match last {
            ')' => Some('('),
            ']' => Some('['),
            '>' => Some('<'),
            '}' => Some('{'),
            _ => None,
        };
        let drop = match opener {
            Some(opener) => doi.matches(last).count() > doi.matches(opener).count(),
            None => matches!(
                last,
                '.' | ',' | ';' | ':' | '!' | '?' | '"' | '\'' | '’' | '”' | '»'
            ),
        };
        if !drop {
            return doi;
        }
        doi = doi[..doi.len() - last.len_utf8()].trim_end();
    }
}

/// Percent-encodes all but the RFC 3986 unreserved characters (and `/`
/// when `keep_slash`).
fn percent_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || keep_slash && byte == b'/';
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> String {
        match Doi::parse(text) {
            Ok(doi) => doi.as_str().to_string(),
            Err(error) => panic!("'{text}' did not parse: {error}"),
        }
    }

    fn kind(text: &str) -> DoiErrorKind {
        match Doi::parse(text) {
            Ok(doi) => panic!("'{text}' parsed as '{doi}'"),
            Err(error) => error.kind,
        }
    }

    #[test]
    fn doi_parses_every_pasted_form() {
        let seed = "10.1080/17544750.2019.1583261";
        for form in [
            "10.1080/17544750.2019.1583261",
            "  10.1080/17544750.2019.1583261\n",
            "doi:10.1080/17544750.2019.1583261",
            "DOI: 10.1080/17544750.2019.1583261",
            "doi 10.1080/17544750.2019.1583261",
            "urn:doi:10.1080/17544750.2019.1583261",
            "info:doi/10.1080/17544750.2019.1583261",
            "https://doi.org/10.1080/17544750.2019.1583261",
            "http://doi.org/10.1080/17544750.2019.1583261",
            "http://dx.doi.org/10.1080/17544750.2019.1583261",
            "https://dx.doi.org/10.1080/17544750.2019.1583261",
            "https://www.doi.org/10.1080/17544750.2019.1583261",
            "HTTPS://DOI.ORG/10.1080/17544750.2019.1583261",
            "doi.org/10.1080/17544750.2019.1583261",
            "<https://doi.org/10.1080/17544750.2019.1583261>",
            "https://doi.org/10.1080/17544750.2019.1583261?via=ihub",
            "https://doi.org/10.1080/17544750.2019.1583261#abstract",
            "10.1080%2F17544750.2019.1583261",
            "https://doi.org/10.1080%2F17544750.2019.1583261",
            "10.1080/17544750.2019.1583261.",
            "10.1080/17544750.2019.1583261,",
            "10.1080/17544750.2019.1583261;",
            "10.1080/17544750.2019.1583261).",
            "10.1080/17544750.2019.1583261\"",
            "10.1080/17544750.2019.1583261’",
            "(10.1080/17544750.2019.1583261)",
            "“doi:10.1080/17544750.2019.1583261”",
            "[https://doi.org/10.1080/17544750.2019.1583261].",
        ] {
            assert_eq!(parsed(form), seed, "{form}");
        }
    }

    #[test]
    fn doi_is_case_insensitive_with_one_lower_case_form() {
        let upper = Doi::parse("10.7910/DVN/NJ7XSO").unwrap();
        assert_eq!(upper.as_str(), "10.7910/dvn/nj7xso");
        assert_eq!(upper, Doi::parse("https://doi.org/10.7910/dvn/nj7xso").unwrap());
        assert_eq!(upper.to_string(), "10.7910/dvn/nj7xso");
        assert_eq!(upper.prefix(), "10.7910");
        assert_eq!(upper.suffix(), "dvn/nj7xso");
        // Only ASCII letters fold; other characters are kept.
        assert_eq!(parsed("10.1234/ÄBC"), "10.1234/Äbc");
        let from_str: Doi = "doi:10.1000/XYZ".parse().unwrap();
        assert_eq!(from_str.as_str(), "10.1000/xyz");
    }

    #[test]
    fn doi_keeps_sici_brackets_and_semicolons() {
        assert_eq!(
            parsed("10.1890/0012-9615(1999)069[0569:EDILSA]2.0.CO;2"),
            "10.1890/0012-9615(1999)069[0569:edilsa]2.0.co;2"
        );
        assert_eq!(
            parsed("doi:10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0."),
            "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0"
        );
        // URL-encoded SICI, as in the `url` of Crossref's BibTeX.
        assert_eq!(
            parsed(
                "https://doi.org/10.1890%2F0012-9615%281999%29069%5B0569%3Aedilsa%5D2.0.co%3B2"
            ),
            "10.1890/0012-9615(1999)069[0569:edilsa]2.0.co;2"
        );
        assert_eq!(
            parsed("10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO%3B2-0"),
            "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0"
        );
        // A closing bracket of the surrounding text goes, the DOI's own stays.
        assert_eq!(parsed("(see 10.1000/a(b)c)"[5..].trim()), "10.1000/a(b)c");
        assert_eq!(parsed("10.1000/abc)"), "10.1000/abc");
        assert_eq!(parsed("10.1000/a<b>"), "10.1000/a<b>");
    }

    #[test]
    fn doi_with_slash_in_suffix_and_subdivided_registrant() {
        assert_eq!(parsed("10.2210/pdb4hhb/pdb"), "10.2210/pdb4hhb/pdb");
        assert_eq!(parsed("10.1000.10/123456"), "10.1000.10/123456");
    }

    #[test]
    fn doi_percent_sign_kept_when_not_an_escape() {
        assert_eq!(parsed("10.1000/100%pure"), "10.1000/100%pure");
        assert_eq!(parsed("10.1000/a%2"), "10.1000/a%2");
        // Invalid UTF-8 after decoding: taken literally.
        assert_eq!(parsed("10.1000/a%FF"), "10.1000/a%ff");
    }

    #[test]
    fn doi_errors_say_what_is_wrong() {
        assert_eq!(kind(""), DoiErrorKind::Empty);
        assert_eq!(kind("doi:"), DoiErrorKind::Empty);
        assert_eq!(kind("https://doi.org/"), DoiErrorKind::Empty);
        assert_eq!(kind("1080/17544750"), DoiErrorKind::MissingPrefix);
        assert_eq!(kind("11.1080/x"), DoiErrorKind::MissingPrefix);
        assert_eq!(kind("10.abc/x"), DoiErrorKind::BadRegistrant("abc".into()));
        assert_eq!(kind("10.12/x"), DoiErrorKind::BadRegistrant("12".into()));
        assert_eq!(kind("10.1080./x"), DoiErrorKind::BadRegistrant("1080.".into()));
        assert_eq!(kind("10.1080"), DoiErrorKind::MissingSuffix);
        assert_eq!(kind("10.1080/"), DoiErrorKind::MissingSuffix);
        assert_eq!(kind("10.1080/abc def"), DoiErrorKind::Whitespace);
        assert_eq!(kind("10.1080/abc%20def"), DoiErrorKind::Whitespace);
        assert_eq!(kind("10.1080/abc\u{7}"), DoiErrorKind::ControlCharacter);
        let message = Doi::parse("10.abc/x").unwrap_err().to_string();
        assert_eq!(
            message,
            "'10.abc/x' is not a DOI: the registrant code 'abc' after '10.' must be 4 to 9 digits; a DOI looks like '10.1080/17544750.2019.1583261'"
        );
        let message = Doi::parse("doi: 10.1080/a b").unwrap_err().to_string();
        assert!(
            message.starts_with(
                "'doi: 10.1080/a b' is not a DOI: DOIs contain no white space"
            )
        );
    }

    #[test]
    fn doi_url_forms() {
        let sici = Doi::parse("10.1890/0012-9615(1999)069[0569:EDILSA]2.0.CO;2").unwrap();
        // The recorded path of the 200 answer (`cn-sici-bibtex`), in lower case.
        assert_eq!(
            sici.url_path_segment(),
            "10.1890%2F0012-9615%281999%29069%5B0569%3Aedilsa%5D2.0.co%3B2"
        );
        assert_eq!(
            sici.url_path(),
            "10.1890/0012-9615%281999%29069%5B0569%3Aedilsa%5D2.0.co%3B2"
        );
        let plain = Doi::parse("10.1126/science.169.3946.635").unwrap();
        assert_eq!(plain.url_path_segment(), "10.1126%2Fscience.169.3946.635");
        assert_eq!(plain.url_path(), "10.1126/science.169.3946.635");
        assert_eq!(plain.to_url(), "https://doi.org/10.1126/science.169.3946.635");
        let unicode = Doi::parse("10.1000/é").unwrap();
        assert_eq!(unicode.url_path_segment(), "10.1000%2F%C3%A9");
    }

    #[test]
    fn doi_parse_never_panics() {
        for text in [
            "%",
            "%%",
            "%e9",
            "10.",
            "10./",
            "10.1234/%",
            "<>",
            "<",
            ")",
            "10.1234/)",
            "ß",
            "doi:ä",
            "\u{0}",
            "10.1234/x\u{2028}",
        ] {
            let _ = Doi::parse(text);
        }
    }

    #[test]
    fn doi_agrees_with_clean_on_what_is_a_doi() {
        for text in ["10.1080/x", "doi:10.1080/x.", "10.108/x", "10.1080", "x"] {
            assert_eq!(Doi::parse(text).is_ok(), clean(text).is_some(), "{text}");
        }
    }

    #[test]
    fn cleans_pasted_forms() {
        let doi = Some("10.1080/17544750.2019.1583261".to_string());
        assert_eq!(clean("10.1080/17544750.2019.1583261"), doi);
        assert_eq!(clean("doi:10.1080/17544750.2019.1583261."), doi);
        assert_eq!(clean("https://doi.org/10.1080/17544750.2019.1583261"), doi);
        assert_eq!(clean("http://dx.doi.org/10.1080/17544750.2019.1583261"), doi);
        assert_eq!(clean("10.1080"), None);
        assert_eq!(clean("not a doi"), None);
    }

    #[test]
    fn finds_doi_in_text() {
        assert_eq!(find("see doi: 10.1000/xyz123, p. 4"), Some("10.1000/xyz123".into()));
        assert_eq!(find("version 210.5/abc"), None);
    }
}
