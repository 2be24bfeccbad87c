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
    // Both queues of the prior state are managed; the one the refresh saw change is in sync
    // after normalization, as is the other.
    assert_eq!(report["summary"]["managed"], 2);
    assert_eq!(report["summary"]["in_sync"], 2);
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

fn finding<'r>(report: &'r serde_json::Value, address: &str) -> &'r serde_json::Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["address"] == address)
        .unwrap_or_else(|| panic!("no finding for {address}: {report}"))
}

/// Drift on a global type (IAM has no region, so nothing names one) is classified, not
/// `not_checked`: a trust policy opened to any AWS principal fails the run.
#[test]
fn drift_on_a_resource_with_no_region_is_classified() {
    let (code, report) = json(&[
        "check-plan",
        "testdata/plans/iam-trust-opened.json",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(2), "{report}");
    let role = finding(&report, "aws_iam_role.deploy");
    assert_eq!(role["kind"], "changed");
    assert!(role["severity"] != "benign" && !role["severity"].is_null());
    assert_eq!(role["attributes"][0]["path"][0], "assume_role_policy");
    assert_eq!(report["summary"]["not_checked"], 0);
    crate::docs::assert_schema(&report, "the report");
}

/// A provider plumb has no rules for (Terraform's own `tfcoremock`): the generic
/// classification, a change outside Terraform at the fallback severity, never silence.
#[test]
fn drift_of_a_provider_without_rules_gets_the_generic_classification() {
    let (code, report) = json(&[
        "check-plan",
        "testdata/plans/tfcoremock-drift.json",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(2), "{report}");
    let mock = finding(&report, "tfcoremock_simple_resource.drift");
    assert_eq!(mock["kind"], "changed");
    assert_eq!(mock["severity"], "medium");
    assert_eq!(mock["rules"], serde_json::json!(["attribute-changed"]));
    let paths: Vec<&serde_json::Value> = mock["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["path"][0])
        .collect();
    assert_eq!(paths, ["integer", "string"]);
    assert!(mock["region"].is_null(), "{mock}");
}

/// `managed` counts the plan's prior state, not the drifted entries; the region comes from
/// the plan's own provider configuration when nothing else names it.
#[test]
fn managed_counts_the_plans_prior_state() {
    let (code, report) = json(&[
        "check-plan",
        "testdata/plans/prior-state-six.json",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(2), "{report}");
    assert_eq!(report["summary"]["managed"], 6, "{report}");
    assert_eq!(report["summary"]["in_sync"], 5, "{report}");
    assert_eq!(report["summary"]["drifted"], 1, "{report}");
    let eip = finding(&report, "aws_eip.nat");
    assert_eq!(eip["region"], "eu-central-1");
    assert_eq!(
        eip["attributes"][0]["path"],
        serde_json::json!(["tags", "Owner"])
    );
}

/// A workspace's first plan has no `prior_state`: an empty state for check-plan and inspect.
#[test]
fn plan_without_prior_state_is_an_empty_state() {
    let (code, report) = json(&[
        "check-plan",
        "testdata/plans/first-plan.json",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["summary"]["managed"], 0);
    let inspect = plumb(&[
        "inspect",
        "--state",
        "testdata/plans/first-plan.json",
        "--format",
        "json",
    ]);
    assert_eq!(inspect.status.code(), Some(0), "{}", stderr(&inspect));
}

/// A group whose rules are separate resources: the refresh shows those rules inline on the
/// group, which is not drift (Terraform plans it as a no-op), as the scan already judges.
#[test]
fn group_rules_managed_as_separate_resources_are_not_drift_of_the_group() {
    let (code, report) = json(&[
        "check-plan",
        "testdata/plans/sg-rules-separate.json",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["summary"]["managed"], 3);
    let suppressed = report["suppressed"].as_array().unwrap();
    for attribute in ["ingress", "egress"] {
        assert!(
            suppressed
                .iter()
                .any(|s| s["path"] == serde_json::json!([attribute])
                    && s["rule"] == "separately-managed"),
            "{attribute}: {report}"
        );
    }
}
