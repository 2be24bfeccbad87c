//! What Terraform recorded: resource instances from a tfstate (v3 or v4), a `terraform show
//! -json` state, or a plan's prior state, all in one shape.

use serde::Serialize;

use crate::address::{Address, ModuleStep};
use crate::path::AttrPath;
use crate::value::Value;

/// The provider source every legacy (`provider.aws`) reference means.
pub const DEFAULT_REGISTRY: &str = "registry.terraform.io";

/// Attributes that are sensitive whatever the schema says (ARCHITECTURE.md, "Words").
pub const ALWAYS_SENSITIVE_ATTRIBUTES: &[&str] =
    &["user_data", "user_data_base64", "password_data"];

/// The provider configuration that manages a resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ProviderRef {
    /// Fully qualified source address, `registry.terraform.io/hashicorp/aws`.
    pub source: String,
    /// The configuration's alias (`provider "aws" { alias = "west" }`).
    pub alias: Option<String>,
    /// The module whose `provider` block this is (empty for the root module).
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "serialize_module"
    )]
    pub module: Vec<ModuleStep>,
}

fn serialize_module<S: serde::Serializer>(module: &[ModuleStep], s: S) -> Result<S::Ok, S::Error> {
    let text: Vec<String> = module.iter().map(|m| m.name.clone()).collect();
    s.collect_str(&text.join("."))
}

impl ProviderRef {
    /// A provider by its short name under `hashicorp/` (how legacy states name it).
    pub fn hashicorp(name: &str) -> Self {
        ProviderRef {
            source: format!("{DEFAULT_REGISTRY}/hashicorp/{name}"),
            alias: None,
            module: Vec::new(),
        }
    }

    /// The local name: `aws` for `registry.terraform.io/hashicorp/aws`.
    pub fn short_name(&self) -> &str {
        self.source.rsplit('/').next().unwrap_or(&self.source)
    }

    /// `aws` or `aws.west`, as a `provider` meta-argument writes it.
    pub fn config_name(&self) -> String {
        match &self.alias {
            Some(alias) => format!("{}.{alias}", self.short_name()),
            None => self.short_name().to_owned(),
        }
    }
}

/// Terraform's own form: `module.net.provider["registry.terraform.io/hashicorp/aws"].west`.
impl std::fmt::Display for ProviderRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for step in &self.module {
            write!(f, "module.{}", step.name)?;
            if let Some(key) = &step.key {
                write!(f, "{key}")?;
            }
            f.write_str(".")?;
        }
        write!(f, "provider[\"{}\"]", self.source)?;
        if let Some(alias) = &self.alias {
            write!(f, ".{alias}")?;
        }
        Ok(())
    }
}

/// Whether the object is usable or marked for replacement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ready,
    Tainted,
}

/// One resource instance object as Terraform recorded it.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    pub address: Address,
    pub provider: ProviderRef,
    pub status: Status,
    /// Set for a deposed object (an old instance left by `create_before_destroy`).
    pub deposed: Option<String>,
    pub schema_version: Option<u64>,
    /// The attribute object; sensitive parts already carry the sensitive mark.
    pub attributes: Value,
    /// Paths the state itself lists as sensitive (`sensitive_attributes`).
    pub sensitive_paths: Vec<AttrPath>,
    pub dependencies: Vec<String>,
    /// Resource identity (Terraform 1.12+), when recorded.
    pub identity: Option<Value>,
}

impl Resource {
    /// The provider's id for the object (`attributes.id`), when it has one.
    pub fn id(&self) -> Option<&str> {
        self.attributes.get("id").and_then(Value::as_str)
    }

    pub fn is_managed(&self) -> bool {
        self.address.mode == crate::address::Mode::Managed
    }

    /// Marks the always-sensitive attributes and the given paths. One function so that every
    /// reader hides the same things.
    pub fn apply_sensitive_marks(&mut self, extra: &[AttrPath]) {
        mark_always_sensitive(&mut self.attributes);
        for path in self.sensitive_paths.iter().chain(extra) {
            self.attributes.mark_sensitive(path.segments());
        }
    }
}

/// Marks the [`ALWAYS_SENSITIVE_ATTRIBUTES`] of an object's attributes, wherever the object
/// came from (a state, a live read, a plan).
pub fn mark_always_sensitive(attributes: &mut Value) {
    for name in ALWAYS_SENSITIVE_ATTRIBUTES {
        if attributes
            .get(name)
            .is_some_and(|v| !v.is_null() && !v.is_sensitive())
        {
            attributes.mark_sensitive(AttrPath::attr(*name).segments());
        }
    }
}

/// The format a state came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StateFormat {
    /// tfstate format version 3 (flatmap attributes).
    V3,
    /// tfstate format version 4.
    V4,
    /// `terraform show -json` of a state.
    ShowJson,
    /// The prior state inside a `terraform show -json` plan.
    Plan,
}

/// A root module output value.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    pub name: String,
    pub sensitive: bool,
    pub value: Value,
}

/// One state, read whole.
#[derive(Clone, Debug, PartialEq)]
pub struct StateDoc {
    /// Where it was read from, as the user named it (`-` for standard input).
    pub origin: String,
    /// The workspace it belongs to (`default` unless under `terraform.tfstate.d/NAME/`).
    pub workspace: String,
    pub format: StateFormat,
    pub terraform_version: Option<String>,
    pub serial: Option<u64>,
    pub lineage: Option<String>,
    pub resources: Vec<Resource>,
    pub outputs: Vec<Output>,
    /// `check_results` as recorded (Terraform 1.5+), not interpreted.
    pub check_results: Option<Value>,
}

impl StateDoc {
    pub fn managed(&self) -> impl Iterator<Item = &Resource> {
        self.resources.iter().filter(|r| r.is_managed())
    }
}

/// What a plan would do to one resource (`create`, `update`, ...), in Terraform's own spelling
/// (`no-op`), so that plan JSON reads into it and writes out of it unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    NoOp,
    Create,
    Read,
    Update,
    Delete,
    Forget,
    Open,
}

/// One entry of `resource_changes` or `resource_drift`.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedChange {
    pub address: Address,
    pub provider: ProviderRef,
    pub deposed: Option<String>,
    pub actions: Vec<Action>,
    /// Before the change; sensitive parts marked (from `before_sensitive`).
    pub before: Value,
    /// After the change; unknown parts are `Value::Unknown` (from `after_unknown`), sensitive
    /// parts marked (from `after_sensitive`).
    pub after: Value,
    pub action_reason: Option<String>,
}

/// A `terraform show -json` plan document.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub origin: String,
    pub format_version: String,
    pub terraform_version: Option<String>,
    pub prior_state: Option<StateDoc>,
    /// Changes made outside Terraform that the plan's refresh noticed.
    pub resource_drift: Vec<PlannedChange>,
    pub resource_changes: Vec<PlannedChange>,
    /// The `configuration` object as recorded, not interpreted.
    pub configuration: Option<Value>,
}
