//! `plumb inspect`.

use std::process::Output;

use crate::{assert_clean_error, plumb, plumb_with_stdin, stderr, stdout, workspace_root};

#[test]
fn inspect_the_bundled_example_as_a_table() {
    let output = plumb(&["inspect", "--config", "examples/webapp"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("example_table", stdout(&output));
}

#[test]
fn inspect_the_bundled_example_as_json() {
    let output = plumb(&["inspect", "--config", "examples/webapp", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let resources = doc["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 10);
    let managed = resources.iter().filter(|r| r["mode"] == "managed").count();
    assert_eq!(managed, 8);
    let config = doc["config"]["resources"].as_array().unwrap();
    assert_eq!(config.len(), 9, "7 resource and 2 data blocks");
    let web = config
        .iter()
        .find(|r| r["address"] == "aws_instance.web")
        .unwrap();
    assert_eq!(web["file"], "examples/webapp/main.tf");
    assert_eq!(web["line"], 57);
    assert_eq!(web["ignore_changes"], serde_json::json!(["ami"]));
    let subnets = config
        .iter()
        .find(|r| r["address"] == "module.network.aws_subnet.public")
        .unwrap();
    assert_eq!(subnets["count"], 2, "count comes from the module argument");
    assert_eq!(subnets["file"], "examples/webapp/modules/network/main.tf");
    insta::assert_snapshot!(
        "example_json",
        text.replace(env!("CARGO_PKG_VERSION"), "[version]")
    );
}

#[test]
fn the_example_hides_user_data() {
    let state = std::fs::read_to_string(workspace_root().join("examples/webapp/terraform.tfstate"))
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&state).unwrap();
    let user_data = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "aws_instance")
        .unwrap()["instances"][0]["attributes"]["user_data"]
        .as_str()
        .unwrap()
        .to_owned();
    for format in ["table", "json"] {
        let output = plumb(&["inspect", "--config", "examples/webapp", "--format", format]);
        assert!(
            !stdout(&output).contains(&user_data),
            "{format} shows user_data"
        );
    }
}

#[test]
fn state_from_standard_input() {
    let state = std::fs::read(workspace_root().join("examples/webapp/terraform.tfstate")).unwrap();
    let output = plumb_with_stdin(
        &["inspect", "--state", "-", "--format", "json"],
        Some(&state),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(doc["states"][0]["origin"], "-");
    assert_eq!(doc["resources"].as_array().unwrap().len(), 10);
    assert!(doc["config"].is_null());
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("inspect.json");
    let table = dir.path().join("inspect.txt");
    let output = plumb(&[
        "inspect",
        "--config",
        "examples/webapp",
        "--output",
        &format!("json={}", json.display()),
        "--output",
        &format!("table={}", table.display()),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("ADDRESS"),
        "stdout keeps the table"
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(doc["format_version"], "1.0");
    assert!(
        std::fs::read_to_string(&table)
            .unwrap()
            .contains("aws_instance.web")
    );
}

#[test]
fn never_writes_a_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("terraform.tfstate");
    let output = plumb(&[
        "inspect",
        "--config",
        "examples/webapp",
        "--output",
        &target.display().to_string(),
    ]);
    assert_clean_error(&output, "refusing to write over a Terraform state file");
    assert!(!target.exists());
}

/// Writes `content` into a fresh directory as `name` and runs `inspect --state` on it.
pub fn inspect_state_file(name: &str, content: &[u8]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    (
        plumb(&["inspect", "--state", &path.display().to_string()]),
        dir,
    )
}

#[test]
fn bad_states_are_one_line_errors() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty.tfstate", b"", "empty.tfstate"),
        ("truncated.tfstate", b"{\n  \"version\": 4,\n  \"resources\": [", "truncated.tfstate:3:"),
        ("text.tfstate", b"hello", "text.tfstate:1:1"),
        ("array.tfstate", b"[1, 2]", "array.tfstate"),
        ("notstate.json", br#"{"name": "package"}"#, "notstate.json"),
        ("v2.tfstate", br#"{"version": 2, "modules": []}"#, "v2.tfstate"),
        ("v9.tfstate", br#"{"version": 9}"#, "v9.tfstate"),
        (
            "badtype.tfstate",
            br#"{"version": 4, "terraform_version": "1.5.0", "serial": 1, "lineage": "x", "resources": "oops"}"#,
            "badtype.tfstate",
        ),
        ("latin1.tfstate", b"{\"version\": 4, \"x\": \"\xe9\"}", "latin1.tfstate"),
    ];
    for (name, content, expected) in cases {
        let (output, _dir) = inspect_state_file(name, content);
        assert_clean_error(&output, expected);
    }
}

#[test]
fn too_old_states_say_how_to_upgrade() {
    let (output, _dir) = inspect_state_file("v2.tfstate", br#"{"version": 2, "modules": []}"#);
    assert_clean_error(&output, "Terraform");
}

#[test]
fn missing_inputs_are_one_line_errors() {
    let output = plumb(&["inspect", "--state", "no/such/terraform.tfstate"]);
    assert_clean_error(&output, "no/such/terraform.tfstate");
    let empty = tempfile::tempdir().unwrap();
    let output = plumb(&["inspect", "--state", &empty.path().display().to_string()]);
    assert_clean_error(&output, &empty.path().display().to_string());
    let output = plumb(&["inspect", "--config", "no/such/dir"]);
    assert_clean_error(&output, "no/such/dir");
}

#[test]
fn hcl_syntax_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags = {\n}\n",
    )
    .unwrap();
    let output = plumb(&["inspect", "--config", &dir.path().display().to_string()]);
    let main_tf = dir.path().join("main.tf").display().to_string();
    assert_clean_error(&output, &format!("{main_tf}:"));
}

#[test]
fn usage_errors_exit_1_not_2() {
    let output = plumb(&["inspect", "--format", "yaml"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit 2 would read as drift found"
    );
    let output = plumb(&["inspect", "--config", "examples/webapp", "--var", "novalue"]);
    assert_clean_error(&output, "--var novalue: expected NAME=VALUE");
}

#[test]
fn a_schema_that_is_not_json_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.json");
    std::fs::write(&schema, "{ nope").unwrap();
    let output = plumb(&[
        "inspect",
        "--config",
        "examples/webapp",
        "--schema",
        &schema.display().to_string(),
    ]);
    assert_clean_error(&output, &format!("{}:1:", schema.display()));
}
