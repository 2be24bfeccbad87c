use plumb_model::{Kind, Severity};

use super::{AttributeChange, Rule, RuleDoc};

pub struct UserDataChanged;

impl Rule for UserDataChanged {
    fn id(&self) -> &'static str {
        "aws-user-data-changed"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn title(&self) -> &'static str {
        "An instance's or launch template's user data changed"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "`user_data` or `user_data_base64` differs from what Terraform recorded. The \
                   value itself is sensitive and never shown, only that it changed.",
            why: "User data runs as root at boot: a changed script is a changed machine, and an \
                  unreviewed one is a persistence mechanism.",
            fix: "Compare the live user data with the code's; revert with `terraform apply` or put \
                  the intended script in the code.",
        }
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        if change.kind != Kind::Changed {
            return None;
        }
        (matches!(change.resource_type, "aws_instance" | "aws_launch_template")
            && matches!(change.attribute(), "user_data" | "user_data_base64"))
        .then(|| "the boot script changed".to_owned())
    }
}
