//! Reader tests over the small documents in `testdata/state/` and inline snippets.

use std::path::PathBuf;

use plumb_model::{
    Action, AttrPath, InstanceKey, Mode, Resource, StateDoc, StateFormat, Status, Value,
};
use plumb_schema::ProviderSchemas;

use crate::{
    Document, SourceKind, StateError, discover, load_states, parse_document, read_plan, read_state,
};

fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/state")
        .join(name)
}

fn schemas() -> ProviderSchemas {
    ProviderSchemas::load(&testdata("schema-mini.json")).unwrap()
}

fn read(name: &str) -> StateDoc {
    let bytes = std::fs::read(testdata(name)).unwrap();
    read_state(&bytes, name, "default", &schemas()).unwrap()
}

fn error(text: &str) -> String {
    read_state(
        text.as_bytes(),
        "states/prod.tfstate",
        "default",
        &schemas(),
    )
    .unwrap_err()
    .to_string()
}

fn find<'a>(doc: &'a StateDoc, address: &str, deposed: Option<&str>) -> &'a Resource {
    doc.resources
        .iter()
        .find(|r| r.address.to_string() == address && r.deposed.as_deref() == deposed)
        .unwrap_or_else(|| panic!("no {address} (deposed {deposed:?}) in {}", doc.origin))
}

/// Every planted secret is hidden from both `Display` and `Serialize` of every resource and output.
fn assert_hidden(doc: &StateDoc) {
    for r in &doc.resources {
        let shown = format!(
            "{} {} {}",
            r.attributes,
            serde_json::to_string(&r.attributes).unwrap(),
            r.identity
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        );
        assert!(!shown.contains("planted"), "{}: {shown}", r.address);
    }
    for o in &doc.outputs {
        let shown = format!("{} {}", o.value, serde_json::to_string(&o.value).unwrap());
        assert!(!shown.contains("planted"), "output {}: {shown}", o.name);
    }
}

#[test]
fn v4_addresses_modules_keys_and_providers() {
    let doc = read("v4-features.tfstate");
    assert_eq!(doc.format, StateFormat::V4);
    assert_eq!(doc.terraform_version.as_deref(), Some("1.12.1"));
    assert_eq!(doc.serial, Some(42));
    assert_eq!(doc.resources.len(), 8);
    let addresses: Vec<String> = doc
        .resources
        .iter()
        .map(|r| r.address.to_string())
        .collect();
    assert_eq!(
        addresses,
        [
            "data.aws_ami.ubuntu",
            "aws_instance.web[0]",
            "aws_instance.web[1]",
            "aws_instance.web[1]",
            "module.net.aws_subnet.a[\"us-east-1a\"]",
            "module.net.aws_subnet.a[\"us-east-1b\"]",
            "module.a[\"k\"].module.b[0].aws_db_instance.db",
            "module.legacy.aws_eip.ip",
        ]
    );
    let ami = find(&doc, "data.aws_ami.ubuntu", None);
    assert_eq!(ami.address.mode, Mode::Data);
    let web0 = find(&doc, "aws_instance.web[0]", None);
    assert_eq!(web0.address.key, Some(InstanceKey::Int(0)));
    assert_eq!(web0.provider.source, "registry.terraform.io/hashicorp/aws");
    assert_eq!(web0.provider.alias.as_deref(), Some("west"));
    let subnet = find(&doc, "module.net.aws_subnet.a[\"us-east-1b\"]", None);
    assert_eq!(subnet.provider.module[0].name, "net");
    assert_eq!(subnet.id(), Some("subnet-b"));
    let db = find(&doc, "module.a[\"k\"].module.b[0].aws_db_instance.db", None);
    assert_eq!(db.address.module[1].key, Some(InstanceKey::Int(0)));
    assert_eq!(db.provider.config_name(), "aws");
    assert_eq!(db.schema_version, Some(2));
    let eip = find(&doc, "module.legacy.aws_eip.ip", None);
    assert_eq!(eip.provider.module[0].name, "legacy");
    assert_eq!(eip.provider.alias.as_deref(), Some("east"));
}

#[test]
fn v4_tainted_and_deposed_objects_are_separate_resources() {
    let doc = read("v4-features.tfstate");
    let current = find(&doc, "aws_instance.web[1]", None);
    assert_eq!(current.status, Status::Tainted);
    assert_eq!(current.id(), Some("i-001"));
    let deposed = find(&doc, "aws_instance.web[1]", Some("00abcdef"));
    assert_eq!(deposed.status, Status::Ready);
    assert_eq!(deposed.id(), Some("i-old"));
    assert_eq!(
        find(&doc, "aws_instance.web[0]", None).status,
        Status::Ready
    );
}

#[test]
fn v4_sensitive_values_are_hidden() {
    let doc = read("v4-features.tfstate");
    assert_hidden(&doc);
    let db = find(&doc, "module.a[\"k\"].module.b[0].aws_db_instance.db", None);
    assert_eq!(db.sensitive_paths.len(), 3);
    assert_eq!(db.sensitive_paths[1].to_string(), "settings[0].value");
    assert_eq!(db.sensitive_paths[2].to_string(), "labels[\"token\"]");
    let shown = db.attributes.to_string();
    assert!(
        shown.contains("public") && shown.contains("core"),
        "{shown}"
    );
    assert!(db.attributes.get("password").unwrap().is_sensitive());
    let web0 = find(&doc, "aws_instance.web[0]", None);
    assert!(web0.attributes.get("user_data").unwrap().is_sensitive());
    // A null always-sensitive attribute stays a plain null.
    let web1 = find(&doc, "aws_instance.web[1]", None);
    assert_eq!(web1.attributes.get("user_data"), Some(&Value::Null));
    let output = doc
        .outputs
        .iter()
        .find(|o| o.name == "db_password")
        .unwrap();
    assert!(output.sensitive && output.value.is_sensitive());
    let vpc = doc.outputs.iter().find(|o| o.name == "vpc_id").unwrap();
    assert_eq!(vpc.value.as_str(), Some("vpc-0abc"));
}

#[test]
fn v4_identity_dependencies_checks_and_flat_attributes() {
    let doc = read("v4-features.tfstate");
    let web0 = find(&doc, "aws_instance.web[0]", None);
    let identity = web0.identity.as_ref().unwrap();
    assert_eq!(
        identity.get("account_id").unwrap().as_str(),
        Some("123456789012")
    );
    assert_eq!(
        web0.dependencies,
        ["aws_security_group.web", "module.net.aws_subnet.a"]
    );
    assert!(doc.check_results.as_ref().unwrap().as_list().is_some());
    let eip = find(&doc, "module.legacy.aws_eip.ip", None);
    assert_eq!(eip.attributes.get("vpc"), Some(&Value::Bool(true)));
    assert_eq!(
        eip.attributes
            .get_path(&"tags.Name".parse::<AttrPath>().unwrap()),
        Some(&Value::from("ip"))
    );
}

#[test]
fn v3_rebuilds_typed_values_with_a_schema() {
    let doc = read("v3-features.tfstate");
    assert_eq!(doc.format, StateFormat::V3);
    assert_eq!(doc.resources.len(), 5);
    assert_hidden(&doc);
    let sg = find(&doc, "aws_security_group.web", None);
    assert_eq!(sg.schema_version, Some(1));
    assert_eq!(sg.dependencies, ["aws_vpc.main"]);
    assert_eq!(
        sg.attributes.get("ingress").unwrap().to_string(),
        concat!(
            r#"[{"cidr_blocks":[],"from_port":443,"protocol":"tcp","security_groups":["sg-y","sg-z"],"self":true,"to_port":443},"#,
            r#"{"cidr_blocks":["10.0.0.0/8"],"from_port":22,"protocol":"tcp","security_groups":[],"self":false,"to_port":22}]"#
        )
    );
    assert_eq!(
        sg.attributes.get("revoke_rules_on_delete"),
        Some(&Value::Bool(false))
    );
    assert_eq!(
        sg.attributes.get("tags").unwrap().to_string(),
        r#"{"Name":"web","kubernetes.io/cluster/main":"owned"}"#
    );
    assert_eq!(sg.attributes.get("timeouts"), Some(&Value::Null));
    let web = find(&doc, "aws_instance.web[1]", None);
    assert_eq!(web.status, Status::Tainted);
    assert_eq!(web.provider.alias.as_deref(), Some("west"));
    assert_eq!(
        web.attributes.get("ebs_optimized"),
        Some(&Value::Bool(false))
    );
    assert!(web.attributes.get("user_data").unwrap().is_sensitive());
    let old = find(&doc, "aws_instance.web[1]", Some("00000000"));
    assert_eq!(old.id(), Some("i-0"));
    assert_eq!(
        find(&doc, "data.aws_ami.ubuntu", None).address.mode,
        Mode::Data
    );
    let subnet = find(&doc, "module.net.module.inner.aws_subnet.a[0]", None);
    assert_eq!(
        subnet.provider.source,
        "registry.terraform.io/hashicorp/aws"
    );
    // No schema for aws_subnet here: the bool stays the string it was.
    assert_eq!(
        subnet.attributes.get("map_public_ip_on_launch"),
        Some(&Value::from("true"))
    );
    let names: Vec<&str> = doc.outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["ids", "secret"]);
}

#[test]
fn v3_without_a_schema_infers_shapes_and_keeps_strings() {
    let bytes = std::fs::read(testdata("v3-features.tfstate")).unwrap();
    let doc = read_state(&bytes, "v3", "default", &ProviderSchemas::default()).unwrap();
    assert_hidden(&doc);
    let sg = find(&doc, "aws_security_group.web", None);
    let ingress = sg.attributes.get("ingress").unwrap().as_list().unwrap();
    assert_eq!(ingress.len(), 2);
    assert_eq!(ingress[0].get("from_port"), Some(&Value::from("443")));
    assert_eq!(ingress[0].get("self"), Some(&Value::from("true")));
    assert_eq!(
        sg.attributes.get("tags").unwrap().to_string(),
        r#"{"Name":"web","kubernetes.io/cluster/main":"owned"}"#
    );
}

#[test]
fn show_json_state() {
    let doc = read("show-state.json");
    assert_eq!(doc.format, StateFormat::ShowJson);
    assert_hidden(&doc);
    let addresses: Vec<String> = doc
        .resources
        .iter()
        .map(|r| r.address.to_string())
        .collect();
    assert_eq!(
        addresses,
        [
            "aws_instance.web[\"a\"]",
            "aws_instance.web[\"a\"]",
            "module.net.data.aws_vpc.this",
            "module.net.module.sub[0].aws_subnet.s[1]"
        ]
    );
    let web = find(&doc, "aws_instance.web[\"a\"]", None);
    assert_eq!(web.status, Status::Tainted);
    assert_eq!(web.dependencies, ["aws_vpc.main"]);
    assert!(web.attributes.get("secret_thing").unwrap().is_sensitive());
    assert!(web.attributes.to_string().contains("\"Name\":\"a\""));
    assert_eq!(
        find(&doc, "aws_instance.web[\"a\"]", Some("1234abcd")).id(),
        Some("i-old")
    );
    assert_eq!(doc.resources[2].address.mode, Mode::Data);
    assert!(doc.outputs[0].value.is_sensitive());
}

#[test]
fn show_json_plan() {
    let bytes = std::fs::read(testdata("plan.json")).unwrap();
    let schemas = schemas();
    let plan = read_plan(&bytes, "plan.json", &schemas).unwrap();
    assert_eq!(plan.format_version, "1.2");
    assert_eq!(plan.resource_drift.len(), 1);
    assert_eq!(plan.resource_changes.len(), 3);
    let replace = &plan.resource_changes[0];
    assert_eq!(replace.actions, [Action::Delete, Action::Create]);
    assert_eq!(
        replace.action_reason.as_deref(),
        Some("replace_because_cannot_update")
    );
    assert_eq!(replace.after.get("id"), Some(&Value::Unknown));
    assert_eq!(replace.after.get("arn"), Some(&Value::Unknown));
    assert_eq!(
        replace.after.get("ebs").unwrap().to_string(),
        r#"[{"size":8,"volume_id":(known after apply)}]"#
    );
    assert!(replace.before.get("password").unwrap().is_sensitive());
    assert!(replace.after.get("password").unwrap().is_sensitive());
    let shown = format!(
        "{} {} {}",
        replace.before,
        replace.after,
        serde_json::to_string(&replace.after).unwrap()
    );
    assert!(!shown.contains("planted"), "{shown}");
    let read_data = &plan.resource_changes[1];
    assert_eq!(read_data.actions, [Action::Read]);
    assert!(read_data.after.is_unknown());
    assert_eq!(read_data.address.mode, Mode::Data);
    assert_eq!(
        plan.resource_changes[2].deposed.as_deref(),
        Some("deadbeef")
    );
    assert_eq!(plan.resource_changes[2].actions, [Action::NoOp]);
    let prior = plan.prior_state.as_ref().unwrap();
    assert_eq!(prior.format, StateFormat::Plan);
    assert_hidden(prior);
    assert!(plan.configuration.is_some());
    // A plan read as a state yields its prior state, in the workspace asked for.
    let state = read_state(&bytes, "plan.json", "prod", &schemas).unwrap();
    assert_eq!(state.workspace, "prod");
    assert_eq!(state.resources.len(), 1);
    assert!(matches!(
        parse_document(&bytes, "plan.json", "default", &schemas).unwrap(),
        Document::Plan(_)
    ));
}

/// A workspace's first plan has no `prior_state`: nothing exists yet, so its state is empty.
#[test]
fn plan_without_prior_state_is_an_empty_state() {
    let plan = br#"{"format_version":"1.0","terraform_version":"1.9.0","resource_changes":[]}"#;
    let state = read_state(plan, "first.json", "prod", &schemas()).unwrap();
    assert!(state.resources.is_empty());
    assert_eq!(state.workspace, "prod");
    assert_eq!(state.format, StateFormat::Plan);
    assert_eq!(state.terraform_version.as_deref(), Some("1.9.0"));
}

#[test]
fn plans_and_states_are_not_confused() {
    let schemas = schemas();
    let err = read_plan(
        &std::fs::read(testdata("v4-features.tfstate")).unwrap(),
        "s.tfstate",
        &schemas,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "s.tfstate: a tfstate v4 state, not a plan (make one with `terraform show -json PLANFILE`)"
    );
    assert_eq!(
        error(r#"{"format_version":"2.0","planned_values":{}}"#),
        "states/prod.tfstate: `terraform show -json` plan format_version 2.0 is newer than plumb understands (it reads 0.x and 1.x)"
    );
    // An empty state as `terraform show -json` prints it.
    let empty = read_state(br#"{"format_version":"1.0"}"#, "e", "default", &schemas).unwrap();
    assert!(empty.resources.is_empty());
}

#[test]
fn bad_input_gives_one_line_naming_the_file() {
    assert_eq!(
        error(""),
        "states/prod.tfstate: empty file, not a Terraform state"
    );
    assert_eq!(
        error(" \n\t"),
        "states/prod.tfstate: empty file, not a Terraform state"
    );
    assert_eq!(
        error("{\n  \"version\": 4,\n  \"resources\": [\n    {\"mode\": \"managed\""),
        "states/prod.tfstate:4:22: not valid JSON: EOF while parsing an object (the file looks truncated)"
    );
    assert_eq!(
        error("version = 4\n"),
        "states/prod.tfstate:1:1: not valid JSON: expected value"
    );
    assert_eq!(
        error(r#"{"summary": {}, "managed": [], "unmanaged": []}"#),
        "states/prod.tfstate: not a Terraform state or plan: a JSON object without `version` or `format_version` (keys `summary`, `managed`, `unmanaged`) (it looks like a driftctl scan result)"
    );
    assert_eq!(
        error("[1, 2]"),
        "states/prod.tfstate: not a Terraform state or plan: a JSON array, not an object"
    );
    assert_eq!(
        error("42"),
        "states/prod.tfstate: not a Terraform state or plan: a JSON number, not an object"
    );
    let v1 = error(
        r#"{"version": 1, "serial": 1, "modules": [{"path": ["root"], "resources": {"a.b": {"primary": {"attributes": {}}}}}]}"#,
    );
    assert!(v1.starts_with("states/prod.tfstate: tfstate format version 1 is too old: plumb reads versions 3 and 4."), "{v1}");
    assert!(
        v1.contains("`terraform state pull > upgraded.tfstate`") && v1.contains("0.12"),
        "{v1}"
    );
    let v2 = error(r#"{"version": 2, "terraform_version": "0.7.0", "modules": 5}"#);
    assert!(
        v2.starts_with(
            "states/prod.tfstate: tfstate format version 2 (written by Terraform 0.7.0) is too old"
        ),
        "{v2}"
    );
    assert_eq!(
        error(r#"{"version": 5, "terraform_version": "2.0.0", "resources": []}"#),
        "states/prod.tfstate: tfstate format version 5 (written by Terraform 2.0.0) is newer than plumb understands (it reads versions 3 and 4)"
    );
    assert_eq!(
        error(r#"{"version": "4"}"#),
        "states/prod.tfstate: `version` must be a whole number, found string \"4\""
    );
    assert_eq!(
        error("{\n  \"version\": 4,\n  \"resources\": {}\n}"),
        "states/prod.tfstate:3:15: at `resources`: invalid type: map, expected a sequence"
    );
    assert_eq!(
        error(
            r#"{"version": 4, "resources": [{"mode": "managed", "type": "a_b", "name": "c", "provider": "provider.a", "instances": "oops"}]}"#
        ),
        "states/prod.tfstate:1:122: at `resources[0].instances`: invalid type: string \"oops\", expected a sequence"
    );
    assert_eq!(
        error(
            r#"{"version": 4, "resources": [{"mode": "weird", "type": "a_b", "name": "c", "provider": "provider.a"}]}"#
        ),
        "states/prod.tfstate:1:45: at `resources[0].mode`: unknown variant `weird`, expected `managed` or `data`"
    );
    assert_eq!(
        error(
            r#"{"version": 4, "resources": [{"mode": "managed", "type": "a_b", "name": "c", "provider": "aws"}]}"#
        ),
        "states/prod.tfstate:1:95: at `resources[0].provider`: invalid provider reference `aws`"
    );
    assert_eq!(
        error(
            r#"{"version": 4, "resources": [{"module": "mod.x", "mode": "managed", "type": "a_b", "name": "c", "provider": "provider.a"}]}"#
        ),
        "states/prod.tfstate:1:47: at `resources[0].module`: invalid module address `mod.x`"
    );
    assert_eq!(
        error(
            r#"{"version": 4, "resources": [{"mode": "managed", "type": "a_b", "name": "c", "provider": "provider.a", "instances": [{"index_key": 1.5}]}]}"#
        ),
        "states/prod.tfstate:1:135: at `resources[0].instances[0].index_key`: instance key 1.5 is not a whole number"
    );
    assert_eq!(
        error(
            r#"{"version": 4, "resources": [{"mode": "managed", "name": "c", "provider": "provider.a"}]}"#
        ),
        "states/prod.tfstate:1:87: at `resources[0]`: missing field `type`"
    );
    let utf8 = read_state(
        b"{\n  \"version\": 4, \"x\": \"\xff\"}",
        "bin.tfstate",
        "default",
        &schemas(),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        utf8,
        "bin.tfstate:2:23: not valid UTF-8 text, so not a Terraform state"
    );
    assert_eq!(
        error(r#"{"version": 3, "modules": [{"path": ["root"], "resources": {"nonsense": {}}}]}"#),
        "states/prod.tfstate: at `modules[0].resources[\"nonsense\"]`: `nonsense` is not a resource key (`TYPE.NAME`, `TYPE.NAME.INDEX` or `data.TYPE.NAME`)"
    );
    for text in [
        "{",
        "{\"version\": 4, \"resources\": [{\"instances\": [{\"attributes\": {\"a\": [1, {\"b\": nul",
        "\u{0}",
        "{\"version\": 4, \"outputs\": []}",
        "{\"version\": 3, \"modules\": {}}",
        "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {\"resources\": [{\"address\": \"x\"}]}}}",
    ] {
        let message = error(text);
        assert!(
            message.starts_with("states/prod.tfstate:") && !message.contains('\n'),
            "{message}"
        );
    }
}

#[test]
fn discovery_finds_workspaces_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let state = std::fs::read(testdata("v4-features.tfstate")).unwrap();
    std::fs::write(dir.path().join("terraform.tfstate"), &state).unwrap();
    for name in ["prod", "dev"] {
        let ws = dir.path().join("terraform.tfstate.d").join(name);
        std::fs::create_dir_all(&ws).unwrap();
        std::fs::write(ws.join("terraform.tfstate"), &state).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("terraform.tfstate.d/empty")).unwrap();
    let arg = dir.path().display().to_string();
    let found = discover(&arg).unwrap();
    let workspaces: Vec<&str> = found.iter().map(|s| s.workspace.as_str()).collect();
    assert_eq!(workspaces, ["default", "dev", "prod"]);
    assert!(
        found[2]
            .origin
            .ends_with("terraform.tfstate.d/prod/terraform.tfstate")
    );
    // A workspace's file named directly still belongs to its workspace.
    let direct = discover(&found[2].origin).unwrap();
    assert_eq!(direct[0].workspace, "prod");
    let docs = load_states(
        std::slice::from_ref(&arg),
        &schemas(),
        &mut std::io::empty(),
    )
    .unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[1].workspace, "dev");
    assert!(docs.iter().all(|d| d.resources.len() == 8));

    let empty = tempfile::tempdir().unwrap();
    let empty_arg = empty.path().display().to_string();
    assert_eq!(
        discover(&empty_arg).unwrap_err().to_string(),
        format!(
            "{empty_arg}: no terraform.tfstate or terraform.tfstate.d/*/terraform.tfstate here"
        )
    );
    let missing = format!("{arg}/nope.tfstate");
    assert_eq!(
        discover(&missing).unwrap_err().to_string(),
        format!("{missing}: no such file or directory")
    );
}

#[test]
fn stdin_is_read_once_and_in_order() {
    let bytes = std::fs::read(testdata("v3-features.tfstate")).unwrap();
    let file = testdata("v4-features.tfstate").display().to_string();
    let args = [file.clone(), "-".to_owned(), file];
    let docs = load_states(&args, &schemas(), &mut std::io::Cursor::new(bytes)).unwrap();
    let formats: Vec<StateFormat> = docs.iter().map(|d| d.format).collect();
    assert_eq!(formats, [StateFormat::V4, StateFormat::V3, StateFormat::V4]);
    assert_eq!(docs[1].origin, "-");
    assert_eq!(discover("-").unwrap()[0].location, SourceKind::Stdin);
    let err = load_states(
        &["-".to_owned(), "-".to_owned()],
        &schemas(),
        &mut std::io::empty(),
    )
    .unwrap_err();
    assert!(matches!(err, StateError::StdinTwice { count: 2 }));
    assert_eq!(
        err.to_string(),
        "-: standard input can be read only once, but `-` was given 2 times"
    );
    let err = load_states(&["-".to_owned()], &schemas(), &mut std::io::empty()).unwrap_err();
    assert_eq!(err.to_string(), "-: empty file, not a Terraform state");
}

#[test]
fn unreadable_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    std::fs::write(&path, b"{}").unwrap();
    let source = crate::StateSource {
        origin: "locked.tfstate".to_owned(),
        workspace: "default".to_owned(),
        location: SourceKind::File(dir.path().to_path_buf()),
    };
    // A directory where a file was expected cannot be read as one.
    let err = crate::read_source(&source, &schemas(), &mut std::io::empty()).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("locked.tfstate: cannot read: "), "{text}");
    assert!(!text.contains('\n'));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        let source = crate::StateSource {
            origin: "locked.tfstate".to_owned(),
            workspace: "default".to_owned(),
            location: SourceKind::File(path.clone()),
        };
        // Root reads anything; everyone else gets the permission message.
        if std::fs::read(&path).is_err() {
            let err = crate::read_source(&source, &schemas(), &mut std::io::empty()).unwrap_err();
            assert_eq!(
                err.to_string(),
                "locked.tfstate: cannot read: permission denied"
            );
        }
    }
}

#[test]
fn large_states_are_read_in_order_across_threads() {
    let mut resources = Vec::new();
    for r in 0..300 {
        let instances: Vec<String> = (0..5)
            .map(|i| {
                format!(
                    r#"{{"index_key": {i}, "schema_version": 1, "attributes": {{"id": "i-{r}-{i}", "user_data": "planted-{r}", "tags": {{"n": "{i}"}}}}}}"#
                )
            })
            .collect();
        resources.push(format!(
            r#"{{"mode": "managed", "type": "aws_instance", "name": "r{r}", "provider": "provider.aws", "instances": [{}]}}"#,
            instances.join(",")
        ));
    }
    let text = format!(
        r#"{{"version": 4, "resources": [{}]}}"#,
        resources.join(",")
    );
    let doc = read_state(text.as_bytes(), "big", "default", &schemas()).unwrap();
    assert_eq!(doc.resources.len(), 1500);
    for (n, r) in doc.resources.iter().enumerate() {
        assert_eq!(r.id(), Some(format!("i-{}-{}", n / 5, n % 5).as_str()));
    }
    assert_hidden(&doc);
}

#[test]
fn big_numbers_stay_exact_in_every_format() {
    let attrs = r#"{"id":"x","a":18446744073709551616,"b":18446744073709551617,"c":60.0,"d":60,"e":0.1000000000000000000001}"#;
    let v4 = format!(
        r#"{{"version":4,"resources":[{{"mode":"managed","type":"aws_thing","name":"n","provider":"provider[\"registry.terraform.io/hashicorp/aws\"]","instances":[{{"attributes":{attrs}}}]}}]}}"#
    );
    let show = format!(
        r#"{{"format_version":"1.0","values":{{"root_module":{{"resources":[{{"address":"aws_thing.n","mode":"managed","type":"aws_thing","name":"n","provider_name":"registry.terraform.io/hashicorp/aws","values":{attrs}}}]}}}}}}"#
    );
    for text in [v4, show] {
        let doc = read_state(text.as_bytes(), "s.json", "default", &schemas()).unwrap();
        let attributes = &doc.resources[0].attributes;
        let get = |k: &str| attributes.get(k).unwrap();
        assert_ne!(get("a"), get("b"), "2^64 and 2^64+1 are two numbers");
        assert_eq!(get("c"), get("d"), "60.0 is 60");
        assert_eq!(
            serde_json::to_string(attributes).unwrap(),
            r#"{"a":18446744073709551616,"b":18446744073709551617,"c":60.0,"d":60,"e":0.1000000000000000000001,"id":"x"}"#
        );
    }
    let v3 = r#"{"version":3,"modules":[{"path":["root"],"resources":{"aws_thing.n":{"type":"aws_thing","primary":{"id":"x","attributes":{"id":"x","a":"18446744073709551616","b":"18446744073709551617"}}}}}]}"#;
    let doc = read_state(v3.as_bytes(), "v3.tfstate", "default", &schemas()).unwrap();
    let attributes = &doc.resources[0].attributes;
    assert_ne!(attributes.get("a"), attributes.get("b"), "{attributes}");
}
