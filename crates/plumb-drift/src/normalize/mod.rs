//! Normalizers: the ways two values can differ in text and mean the same thing to AWS.
//!
//! Each normalizer rewrites a top-level attribute value into a canonical form. The engine applies
//! them one after another to both sides of a difference; the first after which the two sides are
//! equal is the one that "judged" the difference to be noise, and the difference goes to
//! `suppressed[]` with that normalizer's id. One normalizer per file, each with its own tests.

mod case_insensitive;
mod cidr;
mod empty;
mod json_document;
mod protocol;
mod set_order;
mod sg_rule_peers;
mod user_data;

use plumb_model::{AttrPath, Segment, Value};
use plumb_schema::ResourceSchema;

pub use empty::EmptyEqualsNull;
pub use set_order::sort_sets;

/// What a normalizer knows about the value it rewrites.
#[derive(Clone, Copy, Debug)]
pub struct NormalizeContext<'a> {
    pub resource_type: &'a str,
    pub schema: Option<&'a ResourceSchema>,
}

/// One way of making equal values look equal.
pub trait Normalizer: Sync + Send {
    /// Kebab-case id, reported as the `rule` of a suppressed difference.
    fn id(&self) -> &'static str;
    /// One line for `suppressed[].reason`.
    fn reason(&self) -> &'static str;
    /// A paragraph for the docs: what it treats as equal and why that is safe.
    fn doc(&self) -> &'static str;
    /// Rewrites `value` (the value of the top-level attribute at `path`) in place.
    fn normalize(&self, ctx: &NormalizeContext<'_>, path: &AttrPath, value: &mut Value);
}

/// The normalizers in the order they are tried: cheapest and most certain first.
pub fn registry() -> &'static [&'static dyn Normalizer] {
    &[
        &set_order::SetOrder,
        &empty::EmptyEqualsNull,
        &sg_rule_peers::SgRulePerPeer,
        &cidr::CidrCanonical,
        &protocol::ProtocolNumber,
        &case_insensitive::CaseInsensitiveEnum,
        &json_document::JsonDocument,
        &user_data::UserDataHash,
    ]
}

/// Calls `visit` on every value below and including `value`, with its path, deepest first, so a
/// visitor may rewrite children before their parent is seen.
pub(crate) fn walk_mut(
    value: &mut Value,
    path: &mut AttrPath,
    visit: &mut dyn FnMut(&AttrPath, &mut Value),
) {
    match value {
        Value::List(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(Segment::Index(i));
                walk_mut(item, path, visit);
                path.0.pop();
            }
        }
        Value::Map(map) => {
            for (key, item) in map.iter_mut() {
                path.push(Segment::Attr(key.to_owned()));
                walk_mut(item, path, visit);
                path.0.pop();
            }
        }
        Value::Sensitive(inner) => walk_mut(inner, path, visit),
        _ => {}
    }
    visit(path, value);
}

#[cfg(test)]
pub(crate) mod test_support {
    use plumb_model::{AttrPath, Value};

    use super::{NormalizeContext, Normalizer};

    pub fn parse(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    /// Normalizes a top-level attribute of an untyped resource.
    pub fn normalized(normalizer: &dyn Normalizer, attribute: &str, json: &str) -> Value {
        let mut value = parse(json);
        let ctx = NormalizeContext {
            resource_type: "aws_test",
            schema: None,
        };
        normalizer.normalize(&ctx, &AttrPath::attr(attribute), &mut value);
        value
    }
}
