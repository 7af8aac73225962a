//! `biblink resolve`: DOI metadata from the registries into the store.

use std::io::IsTerminal;
use std::time::Duration;

use biblink::doi::Doi;
use biblink::doi::cache::Cache;
use biblink::doi::discover;
use biblink::doi::http::{Client, ClientConfig, FetchError, Fetched, Source};
use biblink::doi::map;
use biblink::doi::merge::{Change, merge};
use biblink::model::{Entry, Name, Value};
use serde_json::{Value as Json, json};

use super::output::print_json;
use super::{Context, ExitCode};

/// Options of `biblink resolve`.
pub struct Options<'a> {
    pub keys: &'a [String],
    pub prefer_remote: bool,
    pub find_missing: bool,
    pub offline: bool,
    pub refresh: bool,
    pub concurrency: Option<usize>,
    pub timeout: Option<u64>,
}

/// What became of one entry.
struct Outcome {
    key: String,
    doi: String,
    /// `unchanged`, `updated`, `not found`, `failed`, `malformed`.
    status: &'static str,
    reason: Option<String>,
    changes: Vec<Change>,
}

/// The client configuration: defaults, then biblink.toml, then the environment.
pub fn client_config(context: &Context, options: &Options) -> ClientConfig {
    let mut config = ClientConfig::default();
    let file = &context.config.resolve;
    if let Some(v) = &file.resolver {
        config.resolver = v.clone();
    }
    if let Some(v) = &file.crossref_api {
        config.crossref_api = v.clone();
    }
    if let Some(v) = &file.datacite_api {
        config.datacite_api = v.clone();
    }
    if let Some(v) = &file.mailto {
        config.mailto = Some(v.clone());
    }
    if let Some(v) = file.timeout_seconds {
        config.timeout = Duration::from_secs(v);
    }
    let file_dir = file.cache_dir.as_ref().map(|d| context.root.join(d));
    config.apply_env();
    if config.cache.is_none() {
        config.cache = file_dir.map(Cache::new).or_else(Cache::user_default);
    }
    if let Some(t) = options.timeout {
        config.timeout = Duration::from_secs(t);
    }
    config.concurrency = options.concurrency.or(config.concurrency);
    config.offline = options.offline;
    config.refresh = options.refresh;
    config
}

pub fn run(context: &Context, options: &Options) -> Result<ExitCode, String> {
    let (_lock, mut store) = context.lock_and_load()?;
    let client =
        Client::new(client_config(context, options)).map_err(|e| e.to_string())?;
    // The entries asked for: the KEYS given, else every entry with a DOI.
    let mut selected: Vec<usize> = Vec::new();
    for key in options.keys {
        match store.entries().iter().position(|e| &e.key == key) {
            Some(i) => selected.push(i),
            None => {
                return Err(format!(
                    "no entry with key '{key}' in {}",
                    context.store_dir.display()
                ));
            }
        }
    }
    if options.keys.is_empty() {
        selected = (0..store.entries().len())
            .filter(|&i| store.entries()[i].text("doi").is_some() || options.find_missing)
            .collect();
    }
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut requests: Vec<(usize, Doi)> = Vec::new();
    for &i in &selected {
        let entry = &store.entries()[i];
        let Some(raw) = entry.text("doi") else { continue };
        match Doi::parse(raw) {
            Ok(doi) => requests.push((i, doi)),
            Err(error) => {
                let at = entry
                    .fields
                    .get("doi")
                    .and_then(|f| f.origin)
                    .and_then(|o| {
                        entry
                            .sources
                            .get(o.source)
                            .map(|s| format!("{}:{}", s.file, o.line_start))
                    })
                    .unwrap_or_else(|| "refs/references.bib".to_string());
                outcomes.push(Outcome {
                    key: entry.key.clone(),
                    doi: raw.to_string(),
                    status: "malformed",
                    reason: Some(format!("{at}: malformed DOI: {error}")),
                    changes: Vec::new(),
                });
            }
        }
    }
    let bar = progress(context, requests.len() as u64);
    let dois: Vec<String> =
        requests.iter().map(|(_, d)| d.as_str().to_string()).collect();
    // Each answer is mapped on the worker that fetched it, in parallel; the
    // merge into the store then runs in input order.
    // The entry merged with its answer and the changes, worked out on the
    // worker that fetched the answer (the store is only read meanwhile).
    type Merged = Result<(Entry, Vec<Change>), FetchError>;
    let merged: Vec<std::sync::Mutex<Option<Merged>>> =
        dois.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let entries = store.entries();
    client.fetch_each(&dois, |n, result| {
        let outcome = result.and_then(|fetched| {
            let remote = remote_entry(&fetched)?;
            let years = map::publication_years(&fetched.json);
            let mut local = entries[requests[n].0].clone();
            let changes = merge(&mut local, &remote, &years, options.prefer_remote);
            Ok((local, changes))
        });
        if let Some(slot) = merged.get(n)
            && let Ok(mut slot) = slot.lock()
        {
            *slot = Some(outcome);
        }
        bar.inc(1);
    });
    bar.finish_and_clear();
    let mut changed = false;
    for ((i, doi), slot) in requests.iter().zip(merged) {
        let key = store.entries()[*i].key.clone();
        let result = slot
            .into_inner()
            .ok()
            .flatten()
            .unwrap_or_else(|| Err(FetchError::Network("no answer".into())));
        let outcome = match result {
            Ok((entry, changes)) => {
                let touched = changes.iter().any(|c| c.kind != "conflict");
                if touched {
                    store.update_entry(*i, |stored| *stored = entry);
                }
                changed |= touched;
                Outcome {
                    key,
                    doi: doi.as_str().to_string(),
                    status: if touched { "updated" } else { "unchanged" },
                    reason: None,
                    changes,
                }
            }
            Err(error) => Outcome {
                key,
                doi: doi.as_str().to_string(),
                status: if matches!(error, FetchError::NotFound) {
                    "not found"
                } else {
                    "failed"
                },
                reason: Some(error.to_string()),
                changes: Vec::new(),
            },
        };
        outcomes.push(outcome);
    }
    if options.find_missing {
        let missing: Vec<usize> = selected
            .iter()
            .copied()
            .filter(|&i| store.entries()[i].text("doi").is_none())
            .collect();
        for i in missing {
            let outcome = find_doi(&client, &mut store, i);
            changed |= outcome.status == "updated";
            outcomes.push(outcome);
        }
    }
    if changed {
        store.save(&context.store_dir).map_err(|e| e.to_string())?;
    }
    report(context, &outcomes);
    let failed = outcomes
        .iter()
        .any(|o| !matches!(o.status, "updated" | "unchanged" | "no match"));
    Ok(if failed { ExitCode::Findings } else { ExitCode::Success })
}

/// Looks for the DOI of the entry at `i` with Crossref's bibliographic
/// search; takes the best candidate only when [`Score::accepted`].
fn find_doi(client: &Client, store: &mut biblink::store::Store, i: usize) -> Outcome {
    let entry = &store.entries()[i];
    let key = entry.key.clone();
    let mut query = discover::full_title(entry);
    if let Some(Value::Names(names)) = entry.fields.get("author").map(|f| &f.value)
        && let Some(Name::Person { family, .. } | Name::Literal(family)) = names.first()
    {
        query.push(' ');
        query.push_str(&biblink::tex::to_plain(family, false));
    }
    if let Some(year) = entry.year() {
        query.push_str(&format!(" {year}"));
    }
    let items = match client.search(query.trim(), 5) {
        Ok(items) => items,
        Err(error) => {
            return Outcome {
                key,
                doi: String::new(),
                status: "failed",
                reason: Some(format!("search: {error}")),
                changes: Vec::new(),
            };
        }
    };
    let mut scored: Vec<(discover::Score, Entry)> = items
        .iter()
        .filter_map(|item| map::entry_from_crossref(item).ok())
        .map(|candidate| (discover::score(entry, &candidate), candidate))
        .collect();
    scored.sort_by(|a, b| b.0.title.total_cmp(&a.0.title));
    match scored.first() {
        Some((score, candidate)) if score.accepted() => {
            let doi = candidate.text("doi").unwrap_or_default().to_string();
            let value = Value::Text(doi.clone());
            store.update_entry(i, |e| e.set("doi", value, None));
            Outcome {
                key,
                doi: doi.clone(),
                status: "updated",
                reason: None,
                changes: vec![Change {
                    field: "doi".into(),
                    kind: "filled",
                    local: String::new(),
                    remote: format!(
                        "{doi} (title similarity {:.2}, year and first author agree)",
                        score.title
                    ),
                }],
            }
        }
        _ => Outcome {
            key,
            doi: String::new(),
            status: "no match",
            reason: None,
            changes: scored
                .iter()
                .take(3)
                .map(|(score, candidate)| Change {
                    field: "doi".into(),
                    kind: "candidate",
                    local: String::new(),
                    remote: format!(
                        "{} '{}' (title similarity {:.2}{}{})",
                        candidate.text("doi").unwrap_or(""),
                        discover::full_title(candidate).trim(),
                        score.title,
                        if score.year { "" } else { ", other year" },
                        if score.author { "" } else { ", other first author" },
                    ),
                })
                .collect(),
        },
    }
}

/// The entry a registry's answer describes.
pub fn remote_entry(fetched: &Fetched) -> Result<Entry, FetchError> {
    let mapped = match fetched.source {
        Source::CrossrefRest => map::entry_from_crossref(&fetched.json),
        Source::DataCite => map::entry_from_datacite(&fetched.json),
        Source::ContentNegotiation => map::entry_from_csl(&fetched.json),
    };
    mapped.map_err(|e| FetchError::Malformed(e.to_string()))
}

pub fn progress(context: &Context, n: u64) -> indicatif::ProgressBar {
    if context.quiet || context.json || !std::io::stderr().is_terminal() || n < 2 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} DOIs {elapsed_precise} (eta {eta})",
    ) {
        bar.set_style(style);
    }
    bar
}

fn report(context: &Context, outcomes: &[Outcome]) {
    let count = |status: &str| outcomes.iter().filter(|o| o.status == status).count();
    let conflicts: usize = outcomes
        .iter()
        .map(|o| o.changes.iter().filter(|c| c.kind == "conflict").count())
        .sum();
    let resolved = count("updated") + count("unchanged");
    if context.json {
        let entries: Vec<Json> = outcomes
            .iter()
            .map(|o| {
                json!({
                    "key": o.key, "doi": o.doi, "status": o.status, "reason": o.reason,
                    "changes": o.changes.iter().map(|c| json!({
                        "field": c.field, "kind": c.kind, "local": c.local, "remote": c.remote,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        print_json(&json!({
            "summary": {
                "resolved": resolved, "unchanged": count("unchanged"), "updated": count("updated"),
                "conflicts": conflicts, "not_found": count("not found"),
                "no_doi_found": count("no match"),
                "failed": count("failed") + count("malformed"),
            },
            "entries": entries,
        }));
        return;
    }
    for o in outcomes {
        for c in &o.changes {
            let line = match c.kind {
                "filled" => format!("{}: filled {} = {}", o.key, c.field, c.remote),
                "candidate" => {
                    format!("{}: candidate DOI (not applied): {}", o.key, c.remote)
                }
                "conflict" => format!(
                    "{}: conflict in {}: stored '{}', {} says '{}' (kept; --prefer remote takes theirs)",
                    o.key, c.field, c.local, o.doi, c.remote
                ),
                kind => format!(
                    "{}: {kind} {}: '{}' -> '{}'",
                    o.key, c.field, c.local, c.remote
                ),
            };
            if !context.quiet || c.kind == "conflict" {
                println!("{line}");
            }
        }
        if let Some(reason) = &o.reason {
            eprintln!("{} {}: {reason}", o.key, o.doi);
        }
    }
    eprintln!(
        "{} resolved ({} unchanged, {} updated), {conflicts} conflicts, {} not found, {} failed",
        resolved,
        count("unchanged"),
        count("updated"),
        count("not found"),
        count("failed") + count("malformed"),
    );
}
