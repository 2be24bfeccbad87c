//! `check-plan` as a library: a `terraform show -json` plan's `resource_drift` (what
//! Terraform's refresh read live) classified by the same engine as a live scan, over the
//! plan's whole prior state, with the plan's own changes that would overwrite that drift named.

use std::collections::{BTreeSet, HashMap};

use plumb_drift::plan::{plan_drift, provider_config_region, reverted_drift};
use plumb_drift::{LiveView, Policy, ScanInput, ScanOutput};
use plumb_model::{Address, Configuration, Severity, Value};
use plumb_schema::ProviderSchemas;

use crate::run::DriftObject;

/// A plan checked.
#[derive(Debug)]
pub struct PlanCheck {
    /// The workspace the plan's state belongs to.
    pub workspace: String,
    pub result: ScanOutput,
    /// The drifted objects of the plan, every sensitive value marked, for `plan-json`.
    pub drift: Vec<DriftObject>,
}

/// Classifies `plan`'s drift. `region` is `--region`, else the plan's provider configuration
/// says it.
pub fn check_plan(
    plan: &plumb_model::Plan,
    config: Option<&Configuration>,
    policy: &Policy,
    schemas: &ProviderSchemas,
    region: Option<&str>,
) -> PlanCheck {
    let default_region = region
        .map(str::to_owned)
        .or_else(|| provider_config_region(plan));
    let drift = plan_drift(plan, config, default_region.as_deref());
    let states = [drift.state];
    let no_failures = Vec::new();
    let none = BTreeSet::new();
    let mut result = plumb_drift::scan(&ScanInput {
        workspace: &states[0].workspace,
        states: &states,
        config,
        live: LiveView {
            observations: &drift.observations,
            scanned: &drift.scanned,
            failed: &no_failures,
            unsupported_types: &none,
            enumerated: false,
        },
        schemas,
        policy,
        default_region: default_region.as_deref(),
    });
    result
        .warnings
        .extend(reverted_drift(plan, &result.findings, schemas));
    let drifted: BTreeSet<&Address> = result
        .findings
        .iter()
        .filter(|f| f.severity.is_some_and(|s| s > Severity::Benign))
        .filter_map(|f| f.address.as_ref())
        .collect();
    let prior: HashMap<(&Address, Option<&str>), &Value> = plan
        .prior_state
        .iter()
        .flat_map(|s| &s.resources)
        .map(|r| ((&r.address, r.deposed.as_deref()), &r.attributes))
        .collect();
    let [state] = states;
    let objects = plan
        .resource_drift
        .iter()
        .filter(|c| drifted.contains(&c.address) && !c.before.is_null())
        .map(|c| {
            let prior = prior.get(&(&c.address, c.deposed.as_deref())).copied();
            let mut before = c.before.clone();
            let mut after = (!c.after.is_null()).then(|| c.after.clone());
            plumb_drift::mark_sensitive_pair(
                policy,
                schemas,
                &c.address.r#type,
                &mut before,
                after.as_mut(),
                prior,
            );
            DriftObject {
                workspace: state.workspace.clone(),
                address: c.address.clone(),
                provider: c.provider.source.clone(),
                deposed: c.deposed.clone(),
                before,
                after,
            }
        })
        .collect();
    PlanCheck {
        workspace: state.workspace,
        result,
        drift: objects,
    }
}
