use plumb_model::{Kind, Severity};

use super::{AttributeChange, Rule, RuleDoc};

pub struct AttributeChanged;

impl Rule for AttributeChanged {
    fn id(&self) -> &'static str {
        "attribute-changed"
    }
    fn severity(&self) -> Severity {
        Severity::Medium
    }
    fn title(&self) -> &'static str {
        "A functional setting differs from what Terraform recorded"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "Any attribute difference no more specific rule classifies, other than tags and \
                   descriptions: instance type, volume size, type and IOPS, DNS settings, and the \
                   like.",
            why: "The code no longer describes what runs: the next apply silently reverts the \
                  change, or the change is lost when the resource is rebuilt.",
            fix: "Decide which is right. Revert with `terraform apply`, or accept the live value \
                  by writing it in the code.",
        }
    }
    fn fallback(&self) -> bool {
        true
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        if change.kind != Kind::Changed {
            return None;
        }
        let cosmetic = matches!(change.attribute(), "tags" | "tags_all" | "volume_tags")
            || change.leaf() == "description";
        (!cosmetic).then(|| format!("{} changed outside Terraform", change.path))
    }
}
