//! `plumb parity`: environments compared with each other.

use std::collections::BTreeSet;

use anyhow::{Result, anyhow, bail};
use plumb_drift::parity::{Environment, ParityInput};
use plumb_report::parity::ParityReport;

use crate::cli::ParityArgs;
use crate::formats::{self, Report};
use crate::{inputs, output};

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
                let environment =
                    plumb_scan::environment(&source.name, source, &schemas, true, &mut warnings)?;
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
