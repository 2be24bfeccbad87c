//! The command line, as clap reads it. Flags shared by several commands are defined once here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::formats::{self, Format};

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
    /// Compare code, state and the live cloud, and report drift.
    Scan(ScanArgs),
    /// List the classification rules and the noise judgements, with their docs.
    Rules(RulesArgs),
    /// List the live-state adapters, built in and external plugins, and the types each serves.
    Adapters(AdaptersArgs),
    /// Classify the drift a `terraform plan` found, and flag the plan's changes that would
    /// overwrite it; no cloud credentials needed.
    CheckPlan(CheckPlanArgs),
    /// Report drift over time from a `--history` database: trends, new, resolved and oldest
    /// open drift, mean time to remediation.
    Report(ReportArgs),
    /// Write remediation files from a JSON report (`plumb scan --format json`): import blocks,
    /// removed blocks and a revert script, no cloud access needed.
    Remediate(RemediateArgs),
    /// Compare environments with each other (dev, staging, prod): every attribute across all of
    /// them at once, after normalization; what differs unexpectedly is a finding.
    Parity(ParityArgs),
    /// Compare two states (or snapshots): what was added, removed and changed, classified as
    /// drift would be. "What did the last apply change?"
    Diff(DiffArgs),
    /// Record the live resources from AWS in a snapshot file, for offline scans and bug reports.
    Snapshot(SnapshotArgs),
    /// Print the least-privilege, read-only IAM policy the AWS adapter needs.
    IamPolicy,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), for `man -l -` or a man directory.
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
    #[arg(long, value_name = "FORMAT", value_parser = formats::INSPECT.parser())]
    pub format: Option<Format>,
    /// Write the `--format` to PATH instead of standard output, or FORMAT=PATH to write
    /// another format as well. Repeatable.
    #[arg(long, value_name = "PATH|FORMAT=PATH")]
    pub output: Vec<String>,
}

/// What to write and where, for the drift reports of `scan` and `check-plan`.
#[derive(Debug, Args)]
pub struct ReportOutputArgs {
    /// Output format for standard output (or for a plain `--output PATH`).
    #[arg(long, value_name = "FORMAT", value_parser = formats::DRIFT.parser())]
    pub format: Option<Format>,
    /// Write the `--format` to PATH instead of standard output, or FORMAT=PATH to write
    /// another format as well (`--output sarif=plumb.sarif`). Repeatable.
    #[arg(long, value_name = "PATH|FORMAT=PATH")]
    pub output: Vec<String>,
    /// The most characters a Markdown report may have: a pull-request comment's limit
    /// (GitHub's 65,536 by default). What does not fit is cut, and the comment says so.
    #[arg(long, value_name = "N", default_value_t = 65_536, value_parser = clap::value_parser!(u32).range(1024..))]
    pub max_comment_size: u32,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The least severity that makes `scan` exit 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    /// Never exit 2 (errors still exit 1).
    None,
}

impl FailOn {
    pub fn threshold(self) -> Option<plumb_model::Severity> {
        use plumb_model::Severity;
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::None => None,
        }
    }

    /// The exit code these severities earn: 2 when one above benign is at or above the
    /// threshold, else 0. Every command that finds things (scan, check-plan, parity, diff)
    /// decides it here.
    pub fn exit_code(self, severities: impl IntoIterator<Item = plumb_model::Severity>) -> u8 {
        let found = self.threshold().is_some_and(|threshold| {
            severities
                .into_iter()
                .any(|s| s > plumb_model::Severity::Benign && s >= threshold)
        });
        if found {
            crate::exit::FOUND
        } else {
            crate::exit::OK
        }
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub output: ReportOutputArgs,
    /// Read the live state from a snapshot file (see docs/snapshot-format.md) instead of the
    /// cloud: offline scans, bug reports, tests.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// The policy file (default: `.plumb.hcl` in the --config directory, when there is one).
    /// With several workspaces it applies to all of them, beside each one's own.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Scan this root module as workspace NAME, beside the others, against one live read:
    /// NAME=DIR (its .tf files and the state beside them), NAME=DIR,state=FILE, or
    /// NAME=STATE[,config=DIR]. Repeatable; instead of --config and --state. Without any of
    /// the three, a `workspaces` list in the policy file says the same.
    #[arg(long = "workspace", value_name = "NAME=PATH")]
    pub workspaces: Vec<String>,
    /// Exit 2 when a finding is at least this severe.
    #[arg(long, value_enum, default_value = "low", value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// A region to read, in addition to those the code and state name. Repeatable.
    #[arg(long, value_name = "REGION")]
    pub region: Vec<String>,
    /// Report a type or region that could not be read as a warning instead of an error (exit 1).
    #[arg(long)]
    pub allow_partial: bool,
    /// Read and compare only these resource types, comma-separated (default: every type in
    /// the state and every type an adapter can list). The state's other resources are
    /// reported not checked.
    #[arg(long, value_name = "TYPE,...", value_delimiter = ',')]
    pub types: Vec<String>,
    /// Record the run in this history database (a file, created when missing): each finding
    /// gains `first_seen` and `status` (new or open), the summary `new` and `resolved`, and the
    /// report `resolved[]`, against the workspace's previous run.
    #[arg(long, value_name = "PATH")]
    pub history: Option<PathBuf>,
    /// With --history: the exit code and the Markdown report speak only of drift that is new
    /// since the previous run, so a nightly alert fires once per drift.
    #[arg(long, requires = "history")]
    pub new_only: bool,
    /// Write remediation into DIR: `imports.tf` (import and resource blocks for unmanaged
    /// resources), `removed.tf` (removed blocks for missing ones) and `revert.sh` (the
    /// `terraform apply -target=...` that puts changed and missing ones back); each finding
    /// of the report gains its `remediation`.
    #[arg(long, value_name = "DIR")]
    pub remediate: Option<PathBuf>,
    /// Read no cloud API: the live side comes from --snapshot and plugins alone.
    #[arg(long)]
    pub offline: bool,
    /// Read only the resources in the state (by id): no unmanaged resources are looked for.
    #[arg(long)]
    pub managed_only: bool,
    /// Scan even when the credentials act in another account than the state's resources.
    #[arg(long)]
    pub any_account: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub plugins: PluginArgs,
}

/// How the built-in AWS adapter reaches AWS (credentials, endpoint and region otherwise come
/// from the standard chain: environment, profiles, SSO, web identity, IMDS, `AWS_ENDPOINT_URL`).
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// A named profile from the AWS config files.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS API calls in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Read the attributes that cost one API call per resource (user data, termination
    /// protection, VPC DNS settings) for every resource, not only where the state sets them.
    #[arg(long)]
    pub thorough: bool,
    /// Attempts per API call before a type is given up as unreadable (throttling and server
    /// errors are retried with back-off).
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
    /// Show the reads' progress even where standard error is not a terminal, or in CI (a line
    /// per listing read). On a terminal it is shown anyway, outside CI.
    #[arg(long)]
    pub progress: bool,
}

#[derive(Debug, Args)]
pub struct CheckPlanArgs {
    /// The plan as `terraform show -json PLANFILE` writes it, or `-` for standard input.
    #[arg(value_name = "PLAN.json|-")]
    pub plan: String,
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub output: ReportOutputArgs,
    /// The policy file (default: `.plumb.hcl` in the --config directory, when there is one).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Exit 2 when a finding is at least this severe.
    #[arg(long, value_enum, default_value = "low", value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// The region of resources whose attributes, ARN and provider name none.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

#[derive(Debug, Args)]
pub struct ParityArgs {
    /// An environment: NAME=SOURCE, where SOURCE is a state file or directory, a `terraform
    /// show -json` document or a snapshot (live objects, matched by Name tag); or a root
    /// module directory (its .tf files and the state beside it). `,config=DIR` names its code
    /// (for source locations), `,state=FILE` a root module's state. Two or more.
    #[arg(long = "env", value_name = "NAME=SOURCE[,config=DIR]", required = true)]
    pub envs: Vec<String>,
    /// The policy file: `parity` blocks (what may vary, which resources only some
    /// environments have, keys that embed the environment's name), overrides, sensitive values.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// A provider schema used over the shipped one for the types it has. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub schema: Vec<PathBuf>,
    #[command(flatten)]
    pub output: ParityOutputArgs,
    /// Exit 2 when a finding is at least this severe.
    #[arg(long, value_enum, default_value = "low", value_name = "SEVERITY")]
    pub fail_on: FailOn,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older state (or snapshot): a file, a directory, or a `terraform show -json` document.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The newer one.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// The policy file (severity overrides, sensitive values).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// A provider schema used over the shipped one for the types it has. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub schema: Vec<PathBuf>,
    #[command(flatten)]
    pub output: DiffOutputArgs,
    /// Exit 2 when a change is at least this severe.
    #[arg(long, value_enum, default_value = "none", value_name = "SEVERITY")]
    pub fail_on: FailOn,
}

/// What to write and where, for `parity`.
#[derive(Debug, Args)]
pub struct ParityOutputArgs {
    /// Output format for standard output (or for a plain `--output PATH`).
    #[arg(long, value_name = "FORMAT", value_parser = formats::PARITY.parser())]
    pub format: Option<Format>,
    /// Write the `--format` to PATH instead of standard output, or FORMAT=PATH to write
    /// another format as well. Repeatable.
    #[arg(long, value_name = "PATH|FORMAT=PATH")]
    pub output: Vec<String>,
}

/// What to write and where, for `diff`: the formats of `parity` but SARIF, which locates
/// findings in code, and a diff of two states has none.
#[derive(Debug, Args)]
pub struct DiffOutputArgs {
    /// Output format for standard output (or for a plain `--output PATH`).
    #[arg(long, value_name = "FORMAT", value_parser = formats::DIFF.parser())]
    pub format: Option<Format>,
    /// Write the `--format` to PATH instead of standard output, or FORMAT=PATH to write
    /// another format as well. Repeatable.
    #[arg(long, value_name = "PATH|FORMAT=PATH")]
    pub output: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The history database that `plumb scan --history` writes.
    #[arg(long, value_name = "PATH")]
    pub history: PathBuf,
    /// Only this workspace (default: all of them).
    #[arg(long, value_name = "NAME")]
    pub workspace: Option<String>,
    /// The window: `30d`, `12h`, `2w`, or a date (`2026-11-01`).
    #[arg(long, value_name = "WHEN", default_value = "30d")]
    pub since: String,
    #[arg(long, default_value = "html", value_name = "FORMAT", value_parser = formats::HISTORY.parser())]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RemediateArgs {
    /// The JSON report of `plumb scan --format json` (or `-` for standard input).
    #[arg(value_name = "REPORT.json|-")]
    pub report: String,
    /// The directory to write `imports.tf`, `removed.tf` and `revert.sh` into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// A region to read. Repeatable; default: the region of the AWS configuration.
    #[arg(long, value_name = "REGION")]
    pub region: Vec<String>,
    /// The resource types to read, comma-separated (default: every type the adapter reads).
    #[arg(long, value_name = "TYPE,...", value_delimiter = ',')]
    pub types: Vec<String>,
    /// Leave sensitive values out (user data, password data, and what the policy names
    /// sensitive), for a snapshot to share.
    #[arg(long)]
    pub redact: bool,
    /// With --redact, the policy whose `sensitive` blocks are left out too (default:
    /// `.plumb.hcl` in the current directory, when there is one).
    #[arg(long, value_name = "FILE", requires = "redact")]
    pub policy: Option<PathBuf>,
    /// The snapshot file to write.
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
    /// Write the snapshot even when a type or region could not be read: the file records
    /// what was not read, and the exit is 0 with a warning (without it, 1 and no file).
    #[arg(long)]
    pub allow_partial: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// Where external adapters (`plumb-adapter-NAME` programs) are looked for, and how long they
/// may take (docs/plugin-protocol.md).
#[derive(Debug, Args)]
pub struct PluginArgs {
    /// Look for `plumb-adapter-NAME` plugins in DIR, before `PLUMB_PLUGIN_DIR` and `PATH`.
    /// Repeatable.
    #[arg(long, value_name = "DIR")]
    pub plugin_dir: Vec<PathBuf>,
    /// Stop a plugin that has not finished a fetch within this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub plugin_timeout: u64,
}

#[derive(Debug, Args)]
pub struct AdaptersArgs {
    #[command(flatten)]
    pub plugins: PluginArgs,
    #[arg(long, default_value = "table", value_name = "FORMAT", value_parser = formats::ADAPTERS.parser())]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// `markdown` is the page `docs/rules.md` is generated from.
    #[arg(long, default_value = "table", value_name = "FORMAT", value_parser = formats::RULES.parser())]
    pub format: Format,
}
