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
