//! Snapshot tests of `plumb inspect` output, from hand-built inputs so that they pin the
//! renderer alone.

use plumb_model::config::{IgnoreChanges, Lifecycle, Repetition};
use plumb_model::{
    Address, ConfigResource, Configuration, Resource, SourceLocation, StateDoc, StateFormat,
    Status, Value,
};
use plumb_report::TableOptions;
use plumb_report::inspect::{Inspection, render_json, render_table};

fn resource(address: &str, attributes: &str, status: Status, deposed: Option<&str>) -> Resource {
    let mut resource = Resource {
        address: address.parse().unwrap(),
        provider: plumb_model::ProviderRef::hashicorp("aws"),
        status,
        deposed: deposed.map(str::to_owned),
        schema_version: Some(1),
        attributes: serde_json::from_str(attributes).unwrap(),
        sensitive_paths: Vec::new(),
        dependencies: Vec::new(),
        identity: None,
    };
    resource.apply_sensitive_marks(&[]);
    resource
}

fn state() -> StateDoc {
    StateDoc {
        origin: "examples/webapp/terraform.tfstate".into(),
        workspace: "default".into(),
        format: StateFormat::V4,
        terraform_version: Some("1.9.8".into()),
        serial: Some(12),
        lineage: Some("3f6c0d2e".into()),
        resources: vec![
            resource(
                "aws_instance.web[0]",
                r#"{"id":"i-0abc","user_data":"c2VjcmV0LXRva2VuCg=="}"#,
                Status::Ready,
                None,
            ),
            resource(
                "aws_instance.web[1]",
                r#"{"id":"i-0def"}"#,
                Status::Tainted,
                None,
            ),
            resource(
                "aws_instance.web[1]",
                r#"{"id":"i-0old"}"#,
                Status::Ready,
                Some("a1b2c3d4"),
            ),
            resource(
                "module.net.aws_subnet.private[\"a\"]",
                r#"{"id":"subnet-1"}"#,
                Status::Ready,
                None,
            ),
            resource(
                "data.aws_ami.ubuntu",
                r#"{"id":"ami-123"}"#,
                Status::Ready,
                None,
            ),
        ],
        outputs: Vec::new(),
        check_results: None,
    }
}

fn config() -> Configuration {
    let web: Address = "aws_instance.web".parse().unwrap();
    Configuration {
        root: "examples/webapp".into(),
        resources: vec![ConfigResource {
            address: web.config_address(),
            location: SourceLocation {
                file: "examples/webapp/main.tf".into(),
                line: 14,
                column: 1,
            },
            repetition: Repetition::Count(Value::int(2)),
            provider: None,
            lifecycle: Lifecycle {
                ignore_changes: IgnoreChanges::Paths(vec!["tags[\"Owner\"]".parse().unwrap()]),
                ..Lifecycle::default()
            },
            depends_on: Vec::new(),
            attributes: Value::Null,
        }],
        warnings: vec![
            "module.vpc: source terraform-aws-modules/vpc/aws is not local; not loaded".into(),
        ],
        ..Configuration::default()
    }
}

fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn table() {
    let states = [state()];
    let config = config();
    let inspection = Inspection {
        states: &states,
        config: Some(&config),
    };
    let text = render(|out| render_table(&inspection, out, TableOptions::default()));
    assert!(!text.contains("c2VjcmV0"), "user_data must never be shown");
    insta::assert_snapshot!(text);
}

#[test]
fn json() {
    let states = [state()];
    let config = config();
    let inspection = Inspection {
        states: &states,
        config: Some(&config),
    };
    let text = render(|out| render_json(&inspection, out));
    assert!(!text.contains("c2VjcmV0"), "user_data must never be shown");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["resources"].as_array().unwrap().len(), 5);
    insta::assert_snapshot!(text.replace(plumb_report::PLUMB_VERSION, "[version]"));
}
