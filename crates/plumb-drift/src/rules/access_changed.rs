use plumb_model::{Kind, Severity};

use super::{AttributeChange, Rule, RuleDoc};

pub struct AccessChanged;

impl Rule for AccessChanged {
    fn id(&self) -> &'static str {
        "aws-access-changed"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn title(&self) -> &'static str {
        "Who can reach or act as an instance changed: key pair, instance profile or security groups"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "An instance's, network interface's or launch template's `key_name`, \
                   `iam_instance_profile`, `vpc_security_group_ids` or `security_groups` differs \
                   from state.",
            why: "These decide who can log in, what the machine may do in AWS, and which traffic \
                  reaches it; a change outside review is a change of access.",
            fix: "Revert with `terraform apply`, or put the intended key, profile or groups in the \
                  code.",
        }
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        if change.kind != Kind::Changed {
            return None;
        }
        let relevant = matches!(
            change.resource_type,
            "aws_instance" | "aws_launch_template" | "aws_network_interface"
        ) && matches!(
            change.leaf(),
            "key_name" | "iam_instance_profile" | "vpc_security_group_ids" | "security_groups"
        );
        relevant.then(|| format!("{} changed", change.leaf()))
    }
}
