//! A faster way to build `Value`s from JSON for the large parts of a state (instance
//! attributes), with the same result as `Value`'s own `Deserialize`.
//!
//! Profiles of a 150 MB state showed the allocator, not parsing, as the largest cost: every map
//! and list grew by doubling and was then shrunk. Here each nesting depth collects into a reused
//! buffer and the finished map or list is allocated once, at its exact size.

use std::cell::RefCell;
use std::fmt;

use plumb_model::{Map, Number, Value};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

#[derive(Default)]
struct Scratch {
    maps: Vec<Vec<(String, Value)>>,
    lists: Vec<Vec<Value>>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A `Value` read through the reused buffers.
pub(crate) struct FastValue(pub Value);

impl<'de> serde::Deserialize<'de> for FastValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => d
                .deserialize_any(Seed {
                    scratch: &mut scratch,
                    depth: 0,
                })
                .map(FastValue),
            // Re-entered (cannot happen with the structs here): a private buffer still works.
            Err(_) => d
                .deserialize_any(Seed {
                    scratch: &mut Scratch::default(),
                    depth: 0,
                })
                .map(FastValue),
        })
    }
}

struct Seed<'a> {
    scratch: &'a mut Scratch,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(Number::Int(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        #[allow(clippy::cast_precision_loss)]
        Ok(match i64::try_from(v) {
            Ok(i) => Value::Number(Number::Int(i)),
            Err(_) => Value::Number(Number::Float(v as f64)),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(Number::Float(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let depth = self.depth;
        if self.scratch.lists.len() <= depth {
            self.scratch.lists.resize_with(depth + 1, Vec::new);
        }
        let mut buffer = std::mem::take(&mut self.scratch.lists[depth]);
        buffer.clear();
        while let Some(item) = seq.next_element_seed(Seed {
            scratch: self.scratch,
            depth: depth + 1,
        })? {
            buffer.push(item);
        }
        let mut items = Vec::with_capacity(buffer.len());
        items.append(&mut buffer);
        self.scratch.lists[depth] = buffer;
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let depth = self.depth;
        if self.scratch.maps.len() <= depth {
            self.scratch.maps.resize_with(depth + 1, Vec::new);
        }
        let mut buffer = std::mem::take(&mut self.scratch.maps[depth]);
        buffer.clear();
        while let Some(key) = access.next_key::<String>()? {
            let value = access.next_value_seed(Seed {
                scratch: self.scratch,
                depth: depth + 1,
            })?;
            buffer.push((key, value));
        }
        let mut entries = Vec::with_capacity(buffer.len());
        entries.append(&mut buffer);
        self.scratch.maps[depth] = buffer;
        Ok(Value::Map(Map::from_entries(entries)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_values_as_the_model_reader() {
        let text = r#"{"b":[1,2.5,{"x":null,"a":[[],{}]}],"a":"s","big":18446744073709551615,"t":true,"b":false}"#;
        let fast: FastValue = serde_json::from_str(text).unwrap();
        let model: Value = serde_json::from_str(text).unwrap();
        assert_eq!(fast.0, model);
        assert_eq!(fast.0.to_string(), model.to_string());
    }
}
