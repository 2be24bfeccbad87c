//! Where a type's objects live: in a region, in one availability zone of a region, or nowhere in
//! particular (global services). A fact of the type, not of each object, kept in one place so
//! that the readers, the adapters and the matching agree on it.

/// The region recorded for an object of a [`TypeScope::Global`] type. Global services (IAM,
/// Route 53, `cloudfront`, ...) have no region: their objects are matched on type and id alone,
/// whatever region a reader or an adapter saw them through.
pub const GLOBAL_REGION: &str = "global";

/// The placement of a type's objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeScope {
    /// One per region: its id is unique within a region (most types).
    Regional,
    /// In one availability zone, which names its region (`eu-west-1a`).
    Zonal,
    /// No region at all: one namespace per account (or organization).
    Global,
}

/// Services of the AWS provider whose every resource type is global: the provider records no
/// `region` for them (version 6 gave every regional resource one).
const GLOBAL_SERVICES: &[&str] = &[
    "account",
    "bcmdataexports",
    "billing",
    "budgets",
    "ce",
    "cloudfront",
    "cloudfrontkeyvaluestore",
    "costoptimizationhub",
    "cur",
    "globalaccelerator",
    "iam",
    "networkmanager",
    "notifications",
    "notificationscontacts",
    "organizations",
    "rolesanywhere",
    "route53domains",
    "route53recoverycontrolconfig",
    "route53recoveryreadiness",
    "shield",
    "uxc",
    // WAF classic; `wafregional` and `wafv2` are regional.
    "waf",
];

/// Global types of services that are otherwise regional: account- or organization-wide
/// settings, and Direct Connect gateways.
const GLOBAL_TYPES: &[&str] = &[
    "aws_backup_global_settings",
    "aws_chimesdkvoice_global_settings",
    "aws_cloudtrail_organization_delegated_admin_account",
    "aws_dx_gateway",
    "aws_fms_admin_account",
    "aws_ram_sharing_with_organization",
    "aws_s3_account_public_access_block",
    "aws_servicecatalog_organizations_access",
    "aws_ssmincidents_replication_set",
    "aws_vpc_ipam_organization_admin_account",
];

/// Types whose objects sit in one availability zone (the zone is a required or recorded
/// argument of the object itself, not of a list of placements).
const ZONAL_TYPES: &[&str] = &[
    "aws_default_subnet",
    "aws_ebs_volume",
    "aws_ec2_capacity_reservation",
    "aws_ec2_host",
    "aws_instance",
    "aws_lightsail_disk",
    "aws_lightsail_instance",
    "aws_spot_instance_request",
    "aws_subnet",
];

/// The scope of `resource_type`. Types of other providers, and AWS types not listed here, are
/// regional.
pub fn scope_of(resource_type: &str) -> TypeScope {
    if GLOBAL_TYPES.contains(&resource_type) {
        return TypeScope::Global;
    }
    if ZONAL_TYPES.contains(&resource_type) {
        return TypeScope::Zonal;
    }
    let Some(rest) = resource_type.strip_prefix("aws_") else {
        return TypeScope::Regional;
    };
    let service = rest.split('_').next().unwrap_or_default();
    // Route 53's own types are global; the Resolver's (`aws_route53_resolver_*`) are regional.
    let route53 = service == "route53" && !rest.starts_with("route53_resolver_");
    if route53 || GLOBAL_SERVICES.contains(&service) {
        TypeScope::Global
    } else {
        TypeScope::Regional
    }
}

/// The region an object of `resource_type` is matched in: [`GLOBAL_REGION`] for a global type,
/// whatever `region` says, else `region` itself.
pub fn matching_region<'a>(resource_type: &str, region: &'a str) -> &'a str {
    if scope_of(resource_type) == TypeScope::Global {
        GLOBAL_REGION
    } else {
        region
    }
}

/// Sets a global type's `region` to [`GLOBAL_REGION`], whatever a reader or an adapter saw
/// it through; other types' regions stay.
pub fn settle_region(resource_type: &str, region: &mut String) {
    if scope_of(resource_type) == TypeScope::Global {
        GLOBAL_REGION.clone_into(region);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_services_have_no_region() {
        for global in [
            "aws_iam_role",
            "aws_iam_policy_attachment",
            "aws_route53_zone",
            "aws_route53_record",
            "aws_cloudfront_distribution",
            "aws_organizations_account",
            "aws_waf_web_acl",
            "aws_shield_protection",
            "aws_globalaccelerator_accelerator",
            "aws_budgets_budget",
            "aws_s3_account_public_access_block",
        ] {
            assert_eq!(scope_of(global), TypeScope::Global, "{global}");
        }
        for regional in [
            "aws_route53_resolver_endpoint",
            "aws_route53resolver_thing",
            "aws_wafv2_web_acl",
            "aws_wafregional_web_acl",
            "aws_vpc",
            "aws_s3_bucket",
            "tfcoremock_simple_resource",
            "iam_role",
        ] {
            assert_eq!(scope_of(regional), TypeScope::Regional, "{regional}");
        }
        assert_eq!(scope_of("aws_subnet"), TypeScope::Zonal);
        assert_eq!(matching_region("aws_iam_role", "us-east-1"), GLOBAL_REGION);
        assert_eq!(matching_region("aws_vpc", "us-east-1"), "us-east-1");
    }

    /// The provider's own facts: in version 6 every regional resource type has a `region`
    /// argument, so the types without one are exactly the global ones.
    #[test]
    fn global_types_are_those_the_provider_records_no_region_for() {
        let corpus = std::env::var_os("PLUMB_CORPUS").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
            std::path::PathBuf::from,
        );
        let path = corpus.join("schema/aws-6.47.0-resources.json");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (set PLUMB_CORPUS to the corpus directory)",
                path.display()
            )
        });
        let facts: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let types =
            facts["provider_schemas"]["registry.terraform.io/hashicorp/aws"]["resource_schemas"]
                .as_object()
                .unwrap();
        assert!(types.len() > 1000);
        let wrong: Vec<&String> = types
            .iter()
            .filter(|(name, schema)| {
                let regionless = schema["block"]["attributes"].get("region").is_none();
                regionless != (scope_of(name) == TypeScope::Global)
            })
            .map(|(name, _)| name)
            .collect();
        assert!(
            wrong.is_empty(),
            "scope disagrees with the provider: {wrong:?}"
        );
    }
}
