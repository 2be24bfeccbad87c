//! Module paths and provider references as states spell them, old and new.

use plumb_model::state::DEFAULT_REGISTRY;
use plumb_model::{Address, ModuleStep, ProviderRef};

/// Reads a module instance path (`module.a["k"].module.b[0]`) with the same parser as resource
/// addresses, so both agree on keys and escapes.
pub(crate) fn parse_module_path(text: &str) -> Result<Vec<ModuleStep>, String> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    format!("{text}.plumb_placeholder.x")
        .parse::<Address>()
        .map(|a| a.module)
        .map_err(|_| format!("invalid module address `{text}`"))
}

/// The length of the leading `module.NAME[KEY].` steps of `text`, quotes inside keys included.
fn module_prefix_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut pos = 0;
    while text[pos..].starts_with("module.") {
        let mut i = pos + "module.".len();
        while i < bytes.len()
            && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'-'))
        {
            i += 1;
        }
        if bytes.get(i) == Some(&b'[') {
            let mut in_string = false;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' if in_string => i += 1,
                    b'"' => in_string = !in_string,
                    b']' if !in_string => break,
                    _ => {}
                }
                i += 1;
            }
            i += 1;
        }
        if bytes.get(i) != Some(&b'.') {
            return pos;
        }
        pos = i + 1;
    }
    pos
}

/// The provider a legacy name (`aws`) means.
fn legacy_source(name: &str) -> String {
    format!("{DEFAULT_REGISTRY}/hashicorp/{name}")
}

/// Normalizes a source address: `hashicorp/aws` and `aws` gain the registry, and the `-`
/// namespace that Terraform 0.13's upgrade wrote for legacy providers means `hashicorp`.
pub(crate) fn normalize_source(source: &str) -> String {
    let full = plumb_schema::normalize_source(source);
    let legacy = format!("{DEFAULT_REGISTRY}/-/");
    match full.strip_prefix(&legacy) {
        Some(name) => legacy_source(name),
        None => full,
    }
}

/// Reads a provider configuration reference as any v4 state writes it:
/// `provider["registry.terraform.io/hashicorp/aws"]`, `...].west`,
/// `module.x.provider["..."]`, and the 0.12 forms `provider.aws`, `provider.aws.west`,
/// `module.x.provider.aws.west` (which mean `registry.terraform.io/hashicorp/aws`).
pub(crate) fn parse_provider(text: &str) -> Result<ProviderRef, String> {
    let fail = || format!("invalid provider reference `{text}`");
    let prefix_len = module_prefix_len(text);
    let module = if prefix_len == 0 {
        Vec::new()
    } else {
        parse_module_path(&text[..prefix_len - 1]).map_err(|_| fail())?
    };
    let rest = &text[prefix_len..];
    let (source, alias) = if let Some(quoted) = rest.strip_prefix("provider[\"") {
        let close = quoted.find("\"]").ok_or_else(fail)?;
        let source = &quoted[..close];
        let after = &quoted[close + 2..];
        let alias = match after.strip_prefix('.') {
            Some(alias) if !alias.is_empty() => Some(alias.to_owned()),
            None if after.is_empty() => None,
            _ => return Err(fail()),
        };
        if source.is_empty() {
            return Err(fail());
        }
        (normalize_source(source), alias)
    } else if let Some(legacy) = rest.strip_prefix("provider.") {
        let mut parts = legacy.splitn(2, '.');
        let name = parts.next().filter(|n| !n.is_empty()).ok_or_else(fail)?;
        let alias = parts.next().map(str::to_owned);
        if alias.as_deref() == Some("") {
            return Err(fail());
        }
        (legacy_source(name), alias)
    } else {
        return Err(fail());
    };
    Ok(ProviderRef {
        source,
        alias,
        module,
    })
}

/// The provider a resource type belongs to when the document does not say (`aws_instance` →
/// `registry.terraform.io/hashicorp/aws`), as Terraform itself assumes for unqualified types.
pub(crate) fn implied_provider(resource_type: &str) -> ProviderRef {
    let name = resource_type.split('_').next().unwrap_or(resource_type);
    ProviderRef::hashicorp(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plumb_model::InstanceKey;

    #[test]
    fn providers_new_and_legacy() {
        let p = parse_provider(r#"provider["registry.terraform.io/hashicorp/aws"]"#).unwrap();
        assert_eq!(p, ProviderRef::hashicorp("aws"));
        let p = parse_provider(r#"provider["registry.terraform.io/hashicorp/aws"].west"#).unwrap();
        assert_eq!(p.alias.as_deref(), Some("west"));
        let p = parse_provider(
            r#"module.a["k.x"].module.b.provider["registry.terraform.io/hashicorp/aws"]"#,
        )
        .unwrap();
        assert_eq!(p.module.len(), 2);
        assert_eq!(p.module[0].key, Some(InstanceKey::Str("k.x".into())));
        assert_eq!(
            p.to_string(),
            r#"module.a["k.x"].module.b.provider["registry.terraform.io/hashicorp/aws"]"#
        );
        let p = parse_provider("provider.aws").unwrap();
        assert_eq!(p, ProviderRef::hashicorp("aws"));
        let p = parse_provider("provider.aws.west").unwrap();
        assert_eq!(p.source, "registry.terraform.io/hashicorp/aws");
        assert_eq!(p.alias.as_deref(), Some("west"));
        let p = parse_provider("module.x.provider.aws.west").unwrap();
        assert_eq!(p.module[0].name, "x");
        assert_eq!(p.alias.as_deref(), Some("west"));
        let p = parse_provider(r#"provider["registry.terraform.io/-/aws"]"#).unwrap();
        assert_eq!(p.source, "registry.terraform.io/hashicorp/aws");
        let p = parse_provider(r#"provider["example.com/acme/thing"]"#).unwrap();
        assert_eq!(p.source, "example.com/acme/thing");
        for bad in [
            "",
            "aws",
            "provider.",
            "provider[\"x",
            "provider[\"\"]",
            "provider.aws.",
            "module.provider.aws",
        ] {
            assert!(parse_provider(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn module_paths() {
        let m = parse_module_path(r#"module.a.module.b["k"]"#).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].key, Some(InstanceKey::Str("k".into())));
        assert!(parse_module_path("module").is_err());
        assert!(parse_module_path("").unwrap().is_empty());
    }
}
