use plumb_model::{Kind, Severity};

use super::{AttributeChange, Rule, RuleDoc};

pub struct DescriptionChanged;

impl Rule for DescriptionChanged {
    fn id(&self) -> &'static str {
        "description-changed"
    }
    fn severity(&self) -> Severity {
        Severity::Low
    }
    fn title(&self) -> &'static str {
        "A description was edited outside Terraform"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "A `description` attribute (of a resource or of one of its rules) differs from \
                   state.",
            why: "Descriptions carry intent (\"SSH from the office\"); an edited one is cosmetic \
                  but often the only trace of why a rule exists.",
            fix: "Copy the new description into the code, or revert with `terraform apply`.",
        }
    }
    fn fallback(&self) -> bool {
        true
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        if change.kind != Kind::Changed {
            return None;
        }
        (change.leaf() == "description").then(|| "description edited".to_owned())
    }
}
