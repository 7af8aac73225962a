//! The command-line interface: one file per subcommand.

mod args;
mod build;
mod check;
mod cite;
mod claims;
mod eval;
mod exit;
mod export;
mod find;
mod import;
mod output;
mod parse;
mod resolve;
mod shell;
mod show;

use std::path::{Path, PathBuf};

use biblink::config::Config;
use biblink::diag::{Diagnostic, Severity};
use biblink::store::Store;
use clap::Parser;

pub use args::{Cli, Command};
pub use exit::ExitCode;

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code =
                if error.use_stderr() { ExitCode::Failure } else { ExitCode::Success };
            let _ = error.print();
            return code;
        }
    };
    let context = match Context::new(&cli) {
        Ok(context) => context,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::Failure;
        }
    };
    let result = match &cli.command {
        Command::Build { strict } => build::run(&context, *strict),
        Command::Import { files, strict, reflist } => {
            import::run(&context, files, *strict, *reflist)
        }
        Command::Export { format, cited_by: Some(paper), output, .. } => {
            claims::run_export_cited_by(&context, paper, output.as_deref(), *format)
        }
        Command::Export { format, keys, cited_by: None, output } => {
            export::run(&context, *format, keys, output.as_deref())
        }
        Command::Claims { file, propose_sources } => {
            claims::run_claims(&context, file, *propose_sources)
        }
        Command::Link { files, html, propose_sources } => {
            claims::run_link(&context, files, html.as_deref(), *propose_sources)
        }
        Command::Check {
            paths,
            paper,
            format,
            fail_on,
            online,
            offline,
            refresh,
            list_rules,
        } => check::run(
            &context,
            &check::CheckArgs {
                paths,
                papers: paper,
                format: *format,
                fail_on: *fail_on,
                online: *online,
                offline: *offline,
                refresh: *refresh,
                list_rules: *list_rules,
            },
        ),
        Command::Cites { key } => claims::run_cites(&context, key),
        Command::Resolve {
            keys,
            prefer,
            find_missing,
            offline,
            refresh,
            concurrency,
            timeout,
        } => resolve::run(
            &context,
            &resolve::Options {
                keys,
                prefer_remote: *prefer == args::Prefer::Remote,
                find_missing: *find_missing,
                offline: *offline,
                refresh: *refresh,
                concurrency: concurrency.map(usize::from),
                timeout: *timeout,
            },
        ),
        Command::Show { key } => show::run(&context, key),
        Command::Find { query, cite, style } => {
            find::run(&context, &query.join(" "), cite.then_some(style.as_str()))
        }
        Command::Cite { keys, style, format, in_text } => {
            cite::run(&context, keys, style, *format, *in_text)
        }
        Command::Completions { shell } => shell::completions(*shell),
        Command::Man => shell::man(),
        Command::Parse { reference } => parse::run(&context, reference),
        Command::Eval { target } => eval::run(&context, target),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::Failure
        }
    }
}

/// What every command needs: the project root, its configuration, the store
/// directory and the output options.
pub struct Context {
    pub root: PathBuf,
    pub config: Config,
    pub store_dir: PathBuf,
    pub json: bool,
    pub quiet: bool,
    /// `--verbose`: extra detail on stderr (files read, counts, timings).
    pub verbose: bool,
}

impl Context {
    fn new(cli: &Cli) -> Result<Context, String> {
        let root = std::env::current_dir()
            .map_err(|error| format!("current directory: {error}"))?;
        let config = Config::load(&root).map_err(|error| error.to_string())?;
        let store_dir = cli.store.clone().unwrap_or_else(|| root.join(&config.store));
        Ok(Context {
            root,
            config,
            store_dir,
            json: cli.json,
            quiet: cli.quiet,
            verbose: cli.verbose,
        })
    }

    /// A path as it is recorded in provenance: relative to the project root when inside it.
    pub fn display_path(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        relative.to_string_lossy().replace('\\', "/")
    }

    /// Loads the store for reading (shared lock held while reading).
    pub fn read_store(&self) -> Result<Store, String> {
        let _lock = Store::lock(&self.store_dir, false, || {
            eprintln!(
                "waiting for another biblink to release {}",
                self.store_dir.display()
            );
        })
        .map_err(|error| error.to_string())?;
        let started = std::time::Instant::now();
        let parsed = Store::load(&self.store_dir, &self.config.key_pattern)
            .map_err(|error| error.to_string())?;
        if self.verbose {
            eprintln!(
                "read {} entries from {} in {:.1} ms",
                parsed.value.entries().len(),
                self.store_dir.display(),
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        if parsed.has_errors() {
            self.print_diagnostics(&parsed.diagnostics);
            return Err(format!(
                "the store in {} is damaged; fix the errors above",
                self.store_dir.display()
            ));
        }
        Ok(parsed.value)
    }

    /// Takes the store's lock for writing and loads the store (an error when
    /// it is damaged): what every command that changes the store starts with.
    pub fn lock_and_load(&self) -> Result<(biblink::store::StoreLock, Store), String> {
        let lock = Store::lock(&self.store_dir, true, || {
            eprintln!(
                "waiting for another biblink to release {}",
                self.store_dir.display()
            );
        })
        .map_err(|error| error.to_string())?;
        let loaded = Store::load(&self.store_dir, &self.config.key_pattern)
            .map_err(|e| e.to_string())?;
        if loaded.has_errors() {
            self.print_diagnostics(&loaded.diagnostics);
            return Err(format!(
                "the store in {} is damaged; fix the errors above",
                self.store_dir.display()
            ));
        }
        Ok((lock, loaded.value))
    }

    /// Prints diagnostics on stderr (errors only with --quiet).
    pub fn print_diagnostics(&self, diagnostics: &[Diagnostic]) {
        for diagnostic in diagnostics {
            if self.quiet && diagnostic.severity < Severity::Error {
                continue;
            }
            eprintln!("{}", diagnostic.render());
        }
    }
}
