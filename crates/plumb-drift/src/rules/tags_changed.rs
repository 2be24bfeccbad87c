use plumb_model::{Kind, Severity};

use super::{AttributeChange, Rule, RuleDoc};

pub struct TagsChanged;

impl Rule for TagsChanged {
    fn id(&self) -> &'static str {
        "tags-changed"
    }
    fn severity(&self) -> Severity {
        Severity::Low
    }
    fn title(&self) -> &'static str {
        "Tags were added, removed or changed outside Terraform"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "A tag differs between state and the live resource (compared once, on the \
                   effective tags: `tags_all`, which includes the provider's `default_tags`).",
            why: "Tags drive cost allocation, ownership and automation (backups, patching, \
                  access policies); a hand-edited tag is usually harmless but breaks those quietly.",
            fix: "Put the tag in the code (or in `default_tags`), or revert with `terraform apply`. \
                  Tags that another system owns belong in `lifecycle { ignore_changes }`.",
        }
    }
    fn fallback(&self) -> bool {
        true
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        if change.kind != Kind::Changed {
            return None;
        }
        matches!(change.attribute(), "tags" | "tags_all" | "volume_tags").then(|| {
            let key = change
                .path
                .segments()
                .get(1)
                .and_then(plumb_model::Segment::as_name);
            match (
                key,
                change.state.is_some_and(|v| !v.is_null()),
                change.live.is_some_and(|v| !v.is_null()),
            ) {
                (Some(k), false, true) => format!("tag {k} added"),
                (Some(k), true, false) => format!("tag {k} removed"),
                (Some(k), _, _) => format!("tag {k} changed"),
                (None, _, _) => "tags changed".to_owned(),
            }
        })
    }
}
