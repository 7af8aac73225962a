//! `biblink check`'s rules on arbitrary input: they never panic, every
//! finding lies inside the text (line within the file, column within the
//! line), and findings come out in file order.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let options = biblink::check::Options {
        key_pattern: Some(biblink::bib::key::DEFAULT_PATTERN.to_string()),
    };
    // Lines end at `\r\n`, `\n` or a lone `\r`, as diagnostics count them.
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = unified.split('\n').collect();
    let n_lines = lines.len() as u32;
    for checked in [
        biblink::check::check_bib(text, "fuzz.bib", &options),
        biblink::check::check_ris(text, "fuzz.ris", &options),
    ] {
        let mut previous = (0, 0);
        for finding in &checked.findings {
            assert!(finding.line <= n_lines, "{finding:?} beyond {n_lines} lines");
            if finding.line > 0 && finding.column > 0 {
                let line = lines[finding.line as usize - 1];
                assert!(
                    finding.column as usize <= line.chars().count() + 1,
                    "{finding:?} beyond its line {line:?}"
                );
            }
            assert!((finding.line, finding.column) >= previous, "{finding:?} out of order");
            previous = (finding.line, finding.column);
        }
    }
    let store = biblink::store::Store::new(biblink::bib::key::DEFAULT_PATTERN);
    let _ = biblink::check::papers::check_paper(text, "fuzz.md", &store);
});
