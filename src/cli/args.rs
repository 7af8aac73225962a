//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes: 0 success; 1 input errors (nothing written) or nothing found; 2 usage or I/O error.

Examples:
  biblink build                     rebuild refs/ from the sources in biblink.toml (default: seeds/)
  biblink import library.ris more.bib
  biblink import paper.md           every reference of the paper's reference list
  biblink parse 'Hong, Y. (2017). *Networking China*. Urbana, IL: Univ. of Illinois Press.'
  biblink parse --json - < references.txt > entries.jsonl
  biblink find 'alipay 2019'
  biblink show chong2019cashless --json
  biblink export --format json > refs.json
  biblink claims paper.md           every callout, its sentence and its reference
  biblink link paper.md --html paper.html
  biblink cites hong2017networking  every recorded claim citing an entry
  biblink export --cited-by paper.md -o paper.bib
  biblink check                     validate refs/ and the sources (CI: exit 1 on errors)
  biblink check refs.bib --paper paper.md --format github";

/// biblink: RIS, BibLaTeX and the reference lists of papers into one deterministic,
/// diff-friendly BibLaTeX store.
#[derive(Debug, Parser)]
#[command(name = "biblink", version = version(), about, after_help = AFTER_HELP)]
pub struct Cli {
    /// The store directory [default: `store` in biblink.toml, else refs]
    #[arg(long, global = true, value_name = "DIR")]
    pub store: Option<PathBuf>,

    /// Print machine-readable JSON on stdout (one document) instead of text
    #[arg(long, global = true)]
    pub json: bool,

    /// Print only errors
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Print extra detail on stderr: files read, entries loaded, timings
    #[arg(long, short, global = true, conflicts_with = "quiet")]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rebuild the store from the sources listed in biblink.toml (default: every file in seeds/)
    ///
    /// The store is rebuilt from scratch, so the same sources always give the same
    /// refs/ (keys of works already in the store are kept). Documents with a
    /// reference list (a "References", "Bibliography", "Works Cited", ... section)
    /// add every reference; files that are neither RIS, BibLaTeX nor such a
    /// document are skipped with a note. If any input has an error, nothing is
    /// written and the exit code is 1.
    ///
    /// Example: biblink build
    Build {
        /// Treat warnings as errors: write nothing if any input has a warning
        #[arg(long)]
        strict: bool,
    },
    /// Import RIS or BibLaTeX files, or the reference lists of papers, into the store
    ///
    /// Each entry becomes a new work with a generated key, or merges into the
    /// work with the same DOI (or title + year + first author); conflicting
    /// values keep the stored one and are reported. If any file has an error,
    /// nothing is written and the exit code is 1.
    ///
    /// A document (markdown or plain text) that is neither RIS nor BibLaTeX is
    /// read for its reference list: the section under a heading such as
    /// "References", "Bibliography" or "Works Cited", split into list items,
    /// paragraphs or lines. Every reference is parsed and added with its
    /// provenance (paper.md:LINE); a summary says how many were parsed, merged
    /// with existing entries and read with warnings. --reflist reads every FILE
    /// this way, and a file without such a heading as one whole reference list.
    ///
    /// Examples:
    ///   biblink import export.ris thesis.bib
    ///   biblink import paper.md
    ///   biblink import --reflist references.txt
    #[command(verbatim_doc_comment)]
    Import {
        /// Files to import (RIS, BibLaTeX or documents; the format is detected)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Treat warnings as errors: write nothing if any input has a warning
        #[arg(long)]
        strict: bool,
        /// Read every FILE as a document with a reference list (the whole file
        /// when it has no reference heading)
        #[arg(long)]
        reflist: bool,
    },
    /// Write entries of the store to stdout (all, or the KEYS given)
    ///
    /// With --cited-by PAPER, exactly the entries the paper cites (its
    /// reference list is read and merged as `biblink claims` does): what
    /// LaTeX or pandoc needs for the paper. If any callout of the paper
    /// resolves to no reference or to several, each is named on stderr
    /// (file:line:column), nothing is written and the exit code is 1, so the
    /// command can guard a build.
    ///
    /// Examples:
    ///   biblink export --format json chong2019cashless
    ///   biblink export --cited-by paper.md -o paper.bib
    #[command(verbatim_doc_comment)]
    Export {
        /// Output format
        #[arg(long, value_enum, default_value_t = ExportFormat::Biblatex)]
        format: ExportFormat,
        /// Keys to export [default: all]
        #[arg(value_name = "KEYS", conflicts_with = "cited_by")]
        keys: Vec<String>,
        /// Export the entries this paper cites
        #[arg(long, value_name = "PAPER")]
        cited_by: Option<PathBuf>,
        /// Write to this file (atomically) instead of stdout
        #[arg(long, short, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// List the cited claims of a paper in document order
    ///
    /// Finds every in-text citation in the body of FILE — author-year
    /// parentheticals `(Xinhua, 2015a)`, `(e.g., Cao et al., 2002; Shim & Shin
    /// 2016, p. 3)`, narrative citations `Yuezhi Zhao (2007)`, `Wang's (2017)`,
    /// numeric `[1]`, `[2–5]`, `[2]-[4]` when the list is numbered — the
    /// sentence it supports, and the reference of FILE's own reference list it
    /// points to (with the key that reference has, or would get, in the store;
    /// nothing is written). Reports callouts that are ambiguous or resolve to
    /// nothing (with candidates), references never cited, and mismatches
    /// between a callout and its reference (year, suffix, spelling, a date in
    /// the URL or the sentence). In text without a reference list (news),
    /// lists the claims attributed to named sources instead, each linked to
    /// the store entry of its source when one has that name as author,
    /// organization or institution (--propose-sources proposes stubs).
    ///
    /// --json prints {"document", "callouts": [...], "uncited": [{"key",
    /// "ref_index", "ref_line"}], "mismatches": [{"callout", "key", "kind",
    /// "message"}]}; each callout has "text", "byte_start", "byte_end" (UTF-8
    /// byte offsets), "char_start", "char_end", "line", "column", "kind",
    /// "status" (resolved, ambiguous, unresolved), "sentence" ({"text",
    /// "byte_start", "byte_end", ...}), "targets" ([{"key", "ref_index",
    /// "ref_line", "doi", "url"}]), "candidates" when not resolved, and "items"
    /// (each cited work with its own span); attributed claims have "kind":
    /// "attribution", "source", "named", "cue", "quotes", "via".
    ///
    /// Examples:
    ///   biblink claims seeds/000_68118a06d3e3690d.txt
    ///   biblink claims --json paper.md | jq '.callouts[] | select(.status != "resolved")'
    #[command(verbatim_doc_comment)]
    Claims {
        /// The paper (markdown or plain text)
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// For attributed claims whose named source has no entry in the store,
        /// propose an inferred @online (or @report) stub (printed, not written)
        #[arg(long)]
        propose_sources: bool,
    },
    /// Link papers: add their references and their claims to the store
    ///
    /// Imports each FILE's reference list into the store (as `import` does)
    /// and records every claim (callouts with their sentence and target keys)
    /// in refs/claims.jsonl, one JSON object a line, sorted by document and
    /// offset (a document's lines are replaced when it is linked again).
    /// Prints a summary: callouts found, resolved, ambiguous, unresolved;
    /// references never cited; mismatches (as warnings).
    ///
    /// Examples:
    ///   biblink link paper.md
    ///   biblink link paper.md --html paper.html
    #[command(verbatim_doc_comment)]
    Link {
        /// Papers to link
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Also write a self-contained HTML page of the (first) paper: callouts
        /// link to their references, references show their DOI/URL and the
        /// claims citing them, unresolved callouts are highlighted
        #[arg(long, value_name = "OUT")]
        html: Option<PathBuf>,
        /// Add an inferred @online (or @report) stub entry for each named
        /// source of an attributed claim that has no entry in the store (marked
        /// with a note and the claim's document and line as provenance)
        #[arg(long)]
        propose_sources: bool,
    },
    /// Fetch DOI metadata from the registries and merge it into the store
    ///
    /// Every entry with a DOI (or the KEYS given) is looked up: Crossref's REST
    /// API first, then DataCite, then content negotiation at the DOI resolver
    /// (mEDRA, JaLC, ...). Fields the entry lacks are filled; values that differ
    /// are reported as conflicts and kept (--prefer remote overwrites them);
    /// nothing changes without a report line. Responses are cached (under the
    /// user's cache directory, or BIBLINK_CACHE_DIR), so a second run is offline.
    /// Each entry that could not be resolved is named with its DOI and the reason
    /// (not found, timeout, HTTP 503, ...); the others are saved anyway.
    ///
    /// --find-missing looks up entries without a DOI with Crossref's bibliographic
    /// search and takes a candidate only when its title is close (trigram
    /// similarity >= 0.8, measured with `biblink eval matching`), and its year and
    /// first author agree; other candidates are listed, not applied.
    ///
    /// Configuration: [resolve] in biblink.toml, overridden by BIBLINK_DOI_RESOLVER,
    /// BIBLINK_CROSSREF_API, BIBLINK_DATACITE_API, BIBLINK_CACHE_DIR, BIBLINK_MAILTO.
    /// Exit codes: 0 every DOI resolved; 1 some were not found or failed; 2 usage or I/O.
    ///
    /// Examples:
    ///   BIBLINK_MAILTO=me@example.org biblink resolve
    ///   biblink resolve chong2019cashless --prefer remote
    ///   biblink resolve --offline --json
    #[command(verbatim_doc_comment)]
    Resolve {
        /// Entries to resolve [default: every entry with a DOI]
        #[arg(value_name = "KEYS")]
        keys: Vec<String>,
        /// Whose value wins where the store and the registry disagree
        #[arg(long, value_enum, default_value_t = Prefer::Local)]
        prefer: Prefer,
        /// Also look for the DOI of entries that have none
        #[arg(long)]
        find_missing: bool,
        /// Use only cached responses (no network)
        #[arg(long, conflicts_with = "refresh")]
        offline: bool,
        /// Ignore cached responses (and cache the new ones)
        #[arg(long)]
        refresh: bool,
        /// Requests in flight at once [default: what the server allows; 8 without limits]
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: Option<u16>,
        /// Seconds before a request is given up [default: 20]
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<u64>,
    },
    /// Validate references: bibliographies, papers, the store and its sources (for CI)
    ///
    /// Each finding has a stable rule id, a severity and file:line:column (a field's
    /// finding at the field's line, an entry's at its `@type{key,` line). The checks:
    /// syntax and duplicate keys; biblatex's data model (required fields per type,
    /// unknown types and fields, dates, integers, pages, name lists, unescaped TeX
    /// specials, cross-references); DOI, ISBN, ISSN and URL syntax and check digits;
    /// duplicate works (same DOI; same first author, year and title); empty and
    /// placeholder values, mojibake, HTML markup; case protection that differs
    /// between titles, single-hyphen page ranges, DOIs written as links, keys
    /// off the configured pattern. `--list-rules` prints every rule.
    ///
    /// What is checked: each PATH (a .bib, RIS, CSL-JSON, EndNote XML or JATS file,
    /// a store directory, or a directory of such files; documents among them are
    /// checked as papers; the other readers' errors are CSL…, EN… and JATS… findings,
    /// and their entries get the entry rules) and each
    /// --paper (callouts that resolve to nothing or to several references, references
    /// never cited, callout/reference mismatches, cited references missing from the
    /// store). Without PATH and --paper: the project, i.e. the store, every source in
    /// biblink.toml, and whether the store is what its sources build (SYNC001).
    /// --online also asks the DOI registries (through the cache of `biblink resolve`)
    /// whether each DOI exists and its metadata agrees with the entry.
    ///
    /// Output (--format): text (grouped by file, coloured on a terminal unless
    /// NO_COLOR is set), json ({"findings": [{"rule", "name", "severity", "file",
    /// "line", "column", "message", "key", "help"}], "summary": {...}}), github
    /// (`::error file=F,line=L,col=C,title=RULE::message` workflow commands plus a
    /// plain summary) or sarif (SARIF 2.1.0 for code scanning).
    ///
    /// Configuration: [check] in biblink.toml sets fail_on, ignore (rules, or
    /// RULE:key for one entry) and [check.severity] (error, warning, info or off per
    /// rule); key_pattern sets the key pattern.
    /// Exit codes: 0 no finding at or above --fail-on; 1 some; 2 usage or I/O error.
    ///
    /// Examples:
    ///   biblink check
    ///   biblink check refs/ library.bib export.ris --fail-on warning
    ///   biblink check --paper paper.md --format github
    ///   biblink check refs/ --format sarif > biblink.sarif
    #[command(verbatim_doc_comment)]
    Check {
        /// .bib or RIS files, store directories, directories of such files
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// A paper to check against its reference list and the store (repeatable)
        #[arg(long, value_name = "FILE")]
        paper: Vec<PathBuf>,
        /// Output format [default: text, json with --json]
        #[arg(long, value_enum)]
        format: Option<CheckFormat>,
        /// The lowest severity that makes the exit code 1 [default: [check] fail_on, else error]
        #[arg(long, value_enum, value_name = "SEVERITY")]
        fail_on: Option<FailOn>,
        /// Also check every DOI against its registry (uses the cache of `biblink resolve`)
        #[arg(long)]
        online: bool,
        /// With --online: only cached registry answers (no network)
        #[arg(long, requires = "online", conflicts_with = "refresh")]
        offline: bool,
        /// With --online: ignore cached answers
        #[arg(long, requires = "online")]
        refresh: bool,
        /// Print every rule (id, name, default severity, what it finds) and exit
        #[arg(long)]
        list_rules: bool,
    },
    /// List every recorded claim that cites an entry (document:line, sentence, source DOI/URL)
    ///
    /// Reads refs/claims.jsonl (written by `build` and `link`). Exit code 1
    /// when the key is unknown or nothing cites it.
    ///
    /// Example: biblink cites hong2017networking
    Cites {
        /// The citation key
        key: String,
    },
    /// Show one entry, as BibLaTeX (or JSON with --json) plus where it came from
    ///
    /// Example: biblink show chong2019cashless
    Show {
        /// The citation key
        key: String,
    },
    /// Search keys, authors, titles and years (case- and accent-insensitive)
    ///
    /// Every word of the query must match. Exit code 1 when nothing matches.
    ///
    /// Example: biblink find 'chong cashless'
    Find {
        /// Words to look for
        #[arg(required = true)]
        query: Vec<String>,
        /// Print the matches as formatted references (see `biblink cite`)
        #[arg(long)]
        cite: bool,
        /// Citation style of --cite: a bundled name or a .csl file
        #[arg(long, value_name = "STYLE", default_value = "apa", requires = "cite")]
        style: String,
    },
    /// Print formatted references (or in-text citations) of entries
    ///
    /// Formats with hayagriva's CSL processor and its bundled styles: apa,
    /// chicago-author-date, ieee, harvard (Cite Them Right), mla; or any CSL 1.0
    /// style file (`--style my.csl`). Prints one reference-list entry a line, in
    /// the order of the KEYs given; --in-text prints the in-text citation of all
    /// KEYs together instead. Exit 1 if a KEY is not in the store; exit 2 for an
    /// unknown style name or a style file that does not parse.
    ///
    /// Examples:
    ///   biblink cite chong2019cashless
    ///   biblink cite chong2019cashless hong2017networking --style ieee --format html
    ///   biblink cite chong2019cashless --in-text --style chicago-author-date
    #[command(verbatim_doc_comment)]
    Cite {
        /// Keys of the entries to cite
        #[arg(required = true, value_name = "KEY")]
        keys: Vec<String>,
        /// Citation style: apa, chicago-author-date, ieee, harvard, mla, or a .csl file
        #[arg(long, value_name = "STYLE", default_value = "apa")]
        style: String,
        /// Output markup: plain text, HTML (<i>...</i>) or markdown (*...*)
        #[arg(long, value_enum, default_value_t = CiteFormat::Text)]
        format: CiteFormat,
        /// Print the in-text citation instead of the reference-list entries
        #[arg(long)]
        in_text: bool,
    },
    /// Print a shell completion script on stdout
    ///
    /// Examples:
    ///   biblink completions bash > ~/.local/share/bash-completion/completions/biblink
    ///   biblink completions zsh > ~/.zfunc/_biblink
    ///   biblink completions fish > ~/.config/fish/completions/biblink.fish
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the manual page (roff) on stdout
    ///
    /// Example: biblink man > biblink.1 && man ./biblink.1
    Man,
    /// Parse a free-text reference and print it as BibLaTeX (or JSON with --json)
    ///
    /// The reference is read as in a paper's reference list (markdown italics,
    /// links and escapes are understood); the entry gets the key the store would
    /// give it if it were new. Nothing is written to the store. Warnings go to
    /// stderr as `<argument>:1:1: warning[REF006]: ...`.
    ///
    /// With `-`, one reference per line is read from standard input (blank lines
    /// are skipped): with --json the output is JSON Lines, one compact entry per
    /// line in input order, each with the input line in `sources`
    /// (`{"file": "<stdin>", "line_start": 3, ...}`); without it, BibLaTeX
    /// entries separated by blank lines. Exit code 1 when the reference is empty.
    ///
    /// Examples:
    ///   biblink parse 'Wong, G. (2015b, June 26). Alibaba bank. *The Wall Street Journal*.'
    ///   biblink parse --json 'Zhao, Y. (2007). After mobile phones. *IJoC* 1(1): 92–120.'
    ///   biblink parse --json - < references.txt > entries.jsonl
    #[command(verbatim_doc_comment)]
    Parse {
        /// The reference, or `-` to read one reference per line from standard input
        #[arg(value_name = "REFERENCE")]
        reference: String,
    },
    /// Evaluate the reference-string labeller on annotated corpora
    ///
    /// Example: biblink eval refstrings ../shared/data/refstrings/*.jsonl --by-corpus
    Eval {
        /// What to evaluate
        #[command(subcommand)]
        target: EvalTarget,
    },
}

/// What `biblink eval` evaluates.
#[derive(Debug, Subcommand)]
pub enum EvalTarget {
    /// Per-field precision, recall and F1 of the labeller on reference-string corpora
    ///
    /// Each FILE holds annotated references, one JSON object a line
    /// (`{"id", "text", "segments", "fields"}`, the format of
    /// ../shared/data/refstrings/README.md). Every `text` is labelled with the
    /// built-in model; a field is correct when it equals the gold field after
    /// lower-casing and dropping everything but letters and digits, the metric
    /// of refstrings_score.py. Prints a table per field with the micro average
    /// (per corpus with --by-corpus, the corpus being the id without its
    /// trailing `-<n>`) and the labelling speed on one core.
    ///
    /// With --predictions, writes `{"id", "fields"}` lines that the official
    /// scorer reads, so the figures can be checked:
    ///   python3 ../shared/tools/refstrings_score.py --gold FILE... --pred OUT.jsonl
    ///
    /// Examples:
    ///   biblink eval refstrings ../shared/data/refstrings/*.jsonl --by-corpus
    ///   biblink eval refstrings cora-dev.jsonl --predictions pred.jsonl --json
    Refstrings {
        /// Annotated corpus files (JSON Lines)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Write the predictions here, one JSON object a line
        #[arg(long, value_name = "OUT")]
        predictions: Option<PathBuf>,
        /// Also print a table for every corpus
        #[arg(long)]
        by_corpus: bool,
        /// Label the references repeatedly for about two seconds to time the labeller
        #[arg(long)]
        bench: bool,
    },
    /// Callout detection and linking against gold papers
    ///
    /// DIR holds one sub-directory per paper with `paper.md` and `gold.json`
    /// (the layout of ../shared/data/papers/, see its README). Each paper is
    /// linked as `biblink claims` links it; gold callouts (one per cited work)
    /// are matched to our items and gold groups (whole parentheticals and
    /// bracket runs) to our callouts by overlapping spans. Prints precision,
    /// recall and F1 of detection and the linking accuracy (the share of
    /// matched callouts whose reference indexes are exactly the gold's), per
    /// paper and in total. --problems lists every miss, false alarm and wrong link.
    ///
    /// Example: biblink eval links ../shared/data/papers
    #[command(verbatim_doc_comment)]
    Links {
        /// Directory of papers
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// List every miss, spurious callout and wrong link
        #[arg(long)]
        problems: bool,
    },
    /// Measure the title-similarity threshold of `resolve --find-missing`
    ///
    /// For every reference of the gold papers in DIR (../shared/data/papers
    /// layout), compares the entry parsed from the printed reference with the
    /// publisher's record of the same work, and with the most similar record
    /// of another work whose year and first author agree: prints how many of
    /// each a threshold would accept.
    ///
    /// Example: biblink eval matching ../shared/data/papers
    #[command(verbatim_doc_comment)]
    Matching {
        /// Directory of papers
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Attributed claims of news text against a gold file
    ///
    /// GOLD is a file in the format of
    /// ../shared/data/seeds-gold/news-attributions.json; each document it
    /// names is read from --documents. Prints precision and recall of claims
    /// with a named source and of all claims, and how often the named source
    /// is right.
    ///
    /// Example: biblink eval attributions ../shared/data/seeds-gold/news-attributions.json
    #[command(verbatim_doc_comment)]
    Attributions {
        /// The gold file
        #[arg(value_name = "GOLD")]
        gold: PathBuf,
        /// Where the documents are
        #[arg(long, value_name = "DIR", default_value = "seeds")]
        documents: PathBuf,
        /// List every miss, spurious claim and wrong source
        #[arg(long)]
        problems: bool,
    },
    /// The JATS XML reader against gold papers
    ///
    /// DIR holds `<id>.xml` articles (../shared/data/jats); the gold of each is
    /// `<id>/gold.json` under --gold (default: DIR/../papers). Prints the share
    /// of equal structured values of the references (authors, year, title,
    /// container, volume, issue, pages, DOI) and the share of gold callouts
    /// whose printed text and target ids the linker reproduces.
    ///
    /// Example: biblink eval jats ../shared/data/jats
    #[command(verbatim_doc_comment)]
    Jats {
        /// Directory of JATS articles
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Directory of the gold papers
        #[arg(long, value_name = "DIR")]
        gold: Option<PathBuf>,
        /// List every difference
        #[arg(long)]
        problems: bool,
    },
}

/// Whose value wins in `biblink resolve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Prefer {
    /// Keep the stored value and report the conflict
    Local,
    /// Take the registry's value and report the update
    Remote,
}

/// Formats of `biblink export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// BibLaTeX, as in the store
    Biblatex,
    /// A JSON array of entries (the shape of every --json output)
    Json,
    /// RIS records (LF line endings), as reference managers import them
    Ris,
    /// Legacy BibTeX for natbib/bibtex users (journal, year/month, number, address; ASCII)
    Bibtex,
    /// CSL-JSON, for pandoc, Zotero and citeproc processors
    CslJson,
}

/// Output markup of `biblink cite`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiteFormat {
    /// Plain text
    Text,
    /// HTML (<i> for italics)
    Html,
    /// Markdown (*...* for italics)
    Markdown,
}

/// Shells of `biblink completions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

/// `biblink --version`: the crate version and the data-model version of the store.
fn version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        format!(
            "{} (data model {})",
            env!("CARGO_PKG_VERSION"),
            biblink::DATA_MODEL_VERSION
        )
    })
}

/// Output formats of `biblink check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Findings grouped by file, for people
    Text,
    /// One JSON document
    Json,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// SARIF 2.1.0
    Sarif,
}

/// The severity at which `biblink check` fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors only
    Error,
    /// Warnings and errors
    Warning,
    /// Any finding
    Info,
    /// Never (report only)
    Never,
}
