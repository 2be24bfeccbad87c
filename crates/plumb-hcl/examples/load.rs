//! Loads a module directory and prints how many `resource` blocks its root module declares.
//!
//! `cargo run -p plumb-hcl --example load -- DIR [DIR...]` prints `DIR<TAB>COUNT` per directory,
//! or `DIR<TAB>error: MESSAGE` (and exits 1 at the end) when a directory fails to load. Used by
//! `scripts/check-public-modules.sh` to compare the loader with a plain line count. With `-v`
//! first, it also lists every block (child modules included) with its location, and the warnings.

use std::path::Path;
use std::process::ExitCode;

use plumb_hcl::{LoadOptions, load_config};
use plumb_model::Mode;

fn main() -> ExitCode {
    let mut failed = false;
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.first().is_some_and(|a| a == "-v");
    if verbose {
        args.remove(0);
    }
    for dir in args {
        match load_config(Path::new(&dir), &LoadOptions::default()) {
            Ok(config) => {
                let count = config
                    .resources
                    .iter()
                    .filter(|r| r.address.mode == Mode::Managed && r.address.module.is_empty())
                    .count();
                println!("{dir}\t{count}");
                if verbose {
                    for r in &config.resources {
                        let unknown = r
                            .attributes
                            .as_map()
                            .map_or(0, |m| m.values().filter(|v| v.contains_unknown()).count());
                        println!(
                            "  {} at {}:{}:{} ({unknown} attributes with unknowns)",
                            r.address, r.location.file, r.location.line, r.location.column
                        );
                    }
                    for w in &config.warnings {
                        println!("  warning: {w}");
                    }
                }
            }
            Err(e) => {
                failed = true;
                println!("{dir}\terror: {e}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
