//! Classification rules: which differences matter, how much, and why.
//!
//! One rule per file, each a value with an id, a default severity, a doc (what it detects, why it
//! matters, how to fix it) and pure checks. The engine asks every rule about every difference;
//! the most severe specific rule that fires classifies it, and the fallback rules
//! (`attribute-changed`, `tags-changed`, `description-changed`) speak only when no specific rule
//! does. `plumb rules` lists the registry and `docs/rules.md` is generated from it.

mod access_changed;
mod ami_changed;
mod attribute_changed;
mod computed_by_design;
mod description_changed;
mod ebs_encryption_disabled;
mod imdsv2_disabled;
mod nacl_allow_open_world;
mod network_resource_deleted;
mod parity_resource_absent;
mod parity_security_differs;
mod parity_setting_differs;
mod parity_tags_differ;
mod parity_version_differs;
mod public_ip_enabled;
mod resource_missing;
mod route_to_internet_added;
mod sg_ingress_open_world;
mod tags_changed;
mod termination_protection_disabled;
mod unmanaged_resource;
mod user_data_changed;

use plumb_model::{AttrPath, Kind, Severity, Value};

/// The three parts of a rule's documentation, rendered into `docs/rules.md`.
#[derive(Clone, Copy, Debug)]
pub struct RuleDoc {
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
}

/// One attribute difference, as a rule sees it.
#[derive(Clone, Copy, Debug)]
pub struct AttributeChange<'a> {
    /// The resource type as written in state (`aws_default_security_group` stays itself).
    pub resource_type: &'a str,
    /// `Changed`, or `Unmanaged` for the attributes of an object no state manages.
    pub kind: Kind,
    pub path: &'a AttrPath,
    pub state: Option<&'a Value>,
    pub live: Option<&'a Value>,
    /// For sets: elements live and not in state, and the reverse.
    pub added: &'a [Value],
    pub removed: &'a [Value],
    /// The whole resource, for rules that need sibling attributes.
    pub resource_state: Option<&'a Value>,
    pub resource_live: Option<&'a Value>,
    /// Set by the provider only (per the schema).
    pub computed_only: bool,
}

impl AttributeChange<'_> {
    /// The top-level attribute name.
    pub fn attribute(&self) -> &str {
        self.path.top().unwrap_or_default()
    }

    /// The last attribute name of the path (`http_tokens` in `metadata_options[0].http_tokens`).
    pub fn leaf(&self) -> &str {
        self.path.last_name().unwrap_or_default()
    }

    pub fn state_bool(&self) -> Option<bool> {
        self.state.and_then(as_loose_bool)
    }

    pub fn live_bool(&self) -> Option<bool> {
        self.live.and_then(as_loose_bool)
    }

    pub fn state_str(&self) -> Option<&str> {
        self.state.and_then(Value::as_str)
    }

    pub fn live_str(&self) -> Option<&str> {
        self.live.and_then(Value::as_str)
    }
}

/// A whole resource that is missing or unmanaged.
#[derive(Clone, Copy, Debug)]
pub struct ResourceEvent<'a> {
    pub resource_type: &'a str,
    pub kind: Kind,
    /// State attributes for `Missing`, live attributes for `Unmanaged`.
    pub attributes: &'a Value,
}

/// One way environments disagree, as a parity rule sees it (`plumb parity`).
#[derive(Clone, Copy, Debug)]
pub struct ParityChange<'a> {
    pub resource_type: &'a str,
    pub kind: plumb_model::ParityKind,
    /// The attribute that differs; `None` for a resource absent from some environments.
    pub path: Option<&'a AttrPath>,
    /// Each environment's value at `path` (for `Absent`: `Some` where the resource is).
    pub values: &'a [(&'a str, Option<&'a Value>)],
}

impl ParityChange<'_> {
    /// The last attribute name of the path.
    pub fn leaf(&self) -> &str {
        self.path.and_then(AttrPath::last_name).unwrap_or_default()
    }

    pub fn attribute(&self) -> &str {
        self.path.and_then(AttrPath::top).unwrap_or_default()
    }

    /// Tags and descriptions: what `parity-tags-differ` judges.
    pub fn is_tag_or_description(&self) -> bool {
        matches!(self.attribute(), "tags" | "tags_all" | "volume_tags")
            || self.leaf() == "description"
    }

    /// The environments and their values, `dev 5.7, staging 5.5`, for reasons; a sensitive
    /// value is never written.
    pub fn listing(&self) -> String {
        self.values
            .iter()
            .map(|(env, value)| match value {
                Some(v) if v.is_sensitive() || v.contains_sensitive() => {
                    format!("{env} (sensitive)")
                }
                Some(Value::String(s)) => format!("{env} {s}"),
                Some(Value::Null) | None => format!("{env} none"),
                Some(other) => format!("{env} {other}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A classification rule.
pub trait Rule: Sync + Send {
    fn id(&self) -> &'static str;
    fn severity(&self) -> Severity;
    /// One line for listings.
    fn title(&self) -> &'static str;
    fn doc(&self) -> RuleDoc;
    /// Fallback rules classify only what no specific rule classified.
    fn fallback(&self) -> bool {
        false
    }
    /// A reason when this rule applies to the difference.
    fn check_attribute(&self, _change: &AttributeChange<'_>) -> Option<String> {
        None
    }
    /// A reason when this rule applies to a missing or unmanaged resource.
    fn check_resource(&self, _event: &ResourceEvent<'_>) -> Option<String> {
        None
    }
    /// A reason when this rule applies to a difference between environments.
    fn check_parity(&self, _change: &ParityChange<'_>) -> Option<String> {
        None
    }
}

/// Every rule, specific ones first.
pub fn registry() -> &'static [&'static dyn Rule] {
    &[
        &sg_ingress_open_world::SgIngressOpenWorld,
        &nacl_allow_open_world::NaclAllowOpenWorld,
        &imdsv2_disabled::Imdsv2Disabled,
        &ebs_encryption_disabled::EbsEncryptionDisabled,
        &network_resource_deleted::NetworkResourceDeleted,
        &ami_changed::AmiChanged,
        &user_data_changed::UserDataChanged,
        &public_ip_enabled::PublicIpEnabled,
        &route_to_internet_added::RouteToInternetAdded,
        &access_changed::AccessChanged,
        &termination_protection_disabled::TerminationProtectionDisabled,
        &resource_missing::ResourceMissing,
        &unmanaged_resource::UnmanagedResource,
        &computed_by_design::ComputedByDesign,
        &attribute_changed::AttributeChanged,
        &tags_changed::TagsChanged,
        &description_changed::DescriptionChanged,
        &parity_version_differs::ParityVersionDiffers,
        &parity_security_differs::ParitySecurityDiffers,
        &parity_resource_absent::ParityResourceAbsent,
        &parity_setting_differs::ParitySettingDiffers,
        &parity_tags_differ::ParityTagsDiffer,
    ]
}

/// Looks a rule up by id.
pub fn by_id(id: &str) -> Option<&'static dyn Rule> {
    registry().iter().copied().find(|r| r.id() == id)
}

/// `true`/`false`, also as the strings launch templates use.
pub(crate) fn as_loose_bool(value: &Value) -> Option<bool> {
    match value.unmarked() {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

pub(crate) const OPEN_IPV4: &str = "0.0.0.0/0";
pub(crate) const OPEN_IPV6: &str = "::/0";

/// True when `value` (a CIDR string or a list of them) opens to every address.
pub(crate) fn is_open_world(value: Option<&Value>) -> bool {
    match value.map(Value::unmarked) {
        Some(Value::String(s)) => {
            let canonical = plumb_model::catalog::values::canonical_cidr(s);
            matches!(canonical.as_deref(), Some(OPEN_IPV4 | OPEN_IPV6))
        }
        Some(Value::List(items)) => items.iter().any(|v| is_open_world(Some(v))),
        _ => false,
    }
}

/// The elements a change adds: set elements, or the whole live list for an unmanaged object.
pub(crate) fn added_elements<'a>(change: &AttributeChange<'a>) -> Vec<&'a Value> {
    if !change.added.is_empty() {
        return change.added.iter().collect();
    }
    match (change.kind, change.live.and_then(Value::as_list)) {
        (Kind::Unmanaged, Some(items)) => items.iter().collect(),
        (_, Some(live)) if change.state.is_some() => {
            let state = change.state.and_then(Value::as_list).unwrap_or_default();
            live.iter().filter(|v| !state.contains(v)).collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in registry() {
            let id = rule.id();
            assert!(seen.insert(id), "duplicate rule id {id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id} is not kebab-case"
            );
            let doc = rule.doc();
            for part in [doc.what, doc.why, doc.fix, rule.title()] {
                assert!(part.len() > 20, "{id} has a thin doc");
            }
        }
    }

    #[test]
    fn open_world_detection() {
        let v: Value = serde_json::from_str(r#"["10.0.0.0/8","0.0.0.0/0"]"#).unwrap();
        assert!(is_open_world(Some(&v)));
        assert!(is_open_world(Some(&Value::from("::/0"))));
        assert!(is_open_world(Some(&Value::from("1.2.3.4/0"))));
        assert!(!is_open_world(Some(&Value::from("10.0.0.0/8"))));
    }
}

/// Helpers for rule tests: a change of one attribute between two JSON documents.
#[cfg(test)]
pub(crate) mod test_support {
    use plumb_model::{AttrPath, Kind, Value};

    use super::{AttributeChange, Rule};

    pub struct Case {
        pub resource_type: &'static str,
        pub path: AttrPath,
        pub state: Option<Value>,
        pub live: Option<Value>,
        pub added: Vec<Value>,
        pub kind: Kind,
        pub resource_live: Option<Value>,
    }

    pub fn change(resource_type: &'static str, path: &str, state: &str, live: &str) -> Case {
        Case {
            resource_type,
            path: path.parse().unwrap(),
            state: serde_json::from_str(state).ok(),
            live: serde_json::from_str(live).ok(),
            added: Vec::new(),
            kind: Kind::Changed,
            resource_live: None,
        }
    }

    impl Case {
        pub fn added(mut self, json: &str) -> Self {
            self.added = serde_json::from_str(json).unwrap();
            self
        }

        pub fn check(&self, rule: &dyn Rule) -> Option<String> {
            rule.check_attribute(&AttributeChange {
                resource_type: self.resource_type,
                kind: self.kind,
                path: &self.path,
                state: self.state.as_ref(),
                live: self.live.as_ref(),
                added: &self.added,
                removed: &[],
                resource_state: None,
                resource_live: self.resource_live.as_ref(),
                computed_only: false,
            })
        }
    }
}
