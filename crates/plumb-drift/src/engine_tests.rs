//! The engine's decisions, one test each, on states and live objects built in memory: a reader
//! learns what `scan` decides from these, and each fails when its decision breaks. No provider
//! schema is loaded (objects are compared generically), so every case stays small.

use std::collections::BTreeSet;

use plumb_model::config::{ConfigResource, IgnoreChanges, Lifecycle, Repetition};
use plumb_model::observation::meta;
use plumb_model::{
    ConfigAddress, Configuration, Finding, Kind, Mode, Observation, Scope, Severity,
    SourceLocation, StateDoc, Value,
};
use plumb_schema::ProviderSchemas;
use serde_json::json;

use crate::{LiveView, Policy, ScanInput, ScanOutput, Workspace, WorkspacesInput};

const REGION: &str = "eu-west-1";

/// A v4 state of `resources`, each `{"type", "name", "attributes"}` with any other instance
/// keys (`status`, `deposed`) beside them; entries of one type and name are instances of one
/// resource.
fn state(workspace: &str, resources: &serde_json::Value) -> StateDoc {
    let mut blocks: Vec<serde_json::Value> = Vec::new();
    for entry in resources.as_array().expect("an array of resources") {
        let mut instance = entry.clone();
        let object = instance.as_object_mut().expect("a resource object");
        let r#type = object.remove("type").expect("a type");
        let name = object.remove("name").expect("a name");
        object.insert("schema_version".into(), 0.into());
        match blocks
            .iter_mut()
            .find(|b| b["type"] == r#type && b["name"] == name)
        {
            Some(block) => block["instances"]
                .as_array_mut()
                .expect("instances")
                .push(instance),
            None => blocks.push(json!({
                "mode": "managed",
                "type": r#type,
                "name": name,
                "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                "instances": [instance],
            })),
        }
    }
    let document = json!({
        "version": 4,
        "terraform_version": "1.9.8",
        "serial": 1,
        "lineage": "00000000-0000-0000-0000-000000000000",
        "outputs": {},
        "resources": blocks,
    });
    let bytes = serde_json::to_vec(&document).expect("JSON");
    plumb_state::read_state(&bytes, "memory", workspace, &ProviderSchemas::default())
        .expect("a valid state")
}

/// A live object in [`REGION`].
fn live(r#type: &str, id: &str, attributes: &serde_json::Value) -> Observation {
    Observation {
        provider: "registry.terraform.io/hashicorp/aws".to_owned(),
        region: REGION.to_owned(),
        r#type: r#type.to_owned(),
        id: id.to_owned(),
        attributes: serde_json::from_value(attributes.clone()).expect("a value"),
        unread: Vec::new(),
        meta: std::collections::BTreeMap::new(),
    }
}

fn with_meta(mut observation: Observation, key: &str, value: &str) -> Observation {
    observation.meta.insert(key.to_owned(), value.to_owned());
    observation
}

/// One scan's inputs, with the defaults most cases want: every type of the states and the
/// live objects read completely in [`REGION`], enumerated, no code, no policy.
struct Case {
    states: Vec<StateDoc>,
    observations: Vec<Observation>,
    scanned: BTreeSet<Scope>,
    failed: Vec<(Scope, String)>,
    unsupported: BTreeSet<String>,
    enumerated: bool,
    config: Option<Configuration>,
    policy: Policy,
}

impl Case {
    fn new(states: Vec<StateDoc>, observations: Vec<Observation>) -> Self {
        let scanned = states
            .iter()
            .flat_map(|s| &s.resources)
            .map(|r| plumb_model::catalog::base_type(&r.address.r#type).to_owned())
            .chain(observations.iter().map(|o| o.r#type.clone()))
            .map(|t| Scope::new(REGION, t))
            .collect();
        Case {
            states,
            observations,
            scanned,
            failed: Vec::new(),
            unsupported: BTreeSet::new(),
            enumerated: true,
            config: None,
            policy: Policy::default(),
        }
    }

    fn live_view(&self) -> LiveView<'_> {
        LiveView {
            observations: &self.observations,
            scanned: &self.scanned,
            failed: &self.failed,
            unsupported_types: &self.unsupported,
            enumerated: self.enumerated,
        }
    }

    fn run(&self) -> ScanOutput {
        crate::scan(&ScanInput {
            workspace: "default",
            states: &self.states,
            config: self.config.as_ref(),
            live: self.live_view(),
            schemas: &ProviderSchemas::default(),
            policy: &self.policy,
            default_region: Some(REGION),
        })
    }
}

fn vpc(id: &str, cidr: &str) -> serde_json::Value {
    json!({"id": id, "cidr_block": cidr})
}

fn instance(id: &str, ami: &str) -> serde_json::Value {
    json!({"id": id, "ami": ami, "instance_type": "t3.micro"})
}

/// One managed VPC, `vpc-1`.
fn one_vpc() -> StateDoc {
    state(
        "default",
        &json!([{"type": "aws_vpc", "name": "main", "attributes": vpc("vpc-1", "10.0.0.0/16")}]),
    )
}

/// One managed instance, `aws_instance.web` (`i-1`), recorded with `ami`.
fn web_instance(ami: &str) -> StateDoc {
    state(
        "default",
        &json!([{"type": "aws_instance", "name": "web", "attributes": instance("i-1", ami)}]),
    )
}

/// Each finding as `KIND ADDRESS-OR-TYPE:ID`, in the report's order.
fn kinds(output: &ScanOutput) -> Vec<String> {
    output
        .findings
        .iter()
        .map(|f| {
            let subject = f.address.as_ref().map_or_else(
                || format!("{}:{}", f.r#type, f.id.as_deref().unwrap_or_default()),
                ToString::to_string,
            );
            format!("{} {subject}", f.kind.as_str())
        })
        .collect()
}

fn only(output: &ScanOutput) -> &Finding {
    assert_eq!(output.findings.len(), 1, "{:#?}", output.findings);
    &output.findings[0]
}

// Matching on (region, type, id).

#[test]
fn a_matched_object_with_the_recorded_attributes_is_in_sync() {
    let output = Case::new(
        vec![one_vpc()],
        vec![live("aws_vpc", "vpc-1", &vpc("vpc-1", "10.0.0.0/16"))],
    )
    .run();
    assert!(output.findings.is_empty(), "{:#?}", output.findings);
    assert_eq!(
        (output.summary.managed, output.summary.in_sync),
        (1, 1),
        "{:?}",
        output.summary
    );
}

#[test]
fn a_changed_attribute_is_a_changed_finding_with_its_path_rule_and_severity() {
    let state = web_instance("ami-old");
    let output = Case::new(
        vec![state],
        vec![live("aws_instance", "i-1", &instance("i-1", "ami-new"))],
    )
    .run();
    let finding = only(&output);
    assert_eq!(kinds(&output), ["changed aws_instance.web"]);
    assert_eq!(finding.severity, Some(Severity::High));
    assert_eq!(finding.rules, ["aws-ami-changed"]);
    let [diff] = finding.attributes.as_slice() else {
        panic!("one attribute: {:#?}", finding.attributes)
    };
    assert_eq!(diff.path.to_string(), "ami");
    assert_eq!(diff.rule, "aws-ami-changed");
    assert_eq!(diff.severity, Severity::High);
    assert_eq!(diff.state, Some(Value::from("ami-old")));
    assert_eq!(diff.live, Some(Value::from("ami-new")));
    assert_eq!(output.summary.drifted, 1);
}

#[test]
fn a_live_object_of_another_region_is_not_the_states() {
    let mut case = Case::new(vec![one_vpc()], Vec::new());
    let mut elsewhere = live("aws_vpc", "vpc-1", &vpc("vpc-1", "10.0.0.0/16"));
    elsewhere.region = "us-east-1".to_owned();
    case.observations.push(elsewhere);
    case.scanned.insert(Scope::new("us-east-1", "aws_vpc"));
    let output = case.run();
    assert_eq!(
        kinds(&output),
        ["missing aws_vpc.main", "unmanaged aws_vpc:vpc-1"]
    );
    assert_eq!(output.findings[1].region.as_deref(), Some("us-east-1"));
}

// Missing and not checked.

#[test]
fn an_object_absent_from_a_scanned_scope_is_missing() {
    let state = web_instance("ami-1");
    let output = Case::new(vec![state], Vec::new()).run();
    let finding = only(&output);
    assert_eq!(kinds(&output), ["missing aws_instance.web"]);
    assert_eq!(finding.severity, Some(Severity::High));
    assert_eq!(finding.rules, ["aws-resource-missing"]);
    assert_eq!(output.summary.missing, 1);
}

#[test]
fn an_object_of_a_scope_not_scanned_is_not_checked() {
    let mut case = Case::new(vec![one_vpc()], Vec::new());
    case.scanned.clear();
    let output = case.run();
    let finding = only(&output);
    assert_eq!(finding.kind, Kind::NotChecked);
    assert_eq!(finding.severity, None);
    assert_eq!(finding.reason, "aws_vpc in eu-west-1 was not scanned");
    assert_eq!((output.summary.not_checked, output.summary.missing), (1, 0));
}

#[test]
fn an_object_whose_read_failed_is_not_checked_and_the_reason_names_the_error() {
    let mut case = Case::new(vec![one_vpc()], Vec::new());
    let scope = Scope::new(REGION, "aws_vpc");
    case.scanned.remove(&scope);
    case.failed
        .push((scope, "UnauthorizedOperation: ec2:DescribeVpcs".to_owned()));
    let finding = only(&case.run()).clone();
    assert_eq!(finding.kind, Kind::NotChecked);
    assert_eq!(
        finding.reason,
        "aws_vpc in eu-west-1 could not be read: UnauthorizedOperation: ec2:DescribeVpcs"
    );
}

#[test]
fn an_object_of_a_type_no_adapter_reads_is_not_checked() {
    let mut case = Case::new(vec![one_vpc()], Vec::new());
    case.scanned.clear();
    case.unsupported.insert("aws_vpc".to_owned());
    let finding = only(&case.run()).clone();
    assert_eq!(finding.kind, Kind::NotChecked);
    assert_eq!(finding.reason, "no adapter reads aws_vpc");
}

// Unmanaged, and what is not.

#[test]
fn an_unmatched_live_object_of_an_enumerated_read_is_unmanaged() {
    let output = Case::new(
        vec![one_vpc()],
        vec![
            live("aws_vpc", "vpc-1", &vpc("vpc-1", "10.0.0.0/16")),
            live("aws_vpc", "vpc-2", &vpc("vpc-2", "10.1.0.0/16")),
        ],
    )
    .run();
    let finding = only(&output);
    assert_eq!(kinds(&output), ["unmanaged aws_vpc:vpc-2"]);
    assert_eq!(finding.address, None);
    assert_eq!(finding.workspace, "default");
    assert_eq!(finding.rules, ["aws-unmanaged-resource"]);
    assert_eq!(output.summary.unmanaged, 1);
    assert_eq!(output.summary.coverage, Some(0.5));
}

/// A managed-only read did not look for unmanaged objects: one an adapter returns anyway (a
/// plugin that ignores the ids it was asked for) is no finding.
#[test]
fn a_managed_only_read_reports_nothing_unmanaged() {
    let mut case = Case::new(
        vec![one_vpc()],
        vec![
            live("aws_vpc", "vpc-1", &vpc("vpc-1", "10.0.0.0/16")),
            live("aws_vpc", "vpc-2", &vpc("vpc-2", "10.1.0.0/16")),
        ],
    );
    case.enumerated = false;
    let output = case.run();
    assert!(output.findings.is_empty(), "{:#?}", output.findings);
    assert_eq!(output.summary.unmanaged, 0);
}

#[test]
fn an_aws_default_object_is_not_unmanaged() {
    let default_vpc = with_meta(
        live("aws_vpc", "vpc-d", &vpc("vpc-d", "172.31.0.0/16")),
        meta::DEFAULT,
        "true",
    );
    let output = Case::new(Vec::new(), vec![default_vpc]).run();
    assert!(output.findings.is_empty(), "{:#?}", output.findings);
    assert_eq!(output.summary.managed_elsewhere, 0);
    assert_eq!(output.summary.coverage, None, "nothing left to enumerate");
}

#[test]
fn an_owned_object_is_not_unmanaged() {
    let interface = with_meta(
        live("aws_network_interface", "eni-1", &json!({"id": "eni-1"})),
        meta::OWNER,
        "aws_nat_gateway nat-1",
    );
    let output = Case::new(Vec::new(), vec![interface]).run();
    assert!(output.findings.is_empty(), "{:#?}", output.findings);
    assert_eq!(output.summary.managed_elsewhere, 0);
}

#[test]
fn an_object_managed_elsewhere_is_not_unmanaged_and_is_counted() {
    let tagged = |id: &str, tag: &str| {
        live(
            "aws_instance",
            id,
            &json!({"id": id, "tags": {(tag): "x", "Name": id}}),
        )
    };
    let observations = vec![
        with_meta(
            live("aws_instance", "i-1", &json!({"id": "i-1"})),
            meta::MANAGED_BY,
            "cloudformation",
        ),
        tagged("i-2", "aws:autoscaling:groupName"),
        tagged("i-3", "kubernetes.io/cluster/x"),
        tagged("i-4", "Team"),
    ];
    let output = Case::new(Vec::new(), observations).run();
    assert_eq!(kinds(&output), ["unmanaged aws_instance:i-4"]);
    assert_eq!(output.summary.managed_elsewhere, 3);
}

// Matching beyond the id.

#[test]
fn an_aws_default_resource_matches_its_base_types_object() {
    let state = state(
        "default",
        &json!([{"type": "aws_default_vpc", "name": "default",
                 "attributes": vpc("vpc-d", "172.31.0.0/16")}]),
    );
    let default_vpc = with_meta(
        live("aws_vpc", "vpc-d", &vpc("vpc-d", "172.31.0.0/16")),
        meta::DEFAULT,
        "true",
    );
    let output = Case::new(vec![state], vec![default_vpc]).run();
    assert!(output.findings.is_empty(), "{:#?}", output.findings);
    assert_eq!(output.summary.in_sync, 1);
}

#[test]
fn a_route_matches_on_its_table_and_destination_whatever_its_id() {
    let route = |id: &str| {
        json!({"id": id, "route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0",
               "gateway_id": "igw-1"})
    };
    let state = state(
        "default",
        &json!([{"type": "aws_route", "name": "out", "attributes": route("r-rtb-11080289494")}]),
    );
    let output = Case::new(
        vec![state],
        vec![live(
            "aws_route",
            "rtb-1_0.0.0.0/0",
            &route("rtb-1_0.0.0.0/0"),
        )],
    )
    .run();
    assert!(output.findings.is_empty(), "{:#?}", output.findings);
    assert_eq!(output.summary.in_sync, 1);
}

// Deposed and tainted objects.

#[test]
fn a_deposed_object_is_reported_and_its_live_object_is_not_unmanaged() {
    let state = state(
        "default",
        &json!([
            {"type": "aws_instance", "name": "web", "attributes": instance("i-new", "ami-1")},
            {"type": "aws_instance", "name": "web", "deposed": "0a1b2c3d",
             "attributes": instance("i-old", "ami-1")},
        ]),
    );
    let output = Case::new(
        vec![state],
        vec![
            live("aws_instance", "i-new", &instance("i-new", "ami-1")),
            live("aws_instance", "i-old", &instance("i-old", "ami-1")),
        ],
    )
    .run();
    let finding = only(&output);
    assert_eq!(finding.kind, Kind::Deposed);
    assert_eq!(finding.id.as_deref(), Some("i-old"));
    assert_eq!(finding.severity, Some(Severity::Benign));
    let summary = &output.summary;
    assert_eq!(
        (
            summary.managed,
            summary.in_sync,
            summary.deposed,
            summary.unmanaged
        ),
        (1, 1, 1, 0),
        "a deposed object is not a managed resource of its own: {summary:?}"
    );
}

#[test]
fn a_tainted_object_is_reported_and_its_live_object_is_not_unmanaged() {
    let state = state(
        "default",
        &json!([{"type": "aws_instance", "name": "web", "status": "tainted",
                 "attributes": instance("i-1", "ami-1")}]),
    );
    let output = Case::new(
        vec![state],
        vec![live("aws_instance", "i-1", &instance("i-1", "ami-other"))],
    )
    .run();
    let finding = only(&output);
    assert_eq!(kinds(&output), ["tainted aws_instance.web"]);
    assert_eq!(finding.severity, Some(Severity::Benign));
    assert!(finding.attributes.is_empty(), "not compared: {finding:#?}");
    assert_eq!((output.summary.tainted, output.summary.unmanaged), (1, 0));
}

// Policy and code.

fn policy(text: &str) -> Policy {
    crate::policy_file::parse(text, ".plumb.hcl", false).expect("a valid policy")
}

#[test]
fn an_ignored_resource_is_in_ignored_and_its_live_object_is_not_unmanaged() {
    let state = web_instance("ami-1");
    let mut case = Case::new(
        vec![state],
        vec![live("aws_instance", "i-1", &instance("i-1", "ami-2"))],
    );
    case.policy =
        policy("ignore {\n  address = \"aws_instance.web\"\n  reason = \"rebuilt nightly\"\n}\n");
    let output = case.run();
    assert!(output.findings.is_empty(), "{:#?}", output.findings);
    let [ignored] = output.ignored.as_slice() else {
        panic!("one ignored: {:#?}", output.ignored)
    };
    assert_eq!(
        ignored.address.as_ref().map(ToString::to_string).as_deref(),
        Some("aws_instance.web")
    );
    assert_eq!(ignored.path, None);
    assert_eq!(ignored.reason, "rebuilt nightly");
    assert!(
        ignored.by.starts_with("policy (.plumb.hcl"),
        "{}",
        ignored.by
    );
    assert_eq!((output.summary.ignored, output.summary.unmanaged), (1, 0));
}

#[test]
fn an_unmanaged_object_the_policy_ignores_is_ignored_not_unmanaged() {
    let mut case = Case::new(
        Vec::new(),
        vec![live("aws_vpc", "vpc-9", &vpc("vpc-9", "10.9.0.0/16"))],
    );
    case.policy = policy("ignore {\n  id = \"vpc-9\"\n  reason = \"the lab's\"\n}\n");
    let output = case.run();
    assert!(output.findings.is_empty(), "{:#?}", output.findings);
    assert_eq!(output.ignored.len(), 1);
    assert_eq!(output.ignored[0].id.as_deref(), Some("vpc-9"));
}

#[test]
fn ignore_changes_in_the_code_sets_the_attribute_aside() {
    let state = web_instance("ami-1");
    let mut case = Case::new(
        vec![state],
        vec![live("aws_instance", "i-1", &instance("i-1", "ami-2"))],
    );
    case.config = Some(Configuration {
        resources: vec![ConfigResource {
            address: ConfigAddress {
                module: Vec::new(),
                mode: Mode::Managed,
                r#type: "aws_instance".to_owned(),
                name: "web".to_owned(),
            },
            location: SourceLocation {
                file: "main.tf".to_owned(),
                line: 1,
                column: 1,
            },
            repetition: Repetition::Single,
            provider: None,
            lifecycle: Lifecycle {
                ignore_changes: IgnoreChanges::Paths(vec!["ami".parse().expect("a path")]),
                ..Lifecycle::default()
            },
            depends_on: Vec::new(),
            attributes: Value::Map(plumb_model::Map::new()),
        }],
        ..Configuration::default()
    });
    let output = case.run();
    assert!(output.findings.is_empty(), "{:#?}", output.findings);
    let [ignored] = output.ignored.as_slice() else {
        panic!("one ignored: {:#?}", output.ignored)
    };
    assert_eq!(
        ignored.path.as_ref().map(ToString::to_string).as_deref(),
        Some("ami")
    );
    assert_eq!(ignored.by, "ignore_changes (ami)");
    assert_eq!(output.summary.in_sync, 1);
}

// Parts managed separately.

#[test]
fn a_groups_inline_rule_that_a_rule_resource_manages_is_not_drift_of_the_group() {
    let rule = json!({"security_group_id": "sg-1", "type": "ingress", "protocol": "tcp",
                      "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/8"]});
    let mut rule_in_state = rule.clone();
    rule_in_state["id"] = "sgrule-2837465".into();
    let mut rule_live = rule;
    rule_live["id"] = "sgr-0abc".into();
    let inline = json!({"cidr_blocks": ["10.0.0.0/8"], "description": "", "from_port": 443,
                        "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp",
                        "security_groups": [], "self": false, "to_port": 443});
    let state = state(
        "default",
        &json!([
            {"type": "aws_security_group", "name": "web",
             "attributes": {"id": "sg-1", "name": "web", "ingress": []}},
            {"type": "aws_security_group_rule", "name": "https", "attributes": rule_in_state},
        ]),
    );
    let output = Case::new(
        vec![state],
        vec![
            live(
                "aws_security_group",
                "sg-1",
                &json!({"id": "sg-1", "name": "web", "ingress": [inline]}),
            ),
            live("aws_security_group_rule", "sgr-0abc", &rule_live),
        ],
    )
    .run();
    assert!(output.findings.is_empty(), "{:#?}", output.findings);
    assert_eq!(output.summary.in_sync, 2);
}

#[test]
fn an_eip_associated_through_its_instance_argument_is_not_an_unmanaged_association() {
    let eip = json!({"id": "eipalloc-1", "instance": "i-1"});
    let state = state(
        "default",
        &json!([{"type": "aws_eip", "name": "web", "attributes": eip}]),
    );
    let association = |id: &str, allocation: &str| {
        live(
            "aws_eip_association",
            id,
            &json!({"id": id, "allocation_id": allocation, "instance_id": "i-1"}),
        )
    };
    let output = Case::new(
        vec![state],
        vec![
            live("aws_eip", "eipalloc-1", &eip),
            association("eipassoc-1", "eipalloc-1"),
            association("eipassoc-2", "eipalloc-2"),
        ],
    )
    .run();
    assert_eq!(
        kinds(&output),
        ["unmanaged aws_eip_association:eipassoc-2"],
        "only the association of an EIP no state holds"
    );
}

// What the engine tells its callers.

#[test]
fn compared_with_maps_a_changed_finding_to_the_live_object_it_was_compared_with() {
    let state = state(
        "default",
        &json!([
            {"type": "aws_vpc", "name": "main", "attributes": vpc("vpc-1", "10.0.0.0/16")},
            {"type": "aws_vpc", "name": "gone", "attributes": vpc("vpc-2", "10.2.0.0/16")},
        ]),
    );
    let mut case = Case::new(
        vec![state],
        vec![
            live("aws_vpc", "vpc-0", &vpc("vpc-0", "10.9.0.0/16")),
            live("aws_vpc", "vpc-1", &vpc("vpc-1", "10.1.0.0/16")),
        ],
    );
    case.policy = policy("ignore {\n  id = \"vpc-0\"\n  reason = \"not ours\"\n}\n");
    let output = case.run();
    assert_eq!(
        kinds(&output),
        ["missing aws_vpc.gone", "changed aws_vpc.main"]
    );
    let changed = &output.findings[1];
    assert_eq!(
        output.compared_with.iter().collect::<Vec<_>>(),
        [(&changed.fingerprint, &1)],
        "the missing one has no live object"
    );
}

#[test]
fn the_summary_counts_agree_with_the_findings() {
    let state = state(
        "default",
        &json!([
            {"type": "aws_vpc", "name": "same", "attributes": vpc("vpc-1", "10.1.0.0/16")},
            {"type": "aws_vpc", "name": "changed", "attributes": vpc("vpc-2", "10.2.0.0/16")},
            {"type": "aws_vpc", "name": "gone", "attributes": vpc("vpc-3", "10.3.0.0/16")},
            {"type": "aws_subnet", "name": "unread", "attributes": {"id": "subnet-1"}},
        ]),
    );
    let mut case = Case::new(
        vec![state],
        vec![
            live("aws_vpc", "vpc-1", &vpc("vpc-1", "10.1.0.0/16")),
            live("aws_vpc", "vpc-2", &vpc("vpc-2", "10.22.0.0/16")),
            live("aws_vpc", "vpc-4", &vpc("vpc-4", "10.4.0.0/16")),
        ],
    );
    case.scanned.remove(&Scope::new(REGION, "aws_subnet"));
    let output = case.run();
    let count = |kind: Kind| output.findings.iter().filter(|f| f.kind == kind).count();
    let s = &output.summary;
    assert_eq!(s.managed, 4);
    assert_eq!(s.in_sync, 1);
    assert_eq!((s.drifted, count(Kind::Changed)), (1, 1));
    assert_eq!((s.missing, count(Kind::Missing)), (1, 1));
    assert_eq!((s.unmanaged, count(Kind::Unmanaged)), (1, 1));
    assert_eq!((s.not_checked, count(Kind::NotChecked)), (1, 1));
    assert_eq!(
        s.managed,
        s.in_sync + s.drifted + s.missing + s.not_checked,
        "every managed resource is counted once: {s:?}"
    );
    // Three live objects enumerated, two of them managed.
    assert_eq!(s.coverage, Some(0.667));
    assert_eq!(
        s.by_severity.at_or_above(Severity::Low),
        output
            .findings
            .iter()
            .filter(|f| f.severity > Some(Severity::Benign))
            .count(),
        "benign findings are not counted by severity"
    );
}

#[test]
fn coverage_is_null_when_the_read_was_not_enumerated() {
    let mut case = Case::new(
        vec![one_vpc()],
        vec![live("aws_vpc", "vpc-1", &vpc("vpc-1", "10.0.0.0/16"))],
    );
    assert_eq!(case.run().summary.coverage, Some(1.0));
    case.enumerated = false;
    assert_eq!(case.run().summary.coverage, None);
}

// Several workspaces over one live read.

#[test]
fn a_live_object_any_workspace_manages_is_not_unmanaged_in_another() {
    let dev = state(
        "dev",
        &json!([{"type": "aws_vpc", "name": "main", "attributes": vpc("vpc-1", "10.1.0.0/16")}]),
    );
    let prod = state(
        "prod",
        &json!([{"type": "aws_vpc", "name": "main", "attributes": vpc("vpc-2", "10.2.0.0/16")}]),
    );
    let case = Case::new(
        Vec::new(),
        vec![
            live("aws_vpc", "vpc-1", &vpc("vpc-1", "10.1.0.0/16")),
            live("aws_vpc", "vpc-2", &vpc("vpc-2", "10.2.0.0/16")),
            live("aws_vpc", "vpc-3", &vpc("vpc-3", "10.3.0.0/16")),
        ],
    );
    let policy = Policy::default();
    let workspace = |name, states| Workspace {
        name,
        states,
        config: None,
        policy: &policy,
    };
    let workspaces = [
        workspace("dev", std::slice::from_ref(&dev)),
        workspace("prod", std::slice::from_ref(&prod)),
    ];
    let output = crate::scan_workspaces(&WorkspacesInput {
        workspaces: &workspaces,
        live: case.live_view(),
        schemas: &ProviderSchemas::default(),
        default_region: Some(REGION),
        unmanaged_workspace: "all",
        unmanaged_policy: &policy,
    });
    let finding = only(&output.total);
    assert_eq!(kinds(&output.total), ["unmanaged aws_vpc:vpc-3"]);
    assert_eq!(
        finding.workspace, "all",
        "unmanaged go under the scan's name"
    );
    assert_eq!(output.total.summary.in_sync, 2);
    let each: Vec<(&str, usize, usize)> = output
        .workspaces
        .iter()
        .map(|w| (w.workspace.as_str(), w.summary.in_sync, w.summary.unmanaged))
        .collect();
    assert_eq!(each, [("dev", 1, 0), ("prod", 1, 0)]);
}
