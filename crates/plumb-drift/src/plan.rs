//! The drift a `terraform plan` already found: its refresh read every resource live, and
//! `resource_drift` records what changed outside Terraform (`before`: the state, `after`: what
//! the refresh read). `plumb check-plan` runs those pairs through the same engine as a live
//! scan, so the plan's drift gets the same noise judgements, rules and severities, with no
//! cloud credentials at all; and it says which of the plan's own changes would overwrite
//! that drift.

use std::collections::BTreeSet;

use plumb_model::{
    Action, Configuration, Finding, Observation, Plan, Resource, Scope, StateDoc, StateFormat,
    Status, Value,
};

use plumb_schema::ProviderSchemas;

use crate::compare::{Outcome, compare};
use crate::matching::base_type;
use crate::region::resource_region;

/// A plan's drift in the shape of a scan's inputs: the state before the refresh, what the
/// refresh read, and the (region, type) pairs it covers.
#[derive(Clone, Debug)]
pub struct PlanDrift {
    pub state: StateDoc,
    pub observations: Vec<Observation>,
    pub scanned: BTreeSet<Scope>,
    /// Drifted resources whose region no attribute, ARN or provider names: not compared.
    pub regionless: Vec<String>,
}

/// The scan inputs of `plan`'s `resource_drift`. A resource deleted outside Terraform (no
/// `after`) has no observation, so it comes out missing; managed resources only.
pub fn plan_drift(
    plan: &Plan,
    config: Option<&Configuration>,
    default_region: Option<&str>,
) -> PlanDrift {
    let mut state = StateDoc {
        origin: plan.origin.clone(),
        workspace: plan
            .prior_state
            .as_ref()
            .map_or_else(|| "default".to_owned(), |s| s.workspace.clone()),
        format: StateFormat::Plan,
        terraform_version: plan.terraform_version.clone(),
        serial: None,
        lineage: None,
        resources: Vec::new(),
        outputs: Vec::new(),
        check_results: None,
    };
    let mut observations = Vec::new();
    let mut scanned = BTreeSet::new();
    let mut regionless = Vec::new();
    for change in &plan.resource_drift {
        if change.address.mode != plumb_model::Mode::Managed || change.before.is_null() {
            continue;
        }
        let resource = Resource {
            address: change.address.clone(),
            provider: change.provider.clone(),
            status: Status::Ready,
            deposed: change.deposed.clone(),
            schema_version: None,
            attributes: change.before.clone(),
            sensitive_paths: Vec::new(),
            dependencies: Vec::new(),
            identity: None,
        };
        let Some(region) = resource_region(&resource, config, default_region).map(str::to_owned)
        else {
            regionless.push(resource.address.to_string());
            state.resources.push(resource);
            continue;
        };
        let resource_type = base_type(&resource.address.r#type).to_owned();
        scanned.insert(Scope::new(&region, &resource_type));
        if !change.after.is_null() {
            let id = change
                .after
                .get("id")
                .or_else(|| change.before.get("id"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            observations.push(Observation {
                provider: change.provider.source.clone(),
                region,
                r#type: resource_type,
                id,
                attributes: change.after.clone(),
                unread: Vec::new(),
                meta: std::collections::BTreeMap::new(),
            });
        }
        state.resources.push(resource);
    }
    PlanDrift {
        state,
        observations,
        scanned,
        regionless,
    }
}

/// The plan's changes that would overwrite drift: for each drifted finding whose resource the
/// plan updates or replaces, the drifted attributes the plan sets back to what they were before
/// the drift (compared as the scan compares, so `tcp` and `6` are one protocol); and the
/// resources deleted outside Terraform that the plan creates again. One line each, for the
/// report's warnings.
pub fn reverted_drift<'p>(
    plan: &'p Plan,
    findings: &[Finding],
    schemas: &ProviderSchemas,
) -> Vec<String> {
    // Each list indexed once by address (the first current object of each), not searched
    // per finding.
    let index = |list: &'p [plumb_model::PlannedChange]| {
        let mut by_address = std::collections::HashMap::new();
        for change in list.iter().filter(|c| c.deposed.is_none()) {
            by_address.entry(&change.address).or_insert(change);
        }
        by_address
    };
    let (changes, drifts) = (index(&plan.resource_changes), index(&plan.resource_drift));
    let mut lines = Vec::new();
    for finding in findings {
        let Some(address) = &finding.address else {
            continue;
        };
        let (Some(&change), Some(&drift)) = (changes.get(address), drifts.get(address)) else {
            continue;
        };
        let creates = change.actions.contains(&Action::Create);
        if finding.kind == plumb_model::Kind::Missing {
            if creates {
                lines.push(format!(
                    "{address}: this plan creates it again (it was deleted outside Terraform)"
                ));
            }
            continue;
        }
        if !change.actions.contains(&Action::Update) && !creates {
            continue;
        }
        let schema = schemas.resource(&address.r#type);
        let reverted: Vec<String> = finding
            .attributes
            .iter()
            .filter(|diff| {
                match (
                    change.after.get_path(&diff.path),
                    drift.before.get_path(&diff.path),
                ) {
                    (Some(after), Some(before)) => matches!(
                        compare(schema, &address.r#type, &diff.path, before, after),
                        Outcome::Equal | Outcome::Noise { .. }
                    ),
                    _ => false,
                }
            })
            .map(|diff| diff.path.to_string())
            .collect();
        if reverted.is_empty() {
            continue;
        }
        let verb = if creates {
            "replaces it and reverts"
        } else {
            "reverts"
        };
        lines.push(format!(
            "{address}: this plan {verb} the change made outside Terraform ({})",
            reverted.join(", ")
        ));
    }
    lines
}
