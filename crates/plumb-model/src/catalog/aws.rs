//! The AWS provider's types: one descriptor each, sorted by name (a test holds the order).
//! A type with nothing but defaults is listed too when plumb reads it, so that this table is
//! also the list of types plumb knows (see CONTRIBUTING.md, "Add a resource type").

use super::identity::{shared, synthetic};
use super::import::Import;
use super::values::scalar;
use super::{Split, TypeInfo};
use crate::Value;

/// A type whose objects are another type's (`aws_default_*`): matched under the base type.
const fn default_of(name: &'static str, base: &'static str) -> TypeInfo {
    TypeInfo {
        base: Some(base),
        ..TypeInfo::new(name)
    }
}

/// Every described type, sorted by name.
pub const TYPES: &[TypeInfo] = &[
    TypeInfo::new("aws_ami"),
    default_of("aws_default_network_acl", "aws_network_acl"),
    default_of("aws_default_route_table", "aws_route_table"),
    default_of("aws_default_security_group", "aws_security_group"),
    default_of("aws_default_subnet", "aws_subnet"),
    default_of("aws_default_vpc", "aws_vpc"),
    default_of("aws_default_vpc_dhcp_options", "aws_vpc_dhcp_options"),
    // One per region, with an id the provider makes up (`terraform-2023…`): the type is the
    // identity; the provider's docs import it as `default`.
    TypeInfo {
        identity: Some(synthetic(&[])),
        import: Import::Fixed("default"),
        ..TypeInfo::new("aws_ebs_encryption_by_default")
    },
    TypeInfo::new("aws_ebs_snapshot"),
    TypeInfo::new("aws_ebs_volume"),
    TypeInfo::new("aws_egress_only_internet_gateway"),
    TypeInfo::new("aws_eip"),
    TypeInfo::new("aws_eip_association"),
    TypeInfo::new("aws_flow_log"),
    // The id is the membership's `name`.
    TypeInfo {
        identity: Some(shared(&["group", "users"])),
        ..TypeInfo::new("aws_iam_group_membership")
    },
    // The id is the resource's `name`, which nothing makes unique; the policy is what it
    // attaches.
    TypeInfo {
        identity: Some(shared(&["policy_arn", "roles", "users", "groups"])),
        ..TypeInfo::new("aws_iam_policy_attachment")
    },
    TypeInfo::new("aws_instance"),
    TypeInfo::new("aws_internet_gateway"),
    TypeInfo::new("aws_key_pair"),
    // The id is the `statement_id`, often the same on every function
    // (`AllowExecutionFromAPIGateway`).
    TypeInfo {
        identity: Some(shared(&[
            "function_name",
            "qualifier",
            "principal",
            "source_arn",
        ])),
        ..TypeInfo::new("aws_lambda_permission")
    },
    TypeInfo::new("aws_launch_template"),
    // The provider's docs have no Import section and the resource no importer.
    TypeInfo {
        import: Import::NotImportable,
        ..TypeInfo::new("aws_main_route_table_association")
    },
    TypeInfo::new("aws_nat_gateway"),
    TypeInfo::new("aws_network_acl"),
    TypeInfo {
        identity: Some(synthetic(&["network_acl_id", "rule_number", "egress"])),
        import: Import::Built {
            format: "NETWORK_ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS",
            build: |live| {
                let get = |key| scalar(live, key);
                Some(format!(
                    "{}:{}:{}:{}",
                    get("network_acl_id")?,
                    get("rule_number")?,
                    get("protocol")?,
                    get("egress")?
                ))
            },
        },
        ..TypeInfo::new("aws_network_acl_rule")
    },
    TypeInfo::new("aws_network_interface"),
    TypeInfo::new("aws_placement_group"),
    TypeInfo {
        identity: Some(synthetic(&[
            "route_table_id",
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
        ])),
        import: Import::Built {
            format: "ROUTETABLEID_DESTINATION",
            build: |live| {
                let destination = [
                    "destination_cidr_block",
                    "destination_ipv6_cidr_block",
                    "destination_prefix_list_id",
                ]
                .into_iter()
                .find_map(|key| scalar(live, key))?;
                Some(format!("{}_{destination}", scalar(live, "route_table_id")?))
            },
        },
        ..TypeInfo::new("aws_route")
    },
    TypeInfo::new("aws_route_table"),
    TypeInfo {
        import: Import::Built {
            format: "SUBNET_ID/ROUTE_TABLE_ID or GATEWAY_ID/ROUTE_TABLE_ID",
            build: |live| {
                let target = scalar(live, "subnet_id").or_else(|| scalar(live, "gateway_id"))?;
                Some(format!("{target}/{}", scalar(live, "route_table_id")?))
            },
        },
        ..TypeInfo::new("aws_route_table_association")
    },
    TypeInfo::new("aws_security_group"),
    TypeInfo {
        identity: Some(synthetic(&[
            "security_group_id",
            "type",
            "protocol",
            "from_port",
            "to_port",
            "cidr_blocks",
            "ipv6_cidr_blocks",
            "prefix_list_ids",
            "source_security_group_id",
            "self",
        ])),
        import: Import::Built {
            format: "SECURITYGROUPID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*",
            build: security_group_rule_import_id,
        },
        split: Some(Split {
            lists: &["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"],
            single: &["source_security_group_id"],
            flag: Some("self"),
        }),
        ..TypeInfo::new("aws_security_group_rule")
    },
    TypeInfo::new("aws_subnet"),
    TypeInfo {
        identity: Some(synthetic(&["volume_id", "instance_id", "device_name"])),
        import: Import::Built {
            format: "DEVICE_NAME:VOLUME_ID:INSTANCE_ID",
            build: |live| {
                let get = |key| scalar(live, key);
                Some(format!(
                    "{}:{}:{}",
                    get("device_name")?,
                    get("volume_id")?,
                    get("instance_id")?
                ))
            },
        },
        ..TypeInfo::new("aws_volume_attachment")
    },
    TypeInfo::new("aws_vpc"),
    TypeInfo::new("aws_vpc_dhcp_options"),
    // The id is the DHCP options' id, shared by every VPC associated with them.
    TypeInfo {
        identity: Some(shared(&["vpc_id"])),
        ..TypeInfo::new("aws_vpc_dhcp_options_association")
    },
    TypeInfo::new("aws_vpc_endpoint"),
    // `aws_vpc_peering_connection_options` may manage the `accepter` and `requester` blocks
    // instead (its id is the connection's). Not a part yet: setting the blocks aside
    // (`parts::ASIDES`) would hide their drift while nothing compares the options resource, and
    // comparing it as a view of the connection (a base type) would report every other
    // attribute of the connection as one-sided. The blocks are compared on the connection.
    TypeInfo::new("aws_vpc_peering_connection"),
    // The accepter's side of a peering connection: the same live object (its id is the
    // connection's id, and the provider reads it with the connection's own Read), adopted by
    // the account or region that accepts. Reported and matched as the connection, as an
    // `aws_default_vpc` is as its VPC; imported by the connection's id.
    TypeInfo {
        base: Some("aws_vpc_peering_connection"),
        ..TypeInfo::new("aws_vpc_peering_connection_accepter")
    },
    TypeInfo::new("aws_vpc_security_group_egress_rule"),
    TypeInfo::new("aws_vpc_security_group_ingress_rule"),
];

/// `SECURITYGROUPID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*` (the provider's import
/// function sorts sources by their shape, so any order reads back the same).
fn security_group_rule_import_id(live: &Value) -> Option<String> {
    let mut sources: Vec<String> = ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"]
        .iter()
        .flat_map(|key| {
            live.get(key)
                .and_then(Value::as_list)
                .unwrap_or_default()
                .iter()
                .filter_map(|v| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned))
        })
        .collect();
    sources.extend(scalar(live, "source_security_group_id"));
    if live.get("self").and_then(Value::as_bool) == Some(true) {
        sources.push("self".to_owned());
    }
    if sources.is_empty() {
        return None;
    }
    let get = |key| scalar(live, key);
    Some(format!(
        "{}_{}_{}_{}_{}_{}",
        get("security_group_id")?,
        get("type")?,
        get("protocol")?,
        get("from_port")?,
        get("to_port")?,
        sources.join("_")
    ))
}
