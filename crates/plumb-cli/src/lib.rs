//! `plumb`'s command line as a library: arguments in, an exit code out. The binary
//! (`src/main.rs`) adds the allocator and the panic hook; tests run commands in process
//! through [`run_from`].
//!
//! The commands are thin on purpose: they parse arguments, hand the work to the library crates
//! (plumb-scan for the scan), render and map the outcome to an exit code.

mod cli;
mod clock;
mod commands;
mod formats;
mod inputs;
mod output;

/// Exit codes shared by every command (ARCHITECTURE.md, "Contracts").
pub mod exit {
    /// Nothing at or above `--fail-on` (or, for `inspect`, success).
    pub const OK: u8 = 0;
    /// An error: bad input, a failed read. Never used for "drift found".
    pub const ERROR: u8 = 1;
    /// Drift (or a parity finding, or a change) at or above `--fail-on`.
    pub const FOUND: u8 = 2;
}

/// Runs the command `args` name (`args[0]` is the program's name, as `std::env::args_os`
/// gives it) and returns its exit code. Errors are printed as one line on standard error.
pub fn run_from<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::Parser as _;
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // clap exits 2 on usage errors, which CI would read as "drift found".
            let code = if err.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
            let _ = err.print();
            return code;
        }
    };
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // Errors quote input (names, values, file names): nothing raw reaches the terminal.
            eprintln!("error: {}", plumb_report::escape::visible(&one_line(&err)));
            exit::ERROR
        }
    }
}

/// The error and its causes on one line, each cause said once: libraries already put an I/O
/// error's meaning in their own message, so its raw text (`No such file or directory (os error
/// 2)`) is dropped when the line says it already.
fn one_line(err: &anyhow::Error) -> String {
    fn gist(text: &str) -> String {
        let text = text.to_lowercase();
        match text.find(" (os error") {
            Some(at) => text[..at].to_owned(),
            None => text,
        }
    }
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        let said = gist(&text);
        if !parts.iter().any(|p| p.to_lowercase().contains(&said)) {
            parts.push(text);
        }
    }
    parts.join(": ").replace('\n', " ")
}
