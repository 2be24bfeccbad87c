use plumb_model::{ParityKind, Severity, Value};

use super::{ParityChange, Rule, RuleDoc};

pub struct ParityVersionDiffers;

/// Attribute names that pin a version of what runs: engines, images, runtimes, templates.
const VERSION_LEAVES: &[&str] = &[
    "ami",
    "image_id",
    "engine",
    "engine_version",
    "version",
    "kubernetes_version",
    "platform_version",
    "runtime",
    "runtime_version",
    "family",
    "default_version",
    "latest_version",
];

/// Attributes that name an instance class whose family (`t3`, `db.r6g`) is its generation.
const CLASS_LEAVES: &[&str] = &["instance_type", "instance_class", "node_type"];

/// `db.r6g.large` → `db.r6g`; `t3.small` → `t3`.
fn family(class: &str) -> &str {
    class.rsplit_once('.').map_or(class, |(family, _)| family)
}

fn text(value: Option<&Value>) -> Option<&str> {
    value.and_then(Value::as_str)
}

impl Rule for ParityVersionDiffers {
    fn id(&self) -> &'static str {
        "parity-version-differs"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn title(&self) -> &'static str {
        "Environments run different versions (engine, image, runtime, instance generation)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "Between environments, a version-like attribute differs: `engine_version`, \
                   `engine`, `ami` or `image_id` (between environments in one region), \
                   `version`, `kubernetes_version`, `runtime`, `family`, launch template \
                   versions, or the family (generation) of an `instance_type` or \
                   `instance_class`.",
            why: "Code tested in one environment then runs on another version in the next: the \
                  classic 'works in dev, fails in staging' that costs a day of blaming the code.",
            fix: "Bring the environments to one version through the shared module's inputs; if \
                  the difference is a rollout in progress, say so in the policy with \
                  `parity { vary = [...] }` and a reason.",
        }
    }
    fn check_parity(&self, change: &ParityChange<'_>) -> Option<String> {
        if change.kind != ParityKind::Differs {
            return None;
        }
        let leaf = change.leaf();
        if VERSION_LEAVES.contains(&leaf) {
            return Some(format!("{leaf} differs: {}", change.listing()));
        }
        if CLASS_LEAVES.contains(&leaf) {
            let families: std::collections::BTreeSet<&str> = change
                .values
                .iter()
                .filter_map(|(_, v)| text(*v))
                .map(family)
                .collect();
            return (families.len() > 1).then(|| {
                format!(
                    "{leaf} is of another family or generation: {}",
                    change.listing()
                )
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, values: &[(&str, &str)]) -> Option<String> {
        let path: plumb_model::AttrPath = path.parse().unwrap();
        let values: Vec<(&str, Value)> =
            values.iter().map(|(e, v)| (*e, Value::from(*v))).collect();
        let refs: Vec<(&str, Option<&Value>)> = values.iter().map(|(e, v)| (*e, Some(v))).collect();
        ParityVersionDiffers.check_parity(&ParityChange {
            resource_type: "aws_db_instance",
            kind: ParityKind::Differs,
            path: Some(&path),
            values: &refs,
        })
    }

    #[test]
    fn versions_and_generations() {
        assert_eq!(
            check("engine_version", &[("dev", "5.7"), ("staging", "5.5")]).as_deref(),
            Some("engine_version differs: dev 5.7, staging 5.5")
        );
        assert!(check("launch_template[0].version", &[("a", "1"), ("b", "3")]).is_some());
        assert!(
            check(
                "instance_class",
                &[("a", "db.r5.large"), ("b", "db.r6g.large")]
            )
            .is_some()
        );
        // Sizes within one family are a functional difference, not a version.
        assert!(check("instance_type", &[("a", "t3.small"), ("b", "t3.large")]).is_none());
        assert!(check("volume_type", &[("a", "gp2"), ("b", "gp3")]).is_none());
    }
}
