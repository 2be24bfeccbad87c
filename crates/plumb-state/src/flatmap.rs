//! Rebuilding typed values from Terraform's legacy "flatmap" attributes (tfstate v3, and v4's
//! `attributes_flat`): `tags.%` = `"1"`, `tags.Name` = `"web"`, `ingress.#` = `"1"`,
//! `ingress.1234.from_port` = `"22"`.
//!
//! With the provider schema the result has the shape a v4 state would hold: numbers and bools
//! typed, every schema attribute present (null where the flatmap has nothing), list and set blocks
//! as lists (empty where absent), set elements in ascending order of their hash keys with the keys
//! dropped. Without a schema the shape is inferred: a `.#` count makes a list, a `.%` count a map,
//! other dotted keys an object, and every leaf stays a string — `"true"` and `"22"` cannot be told
//! from the strings `"true"` and `"22"` without a schema, and guessing would invent drift.

use std::collections::BTreeMap;

use plumb_model::{Map, Number, Value};
use plumb_schema::{Block, NestingMode, Type};

type Flat = BTreeMap<String, String>;

/// What flatmap states hold for a value not known until apply (hcl2shim.UnknownVariableValue).
const UNKNOWN_SENTINEL: &str = "74D93920-ED26-11E3-AC10-0800200C9A66";

/// Rebuilds an object from flatmap attributes, typed by `block` when there is one.
pub(crate) fn rebuild(flat: &Flat, block: Option<&Block>) -> Value {
    match block {
        Some(block) => {
            let mut map = block_object(flat, "", block);
            // Keep what the schema does not know (an attribute a newer provider dropped): it is
            // still part of the state, and losing it would hide drift.
            for name in child_segments(flat, "") {
                if !block.attributes.contains_key(name) && !block.block_types.contains_key(name) {
                    map.insert(name, infer(flat, name));
                }
            }
            Value::Map(map)
        }
        None => infer_object(flat, ""),
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// `(rest, value)` for every key strictly under `prefix.` (every key for the empty prefix).
fn under<'a>(flat: &'a Flat, prefix: &str) -> Vec<(&'a str, &'a str)> {
    if prefix.is_empty() {
        return flat.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    }
    let start = format!("{prefix}.");
    flat.range(start.clone()..)
        .take_while(|(k, _)| k.starts_with(&start))
        .map(|(k, v)| (&k[start.len()..], v.as_str()))
        .collect()
}

/// The distinct first segments under `prefix`, count markers (`#`, `%`) left out.
fn child_segments<'a>(flat: &'a Flat, prefix: &str) -> Vec<&'a str> {
    let mut out: Vec<&str> = under(flat, prefix)
        .into_iter()
        .map(|(rest, _)| rest.split('.').next().unwrap_or(rest))
        .filter(|s| *s != "#" && *s != "%")
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn has_any(flat: &Flat, prefix: &str) -> bool {
    flat.contains_key(prefix) || !under(flat, prefix).is_empty()
}

fn count(flat: &Flat, path: &str, marker: &str) -> Option<usize> {
    flat.get(&format!("{path}.{marker}"))
        .and_then(|c| c.parse().ok())
}

/// Set elements are keyed by hash (`~` marks a computed one); ascending hash order, keys dropped.
fn sort_set_keys(keys: &mut [&str]) {
    keys.sort_by_key(|k| {
        let digits = k.trim_start_matches('~');
        match digits.parse::<i128>() {
            Ok(n) => (0, n, (*k).to_owned()),
            Err(_) => (1, 0, (*k).to_owned()),
        }
    });
}

fn leaf(text: &str) -> Value {
    if text == UNKNOWN_SENTINEL {
        Value::Unknown
    } else {
        Value::String(text.to_owned())
    }
}

fn number(text: &str) -> Value {
    if let Some(exact) = Number::parse(text) {
        Value::Number(exact)
    } else if let Ok(f) = text.parse::<f64>() {
        Value::Number(Number::Float(f))
    } else {
        leaf(text)
    }
}

fn boolean(text: &str) -> Value {
    match text {
        "true" | "1" => Value::Bool(true),
        "false" | "0" => Value::Bool(false),
        other => leaf(other),
    }
}

fn block_object(flat: &Flat, prefix: &str, block: &Block) -> Map {
    let mut entries = Vec::with_capacity(block.attributes.len() + block.block_types.len());
    for (name, attribute) in &block.attributes {
        let path = join(prefix, name);
        let value = match &attribute.nested {
            Some(nested) => nested_value(flat, &path, nested.nesting, &nested.block, true),
            None => typed(flat, &path, &attribute.r#type),
        };
        entries.push((name.clone(), value));
    }
    for (name, nested) in &block.block_types {
        let path = join(prefix, name);
        entries.push((
            name.clone(),
            nested_value(flat, &path, nested.nesting, &nested.block, false),
        ));
    }
    Map::from_entries(entries)
}

fn nested_value(
    flat: &Flat,
    path: &str,
    nesting: NestingMode,
    block: &Block,
    is_attribute: bool,
) -> Value {
    // Absent list and set blocks are empty lists in a v4 state; absent nested attributes are null.
    let absent = || {
        if is_attribute {
            Value::Null
        } else {
            Value::List(Vec::new())
        }
    };
    match nesting {
        NestingMode::Single | NestingMode::Group => {
            if let Some(n) = count(flat, path, "#") {
                if n == 0 {
                    Value::Null
                } else {
                    Value::Map(block_object(flat, &join(path, "0"), block))
                }
            } else if has_any(flat, path) || nesting == NestingMode::Group {
                Value::Map(block_object(flat, path, block))
            } else {
                Value::Null
            }
        }
        NestingMode::List => match count(flat, path, "#") {
            Some(n) => Value::List(
                (0..n)
                    .map(|i| Value::Map(block_object(flat, &join(path, &i.to_string()), block)))
                    .collect(),
            ),
            None if has_any(flat, path) => {
                let mut keys = child_segments(flat, path);
                sort_set_keys(&mut keys);
                Value::List(
                    keys.iter()
                        .map(|k| Value::Map(block_object(flat, &join(path, k), block)))
                        .collect(),
                )
            }
            None => absent(),
        },
        NestingMode::Set => {
            if count(flat, path, "#").is_none() && !has_any(flat, path) {
                return absent();
            }
            let mut keys = child_segments(flat, path);
            sort_set_keys(&mut keys);
            Value::List(
                keys.iter()
                    .map(|k| Value::Map(block_object(flat, &join(path, k), block)))
                    .collect(),
            )
        }
        NestingMode::Map => {
            if count(flat, path, "%").is_none() && !has_any(flat, path) {
                return if is_attribute {
                    Value::Null
                } else {
                    Value::Map(Map::new())
                };
            }
            Value::Map(
                child_segments(flat, path)
                    .into_iter()
                    .map(|k| {
                        (
                            k.to_owned(),
                            Value::Map(block_object(flat, &join(path, k), block)),
                        )
                    })
                    .collect(),
            )
        }
    }
}

fn typed(flat: &Flat, path: &str, ty: &Type) -> Value {
    match ty {
        Type::String => flat.get(path).map_or(Value::Null, |s| leaf(s)),
        Type::Number => flat.get(path).map_or(Value::Null, |s| number(s)),
        Type::Bool => flat.get(path).map_or(Value::Null, |s| boolean(s)),
        Type::Dynamic => infer(flat, path),
        Type::List(element) => match count(flat, path, "#") {
            Some(n) => Value::List(
                (0..n)
                    .map(|i| typed(flat, &join(path, &i.to_string()), element))
                    .collect(),
            ),
            None if has_any(flat, path) => {
                let mut keys = child_segments(flat, path);
                sort_set_keys(&mut keys);
                Value::List(
                    keys.iter()
                        .map(|k| typed(flat, &join(path, k), element))
                        .collect(),
                )
            }
            None => Value::Null,
        },
        Type::Tuple(elements) => {
            if count(flat, path, "#").is_none() && !has_any(flat, path) {
                return Value::Null;
            }
            Value::List(
                elements
                    .iter()
                    .enumerate()
                    .map(|(i, t)| typed(flat, &join(path, &i.to_string()), t))
                    .collect(),
            )
        }
        Type::Set(element) => {
            if count(flat, path, "#").is_none() && !has_any(flat, path) {
                return Value::Null;
            }
            let mut keys = child_segments(flat, path);
            sort_set_keys(&mut keys);
            Value::List(
                keys.iter()
                    .map(|k| typed(flat, &join(path, k), element))
                    .collect(),
            )
        }
        Type::Map(element) => {
            // Very old states counted maps with `#` too.
            if count(flat, path, "%").is_none()
                && count(flat, path, "#").is_none()
                && !has_any(flat, path)
            {
                return Value::Null;
            }
            let primitive = matches!(**element, Type::String | Type::Number | Type::Bool);
            if primitive {
                // Map keys may hold dots (`kubernetes.io/cluster/x`): the whole rest is the key.
                Value::Map(
                    under(flat, path)
                        .into_iter()
                        .filter(|(rest, _)| *rest != "%" && *rest != "#")
                        .map(|(rest, text)| {
                            let value = match **element {
                                Type::Number => number(text),
                                Type::Bool => boolean(text),
                                _ => leaf(text),
                            };
                            (rest.to_owned(), value)
                        })
                        .collect(),
                )
            } else {
                Value::Map(
                    child_segments(flat, path)
                        .into_iter()
                        .map(|k| (k.to_owned(), typed(flat, &join(path, k), element)))
                        .collect(),
                )
            }
        }
        Type::Object(fields) => {
            if !has_any(flat, path) {
                return Value::Null;
            }
            // An object stored as a one-element list (`x.#` = 1, `x.0.a`) reads as its element.
            let base = if count(flat, path, "#") == Some(1) {
                join(path, "0")
            } else {
                path.to_owned()
            };
            Value::Map(
                fields
                    .iter()
                    .map(|(name, t)| (name.clone(), typed(flat, &join(&base, name), t)))
                    .collect(),
            )
        }
    }
}

/// A value with no schema: its shape read from count markers, its leaves strings.
fn infer(flat: &Flat, path: &str) -> Value {
    if count(flat, path, "#").is_some() {
        let mut keys = child_segments(flat, path);
        sort_set_keys(&mut keys);
        return Value::List(keys.iter().map(|k| infer(flat, &join(path, k))).collect());
    }
    if count(flat, path, "%").is_some() {
        let mut entries: Vec<(String, Value)> = Vec::new();
        for (rest, text) in under(flat, path) {
            if rest == "%" {
                continue;
            }
            // A key whose first segment carries its own count is a nested collection; any other
            // key is taken whole, dots and all.
            if let Some((first, _)) = rest.split_once('.') {
                let nested = join(path, first);
                if count(flat, &nested, "#").is_some() || count(flat, &nested, "%").is_some() {
                    if entries.last().is_none_or(|(k, _)| k != first) {
                        entries.push((first.to_owned(), infer(flat, &nested)));
                    }
                    continue;
                }
            }
            entries.push((rest.to_owned(), leaf(text)));
        }
        return Value::Map(Map::from_entries(entries));
    }
    if let Some(text) = flat.get(path) {
        return leaf(text);
    }
    infer_object(flat, path)
}

fn infer_object(flat: &Flat, prefix: &str) -> Value {
    let segments = child_segments(flat, prefix);
    if segments.is_empty() && !prefix.is_empty() {
        return Value::Null;
    }
    Value::Map(
        segments
            .into_iter()
            .map(|name| (name.to_owned(), infer(flat, &join(prefix, name))))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use plumb_schema::ProviderSchemas;

    fn flat(pairs: &[(&str, &str)]) -> Flat {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    const SCHEMA: &str = r#"{"format_version":"1.0","provider_schemas":{"registry.terraform.io/hashicorp/aws":{
      "resource_schemas":{"aws_thing":{"version":1,"block":{
        "attributes":{
          "id":{"type":"string","computed":true},
          "count_of":{"type":"number","optional":true},
          "ratio":{"type":"number","optional":true},
          "enabled":{"type":"bool","optional":true},
          "tags":{"type":["map","string"],"optional":true},
          "groups":{"type":["set","string"],"optional":true},
          "names":{"type":["list","string"],"optional":true},
          "rules":{"type":["set",["object",{"from_port":"number","self":"bool","cidr_blocks":["list","string"]}]],"optional":true}
        },
        "block_types":{
          "ingress":{"nesting_mode":"set","block":{"attributes":{"from_port":{"type":"number","required":true},"cidr_blocks":{"type":["list","string"],"optional":true}}}},
          "root_block_device":{"nesting_mode":"list","block":{"attributes":{"volume_size":{"type":"number","optional":true},"encrypted":{"type":"bool","optional":true}}}},
          "timeouts":{"nesting_mode":"single","block":{"attributes":{"create":{"type":"string","optional":true}}}}
        }}}}}}}"#;

    #[test]
    fn rebuilds_with_a_schema() {
        let schemas = ProviderSchemas::from_slice(SCHEMA.as_bytes(), "s.json").unwrap();
        let block = &schemas.resource("aws_thing").unwrap().block;
        let f = flat(&[
            ("id", "t-1"),
            ("count_of", "3"),
            ("ratio", "0.5"),
            ("enabled", "true"),
            ("tags.%", "2"),
            ("tags.Name", "web"),
            ("tags.kubernetes.io/cluster/x", "owned"),
            ("groups.#", "2"),
            ("groups.99", "sg-b"),
            ("groups.7", "sg-a"),
            ("names.#", "2"),
            ("names.0", "z"),
            ("names.1", "a"),
            ("rules.#", "1"),
            ("rules.55.from_port", "22"),
            ("rules.55.self", "false"),
            ("rules.55.cidr_blocks.#", "1"),
            ("rules.55.cidr_blocks.0", "10.0.0.0/8"),
            ("ingress.#", "2"),
            ("ingress.2000.from_port", "443"),
            ("ingress.2000.cidr_blocks.#", "0"),
            ("ingress.100.from_port", "80"),
            ("ingress.100.cidr_blocks.#", "1"),
            ("ingress.100.cidr_blocks.0", "0.0.0.0/0"),
            ("root_block_device.#", "1"),
            ("root_block_device.0.volume_size", "8"),
            ("root_block_device.0.encrypted", "false"),
            ("legacy_only", "kept"),
        ]);
        let v = rebuild(&f, Some(block));
        assert_eq!(
            v.to_string(),
            concat!(
                r#"{"count_of":3,"enabled":true,"groups":["sg-a","sg-b"],"id":"t-1","#,
                r#""ingress":[{"cidr_blocks":["0.0.0.0/0"],"from_port":80},{"cidr_blocks":[],"from_port":443}],"#,
                r#""legacy_only":"kept","names":["z","a"],"ratio":0.5,"#,
                r#""root_block_device":[{"encrypted":false,"volume_size":8}],"#,
                r#""rules":[{"cidr_blocks":["10.0.0.0/8"],"from_port":22,"self":false}],"#,
                r#""tags":{"Name":"web","kubernetes.io/cluster/x":"owned"},"timeouts":null}"#
            )
        );
    }

    #[test]
    fn absent_values_follow_v4_shapes() {
        let schemas = ProviderSchemas::from_slice(SCHEMA.as_bytes(), "s.json").unwrap();
        let block = &schemas.resource("aws_thing").unwrap().block;
        let v = rebuild(&flat(&[("id", "x")]), Some(block));
        assert_eq!(v.get("tags"), Some(&Value::Null));
        assert_eq!(v.get("ingress"), Some(&Value::List(Vec::new())));
        assert_eq!(v.get("count_of"), Some(&Value::Null));
    }

    #[test]
    fn infers_without_a_schema() {
        let f = flat(&[
            ("id", "x"),
            ("enabled", "true"),
            ("port", "22"),
            ("tags.%", "2"),
            ("tags.Name", "web"),
            ("tags.a.b", "dotted"),
            ("ingress.#", "2"),
            ("ingress.900.from_port", "443"),
            ("ingress.12.from_port", "80"),
            ("ingress.12.cidr_blocks.#", "1"),
            ("ingress.12.cidr_blocks.0", "10.0.0.0/8"),
            ("single.a", "1"),
            ("unknown", UNKNOWN_SENTINEL),
        ]);
        let v = rebuild(&f, None);
        assert_eq!(
            v.to_string(),
            concat!(
                r#"{"enabled":"true","id":"x","#,
                r#""ingress":[{"cidr_blocks":["10.0.0.0/8"],"from_port":"80"},{"from_port":"443"}],"#,
                r#""port":"22","single":{"a":"1"},"tags":{"Name":"web","a.b":"dotted"},"#,
                r#""unknown":(known after apply)}"#
            )
        );
    }
}
