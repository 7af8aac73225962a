//! Standard identifiers: ISSN and ISBN shapes and check digits.

/// Whether `value` is written like an ISSN (`1754-4750`, `17544750`).
pub fn is_issn_shaped(value: &str) -> bool {
    let compact: Vec<char> = value.chars().filter(|c| *c != '-').collect();
    compact.len() == 8
        && value.len() <= 9
        && compact[..7].iter().all(char::is_ascii_digit)
        && (compact[7].is_ascii_digit() || compact[7] == 'X' || compact[7] == 'x')
}

/// Whether `value` is written like an ISBN-10 or ISBN-13 (hyphens allowed).
pub fn is_isbn_shaped(value: &str) -> bool {
    let compact: Vec<char> = value.chars().filter(|c| *c != '-').collect();
    match compact.len() {
        10 => {
            compact[..9].iter().all(char::is_ascii_digit)
                && (compact[9].is_ascii_digit() || compact[9] == 'X' || compact[9] == 'x')
        }
        13 => compact.iter().all(char::is_ascii_digit),
        _ => false,
    }
}

/// Whether an ISSN's check digit is right.
pub fn issn_checksum_ok(value: &str) -> bool {
    if !is_issn_shaped(value) {
        return false;
    }
    let digits: Vec<u32> = value.chars().filter(|c| *c != '-').map(digit_value).collect();
    let sum: u32 =
        digits[..7].iter().enumerate().map(|(idx, d)| d * (8 - idx as u32)).sum();
    (11 - sum % 11) % 11 == digits[7]
}

/// Whether an ISBN-10 or ISBN-13's check digit is right.
pub fn isbn_checksum_ok(value: &str) -> bool {
    if !is_isbn_shaped(value) {
        return false;
    }
    let digits: Vec<u32> = value.chars().filter(|c| *c != '-').map(digit_value).collect();
    if digits.len() == 10 {
        let sum: u32 =
            digits.iter().enumerate().map(|(idx, d)| d * (10 - idx as u32)).sum();
        sum.is_multiple_of(11)
    } else {
        let sum: u32 = digits
            .iter()
            .enumerate()
            .map(|(idx, d)| if idx % 2 == 0 { *d } else { d * 3 })
            .sum();
        sum.is_multiple_of(10)
    }
}

fn digit_value(c: char) -> u32 {
    c.to_digit(10).unwrap_or(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums() {
        assert!(issn_checksum_ok("1754-4750"));
        assert!(!issn_checksum_ok("1754-4751"));
        assert!(isbn_checksum_ok("978-0-306-40615-7"));
        assert!(isbn_checksum_ok("0-306-40615-2"));
        assert!(!isbn_checksum_ok("978-0-306-40615-8"));
        assert!(is_isbn_shaped("978-0-16-259241-4"));
    }
}
