//! What instances launch from and back up to: `aws_ebs_snapshot` (`DescribeSnapshots`),
//! `aws_ebs_encryption_by_default` (`GetEbsEncryptionByDefault`), `aws_ami` (`DescribeImages`)
//! and `aws_launch_template` (`DescribeLaunchTemplates`, and the latest version of each with
//! `DescribeLaunchTemplateVersions`), as the provider's Read functions write them.

use aws_sdk_ec2::primitives::DateTimeFormat;
use aws_sdk_ec2::types::{
    BlockDeviceMapping, Image, LaunchTemplate, LaunchTemplateBlockDeviceMapping,
    LaunchTemplateInstanceNetworkInterfaceSpecification, ResponseLaunchTemplateData, Snapshot,
};
use plumb_model::Value;

use super::instance::capacity_reservation;
use super::{AwsType, Read};
use crate::attrs::{Attrs, Observed, enum_str, managed_by, name_prefix_from_name, tag_map};
use crate::ops;
use crate::region::RegionReader;

pub(super) const TYPES: &[AwsType] = &[
    AwsType::listed("aws_ami", ops::DESCRIBE_IMAGES),
    AwsType::listed(
        "aws_ebs_encryption_by_default",
        ops::GET_EBS_ENCRYPTION_BY_DEFAULT,
    ),
    AwsType::listed("aws_ebs_snapshot", ops::DESCRIBE_SNAPSHOTS),
    AwsType::listed("aws_launch_template", ops::DESCRIBE_LAUNCH_TEMPLATES),
];

pub(super) async fn read(reader: &RegionReader, resource_type: &str) -> Read {
    match resource_type {
        "aws_ebs_snapshot" => {
            let request = reader
                .ec2
                .describe_snapshots()
                .owner_ids("self")
                .max_results(1000);
            let snapshots = crate::region::listing!(
                reader,
                ops::DESCRIBE_SNAPSHOTS,
                "aws_ebs_snapshot",
                "snapshot-id",
                request,
                |page| page.snapshots.unwrap_or_default()
            );
            // `OwnerIds=self` already narrows to the account; moto ignores it, so check again.
            Ok(snapshots
                .iter()
                .filter(|s| s.owner_id() == Some(reader.account.as_str()))
                .filter_map(|s| snapshot(reader, s))
                .collect())
        }
        "aws_ebs_encryption_by_default" => {
            let output = reader
                .send(
                    ops::GET_EBS_ENCRYPTION_BY_DEFAULT,
                    reader.ec2.get_ebs_encryption_by_default().send(),
                )
                .await?;
            Ok(vec![encryption_by_default(
                reader,
                output.ebs_encryption_by_default(),
            )])
        }
        "aws_ami" => {
            let request = reader
                .ec2
                .describe_images()
                .owners("self")
                .max_results(1000);
            let images = crate::region::listing!(
                reader,
                ops::DESCRIBE_IMAGES,
                "aws_ami",
                "image-id",
                request,
                |page| page.images.unwrap_or_default()
            );
            Ok(images
                .iter()
                .filter(|i| i.owner_id() == Some(reader.account.as_str()))
                .filter_map(|i| ami(reader, i))
                .collect())
        }
        "aws_launch_template" => {
            let request = reader.ec2.describe_launch_templates().max_results(200);
            let templates =
                crate::region::paginate!(reader, ops::DESCRIBE_LAUNCH_TEMPLATES, request, |page| {
                    page.launch_templates.unwrap_or_default()
                });
            let mut out = Vec::with_capacity(templates.len());
            for template in &templates {
                let Some(id) = template.launch_template_id() else {
                    continue;
                };
                // The provider reads the latest version's data (by number); one call each, as
                // a version is asked for by one template's id.
                let version = template.latest_version_number().unwrap_or(1).to_string();
                let output = reader
                    .send(
                        ops::DESCRIBE_LAUNCH_TEMPLATE_VERSIONS,
                        reader
                            .ec2
                            .describe_launch_template_versions()
                            .launch_template_id(id)
                            .versions(version)
                            .send(),
                    )
                    .await?;
                let latest = output.launch_template_versions().first();
                out.push(launch_template(
                    reader,
                    template,
                    latest.and_then(|v| v.version_description()),
                    latest.and_then(|v| v.launch_template_data()),
                ));
            }
            Ok(out)
        }
        _ => Err(format!("{resource_type} is not an image type")),
    }
}

/// `arn:PARTITION:ec2:REGION::KIND/ID`: snapshots and images have ARNs without an account.
fn arn_no_account(reader: &RegionReader, kind: &str, id: &str) -> String {
    reader.arn_in("", kind, id)
}

fn snapshot(reader: &RegionReader, snapshot: &Snapshot) -> Option<Observed> {
    let id = snapshot.snapshot_id()?;
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&arn_no_account(reader, "snapshot", id)))
        .str("data_encryption_key_id", snapshot.data_encryption_key_id())
        .str("description", snapshot.description())
        .bool("encrypted", snapshot.encrypted())
        .str("kms_key_id", snapshot.kms_key_id())
        .str("outpost_arn", snapshot.outpost_arn())
        .str("owner_alias", snapshot.owner_alias())
        .str("owner_id", snapshot.owner_id())
        .str("storage_tier", enum_str(snapshot.storage_tier()))
        .str("volume_id", snapshot.volume_id())
        .int("volume_size", snapshot.volume_size())
        .tags(snapshot.tags());
    Some(
        Observed::new(id, attributes)
            .unread(&["permanent_restore", "temporary_restore_days"])
            .managed_by(managed_by(snapshot.tags())),
    )
}

/// The region's one setting. The provider gives it a random `terraform-...` id at creation,
/// which no API returns; the observation takes the region's name, the setting's only key. The
/// setting exists in every region whether or not anyone manages it: AWS's, never unmanaged.
fn encryption_by_default(reader: &RegionReader, enabled: Option<bool>) -> Observed {
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .bool("enabled", enabled);
    Observed::new(reader.region.clone(), attributes).default_object(true)
}

/// `uefi_data`: the provider's Read asks `GetInstanceUefiData` with the image id, which EC2
/// refuses, so the value stays whatever configuration gave.
const AMI_UNREAD: &[&str] = &["uefi_data"];

fn ami(reader: &RegionReader, image: &Image) -> Option<Observed> {
    let id = image.image_id()?;
    let mappings = image.block_device_mappings();
    let root_snapshot = image.root_device_name().and_then(|root| {
        mappings
            .iter()
            .filter(|m| m.device_name() == Some(root))
            .find_map(|m| m.ebs().and_then(|e| e.snapshot_id()))
    });
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("architecture", enum_str(image.architecture()))
        .str("arn", Some(&arn_no_account(reader, "image", id)))
        .str("boot_mode", enum_str(image.boot_mode()))
        .str("deprecation_time", image.deprecation_time())
        .str("description", image.description())
        .bool("ena_support", image.ena_support())
        .blocks(
            "ebs_block_device",
            mappings.iter().filter_map(ami_ebs_block_device),
        )
        .blocks(
            "ephemeral_block_device",
            mappings.iter().filter(|m| m.ebs().is_none()).map(|m| {
                Attrs::new()
                    .str("device_name", m.device_name())
                    .str("virtual_name", m.virtual_name())
            }),
        )
        .str("hypervisor", enum_str(image.hypervisor()))
        .str("image_location", image.image_location())
        .str("image_owner_alias", image.image_owner_alias())
        .str("image_type", enum_str(image.image_type()))
        .str("imds_support", enum_str(image.imds_support()))
        .str("kernel_id", image.kernel_id())
        .str("last_launched_time", image.last_launched_time())
        // aws_ami never manages its snapshots (only aws_ami_copy and aws_ami_from_instance do).
        .bool("manage_ebs_snapshots", Some(false))
        .str("name", image.name())
        .str("owner_id", image.owner_id())
        .str("platform", enum_str(image.platform()))
        .str("platform_details", image.platform_details())
        .bool("public", image.public())
        .str("ramdisk_id", image.ramdisk_id())
        .str("root_device_name", image.root_device_name())
        .str("root_snapshot_id", root_snapshot)
        .str("sriov_net_support", image.sriov_net_support())
        .tags(image.tags())
        .str("tpm_support", enum_str(image.tpm_support()))
        .str("usage_operation", image.usage_operation())
        .str("virtualization_type", enum_str(image.virtualization_type()));
    Some(
        Observed::new(id, attributes)
            .unread(AMI_UNREAD)
            .managed_by(managed_by(image.tags())),
    )
}

/// One `ebs_block_device` element; the provider writes only the fields EC2 returns, which
/// state shows as their zero values otherwise.
fn ami_ebs_block_device(mapping: &BlockDeviceMapping) -> Option<Attrs> {
    let ebs = mapping.ebs()?;
    Some(
        Attrs::new()
            .bool("delete_on_termination", ebs.delete_on_termination())
            .str("device_name", mapping.device_name())
            .bool("encrypted", ebs.encrypted())
            .int("iops", ebs.iops())
            .str("outpost_arn", ebs.outpost_arn())
            .str("snapshot_id", ebs.snapshot_id())
            .int("throughput", ebs.throughput())
            .int("volume_size", ebs.volume_size())
            .str("volume_type", enum_str(ebs.volume_type())),
    )
}

/// Attributes of `aws_launch_template` the adapter does not read: configuration-only
/// (`update_default_version`), needing `DescribeInstanceTypes` (`credit_specification`, which the
/// provider writes only for burstable types), or not yet mapped (`instance_requirements`).
const LAUNCH_TEMPLATE_UNREAD: &[&str] = &[
    "credit_specification",
    "instance_requirements",
    "update_default_version",
];

/// The provider's nullable booleans: `"true"`, `"false"`, or `""` when EC2 leaves them out.
fn nullable_bool(value: Option<bool>) -> Value {
    Value::string(value.map_or("", |b| if b { "true" } else { "false" }))
}

fn version_number(value: Option<i64>) -> Value {
    Value::int(value.unwrap_or(0))
}

fn launch_template(
    reader: &RegionReader,
    template: &LaunchTemplate,
    description: Option<&str>,
    data: Option<&ResponseLaunchTemplateData>,
) -> Observed {
    let id = template.launch_template_id().unwrap_or_default();
    let name = template.launch_template_name().unwrap_or_default();
    let empty = ResponseLaunchTemplateData::builder().build();
    let data = data.unwrap_or(&empty);
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&reader.arn("launch-template", id)))
        .set(
            "default_version",
            version_number(template.default_version_number()),
        )
        .set(
            "latest_version",
            version_number(template.latest_version_number()),
        )
        .str("description", description)
        .str("name", Some(name))
        .opt_str("name_prefix", name_prefix_from_name(name))
        .tags(template.tags());
    let attributes = launch_template_data(attributes, data);
    Observed::new(id, attributes)
        .unread(LAUNCH_TEMPLATE_UNREAD)
        .managed_by(managed_by(template.tags()))
}

/// The provider's `flattenResponseLaunchTemplateData`, less what [`LAUNCH_TEMPLATE_UNREAD`]
/// names.
fn launch_template_data(attributes: Attrs, data: &ResponseLaunchTemplateData) -> Attrs {
    let ebs_optimized = nullable_bool(data.ebs_optimized());
    attributes
        .blocks(
            "block_device_mappings",
            data.block_device_mappings()
                .iter()
                .map(lt_block_device_mapping),
        )
        .block(
            "capacity_reservation_specification",
            data.capacity_reservation_specification().map(|c| {
                capacity_reservation(
                    c.capacity_reservation_preference(),
                    c.capacity_reservation_target(),
                )
            }),
        )
        .block(
            "cpu_options",
            data.cpu_options().map(|c| {
                Attrs::new()
                    .int("core_count", c.core_count())
                    .int("threads_per_core", c.threads_per_core())
            }),
        )
        .bool("disable_api_stop", data.disable_api_stop())
        .bool("disable_api_termination", data.disable_api_termination())
        .set("ebs_optimized", ebs_optimized)
        .blocks(
            "elastic_gpu_specifications",
            data.elastic_gpu_specifications()
                .iter()
                .map(|g| Attrs::new().str("type", g.r#type())),
        )
        .block(
            "elastic_inference_accelerator",
            data.elastic_inference_accelerators()
                .first()
                .map(|a| Attrs::new().str("type", a.r#type())),
        )
        .block(
            "enclave_options",
            data.enclave_options()
                .map(|e| Attrs::new().bool("enabled", e.enabled())),
        )
        .block(
            "hibernation_options",
            data.hibernation_options()
                .map(|h| Attrs::new().bool("configured", h.configured())),
        )
        .block(
            "iam_instance_profile",
            data.iam_instance_profile()
                .map(|p| Attrs::new().str("arn", p.arn()).str("name", p.name())),
        )
        .str("image_id", data.image_id())
        .str(
            "instance_initiated_shutdown_behavior",
            enum_str(data.instance_initiated_shutdown_behavior()),
        )
        .block(
            "instance_market_options",
            data.instance_market_options().map(|m| {
                let spot = m.spot_options().map(|s| {
                    let valid_until = s
                        .valid_until()
                        .and_then(|t| t.fmt(DateTimeFormat::DateTime).ok());
                    Attrs::new()
                        .int("block_duration_minutes", s.block_duration_minutes())
                        .str(
                            "instance_interruption_behavior",
                            enum_str(s.instance_interruption_behavior()),
                        )
                        .str("max_price", s.max_price())
                        .str("spot_instance_type", enum_str(s.spot_instance_type()))
                        .str("valid_until", valid_until.as_deref())
                });
                Attrs::new()
                    .str("market_type", enum_str(m.market_type()))
                    .block("spot_options", spot)
            }),
        )
        .str("instance_type", enum_str(data.instance_type()))
        .str("kernel_id", data.kernel_id())
        .str("key_name", data.key_name())
        .blocks(
            "license_specification",
            data.license_specifications().iter().map(|l| {
                Attrs::new().str("license_configuration_arn", l.license_configuration_arn())
            }),
        )
        .block(
            "maintenance_options",
            data.maintenance_options()
                .map(|m| Attrs::new().str("auto_recovery", enum_str(m.auto_recovery()))),
        )
        .block(
            "metadata_options",
            data.metadata_options().map(|m| {
                Attrs::new()
                    .str("http_endpoint", enum_str(m.http_endpoint()))
                    .str("http_protocol_ipv6", enum_str(m.http_protocol_ipv6()))
                    .int(
                        "http_put_response_hop_limit",
                        m.http_put_response_hop_limit(),
                    )
                    .str("http_tokens", enum_str(m.http_tokens()))
                    .str(
                        "instance_metadata_tags",
                        enum_str(m.instance_metadata_tags()),
                    )
            }),
        )
        .block(
            "monitoring",
            data.monitoring()
                .map(|m| Attrs::new().bool("enabled", m.enabled())),
        )
        .blocks(
            "network_interfaces",
            data.network_interfaces().iter().map(lt_network_interface),
        )
        .block(
            "placement",
            data.placement().map(|p| {
                Attrs::new()
                    .str("affinity", p.affinity())
                    .str("availability_zone", p.availability_zone())
                    .str("group_name", p.group_name())
                    .str("host_id", p.host_id())
                    .str("host_resource_group_arn", p.host_resource_group_arn())
                    .int("partition_number", p.partition_number())
                    .str("spread_domain", p.spread_domain())
                    .str("tenancy", enum_str(p.tenancy()))
            }),
        )
        .block(
            "private_dns_name_options",
            data.private_dns_name_options().map(|o| {
                Attrs::new()
                    .bool(
                        "enable_resource_name_dns_aaaa_record",
                        o.enable_resource_name_dns_aaaa_record(),
                    )
                    .bool(
                        "enable_resource_name_dns_a_record",
                        o.enable_resource_name_dns_a_record(),
                    )
                    .str("hostname_type", enum_str(o.hostname_type()))
            }),
        )
        .str("ram_disk_id", data.ram_disk_id())
        .strings(
            "security_group_names",
            data.security_groups().iter().map(String::as_str),
        )
        .blocks(
            "tag_specifications",
            data.tag_specifications().iter().map(|t| {
                Attrs::new()
                    .str("resource_type", enum_str(t.resource_type()))
                    .set("tags", tag_map(t.tags()))
            }),
        )
        .str("user_data", data.user_data())
        .strings(
            "vpc_security_group_ids",
            data.security_group_ids().iter().map(String::as_str),
        )
}

fn lt_block_device_mapping(mapping: &LaunchTemplateBlockDeviceMapping) -> Attrs {
    let ebs = mapping.ebs().map(|e| {
        Attrs::new()
            .set(
                "delete_on_termination",
                nullable_bool(e.delete_on_termination()),
            )
            .set("encrypted", nullable_bool(e.encrypted()))
            .int("iops", e.iops())
            .str("kms_key_id", e.kms_key_id())
            .str("snapshot_id", e.snapshot_id())
            .int("throughput", e.throughput())
            .int("volume_size", e.volume_size())
            .str("volume_type", enum_str(e.volume_type()))
    });
    Attrs::new()
        .str("device_name", mapping.device_name())
        .block("ebs", ebs)
        .str("no_device", mapping.no_device())
        .str("virtual_name", mapping.virtual_name())
}

fn lt_network_interface(ni: &LaunchTemplateInstanceNetworkInterfaceSpecification) -> Attrs {
    Attrs::new()
        .set(
            "associate_carrier_ip_address",
            nullable_bool(ni.associate_carrier_ip_address()),
        )
        .set(
            "associate_public_ip_address",
            nullable_bool(ni.associate_public_ip_address()),
        )
        .set(
            "delete_on_termination",
            nullable_bool(ni.delete_on_termination()),
        )
        .str("description", ni.description())
        .int("device_index", ni.device_index())
        .str("interface_type", ni.interface_type())
        .int(
            "ipv4_address_count",
            ni.secondary_private_ip_address_count(),
        )
        .strings(
            "ipv4_addresses",
            ni.private_ip_addresses()
                .iter()
                .filter_map(|a| a.private_ip_address()),
        )
        .int("ipv4_prefix_count", ni.ipv4_prefix_count())
        .strings(
            "ipv4_prefixes",
            ni.ipv4_prefixes().iter().filter_map(|p| p.ipv4_prefix()),
        )
        .int("ipv6_address_count", ni.ipv6_address_count())
        .strings(
            "ipv6_addresses",
            ni.ipv6_addresses().iter().filter_map(|a| a.ipv6_address()),
        )
        .int("ipv6_prefix_count", ni.ipv6_prefix_count())
        .strings(
            "ipv6_prefixes",
            ni.ipv6_prefixes().iter().filter_map(|p| p.ipv6_prefix()),
        )
        .int("network_card_index", ni.network_card_index())
        .str("network_interface_id", ni.network_interface_id())
        .str("private_ip_address", ni.private_ip_address())
        .strings("security_groups", ni.groups().iter().map(String::as_str))
        .str("subnet_id", ni.subnet_id())
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{
        ArchitectureValues, EbsBlockDevice, InstanceType, LaunchTemplateEbsBlockDevice,
        LaunchTemplateHttpTokensState, LaunchTemplateInstanceMetadataOptions, StorageTier, Tag,
    };

    use super::*;
    use crate::attrs::strings;

    fn reader() -> RegionReader {
        crate::region::tests::reader()
    }

    #[test]
    fn a_snapshot_reads_as_the_provider_writes_it() {
        let snap = Snapshot::builder()
            .snapshot_id("snap-1")
            .owner_id("123456789012")
            .volume_id("vol-1")
            .volume_size(8)
            .description("Test")
            .encrypted(false)
            .storage_tier(StorageTier::Standard)
            .tags(
                Tag::builder()
                    .key("aws:backup:source-resource")
                    .value("vol-1")
                    .build(),
            )
            .build();
        let observed = snapshot(&reader(), &snap).unwrap();
        super::super::assert_covers_schema("aws_ebs_snapshot", &observed);
        let a = &observed.attributes;
        assert_eq!(
            a.get("arn"),
            Some(&Value::string("arn:aws:ec2:eu-west-1::snapshot/snap-1"))
        );
        assert_eq!(a.get("volume_size"), Some(&Value::int(8)));
        assert_eq!(a.get("storage_tier"), Some(&Value::string("standard")));
        assert_eq!(a.get("kms_key_id"), Some(&Value::string("")));
        assert_eq!(a.get("tags").unwrap().as_map().unwrap().len(), 0);
        assert_eq!(
            observed.meta.get("managed_by").map(String::as_str),
            Some("backup")
        );
    }

    #[test]
    fn encryption_by_default_is_one_observation_per_region() {
        let observed = encryption_by_default(&reader(), Some(true));
        super::super::assert_covers_schema("aws_ebs_encryption_by_default", &observed);
        assert_eq!(observed.id, "eu-west-1");
        assert_eq!(observed.attributes.get("enabled"), Some(&Value::Bool(true)));
        let observed = encryption_by_default(&reader(), None);
        assert_eq!(
            observed.attributes.get("enabled"),
            Some(&Value::Bool(false))
        );
    }

    #[test]
    fn an_ami_reads_as_the_provider_writes_it() {
        let image = Image::builder()
            .image_id("ami-1")
            .name("web")
            .owner_id("123456789012")
            .architecture(ArchitectureValues::X8664)
            .root_device_name("/dev/xvda")
            .ena_support(true)
            .block_device_mappings(
                BlockDeviceMapping::builder()
                    .device_name("/dev/xvda")
                    .ebs(
                        EbsBlockDevice::builder()
                            .snapshot_id("snap-1")
                            .volume_size(8)
                            .delete_on_termination(true)
                            .volume_type("gp3".into())
                            .build(),
                    )
                    .build(),
            )
            .block_device_mappings(
                BlockDeviceMapping::builder()
                    .device_name("/dev/sdb")
                    .virtual_name("ephemeral0")
                    .build(),
            )
            .build();
        let observed = ami(&reader(), &image).unwrap();
        super::super::assert_covers_schema("aws_ami", &observed);
        let a = &observed.attributes;
        assert_eq!(
            a.get("arn"),
            Some(&Value::string("arn:aws:ec2:eu-west-1::image/ami-1"))
        );
        assert_eq!(a.get("architecture"), Some(&Value::string("x86_64")));
        assert_eq!(a.get("root_snapshot_id"), Some(&Value::string("snap-1")));
        let ebs = a.get("ebs_block_device").unwrap().as_list().unwrap();
        assert_eq!(ebs.len(), 1);
        assert_eq!(ebs[0].get("volume_type"), Some(&Value::string("gp3")));
        assert_eq!(ebs[0].get("encrypted"), Some(&Value::Bool(false)));
        let ephemeral = a.get("ephemeral_block_device").unwrap().as_list().unwrap();
        assert_eq!(
            ephemeral[0].get("virtual_name"),
            Some(&Value::string("ephemeral0"))
        );
    }

    #[test]
    fn a_launch_template_reads_its_latest_version() {
        let template = LaunchTemplate::builder()
            .launch_template_id("lt-1")
            .launch_template_name("web-20240101120000123400000001")
            .default_version_number(1)
            .latest_version_number(2)
            .build();
        let data = ResponseLaunchTemplateData::builder()
            .image_id("ami-1")
            .instance_type(InstanceType::T3Micro)
            .ebs_optimized(true)
            .security_group_ids("sg-1")
            .block_device_mappings(
                LaunchTemplateBlockDeviceMapping::builder()
                    .device_name("/dev/xvda")
                    .ebs(
                        LaunchTemplateEbsBlockDevice::builder()
                            .volume_size(20)
                            .encrypted(true)
                            .build(),
                    )
                    .build(),
            )
            .metadata_options(
                LaunchTemplateInstanceMetadataOptions::builder()
                    .http_tokens(LaunchTemplateHttpTokensState::Required)
                    .build(),
            )
            .build();
        let observed = launch_template(&reader(), &template, Some("v2"), Some(&data));
        super::super::assert_covers_schema("aws_launch_template", &observed);
        let a = &observed.attributes;
        assert_eq!(
            a.get("arn"),
            Some(&Value::string(
                "arn:aws:ec2:eu-west-1:123456789012:launch-template/lt-1"
            ))
        );
        assert_eq!(a.get("latest_version"), Some(&Value::int(2)));
        assert_eq!(a.get("default_version"), Some(&Value::int(1)));
        assert_eq!(a.get("description"), Some(&Value::string("v2")));
        assert_eq!(a.get("name_prefix"), Some(&Value::string("web-")));
        assert_eq!(a.get("ebs_optimized"), Some(&Value::string("true")));
        assert_eq!(a.get("instance_type"), Some(&Value::string("t3.micro")));
        assert_eq!(a.get("vpc_security_group_ids"), Some(&strings(["sg-1"])));
        let bdm = &a.get("block_device_mappings").unwrap().as_list().unwrap()[0];
        let ebs = &bdm.get("ebs").unwrap().as_list().unwrap()[0];
        assert_eq!(ebs.get("encrypted"), Some(&Value::string("true")));
        assert_eq!(ebs.get("delete_on_termination"), Some(&Value::string("")));
        let metadata = &a.get("metadata_options").unwrap().as_list().unwrap()[0];
        assert_eq!(
            metadata.get("http_tokens"),
            Some(&Value::string("required"))
        );
        assert_eq!(a.get("monitoring"), Some(&Value::List(vec![])));
        // A template whose version could not be read still says what the listing gives.
        let bare = launch_template(&reader(), &template, None, None);
        super::super::assert_covers_schema("aws_launch_template", &bare);
    }
}
