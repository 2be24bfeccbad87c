//! JSON documents inside string attributes (policies) compared by meaning, not by text.

use plumb_model::{AttrPath, Value};
use serde_json::Value as Json;

use super::{NormalizeContext, Normalizer, walk_mut};

pub struct JsonDocument;

/// Policy keys whose value AWS treats as a set: one string or a list of strings, in any order.
const SET_VALUED: &[&str] = &["Action", "NotAction", "Resource", "NotResource"];

fn as_sorted_list(value: &mut Json) {
    let mut items = match value.take() {
        Json::Array(items) => items,
        Json::Null => Vec::new(),
        single => vec![single],
    };
    for item in &mut items {
        canonicalize(item);
    }
    items.sort_by_key(ToString::to_string);
    items.dedup();
    *value = Json::Array(items);
}

/// Rewrites an IAM-style document into one form: statement lists, set-valued keys as sorted
/// lists, principals and condition values as sorted lists. Object keys sort themselves
/// (`serde_json`'s map is ordered).
fn canonicalize(json: &mut Json) {
    let Json::Object(object) = json else {
        if let Json::Array(items) = json {
            items.iter_mut().for_each(canonicalize);
        }
        return;
    };
    for (key, value) in object.iter_mut() {
        match key.as_str() {
            "Statement" => {
                if value.is_object() {
                    *value = Json::Array(vec![value.take()]);
                }
                canonicalize(value);
            }
            k if SET_VALUED.contains(&k) => as_sorted_list(value),
            "Principal" | "NotPrincipal" if value.is_object() => {
                if let Json::Object(principals) = value {
                    principals.values_mut().for_each(as_sorted_list);
                }
            }
            "Condition" => {
                if let Json::Object(operators) = value {
                    for condition in operators.values_mut() {
                        if let Json::Object(keys) = condition {
                            keys.values_mut().for_each(as_sorted_list);
                        }
                    }
                }
            }
            _ => canonicalize(value),
        }
    }
}

/// The canonical text of a JSON document, or `None` when `text` is not one.
pub fn canonical_json(text: &str) -> Option<String> {
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    let mut json: Json = serde_json::from_str(text).ok()?;
    canonicalize(&mut json);
    Some(json.to_string())
}

impl Normalizer for JsonDocument {
    fn id(&self) -> &'static str {
        "json-semantic"
    }
    fn reason(&self) -> &'static str {
        "the same JSON document written differently"
    }
    fn doc(&self) -> &'static str {
        "String attributes that hold JSON documents (VPC endpoint policies, and any other \
         policy) are compared as documents: key order and white space do not count, and the \
         IAM forms that AWS treats alike are made one — a single statement or a list of one, \
         one string or a list of one for `Action`, `Resource` and principals, and those lists \
         in any order."
    }
    fn normalize(&self, _ctx: &NormalizeContext<'_>, path: &AttrPath, value: &mut Value) {
        walk_mut(value, &mut path.clone(), &mut |_, v| {
            if let Value::String(s) = v
                && let Some(canonical) = canonical_json(s)
            {
                *s = canonical;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_compare_by_meaning() {
        let a = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":["b","a"],"Principal":{"AWS":"arn:x"}}}"#;
        let b = r#"{
            "Statement": [{"Principal": {"AWS": ["arn:x"]}, "Resource": ["a", "b"],
                           "Action": ["s3:GetObject"], "Effect": "Allow"}],
            "Version": "2012-10-17"
        }"#;
        assert_eq!(canonical_json(a), canonical_json(b));
        let c = a.replace("GetObject", "PutObject");
        assert_ne!(canonical_json(a), canonical_json(&c));
    }

    #[test]
    fn plain_strings_are_left_alone() {
        assert_eq!(canonical_json("t3.large"), None);
        assert_eq!(canonical_json("{not json"), None);
    }
}
