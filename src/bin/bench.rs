//! `biblink-bench`: throughput, latency and peak memory of biblink on generated data.
//!
//! ```text
//! cargo run --release --bin biblink-bench -- [PHASE...] [--n 100000] [--paper-n 10000] [--data DIR] [--runs 3]
//! ```
//!
//! PHASE is one or more of `ris`, `import`, `load`, `bib`, `reflist`, `link`,
//! `resolve` and `check` (default: all of them; `load` reads the store `import`
//! writes, so it brings `import` along). Linking the 10,000-reference paper
//! alone, or resolving DOIs against the built-in mock server alone (build
//! the `biblink` binary first, `cargo build --release`):
//!
//! ```text
//! cargo run --release --bin biblink-bench -- link
//! cargo run --release --bin biblink-bench -- resolve
//! ```
//!
//! The workloads are written by `../shared/tools/gen_corpus.py` (override with
//! `BIBLINK_GEN_CORPUS`) into `--data` (default `./bench-data`, git-ignored) and
//! reused on later runs; only the ones the chosen phases need are generated.
//! Each measurement runs in a child process (the bench re-executes itself
//! with a hidden `--phase` argument), so that the peak resident memory of one
//! phase is not inflated by another; the figures are the best time and the
//! largest peak over `--runs` runs. The exit code is 1 when a target is
//! missed, 2 on a usage or setup error.
//!
//! Measured, against the targets of the issue (2-core machine):
//! - RIS parse throughput (`ris::parse` on the decoded text): at least 100 MB/s;
//! - import of the RIS file into an empty store, end to end (read, decode,
//!   parse, normalise, keys, merge, write `references.bib` and
//!   `provenance.jsonl`), through the library and through the `biblink import`
//!   binary when it has been built: under 3 s;
//! - load of the 100k-entry store written by the import (`Store::load`), and
//!   parse of the generated 100k-entry `.bib` (`bib::parse`): under 1 s;
//! - reference list parse (`reflist::parse_document` on a generated paper of
//!   `--paper-n` references: find the section, split it, parse every
//!   reference, build its entry), on one core: at least 20,000 references
//!   per second;
//! - linking the same paper (for 10,000 references, 30,000 citations of
//!   works in about 14,300 callouts), end to end as `biblink claims` does it
//!   (read and decode, reference list, keys from a fresh store, callouts
//!   found and resolved, their sentences, the warnings), through the library
//!   and through `biblink claims --json` when it has been built: under 1 s.
//!   The callouts found are also scored against the generator's ground truth
//!   (`--truth`, kept beside the paper as `n10000.cites.jsonl`; see
//!   `TruthScore` for the few truth lines the generator garbles): a callout
//!   is found when one starts on the line the truth gives with exactly its
//!   text, and resolved correctly when it resolved to exactly the references
//!   the truth lists;
//! - resolving DOIs with `biblink resolve` (the binary, run in a store
//!   imported from a generated `.bib` of `@article`s with DOIs
//!   `10.9999/bench.N`) against a mock Crossref started inside the bench (std
//!   only: `GET /works/{doi}` answers the recorded PLoS ONE work with the DOI
//!   replaced, after an artificial latency, with no rate-limit headers):
//!   1,000 DOIs at 20 ms per response with `--concurrency 8` and an empty
//!   cache under 5 s; then a 10,000-entry store whose cache a first run (0 ms
//!   latency, not timed) filled, re-resolved with `--offline` (after one more
//!   untimed offline run, so that the store is in its steady state) under
//!   0.5 s. Both runs must exit 0 (every DOI resolved);
//! - `biblink check` of the generated 100k-entry `.bib` (the binary, run in an
//!   empty directory, `--format json` to /dev/null: read, parse with field
//!   positions, every entry and file rule, the report): under 2 s;
//! - importing the 25 dev JATS articles of `../shared/data/jats` through
//!   the library (read, decode, XML, reference lists to entries, keys and
//!   merge into an empty store; phase `jats`): under 0.2 s in total;
//! - peak memory of every phase but the reference list's, the link's,
//!   resolve's and check's (reported only): under 10 times its input.

use std::collections::{BTreeMap, VecDeque};
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use biblink::ingest::{Ingested, ingest};
use biblink::link::Status;
use biblink::link::document::{Linked, Locator, analyze};
use biblink::model::Entry;
use biblink::store::{BIB_FILE, PROVENANCE_FILE, Store};

const RIS_MB_PER_S: f64 = 100.0;
const IMPORT_SECONDS: f64 = 3.0;
const LOAD_SECONDS: f64 = 1.0;
const MEMORY_FACTOR: f64 = 10.0;
const REFERENCES_PER_S: f64 = 20_000.0;
const LINK_SECONDS: f64 = 1.0;
const CHECK_SECONDS: f64 = 2.0;
const KEY_PATTERN: &str = biblink::bib::key::DEFAULT_PATTERN;

/// The phases that can be chosen on the command line, in the order they run.
const PHASES: [&str; 10] = [
    "ris", "import", "load", "bib", "reflist", "link", "resolve", "check", "cite", "jats",
];
/// Importing the 25 dev JATS articles (read, parse, entries, merge), in seconds.
const JATS_SECONDS: f64 = 0.2;
/// `biblink cite KEY` of one key in the store of the 100k `.bib`, in seconds.
const CITE_SECONDS: f64 = 0.1;
const RESOLVE_SECONDS: f64 = 5.0;
const RESOLVE_CACHED_SECONDS: f64 = 0.5;
/// DOIs resolved over the network, and entries re-resolved from the cache.
const RESOLVE_N: usize = 1_000;
const RESOLVE_CACHED_N: usize = 10_000;
/// The mock's latency per response, in milliseconds.
const RESOLVE_LATENCY_MS: u64 = 20;
const RESOLVE_CONCURRENCY: &str = "8";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("--phase") {
        run_phase(&args[1..]).map(|()| ExitCode::SUCCESS)
    } else {
        Options::parse(&args).and_then(|options| run(&options))
    };
    result.unwrap_or_else(|message| {
        eprintln!("biblink-bench: error: {message}");
        ExitCode::from(2)
    })
}

struct Options {
    n_records: usize,
    /// References in the generated paper.
    n_references: usize,
    data_dir: PathBuf,
    runs: usize,
    /// The phases to run, a subset of [`PHASES`] in its order.
    phases: Vec<&'static str>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            n_records: 100_000,
            n_references: 10_000,
            data_dir: PathBuf::from("bench-data"),
            runs: 3,
            phases: Vec::new(),
        };
        let mut chosen: Vec<&str> = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next().cloned().ok_or_else(|| format!("{name} needs a value"))
            };
            match arg.as_str() {
                "--n" => {
                    let text = value("--n")?;
                    options.n_records = parse_count(&text)
                        .ok_or_else(|| format!("--n: '{text}' is not a count"))?;
                }
                "--paper-n" => {
                    let text = value("--paper-n")?;
                    options.n_references = parse_count(&text)
                        .ok_or_else(|| format!("--paper-n: '{text}' is not a count"))?;
                }
                "--data" => options.data_dir = PathBuf::from(value("--data")?),
                "--runs" => {
                    let text = value("--runs")?;
                    options.runs = text
                        .parse()
                        .ok()
                        .filter(|&runs| runs > 0)
                        .ok_or_else(|| format!("--runs: '{text}' is not a count"))?;
                }
                "-h" | "--help" => {
                    println!(
                        "usage: biblink-bench [PHASE...] [--n 100000] [--paper-n 10000] [--data DIR] [--runs 3]\n\n\
                         PHASE: ris, import, load, bib, reflist, link, resolve, check, cite, jats or all (the default).\n\n\
                         Generates (or reuses) the RIS, .bib and paper workloads in DIR\n\
                         (default ./bench-data) with ../shared/tools/gen_corpus.py, then\n\
                         reports RIS parse throughput, import and load times, reference\n\
                         list parse rate, linking time and agreement with the generator's\n\
                         citation ground truth, `biblink resolve` against a local mock,\n\
                         and peak memory against the targets.\n\
                         Build with --release."
                    );
                    std::process::exit(0);
                }
                "all" => chosen.extend(PHASES),
                phase if PHASES.contains(&phase) => chosen.push(phase),
                other => return Err(format!("unknown argument '{other}' (try --help)")),
            }
        }
        if chosen.is_empty() {
            chosen.extend(PHASES);
        }
        // The store `load` reads is the one `import` writes.
        if chosen.contains(&"load") {
            chosen.push("import");
        }
        options.phases =
            PHASES.into_iter().filter(|phase| chosen.contains(phase)).collect();
        Ok(options)
    }

    fn wants(&self, phase: &str) -> bool {
        self.phases.contains(&phase)
    }
}

/// `100000`, `100k` or `1m`.
fn parse_count(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let (digits, factor) = match lower.as_bytes().last()? {
        b'k' => (&lower[..lower.len() - 1], 1_000),
        b'm' => (&lower[..lower.len() - 1], 1_000_000),
        _ => (lower.as_str(), 1),
    };
    digits.parse::<usize>().ok().map(|n| n * factor).filter(|&n| n > 0)
}

/// What one child process reported.
#[derive(Debug, Default, Clone)]
struct Measure {
    /// The phase's own timing (not counting process start), or the wall time of the CLI.
    seconds: f64,
    /// CPU time (user + system, all threads) over the same span: on a busy
    /// machine, the part of the wall time that was actually spent working.
    cpu_seconds: f64,
    /// Sub-steps, in order.
    steps: Vec<(String, f64)>,
    /// Peak resident set size in bytes.
    peak_bytes: u64,
    /// Other facts (`entries 99751`).
    facts: Vec<(String, String)>,
    /// The time of every run, in order (filled in by [`best_of`]).
    all_seconds: Vec<f64>,
}

/// Every measurement of one bench run; a phase not chosen stays `None`.
#[derive(Default)]
struct Measures {
    ris_parse: Option<Measure>,
    import_lib: Option<Measure>,
    import_cli: Option<Measure>,
    import_store: Option<PathBuf>,
    load: Option<Measure>,
    bib_parse: Option<Measure>,
    reflist_parse: Option<Measure>,
    link_lib: Option<Measure>,
    link_cli: Option<Measure>,
    /// `biblink resolve` of [`RESOLVE_N`] DOIs, empty cache, mock latency.
    resolve_fresh: Option<Measure>,
    /// `biblink resolve --offline` of [`RESOLVE_CACHED_N`] entries, cache full.
    resolve_cached: Option<Measure>,
    /// Size of the generated `.bib` of each resolve workload.
    resolve_bytes: (u64, u64),
    /// `biblink check` of the generated `.bib`.
    check_cli: Option<Measure>,
    /// `biblink cite KEY` in the store imported from the generated `.bib`.
    cite_cli: Option<Measure>,
    /// Importing the dev JATS articles through the library.
    jats_lib: Option<Measure>,
}

fn run(options: &Options) -> Result<ExitCode, String> {
    if cfg!(debug_assertions) {
        eprintln!(
            "biblink-bench: warning: this is a debug build; run `cargo run --release --bin biblink-bench`"
        );
    }
    let inputs = Inputs::prepare(options)?;
    let scratch = tempfile::Builder::new()
        .prefix("biblink-bench-")
        .tempdir()
        .map_err(|error| format!("temporary directory: {error}"))?;
    let measures = measure_all(options, &inputs, scratch.path())?;
    let (report, all_pass) = report(options, &inputs, &measures)?;
    print!("{report}");
    Ok(if all_pass { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Runs every chosen phase `--runs` times.
fn measure_all(
    options: &Options,
    inputs: &Inputs,
    scratch: &Path,
) -> Result<Measures, String> {
    let runs = options.runs;
    let cli_binary = cli_binary();
    let mut measures = Measures::default();
    if let Some(ris) = &inputs.ris {
        let ris_path = &ris.path;
        let ris = ris.path.display().to_string();
        if options.wants("ris") {
            eprintln!("measuring RIS parse ...");
            measures.ris_parse = Some(best_of(runs, || run_child(&["ris-parse", &ris]))?);
        }
        if options.wants("import") {
            eprintln!("measuring import through the library ...");
            let mut import_store = PathBuf::new();
            measures.import_lib = Some(best_of(runs, || {
                let store = fresh_dir(scratch, "lib-store")?;
                let measure = run_child(&["import", &ris, &store.display().to_string()])?;
                import_store = store;
                Ok(measure)
            })?);
            measures.import_store = Some(import_store);
            if let Some(binary) = &cli_binary {
                eprintln!("measuring `{} import` ...", binary.display());
                measures.import_cli = Some(best_of(runs, || {
                    let store = fresh_dir(scratch, "cli-store")?;
                    run_cli_import(binary, ris_path, &store)
                })?);
            }
        }
    }
    if let (true, Some(store)) = (options.wants("load"), &measures.import_store) {
        eprintln!("measuring store load ...");
        let store_arg = store.display().to_string();
        measures.load = Some(best_of(runs, || run_child(&["load", &store_arg]))?);
    }
    if let (true, Some(bib)) = (options.wants("bib"), &inputs.bib) {
        eprintln!("measuring .bib parse ...");
        let bib = bib.path.display().to_string();
        measures.bib_parse = Some(best_of(runs, || run_child(&["bib-parse", &bib]))?);
    }
    if let Some(paper) = &inputs.paper {
        let paper_path = &paper.path;
        let paper = paper.path.display().to_string();
        if options.wants("reflist") {
            eprintln!("measuring reference list parse ...");
            measures.reflist_parse =
                Some(best_of(runs, || run_child(&["reflist-parse", &paper]))?);
        }
        if let (true, Some(truth)) = (options.wants("link"), &inputs.truth) {
            eprintln!("measuring linking through the library ...");
            let truth = truth.display().to_string();
            measures.link_lib =
                Some(best_of(runs, || run_child(&["link", &paper, &truth]))?);
            if let Some(binary) = &cli_binary {
                eprintln!("measuring `{} claims --json` ...", binary.display());
                measures.link_cli = Some(best_of(runs, || {
                    let store = fresh_dir(scratch, "claims-store")?;
                    run_cli_claims(binary, paper_path, &store)
                })?);
            }
        }
    }
    if let (true, Some(binary)) = (options.wants("resolve"), &cli_binary) {
        measure_resolve(binary, runs, scratch, &mut measures)?;
    }
    if let (true, Some(binary), Some(bib)) =
        (options.wants("check"), &cli_binary, &inputs.bib)
    {
        eprintln!("measuring `{} check` ...", binary.display());
        measures.check_cli = Some(best_of(runs, || {
            let dir = fresh_dir(scratch, "check")?;
            run_cli_check(binary, &bib.path, &dir)
        })?);
    }
    if let (true, Some(binary), Some(bib)) =
        (options.wants("cite"), &cli_binary, &inputs.bib)
    {
        measures.cite_cli = Some(measure_cite(binary, runs, &bib.path, scratch)?);
    }
    if options.wants("jats") {
        eprintln!("measuring the import of the JATS articles ...");
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/jats");
        measures.jats_lib = Some(best_of(runs, || run_child(&["jats", dir]))?);
    }
    Ok(measures)
}

/// The report printed at the end, and whether every target was met.
fn report(
    options: &Options,
    inputs: &Inputs,
    measures: &Measures,
) -> Result<(String, bool), String> {
    let runs = options.runs;
    let mut report = String::new();
    let _ = writeln!(
        report,
        "\nbiblink-bench: {}; n = {}, paper of {} references, best of {runs} run(s); {} CPU(s), load average before/after: {} / {}",
        options.phases.join(", "),
        options.n_records,
        options.n_references,
        std::thread::available_parallelism().map_or(0, usize::from),
        inputs.load_average,
        load_average(),
    );
    let mut described: Vec<String> = [&inputs.ris, &inputs.bib, &inputs.paper]
        .into_iter()
        .flatten()
        .map(|workload| {
            format!("{} {}", workload.path.display(), megabytes(workload.bytes))
        })
        .collect();
    let mut store_bytes = 0;
    if let Some(store) = &measures.import_store {
        let store_bib = file_size(&store.join(BIB_FILE))?;
        let store_provenance = file_size(&store.join(PROVENANCE_FILE))?;
        store_bytes = store_bib + store_provenance;
        described.push(format!(
            "store {} (references.bib {} + provenance.jsonl {}{})",
            megabytes(store_bytes),
            megabytes(store_bib),
            megabytes(store_provenance),
            measures
                .load
                .as_ref()
                .map(|load| format!(", {} entries", fact(load, "entries")))
                .unwrap_or_default(),
        ));
    }
    let _ = writeln!(report, "inputs: {}", described.join(", "));
    let mut table = Table::default();
    let mut all_pass = true;
    let ris_bytes = inputs.ris.as_ref().map_or(0, |ris| ris.bytes);
    if let Some(ris_parse) = &measures.ris_parse {
        let ris_mb_per_s = ris_bytes as f64 / 1e6 / ris_parse.seconds;
        all_pass &= table.row(
            "RIS parse (ris::parse)",
            ris_parse,
            ris_bytes,
            format!("{ris_mb_per_s:.0} MB/s"),
            format!(">= {RIS_MB_PER_S:.0} MB/s"),
            ris_mb_per_s >= RIS_MB_PER_S,
        );
    }
    for (name, import) in [
        ("import, library (read..save)", &measures.import_lib),
        ("import, `biblink import` CLI", &measures.import_cli),
    ] {
        let Some(import) = import else { continue };
        all_pass &= table.row(
            name,
            import,
            ris_bytes,
            format!("{:.0} MB/s", ris_bytes as f64 / 1e6 / import.seconds),
            format!("< {IMPORT_SECONDS:.0} s"),
            import.seconds < IMPORT_SECONDS,
        );
    }
    if let Some(load) = &measures.load {
        all_pass &= table.row(
            "store load (Store::load)",
            load,
            store_bytes,
            format!("{:.0} MB/s", store_bytes as f64 / 1e6 / load.seconds),
            format!("< {LOAD_SECONDS:.0} s"),
            load.seconds < LOAD_SECONDS,
        );
    }
    if let (Some(bib_parse), Some(bib)) = (&measures.bib_parse, &inputs.bib) {
        all_pass &= table.row(
            ".bib parse (bib::parse)",
            bib_parse,
            bib.bytes,
            format!("{:.0} MB/s", bib.bytes as f64 / 1e6 / bib_parse.seconds),
            format!("< {LOAD_SECONDS:.0} s"),
            bib_parse.seconds < LOAD_SECONDS,
        );
    }
    let paper_bytes = inputs.paper.as_ref().map_or(0, |paper| paper.bytes);
    if let Some(reflist_parse) = &measures.reflist_parse {
        let n_references: f64 = fact(reflist_parse, "references").parse().unwrap_or(0.0);
        let references_per_s = n_references / reflist_parse.seconds;
        // The issue sets a rate for this phase, no memory bound: a paper of
        // 10,000 references is small beside the process and its parsed entries.
        all_pass &= table.row_with(
            "reference list (parse_document, 1 core)",
            reflist_parse,
            paper_bytes,
            format!("{references_per_s:.0} refs/s"),
            format!(">= {REFERENCES_PER_S:.0} refs/s"),
            references_per_s >= REFERENCES_PER_S,
            false,
        );
    }
    let n_callouts: f64 = measures
        .link_lib
        .as_ref()
        .map_or(0.0, |link| fact(link, "callouts").parse().unwrap_or(0.0));
    for (name, link) in [
        ("link (document::analyze)", &measures.link_lib),
        ("link, `biblink claims --json` CLI", &measures.link_cli),
    ] {
        let Some(link) = link else { continue };
        // A time target only, as for the reference list.
        all_pass &= table.row_with(
            name,
            link,
            paper_bytes,
            format!("{:.0} callouts/s", n_callouts / link.seconds),
            format!("< {LINK_SECONDS:.0} s"),
            link.seconds < LINK_SECONDS,
            false,
        );
    }
    if let Some(fresh) = &measures.resolve_fresh {
        all_pass &= resolve_row(
            &mut table,
            &format!(
                "resolve {RESOLVE_N} DOIs, {RESOLVE_LATENCY_MS} ms latency, --concurrency {RESOLVE_CONCURRENCY}"
            ),
            fresh,
            measures.resolve_bytes.0,
            RESOLVE_N,
            "DOIs/s",
            RESOLVE_SECONDS,
        );
    }
    if let Some(cached) = &measures.resolve_cached {
        all_pass &= resolve_row(
            &mut table,
            &format!("resolve {RESOLVE_CACHED_N} entries, fully cached (--offline)"),
            cached,
            measures.resolve_bytes.1,
            RESOLVE_CACHED_N,
            "entries/s",
            RESOLVE_CACHED_SECONDS,
        );
    }
    if let (Some(check), Some(bib)) = (&measures.check_cli, &inputs.bib) {
        all_pass &= table.row_with(
            "check, `biblink check` CLI (100k .bib)",
            check,
            bib.bytes,
            format!("{:.0} MB/s", bib.bytes as f64 / 1e6 / check.seconds),
            format!("< {CHECK_SECONDS:.0} s"),
            check.seconds < CHECK_SECONDS,
            false,
        );
    }
    if let (Some(cite), Some(bib)) = (&measures.cite_cli, &inputs.bib) {
        all_pass &= table.row_with(
            "cite, `biblink cite KEY` (apa, 100k-entry store)",
            cite,
            bib.bytes,
            format!("{:.1} ms", cite.seconds * 1000.0),
            format!("< {:.0} ms", CITE_SECONDS * 1000.0),
            cite.seconds < CITE_SECONDS,
            false,
        );
    }
    if let Some(jats) = &measures.jats_lib {
        all_pass &= table.row_with(
            &format!("jats, import of {} articles (library)", fact(jats, "articles")),
            jats,
            fact(jats, "bytes").parse().unwrap_or(1),
            format!("{} entries", fact(jats, "entries")),
            format!("< {JATS_SECONDS} s"),
            jats.seconds < JATS_SECONDS,
            false,
        );
    }
    report.push_str(&table.render());
    let _ = writeln!(
        report,
        "time: wall clock, best run; cpu: user + system time of all threads in that run"
    );
    if let Some(link) = &measures.link_lib {
        let _ = writeln!(report, "\n{}", link_summary(link));
    }
    let _ = writeln!(report, "\nsteps of the fastest run of each phase:");
    let phases: [(&str, &Option<Measure>); 13] = [
        ("RIS parse", &measures.ris_parse),
        ("import, library", &measures.import_lib),
        ("import, CLI", &measures.import_cli),
        ("store load", &measures.load),
        (".bib parse", &measures.bib_parse),
        ("reference list", &measures.reflist_parse),
        ("link, library", &measures.link_lib),
        ("link, CLI", &measures.link_cli),
        ("resolve, fresh", &measures.resolve_fresh),
        ("resolve, cached", &measures.resolve_cached),
        ("check, CLI", &measures.check_cli),
        ("cite, CLI", &measures.cite_cli),
        ("jats, library", &measures.jats_lib),
    ];
    for (name, measure) in phases {
        let Some(measure) = measure else { continue };
        let mut steps: Vec<String> = measure
            .steps
            .iter()
            .map(|(step, seconds)| format!("{step} {seconds:.3} s"))
            .chain(measure.facts.iter().map(|(name, value)| format!("{name} {value}")))
            .collect();
        if measure.all_seconds.len() > 1 {
            let all: Vec<String> =
                measure.all_seconds.iter().map(|s| format!("{s:.3}")).collect();
            steps.push(format!("runs {} s", all.join(" / ")));
        }
        if !steps.is_empty() {
            let _ = writeln!(report, "  {name:<16} {}", steps.join(", "));
        }
    }
    if options.wants("import") && measures.import_cli.is_none()
        || options.wants("link") && measures.link_cli.is_none()
        || options.wants("resolve") && measures.resolve_fresh.is_none()
        || options.wants("check") && measures.check_cli.is_none()
    {
        let _ = writeln!(
            report,
            "\nthe `biblink` binary was not measured: build it first (`cargo build --release`)"
        );
    }
    let records_phases = ["ris", "import", "load", "bib", "check"];
    if options.n_records != 100_000 && records_phases.iter().any(|p| options.wants(p))
        || options.n_references != 10_000
            && (options.wants("reflist") || options.wants("link"))
    {
        let _ = writeln!(
            report,
            "\nnote: the targets are set for n = 100000 and a paper of 10000 references; \
             with fewer records the process's fixed memory weighs more against the input"
        );
    }
    let _ = writeln!(
        report,
        "\n{}",
        if all_pass { "all targets met" } else { "SOME TARGETS MISSED" }
    );
    Ok((report, all_pass))
}

/// The link phase's counts and its agreement with the ground truth, in words.
fn link_summary(link: &Measure) -> String {
    let count = |name: &str| fact(link, name).parse::<usize>().unwrap_or(0);
    let share = |part: usize, whole: usize| {
        if whole == 0 { 0.0 } else { 100.0 * part as f64 / whole as f64 }
    };
    let truth_callouts = count("truth_callouts");
    let garbled = count("truth_garbled");
    let scored = truth_callouts.saturating_sub(garbled);
    let found = count("truth_found");
    let correct = count("truth_correct");
    let ambiguous = count("truth_ambiguous_true_among");
    let wrong = count("truth_resolved_wrong");
    let truth_works = count("truth_works");
    let works_correct = count("truth_works_correct");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "link: {} references; {} callouts found naming {} works: {} resolved, {} ambiguous, \
         {} unresolved; {} references never cited",
        fact(link, "references"),
        fact(link, "callouts"),
        fact(link, "works"),
        fact(link, "resolved"),
        fact(link, "ambiguous"),
        fact(link, "unresolved"),
        fact(link, "uncited"),
    );
    let _ = writeln!(
        out,
        "link vs ground truth: {truth_callouts} callouts, {garbled} of them garbled by the \
         generator (a citation inserted inside another), left out; of the other {scored} \
         (naming {truth_works} works):"
    );
    let _ = writeln!(
        out,
        "  found (same line, same text)       {found:>6}  {:6.2}%",
        share(found, scored)
    );
    let _ = writeln!(
        out,
        "  resolved to exactly the true refs  {correct:>6}  {:6.2}%",
        share(correct, scored)
    );
    let _ = writeln!(
        out,
        "  ambiguous, true refs among them    {ambiguous:>6}  {:6.2}%",
        share(ambiguous, scored)
    );
    let _ = writeln!(
        out,
        "  resolved, refs missing or wrong    {wrong:>6}  {:6.2}%",
        share(wrong, scored)
    );
    let _ = writeln!(
        out,
        "  works resolved right               {works_correct:>6}  {:6.2}% of works",
        share(works_correct, truth_works)
    );
    let _ = write!(
        out,
        "  callouts found the truth does not list (garbled ones included): {}",
        fact(link, "not_in_truth")
    );
    out
}

/// One generated workload.
struct Workload {
    path: PathBuf,
    bytes: u64,
}

impl Workload {
    fn new(path: PathBuf) -> Result<Workload, String> {
        Ok(Workload { bytes: file_size(&path)?, path })
    }
}

/// The generated workloads the chosen phases need.
struct Inputs {
    ris: Option<Workload>,
    bib: Option<Workload>,
    paper: Option<Workload>,
    /// The paper's citation ground truth (JSON lines), for `link`.
    truth: Option<PathBuf>,
    load_average: String,
}

impl Inputs {
    fn prepare(options: &Options) -> Result<Inputs, String> {
        std::fs::create_dir_all(&options.data_dir).map_err(|error| {
            format!("cannot create {}: {error}", options.data_dir.display())
        })?;
        let dir = &options.data_dir;
        let ris = dir.join(format!("n{}.ris", options.n_records));
        let bib = dir.join(format!("n{}.bib", options.n_records));
        let paper = dir.join(format!("n{}.md", options.n_references));
        let truth = dir.join(format!("n{}.cites.jsonl", options.n_references));
        let needs_ris = ["ris", "import", "load"].iter().any(|p| options.wants(p));
        let needs_bib =
            options.wants("bib") || options.wants("check") || options.wants("cite");
        let needs_paper = options.wants("reflist") || options.wants("link");
        let needs_truth = options.wants("link");
        if needs_ris && !ris.exists() {
            generate("ris", options.n_records, &ris, None)?;
        }
        if needs_bib && !bib.exists() {
            generate("bib", options.n_records, &bib, None)?;
        }
        // The paper does not depend on whether its truth is written, so an
        // older paper without one is simply written again with it.
        if needs_truth && !truth.exists() {
            generate("paper", options.n_references, &paper, Some(&truth))?;
        } else if needs_paper && !paper.exists() {
            generate("paper", options.n_references, &paper, None)?;
        }
        Ok(Inputs {
            ris: needs_ris.then(|| Workload::new(ris)).transpose()?,
            bib: needs_bib.then(|| Workload::new(bib)).transpose()?,
            paper: needs_paper.then(|| Workload::new(paper)).transpose()?,
            truth: needs_truth.then_some(truth),
            load_average: load_average(),
        })
    }
}

/// Writes a workload with gen_corpus.py (and, for a paper, its citation
/// ground truth to `truth`), through temporary names so that an interrupted
/// run leaves no truncated file to be reused.
fn generate(
    kind: &str,
    n_records: usize,
    path: &Path,
    truth: Option<&Path>,
) -> Result<(), String> {
    let script =
        std::env::var_os("BIBLINK_GEN_CORPUS").map(PathBuf::from).unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/gen_corpus.py")
        });
    if !script.is_file() {
        return Err(format!(
            "the workload generator {} is missing; set BIBLINK_GEN_CORPUS to gen_corpus.py, \
             or put n{n_records}.{kind} in the data directory yourself",
            script.display()
        ));
    }
    let partial = path.with_extension(format!("{kind}.partial"));
    let truth_partial = truth.map(|truth| truth.with_extension("partial"));
    eprintln!("generating {} with {} ...", path.display(), script.display());
    let mut command = Command::new("python3");
    command
        .arg(&script)
        .args(["--kind", kind, "--n", &n_records.to_string(), "--out"])
        .arg(&partial);
    if let Some(truth_partial) = &truth_partial {
        command.arg("--truth").arg(truth_partial);
    }
    let status = command.status().map_err(|error| {
        format!("cannot run python3 (needed by {}): {error}", script.display())
    })?;
    if !status.success() {
        return Err(format!("{} failed ({status})", script.display()));
    }
    std::fs::rename(&partial, path)
        .map_err(|error| format!("cannot rename {}: {error}", partial.display()))?;
    // The truth goes last: its presence says that the paper beside it is complete.
    if let (Some(truth), Some(truth_partial)) = (truth, &truth_partial) {
        std::fs::rename(truth_partial, truth).map_err(|error| {
            format!("cannot rename {}: {error}", truth_partial.display())
        })?;
    }
    Ok(())
}

fn best_of(
    runs: usize,
    mut measure: impl FnMut() -> Result<Measure, String>,
) -> Result<Measure, String> {
    let mut best: Option<Measure> = None;
    let mut peak_bytes = 0;
    let mut all_seconds = Vec::with_capacity(runs);
    for _ in 0..runs {
        let measured = measure()?;
        peak_bytes = peak_bytes.max(measured.peak_bytes);
        all_seconds.push(measured.seconds);
        if best.as_ref().is_none_or(|best| measured.seconds < best.seconds) {
            best = Some(measured);
        }
    }
    let mut best = best.unwrap_or_default();
    best.peak_bytes = peak_bytes;
    best.all_seconds = all_seconds;
    Ok(best)
}

/// Runs one phase in a child process and reads its report from stdout.
fn run_child(args: &[&str]) -> Result<Measure, String> {
    let exe =
        std::env::current_exe().map_err(|error| format!("own executable: {error}"))?;
    let output = Command::new(exe)
        .arg("--phase")
        .args(args)
        .output()
        .map_err(|error| format!("cannot start phase {}: {error}", args[0]))?;
    if !output.status.success() {
        return Err(format!(
            "phase {} failed ({}): {}",
            args[0],
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let mut measure = Measure::default();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("seconds"), Some(value), None) => {
                measure.seconds = value.parse().unwrap_or(f64::NAN)
            }
            (Some("cpu"), Some(value), None) => {
                measure.cpu_seconds = value.parse().unwrap_or(f64::NAN)
            }
            (Some("peak"), Some(value), None) => {
                measure.peak_bytes = value.parse().unwrap_or(0)
            }
            (Some("step"), Some(name), Some(value)) => {
                measure.steps.push((name.to_string(), value.parse().unwrap_or(f64::NAN)))
            }
            (Some("fact"), Some(name), Some(value)) => {
                measure.facts.push((name.to_string(), value.to_string()))
            }
            _ => {}
        }
    }
    Ok(measure)
}

/// Runs `biblink --store STORE --quiet import RIS` as users do, timing the wall
/// clock from spawn to exit.
fn run_cli_import(binary: &Path, ris: &Path, store: &Path) -> Result<Measure, String> {
    let ris = std::fs::canonicalize(ris)
        .map_err(|error| format!("{}: {error}", ris.display()))?;
    let args = [
        OsStr::new("--store"),
        store.as_os_str(),
        OsStr::new("--quiet"),
        OsStr::new("import"),
        ris.as_os_str(),
    ];
    time_cli(binary, store, &args, &[0])
}

/// Runs `biblink --store STORE --json claims PAPER` as users do (the JSON
/// written to nowhere), timing the wall clock from spawn to exit; `store` is
/// an empty directory, so every reference gets its key from a fresh store.
fn run_cli_claims(binary: &Path, paper: &Path, store: &Path) -> Result<Measure, String> {
    let paper = std::fs::canonicalize(paper)
        .map_err(|error| format!("{}: {error}", paper.display()))?;
    let args = [OsStr::new("--store"), store.as_os_str(), OsStr::new("--json")];
    let args = [&args[..], &[OsStr::new("claims"), paper.as_os_str()]].concat();
    time_cli(binary, store, &args, &[0])
}

/// `biblink check BIB --format json`, run in the empty directory `dir` (no
/// biblink.toml there), its report thrown away; exit 0 or 1 (findings: the
/// generated data has some) is a run.
fn run_cli_check(binary: &Path, bib: &Path, dir: &Path) -> Result<Measure, String> {
    let bib = std::fs::canonicalize(bib)
        .map_err(|error| format!("{}: {error}", bib.display()))?;
    let args = [
        OsStr::new("check"),
        OsStr::new("--format"),
        OsStr::new("json"),
        bib.as_os_str(),
    ];
    time_cli(binary, dir, &args, &[0, 1])
}

/// Runs `binary ARGS` in `dir`, where no biblink.toml can change the
/// configuration, its output thrown away, timing the wall clock from spawn
/// to exit; an exit code outside `accepted` is an error.
fn time_cli(
    binary: &Path,
    dir: &Path,
    args: &[&OsStr],
    accepted: &[i32],
) -> Result<Measure, String> {
    let started = Instant::now();
    let child = Command::new(binary)
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    let (_, peak_bytes, cpu_seconds) = wait_with_usage(child)?;
    let seconds = started.elapsed().as_secs_f64();
    let exit_code = LAST_EXIT_CODE.load(std::sync::atomic::Ordering::Relaxed);
    if !accepted.contains(&exit_code) {
        let command: Vec<String> =
            args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        return Err(format!(
            "{} {} exited with {exit_code}",
            binary.display(),
            command.join(" ")
        ));
    }
    Ok(Measure { seconds, cpu_seconds, peak_bytes, ..Measure::default() })
}

/// The two `resolve` rows: a store of [`RESOLVE_N`] entries resolved with an
/// empty cache against the mock at [`RESOLVE_LATENCY_MS`], and one of
/// [`RESOLVE_CACHED_N`] entries re-resolved `--offline` once its cache is full.
fn measure_resolve(
    binary: &Path,
    runs: usize,
    scratch: &Path,
    measures: &mut Measures,
) -> Result<(), String> {
    let mock = MockCrossref::start()?;
    let fresh_bib = scratch.join(format!("resolve-{RESOLVE_N}.bib"));
    let cached_bib = scratch.join(format!("resolve-{RESOLVE_CACHED_N}.bib"));
    write_resolve_bib(&fresh_bib, RESOLVE_N)?;
    write_resolve_bib(&cached_bib, RESOLVE_CACHED_N)?;
    measures.resolve_bytes = (file_size(&fresh_bib)?, file_size(&cached_bib)?);

    eprintln!(
        "measuring `{} resolve` of {RESOLVE_N} DOIs against the mock ({RESOLVE_LATENCY_MS} ms) ...",
        binary.display()
    );
    mock.set_latency(RESOLVE_LATENCY_MS);
    measures.resolve_fresh = Some(best_of(runs, || {
        let store = fresh_dir(scratch, "resolve-store")?;
        let cache = fresh_dir(scratch, "resolve-cache")?;
        run_cli_quiet(binary, &store, &["import", &fresh_bib.display().to_string()])?;
        let requests_before = mock.requests();
        let mut measure = run_cli_resolve(binary, &store, &cache, &mock, false, scratch)?;
        measure
            .facts
            .push(("requests".into(), (mock.requests() - requests_before).to_string()));
        Ok(measure)
    })?);

    eprintln!(
        "measuring `{} resolve --offline` of {RESOLVE_CACHED_N} cached entries ...",
        binary.display()
    );
    let store = fresh_dir(scratch, "resolve-cached-store")?;
    let cache = fresh_dir(scratch, "resolve-cached-cache")?;
    run_cli_quiet(binary, &store, &["import", &cached_bib.display().to_string()])?;
    // Not timed: fill the cache (no latency), then one offline run so that the
    // timed ones see the store as the first run left it, in its steady state.
    mock.set_latency(0);
    let fill = run_cli_resolve(binary, &store, &cache, &mock, false, scratch)?;
    let settle = run_cli_resolve(binary, &store, &cache, &mock, true, scratch)?;
    let requests_before = mock.requests();
    let mut cached =
        best_of(runs, || run_cli_resolve(binary, &store, &cache, &mock, true, scratch))?;
    cached
        .facts
        .push(("requests".into(), (mock.requests() - requests_before).to_string()));
    cached.steps.push(("fill_cache".into(), fill.seconds));
    cached.facts.push(("fill_exit_code".into(), fact(&fill, "exit_code").to_string()));
    cached.steps.push(("first_offline".into(), settle.seconds));
    measures.resolve_cached = Some(cached);
    Ok(())
}

/// A resolve row: the time target, and exit code 0 (every DOI resolved).
fn resolve_row(
    table: &mut Table,
    name: &str,
    measure: &Measure,
    input_bytes: u64,
    n: usize,
    unit: &str,
    target_seconds: f64,
) -> bool {
    let exit_code = fact(measure, "exit_code");
    let exit_ok = exit_code == "0";
    let mut rate = format!("{:.0} {unit}", n as f64 / measure.seconds);
    if !exit_ok {
        rate.push_str(&format!(" (exit {exit_code})"));
    }
    // A time target only: the process and its HTTP stack outweigh the .bib.
    table.row_with(
        name,
        measure,
        input_bytes,
        rate,
        format!("< {target_seconds} s, exit 0"),
        measure.seconds < target_seconds,
        false,
    ) && exit_ok
}

/// `n` generated `@article`s with the DOIs `10.9999/bench.1` ... `10.9999/bench.n`.
fn write_resolve_bib(path: &Path, n: usize) -> Result<(), String> {
    let mut text = String::with_capacity(n * 120);
    for i in 1..=n {
        let _ = writeln!(
            text,
            "@article{{b{i}, author = {{Smith, J.}}, title = {{Placeholder {i}}}, date = {{2012}}, doi = {{10.9999/bench.{i}}}}}\n"
        );
    }
    std::fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()))
}

/// Runs `biblink --store STORE --quiet ARGS...` (not timed), in the store
/// directory where no biblink.toml can change the configuration.
/// The `cite` phase: the generated `.bib` imported once into a store (not
/// timed), then `biblink --store STORE cite KEY` of a key from the middle of
/// the store, timed from spawn to exit (formatted reference to nowhere).
fn measure_cite(
    binary: &Path,
    runs: usize,
    bib: &Path,
    scratch: &Path,
) -> Result<Measure, String> {
    eprintln!("importing the .bib for `{} cite` ...", binary.display());
    let store = fresh_dir(scratch, "cite-store")?;
    let bib = std::fs::canonicalize(bib)
        .map_err(|error| format!("{}: {error}", bib.display()))?;
    run_cli_quiet(binary, &store, &["import", &bib.display().to_string()])?;
    let text = std::fs::read_to_string(store.join(BIB_FILE))
        .map_err(|error| format!("{}: {error}", store.join(BIB_FILE).display()))?;
    let keys: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with('@'))
        .filter_map(|line| {
            line.split_once('{').map(|(_, rest)| rest.trim_end_matches(','))
        })
        .collect();
    let key =
        keys.get(keys.len() / 2).ok_or("the cite store has no entries")?.to_string();
    eprintln!("measuring `{} cite {key}` ...", binary.display());
    let args = [
        OsStr::new("--store"),
        store.as_os_str(),
        OsStr::new("cite"),
        OsStr::new(&key),
        OsStr::new("--style"),
        OsStr::new("apa"),
    ];
    let mut measure = best_of(runs, || time_cli(binary, &store, &args, &[0]))?;
    measure.facts.push(("entries".into(), keys.len().to_string()));
    Ok(measure)
}

fn run_cli_quiet(binary: &Path, store: &Path, args: &[&str]) -> Result<(), String> {
    let output = Command::new(binary)
        .current_dir(store)
        .arg("--store")
        .arg(store)
        .arg("--quiet")
        .args(args)
        .output()
        .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} {} failed ({}): {}",
            binary.display(),
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(())
}

/// Runs `biblink --store STORE --quiet resolve --concurrency 8 [--offline]`
/// pointed at the mock, with its own cache, timing the wall clock from spawn
/// to exit; the exit code is kept as the fact `exit_code`, and a few lines of
/// what the run printed on stderr are shown when it is not 0.
fn run_cli_resolve(
    binary: &Path,
    store: &Path,
    cache: &Path,
    mock: &MockCrossref,
    offline: bool,
    scratch: &Path,
) -> Result<Measure, String> {
    let base = format!("http://127.0.0.1:{}", mock.port);
    let stderr_path = scratch.join("resolve.stderr");
    let stderr = std::fs::File::create(&stderr_path)
        .map_err(|error| format!("{}: {error}", stderr_path.display()))?;
    let mut command = Command::new(binary);
    command
        .current_dir(store)
        .arg("--store")
        .arg(store)
        .args(["--quiet", "resolve", "--concurrency", RESOLVE_CONCURRENCY])
        .env("BIBLINK_CROSSREF_API", &base)
        .env("BIBLINK_DATACITE_API", &base)
        .env("BIBLINK_DOI_RESOLVER", &base)
        .env("BIBLINK_CACHE_DIR", cache)
        .env_remove("BIBLINK_MAILTO")
        .stdout(std::process::Stdio::null())
        .stderr(stderr);
    if offline {
        command.arg("--offline");
    }
    let started = Instant::now();
    let child = command
        .spawn()
        .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    let (_, peak_bytes, cpu_seconds) = wait_with_usage(child)?;
    let seconds = started.elapsed().as_secs_f64();
    let exit_code = LAST_EXIT_CODE.load(std::sync::atomic::Ordering::Relaxed);
    if exit_code != 0 {
        let printed = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        let lines: Vec<&str> = printed.lines().take(5).collect();
        eprintln!(
            "biblink-bench: `biblink resolve{}` exited with {exit_code} ({} lines on stderr), first lines:\n  {}",
            if offline { " --offline" } else { "" },
            printed.lines().count(),
            lines.join("\n  ")
        );
    }
    Ok(Measure {
        seconds,
        cpu_seconds,
        peak_bytes,
        facts: vec![("exit_code".into(), exit_code.to_string())],
        ..Measure::default()
    })
}

/// A minimal Crossref REST API on 127.0.0.1 (std only, HTTP/1.1 with
/// keep-alive, a thread per connection): `GET /works/{doi}` answers, after
/// the configured latency, the recorded work
/// `journal-article_10.1371_journal.pone.0033693.json` with its `DOI`
/// replaced by the requested one; anything else is a 404. It sends no
/// rate-limit headers. Its threads live as long as the bench.
struct MockCrossref {
    port: u16,
    state: std::sync::Arc<MockState>,
}

struct MockState {
    template: serde_json::Value,
    latency_ms: std::sync::atomic::AtomicU64,
    requests: std::sync::atomic::AtomicUsize,
}

impl MockCrossref {
    fn start() -> Result<MockCrossref, String> {
        let template_path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/crossref/works/journal-article_10.1371_journal.pone.0033693.json");
        let template: serde_json::Value = serde_json::from_slice(&read(&template_path)?)
            .map_err(|error| format!("{}: {error}", template_path.display()))?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|error| format!("mock server: {error}"))?;
        let port = listener.local_addr().map_err(|error| error.to_string())?.port();
        let state = std::sync::Arc::new(MockState {
            template,
            latency_ms: std::sync::atomic::AtomicU64::new(0),
            requests: std::sync::atomic::AtomicUsize::new(0),
        });
        let accept_state = std::sync::Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = std::sync::Arc::clone(&accept_state);
                std::thread::spawn(move || {
                    let _ = serve_connection(stream, &state);
                });
            }
        });
        Ok(MockCrossref { port, state })
    }

    fn set_latency(&self, ms: u64) {
        self.state.latency_ms.store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    fn requests(&self) -> usize {
        self.state.requests.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Answers the requests of one connection until the client closes it.
fn serve_connection(
    stream: std::net::TcpStream,
    state: &MockState,
) -> std::io::Result<()> {
    use std::io::{BufRead, Read, Write};
    stream.set_nodelay(true)?;
    let mut reader = std::io::BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let mut content_length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header)? == 0 {
                return Ok(());
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
        if content_length > 0 {
            std::io::copy(
                &mut (&mut reader).take(content_length as u64),
                &mut std::io::sink(),
            )?;
        }
        state.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut words = request_line.split_whitespace();
        let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let path = target.split(['?', '#']).next().unwrap_or("");
        let doi = path
            .strip_prefix("/works/")
            .filter(|doi| method == "GET" && !doi.is_empty() && !doi.ends_with("/agency"))
            .map(percent_decode);
        let (status, body) = match doi {
            Some(doi) => {
                let latency = state.latency_ms.load(std::sync::atomic::Ordering::Relaxed);
                if latency > 0 {
                    std::thread::sleep(Duration::from_millis(latency));
                }
                let mut work = state.template.clone();
                if let Some(message) =
                    work.get_mut("message").and_then(|m| m.as_object_mut())
                {
                    message.insert("DOI".into(), serde_json::Value::String(doi));
                }
                ("200 OK", work.to_string())
            }
            None => ("404 Not Found", "Resource not found.".to_string()),
        };
        let content_type =
            if status.starts_with("200") { "application/json" } else { "text/plain" };
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
            body.len()
        );
        writer.write_all(response.as_bytes())?;
        writer.flush()?;
    }
}

/// `%XX` escapes decoded (invalid ones kept as they are).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[idx] == b'%'
            && idx + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[idx + 1]), hex(bytes[idx + 2]))
        {
            out.push((high * 16 + low) as u8);
            idx += 3;
        } else {
            out.push(bytes[idx]);
            idx += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `biblink` binary next to this one, if it has been built.
fn cli_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let binary = exe.with_file_name(format!("biblink{}", std::env::consts::EXE_SUFFIX));
    binary.is_file().then_some(binary)
}

fn fresh_dir(parent: &Path, prefix: &str) -> Result<PathBuf, String> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(parent)
        .map(|dir| dir.keep())
        .map_err(|error| format!("temporary directory: {error}"))
}

fn file_size(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path)
        .map(|meta| meta.len())
        .map_err(|error| format!("{}: {error}", path.display()))
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn fact<'a>(measure: &'a Measure, name: &str) -> &'a str {
    measure.facts.iter().find(|(fact, _)| fact == name).map_or("?", |(_, v)| v.as_str())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "n/a".to_string())
}

#[derive(Default)]
struct Table {
    rows: Vec<[String; 8]>,
}

impl Table {
    /// Adds a row; returns whether both the time target and the memory target are met.
    fn row(
        &mut self,
        name: &str,
        measure: &Measure,
        input_bytes: u64,
        rate: String,
        target: String,
        time_ok: bool,
    ) -> bool {
        self.row_with(name, measure, input_bytes, rate, target, time_ok, true)
    }

    /// [`Table::row`], with the memory target applied or only reported.
    #[allow(clippy::too_many_arguments, reason = "one call per phase, all named")]
    fn row_with(
        &mut self,
        name: &str,
        measure: &Measure,
        input_bytes: u64,
        rate: String,
        target: String,
        time_ok: bool,
        has_memory_target: bool,
    ) -> bool {
        let factor = measure.peak_bytes as f64 / input_bytes as f64;
        let memory_ok =
            !has_memory_target || (measure.peak_bytes > 0 && factor < MEMORY_FACTOR);
        let target = if has_memory_target {
            format!("{target}, < {MEMORY_FACTOR:.0}x")
        } else {
            target
        };
        let verdict = match (time_ok, memory_ok) {
            (true, true) => "pass".to_string(),
            (false, true) => "FAIL (time)".to_string(),
            (true, false) => "FAIL (memory)".to_string(),
            (false, false) => "FAIL (time, memory)".to_string(),
        };
        self.rows.push([
            name.to_string(),
            format!("{:.3} s", measure.seconds),
            format!("{:.2} s", measure.cpu_seconds),
            rate,
            megabytes(measure.peak_bytes),
            format!("{factor:.1}x"),
            target,
            verdict,
        ]);
        time_ok && memory_ok
    }

    fn render(&self) -> String {
        let header =
            ["phase", "time", "cpu", "rate", "peak RSS", "/input", "target", "result"];
        let mut widths = header.map(str::len);
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::from("\n");
        let mut line = |cells: [&str; 8]| {
            for (idx, (cell, width)) in cells.iter().zip(widths).enumerate() {
                // Text columns are left-aligned, figures right-aligned.
                if matches!(idx, 0 | 6 | 7) {
                    let _ = write!(out, "{cell:<width$}  ");
                } else {
                    let _ = write!(out, "{cell:>width$}  ");
                }
            }
            let trimmed = out.trim_end().len();
            out.truncate(trimmed);
            out.push('\n');
        };
        line(header);
        for row in &self.rows {
            line(row.each_ref().map(String::as_str));
        }
        out
    }
}

// ---------------------------------------------------------------- child side

/// Runs one phase and prints `seconds`, `peak`, `step` and `fact` lines.
fn run_phase(args: &[String]) -> Result<(), String> {
    let arg = |idx: usize| {
        args.get(idx)
            .map(String::as_str)
            .ok_or_else(|| "missing phase argument".to_string())
    };
    let cpu_started = cpu_seconds();
    match arg(0)? {
        "ris-parse" => {
            // The text is read and decoded once; the figure is the parser's
            // alone, best of three passes within the process.
            let path = Path::new(arg(1)?);
            let bytes = read(path)?;
            let text = biblink::decode::decode(&bytes, "bench.ris").value;
            drop(bytes);
            let mut best = (Duration::MAX, 0.0);
            let mut n_entries = 0;
            for _ in 0..3 {
                let started = Instant::now();
                let cpu_started = cpu_seconds();
                let parsed = biblink::ris::parse(&text, "bench.ris");
                let elapsed = started.elapsed();
                if elapsed < best.0 {
                    best = (elapsed, cpu_seconds() - cpu_started);
                }
                n_entries = parsed.value.len();
                drop(parsed);
            }
            println!("seconds {}", best.0.as_secs_f64());
            println!("cpu {}", best.1);
            println!("fact entries {n_entries}");
        }
        "jats" => {
            // `biblink import` of every article of a directory (read, decode,
            // the XML, the reference lists to entries, keys and merge into an
            // empty store), minus printing and writing the store.
            let dir = Path::new(arg(1)?);
            let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|error| {
                    format!(
                        "{}: {error} (the shared data checked out beside the project)",
                        dir.display()
                    )
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "xml"))
                .collect();
            paths.sort();
            let started = Instant::now();
            let mut timer = Timer::new();
            let (mut bytes_total, mut all) = (0, Vec::new());
            for path in &paths {
                let bytes = read(path)?;
                bytes_total += bytes.len();
                let name = path.display().to_string();
                match ingest(path, &name, &bytes).value {
                    Ingested::Entries(_, entries) => all.extend(entries),
                    Ingested::Skipped => return Err(format!("{name}: not read as JATS")),
                }
            }
            timer.step("read+parse");
            let mut store = Store::new(KEY_PATTERN);
            let (report, _) = store.import(all);
            timer.step("normalise+keys+merge");
            println!("seconds {}", started.elapsed().as_secs_f64());
            println!("cpu {}", cpu_seconds() - cpu_started);
            timer.print();
            println!("fact articles {}", paths.len());
            println!("fact entries {}", report.added + report.merged);
            println!("fact bytes {bytes_total}");
        }
        "import" => {
            // What `biblink import` does, minus argument parsing and printing.
            let path = Path::new(arg(1)?);
            let store_dir = Path::new(arg(2)?);
            let started = Instant::now();
            let mut timer = Timer::new();
            let bytes = read(path)?;
            timer.step("read");
            let ingested = ingest(path, "bench.ris", &bytes);
            drop(bytes);
            let Ingested::Entries(_, entries) = ingested.value else {
                return Err(format!("{}: not read as RIS", path.display()));
            };
            timer.step("decode+parse");
            let mut store = Store::load(store_dir, KEY_PATTERN)
                .map_err(|error| error.to_string())?
                .value;
            let (report, diagnostics) = store.import(entries);
            timer.step("normalise+keys+merge");
            store.save(store_dir).map_err(|error| error.to_string())?;
            timer.step("sort+write");
            println!("seconds {}", started.elapsed().as_secs_f64());
            println!("cpu {}", cpu_seconds() - cpu_started);
            timer.print();
            println!("fact added {}", report.added);
            println!("fact merged {}", report.merged);
            println!(
                "fact diagnostics {}",
                diagnostics.len() + ingested.diagnostics.len()
            );
        }
        "load" => {
            let store_dir = Path::new(arg(1)?);
            let started = Instant::now();
            let loaded =
                Store::load(store_dir, KEY_PATTERN).map_err(|error| error.to_string())?;
            println!("seconds {}", started.elapsed().as_secs_f64());
            println!("cpu {}", cpu_seconds() - cpu_started);
            println!("fact entries {}", loaded.value.entries().len());
            println!("fact diagnostics {}", loaded.diagnostics.len());
        }
        "bib-parse" => {
            let path = Path::new(arg(1)?);
            let started = Instant::now();
            let mut timer = Timer::new();
            let bytes = read(path)?;
            let text = String::from_utf8(bytes)
                .map_err(|error| format!("{}: {error}", path.display()))?;
            timer.step("read");
            let parsed = biblink::bib::parse(&text, "bench.bib");
            timer.step("parse");
            println!("seconds {}", started.elapsed().as_secs_f64());
            println!("cpu {}", cpu_seconds() - cpu_started);
            timer.print();
            println!("fact entries {}", parsed.value.entries.len());
            println!("fact diagnostics {}", parsed.diagnostics.len());
        }
        "reflist-parse" => {
            // Section, split, parse of every reference and its entry, on
            // this thread only; best of three passes, as for RIS.
            let path = Path::new(arg(1)?);
            let bytes = read(path)?;
            let text = biblink::decode::decode(&bytes, "bench.md").value;
            drop(bytes);
            let mut best = (Duration::MAX, 0.0, Duration::MAX);
            let mut n_references = 0;
            let mut n_warned = 0;
            for _ in 0..3 {
                // Finding and splitting the list alone, for the steps line.
                let started = Instant::now();
                let split = biblink::reflist::section::references(&text, "bench.md");
                let split_time = started.elapsed();
                drop(split);
                let started = Instant::now();
                let cpu_started = cpu_seconds();
                let parsed = biblink::reflist::parse_document(&text, "bench.md");
                let elapsed = started.elapsed();
                if elapsed < best.0 {
                    best = (elapsed, cpu_seconds() - cpu_started, split_time);
                }
                n_references = parsed.value.len();
                let mut lines: Vec<u32> =
                    parsed.diagnostics.iter().map(|d| d.line).collect();
                lines.dedup();
                n_warned = lines.len();
                drop(parsed);
            }
            println!("seconds {}", best.0.as_secs_f64());
            println!("cpu {}", best.1);
            println!("step section+split {}", best.2.as_secs_f64());
            println!("fact references {n_references}");
            println!("fact with_warnings {n_warned}");
        }
        "link" => {
            // What `biblink claims` does, minus argument parsing and printing:
            // read and decode the paper, read its reference list, give every
            // reference its key from a fresh store, find and resolve the
            // callouts, their sentences, the warnings. One pass: the keys
            // closure runs between the reference list and the callouts, so
            // it also marks the steps.
            let path = Path::new(arg(1)?);
            let truth_path = Path::new(arg(2)?);
            let started = Instant::now();
            let bytes = read(path)?;
            let text = biblink::decode::decode(&bytes, "bench.md").value;
            drop(bytes);
            let decoded = Instant::now();
            let mut store = Store::new(KEY_PATTERN);
            let mut keys_started = decoded;
            let mut keys_done = decoded;
            let linked = analyze(&text, "bench.md", |entries: &[Entry]| {
                keys_started = Instant::now();
                let keys = store.import(entries.to_vec()).0.keys;
                keys_done = Instant::now();
                keys
            });
            let done = Instant::now();
            println!("seconds {}", (done - started).as_secs_f64());
            println!("cpu {}", cpu_seconds() - cpu_started);
            println!("step read+decode {}", (decoded - started).as_secs_f64());
            println!("step reference_list {}", (keys_started - decoded).as_secs_f64());
            println!("step keys {}", (keys_done - keys_started).as_secs_f64());
            println!(
                "step callouts+sentences+warnings {}",
                (done - keys_done).as_secs_f64()
            );
            drop(store);
            let links = &linked.value.links;
            let count = |status: Status| {
                links.callouts.iter().filter(|c| c.status() == status).count()
            };
            let n_works: usize = links.callouts.iter().map(|c| c.items.len()).sum();
            println!("fact references {}", linked.value.references.len());
            println!("fact callouts {}", links.callouts.len());
            println!("fact works {n_works}");
            println!("fact resolved {}", count(Status::Resolved));
            println!("fact ambiguous {}", count(Status::Ambiguous));
            println!("fact unresolved {}", count(Status::Unresolved));
            println!("fact uncited {}", links.uncited.len());
            println!("fact warnings {}", linked.diagnostics.len());
            let truth = std::fs::read_to_string(truth_path)
                .map_err(|error| format!("{}: {error}", truth_path.display()))?;
            let score = TruthScore::of(&text, &linked.value, &truth)
                .map_err(|error| format!("{}: {error}", truth_path.display()))?;
            println!("fact truth_callouts {}", score.callouts);
            println!("fact truth_garbled {}", score.garbled);
            println!("fact truth_ambiguous_true_among {}", score.ambiguous_true_among);
            println!("fact truth_resolved_wrong {}", score.resolved_wrong);
            println!("fact truth_works {}", score.works);
            println!("fact truth_found {}", score.found);
            println!("fact truth_correct {}", score.correct);
            println!("fact truth_works_correct {}", score.works_correct);
            println!("fact not_in_truth {}", score.not_in_truth);
        }
        other => return Err(format!("unknown phase '{other}'")),
    }
    println!("peak {}", peak_rss_bytes().unwrap_or(0));
    Ok(())
}

/// How the callouts found agree with the generator's ground truth: one JSON
/// line per callout, `{"line": 10, "text": "(Abe, 2013; Allen, 2016)",
/// "refs": [7, 225], ...}` with 1-based positions in the reference list.
///
/// The generator sometimes inserts a citation into the middle of a sentence
/// after an earlier one has been appended, and the cut can fall inside that
/// earlier citation: `(Clark, 2023; (Abe, 2013), Dvořák & Wilson, 2009)`.
/// The outer citation's truth text is then not in the paper, and the inner
/// one sits inside brackets; both are counted as garbled and left out of
/// the scores.
#[derive(Debug, Default)]
struct TruthScore {
    /// Callouts in the truth.
    callouts: usize,
    /// Of them, garbled by the generator.
    garbled: usize,
    /// Works the others name.
    works: usize,
    /// Callouts (not garbled) matched by a callout found on the same line with the same text.
    found: usize,
    /// Found ones that resolved to exactly the true references.
    correct: usize,
    /// Found ones that are ambiguous, every true reference being among the
    /// references they point at or could be.
    ambiguous_true_among: usize,
    /// Found ones that resolved (status resolved) to other references than the
    /// true ones, or to only some of them.
    resolved_wrong: usize,
    /// Works of found callouts whose true reference is among the callout's
    /// targets while the callout points at nothing else.
    works_correct: usize,
    /// Callouts found that match no truth callout (garbled ones included).
    not_in_truth: usize,
}

impl TruthScore {
    fn of(document: &str, linked: &Linked, truth: &str) -> Result<TruthScore, String> {
        // The callouts found, by line and text; several of one text on one
        // line are matched in order.
        let mut found: BTreeMap<(u64, String), VecDeque<usize>> = BTreeMap::new();
        let mut locator = Locator::new(document);
        for (idx, callout) in linked.links.callouts.iter().enumerate() {
            let line = u64::from(locator.locate(callout.span.start).line);
            let text = document.get(callout.span.clone()).unwrap_or("");
            found.entry((line, text.to_string())).or_default().push_back(idx);
        }
        // The generator writes `\n` line ends only.
        let lines: Vec<&str> = document.split('\n').collect();
        // Where the next search for a text on a line starts.
        let mut searched: BTreeMap<(u64, String), usize> = BTreeMap::new();
        let mut score = TruthScore::default();
        for (line_idx, row) in truth.lines().enumerate() {
            if row.trim().is_empty() {
                continue;
            }
            let row: serde_json::Value = serde_json::from_str(row)
                .map_err(|error| format!("line {}: {error}", line_idx + 1))?;
            let (Some(line), Some(text), Some(refs)) =
                (row["line"].as_u64(), row["text"].as_str(), row["refs"].as_array())
            else {
                return Err(format!("line {}: no line, text or refs", line_idx + 1));
            };
            let mut expected: Vec<usize> = refs
                .iter()
                .filter_map(|r| r.as_u64())
                .filter_map(|r| usize::try_from(r).ok()?.checked_sub(1))
                .collect();
            expected.sort_unstable();
            score.callouts += 1;
            let key = (line, text.to_string());
            let line_text = usize::try_from(line)
                .ok()
                .and_then(|line| lines.get(line.checked_sub(1)?))
                .copied()
                .unwrap_or("");
            let from = searched.get(&key).copied().unwrap_or(0);
            let at = line_text
                .get(from..)
                .and_then(|rest| rest.find(text))
                .map(|at| from + at);
            let Some(at) = at else {
                score.garbled += 1;
                continue;
            };
            searched.insert(key.clone(), at + text.len());
            let opened = line_text[..at].matches('(').count();
            let closed = line_text[..at].matches(')').count();
            if opened > closed {
                score.garbled += 1;
                continue;
            }
            score.works += expected.len();
            let Some(idx) = found.get_mut(&key).and_then(VecDeque::pop_front) else {
                continue;
            };
            score.found += 1;
            let callout = &linked.links.callouts[idx];
            let mut targets = callout.targets();
            targets.sort_unstable();
            match callout.status() {
                Status::Resolved if targets == expected => score.correct += 1,
                Status::Resolved => score.resolved_wrong += 1,
                Status::Ambiguous => {
                    let candidates = callout.candidates();
                    if expected
                        .iter()
                        .all(|e| targets.contains(e) || candidates.contains(e))
                    {
                        score.ambiguous_true_among += 1;
                    }
                }
                Status::Unresolved => {}
            }
            if targets.iter().all(|t| expected.binary_search(t).is_ok()) {
                score.works_correct +=
                    expected.iter().filter(|e| targets.binary_search(e).is_ok()).count();
            }
        }
        score.not_in_truth = found.values().map(VecDeque::len).sum();
        Ok(score)
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))
}

struct Timer {
    last: Instant,
    steps: Vec<(&'static str, Duration)>,
}

impl Timer {
    fn new() -> Self {
        Timer { last: Instant::now(), steps: Vec::new() }
    }

    fn step(&mut self, name: &'static str) {
        let now = Instant::now();
        self.steps.push((name, now - self.last));
        self.last = now;
    }

    fn print(&self) {
        for (name, duration) in &self.steps {
            println!("step {name} {}", duration.as_secs_f64());
        }
    }
}

/// CPU time of this process so far, all threads, user and system (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name, which is in parentheses: utime and
    // stime are the 12th and 13th, in clock ticks of 1/100 s.
    let Some((_, after_name)) = stat.rsplit_once(')') else { return 0.0 };
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

/// This process's peak resident set size (`VmHWM`), Linux only.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// The exit code of the last child [`wait_with_usage`] reaped (-1 when a
/// signal ended it), for the phases that report it.
static LAST_EXIT_CODE: std::sync::atomic::AtomicI32 =
    std::sync::atomic::AtomicI32::new(0);

/// Waits for `child`; returns whether it succeeded, its peak resident set
/// size in bytes and its CPU time (0 where the platform does not say).
fn wait_with_usage(mut child: std::process::Child) -> Result<(bool, u64, f64), String> {
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    {
        let _ = &mut child;
        rusage::wait4_child(child.id())
    }
    #[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
    {
        let status = child.wait().map_err(|error| error.to_string())?;
        LAST_EXIT_CODE
            .store(status.code().unwrap_or(-1), std::sync::atomic::Ordering::Relaxed);
        Ok((status.success(), 0, 0.0))
    }
}

/// `wait4(2)`, the one way to learn a child's peak memory without another
/// process in between; std does not expose it and the bench is not worth a
/// dependency on `libc` for the library.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
mod rusage {
    /// `struct rusage` on 64-bit Linux: two `timeval`s (user, system), then
    /// 14 `long`s, the first `ru_maxrss` (KiB).
    #[repr(C)]
    #[allow(dead_code, reason = "filled in by the kernel; only some fields are read")]
    struct RUsage {
        times: [i64; 4],
        max_rss_kib: i64,
        rest: [i64; 13],
    }

    unsafe extern "C" {
        fn wait4(pid: i32, status: *mut i32, options: i32, usage: *mut RUsage) -> i32;
    }

    pub fn wait4_child(pid: u32) -> Result<(bool, u64, f64), String> {
        let mut status = 0i32;
        let mut usage = RUsage { times: [0; 4], max_rss_kib: 0, rest: [0; 13] };
        let pid = i32::try_from(pid).map_err(|_| "bad child pid".to_string())?;
        loop {
            // SAFETY: both pointers are to live, correctly sized locals; the
            // child has not been waited for by std (we own its handle).
            let reaped = unsafe { wait4(pid, &mut status, 0, &mut usage) };
            if reaped == pid {
                break;
            }
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::Interrupted {
                return Err(format!("wait4: {error}"));
            }
        }
        // WIFEXITED and WEXITSTATUS == 0.
        let success = status & 0x7f == 0 && (status >> 8) & 0xff == 0;
        super::LAST_EXIT_CODE.store(
            if status & 0x7f == 0 { (status >> 8) & 0xff } else { -1 },
            std::sync::atomic::Ordering::Relaxed,
        );
        let [user_s, user_us, system_s, system_us] = usage.times;
        let cpu_seconds = (user_s + system_s) as f64 + (user_us + system_us) as f64 / 1e6;
        Ok((success, u64::try_from(usage.max_rss_kib).unwrap_or(0) * 1024, cpu_seconds))
    }
}
