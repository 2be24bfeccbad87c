//! What `plumb parity` (environments compared with each other) and `plumb diff` (two states
//! compared) report: the JSON contracts in `docs/parity-format.md`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::BySeverity;
use crate::{AttrPath, Severity, SourceLocation, Value};

/// How environments disagree about one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParityKind {
    /// Present in several environments with an attribute that differs.
    Differs,
    /// Present in some environments and absent in others.
    Absent,
}

impl ParityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ParityKind::Differs => "differs",
            ParityKind::Absent => "absent",
        }
    }
}

/// One difference between environments that nobody said to expect.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParityFinding {
    /// Hash of (address, kind, path): stable across runs, so a tracker can follow it.
    pub fingerprint: String,
    /// The resource's address as matched across environments (keys that embed the
    /// environment's name written `${env}` where the policy says so).
    pub address: String,
    pub r#type: String,
    pub kind: ParityKind,
    /// The attribute that differs; `null` for `absent`.
    pub path: Option<AttrPath>,
    /// Every environment's value at `path` (`null` where it has none); for `absent`, each
    /// environment's object id, `null` where the resource is absent.
    pub values: BTreeMap<String, Option<Value>>,
    pub severity: Severity,
    pub rule: String,
    pub reason: String,
    /// Where each environment's code declares the resource, when its code was read.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, SourceLocation>,
}

/// A difference that is expected (ids, names, CIDRs, what the policy lets vary): listed, not
/// reported.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpectedDifference {
    pub address: String,
    pub r#type: String,
    pub kind: ParityKind,
    pub path: Option<AttrPath>,
    pub values: BTreeMap<String, Option<Value>>,
    /// Why it is expected: `identity` (ids, ARNs, addresses and names that are unique per
    /// environment by nature), `region` (an image id in environments of different regions),
    /// or `policy (FILE:LINE)`.
    pub by: String,
    pub reason: String,
}

/// The counts of a parity run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ParitySummary {
    /// In the order given.
    pub environments: Vec<String>,
    /// Distinct resource addresses over all environments.
    pub resources: usize,
    /// Addresses present in every environment with no unexpected difference.
    pub equal: usize,
    /// Findings of kind `differs` (attributes, not resources).
    pub differs: usize,
    pub absent: usize,
    pub expected: usize,
    pub by_severity: BySeverity,
}

/// What changed at one address between two states (`plumb diff`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Added,
    Removed,
    Changed,
    /// Same address, another object id: destroyed and created again.
    Replaced,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Added => "added",
            ChangeAction::Removed => "removed",
            ChangeAction::Changed => "changed",
            ChangeAction::Replaced => "replaced",
        }
    }
}

/// One attribute of a changed resource: old and new, classified as drift would be.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttributeChangeRecord {
    pub path: AttrPath,
    pub old: Option<Value>,
    pub new: Option<Value>,
    /// For sets: the elements only the new state has, and those only the old one has.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<Value>,
    pub severity: Severity,
    pub rule: String,
    pub reason: String,
}

/// One resource address that differs between the two states.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResourceChange {
    pub address: String,
    pub r#type: String,
    pub action: ChangeAction,
    /// The object ids before and after (`null` where there is none).
    pub old_id: Option<String>,
    pub new_id: Option<String>,
    pub severity: Severity,
    /// The rule that set the severity of an added or removed resource (the one drift would
    /// apply to an unmanaged or a missing one); `null` where the attributes set it.
    pub rule: Option<String>,
    pub reason: String,
    pub attributes: Vec<AttributeChangeRecord>,
}

/// The counts of a diff.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DiffSummary {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub replaced: usize,
    pub unchanged: usize,
    /// Attribute differences judged to be noise by the normalizers.
    pub suppressed: usize,
    pub by_severity: BySeverity,
}
