//! `plumb_drift::parity`: environments compared with each other, and with themselves.

use plumb_drift::Policy;
use plumb_drift::parity::{
    EnvResource, Environment, ParityInput, ParityOutput, mark_sensitive, parity,
};
use plumb_model::{Map, ParityKind, Severity, Value};
use plumb_schema::shipped_ref;
use proptest::prelude::*;

fn map(entries: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(k, v);
    }
    Value::Map(m)
}

fn resource(address: &str, r#type: &str, region: &str, attributes: Value) -> EnvResource {
    EnvResource {
        address: address.to_owned(),
        r#type: r#type.to_owned(),
        id: attributes
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned),
        region: Some(region.to_owned()),
        attributes,
        source: None,
    }
}

fn run(environments: &[Environment]) -> ParityOutput {
    let mut environments = environments.to_vec();
    mark_sensitive(&mut environments, &Policy::default(), shipped_ref());
    parity(&ParityInput {
        environments: &environments,
        schemas: shipped_ref(),
        policy: &Policy::default(),
    })
}

fn ingress(cidr: &str, port: i64) -> Value {
    map(vec![
        ("cidr_blocks", Value::List(vec![Value::from(cidr)])),
        ("description", Value::from("")),
        ("from_port", Value::from(port)),
        ("ipv6_cidr_blocks", Value::List(Vec::new())),
        ("prefix_list_ids", Value::List(Vec::new())),
        ("protocol", Value::from("tcp")),
        ("security_groups", Value::List(Vec::new())),
        ("self", Value::Bool(false)),
        ("to_port", Value::from(port)),
    ])
}

fn group(env: &str, rules: Vec<Value>) -> EnvResource {
    resource(
        "aws_security_group.web",
        "aws_security_group",
        "eu-west-1",
        map(vec![
            ("id", Value::from(format!("sg-{env}"))),
            ("name", Value::from(format!("{env}-web"))),
            ("ingress", Value::List(rules)),
        ]),
    )
}

fn env(name: &str, resources: Vec<EnvResource>) -> Environment {
    Environment {
        name: name.to_owned(),
        resources,
    }
}

#[test]
fn an_ingress_opened_to_the_world_in_one_environment_is_critical() {
    // The CIDRs differ by nature (each environment its own network), but not into 0.0.0.0/0.
    let output = run(&[
        env("dev", vec![group("dev", vec![ingress("10.1.0.0/16", 22)])]),
        env("prod", vec![group("prod", vec![ingress("0.0.0.0/0", 22)])]),
        env("qa", vec![group("qa", vec![ingress("10.3.0.0/16", 22)])]),
    ]);
    assert_eq!(output.findings.len(), 1, "{:?}", output.findings);
    let finding = &output.findings[0];
    assert_eq!(finding.rule, "aws-sg-ingress-open-world");
    assert_eq!(finding.severity, Severity::Critical);
    assert!(
        finding.reason.starts_with("in prod as against "),
        "{}",
        finding.reason
    );

    // Without the open rule, the CIDRs are expected and nothing is reported.
    let quiet = run(&[
        env("dev", vec![group("dev", vec![ingress("10.1.0.0/16", 22)])]),
        env(
            "prod",
            vec![group("prod", vec![ingress("10.2.0.0/16", 22)])],
        ),
    ]);
    assert!(quiet.findings.is_empty(), "{:?}", quiet.findings);
    assert!(quiet.expected.iter().any(|e| e.by == "identity"));
}

#[test]
fn images_differ_between_regions_by_nature_and_not_within_one() {
    let instance = |region: &str, ami: &str| {
        resource(
            "aws_instance.web",
            "aws_instance",
            region,
            map(vec![
                ("ami", Value::from(ami)),
                ("instance_type", Value::from("t3.small")),
            ]),
        )
    };
    let across = run(&[
        env("eu", vec![instance("eu-west-1", "ami-1")]),
        env("us", vec![instance("us-east-1", "ami-2")]),
    ]);
    assert!(across.findings.is_empty(), "{:?}", across.findings);
    assert_eq!(across.expected[0].by, "region");
    let within = run(&[
        env("dev", vec![instance("eu-west-1", "ami-1")]),
        env("prod", vec![instance("eu-west-1", "ami-2")]),
    ]);
    assert_eq!(within.findings[0].rule, "parity-version-differs");
    assert_eq!(within.findings[0].severity, Severity::High);
}

#[test]
fn a_resource_only_some_environments_have_is_absent() {
    let volume = || {
        resource(
            "aws_ebs_volume.scratch",
            "aws_ebs_volume",
            "eu-west-1",
            map(vec![
                ("id", Value::from("vol-1")),
                ("size", Value::from(10)),
            ]),
        )
    };
    let output = run(&[env("dev", vec![volume()]), env("prod", Vec::new())]);
    assert_eq!(output.findings.len(), 1);
    assert_eq!(output.findings[0].kind, ParityKind::Absent);
    assert_eq!(output.findings[0].severity, Severity::Medium);
    assert_eq!(
        output.findings[0].values.get("prod"),
        Some(&None),
        "{:?}",
        output.findings[0].values
    );
}

#[test]
fn an_address_an_environment_has_twice_is_one_warning() {
    let named = |id: &str| {
        resource(
            "aws_instance[\"web\"]",
            "aws_instance",
            "eu-west-1",
            map(vec![
                ("id", Value::from(id)),
                ("instance_type", Value::from("t3.small")),
            ]),
        )
    };
    let output = run(&[
        env("dev", vec![named("i-1"), named("i-2"), named("i-3")]),
        env("prod", vec![named("i-4")]),
    ]);
    assert!(output.findings.is_empty(), "{:?}", output.findings);
    assert_eq!(
        output.warnings,
        [
            "dev: 2 of its addresses stand for one already seen (aws_instance[\"web\"], ...); the first of each is compared"
        ]
    );
}

/// A database whose `endpoint` (and the queue it writes to) carries its environment's name.
fn database(env: &str, endpoint: &str, queue: &str) -> EnvResource {
    resource(
        "aws_db_instance.app",
        "aws_db_instance",
        "eu-west-1",
        map(vec![
            ("id", Value::from(format!("db-{env}"))),
            ("endpoint", Value::from(endpoint)),
            ("notification_target", Value::from(queue)),
        ]),
    )
}

#[test]
fn a_string_that_differs_only_by_the_environment_name_is_expected_whatever_the_attribute() {
    let output = run(&[
        env(
            "dev",
            vec![database(
                "dev",
                "app-dev.x.rds.amazonaws.com:3306",
                "arn:aws:sqs:eu-west-1:123456789012:dev-queue",
            )],
        ),
        env(
            "prod",
            vec![database(
                "prod",
                "app-prod.x.rds.amazonaws.com:3306",
                "arn:aws:sqs:eu-west-1:123456789012:prod-queue",
            )],
        ),
    ]);
    assert!(output.findings.is_empty(), "{:?}", output.findings);
    let expected: Vec<String> = output
        .expected
        .iter()
        .filter(|e| e.by == "identity")
        .filter_map(|e| e.path.as_ref().map(ToString::to_string))
        .collect();
    assert!(expected.contains(&"endpoint".to_owned()), "{expected:?}");
    assert!(
        expected.contains(&"notification_target".to_owned()),
        "{expected:?}"
    );
}

#[test]
fn a_real_difference_that_contains_the_environment_name_is_still_reported() {
    // The port differs beside the environment's name.
    let output = run(&[
        env(
            "dev",
            vec![database("dev", "app-dev.x.rds.amazonaws.com:3306", "q")],
        ),
        env(
            "prod",
            vec![database("prod", "app-prod.x.rds.amazonaws.com:5432", "q")],
        ),
    ]);
    let paths: Vec<String> = output
        .findings
        .iter()
        .filter_map(|f| f.path.as_ref().map(ToString::to_string))
        .collect();
    assert_eq!(paths, ["endpoint"], "{:?}", output.expected);
}

#[test]
fn a_short_environment_name_counts_only_as_a_whole_segment() {
    // `a` and `b` as segments of their own are the environments' names...
    let whole = run(&[
        env(
            "a",
            vec![database("a", "app-a.x.rds.amazonaws.com:3306", "q")],
        ),
        env(
            "b",
            vec![database("b", "app-b.x.rds.amazonaws.com:3306", "q")],
        ),
    ]);
    assert!(whole.findings.is_empty(), "{:?}", whole.findings);
    // ...but not inside a word: `t3a` against `t3b` is a real difference.
    let inside = run(&[
        env(
            "a",
            vec![database("a", "t3a.x.rds.amazonaws.com:3306", "q")],
        ),
        env(
            "b",
            vec![database("b", "t3b.x.rds.amazonaws.com:3306", "q")],
        ),
    ]);
    assert_eq!(inside.findings.len(), 1, "{:?}", inside.expected);
}

/// A generated resource: an instance or a security group with a few rules.
fn generated() -> impl Strategy<Value = Vec<EnvResource>> {
    let instance = (
        "[a-z]{3,8}",
        prop::sample::select(vec!["t3.small", "m5.large", "c6g.xlarge"]),
        prop::sample::select(vec!["required", "optional"]),
        prop::collection::btree_map("[A-Z][a-z]{2,6}", "[a-z0-9 -]{0,10}", 0..4),
    )
        .prop_map(|(name, size, tokens, tags)| {
            let tags: Map = tags
                .into_iter()
                .map(|(k, v)| (k, Value::from(v.as_str())))
                .collect::<Vec<_>>()
                .into_iter()
                .fold(Map::new(), |mut m, (k, v)| {
                    m.insert(k, v);
                    m
                });
            resource(
                &format!("aws_instance.{name}"),
                "aws_instance",
                "eu-west-1",
                map(vec![
                    ("id", Value::from(format!("i-{name}"))),
                    ("instance_type", Value::from(size)),
                    (
                        "metadata_options",
                        Value::List(vec![map(vec![("http_tokens", Value::from(tokens))])]),
                    ),
                    ("tags", Value::Map(tags)),
                ]),
            )
        });
    let groups = (
        "[a-z]{3,8}",
        prop::collection::vec((0u8..=255, 1i64..1024), 0..4),
    )
        .prop_map(|(name, rules)| {
            let rules = rules
                .into_iter()
                .map(|(octet, port)| ingress(&format!("10.{octet}.0.0/16"), port))
                .collect();
            let mut group = group(&name, rules);
            group.address = format!("aws_security_group.{name}");
            group
        });
    (
        prop::collection::vec(instance, 0..4),
        prop::collection::vec(groups, 0..3),
    )
        .prop_map(|(mut a, b)| {
            a.extend(b);
            a
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// An environment compared with itself (under other names, sets in another order) has no
    /// findings and nothing expected.
    #[test]
    fn an_environment_compared_with_itself_has_no_findings(
        resources in generated(),
        seed in any::<u64>(),
    ) {
        let mut reordered = resources.clone();
        for r in &mut reordered {
            if let Some(Value::List(rules)) = r.attributes.as_map_mut().and_then(|m| m.get_mut("ingress"))
                && seed % 2 == 1
            {
                rules.reverse();
            }
        }
        reordered.reverse();
        let output = run(&[
            env("one", resources.clone()),
            env("two", reordered),
            env("three", resources),
        ]);
        prop_assert!(output.findings.is_empty(), "{:?}", output.findings);
        prop_assert!(output.expected.is_empty(), "{:?}", output.expected);
    }
}
