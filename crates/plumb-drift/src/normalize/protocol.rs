//! Protocols by name or number: `tcp` and `6`, `all` and `-1`.

use plumb_model::catalog::values::protocol_number;
use plumb_model::{AttrPath, Value};

use super::{NormalizeContext, Normalizer, walk_mut};

pub struct ProtocolNumber;

impl Normalizer for ProtocolNumber {
    fn id(&self) -> &'static str {
        "protocol-number"
    }
    fn reason(&self) -> &'static str {
        "the same protocol by name and by number"
    }
    fn doc(&self) -> &'static str {
        "Security group and network ACL rules accept a protocol by name or by number, and the \
         state may hold `all` where the API answers `-1` (or `tcp` where it answers `6`), which \
         used to force replacements. Protocol attributes (`protocol`, `ip_protocol`) are \
         compared by number: all/-1, icmp/1, tcp/6, udp/17, icmpv6/58."
    }
    fn normalize(&self, _ctx: &NormalizeContext<'_>, path: &AttrPath, value: &mut Value) {
        walk_mut(value, &mut path.clone(), &mut |p, v| {
            if matches!(p.last_name(), Some("protocol" | "ip_protocol"))
                && let Value::String(s) = v
                && let Some(number) = protocol_number(s)
            {
                *s = number.to_owned();
            }
            if matches!(p.last_name(), Some("protocol" | "ip_protocol"))
                && let Some(n) = v.as_i64()
            {
                *v = Value::String(n.to_string());
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::normalized;

    #[test]
    fn names_and_numbers_agree() {
        assert_eq!(
            normalized(&ProtocolNumber, "protocol", r#""all""#),
            normalized(&ProtocolNumber, "protocol", r#""-1""#)
        );
        assert_eq!(
            normalized(&ProtocolNumber, "ingress", r#"[{"protocol":"TCP"}]"#),
            normalized(&ProtocolNumber, "ingress", r#"[{"protocol":"6"}]"#)
        );
        assert_eq!(
            normalized(&ProtocolNumber, "protocol", "6"),
            normalized(&ProtocolNumber, "protocol", r#""tcp""#)
        );
        assert_ne!(
            normalized(&ProtocolNumber, "protocol", r#""udp""#),
            normalized(&ProtocolNumber, "protocol", r#""tcp""#)
        );
        // Only protocol attributes: a description that says "tcp" stays as it is.
        assert_eq!(
            normalized(&ProtocolNumber, "description", r#""tcp""#),
            Value::from("tcp")
        );
    }
}
