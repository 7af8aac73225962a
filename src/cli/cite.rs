//! `biblink cite KEY...`: formatted references and in-text citations, by
//! hayagriva's CSL processor with its bundled styles (or a `.csl` file read
//! by citationberg). Nothing here formats a reference by hand: this file
//! chooses the style, hands hayagriva the entries and writes its output as
//! text, HTML or markdown.
//!
//! Entries reach hayagriva as BibLaTeX text (our deterministic writer, read by
//! `hayagriva::io::from_biblatex_str`): the store is BibLaTeX already, and
//! hayagriva's own BibLaTeX bridge is the maintained mapping of types and
//! fields (journaltitle, booktitle + editor as the parent, DOI, ...), so we
//! keep no second mapping table. Two things are prepared first: hayagriva
//! ignores `subtitle`, so it is joined to the title as the styles want it
//! (`Title: Subtitle`), and long fields no style prints (abstract,
//! annotation, keywords) are left out.

use std::path::Path;
use std::time::Instant;

use biblink::model::{Entry, Value};
use biblink::store::{BIB_FILE, Store};
use hayagriva::archive::ArchivedStyle;
use hayagriva::citationberg::{IndependentStyle, Locale, Style};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild,
    ElemChildren,
};

use super::args::CiteFormat;
use super::{Context, ExitCode};

/// The style names `--style` accepts, and the bundled style each one means.
pub const STYLES: &[(&str, ArchivedStyle)] = &[
    ("apa", ArchivedStyle::AmericanPsychologicalAssociation),
    ("chicago-author-date", ArchivedStyle::ChicagoAuthorDate),
    ("ieee", ArchivedStyle::InstituteOfElectricalAndElectronicsEngineers),
    ("harvard", ArchivedStyle::HarvardCiteThemRight),
    ("mla", ArchivedStyle::ModernLanguageAssociation),
];

/// A style that could not be had: exit 2 with this message.
pub struct StyleError(pub String);

/// `--style`: a bundled name, or a path to a `.csl` file.
pub fn load_style(name: &str) -> Result<IndependentStyle, StyleError> {
    let is_file = name.ends_with(".csl") || name.contains(['/', '\\']);
    let style = if is_file {
        let path = Path::new(name);
        let text = std::fs::read_to_string(path).map_err(|error| {
            StyleError(format!("cannot read {}: {error}", path.display()))
        })?;
        Style::from_xml(&text).map_err(|error| {
            StyleError(format!("{}: not a CSL style: {error}", path.display()))
        })?
    } else {
        let Some((_, archived)) = STYLES.iter().find(|(known, _)| *known == name) else {
            let names: Vec<&str> = STYLES.iter().map(|(known, _)| *known).collect();
            return Err(StyleError(format!(
                "unknown style '{name}'; known styles: {} (or a .csl file)",
                names.join(", ")
            )));
        };
        archived.get()
    };
    match style {
        Style::Independent(style) => Ok(style),
        Style::Dependent(dependent) => Err(StyleError(format!(
            "{name} is a dependent CSL style (it points to {}); give the parent style's file",
            dependent.info.id
        ))),
    }
}

/// Formats `entries` (in that order) with `style`: one reference-list entry
/// per entry, or with `in_text` one in-text citation of them all.
pub fn format_entries(
    entries: &[&Entry],
    style: &IndependentStyle,
    format: CiteFormat,
    in_text: bool,
) -> Result<Vec<String>, String> {
    format_with_locales(entries, style, &locales_for(style), format, in_text)
}

/// The CSL locales `style` can use: en-US (every style's fallback) and its
/// default locale when it names another, decoded from hayagriva's bundled
/// archive. Decoding all 64 bundled locales (`archive::locales()`) was most
/// of the time of one `cite`; each archived locale names its language in its
/// first bytes (`@xml:lang` → `en-US`), so only the needed ones are decoded.
fn locales_for(style: &IndependentStyle) -> Vec<Locale> {
    let mut wanted: Vec<&str> = vec!["en-US"];
    if let Some(code) = &style.default_locale
        && code.0 != "en-US"
    {
        wanted.push(code.0.as_str());
    }
    hayagriva::archive::LOCALES
        .iter()
        .filter(|bytes| {
            let head = &bytes[..bytes.len().min(64)];
            wanted
                .iter()
                .any(|code| memchr::memmem::find(head, code.as_bytes()).is_some())
        })
        .filter_map(|bytes| ciborium::de::from_reader::<Locale, _>(*bytes).ok())
        .filter(|locale| {
            locale.lang.as_ref().is_some_and(|lang| wanted.contains(&lang.0.as_str()))
        })
        .collect()
}

/// [`format_entries`] with the CSL locales decoded already.
fn format_with_locales(
    entries: &[&Entry],
    style: &IndependentStyle,
    locales: &[Locale],
    format: CiteFormat,
    in_text: bool,
) -> Result<Vec<String>, String> {
    let mut text = String::new();
    for entry in entries {
        biblink::bib::write_entry(&prepared(entry), &mut text);
        text.push('\n');
    }
    let library = hayagriva::io::from_biblatex_str(&text).map_err(|errors| {
        let messages: Vec<String> = errors.iter().map(|e| format!("{e:?}")).collect();
        format!("hayagriva cannot read the entries: {}", messages.join("; "))
    })?;
    let hayagriva_entries: Vec<&hayagriva::Entry> = entries
        .iter()
        .map(|entry| {
            library
                .get(&entry.key)
                .ok_or_else(|| format!("hayagriva did not read entry '{}'", entry.key))
        })
        .collect::<Result<_, _>>()?;
    let mut driver = BibliographyDriver::new();
    if in_text {
        let items = hayagriva_entries
            .iter()
            .map(|entry| CitationItem::with_entry(*entry))
            .collect();
        driver.citation(CitationRequest::from_items(items, style, locales));
    } else {
        // One citation per entry in the order given, so numeric styles number
        // them in that order.
        for entry in &hayagriva_entries {
            let items = vec![CitationItem::with_entry(*entry)];
            driver.citation(CitationRequest::from_items(items, style, locales));
        }
    }
    let rendered = driver.finish(BibliographyRequest::new(style, None, locales));
    if in_text {
        return Ok(rendered
            .citations
            .first()
            .map(|citation| render(&citation.citation, format))
            .into_iter()
            .collect());
    }
    let items = rendered.bibliography.map(|b| b.items).unwrap_or_default();
    let mut lines = Vec::with_capacity(entries.len());
    for entry in entries {
        let Some(item) = items.iter().find(|item| item.key == entry.key) else {
            return Err(format!("the style printed no reference for '{}'", entry.key));
        };
        let mut line = String::new();
        if let Some(first) = &item.first_field {
            line.push_str(&render(&ElemChildren(vec![first.clone()]), format));
            line.push(' ');
        }
        line.push_str(&render(&item.content, format));
        lines.push(line);
    }
    Ok(lines)
}

/// The entry as hayagriva should see it: subtitle joined to the title (and
/// to the book title), fields no style prints left out.
fn prepared(entry: &Entry) -> Entry {
    let mut entry = entry.clone();
    for (main, sub) in [("title", "subtitle"), ("booktitle", "booksubtitle")] {
        if let (Some(title), Some(subtitle)) = (entry.text(main), entry.text(sub)) {
            let separator =
                if title.trim_end().ends_with(['?', '!', ':', '.']) { " " } else { ": " };
            let joined = format!("{}{separator}{subtitle}", title.trim_end());
            entry.set(main, Value::Text(joined), None);
            entry.fields.shift_remove(sub);
        }
    }
    for field in ["abstract", "annotation", "keywords", "file"] {
        entry.fields.shift_remove(field);
    }
    entry
}

/// One run of text with its emphasis.
struct Run {
    text: String,
    italic: bool,
    bold: bool,
}

/// Hayagriva's formatted output as plain text, HTML (`<i>`, `<b>`, `<a>`) or
/// markdown (`*…*`, `**…**`). Adjacent runs of equal emphasis are joined first,
/// so a title split over several pieces is one italic span.
pub fn render(children: &ElemChildren, format: CiteFormat) -> String {
    let mut runs: Vec<Run> = Vec::new();
    collect_runs(children, &mut runs, format);
    let mut out = String::new();
    for run in runs {
        if format == CiteFormat::Text || (!run.italic && !run.bold) {
            out.push_str(&run.text);
            continue;
        }
        // Emphasis markers hug the words: white space goes outside them.
        let inner = run.text.trim();
        let lead = &run.text[..run.text.len() - run.text.trim_start().len()];
        let trail = &run.text[run.text.trim_end().len()..];
        let (open, close) = match (format, run.italic, run.bold) {
            (CiteFormat::Html, true, true) => ("<b><i>", "</i></b>"),
            (CiteFormat::Html, true, false) => ("<i>", "</i>"),
            (CiteFormat::Html, false, _) => ("<b>", "</b>"),
            (_, true, true) => ("***", "***"),
            (_, true, false) => ("*", "*"),
            (_, false, _) => ("**", "**"),
        };
        out.push_str(lead);
        if !inner.is_empty() {
            out.push_str(open);
            out.push_str(inner);
            out.push_str(close);
        }
        out.push_str(trail);
    }
    out
}

fn collect_runs(children: &ElemChildren, runs: &mut Vec<Run>, format: CiteFormat) {
    for child in &children.0 {
        match child {
            ElemChild::Text(formatted) => push_run(
                runs,
                escape(&formatted.text, format),
                formatted.formatting.font_style
                    == hayagriva::citationberg::FontStyle::Italic,
                formatted.formatting.font_weight
                    == hayagriva::citationberg::FontWeight::Bold,
            ),
            ElemChild::Elem(elem) => collect_runs(&elem.children, runs, format),
            ElemChild::Markup(markup) => {
                push_run(runs, escape(markup, format), false, false)
            }
            ElemChild::Link { text, url } => {
                let shown = escape(&text.text, format);
                let text_out = match format {
                    CiteFormat::Html => {
                        format!("<a href=\"{}\">{shown}</a>", escape(url, format))
                    }
                    _ => shown,
                };
                push_run(
                    runs,
                    text_out,
                    text.formatting.font_style
                        == hayagriva::citationberg::FontStyle::Italic,
                    false,
                );
            }
            ElemChild::Transparent { .. } => {}
        }
    }
}

fn push_run(runs: &mut Vec<Run>, text: String, italic: bool, bold: bool) {
    match runs.last_mut() {
        Some(last) if last.italic == italic && last.bold == bold => {
            last.text.push_str(&text)
        }
        _ => runs.push(Run { text, italic, bold }),
    }
}

fn escape(text: &str, format: CiteFormat) -> String {
    match format {
        CiteFormat::Text => text.to_string(),
        CiteFormat::Html => text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;"),
        CiteFormat::Markdown => {
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                if matches!(c, '*' | '_' | '`' | '\\') {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        }
    }
}

/// `biblink cite`.
pub fn run(
    context: &Context,
    keys: &[String],
    style_name: &str,
    format: CiteFormat,
    in_text: bool,
) -> Result<ExitCode, String> {
    let started = Instant::now();

    let style = match load_style(style_name) {
        Ok(style) => style,
        Err(StyleError(message)) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::Failure);
        }
    };
    let entries = match entries_fast(context, keys) {
        Some(entries) => entries,
        None => {
            let store = context.read_store()?;
            let mut found = Vec::new();
            let mut missing = Vec::new();
            for key in keys {
                match store.get(key) {
                    Some(entry) => found.push(entry.clone()),
                    None => missing.push(key.as_str()),
                }
            }
            for key in &missing {
                eprintln!(
                    "error: no entry with key '{key}' in {}",
                    context.store_dir.display()
                );
            }
            if !missing.is_empty() {
                return Ok(ExitCode::Findings);
            }
            found
        }
    };
    let refs: Vec<&Entry> = entries.iter().collect();
    for line in format_entries(&refs, &style, format, in_text)? {
        println!("{line}");
    }
    if context.verbose {
        eprintln!(
            "formatted {} entries with {style_name} in {:.1} ms",
            refs.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    Ok(ExitCode::Success)
}

/// The entries of `keys` found directly in `references.bib`, without loading
/// the whole store: the store writes every entry as `@type{key,` at the start
/// of a line and ends it with a `}` line, so one key is one substring search
/// and a parse of that entry alone (a 100k-entry store loads in about a
/// second; this takes milliseconds). `None` when any key is not found this way
/// or the entry does not read cleanly: the caller then loads the store, which
/// also reports unknown keys and damage properly.
fn entries_fast(context: &Context, keys: &[String]) -> Option<Vec<Entry>> {
    let path = context.store_dir.join(BIB_FILE);
    let _lock = Store::lock(&context.store_dir, false, || {}).ok()?;
    let text = std::fs::read_to_string(&path).ok()?;
    let mut entries = Vec::with_capacity(keys.len());
    for key in keys {
        let needle = format!("{{{key},\n");
        let mut found = None;
        let mut from = 0;
        while let Some(at) = text[from..].find(&needle) {
            let at = from + at;
            let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            let head = &text[line_start..at];
            if head.starts_with('@') && head[1..].chars().all(|c| c.is_ascii_alphabetic())
            {
                found = Some(line_start);
                break;
            }
            from = at + needle.len();
        }
        let start = found?;
        let end = text[start..].find("\n}\n").map(|n| start + n + 3)?;
        let parsed = biblink::bib::parse(&text[start..end], &path.to_string_lossy());
        if !parsed.diagnostics.is_empty() {
            return None;
        }
        let entry = parsed.value.entries.into_iter().next()?;
        if entry.key != *key {
            return None;
        }
        entries.push(entry);
    }
    if context.verbose {
        eprintln!("read {} entries directly from {}", entries.len(), path.display());
    }
    Some(entries)
}
