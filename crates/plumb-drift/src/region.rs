//! Which region a state resource lives in: what it records, else what its provider says, else
//! what its provider's other resources record.

use std::collections::HashMap;

use plumb_model::{
    Configuration, GLOBAL_REGION, ProviderRef, Resource, TypeScope, Value, scope_of,
};

/// The region of an ARN (`arn:aws:ec2:eu-west-1:123:vpc/vpc-1`), when it has one.
pub fn arn_region(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some(_service), Some(region)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    (!region.is_empty()).then_some(region)
}

/// `eu-west-1a` → `eu-west-1` (zone names end in a letter; local zones keep their suffix out).
pub fn zone_region(zone: &str) -> Option<&str> {
    let trimmed = zone.trim_end_matches(|c: char| c.is_ascii_lowercase());
    (trimmed.len() < zone.len() && trimmed.ends_with(|c: char| c.is_ascii_digit()))
        .then_some(trimmed)
}

/// The region key of an object whose region nothing names. Only `check-plan` records
/// observations under it: each comes paired with its own state object (Terraform's refresh
/// read it), so no region is needed to match them. A scan never does, so there such a resource
/// stays `not_checked`.
pub const NO_REGION: &str = "";

/// What the resource itself records: [`GLOBAL_REGION`] for a global type, else its `region`
/// attribute (provider 6.x records it), its ARN's region or its availability zone's.
fn recorded_region(resource: &Resource) -> Option<&str> {
    if scope_of(&resource.address.r#type) == TypeScope::Global {
        return Some(GLOBAL_REGION);
    }
    let attrs = &resource.attributes;
    let text = |key: &str| {
        attrs
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    text("region")
        .or_else(|| text("arn").and_then(arn_region))
        .or_else(|| text("availability_zone").and_then(zone_region))
}

/// The region of every resource of a scan's states, in order: what the resource records (see
/// [`recorded_region`]), the region of the `provider` block that manages it (with `--config`),
/// the region its provider configuration's other resources record (when they agree; a v4
/// state names each resource's provider configuration, alias included), then the default
/// (`--region`), for the AWS provider's resources.
#[derive(Debug)]
pub struct Regions<'a> {
    config: Option<&'a Configuration>,
    inferred: HashMap<&'a ProviderRef, &'a str>,
    default: Option<&'a str>,
}

impl<'a> Regions<'a> {
    pub fn new(
        resources: impl IntoIterator<Item = &'a Resource>,
        config: Option<&'a Configuration>,
        default: Option<&'a str>,
    ) -> Self {
        // Each provider configuration's recorded regions; `None` once two disagree.
        let mut seen: HashMap<&'a ProviderRef, Option<&'a str>> = HashMap::new();
        for resource in resources {
            if let Some(region) = recorded_region(resource).filter(|r| *r != GLOBAL_REGION) {
                seen.entry(&resource.provider)
                    .and_modify(|known| {
                        if *known != Some(region) {
                            *known = None;
                        }
                    })
                    .or_insert(Some(region));
            }
        }
        // Disagreement names no region (a `show -json` state names no alias, so one provider
        // there may span regions): guessing would match objects in the wrong one.
        let inferred = seen
            .into_iter()
            .filter_map(|(provider, region)| Some((provider, region?)))
            .collect();
        Regions {
            config,
            inferred,
            default,
        }
    }

    /// The region `resource` is matched in, when anything names it.
    pub fn of(&self, resource: &'a Resource) -> Option<&'a str> {
        recorded_region(resource)
            .or_else(|| self.config.and_then(|c| provider_region(c, resource)))
            .or_else(|| self.inferred.get(&resource.provider).copied())
            .or_else(|| {
                self.default
                    .filter(|_| resource.provider.short_name() == AWS_PROVIDER_NAME)
            })
    }
}

/// The local name of the provider whose resources `--region` speaks for.
const AWS_PROVIDER_NAME: &str = "aws";

/// The region of the `provider` block that manages `resource`: same local name and alias,
/// declared in the resource's module or, failing that, the root module.
fn provider_region<'a>(config: &'a Configuration, resource: &Resource) -> Option<&'a str> {
    let module: Vec<&str> = resource
        .address
        .module
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let name = resource.provider.short_name();
    let alias = resource.provider.alias.as_deref();
    let candidates = |path: &[&str]| {
        config.providers.iter().find(|p| {
            p.name == name
                && p.alias.as_deref() == alias
                && p.module.iter().map(String::as_str).eq(path.iter().copied())
        })
    };
    candidates(&module)
        .or_else(|| candidates(&[]))
        .and_then(|p| p.region())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_from_arns_and_zones() {
        assert_eq!(
            arn_region("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1"),
            Some("eu-west-1")
        );
        assert_eq!(arn_region("arn:aws:iam::123456789012:role/x"), None);
        assert_eq!(zone_region("eu-west-1a"), Some("eu-west-1"));
        assert_eq!(zone_region("use1-az1"), None);
    }
}
