//! Reading what a command was pointed at: schemas, states and the configuration. Every command
//! reads its inputs here so that defaults and errors are the same everywhere.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use plumb_model::{Configuration, StateDoc};
use plumb_schema::ProviderSchemas;

use crate::cli::InputArgs;

/// The shipped schema with the user's `--schema` files over it.
pub fn schemas(paths: &[PathBuf]) -> Result<ProviderSchemas> {
    let mut schemas = plumb_schema::shipped();
    for path in paths {
        schemas.merge(ProviderSchemas::load(path)?);
    }
    Ok(schemas)
}

fn has_tf_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".tf") || name.ends_with(".tf.json")
        })
    })
}

fn has_state(dir: &Path) -> bool {
    dir.join("terraform.tfstate").is_file() || dir.join("terraform.tfstate.d").is_dir()
}

/// What to read when flags leave it open: the root module named by `--config` (or the current
/// directory when it holds `.tf` files), and the state beside it when no `--state` is given,
/// as Terraform itself would find a local state.
pub fn resolve(args: &InputArgs) -> Result<(Option<PathBuf>, Vec<String>)> {
    let config = match &args.config {
        Some(dir) => {
            if !dir.is_dir() {
                bail!(
                    "{}: --config must be a directory holding .tf files",
                    dir.display()
                );
            }
            Some(dir.clone())
        }
        None if args.state.is_empty() && has_tf_files(Path::new(".")) => Some(PathBuf::from(".")),
        None => None,
    };
    let states = if args.state.is_empty() {
        let dir = config.clone().unwrap_or_else(|| PathBuf::from("."));
        if has_state(&dir) {
            vec![dir.display().to_string()]
        } else {
            Vec::new()
        }
    } else {
        args.state.clone()
    };
    if config.is_none() && states.is_empty() {
        bail!(
            "nothing to read: no .tf files or terraform.tfstate in the current directory; \
             give --config DIR and/or --state FILE"
        );
    }
    Ok((config, states))
}

pub fn states(paths: &[String], schemas: &ProviderSchemas) -> Result<Vec<StateDoc>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let mut stdin = std::io::stdin().lock();
    Ok(plumb_state::load_states(paths, schemas, &mut stdin)?)
}

pub fn config(dir: &Path, args: &InputArgs) -> Result<Configuration> {
    let mut vars = Vec::with_capacity(args.vars.len());
    for var in &args.vars {
        let (name, value) = var
            .split_once('=')
            .with_context(|| format!("--var {var}: expected NAME=VALUE"))?;
        vars.push((name.trim().to_owned(), value.to_owned()));
    }
    let options = plumb_hcl::LoadOptions {
        vars,
        var_files: args.var_files.clone(),
    };
    Ok(plumb_hcl::load_config(dir, &options)?)
}

/// Today as `YYYY-MM-DD` (UTC), for policy `expires` dates. `PLUMB_TODAY` overrides it, so that
/// tests and reruns of old reports are repeatable.
pub fn today() -> String {
    if let Ok(today) = std::env::var("PLUMB_TODAY") {
        return today;
    }
    time::UtcDateTime::now().date().to_string()
}

/// The scan policy: `--policy FILE`, else `.plumb.hcl` in the root module; and driftctl's
/// `.driftignore` there as well, so that a driftctl user's ignores keep working.
pub fn policy(explicit: Option<&Path>, config_dir: Option<&Path>) -> Result<plumb_drift::Policy> {
    policy_with(explicit, config_dir, None)
}

/// A policy file already parsed (to read its `workspaces` list), so that it is not parsed again.
pub type Parsed<'a> = (&'a Path, &'a plumb_drift::Policy);

/// [`policy`], taking `parsed` over where it is one of the files.
pub fn policy_with(
    explicit: Option<&Path>,
    config_dir: Option<&Path>,
    parsed: Option<Parsed<'_>>,
) -> Result<plumb_drift::Policy> {
    let beside = |name: &str| config_dir.map(|d| d.join(name)).filter(|p| p.is_file());
    let files = [
        explicit
            .map(Path::to_path_buf)
            .or_else(|| beside(".plumb.hcl")),
        beside(".driftignore").filter(|p| explicit != Some(p.as_path())),
    ];
    let mut policy = dated_policy()?;
    for file in files.into_iter().flatten() {
        match parsed {
            Some((path, parsed)) if path == file => policy.extend(parsed.clone()),
            _ => policy.extend(plumb_drift::policy_file::load(&file)?),
        }
    }
    Ok(policy)
}

/// A root module's own policy files in a scan over many (its `.plumb.hcl` and
/// `.driftignore`, less the run's file when it is one of them), and their parsed rules. The
/// run's file applies to every workspace and is read once, by the caller.
pub fn own_policy(
    run_file: Option<&Path>,
    config_dir: Option<&Path>,
) -> Result<(Vec<PathBuf>, plumb_drift::Policy)> {
    let same_file = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    let beside = |name: &str| config_dir.map(|d| d.join(name)).filter(|p| p.is_file());
    let files: Vec<PathBuf> = [beside(".plumb.hcl"), beside(".driftignore")]
        .into_iter()
        .flatten()
        .filter(|p| run_file.is_none_or(|run| !same_file(run, p)))
        .collect();
    let mut policy = plumb_drift::Policy::default();
    for file in &files {
        policy.extend(plumb_drift::policy_file::load(file)?);
    }
    Ok((files, policy))
}

/// An empty policy that knows today's date, for `expires`.
pub fn dated_policy() -> Result<plumb_drift::Policy> {
    let today = today();
    // Expiry compares dates as text: anything but a real `YYYY-MM-DD` would expire at random.
    if !plumb_drift::policy_file::is_date(&today) {
        bail!("PLUMB_TODAY={today}: expected a date YYYY-MM-DD");
    }
    Ok(plumb_drift::Policy {
        today: Some(today),
        ..plumb_drift::Policy::default()
    })
}

/// A named input of a command that reads several: `NAME=PATH[,state=FILE][,config=DIR]`, as
/// `--workspace` and a policy's `workspaces` take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedSource {
    pub name: String,
    /// The root module, when the source has code.
    pub config: Option<PathBuf>,
    /// Its states (files or directories), as `--state` takes them.
    pub states: Vec<String>,
}

/// Reads a named source. PATH is a root module directory (its `.tf` files, and the local state
/// beside them unless `state=` names one) or a state file or directory (`config=` then names
/// its code). A bare PATH is named after its last component. Relative paths are taken from
/// `base` when one is given (a policy file's directory).
pub fn named_source(spec: &str, base: Option<&Path>) -> Result<NamedSource> {
    let mut parts = spec.split(',');
    let head = parts.next().unwrap_or_default().trim();
    let (name, path) = match head.split_once('=') {
        Some((name, path)) => (Some(name.trim()), path.trim()),
        None => (None, head),
    };
    if path.is_empty() {
        bail!("{spec}: expected NAME=PATH[,state=FILE][,config=DIR]");
    }
    let within = |p: &str| match base {
        Some(base) if Path::new(p).is_relative() => base.join(p),
        _ => PathBuf::from(p),
    };
    if path == "-" {
        bail!("{spec}: standard input cannot be one of several sources; name a file");
    }
    let path = within(path);
    let (mut state, mut config) = (Vec::new(), None);
    for option in parts {
        match option.split_once('=').map(|(k, v)| (k.trim(), v.trim())) {
            Some(("state", file)) if !file.is_empty() => {
                state.push(within(file).display().to_string());
            }
            Some(("config", dir)) if !dir.is_empty() => config = Some(within(dir)),
            _ => bail!("{spec}: `{option}` is not state=FILE or config=DIR"),
        }
    }
    if let Some(dir) = &config
        && !dir.is_dir()
    {
        bail!("{spec}: config={}: not a directory", dir.display());
    }
    if path.is_dir() && has_tf_files(&path) {
        if config.is_some() {
            bail!(
                "{spec}: {} holds .tf files already; config= is for a state file",
                path.display()
            );
        }
        config = Some(path.clone());
        if state.is_empty() && has_state(&path) {
            state.push(path.display().to_string());
        }
    } else if path.is_dir() && !has_state(&path) {
        bail!(
            "{spec}: {}: no .tf files, terraform.tfstate or terraform.tfstate.d here",
            path.display()
        );
    } else if path.exists() {
        if !state.is_empty() {
            bail!("{spec}: state= is for a root module; the source is a state already");
        }
        state.push(path.display().to_string());
    } else {
        bail!("{spec}: {}: no such file or directory", path.display());
    }
    let name = match name {
        Some("") => bail!("{spec}: the name before `=` is empty"),
        Some(name) => name.to_owned(),
        None => default_name(&path)
            .with_context(|| format!("{spec}: cannot name it; write NAME={head}"))?,
    };
    Ok(NamedSource {
        name,
        config,
        states: state,
    })
}

/// A bare source's name: its directory's name, or its file's name without extensions.
fn default_name(path: &Path) -> Option<String> {
    let path = path.canonicalize().ok()?;
    let name = if path.is_dir() {
        path.file_name()?.to_string_lossy().into_owned()
    } else {
        let file = path.file_name()?.to_string_lossy().into_owned();
        file.split('.').next().unwrap_or(&file).to_owned()
    };
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::{NamedSource, named_source};

    #[test]
    fn named_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let module = root.join("envs/prod");
        std::fs::create_dir_all(&module).unwrap();
        std::fs::write(module.join("main.tf"), "").unwrap();
        std::fs::write(module.join("terraform.tfstate"), "{}").unwrap();
        std::fs::write(root.join("dev.tfstate"), "{}").unwrap();
        let text = |p: &std::path::Path| p.display().to_string();

        assert_eq!(
            named_source("prod=envs/prod", Some(root)).unwrap(),
            NamedSource {
                name: "prod".into(),
                config: Some(module.clone()),
                states: vec![text(&module)],
            }
        );
        assert_eq!(
            named_source("envs/prod,state=other.tfstate", Some(root)).unwrap(),
            NamedSource {
                name: "prod".into(),
                config: Some(module.clone()),
                states: vec![text(&root.join("other.tfstate"))],
            }
        );
        assert_eq!(
            named_source("dev.tfstate,config=envs/prod", Some(root)).unwrap(),
            NamedSource {
                name: "dev".into(),
                config: Some(module.clone()),
                states: vec![text(&root.join("dev.tfstate"))],
            }
        );
        for (bad, says) in [
            ("prod=", "expected NAME=PATH"),
            ("=envs/prod", "the name before `=` is empty"),
            ("x=envs/none", "no such file or directory"),
            (
                "x=envs",
                "no .tf files, terraform.tfstate or terraform.tfstate.d here",
            ),
            ("x=envs/prod,region=eu", "is not state=FILE or config=DIR"),
            ("x=dev.tfstate,state=y", "the source is a state already"),
            ("x=dev.tfstate,config=nowhere", "not a directory"),
            ("x=-", "standard input"),
        ] {
            let err = named_source(bad, Some(root)).unwrap_err().to_string();
            assert!(err.starts_with(bad), "{err}");
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    /// Policy expiry compares dates as text: today must have their exact shape.
    #[test]
    fn today_is_a_date_as_policies_write_them() {
        if std::env::var_os("PLUMB_TODAY").is_none() {
            let today = super::today();
            assert!(plumb_drift::policy_file::is_date(&today), "{today}");
        }
    }
}
