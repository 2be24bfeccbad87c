use plumb_model::{Address, AttrPath, AttributeDiff, Severity, Value};

use super::*;
use crate::tests::check_formatted;

const MAIN_TF: &str = r##"variable "instance_type" {
  type = string
}

resource "aws_instance" "web" {
  ami           = "ami-0123"
  instance_type = "t3.micro" # sized for the demo
  monitoring    = false

  tags = {
    Name = "web"
    Env  = "prod" # owned by the platform team
  }

  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_instance" "api" {
  ami           = "ami-0123"
  instance_type = var.instance_type
  user_data     = "#!/bin/sh"
}

resource "aws_instance" "fleet" {
  count         = 3
  ami           = "ami-0123"
  instance_type = "t3.micro"
}
"##;

fn diff(path: &str, state: Option<Value>, live: Option<Value>) -> AttributeDiff {
    AttributeDiff {
        path: path.parse::<AttrPath>().unwrap(),
        state,
        live,
        config: None,
        added: Vec::new(),
        removed: Vec::new(),
        severity: Severity::Medium,
        rule: "test".into(),
        reason: "changed".into(),
        fingerprint: format!("fp-{path}"),
    }
}

#[allow(clippy::unnecessary_wraps)]
fn s(text: &str) -> Option<Value> {
    Some(Value::string(text))
}

#[allow(clippy::unnecessary_wraps)]
fn secret(text: &str) -> Option<Value> {
    Some(Value::Sensitive(Box::new(Value::string(text))))
}

fn accept(name: &str, diffs: &[AttributeDiff]) -> Accept {
    let schema = plumb_schema::shipped_ref().resource("aws_instance");
    assert!(schema.is_some(), "the shipped schema has aws_instance");
    let address = Address::managed("aws_instance", name);
    let accept = accept_patch("main.tf", MAIN_TF, &address, diffs, schema);
    check_formatted(&accept.edited);
    accept
}

#[test]
fn literal_attribute_is_replaced() {
    let accept = accept(
        "web",
        &[diff("instance_type", s("t3.micro"), s("t3.large"))],
    );
    assert_eq!(accept.accepted, vec![AttrPath::attr("instance_type")]);
    assert!(accept.rejected.is_empty());
    assert!(accept.ignore_changes.is_none());
    insta::assert_snapshot!(accept.to_text());
}

#[test]
fn tag_value_changes_inside_literal_map_and_comments_survive() {
    let accept = accept(
        "web",
        &[
            diff(r#"tags["Env"]"#, s("prod"), s("staging \"blue\" ${x}")),
            diff(r#"tags["CostCenter"]"#, None, s("42")),
        ],
    );
    assert_eq!(accept.accepted.len(), 2, "{:?}", accept.rejected);
    assert!(accept.edited.contains("# owned by the platform team"));
    assert!(accept.edited.contains("# sized for the demo"));
    let parsed: ::hcl::Body = ::hcl::from_str(&accept.edited).unwrap();
    let tags = parsed
        .blocks()
        .find(|b| b.labels().get(1).is_some_and(|l| l.as_str() == "web"))
        .and_then(|b| b.body().attributes().find(|a| a.key() == "tags"))
        .map(|a| a.expr().to_string())
        .unwrap();
    assert!(tags.contains("CostCenter"), "{tags}");
    insta::assert_snapshot!(accept.to_text());
}

#[test]
fn attribute_set_by_a_variable_is_not_accepted() {
    let accept = accept(
        "api",
        &[diff("instance_type", s("t3.micro"), s("t3.large"))],
    );
    assert!(accept.patch.is_empty());
    assert_eq!(accept.edited, MAIN_TF);
    assert!(accept.rejected[0].reason.contains("`var.instance_type`"));
    insta::assert_snapshot!(accept.to_text());
}

#[test]
fn sensitive_values_are_never_accepted_nor_shown() {
    let accept = accept(
        "api",
        &[
            diff("user_data", secret("hunter2-old"), secret("hunter2-new")),
            // Marked only by value: the name does not give it away.
            diff("ami", s("ami-0123"), secret("ami-hunter2")),
        ],
    );
    assert!(accept.patch.is_empty());
    assert_eq!(accept.rejected.len(), 2);
    let text = format!("{}{accept:?}", accept.to_text());
    assert!(!text.contains("hunter2"), "{text}");
    assert!(
        accept
            .rejected
            .iter()
            .all(|r| r.reason.starts_with("sensitive"))
    );
    insta::assert_snapshot!(accept.to_text());
}

#[test]
fn computed_only_attribute_is_not_settable() {
    let accept = accept(
        "web",
        &[diff(
            "private_dns",
            s("ip-10-0-0-1.ec2.internal"),
            s("ip-10-0-0-2.ec2.internal"),
        )],
    );
    assert!(accept.patch.is_empty());
    assert!(accept.ignore_changes.is_none(), "no need to ignore it");
    insta::assert_snapshot!(accept.to_text());
}

#[test]
fn block_with_count_is_not_accepted() {
    let mut address = Address::managed("aws_instance", "fleet");
    address.key = Some(plumb_model::InstanceKey::Int(1));
    let accept = accept_patch(
        "main.tf",
        MAIN_TF,
        &address,
        &[diff("instance_type", s("t3.micro"), s("t3.large"))],
        plumb_schema::shipped_ref().resource("aws_instance"),
    );
    assert!(accept.patch.is_empty());
    assert!(accept.rejected[0].reason.contains("`count`"));
    insta::assert_snapshot!(accept.to_text());
}

#[test]
fn nested_block_attribute_is_replaced_and_added() {
    let accept = accept(
        "web",
        &[
            diff(
                "metadata_options[0].http_tokens",
                s("optional"),
                s("required"),
            ),
            diff(
                "metadata_options[0].http_put_response_hop_limit",
                Some(Value::int(1)),
                Some(Value::int(2)),
            ),
            diff(
                "ebs_optimized",
                Some(Value::Bool(false)),
                Some(Value::Bool(true)),
            ),
        ],
    );
    assert_eq!(accept.accepted.len(), 3, "{:?}", accept.rejected);
    insta::assert_snapshot!(accept.to_text());
}

#[test]
fn removed_live_deletes_a_literal_and_sets_of_blocks_are_left_alone() {
    let mut ingress = diff("ingress", None, None);
    ingress.added = vec![Value::Map(plumb_model::Map::new())];
    let accept = accept(
        "web",
        &[diff("monitoring", Some(Value::Bool(false)), None), ingress],
    );
    assert_eq!(accept.accepted, vec![AttrPath::attr("monitoring")]);
    insta::assert_snapshot!(accept.to_text());
}

#[test]
fn missing_block_rejects_everything() {
    let accept = accept_patch(
        "main.tf",
        MAIN_TF,
        &Address::managed("aws_instance", "nope"),
        &[diff("instance_type", s("a"), s("b"))],
        None,
    );
    assert!(accept.patch.is_empty());
    assert_eq!(accept.rejected.len(), 1);
}

#[test]
fn whole_map_replaced_and_attribute_added_to_an_empty_block() {
    let source = "resource \"aws_instance\" \"web\" {\n  ami = \"ami-1\" # keep\n  tags = {\n    Name = \"a\"\n  }\n}\n\nresource \"aws_instance\" \"empty\" {\n}\n";
    let live: Value = serde_json::from_str(r#"{"Name": "b", "Long Key": "c"}"#).unwrap();
    let schema = plumb_schema::shipped_ref().resource("aws_instance");
    let web = accept_patch(
        "a.tf",
        source,
        &Address::managed("aws_instance", "web"),
        &[
            diff("tags", None, Some(live)),
            diff("instance_type", None, s("t3.nano")),
        ],
        schema,
    );
    check_formatted(&web.edited);
    assert_eq!(web.accepted.len(), 2, "{:?}", web.rejected);
    let empty = accept_patch(
        "a.tf",
        source,
        &Address::managed("aws_instance", "empty"),
        &[diff("instance_type", None, s("t3.nano"))],
        schema,
    );
    check_formatted(&empty.edited);
    insta::assert_snapshot!(format!("{}\n{}", web.patch, empty.patch));
}
