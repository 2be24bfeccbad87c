//! What identifies an object of a type whose Terraform id alone does not: one table, read by the
//! drift engine's matching and by adapters that narrow their reads to the state's ids.

/// How a type's Terraform id relates to the object it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    /// The provider makes the id up from the object's settings (`sgrule-…`, `r-rtb-…`,
    /// `nacl-…`, `vai-…`): objects are always matched on the identity attributes, so that an
    /// adapter need not reproduce the provider's hash (and a managed-only read cannot narrow
    /// them by id).
    Synthetic,
    /// The id is a name that several resources may hold at once (`aws_iam_policy_attachment`'s
    /// `name`, `aws_lambda_permission`'s `statement_id`): objects are matched on the id, and
    /// those that share one are told apart by the identity attributes.
    Shared,
}

/// The identity of one type's objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    pub id: IdKind,
    /// The attributes that say which object it is, the deciding one first: for a shared id, a
    /// live object whose first identity attribute differs is another object; the others rank
    /// the candidates that agree on it.
    pub attributes: &'static [&'static str],
}

const fn synthetic(attributes: &'static [&'static str]) -> Identity {
    Identity {
        id: IdKind::Synthetic,
        attributes,
    }
}

const fn shared(attributes: &'static [&'static str]) -> Identity {
    Identity {
        id: IdKind::Shared,
        attributes,
    }
}

/// Every type whose id does not identify its object on its own. Add a type here, not a
/// special case elsewhere.
const IDENTITIES: &[(&str, Identity)] = &[
    (
        "aws_security_group_rule",
        synthetic(&[
            "security_group_id",
            "type",
            "protocol",
            "from_port",
            "to_port",
            "cidr_blocks",
            "ipv6_cidr_blocks",
            "prefix_list_ids",
            "source_security_group_id",
            "self",
        ]),
    ),
    (
        "aws_route",
        synthetic(&[
            "route_table_id",
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
        ]),
    ),
    (
        "aws_network_acl_rule",
        synthetic(&["network_acl_id", "rule_number", "egress"]),
    ),
    (
        "aws_volume_attachment",
        synthetic(&["volume_id", "instance_id", "device_name"]),
    ),
    // One per region, with an id the provider makes up (`terraform-2023…`): the type is the
    // identity.
    ("aws_ebs_encryption_by_default", synthetic(&[])),
    // The id is the resource's `name`, which nothing makes unique; the policy is what it
    // attaches.
    (
        "aws_iam_policy_attachment",
        shared(&["policy_arn", "roles", "users", "groups"]),
    ),
    // The id is the membership's `name`.
    ("aws_iam_group_membership", shared(&["group", "users"])),
    // The id is the `statement_id`, often the same on every function
    // (`AllowExecutionFromAPIGateway`).
    (
        "aws_lambda_permission",
        shared(&["function_name", "qualifier", "principal", "source_arn"]),
    ),
    // The id is the DHCP options' id, shared by every VPC associated with them.
    ("aws_vpc_dhcp_options_association", shared(&["vpc_id"])),
];

/// What identifies an object of `resource_type`, when its id alone does not.
pub fn identity(resource_type: &str) -> Option<&'static Identity> {
    IDENTITIES
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|(_, identity)| identity)
}

/// Whether objects of `resource_type` are matched on their identity attributes rather than on
/// their id (see [`IdKind::Synthetic`]).
pub fn is_synthetic(resource_type: &str) -> bool {
    identity(resource_type).is_some_and(|i| i.id == IdKind::Synthetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_listed_once() {
        let mut types: Vec<&str> = IDENTITIES.iter().map(|(t, _)| *t).collect();
        types.sort_unstable();
        let count = types.len();
        types.dedup();
        assert_eq!(types.len(), count);
        assert!(is_synthetic("aws_route"));
        assert!(!is_synthetic("aws_iam_policy_attachment"));
        assert!(identity("aws_instance").is_none());
    }
}
