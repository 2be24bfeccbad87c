//! Hostile names and values (`testdata/scenarios/hostile-names`): instance keys, tag keys, tag
//! values and ids read from a state and a snapshot that try to become code (HCL blocks, shell
//! commands, template sequences) or to take over a terminal or a pull-request comment (ANSI and
//! OSC 52 sequences, bidi overrides, @mentions, bare links, raw HTML). Every format and every
//! remediation file must keep them inert: this test reads each one the way its consumer would
//! (a terminal, a Markdown renderer with GitHub's extensions, an HCL parser, bash). The values of
//! reports alone are `hostile.rs`'s, on a fixture of their own.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::{plumb, stderr, stdout};

const SCENARIO: &str = "testdata/scenarios/hostile-names";

fn scan_args(format: &str) -> Vec<String> {
    [
        "scan",
        "--config",
        SCENARIO,
        "--state",
        &format!("{SCENARIO}/terraform.tfstate"),
        "--snapshot",
        &format!("{SCENARIO}/live.json"),
        "--format",
        format,
    ]
    .map(str::to_owned)
    .to_vec()
}

fn run(args: &[String]) -> (Option<i32>, String, String) {
    let borrowed: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = plumb(&borrowed);
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "plumb panicked: {err}");
    (output.status.code(), stdout(&output), err)
}

#[track_caller]
fn assert_inert_text(what: &str, text: &str) {
    let hazards = crate::hostile::raw_hazards(text);
    if let Some((at, c)) = text.char_indices().find(|(_, c)| hazards.contains(c)) {
        let from = text[..at]
            .char_indices()
            .rev()
            .nth(40)
            .map_or(0, |(i, _)| i);
        panic!(
            "{what}: a raw {:?} reaches the reader, after: {:?}",
            c,
            &text[from..at]
        );
    }
}

/// The HTML that GitHub would make of a Markdown text: GitHub Flavored Markdown with its
/// autolinks, tables and raw HTML passed through (GitHub sanitises it later, but anything that
/// survives as a tag here was injected).
fn render_markdown(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.autolink = true;
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.tasklist = true;
    options.render.r#unsafe = true;
    comrak::markdown_to_html(markdown, &options)
}

/// The text of an HTML fragment outside `<code>` and `<pre>`: where GitHub looks for mentions.
fn text_outside_code(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let mut in_code = 0usize;
    while let Some(open) = rest.find('<') {
        if in_code == 0 {
            out.push_str(&rest[..open]);
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name = tag.trim_start_matches('/').split([' ', '>']).next();
        if matches!(name, Some("code" | "pre")) {
            if tag.starts_with('/') {
                in_code = in_code.saturating_sub(1);
            } else {
                in_code += 1;
            }
        }
        out.push(' ');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// `@name` where GitHub would notify someone: after a character that is not part of a word.
fn mentions(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let after_word = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c == '@' && !after_word && chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric) {
            found.push(chars[i..].iter().take(20).collect());
        }
    }
    found
}

#[track_caller]
fn assert_inert_markdown(what: &str, markdown: &str) {
    assert_inert_text(what, markdown);
    let html = render_markdown(markdown);
    for tag in ["<script", "<img", "<h1", "<h2", "<blockquote", "<!--"] {
        // plumb's own Markdown has headings of its own: only the planted ones count.
        let planted = html.match_indices(tag).any(|(at, _)| {
            let next = &html[at..html.len().min(at + 200)];
            next.contains("alert") || next.contains("heading") || next.contains("quote")
        });
        assert!(!planted, "{what}: a value became `{tag}`:\n{html}");
    }
    for (at, _) in html.match_indices("<a ") {
        let link = &html[at..html[at..].find('>').map_or(html.len(), |end| at + end)];
        assert!(
            !link.contains("evil.example") && !link.contains("javascript:"),
            "{what}: a value became a link: {link}"
        );
    }
    let text = text_outside_code(&html);
    let live = mentions(&text);
    assert!(
        live.is_empty(),
        "{what}: a value would notify someone: {live:?}"
    );
}

/// Every format of the scan, and what `plumb report` makes of its history.
#[test]
fn hostile_names_stay_inert_in_every_format() {
    for format in ["table", "markdown", "sarif", "json", "plan-json"] {
        let (code, out, err) = run(&scan_args(format));
        assert_eq!(code, Some(2), "{format}: {err}");
        assert_inert_text(&format!("{format} (stderr)"), &err);
        if format == "markdown" {
            assert_inert_markdown(format, &out);
        } else {
            assert_inert_text(format, &out);
        }
        if format == "sarif" || format == "json" || format == "plan-json" {
            // Data formats keep the values exact (escaped by JSON, not altered).
            let parsed: Value = serde_json::from_str(&out).unwrap();
            assert!(
                parsed.to_string().contains("@octocat"),
                "{format} lost the values"
            );
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.db");
    let mut args = scan_args("json");
    args.extend(["--history".to_owned(), history.display().to_string()]);
    let (code, _, err) = run(&args);
    assert_eq!(code, Some(2), "{err}");
    for format in ["html", "markdown"] {
        let (code, out, err) = run(&[
            "report".to_owned(),
            "--history".to_owned(),
            history.display().to_string(),
            "--format".to_owned(),
            format.to_owned(),
        ]);
        assert_eq!(code, Some(0), "report {format}: {err}");
        if format == "markdown" {
            assert_inert_markdown("report markdown", &out);
        } else {
            assert_inert_text("report html", &out);
            assert!(
                !out.contains("<script>alert"),
                "report html: a value became a script"
            );
        }
    }
}

/// What python-hcl2 reads in a generated file, as JSON: the blocks Terraform would see.
fn parse_hcl(path: &Path) -> Value {
    let python = std::env::var("PLUMB_PYTHON_HCL2")
        .expect("PLUMB_PYTHON_HCL2 is not set: run the tests through scripts/test.sh");
    let output = Command::new(python)
        .args([
            "-c",
            "import hcl2, json, sys; print(json.dumps(hcl2.loads(open(sys.argv[1]).read())))",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "python-hcl2 cannot parse {}: {}\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr),
        std::fs::read_to_string(path).unwrap_or_default()
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A string as python-hcl2 reports it, read as Terraform reads the literal: newer releases
/// keep the quotes and escapes of the source (a subset of JSON's, plus `$${` and `%%{`).
fn hcl_string(reported: &str) -> String {
    if !reported.starts_with('"') {
        return reported.to_owned();
    }
    let unescaped: String = serde_json::from_str(reported)
        .unwrap_or_else(|e| panic!("not a string literal ({e}): {reported}"));
    unescaped.replace("$${", "${").replace("%%{", "%{")
}

/// The top-level block kinds of a parsed HCL file, and the resource types it declares.
fn block_kinds(parsed: &Value) -> (Vec<String>, Vec<String>) {
    let map = parsed.as_object().unwrap();
    // Newer python-hcl2 releases report comments as `__comments__`: not blocks.
    let kinds = map
        .keys()
        .filter(|k| !k.starts_with("__"))
        .cloned()
        .collect();
    let types = map
        .get("resource")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|r| r.keys().map(|label| hcl_string(label)))
        .collect();
    (kinds, types)
}

/// Runs `revert.sh` in an empty directory with a `terraform` on the PATH that records its
/// arguments, one file per call: what the script would really ask Terraform to do.
fn run_revert_script(script: &Path) -> Vec<Vec<String>> {
    let work = tempfile::tempdir().unwrap();
    let bin = work.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let calls = work.path().join("calls");
    std::fs::create_dir(&calls).unwrap();
    let fake = bin.join("terraform");
    std::fs::write(
        &fake,
        format!(
            "#!/usr/bin/env bash\nn=$(ls {calls} | wc -l)\nprintf '%s\\0' \"$@\" > {calls}/$n\n",
            calls = calls.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cwd = work.path().join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let status = Command::new("bash")
        .arg(script)
        .current_dir(&cwd)
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .stdin(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "revert.sh failed");
    let planted: Vec<_> = std::fs::read_dir(&cwd).unwrap().collect();
    assert!(planted.is_empty(), "revert.sh ran a planted command");
    let mut files: Vec<_> = std::fs::read_dir(&calls)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort_by_key(|p| {
        p.file_name()
            .unwrap()
            .to_string_lossy()
            .parse::<u32>()
            .unwrap()
    });
    files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .split_terminator('\0')
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

#[track_caller]
fn assert_remediation_is_inert(dir: &Path, report: &Value) {
    let findings = report["findings"].as_array().unwrap();
    let address_of = |kind: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["kind"] == kind)
            .filter_map(|f| f["address"].as_str().map(str::to_owned))
            .collect()
    };
    let changed = address_of("changed");
    let missing = address_of("missing");
    assert_eq!(changed.len(), 5, "five volumes were resized by hand");
    assert_eq!(missing.len(), 1, "one volume was deleted by hand");

    let imports = parse_hcl(&dir.join("imports.tf"));
    let (kinds, types) = block_kinds(&imports);
    assert_eq!(kinds, ["import", "resource"], "imports.tf: {imports}");
    assert_eq!(types, ["aws_ebs_volume"], "imports.tf: {imports}");
    let import_id = hcl_string(imports["import"][0]["id"].as_str().unwrap());
    assert_eq!(
        import_id, "vol-0fff\"}\n${file(\"/etc/passwd\")}",
        "the id is one string, kept exact"
    );

    let removed = parse_hcl(&dir.join("removed.tf"));
    let (kinds, _) = block_kinds(&removed);
    assert_eq!(kinds, ["removed"], "removed.tf: {removed}");
    assert_eq!(
        removed["removed"].as_array().map(Vec::len),
        Some(1),
        "removed.tf: {removed}"
    );

    let script = dir.join("revert.sh");
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(syntax.success(), "revert.sh is not valid bash");
    let calls = run_revert_script(&script);
    let targets: Vec<String> = calls
        .iter()
        .map(|argv| {
            assert_eq!(argv.len(), 2, "one apply per address: {argv:?}");
            assert_eq!(argv[0], "apply");
            argv[1]
                .strip_prefix("-target=")
                .unwrap_or_else(|| panic!("not a target: {argv:?}"))
                .to_owned()
        })
        .collect();
    // Reverting recreates the deleted volume too.
    let mut expected: Vec<String> = changed.iter().chain(&missing).cloned().collect();
    expected.sort();
    let mut got = targets.clone();
    got.sort();
    assert_eq!(
        got, expected,
        "revert.sh targets exactly the drifted and the deleted volumes"
    );
    for target in &targets {
        assert_inert_text("a -target address", target);
    }
    for file in ["imports.tf", "removed.tf", "revert.sh"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_inert_text(file, &text);
    }
}

/// `scan --remediate DIR` and `plumb remediate REPORT.json`: the HCL parses into exactly the
/// blocks meant (no `terraform_data`, no provisioner), ids and keys stay one string each, and
/// the revert script asks Terraform for exactly the drifted addresses and runs nothing else.
#[test]
fn hostile_names_never_become_code_in_remediation_files() {
    let dir = tempfile::tempdir().unwrap();
    let fix = dir.path().join("fix");
    let saved = dir.path().join("report.json");
    let mut args = scan_args("json");
    args.extend([
        "--remediate".to_owned(),
        fix.display().to_string(),
        "--output".to_owned(),
        saved.display().to_string(),
    ]);
    let (code, _, err) = run(&args);
    assert_eq!(code, Some(2), "{err}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_remediation_is_inert(&fix, &report);

    let again = dir.path().join("again");
    let (code, _, err) = run(&[
        "remediate".to_owned(),
        saved.display().to_string(),
        "--out".to_owned(),
        again.display().to_string(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert_inert_text("remediate (stderr)", &err);
    let removed = parse_hcl(&again.join("removed.tf"));
    assert_eq!(block_kinds(&removed).0, ["removed"], "{removed}");
    let imports = parse_hcl(&again.join("imports.tf"));
    assert_eq!(block_kinds(&imports).0, ["import"], "{imports}");
}
