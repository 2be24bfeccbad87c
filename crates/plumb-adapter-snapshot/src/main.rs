//! `plumb-adapter-snapshot`: the snapshot adapter served as an external plugin.
//!
//! It exists to prove the plugin protocol end to end with a real program built from this
//! workspace, and to be the reference a plugin author can read: everything protocol-shaped is
//! in `plumb_adapter::external::serve`, so this file is only configuration.
//!
//! plumb runs plugins without arguments, so the snapshot comes from the environment:
//! `PLUMB_SNAPSHOT=FILE`. `--snapshot FILE` overrides it, for running the plugin by hand or
//! from a wrapper script that pins one file (`exec plumb-adapter-snapshot --snapshot FILE`).

use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::process::ExitCode;

use plumb_adapter::SnapshotAdapter;
use plumb_adapter::external::{ServeError, Served, serve};

/// The environment variable that names the snapshot to serve.
const SNAPSHOT_ENV: &str = "PLUMB_SNAPSHOT";
const NAME: &str = "snapshot";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the command line asked for.
#[derive(Debug)]
enum Invocation {
    Serve(Option<PathBuf>),
    Version,
    Help,
}

fn parse_args(mut args: impl Iterator<Item = std::ffi::OsString>) -> Result<Invocation, String> {
    let mut snapshot = None;
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--snapshot") => {
                let path = args
                    .next()
                    .ok_or_else(|| "--snapshot needs a FILE".to_owned())?;
                snapshot = Some(PathBuf::from(path));
            }
            Some("--version" | "-V") => return Ok(Invocation::Version),
            Some("--help" | "-h") => return Ok(Invocation::Help),
            _ => {
                return Err(format!(
                    "unexpected argument `{}` (try --help)",
                    arg.to_string_lossy()
                ));
            }
        }
    }
    Ok(Invocation::Serve(snapshot))
}

fn main() -> ExitCode {
    let from_args = match parse_args(std::env::args_os().skip(1)) {
        Ok(Invocation::Serve(path)) => path,
        Ok(Invocation::Version) => {
            println!("plumb-adapter-{NAME} {VERSION}");
            return ExitCode::SUCCESS;
        }
        Ok(Invocation::Help) => {
            println!(
                "plumb-adapter-{NAME} {VERSION}: serves a plumb snapshot file to plumb as an \
                 external adapter (docs/plugin-protocol.md).\n\n\
                 Usage: plumb-adapter-{NAME} [--snapshot FILE]\n\n\
                 The snapshot is FILE, or else ${SNAPSHOT_ENV}. plumb runs this program itself; \
                 put it in a --plugin-dir, ${{PLUMB_PLUGIN_DIR}} or PATH."
            );
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("plumb-adapter-{NAME}: {message}");
            return ExitCode::FAILURE;
        }
    };
    let path = from_args.or_else(|| std::env::var_os(SNAPSHOT_ENV).map(PathBuf::from));
    // A snapshot that cannot be served is told to plumb in answer to its `hello`, so that the
    // scan's error says why rather than "the plugin exited".
    let adapter = match &path {
        None => Err(format!(
            "no snapshot to serve: set {SNAPSHOT_ENV}=FILE or run plumb-adapter-{NAME} --snapshot FILE"
        )),
        Some(path) => SnapshotAdapter::open(path).map_err(|err| err.to_string()),
    };
    let served = adapter.as_ref().map(|adapter| Served {
        name: NAME,
        version: VERSION,
        types: adapter.types().map(str::to_owned).collect(),
        adapter,
    });
    let stdin = io::stdin();
    let stdout = io::stdout();
    match serve(
        stdin.lock(),
        BufWriter::new(stdout.lock()),
        served.as_ref().map_err(|reason| reason.as_str()),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        // plumb has the reason already, in an `error` message.
        Err(ServeError::Protocol(_)) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("plumb-adapter-{NAME}: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn parse(args: &[&str]) -> Result<Invocation, String> {
        parse_args(args.iter().map(std::ffi::OsString::from))
    }

    #[test]
    fn the_snapshot_argument_is_optional_and_needs_a_file() {
        assert!(matches!(parse(&[]), Ok(Invocation::Serve(None))));
        assert!(
            matches!(parse(&["--snapshot", "live.json"]), Ok(Invocation::Serve(Some(p))) if p == Path::new("live.json"))
        );
        assert_eq!(
            parse(&["--snapshot"]).err().as_deref(),
            Some("--snapshot needs a FILE")
        );
        assert!(matches!(parse(&["--version"]), Ok(Invocation::Version)));
        assert!(
            parse(&["serve"])
                .unwrap_err()
                .contains("unexpected argument `serve`")
        );
    }
}
