//! What an adapter saw live.

use serde::{Deserialize, Serialize};

use crate::path::AttrPath;
use crate::value::Value;

/// One live object, with attributes in Terraform's names and shapes so that they compare with
/// state directly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Provider source address (`registry.terraform.io/hashicorp/aws`).
    pub provider: String,
    pub region: String,
    pub r#type: String,
    pub id: String,
    pub attributes: Value,
    /// Attributes that were not read (null means read and empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<AttrPath>,
}
