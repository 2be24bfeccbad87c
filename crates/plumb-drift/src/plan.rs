//! The drift a `terraform plan` already found: its refresh read every resource live, and
//! `resource_drift` records what changed outside Terraform (`before`: the state, `after`: what
//! the refresh read). `plumb check-plan` runs those pairs through the same engine as a live
//! scan, so the plan's drift gets the same noise judgements, rules and severities, with no
//! cloud credentials at all; and it says which of the plan's own changes would overwrite
//! that drift.

use std::collections::{BTreeSet, HashMap, HashSet};

use plumb_model::{
    Action, Configuration, Finding, Observation, Plan, PlannedChange, Resource, Scope, StateDoc,
    StateFormat, Status, Value,
};

use plumb_schema::ProviderSchemas;

use crate::compare::{Outcome, compare};
use crate::region::{NO_REGION, Regions};
use plumb_model::catalog::base_type;

/// A plan's drift in the shape of a scan's inputs: the state before the refresh, what the
/// refresh read, and the (region, type) pairs it covers.
#[derive(Clone, Debug)]
pub struct PlanDrift {
    pub state: StateDoc,
    pub observations: Vec<Observation>,
    pub scanned: BTreeSet<Scope>,
}

/// The scan inputs of `plan`: every managed object of its prior state (the state as the
/// refresh read it, so its objects are live as they are), each drifted one as it was before
/// the refresh (`before`) against what the refresh read (`after`). A resource deleted outside
/// Terraform (no `after`) has no observation, so it comes out missing; a plan without a prior
/// state (a workspace's first plan) is an empty one.
///
/// The state is the whole prior state so that the summary counts what Terraform manages, and
/// so that what separate resources manage (a group's rule resources) is taken out of the
/// group's inline rules as a scan does. Regions are those the scan would name (`config` and
/// `default_region` must be the scan's); what no region is known for is still compared, under
/// [`NO_REGION`], since Terraform's refresh read it.
pub fn plan_drift(
    plan: &Plan,
    config: Option<&Configuration>,
    default_region: Option<&str>,
) -> PlanDrift {
    let drift: HashMap<(&plumb_model::Address, Option<&str>), &PlannedChange> = plan
        .resource_drift
        .iter()
        .filter(|c| c.address.mode == plumb_model::Mode::Managed && !c.before.is_null())
        .map(|c| ((&c.address, c.deposed.as_deref()), c))
        .collect();
    let prior = plan.prior_state.as_ref();
    let mut state = StateDoc {
        origin: plan.origin.clone(),
        workspace: prior.map_or_else(|| "default".to_owned(), |s| s.workspace.clone()),
        format: StateFormat::Plan,
        terraform_version: plan.terraform_version.clone(),
        serial: None,
        lineage: None,
        resources: Vec::new(),
        outputs: Vec::new(),
        check_results: None,
    };
    // (the state object, what the refresh read: `None` when it found the object gone)
    let mut pairs: Vec<(Resource, Option<Value>)> = Vec::new();
    let mut seen = HashSet::new();
    for resource in prior.into_iter().flat_map(StateDoc::managed) {
        let key = (&resource.address, resource.deposed.as_deref());
        seen.insert(key);
        match drift.get(&key) {
            Some(change) => pairs.push((
                Resource {
                    attributes: change.before.clone(),
                    ..resource.clone()
                },
                (!change.after.is_null()).then(|| change.after.clone()),
            )),
            None => pairs.push((resource.clone(), Some(resource.attributes.clone()))),
        }
    }
    // Drift on objects the prior state no longer holds: deleted outside Terraform.
    for change in &plan.resource_drift {
        let key = (&change.address, change.deposed.as_deref());
        if !drift.contains_key(&key) || seen.contains(&key) {
            continue;
        }
        pairs.push((
            Resource {
                address: change.address.clone(),
                provider: change.provider.clone(),
                status: Status::Ready,
                deposed: change.deposed.clone(),
                schema_version: None,
                attributes: change.before.clone(),
                sensitive_paths: Vec::new(),
                dependencies: Vec::new(),
                identity: None,
            },
            (!change.after.is_null()).then(|| change.after.clone()),
        ));
    }
    let (resources, live): (Vec<Resource>, Vec<Option<Value>>) = pairs.into_iter().unzip();
    state.resources = resources;

    let regions = Regions::new(&state.resources, config, default_region);
    let mut observations = Vec::new();
    let mut scanned = BTreeSet::new();
    for (resource, after) in state.resources.iter().zip(live) {
        let region = regions.of(resource).unwrap_or(NO_REGION).to_owned();
        let resource_type = base_type(&resource.address.r#type).to_owned();
        scanned.insert(Scope::new(&region, &resource_type));
        let Some(after) = after else {
            continue;
        };
        let id = after
            .get("id")
            .or_else(|| resource.attributes.get("id"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        observations.push(Observation {
            provider: resource.provider.source.clone(),
            region,
            r#type: resource_type,
            id,
            attributes: after,
            unread: Vec::new(),
            meta: std::collections::BTreeMap::new(),
        });
    }
    PlanDrift {
        state,
        observations,
        scanned,
    }
}

/// The region of the plan's own AWS provider configuration (`configuration.provider_config`),
/// when its configurations name one region between them: the region of the resources nothing
/// else places.
pub fn provider_config_region(plan: &Plan) -> Option<String> {
    let configs = plan
        .configuration
        .as_ref()?
        .get("provider_config")?
        .as_map()?;
    let regions: BTreeSet<&str> = configs
        .values()
        .filter(|c| c.get("name").and_then(Value::as_str) == Some("aws"))
        .filter_map(|c| {
            c.get("expressions")?
                .get("region")?
                .get("constant_value")?
                .as_str()
        })
        .filter(|r| !r.is_empty())
        .collect();
    match regions.into_iter().collect::<Vec<_>>().as_slice() {
        [one] => Some((*one).to_owned()),
        _ => None,
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
