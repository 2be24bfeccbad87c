//! The drift report in every format, for the bundled example: a pull-request comment, SARIF
//! for code scanning, plan JSON for policy tools; and several formats in one run.

use crate::{plumb, stderr, stdout};

const EXAMPLE: [&str; 5] = [
    "scan",
    "--config",
    "examples/webapp",
    "--snapshot",
    "examples/webapp/live.json",
];

fn example(extra: &[&str]) -> (Option<i32>, String) {
    let args: Vec<&str> = EXAMPLE.iter().chain(extra).copied().collect();
    let output = plumb(&args);
    (output.status.code(), stdout(&output) + &stderr(&output))
}

#[test]
fn markdown_is_a_comment_ci_can_update_in_place() {
    let (code, text) = example(&["--format", "markdown"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.starts_with("<!-- plumb:default -->\n"), "{text}");
    assert!(text.contains("## plumb: 1 critical"), "{text}");
    assert!(text.contains("`aws_security_group.web`"), "{text}");
    assert!(text.contains("<details>"), "{text}");

    let (code, cut) = example(&["--format", "markdown", "--max-comment-size", "1500"]);
    assert_eq!(code, Some(2));
    assert!(cut.len() <= 1500, "{} bytes", cut.len());
    assert!(cut.contains("not shown"), "{cut}");
    assert!(cut.starts_with("<!-- plumb:default -->"));
}

#[test]
fn sarif_locates_each_finding_at_its_block() {
    let (code, text) = example(&["--format", "sarif"]);
    assert_eq!(code, Some(2), "{text}");
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "aws-sg-ingress-open-world"));
    let results = run["results"].as_array().unwrap();
    let open = results
        .iter()
        .find(|r| r["ruleId"] == "aws-sg-ingress-open-world")
        .expect("the open security group is a result");
    assert_eq!(open["level"], "error");
    let location = &open["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "examples/webapp/main.tf"
    );
    assert!(location["region"]["startLine"].as_u64().unwrap() > 0);
}

#[test]
fn plan_json_reads_as_terraforms_resource_drift() {
    let (code, text) = example(&["--format", "plan-json"]);
    assert_eq!(code, Some(2), "{text}");
    let plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(plan["format_version"], "1.2");
    let drift = plan["resource_drift"].as_array().unwrap();
    let group = drift
        .iter()
        .find(|d| d["address"] == "aws_security_group.web")
        .expect("the drifted group");
    assert_eq!(group["mode"], "managed");
    assert_eq!(group["type"], "aws_security_group");
    assert_eq!(
        group["provider_name"],
        "registry.terraform.io/hashicorp/aws"
    );
    assert_eq!(group["change"]["actions"], serde_json::json!(["update"]));
    let before = group["change"]["before"]["ingress"]
        .as_array()
        .unwrap()
        .len();
    let after = group["change"]["after"]["ingress"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before + 1, "{group}");
    // Noise is not drift: only findings above benign are listed.
    assert!(drift.len() <= 3, "{plan}");
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("plumb.md");
    let sarif = dir.path().join("plumb.sarif");
    let plan = dir.path().join("drift.json");
    let outputs = [
        format!("markdown={}", md.display()),
        format!("sarif={}", sarif.display()),
        format!("plan-json={}", plan.display()),
    ];
    let (code, text) = example(&[
        "--format",
        "json",
        "--output",
        &outputs[0],
        "--output",
        &outputs[1],
        "--output",
        &outputs[2],
    ]);
    assert_eq!(code, Some(2));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(json["findings"].is_array());
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .starts_with("<!-- plumb:")
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert!(plan["resource_drift"].is_array());
}
