//! What an adapter saw live.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{GLOBAL_REGION, TypeScope};
use crate::path::AttrPath;
use crate::value::Value;

/// One live object, with attributes in Terraform's names and shapes so that they compare with
/// state directly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Provider source address (`registry.terraform.io/hashicorp/aws`).
    pub provider: String,
    /// [`GLOBAL_REGION`] for a global type's object (readers accept it absent).
    #[serde(default)]
    pub region: String,
    pub r#type: String,
    pub id: String,
    pub attributes: Value,
    /// Attributes that were not read (null means read and empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<AttrPath>,
    /// Facts about the object that are not Terraform attributes, which decide whether an
    /// unmatched object is really unmanaged (see [`meta`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

/// One (region, type) pair an adapter read completely: within it, absence means absent live.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Scope {
    /// [`GLOBAL_REGION`] for a global type (readers accept it absent).
    #[serde(default)]
    pub region: String,
    pub r#type: String,
}

impl Scope {
    /// The pair as matching sees it: a global type's region is [`GLOBAL_REGION`], whatever
    /// region it was read through.
    pub fn new(region: impl Into<String>, r#type: impl Into<String>) -> Self {
        let r#type = r#type.into();
        let region = match crate::catalog::scope_of(&r#type) {
            TypeScope::Global => GLOBAL_REGION.to_owned(),
            _ => region.into(),
        };
        Scope { region, r#type }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} in {}", self.r#type, self.region)
    }
}

/// Keys of [`Observation::meta`].
pub mod meta {
    /// `"true"` for objects AWS creates by itself: the default VPC and its subnets, default
    /// security groups, main route tables, default network ACLs, default DHCP options.
    pub const DEFAULT: &str = "default";
    /// The object that owns this one and goes with it, as `TYPE:ID`: an instance's root volume
    /// and primary network interface (`aws_instance:i-0abc`).
    pub const OWNER: &str = "owner";
    /// A system other than Terraform that manages the object (`autoscaling`, `eks`,
    /// `cloudformation`, `requester:elasticloadbalancing`, ...).
    pub const MANAGED_BY: &str = "managed_by";
}
