//! Terraform's value types (cty), as the schema JSON writes them.

use std::collections::BTreeMap;
use std::fmt;

use plumb_model::{Number, Segment, Value};
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

    /// A configuration value as Terraform converts it to this type before it compares anything
    /// (cty's `convert`): HCL writes `"60"` and `60`, `"true"` and `true` alike for a number or
    /// a bool, a number for a string, and a list for a set (duplicates collapse). What does not
    /// convert is kept as it is, so a real difference still shows; unknown values stay unknown.
    pub fn convert(&self, value: &Value) -> Value {
        match (self, value) {
            (_, Value::Sensitive(inner)) => Value::Sensitive(Box::new(self.convert(inner))),
            (Type::String, Value::Number(n)) => Value::String(n.to_string()),
            (Type::String, Value::Bool(b)) => Value::String(b.to_string()),
            (Type::Number, Value::String(text)) => {
                parse_number(text).unwrap_or_else(|| value.clone())
            }
            (Type::Bool, Value::String(text)) => match text.as_str() {
                "true" | "1" => Value::Bool(true),
                "false" | "0" => Value::Bool(false),
                _ => value.clone(),
            },
            (Type::List(inner), Value::List(items)) => {
                Value::List(items.iter().map(|v| inner.convert(v)).collect())
            }
            (Type::Set(inner), Value::List(items)) => {
                let mut out: Vec<Value> = Vec::with_capacity(items.len());
                for item in items.iter().map(|v| inner.convert(v)) {
                    if !out.contains(&item) {
                        out.push(item);
                    }
                }
                Value::List(out)
            }
            (Type::Tuple(types), Value::List(items)) if types.len() == items.len() => {
                Value::List(types.iter().zip(items).map(|(t, v)| t.convert(v)).collect())
            }
            (Type::Map(inner), Value::Map(map)) => Value::Map(
                map.iter()
                    .map(|(k, v)| (k.to_owned(), inner.convert(v)))
                    .collect(),
            ),
            (Type::Object(fields), Value::Map(map)) => Value::Map(
                map.iter()
                    .map(|(k, v)| {
                        let converted = fields.get(k).map_or_else(|| v.clone(), |t| t.convert(v));
                        (k.to_owned(), converted)
                    })
                    .collect(),
            ),
            _ => value.clone(),
        }
    }

    pub fn is_collection(&self) -> bool {
        matches!(
            self,
            Type::List(_) | Type::Set(_) | Type::Map(_) | Type::Tuple(_)
        )
    }
}

/// A number written as a string, as cty reads one: decimal, optionally signed, with a fraction
/// or an exponent; nothing else (no spaces, no hex, no `inf`).
fn parse_number(text: &str) -> Option<Value> {
    let plain = text
        .strip_prefix(['-', '+'])
        .unwrap_or(text)
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'));
    if !plain || !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    // Exact where JSON's syntax reads it (big numbers stay big, as in the state); cty also
    // takes a plus sign and `.5` or `5.`, which only `f64` reads.
    Number::parse(text.strip_prefix('+').unwrap_or(text))
        .or_else(|| {
            text.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Number::Float)
        })
        .map(Value::Number)
}

impl std::str::FromStr for Type {
    type Err = TypeError;

    /// Reads the text form [`Display`](fmt::Display) writes, and the tables' form without
    /// spaces: `list(string)`, `object({a=string,b=list(number)})`, `tuple([string,bool])`.
    fn from_str(text: &str) -> Result<Type, TypeError> {
        let mut parser = TypeParser { text, at: 0 };
        let ty = parser.parse()?;
        parser.skip_space();
        if parser.at == text.len() {
            Ok(ty)
        } else {
            Err(parser.error("unexpected text after the type"))
        }
    }
}

struct TypeParser<'a> {
    text: &'a str,
    at: usize,
}

impl TypeParser<'_> {
    fn error(&self, what: &str) -> TypeError {
        TypeError(format!("{what} at byte {} of `{}`", self.at, self.text))
    }

    fn skip_space(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> Result<(), TypeError> {
        self.skip_space();
        if self.text[self.at..].starts_with(token) {
            self.at += token.len();
            Ok(())
        } else {
            Err(self.error(&format!("expected `{token}`")))
        }
    }

    fn peek(&mut self, token: &str) -> bool {
        self.skip_space();
        self.text[self.at..].starts_with(token)
    }

    fn word(&mut self) -> &str {
        self.skip_space();
        let rest = &self.text[self.at..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        self.at += len;
        &rest[..len]
    }

    fn parse(&mut self) -> Result<Type, TypeError> {
        let word = self.word().to_owned();
        match word.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "dynamic" => Ok(Type::Dynamic),
            "list" | "set" | "map" => {
                self.eat("(")?;
                let inner = Box::new(self.parse()?);
                self.eat(")")?;
                Ok(match word.as_str() {
                    "list" => Type::List(inner),
                    "set" => Type::Set(inner),
                    _ => Type::Map(inner),
                })
            }
            "object" => {
                self.eat("(")?;
                self.eat("{")?;
                let mut fields = BTreeMap::new();
                while !self.peek("}") {
                    if !fields.is_empty() {
                        self.eat(",")?;
                    }
                    let name = self.word().to_owned();
                    if name.is_empty() {
                        return Err(self.error("expected a field name"));
                    }
                    self.eat("=")?;
                    let ty = self.parse()?;
                    fields.insert(name, ty);
                }
                self.eat("}")?;
                self.eat(")")?;
                Ok(Type::Object(fields))
            }
            "tuple" => {
                self.eat("(")?;
                self.eat("[")?;
                let mut items = Vec::new();
                while !self.peek("]") {
                    if !items.is_empty() {
                        self.eat(",")?;
                    }
                    items.push(self.parse()?);
                }
                self.eat("]")?;
                self.eat(")")?;
                Ok(Type::Tuple(items))
            }
            "" => Err(self.error("expected a type")),
            other => Err(TypeError(format!(
                "unknown type `{other}` in `{}`",
                self.text
            ))),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn type_text_round_trips() {
        for text in [
            "string",
            "list(map(string))",
            "set(object({cidr_blocks=list(string),from_port=number,self=bool}))",
            "tuple([string,number])",
            "object({})",
        ] {
            let ty: Type = text.parse().unwrap();
            assert_eq!(ty.to_string().parse::<Type>().unwrap(), ty, "{text}");
        }
        assert!("list(string".parse::<Type>().is_err());
        assert!("text".parse::<Type>().is_err());
        assert!("map(string))".parse::<Type>().is_err());
    }

    #[test]
    fn config_values_convert_as_terraform_converts_them() {
        let number: Type = "number".parse().unwrap();
        assert_eq!(number.convert(&value(r#""60""#)), value("60"));
        assert_eq!(number.convert(&value(r#""0.5""#)), value("0.5"));
        assert_eq!(number.convert(&value(r#""sixty""#)), value(r#""sixty""#));
        assert_eq!(number.convert(&value(r#"" 60""#)), value(r#"" 60""#));
        let boolean: Type = "bool".parse().unwrap();
        assert_eq!(boolean.convert(&value(r#""true""#)), value("true"));
        assert_eq!(boolean.convert(&value(r#""0""#)), value("false"));
        assert_eq!(boolean.convert(&value(r#""yes""#)), value(r#""yes""#));
        let string: Type = "string".parse().unwrap();
        assert_eq!(string.convert(&value("80")), value(r#""80""#));
        assert_eq!(string.convert(&value("false")), value(r#""false""#));
        let set: Type = "set(number)".parse().unwrap();
        assert_eq!(set.convert(&value(r#"["2",1,"1"]"#)), value("[2,1]"));
        let object: Type = "list(object({port=number,name=string}))".parse().unwrap();
        assert_eq!(
            object.convert(&value(r#"[{"port":"22","name":7,"extra":"1"}]"#)),
            value(r#"[{"port":22,"name":"7","extra":"1"}]"#)
        );
        let map: Type = "map(string)".parse().unwrap();
        assert_eq!(map.convert(&value(r#"{"n":1}"#)), value(r#"{"n":"1"}"#));
        assert_eq!(number.convert(&Value::Unknown), Value::Unknown);
    }
}
