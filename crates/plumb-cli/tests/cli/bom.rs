//! Inputs that start with a UTF-8 byte-order mark (as Windows editors and PowerShell write
//! them) are read as Terraform reads them: the mark is not content. One test walks every kind
//! of input plumb reads, each written once without and once with the mark, and expects the
//! same result from both.

use std::path::Path;

use crate::{plumb, stderr, stdout};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Copies `from` to `to`, with a byte-order mark in front when `bom`.
fn copy(from: &Path, to: &Path, bom: bool) {
    let bytes = std::fs::read(from).unwrap();
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let mut out = if bom { BOM.to_vec() } else { Vec::new() };
    out.extend_from_slice(&bytes);
    std::fs::write(to, out).unwrap();
}

fn write(to: &Path, text: &str, bom: bool) {
    let mut out = if bom { BOM.to_vec() } else { Vec::new() };
    out.extend_from_slice(text.as_bytes());
    std::fs::write(to, out).unwrap();
}

/// The inputs of one scan of the bundled example under `dir`, every file plumb parses
/// (HCL, tfvars, state, snapshot, schema, policy) with a mark when `bom`. `cloud-init.yaml` is
/// content that `file()` reads into `user_data`, not an input plumb parses: copied as it is.
fn example(dir: &Path, bom: bool) {
    let root = crate::workspace_root();
    for file in [
        "main.tf",
        "outputs.tf",
        "variables.tf",
        "versions.tf",
        "modules/network/main.tf",
        "terraform.tfstate",
        "live.json",
    ] {
        copy(
            &root.join("examples/webapp").join(file),
            &dir.join(file),
            bom,
        );
    }
    copy(
        &root.join("examples/webapp/cloud-init.yaml"),
        &dir.join("cloud-init.yaml"),
        false,
    );
    copy(
        &root.join("testdata/state/schema-mini.json"),
        &dir.join("schema.json"),
        bom,
    );
    write(
        &dir.join("terraform.tfvars"),
        "instance_type = \"t3.small\"\n",
        bom,
    );
    write(
        &dir.join("extra.auto.tfvars.json"),
        "{\"environment\": \"prod\"}\n",
        bom,
    );
    write(
        &dir.join(".plumb.hcl"),
        "sensitive {\n  path = \"tags.Owner\"\n}\n",
        bom,
    );
    write(&dir.join(".driftignore"), "aws_vpc.*\n", bom);
}

/// Runs plumb with `{dir}` in `args` replaced by `dir`; the output with `dir` replaced back.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let text = dir.display().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("{dir}", &text)).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = plumb(&args);
    (
        output.status.code(),
        stdout(&output).replace(&text, "{dir}"),
        stderr(&output).replace(&text, "{dir}"),
    )
}

#[test]
fn inputs_with_a_utf8_byte_order_mark_are_read() {
    let plain = tempfile::tempdir().unwrap();
    let marked = tempfile::tempdir().unwrap();
    example(plain.path(), false);
    example(marked.path(), true);
    let root = crate::workspace_root();
    for dir in [plain.path(), marked.path()] {
        copy(
            &root.join("testdata/plans/drift-reverted.json"),
            &dir.join("plan.json"),
            dir == marked.path(),
        );
    }

    let scan = [
        "scan",
        "--config",
        "{dir}",
        "--state",
        "{dir}/terraform.tfstate",
        "--snapshot",
        "{dir}/live.json",
        "--schema",
        "{dir}/schema.json",
        "--format",
        "json",
    ];
    let commands: [&[&str]; 4] = [
        &scan,
        &[
            "scan",
            "--config",
            "{dir}",
            "--snapshot",
            "{dir}/live.json",
            "--policy",
            "{dir}/.driftignore",
            "--format",
            "json",
        ],
        &["check-plan", "{dir}/plan.json", "--format", "json"],
        &["inspect", "--config", "{dir}", "--format", "json"],
    ];
    for args in commands {
        let expected = run(plain.path(), args);
        assert!(
            matches!(expected.0, Some(0 | 2)),
            "{args:?} without a mark: {}",
            expected.2
        );
        assert_eq!(run(marked.path(), args), expected, "{args:?}");
    }

    // A saved report (`plumb remediate REPORT.json`), itself written with a mark.
    let (code, report, err) = run(plain.path(), &scan);
    assert_eq!(code, Some(2), "{err}");
    let mut out = String::new();
    for (dir, bom) in [(plain.path(), false), (marked.path(), true)] {
        write(&dir.join("report.json"), &report, bom);
        let (code, _, err) = run(
            dir,
            &["remediate", "{dir}/report.json", "--out", "{dir}/fix"],
        );
        assert_eq!(code, Some(0), "{err}");
        let imports = std::fs::read_to_string(dir.join("fix/imports.tf")).unwrap();
        if bom {
            assert_eq!(imports, out);
        }
        out = imports;
    }
}
