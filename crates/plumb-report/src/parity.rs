//! `plumb parity` and `plumb diff` reports: JSON (`docs/parity-format.md`), the terminal
//! matrix, Markdown. SARIF for parity is in [`crate::sarif`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use plumb_model::{
    DiffSummary, ExpectedDifference, ParityFinding, ParityKind, ParitySummary, ResourceChange,
    Value,
};
use serde::Serialize;

use crate::PLUMB_VERSION;
use crate::escape::visible;
use crate::markdown::{code, optional_value_cell, plural, text_escape};
use crate::scan::{change_cell, severity_color};
use crate::table::{TableOptions, cell, write_table};

/// Bumped as the scan report's is: minor for added fields, major for changed ones.
pub const PARITY_FORMAT_VERSION: &str = "1.0";

/// The expected differences the Markdown lists; ids and ARNs differ on every resource, so a
/// large estate has tens of thousands.
const MAX_EXPECTED_ROWS: usize = 50;

/// Everything a parity report shows.
#[derive(Clone, Copy, Debug)]
pub struct ParityReport<'a> {
    pub summary: &'a ParitySummary,
    pub findings: &'a [ParityFinding],
    pub expected: &'a [ExpectedDifference],
    pub schemaless_types: &'a [String],
    pub warnings: &'a [String],
}

#[derive(Serialize)]
struct ParityJson<'a> {
    format_version: &'static str,
    plumb_version: &'static str,
    summary: &'a ParitySummary,
    parity_findings: &'a [ParityFinding],
    expected: &'a [ExpectedDifference],
    schemaless_types: &'a [String],
    warnings: &'a [String],
}

pub fn render_parity_json(report: &ParityReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let doc = ParityJson {
        format_version: PARITY_FORMAT_VERSION,
        plumb_version: PLUMB_VERSION,
        summary: report.summary,
        parity_findings: report.findings,
        expected: report.expected,
        schemaless_types: report.schemaless_types,
        warnings: report.warnings,
    };
    plumb_model::json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

fn severity_counts(b: &plumb_model::finding::BySeverity) -> String {
    crate::markdown::severity_counts(b).join(", ")
}

/// One line: what was compared and what differs.
pub fn parity_summary_line(s: &ParitySummary) -> String {
    format!(
        "{} environments ({}): {} resources, {} equal, {} differing attributes, {} absent, {} expected differences",
        s.environments.len(),
        s.environments.join(", "),
        s.resources,
        s.equal,
        s.differs,
        s.absent,
        s.expected
    )
}

/// What a finding's row shows as the attribute: its path, or that the resource is absent.
fn attribute_cell(finding: &ParityFinding) -> String {
    match (&finding.kind, &finding.path) {
        (ParityKind::Absent, _) => "(resource)".to_owned(),
        (_, Some(path)) => path.to_string(),
        (_, None) => String::new(),
    }
}

/// A value as a matrix cell: for an absent finding, present (its id) or `—`.
fn matrix_value(finding: &ParityFinding, env: &str) -> String {
    match finding.values.get(env) {
        Some(Some(value)) => crate::scan::cell_value(Some(value)),
        Some(None) if finding.kind == ParityKind::Absent => "—".to_owned(),
        Some(None) => "(none)".to_owned(),
        None => "—".to_owned(),
    }
}

/// The terminal matrix: one row per finding, one column per environment.
pub fn render_parity_table(
    report: &ParityReport<'_>,
    out: &mut dyn Write,
    options: TableOptions,
) -> io::Result<()> {
    let s = report.summary;
    writeln!(out, "{}", parity_summary_line(s))?;
    let counts = severity_counts(&s.by_severity);
    writeln!(
        out,
        "findings: {}",
        if counts.is_empty() { "none" } else { &counts }
    )?;
    if !report.findings.is_empty() {
        writeln!(out)?;
        let mut header = vec!["SEVERITY", "RESOURCE", "ATTRIBUTE"];
        header.extend(s.environments.iter().map(String::as_str));
        header.push("WHY");
        let mut table = options.table(&header);
        for finding in report.findings {
            let mut row = vec![
                options.colored(
                    finding.severity.as_str(),
                    severity_color(Some(finding.severity)),
                ),
                cell(&finding.address),
                cell(attribute_cell(finding)),
            ];
            row.extend(
                s.environments
                    .iter()
                    .map(|env| cell(matrix_value(finding, env))),
            );
            row.push(cell(&finding.reason));
            table.add_row(row);
        }
        write_table(out, &mut table)?;
    }
    for warning in report.warnings {
        writeln!(out, "warning: {}", visible(warning))?;
    }
    Ok(())
}

/// The Markdown report: a title with the verdict, the counts, then a matrix of the findings
/// and the expected differences folded away.
pub fn render_parity_markdown(report: &ParityReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary;
    let mut text = String::new();
    let envs: Vec<String> = s.environments.iter().map(|e| text_escape(e)).collect();
    let counts = severity_counts(&s.by_severity);
    let verdict = if counts.is_empty() {
        "no differences".to_owned()
    } else {
        format!("{counts} differences")
    };
    let _ = writeln!(
        text,
        "<!-- plumb-parity:{} -->\n",
        s.environments.join("+").replace("--", "- -")
    );
    let _ = writeln!(
        text,
        "## plumb parity: {verdict} across {}\n",
        envs.join(", ")
    );
    text.push_str("| resources | equal | differing attributes | absent | expected |\n");
    text.push_str("| ---: | ---: | ---: | ---: | ---: |\n");
    let _ = writeln!(
        text,
        "| {} | {} | {} | {} | {} |\n",
        s.resources, s.equal, s.differs, s.absent, s.expected
    );
    if !report.findings.is_empty() {
        let columns: Vec<String> = s.environments.iter().map(|e| code(e, true)).collect();
        let _ = writeln!(
            text,
            "| severity | resource | attribute | {} | why |",
            columns.join(" | ")
        );
        let _ = writeln!(
            text,
            "| --- | --- | --- | {}--- |",
            "--- | ".repeat(s.environments.len())
        );
        for finding in report.findings {
            let cells: Vec<String> = s
                .environments
                .iter()
                .map(|env| match finding.values.get(env) {
                    Some(Some(value)) => crate::markdown::value_cell(value),
                    _ if finding.kind == ParityKind::Absent => "—".to_owned(),
                    _ => "(none)".to_owned(),
                })
                .collect();
            let _ = writeln!(
                text,
                "| {} | {} | {} | {} | {} (`{}`) |",
                finding.severity,
                code(&finding.address, true),
                code(&attribute_cell(finding), true),
                cells.join(" | "),
                text_escape(&finding.reason),
                finding.rule
            );
        }
        text.push('\n');
    }
    if !report.expected.is_empty() {
        let mut by: BTreeMap<&str, usize> = BTreeMap::new();
        for e in report.expected {
            *by.entry(e.by.as_str()).or_default() += 1;
        }
        let kinds: Vec<String> = by.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let _ = writeln!(
            text,
            "<details><summary>{} ({})</summary>\n",
            plural(
                report.expected.len(),
                "expected difference",
                "expected differences"
            ),
            text_escape(&kinds.join(", "))
        );
        text.push_str("| resource | attribute | by | why |\n| --- | --- | --- | --- |\n");
        for e in report.expected.iter().take(MAX_EXPECTED_ROWS) {
            let attribute = e
                .path
                .as_ref()
                .map_or_else(|| "(resource)".to_owned(), ToString::to_string);
            let _ = writeln!(
                text,
                "| {} | {} | {} | {} |",
                code(&e.address, true),
                code(&attribute, true),
                text_escape(&e.by),
                text_escape(&e.reason)
            );
        }
        if report.expected.len() > MAX_EXPECTED_ROWS {
            let _ = writeln!(
                text,
                "\n… and {} more (the JSON report lists them all)",
                report.expected.len() - MAX_EXPECTED_ROWS
            );
        }
        text.push_str("\n</details>\n\n");
    }
    for warning in report.warnings {
        let _ = writeln!(text, "- {}", text_escape(warning));
    }
    out.write_all(text.trim_end().as_bytes())?;
    writeln!(out)
}

/// Everything a diff report shows.
#[derive(Clone, Copy, Debug)]
pub struct DiffReport<'a> {
    /// How the two sides were named on the command line.
    pub old: &'a str,
    pub new: &'a str,
    pub summary: &'a DiffSummary,
    pub changes: &'a [ResourceChange],
    pub warnings: &'a [String],
}

#[derive(Serialize)]
struct DiffJson<'a> {
    format_version: &'static str,
    plumb_version: &'static str,
    old: &'a str,
    new: &'a str,
    summary: &'a DiffSummary,
    changes: &'a [ResourceChange],
    warnings: &'a [String],
}

pub fn render_diff_json(report: &DiffReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let doc = DiffJson {
        format_version: PARITY_FORMAT_VERSION,
        plumb_version: PLUMB_VERSION,
        old: report.old,
        new: report.new,
        summary: report.summary,
        changes: report.changes,
        warnings: report.warnings,
    };
    plumb_model::json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

fn diff_summary_line(s: &DiffSummary) -> String {
    format!(
        "{} added, {} removed, {} changed, {} replaced, {} unchanged; {} suppressed as noise",
        s.added, s.removed, s.changed, s.replaced, s.unchanged, s.suppressed
    )
}

pub fn render_diff_table(
    report: &DiffReport<'_>,
    out: &mut dyn Write,
    options: TableOptions,
) -> io::Result<()> {
    writeln!(out, "{} → {}", visible(report.old), visible(report.new))?;
    writeln!(out, "{}", diff_summary_line(report.summary))?;
    if !report.changes.is_empty() {
        writeln!(out)?;
        let mut table = options.table(&[
            "SEVERITY",
            "RESOURCE",
            "ACTION",
            "ATTRIBUTE",
            "OLD → NEW",
            "WHY",
        ]);
        for change in report.changes {
            let severity = options.colored(
                change.severity.as_str(),
                severity_color(Some(change.severity)),
            );
            if change.attributes.is_empty() {
                table.add_row(vec![
                    severity,
                    cell(&change.address),
                    cell(change.action.as_str()),
                    cell(""),
                    cell(""),
                    cell(&change.reason),
                ]);
                continue;
            }
            for (i, attribute) in change.attributes.iter().enumerate() {
                let first = i == 0;
                table.add_row(vec![
                    if first {
                        severity.clone()
                    } else {
                        options.colored(
                            attribute.severity.as_str(),
                            severity_color(Some(attribute.severity)),
                        )
                    },
                    cell(if first { change.address.as_str() } else { "" }),
                    cell(if first { change.action.as_str() } else { "" }),
                    cell(attribute.path.to_string()),
                    cell(change_cell(
                        attribute.old.as_ref(),
                        attribute.new.as_ref(),
                        &attribute.added,
                        &attribute.removed,
                    )),
                    cell(&attribute.reason),
                ]);
            }
        }
        write_table(out, &mut table)?;
    }
    for warning in report.warnings {
        writeln!(out, "warning: {}", visible(warning))?;
    }
    Ok(())
}

pub fn render_diff_markdown(report: &DiffReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary;
    let mut text = String::new();
    let counts = severity_counts(&s.by_severity);
    let _ = writeln!(
        text,
        "## plumb diff: {} → {}{}\n",
        code(report.old, false),
        code(report.new, false),
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({counts})")
        }
    );
    text.push_str("| added | removed | changed | replaced | unchanged | suppressed as noise |\n");
    text.push_str("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
    let _ = writeln!(
        text,
        "| {} | {} | {} | {} | {} | {} |\n",
        s.added, s.removed, s.changed, s.replaced, s.unchanged, s.suppressed
    );
    for change in report.changes {
        let _ = writeln!(
            text,
            "#### {}: {}, {}\n",
            code(&change.address, false),
            change.severity,
            change.action.as_str()
        );
        let _ = writeln!(text, "{}\n", text_escape(&change.reason));
        if !change.attributes.is_empty() {
            text.push_str(
                "| path | old | new | severity | why |\n| --- | --- | --- | --- | --- |\n",
            );
            for a in &change.attributes {
                let (old, new) = if a.added.is_empty() && a.removed.is_empty() {
                    (
                        optional_value_cell(a.old.as_ref()),
                        optional_value_cell(a.new.as_ref()),
                    )
                } else {
                    let cells = |items: &[Value]| {
                        items
                            .iter()
                            .map(crate::markdown::value_cell)
                            .collect::<Vec<_>>()
                            .join("<br>")
                    };
                    (
                        format!("removed {}", cells(&a.removed)),
                        format!("added {}", cells(&a.added)),
                    )
                };
                let _ = writeln!(
                    text,
                    "| {} | {} | {} | {} | {} (`{}`) |",
                    code(&a.path.to_string(), true),
                    old,
                    new,
                    a.severity,
                    text_escape(&a.reason),
                    a.rule
                );
            }
            text.push('\n');
        }
    }
    for warning in report.warnings {
        let _ = writeln!(text, "- {}", text_escape(warning));
    }
    out.write_all(text.trim_end().as_bytes())?;
    writeln!(out)
}
