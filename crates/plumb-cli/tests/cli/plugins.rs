//! External adapters end to end: `plumb-adapter-snapshot`, a real plugin built from this
//! workspace, found with `--plugin-dir`, must give exactly the scan that `--snapshot` gives; and
//! plugins that fail must fail the run with one clear line.
//!
//! The plugin is a binary of another package, which `cargo test -p plumb-cli` does not build,
//! so the tests build it themselves (once per run, a no-op when it is fresh) into the target
//! directory the `plumb` binary lives in.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::{assert_clean_error, plumb_with_env, stderr, stdout, workspace_root};

const PLUGIN: &str = "plumb-adapter-snapshot";
const LIVE: &str = "examples/webapp/live.json";

/// The built plugin, next to the `plumb` binary.
fn plugin_binary() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let plumb = Path::new(env!("CARGO_BIN_EXE_plumb"));
        let binary = plumb.with_file_name(format!("{PLUGIN}{}", std::env::consts::EXE_SUFFIX));
        let profile_dir = plumb.parent().expect("plumb has a directory");
        let profile = profile_dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a profile directory");
        let target_dir = profile_dir.parent().expect("a target directory");
        let cargo = std::env::var_os("CARGO")
            .or_else(|| option_env!("CARGO").map(Into::into))
            .unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .arg("build")
            .arg("--quiet")
            .args(["-p", PLUGIN])
            .arg("--manifest-path")
            .arg(workspace_root().join("Cargo.toml"))
            .arg("--target-dir")
            .arg(target_dir);
        match profile {
            "debug" => {}
            "release" => {
                build.arg("--release");
            }
            other => {
                build.args(["--profile", other]);
            }
        }
        let status = build.status();
        assert!(
            status.as_ref().is_ok_and(std::process::ExitStatus::success) && binary.is_file(),
            "could not build {PLUGIN} into {} ({status:?}); build it with `cargo build -p {PLUGIN}`",
            profile_dir.display()
        );
        binary
    })
}

/// A plugin directory holding only the built snapshot plugin.
fn plugin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(plugin_binary().file_name().unwrap());
    #[cfg(unix)]
    std::os::unix::fs::symlink(plugin_binary(), &target).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(plugin_binary(), &target).unwrap();
    dir
}

/// Writes a shell-script plugin `plumb-adapter-NAME` into `dir`.
#[cfg(unix)]
fn script(dir: &Path, name: &str, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(format!("plumb-adapter-{name}"));
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_scan_through_the_snapshot_plugin_equals_a_scan_of_the_snapshot() {
    let dir = plugin_dir();
    let dir_arg = dir.path().to_str().unwrap();
    for format in ["json", "table"] {
        let direct = plumb_with_env(
            &[
                "scan",
                "--offline",
                "--config",
                "examples/webapp",
                "--snapshot",
                LIVE,
                "--format",
                format,
            ],
            &[],
        );
        let plugged = plumb_with_env(
            &[
                "scan",
                "--offline",
                "--config",
                "examples/webapp",
                "--plugin-dir",
                dir_arg,
                "--format",
                format,
            ],
            &[("PLUMB_SNAPSHOT", LIVE)],
        );
        assert_eq!(direct.status.code(), Some(2), "{}", stderr(&direct));
        assert_eq!(plugged.status.code(), Some(2), "{}", stderr(&plugged));
        assert_eq!(stderr(&plugged), "");
        assert_eq!(stdout(&plugged), stdout(&direct), "{format}");
    }
    let json: serde_json::Value = serde_json::from_str(&stdout(&plumb_with_env(
        &[
            "scan",
            "--offline",
            "--config",
            "examples/webapp",
            "--plugin-dir",
            dir_arg,
            "--format",
            "json",
        ],
        &[("PLUMB_SNAPSHOT", LIVE)],
    )))
    .unwrap();
    assert!(
        json["findings"].as_array().is_some_and(|f| !f.is_empty()),
        "the plugin's observations reached the engine: {json}"
    );
}

#[test]
fn plumb_adapters_lists_the_plugin_with_its_version_and_types() {
    let dir = plugin_dir();
    let dir_arg = dir.path().to_str().unwrap();
    let output = plumb_with_env(
        &["adapters", "--plugin-dir", dir_arg, "--format", "json"],
        &[("PLUMB_SNAPSHOT", LIVE)],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let adapters = doc["adapters"].as_array().unwrap();
    assert_eq!(adapters[0]["kind"], "built-in");
    let plugin = adapters
        .iter()
        .find(|a| a["kind"] == "plugin" && a["name"] == "snapshot")
        .unwrap_or_else(|| panic!("no plugin listed: {doc}"));
    assert_eq!(plugin["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(plugin["protocol"], "1");
    assert!(
        plugin["path"]
            .as_str()
            .is_some_and(|p| p.starts_with(dir_arg)),
        "{plugin}"
    );
    let types: Vec<&str> = plugin["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert!(
        types.contains(&"aws_instance") && types.contains(&"aws_security_group"),
        "{types:?}"
    );

    let table = plumb_with_env(
        &["adapters", "--plugin-dir", dir_arg],
        &[("PLUMB_SNAPSHOT", LIVE)],
    );
    let text = stdout(&table);
    assert!(
        text.contains(&format!(
            "snapshot (plugin, {}, protocol 1)",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert!(text.contains("aws_instance"), "{text}");
}

#[test]
fn a_plugin_that_cannot_serve_fails_the_scan_with_its_reason() {
    let dir = plugin_dir();
    let output = plumb_with_env(
        &[
            "scan",
            "--offline",
            "--config",
            "examples/webapp",
            "--plugin-dir",
            dir.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_clean_error(
        &output,
        "plumb-adapter-snapshot: refused to start: no snapshot to serve: set PLUMB_SNAPSHOT=FILE",
    );
    // `plumb adapters` still lists it, with the reason, and exits 1.
    let listing = plumb_with_env(
        &["adapters", "--plugin-dir", dir.path().to_str().unwrap()],
        &[],
    );
    assert_eq!(listing.status.code(), Some(1));
    assert!(
        stdout(&listing).contains("error:  refused to start: no snapshot to serve"),
        "{}",
        stdout(&listing)
    );
}

#[test]
fn a_missing_plugin_dir_is_an_error() {
    let output = plumb_with_env(
        &[
            "scan",
            "--offline",
            "--config",
            "examples/webapp",
            "--snapshot",
            LIVE,
            "--plugin-dir",
            "no/such/plugins",
        ],
        &[],
    );
    assert_clean_error(
        &output,
        "plugin directory no/such/plugins: no such directory",
    );
}

#[cfg(unix)]
#[test]
fn a_crashing_plugin_fails_the_scan_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "crash",
        r#"read hello
echo '{"type":"hello","data":{"protocol":"1","name":"crash","version":"1.0","types":["aws_instance"]}}'
read fetch || exit 0
echo 'segfault in reader' >&2
exit 139"#,
    );
    let output = plumb_with_env(
        &[
            "scan",
            "--offline",
            "--config",
            "examples/webapp",
            "--plugin-dir",
            dir.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_clean_error(
        &output,
        "plumb-adapter-crash: exited with status 139 before `done` (stderr: segfault in reader)",
    );
}

#[cfg(unix)]
#[test]
fn the_built_in_snapshot_reads_its_types_before_any_plugin() {
    // This plugin serves a type the snapshot has, and would crash if asked to read it.
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "shadowed",
        r#"read hello
echo '{"type":"hello","data":{"protocol":"1","name":"shadowed","version":"1.0","types":["aws_instance"]}}'
read fetch || exit 0
exit 1"#,
    );
    let output = plumb_with_env(
        &[
            "scan",
            "--offline",
            "--config",
            "examples/webapp",
            "--snapshot",
            LIVE,
            "--plugin-dir",
            dir.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[cfg(unix)]
#[test]
fn a_hanging_plugin_is_stopped_at_the_plugin_timeout() {
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "hang",
        r#"read hello
echo '{"type":"hello","data":{"protocol":"1","name":"hang","version":"1.0","types":["aws_instance"]}}'
read fetch || exit 0
exec sleep 60"#,
    );
    let started = Instant::now();
    let output = plumb_with_env(
        &[
            "scan",
            "--offline",
            "--config",
            "examples/webapp",
            "--plugin-dir",
            dir.path().to_str().unwrap(),
            "--plugin-timeout",
            "1",
        ],
        &[],
    );
    let took = started.elapsed();
    assert_clean_error(
        &output,
        "plumb-adapter-hang: no answer within 1 s; stopped it",
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[cfg(unix)]
#[test]
fn a_plugin_from_the_future_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "future",
        r#"read hello
echo '{"type":"hello","data":{"protocol":"9","name":"future","version":"9.0","types":["aws_instance"]}}'"#,
    );
    let output = plumb_with_env(
        &["adapters", "--plugin-dir", dir.path().to_str().unwrap()],
        &[],
    );
    assert_clean_error(
        &output,
        "plumb-adapter-future: speaks plugin protocol 9, this plumb speaks 1",
    );
}
