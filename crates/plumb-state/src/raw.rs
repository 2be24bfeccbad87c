//! The document's top level, read in one pass whatever the format: each format's top-level keys
//! are distinct (`resources` for v4, `modules` for v3, `values` / `prior_state` /
//! `resource_changes` for `terraform show -json`), so one struct holds any of them and the bytes
//! are parsed once.

use std::collections::BTreeMap;

use plumb_model::{Address, InstanceKey, Mode, ModuleStep, ProviderRef, Value};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

use crate::{show, v3, v4};

#[derive(Deserialize)]
pub(crate) struct RawTop<'a> {
    #[serde(default)]
    pub version: Option<Value>,
    #[serde(default)]
    pub terraform_version: Option<String>,
    #[serde(default)]
    pub serial: Option<u64>,
    #[serde(default)]
    pub lineage: Option<String>,
    // tfstate v4
    #[serde(default)]
    pub outputs: Option<BTreeMap<String, RawOutput>>,
    #[serde(default, borrow)]
    pub resources: Option<Vec<v4::RawResource<'a>>>,
    #[serde(default)]
    pub check_results: Option<Value>,
    // tfstate v3
    #[serde(default)]
    pub modules: Option<Vec<v3::RawModule>>,
    // terraform show -json
    #[serde(default)]
    pub format_version: Option<String>,
    #[serde(default)]
    pub values: Option<show::RawValues>,
    #[serde(default)]
    pub planned_values: Option<IgnoredAny>,
    #[serde(default)]
    pub prior_state: Option<show::RawShowState>,
    #[serde(default)]
    pub resource_changes: Option<Vec<show::RawChange>>,
    #[serde(default)]
    pub resource_drift: Option<Vec<show::RawChange>>,
    #[serde(default)]
    pub configuration: Option<Value>,
}

/// Only the keys that say what a document is; read when the full read failed, to say why.
#[derive(Deserialize)]
pub(crate) struct RawSniff {
    #[serde(default)]
    pub version: Option<Value>,
    #[serde(default)]
    pub terraform_version: Option<Value>,
}

/// A root output, as v4 and `show -json` write it (`type` is not needed: the value says it).
#[derive(Deserialize)]
pub(crate) struct RawOutput {
    #[serde(default)]
    pub value: Value,
    #[serde(default)]
    pub sensitive: bool,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RawMode {
    Managed,
    Data,
}

impl From<RawMode> for Mode {
    fn from(mode: RawMode) -> Self {
        match mode {
            RawMode::Managed => Mode::Managed,
            RawMode::Data => Mode::Data,
        }
    }
}

/// `module.a["k"].module.b`, checked while reading so that a bad one has a position.
#[derive(Default)]
pub(crate) struct RawModulePath(pub Vec<ModuleStep>);

impl<'de> Deserialize<'de> for RawModulePath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        crate::names::parse_module_path(&text)
            .map(RawModulePath)
            .map_err(serde::de::Error::custom)
    }
}

/// A provider configuration reference, new or legacy form.
pub(crate) struct RawProvider(pub ProviderRef);

impl<'de> Deserialize<'de> for RawProvider {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        crate::names::parse_provider(&text)
            .map(RawProvider)
            .map_err(serde::de::Error::custom)
    }
}

/// A resource instance address (`module.x.aws_instance.web[0]`).
pub(crate) struct RawAddress(pub Address);

impl<'de> Deserialize<'de> for RawAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse::<Address>()
            .map(RawAddress)
            .map_err(serde::de::Error::custom)
    }
}

/// An instance key: a whole number (`count`) or a string (`for_each`).
pub(crate) struct RawKey(pub InstanceKey);

impl<'de> Deserialize<'de> for RawKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(RawKey(InstanceKey::Str(s))),
            Value::Number(n) => n
                .as_i64()
                .map(|i| RawKey(InstanceKey::Int(i)))
                .ok_or_else(|| {
                    serde::de::Error::custom(format!("instance key {n} is not a whole number"))
                }),
            other => Err(serde::de::Error::custom(format!(
                "an instance key must be a whole number or a string, found {}",
                other.kind_name()
            ))),
        }
    }
}

/// The top-level keys of an object, in document order; for saying what a non-state looks like.
pub(crate) struct TopKeys(pub Vec<String>);

impl<'de> Deserialize<'de> for TopKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> serde::de::Visitor<'de> for KeysVisitor {
            type Value = TopKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TopKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(key);
                }
                Ok(TopKeys(keys))
            }
        }
        d.deserialize_map(KeysVisitor)
    }
}
