//! Rules about one entry at a time: the data model (`MODEL001`-`MODEL009`),
//! identifiers (`ID001`-`ID004`), values (`VALUE001`-`VALUE004`), style
//! (`STYLE002`, `STYLE003`) and the key pattern (`KEY001`).
//!
//! Values are read as the model holds them (BibLaTeX source form: escapes,
//! braces and math kept, accent macros decoded); only name lists are read
//! from the source text, since a parsed list no longer shows an empty name.

use super::datamodel::{Required, model};
use super::{Finding, Options, Places, names_text};
use crate::bib::key::base_key;
use crate::doi::Doi;
use crate::ids;
use crate::model::{Date, Entry, FieldKind, Value, field_kind};

/// Entries checked per thread at least: below this, one thread does it all.
const PARALLEL_CHUNK: usize = 8_192;

/// Every entry rule over every entry, in entry order.
pub fn check_all(
    entries: &[Entry],
    places: &(dyn Places + Sync),
    file: &str,
    options: &Options,
) -> Vec<Finding> {
    let run = |offset: usize, chunk: &[Entry]| {
        let mut out = Vec::new();
        for (idx, entry) in chunk.iter().enumerate() {
            check_entry(entry, offset + idx, places, file, options, &mut out);
        }
        out
    };
    let n_threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if entries.len() < 2 * PARALLEL_CHUNK || n_threads < 2 {
        return run(0, entries);
    }
    let chunk_len = entries.len().div_ceil(n_threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = entries
            .chunks(chunk_len)
            .enumerate()
            .map(|(n, chunk)| scope.spawn(move || run(n * chunk_len, chunk)))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

fn check_entry(
    entry: &Entry,
    idx: usize,
    places: &dyn Places,
    file: &str,
    options: &Options,
    out: &mut Vec<Finding>,
) {
    let model = model();
    let key = entry.key.as_str();
    let at_entry = || places.entry(idx, entry);
    let at_field = |name: &str| places.field(idx, entry, name);
    let entry_type = match model.resolve_type(&entry.entry_type) {
        Some(entry_type) => entry_type,
        None => {
            out.push(
                Finding::new(
                    "MODEL002",
                    file,
                    at_entry(),
                    format!("unknown entry type '@{}'; biber treats it as @misc", entry.entry_type),
                )
                .with_key(key)
                .with_help("use a biblatex type (article, book, incollection, report, online, misc, ...)"),
            );
            "misc"
        }
    };
    // MODEL001: mandatory fields, present and not empty. A BibTeX type
    // alias (@phdthesis, @techreport, ...) gives `type` a default.
    let type_from_alias =
        entry.entry_type != entry_type && matches!(entry_type, "thesis" | "report");
    let present: Vec<&str> = entry
        .fields
        .iter()
        .filter(|(_, field)| !is_empty_value(&field.value))
        .map(|(name, _)| model.resolve_field(name))
        .collect();
    let has = |name: &str| (name == "type" && type_from_alias) || present.contains(&name);
    for required in model.mandatory(entry_type) {
        let missing = match required {
            Required::Field(field) => (!has(field)).then(|| format!("'{field}'")),
            Required::OneOf(group) => (!group.iter().any(|f| has(f))).then(|| {
                let names: Vec<String> = group.iter().map(|f| format!("'{f}'")).collect();
                format!("one of {}", names.join(", "))
            }),
        };
        if let Some(missing) = missing {
            out.push(
                Finding::new(
                    "MODEL001",
                    file,
                    at_entry(),
                    format!(
                        "@{} '{key}' lacks {missing}, which the type requires",
                        entry.entry_type
                    ),
                )
                .with_key(key)
                .with_help("add the field, or use an entry type that does not need it"),
            );
        }
    }
    let date_parts = entry.text("date").and_then(date_year_month);
    for (name, field) in &entry.fields {
        let data_name = model.resolve_field(name);
        let at = || at_field(name);
        let mut push = |rule: &'static str, message: String, help: &str| {
            out.push(
                Finding::new(rule, file, at(), message).with_key(key).with_help(help),
            );
        };
        // MODEL003 / MODEL004: the field in the data model and for this type.
        if !model.knows_field(data_name) {
            push(
                "MODEL003",
                format!("field '{name}' is not in biblatex's data model; biber drops it"),
                "check the spelling, or move the information to 'note' or 'addendum'",
            );
        } else if !model.type_takes(entry_type, data_name) {
            push(
                "MODEL004",
                format!("field '{name}' is not a field of @{}", entry.entry_type),
                "biber ignores it for this type: move it or choose another type",
            );
        }
        // Only name lists are read from the source text (see the module doc).
        let raw = match field.value {
            Value::Names(_) => places.raw(idx, name),
            Value::Text(_) => None,
        };
        let text: std::borrow::Cow<'_, str> = match &field.value {
            Value::Text(text) => text.as_str().into(),
            Value::Names(names) => match raw {
                Some(raw) => raw.into(),
                None => names_text(names).into(),
            },
        };
        // VALUE001 / VALUE002: empty and placeholder values.
        if is_blank(&text) {
            push(
                "VALUE001",
                format!("field '{name}' is empty"),
                "fill it in or remove it",
            );
            continue;
        }
        if is_placeholder(&text) {
            push(
                "VALUE002",
                format!("field '{name}' holds a placeholder: '{}'", text.trim()),
                "replace it with the real value or remove the field",
            );
        }
        // VALUE003: encoding damage, in any field.
        if let Some(damage) = mojibake(&text) {
            push(
                "VALUE003",
                format!("field '{name}' looks garbled by a wrong encoding: '{damage}'"),
                "re-import the source as UTF-8, or retype the characters",
            );
        }
        let kind = field_kind(name);
        // Text that is typeset: not keys of other entries (`crossref`,
        // `ids`), options, keywords or code.
        let typeset = !matches!(
            model.datatype(data_name),
            Some("entrykey" | "option" | "keyword" | "code")
        );
        if typeset && matches!(kind, FieldKind::Literal | FieldKind::Names) {
            if let Some(markup) = html_markup(&text) {
                push(
                    "VALUE004",
                    format!("field '{name}' holds HTML markup: '{markup}'"),
                    "write the character itself (or \\& for '&') and use \\emph{...} instead of <i>",
                );
            }
            if let Some(problem) = unescaped_special(&text) {
                push(
                    "MODEL009",
                    format!("field '{name}' has {problem}; LaTeX stops on it"),
                    "escape it with a backslash (\\&, \\%, \\#, \\_) or put math in $...$",
                );
            }
        }
        match data_name {
            "date" | "eventdate" | "origdate" | "urldate" => {
                if let Err(error) = Date::parse(&text) {
                    push(
                        "MODEL005",
                        format!("field '{name}' is not a date: {error}"),
                        "write an ISO 8601 / EDTF date: 2020, 2020-05, 2020-05-17, 2019/2020",
                    );
                }
            }
            "year" => {
                let value = text.trim();
                let digits = value.strip_prefix('-').unwrap_or(value);
                if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                    push(
                        "MODEL005",
                        format!("year '{value}' is not a year"),
                        "write the year as digits only; put dates in 'date'",
                    );
                } else if let Some((year, _)) = date_parts
                    && digits.parse::<i32>().ok() != Some(year)
                {
                    push(
                        "MODEL005",
                        format!("year '{value}' contradicts date year {year}"),
                        "keep one of 'date' and 'year'",
                    );
                }
            }
            "month" => {
                let value = text.trim();
                match value.parse::<u32>() {
                    Ok(month) if (1..=12).contains(&month) => {
                        if let Some((_, Some(date_month))) = date_parts
                            && date_month != month
                        {
                            push(
                                "MODEL005",
                                format!(
                                    "month '{value}' contradicts the date's month {date_month}"
                                ),
                                "keep one of 'date' and 'month'",
                            );
                        }
                    }
                    _ => push(
                        "MODEL005",
                        format!("month '{value}' is not a month number 1-12"),
                        "write the number (or the macros jan ... dec, without braces), or use 'date'",
                    ),
                }
            }
            "volume" | "volumes" | "sortyear" => {
                let value = text.trim();
                if !value.chars().all(|c| c.is_ascii_digit()) {
                    push(
                        "MODEL006",
                        format!(
                            "field '{name}' = '{value}' is not an integer, as the data model requires"
                        ),
                        "biber ignores the field: write the number only, and move the rest to 'number' or 'note'",
                    );
                }
            }
            "gender" => {
                let value = text.trim();
                if !matches!(value, "sf" | "sm" | "sn" | "pf" | "pm" | "pn" | "pp") {
                    push(
                        "MODEL006",
                        format!("gender '{value}' is not one of sf sm sn pf pm pn pp"),
                        "use biblatex's gender codes",
                    );
                }
            }
            "pages" => {
                if let Some(problem) = pages_problem(&text) {
                    push(
                        "MODEL007",
                        format!("pages '{}' {problem}", text.trim()),
                        "write a page, a range 12--15, or a list of them; biblatex adds 'pp.' itself",
                    );
                }
                if has_single_hyphen_range(&text) {
                    push(
                        "STYLE002",
                        format!("page range '{}' uses a single hyphen", text.trim()),
                        "write ranges with '--' (an en dash)",
                    );
                }
            }
            "doi" => match Doi::parse(&text) {
                Err(error) => push(
                    "ID001",
                    error.to_string(),
                    "a DOI looks like 10.1234/suffix; check for a cut or mistyped value",
                ),
                Ok(doi) => {
                    if is_labelled_doi(&text) {
                        push(
                            "STYLE003",
                            format!(
                                "doi '{}' is written as a link; biblatex expects '{}'",
                                text.trim(),
                                doi.as_str()
                            ),
                            "write the bare DOI: styles add https://doi.org/ themselves",
                        );
                    }
                }
            },
            "isbn" => {
                for part in split_ids(&text) {
                    if !isbn_ok(part) {
                        push(
                            "ID002",
                            format!(
                                "'{part}' is not a valid ISBN (length or check digit)"
                            ),
                            "copy the ISBN-10 or ISBN-13 again from the book or a catalogue",
                        );
                    }
                }
            }
            "issn" => {
                for part in split_ids(&text) {
                    if !ids::issn_checksum_ok(part) {
                        push(
                            "ID003",
                            format!(
                                "'{part}' is not a valid ISSN (NNNN-NNNC with a check digit)"
                            ),
                            "copy the ISSN again from the journal or the ISSN portal",
                        );
                    }
                }
            }
            "url" => {
                if let Some(problem) = url_problem(&text) {
                    push(
                        "ID004",
                        format!("url '{}' {problem}", text.trim()),
                        "write an absolute link such as https://example.org/page, with spaces as %20",
                    );
                }
            }
            _ => {}
        }
        if let (Value::Names(_), Some(raw)) = (&field.value, raw)
            && let Some(problem) = name_list_problem(raw)
        {
            push(
                "MODEL008",
                format!("name list '{name}' has {problem}"),
                "separate names with ' and ', write 'Family, Given' and end with 'and others' for et al.",
            );
        }
    }
    // KEY001: the key pattern.
    if let Some(pattern) = &options.key_pattern
        && !key.is_empty()
    {
        let base = base_key(entry, pattern);
        let follows = key
            .strip_prefix(base.as_str())
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_lowercase()));
        if !follows {
            out.push(
                Finding::new(
                    "KEY001",
                    file,
                    at_entry(),
                    format!("key '{key}' does not follow the pattern '{pattern}', which gives '{base}'"),
                )
                .with_key(key)
                .with_help("rename the key (and its citations), or change key_pattern in biblink.toml"),
            );
        }
    }
}

/// Whether a value holds nothing but white space and braces.
fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || c == '{' || c == '}')
}

fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Text(text) => is_blank(text),
        Value::Names(names) => names.is_empty(),
    }
}

/// Whether the whole value is a placeholder.
fn is_placeholder(text: &str) -> bool {
    // Placeholders are short, or start like "Lorem ipsum": most values are
    // neither and cost no allocation.
    let trimmed = text.trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace());
    if trimmed.len() > 11
        && !trimmed.get(..5).is_some_and(|s| s.eq_ignore_ascii_case("lorem"))
    {
        return false;
    }
    let plain: String = text
        .chars()
        .filter(|c| *c != '{' && *c != '}')
        .collect::<String>()
        .to_lowercase();
    let plain = plain.trim();
    matches!(
        plain,
        "todo"
            | "tbd"
            | "tba"
            | "fixme"
            | "xxx"
            | "unknown"
            | "n/a"
            | "null"
            | "none"
            | "-"
            | "placeholder"
    ) || (!plain.is_empty() && plain.chars().all(|c| c == '?'))
        || plain.starts_with("lorem ipsum")
}

/// The first stretch of mojibake: UTF-8 read as Latin-1/Windows-1252, or U+FFFD.
fn mojibake(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    for (idx, &c) in chars.iter().enumerate() {
        let next = chars.get(idx + 1).copied();
        let damaged = match c {
            '\u{FFFD}' => true,
            'Ã' => next.is_some_and(|n| {
                ('\u{80}'..='\u{BF}').contains(&n) || is_cp1252_continuation(n)
            }),
            'Â' => next.is_some_and(|n| ('\u{A0}'..='\u{BF}').contains(&n)),
            'â' => next == Some('€'),
            _ => false,
        };
        if damaged {
            return Some(chars[idx..(idx + 3).min(chars.len())].iter().collect());
        }
    }
    None
}

/// Characters Windows-1252 shows for the bytes 0x80-0x9F (a UTF-8
/// continuation byte read in that code page: `Ã¶` is `ö`, `Ã‰` is `É`).
fn is_cp1252_continuation(c: char) -> bool {
    matches!(
        c,
        '€' | '‚'
            | 'ƒ'
            | '„'
            | '…'
            | '†'
            | '‡'
            | 'ˆ'
            | '‰'
            | 'Š'
            | '‹'
            | 'Œ'
            | 'Ž'
            | '‘'
            | '’'
            | '“'
            | '”'
            | '•'
            | '–'
            | '—'
            | '˜'
            | '™'
            | 'š'
            | '›'
            | 'œ'
            | 'ž'
            | 'Ÿ'
    )
}

/// The first HTML entity or tag in a value.
fn html_markup(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    for (idx, &b) in bytes.iter().enumerate() {
        if b == b'&' && (idx == 0 || bytes[idx - 1] != b'\\') {
            if let Some(len) = entity_len(&text[idx..]) {
                return Some(&text[idx..idx + len]);
            }
        } else if b == b'<' {
            let rest = &text[idx + 1..];
            let name_start = rest.strip_prefix('/').unwrap_or(rest);
            let name: String =
                name_start.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            let lower = name.to_ascii_lowercase();
            const TAGS: &[&str] = &[
                "i", "b", "em", "strong", "sup", "sub", "br", "span", "p", "u", "a",
                "scp", "div", "font", "small", "tt", "code",
            ];
            if TAGS.contains(&lower.as_str()) {
                let after = &name_start[name.len()..];
                if after.starts_with(['>', ' ', '/']) {
                    let end = text[idx..].find('>').map_or(text.len(), |e| idx + e + 1);
                    return Some(&text[idx..end]);
                }
            }
        }
    }
    None
}

/// The length of an HTML entity at the start of `text` (`&amp;`, `&#8217;`, `&#x2019;`).
fn entity_len(text: &str) -> Option<usize> {
    let rest = text.strip_prefix('&')?;
    let end = rest.find(';')?;
    let body = &rest[..end];
    let ok = if let Some(number) = body.strip_prefix('#') {
        match number.strip_prefix(['x', 'X']) {
            Some(hex) => !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
            None => !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()),
        }
    } else {
        (2..=8).contains(&body.len()) && body.chars().all(|c| c.is_ascii_alphanumeric())
    };
    ok.then_some(end + 2)
}

/// A TeX special character that LaTeX would choke on, described.
fn unescaped_special(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut in_math = false;
    let mut idx = 0;
    while idx < bytes.len() {
        match bytes[idx] {
            b'\\' => {
                // `\url{...}` and `\href{...}` take their argument verbatim.
                let rest = &text[idx + 1..];
                for command in ["url{", "href{", "path{"] {
                    if rest.starts_with(command) {
                        let open = idx + 1 + command.len() - 1;
                        idx = matching_brace(bytes, open).unwrap_or(bytes.len());
                        break;
                    }
                }
                idx += 2;
                continue;
            }
            b'$' => in_math = !in_math,
            b'&' if entity_len(&text[idx..]).is_some() => {}
            c @ (b'&' | b'#' | b'%') => {
                return Some(format!("an unescaped '{}'", c as char));
            }
            c @ (b'_' | b'^') if !in_math => {
                return Some(format!("'{}' outside math", c as char));
            }
            _ => {}
        }
        idx += 1;
    }
    in_math.then(|| "an unbalanced '$'".to_string())
}

fn matching_brace(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (idx, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(idx);
                }
            }
            _ => {}
        }
    }
    None
}

/// The year and month of a date field, when it parses.
fn date_year_month(date: &str) -> Option<(i32, Option<u32>)> {
    let parsed = Date::parse(date).ok()?;
    let year = parsed.year()?;
    let start = date.trim().split('/').next().unwrap_or_default();
    let month = start.get(5..7).and_then(|m| m.parse::<u32>().ok()).filter(|m| *m <= 12);
    Some((year, month))
}

/// What is wrong with a `pages` value, if anything.
fn pages_problem(text: &str) -> Option<String> {
    let plain = text.replace(['{', '}'], "");
    for part in plain.split(',') {
        let part = part.trim();
        if part.is_empty() {
            return Some("has an empty part".into());
        }
        let pieces: Vec<&str> = if let Some((a, b)) = part.split_once("--") {
            vec![a, b]
        } else if let Some((a, b)) = part.split_once('–') {
            vec![a, b]
        } else if let Some((a, b)) = part.split_once('-') {
            vec![a, b]
        } else {
            vec![part]
        };
        let pieces: Vec<&str> = pieces.iter().map(|p| p.trim()).collect();
        if pieces.iter().any(|p| !is_page(p)) {
            return Some("is not a page, a range or a list of them".into());
        }
        if let [start, end] = pieces[..]
            && let (Ok(a), Ok(b)) = (start.parse::<u64>(), end.parse::<u64>())
            && end.len() >= start.len()
            && b < a
        {
            return Some("ends before it starts".into());
        }
    }
    None
}

/// A page: digits with an optional letter prefix (`e1002`, `S12`), or roman numerals.
fn is_page(piece: &str) -> bool {
    if piece.is_empty() || piece.len() > 20 {
        return false;
    }
    let digits = piece.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let prefix_len = piece.len() - digits.len();
    let arabic = !digits.is_empty()
        && prefix_len <= 3
        && digits.chars().all(|c| c.is_ascii_alphanumeric())
        && digits.starts_with(|c: char| c.is_ascii_digit());
    let roman = piece.chars().all(|c| "ivxlcdmIVXLCDM".contains(c));
    arabic || roman
}

/// Whether a page range is written with a single hyphen between digits.
fn has_single_hyphen_range(text: &str) -> bool {
    let bytes = text.as_bytes();
    (1..bytes.len().saturating_sub(1)).any(|idx| {
        bytes[idx] == b'-'
            && bytes[idx - 1].is_ascii_alphanumeric()
            && bytes[idx + 1].is_ascii_alphanumeric()
    })
}

/// Whether a DOI is written with a resolver or a label before it.
fn is_labelled_doi(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    ["http://", "https://", "doi:", "dx.doi.org/", "doi.org/", "www.doi.org/", "urn:doi:"]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
}

/// The identifiers of an `isbn`/`issn` field (several may be separated by `;` or `,`).
fn split_ids(text: &str) -> impl Iterator<Item = &str> {
    text.split([';', ',']).map(str::trim).filter(|part| !part.is_empty())
}

fn isbn_ok(part: &str) -> bool {
    let compact: String = part.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact
        .strip_prefix("ISBN-13:")
        .or_else(|| compact.strip_prefix("ISBN-10:"))
        .or_else(|| compact.strip_prefix("ISBN:"))
        .or_else(|| compact.strip_prefix("ISBN"))
        .unwrap_or(&compact);
    ids::isbn_checksum_ok(compact)
}

/// What is wrong with a URL, if anything.
fn url_problem(text: &str) -> Option<&'static str> {
    let url = text.trim();
    if url.chars().any(char::is_whitespace) {
        return Some("contains white space");
    }
    let Some((scheme, rest)) = url.split_once(':') else {
        return Some("has no scheme (https://...)");
    };
    let scheme = scheme.to_ascii_lowercase();
    if !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    {
        return Some("has no scheme (https://...)");
    }
    match scheme.as_str() {
        "http" | "https" | "ftp" => {
            let Some(after) = rest.strip_prefix("//") else {
                return Some("lacks '//' after the scheme");
            };
            let host = after.split(['/', '?', '#']).next().unwrap_or_default();
            let host = host.rsplit('@').next().unwrap_or_default();
            let name = host.split(':').next().unwrap_or_default();
            if name.is_empty()
                || !(name.contains('.') || name == "localhost" || name.starts_with('['))
            {
                return Some("has no host name");
            }
            None
        }
        "file" => None,
        _ => Some("is not an http(s), ftp or file link"),
    }
}

/// What is wrong with a name list as written, if anything.
fn name_list_problem(raw: &str) -> Option<String> {
    // Padded, so that a leading or trailing `and` splits off an empty name.
    let padded = format!(" {raw} ");
    let parts = crate::bib::names::split_and(&padded);
    if parts.len() > 1 && parts.iter().any(|part| part.trim().is_empty()) {
        return Some("an empty name (a doubled, leading or trailing 'and')".into());
    }
    if parts.len() == 1 && raw.trim().eq_ignore_ascii_case("and") {
        return Some("an empty name".into());
    }
    for part in &parts {
        let top_level_commas = count_top_level(part, b',');
        if top_level_commas > 2 {
            return Some(format!(
                "a name with {top_level_commas} commas: '{}'",
                part.trim()
            ));
        }
        let lower = part.trim().to_lowercase();
        if lower == "et al."
            || lower == "et al"
            || lower.ends_with(" et al.")
            || lower.ends_with(" et al")
            || lower.ends_with(",et al.")
            || lower.ends_with(", et al.")
            || lower.ends_with(", et al")
        {
            return Some("'et al.' written out; write 'and others'".into());
        }
    }
    None
}

fn count_top_level(text: &str, byte: u8) -> usize {
    let mut depth = 0usize;
    let mut count = 0;
    for &b in text.as_bytes() {
        match b {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ if b == byte && depth == 0 => count += 1,
            _ => {}
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert!(
            is_placeholder("{TODO}")
                && is_placeholder("???")
                && !is_placeholder("Todo list")
        );
        assert_eq!(mojibake("Donâ€™t"), Some("â€™".into()));
        assert_eq!(mojibake("CafÃ©"), Some("Ã©".into()));
        assert_eq!(mojibake("SÃO PAULO"), None);
        assert_eq!(html_markup("A &amp; B"), Some("&amp;"));
        assert_eq!(html_markup("<i>E. coli</i> growth"), Some("<i>"));
        assert_eq!(html_markup("a < b"), None);
        assert_eq!(unescaped_special("A & B").as_deref(), Some("an unescaped '&'"));
        assert_eq!(unescaped_special("A \\& B $x_1^2$ \\url{a_b%}"), None);
        assert_eq!(unescaped_special("snake_case").as_deref(), Some("'_' outside math"));
        assert_eq!(unescaped_special("$x").as_deref(), Some("an unbalanced '$'"));
        assert_eq!(
            super::super::datamodel::model().datatype("crossref"),
            Some("entrykey")
        );
    }

    #[test]
    fn pages_and_urls() {
        assert_eq!(pages_problem("12--15, 20"), None);
        assert_eq!(pages_problem("e1002"), None);
        assert_eq!(pages_problem("1234--56"), None);
        assert_eq!(pages_problem("xii--xv"), None);
        assert!(pages_problem("15--12").is_some());
        assert!(pages_problem("pp. 1--5").is_some());
        assert!(has_single_hyphen_range("1-10") && !has_single_hyphen_range("1--10"));
        assert_eq!(url_problem("https://example.org/a"), None);
        assert!(url_problem("www.example.org").is_some());
        assert!(url_problem("https://exa mple.org").is_some());
        assert!(url_problem("http:/example.org").is_some());
    }

    #[test]
    fn name_lists() {
        assert_eq!(name_list_problem("Smith, John and Doe, Jane"), None);
        assert!(name_list_problem("Smith, John and and Doe, Jane").is_some());
        assert!(name_list_problem("Smith, John and").is_some());
        assert!(name_list_problem("Last, First, Jr, extra").is_some());
        assert!(name_list_problem("Smith, John and et al.").is_some());
        assert_eq!(name_list_problem("{Barnes and Noble} and Doe, J"), None);
        assert_eq!(name_list_problem("Smith, John and others"), None);
    }
}
