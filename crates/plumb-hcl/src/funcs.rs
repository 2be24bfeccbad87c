//! Terraform's built-in functions that plumb can compute without touching the outside world.
//!
//! Functions that read files, the clock or randomness (`file`, `timestamp`, `uuid`) are left out
//! on purpose: the loader calls them unknown rather than guess what apply would see.

use std::fmt::Write as _;
use std::net::IpAddr;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{self, GeneralPurpose, GeneralPurposeConfig};
use ipnet::{IpAdd as _, IpNet};

use plumb_model::{Map, Number, Value};

use crate::eval::{
    EvalResult, Fail, exact, mark, number, parse_number, to_bool, to_number, unmark_deep,
};

/// Why a function gives no value: the answer is not known yet, or Terraform would fail.
enum Stop {
    Unknown,
    Fail(String),
}

impl From<Fail> for Stop {
    fn from(f: Fail) -> Self {
        Stop::Fail(f.0)
    }
}

type FnResult = Result<Value, Stop>;

const KNOWN: &[&str] = &[
    "abs",
    "alltrue",
    "anytrue",
    "base64decode",
    "base64encode",
    "ceil",
    "chomp",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "endswith",
    "flatten",
    "floor",
    "format",
    "formatlist",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "lookup",
    "lower",
    "max",
    "merge",
    "min",
    "one",
    "range",
    "replace",
    "reverse",
    "setunion",
    "slice",
    "sort",
    "split",
    "startswith",
    "substr",
    "sum",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "upper",
    "values",
    "zipmap",
];

pub(crate) fn is_known(name: &str) -> bool {
    KNOWN.binary_search(&name).is_ok()
}

/// Calls a function named in [`KNOWN`] on evaluated arguments.
pub(crate) fn call(name: &str, args: Vec<Value>) -> EvalResult {
    let mut sensitive = false;
    let args: Vec<Value> = args
        .into_iter()
        .map(|a| {
            let (v, s) = unmark_deep(a);
            sensitive |= s;
            v
        })
        .collect();
    match dispatch(name, &args) {
        Ok(v) => Ok(mark(v, sensitive)),
        Err(Stop::Unknown) => Ok(Value::Unknown),
        Err(Stop::Fail(message)) => Err(Fail(format!("{name}(): {message}"))),
    }
}

fn fail<T>(message: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Fail(message.into()))
}

fn arity(args: &[Value], min: usize, max: usize) -> Result<(), Stop> {
    if args.len() < min || args.len() > max {
        return fail(format!("wrong number of arguments ({})", args.len()));
    }
    Ok(())
}

/// The whole value, or unknown when any part of it is.
fn known(v: &Value) -> Result<&Value, Stop> {
    if v.contains_unknown() {
        Err(Stop::Unknown)
    } else {
        Ok(v)
    }
}

fn string(v: &Value) -> Result<String, Stop> {
    match v {
        Value::Unknown => Err(Stop::Unknown),
        other => Ok(crate::eval::to_string(other)?),
    }
}

fn num(v: &Value) -> Result<Number, Stop> {
    match v {
        Value::Unknown => Err(Stop::Unknown),
        other => Ok(to_number(other)?),
    }
}

fn int(v: &Value) -> Result<i64, Stop> {
    num(v)?
        .as_i64()
        .ok_or_else(|| Stop::Fail("a whole number is required".into()))
}

fn list(v: &Value) -> Result<&[Value], Stop> {
    match v {
        Value::Unknown => Err(Stop::Unknown),
        Value::List(items) => Ok(items),
        other => fail(format!("a list is required, not {}", other.kind_name())),
    }
}

fn map(v: &Value) -> Result<&Map, Stop> {
    match v {
        Value::Unknown => Err(Stop::Unknown),
        Value::Map(m) => Ok(m),
        other => fail(format!("a map is required, not {}", other.kind_name())),
    }
}

fn strings(v: &Value) -> Result<Vec<String>, Stop> {
    list(v)?.iter().map(string).collect()
}

fn usize_of(i: i64) -> Result<usize, Stop> {
    usize::try_from(i).map_err(|_| Stop::Fail(format!("{i} is out of range")))
}

fn int_value(n: usize) -> Value {
    Value::int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn dispatch(name: &str, args: &[Value]) -> FnResult {
    let a = |i: usize| args.get(i).unwrap_or(&Value::Null);
    match name {
        "abs" => {
            arity(args, 1, 1)?;
            Ok(match num(a(0))? {
                Number::Int(i) => i
                    .checked_abs()
                    .map_or_else(|| number(Number::Int(i).as_f64().abs()), Value::int),
                Number::Float(f) => number(f.abs()),
                Number::Big(big) => exact(big.as_str().trim_start_matches('-')),
            })
        }
        "ceil" => {
            arity(args, 1, 1)?;
            Ok(number(num(a(0))?.as_f64().ceil()))
        }
        "floor" => {
            arity(args, 1, 1)?;
            Ok(number(num(a(0))?.as_f64().floor()))
        }
        "min" | "max" => {
            if args.is_empty() {
                return fail("at least one argument is required");
            }
            let mut best: Option<Number> = None;
            for v in args {
                let n = num(v)?;
                best = Some(match best {
                    None => n,
                    Some(b) if (name == "min") == (n.as_f64() < b.as_f64()) => n,
                    Some(b) => b,
                });
            }
            Ok(best.map_or(Value::Null, Value::Number))
        }
        "sum" => {
            arity(args, 1, 1)?;
            let items = list(a(0))?;
            if items.is_empty() {
                return fail("cannot sum an empty list");
            }
            let mut total_int: Option<i64> = Some(0);
            let mut total = 0.0;
            for v in items {
                let n = num(v)?;
                total += n.as_f64();
                total_int = match (total_int, n) {
                    (Some(t), Number::Int(i)) => t.checked_add(i),
                    _ => None,
                };
            }
            Ok(total_int.map_or_else(|| number(total), Value::int))
        }
        "tonumber" => {
            arity(args, 1, 1)?;
            match a(0) {
                Value::Null => Ok(Value::Null),
                Value::Unknown => Err(Stop::Unknown),
                Value::Number(n) => Ok(Value::Number(n.clone())),
                Value::String(s) => parse_number(s)
                    .map(Value::Number)
                    .ok_or_else(|| Stop::Fail(format!("{s:?} is not a number"))),
                other => fail(format!("cannot convert {} to number", other.kind_name())),
            }
        }
        "tostring" => {
            arity(args, 1, 1)?;
            match a(0) {
                Value::Null => Ok(Value::Null),
                other => Ok(Value::String(string(other)?)),
            }
        }
        "tobool" => {
            arity(args, 1, 1)?;
            match a(0) {
                Value::Null => Ok(Value::Null),
                Value::Unknown => Err(Stop::Unknown),
                other => Ok(Value::Bool(to_bool(other)?)),
            }
        }
        "tolist" => {
            arity(args, 1, 1)?;
            match a(0) {
                Value::Null => Ok(Value::Null),
                other => Ok(Value::List(list(other)?.to_vec())),
            }
        }
        "toset" => {
            arity(args, 1, 1)?;
            match a(0) {
                Value::Null => Ok(Value::Null),
                other => {
                    let items = list(other)?;
                    // Unknown elements may turn out equal to others: the set's size is unknown.
                    if items.iter().any(Value::contains_unknown) {
                        return Err(Stop::Unknown);
                    }
                    Ok(Value::List(set_order(dedup(items.to_vec()))))
                }
            }
        }
        "tomap" => {
            arity(args, 1, 1)?;
            match a(0) {
                Value::Null => Ok(Value::Null),
                other => Ok(Value::Map(map(other)?.clone())),
            }
        }
        "merge" => {
            let mut out = Map::new();
            for v in args {
                match v {
                    Value::Null => {}
                    // Which keys an unknown map brings is unknown, so every key is.
                    Value::Unknown => return Err(Stop::Unknown),
                    Value::Map(m) => {
                        for (k, v) in m {
                            out.insert(k, v.clone());
                        }
                    }
                    other => return fail(format!("a map is required, not {}", other.kind_name())),
                }
            }
            Ok(Value::Map(out))
        }
        "lookup" => {
            arity(args, 2, 3)?;
            let m = map(a(0))?;
            let key = string(a(1))?;
            match m.get(&key) {
                Some(v) => Ok(v.clone()),
                None if args.len() == 3 => Ok(a(2).clone()),
                None => fail(format!("no key {key:?}")),
            }
        }
        "keys" => {
            arity(args, 1, 1)?;
            Ok(Value::List(map(a(0))?.keys().map(Value::from).collect()))
        }
        "values" => {
            arity(args, 1, 1)?;
            Ok(Value::List(map(a(0))?.values().cloned().collect()))
        }
        "zipmap" => {
            arity(args, 2, 2)?;
            let keys = strings(a(0))?;
            let values = list(a(1))?;
            if keys.len() != values.len() {
                return fail("the key and value lists differ in length");
            }
            Ok(Value::Map(Map::from_entries(
                keys.into_iter().zip(values.iter().cloned()).collect(),
            )))
        }
        "concat" => {
            let mut out = Vec::new();
            for v in args {
                out.extend_from_slice(list(v)?);
            }
            Ok(Value::List(out))
        }
        "flatten" => {
            arity(args, 1, 1)?;
            let mut out = Vec::new();
            flatten_into(list(a(0))?, &mut out)?;
            Ok(Value::List(out))
        }
        "distinct" => {
            arity(args, 1, 1)?;
            let items = list(a(0))?;
            known(a(0))?;
            Ok(Value::List(dedup(items.to_vec())))
        }
        "setunion" => {
            let mut out = Vec::new();
            for v in args {
                known(v)?;
                out.extend_from_slice(list(v)?);
            }
            Ok(Value::List(set_order(dedup(out))))
        }
        "compact" => {
            arity(args, 1, 1)?;
            let mut out = Vec::new();
            for v in list(a(0))? {
                match v {
                    Value::Unknown => return Err(Stop::Unknown),
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    other => out.push(Value::String(string(other)?)),
                }
            }
            Ok(Value::List(out))
        }
        "contains" => {
            arity(args, 2, 2)?;
            let items = list(a(0))?;
            known(a(1))?;
            if items.contains(a(1)) {
                return Ok(Value::Bool(true));
            }
            known(a(0))?;
            Ok(Value::Bool(false))
        }
        "element" => {
            arity(args, 2, 2)?;
            let items = list(a(0))?;
            let i = int(a(1))?;
            if items.is_empty() {
                return fail("cannot use element() with an empty list");
            }
            if i < 0 {
                return fail("a negative index is not allowed");
            }
            let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
            Ok(items[usize_of(i % len)?].clone())
        }
        "length" => {
            arity(args, 1, 1)?;
            match a(0) {
                Value::Unknown => Err(Stop::Unknown),
                Value::String(s) => Ok(int_value(s.chars().count())),
                Value::List(l) => Ok(int_value(l.len())),
                Value::Map(m) => Ok(int_value(m.len())),
                other => fail(format!("cannot take the length of a {}", other.kind_name())),
            }
        }
        "reverse" => {
            arity(args, 1, 1)?;
            let mut items = list(a(0))?.to_vec();
            items.reverse();
            Ok(Value::List(items))
        }
        "sort" => {
            arity(args, 1, 1)?;
            let mut items = strings(a(0))?;
            items.sort();
            Ok(Value::List(items.into_iter().map(Value::from).collect()))
        }
        "slice" => {
            arity(args, 3, 3)?;
            let items = list(a(0))?;
            let (from, to) = (usize_of(int(a(1))?)?, usize_of(int(a(2))?)?);
            if from > to || to > items.len() {
                return fail("slice bounds out of range");
            }
            Ok(Value::List(items[from..to].to_vec()))
        }
        "range" => {
            arity(args, 1, 3)?;
            let nums: Vec<f64> = args
                .iter()
                .map(|v| num(v).map(|n| n.as_f64()))
                .collect::<Result<_, _>>()?;
            let (start, end, step) = match nums.as_slice() {
                [end] => (0.0, *end, 1.0),
                [start, end] => (*start, *end, if start <= end { 1.0 } else { -1.0 }),
                [start, end, step] => (*start, *end, *step),
                _ => return fail("wrong number of arguments"),
            };
            if step == 0.0 {
                return fail("the step must not be zero");
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                if out.len() >= 1024 {
                    return fail("more than 1024 elements");
                }
                out.push(number(x));
                x += step;
            }
            Ok(Value::List(out))
        }
        "one" => {
            arity(args, 1, 1)?;
            match a(0) {
                Value::Null => Ok(Value::Null),
                other => match list(other)? {
                    [] => Ok(Value::Null),
                    [single] => Ok(single.clone()),
                    _ => fail("the list has more than one element"),
                },
            }
        }
        "alltrue" | "anytrue" => {
            arity(args, 1, 1)?;
            let all = name == "alltrue";
            let mut unknown = false;
            for v in list(a(0))? {
                if v.is_unknown() {
                    unknown = true;
                    continue;
                }
                if to_bool(v)? != all {
                    return Ok(Value::Bool(!all));
                }
            }
            if unknown {
                return Err(Stop::Unknown);
            }
            Ok(Value::Bool(all))
        }
        "coalesce" => {
            for v in args {
                match v {
                    Value::Unknown => return Err(Stop::Unknown),
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    other => return Ok(other.clone()),
                }
            }
            fail("no non-null, non-empty argument")
        }
        "coalescelist" => {
            for v in args {
                if !list(v)?.is_empty() {
                    return Ok(v.clone());
                }
            }
            fail("no non-empty list argument")
        }
        "jsonencode" => {
            arity(args, 1, 1)?;
            let mut out = String::new();
            json_encode(known(a(0))?, &mut out);
            Ok(Value::String(out))
        }
        "jsondecode" => {
            arity(args, 1, 1)?;
            let s = string(a(0))?;
            serde_json::from_str::<Value>(&s).map_err(|e| Stop::Fail(format!("invalid JSON: {e}")))
        }
        "format" => {
            if args.is_empty() {
                return fail("a format string is required");
            }
            Ok(Value::String(format(&string(a(0))?, &args[1..])?))
        }
        "formatlist" => {
            if args.is_empty() {
                return fail("a format string is required");
            }
            let spec = string(a(0))?;
            let rest = &args[1..];
            let mut len: Option<usize> = None;
            for v in rest {
                match v {
                    Value::Unknown => return Err(Stop::Unknown),
                    Value::List(l) => match len {
                        Some(n) if n != l.len() => return fail("list arguments differ in length"),
                        _ => len = Some(l.len()),
                    },
                    _ => {}
                }
            }
            let Some(len) = len else {
                return Ok(Value::List(vec![Value::String(format(&spec, rest)?)]));
            };
            let mut out = Vec::with_capacity(len);
            for i in 0..len {
                let row: Vec<Value> = rest
                    .iter()
                    .map(|v| match v {
                        Value::List(l) => l[i].clone(),
                        other => other.clone(),
                    })
                    .collect();
                out.push(Value::String(format(&spec, &row)?));
            }
            Ok(Value::List(out))
        }
        "join" => {
            if args.len() < 2 {
                return fail("a separator and at least one list are required");
            }
            let sep = string(a(0))?;
            let mut parts = Vec::new();
            for v in &args[1..] {
                parts.extend(strings(v)?);
            }
            Ok(Value::String(parts.join(&sep)))
        }
        "split" => {
            arity(args, 2, 2)?;
            let sep = string(a(0))?;
            let s = string(a(1))?;
            if s.is_empty() {
                return Ok(Value::List(vec![Value::from("")]));
            }
            let parts: Vec<Value> = if sep.is_empty() {
                s.chars().map(|c| Value::String(c.to_string())).collect()
            } else {
                s.split(sep.as_str()).map(Value::from).collect()
            };
            Ok(Value::List(parts))
        }
        "lower" => Ok(Value::String(string(a(0))?.to_lowercase())),
        "upper" => Ok(Value::String(string(a(0))?.to_uppercase())),
        "title" => {
            let s = string(a(0))?;
            let mut out = String::with_capacity(s.len());
            let mut at_word_start = true;
            for c in s.chars() {
                if at_word_start && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                at_word_start = !c.is_alphanumeric() && c != '\'';
            }
            Ok(Value::String(out))
        }
        "trimspace" => Ok(Value::String(string(a(0))?.trim().to_owned())),
        "chomp" => Ok(Value::String(
            string(a(0))?.trim_end_matches(['\n', '\r']).to_owned(),
        )),
        "trim" => {
            arity(args, 2, 2)?;
            let cut: Vec<char> = string(a(1))?.chars().collect();
            Ok(Value::String(
                string(a(0))?.trim_matches(cut.as_slice()).to_owned(),
            ))
        }
        "trimprefix" | "trimsuffix" => {
            arity(args, 2, 2)?;
            let s = string(a(0))?;
            let affix = string(a(1))?;
            let out = if name == "trimprefix" {
                s.strip_prefix(affix.as_str())
            } else {
                s.strip_suffix(affix.as_str())
            };
            Ok(Value::String(out.unwrap_or(&s).to_owned()))
        }
        "startswith" | "endswith" => {
            arity(args, 2, 2)?;
            let s = string(a(0))?;
            let affix = string(a(1))?;
            Ok(Value::Bool(if name == "startswith" {
                s.starts_with(&affix)
            } else {
                s.ends_with(&affix)
            }))
        }
        "replace" => {
            arity(args, 3, 3)?;
            let s = string(a(0))?;
            let search = string(a(1))?;
            let replacement = string(a(2))?;
            if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
                // A regular expression: plumb does not carry a regex engine, so it does not guess.
                return Err(Stop::Unknown);
            }
            if search.is_empty() {
                return Ok(Value::String(s));
            }
            Ok(Value::String(s.replace(&search, &replacement)))
        }
        "substr" => {
            arity(args, 3, 3)?;
            let chars: Vec<char> = string(a(0))?.chars().collect();
            let len = i64::try_from(chars.len()).unwrap_or(i64::MAX);
            let mut offset = int(a(1))?;
            let length = int(a(2))?;
            if offset < 0 {
                offset += len;
            }
            if offset < 0 || offset > len {
                return fail("offset out of range");
            }
            let end = if length < 0 {
                len
            } else {
                (offset + length).min(len)
            };
            let (start, end) = (usize_of(offset)?, usize_of(end)?);
            Ok(Value::String(chars[start..end.max(start)].iter().collect()))
        }
        "base64encode" => {
            arity(args, 1, 1)?;
            Ok(Value::String(BASE64.encode(string(a(0))?)))
        }
        "base64decode" => {
            arity(args, 1, 1)?;
            let bytes =
                base64_decode(&string(a(0))?).map_err(|_| Stop::Fail("invalid base64".into()))?;
            String::from_utf8(bytes)
                .map(Value::String)
                .map_err(|_| Stop::Fail("the decoded bytes are not UTF-8".into()))
        }
        "cidrsubnet" => {
            arity(args, 3, 3)?;
            let net = parse_cidr(&string(a(0))?)?;
            let newbits =
                u32::try_from(int(a(1))?).map_err(|_| Stop::Fail("invalid newbits".into()))?;
            let netnum =
                u128::try_from(int(a(2))?).map_err(|_| Stop::Fail("invalid netnum".into()))?;
            let bits = u32::from(net.max_prefix_len());
            let new_prefix = u32::from(net.prefix_len()).saturating_add(newbits);
            if new_prefix > bits {
                return fail(format!("not enough address space for {newbits} more bits"));
            }
            if newbits < 128 && netnum >= (1u128 << newbits) {
                return fail(format!("netnum {netnum} does not fit in {newbits} bits"));
            }
            let shifted = netnum.checked_shl(bits - new_prefix).unwrap_or(0);
            Ok(Value::String(format!(
                "{}/{new_prefix}",
                offset_address(net, shifted)
            )))
        }
        "cidrhost" => {
            arity(args, 2, 2)?;
            let net = parse_cidr(&string(a(0))?)?;
            let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
            let size: i128 = if host_bits >= 127 {
                i128::MAX
            } else {
                1i128 << host_bits
            };
            let mut hostnum = i128::from(int(a(1))?);
            if hostnum < 0 {
                hostnum += size;
            }
            if hostnum < 0 || hostnum >= size {
                return fail(format!(
                    "host number {} does not fit in the prefix",
                    int(a(1))?
                ));
            }
            let host = u128::try_from(hostnum).unwrap_or(0);
            Ok(Value::String(offset_address(net, host).to_string()))
        }
        "cidrnetmask" => {
            arity(args, 1, 1)?;
            match parse_cidr(&string(a(0))?)? {
                IpNet::V4(net) => Ok(Value::String(net.netmask().to_string())),
                IpNet::V6(_) => fail("only IPv4 prefixes have a netmask"),
            }
        }
        _ => Err(Stop::Unknown),
    }
}

fn flatten_into(items: &[Value], out: &mut Vec<Value>) -> Result<(), Stop> {
    for item in items {
        match item {
            Value::Unknown => return Err(Stop::Unknown),
            Value::List(inner) => flatten_into(inner, out)?,
            other => out.push(other.clone()),
        }
    }
    Ok(())
}

fn dedup(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Terraform orders a set of strings lexically; other sets keep their order here.
fn set_order(mut items: Vec<Value>) -> Vec<Value> {
    if items.iter().all(|v| matches!(v, Value::String(_))) {
        items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    items
}

/// JSON as Terraform's `jsonencode` writes it: compact, keys sorted, `<>&` escaped.
pub(crate) fn json_encode(v: &Value, out: &mut String) {
    match v.unmarked() {
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(Number::Int(i)) => out.push_str(&i.to_string()),
        Value::Number(Number::Float(f)) if f.is_finite() => out.push_str(&f.to_string()),
        Value::Number(Number::Big(big)) => out.push_str(big.as_str()),
        // Callers check for unknowns; JSON has no NaN or infinity.
        Value::Null | Value::Unknown | Value::Number(_) => out.push_str("null"),
        Value::String(s) => json_string(s, out),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_encode(item, out);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(k, out);
                out.push(':');
                json_encode(v, out);
            }
            out.push('}');
        }
        Value::Sensitive(_) => unreachable!("unmarked above"),
    }
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `format()`: the verbs Terraform documents (`%s %d %f %v %q %t %x %o %b %e %g %%`) with
/// flags, width and precision.
fn format(spec: &str, args: &[Value]) -> Result<String, Stop> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next_arg = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "-+ 0#".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            return fail("the format string ends inside a verb");
        };
        if verb == '[' {
            // Explicit argument indexes are rare; plumb does not guess at them.
            return Err(Stop::Unknown);
        }
        let Some(arg) = args.get(next_arg) else {
            return fail("too few arguments for the format string");
        };
        next_arg += 1;
        if arg.contains_unknown() {
            return Err(Stop::Unknown);
        }
        let body = match verb {
            'v' if flags.contains('#') => {
                let mut s = String::new();
                json_encode(arg, &mut s);
                s
            }
            'v' => match arg {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => "null".to_owned(),
                other => {
                    let mut s = String::new();
                    json_encode(other, &mut s);
                    s
                }
            },
            's' => {
                let s = string(arg)?;
                match precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                }
            }
            'q' => {
                let mut s = String::new();
                json_string(&string(arg)?, &mut s);
                s
            }
            't' => to_bool(arg)?.to_string(),
            'd' | 'b' | 'o' | 'x' | 'X' => {
                let n = num(arg)?;
                let i = match n.as_i64() {
                    Some(i) => i,
                    None if verb == 'x' || verb == 'X' => {
                        return fail("%x of a fraction is not supported");
                    }
                    None => return fail("%d needs a whole number"),
                };
                let digits = match verb {
                    'd' => i.unsigned_abs().to_string(),
                    'b' => format!("{:b}", i.unsigned_abs()),
                    'o' => format!("{:o}", i.unsigned_abs()),
                    'x' => format!("{:x}", i.unsigned_abs()),
                    _ => format!("{:X}", i.unsigned_abs()),
                };
                let sign = if i < 0 {
                    "-"
                } else if flags.contains('+') {
                    "+"
                } else if flags.contains(' ') {
                    " "
                } else {
                    ""
                };
                format!("{sign}{digits}")
            }
            'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                let f = num(arg)?.as_f64();
                let p = precision.unwrap_or(6);
                let s = match verb {
                    'f' | 'F' => format!("{f:.p$}"),
                    'e' => go_exponent(&format!("{f:.p$e}")),
                    'E' => go_exponent(&format!("{f:.p$E}")),
                    _ => match precision {
                        Some(p) => format!("{f:.p$}"),
                        None => number(f).to_string(),
                    },
                };
                if flags.contains('+') && f >= 0.0 {
                    format!("+{s}")
                } else {
                    s
                }
            }
            other => return fail(format!("unsupported verb %{other}")),
        };
        let width: usize = width.parse().unwrap_or(0);
        let len = body.chars().count();
        if len >= width {
            out.push_str(&body);
        } else if flags.contains('-') {
            out.push_str(&body);
            out.extend(std::iter::repeat_n(' ', width - len));
        } else if flags.contains('0') && "dbfoxXeEgG".contains(verb) {
            let (sign, digits) = match body.strip_prefix(['-', '+', ' ']) {
                Some(rest) => (&body[..1], rest),
                None => ("", body.as_str()),
            };
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', width - len));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(' ', width - len));
            out.push_str(&body);
        }
    }
    if next_arg < args.len() {
        return fail("too many arguments for the format string");
    }
    Ok(out)
}

/// Rust writes `1.5e2`; Go (and so Terraform) writes `1.5e+02`.
fn go_exponent(s: &str) -> String {
    let Some(pos) = s.find(['e', 'E']) else {
        return s.to_owned();
    };
    let (mantissa, exp) = s.split_at(pos);
    let (letter, digits) = exp.split_at(1);
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("+", digits),
    };
    format!("{mantissa}{letter}{sign}{digits:0>2}")
}

/// Standard base64, padded, as Terraform's `base64encode` writes it.
const BASE64: GeneralPurpose = general_purpose::STANDARD;

/// What `base64decode` accepts: the standard alphabet with its padding optional (any trailing
/// `=` is set aside first) and unused bits of the last character ignored; a lone last character,
/// whitespace or any other byte is invalid.
fn base64_decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    LENIENT.decode(text.trim_end_matches('='))
}

/// Reads `a.b.c.d/n` or an IPv6 prefix. The address is read by the standard library's parser
/// (no leading zeros in IPv4 octets, as Terraform) rather than ipnet's more lenient one.
fn parse_cidr(text: &str) -> Result<IpNet, Stop> {
    let bad = || Stop::Fail(format!("invalid CIDR prefix {text:?}"));
    let (addr, len) = text.split_once('/').ok_or_else(bad)?;
    let addr: IpAddr = addr.parse().map_err(|_| bad())?;
    let len: u8 = len.parse().map_err(|_| bad())?;
    IpNet::new(addr, len).map_err(|_| bad())
}

/// The address `offset` past the network address of `net`; callers keep `offset` within its
/// host bits, so nothing saturates.
fn offset_address(net: IpNet, offset: u128) -> IpAddr {
    match net {
        IpNet::V4(net) => IpAddr::V4(
            net.network()
                .saturating_add(u32::try_from(offset).unwrap_or(u32::MAX)),
        ),
        IpNet::V6(net) => IpAddr::V6(net.network().saturating_add(offset)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Env;

    fn ev(src: &str) -> Value {
        Env::default().value_of(&hcl_edit::parser::parse_expr(src).unwrap())
    }

    /// The value, or the error Terraform would stop with.
    fn eval(src: &str) -> EvalResult {
        Env::default().eval(&hcl_edit::parser::parse_expr(src).unwrap())
    }

    fn json(src: &str) -> Value {
        serde_json::from_str(src).unwrap()
    }

    #[test]
    fn known_list_is_sorted_for_binary_search() {
        assert!(KNOWN.is_sorted(), "KNOWN must stay sorted");
    }

    #[test]
    fn collection_functions() {
        assert_eq!(
            ev(r"merge({a = 1, b = 2}, {b = 3}, null)"),
            json(r#"{"a":1,"b":3}"#)
        );
        assert_eq!(ev(r"merge({a = 1}, aws_x.y.tags)"), Value::Unknown);
        assert_eq!(
            ev(r"merge({a = 1}, {b = aws_x.y.id})"),
            Value::Map(Map::from_entries(vec![
                ("a".into(), Value::int(1)),
                ("b".into(), Value::Unknown)
            ]))
        );
        assert_eq!(ev(r#"lookup({a = 1}, "a", 2)"#), Value::int(1));
        assert_eq!(ev(r#"lookup({a = 1}, "b", 2)"#), Value::int(2));
        assert_eq!(ev(r#"lookup({a = 1}, "b")"#), Value::Unknown);
        assert_eq!(ev("concat([1], [2, 3], [])"), json("[1,2,3]"));
        assert_eq!(ev("concat([1], aws_x.y.list)"), Value::Unknown);
        assert_eq!(ev(r#"tomap({a = "x"})"#), json(r#"{"a":"x"}"#));
        assert_eq!(ev(r#"tolist(["a"])"#), json(r#"["a"]"#));
        assert_eq!(ev(r#"toset(["b", "a", "b"])"#), json(r#"["a","b"]"#));
        assert_eq!(ev(r"keys({b = 1, a = 2})"), json(r#"["a","b"]"#));
        assert_eq!(ev(r"values({b = 1, a = 2})"), json("[2,1]"));
        assert_eq!(ev(r#"length("héllo")"#), Value::int(5));
        assert_eq!(ev("length([1, aws_x.y.z])"), Value::int(2));
        assert_eq!(ev(r"length({a = 1})"), Value::int(1));
        assert_eq!(ev(r#"coalesce("", null, "x")"#), Value::from("x"));
        assert_eq!(ev(r#"coalesce(aws_x.y.z, "x")"#), Value::Unknown);
        assert_eq!(ev(r#"coalescelist([], ["a"])"#), json(r#"["a"]"#));
        assert_eq!(ev(r#"contains(["a", "b"], "b")"#), Value::Bool(true));
        assert_eq!(ev(r#"contains(["a"], "b")"#), Value::Bool(false));
        assert_eq!(ev(r#"contains(["a", aws_x.y.z], "b")"#), Value::Unknown);
        assert_eq!(ev(r#"element(["a", "b"], 3)"#), Value::from("b"));
        assert_eq!(ev("flatten([[1, [2]], 3, []])"), json("[1,2,3]"));
        assert_eq!(ev("distinct([1, 2, 1])"), json("[1,2]"));
        assert_eq!(ev(r#"compact(["a", "", null, "b"])"#), json(r#"["a","b"]"#));
        assert_eq!(
            ev(r#"zipmap(["a", "b"], [1, 2])"#),
            json(r#"{"a":1,"b":2}"#)
        );
        assert_eq!(ev("reverse([1, 2])"), json("[2,1]"));
        assert_eq!(ev("range(3)"), json("[0,1,2]"));
        assert_eq!(ev("slice([1, 2, 3], 1, 3)"), json("[2,3]"));
        assert_eq!(ev("one([])"), Value::Null);
        assert_eq!(ev("sum([1, 2.5])"), json("3.5"));
        assert_eq!(ev("alltrue([true, aws_x.y.z])"), Value::Unknown);
        assert_eq!(ev("anytrue([true, aws_x.y.z])"), Value::Bool(true));
    }

    #[test]
    fn string_functions() {
        assert_eq!(ev(r#"join(",", ["a", "b"], ["c"])"#), Value::from("a,b,c"));
        assert_eq!(ev(r#"split(",", "a,b")"#), json(r#"["a","b"]"#));
        assert_eq!(ev(r#"lower("AbC")"#), Value::from("abc"));
        assert_eq!(ev(r#"upper("AbC")"#), Value::from("ABC"));
        assert_eq!(
            ev(r#"title("hello world-foo")"#),
            Value::from("Hello World-Foo")
        );
        assert_eq!(ev(r#"trimspace("  x \n")"#), Value::from("x"));
        assert_eq!(ev(r#"replace("a-b-c", "-", "_")"#), Value::from("a_b_c"));
        assert_eq!(ev(r#"replace("a1", "/[0-9]/", "")"#), Value::Unknown);
        assert_eq!(ev(r#"substr("hello", 1, 3)"#), Value::from("ell"));
        assert_eq!(ev(r#"substr("hello", -3, -1)"#), Value::from("llo"));
        assert_eq!(ev(r#"substr("hi", 0, 10)"#), Value::from("hi"));
        assert_eq!(ev(r#"startswith("hello", "he")"#), Value::Bool(true));
        assert_eq!(ev(r#"endswith("hello", "x")"#), Value::Bool(false));
        assert_eq!(ev(r#"trimprefix("hello", "he")"#), Value::from("llo"));
        assert_eq!(ev(r#"chomp("x\n")"#), Value::from("x"));
        assert_eq!(ev(r"tostring(5)"), Value::from("5"));
        assert_eq!(ev(r#"tonumber("5.5")"#), json("5.5"));
        assert_eq!(ev(r#"tonumber("x")"#), Value::Unknown);
        assert_eq!(
            ev(r#"base64encode("hello!?")"#),
            Value::from("aGVsbG8hPw==")
        );
        assert_eq!(
            ev(r#"base64decode("aGVsbG8hPw==")"#),
            Value::from("hello!?")
        );
        for s in ["", "a", "ab", "abc", "abcd"] {
            assert_eq!(base64_decode(&BASE64.encode(s)).unwrap(), s.as_bytes());
        }
    }

    /// The inputs the hand-written decoder accepted, kept when the `base64` crate took over:
    /// padding optional (even too much of it), unused trailing bits ignored.
    #[test]
    fn base64decode_accepts_what_it_always_did() {
        for (text, decoded) in [
            ("aGVsbG8hPw==", "hello!?"),
            ("aGVsbG8hPw", "hello!?"),
            ("aGVsbG8hPw===", "hello!?"),
            ("QR==", "A"),
            ("", ""),
            ("====", ""),
        ] {
            assert_eq!(
                eval(&format!("base64decode({text:?})")).unwrap(),
                Value::from(decoded),
                "{text}"
            );
        }
    }

    #[test]
    fn base64decode_rejects_what_is_not_base64() {
        for text in [
            "Q",
            "QUJDR",
            "aGVs bG8=",
            "aG=Vs",
            "aGVs\\nbG8=",
            "a-_b",
            "/w==",
        ] {
            let err = eval(&format!("base64decode(\"{text}\")")).unwrap_err();
            let expected = if text == "/w==" {
                "base64decode(): the decoded bytes are not UTF-8"
            } else {
                "base64decode(): invalid base64"
            };
            assert_eq!(err.0, expected, "{text}");
        }
    }

    #[test]
    fn format_verbs() {
        assert_eq!(ev(r#"format("%s-%03d", "web", 7)"#), Value::from("web-007"));
        assert_eq!(
            ev(r#"format("%.2f|%5s|%-3s|", 3.14159, "a", "b")"#),
            Value::from("3.14|    a|b  |")
        );
        assert_eq!(
            ev(r#"format("%v %t %q %%", 1, true, "x")"#),
            Value::from("1 true \"x\" %")
        );
        assert_eq!(
            ev(r#"format("%x %X %b %o", 255, 255, 5, 8)"#),
            Value::from("ff FF 101 10")
        );
        assert_eq!(ev(r#"format("%e", 1500)"#), Value::from("1.500000e+03"));
        assert_eq!(ev(r#"format("%s", aws_x.y.id)"#), Value::Unknown);
        assert_eq!(
            ev(r#"formatlist("%s-%s", ["a", "b"], "x")"#),
            json(r#"["a-x","b-x"]"#)
        );
    }

    #[test]
    fn json_functions() {
        assert_eq!(
            ev(r#"jsonencode({b = [1, true, null], a = "<x>"})"#),
            Value::from(r#"{"a":"\u003cx\u003e","b":[1,true,null]}"#)
        );
        assert_eq!(ev(r"jsonencode({a = aws_x.y.z})"), Value::Unknown);
        assert_eq!(
            ev(r#"jsondecode("{\"a\": [1, 2]}")"#),
            json(r#"{"a":[1,2]}"#)
        );
    }

    #[test]
    fn numeric_functions() {
        assert_eq!(ev("min(3, 1, 2)"), Value::int(1));
        assert_eq!(ev("max(3, 1.5)"), Value::int(3));
        assert_eq!(ev("abs(-4)"), Value::int(4));
        assert_eq!(ev("ceil(1.2)"), Value::int(2));
        assert_eq!(ev("floor(1.8)"), Value::int(1));
        assert_eq!(ev("max(1, aws_x.y.z)"), Value::Unknown);
    }

    #[test]
    fn cidr_functions() {
        assert_eq!(
            ev(r#"cidrsubnet("10.0.0.0/16", 8, 2)"#),
            Value::from("10.0.2.0/24")
        );
        assert_eq!(
            ev(r#"cidrsubnet("10.1.2.3/16", 4, 15)"#),
            Value::from("10.1.240.0/20")
        );
        assert_eq!(ev(r#"cidrsubnet("10.0.0.0/16", 8, 256)"#), Value::Unknown);
        assert_eq!(ev(r#"cidrhost("10.0.1.0/24", 5)"#), Value::from("10.0.1.5"));
        assert_eq!(
            ev(r#"cidrhost("10.0.1.0/24", -1)"#),
            Value::from("10.0.1.255")
        );
        assert_eq!(
            ev(r#"cidrnetmask("10.0.0.0/12")"#),
            Value::from("255.240.0.0")
        );
        assert_eq!(
            ev(r#"cidrsubnet("fd00:fd12:3456:7890::/56", 8, 1)"#),
            Value::from("fd00:fd12:3456:7801::/64")
        );
        assert_eq!(ev(r#"cidrhost("0.0.0.0/0", 1)"#), Value::from("0.0.0.1"));
    }

    #[test]
    fn cidr_edges() {
        for (src, expected) in [
            // The host part of the prefix's address is cleared first.
            (r#"cidrsubnet("10.1.2.3/8", 0, 0)"#, "10.0.0.0/8"),
            (
                r#"cidrsubnet("10.0.0.0/8", 24, 16777215)"#,
                "10.255.255.255/32",
            ),
            (r#"cidrsubnet("0.0.0.0/0", 32, 1)"#, "0.0.0.1/32"),
            (r#"cidrsubnet("10.0.0.0/+8", 8, 1)"#, "10.1.0.0/16"),
            (r#"cidrsubnet("::/0", 64, 3)"#, "0:0:0:3::/64"),
            (r#"cidrsubnet("2001:db8::/32", 96, 5)"#, "2001:db8::5/128"),
            (
                r#"cidrsubnet("::ffff:10.0.0.0/120", 4, 1)"#,
                "::ffff:10.0.0.16/124",
            ),
            (r#"cidrhost("10.0.1.0/24", -256)"#, "10.0.1.0"),
            (r#"cidrhost("10.0.1.7/32", 0)"#, "10.0.1.7"),
            (r#"cidrhost("10.0.1.0/24", "3")"#, "10.0.1.3"),
            (r#"cidrhost("fd00::/64", 258)"#, "fd00::102"),
            (r#"cidrhost("fd00::/64", -1)"#, "fd00::ffff:ffff:ffff:ffff"),
            (
                r#"cidrhost("::/0", -1)"#,
                "7fff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
            ),
            (r#"cidrnetmask("0.0.0.0/0")"#, "0.0.0.0"),
            (r#"cidrnetmask("10.0.0.1/32")"#, "255.255.255.255"),
        ] {
            assert_eq!(eval(src).unwrap(), Value::from(expected), "{src}");
        }
    }

    #[test]
    fn cidr_errors_say_what_terraform_would_refuse() {
        for (src, expected) in [
            (
                r#"cidrsubnet("10.0.0.0/16", 17, 0)"#,
                "cidrsubnet(): not enough address space for 17 more bits",
            ),
            (
                r#"cidrsubnet("fd00::/120", 9, 0)"#,
                "cidrsubnet(): not enough address space for 9 more bits",
            ),
            (
                r#"cidrsubnet("10.0.0.0/16", 8, 256)"#,
                "cidrsubnet(): netnum 256 does not fit in 8 bits",
            ),
            (
                r#"cidrsubnet("10.0.0.0/16", -1, 0)"#,
                "cidrsubnet(): invalid newbits",
            ),
            (
                r#"cidrsubnet("10.0.0.0/16", 8, -1)"#,
                "cidrsubnet(): invalid netnum",
            ),
            (
                r#"cidrhost("10.0.1.0/24", 256)"#,
                "cidrhost(): host number 256 does not fit in the prefix",
            ),
            (
                r#"cidrhost("10.0.1.0/24", -257)"#,
                "cidrhost(): host number -257 does not fit in the prefix",
            ),
            (
                r#"cidrhost("10.0.0.0/33", 1)"#,
                r#"cidrhost(): invalid CIDR prefix "10.0.0.0/33""#,
            ),
            (
                r#"cidrhost("fd00::/129", 1)"#,
                r#"cidrhost(): invalid CIDR prefix "fd00::/129""#,
            ),
            (
                r#"cidrhost("010.0.0.0/8", 1)"#,
                r#"cidrhost(): invalid CIDR prefix "010.0.0.0/8""#,
            ),
            (
                r#"cidrhost("10.0.0.0", 1)"#,
                r#"cidrhost(): invalid CIDR prefix "10.0.0.0""#,
            ),
            (
                r#"cidrsubnet("10.0.0.0/x", 1, 1)"#,
                r#"cidrsubnet(): invalid CIDR prefix "10.0.0.0/x""#,
            ),
            (
                r#"cidrnetmask("fd00::/64")"#,
                "cidrnetmask(): only IPv4 prefixes have a netmask",
            ),
        ] {
            assert_eq!(eval(src).unwrap_err().0, expected, "{src}");
        }
    }
}
