//! Terraform's value types (cty), as the schema JSON writes them.

use std::collections::BTreeMap;
use std::fmt;

use plumb_model::Segment;
use serde_json::Value as Json;

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    String,
    Number,
    Bool,
    /// `dynamic`: any type, decided by the value.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError(pub String);

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid type: {}", self.0)
    }
}

impl std::error::Error for TypeError {}

impl Type {
    /// Reads `"string"`, `["list","string"]`, `["object",{...}]`, `["tuple",[...]]`.
    pub fn from_json(json: &Json) -> Result<Type, TypeError> {
        match json {
            Json::String(name) => match name.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(TypeError(format!("unknown primitive type `{other}`"))),
            },
            Json::Array(parts) => {
                let kind = parts.first().and_then(Json::as_str).unwrap_or_default();
                let arg = parts
                    .get(1)
                    .ok_or_else(|| TypeError(format!("`{kind}` without an element type")))?;
                match kind {
                    "list" => Ok(Type::List(Box::new(Type::from_json(arg)?))),
                    "set" => Ok(Type::Set(Box::new(Type::from_json(arg)?))),
                    "map" => Ok(Type::Map(Box::new(Type::from_json(arg)?))),
                    "object" => {
                        let fields = arg
                            .as_object()
                            .ok_or_else(|| TypeError("object fields must be an object".into()))?;
                        fields
                            .iter()
                            .map(|(k, v)| Ok((k.clone(), Type::from_json(v)?)))
                            .collect::<Result<_, _>>()
                            .map(Type::Object)
                    }
                    "tuple" => {
                        let items = arg
                            .as_array()
                            .ok_or_else(|| TypeError("tuple elements must be an array".into()))?;
                        items
                            .iter()
                            .map(Type::from_json)
                            .collect::<Result<_, _>>()
                            .map(Type::Tuple)
                    }
                    other => Err(TypeError(format!("unknown type constructor `{other}`"))),
                }
            }
            other => Err(TypeError(format!("unexpected JSON {other}"))),
        }
    }

    /// The type one step down; `None` where the step does not fit the type.
    pub fn child(&self, segment: &Segment) -> Option<&Type> {
        match (self, segment) {
            (Type::Dynamic, _) => Some(self),
            (Type::List(inner) | Type::Set(inner), Segment::Index(_))
            | (Type::Map(inner), Segment::Key(_) | Segment::Attr(_)) => Some(inner),
            (Type::Object(fields), Segment::Attr(k) | Segment::Key(k)) => fields.get(k),
            (Type::Tuple(items), Segment::Index(i)) => items.get(*i),
            _ => None,
        }
    }

    pub fn is_collection(&self) -> bool {
        matches!(
            self,
            Type::List(_) | Type::Set(_) | Type::Map(_) | Type::Tuple(_)
        )
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Object(fields) => {
                f.write_str("object({")?;
                for (i, (k, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} = {t}")?;
                }
                f.write_str("})")
            }
            Type::Tuple(items) => {
                f.write_str("tuple([")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
        }
    }
}
