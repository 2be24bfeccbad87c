//! `plumb report`: drift over time, from the history of `plumb scan --history` runs. The
//! records here are plain (the binary copies the history's metrics into them), so that this
//! crate keeps depending on the model only.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::PLUMB_VERSION;

/// The severities a run's drift is counted by, most severe first: the keys of
/// [`RunPoint::by_severity`].
pub const SEVERITIES: [&str; 4] = ["critical", "high", "medium", "low"];

/// One recorded run: when, which workspace, its score and its open drift by severity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunPoint {
    /// RFC 3339, UTC.
    pub time: String,
    pub workspace: String,
    pub score: u32,
    /// Findings of the run by severity (`critical`, `high`, `medium`, `low`).
    pub by_severity: BTreeMap<String, u64>,
}

/// A finding in one of the report's lists (new in the window, resolved in it, open now).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DriftItem {
    pub workspace: String,
    /// The address, or the type and id of an unmanaged object.
    pub subject: String,
    pub kind: String,
    pub severity: Option<String>,
    /// RFC 3339, UTC.
    pub first_seen: String,
    /// For resolved findings: when they went away (RFC 3339, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
    /// For open findings: days since first seen, at the workspace's last run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_days: Option<f64>,
}

/// Everything `plumb report` shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct HistoryView {
    /// The workspace reported on; `None` for all of them.
    pub workspace: Option<String>,
    /// The window's start (RFC 3339, UTC).
    pub since: String,
    /// When the report was made (RFC 3339, UTC).
    pub generated: String,
    /// Runs in the window, oldest first.
    pub runs: Vec<RunPoint>,
    /// New findings per UTC day (`2026-12-01`) by severity, oldest first; days with none left
    /// out.
    pub new_per_day: Vec<(String, BTreeMap<String, u64>)>,
    /// Mean time to remediation over the findings resolved in the window, in hours.
    pub mttr_hours: Option<f64>,
    /// Findings first seen in the window, newest first.
    pub new: Vec<DriftItem>,
    /// Findings resolved in the window, newest first.
    pub resolved: Vec<DriftItem>,
    /// Findings open now, oldest first.
    pub open: Vec<DriftItem>,
}

/// The history report's JSON, for dashboards.
pub fn render_history_json(view: &HistoryView, out: &mut dyn Write) -> io::Result<()> {
    #[derive(Serialize)]
    struct Doc<'a> {
        format_version: &'static str,
        plumb_version: &'static str,
        #[serde(flatten)]
        view: &'a HistoryView,
    }
    let doc = Doc {
        format_version: "1.0",
        plumb_version: PLUMB_VERSION,
        view,
    };
    plumb_model::json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
