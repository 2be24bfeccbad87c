//! The build without the `aws` feature (`--no-default-features`): everything that reads the
//! live side from AWS says, in one line, that this build has no adapter, instead of failing
//! some other way. `scripts/test.sh` runs the whole suite in this build too.

use crate::{assert_clean_error, plumb};

const ABSENT: &str = "this plumb was built without the AWS adapter (cargo feature `aws`)";

#[test]
fn the_iam_policy_needs_the_aws_adapter() {
    assert_clean_error(&plumb(&["iam-policy"]), ABSENT);
}

#[test]
fn a_live_scan_and_a_snapshot_need_the_aws_adapter() {
    assert_clean_error(
        &plumb(&[
            "scan",
            "--config",
            "examples/webapp",
            "--region",
            "us-east-1",
        ]),
        ABSENT,
    );
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("live.json");
    assert_clean_error(
        &plumb(&[
            "snapshot",
            "--region",
            "us-east-1",
            "--output",
            file.to_str().unwrap(),
        ]),
        ABSENT,
    );
    assert!(!file.exists(), "no snapshot is written");
}

/// `plumb adapters` says the built-in AWS adapter is not in this build, rather than list it as
/// serving no types.
#[test]
fn the_adapters_list_says_the_aws_adapter_is_not_built_in() {
    let output = plumb(&["adapters"]);
    let text = crate::stdout(&output);
    assert!(
        text.contains("serves: nothing: this plumb was built without the AWS adapter"),
        "{text}"
    );
    assert!(!text.contains("the live EC2 API"), "{text}");
}
