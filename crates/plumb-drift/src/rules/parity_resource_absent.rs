use plumb_model::{ParityKind, Severity};

use super::{ParityChange, Rule, RuleDoc};

pub struct ParityResourceAbsent;

impl Rule for ParityResourceAbsent {
    fn id(&self) -> &'static str {
        "parity-resource-absent"
    }
    fn severity(&self) -> Severity {
        Severity::Medium
    }
    fn title(&self) -> &'static str {
        "A resource exists in some environments and not in others"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "A resource address (instance keys that embed the environment's name matched \
                   as the policy says) is present in some of the compared environments and \
                   absent in the others.",
            why: "Environments built from one module drift apart when a resource is added or \
                  removed in one of them only; what is tested in one is then not what runs in \
                  the next.",
            fix: "Add the resource where it is missing, or remove it where it should not be; \
                  when the shape is intended (a bastion only in prod), write \
                  `parity { address = \"...\" only_in = [\"prod\"] }`.",
        }
    }
    fn check_parity(&self, change: &ParityChange<'_>) -> Option<String> {
        if change.kind != ParityKind::Absent {
            return None;
        }
        let (present, absent): (Vec<_>, Vec<_>) =
            change.values.iter().partition(|(_, v)| v.is_some());
        let names =
            |list: &[&(&str, _)]| list.iter().map(|(e, _)| *e).collect::<Vec<_>>().join(", ");
        Some(format!(
            "only in {}; absent in {}",
            names(&present.iter().collect::<Vec<_>>()),
            names(&absent.iter().collect::<Vec<_>>())
        ))
    }
}
