//! `plumb report` for people: the history of nightly runs as a Markdown message (a chat message
//! or a tracking issue) and as one self-contained HTML page (inline CSS and SVG, nothing fetched,
//! so that it opens from disk and as a CI artifact).
//!
//! Both say the same thing, derived from the [`HistoryView`] alone: a verdict line (what is new
//! since each workspace's previous run, how much was resolved in the window, how old the oldest
//! open drift is), the summary numbers, then the new, resolved and oldest-open findings.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::PLUMB_VERSION;
use crate::history::{DriftItem, HistoryView, RunPoint, SEVERITIES};
use crate::markdown::{code, join_and, plural, text_escape};

/// Colour-blind-friendly colours for the severities (Paul Tol's bright/muted scheme: wine,
/// orange, sand, blue; they differ in lightness as well as hue).
const SEVERITY_COLOURS: [&str; 4] = ["#882255", "#ee7733", "#ddaa33", "#4477aa"];

/// Colours for the workspaces' score lines (Okabe–Ito), with dash patterns as a second cue.
const WORKSPACE_COLOURS: [&str; 6] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#000000",
];
const WORKSPACE_DASHES: [&str; 3] = ["", "8 4", "2 3"];

/// The most items of each list the Markdown shows.
const MARKDOWN_LIST_MAX: usize = 20;
/// The most items of each list the HTML shows.
const HTML_LIST_MAX: usize = 200;

/// Writes the history report as GitHub-flavoured Markdown.
pub fn render_history_markdown(view: &HistoryView, out: &mut dyn Write) -> io::Result<()> {
    let facts = Facts::new(view);
    let mut text = String::new();
    let _ = writeln!(text, "## {}", text_escape(&title(view)));
    text.push('\n');
    let _ = writeln!(text, "{}", capitalized(&text_escape(&facts.verdict(view))));
    text.push('\n');
    if view.runs.is_empty() && view.new.is_empty() && view.resolved.is_empty() {
        return out.write_all(text.as_bytes());
    }

    let scores = |pick: fn(&WorkspaceRuns<'_>) -> u32| {
        if let [only] = facts.workspaces.as_slice() {
            format!("{}/100", pick(only))
        } else {
            facts
                .workspaces
                .iter()
                .map(|w| format!("{} {}", text_escape(w.name), pick(w)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    text.push_str(
        "| runs | score now | score at start | open critical | open high | open medium \
         | open low | new | resolved | MTTR |\n",
    );
    text.push_str("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    let open = facts.open_now();
    let _ = writeln!(
        text,
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        view.runs.len(),
        scores(|w| w.latest().score),
        scores(|w| w.first().score),
        open[0],
        open[1],
        open[2],
        open[3],
        view.new.len(),
        view.resolved.len(),
        text_escape(&facts.mttr_line(view)),
    );
    text.push('\n');

    let per_day = new_per_day(view);
    if !per_day.is_empty() {
        text.push_str("### New drift per day\n\n| day | critical | high | medium | low |\n");
        text.push_str("| --- | ---: | ---: | ---: | ---: |\n");
        for (day, [critical, high, medium, low]) in &per_day {
            let _ = writeln!(text, "| {day} | {critical} | {high} | {medium} | {low} |");
        }
        text.push('\n');
    }

    let several = facts.several_workspaces(view);
    let lists: [(&str, &[DriftItem], When); 3] = [
        ("New in the window", &view.new, |i| {
            format!("first seen {}", date(&i.first_seen))
        }),
        ("Resolved in the window", &view.resolved, |i| {
            format!(
                "first seen {}, resolved {}",
                date(&i.first_seen),
                i.resolved_at.as_deref().map_or("?", date)
            )
        }),
        ("Oldest open", &view.open, |i| {
            let age = i.age_days.map_or_else(String::new, |d| age_text(d) + ", ");
            format!("open {age}since {}", date(&i.first_seen))
        }),
    ];
    for (heading, items, when) in lists {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(text, "### {heading} ({})", items.len());
        text.push('\n');
        for item in items.iter().take(MARKDOWN_LIST_MAX) {
            let workspace = if several {
                format!(", workspace {}", code(&item.workspace, false))
            } else {
                String::new()
            };
            let _ = writeln!(
                text,
                "- {}: {} ({}{workspace}), {}",
                severity_name(item),
                code(&item.subject, false),
                text_escape(&item.kind),
                text_escape(&when(item)),
            );
        }
        if items.len() > MARKDOWN_LIST_MAX {
            let _ = writeln!(
                text,
                "- … and {} more (the JSON report has them all)",
                items.len() - MARKDOWN_LIST_MAX
            );
        }
        text.push('\n');
    }
    out.write_all(text.as_bytes())
}

/// Drift frequency: the days of the window with new drift (the most recent
/// [`MAX_DAYS`]), each with its new findings by severity, oldest first.
fn new_per_day(view: &HistoryView) -> Vec<(&str, [u64; 4])> {
    const MAX_DAYS: usize = 31;
    let skip = view.new_per_day.len().saturating_sub(MAX_DAYS);
    view.new_per_day
        .iter()
        .skip(skip)
        .map(|(day, counts)| {
            let mut row = [0; 4];
            for (count, severity) in row.iter_mut().zip(SEVERITIES) {
                *count = counts.get(severity).copied().unwrap_or(0);
            }
            (day.as_str(), row)
        })
        .collect()
}

/// The drift frequency as a table: new findings per day by severity.
fn frequency_table(h: &mut String, view: &HistoryView) {
    let per_day = new_per_day(view);
    if per_day.is_empty() {
        return;
    }
    h.push_str("<section>\n<h2>New drift per day</h2>\n<div class=\"table\"><table>\n");
    h.push_str("<thead><tr><th>day</th>");
    for severity in SEVERITIES {
        let _ = write!(h, "<th class=\"num\">{severity}</th>");
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (day, counts) in &per_day {
        let _ = write!(h, "<tr><td>{}</td>", esc(day));
        for (count, severity) in counts.iter().zip(SEVERITIES) {
            let _ = write!(
                h,
                "<td class=\"num\" data-label=\"{severity}\">{count}</td>"
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n</section>\n");
}

/// What a list says of when an item came or went.
type When = fn(&DriftItem) -> String;

/// Writes the history report as one self-contained HTML5 page.
pub fn render_history_html(view: &HistoryView, out: &mut dyn Write) -> io::Result<()> {
    let facts = Facts::new(view);
    let title = title(view);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>{}</title>", esc(&title));
    let _ = writeln!(h, "<style>\n{}</style>\n</head>\n<body>", css());
    h.push_str("<div class=\"page\">\n<header>\n");
    let _ = writeln!(h, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        h,
        "<p class=\"verdict\">{}</p>",
        esc(&capitalized(&facts.verdict(view)))
    );
    let _ = writeln!(
        h,
        "<p class=\"meta\">generated {} by plumb {}</p>",
        esc(&date_time(&view.generated)),
        esc(PLUMB_VERSION)
    );
    if view.runs.is_empty() {
        h.push_str("</header>\n<main>\n");
        h.push_str(
            "<section class=\"empty\">\n<p>No \
             <code>plumb scan --history</code> run was recorded since ",
        );
        let _ = writeln!(
            h,
            "{}{}. Widen the window with <code>--since</code>, or check that the nightly \
             job writes to this history database.</p></section>",
            esc(date(&view.since)),
            view.workspace
                .as_deref()
                .map_or_else(String::new, |w| format!(" in workspace {}", esc(w)))
        );
    } else {
        cards(&mut h, view, &facts);
        h.push_str("</header>\n<main>\n");
        score_chart(&mut h, &facts);
        severity_chart(&mut h, &facts);
        frequency_table(&mut h, view);
    }
    let several = facts.several_workspaces(view);
    let skip_empty = view.runs.is_empty();
    item_table(
        &mut h,
        "New in the window",
        &view.new,
        (several, skip_empty),
        ("first seen", |i| date_time(&i.first_seen)),
    );
    item_table(
        &mut h,
        "Resolved in the window",
        &view.resolved,
        (several, skip_empty),
        ("resolved", |i| {
            format!(
                "{} (first seen {})",
                i.resolved_at.as_deref().map_or("?".to_owned(), date_time),
                date(&i.first_seen)
            )
        }),
    );
    item_table(
        &mut h,
        "Oldest open",
        &view.open,
        (several, skip_empty),
        ("open for", |i| {
            let age = i.age_days.map_or_else(String::new, |d| age_text(d) + ", ");
            format!("{age}since {}", date(&i.first_seen))
        }),
    );
    h.push_str("</main>\n</div>\n</body>\n</html>\n");
    out.write_all(h.as_bytes())
}

/// The runs of one workspace, oldest first (never empty).
struct WorkspaceRuns<'a> {
    name: &'a str,
    runs: Vec<&'a RunPoint>,
}

impl WorkspaceRuns<'_> {
    fn first(&self) -> &RunPoint {
        self.runs[0]
    }

    fn latest(&self) -> &RunPoint {
        self.runs[self.runs.len() - 1]
    }
}

/// What both renderers derive from the view.
struct Facts<'a> {
    /// By name.
    workspaces: Vec<WorkspaceRuns<'a>>,
}

impl<'a> Facts<'a> {
    fn new(view: &'a HistoryView) -> Self {
        let mut by_name: BTreeMap<&str, Vec<&RunPoint>> = BTreeMap::new();
        for run in &view.runs {
            by_name.entry(run.workspace.as_str()).or_default().push(run);
        }
        let workspaces = by_name
            .into_iter()
            .map(|(name, mut runs)| {
                runs.sort_by(|a, b| time_order(&a.time, &b.time));
                WorkspaceRuns { name, runs }
            })
            .collect();
        Facts { workspaces }
    }

    /// Whether the lists must say which workspace each item is in.
    fn several_workspaces(&self, view: &HistoryView) -> bool {
        view.workspace.is_none()
            && (self.workspaces.len() > 1
                || view
                    .new
                    .iter()
                    .chain(&view.resolved)
                    .chain(&view.open)
                    .any(|i| {
                        self.workspaces
                            .first()
                            .is_none_or(|w| w.name != i.workspace)
                    }))
    }

    /// With several workspaces, each one's mean time to remediation (hours) over the findings
    /// resolved in the window, for the workspaces that resolved any.
    fn mttr_by_workspace(&self, view: &'a HistoryView) -> Vec<(&'a str, f64)> {
        if self.workspaces.len() < 2 {
            return Vec::new();
        }
        let mut sums: BTreeMap<&str, (i64, u32)> = BTreeMap::new();
        for item in &view.resolved {
            let (Some(first), Some(resolved)) = (
                unix_seconds(&item.first_seen),
                item.resolved_at.as_deref().and_then(unix_seconds),
            ) else {
                continue;
            };
            let entry = sums.entry(item.workspace.as_str()).or_default();
            entry.0 += resolved - first;
            entry.1 += 1;
        }
        #[allow(clippy::cast_precision_loss)]
        sums.into_iter()
            .map(|(name, (seconds, n))| (name, seconds as f64 / f64::from(n) / 3600.0))
            .collect()
    }

    /// `2.0 days`, and with several workspaces each one's: `2.0 days (dev 1.0 days, prod 3.0 h)`.
    fn mttr_line(&self, view: &'a HistoryView) -> String {
        let each: Vec<String> = self
            .mttr_by_workspace(view)
            .iter()
            .map(|(name, hours)| format!("{name} {}", mttr_text(Some(*hours))))
            .collect();
        let all = mttr_text(view.mttr_hours);
        if each.is_empty() {
            all
        } else {
            format!("{all} ({})", each.join(", "))
        }
    }

    /// Open drift now by severity: the latest run of each workspace, summed.
    fn open_now(&self) -> [u64; 4] {
        let mut open = [0; 4];
        for w in &self.workspaces {
            for (count, severity) in open.iter_mut().zip(SEVERITIES) {
                *count += w.latest().by_severity.get(severity).copied().unwrap_or(0);
            }
        }
        open
    }

    /// Whether `item` was first seen after the previous run of its workspace (at its latest
    /// run, when the window holds only one).
    fn new_since_previous(&self, item: &DriftItem) -> bool {
        let Some(w) = self.workspaces.iter().find(|w| w.name == item.workspace) else {
            return false;
        };
        match w.runs.len() {
            0 => false,
            1 => time_order(&item.first_seen, &w.latest().time).is_ge(),
            n => time_order(&item.first_seen, &w.runs[n - 2].time).is_gt(),
        }
    }

    /// The verdict line, plain text: "2 new critical since the previous run, 5 resolved, the
    /// oldest open drift is 19 days old".
    fn verdict(&self, view: &HistoryView) -> String {
        if view.runs.is_empty() {
            return "no runs recorded in this window".to_owned();
        }
        let mut counts: Vec<(String, usize)> = Vec::new();
        for item in view.new.iter().filter(|i| self.new_since_previous(i)) {
            let name = severity_name(item).to_owned();
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => counts.push((name, 1)),
            }
        }
        counts.sort_by_key(|(name, _)| {
            SEVERITIES
                .iter()
                .position(|s| s == name)
                .unwrap_or(SEVERITIES.len())
        });
        let previous = if self.workspaces.len() > 1 {
            "since each workspace's previous run"
        } else {
            "since the previous run"
        };
        let new = if counts.is_empty() {
            format!("nothing new {previous}")
        } else {
            let parts: Vec<String> = counts
                .iter()
                .map(|(name, n)| format!("{n} new {name}"))
                .collect();
            format!("{} {previous}", join_and(&parts))
        };
        let resolved = if view.resolved.is_empty() {
            "none resolved".to_owned()
        } else {
            format!("{} resolved", view.resolved.len())
        };
        let oldest = view
            .open
            .iter()
            .filter_map(|i| i.age_days)
            .fold(None, |max: Option<f64>, d| {
                Some(max.map_or(d, |m| m.max(d)))
            });
        let oldest = match (oldest, view.open.is_empty()) {
            (_, true) => "no drift open".to_owned(),
            (Some(days), false) => format!("the oldest open drift is {} old", age_text(days)),
            (None, false) => format!("{} open", plural(view.open.len(), "finding", "findings")),
        };
        format!("{new}, {resolved}, {oldest}")
    }
}

/// `plumb: drift since 2026-11-01 (workspace default)`, plain text.
fn title(view: &HistoryView) -> String {
    let scope = view
        .workspace
        .as_deref()
        .map_or_else(|| "all workspaces".to_owned(), |w| format!("workspace {w}"));
    format!("plumb: drift since {} ({scope})", date(&view.since))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// "a", "a and b", "a, b and c".
fn severity_name(item: &DriftItem) -> &str {
    item.severity.as_deref().unwrap_or("not checked")
}

/// The date of an RFC 3339 time.
fn date(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

/// `2026-11-03 02:00 UTC` from `2026-11-03T02:00:00Z`.
fn date_time(time: &str) -> String {
    match (time.get(..10), time.get(11..16)) {
        (Some(day), Some(clock)) if time.ends_with('Z') => format!("{day} {clock} UTC"),
        _ => time.to_owned(),
    }
}

fn age_text(days: f64) -> String {
    if days < 1.0 {
        "less than a day".to_owned()
    } else {
        // Whole days, floored; ages are never near u32's range.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = days.floor() as u32;
        if whole == 1 {
            "1 day".to_owned()
        } else {
            format!("{whole} days")
        }
    }
}

fn mttr_text(hours: Option<f64>) -> String {
    match hours {
        None => "n/a".to_owned(),
        Some(h) if h < 48.0 => format!("{h:.1} h"),
        Some(h) => format!("{:.1} days", h / 24.0),
    }
}

/// Unix seconds of an RFC 3339 time (`2026-11-03T02:00:00Z`, fractions ignored).
fn unix_seconds(text: &str) -> Option<i64> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(time::OffsetDateTime::unix_timestamp)
}

/// Times in order: by their instant when both parse, else as text.
fn time_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (unix_seconds(a), unix_seconds(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

/// Text escaped for HTML content and quoted attribute values: the one way text from input
/// enters the page. Control and bidi characters are made visible ([`crate::escape`]).
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => crate::escape::push_visible(&mut out, c),
        }
    }
    out
}

fn css() -> String {
    let mut css = String::from(
        "*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;color:#1f2328;background:#f3f4f6}
.page{max-width:1120px;margin:0 auto;padding:24px 20px}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .4rem}
h2{font-size:1.15rem;margin:0 0 .6rem}
.verdict{font-size:1.15rem;margin:.2rem 0;font-weight:500}
.meta{color:#59636e;font-size:.85rem;margin:.2rem 0 1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(135px,1fr));gap:10px;margin:0;padding:0}
.cards div{background:#fff;border:1px solid #d1d9e0;border-left:5px solid #8c959f;border-radius:6px;padding:8px 12px}
.cards dt{font-size:.8rem;color:#59636e}
.cards dd{margin:0;font-size:1.5rem;font-weight:650;line-height:1.3}
.cards dd small{font-size:.8rem;font-weight:400;color:#59636e}
section{background:#fff;border:1px solid #d1d9e0;border-radius:6px;padding:14px 18px;margin:16px 0}
.chart{overflow-x:auto}
.chart svg{display:block;width:100%;min-width:520px;height:auto}
.chart text{font-family:inherit}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:0 0 8px;padding:0;list-style:none;font-size:.9rem}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;margin-right:6px}
.line{display:inline-block;width:22px;height:0;border-top:3px solid;vertical-align:4px;margin-right:6px}
.table{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e6e9ed;vertical-align:top}
th{font-weight:600;color:#59636e;white-space:nowrap}
td code{font-size:.85rem;overflow-wrap:anywhere}
td.when{white-space:nowrap}
th.num,td.num{text-align:right}
.sev{display:inline-block;padding:0 8px;border-radius:10px;font-size:.8rem;font-weight:600;white-space:nowrap;color:#fff;background:#6e7781}
.more{color:#59636e;font-size:.85rem;margin:.5rem 0 0}
.none{color:#59636e}
@media (max-width:640px){body{font-size:14px}.page{padding:12px 10px}h1{font-size:1.25rem}.verdict{font-size:1rem}section{padding:10px 10px}.cards{grid-template-columns:repeat(2,1fr)}.chart svg{min-width:480px}
.table table,.table tbody,.table tr,.table td{display:block}.table thead{display:none}.table tr{padding:8px 0;border-bottom:1px solid #e6e9ed}.table td{border:0;padding:1px 0}.table td.when{white-space:normal}
.table td[data-label]{display:inline-block;margin-right:14px;color:#59636e;font-size:.85rem}.table td[data-label]::before{content:attr(data-label) \": \"}}
",
    );
    for (severity, colour) in SEVERITIES.iter().zip(SEVERITY_COLOURS) {
        let text = if matches!(*severity, "high" | "medium") {
            "#1f2328"
        } else {
            "#fff"
        };
        let _ = writeln!(
            css,
            ".sev-{severity}{{background:{colour};color:{text}}}\n.cards div.c-{severity}{{border-left-color:{colour}}}"
        );
    }
    css
}

/// The summary numbers.
fn cards(h: &mut String, view: &HistoryView, facts: &Facts<'_>) {
    h.push_str("<dl class=\"cards\">\n");
    let card = |h: &mut String, class: &str, label: &str, value: &str| {
        let _ = writeln!(
            h,
            "<div class=\"{class}\"><dt>{}</dt><dd>{value}</dd></div>",
            esc(label)
        );
    };
    card(h, "", "runs", &view.runs.len().to_string());
    for w in &facts.workspaces {
        let label = if facts.workspaces.len() > 1 {
            format!("score, {}", w.name)
        } else {
            "score".to_owned()
        };
        card(
            h,
            "",
            &label,
            &format!(
                "{}<small>/100, was {}</small>",
                w.latest().score,
                w.first().score
            ),
        );
    }
    for (severity, count) in SEVERITIES.iter().zip(facts.open_now()) {
        card(
            h,
            &format!("c-{severity}"),
            &format!("open {severity}"),
            &count.to_string(),
        );
    }
    card(h, "", "new in the window", &view.new.len().to_string());
    card(
        h,
        "",
        "resolved in the window",
        &view.resolved.len().to_string(),
    );
    card(h, "", "MTTR", &esc(&mttr_text(view.mttr_hours)));
    for (name, hours) in facts.mttr_by_workspace(view) {
        card(
            h,
            "",
            &format!("MTTR, {name}"),
            &esc(&mttr_text(Some(hours))),
        );
    }
    h.push_str("</dl>\n");
}

/// The chart's drawing area, in the SVG's user units.
const CHART_WIDTH: f64 = 800.0;
const CHART_HEIGHT: f64 = 300.0;
const LEFT: f64 = 48.0;
/// Room for half of a date label centred on the last point.
const RIGHT: f64 = 44.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 44.0;

#[allow(clippy::cast_precision_loss)]
fn as_f64(n: u64) -> f64 {
    n as f64
}

/// The score over time: one line per workspace, 0–100, dates along the bottom.
fn score_chart(h: &mut String, facts: &Facts<'_>) {
    h.push_str("<section>\n<h2>Score over time</h2>\n");
    if facts.workspaces.len() > 1 {
        h.push_str("<ul class=\"legend\">\n");
        for (i, w) in facts.workspaces.iter().enumerate() {
            let _ = writeln!(
                h,
                "<li><span class=\"line\" style=\"border-top-color:{};border-top-style:{}\"></span>{}</li>",
                WORKSPACE_COLOURS[i % WORKSPACE_COLOURS.len()],
                if WORKSPACE_DASHES[i % WORKSPACE_DASHES.len()].is_empty() {
                    "solid"
                } else {
                    "dashed"
                },
                esc(w.name)
            );
        }
        h.push_str("</ul>\n");
    }
    let all: Vec<&RunPoint> = facts
        .workspaces
        .iter()
        .flat_map(|w| w.runs.iter().copied())
        .collect();
    // Time along x; runs whose time does not parse fall back to their order.
    let instants: Vec<Option<i64>> = all.iter().map(|r| unix_seconds(&r.time)).collect();
    let by_index = instants.iter().any(Option::is_none);
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by(|&a, &b| time_order(&all[a].time, &all[b].time));
    let mut position = vec![0.0; all.len()];
    for (rank, &i) in order.iter().enumerate() {
        position[i] = if by_index {
            as_f64(rank as u64)
        } else {
            #[allow(clippy::cast_precision_loss)]
            let t = instants[i].unwrap_or_default() as f64;
            t
        };
    }
    let (lo, hi) = position
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &p| (lo.min(p), hi.max(p)));
    let plot_w = CHART_WIDTH - LEFT - RIGHT;
    let plot_h = CHART_HEIGHT - TOP - BOTTOM;
    let x = |p: f64| {
        if hi > lo {
            LEFT + 12.0 + (p - lo) / (hi - lo) * (plot_w - 24.0)
        } else {
            LEFT + plot_w / 2.0
        }
    };
    let y = |score: u32| TOP + plot_h * (1.0 - f64::from(score.min(100)) / 100.0);

    let _ = writeln!(
        h,
        "<div class=\"chart\"><svg viewBox=\"0 0 {CHART_WIDTH} {CHART_HEIGHT}\" role=\"img\" \
         aria-label=\"score over time, 0 to 100\">"
    );
    for tick in [0, 25, 50, 75, 100] {
        let ty = y(tick);
        let _ = writeln!(
            h,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"#e1e4e8\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"13\" fill=\"#59636e\">{tick}</text>",
            CHART_WIDTH - RIGHT,
            LEFT - 8.0,
            ty + 4.0
        );
    }
    // One date label per UTC day, at its first run, thinned to about eight.
    let mut days: Vec<(&str, f64)> = Vec::new();
    for &i in &order {
        let day = date(&all[i].time);
        if days.last().is_none_or(|(d, _)| *d != day) {
            days.push((day, x(position[i])));
        }
    }
    let step = days.len().div_ceil(8).max(1);
    for (day, dx) in days.iter().step_by(step) {
        let _ = writeln!(
            h,
            "<line x1=\"{dx:.1}\" x2=\"{dx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#8c959f\"/>\
             <text x=\"{dx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#59636e\">{}</text>",
            TOP + plot_h,
            TOP + plot_h + 5.0,
            TOP + plot_h + 22.0,
            esc(day)
        );
    }
    let _ = writeln!(
        h,
        "<line x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{:.1}\" stroke=\"#8c959f\"/>",
        TOP + plot_h
    );
    let mut offset = 0;
    for (wi, w) in facts.workspaces.iter().enumerate() {
        let colour = WORKSPACE_COLOURS[wi % WORKSPACE_COLOURS.len()];
        let dash = WORKSPACE_DASHES[wi % WORKSPACE_DASHES.len()];
        let points: Vec<(f64, f64, &RunPoint)> = w
            .runs
            .iter()
            .enumerate()
            .map(|(ri, r)| (x(position[offset + ri]), y(r.score), *r))
            .collect();
        offset += w.runs.len();
        let path: Vec<String> = points
            .iter()
            .map(|(px, py, _)| format!("{px:.1},{py:.1}"))
            .collect();
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        let _ = writeln!(
            h,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"3\" \
             stroke-linejoin=\"round\"{dash}/>",
            path.join(" ")
        );
        for (px, py, run) in &points {
            let _ = writeln!(
                h,
                "<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"4.5\" fill=\"{colour}\"><title>{}, {}: \
                 score {}</title></circle>",
                esc(&date_time(&run.time)),
                esc(&run.workspace),
                run.score
            );
        }
    }
    h.push_str("</svg></div>\n</section>\n");
}

/// A round axis maximum at or above `max`, and its tick step (four or five ticks).
fn axis(max: u64) -> (u64, u64) {
    let mut step = 1;
    'outer: loop {
        for m in [1, 2, 5] {
            if step * m * 5 >= max {
                step *= m;
                break 'outer;
            }
        }
        step *= 10;
    }
    (max.div_ceil(step).max(1) * step, step)
}

/// Open drift by severity per run, stacked; runs grouped by workspace.
fn severity_chart(h: &mut String, facts: &Facts<'_>) {
    h.push_str("<section>\n<h2>Open drift by severity, per run</h2>\n<ul class=\"legend\">\n");
    for (severity, colour) in SEVERITIES.iter().zip(SEVERITY_COLOURS) {
        let _ = writeln!(
            h,
            "<li><span class=\"swatch\" style=\"background:{colour}\"></span>{severity}</li>"
        );
    }
    h.push_str("</ul>\n");
    let count = |r: &RunPoint, s: &str| r.by_severity.get(s).copied().unwrap_or(0);
    let total = |r: &RunPoint| SEVERITIES.iter().map(|s| count(r, s)).sum::<u64>();
    let max = facts
        .workspaces
        .iter()
        .flat_map(|w| w.runs.iter())
        .map(|r| total(r))
        .max()
        .unwrap_or(0);
    let (top, step) = axis(max);
    let several = facts.workspaces.len() > 1;
    let bottom = if several { BOTTOM + 18.0 } else { BOTTOM };
    let plot_w = CHART_WIDTH - LEFT - RIGHT;
    let plot_h = CHART_HEIGHT - TOP - bottom;
    // Slots: one per run, and one empty slot between workspaces.
    let slots: usize = facts.workspaces.iter().map(|w| w.runs.len()).sum::<usize>()
        + facts.workspaces.len().saturating_sub(1);
    let slot_w = plot_w / as_f64(slots.max(1) as u64);
    let bar_w = (slot_w * 0.7).min(60.0);
    let y = |n: u64| TOP + plot_h * (1.0 - as_f64(n) / as_f64(top));

    let _ = writeln!(
        h,
        "<div class=\"chart\"><svg viewBox=\"0 0 {CHART_WIDTH} {CHART_HEIGHT}\" role=\"img\" \
         aria-label=\"open drift by severity per run\">"
    );
    let mut tick = 0;
    while tick <= top {
        let ty = y(tick);
        let _ = writeln!(
            h,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"#e1e4e8\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"13\" fill=\"#59636e\">{tick}</text>",
            CHART_WIDTH - RIGHT,
            LEFT - 8.0,
            ty + 4.0
        );
        tick += step;
    }
    let label_every = (slots / 12).max(1);
    let mut slot = 0_usize;
    for w in &facts.workspaces {
        let group_start = slot;
        for (ri, run) in w.runs.iter().enumerate() {
            let cx = LEFT + slot_w * (as_f64(slot as u64) + 0.5);
            let mut base = 0;
            for (severity, colour) in SEVERITIES.iter().zip(SEVERITY_COLOURS) {
                let n = count(run, severity);
                if n == 0 {
                    continue;
                }
                let (y1, y0) = (y(base + n), y(base));
                let _ = writeln!(
                    h,
                    "<rect x=\"{:.1}\" y=\"{y1:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\" \
                     fill=\"{colour}\"><title>{}, {}: {n} {severity}</title></rect>",
                    cx - bar_w / 2.0,
                    y0 - y1,
                    esc(&date_time(&run.time)),
                    esc(&run.workspace)
                );
                base += n;
            }
            let _ = writeln!(
                h,
                "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" \
                 fill=\"#1f2328\">{base}</text>",
                y(base) - 5.0
            );
            if ri % label_every == 0 {
                let _ = writeln!(
                    h,
                    "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" \
                     fill=\"#59636e\">{}</text>",
                    TOP + plot_h + 18.0,
                    esc(date(&run.time).get(5..).unwrap_or(&run.time))
                );
            }
            slot += 1;
        }
        if several {
            let gx = LEFT + slot_w * (as_f64(group_start as u64) + as_f64(slot as u64)) / 2.0;
            let _ = writeln!(
                h,
                "<text x=\"{gx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"14\" \
                 font-weight=\"600\" fill=\"#1f2328\">{}</text>",
                TOP + plot_h + 40.0,
                esc(w.name)
            );
        }
        slot += 1;
    }
    let _ = writeln!(
        h,
        "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#8c959f\"/>",
        CHART_WIDTH - RIGHT,
        TOP + plot_h,
        TOP + plot_h
    );
    h.push_str("</svg></div>\n</section>\n");
}

/// A list of findings as a table.
fn item_table(
    h: &mut String,
    heading: &str,
    items: &[DriftItem],
    (several, skip_empty): (bool, bool),
    (when_heading, when): (&str, When),
) {
    if items.is_empty() && skip_empty {
        return;
    }
    let _ = writeln!(h, "<section>\n<h2>{} ({})</h2>", esc(heading), items.len());
    if items.is_empty() {
        h.push_str("<p class=\"none\">None.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<div class=\"table\"><table>\n<thead><tr><th>severity</th><th>resource</th><th>kind</th>",
    );
    if several {
        h.push_str("<th>workspace</th>");
    }
    let _ = writeln!(h, "<th>{}</th></tr></thead>\n<tbody>", esc(when_heading));
    for item in items.iter().take(HTML_LIST_MAX) {
        let severity = severity_name(item);
        let class = if SEVERITIES.contains(&severity) {
            format!("sev sev-{severity}")
        } else {
            "sev".to_owned()
        };
        let _ = write!(
            h,
            "<tr><td><span class=\"{class}\">{}</span></td><td><code>{}</code></td><td \
             data-label=\"kind\">{}</td>",
            esc(severity),
            esc(&item.subject),
            esc(&item.kind)
        );
        if several {
            let _ = write!(
                h,
                "<td data-label=\"workspace\">{}</td>",
                esc(&item.workspace)
            );
        }
        let _ = writeln!(
            h,
            "<td class=\"when\" data-label=\"{}\">{}</td></tr>",
            esc(when_heading),
            esc(&when(item))
        );
    }
    h.push_str("</tbody></table></div>\n");
    if items.len() > HTML_LIST_MAX {
        let _ = writeln!(
            h,
            "<p class=\"more\">… and {} more; the JSON report has them all.</p>",
            items.len() - HTML_LIST_MAX
        );
    }
    h.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(time: &str, workspace: &str, score: u32, counts: [u64; 4]) -> RunPoint {
        RunPoint {
            time: time.to_owned(),
            workspace: workspace.to_owned(),
            score,
            by_severity: SEVERITIES
                .iter()
                .zip(counts)
                .map(|(s, n)| ((*s).to_owned(), n))
                .collect(),
        }
    }

    fn item(
        workspace: &str,
        subject: &str,
        kind: &str,
        severity: Option<&str>,
        first_seen: &str,
    ) -> DriftItem {
        DriftItem {
            workspace: workspace.to_owned(),
            subject: subject.to_owned(),
            kind: kind.to_owned(),
            severity: severity.map(str::to_owned),
            first_seen: first_seen.to_owned(),
            resolved_at: None,
            age_days: None,
        }
    }

    fn resolved(mut item: DriftItem, at: &str) -> DriftItem {
        item.resolved_at = Some(at.to_owned());
        item
    }

    fn aged(mut item: DriftItem, days: f64) -> DriftItem {
        item.age_days = Some(days);
        item
    }

    const D1: &str = "2026-11-01T02:00:00Z";
    const D2: &str = "2026-11-02T02:00:00Z";
    const D3: &str = "2026-11-03T02:00:00Z";
    const P1: &str = "2026-11-01T03:30:00Z";
    const P2: &str = "2026-11-02T03:30:00Z";
    const P3: &str = "2026-11-03T03:30:00Z";
    const NASTY: &str = "aws_s3_bucket.logs[\"<script>alert('x')</script> & co\"]";

    /// Three nights, two workspaces, every severity, and a subject that must be escaped.
    fn fixture() -> HistoryView {
        HistoryView {
            workspace: None,
            since: "2026-11-01T00:00:00Z".to_owned(),
            generated: "2026-11-03T06:00:00Z".to_owned(),
            runs: vec![
                run(D1, "default", 72, [0, 1, 2, 3]),
                run(P1, "prod", 90, [0, 0, 1, 1]),
                run(D2, "default", 64, [1, 1, 2, 2]),
                run(P2, "prod", 85, [0, 1, 1, 1]),
                run(D3, "default", 41, [3, 2, 1, 2]),
                run(P3, "prod", 88, [0, 0, 1, 2]),
            ],
            new_per_day: vec![
                (
                    "2026-11-02".to_owned(),
                    BTreeMap::from([("critical".to_owned(), 1)]),
                ),
                (
                    "2026-11-03".to_owned(),
                    BTreeMap::from([("critical".to_owned(), 2), ("low".to_owned(), 1)]),
                ),
            ],
            mttr_hours: Some(30.5),
            new: vec![
                item(
                    "default",
                    "aws_security_group.web",
                    "changed",
                    Some("critical"),
                    D3,
                ),
                item(
                    "default",
                    "aws_iam_role.deploy",
                    "changed",
                    Some("critical"),
                    D3,
                ),
                item("prod", NASTY, "unmanaged", Some("low"), P3),
                item(
                    "default",
                    "aws_instance.bastion",
                    "changed",
                    Some("critical"),
                    D2,
                ),
                item("prod", "aws_subnet.public[1]", "changed", Some("high"), P2),
            ],
            resolved: vec![
                resolved(
                    item("prod", "aws_subnet.public[1]", "changed", Some("high"), P2),
                    P3,
                ),
                resolved(
                    item(
                        "default",
                        "aws_s3_bucket.assets",
                        "missing",
                        Some("medium"),
                        "2026-10-20T02:00:00Z",
                    ),
                    D3,
                ),
                resolved(
                    item("default", "aws_eip.nat", "changed", Some("low"), D1),
                    D2,
                ),
            ],
            open: vec![
                aged(
                    item(
                        "default",
                        "aws_db_instance.main",
                        "changed",
                        Some("medium"),
                        "2026-10-14T02:00:00Z",
                    ),
                    20.0,
                ),
                aged(
                    item(
                        "prod",
                        "aws_lambda_function.worker",
                        "changed",
                        None,
                        "2026-10-20T03:30:00Z",
                    ),
                    14.0,
                ),
                aged(item("prod", NASTY, "unmanaged", Some("low"), P3), 0.1),
                aged(
                    item(
                        "default",
                        "aws_security_group.web",
                        "changed",
                        Some("critical"),
                        D3,
                    ),
                    0.0,
                ),
            ],
        }
    }

    fn empty() -> HistoryView {
        HistoryView {
            workspace: Some("default".to_owned()),
            since: "2026-11-01T00:00:00Z".to_owned(),
            generated: "2026-11-03T06:00:00Z".to_owned(),
            runs: Vec::new(),
            new_per_day: Vec::new(),
            mttr_hours: None,
            new: Vec::new(),
            resolved: Vec::new(),
            open: Vec::new(),
        }
    }

    fn markdown(view: &HistoryView) -> String {
        let mut out = Vec::new();
        render_history_markdown(view, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn html(view: &HistoryView) -> String {
        let mut out = Vec::new();
        render_history_html(view, &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .replace(&format!("plumb {PLUMB_VERSION}<"), "plumb [version]<")
    }

    #[test]
    fn markdown_snapshot() {
        insta::assert_snapshot!(markdown(&fixture()));
    }

    #[test]
    fn markdown_empty() {
        insta::assert_snapshot!(markdown(&empty()));
    }

    #[test]
    fn html_snapshot() {
        insta::assert_snapshot!(html(&fixture()));
    }

    #[test]
    fn html_empty() {
        let page = html(&empty());
        assert!(page.contains("No runs recorded in this window"), "{page}");
        assert_well_formed(&page);
        insta::assert_snapshot!(page);
    }

    #[test]
    fn verdict_speaks_of_the_previous_run() {
        let view = fixture();
        assert_eq!(
            Facts::new(&view).verdict(&view),
            "2 new critical and 1 new low since each workspace's previous run, 3 resolved, the \
             oldest open drift is 20 days old"
        );
        let mut one = fixture();
        one.workspace = Some("default".to_owned());
        one.runs.retain(|r| r.workspace == "default");
        one.new.retain(|i| i.workspace == "default");
        one.resolved.clear();
        one.open.clear();
        assert_eq!(
            Facts::new(&one).verdict(&one),
            "2 new critical since the previous run, none resolved, no drift open"
        );
        let md = markdown(&one);
        assert!(
            md.starts_with("## plumb: drift since 2026-11-01 (workspace default)\n"),
            "{md}"
        );
        assert!(!md.contains("workspace `default`"), "{md}");
    }

    #[test]
    fn markdown_lists_stop_at_twenty() {
        let mut view = fixture();
        view.open = (0..25)
            .map(|i| {
                aged(
                    item(
                        "default",
                        &format!("aws_instance.n{i}"),
                        "changed",
                        Some("low"),
                        D1,
                    ),
                    2.0,
                )
            })
            .collect();
        let md = markdown(&view);
        assert!(md.contains("### Oldest open (25)"), "{md}");
        assert!(md.contains("`aws_instance.n19`"), "{md}");
        assert!(!md.contains("`aws_instance.n20`"), "{md}");
        assert!(
            md.contains("- … and 5 more (the JSON report has them all)"),
            "{md}"
        );
    }

    #[test]
    fn subjects_are_escaped() {
        let page = html(&fixture());
        assert!(!page.contains("<script"), "{page}");
        assert!(
            page.contains("aws_s3_bucket.logs[&quot;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co&quot;]"),
            "{page}"
        );
        let md = markdown(&fixture());
        // In a code span, which GitHub renders as text.
        assert!(md.contains(&format!("`{NASTY}`")), "{md}");
        assert_eq!(esc("&<>\"'"), "&amp;&lt;&gt;&quot;&#39;");
    }

    /// Every hostile string as HTML text: no tag, no raw control or bidi character.
    #[test]
    fn html_from_input_is_text_only() {
        let escaped: Vec<String> = crate::escape::tests::HOSTILE
            .iter()
            .map(|text| esc(text))
            .collect();
        for (text, html) in crate::escape::tests::HOSTILE.iter().zip(&escaped) {
            assert!(
                !html.contains('<') && !html.contains('>') && !html.contains('"'),
                "{text:?}: {html:?}"
            );
            assert!(
                !html.chars().any(crate::escape::is_hazard),
                "{text:?}: {html:?}"
            );
        }
        insta::assert_snapshot!(escaped.join("\n"));
    }

    /// Every `src=`/`href=` value of the page, quoted or not.
    fn links(page: &str) -> Vec<&str> {
        let mut found = Vec::new();
        for attr in ["src=", "href="] {
            for (at, _) in page.match_indices(attr) {
                let rest = page[at + attr.len()..].trim_start_matches(['"', '\'']);
                let end = rest
                    .find(|c: char| c == '"' || c == '\'' || c == '>' || c.is_whitespace())
                    .unwrap_or(rest.len());
                found.push(&rest[..end]);
            }
        }
        found
    }

    fn assert_well_formed(page: &str) {
        assert!(
            page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{page}"
        );
        assert!(page.ends_with("</html>\n"), "{page}");
        assert_eq!(page.matches("<html").count(), 1);
        assert_eq!(page.matches("</html>").count(), 1);
        for tag in [
            "svg", "section", "table", "div", "ul", "dl", "main", "header", "body", "head",
        ] {
            assert_eq!(
                page.matches(&format!("<{tag}>")).count()
                    + page.matches(&format!("<{tag} ")).count(),
                page.matches(&format!("</{tag}>")).count(),
                "<{tag}> opened and closed"
            );
        }
        for link in links(page) {
            let lower = link.to_ascii_lowercase();
            assert!(
                !lower.starts_with("http://")
                    && !lower.starts_with("https://")
                    && !lower.starts_with("//"),
                "external asset {link}"
            );
        }
        assert!(!page.contains("<script"), "no scripts");
    }

    #[test]
    fn html_is_self_contained_and_well_formed() {
        let page = html(&fixture());
        assert_well_formed(&page);
        assert_eq!(page.matches("<svg").count(), 2);
        assert!(page.contains("<style>"));
        // One line per workspace, a bar segment per non-zero count.
        assert_eq!(page.matches("<polyline").count(), 2);
        assert_eq!(page.matches("<rect").count(), 3 + 2 + 4 + 3 + 4 + 2);
        // The check itself finds links.
        assert_eq!(
            links("<a href=\"https://x\">x</a><img src='http://y'>"),
            ["http://y", "https://x"]
        );
    }

    #[test]
    fn unix_seconds_reads_rfc3339() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-11-03T02:00:00Z"), Some(1_793_671_200));
        assert_eq!(unix_seconds("2000-03-01T00:00:01Z"), Some(951_868_801));
        assert_eq!(unix_seconds("yesterday"), None);
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(8), (8, 2));
        assert_eq!(axis(23), (25, 5));
    }
}
