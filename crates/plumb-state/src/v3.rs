//! tfstate format version 3 (Terraform 0.7 to 0.11, and terraformer exports).

use std::collections::BTreeMap;

use plumb_model::{
    Address, InstanceKey, Mode, ModuleStep, Output, Resource, StateDoc, StateFormat, Status, Value,
};
use plumb_schema::ProviderSchemas;
use serde::Deserialize;

use crate::error::StateError;
use crate::raw::RawTop;
use crate::{flatmap, marks, names};

#[derive(Deserialize)]
pub(crate) struct RawModule {
    #[serde(default)]
    path: Vec<String>,
    #[serde(default)]
    outputs: BTreeMap<String, RawOutput>,
    #[serde(default)]
    resources: BTreeMap<String, RawResource>,
}

#[derive(Deserialize)]
struct RawOutput {
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    value: Value,
}

#[derive(Deserialize)]
struct RawResource {
    #[serde(default, rename = "type")]
    r#type: Option<String>,
    #[serde(default)]
    depends_on: Vec<String>,
    #[serde(default)]
    primary: Option<RawInstance>,
    #[serde(default)]
    deposed: Vec<RawInstance>,
    #[serde(default)]
    provider: String,
}

#[derive(Deserialize)]
struct RawInstance {
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    meta: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    tainted: bool,
}

/// `aws_instance.web`, `aws_instance.web.0`, `data.aws_ami.x`: a v3 resource key.
fn parse_key(key: &str) -> Option<(Mode, &str, &str, Option<InstanceKey>)> {
    let (mode, rest) = match key.strip_prefix("data.") {
        Some(rest) => (Mode::Data, rest),
        None => (Mode::Managed, key),
    };
    let mut parts = rest.split('.');
    let r#type = parts.next().filter(|s| !s.is_empty())?;
    let name = parts.next().filter(|s| !s.is_empty())?;
    let index = match parts.next() {
        Some(i) => Some(InstanceKey::Int(i.parse().ok()?)),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((mode, r#type, name, index))
}

pub(crate) fn convert(
    top: RawTop<'_>,
    origin: &str,
    workspace: &str,
    schemas: &ProviderSchemas,
) -> Result<StateDoc, StateError> {
    let mut resources = Vec::new();
    let mut outputs = Vec::new();
    for (module_index, module) in top.modules.unwrap_or_default().into_iter().enumerate() {
        let steps: Vec<ModuleStep> = module
            .path
            .iter()
            .skip(usize::from(
                module.path.first().is_some_and(|p| p == "root"),
            ))
            .map(|name| ModuleStep {
                name: name.clone(),
                key: None,
            })
            .collect();
        if steps.is_empty() {
            for (name, output) in module.outputs {
                let mut value = output.value;
                if output.sensitive {
                    value.mark_sensitive(&[]);
                }
                outputs.push(Output {
                    name,
                    sensitive: output.sensitive,
                    value,
                });
            }
        }
        for (key, raw) in module.resources {
            let (mode, r#type, name, index) = parse_key(&key).ok_or_else(|| {
                StateError::invalid(
                    origin,
                    format!(
                        "at `modules[{module_index}].resources[{key:?}]`: `{key}` is not a resource key (`TYPE.NAME`, `TYPE.NAME.INDEX` or `data.TYPE.NAME`)"
                    ),
                )
            })?;
            let r#type = raw.r#type.as_deref().unwrap_or(r#type);
            let provider = if raw.provider.is_empty() {
                names::implied_provider(r#type)
            } else {
                names::parse_provider(&raw.provider).map_err(|m| {
                    StateError::invalid(
                        origin,
                        format!("at `modules[{module_index}].resources[{key:?}].provider`: {m}"),
                    )
                })?
            };
            let schema = marks::schema_for(schemas, mode, r#type);
            let address = Address {
                module: steps.clone(),
                mode,
                r#type: r#type.to_owned(),
                name: name.to_owned(),
                key: index,
            };
            // Names become code in generated files: refuse what Terraform never writes.
            address.check_names().map_err(|e| {
                StateError::invalid(
                    origin,
                    format!("at `modules[{module_index}].resources[{key:?}]`: {e}"),
                )
            })?;
            // v3 deposed objects have no keys; number them as Terraform's 8-digit keys look.
            let objects = raw.primary.into_iter().map(|p| (None, p)).chain(
                raw.deposed
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| (Some(format!("{i:08x}")), d)),
            );
            for (deposed, instance) in objects {
                let schema_version = instance
                    .meta
                    .as_ref()
                    .and_then(|m| m.get("schema_version"))
                    .and_then(|v| match v {
                        Value::String(s) => s.parse().ok(),
                        other => other.as_i64().and_then(|i| u64::try_from(i).ok()),
                    });
                let mut resource = Resource {
                    address: address.clone(),
                    provider: provider.clone(),
                    status: if instance.tainted {
                        Status::Tainted
                    } else {
                        Status::Ready
                    },
                    deposed,
                    schema_version,
                    attributes: flatmap::rebuild(&instance.attributes, schema.map(|s| &s.block)),
                    sensitive_paths: Vec::new(),
                    dependencies: raw.depends_on.clone(),
                    identity: None,
                };
                marks::mark_resource(&mut resource, schemas);
                resources.push(resource);
            }
        }
    }
    Ok(StateDoc {
        origin: origin.to_owned(),
        workspace: workspace.to_owned(),
        format: StateFormat::V3,
        terraform_version: top.terraform_version,
        serial: top.serial,
        lineage: top.lineage,
        resources,
        outputs,
        check_results: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_keys() {
        let (mode, t, n, i) = parse_key("aws_instance.web.3").unwrap();
        assert_eq!(
            (mode, t, n, i),
            (
                Mode::Managed,
                "aws_instance",
                "web",
                Some(InstanceKey::Int(3))
            )
        );
        let (mode, t, n, i) = parse_key("data.aws_ami.x").unwrap();
        assert_eq!((mode, t, n, i), (Mode::Data, "aws_ami", "x", None));
        for bad in ["aws_instance", "a.b.c", "a.b.1.2", "data.x", ".x"] {
            assert!(parse_key(bad).is_none(), "{bad}");
        }
    }
}
