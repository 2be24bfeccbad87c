use plumb_model::{Kind, Severity};

use super::{AttributeChange, Rule, RuleDoc};

pub struct PublicIpEnabled;

impl Rule for PublicIpEnabled {
    fn id(&self) -> &'static str {
        "aws-public-ip-enabled"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn title(&self) -> &'static str {
        "Public IP addresses were turned on for a subnet, instance or launch template"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "`map_public_ip_on_launch` (subnet) or `associate_public_ip_address` (instance, \
                   launch template network interface) went from false to true.",
            why: "Instances get addresses reachable from the internet; in a subnet meant to be \
                  private, every new instance is exposed.",
            fix: "Revert with `terraform apply`; if a public address is needed, use a load \
                  balancer or an Elastic IP declared in the code.",
        }
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        if change.kind != Kind::Changed {
            return None;
        }
        let relevant = matches!(
            change.leaf(),
            "map_public_ip_on_launch" | "associate_public_ip_address"
        );
        (relevant && change.state_bool() != Some(true) && change.live_bool() == Some(true))
            .then(|| format!("{} turned on", change.leaf()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::change;

    #[test]
    fn turned_on_only() {
        assert!(
            change("aws_subnet", "map_public_ip_on_launch", "false", "true")
                .check(&PublicIpEnabled)
                .is_some()
        );
        assert!(
            change("aws_subnet", "map_public_ip_on_launch", "true", "false")
                .check(&PublicIpEnabled)
                .is_none()
        );
        let lt = change(
            "aws_launch_template",
            "network_interfaces[0].associate_public_ip_address",
            r#""false""#,
            r#""true""#,
        );
        assert!(lt.check(&PublicIpEnabled).is_some());
    }
}
