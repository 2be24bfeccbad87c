//! End-to-end tests of the `plumb` binary: real files in, text and exit codes out. One test
//! binary; each command has its own module. Tests of the AWS adapter exist only in the build
//! with it (the default feature `aws`); `without_aws` tests the build without it.

#[cfg(feature = "aws")]
mod aws;
mod bom;
mod check_plan;
mod completions;
mod docs;
mod formats;
mod history;
mod hostile;
mod hostile_names;
mod inspect;
mod parity;
mod plugins;
mod policy;
mod remediate;
mod scan;
#[cfg(not(feature = "aws"))]
mod without_aws;
mod workspaces;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Runs plumb in the workspace root, so that paths in output are stable.
pub fn plumb(args: &[&str]) -> Output {
    plumb_with_stdin(args, None)
}

/// The plumb binary, run in the workspace root with a plain environment: no colour, no
/// backtraces, no plugins or snapshot from the caller's environment, and an AWS that can only
/// be the test's own EC2 server on loopback (moto, when `scripts/test.sh` started one; else a
/// port that refuses), with dummy credentials and none of the caller's profiles. So no test can
/// send a request to AWS itself, whatever the developer's environment holds.
pub fn plumb_command() -> Command {
    let endpoint =
        std::env::var("PLUMB_MOTO_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:9".to_owned());
    let mut command = Command::new(env!("CARGO_BIN_EXE_plumb"));
    command
        .current_dir(workspace_root())
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("PLUMB_PLUGIN_DIR")
        .env_remove("PLUMB_SNAPSHOT")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_ROLE_ARN")
        .env("AWS_CONFIG_FILE", "/nonexistent/plumb-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/plumb-test/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true");
    command
}

pub fn plumb_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = plumb_command()
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// An error is one line on stderr, starting `error:`, exit code 1, and never a panic.
#[track_caller]
pub fn assert_clean_error(output: &Output, expected: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "exit code; stderr: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{err}"
    );
    assert!(err.contains(expected), "expected `{expected}` in: {err}");
}

/// Runs plumb in the workspace root with extra environment variables.
pub fn plumb_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = plumb_command();
    command.args(args).stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}
