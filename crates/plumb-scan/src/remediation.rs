//! A scan's remediation, computed: the files of each directory (imports, removed blocks, the
//! revert script, the accept patch) and each finding's `remediation`. Writing the files is the
//! caller's, through its guarded writer.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use plumb_drift::Policy;
use plumb_model::{Finding, Kind, Observation, Remediation, Value};
use plumb_schema::ProviderSchemas;

use crate::error::Error;
use crate::plan::NO_WORKSPACE;

/// One directory's remediation files.
#[derive(Debug)]
pub struct RemediationFiles {
    pub dir: PathBuf,
    /// `imports.tf`, `removed.tf`, `revert.sh`, and which of them any finding uses.
    pub files: plumb_remediate::Remediation,
    /// `accept.patch`: the configuration changes that take the live values, when there are
    /// any.
    pub accept_patch: Option<String>,
}

/// Computes the remediation of `findings` into `dir` (one directory per workspace when
/// `per_workspace`: each workspace's `terraform` commands run in its own root module), and
/// gives each finding its `remediation`.
pub fn remediate(
    dir: &Path,
    per_workspace: bool,
    findings: &mut [Finding],
    observations: &[Observation],
    policy: &Policy,
    schemas: &ProviderSchemas,
) -> Result<Vec<RemediationFiles>, Error> {
    if !per_workspace {
        return Ok(vec![remediate_one(
            dir,
            findings,
            observations,
            policy,
            schemas,
        )?]);
    }
    let mut by_workspace: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, finding) in findings.iter().enumerate() {
        by_workspace
            .entry(finding.workspace.clone())
            .or_default()
            .push(i);
    }
    let mut out = Vec::with_capacity(by_workspace.len());
    for (name, indexes) in by_workspace {
        let mut subset: Vec<Finding> = indexes.iter().map(|&i| findings[i].clone()).collect();
        let into = dir.join(workspace_dir(&name));
        out.push(remediate_one(
            &into,
            &mut subset,
            observations,
            policy,
            schemas,
        )?);
        for (i, remedied) in indexes.into_iter().zip(subset) {
            findings[i].remediation = remedied.remediation;
        }
    }
    Ok(out)
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

/// One directory's files. The live objects that resource blocks are generated from carry
/// every sensitive mark first, so no sensitive value reaches a file.
fn remediate_one(
    dir: &Path,
    findings: &mut [Finding],
    observations: &[Observation],
    policy: &Policy,
    schemas: &ProviderSchemas,
) -> Result<RemediationFiles, Error> {
    let by_id: HashMap<(&str, &str, &str), &Observation> = observations
        .iter()
        .map(|o| ((o.region.as_str(), o.r#type.as_str(), o.id.as_str()), o))
        .collect();
    let live: BTreeMap<&str, Value> = findings
        .iter()
        .filter(|f| f.kind == Kind::Unmanaged)
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
        &|f: &Finding| live.get(f.fingerprint.as_str()),
        schemas,
    )
    .map_err(|source| Error::Remediation {
        dir: dir.display().to_string(),
        source,
    })?;
    drop(live);
    let (accepted, accept_patch) = accept(findings, schemas)?;
    // Each finding found by its fingerprint once (the first, as a search would), not searched
    // for per entry.
    let mut position: HashMap<&str, usize> = HashMap::with_capacity(findings.len());
    for (i, finding) in findings.iter().enumerate().rev() {
        position.insert(finding.fingerprint.as_str(), i);
    }
    let remedies: Vec<(usize, Remediation)> = files
        .findings
        .iter()
        .filter_map(|entry| {
            Some((
                *position.get(entry.fingerprint.as_str())?,
                entry.remediation.clone(),
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
            .get_or_insert_with(Remediation::default)
            .accept = Some(text);
    }
    Ok(RemediationFiles {
        dir: dir.to_path_buf(),
        files,
        accept_patch,
    })
}

/// A finding's fingerprint and the text of its accept patch.
type Accepted = (String, String);

/// The accept patches of changed findings that have a block in the code: each finding's text,
/// and the unified diff of every file they edit (`None` when nothing is accepted). A file's
/// findings are applied one after another, so that the patch holds them all.
fn accept(
    findings: &[Finding],
    schemas: &ProviderSchemas,
) -> Result<(Vec<Accepted>, Option<String>), Error> {
    let mut files: BTreeMap<&str, (String, String)> = BTreeMap::new();
    let mut texts = Vec::new();
    for finding in findings {
        let (Some(address), Some(source)) = (&finding.address, &finding.source) else {
            continue;
        };
        if finding.kind != Kind::Changed || finding.attributes.is_empty() {
            continue;
        }
        let file = source.file.as_str();
        let (_, current) = match files.entry(file) {
            std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::btree_map::Entry::Vacant(entry) => {
                let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
                    file: file.to_owned(),
                    source,
                })?;
                entry.insert((text.clone(), text))
            }
        };
        let accept = plumb_remediate::accept_patch(
            file,
            current,
            address,
            &finding.attributes,
            schemas.resource(&address.r#type),
        );
        if accept.is_empty() {
            continue;
        }
        texts.push((finding.fingerprint.clone(), accept.to_text()));
        *current = accept.edited;
    }
    let patch: String = files
        .iter()
        .map(|(file, (before, after))| plumb_remediate::unified_diff(file, before, after))
        .collect();
    Ok((texts, (!patch.is_empty()).then_some(patch)))
}

#[cfg(test)]
mod tests {
    use super::workspace_dir;

    #[test]
    fn workspace_directories_stay_inside() {
        assert_eq!(workspace_dir("*"), std::path::PathBuf::from("unmanaged"));
        assert_eq!(
            workspace_dir("../prod/./eu west"),
            std::path::PathBuf::from("prod/eu_west")
        );
    }
}
