//! `--format plan-json`: drift in the shape of `terraform show -json`, so that tools which read
//! plan JSON (OPA/conftest, checkov, terraform-compliance) read plumb's drift as they read a
//! plan's `resource_drift`: `before` is the state, `after` what is live.
//!
//! Sensitive values follow plumb's rule rather than Terraform's: they are written as
//! `(sensitive)` (never in clear), and `before_sensitive` / `after_sensitive` mark where they
//! are, as Terraform marks them.

use std::io::{self, Write};

use plumb_model::{Address, InstanceKey, Value};
use serde_json::{Map, Value as Json, json};

use crate::PLUMB_VERSION;

/// The plan JSON format version the output follows (`terraform show -json`, Terraform 1.x).
pub const PLAN_FORMAT_VERSION: &str = "1.2";

/// One drifted resource: what Terraform recorded and what is live.
#[derive(Clone, Copy, Debug)]
pub struct DriftEntry<'a> {
    pub address: &'a Address,
    pub provider_name: &'a str,
    pub deposed: Option<&'a str>,
    pub before: &'a Value,
    /// `None`: deleted outside Terraform.
    pub after: Option<&'a Value>,
}

pub fn render_plan_json(entries: &[DriftEntry<'_>], out: &mut dyn Write) -> io::Result<()> {
    let drift: Vec<Json> = entries.iter().map(entry).collect();
    let doc = json!({
        "format_version": PLAN_FORMAT_VERSION,
        "plumb_version": PLUMB_VERSION,
        "resource_drift": drift,
        "resource_changes": [],
    });
    plumb_model::json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

fn entry(e: &DriftEntry<'_>) -> Json {
    let mut object = Map::new();
    object.insert("address".into(), json!(e.address.to_string()));
    if !e.address.module.is_empty() {
        object.insert("module_address".into(), json!(e.address.module_path()));
    }
    object.insert("mode".into(), json!("managed"));
    object.insert("type".into(), json!(e.address.r#type));
    object.insert("name".into(), json!(e.address.name));
    match &e.address.key {
        Some(InstanceKey::Int(i)) => {
            object.insert("index".into(), json!(i));
        }
        Some(InstanceKey::Str(s)) => {
            object.insert("index".into(), json!(s));
        }
        None => {}
    }
    if let Some(deposed) = e.deposed {
        object.insert("deposed".into(), json!(deposed));
    }
    object.insert("provider_name".into(), json!(e.provider_name));
    let actions = if e.after.is_some() {
        ["update"]
    } else {
        ["delete"]
    };
    object.insert(
        "change".into(),
        json!({
            "actions": actions,
            // Value's Serialize writes a sensitive value as "(sensitive)".
            "before": e.before,
            "after": e.after,
            "after_unknown": {},
            "before_sensitive": sensitive_marks(e.before),
            "after_sensitive": e.after.map_or(Json::Bool(false), sensitive_marks),
        }),
    );
    Json::Object(object)
}

/// Where `value` holds sensitive parts, as Terraform's `*_sensitive` mirrors say it: `true` at
/// a sensitive value, objects and lists mirroring the structure, `false` elsewhere.
fn sensitive_marks(value: &Value) -> Json {
    match value {
        Value::Sensitive(_) => Json::Bool(true),
        Value::Map(map) => Json::Object(
            map.iter()
                .map(|(k, v)| (k.to_owned(), sensitive_marks(v)))
                .filter(|(_, marks)| *marks != Json::Bool(false))
                .collect(),
        ),
        Value::List(items) => {
            let marks: Vec<Json> = items.iter().map(sensitive_marks).collect();
            if marks.iter().all(|m| *m == Json::Bool(false)) {
                Json::Array(Vec::new())
            } else {
                Json::Array(marks)
            }
        }
        _ => Json::Bool(false),
    }
}

#[cfg(test)]
mod tests {
    use plumb_model::Map as Attrs;

    use super::*;

    fn attrs(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(Attrs::from_entries(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        ))
    }

    #[test]
    fn drift_reads_as_a_plans_resource_drift() {
        let address: Address = "module.web.aws_instance.app[0]".parse().unwrap();
        let before = attrs(vec![
            ("id", Value::string("i-1")),
            ("instance_type", Value::string("t3.micro")),
            (
                "user_data",
                Value::Sensitive(Box::new(Value::string("hunter2-secret"))),
            ),
        ]);
        let after = attrs(vec![
            ("id", Value::string("i-1")),
            ("instance_type", Value::string("t3.large")),
            (
                "user_data",
                Value::Sensitive(Box::new(Value::string("hunter2-secret"))),
            ),
        ]);
        let gone: Address = "aws_ebs_volume.data".parse().unwrap();
        let volume = attrs(vec![("id", Value::string("vol-1"))]);
        let entries = [
            DriftEntry {
                address: &address,
                provider_name: "registry.terraform.io/hashicorp/aws",
                deposed: None,
                before: &before,
                after: Some(&after),
            },
            DriftEntry {
                address: &gone,
                provider_name: "registry.terraform.io/hashicorp/aws",
                deposed: None,
                before: &volume,
                after: None,
            },
        ];
        let mut out = Vec::new();
        render_plan_json(&entries, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("hunter2-secret"));
        let doc: Json = serde_json::from_str(&text).unwrap();
        let first = &doc["resource_drift"][0];
        assert_eq!(first["address"], "module.web.aws_instance.app[0]");
        assert_eq!(first["module_address"], "module.web");
        assert_eq!(first["index"], 0);
        assert_eq!(first["change"]["actions"], json!(["update"]));
        assert_eq!(first["change"]["after"]["instance_type"], "t3.large");
        assert_eq!(
            first["change"]["before_sensitive"],
            json!({"user_data": true})
        );
        let second = &doc["resource_drift"][1];
        assert_eq!(second["change"]["actions"], json!(["delete"]));
        assert_eq!(second["change"]["after"], Json::Null);
        insta::assert_snapshot!(text);
    }
}
