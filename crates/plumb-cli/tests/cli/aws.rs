//! `plumb scan` (live), `plumb snapshot` and `plumb iam-policy` against a real EC2 API:
//! moto's server on loopback, which `scripts/test.sh` starts and names in
//! `PLUMB_MOTO_ENDPOINT` (the common test command points every AWS call there).

use crate::{assert_clean_error, plumb, plumb_with_env, stderr, stdout};

fn moto() -> String {
    std::env::var("PLUMB_MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!("PLUMB_MOTO_ENDPOINT is not set: run the tests through scripts/test.sh, which starts moto's EC2 server")
    })
}

/// A v4 state of one instance in `account`.
fn state_in_account(dir: &std::path::Path, account: &str) -> String {
    let path = dir.join("terraform.tfstate");
    let state = serde_json::json!({
        "version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "aws-test",
        "outputs": {},
        "resources": [{
            "mode": "managed", "type": "aws_instance", "name": "web",
            "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
            "instances": [{"schema_version": 1, "attributes": {
                "id": "i-0aaaabbbbccccdddd",
                "arn": format!("arn:aws:ec2:us-west-1:{account}:instance/i-0aaaabbbbccccdddd"),
                "instance_type": "t3.micro",
            }}],
        }],
    });
    std::fs::write(&path, state.to_string()).unwrap();
    path.display().to_string()
}

/// Every type the adapter reads but placement groups, which moto's server does not implement
/// (it answers `DescribePlacementGroups` with an HTML 500 page).
fn types_moto_serves() -> String {
    let listing = plumb(&["adapters", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&listing)).unwrap();
    let aws = doc["adapters"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["name"] == "aws"))
        .expect("the aws adapter is listed");
    aws["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .filter(|t| *t != "aws_placement_group")
        .collect::<Vec<_>>()
        .join(",")
}

fn empty_state(dir: &std::path::Path) -> String {
    let path = dir.join("empty.tfstate");
    std::fs::write(
        &path,
        r#"{"version":4,"terraform_version":"1.9.0","serial":1,"lineage":"aws-test","outputs":{},"resources":[]}"#,
    )
    .unwrap();
    path.display().to_string()
}

#[test]
fn the_iam_policy_is_read_only() {
    let output = plumb(&["iam-policy"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let policy: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let actions = policy["Statement"][0]["Action"].as_array().unwrap();
    assert!(actions.len() > 20);
    for action in actions {
        let action = action.as_str().unwrap();
        assert!(
            action.starts_with("ec2:Describe")
                || action.starts_with("ec2:Get")
                || action == "sts:GetCallerIdentity",
            "{action}"
        );
    }
}

/// Region us-west-1 of moto holds only what AWS creates by itself (the default VPC, its
/// subnets, group, route table, network ACL, DHCP options): a scan of an empty state finds
/// nothing unmanaged, and a snapshot of it scans offline exactly as the live read does.
#[test]
fn a_snapshot_scans_offline_as_the_live_read_does() {
    let _ = moto();
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("live.json").display().to_string();
    let types = types_moto_serves();
    let output = plumb(&[
        "snapshot",
        "--region",
        "us-west-1",
        "--types",
        &types,
        "--output",
        &snapshot,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("API calls"), "{}", stderr(&output));
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    let resources = recorded["resources"].as_array().unwrap();
    assert!(
        resources
            .iter()
            .any(|r| r["type"] == "aws_vpc" && r["meta"]["default"] == "true"),
        "the default VPC is recorded as AWS's"
    );

    let state = empty_state(dir.path());
    let live = plumb(&[
        "scan",
        "--state",
        &state,
        "--region",
        "us-west-1",
        "--types",
        &types,
        "--format",
        "json",
    ]);
    let offline = plumb(&[
        "scan",
        "--state",
        &state,
        "--snapshot",
        &snapshot,
        "--format",
        "json",
    ]);
    assert_eq!(live.status.code(), Some(0), "{}", stderr(&live));
    assert_eq!(offline.status.code(), Some(0), "{}", stderr(&offline));
    let mut live: serde_json::Value = serde_json::from_str(&stdout(&live)).unwrap();
    crate::docs::assert_schema(&live, "the live report");
    let offline: serde_json::Value = serde_json::from_str(&stdout(&offline)).unwrap();
    // Only the live read made API calls.
    let api = live
        .as_object_mut()
        .unwrap()
        .remove("stats")
        .expect("a live scan reports stats");
    assert!(api["api_calls"].as_u64().unwrap() >= 10, "{api}");
    assert!(
        api["calls"]["DescribeInstances"].as_u64() == Some(1),
        "{api}"
    );
    assert_eq!(live, offline);
    assert_eq!(live["summary"]["unmanaged"], 0, "{live}");
}

#[test]
fn credentials_of_another_account_stop_the_scan() {
    let _ = moto();
    let dir = tempfile::tempdir().unwrap();
    let state = state_in_account(dir.path(), "111122223333");
    let output = plumb(&["scan", "--state", &state]);
    assert_clean_error(&output, "--any-account");
    assert!(
        stderr(&output).contains("111122223333"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("123456789012"),
        "{}",
        stderr(&output)
    );

    // With --any-account the scan runs, and the instance is missing from this account.
    let types = types_moto_serves();
    let output = plumb(&[
        "scan",
        "--state",
        &state,
        "--any-account",
        "--types",
        &types,
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["summary"]["missing"], 1, "{report}");

    // One live read sees one account: a workspace of another account stops a scan of many,
    // even beside one of the right account, and the error names it.
    let here = tempfile::tempdir().unwrap();
    let right = state_in_account(here.path(), "123456789012");
    let output = plumb(&[
        "scan",
        "--workspace",
        &format!("dev={right}"),
        "--workspace",
        &format!("prod={state}"),
    ]);
    assert_clean_error(&output, "workspace prod's resources are in 111122223333");
}

#[test]
fn an_unreachable_aws_is_an_error_never_missing() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let state = state_in_account(dir.path(), "123456789012");
    let endpoint = format!("http://127.0.0.1:{port}");
    let env = [("AWS_ENDPOINT_URL", endpoint.as_str())];

    // The account check cannot run: one line, exit 1.
    let output = plumb_with_env(&["scan", "--state", &state], &env);
    assert_clean_error(&output, "cannot tell which AWS account");

    // Without it, every scope is not_checked and the report says why; nothing is missing.
    let output = plumb_with_env(
        &[
            "scan",
            "--state",
            &state,
            "--any-account",
            "--format",
            "json",
            "--max-attempts",
            "1",
        ],
        &env,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["summary"]["missing"], 0, "{report}");
    assert!(
        report["summary"]["not_checked"].as_u64().unwrap() >= 1,
        "{report}"
    );
    assert!(!report["errors"].as_array().unwrap().is_empty(), "{report}");
    assert!(
        stderr(&output).lines().all(|l| l.starts_with("error: ")),
        "{}",
        stderr(&output)
    );

    // --allow-partial turns the failed reads into warnings: the exit code speaks of drift.
    let output = plumb_with_env(
        &[
            "scan",
            "--state",
            &state,
            "--any-account",
            "--allow-partial",
            "--max-attempts",
            "1",
        ],
        &env,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn the_aws_adapter_is_listed_with_every_type_it_reads() {
    let output = plumb(&["adapters", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let aws = doc["adapters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "aws")
        .unwrap_or_else(|| panic!("{doc}"));
    assert_eq!(aws["kind"], "built-in");
    let types = aws["types"].as_array().unwrap();
    assert!(types.len() >= 25, "{types:?}");
    assert!(types.iter().any(|t| t == "aws_instance"));
}

#[test]
fn progress_is_a_line_per_listing_when_asked_and_nothing_on_a_pipe() {
    let _ = moto();
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("live.json").display().to_string();
    let args = [
        "snapshot",
        "--region",
        "us-west-2",
        "--types",
        "aws_vpc,aws_subnet",
        "--output",
        &snapshot,
    ];
    let quiet = plumb(&args);
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert!(!stderr(&quiet).contains("read aws_"), "{}", stderr(&quiet));
    let shown = plumb(&[&args[..], &["--progress"]].concat());
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    let lines: Vec<String> = stderr(&shown)
        .lines()
        .filter(|l| l.starts_with("read aws_"))
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("read aws_vpc in us-west-2: 1 resources")),
        "{lines:?}"
    );
}

/// `--managed-only` asks for the state's instances by id, and reads no listing of a type the
/// state does not hold.
#[test]
fn a_managed_only_scan_asks_only_for_what_the_state_holds() {
    let _ = moto();
    let dir = tempfile::tempdir().unwrap();
    let state = state_in_account(dir.path(), "123456789012");
    let output = plumb(&[
        "scan",
        "--state",
        &state,
        "--managed-only",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["summary"]["missing"], 1, "{report}");
    assert_eq!(report["summary"]["unmanaged"], 0, "{report}");
    let calls = &report["stats"]["calls"];
    let names: Vec<&str> = calls
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    // The account check, the instance listing and the volumes its block devices need.
    assert_eq!(
        names,
        ["DescribeInstances", "DescribeVolumes", "GetCallerIdentity"],
        "{calls}"
    );
    assert_eq!(calls["DescribeInstances"], 1, "{calls}");
}

/// `snapshot --redact` leaves out what the policy names sensitive, besides what is always
/// sensitive: the value is gone from the file and recorded as unread.
#[test]
fn a_redacted_snapshot_leaves_out_what_the_policy_names() {
    let _ = moto();
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.hcl");
    std::fs::write(
        &policy,
        "sensitive {\n  type = \"aws_vpc\"\n  path = \"cidr_block\"\n}\n",
    )
    .unwrap();
    let record = |extra: &[&str]| -> serde_json::Value {
        let snapshot = dir.path().join("live.json").display().to_string();
        let args = [
            "snapshot",
            "--region",
            "us-west-1",
            "--types",
            "aws_vpc",
            "--output",
            &snapshot,
        ];
        let output = plumb(&[&args[..], extra].concat());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
        doc["resources"][0].clone()
    };
    let plain = record(&[]);
    assert!(plain["attributes"]["cidr_block"].is_string(), "{plain}");
    let policy = policy.display().to_string();
    let redacted = record(&["--redact", "--policy", &policy]);
    assert!(redacted["attributes"]["cidr_block"].is_null(), "{redacted}");
    assert!(
        redacted["unread"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["cidr_block"])),
        "{redacted}"
    );
}

/// Sends one EC2 Query API call to moto, in `region` (moto reads it from the credential scope
/// of the authorization header; it checks no signature). For the few objects a test needs that
/// AWS does not create by itself.
fn moto_call(region: &str, params: &str) -> String {
    use std::io::{Read, Write};
    let endpoint = moto();
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    let body = format!("Version=2016-11-15&{params}");
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/ec2/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    answer
}

/// `snapshot --redact` hides a tag the policy names wherever the object carries tags, nested
/// blocks included (a launch template's `tag_specifications[0].tags`), and only that tag.
#[test]
fn a_redacted_snapshot_leaves_out_a_sensitive_tag_inside_nested_blocks() {
    let _ = moto();
    let region = "ap-southeast-2";
    // A name of its own, so that the test can run again against the same server.
    let name = format!(
        "redact-nested-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    moto_call(
        region,
        &format!(
            "Action=CreateLaunchTemplate&LaunchTemplateName={name}&LaunchTemplateData.ImageId=ami-12c6146b\
         &LaunchTemplateData.TagSpecification.1.ResourceType=instance\
         &LaunchTemplateData.TagSpecification.1.Tag.1.Key=DbPassword\
         &LaunchTemplateData.TagSpecification.1.Tag.1.Value=pw-nested-Qx81\
         &LaunchTemplateData.TagSpecification.1.Tag.2.Key=Name\
         &LaunchTemplateData.TagSpecification.1.Tag.2.Value=node-name"
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.hcl");
    std::fs::write(&policy, "sensitive {\n  path = \"tags.DbPassword\"\n}\n").unwrap();
    let snapshot = dir.path().join("live.json");
    let record = |extra: &[&str]| -> String {
        let args = [
            "snapshot",
            "--region",
            region,
            "--types",
            "aws_launch_template",
            "--output",
            snapshot.to_str().unwrap(),
        ];
        let output = plumb(&[&args[..], extra].concat());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        std::fs::read_to_string(&snapshot).unwrap()
    };
    let plain = record(&[]);
    assert!(plain.contains("pw-nested-Qx81"), "{plain}");
    let redacted = record(&["--redact", "--policy", policy.to_str().unwrap()]);
    assert!(!redacted.contains("pw-nested-Qx81"), "{redacted}");
    assert!(
        redacted.contains("node-name"),
        "the other tag stays: {redacted}"
    );
    let doc: serde_json::Value = serde_json::from_str(&redacted).unwrap();
    let template = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["attributes"]["name"] == name.as_str())
        .expect("the template is recorded");
    assert!(
        template["unread"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!([
                "tag_specifications",
                0,
                "tags",
                "DbPassword"
            ])),
        "{template}"
    );
}

/// A type whose read fails (moto does not implement placement groups): without
/// `--allow-partial` the snapshot exits 1 and writes nothing; with it, the file is written,
/// records the failed pair, and exits 0 with a warning. A scan of that file reports the pair as
/// the live scan would: an error (exit 1) unless it too allows a partial read, and its managed
/// resources `not_checked`, never missing.
#[test]
fn a_partial_snapshot_is_written_only_when_allowed_and_records_what_was_not_read() {
    let _ = moto();
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("live.json");
    let args = [
        "snapshot",
        "--region",
        "us-west-1",
        "--types",
        "aws_vpc,aws_placement_group",
        "--output",
        snapshot.to_str().unwrap(),
    ];
    let refused = plumb(&args);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("error: aws_placement_group in us-west-1 could not be read"),
        "{}",
        stderr(&refused)
    );
    assert!(
        !snapshot.exists(),
        "nothing is written without --allow-partial"
    );

    let allowed = plumb(&[&args[..], &["--allow-partial"]].concat());
    let err = stderr(&allowed);
    assert_eq!(allowed.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: aws_placement_group in us-west-1 could not be read"),
        "{err}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    assert_eq!(doc["failed"][0]["type"], "aws_placement_group", "{doc}");
    assert_eq!(doc["failed"][0]["region"], "us-west-1", "{doc}");
    assert_eq!(
        doc["scanned"]["types"],
        serde_json::json!(["aws_vpc"]),
        "{doc}"
    );

    let state = dir.path().join("terraform.tfstate");
    std::fs::write(
        &state,
        serde_json::json!({
            "version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "partial",
            "outputs": {},
            "resources": [{
                "mode": "managed", "type": "aws_placement_group", "name": "pg",
                "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                "instances": [{"schema_version": 0, "attributes": {
                    "id": "pg-web", "name": "pg-web", "strategy": "cluster",
                    "arn": "arn:aws:ec2:us-west-1:123456789012:placement-group/pg-web",
                }}],
            }],
        })
        .to_string(),
    )
    .unwrap();
    let scan = |extra: &[&str]| {
        let args = [
            "scan",
            "--state",
            state.to_str().unwrap(),
            "--snapshot",
            snapshot.to_str().unwrap(),
            "--format",
            "json",
        ];
        plumb(&[&args[..], extra].concat())
    };
    let strict = scan(&[]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    let partial = scan(&["--allow-partial"]);
    assert_eq!(partial.status.code(), Some(0), "{}", stderr(&partial));
    let report: serde_json::Value = serde_json::from_str(&stdout(&partial)).unwrap();
    assert_eq!(report["summary"]["missing"], 0, "{report}");
    assert_eq!(report["summary"]["not_checked"], 1, "{report}");
    assert!(
        report["errors"][0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("not read when")),
        "{report}"
    );
}
