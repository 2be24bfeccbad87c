//! The catalog of resource types: what every layer needs to know about a Terraform type beyond
//! its schema, in one descriptor per type ([`TypeInfo`], listed in [`aws`]).
//!
//! The readers, the adapters, the drift engine, remediation and the reports ask the catalog,
//! never name a provider type themselves (a test holds the engine to that), so that a new type
//! is a descriptor here and a mapping in its adapter. What a descriptor says:
//!
//! - **identity**: how a state object finds its live object: by id (most types), by the base
//!   type's id (`aws_default_vpc` is an `aws_vpc`), or by identity attributes where the id is
//!   synthetic or shared ([`identity`]);
//! - **scope**: regional, zonal or global ([`scope`]), a fact of every provider type, derived
//!   from the provider's schema for the ones no descriptor lists;
//! - **parts**: the arguments other resources may manage separately, and how to set them aside
//!   ([`parts`]);
//! - **ownership**: which objects belong to another manager ([`ownership`]);
//! - **import**: the id an `import` block needs ([`import`]);
//! - **split**: a resource that the cloud stores as several objects, one per source.
//!
//! Types without a descriptor get the defaults: matched and imported by id, scope by the
//! service rule. Lookups are a binary search over the sorted table.

pub mod aws;
pub mod identity;
pub mod import;
pub mod ownership;
pub mod parts;
pub mod scope;
pub mod values;

pub use identity::{IdKind, Identity};
pub use import::{Import, ImportId, import_id};
pub use scope::{GLOBAL_REGION, TypeScope, matching_region, scope_of, settle_region};

/// Everything plumb knows of one resource type beyond its schema.
#[derive(Clone, Copy, Debug)]
pub struct TypeInfo {
    /// The Terraform type (`aws_security_group_rule`).
    pub name: &'static str,
    /// The type whose objects this one manages, for the `aws_default_*` types and
    /// `aws_vpc_peering_connection_accepter`: adapters report the object under the base type,
    /// and matching looks there.
    pub base: Option<&'static str>,
    /// How objects are identified when the id alone does not (synthetic or shared ids).
    pub identity: Option<Identity>,
    /// The id an `import` block needs.
    pub import: Import,
    /// One resource that the cloud stores as several objects, one per source.
    pub split: Option<Split>,
}

impl TypeInfo {
    /// A type with every default: matched and imported by its id.
    pub const fn new(name: &'static str) -> Self {
        TypeInfo {
            name,
            base: None,
            identity: None,
            import: Import::ById,
            split: None,
        }
    }

    /// Where the type's objects live.
    pub fn scope(&self) -> TypeScope {
        scope_of(self.name)
    }

    /// The parts of this type (as owner) that other resources may manage separately.
    pub fn parts(&self) -> impl Iterator<Item = &'static parts::Part> {
        let name = self.name;
        parts::PARTS
            .iter()
            .filter(move |p| p.owners.contains(&name))
    }
}

/// A resource whose sources the cloud stores one object each: EC2 keeps a security group rule
/// per CIDR, while one `aws_security_group_rule` may hold several. Matching meets each live
/// object through a copy of the resource holding that one source.
#[derive(Clone, Copy, Debug)]
pub struct Split {
    /// List attributes whose every element is one source.
    pub lists: &'static [&'static str],
    /// Single-valued attributes that are one source when set.
    pub single: &'static [&'static str],
    /// A boolean attribute that is one source when true (a rule's `self`).
    pub flag: Option<&'static str>,
}

/// The descriptor of `resource_type`, when the catalog lists it.
pub fn info(resource_type: &str) -> Option<&'static TypeInfo> {
    aws::TYPES
        .binary_search_by(|info| info.name.cmp(resource_type))
        .ok()
        .map(|i| &aws::TYPES[i])
}

/// The type an object of `resource_type` is reported under: the base type of an
/// `aws_default_*`, else the type itself.
pub fn base_type(resource_type: &str) -> &str {
    info(resource_type)
        .and_then(|info| info.base)
        .unwrap_or(resource_type)
}

/// Every type the catalog describes, in name order.
pub fn described_types() -> impl ExactSizeIterator<Item = &'static str> {
    aws::TYPES.iter().map(|info| info.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_each_type_listed_once() {
        for pair in aws::TYPES.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} must come after {} (lookups are a binary search)",
                pair[0].name,
                pair[1].name
            );
        }
    }

    #[test]
    fn a_base_type_is_described_and_has_no_base_of_its_own() {
        for info in aws::TYPES {
            if let Some(base) = info.base {
                let base_info = info_or_panic(base);
                assert!(base_info.base.is_none(), "{}", info.name);
                assert_eq!(base_info.scope(), info.scope(), "{}", info.name);
            }
        }
        for (default, base) in [
            ("aws_default_vpc", "aws_vpc"),
            ("aws_default_subnet", "aws_subnet"),
            ("aws_default_security_group", "aws_security_group"),
            ("aws_default_route_table", "aws_route_table"),
            ("aws_default_network_acl", "aws_network_acl"),
            ("aws_default_vpc_dhcp_options", "aws_vpc_dhcp_options"),
        ] {
            assert_eq!(base_type(default), base);
        }
        assert_eq!(base_type("aws_vpc"), "aws_vpc");
        assert_eq!(
            base_type("tfcoremock_simple_resource"),
            "tfcoremock_simple_resource"
        );
    }

    #[test]
    fn parts_name_described_types() {
        for part in parts::PARTS {
            for name in part.separate.iter().chain(part.owners) {
                info_or_panic(name);
            }
        }
        for aside in parts::ASIDES {
            info_or_panic(aside.separate);
            info_or_panic(aside.owner);
        }
        assert_eq!(info_or_panic("aws_security_group").parts().count(), 1);
    }

    fn info_or_panic(name: &str) -> &'static TypeInfo {
        info(name).unwrap_or_else(|| panic!("{name} has no catalog entry"))
    }
}
