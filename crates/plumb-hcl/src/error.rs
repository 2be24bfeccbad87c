//! The ways loading a configuration can fail.
//!
//! Every variant displays as one line that names the file (and, for syntax errors, the line and
//! column), because the CLI prints these verbatim and a user must be able to jump to the spot.

use std::path::PathBuf;

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum HclError {
    /// The root (or a local module) directory does not exist or is not a directory.
    #[error("{}: no such directory{}", path.display(), via(.called_from.as_deref()))]
    MissingDirectory {
        path: PathBuf,
        /// `module.x` call that led here, for child modules.
        called_from: Option<String>,
    },

    /// A directory holds no `.tf` or `.tf.json` file: almost always a wrong `--config` path.
    #[error("{}: no .tf or .tf.json files in this directory{}", path.display(), via(.called_from.as_deref()))]
    NoConfigFiles {
        path: PathBuf,
        called_from: Option<String>,
    },

    /// A file or directory could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A file is not valid UTF-8 (Terraform requires UTF-8).
    #[error("{}: not valid UTF-8 (byte {offset})", path.display())]
    InvalidUtf8 { path: PathBuf, offset: usize },

    /// An HCL or JSON syntax error, located at `file:line:column`.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: String,
        line: u32,
        column: u32,
        message: String,
    },

    /// A block is structurally wrong (missing labels, a `resource` with one label, ...).
    #[error("{file}:{line}:{column}: {message}")]
    InvalidBlock {
        file: String,
        line: u32,
        column: u32,
        message: String,
    },

    /// Two blocks in one module declare the same address; Terraform refuses this too.
    #[error("duplicate {address}: declared at {first} and at {second}")]
    DuplicateAddress {
        address: String,
        first: String,
        second: String,
    },

    /// A `-var` argument without `=`.
    #[error("invalid -var {0:?}: expected NAME=VALUE")]
    InvalidVarArgument(String),

    /// Local module sources that call each other in a loop would never finish loading.
    #[error("module cycle: {chain}")]
    ModuleCycle { chain: String },
}

fn via(call: Option<&str>) -> String {
    call.map(|c| format!(" (source of {c})"))
        .unwrap_or_default()
}
