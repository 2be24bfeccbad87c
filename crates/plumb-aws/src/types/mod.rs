//! One module per family of types, each mapping EC2's answers into exactly the attributes the
//! Terraform AWS provider's Read writes (names, nesting, empty values), so that observations
//! compare with state directly.
//!
//! Every module has the same two items: `TYPES`, the Terraform types it serves, and `read`,
//! which builds a type's observations from the region's (shared) listings.

mod acl;
mod addressing;
mod ebs;
mod images;
mod instance;
mod routing;
mod security_group;
mod vpc;

use std::collections::BTreeSet;

use plumb_model::Observation;

use crate::attrs::Observed;
use crate::region::RegionReader;

type Read = Result<Vec<Observed>, String>;

/// Every type the adapter reads, in the order `plumb adapters` lists them.
pub const SUPPORTED_TYPES: &[&str] = &[
    "aws_ami",
    "aws_ebs_encryption_by_default",
    "aws_ebs_snapshot",
    "aws_ebs_volume",
    "aws_egress_only_internet_gateway",
    "aws_eip",
    "aws_eip_association",
    "aws_flow_log",
    "aws_instance",
    "aws_internet_gateway",
    "aws_key_pair",
    "aws_launch_template",
    "aws_main_route_table_association",
    "aws_nat_gateway",
    "aws_network_acl",
    "aws_network_acl_rule",
    "aws_network_interface",
    "aws_placement_group",
    "aws_route",
    "aws_route_table",
    "aws_route_table_association",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_subnet",
    "aws_volume_attachment",
    "aws_vpc",
    "aws_vpc_dhcp_options",
    "aws_vpc_endpoint",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
];

/// Reads one type in one region. `wanted` narrows the answer to those ids (managed-only
/// scans); the listing itself is the same call either way.
pub(crate) async fn read(
    reader: &RegionReader,
    resource_type: &str,
    wanted: Option<&BTreeSet<String>>,
) -> Result<Vec<Observation>, String> {
    if wanted.is_some_and(BTreeSet::is_empty) {
        // A managed-only read of a type the state does not hold: nothing to ask for.
        return Ok(Vec::new());
    }
    let observed = if instance::TYPES.contains(&resource_type) {
        instance::read(reader, resource_type).await
    } else if ebs::TYPES.contains(&resource_type) {
        ebs::read(reader, resource_type).await
    } else if vpc::TYPES.contains(&resource_type) {
        vpc::read(reader, resource_type).await
    } else if security_group::TYPES.contains(&resource_type) {
        security_group::read(reader, resource_type).await
    } else if routing::TYPES.contains(&resource_type) {
        routing::read(reader, resource_type).await
    } else if acl::TYPES.contains(&resource_type) {
        acl::read(reader, resource_type).await
    } else if addressing::TYPES.contains(&resource_type) {
        addressing::read(reader, resource_type).await
    } else if images::TYPES.contains(&resource_type) {
        images::read(reader, resource_type).await
    } else {
        return Err(format!("{resource_type} is not read by the AWS adapter"));
    }?;
    Ok(observed
        .into_iter()
        .filter(|o| wanted.is_none_or(|ids| ids.contains(&o.id)))
        .map(|o| o.into_observation(&reader.region, resource_type))
        .collect())
}

/// Whether a state object holds a value of a per-resource attribute other than the one AWS
/// gives a new resource: then its one-resource-per-call read is worth paying for, because
/// drift there (termination protection turned off, user data replaced) is what matters.
pub fn wants_per_resource_read(resource_type: &str, state: &plumb_model::Value) -> bool {
    use plumb_model::Value;
    let set = |key: &str| state.get(key).map(Value::unmarked);
    let differs = |key: &str, default: &Value| {
        set(key).is_some_and(|v| !v.is_null() && !v.is_empty_like() && v != default)
    };
    match resource_type {
        "aws_instance" => {
            differs("user_data", &Value::Null)
                || differs("disable_api_termination", &Value::Bool(false))
                || differs("disable_api_stop", &Value::Bool(false))
                || differs(
                    "instance_initiated_shutdown_behavior",
                    &Value::string("stop"),
                )
        }
        "aws_vpc" => {
            differs("enable_dns_hostnames", &Value::Bool(false))
                || differs("enable_dns_support", &Value::Bool(true))
                || differs("enable_network_address_usage_metrics", &Value::Bool(false))
        }
        _ => false,
    }
}

/// Test support: checks that an observation accounts for every attribute of its type's shipped
/// schema, read or listed unread, and names nothing the schema does not have.
#[cfg(test)]
pub(crate) fn assert_covers_schema(resource_type: &str, observed: &Observed) {
    let schema = plumb_schema::shipped_ref()
        .resource(resource_type)
        .unwrap_or_else(|| panic!("{resource_type}: no shipped schema"));
    let Observed {
        attributes, unread, ..
    } = observed;
    let map = attributes.as_map().expect("attributes are an object");
    let unread: Vec<String> = unread.iter().map(ToString::to_string).collect();
    let mut expected: Vec<&str> = schema
        .block
        .attributes
        .keys()
        .chain(schema.block.block_types.keys())
        .map(String::as_str)
        // Configuration only, and never compared.
        .filter(|key| *key != "timeouts")
        .collect();
    expected.sort_unstable();
    for key in &expected {
        assert!(
            map.contains_key(key) || unread.iter().any(|u| u == key),
            "{resource_type}: `{key}` is neither read nor listed unread"
        );
    }
    for key in map.keys() {
        assert!(
            expected.contains(&key),
            "{resource_type}: `{key}` is not in the schema"
        );
    }
    for key in &unread {
        assert!(
            expected.contains(&key.as_str()),
            "{resource_type}: unread `{key}` is not in the schema"
        );
        assert!(
            !map.contains_key(key),
            "{resource_type}: `{key}` is both read and unread"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_type_has_a_module_and_a_shipped_schema() {
        let modules: Vec<&str> = [
            instance::TYPES,
            ebs::TYPES,
            vpc::TYPES,
            security_group::TYPES,
            routing::TYPES,
            acl::TYPES,
            addressing::TYPES,
            images::TYPES,
        ]
        .concat();
        let mut sorted = modules.clone();
        sorted.sort_unstable();
        let mut supported = SUPPORTED_TYPES.to_vec();
        supported.sort_unstable();
        assert_eq!(
            sorted, supported,
            "SUPPORTED_TYPES and the modules' TYPES agree"
        );
        let schemas = plumb_schema::shipped_ref();
        for t in SUPPORTED_TYPES {
            assert!(schemas.resource(t).is_some(), "{t} has no shipped schema");
        }
    }
}
