//! What the code declares: the blocks of a root module and its local child modules, with their
//! source locations and the values plumb could evaluate.

use serde::Serialize;

use crate::address::ConfigAddress;
use crate::path::AttrPath;
use crate::value::Value;

/// Where a block starts in a `.tf` file (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SourceLocation {
    /// Path as given or found, relative to the current directory where it can be.
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// `lifecycle { ignore_changes = ... }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "paths")]
pub enum IgnoreChanges {
    #[default]
    None,
    /// `ignore_changes = all`.
    All,
    Paths(Vec<AttrPath>),
}

impl IgnoreChanges {
    /// True when differences at `path` are to be ignored.
    pub fn covers(&self, path: &AttrPath) -> bool {
        match self {
            IgnoreChanges::None => false,
            IgnoreChanges::All => true,
            IgnoreChanges::Paths(paths) => paths
                .iter()
                .any(|p| path.starts_with(&p.without_indexes()) || path.starts_with(p)),
        }
    }

    /// The text form for reports: `["all"]` or the paths.
    pub fn to_strings(&self) -> Vec<String> {
        match self {
            IgnoreChanges::None => Vec::new(),
            IgnoreChanges::All => vec!["all".to_owned()],
            IgnoreChanges::Paths(paths) => paths.iter().map(ToString::to_string).collect(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Lifecycle {
    pub ignore_changes: IgnoreChanges,
    pub prevent_destroy: bool,
    pub create_before_destroy: bool,
    /// References, as written.
    pub replace_triggered_by: Vec<String>,
}

/// How many instances a block makes.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Repetition {
    #[default]
    Single,
    /// `count = ...`, evaluated where it could be.
    Count(Value),
    /// `for_each = ...`, evaluated where it could be.
    ForEach(Value),
}

/// A `resource` or `data` block.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigResource {
    pub address: ConfigAddress,
    pub location: SourceLocation,
    pub repetition: Repetition,
    /// The `provider` meta-argument, as written (`aws.west`).
    pub provider: Option<String>,
    pub lifecycle: Lifecycle,
    pub depends_on: Vec<String>,
    /// The arguments and nested blocks (each block type a list of objects), evaluated where
    /// possible and `Value::Unknown` elsewhere. Meta-arguments are not included.
    pub attributes: Value,
}

/// A `provider` block.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderConfig {
    /// Module path (names) of the module that declares it; empty for the root.
    pub module: Vec<String>,
    /// Local name (`aws`).
    pub name: String,
    pub alias: Option<String>,
    pub location: SourceLocation,
    /// `region`, `default_tags`, `assume_role`, ... evaluated where possible.
    pub attributes: Value,
}

impl ProviderConfig {
    pub fn region(&self) -> Option<&str> {
        self.attributes.get("region").and_then(Value::as_str)
    }

    /// `default_tags { tags = {...} }`, when known.
    pub fn default_tags(&self) -> Option<&Value> {
        self.attributes
            .get("default_tags")
            .and_then(Value::as_list)
            .and_then(<[Value]>::first)
            .and_then(|block| block.get("tags"))
    }
}

/// A `variable` block.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub module: Vec<String>,
    pub name: String,
    pub default: Option<Value>,
    pub sensitive: bool,
    pub location: SourceLocation,
}

/// A `module` call and whether plumb could load it.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleCall {
    /// Path of the calling module (names).
    pub parent: Vec<String>,
    pub name: String,
    pub source: String,
    pub version: Option<String>,
    /// True for a local source (`./x`, `../x`) that was loaded.
    pub loaded: bool,
    pub location: SourceLocation,
}

/// `import`, `moved` and `removed` blocks, kept as written.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportBlock {
    pub module: Vec<String>,
    pub to: String,
    pub id: Value,
    pub provider: Option<String>,
    pub location: SourceLocation,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MovedBlock {
    pub module: Vec<String>,
    pub from: String,
    pub to: String,
    pub location: SourceLocation,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RemovedBlock {
    pub module: Vec<String>,
    pub from: String,
    /// `lifecycle { destroy = ... }`; Terraform's default is true.
    pub destroy: bool,
    pub location: SourceLocation,
}

/// `terraform { required_providers { NAME = { source, version } } }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequiredProvider {
    pub module: Vec<String>,
    pub name: String,
    pub source: Option<String>,
    pub version: Option<String>,
}

/// `terraform { backend "TYPE" { ... } }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Backend {
    pub r#type: String,
    pub attributes: Value,
    pub location: SourceLocation,
}

/// A root module with its local child modules, flattened.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Configuration {
    /// The root module directory as given.
    pub root: String,
    pub resources: Vec<ConfigResource>,
    pub providers: Vec<ProviderConfig>,
    pub variables: Vec<Variable>,
    pub modules: Vec<ModuleCall>,
    pub imports: Vec<ImportBlock>,
    pub moved: Vec<MovedBlock>,
    pub removed: Vec<RemovedBlock>,
    pub required_providers: Vec<RequiredProvider>,
    pub backend: Option<Backend>,
    /// Things plumb could not load or evaluate and says so (registry modules, ...).
    pub warnings: Vec<String>,
}

impl Configuration {
    /// The block a state instance comes from.
    pub fn resource(&self, address: &ConfigAddress) -> Option<&ConfigResource> {
        self.resources.iter().find(|r| &r.address == address)
    }
}
