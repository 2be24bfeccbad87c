//! `aws_ebs_volume` and `aws_volume_attachment`, both from the region's one `DescribeVolumes`.

use std::collections::BTreeMap;

use aws_sdk_ec2::primitives::DateTimeFormat;
use aws_sdk_ec2::types::{Volume, VolumeAttachment};

use super::{AwsType, Read};
use crate::attrs::{Attrs, Observed, enum_str, managed_by, string_hashcode};
use crate::ops;
use crate::region::RegionReader;

pub(super) const TYPES: &[AwsType] = &[
    AwsType::listed("aws_ebs_volume", ops::DESCRIBE_VOLUMES),
    AwsType::listed("aws_volume_attachment", ops::DESCRIBE_VOLUMES),
];

pub(super) async fn read(reader: &RegionReader, resource_type: &str) -> Read {
    let volumes = reader.volumes().await?;
    let owned = owned_volumes(reader).await?;
    Ok(match resource_type {
        "aws_ebs_volume" => volumes.iter().map(|v| volume(reader, v, &owned)).collect(),
        _ => volumes
            .iter()
            .flat_map(|v| {
                let owned = &owned;
                v.attachments()
                    .iter()
                    .map(move |a| attachment(reader, v, a, owned))
            })
            .collect(),
    })
}

/// Volumes that go with an instance, by volume id: its root volume and those its block device
/// mappings delete with it. They are the instance's (`root_block_device`,
/// `ebs_block_device`), not volumes of their own; the instance listing is shared, so this
/// costs no call when instances are read too.
async fn owned_volumes(reader: &RegionReader) -> Result<BTreeMap<String, String>, String> {
    let instances = reader.instances().await?;
    let mut owned = BTreeMap::new();
    for (_, instance) in instances.iter() {
        let Some(instance_id) = instance.instance_id() else {
            continue;
        };
        for mapping in instance.block_device_mappings() {
            let Some(ebs) = mapping.ebs() else { continue };
            let is_root = mapping.device_name().is_some()
                && mapping.device_name() == instance.root_device_name();
            if (is_root || ebs.delete_on_termination() == Some(true))
                && let Some(volume) = ebs.volume_id()
            {
                owned.insert(volume.to_owned(), format!("aws_instance:{instance_id}"));
            }
        }
    }
    Ok(owned)
}

fn volume(reader: &RegionReader, volume: &Volume, owned: &BTreeMap<String, String>) -> Observed {
    let id = volume.volume_id().unwrap_or_default();
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("arn", Some(&reader.arn("volume", id)))
        .str("availability_zone", volume.availability_zone())
        .opt_str(
            "create_time",
            volume
                .create_time()
                .and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
                .as_deref(),
        )
        .bool("encrypted", volume.encrypted())
        .int("iops", volume.iops())
        .str("kms_key_id", volume.kms_key_id())
        .bool("multi_attach_enabled", volume.multi_attach_enabled())
        .str("outpost_arn", volume.outpost_arn())
        .int("size", volume.size())
        .str("snapshot_id", volume.snapshot_id())
        .tags(volume.tags())
        .int("throughput", volume.throughput())
        .str("type", enum_str(volume.volume_type()));
    Observed::new(id, attributes)
        // `final_snapshot` is configuration; the initialization rate is a create-time setting
        // EC2 reports only while the volume initializes.
        .unread(&["final_snapshot", "volume_initialization_rate"])
        .owner(volume.volume_id().and_then(|id| owned.get(id)).cloned())
        .managed_by(managed_by(volume.tags()))
}

/// The provider's id for an attachment: `vai-` and the hash of device, instance and volume.
fn attachment_id(device: &str, instance: &str, volume: &str) -> String {
    format!(
        "vai-{}",
        string_hashcode(&format!("{device}-{instance}-{volume}-"))
    )
}

fn attachment(
    reader: &RegionReader,
    volume: &Volume,
    attachment: &VolumeAttachment,
    owned: &BTreeMap<String, String>,
) -> Observed {
    let device = attachment.device().unwrap_or_default();
    let instance = attachment.instance_id().unwrap_or_default();
    let volume_id = volume.volume_id().unwrap_or_default();
    let attributes = Attrs::new()
        .str("region", Some(&reader.region))
        .str("device_name", Some(device))
        .str("instance_id", Some(instance))
        .str("volume_id", Some(volume_id));
    // The attachment of an instance's own volume is part of the instance.
    let owning_instance = owned.get(volume_id).cloned();
    Observed::new(attachment_id(device, instance, volume_id), attributes)
        .unread(&[
            "force_detach",
            "skip_destroy",
            "stop_instance_before_detaching",
        ])
        .owner(owning_instance)
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{Tag, VolumeType};
    use plumb_model::Value;

    use super::*;

    fn sample() -> Volume {
        Volume::builder()
            .volume_id("vol-1")
            .availability_zone("eu-west-1a")
            .size(20)
            .volume_type(VolumeType::Gp3)
            .iops(3000)
            .throughput(125)
            .encrypted(true)
            .tags(Tag::builder().key("Name").value("data").build())
            .attachments(
                VolumeAttachment::builder()
                    .device("/dev/sdf")
                    .instance_id("i-1")
                    .volume_id("vol-1")
                    .delete_on_termination(false)
                    .build(),
            )
            .build()
    }

    #[test]
    fn a_volume_reads_as_the_provider_writes_it() {
        let reader = crate::region::tests::reader();
        let observed = volume(&reader, &sample(), &BTreeMap::new());
        super::super::assert_covers_schema("aws_ebs_volume", &observed);
        let a = &observed.attributes;
        assert_eq!(a.get("size"), Some(&Value::int(20)));
        assert_eq!(a.get("type"), Some(&Value::string("gp3")));
        assert_eq!(a.get("encrypted"), Some(&Value::Bool(true)));
        assert_eq!(
            a.get("arn"),
            Some(&Value::string(
                "arn:aws:ec2:eu-west-1:123456789012:volume/vol-1"
            ))
        );
        assert!(
            observed.meta.is_empty(),
            "a volume attached by hand is the user's"
        );
    }

    #[test]
    fn an_attachment_has_the_providers_id_and_a_root_volume_belongs_to_its_instance() {
        let reader = crate::region::tests::reader();
        let v = sample();
        let owned = BTreeMap::from([("vol-2".to_owned(), "aws_instance:i-1".to_owned())]);
        let observed = attachment(&reader, &v, &v.attachments()[0], &owned);
        super::super::assert_covers_schema("aws_volume_attachment", &observed);
        assert!(observed.id.starts_with("vai-"));
        assert_eq!(observed.id, attachment_id("/dev/sdf", "i-1", "vol-1"));
        let root = Volume::builder()
            .volume_id("vol-2")
            .attachments(
                VolumeAttachment::builder()
                    .device("/dev/xvda")
                    .instance_id("i-1")
                    .delete_on_termination(true)
                    .build(),
            )
            .build();
        assert_eq!(
            volume(&reader, &root, &owned)
                .meta
                .get("owner")
                .map(String::as_str),
            Some("aws_instance:i-1")
        );
    }
}
