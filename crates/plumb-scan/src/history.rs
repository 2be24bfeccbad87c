//! The history of a scan: each workspace's run recorded, and each drift finding marked new or
//! open since when; what went away since each workspace's previous run.

use plumb_model::Severity;

use crate::error::{Error, invalid};

/// Records the run in the history at `path` and marks each drift finding `new` or `open` with
/// its `first_seen`; returns what went away since each workspace's previous run. With one
/// name, every finding is that workspace's; with several (a scan over many), each finding goes
/// to the run of its own workspace, all in one transaction. A run whose reads failed is not
/// recorded: what it could not read would look resolved.
pub(crate) fn record_history(
    path: &std::path::Path,
    scope: &HistoryScope<'_>,
    result: &mut plumb_drift::ScanOutput,
    workspaces: &mut [plumb_model::WorkspaceSummary],
) -> Result<Vec<plumb_model::ResolvedFinding>, Error> {
    if let Some(why) = scope.partial {
        result.warnings.push(format!(
            "{}: this run is not recorded in the history: {why}",
            path.display()
        ));
        return Ok(Vec::new());
    }
    let names = scope.names;
    // Unmanaged objects are looked for only when the reads listed everything.
    let not_looked_for = if scope.managed_only {
        vec![plumb_model::Kind::Unmanaged.as_str().to_owned()]
    } else {
        Vec::new()
    };
    let mut history = plumb_history::History::open(path)?;
    let time = scope.now;
    let owner = |finding: &plumb_model::Finding| {
        if names.len() == 1 {
            Some(0)
        } else {
            names.iter().position(|n| *n == finding.workspace)
        }
    };
    // Per run: the indexes of its drift findings, then its record.
    let mut drift: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (i, finding) in result.findings.iter().enumerate() {
        if is_drift(finding)
            && let Some(run) = owner(finding)
        {
            drift[run].push(i);
        }
    }
    let mut runs = Vec::with_capacity(names.len());
    for (run, name) in names.iter().enumerate() {
        let summary = if names.len() == 1 {
            result.summary.clone()
        } else if let Some(w) = workspaces.iter().find(|w| w.workspace == *name) {
            w.summary.clone()
        } else {
            unmanaged_summary(
                &result.summary,
                drift[run].iter().map(|&i| &result.findings[i]),
            )
        };
        runs.push(plumb_history::Run {
            time,
            workspace: name.clone(),
            score: u32::from(summary.score),
            plumb_version: env!("CARGO_PKG_VERSION").to_owned(),
            summary_json: serde_json::to_string(&summary)
                .map_err(|e| invalid(format!("the run's summary: {e}")))?,
            not_looked_for: not_looked_for.clone(),
        });
    }
    let observed: Vec<Vec<plumb_history::Observed>> = drift
        .iter()
        .map(|indexes| {
            indexes
                .iter()
                .map(|&i| plumb_history::Observed::from_finding(&result.findings[i]))
                .collect()
        })
        .collect();
    let batch: Vec<(&plumb_history::Run, &[plumb_history::Observed])> = runs
        .iter()
        .zip(&observed)
        .map(|(run, observed)| (run, observed.as_slice()))
        .collect();
    let recorded = history.record_all(&batch)?;
    let (mut new_total, mut resolved_total) = (0, 0);
    let mut resolved = Vec::new();
    for ((name, indexes), recorded) in names.iter().zip(&drift).zip(&recorded) {
        let mut new = 0;
        for (&i, status) in indexes.iter().zip(&recorded.findings) {
            let finding = &mut result.findings[i];
            finding.first_seen = Some(plumb_history::format_time(status.first_seen));
            finding.status = Some(status.finding_status());
            new += usize::from(status.is_new);
        }
        if let Some(w) = workspaces.iter_mut().find(|w| w.workspace == *name) {
            w.summary.new = Some(new);
            w.summary.resolved = Some(recorded.resolved.len());
        }
        new_total += new;
        resolved_total += recorded.resolved.len();
        resolved.extend(
            recorded
                .resolved
                .iter()
                .map(plumb_history::Resolved::to_model),
        );
    }
    result.summary.new = Some(new_total);
    result.summary.resolved = Some(resolved_total);
    Ok(resolved)
}

/// The history's summary of the objects no workspace manages: their counts and score.
fn unmanaged_summary<'a>(
    total: &plumb_model::Summary,
    findings: impl Iterator<Item = &'a plumb_model::Finding>,
) -> plumb_model::Summary {
    let mut summary = plumb_model::Summary {
        coverage: total.coverage,
        ..plumb_model::Summary::default()
    };
    for finding in findings {
        summary.unmanaged += 1;
        if let Some(severity) = finding.severity {
            summary.by_severity.add(severity);
        }
    }
    summary.score = plumb_drift::score::score(&summary);
    summary
}

/// Which runs a scan records in the history, and whether it may.
pub(crate) struct HistoryScope<'a> {
    /// One workspace's run each (with several, `*` for the objects none of them manages).
    pub(crate) names: &'a [String],
    /// Why the scan may not be recorded, when it may not.
    pub(crate) partial: Option<&'a str>,
    /// The reads asked for the states' ids only: no unmanaged object was looked for.
    pub(crate) managed_only: bool,
    /// The run's time, unix seconds.
    pub(crate) now: i64,
}

/// What history counts as drift: changed, missing and unmanaged findings above noise.
pub fn is_drift(finding: &plumb_model::Finding) -> bool {
    use plumb_model::Kind;
    matches!(
        finding.kind,
        Kind::Changed | Kind::Missing | Kind::Unmanaged
    ) && finding.severity.is_some_and(|s| s > Severity::Benign)
}
