//! `plumb check-plan`: beside `terraform plan`, with no cloud credentials. Terraform's refresh
//! already read every resource live; its `resource_drift` is classified by the same engine,
//! normalizers and rules as a live scan, and the plan's own changes that would overwrite that
//! drift are named.

use std::io::Read as _;

use anyhow::{Context, Result, bail};
use plumb_drift::plan::{plan_drift, provider_config_region, reverted_drift};
use plumb_drift::{LiveView, ScanInput};
use plumb_report::plan_json::DriftEntry;

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
    let default_region = args
        .region
        .clone()
        .or_else(|| provider_config_region(&plan));
    let drift = plan_drift(&plan, config.as_ref(), default_region.as_deref());
    let states = [drift.state];
    let no_failures = Vec::new();
    let none = std::collections::BTreeSet::new();
    let mut result = plumb_drift::scan(&ScanInput {
        workspace: &states[0].workspace,
        states: &states,
        config: config.as_ref(),
        live: LiveView {
            observations: &drift.observations,
            scanned: &drift.scanned,
            failed: &no_failures,
            unsupported_types: &none,
            // The refresh read only what the state holds: nothing is known to be unmanaged.
            enumerated: false,
        },
        schemas: &schemas,
        policy: &policy,
        default_region: default_region.as_deref(),
    });
    result
        .warnings
        .extend(reverted_drift(&plan, &result.findings, &schemas));
    // plan-json: the plan's own drift entries, for the findings above noise.
    let drifted: std::collections::BTreeSet<&plumb_model::Address> = result
        .findings
        .iter()
        .filter(|f| {
            f.severity
                .is_some_and(|s| s > plumb_model::Severity::Benign)
        })
        .filter_map(|f| f.address.as_ref())
        .collect();
    // The prior state's own marks (`sensitive_values`) hide on both sides too.
    let prior: std::collections::HashMap<
        (&plumb_model::Address, Option<&str>),
        &plumb_model::Value,
    > = plan
        .prior_state
        .iter()
        .flat_map(|s| &s.resources)
        .map(|r| ((&r.address, r.deposed.as_deref()), &r.attributes))
        .collect();
    let marked: Vec<(
        &plumb_model::PlannedChange,
        plumb_model::Value,
        Option<plumb_model::Value>,
    )> = plan
        .resource_drift
        .iter()
        .filter(|c| drifted.contains(&c.address) && !c.before.is_null())
        .map(|c| {
            let prior = prior.get(&(&c.address, c.deposed.as_deref())).copied();
            let mut before = c.before.clone();
            let mut after = (!c.after.is_null()).then(|| c.after.clone());
            plumb_drift::mark_sensitive_pair(
                &policy,
                &schemas,
                &c.address.r#type,
                &mut before,
                after.as_mut(),
                prior,
            );
            (c, before, after)
        })
        .collect();
    let drift = marked
        .iter()
        .map(|(c, before, after)| DriftEntry {
            address: &c.address,
            provider_name: &c.provider.source,
            deposed: c.deposed.as_deref(),
            before,
            after: after.as_ref(),
        })
        .collect();
    super::scan::report(
        &args.output,
        &targets,
        &result,
        &super::scan::ReportInputs {
            errors: &[],
            stats: None,
            drift,
            resolved: &[],
            workspaces: &[],
            marker: &states[0].workspace,
        },
        args.fail_on,
        false,
        false,
    )
}
