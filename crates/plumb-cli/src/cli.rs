//! The command line, as clap reads it. Flags shared by several commands are defined once here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "plumb",
    version,
    about = "Is your AWS infrastructure still plumb with its Terraform code?",
    long_about = "plumb reads Terraform code (HCL), state and plans, reads the live AWS resources, \
                  and reports drift: what changed outside Terraform, how much it matters, and why."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what plumb read: state resource instances and configuration blocks.
    Inspect(InspectArgs),
}

/// Where the code and the state come from.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Root module directory. Its local child modules are loaded too.
    #[arg(long, value_name = "DIR")]
    pub config: Option<PathBuf>,
    /// A tfstate file, a directory (terraform.tfstate and terraform.tfstate.d/*), a
    /// `terraform show -json` document, or `-` for standard input. Repeatable.
    #[arg(long, value_name = "FILE|DIR|-")]
    pub state: Vec<String>,
    /// A provider schema (`terraform providers schema -json`) used instead of the shipped one
    /// for the types it has. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub schema: Vec<PathBuf>,
    /// Set a root module variable, as `terraform -var`. Repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variable values from a .tfvars or .tfvars.json file. Repeatable.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

/// What to write and where.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format for standard output (or for a plain `--output PATH`).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Write the `--format` to PATH instead of standard output, or FORMAT=PATH to write
    /// another format as well. Repeatable.
    #[arg(long, value_name = "PATH|FORMAT=PATH")]
    pub output: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}
