//! EDTF dates ↔ CSL date objects.
//!
//! Written: `{"date-parts": [[y, m, d]]}`; a range as two date-parts
//! (`1988/1992` → `[[1988], [1992]]`); an EDTF season (`2019-21`, spring)
//! as the year plus `"season": 1`–`4`; an approximate date (`2004~`) with
//! `"circa": true`. What date-parts cannot say (uncertain `?` or `%`
//! qualifiers, unspecified digits `199X`, open ranges, times, qualified
//! ranges) is written as `{"raw": "<EDTF>"}`, which citeproc-js and biblink
//! read as EDTF. Read: date-parts (numbers or numeric strings; citeproc-js's
//! seasons as months 13–16 and EDTF's as 21–24 too), `season`, `circa`, and
//! `raw`/`literal` text that is EDTF or an ISO date-time; other text keeps
//! only its leading year when it has one.

use serde_json::{Value as Json, json};

use crate::model::Date;

/// The CSL date object of an EDTF date.
pub fn to_csl(edtf: &str) -> Json {
    match parts_of(edtf) {
        Some(parts) => parts,
        None => json!({ "raw": edtf }),
    }
}

/// Why a CSL date object could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateShapeError(pub String);

/// The EDTF date of a CSL date object; `Ok(None)` when it holds no date
/// (an empty object, `[[null]]`, text without a year).
pub fn from_csl(date: &Json) -> Result<Option<String>, DateShapeError> {
    let object = match date {
        Json::Object(object) => object,
        Json::String(text) => return Ok(edtf_of_text(text)),
        other => {
            return Err(DateShapeError(format!(
                "a date must be an object with 'date-parts', found {}",
                describe(other)
            )));
        }
    };
    if let Some(parts) = object.get("date-parts") {
        let Json::Array(parts) = parts else {
            return Err(DateShapeError(format!(
                "'date-parts' must be an array of arrays of numbers, found {}",
                describe(parts)
            )));
        };
        let mut dates = Vec::new();
        for part in parts.iter().take(2) {
            dates.push(numbers(part)?);
        }
        let season = match object.get("season") {
            None | Some(Json::Null) => None,
            Some(season) => Some(season_number(season)?),
        };
        let circa = object.get("circa").is_some_and(|circa| match circa {
            Json::Bool(flag) => *flag,
            Json::Number(number) => number.as_i64() != Some(0),
            Json::String(text) => !text.is_empty() && text != "0" && text != "false",
            _ => false,
        });
        let start = match dates.first() {
            Some(start) if !start.is_empty() => edtf_of_numbers(start, season),
            _ => None,
        };
        let Some(start) = start else { return Ok(None) };
        let end = dates.get(1).and_then(|end| edtf_of_numbers(end, None));
        return Ok(Some(match end {
            // A range with equal ends is kept as written.
            Some(end) => Date::range(
                &Date::parse(&start).map_err(|e| DateShapeError(e.to_string()))?,
                &Date::parse(&end).map_err(|e| DateShapeError(e.to_string()))?,
            )
            .map(|range| range.to_string())
            .unwrap_or(start),
            _ if circa => format!("{start}~"),
            _ => start,
        }));
    }
    for key in ["raw", "literal"] {
        match object.get(key) {
            Some(Json::String(text)) => return Ok(edtf_of_text(text)),
            Some(other) => {
                return Err(DateShapeError(format!(
                    "'{key}' must be a string, found {}",
                    describe(other)
                )));
            }
            None => {}
        }
    }
    Ok(None)
}

/// EDTF from text: EDTF itself, an ISO date-time (`2011-02-01T17:22:41Z` →
/// `2011-02-01`), else the leading four-digit year.
pub fn edtf_of_text(text: &str) -> Option<String> {
    let text = text.trim();
    if let Ok(date) = Date::parse(text) {
        return Some(date.to_string());
    }
    let date_part = text.split('T').next().unwrap_or_default();
    if let Ok(date) = Date::parse(date_part)
        && date.year().is_some()
    {
        return Some(date.to_string());
    }
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    (digits.len() == 4 && digits != "0000").then_some(digits)
}

/// A short description of a JSON value's kind for messages.
pub fn describe(value: &Json) -> String {
    match value {
        Json::Null => "null".into(),
        Json::Bool(flag) => format!("the boolean {flag}"),
        Json::Number(number) => format!("the number {number}"),
        Json::String(text) => format!("the string {}", Json::String(text.clone())),
        Json::Array(_) => "an array".into(),
        Json::Object(_) => "an object".into(),
    }
}

/// The date-parts form of an EDTF date, when it says all of it.
fn parts_of(edtf: &str) -> Option<Json> {
    let (core, circa) = match edtf.strip_suffix('~') {
        Some(core) => (core, true),
        None => (edtf, false),
    };
    if let Some((start, end)) = core.split_once('/') {
        if circa {
            return None;
        }
        let start = simple_parts(start)?;
        let end = simple_parts(end)?;
        if start.1.is_some() || end.1.is_some() {
            return None;
        }
        return Some(json!({ "date-parts": [start.0, end.0] }));
    }
    let (parts, season) = simple_parts(core)?;
    let mut object = serde_json::Map::new();
    if circa {
        object.insert("circa".into(), Json::Bool(true));
    }
    object.insert("date-parts".into(), json!([parts]));
    if let Some(season) = season {
        object.insert("season".into(), json!(season));
    }
    Some(Json::Object(object))
}

/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or a season `YYYY-21` as numbers (and the
/// season 1–4).
fn simple_parts(text: &str) -> Option<(Vec<i64>, Option<i64>)> {
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return None;
    }
    if text.starts_with('-') {
        return None;
    }
    let numbers: Vec<i64> =
        text.split('-').map(|part| part.parse().ok()).collect::<Option<_>>()?;
    Date::parse(text).ok()?;
    match numbers.as_slice() {
        [year, season @ 21..=24] => Some((vec![*year], Some(season - 20))),
        _ => Some((numbers, None)),
    }
}

fn numbers(part: &Json) -> Result<Vec<i64>, DateShapeError> {
    let Json::Array(items) = part else {
        return Err(DateShapeError(format!(
            "each element of 'date-parts' must be an array [year, month, day], found {}",
            describe(part)
        )));
    };
    let mut numbers = Vec::new();
    for item in items.iter().take(3) {
        let number = match item {
            Json::Number(number) => number.as_i64(),
            Json::String(text) if text.trim().is_empty() => None,
            Json::String(text) => Some(text.trim().parse::<i64>().map_err(|_| {
                DateShapeError(format!(
                    "'date-parts' must hold numbers, found the string {}",
                    Json::String(text.clone())
                ))
            })?),
            Json::Null => None,
            other => {
                return Err(DateShapeError(format!(
                    "'date-parts' must hold numbers, found {}",
                    describe(other)
                )));
            }
        };
        match number {
            Some(number) => numbers.push(number),
            None => break,
        }
    }
    Ok(numbers)
}

fn season_number(season: &Json) -> Result<i64, DateShapeError> {
    let number = match season {
        Json::Number(number) => number.as_i64(),
        Json::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "spring" => Some(1),
            "summer" => Some(2),
            "autumn" | "fall" => Some(3),
            "winter" => Some(4),
            other => other.parse().ok(),
        },
        _ => None,
    };
    number.filter(|n| (1..=4).contains(n)).ok_or_else(|| {
        DateShapeError(format!(
            "'season' must be 1-4 or spring, summer, autumn, winter, found {}",
            describe(season)
        ))
    })
}

/// `[y, m, d]` as EDTF; an invalid day or month is dropped, a zero or
/// missing year gives `None`. Months 13–16 (citeproc-js) and 21–24 (EDTF)
/// are seasons, as is a `season`.
fn edtf_of_numbers(numbers: &[i64], season: Option<i64>) -> Option<String> {
    let year =
        i32::try_from(*numbers.first()?).ok().filter(|y| (1..=9999).contains(y))?;
    let month = numbers.get(1).copied();
    let season = match month {
        Some(month @ 13..=16) => Some(month - 12),
        Some(month @ 21..=24) => Some(month - 20),
        _ => season,
    };
    if let Some(season) = season {
        return Some(format!("{year:04}-{}", season + 20));
    }
    let month =
        month.and_then(|m| u32::try_from(m).ok()).filter(|m| (1..=12).contains(m));
    let day = month.and(numbers.get(2).copied()).and_then(|d| u32::try_from(d).ok());
    Date::from_parts(year, month, day)
        .or_else(|_| Date::from_parts(year, month, None))
        .or_else(|_| Date::from_parts(year, None, None))
        .ok()
        .map(|date| date.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways() {
        for (edtf, csl) in [
            ("2019", json!({"date-parts": [[2019]]})),
            ("2019-07-04", json!({"date-parts": [[2019, 7, 4]]})),
            ("1988/1992-03", json!({"date-parts": [[1988], [1992, 3]]})),
            ("2019-22", json!({"date-parts": [[2019]], "season": 2})),
            ("2004~", json!({"circa": true, "date-parts": [[2004]]})),
            ("199X", json!({"raw": "199X"})),
            ("1997/", json!({"raw": "1997/"})),
            ("2004?", json!({"raw": "2004?"})),
        ] {
            assert_eq!(to_csl(edtf), csl, "{edtf}");
            assert_eq!(from_csl(&csl), Ok(Some(edtf.to_string())), "{edtf}");
        }
    }

    #[test]
    fn lenient_reading() {
        assert_eq!(
            from_csl(&json!({"date-parts": [["2019", "7"]]})),
            Ok(Some("2019-07".into()))
        );
        assert_eq!(
            from_csl(&json!({"date-parts": [[2019, 14]]})),
            Ok(Some("2019-22".into()))
        );
        assert_eq!(from_csl(&json!({"date-parts": [[null]]})), Ok(None));
        assert_eq!(from_csl(&json!({"literal": "Spring 2001"})), Ok(None));
        assert_eq!(
            from_csl(&json!({"raw": "2011-02-01T17:22:41Z"})),
            Ok(Some("2011-02-01T17:22:41Z".into()))
        );
        assert_eq!(
            from_csl(&json!({"date-parts": [[2019, 2, 30]]})),
            Ok(Some("2019-02".into()))
        );
        assert!(from_csl(&json!({"date-parts": [["July", "2019"]]})).is_err());
        assert!(from_csl(&json!({"date-parts": "2019"})).is_err());
        assert!(from_csl(&json!(2019)).is_err());
    }
}
