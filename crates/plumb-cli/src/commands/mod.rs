//! One module per subcommand; each returns the exit code it earned.

mod adapters;
mod inspect;
mod rules;
mod scan;

use anyhow::Result;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Scan(args) => scan::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Adapters(args) => adapters::run(&args),
    }
}
