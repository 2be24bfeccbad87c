//! `.plumb.hcl`, `--policy` and `.driftignore` read by `plumb scan`, on a copy of the bundled
//! example (its drift: a world-open SG rule, a public subnet, `aws_instance.web` resized and
//! tagged, one unmanaged instance).

use std::path::Path;

use serde_json::{Value, json};

use crate::{assert_clean_error, plumb_with_env, stderr, stdout, workspace_root};

const WEB_ID: &str = "i-0123456789abcdef0";

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

/// `plumb scan --config DIR --snapshot DIR/live.json --format json EXTRA...` on `today`.
fn scan(dir: &Path, today: &str, extra: &[&str]) -> std::process::Output {
    let config = dir.display().to_string();
    let snapshot = dir.join("live.json").display().to_string();
    let mut args = vec![
        "scan",
        "--config",
        &config,
        "--snapshot",
        &snapshot,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    plumb_with_env(&args, &[("PLUMB_TODAY", today)])
}

/// Exit code and report of a scan that must succeed.
fn scan_json(dir: &Path, today: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let output = scan(dir, today, extra);
    let err = stderr(&output);
    assert!(err.is_empty(), "stderr: {err}");
    let doc = serde_json::from_str(&stdout(&output)).expect("a JSON report");
    (output.status.code(), doc)
}

fn findings<'a>(doc: &'a Value, resource_type: &str) -> Vec<&'a Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["type"] == resource_type)
        .collect()
}

fn web(doc: &Value) -> &Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["address"] == "aws_instance.web")
        .expect("aws_instance.web drifted")
}

const POLICY: &str = r#"# the webapp team's policy
override {
  rule     = "tags-changed"
  severity = "high"
}

ignore {
  address = "aws_instance.web"
  path    = "instance_type"
  reason  = "resized for the load test"
  owner   = "webapp-team"
  expires = "2027-01-31"
}
"#;

#[test]
fn ignores_and_overrides_apply() {
    let dir = example_with(&[(".plumb.hcl", POLICY)]);
    let (code, doc) = scan_json(dir.path(), "2026-11-22", &[]);
    assert_eq!(code, Some(2), "drift remains");
    assert_eq!(doc["summary"]["ignored"], 1);
    let origin = format!("policy ({}:7)", dir.path().join(".plumb.hcl").display());
    assert_eq!(
        doc["ignored"],
        json!([{
            "workspace": "default",
            "address": "aws_instance.web",
            "type": "aws_instance",
            "id": WEB_ID,
            "path": ["instance_type"],
            "by": origin,
            "reason": "resized for the load test",
        }])
    );
    let web = web(&doc);
    assert_eq!(
        web["attributes"].as_array().unwrap().len(),
        1,
        "instance_type is ignored, the tag remains: {web}"
    );
    assert_eq!(web["attributes"][0]["path"], json!(["tags", "Owner"]));
    assert_eq!(web["attributes"][0]["rule"], "tags-changed");
    assert_eq!(
        web["attributes"][0]["severity"], "high",
        "the override raises tags-changed"
    );
    assert_eq!(web["severity"], "high");
    assert_eq!(
        doc["summary"]["by_severity"],
        json!({"critical": 1, "high": 2, "medium": 1, "low": 0})
    );
    assert_eq!(doc["warnings"], json!([]));
}

#[test]
fn an_expired_ignore_stops_applying_and_says_so() {
    let dir = example_with(&[(".plumb.hcl", POLICY)]);
    let (code, doc) = scan_json(dir.path(), "2030-01-01", &[]);
    assert_eq!(code, Some(2));
    assert_eq!(doc["summary"]["ignored"], 0);
    assert_eq!(doc["ignored"], json!([]));
    let web = web(&doc);
    let rules: Vec<&Value> = web["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["rule"])
        .collect();
    assert_eq!(rules, ["attribute-changed", "tags-changed"], "{web}");
    assert_eq!(web["attributes"][0]["severity"], "medium");
    let expected = format!(
        "{}:7: the ignore expired on 2027-01-31 and no longer applies (resized for the load test)",
        dir.path().join(".plumb.hcl").display()
    );
    assert_eq!(doc["warnings"], json!([expected]));

    // The last day before `expires` still applies.
    let (_, doc) = scan_json(dir.path(), "2027-01-30", &[]);
    assert_eq!(doc["summary"]["ignored"], 1);
}

#[test]
fn driftignore_files_are_read_beside_the_code() {
    let dir = example_with(&[(
        ".driftignore",
        "# moved over from driftctl\naws_instance.*\n",
    )]);
    let (code, doc) = scan_json(dir.path(), "2026-11-22", &[]);
    assert_eq!(code, Some(2), "the security group and subnet still drift");
    assert!(
        findings(&doc, "aws_instance").is_empty(),
        "every instance, managed or not, is ignored"
    );
    assert_eq!(doc["summary"]["ignored"], 2);
    assert_eq!(doc["summary"]["unmanaged"], 0);
    for ignored in doc["ignored"].as_array().unwrap() {
        assert_eq!(ignored["reason"], ".driftignore:2");
        assert_eq!(ignored["path"], Value::Null, "whole resources");
    }
}

#[test]
fn plumb_hcl_and_driftignore_combine_and_can_clear_every_finding() {
    let dir = example_with(&[
        (
            ".plumb.hcl",
            "ignore {\n  type   = \"aws_security_group\"\n  path   = \"ingress\"\n  \
             reason = \"debug access, closed by the bastion work\"\n}\n",
        ),
        (
            ".driftignore",
            "aws_subnet.subnet-0ee55ff66aa77bb88.map_public_ip_on_launch\naws_instance\n",
        ),
    ]);
    let (code, doc) = scan_json(dir.path(), "2026-11-22", &[]);
    assert_eq!(code, Some(0), "nothing left at or above low: {doc}");
    assert_eq!(doc["findings"], json!([]));
    assert_eq!(doc["summary"]["ignored"], 4);
    let mut reasons: Vec<&str> = doc["ignored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["reason"].as_str().unwrap())
        .collect();
    reasons.sort_unstable();
    assert_eq!(
        reasons,
        [
            ".driftignore:1",
            ".driftignore:2",
            ".driftignore:2",
            "debug access, closed by the bastion work"
        ]
    );
}

#[test]
fn driftignore_negation_un_ignores() {
    let dir = example_with(&[(
        ".driftignore",
        format!(
            "aws_instance.i-0fedcba9876543210\naws_instance.{WEB_ID}\n!aws_instance.{WEB_ID}\n"
        )
        .as_str(),
    )]);
    let (_, doc) = scan_json(dir.path(), "2026-11-22", &[]);
    assert_eq!(doc["summary"]["ignored"], 1);
    assert_eq!(doc["ignored"][0]["id"], "i-0fedcba9876543210");
    assert_eq!(findings(&doc, "aws_instance").len(), 1);
    assert_eq!(web(&doc)["id"], WEB_ID);
}

#[test]
fn an_explicit_policy_replaces_plumb_hcl_but_not_driftignore() {
    let dir = example_with(&[
        (".plumb.hcl", "this is not read {\n"),
        (".driftignore", "aws_security_group\n"),
    ]);
    let elsewhere = tempfile::tempdir().unwrap();
    let policy = elsewhere.path().join("team-policy.hcl");
    std::fs::write(&policy, POLICY).unwrap();
    let (code, doc) = scan_json(
        dir.path(),
        "2026-11-22",
        &["--policy", &policy.display().to_string()],
    );
    assert_eq!(code, Some(2));
    assert_eq!(doc["summary"]["ignored"], 2, "instance_type and the group");
    assert!(findings(&doc, "aws_security_group").is_empty());
    assert_eq!(web(&doc)["severity"], "high");
    assert_eq!(
        doc["ignored"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"] == json!(["instance_type"]))
            .unwrap()["by"],
        format!("policy ({}:7)", policy.display())
    );
}

#[test]
fn bad_policies_are_one_line_errors_naming_file_and_line() {
    let dir = example_with(&[(".plumb.hcl", "ignore {\n  type = \"aws_vpc\"\n}\n")]);
    assert_clean_error(
        &scan(dir.path(), "2026-11-22", &[]),
        &format!(
            "{}:1: an `ignore` needs a `reason`",
            dir.path().join(".plumb.hcl").display()
        ),
    );

    let dir = example_with(&[(
        ".plumb.hcl",
        "override {\n  rule     = \"tags-changed\"\n  severity = \"urgent\"\n}\n",
    )]);
    assert_clean_error(
        &scan(dir.path(), "2026-11-22", &[]),
        &format!(
            "{}:3: unknown severity `urgent`",
            dir.path().join(".plumb.hcl").display()
        ),
    );

    let dir = example_with(&[(
        ".plumb.hcl",
        "# secrets\nsensitive {\n  type = \"aws_instance\"\n}\n",
    )]);
    assert_clean_error(
        &scan(dir.path(), "2026-11-22", &[]),
        &format!(
            "{}:2: a `sensitive` needs the `path` of the attribute to hide",
            dir.path().join(".plumb.hcl").display()
        ),
    );

    let dir = example_with(&[(".driftignore", "*\n!aws_s3*\n")]);
    assert_clean_error(
        &scan(dir.path(), "2026-11-22", &[]),
        &format!(
            "{}:2: `!aws_s3*` un-ignores only part of what line 1",
            dir.path().join(".driftignore").display()
        ),
    );

    let dir = example_with(&[]);
    assert_clean_error(
        &scan(
            dir.path(),
            "2026-11-22",
            &["--policy", "no/such/policy.hcl"],
        ),
        "no/such/policy.hcl: cannot read",
    );
    assert_clean_error(
        &scan(dir.path(), "next tuesday", &[]),
        "PLUMB_TODAY=next tuesday: expected a date YYYY-MM-DD",
    );
}

/// The `policy-sensitive-tag` scenario (a tag `.plumb.hcl` names sensitive, changed live) in
/// every output format: the change is reported, its values never shown.
#[test]
fn values_the_policy_names_sensitive_appear_in_no_format() {
    let dir = "testdata/scenarios/policy-sensitive-tag";
    let secrets = std::fs::read_to_string(workspace_root().join(dir).join("must-not-appear"))
        .expect("the planted values");
    let (state, snapshot) = (
        format!("{dir}/terraform.tfstate"),
        format!("{dir}/live.json"),
    );
    for format in ["table", "json"] {
        let output = plumb_with_env(
            &[
                "scan",
                "--config",
                dir,
                "--state",
                &state,
                "--snapshot",
                &snapshot,
                "--format",
                format,
            ],
            &[("PLUMB_TODAY", "2026-11-22")],
        );
        let (out, err) = (stdout(&output), stderr(&output));
        assert_eq!(output.status.code(), Some(2), "{format}: {err}");
        assert!(
            out.contains("DbPassword"),
            "{format}: the change is reported: {out}"
        );
        assert!(out.contains("(sensitive)"), "{format}: {out}");
        for secret in secrets.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                !out.contains(secret) && !err.contains(secret),
                "{format} shows {secret}: {out}{err}"
            );
        }
    }
    // Without the policy the same scan shows them: the scenario tests what it says.
    let output = plumb_with_env(
        &[
            "scan",
            "--config",
            dir,
            "--state",
            &state,
            "--snapshot",
            &snapshot,
            "--format",
            "json",
            "--policy",
            "/dev/null",
        ],
        &[("PLUMB_TODAY", "2026-11-22")],
    );
    assert!(stdout(&output).contains(secrets.lines().next().unwrap_or_default()));
}
