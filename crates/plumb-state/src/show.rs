//! `terraform show -json` documents: a state, or a plan with its prior state and changes.

use std::collections::BTreeMap;

use plumb_model::{Action, Plan, PlannedChange, Resource, StateDoc, StateFormat, Status, Value};
use plumb_schema::ProviderSchemas;
use serde::Deserialize;

use crate::error::StateError;
use crate::raw::{RawAddress, RawOutput, RawTop};
use crate::{marks, names, v4};

#[derive(Deserialize)]
pub(crate) struct RawShowState {
    #[serde(default)]
    format_version: Option<String>,
    #[serde(default)]
    terraform_version: Option<String>,
    #[serde(default)]
    values: Option<RawValues>,
}

#[derive(Deserialize)]
pub(crate) struct RawValues {
    #[serde(default)]
    outputs: Option<BTreeMap<String, RawOutput>>,
    #[serde(default)]
    root_module: Option<RawModule>,
}

#[derive(Deserialize)]
struct RawModule {
    #[serde(default)]
    resources: Vec<RawResource>,
    #[serde(default)]
    child_modules: Vec<RawModule>,
}

#[derive(Deserialize)]
struct RawResource {
    address: RawAddress,
    #[serde(default)]
    provider_name: Option<String>,
    #[serde(default)]
    schema_version: Option<u64>,
    #[serde(default)]
    values: Option<Value>,
    #[serde(default)]
    sensitive_values: Option<Value>,
    #[serde(default)]
    depends_on: Vec<String>,
    #[serde(default)]
    tainted: bool,
    #[serde(default)]
    deposed_key: Option<String>,
    #[serde(default)]
    identity: Option<Value>,
}

#[derive(Deserialize)]
pub(crate) struct RawChange {
    address: RawAddress,
    #[serde(default)]
    provider_name: Option<String>,
    #[serde(default)]
    deposed: Option<String>,
    change: RawChangeBody,
    #[serde(default)]
    action_reason: Option<String>,
}

#[derive(Deserialize)]
struct RawChangeBody {
    actions: Vec<Action>,
    #[serde(default)]
    before: Value,
    #[serde(default)]
    after: Value,
    #[serde(default)]
    after_unknown: Option<Value>,
    #[serde(default)]
    before_sensitive: Option<Value>,
    #[serde(default)]
    after_sensitive: Option<Value>,
}

/// `show -json` names a provider by source only: no alias, no module (a documented loss).
fn provider(name: Option<&str>, r#type: &str) -> plumb_model::ProviderRef {
    match name {
        Some(source) if !source.is_empty() => plumb_model::ProviderRef {
            source: names::normalize_source(source),
            alias: None,
            module: Vec::new(),
        },
        _ => names::implied_provider(r#type),
    }
}

/// Checks `format_version`: plumb reads the 0.x and 1.x JSON formats, whose minor versions only
/// add fields.
pub(crate) fn check_format_version(
    origin: &str,
    version: &str,
    what: &str,
) -> Result<(), StateError> {
    let major = version.split('.').next().unwrap_or_default();
    match major {
        "0" | "1" => Ok(()),
        _ => Err(StateError::unsupported(
            origin,
            format!(
                "`terraform show -json` {what} format_version {version} is newer than plumb understands (it reads 0.x and 1.x)"
            ),
        )),
    }
}

fn flatten(module: RawModule, out: &mut Vec<RawResource>) {
    out.extend(module.resources);
    for child in module.child_modules {
        flatten(child, out);
    }
}

fn state_from_values(
    values: Option<RawValues>,
    terraform_version: Option<String>,
    format: StateFormat,
    origin: &str,
    workspace: &str,
    schemas: &ProviderSchemas,
) -> StateDoc {
    let (outputs, root) = match values {
        Some(v) => (v.outputs, v.root_module),
        None => (None, None),
    };
    let mut raw = Vec::new();
    if let Some(root) = root {
        flatten(root, &mut raw);
    }
    let resources = raw
        .into_iter()
        .map(|r| {
            let address = r.address.0;
            let mut resource = Resource {
                provider: provider(r.provider_name.as_deref(), &address.r#type),
                address,
                status: if r.tainted {
                    Status::Tainted
                } else {
                    Status::Ready
                },
                deposed: r.deposed_key.filter(|d| !d.is_empty()),
                schema_version: r.schema_version,
                attributes: r
                    .values
                    .unwrap_or_else(|| Value::Map(plumb_model::Map::new())),
                sensitive_paths: r
                    .sensitive_values
                    .as_ref()
                    .map(marks::mask_paths)
                    .unwrap_or_default(),
                dependencies: r.depends_on,
                identity: r.identity,
            };
            marks::mark_resource(&mut resource, schemas);
            resource
        })
        .collect();
    StateDoc {
        origin: origin.to_owned(),
        workspace: workspace.to_owned(),
        format,
        terraform_version,
        serial: None,
        lineage: None,
        resources,
        outputs: v4::outputs(outputs),
        check_results: None,
    }
}

/// A `show -json` state document.
pub(crate) fn convert_state(
    top: RawTop<'_>,
    origin: &str,
    workspace: &str,
    schemas: &ProviderSchemas,
) -> Result<StateDoc, StateError> {
    if let Some(version) = &top.format_version {
        check_format_version(origin, version, "state")?;
    }
    Ok(state_from_values(
        top.values,
        top.terraform_version,
        StateFormat::ShowJson,
        origin,
        workspace,
        schemas,
    ))
}

fn change(raw: RawChange, schemas: &ProviderSchemas) -> PlannedChange {
    let address = raw.address.0;
    let body = raw.change;
    let mut before = body.before;
    let before_paths = body
        .before_sensitive
        .as_ref()
        .map(marks::mask_paths)
        .unwrap_or_default();
    marks::mark_value(&mut before, &address, before_paths, schemas);
    let mut after = body.after;
    if let Some(mask) = &body.after_unknown {
        marks::apply_unknown(&mut after, mask);
    }
    let after_paths = body
        .after_sensitive
        .as_ref()
        .map(marks::mask_paths)
        .unwrap_or_default();
    marks::mark_value(&mut after, &address, after_paths, schemas);
    PlannedChange {
        provider: provider(raw.provider_name.as_deref(), &address.r#type),
        address,
        deposed: raw.deposed.filter(|d| !d.is_empty()),
        actions: body.actions,
        before,
        after,
        action_reason: raw.action_reason,
    }
}

/// A `show -json` plan document. Its prior state (if any) belongs to `workspace`.
pub(crate) fn convert_plan(
    top: RawTop<'_>,
    origin: &str,
    workspace: &str,
    schemas: &ProviderSchemas,
) -> Result<Plan, StateError> {
    let format_version = top.format_version.unwrap_or_default();
    check_format_version(origin, &format_version, "plan")?;
    let prior_state = match top.prior_state {
        Some(prior) => {
            if let Some(version) = &prior.format_version {
                check_format_version(origin, version, "prior_state")?;
            }
            Some(state_from_values(
                prior.values,
                prior
                    .terraform_version
                    .or_else(|| top.terraform_version.clone()),
                StateFormat::Plan,
                origin,
                workspace,
                schemas,
            ))
        }
        None => None,
    };
    Ok(Plan {
        origin: origin.to_owned(),
        format_version,
        terraform_version: top.terraform_version,
        prior_state,
        resource_drift: top
            .resource_drift
            .unwrap_or_default()
            .into_iter()
            .map(|c| change(c, schemas))
            .collect(),
        resource_changes: top
            .resource_changes
            .unwrap_or_default()
            .into_iter()
            .map(|c| change(c, schemas))
            .collect(),
        configuration: top.configuration,
    })
}
