//! `biblink eval refstrings`: scores the labeller on annotated corpora;
//! `eval links` and `eval attributions` score the linker on gold papers and news.
//!
//! JSON output (`--json`), one document:
//!
//! ```json
//! {"version": "1", "files": ["cora-dev.jsonl"],
//!  "overall": {"references": 367, "all_correct": 0.81, "macro_f1": 0.9,
//!              "micro": {"precision": 0.97, "recall": 0.97, "f1": 0.97, "support": 2000},
//!              "labels": {"author": {"precision": 0.99, "recall": 0.99, "f1": 0.99,
//!                                    "acc": 0.99, "support": 360, "tp": 357, "fp": 3, "fn": 3}}},
//!  "by_corpus": {"cora": {...same shape...}},
//!  "timing": {"references": 367, "seconds": 0.02, "references_per_second": 18000.0}}
//! ```
//!
//! Figures are fractions (0 to 1), as the official scorer's `--json` writes
//! them; `by_corpus` is present with `--by-corpus`.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use biblink::reflist::eval::{self, Evaluation, Item, Scores};
use biblink::reflist::label::{self, Label};
use indexmap::IndexMap;
use serde_json::{Value as Json, json};

use super::Context;
use super::args::EvalTarget;
use super::exit::ExitCode;

/// Runs `biblink eval`.
pub fn run(context: &Context, target: &EvalTarget) -> Result<ExitCode, String> {
    match target {
        EvalTarget::Refstrings { files, predictions, by_corpus, bench } => {
            refstrings(context, files, predictions.as_ref(), *by_corpus, *bench)
        }
        EvalTarget::Links { dir, problems } => links(context, dir, *problems),
        EvalTarget::Matching { dir } => matching(context, dir),
        EvalTarget::Attributions { gold, documents, problems } => {
            attributions(context, gold, documents, *problems)
        }
        EvalTarget::Jats { dir, gold, problems } => {
            jats(context, dir, gold.as_deref(), *problems)
        }
    }
}

/// `biblink eval links DIR`.
fn links(
    context: &Context,
    dir: &std::path::Path,
    problems: bool,
) -> Result<ExitCode, String> {
    let mut papers: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("gold.json").is_file() && p.join("paper.md").is_file())
        .collect();
    papers.sort();
    if papers.is_empty() {
        return Err(format!(
            "{}: no <paper>/paper.md with gold.json in it",
            dir.display()
        ));
    }
    let mut report = biblink::link::eval::Report::default();
    let started = Instant::now();
    for paper in &papers {
        let id = paper
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let read = |name: &str| {
            std::fs::read_to_string(paper.join(name))
                .map_err(|e| format!("{}: {e}", paper.join(name).display()))
        };
        report.papers.push(biblink::link::eval::score_paper(
            &id,
            &read("paper.md")?,
            &read("gold.json")?,
        )?);
    }
    let seconds = started.elapsed().as_secs_f64();
    let (callouts, groups) = report.total();
    if context.json {
        let counts = |c: &biblink::link::eval::Counts| {
            json!({"gold": c.gold, "found": c.found, "matched": c.matched, "linked": c.linked,
                   "precision": c.precision(), "recall": c.recall(), "f1": c.f1(), "accuracy": c.accuracy()})
        };
        let per_paper: Vec<Json> = report
            .papers
            .iter()
            .map(|p| {
                let mut j = json!({"id": p.id, "callouts": counts(&p.callouts), "groups": counts(&p.groups)});
                if problems {
                    j["problems"] = json!(p.problems);
                }
                j
            })
            .collect();
        super::output::print_json(&json!({
            "papers": per_paper,
            "callouts": counts(&callouts),
            "groups": counts(&groups),
            "seconds": seconds,
        }));
    } else {
        print!("{}", report.render());
        if problems {
            for paper in &report.papers {
                for problem in &paper.problems {
                    println!("{}: {problem}", paper.id);
                }
            }
        }
        let (found, same) = report
            .papers
            .iter()
            .fold((0, 0), |(f, s), p| (f + p.sentences.0, s + p.sentences.1));
        println!(
            "sentences: {same} of {found} found callouts carry the gold's sentence ({:.3}; the gold's splitter is heuristic)",
            if found == 0 { 1.0 } else { same as f64 / found as f64 }
        );
        println!(
            "callouts: F1 {:.4}, linking accuracy {:.4}; groups: F1 {:.4}, linking accuracy {:.4} ({} papers, {:.2} s)",
            callouts.f1(),
            callouts.accuracy(),
            groups.f1(),
            groups.accuracy(),
            report.papers.len(),
            seconds
        );
    }
    Ok(ExitCode::Success)
}

/// `biblink eval matching DIR`.
fn matching(context: &Context, dir: &std::path::Path) -> Result<ExitCode, String> {
    use biblink::model::{Entry, Name, Value as V};
    let mut papers: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("gold.json").is_file())
        .collect();
    papers.sort();
    let mut pairs = Vec::new();
    for paper in &papers {
        let read = |name: &str| {
            std::fs::read_to_string(paper.join(name))
                .map_err(|e| format!("{}: {e}", paper.join(name).display()))
        };
        let text = read("paper.md")?;
        let gold: Json =
            serde_json::from_str(&read("gold.json")?).map_err(|e| e.to_string())?;
        let parsed = biblink::reflist::parse_document(&text, "paper.md").value;
        let refs = gold["references"].as_array().cloned().unwrap_or_default();
        if parsed.len() != refs.len() {
            continue; // cannot pair them by position
        }
        for (p, g) in parsed.into_iter().zip(refs) {
            let mut record = Entry::new("", "article");
            let names: Vec<Name> = g["authors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| {
                    a["family"]
                        .as_str()
                        .map(|f| Name::person(f, a["given"].as_str().unwrap_or("")))
                        .or_else(|| {
                            a["collab"]
                                .as_str()
                                .or(a["literal"].as_str())
                                .map(|l| Name::Literal(l.into()))
                        })
                })
                .collect();
            if !names.is_empty() {
                record.set("author", V::Names(names), None);
            }
            if let Some(title) = g["title"].as_str().or(g["source"].as_str()) {
                record.set("title", V::Text(biblink::tex::escape(title)), None);
            }
            if let Some(year) = g["year"].as_str() {
                record.set("date", V::Text(year.into()), None);
            }
            pairs.push((p.entry, record));
        }
    }
    let m = biblink::doi::discover::measure(&pairs);
    let thresholds = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
    let rows: Vec<(f64, f64, f64)> = thresholds
        .iter()
        .map(|&t| {
            let (s, o) = m.rates(t);
            (t, s, o)
        })
        .collect();
    if context.json {
        super::output::print_json(&json!({
            "references": pairs.len(), "same": m.same.len(), "other": m.other.len(),
            "threshold": biblink::doi::discover::TITLE_THRESHOLD,
            "rates": rows.iter().map(|(t, s, o)| json!({"threshold": t, "same_accepted": s, "other_accepted": o})).collect::<Vec<_>>(),
        }));
    } else {
        println!(
            "{} references paired with their records; {} same-work pairs pass year and author",
            pairs.len(),
            m.same.len()
        );
        println!(
            "{:>9} {:>14} {:>22}",
            "threshold", "same accepted", "closest other accepted"
        );
        for (t, s, o) in rows {
            let mark = if (t - biblink::doi::discover::TITLE_THRESHOLD).abs() < 1e-9 {
                "  <- used"
            } else {
                ""
            };
            println!("{t:>9.2} {:>13.1}% {:>21.2}%{mark}", s * 100.0, o * 100.0);
        }
    }
    Ok(ExitCode::Success)
}

/// `biblink eval attributions GOLD`.
fn attributions(
    context: &Context,
    gold: &std::path::Path,
    documents: &std::path::Path,
    problems: bool,
) -> Result<ExitCode, String> {
    let text =
        std::fs::read_to_string(gold).map_err(|e| format!("{}: {e}", gold.display()))?;
    let documents = if documents.is_absolute() {
        documents.to_path_buf()
    } else {
        context.root.join(documents)
    };
    let report = biblink::link::attrib_eval::evaluate(&text, |seed| {
        std::fs::read_to_string(documents.join(seed)).ok()
    })
    .map_err(|e| format!("{}: {e}", gold.display()))?;
    let overall = report.overall();
    if context.json {
        let counts = |c: &biblink::link::attrib_eval::Counts| {
            json!({"gold": c.gold, "found": c.found, "matched": c.matched,
                   "precision": c.precision(), "recall": c.recall(), "f1": c.f1()})
        };
        let docs: Vec<Json> = report
            .documents
            .iter()
            .map(|d| json!({"document": d.seed, "named": counts(&d.named), "all": counts(&d.all),
                            "source_accuracy": d.source_accuracy()}))
            .collect();
        super::output::print_json(&json!({
            "documents": docs,
            "named": counts(&overall.named),
            "all": counts(&overall.all),
            "source_accuracy": overall.source_accuracy(),
        }));
    } else {
        print!("{}", report.render());
        if problems {
            print!("{}", report.render_problems());
        }
    }
    Ok(ExitCode::Success)
}

fn refstrings(
    context: &Context,
    files: &[PathBuf],
    predictions_out: Option<&PathBuf>,
    by_corpus: bool,
    bench: bool,
) -> Result<ExitCode, String> {
    let mut items: Vec<Item> = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("{}: {error}", path.display()))?;
        let read = eval::read_items(&text).map_err(|error| {
            format!("{}:{}: {}", path.display(), error.line, error.message)
        })?;
        items.extend(read);
    }
    if label::builtin().is_none() {
        return Err("the built-in labeller model is damaged".into());
    }

    // Time the labelling alone (one thread): segments, then fields.
    let started = Instant::now();
    let mut predictions: Vec<IndexMap<Label, String>> =
        items.iter().map(|item| eval::predict(&item.text)).collect();
    let mut elapsed = started.elapsed();
    let mut labelled = items.len();
    if bench {
        while elapsed < Duration::from_secs(2) && !items.is_empty() {
            let round = Instant::now();
            predictions = items.iter().map(|item| eval::predict(&item.text)).collect();
            elapsed += round.elapsed();
            labelled += items.len();
        }
    }
    let seconds = elapsed.as_secs_f64();
    let per_second = if seconds > 0.0 { labelled as f64 / seconds } else { 0.0 };

    if let Some(path) = predictions_out {
        let mut out = String::new();
        for (item, predicted) in items.iter().zip(&predictions) {
            out.push_str(&eval::prediction_json(&item.id, predicted));
            out.push('\n');
        }
        std::fs::write(path, out)
            .map_err(|error| format!("{}: {error}", path.display()))?;
    }

    let evaluation = eval::evaluate(&items, &predictions);
    let mut stdout = std::io::stdout().lock();
    let written = if context.json {
        let document = json!({
            "version": biblink::DATA_MODEL_VERSION,
            "files": files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "overall": scores_json(&evaluation.overall),
            "by_corpus": if by_corpus { by_corpus_json(&evaluation) } else { Json::Null },
            "timing": {"references": labelled, "seconds": seconds, "references_per_second": per_second},
        });
        writeln!(stdout, "{document}")
    } else {
        let timing = format!(
            "labelled {labelled} references in {seconds:.3} s: {per_second:.0} references/s on one core\n"
        );
        write!(stdout, "{}{timing}", evaluation.render(by_corpus))
    };
    match written {
        Ok(()) => Ok(ExitCode::Success),
        // A closed pipe (`| head`) is not an error.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(ExitCode::Success)
        }
        Err(error) => Err(format!("writing the report: {error}")),
    }
}

fn by_corpus_json(evaluation: &Evaluation) -> Json {
    let map: serde_json::Map<String, Json> = evaluation
        .by_corpus
        .iter()
        .map(|(corpus, scores)| (corpus.clone(), scores_json(scores)))
        .collect();
    Json::Object(map)
}

fn scores_json(scores: &Scores) -> Json {
    let labels: serde_json::Map<String, Json> = scores
        .labels
        .iter()
        .map(|(label, counts)| {
            let acc = if counts.n > 0 { counts.agree as f64 / counts.n as f64 } else { 0.0 };
            (
                label.name().to_string(),
                json!({
                    "precision": counts.precision(), "recall": counts.recall(), "f1": counts.f1(),
                    "acc": acc, "support": counts.support,
                    "tp": counts.tp, "fp": counts.fp, "fn": counts.fn_,
                }),
            )
        })
        .collect();
    let micro = scores.micro();
    let all_correct = if scores.references > 0 {
        scores.all_correct as f64 / scores.references as f64
    } else {
        0.0
    };
    json!({
        "references": scores.references,
        "all_correct": all_correct,
        "macro_f1": scores.macro_f1(),
        "micro": {"precision": micro.precision(), "recall": micro.recall(), "f1": micro.f1(), "support": micro.support},
        "labels": labels,
    })
}

/// `biblink eval jats DIR`: the JATS reader against the gold papers.
fn jats(
    context: &Context,
    dir: &std::path::Path,
    gold: Option<&std::path::Path>,
    problems: bool,
) -> Result<ExitCode, String> {
    let gold_dir = gold.map(PathBuf::from).unwrap_or_else(|| dir.join("../papers"));
    let mut articles: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(p.extension().and_then(|e| e.to_str()), Some("xml" | "nxml"))
        })
        .collect();
    articles.sort();
    let started = Instant::now();
    let mut scores = Vec::new();
    for article in &articles {
        let id = article
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let gold_file = gold_dir.join(&id).join("gold.json");
        if !gold_file.is_file() {
            continue;
        }
        let read = |p: &std::path::Path| {
            std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
        };
        scores.push(biblink::jats::eval::score_article(
            &id,
            &read(article)?,
            &read(&gold_file)?,
        )?);
    }
    if scores.is_empty() {
        return Err(format!(
            "{}: no <id>.xml with {}/<id>/gold.json",
            dir.display(),
            gold_dir.display()
        ));
    }
    let seconds = started.elapsed().as_secs_f64();
    let (values, callouts) = biblink::jats::eval::totals(&scores);
    if context.json {
        let per: Vec<Json> = scores
            .iter()
            .map(|s| {
                let mut j = json!({"id": s.id, "values": {"equal": s.values.0, "total": s.values.1},
                    "callouts": {"reproduced": s.callouts.0, "gold": s.callouts.1, "found": s.callouts.2}});
                if problems {
                    j["problems"] = json!(s.problems);
                }
                j
            })
            .collect();
        super::output::print_json(&json!({
            "articles": per, "values_equal": values, "callouts_reproduced": callouts, "seconds": seconds,
        }));
    } else {
        print!("{}", biblink::jats::eval::render(&scores, seconds));
        if problems {
            for s in &scores {
                for problem in &s.problems {
                    println!("{}: {problem}", s.id);
                }
            }
        }
    }
    Ok(ExitCode::Success)
}
