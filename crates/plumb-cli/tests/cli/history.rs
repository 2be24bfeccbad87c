//! `plumb scan --history`: nights replayed over the bundled example, where drift is fixed and
//! other drift appears; new, open and resolved findings, `first_seen` kept while open.

use crate::{assert_clean_error, plumb, plumb_with_env, stderr, stdout};

const NIGHT: i64 = 86_400;
const FIRST: i64 = 1_764_547_200; // 2025-12-01T00:00:00Z

/// The example's live snapshot, changed by `edit`, written into `dir`.
fn live(dir: &std::path::Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let text =
        std::fs::read_to_string(crate::workspace_root().join("examples/webapp/live.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut doc);
    let path = dir.join(name);
    std::fs::write(&path, doc.to_string()).unwrap();
    path.display().to_string()
}

fn resource<'a>(doc: &'a mut serde_json::Value, id: &str) -> &'a mut serde_json::Value {
    doc["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["id"] == id)
        .unwrap()
}

/// One night's scan: its exit code and JSON report.
fn night(
    history: &str,
    snapshot: &str,
    at: i64,
    extra: &[&str],
) -> (Option<i32>, serde_json::Value) {
    let mut args = vec![
        "scan",
        "--config",
        "examples/webapp",
        "--snapshot",
        snapshot,
        "--history",
        history,
        "--format",
        "json",
    ];
    args.extend(extra);
    let at = at.to_string();
    let output = plumb_with_env(&args, &[("PLUMB_NOW", at.as_str())]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("{e}: {}", stderr(&output)));
    crate::docs::assert_schema(&report, "the report");
    (output.status.code(), report)
}

fn finding<'a>(report: &'a serde_json::Value, address: &str) -> &'a serde_json::Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["address"] == address || f["id"] == address)
        .unwrap_or_else(|| panic!("no finding for {address}: {report}"))
}

#[test]
fn three_nights_count_new_open_and_resolved_drift() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("nested/history.db").display().to_string();
    let group = "sg-0123abcd4567ef890";
    // Night 1: the example as it is (4 findings).
    let one = live(dir.path(), "one.json", |_| {});
    // Night 2: the SSH rule opened to the world is closed again; another subnet now hands out
    // public IPs.
    let two = live(dir.path(), "two.json", |doc| {
        let ingress = resource(doc, group)["attributes"]["ingress"]
            .as_array_mut()
            .unwrap();
        ingress.retain(|rule| rule["description"] != "debug");
        resource(doc, "subnet-0aa11bb22cc33dd44")["attributes"]["map_public_ip_on_launch"] =
            serde_json::json!(true);
    });
    // Night 3: as night 2, and the instance nobody manages is gone.
    let three = live(dir.path(), "three.json", |doc| {
        let ingress = resource(doc, group)["attributes"]["ingress"]
            .as_array_mut()
            .unwrap();
        ingress.retain(|rule| rule["description"] != "debug");
        resource(doc, "subnet-0aa11bb22cc33dd44")["attributes"]["map_public_ip_on_launch"] =
            serde_json::json!(true);
        doc["resources"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["id"] != "i-0fedcba9876543210");
    });

    let (code, first) = night(&history, &one, FIRST, &[]);
    assert_eq!(code, Some(2));
    assert_eq!(first["summary"]["new"], 4, "{}", first["summary"]);
    assert_eq!(first["summary"]["resolved"], 0);
    assert!(
        first["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "new")
    );

    let (_, second) = night(&history, &two, FIRST + NIGHT, &[]);
    assert_eq!(second["summary"]["new"], 1, "{}", second["summary"]);
    assert_eq!(second["summary"]["resolved"], 1);
    let resolved = second["resolved"].as_array().unwrap();
    assert_eq!(resolved[0]["subject"], "aws_security_group.web");
    assert_eq!(resolved[0]["first_seen"], "2025-12-01T00:00:00Z");
    assert_eq!(resolved[0]["resolved_at"], "2025-12-02T00:00:00Z");
    let instance = finding(&second, "aws_instance.web");
    assert_eq!(instance["status"], "open");
    assert_eq!(instance["first_seen"], "2025-12-01T00:00:00Z");
    let subnet = finding(&second, "module.network.aws_subnet.public[0]");
    assert_eq!(subnet["status"], "new");
    assert_eq!(subnet["first_seen"], "2025-12-02T00:00:00Z");

    // Night 3 with --new-only: nothing new, so nothing to alert on (exit 0), though drift stays.
    let (code, third) = night(&history, &three, FIRST + 2 * NIGHT, &["--new-only"]);
    assert_eq!(code, Some(0), "{third}");
    assert_eq!(third["summary"]["new"], 0);
    assert_eq!(third["summary"]["resolved"], 1);
    assert_eq!(third["resolved"][0]["kind"], "unmanaged");
    assert!(third["summary"]["drifted"].as_u64().unwrap() > 0);

    // The nightly report over the three nights.
    let at = (FIRST + 2 * NIGHT).to_string();
    let report = |format: &str| {
        let output = plumb_with_env(
            &[
                "report",
                "--history",
                &history,
                "--since",
                "2025-11-30",
                "--format",
                format,
            ],
            &[("PLUMB_NOW", at.as_str())],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
    };
    let json: serde_json::Value = serde_json::from_str(&report("json")).unwrap();
    assert_eq!(json["runs"].as_array().unwrap().len(), 3, "{json}");
    assert_eq!(json["runs"][0]["by_severity"]["critical"], 1, "{json}");
    assert_eq!(json["runs"][1]["by_severity"]["critical"], 0, "{json}");
    assert_eq!(json["new"].as_array().unwrap().len(), 5, "{json}");
    assert_eq!(json["resolved"].as_array().unwrap().len(), 2, "{json}");
    assert_eq!(json["open"].as_array().unwrap().len(), 3, "{json}");
    // The group was resolved after a day, the unmanaged instance after two.
    assert_eq!(json["mttr_hours"], 36.0, "{json}");
    assert_eq!(json["open"][0]["age_days"], 2.0, "{json}");

    let html = report("html");
    assert!(html.contains("<svg"), "{html}");
    for attribute in ["src=\"http", "href=\"http"] {
        assert!(!html.contains(attribute), "the page loads {attribute}…");
    }
    let markdown = report("markdown");
    assert!(markdown.starts_with("## plumb"), "{markdown}");
}

#[test]
fn a_report_needs_a_history() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db").display().to_string();
    assert_clean_error(
        &plumb_with_env(&["report", "--history", &missing], &[]),
        "no history database",
    );
}

#[test]
fn the_new_only_comment_speaks_of_new_drift_alone() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.db").display().to_string();
    let one = live(dir.path(), "one.json", |_| {});
    let two = live(dir.path(), "two.json", |doc| {
        resource(doc, "subnet-0aa11bb22cc33dd44")["attributes"]["map_public_ip_on_launch"] =
            serde_json::json!(true);
    });
    night(&history, &one, FIRST, &[]);
    let at = (FIRST + NIGHT).to_string();
    let output = plumb_with_env(
        &[
            "scan",
            "--config",
            "examples/webapp",
            "--snapshot",
            &two,
            "--history",
            &history,
            "--new-only",
            "--format",
            "markdown",
        ],
        &[("PLUMB_NOW", at.as_str())],
    );
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(
        text.contains("module.network.aws_subnet.public[0]"),
        "{text}"
    );
    assert!(!text.contains("aws_security_group.web"), "{text}");
}

#[test]
fn a_file_that_is_not_a_history_is_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    std::fs::write(
        &path,
        b"this is not a database, it is a text file of some length",
    )
    .unwrap();
    let history = path.display().to_string();
    let output = plumb_with_env(
        &[
            "scan",
            "--config",
            "examples/webapp",
            "--snapshot",
            "examples/webapp/live.json",
            "--history",
            &history,
        ],
        &[],
    );
    assert_clean_error(&output, "not a plumb history database");
    let usage = plumb_with_env(&["scan", "--config", "examples/webapp", "--new-only"], &[]);
    assert_eq!(usage.status.code(), Some(1), "--new-only needs --history");
}

/// A scan killed while it writes the history (`kill -9` the moment `SQLite`'s rollback journal
/// appears, so inside the transaction) leaves the database as it was: the file passes `SQLite`'s
/// integrity check, a report reads the last complete run, and the next run goes on from it.
#[test]
fn a_scan_killed_while_it_writes_leaves_the_history_whole() {
    const EXTRA: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.db");
    let history_arg = history.display().to_string();
    let journal = dir.path().join("history.db-journal");
    // Night 1: the example. Night 2: thousands of instances launched by hand, so that the
    // run's transaction writes thousands of findings and lasts long enough to be caught.
    let one = live(dir.path(), "one.json", |_| {});
    let two = live(dir.path(), "two.json", |doc| {
        let resources = doc["resources"].as_array_mut().unwrap();
        let template = resources
            .iter()
            .find(|r| r["id"] == "i-0fedcba9876543210")
            .unwrap()
            .clone();
        for n in 0..EXTRA {
            let mut copy = template.clone();
            let id = format!("i-0{n:016x}");
            copy["id"] = id.clone().into();
            copy["attributes"]["id"] = id.into();
            resources.push(copy);
        }
    });
    let (code, _) = night(&history_arg, &one, FIRST, &[]);
    assert_eq!(code, Some(2));
    let runs = |path: &std::path::Path| -> (i64, i64) {
        let conn = rusqlite::Connection::open(path).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let runs = conn
            .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
            .unwrap();
        let open = conn
            .query_row(
                "SELECT count(*) FROM findings WHERE resolved_at IS NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (runs, open)
    };
    let before = runs(&history);
    assert_eq!(before, (1, 4));

    let at = (FIRST + NIGHT).to_string();
    let mut child = crate::plumb_command()
        .args([
            "scan",
            "--config",
            "examples/webapp",
            "--snapshot",
            &two,
            "--history",
            &history_arg,
            "--format",
            "json",
        ])
        .env("PLUMB_NOW", &at)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut caught = false;
    loop {
        if journal.exists() {
            child.kill().unwrap();
            caught = true;
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    child.wait().unwrap();
    assert!(
        caught,
        "the run ended before its transaction could be caught; raise EXTRA"
    );
    assert!(journal.exists(), "killed mid-write, the journal is left");

    // Read as it was: the report works and counts one run and its four open findings.
    let report = plumb(&["report", "--history", &history_arg, "--format", "json"]);
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    assert_eq!(runs(&history), before);

    // The interrupted night is run again and recorded whole.
    let (_, second) = night(&history_arg, &two, FIRST + NIGHT, &[]);
    assert_eq!(second["summary"]["new"], EXTRA);
    assert_eq!(runs(&history), (2, 4 + i64::try_from(EXTRA).unwrap()));
}

/// A night that reads only the state's ids (`--managed-only`) did not look for unmanaged
/// objects: it leaves them open. A night with `--types` compared part of the estate: it is not
/// recorded at all.
#[test]
fn a_partial_night_resolves_nothing_it_did_not_look_at() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.db").display().to_string();
    let one = live(dir.path(), "one.json", |_| {});
    let by_hand = "i-0fedcba9876543210";
    let (_, first) = night(&history, &one, FIRST, &[]);
    assert_eq!(finding(&first, by_hand)["status"], "new");

    let (_, managed_only) = night(&history, &one, FIRST + NIGHT, &["--managed-only"]);
    assert_eq!(
        managed_only["summary"]["resolved"], 0,
        "{}",
        managed_only["summary"]
    );

    let (_, typed) = night(&history, &one, FIRST + 2 * NIGHT, &["--types", "aws_vpc"]);
    assert!(
        typed["summary"].get("new").is_none(),
        "{}",
        typed["summary"]
    );
    assert!(
        typed["warnings"].as_array().unwrap().iter().any(|w| w
            .as_str()
            .unwrap()
            .contains("not recorded in the history: --types")),
        "{}",
        typed["warnings"]
    );

    let (_, full) = night(&history, &one, FIRST + 3 * NIGHT, &[]);
    let unmanaged = finding(&full, by_hand);
    assert_eq!(unmanaged["status"], "open");
    assert_eq!(unmanaged["first_seen"], "2025-12-01T00:00:00Z");
    assert_eq!(full["summary"]["resolved"], 0);
}
