//! Finding the DOI of an entry that has none: a registry's bibliographic
//! search gives candidates; one is accepted only when its title is close
//! enough, its year is the entry's and its first author's family name is the
//! entry's. The threshold is measured, not guessed: `biblink eval matching`
//! scores reference strings of the gold papers against the publishers'
//! records of the same works and of the most similar other works.

use std::collections::HashSet;

use crate::link::resolve::fold;
use crate::model::Entry;
use crate::tex;

/// Title similarity from which a candidate is accepted (with year and first
/// author agreeing). Measured on the 1,382 references of the 25 gold papers
/// (`biblink eval matching ../shared/data/papers`, see [`Measurement`]):
/// the parsed reference against its own record, 1,380 pairs with year and
/// first author agreeing, 99.2% reach 0.8; against the most similar record
/// of another work with the same year and first author, 0.14% reach 0.7 and
/// none reaches 0.8. So 0.8: no false match measured, under 1% of true ones
/// left as candidates for the user.
pub const TITLE_THRESHOLD: f64 = 0.8;

/// How a candidate compares to the entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Dice coefficient of the titles' character trigrams (0–1), title and
    /// subtitle joined, case, accents and punctuation aside.
    pub title: f64,
    /// The years are the same (or one side has none).
    pub year: bool,
    /// The first authors' family names are the same (or one side has none).
    pub author: bool,
}

impl Score {
    /// Whether the candidate is taken without asking.
    pub fn accepted(&self) -> bool {
        self.title >= TITLE_THRESHOLD && self.year && self.author
    }
}

/// Scores `candidate` against `entry`.
pub fn score(entry: &Entry, candidate: &Entry) -> Score {
    let year = match (entry.year(), candidate.year()) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    let author =
        match (entry.first_family().map(fold), candidate.first_family().map(fold)) {
            (Some(a), Some(b)) => a == b || a.contains(&b) || b.contains(&a),
            _ => true,
        };
    Score {
        title: title_similarity(&full_title(entry), &full_title(candidate)),
        year,
        author,
    }
}

/// Title and subtitle as plain text.
pub fn full_title(entry: &Entry) -> String {
    let title = entry.text("title").unwrap_or("");
    let subtitle = entry.text("subtitle").unwrap_or("");
    tex::to_plain(&format!("{title} {subtitle}"), false)
}

/// Dice coefficient of the character trigrams of two titles (folded: lower
/// case ASCII letters and digits, words joined by one space).
pub fn title_similarity(a: &str, b: &str) -> f64 {
    let grams = |s: &str| -> HashSet<[u8; 3]> {
        let words: Vec<String> =
            s.split_whitespace().map(fold).filter(|w| !w.is_empty()).collect();
        let text = format!(" {} ", words.join(" "));
        text.as_bytes().windows(3).map(|w| [w[0], w[1], w[2]]).collect()
    };
    let (ga, gb) = (grams(a), grams(b));
    if ga.is_empty() || gb.is_empty() {
        return 0.0;
    }
    let common = ga.intersection(&gb).count();
    2.0 * common as f64 / (ga.len() + gb.len()) as f64
}

/// What the measurement found: for the same work, and for the most similar
/// other work with the same first author and year (the dangerous case).
#[derive(Debug, Clone, Default)]
pub struct Measurement {
    /// Title similarities of a reference to its own record.
    pub same: Vec<f64>,
    /// Title similarities of a reference to the closest other record whose
    /// year and first author agree with it (or to the closest record at all).
    pub other: Vec<f64>,
}

impl Measurement {
    /// (accepted same works / all, accepted other works / all) at `threshold`.
    pub fn rates(&self, threshold: f64) -> (f64, f64) {
        let rate = |v: &[f64]| {
            if v.is_empty() {
                0.0
            } else {
                v.iter().filter(|&&x| x >= threshold).count() as f64 / v.len() as f64
            }
        };
        (rate(&self.same), rate(&self.other))
    }
}

/// Measures the threshold on references paired with their records:
/// `pairs` gives, for each reference, the entry parsed from its printed
/// text and the entry of the publisher's record.
pub fn measure(pairs: &[(Entry, Entry)]) -> Measurement {
    let mut out = Measurement::default();
    let titles: Vec<String> =
        pairs.iter().map(|(_, record)| full_title(record)).collect();
    for (i, (parsed, record)) in pairs.iter().enumerate() {
        let own = full_title(parsed);
        if own.trim().is_empty() {
            continue;
        }
        let s = score(parsed, record);
        if s.year && s.author {
            out.same.push(s.title);
        }
        // The hardest other record: the most similar title among records
        // that would pass the year and author checks, else among all.
        let mut best_agreeing: Option<f64> = None;
        let mut best_any = 0.0_f64;
        for (j, (_, other)) in pairs.iter().enumerate() {
            if i == j || titles[j] == titles[i] {
                continue;
            }
            let t = title_similarity(&own, &titles[j]);
            best_any = best_any.max(t);
            let sc = score(parsed, other);
            if sc.year && sc.author {
                best_agreeing = Some(best_agreeing.map_or(t, |b: f64| b.max(t)));
            }
        }
        out.other.push(best_agreeing.unwrap_or(best_any));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_titles_score_high_and_others_low() {
        let a = "Cashless China: Securitization of everyday life through Alipay's social credit system—Sesame Credit";
        let b = "Cashless China Securitization of Everyday Life Through Alipay’s Social Credit System–Sesame Credit";
        assert!(title_similarity(a, b) > 0.95);
        assert!(
            title_similarity(
                a,
                "Platform capitalism and the governance of knowledge infrastructure"
            ) < 0.3
        );
        assert_eq!(title_similarity("", "x"), 0.0);
    }
}
