//! `plumb parity`: environments compared with each other.

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use plumb_adapter::{Adapter, FetchRequest, SnapshotAdapter};
use plumb_drift::parity::{EnvResource, Environment, ParityInput};
use plumb_report::parity::ParityReport;

use crate::cli::ParityArgs;
use crate::formats::{self, Report};
use crate::{inputs, output};

/// True when `path` is a plumb snapshot rather than a Terraform document: both begin with a
/// `format_version`, but only Terraform's states and `show -json` name a `terraform_version`,
/// and they do so at the top.
fn is_snapshot(path: &Path) -> Result<bool> {
    if !path.is_file() {
        return Ok(false);
    }
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .with_context(|| format!("{}: cannot read", path.display()))?
        .take(4096)
        .read_to_end(&mut head)
        .with_context(|| format!("{}: cannot read", path.display()))?;
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
) -> Result<Vec<EnvResource>> {
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
pub(super) fn environment(
    name: &str,
    source: &inputs::NamedSource,
    schemas: &plumb_schema::ProviderSchemas,
    by_name: bool,
    warnings: &mut Vec<String>,
) -> Result<Environment> {
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

pub fn run(args: &ParityArgs) -> Result<u8> {
    let targets = output::targets(&formats::PARITY, args.output.format, &args.output.output)?;
    if args.envs.len() < 2 {
        bail!("parity compares two or more environments: give --env NAME=SOURCE at least twice");
    }
    let sources: Vec<inputs::NamedSource> = args
        .envs
        .iter()
        .map(|spec| inputs::named_source(spec, None).map_err(|e| anyhow!("--env {e}")))
        .collect::<Result<_>>()?;
    let mut names = BTreeSet::new();
    for source in &sources {
        if !names.insert(source.name.as_str()) {
            bail!(
                "two environments are named {}: give each a name of its own",
                source.name
            );
        }
    }
    let schemas = inputs::schemas(&args.schema)?;
    let policy = inputs::policy(args.policy.as_deref(), None)?;
    let read: Vec<Result<(Environment, Vec<String>)>> = {
        use rayon::prelude::*;
        sources
            .par_iter()
            .map(|source| {
                let mut warnings = Vec::new();
                let environment = environment(&source.name, source, &schemas, true, &mut warnings)?;
                Ok((environment, warnings))
            })
            .collect()
    };
    let mut environments = Vec::with_capacity(read.len());
    let mut read_warnings = Vec::new();
    for result in read {
        let (environment, warnings) = result?;
        environments.push(environment);
        read_warnings.extend(warnings);
    }
    plumb_drift::parity::mark_sensitive(&mut environments, &policy, &schemas);
    let mut result = plumb_drift::parity::parity(&ParityInput {
        environments: &environments,
        schemas: &schemas,
        policy: &policy,
    });
    read_warnings.append(&mut result.warnings);
    let report = ParityReport {
        summary: &result.summary,
        findings: &result.findings,
        expected: &result.expected,
        schemaless_types: &result.schemaless_types,
        warnings: &read_warnings,
    };
    let rules = super::rules::rule_infos();
    output::emit(
        &targets,
        &Report::Parity {
            report: &report,
            rules: &rules,
        },
    )?;
    Ok(args
        .fail_on
        .exit_code(result.findings.iter().map(|f| f.severity)))
}
