//! The report contract's documentation, checked against the binary: `docs/rules.md` is what
//! `plumb rules` generates, and every JSON report `plumb scan` writes (the bundled example and
//! every scenario under `testdata/scenarios/`) validates against `docs/report.schema.json`.

use std::path::{Path, PathBuf};

use plumb_report::rules::REGENERATE_DOCS;
use serde_json::{Value, json};

use crate::{plumb, stderr, stdout, workspace_root};

fn read(relative: &str) -> String {
    let path = workspace_root().join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()))
}

#[test]
fn rules_md_is_what_plumb_rules_generates() {
    let output = plumb(&["rules", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let generated = stdout(&output);
    let checked_in = read("docs/rules.md");
    if generated != checked_in {
        let first_difference = generated
            .lines()
            .zip(checked_in.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || generated.lines().count().min(checked_in.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "docs/rules.md is out of date with the rule registry (first difference at line \
             {first_difference}); regenerate it: `{REGENERATE_DOCS}` (in the workspace root: \
             `cargo run -q -p plumb-cli -- rules --format markdown > docs/rules.md`)"
        );
    }
}

#[test]
fn plumb_rules_lists_every_rule_normalizer_and_judgement() {
    let output = plumb(&["rules", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let ids = |key: &str| -> Vec<String> {
        doc[key]
            .as_array()
            .unwrap_or_else(|| panic!("no `{key}` array"))
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let rules: Vec<&str> = plumb_drift::rules::registry()
        .iter()
        .map(|r| r.id())
        .collect();
    assert_eq!(ids("rules"), rules);
    let normalizers: Vec<&str> = plumb_drift::normalize::registry()
        .iter()
        .map(|n| n.id())
        .collect();
    assert_eq!(ids("normalizers"), normalizers);
    let judgements: Vec<&str> = plumb_drift::judgements::ENGINE_JUDGEMENTS
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(ids("judgements"), judgements);
    let first = &doc["rules"][0];
    for field in ["severity", "title", "what", "why", "fix"] {
        assert!(
            first[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field}"
        );
    }

    let table = plumb(&["rules"]);
    assert_eq!(table.status.code(), Some(0), "{}", stderr(&table));
    let text = stdout(&table);
    for id in rules.iter().chain(&normalizers).chain(&judgements) {
        assert!(text.contains(id), "{id} missing from the table:\n{text}");
    }
}

fn schema() -> Value {
    serde_json::from_str(&read("docs/report.schema.json")).expect("docs/report.schema.json is JSON")
}

pub fn validator() -> jsonschema::Validator {
    let schema = schema();
    if let Err(err) = jsonschema::meta::validate(&schema) {
        panic!("docs/report.schema.json is not a valid JSON Schema: {err}");
    }
    jsonschema::draft202012::new(&schema).expect("the report schema compiles")
}

/// Panics, naming `what`, when `report` does not match docs/report.schema.json. The schema is
/// compiled once for the whole test binary.
#[track_caller]
pub fn assert_schema(report: &Value, what: &str) {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    if let Some(errors) = errors(VALIDATOR.get_or_init(validator), report) {
        panic!("{what} does not match docs/report.schema.json:\n{errors}");
    }
}

/// Every validation error on one line each, or `None` when the report is valid.
pub fn errors(validator: &jsonschema::Validator, report: &Value) -> Option<String> {
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("  {}: {e}", e.instance_path()))
        .collect();
    (!errors.is_empty()).then(|| errors.join("\n"))
}

/// `plumb scan --format json` of a folder, from the workspace root.
fn scan_json(config: Option<&str>, state: Option<&str>, snapshot: &str) -> Value {
    let mut args = vec!["scan", "--format", "json", "--snapshot", snapshot];
    if let Some(config) = config {
        args.extend(["--config", config]);
    }
    if let Some(state) = state {
        args.extend(["--state", state]);
    }
    let output = plumb(&args);
    let text = stdout(&output);
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "plumb {}: {:?}: {}",
        args.join(" "),
        output.status,
        stderr(&output)
    );
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "plumb {} wrote no JSON report ({e}); stderr: {}",
            args.join(" "),
            stderr(&output)
        )
    })
}

fn example_report() -> Value {
    scan_json(Some("examples/webapp"), None, "examples/webapp/live.json")
}

/// Folders holding a scenario: a `live.json` with code (`main.tf`) or a `terraform.tfstate`.
fn scenarios(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries.into_iter().filter(|p| p.is_dir()) {
        let has = |name: &str| path.join(name).is_file();
        if has("live.json") && (has("main.tf") || has("terraform.tfstate")) {
            found.push(path.clone());
        }
        scenarios(&path, found);
    }
}

/// Scans every scenario under `dir` and validates its report: how many were scanned, and the
/// failures, each naming its folder.
fn scenario_failures(validator: &jsonschema::Validator, dir: &Path) -> (usize, Vec<String>) {
    let mut found = Vec::new();
    scenarios(dir, &mut found);
    let mut failures = Vec::new();
    for folder in &found {
        let file = |name: &str| folder.join(name).to_string_lossy().into_owned();
        let code = folder.join("main.tf").is_file();
        let config = code.then(|| folder.to_string_lossy().into_owned());
        let state = (!code).then(|| file("terraform.tfstate"));
        let report = scan_json(config.as_deref(), state.as_deref(), &file("live.json"));
        if let Some(e) = errors(validator, &report) {
            failures.push(format!("{}:\n{e}", folder.display()));
        }
    }
    (found.len(), failures)
}

#[test]
fn every_scan_report_matches_the_schema() {
    let validator = validator();
    let mut failures = Vec::new();
    if let Some(e) = errors(&validator, &example_report()) {
        failures.push(format!("examples/webapp:\n{e}"));
    }
    // Scenarios are optional: a checkout without testdata/scenarios/ validates the example only.
    let (scanned, more) =
        scenario_failures(&validator, &workspace_root().join("testdata/scenarios"));
    failures.extend(more);
    assert!(
        failures.is_empty(),
        "reports that do not match docs/report.schema.json (fix the renderer or, for a \
         deliberate change, the schema, docs/json-format.md and format_version):\n{}",
        failures.join("\n")
    );
    eprintln!(
        "validated {} report(s) against docs/report.schema.json",
        1 + scanned
    );
}

/// The scenario walk finds nested folders and scans them with their code or their state alone.
#[test]
fn the_scenario_walk_scans_code_and_state_only_folders() {
    let root = tempfile::tempdir().unwrap();
    let example = workspace_root().join("examples/webapp");
    let with_code = root.path().join("group/with-code");
    copy_dir(&example, &with_code);
    let state_only = root.path().join("state-only");
    std::fs::create_dir_all(&state_only).unwrap();
    for name in ["terraform.tfstate", "live.json"] {
        std::fs::copy(example.join(name), state_only.join(name)).unwrap();
    }
    std::fs::create_dir_all(root.path().join("not-a-scenario")).unwrap();
    let (scanned, failures) = scenario_failures(&validator(), root.path());
    assert_eq!(scanned, 2);
    assert!(failures.is_empty(), "{failures:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// One change that makes a valid report invalid.
type Breakage = fn(&mut Value);

/// The schema is strict where the contract is: each of these reports breaks it in one place
/// and must fail, at that place.
#[test]
fn the_schema_rejects_a_drifting_report() {
    let validator = validator();
    let example = example_report();
    assert!(
        errors(&validator, &example).is_none(),
        "the example must be valid before it is broken"
    );
    let breakages: Vec<(&str, &str, Breakage)> = vec![
        ("a bogus kind", "/findings/0/kind", |r| {
            r["findings"][0]["kind"] = json!("drifted");
        }),
        ("a bogus severity", "/findings/0/severity", |r| {
            r["findings"][0]["severity"] = json!("urgent");
        }),
        (
            "a changed finding without severity",
            "/findings/0/severity",
            |r| {
                r["findings"][0]["severity"] = Value::Null;
            },
        ),
        (
            "a field the contract does not name",
            "/findings/0/attributes/0",
            |r| {
                r["findings"][0]["attributes"][0]["value"] = json!(1);
            },
        ),
        ("a missing summary count", "/summary", |r| {
            r["summary"]
                .as_object_mut()
                .unwrap()
                .remove("managed_elsewhere");
        }),
        ("a score above 100", "/summary/score", |r| {
            r["summary"]["score"] = json!(101);
        }),
        (
            "a path in text form",
            "/findings/0/attributes/0/path",
            |r| {
                r["findings"][0]["attributes"][0]["path"] =
                    json!("metadata_options[0].http_tokens");
            },
        ),
        ("a short fingerprint", "/findings/0/fingerprint", |r| {
            r["findings"][0]["fingerprint"] = json!("abc");
        }),
        ("an unknown top-level field", "", |r| {
            r["drift"] = json!(true);
        }),
        ("a major format version", "/format_version", |r| {
            r["format_version"] = json!("2.0");
        }),
    ];
    for (what, at, breakage) in breakages {
        let mut report = example.clone();
        breakage(&mut report);
        let found = errors(&validator, &report)
            .unwrap_or_else(|| panic!("a report with {what} passed the schema"));
        assert!(
            found
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{at}:"))),
            "{what}: expected an error at `{at}`, got:\n{found}"
        );
    }
}

/// Every field the schema names is explained in docs/json-format.md.
#[test]
fn json_format_md_explains_every_field() {
    fn names(schema: &Value, out: &mut Vec<String>) {
        match schema {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    out.extend(properties.keys().cloned());
                }
                for value in map.values() {
                    names(value, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| names(v, out)),
            _ => {}
        }
    }
    let mut fields = Vec::new();
    names(&schema(), &mut fields);
    fields.sort();
    fields.dedup();
    let doc = read("docs/json-format.md");
    let missing: Vec<&String> = fields
        .iter()
        .filter(|f| !doc.contains(&format!("`{f}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/json-format.md does not explain: {missing:?}"
    );
}

/// The example in docs/snapshot-format.md is a snapshot plumb reads.
#[test]
fn the_snapshot_format_example_is_read() {
    let doc = read("docs/snapshot-format.md");
    let example = doc
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/snapshot-format.md has a ```json example");
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("live.json");
    std::fs::write(&snapshot, example).unwrap();
    let report = scan_json(
        None,
        Some("examples/webapp/terraform.tfstate"),
        snapshot.to_str().unwrap(),
    );
    assert_eq!(report["summary"]["managed"], 8, "{report:#}");
    assert!(errors(&validator(), &report).is_none());
}

/// docs/aws-adapter.md names every type the AWS adapter reads and every call it makes.
#[cfg(feature = "aws")]
#[test]
fn the_aws_adapter_doc_names_every_type_and_call() {
    let doc = read("docs/aws-adapter.md");
    let adapters: Value = serde_json::from_str(&stdout(&plumb(&["adapters", "--format", "json"])))
        .expect("plumb adapters --format json");
    let aws = adapters["adapters"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["name"] == "aws"))
        .expect("the aws adapter is listed");
    for t in aws["types"].as_array().unwrap() {
        let t = t.as_str().unwrap();
        assert!(
            doc.contains(&format!("`{t}`")),
            "docs/aws-adapter.md does not name {t}"
        );
    }
    let policy: Value = serde_json::from_str(&stdout(&plumb(&["iam-policy"]))).unwrap();
    for action in policy["Statement"][0]["Action"].as_array().unwrap() {
        let name = action.as_str().unwrap().split(':').nth(1).unwrap();
        assert!(
            doc.contains(name),
            "docs/aws-adapter.md does not name {name}"
        );
    }
}

/// Every field `plumb parity` and `plumb diff` write is explained in docs/parity-format.md, and
/// their reports match docs/parity.schema.json.
#[test]
fn parity_format_md_explains_every_field() {
    fn keys(value: &Value, out: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    out.insert(key.clone());
                    // Environment names and attribute names are data, not fields.
                    if !matches!(
                        key.as_str(),
                        "values" | "sources" | "old" | "new" | "added" | "removed"
                    ) {
                        keys(v, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    let dir = "testdata/parity/three-envs";
    let mut args = vec![
        "parity".to_owned(),
        "--format".to_owned(),
        "json".to_owned(),
    ];
    args.extend(["--policy".to_owned(), format!("{dir}/.plumb.hcl")]);
    for env in ["dev", "staging", "prod"] {
        args.extend(["--env".to_owned(), format!("{env}={dir}/envs/{env}")]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let parity: Value = serde_json::from_str(&stdout(&plumb(&args))).unwrap();
    let diff = plumb(&[
        "diff",
        "testdata/diff/serial-41.tfstate",
        "testdata/diff/serial-42.tfstate",
        "--format",
        "json",
    ]);
    let diff: Value = serde_json::from_str(&stdout(&diff)).unwrap();
    let mut fields = std::collections::BTreeSet::new();
    keys(&parity, &mut fields);
    keys(&diff, &mut fields);
    // Both match the schema.
    let schema: Value = serde_json::from_str(&read("docs/parity.schema.json")).unwrap();
    if let Err(err) = jsonschema::meta::validate(&schema) {
        panic!("docs/parity.schema.json is not a valid JSON Schema: {err}");
    }
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    for (name, report) in [("parity", &parity), ("diff", &diff)] {
        if let Some(errors) = errors(&validator, report) {
            panic!("the {name} report does not match docs/parity.schema.json:\n{errors}");
        }
    }
    let mut drifting = parity.clone();
    drifting["parity_findings"][0]["kind"] = "renamed".into();
    assert!(
        errors(&validator, &drifting).is_some(),
        "the schema must be strict"
    );
    let doc = read("docs/parity-format.md");
    let missing: Vec<&String> = fields
        .iter()
        .filter(|f| !doc.contains(&format!("`{f}`")) && !doc.contains(&format!("`{f}[]`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/parity-format.md does not explain: {missing:?}"
    );
}
