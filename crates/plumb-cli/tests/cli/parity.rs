//! `plumb parity` over `testdata/parity/three-envs` (three environments from one module, with
//! chosen differences) and `plumb diff` over `testdata/diff`.

use serde_json::Value;

use crate::{assert_clean_error, plumb, stderr, stdout};

const DIR: &str = "testdata/parity/three-envs";

fn envs() -> Vec<String> {
    ["dev", "staging", "prod"]
        .iter()
        .flat_map(|env| ["--env".to_owned(), format!("{env}={DIR}/envs/{env}")])
        .collect()
}

fn parity(extra: &[&str]) -> std::process::Output {
    let policy = format!("{DIR}/.plumb.hcl");
    let mut args = vec!["parity".to_owned(), "--policy".to_owned(), policy];
    args.extend(envs());
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    plumb(&args)
}

fn json(output: &std::process::Output) -> Value {
    let mut doc: Value =
        serde_json::from_str(&stdout(output)).unwrap_or_else(|e| panic!("{e}: {}", stderr(output)));
    doc["plumb_version"] = "[version]".into();
    doc
}

#[test]
fn three_environments_give_exactly_the_chosen_differences() {
    let output = parity(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report = json(&output);
    let found: Vec<(String, String, String, String, String)> = report["parity_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_owned(),
                f["address"].as_str().unwrap().to_owned(),
                f["kind"].as_str().unwrap().to_owned(),
                f["path"]
                    .as_array()
                    .map(|p| {
                        p.iter()
                            .map(|s| s.to_string().trim_matches('"').to_owned())
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .unwrap_or_default(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String, String, String)> = [
        (
            "critical",
            "module.app.aws_instance.web",
            "differs",
            "metadata_options.0.http_tokens",
            "aws-imdsv2-disabled",
        ),
        (
            "high",
            "module.app.aws_db_instance.main",
            "differs",
            "engine_version",
            "parity-version-differs",
        ),
        (
            "medium",
            "module.app.aws_ebs_volume.data",
            "differs",
            "type",
            "parity-setting-differs",
        ),
        (
            "medium",
            "module.app.aws_ebs_volume.scratch",
            "absent",
            "",
            "parity-resource-absent",
        ),
        (
            "low",
            "module.app.aws_instance.web",
            "differs",
            "tags.Owner",
            "parity-tags-differ",
        ),
    ]
    .iter()
    .map(|(a, b, c, d, e)| {
        (
            (*a).to_owned(),
            (*b).to_owned(),
            (*c).to_owned(),
            (*d).to_owned(),
            (*e).to_owned(),
        )
    })
    .collect();
    assert_eq!(found, expected);
    let engine = &report["parity_findings"][1];
    assert_eq!(
        engine["values"],
        serde_json::json!({"dev": "5.7", "staging": "5.5", "prod": "5.7"})
    );
    // Each environment's block, for code scanning and for people.
    assert_eq!(
        engine["sources"]["staging"]["file"],
        "testdata/parity/three-envs/modules/app/main.tf"
    );
    // The policy's expectations are listed, not reported; the password never shows.
    let expected = report["expected"].as_array().unwrap();
    let by = |address: &str, path: &str| {
        expected
            .iter()
            .find(|e| {
                e["address"] == address
                    && e["path"]
                        .as_array()
                        .is_some_and(|p| p.first().and_then(Value::as_str) == Some(path))
            })
            .map(|e| e["by"].as_str().unwrap().to_owned())
    };
    assert!(
        by("module.app.aws_instance.web", "instance_type")
            .is_some_and(|b| b.starts_with("policy ("))
    );
    assert_eq!(
        by("module.app.aws_db_instance.main", "password").as_deref(),
        Some("sensitive")
    );
    assert_eq!(
        by("module.app.aws_security_group.web", "ingress").as_deref(),
        Some("identity")
    );
    assert!(
        expected
            .iter()
            .any(|e| e["address"] == "aws_instance.bastion" && e["kind"] == "absent")
    );
    assert!(
        report["summary"]["resources"] == 7 && report["summary"]["equal"] == 2,
        "{}",
        report["summary"]
    );
    let text = stdout(&output);
    assert!(!text.contains("hunter2"), "a sensitive value leaked");
    // Through serde_json: insta's own serializer would spell its exact numbers as objects.
    insta::assert_snapshot!(
        "parity_three_envs_json",
        serde_json::to_string_pretty(&report).unwrap()
    );
}

#[test]
fn the_matrix_markdown_and_sarif() {
    let table = parity(&[]);
    assert_eq!(table.status.code(), Some(2));
    insta::assert_snapshot!("parity_three_envs_table", stdout(&table));
    let markdown = parity(&["--format", "markdown"]);
    let text = stdout(&markdown);
    assert!(!text.contains("hunter2"));
    insta::assert_snapshot!("parity_three_envs_markdown", text);

    let sarif: Value = serde_json::from_str(&stdout(&parity(&["--format", "sarif"]))).unwrap();
    let run = &sarif["runs"][0];
    let rules: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "aws-imdsv2-disabled",
            "parity-version-differs",
            "parity-setting-differs",
            "parity-tags-differ"
        ]
    );
    // The scratch volume has no block in any environment's code: a notification, as a scan's
    // findings without a source are.
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| {
        n["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("module.app.aws_ebs_volume.scratch")
    }));
    // Exit codes as scan's: nothing at or above critical but the one.
    assert_eq!(parity(&["--fail-on", "none"]).status.code(), Some(0));
}

#[test]
fn live_environments_are_matched_by_name_tag() {
    // Each environment's state turned into a snapshot of its live objects.
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        "parity".to_owned(),
        "--policy".to_owned(),
        format!("{DIR}/.plumb.hcl"),
        "--format".to_owned(),
        "json".to_owned(),
    ];
    for env in ["dev", "staging"] {
        let path = crate::workspace_root().join(format!("{DIR}/envs/{env}/terraform.tfstate"));
        let state: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let resources: Vec<Value> = state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let attributes = &r["instances"][0]["attributes"];
                serde_json::json!({
                    "region": "eu-west-1",
                    "type": r["type"],
                    "id": attributes["id"],
                    "attributes": attributes,
                })
            })
            .collect();
        let snapshot = serde_json::json!({"format_version": "1", "resources": resources});
        let file = dir.path().join(format!("{env}.json"));
        std::fs::write(&file, snapshot.to_string()).unwrap();
        args.extend(["--env".to_owned(), format!("{env}={}", file.display())]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = plumb(&args);
    let report = json(&output);
    let findings = report["parity_findings"].as_array().unwrap();
    let engine = findings
        .iter()
        .find(|f| f["path"] == serde_json::json!(["engine_version"]))
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(engine["address"], "aws_db_instance[\"${env}-main\"]");
    assert!(
        findings
            .iter()
            .any(|f| f["address"] == "aws_instance[\"${env}-web\"]"
                && f["rule"] == "aws-imdsv2-disabled")
    );
}

#[test]
fn bad_parity_inputs_are_one_line_errors() {
    let dev = format!("dev={DIR}/envs/dev");
    assert_clean_error(
        &plumb(&["parity", "--env", &dev]),
        "two or more environments",
    );
    assert_clean_error(
        &plumb(&["parity", "--env", &dev, "--env", &dev]),
        "two environments are named dev",
    );
    assert_clean_error(
        &plumb(&["parity", "--env", &dev, "--env", "qa=nowhere"]),
        "--env qa=nowhere: nowhere: no such file or directory",
    );
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.tfstate");
    std::fs::write(&broken, "{\"version\": 4,").unwrap();
    let output = plumb(&[
        "parity",
        "--env",
        &dev,
        "--env",
        &format!("qa={}", broken.display()),
    ]);
    assert_clean_error(&output, "broken.tfstate");
}

#[test]
fn diff_says_what_the_last_apply_changed() {
    let old = "testdata/diff/serial-41.tfstate";
    let new = "testdata/diff/serial-42.tfstate";
    let output = plumb(&["diff", old, new, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let changes: Vec<(&str, &str, &str)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["severity"].as_str().unwrap(),
                c["action"].as_str().unwrap(),
                c["address"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("critical", "changed", "module.app.aws_security_group.web"),
            ("high", "removed", "module.app.aws_ebs_volume.scratch"),
            ("medium", "added", "module.app.aws_ebs_volume.logs"),
            ("medium", "changed", "module.app.aws_instance.web"),
            ("medium", "replaced", "module.app.aws_subnet.app[\"dev-a\"]"),
        ]
    );
    let summary = &report["summary"];
    assert_eq!(
        (
            summary["added"].as_u64(),
            summary["removed"].as_u64(),
            summary["changed"].as_u64(),
            summary["replaced"].as_u64(),
            summary["unchanged"].as_u64()
        ),
        (Some(1), Some(1), Some(2), Some(1), Some(2))
    );
    let group = &report["changes"][0]["attributes"][0];
    assert_eq!(group["rule"], "aws-sg-ingress-open-world");
    assert_eq!(group["added"][0]["cidr_blocks"][0], "0.0.0.0/0");
    // The same file twice: nothing changed. And --fail-on makes a change fail CI.
    let same = plumb(&["diff", old, old, "--format", "json"]);
    assert_eq!(json(&same)["changes"], serde_json::json!([]));
    assert_eq!(
        plumb(&["diff", old, new, "--fail-on", "high"])
            .status
            .code(),
        Some(2)
    );
    let table = plumb(&["diff", old, new]);
    insta::assert_snapshot!("diff_table", stdout(&table));
    assert_clean_error(
        &plumb(&["diff", old, "testdata/diff/none.tfstate"]),
        "testdata/diff/none.tfstate: no such file or directory",
    );
}

/// v3 states (flatmap: every leaf a string) of types outside the EC2 family are typed by the
/// shipped schema: numbers come out as numbers, and a set whose elements the two serials list
/// in another order is unchanged.
#[test]
fn diff_of_v3_states_types_values_by_the_shipped_schema() {
    let old = "testdata/diff/v3/serial-6.tfstate";
    let new = "testdata/diff/v3/serial-7.tfstate";
    let output = plumb(&["diff", old, new, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let mut changed: Vec<(String, Value, Value)> = Vec::new();
    for change in report["changes"].as_array().unwrap() {
        for attribute in change["attributes"].as_array().unwrap() {
            changed.push((
                format!(
                    "{}.{}",
                    change["address"].as_str().unwrap(),
                    attribute["path"][0]
                ),
                attribute["old"].clone(),
                attribute["new"].clone(),
            ));
        }
    }
    changed.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        changed,
        [
            (
                "aws_db_instance.main.\"allocated_storage\"".to_owned(),
                serde_json::json!(20),
                serde_json::json!(50)
            ),
            (
                "aws_sqs_queue.jobs.\"visibility_timeout_seconds\"".to_owned(),
                serde_json::json!(30),
                serde_json::json!(60)
            ),
        ],
        "{}",
        stdout(&output)
    );
}
