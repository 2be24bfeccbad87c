//! One module per family of types, each mapping EC2's answers into exactly the attributes the
//! Terraform AWS provider's Read writes (names, nesting, empty values), so that observations
//! compare with state directly.
//!
//! Every module has the same two items: `TYPES`, the Terraform types it serves, and `read`,
//! which builds a type's observations from the region's (shared) listings.

mod acl;
mod addressing;
mod ebs;
mod images;
mod instance;
mod peering;
mod routing;
mod security_group;
mod vpc;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use plumb_model::{Observation, Value};

use crate::attrs::Observed;
use crate::ops::Operation;
use crate::region::RegionReader;

type Read = Result<Vec<Observed>, String>;

/// One type the adapter reads, beside its mapping in its family's module: the listing that
/// serves it (shared by the family's types, so one call answers them all) and when the state
/// makes a per-resource read worth its calls.
#[derive(Debug)]
pub(crate) struct AwsType {
    pub(crate) name: &'static str,
    /// The operation whose answer lists the type's objects: what a reader (and the calls
    /// table of docs/aws-adapter.md, which a test holds to it) needs to know of the type's cost.
    #[cfg_attr(
        not(test),
        allow(
            dead_code,
            reason = "read by the docs test; the family's read makes the call"
        )
    )]
    pub(crate) listing: Operation,
    /// Whether a state object's values make its one-object-per-call read worth paying for.
    pub(crate) details: Option<fn(&Value) -> bool>,
}

impl AwsType {
    /// A type read from its listing alone.
    const fn listed(name: &'static str, listing: Operation) -> Self {
        AwsType {
            name,
            listing,
            details: None,
        }
    }
}

/// The families of types, each a module with its `TYPES` and its `read`.
#[derive(Clone, Copy, Debug)]
enum Family {
    Instance,
    Ebs,
    Vpc,
    SecurityGroup,
    Routing,
    Acl,
    Addressing,
    Images,
    Peering,
}

const FAMILIES: &[Family] = &[
    Family::Instance,
    Family::Ebs,
    Family::Vpc,
    Family::SecurityGroup,
    Family::Routing,
    Family::Acl,
    Family::Addressing,
    Family::Images,
    Family::Peering,
];

impl Family {
    fn types(self) -> &'static [AwsType] {
        match self {
            Family::Instance => instance::TYPES,
            Family::Ebs => ebs::TYPES,
            Family::Vpc => vpc::TYPES,
            Family::SecurityGroup => security_group::TYPES,
            Family::Routing => routing::TYPES,
            Family::Acl => acl::TYPES,
            Family::Addressing => addressing::TYPES,
            Family::Images => images::TYPES,
            Family::Peering => peering::TYPES,
        }
    }

    async fn read(self, reader: &RegionReader, resource_type: &str) -> Read {
        match self {
            Family::Instance => instance::read(reader, resource_type).await,
            Family::Ebs => ebs::read(reader, resource_type).await,
            Family::Vpc => vpc::read(reader, resource_type).await,
            Family::SecurityGroup => security_group::read(reader, resource_type).await,
            Family::Routing => routing::read(reader, resource_type).await,
            Family::Acl => acl::read(reader, resource_type).await,
            Family::Addressing => addressing::read(reader, resource_type).await,
            Family::Images => images::read(reader, resource_type).await,
            Family::Peering => peering::read(reader, resource_type).await,
        }
    }
}

/// The family and entry of a type the adapter reads.
fn find(resource_type: &str) -> Option<(Family, &'static AwsType)> {
    FAMILIES.iter().find_map(|family| {
        family
            .types()
            .iter()
            .find(|t| t.name == resource_type)
            .map(|t| (*family, t))
    })
}

/// Every type the adapter reads, sorted, as `plumb adapters` lists them.
pub static SUPPORTED_TYPES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut names: Vec<&str> = FAMILIES
        .iter()
        .flat_map(|family| family.types())
        .map(|t| t.name)
        .collect();
    names.sort_unstable();
    names
});

/// Reads one type in one region. `wanted` narrows the answer to those ids (managed-only
/// scans); the listing itself is the same call either way.
pub(crate) async fn read(
    reader: &RegionReader,
    resource_type: &str,
    wanted: Option<&BTreeSet<String>>,
) -> Result<Vec<Observation>, String> {
    if wanted.is_some_and(BTreeSet::is_empty) {
        // A managed-only read of a type the state does not hold: nothing to ask for.
        return Ok(Vec::new());
    }
    let Some((family, _)) = find(resource_type) else {
        return Err(format!("{resource_type} is not read by the AWS adapter"));
    };
    let observed = family.read(reader, resource_type).await?;
    Ok(observed
        .into_iter()
        .filter(|o| wanted.is_none_or(|ids| ids.contains(&o.id)))
        .map(|o| o.into_observation(&reader.region, resource_type))
        .collect())
}

/// Whether a state object's values make its per-resource read worth paying for (the type's
/// `details`).
pub fn wants_per_resource_read(resource_type: &str, state: &Value) -> bool {
    find(resource_type)
        .and_then(|(_, t)| t.details)
        .is_some_and(|wants| wants(state))
}

/// Whether a state object holds a value of `key` other than `default` (set, and not empty).
fn differs(state: &Value, key: &str, default: &Value) -> bool {
    state
        .get(key)
        .map(Value::unmarked)
        .is_some_and(|v| !v.is_null() && !v.is_empty_like() && v != default)
}

/// Test support: checks that an observation accounts for every attribute of its type's shipped
/// schema, read or listed unread, and names nothing the schema does not have.
#[cfg(test)]
pub(crate) fn assert_covers_schema(resource_type: &str, observed: &Observed) {
    let schema = plumb_schema::shipped_ref()
        .resource(resource_type)
        .unwrap_or_else(|| panic!("{resource_type}: no shipped schema"));
    let Observed {
        attributes, unread, ..
    } = observed;
    let map = attributes.as_map().expect("attributes are an object");
    let unread: Vec<String> = unread.iter().map(ToString::to_string).collect();
    let mut expected: Vec<&str> = schema
        .block
        .attributes
        .keys()
        .chain(schema.block.block_types.keys())
        .map(String::as_str)
        // Configuration only, and never compared.
        .filter(|key| *key != "timeouts")
        .collect();
    expected.sort_unstable();
    for key in &expected {
        assert!(
            map.contains_key(key) || unread.iter().any(|u| u == key),
            "{resource_type}: `{key}` is neither read nor listed unread"
        );
    }
    for key in map.keys() {
        assert!(
            expected.contains(&key),
            "{resource_type}: `{key}` is not in the schema"
        );
    }
    for key in &unread {
        assert!(
            expected.contains(&key.as_str()),
            "{resource_type}: unread `{key}` is not in the schema"
        );
        assert!(
            !map.contains_key(key),
            "{resource_type}: `{key}` is both read and unread"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_type_is_in_one_family_and_has_a_schema_and_a_catalog_entry() {
        let count: usize = FAMILIES.iter().map(|f| f.types().len()).sum();
        let mut names = SUPPORTED_TYPES.clone();
        names.dedup();
        assert_eq!(names.len(), count, "a type is in two families");
        let schemas = plumb_schema::shipped_ref();
        for t in SUPPORTED_TYPES.iter() {
            assert!(schemas.resource(t).is_some(), "{t} has no shipped schema");
            assert!(
                plumb_model::catalog::info(t).is_some(),
                "{t} has no descriptor in plumb_model::catalog"
            );
            let (_, entry) = find(t).unwrap();
            assert!(
                crate::ops::OPERATIONS.contains(&entry.listing),
                "{t}: its listing is not one of the adapter's operations"
            );
        }
    }

    /// docs/aws-adapter.md's table of calls names each type on the row of its listing.
    #[test]
    fn the_docs_name_each_types_listing() {
        let doc = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/aws-adapter.md"),
        )
        .unwrap();
        for family in FAMILIES {
            for t in family.types() {
                let named = format!("`{}`", t.name);
                let row = doc.lines().filter(|l| l.starts_with('|')).find(|l| {
                    l.split('|')
                        .nth(2)
                        .is_some_and(|cell| cell.contains(&named))
                });
                let Some(row) = row else {
                    panic!("docs/aws-adapter.md: no row of the calls table names {named}");
                };
                let listing = row.split('|').nth(1).unwrap_or_default();
                assert!(
                    listing.contains(&format!("`{}`", t.listing.name)),
                    "docs/aws-adapter.md: {named} is on the row of {listing}, but is listed by {}",
                    t.listing.name
                );
            }
        }
    }

    #[test]
    fn per_resource_reads_are_asked_only_where_the_state_differs_from_the_default() {
        let state = |json: &str| -> Value { serde_json::from_str(json).unwrap() };
        assert!(!wants_per_resource_read(
            "aws_instance",
            &state(r#"{"disable_api_termination": false, "user_data": null}"#)
        ));
        assert!(wants_per_resource_read(
            "aws_instance",
            &state(r#"{"disable_api_termination": true}"#)
        ));
        assert!(wants_per_resource_read(
            "aws_vpc",
            &state(r#"{"enable_dns_support": false}"#)
        ));
        assert!(!wants_per_resource_read(
            "aws_subnet",
            &state(r#"{"enable_dns_support": false}"#)
        ));
    }
}
