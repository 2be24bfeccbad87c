//! Terraform's JSON syntax (`.tf.json`), turned into the same blocks as native files.
//!
//! Two limits follow from reading JSON without a schema, and both are deliberate:
//! - **Locations are best effort.** `serde_json` gives no spans, so a block's line and column come
//!   from scanning the text for its keys in order (`"resource"`, then the type, then the name).
//!   Where a key cannot be found that way (escaped characters in a name), the location is 1:1.
//! - **Nested blocks look like arguments.** Without the provider schema a nested block
//!   (`"ebs_block_device": [{...}]`) cannot be told from an argument, so it is evaluated as the
//!   value written: a list of objects (the shape native nested blocks get) or a single object.
//!
//! Object keys come out sorted (the workspace's `serde_json` has no `preserve_order`), so blocks
//! of one file are listed in key order rather than file order.

use std::path::Path;

use hcl_edit::expr::{Array, Expression, Object, ObjectKey, ObjectValue};
use hcl_edit::template::StringTemplate;
use hcl_edit::{Decorated, Formatted, Number};
use serde_json::Value as Json;

use crate::error::HclError;
use crate::syntax::{Block, Body, LineIndex, location};

/// Block types whose bodies may hold nested blocks we must see as blocks (meta-arguments).
const NESTED: &[(&str, &[&str])] = &[
    (
        "resource",
        &["lifecycle", "provisioner", "connection", "dynamic"],
    ),
    ("data", &["lifecycle", "dynamic"]),
    ("removed", &["lifecycle"]),
];

pub(crate) fn parse_json(text: &str, file: &Path) -> Result<Vec<Block>, HclError> {
    let display = file.display().to_string();
    let doc: Json = serde_json::from_str(text).map_err(|e| HclError::Syntax {
        file: display.clone(),
        line: u32::try_from(e.line()).unwrap_or(u32::MAX),
        column: u32::try_from(e.column()).unwrap_or(u32::MAX),
        message: format!("invalid JSON: {}", strip_position(&e.to_string())),
    })?;
    let Json::Object(top) = doc else {
        return Err(HclError::Syntax {
            file: display,
            line: 1,
            column: 1,
            message: "a .tf.json file must hold a JSON object".into(),
        });
    };
    let scanner = Scanner {
        text,
        index: LineIndex::new(text),
        file: display,
    };
    let mut blocks = Vec::new();
    for (kind, value) in &top {
        let label_count = match kind.as_str() {
            "resource" | "data" => 2,
            "provider" | "variable" | "module" | "output" => 1,
            "terraform" | "locals" | "import" | "moved" | "removed" | "check" => 0,
            // `//` comments and block types plumb does not read.
            _ => continue,
        };
        let nested = NESTED
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(&[][..], |(_, n)| *n);
        collect(
            &scanner,
            kind,
            value,
            label_count,
            &mut Vec::new(),
            nested,
            &mut blocks,
        );
    }
    Ok(blocks)
}

/// `serde_json` appends " at line L column C"; the error names the place itself.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |i| &message[..i])
}

struct Scanner<'a> {
    text: &'a str,
    index: LineIndex<'a>,
    file: String,
}

impl Scanner<'_> {
    /// Finds `"key"` followed by `:` at or after `from`.
    fn find_key(&self, from: usize, key: &str) -> Option<usize> {
        let needle = format!("\"{key}\"");
        let mut start = from;
        while let Some(found) = self.text.get(start..)?.find(&needle) {
            let at = start + found;
            let after = &self.text[at + needle.len()..];
            if after.trim_start().starts_with(':') {
                return Some(at);
            }
            start = at + needle.len();
        }
        None
    }

    fn locate(&self, keys: &[&str]) -> plumb_model::config::SourceLocation {
        let mut pos = 0;
        for key in keys {
            match self.find_key(pos, key) {
                Some(p) => pos = p,
                None => return location(&self.file, 1, 1),
            }
        }
        let (line, column) = self.index.locate(pos);
        location(&self.file, line, column)
    }
}

/// Walks `labels` levels of nesting (objects keyed by label, arrays of such objects) and makes one
/// block per body found at the bottom.
fn collect(
    scanner: &Scanner<'_>,
    kind: &str,
    value: &Json,
    remaining: usize,
    labels: &mut Vec<String>,
    nested: &[&str],
    out: &mut Vec<Block>,
) {
    match value {
        Json::Array(items) => {
            for item in items {
                collect(scanner, kind, item, remaining, labels, nested, out);
            }
        }
        Json::Object(map) if remaining > 0 => {
            for (label, inner) in map {
                if label == "//" {
                    continue;
                }
                labels.push(label.clone());
                collect(scanner, kind, inner, remaining - 1, labels, nested, out);
                labels.pop();
            }
        }
        Json::Object(map) => {
            let mut keys: Vec<&str> = vec![kind];
            keys.extend(labels.iter().map(String::as_str));
            out.push(Block {
                ident: kind.to_owned(),
                labels: labels.clone(),
                body: body(kind, map, nested, scanner),
                location: scanner.locate(&keys),
            });
        }
        _ => {}
    }
}

fn body(
    kind: &str,
    map: &serde_json::Map<String, Json>,
    nested: &[&str],
    scanner: &Scanner<'_>,
) -> Body {
    let mut out = Body::default();
    for (key, value) in map {
        if key == "//" {
            continue;
        }
        let as_block = nested.contains(&key.as_str())
            || (kind == "terraform"
                && matches!(key.as_str(), "required_providers" | "backend" | "cloud"));
        if !as_block {
            out.attrs.push((key.clone(), expression(value)));
            continue;
        }
        // `backend` and `dynamic` carry one label: {"s3": {...}}.
        let labelled = matches!(key.as_str(), "backend" | "dynamic" | "provisioner");
        let mut blocks = Vec::new();
        collect(
            scanner,
            key,
            value,
            usize::from(labelled),
            &mut Vec::new(),
            &[],
            &mut blocks,
        );
        out.blocks.extend(blocks);
    }
    out
}

/// A JSON value as the expression it stands for: strings are templates.
pub(crate) fn expression(value: &Json) -> Expression {
    match value {
        Json::Null => Expression::null(),
        Json::Bool(b) => Expression::from(*b),
        Json::Number(n) => {
            // Parsed from its own text, the literal keeps that text, and with it a number no
            // i64 or f64 holds.
            if let Ok(literal @ Expression::Number(_)) = hcl_edit::parser::parse_expr(n.as_str()) {
                return literal;
            }
            let number = n
                .as_i64()
                .map(Number::from)
                .or_else(|| n.as_f64().and_then(Number::from_f64));
            number.map_or_else(Expression::null, |n| Expression::Number(Formatted::new(n)))
        }
        Json::String(s) => {
            if (s.contains("${") || s.contains("%{"))
                && let Ok(template) = hcl_edit::parser::parse_template(s)
            {
                return Expression::StringTemplate(StringTemplate::from(template));
            }
            Expression::String(Decorated::new(s.clone()))
        }
        Json::Array(items) => Expression::Array(Array::from(
            items.iter().map(expression).collect::<Vec<_>>(),
        )),
        Json::Object(map) => {
            let mut object = Object::new();
            for (k, v) in map {
                object.insert(
                    ObjectKey::Expression(Expression::String(Decorated::new(k.clone()))),
                    ObjectValue::new(expression(v)),
                );
            }
            Expression::Object(object)
        }
    }
}
