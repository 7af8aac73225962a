//! `biblink claims`, `link`, `cites` and `export --cited-by`: the cited
//! claims of papers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use biblink::diag::Parsed;
use biblink::link::document::{Linked, Locator, analyze};
use biblink::link::sources::{find_source, propose_source};
use biblink::link::{Callout, Status};
use biblink::model::Entry;
use biblink::store::Store;
use serde_json::{Value as Json, json};

use super::output::{diagnostic_json, print_json};
use super::{Context, ExitCode};

/// The sidecar file of the store that holds every linked claim.
pub const CLAIMS_FILE: &str = "claims.jsonl";

/// A document read and linked.
pub struct Analyzed {
    /// The document's text.
    pub text: String,
    /// Its claims.
    pub linked: Parsed<Linked>,
}

/// Reads and links `path`; its references get the keys they have (or would
/// get) in `store`, which they are merged into.
pub fn analyze_path(
    context: &Context,
    path: &Path,
    store: &mut Store,
) -> Result<Analyzed, String> {
    let absolute =
        if path.is_absolute() { path.to_path_buf() } else { context.root.join(path) };
    let name = context.display_path(&absolute);
    let bytes = std::fs::read(&absolute)
        .map_err(|error| format!("{name}: cannot read: {error}"))?;
    // Offsets are into the file as it is: UTF-8 (a byte-order mark kept)
    // is read as is; anything else is decoded first.
    let decoded = biblink::decode::decode_owned(bytes, &name);
    let (text, mut diagnostics) = (decoded.value, decoded.diagnostics);
    if is_jats(path, &text) {
        let linked = biblink::jats::analyze(&text, &name, |entries: &[Entry]| {
            let (report, _) = store.import(entries.to_vec());
            report.keys
        });
        diagnostics.extend(linked.diagnostics);
        let Some(value) = linked.value else {
            // Not a readable article: nothing to link (exit 2, nothing written).
            let rendered: Vec<String> = diagnostics.iter().map(|d| d.render()).collect();
            return Err(rendered.join("\n"));
        };
        return Ok(Analyzed { text, linked: Parsed { value, diagnostics } });
    }
    let mut linked = analyze(&text, &name, |entries: &[Entry]| {
        let (report, _) = store.import(entries.to_vec());
        report.keys
    });
    diagnostics.append(&mut linked.diagnostics);
    linked.diagnostics = diagnostics;
    Ok(Analyzed { text, linked })
}

/// Whether `path` is read as a JATS XML article: `.xml`/`.nxml`, or an
/// `<article>` root whatever the name.
fn is_jats(path: &Path, text: &str) -> bool {
    let extension =
        path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    matches!(extension.as_deref(), Some("xml" | "nxml"))
        || biblink::jats::looks_like_jats(text)
}

/// A span of the document as printed: in a JATS file, tags dropped and
/// entities decoded; elsewhere the text as it is.
fn printed(document: &str, span: std::ops::Range<usize>) -> String {
    let raw = &document[span];
    if raw.contains(['<', '&']) && biblink::jats::looks_like_jats(document) {
        biblink::jats::plain_text(raw)
    } else {
        raw.to_string()
    }
}

/// The store to resolve keys against: the project's, or an empty one.
fn store_or_empty(context: &Context) -> Result<Store, String> {
    if context.store_dir.join(biblink::store::BIB_FILE).exists() {
        context.read_store()
    } else {
        Ok(Store::new(&context.config.key_pattern))
    }
}

/// Links each attributed claim of `analyzed` to the store entry of its
/// source; with `propose`, adds an inferred stub for each named source the
/// store lacks (one per source and document) and links to it. Returns the
/// keys of the stubs added.
pub fn attach_sources(
    analyzed: &mut Analyzed,
    store: &mut Store,
    propose: bool,
) -> Vec<String> {
    let linked = &mut analyzed.linked.value;
    let mut locator = Locator::new(&analyzed.text);
    let mut proposed: Vec<(String, String)> = Vec::new();
    for (i, attribution) in linked.attributions.iter().enumerate() {
        let found = find_source(attribution, store.entries()).map(|e| e.key.clone());
        let key = match found {
            Some(key) => Some(key),
            None if propose => {
                let line = locator.locate(attribution.sentence.span.start).line;
                propose_source(attribution, &linked.file, line).map(|entry| {
                    let (report, _) = store.import(vec![entry]);
                    let key = report.keys.into_iter().next().unwrap_or_default();
                    if !proposed.iter().any(|(k, _)| *k == key) {
                        proposed.push((key.clone(), attribution.source.clone()));
                    }
                    key
                })
            }
            None => None,
        };
        linked.attribution_keys[i] = key;
    }
    proposed.into_iter().map(|(key, _)| key).collect()
}

/// `biblink claims FILE`.
pub fn run_claims(
    context: &Context,
    file: &Path,
    propose: bool,
) -> Result<ExitCode, String> {
    let mut store = store_or_empty(context)?;
    let mut analyzed = analyze_path(context, file, &mut store)?;
    let proposed = attach_sources(&mut analyzed, &mut store, propose);
    if context.json {
        let mut document = claims_json(&analyzed.text, &analyzed.linked.value);
        if propose {
            document["proposed_sources"] = Json::Array(
                proposed
                    .iter()
                    .filter_map(|k| store.get(k))
                    .map(super::output::entry_json)
                    .collect(),
            );
        }
        document["diagnostics"] = Json::Array(
            analyzed.linked.diagnostics.iter().map(diagnostic_json).collect(),
        );
        print_json(&document);
        // The process exits next: freeing a large document node by node
        // costs more than the OS takes to reclaim it.
        std::mem::forget(document);
    } else {
        context.print_diagnostics(&analyzed.linked.diagnostics);
        print_claims_text(&analyzed.text, &analyzed.linked.value);
        print_summary(&analyzed.linked.value);
        if !proposed.is_empty() {
            let entries: Vec<Entry> =
                proposed.iter().filter_map(|k| store.get(k)).cloned().collect();
            println!(
                "\nProposed sources (inferred, not written; `biblink link --propose-sources` adds them):\n"
            );
            print!("{}", biblink::bib::to_bib_string(&entries));
        }
    }
    std::mem::forget(analyzed);
    std::mem::forget(store);
    Ok(ExitCode::Success)
}

/// `biblink link FILE...`: import the references, record the claims.
pub fn run_link(
    context: &Context,
    files: &[PathBuf],
    html: Option<&Path>,
    propose: bool,
) -> Result<ExitCode, String> {
    if html.is_some()
        && let Some(first) = files.first()
        && first.extension().is_some_and(|e| {
            e.eq_ignore_ascii_case("xml") || e.eq_ignore_ascii_case("nxml")
        })
    {
        // The page shows the document's text with its callouts marked; for
        // XML that would be markup. Refused before anything is written.
        return Err(format!(
            "{}: --html is made for markdown and text papers, not yet for JATS XML; run `biblink claims` on it instead",
            first.display()
        ));
    }
    let (_lock, mut store) = context.lock_and_load()?;
    let mut analyzed = Vec::new();
    let mut proposed = 0;
    for file in files {
        let mut a = analyze_path(context, file, &mut store)?;
        proposed += attach_sources(&mut a, &mut store, propose).len();
        analyzed.push(a);
    }
    if analyzed.iter().any(|a| a.linked.has_errors()) {
        for a in &analyzed {
            context.print_diagnostics(&a.linked.diagnostics);
        }
        eprintln!("errors in the input: nothing written");
        return Ok(ExitCode::Findings);
    }
    let mut claims = read_claims(&context.store_dir)?;
    for a in &analyzed {
        claims.retain(|line| line["document"] != a.linked.value.file.as_str());
        claims.extend(claim_lines(&a.text, &a.linked.value));
    }
    store.save(&context.store_dir).map_err(|e| e.to_string())?;
    write_claims(&context.store_dir, claims)?;
    if let Some(out) = html {
        let a = analyzed.first().ok_or("no document to write as HTML")?;
        let page = biblink::link::html::page(&a.text, &a.linked.value, &store);
        biblink::store::write_atomic(out, page.as_bytes()).map_err(|e| e.to_string())?;
    }
    if context.json {
        let documents: Vec<Json> = analyzed
            .iter()
            .map(|a| {
                let mut d = claims_json(&a.text, &a.linked.value);
                d["diagnostics"] = Json::Array(
                    a.linked.diagnostics.iter().map(diagnostic_json).collect(),
                );
                d
            })
            .collect();
        print_json(&json!({"documents": documents}));
    } else {
        for a in &analyzed {
            context.print_diagnostics(&a.linked.diagnostics);
            print_summary(&a.linked.value);
        }
        eprintln!(
            "{}: claims recorded{}",
            context.display_path(&context.store_dir.join(CLAIMS_FILE)),
            if proposed > 0 {
                format!("; {proposed} inferred source entries added")
            } else {
                String::new()
            }
        );
    }
    Ok(ExitCode::Success)
}

/// Records the claims of documents linked by `biblink build` (all the
/// sidecar's lines are regenerated).
pub fn write_build_claims(
    context: &Context,
    analyzed: &[Analyzed],
) -> Result<(), String> {
    let mut claims = Vec::new();
    for a in analyzed {
        claims.extend(claim_lines(&a.text, &a.linked.value));
    }
    write_claims(&context.store_dir, claims)
}

/// `biblink cites KEY`.
pub fn run_cites(context: &Context, key: &str) -> Result<ExitCode, String> {
    let store = context.read_store()?;
    let Some(entry) = store.get(key) else {
        eprintln!("error: no entry with key '{key}' in {}", context.store_dir.display());
        return Ok(ExitCode::Findings);
    };
    let source = entry
        .text("doi")
        .map(|doi| format!("https://doi.org/{doi}"))
        .or_else(|| entry.text("url").map(str::to_string));
    let claims: Vec<Json> = read_claims(&context.store_dir)?
        .into_iter()
        .filter(|line| {
            line["targets"]
                .as_array()
                .is_some_and(|targets| targets.iter().any(|t| t["key"] == key))
        })
        .collect();
    if context.json {
        print_json(&json!({"key": key, "source": source, "claims": claims}));
    } else {
        for claim in &claims {
            println!(
                "{}:{}: {}",
                claim["document"].as_str().unwrap_or(""),
                claim["line"],
                claim["sentence"]["text"].as_str().unwrap_or("")
            );
        }
        match &source {
            Some(source) => println!("source: {source}"),
            None => println!("source: (no DOI or URL)"),
        }
    }
    Ok(if claims.is_empty() { ExitCode::Findings } else { ExitCode::Success })
}

/// `biblink export --cited-by FILE`: the entries the paper cites.
pub fn run_export_cited_by(
    context: &Context,
    file: &Path,
    output: Option<&Path>,
    format: super::args::ExportFormat,
) -> Result<ExitCode, String> {
    let mut store = store_or_empty(context)?;
    let analyzed = analyze_path(context, file, &mut store)?;
    let linked = &analyzed.linked.value;
    let mut locator = Locator::new(&analyzed.text);
    let mut failed = 0;
    for callout in &linked.links.callouts {
        for item in &callout.items {
            if item.status == Status::Resolved {
                continue;
            }
            failed += 1;
            let at = locator.locate(item.span.start);
            let candidates: Vec<&str> = item
                .candidates
                .iter()
                .filter_map(|&i| linked.references.get(i))
                .map(|r| r.key.as_str())
                .collect();
            eprintln!(
                "{}:{}:{}: error: callout '{}' is {}{}",
                linked.file,
                at.line,
                at.column,
                printed(&analyzed.text, item.span.clone()),
                item.status.as_str(),
                if candidates.is_empty() {
                    String::new()
                } else {
                    format!(" (candidates: {})", candidates.join(", "))
                }
            );
        }
    }
    if failed > 0 {
        eprintln!("{failed} callout(s) resolve to no single reference: nothing written");
        return Ok(ExitCode::Findings);
    }
    let mut keys: Vec<&str> = Vec::new();
    for callout in &linked.links.callouts {
        for target in callout.targets() {
            if let Some(r) = linked.references.get(target)
                && !keys.contains(&r.key.as_str())
            {
                keys.push(&r.key);
            }
        }
    }
    keys.sort_unstable();
    let entries: Vec<Entry> = keys.iter().filter_map(|k| store.get(k)).cloned().collect();
    let text = super::export::render(format, context.json, &entries);
    match output {
        Some(path) => {
            biblink::store::write_atomic(path, text.as_bytes())
                .map_err(|e| e.to_string())?;
            if !context.quiet {
                eprintln!(
                    "{}: {} entries cited by {}",
                    path.display(),
                    entries.len(),
                    linked.file
                );
            }
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::Success)
}

fn target_json(linked: &Linked, index: usize) -> Json {
    let Some(r) = linked.references.get(index) else { return Json::Null };
    let mut t = json!({"key": r.key, "ref_index": index, "ref_line": r.line});
    if let Some(doi) = &r.doi {
        t["doi"] = Json::String(doi.clone());
    }
    if let Some(url) = &r.url {
        t["url"] = Json::String(url.clone());
    }
    t
}

fn span_json(locator: &mut Locator, text: &str, span: std::ops::Range<usize>) -> Json {
    let start = locator.locate(span.start);
    let end = locator.locate(span.end);
    json!({
        "text": text,
        "byte_start": span.start,
        "byte_end": span.end,
        "char_start": start.char_offset,
        "char_end": end.char_offset,
        "line": start.line,
        "column": start.column,
    })
}

/// One callout as JSON.
fn callout_json(
    document: &str,
    linked: &Linked,
    callout: &Callout,
    locator: &mut Locator,
) -> Json {
    let mut object = span_json(
        locator,
        &printed(document, callout.span.clone()),
        callout.span.clone(),
    );
    let sentence =
        span_json(locator, &callout.sentence.text, callout.sentence.span.clone());
    let map = object.as_object_mut().expect("object");
    map.insert("kind".into(), Json::String(callout.kind.as_str().into()));
    map.insert("status".into(), Json::String(callout.status().as_str().into()));
    map.insert(
        "targets".into(),
        Json::Array(
            callout.targets().into_iter().map(|i| target_json(linked, i)).collect(),
        ),
    );
    let candidates = callout.candidates();
    if !candidates.is_empty() {
        map.insert(
            "candidates".into(),
            Json::Array(candidates.into_iter().map(|i| target_json(linked, i)).collect()),
        );
    }
    map.insert("sentence".into(), sentence);
    if let Some(clause) = &callout.clause {
        let clause = span_json(locator, &clause.text, clause.span.clone());
        object["clause"] = clause;
    }
    let items: Vec<Json> = callout
        .items
        .iter()
        .map(|item| {
            let mut j = span_json(
                locator,
                &printed(document, item.span.clone()),
                item.span.clone(),
            );
            j["authors"] = Json::String(item.authors.clone());
            j["year"] = Json::String(item.year.clone());
            if let Some(l) = &item.locator {
                j["locator"] = Json::String(l.clone());
            }
            if let Some(p) = &item.prefix {
                j["prefix"] = Json::String(p.clone());
            }
            if item.implied {
                j["implied"] = Json::Bool(true);
            }
            j["status"] = Json::String(item.status.as_str().into());
            j["targets"] = Json::Array(
                item.targets.iter().map(|&i| target_json(linked, i)).collect(),
            );
            if !item.candidates.is_empty() {
                j["candidates"] = Json::Array(
                    item.candidates.iter().map(|&i| target_json(linked, i)).collect(),
                );
            }
            j
        })
        .collect();
    object["items"] = Json::Array(items);
    object
}

/// The whole `claims --json` document.
pub fn claims_json(document: &str, linked: &Linked) -> Json {
    let mut locator = Locator::new(document);
    let mut entries: Vec<(usize, Json, Option<usize>)> = Vec::new();
    for (i, callout) in linked.links.callouts.iter().enumerate() {
        entries.push((
            callout.span.start,
            callout_json(document, linked, callout, &mut locator),
            Some(i),
        ));
    }
    for (a, attribution) in linked.attributions.iter().enumerate() {
        let span = attribution.sentence.span.clone();
        let mut j = json!({"kind": "attribution"});
        let sentence = span_json(&mut locator, &attribution.sentence.text, span.clone());
        let at = attribution.source_span.clone().unwrap_or(span.clone());
        let head = span_json(&mut locator, &document[at.clone()], at);
        for key in
            ["text", "byte_start", "byte_end", "char_start", "char_end", "line", "column"]
        {
            j[key] = head[key].clone();
        }
        // An attributed claim is resolved when its source has a store entry.
        let linked_to = linked.attribution_keys.get(a).is_some_and(|k| k.is_some());
        j["status"] =
            Json::String(if linked_to { "resolved" } else { "unresolved" }.into());
        j["source"] = Json::String(attribution.source.clone());
        j["named"] = Json::Bool(attribution.named);
        j["speaker_type"] = Json::String(attribution.speaker_type.into());
        if let Some(cue) = &attribution.cue {
            j["cue"] = span_json(&mut locator, &document[cue.clone()], cue.clone());
        }
        if let Some(via) = &attribution.via {
            j["via"] = Json::String(via.clone());
        }
        j["quotes"] = Json::Array(
            attribution
                .quotes
                .iter()
                .map(|q| span_json(&mut locator, &document[q.clone()], q.clone()))
                .collect(),
        );
        j["sentence"] = sentence;
        j["targets"] = Json::Array(
            linked
                .attribution_keys
                .get(a)
                .and_then(|k| k.as_ref())
                .map(|key| vec![json!({"key": key})])
                .unwrap_or_default(),
        );
        entries.push((attribution.sentence.span.start, j, None));
    }
    entries.sort_by_key(|e| e.0);
    let mut position_of = BTreeMap::new();
    for (pos, (_, _, original)) in entries.iter().enumerate() {
        if let Some(original) = original {
            position_of.insert(*original, pos);
        }
    }
    let uncited: Vec<Json> =
        linked.links.uncited.iter().map(|&i| target_json(linked, i)).collect();
    let mismatches: Vec<Json> = linked
        .links
        .mismatches
        .iter()
        .map(|m| {
            json!({
                "callout": position_of.get(&m.callout),
                "key": linked.references.get(m.ref_index).map(|r| r.key.clone()),
                "ref_index": m.ref_index,
                "kind": m.kind,
                "message": m.message,
            })
        })
        .collect();
    let count = |status: Status| {
        linked.links.callouts.iter().filter(|c| c.status() == status).count()
    };
    json!({
        "document": linked.file,
        "references": linked.references.len(),
        "summary": {
            "callouts": linked.links.callouts.len(),
            "resolved": count(Status::Resolved),
            "ambiguous": count(Status::Ambiguous),
            "unresolved": count(Status::Unresolved),
            "attributions": linked.attributions.len(),
            "uncited": linked.links.uncited.len(),
            "mismatches": linked.links.mismatches.len(),
        },
        "callouts": entries.into_iter().map(|e| e.1).collect::<Vec<_>>(),
        "uncited": uncited,
        "mismatches": mismatches,
    })
}

fn print_claims_text(document: &str, linked: &Linked) {
    let mut locator = Locator::new(document);
    for callout in &linked.links.callouts {
        let at = locator.locate(callout.span.start);
        let keys: Vec<String> = callout
            .targets()
            .into_iter()
            .filter_map(|i| linked.references.get(i).map(|r| r.key.clone()))
            .collect();
        println!(
            "{}:{}:{}: {} -> {} [{}]",
            linked.file,
            at.line,
            at.column,
            printed(document, callout.span.clone()),
            if keys.is_empty() { "?".to_string() } else { keys.join(", ") },
            callout.status().as_str()
        );
        println!("    {}", callout.sentence.text);
    }
    for attribution in &linked.attributions {
        let at = locator.locate(attribution.sentence.span.start);
        println!(
            "{}:{}:{}: attributed to {}{}{}",
            linked.file,
            at.line,
            at.column,
            attribution.source,
            if attribution.named { "" } else { " (unnamed)" },
            attribution.via.as_ref().map(|v| format!(" via {v}")).unwrap_or_default()
        );
        println!("    {}", attribution.sentence.text);
    }
}

fn print_summary(linked: &Linked) {
    let callouts = &linked.links.callouts;
    let count = |status: Status| callouts.iter().filter(|c| c.status() == status).count();
    eprintln!(
        "{}: {} callouts: {} resolved, {} ambiguous, {} unresolved; {} of {} references never cited; {} mismatches; {} attributed claims",
        linked.file,
        callouts.len(),
        count(Status::Resolved),
        count(Status::Ambiguous),
        count(Status::Unresolved),
        linked.links.uncited.len(),
        linked.references.len(),
        linked.links.mismatches.len(),
        linked.attributions.len(),
    );
    for &i in &linked.links.uncited {
        if let Some(r) = linked.references.get(i) {
            eprintln!("  never cited: {} (line {})", r.key, r.line);
        }
    }
}

/// One sidecar line per claim: the callout (or attribution), its sentence
/// and the keys it cites.
fn claim_lines(document: &str, linked: &Linked) -> Vec<Json> {
    let full = claims_json(document, linked);
    let mut out = Vec::new();
    for callout in full["callouts"].as_array().into_iter().flatten() {
        let mut line = json!({
            "document": linked.file,
            "byte_start": callout["byte_start"],
            "byte_end": callout["byte_end"],
            "line": callout["line"],
            "column": callout["column"],
            "kind": callout["kind"],
            "text": callout["text"],
            "status": callout["status"],
            "targets": callout["targets"].as_array().map(|ts| ts.iter().map(|t| json!({"key": t["key"], "ref_index": t["ref_index"]})).collect::<Vec<_>>()),
            "sentence": {
                "text": callout["sentence"]["text"],
                "byte_start": callout["sentence"]["byte_start"],
                "byte_end": callout["sentence"]["byte_end"],
            },
        });
        if callout["kind"] == "attribution" {
            line["source"] = callout["source"].clone();
            line["named"] = callout["named"].clone();
        }
        out.push(line);
    }
    out
}

fn read_claims(dir: &Path) -> Result<Vec<Json>, String> {
    let path = dir.join(CLAIMS_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Vec::new());
        }
        Err(error) => return Err(format!("{}: cannot read: {error}", path.display())),
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Json = serde_json::from_str(line).map_err(|error| {
            format!(
                "{}:{}:{}: not a JSON claim ({error}); delete the file and run `biblink build` to regenerate it",
                path.display(),
                n + 1,
                error.column()
            )
        })?;
        out.push(value);
    }
    Ok(out)
}

fn write_claims(dir: &Path, mut claims: Vec<Json>) -> Result<(), String> {
    claims.sort_by(|a, b| {
        let key = |j: &Json| {
            (
                j["document"].as_str().unwrap_or("").to_string(),
                j["byte_start"].as_u64().unwrap_or(0),
            )
        };
        key(a).cmp(&key(b))
    });
    let mut text = String::new();
    for claim in &claims {
        text.push_str(&serde_json::to_string(claim).unwrap_or_default());
        text.push('\n');
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    biblink::store::write_atomic(&dir.join(CLAIMS_FILE), text.as_bytes())
        .map_err(|e| e.to_string())
}
