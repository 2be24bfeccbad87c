//! Inline or separate: the same objects can be managed through an argument of the resource
//! they belong to (a group's inline `ingress`, a table's `route`, an EIP's `instance`) or as
//! resources of their own (`aws_security_group_rule`, `aws_route`, `aws_eip_association`).
//! One table of these parts ([`PARTS`]) serves both directions, in the drift engine's
//! `separate` module:
//!
//! - what separate resources manage is taken out of both sides of the owner's argument before
//!   the owner is compared: the two fighting is a known source of perpetual diffs, and the
//!   separate resource is compared on its own;
//! - a live object of a separate type that a managed owner holds through its argument is the
//!   owner's, not unmanaged.
//!
//! Both sides speak the same keys: what one element of the owner's argument holds, and what one
//! separate resource (or live object of its type) is. A new pair (the IAM and S3 ones) is a
//! new row.

use super::values::{canonical_cidr, protocol_number};
use crate::Value;

/// One "inline or separate resource" pair.
#[derive(Debug)]
pub struct Part {
    /// The separate resource types.
    pub separate: &'static [&'static str],
    /// The owning resource types (their `aws_default_*` twins included).
    pub owners: &'static [&'static str],
    /// The owner's arguments that hold the same objects.
    pub arguments: &'static [&'static str],
    /// The owner a separate resource names (its `security_group_id`), so that the owner's
    /// argument can be filtered; `None` where it names none (the filter does not apply).
    pub owner_of: fn(&Value) -> Option<String>,
    /// The keys of one separate resource, or live object of a separate type: any of them held
    /// by an owner's argument makes the object the owner's.
    pub keys: fn(&str, &Value) -> Vec<String>,
    /// The keys of one element of an owner's argument (each element of a list or set, or the
    /// value of a single-valued one), given the owner's id and the argument's name.
    pub held: fn(&str, &str, &Value) -> Vec<String>,
    /// For an argument whose elements hold several peers each (a group's inline rule with
    /// several CIDRs), the element with only the given peers left: then an element some of
    /// whose peers a separate resource manages keeps the others. The peer is the last `|`
    /// part of each of the part's keys.
    pub keep_peers: Option<fn(&Value, &[&str]) -> Value>,
}

const RULES: &[&str] = &[
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
];

/// Every pair. The IAM pairs (`aws_iam_role`'s `inline_policy` and `managed_policy_arns` with
/// `aws_iam_role_policy` and `aws_iam_role_policy_attachment`) and the S3 ones (`aws_s3_bucket`'s
/// `policy`, `versioning`, ... with `aws_s3_bucket_policy`, ...) belong here too.
pub const PARTS: &[Part] = &[
    // Security group rules: inline `ingress`/`egress` or rule resources.
    Part {
        separate: RULES,
        owners: &["aws_security_group", "aws_default_security_group"],
        arguments: &["ingress", "egress"],
        owner_of: |a| attribute(a, "security_group_id"),
        keys: rule_keys,
        held: |group, argument, rule| {
            let egress = argument == "egress";
            inline_peers(rule)
                .into_iter()
                .map(|peer| {
                    permission(
                        group,
                        egress,
                        &protocol(rule.get("protocol")),
                        &text(rule.get("from_port")),
                        &text(rule.get("to_port")),
                        &peer,
                    )
                })
                .collect()
        },
        keep_peers: Some(keep_peers),
    },
    // Routes: a table's inline `route` or `aws_route`.
    Part {
        separate: &["aws_route"],
        owners: &["aws_route_table", "aws_default_route_table"],
        arguments: &["route"],
        owner_of: |a| attribute(a, "route_table_id"),
        keys: |_, route| {
            let destination = first_of(
                route,
                &[
                    "destination_cidr_block",
                    "destination_ipv6_cidr_block",
                    "destination_prefix_list_id",
                ],
            );
            vec![route_key(&text(route.get("route_table_id")), &destination)]
        },
        held: |table, _, route| {
            let destination = first_of(
                route,
                &[
                    "cidr_block",
                    "ipv6_cidr_block",
                    "destination_prefix_list_id",
                ],
            );
            vec![route_key(table, &destination)]
        },
        keep_peers: None,
    },
    // Network ACL entries: an ACL's inline `ingress`/`egress` or `aws_network_acl_rule`.
    Part {
        separate: &["aws_network_acl_rule"],
        owners: &["aws_network_acl", "aws_default_network_acl"],
        arguments: &["ingress", "egress"],
        owner_of: |a| attribute(a, "network_acl_id"),
        keys: |_, entry| {
            let egress = entry.get("egress").and_then(Value::as_bool) == Some(true);
            vec![acl_key(
                &text(entry.get("network_acl_id")),
                egress,
                &text(entry.get("rule_number")),
            )]
        },
        held: |acl, argument, entry| {
            vec![acl_key(
                acl,
                argument == "egress",
                &text(entry.get("rule_no")),
            )]
        },
        keep_peers: None,
    },
    // An elastic IP's association: `aws_eip`'s `instance`/`network_interface` (its
    // `association_id`), or `aws_eip_association`.
    Part {
        separate: &["aws_eip_association"],
        owners: &["aws_eip"],
        arguments: &["association_id", "instance", "network_interface"],
        owner_of: |a| attribute(a, "allocation_id"),
        keys: eip_association_keys,
        held: |allocation, argument, value| {
            let value = text(Some(value));
            vec![match argument {
                "association_id" => format!("eip-association|{value}"),
                "instance" => format!("eip|{allocation}|instance|{value}"),
                _ => format!("eip|{allocation}|eni|{value}"),
            }]
        },
        keep_peers: None,
    },
    // A NAT gateway holds its elastic IP's association through its `allocation_id`.
    Part {
        separate: &["aws_eip_association"],
        owners: &["aws_nat_gateway"],
        arguments: &["association_id"],
        owner_of: |_| None,
        keys: eip_association_keys,
        held: |_, _, value| vec![format!("eip-association|{}", text(Some(value)))],
        keep_peers: None,
    },
    // The VPC's main route table association: AWS makes it with the VPC (`main_route_table_id`),
    // `aws_default_route_table` adopts its table, `aws_main_route_table_association` replaces it.
    Part {
        separate: &["aws_main_route_table_association"],
        owners: &["aws_vpc", "aws_default_vpc", "aws_default_route_table"],
        arguments: &["main_route_table_id", "default_route_table_id"],
        owner_of: |a| attribute(a, "vpc_id"),
        keys: |_, association| {
            vec![format!(
                "main-route-table|{}",
                text(association.get("route_table_id"))
            )]
        },
        held: |_, _, table| vec![format!("main-route-table|{}", text(Some(table)))],
        keep_peers: None,
    },
    // A volume attached through an instance's `ebs_block_device`/`root_block_device`, or with
    // `aws_volume_attachment`...
    Part {
        separate: &["aws_volume_attachment"],
        owners: &["aws_instance"],
        arguments: &["ebs_block_device", "root_block_device"],
        owner_of: |a| attribute(a, "instance_id"),
        keys: |_, attachment| {
            vec![attachment_key(
                &text(attachment.get("volume_id")),
                &text(attachment.get("instance_id")),
                &text(attachment.get("device_name")),
            )]
        },
        held: |instance, _, device| {
            vec![attachment_key(
                &text(device.get("volume_id")),
                instance,
                &text(device.get("device_name")),
            )]
        },
        keep_peers: None,
    },
    // ...and the volume itself, created by the block device or as an `aws_ebs_volume`.
    Part {
        separate: &["aws_ebs_volume"],
        owners: &["aws_instance"],
        arguments: &["ebs_block_device", "root_block_device"],
        owner_of: |_| None,
        keys: |_, volume| vec![format!("volume|{}", text(volume.get("id")))],
        held: |_, _, device| vec![format!("volume|{}", text(device.get("volume_id")))],
        keep_peers: None,
    },
];

fn text(value: Option<&Value>) -> String {
    match value.map(Value::unmarked) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// A non-empty attribute's text.
fn attribute(attrs: &Value, key: &str) -> Option<String> {
    Some(text(attrs.get(key))).filter(|s| !s.is_empty())
}

/// The first of `keys` that is set, a CIDR canonical.
fn first_of(attrs: &Value, keys: &[&str]) -> String {
    keys.iter()
        .map(|k| text(attrs.get(k)))
        .find(|v| !v.is_empty())
        .map(|v| peer_cidr(&v))
        .unwrap_or_default()
}

fn protocol(value: Option<&Value>) -> String {
    let raw = text(value);
    protocol_number(&raw).map_or(raw, str::to_owned)
}

fn peer_cidr(s: &str) -> String {
    canonical_cidr(s).unwrap_or_else(|| s.to_owned())
}

/// One permission as AWS stores it: protocol, ports and a single peer (last, so that
/// [`strip`] can tell which peers of a rule remain).
fn permission(
    group: &str,
    egress: bool,
    protocol: &str,
    from: &str,
    to: &str,
    peer: &str,
) -> String {
    format!("sg|{group}|{egress}|{protocol}|{from}|{to}|{peer}")
}

fn route_key(table: &str, destination: &str) -> String {
    format!("route|{table}|{destination}")
}

fn acl_key(acl: &str, egress: bool, rule_number: &str) -> String {
    format!("acl|{acl}|{egress}|{rule_number}")
}

fn attachment_key(volume: &str, instance: &str, device: &str) -> String {
    format!("attachment|{volume}|{instance}|{device}")
}

/// The single-peer permissions of an inline rule object (`ingress`/`egress` element).
fn inline_peers(rule: &Value) -> Vec<String> {
    let mut peers = Vec::new();
    for key in [
        "cidr_blocks",
        "ipv6_cidr_blocks",
        "prefix_list_ids",
        "security_groups",
    ] {
        if let Some(items) = rule.get(key).and_then(Value::as_list) {
            peers.extend(items.iter().filter_map(Value::as_str).map(peer_cidr));
        }
    }
    if rule.get("self").and_then(Value::as_bool) == Some(true) {
        peers.push("self".to_owned());
    }
    peers
}

/// The permissions of a rule resource: one per source of an `aws_security_group_rule`, the one
/// of an `aws_vpc_security_group_*_rule`.
fn rule_keys(resource_type: &str, a: &Value) -> Vec<String> {
    let group = text(a.get("security_group_id"));
    if resource_type == "aws_security_group_rule" {
        let egress = a.get("type").and_then(Value::as_str) == Some("egress");
        let mut peers = inline_peers(a);
        let source = text(a.get("source_security_group_id"));
        if !source.is_empty() {
            peers.push(source);
        }
        let protocol = protocol(a.get("protocol"));
        let (from, to) = (text(a.get("from_port")), text(a.get("to_port")));
        return peers
            .iter()
            .map(|peer| permission(&group, egress, &protocol, &from, &to, peer))
            .collect();
    }
    let peer = first_of(
        a,
        &[
            "cidr_ipv4",
            "cidr_ipv6",
            "prefix_list_id",
            "referenced_security_group_id",
        ],
    );
    let protocol = protocol(a.get("ip_protocol"));
    // EC2 and the provider's inline rules write 0 and 0 for "all protocols".
    let (from, to) = if protocol == "-1" {
        ("0".to_owned(), "0".to_owned())
    } else {
        (text(a.get("from_port")), text(a.get("to_port")))
    };
    let egress = resource_type.ends_with("egress_rule");
    vec![permission(&group, egress, &protocol, &from, &to, &peer)]
}

/// An association by its id, and by what it joins the address to.
fn eip_association_keys(_: &str, a: &Value) -> Vec<String> {
    let allocation = text(a.get("allocation_id"));
    let mut keys = Vec::new();
    if let Some(id) = attribute(a, "id") {
        keys.push(format!("eip-association|{id}"));
    }
    if let Some(instance) = attribute(a, "instance_id") {
        keys.push(format!("eip|{allocation}|instance|{instance}"));
    }
    if let Some(interface) = attribute(a, "network_interface_id") {
        keys.push(format!("eip|{allocation}|eni|{interface}"));
    }
    keys
}

/// An argument of an owner that a separate resource makes meaningless whole, rather than
/// element by element: an instance's `volume_tags` mirror the tags of volumes that
/// `aws_volume_attachment` resources attach, whose own resources own those tags.
#[derive(Debug)]
pub struct Aside {
    /// The separate resource type.
    pub separate: &'static str,
    /// Its attribute that names the owner's id.
    pub owner_attribute: &'static str,
    /// The owner type.
    pub owner: &'static str,
    /// The owner's argument set aside.
    pub argument: &'static str,
}

/// Every argument set aside whole.
pub const ASIDES: &[Aside] = &[Aside {
    separate: "aws_volume_attachment",
    owner_attribute: "instance_id",
    owner: "aws_instance",
    argument: "volume_tags",
}];

/// A rule element with only `remaining` of its peers.
fn keep_peers(rule: &Value, remaining: &[&str]) -> Value {
    let mut rule = rule.clone();
    if let Some(map) = rule.as_map_mut() {
        for key in [
            "cidr_blocks",
            "ipv6_cidr_blocks",
            "prefix_list_ids",
            "security_groups",
        ] {
            if let Some(Value::List(list)) = map.get_mut(key) {
                list.retain(|v| {
                    v.as_str()
                        .is_some_and(|s| remaining.contains(&peer_cidr(s).as_str()))
                });
            }
        }
        if !remaining.contains(&"self") && map.contains_key("self") {
            map.insert("self", Value::Bool(false));
        }
    }
    rule
}
