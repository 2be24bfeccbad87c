//! Reads every state and plan of the shared corpus and checks what was read against counts taken
//! independently (a plain `serde_json::Value` walk here), plus a few values rebuilt by hand.
//!
//! The corpus lives outside the repository; set `PLUMB_CORPUS` to its directory. A missing corpus
//! fails the test rather than skipping it, so a green run always means the corpus was read.

use std::path::{Path, PathBuf};

use plumb_model::{StateFormat, Value};
use plumb_schema::ProviderSchemas;
use plumb_state::{Document, parse_document, read_plan, read_state};
use serde_json::Value as Json;

fn corpus() -> PathBuf {
    let dir = std::env::var_os("PLUMB_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    assert!(
        dir.join("states").is_dir(),
        "corpus not found at {}: set PLUMB_CORPUS to the corpus directory (the one holding states/ and plans/)",
        dir.display()
    );
    dir
}

fn schemas(corpus: &Path) -> ProviderSchemas {
    let mut all = ProviderSchemas::load(&corpus.join("schema/aws-4.36.1-ec2-subset.json")).unwrap();
    all.merge(ProviderSchemas::load(&corpus.join("schema/aws-6.47.0-ec2-subset.json")).unwrap());
    all
}

/// Files under `dir` (recursively) whose names satisfy `keep`, sorted.
fn files(dir: &Path, keep: &dyn Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if keep(&path.file_name().unwrap().to_string_lossy()) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn show_module_count(module: &Json) -> usize {
    module["resources"].as_array().map_or(0, Vec::len)
        + module["child_modules"]
            .as_array()
            .map_or(0, |c| c.iter().map(show_module_count).sum())
}

/// Resource instance objects, counted from the raw JSON without the reader.
fn expected_objects(json: &Json) -> usize {
    match json["version"].as_u64() {
        Some(4) => json["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["instances"].as_array().map_or(0, Vec::len))
            .sum(),
        Some(3) => json["modules"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| m["resources"].as_object().unwrap().values())
            .map(|r| {
                usize::from(r["primary"].is_object()) + r["deposed"].as_array().map_or(0, Vec::len)
            })
            .sum(),
        _ => json
            .get("prior_state")
            .unwrap_or(json)
            .get("values")
            .map_or(0, |v| show_module_count(&v["root_module"])),
    }
}

fn origin(corpus: &Path, path: &Path) -> String {
    path.strip_prefix(corpus).unwrap().display().to_string()
}

#[test]
fn every_corpus_state_reads_with_the_right_counts() {
    let corpus = corpus();
    let schemas = schemas(&corpus);
    let states = corpus.join("states");
    let mut paths = files(&states.join("driftctl/iac"), &|n| n == "terraform.tfstate");
    paths.extend(files(&states.join("real"), &|n| n.contains(".tfstate")));
    assert!(paths.len() >= 40, "only {} states found", paths.len());
    let (mut v3, mut v4, mut objects) = (0, 0, 0);
    for path in &paths {
        let origin = origin(&corpus, path);
        let bytes = std::fs::read(path).unwrap();
        let json: Json = serde_json::from_slice(&bytes).unwrap();
        let doc =
            read_state(&bytes, &origin, "default", &schemas).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc.resources.len(), expected_objects(&json), "{origin}");
        match doc.format {
            StateFormat::V3 => v3 += 1,
            StateFormat::V4 => v4 += 1,
            other => panic!("{origin}: unexpected format {other:?}"),
        }
        objects += doc.resources.len();
        for r in &doc.resources {
            assert!(r.attributes.as_map().is_some(), "{origin}: {}", r.address);
            for name in ["user_data", "user_data_base64", "password_data"] {
                if let Some(v) = r.attributes.get(name) {
                    assert!(
                        v.is_null() || v.is_sensitive(),
                        "{origin}: {} {name}",
                        r.address
                    );
                }
            }
        }
    }
    eprintln!(
        "corpus states: {} files ({v4} v4, {v3} v3), {objects} instance objects",
        paths.len()
    );
    assert_eq!(v3, 10, "terraformer exports are v3");
}

#[test]
fn driftctl_misc_files_fail_or_pass_as_expected() {
    let corpus = corpus();
    let schemas = schemas(&corpus);
    let dir = corpus.join("states/driftctl/misc");
    let expected: &[(&str, Result<usize, &str>)] = &[
        (
            "pkg__analyser__testdata__input.json",
            Err(
                ": not a Terraform state or plan: a JSON object without `version` or `format_version` (keys `summary`, `managed`, `unmanaged`, `missing`, `coverage`, `alerts`, ...) (it looks like a driftctl scan result)",
            ),
        ),
        (
            "pkg__analyser__testdata__output.json",
            Err(
                ": not a Terraform state or plan: a JSON object without `version` or `format_version` (keys `summary`, `managed`, `unmanaged`, `missing`, `coverage`, `alerts`, ...) (it looks like a driftctl scan result)",
            ),
        ),
        (
            "pkg__cmd__scan__output__testdata__output.json",
            Err(
                ": not a Terraform state or plan: a JSON object without `version` or `format_version` (keys `summary`, `managed`, `unmanaged`, `missing`, `coverage`, `alerts`, ...) (it looks like a driftctl scan result)",
            ),
        ),
        (
            // A plan without `prior_state`: an empty state.
            "pkg__cmd__scan__output__testdata__output_plan.json",
            Ok(0),
        ),
        (
            "pkg__cmd__testdata__input_stdin_valid.json",
            Err(
                ": not a Terraform state or plan: a JSON object without `version` or `format_version` (keys `summary`, `managed`, `unmanaged`, `missing`, `coverage`, `alerts`) (it looks like a driftctl scan result)",
            ),
        ),
        (
            "pkg__iac__terraform__state__enumerator__testdata__states__terraform.tfstate",
            Err(": empty file, not a Terraform state"),
        ),
        (
            "pkg__iac__terraform__state__testdata__v4__invalid.tfstate",
            Err(":16:7: not valid JSON: key must be a string"),
        ),
        (
            "pkg__iac__terraform__state__testdata__v4__unsupported_version.tfstate",
            Ok(2),
        ),
        (
            "pkg__iac__terraform__state__testdata__v4__valid.tfstate",
            Ok(2),
        ),
    ];
    let found = files(&dir, &|_| true);
    assert_eq!(found.len(), expected.len(), "misc files changed: {found:?}");
    for (name, want) in expected {
        let path = dir.join(name);
        let origin = origin(&corpus, &path);
        let bytes = std::fs::read(&path).unwrap();
        match (read_state(&bytes, &origin, "default", &schemas), want) {
            (Ok(doc), Ok(count)) => assert_eq!(doc.resources.len(), *count, "{origin}"),
            (Err(e), Err(message)) => assert_eq!(e.to_string(), format!("{origin}{message}")),
            (got, want) => panic!(
                "{origin}: got {:?}, want {want:?}",
                got.map(|d| d.resources.len()).map_err(|e| e.to_string())
            ),
        }
    }
}

#[test]
fn driftctl_plan_without_prior_state_reads_as_a_plan() {
    let corpus = corpus();
    let path =
        corpus.join("states/driftctl/misc/pkg__cmd__scan__output__testdata__output_plan.json");
    let plan = read_plan(
        &std::fs::read(&path).unwrap(),
        "output_plan.json",
        &schemas(&corpus),
    )
    .unwrap();
    assert_eq!(plan.format_version, "0.1");
    assert!(plan.prior_state.is_none());
    assert_eq!(plan.resource_changes.len(), 4);
    // No provider_name: the provider is implied by the type, as Terraform does.
    assert_eq!(
        plan.resource_changes[0].provider.source,
        "registry.terraform.io/hashicorp/aws"
    );
}

#[test]
fn every_corpus_plan_reads_with_the_right_counts() {
    let corpus = corpus();
    let schemas = schemas(&corpus);
    let paths = files(&corpus.join("plans/real"), &|n| {
        Path::new(n)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    });
    assert_eq!(paths.len(), 4, "plans changed: {paths:?}");
    let (mut changes, mut drift) = (0, 0);
    for path in &paths {
        let origin = origin(&corpus, path);
        let bytes = std::fs::read(path).unwrap();
        let json: Json = serde_json::from_slice(&bytes).unwrap();
        let plan = read_plan(&bytes, &origin, &schemas).unwrap_or_else(|e| panic!("{e}"));
        let count = |key: &str| json[key].as_array().map_or(0, Vec::len);
        assert_eq!(
            plan.resource_changes.len(),
            count("resource_changes"),
            "{origin}"
        );
        assert_eq!(
            plan.resource_drift.len(),
            count("resource_drift"),
            "{origin}"
        );
        let prior = plan.prior_state.as_ref();
        assert_eq!(
            prior.map_or(0, |p| p.resources.len()),
            json.get("prior_state")
                .map_or(0, |_| expected_objects(&json)),
            "{origin}"
        );
        assert!(plan.configuration.is_some(), "{origin}");
        // Every `after_unknown: true` became an unknown value.
        for (change, raw) in plan
            .resource_changes
            .iter()
            .zip(json["resource_changes"].as_array().unwrap())
        {
            let unknown = raw["change"]["after_unknown"]
                .as_object()
                .is_some_and(|m| m.values().any(|v| v == &Json::Bool(true)));
            assert_eq!(
                change.after.contains_unknown(),
                unknown,
                "{origin}: {}",
                change.address
            );
        }
        assert!(matches!(
            parse_document(&bytes, &origin, "default", &schemas).unwrap(),
            Document::Plan(_)
        ));
        changes += plan.resource_changes.len();
        drift += plan.resource_drift.len();
    }
    eprintln!(
        "corpus plans: {} files, {changes} resource changes, {drift} drift entries",
        paths.len()
    );
    assert_eq!((changes, drift), (52, 1));
}

#[test]
fn terraformer_v3_values_are_rebuilt_by_the_schema() {
    let corpus = corpus();
    let schemas = schemas(&corpus);
    let dir = corpus.join(
        "states/real/hashicorp-publicsector__blog-dynamic-saas-cluster-aws-vault/terraformer",
    );
    let read = |name: &str| {
        let path = dir.join(name).join("terraform.tfstate");
        read_state(&std::fs::read(&path).unwrap(), name, "default", &schemas).unwrap()
    };
    let sg = read("sg");
    let default = sg
        .resources
        .iter()
        .find(|r| r.id() == Some("sg-007f8df04ef148f39"))
        .unwrap();
    assert_eq!(default.schema_version, Some(1));
    assert_eq!(
        default.attributes.get("ingress").unwrap().to_string(),
        r#"[{"cidr_blocks":[],"description":"","from_port":0,"ipv6_cidr_blocks":[],"prefix_list_ids":[],"protocol":"-1","security_groups":[],"self":true,"to_port":0}]"#
    );
    assert_eq!(
        default.attributes.get("tags"),
        Some(&Value::Map(plumb_model::Map::new()))
    );
    let ec2 = read("ec2_instance");
    let node = ec2
        .resources
        .iter()
        .find(|r| r.id() == Some("i-023e25e6ce7e85ca8"))
        .unwrap();
    let root = &node
        .attributes
        .get("root_block_device")
        .unwrap()
        .as_list()
        .unwrap()[0];
    assert_eq!(root.get("volume_size"), Some(&Value::int(80)));
    assert_eq!(root.get("encrypted"), Some(&Value::Bool(true)));
    assert_eq!(
        root.get("tags")
            .unwrap()
            .get("alpha.eksctl.io/nodegroup-name"),
        Some(&Value::from("nodegroup"))
    );
    assert_eq!(
        node.attributes.get("ebs_optimized"),
        Some(&Value::Bool(false))
    );
    // aws 6.x dropped `cpu_core_count`: kept from the state, inferred, so a string.
    assert_eq!(
        node.attributes.get("cpu_core_count"),
        Some(&Value::from("1"))
    );
    assert_eq!(
        node.attributes
            .get("vpc_security_group_ids")
            .unwrap()
            .to_string(),
        r#"["sg-042cf2425dd6b9d0e"]"#
    );
    let http = &node
        .attributes
        .get("metadata_options")
        .unwrap()
        .as_list()
        .unwrap()[0];
    assert_eq!(
        http.get("http_put_response_hop_limit"),
        Some(&Value::int(2))
    );
    assert_eq!(
        node.attributes
            .get("tags")
            .unwrap()
            .get("kubernetes.io/cluster/dynamic-policy-saas"),
        Some(&Value::from("owned"))
    );
    // The same state without a schema keeps its leaves as strings.
    let path = dir.join("ec2_instance/terraform.tfstate");
    let bare = read_state(
        &std::fs::read(path).unwrap(),
        "bare",
        "default",
        &ProviderSchemas::default(),
    )
    .unwrap();
    let node = bare
        .resources
        .iter()
        .find(|r| r.id() == Some("i-023e25e6ce7e85ca8"))
        .unwrap();
    assert_eq!(
        node.attributes.get("ebs_optimized"),
        Some(&Value::from("false"))
    );
}
