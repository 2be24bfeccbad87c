use plumb_model::{Kind, Severity, Value};

use super::{
    AttributeChange, ResourceEvent, Rule, RuleDoc, added_elements, as_loose_bool, is_open_world,
};

pub struct NaclAllowOpenWorld;

fn entry_allows_world(entry: &Value) -> bool {
    let action = entry
        .get("action")
        .or_else(|| entry.get("rule_action"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    action.eq_ignore_ascii_case("allow")
        && (is_open_world(entry.get("cidr_block")) || is_open_world(entry.get("ipv6_cidr_block")))
}

fn standalone_allows_world(attributes: &Value) -> bool {
    attributes.get("egress").and_then(as_loose_bool) != Some(true) && entry_allows_world(attributes)
}

impl Rule for NaclAllowOpenWorld {
    fn id(&self) -> &'static str {
        "aws-nacl-allow-open-world"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn title(&self) -> &'static str {
        "A network ACL allows inbound traffic from the whole internet"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "An inbound network ACL entry that allows `0.0.0.0/0` or `::/0` appeared outside \
                   Terraform, inline on an `aws_network_acl` or as an `aws_network_acl_rule`.",
            why: "Network ACLs are the subnet-wide backstop behind security groups; an allow-all \
                  entry added by hand removes that backstop for every instance in the subnets.",
            fix: "Revert with `terraform apply`, or write the entry in the code with the narrowest \
                  source and port range that works.",
        }
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        match change.resource_type {
            "aws_network_acl" | "aws_default_network_acl" if change.attribute() == "ingress" => {
                added_elements(change)
                    .into_iter()
                    .any(entry_allows_world)
                    .then(|| "an inbound entry now allows the whole internet".to_owned())
            }
            "aws_network_acl_rule"
                if change.kind == Kind::Changed
                    && change.resource_live.is_some_and(standalone_allows_world)
                    && matches!(
                        change.attribute(),
                        "cidr_block" | "ipv6_cidr_block" | "rule_action"
                    ) =>
            {
                Some("the inbound entry now allows the whole internet".to_owned())
            }
            _ => None,
        }
    }
    fn check_resource(&self, event: &ResourceEvent<'_>) -> Option<String> {
        (event.kind == Kind::Unmanaged
            && event.resource_type == "aws_network_acl_rule"
            && standalone_allows_world(event.attributes))
        .then(|| "an unmanaged inbound entry allows the whole internet".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::change;

    #[test]
    fn inline_allow_all() {
        let case = change("aws_network_acl", "ingress", "[]", "[]")
            .added(r#"[{"action":"allow","cidr_block":"0.0.0.0/0","rule_no":90}]"#);
        assert!(case.check(&NaclAllowOpenWorld).is_some());
        let deny = change("aws_network_acl", "ingress", "[]", "[]")
            .added(r#"[{"action":"deny","cidr_block":"0.0.0.0/0","rule_no":90}]"#);
        assert!(deny.check(&NaclAllowOpenWorld).is_none());
    }

    #[test]
    fn unmanaged_rule() {
        let live: Value = serde_json::from_str(
            r#"{"egress":false,"rule_action":"allow","cidr_block":"0.0.0.0/0"}"#,
        )
        .unwrap();
        let event = ResourceEvent {
            resource_type: "aws_network_acl_rule",
            kind: Kind::Unmanaged,
            attributes: &live,
        };
        assert!(NaclAllowOpenWorld.check_resource(&event).is_some());
    }
}
