//! Provider schemas, read from `terraform providers schema -json` output.
//!
//! The rest of plumb asks one kind of question of a schema: "at this attribute path, what is
//! there?" — a set or a list (does order matter?), computed or user-set (is a change by design?),
//! sensitive (may it be shown?). This crate answers it for attributes, nested blocks and
//! nested-attribute types alike, so that callers never walk the JSON themselves.

mod shipped;
mod types;

use std::collections::BTreeMap;
use std::path::Path;

use plumb_model::{AttrPath, Segment, Value};
use serde_json::Value as Json;

pub use types::{Type, TypeError};

/// Why a schema file could not be used. Every variant's message names the file.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("{origin}: cannot read: {source}")]
    Io {
        origin: String,
        source: std::io::Error,
    },
    #[error("{origin}:{line}:{column}: not valid JSON: {message}")]
    Json {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}: not a provider schema document: {message}")]
    Shape { origin: String, message: String },
}

/// How a nested block (or nested attribute type) repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NestingMode {
    Single,
    Group,
    List,
    Set,
    Map,
}

impl NestingMode {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "single" => NestingMode::Single,
            "group" => NestingMode::Group,
            "list" => NestingMode::List,
            "set" => NestingMode::Set,
            "map" => NestingMode::Map,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NestingMode::Single => "single",
            NestingMode::Group => "group",
            NestingMode::List => "list",
            NestingMode::Set => "set",
            NestingMode::Map => "map",
        }
    }
}

/// An attribute of a block.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// The value type; for a nested-attribute type, the object type it implies.
    pub r#type: Type,
    /// For attributes declared with `nested_type` (plugin-framework resources).
    pub nested: Option<NestedType>,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub deprecated: bool,
    /// Accepted in the configuration, never stored in the state (`password_wo`): a configured
    /// value can never be compared with the state's null.
    pub write_only: bool,
}

impl Attribute {
    /// Set by the provider only: a difference is never the user's doing.
    pub fn is_computed_only(&self) -> bool {
        self.computed && !self.optional && !self.required
    }
}

/// A `nested_type` attribute: attributes grouped like a block.
#[derive(Clone, Debug, PartialEq)]
pub struct NestedType {
    pub nesting: NestingMode,
    pub block: Block,
}

/// A nested block type (`ingress { ... }`).
#[derive(Clone, Debug, PartialEq)]
pub struct NestedBlock {
    pub nesting: NestingMode,
    pub block: Block,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

/// A block: the body of a resource, or of a nested block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    pub attributes: BTreeMap<String, Attribute>,
    pub block_types: BTreeMap<String, NestedBlock>,
}

/// The schema of one resource or data source type.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceSchema {
    pub version: u64,
    pub block: Block,
}

/// What stands at an attribute path.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    /// A block's attribute, or a value inside one (`ty` is the type at that depth).
    Attribute {
        attribute: &'a Attribute,
        ty: &'a Type,
    },
    /// A nested block type as a whole (`ingress`), or a nested-attribute type as a whole.
    Blocks {
        nesting: NestingMode,
        block: &'a Block,
        /// The attribute that declares it, for nested-attribute types.
        attribute: Option<&'a Attribute>,
        max_items: Option<u64>,
    },
    /// One element of a nested block or nested-attribute type (`ingress[0]`).
    Object {
        block: &'a Block,
        attribute: Option<&'a Attribute>,
    },
}

impl Node<'_> {
    /// True when order does not matter here: a set-typed attribute or a set of blocks.
    pub fn is_set(&self) -> bool {
        match self {
            Node::Attribute { ty, .. } => matches!(ty, Type::Set(_)),
            Node::Blocks { nesting, .. } => *nesting == NestingMode::Set,
            Node::Object { .. } => false,
        }
    }

    /// True for an ordered list of values or blocks.
    pub fn is_list(&self) -> bool {
        match self {
            Node::Attribute { ty, .. } => matches!(ty, Type::List(_) | Type::Tuple(_)),
            Node::Blocks { nesting, .. } => *nesting == NestingMode::List,
            Node::Object { .. } => false,
        }
    }

    pub fn is_map(&self) -> bool {
        match self {
            Node::Attribute { ty, .. } => matches!(ty, Type::Map(_)),
            Node::Blocks { nesting, .. } => *nesting == NestingMode::Map,
            Node::Object { .. } => false,
        }
    }

    /// The attribute that holds this node, if any (blocks have none).
    pub fn attribute(&self) -> Option<&Attribute> {
        match self {
            Node::Attribute { attribute, .. } => Some(attribute),
            Node::Blocks { attribute, .. } | Node::Object { attribute, .. } => *attribute,
        }
    }

    pub fn is_sensitive(&self) -> bool {
        self.attribute().is_some_and(|a| a.sensitive)
    }

    pub fn is_computed(&self) -> bool {
        self.attribute().is_some_and(|a| a.computed)
    }

    pub fn is_computed_only(&self) -> bool {
        self.attribute().is_some_and(Attribute::is_computed_only)
    }
}

impl Block {
    /// What stands at `path` below this block.
    pub fn node(&self, path: &AttrPath) -> Option<Node<'_>> {
        let (first, rest) = path.segments().split_first()?;
        let name = first.as_name()?;
        let mut node = if let Some(attribute) = self.attributes.get(name) {
            match &attribute.nested {
                Some(nested) => Node::Blocks {
                    nesting: nested.nesting,
                    block: &nested.block,
                    attribute: Some(attribute),
                    max_items: None,
                },
                None => Node::Attribute {
                    attribute,
                    ty: &attribute.r#type,
                },
            }
        } else {
            let nested = self.block_types.get(name)?;
            Node::Blocks {
                nesting: nested.nesting,
                block: &nested.block,
                attribute: None,
                max_items: nested.max_items,
            }
        };
        for (i, segment) in rest.iter().enumerate() {
            node = match node {
                Node::Attribute { attribute, ty } => Node::Attribute {
                    attribute,
                    ty: ty.child(segment)?,
                },
                Node::Blocks {
                    nesting,
                    block,
                    attribute,
                    ..
                } => match (nesting, segment) {
                    (
                        NestingMode::Single | NestingMode::Group,
                        Segment::Attr(_) | Segment::Key(_),
                    ) => {
                        // A single block is addressed without an index.
                        let tail = AttrPath(rest[i..].to_vec());
                        return block
                            .node(&tail)
                            .or(Some(Node::Object { block, attribute }));
                    }
                    (NestingMode::List | NestingMode::Set, Segment::Index(_))
                    | (NestingMode::Map, Segment::Key(_) | Segment::Attr(_)) => {
                        Node::Object { block, attribute }
                    }
                    _ => return None,
                },
                Node::Object { block, .. } => {
                    let tail = AttrPath(rest[i..].to_vec());
                    return block.node(&tail);
                }
            };
        }
        Some(node)
    }

    /// Marks every schema-sensitive attribute inside `value` (an object of this block).
    pub fn mark_sensitive(&self, value: &mut Value) {
        let Some(map) = value.as_map_mut() else {
            return;
        };
        for (name, child) in map.iter_mut() {
            if child.is_null() {
                continue;
            }
            if let Some(attribute) = self.attributes.get(name) {
                if attribute.sensitive {
                    child.mark_sensitive(&[]);
                } else if let Some(nested) = &attribute.nested {
                    nested.block.mark_sensitive_elements(nested.nesting, child);
                }
            } else if let Some(nested) = self.block_types.get(name) {
                nested.block.mark_sensitive_elements(nested.nesting, child);
            }
        }
    }

    fn mark_sensitive_elements(&self, nesting: NestingMode, value: &mut Value) {
        match (nesting, value) {
            (NestingMode::Single | NestingMode::Group, v) => self.mark_sensitive(v),
            (_, Value::List(items)) => items.iter_mut().for_each(|v| self.mark_sensitive(v)),
            (_, Value::Map(map)) => map.iter_mut().for_each(|(_, v)| self.mark_sensitive(v)),
            _ => {}
        }
    }

    /// True when this block holds any sensitive attribute, at any depth.
    pub fn has_sensitive(&self) -> bool {
        self.attributes
            .values()
            .any(|a| a.sensitive || a.nested.as_ref().is_some_and(|n| n.block.has_sensitive()))
            || self.block_types.values().any(|b| b.block.has_sensitive())
    }
}

impl ResourceSchema {
    pub fn node(&self, path: &AttrPath) -> Option<Node<'_>> {
        self.block.node(path)
    }

    /// A configuration value found at `path` as Terraform would hold it after converting it
    /// to the schema's type there ([`Type::convert`]); nested blocks, which the configuration
    /// writes as a list of objects (one per block), become one object for a single block.
    /// Where the schema says nothing, the value is returned as it is.
    pub fn convert_config(&self, path: &AttrPath, value: &Value) -> Value {
        match self.node(path) {
            Some(Node::Attribute { ty, .. }) => ty.convert(value),
            Some(Node::Blocks { nesting, block, .. }) => block.convert_blocks(nesting, value),
            Some(Node::Object { block, .. }) => block.convert_object(value),
            None => value.clone(),
        }
    }
}

impl Block {
    /// One block's body from the configuration, each argument converted to its type.
    pub fn convert_object(&self, value: &Value) -> Value {
        let Value::Map(map) = value else {
            return value.clone();
        };
        Value::Map(
            map.iter()
                .map(|(name, v)| {
                    let converted = if let Some(attribute) = self.attributes.get(name) {
                        attribute.r#type.convert(v)
                    } else if let Some(nested) = self.block_types.get(name) {
                        nested.block.convert_blocks(nested.nesting, v)
                    } else {
                        v.clone()
                    };
                    (name.to_owned(), converted)
                })
                .collect(),
        )
    }

    /// The blocks of one nested block type as the configuration writes them (a list of bodies).
    fn convert_blocks(&self, nesting: NestingMode, value: &Value) -> Value {
        match (nesting, value) {
            (NestingMode::Single | NestingMode::Group, Value::List(items)) if items.len() == 1 => {
                self.convert_object(&items[0])
            }
            (NestingMode::Single | NestingMode::Group, _) => self.convert_object(value),
            (_, Value::List(items)) => {
                Value::List(items.iter().map(|v| self.convert_object(v)).collect())
            }
            _ => value.clone(),
        }
    }
}

/// The schemas of one provider.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProviderSchema {
    pub resources: BTreeMap<String, ResourceSchema>,
    pub data_sources: BTreeMap<String, ResourceSchema>,
}

/// All provider schemas plumb knows, keyed by provider source address.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProviderSchemas {
    /// Schemas read from files (a user's `--schema`); they win per type over the shipped one.
    pub providers: BTreeMap<String, ProviderSchema>,
    /// Whether the schema plumb ships answers for the types `providers` does not have. It is
    /// one static for the process, read lazily, so that copying a `ProviderSchemas` stays cheap.
    with_shipped: bool,
}

impl ProviderSchemas {
    /// Reads a `terraform providers schema -json` file.
    pub fn load(path: &Path) -> Result<Self, SchemaError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| SchemaError::Io {
            origin: origin.clone(),
            source,
        })?;
        Self::from_slice(&bytes, &origin)
    }

    /// Parses schema JSON; `origin` names the source in errors.
    pub fn from_slice(bytes: &[u8], origin: &str) -> Result<Self, SchemaError> {
        let json: Json = serde_json::from_slice(plumb_model::bom::strip(bytes)).map_err(|e| {
            SchemaError::Json {
                origin: origin.to_owned(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            }
        })?;
        let shape = |message: String| SchemaError::Shape {
            origin: origin.to_owned(),
            message,
        };
        let providers = json
            .get("provider_schemas")
            .and_then(Json::as_object)
            .ok_or_else(|| shape("no `provider_schemas` object".to_owned()))?;
        let mut out = ProviderSchemas::default();
        for (source, provider) in providers {
            let mut schema = ProviderSchema::default();
            for (key, target) in [
                ("resource_schemas", &mut schema.resources),
                ("data_source_schemas", &mut schema.data_sources),
            ] {
                let Some(entries) = provider.get(key) else {
                    continue;
                };
                let entries = entries
                    .as_object()
                    .ok_or_else(|| shape(format!("{source}.{key} is not an object")))?;
                for (type_name, json) in entries {
                    let parsed = parse_resource(json)
                        .map_err(|m| shape(format!("{source}: {key}.{type_name}: {m}")))?;
                    target.insert(type_name.clone(), parsed);
                }
            }
            out.providers.insert(normalize_source(source), schema);
        }
        Ok(out)
    }

    /// Adds `other`'s types; where both have a type, `other` wins (a user's `--schema` overrides
    /// what plumb ships).
    pub fn merge(&mut self, other: ProviderSchemas) {
        self.with_shipped |= other.with_shipped;
        for (source, schema) in other.providers {
            let entry = self.providers.entry(source).or_default();
            entry.resources.extend(schema.resources);
            entry.data_sources.extend(schema.data_sources);
        }
    }

    /// The schema of a managed resource type, looked up in the provider whose local name
    /// prefixes the type (`aws_instance` → `.../aws`), then in any provider, then in the schema
    /// plumb ships.
    pub fn resource(&self, type_name: &str) -> Option<&ResourceSchema> {
        self.find(type_name, |p| &p.resources).or_else(|| {
            self.with_shipped
                .then(|| shipped::get().resource(type_name))
                .flatten()
        })
    }

    pub fn data_source(&self, type_name: &str) -> Option<&ResourceSchema> {
        self.find(type_name, |p| &p.data_sources)
    }

    fn find<'a>(
        &'a self,
        type_name: &str,
        pick: impl Fn(&'a ProviderSchema) -> &'a BTreeMap<String, ResourceSchema>,
    ) -> Option<&'a ResourceSchema> {
        let prefix = type_name.split('_').next().unwrap_or(type_name);
        let preferred = self
            .providers
            .iter()
            .filter(|(source, _)| source.rsplit('/').next() == Some(prefix));
        preferred
            .chain(self.providers.iter())
            .find_map(|(_, p)| pick(p).get(type_name))
    }

    pub fn is_empty(&self) -> bool {
        self.providers.is_empty() && !self.with_shipped
    }
}

/// The schema plumb ships: every resource type of the AWS provider (6.x), generated by
/// `scripts/gen-provider-schemas.py` from the provider's facts, with plumb's own tables
/// (`provider-schemas/tables/`) for the EC2 family. A user's `--schema` file is
/// [`ProviderSchemas::merge`]d over it. Cheap: the shipped types are read on first lookup.
pub fn shipped() -> ProviderSchemas {
    shipped_ref().clone()
}

/// The shipped schema as a static (see [`shipped`]).
pub fn shipped_ref() -> &'static ProviderSchemas {
    static SHIPPED: ProviderSchemas = ProviderSchemas {
        providers: BTreeMap::new(),
        with_shipped: true,
    };
    &SHIPPED
}

impl ProviderSchemas {
    /// Same as [`shipped`].
    pub fn shipped() -> ProviderSchemas {
        shipped()
    }
}

/// The names of every shipped resource type, sorted (inflates the shipped schema if needed).
pub fn shipped_types() -> impl ExactSizeIterator<Item = &'static str> {
    shipped::get().names()
}

/// Parses one shipped type afresh, for tests that hold every type to the facts: the error
/// names the type and the line. `None` when the type is not shipped.
pub fn parse_shipped_type(type_name: &str) -> Option<Result<ResourceSchema, String>> {
    shipped::get().parse_type(type_name)
}

/// The types whose shipped schema is one of plumb's own tables (`provider-schemas/tables/`),
/// written by hand from the provider's source; every other type comes from the facts.
pub const TABLE_TYPES: &[&str] = &[
    "aws_launch_template",
    "aws_ami",
    "aws_vpc_endpoint",
    "aws_default_vpc",
    "aws_default_subnet",
    "aws_default_route_table",
    "aws_default_network_acl",
    "aws_default_vpc_dhcp_options",
    "aws_default_security_group",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_flow_log",
    "aws_ebs_snapshot",
    "aws_network_acl_rule",
    "aws_vpc_dhcp_options",
    "aws_placement_group",
    "aws_eip_association",
    "aws_ebs_encryption_by_default",
    "aws_volume_attachment",
    "aws_main_route_table_association",
    "aws_egress_only_internet_gateway",
    "aws_instance",
    "aws_ebs_volume",
    "aws_eip",
    "aws_network_interface",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc",
    "aws_subnet",
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_network_acl",
    "aws_key_pair",
];

/// `hashicorp/aws` and `aws` mean `registry.terraform.io/hashicorp/aws`.
pub fn normalize_source(source: &str) -> String {
    match source.matches('/').count() {
        0 => format!(
            "{}/hashicorp/{source}",
            plumb_model::state::DEFAULT_REGISTRY
        ),
        1 => format!("{}/{source}", plumb_model::state::DEFAULT_REGISTRY),
        _ => source.to_owned(),
    }
}

fn flag(json: &Json, key: &str) -> bool {
    json.get(key).and_then(Json::as_bool).unwrap_or(false)
}

fn parse_resource(json: &Json) -> Result<ResourceSchema, String> {
    let version = json.get("version").and_then(Json::as_u64).unwrap_or(0);
    let block = parse_block(json.get("block").ok_or("no `block`")?)?;
    Ok(ResourceSchema { version, block })
}

fn parse_block(json: &Json) -> Result<Block, String> {
    let mut block = Block::default();
    if let Some(attributes) = json.get("attributes").and_then(Json::as_object) {
        for (name, attr) in attributes {
            block.attributes.insert(
                name.clone(),
                parse_attribute(attr).map_err(|m| format!("{name}: {m}"))?,
            );
        }
    }
    if let Some(block_types) = json.get("block_types").and_then(Json::as_object) {
        for (name, nested) in block_types {
            let nesting = nested
                .get("nesting_mode")
                .and_then(Json::as_str)
                .and_then(NestingMode::parse)
                .ok_or_else(|| format!("{name}: missing or unknown nesting_mode"))?;
            let inner = parse_block(
                nested
                    .get("block")
                    .ok_or_else(|| format!("{name}: no block"))?,
            )?;
            block.block_types.insert(
                name.clone(),
                NestedBlock {
                    nesting,
                    block: inner,
                    min_items: nested.get("min_items").and_then(Json::as_u64),
                    max_items: nested.get("max_items").and_then(Json::as_u64),
                },
            );
        }
    }
    Ok(block)
}

fn parse_attribute(json: &Json) -> Result<Attribute, String> {
    let (r#type, nested) = if let Some(ty) = json.get("type") {
        (Type::from_json(ty).map_err(|e| e.to_string())?, None)
    } else if let Some(nested_json) = json.get("nested_type") {
        let nesting = nested_json
            .get("nesting_mode")
            .and_then(Json::as_str)
            .and_then(NestingMode::parse)
            .ok_or("nested_type without a known nesting_mode")?;
        let block = parse_block(nested_json)?;
        let object = Type::Object(
            block
                .attributes
                .iter()
                .map(|(k, a)| (k.clone(), a.r#type.clone()))
                .collect(),
        );
        let ty = match nesting {
            NestingMode::Single | NestingMode::Group => object,
            NestingMode::List => Type::List(Box::new(object)),
            NestingMode::Set => Type::Set(Box::new(object)),
            NestingMode::Map => Type::Map(Box::new(object)),
        };
        (ty, Some(NestedType { nesting, block }))
    } else {
        return Err("neither `type` nor `nested_type`".to_owned());
    };
    Ok(Attribute {
        r#type,
        nested,
        required: flag(json, "required"),
        optional: flag(json, "optional"),
        computed: flag(json, "computed"),
        sensitive: flag(json, "sensitive"),
        deprecated: flag(json, "deprecated"),
        write_only: flag(json, "write_only"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"format_version":"1.0","provider_schemas":{"registry.terraform.io/hashicorp/aws":{
      "resource_schemas":{"aws_thing":{"version":1,"block":{
        "attributes":{
          "id":{"type":"string","optional":true,"computed":true},
          "arn":{"type":"string","computed":true},
          "password":{"type":"string","optional":true,"sensitive":true},
          "tags":{"type":["map","string"],"optional":true},
          "security_groups":{"type":["set","string"],"optional":true,"computed":true},
          "rules":{"nested_type":{"nesting_mode":"list","attributes":{"cidr":{"type":"string","required":true},"token":{"type":"string","optional":true,"sensitive":true}}},"optional":true}
        },
        "block_types":{
          "ingress":{"nesting_mode":"set","block":{"attributes":{"from_port":{"type":"number","required":true},"cidr_blocks":{"type":["list","string"],"optional":true}}}},
          "metadata_options":{"nesting_mode":"list","max_items":1,"block":{"attributes":{"http_tokens":{"type":"string","optional":true,"computed":true}}}}
        }}}}}}}"#;

    fn schema() -> ProviderSchemas {
        ProviderSchemas::from_slice(SAMPLE.as_bytes(), "sample.json").unwrap()
    }

    fn path(text: &str) -> AttrPath {
        text.parse().unwrap()
    }

    #[test]
    fn answers_shape_questions() {
        let schemas = schema();
        let thing = schemas.resource("aws_thing").unwrap();
        assert!(thing.node(&path("security_groups")).unwrap().is_set());
        assert!(thing.node(&path("ingress")).unwrap().is_set());
        assert!(thing.node(&path("tags")).unwrap().is_map());
        assert!(thing.node(&path("metadata_options")).unwrap().is_list());
        assert!(thing.node(&path("arn")).unwrap().is_computed_only());
        assert!(!thing.node(&path("id")).unwrap().is_computed_only());
        assert!(thing.node(&path("password")).unwrap().is_sensitive());
        let http_tokens = thing
            .node(&path("metadata_options[0].http_tokens"))
            .unwrap();
        assert!(matches!(
            http_tokens,
            Node::Attribute {
                ty: Type::String,
                ..
            }
        ));
        assert!(
            thing
                .node(&path("ingress[0].cidr_blocks"))
                .unwrap()
                .is_list()
        );
        assert!(thing.node(&path("tags[\"Name\"]")).is_some());
        assert!(thing.node(&path("rules[0].token")).unwrap().is_sensitive());
        assert!(thing.node(&path("nope")).is_none());
        assert!(thing.node(&path("ingress[0].nope")).is_none());
    }

    #[test]
    fn marks_sensitive_values() {
        let schemas = schema();
        let thing = schemas.resource("aws_thing").unwrap();
        let mut value: Value = serde_json::from_str(
            r#"{"password":"hunter2","rules":[{"cidr":"10.0.0.0/8","token":"t0kv4l"}],"arn":"a"}"#,
        )
        .unwrap();
        thing.block.mark_sensitive(&mut value);
        let shown = value.to_string();
        assert!(
            !shown.contains("hunter2") && !shown.contains("t0kv4l"),
            "{shown}"
        );
        assert!(shown.contains("10.0.0.0/8"));
    }

    #[test]
    fn errors_name_the_file() {
        let err = ProviderSchemas::from_slice(b"{\n  \"x\": ", "bad.json").unwrap_err();
        assert!(err.to_string().starts_with("bad.json:2:"), "{err}");
        let err = ProviderSchemas::from_slice(b"{}", "empty.json").unwrap_err();
        assert!(err.to_string().contains("empty.json"), "{err}");
    }

    #[test]
    fn shipped_schema_has_every_table_type_and_more() {
        let schemas = shipped_ref();
        let missing: Vec<_> = TABLE_TYPES
            .iter()
            .filter(|t| schemas.resource(t).is_none())
            .collect();
        assert!(missing.is_empty(), "shipped schema lacks {missing:?}");
        let instance = schemas.resource("aws_instance").unwrap();
        assert!(
            instance
                .node(&path("vpc_security_group_ids"))
                .unwrap()
                .is_set()
        );
        assert!(
            instance
                .node(&path("root_block_device[0].volume_size"))
                .is_some()
        );
        // Beyond the EC2 family: a number, a set and a sensitive attribute elsewhere.
        let queue = schemas.resource("aws_sqs_queue").unwrap();
        assert!(matches!(
            queue.node(&path("visibility_timeout_seconds")),
            Some(Node::Attribute {
                ty: Type::Number,
                ..
            })
        ));
        let role = schemas.resource("aws_iam_role").unwrap();
        assert!(role.node(&path("managed_policy_arns")).unwrap().is_set());
        let key = schemas.resource("aws_iam_access_key").unwrap();
        assert!(key.node(&path("secret")).unwrap().is_sensitive());
        assert!(
            std::ptr::eq(queue, schemas.resource("aws_sqs_queue").unwrap()),
            "parsed once"
        );
        assert!(shipped_types().len() > 1_000);
        assert_eq!(&ProviderSchemas::shipped(), schemas);
        assert!(!schemas.is_empty() && ProviderSchemas::default().is_empty());
        assert!(
            ProviderSchemas::default()
                .resource("aws_sqs_queue")
                .is_none()
        );
    }

    #[test]
    fn a_users_schema_wins_over_the_shipped_one() {
        let mut schemas = shipped();
        schemas.merge(schema());
        schemas.merge(ProviderSchemas::from_slice(
            br#"{"provider_schemas":{"aws":{"resource_schemas":{"aws_sqs_queue":{"version":9,"block":{}}}}}}"#,
            "mine.json",
        )
        .unwrap());
        assert_eq!(schemas.resource("aws_sqs_queue").unwrap().version, 9);
        assert!(schemas.resource("aws_thing").is_some());
        assert!(schemas.resource("aws_iam_role").is_some(), "still shipped");
    }

    #[test]
    fn config_values_convert_by_the_schema() {
        let schemas = schema();
        let thing = schemas.resource("aws_thing").unwrap();
        let value = |json: &str| -> Value { serde_json::from_str(json).unwrap() };
        assert_eq!(
            thing.convert_config(
                &path("ingress"),
                &value(r#"[{"from_port":"22","cidr_blocks":["a"]}]"#)
            ),
            value(r#"[{"from_port":22,"cidr_blocks":["a"]}]"#)
        );
        assert_eq!(
            thing.convert_config(&path("metadata_options"), &value(r#"[{"http_tokens":1}]"#)),
            value(r#"[{"http_tokens":"1"}]"#)
        );
        assert_eq!(
            thing.convert_config(&path("nope"), &value(r#""1""#)),
            value(r#""1""#)
        );
    }

    #[test]
    fn sources_are_normalized() {
        assert_eq!(
            normalize_source("aws"),
            "registry.terraform.io/hashicorp/aws"
        );
        assert_eq!(
            normalize_source("hashicorp/aws"),
            "registry.terraform.io/hashicorp/aws"
        );
    }
}
