//! Golden scenarios: every folder under `testdata/scenarios/` is one behaviour of `plumb scan`
//! (code, state, live snapshot, optional extra arguments) and the report it must produce.
//!
//! One test walks them all, so a new case is a new folder. `PLUMB_BLESS=1` rewrites each
//! `expected.json` from what the binary writes now; review the diff before committing it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{plumb, stderr, stdout, workspace_root};

/// Where the scenarios live, relative to the workspace root (the directory plumb runs in, so
/// that `source.file` paths in reports are stable).
const SCENARIOS: &str = "testdata/scenarios";

/// The files every scenario folder must hold.
const REQUIRED: &[&str] = &["main.tf", "terraform.tfstate", "live.json"];

/// Strings that must not appear anywhere in a scenario's report (and its stderr), one per line
/// in this optional file: the sensitive values the scenario plants.
const MUST_NOT_APPEAR: &str = "must-not-appear";

/// At most this many differences are listed per scenario: the first few say what broke.
const MAX_LISTED: usize = 40;

fn scenario_dirs() -> Vec<PathBuf> {
    let root = workspace_root().join(SCENARIOS);
    let entries = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: cannot read the scenarios: {e}", root.display()));
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Extra arguments, one per line; blank lines and `#` comments are skipped.
fn extra_args(dir: &Path) -> Vec<String> {
    match std::fs::read_to_string(dir.join("args")) {
        Ok(text) => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Runs the scenario and returns the report with `plumb_version` masked and the exit code
/// beside it, or why it could not.
fn actual_report(name: &str, dir: &Path) -> Result<Value, String> {
    for file in REQUIRED {
        if !dir.join(file).is_file() {
            return Err(format!("missing {file}"));
        }
    }
    let relative = format!("{SCENARIOS}/{name}");
    let state = format!("{relative}/terraform.tfstate");
    let snapshot = format!("{relative}/live.json");
    let mut args: Vec<String> = [
        "scan",
        "--config",
        &relative,
        "--state",
        &state,
        "--snapshot",
        &snapshot,
        "--format",
        "json",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend(extra_args(dir));
    let borrowed: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = plumb(&borrowed);
    let err = stderr(&output);
    let code = output.status.code();
    if !matches!(code, Some(0 | 2)) || err.contains("panicked") {
        return Err(format!(
            "plumb {} exited with {code:?}; stderr:\n{err}",
            args.join(" ")
        ));
    }
    let text = stdout(&output);
    if let Ok(secrets) = std::fs::read_to_string(dir.join(MUST_NOT_APPEAR)) {
        let secrets: Vec<&str> = secrets
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        // Every format, not only the JSON compared below.
        let mut outputs = vec![("json".to_owned(), format!("{text}{err}"))];
        for format in ["table", "markdown", "sarif", "plan-json"] {
            let mut other = borrowed.clone();
            let at = other.iter().position(|a| *a == "json").unwrap_or_default();
            other[at] = format;
            let output = plumb(&other);
            outputs.push((
                format.to_owned(),
                format!("{}{}", stdout(&output), stderr(&output)),
            ));
        }
        // And the remediation files.
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let remediate = dir.path().display().to_string();
        let mut with_files = borrowed.clone();
        with_files.extend(["--remediate", remediate.as_str()]);
        let output = plumb(&with_files);
        outputs.push((
            "json with --remediate".to_owned(),
            format!("{}{}", stdout(&output), stderr(&output)),
        ));
        for entry in std::fs::read_dir(dir.path()).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            outputs.push((path.display().to_string(), text));
        }
        for (format, shown) in &outputs {
            for secret in &secrets {
                if shown.contains(secret) {
                    return Err(format!(
                        "the {format} report shows a sensitive value: {secret}"
                    ));
                }
            }
        }
    }
    let mut report: Value = serde_json::from_str(&text)
        .map_err(|e| format!("the report is not JSON ({e}); stderr:\n{err}"))?;
    let Some(map) = report.as_object_mut() else {
        return Err("the report is not a JSON object".to_owned());
    };
    map.insert("plumb_version".to_owned(), Value::from("[version]"));
    map.insert(
        "exit_code".to_owned(),
        Value::from(code.unwrap_or_default()),
    );
    Ok(report)
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 160 {
        let cut: String = text.chars().take(157).collect();
        format!("{cut}...")
    } else {
        text
    }
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Every place where `expected` and `actual` part, as `path: expected X, got Y` lines.
fn differences(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    if expected == actual {
        return;
    }
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, ev) in e {
                match a.get(key) {
                    Some(av) => differences(&child(path, key), ev, av, out),
                    None => out.push(format!(
                        "{}: expected {}, absent",
                        child(path, key),
                        short(ev)
                    )),
                }
            }
            for (key, av) in a.iter().filter(|(k, _)| !e.contains_key(*k)) {
                out.push(format!("{}: unexpected {}", child(path, key), short(av)));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                differences(&format!("{path}[{i}]"), ev, av, out);
            }
            for (i, ev) in e.iter().enumerate().skip(a.len()) {
                out.push(format!("{path}[{i}]: expected {}, absent", short(ev)));
            }
            for (i, av) in a.iter().enumerate().skip(e.len()) {
                out.push(format!("{path}[{i}]: unexpected {}", short(av)));
            }
        }
        _ => out.push(format!(
            "{path}: expected {}, got {}",
            short(expected),
            short(actual)
        )),
    }
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

#[test]
fn golden_scenarios() {
    let bless = std::env::var_os("PLUMB_BLESS").is_some_and(|v| v == "1");
    let dirs = scenario_dirs();
    assert!(!dirs.is_empty(), "no scenario folders under {SCENARIOS}");
    let mut failures = Vec::new();
    let mut blessed = Vec::new();
    for dir in &dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let actual = match actual_report(&name, dir) {
            Ok(report) => report,
            Err(why) => {
                failures.push(format!("{name}: {why}"));
                continue;
            }
        };
        let expected_file = dir.join("expected.json");
        let expected: Option<Value> = std::fs::read_to_string(&expected_file)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok());
        if expected.as_ref() == Some(&actual) {
            continue;
        }
        if bless {
            std::fs::write(&expected_file, pretty(&actual))
                .unwrap_or_else(|e| panic!("{}: cannot write: {e}", expected_file.display()));
            blessed.push(name);
            continue;
        }
        let Some(expected) = expected else {
            failures.push(format!(
                "{name}: no readable expected.json (write one with PLUMB_BLESS=1 and review it)"
            ));
            continue;
        };
        let mut lines = Vec::new();
        differences("", &expected, &actual, &mut lines);
        let mut message = format!("{name}: the report differs from expected.json\n");
        for line in lines.iter().take(MAX_LISTED) {
            let _ = writeln!(message, "    {line}");
        }
        if lines.len() > MAX_LISTED {
            let _ = writeln!(message, "    ... and {} more", lines.len() - MAX_LISTED);
        }
        failures.push(message);
    }
    if !blessed.is_empty() {
        eprintln!(
            "PLUMB_BLESS=1: rewrote expected.json of {}",
            blessed.join(", ")
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenario(s) failed (if the new output is right, rerun with PLUMB_BLESS=1 and \
         review the diff):\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
    eprintln!("{} scenario(s) match their expected reports", dirs.len());
}

/// The diff names the path where a report parts from its expectation, not only that it did.
#[test]
fn the_difference_names_the_path() {
    let expected: Value = serde_json::from_str(
        r#"{"summary":{"missing":1},"findings":[{"severity":"high","rules":["a"]}]}"#,
    )
    .unwrap();
    let actual: Value = serde_json::from_str(
        r#"{"summary":{"missing":0},"findings":[{"severity":"medium","rules":["a","b"]}],"x":1}"#,
    )
    .unwrap();
    let mut lines = Vec::new();
    differences("", &expected, &actual, &mut lines);
    assert_eq!(
        lines,
        [
            "findings[0].rules[1]: unexpected \"b\"",
            "findings[0].severity: expected \"high\", got \"medium\"",
            "summary.missing: expected 1, got 0",
            "x: unexpected 1",
        ]
    );
}
