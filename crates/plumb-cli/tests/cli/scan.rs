//! `plumb scan`.

use crate::{assert_clean_error, plumb, stderr, stdout};

#[test]
fn scan_the_bundled_example() {
    let output = plumb(&[
        "scan",
        "--config",
        "examples/webapp",
        "--snapshot",
        "examples/webapp/live.json",
    ]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "drift found; stderr: {}",
        stderr(&output)
    );
    let text = stdout(&output);
    assert!(
        text.contains("ingress on port 22 opened to the whole internet"),
        "{text}"
    );
    insta::assert_snapshot!("example_table", text);
}

#[test]
fn fail_on_sets_the_threshold() {
    let base = [
        "scan",
        "--config",
        "examples/webapp",
        "--snapshot",
        "examples/webapp/live.json",
        "--format",
        "json",
    ];
    let critical = plumb(&[&base[..], &["--fail-on", "critical"]].concat());
    assert_eq!(critical.status.code(), Some(2));
    let none = plumb(&[&base[..], &["--fail-on", "none"]].concat());
    assert_eq!(none.status.code(), Some(0), "{}", stderr(&none));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&none)).unwrap();
    assert_eq!(doc["summary"]["by_severity"]["critical"], 1);
}

#[test]
fn an_offline_scan_needs_a_live_source() {
    let output = plumb(&["scan", "--offline", "--config", "examples/webapp"]);
    assert_clean_error(&output, "--snapshot");
}

/// `testdata/regions/`: a v4 state over three provider configurations (the default in
/// us-east-1, `west` in us-west-2, `ohio` with nothing that names its region) and an IAM role,
/// against a snapshot of the three regions.
fn scan_regions(extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec![
        "scan",
        "--state",
        "testdata/regions/terraform.tfstate",
        "--snapshot",
        "testdata/regions/live.json",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let output = plumb(&args);
    let report = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&output), stderr(&output)));
    (output.status.code(), report)
}

/// Without `--config`, a resource that records no region (route-table associations, EIPs,
/// NAT gateways, rules) takes the one its provider configuration's other resources record:
/// each alias its own. Only what no sibling places stays unknown.
#[test]
fn multi_region_state_without_config_places_resources_by_their_provider() {
    let (code, report) = scan_regions(&[]);
    assert_eq!(code, Some(0), "{report}");
    let findings = report["findings"].as_array().unwrap();
    let not_checked: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["kind"] == "not_checked")
        .map(|f| &f["address"])
        .collect();
    assert_eq!(not_checked, ["aws_eip.ohio"], "{report}");
    assert!(
        findings[0]["reason"]
            .as_str()
            .unwrap()
            .contains("pass --region"),
        "{report}"
    );
    // No region of the state names us-east-2, so nothing there is read or called unmanaged.
    assert_eq!(report["summary"]["unmanaged"], 0, "{report}");
    assert_eq!(report["summary"]["in_sync"], 10, "{report}");
}

/// `--region` places what is still unknown, even where the state names other regions.
#[test]
fn region_flag_places_what_nothing_else_does() {
    let (code, report) = scan_regions(&["--region", "us-east-2"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["summary"]["in_sync"], 11, "{report}");
}

/// A global type's object (an IAM role) is recorded in a snapshot without a region and
/// matched to the state's, which records none either; the report calls its region `global`.
#[test]
fn global_objects_match_without_a_region() {
    let (code, report) = scan_regions(&["--region", "us-east-2"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["summary"]["unmanaged"], 0, "{report}");
    let (_, report) = scan_regions(&[]);
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f["type"] != "aws_iam_role" && f["address"] != "aws_iam_role.deploy"),
        "{report}"
    );
}
