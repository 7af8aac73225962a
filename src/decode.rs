//! Turns file bytes into text: UTF-8 (with or without BOM), UTF-16 with BOM,
//! UTF-16 without one when the text starts with ASCII (EndNote's "Unicode"
//! exports on Windows: `<\0?\0x\0m\0`), and otherwise Windows-1252, the
//! encoding the RIS specification assumes.

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
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
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

/// [`decode`] for a file's bytes read whole: UTF-8 is taken as it is,
/// without a copy and with its byte order mark kept (the readers skip it,
/// and offsets stay the file's); anything else is decoded.
pub fn decode_owned(bytes: Vec<u8>, file: &str) -> Parsed<String> {
    if utf16_without_bom(&bytes).is_some() {
        return decode(&bytes, file);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Parsed { value: text, diagnostics: Vec::new() },
        Err(error) => decode(error.as_bytes(), file),
    }
}

/// UTF-16 without a byte order mark: the first four characters are ASCII
/// (not NUL) with a NUL byte after each (little-endian) or before each
/// (big-endian). UTF-8 text never starts so: NUL is no character of text.
pub fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes.get(..8)?;
    let ascii = |b: &u8| (1..0x80).contains(b);
    let (even, odd): (Vec<u8>, Vec<u8>) =
        head.chunks(2).map(|pair| (pair[0], pair[1])).unzip();
    if even.iter().all(ascii) && odd.iter().all(|&b| b == 0) {
        Some(encoding_rs::UTF_16LE)
    } else if odd.iter().all(ascii) && even.iter().all(|&b| b == 0) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
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
    fn utf16_without_a_bom_is_decoded() {
        let le: Vec<u8> = "<xml>é".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> =
            "TY  - JOUR".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&le, "x").value, "<xml>é");
        assert_eq!(decode(&be, "x").value, "TY  - JOUR");
        // Too short to tell, and UTF-8: as they are.
        assert_eq!(utf16_without_bom(b"<\0x\0"), None);
        assert_eq!(utf16_without_bom(b"TY  - JOUR"), None);
    }

    #[test]
    fn owned_utf8_keeps_its_bom_and_the_rest_is_decoded() {
        assert_eq!(decode_owned(b"\xEF\xBB\xBFTY".to_vec(), "x").value, "\u{feff}TY");
        let le: Vec<u8> = "<xml>".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode_owned(le, "x").value, "<xml>");
        let latin1 = decode_owned(b"M\xFCller".to_vec(), "x");
        assert_eq!((latin1.value.as_str(), latin1.diagnostics.len()), ("Müller", 1));
    }

    #[test]
    fn bom_is_stripped() {
        assert_eq!(decode(b"\xEF\xBB\xBFTY  - JOUR", "x").value, "TY  - JOUR");
    }
}
