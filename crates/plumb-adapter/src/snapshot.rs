//! The snapshot adapter: live state recorded in a file (by `plumb snapshot`, or by hand), read
//! back for offline scans, bug reports and tests. The format is in ARCHITECTURE.md ("Contracts")
//! and `docs/snapshot-format.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{self, Write};
use std::path::Path;

use plumb_model::state::ALWAYS_SENSITIVE_ATTRIBUTES;
use plumb_model::{
    AttrPath, Exposed, GLOBAL_REGION, Observation, Segment, TypeScope, Value, scope_of,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::{AWS_PROVIDER, Adapter, AdapterError, FetchFailure, FetchRequest, Fetched, Scope};

/// The snapshot format versions this build reads (a minor bump adds fields).
const FORMAT_MAJOR: &str = "1";

/// Why a snapshot file could not be used; every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{origin}: cannot read: {source}")]
    Io { origin: String, source: io::Error },
    #[error("{origin}:{line}:{column}: {message}")]
    Json {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

#[derive(Deserialize)]
struct RawSnapshot<'a> {
    format_version: Option<String>,
    #[serde(default)]
    scanned: Option<RawScanned>,
    #[serde(borrow)]
    resources: Option<Vec<RawResource<'a>>>,
    /// Pairs whose read failed when the snapshot was taken (`plumb snapshot --allow-partial`).
    #[serde(default)]
    failed: Vec<FetchFailure>,
}

#[derive(Deserialize, Serialize, Default)]
struct RawScanned {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    regions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    types: Vec<String>,
    /// Scopes that are not a whole regions × types product.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pairs: Vec<Scope>,
}

#[derive(Deserialize)]
struct RawResource<'a> {
    provider: Option<String>,
    region: Option<String>,
    r#type: Option<String>,
    id: Option<String>,
    /// Kept as raw JSON in the first pass, which only checks the syntax, and turned into a
    /// value on all cores afterwards: that is most of the work in a large snapshot.
    #[serde(default, borrow)]
    attributes: Option<&'a RawValue>,
    #[serde(default)]
    unread: Vec<AttrPath>,
    #[serde(default)]
    meta: BTreeMap<String, String>,
}

/// Builds the observation of `resources[i]` from its first-pass form.
fn observation(
    i: usize,
    r: RawResource<'_>,
    bytes: &[u8],
    origin: &str,
) -> Result<Observation, SnapshotError> {
    let invalid = |message: String| SnapshotError::Invalid {
        origin: origin.to_owned(),
        message: format!("resources[{i}]: {message}"),
    };
    let field = |value: Option<String>, name: &str| {
        value
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid(format!("missing `{name}`")))
    };
    let attributes = match r.attributes {
        None => Value::Null,
        Some(raw) => serde_json::from_str::<Value>(raw.get()).map_err(|e| {
            // The first pass checked the syntax; what is left (nesting too deep) is still an
            // error that names the place, not a panic.
            let offset = (raw.get().as_ptr() as usize).saturating_sub(bytes.as_ptr() as usize);
            let before = &bytes[..offset.min(bytes.len())];
            let line = before.split(|&b| b == b'\n').count();
            let column = offset
                - before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1)
                + 1;
            SnapshotError::Json {
                origin: origin.to_owned(),
                line,
                column,
                message: format!("resources[{i}].attributes: {}", one_line(&e)),
            }
        })?,
    };
    let attributes = match attributes {
        Value::Null => Value::Map(plumb_model::Map::new()),
        map @ Value::Map(_) => map,
        other => {
            return Err(invalid(format!(
                "`attributes` must be an object, not {}",
                other.kind_name()
            )));
        }
    };
    let r#type = field(r.r#type, "type")?;
    // A type becomes code in generated files (`import { to = TYPE.NAME }`).
    plumb_model::address::check_identifier("resource type", &r#type)
        .map_err(|e| invalid(format!("`type`: {e}")))?;
    // A global type's object needs no region, and any region it names is `global`.
    let region = match scope_of(&r#type) {
        TypeScope::Global => GLOBAL_REGION.to_owned(),
        _ => field(r.region, "region")?,
    };
    Ok(Observation {
        provider: r.provider.unwrap_or_else(|| AWS_PROVIDER.to_owned()),
        region,
        r#type,
        id: field(r.id, "id")?,
        attributes,
        unread: r.unread,
        meta: r.meta,
    })
}

/// A `serde_json` error's message without its " at line L column C" tail (the caller says where).
fn one_line(e: &serde_json::Error) -> String {
    e.to_string()
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A snapshot file, read whole and served as an adapter.
#[derive(Debug, Clone)]
pub struct SnapshotAdapter {
    origin: String,
    observations: Vec<Observation>,
    scanned: BTreeSet<Scope>,
    /// Pairs the recording could not read: served as the failures they were, so that a scan
    /// of the file reports them as a live scan would have, never their resources as missing.
    failed: Vec<FetchFailure>,
    types: BTreeSet<String>,
}

impl SnapshotAdapter {
    pub fn open(path: &Path) -> Result<Self, SnapshotError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| SnapshotError::Io {
            origin: origin.clone(),
            source,
        })?;
        Self::from_slice(&bytes, &origin)
    }

    pub fn from_slice(bytes: &[u8], origin: &str) -> Result<Self, SnapshotError> {
        let invalid = |message: String| SnapshotError::Invalid {
            origin: origin.to_owned(),
            message,
        };
        let bytes = plumb_model::bom::strip(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(invalid("the file is empty".to_owned()));
        }
        let mut raw: RawSnapshot =
            serde_json::from_slice(bytes).map_err(|e| SnapshotError::Json {
                origin: origin.to_owned(),
                line: e.line(),
                column: e.column(),
                message: one_line(&e),
            })?;
        match raw.format_version.as_deref() {
            None => {
                return Err(invalid(
                    "not a plumb snapshot: no `format_version`".to_owned(),
                ));
            }
            Some(v) if v.split('.').next() == Some(FORMAT_MAJOR) => {}
            Some(v) => {
                return Err(invalid(format!(
                    "snapshot format_version {v} is not supported (this plumb reads {FORMAT_MAJOR}.x)"
                )));
            }
        }
        let resources = raw
            .resources
            .ok_or_else(|| invalid("not a plumb snapshot: no `resources` array".to_owned()))?;
        let built: Vec<Result<Observation, SnapshotError>> = resources
            .into_par_iter()
            .enumerate()
            .map(|(i, r)| observation(i, r, bytes, origin))
            .collect();
        // In file order, so that the error reported is the first one, whatever thread found it.
        let observations = built.into_iter().collect::<Result<Vec<_>, _>>()?;
        let mut scanned: BTreeSet<Scope> = match &raw.scanned {
            Some(s) => s
                .regions
                .iter()
                .flat_map(|region| s.types.iter().map(move |t| Scope::new(region, t)))
                .chain(s.pairs.iter().map(|p| Scope::new(&p.region, &p.r#type)))
                .collect(),
            None => BTreeSet::new(),
        };
        if raw.scanned.is_none() {
            // Without `scanned`, the pairs that appear count as scanned (ARCHITECTURE.md,
            // "Contracts").
            scanned = observations
                .iter()
                .map(|o| Scope::new(&o.region, &o.r#type))
                .collect();
        }
        for (i, f) in raw.failed.iter_mut().enumerate() {
            // As for objects: a global type's failure needs no region, and is in `global`.
            plumb_model::catalog::settle_region(&f.r#type, &mut f.region);
            if f.region.is_empty() || f.r#type.is_empty() {
                return Err(invalid(format!(
                    "failed[{i}]: a failure needs its `region` and `type`"
                )));
            }
        }
        let types = scanned
            .iter()
            .map(|s| s.r#type.clone())
            .chain(observations.iter().map(|o| o.r#type.clone()))
            .chain(raw.failed.iter().map(|f| f.r#type.clone()))
            .collect();
        Ok(SnapshotAdapter {
            origin: origin.to_owned(),
            observations,
            scanned,
            failed: raw.failed,
            types,
        })
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The types the snapshot holds or says it scanned.
    pub fn types(&self) -> impl Iterator<Item = &str> {
        self.types.iter().map(String::as_str)
    }
}

impl Adapter for SnapshotAdapter {
    fn name(&self) -> &'static str {
        "snapshot"
    }

    fn supports(&self, resource_type: &str) -> bool {
        self.types.contains(resource_type)
    }

    fn fetch(&self, request: &FetchRequest) -> Result<Fetched, AdapterError> {
        let scanned = self.wanted(request);
        let select = Selection::new(&scanned, request);
        let observations = self
            .observations
            .iter()
            .filter(|o| select.contains(o))
            .cloned()
            .collect();
        Ok(Fetched {
            observations,
            scanned,
            failures: self.failures(request),
            ..Fetched::default()
        })
    }

    fn fetch_once(self: Box<Self>, request: &FetchRequest) -> Result<Fetched, AdapterError> {
        let scanned = self.wanted(request);
        let failures = self.failures(request);
        let select = Selection::new(&scanned, request);
        let mut observations = self.observations;
        observations.retain(|o| select.contains(o));
        Ok(Fetched {
            observations,
            scanned,
            failures,
            ..Fetched::default()
        })
    }
}

impl SnapshotAdapter {
    /// The recorded failures of `request`'s pairs, saying that they date from the recording.
    fn failures(&self, request: &FetchRequest) -> Vec<FetchFailure> {
        self.failed
            .iter()
            .filter(|f| {
                request.types.contains(&f.r#type)
                    && (request.regions.is_empty()
                        || f.region == GLOBAL_REGION
                        || request.regions.contains(&f.region))
            })
            .map(|f| FetchFailure {
                region: f.region.clone(),
                r#type: f.r#type.clone(),
                error: format!("not read when {} was recorded: {}", self.origin, f.error),
            })
            .collect()
    }

    /// The scopes of `request` this snapshot covers.
    fn wanted(&self, request: &FetchRequest) -> BTreeSet<Scope> {
        if request.regions.is_empty() {
            self.scanned
                .iter()
                .filter(|s| request.types.contains(&s.r#type))
                .cloned()
                .collect()
        } else {
            request
                .scopes()
                .filter(|s| self.scanned.contains(s))
                .collect()
        }
    }
}

/// Which observations a request selects, looked up by borrowed (region, type) so that
/// selecting among many observations allocates nothing per observation.
struct Selection<'a> {
    scopes: HashSet<(&'a str, &'a str)>,
    ids: Option<HashMap<(&'a str, &'a str), &'a BTreeSet<String>>>,
}

impl<'a> Selection<'a> {
    fn new(scanned: &'a BTreeSet<Scope>, request: &'a FetchRequest) -> Self {
        Selection {
            scopes: scanned
                .iter()
                .map(|s| (s.region.as_str(), s.r#type.as_str()))
                .collect(),
            ids: request.ids.as_ref().map(|ids| {
                ids.iter()
                    .map(|(s, set)| ((s.region.as_str(), s.r#type.as_str()), set))
                    .collect()
            }),
        }
    }

    fn contains(&self, o: &Observation) -> bool {
        let scope = (o.region.as_str(), o.r#type.as_str());
        self.scopes.contains(&scope)
            && self
                .ids
                .as_ref()
                .is_none_or(|ids| ids.get(&scope).is_some_and(|set| set.contains(&o.id)))
    }
}

#[derive(Serialize)]
struct SnapshotOut<'a> {
    format_version: &'static str,
    scanned: RawScanned,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    failed: &'a [FetchFailure],
    resources: Vec<WireObservation<'a>>,
}

/// One observation in the wire shape that snapshot files and the plugin protocol share: values
/// in clear (`Exposed`), as a state file holds them; sensitivity is judged by whoever reads it.
#[derive(Serialize)]
pub(crate) struct WireObservation<'a> {
    pub provider: &'a str,
    pub region: &'a str,
    pub r#type: &'a str,
    pub id: &'a str,
    pub attributes: Exposed<'a>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub unread: &'a [AttrPath],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: &'a BTreeMap<String, String>,
}

impl<'a> WireObservation<'a> {
    pub(crate) fn new(o: &'a Observation) -> Self {
        WireObservation {
            provider: &o.provider,
            region: &o.region,
            r#type: &o.r#type,
            id: &o.id,
            attributes: Exposed(&o.attributes),
            unread: &o.unread,
            meta: &o.meta,
        }
    }
}

/// Replaces sensitive values with null and lists them as unread, so that a redacted snapshot
/// scans without false drift on what it hides.
fn redact(value: &mut Value, path: &mut Vec<Segment>, unread: &mut Vec<AttrPath>) {
    let always = path.len() == 1
        && path[0]
            .as_name()
            .is_some_and(|n| ALWAYS_SENSITIVE_ATTRIBUTES.contains(&n));
    if value.is_sensitive() || (always && !value.is_null()) {
        *value = Value::Null;
        unread.push(AttrPath(path.clone()));
        return;
    }
    match value {
        Value::List(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(Segment::Index(i));
                redact(item, path, unread);
                path.pop();
            }
        }
        Value::Map(map) => {
            for (key, item) in map.iter_mut() {
                path.push(Segment::Attr(key.to_owned()));
                redact(item, path, unread);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The `scanned` object: a regions × types product where the scopes form one, else pairs.
fn scanned_out(scanned: &BTreeSet<Scope>) -> RawScanned {
    let regions: BTreeSet<&str> = scanned.iter().map(|s| s.region.as_str()).collect();
    let types: BTreeSet<&str> = scanned.iter().map(|s| s.r#type.as_str()).collect();
    if regions.len() * types.len() == scanned.len() {
        RawScanned {
            regions: regions.into_iter().map(str::to_owned).collect(),
            types: types.into_iter().map(str::to_owned).collect(),
            pairs: Vec::new(),
        }
    } else {
        RawScanned {
            pairs: scanned.iter().cloned().collect(),
            ..RawScanned::default()
        }
    }
}

/// Writes a snapshot of `fetched`. Snapshots hold live data as state files do; with `redact`,
/// sensitive values (marked, or always-sensitive by name) are left out for sharing.
pub fn write_snapshot(
    out: &mut dyn Write,
    fetched: &Fetched,
    redact_sensitive: bool,
) -> io::Result<()> {
    let mut redacted: BTreeMap<usize, (Value, Vec<AttrPath>)> = BTreeMap::new();
    if redact_sensitive {
        for (i, o) in fetched.observations.iter().enumerate() {
            let mut attributes = o.attributes.clone();
            let mut unread = o.unread.clone();
            redact(&mut attributes, &mut Vec::new(), &mut unread);
            redacted.insert(i, (attributes, unread));
        }
    }
    let mut sorted: Vec<(usize, &Observation)> = fetched.observations.iter().enumerate().collect();
    sorted.sort_by(|(_, a), (_, b)| {
        (&a.region, &a.r#type, &a.id).cmp(&(&b.region, &b.r#type, &b.id))
    });
    let doc = SnapshotOut {
        format_version: "1",
        scanned: scanned_out(&fetched.scanned),
        failed: &fetched.failures,
        resources: sorted
            .into_iter()
            .map(|(i, o)| {
                let mut wire = WireObservation::new(o);
                if let Some((attributes, unread)) = redacted.get(&i) {
                    wire.attributes = Exposed(attributes);
                    wire.unread = unread;
                }
                wire
            })
            .collect(),
    };
    plumb_model::json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNAPSHOT: &str = r#"{
      "format_version": "1",
      "scanned": {"regions": ["eu-west-1"], "types": ["aws_instance", "aws_vpc"]},
      "resources": [
        {"region": "eu-west-1", "type": "aws_instance", "id": "i-1",
         "attributes": {"instance_type": "t3.large", "user_data": "secret-boot-script"},
         "unread": [["disable_api_termination"]], "meta": {"managed_by": "autoscaling"}},
        {"region": "eu-west-1", "type": "aws_instance", "id": "i-2", "attributes": {}},
        {"provider": "registry.terraform.io/hashicorp/aws", "region": "us-east-1",
         "type": "aws_subnet", "id": "subnet-1", "attributes": null}
      ]
    }"#;

    fn adapter() -> SnapshotAdapter {
        SnapshotAdapter::from_slice(SNAPSHOT.as_bytes(), "live.json").unwrap()
    }

    fn request(regions: &[&str], types: &[&str]) -> FetchRequest {
        FetchRequest {
            regions: regions.iter().map(ToString::to_string).collect(),
            types: types.iter().map(ToString::to_string).collect(),
            ..FetchRequest::default()
        }
    }

    #[test]
    fn scanned_scopes_follow_the_file() {
        let fetched = adapter()
            .fetch(&request(
                &["eu-west-1", "us-east-1"],
                &["aws_instance", "aws_subnet", "aws_vpc"],
            ))
            .unwrap();
        let scanned: Vec<String> = fetched.scanned.iter().map(ToString::to_string).collect();
        // aws_subnet appears in the file but `scanned` does not list it: not scanned.
        assert_eq!(
            scanned,
            ["aws_instance in eu-west-1", "aws_vpc in eu-west-1"]
        );
        assert_eq!(fetched.observations.len(), 2);
        assert_eq!(
            fetched.observations[0].unread[0].to_string(),
            "disable_api_termination"
        );
    }

    /// A global type's recorded failure needs no region, lives in `global`, and is reported
    /// whatever regions a scan asks for, as its objects are.
    #[test]
    fn a_global_types_recorded_failure_is_in_global_whatever_the_regions_asked() {
        let text = r#"{"format_version":"1","resources":[],
          "failed":[{"type":"aws_iam_role","error":"AccessDenied"},
                    {"type":"aws_iam_user","region":"eu-west-1","error":"AccessDenied"}]}"#;
        let adapter = SnapshotAdapter::from_slice(text.as_bytes(), "s.json").unwrap();
        let fetched = adapter
            .fetch(&request(&["eu-west-1"], &["aws_iam_role", "aws_iam_user"]))
            .unwrap();
        let failed: Vec<(&str, &str)> = fetched
            .failures
            .iter()
            .map(|f| (f.r#type.as_str(), f.region.as_str()))
            .collect();
        assert_eq!(
            failed,
            [
                ("aws_iam_role", GLOBAL_REGION),
                ("aws_iam_user", GLOBAL_REGION)
            ]
        );
    }

    #[test]
    fn without_scanned_the_pairs_present_count() {
        let text = r#"{"format_version":"1","resources":[{"region":"r","type":"t","id":"x"}]}"#;
        let adapter = SnapshotAdapter::from_slice(text.as_bytes(), "s.json").unwrap();
        let fetched = adapter.fetch(&request(&[], &["t", "u"])).unwrap();
        assert_eq!(fetched.scanned.len(), 1);
        assert!(adapter.supports("t") && !adapter.supports("u"));
    }

    #[test]
    fn managed_only_requests_filter_by_id() {
        let mut req = request(&["eu-west-1"], &["aws_instance"]);
        let scope = Scope {
            region: "eu-west-1".into(),
            r#type: "aws_instance".into(),
        };
        req.ids = Some([(scope, BTreeSet::from(["i-2".to_owned()]))].into());
        let fetched = adapter().fetch(&req).unwrap();
        assert_eq!(fetched.observations.len(), 1);
        assert_eq!(fetched.observations[0].id, "i-2");
    }

    #[test]
    fn fetch_once_hands_over_what_fetch_copies() {
        let mut managed_only = request(&["eu-west-1"], &["aws_instance"]);
        managed_only.ids = Some(
            [(
                Scope::new("eu-west-1", "aws_instance"),
                BTreeSet::from(["i-1".to_owned()]),
            )]
            .into(),
        );
        for req in [
            request(&["eu-west-1", "us-east-1"], &["aws_instance", "aws_subnet"]),
            request(&[], &["aws_instance", "aws_vpc"]),
            managed_only,
        ] {
            let copied = adapter().fetch(&req).unwrap();
            let moved = Box::new(adapter()).fetch_once(&req).unwrap();
            assert_eq!(copied, moved, "{req:?}");
        }
    }

    #[test]
    fn of_several_bad_resources_the_first_is_reported() {
        let good = r#"{"region":"r","type":"t","id":"x","attributes":{"a":[1,{"b":null}]}}"#;
        let mut resources = vec![good; 3000];
        resources[2100] = r#"{"type":"t","id":"x"}"#;
        resources[1700] = r#"{"region":"r","type":"t"}"#;
        let text = format!(
            r#"{{"format_version":"1","resources":[{}]}}"#,
            resources.join(",\n")
        );
        let err = SnapshotAdapter::from_slice(text.as_bytes(), "big.json")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "big.json: resources[1700]: missing `id`");
    }

    #[test]
    fn bad_snapshots_name_the_file() {
        let cases: &[(&str, &str)] = &[
            ("", "live.json: the file is empty"),
            (
                "{\n  \"format_version\": \"1\",\n  \"resources\": [",
                "live.json:3:",
            ),
            ("{}", "live.json: not a plumb snapshot: no `format_version`"),
            (
                r#"{"format_version":"2","resources":[]}"#,
                "format_version 2 is not supported",
            ),
            (r#"{"format_version":"1"}"#, "no `resources` array"),
            (
                r#"{"format_version":"1","resources":[{"type":"t","id":"x"}]}"#,
                "resources[0]: missing `region`",
            ),
            (
                r#"{"format_version":"1","resources":[{"region":"r","type":"t","id":"x","attributes":[1]}]}"#,
                "resources[0]: `attributes` must be an object",
            ),
        ];
        for (text, expected) in cases {
            let err = SnapshotAdapter::from_slice(text.as_bytes(), "live.json")
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{text:?}: {err}");
            assert!(err.starts_with("live.json"), "{err}");
        }
    }

    #[test]
    fn written_snapshots_read_back_and_redact() {
        let fetched = adapter()
            .fetch(&request(&["eu-west-1"], &["aws_instance", "aws_vpc"]))
            .unwrap();
        let mut plain = Vec::new();
        write_snapshot(&mut plain, &fetched, false).unwrap();
        let plain = String::from_utf8(plain).unwrap();
        assert!(
            plain.contains("secret-boot-script"),
            "snapshots keep live data"
        );
        let back = SnapshotAdapter::from_slice(plain.as_bytes(), "back.json").unwrap();
        assert_eq!(back.observations, fetched.observations);
        assert_eq!(back.scanned, fetched.scanned);

        let mut shared = Vec::new();
        write_snapshot(&mut shared, &fetched, true).unwrap();
        let shared = String::from_utf8(shared).unwrap();
        assert!(!shared.contains("secret-boot-script"), "{shared}");
        let back = SnapshotAdapter::from_slice(shared.as_bytes(), "shared.json").unwrap();
        let unread: Vec<String> = back.observations[0]
            .unread
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(unread.contains(&"user_data".to_owned()), "{unread:?}");
    }
}
