//! A scan's plan: its inputs read (workspaces, their states, code and layered policies, the
//! snapshot), and from them the reads to ask of the adapters (regions, types, ids and
//! per-resource reads). Nothing here reads the environment: the caller passes the date and time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use plumb_adapter::{FetchRequest, SnapshotAdapter};
use plumb_drift::Policy;
use plumb_drift::region::Regions;
use plumb_model::catalog::base_type;
use plumb_model::{Configuration, GLOBAL_REGION, Scope, StateDoc, Value};
use plumb_schema::ProviderSchemas;

use crate::error::{Error, invalid};
use crate::inputs::{self, Inputs, NamedSource};

type Result<T> = std::result::Result<T, Error>;

/// The name unmanaged objects go under when several workspaces are scanned together: they
/// belong to none of them.
pub const NO_WORKSPACE: &str = "*";

/// What a scan is asked to do, as a command's arguments say it.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// One root module's inputs (`--config`, `--state`, ...).
    pub inputs: Inputs,
    /// `--workspace NAME=PATH[,state=FILE][,config=DIR]`, for several root modules at once.
    pub workspaces: Vec<String>,
    /// `--policy FILE`, over `.plumb.hcl` beside the root module.
    pub policy: Option<PathBuf>,
    /// `--snapshot FILE`: the live side, recorded.
    pub snapshot: Option<PathBuf>,
    /// `--region`: regions to read, and with one, the region of what nothing else places.
    pub regions: Vec<String>,
    /// `--types`: only these types (else the states' and every type the adapters list).
    pub types: Vec<String>,
    /// Read the states' objects only: no unmanaged discovery.
    pub managed_only: bool,
    /// Read per-resource attributes everywhere, not only where the state makes them matter.
    pub thorough: bool,
    /// The history database to record the run in.
    pub history: Option<PathBuf>,
    /// Where remediation goes (computed for the caller to write).
    pub remediate: Option<PathBuf>,
    /// Whole drifted objects are wanted (`plan-json`).
    pub drift_objects: bool,
    /// Today, `YYYY-MM-DD`, for policy `expires` dates.
    pub today: String,
    /// The run's time in unix seconds, for the history.
    pub now: i64,
}

/// One workspace's inputs, read.
#[derive(Debug)]
pub struct Workspace {
    /// The name findings, history and report sections use (the state's own workspace in a
    /// one-workspace scan).
    pub name: String,
    pub states: Vec<StateDoc>,
    pub config: Option<Configuration>,
    pub policy: Policy,
}

/// A scan's inputs, read, ready to ask for its live side and run.
#[derive(Debug)]
pub struct Plan {
    pub options: ScanOptions,
    pub schemas: ProviderSchemas,
    pub workspaces: Vec<Workspace>,
    /// Every workspace's policy at once: unmanaged objects and whole-object outputs answer to
    /// it.
    pub run_policy: Policy,
    /// Several workspaces scanned together (their unmanaged objects go under
    /// [`NO_WORKSPACE`]).
    pub many: bool,
    /// The `--snapshot` file, opened, for the caller to register as the first adapter.
    pub snapshot: Option<SnapshotAdapter>,
}

/// The run's policy file, parsed: `--policy`, or `.plumb.hcl` here.
type RunFile = Option<(PathBuf, Policy)>;

impl Plan {
    /// Reads every input: the schemas, each workspace's states, code and policy files, and the
    /// snapshot (beside the states: each begins with a pass over its bytes that only one core
    /// can do). Errors come in the order the inputs are named.
    pub fn read(options: ScanOptions) -> Result<Plan> {
        let schemas = inputs::schemas(&options.inputs.schema)?;
        let (sources, run_file) = workspace_sources(&options)?;
        let many = sources.is_some();
        let (workspaces, run_policy, snapshot) = std::thread::scope(|scope| -> Result<_> {
            let snapshot = scope.spawn(|| {
                options
                    .snapshot
                    .as_deref()
                    .map(SnapshotAdapter::open)
                    .transpose()
            });
            let (workspaces, run_policy) = if let Some(sources) = &sources {
                let mut base = inputs::dated_policy(&options.today)?;
                if let Some((_, policy)) = &run_file {
                    base.extend(policy.clone());
                }
                read_many(&options, sources, &run_file, &base, &schemas)?
            } else {
                let one = read_one(&options, &run_file, &schemas)?;
                let policy = one.policy.clone();
                (vec![one], policy)
            };
            let snapshot = snapshot
                .join()
                .map_err(|_| invalid("the snapshot reader failed"))??;
            Ok((workspaces, run_policy, snapshot))
        })?;
        Ok(Plan {
            options,
            schemas,
            workspaces,
            run_policy,
            many,
            snapshot,
        })
    }

    /// The reads to ask for: every managed type of the states and every type in `served` (the
    /// adapters' types, for unmanaged discovery) unless `--types` names some; the union of the
    /// workspaces' regions (their objects', their providers', `--region`); with
    /// `--managed-only`, their ids; and the objects whose per-resource attributes are worth a
    /// call (`wants_details`). `regions` is empty when nothing names one: the caller then asks
    /// its adapter for the default regions, sets them as `options.regions` and asks again.
    pub fn request(
        &self,
        served: &[String],
        wants_details: &dyn Fn(&str, &Value) -> bool,
    ) -> FetchRequest {
        let options = &self.options;
        let types: BTreeSet<String> = if options.types.is_empty() {
            self.workspaces
                .iter()
                .flat_map(|w| &w.states)
                .flat_map(StateDoc::managed)
                .map(|r| base_type(&r.address.r#type).to_owned())
                .chain(served.iter().cloned())
                .collect()
        } else {
            options.types.iter().cloned().collect()
        };
        // Two passes: the regions every input names, then each object placed as the engine will
        // place it, with the default region that follows from them (one `--region`, or the one
        // region read), so that an object only that default places is asked for too.
        let mut regions: BTreeSet<String> = options.regions.iter().cloned().collect();
        // Each state's placement, kept for the second pass when the default does not change it.
        let mut placements = Vec::new();
        for workspace in &self.workspaces {
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
            for state in &workspace.states {
                let placed = Regions::new(&state.resources, config, self.asked_region());
                regions.extend(
                    state
                        .managed()
                        .filter_map(|r| placed.of(r))
                        .filter(|region| *region != GLOBAL_REGION)
                        .map(str::to_owned),
                );
                placements.push(placed);
            }
        }
        let default_region = self.asked_region().or(match regions.len() {
            1 => regions.first().map(String::as_str),
            _ => None,
        });
        let mut ids: BTreeMap<Scope, BTreeSet<String>> = BTreeMap::new();
        let mut details: BTreeMap<Scope, BTreeSet<String>> = BTreeMap::new();
        let states = self
            .workspaces
            .iter()
            .flat_map(|w| w.states.iter().map(move |s| (w, s)));
        for ((workspace, state), first) in states.zip(placements) {
            let placed = if default_region == self.asked_region() {
                first
            } else {
                Regions::new(&state.resources, workspace.config.as_ref(), default_region)
            };
            for resource in state.managed() {
                let (Some(region), Some(id)) = (placed.of(resource), resource.id()) else {
                    continue;
                };
                let resource_type = base_type(&resource.address.r#type);
                let scope = Scope::new(region, resource_type);
                if wants_details(resource_type, &resource.attributes) {
                    details
                        .entry(scope.clone())
                        .or_default()
                        .insert(id.to_owned());
                }
                ids.entry(scope).or_default().insert(id.to_owned());
            }
        }
        FetchRequest {
            regions: regions.into_iter().collect(),
            types: types.into_iter().collect(),
            ids: options.managed_only.then_some(ids),
            thorough: options.thorough,
            details,
        }
    }

    /// One `--region` is also the region of what nothing else places.
    pub fn asked_region(&self) -> Option<&str> {
        match self.options.regions.as_slice() {
            [one] => Some(one.as_str()),
            _ => None,
        }
    }

    /// The region of resources that record none and whose provider sets none: `--region`, or
    /// the one region read.
    pub fn default_region<'a>(&'a self, request: &'a FetchRequest) -> Option<&'a str> {
        self.asked_region().or(match request.regions.as_slice() {
            [only] => Some(only.as_str()),
            _ => None,
        })
    }

    /// The workspace unmanaged objects are reported under.
    pub fn unmanaged_workspace(&self) -> &str {
        if self.many {
            NO_WORKSPACE
        } else {
            &self.workspaces[0].name
        }
    }
}

/// The workspaces to scan together: `--workspace` flags, else, when neither `--config` nor
/// `--state` names one root module, the `workspaces` list of the policy file (`--policy`, or
/// `.plumb.hcl` here); `None` for a scan of one root module. The run's policy file comes back
/// parsed when it was read, so that nothing reads it again.
fn workspace_sources(options: &ScanOptions) -> Result<(Option<Vec<NamedSource>>, RunFile)> {
    let names_one = options.inputs.config.is_some() || !options.inputs.state.is_empty();
    if names_one && !options.workspaces.is_empty() {
        return Err(invalid(
            "--config and --state name one root module; with several workspaces give each as --workspace NAME=DIR[,state=FILE]",
        ));
    }
    if names_one {
        return Ok((None, None));
    }
    let run_file: RunFile = options
        .policy
        .clone()
        // Spelled as a single scan finds it beside the root module `.`, so that both take one
        // parse.
        .or_else(|| Some(Path::new(".").join(".plumb.hcl")).filter(|p| p.is_file()))
        .map(|file| inputs::load_policy(&file).map(|policy| (file, policy)))
        .transpose()?;
    let sources = if options.workspaces.is_empty() {
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
                    .map_err(|e| invalid(format!("{}: workspaces: {e}", entry.origin)))
            })
            .collect::<Result<Vec<_>>>()?
    } else {
        options
            .workspaces
            .iter()
            .map(|spec| {
                inputs::named_source(spec, None).map_err(|e| invalid(format!("--workspace {e}")))
            })
            .collect::<Result<Vec<_>>>()?
    };
    let mut names = BTreeSet::new();
    for source in &sources {
        if source.name == NO_WORKSPACE {
            return Err(invalid(format!(
                "a workspace cannot be named {NO_WORKSPACE}: that name is for objects no workspace manages"
            )));
        }
        if !names.insert(source.name.as_str()) {
            return Err(invalid(format!(
                "two workspaces are named {}: give each a name of its own (NAME=PATH)",
                source.name
            )));
        }
    }
    Ok((Some(sources), run_file))
}

/// Reads one root module's inputs: the scan as it always was.
fn read_one(
    options: &ScanOptions,
    run_file: &RunFile,
    schemas: &ProviderSchemas,
) -> Result<Workspace> {
    let (config_dir, state_paths) = inputs::resolve(&options.inputs)?;
    let states = inputs::states(&state_paths, schemas)?;
    let config = config_dir
        .as_ref()
        .map(|dir| inputs::config(dir, &options.inputs))
        .transpose()?;
    let parsed = run_file
        .as_ref()
        .map(|(file, policy)| (file.as_path(), policy));
    let policy = inputs::policy_with(
        options.policy.as_deref(),
        config_dir.as_deref(),
        parsed,
        &options.today,
    )?;
    let name = match states.first() {
        Some(first) if states.iter().all(|s| s.workspace == first.workspace) => {
            first.workspace.clone()
        }
        _ => "default".to_owned(),
    };
    Ok(Workspace {
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
    options: &ScanOptions,
    sources: &[NamedSource],
    run_file: &RunFile,
    base: &Policy,
    schemas: &ProviderSchemas,
) -> Result<(Vec<Workspace>, Policy)> {
    use rayon::prelude::*;
    type Read = (Vec<Workspace>, Vec<PathBuf>, Policy);
    let run_path = run_file.as_ref().map(|(file, _)| file.as_path());
    let read: Vec<Result<Read>> = sources
        .par_iter()
        .map(|source| {
            let mut no_stdin = std::io::empty();
            let mut states = plumb_state::load_states(&source.states, schemas, &mut no_stdin)?;
            let config = source
                .config
                .as_ref()
                .map(|dir| inputs::config(dir, &options.inputs))
                .transpose()?;
            let (own_files, own) = inputs::own_policy(run_path, source.config.as_deref())?;
            let mut policy = base.clone();
            policy.extend(own.clone());
            let mut by_workspace: BTreeMap<String, Vec<StateDoc>> = BTreeMap::new();
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
                    Workspace {
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
