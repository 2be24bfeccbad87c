//! Addresses and what holds them: `aws_eip` and `aws_eip_association` (both from the region's
//! one `DescribeAddresses`), `aws_network_interface` (`DescribeNetworkInterfaces`),
//! `aws_key_pair` (`DescribeKeyPairs`) and `aws_placement_group` (`DescribePlacementGroups`), as
//! the provider's Read functions write them.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{
    Address, AddressAttributeName, KeyPairInfo, NetworkInterface, PlacementGroup,
};

use super::{AwsType, Read};
use crate::attrs::{
    Attrs, Observed, count, enum_str, internal_domain, managed_by, name_prefix_from_name,
};
use crate::ops;
use crate::region::{RegionReader, partition};

pub(super) const TYPES: &[AwsType] = &[
    AwsType::listed("aws_eip", ops::DESCRIBE_ADDRESSES),
    AwsType::listed("aws_eip_association", ops::DESCRIBE_ADDRESSES),
    AwsType::listed("aws_key_pair", ops::DESCRIBE_KEY_PAIRS),
    AwsType::listed("aws_network_interface", ops::DESCRIBE_NETWORK_INTERFACES),
    AwsType::listed("aws_placement_group", ops::DESCRIBE_PLACEMENT_GROUPS),
];

/// `aws_eip` arguments that exist only in configuration.
const EIP_UNREAD: &[&str] = &["address", "associate_with_private_ip"];

/// The provider's prefix for a public IPv4 pool that is an IPAM pool.
const IPAM_POOL_PREFIX: &str = "ipam-pool-";

/// Interface types that EC2 or another service creates and manages; users create
/// `interface`, `efa`, `efa-only`, `trunk` and `branch` interfaces themselves.
fn service_interface_type(interface_type: &str) -> bool {
    !matches!(
        interface_type,
        "" | "interface" | "efa" | "efa-only" | "trunk" | "branch"
    )
}

pub(super) async fn read(reader: &RegionReader, resource_type: &str) -> Read {
    match resource_type {
        "aws_eip" => {
            let addresses = reader.addresses().await?;
            // Reverse DNS is an attribute apart; where EC2 does not answer it (some endpoints
            // do not offer the action), `ptr_record` is left unread rather than the type failed.
            let ptr = if addresses.is_empty() {
                None
            } else {
                ptr_records(reader).await.ok()
            };
            Ok(addresses
                .iter()
                .filter_map(|a| eip(reader, a, ptr.as_ref()))
                .collect())
        }
        "aws_eip_association" => {
            let addresses = reader.addresses().await?;
            Ok(addresses
                .iter()
                .filter_map(|a| eip_association(reader, a))
                .collect())
        }
        "aws_network_interface" => {
            let request = reader.ec2.describe_network_interfaces().max_results(1000);
            let interfaces = crate::region::listing!(
                reader,
                ops::DESCRIBE_NETWORK_INTERFACES,
                "aws_network_interface",
                "network-interface-id",
                request,
                |page| page.network_interfaces.unwrap_or_default()
            );
            Ok(interfaces
                .iter()
                .filter_map(|ni| network_interface(reader, ni))
                .collect())
        }
        "aws_key_pair" => {
            // No pages: one call answers every key pair of the region.
            // One answer, no pages; a managed-only read asks by name (the provider's id).
            let requests = match reader.id_filters("aws_key_pair", "key-name") {
                None => vec![reader.ec2.describe_key_pairs()],
                Some(filters) => filters
                    .into_iter()
                    .map(|f| reader.ec2.describe_key_pairs().filters(f))
                    .collect(),
            };
            let mut out = Vec::new();
            for request in requests {
                let output = reader.send(ops::DESCRIBE_KEY_PAIRS, request.send()).await?;
                out.extend(
                    output
                        .key_pairs()
                        .iter()
                        .filter_map(|k| key_pair(reader, k)),
                );
            }
            Ok(out)
        }
        "aws_placement_group" => {
            // No pages, and no filter: real EC2 answers every group of the region.
            let output = reader
                .send(
                    ops::DESCRIBE_PLACEMENT_GROUPS,
                    reader.ec2.describe_placement_groups().send(),
                )
                .await?;
            Ok(output
                .placement_groups()
                .iter()
                .filter_map(|g| placement_group(reader, g))
                .collect())
        }
        _ => Err(format!("{resource_type} is not an addressing type")),
    }
}

/// The DNS suffix of a region's partition (`amazonaws.com`, `amazonaws.com.cn`, ...).
fn dns_suffix(region: &str) -> &'static str {
    match partition(region) {
        "aws-cn" => "amazonaws.com.cn",
        "aws-iso" => "c2s.ic.gov",
        "aws-iso-b" => "sc2s.sgov.gov",
        _ => "amazonaws.com",
    }
}

/// The provider's `EC2PublicDNSNameForIP`: `ec2-1-2-3-4.REGION.compute.amazonaws.com`
/// (`compute-1` in us-east-1).
fn public_dns(region: &str, ip: &str) -> String {
    let dashed = ip.replace('.', "-");
    let regional = if region == "us-east-1" {
        "compute-1".to_owned()
    } else {
        format!("{region}.compute")
    };
    format!("ec2-{dashed}.{regional}.{}", dns_suffix(region))
}

/// The provider's `EC2PrivateDNSNameForIP`: `ip-10-0-0-1.REGION.compute.internal`
/// (`ec2.internal` in us-east-1).
fn private_dns(region: &str, ip: &str) -> String {
    format!("ip-{}.{}", ip.replace('.', "-"), internal_domain(region))
}

/// Every address's reverse DNS record (`DescribeAddressesAttribute`, `domain-name`), by
/// allocation id, with the trailing dot the provider trims.
async fn ptr_records(reader: &RegionReader) -> Result<BTreeMap<String, String>, String> {
    let request = reader
        .ec2
        .describe_addresses_attribute()
        .attribute(AddressAttributeName::DomainName)
        .max_results(1000);
    let records =
        crate::region::paginate!(reader, ops::DESCRIBE_ADDRESSES_ATTRIBUTE, request, |page| {
            page.addresses.unwrap_or_default()
        });
    Ok(records
        .into_iter()
        .filter_map(|r| {
            let record = r.ptr_record()?.trim_end_matches('.').to_owned();
            Some((r.allocation_id?, record))
        })
        .collect())
}

/// One `aws_eip`, id the allocation id (EC2-Classic addresses, which have none, the provider
/// no longer reads). `ptr` is the region's reverse DNS records, when EC2 gave them: an address
/// without one has a null `ptr_record`, as the provider writes it.
fn eip(
    reader: &RegionReader,
    address: &Address,
    ptr: Option<&BTreeMap<String, String>>,
) -> Option<Observed> {
    let id = address.allocation_id()?;
    let private_ip = address.private_ip_address().filter(|ip| !ip.is_empty());
    let public_ip = address.public_ip().filter(|ip| !ip.is_empty());
    let pool = address.public_ipv4_pool();
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("allocation_id", Some(id))
        .str("arn", Some(&reader.arn("elastic-ip", id)))
        .str("association_id", address.association_id())
        .str("carrier_ip", address.carrier_ip())
        .str("customer_owned_ip", address.customer_owned_ip())
        .str(
            "customer_owned_ipv4_pool",
            address.customer_owned_ipv4_pool(),
        )
        .str("domain", enum_str(address.domain()))
        .str("instance", address.instance_id())
        .opt_str(
            "ipam_pool_id",
            pool.filter(|p| p.starts_with(IPAM_POOL_PREFIX)),
        )
        .str("network_border_group", address.network_border_group())
        .str("network_interface", address.network_interface_id())
        .str("private_ip", address.private_ip_address())
        .opt_str(
            "private_dns",
            private_ip
                .map(|ip| private_dns(&reader.region, ip))
                .as_deref(),
        )
        .str("public_ip", address.public_ip())
        .opt_str(
            "public_dns",
            public_ip
                .map(|ip| public_dns(&reader.region, ip))
                .as_deref(),
        )
        .str("public_ipv4_pool", pool)
        .tags(address.tags());
    let (attributes, ptr_unread) = match ptr {
        Some(records) => (
            attributes.opt_str("ptr_record", records.get(id).map(String::as_str)),
            &[][..],
        ),
        None => (attributes, &["ptr_record"][..]),
    };
    Some(
        Observed::new(id, attributes)
            .unread(EIP_UNREAD)
            .unread(ptr_unread)
            .managed_by(managed_by(address.tags())),
    )
}

/// One `aws_eip_association` per associated address, id the association id.
fn eip_association(reader: &RegionReader, address: &Address) -> Option<Observed> {
    let id = address.association_id().filter(|id| !id.is_empty())?;
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("allocation_id", address.allocation_id())
        .str("instance_id", address.instance_id())
        .str("network_interface_id", address.network_interface_id())
        .str("private_ip_address", address.private_ip_address())
        .str("public_ip", address.public_ip());
    Some(Observed::new(id, attributes).unread(&["allow_reassociation"]))
}

/// `aws_network_interface` arguments that exist only in configuration.
const ENI_UNREAD: &[&str] = &["ipv6_address_list_enabled", "private_ip_list_enabled"];

fn network_interface(reader: &RegionReader, eni: &NetworkInterface) -> Option<Observed> {
    let id = eni.network_interface_id()?;
    let owner_id = eni.owner_id().unwrap_or_default();
    let arn = reader.arn_in(owner_id, "network-interface", id);
    let attachment = eni.attachment().map(|a| {
        Attrs::new()
            .str("attachment_id", a.attachment_id())
            .int("device_index", a.device_index())
            .str("instance", a.instance_id())
    });
    let ipv6: Vec<&str> = eni
        .ipv6_addresses()
        .iter()
        .filter_map(|a| a.ipv6_address())
        .collect();
    let private: Vec<&str> = eni
        .private_ip_addresses()
        .iter()
        .filter_map(|a| a.private_ip_address())
        .collect();
    let secondary = count(eni.private_ip_addresses().len()) - 1;
    let interface_type = enum_str(eni.interface_type()).unwrap_or_default();
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&arn))
        .blocks("attachment", attachment)
        .str("description", eni.description())
        .str("interface_type", Some(interface_type))
        .strings(
            "ipv4_prefixes",
            eni.ipv4_prefixes().iter().filter_map(|p| p.ipv4_prefix()),
        )
        .int("ipv4_prefix_count", Some(count(eni.ipv4_prefixes().len())))
        .int("ipv6_address_count", Some(count(ipv6.len())))
        .strings("ipv6_address_list", ipv6.iter().copied())
        .strings("ipv6_addresses", ipv6.iter().copied())
        .strings(
            "ipv6_prefixes",
            eni.ipv6_prefixes().iter().filter_map(|p| p.ipv6_prefix()),
        )
        .int("ipv6_prefix_count", Some(count(eni.ipv6_prefixes().len())))
        .str("mac_address", eni.mac_address())
        .str("outpost_arn", eni.outpost_arn())
        .str("owner_id", Some(owner_id))
        .str("private_dns_name", eni.private_dns_name())
        .str("private_ip", eni.private_ip_address())
        .strings("private_ips", private.iter().copied())
        .int("private_ips_count", Some(secondary))
        .strings("private_ip_list", private.iter().copied())
        .strings(
            "security_groups",
            eni.groups().iter().filter_map(|g| g.group_id()),
        )
        .bool("source_dest_check", eni.source_dest_check())
        .str("subnet_id", eni.subnet_id())
        .tags(eni.tag_set());
    // An instance's primary interface goes with the instance.
    let owner = eni
        .attachment()
        .filter(|a| a.device_index() == Some(0))
        .and_then(|a| a.instance_id())
        .map(|instance| format!("aws_instance:{instance}"));
    let requester = eni.requester_managed() == Some(true);
    let managed = if requester {
        Some(
            eni.requester_id()
                .filter(|r| !r.is_empty())
                .map_or_else(|| "requester".to_owned(), |r| format!("requester:{r}")),
        )
    } else if service_interface_type(interface_type) {
        Some(interface_type.to_owned())
    } else {
        managed_by(eni.tag_set()).map(str::to_owned)
    };
    Some(
        Observed::new(id, attributes)
            .unread(ENI_UNREAD)
            .owner(owner)
            .managed_by(managed.as_deref()),
    )
}

/// One `aws_key_pair`, id the key name. EC2 does not return the key material the provider's
/// `public_key` holds (and its Read never sets it), so it stays unread.
fn key_pair(reader: &RegionReader, key: &KeyPairInfo) -> Option<Observed> {
    let name = key.key_name()?;
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&reader.arn("key-pair", name)))
        .str("fingerprint", key.key_fingerprint())
        .str("key_name", Some(name))
        .opt_str("key_name_prefix", name_prefix_from_name(name))
        .str("key_pair_id", key.key_pair_id())
        .str("key_type", enum_str(key.key_type()))
        .tags(key.tags());
    Some(
        Observed::new(name, attributes)
            .unread(&["public_key"])
            .managed_by(managed_by(key.tags())),
    )
}

/// One `aws_placement_group`, id the group name. Tolerant of what a partial answer leaves out.
fn placement_group(reader: &RegionReader, group: &PlacementGroup) -> Option<Observed> {
    let name = group.group_name().filter(|n| !n.is_empty())?;
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&reader.arn("placement-group", name)))
        .str("name", Some(name))
        .int("partition_count", group.partition_count())
        .str("placement_group_id", group.group_id())
        .str("spread_level", enum_str(group.spread_level()))
        .str("strategy", enum_str(group.strategy()))
        .tags(group.tags());
    Some(Observed::new(name, attributes).managed_by(managed_by(group.tags())))
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{
        DomainType, GroupIdentifier, KeyType, NetworkInterfaceAttachment,
        NetworkInterfacePrivateIpAddress, NetworkInterfaceType, PlacementStrategy, Tag,
    };
    use plumb_model::Value;

    use super::*;
    use crate::attrs::strings;

    fn reader() -> RegionReader {
        crate::region::tests::reader()
    }

    fn address() -> Address {
        Address::builder()
            .allocation_id("eipalloc-1")
            .association_id("eipassoc-1")
            .domain(DomainType::Vpc)
            .instance_id("i-1")
            .network_interface_id("eni-1")
            .private_ip_address("172.31.22.12")
            .public_ip("35.180.239.105")
            .public_ipv4_pool("amazon")
            .network_border_group("eu-west-1")
            .tags(Tag::builder().key("Name").value("web").build())
            .build()
    }

    #[test]
    fn an_eip_reads_as_the_provider_writes_it() {
        let records = BTreeMap::from([("eipalloc-1".to_owned(), "web.example.com".to_owned())]);
        let observed = eip(&reader(), &address(), Some(&records)).unwrap();
        super::super::assert_covers_schema("aws_eip", &observed);
        assert_eq!(
            observed.attributes.get("ptr_record"),
            Some(&Value::string("web.example.com"))
        );
        let observed = eip(&reader(), &address(), None).unwrap();
        super::super::assert_covers_schema("aws_eip", &observed);
        let a = &observed.attributes;
        assert_eq!(observed.id, "eipalloc-1");
        assert_eq!(
            a.get("arn"),
            Some(&Value::string(
                "arn:aws:ec2:eu-west-1:123456789012:elastic-ip/eipalloc-1"
            ))
        );
        assert_eq!(a.get("domain"), Some(&Value::string("vpc")));
        assert_eq!(
            a.get("public_dns"),
            Some(&Value::string(
                "ec2-35-180-239-105.eu-west-1.compute.amazonaws.com"
            ))
        );
        assert_eq!(
            a.get("private_dns"),
            Some(&Value::string("ip-172-31-22-12.eu-west-1.compute.internal"))
        );
        assert_eq!(a.get("ipam_pool_id"), Some(&Value::Null));
        assert_eq!(a.get("customer_owned_ip"), Some(&Value::string("")));
    }

    #[test]
    fn an_unassociated_eip_has_no_private_dns_and_no_association() {
        let address = Address::builder()
            .allocation_id("eipalloc-2")
            .domain(DomainType::Vpc)
            .public_ip("52.47.35.117")
            .build();
        let observed = eip(&reader(), &address, Some(&BTreeMap::new())).unwrap();
        assert_eq!(observed.attributes.get("private_dns"), Some(&Value::Null));
        assert_eq!(observed.attributes.get("ptr_record"), Some(&Value::Null));
        assert_eq!(
            observed.attributes.get("association_id"),
            Some(&Value::string(""))
        );
        assert!(eip_association(&reader(), &address).is_none());
        assert_eq!(
            public_dns("us-east-1", "1.2.3.4"),
            "ec2-1-2-3-4.compute-1.amazonaws.com"
        );
        assert_eq!(
            private_dns("us-east-1", "10.0.0.1"),
            "ip-10-0-0-1.ec2.internal"
        );
    }

    #[test]
    fn an_eip_association_reads_as_the_provider_writes_it() {
        let observed = eip_association(&reader(), &address()).unwrap();
        super::super::assert_covers_schema("aws_eip_association", &observed);
        let a = &observed.attributes;
        assert_eq!(observed.id, "eipassoc-1");
        assert_eq!(a.get("allocation_id"), Some(&Value::string("eipalloc-1")));
        assert_eq!(a.get("instance_id"), Some(&Value::string("i-1")));
        assert_eq!(
            a.get("private_ip_address"),
            Some(&Value::string("172.31.22.12"))
        );
    }

    #[test]
    fn a_primary_network_interface_goes_with_its_instance() {
        let eni = NetworkInterface::builder()
            .network_interface_id("eni-1")
            .owner_id("123456789012")
            .subnet_id("subnet-1")
            .interface_type(NetworkInterfaceType::Interface)
            .private_ip_address("10.0.0.5")
            .private_ip_addresses(
                NetworkInterfacePrivateIpAddress::builder()
                    .private_ip_address("10.0.0.5")
                    .primary(true)
                    .build(),
            )
            .private_ip_addresses(
                NetworkInterfacePrivateIpAddress::builder()
                    .private_ip_address("10.0.0.6")
                    .build(),
            )
            .groups(
                GroupIdentifier::builder()
                    .group_id("sg-1")
                    .group_name("web")
                    .build(),
            )
            .source_dest_check(true)
            .attachment(
                NetworkInterfaceAttachment::builder()
                    .attachment_id("eni-attach-1")
                    .device_index(0)
                    .instance_id("i-1")
                    .build(),
            )
            .build();
        let observed = network_interface(&reader(), &eni).unwrap();
        super::super::assert_covers_schema("aws_network_interface", &observed);
        let a = &observed.attributes;
        assert_eq!(
            a.get("arn"),
            Some(&Value::string(
                "arn:aws:ec2:eu-west-1:123456789012:network-interface/eni-1"
            ))
        );
        assert_eq!(
            a.get("private_ips"),
            Some(&strings(["10.0.0.5", "10.0.0.6"]))
        );
        assert_eq!(a.get("private_ips_count"), Some(&Value::int(1)));
        assert_eq!(a.get("security_groups"), Some(&strings(["sg-1"])));
        assert_eq!(a.get("ipv6_addresses"), Some(&Value::List(vec![])));
        let attachment = &a.get("attachment").unwrap().as_list().unwrap()[0];
        assert_eq!(attachment.get("instance"), Some(&Value::string("i-1")));
        assert_eq!(attachment.get("device_index"), Some(&Value::int(0)));
        assert_eq!(
            observed.meta.get("owner").map(String::as_str),
            Some("aws_instance:i-1")
        );
        assert!(!observed.meta.contains_key("managed_by"));
    }

    #[test]
    fn service_interfaces_are_managed_by_their_service() {
        let nat = NetworkInterface::builder()
            .network_interface_id("eni-2")
            .interface_type(NetworkInterfaceType::NatGateway)
            .requester_managed(false)
            .build();
        let observed = network_interface(&reader(), &nat).unwrap();
        assert_eq!(
            observed.meta.get("managed_by").map(String::as_str),
            Some("natGateway")
        );
        assert_eq!(
            observed.attributes.get("attachment"),
            Some(&Value::List(vec![]))
        );
        let elb = NetworkInterface::builder()
            .network_interface_id("eni-3")
            .interface_type(NetworkInterfaceType::Interface)
            .requester_managed(true)
            .requester_id("amazon-elb")
            .build();
        let observed = network_interface(&reader(), &elb).unwrap();
        assert_eq!(
            observed.meta.get("managed_by").map(String::as_str),
            Some("requester:amazon-elb")
        );
        let efa = NetworkInterface::builder()
            .network_interface_id("eni-4")
            .interface_type(NetworkInterfaceType::Efa)
            .build();
        assert!(
            !network_interface(&reader(), &efa)
                .unwrap()
                .meta
                .contains_key("managed_by")
        );
    }

    #[test]
    fn a_key_pair_reads_as_the_provider_writes_it() {
        let key = KeyPairInfo::builder()
            .key_name("test")
            .key_pair_id("key-0ff1")
            .key_fingerprint("31:3a")
            .key_type(KeyType::Rsa)
            .build();
        let observed = key_pair(&reader(), &key).unwrap();
        super::super::assert_covers_schema("aws_key_pair", &observed);
        let a = &observed.attributes;
        assert_eq!(observed.id, "test");
        assert_eq!(
            a.get("arn"),
            Some(&Value::string(
                "arn:aws:ec2:eu-west-1:123456789012:key-pair/test"
            ))
        );
        assert_eq!(a.get("key_type"), Some(&Value::string("rsa")));
        assert_eq!(a.get("key_name_prefix"), Some(&Value::Null));
        assert_eq!(
            name_prefix_from_name("deployer-20240101120000123400000001"),
            Some("deployer-")
        );
        assert_eq!(name_prefix_from_name("20240101120000123400000001"), None);
    }

    #[test]
    fn a_placement_group_reads_as_the_provider_writes_it() {
        let group = PlacementGroup::builder()
            .group_name("pg")
            .group_id("pg-0abc")
            .strategy(PlacementStrategy::Cluster)
            .build();
        let observed = placement_group(&reader(), &group).unwrap();
        super::super::assert_covers_schema("aws_placement_group", &observed);
        let a = &observed.attributes;
        assert_eq!(observed.id, "pg");
        assert_eq!(
            a.get("arn"),
            Some(&Value::string(
                "arn:aws:ec2:eu-west-1:123456789012:placement-group/pg"
            ))
        );
        assert_eq!(a.get("strategy"), Some(&Value::string("cluster")));
        assert_eq!(a.get("partition_count"), Some(&Value::int(0)));
        assert_eq!(a.get("spread_level"), Some(&Value::string("")));
        assert!(placement_group(&reader(), &PlacementGroup::builder().build()).is_none());
    }
}
