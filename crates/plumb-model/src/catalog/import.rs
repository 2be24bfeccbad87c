//! How a type's objects are imported: the id an `import` block needs. Most types import by
//! their id; the types whose Terraform id is synthetic import by an id made of their
//! identifying attributes, as the provider's docs ("Import" section of each resource page) and
//! import functions say.

use crate::Value;

/// A type's import id format, in its catalog entry.
#[derive(Clone, Copy, Debug)]
pub enum Import {
    /// The object's id.
    ById,
    /// Always the same id (one object per region: `default`).
    Fixed(&'static str),
    /// Built from the live attributes; `format` tells the user what to fill in when they are
    /// not all known.
    Built {
        format: &'static str,
        build: fn(&Value) -> Option<String>,
    },
    /// The provider has no importer for the type.
    NotImportable,
}

/// The id an `import` block needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportId {
    /// The id, ready to write.
    Known(String),
    /// The id cannot be built from what is known: the user fills it in, in `format`.
    Missing { format: &'static str },
    /// The provider cannot import this type.
    NotImportable,
}

/// The import id of a live object of `resource_type`, from its id and live attributes.
pub fn import_id(resource_type: &str, id: Option<&str>, live: Option<&Value>) -> ImportId {
    let import = super::info(resource_type).map_or(Import::ById, |info| info.import);
    match import {
        Import::ById => match id {
            Some(id) if !id.is_empty() => ImportId::Known(id.to_owned()),
            _ => ImportId::Missing {
                format: "the resource's id",
            },
        },
        Import::Fixed(id) => ImportId::Known(id.to_owned()),
        Import::Built { format, build } => live
            .and_then(build)
            .map_or(ImportId::Missing { format }, ImportId::Known),
        Import::NotImportable => ImportId::NotImportable,
    }
}
