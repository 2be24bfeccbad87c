//! tfstate format version 4 (Terraform 0.12 to 1.x).

use std::collections::BTreeMap;

use plumb_model::address::check_identifier;
use plumb_model::{
    Address, AttrPath, Output, Resource, Segment, StateDoc, StateFormat, Status, Value,
};
use plumb_schema::ProviderSchemas;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::StateError;

use crate::raw::{RawKey, RawMode, RawModulePath, RawOutput, RawProvider, RawTop};
use crate::{flatmap, marks};

#[derive(Deserialize)]
pub(crate) struct RawResource<'a> {
    #[serde(default)]
    module: RawModulePath,
    mode: RawMode,
    #[serde(rename = "type")]
    r#type: String,
    name: String,
    provider: RawProvider,
    #[serde(default, borrow)]
    instances: Vec<RawInstance<'a>>,
}

#[derive(Deserialize)]
struct RawInstance<'a> {
    #[serde(default)]
    index_key: Option<RawKey>,
    #[serde(default)]
    status: Option<RawStatus>,
    #[serde(default)]
    deposed: Option<String>,
    #[serde(default)]
    schema_version: Option<u64>,
    /// Kept as raw JSON in the first pass and turned into a value by the workers.
    #[serde(default, borrow)]
    attributes: Option<&'a RawValue>,
    #[serde(default)]
    attributes_flat: Option<BTreeMap<String, String>>,
    #[serde(default)]
    sensitive_attributes: Option<Vec<RawSensitivePath>>,
    #[serde(default)]
    identity: Option<Value>,
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

/// One instance and what it needs from its resource, ready for a worker.
struct Job<'r, 'a> {
    resource: &'r Header,
    instance: RawInstance<'a>,
}

/// The parts of a resource every instance shares.
struct Header {
    module: Vec<plumb_model::ModuleStep>,
    mode: plumb_model::Mode,
    r#type: String,
    name: String,
    provider: plumb_model::ProviderRef,
}

/// Builds resources from a parsed v4 state. The first pass left each instance's `attributes` as
/// raw JSON, so that turning them into values (most of the work: millions of small allocations
/// in a large state) runs on all cores.
pub(crate) fn convert(
    top: RawTop<'_>,
    text: &str,
    origin: &str,
    workspace: &str,
    schemas: &ProviderSchemas,
) -> Result<StateDoc, StateError> {
    let raw_resources = top.resources.unwrap_or_default();
    let mut headers = Vec::with_capacity(raw_resources.len());
    let mut instances = Vec::with_capacity(raw_resources.len());
    for (i, raw) in raw_resources.into_iter().enumerate() {
        // Names become code in generated files: refuse what Terraform never writes.
        let names = check_identifier("resource type", &raw.r#type)
            .and_then(|()| check_identifier("resource name", &raw.name));
        if let Err(e) = names {
            return Err(StateError::invalid(
                origin,
                format!("at `resources[{i}]`: {e}"),
            ));
        }
        headers.push(Header {
            module: raw.module.0,
            mode: raw.mode.into(),
            r#type: raw.r#type,
            name: raw.name,
            provider: raw.provider.0,
        });
        instances.push(raw.instances);
    }
    let jobs: Vec<Job<'_, '_>> = headers
        .iter()
        .zip(instances)
        .flat_map(|(resource, list)| {
            list.into_iter()
                .map(move |instance| Job { resource, instance })
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(jobs.len() / 512 + 1);
    let resources = if threads <= 1 {
        build(jobs, text, origin, schemas)?
    } else {
        let chunk = jobs.len().div_ceil(threads);
        let mut chunks = Vec::with_capacity(threads);
        let mut rest = jobs;
        while rest.len() > chunk {
            let tail = rest.split_off(chunk);
            chunks.push(rest);
            rest = tail;
        }
        chunks.push(rest);
        let results: Vec<Result<Vec<Resource>, StateError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| scope.spawn(move || build(chunk, text, origin, schemas)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(StateError::invalid(origin, "a reader thread failed"))
                    })
                })
                .collect()
        });
        let mut all =
            Vec::with_capacity(results.iter().map(|r| r.as_ref().map_or(0, Vec::len)).sum());
        for part in results {
            all.extend(part?);
        }
        all
    };
    Ok(StateDoc {
        origin: origin.to_owned(),
        workspace: workspace.to_owned(),
        format: StateFormat::V4,
        terraform_version: top.terraform_version,
        serial: top.serial,
        lineage: top.lineage,
        resources,
        outputs: outputs(top.outputs),
        check_results: top.check_results,
    })
}

fn build(
    jobs: Vec<Job<'_, '_>>,
    text: &str,
    origin: &str,
    schemas: &ProviderSchemas,
) -> Result<Vec<Resource>, StateError> {
    let mut out = Vec::with_capacity(jobs.len());
    let mut cached: Option<(
        *const Header,
        Option<&plumb_schema::ResourceSchema>,
        Option<&plumb_schema::ResourceSchema>,
    )> = None;
    for Job {
        resource: header,
        instance,
    } in jobs
    {
        let (schema, sensitive) = match cached {
            Some((ptr, schema, sensitive)) if std::ptr::eq(ptr, header) => (schema, sensitive),
            _ => {
                let schema = marks::schema_for(schemas, header.mode, &header.r#type);
                let sensitive = marks::sensitive_schema(schemas, header.mode, &header.r#type);
                cached = Some((std::ptr::from_ref(header), schema, sensitive));
                (schema, sensitive)
            }
        };
        let attributes = match (instance.attributes, instance.attributes_flat) {
            (Some(raw), _) => serde_json::from_str::<Value>(raw.get()).map_err(|e| {
                // Cannot happen for text the first pass accepted; still an error, not a panic.
                let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
                let (line, column) = crate::error::line_column(text.as_bytes(), offset);
                StateError::Json {
                    origin: origin.to_owned(),
                    line,
                    column,
                    message: crate::error::one_line(&format!("in `attributes`: {e}")),
                }
            })?,
            (None, Some(flat)) => flatmap::rebuild(&flat, schema.map(|s| &s.block)),
            (None, None) => Value::Map(plumb_model::Map::new()),
        };
        let mut resource = Resource {
            address: Address {
                module: header.module.clone(),
                mode: header.mode,
                r#type: header.r#type.clone(),
                name: header.name.clone(),
                key: instance.index_key.map(|k| k.0),
            },
            provider: header.provider.clone(),
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
            identity: instance.identity,
        };
        marks::mark_resource_with(&mut resource, sensitive);
        out.push(resource);
    }
    Ok(out)
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
