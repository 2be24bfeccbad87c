//! Reading what a command was pointed at: schemas, states and the configuration. Every command
//! reads its inputs here so that defaults and errors are the same everywhere.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use plumb_model::{Configuration, StateDoc};
use plumb_schema::ProviderSchemas;

use crate::cli::InputArgs;

/// The shipped schema with the user's `--schema` files over it.
pub fn schemas(args: &InputArgs) -> Result<ProviderSchemas> {
    let mut schemas = plumb_schema::shipped();
    for path in &args.schema {
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
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    civil_date(i64::try_from(days).unwrap_or_default())
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The scan policy: `--policy FILE`, else `.plumb.hcl` in the root module; and driftctl's
/// `.driftignore` there as well, so that a driftctl user's ignores keep working.
pub fn policy(explicit: Option<&Path>, config_dir: Option<&Path>) -> Result<plumb_drift::Policy> {
    let today = today();
    // Expiry compares dates as text: anything but a real `YYYY-MM-DD` would expire at random.
    if !plumb_drift::policy_file::is_date(&today) {
        bail!("PLUMB_TODAY={today}: expected a date YYYY-MM-DD");
    }
    let mut policy = plumb_drift::Policy {
        today: Some(today),
        ..plumb_drift::Policy::default()
    };
    let beside = |name: &str| config_dir.map(|d| d.join(name)).filter(|p| p.is_file());
    let files = [
        explicit
            .map(Path::to_path_buf)
            .or_else(|| beside(".plumb.hcl")),
        beside(".driftignore").filter(|p| explicit != Some(p.as_path())),
    ];
    for file in files.into_iter().flatten() {
        policy.extend(plumb_drift::policy_file::load(&file)?);
    }
    Ok(policy)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(20_779), "2026-11-22");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
    }
}
