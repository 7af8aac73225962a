//! A self-contained HTML page of a linked paper: the text with every
//! callout linked to its reference, and the reference list with the claims
//! that cite each reference.
//!
//! The page needs nothing but itself: the style sheet is inline and there is
//! no script. Ids are stable and 0-based: `ref-N` is reference `N` of
//! [`Linked::references`], `callout-K` is callout `K` of
//! [`Links::callouts`](super::Links::callouts) (its first link; the other
//! items of a callout citing several works are `callout-K-J`, `J` the item's
//! index).
//!
//! The text is shown as written, escaped: blank-line separated blocks become
//! paragraphs and `#` lines headings; other markdown is left as it is. Spans
//! that are out of range or not on character boundaries are skipped, never
//! trusted.

use std::cmp::Reverse;
use std::fmt::Write as _;
use std::ops::Range;

use crate::model::Value;
use crate::store::Store;

use super::document::Linked;
use super::{Callout, Item, Reference, Status};

/// The page of `document` (the text `linked` was made from): the text with
/// its callouts linked and highlighted, then the reference list. `store`
/// gives the type and title of each reference's entry.
pub fn page(document: &str, linked: &Linked, store: &Store) -> String {
    let references = &linked.references;
    let links = &linked.links;
    let mut out = String::with_capacity(document.len() * 2 + 4096);
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
    );
    out.push_str(
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&title_of(linked)));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");

    out.push_str("<header>\n");
    let _ = writeln!(out, "<h1 class=\"file\">{}</h1>", escape(&title_of(linked)));
    out.push_str(&summary(linked));
    out.push_str("</header>\n");

    let marks = marks(document, linked);
    let body = Body::render(document, &marks);
    out.push_str("<main>\n<article class=\"document\">\n");
    out.push_str(&body.html);
    out.push_str("</article>\n");

    out.push_str(
        "<section id=\"references\" class=\"references\">\n<h2>References</h2>\n",
    );
    if references.is_empty() {
        out.push_str("<p class=\"empty\">The document has no reference list.</p>\n");
    } else {
        out.push_str("<ol class=\"references\">\n");
        for (ref_idx, reference) in references.iter().enumerate() {
            let uncited = links.uncited.contains(&ref_idx);
            let citing: Vec<(usize, &Callout)> = links
                .callouts
                .iter()
                .enumerate()
                .filter(|(_, callout)| callout.targets().contains(&ref_idx))
                .collect();
            reference_item(
                &mut out,
                document,
                ref_idx,
                reference,
                uncited,
                &citing,
                &body.anchors,
                store,
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n</main>\n</body>\n</html>\n");
    out
}

/// The inline style sheet: statuses are told apart by colour and by the
/// underline's style, so that they stay distinct without colour too.
const STYLE: &str = "
:root { color-scheme: light; }
body { font: 17px/1.55 Georgia, 'Times New Roman', serif; color: #1d1d1f;
  max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
header .summary { font-family: system-ui, sans-serif; font-size: 0.9rem; color: #555; }
.legend span { margin-right: 0.6em; }
article.document { border-bottom: 1px solid #ccc; padding-bottom: 1.5rem; }
article.document p { margin: 0 0 0.9em; }
a.callout { color: #0b4f9c; text-decoration: none; border-bottom: 1px solid #0b4f9c; }
a.callout.ambiguous { color: #6b4b00; background: #ffe9a8;
  border-bottom: 2px dashed #b07d00; }
a.callout.unresolved { color: #8a0000; background: #ffd4d4;
  border-bottom: 2px solid #c00000; }
a.callout.mismatch { box-shadow: inset 0 -3px 0 #e08a00; }
a.callout:target, li.reference:target, mark.attribution:target {
  outline: 2px solid #0b4f9c; outline-offset: 2px; }
mark.attribution { background: #dff3e4; color: inherit; }
.attribution-source { font-weight: bold; }
ol.references { padding-left: 2.2rem; }
li.reference { margin-bottom: 1rem; }
li.reference .printed { white-space: pre-wrap; }
li.reference .meta { font-family: system-ui, sans-serif; font-size: 0.85rem; color: #444; }
li.reference.uncited .printed { color: #666; }
.badge { font-family: system-ui, sans-serif; font-size: 0.75rem; padding: 0 0.4em;
  border-radius: 0.3em; white-space: nowrap; }
.badge.uncited { background: #eee; color: #555; border: 1px dashed #888; }
.badge.resolved { background: #e3edf9; color: #0b4f9c; }
.badge.ambiguous { background: #ffe9a8; color: #6b4b00; }
.badge.unresolved { background: #ffd4d4; color: #8a0000; }
ul.claims { font-size: 0.92rem; margin: 0.3rem 0 0; padding-left: 1.2rem; }
ul.claims a { color: inherit; }
";

/// How many callouts resolved, and the legend of the highlights.
fn summary(linked: &Linked) -> String {
    let callouts = &linked.links.callouts;
    let count = |status: Status| callouts.iter().filter(|c| c.status() == status).count();
    let mut out = String::from("<p class=\"summary\">");
    let _ = write!(
        out,
        "{} callouts: {} resolved, {} ambiguous, {} unresolved; \
         {} references, {} never cited",
        callouts.len(),
        count(Status::Resolved),
        count(Status::Ambiguous),
        count(Status::Unresolved),
        linked.references.len(),
        linked.links.uncited.len(),
    );
    if !linked.attributions.is_empty() {
        let _ = write!(out, "; {} attributed claims", linked.attributions.len());
    }
    out.push_str("</p>\n<p class=\"summary legend\">");
    for status in [Status::Resolved, Status::Ambiguous, Status::Unresolved] {
        let _ = write!(out, "<span class=\"badge {0}\">{0}</span>", status.as_str());
    }
    out.push_str("<span class=\"badge uncited\">never cited</span>");
    if !linked.attributions.is_empty() {
        out.push_str("<mark class=\"attribution\">attributed claim</mark>");
    }
    out.push_str("</p>\n");
    out
}

/// The page title: the document's name.
fn title_of(linked: &Linked) -> String {
    if linked.file.is_empty() {
        "Linked document".to_string()
    } else {
        linked.file.clone()
    }
}

/// One `<li>` of the reference list.
#[allow(clippy::too_many_arguments)]
fn reference_item(
    out: &mut String,
    document: &str,
    ref_idx: usize,
    reference: &Reference,
    uncited: bool,
    citing: &[(usize, &Callout)],
    anchors: &[bool],
    store: &Store,
) {
    let class = if uncited { "reference uncited" } else { "reference cited" };
    let _ = write!(
        out,
        "<li id=\"ref-{ref_idx}\" class=\"{class}\" value=\"{}\">",
        ref_idx + 1
    );
    let printed = document.get(reference.span.clone()).map(str::trim).unwrap_or_default();
    let _ = write!(out, "<div class=\"printed\">{}</div>", escape(printed));

    out.push_str("<div class=\"meta\">");
    if reference.key.is_empty() {
        out.push_str("<span class=\"key missing\">no key</span>");
    } else {
        let about = store.get(&reference.key).map(entry_summary).unwrap_or_default();
        let _ = write!(
            out,
            "<code class=\"key\" title=\"{}\">{}</code>",
            escape(&about),
            escape(&reference.key)
        );
    }
    let _ = write!(out, " · line {}", reference.line);
    if let Some((href, text)) = source_link(reference) {
        let _ = write!(
            out,
            " · <a class=\"source\" href=\"{}\">{}</a>",
            escape(&href),
            escape(&text)
        );
    }
    if uncited {
        out.push_str(" <span class=\"badge uncited\">never cited</span>");
    } else {
        let _ = write!(
            out,
            " · cited {} time{}",
            citing.len(),
            if citing.len() == 1 { "" } else { "s" }
        );
    }
    out.push_str("</div>");

    if !citing.is_empty() {
        out.push_str("<ul class=\"claims\">");
        for &(callout_idx, callout) in citing {
            let text = escape(&callout.sentence.text);
            if anchors.get(callout_idx).copied().unwrap_or(false) {
                let _ = write!(
                    out,
                    "<li><a class=\"claim\" href=\"#callout-{callout_idx}\">{text}</a></li>"
                );
            } else {
                // Its link could not be placed in the text (a span out of
                // range): show the claim, without a link to nowhere.
                let _ = write!(out, "<li><span class=\"claim\">{text}</span></li>");
            }
        }
        out.push_str("</ul>");
    }
    out.push_str("</li>\n");
}

/// `article: Title` of a store entry, braces dropped.
fn entry_summary(entry: &crate::model::Entry) -> String {
    let title = match entry.fields.get("title").map(|f| &f.value) {
        Some(Value::Text(title)) => title.replace(['{', '}'], ""),
        _ => String::new(),
    };
    if title.is_empty() {
        entry.entry_type.clone()
    } else {
        format!("{}: {title}", entry.entry_type)
    }
}

/// The link to a reference's source: its DOI at doi.org, else its URL when
/// it is a web address (other schemes, `javascript:` above all, are not linked).
fn source_link(reference: &Reference) -> Option<(String, String)> {
    if let Some(doi) = reference.doi.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        return Some((
            format!("https://doi.org/{}", encode_doi(doi)),
            format!("doi:{doi}"),
        ));
    }
    let url = reference.url.as_deref().map(str::trim).filter(|u| !u.is_empty())?;
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return None;
    }
    Some((encode_url(url), url.to_string()))
}

/// A DOI as a URL path: everything but unreserved characters and `/` is
/// percent-encoded (DOIs may carry `#`, `?`, `<`, spaces…).
fn encode_doi(doi: &str) -> String {
    let mut out = String::with_capacity(doi.len());
    for byte in doi.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A URL made safe to put in `href`: whitespace, control characters and
/// quotes percent-encoded (the rest is escaped as an attribute).
fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>' {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{byte:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` escaped for HTML text and attribute values. NUL and the other C0
/// controls that HTML forbids (all but tab, line feed, form feed and carriage
/// return) become U+FFFD.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' | '\x0C' => out.push(c),
            c if (c as u32) < 0x20 || c == '\x7F' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// An element wrapped around a byte span of the text.
#[derive(Debug, Clone)]
struct Mark {
    span: Range<usize>,
    /// Nesting order when two marks start together and end together: lower is outer.
    layer: u8,
    /// The opening tag, with the id.
    open: String,
    /// The opening tag when the element is broken (by a paragraph or by a
    /// mark it crosses) and opened again: no id.
    reopen: String,
    close: &'static str,
    /// The callout whose anchor (`callout-K`) this mark carries.
    anchor_of: Option<usize>,
}

/// The marks of the text: attributed sentences, then one link per callout or
/// per item of a callout, sorted by start.
fn marks(document: &str, linked: &Linked) -> Vec<Mark> {
    let valid = |span: &Range<usize>| {
        span.start < span.end && document.get(span.clone()).is_some()
    };
    let mut marks = Vec::new();
    for attribution in &linked.attributions {
        let span = &attribution.sentence.span;
        if !valid(span) {
            continue;
        }
        let mut title = format!("attributed to {}", attribution.source);
        if let Some(via) = &attribution.via {
            let _ = write!(title, " via {via}");
        }
        let _ = write!(title, " ({})", attribution.speaker_type.replace('_', " "));
        let open = format!("<mark class=\"attribution\" title=\"{}\">", escape(&title));
        marks.push(Mark {
            span: span.clone(),
            layer: 0,
            reopen: open.clone(),
            open,
            close: "</mark>",
            anchor_of: None,
        });
        if let Some(source) = attribution.source_span.as_ref().filter(|s| valid(s)) {
            let open = "<span class=\"attribution-source\">".to_string();
            marks.push(Mark {
                span: source.clone(),
                layer: 1,
                reopen: open.clone(),
                open,
                close: "</span>",
                anchor_of: None,
            });
        }
    }
    let mismatches = |callout_idx: usize| -> Vec<&str> {
        linked
            .links
            .mismatches
            .iter()
            .filter(|m| m.callout == callout_idx)
            .map(|m| m.message.as_str())
            .collect()
    };
    let described: Vec<String> = linked
        .references
        .iter()
        .enumerate()
        .map(|(ref_idx, reference)| describe_reference(document, ref_idx, reference))
        .collect();
    for (callout_idx, callout) in linked.links.callouts.iter().enumerate() {
        if !valid(&callout.span) {
            continue;
        }
        let notes = mismatches(callout_idx);
        // The items that can carry their own link: inside the callout, in
        // order, not overlapping the item before (the implied items of
        // `[2]–[5]` share the dash). A skipped item's works are named in the
        // title of the link before it.
        let mut kept: Vec<(usize, Vec<&Item>)> = Vec::new();
        for (item_idx, item) in callout.items.iter().enumerate() {
            let inside = item.span.start >= callout.span.start
                && item.span.end <= callout.span.end
                && valid(&item.span);
            let after_last = kept.last().is_none_or(|(first, _)| {
                callout.items[*first].span.end <= item.span.start
            });
            match kept.last_mut() {
                Some((_, group)) if !(inside && after_last) => group.push(item),
                _ if inside => kept.push((item_idx, vec![item])),
                _ => {}
            }
        }
        if kept.len() >= 2 {
            for (n, (item_idx, group)) in kept.iter().enumerate() {
                let item = &callout.items[*item_idx];
                let status = group.iter().map(|i| i.status).max().unwrap_or(item.status);
                let targets: Vec<usize> =
                    group.iter().flat_map(|i| i.targets.clone()).collect();
                let candidates: Vec<usize> =
                    group.iter().flat_map(|i| i.candidates.clone()).collect();
                let id = if n == 0 {
                    format!("callout-{callout_idx}")
                } else {
                    format!("callout-{callout_idx}-{item_idx}")
                };
                let (open, reopen) = link_tags(
                    &id,
                    callout_idx,
                    status,
                    &targets,
                    &candidates,
                    &notes,
                    &described,
                );
                marks.push(Mark {
                    span: item.span.clone(),
                    layer: 2,
                    open,
                    reopen,
                    close: "</a>",
                    anchor_of: (n == 0).then_some(callout_idx),
                });
            }
        } else {
            let (open, reopen) = link_tags(
                &format!("callout-{callout_idx}"),
                callout_idx,
                callout.status(),
                &callout.targets(),
                &callout.candidates(),
                &notes,
                &described,
            );
            marks.push(Mark {
                span: callout.span.clone(),
                layer: 2,
                open,
                reopen,
                close: "</a>",
                anchor_of: Some(callout_idx),
            });
        }
    }
    marks.sort_by_key(|m| (m.span.start, Reverse(m.span.end), m.layer));
    marks
}

/// The opening tag of a callout link (with and without its id): to its
/// first target, else its first candidate, else the reference section.
/// `references` describes each reference for the title.
fn link_tags(
    id: &str,
    callout_idx: usize,
    status: Status,
    targets: &[usize],
    candidates: &[usize],
    notes: &[&str],
    references: &[String],
) -> (String, String) {
    let first = targets.first().or(candidates.first()).filter(|&&i| i < references.len());
    let href = match first {
        Some(ref_idx) => format!("#ref-{ref_idx}"),
        None => "#references".to_string(),
    };
    let describe = |indexes: &[usize]| {
        let mut seen = Vec::new();
        for &i in indexes {
            if !seen.contains(&i) {
                seen.push(i);
            }
        }
        seen.iter()
            .filter_map(|&i| references.get(i).cloned())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut title = match status {
        Status::Resolved => describe(targets),
        Status::Ambiguous => format!("ambiguous, it fits:\n{}", describe(candidates)),
        Status::Unresolved if candidates.is_empty() => {
            "unresolved: no reference of the list matches".to_string()
        }
        Status::Unresolved => {
            format!("unresolved, no exact match; candidates:\n{}", describe(candidates))
        }
    };
    for note in notes {
        let _ = write!(title, "\nmismatch: {note}");
    }
    let mut class = format!("callout {}", status.as_str());
    if !notes.is_empty() {
        class.push_str(" mismatch");
    }
    let rest = format!(
        "href=\"{href}\" class=\"{class}\" data-callout=\"{callout_idx}\" title=\"{}\">",
        escape(&title)
    );
    (format!("<a id=\"{id}\" {rest}"), format!("<a {rest}"))
}

/// How a link's title names a reference: `key (line 12): Printed text…`.
fn describe_reference(document: &str, ref_idx: usize, reference: &Reference) -> String {
    const EXCERPT_CHARS: usize = 90;
    let key = if reference.key.is_empty() {
        format!("reference {}", ref_idx + 1)
    } else {
        reference.key.clone()
    };
    let printed = document.get(reference.span.clone()).unwrap_or_default();
    let printed = printed.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut excerpt: String = printed.chars().take(EXCERPT_CHARS).collect();
    if excerpt.len() < printed.len() {
        excerpt.push('…');
    }
    if excerpt.is_empty() {
        format!("{key} (line {})", reference.line)
    } else {
        format!("{key} (line {}): {excerpt}", reference.line)
    }
}

/// A block of the text: a paragraph or a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    /// `p`, `h1` … `h6`.
    tag: &'static str,
    /// What is shown: the heading's text without its `#`s.
    span: Range<usize>,
}

/// The blocks of `document`: runs of non-blank lines are paragraphs, a line
/// starting with one to six `#` and a space is a heading on its own.
fn blocks(document: &str) -> Vec<Block> {
    const HEADINGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];
    let mut out = Vec::new();
    let mut paragraph: Option<Range<usize>> = None;
    let mut start = 0;
    while start < document.len() {
        let end = document[start..].find('\n').map_or(document.len(), |i| start + i);
        let line = &document[start..end];
        let content_end = start + line.trim_end().len();
        let indent = line.len() - line.trim_start_matches(' ').len();
        let hashes = line[indent..].bytes().take_while(|&b| b == b'#').count();
        let after = &line[indent + hashes..];
        let is_heading = indent <= 3
            && (1..=6).contains(&hashes)
            && (after.is_empty() || after.starts_with([' ', '\t']));
        if (line.trim().is_empty() || is_heading)
            && let Some(span) = paragraph.take()
        {
            out.push(Block { tag: "p", span });
        }
        if is_heading {
            let text_start =
                start + indent + hashes + (after.len() - after.trim_start().len());
            out.push(Block {
                tag: HEADINGS[hashes - 1],
                span: text_start..content_end.max(text_start),
            });
        } else if !line.trim().is_empty() {
            match &mut paragraph {
                Some(span) => span.end = content_end,
                None => paragraph = Some(start + indent..content_end),
            }
        }
        start = end + 1;
    }
    if let Some(span) = paragraph {
        out.push(Block { tag: "p", span });
    }
    out
}

/// The text rendered as blocks with the marks in them.
struct Body {
    html: String,
    /// Whether callout `K`'s anchor `callout-K` is on the page.
    anchors: Vec<bool>,
}

impl Body {
    /// Renders `document` with `marks` (sorted by start). Marks are kept
    /// properly nested: where one crosses a block or another mark's end, it
    /// is closed and opened again (without its id).
    fn render(document: &str, marks: &[Mark]) -> Body {
        let n_callouts =
            marks.iter().filter_map(|m| m.anchor_of).max().map_or(0, |k| k + 1);
        let mut anchors = vec![false; n_callouts];
        let mut html = String::with_capacity(document.len() * 2);
        let mut opened = vec![false; marks.len()];
        let mut next_mark = 0;
        let mut live: Vec<usize> = Vec::new();
        for block in blocks(document) {
            let Some(_) = document.get(block.span.clone()) else { continue };
            let _ = write!(html, "<{}>", block.tag);
            // Every place inside the block where a mark starts or ends.
            let mut cuts = vec![block.span.start, block.span.end];
            // Marks that ended before this block are dropped from `live`
            // below; marks starting before it but reaching into it stay.
            while next_mark < marks.len() && marks[next_mark].span.start < block.span.end
            {
                live.push(next_mark);
                next_mark += 1;
            }
            live.retain(|&m| marks[m].span.end > block.span.start);
            for &m in &live {
                for cut in [marks[m].span.start, marks[m].span.end] {
                    if cut > block.span.start && cut < block.span.end {
                        cuts.push(cut);
                    }
                }
            }
            cuts.sort_unstable();
            cuts.dedup();
            let mut stack: Vec<usize> = Vec::new();
            for window in cuts.windows(2) {
                let segment = window[0]..window[1];
                let Some(text) = document.get(segment.clone()) else { continue };
                // `live` is in mark order (start, longer first, layer), which
                // is the nesting order.
                let wanted: Vec<usize> = live
                    .iter()
                    .copied()
                    .filter(|&m| {
                        marks[m].span.start <= segment.start
                            && marks[m].span.end >= segment.end
                    })
                    .collect();
                let common =
                    stack.iter().zip(&wanted).take_while(|(a, b)| a == b).count();
                for &m in stack[common..].iter().rev() {
                    html.push_str(marks[m].close);
                }
                for &m in &wanted[common..] {
                    if opened[m] {
                        html.push_str(&marks[m].reopen);
                    } else {
                        opened[m] = true;
                        html.push_str(&marks[m].open);
                        if let Some(k) = marks[m].anchor_of {
                            anchors[k] = true;
                        }
                    }
                }
                stack = wanted;
                html.push_str(&escape(text));
            }
            for &m in stack.iter().rev() {
                html.push_str(marks[m].close);
            }
            let _ = writeln!(html, "</{}>", block.tag);
        }
        Body { html, anchors }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::document::analyze;

    fn linked(document: &str) -> Linked {
        analyze(document, "paper.md", |entries| {
            (0..entries.len()).map(|i| format!("key{i}")).collect()
        })
        .value
    }

    fn render(document: &str) -> String {
        page(document, &linked(document), &Store::new("[auth][year]"))
    }

    #[test]
    fn escapes_the_text() {
        let document = "# A <b>bold</b> title\n\nText with <script>alert(\"x\")</script> & 'quotes'.\n";
        let html = render(document);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains(
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"
        ));
        assert!(html.contains("<h1>A &lt;b&gt;bold&lt;/b&gt; title</h1>"), "{html}");
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn escape_replaces_forbidden_controls() {
        assert_eq!(escape("a\0b\tc\u{1}"), "a\u{FFFD}b\tc\u{FFFD}");
    }

    #[test]
    fn source_links_are_web_addresses() {
        assert_eq!(encode_doi("10.1000/a<b>#c d"), "10.1000/a%3Cb%3E%23c%20d");
        let mut reference =
            Reference { url: Some("javascript:alert(1)".into()), ..Reference::default() };
        assert_eq!(source_link(&reference), None);
        reference.url = Some("https://example.org/a b\"".into());
        let (href, _) = source_link(&reference).unwrap();
        assert_eq!(href, "https://example.org/a%20b%22");
        reference.doi = Some("10.1/x".into());
        assert_eq!(source_link(&reference).unwrap().0, "https://doi.org/10.1/x");
    }

    #[test]
    fn document_without_references() {
        let document =
            "# Title\n\nA claim (Smith, 2020) with nothing to point at.\n\nMore text.";
        let html = render(document);
        assert!(html.contains("<section id=\"references\""));
        assert!(html.contains("no reference list"));
        assert!(!html.contains("id=\"ref-"));
        // Whatever the callout resolves to, its link points at an element of the page.
        for href in html.split("href=\"#").skip(1) {
            let id = &href[..href.find('"').unwrap()];
            assert!(html.contains(&format!("id=\"{id}\"")), "dangling #{id} in {html}");
        }
        assert!(html.contains("<p>More text.</p>"));
    }

    #[test]
    fn links_callouts_to_references() {
        let document = "# Paper\n\nPlatforms grow (Smith, 2020; Jones, 2019). \
            Wang (2018) disagrees (Brown, 2001).\n\n## References\n\n\
            Jones, A. (2019). A book. Publisher.\n\n\
            Smith, J. (2020). An article. *Journal*, 1(2), 3-4. https://doi.org/10.1234/abc\n\n\
            Unused, U. (1999). Never cited. Publisher.\n";
        let linked = linked(document);
        let html = page(document, &linked, &Store::new("[auth][year]"));
        let smith = linked.references.iter().position(|r| r.key == "key1").unwrap();
        assert_eq!(smith, 1);
        // Two items, two links; the first carries the callout's id.
        assert!(
            html.contains(
                "<a id=\"callout-0\" href=\"#ref-1\" class=\"callout resolved\""
            ),
            "{html}"
        );
        assert!(
            html.contains(
                "<a id=\"callout-0-1\" href=\"#ref-0\" class=\"callout resolved\""
            ),
            "{html}"
        );
        assert!(html.contains(">Smith, 2020</a>; <a"));
        // Unresolved callouts are highlighted and link to the list.
        assert!(html.contains("class=\"callout unresolved\""), "{html}");
        assert!(html.contains("<li id=\"ref-2\" class=\"reference uncited\""));
        assert!(
            html.contains("<a class=\"source\" href=\"https://doi.org/10.1234/abc\">")
        );
        assert!(html.contains("<a class=\"claim\" href=\"#callout-0\">Platforms grow"));
        assert!(html.contains("<h2>References</h2>"));
    }

    #[test]
    fn never_panics_on_bad_spans() {
        let document =
            "é (Smith, 2020).\n\n## References\n\nSmith, J. (2020). Title. Publisher.\n";
        let mut linked = linked(document);
        assert_eq!(linked.links.callouts.len(), 1);
        assert_eq!(linked.references.len(), 1);
        for callout in &mut linked.links.callouts {
            callout.span = 1..500;
            for item in &mut callout.items {
                item.span = 1..2;
            }
        }
        for reference in &mut linked.references {
            reference.span = 1..2;
        }
        let html = page(document, &linked, &Store::new("[auth][year]"));
        assert!(!html.contains("id=\"callout-0\""));
        assert!(!html.contains("class=\"callout"));
        // The claim is listed, without a link to an anchor that is not there.
        assert!(
            html.contains("<li><span class=\"claim\">é (Smith, 2020).</span></li>"),
            "{html}"
        );
        assert!(html.contains("<div class=\"printed\"></div>"));
    }

    #[test]
    fn marks_cross_paragraphs_without_repeating_ids() {
        let document = "one two\n\nthree four";
        let marks = vec![Mark {
            span: 4..14,
            layer: 2,
            open: "<a id=\"x\">".into(),
            reopen: "<a>".into(),
            close: "</a>",
            anchor_of: Some(0),
        }];
        let body = Body::render(document, &marks);
        assert_eq!(
            body.html,
            "<p>one <a id=\"x\">two</a></p>\n<p><a>three</a> four</p>\n"
        );
        assert_eq!(body.anchors, vec![true]);
    }

    #[test]
    fn headings_and_paragraphs() {
        let found =
            blocks("# One\ntext\nmore\n\n###### Six ##\n####### seven\n#nospace\n");
        let tags: Vec<&str> = found.iter().map(|b| b.tag).collect();
        assert_eq!(tags, ["h1", "p", "h6", "p"]);
    }
}
