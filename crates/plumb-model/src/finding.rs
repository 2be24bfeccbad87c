//! What a scan finds: the drift engine's output and every renderer's input.
//!
//! The shapes follow the JSON report contract (ARCHITECTURE.md, "Contracts": `findings[]`,
//! `suppressed[]`, `pending[]`, `unverified[]`, `summary`), so that renderers translate and
//! never decide.

use serde::Serialize;

use crate::address::Address;
use crate::config::SourceLocation;
use crate::path::AttrPath;
use crate::severity::{Kind, Severity};
use crate::value::Value;

/// One difference at one attribute path of one resource.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttributeDiff {
    pub path: AttrPath,
    /// What Terraform recorded; `None` when the attribute is absent from state.
    pub state: Option<Value>,
    /// What is live; `None` when absent live.
    pub live: Option<Value>,
    /// What the code sets, when the configuration sets it to a known value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    /// Set elements present live and not in state (sets have no indexes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<Value>,
    /// Set elements in state and not live.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<Value>,
    pub severity: Severity,
    /// The rule that classified it.
    pub rule: String,
    pub reason: String,
    pub fingerprint: String,
}

/// Another finding this one is linked to (a resource deleted and recreated by hand shows as one
/// `missing` and one `unmanaged` finding, each pointing at the other).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    pub fingerprint: String,
    pub relation: String,
}

/// Everything found about one resource.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub fingerprint: String,
    pub workspace: String,
    /// Null for unmanaged resources.
    pub address: Option<Address>,
    pub r#type: String,
    pub id: Option<String>,
    pub region: Option<String>,
    pub kind: Kind,
    /// Null for `not_checked`.
    pub severity: Option<Severity>,
    /// Ids of the rules that fired, attribute rules included.
    pub rules: Vec<String>,
    /// One line on what happened.
    pub reason: String,
    pub attributes: Vec<AttributeDiff>,
    /// Where the resource's block is in the configuration, when it is known.
    pub source: Option<SourceLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// What would put it right, each way where it applies (filled in after the scan, by the
    /// remediation generator; the engine leaves it empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Remediation>,
    /// With history: when this drift was first seen (RFC 3339), kept while it stays open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// With history: `new` since the workspace's previous run, or still `open`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<FindingStatus>,
}

impl Finding {
    /// A finding with what every finding has; the rest (address, id, rules, attributes...)
    /// empty, for the caller to fill in.
    pub fn new(
        fingerprint: impl Into<String>,
        workspace: impl Into<String>,
        r#type: impl Into<String>,
        kind: Kind,
        severity: Option<Severity>,
        reason: impl Into<String>,
    ) -> Finding {
        Finding {
            fingerprint: fingerprint.into(),
            workspace: workspace.into(),
            address: None,
            r#type: r#type.into(),
            id: None,
            region: None,
            kind,
            severity,
            rules: Vec::new(),
            reason: reason.into(),
            attributes: Vec::new(),
            source: None,
            related: Vec::new(),
            remediation: None,
            first_seen: None,
            status: None,
        }
    }
}

/// A finding's place in the history of its workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    New,
    Open,
}

/// A finding of the previous run that this one no longer has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResolvedFinding {
    pub fingerprint: String,
    pub workspace: String,
    /// The address, or the type and id of an unmanaged object.
    pub subject: String,
    pub kind: String,
    pub severity: Option<String>,
    pub first_seen: String,
    pub resolved_at: String,
}

/// Ways to resolve one finding, as text Terraform and a shell understand. Revert makes the
/// cloud match the code; accept, import and removed make the code match the cloud.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Remediation {
    /// A command that makes the cloud match the code again (`terraform apply -target=...`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revert: Option<String>,
    /// A change to the code that takes the live value as the new intent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
    /// `import` and `resource` blocks that bring an unmanaged object under Terraform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<String>,
    /// A `removed` block for a resource deleted on purpose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<String>,
}

/// A difference judged to be noise, kept so that nothing disappears without a reason.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suppressed {
    pub workspace: String,
    pub address: Option<Address>,
    pub r#type: String,
    pub id: Option<String>,
    pub path: AttrPath,
    pub state: Option<Value>,
    pub live: Option<Value>,
    pub rule: String,
    pub reason: String,
}

/// An attribute or resource set aside by `ignore_changes` or by policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ignored {
    pub workspace: String,
    pub address: Option<Address>,
    pub r#type: String,
    pub id: Option<String>,
    /// Null when the whole resource is ignored.
    pub path: Option<AttrPath>,
    /// `ignore_changes`, or the policy rule that ignores it.
    pub by: String,
    pub reason: String,
}

/// One attribute where the code and the state disagree: an apply would change it. Not drift.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PendingAttribute {
    pub path: AttrPath,
    pub state: Option<Value>,
    pub config: Value,
}

/// What `terraform apply` would do about a pending code change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PendingAction {
    /// A block with no instance in state.
    Create,
    /// Arguments that differ from state.
    Update,
    /// An instance in state whose block is gone from the code.
    Delete,
}

impl PendingAction {
    /// As the JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            PendingAction::Create => "create",
            PendingAction::Update => "update",
            PendingAction::Delete => "delete",
        }
    }
}

/// A resource whose configuration differs from its state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pending {
    pub workspace: String,
    /// The instance address; for `create`, the block's address.
    pub address: String,
    pub action: PendingAction,
    pub attributes: Vec<PendingAttribute>,
    pub source: Option<SourceLocation>,
}

/// Attributes that were not read live, so neither found equal nor different.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unverified {
    pub r#type: String,
    pub path: AttrPath,
    pub reason: String,
    pub count: usize,
}

/// Counts by severity over findings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BySeverity {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl BySeverity {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Benign => {}
        }
    }

    pub fn at_or_above(&self, threshold: Severity) -> usize {
        self.counts()
            .iter()
            .filter(|(s, _)| *s >= threshold)
            .map(|(_, n)| n)
            .sum()
    }

    /// Each counted severity with its count, most severe first.
    pub fn counts(&self) -> [(Severity, usize); 4] {
        [
            (Severity::Critical, self.critical),
            (Severity::High, self.high),
            (Severity::Medium, self.medium),
            (Severity::Low, self.low),
        ]
    }
}

/// The report's `summary`: counts of resources unless said otherwise.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub managed: usize,
    pub in_sync: usize,
    pub drifted: usize,
    pub missing: usize,
    pub unmanaged: usize,
    pub managed_elsewhere: usize,
    pub not_checked: usize,
    pub tainted: usize,
    pub deposed: usize,
    /// Attribute differences and resources set aside by `ignore_changes` or policy.
    pub ignored: usize,
    pub suppressed: usize,
    pub pending: usize,
    pub by_severity: BySeverity,
    /// 0–100, 100 = no drift (formula in docs/json-format.md).
    pub score: u8,
    /// Managed share of the enumerated live resources; null when nothing was enumerated.
    pub coverage: Option<f64>,
    /// With history: findings not in the workspace's previous run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<usize>,
    /// With history: findings of the previous run that this one no longer has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<usize>,
}

impl Summary {
    /// Adds another part of the same scan's resource counts in. Counts derived from findings
    /// (severities, score, coverage) are the caller's to compute over the whole.
    pub fn add(&mut self, other: &Summary) {
        self.managed += other.managed;
        self.in_sync += other.in_sync;
        self.drifted += other.drifted;
        self.missing += other.missing;
        self.managed_elsewhere += other.managed_elsewhere;
        self.not_checked += other.not_checked;
        self.tainted += other.tainted;
        self.deposed += other.deposed;
    }
}

/// One workspace's part of a scan over many: the report's `workspaces[]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WorkspaceSummary {
    pub workspace: String,
    pub summary: Summary,
}
