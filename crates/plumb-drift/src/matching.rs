//! How a state resource finds its live object: (region, type, id), where the type of an
//! `aws_default_*` resource is its base type, and the "id" of a type whose Terraform id is
//! synthetic is built from the attributes that identify the object.

use plumb_model::Value;

/// `aws_default_vpc` manages an `aws_vpc`: the adapter reports the object under the base type.
pub fn base_type(resource_type: &str) -> &str {
    match resource_type {
        "aws_default_vpc" => "aws_vpc",
        "aws_default_subnet" => "aws_subnet",
        "aws_default_security_group" => "aws_security_group",
        "aws_default_route_table" => "aws_route_table",
        "aws_default_network_acl" => "aws_network_acl",
        "aws_default_vpc_dhcp_options" => "aws_vpc_dhcp_options",
        other => other,
    }
}

fn text(attrs: &Value, key: &str) -> String {
    match attrs.get(key).map(Value::unmarked) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::List(items)) => {
            let mut parts: Vec<String> = items.iter().map(ToString::to_string).collect();
            parts.sort();
            parts.join(",")
        }
        _ => String::new(),
    }
}

/// A rule's `self`, false when unset.
fn is_self(attrs: &Value) -> bool {
    attrs.get("self").and_then(Value::as_bool).unwrap_or(false)
}

fn protocol(attrs: &Value, key: &str) -> String {
    let raw = text(attrs, key);
    crate::normalize::protocol_number(&raw).map_or(raw, str::to_owned)
}

/// The key a resource of `resource_type` is matched on. Types whose Terraform id is a hash of
/// their settings (`sgrule-…`, `r-rtb-…`, `nacl-…`, `vai-…`) are matched on the attributes that
/// identify the object, so that an adapter need not reproduce the provider's hash.
pub fn match_key(resource_type: &str, id: &str, attrs: &Value) -> String {
    let key = |parts: &[String]| format!("{resource_type}|{}", parts.join("|"));
    match resource_type {
        "aws_security_group_rule" => key(&[
            text(attrs, "security_group_id"),
            text(attrs, "type"),
            protocol(attrs, "protocol"),
            text(attrs, "from_port"),
            text(attrs, "to_port"),
            text(attrs, "cidr_blocks"),
            text(attrs, "ipv6_cidr_blocks"),
            text(attrs, "prefix_list_ids"),
            text(attrs, "source_security_group_id"),
            is_self(attrs).to_string(),
        ]),
        "aws_route" => key(&[
            text(attrs, "route_table_id"),
            text(attrs, "destination_cidr_block"),
            text(attrs, "destination_ipv6_cidr_block"),
            text(attrs, "destination_prefix_list_id"),
        ]),
        "aws_network_acl_rule" => key(&[
            text(attrs, "network_acl_id"),
            text(attrs, "rule_number"),
            text(attrs, "egress"),
        ]),
        "aws_volume_attachment" => key(&[
            text(attrs, "volume_id"),
            text(attrs, "instance_id"),
            text(attrs, "device_name"),
        ]),
        // One per region, with an id the provider makes up (`terraform-2023…`): the type is
        // the identity.
        "aws_ebs_encryption_by_default" => key(&[]),
        _ => id.to_owned(),
    }
}

/// The sources of an `aws_security_group_rule` (CIDRs, IPv6 CIDRs, prefix lists, a peer group,
/// the group itself), each with the match key of a rule that has that one source.
///
/// EC2 stores a rule per source (`DescribeSecurityGroupRules`), while one Terraform rule
/// resource may hold several CIDRs; the provider's Read finds the resource when every one of
/// its sources is still in the group. An adapter that reports EC2's rules one source each is
/// matched through these keys (`None` for any other type).
pub fn rule_source_keys(resource_type: &str, attrs: &Value) -> Option<Vec<(String, String)>> {
    if resource_type != "aws_security_group_rule" {
        return None;
    }
    let base = attrs.as_map()?;
    let strings = |key: &str| -> Vec<Value> {
        match attrs.get(key).map(Value::unmarked) {
            Some(Value::List(items)) => items.clone(),
            _ => Vec::new(),
        }
    };
    // A copy of the rule holding only `source`, keyed as any rule is.
    let one = |source: &str, value: Value| {
        let mut single = base.clone();
        for (key, empty) in [
            ("cidr_blocks", Value::List(Vec::new())),
            ("ipv6_cidr_blocks", Value::List(Vec::new())),
            ("prefix_list_ids", Value::List(Vec::new())),
            ("source_security_group_id", Value::Null),
            ("self", Value::Bool(false)),
        ] {
            single.insert(key, if key == source { value.clone() } else { empty });
        }
        match_key(resource_type, "", &Value::Map(single))
    };
    let mut keys: Vec<(String, String)> = Vec::new();
    for list in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
        keys.extend(strings(list).into_iter().map(|item| {
            let text = item.as_str().unwrap_or_default().to_owned();
            (text, one(list, Value::List(vec![item])))
        }));
    }
    if let Some(peer) = attrs
        .get("source_security_group_id")
        .filter(|v| !v.is_empty_like() && !v.is_null())
    {
        let text = peer.as_str().unwrap_or_default().to_owned();
        keys.push((text, one("source_security_group_id", peer.clone())));
    }
    if is_self(attrs) {
        keys.push(("self".to_owned(), one("self", Value::Bool(true))));
    }
    Some(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_ids_match_on_identity() {
        let state: Value = serde_json::from_str(
            r#"{"id":"sgrule-123","security_group_id":"sg-1","type":"ingress","protocol":"tcp",
                "from_port":22,"to_port":22,"cidr_blocks":["10.0.0.0/8","10.1.0.0/16"]}"#,
        )
        .unwrap();
        let live: Value = serde_json::from_str(
            r#"{"id":"whatever","security_group_id":"sg-1","type":"ingress","protocol":"6",
                "from_port":22,"to_port":22,"cidr_blocks":["10.1.0.0/16","10.0.0.0/8"]}"#,
        )
        .unwrap();
        assert_eq!(
            match_key("aws_security_group_rule", "sgrule-123", &state),
            match_key("aws_security_group_rule", "whatever", &live)
        );
        assert_eq!(match_key("aws_instance", "i-1", &state), "i-1");
        // EC2's one-source rules, as an adapter reports them, each meet one source of the
        // state's two-CIDR rule.
        let parts: Vec<String> = rule_source_keys("aws_security_group_rule", &state)
            .unwrap()
            .into_iter()
            .map(|(_, key)| key)
            .collect();
        assert_eq!(parts.len(), 2);
        for cidr in ["10.0.0.0/8", "10.1.0.0/16"] {
            let one: Value = serde_json::from_str(&format!(
                r#"{{"security_group_id":"sg-1","type":"ingress","protocol":"6","from_port":22,
                    "to_port":22,"cidr_blocks":["{cidr}"],"ipv6_cidr_blocks":[],
                    "prefix_list_ids":[],"source_security_group_id":null,"self":false}}"#
            ))
            .unwrap();
            let live_key = match_key("aws_security_group_rule", "sgr-1", &one);
            assert!(parts.contains(&live_key), "{live_key} not in {parts:?}");
        }
        assert_eq!(
            match_key("aws_ebs_encryption_by_default", "terraform-2023", &state),
            match_key("aws_ebs_encryption_by_default", "eu-west-1", &live)
        );
    }
}
