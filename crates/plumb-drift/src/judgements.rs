//! Suppressions the engine makes itself, outside the normalizer registry.
//!
//! Two judgements need the whole resource rather than one attribute's value, so they are not
//! normalizers: an attribute present on one side only, and tags compared once on the effective
//! map. They still appear in `suppressed[]` with an id and a reason, and `plumb rules` lists them
//! with the normalizers, so that every id a report can show is documented in one place.

/// A suppression the engine makes by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Judgement {
    /// Kebab-case id, reported as the `rule` of a suppressed difference.
    pub id: &'static str,
    /// One line for `suppressed[].reason`.
    pub reason: &'static str,
    /// A paragraph for the docs: what it treats as equal and why that is safe.
    pub doc: &'static str,
}

/// An attribute that one provider version writes and another does not.
pub const SCHEMA_VERSION: Judgement = Judgement {
    id: "schema-version",
    reason: "the attribute exists in one provider version only",
    doc: "A top-level attribute present in state and absent live, or the reverse, with a \
          non-empty value. Provider versions add and drop attributes: a state written by \
          provider 4.x read against an adapter that speaks 6.x differs in which attributes exist, \
          not in what the infrastructure is. A value present on both sides is always compared; \
          only the attribute's existence is judged here.",
};

/// `tags` and `tags_all` that split the same effective map differently.
pub const TAGS_EFFECTIVE: Judgement = Judgement {
    id: "tags-effective",
    reason: "the effective tags are the same; only their split between tags and default_tags differs",
    doc: "Tags are compared once, on the effective map (`tags_all` where the provider records \
          it, else `tags`), instead of twice through `tags` and `tags_all`. When the effective \
          maps are equal but the two attributes differ, a tag only moved between the resource's \
          `tags` and the provider's `default_tags`: the resource carries the same tags in AWS. \
          A tag that really changed is reported once, at `tags[\"KEY\"]`.",
};

/// Parts of an object that another resource in the state manages.
pub const SEPARATELY_MANAGED: Judgement = Judgement {
    id: "separately-managed",
    reason: "another resource in the state manages this part (a rule, a route or an attached volume's tags)",
    doc: "Security group rules managed by `aws_security_group_rule` or \
          `aws_vpc_security_group_ingress_rule`/`_egress_rule` resources appear live on the group's \
          `ingress`/`egress`; routes managed by `aws_route` appear on the table's `route`; \
          entries managed by `aws_network_acl_rule` on the ACL's `ingress`/`egress`; an \
          association managed by `aws_eip_association` on the EIP's `instance`, \
          `network_interface` and `association_id`; volumes attached with \
          `aws_volume_attachment` on the instance's `ebs_block_device`; and the tags of those \
          volumes (owned by their `aws_ebs_volume`) in the instance's `volume_tags`. Those parts \
          are taken out of both sides before the group, table, ACL, EIP or instance is compared, \
          and the difference they made is recorded here: the separate resource is compared on \
          its own.",
};

/// Every engine judgement, in the order `plumb rules` lists them.
pub const ENGINE_JUDGEMENTS: &[Judgement] = &[SCHEMA_VERSION, TAGS_EFFECTIVE, SEPARATELY_MANAGED];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_do_not_collide_with_normalizers_or_rules() {
        for judgement in ENGINE_JUDGEMENTS {
            assert!(
                crate::normalize::registry()
                    .iter()
                    .all(|n| n.id() != judgement.id),
                "{} is also a normalizer id",
                judgement.id
            );
            assert!(
                crate::rules::by_id(judgement.id).is_none(),
                "{} is also a rule id",
                judgement.id
            );
        }
    }
}
