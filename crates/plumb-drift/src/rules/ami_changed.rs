use plumb_model::{Kind, Severity};

use super::{AttributeChange, Rule, RuleDoc};

pub struct AmiChanged;

impl Rule for AmiChanged {
    fn id(&self) -> &'static str {
        "aws-ami-changed"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn title(&self) -> &'static str {
        "The machine image of an instance or launch template changed"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "`ami` (instance) or `image_id` (launch template) differs from what Terraform \
                   recorded.",
            why: "A different image is different software: unpatched or unvetted images arrive \
                  this way, and the next apply replaces the instance.",
            fix: "Find who changed the image and why; update the code to the intended image, or \
                  revert with `terraform apply -replace=ADDRESS`.",
        }
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        if change.kind != Kind::Changed {
            return None;
        }
        matches!(
            (change.resource_type, change.attribute()),
            ("aws_instance", "ami") | ("aws_launch_template", "image_id")
        )
        .then(|| "the machine image changed".to_owned())
    }
}
