use plumb_model::{ParityKind, Severity, Value};

use super::{ParityChange, Rule, RuleDoc};

pub struct ParitySecurityDiffers;

/// True for the security flags of any type, beyond the EC2 ones the drift rules know: storage
/// encryption, public reachability, protection from deletion.
fn is_security_flag(leaf: &str) -> bool {
    leaf.contains("encrypt")
        || matches!(
            leaf,
            "publicly_accessible" | "deletion_protection" | "iam_database_authentication_enabled"
        )
}

impl Rule for ParitySecurityDiffers {
    fn id(&self) -> &'static str {
        "parity-security-differs"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn title(&self) -> &'static str {
        "A security setting (encryption, public access, deletion protection) differs between environments"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "A boolean security flag differs between environments on a type the drift \
                   rules do not cover: an attribute about encryption (`storage_encrypted`, \
                   `encrypted`), `publicly_accessible`, `deletion_protection`, \
                   `iam_database_authentication_enabled`. EC2's own security settings (open \
                   ingress, IMDSv2, EBS encryption, public IPs) are judged by the drift rules, \
                   with their severities.",
            why: "An environment that is less protected than the others is where a test passes \
                  that production would fail, or where data sits in clear; the difference is \
                  rarely chosen.",
            fix: "Set the flag in the shared module for every environment; where one really \
                  differs, say why in `parity { vary = [...] }`.",
        }
    }
    fn check_parity(&self, change: &ParityChange<'_>) -> Option<String> {
        if change.kind != ParityKind::Differs || !is_security_flag(change.leaf()) {
            return None;
        }
        let flags: Vec<(&str, bool)> = change
            .values
            .iter()
            .filter_map(|(env, v)| Some((*env, v.map(Value::unmarked)?.as_bool()?)))
            .collect();
        let off: Vec<&str> = flags
            .iter()
            .filter(|(_, on)| !on)
            .map(|(e, _)| *e)
            .collect();
        let on: Vec<&str> = flags
            .iter()
            .filter(|(_, on)| *on)
            .map(|(e, _)| *e)
            .collect();
        (!off.is_empty() && !on.is_empty()).then(|| {
            format!(
                "{} is off in {} and on in {}",
                change.leaf(),
                off.join(", "),
                on.join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_that_differ() {
        let path: plumb_model::AttrPath = "storage_encrypted".parse().unwrap();
        let (yes, no) = (Value::Bool(true), Value::Bool(false));
        let values = [("dev", Some(&no)), ("prod", Some(&yes))];
        let change = ParityChange {
            resource_type: "aws_db_instance",
            kind: ParityKind::Differs,
            path: Some(&path),
            values: &values,
        };
        assert_eq!(
            ParitySecurityDiffers.check_parity(&change).as_deref(),
            Some("storage_encrypted is off in dev and on in prod")
        );
        let same = [("dev", Some(&yes)), ("prod", Some(&yes))];
        let change = ParityChange {
            values: &same,
            ..change
        };
        assert!(ParitySecurityDiffers.check_parity(&change).is_none());
    }
}
