//! What identifies an object of a type whose Terraform id alone does not, as each type's
//! catalog entry says: read by the drift engine's matching and by adapters that narrow their
//! reads to the state's ids.

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

/// The identity of a type whose id the provider makes up.
pub const fn synthetic(attributes: &'static [&'static str]) -> Identity {
    Identity {
        id: IdKind::Synthetic,
        attributes,
    }
}

/// The identity of a type whose id several objects may share.
pub const fn shared(attributes: &'static [&'static str]) -> Identity {
    Identity {
        id: IdKind::Shared,
        attributes,
    }
}

/// What identifies an object of `resource_type`, when its id alone does not.
pub fn identity(resource_type: &str) -> Option<&'static Identity> {
    super::info(resource_type)?.identity.as_ref()
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
    fn synthetic_and_shared_ids_are_told_apart() {
        assert!(is_synthetic("aws_route"));
        assert!(!is_synthetic("aws_iam_policy_attachment"));
        assert!(identity("aws_iam_policy_attachment").is_some());
        assert!(identity("aws_instance").is_none());
    }
}
