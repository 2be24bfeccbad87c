use plumb_model::{Kind, Severity};

use super::{AttributeChange, Rule, RuleDoc};

pub struct EbsEncryptionDisabled;

impl Rule for EbsEncryptionDisabled {
    fn id(&self) -> &'static str {
        "aws-ebs-encryption-disabled"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn title(&self) -> &'static str {
        "EBS encryption was turned off (a volume, or the account's encryption by default)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "`aws_ebs_encryption_by_default.enabled` went from true to false, or a volume that \
                   Terraform recorded as encrypted is live unencrypted (it was replaced by hand).",
            why: "Unencrypted volumes and snapshots break data-at-rest requirements, and with \
                  encryption by default off every new volume in the region is created in clear.",
            fix: "Turn encryption by default back on (`terraform apply`, or `aws ec2 \
                  enable-ebs-encryption-by-default`); replace unencrypted volumes from an \
                  encrypted snapshot copy.",
        }
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        if change.kind != Kind::Changed {
            return None;
        }
        let relevant = matches!(
            (change.resource_type, change.leaf()),
            ("aws_ebs_encryption_by_default", "enabled")
                | (
                    "aws_ebs_volume" | "aws_instance" | "aws_launch_template",
                    "encrypted"
                )
        );
        (relevant && change.state_bool() == Some(true) && change.live_bool() != Some(true))
            .then(|| format!("{} went from true to false", change.leaf()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::change;

    #[test]
    fn encryption_off() {
        assert!(
            change("aws_ebs_encryption_by_default", "enabled", "true", "false")
                .check(&EbsEncryptionDisabled)
                .is_some()
        );
        assert!(
            change("aws_ebs_volume", "encrypted", "true", "false")
                .check(&EbsEncryptionDisabled)
                .is_some()
        );
        assert!(
            change("aws_ebs_volume", "encrypted", "false", "true")
                .check(&EbsEncryptionDisabled)
                .is_none()
        );
    }
}
