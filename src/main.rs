//! The `biblink` command line: parses arguments, runs a command, maps the
//! outcome to an exit code (see `cli::exit`).

mod cli;

fn main() {
    let code = cli::run();
    std::process::exit(code as i32);
}
