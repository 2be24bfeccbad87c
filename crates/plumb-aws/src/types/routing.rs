//! Route tables and what hangs off them, from the region's one `DescribeRouteTables` listing:
//! `aws_route_table`, `aws_route`, `aws_route_table_association` and
//! `aws_main_route_table_association`; and the gateways, endpoints, DHCP option sets and flow
//! logs that routing works with, one paginated `Describe*` each.
//!
//! Each mirrors the provider's Read: the route table's `route` set leaves out the routes
//! Terraform cannot manage (the VPC's local route, VPC Lattice, propagated and VPC endpoint
//! routes); an `aws_route` is every route made with `CreateRoute`, under the provider's id
//! `r-{route table}{crc32(destination)}`.

use super::{AwsType, Read};
use crate::attrs::{
    Attrs, Observed, count, enum_str, internal_domain, managed_by, string_hashcode, strings,
};
use crate::ops;
use crate::region::{RegionReader, listing, paginate};
use aws_sdk_ec2::types::{
    DhcpConfiguration, DhcpOptions, EgressOnlyInternetGateway, FlowLog, NatGateway, Route,
    RouteTable, RouteTableAssociation, RouteTableAssociationStateCode, Tag, VpcEndpoint,
};

pub(super) const TYPES: &[AwsType] = &[
    AwsType::listed("aws_route_table", ops::DESCRIBE_ROUTE_TABLES),
    AwsType::listed("aws_route", ops::DESCRIBE_ROUTE_TABLES),
    AwsType::listed("aws_route_table_association", ops::DESCRIBE_ROUTE_TABLES),
    AwsType::listed(
        "aws_main_route_table_association",
        ops::DESCRIBE_ROUTE_TABLES,
    ),
    AwsType::listed(
        "aws_egress_only_internet_gateway",
        ops::DESCRIBE_EGRESS_ONLY_INTERNET_GATEWAYS,
    ),
    AwsType::listed("aws_nat_gateway", ops::DESCRIBE_NAT_GATEWAYS),
    AwsType::listed("aws_vpc_endpoint", ops::DESCRIBE_VPC_ENDPOINTS),
    AwsType::listed("aws_vpc_dhcp_options", ops::DESCRIBE_DHCP_OPTIONS),
    AwsType::listed("aws_flow_log", ops::DESCRIBE_FLOW_LOGS),
];

/// The provider's `gatewayIDLocal` and `gatewayIDVPCLattice`: routes AWS keeps by itself.
const GATEWAY_LOCAL: &str = "local";
const GATEWAY_VPC_LATTICE: &str = "VpcLattice";

pub(super) async fn read(reader: &RegionReader, resource_type: &str) -> Read {
    match resource_type {
        "aws_route_table" => {
            let tables = reader.route_tables().await?;
            Ok(tables
                .iter()
                .filter_map(|t| route_table(reader, t))
                .collect())
        }
        "aws_route" => {
            let tables = reader.route_tables().await?;
            Ok(tables.iter().flat_map(|t| routes(reader, t)).collect())
        }
        "aws_route_table_association" => {
            let tables = reader.route_tables().await?;
            Ok(tables
                .iter()
                .flat_map(|t| associations(reader, t, false))
                .collect())
        }
        "aws_main_route_table_association" => {
            let tables = reader.route_tables().await?;
            Ok(tables
                .iter()
                .flat_map(|t| associations(reader, t, true))
                .collect())
        }
        "aws_egress_only_internet_gateway" => {
            let request = reader
                .ec2
                .describe_egress_only_internet_gateways()
                .max_results(255);
            let gateways = paginate!(
                reader,
                ops::DESCRIBE_EGRESS_ONLY_INTERNET_GATEWAYS,
                request,
                |page| page.egress_only_internet_gateways.unwrap_or_default()
            );
            Ok(gateways
                .iter()
                .filter_map(|g| egress_only_gateway(reader, g))
                .collect())
        }
        "aws_nat_gateway" => {
            let request = reader.ec2.describe_nat_gateways().max_results(1000);
            let gateways = listing!(
                reader,
                ops::DESCRIBE_NAT_GATEWAYS,
                "aws_nat_gateway",
                "nat-gateway-id",
                request,
                filter,
                |page| page.nat_gateways.unwrap_or_default()
            );
            Ok(gateways
                .iter()
                .filter_map(|g| nat_gateway(reader, g))
                .collect())
        }
        "aws_vpc_endpoint" => {
            let request = reader.ec2.describe_vpc_endpoints().max_results(1000);
            let endpoints = paginate!(reader, ops::DESCRIBE_VPC_ENDPOINTS, request, |page| {
                page.vpc_endpoints.unwrap_or_default()
            });
            Ok(endpoints
                .iter()
                .filter_map(|e| vpc_endpoint(reader, e))
                .collect())
        }
        "aws_vpc_dhcp_options" => {
            let request = reader.ec2.describe_dhcp_options().max_results(1000);
            let options = listing!(
                reader,
                ops::DESCRIBE_DHCP_OPTIONS,
                "aws_vpc_dhcp_options",
                "dhcp-options-id",
                request,
                |page| page.dhcp_options.unwrap_or_default()
            );
            Ok(options
                .iter()
                .filter_map(|o| dhcp_options(reader, o))
                .collect())
        }
        "aws_flow_log" => {
            let request = reader.ec2.describe_flow_logs().max_results(1000);
            let logs = listing!(
                reader,
                ops::DESCRIBE_FLOW_LOGS,
                "aws_flow_log",
                "flow-log-id",
                request,
                filter,
                |page| page.flow_logs.unwrap_or_default()
            );
            Ok(logs.iter().filter_map(|l| flow_log(reader, l)).collect())
        }
        other => Err(format!("{other} is not a routing type")),
    }
}

fn is_main(table: &RouteTable) -> bool {
    table
        .associations()
        .iter()
        .any(|a| a.main() == Some(true) && is_live(a))
}

/// An association EC2 still lists after it was removed; the provider treats it as gone.
fn is_live(association: &RouteTableAssociation) -> bool {
    association.association_state().and_then(|s| s.state())
        != Some(&RouteTableAssociationStateCode::Disassociated)
}

/// A VPC endpoint's id, where EC2 returns it in the gateway field (`vpce-...`).
fn endpoint_gateway(route: &Route) -> Option<&str> {
    route.gateway_id().filter(|g| g.starts_with("vpce-"))
}

/// Whether the provider's `flattenRoutes` keeps the route in the table's `route` set.
fn in_route_set(route: &Route) -> bool {
    if matches!(
        route.gateway_id(),
        Some(GATEWAY_LOCAL | GATEWAY_VPC_LATTICE)
    ) {
        return false;
    }
    if enum_str(route.origin()) == Some("EnableVgwRoutePropagation") {
        return false;
    }
    // Gateway endpoints' prefix-list routes belong to `aws_vpc_endpoint`.
    !(route.destination_prefix_list_id().is_some() && endpoint_gateway(route).is_some())
}

/// One element of `route`, as `flattenRoute` writes it (a set element: every field present,
/// `""` for the targets EC2 leaves out).
fn route_element(route: &Route) -> Attrs {
    let attrs = Attrs::new()
        .str("cidr_block", route.destination_cidr_block())
        .str("ipv6_cidr_block", route.destination_ipv6_cidr_block())
        .str(
            "destination_prefix_list_id",
            route.destination_prefix_list_id(),
        )
        .str("odb_network_arn", route.odb_network_arn());
    targets(attrs, route)
}

/// The targets a route element and an `aws_route` share: `""` for those EC2 leaves out, and a
/// prefix-list route through a gateway endpoint written as `vpc_endpoint_id`, as the provider
/// writes it.
fn targets(attrs: Attrs, route: &Route) -> Attrs {
    let endpoint = endpoint_gateway(route);
    attrs
        .str("carrier_gateway_id", route.carrier_gateway_id())
        .str("core_network_arn", route.core_network_arn())
        .str(
            "egress_only_gateway_id",
            route.egress_only_internet_gateway_id(),
        )
        .str(
            "gateway_id",
            if endpoint.is_some() {
                None
            } else {
                route.gateway_id()
            },
        )
        .str("local_gateway_id", route.local_gateway_id())
        .str("nat_gateway_id", route.nat_gateway_id())
        .str("network_interface_id", route.network_interface_id())
        .str("transit_gateway_id", route.transit_gateway_id())
        .str("vpc_endpoint_id", endpoint)
        .str(
            "vpc_peering_connection_id",
            route.vpc_peering_connection_id(),
        )
}

/// Tags as the route table's Read keeps them: the provider also drops the `AmazonFSx` tag.
fn route_table_tags(table: &RouteTable) -> Vec<Tag> {
    table
        .tags()
        .iter()
        .filter(|t| t.key() != Some("AmazonFSx"))
        .cloned()
        .collect()
}

fn route_table(reader: &RegionReader, table: &RouteTable) -> Option<Observed> {
    let id = table.route_table_id()?;
    let tags = route_table_tags(table);
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&reader.arn("route-table", id)))
        .str("owner_id", table.owner_id())
        .strings(
            "propagating_vgws",
            table
                .propagating_vgws()
                .iter()
                .filter_map(|v| v.gateway_id()),
        )
        .blocks(
            "route",
            table
                .routes()
                .iter()
                .filter(|r| in_route_set(r))
                .map(route_element),
        )
        .tags(&tags)
        .str("vpc_id", table.vpc_id());
    Some(
        Observed::new(id, attributes)
            .default_object(is_main(table))
            .managed_by(managed_by(table.tags())),
    )
}

/// The destination the provider names a route by: its IPv4 CIDR, else its IPv6 CIDR, else its
/// prefix list.
fn destination(route: &Route) -> Option<&str> {
    [
        route.destination_cidr_block(),
        route.destination_ipv6_cidr_block(),
        route.destination_prefix_list_id(),
    ]
    .into_iter()
    .flatten()
    .find(|d| !d.is_empty())
}

/// The provider's `RouteCreateID`: `r-` + table id + the CRC-32 (IEEE) of the destination, in
/// decimal.
fn route_id(route_table_id: &str, destination: &str) -> String {
    format!("r-{route_table_id}{}", string_hashcode(destination))
}

/// The table's `aws_route`s: the routes someone made with `CreateRoute` (the local route and
/// propagated routes are AWS's own). Each goes with its table (whose `route` set shows it too),
/// a gateway endpoint's route with its endpoint.
fn routes<'a>(
    reader: &'a RegionReader,
    table: &'a RouteTable,
) -> impl Iterator<Item = Observed> + 'a {
    let table_id = table.route_table_id().unwrap_or_default();
    table
        .routes()
        .iter()
        .filter(move |_| !table_id.is_empty())
        .filter(|r| enum_str(r.origin()) == Some("CreateRoute"))
        .filter(|r| r.gateway_id() != Some(GATEWAY_LOCAL))
        .filter_map(move |r| Some((r, destination(r)?)))
        .map(move |(r, dest)| {
            let owner = endpoint_gateway(r).map_or_else(
                || format!("aws_route_table:{table_id}"),
                |vpce| format!("aws_vpc_endpoint:{vpce}"),
            );
            Observed::new(
                route_id(table_id, dest),
                route_attributes(reader, table_id, r),
            )
            .owner(Some(owner))
        })
}

/// `aws_route` as `resourceRouteRead` writes it.
fn route_attributes(reader: &RegionReader, table_id: &str, route: &Route) -> Attrs {
    let attrs = Attrs::new()
        .str("region", Some(&reader.region))
        .str("route_table_id", Some(table_id))
        .str("destination_cidr_block", route.destination_cidr_block())
        .str(
            "destination_ipv6_cidr_block",
            route.destination_ipv6_cidr_block(),
        )
        .str(
            "destination_prefix_list_id",
            route.destination_prefix_list_id(),
        )
        .str("instance_id", route.instance_id())
        .str("instance_owner_id", route.instance_owner_id())
        .str("origin", enum_str(route.origin()))
        .str("state", enum_str(route.state()));
    targets(attrs, route)
}

/// The table's live associations: the main one (`main`), or those with a subnet or gateway.
fn associations<'a>(
    reader: &'a RegionReader,
    table: &'a RouteTable,
    main: bool,
) -> impl Iterator<Item = Observed> + 'a {
    table
        .associations()
        .iter()
        .filter(|a| is_live(a))
        .filter(move |a| (a.main() == Some(true)) == main)
        .filter(move |a| main || a.subnet_id().is_some() || a.gateway_id().is_some())
        .filter_map(move |a| {
            let id = a.route_table_association_id()?;
            let route_table_id = a.route_table_id().or(table.route_table_id());
            let observed = if main {
                // AWS makes one per VPC; Terraform only adopts it. `original_route_table_id`
                // is what Create found, kept in state only.
                let attributes = Attrs::new()
                    .str("region", Some(&reader.region))
                    .str("route_table_id", route_table_id)
                    .str("vpc_id", table.vpc_id());
                Observed::new(id, attributes)
                    .unread(&["original_route_table_id"])
                    .default_object(true)
            } else {
                let attributes = Attrs::new()
                    .str("region", Some(&reader.region))
                    .str("gateway_id", a.gateway_id())
                    .str("route_table_id", route_table_id)
                    .str("subnet_id", a.subnet_id());
                Observed::new(id, attributes)
            };
            Some(observed)
        })
}

fn egress_only_gateway(
    reader: &RegionReader,
    gateway: &EgressOnlyInternetGateway,
) -> Option<Observed> {
    let id = gateway.egress_only_internet_gateway_id()?;
    // The provider sets `vpc_id` only for a gateway with exactly one attached VPC.
    let vpc_id = match gateway.attachments() {
        [only] if enum_str(only.state()) == Some("attached") => only.vpc_id(),
        _ => None,
    };
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .tags(gateway.tags())
        .str("vpc_id", vpc_id);
    Some(Observed::new(id, attributes).managed_by(managed_by(gateway.tags())))
}

fn nat_gateway(reader: &RegionReader, gateway: &NatGateway) -> Option<Observed> {
    let id = gateway.nat_gateway_id()?;
    // Deleted gateways stay listed for a while; the provider treats them as gone.
    if matches!(enum_str(gateway.state()), Some("deleted" | "deleting")) {
        return None;
    }
    let addresses = gateway.nat_gateway_addresses();
    let primary = addresses
        .iter()
        .find(|a| a.is_primary() == Some(true) || addresses.len() == 1);
    let secondary: Vec<&str> = addresses
        .iter()
        .filter(|a| a.is_primary() != Some(true) && addresses.len() > 1)
        .filter_map(|a| a.private_ip())
        .filter(|ip| !ip.is_empty())
        .collect();
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("allocation_id", primary.and_then(|a| a.allocation_id()))
        .str("association_id", primary.and_then(|a| a.association_id()))
        .str("connectivity_type", enum_str(gateway.connectivity_type()))
        .str(
            "network_interface_id",
            primary.and_then(|a| a.network_interface_id()),
        )
        .str("private_ip", primary.and_then(|a| a.private_ip()))
        .str("public_ip", primary.and_then(|a| a.public_ip()))
        .int(
            "secondary_private_ip_address_count",
            Some(count(secondary.len())),
        )
        .strings("secondary_private_ip_addresses", secondary.iter().copied())
        .str("subnet_id", gateway.subnet_id())
        .tags(gateway.tags());
    Some(Observed::new(id, attributes).managed_by(managed_by(gateway.tags())))
}

/// Set from configuration only, or from calls per endpoint (`DescribePrefixLists` for the
/// service's prefix list, `DescribeNetworkInterfaces` for the subnet configurations).
const VPC_ENDPOINT_UNREAD: &[&str] = &[
    "auto_accept",
    "cidr_blocks",
    "prefix_list_id",
    "subnet_configuration",
];

fn vpc_endpoint(reader: &RegionReader, endpoint: &VpcEndpoint) -> Option<Observed> {
    let id = endpoint.vpc_endpoint_id()?;
    let state = enum_str(endpoint.state()).unwrap_or_default();
    if state.eq_ignore_ascii_case("deleted") {
        return None;
    }
    let account = endpoint.owner_id().unwrap_or(&reader.account);
    let arn = reader.arn_in(account, "vpc-endpoint", id);
    let dns_options = endpoint.dns_options().map(|o| {
        Attrs::new()
            .str("dns_record_ip_type", enum_str(o.dns_record_ip_type()))
            .bool(
                "private_dns_only_for_inbound_resolver_endpoint",
                o.private_dns_only_for_inbound_resolver_endpoint(),
            )
            .str("private_dns_preference", o.private_dns_preference())
            .strings(
                "private_dns_specified_domains",
                o.private_dns_specified_domains().iter().map(String::as_str),
            )
    });
    // GovCloud returns no type; the provider writes the default, Gateway.
    let endpoint_type = enum_str(endpoint.vpc_endpoint_type())
        .filter(|t| !t.is_empty())
        .unwrap_or("Gateway");
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&arn))
        .blocks(
            "dns_entry",
            endpoint.dns_entries().iter().map(|e| {
                Attrs::new()
                    .str("dns_name", e.dns_name())
                    .str("hosted_zone_id", e.hosted_zone_id())
            }),
        )
        .block("dns_options", dns_options)
        .str("ip_address_type", enum_str(endpoint.ip_address_type()))
        .strings(
            "network_interface_ids",
            endpoint.network_interface_ids().iter().map(String::as_str),
        )
        .str("owner_id", endpoint.owner_id())
        .str("policy", endpoint.policy_document())
        .bool("private_dns_enabled", endpoint.private_dns_enabled())
        .bool("requester_managed", endpoint.requester_managed())
        .str(
            "resource_configuration_arn",
            endpoint.resource_configuration_arn(),
        )
        .strings(
            "route_table_ids",
            endpoint.route_table_ids().iter().map(String::as_str),
        )
        .strings(
            "security_group_ids",
            endpoint.groups().iter().filter_map(|g| g.group_id()),
        )
        .str("service_name", endpoint.service_name())
        .str("service_network_arn", endpoint.service_network_arn())
        .str("service_region", endpoint.service_region())
        .str("state", Some(state))
        .strings(
            "subnet_ids",
            endpoint.subnet_ids().iter().map(String::as_str),
        )
        .tags(endpoint.tags())
        .str("vpc_endpoint_type", Some(endpoint_type))
        .str("vpc_id", endpoint.vpc_id());
    let managed = managed_by(endpoint.tags()).or(endpoint
        .requester_managed()
        .unwrap_or(false)
        .then_some("requester"));
    Some(
        Observed::new(id, attributes)
            .unread(VPC_ENDPOINT_UNREAD)
            .managed_by(managed),
    )
}

/// The values of one DHCP option (`domain-name-servers`, ...).
fn dhcp_values<'a>(options: &'a DhcpOptions, key: &str) -> Vec<&'a str> {
    options
        .dhcp_configurations()
        .iter()
        .filter(|c| c.key() == Some(key))
        .flat_map(DhcpConfiguration::values)
        .filter_map(|v| v.value())
        .collect()
}

/// AWS's own option set: the region's domain and Amazon's DNS, nothing else (what
/// `aws_default_vpc_dhcp_options` adopts).
fn is_default_dhcp(region: &str, options: &DhcpOptions) -> bool {
    let domain = internal_domain(region);
    let keys: Vec<&str> = options
        .dhcp_configurations()
        .iter()
        .filter_map(|c| c.key())
        .collect();
    keys.len() == 2
        && dhcp_values(options, "domain-name") == [domain.as_str()]
        && dhcp_values(options, "domain-name-servers") == ["AmazonProvidedDNS"]
}

fn dhcp_options(reader: &RegionReader, options: &DhcpOptions) -> Option<Observed> {
    let id = options.dhcp_options_id()?;
    let account = options.owner_id().unwrap_or(&reader.account);
    let arn = reader.arn_in(account, "dhcp-options", id);
    let first = |key: &str| dhcp_values(options, key).first().copied();
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&arn))
        .str("domain_name", first("domain-name"))
        .set(
            "domain_name_servers",
            strings(dhcp_values(options, "domain-name-servers")),
        )
        .str(
            "ipv6_address_preferred_lease_time",
            first("ipv6-address-preferred-lease-time"),
        )
        .set(
            "netbios_name_servers",
            strings(dhcp_values(options, "netbios-name-servers")),
        )
        .str("netbios_node_type", first("netbios-node-type"))
        .set("ntp_servers", strings(dhcp_values(options, "ntp-servers")))
        .str("owner_id", options.owner_id())
        .tags(options.tags());
    Some(
        Observed::new(id, attributes)
            .default_object(is_default_dhcp(&reader.region, options))
            .managed_by(managed_by(options.tags())),
    )
}

fn flow_log(reader: &RegionReader, log: &FlowLog) -> Option<Observed> {
    let id = log.flow_log_id()?;
    let resource = log.resource_id().unwrap_or_default();
    // The provider names the logged resource by its id's prefix.
    let of = |prefix: &str| resource.starts_with(prefix).then_some(resource);
    let transit_attachment = of("tgw-attach-");
    let transit_gateway = of("tgw-").filter(|_| transit_attachment.is_none());
    let destination_options = log.destination_options().map(|o| {
        Attrs::new()
            .str("file_format", enum_str(o.file_format()))
            .bool("hive_compatible_partitions", o.hive_compatible_partitions())
            .bool("per_hour_partition", o.per_hour_partition())
    });
    let traffic_type = if resource.starts_with("tgw-") {
        None
    } else {
        enum_str(log.traffic_type())
    };
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&reader.arn("vpc-flow-log", id)))
        .str(
            "deliver_cross_account_role",
            log.deliver_cross_account_role(),
        )
        .block("destination_options", destination_options)
        .str("eni_id", of("eni-"))
        .str("iam_role_arn", log.deliver_logs_permission_arn())
        .str("log_destination", log.log_destination())
        .str("log_destination_type", enum_str(log.log_destination_type()))
        .str("log_format", log.log_format())
        .int("max_aggregation_interval", log.max_aggregation_interval())
        .str("regional_nat_gateway_id", of("nat-"))
        .str("subnet_id", of("subnet-"))
        .tags(log.tags())
        .str("traffic_type", traffic_type)
        .str("transit_gateway_attachment_id", transit_attachment)
        .str("transit_gateway_id", transit_gateway)
        .str("vpc_id", of("vpc-"));
    Some(Observed::new(id, attributes).managed_by(managed_by(log.tags())))
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{
        AttributeValue, FlowLog, InternetGatewayAttachment, NatGatewayAddress, NatGatewayState,
        PropagatingVgw, RouteOrigin, RouteState, RouteTableAssociationState, State, Tag,
        TrafficType,
    };

    use plumb_model::Value;

    use super::*;

    fn reader() -> RegionReader {
        crate::region::tests::reader()
    }

    /// `route` is compared without a shipped schema (see the schema crate's `NOT_SHIPPED`):
    /// the coverage check looks at everything else.
    fn covers_schema_but_route(observed: &Observed) {
        let mut attributes = observed.attributes.clone();
        attributes.as_map_mut().unwrap().remove("route");
        let copy = Observed {
            id: observed.id.clone(),
            attributes,
            unread: observed.unread.clone(),
            meta: observed.meta.clone(),
        };
        super::super::assert_covers_schema("aws_route_table", &copy);
    }

    fn route(cidr: &str, gateway: &str, origin: RouteOrigin) -> Route {
        Route::builder()
            .destination_cidr_block(cidr)
            .gateway_id(gateway)
            .origin(origin)
            .state(RouteState::Active)
            .build()
    }

    fn table() -> RouteTable {
        RouteTable::builder()
            .route_table_id("rtb-1")
            .vpc_id("vpc-1")
            .owner_id("123456789012")
            .routes(route("10.0.0.0/16", "local", RouteOrigin::CreateRouteTable))
            .routes(route("0.0.0.0/0", "igw-1", RouteOrigin::CreateRoute))
            .routes(route(
                "10.9.0.0/16",
                "vgw-1",
                RouteOrigin::EnableVgwRoutePropagation,
            ))
            .routes(
                Route::builder()
                    .destination_ipv6_cidr_block("::/0")
                    .egress_only_internet_gateway_id("eigw-1")
                    .origin(RouteOrigin::CreateRoute)
                    .build(),
            )
            .routes(
                Route::builder()
                    .destination_prefix_list_id("pl-1")
                    .gateway_id("vpce-1")
                    .origin(RouteOrigin::CreateRoute)
                    .build(),
            )
            .propagating_vgws(PropagatingVgw::builder().gateway_id("vgw-1").build())
            .associations(
                RouteTableAssociation::builder()
                    .route_table_association_id("rtbassoc-main")
                    .route_table_id("rtb-1")
                    .main(true)
                    .build(),
            )
            .associations(
                RouteTableAssociation::builder()
                    .route_table_association_id("rtbassoc-1")
                    .route_table_id("rtb-1")
                    .subnet_id("subnet-1")
                    .main(false)
                    .build(),
            )
            .associations(
                RouteTableAssociation::builder()
                    .route_table_association_id("rtbassoc-gone")
                    .route_table_id("rtb-1")
                    .subnet_id("subnet-2")
                    .main(false)
                    .association_state(
                        RouteTableAssociationState::builder()
                            .state(RouteTableAssociationStateCode::Disassociated)
                            .build(),
                    )
                    .build(),
            )
            .tags(Tag::builder().key("Name").value("main").build())
            .tags(Tag::builder().key("AmazonFSx").value("managed").build())
            .build()
    }

    #[test]
    fn a_route_table_reads_as_the_provider_writes_it() {
        let observed = route_table(&reader(), &table()).unwrap();
        covers_schema_but_route(&observed);
        let a = &observed.attributes;
        assert_eq!(
            a.get("arn"),
            Some(&Value::string(
                "arn:aws:ec2:eu-west-1:123456789012:route-table/rtb-1"
            ))
        );
        assert_eq!(a.get("propagating_vgws"), Some(&strings(["vgw-1"])));
        assert_eq!(a.get("tags").unwrap().as_map().unwrap().len(), 1);
        // Local, propagated and endpoint routes are left out; what is left is in full.
        let routes = a.get("route").unwrap().as_list().unwrap();
        assert_eq!(routes.len(), 2);
        assert_eq!(
            routes[0].get("cidr_block"),
            Some(&Value::string("0.0.0.0/0"))
        );
        assert_eq!(routes[0].get("gateway_id"), Some(&Value::string("igw-1")));
        assert_eq!(routes[0].get("nat_gateway_id"), Some(&Value::string("")));
        assert_eq!(
            routes[1].get("ipv6_cidr_block"),
            Some(&Value::string("::/0"))
        );
        assert_eq!(
            routes[1].get("egress_only_gateway_id"),
            Some(&Value::string("eigw-1"))
        );
        // The table with the main association is the VPC's own.
        assert_eq!(
            observed.meta.get("default").map(String::as_str),
            Some("true")
        );
    }

    #[test]
    fn routes_are_those_made_with_create_route_under_the_provider_id() {
        let reader = reader();
        let table = table();
        let observed: Vec<Observed> = routes(&reader, &table).collect();
        for o in &observed {
            super::super::assert_covers_schema("aws_route", o);
        }
        let ids: Vec<&str> = observed.iter().map(|o| o.id.as_str()).collect();
        // The provider's ids, as found in real states (crc32 of the destination).
        assert_eq!(ids[0], format!("r-rtb-1{}", string_hashcode("0.0.0.0/0")));
        assert_eq!(
            route_id("rtb-096bdfb69309c54c3", "1.1.1.1/32"),
            "r-rtb-096bdfb69309c54c3243279527"
        );
        assert_eq!(
            route_id("rtb-096bdfb69309c54c3", "::/0"),
            "r-rtb-096bdfb69309c54c32750132062"
        );
        assert_eq!(
            observed.len(),
            3,
            "local and propagated routes are not aws_route"
        );
        let igw = &observed[0].attributes;
        assert_eq!(igw.get("route_table_id"), Some(&Value::string("rtb-1")));
        assert_eq!(
            igw.get("destination_cidr_block"),
            Some(&Value::string("0.0.0.0/0"))
        );
        assert_eq!(igw.get("origin"), Some(&Value::string("CreateRoute")));
        assert_eq!(igw.get("state"), Some(&Value::string("active")));
        assert_eq!(
            observed[0].meta.get("owner").map(String::as_str),
            Some("aws_route_table:rtb-1")
        );
        let endpoint = &observed[2];
        assert_eq!(
            endpoint.attributes.get("vpc_endpoint_id"),
            Some(&Value::string("vpce-1"))
        );
        assert_eq!(
            endpoint.attributes.get("gateway_id"),
            Some(&Value::string(""))
        );
        assert_eq!(
            endpoint.meta.get("owner").map(String::as_str),
            Some("aws_vpc_endpoint:vpce-1")
        );
    }

    #[test]
    fn associations_split_into_main_and_explicit_ones() {
        let reader = reader();
        let table = table();
        let explicit: Vec<Observed> = associations(&reader, &table, false).collect();
        assert_eq!(explicit.len(), 1, "the disassociated one is gone");
        super::super::assert_covers_schema("aws_route_table_association", &explicit[0]);
        let a = &explicit[0].attributes;
        assert_eq!(explicit[0].id, "rtbassoc-1");
        assert_eq!(a.get("subnet_id"), Some(&Value::string("subnet-1")));
        assert_eq!(a.get("gateway_id"), Some(&Value::string("")));
        assert_eq!(a.get("route_table_id"), Some(&Value::string("rtb-1")));

        let main: Vec<Observed> = associations(&reader, &table, true).collect();
        assert_eq!(main.len(), 1);
        super::super::assert_covers_schema("aws_main_route_table_association", &main[0]);
        assert_eq!(main[0].id, "rtbassoc-main");
        assert_eq!(
            main[0].attributes.get("vpc_id"),
            Some(&Value::string("vpc-1"))
        );
        assert_eq!(
            main[0].meta.get("default").map(String::as_str),
            Some("true")
        );
    }

    #[test]
    fn a_nat_gateway_reads_its_primary_and_secondary_addresses() {
        let gateway = NatGateway::builder()
            .nat_gateway_id("nat-1")
            .subnet_id("subnet-1")
            .state(NatGatewayState::Available)
            .connectivity_type(aws_sdk_ec2::types::ConnectivityType::Public)
            .nat_gateway_addresses(
                NatGatewayAddress::builder()
                    .allocation_id("eipalloc-1")
                    .association_id("eipassoc-1")
                    .network_interface_id("eni-1")
                    .private_ip("10.0.0.5")
                    .public_ip("1.2.3.4")
                    .is_primary(true)
                    .build(),
            )
            .nat_gateway_addresses(
                NatGatewayAddress::builder()
                    .allocation_id("eipalloc-2")
                    .private_ip("10.0.0.6")
                    .is_primary(false)
                    .build(),
            )
            .build();
        let observed = nat_gateway(&reader(), &gateway).unwrap();
        super::super::assert_covers_schema("aws_nat_gateway", &observed);
        let a = &observed.attributes;
        assert_eq!(a.get("allocation_id"), Some(&Value::string("eipalloc-1")));
        assert_eq!(a.get("public_ip"), Some(&Value::string("1.2.3.4")));
        assert_eq!(a.get("connectivity_type"), Some(&Value::string("public")));
        assert_eq!(
            a.get("secondary_private_ip_addresses"),
            Some(&strings(["10.0.0.6"]))
        );
        assert_eq!(
            a.get("secondary_private_ip_address_count"),
            Some(&Value::int(1))
        );
        let deleted = NatGateway::builder()
            .nat_gateway_id("nat-2")
            .state(NatGatewayState::Deleted)
            .build();
        assert!(nat_gateway(&reader(), &deleted).is_none());
    }

    #[test]
    fn a_vpc_endpoint_reads_as_the_provider_writes_it() {
        let endpoint = VpcEndpoint::builder()
            .vpc_endpoint_id("vpce-1")
            .vpc_id("vpc-1")
            .service_name("com.amazonaws.eu-west-1.s3")
            .state(State::Available)
            .owner_id("123456789012")
            .route_table_ids("rtb-1")
            .build();
        let observed = vpc_endpoint(&reader(), &endpoint).unwrap();
        super::super::assert_covers_schema("aws_vpc_endpoint", &observed);
        let a = &observed.attributes;
        assert_eq!(a.get("vpc_endpoint_type"), Some(&Value::string("Gateway")));
        assert_eq!(a.get("route_table_ids"), Some(&strings(["rtb-1"])));
        assert_eq!(a.get("dns_options"), Some(&Value::List(vec![])));
        assert_eq!(
            a.get("arn"),
            Some(&Value::string(
                "arn:aws:ec2:eu-west-1:123456789012:vpc-endpoint/vpce-1"
            ))
        );
        let deleted = VpcEndpoint::builder()
            .vpc_endpoint_id("vpce-2")
            .state(State::from("deleted"))
            .build();
        assert!(vpc_endpoint(&reader(), &deleted).is_none());
    }

    #[test]
    fn dhcp_options_read_per_key_and_the_default_set_is_known() {
        let config = |key: &str, values: &[&str]| {
            let mut c = DhcpConfiguration::builder().key(key);
            for v in values {
                c = c.values(AttributeValue::builder().value(*v).build());
            }
            c.build()
        };
        let options = DhcpOptions::builder()
            .dhcp_options_id("dopt-1")
            .owner_id("123456789012")
            .dhcp_configurations(config("domain-name", &["eu-west-1.compute.internal"]))
            .dhcp_configurations(config("domain-name-servers", &["AmazonProvidedDNS"]))
            .build();
        let observed = dhcp_options(&reader(), &options).unwrap();
        super::super::assert_covers_schema("aws_vpc_dhcp_options", &observed);
        let a = &observed.attributes;
        assert_eq!(
            a.get("domain_name"),
            Some(&Value::string("eu-west-1.compute.internal"))
        );
        assert_eq!(
            a.get("domain_name_servers"),
            Some(&strings(["AmazonProvidedDNS"]))
        );
        assert_eq!(a.get("ntp_servers"), Some(&Value::List(vec![])));
        assert_eq!(
            observed.meta.get("default").map(String::as_str),
            Some("true")
        );
    }

    #[test]
    fn a_flow_log_names_its_resource_by_prefix() {
        let log = FlowLog::builder()
            .flow_log_id("fl-1")
            .resource_id("vpc-1")
            .traffic_type(TrafficType::All)
            .log_destination_type(aws_sdk_ec2::types::LogDestinationType::S3)
            .log_destination("arn:aws:s3:::bucket")
            .max_aggregation_interval(600)
            .build();
        let observed = flow_log(&reader(), &log).unwrap();
        super::super::assert_covers_schema("aws_flow_log", &observed);
        let a = &observed.attributes;
        assert_eq!(a.get("vpc_id"), Some(&Value::string("vpc-1")));
        assert_eq!(a.get("subnet_id"), Some(&Value::string("")));
        assert_eq!(a.get("traffic_type"), Some(&Value::string("ALL")));
        assert_eq!(a.get("max_aggregation_interval"), Some(&Value::int(600)));
        assert_eq!(
            a.get("arn"),
            Some(&Value::string(
                "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/fl-1"
            ))
        );
    }

    #[test]
    fn an_egress_only_gateway_names_its_one_vpc() {
        let gateway = EgressOnlyInternetGateway::builder()
            .egress_only_internet_gateway_id("eigw-1")
            .attachments(
                InternetGatewayAttachment::builder()
                    .vpc_id("vpc-1")
                    .state(aws_sdk_ec2::types::AttachmentStatus::Attached)
                    .build(),
            )
            .build();
        let observed = egress_only_gateway(&reader(), &gateway).unwrap();
        super::super::assert_covers_schema("aws_egress_only_internet_gateway", &observed);
        assert_eq!(
            observed.attributes.get("vpc_id"),
            Some(&Value::string("vpc-1"))
        );
    }
}
