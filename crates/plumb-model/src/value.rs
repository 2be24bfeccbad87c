//! Typed attribute values, with the two marks Terraform itself carries: unknown and sensitive.
//!
//! Every reader (tfstate, plan JSON, HCL, adapters) produces this one type so that the drift
//! engine compares like with like. It is compact on purpose: a 50,000-resource state must fit in a
//! few times its file size, so maps are sorted vectors rather than trees.
//!
//! Redaction is the default: serializing a `Sensitive` value writes `(sensitive)`, and `Display`
//! does the same. Only [`Exposed`], used where a file legitimately holds live data (snapshots),
//! writes what is inside.

use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::path::{AttrPath, Segment, write_quoted};

/// What every output shows in place of a sensitive value.
pub const SENSITIVE_PLACEHOLDER: &str = "(sensitive)";
/// What every output shows in place of a value that is not known until apply.
pub const UNKNOWN_PLACEHOLDER: &str = "(known after apply)";

/// A number as Terraform writes it: an integer where it is one, else a float, and the exact
/// decimal where neither holds it.
///
/// Terraform's numbers are arbitrary-precision decimals; nearly all fit an `i64` or an `f64`,
/// which stay inline and cheap. The rest (`18446744073709551617`, `0.1000000000000000000001`)
/// keep their exact text behind a box, so that 2^64 and 2^64+1 stay two numbers and are written
/// back as they were read.
#[derive(Clone, Debug)]
pub enum Number {
    Int(i64),
    /// A float stands for the shortest decimal that reads back as it (`0.1`, not the binary
    /// fraction nearest to it), which is how a reader that built it from text saw it.
    Float(f64),
    /// A number neither an `i64` nor an `f64` holds exactly; made only by [`Number::parse`].
    Big(Box<BigNumber>),
}

/// The exact decimal of a [`Number::Big`], in one canonical spelling so that equal numbers have
/// equal text: `-` when negative, no leading or trailing zeros, plain digits while they are
/// short and `1.5e400` beyond.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BigNumber(Box<str>);

impl BigNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A decimal taken apart: sign, significant digits (no leading or trailing zeros; empty for
/// zero) and the power of ten that scales them into the value.
#[derive(PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: String,
    exponent: i64,
}

impl Decimal {
    /// Reads JSON's (and HCL's) number syntax; `None` for anything else.
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => {
                let exponent = &rest[at + 1..];
                let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
                (&rest[..at], exponent.parse::<i64>().ok()?)
            }
            None => (rest, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let valid = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !valid(whole) || !valid(fraction) || mantissa.ends_with('.') {
            return None;
        }
        let all: String = whole.chars().chain(fraction.chars()).collect();
        let significant = all.trim_start_matches('0');
        let trimmed = significant.trim_end_matches('0');
        let zeros = i64::try_from(significant.len() - trimmed.len()).ok()?;
        let scale = i64::try_from(fraction.len()).ok()?;
        let exponent = exponent.checked_sub(scale)?.checked_add(zeros)?;
        Some(Decimal {
            negative: negative && !trimmed.is_empty(),
            digits: trimmed.to_owned(),
            exponent: if trimmed.is_empty() { 0 } else { exponent },
        })
    }

    /// The canonical spelling: plain digits up to this many places, scientific beyond.
    fn text(&self) -> String {
        const PLAIN: i64 = 64;
        let mut out = String::with_capacity(self.digits.len() + 8);
        if self.negative {
            out.push('-');
        }
        let len = i64::try_from(self.digits.len()).unwrap_or(i64::MAX);
        if self.digits.is_empty() {
            out.push('0');
        } else if (0..=PLAIN).contains(&self.exponent) {
            out.push_str(&self.digits);
            out.extend(std::iter::repeat_n(
                '0',
                usize::try_from(self.exponent).unwrap_or(0),
            ));
        } else if self.exponent < 0 && -self.exponent <= PLAIN {
            let point = len + self.exponent;
            if point > 0 {
                let point = usize::try_from(point).unwrap_or(0);
                out.push_str(&self.digits[..point]);
                out.push('.');
                out.push_str(&self.digits[point..]);
            } else {
                out.push_str("0.");
                out.extend(std::iter::repeat_n(
                    '0',
                    usize::try_from(-point).unwrap_or(0),
                ));
                out.push_str(&self.digits);
            }
        } else {
            out.push_str(&self.digits[..1]);
            if self.digits.len() > 1 {
                out.push('.');
                out.push_str(&self.digits[1..]);
            }
            let _ = write!(out, "e{}", self.exponent.saturating_add(len - 1));
        }
        out
    }
}

/// The private name under which `serde_json` (with its `arbitrary_precision` feature, which the
/// workspace turns on) hands a number's text to a visitor and takes it back from a serializer.
/// The readers need it: without it a number beyond `u64` reaches a visitor already rounded.
const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl Number {
    /// The cheapest exact form of a number written in JSON's (or HCL's) syntax: an `i64`, else
    /// an `f64` when the float's shortest spelling is the same decimal, else the decimal
    /// itself. `None` for text that is not a number.
    pub fn parse(text: &str) -> Option<Number> {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::Int(i));
        }
        let decimal = Decimal::parse(text)?;
        if let Ok(f) = text.parse::<f64>()
            && f.is_finite()
            && Decimal::parse(&format!("{f:e}")).as_ref() == Some(&decimal)
        {
            return Some(Number::Float(f));
        }
        Some(Number::Big(Box::new(BigNumber(decimal.text().into()))))
    }

    /// The nearest `f64` (infinite for a decimal beyond its range).
    pub fn as_f64(&self) -> f64 {
        match self {
            #[allow(clippy::cast_precision_loss)]
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
            Number::Big(big) => big.0.parse().unwrap_or(f64::NAN),
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            #[allow(clippy::cast_possible_truncation)]
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            Number::Float(_) | Number::Big(_) => None,
        }
    }
}

impl PartialEq for Number {
    /// Numeric equality: `8` and `8.0` are the same number, `2^64` and `2^64+1` are not.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::Float(a), Number::Float(b)) => a == b,
            // Through i128, not f64: 2^53+1 is not the float 2^53. The cast saturates, and a
            // float beyond i64 then equals no i64.
            #[allow(clippy::cast_possible_truncation)]
            (Number::Int(i), Number::Float(f)) | (Number::Float(f), Number::Int(i)) => {
                f.fract() == 0.0 && *f as i128 == i128::from(*i)
            }
            // A big number is one no i64 or f64 holds, so it equals only its own spelling.
            (Number::Big(a), Number::Big(b)) => a == b,
            (Number::Big(_), _) | (_, Number::Big(_)) => false,
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
            Number::Big(big) => f.write_str(&big.0),
        }
    }
}

/// An object or map: entries sorted by key, keys unique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    entries: Vec<(String, Value)>,
}

impl Map {
    pub fn new() -> Self {
        Map::default()
    }

    /// Builds a map from entries in any order; a repeated key keeps its last value, as JSON does.
    pub fn from_entries(mut entries: Vec<(String, Value)>) -> Self {
        if !entries.is_sorted_by(|a, b| a.0 < b.0) {
            // Stable sort keeps duplicates in input order, so `dedup` below can keep the last.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut deduped: Vec<(String, Value)> = Vec::with_capacity(entries.len());
            for entry in entries {
                match deduped.last_mut() {
                    Some(last) if last.0 == entry.0 => *last = entry,
                    _ => deduped.push(entry),
                }
            }
            entries = deduped;
        }
        Map { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Inserts or replaces; returns the value replaced.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.position(key).ok().map(|i| self.entries.remove(i).1)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (k.as_str(), v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn into_entries(self) -> Vec<(String, Value)> {
        self.entries
    }

    /// The keys of this map and `other` in order, each with its value on either side: one pass
    /// over the two sorted entry lists instead of a key set and two lookups per key.
    pub fn zip<'m>(
        &'m self,
        other: &'m Map,
    ) -> impl Iterator<Item = (&'m str, Option<&'m Value>, Option<&'m Value>)> {
        let (mut left, mut right) = (self.iter().peekable(), other.iter().peekable());
        std::iter::from_fn(move || match (left.peek(), right.peek()) {
            (Some(&(left_key, _)), Some(&(right_key, _))) => Some(match left_key.cmp(right_key) {
                std::cmp::Ordering::Less => left.next().map(|(k, v)| (k, Some(v), None))?,
                std::cmp::Ordering::Greater => right.next().map(|(k, v)| (k, None, Some(v)))?,
                std::cmp::Ordering::Equal => {
                    let ((key, in_left), (_, in_right)) = (left.next()?, right.next()?);
                    (key, Some(in_left), Some(in_right))
                }
            }),
            (Some(_), None) => left.next().map(|(k, v)| (k, Some(v), None)),
            (None, Some(_)) => right.next().map(|(k, v)| (k, None, Some(v))),
            (None, None) => None,
        })
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Map::from_entries(iter.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a str, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a str, &'a Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// One attribute value. Lists stand for Terraform lists, sets and tuples alike: whether order
/// matters is the schema's business, not the value's.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Map(Map),
    /// Not known until apply (plan `after_unknown`, an HCL expression plumb cannot evaluate).
    Unknown,
    /// Marked sensitive; compared like any value, never shown.
    Sensitive(Box<Value>),
}

impl Value {
    pub fn string(s: impl Into<String>) -> Self {
        Value::String(s.into())
    }

    pub fn int(i: i64) -> Self {
        Value::Number(Number::Int(i))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    pub fn is_sensitive(&self) -> bool {
        matches!(self, Value::Sensitive(_))
    }

    /// The value behind a sensitive mark (for comparison only; never print it).
    pub fn unmarked(&self) -> &Value {
        match self {
            Value::Sensitive(inner) => inner.unmarked(),
            other => other,
        }
    }

    /// True for null and the empty string, list and map: the values a provider writes for "unset".
    pub fn is_empty_like(&self) -> bool {
        match self.unmarked() {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::List(l) => l.is_empty(),
            Value::Map(m) => m.is_empty(),
            _ => false,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.unmarked() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.unmarked() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self.unmarked() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self.unmarked() {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match self.unmarked() {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Map(m) => Some(m),
            Value::Sensitive(inner) => inner.as_map_mut(),
            _ => None,
        }
    }

    /// A top-level attribute of an object value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// The value at `path`, or `None` where the path leads nowhere.
    pub fn get_path(&self, path: &AttrPath) -> Option<&Value> {
        let mut current = self;
        for segment in path.segments() {
            current = match (segment, current.unmarked()) {
                (Segment::Index(i), Value::List(l)) => l.get(*i)?,
                (Segment::Attr(k) | Segment::Key(k), Value::Map(m)) => m.get(k)?,
                _ => return None,
            };
        }
        Some(current)
    }

    /// Marks the value at `path` sensitive. Where the path cannot be followed to its end (a set
    /// element, a value that is absent), the deepest value it reaches is marked instead: hiding
    /// too much is safe, hiding too little is not.
    pub fn mark_sensitive(&mut self, path: &[Segment]) {
        if let Value::Sensitive(_) = self {
            return;
        }
        let Some((first, rest)) = path.split_first() else {
            let inner = std::mem::take(self);
            *self = Value::Sensitive(Box::new(inner));
            return;
        };
        if self.is_null() {
            // Nothing there to hide: a null value shows nothing.
            return;
        }
        let reachable = match (first, &*self) {
            (Segment::Index(i), Value::List(l)) => *i < l.len(),
            (Segment::Attr(k) | Segment::Key(k), Value::Map(m)) => m.contains_key(k),
            _ => false,
        };
        if !reachable {
            self.mark_sensitive(&[]);
            return;
        }
        match (first, self) {
            (Segment::Index(i), Value::List(l)) => l[*i].mark_sensitive(rest),
            (Segment::Attr(k) | Segment::Key(k), Value::Map(m)) => {
                if let Some(child) = m.get_mut(k) {
                    child.mark_sensitive(rest);
                }
            }
            _ => {}
        }
    }

    /// Sets the value at `path`, creating maps on the way; used by the flatmap (v3) reader and
    /// the HCL loader. Does nothing where a list index is out of range.
    pub fn set_path(&mut self, path: &[Segment], value: Value) {
        let Some((first, rest)) = path.split_first() else {
            *self = value;
            return;
        };
        match first {
            Segment::Index(i) => {
                if let Value::List(l) = self
                    && let Some(child) = l.get_mut(*i)
                {
                    child.set_path(rest, value);
                }
            }
            Segment::Attr(k) | Segment::Key(k) => {
                if !matches!(self, Value::Map(_)) {
                    *self = Value::Map(Map::new());
                }
                if let Value::Map(m) = self {
                    if m.get(k).is_none() {
                        m.insert(k.clone(), Value::Null);
                    }
                    if let Some(child) = m.get_mut(k) {
                        child.set_path(rest, value);
                    }
                }
            }
        }
    }

    /// True when any part of this value is sensitive.
    pub fn contains_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(l) => l.iter().any(Value::contains_sensitive),
            Value::Map(m) => m.values().any(Value::contains_sensitive),
            _ => false,
        }
    }

    /// True when any part of this value is unknown.
    pub fn contains_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::Sensitive(inner) => inner.contains_unknown(),
            Value::List(l) => l.iter().any(Value::contains_unknown),
            Value::Map(m) => m.values().any(Value::contains_unknown),
            _ => false,
        }
    }

    /// A short name of the value's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "object",
            Value::Unknown => "unknown",
            Value::Sensitive(_) => "sensitive",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::int(i)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(l: Vec<Value>) -> Self {
        Value::List(l)
    }
}

/// Compact, JSON-like text: `"t3.large"`, `{"Name":"web"}`, `(sensitive)`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => write_quoted(f, s),
            Value::List(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_char(']')
            }
            Value::Map(map) => {
                f.write_char('{')?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write_quoted(f, k)?;
                    write!(f, ":{v}")?;
                }
                f.write_char('}')
            }
            Value::Unknown => f.write_str(UNKNOWN_PLACEHOLDER),
            Value::Sensitive(_) => f.write_str(SENSITIVE_PLACEHOLDER),
        }
    }
}

fn serialize_value<S: Serializer>(
    value: &Value,
    serializer: S,
    expose: bool,
) -> Result<S::Ok, S::Error> {
    match value {
        Value::Null | Value::Unknown if expose => serializer.serialize_unit(),
        Value::Null => serializer.serialize_unit(),
        Value::Bool(b) => serializer.serialize_bool(*b),
        Value::Number(Number::Int(i)) => serializer.serialize_i64(*i),
        Value::Number(Number::Big(big)) => {
            let mut number = serializer.serialize_struct(JSON_NUMBER_TOKEN, 1)?;
            number.serialize_field(JSON_NUMBER_TOKEN, big.as_str())?;
            number.end()
        }
        // JSON has no NaN or infinity; null is the honest rendering of either.
        Value::Number(Number::Float(x)) => {
            if x.is_finite() {
                serializer.serialize_f64(*x)
            } else {
                serializer.serialize_unit()
            }
        }
        Value::String(s) => serializer.serialize_str(s),
        Value::List(items) => {
            let mut seq = serializer.serialize_seq(Some(items.len()))?;
            for item in items {
                if expose {
                    seq.serialize_element(&Exposed(item))?;
                } else {
                    seq.serialize_element(item)?;
                }
            }
            seq.end()
        }
        Value::Map(m) => {
            let mut map = serializer.serialize_map(Some(m.len()))?;
            for (k, v) in m {
                if expose {
                    map.serialize_entry(k, &Exposed(v))?;
                } else {
                    map.serialize_entry(k, v)?;
                }
            }
            map.end()
        }
        Value::Unknown => serializer.serialize_str(UNKNOWN_PLACEHOLDER),
        Value::Sensitive(inner) if expose => serialize_value(inner, serializer, true),
        Value::Sensitive(_) => serializer.serialize_str(SENSITIVE_PLACEHOLDER),
    }
}

/// Redacting serialization: sensitive values become `(sensitive)`.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_value(self, serializer, false)
    }
}

/// Serializes a value with its sensitive parts in clear. For files that hold live data as a state
/// file does (snapshots); never for reports.
#[derive(Debug, Clone, Copy)]
pub struct Exposed<'a>(pub &'a Value);

impl Serialize for Exposed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_value(self.0, serializer, true)
    }
}

/// Per-depth buffers reused while reading JSON. Reading a large state was dominated by the
/// allocator: every map and list grew by doubling and was then shrunk. With these, each depth
/// collects into a reused buffer and the finished map or list is allocated once, exactly sized.
#[derive(Default)]
struct Scratch {
    maps: Vec<Vec<(String, Value)>>,
    lists: Vec<Vec<Value>>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
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
        Ok(Value::int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => Value::int(i),
            Err(_) => exact_number(&v.to_string()),
        })
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(exact_number(&v.to_string()))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(exact_number(&v.to_string()))
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
        let mut first = true;
        while let Some(key) = access.next_key::<String>()? {
            if std::mem::take(&mut first) && key == JSON_NUMBER_TOKEN {
                // A number `serde_json` left as text: a float, or an integer beyond u64.
                let text = access.next_value::<String>()?;
                self.scratch.maps[depth] = buffer;
                return Number::parse(&text).map(Value::Number).ok_or_else(|| {
                    de::Error::custom(format!("`{text}` is not a number plumb can hold"))
                });
            }
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

/// An integer that came whole from a deserializer, in its exact form.
fn exact_number(text: &str) -> Value {
    Number::parse(text).map_or(Value::Null, Value::Number)
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => deserializer.deserialize_any(Seed {
                scratch: &mut scratch,
                depth: 0,
            }),
            // Re-entered from inside a read (a `Value` inside a custom type inside a `Value`
            // read): a private buffer still gives the same result.
            Err(_) => deserializer.deserialize_any(Seed {
                scratch: &mut Scratch::default(),
                depth: 0,
            }),
        })
    }
}

impl<'de> Deserialize<'de> for Map {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Map(m) => Ok(m),
            other => Err(de::Error::custom(format!(
                "expected an object, found {}",
                other.kind_name()
            ))),
        }
    }
}

impl Serialize for Map {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn maps_are_sorted_and_keep_the_last_duplicate() {
        let v = parse(r#"{"b":1,"a":2,"b":3}"#);
        let m = v.as_map().unwrap();
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(m.get("b"), Some(&Value::int(3)));
    }

    #[test]
    fn numbers_compare_numerically() {
        assert_eq!(parse("8"), parse("8.0"));
        assert_eq!(parse("60"), parse("6e1"));
        assert_ne!(parse("8"), parse("8.5"));
        assert_eq!(parse("0.1"), parse("0.10"));
    }

    #[test]
    fn big_numbers_stay_exact() {
        // Beyond u64, beyond i64, beyond f64's 53 bits, and a decimal an f64 would round.
        for (a, b) in [
            ("18446744073709551616", "18446744073709551617"),
            ("9223372036854775808", "9223372036854775809"),
            ("-9223372036854775809", "-9223372036854775810"),
            ("0.1000000000000000000001", "0.1"),
            ("1e400", "1e401"),
        ] {
            assert_ne!(parse(a), parse(b), "{a} vs {b}");
        }
        // An i64 beyond 2^53 is not the float nearest to it.
        assert_ne!(
            Value::int(9_007_199_254_740_993),
            parse("9007199254740992.0")
        );
        // One number, however it is spelled, and written back as it was read.
        assert_eq!(
            parse("18446744073709551617"),
            parse("1.8446744073709551617e19")
        );
        for text in [
            "18446744073709551617",
            "-18446744073709551617",
            "0.1000000000000000000001",
            "1e+400",
            "123456789012345678901234567890.5",
        ] {
            let value = parse(text);
            assert!(matches!(value.as_number(), Some(Number::Big(_))), "{text}");
            let written = serde_json::to_string(&value).unwrap();
            assert_eq!(parse(&written), value, "{text} written as {written}");
            assert_eq!(value.to_string(), written);
        }
        assert_eq!(
            serde_json::to_string(&parse("18446744073709551617")).unwrap(),
            "18446744073709551617"
        );
        assert_eq!(serde_json::to_string(&parse("1e+400")).unwrap(), "1e400");
        assert_eq!(
            serde_json::to_string(&parse("[2.5,-0.0]")).unwrap(),
            "[2.5,-0.0]"
        );
    }

    #[test]
    fn values_stay_small() {
        // The exact form is boxed so that every other value keeps its size.
        assert!(
            std::mem::size_of::<Value>() <= 32,
            "{}",
            std::mem::size_of::<Value>()
        );
        assert_eq!(std::mem::size_of::<Number>(), 16);
    }

    #[test]
    fn sensitive_values_are_redacted_unless_exposed() {
        let mut v = parse(r#"{"password":"hunter2","nested":[{"secret":"s3"}],"name":"db"}"#);
        v.mark_sensitive(&[Segment::Attr("password".into())]);
        v.mark_sensitive(&[
            Segment::Attr("nested".into()),
            Segment::Index(0),
            Segment::Attr("secret".into()),
        ]);
        let redacted = serde_json::to_string(&v).unwrap();
        assert!(
            !redacted.contains("hunter2") && !redacted.contains("s3\""),
            "{redacted}"
        );
        assert!(!v.to_string().contains("hunter2"));
        let exposed = serde_json::to_string(&Exposed(&v)).unwrap();
        assert!(exposed.contains("hunter2") && exposed.contains("\"s3\""));
    }

    #[test]
    fn unreachable_sensitive_paths_hide_the_nearest_ancestor() {
        let mut v = parse(r#"{"block":[{"a":"secret"}]}"#);
        v.mark_sensitive(&[Segment::Attr("block".into()), Segment::Index(5)]);
        assert!(v.get("block").unwrap().is_sensitive());
        assert!(!v.to_string().contains("secret"));
    }

    #[test]
    fn empty_like_values() {
        for json in ["null", "\"\"", "[]", "{}"] {
            assert!(parse(json).is_empty_like(), "{json}");
        }
        for json in ["0", "false", "\" \"", "[null]"] {
            assert!(!parse(json).is_empty_like(), "{json}");
        }
    }

    #[test]
    fn get_and_set_paths() {
        let mut v = Value::Null;
        let path: AttrPath = "tags[\"Name\"]".parse().unwrap();
        v.set_path(path.segments(), Value::from("web"));
        assert_eq!(v.get_path(&path), Some(&Value::from("web")));
        assert_eq!(v.to_string(), r#"{"tags":{"Name":"web"}}"#);
    }
}
