//! Sensitivity and unknown marks, applied the same way for every format.

use plumb_model::{Address, AttrPath, Mode, ProviderRef, Resource, Segment, Status, Value};
use plumb_schema::{ProviderSchemas, ResourceSchema};

/// The schema of a resource or data source type, when plumb has one.
pub(crate) fn schema_for<'a>(
    schemas: &'a ProviderSchemas,
    mode: Mode,
    type_name: &str,
) -> Option<&'a ResourceSchema> {
    match mode {
        Mode::Managed => schemas.resource(type_name),
        Mode::Data => schemas.data_source(type_name),
    }
}

/// The schema to mark sensitive attributes with, or `None` when the type's schema has no
/// sensitive attribute at all (most EC2 types): asked once per resource, not per instance.
pub(crate) fn sensitive_schema<'a>(
    schemas: &'a ProviderSchemas,
    mode: Mode,
    type_name: &str,
) -> Option<&'a ResourceSchema> {
    schema_for(schemas, mode, type_name).filter(|s| s.block.has_sensitive())
}

/// The one sensitivity rule: schema-sensitive attributes, then the state's own sensitive paths
/// and the always-sensitive names (both by [`Resource::apply_sensitive_marks`]).
pub(crate) fn mark_resource(resource: &mut Resource, schemas: &ProviderSchemas) {
    let schema = sensitive_schema(schemas, resource.address.mode, &resource.address.r#type);
    mark_resource_with(resource, schema);
}

/// [`mark_resource`] with the schema already looked up by [`sensitive_schema`].
pub(crate) fn mark_resource_with(resource: &mut Resource, schema: Option<&ResourceSchema>) {
    if let Some(schema) = schema {
        schema.block.mark_sensitive(&mut resource.attributes);
    }
    resource.apply_sensitive_marks(&[]);
}

/// Applies the same rule to a value that is not a state resource (a plan's `before`/`after`),
/// by lending it to a scratch resource so that the rule lives in one place.
pub(crate) fn mark_value(
    value: &mut Value,
    address: &Address,
    paths: Vec<AttrPath>,
    schemas: &ProviderSchemas,
) {
    if value.is_null() && paths.is_empty() {
        return;
    }
    let mut scratch = Resource {
        address: address.clone(),
        provider: ProviderRef::hashicorp("scratch"),
        status: Status::Ready,
        deposed: None,
        schema_version: None,
        attributes: std::mem::take(value),
        sensitive_paths: paths,
        dependencies: Vec::new(),
        identity: None,
    };
    mark_resource(&mut scratch, schemas);
    *value = scratch.attributes;
}

/// The paths where a `sensitive_values`-style mask (same shape as the value, `true` where
/// sensitive) holds `true`.
pub(crate) fn mask_paths(mask: &Value) -> Vec<AttrPath> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    collect_mask(mask, &mut current, &mut out);
    out
}

fn collect_mask(mask: &Value, current: &mut Vec<Segment>, out: &mut Vec<AttrPath>) {
    match mask {
        Value::Bool(true) => out.push(AttrPath(current.clone())),
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                current.push(Segment::Index(i));
                collect_mask(item, current, out);
                current.pop();
            }
        }
        Value::Map(map) => {
            for (key, item) in map {
                current.push(if current.is_empty() {
                    Segment::Attr(key.to_owned())
                } else {
                    Segment::Key(key.to_owned())
                });
                collect_mask(item, current, out);
                current.pop();
            }
        }
        _ => {}
    }
}

/// True when a mask holds `true` anywhere.
fn mask_has_true(mask: &Value) -> bool {
    match mask {
        Value::Bool(b) => *b,
        Value::List(items) => items.iter().any(mask_has_true),
        Value::Map(map) => map.values().any(mask_has_true),
        _ => false,
    }
}

/// Puts `Value::Unknown` wherever an `after_unknown` mask says `true`. Terraform leaves unknown
/// attributes out of `after` altogether, so missing places are created.
pub(crate) fn apply_unknown(value: &mut Value, mask: &Value) {
    match mask {
        Value::Bool(true) => *value = Value::Unknown,
        Value::Map(entries) => {
            if !mask_has_true(mask) {
                return;
            }
            if value.is_null() {
                *value = Value::Map(plumb_model::Map::new());
            }
            let Value::Map(map) = value else {
                return;
            };
            for (key, sub) in entries {
                if !mask_has_true(sub) {
                    continue;
                }
                if !map.contains_key(key) {
                    map.insert(key, Value::Null);
                }
                if let Some(child) = map.get_mut(key) {
                    apply_unknown(child, sub);
                }
            }
        }
        Value::List(items) => {
            if !mask_has_true(mask) {
                return;
            }
            if value.is_null() {
                *value = Value::List(Vec::new());
            }
            let Value::List(list) = value else {
                return;
            };
            for (i, sub) in items.iter().enumerate() {
                if !mask_has_true(sub) {
                    continue;
                }
                while list.len() <= i {
                    list.push(Value::Null);
                }
                apply_unknown(&mut list[i], sub);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn unknown_masks_create_missing_places() {
        let mut after = json(r#"{"name":"x","tags":{"a":"b"},"list":[1]}"#);
        apply_unknown(
            &mut after,
            &json(r#"{"id":true,"tags":{},"list":[false,true],"nested":[{"arn":true}]}"#),
        );
        assert_eq!(after.get("id"), Some(&Value::Unknown));
        assert_eq!(
            after.get("list").unwrap().as_list().unwrap()[1],
            Value::Unknown
        );
        assert!(after.get("nested").unwrap().contains_unknown());
        assert_eq!(after.get("name").unwrap().as_str(), Some("x"));
        let mut whole = Value::Null;
        apply_unknown(&mut whole, &Value::Bool(true));
        assert!(whole.is_unknown());
    }

    #[test]
    fn masks_become_paths() {
        let paths = mask_paths(&json(
            r#"{"password":true,"tags":{"k":true},"b":[{},{"s":true}],"n":false}"#,
        ));
        let text: Vec<String> = paths.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["b[1][\"s\"]", "password", "tags[\"k\"]"]);
    }
}
