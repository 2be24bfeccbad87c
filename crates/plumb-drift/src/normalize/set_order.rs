//! Sets have no order: the provider writes set elements in hash order, AWS returns them in its
//! own, and neither means anything.

use plumb_model::{AttrPath, Segment, Value};
use plumb_schema::ResourceSchema;

use super::{NormalizeContext, Normalizer};

pub struct SetOrder;

/// Sorts the elements of every set-typed value below `path` (per the schema) into a canonical
/// order, children first so that nested sets are canonical before their parents are sorted.
pub fn sort_sets(schema: Option<&ResourceSchema>, path: &mut AttrPath, value: &mut Value) {
    let Some(schema) = schema else {
        return;
    };
    match value {
        Value::List(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(Segment::Index(i));
                sort_sets(Some(schema), path, item);
                path.0.pop();
            }
            if schema.node(path).is_some_and(|n| n.is_set()) {
                let mut keyed: Vec<(String, Value)> =
                    items.drain(..).map(|v| (v.to_string(), v)).collect();
                keyed.sort_by(|a, b| a.0.cmp(&b.0));
                items.extend(keyed.into_iter().map(|(_, v)| v));
            }
        }
        Value::Map(map) => {
            for (key, item) in map.iter_mut() {
                path.push(Segment::Attr(key.to_owned()));
                sort_sets(Some(schema), path, item);
                path.0.pop();
            }
        }
        _ => {}
    }
}

impl Normalizer for SetOrder {
    fn id(&self) -> &'static str {
        "set-order"
    }
    fn reason(&self) -> &'static str {
        "same set elements in another order"
    }
    fn doc(&self) -> &'static str {
        "Set-typed attributes and blocks (security group rules, `vpc_security_group_ids`, \
         network ACL entries) are compared as sets, at any depth: the provider stores set \
         elements in hash order and AWS returns them in its own order, so a different order is \
         never drift. Which attributes are sets comes from the provider schema; without one, \
         lists are compared in order."
    }
    fn normalize(&self, ctx: &NormalizeContext<'_>, path: &AttrPath, value: &mut Value) {
        sort_sets(ctx.schema, &mut path.clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> plumb_schema::ProviderSchemas {
        plumb_schema::ProviderSchemas::from_slice(
            br#"{"provider_schemas":{"aws":{"resource_schemas":{"aws_sg":{"block":{"attributes":{
              "ids":{"type":["set","string"],"optional":true},
              "ordered":{"type":["list","string"],"optional":true},
              "ingress":{"type":["set",["object",{"cidr_blocks":["list","string"],"from_port":"number","security_groups":["set","string"]}]],"optional":true}
            }}}}}}}"#,
            "test",
        )
        .unwrap()
    }

    fn sorted(attribute: &str, json: &str) -> Value {
        let schemas = schema();
        let ctx = NormalizeContext {
            resource_type: "aws_sg",
            schema: schemas.resource("aws_sg"),
        };
        let mut value: Value = serde_json::from_str(json).unwrap();
        SetOrder.normalize(&ctx, &AttrPath::attr(attribute), &mut value);
        value
    }

    #[test]
    fn sets_sort_and_lists_keep_their_order() {
        assert_eq!(sorted("ids", r#"["b","a"]"#), sorted("ids", r#"["a","b"]"#));
        assert_ne!(
            sorted("ordered", r#"["b","a"]"#),
            sorted("ordered", r#"["a","b"]"#)
        );
    }

    #[test]
    fn nested_sets_of_objects_sort_at_every_depth() {
        let a = sorted(
            "ingress",
            r#"[{"from_port":22,"cidr_blocks":["10.0.0.0/8"],"security_groups":["sg-2","sg-1"]},
                {"from_port":443,"cidr_blocks":["0.0.0.0/0"],"security_groups":[]}]"#,
        );
        let b = sorted(
            "ingress",
            r#"[{"from_port":443,"cidr_blocks":["0.0.0.0/0"],"security_groups":[]},
                {"from_port":22,"cidr_blocks":["10.0.0.0/8"],"security_groups":["sg-1","sg-2"]}]"#,
        );
        assert_eq!(a, b);
    }
}
