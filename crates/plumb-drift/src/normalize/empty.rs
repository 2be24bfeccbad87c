//! Null, absent, `""`, `[]` and `{}` all mean "not set" to the provider for optional and
//! computed attributes.

use plumb_model::{AttrPath, Map, Value};
use plumb_schema::Type;

use super::{NormalizeContext, Normalizer, walk_mut};

#[derive(Debug)]
pub struct EmptyEqualsNull;

impl Normalizer for EmptyEqualsNull {
    fn id(&self) -> &'static str {
        "empty-equals-null"
    }
    fn reason(&self) -> &'static str {
        "null, absent and empty mean the same (not set)"
    }
    fn doc(&self) -> &'static str {
        "The provider writes an unset optional attribute as null, an empty string, an empty \
         list or an empty map depending on its version and the API's answer; `tags = null` and \
         `tags = {}` are the classic case (a real `terraform show -json` plan reports exactly \
         this as drift). These compare equal, at any depth, and an object field holding an \
         empty value equals an object without the field. Map entries are kept: a tag whose value \
         is empty is still a tag."
    }
    fn normalize(&self, ctx: &NormalizeContext<'_>, path: &AttrPath, value: &mut Value) {
        walk_mut(value, &mut path.clone(), &mut |p, v| {
            // A block holding nothing but unset fields is as unset as no block at all.
            let only_nulls = matches!(v, Value::List(items) if items.iter().all(Value::is_null));
            if v.is_empty_like() || only_nulls {
                *v = Value::Null;
                return;
            }
            // Drop null fields of objects, but keep entries of map-typed values (tags).
            let is_map_type = ctx.schema.and_then(|s| s.node(p)).is_some_and(|n| {
                matches!(
                    n,
                    plumb_schema::Node::Attribute {
                        ty: Type::Map(_),
                        ..
                    }
                )
            });
            if let Value::Map(map) = v
                && !is_map_type
                && map.values().any(Value::is_null)
            {
                let kept: Map = std::mem::take(map)
                    .into_entries()
                    .into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .collect();
                *v = if kept.is_empty() {
                    Value::Null
                } else {
                    Value::Map(kept)
                };
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::normalized;

    #[test]
    fn empties_are_null() {
        for json in [
            "null",
            "\"\"",
            "[]",
            "{}",
            r#"{"a":null,"b":[]}"#,
            r#"[{"x":""}]"#,
        ] {
            assert_eq!(
                normalized(&EmptyEqualsNull, "attr", json),
                Value::Null,
                "{json}"
            );
        }
    }

    #[test]
    fn values_are_kept() {
        assert_eq!(
            normalized(&EmptyEqualsNull, "attr", r#"{"a":"x","b":""}"#),
            normalized(&EmptyEqualsNull, "attr", r#"{"a":"x"}"#)
        );
        assert_ne!(normalized(&EmptyEqualsNull, "attr", "0"), Value::Null);
        assert_ne!(normalized(&EmptyEqualsNull, "attr", "false"), Value::Null);
    }
}
