//! `aws_vpc_peering_connection` (`DescribeVpcPeeringConnections`), as the provider's Read
//! writes it.
//!
//! `aws_vpc_peering_connection_accepter` is the same object adopted by the accepting side and
//! read by the same Read: its catalog entry names the connection as its base type, so the
//! adapter reports each connection once and matching finds the accepter there.

use aws_sdk_ec2::types::{VpcPeeringConnection, VpcPeeringConnectionVpcInfo};

use super::{AwsType, Read};
use crate::attrs::{Attrs, Observed, enum_str, managed_by};
use crate::ops;
use crate::region::{RegionReader, listing};

pub(super) const TYPES: &[AwsType] = &[AwsType::listed(
    "aws_vpc_peering_connection",
    ops::DESCRIBE_VPC_PEERING_CONNECTIONS,
)];

/// Status codes of a connection that is over: the provider's Read takes them for "not found"
/// (EC2 keeps listing such connections for a while), so the adapter leaves them out and a
/// connection deleted by hand is missing.
const GONE: &[&str] = &["deleted", "expired", "failed", "rejected"];

pub(super) async fn read(reader: &RegionReader, _resource_type: &str) -> Read {
    let connections = listing!(
        reader,
        ops::DESCRIBE_VPC_PEERING_CONNECTIONS,
        "aws_vpc_peering_connection",
        "vpc-peering-connection-id",
        reader
            .ec2
            .describe_vpc_peering_connections()
            .max_results(1000),
        |page| page.vpc_peering_connections.unwrap_or_default()
    );
    Ok(connections
        .iter()
        .filter(|c| !is_gone(c))
        .map(|c| connection(reader, c))
        .collect())
}

fn owner(info: Option<&VpcPeeringConnectionVpcInfo>) -> Option<&str> {
    info.and_then(VpcPeeringConnectionVpcInfo::owner_id)
}

fn is_gone(connection: &VpcPeeringConnection) -> bool {
    enum_str(connection.status().and_then(|s| s.code())).is_some_and(|code| GONE.contains(&code))
}

fn connection(reader: &RegionReader, connection: &VpcPeeringConnection) -> Observed {
    let id = connection.vpc_peering_connection_id().unwrap_or_default();
    let requester = connection.requester_vpc_info();
    let accepter = connection.accepter_vpc_info();
    // The provider reads `vpc_id` and the `peer_*` from the accepter's side only where this
    // account accepted a connection another account requested; otherwise (the same account on
    // both sides included) from the requester's. `peer_region` is the accepter's either way.
    let account = Some(reader.account.as_str());
    let accepting = owner(accepter) == account && owner(requester) != account;
    let (local, peer) = if accepting {
        (accepter, requester)
    } else {
        (requester, accepter)
    };
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str(
            "accept_status",
            enum_str(connection.status().and_then(|s| s.code())),
        )
        .block("accepter", accepter.and_then(options))
        .str("peer_owner_id", owner(peer))
        .str("peer_region", accepter.and_then(|i| i.region()))
        .str("peer_vpc_id", peer.and_then(|i| i.vpc_id()))
        .block("requester", requester.and_then(options))
        .tags(connection.tags())
        .str("vpc_id", local.and_then(|i| i.vpc_id()));
    Observed::new(id, attributes)
        // An instruction to accept at create time, never returned.
        .unread(&["auto_accept"])
        .managed_by(managed_by(connection.tags()))
}

/// One side's option block; EC2 returns none until the connection is active, and the provider
/// then writes an empty list.
fn options(info: &VpcPeeringConnectionVpcInfo) -> Option<Attrs> {
    let options = info.peering_options()?;
    Some(Attrs::new().bool(
        "allow_remote_vpc_dns_resolution",
        options.allow_dns_resolution_from_remote_vpc(),
    ))
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{
        Tag, VpcPeeringConnectionOptionsDescription, VpcPeeringConnectionStateReason,
        VpcPeeringConnectionStateReasonCode,
    };
    use plumb_model::Value;

    use super::*;

    fn side(
        owner: &str,
        vpc: &str,
        region: &str,
        dns: Option<bool>,
    ) -> VpcPeeringConnectionVpcInfo {
        let info = VpcPeeringConnectionVpcInfo::builder()
            .owner_id(owner)
            .vpc_id(vpc)
            .region(region);
        match dns {
            Some(dns) => info
                .peering_options(
                    VpcPeeringConnectionOptionsDescription::builder()
                        .allow_dns_resolution_from_remote_vpc(dns)
                        .build(),
                )
                .build(),
            None => info.build(),
        }
    }

    fn peering(
        status: VpcPeeringConnectionStateReasonCode,
        requester: VpcPeeringConnectionVpcInfo,
        accepter: VpcPeeringConnectionVpcInfo,
    ) -> VpcPeeringConnection {
        VpcPeeringConnection::builder()
            .vpc_peering_connection_id("pcx-1")
            .status(
                VpcPeeringConnectionStateReason::builder()
                    .code(status)
                    .build(),
            )
            .requester_vpc_info(requester)
            .accepter_vpc_info(accepter)
            .tags(Tag::builder().key("Name").value("hub-spoke").build())
            .build()
    }

    fn text<'a>(observed: &'a Observed, key: &str) -> &'a str {
        observed
            .attributes
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no text `{key}`"))
    }

    #[test]
    fn the_requesters_side_reads_as_the_provider_writes_it() {
        let reader = crate::region::tests::reader();
        let c = peering(
            VpcPeeringConnectionStateReasonCode::Active,
            side("123456789012", "vpc-hub", "eu-west-1", Some(true)),
            side("210987654321", "vpc-spoke", "eu-central-1", Some(false)),
        );
        let observed = connection(&reader, &c);
        super::super::assert_covers_schema("aws_vpc_peering_connection", &observed);
        super::super::assert_covers_schema("aws_vpc_peering_connection_accepter", &{
            // The accepter's schema adds its configuration's `vpc_peering_connection_id`,
            // which the Read never writes (the importer sets it to the id).
            let mut o = connection(&reader, &c);
            o.unread
                .push(plumb_model::AttrPath::attr("vpc_peering_connection_id"));
            o
        });
        assert_eq!(observed.id, "pcx-1");
        assert_eq!(text(&observed, "accept_status"), "active");
        assert_eq!(text(&observed, "vpc_id"), "vpc-hub");
        assert_eq!(text(&observed, "peer_vpc_id"), "vpc-spoke");
        assert_eq!(text(&observed, "peer_owner_id"), "210987654321");
        assert_eq!(text(&observed, "peer_region"), "eu-central-1");
        let requester = &observed
            .attributes
            .get("requester")
            .unwrap()
            .as_list()
            .unwrap()[0];
        assert_eq!(
            requester.get("allow_remote_vpc_dns_resolution"),
            Some(&Value::Bool(true))
        );
        let accepter = &observed
            .attributes
            .get("accepter")
            .unwrap()
            .as_list()
            .unwrap()[0];
        assert_eq!(
            accepter.get("allow_remote_vpc_dns_resolution"),
            Some(&Value::Bool(false))
        );
        assert_eq!(
            observed.attributes.get("tags").unwrap().get("Name"),
            Some(&Value::string("hub-spoke"))
        );
        let unread: Vec<String> = observed.unread.iter().map(ToString::to_string).collect();
        assert_eq!(unread, ["auto_accept"]);
    }

    /// Seen from the account that accepted another account's request, the provider's `vpc_id`
    /// is the accepter's VPC and the `peer_*` the requester's; `peer_region` stays the
    /// accepter's region.
    #[test]
    fn the_accepting_account_sees_its_own_vpc_as_vpc_id() {
        let reader = crate::region::tests::reader();
        let c = peering(
            VpcPeeringConnectionStateReasonCode::Active,
            side("210987654321", "vpc-hub", "eu-central-1", Some(false)),
            side("123456789012", "vpc-spoke", "eu-west-1", Some(true)),
        );
        let observed = connection(&reader, &c);
        assert_eq!(text(&observed, "vpc_id"), "vpc-spoke");
        assert_eq!(text(&observed, "peer_vpc_id"), "vpc-hub");
        assert_eq!(text(&observed, "peer_owner_id"), "210987654321");
        assert_eq!(text(&observed, "peer_region"), "eu-west-1");
    }

    /// A connection not yet accepted has no options on either side: empty blocks, as the
    /// provider writes them. The provider's Read takes a finished connection for not found.
    #[test]
    fn a_pending_connection_has_empty_option_blocks_and_a_finished_one_is_gone() {
        use VpcPeeringConnectionStateReasonCode as Code;
        let reader = crate::region::tests::reader();
        let within = |code: Code| {
            peering(
                code,
                side("123456789012", "vpc-hub", "eu-west-1", None),
                side("123456789012", "vpc-spoke", "eu-west-1", None),
            )
        };
        let observed = connection(&reader, &within(Code::PendingAcceptance));
        assert_eq!(text(&observed, "accept_status"), "pending-acceptance");
        for block in ["accepter", "requester"] {
            assert_eq!(
                observed.attributes.get(block),
                Some(&Value::List(Vec::new()))
            );
        }
        for (code, gone) in [
            (Code::Deleted, true),
            (Code::Expired, true),
            (Code::Failed, true),
            (Code::Rejected, true),
            (Code::PendingAcceptance, false),
            (Code::Provisioning, false),
            (Code::Active, false),
            (Code::Deleting, false),
        ] {
            assert_eq!(is_gone(&within(code.clone())), gone, "{code:?}");
        }
    }
}
