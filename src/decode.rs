//! Turns file bytes into text: UTF-8 (with or without BOM), UTF-16 with BOM,
//! and otherwise Windows-1252, the encoding the RIS specification assumes.

use crate::diag::{Diagnostic, LineIndex, Parsed, Severity};

/// Decodes `bytes` read from `file`; a fallback to Windows-1252 yields a warning
/// that points at the first byte that is not UTF-8.
pub fn decode(bytes: &[u8], file: &str) -> Parsed<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode(rest, file);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        return Parsed { value: text.into_owned(), diagnostics: Vec::new() };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Parsed { value: text.to_string(), diagnostics: Vec::new() },
        Err(error) => {
            let valid_up_to = error.valid_up_to();
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            let prefix = String::from_utf8_lossy(&bytes[..valid_up_to]);
            let position = LineIndex::new(&prefix).position(prefix.len());
            let diagnostic = Diagnostic::new(
                "ENC001",
                Severity::Warning,
                file,
                position,
                format!(
                    "invalid UTF-8 (byte 0x{:02X}); decoded the file as Windows-1252",
                    bytes[valid_up_to]
                ),
            )
            .with_help(
                "check the accented characters of this file, or re-save it as UTF-8",
            );
            Parsed { value: text.into_owned(), diagnostics: vec![diagnostic] }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_fallback_warns_at_the_bad_byte() {
        let parsed = decode(b"TY  - JOUR\nAU  - M\xFCller, J\xF6rg\n", "x.ris");
        assert_eq!(parsed.value, "TY  - JOUR\nAU  - Müller, Jörg\n");
        assert_eq!(parsed.diagnostics.len(), 1);
        assert_eq!((parsed.diagnostics[0].line, parsed.diagnostics[0].column), (2, 8));
    }

    #[test]
    fn bom_is_stripped() {
        assert_eq!(decode(b"\xEF\xBB\xBFTY  - JOUR", "x").value, "TY  - JOUR");
    }
}
