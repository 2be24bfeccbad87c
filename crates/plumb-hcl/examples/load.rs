//! Loads a module directory and prints how many `resource` blocks its root module declares.
//!
//! `cargo run -p plumb-hcl --example load -- DIR [DIR...]` prints `DIR<TAB>COUNT` per directory,
//! or `DIR<TAB>error: MESSAGE` (and exits 1 at the end) when a directory fails to load. Used by
//! `scripts/check-public-modules.sh` to compare the loader with a plain line count.

use std::path::Path;
use std::process::ExitCode;

use plumb_hcl::{LoadOptions, load_config};
use plumb_model::Mode;

fn main() -> ExitCode {
    let mut failed = false;
    for dir in std::env::args().skip(1) {
        match load_config(Path::new(&dir), &LoadOptions::default()) {
            Ok(config) => {
                let count = config
                    .resources
                    .iter()
                    .filter(|r| r.address.mode == Mode::Managed && r.address.module.is_empty())
                    .count();
                println!("{dir}\t{count}");
            }
            Err(e) => {
                failed = true;
                println!("{dir}\terror: {e}");
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
