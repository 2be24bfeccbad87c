use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use super::*;

const DAY: i64 = 86_400;
/// 2026-12-01T00:00:00Z.
const DEC_1: i64 = 1_796_083_200;
/// 2026-12-01T10:00:00Z, 2026-12-02T10:00:00Z, 2026-12-03T22:00:00Z.
const T1: i64 = DEC_1 + 10 * 3600;
const T2: i64 = DEC_1 + DAY + 10 * 3600;
const T3: i64 = DEC_1 + 2 * DAY + 22 * 3600;

fn run(time: i64, workspace: &str, score: u32) -> Run {
    Run {
        time,
        workspace: workspace.to_owned(),
        score,
        plumb_version: "0.1.0".to_owned(),
        summary_json: format!(r#"{{"score": {score}}}"#),
        not_looked_for: Vec::new(),
    }
}

fn seen(fingerprint: &str, severity: Option<&str>) -> Observed {
    Observed {
        fingerprint: fingerprint.to_owned(),
        subject: format!("aws_instance.{}", fingerprint.to_lowercase()),
        kind: "changed".to_owned(),
        severity: severity.map(str::to_owned),
        reason: format!("{fingerprint} drifted"),
    }
}

fn a() -> Observed {
    seen("A", Some("high"))
}
fn b() -> Observed {
    seen("B", Some("low"))
}
fn c() -> Observed {
    seen("C", None)
}

fn status(fingerprint: &str, first_seen: i64, is_new: bool) -> Status {
    Status {
        fingerprint: fingerprint.to_owned(),
        first_seen,
        is_new,
    }
}

fn resolved(o: &Observed, workspace: &str, first_seen: i64, resolved_at: i64) -> Resolved {
    Resolved {
        fingerprint: o.fingerprint.clone(),
        workspace: workspace.to_owned(),
        subject: o.subject.clone(),
        kind: o.kind.clone(),
        severity: o.severity.clone(),
        first_seen,
        resolved_at,
    }
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    (dir, path)
}

fn count(path: &Path, table: &str) -> i64 {
    let conn = Connection::open(path).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn severities(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

/// Run 1: A, B. Run 2: B, C (A resolved, C new). Run 3: C, A (A new again, B resolved).
fn three_runs(history: &mut History, workspace: &str) -> [Recorded; 3] {
    let r1 = history
        .record(&run(T1, workspace, 70), &[a(), b()])
        .unwrap();
    let r2 = history
        .record(&run(T2, workspace, 80), &[b(), c()])
        .unwrap();
    let r3 = history
        .record(&run(T3, workspace, 75), &[c(), a()])
        .unwrap();
    [r1, r2, r3]
}

#[test]
fn follows_findings_across_three_runs() {
    let (_dir, path) = temp_db();
    let mut history = History::open(&path).unwrap();
    let [r1, r2, r3] = three_runs(&mut history, "default");

    assert_eq!(r1.previous_run, None);
    assert_eq!(r1.findings, [status("A", T1, true), status("B", T1, true)]);
    assert!(r1.resolved.is_empty());

    assert_eq!(r2.previous_run, Some(r1.run_id));
    assert_eq!(r2.findings, [status("B", T1, false), status("C", T2, true)]);
    assert_eq!(r2.resolved, [resolved(&a(), "default", T1, T2)]);

    assert_eq!(r3.previous_run, Some(r2.run_id));
    // A came back: a new episode, first seen now.
    assert_eq!(r3.findings, [status("C", T2, false), status("A", T3, true)]);
    assert_eq!(r3.resolved, [resolved(&b(), "default", T1, T3)]);
    assert_eq!(r3.findings[0].finding_status(), FindingStatus::Open);
    assert_eq!(r3.findings[1].finding_status(), FindingStatus::New);
    assert_eq!(
        r3.resolved[0].to_model(),
        ResolvedFinding {
            fingerprint: "B".to_owned(),
            workspace: "default".to_owned(),
            subject: "aws_instance.b".to_owned(),
            kind: "changed".to_owned(),
            severity: Some("low".to_owned()),
            first_seen: "2026-12-01T10:00:00Z".to_owned(),
            resolved_at: "2026-12-03T22:00:00Z".to_owned(),
        }
    );

    let m = history.metrics(Some("default"), 0).unwrap();
    assert_eq!(m.runs, 3);
    assert_eq!(
        m.new_per_day,
        [
            (DEC_1, severities(&[("high", 1), ("low", 1)])),
            (DEC_1 + DAY, severities(&[(NO_SEVERITY, 1)])),
            (DEC_1 + 2 * DAY, severities(&[("high", 1)])),
        ]
    );
    assert_eq!(m.resolved, 2);
    // A: T1 -> T2 (24h); B: T1 -> T3 (60h); the mean is 42h.
    assert_eq!((T2 - T1, T3 - T1), (24 * 3600, 60 * 3600));
    assert_eq!(m.mttr_seconds, Some(42.0 * 3600.0));
    assert_eq!(
        m.open,
        [
            OpenFinding {
                episode: Episode {
                    workspace: "default".to_owned(),
                    fingerprint: "C".to_owned(),
                    subject: "aws_instance.c".to_owned(),
                    kind: "changed".to_owned(),
                    severity: None,
                    first_seen: T2,
                    resolved_at: None,
                },
                age_seconds: T3 - T2,
            },
            OpenFinding {
                episode: Episode {
                    workspace: "default".to_owned(),
                    fingerprint: "A".to_owned(),
                    subject: "aws_instance.a".to_owned(),
                    kind: "changed".to_owned(),
                    severity: Some("high".to_owned()),
                    first_seen: T3,
                    resolved_at: None,
                },
                age_seconds: 0,
            },
        ]
    );
    let scores: Vec<(i64, u32)> = m.scores.iter().map(|p| (p.time, p.score)).collect();
    assert_eq!(scores, [(T1, 70), (T2, 80), (T3, 75)]);
    assert_eq!(
        m.scores.iter().map(|p| p.run_id).collect::<Vec<_>>(),
        [r1.run_id, r2.run_id, r3.run_id]
    );
}

#[test]
fn metrics_window_starts_at_since() {
    let (_dir, path) = temp_db();
    let mut history = History::open(&path).unwrap();
    three_runs(&mut history, "default");

    // From the start of day 2: run 1 and its new findings fall out; both resolutions are in.
    let m = history.metrics(None, DEC_1 + DAY).unwrap();
    assert_eq!(m.runs, 2);
    assert_eq!(
        m.new_per_day,
        [
            (DEC_1 + DAY, severities(&[(NO_SEVERITY, 1)])),
            (DEC_1 + 2 * DAY, severities(&[("high", 1)])),
        ]
    );
    assert_eq!(m.resolved, 2);
    assert_eq!(m.scores.len(), 2);
    // Open findings are those open now, whatever the window.
    assert_eq!(m.open.len(), 2);

    // Only run 3: B's resolution counts, A's (at T2) does not.
    let m = history.metrics(None, T3).unwrap();
    assert_eq!(m.runs, 1);
    assert_eq!(m.resolved, 1);
    assert_eq!(m.mttr_seconds, Some(60.0 * 3600.0));

    let m = history.metrics(None, T3 + 1).unwrap();
    assert_eq!(m.runs, 0);
    assert!(m.new_per_day.is_empty() && m.scores.is_empty());
    assert_eq!(m.mttr_seconds, None);
}

#[test]
fn workspaces_do_not_affect_each_other() {
    let (_dir, path) = temp_db();
    let mut history = History::open(&path).unwrap();
    let first = history.record(&run(T1, "prod", 70), &[a(), b()]).unwrap();
    // The same fingerprints in another workspace are its own findings.
    let other = history
        .record(&run(T1 + 60, "staging", 90), &[a()])
        .unwrap();
    assert_eq!(other.previous_run, None);
    assert_eq!(other.findings, [status("A", T1 + 60, true)]);
    assert!(
        other.resolved.is_empty(),
        "prod's B is not staging's to resolve"
    );

    let second = history.record(&run(T2, "prod", 80), &[b()]).unwrap();
    assert_eq!(second.previous_run, Some(first.run_id));
    assert_eq!(second.findings, [status("B", T1, false)]);
    assert_eq!(second.resolved, [resolved(&a(), "prod", T1, T2)]);

    let staging = history.metrics(Some("staging"), 0).unwrap();
    assert_eq!(staging.runs, 1);
    assert_eq!(staging.resolved, 0);
    assert_eq!(staging.open.len(), 1);
    assert_eq!(staging.open[0].episode.first_seen, T1 + 60);
    assert_eq!(staging.scores.len(), 1);

    let all = history.metrics(None, 0).unwrap();
    assert_eq!(all.runs, 3);
    assert_eq!(all.resolved, 1);
    let open: Vec<(&str, &str)> = all
        .open
        .iter()
        .map(|o| (o.episode.workspace.as_str(), o.episode.fingerprint.as_str()))
        .collect();
    assert_eq!(open, [("prod", "B"), ("staging", "A")]);
    let workspaces: Vec<&str> = all.scores.iter().map(|p| p.workspace.as_str()).collect();
    assert_eq!(workspaces, ["prod", "staging", "prod"]);
}

#[test]
fn a_failed_run_leaves_the_database_as_it_was() {
    let (_dir, path) = temp_db();
    let mut history = History::open(&path).unwrap();
    history
        .record(&run(T1, "default", 70), &[a(), b()])
        .unwrap();

    // C is new, B would be updated, A resolved, but the second C fails the run half-way.
    let err = history
        .record(&run(T2, "default", 80), &[b(), c(), c()])
        .unwrap_err();
    assert!(
        matches!(&err, HistoryError::DuplicateFingerprint { fingerprint } if fingerprint == "C")
    );
    assert_eq!(
        err.to_string(),
        "fingerprint C appears more than once in one run"
    );

    assert_eq!(count(&path, "runs"), 1);
    assert_eq!(count(&path, "findings"), 2);
    assert_eq!(count(&path, "run_findings"), 2);
    let m = history.metrics(None, 0).unwrap();
    assert_eq!(m.resolved, 0);
    assert!(
        m.open
            .iter()
            .all(|o| o.episode.first_seen == T1 && o.age_seconds == 0)
    );

    // The history goes on from where it was.
    let next = history
        .record(&run(T2, "default", 80), &[b(), c()])
        .unwrap();
    assert_eq!(
        next.findings,
        [status("B", T1, false), status("C", T2, true)]
    );
    assert_eq!(next.resolved, [resolved(&a(), "default", T1, T2)]);
}

#[test]
fn workspaces_scanned_together_are_recorded_together() {
    let (_dir, path) = temp_db();
    let mut history = History::open(&path).unwrap();
    let (dev, prod) = (run(T1, "dev", 70), run(T1, "prod", 90));
    let recorded = history
        .record_all(&[(&dev, &[a(), b()][..]), (&prod, &[a()][..])])
        .unwrap();
    assert_eq!(
        recorded[0].findings,
        [status("A", T1, true), status("B", T1, true)]
    );
    assert_eq!(recorded[1].findings, [status("A", T1, true)]);
    assert_eq!(count(&path, "runs"), 2);

    // The second workspace's run fails: the first one's, already written in the same
    // transaction, goes with it.
    let (dev, prod) = (run(T2, "dev", 80), run(T2, "prod", 80));
    let err = history
        .record_all(&[(&dev, &[b()][..]), (&prod, &[c(), c()][..])])
        .unwrap_err();
    assert!(matches!(err, HistoryError::DuplicateFingerprint { .. }));
    assert_eq!(count(&path, "runs"), 2);
    assert_eq!(history.metrics(Some("dev"), 0).unwrap().resolved, 0);
}

#[test]
fn what_a_run_did_not_look_for_stays_open() {
    let (_dir, path) = temp_db();
    let mut history = History::open(&path).unwrap();
    let unmanaged = Observed {
        kind: "unmanaged".to_owned(),
        ..seen("U", Some("medium"))
    };
    history
        .record(&run(T1, "default", 70), &[a(), unmanaged.clone()])
        .unwrap();
    // A managed-only run: it read the state's ids alone, so U was not looked for.
    let managed_only = Run {
        not_looked_for: vec!["unmanaged".to_owned()],
        ..run(T2, "default", 80)
    };
    let second = history.record(&managed_only, &[a()]).unwrap();
    assert!(second.resolved.is_empty(), "{:?}", second.resolved);
    // The next full run sees it again: still the drift first seen at T1.
    let third = history
        .record(&run(T3, "default", 70), &[a(), unmanaged])
        .unwrap();
    assert_eq!(
        third.findings,
        [status("A", T1, false), status("U", T1, false)]
    );
}

#[test]
fn a_summary_that_is_not_json_records_nothing() {
    let (_dir, path) = temp_db();
    let mut history = History::open(&path).unwrap();
    let mut bad = run(T1, "default", 70);
    bad.summary_json = "{not json".to_owned();
    let err = history.record(&bad, &[a()]).unwrap_err();
    assert!(matches!(err, HistoryError::InvalidSummary(_)), "{err}");
    assert_eq!(count(&path, "runs"), 0);
}

#[test]
fn reopening_keeps_the_history() {
    let (_dir, path) = temp_db();
    let nested = path.parent().unwrap().join("a/b/history.db");
    for path in [&path, &nested] {
        History::open(path)
            .unwrap()
            .record(&run(T1, "default", 70), &[a()])
            .unwrap();
        let mut history = History::open(path).unwrap();
        assert_eq!(history.path(), path.as_path());
        let again = history.record(&run(T2, "default", 70), &[a()]).unwrap();
        assert_eq!(again.findings, [status("A", T1, false)]);
    }
}

#[test]
fn a_corrupt_file_is_not_a_history() {
    let (_dir, path) = temp_db();
    // Deterministic noise, longer than a SQLite header.
    let mut state = 0x2545_f491_u32;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    std::fs::write(&path, noise).unwrap();
    let err = History::open(&path).unwrap_err();
    assert!(matches!(err, HistoryError::NotADatabase { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "{}: not a plumb history database: ",
            path.display()
        )),
        "{text}"
    );
}

#[test]
fn another_programs_database_is_not_a_history() {
    let (_dir, path) = temp_db();
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE runs (x); INSERT INTO runs VALUES (1);")
        .unwrap();
    let err = History::open(&path).unwrap_err();
    assert!(matches!(err, HistoryError::NotADatabase { .. }), "{err:?}");
    assert!(err.to_string().contains("another program"), "{err}");

    let (_dir2, path) = temp_db();
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA application_id = 42;")
        .unwrap();
    let err = History::open(&path).unwrap_err();
    assert!(err.to_string().contains("application id 0x2a"), "{err}");
}

#[test]
fn a_newer_schema_is_refused() {
    let (_dir, path) = temp_db();
    History::open(&path).unwrap();
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let err = History::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            HistoryError::TooNew {
                found: 2,
                supported: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{}: the history database has schema version 2, newer than the 1 this plumb knows; \
             upgrade plumb or use another history file",
            path.display()
        )
    );
}

#[test]
fn a_locked_database_says_so() {
    let (_dir, path) = temp_db();
    let short = Duration::from_millis(50);
    let mut history = History::open_with_timeout(&path, short).unwrap();
    history.record(&run(T1, "default", 70), &[a()]).unwrap();

    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();

    let err = history.record(&run(T2, "default", 70), &[a()]).unwrap_err();
    assert!(matches!(err, HistoryError::Locked { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: the history database is locked by another plumb run",
            path.display()
        )
    );
    let err = History::open_with_timeout(&path, short).unwrap_err();
    assert!(matches!(err, HistoryError::Locked { .. }), "{err:?}");

    other.execute_batch("ROLLBACK").unwrap();
    let after = history.record(&run(T2, "default", 70), &[a()]).unwrap();
    assert_eq!(after.findings, [status("A", T1, false)]);
    assert_eq!(count(&path, "runs"), 2);
}

#[test]
fn observed_from_a_finding() {
    use plumb_model::{Address, Kind, Severity};
    let managed = Finding {
        address: Some("module.net.aws_instance.web[0]".parse::<Address>().unwrap()),
        id: Some("i-0abc".to_owned()),
        ..Finding::new(
            "fp1",
            "default",
            "aws_instance",
            Kind::Changed,
            Some(Severity::High),
            "instance_type changed",
        )
    };
    assert_eq!(
        Observed::from_finding(&managed),
        Observed {
            fingerprint: "fp1".to_owned(),
            subject: "module.net.aws_instance.web[0]".to_owned(),
            kind: "changed".to_owned(),
            severity: Some("high".to_owned()),
            reason: "instance_type changed".to_owned(),
        }
    );
    let unmanaged = Finding {
        address: None,
        kind: Kind::NotChecked,
        severity: None,
        ..managed
    };
    let observed = Observed::from_finding(&unmanaged);
    assert_eq!(observed.subject, "aws_instance i-0abc");
    assert_eq!(observed.kind, "not_checked");
    assert_eq!(observed.severity, None);
}
