//! Which live objects belong to another manager than Terraform: an object an Auto Scaling
//! group, an `AWS::CloudFormation` stack or a Kubernetes cluster made is theirs, not "unmanaged".
//! Adapters say so in an observation's `meta` when the API tells; tags tell the rest.

/// Tags (keys) that say another system manages an object, each with that system's name.
pub const MANAGER_TAGS: &[(&str, &str)] = &[
    ("aws:autoscaling:groupName", "autoscaling"),
    ("aws:cloudformation:stack-name", "cloudformation"),
    ("eks:cluster-name", "eks"),
    ("karpenter.sh/nodepool", "karpenter"),
    ("karpenter.sh/provisioner-name", "karpenter"),
    ("aws:backup:source-resource", "backup"),
    ("aws:dlm:lifecycle-policy-id", "dlm"),
    ("aws:ec2launchtemplate:id", "launch-template"),
];

/// Tag key prefixes that say the same (`kubernetes.io/cluster/NAME`).
pub const MANAGER_TAG_PREFIXES: &[(&str, &str)] = &[("kubernetes.io/cluster/", "kubernetes")];

/// The system a tag key says manages its object, if it says so.
pub fn manager_of_tag(key: &str) -> Option<&'static str> {
    MANAGER_TAGS
        .iter()
        .find(|(tag, _)| key == *tag)
        .or_else(|| {
            MANAGER_TAG_PREFIXES
                .iter()
                .find(|(prefix, _)| key.starts_with(prefix))
        })
        .map(|(_, manager)| *manager)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_of_other_managers() {
        assert_eq!(
            manager_of_tag("aws:autoscaling:groupName"),
            Some("autoscaling")
        );
        assert_eq!(
            manager_of_tag("kubernetes.io/cluster/prod"),
            Some("kubernetes")
        );
        assert_eq!(manager_of_tag("Name"), None);
        assert_eq!(manager_of_tag("aws:autoscaling"), None);
    }
}
