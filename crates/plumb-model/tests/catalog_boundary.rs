//! The catalog is the one place that knows provider types: the engine, remediation, the
//! reports, the readers and the CLI ask it. This test reads their sources and fails on any
//! provider type named outside it, so that a new type never needs a special case elsewhere.
//!
//! Allowed to name types: the catalog itself, the adapters (their mapping is per type), the
//! rules and normalizers (each is about some types), and tests. `plumb-schema` names the types
//! of its hand-written tables, which are schema facts.

use std::path::{Path, PathBuf};

/// Crates (or folders of them) whose code must not name a provider type.
const GUARDED: &[&str] = &[
    "plumb-drift/src",
    "plumb-remediate/src",
    "plumb-report/src",
    "plumb-state/src",
    "plumb-hcl/src",
    "plumb-history/src",
    "plumb-adapter/src",
    "plumb-cli/src",
];

/// Folders inside a guarded crate that are about types by design.
const ALLOWED: &[&str] = &["plumb-drift/src/rules", "plumb-drift/src/normalize"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `source` that name a provider type in code: comments, and everything from a
/// file's `#[cfg(test)]` module on, are left out.
fn offending_lines(source: &str) -> Vec<(usize, &str)> {
    source
        .lines()
        .enumerate()
        .take_while(|(_, line)| line.trim() != "#[cfg(test)]")
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| line.contains("\"aws_"))
        .map(|(i, line)| (i + 1, line))
        .collect()
}

#[test]
fn code_outside_the_catalog_names_no_provider_type() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut offences = Vec::new();
    for guarded in GUARDED {
        let mut files = Vec::new();
        rust_files(&crates.join(guarded), &mut files);
        for file in files {
            let relative = file
                .strip_prefix(&crates)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let name = file.file_name().unwrap().to_string_lossy();
            if ALLOWED.iter().any(|a| relative.starts_with(a))
                || name == "tests.rs"
                || name.ends_with("_tests.rs")
            {
                continue;
            }
            let source = std::fs::read_to_string(&file).unwrap();
            for (line, text) in offending_lines(&source) {
                offences.push(format!("{relative}:{line}: {}", text.trim()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "provider types named outside the catalog (plumb_model::catalog): say it in the type's \
         descriptor instead:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_guard_sees_code_and_skips_comments_and_tests() {
    let source = "// \"aws_vpc\" in a comment\nlet t = \"aws_vpc\";\n#[cfg(test)]\nmod tests { \"aws_subnet\" }\n";
    assert_eq!(offending_lines(source), [(2, "let t = \"aws_vpc\";")]);
}
