//! `plumb scan` over several workspaces at once (`testdata/workspaces/two-envs`): one live
//! read, each finding in its workspace, per-workspace sections and a total, and history per
//! workspace.

use serde_json::Value;

use crate::{assert_clean_error, plumb, plumb_with_env, stderr, stdout};

const DIR: &str = "testdata/workspaces/two-envs";
const DEV_WEB: &str = "i-0de0de0de0de0de01";
const PROD_WEB: &str = "i-0b0b0b0b0b0b0b0b1";
const BY_HAND: &str = "i-0fedcba9876543210";

fn path(file: &str) -> String {
    format!("{DIR}/{file}")
}

fn flags() -> Vec<String> {
    vec![
        "--workspace".into(),
        format!("dev={}", path("envs/dev")),
        "--workspace".into(),
        format!("prod={}", path("envs/prod")),
    ]
}

/// Runs `plumb scan` with `args` and the scenario's snapshot; the JSON report, checked against
/// the schema, with its exit code.
fn scan_json(args: &[String], env: &[(&str, &str)]) -> (Option<i32>, Value) {
    let live = path("live.json");
    let mut all: Vec<&str> = vec!["scan", "--snapshot", &live, "--format", "json"];
    all.extend(args.iter().map(String::as_str));
    let output = plumb_with_env(&all, env);
    let mut report: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("{e}: {}", stderr(&output)));
    crate::docs::assert_schema(&report, "the report");
    report["plumb_version"] = "[version]".into();
    (output.status.code(), report)
}

fn findings(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let subject = f["address"].as_str().or(f["id"].as_str()).unwrap();
            (
                f["workspace"].as_str().unwrap().to_owned(),
                subject.to_owned(),
                f["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn owned(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect()
}

#[test]
fn one_read_serves_every_workspace() {
    let (code, report) = scan_json(&flags(), &[]);
    assert_eq!(code, Some(2));
    assert_eq!(
        findings(&report),
        owned(&[
            ("prod", "aws_instance.bastion", "missing"),
            ("dev", "module.web.aws_instance.web", "changed"),
            ("*", BY_HAND, "unmanaged"),
        ])
    );
    // Each workspace counts its own resources; the total adds them and the unmanaged object.
    let workspaces = report["workspaces"].as_array().unwrap();
    let names: Vec<&str> = workspaces
        .iter()
        .map(|w| w["workspace"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["dev", "prod"]);
    let (dev, prod) = (&workspaces[0]["summary"], &workspaces[1]["summary"]);
    assert_eq!(
        (dev["managed"].as_u64(), dev["drifted"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (prod["managed"].as_u64(), prod["in_sync"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(prod["missing"], 1);
    assert_eq!(dev["unmanaged"], 0);
    let total = &report["summary"];
    assert_eq!(total["managed"], 3);
    assert_eq!(total["unmanaged"], 1);
    // Three live instances, two of them managed (by different workspaces).
    assert_eq!(total["coverage"], 0.667);

    // The policy's `workspaces` list says the same as the flags.
    let (list_code, listed) = scan_json(&["--policy".into(), path(".plumb.hcl")], &[]);
    assert_eq!(list_code, code);
    assert_eq!(listed, report);
    // Through serde_json: insta's own serializer would spell its exact numbers as objects.
    insta::assert_snapshot!(
        "two_envs_json",
        serde_json::to_string_pretty(&report).unwrap()
    );
}

#[test]
fn scanned_alone_each_workspace_calls_the_others_objects_unmanaged() {
    let (_, dev_alone) = scan_json(&["--config".into(), path("envs/dev")], &[]);
    let unmanaged: Vec<(String, String, String)> = findings(&dev_alone)
        .into_iter()
        .filter(|f| f.2 == "unmanaged")
        .collect();
    assert_eq!(
        unmanaged,
        owned(&[
            ("default", PROD_WEB, "unmanaged"),
            ("default", BY_HAND, "unmanaged"),
        ])
    );
    // A file that lists every workspace does not stop one of them from being scanned alone.
    let (_, beside_the_list) = scan_json(
        &[
            "--config".into(),
            path("envs/dev"),
            "--policy".into(),
            path(".plumb.hcl"),
        ],
        &[],
    );
    assert_eq!(findings(&beside_the_list), findings(&dev_alone));
    let (_, together) = scan_json(&flags(), &[]);
    assert!(
        findings(&together)
            .iter()
            .all(|(_, subject, _)| subject != PROD_WEB && subject != DEV_WEB)
    );
}

#[test]
fn table_and_markdown_have_a_section_per_workspace() {
    let live = path("live.json");
    let mut args = vec!["scan".to_owned(), "--snapshot".to_owned(), live];
    args.extend(flags());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let table = plumb(&args);
    assert_eq!(table.status.code(), Some(2), "{}", stderr(&table));
    insta::assert_snapshot!("two_envs_table", stdout(&table));

    let markdown = plumb(&[&args[..], &["--format", "markdown"]].concat());
    let text = stdout(&markdown);
    assert!(text.starts_with("<!-- plumb:dev+prod -->"), "{text}");
    insta::assert_snapshot!("two_envs_markdown", text);
}

/// Night 1: the scenario as it is. Night 2: dev is resized back, the instance made by hand is
/// gone, and prod's web instance is resized.
#[test]
fn history_follows_each_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.db").display().to_string();
    let text = std::fs::read_to_string(crate::workspace_root().join(path("live.json"))).unwrap();
    let mut night_two: Value = serde_json::from_str(&text).unwrap();
    let resources = night_two["resources"].as_array_mut().unwrap();
    resources.retain(|r| r["id"] != BY_HAND);
    for r in resources.iter_mut() {
        if r["id"] == DEV_WEB {
            r["attributes"]["instance_type"] = "t3.small".into();
        }
        if r["id"] == PROD_WEB {
            r["attributes"]["instance_type"] = "t3.2xlarge".into();
        }
    }
    let two = dir.path().join("two.json");
    std::fs::write(&two, night_two.to_string()).unwrap();

    let first_night = "1796083200"; // 2026-12-01T00:00:00Z
    let second_night = "1796169600";
    let mut args = flags();
    args.extend(["--history".to_owned(), history.clone()]);
    let (_, one) = scan_json(&args, &[("PLUMB_NOW", first_night)]);
    assert_eq!(one["summary"]["new"], 3);

    let mut night = vec![
        "scan".to_owned(),
        "--snapshot".to_owned(),
        two.display().to_string(),
        "--format".to_owned(),
        "json".to_owned(),
    ];
    night.extend(args.iter().cloned());
    let night: Vec<&str> = night.iter().map(String::as_str).collect();
    let output = plumb_with_env(&night, &[("PLUMB_NOW", second_night)]);
    let second: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        findings(&second),
        owned(&[
            ("prod", "aws_instance.bastion", "missing"),
            ("prod", "module.web.aws_instance.web", "changed"),
        ])
    );
    let status: Vec<(&str, &str)> = second["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["status"].as_str().unwrap(),
                f["first_seen"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("open", "2026-12-01T00:00:00Z"),
            ("new", "2026-12-02T00:00:00Z")
        ]
    );
    assert_eq!(second["summary"]["new"], 1);
    assert_eq!(second["summary"]["resolved"], 2);
    let per_workspace: Vec<(&str, u64, u64)> = second["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["workspace"].as_str().unwrap(),
                w["summary"]["new"].as_u64().unwrap(),
                w["summary"]["resolved"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(per_workspace, [("dev", 0, 1), ("prod", 1, 0)]);
    let resolved: Vec<(&str, &str)> = second["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["workspace"].as_str().unwrap(),
                r["subject"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        resolved,
        [
            ("dev", "module.web.aws_instance.web"),
            ("*", "aws_instance i-0fedcba9876543210")
        ]
    );

    // The nightly report of one workspace: its runs, its drift, its time to remediation.
    let report = plumb_with_env(
        &[
            "report",
            "--history",
            &history,
            "--workspace",
            "dev",
            "--since",
            "30d",
            "--format",
            "json",
        ],
        &[("PLUMB_NOW", second_night)],
    );
    let view: Value = serde_json::from_str(&stdout(&report))
        .unwrap_or_else(|e| panic!("{e}: {}", stderr(&report)));
    let runs = view["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r["workspace"] == "dev"));
    assert_eq!(view["mttr_hours"], 24.0);
    assert_eq!(view["open"].as_array().unwrap().len(), 0);

    // Over all workspaces, the page gives each one's time to remediation beside the total.
    let all = plumb_with_env(
        &["report", "--history", &history, "--format", "markdown"],
        &[("PLUMB_NOW", second_night)],
    );
    let text = stdout(&all);
    assert!(
        text.contains("| 24.0 h (\\* 24.0 h, dev 24.0 h) |"),
        "{text}"
    );
}

#[test]
fn bad_workspace_inputs_are_one_line_errors() {
    let live = path("live.json");
    let dev = format!("dev={}", path("envs/dev"));
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![dev.clone(), dev.clone()],
            "two workspaces are named dev",
        ),
        (
            vec![format!("*={}", path("envs/dev"))],
            "a workspace cannot be named *",
        ),
        (
            vec![format!("qa={}", path("envs/qa"))],
            "envs/qa: no such file or directory",
        ),
        (
            vec![format!("dev={},colour=blue", path("envs/dev"))],
            "`colour=blue` is not state=FILE or config=DIR",
        ),
    ];
    for (specs, expected) in cases {
        let mut args = vec!["scan", "--snapshot", live.as_str()];
        for spec in &specs {
            args.extend(["--workspace", spec.as_str()]);
        }
        assert_clean_error(&plumb(&args), expected);
    }
    let with_state = plumb(&[
        "scan",
        "--snapshot",
        &live,
        "--workspace",
        &dev,
        "--state",
        &path("envs/prod/terraform.tfstate"),
    ]);
    assert_clean_error(&with_state, "--config and --state name one root module");

    // A bad list names the policy file and line.
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join(".plumb.hcl");
    std::fs::write(&policy, "\nworkspaces = [\n  \"dev=nowhere\",\n]\n").unwrap();
    let listed = plumb(&[
        "scan",
        "--snapshot",
        &live,
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert_clean_error(&listed, ".plumb.hcl:3: workspaces: dev=nowhere: ");
}

/// With several workspaces, each one's remediation goes into a directory of its own (its
/// `terraform` commands run in its own root module), and the objects none manages into
/// `unmanaged/`.
#[test]
fn remediation_is_written_per_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fix");
    let mut args = flags();
    args.extend(["--remediate".to_owned(), out.display().to_string()]);
    let (_, report) = scan_json(&args, &[]);
    let read = |file: &str| {
        std::fs::read_to_string(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    assert!(read("prod/removed.tf").contains("from = aws_instance.bastion"));
    assert!(read("dev/revert.sh").contains("-target='module.web.aws_instance.web'"));
    assert!(!read("dev/revert.sh").contains("bastion"));
    assert!(read("unmanaged/imports.tf").contains(BY_HAND));
    assert!(!out.join("revert.sh").exists());
    let kinds: Vec<(&str, bool)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["workspace"].as_str().unwrap(),
                f["remediation"].is_object(),
            )
        })
        .collect();
    assert_eq!(kinds, [("prod", true), ("dev", true), ("*", true)]);
}
