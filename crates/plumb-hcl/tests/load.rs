//! Loading whole modules from `testdata/hcl/`, temporary directories and the shared corpus.

use std::path::{Path, PathBuf};

use plumb_hcl::{HclError, LoadOptions, load_config};
use plumb_model::{
    AttrPath, ConfigResource, Configuration, IgnoreChanges, Mode, Repetition, Value,
};

fn testdata(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/hcl")
        .join(case)
}

fn load(case: &str) -> Configuration {
    load_config(&testdata(case), &LoadOptions::default()).unwrap_or_else(|e| panic!("{case}: {e}"))
}

fn find<'a>(config: &'a Configuration, address: &str) -> &'a ConfigResource {
    config
        .resources
        .iter()
        .find(|r| r.address.to_string() == address)
        .unwrap_or_else(|| {
            let all: Vec<String> = config
                .resources
                .iter()
                .map(|r| r.address.to_string())
                .collect();
            panic!("{address} not found among {all:?}")
        })
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn path(text: &str) -> AttrPath {
    text.parse().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    let file = dir.join(name);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, text).unwrap();
}

fn load_text(text: &str) -> Result<Configuration, HclError> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", text);
    load_config(dir.path(), &LoadOptions::default())
}

#[test]
fn block_locations_are_exact() {
    let config = load("basic");
    let at = |address: &str| {
        let r = find(&config, address);
        let file = Path::new(&r.location.file)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        (file, r.location.line, r.location.column)
    };
    assert_eq!(at("aws_vpc.main"), ("main.tf".into(), 29, 1));
    assert_eq!(
        at("aws_subnet.private"),
        ("main.tf".into(), 37, 3),
        "indented block"
    );
    assert_eq!(at("aws_instance.web"), ("main.tf".into(), 48, 1));
    assert_eq!(at("data.aws_ami.ubuntu"), ("main.tf".into(), 86, 1));
    assert_eq!(at("aws_db_instance.db"), ("blocks.tf".into(), 18, 1));
    let vpc = find(&config, "aws_vpc.main");
    assert_eq!(
        PathBuf::from(&vpc.location.file),
        testdata("basic").join("main.tf"),
        "the file is shown as root.join(relative)"
    );
    // Files are read in name order.
    let files: Vec<&str> = config
        .resources
        .iter()
        .map(|r| r.location.file.as_str())
        .collect();
    assert!(files.first().unwrap().ends_with("blocks.tf"), "{files:?}");
}

#[test]
fn crlf_tabs_and_byte_order_marks_keep_locations_exact() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}# comment\r\n\r\nresource \"a\" \"one\" {\r\n  x = 1\r\n}\r\n\t resource \"a\" \"two\" {}\r\n";
    write(dir.path(), "main.tf", text);
    let config = load_config(dir.path(), &LoadOptions::default()).unwrap();
    let at = |a: &str| {
        let r = find(&config, a);
        (r.location.line, r.location.column)
    };
    assert_eq!(at("a.one"), (3, 1));
    assert_eq!(at("a.two"), (6, 3), "a tab counts as one column");
    assert_eq!(find(&config, "a.one").attributes, json(r#"{"x": 1}"#));
}

#[test]
fn attributes_are_evaluated_where_known() {
    let config = load("basic");
    let vpc = find(&config, "aws_vpc.main");
    assert_eq!(vpc.repetition, Repetition::Single);
    assert_eq!(
        vpc.attributes,
        json(
            r#"{"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": true,
                "tags": {"Environment": "auto-a", "Owner": "auto-b", "Project": "plumb",
                         "Name": "plumb-auto-a-vpc"}}"#
        )
    );

    let subnet = find(&config, "aws_subnet.private");
    assert_eq!(subnet.repetition, Repetition::Count(Value::int(2)));
    let attrs = &subnet.attributes;
    assert_eq!(
        attrs.get("vpc_id"),
        Some(&Value::Unknown),
        "resource reference"
    );
    assert_eq!(
        attrs.get("cidr_block"),
        Some(&Value::Unknown),
        "count.index"
    );
    assert_eq!(
        attrs.get("tags"),
        Some(&json(
            r#"{"Name": "plumb-auto-a-private", "Tier": "private"}"#
        ))
    );
    assert!(
        attrs.get("count").is_none(),
        "meta-arguments are not attributes"
    );

    let web = find(&config, "aws_instance.web");
    assert_eq!(web.repetition, Repetition::ForEach(json(r#"["a", "b"]"#)));
    assert_eq!(web.provider.as_deref(), Some("aws.west"));
    assert_eq!(web.depends_on, ["aws_vpc.main", "aws_subnet.private"]);
    let attrs = &web.attributes;
    assert_eq!(attrs.get("ami"), Some(&Value::Unknown));
    assert_eq!(
        attrs.get("instance_type"),
        Some(&Value::from("t3.small")),
        "terraform.tfvars"
    );
    assert_eq!(
        attrs.get("user_data"),
        Some(&Value::from("#!/bin/bash\necho plumb-auto-a\n"))
    );
    assert_eq!(
        attrs.get("metadata_options"),
        Some(&json(r#"[{"http_tokens": "required"}]"#))
    );
    assert_eq!(
        attrs.get("ebs_block_device"),
        Some(&json(
            r#"[{"device_name": "/dev/sdb", "volume_size": 10},
                {"device_name": "/dev/sdc", "volume_size": 20}]"#
        ))
    );
    assert_eq!(attrs.get("ingress"), Some(&Value::Unknown), "dynamic block");
    for meta in ["for_each", "provider", "lifecycle", "depends_on", "dynamic"] {
        assert!(attrs.get(meta).is_none(), "{meta} leaked into attributes");
    }
    assert_eq!(
        web.lifecycle.ignore_changes,
        IgnoreChanges::Paths(vec![
            path("tags[\"Name\"]"),
            path("metadata_options[0].http_tokens")
        ])
    );
    assert!(web.lifecycle.create_before_destroy);
    assert!(!web.lifecycle.prevent_destroy);

    let data = find(&config, "data.aws_ami.ubuntu");
    assert_eq!(data.address.mode, Mode::Data);
    assert_eq!(
        data.attributes,
        json(r#"{"most_recent": true, "owners": ["099720109477"]}"#)
    );

    let db = find(&config, "aws_db_instance.db");
    let password = db.attributes.get("password").unwrap();
    assert!(
        password.is_sensitive(),
        "sensitive variables stay sensitive"
    );
    assert_eq!(password.unmarked(), &Value::from("hunter2"));
    assert_eq!(db.attributes.get("replicas"), Some(&Value::int(1)));
}

#[test]
fn providers_variables_and_other_blocks() {
    let config = load("basic");
    assert_eq!(config.providers.len(), 2);
    let default = &config.providers[0];
    assert_eq!(default.name, "aws");
    assert_eq!(default.alias, None);
    assert_eq!(default.region(), Some("us-east-1"));
    assert_eq!(
        default.default_tags(),
        Some(&json(
            r#"{"Environment": "auto-a", "Owner": "auto-b", "Project": "plumb"}"#
        ))
    );
    let west = &config.providers[1];
    assert_eq!(west.alias.as_deref(), Some("west"));
    assert_eq!(west.region(), Some("us-west-2"));
    assert!(west.attributes.get("alias").is_none());

    let env = config.variables.iter().find(|v| v.name == "env").unwrap();
    assert_eq!(env.default, None);
    let password = config
        .variables
        .iter()
        .find(|v| v.name == "db_password")
        .unwrap();
    assert!(password.sensitive);
    let default = password.default.as_ref().unwrap();
    assert!(default.is_sensitive(), "a sensitive default stays hidden");
    assert_eq!(default.unmarked(), &Value::from("hunter2"));

    assert_eq!(config.required_providers.len(), 1);
    assert_eq!(
        config.required_providers[0].source.as_deref(),
        Some("hashicorp/aws")
    );
    assert_eq!(
        config.required_providers[0].version.as_deref(),
        Some("~> 5.0")
    );
    let backend = config.backend.as_ref().unwrap();
    assert_eq!(backend.r#type, "s3");
    assert_eq!(
        backend.attributes.get("bucket"),
        Some(&Value::from("state-bucket"))
    );

    assert_eq!(config.imports.len(), 1);
    assert_eq!(config.imports[0].to, "aws_vpc.main");
    assert_eq!(config.imports[0].id, Value::from("vpc-0123"));
    assert_eq!(config.moved[0].from, "aws_instance.old");
    assert_eq!(config.moved[0].to, "aws_instance.web");
    assert_eq!(config.removed[0].from, "aws_s3_bucket.legacy");
    assert!(!config.removed[0].destroy);
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
}

#[test]
fn tfvars_precedence_follows_terraform() {
    let root = testdata("basic");
    let env_of = |options: &LoadOptions| {
        let config = load_config(&root, options).unwrap();
        let vpc = find(&config, "aws_vpc.main");
        vpc.attributes
            .get("tags")
            .unwrap()
            .get("Environment")
            .cloned()
            .unwrap()
    };
    // terraform.tfvars < a.auto.tfvars.json: the auto file wins.
    assert_eq!(env_of(&LoadOptions::default()), Value::from("auto-a"));
    let with_file = LoadOptions {
        vars: Vec::new(),
        var_files: vec![root.join("extra.tfvars")],
    };
    assert_eq!(env_of(&with_file), Value::from("var-file"));
    let with_var = LoadOptions {
        vars: vec![("env".into(), "cli".into())],
        var_files: vec![root.join("extra.tfvars")],
    };
    assert_eq!(env_of(&with_var), Value::from("cli"));

    // -var for a number-typed variable is converted; for an untyped one, parsed when literal.
    let options = LoadOptions {
        vars: vec![
            ("replicas".into(), "3".into()),
            ("cidr".into(), "10.9.0.0/16".into()),
        ],
        var_files: Vec::new(),
    };
    let config = load_config(&root, &options).unwrap();
    let db = find(&config, "aws_db_instance.db");
    assert_eq!(db.attributes.get("replicas"), Some(&Value::int(3)));
    let vpc = find(&config, "aws_vpc.main");
    assert_eq!(
        vpc.attributes.get("cidr_block"),
        Some(&Value::from("10.9.0.0/16"))
    );
    assert_eq!(
        LoadOptions::parse_var("a=b=c").unwrap(),
        ("a".to_owned(), "b=c".to_owned())
    );
    assert!(LoadOptions::parse_var("novalue").is_err());
}

#[test]
fn local_modules_load_two_levels_deep_with_arguments() {
    let config = load("modules");
    let vpc = find(&config, "module.net.aws_vpc.this");
    assert_eq!(vpc.address.module, ["net"]);
    assert_eq!(
        vpc.attributes,
        json(r#"{"cidr_block": "10.10.0.0/16", "tags": {"Team": "infra", "Name": "core-prod"}}"#)
    );
    let subnet = find(&config, "module.net.module.subnet.aws_subnet.this");
    assert_eq!(subnet.address.module, ["net", "subnet"]);
    let attrs = &subnet.attributes;
    assert_eq!(
        attrs.get("vpc_id"),
        Some(&Value::Unknown),
        "output of a parent resource"
    );
    assert_eq!(attrs.get("cidr_block"), Some(&Value::from("10.10.1.0/24")));
    assert_eq!(
        attrs.get("availability_zone"),
        Some(&Value::from("us-east-1a"))
    );
    assert_eq!(attrs.get("tags"), Some(&json(r#"{"Name": "core-prod-a"}"#)));
    assert!(
        subnet.location.file.ends_with("modules/net/subnet/main.tf"),
        "{}",
        subnet.location.file
    );
    assert!(!subnet.location.file.contains(".."));

    let net = config.modules.iter().find(|m| m.name == "net").unwrap();
    assert!(net.loaded);
    assert!(net.parent.is_empty());
    let inner = config.modules.iter().find(|m| m.name == "subnet").unwrap();
    assert_eq!(inner.parent, ["net"]);
    assert!(inner.loaded);
    assert!(
        config
            .variables
            .iter()
            .any(|v| v.module == ["net", "subnet"] && v.name == "az")
    );
}

#[test]
fn registry_and_git_modules_are_warnings_not_errors() {
    let config = load("modules");
    let vpc = config.modules.iter().find(|m| m.name == "vpc").unwrap();
    assert!(!vpc.loaded);
    assert_eq!(vpc.source, "terraform-aws-modules/vpc/aws");
    assert_eq!(vpc.version.as_deref(), Some("5.1.0"));
    let git = config.modules.iter().find(|m| m.name == "git").unwrap();
    assert!(!git.loaded);
    assert_eq!(config.warnings.len(), 2, "{:?}", config.warnings);
    assert!(
        config.warnings[0].contains("module.vpc"),
        "{}",
        config.warnings[0]
    );
    assert!(
        config.warnings[1].contains("module.git"),
        "{}",
        config.warnings[1]
    );
    assert_eq!(
        find(&config, "aws_s3_bucket.logs").attributes,
        json(r#"{"bucket": "logs-prod"}"#)
    );
}

#[test]
fn module_cycles_are_errors() {
    let err = load_config(&testdata("cycle"), &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, HclError::ModuleCycle { .. }), "{err}");
    let text = err.to_string();
    assert!(text.starts_with("module cycle: "), "{text}");
    assert!(!text.contains('\n'));
}

#[test]
fn lifecycle_forms() {
    let config = load("lifecycle");
    let ignore = |name: &str| {
        find(&config, &format!("aws_instance.{name}"))
            .lifecycle
            .ignore_changes
            .clone()
    };
    assert_eq!(ignore("all"), IgnoreChanges::All);
    assert_eq!(ignore("legacy_all"), IgnoreChanges::All);
    assert_eq!(
        ignore("legacy_strings"),
        IgnoreChanges::Paths(vec![path("tags"), path("ami")])
    );
    assert_eq!(ignore("none"), IgnoreChanges::None);
    let paths = find(&config, "aws_instance.paths");
    assert_eq!(
        paths.lifecycle.ignore_changes,
        IgnoreChanges::Paths(vec![
            path("tags.Name"),
            path("tags[\"Owner\"]"),
            path("metadata_options[0].http_tokens"),
            path("user_data"),
        ])
    );
    assert_eq!(
        paths.lifecycle.ignore_changes.to_strings(),
        [
            "tags.Name",
            "tags[\"Owner\"]",
            "metadata_options[0].http_tokens",
            "user_data"
        ]
    );
    assert!(
        paths
            .lifecycle
            .ignore_changes
            .covers(&path("tags[\"Name\"]"))
    );
    assert!(paths.lifecycle.prevent_destroy);
    assert_eq!(
        paths.lifecycle.replace_triggered_by,
        ["aws_launch_template.lt.id", "null_resource.x"]
    );
}

#[test]
fn json_syntax_loads_like_native_syntax() {
    let config = load("json");
    let web = find(&config, "aws_instance.web");
    assert_eq!(web.repetition, Repetition::Count(Value::int(2)));
    assert_eq!(web.provider.as_deref(), Some("aws.west"));
    assert_eq!(web.depends_on, ["aws_vpc.main"]);
    assert_eq!(
        web.attributes.get("tags").unwrap(),
        &Value::Map(plumb_model::Map::from_entries(vec![
            ("Name".into(), Value::from("app-dev")),
            ("Id".into(), Value::Unknown),
        ]))
    );
    assert_eq!(
        web.attributes.get("ebs_block_device"),
        Some(&json(r#"[{"device_name": "/dev/sdb"}]"#))
    );
    assert!(web.attributes.get("lifecycle").is_none());
    assert_eq!(
        web.lifecycle.ignore_changes,
        IgnoreChanges::Paths(vec![path("tags[\"Name\"]"), path("ami")])
    );
    assert!(web.lifecycle.prevent_destroy);
    // Best-effort locations: the line of the resource name's key.
    assert_eq!((web.location.line, web.location.column), (16, 7));
    let vpc = find(&config, "aws_vpc.main");
    assert_eq!((vpc.location.line, vpc.location.column), (28, 7));
    assert_eq!(find(&config, "data.aws_ami.ubuntu").location.line, 32);

    assert_eq!(config.providers.len(), 2);
    assert_eq!(config.providers[1].alias.as_deref(), Some("west"));
    assert_eq!(config.providers[1].region(), Some("us-west-2"));
    assert_eq!(config.modules.len(), 1);
    assert!(!config.modules[0].loaded);
    assert_eq!(
        config.required_providers[0].version.as_deref(),
        Some(">= 5.0")
    );
    assert_eq!(config.backend.as_ref().unwrap().r#type, "local");
}

#[test]
fn syntax_errors_name_file_line_and_column() {
    let err = load_text("resource \"aws_vpc\" \"a\" {\n  cidr_block = \n}\n").unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(
            err,
            HclError::Syntax {
                line: 2,
                column: 16,
                ..
            }
        ),
        "{text}"
    );
    assert!(text.contains("main.tf:2:16: invalid expression"), "{text}");
    assert!(!text.contains('\n'), "one line: {text}");

    let err = load_text("resource \"x\" \"y\" {\n  a = \"unterminated\n}\n").unwrap_err();
    assert!(matches!(err, HclError::Syntax { line: 2, .. }), "{err}");

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf.json", "{\n  \"resource\": {,\n}");
    let err = load_config(dir.path(), &LoadOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("main.tf.json:2:16: invalid JSON"), "{text}");
    assert!(!text.contains('\n'), "{text}");
}

#[test]
fn unreadable_inputs_are_one_line_errors() {
    let missing = load_config(Path::new("/no/such/dir"), &LoadOptions::default()).unwrap_err();
    assert_eq!(missing.to_string(), "/no/such/dir: no such directory");

    let empty = tempfile::tempdir().unwrap();
    write(empty.path(), "README.md", "not terraform");
    let err = load_config(empty.path(), &LoadOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .ends_with(": no .tf or .tf.json files in this directory"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        b"resource \"a\" \"b\" { x = \"\xff\" }",
    )
    .unwrap();
    let err = load_config(dir.path(), &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, HclError::InvalidUtf8 { .. }), "{err}");
    assert!(
        err.to_string().contains("main.tf: not valid UTF-8"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "module \"m\" {\n  source = \"./nope\"\n}\n",
    );
    let err = load_config(dir.path(), &LoadOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("nope: no such directory (source of module.m)"),
        "{text}"
    );

    let err = load_text("resource \"only_type\" {\n}\n").unwrap_err();
    assert!(
        err.to_string()
            .contains("main.tf:1:1: a resource block needs two labels"),
        "{err}"
    );

    let options = LoadOptions {
        vars: Vec::new(),
        var_files: vec![PathBuf::from("/no/such.tfvars")],
    };
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", "");
    let err = load_config(dir.path(), &options).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("/no/such.tfvars: cannot read: "),
        "{err}"
    );
}

#[test]
fn duplicate_addresses_name_both_locations() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.tf", "resource \"aws_vpc\" \"main\" {}\n");
    write(dir.path(), "b.tf", "\n\nresource \"aws_vpc\" \"main\" {}\n");
    let err = load_config(dir.path(), &LoadOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("duplicate aws_vpc.main: declared at "),
        "{text}"
    );
    assert!(text.contains("a.tf:1:1 and at "), "{text}");
    assert!(text.ends_with("b.tf:3:1"), "{text}");
    // The same name in a resource and a data block is no duplicate.
    let config = load_text("resource \"aws_vpc\" \"a\" {}\ndata \"aws_vpc\" \"a\" {}\n").unwrap();
    assert_eq!(config.resources.len(), 2);
}

#[test]
fn hostile_input_does_not_panic() {
    let inputs = [
        "",
        "resource",
        "resource \"a\" \"b\" \"c\" {}",
        "locals { a = local.a }\nresource \"x\" \"y\" { v = local.a }",
        "resource \"x\" \"y\" { v = [for x in 5 : x] }",
        "resource \"x\" \"y\" { v = substr(\"é\", 5, 9) }",
        "resource \"x\" \"y\" { v = cidrsubnet(\"10.0.0.0/30\", 200, 1) }",
        "resource \"x\" \"y\" { v = format(\"%\") }",
        "resource \"x\" \"y\" { v = element([], 1) }",
        "resource \"x\" \"y\" { v = range(1e300) }",
        "resource \"x\" \"y\" { v = -9223372036854775807 - 2 }",
        "resource \"x\" \"y\" { v = 9223372036854775807 * 9223372036854775807 }",
        "resource \"x\" \"y\" { v = cidrhost(\"::/0\", -1) }",
        "resource \"x\" \"y\" { v = cidrsubnet(\"::/0\", 4294967295, 1) }",
        "variable { }",
        "provider {}",
        "module \"m\" {}",
    ];
    for input in inputs {
        let _ = load_text(input);
    }
    let deep = format!(
        "locals {{ a = {}1{} }}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let _ = load_text(&deep);
    let deep = format!(
        "locals {{ a = {}1{} }}\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let _ = load_text(&deep);
    let deep = format!(
        "resource \"x\" \"y\" {}\n{}",
        "b {\n".repeat(5000),
        "}\n".repeat(5001)
    );
    let _ = load_text(&deep);
}

/// The real-world corpus: every folder with `.tf` files must load, and the number of `resource`
/// blocks must match a line count made without the parser.
#[test]
fn corpus_loads_with_the_expected_resource_counts() {
    let corpus = std::env::var_os("PLUMB_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    assert!(
        corpus.is_dir(),
        "corpus not found at {}: set PLUMB_CORPUS to the corpus directory",
        corpus.display()
    );
    let mut folders: Vec<PathBuf> = Vec::new();
    for pattern in [&["states", "driftctl", "iac"][..], &["states", "real"][..]] {
        let base = pattern.iter().fold(corpus.clone(), |p, s| p.join(s));
        for entry in sorted_dirs(&base) {
            if pattern.len() == 2 {
                for inner in sorted_dirs(&entry.join("terraformer")) {
                    folders.push(inner);
                }
            } else {
                folders.push(entry);
            }
        }
    }
    let mut singles = Vec::new();
    for project in sorted_dirs(&corpus.join("plans").join("real")) {
        for file in sorted_files(&project) {
            if file.to_string_lossy().ends_with("__main.tf") {
                singles.push(file);
            }
        }
    }

    let mut checked = 0;
    let mut blocks = 0;
    for folder in &folders {
        let files: Vec<PathBuf> = sorted_files(folder)
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "tf"))
            .collect();
        if files.is_empty() {
            continue;
        }
        let expected: usize = files.iter().map(|f| count_resource_lines(f)).sum();
        let config = load_config(folder, &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
        assert_eq!(root_managed(&config), expected, "{}", folder.display());
        checked += 1;
        blocks += expected;
    }
    for file in &singles {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(file, dir.path().join("main.tf")).unwrap();
        let expected = count_resource_lines(file);
        let config = load_config(dir.path(), &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(root_managed(&config), expected, "{}", file.display());
        checked += 1;
        blocks += expected;
    }
    assert!(
        checked >= 10,
        "only {checked} corpus folders found under {}",
        corpus.display()
    );
    assert!(blocks > 0);
    eprintln!("corpus: {checked} folders/files, {blocks} resource blocks matched");
}

fn root_managed(config: &Configuration) -> usize {
    config
        .resources
        .iter()
        .filter(|r| r.address.mode == Mode::Managed && r.address.module.is_empty())
        .count()
}

fn count_resource_lines(file: &Path) -> usize {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("resource \""))
        .count()
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
