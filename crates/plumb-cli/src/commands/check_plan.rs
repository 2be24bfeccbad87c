//! `plumb check-plan`: beside `terraform plan`, with no cloud credentials. Terraform's refresh
//! already read every resource live; its `resource_drift` is classified by the same engine,
//! normalizers and rules as a live scan, and the plan's own changes that would overwrite that
//! drift are named.

use std::io::Read as _;

use anyhow::{Context, Result, bail};

use crate::cli::CheckPlanArgs;
use crate::formats;
use crate::{inputs, output};

pub fn run(args: &CheckPlanArgs) -> Result<u8> {
    if !args.inputs.state.is_empty() {
        bail!("--state: check-plan reads the state recorded in the plan, not another one");
    }
    let targets = output::targets(&formats::DRIFT, args.output.format, &args.output.output)?;
    let schemas = inputs::schemas(&args.inputs.schema)?;
    let (origin, bytes) = if args.plan == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("standard input: cannot read the plan")?;
        ("-".to_owned(), bytes)
    } else {
        let bytes =
            std::fs::read(&args.plan).with_context(|| format!("{}: cannot read", args.plan))?;
        (args.plan.clone(), bytes)
    };
    let plan = plumb_state::read_plan(&bytes, &origin, &schemas)?;
    let config = args
        .inputs
        .config
        .as_ref()
        .map(|dir| inputs::config(dir, &args.inputs))
        .transpose()?;
    let policy = inputs::policy(args.policy.as_deref(), args.inputs.config.as_deref())?;

    // `--region`, else the plan's own provider configuration: the region of what nothing
    // else places (the scan's default, so the plan's objects and their state meet).
    let check = plumb_scan::check_plan(
        &plan,
        config.as_ref(),
        &policy,
        &schemas,
        args.region.as_deref(),
    );
    super::scan::report(
        &args.output,
        &targets,
        &check.result,
        &super::scan::ReportInputs {
            errors: &[],
            stats: None,
            drift: super::scan::drift_entries(&check.drift),
            resolved: &[],
            workspaces: &[],
            marker: &check.workspace,
        },
        args.fail_on,
        false,
        false,
    )
}
