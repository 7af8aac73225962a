//! Shell conventions: `biblink completions SHELL` and `biblink man`, both
//! generated from the clap definition (one source of truth).

use clap::CommandFactory;
use clap_complete::Shell;

use super::ExitCode;
use super::args::{Cli, CompletionShell};

/// Prints the completion script of `shell` on stdout.
pub fn completions(shell: CompletionShell) -> Result<ExitCode, String> {
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "biblink", &mut std::io::stdout());
    Ok(ExitCode::Success)
}

/// Prints the man page (roff): the main page, then one section per
/// subcommand, so that `man ./biblink.1` documents every command.
pub fn man() -> Result<ExitCode, String> {
    let command = Cli::command();
    let mut out: Vec<u8> = Vec::new();
    let man = clap_mangen::Man::new(command.clone());
    man.render(&mut out).map_err(|error| format!("man page: {error}"))?;
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        render_subcommand(sub, "biblink", &mut out)?;
    }
    use std::io::Write;
    std::io::stdout().write_all(&out).map_err(|error| format!("stdout: {error}"))?;
    Ok(ExitCode::Success)
}

/// One subcommand's section: its synopsis, description and options, as
/// clap_mangen renders them for a page of its own, under a `.SH` heading.
fn render_subcommand(
    sub: &clap::Command,
    parent: &str,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let name = format!("{parent} {}", sub.get_name());
    // clap wants a `'static` name; this runs once per subcommand of a
    // one-shot command.
    let static_name: &'static str = Box::leak(name.clone().into_boxed_str());
    let sub = sub.clone().name(static_name).bin_name(name.clone());
    let man = clap_mangen::Man::new(sub.clone());
    out.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
    man.render_synopsis_section(out).map_err(|error| format!("man page: {error}"))?;
    man.render_description_section(out).map_err(|error| format!("man page: {error}"))?;
    if sub.get_arguments().any(|arg| !arg.is_hide_set()) {
        man.render_options_section(out).map_err(|error| format!("man page: {error}"))?;
    }
    for nested in sub.get_subcommands().filter(|nested| !nested.is_hide_set()) {
        render_subcommand(nested, &name, out)?;
    }
    Ok(())
}
