//! `plumb check-plan`: a plan's `resource_drift` classified as a scan classifies live drift,
//! and the plan's changes that would overwrite that drift named.

use std::path::{Path, PathBuf};

use crate::{assert_clean_error, plumb, plumb_with_stdin, stderr, stdout};

const BUILT: &str = "testdata/plans/drift-reverted.json";

fn corpus() -> PathBuf {
    let dir = std::env::var_os("PLUMB_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    assert!(
        dir.is_dir(),
        "corpus not found at {}: set PLUMB_CORPUS to the corpus directory",
        dir.display()
    );
    dir
}

fn json(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = plumb(args);
    let report = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&output), stderr(&output)));
    (output.status.code(), report)
}

/// The real plan whose only drift is `tags: null -> {}`: noise, judged so, exit 0.
#[test]
fn a_real_plans_tags_null_to_empty_is_benign() {
    let plan = corpus().join(
        "plans/real/tinystacks__precloud/test__commands__check__test-data__simple-sqs-stack__MockTfPlan.json",
    );
    let (code, report) = json(&["check-plan", plan.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["summary"]["managed"], 1);
    assert_eq!(report["summary"]["in_sync"], 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report}");
    let suppressed = report["suppressed"].as_array().unwrap();
    assert!(
        suppressed
            .iter()
            .any(|s| s["path"] == serde_json::json!(["tags"]) && s["rule"] == "empty-equals-null"),
        "{report}"
    );
    crate::docs::assert_schema(&report, "the report");
}

/// Every real plan reads and reports (most have no drift).
#[test]
fn every_real_plan_is_checked() {
    let dir = corpus().join("plans/real/tinystacks__precloud");
    let mut plans = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        plans += 1;
        let output = plumb(&["check-plan", path.to_str().unwrap(), "--format", "json"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            stderr(&output)
        );
    }
    assert_eq!(plans, 4);
}

#[test]
fn drift_is_classified_and_the_plans_reverts_are_named() {
    let (code, report) = json(&["check-plan", BUILT, "--format", "json"]);
    assert_eq!(code, Some(2), "{report}");
    let findings = report["findings"].as_array().unwrap();
    let group = findings
        .iter()
        .find(|f| f["address"] == "aws_security_group.web")
        .unwrap();
    assert_eq!(group["kind"], "changed");
    assert_eq!(group["severity"], "critical");
    assert!(
        group["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "aws-sg-ingress-open-world")
    );
    let volume = findings
        .iter()
        .find(|f| f["address"] == "aws_ebs_volume.data")
        .unwrap();
    assert_eq!(volume["kind"], "missing");
    // The subnet's tags null -> {} is noise, not drift.
    assert!(
        findings.iter().all(|f| f["address"] != "aws_subnet.app"),
        "{report}"
    );
    assert_eq!(report["summary"]["in_sync"], 1);
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    assert!(
        warnings.contains(
            &"aws_security_group.web: this plan reverts the change made outside Terraform (ingress)"
        ),
        "{warnings:?}"
    );
    assert!(
        warnings.contains(
            &"aws_ebs_volume.data: this plan creates it again (it was deleted outside Terraform)"
        ),
        "{warnings:?}"
    );
    crate::docs::assert_schema(&report, "the report");

    // The same from standard input, as `terraform show -json tfplan | plumb check-plan -`.
    let bytes = std::fs::read(crate::workspace_root().join(BUILT)).unwrap();
    let piped = plumb_with_stdin(&["check-plan", "-", "--format", "json"], Some(&bytes));
    assert_eq!(piped.status.code(), Some(2));
    let piped: serde_json::Value = serde_json::from_str(&stdout(&piped)).unwrap();
    assert_eq!(piped, report);

    // --fail-on critical still exits 2; none exits 0.
    assert_eq!(
        plumb(&["check-plan", BUILT, "--fail-on", "critical"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        plumb(&["check-plan", BUILT, "--fail-on", "none"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn bad_input_is_one_line_naming_the_file() {
    assert_clean_error(
        &plumb(&["check-plan", "testdata/plans/nonexistent.json"]),
        "testdata/plans/nonexistent.json",
    );
    assert_clean_error(
        &plumb(&["check-plan", "examples/webapp/terraform.tfstate"]),
        "not a plan",
    );
    assert_clean_error(
        &plumb(&[
            "check-plan",
            BUILT,
            "--state",
            "examples/webapp/terraform.tfstate",
        ]),
        "--state",
    );
}
