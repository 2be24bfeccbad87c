//! Loads a Terraform root module and its local child modules into a
//! [`plumb_model::Configuration`]: every `resource` and `data` block with where it is written, its
//! lifecycle settings and its arguments evaluated as far as they can be without running Terraform.
//!
//! # What the loader promises
//!
//! - **Known values are right.** Literals, variables (defaults, `terraform.tfvars`,
//!   `*.auto.tfvars`, `-var-file`, `-var`, and in child modules the module call's arguments),
//!   locals, templates, operators, `for` expressions, splats and the pure built-in functions are
//!   computed as Terraform would compute them.
//! - **Everything else is [`Value::Unknown`](plumb_model::Value::Unknown), never a guess.**
//!   References to resources, data sources, module outputs, `each`, `count`, `self`, `path` and
//!   `terraform`, functions that read the outside world (`file`, `timestamp`), and unsupported
//!   functions are unknown. So is an expression Terraform would reject (a missing map key, an
//!   index out of range): the drift engine skips comparisons it cannot trust.
//! - **Unknown stays local.** An unknown part of a known structure leaves the rest known:
//!   `{Name = "x", Id = aws_vpc.main.id}` gives a map whose `Name` is known.
//! - **Sensitive stays sensitive.** Values derived from `sensitive = true` variables carry the
//!   sensitive mark.
//! - **Locations are exact for `.tf` files** (the 1-based line and column where the block
//!   starts) and best effort for `.tf.json` files (see the `json` module).
//!
//! Modules from a registry or a VCS are not fetched: their calls are recorded with
//! `loaded: false` and a warning, because plumb works offline and an unpinned fetch could load
//! something other than what Terraform used.

use std::path::{Path, PathBuf};

mod error;
mod eval;
mod funcs;
mod json;
mod loader;
mod syntax;

pub use error::HclError;

/// Where variable values come from, besides defaults and the `.tfvars` files found in the root.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `-var NAME=VALUE` arguments, in command-line order, as raw text. Variables declared with a
    /// primitive type take the text as is; others read it as an HCL expression when it is a plain
    /// literal (`5`, `["a"]`) and as a string otherwise, so `-var region=us-east-1` works.
    pub vars: Vec<(String, String)>,
    /// `-var-file` arguments in order: `.tfvars` (HCL) or `.tfvars.json`.
    pub var_files: Vec<PathBuf>,
}

impl LoadOptions {
    /// Parses `NAME=VALUE` as given to `-var`.
    pub fn parse_var(argument: &str) -> Result<(String, String), HclError> {
        match argument.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_owned(), value.to_owned()))
            }
            _ => Err(HclError::InvalidVarArgument(argument.to_owned())),
        }
    }
}

/// Loads the root module at `root` and its local child modules.
///
/// Files are read in name order: `*.tf` and `*.tf.json`; variable values from defaults <
/// `terraform.tfvars` < `terraform.tfvars.json` < `*.auto.tfvars(.json)` (sorted) <
/// `options.var_files` < `options.vars`, as Terraform orders them.
pub fn load_config(
    root: &Path,
    options: &LoadOptions,
) -> Result<plumb_model::Configuration, HclError> {
    loader::Loader::new(root, options).load(root)
}
