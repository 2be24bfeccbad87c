//! `plumb`: is your AWS infrastructure still plumb with its Terraform code? The command line
//! is the `plumb_cli` library; the binary adds what only a process has: the allocator and the
//! panic hook.

use std::process::ExitCode;

use plumb_cli::exit;

/// Reading a large state is mostly allocation (a string and a map per attribute, on every core);
/// mimalloc makes that markedly cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    install_panic_hook();
    ExitCode::from(plumb_cli::run_from(std::env::args_os()))
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
