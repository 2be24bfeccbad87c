use std::io::Write as _;
use std::process::{Command, Stdio};

use plumb_model::catalog::{ImportId, import_id};
use plumb_model::{Finding, Kind, Severity, Value};
use plumb_schema::ProviderSchemas;

use super::*;

fn finding(kind: Kind, ty: &str, id: Option<&str>, address: Option<&str>) -> Finding {
    Finding {
        address: address.map(|a| a.parse().unwrap()),
        id: id.map(str::to_owned),
        region: Some("us-east-1".into()),
        ..Finding::new(
            format!("fp-{ty}-{}", id.or(address).unwrap_or_default()),
            "default",
            ty,
            kind,
            Some(Severity::High),
            format!("{} {ty}", kind.as_str()),
        )
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// A live `aws_instance` with computed, empty, deprecated and sensitive attributes and nested
/// blocks; `user_data` arrives marked sensitive, as the engine marks it.
fn live_instance() -> Value {
    let mut live = json(
        r#"{
        "id": "i-0abc123", "arn": "arn:aws:ec2:us-east-1:1:instance/i-0abc123",
        "region": "us-east-1", "ami": "ami-0123", "instance_type": "t3.micro",
        "cpu_core_count": 1, "private_dns": "ip-10-0-0-1.ec2.internal", "key_name": "",
        "password_data": "", "monitoring": false, "ipv6_addresses": [],
        "user_data_base64": null,
        "tags": {"Name": "web \"blue\"", "Cost Center": "${team}", "kubernetes.io/role": "a\\b"},
        "tags_all": {"Name": "web"},
        "vpc_security_group_ids": ["sg-1", "sg-2"],
        "root_block_device": [{"volume_size": 8, "volume_type": "gp3", "volume_id": "vol-1",
                               "device_name": "/dev/xvda", "encrypted": false,
                               "tags": {}, "tags_all": {}}],
        "metadata_options": [{"http_tokens": "required", "http_put_response_hop_limit": 2}],
        "network_interface": [],
        "timeouts": null
    }"#,
    );
    let map = live.as_map_mut().unwrap();
    map.insert(
        "user_data",
        Value::Sensitive(Box::new(Value::from("#!/bin/sh\necho hunter2"))),
    );
    live
}

/// A schema with what the shipped one lacks: a schema-sensitive argument and a sensitive
/// attribute inside a nested block.
fn custom_schemas() -> ProviderSchemas {
    let text = r#"{"format_version":"1.0","provider_schemas":{"registry.terraform.io/hashicorp/aws":{
      "resource_schemas":{"aws_thing":{"version":0,"block":{
        "attributes":{
          "id":{"type":"string","optional":true,"computed":true},
          "name":{"type":"string","required":true},
          "password":{"type":"string","optional":true,"sensitive":true},
          "ratio":{"type":"number","optional":true},
          "settings":{"type":["map","string"],"optional":true}
        },
        "block_types":{
          "auth":{"nesting_mode":"list","block":{"attributes":{
             "user":{"type":"string","optional":true},
             "token":{"type":"string","optional":true,"sensitive":true}}}},
          "empty":{"nesting_mode":"single","block":{"attributes":{
             "x":{"type":"string","computed":true}}}}
        }}}}}}}"#;
    ProviderSchemas::from_slice(text.as_bytes(), "custom.json").unwrap()
}

fn sample_findings() -> (Vec<Finding>, Vec<(String, Value)>) {
    let findings = vec![
        finding(Kind::Unmanaged, "aws_instance", Some("i-0abc123"), None),
        finding(Kind::Unmanaged, "aws_instance", Some("I-0ABC123"), None),
        finding(
            Kind::Unmanaged,
            "aws_route",
            Some("r-rtb-1a2b1080289494"),
            None,
        ),
        finding(
            Kind::Unmanaged,
            "aws_network_acl_rule",
            Some("nacl-42"),
            None,
        ),
        finding(
            Kind::Unmanaged,
            "aws_volume_attachment",
            Some("vai-1"),
            None,
        ),
        finding(
            Kind::Unmanaged,
            "aws_security_group_rule",
            Some("sgrule-9"),
            None,
        ),
        finding(
            Kind::Unmanaged,
            "aws_ebs_encryption_by_default",
            Some("terraform-1"),
            None,
        ),
        finding(Kind::Unmanaged, "aws_route", None, None),
        finding(
            Kind::Unmanaged,
            "aws_main_route_table_association",
            Some("rtbassoc-1"),
            None,
        ),
        finding(Kind::Unmanaged, "aws_vpc", Some("vpc-1"), None),
        finding(
            Kind::Changed,
            "aws_instance",
            Some("i-1"),
            Some("aws_instance.web"),
        ),
        finding(
            Kind::Changed,
            "aws_instance",
            Some("i-2"),
            Some("aws_instance.app[\"a\"]"),
        ),
        finding(
            Kind::Missing,
            "aws_subnet",
            Some("subnet-1"),
            Some("module.net[0].aws_subnet.private[0]"),
        ),
        finding(
            Kind::Missing,
            "aws_subnet",
            Some("subnet-2"),
            Some("module.net[0].aws_subnet.private[1]"),
        ),
        finding(
            Kind::Missing,
            "aws_eip",
            Some("eipalloc-1"),
            Some("aws_eip.nat"),
        ),
        finding(Kind::NotChecked, "aws_lb", Some("lb-1"), Some("aws_lb.x")),
    ];
    let objects = vec![
        ("i-0abc123".to_owned(), live_instance()),
        (
            "I-0ABC123".to_owned(),
            json(r#"{"ami": "ami-2", "instance_type": "t3.nano"}"#),
        ),
        (
            "r-rtb-1a2b1080289494".to_owned(),
            json(
                r#"{"route_table_id": "rtb-1a2b", "destination_cidr_block": "10.0.0.0/16",
                     "gateway_id": "igw-1", "origin": "CreateRoute", "state": "active"}"#,
            ),
        ),
        (
            "nacl-42".to_owned(),
            json(
                r#"{"network_acl_id": "acl-7aaabd18", "rule_number": 100, "protocol": "6",
                     "egress": false, "rule_action": "allow", "cidr_block": "0.0.0.0/0",
                     "from_port": 443, "to_port": 443}"#,
            ),
        ),
        (
            "vai-1".to_owned(),
            json(
                r#"{"device_name": "/dev/sdh", "volume_id": "vol-049df61146c4d7901",
                     "instance_id": "i-12345678"}"#,
            ),
        ),
        (
            "sgrule-9".to_owned(),
            json(
                r#"{"security_group_id": "sg-6e616f6d69", "type": "ingress", "protocol": "tcp",
                     "from_port": 8000, "to_port": 8000, "cidr_blocks": ["10.0.3.0/24"],
                     "ipv6_cidr_blocks": ["2001:db8::/48"], "self": false,
                     "description": "app"}"#,
            ),
        ),
        ("terraform-1".to_owned(), json(r#"{"enabled": true}"#)),
        (
            "rtbassoc-1".to_owned(),
            json(r#"{"vpc_id": "vpc-1", "route_table_id": "rtb-2"}"#),
        ),
    ];
    (findings, objects)
}

fn run_sample() -> Remediation {
    let (findings, objects) = sample_findings();
    let lookup = |f: &Finding| {
        objects
            .iter()
            .find(|(id, _)| f.id.as_deref() == Some(id.as_str()))
            .map(|(_, v)| v)
    };
    remediate(&findings, &lookup, plumb_schema::shipped_ref()).unwrap()
}

#[test]
fn imports_tf() {
    let remediation = run_sample();
    insta::assert_snapshot!(remediation.imports_tf);
}

#[test]
fn removed_tf() {
    insta::assert_snapshot!(run_sample().removed_tf);
}

#[test]
fn revert_sh() {
    insta::assert_snapshot!(run_sample().revert_sh);
}

#[test]
fn per_finding_pieces() {
    let remediation = run_sample();
    let by_fp = |fp: &str| {
        remediation
            .findings
            .iter()
            .find(|f| f.fingerprint == fp)
            .map_or_else(|| panic!("no remediation for {fp}"), |f| &f.remediation)
    };
    let changed = by_fp("fp-aws_instance-i-1");
    assert_eq!(
        changed.revert.as_deref(),
        Some("terraform apply -target='aws_instance.web'")
    );
    assert!(changed.import.is_none() && changed.removed.is_none());
    let missing = by_fp("fp-aws_eip-eipalloc-1");
    assert!(
        missing
            .removed
            .as_deref()
            .unwrap()
            .contains("from = aws_eip.nat")
    );
    assert!(missing.revert.is_some());
    let unmanaged = by_fp("fp-aws_vpc-vpc-1");
    assert!(
        unmanaged
            .import
            .as_deref()
            .unwrap()
            .contains("id = \"vpc-1\"")
    );
    assert!(
        !remediation
            .findings
            .iter()
            .any(|f| f.fingerprint == "fp-aws_lb-lb-1"),
        "not_checked has nothing to offer"
    );
}

#[test]
fn sensitive_values_are_never_written() {
    let remediation = run_sample();
    assert!(!remediation.imports_tf.contains("hunter2"));
    assert!(
        remediation
            .imports_tf
            .contains("# user_data: sensitive, not written; set it from a variable")
    );
    // Schema-sensitive attributes, at the top and inside a block, and a value marked sensitive
    // under a name the schema does not mark.
    let schemas = custom_schemas();
    let mut live = json(
        r#"{"id": "t-1", "name": "n", "password": "hunter2", "ratio": 0.5,
            "settings": {"a": "1"},
            "auth": [{"user": "bob", "token": "s3cr3t"}], "empty": {"x": "computed"}}"#,
    );
    live.as_map_mut().unwrap().insert(
        "settings",
        Value::Sensitive(Box::new(json(r#"{"k": "v4lue"}"#))),
    );
    let f = finding(Kind::Unmanaged, "aws_thing", Some("t-1"), None);
    let text = import_block(&f, Some(&live), &schemas, "unmanaged_t_1").unwrap();
    for secret in ["hunter2", "s3cr3t", "v4lue"] {
        assert!(!text.contains(secret), "{secret} written:\n{text}");
    }
    insta::assert_snapshot!(text);
    check_formatted(&text);
}

#[test]
fn import_ids_of_synthetic_types() {
    let live = json(r#"{"route_table_id": "rtb-1", "destination_ipv6_cidr_block": "::/0"}"#);
    assert_eq!(
        import_id("aws_route", Some("r-x"), Some(&live)),
        ImportId::Known("rtb-1_::/0".into())
    );
    assert_eq!(
        import_id("aws_route", Some("r-x"), None),
        ImportId::Missing {
            format: "ROUTETABLEID_DESTINATION"
        }
    );
    let assoc = json(r#"{"gateway_id": "igw-1", "route_table_id": "rtb-1"}"#);
    assert_eq!(
        import_id(
            "aws_route_table_association",
            Some("rtbassoc-1"),
            Some(&assoc)
        ),
        ImportId::Known("igw-1/rtb-1".into())
    );
    let rule = json(
        r#"{"security_group_id": "sg-1", "type": "egress", "protocol": "-1", "from_port": 0,
            "to_port": 0, "prefix_list_ids": ["pl-1"], "source_security_group_id": "sg-2",
            "self": true}"#,
    );
    assert_eq!(
        import_id("aws_security_group_rule", None, Some(&rule)),
        ImportId::Known("sg-1_egress_-1_0_0_pl-1_sg-2_self".into())
    );
    let no_source = json(
        r#"{"security_group_id": "sg-1", "type": "egress", "protocol": "-1", "from_port": 0,
            "to_port": 0}"#,
    );
    assert!(matches!(
        import_id("aws_security_group_rule", None, Some(&no_source)),
        ImportId::Missing { .. }
    ));
    assert_eq!(
        import_id("aws_main_route_table_association", Some("x"), None),
        ImportId::NotImportable
    );
    assert_eq!(
        import_id("aws_instance", Some("i-1"), None),
        ImportId::Known("i-1".into())
    );
}

#[test]
fn names_are_identifiers_and_unique() {
    assert_eq!(resource_name("i-0abc123"), "unmanaged_i_0abc123");
    assert_eq!(
        resource_name("rtb-1_10.0.0.0/16"),
        "unmanaged_rtb_1_10_0_0_0_16"
    );
    assert_eq!(resource_name(""), "unmanaged");
    assert_eq!(resource_name("--"), "unmanaged");
    assert_eq!(resource_name("Ünï"), "unmanaged_n");
    assert!(resource_name(&"x".repeat(500)).len() <= 72);
    let mut names = Names::new();
    assert_eq!(names.unique("aws_eip", Some("a")), "unmanaged_a");
    assert_eq!(names.unique("aws_eip", Some("A")), "unmanaged_a_2");
    assert_eq!(names.unique("aws_eip", Some("a")), "unmanaged_a_3");
    assert_eq!(names.unique("aws_vpc", Some("a")), "unmanaged_a");
    for id in ["i-0abc", "9", "a b", "é", "-x-"] {
        assert!(is_identifier(&resource_name(id)), "{id}");
    }
}

#[test]
fn removed_block_of_one_instance() {
    let address = "aws_instance.web[\"blue\"]".parse().unwrap();
    insta::assert_snapshot!(removed_block(&address).unwrap());
}

#[test]
fn strings_survive_every_parser() {
    let live = json(
        r#"{"ami": "a\"b\\c\nd\te ${x} %{y} $${z} $ % {} é 日本", "instance_type": "t3.micro",
            "tags": {"for": "1", "null": "2", "a.b": "3", "x": "\u0001"}}"#,
    );
    let f = finding(Kind::Unmanaged, "aws_instance", Some("i-1"), None);
    let text = import_block(
        &f,
        Some(&live),
        plumb_schema::shipped_ref(),
        "unmanaged_i_1",
    )
    .unwrap();
    check_formatted(&text);
    let body: ::hcl::Body = ::hcl::from_str(&text).unwrap();
    let resource = body
        .blocks()
        .find(|b| b.identifier() == "resource")
        .unwrap();
    let ami = resource
        .body()
        .attributes()
        .find(|a| a.key() == "ami")
        .unwrap();
    assert_eq!(
        ami.expr().to_string(),
        ::hcl::Expression::from("a\"b\\c\nd\te ${x} %{y} $${z} $ % {} é 日本").to_string()
    );
}

#[test]
fn generated_files_are_formatted_and_parse() {
    let remediation = run_sample();
    check_formatted(&remediation.imports_tf);
    check_formatted(&remediation.removed_tf);
}

/// `terraform fmt` accepts `text` as formatted (when terraform is on the PATH), and hcl-rs and
/// python-hcl2 parse it.
pub(crate) fn check_formatted(text: &str) {
    ::hcl::from_str::<::hcl::Body>(text).unwrap_or_else(|e| panic!("hcl-rs: {e}\n{text}"));
    match pipe("terraform", &["fmt", "-check", "-"], text) {
        None => eprintln!("note: no terraform on the PATH; `terraform fmt -check` skipped"),
        Some((true, _)) => {}
        Some((false, stderr)) => {
            let formatted = pipe("terraform", &["fmt", "-"], text).map(|r| r.1);
            panic!(
                "terraform fmt -check failed: {stderr}\n--- ours\n{text}\n--- fmt\n{formatted:?}"
            );
        }
    }
    let python = std::env::var("PLUMB_PYTHON_HCL2").unwrap_or_else(|_| {
        panic!(
            "PLUMB_PYTHON_HCL2 is not set: set it to a python executable that has python-hcl2 \
             installed (`pip install python-hcl2`); scripts/test.sh sets it up"
        )
    });
    match pipe(
        &python,
        &["-c", "import hcl2,sys; hcl2.loads(sys.stdin.read())"],
        text,
    ) {
        Some((true, _)) => {}
        Some((false, stderr)) => panic!("python-hcl2 rejects it: {stderr}\n{text}"),
        None => panic!("PLUMB_PYTHON_HCL2={python} cannot be run"),
    }
}

/// Runs `program` with `input` on stdin: `None` when it cannot be started, else whether it
/// succeeded and what it wrote (stderr, then stdout).
fn pipe(program: &str, args: &[&str], input: &str) -> Option<(bool, String)> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    Some((
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        ),
    ))
}

/// Instance keys (and ids) are any text: a hostile one is data in every generated file. The
/// HCL parses (hcl-rs, python-hcl2, `terraform fmt` where installed) into exactly the intended
/// blocks, with the id and key read back exactly; `revert.sh` passes `bash -n` and, run with a
/// fake `terraform` that records its arguments, makes exactly one argument per address, each
/// reading back as the intended address, and runs nothing else.
#[test]
fn hostile_instance_keys_never_become_code() {
    let scratch = std::env::temp_dir().join(format!("plumb-hostile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("bin")).unwrap();
    let marker = scratch.join("pwned");
    let mut keys: Vec<String> = [
        "a\n}\nresource \"terraform_data\" \"x\" {\n  provisioner \"local-exec\" {\n    command = \"id\"\n  }\n}\n#",
        "\"; rm -rf ~; #",
        "'; rm -rf ~; #",
        "`id`",
        "${path.root}",
        "%{ if true }x%{ endif }",
        "$${x} %%{y} $$",
        "back\\slash\\",
        "\"quoted\" 'single'",
        "\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\r\t\u{7f}",
        "\u{202e}fdp.exe\u{2028}x\u{2029}",
        "ключ 🔑 日本",
        "",
    ]
    .iter()
    .map(|k| (*k).to_owned())
    .collect();
    keys.push(format!("$(touch {})", marker.display()));
    keys.push(format!("`touch {}`", marker.display()));
    keys.push(format!("x\ntouch {}\n", marker.display()));
    let fake = scratch.join("bin/terraform");
    std::fs::write(
        &fake,
        "#!/bin/sh\nprintf '%s\\0' \"$@\" >> \"$PLUMB_ARGV_LOG\"\nprintf 'END-OF-CALL\\0' >> \"$PLUMB_ARGV_LOG\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();

    for (n, key) in keys.iter().enumerate() {
        let str_key = || Some(plumb_model::InstanceKey::Str(key.clone()));
        let changed = Address {
            key: str_key(),
            ..Address::managed("aws_instance", "web")
        };
        let missing = Address {
            module: vec![plumb_model::ModuleStep {
                name: "m".into(),
                key: str_key(),
            }],
            key: str_key(),
            ..Address::managed("aws_instance", "db")
        };
        let with_address = |kind, address: &Address| Finding {
            address: Some(address.clone()),
            ..finding(kind, "aws_instance", Some("i-1"), None)
        };
        let findings = vec![
            with_address(Kind::Changed, &changed),
            with_address(Kind::Missing, &missing),
            Finding {
                region: Some(key.clone()),
                ..finding(Kind::Unmanaged, "aws_instance", Some(key), None)
            },
        ];
        let files = remediate(&findings, &|_| None, plumb_schema::shipped_ref()).unwrap();

        // removed.tf: one removed block, from the configuration address, nothing else.
        check_formatted(&files.removed_tf);
        let removed: ::hcl::Body = ::hcl::from_str(&files.removed_tf).unwrap();
        assert_eq!(removed.attributes().count(), 0, "{key:?}");
        let blocks: Vec<_> = removed.blocks().collect();
        assert_eq!(blocks.len(), 1, "{key:?}:\n{}", files.removed_tf);
        assert_eq!(blocks[0].identifier(), "removed");
        let from = blocks[0].body().attributes().next().unwrap();
        assert_eq!(from.key(), "from");
        assert_eq!(from.expr().to_string(), "module.m.aws_instance.db");

        // imports.tf: one import block whose id is the key, exactly (an empty id cannot be
        // imported: then both blocks are comments).
        check_formatted(&files.imports_tf);
        let imports: ::hcl::Body = ::hcl::from_str(&files.imports_tf).unwrap();
        let blocks: Vec<_> = imports.blocks().collect();
        if key.is_empty() {
            assert!(blocks.is_empty(), "{}", files.imports_tf);
        } else {
            assert_eq!(blocks.len(), 1, "{key:?}:\n{}", files.imports_tf);
            assert_eq!(blocks[0].identifier(), "import");
            let id = blocks[0]
                .body()
                .attributes()
                .find(|a| a.key() == "id")
                .unwrap();
            assert_eq!(
                id.expr(),
                &::hcl::Expression::String(key.clone()),
                "{key:?}"
            );
        }

        // The address writer: a key in `to = ...` reads back as the same key.
        let to = format!(
            "import {{\n  to = {}\n  id = \"x\"\n}}\n",
            hcl::address(&missing).unwrap()
        );
        check_formatted(&to);
        let body: ::hcl::Body = ::hcl::from_str(&to).unwrap();
        let block = body.blocks().next().unwrap();
        let expr = block.body().attributes().next().unwrap().expr().clone();
        let ::hcl::Expression::Traversal(traversal) = expr else {
            panic!("{key:?}: `to` is not a traversal:\n{to}");
        };
        let keys_read: Vec<&::hcl::Expression> = traversal
            .operators
            .iter()
            .filter_map(|op| match op {
                ::hcl::TraversalOperator::Index(e) => Some(e),
                _ => None,
            })
            .collect();
        assert_eq!(
            keys_read,
            vec![&::hcl::Expression::String(key.clone()); 2],
            "{key:?}:\n{to}"
        );

        // revert.sh: valid bash, one argument per address, nothing executed.
        let script = scratch.join(format!("revert-{n}.sh"));
        std::fs::write(&script, &files.revert_sh).unwrap();
        let syntax = Command::new("bash")
            .arg("-n")
            .arg(&script)
            .status()
            .unwrap();
        assert!(syntax.success(), "{key:?}:\n{}", files.revert_sh);
        let log = scratch.join(format!("argv-{n}"));
        let path = format!(
            "{}:{}",
            scratch.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let run = Command::new("bash")
            .arg(&script)
            .arg("-auto-approve")
            .env("PATH", path)
            .env("PLUMB_ARGV_LOG", &log)
            .output()
            .unwrap();
        assert!(run.status.success(), "{key:?}: {run:?}");
        let argv = std::fs::read(&log).unwrap();
        let argv: Vec<String> = argv
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8(a.to_vec()).unwrap())
            .collect();
        let calls: Vec<&[String]> = argv
            .split(|a| a == "END-OF-CALL")
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(calls.len(), 2, "{key:?}: {argv:?}");
        for (call, intended) in calls.iter().zip([&changed, &missing]) {
            assert_eq!(call.len(), 3, "{key:?}: {call:?}");
            assert_eq!(call[0], "apply");
            assert_eq!(call[2], "-auto-approve");
            let target: Address = call[1].strip_prefix("-target=").unwrap().parse().unwrap();
            assert_eq!(&target, intended, "{key:?}");
        }
        assert!(!marker.exists(), "{key:?} ran a command");
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
