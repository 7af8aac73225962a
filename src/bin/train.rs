//! `biblink-train`: trains the reference-string labeller on the annotated
//! dev corpora and writes the model file that `biblink` embeds.
//!
//! ```text
//! cargo run --release --bin biblink-train -- --out models/refstrings.bin
//! cargo run --release --bin biblink-train -- --folds 5
//! ```
//!
//! Deterministic: the same corpora and options give the same bytes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use biblink::reflist::eval::{self, Item};
use biblink::reflist::label::Label;
use biblink::reflist::label::model::Model;
use biblink::reflist::label::train::{self, Example, TrainConfig};
use clap::Parser;
use indexmap::IndexMap;

/// Trains the reference-string labeller (a linear-chain CRF).
#[derive(Debug, Parser)]
#[command(
    name = "biblink-train",
    after_help = "Examples:\n  \
        biblink-train --out models/refstrings.bin   train on every dev corpus, write the model\n  \
        biblink-train --folds 5                     5-fold cross-validated figures"
)]
struct Args {
    /// The directory of the annotated corpora (*.jsonl)
    #[arg(long, value_name = "DIR", default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/refstrings"))]
    data: PathBuf,
    /// Write the model trained on every corpus here
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also print k-fold cross-validated figures (train on k-1 parts, label the k-th)
    #[arg(long, value_name = "K")]
    folds: Option<usize>,
    /// Passes over the data
    #[arg(long, default_value_t = TrainConfig::default().epochs)]
    epochs: usize,
    /// The weight table has 2^BITS buckets
    #[arg(long, default_value_t = TrainConfig::default().bits)]
    bits: u32,
    /// Seed of the example order
    #[arg(long, default_value_t = TrainConfig::default().seed)]
    seed: u64,
    /// L2 regularisation strength
    #[arg(long, default_value_t = TrainConfig::default().c2)]
    c2: f64,
    /// Initial learning rate
    #[arg(long, default_value_t = TrainConfig::default().eta)]
    eta: f64,
    /// Print per-field tables for every corpus, not only the summary
    #[arg(long)]
    by_corpus: bool,
    /// Write the cross-validated predictions here (the scorer's format)
    #[arg(long, value_name = "FILE", requires = "folds")]
    cv_predictions: Option<PathBuf>,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> Result<()> {
    let config = TrainConfig {
        bits: args.bits,
        epochs: args.epochs,
        seed: args.seed,
        c2: args.c2,
        eta: args.eta,
    };
    let items = read_corpora(&args.data)?;
    let examples: Vec<Example> = items.iter().map(to_example).collect();
    eprintln!("{} references from {}", items.len(), args.data.display());

    if let Some(k) = args.folds {
        if k < 2 {
            bail!("--folds needs at least 2 parts");
        }
        let started = Instant::now();
        let mut predictions = vec![IndexMap::new(); items.len()];
        for fold in 0..k {
            let training: Vec<Example> = examples
                .iter()
                .enumerate()
                .filter(|(i, _)| i % k != fold)
                .map(|(_, e)| e.clone())
                .collect();
            let model = train::train(&training, &config);
            for (i, item) in items.iter().enumerate().filter(|(i, _)| i % k == fold) {
                predictions[i] = eval::fields_of(&item.text, &model.label(&item.text));
            }
            eprintln!("fold {}/{k} done", fold + 1);
        }
        if let Some(path) = &args.cv_predictions {
            let mut out = String::new();
            for (item, predicted) in items.iter().zip(&predictions) {
                out.push_str(&eval::prediction_json(&item.id, predicted));
                out.push('\n');
            }
            std::fs::write(path, out)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        let evaluation = eval::evaluate(&items, &predictions);
        println!("{k}-fold cross-validation ({:.1} s)", started.elapsed().as_secs_f64());
        print_evaluation(&evaluation, args.by_corpus);
    }

    let started = Instant::now();
    let model = train::train(&examples, &config);
    eprintln!(
        "trained on everything in {:.1} s: {model}",
        started.elapsed().as_secs_f64()
    );
    let predictions: Vec<IndexMap<Label, String>> = items
        .iter()
        .map(|item| eval::fields_of(&item.text, &model.label(&item.text)))
        .collect();
    println!("trained and scored on every dev reference");
    print_evaluation(&eval::evaluate(&items, &predictions), args.by_corpus);

    if let Some(out) = &args.out {
        let bytes = model.to_bytes();
        // Check what we write reads back before replacing the old model.
        Model::from_bytes(&bytes).context("the model just trained does not read back")?;
        std::fs::write(out, &bytes)
            .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    }
    Ok(())
}

fn print_evaluation(evaluation: &eval::Evaluation, by_corpus: bool) {
    print!("{}", evaluation.summary());
    print!("{}", evaluation.render(by_corpus));
}

/// Every `*.jsonl` of the directory, in name order.
fn read_corpora(dir: &PathBuf) -> Result<Vec<Item>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        bail!("no *.jsonl corpus in {}", dir.display());
    }
    let mut items = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        items.extend(
            eval::read_items(&text)
                .with_context(|| format!("reading {}", path.display()))?,
        );
    }
    Ok(items)
}

fn to_example(item: &Item) -> Example {
    let segments: Vec<(Option<Label>, &str)> = item
        .segments
        .iter()
        .map(|(label, text)| (label.parse::<Label>().ok(), text.as_str()))
        .collect();
    train::example(&item.text, &segments)
}
