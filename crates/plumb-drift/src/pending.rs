//! Pending code changes: where the configuration and the state disagree, `terraform apply`
//! would change the cloud. That is not drift (nobody changed anything by hand), so it is
//! reported apart, and never guessed: only arguments whose value plumb could evaluate count.

use std::collections::BTreeSet;

use plumb_model::config::Repetition;
use plumb_model::finding::PendingAttribute;
use plumb_model::{AttrPath, ConfigResource, Configuration, Mode, Pending, PendingAction, Value};
use plumb_schema::ResourceSchema;

use crate::ScanInput;
use crate::compare::{Outcome, compare};
use crate::engine::{is_sensitive, shown};

fn is_set(schema: Option<&ResourceSchema>, path: &AttrPath) -> bool {
    schema
        .and_then(|s| s.node(path))
        .is_some_and(|n| n.is_set())
}

fn is_map_type(schema: Option<&ResourceSchema>, path: &AttrPath) -> bool {
    path.len() == 1 && matches!(path.top(), Some("tags"))
        || schema
            .and_then(|s| s.node(path))
            .is_some_and(|n| n.is_map())
}

/// True when the state satisfies what the configuration sets at `path`. Arguments the code
/// leaves unset, or sets to something plumb cannot evaluate, are satisfied by anything.
fn satisfies(
    schema: Option<&ResourceSchema>,
    resource_type: &str,
    path: &AttrPath,
    config: &Value,
    state: &Value,
) -> bool {
    if config.is_null() || config.contains_unknown() {
        return true;
    }
    if is_map_type(schema, path) {
        return !matches!(
            compare(schema, resource_type, path, config, state),
            Outcome::Different(_)
        );
    }
    match (config.unmarked(), state.unmarked()) {
        (Value::Map(c), Value::Map(s)) => c.iter().all(|(k, cv)| {
            let sv = s.get(k).unwrap_or(&Value::Null);
            satisfies(schema, resource_type, &path.child_attr(k), cv, sv)
        }),
        (Value::List(c), Value::List(s)) if c.len() == s.len() => {
            if is_set(schema, path) {
                c.iter().all(|cv| {
                    s.iter()
                        .any(|sv| satisfies(schema, resource_type, &path.child_index(0), cv, sv))
                })
            } else {
                c.iter().zip(s).enumerate().all(|(i, (cv, sv))| {
                    satisfies(schema, resource_type, &path.child_index(i), cv, sv)
                })
            }
        }
        _ => !matches!(
            compare(schema, resource_type, path, config, state),
            Outcome::Different(_)
        ),
    }
}

/// Arguments that never reach the state, so that no state value can satisfy them: the SDK's
/// `timeouts` (configuration only) and what the schema says is write-only (`password_wo`).
fn never_in_state(schema: Option<&ResourceSchema>, name: &str) -> bool {
    name == "timeouts"
        || schema
            .and_then(|s| s.block.attributes.get(name))
            .is_some_and(|a| a.write_only)
}

fn declares_no_instances(block: &ConfigResource) -> bool {
    match &block.repetition {
        Repetition::Count(v) => v.as_i64() == Some(0) || v.contains_unknown(),
        Repetition::ForEach(v) => v.is_empty_like() || v.contains_unknown(),
        Repetition::Single => false,
    }
}

pub fn pending_changes(input: &ScanInput<'_>, config: &Configuration) -> Vec<Pending> {
    let mut out = Vec::new();
    let unloaded: Vec<Vec<String>> = config
        .modules
        .iter()
        .filter(|m| !m.loaded)
        .map(|m| {
            let mut path = m.parent.clone();
            path.push(m.name.clone());
            path
        })
        .collect();
    let mut declared = BTreeSet::new();
    for block in config
        .resources
        .iter()
        .filter(|b| b.address.mode == Mode::Managed)
    {
        declared.insert(block.address.clone());
        let instances: Vec<_> = input
            .states
            .iter()
            .flat_map(|s| s.managed().map(move |r| (s, r)))
            .filter(|(_, r)| r.deposed.is_none() && r.address.config_address() == block.address)
            .collect();
        if instances.is_empty() {
            if !declares_no_instances(block) {
                out.push(Pending {
                    workspace: input.workspace.to_owned(),
                    address: block.address.to_string(),
                    action: PendingAction::Create,
                    attributes: Vec::new(),
                    source: Some(block.location.clone()),
                });
            }
            continue;
        }
        let schema = input.schemas.resource(&block.address.r#type);
        let Some(arguments) = block.attributes.as_map() else {
            continue;
        };
        for (state, resource) in instances {
            let attributes: Vec<PendingAttribute> = arguments
                .iter()
                .filter(|(name, _)| !never_in_state(schema, name))
                .filter_map(|(name, config_value)| {
                    let path = AttrPath::attr(name);
                    // As Terraform does before it plans: "60" is 60 for a number, a list a set.
                    let config_value = &schema.map_or_else(
                        || config_value.clone(),
                        |s| s.convert_config(&path, config_value),
                    );
                    let state_value = resource.attributes.get(name);
                    let satisfied = satisfies(
                        schema,
                        &block.address.r#type,
                        &path,
                        config_value,
                        state_value.unwrap_or(&Value::Null),
                    );
                    // A pending user_data is as secret as a drifted one: show that it changes.
                    let sensitive = is_sensitive(
                        input.policy,
                        &block.address.r#type,
                        schema,
                        Some(&resource.attributes),
                        None,
                        &path,
                    );
                    (!satisfied).then(|| PendingAttribute {
                        state: shown(state_value.cloned(), sensitive),
                        config: shown(Some(config_value.clone()), sensitive).unwrap_or_default(),
                        path,
                    })
                })
                .collect();
            if !attributes.is_empty() {
                out.push(Pending {
                    workspace: state.workspace.clone(),
                    address: resource.address.to_string(),
                    action: PendingAction::Update,
                    attributes,
                    source: Some(block.location.clone()),
                });
            }
        }
    }
    for state in input.states {
        for resource in state.managed().filter(|r| r.deposed.is_none()) {
            let block = resource.address.config_address();
            let in_unloaded_module = unloaded.iter().any(|m| block.module.starts_with(m));
            if !declared.contains(&block) && !in_unloaded_module {
                out.push(Pending {
                    workspace: state.workspace.clone(),
                    address: resource.address.to_string(),
                    action: PendingAction::Delete,
                    attributes: Vec::new(),
                    source: None,
                });
            }
        }
    }
    out
}
