//! Which region a state resource lives in: what it records, else what its provider says.

use plumb_model::{Configuration, Resource, Value};

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

/// In order: the `region` attribute (provider 6.x records it), the ARN, the availability zone,
/// the region of the provider configuration that manages the resource, then the default.
pub fn resource_region<'a>(
    resource: &'a Resource,
    config: Option<&'a Configuration>,
    default_region: Option<&'a str>,
) -> Option<&'a str> {
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
        .or_else(|| config.and_then(|c| provider_region(c, resource)))
        .or(default_region)
}

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
