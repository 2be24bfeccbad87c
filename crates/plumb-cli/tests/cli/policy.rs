//! `.plumb.hcl` and `.driftignore` read by `plumb scan`.

use std::path::Path;

use crate::{assert_clean_error, plumb_with_env, stderr, stdout, workspace_root};

/// A copy of the bundled example with `files` written into it.
fn example_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&workspace_root().join("examples/webapp"), dir.path());
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn scan_json(dir: &Path, today: &str) -> (Option<i32>, serde_json::Value, String) {
    let config = dir.display().to_string();
    let snapshot = dir.join("live.json").display().to_string();
    let output = plumb_with_env(
        &[
            "scan",
            "--config",
            &config,
            "--snapshot",
            &snapshot,
            "--format",
            "json",
        ],
        &[("PLUMB_TODAY", today)],
    );
    let doc = serde_json::from_str(&stdout(&output)).unwrap_or(serde_json::Value::Null);
    (output.status.code(), doc, stderr(&output))
}

const POLICY: &str = r#"
override {
  rule     = "tags-changed"
  severity = "high"
}

ignore {
  address = "aws_instance.web"
  path    = "instance_type"
  reason  = "resized for the load test"
  expires = "2027-01-31"
}
"#;

#[test]
fn ignores_and_overrides_apply() {
    let dir = example_with(&[(".plumb.hcl", POLICY)]);
    let (code, doc, err) = scan_json(dir.path(), "2026-11-22");
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(doc["summary"]["ignored"], 1);
    assert_eq!(
        doc["ignored"][0]["path"],
        serde_json::json!(["instance_type"])
    );
    assert_eq!(doc["ignored"][0]["reason"], "resized for the load test");
    let web = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["address"] == "aws_instance.web")
        .unwrap();
    let attributes = web["attributes"].as_array().unwrap();
    assert_eq!(
        attributes.len(),
        1,
        "instance_type is ignored, the tag remains"
    );
    assert_eq!(attributes[0]["rule"], "tags-changed");
    assert_eq!(
        attributes[0]["severity"], "high",
        "the override raises tags-changed"
    );
}

#[test]
fn an_expired_ignore_stops_applying_and_says_so() {
    let dir = example_with(&[(".plumb.hcl", POLICY)]);
    let (_, doc, _) = scan_json(dir.path(), "2030-01-01");
    assert_eq!(doc["summary"]["ignored"], 0);
    let warnings = doc["warnings"].to_string();
    assert!(warnings.contains("expired on 2027-01-31"), "{warnings}");
}

#[test]
fn driftignore_files_are_read_beside_the_code() {
    let dir = example_with(&[(
        ".driftignore",
        "# moved over from driftctl\naws_instance.*\n",
    )]);
    let (_, doc, err) = scan_json(dir.path(), "2026-11-22");
    assert!(err.is_empty(), "{err}");
    let instances = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["type"] == "aws_instance")
        .count();
    assert_eq!(instances, 0, "every instance, managed or not, is ignored");
    assert_eq!(doc["summary"]["ignored"], 2);
}

#[test]
fn a_bad_policy_is_a_one_line_error_with_its_line() {
    let dir = example_with(&[(".plumb.hcl", "ignore {\n  type = \"aws_vpc\"\n}\n")]);
    let config = dir.path().display().to_string();
    let snapshot = dir.path().join("live.json").display().to_string();
    let output = plumb_with_env(&["scan", "--config", &config, "--snapshot", &snapshot], &[]);
    let expected = format!(
        "{}:1: an `ignore` needs a `reason`",
        dir.path().join(".plumb.hcl").display()
    );
    assert_clean_error(&output, &expected);
}
