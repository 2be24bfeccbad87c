use plumb_model::{Kind, Severity};

use super::{AttributeChange, Rule, RuleDoc};

pub struct TerminationProtectionDisabled;

impl Rule for TerminationProtectionDisabled {
    fn id(&self) -> &'static str {
        "aws-termination-protection-disabled"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn title(&self) -> &'static str {
        "Termination protection was turned off"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "`disable_api_termination` went from true to false on an instance or launch \
                   template.",
            why: "Termination protection is what stops a stray script or console click from \
                  deleting a machine someone decided must not be deleted.",
            fix: "Revert with `terraform apply`; if the instance is being retired, say so in the \
                  code first.",
        }
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        if change.kind != Kind::Changed {
            return None;
        }
        (change.leaf() == "disable_api_termination"
            && change.state_bool() == Some(true)
            && change.live_bool() != Some(true))
        .then(|| "termination protection turned off".to_owned())
    }
}
