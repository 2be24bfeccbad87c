//! `plumb scan` as a pull-request comment (GitHub-flavoured Markdown).
//!
//! The comment opens with a hidden marker (`<!-- plumb -->`) so that CI can find its earlier
//! comment and update it in place, then a title with the verdict and a summary table. Critical and
//! high findings follow, open; the others fold into one `<details>` per severity, then the
//! resources that were not checked. Each finding's attribute differences are a table.
//!
//! A comment host limits the size of a comment (GitHub: 65,536 characters). The renderer counts
//! UTF-8 bytes, which is never fewer than characters, and never writes more than
//! [`MarkdownOptions::max_size`]: when the findings do not fit, it keeps the title, the summary
//! and as many findings as fit in severity order, closes what it opened, and ends with a line
//! that says what was cut and points at the JSON report.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, Write};

use plumb_model::{AttributeDiff, Finding, Kind, Severity, Value};

use crate::scan::{ScanReport, subject};

/// How the comment is written.
#[derive(Debug, Clone)]
pub struct MarkdownOptions {
    /// The most bytes the comment may take (GitHub's comment limit by default).
    pub max_size: usize,
    /// The hidden marker's text, `<!-- {marker} -->`: an id CI looks for to update its own
    /// comment (one per workspace, say `plumb:default`).
    pub marker: String,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            max_size: 65_536,
            marker: "plumb".to_owned(),
        }
    }
}

/// The longest value a table cell shows, in characters; the JSON report has them whole.
const MAX_VALUE_CHARS: usize = 200;

/// Writes the pull-request comment.
pub fn render_markdown(
    report: &ScanReport<'_>,
    out: &mut dyn Write,
    options: &MarkdownOptions,
) -> io::Result<()> {
    let head = head(report, &options.marker);
    let groups = groups(report);
    let text = assemble(&head, &groups, options.max_size);
    out.write_all(text.as_bytes())
}

/// What a cut unit counts as in the closing line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Category {
    Finding(Option<Severity>),
    ReadError,
    Pending,
    Warning,
}

/// A run of units written together: `open` before the first, `close` after the last. Every
/// piece ends with a blank line, so pieces can be cut between.
struct Group {
    open: String,
    close: String,
    category: Category,
    units: Vec<String>,
}

/// Marker, title and summary: always written.
fn head(report: &ScanReport<'_>, marker: &str) -> String {
    let s = report.summary;
    let b = &s.by_severity;
    let mut text = String::new();
    let marker =
        crate::escape::visible(&marker.replace(['\r', '\n'], " ")).replace("-->", "--&gt;");
    let _ = writeln!(text, "<!-- {marker} -->");
    text.push('\n');

    let counts = severity_counts(b);
    let mut verdict = if counts.is_empty() {
        "no drift".to_owned()
    } else {
        format!("{} drift", counts.join(", "))
    };
    let workspaces = workspaces(report);
    match workspaces.len() {
        0 => {}
        1 => {
            let _ = write!(verdict, " in workspace {}", text_escape(workspaces[0]));
        }
        _ => {
            let names: Vec<String> = workspaces.iter().map(|w| text_escape(w)).collect();
            let _ = write!(verdict, " in workspaces {}", names.join(", "));
        }
    }
    if counts.is_empty() && s.not_checked > 0 {
        let _ = write!(verdict, " ({} not checked)", s.not_checked);
    }
    if !report.errors.is_empty() {
        let _ = write!(
            verdict,
            "; {}",
            plural(report.errors.len(), "read error", "read errors")
        );
    }
    let _ = writeln!(text, "## plumb: {verdict}");
    text.push('\n');

    // One row per workspace and their total, when several share the report.
    let (first_head, first_rule) = if report.many_workspaces() {
        ("| workspace ", "| :--- ")
    } else {
        ("", "")
    };
    let _ = writeln!(
        text,
        "{first_head}| managed | in sync | drifted | missing | unmanaged | not checked | ignored \
         | suppressed as noise | score | coverage |"
    );
    let _ = writeln!(
        text,
        "{first_rule}| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for workspace in report.workspaces {
        let name = format!("| {} ", code(&workspace.workspace, false));
        summary_row(&mut text, &name, &workspace.summary);
    }
    let total = if report.many_workspaces() {
        "| **total** "
    } else {
        ""
    };
    summary_row(&mut text, total, s);
    text.push('\n');
    text
}

fn summary_row(text: &mut String, first_cell: &str, s: &plumb_model::Summary) {
    let coverage = s
        .coverage
        .map_or_else(|| "n/a".to_owned(), |c| format!("{:.0}%", c * 100.0));
    let _ = writeln!(
        text,
        "{first_cell}| {} | {} | {} | {} | {} | {} | {} | {} | {}/100 | {coverage} |",
        s.managed,
        s.in_sync,
        s.drifted,
        s.missing,
        s.unmanaged,
        s.not_checked,
        s.ignored,
        s.suppressed,
        s.score,
    );
}

/// `["1 critical", "2 medium"]`: the severities that have findings, most severe first.
pub(crate) fn severity_counts(b: &plumb_model::finding::BySeverity) -> Vec<String> {
    b.counts()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect()
}

/// The workspaces the report speaks of, for the title.
fn workspaces<'a>(report: &ScanReport<'a>) -> Vec<&'a str> {
    if report.many_workspaces() {
        return report
            .workspaces
            .iter()
            .map(|w| w.workspace.as_str())
            .collect();
    }
    let set: BTreeSet<&str> = report
        .findings
        .iter()
        .map(|f| f.workspace.as_str())
        .chain(report.suppressed.iter().map(|s| s.workspace.as_str()))
        .chain(report.ignored.iter().map(|i| i.workspace.as_str()))
        .chain(report.pending.iter().map(|p| p.workspace.as_str()))
        .collect();
    set.into_iter().collect()
}

/// Everything after the summary, in the order it is kept when the comment must be cut: read
/// errors, findings by severity, not checked, pending code changes, warnings.
fn groups(report: &ScanReport<'_>) -> Vec<Group> {
    let mut groups = Vec::new();
    groups.push(Group {
        open: "### Read errors\n\n".to_owned(),
        close: "\n".to_owned(),
        category: Category::ReadError,
        units: report
            .errors
            .iter()
            .map(|e| {
                format!(
                    "- {} in {}: {}\n",
                    code(&e.r#type, false),
                    code(&e.region, false),
                    text_escape(&e.error)
                )
            })
            .collect(),
    });
    for severity in Severity::ALL {
        let units: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.kind != Kind::NotChecked && f.severity == Some(severity))
            .map(|f| finding_block(f, report.many_workspaces()))
            .collect();
        let (open, close) = if severity >= Severity::High {
            (String::new(), String::new())
        } else {
            (
                format!("<details><summary>{} {severity}</summary>\n\n", units.len()),
                "</details>\n\n".to_owned(),
            )
        };
        groups.push(Group {
            open,
            close,
            category: Category::Finding(Some(severity)),
            units,
        });
    }
    let not_checked: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.kind == Kind::NotChecked || f.severity.is_none())
        .map(|f| {
            format!(
                "- {}: {}\n",
                code(&subject(f), false),
                text_escape(&f.reason)
            )
        })
        .collect();
    groups.push(Group {
        open: format!(
            "<details><summary>{} not checked</summary>\n\n",
            not_checked.len()
        ),
        close: "\n</details>\n\n".to_owned(),
        category: Category::Finding(None),
        units: not_checked,
    });
    groups.push(Group {
        open: format!(
            "<details><summary>{}, not drift: <code>terraform apply</code> would make \
             {}</summary>\n\n",
            plural(
                report.pending.len(),
                "pending code change",
                "pending code changes"
            ),
            if report.pending.len() == 1 {
                "it"
            } else {
                "them"
            }
        ),
        close: "\n</details>\n\n".to_owned(),
        category: Category::Pending,
        units: report
            .pending
            .iter()
            .map(|p| {
                let action = p.action.as_str();
                let paths: Vec<String> = p
                    .attributes
                    .iter()
                    .map(|a| code(&a.path.to_string(), false))
                    .collect();
                if paths.is_empty() {
                    format!("- {} ({action})\n", code(&p.address, false))
                } else {
                    format!(
                        "- {} ({action}: {})\n",
                        code(&p.address, false),
                        paths.join(", ")
                    )
                }
            })
            .collect(),
    });
    groups.push(Group {
        open: "### Warnings\n\n".to_owned(),
        close: "\n".to_owned(),
        category: Category::Warning,
        units: report
            .warnings
            .iter()
            .map(|w| format!("- {}\n", text_escape(w)))
            .collect(),
    });
    groups.retain(|g| !g.units.is_empty());
    if let Some(first) = groups
        .iter_mut()
        .find(|g| matches!(g.category, Category::Finding(_)))
    {
        first.open.insert_str(0, "### Findings\n\n");
    }
    groups
}

/// One finding: a heading, its reason, rules and source, and its attribute differences.
fn finding_block(finding: &Finding, many_workspaces: bool) -> String {
    let mut text = String::new();
    let severity = finding.severity.map_or("not checked", Severity::as_str);
    let _ = writeln!(
        text,
        "#### {}: {severity}, {}",
        code(&subject(finding), false),
        finding.kind.as_str()
    );
    text.push('\n');
    let _ = writeln!(text, "{}", text_escape(&finding.reason));
    text.push('\n');

    let mut meta = Vec::new();
    if many_workspaces {
        meta.push(format!("workspace {}", code(&finding.workspace, false)));
    }
    if !finding.rules.is_empty() {
        let rules: Vec<String> = finding.rules.iter().map(|r| code(r, false)).collect();
        meta.push(format!("rules {}", rules.join(", ")));
    }
    if let Some(source) = &finding.source {
        meta.push(format!(
            "source {}",
            code(&format!("{}:{}", source.file, source.line), false)
        ));
    }
    if finding.address.is_some()
        && let Some(id) = &finding.id
    {
        meta.push(format!("id {}", code(id, false)));
    }
    if let Some(region) = &finding.region {
        meta.push(format!("region {}", code(region, false)));
    }
    if !meta.is_empty() {
        let _ = writeln!(text, "{}", meta.join(" · "));
        text.push('\n');
    }

    if !finding.attributes.is_empty() {
        text.push_str("| path | state | live | config | severity | why |\n");
        text.push_str("| --- | --- | --- | --- | --- | --- |\n");
        for diff in &finding.attributes {
            let (state, live) = state_and_live(diff);
            let config = diff
                .config
                .as_ref()
                .map_or_else(|| "—".to_owned(), value_cell);
            let _ = writeln!(
                text,
                "| {} | {state} | {live} | {config} | {} | {} ({}) |",
                code(&diff.path.to_string(), true),
                diff.severity.as_str(),
                text_escape(&diff.reason),
                code(&diff.rule, true),
            );
        }
        text.push('\n');
    }

    // Remediation, after the attribute table: each way that applies, in a code block fenced
    // longer than any backtick run it holds.
    if let Some(remediation) = &finding.remediation {
        let ways = [
            (
                "Revert (make the cloud match the code)",
                "sh",
                &remediation.revert,
            ),
            (
                "Accept (make the code match the cloud)",
                "diff",
                &remediation.accept,
            ),
            ("Import", "hcl", &remediation.import),
            (
                "Or, if it was deleted on purpose",
                "hcl",
                &remediation.removed,
            ),
        ];
        for (title, language, body) in ways {
            if let Some(body) = body {
                // Line breaks are the code's own; any other control is made visible.
                let body: String = body
                    .trim_end()
                    .split('\n')
                    .map(crate::escape::visible)
                    .collect::<Vec<_>>()
                    .join("\n");
                let fence = "`".repeat(longest_backtick_run(&body).max(2) + 1);
                let _ = writeln!(text, "{title}:\n\n{fence}{language}\n{body}\n{fence}\n");
            }
        }
    }
    text
}

/// The longest run of backticks in `text`.
fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// The state and live cells; a set's difference shows the elements each side alone has.
fn state_and_live(diff: &AttributeDiff) -> (String, String) {
    if diff.added.is_empty() && diff.removed.is_empty() {
        return (
            optional_value_cell(diff.state.as_ref()),
            optional_value_cell(diff.live.as_ref()),
        );
    }
    let side = |label: &str, values: &[Value]| {
        if values.is_empty() {
            "—".to_owned()
        } else {
            values
                .iter()
                .map(|v| format!("{label} {}", value_cell(v)))
                .collect::<Vec<_>>()
                .join("<br>")
        }
    };
    (side("removed", &diff.removed), side("added", &diff.added))
}

pub(crate) fn optional_value_cell(value: Option<&Value>) -> String {
    value.map_or_else(|| "(absent)".to_owned(), value_cell)
}

/// A value in a table cell: its redacting `Display`, shortened, in a code span.
pub(crate) fn value_cell(value: &Value) -> String {
    code(
        &crate::scan::shortened(value.to_string(), MAX_VALUE_CHARS),
        true,
    )
}

/// A code span holding `text` on one line: the one way a value from input enters Markdown.
/// GitHub neither links nor mentions inside a code span, and shows HTML there as text.
/// Backslashes do not escape inside a code span, so the fence is one backtick longer than the
/// longest run in the text; in a table, `|` is escaped (GFM removes the backslash before
/// splitting cells, inside code spans too). Control and bidi characters are made visible
/// ([`crate::escape`]).
pub(crate) fn code(text: &str, in_table: bool) -> String {
    let text = text.replace("\r\n", " ").replace(['\n', '\r'], " ");
    let mut text = crate::escape::visible(&text).into_owned();
    if text.is_empty() {
        return String::new();
    }
    if in_table {
        text = text.replace('|', "\\|");
    }
    let fence = "`".repeat(longest_backtick_run(&text) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Joins what would make GitHub notify or link, and shows nothing different: a word joiner
/// (U+2060) after the `@` of a mention or an email address, inside `://` and `www.`, after the
/// `#` or `GH-` of an issue reference. GitHub finds mentions and references in the rendered
/// text, after Markdown's escapes are gone, so a backslash would not stop them; a character
/// their patterns do not accept does.
const JOINER: char = '\u{2060}';

/// Plain text on one line with Markdown and HTML syntax escaped, so that a reason or an error
/// message cannot open a tag, a link, a heading, a list or a code span, split a table cell,
/// mention anyone or link anywhere; control and bidi characters are made visible.
pub(crate) fn text_escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let ends_with = |i: usize, word: &str| {
        let word: Vec<char> = word.chars().collect();
        i >= word.len()
            && chars[i - word.len()..i]
                .iter()
                .zip(&word)
                .all(|(c, w)| c.eq_ignore_ascii_case(w))
    };
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        match c {
            '\r' | '\n' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '#' => {
                out.push_str("\\#");
                if next.is_some_and(|n| n.is_ascii_digit()) {
                    out.push(JOINER);
                }
            }
            '@' => {
                out.push('@');
                out.push(JOINER);
            }
            ':' if chars.get(i + 1..i + 3) == Some(&['/', '/'][..]) => {
                out.push(':');
                out.push(JOINER);
            }
            '.' if ends_with(i, "www") => {
                out.push(JOINER);
                out.push('.');
            }
            '-' if ends_with(i, "gh") && next.is_some_and(|n| n.is_ascii_digit()) => {
                out.push('-');
                out.push(JOINER);
            }
            // At the start, these would open a list, a rule or a heading underline.
            '-' | '+' | '=' if i == 0 && next.is_none_or(|n| n.is_whitespace() || n == c) => {
                out.push('\\');
                out.push(c);
            }
            // `1.` or `1)` at the start would open an ordered list.
            '.' | ')'
                if i > 0
                    && chars[..i].iter().all(char::is_ascii_digit)
                    && next.is_none_or(char::is_whitespace) =>
            {
                out.push('\\');
                out.push(c);
            }
            // An underscore inside a word never emphasizes in GFM: keep `map_public_ip` legible.
            '_' => {
                let inside = i > 0
                    && chars[i - 1].is_alphanumeric()
                    && next.is_some_and(char::is_alphanumeric);
                if !inside {
                    out.push('\\');
                }
                out.push('_');
            }
            c => crate::escape::push_visible(&mut out, c),
        }
    }
    out
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Units not shown, by what they are.
#[derive(Default, Clone)]
struct Cut {
    findings: [usize; 5],
    not_checked: usize,
    errors: usize,
    pending: usize,
    warnings: usize,
}

impl Cut {
    fn count(&mut self, category: Category) -> &mut usize {
        match category {
            Category::Finding(Some(severity)) => {
                let i = Severity::ALL
                    .iter()
                    .position(|s| *s == severity)
                    .unwrap_or_default();
                &mut self.findings[i]
            }
            Category::Finding(None) => &mut self.not_checked,
            Category::ReadError => &mut self.errors,
            Category::Pending => &mut self.pending,
            Category::Warning => &mut self.warnings,
        }
    }

    fn add(&mut self, category: Category, n: usize) {
        *self.count(category) += n;
    }

    fn remove(&mut self, category: Category) {
        *self.count(category) -= 1;
    }

    fn is_empty(&self) -> bool {
        self.findings.iter().sum::<usize>()
            + self.not_checked
            + self.errors
            + self.pending
            + self.warnings
            == 0
    }

    /// The closing line: `… 12 more findings (3 medium, 9 low) not shown: …`.
    fn note(&self, max_size: usize) -> String {
        let mut breakdown: Vec<String> = Severity::ALL
            .iter()
            .zip(self.findings)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        if self.not_checked > 0 {
            breakdown.push(format!("{} not checked", self.not_checked));
        }
        let total = self.findings.iter().sum::<usize>() + self.not_checked;
        let mut parts = Vec::new();
        if total > 0 {
            parts.push(format!(
                "{} ({})",
                plural(total, "more finding", "more findings"),
                breakdown.join(", ")
            ));
        }
        if self.errors > 0 {
            parts.push(plural(self.errors, "read error", "read errors"));
        }
        if self.pending > 0 {
            parts.push(plural(
                self.pending,
                "pending code change",
                "pending code changes",
            ));
        }
        if self.warnings > 0 {
            parts.push(plural(self.warnings, "warning", "warnings"));
        }
        let what = join_and(&parts);
        format!(
            "… {what} not shown: the comment is limited to {max_size} characters; see the JSON \
             report\n\n"
        )
    }
}

/// Joins the head and as many units as fit in `max_size` bytes. Every piece ends with a blank
/// line and the comment ends with one newline, so its length is the pieces' sum less one.
fn assemble(head: &str, groups: &[Group], max_size: usize) -> String {
    let units: Vec<(usize, &str)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, group)| group.units.iter().map(move |u| (g, u.as_str())))
        .collect();
    let mut cut = Cut::default();
    for group in groups {
        cut.add(group.category, group.units.len());
    }
    let all = cut.clone();

    // The length with the first `k` units, for every `k`; keep the largest `k` that fits (the
    // closing line shrinks as units are kept, so the length need not grow with `k`).
    let mut best = None;
    let mut len = head.len();
    let mut last_group = None;
    for k in 0..=units.len() {
        if k > 0 {
            let (g, unit) = units[k - 1];
            if last_group != Some(g) {
                len += groups[g].open.len() + groups[g].close.len();
                last_group = Some(g);
            }
            len += unit.len();
            cut.remove(groups[g].category);
        }
        let note = if cut.is_empty() {
            0
        } else {
            cut.note(max_size).len()
        };
        if len + note - 1 <= max_size {
            best = Some(k);
        }
    }

    let Some(keep) = best else {
        // Not even the summary fits: the marker, the title and what was cut, as far as they go.
        let title_end = head
            .find("\n\n## ")
            .and_then(|start| head[start + 2..].find('\n').map(|end| start + 2 + end + 1));
        let mut text = head[..title_end.unwrap_or(head.len())].to_owned();
        text.push('\n');
        text.push_str(&all.note(max_size));
        text.pop();
        if text.len() > max_size {
            let mut end = max_size;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
        return text;
    };

    let mut text = String::with_capacity(max_size.min(1 << 20));
    text.push_str(head);
    let mut open: Option<usize> = None;
    for &(g, unit) in &units[..keep] {
        if open != Some(g) {
            if let Some(prev) = open {
                text.push_str(&groups[prev].close);
            }
            text.push_str(&groups[g].open);
            open = Some(g);
        }
        text.push_str(unit);
    }
    if let Some(prev) = open {
        text.push_str(&groups[prev].close);
    }
    let mut rest = Cut::default();
    for &(g, _) in &units[keep..] {
        rest.add(groups[g].category, 1);
    }
    if !rest.is_empty() {
        text.push_str(&rest.note(max_size));
    }
    text.pop();
    text
}

#[cfg(test)]
mod tests {
    use plumb_model::finding::{BySeverity, PendingAttribute};
    use plumb_model::{AttrPath, Map, Pending, PendingAction, SourceLocation, Summary, Suppressed};

    use super::*;
    use crate::scan::ReadError;

    const SECRET: &str = "hunter2-secret";

    fn diff(
        path: AttrPath,
        state: Option<Value>,
        live: Option<Value>,
        severity: Severity,
        rule: &str,
        reason: &str,
    ) -> AttributeDiff {
        AttributeDiff {
            path,
            state,
            live,
            config: None,
            added: Vec::new(),
            removed: Vec::new(),
            severity,
            rule: rule.to_owned(),
            reason: reason.to_owned(),
            fingerprint: "0000000000000000".to_owned(),
        }
    }

    fn finding(
        address: Option<&str>,
        r#type: &str,
        id: &str,
        kind: Kind,
        severity: Option<Severity>,
        reason: &str,
    ) -> Finding {
        Finding {
            address: address.map(|a| a.parse().unwrap()),
            id: Some(id.to_owned()),
            region: Some("eu-west-1".to_owned()),
            ..Finding::new(
                "ffffffffffffffff",
                "default",
                r#type,
                kind,
                severity,
                reason,
            )
        }
    }

    fn source(file: &str, line: u32) -> SourceLocation {
        SourceLocation {
            file: file.to_owned(),
            line,
            column: 1,
        }
    }

    fn rule_element(cidr: &str, port: i64, description: &str) -> Value {
        Value::Map(Map::from_entries(vec![
            (
                "cidr_blocks".to_owned(),
                Value::List(vec![Value::string(cidr)]),
            ),
            ("description".to_owned(), Value::string(description)),
            ("from_port".to_owned(), Value::int(port)),
            ("to_port".to_owned(), Value::int(port)),
        ]))
    }

    fn findings() -> Vec<Finding> {
        let secret = || Some(Value::Sensitive(Box::new(Value::string(SECRET))));

        let mut sg = finding(
            Some("aws_security_group.web"),
            "aws_security_group",
            "sg-0123",
            Kind::Changed,
            Some(Severity::Critical),
            "ingress on port 22 opened to the whole internet",
        );
        sg.rules = vec!["aws-sg-ingress-open-world".to_owned()];
        sg.source = Some(source("examples/webapp/main.tf", 16));
        let office = rule_element("203.0.113.0/24", 22, "SSH from the office");
        let debug = rule_element("0.0.0.0/0", 22, "debug");
        let mut ingress = diff(
            AttrPath::attr("ingress"),
            Some(Value::List(vec![office.clone()])),
            Some(Value::List(vec![office.clone(), debug.clone()])),
            Severity::Critical,
            "aws-sg-ingress-open-world",
            "ingress on port 22 opened to the whole internet",
        );
        ingress.config = Some(Value::List(vec![office]));
        ingress.added = vec![debug];
        sg.attributes.push(ingress);
        let mut description = diff(
            AttrPath::attr("description"),
            Some(Value::string("web | `front`")),
            Some(Value::string("web\nfront")),
            Severity::Low,
            "attribute-changed",
            "description changed outside Terraform",
        );
        description.config = Some(Value::string("web | `front`"));
        sg.attributes.push(description);

        let mut subnet = finding(
            Some("module.network.aws_subnet.public[1]"),
            "aws_subnet",
            "subnet-0ee5",
            Kind::Changed,
            Some(Severity::High),
            "map_public_ip_on_launch turned on",
        );
        subnet.rules = vec![
            "aws-subnet-public-ip".to_owned(),
            "attribute-changed".to_owned(),
        ];
        subnet.attributes = vec![
            diff(
                AttrPath::attr("map_public_ip_on_launch"),
                Some(Value::Bool(false)),
                Some(Value::Bool(true)),
                Severity::High,
                "aws-subnet-public-ip",
                "map_public_ip_on_launch turned on",
            ),
            diff(
                AttrPath::attr("user_data"),
                secret(),
                Some(Value::string("changed")),
                Severity::Medium,
                "attribute-changed",
                "user_data changed outside Terraform",
            ),
        ];

        let mut instance = finding(
            Some("aws_instance.web"),
            "aws_instance",
            "i-0abc",
            Kind::Changed,
            Some(Severity::Medium),
            "instance_type changed outside Terraform",
        );
        instance.rules = vec!["attribute-changed".to_owned(), "tag-added".to_owned()];
        instance.source = Some(source("examples/webapp/main.tf", 40));
        let mut instance_type = diff(
            AttrPath::attr("instance_type"),
            Some(Value::string("t3.small")),
            Some(Value::string("t3.large")),
            Severity::Medium,
            "attribute-changed",
            "instance_type changed outside Terraform",
        );
        instance_type.config = Some(Value::string("t3.small"));
        instance.attributes = vec![
            instance_type,
            diff(
                AttrPath::attr("tags").child_key("Owner"),
                None,
                Some(Value::string("alice")),
                Severity::Low,
                "tag-added",
                "tag Owner added",
            ),
            diff(
                AttrPath::attr("password"),
                secret(),
                secret(),
                Severity::Medium,
                "attribute-changed",
                "password changed outside Terraform",
            ),
        ];

        let mut unmanaged = finding(
            None,
            "aws_instance",
            "i-0fed",
            Kind::Unmanaged,
            Some(Severity::Medium),
            "exists live but no state manages it",
        );
        unmanaged.rules = vec!["unmanaged-resource".to_owned()];

        let mut missing = finding(
            Some("aws_s3_bucket.logs"),
            "aws_s3_bucket",
            "webapp-logs",
            Kind::Missing,
            Some(Severity::Low),
            "in state but not found live",
        );
        missing.rules = vec!["resource-missing".to_owned()];
        missing.source = Some(source("examples/webapp/storage.tf", 3));

        let mut tagged = finding(
            Some("aws_eip.nat"),
            "aws_eip",
            "eipalloc-1",
            Kind::Changed,
            Some(Severity::Low),
            "tag <Team> set to *ops* | [see](http://x) `now`",
        );
        tagged.rules = vec!["tag-changed".to_owned()];
        tagged.attributes = vec![diff(
            AttrPath::attr("tags").child_key("Team"),
            Some(Value::string("dev")),
            Some(Value::string("<b>ops</b>")),
            Severity::Low,
            "tag-changed",
            "tag Team changed",
        )];

        let not_checked = finding(
            Some("aws_lambda_function.worker"),
            "aws_lambda_function",
            "worker",
            Kind::NotChecked,
            None,
            "no adapter reads aws_lambda_function",
        );

        vec![
            sg,
            subnet,
            instance,
            unmanaged,
            missing,
            tagged,
            not_checked,
        ]
    }

    fn summary() -> Summary {
        Summary {
            managed: 9,
            in_sync: 4,
            drifted: 4,
            missing: 1,
            unmanaged: 1,
            not_checked: 1,
            ignored: 1,
            suppressed: 2,
            pending: 1,
            by_severity: BySeverity {
                critical: 1,
                high: 1,
                medium: 2,
                low: 2,
            },
            score: 49,
            coverage: Some(0.889),
            ..Summary::default()
        }
    }

    struct Fixture {
        summary: Summary,
        findings: Vec<Finding>,
        suppressed: Vec<Suppressed>,
        pending: Vec<Pending>,
        errors: Vec<ReadError>,
        warnings: Vec<String>,
        workspaces: Vec<plumb_model::WorkspaceSummary>,
    }

    impl Fixture {
        fn drift() -> Self {
            Fixture {
                summary: summary(),
                findings: findings(),
                suppressed: vec![Suppressed {
                    workspace: "default".to_owned(),
                    address: Some("aws_instance.web".parse().unwrap()),
                    r#type: "aws_instance".to_owned(),
                    id: Some("i-0abc".to_owned()),
                    path: AttrPath::attr("user_data"),
                    state: Some(Value::Sensitive(Box::new(Value::string(SECRET)))),
                    live: Some(Value::string("other")),
                    rule: "base64-equal".to_owned(),
                    reason: "same text, encoded differently".to_owned(),
                }],
                pending: vec![Pending {
                    workspace: "default".to_owned(),
                    address: "aws_instance.web".to_owned(),
                    action: PendingAction::Update,
                    attributes: vec![PendingAttribute {
                        path: AttrPath::attr("ami"),
                        state: Some(Value::string("ami-1")),
                        config: Value::string("ami-2"),
                    }],
                    source: Some(source("examples/webapp/main.tf", 40)),
                }],
                errors: vec![ReadError {
                    region: "us-east-1".to_owned(),
                    r#type: "aws_lambda_function".to_owned(),
                    error: "AccessDenied: not authorized to perform lambda:ListFunctions"
                        .to_owned(),
                }],
                warnings: vec!["policy ignore `tags[\"Temp\"]` expired on 2024-01-01".to_owned()],
                workspaces: Vec::new(),
            }
        }

        fn clean() -> Self {
            Fixture {
                summary: Summary {
                    managed: 8,
                    in_sync: 8,
                    score: 100,
                    coverage: None,
                    ..Summary::default()
                },
                findings: Vec::new(),
                suppressed: Vec::new(),
                pending: Vec::new(),
                errors: Vec::new(),
                warnings: Vec::new(),
                workspaces: Vec::new(),
            }
        }

        fn report(&self) -> ScanReport<'_> {
            ScanReport {
                summary: &self.summary,
                findings: &self.findings,
                suppressed: &self.suppressed,
                ignored: &[],
                pending: &self.pending,
                unverified: &[],
                errors: &self.errors,
                schemaless_types: &[],
                warnings: &self.warnings,
                stats: None,
                resolved: &[],
                workspaces: &self.workspaces,
            }
        }
    }

    fn render(fixture: &Fixture, options: &MarkdownOptions) -> String {
        let mut out = Vec::new();
        render_markdown(&fixture.report(), &mut out, options).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn sized(max_size: usize) -> MarkdownOptions {
        MarkdownOptions {
            max_size,
            marker: "plumb:default".to_owned(),
        }
    }

    #[test]
    fn drift() {
        let text = render(&Fixture::drift(), &MarkdownOptions::default());
        insta::assert_snapshot!(text);
    }

    #[test]
    fn remediation_comes_in_code_blocks_after_the_diffs() {
        let mut fixture = Fixture::clean();
        let mut unmanaged = finding(
            None,
            "aws_instance",
            "i-0abc",
            Kind::Unmanaged,
            Some(Severity::Medium),
            "exists live but no state manages it",
        );
        unmanaged.remediation = Some(plumb_model::Remediation {
            import: Some(
                "import {\n  to = aws_instance.unmanaged_i_0abc\n  id = \"i-0abc\"\n}\n".to_owned(),
            ),
            ..plumb_model::Remediation::default()
        });
        let mut missing = finding(
            Some("aws_ebs_volume.data"),
            "aws_ebs_volume",
            "vol-1",
            Kind::Missing,
            Some(Severity::High),
            "deleted ```outside``` Terraform",
        );
        missing.remediation = Some(plumb_model::Remediation {
            revert: Some("terraform apply -target='aws_ebs_volume.data'".to_owned()),
            removed: Some("removed {\n  from = aws_ebs_volume.data # ```\n}\n".to_owned()),
            ..plumb_model::Remediation::default()
        });
        fixture.findings = vec![missing, unmanaged];
        let text = render(&fixture, &MarkdownOptions::default());
        assert!(
            text.contains("Revert (make the cloud match the code):\n\n```sh\nterraform apply -target='aws_ebs_volume.data'\n```\n"),
            "{text}"
        );
        // A body holding ``` gets a longer fence.
        assert!(text.contains("````hcl\nremoved {"), "{text}");
        assert!(
            text.contains("```hcl\nimport {\n  to = aws_instance.unmanaged_i_0abc"),
            "{text}"
        );
    }

    #[test]
    fn no_drift() {
        let text = render(&Fixture::clean(), &MarkdownOptions::default());
        insta::assert_snapshot!(text);
    }

    #[test]
    fn truncated() {
        let text = render(&Fixture::drift(), &sized(2_650));
        assert!(text.len() <= 2_650, "{} bytes", text.len());
        insta::assert_snapshot!(text);
    }

    #[test]
    fn the_secret_never_appears() {
        let fixture = Fixture::drift();
        let full = render(&fixture, &MarkdownOptions::default());
        assert!(full.contains("(sensitive)"));
        for max_size in (0..=full.len() + 10).step_by(37) {
            let text = render(&fixture, &sized(max_size));
            assert!(!text.contains(SECRET), "max_size {max_size}:\n{text}");
        }
    }

    #[test]
    fn never_longer_than_max_size() {
        let fixture = Fixture::drift();
        let full = render(&fixture, &sized(usize::MAX));
        // Below the marker, the title and the closing line, the comment is only their prefix.
        let smallest = (0..full.len())
            .find(|&n| render(&fixture, &sized(n)).ends_with("see the JSON report\n"))
            .unwrap();
        assert!(smallest < 400, "{smallest}");
        for max_size in 0..=full.len() + 10 {
            let text = render(&fixture, &sized(max_size));
            assert!(
                text.len() <= max_size,
                "max_size {max_size}: {} bytes",
                text.len()
            );
            if max_size >= full.len() {
                assert_eq!(text, full, "max_size {max_size}");
                continue;
            }
            if max_size < smallest {
                continue;
            }
            assert!(
                text.ends_with("see the JSON report\n"),
                "max_size {max_size}"
            );
            if text.contains("## plumb:") && text.contains("| managed |") {
                assert_eq!(
                    text.matches("<details>").count(),
                    text.matches("</details>").count(),
                    "max_size {max_size}:\n{text}"
                );
            }
        }
        // The smallest sizes still start with the marker, as far as it goes.
        assert!(render(&fixture, &sized(17)).starts_with("<!-- plumb:defaul"));
    }

    #[test]
    fn code_spans_fence_past_backticks() {
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`x`", false), "`` `x` ``");
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(code("a|b", false), "`a|b`");
        assert_eq!(code("a\nb", false), "`a b`");
    }

    /// Every hostile string, as prose and as a code span: nothing raw, no mention, no link, no
    /// tag, no heading, and the cell stays one cell.
    #[test]
    fn markdown_from_input_mentions_no_one_and_links_nowhere() {
        let rows: Vec<String> = crate::escape::tests::HOSTILE
            .iter()
            .map(|text| format!("| {} | {} |", text_escape(text), code(text, true)))
            .collect();
        for (text, row) in crate::escape::tests::HOSTILE.iter().zip(&rows) {
            assert!(
                !row.chars().any(crate::escape::is_hazard),
                "{text:?}: {row:?}"
            );
            let prose = text_escape(text);
            for live in ["@o", "://", "www.", "#1", "GH-1", "\n"] {
                assert!(!prose.contains(live), "{text:?} keeps {live:?}: {prose:?}");
            }
            // Every character that opens a tag, a link or a code span is escaped.
            let chars: Vec<char> = prose.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if matches!(c, '<' | '>' | '[' | ']' | '`' | '|') {
                    assert!(i > 0 && chars[i - 1] == '\\', "{text:?}: {prose:?}");
                }
            }
            assert!(
                !prose.starts_with('#') && !prose.starts_with('-'),
                "{prose:?}"
            );
            // Unescaped pipes would split the cell.
            assert_eq!(
                row.matches('|').count() - row.matches("\\|").count(),
                3,
                "{row:?}"
            );
        }
        insta::assert_snapshot!(rows.join("\n"));
    }

    #[test]
    fn text_escape_keeps_ordinary_text_legible() {
        assert_eq!(
            text_escape("map_public_ip_on_launch"),
            "map_public_ip_on_launch"
        );
        assert_eq!(text_escape("30.5 h"), "30.5 h");
        assert_eq!(text_escape("- item"), "\\- item");
        assert_eq!(text_escape("1. item"), "1\\. item");
        assert_eq!(text_escape("t3.micro"), "t3.micro");
    }
}
