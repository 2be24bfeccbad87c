//! `aws_instance`, as the provider's `resourceInstanceRead` writes it, from one paginated
//! `DescribeInstances` and the region's `DescribeVolumes` (for the block devices).

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Instance, InstanceAttributeName, Volume};
use base64::Engine as _;
use plumb_model::Value;

use super::{AwsType, Read};
use crate::attrs::{Attrs, Observed, attribute_bool, count, enum_str, managed_by, strings};
use crate::ops;
use crate::region::RegionReader;

pub(super) const TYPES: &[AwsType] = &[AwsType {
    details: Some(wants_details),
    ..AwsType::listed("aws_instance", ops::DESCRIBE_INSTANCES)
}];

/// Attributes `DescribeInstances` does not return: one `DescribeInstanceAttribute` each.
pub(super) const PER_RESOURCE: &[&str] = &[
    "user_data",
    "disable_api_termination",
    "disable_api_stop",
    "instance_initiated_shutdown_behavior",
];

/// Whether a state instance holds a value of a [`PER_RESOURCE`] attribute other than the one
/// AWS gives a new instance: then the calls are worth paying for, because drift there
/// (termination protection turned off, user data replaced) is what matters.
fn wants_details(state: &Value) -> bool {
    super::differs(state, "user_data", &Value::Null)
        || super::differs(state, "disable_api_termination", &Value::Bool(false))
        || super::differs(state, "disable_api_stop", &Value::Bool(false))
        || super::differs(
            state,
            "instance_initiated_shutdown_behavior",
            &Value::string("stop"),
        )
}

/// Set from configuration only, or from calls the adapter does not make.
const UNREAD: &[&str] = &[
    "credit_specification",
    "ephemeral_block_device",
    "force_destroy",
    "get_password_data",
    "instance_market_options",
    "launch_template",
    "network_interface",
    "password_data",
    "user_data_base64",
    "user_data_replace_on_change",
    "volume_tags",
];

pub(super) async fn read(reader: &RegionReader, _resource_type: &str) -> Read {
    let instances = reader.instances().await?;
    let volumes = reader.volumes().await?;
    let volumes: BTreeMap<&str, &Volume> = volumes
        .iter()
        .filter_map(|v| Some((v.volume_id()?, v)))
        .collect();
    let mut out = Vec::with_capacity(instances.len());
    for (owner, instance) in instances.iter() {
        let Some(id) = instance.instance_id() else {
            continue;
        };
        let observed = observe(reader, owner, instance, &volumes);
        out.push(if reader.wants_details("aws_instance", &observed.id) {
            observed.with(per_resource(reader, id).await?)
        } else {
            observed.unread(PER_RESOURCE)
        });
    }
    Ok(out)
}

/// The attributes of [`PER_RESOURCE`], one call each.
async fn per_resource(
    reader: &RegionReader,
    id: &str,
) -> Result<Vec<(&'static str, Value)>, String> {
    let ask = |attribute: InstanceAttributeName| {
        reader.send(
            ops::DESCRIBE_INSTANCE_ATTRIBUTE,
            reader
                .ec2
                .describe_instance_attribute()
                .instance_id(id)
                .attribute(attribute)
                .send(),
        )
    };
    let user_data = ask(InstanceAttributeName::UserData).await?;
    let termination = ask(InstanceAttributeName::DisableApiTermination).await?;
    let stop = ask(InstanceAttributeName::DisableApiStop).await?;
    let shutdown = ask(InstanceAttributeName::InstanceInitiatedShutdownBehavior).await?;
    // The provider keeps user data as the text it was given (EC2 returns it base64-encoded).
    let user_data = user_data
        .user_data()
        .and_then(|v| v.value())
        .filter(|v| !v.is_empty())
        .map_or(Value::Null, |encoded| {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            Value::Sensitive(Box::new(Value::string(
                decoded.unwrap_or_else(|| encoded.to_owned()),
            )))
        });
    Ok(vec![
        ("user_data", user_data),
        (
            "disable_api_termination",
            attribute_bool(termination.disable_api_termination()),
        ),
        ("disable_api_stop", attribute_bool(stop.disable_api_stop())),
        (
            "instance_initiated_shutdown_behavior",
            Value::string(
                shutdown
                    .instance_initiated_shutdown_behavior()
                    .and_then(|v| v.value())
                    .unwrap_or_default(),
            ),
        ),
    ])
}

fn observe(
    reader: &RegionReader,
    owner: &str,
    instance: &Instance,
    volumes: &BTreeMap<&str, &Volume>,
) -> Observed {
    let id = instance.instance_id().unwrap_or_default();
    let placement = instance.placement();
    let primary = instance.network_interfaces().iter().find(|ni| {
        ni.attachment()
            .and_then(aws_sdk_ec2::types::InstanceNetworkInterfaceAttachment::device_index)
            == Some(0)
    });
    let account = if owner.is_empty() {
        &reader.account
    } else {
        owner
    };
    let arn = reader.arn_in(account, "instance", id);
    let root_device = instance.root_device_name();
    let mut root = None;
    let mut ebs = Vec::new();
    for mapping in instance.block_device_mappings() {
        let Some(device) = mapping.ebs() else {
            continue;
        };
        let volume = device.volume_id().and_then(|v| volumes.get(v).copied());
        let block = block_device(
            mapping.device_name(),
            device.delete_on_termination(),
            device.volume_id(),
            volume,
        );
        if mapping.device_name().is_some() && mapping.device_name() == root_device {
            root = Some(block);
        } else {
            let snapshot = volume.and_then(Volume::snapshot_id);
            ebs.push(block.str("snapshot_id", snapshot));
        }
    }
    let monitoring = matches!(
        instance
            .monitoring()
            .and_then(|m| m.state())
            .map(AsRef::as_ref),
        Some("enabled" | "pending")
    );
    let metadata = instance.metadata_options().map(|m| {
        Attrs::new()
            .str("http_endpoint", enum_str(m.http_endpoint()))
            .int(
                "http_put_response_hop_limit",
                m.http_put_response_hop_limit(),
            )
            .str("http_tokens", enum_str(m.http_tokens()))
            .str(
                "instance_metadata_tags",
                enum_str(m.instance_metadata_tags()),
            )
            .str("http_protocol_ipv6", enum_str(m.http_protocol_ipv6()))
    });
    let cpu = instance.cpu_options();
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("ami", instance.image_id())
        .str("arn", Some(&arn))
        .bool(
            "associate_public_ip_address",
            Some(primary.is_some_and(|ni| ni.association().and_then(|a| a.public_ip()).is_some())),
        )
        .str(
            "availability_zone",
            placement.and_then(|p| p.availability_zone()),
        )
        .int(
            "cpu_core_count",
            cpu.and_then(aws_sdk_ec2::types::CpuOptions::core_count),
        )
        .int(
            "cpu_threads_per_core",
            cpu.and_then(aws_sdk_ec2::types::CpuOptions::threads_per_core),
        )
        .block(
            "cpu_options",
            cpu.map(|c| {
                Attrs::new()
                    .str("amd_sev_snp", enum_str(c.amd_sev_snp()))
                    .int("core_count", c.core_count())
                    .int("threads_per_core", c.threads_per_core())
            }),
        )
        .block(
            "capacity_reservation_specification",
            instance.capacity_reservation_specification().map(|c| {
                capacity_reservation(
                    c.capacity_reservation_preference(),
                    c.capacity_reservation_target(),
                )
            }),
        )
        .bool("ebs_optimized", instance.ebs_optimized())
        .block("root_block_device", root)
        .blocks("ebs_block_device", ebs)
        .block(
            "enclave_options",
            instance
                .enclave_options()
                .map(|e| Attrs::new().bool("enabled", e.enabled())),
        )
        .bool(
            "hibernation",
            instance
                .hibernation_options()
                .and_then(aws_sdk_ec2::types::HibernationOptions::configured),
        )
        .opt_str("host_id", placement.and_then(|p| p.host_id()))
        .opt_str(
            "host_resource_group_arn",
            placement.and_then(|p| p.host_resource_group_arn()),
        )
        .str(
            "iam_instance_profile",
            instance
                .iam_instance_profile()
                .and_then(|p| p.arn())
                .map(instance_profile_name),
        )
        .str(
            "instance_lifecycle",
            enum_str(instance.instance_lifecycle()),
        )
        .str(
            "instance_state",
            enum_str(instance.state().and_then(|s| s.name())),
        )
        .str("instance_type", enum_str(instance.instance_type()))
        .int(
            "ipv6_address_count",
            Some(count(primary.map_or(0, |ni| ni.ipv6_addresses().len()))),
        )
        .strings(
            "ipv6_addresses",
            primary
                .into_iter()
                .flat_map(aws_sdk_ec2::types::InstanceNetworkInterface::ipv6_addresses)
                .filter_map(|a| a.ipv6_address()),
        )
        .str("key_name", instance.key_name())
        .block(
            "maintenance_options",
            instance
                .maintenance_options()
                .map(|m| Attrs::new().str("auto_recovery", enum_str(m.auto_recovery()))),
        )
        .block("metadata_options", metadata)
        .bool("monitoring", Some(monitoring))
        .str("outpost_arn", instance.outpost_arn())
        .str("placement_group", placement.and_then(|p| p.group_name()))
        .int(
            "placement_partition_number",
            placement.and_then(aws_sdk_ec2::types::Placement::partition_number),
        )
        .str(
            "primary_network_interface_id",
            primary.and_then(|ni| ni.network_interface_id()),
        )
        .str("private_dns", instance.private_dns_name())
        .block(
            "private_dns_name_options",
            instance.private_dns_name_options().map(|o| {
                Attrs::new()
                    .bool(
                        "enable_resource_name_dns_a_record",
                        o.enable_resource_name_dns_a_record(),
                    )
                    .bool(
                        "enable_resource_name_dns_aaaa_record",
                        o.enable_resource_name_dns_aaaa_record(),
                    )
                    .str("hostname_type", enum_str(o.hostname_type()))
            }),
        )
        .str("private_ip", instance.private_ip_address())
        .str("public_dns", instance.public_dns_name())
        .str("public_ip", instance.public_ip_address())
        .strings(
            "secondary_private_ips",
            primary
                .into_iter()
                .flat_map(aws_sdk_ec2::types::InstanceNetworkInterface::private_ip_addresses)
                .filter(|a| a.primary() != Some(true))
                .filter_map(|a| a.private_ip_address()),
        )
        .set("security_groups", security_groups(instance))
        .bool("source_dest_check", instance.source_dest_check())
        .str(
            "spot_instance_request_id",
            instance.spot_instance_request_id(),
        )
        .str("subnet_id", instance.subnet_id())
        .tags(instance.tags())
        .str("tenancy", enum_str(placement.and_then(|p| p.tenancy())))
        .strings(
            "vpc_security_group_ids",
            instance
                .security_groups()
                .iter()
                .filter_map(|g| g.group_id()),
        );
    Observed::new(id, attributes)
        .unread(UNREAD)
        .managed_by(managed_by(instance.tags()))
}

/// In a VPC the provider keeps groups by id (`vpc_security_group_ids`) and lists their names in
/// `security_groups` as EC2 returns them.
fn security_groups(instance: &Instance) -> Value {
    strings(
        instance
            .security_groups()
            .iter()
            .filter_map(|g| g.group_name()),
    )
}

/// `arn:aws:iam::123:instance-profile/path/name` -> `name`, as the provider stores it.
fn instance_profile_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// One `root_block_device` / `ebs_block_device` element, from the instance's mapping and the
/// volume itself.
fn block_device(
    device_name: Option<&str>,
    delete_on_termination: Option<bool>,
    volume_id: Option<&str>,
    volume: Option<&Volume>,
) -> Attrs {
    Attrs::new()
        .bool("delete_on_termination", delete_on_termination)
        .str("device_name", device_name)
        .bool("encrypted", volume.and_then(Volume::encrypted))
        .int("iops", volume.and_then(Volume::iops))
        .str("kms_key_id", volume.and_then(Volume::kms_key_id))
        .tags(volume.map(Volume::tags).unwrap_or_default())
        .int("throughput", volume.and_then(Volume::throughput))
        .str("volume_id", volume_id)
        .int("volume_size", volume.and_then(Volume::size))
        .str(
            "volume_type",
            enum_str(volume.and_then(Volume::volume_type)),
        )
}

/// `capacity_reservation_specification`, as an instance and a launch template both write it.
pub(crate) fn capacity_reservation(
    preference: Option<&aws_sdk_ec2::types::CapacityReservationPreference>,
    target: Option<&aws_sdk_ec2::types::CapacityReservationTargetResponse>,
) -> Attrs {
    let target = target.map(|t| {
        Attrs::new()
            .str("capacity_reservation_id", t.capacity_reservation_id())
            .str(
                "capacity_reservation_resource_group_arn",
                t.capacity_reservation_resource_group_arn(),
            )
    });
    Attrs::new()
        .str("capacity_reservation_preference", enum_str(preference))
        .block("capacity_reservation_target", target)
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{
        EbsInstanceBlockDevice, GroupIdentifier, InstanceBlockDeviceMapping,
        InstanceMetadataOptionsResponse, InstanceNetworkInterface,
        InstanceNetworkInterfaceAttachment, InstanceState, InstanceStateName, InstanceType,
        Placement, Tag,
    };

    use super::*;

    pub(crate) fn reader() -> RegionReader {
        crate::region::tests::reader()
    }

    #[test]
    fn an_instance_reads_as_the_provider_writes_it() {
        let instance = Instance::builder()
            .instance_id("i-0abc")
            .image_id("ami-1")
            .instance_type(InstanceType::T3Micro)
            .state(
                InstanceState::builder()
                    .name(InstanceStateName::Running)
                    .build(),
            )
            .placement(
                Placement::builder()
                    .availability_zone("eu-west-1a")
                    .tenancy("default".into())
                    .build(),
            )
            .root_device_name("/dev/xvda")
            .block_device_mappings(
                InstanceBlockDeviceMapping::builder()
                    .device_name("/dev/xvda")
                    .ebs(
                        EbsInstanceBlockDevice::builder()
                            .volume_id("vol-1")
                            .delete_on_termination(true)
                            .build(),
                    )
                    .build(),
            )
            .network_interfaces(
                InstanceNetworkInterface::builder()
                    .network_interface_id("eni-1")
                    .attachment(
                        InstanceNetworkInterfaceAttachment::builder()
                            .device_index(0)
                            .build(),
                    )
                    .build(),
            )
            .security_groups(
                GroupIdentifier::builder()
                    .group_id("sg-1")
                    .group_name("web")
                    .build(),
            )
            .metadata_options(
                InstanceMetadataOptionsResponse::builder()
                    .http_tokens(aws_sdk_ec2::types::HttpTokensState::Required)
                    .http_put_response_hop_limit(1)
                    .build(),
            )
            .tags(Tag::builder().key("Name").value("web").build())
            .tags(
                Tag::builder()
                    .key("aws:autoscaling:groupName")
                    .value("asg")
                    .build(),
            )
            .build();
        let volume = Volume::builder()
            .volume_id("vol-1")
            .size(8)
            .volume_type("gp3".into())
            .build();
        let volumes = BTreeMap::from([("vol-1", &volume)]);
        let observed = observe(&reader(), "123456789012", &instance, &volumes).unread(PER_RESOURCE);
        super::super::assert_covers_schema("aws_instance", &observed);
        let a = &observed.attributes;
        assert_eq!(a.get("instance_type"), Some(&Value::string("t3.micro")));
        assert_eq!(
            a.get("arn"),
            Some(&Value::string(
                "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc"
            ))
        );
        assert_eq!(a.get("vpc_security_group_ids"), Some(&strings(["sg-1"])));
        assert_eq!(a.get("security_groups"), Some(&strings(["web"])));
        assert_eq!(
            a.get("primary_network_interface_id"),
            Some(&Value::string("eni-1"))
        );
        let root = &a.get("root_block_device").unwrap().as_list().unwrap()[0];
        assert_eq!(root.get("volume_size"), Some(&Value::int(8)));
        assert_eq!(root.get("volume_type"), Some(&Value::string("gp3")));
        assert_eq!(a.get("ebs_block_device"), Some(&Value::List(vec![])));
        let metadata = &a.get("metadata_options").unwrap().as_list().unwrap()[0];
        assert_eq!(
            metadata.get("http_tokens"),
            Some(&Value::string("required"))
        );
        // aws: tags are the provider's to drop, and say who manages the instance.
        assert_eq!(a.get("tags").unwrap().as_map().unwrap().len(), 1);
        assert_eq!(
            observed.meta.get("managed_by").map(String::as_str),
            Some("autoscaling")
        );
    }
}
