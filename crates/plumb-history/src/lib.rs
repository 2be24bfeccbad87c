//! The history of runs and findings, in one `SQLite` file.
//!
//! Each [`History::record`] call stores one run of one workspace and follows its findings by
//! fingerprint: a finding stays *open* from the first run that has it (`first_seen`) to the first
//! later run of the same workspace that does not (`resolved_at`). One such stretch is an
//! *episode*; a finding that comes back after being resolved starts a new one, so `first_seen`
//! always dates the drift now present and time to remediation is measured per episode. Because
//! every run resolves the open findings it lacks, the open findings of a workspace are exactly
//! those of its previous run, and "new" means "not in the previous run".
//!
//! A run is written in one transaction: it is recorded whole or not at all. The schema is
//! versioned with `PRAGMA user_version` and marked with `PRAGMA application_id`, so that a newer
//! plumb's file, or another program's database, is refused rather than misread.
//!
//! This crate stores and queries; it prints nothing and knows nothing of the report formats.

mod error;
mod time;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use plumb_model::{Finding, FindingStatus, ResolvedFinding};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

pub use self::time::{format_time, parse_since};
pub use error::HistoryError;

/// The schema version this plumb writes and reads (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;

/// `PRAGMA application_id` of a plumb history: "plmb" in ASCII.
const APPLICATION_ID: i64 = 0x706c_6d62;

/// How long a run waits for another run's lock before giving up, unless told otherwise.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The severity key of findings that have none (`not_checked`) in [`Metrics::new_per_day`].
pub const NO_SEVERITY: &str = "none";

const SCHEMA: &str = "
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    workspace TEXT NOT NULL,
    score INTEGER NOT NULL,
    plumb_version TEXT NOT NULL,
    summary TEXT NOT NULL
) STRICT;
CREATE INDEX runs_by_workspace ON runs (workspace, id);
CREATE INDEX runs_by_time ON runs (time);

-- One row per episode of a finding: from the run that first had it to the run that lacked it.
CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT,
    reason TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    first_run INTEGER NOT NULL REFERENCES runs (id),
    last_seen INTEGER NOT NULL,
    last_run INTEGER NOT NULL REFERENCES runs (id),
    resolved_at INTEGER,
    resolved_run INTEGER REFERENCES runs (id)
) STRICT;
CREATE UNIQUE INDEX findings_open ON findings (workspace, fingerprint) WHERE resolved_at IS NULL;
CREATE INDEX findings_by_first_seen ON findings (first_seen);
CREATE INDEX findings_by_resolved_at ON findings (resolved_at);

-- Which episodes each run saw, with the severity they had in that run.
CREATE TABLE run_findings (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    finding_id INTEGER NOT NULL REFERENCES findings (id),
    severity TEXT,
    PRIMARY KEY (run_id, finding_id)
) STRICT, WITHOUT ROWID;
";

/// An open history database.
#[derive(Debug)]
pub struct History {
    conn: Connection,
    path: PathBuf,
}

/// One run to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Unix seconds.
    pub time: i64,
    pub workspace: String,
    /// 0–100, the summary's score.
    pub score: u32,
    pub plumb_version: String,
    /// The report's `summary`, as JSON text.
    pub summary_json: String,
    /// Kinds of finding this run did not look for (`unmanaged`, in a scan that read only the
    /// state's ids): their open findings stay open rather than look resolved.
    pub not_looked_for: Vec<String>,
}

/// One finding of a run, as the history keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    pub fingerprint: String,
    /// The address, or the type and id of an unmanaged object.
    pub subject: String,
    pub kind: String,
    /// `None` for `not_checked`.
    pub severity: Option<String>,
    pub reason: String,
}

impl Observed {
    /// What the history keeps of a finding of the drift engine.
    pub fn from_finding(finding: &Finding) -> Observed {
        let subject = match &finding.address {
            Some(address) => address.to_string(),
            None => match &finding.id {
                Some(id) => format!("{} {id}", finding.r#type),
                None => finding.r#type.clone(),
            },
        };
        Observed {
            fingerprint: finding.fingerprint.clone(),
            subject,
            kind: finding.kind.as_str().to_owned(),
            severity: finding.severity.map(|s| s.as_str().to_owned()),
            reason: finding.reason.clone(),
        }
    }
}

/// What one recorded run changed against the previous run of its workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub run_id: i64,
    /// The workspace's previous run; `None` for its first, where every finding is new.
    pub previous_run: Option<i64>,
    /// One per finding given to [`History::record`], in the same order.
    pub findings: Vec<Status>,
    /// Open findings of the workspace that this run no longer has, oldest first.
    pub resolved: Vec<Resolved>,
}

/// A recorded finding's place in its workspace's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub fingerprint: String,
    /// Unix seconds: the run that began this episode.
    pub first_seen: i64,
    /// Not in the workspace's previous run.
    pub is_new: bool,
}

impl Status {
    /// As the report says it.
    pub fn finding_status(&self) -> FindingStatus {
        if self.is_new {
            FindingStatus::New
        } else {
            FindingStatus::Open
        }
    }
}

/// A finding of the previous run that the recorded run no longer has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub fingerprint: String,
    pub workspace: String,
    pub subject: String,
    pub kind: String,
    pub severity: Option<String>,
    /// Unix seconds.
    pub first_seen: i64,
    /// Unix seconds: the time of the run that no longer had it.
    pub resolved_at: i64,
}

impl Resolved {
    /// As the report says it (times in RFC 3339).
    pub fn to_model(&self) -> ResolvedFinding {
        ResolvedFinding {
            fingerprint: self.fingerprint.clone(),
            workspace: self.workspace.clone(),
            subject: self.subject.clone(),
            kind: self.kind.clone(),
            severity: self.severity.clone(),
            first_seen: format_time(self.first_seen),
            resolved_at: format_time(self.resolved_at),
        }
    }
}

/// Trends of one workspace, or of all, since a time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Runs since the time.
    pub runs: u64,
    /// Episodes begun since the time, per UTC day (its start, unix seconds) and severity
    /// ([`NO_SEVERITY`] for none), oldest day first; days without new findings are left out.
    pub new_per_day: Vec<(i64, BTreeMap<String, u64>)>,
    /// Episodes resolved since the time.
    pub resolved: u64,
    /// Mean seconds from `first_seen` to `resolved_at` over the episodes resolved since the
    /// time; `None` when none was.
    pub mttr_seconds: Option<f64>,
    /// Findings open now (whatever the time), oldest first.
    pub open: Vec<OpenFinding>,
    /// Each run's score since the time, in run order.
    pub scores: Vec<ScorePoint>,
    /// Each of those runs' findings by severity ([`NO_SEVERITY`] for none), by run id.
    pub by_severity: BTreeMap<i64, BTreeMap<String, u64>>,
    /// Episodes begun since the time, newest first.
    pub began: Vec<Episode>,
    /// Episodes resolved since the time, newest first.
    pub ended: Vec<Episode>,
}

/// One episode of a finding: from the run that first had it to the one that no longer did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Episode {
    pub workspace: String,
    pub fingerprint: String,
    pub subject: String,
    pub kind: String,
    pub severity: Option<String>,
    /// Unix seconds.
    pub first_seen: i64,
    /// Unix seconds; `None` while open.
    pub resolved_at: Option<i64>,
}

/// A finding still open at its workspace's last run: an episode without an end, and its age.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenFinding {
    pub episode: Episode,
    /// Seconds from `first_seen` to the workspace's last run.
    pub age_seconds: i64,
}

/// One run's score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScorePoint {
    pub run_id: i64,
    /// Unix seconds.
    pub time: i64,
    pub workspace: String,
    pub score: u32,
}

impl History {
    /// Opens the history at `path`, creating the file, its directory and the schema when they
    /// do not exist, and waits up to [`DEFAULT_BUSY_TIMEOUT`] for another run's lock.
    pub fn open(path: &Path) -> Result<History, HistoryError> {
        History::open_with_timeout(path, DEFAULT_BUSY_TIMEOUT)
    }

    /// As [`History::open`], waiting up to `busy_timeout` for a lock on every operation.
    pub fn open_with_timeout(path: &Path, busy_timeout: Duration) -> Result<History, HistoryError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.exists()
        {
            std::fs::create_dir_all(parent).map_err(|source| HistoryError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let sql = |e| HistoryError::from_sqlite(path, e);
        let conn = Connection::open(path).map_err(sql)?;
        conn.busy_timeout(busy_timeout).map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(sql)?;
        let mut history = History {
            conn,
            path: path.to_path_buf(),
        };
        history.migrate()?;
        Ok(history)
    }

    /// The file this history is stored in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self, error: rusqlite::Error) -> HistoryError {
        HistoryError::from_sqlite(&self.path, error)
    }

    fn not_plumb(&self, detail: impl Into<String>) -> HistoryError {
        HistoryError::NotADatabase {
            path: self.path.clone(),
            detail: detail.into(),
        }
    }

    /// Checks the file is a plumb history this plumb can read, creating the schema in a new one.
    fn migrate(&mut self) -> Result<(), HistoryError> {
        let (version, application_id) = Self::read_header(&self.conn).map_err(|e| self.sql(e))?;
        if version == SCHEMA_VERSION && application_id == APPLICATION_ID {
            return Ok(());
        }
        self.check_header(version, application_id)?;
        // A new file: create the schema, unless another run did so since the check above.
        let path = self.path.clone();
        let sql = |e| HistoryError::from_sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let (version, application_id) = Self::read_header(&tx).map_err(sql)?;
        if version == SCHEMA_VERSION && application_id == APPLICATION_ID {
            return Ok(());
        }
        let tables: i64 = tx
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
                [],
                |row| row.get(0),
            )
            .map_err(sql)?;
        if tables > 0 {
            return Err(HistoryError::NotADatabase {
                path: path.clone(),
                detail: "a SQLite database of another program (it has tables but no plumb schema)"
                    .to_owned(),
            });
        }
        tx.execute_batch(SCHEMA).map_err(sql)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(sql)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(sql)?;
        tx.commit().map_err(sql)
    }

    fn read_header(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
        let version = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let application_id = conn.pragma_query_value(None, "application_id", |row| row.get(0))?;
        Ok((version, application_id))
    }

    /// Refuses a header that is neither this plumb's schema nor a new, empty file.
    fn check_header(&self, version: i64, application_id: i64) -> Result<(), HistoryError> {
        if application_id != APPLICATION_ID && (application_id != 0 || version != 0) {
            return Err(self.not_plumb(format!(
                "a SQLite database of another program (application id {application_id:#x})"
            )));
        }
        if version > SCHEMA_VERSION {
            return Err(HistoryError::TooNew {
                path: self.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < 0 || (application_id == APPLICATION_ID && version == 0) {
            return Err(self.not_plumb(format!("unknown schema version {version}")));
        }
        Ok(())
    }

    /// Records one run and its findings, all or nothing: new findings begin an episode at the
    /// run's time, open ones present again are kept, open ones of the workspace that the run
    /// lacks are resolved at the run's time.
    pub fn record(&mut self, run: &Run, findings: &[Observed]) -> Result<Recorded, HistoryError> {
        let mut recorded = self.record_all(&[(run, findings)])?;
        Ok(recorded.remove(0))
    }

    /// Records the runs of several workspaces scanned together, all or nothing, in one
    /// transaction: a scan over many workspaces is one event.
    pub fn record_all(
        &mut self,
        runs: &[(&Run, &[Observed])],
    ) -> Result<Vec<Recorded>, HistoryError> {
        for (run, _) in runs {
            serde_json::from_str::<serde_json::Value>(&run.summary_json)
                .map_err(HistoryError::InvalidSummary)?;
        }
        let path = self.path.clone();
        let sql = |e| HistoryError::from_sqlite(&path, e);
        // IMMEDIATE takes the write lock up front, so two runs never interleave.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let mut recorded = Vec::with_capacity(runs.len());
        for (run, findings) in runs {
            recorded.push(record_run(&tx, &path, run, findings)?);
        }
        tx.commit().map_err(sql)?;
        Ok(recorded)
    }

    /// Trends of `workspace` (`None`: every workspace) since `since` (unix seconds).
    pub fn metrics(&self, workspace: Option<&str>, since: i64) -> Result<Metrics, HistoryError> {
        let sql = |e| self.sql(e);
        // An open finding was in its workspace's last run, so its last_seen is that run's time.
        let open = {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT workspace, fingerprint, subject, kind, severity, first_seen,
                     resolved_at, last_seen - first_seen FROM findings
                     WHERE resolved_at IS NULL AND (?1 IS NULL OR workspace = ?1)
                     ORDER BY first_seen, workspace, subject, kind, fingerprint",
                )
                .map_err(sql)?;
            stmt.query_map(params![workspace], |row| {
                Ok(OpenFinding {
                    episode: episode(row)?,
                    age_seconds: row.get(7)?,
                })
            })
            .map_err(sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql)?
        };

        let scores = {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT id, time, workspace, score FROM runs
                     WHERE time >= ?1 AND (?2 IS NULL OR workspace = ?2) ORDER BY time, id",
                )
                .map_err(sql)?;
            stmt.query_map(params![since, workspace], |row| {
                Ok(ScorePoint {
                    run_id: row.get(0)?,
                    time: row.get(1)?,
                    workspace: row.get(2)?,
                    score: row.get(3)?,
                })
            })
            .map_err(sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql)?
        };

        let mut by_severity: BTreeMap<i64, BTreeMap<String, u64>> = BTreeMap::new();
        {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT rf.run_id, rf.severity, count(*) FROM run_findings rf
                     JOIN runs r ON r.id = rf.run_id
                     WHERE r.time >= ?1 AND (?2 IS NULL OR r.workspace = ?2)
                     GROUP BY rf.run_id, rf.severity",
                )
                .map_err(sql)?;
            let rows = stmt
                .query_map(params![since, workspace], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, Option<String>>(1)?,
                        row.get::<_, i64>(2)?,
                    ))
                })
                .map_err(sql)?;
            for row in rows {
                let (run, severity, count) = row.map_err(sql)?;
                by_severity.entry(run).or_default().insert(
                    severity.unwrap_or_else(|| NO_SEVERITY.to_owned()),
                    u64::try_from(count).unwrap_or_default(),
                );
            }
        }
        // Episodes whose `column` (first_seen, resolved_at) falls in the window, newest first.
        let episodes = |column: &str| -> Result<Vec<Episode>, HistoryError> {
            let mut stmt = self
                .conn
                .prepare(&format!(
                    "SELECT workspace, fingerprint, subject, kind, severity, first_seen, resolved_at
                     FROM findings WHERE {column} >= ?1 AND (?2 IS NULL OR workspace = ?2)
                     ORDER BY {column} DESC, workspace, subject, fingerprint"
                ))
                .map_err(sql)?;
            stmt.query_map(params![since, workspace], episode)
                .map_err(sql)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(sql)
        };
        let began = episodes("first_seen")?;
        let ended = episodes("resolved_at")?;

        // Counted from the rows read above, not queried again.
        let mut per_day: BTreeMap<i64, BTreeMap<String, u64>> = BTreeMap::new();
        for episode in &began {
            let severity = episode
                .severity
                .clone()
                .unwrap_or_else(|| NO_SEVERITY.to_owned());
            *per_day
                .entry(time::day_start(episode.first_seen))
                .or_default()
                .entry(severity)
                .or_default() += 1;
        }
        let durations: Vec<i64> = ended
            .iter()
            .filter_map(|e| Some(e.resolved_at? - e.first_seen))
            .collect();
        #[allow(clippy::cast_precision_loss)]
        let mttr_seconds = (!durations.is_empty())
            .then(|| durations.iter().sum::<i64>() as f64 / durations.len() as f64);

        Ok(Metrics {
            runs: u64::try_from(scores.len()).unwrap_or_default(),
            new_per_day: per_day.into_iter().collect(),
            resolved: u64::try_from(ended.len()).unwrap_or_default(),
            mttr_seconds,
            open,
            scores,
            by_severity,
            began,
            ended,
        })
    }
}

/// An episode from the columns `workspace, fingerprint, subject, kind, severity, first_seen,
/// resolved_at`, in that order.
fn episode(row: &rusqlite::Row<'_>) -> rusqlite::Result<Episode> {
    Ok(Episode {
        workspace: row.get(0)?,
        fingerprint: row.get(1)?,
        subject: row.get(2)?,
        kind: row.get(3)?,
        severity: row.get(4)?,
        first_seen: row.get(5)?,
        resolved_at: row.get(6)?,
    })
}

/// One run's rows, within the caller's transaction.
fn record_run(
    tx: &rusqlite::Transaction<'_>,
    path: &Path,
    run: &Run,
    findings: &[Observed],
) -> Result<Recorded, HistoryError> {
    let sql = |e| HistoryError::from_sqlite(path, e);
    let previous_run: Option<i64> = tx
        .query_row(
            "SELECT max(id) FROM runs WHERE workspace = ?1",
            [&run.workspace],
            |row| row.get(0),
        )
        .map_err(sql)?;
    tx.execute(
        "INSERT INTO runs (time, workspace, score, plumb_version, summary)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            run.time,
            run.workspace,
            run.score,
            run.plumb_version,
            run.summary_json
        ],
    )
    .map_err(sql)?;
    let run_id = tx.last_insert_rowid();

    let mut statuses = Vec::with_capacity(findings.len());
    {
        let mut find_open = tx
            .prepare(
                "SELECT id, first_seen FROM findings
                     WHERE workspace = ?1 AND fingerprint = ?2 AND resolved_at IS NULL",
            )
            .map_err(sql)?;
        let mut update = tx
            .prepare(
                "UPDATE findings SET subject = ?2, kind = ?3, severity = ?4, reason = ?5,
                     last_seen = ?6, last_run = ?7 WHERE id = ?1",
            )
            .map_err(sql)?;
        let mut insert = tx
            .prepare(
                "INSERT INTO findings (workspace, fingerprint, subject, kind, severity, reason,
                     first_seen, first_run, last_seen, last_run)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
            )
            .map_err(sql)?;
        let mut seen = tx
            .prepare("INSERT INTO run_findings (run_id, finding_id, severity) VALUES (?1, ?2, ?3)")
            .map_err(sql)?;
        for finding in findings {
            let open: Option<(i64, i64)> = find_open
                .query_row(params![run.workspace, finding.fingerprint], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()
                .map_err(sql)?;
            let (finding_id, first_seen, is_new) = if let Some((id, first_seen)) = open {
                update
                    .execute(params![
                        id,
                        finding.subject,
                        finding.kind,
                        finding.severity,
                        finding.reason,
                        run.time,
                        run_id
                    ])
                    .map_err(sql)?;
                (id, first_seen, false)
            } else {
                insert
                    .execute(params![
                        run.workspace,
                        finding.fingerprint,
                        finding.subject,
                        finding.kind,
                        finding.severity,
                        finding.reason,
                        run.time,
                        run_id
                    ])
                    .map_err(sql)?;
                (tx.last_insert_rowid(), run.time, true)
            };
            seen.execute(params![run_id, finding_id, finding.severity])
                .map_err(|e| {
                    if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) {
                        HistoryError::DuplicateFingerprint {
                            fingerprint: finding.fingerprint.clone(),
                        }
                    } else {
                        sql(e)
                    }
                })?;
            statuses.push(Status {
                fingerprint: finding.fingerprint.clone(),
                first_seen,
                is_new,
            });
        }
    }

    // A list of strings always serializes.
    let not_looked_for =
        serde_json::to_string(&run.not_looked_for).unwrap_or_else(|_| "[]".to_owned());
    let resolved = {
        let mut gone = tx
            .prepare(
                "UPDATE findings SET resolved_at = ?3, resolved_run = ?2
                     WHERE workspace = ?1 AND resolved_at IS NULL AND last_run <> ?2
                       AND kind NOT IN (SELECT value FROM json_each(?4))
                     RETURNING fingerprint, subject, kind, severity, first_seen",
            )
            .map_err(sql)?;
        let mut resolved = gone
            .query_map(
                params![run.workspace, run_id, run.time, not_looked_for],
                |row| {
                    Ok(Resolved {
                        fingerprint: row.get(0)?,
                        workspace: run.workspace.clone(),
                        subject: row.get(1)?,
                        kind: row.get(2)?,
                        severity: row.get(3)?,
                        first_seen: row.get(4)?,
                        resolved_at: run.time,
                    })
                },
            )
            .map_err(sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql)?;
        // RETURNING gives no order.
        resolved.sort_by(|a, b| {
            (a.first_seen, &a.subject, &a.kind, &a.fingerprint).cmp(&(
                b.first_seen,
                &b.subject,
                &b.kind,
                &b.fingerprint,
            ))
        });
        resolved
    };

    Ok(Recorded {
        run_id,
        previous_run,
        findings: statuses,
        resolved,
    })
}
