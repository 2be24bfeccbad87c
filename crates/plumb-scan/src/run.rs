//! A scan's run: the live side fetched, every sensitive value marked, the engine over every
//! workspace, then remediation, history and whole drifted objects, as the plan asks.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use plumb_adapter::{FetchFailure, FetchRequest, FetchStats, Registry};
use plumb_drift::{LiveView, ScanOutput};
use plumb_model::{
    Address, Finding, Kind, Observation, ResolvedFinding, Resource, Scope, Severity, Value,
    WorkspaceSummary,
};

use crate::error::Error;
use crate::history::{HistoryScope, record_history};
use crate::plan::{NO_WORKSPACE, Plan};
use crate::remediation::{RemediationFiles, remediate};

/// What a run found, and everything its outputs need.
#[derive(Debug)]
pub struct Run {
    /// The plan it ran (its workspaces' states hold the drifted objects' `before`).
    pub plan: Plan,
    /// The engine's result over every workspace, with history statuses and remediation.
    pub result: ScanOutput,
    /// Each workspace's counts, where several were scanned together.
    pub workspaces: Vec<WorkspaceSummary>,
    /// The (region, type) pairs that could not be read.
    pub failures: Vec<FetchFailure>,
    /// API calls by operation, retries, throttling.
    pub stats: FetchStats,
    /// How long the fetch and the comparison took.
    pub fetch_time: Duration,
    pub compare_time: Duration,
    /// With history: what went away since each workspace's previous run.
    pub resolved: Vec<ResolvedFinding>,
    /// With `remediate`: the files to write, per directory.
    pub remediation: Vec<RemediationFiles>,
    /// With `drift_objects`: each changed or missing finding's state object and live object,
    /// every sensitive value marked.
    pub drift: Vec<DriftObject>,
}

/// A drifted object as `plan-json` shows it: the state object, the live object (none when it
/// is missing), every sensitive value marked (the scan's per-attribute checks do not see whole
/// objects).
#[derive(Debug)]
pub struct DriftObject {
    /// The workspace and address of its resource.
    pub workspace: String,
    pub address: Address,
    /// The resource's provider source.
    pub provider: String,
    /// The deposed object's key, for a deposed object of a plan.
    pub deposed: Option<String>,
    pub before: Value,
    pub after: Option<Value>,
}

/// Fetches the live side from `registry` and runs the scan. The history is recorded, and
/// remediation and drifted objects computed, where the plan's options ask.
pub fn run(plan: Plan, registry: Registry, request: &FetchRequest) -> Result<Run, Error> {
    let started = Instant::now();
    let mut fetched = registry.fetch_once(request)?;
    let fetch_time = started.elapsed();
    let mut plan = plan;
    // Values the policy names sensitive are marked as the readers mark schema-sensitive ones,
    // so that no output shows them: each workspace's inputs by its policy, the shared live
    // objects once, by the run's (every workspace's) policy.
    for workspace in &mut plan.workspaces {
        workspace
            .policy
            .mark_inputs(&mut workspace.states, workspace.config.as_mut(), &mut []);
    }
    plan.run_policy
        .mark_inputs(&mut [], None, &mut fetched.observations);
    let failed: Vec<(Scope, String)> = fetched
        .failures
        .iter()
        .map(|f| (Scope::new(&f.region, &f.r#type), f.error.clone()))
        .collect();
    let live = LiveView {
        observations: &fetched.observations,
        scanned: &fetched.scanned,
        failed: &failed,
        unsupported_types: &fetched.unsupported_types,
        enumerated: request.ids.is_none(),
    };
    let engine_workspaces: Vec<plumb_drift::Workspace<'_>> = plan
        .workspaces
        .iter()
        .map(|w| plumb_drift::Workspace {
            name: &w.name,
            states: &w.states,
            config: w.config.as_ref(),
            policy: &w.policy,
        })
        .collect();
    // One root module's unmanaged objects are its own; several share them under `*`.
    let output = plumb_drift::scan_workspaces(&plumb_drift::WorkspacesInput {
        workspaces: &engine_workspaces,
        live,
        schemas: &plan.schemas,
        default_region: plan.default_region(request),
        unmanaged_workspace: plan.unmanaged_workspace(),
        unmanaged_policy: &plan.run_policy,
    });
    drop(engine_workspaces);
    let mut result = output.total;
    // Per-workspace sections only where there are several workspaces.
    let mut workspace_summaries = if plan.many {
        output.workspaces
    } else {
        Vec::new()
    };
    let options = &plan.options;
    let remediation = match &options.remediate {
        Some(dir) => remediate(
            dir,
            plan.many,
            &mut result.findings,
            &fetched.observations,
            &plan.run_policy,
            &plan.schemas,
        )?,
        None => Vec::new(),
    };
    let resolved = match &options.history {
        Some(path) => {
            // A scan over many records one run per workspace, and the objects none of them
            // manages as one more, when it looked for them.
            let mut names: Vec<String> = plan.workspaces.iter().map(|w| w.name.clone()).collect();
            if plan.many && request.ids.is_none() {
                names.push(NO_WORKSPACE.to_owned());
            }
            // A run that compared part of what it would otherwise would make the rest look
            // resolved: it is not recorded.
            let partial = if !fetched.failures.is_empty() {
                Some("some reads failed, and what they missed would look resolved")
            } else if !options.types.is_empty() {
                Some("--types compared some types only, and the others' drift would look resolved")
            } else {
                None
            };
            let scope = HistoryScope {
                names: &names,
                partial,
                managed_only: request.ids.is_some(),
                now: options.now,
            };
            record_history(path, &scope, &mut result, &mut workspace_summaries)?
        }
        None => Vec::new(),
    };
    // Whole objects are copied and marked only when they are wanted.
    let drift = if options.drift_objects {
        drift_objects(&plan, &fetched.observations, &result)
    } else {
        Vec::new()
    };
    let compare_time = started.elapsed().saturating_sub(fetch_time);
    Ok(Run {
        plan,
        result,
        workspaces: workspace_summaries,
        failures: fetched.failures,
        stats: fetched.stats,
        fetch_time,
        compare_time,
        resolved,
        remediation,
        drift,
    })
}

/// The changed or missing findings' state and live objects: the live object is the one the
/// engine compared ([`ScanOutput::compared_with`]), never matched a second time. A rule
/// resource assembled from several live rules has no one live object and is left out.
fn drift_objects(
    plan: &Plan,
    observations: &[Observation],
    result: &ScanOutput,
) -> Vec<DriftObject> {
    let recorded: HashMap<(&str, &Address), &Resource> = plan
        .workspaces
        .iter()
        .flat_map(|w| &w.states)
        .flat_map(|s| s.managed().map(move |r| (s.workspace.as_str(), r)))
        .filter(|(_, r)| r.deposed.is_none())
        .map(|(workspace, r)| ((workspace, &r.address), r))
        .collect();
    let mut objects = Vec::new();
    for finding in &result.findings {
        if !is_live_drift(finding) {
            continue;
        }
        let Some(address) = &finding.address else {
            continue;
        };
        let Some(&resource) = recorded.get(&(finding.workspace.as_str(), address)) else {
            continue;
        };
        let after = if finding.kind == Kind::Missing {
            None
        } else {
            let Some(&index) = result.compared_with.get(&finding.fingerprint) else {
                continue;
            };
            Some(observations[index].attributes.clone())
        };
        let mut before = resource.attributes.clone();
        let mut after = after;
        plumb_drift::mark_sensitive_pair(
            &plan.run_policy,
            &plan.schemas,
            &resource.address.r#type,
            &mut before,
            after.as_mut(),
            None,
        );
        objects.push(DriftObject {
            workspace: finding.workspace.clone(),
            address: resource.address.clone(),
            provider: resource.provider.source.clone(),
            deposed: None,
            before,
            after,
        });
    }
    objects
}

/// A changed or missing finding above noise: what `plan-json` shows.
fn is_live_drift(finding: &Finding) -> bool {
    matches!(finding.kind, Kind::Changed | Kind::Missing)
        && finding.severity.is_some_and(|s| s > Severity::Benign)
}
