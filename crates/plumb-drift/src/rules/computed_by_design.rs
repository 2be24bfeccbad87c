use plumb_model::{Kind, Severity};

use super::{AttributeChange, Rule, RuleDoc};

pub struct ComputedByDesign;

/// Computed attributes whose changes AWS makes by itself in normal operation.
const CHANGES_BY_DESIGN: &[(&str, &str)] = &[
    ("aws_instance", "public_ip"),
    ("aws_instance", "public_dns"),
    ("aws_instance", "password_data"),
    ("aws_launch_template", "latest_version"),
    ("aws_network_interface", "association"),
    ("aws_eip", "network_interface"),
    ("aws_eip", "private_ip"),
    ("aws_eip", "private_dns"),
];

impl Rule for ComputedByDesign {
    fn id(&self) -> &'static str {
        "computed-by-design"
    }
    fn severity(&self) -> Severity {
        Severity::Benign
    }
    fn title(&self) -> &'static str {
        "A computed attribute that AWS changes in normal operation (public IPs, versions, timestamps)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "Differences in computed-only attributes that change by design: an instance's \
                   public IP and DNS name after a stop/start without an Elastic IP, a launch \
                   template's `latest_version` after a new version, timestamps.",
            why: "They are not drift: no one changed the infrastructure, and reporting them every \
                  night teaches people to ignore the report.",
            fix: "Nothing to fix. If a stable public address matters, give the instance an Elastic \
                  IP in the code.",
        }
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        if change.kind != Kind::Changed {
            return None;
        }
        let attribute = change.attribute();
        if CHANGES_BY_DESIGN.contains(&(change.resource_type, attribute)) {
            return Some(format!("{attribute} changes by design (AWS sets it)"));
        }
        let timestamp = attribute.ends_with("_time")
            || attribute.ends_with("_date")
            || attribute == "last_modified";
        (timestamp && change.computed_only).then(|| format!("{attribute} is a timestamp AWS sets"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::change;

    #[test]
    fn public_ip_churn_is_benign() {
        assert!(
            change("aws_instance", "public_ip", r#""1.2.3.4""#, r#""5.6.7.8""#)
                .check(&ComputedByDesign)
                .is_some()
        );
        assert!(
            change(
                "aws_instance",
                "private_ip",
                r#""10.0.0.1""#,
                r#""10.0.0.2""#
            )
            .check(&ComputedByDesign)
            .is_none()
        );
    }
}
