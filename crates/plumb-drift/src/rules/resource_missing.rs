use plumb_model::{Kind, Severity};

use super::{ResourceEvent, Rule, RuleDoc};

pub struct ResourceMissing;

impl Rule for ResourceMissing {
    fn id(&self) -> &'static str {
        "aws-resource-missing"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn title(&self) -> &'static str {
        "A resource in state no longer exists in the cloud"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "A managed resource was not found live in a region and type that was read \
                   completely (a terminated instance counts as absent).",
            why: "Terraform still believes the resource exists: the next plan recreates it, and \
                  anything that referenced it (DNS, other stacks, people) is already broken.",
            fix: "Recreate it with `terraform apply`, or, when it was deleted on purpose, remove it \
                  with a `removed { from = ADDRESS  lifecycle { destroy = false } }` block.",
        }
    }
    fn check_resource(&self, event: &ResourceEvent<'_>) -> Option<String> {
        (event.kind == Kind::Missing).then(|| "deleted outside Terraform".to_owned())
    }
}
