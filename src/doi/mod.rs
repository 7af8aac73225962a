//! DOI syntax: recognising DOIs in the forms users paste and finding them in text.

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

#[cfg(test)]
mod tests {
    use super::*;

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
