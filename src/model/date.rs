//! EDTF (ISO 8601-2 level 1) dates as biblatex reads them: `2019`, `2019-07`,
//! `2015-06-18`, ranges `1988/1992`, open ranges `1997/`, seasons `1998-21`,
//! uncertain `2004?`, approximate `2004~`, unspecified digits `199X`, times.

use std::fmt;

/// A validated EDTF date or range. It keeps its canonical text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date {
    text: String,
    year: Option<i32>,
}

/// Why a string is not an EDTF date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateError(pub String);

impl Date {
    /// Parses and validates an EDTF date or range.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let year = Date::parse_year(text)?;
        Ok(Date { text: text.trim().to_string(), year })
    }

    /// The year [`Date::parse`] would find, without building the date.
    pub(crate) fn parse_year(text: &str) -> Result<Option<i32>, DateError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DateError("empty date".into()));
        }
        let (start, end) = match text.split_once('/') {
            Some((start, end)) => (start, Some(end)),
            None => (text, None),
        };
        let start_year = match start {
            "" | ".." if end.is_some() => None,
            _ => Some(parse_part(start)?),
        };
        if let Some(end) = end {
            if end.contains('/') {
                return Err(DateError(format!("'{text}' has more than one '/'")));
            }
            if !(end.is_empty() || end == "..") {
                parse_part(end)?;
            } else if start_year.is_none() {
                return Err(DateError(format!("'{text}' has no start and no end")));
            }
        }
        Ok(start_year.flatten())
    }

    /// A date from numeric parts; `month` and `day` are 1-based.
    pub fn from_parts(
        year: i32,
        month: Option<u32>,
        day: Option<u32>,
    ) -> Result<Date, DateError> {
        let text = match (month, day) {
            (None, _) => format!("{year:04}"),
            (Some(month), None) => format!("{year:04}-{month:02}"),
            (Some(month), Some(day)) => format!("{year:04}-{month:02}-{day:02}"),
        };
        Date::parse(&text)
    }

    /// A range between two dates.
    pub fn range(start: &Date, end: &Date) -> Result<Date, DateError> {
        Date::parse(&format!("{}/{}", start.text, end.text))
    }

    /// The (start) year, when it is fully specified.
    pub fn year(&self) -> Option<i32> {
        self.year
    }

    /// The canonical EDTF text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Parses one side of a date; returns the year when it has no unspecified digits.
fn parse_part(part: &str) -> Result<Option<i32>, DateError> {
    let bad = |why: &str| DateError(format!("'{part}' is not an EDTF date: {why}"));
    let core = part.trim_end_matches(['?', '~', '%']);
    let (date, time) = match core.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (core, None),
    };
    let (negative, date) = match date.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date),
    };
    let mut pieces = date.split('-');
    let year_text = pieces.next().unwrap_or_default();
    if year_text.len() != 4
        || !year_text.chars().all(|c| c.is_ascii_digit() || c == 'X')
        || year_text.starts_with('X') && year_text.chars().any(|c| c.is_ascii_digit())
    {
        return Err(bad("the year must have four digits"));
    }
    let year_specified = year_text.chars().all(|c| c.is_ascii_digit());
    let month = match pieces.next() {
        None => None,
        Some(month_text) => {
            if month_text.len() != 2 {
                return Err(bad("the month must have two digits"));
            }
            if month_text == "XX" {
                Some(0)
            } else {
                let month: u32 = month_text.parse().map_err(|_| bad("bad month"))?;
                if !(1..=12).contains(&month) && !(21..=24).contains(&month) {
                    return Err(bad("the month must be 01-12 or a season 21-24"));
                }
                Some(month)
            }
        }
    };
    if let Some(day_text) = pieces.next() {
        let month = month.unwrap_or_default();
        if day_text.len() != 2 || month > 12 {
            return Err(bad("the day must have two digits and follow a month"));
        }
        if day_text != "XX" {
            let day: u32 = day_text.parse().map_err(|_| bad("bad day"))?;
            let year: i32 =
                if year_specified { year_text.parse().unwrap_or(2000) } else { 2000 };
            if day == 0 || day > days_in_month(year, month) {
                return Err(bad("no such day in that month"));
            }
        }
    }
    if pieces.next().is_some() {
        return Err(bad("too many parts"));
    }
    if let Some(time) = time {
        let clock = time.trim_end_matches('Z');
        let clock = clock.split(['+']).next().unwrap_or_default();
        let valid = clock.split(':').count() == 3
            && clock
                .split(':')
                .all(|n| n.len() == 2 && n.chars().all(|c| c.is_ascii_digit()));
        if !valid {
            return Err(bad("the time must be HH:MM:SS"));
        }
    }
    if !year_specified {
        return Ok(None);
    }
    let year: i32 = year_text.parse().map_err(|_| bad("bad year"))?;
    Ok(Some(if negative { -year } else { year }))
}

/// The number of a month named in English, in full or abbreviated to three
/// letters or more (`January`, `Jan.`, `Sept` → 1, 1, 9).
pub fn month_number(word: &str) -> Option<u32> {
    let lower = word.trim().trim_end_matches('.').to_lowercase();
    if lower.len() < 3 {
        return None;
    }
    MONTH_NAMES
        .iter()
        .position(|month| {
            month
                .get(..lower.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(&lower))
        })
        .map(|idx| idx as u32 + 1)
}

/// The English month names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        0 => 31,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_biblatex_examples() {
        for text in [
            "1850",
            "1967-02",
            "2009-01-31",
            "1988/1992",
            "2002-01/2002-02",
            "1997/",
            "/1997",
            "1997/..",
            "2004-04-05T14:34:00",
            "2004?",
            "2004~",
            "199X",
            "19XX",
            "1998-21",
            "2020-02-29",
        ] {
            assert!(Date::parse(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn rejects_non_edtf() {
        for text in
            ["2019/7", "19", "2019-13", "2019-02-30", "2019-7", "June 2019", "", "/"]
        {
            assert!(Date::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn month_names() {
        assert_eq!(month_number("January"), Some(1));
        assert_eq!(month_number("Sept."), Some(9));
        assert_eq!(month_number("ma"), None);
        assert_eq!(month_number("Spring"), None);
    }

    #[test]
    fn year_of_start() {
        assert_eq!(Date::parse("2019-07").unwrap().year(), Some(2019));
        assert_eq!(Date::parse("/1997").unwrap().year(), None);
        assert_eq!(
            Date::from_parts(2015, Some(6), Some(18)).unwrap().as_str(),
            "2015-06-18"
        );
    }
}
