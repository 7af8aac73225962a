//! The `biblink` command line: parses arguments, runs a command, maps the
//! outcome to an exit code (see `cli::exit`).

mod cli;

fn main() {
    // Output piped into a reader that stops early (`biblink find x | head`):
    // `println!` then panics on the closed pipe. That is the reader's choice,
    // not an error: end quietly with 0, as ripgrep does.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default_hook(info);
    }));
    let code = cli::run();
    std::process::exit(code as i32);
}
