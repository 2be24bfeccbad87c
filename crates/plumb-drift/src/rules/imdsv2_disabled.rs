use plumb_model::{Kind, Severity};

use super::{AttributeChange, Rule, RuleDoc};

pub struct Imdsv2Disabled;

impl Rule for Imdsv2Disabled {
    fn id(&self) -> &'static str {
        "aws-imdsv2-disabled"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn title(&self) -> &'static str {
        "IMDSv2 was turned off: the instance metadata service accepts tokenless requests again"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "`metadata_options.http_tokens` went from `required` to `optional` (or away) on an \
                   instance or a launch template.",
            why: "With IMDSv1 allowed, a server-side request forgery in any application on the \
                  instance can read the instance role's credentials; requiring tokens (IMDSv2) is \
                  the standard defence.",
            fix: "Revert with `terraform apply`, or `aws ec2 modify-instance-metadata-options \
                  --http-tokens required`; find out which software needed IMDSv1 and update it.",
        }
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        if change.kind != Kind::Changed {
            return None;
        }
        if !matches!(change.resource_type, "aws_instance" | "aws_launch_template")
            || change.leaf() != "http_tokens"
        {
            return None;
        }
        let was_required = change
            .state_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("required"));
        let now_required = change
            .live_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("required"));
        (was_required && !now_required)
            .then(|| "http_tokens is no longer `required`: IMDSv1 is allowed".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::change;

    #[test]
    fn required_to_optional() {
        let case = change(
            "aws_instance",
            "metadata_options[0].http_tokens",
            r#""required""#,
            r#""optional""#,
        );
        assert!(case.check(&Imdsv2Disabled).is_some());
        let back = change(
            "aws_instance",
            "metadata_options[0].http_tokens",
            r#""optional""#,
            r#""required""#,
        );
        assert!(
            back.check(&Imdsv2Disabled).is_none(),
            "turning IMDSv2 on is not this rule"
        );
    }
}
