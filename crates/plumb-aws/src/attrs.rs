//! Building attribute objects in Terraform's shapes from SDK values.
//!
//! The provider's Read writes `aws.ToString(x)` (`""` for nil), `aws.ToBool(x)` (`false`) and
//! `aws.ToInt32(x)` (`0`) for most fields; the helpers here do the same where the provider does,
//! so that an observation compares with a state without a normalizer having to guess.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::Tag;
use plumb_model::observation::meta;
use plumb_model::{AttrPath, Map, Observation, Value};

/// An attribute object under construction.
#[derive(Debug, Default)]
pub(crate) struct Attrs {
    entries: Vec<(String, Value)>,
}

impl Attrs {
    pub(crate) fn new() -> Self {
        Attrs::default()
    }

    pub(crate) fn set(mut self, key: &str, value: Value) -> Self {
        self.entries.push((key.to_owned(), value));
        self
    }

    /// A string the provider writes with `aws.ToString`: `""` when EC2 leaves it out.
    pub(crate) fn str(self, key: &str, value: Option<&str>) -> Self {
        self.set(key, Value::string(value.unwrap_or_default()))
    }

    /// A string the provider writes only when EC2 returns it: null otherwise.
    pub(crate) fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        self.set(key, value.map_or(Value::Null, Value::string))
    }

    pub(crate) fn bool(self, key: &str, value: Option<bool>) -> Self {
        self.set(key, Value::Bool(value.unwrap_or(false)))
    }

    pub(crate) fn int(self, key: &str, value: Option<i32>) -> Self {
        self.set(key, Value::int(i64::from(value.unwrap_or(0))))
    }

    pub(crate) fn strings<'a>(self, key: &str, values: impl IntoIterator<Item = &'a str>) -> Self {
        self.set(key, strings(values))
    }

    /// A nested block of at most one element: `[{...}]`, or `[]` when EC2 returns none.
    pub(crate) fn block(self, key: &str, block: Option<Attrs>) -> Self {
        self.set(
            key,
            Value::List(block.map(Attrs::build).into_iter().collect()),
        )
    }

    pub(crate) fn blocks(self, key: &str, blocks: impl IntoIterator<Item = Attrs>) -> Self {
        self.set(
            key,
            Value::List(blocks.into_iter().map(Attrs::build).collect()),
        )
    }

    /// `tags` and `tags_all` as the provider writes them: AWS-reserved `aws:` keys left out.
    /// Both carry the same map: without the provider's `default_tags` the adapter cannot tell
    /// them apart, and the engine compares the effective map once.
    pub(crate) fn tags(self, tags: &[Tag]) -> Self {
        let map = tag_map(tags);
        self.set("tags", map.clone()).set("tags_all", map)
    }

    pub(crate) fn build(self) -> Value {
        Value::Map(Map::from_entries(self.entries))
    }
}

pub(crate) fn strings<'a>(values: impl IntoIterator<Item = &'a str>) -> Value {
    Value::List(values.into_iter().map(Value::string).collect())
}

pub(crate) fn tag_map(tags: &[Tag]) -> Value {
    Value::Map(Map::from_entries(
        tags.iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or_default())))
            .filter(|(k, _)| !k.starts_with("aws:"))
            .map(|(k, v)| (k.to_owned(), Value::string(v)))
            .collect(),
    ))
}

/// The system that manages an object, read from the tags AWS and its services put on what they
/// create; see [`meta::MANAGED_BY`].
pub(crate) fn managed_by(tags: &[Tag]) -> Option<&'static str> {
    tags.iter().filter_map(Tag::key).find_map(|key| {
        Some(match key {
            "aws:autoscaling:groupName" => "autoscaling",
            "aws:cloudformation:stack-name" | "aws:cloudformation:stack-id" => "cloudformation",
            "eks:cluster-name" | "aws:eks:cluster-name" => "eks",
            "karpenter.sh/nodepool" | "karpenter.sh/provisioner-name" => "karpenter",
            "aws:backup:source-resource" => "backup",
            "aws:dlm:lifecycle-policy-id" => "dlm",
            k if k.starts_with("kubernetes.io/cluster/") => "kubernetes",
            _ => return None,
        })
    })
}

/// An observation, with the attributes not read and the facts that decide unmanaged-ness.
#[derive(Debug)]
pub(crate) struct Observed {
    pub(crate) id: String,
    pub(crate) attributes: Value,
    pub(crate) unread: Vec<AttrPath>,
    pub(crate) meta: BTreeMap<String, String>,
}

impl Observed {
    pub(crate) fn new(id: impl Into<String>, attributes: Attrs) -> Self {
        let id = id.into();
        Observed {
            attributes: attributes.set("id", Value::string(&id)).build(),
            id,
            unread: Vec::new(),
            meta: BTreeMap::new(),
        }
    }

    /// Attributes this read leaves out (configuration-only, or a call per resource away).
    /// The attributes read one resource per call, added to those of the listing.
    pub(crate) fn with(mut self, entries: Vec<(&'static str, Value)>) -> Self {
        if let Some(map) = self.attributes.as_map_mut() {
            for (key, value) in entries {
                map.insert(key, value);
            }
        }
        self
    }

    pub(crate) fn unread(mut self, paths: &[&str]) -> Self {
        self.unread.extend(paths.iter().map(|p| AttrPath::attr(*p)));
        self
    }

    pub(crate) fn default_object(mut self, is_default: bool) -> Self {
        if is_default {
            self.meta
                .insert(meta::DEFAULT.to_owned(), "true".to_owned());
        }
        self
    }

    pub(crate) fn owner(mut self, owner: Option<String>) -> Self {
        if let Some(owner) = owner {
            self.meta.insert(meta::OWNER.to_owned(), owner);
        }
        self
    }

    pub(crate) fn managed_by(mut self, by: Option<&str>) -> Self {
        if let Some(by) = by {
            self.meta.insert(meta::MANAGED_BY.to_owned(), by.to_owned());
        }
        self
    }

    pub(crate) fn into_observation(self, region: &str, resource_type: &str) -> Observation {
        Observation {
            provider: plumb_adapter::AWS_PROVIDER.to_owned(),
            region: region.to_owned(),
            r#type: resource_type.to_owned(),
            id: self.id,
            attributes: self.attributes,
            unread: self.unread,
            meta: self.meta,
        }
    }
}

/// The text of an SDK enum value (`InstanceType::T3Micro` -> `"t3.micro"`).
pub(crate) fn enum_str<E: AsRef<str>>(value: Option<&E>) -> Option<&str> {
    value.map(AsRef::as_ref)
}

/// The provider's `create.StringHashcode`: the CRC-32 (IEEE) of the text, which it uses for the
/// ids of objects EC2 gives none (`vai-…`, `r-rtb-…`, `nacl-…`).
pub(crate) fn string_hashcode(text: &str) -> u32 {
    crc32fast::hash(text.as_bytes())
}

/// The provider's `create.NamePrefixFromName`: the prefix of a name that ends in Terraform's
/// 26-hex-digit unique suffix, if any.
pub(crate) fn name_prefix_from_name(name: &str) -> Option<&str> {
    const SUFFIX: usize = 26;
    let cut = name.len().checked_sub(SUFFIX)?;
    if cut == 0 || !name.is_char_boundary(cut) {
        return None;
    }
    let (prefix, suffix) = name.split_at(cut);
    suffix
        .bytes()
        .all(|b| b.is_ascii_hexdigit())
        .then_some(prefix)
}

/// A boolean EC2 attribute (`DescribeInstanceAttribute`, `DescribeVpcAttribute`): unset is
/// `false`, as the provider reads it.
pub(crate) fn attribute_bool(value: Option<&aws_sdk_ec2::types::AttributeBooleanValue>) -> Value {
    Value::Bool(
        value
            .and_then(aws_sdk_ec2::types::AttributeBooleanValue::value)
            .unwrap_or(false),
    )
}

/// A count of things as the provider's `int` attributes hold it.
pub(crate) fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The region's internal DNS domain: `REGION.compute.internal`, or `ec2.internal` in
/// us-east-1.
pub(crate) fn internal_domain(region: &str) -> String {
    if region == "us-east-1" {
        "ec2.internal".to_owned()
    } else {
        format!("{region}.compute.internal")
    }
}
