//! Comparing one attribute of one resource: equal, noise (and which normalizer says so), or a
//! list of differences at the deepest paths where the two sides part.

use plumb_model::{AttrPath, Map, Segment, Value};
use plumb_schema::ResourceSchema;

use crate::normalize::{self, NormalizeContext, sort_sets};

/// A difference at one path. For sets, `added`/`removed` hold the elements.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub path: AttrPath,
    pub state: Option<Value>,
    pub live: Option<Value>,
    pub added: Vec<Value>,
    pub removed: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Equal,
    /// Different text, same meaning: the normalizer that judged it, and why.
    Noise {
        rule: &'static str,
        reason: &'static str,
    },
    Different(Vec<Difference>),
}

/// A deep copy without sensitive marks: marks say how to show a value, not what it is.
pub fn unmarked(value: &Value) -> Value {
    match value {
        Value::Sensitive(inner) => unmarked(inner),
        Value::List(items) => Value::List(items.iter().map(unmarked).collect()),
        Value::Map(map) => Value::Map(
            map.iter()
                .map(|(k, v)| (k.to_owned(), unmarked(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Compares the top-level attribute `path` between state and live.
pub fn compare(
    schema: Option<&ResourceSchema>,
    resource_type: &str,
    path: &AttrPath,
    state: &Value,
    live: &Value,
) -> Outcome {
    if state == live {
        return Outcome::Equal;
    }
    let mut state = unmarked(state);
    let mut live = unmarked(live);
    if state == live {
        return Outcome::Equal;
    }
    let ctx = NormalizeContext {
        resource_type,
        schema,
    };
    for normalizer in normalize::registry() {
        normalizer.normalize(&ctx, path, &mut state);
        normalizer.normalize(&ctx, path, &mut live);
        // Normalizing elements can change their order: keep sets canonical after each step.
        sort_sets(schema, &mut path.clone(), &mut state);
        sort_sets(schema, &mut path.clone(), &mut live);
        if state == live {
            return Outcome::Noise {
                rule: normalizer.id(),
                reason: normalizer.reason(),
            };
        }
    }
    let mut differences = Vec::new();
    diff(schema, path, &state, &live, &mut differences);
    Outcome::Different(differences)
}

fn is_set(schema: Option<&ResourceSchema>, path: &AttrPath) -> bool {
    schema
        .and_then(|s| s.node(path))
        .is_some_and(|n| n.is_set())
}

fn present(value: &Value) -> Option<Value> {
    (!value.is_null()).then(|| value.clone())
}

/// Walks two normalized values down to where they differ.
pub fn diff(
    schema: Option<&ResourceSchema>,
    path: &AttrPath,
    state: &Value,
    live: &Value,
    out: &mut Vec<Difference>,
) {
    if state == live {
        return;
    }
    match (state, live) {
        (Value::List(a), Value::List(b)) if is_set(schema, path) => {
            let removed: Vec<Value> = a.iter().filter(|v| !b.contains(v)).cloned().collect();
            let added: Vec<Value> = b.iter().filter(|v| !a.contains(v)).cloned().collect();
            out.push(Difference {
                path: path.clone(),
                state: Some(state.clone()),
                live: Some(live.clone()),
                added,
                removed,
            });
        }
        (Value::List(a), Value::List(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(schema, &path.child_index(i), x, y, out);
            }
        }
        (Value::Map(a), Value::Map(b)) => {
            let null = Value::Null;
            for (key, x, y) in a.zip(b) {
                let child = path.with(Segment::Attr(key.to_owned()));
                diff(schema, &child, x.unwrap_or(&null), y.unwrap_or(&null), out);
            }
        }
        // A set that is empty (normalized to null) on one side: every element added or removed.
        (Value::Null, Value::List(b)) if is_set(schema, path) => out.push(Difference {
            path: path.clone(),
            state: None,
            live: Some(live.clone()),
            added: b.clone(),
            removed: Vec::new(),
        }),
        (Value::List(a), Value::Null) if is_set(schema, path) => out.push(Difference {
            path: path.clone(),
            state: Some(state.clone()),
            live: None,
            added: Vec::new(),
            removed: a.clone(),
        }),
        _ => out.push(Difference {
            path: path.clone(),
            state: present(state),
            live: present(live),
            added: Vec::new(),
            removed: Vec::new(),
        }),
    }
}

/// Fields of nested blocks that one side has and the other lacks altogether (a provider
/// version that adds or drops them, such as `metadata_options.http_protocol_ipv6` between 4.x
/// and 6.x), taken out of both sides and returned with their path and value. Only where the
/// schema says the value is a block or object: a map's keys (tags) are data, never dropped.
pub fn one_sided_fields(
    schema: Option<&ResourceSchema>,
    path: &AttrPath,
    state: &mut Value,
    live: &mut Value,
) -> Vec<(AttrPath, Option<Value>, Option<Value>)> {
    let mut out = Vec::new();
    if let Some(schema) = schema {
        strip_one_sided(schema, path, state, live, &mut out);
    }
    out
}

fn strip_one_sided(
    schema: &ResourceSchema,
    path: &AttrPath,
    state: &mut Value,
    live: &mut Value,
    out: &mut Vec<(AttrPath, Option<Value>, Option<Value>)>,
) {
    if state == live || schema.node(path).is_some_and(|n| n.is_map()) {
        return;
    }
    match (state, live) {
        (Value::Map(a), Value::Map(b)) => {
            let only_a: Vec<String> = a
                .keys()
                .filter(|k| !b.contains_key(k))
                .map(str::to_owned)
                .collect();
            let only_b: Vec<String> = b
                .keys()
                .filter(|k| !a.contains_key(k))
                .map(str::to_owned)
                .collect();
            for key in only_a {
                if let Some(v) = a.remove(&key).filter(|v| !v.is_empty_like()) {
                    out.push((path.child_attr(&key), Some(v), None));
                }
            }
            for key in only_b {
                if let Some(v) = b.remove(&key).filter(|v| !v.is_empty_like()) {
                    out.push((path.child_attr(&key), None, Some(v)));
                }
            }
            let keys: Vec<String> = a.keys().map(str::to_owned).collect();
            for key in keys {
                if let (Some(x), Some(y)) = (a.get_mut(&key), b.get_mut(&key)) {
                    strip_one_sided(schema, &path.child_attr(&key), x, y, out);
                }
            }
        }
        // Elements of a block list or set: a field no element on one side has.
        (Value::List(a), Value::List(b)) if !a.is_empty() && !b.is_empty() => {
            let keys = |items: &[Value]| -> std::collections::BTreeSet<String> {
                items
                    .iter()
                    .filter_map(Value::as_map)
                    .flat_map(|m| m.keys().map(str::to_owned))
                    .collect()
            };
            let (ka, kb) = (keys(a), keys(b));
            let element = path.child_index(0);
            for (side, extra, state_side) in [
                (
                    &mut *a,
                    ka.difference(&kb).cloned().collect::<Vec<_>>(),
                    true,
                ),
                (
                    &mut *b,
                    kb.difference(&ka).cloned().collect::<Vec<_>>(),
                    false,
                ),
            ] {
                for key in extra {
                    for item in side.iter_mut() {
                        let removed = item.as_map_mut().and_then(|m| m.remove(&key));
                        if let Some(v) = removed.filter(|v| !v.is_empty_like()) {
                            let p = element.child_attr(&key);
                            out.push(if state_side {
                                (p, Some(v), None)
                            } else {
                                (p, None, Some(v))
                            });
                        }
                    }
                }
            }
            if a.len() == b.len() {
                for (i, (x, y)) in a.iter_mut().zip(b.iter_mut()).enumerate() {
                    strip_one_sided(schema, &path.child_index(i), x, y, out);
                }
            }
        }
        _ => {}
    }
}

/// A map value's entries as a `Map`, treating null as empty.
pub fn as_map(value: Option<&Value>) -> Map {
    value.and_then(Value::as_map).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    fn outcome(attribute: &str, state: &str, live: &str) -> Outcome {
        compare(
            None,
            "aws_test",
            &AttrPath::attr(attribute),
            &parse(state),
            &parse(live),
        )
    }

    #[test]
    fn equal_noise_and_difference() {
        assert_eq!(outcome("a", "1", "1"), Outcome::Equal);
        assert!(matches!(
            outcome("tags", "null", "{}"),
            Outcome::Noise {
                rule: "empty-equals-null",
                ..
            }
        ));
        assert!(matches!(
            outcome("cidr_block", r#""10.0.0.1/8""#, r#""10.0.0.0/8""#),
            Outcome::Noise {
                rule: "cidr-canonical",
                ..
            }
        ));
        let Outcome::Different(d) = outcome(
            "metadata_options",
            r#"[{"http_tokens":"required","x":1}]"#,
            r#"[{"http_tokens":"optional","x":1}]"#,
        ) else {
            panic!("expected a difference");
        };
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path.to_string(), "metadata_options[0].http_tokens");
        assert_eq!(d[0].live, Some(Value::from("optional")));
    }

    #[test]
    fn sensitive_marks_do_not_make_a_difference() {
        let mut marked = parse(r#""secret""#);
        marked.mark_sensitive(&[]);
        assert_eq!(
            compare(
                None,
                "t",
                &AttrPath::attr("p"),
                &marked,
                &parse(r#""secret""#)
            ),
            Outcome::Equal
        );
    }
}
