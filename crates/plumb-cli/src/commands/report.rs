//! `plumb report`: the nightly report, drift over time from the `--history` database.

use anyhow::{Result, bail};
use plumb_history::{Episode, History, format_time, parse_since};
use plumb_report::history::{DriftItem, HistoryView, RunPoint, SEVERITIES};

use crate::cli::ReportArgs;
use crate::formats::Report;
use crate::{exit, output};

pub fn run(args: &ReportArgs) -> Result<u8> {
    if !args.history.is_file() {
        bail!(
            "{}: no history database (plumb scan --history writes one)",
            args.history.display()
        );
    }
    let now = crate::clock::now()?;
    let since = parse_since(&args.since, now)?;
    let history = History::open(&args.history)?;
    let metrics = history.metrics(args.workspace.as_deref(), since)?;

    let runs = metrics
        .scores
        .iter()
        .map(|point| RunPoint {
            time: format_time(point.time),
            workspace: point.workspace.clone(),
            score: point.score,
            by_severity: SEVERITIES
                .iter()
                .map(|s| {
                    let count = metrics
                        .by_severity
                        .get(&point.run_id)
                        .and_then(|m| m.get(*s))
                        .copied()
                        .unwrap_or(0);
                    ((*s).to_owned(), count)
                })
                .collect(),
        })
        .collect();
    let item = |e: &Episode| DriftItem {
        workspace: e.workspace.clone(),
        subject: e.subject.clone(),
        kind: e.kind.clone(),
        severity: e.severity.clone(),
        first_seen: format_time(e.first_seen),
        resolved_at: e.resolved_at.map(format_time),
        age_days: None,
    };
    #[allow(clippy::cast_precision_loss)]
    let open_item = |o: &plumb_history::OpenFinding| DriftItem {
        age_days: Some(o.age_seconds as f64 / 86_400.0),
        ..item(&o.episode)
    };
    #[allow(clippy::cast_precision_loss)]
    let view = HistoryView {
        workspace: args.workspace.clone(),
        since: format_time(since),
        generated: format_time(now),
        runs,
        new_per_day: metrics
            .new_per_day
            .iter()
            .map(|(day, counts)| (format_time(*day)[..10].to_owned(), counts.clone()))
            .collect(),
        mttr_hours: metrics.mttr_seconds.map(|s| s / 3600.0),
        new: metrics.began.iter().map(item).collect(),
        resolved: metrics.ended.iter().map(item).collect(),
        open: metrics.open.iter().map(open_item).collect(),
    };
    let target = output::Target {
        format: args.format,
        path: args.output.clone(),
    };
    output::emit(&[target], &Report::History(&view))?;
    Ok(exit::OK)
}
