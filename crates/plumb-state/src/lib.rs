//! Reading what Terraform recorded: tfstate files (format versions 4 and 3) and `terraform show
//! -json` documents (a state, or a plan), all into `plumb_model`'s [`StateDoc`] and [`Plan`].
//!
//! What each reader promises:
//! - **tfstate v4** (Terraform 0.12 to 1.x): every instance object of every resource, current and
//!   deposed (one [`Resource`](plumb_model::Resource) each), with its address (modules with keys,
//!   `count` and `for_each` keys), provider (new `provider["..."]` and legacy `provider.aws` forms),
//!   status, schema version, `sensitive_attributes`, `identity` and dependencies; `attributes` read
//!   as they are, legacy `attributes_flat` rebuilt as for v3; root outputs; `check_results` kept.
//! - **tfstate v3** (Terraform 0.7 to 0.11, terraformer): modules, resources, deposed objects, root
//!   outputs; flatmap attributes rebuilt into typed values with the provider schema, or inferred
//!   without one (see the `flatmap` module for what inference can and cannot tell).
//! - **`terraform show -json`**: a state's resources from every module, with `sensitive_values`;
//!   a plan's prior state, `resource_drift` and `resource_changes` (unknown places from
//!   `after_unknown` become `Value::Unknown`, `*_sensitive` places are marked) and
//!   `configuration` kept as a value.
//!
//! Every reader marks sensitive values by the same rule (schema, the document's own marks, and the
//! always-sensitive names), so nothing downstream can print a secret by reading the wrong format.
//! Every failure is one [`StateError`] line naming the file; no input makes a reader panic.
//!
//! The bytes are parsed once, straight into private typed structs whose attribute values are
//! `plumb_model::Value`s, because a 100 MB state has to be read in a few times the time it takes
//! merely to scan it and in a few times its size in memory.

mod discover;
mod error;
mod flatmap;
mod marks;
mod names;
mod raw;
mod show;
mod v3;
mod v4;

use plumb_model::{Plan, StateDoc, Value};
use plumb_schema::ProviderSchemas;

pub use discover::{SourceKind, StateSource, discover, load_states, read_source};
pub use error::StateError;

use raw::{RawSniff, RawTop};

/// A document read by [`parse_document`]: a state (any format) or a plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    State(StateDoc),
    Plan(Plan),
}

/// Reads a tfstate (v4 or v3), a `terraform show -json` state, or a `terraform show -json` plan,
/// telling them apart by their content. `origin` names the source in errors; `workspace` is the
/// workspace the state (or the plan's prior state) belongs to.
pub fn parse_document(
    bytes: &[u8],
    origin: &str,
    workspace: &str,
    schemas: &ProviderSchemas,
) -> Result<Document, StateError> {
    let bytes = check_bytes(bytes, origin)?;
    // One UTF-8 check of the whole buffer is far cheaper than serde_json's check of each string.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(utf8) => {
            let (line, column) = error::line_column(bytes, utf8.valid_up_to());
            return Err(StateError::Json {
                origin: origin.to_owned(),
                line,
                column,
                message: "not valid UTF-8 text, so not a Terraform state".to_owned(),
            });
        }
    };
    let top: RawTop = match serde_json::from_str(text) {
        Ok(top) => top,
        Err(error) => return Err(explain_failure(bytes, origin, &error)),
    };
    if let Some(version) = &top.version {
        return match state_version(origin, version, bytes)? {
            3 => v3::convert(top, origin, workspace, schemas).map(Document::State),
            _ => v4::convert(top, text, origin, workspace, schemas).map(Document::State),
        };
    }
    if top.format_version.is_some() {
        let is_plan = top.planned_values.is_some()
            || top.prior_state.is_some()
            || top.resource_changes.is_some()
            || top.resource_drift.is_some();
        return if is_plan {
            show::convert_plan(top, origin, workspace, schemas).map(Document::Plan)
        } else {
            show::convert_state(top, origin, workspace, schemas).map(Document::State)
        };
    }
    Err(not_a_state(bytes, origin))
}

/// Reads a state in any format. A plan given here yields its prior state; a plan without one
/// (a workspace's first plan: nothing exists yet) yields an empty state.
pub fn read_state(
    bytes: &[u8],
    origin: &str,
    workspace: &str,
    schemas: &ProviderSchemas,
) -> Result<StateDoc, StateError> {
    match parse_document(bytes, origin, workspace, schemas)? {
        Document::State(state) => Ok(state),
        Document::Plan(plan) => Ok(plan.prior_state.unwrap_or_else(|| StateDoc {
            origin: origin.to_owned(),
            workspace: workspace.to_owned(),
            format: plumb_model::StateFormat::Plan,
            terraform_version: plan.terraform_version,
            serial: None,
            lineage: None,
            resources: Vec::new(),
            outputs: Vec::new(),
            check_results: None,
        })),
    }
}

/// Reads a `terraform show -json` plan; any other document is an error saying what it is.
pub fn read_plan(
    bytes: &[u8],
    origin: &str,
    schemas: &ProviderSchemas,
) -> Result<Plan, StateError> {
    match parse_document(bytes, origin, "default", schemas)? {
        Document::Plan(plan) => Ok(plan),
        Document::State(state) => Err(StateError::invalid(
            origin,
            format!(
                "a {} state, not a plan (make one with `terraform show -json PLANFILE`)",
                match state.format {
                    plumb_model::StateFormat::V3 => "tfstate v3",
                    plumb_model::StateFormat::V4 => "tfstate v4",
                    _ => "`terraform show -json`",
                }
            ),
        )),
    }
}

/// Rejects what is not JSON text before `serde_json` sees it, with messages that say what it is.
fn check_bytes<'a>(bytes: &'a [u8], origin: &str) -> Result<&'a [u8], StateError> {
    let bytes = plumb_model::bom::strip(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(StateError::Empty {
            origin: origin.to_owned(),
        });
    }
    if bytes.starts_with(b"tfstate") {
        return Err(StateError::unsupported(
            origin,
            "a binary state from Terraform before 0.7; upgrade it with Terraform 0.6.16 or earlier first",
        ));
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first != Some(b'{') {
        // Valid JSON that is not an object is not a state; invalid JSON gets serde_json's
        // position below.
        if std::str::from_utf8(bytes).is_ok()
            && let Ok(value) = serde_json::from_slice::<Value>(bytes)
        {
            return Err(StateError::not_a_state(
                origin,
                format!("a JSON {}, not an object", json_kind(&value)),
            ));
        }
    }
    Ok(bytes)
}

/// The version of a tfstate, or the error saying why plumb does not read it.
fn state_version(origin: &str, version: &Value, bytes: &[u8]) -> Result<u64, StateError> {
    let number = version
        .as_i64()
        .and_then(|v| u64::try_from(v).ok())
        .ok_or_else(|| {
            StateError::invalid(
                origin,
                format!(
                    "`version` must be a whole number, found {} {version}",
                    version.kind_name()
                ),
            )
        })?;
    let written_by = || {
        serde_json::from_slice::<RawSniff>(bytes)
            .ok()
            .and_then(|s| s.terraform_version)
            .and_then(|v| v.as_str().map(str::to_owned))
            .map(|v| format!(" (written by Terraform {v})"))
            .unwrap_or_default()
    };
    match number {
        3 | 4 => Ok(number),
        0 => Err(StateError::unsupported(
            origin,
            "tfstate format version 0 never existed as JSON; this file is not a valid state",
        )),
        1 | 2 => Err(StateError::unsupported(
            origin,
            format!(
                "tfstate format version {number}{} is too old: plumb reads versions 3 and 4. Terraform 0.12 and later still read and upgrade it: run `terraform state pull > upgraded.tfstate` (or `terraform refresh`) with Terraform 0.12–1.x in its working directory, which writes version 4",
                written_by()
            ),
        )),
        _ => Err(StateError::unsupported(
            origin,
            format!(
                "tfstate format version {number}{} is newer than plumb understands (it reads versions 3 and 4)",
                written_by()
            ),
        )),
    }
}

/// Turns a failed full read into the most useful message: a version plumb does not read beats a
/// type error inside a format it would not have understood anyway.
fn explain_failure(bytes: &[u8], origin: &str, error: &serde_json::Error) -> StateError {
    if error.is_data()
        && let Ok(sniff) = serde_json::from_slice::<RawSniff>(bytes)
        && let Some(version) = &sniff.version
        && let Err(version_error) = state_version(origin, version, bytes)
    {
        return version_error;
    }
    StateError::from_json(origin, bytes, error)
}

/// The message for JSON that parsed but is neither a state nor a plan.
fn not_a_state(bytes: &[u8], origin: &str) -> StateError {
    let keys = serde_json::from_slice::<raw::TopKeys>(bytes)
        .map(|k| k.0)
        .unwrap_or_default();
    let looks_like = if ["summary", "managed", "unmanaged"]
        .iter()
        .all(|k| keys.iter().any(|key| key == k))
    {
        " (it looks like a driftctl scan result)"
    } else {
        ""
    };
    let shown: Vec<String> = keys.iter().take(6).map(|k| format!("`{k}`")).collect();
    let more = if keys.len() > 6 { ", ..." } else { "" };
    let listed = if keys.is_empty() {
        "no keys at all".to_owned()
    } else {
        format!("keys {}{more}", shown.join(", "))
    };
    StateError::not_a_state(
        origin,
        format!("a JSON object without `version` or `format_version` ({listed}){looks_like}"),
    )
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        _ => "string",
    }
}

#[cfg(test)]
mod tests;
