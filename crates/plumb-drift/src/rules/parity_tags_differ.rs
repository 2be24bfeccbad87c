use plumb_model::{ParityKind, Severity};

use super::{ParityChange, Rule, RuleDoc};

pub struct ParityTagsDiffer;

impl Rule for ParityTagsDiffer {
    fn id(&self) -> &'static str {
        "parity-tags-differ"
    }
    fn severity(&self) -> Severity {
        Severity::Low
    }
    fn title(&self) -> &'static str {
        "Tags or descriptions differ between environments"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "A tag, or a `description`, differs between environments, beyond the \
                   environment's own name (`Name = \"dev-web\"` against `\"prod-web\"` is \
                   equal).",
            why: "Tags drive cost allocation, ownership and automation; a tag present in one \
                  environment and not the next means a backup, a patch window or an alert \
                  that applies to one only.",
            fix: "Set the tag in the shared module or in the provider's `default_tags`.",
        }
    }
    fn fallback(&self) -> bool {
        true
    }
    fn check_parity(&self, change: &ParityChange<'_>) -> Option<String> {
        if change.kind != ParityKind::Differs {
            return None;
        }
        let path = change.path?;
        change
            .is_tag_or_description()
            .then(|| format!("{path} differs: {}", change.listing()))
    }
}
