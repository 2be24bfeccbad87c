//! tfstate format version 4 (Terraform 0.12 to 1.x).

use std::collections::BTreeMap;

use plumb_model::{
    Address, AttrPath, Output, Resource, Segment, StateDoc, StateFormat, Status, Value,
};
use plumb_schema::ProviderSchemas;
use serde::Deserialize;

use crate::fast::FastValue;
use crate::raw::{RawKey, RawMode, RawModulePath, RawOutput, RawProvider, RawTop};
use crate::{flatmap, marks};

#[derive(Deserialize)]
pub(crate) struct RawResource {
    #[serde(default)]
    module: RawModulePath,
    mode: RawMode,
    #[serde(rename = "type")]
    r#type: String,
    name: String,
    provider: RawProvider,
    #[serde(default)]
    instances: Vec<RawInstance>,
}

#[derive(Deserialize)]
struct RawInstance {
    #[serde(default)]
    index_key: Option<RawKey>,
    #[serde(default)]
    status: Option<RawStatus>,
    #[serde(default)]
    deposed: Option<String>,
    #[serde(default)]
    schema_version: Option<u64>,
    #[serde(default)]
    attributes: Option<FastValue>,
    #[serde(default)]
    attributes_flat: Option<BTreeMap<String, String>>,
    #[serde(default)]
    sensitive_attributes: Option<Vec<RawSensitivePath>>,
    #[serde(default)]
    identity: Option<FastValue>,
    /// Terraform 0.12 wrote `depends_on` here before it became `dependencies`.
    #[serde(default, alias = "depends_on")]
    dependencies: Option<Vec<String>>,
}

#[derive(Deserialize)]
enum RawStatus {
    #[serde(rename = "tainted")]
    Tainted,
    #[serde(rename = "")]
    Ready,
}

/// One `sensitive_attributes` entry: a list of cty path steps.
struct RawSensitivePath(AttrPath);

#[derive(Deserialize)]
struct RawStep {
    #[serde(rename = "type")]
    kind: String,
    value: Value,
}

impl<'de> Deserialize<'de> for RawSensitivePath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let steps = Vec::<RawStep>::deserialize(d)?;
        steps
            .into_iter()
            .map(step_segment)
            .collect::<Result<Vec<_>, _>>()
            .map(|segments| RawSensitivePath(AttrPath(segments)))
            .map_err(serde::de::Error::custom)
    }
}

/// `{"type":"get_attr","value":"password"}` or `{"type":"index","value":{"value":0,"type":"number"}}`
/// (string keys: `"type":"string"`), as Terraform's `marshalPaths` writes them.
fn step_segment(step: RawStep) -> Result<Segment, String> {
    match step.kind.as_str() {
        "get_attr" => match step.value {
            Value::String(name) => Ok(Segment::Attr(name)),
            other => Err(format!(
                "a get_attr step needs a string, found {}",
                other.kind_name()
            )),
        },
        "index" => {
            let key = match step.value {
                Value::Map(mut m) => m.remove("value").unwrap_or(Value::Null),
                other => other,
            };
            match key {
                Value::String(s) => Ok(Segment::Key(s)),
                Value::Number(n) => n
                    .as_i64()
                    .and_then(|i| usize::try_from(i).ok())
                    .map(Segment::Index)
                    .ok_or_else(|| format!("index step {n} is not a list index")),
                other => Err(format!(
                    "an index step needs a number or a string, found {}",
                    other.kind_name()
                )),
            }
        }
        other => Err(format!("unknown path step type `{other}`")),
    }
}

pub(crate) fn convert(
    top: RawTop,
    origin: &str,
    workspace: &str,
    schemas: &ProviderSchemas,
) -> StateDoc {
    let raw_resources = top.resources.unwrap_or_default();
    let count = raw_resources.iter().map(|r| r.instances.len()).sum();
    let mut resources = Vec::with_capacity(count);
    for raw in raw_resources {
        let mode = raw.mode.into();
        let schema = marks::schema_for(schemas, mode, &raw.r#type);
        let sensitive = marks::sensitive_schema(schemas, mode, &raw.r#type);
        for instance in raw.instances {
            let attributes = match (instance.attributes, instance.attributes_flat) {
                (Some(value), _) => value.0,
                (None, Some(flat)) => flatmap::rebuild(&flat, schema.map(|s| &s.block)),
                (None, None) => Value::Map(plumb_model::Map::new()),
            };
            let mut resource = Resource {
                address: Address {
                    module: raw.module.0.clone(),
                    mode,
                    r#type: raw.r#type.clone(),
                    name: raw.name.clone(),
                    key: instance.index_key.map(|k| k.0),
                },
                provider: raw.provider.0.clone(),
                status: match instance.status {
                    Some(RawStatus::Tainted) => Status::Tainted,
                    _ => Status::Ready,
                },
                deposed: instance.deposed.filter(|d| !d.is_empty()),
                schema_version: instance.schema_version,
                attributes,
                sensitive_paths: instance
                    .sensitive_attributes
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| p.0)
                    .collect(),
                dependencies: instance.dependencies.unwrap_or_default(),
                identity: instance.identity.map(|v| v.0),
            };
            marks::mark_resource_with(&mut resource, sensitive);
            resources.push(resource);
        }
    }
    StateDoc {
        origin: origin.to_owned(),
        workspace: workspace.to_owned(),
        format: StateFormat::V4,
        terraform_version: top.terraform_version,
        serial: top.serial,
        lineage: top.lineage,
        resources,
        outputs: outputs(top.outputs),
        check_results: top.check_results,
    }
}

/// Root outputs, sensitive ones marked.
pub(crate) fn outputs(raw: Option<BTreeMap<String, RawOutput>>) -> Vec<Output> {
    raw.unwrap_or_default()
        .into_iter()
        .map(|(name, output)| {
            let mut value = output.value;
            if output.sensitive {
                value.mark_sensitive(&[]);
            }
            Output {
                name,
                sensitive: output.sensitive,
                value,
            }
        })
        .collect()
}
