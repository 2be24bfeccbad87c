use plumb_model::{Kind, Severity, Value};

use super::{AttributeChange, ResourceEvent, Rule, RuleDoc, added_elements, is_open_world};

pub struct SgIngressOpenWorld;

fn rule_is_open(rule: &Value) -> bool {
    is_open_world(rule.get("cidr_blocks")) || is_open_world(rule.get("ipv6_cidr_blocks"))
}

/// A standalone rule resource (`aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`)
/// that admits the whole internet.
fn standalone_open(resource_type: &str, attributes: &Value) -> bool {
    match resource_type {
        "aws_security_group_rule" => {
            attributes.get("type").and_then(Value::as_str) == Some("ingress")
                && rule_is_open(attributes)
        }
        "aws_vpc_security_group_ingress_rule" => {
            is_open_world(attributes.get("cidr_ipv4")) || is_open_world(attributes.get("cidr_ipv6"))
        }
        _ => false,
    }
}

impl Rule for SgIngressOpenWorld {
    fn id(&self) -> &'static str {
        "aws-sg-ingress-open-world"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn title(&self) -> &'static str {
        "A security group admits inbound traffic from the whole internet (0.0.0.0/0 or ::/0)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "An ingress rule open to `0.0.0.0/0` or `::/0` appeared outside Terraform: on a \
                   security group's inline rules, on an `aws_security_group_rule` or \
                   `aws_vpc_security_group_ingress_rule`, or as an unmanaged rule resource.",
            why: "Ports opened to the world during an incident are the classic drift that stays: \
                  they expose the instances behind the group to scanning and exploitation, and the \
                  code no longer says they are open.",
            fix: "Revert with `terraform apply` (the code closes the port again), or, when the \
                  opening is intended, write it in the code and narrow it to the addresses that \
                  need it.",
        }
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        match change.resource_type {
            "aws_security_group" | "aws_default_security_group"
                if change.attribute() == "ingress" =>
            {
                let opened = added_elements(change)
                    .into_iter()
                    .find(|r| rule_is_open(r))?;
                let ports = match (opened.get("from_port"), opened.get("to_port")) {
                    (Some(from), Some(to)) if from == to => format!("port {from}"),
                    (Some(from), Some(to)) => format!("ports {from}-{to}"),
                    _ => "a port range".to_owned(),
                };
                Some(format!("ingress on {ports} opened to the whole internet"))
            }
            "aws_security_group_rule" | "aws_vpc_security_group_ingress_rule"
                if change.kind == Kind::Changed
                    && matches!(
                        change.attribute(),
                        "cidr_blocks" | "ipv6_cidr_blocks" | "cidr_ipv4" | "cidr_ipv6"
                    )
                    && is_open_world(change.live)
                    && !is_open_world(change.state)
                    && change
                        .resource_live
                        .is_none_or(|r| standalone_open(change.resource_type, r)) =>
            {
                Some("the rule's source was widened to the whole internet".to_owned())
            }
            _ => None,
        }
    }
    fn check_resource(&self, event: &ResourceEvent<'_>) -> Option<String> {
        (event.kind == Kind::Unmanaged && standalone_open(event.resource_type, event.attributes))
            .then(|| "an unmanaged ingress rule admits the whole internet".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::change;

    #[test]
    fn inline_rule_opened_to_the_world() {
        let case = change("aws_security_group", "ingress", "[]", "[]").added(
            r#"[{"from_port":22,"to_port":22,"protocol":"tcp","cidr_blocks":["0.0.0.0/0"]}]"#,
        );
        assert_eq!(
            case.check(&SgIngressOpenWorld).unwrap(),
            "ingress on port 22 opened to the whole internet"
        );
        let narrow = change("aws_security_group", "ingress", "[]", "[]")
            .added(r#"[{"from_port":22,"to_port":22,"cidr_blocks":["10.0.0.0/8"]}]"#);
        assert!(narrow.check(&SgIngressOpenWorld).is_none());
        let egress = change("aws_security_group", "egress", "[]", "[]")
            .added(r#"[{"from_port":0,"to_port":0,"cidr_blocks":["0.0.0.0/0"]}]"#);
        assert!(
            egress.check(&SgIngressOpenWorld).is_none(),
            "egress to the world is normal"
        );
    }

    #[test]
    fn unmanaged_open_rule_resources() {
        let live: Value =
            serde_json::from_str(r#"{"type":"ingress","cidr_blocks":["0.0.0.0/0"]}"#).unwrap();
        let event = ResourceEvent {
            resource_type: "aws_security_group_rule",
            kind: Kind::Unmanaged,
            attributes: &live,
        };
        assert!(SgIngressOpenWorld.check_resource(&event).is_some());
        let live: Value = serde_json::from_str(r#"{"cidr_ipv6":"::/0"}"#).unwrap();
        let event = ResourceEvent {
            resource_type: "aws_vpc_security_group_ingress_rule",
            kind: Kind::Unmanaged,
            attributes: &live,
        };
        assert!(SgIngressOpenWorld.check_resource(&event).is_some());
    }

    #[test]
    fn standalone_rule_widened() {
        let case = change(
            "aws_vpc_security_group_ingress_rule",
            "cidr_ipv4",
            r#""10.0.0.0/8""#,
            r#""0.0.0.0/0""#,
        );
        assert!(case.check(&SgIngressOpenWorld).is_some());
    }
}
