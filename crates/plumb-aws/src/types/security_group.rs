//! `aws_security_group` from `DescribeSecurityGroups`, and the one-rule-per-resource types
//! `aws_vpc_security_group_ingress_rule` / `_egress_rule` from `DescribeSecurityGroupRules`.
//!
//! The group's inline `ingress` / `egress` sets are flattened as the provider flattens
//! `IpPermissions`: one rule object per permission and description, holding the permission's
//! CIDRs, IPv6 CIDRs, prefix lists and groups that share that description.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{IpPermission, SecurityGroup, SecurityGroupRule, UserIdGroupPair};
use plumb_model::Value;

use super::{AwsType, Read};
use crate::attrs::{Attrs, Observed, managed_by};
use crate::ops;
use crate::region::RegionReader;

pub(super) const TYPES: &[AwsType] = &[
    AwsType::listed("aws_security_group", ops::DESCRIBE_SECURITY_GROUPS),
    AwsType::listed(
        "aws_security_group_rule",
        ops::DESCRIBE_SECURITY_GROUP_RULES,
    ),
    AwsType::listed(
        "aws_vpc_security_group_ingress_rule",
        ops::DESCRIBE_SECURITY_GROUP_RULES,
    ),
    AwsType::listed(
        "aws_vpc_security_group_egress_rule",
        ops::DESCRIBE_SECURITY_GROUP_RULES,
    ),
];

pub(super) async fn read(reader: &RegionReader, resource_type: &str) -> Read {
    if resource_type == "aws_security_group" {
        let groups = reader.security_groups().await?;
        return Ok(groups.iter().map(|g| group(reader, g)).collect());
    }
    let rules = reader.security_group_rules().await?;
    if resource_type == "aws_security_group_rule" {
        return Ok(rules.iter().map(|r| legacy_rule(reader, r)).collect());
    }
    let egress = resource_type == "aws_vpc_security_group_egress_rule";
    Ok(rules
        .iter()
        .filter(|r| r.is_egress() == Some(egress))
        .map(|r| rule(reader, r))
        .collect())
}

fn group(reader: &RegionReader, group: &SecurityGroup) -> Observed {
    let id = group.group_id().unwrap_or_default();
    let owner = group.owner_id().unwrap_or_default();
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&reader.arn_in(owner, "security-group", id)))
        .str("description", group.description())
        .set(
            "egress",
            permissions(group.ip_permissions_egress(), id, owner),
        )
        .set("ingress", permissions(group.ip_permissions(), id, owner))
        .str("name", group.group_name())
        .str("owner_id", group.owner_id())
        .tags(group.tags())
        .str("vpc_id", group.vpc_id());
    Observed::new(id, attributes)
        // Configuration only: the provider keeps what was written.
        .unread(&["name_prefix", "revoke_rules_on_delete"])
        .default_object(group.group_name() == Some("default"))
        .managed_by(managed_by(group.tags()))
}

/// A peer group as the provider writes it: its id, prefixed with its account when that is not
/// the group's own.
fn peer(pair: &UserIdGroupPair, own_owner: &str) -> String {
    peer_id(pair.group_id(), pair.user_id(), Some(own_owner))
}

/// A peer group as the provider writes it: `OWNER/GROUP` when another account owns it, else
/// the group id alone.
fn peer_id(group: Option<&str>, user: Option<&str>, own_owner: Option<&str>) -> String {
    let group = group.unwrap_or_default();
    match user {
        Some(user) if !user.is_empty() && Some(user) != own_owner => format!("{user}/{group}"),
        _ => group.to_owned(),
    }
}

fn permissions(permissions: &[IpPermission], own_id: &str, own_owner: &str) -> Value {
    #[derive(Default)]
    struct Peers<'a> {
        cidr: Vec<&'a str>,
        ipv6: Vec<&'a str>,
        prefix_lists: Vec<&'a str>,
        groups: Vec<String>,
        is_self: bool,
    }
    let mut rules = Vec::new();
    for permission in permissions {
        let mut by_description: BTreeMap<&str, Peers> = BTreeMap::new();
        for range in permission.ip_ranges() {
            let entry = by_description
                .entry(range.description().unwrap_or_default())
                .or_default();
            entry.cidr.extend(range.cidr_ip());
        }
        for range in permission.ipv6_ranges() {
            let entry = by_description
                .entry(range.description().unwrap_or_default())
                .or_default();
            entry.ipv6.extend(range.cidr_ipv6());
        }
        for list in permission.prefix_list_ids() {
            let entry = by_description
                .entry(list.description().unwrap_or_default())
                .or_default();
            entry.prefix_lists.extend(list.prefix_list_id());
        }
        for pair in permission.user_id_group_pairs() {
            let entry = by_description
                .entry(pair.description().unwrap_or_default())
                .or_default();
            if pair.group_id() == Some(own_id) {
                entry.is_self = true;
            } else {
                entry.groups.push(peer(pair, own_owner));
            }
        }
        let protocol = permission.ip_protocol().unwrap_or_default();
        // EC2 leaves the ports out for "all protocols"; the provider writes 0.
        let (from, to) = if protocol == "-1" {
            (None, None)
        } else {
            (permission.from_port(), permission.to_port())
        };
        for (description, peers) in by_description {
            rules.push(
                Attrs::new()
                    .strings("cidr_blocks", peers.cidr)
                    .str("description", Some(description))
                    .int("from_port", from)
                    .strings("ipv6_cidr_blocks", peers.ipv6)
                    .strings("prefix_list_ids", peers.prefix_lists)
                    .str("protocol", Some(protocol))
                    .strings("security_groups", peers.groups.iter().map(String::as_str))
                    .bool("self", Some(peers.is_self))
                    .int("to_port", to)
                    .build(),
            );
        }
    }
    Value::List(rules)
}

fn rule(reader: &RegionReader, rule: &SecurityGroupRule) -> Observed {
    let id = rule.security_group_rule_id().unwrap_or_default();
    let protocol = rule.ip_protocol().unwrap_or_default();
    // The provider's rule resources leave the ports null for "all protocols" (-1 from EC2).
    let port = |p: Option<i32>| match p {
        Some(p) if protocol != "-1" => Value::int(i64::from(p)),
        _ => Value::Null,
    };
    let referenced = rule
        .referenced_group_info()
        .map(|info| peer_id(info.group_id(), info.user_id(), rule.group_owner_id()));
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str(
            "arn",
            Some(&reader.arn_in(
                rule.group_owner_id().unwrap_or(&reader.account),
                "security-group-rule",
                id,
            )),
        )
        .opt_str("cidr_ipv4", rule.cidr_ipv4())
        .opt_str("cidr_ipv6", rule.cidr_ipv6())
        .opt_str("description", rule.description())
        .set("from_port", port(rule.from_port()))
        .str("ip_protocol", Some(protocol))
        .opt_str("prefix_list_id", rule.prefix_list_id())
        .opt_str("referenced_security_group_id", referenced.as_deref())
        .str("security_group_id", rule.group_id())
        .str("security_group_rule_id", Some(id))
        .tags(rule.tags())
        .set("to_port", port(rule.to_port()));
    // Every rule of a group is listed here, inline ones too: a rule is the group's (compared
    // in its `ingress`/`egress`) rather than an unmanaged resource of its own.
    let owner = rule
        .group_id()
        .map(|group| format!("aws_security_group:{group}"));
    Observed::new(id, attributes).owner(owner)
}

/// One EC2 rule as an `aws_security_group_rule` with that one source. A rule resource with
/// several CIDRs is several of these; the engine assembles them
/// (`plumb_drift::matching::split_source_keys`). The provider's id (`sgrule-` and a hash of the
/// whole resource) cannot be rebuilt from one source, so the observation is named by EC2's id.
fn legacy_rule(reader: &RegionReader, rule: &SecurityGroupRule) -> Observed {
    let id = rule.security_group_rule_id().unwrap_or_default();
    let protocol = rule.ip_protocol().unwrap_or_default();
    // The provider expands "all traffic" with ports 0 and 0, where EC2 says -1.
    let (from, to) = if protocol == "-1" {
        (Some(0), Some(0))
    } else {
        (rule.from_port(), rule.to_port())
    };
    let group = rule.group_id().unwrap_or_default();
    let referenced = rule
        .referenced_group_info()
        .and_then(|info| info.group_id());
    let is_self = referenced == Some(group);
    let peer = rule
        .referenced_group_info()
        .filter(|_| !is_self)
        .map(|info| peer_id(info.group_id(), info.user_id(), rule.group_owner_id()));
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .strings("cidr_blocks", rule.cidr_ipv4())
        .str("description", rule.description())
        .int("from_port", from)
        .strings("ipv6_cidr_blocks", rule.cidr_ipv6())
        .strings("prefix_list_ids", rule.prefix_list_id())
        .str("protocol", Some(protocol))
        .str("security_group_id", Some(group))
        .str("security_group_rule_id", Some(id))
        .bool("self", Some(is_self))
        .opt_str("source_security_group_id", peer.as_deref())
        .int("to_port", to)
        .str(
            "type",
            Some(if rule.is_egress() == Some(true) {
                "egress"
            } else {
                "ingress"
            }),
        );
    Observed::new(id, attributes).owner(Some(format!("aws_security_group:{group}")))
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{IpRange, ReferencedSecurityGroup};

    use crate::attrs::strings;

    use super::*;

    #[test]
    fn inline_rules_split_by_description_as_the_provider_flattens_them() {
        let reader = crate::region::tests::reader();
        let g = SecurityGroup::builder()
            .group_id("sg-1")
            .group_name("web")
            .owner_id("123456789012")
            .vpc_id("vpc-1")
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(443)
                    .to_port(443)
                    .ip_ranges(
                        IpRange::builder()
                            .cidr_ip("10.0.0.0/8")
                            .description("office")
                            .build(),
                    )
                    .ip_ranges(
                        IpRange::builder()
                            .cidr_ip("10.1.0.0/16")
                            .description("office")
                            .build(),
                    )
                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .user_id_group_pairs(UserIdGroupPair::builder().group_id("sg-1").build())
                    .user_id_group_pairs(
                        UserIdGroupPair::builder()
                            .group_id("sg-9")
                            .user_id("999999999999")
                            .build(),
                    )
                    .build(),
            )
            .ip_permissions_egress(
                IpPermission::builder()
                    .ip_protocol("-1")
                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .build();
        let observed = group(&reader, &g);
        super::super::assert_covers_schema("aws_security_group", &observed);
        let ingress = observed
            .attributes
            .get("ingress")
            .unwrap()
            .as_list()
            .unwrap();
        assert_eq!(ingress.len(), 2, "one rule per description");
        let unnamed = ingress
            .iter()
            .find(|r| r.get("description") == Some(&Value::string("")))
            .unwrap();
        assert_eq!(unnamed.get("cidr_blocks"), Some(&strings(["0.0.0.0/0"])));
        assert_eq!(unnamed.get("self"), Some(&Value::Bool(true)));
        assert_eq!(
            unnamed.get("security_groups"),
            Some(&strings(["999999999999/sg-9"]))
        );
        let office = ingress
            .iter()
            .find(|r| r.get("description") == Some(&Value::string("office")))
            .unwrap();
        assert_eq!(
            office.get("cidr_blocks"),
            Some(&strings(["10.0.0.0/8", "10.1.0.0/16"]))
        );
        let egress = &observed
            .attributes
            .get("egress")
            .unwrap()
            .as_list()
            .unwrap()[0];
        assert_eq!(egress.get("from_port"), Some(&Value::int(0)));
        assert_eq!(egress.get("protocol"), Some(&Value::string("-1")));
    }

    #[test]
    fn a_rule_resource_reads_as_the_provider_writes_it() {
        let reader = crate::region::tests::reader();
        let r = SecurityGroupRule::builder()
            .security_group_rule_id("sgr-1")
            .group_id("sg-1")
            .group_owner_id("123456789012")
            .is_egress(false)
            .ip_protocol("-1")
            .from_port(-1)
            .to_port(-1)
            .referenced_group_info(
                ReferencedSecurityGroup::builder()
                    .group_id("sg-2")
                    .user_id("123456789012")
                    .build(),
            )
            .build();
        let observed = rule(&reader, &r);
        super::super::assert_covers_schema("aws_vpc_security_group_ingress_rule", &observed);
        let legacy = legacy_rule(&reader, &r);
        super::super::assert_covers_schema("aws_security_group_rule", &legacy);
        assert_eq!(legacy.attributes.get("from_port"), Some(&Value::int(0)));
        assert_eq!(
            legacy.attributes.get("type"),
            Some(&Value::string("ingress"))
        );
        assert_eq!(
            legacy.attributes.get("source_security_group_id"),
            Some(&Value::string("sg-2"))
        );
        assert_eq!(legacy.attributes.get("self"), Some(&Value::Bool(false)));
        let a = &observed.attributes;
        assert_eq!(a.get("from_port"), Some(&Value::Null));
        assert_eq!(
            a.get("referenced_security_group_id"),
            Some(&Value::string("sg-2"))
        );
        assert_eq!(a.get("cidr_ipv4"), Some(&Value::Null));
    }
}
