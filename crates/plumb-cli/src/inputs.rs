//! The common input flags, handed to plumb-scan's readers (`plumb_scan::inputs`), which every
//! command reads its inputs through so that defaults and errors are the same everywhere.

use std::path::Path;

use anyhow::Result;
use plumb_model::Configuration;
pub use plumb_scan::inputs::{Inputs, NamedSource, named_source, schemas, states};

use crate::cli::InputArgs;
use crate::clock;

/// The flags as the library takes them.
pub fn of(args: &InputArgs) -> Inputs {
    Inputs {
        config: args.config.clone(),
        state: args.state.clone(),
        schema: args.schema.clone(),
        vars: args.vars.clone(),
        var_files: args.var_files.clone(),
    }
}

/// What to read when flags leave it open (see [`plumb_scan::inputs::resolve`]).
pub fn resolve(args: &InputArgs) -> Result<(Option<std::path::PathBuf>, Vec<String>)> {
    Ok(plumb_scan::inputs::resolve(&of(args))?)
}

/// The root module in `dir`, with the flags' variables.
pub fn config(dir: &Path, args: &InputArgs) -> Result<Configuration> {
    Ok(plumb_scan::inputs::config(dir, &of(args))?)
}

/// The policy: `--policy FILE`, else `.plumb.hcl` in the root module, and `.driftignore`
/// there, judged as of today.
pub fn policy(explicit: Option<&Path>, config_dir: Option<&Path>) -> Result<plumb_drift::Policy> {
    Ok(plumb_scan::inputs::policy(
        explicit,
        config_dir,
        &clock::today()?,
    )?)
}
