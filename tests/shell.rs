//! Shell conventions: completion scripts that the shells parse, a man page
//! in valid roff naming every subcommand, colour only on request, and a
//! `--version` that names the data-model version.

mod common;

use std::process::Command;

use common::{Project, stderr, stdout};

fn script(shell: &str) -> String {
    let project = Project::new();
    let output = project.run(&["completions", shell]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("biblink"), "{shell}: {text}");
    for subcommand in ["import", "export", "cite", "completions", "man"] {
        assert!(text.contains(subcommand), "{shell} script lacks {subcommand}");
    }
    text
}

/// Runs `shell flag script` and asserts it parses; `None` when the shell is
/// not installed (only that shell's check is skipped, with a message).
fn parses(shell: &str, flag: &str, text: &str) -> Option<()> {
    let Ok(path) = which(shell) else {
        eprintln!(
            "{shell} is not installed: its completion script was generated but not parsed"
        );
        return None;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("completion");
    std::fs::write(&file, text).expect("write script");
    let output = Command::new(path).arg(flag).arg(&file).output().expect("run shell");
    assert!(
        output.status.success(),
        "{shell} {flag} rejects the script: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(())
}

fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .chain(["/usr/bin".into(), "/bin".into()])
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .ok_or(())
}

#[test]
fn bash_completion_parses() {
    let text = script("bash");
    assert!(parses("bash", "-n", &text).is_some(), "bash is always installed");
}

#[test]
fn zsh_completion_parses_if_zsh_exists() {
    let text = script("zsh");
    assert!(text.starts_with("#compdef biblink"), "{text}");
    parses("zsh", "-n", &text);
}

#[test]
fn fish_completion_parses_if_fish_exists() {
    let text = script("fish");
    assert!(text.contains("complete -c biblink"), "{text}");
    parses("fish", "--no-execute", &text);
}

#[test]
fn man_page_is_roff_naming_every_subcommand() {
    let project = Project::new();
    let output = project.run(&["man"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let roff = stdout(&output);
    assert!(
        roff.starts_with(".ie \\n(.g .ds Aq") || roff.contains(".TH biblink"),
        "{roff}"
    );
    assert!(roff.contains(".TH biblink"), "no title macro");
    for subcommand in [
        "build",
        "import",
        "export",
        "claims",
        "link",
        "check",
        "cites",
        "resolve",
        "show",
        "find",
        "parse",
        "eval",
        "cite",
        "completions",
        "man",
    ] {
        assert!(
            roff.contains(&format!("biblink {subcommand}"))
                || roff.contains(&format!("biblink\\-{subcommand}"))
                || roff.contains(&format!("BIBLINK {}", subcommand.to_uppercase())),
            "the man page does not document `{subcommand}`"
        );
    }
    // groff reads it (UTF-8 through preconv, `-k`, as man-db does) without
    // warnings when it is installed (it is on Debian).
    if let Ok(groff) = which("groff") {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("biblink.1");
        std::fs::write(&file, &roff).expect("write");
        let output = Command::new(groff)
            .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
            .arg(&file)
            .output()
            .expect("run groff");
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "groff: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn version_names_the_data_model() {
    let project = Project::new();
    let output = project.run(&["--version"]);
    assert!(output.status.success());
    assert_eq!(
        stdout(&output).trim(),
        format!(
            "biblink {} (data model {})",
            env!("CARGO_PKG_VERSION"),
            biblink::DATA_MODEL_VERSION
        )
    );
}

#[test]
fn no_colour_off_a_terminal_or_with_no_color() {
    let project = Project::new();
    project.write("bad.bib", "@article{k,\n  title = {T},\n");
    for with_no_color in [true, false] {
        let mut command = common::biblink(project.path());
        if !with_no_color {
            command.env_remove("NO_COLOR");
        }
        // Help (clap's styles) and check output (anstream), both piped.
        for args in [&["--help"][..], &["check", "bad.bib"][..]] {
            let output = command.args(args).output().expect("run");
            let all = [output.stdout, output.stderr].concat();
            assert!(
                !all.contains(&0x1b),
                "escape codes in {args:?} (NO_COLOR {with_no_color})"
            );
            command = common::biblink(project.path());
            if !with_no_color {
                command.env_remove("NO_COLOR");
            }
        }
    }
    // Forced colour on stdout (CLICOLOR_FORCE) is still switched off by NO_COLOR.
    let output = common::biblink(project.path())
        .env("CLICOLOR_FORCE", "1")
        .args(["check", "bad.bib"])
        .output()
        .expect("run");
    assert!(!output.stdout.contains(&0x1b), "NO_COLOR beats CLICOLOR_FORCE");
}

#[test]
fn verbose_says_what_it_read_and_quiet_conflicts_with_it() {
    let project = Project::new();
    for name in ["references.bib", "provenance.jsonl"] {
        project.write(
            &format!("refs/{name}"),
            std::fs::read(common::repo().join("refs").join(name)).expect("seed store"),
        );
    }
    let output = project.run(&["--verbose", "find", "cashless"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("entries from"), "{}", stderr(&output));
    let output = project.run(&["--verbose", "--quiet", "find", "cashless"]);
    assert_eq!(output.status.code(), Some(2));
}
