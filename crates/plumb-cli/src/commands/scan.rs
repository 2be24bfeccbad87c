//! `plumb scan`: code, state and live compared; drift reported with an exit code CI can use.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, anyhow, bail};
use plumb_adapter::{FetchRequest, Registry, SnapshotAdapter};
use plumb_drift::{LiveView, region::Regions};
use plumb_model::catalog::base_type;
use plumb_model::{GLOBAL_REGION, Scope, Severity};
use plumb_report::escape::visible;
use plumb_report::markdown::MarkdownOptions;
use plumb_report::plan_json::DriftEntry;
use plumb_report::scan::{ReadError, ScanReport};

use crate::cli::{FailOn, ReportOutputArgs, ScanArgs};
use crate::formats::{self, DriftViews, Format, Report};
use crate::{exit, inputs, output};

/// Stops a scan whose credentials act in another account than a workspace's resources: read
/// there, every resource of that workspace would look missing. With several workspaces each is
/// checked, since one live read sees one account.
fn check_account(
    aws: &super::aws::AwsAdapter,
    workspaces: &[WorkspaceRead],
    many: bool,
    region: &str,
) -> Result<()> {
    for workspace in workspaces {
        let expected = super::aws::accounts_in(
            workspace
                .states
                .iter()
                .flat_map(plumb_model::StateDoc::managed),
        );
        if expected.is_empty() {
            continue;
        }
        // The adapter asks once and remembers.
        let caller = aws.caller_account(region)?;
        if expected.contains(&caller) {
            continue;
        }
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        let whose = if many {
            format!("workspace {}'s", workspace.name)
        } else {
            "the state's".to_owned()
        };
        bail!(
            "the AWS credentials act in account {caller}, but {whose} resources are in {} (from their ARNs and owner ids): use the right profile, or pass --any-account to scan anyway",
            expected.join(", ")
        );
    }
    Ok(())
}

/// The name unmanaged objects go under when several workspaces are scanned together: they
/// belong to none of them.
pub const NO_WORKSPACE: &str = "*";

/// One workspace's inputs, read.
struct WorkspaceRead {
    /// The name findings, history and report sections use (the state's own workspace in a
    /// one-workspace scan).
    name: String,
    states: Vec<plumb_model::StateDoc>,
    config: Option<plumb_model::Configuration>,
    policy: plumb_drift::Policy,
}

/// The run's policy file, parsed: `--policy`, or `.plumb.hcl` here.
type RunFile = Option<(PathBuf, plumb_drift::Policy)>;

/// The workspaces to scan together: `--workspace` flags, else, when neither `--config` nor
/// `--state` names one root module, the `workspaces` list of the policy file (`--policy`, or
/// `.plumb.hcl` here); `None` for a scan of one root module. The run's policy file comes back
/// parsed when it was read, so that nothing reads it again.
fn workspace_sources(args: &ScanArgs) -> Result<(Option<Vec<inputs::NamedSource>>, RunFile)> {
    let names_one = args.inputs.config.is_some() || !args.inputs.state.is_empty();
    if names_one && !args.workspaces.is_empty() {
        bail!(
            "--config and --state name one root module; with several workspaces give each as --workspace NAME=DIR[,state=FILE]"
        );
    }
    if names_one {
        return Ok((None, None));
    }
    let run_file: RunFile = args
        .policy
        .clone()
        // Spelled as a single scan finds it beside the root module `.`, so that both take one
        // parse.
        .or_else(|| Some(Path::new(".").join(".plumb.hcl")).filter(|p| p.is_file()))
        .map(|file| plumb_drift::policy_file::load(&file).map(|policy| (file, policy)))
        .transpose()?;
    let sources = if args.workspaces.is_empty() {
        let Some((file, policy)) = &run_file else {
            return Ok((None, run_file));
        };
        if policy.workspaces.is_empty() {
            return Ok((None, run_file));
        }
        let base = file.parent().unwrap_or(Path::new("."));
        policy
            .workspaces
            .iter()
            .map(|entry| {
                inputs::named_source(&entry.spec, Some(base))
                    .map_err(|e| anyhow!("{}: workspaces: {e}", entry.origin))
            })
            .collect::<Result<Vec<_>>>()?
    } else {
        args.workspaces
            .iter()
            .map(|spec| inputs::named_source(spec, None).map_err(|e| anyhow!("--workspace {e}")))
            .collect::<Result<Vec<_>>>()?
    };
    let mut names = BTreeSet::new();
    for source in &sources {
        if source.name == NO_WORKSPACE {
            bail!(
                "a workspace cannot be named {NO_WORKSPACE}: that name is for objects no workspace manages"
            );
        }
        if !names.insert(source.name.as_str()) {
            bail!(
                "two workspaces are named {}: give each a name of its own (NAME=PATH)",
                source.name
            );
        }
    }
    Ok((Some(sources), run_file))
}

/// Reads one root module's inputs: the scan as it always was.
fn read_one(
    args: &ScanArgs,
    run_file: &RunFile,
    schemas: &plumb_schema::ProviderSchemas,
) -> Result<WorkspaceRead> {
    let (config_dir, state_paths) = inputs::resolve(&args.inputs)?;
    let states = inputs::states(&state_paths, schemas)?;
    let config = config_dir
        .as_ref()
        .map(|dir| inputs::config(dir, &args.inputs))
        .transpose()?;
    let parsed = run_file
        .as_ref()
        .map(|(file, policy)| (file.as_path(), policy));
    let policy = inputs::policy_with(args.policy.as_deref(), config_dir.as_deref(), parsed)?;
    let name = match states.first() {
        Some(first) if states.iter().all(|s| s.workspace == first.workspace) => {
            first.workspace.clone()
        }
        _ => "default".to_owned(),
    };
    Ok(WorkspaceRead {
        name,
        states,
        config,
        policy,
    })
}

/// Reads many workspaces' inputs at once. A source whose directory holds several Terraform
/// CLI workspaces (`terraform.tfstate.d`) becomes one workspace each, `NAME/WORKSPACE`, with
/// the same code. Each workspace's policy is `base` (today and the run's file) and its root
/// module's own files; the second value is the policy of the whole run: `base` and every
/// root module's own files, each file once.
fn read_many(
    args: &ScanArgs,
    sources: &[inputs::NamedSource],
    run_file: &RunFile,
    base: &plumb_drift::Policy,
    schemas: &plumb_schema::ProviderSchemas,
) -> Result<(Vec<WorkspaceRead>, plumb_drift::Policy)> {
    use rayon::prelude::*;
    type Read = (Vec<WorkspaceRead>, Vec<PathBuf>, plumb_drift::Policy);
    let run_path = run_file.as_ref().map(|(file, _)| file.as_path());
    let read: Vec<Result<Read>> = sources
        .par_iter()
        .map(|source| {
            let mut no_stdin = std::io::empty();
            let mut states = plumb_state::load_states(&source.states, schemas, &mut no_stdin)?;
            let config = source
                .config
                .as_ref()
                .map(|dir| inputs::config(dir, &args.inputs))
                .transpose()?;
            let (own_files, own) = inputs::own_policy(run_path, source.config.as_deref())?;
            let mut policy = base.clone();
            policy.extend(own.clone());
            let mut by_workspace: BTreeMap<String, Vec<plumb_model::StateDoc>> = BTreeMap::new();
            for state in states.drain(..) {
                by_workspace
                    .entry(state.workspace.clone())
                    .or_default()
                    .push(state);
            }
            let single = by_workspace.len() <= 1;
            if by_workspace.is_empty() {
                by_workspace.insert(String::new(), Vec::new());
            }
            // The code and policy are copied for all but the last CLI workspace, which takes
            // them over.
            let last = by_workspace.len() - 1;
            let (mut config, mut policy) = (Some(config), Some(policy));
            let workspaces = by_workspace
                .into_iter()
                .enumerate()
                .map(|(i, (cli_workspace, mut states))| {
                    let name = if single {
                        source.name.clone()
                    } else {
                        format!("{}/{cli_workspace}", source.name)
                    };
                    for state in &mut states {
                        state.workspace.clone_from(&name);
                    }
                    let (config, policy) = if i == last {
                        (config.take(), policy.take())
                    } else {
                        (config.clone(), policy.clone())
                    };
                    WorkspaceRead {
                        name,
                        states,
                        config: config.flatten(),
                        policy: policy.unwrap_or_default(),
                    }
                })
                .collect();
            Ok((workspaces, own_files, own))
        })
        .collect();
    let mut workspaces = Vec::new();
    let mut run_policy = base.clone();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    for result in read {
        let (read, own_files, own) = result?;
        workspaces.extend(read);
        // Two workspaces of one root module (or of one `config=DIR`) share its files.
        let canonical: Vec<PathBuf> = own_files
            .iter()
            .map(|f| f.canonicalize().unwrap_or_else(|_| f.clone()))
            .collect();
        if canonical.iter().all(|f| seen.insert(f.clone())) {
            run_policy.extend(own);
        }
    }
    Ok((workspaces, run_policy))
}

pub fn run(args: &ScanArgs) -> Result<u8> {
    let started = Instant::now();
    let targets = output::targets(&formats::DRIFT, args.output.format, &args.output.output)?;
    let schemas = inputs::schemas(&args.inputs.schema)?;
    let (sources, run_file) = workspace_sources(args)?;
    let many = sources.is_some();
    let (mut workspaces, run_policy, snapshot) = std::thread::scope(|scope| -> Result<_> {
        // The snapshot is read beside the state: each begins with a pass over its bytes that
        // only one core can do. Errors are still reported in the order the inputs are named.
        let snapshot = scope.spawn(|| {
            args.snapshot
                .as_deref()
                .map(SnapshotAdapter::open)
                .transpose()
        });
        // Unmanaged objects and whole-object outputs answer to every workspace's policy at
        // once: the run's policy.
        let (workspaces, run_policy) = if let Some(sources) = &sources {
            let mut base = inputs::dated_policy()?;
            if let Some((_, policy)) = &run_file {
                base.extend(policy.clone());
            }
            read_many(args, sources, &run_file, &base, &schemas)?
        } else {
            let one = read_one(args, &run_file, &schemas)?;
            let policy = one.policy.clone();
            (vec![one], policy)
        };
        let snapshot = snapshot
            .join()
            .map_err(|_| anyhow!("the snapshot reader failed"))??;
        Ok((workspaces, run_policy, snapshot))
    })?;
    let plugins = super::adapters::external(&args.plugins)?;
    if args.offline && snapshot.is_none() && plugins.is_empty() {
        bail!(
            "no live source: --offline reads no cloud API, so pass --snapshot FILE or --plugin-dir DIR holding a plumb-adapter-NAME plugin"
        );
    }
    // Without a snapshot the live side is AWS itself, read by the built-in adapter.
    let aws = if snapshot.is_none() && !args.offline {
        Some(super::aws::adapter(&args.aws)?)
    } else {
        None
    };
    // Built-in snapshot first, then plugins in discovery order, then AWS: the first adapter
    // serving a type reads it.
    let mut registry = Registry::new();
    let mut served: Vec<String> = Vec::new();
    if let Some(snapshot) = snapshot {
        served.extend(snapshot.types().map(str::to_owned));
        registry.register(Box::new(snapshot));
    }
    for plugin in plugins {
        served.extend(plugin.types().map(str::to_owned));
        registry.register(Box::new(plugin));
    }
    if aws.is_some() {
        served.extend(super::aws::SUPPORTED_TYPES.iter().map(|t| (*t).to_owned()));
    }

    // Every managed type in the states, and every type the adapters can list (for unmanaged).
    let types: BTreeSet<String> = if args.types.is_empty() {
        workspaces
            .iter()
            .flat_map(|w| &w.states)
            .flat_map(plumb_model::StateDoc::managed)
            .map(|r| base_type(&r.address.r#type).to_owned())
            .chain(served)
            .collect()
    } else {
        args.types.iter().cloned().collect()
    };
    // One read serves every workspace: the union of their regions and ids.
    let mut regions: BTreeSet<String> = args.region.iter().cloned().collect();
    // One `--region` is also the region of what nothing else places.
    let asked_region = match args.region.as_slice() {
        [one] => Some(one.as_str()),
        _ => None,
    };
    let mut ids: BTreeMap<Scope, BTreeSet<String>> = BTreeMap::new();
    let mut details: BTreeMap<Scope, BTreeSet<String>> = BTreeMap::new();
    for workspace in &workspaces {
        let config = workspace.config.as_ref();
        if let Some(config) = config {
            regions.extend(
                config
                    .providers
                    .iter()
                    .filter_map(|p| p.region())
                    .map(str::to_owned),
            );
        }
        // The state's objects by scope: what a managed-only read narrows to, and which
        // objects are worth a per-resource read of the attributes EC2 lists only one at a
        // time.
        for state in &workspace.states {
            let placed = Regions::new(&state.resources, config, asked_region);
            for resource in state.managed() {
                let Some(region) = placed.of(resource) else {
                    continue;
                };
                if region != GLOBAL_REGION {
                    regions.insert(region.to_owned());
                }
                let Some(id) = resource.id() else {
                    continue;
                };
                let resource_type = base_type(&resource.address.r#type);
                let scope = Scope::new(region, resource_type);
                if super::aws::wants_per_resource_read(resource_type, &resource.attributes) {
                    details
                        .entry(scope.clone())
                        .or_default()
                        .insert(id.to_owned());
                }
                ids.entry(scope).or_default().insert(id.to_owned());
            }
        }
    }
    if let Some(aws) = &aws {
        if regions.is_empty() {
            regions.extend(super::aws::default_regions(aws)?);
        }
        if !args.any_account {
            let first = regions.iter().next().map_or("us-east-1", String::as_str);
            check_account(aws, &workspaces, many, first)?;
        }
    }
    if let Some(aws) = aws {
        registry.register(Box::new(aws));
    }
    let request = FetchRequest {
        regions: regions.into_iter().collect(),
        types: types.into_iter().collect(),
        ids: args.managed_only.then_some(ids),
        thorough: args.aws.thorough,
        details,
    };
    let read_done = started.elapsed();
    let mut fetched = registry.fetch_once(&request)?;
    let fetch_done = started.elapsed();
    // Values the policy names sensitive are marked as the readers mark schema-sensitive ones,
    // so that no output shows them: each workspace's inputs by its policy, the shared live
    // objects once, by the run's (every workspace's) policy.
    for workspace in &mut workspaces {
        workspace
            .policy
            .mark_inputs(&mut workspace.states, workspace.config.as_mut(), &mut []);
    }
    run_policy.mark_inputs(&mut [], None, &mut fetched.observations);
    let failed: Vec<(Scope, String)> = fetched
        .failures
        .iter()
        .map(|f| (Scope::new(&f.region, &f.r#type), f.error.clone()))
        .collect();

    let default_region = asked_region.or(match request.regions.as_slice() {
        [only] => Some(only.as_str()),
        _ => None,
    });
    let live = LiveView {
        observations: &fetched.observations,
        scanned: &fetched.scanned,
        failed: &failed,
        unsupported_types: &fetched.unsupported_types,
        enumerated: request.ids.is_none(),
    };
    let engine_workspaces: Vec<plumb_drift::Workspace<'_>> = workspaces
        .iter()
        .map(|w| plumb_drift::Workspace {
            name: &w.name,
            states: &w.states,
            config: w.config.as_ref(),
            policy: &w.policy,
        })
        .collect();
    // One root module's unmanaged objects are its own; several share them under `*`.
    let output = plumb_drift::scan_workspaces(&plumb_drift::WorkspacesInput {
        workspaces: &engine_workspaces,
        live,
        schemas: &schemas,
        default_region,
        unmanaged_workspace: if many {
            NO_WORKSPACE
        } else {
            &workspaces[0].name
        },
        unmanaged_policy: &run_policy,
    });
    let mut result = output.total;
    // Per-workspace sections only where there are several workspaces.
    let mut workspace_summaries = if many { output.workspaces } else { Vec::new() };

    let report_stats = (!fetched.stats.calls.is_empty()).then(|| {
        super::aws::stats(
            &fetched.stats,
            &[
                ("read_inputs", read_done),
                ("fetch", fetch_done.saturating_sub(read_done)),
                ("compare", started.elapsed().saturating_sub(fetch_done)),
            ],
        )
    });
    let errors: Vec<ReadError> = fetched
        .failures
        .iter()
        .map(|f| ReadError {
            region: f.region.clone(),
            r#type: f.r#type.clone(),
            error: f.error.clone(),
        })
        .collect();
    if let Some(dir) = &args.remediate {
        if many {
            // Each workspace's files go beside each other, one directory per workspace: its
            // `terraform` commands run in its own root module.
            let mut by_workspace: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, finding) in result.findings.iter().enumerate() {
                by_workspace
                    .entry(finding.workspace.clone())
                    .or_default()
                    .push(i);
            }
            for (name, indexes) in by_workspace {
                let mut findings: Vec<plumb_model::Finding> = indexes
                    .iter()
                    .map(|&i| result.findings[i].clone())
                    .collect();
                let into = dir.join(workspace_dir(&name));
                remediate(
                    &into,
                    &mut findings,
                    &fetched.observations,
                    &run_policy,
                    &schemas,
                )?;
                for (i, remedied) in indexes.into_iter().zip(findings) {
                    result.findings[i].remediation = remedied.remediation;
                }
            }
        } else {
            remediate(
                dir,
                &mut result.findings,
                &fetched.observations,
                &run_policy,
                &schemas,
            )?;
        }
    }
    let resolved = match &args.history {
        Some(path) => {
            // A scan over many records one run per workspace, and the objects none of them
            // manages as one more, when it looked for them.
            let mut names: Vec<String> = workspaces.iter().map(|w| w.name.clone()).collect();
            if many && request.ids.is_none() {
                names.push(NO_WORKSPACE.to_owned());
            }
            // A run that compared part of what it would otherwise would make the rest look
            // resolved: it is not recorded.
            let partial = if !errors.is_empty() {
                Some("some reads failed, and what they missed would look resolved")
            } else if !args.types.is_empty() {
                Some("--types compared some types only, and the others' drift would look resolved")
            } else {
                None
            };
            let scope = HistoryScope {
                names: &names,
                partial,
                managed_only: request.ids.is_some(),
            };
            record_history(path, &scope, &mut result, &mut workspace_summaries)?
        }
        None => Vec::new(),
    };
    // Whole objects are copied and marked only when plan-json is written.
    let drifted = if targets.iter().any(|t| t.format == Format::PlanJson) {
        drift_objects(
            workspaces.iter().flat_map(|w| &w.states),
            &fetched.observations,
            &result.findings,
            &run_policy,
            &schemas,
        )
    } else {
        Vec::new()
    };
    let drift = drifted.iter().map(DriftObject::entry).collect();
    let marker = workspaces
        .iter()
        .map(|w| w.name.as_str())
        .collect::<Vec<_>>()
        .join("+");
    report(
        &args.output,
        &targets,
        &result,
        &ReportInputs {
            errors: &errors,
            stats: report_stats.as_ref(),
            drift,
            resolved: &resolved,
            workspaces: &workspace_summaries,
            marker: &marker,
        },
        args.fail_on,
        args.allow_partial,
        args.new_only,
    )
}

/// Records the run in the history at `path` and marks each drift finding `new` or `open` with
/// its `first_seen`; returns what went away since each workspace's previous run. With one
/// name, every finding is that workspace's; with several (a scan over many), each finding goes
/// to the run of its own workspace, all in one transaction. A run whose reads failed is not
/// recorded: what it could not read would look resolved.
fn record_history(
    path: &std::path::Path,
    scope: &HistoryScope<'_>,
    result: &mut plumb_drift::ScanOutput,
    workspaces: &mut [plumb_model::WorkspaceSummary],
) -> Result<Vec<plumb_model::ResolvedFinding>> {
    if let Some(why) = scope.partial {
        result.warnings.push(format!(
            "{}: this run is not recorded in the history: {why}",
            path.display()
        ));
        return Ok(Vec::new());
    }
    let names = scope.names;
    // Unmanaged objects are looked for only when the reads listed everything.
    let not_looked_for = if scope.managed_only {
        vec![plumb_model::Kind::Unmanaged.as_str().to_owned()]
    } else {
        Vec::new()
    };
    let mut history = plumb_history::History::open(path)?;
    let time = now()?;
    let owner = |finding: &plumb_model::Finding| {
        if names.len() == 1 {
            Some(0)
        } else {
            names.iter().position(|n| *n == finding.workspace)
        }
    };
    // Per run: the indexes of its drift findings, then its record.
    let mut drift: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (i, finding) in result.findings.iter().enumerate() {
        if is_drift(finding)
            && let Some(run) = owner(finding)
        {
            drift[run].push(i);
        }
    }
    let mut runs = Vec::with_capacity(names.len());
    for (run, name) in names.iter().enumerate() {
        let summary = if names.len() == 1 {
            result.summary.clone()
        } else if let Some(w) = workspaces.iter().find(|w| w.workspace == *name) {
            w.summary.clone()
        } else {
            unmanaged_summary(
                &result.summary,
                drift[run].iter().map(|&i| &result.findings[i]),
            )
        };
        runs.push(plumb_history::Run {
            time,
            workspace: name.clone(),
            score: u32::from(summary.score),
            plumb_version: env!("CARGO_PKG_VERSION").to_owned(),
            summary_json: serde_json::to_string(&summary)?,
            not_looked_for: not_looked_for.clone(),
        });
    }
    let observed: Vec<Vec<plumb_history::Observed>> = drift
        .iter()
        .map(|indexes| {
            indexes
                .iter()
                .map(|&i| plumb_history::Observed::from_finding(&result.findings[i]))
                .collect()
        })
        .collect();
    let batch: Vec<(&plumb_history::Run, &[plumb_history::Observed])> = runs
        .iter()
        .zip(&observed)
        .map(|(run, observed)| (run, observed.as_slice()))
        .collect();
    let recorded = history.record_all(&batch)?;
    let (mut new_total, mut resolved_total) = (0, 0);
    let mut resolved = Vec::new();
    for ((name, indexes), recorded) in names.iter().zip(&drift).zip(&recorded) {
        let mut new = 0;
        for (&i, status) in indexes.iter().zip(&recorded.findings) {
            let finding = &mut result.findings[i];
            finding.first_seen = Some(plumb_history::format_time(status.first_seen));
            finding.status = Some(status.finding_status());
            new += usize::from(status.is_new);
        }
        if let Some(w) = workspaces.iter_mut().find(|w| w.workspace == *name) {
            w.summary.new = Some(new);
            w.summary.resolved = Some(recorded.resolved.len());
        }
        new_total += new;
        resolved_total += recorded.resolved.len();
        resolved.extend(
            recorded
                .resolved
                .iter()
                .map(plumb_history::Resolved::to_model),
        );
    }
    result.summary.new = Some(new_total);
    result.summary.resolved = Some(resolved_total);
    Ok(resolved)
}

/// The history's summary of the objects no workspace manages: their counts and score.
fn unmanaged_summary<'a>(
    total: &plumb_model::Summary,
    findings: impl Iterator<Item = &'a plumb_model::Finding>,
) -> plumb_model::Summary {
    let mut summary = plumb_model::Summary {
        coverage: total.coverage,
        ..plumb_model::Summary::default()
    };
    for finding in findings {
        summary.unmanaged += 1;
        if let Some(severity) = finding.severity {
            summary.by_severity.add(severity);
        }
    }
    summary.score = plumb_drift::score::score(&summary);
    summary
}

/// Which runs a scan records in the history, and whether it may.
struct HistoryScope<'a> {
    /// One workspace's run each (with several, `*` for the objects none of them manages).
    names: &'a [String],
    /// Why the scan may not be recorded, when it may not.
    partial: Option<&'a str>,
    /// The reads asked for the states' ids only: no unmanaged object was looked for.
    managed_only: bool,
}

/// What history counts as drift: changed, missing and unmanaged findings above noise.
fn is_drift(finding: &plumb_model::Finding) -> bool {
    use plumb_model::Kind;
    matches!(
        finding.kind,
        Kind::Changed | Kind::Missing | Kind::Unmanaged
    ) && finding.severity.is_some_and(|s| s > Severity::Benign)
}

/// The run's time: now, or `PLUMB_NOW` (unix seconds), so that tests can replay nights.
pub(super) fn now() -> Result<i64> {
    if let Ok(text) = std::env::var("PLUMB_NOW") {
        return text
            .parse()
            .map_err(|_| anyhow!("PLUMB_NOW={text}: not a time in unix seconds"));
    }
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| anyhow!("the system clock is before 1970"))?;
    Ok(i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX))
}

/// A workspace's remediation directory: its name, with `*` (objects no workspace manages)
/// written `unmanaged` and nothing that could climb out of the directory given.
fn workspace_dir(name: &str) -> PathBuf {
    if name == NO_WORKSPACE {
        return PathBuf::from("unmanaged");
    }
    name.split('/')
        .filter(|part| !part.is_empty() && *part != "." && *part != "..")
        .map(|part| {
            part.chars()
                .map(|c| {
                    if c.is_alphanumeric() || "-_.".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
        })
        .collect()
}

/// Writes the remediation files into `dir` (with `accept.patch`, the configuration changes
/// that take the live values) and gives each finding its `remediation`. The live
/// objects that resource blocks are generated from carry every sensitive mark first, so no
/// sensitive value reaches a file.
fn remediate(
    dir: &std::path::Path,
    findings: &mut [plumb_model::Finding],
    observations: &[plumb_model::Observation],
    policy: &plumb_drift::Policy,
    schemas: &plumb_schema::ProviderSchemas,
) -> Result<()> {
    let by_id: std::collections::HashMap<(&str, &str, &str), &plumb_model::Observation> =
        observations
            .iter()
            .map(|o| ((o.region.as_str(), o.r#type.as_str(), o.id.as_str()), o))
            .collect();
    let live: BTreeMap<&str, plumb_model::Value> = findings
        .iter()
        .filter(|f| f.kind == plumb_model::Kind::Unmanaged)
        .filter_map(|f| {
            let key = (f.region.as_deref()?, f.r#type.as_str(), f.id.as_deref()?);
            let observation = by_id.get(&key)?;
            let mut attributes = observation.attributes.clone();
            plumb_drift::mark_sensitive_object(policy, schemas, &f.r#type, &mut attributes);
            Some((f.fingerprint.as_str(), attributes))
        })
        .collect();
    let files = plumb_remediate::remediate(
        findings,
        &|f: &plumb_model::Finding| live.get(f.fingerprint.as_str()),
        schemas,
    )
    .with_context(|| format!("{}: remediation not written", dir.display()))?;
    drop(live);
    super::remediate::write_files(dir, &files)?;
    let accepted = super::remediate::accept(dir, findings, schemas)?;
    // Each finding found by its fingerprint once (the first, as a search would), not searched
    // for per entry.
    let mut position: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(findings.len());
    for (i, finding) in findings.iter().enumerate().rev() {
        position.insert(finding.fingerprint.as_str(), i);
    }
    let remedies: Vec<(usize, plumb_model::Remediation)> = files
        .findings
        .into_iter()
        .filter_map(|entry| {
            Some((
                *position.get(entry.fingerprint.as_str())?,
                entry.remediation,
            ))
        })
        .collect();
    let accepts: Vec<(usize, String)> = accepted
        .into_iter()
        .filter_map(|(fingerprint, text)| Some((*position.get(fingerprint.as_str())?, text)))
        .collect();
    drop(position);
    for (i, remediation) in remedies {
        findings[i].remediation = Some(remediation);
    }
    for (i, text) in accepts {
        findings[i]
            .remediation
            .get_or_insert_with(plumb_model::Remediation::default)
            .accept = Some(text);
    }
    Ok(())
}

/// A drifted object for `plan-json`: its state object and live object, every sensitive value
/// marked (the scan's per-attribute checks do not see whole objects).
pub(super) struct DriftObject<'a> {
    resource: &'a plumb_model::Resource,
    before: plumb_model::Value,
    after: Option<plumb_model::Value>,
}

impl DriftObject<'_> {
    fn entry(&self) -> DriftEntry<'_> {
        DriftEntry {
            address: &self.resource.address,
            provider_name: &self.resource.provider.source,
            deposed: None,
            before: &self.before,
            after: self.after.as_ref(),
        }
    }
}

/// The changed or missing findings' state and live objects (matched as the engine matches
/// them). A rule resource assembled from several live rules has no one live object and is
/// left out.
fn drift_objects<'a>(
    states: impl Iterator<Item = &'a plumb_model::StateDoc>,
    observations: &[plumb_model::Observation],
    findings: &[plumb_model::Finding],
    policy: &plumb_drift::Policy,
    schemas: &plumb_schema::ProviderSchemas,
) -> Vec<DriftObject<'a>> {
    use plumb_drift::matching::match_key;
    // Each side indexed once, as the engine matched them: not a search per finding.
    let live: std::collections::HashMap<(&str, &str, String), &plumb_model::Observation> =
        observations
            .iter()
            .map(|o| {
                let key = match_key(&o.r#type, &o.id, &o.attributes);
                ((o.region.as_str(), o.r#type.as_str(), key), o)
            })
            .collect();
    let recorded: std::collections::HashMap<(&str, &plumb_model::Address), &plumb_model::Resource> =
        states
            .flat_map(|s| s.managed().map(move |r| (s.workspace.as_str(), r)))
            .filter(|(_, r)| r.deposed.is_none())
            .map(|(workspace, r)| ((workspace, &r.address), r))
            .collect();
    let mut objects = Vec::new();
    for finding in findings {
        let live_drift = finding.kind == plumb_model::Kind::Changed
            || finding.kind == plumb_model::Kind::Missing;
        if !live_drift || finding.severity.is_none_or(|s| s <= Severity::Benign) {
            continue;
        }
        let Some(address) = &finding.address else {
            continue;
        };
        let Some(&resource) = recorded.get(&(finding.workspace.as_str(), address)) else {
            continue;
        };
        let after = if finding.kind == plumb_model::Kind::Missing {
            None
        } else {
            let base = base_type(&resource.address.r#type);
            let key = match_key(
                base,
                resource.id().unwrap_or_default(),
                &resource.attributes,
            );
            let Some(observation) = finding
                .region
                .as_deref()
                .and_then(|region| live.get(&(region, base, key)))
            else {
                continue;
            };
            Some(observation.attributes.clone())
        };
        let mut before = resource.attributes.clone();
        let mut after = after;
        plumb_drift::mark_sensitive_pair(
            policy,
            schemas,
            &resource.address.r#type,
            &mut before,
            after.as_mut(),
            None,
        );
        objects.push(DriftObject {
            resource,
            before,
            after,
        });
    }
    objects
}

/// What a report shows besides the scan's result: read errors, API statistics, and for
/// `plan-json` the drifted objects themselves.
pub(super) struct ReportInputs<'a> {
    pub errors: &'a [ReadError],
    pub stats: Option<&'a serde_json::Value>,
    pub drift: Vec<DriftEntry<'a>>,
    /// With history: what went away since the workspace's previous run.
    pub resolved: &'a [plumb_model::ResolvedFinding],
    /// A scan over many workspaces: each one's counts.
    pub workspaces: &'a [plumb_model::WorkspaceSummary],
    /// The Markdown comment's hidden marker names these workspaces (`plumb:{marker}`).
    pub marker: &'a str,
}

/// Writes a scan's report in every format asked for, and earns its exit code: 1 when a read
/// failed (unless `allow_partial`), 2 when a finding is at or above `fail_on`, else 0.
/// `plumb check-plan` reports through it too, so both speak alike.
pub(super) fn report(
    output_args: &ReportOutputArgs,
    targets: &[output::Target],
    result: &plumb_drift::ScanOutput,
    inputs: &ReportInputs<'_>,
    fail_on: FailOn,
    allow_partial: bool,
    new_only: bool,
) -> Result<u8> {
    let errors = inputs.errors;
    let report = ScanReport {
        summary: &result.summary,
        findings: &result.findings,
        suppressed: &result.suppressed,
        ignored: &result.ignored,
        pending: &result.pending,
        unverified: &result.unverified,
        errors,
        schemaless_types: &result.schemaless_types,
        warnings: &result.warnings,
        stats: inputs.stats,
        resolved: inputs.resolved,
        workspaces: inputs.workspaces,
    };
    let markdown = MarkdownOptions {
        max_size: usize::try_from(output_args.max_comment_size).unwrap_or(usize::MAX),
        marker: format!("plumb:{}", inputs.marker),
    };
    let rules = super::rules::rule_infos();
    // --new-only: the comment (and the exit code) speak of new drift alone.
    let new_findings: Vec<plumb_model::Finding> = if new_only {
        result
            .findings
            .iter()
            .filter(|f| f.status == Some(plumb_model::FindingStatus::New))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let spoken: &[plumb_model::Finding] = if new_only {
        &new_findings
    } else {
        &result.findings
    };
    let comment = ScanReport {
        findings: spoken,
        ..report
    };
    output::emit(
        targets,
        &Report::Drift(DriftViews {
            report: &report,
            comment: &comment,
            markdown: &markdown,
            rules: &rules,
            plan_drift: &inputs.drift,
        }),
    )?;

    if !errors.is_empty() && !allow_partial {
        for error in errors {
            eprintln!(
                "error: {} in {} could not be read: {}",
                visible(&error.r#type),
                visible(&error.region),
                visible(&error.error)
            );
        }
        return Ok(exit::ERROR);
    }
    Ok(fail_on.exit_code(spoken.iter().filter_map(|f| f.severity)))
}
