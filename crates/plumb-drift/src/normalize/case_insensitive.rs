//! Enumerations that AWS accepts in any case and answers in its own.

use plumb_model::{AttrPath, Value};

use super::{NormalizeContext, Normalizer, walk_mut};

pub struct CaseInsensitiveEnum;

/// Attributes whose values are enumerations compared without regard to case.
const CASE_INSENSITIVE: &[&str] = &[
    "rule_action",
    "traffic_type",
    "instance_tenancy",
    "tenancy",
    "volume_type",
    "architecture",
    "http_endpoint",
    "http_tokens",
    "http_protocol_ipv6",
    "instance_metadata_tags",
    "cpu_credits",
    "log_destination_type",
    "strategy",
];

impl Normalizer for CaseInsensitiveEnum {
    fn id(&self) -> &'static str {
        "case-insensitive-enum"
    }
    fn reason(&self) -> &'static str {
        "the same enumeration value in another case"
    }
    fn doc(&self) -> &'static str {
        "Some EC2 enumerations are accepted in any case and returned in AWS's own (`Allow` and \
         `allow` for a network ACL rule action, `GP3` and `gp3` for a volume type). A fixed list \
         of such attributes (rule_action, traffic_type, tenancy, volume_type, architecture, the \
         metadata options, cpu_credits, log_destination_type, placement strategy) is compared \
         without regard to case; every other string stays case-sensitive."
    }
    fn normalize(&self, _ctx: &NormalizeContext<'_>, path: &AttrPath, value: &mut Value) {
        walk_mut(value, &mut path.clone(), &mut |p, v| {
            if p.last_name().is_some_and(|n| CASE_INSENSITIVE.contains(&n))
                && let Value::String(s) = v
            {
                *s = s.to_ascii_lowercase();
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::normalized;

    #[test]
    fn listed_enums_ignore_case_others_do_not() {
        assert_eq!(
            normalized(
                &CaseInsensitiveEnum,
                "egress",
                r#"[{"rule_action":"Allow"}]"#
            ),
            normalized(
                &CaseInsensitiveEnum,
                "egress",
                r#"[{"rule_action":"allow"}]"#
            )
        );
        assert_ne!(
            normalized(&CaseInsensitiveEnum, "description", r#""Web""#),
            normalized(&CaseInsensitiveEnum, "description", r#""web""#)
        );
    }
}
