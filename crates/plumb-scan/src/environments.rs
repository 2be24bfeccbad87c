//! The environments `parity` compares and the two sides `diff` compares: each read from its
//! states and snapshots, with each state resource's block in its code as its source.

use std::io::Read as _;
use std::path::Path;

use plumb_adapter::{Adapter, FetchRequest, SnapshotAdapter};
use plumb_drift::parity::{EnvResource, Environment};

use crate::error::Error;
use crate::inputs::NamedSource;

/// True when `path` is a plumb snapshot rather than a Terraform document: both begin with a
/// `format_version`, but only Terraform's states and `show -json` name a `terraform_version`,
/// and they do so at the top.
fn is_snapshot(path: &Path) -> Result<bool, Error> {
    if !path.is_file() {
        return Ok(false);
    }
    let mut head = Vec::with_capacity(4096);
    let unreadable = |source| Error::Read {
        file: path.display().to_string(),
        source,
    };
    std::fs::File::open(path)
        .map_err(unreadable)?
        .take(4096)
        .read_to_end(&mut head)
        .map_err(unreadable)?;
    let head = String::from_utf8_lossy(&head);
    Ok(head.contains("\"format_version\"") && !head.contains("\"terraform_version\""))
}

/// A snapshot's objects as an environment's resources: by Name tag when `by_name` (other
/// environments' ids are other ids), else by id. Objects AWS made by itself, that belong to
/// another, or that another system manages (a default VPC, an instance's root volume, an Auto
/// Scaling group's instances, which share one Name) are left out, as a scan leaves them out of
/// unmanaged ones; so are objects without a Name tag when matched by name, counted in a
/// warning.
fn snapshot_resources(
    path: &Path,
    by_name: bool,
    warnings: &mut Vec<String>,
) -> Result<Vec<EnvResource>, Error> {
    let snapshot = SnapshotAdapter::open(path)?;
    let request = FetchRequest {
        regions: Vec::new(),
        types: snapshot.types().map(str::to_owned).collect(),
        ids: None,
        thorough: false,
        details: std::collections::BTreeMap::new(),
    };
    let fetched = Box::new(snapshot).fetch_once(&request)?;
    let mut unnamed = 0usize;
    let mut resources = Vec::new();
    for observation in fetched.observations {
        if plumb_drift::not_unmanaged(&observation).is_some() {
            continue;
        }
        match EnvResource::from_observation(observation, by_name) {
            Some(resource) => resources.push(resource),
            None => unnamed += 1,
        }
    }
    if unnamed > 0 {
        warnings.push(format!(
            "{}: {unnamed} live objects without a Name tag are not compared (live objects are matched across environments by it)",
            path.display()
        ));
    }
    Ok(resources)
}

/// One environment (or one side of a diff), read from its states and snapshots, with each
/// state resource's block in `config` as its source.
pub fn environment(
    name: &str,
    source: &NamedSource,
    schemas: &plumb_schema::ProviderSchemas,
    by_name: bool,
    warnings: &mut Vec<String>,
) -> Result<Environment, Error> {
    let mut resources = Vec::new();
    let mut state_paths = Vec::new();
    for path in &source.states {
        if is_snapshot(Path::new(path))? {
            resources.extend(snapshot_resources(Path::new(path), by_name, warnings)?);
        } else {
            state_paths.push(path.clone());
        }
    }
    let mut no_stdin = std::io::empty();
    let states = plumb_state::load_states(&state_paths, schemas, &mut no_stdin)?;
    let config = source
        .config
        .as_deref()
        .map(|dir| plumb_hcl::load_config(dir, &plumb_hcl::LoadOptions::default()))
        .transpose()?;
    for resource in states.into_iter().flat_map(|s| s.resources) {
        let source = config
            .as_ref()
            .and_then(|c| c.resource(&resource.address.config_address()))
            .map(|block| block.location.clone());
        if let Some(mut env_resource) = EnvResource::from_state(resource) {
            env_resource.source = source;
            resources.push(env_resource);
        }
    }
    Ok(Environment {
        name: name.to_owned(),
        resources,
    })
}
