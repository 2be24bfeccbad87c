//! `plumb`: is your AWS infrastructure still plumb with its Terraform code?
//!
//! The binary is thin on purpose: it parses arguments, reads inputs through the library crates,
//! hands them to a renderer and maps the outcome to an exit code. Everything that can be tested
//! without a process lives in the libraries.

mod cli;
mod clock;
mod commands;
mod formats;
mod inputs;
mod output;

use std::process::ExitCode;

use clap::Parser;

/// Reading a large state is mostly allocation (a string and a map per attribute, on every core);
/// mimalloc makes that markedly cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes shared by every command (see the design's Contracts).
pub mod exit {
    /// Nothing at or above `--fail-on` (or, for `inspect`, success).
    pub const OK: u8 = 0;
    /// An error: bad input, a failed read. Never used for "drift found".
    pub const ERROR: u8 = 1;
    /// Drift (or a parity finding, or a change) at or above `--fail-on`.
    pub const FOUND: u8 = 2;
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap exits 2 on usage errors, which CI would read as "drift found".
            let code = if err.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // Errors quote input (names, values, file names): nothing raw reaches the terminal.
            eprintln!("error: {}", plumb_report::escape::visible(&one_line(&err)));
            ExitCode::from(exit::ERROR)
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

/// A bug must still end in one line and exit 1, never a backtrace in a CI log.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error in plumb ({message}{place}); please report it");
        std::process::exit(i32::from(exit::ERROR));
    }));
}
