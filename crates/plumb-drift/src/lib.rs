//! The drift engine: given what the code declares, what Terraform recorded and what is live,
//! say exactly what drifted, how much it matters, and why — with no noise.
//!
//! The engine is pure: no I/O, no network, no terminal. It takes observations (from whatever
//! adapter) and returns findings, so every behaviour is tested with plain values.
//!
//! The steps, in order: match state resources to live objects on (region, type, id); compare
//! each attribute with the provider schema (sets as sets); hand every difference to the
//! normalizers, and to `suppressed[]` the ones they judge to be noise; set aside what
//! `ignore_changes` or the policy ignores; classify the rest with the rule registry; report
//! missing, unmanaged and not-checked resources; count, score and fingerprint.

pub mod compare;
mod engine;
#[cfg(test)]
mod engine_tests;
pub mod fingerprint;
pub mod judgements;
pub mod matching;
pub mod normalize;
pub mod parity;
mod pending;
pub mod plan;
pub mod policy;
pub mod policy_file;
pub mod region;
pub mod rules;
pub mod score;
mod separate;

use std::collections::{BTreeMap, BTreeSet};

use plumb_model::{
    Configuration, Finding, Ignored, Observation, Pending, Scope, StateDoc, Summary, Suppressed,
    Unverified, WorkspaceSummary,
};
use plumb_schema::ProviderSchemas;

pub use engine::not_unmanaged;
pub use policy::Policy;

/// What the adapters saw.
#[derive(Clone, Copy, Debug)]
pub struct LiveView<'a> {
    pub observations: &'a [Observation],
    /// (region, type) pairs read completely: within them, absence means absent.
    pub scanned: &'a BTreeSet<Scope>,
    /// Pairs whose read failed, with the error: their resources are `not_checked`.
    pub failed: &'a [(Scope, String)],
    /// Types no adapter reads.
    pub unsupported_types: &'a BTreeSet<String>,
    /// True when the reads listed everything in their scopes (not only managed ids), so that
    /// unmanaged objects and coverage can be reported.
    pub enumerated: bool,
}

/// One scan's inputs.
#[derive(Clone, Copy, Debug)]
pub struct ScanInput<'a> {
    /// The workspace unmanaged objects are reported under.
    pub workspace: &'a str,
    /// Every state of the scan; a live object any of them manages is not unmanaged.
    pub states: &'a [StateDoc],
    pub config: Option<&'a Configuration>,
    pub live: LiveView<'a>,
    pub schemas: &'a ProviderSchemas,
    pub policy: &'a Policy,
    /// The region of resources that record none and whose provider sets none.
    pub default_region: Option<&'a str>,
}

/// One workspace of a scan over many: its states, its code and its policy.
#[derive(Clone, Copy, Debug)]
pub struct Workspace<'a> {
    pub name: &'a str,
    pub states: &'a [StateDoc],
    pub config: Option<&'a Configuration>,
    pub policy: &'a Policy,
}

/// A scan of several workspaces (root modules) against one live read.
#[derive(Clone, Copy, Debug)]
pub struct WorkspacesInput<'a> {
    pub workspaces: &'a [Workspace<'a>],
    pub live: LiveView<'a>,
    pub schemas: &'a ProviderSchemas,
    pub default_region: Option<&'a str>,
    /// An unmanaged object belongs to no one workspace: it is reported under this name...
    pub unmanaged_workspace: &'a str,
    /// ...and ignored when this policy ignores it.
    pub unmanaged_policy: &'a Policy,
}

/// The whole scan, and each workspace's own counts (its unmanaged objects are the total's).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkspacesOutput {
    pub total: ScanOutput,
    pub workspaces: Vec<WorkspaceSummary>,
}

/// What a scan found, in the shape of the JSON report contract.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScanOutput {
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    pub ignored: Vec<Ignored>,
    pub pending: Vec<Pending>,
    pub unverified: Vec<Unverified>,
    /// Types compared generically, with no provider schema.
    pub schemaless_types: Vec<String>,
    pub warnings: Vec<String>,
    /// Each `changed` finding's fingerprint, with the index (in the live view's observations)
    /// of the live object it was compared with: outputs that show whole objects (`plan-json`)
    /// take the object matching chose, rather than match again. A rule resource assembled
    /// from several live rules has no one object and is not here.
    pub compared_with: BTreeMap<String, usize>,
}

/// Marks every sensitive value in a resource's whole attribute object (ARCHITECTURE.md,
/// "Words"): schema-sensitive attributes, the always-sensitive names, and what the policy names.
/// For outputs that print whole objects (`plan-json`), where the scan's per-path checks do
/// not run.
pub fn mark_sensitive_object(
    policy: &Policy,
    schemas: &ProviderSchemas,
    resource_type: &str,
    attributes: &mut plumb_model::Value,
) {
    if let Some(schema) = schemas.resource(resource_type) {
        schema.block.mark_sensitive(attributes);
    }
    plumb_model::state::mark_always_sensitive(attributes);
    policy.mark_sensitive(resource_type, attributes);
}

/// Marks both sides of a drifted object for outputs that print whole objects (`plan-json`):
/// each side by [`mark_sensitive_object`], then each side wherever the other is marked. The
/// state's own marks (`sensitive_attributes`, `sensitive_values`, a plan's `before_sensitive`)
/// are known on the recorded side only: a live read or a refresh knows nothing of them, so
/// without the mirror a value the state hides would show on the live side. `marks` carries
/// marks from elsewhere too (a plan's prior state).
pub fn mark_sensitive_pair(
    policy: &Policy,
    schemas: &ProviderSchemas,
    resource_type: &str,
    before: &mut plumb_model::Value,
    mut after: Option<&mut plumb_model::Value>,
    marks: Option<&plumb_model::Value>,
) {
    mark_sensitive_object(policy, schemas, resource_type, before);
    if let Some(after) = after.as_deref_mut() {
        mark_sensitive_object(policy, schemas, resource_type, after);
        mirror_marks(after, before);
        mirror_marks(before, after);
    }
    if let Some(marks) = marks {
        mirror_marks(before, marks);
        if let Some(after) = after {
            mirror_marks(after, marks);
        }
    }
}

/// Marks `value` sensitive wherever `marked` is. Map entries follow their keys; a list's
/// elements are not the same objects on both sides (a set has no order, a list may have grown),
/// so what any element of `marked` hides is hidden in every element of `value`. Where the shapes
/// part, the whole place is hidden: more hidden than needed, never less.
fn mirror_marks(value: &mut plumb_model::Value, marked: &plumb_model::Value) {
    use plumb_model::Value;
    if value.is_null() || value.is_sensitive() {
        return;
    }
    match marked {
        Value::Sensitive(_) => value.mark_sensitive(&[]),
        Value::Map(marks) if marked.contains_sensitive() => {
            let Value::Map(entries) = value else {
                value.mark_sensitive(&[]);
                return;
            };
            for (key, mark) in marks.iter() {
                if let Some(entry) = entries.get_mut(key) {
                    mirror_marks(entry, mark);
                }
            }
        }
        Value::List(marks) if marked.contains_sensitive() => {
            let Value::List(items) = value else {
                value.mark_sensitive(&[]);
                return;
            };
            for mark in marks {
                for item in items.iter_mut() {
                    mirror_marks(item, mark);
                }
            }
        }
        _ => {}
    }
}

/// Runs one scan.
pub fn scan(input: &ScanInput<'_>) -> ScanOutput {
    engine::run(input)
}

/// Runs one scan over many workspaces.
pub fn scan_workspaces(input: &WorkspacesInput<'_>) -> WorkspacesOutput {
    engine::run_workspaces(input)
}

#[cfg(test)]
mod tests {
    use plumb_model::{Segment, Value};

    use super::*;

    fn attr(name: &str) -> Segment {
        Segment::Attr(name.to_owned())
    }

    fn key(name: &str) -> Segment {
        Segment::Key(name.to_owned())
    }

    fn json(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    /// A value the state marks sensitive (its `sensitive_attributes`: a tag, and a tag inside a
    /// block) is hidden on the live side too, which knows nothing of the state's marks.
    #[test]
    fn state_marked_values_are_hidden_on_both_sides() {
        let mut before = json(
            r#"{"tags":{"Name":"web","Token":"tok-state"},
                "root_block_device":[{"tags":{"Secret":"blk-state"}}]}"#,
        );
        before.mark_sensitive(&[attr("tags"), key("Token")]);
        before.mark_sensitive(&[
            attr("root_block_device"),
            Segment::Index(0),
            attr("tags"),
            key("Secret"),
        ]);
        let mut after = json(
            r#"{"tags":{"Name":"web","Token":"tok-live"},
                "root_block_device":[{"tags":{"Secret":"blk-live"}},{"tags":{"Secret":"blk-2"}}]}"#,
        );
        mark_sensitive_pair(
            &Policy::default(),
            &ProviderSchemas::default(),
            "aws_instance",
            &mut before,
            Some(&mut after),
            None,
        );
        let shown = serde_json::to_string(&after).unwrap();
        for secret in ["tok-live", "blk-live", "blk-2"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("\"Name\":\"web\""), "{shown}");
    }

    /// Marks known elsewhere (a plan's prior state) hide on both sides; where the shapes part,
    /// the whole place is hidden.
    #[test]
    fn prior_state_marks_hide_where_shapes_part() {
        let mut marks = json(r#"{"password":"x","block":[{"key":"k"}]}"#);
        marks.mark_sensitive(&[attr("password")]);
        marks.mark_sensitive(&[attr("block"), Segment::Index(0), attr("key")]);
        let mut before = json(r#"{"password":"old","block":"not a list"}"#);
        let mut after = json(r#"{"password":"new","block":[{"key":"live-key"}]}"#);
        mark_sensitive_pair(
            &Policy::default(),
            &ProviderSchemas::default(),
            "tfcoremock_thing",
            &mut before,
            Some(&mut after),
            Some(&marks),
        );
        let shown = format!(
            "{} {}",
            serde_json::to_string(&before).unwrap(),
            serde_json::to_string(&after).unwrap()
        );
        for secret in ["old", "new", "not a list", "live-key"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
