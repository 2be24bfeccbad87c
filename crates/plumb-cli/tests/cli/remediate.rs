//! `plumb scan --remediate DIR`: import, removed and revert files Terraform understands, and
//! each finding's `remediation` in the report.

use std::os::unix::fs::PermissionsExt as _;
use std::process::Command;

use crate::{plumb, stderr, stdout};

fn scan_with_remediation(dir: &std::path::Path, format: &str) -> (Option<i32>, String) {
    let out = dir.display().to_string();
    let output = plumb(&[
        "scan",
        "--config",
        "examples/webapp",
        "--snapshot",
        "examples/webapp/live.json",
        "--remediate",
        &out,
        "--format",
        format,
    ]);
    (output.status.code(), stdout(&output) + &stderr(&output))
}

#[test]
fn the_example_gets_import_blocks_and_revert_commands() {
    let dir = tempfile::tempdir().unwrap();
    let (code, text) = scan_with_remediation(dir.path(), "json");
    assert_eq!(code, Some(2), "{text}");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    crate::docs::assert_schema(&report, "the report");
    let findings = report["findings"].as_array().unwrap();
    let group = findings
        .iter()
        .find(|f| f["address"] == "aws_security_group.web")
        .unwrap();
    assert_eq!(
        group["remediation"]["revert"],
        "terraform apply -target='aws_security_group.web'"
    );
    let unmanaged = findings.iter().find(|f| f["kind"] == "unmanaged").unwrap();
    assert!(
        unmanaged["remediation"]["import"]
            .as_str()
            .unwrap()
            .contains("import {")
    );

    let imports = std::fs::read_to_string(dir.path().join("imports.tf")).unwrap();
    assert!(
        imports.contains("to = aws_instance.unmanaged_i_0fedcba9876543210"),
        "{imports}"
    );
    assert!(imports.contains("resource \"aws_instance\" \"unmanaged_i_0fedcba9876543210\""));
    assert!(
        !dir.path().join("removed.tf").exists(),
        "nothing is missing in the example"
    );
    let revert = dir.path().join("revert.sh");
    let script = std::fs::read_to_string(&revert).unwrap();
    assert!(script.starts_with("#!/usr/bin/env bash\n"));
    assert!(
        script.contains("terraform apply -target='module.network.aws_subnet.public[1]' \"$@\"")
    );
    assert_eq!(
        std::fs::metadata(&revert).unwrap().permissions().mode() & 0o111,
        0o111
    );
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(&revert)
        .status()
        .unwrap();
    assert!(syntax.success(), "revert.sh is not valid bash");

    // Generated HCL as the tools around Terraform read it.
    if let Ok(python) = std::env::var("PLUMB_PYTHON_HCL2") {
        let parsed = Command::new(python)
            .args([
                "-c",
                "import hcl2, sys; hcl2.loads(open(sys.argv[1]).read())",
            ])
            .arg(dir.path().join("imports.tf"))
            .status()
            .unwrap();
        assert!(parsed.success(), "python-hcl2 cannot parse imports.tf");
    } else {
        panic!("PLUMB_PYTHON_HCL2 is not set: run the tests through scripts/test.sh");
    }
    match Command::new("terraform")
        .args(["fmt", "-check", "-diff"])
        .arg(dir.path().join("imports.tf"))
        .output()
    {
        Ok(fmt) => assert!(
            fmt.status.success(),
            "terraform fmt would change imports.tf:\n{}",
            String::from_utf8_lossy(&fmt.stdout)
        ),
        Err(_) => eprintln!("no terraform on the PATH: the fmt check is skipped"),
    }
}

#[test]
fn the_pull_request_comment_shows_the_remediation() {
    let dir = tempfile::tempdir().unwrap();
    let (code, text) = scan_with_remediation(dir.path(), "markdown");
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("```sh\nterraform apply -target='aws_security_group.web'\n```"),
        "{text}"
    );
    assert!(text.contains("```hcl\n"), "{text}");
}

/// `plumb remediate REPORT.json` works from a saved report, with no live objects: import blocks
/// without resource blocks, removed blocks, the revert script.
#[test]
fn a_saved_report_gives_the_same_blocks_without_live_objects() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let scan = plumb(&[
        "check-plan",
        "testdata/plans/drift-reverted.json",
        "--format",
        "json",
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(scan.status.code(), Some(2), "{}", stderr(&scan));
    let out = dir.path().join("fix");
    let output = plumb(&[
        "remediate",
        report.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let removed = std::fs::read_to_string(out.join("removed.tf")).unwrap();
    assert!(
        removed.contains("removed {\n  from = aws_ebs_volume.data\n"),
        "{removed}"
    );
    let revert = std::fs::read_to_string(out.join("revert.sh")).unwrap();
    assert!(
        revert.contains("terraform apply -target='aws_security_group.web'"),
        "{revert}"
    );

    let example = dir.path().join("example.json");
    let scan = plumb(&[
        "scan",
        "--config",
        "examples/webapp",
        "--snapshot",
        "examples/webapp/live.json",
        "--output",
        &format!("json={}", example.display()),
    ]);
    assert_eq!(scan.status.code(), Some(2));
    let out = dir.path().join("fix2");
    let output = plumb(&[
        "remediate",
        example.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let imports = std::fs::read_to_string(out.join("imports.tf")).unwrap();
    assert!(
        imports.contains("id = \"i-0fedcba9876543210\""),
        "{imports}"
    );
    assert!(imports.contains("-generate-config-out"), "{imports}");
}

#[test]
fn a_file_that_is_not_a_report_is_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    crate::assert_clean_error(
        &plumb(&["remediate", "README.md", "--out", &out]),
        "README.md:1:1: not JSON",
    );
    crate::assert_clean_error(
        &plumb(&["remediate", "examples/webapp/live.json", "--out", &out]),
        "not a plumb scan report",
    );
}

/// Accepting takes the live value into the code: a patch `git apply` takes, and the finding's
/// own text saying what it did and did not accept.
#[test]
fn accept_patch_writes_the_live_value_into_the_code() {
    let scenario = "testdata/scenarios/rule-instance-type-changed";
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fix");
    let output = plumb(&[
        "scan",
        "--config",
        scenario,
        "--state",
        &format!("{scenario}/terraform.tfstate"),
        "--snapshot",
        &format!("{scenario}/live.json"),
        "--remediate",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let accept = report["findings"][0]["remediation"]["accept"]
        .as_str()
        .expect("the finding says how to accept");
    assert!(
        accept.contains("+  instance_type = \"t3.xlarge\""),
        "{accept}"
    );

    let patch = std::fs::read_to_string(out.join("accept.patch")).unwrap();
    assert!(
        patch.starts_with(&format!("--- a/{scenario}/main.tf\n")),
        "{patch}"
    );
    // It applies to the code it was made from.
    let copy = dir.path().join("copy");
    std::fs::create_dir_all(copy.join(scenario)).unwrap();
    std::fs::copy(
        crate::workspace_root().join(scenario).join("main.tf"),
        copy.join(scenario).join("main.tf"),
    )
    .unwrap();
    let applied = Command::new("git")
        .args(["apply", "--unsafe-paths", "--directory"])
        .arg(&copy)
        .arg(out.join("accept.patch"))
        .current_dir(&copy)
        .output()
        .unwrap();
    assert!(
        applied.status.success(),
        "git apply: {}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let main = std::fs::read_to_string(copy.join(scenario).join("main.tf")).unwrap();
    assert!(main.contains("instance_type = \"t3.xlarge\""), "{main}");
}

/// A type, resource name or module name that is not a Terraform identifier, in a state (v4,
/// v3, show-json), a snapshot or a saved report: one line naming the file, exit 1, and no
/// remediation file written.
#[test]
fn names_that_are_not_identifiers_are_refused_with_the_file() {
    let h = "testdata/hostile";
    let cases: [(&[&str], &str); 6] = [
        (
            &["--state", "testdata/hostile/bad-name-v4.tfstate"],
            "testdata/hostile/bad-name-v4.tfstate: at `resources[0]`: resource name",
        ),
        (
            &["--state", "testdata/hostile/bad-type-v4.tfstate"],
            "testdata/hostile/bad-type-v4.tfstate: at `resources[0]`: resource type",
        ),
        (
            &["--state", "testdata/hostile/bad-module-v4.tfstate"],
            "testdata/hostile/bad-module-v4.tfstate:",
        ),
        (
            &["--state", "testdata/hostile/bad-name-v3.tfstate"],
            "testdata/hostile/bad-name-v3.tfstate: at `modules[0].resources[",
        ),
        (
            &["--state", "testdata/hostile/bad-name-plan.json"],
            "testdata/hostile/bad-name-plan.json:",
        ),
        (
            &[
                "--state",
                "testdata/hostile/hostile-keys.tfstate",
                "--snapshot",
                "testdata/hostile/bad-type-snapshot.json",
            ],
            "testdata/hostile/bad-type-snapshot.json: resources[0]: `type`: resource type",
        ),
    ];
    for (args, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("fix");
        let mut all = vec!["scan", "--remediate", out.to_str().unwrap()];
        all.extend_from_slice(args);
        if !args.contains(&"--snapshot") {
            all.extend(["--snapshot", "testdata/hostile/empty-snapshot.json"]);
        }
        crate::assert_clean_error(&plumb(&all), expected);
        assert!(!out.exists(), "{args:?}: remediation written");
    }
    for (report, expected) in [
        ("bad-type-report.json", "findings[0]: resource type"),
        ("bad-address-report.json", "findings[0]"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("fix");
        let path = format!("{h}/{report}");
        crate::assert_clean_error(
            &plumb(&["remediate", &path, "--out", out.to_str().unwrap()]),
            &format!("{path}: "),
        );
        let output = plumb(&["remediate", &path, "--out", out.to_str().unwrap()]);
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
        assert!(!out.exists(), "{report}: remediation written");
    }
}

/// Hostile `for_each` keys read from a state, end to end: `removed.tf` parses into exactly one
/// removed block, and `revert.sh`, run with a fake `terraform` that records its arguments,
/// passes each missing instance's address as one argument and runs nothing else.
#[test]
fn hostile_instance_keys_in_a_state_stay_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fix");
    let output = plumb(&[
        "scan",
        "--state",
        "testdata/hostile/hostile-keys.tfstate",
        "--snapshot",
        "testdata/hostile/empty-snapshot.json",
        "--remediate",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let keys: Vec<String> = serde_json::from_str(
        &std::fs::read_to_string(
            crate::workspace_root().join("testdata/hostile/hostile-keys.json"),
        )
        .unwrap(),
    )
    .unwrap();

    let removed = std::fs::read_to_string(out.join("removed.tf")).unwrap();
    if let Ok(python) = std::env::var("PLUMB_PYTHON_HCL2") {
        let parsed = Command::new(python)
            .args([
                "-c",
                "import hcl2, sys, json; d = hcl2.loads(open(sys.argv[1]).read()); \
                 print(json.dumps(sorted(k for k in d if not k.startswith('__'))), len(d['removed']))",
            ])
            .arg(out.join("removed.tf"))
            .output()
            .unwrap();
        assert!(parsed.status.success(), "{removed}");
        assert_eq!(
            String::from_utf8_lossy(&parsed.stdout).trim(),
            "[\"removed\"] 1"
        );
    } else {
        panic!("PLUMB_PYTHON_HCL2 is not set: run the tests through scripts/test.sh");
    }
    assert_eq!(removed.matches("\nremoved {").count(), 1, "{removed}");
    // The keys' text is only ever inside comments and quoted strings: no line of it is code.
    assert!(
        !removed
            .lines()
            .any(|l| l.starts_with("resource") || l.starts_with('}') && l.len() > 1),
        "{removed}"
    );

    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        bin.join("terraform"),
        "#!/bin/sh\nprintf '%s\\0' \"$@\" >> \"$PLUMB_ARGV_LOG\"\n",
    )
    .unwrap();
    std::fs::set_permissions(
        bin.join("terraform"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let log = dir.path().join("argv");
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(out.join("revert.sh"))
        .status()
        .unwrap();
    assert!(syntax.success());
    let run = Command::new("bash")
        .arg(out.join("revert.sh"))
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("PLUMB_ARGV_LOG", &log)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let argv = std::fs::read(&log).unwrap();
    let mut targets: Vec<String> = argv
        .split(|b| *b == 0)
        .filter_map(|a| std::str::from_utf8(a).ok()?.strip_prefix("-target="))
        .map(|t| {
            let address: plumb_model::Address = t.parse().unwrap();
            match address.key {
                Some(plumb_model::InstanceKey::Str(k)) => k,
                other => panic!("{other:?}"),
            }
        })
        .collect();
    let applies = argv.split(|b| *b == 0).filter(|a| *a == b"apply").count();
    assert_eq!(applies, keys.len());
    targets.sort();
    let mut expected = keys.clone();
    expected.sort();
    assert_eq!(targets, expected);
}
