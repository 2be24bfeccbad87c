//! `plumb scan` reports: the JSON contract (`docs/json-format.md`, `docs/report.schema.json`)
//! and the terminal table.

use std::io::{self, Write};

use comfy_table::Color;
use plumb_model::{AttributeDiff, Finding, Kind, Severity, Summary, Value};
use serde::Serialize;

use crate::PLUMB_VERSION;
use crate::escape::visible;
use crate::table::{TableOptions, cell, write_table};

/// Bumped in its minor part when fields are added, in its major part when they change.
pub const REPORT_FORMAT_VERSION: &str = "1.0";

/// A (region, type) pair that could not be read.
#[derive(Clone, Debug, Serialize)]
pub struct ReadError {
    pub region: String,
    pub r#type: String,
    pub error: String,
}

/// Everything a scan report shows; the renderers only translate it.
#[derive(Clone, Copy, Debug)]
pub struct ScanReport<'a> {
    pub summary: &'a Summary,
    pub findings: &'a [Finding],
    pub suppressed: &'a [plumb_model::Suppressed],
    pub ignored: &'a [plumb_model::Ignored],
    pub pending: &'a [plumb_model::Pending],
    pub unverified: &'a [plumb_model::Unverified],
    pub errors: &'a [ReadError],
    pub schemaless_types: &'a [String],
    pub warnings: &'a [String],
    /// API calls and timings, when an adapter reports them.
    pub stats: Option<&'a serde_json::Value>,
    /// With history: what the workspace's previous run had and this one no longer has.
    pub resolved: &'a [plumb_model::ResolvedFinding],
    /// A scan of several workspaces: each one's counts (the summary is their total).
    pub workspaces: &'a [plumb_model::WorkspaceSummary],
}

impl ScanReport<'_> {
    /// True when findings of several workspaces share the report, so each must say whose it is.
    pub fn many_workspaces(&self) -> bool {
        !self.workspaces.is_empty()
    }
}

#[derive(Serialize)]
struct SourceJson<'a> {
    file: &'a str,
    line: u32,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    fingerprint: &'a str,
    workspace: &'a str,
    address: Option<String>,
    r#type: &'a str,
    id: Option<&'a str>,
    region: Option<&'a str>,
    kind: Kind,
    severity: Option<Severity>,
    rules: &'a [String],
    reason: &'a str,
    attributes: &'a [AttributeDiff],
    source: Option<SourceJson<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    related: &'a [plumb_model::finding::Related],
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<&'a plumb_model::Remediation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<plumb_model::FindingStatus>,
}

#[derive(Serialize)]
struct ReportJson<'a> {
    format_version: &'static str,
    plumb_version: &'static str,
    summary: &'a Summary,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    workspaces: &'a [plumb_model::WorkspaceSummary],
    findings: Vec<FindingJson<'a>>,
    pending: &'a [plumb_model::Pending],
    unverified: &'a [plumb_model::Unverified],
    suppressed: &'a [plumb_model::Suppressed],
    ignored: &'a [plumb_model::Ignored],
    errors: &'a [ReadError],
    schemaless_types: &'a [String],
    warnings: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    resolved: &'a [plumb_model::ResolvedFinding],
    #[serde(skip_serializing_if = "Option::is_none")]
    stats: Option<&'a serde_json::Value>,
}

/// Writes the JSON report.
pub fn render_json(report: &ScanReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let doc = ReportJson {
        format_version: REPORT_FORMAT_VERSION,
        plumb_version: PLUMB_VERSION,
        summary: report.summary,
        workspaces: report.workspaces,
        findings: report
            .findings
            .iter()
            .map(|f| FindingJson {
                fingerprint: &f.fingerprint,
                workspace: &f.workspace,
                address: f.address.as_ref().map(ToString::to_string),
                r#type: &f.r#type,
                id: f.id.as_deref(),
                region: f.region.as_deref(),
                kind: f.kind,
                severity: f.severity,
                rules: &f.rules,
                reason: &f.reason,
                attributes: &f.attributes,
                source: f.source.as_ref().map(|s| SourceJson {
                    file: &s.file,
                    line: s.line,
                }),
                related: &f.related,
                remediation: f.remediation.as_ref(),
                first_seen: f.first_seen.as_deref(),
                status: f.status,
            })
            .collect(),
        pending: report.pending,
        unverified: report.unverified,
        suppressed: report.suppressed,
        ignored: report.ignored,
        errors: report.errors,
        schemaless_types: report.schemaless_types,
        warnings: report.warnings,
        resolved: report.resolved,
        stats: report.stats,
    };
    plumb_model::json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

pub(crate) fn severity_color(severity: Option<Severity>) -> Color {
    match severity {
        Some(Severity::Critical) => Color::Red,
        Some(Severity::High) => Color::Magenta,
        Some(Severity::Medium) => Color::Yellow,
        Some(Severity::Low) => Color::Cyan,
        Some(Severity::Benign) | None => Color::Grey,
    }
}

/// A value for a table cell: short, one line.
pub(crate) fn cell_value(value: Option<&Value>) -> String {
    shortened(
        value.map_or_else(|| "(absent)".to_owned(), ToString::to_string),
        60,
    )
}

/// `text`, cut to at most `max` characters with an ellipsis: the reports keep values short,
/// and the JSON report has them whole.
pub(crate) fn shortened(text: String, max: usize) -> String {
    if text.chars().count() > max {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn attribute_change(diff: &AttributeDiff) -> String {
    change_cell(
        diff.state.as_ref(),
        diff.live.as_ref(),
        &diff.added,
        &diff.removed,
    )
}

/// A change as a table cell: `before → after`, or a set's removed (`-`) and added (`+`)
/// elements, one per line.
pub(crate) fn change_cell(
    before: Option<&Value>,
    after: Option<&Value>,
    added: &[Value],
    removed: &[Value],
) -> String {
    if !added.is_empty() || !removed.is_empty() {
        let mut parts = Vec::new();
        for v in removed {
            parts.push(format!("- {}", cell_value(Some(v))));
        }
        for v in added {
            parts.push(format!("+ {}", cell_value(Some(v))));
        }
        return parts.join("\n");
    }
    format!("{} → {}", cell_value(before), cell_value(after))
}

/// How a finding names its resource: the address, or the type and id of an unmanaged one.
pub(crate) fn subject(finding: &Finding) -> String {
    match &finding.address {
        Some(address) => address.to_string(),
        None => format!(
            "{} {}",
            finding.r#type,
            finding.id.as_deref().unwrap_or("?")
        ),
    }
}

/// One line: what was checked and what was found.
pub fn summary_line(summary: &Summary) -> String {
    let s = summary;
    let mut parts = vec![
        format!("{} managed", s.managed),
        format!("{} in sync", s.in_sync),
        format!("{} drifted", s.drifted),
        format!("{} missing", s.missing),
        format!("{} unmanaged", s.unmanaged),
    ];
    if s.not_checked > 0 {
        parts.push(format!("{} not checked", s.not_checked));
    }
    if s.ignored > 0 {
        parts.push(format!("{} ignored", s.ignored));
    }
    parts.push(format!("score {}", s.score));
    parts.join(", ")
}

/// Writes the terminal report: summary, then findings by severity with each attribute's state
/// and live values.
pub fn render_table(
    report: &ScanReport<'_>,
    out: &mut dyn Write,
    options: TableOptions,
) -> io::Result<()> {
    let s = report.summary;
    for workspace in report.workspaces {
        writeln!(
            out,
            "workspace {}: {}",
            visible(&workspace.workspace),
            summary_line(&workspace.summary)
        )?;
    }
    if report.many_workspaces() {
        write!(out, "total: ")?;
    }
    writeln!(out, "{}", summary_line(s))?;
    let b = &s.by_severity;
    writeln!(
        out,
        "findings: {} critical, {} high, {} medium, {} low; {} suppressed as noise{}",
        b.critical,
        b.high,
        b.medium,
        b.low,
        s.suppressed,
        s.coverage
            .map(|c| format!("; coverage {:.0}%", c * 100.0))
            .unwrap_or_default()
    )?;
    let shown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.severity.is_some_and(|s| s > Severity::Benign))
        .collect();
    if !shown.is_empty() {
        writeln!(out)?;
        let mut table = options.table(&[
            "SEVERITY",
            "RESOURCE",
            "KIND",
            "ATTRIBUTE",
            "STATE → LIVE",
            "WHY",
        ]);
        let name = |finding: &Finding| {
            if report.many_workspaces() {
                format!("{}: {}", finding.workspace, subject(finding))
            } else {
                subject(finding)
            }
        };
        for finding in shown {
            let severity = finding.severity.map(Severity::as_str).unwrap_or_default();
            let sev_cell = options.colored(severity, severity_color(finding.severity));
            if finding.attributes.is_empty() {
                table.add_row(vec![
                    sev_cell,
                    cell(name(finding)),
                    cell(finding.kind.as_str()),
                    cell(""),
                    cell(""),
                    cell(&finding.reason),
                ]);
                continue;
            }
            for (i, diff) in finding.attributes.iter().enumerate() {
                let first = i == 0;
                table.add_row(vec![
                    if first {
                        sev_cell.clone()
                    } else {
                        options.colored(diff.severity.as_str(), severity_color(Some(diff.severity)))
                    },
                    cell(if first { name(finding) } else { String::new() }),
                    cell(if first { finding.kind.as_str() } else { "" }),
                    cell(diff.path.to_string()),
                    cell(attribute_change(diff)),
                    cell(&diff.reason),
                ]);
            }
        }
        write_table(out, &mut table)?;
    }
    let not_checked: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.kind == Kind::NotChecked)
        .collect();
    if !not_checked.is_empty() {
        writeln!(out)?;
        writeln!(out, "not checked ({}):", not_checked.len())?;
        for f in not_checked.iter().take(20) {
            writeln!(out, "  {}: {}", visible(&subject(f)), visible(&f.reason))?;
        }
        if not_checked.len() > 20 {
            writeln!(
                out,
                "  … and {} more (see the JSON report)",
                not_checked.len() - 20
            )?;
        }
    }
    for error in report.errors {
        writeln!(
            out,
            "error: {} in {} could not be read: {}",
            visible(&error.r#type),
            visible(&error.region),
            visible(&error.error)
        )?;
    }
    if !report.pending.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "pending code changes (not drift; `terraform apply` would make them):"
        )?;
        for p in report.pending {
            let paths: Vec<String> = p.attributes.iter().map(|a| a.path.to_string()).collect();
            let action = p.action.as_str();
            let address = visible(&p.address);
            if paths.is_empty() {
                writeln!(out, "  {address} ({action})")?;
            } else {
                writeln!(
                    out,
                    "  {address} ({action}: {})",
                    visible(&paths.join(", "))
                )?;
            }
        }
    }
    for warning in report.warnings {
        writeln!(out, "warning: {}", visible(warning))?;
    }
    Ok(())
}
