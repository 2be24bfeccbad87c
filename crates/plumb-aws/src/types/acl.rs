//! `aws_network_acl` and `aws_network_acl_rule`, both from the region's one
//! `DescribeNetworkAcls` listing, as the provider's Reads write them.
//!
//! Every ACL ends in AWS's own "deny all" entries (rule 32767, and 32768 for IPv6), which can
//! be neither changed nor removed: the provider leaves them out of `ingress`/`egress`, and they
//! are never `aws_network_acl_rule`s.

use aws_sdk_ec2::types::{IcmpTypeCode, NetworkAcl, NetworkAclEntry, PortRange};
use plumb_model::Value;

use super::{AwsType, Read};
use crate::attrs::{Attrs, Observed, enum_str, managed_by, string_hashcode};
use crate::ops;
use crate::region::RegionReader;

pub(super) const TYPES: &[AwsType] = &[
    AwsType::listed("aws_network_acl", ops::DESCRIBE_NETWORK_ACLS),
    AwsType::listed("aws_network_acl_rule", ops::DESCRIBE_NETWORK_ACLS),
];

/// The provider's `defaultACLRuleNumberIPv4` and `defaultACLRuleNumberIPv6`.
const DEFAULT_RULE_NUMBERS: [i32; 2] = [32767, 32768];

pub(super) async fn read(reader: &RegionReader, resource_type: &str) -> Read {
    let acls = reader.network_acls().await?;
    match resource_type {
        "aws_network_acl" => Ok(acls.iter().filter_map(|a| network_acl(reader, a)).collect()),
        "aws_network_acl_rule" => Ok(acls.iter().flat_map(|a| rules(reader, a)).collect()),
        other => Err(format!("{other} is not a network ACL type")),
    }
}

fn is_default_entry(entry: &NetworkAclEntry) -> bool {
    entry
        .rule_number()
        .is_some_and(|n| DEFAULT_RULE_NUMBERS.contains(&n))
}

/// The protocol as the provider records it: its number, as text (`"6"`, `"-1"`). EC2 answers
/// with numbers already; anything else is kept as it came.
fn protocol(entry: &NetworkAclEntry) -> Option<String> {
    let raw = entry.protocol().filter(|p| !p.is_empty())?;
    Some(
        raw.trim()
            .parse::<i32>()
            .map_or_else(|_| raw.to_owned(), |n| n.to_string()),
    )
}

/// One `ingress`/`egress` element, as `flattenNetworkACLEntry` writes it (a set element: every
/// field present, `0` and `""` where EC2 leaves one out).
fn entry_element(entry: &NetworkAclEntry) -> Attrs {
    let ports = entry.port_range();
    let icmp = entry.icmp_type_code();
    Attrs::new()
        .str("action", enum_str(entry.rule_action()))
        .str("cidr_block", entry.cidr_block())
        .int("from_port", ports.and_then(PortRange::from))
        .int("icmp_code", icmp.and_then(IcmpTypeCode::code))
        .int("icmp_type", icmp.and_then(IcmpTypeCode::r#type))
        .str("ipv6_cidr_block", entry.ipv6_cidr_block())
        .str("protocol", protocol(entry).as_deref())
        .int("rule_no", entry.rule_number())
        .int("to_port", ports.and_then(PortRange::to))
}

fn network_acl(reader: &RegionReader, acl: &NetworkAcl) -> Option<Observed> {
    let id = acl.network_acl_id()?;
    let entries = || acl.entries().iter().filter(|e| !is_default_entry(e));
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&reader.arn("network-acl", id)))
        .blocks(
            "egress",
            entries()
                .filter(|e| e.egress() == Some(true))
                .map(entry_element),
        )
        .blocks(
            "ingress",
            entries()
                .filter(|e| e.egress() != Some(true))
                .map(entry_element),
        )
        .str("owner_id", acl.owner_id())
        .strings(
            "subnet_ids",
            acl.associations().iter().filter_map(|a| a.subnet_id()),
        )
        .tags(acl.tags())
        .str("vpc_id", acl.vpc_id());
    Some(
        Observed::new(id, attributes)
            .default_object(acl.is_default() == Some(true))
            .managed_by(managed_by(acl.tags())),
    )
}

/// The provider's `networkACLRuleCreateResourceID`: `nacl-` + the CRC-32 (IEEE) of
/// `{acl}-{rule number}-{egress}-{protocol}-`, with the protocol as configured. Reproduced
/// with the protocol's number, which is what EC2 returns; the engine matches rules on
/// (`network_acl_id`, `rule_number`, `egress`) whichever form the state used.
fn rule_id(acl_id: &str, rule_number: i32, egress: bool, protocol: &str) -> String {
    let key = format!("{acl_id}-{rule_number}-{egress}-{protocol}-");
    format!("nacl-{}", string_hashcode(&key))
}

/// The ACL's entries other than AWS's defaults, one `aws_network_acl_rule` each. Each goes
/// with its ACL, whose `ingress`/`egress` shows it too.
fn rules<'a>(reader: &'a RegionReader, acl: &'a NetworkAcl) -> impl Iterator<Item = Observed> + 'a {
    let acl_id = acl.network_acl_id().unwrap_or_default();
    acl.entries()
        .iter()
        .filter(move |_| !acl_id.is_empty())
        .filter(|e| !is_default_entry(e))
        .filter_map(move |entry| {
            let rule_number = entry.rule_number()?;
            let egress = entry.egress() == Some(true);
            let protocol = protocol(entry);
            let id = rule_id(
                acl_id,
                rule_number,
                egress,
                protocol.as_deref().unwrap_or_default(),
            );
            let mut unread = Vec::new();
            let mut attributes = Attrs::new()
                .str("region", Some(&reader.region))
                .str("network_acl_id", Some(acl_id))
                .int("rule_number", Some(rule_number))
                .bool("egress", Some(egress))
                .str("rule_action", enum_str(entry.rule_action()))
                .set("protocol", protocol.map_or(Value::Null, Value::string))
                .str("cidr_block", entry.cidr_block())
                .str("ipv6_cidr_block", entry.ipv6_cidr_block());
            // The provider's Read sets ports and ICMP fields only when EC2 returns them (not
            // for protocol -1, nor ICMP fields for TCP/UDP): otherwise the state keeps what the
            // configuration said, which the listing cannot tell.
            match entry.port_range() {
                Some(ports) => {
                    attributes = attributes
                        .int("from_port", ports.from())
                        .int("to_port", ports.to());
                }
                None => unread.extend(["from_port", "to_port"]),
            }
            match entry.icmp_type_code() {
                Some(icmp) => {
                    attributes = attributes
                        .int("icmp_code", icmp.code())
                        .int("icmp_type", icmp.r#type());
                }
                None => unread.extend(["icmp_code", "icmp_type"]),
            }
            Some(
                Observed::new(id, attributes)
                    .unread(&unread)
                    .owner(Some(format!("aws_network_acl:{acl_id}"))),
            )
        })
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{NetworkAclAssociation, RuleAction, Tag};

    use super::*;
    use crate::attrs::strings;

    fn reader() -> RegionReader {
        crate::region::tests::reader()
    }

    fn entry(
        rule: i32,
        egress: bool,
        protocol: &str,
        action: RuleAction,
    ) -> aws_sdk_ec2::types::builders::NetworkAclEntryBuilder {
        NetworkAclEntry::builder()
            .rule_number(rule)
            .egress(egress)
            .protocol(protocol)
            .rule_action(action)
    }

    fn acl() -> NetworkAcl {
        NetworkAcl::builder()
            .network_acl_id("acl-0ad6d657494d17ee2")
            .vpc_id("vpc-1")
            .owner_id("123456789012")
            .is_default(false)
            .entries(
                entry(100, true, "17", RuleAction::Allow)
                    .cidr_block("172.31.0.0/16")
                    .port_range(PortRange::builder().from(80).to(80).build())
                    .build(),
            )
            .entries(
                entry(200, false, "6", RuleAction::Allow)
                    .ipv6_cidr_block("::/0")
                    .port_range(PortRange::builder().from(80).to(80).build())
                    .build(),
            )
            .entries(
                entry(300, false, "1", RuleAction::Deny)
                    .cidr_block("0.0.0.0/0")
                    .icmp_type_code(IcmpTypeCode::builder().code(-1).r#type(8).build())
                    .build(),
            )
            .entries(
                entry(32767, false, "-1", RuleAction::Deny)
                    .cidr_block("0.0.0.0/0")
                    .build(),
            )
            .entries(
                entry(32767, true, "-1", RuleAction::Deny)
                    .cidr_block("0.0.0.0/0")
                    .build(),
            )
            .entries(
                entry(32768, true, "-1", RuleAction::Deny)
                    .ipv6_cidr_block("::/0")
                    .build(),
            )
            .associations(
                NetworkAclAssociation::builder()
                    .subnet_id("subnet-1")
                    .build(),
            )
            .tags(Tag::builder().key("Name").value("test").build())
            .build()
    }

    #[test]
    fn a_network_acl_reads_as_the_provider_writes_it() {
        let observed = network_acl(&reader(), &acl()).unwrap();
        super::super::assert_covers_schema("aws_network_acl", &observed);
        let a = &observed.attributes;
        assert_eq!(
            a.get("arn"),
            Some(&Value::string(
                "arn:aws:ec2:eu-west-1:123456789012:network-acl/acl-0ad6d657494d17ee2"
            ))
        );
        assert_eq!(a.get("subnet_ids"), Some(&strings(["subnet-1"])));
        let egress = a.get("egress").unwrap().as_list().unwrap();
        assert_eq!(egress.len(), 1, "the default deny entries are left out");
        let rule = &egress[0];
        assert_eq!(rule.get("action"), Some(&Value::string("allow")));
        assert_eq!(rule.get("protocol"), Some(&Value::string("17")));
        assert_eq!(rule.get("rule_no"), Some(&Value::int(100)));
        assert_eq!(rule.get("from_port"), Some(&Value::int(80)));
        assert_eq!(rule.get("icmp_code"), Some(&Value::int(0)));
        assert_eq!(rule.get("ipv6_cidr_block"), Some(&Value::string("")));
        let ingress = a.get("ingress").unwrap().as_list().unwrap();
        assert_eq!(ingress.len(), 2);
        assert_eq!(ingress[1].get("icmp_type"), Some(&Value::int(8)));
        assert_eq!(ingress[1].get("from_port"), Some(&Value::int(0)));
        assert!(!observed.meta.contains_key("default"));
    }

    #[test]
    fn the_default_acl_is_the_vpcs_own() {
        let acl = NetworkAcl::builder()
            .network_acl_id("acl-d")
            .is_default(true)
            .build();
        let observed = network_acl(&reader(), &acl).unwrap();
        assert_eq!(
            observed.meta.get("default").map(String::as_str),
            Some("true")
        );
        assert_eq!(
            observed.attributes.get("ingress"),
            Some(&Value::List(vec![]))
        );
    }

    #[test]
    fn rules_are_every_entry_but_the_defaults() {
        let reader = reader();
        let acl = acl();
        let observed: Vec<Observed> = rules(&reader, &acl).collect();
        assert_eq!(observed.len(), 3);
        for o in &observed {
            super::super::assert_covers_schema("aws_network_acl_rule", o);
        }
        // The provider's id, as a real state holds it (protocol given as a number).
        assert_eq!(observed[0].id, "nacl-246660311");
        let udp = &observed[0].attributes;
        assert_eq!(
            udp.get("network_acl_id"),
            Some(&Value::string("acl-0ad6d657494d17ee2"))
        );
        assert_eq!(udp.get("rule_number"), Some(&Value::int(100)));
        assert_eq!(udp.get("egress"), Some(&Value::Bool(true)));
        assert_eq!(udp.get("protocol"), Some(&Value::string("17")));
        assert_eq!(udp.get("rule_action"), Some(&Value::string("allow")));
        assert_eq!(udp.get("to_port"), Some(&Value::int(80)));
        // EC2 returns no ICMP fields for UDP: the provider leaves the state's value as it was.
        assert!(
            observed[0]
                .unread
                .iter()
                .any(|p| p.to_string() == "icmp_type")
        );
        assert!(!udp.as_map().unwrap().contains_key("icmp_type"));
        let icmp = &observed[2];
        assert_eq!(icmp.attributes.get("icmp_code"), Some(&Value::int(-1)));
        assert!(icmp.unread.iter().any(|p| p.to_string() == "from_port"));
        assert_eq!(
            icmp.meta.get("owner").map(String::as_str),
            Some("aws_network_acl:acl-0ad6d657494d17ee2")
        );
    }
}
