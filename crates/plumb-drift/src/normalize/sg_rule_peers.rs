//! Security group rules one peer at a time: AWS merges rules with the same protocol and ports
//! into one permission with several peers, and splits them again, as it likes.

use plumb_model::{AttrPath, Map, Value};

use super::{NormalizeContext, Normalizer};

pub struct SgRulePerPeer;

/// The fields of an inline rule that name its peers, each a list.
const PEER_LISTS: &[&str] = &[
    "cidr_blocks",
    "ipv6_cidr_blocks",
    "prefix_list_ids",
    "security_groups",
];

/// One rule object per peer, each with the rule's other fields, its single peer and an explicit
/// `self`, so that a merged and a split form of the same permissions come out identical.
fn per_peer(rule: &Value) -> Vec<Value> {
    let Some(map) = rule.as_map() else {
        return vec![rule.clone()];
    };
    let mut base = Map::new();
    for (key, value) in map {
        if !PEER_LISTS.contains(&key) && key != "self" {
            base.insert(key, value.clone());
        }
    }
    let with = |key: &str, value: Value, is_self: bool| {
        let mut out = base.clone();
        if !key.is_empty() {
            out.insert(key, value);
        }
        out.insert("self", Value::Bool(is_self));
        Value::Map(out)
    };
    let mut out = Vec::new();
    for key in PEER_LISTS {
        if let Some(items) = map.get(key).and_then(Value::as_list) {
            out.extend(
                items
                    .iter()
                    .map(|peer| with(key, Value::List(vec![peer.clone()]), false)),
            );
        }
    }
    if map.get("self").and_then(Value::as_bool) == Some(true) {
        out.push(with("", Value::Null, true));
    }
    if out.is_empty() {
        out.push(with("", Value::Null, false));
    }
    out
}

impl Normalizer for SgRulePerPeer {
    fn id(&self) -> &'static str {
        "sg-rule-per-peer"
    }
    fn reason(&self) -> &'static str {
        "the same permissions, merged or split differently into rules"
    }
    fn doc(&self) -> &'static str {
        "AWS stores a security group's permissions by protocol and ports, each with a list of \
         peers: two rules for port 443 written as two blocks come back as one rule with two CIDR \
         blocks, and the reverse. A group's inline `ingress` and `egress` are compared one peer \
         at a time (one rule per CIDR block, IPv6 block, prefix list, security group or `self`, \
         each keeping the rule's protocol, ports and description), so only a real change of \
         permission counts."
    }
    fn normalize(&self, ctx: &NormalizeContext<'_>, path: &AttrPath, value: &mut Value) {
        let group = matches!(
            ctx.resource_type,
            "aws_security_group" | "aws_default_security_group"
        );
        if !group || path.len() != 1 || !matches!(path.top(), Some("ingress" | "egress")) {
            return;
        }
        let Value::List(rules) = value else {
            return;
        };
        let mut expanded: Vec<Value> = rules.iter().flat_map(per_peer).collect();
        expanded.sort_by_cached_key(ToString::to_string);
        expanded.dedup();
        *rules = expanded;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::parse;

    fn normalized(json: &str) -> Value {
        let mut value = parse(json);
        let ctx = NormalizeContext {
            resource_type: "aws_security_group",
            schema: None,
        };
        SgRulePerPeer.normalize(&ctx, &AttrPath::attr("ingress"), &mut value);
        value
    }

    #[test]
    fn merged_and_split_permissions_agree() {
        let merged = normalized(
            r#"[{"protocol":"tcp","from_port":443,"to_port":443,"cidr_blocks":["10.0.0.0/8","192.168.0.0/16"],"self":false}]"#,
        );
        let split = normalized(
            r#"[{"protocol":"tcp","from_port":443,"to_port":443,"cidr_blocks":["192.168.0.0/16"]},
                {"protocol":"tcp","from_port":443,"to_port":443,"cidr_blocks":["10.0.0.0/8"],"self":false}]"#,
        );
        assert_eq!(merged, split);
        assert_eq!(merged.as_list().map(<[Value]>::len), Some(2));
    }

    #[test]
    fn a_different_peer_or_port_still_differs() {
        let a = normalized(
            r#"[{"protocol":"tcp","from_port":22,"to_port":22,"cidr_blocks":["10.0.0.0/8"]}]"#,
        );
        let b = normalized(
            r#"[{"protocol":"tcp","from_port":22,"to_port":22,"cidr_blocks":["0.0.0.0/0"]}]"#,
        );
        let c = normalized(
            r#"[{"protocol":"tcp","from_port":23,"to_port":23,"cidr_blocks":["10.0.0.0/8"]}]"#,
        );
        assert_ne!(a, b);
        assert_ne!(a, c);
        let with_self = normalized(
            r#"[{"protocol":"-1","from_port":0,"to_port":0,"cidr_blocks":["10.0.0.0/8"],"self":true}]"#,
        );
        assert_eq!(with_self.as_list().map(<[Value]>::len), Some(2));
    }
}
