//! `plumb scan`: code, state and live compared; drift reported with an exit code CI can use.
//! The scan itself is plumb-scan's; this command turns arguments into its options, chooses
//! the adapters, renders, writes the remediation files and sets the exit code.

use std::time::Instant;

use anyhow::{Result, bail};
use plumb_adapter::Registry;
use plumb_report::escape::visible;
use plumb_report::markdown::MarkdownOptions;
use plumb_report::plan_json::DriftEntry;
use plumb_report::scan::{ReadError, ScanReport};
use plumb_scan::{Plan, ScanOptions};

use crate::cli::{FailOn, ReportOutputArgs, ScanArgs};
use crate::formats::{self, DriftViews, Format, Report};
use crate::{clock, exit, inputs, output};

/// Stops a scan whose credentials act in another account than a workspace's resources: read
/// there, every resource of that workspace would look missing. With several workspaces each is
/// checked, since one live read sees one account.
fn check_account(
    aws: &super::aws::AwsAdapter,
    workspaces: &[plumb_scan::Workspace],
    many: bool,
    region: &str,
) -> Result<()> {
    for workspace in workspaces {
        let expected = super::aws::accounts_in(
            workspace
                .states
                .iter()
                .flat_map(plumb_model::StateDoc::managed),
        );
        if expected.is_empty() {
            continue;
        }
        // The adapter asks once and remembers.
        let caller = aws.caller_account(region)?;
        if expected.contains(&caller) {
            continue;
        }
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        let whose = if many {
            format!("workspace {}'s", workspace.name)
        } else {
            "the state's".to_owned()
        };
        bail!(
            "the AWS credentials act in account {caller}, but {whose} resources are in {} (from their ARNs and owner ids): use the right profile, or pass --any-account to scan anyway",
            expected.join(", ")
        );
    }
    Ok(())
}

pub fn run(args: &ScanArgs) -> Result<u8> {
    let started = Instant::now();
    let targets = output::targets(&formats::DRIFT, args.output.format, &args.output.output)?;
    let options = ScanOptions {
        inputs: inputs::of(&args.inputs),
        workspaces: args.workspaces.clone(),
        policy: args.policy.clone(),
        snapshot: args.snapshot.clone(),
        regions: args.region.clone(),
        types: args.types.clone(),
        managed_only: args.managed_only,
        thorough: args.aws.thorough,
        history: args.history.clone(),
        remediate: args.remediate.clone(),
        drift_objects: targets.iter().any(|t| t.format == Format::PlanJson),
        today: clock::today()?,
        now: if args.history.is_some() {
            clock::now()?
        } else {
            0
        },
    };
    let mut plan = Plan::read(options)?;
    let plugins = super::adapters::external(&args.plugins)?;
    if args.offline && plan.snapshot.is_none() && plugins.is_empty() {
        bail!(
            "no live source: --offline reads no cloud API, so pass --snapshot FILE or --plugin-dir DIR holding a plumb-adapter-NAME plugin"
        );
    }
    // Without a snapshot the live side is AWS itself, read by the built-in adapter.
    let aws = if plan.snapshot.is_none() && !args.offline {
        Some(super::aws::adapter(&args.aws)?)
    } else {
        None
    };
    // Built-in snapshot first, then plugins in discovery order, then AWS: the first adapter
    // serving a type reads it.
    let mut registry = Registry::new();
    let mut served: Vec<String> = Vec::new();
    if let Some(snapshot) = plan.snapshot.take() {
        served.extend(snapshot.types().map(str::to_owned));
        registry.register(Box::new(snapshot));
    }
    for plugin in plugins {
        served.extend(plugin.types().map(str::to_owned));
        registry.register(Box::new(plugin));
    }
    if aws.is_some() {
        served.extend(super::aws::SUPPORTED_TYPES.iter().map(|t| (*t).to_owned()));
    }
    let mut request = plan.request(&served, &super::aws::wants_per_resource_read);
    if let Some(aws) = aws {
        if request.regions.is_empty() {
            // Nothing names a region: the profile's, as if given with --region (so that one
            // also places what nothing else does).
            plan.options.regions = super::aws::default_regions(&aws)?;
            request = plan.request(&served, &super::aws::wants_per_resource_read);
        }
        if !args.any_account {
            let first = request.regions.first().map_or("us-east-1", String::as_str);
            check_account(&aws, &plan.workspaces, plan.many, first)?;
        }
        registry.register(Box::new(aws));
    }
    let read_done = started.elapsed();
    let run = plumb_scan::run(plan, registry, &request)?;
    for files in &run.remediation {
        super::remediate::write_files(&files.dir, &files.files)?;
        if let Some(patch) = &files.accept_patch {
            output::write_file(&files.dir.join("accept.patch"), |out| {
                out.write_all(patch.as_bytes())
            })?;
        }
    }
    let report_stats = (!run.stats.calls.is_empty()).then(|| {
        super::aws::stats(
            &run.stats,
            &[
                ("read_inputs", read_done),
                ("fetch", run.fetch_time),
                ("compare", run.compare_time),
            ],
        )
    });
    let errors: Vec<ReadError> = run
        .failures
        .iter()
        .map(|f| ReadError {
            region: f.region.clone(),
            r#type: f.r#type.clone(),
            error: f.error.clone(),
        })
        .collect();
    let drift = drift_entries(&run.drift);
    let marker = run
        .plan
        .workspaces
        .iter()
        .map(|w| w.name.as_str())
        .collect::<Vec<_>>()
        .join("+");
    report(
        &args.output,
        &targets,
        &run.result,
        &ReportInputs {
            errors: &errors,
            stats: report_stats.as_ref(),
            drift,
            resolved: &run.resolved,
            workspaces: &run.workspaces,
            marker: &marker,
        },
        args.fail_on,
        args.allow_partial,
        args.new_only,
    )
}

/// The drifted objects as `plan-json` takes them.
pub(super) fn drift_entries(objects: &[plumb_scan::DriftObject]) -> Vec<DriftEntry<'_>> {
    objects
        .iter()
        .map(|d| DriftEntry {
            address: &d.address,
            provider_name: &d.provider,
            deposed: d.deposed.as_deref(),
            before: &d.before,
            after: d.after.as_ref(),
        })
        .collect()
}

/// What a report shows besides the scan's result: read errors, API statistics, and for
/// `plan-json` the drifted objects themselves.
pub(super) struct ReportInputs<'a> {
    pub errors: &'a [ReadError],
    pub stats: Option<&'a serde_json::Value>,
    pub drift: Vec<DriftEntry<'a>>,
    /// With history: what went away since the workspace's previous run.
    pub resolved: &'a [plumb_model::ResolvedFinding],
    /// A scan over many workspaces: each one's counts.
    pub workspaces: &'a [plumb_model::WorkspaceSummary],
    /// The Markdown comment's hidden marker names these workspaces (`plumb:{marker}`).
    pub marker: &'a str,
}

/// Writes a scan's report in every format asked for, and earns its exit code: 1 when a read
/// failed (unless `allow_partial`), 2 when a finding is at or above `fail_on`, else 0.
/// `plumb check-plan` reports through it too, so both speak alike.
pub(super) fn report(
    output_args: &ReportOutputArgs,
    targets: &[output::Target],
    result: &plumb_drift::ScanOutput,
    inputs: &ReportInputs<'_>,
    fail_on: FailOn,
    allow_partial: bool,
    new_only: bool,
) -> Result<u8> {
    let errors = inputs.errors;
    let report = ScanReport {
        summary: &result.summary,
        findings: &result.findings,
        suppressed: &result.suppressed,
        ignored: &result.ignored,
        pending: &result.pending,
        unverified: &result.unverified,
        errors,
        schemaless_types: &result.schemaless_types,
        warnings: &result.warnings,
        stats: inputs.stats,
        resolved: inputs.resolved,
        workspaces: inputs.workspaces,
    };
    let markdown = MarkdownOptions {
        max_size: usize::try_from(output_args.max_comment_size).unwrap_or(usize::MAX),
        marker: format!("plumb:{}", inputs.marker),
    };
    let rules = super::rules::rule_infos();
    // --new-only: the comment (and the exit code) speak of new drift alone.
    let new_findings: Vec<plumb_model::Finding> = if new_only {
        result
            .findings
            .iter()
            .filter(|f| f.status == Some(plumb_model::FindingStatus::New))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let spoken: &[plumb_model::Finding] = if new_only {
        &new_findings
    } else {
        &result.findings
    };
    let comment = ScanReport {
        findings: spoken,
        ..report
    };
    output::emit(
        targets,
        &Report::Drift(DriftViews {
            report: &report,
            comment: &comment,
            markdown: &markdown,
            rules: &rules,
            plan_drift: &inputs.drift,
        }),
    )?;

    if !errors.is_empty() && !allow_partial {
        for error in errors {
            eprintln!(
                "error: {} in {} could not be read: {}",
                visible(&error.r#type),
                visible(&error.region),
                visible(&error.error)
            );
        }
        return Ok(exit::ERROR);
    }
    Ok(fail_on.exit_code(spoken.iter().filter_map(|f| f.severity)))
}
