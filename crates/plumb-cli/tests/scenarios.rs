//! Golden scenarios: every folder under `testdata/scenarios/` is one behaviour of `plumb scan`
//! (code, state, live snapshot, optional extra arguments) and the report it must produce.
//!
//! Each folder is a test of its own, named after it and run in process (`cargo test -p
//! plumb-cli --test scenarios -- kind-missing` runs one), so a new case is a new folder and
//! no code. `PLUMB_BLESS=1` rewrites each `expected.json` from what plumb writes now; review
//! the diff before committing it. A scenario that plants sensitive values (`must-not-appear`)
//! is also run through the binary in every format, so that standard error is searched too.
//!
//! One more test holds that every rule, normalizer and catalog type is tested somewhere: by a
//! scenario, or by a unit test of its own.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;

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

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root")
}

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

/// The `plumb scan` arguments of a scenario, its report going to `report`.
fn scan_args(name: &str, dir: &Path, report: &Path) -> Vec<String> {
    let relative = format!("{SCENARIOS}/{name}");
    let mut args: Vec<String> = [
        "plumb",
        "scan",
        "--config",
        &relative,
        "--state",
        &format!("{relative}/terraform.tfstate"),
        "--snapshot",
        &format!("{relative}/live.json"),
        "--format",
        "json",
        "--output",
        &report.display().to_string(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend(extra_args(dir));
    args
}

/// Runs the scenario in process and returns the report with `plumb_version` masked and the
/// exit code beside it, or why it could not.
fn actual_report(name: &str, dir: &Path) -> Result<Value, String> {
    for file in REQUIRED {
        if !dir.join(file).is_file() {
            return Err(format!("missing {file}"));
        }
    }
    let out = tempfile::tempdir().map_err(|e| e.to_string())?;
    let report = out.path().join("report.json");
    let args = scan_args(name, dir, &report);
    let code = plumb_cli::run_from(&args);
    if !matches!(code, 0 | 2) {
        return Err(format!(
            "{} exited with {code} (its error is on standard error above)",
            args.join(" ")
        ));
    }
    let text = std::fs::read_to_string(&report)
        .map_err(|e| format!("{}: no report: {e}", report.display()))?;
    let mut report: Value =
        serde_json::from_str(&text).map_err(|e| format!("the report is not JSON ({e})"))?;
    let Some(map) = report.as_object_mut() else {
        return Err("the report is not a JSON object".to_owned());
    };
    map.insert("plumb_version".to_owned(), Value::from("[version]"));
    map.insert("exit_code".to_owned(), Value::from(code));
    Ok(report)
}

/// For a scenario that plants sensitive values: the binary's every output (each format,
/// standard error, the remediation files) searched for them.
fn secrets_shown(name: &str, dir: &Path) -> Result<(), String> {
    let Ok(secrets) = std::fs::read_to_string(dir.join(MUST_NOT_APPEAR)) else {
        return Ok(());
    };
    let secrets: Vec<&str> = secrets
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let out = tempfile::tempdir().map_err(|e| e.to_string())?;
    let remediate = out.path().join("remediation");
    let mut args = scan_args(name, dir, &out.path().join("report.json"));
    args.remove(0);
    for format in ["table", "markdown", "sarif", "plan-json"] {
        args.push("--output".to_owned());
        args.push(format!("{format}={}", out.path().join(format).display()));
    }
    args.push("--remediate".to_owned());
    args.push(remediate.display().to_string());
    let output = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .args(&args)
        .current_dir(workspace_root())
        .env("NO_COLOR", "1")
        .env_remove("PLUMB_PLUGIN_DIR")
        .output()
        .map_err(|e| e.to_string())?;
    let mut shown = vec![(
        "standard output and error".to_owned(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )];
    for dir in [out.path(), remediate.as_path()] {
        for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
                shown.push((path.display().to_string(), text));
            }
        }
    }
    for (place, text) in &shown {
        for secret in &secrets {
            if text.contains(secret) {
                return Err(format!("{place} shows a sensitive value: {secret}"));
            }
        }
    }
    Ok(())
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

/// One scenario: its report against `expected.json` (rewritten under `PLUMB_BLESS=1`).
fn check_scenario(name: &str, dir: &Path) -> Result<(), Failed> {
    let actual = actual_report(name, dir)?;
    secrets_shown(name, dir)?;
    let expected_file = dir.join("expected.json");
    let expected: Option<Value> = std::fs::read_to_string(&expected_file)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    if expected.as_ref() == Some(&actual) {
        return Ok(());
    }
    if std::env::var_os("PLUMB_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&expected_file, pretty(&actual))
            .map_err(|e| format!("{}: cannot write: {e}", expected_file.display()))?;
        eprintln!("PLUMB_BLESS=1: rewrote {}", expected_file.display());
        return Ok(());
    }
    let Some(expected) = expected else {
        return Err(
            "no readable expected.json (write one with PLUMB_BLESS=1 and review it)".into(),
        );
    };
    let mut lines = Vec::new();
    differences("", &expected, &actual, &mut lines);
    let mut message = String::from(
        "the report differs from expected.json (if the new output is right, rerun with \
         PLUMB_BLESS=1 and review the diff):\n",
    );
    for line in lines.iter().take(MAX_LISTED) {
        let _ = writeln!(message, "    {line}");
    }
    if lines.len() > MAX_LISTED {
        let _ = writeln!(message, "    ... and {} more", lines.len() - MAX_LISTED);
    }
    Err(message.into())
}

/// Every text a scenario or a test holds: what an id or a type must appear in to count as
/// tested. Unit tests are the `#[cfg(test)]` parts of the crates' sources and the files under
/// their `tests/`.
fn tested_texts() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let root = workspace_root();
    let mut files = Vec::new();
    walk(&root.join(SCENARIOS), &mut files);
    walk(&root.join("crates"), &mut files);
    let mut texts = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let relative = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        let in_tests = relative.contains("/tests/")
            || relative.starts_with(SCENARIOS)
            || relative.ends_with("tests.rs");
        let tested = if in_tests {
            text
        } else if file.extension().is_some_and(|e| e == "rs") {
            match text.find("#[cfg(test)]") {
                Some(at) => text[at..].to_owned(),
                None => continue,
            }
        } else {
            continue;
        };
        texts.push((relative, tested));
    }
    texts
}

/// A rule, a normalizer or a catalog type that no scenario and no test names is untested: a
/// change to it would pass unnoticed.
fn everything_is_tested() -> Result<(), Failed> {
    let texts = tested_texts();
    let named = |needle: &str| texts.iter().any(|(_, text)| text.contains(needle));
    // A rule or normalizer is one file that says its id; its own tests are in that file.
    let drift = workspace_root().join("crates/plumb-drift/src");
    let own_tests = |folder: &str, id: &str| {
        let quoted = format!("\"{id}\"");
        std::fs::read_dir(drift.join(folder))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
            .any(|text| text.contains(&quoted) && text.contains("#[test]"))
    };
    let mut untested = Vec::new();
    for rule in plumb_drift::rules::registry() {
        let id = rule.id();
        if !named(&format!("\"{id}\"")) && !own_tests("rules", id) {
            untested.push(format!("rule {id}"));
        }
    }
    for normalizer in plumb_drift::normalize::registry() {
        let id = normalizer.id();
        if !named(&format!("\"{id}\"")) && !own_tests("normalize", id) {
            untested.push(format!("normalizer {id}"));
        }
    }
    for resource_type in plumb_model::catalog::described_types() {
        if !named(&format!("\"{resource_type}\"")) {
            untested.push(format!("catalog type {resource_type}"));
        }
    }
    if untested.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "untested (no scenario under {SCENARIOS} and no test names them): {}",
            untested.join(", ")
        )
        .into())
    }
}

fn main() {
    let args = Arguments::from_args();
    // Scenarios run in the workspace root, as a user runs plumb beside their code: the
    // reports' `source.file` paths are relative to it.
    std::env::set_current_dir(workspace_root()).expect("the workspace root");
    let mut trials: Vec<Trial> = scenario_dirs()
        .into_iter()
        .map(|dir| {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Trial::test(name.clone(), move || check_scenario(&name, &dir))
        })
        .collect();
    assert!(!trials.is_empty(), "no scenario folders under {SCENARIOS}");
    trials.push(Trial::test(
        "every_rule_normalizer_and_catalog_type_is_tested",
        everything_is_tested,
    ));
    trials.push(Trial::test("the_difference_names_the_path", || {
        let expected: Value = serde_json::from_str(
            r#"{"summary":{"missing":1},"findings":[{"severity":"high","rules":["a"]}]}"#,
        )?;
        let actual: Value = serde_json::from_str(
            r#"{"summary":{"missing":0},"findings":[{"severity":"medium","rules":["a","b"]}],"x":1}"#,
        )?;
        let mut lines = Vec::new();
        differences("", &expected, &actual, &mut lines);
        let want = [
            "findings[0].rules[1]: unexpected \"b\"",
            "findings[0].severity: expected \"high\", got \"medium\"",
            "summary.missing: expected 1, got 0",
            "x: unexpected 1",
        ];
        if lines == want {
            Ok(())
        } else {
            Err(format!("{lines:?}").into())
        }
    }));
    libtest_mimic::run(&args, trials).exit();
}
