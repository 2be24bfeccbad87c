//! One module per subcommand; each returns the exit code it earned.

mod adapters;
mod aws;
mod check_plan;
mod diff;
mod inspect;
mod parity;
#[cfg(feature = "aws")]
mod progress;
mod remediate;
mod report;
mod rules;
mod scan;
mod snapshot;

use anyhow::Result;

pub use adapters::AdapterList;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Scan(args) => scan::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Adapters(args) => adapters::run(&args),
        Command::CheckPlan(args) => check_plan::run(&args),
        Command::Remediate(args) => remediate::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Parity(args) => parity::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Snapshot(args) => snapshot::run(&args),
        Command::Completions(args) => {
            crate::output::write_stdout(|out| {
                let mut command = <crate::cli::Cli as clap::CommandFactory>::command();
                clap_complete::generate(args.shell, &mut command, "plumb", out);
                Ok(())
            })?;
            Ok(crate::exit::OK)
        }
        Command::Man => {
            let command = <crate::cli::Cli as clap::CommandFactory>::command();
            crate::output::write_stdout(|out| clap_mangen::Man::new(command).render(out))?;
            Ok(crate::exit::OK)
        }
        Command::IamPolicy => {
            let policy = aws::iam_policy()?;
            crate::output::write_stdout(|out| std::io::Write::write_all(out, policy.as_bytes()))?;
            Ok(crate::exit::OK)
        }
    }
}
