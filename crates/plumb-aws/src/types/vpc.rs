//! `aws_vpc`, `aws_subnet` and `aws_internet_gateway`.
//!
//! A VPC's default security group, main route table and default network ACL come from the
//! region's shared listings of those types, which a scan reads anyway: no call per VPC. Its
//! DNS and usage-metrics settings EC2 returns only per VPC and per attribute
//! (`DescribeVpcAttribute`), so they are read where asked for (see [`PER_RESOURCE`]).

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{InternetGateway, Subnet, Vpc, VpcAttributeName};
use plumb_model::Value;

use super::{AwsType, Read};
use crate::attrs::{Attrs, Observed, attribute_bool, enum_str, managed_by};
use crate::ops;
use crate::region::{RegionReader, listing};

pub(super) const TYPES: &[AwsType] = &[
    AwsType {
        details: Some(wants_details),
        ..AwsType::listed("aws_vpc", ops::DESCRIBE_VPCS)
    },
    AwsType::listed("aws_subnet", ops::DESCRIBE_SUBNETS),
    AwsType::listed("aws_internet_gateway", ops::DESCRIBE_INTERNET_GATEWAYS),
];

/// `DescribeVpcAttribute` answers one attribute of one VPC per call.
pub(super) const PER_RESOURCE: &[&str] = &[
    "enable_dns_hostnames",
    "enable_dns_support",
    "enable_network_address_usage_metrics",
];

/// Whether a state VPC sets a [`PER_RESOURCE`] attribute to other than AWS's default.
fn wants_details(state: &Value) -> bool {
    super::differs(state, "enable_dns_hostnames", &Value::Bool(false))
        || super::differs(state, "enable_dns_support", &Value::Bool(true))
        || super::differs(
            state,
            "enable_network_address_usage_metrics",
            &Value::Bool(false),
        )
}

pub(super) async fn read(reader: &RegionReader, resource_type: &str) -> Read {
    match resource_type {
        "aws_vpc" => vpcs(reader).await,
        "aws_subnet" => {
            let subnets = listing!(
                reader,
                ops::DESCRIBE_SUBNETS,
                "aws_subnet",
                "subnet-id",
                reader.ec2.describe_subnets().max_results(1000),
                |page| page.subnets.unwrap_or_default()
            );
            Ok(subnets.iter().map(|s| subnet(reader, s)).collect())
        }
        _ => {
            let gateways = listing!(
                reader,
                ops::DESCRIBE_INTERNET_GATEWAYS,
                "aws_internet_gateway",
                "internet-gateway-id",
                reader.ec2.describe_internet_gateways().max_results(1000),
                |page| page.internet_gateways.unwrap_or_default()
            );
            Ok(gateways
                .iter()
                .map(|g| internet_gateway(reader, g))
                .collect())
        }
    }
}

/// The ids of each VPC's AWS-created companions.
#[derive(Default)]
struct Defaults {
    security_group: BTreeMap<String, String>,
    route_table: BTreeMap<String, String>,
    network_acl: BTreeMap<String, String>,
}

async fn vpcs(reader: &RegionReader) -> Read {
    let vpcs = listing!(
        reader,
        ops::DESCRIBE_VPCS,
        "aws_vpc",
        "vpc-id",
        reader.ec2.describe_vpcs().max_results(1000),
        |page| page.vpcs.unwrap_or_default()
    );
    let mut defaults = Defaults::default();
    if !vpcs.is_empty() {
        for group in reader.security_groups().await?.iter() {
            if group.group_name() == Some("default")
                && let (Some(vpc), Some(id)) = (group.vpc_id(), group.group_id())
            {
                defaults
                    .security_group
                    .insert(vpc.to_owned(), id.to_owned());
            }
        }
        for table in reader.route_tables().await?.iter() {
            if table.associations().iter().any(|a| a.main() == Some(true))
                && let (Some(vpc), Some(id)) = (table.vpc_id(), table.route_table_id())
            {
                defaults.route_table.insert(vpc.to_owned(), id.to_owned());
            }
        }
        for acl in reader.network_acls().await?.iter() {
            if acl.is_default() == Some(true)
                && let (Some(vpc), Some(id)) = (acl.vpc_id(), acl.network_acl_id())
            {
                defaults.network_acl.insert(vpc.to_owned(), id.to_owned());
            }
        }
    }
    let mut out = Vec::with_capacity(vpcs.len());
    for v in &vpcs {
        let observed = vpc(reader, v, &defaults);
        out.push(if reader.wants_details("aws_vpc", &observed.id) {
            let extra = vpc_attributes(reader, &observed.id).await?;
            observed.with(extra)
        } else {
            observed.unread(PER_RESOURCE)
        });
    }
    Ok(out)
}

async fn vpc_attributes(
    reader: &RegionReader,
    id: &str,
) -> Result<Vec<(&'static str, Value)>, String> {
    let ask = |attribute: VpcAttributeName| {
        reader.send(
            ops::DESCRIBE_VPC_ATTRIBUTE,
            reader
                .ec2
                .describe_vpc_attribute()
                .vpc_id(id)
                .attribute(attribute)
                .send(),
        )
    };
    let hostnames = ask(VpcAttributeName::EnableDnsHostnames).await?;
    let support = ask(VpcAttributeName::EnableDnsSupport).await?;
    let metrics = ask(VpcAttributeName::EnableNetworkAddressUsageMetrics).await?;
    Ok(vec![
        (
            "enable_dns_hostnames",
            attribute_bool(hostnames.enable_dns_hostnames()),
        ),
        (
            "enable_dns_support",
            attribute_bool(support.enable_dns_support()),
        ),
        (
            "enable_network_address_usage_metrics",
            attribute_bool(metrics.enable_network_address_usage_metrics()),
        ),
    ])
}

fn vpc<'a>(reader: &RegionReader, vpc: &Vpc, defaults: &'a Defaults) -> Observed {
    let id = vpc.vpc_id().unwrap_or_default();
    // The provider reads the Amazon-provided (or IPAM) IPv6 block that is associated.
    let ipv6 = vpc.ipv6_cidr_block_association_set().iter().find(|a| {
        a.ipv6_cidr_block_state()
            .and_then(|s| s.state())
            .is_some_and(|s| s.as_str() == "associated")
    });
    let companion = |map: &'a BTreeMap<String, String>| map.get(id).map(String::as_str);
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&reader.arn("vpc", id)))
        .bool(
            "assign_generated_ipv6_cidr_block",
            Some(ipv6.is_some_and(|a| a.ipv6_pool() == Some("Amazon"))),
        )
        .str("cidr_block", vpc.cidr_block())
        .str("default_network_acl_id", companion(&defaults.network_acl))
        .str("default_route_table_id", companion(&defaults.route_table))
        .str(
            "default_security_group_id",
            companion(&defaults.security_group),
        )
        .str("dhcp_options_id", vpc.dhcp_options_id())
        .str("instance_tenancy", enum_str(vpc.instance_tenancy()))
        .str("ipv6_association_id", ipv6.and_then(|a| a.association_id()))
        .str("ipv6_cidr_block", ipv6.and_then(|a| a.ipv6_cidr_block()))
        .str(
            "ipv6_cidr_block_network_border_group",
            ipv6.and_then(|a| a.network_border_group()),
        )
        .str(
            "ipv6_ipam_pool_id",
            ipv6.and_then(|a| a.ipv6_pool()).filter(|p| *p != "Amazon"),
        )
        .str("main_route_table_id", companion(&defaults.route_table))
        .str("owner_id", vpc.owner_id())
        .tags(vpc.tags());
    Observed::new(id, attributes)
        // Create-time arguments of IPAM allocation: EC2 does not return them.
        .unread(&[
            "ipv4_ipam_pool_id",
            "ipv4_netmask_length",
            "ipv6_netmask_length",
        ])
        .default_object(vpc.is_default() == Some(true))
        .managed_by(managed_by(vpc.tags()))
}

fn subnet(reader: &RegionReader, subnet: &Subnet) -> Observed {
    let id = subnet.subnet_id().unwrap_or_default();
    let ipv6 = subnet.ipv6_cidr_block_association_set().iter().find(|a| {
        a.ipv6_cidr_block_state()
            .and_then(|s| s.state())
            .is_some_and(|s| s.as_str() == "associated")
    });
    let dns = subnet.private_dns_name_options_on_launch();
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", subnet.subnet_arn())
        .bool(
            "assign_ipv6_address_on_creation",
            subnet.assign_ipv6_address_on_creation(),
        )
        .str("availability_zone", subnet.availability_zone())
        .str("availability_zone_id", subnet.availability_zone_id())
        .str("cidr_block", subnet.cidr_block())
        .str(
            "customer_owned_ipv4_pool",
            subnet.customer_owned_ipv4_pool(),
        )
        .bool("enable_dns64", subnet.enable_dns64())
        .int(
            "enable_lni_at_device_index",
            subnet.enable_lni_at_device_index(),
        )
        .bool(
            "enable_resource_name_dns_aaaa_record_on_launch",
            dns.and_then(aws_sdk_ec2::types::PrivateDnsNameOptionsOnLaunch::enable_resource_name_dns_aaaa_record),
        )
        .bool(
            "enable_resource_name_dns_a_record_on_launch",
            dns.and_then(aws_sdk_ec2::types::PrivateDnsNameOptionsOnLaunch::enable_resource_name_dns_a_record),
        )
        .str("ipv6_cidr_block", ipv6.and_then(|a| a.ipv6_cidr_block()))
        .str(
            "ipv6_cidr_block_association_id",
            ipv6.and_then(|a| a.association_id()),
        )
        .bool("ipv6_native", subnet.ipv6_native())
        .bool(
            "map_customer_owned_ip_on_launch",
            subnet.map_customer_owned_ip_on_launch(),
        )
        .bool("map_public_ip_on_launch", subnet.map_public_ip_on_launch())
        .str("outpost_arn", subnet.outpost_arn())
        .str("owner_id", subnet.owner_id())
        .str(
            "private_dns_hostname_type_on_launch",
            enum_str(dns.and_then(|d| d.hostname_type())),
        )
        .tags(subnet.tags())
        .str("vpc_id", subnet.vpc_id());
    Observed::new(id, attributes)
        .unread(&[
            "ipv4_ipam_pool_id",
            "ipv4_netmask_length",
            "ipv6_ipam_pool_id",
            "ipv6_netmask_length",
        ])
        .default_object(subnet.default_for_az() == Some(true))
        .managed_by(managed_by(subnet.tags()))
}

fn internet_gateway(reader: &RegionReader, gateway: &InternetGateway) -> Observed {
    let id = gateway.internet_gateway_id().unwrap_or_default();
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&reader.arn("internet-gateway", id)))
        .str("owner_id", gateway.owner_id())
        .tags(gateway.tags())
        .str(
            "vpc_id",
            gateway.attachments().first().and_then(|a| a.vpc_id()),
        );
    Observed::new(id, attributes).managed_by(managed_by(gateway.tags()))
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{InternetGatewayAttachment, Tag};

    use super::*;

    #[test]
    fn a_vpc_names_its_default_companions() {
        let reader = crate::region::tests::reader();
        let v = Vpc::builder()
            .vpc_id("vpc-1")
            .cidr_block("10.0.0.0/16")
            .owner_id("123456789012")
            .is_default(true)
            .build();
        let defaults = Defaults {
            security_group: BTreeMap::from([("vpc-1".to_owned(), "sg-1".to_owned())]),
            route_table: BTreeMap::from([("vpc-1".to_owned(), "rtb-1".to_owned())]),
            network_acl: BTreeMap::from([("vpc-1".to_owned(), "acl-1".to_owned())]),
        };
        let observed = vpc(&reader, &v, &defaults).unread(PER_RESOURCE);
        super::super::assert_covers_schema("aws_vpc", &observed);
        let a = &observed.attributes;
        assert_eq!(a.get("main_route_table_id"), Some(&Value::string("rtb-1")));
        assert_eq!(
            a.get("default_security_group_id"),
            Some(&Value::string("sg-1"))
        );
        assert_eq!(
            a.get("assign_generated_ipv6_cidr_block"),
            Some(&Value::Bool(false))
        );
        assert_eq!(
            observed.meta.get("default").map(String::as_str),
            Some("true")
        );
    }

    #[test]
    fn a_subnet_and_a_gateway_read_as_the_provider_writes_them() {
        let reader = crate::region::tests::reader();
        let s = Subnet::builder()
            .subnet_id("subnet-1")
            .subnet_arn("arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-1")
            .vpc_id("vpc-1")
            .cidr_block("10.0.1.0/24")
            .map_public_ip_on_launch(true)
            .tags(Tag::builder().key("Name").value("public").build())
            .build();
        let observed = subnet(&reader, &s);
        super::super::assert_covers_schema("aws_subnet", &observed);
        assert_eq!(
            observed.attributes.get("map_public_ip_on_launch"),
            Some(&Value::Bool(true))
        );
        let g = InternetGateway::builder()
            .internet_gateway_id("igw-1")
            .owner_id("123456789012")
            .attachments(InternetGatewayAttachment::builder().vpc_id("vpc-1").build())
            .build();
        let observed = internet_gateway(&reader, &g);
        super::super::assert_covers_schema("aws_internet_gateway", &observed);
        assert_eq!(
            observed.attributes.get("vpc_id"),
            Some(&Value::string("vpc-1"))
        );
    }
}
