//! `import` blocks (Terraform 1.5+) for resources found live and in no state, each with a
//! `resource` block holding the live arguments a user may set.

use plumb_model::state::ALWAYS_SENSITIVE_ATTRIBUTES;
use std::collections::BTreeSet;

use plumb_model::catalog::{ImportId, import_id};
use plumb_model::{Address, Finding, InvalidName, Map, Value};
use plumb_schema::{Block, NestedType, NestingMode, ProviderSchemas};

use crate::hcl::{self, Expr, Item, Unwritable};

/// Top-level attributes never written: set by the provider, or by the provider configuration.
const NEVER_WRITTEN: &[&str] = &["id", "arn", "tags_all", "region"];

/// Resource names made unique per type.
#[derive(Debug, Default)]
pub struct Names {
    taken: BTreeSet<(String, String)>,
}

impl Names {
    pub fn new() -> Self {
        Names::default()
    }

    /// `unmanaged_` and the id made an identifier (`i-0abc` → `unmanaged_i_0abc`), with `_2`,
    /// `_3`... where the name is taken already for this type.
    pub fn unique(&mut self, resource_type: &str, id: Option<&str>) -> String {
        let base = resource_name(id.unwrap_or_default());
        let mut name = base.clone();
        let mut n = 2;
        while !self.taken.insert((resource_type.to_owned(), name.clone())) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }
}

/// `unmanaged_` and `id` lowercased, each run of other characters than letters and digits made
/// one `_`, cut to a readable length: always a valid Terraform identifier.
pub fn resource_name(id: &str) -> String {
    let mut name = String::from("unmanaged");
    for c in id.chars().flat_map(char::to_lowercase) {
        if name.len() >= 72 {
            break;
        }
        if c.is_ascii_alphanumeric() {
            if name.len() == "unmanaged".len() {
                name.push('_');
            }
            name.push(c);
        } else if !name.ends_with('_') && name.len() > "unmanaged".len() {
            name.push('_');
        }
    }
    while name.ends_with('_') {
        name.pop();
    }
    debug_assert!(hcl::is_identifier(&name));
    name
}

/// The `import` block and the `resource` block for one unmanaged finding, as `terraform fmt`
/// writes them, or the same commented out with the reason when no import id can be written.
/// `live` is the live attribute object; `name` the resource name to import to.
pub fn import_block(
    finding: &Finding,
    live: Option<&Value>,
    schemas: &ProviderSchemas,
    name: &str,
) -> Result<String, InvalidName> {
    let ty = finding.r#type.as_str();
    let id = finding.id.as_deref();
    let to = hcl::address(&Address::managed(ty, name))?;
    let mut heading = format!("{ty} {}", id.unwrap_or("(no id)"));
    if let Some(region) = &finding.region {
        heading.push_str(" in ");
        heading.push_str(region);
    }
    let mut items = vec![Item::Comment(heading)];
    let resource = match live {
        Some(live) => schemas.resource(ty).map(|s| resource_body(&s.block, live)),
        None => None,
    };
    let import = |id: Expr| {
        Item::Block(hcl::Block::new(
            "import",
            &[],
            vec![
                Item::Attr("to".into(), Expr::Raw(to.clone())),
                Item::Attr("id".into(), id),
            ],
        ))
    };
    match import_id(ty, id, live) {
        ImportId::Known(import_id) => {
            items.push(import(Expr::string(&import_id)));
            match resource {
                Some(body) => {
                    items.push(Item::Blank);
                    items.push(Item::Block(hcl::Block::new("resource", &[ty, name], body)));
                }
                None => items.push(Item::Comment(format!(
                    "No schema or live object for {ty}: `terraform plan \
                     -generate-config-out=generated.tf` writes the resource block."
                ))),
            }
            Ok(hcl::write_file(&items))
        }
        ImportId::Missing { format } => {
            items.push(Item::Comment(format!(
                "The import id of {to} could not be built: fill in `id` ({format}, see the \
                 provider's docs) and uncomment both blocks."
            )));
            let mut commented = vec![import(Expr::string(""))];
            if let Some(body) = resource {
                commented.push(Item::Blank);
                commented.push(Item::Block(hcl::Block::new("resource", &[ty, name], body)));
            }
            let mut out = hcl::write_file(&items);
            out.push_str(&comment_out(&hcl::write_file(&commented)));
            Ok(out)
        }
        ImportId::NotImportable => {
            items.push(Item::Comment(format!(
                "The provider cannot import {ty}: write its block by hand, or delete it live."
            )));
            Ok(hcl::write_file(&items))
        }
    }
}

fn comment_out(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                "#\n".to_owned()
            } else {
                format!("# {line}\n")
            }
        })
        .collect()
}

/// The body of a resource block: the live attributes a user may set.
pub fn resource_body(block: &Block, live: &Value) -> Vec<Item> {
    let empty = Map::new();
    let map = live.as_map().unwrap_or(&empty);
    body(block, map, true)
}

fn body(block: &Block, map: &Map, top: bool) -> Vec<Item> {
    let mut items = Vec::new();
    for (name, attribute) in &block.attributes {
        // A schema given with --schema is input too: a name that is not an identifier would
        // be code, not an argument.
        if !hcl::is_identifier(name)
            || (top && NEVER_WRITTEN.contains(&name.as_str()))
            || attribute.is_computed_only()
            || attribute.deprecated
        {
            continue;
        }
        let Some(value) = map.get(name) else { continue };
        if value.is_empty_like() {
            continue;
        }
        let sensitive = attribute.sensitive
            || value.contains_sensitive()
            || (top && ALWAYS_SENSITIVE_ATTRIBUTES.contains(&name.as_str()));
        if sensitive {
            items.push(sensitive_comment(name));
            continue;
        }
        let expr = match &attribute.nested {
            Some(nested) => nested_expr(nested, value),
            None => hcl::value_expr(value),
        };
        match expr {
            Ok(expr) => items.push(Item::Attr(name.clone(), expr)),
            Err(why) => items.push(unwritable_comment(name, why)),
        }
    }
    for (name, nested) in &block.block_types {
        if name == "timeouts" || !hcl::is_identifier(name) {
            continue;
        }
        let Some(value) = map.get(name) else { continue };
        if value.is_empty_like() {
            continue;
        }
        // A block marked sensitive as a whole (or one of its elements) is not written; sensitive
        // attributes inside a block are left out one by one below.
        if value.is_sensitive()
            || value
                .as_list()
                .is_some_and(|l| l.iter().any(Value::is_sensitive))
        {
            items.push(sensitive_comment(name));
            continue;
        }
        let elements: Vec<(Option<&str>, &Map)> = match (nested.nesting, value) {
            (NestingMode::Single | NestingMode::Group, Value::Map(m)) => vec![(None, m)],
            (NestingMode::Map, Value::Map(m)) => m
                .iter()
                .filter_map(|(k, v)| v.as_map().map(|m| (Some(k), m)))
                .collect(),
            (_, Value::List(list)) => list
                .iter()
                .filter_map(|v| v.as_map().map(|m| (None, m)))
                .collect(),
            _ => Vec::new(),
        };
        for (label, element) in elements {
            let inner = body(&nested.block, element, false);
            if inner.is_empty() && nested.min_items.unwrap_or(0) == 0 {
                continue;
            }
            if !items.is_empty() {
                items.push(Item::Blank);
            }
            let labels: Vec<&str> = label.into_iter().collect();
            items.push(Item::Block(hcl::Block::new(name, &labels, inner)));
        }
    }
    items
}

/// A nested-attribute value: objects holding only the attributes a user may set.
fn nested_expr(nested: &NestedType, value: &Value) -> Result<Expr, Unwritable> {
    let object = |value: &Value| -> Result<Expr, Unwritable> {
        let Some(map) = value.as_map() else {
            return hcl::value_expr(value);
        };
        let mut entries = Vec::new();
        for (name, attribute) in &nested.block.attributes {
            if attribute.is_computed_only() {
                continue;
            }
            let Some(v) = map.get(name).filter(|v| !v.is_empty_like()) else {
                continue;
            };
            let expr = match &attribute.nested {
                Some(inner) => nested_expr(inner, v)?,
                None => hcl::value_expr(v)?,
            };
            entries.push((hcl::object_key(name), expr));
        }
        Ok(Expr::Object(entries))
    };
    match (nested.nesting, value) {
        (NestingMode::Single | NestingMode::Group, v) => object(v),
        (NestingMode::Map, Value::Map(m)) => Ok(Expr::Object(
            m.iter()
                .map(|(k, v)| Ok((hcl::object_key(k), object(v)?)))
                .collect::<Result<_, _>>()?,
        )),
        (_, Value::List(items)) => Ok(Expr::List(
            items.iter().map(object).collect::<Result<_, _>>()?,
        )),
        (_, other) => hcl::value_expr(other),
    }
}

fn sensitive_comment(name: &str) -> Item {
    Item::Comment(format!(
        "{name}: sensitive, not written; set it from a variable"
    ))
}

fn unwritable_comment(name: &str, why: Unwritable) -> Item {
    Item::Comment(match why {
        Unwritable::Sensitive => return sensitive_comment(name),
        Unwritable::Unknown => format!("{name}: not known, not written"),
        Unwritable::NonFinite => format!("{name}: not a finite number, not written"),
    })
}
