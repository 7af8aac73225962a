//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes: 0 success; 1 input errors (nothing written) or nothing found; 2 usage or I/O error.

Examples:
  biblink build                     rebuild refs/ from the sources in biblink.toml (default: seeds/)
  biblink import library.ris more.bib
  biblink find 'alipay 2019'
  biblink show chong2019cashless --json
  biblink export --format json > refs.json";

/// biblink: RIS and BibLaTeX into one deterministic, diff-friendly BibLaTeX store.
#[derive(Debug, Parser)]
#[command(name = "biblink", version = concat!(env!("CARGO_PKG_VERSION"), " (data model ", "1", ")"), about, after_help = AFTER_HELP)]
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

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rebuild the store from the sources listed in biblink.toml (default: every file in seeds/)
    ///
    /// The store is rebuilt from scratch, so the same sources always give the same
    /// refs/ (keys of works already in the store are kept). Files that are neither
    /// RIS nor BibLaTeX are skipped with a note. If any input has an error, nothing
    /// is written and the exit code is 1.
    ///
    /// Example: biblink build
    Build {
        /// Treat warnings as errors: write nothing if any input has a warning
        #[arg(long)]
        strict: bool,
    },
    /// Import RIS or BibLaTeX files into the store, merging duplicates
    ///
    /// Each entry becomes a new work with a generated key, or merges into the
    /// work with the same DOI (or title + year + first author); conflicting
    /// values keep the stored one and are reported. If any file has an error,
    /// nothing is written and the exit code is 1.
    ///
    /// Example: biblink import export.ris thesis.bib
    Import {
        /// Files to import (RIS or BibLaTeX; the format is detected)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Treat warnings as errors: write nothing if any input has a warning
        #[arg(long)]
        strict: bool,
    },
    /// Write entries of the store to stdout (all, or the KEYS given)
    ///
    /// Example: biblink export --format json chong2019cashless
    Export {
        /// Output format
        #[arg(long, value_enum, default_value_t = ExportFormat::Biblatex)]
        format: ExportFormat,
        /// Keys to export [default: all]
        #[arg(value_name = "KEYS")]
        keys: Vec<String>,
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
    },
}

/// Formats of `biblink export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// BibLaTeX, as in the store
    Biblatex,
    /// A JSON array of entries (the shape of every --json output)
    Json,
}
