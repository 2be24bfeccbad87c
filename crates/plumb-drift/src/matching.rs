//! How a state resource finds its live object: (region, type, id), where the type is the
//! catalog's base type (`plumb_model::catalog::base_type`), and the "id" of a type whose
//! Terraform id is synthetic is built from the attributes that identify the object.

use plumb_model::Value;
use plumb_model::catalog::identity::identity;
use plumb_model::catalog::values::protocol_number;
use plumb_model::catalog::{IdKind, Identity, Split};

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
    protocol_number(&raw).map_or(raw, str::to_owned)
}

/// One identity attribute as a key part: lists sorted, a protocol by its number, an unset
/// `self` false.
fn part(attrs: &Value, key: &str) -> String {
    match key {
        "protocol" => protocol(attrs, key),
        "self" => is_self(attrs).to_string(),
        _ => text(attrs, key),
    }
}

/// The key a resource of `resource_type` is matched on. Types whose Terraform id is a hash of
/// their settings (`sgrule-…`, `r-rtb-…`, `nacl-…`, `vai-…`) are matched on the attributes that
/// identify the object ([`plumb_model::catalog::identity`]), so that an adapter need not reproduce the
/// provider's hash.
pub fn match_key(resource_type: &str, id: &str, attrs: &Value) -> String {
    match identity(resource_type) {
        Some(Identity {
            id: IdKind::Synthetic,
            attributes,
        }) => {
            let mut key = resource_type.to_owned();
            for attribute in *attributes {
                key.push('|');
                key.push_str(&part(attrs, attribute));
            }
            key
        }
        _ => id.to_owned(),
    }
}

/// How well a live object agrees with a state resource on what identifies objects of its
/// type, where several could be the one (resources that share an id): `None` when it is
/// another object (its deciding identity attribute differs), else a rank, higher for more
/// agreement. A type with no identity attributes is ranked on all its top-level attributes.
pub fn identity_rank(resource_type: &str, state: &Value, live: &Value) -> Option<usize> {
    match identity(resource_type) {
        Some(identity) if !identity.attributes.is_empty() => {
            let agrees = |key: &str| part(state, key) == part(live, key);
            let (deciding, rest) = identity.attributes.split_first()?;
            agrees(deciding).then(|| 1 + rest.iter().filter(|key| agrees(key)).count())
        }
        _ => {
            let (Some(state), Some(live)) = (state.as_map(), live.as_map()) else {
                return Some(0);
            };
            Some(
                state
                    .iter()
                    .filter(|(key, value)| {
                        live.get(key).map(Value::unmarked) == Some(value.unmarked())
                    })
                    .count(),
            )
        }
    }
}

/// The sources of a resource the cloud stores as one object per source (the catalog's
/// [`Split`]: an `aws_security_group_rule`'s CIDRs, IPv6 CIDRs, prefix lists, peer group and
/// `self`), each with the match key of a copy of the resource that has that one source.
///
/// EC2 stores a rule per source (`DescribeSecurityGroupRules`), while one Terraform rule
/// resource may hold several CIDRs; the provider's Read finds the resource when every one of
/// its sources is still in the group. An adapter that reports EC2's rules one source each is
/// matched through these keys (`None` for a type that is not split).
pub fn split_source_keys(resource_type: &str, attrs: &Value) -> Option<Vec<(String, String)>> {
    let Split {
        lists,
        single,
        flag,
    } = plumb_model::catalog::info(resource_type)?.split?;
    let base = attrs.as_map()?;
    let strings = |key: &str| -> Vec<Value> {
        match attrs.get(key).map(Value::unmarked) {
            Some(Value::List(items)) => items.clone(),
            _ => Vec::new(),
        }
    };
    // A copy of the resource holding only `source`, keyed as any is.
    let one = |source: &str, value: Value| {
        let mut copy = base.clone();
        for key in lists {
            copy.insert(*key, Value::List(Vec::new()));
        }
        for key in single {
            copy.insert(*key, Value::Null);
        }
        if let Some(key) = flag {
            copy.insert(key, Value::Bool(false));
        }
        copy.insert(source, value);
        match_key(resource_type, "", &Value::Map(copy))
    };
    let mut keys: Vec<(String, String)> = Vec::new();
    for list in lists {
        keys.extend(strings(list).into_iter().map(|item| {
            let text = item.as_str().unwrap_or_default().to_owned();
            (text, one(list, Value::List(vec![item])))
        }));
    }
    for key in single {
        if let Some(value) = attrs
            .get(key)
            .filter(|v| !v.is_empty_like() && !v.is_null())
        {
            let text = value.as_str().unwrap_or_default().to_owned();
            keys.push((text, one(key, value.clone())));
        }
    }
    if let Some(key) = flag
        && attrs.get(key).and_then(Value::as_bool) == Some(true)
    {
        keys.push((key.to_owned(), one(key, Value::Bool(true))));
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
        let parts: Vec<String> = split_source_keys("aws_security_group_rule", &state)
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

    /// Objects that share an id are told apart by their deciding identity attribute: another
    /// VPC's association with the same DHCP options, another group's membership of the same
    /// name, is another object; agreeing on more attributes ranks higher.
    #[test]
    fn shared_ids_are_told_apart_by_the_deciding_attribute() {
        let json = |text: &str| -> Value { serde_json::from_str(text).unwrap() };
        let association = json(r#"{"id":"dopt-1","vpc_id":"vpc-1","dhcp_options_id":"dopt-1"}"#);
        let same_vpc = json(r#"{"id":"dopt-1","vpc_id":"vpc-1"}"#);
        let other_vpc = json(r#"{"id":"dopt-1","vpc_id":"vpc-2"}"#);
        let t = "aws_vpc_dhcp_options_association";
        assert_eq!(identity_rank(t, &association, &same_vpc), Some(1));
        assert_eq!(identity_rank(t, &association, &other_vpc), None);

        let membership = json(r#"{"name":"admins","group":"admins","users":["a","b"]}"#);
        let same = json(r#"{"name":"admins","group":"admins","users":["b","a"]}"#);
        let fewer = json(r#"{"name":"admins","group":"admins","users":["a"]}"#);
        let other_group = json(r#"{"name":"admins","group":"ops","users":["a","b"]}"#);
        let t = "aws_iam_group_membership";
        assert_eq!(identity_rank(t, &membership, &same), Some(2));
        assert_eq!(identity_rank(t, &membership, &fewer), Some(1));
        assert_eq!(identity_rank(t, &membership, &other_group), None);
    }
}
