//! The one list of API operations the adapter may call, and the IAM policy they need.
//!
//! Readers name their operation from here when they call it (for the `stats` counts), and a
//! test reads the crate's source to check that every SDK call is one of these: so the list is
//! both the read-only guarantee and the least-privilege policy.

use std::fmt::Write as _;

/// One EC2 (or STS) API operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The API's name (`DescribeInstances`), as the report's `stats` count it.
    pub name: &'static str,
    /// The IAM service prefix (`ec2`).
    pub service: &'static str,
}

impl Operation {
    const fn ec2(name: &'static str) -> Self {
        Operation {
            name,
            service: "ec2",
        }
    }

    /// The IAM action (`ec2:DescribeInstances`).
    pub fn action(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }
}

macro_rules! operations {
    ($($constant:ident = $name:literal,)*) => {
        $(pub(crate) const $constant: Operation = Operation::ec2($name);)*
        /// Every operation the adapter calls, in IAM policy order.
        pub const OPERATIONS: &[Operation] = &[$($constant,)* GET_CALLER_IDENTITY];
    };
}

operations! {
    DESCRIBE_ADDRESSES = "DescribeAddresses",
    DESCRIBE_ADDRESSES_ATTRIBUTE = "DescribeAddressesAttribute",
    DESCRIBE_DHCP_OPTIONS = "DescribeDhcpOptions",
    DESCRIBE_EGRESS_ONLY_INTERNET_GATEWAYS = "DescribeEgressOnlyInternetGateways",
    DESCRIBE_FLOW_LOGS = "DescribeFlowLogs",
    DESCRIBE_IMAGES = "DescribeImages",
    DESCRIBE_INSTANCE_ATTRIBUTE = "DescribeInstanceAttribute",
    DESCRIBE_INSTANCES = "DescribeInstances",
    DESCRIBE_INTERNET_GATEWAYS = "DescribeInternetGateways",
    DESCRIBE_KEY_PAIRS = "DescribeKeyPairs",
    DESCRIBE_LAUNCH_TEMPLATE_VERSIONS = "DescribeLaunchTemplateVersions",
    DESCRIBE_LAUNCH_TEMPLATES = "DescribeLaunchTemplates",
    DESCRIBE_NAT_GATEWAYS = "DescribeNatGateways",
    DESCRIBE_NETWORK_ACLS = "DescribeNetworkAcls",
    DESCRIBE_NETWORK_INTERFACES = "DescribeNetworkInterfaces",
    DESCRIBE_PLACEMENT_GROUPS = "DescribePlacementGroups",
    DESCRIBE_ROUTE_TABLES = "DescribeRouteTables",
    DESCRIBE_SECURITY_GROUP_RULES = "DescribeSecurityGroupRules",
    DESCRIBE_SECURITY_GROUPS = "DescribeSecurityGroups",
    DESCRIBE_SNAPSHOTS = "DescribeSnapshots",
    DESCRIBE_SUBNETS = "DescribeSubnets",
    DESCRIBE_VOLUMES = "DescribeVolumes",
    DESCRIBE_VPC_ATTRIBUTE = "DescribeVpcAttribute",
    DESCRIBE_VPC_ENDPOINTS = "DescribeVpcEndpoints",
    DESCRIBE_VPC_PEERING_CONNECTIONS = "DescribeVpcPeeringConnections",
    DESCRIBE_VPCS = "DescribeVpcs",
    GET_EBS_ENCRYPTION_BY_DEFAULT = "GetEbsEncryptionByDefault",
}

/// The account check: it needs no permission, but is listed so the policy says all.
pub(crate) const GET_CALLER_IDENTITY: Operation = Operation {
    name: "GetCallerIdentity",
    service: "sts",
};

/// The least-privilege IAM policy for the adapter, as JSON: read-only, every action named.
pub fn iam_policy() -> String {
    let mut out = String::from(
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"PlumbReadOnly\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\n",
    );
    let mut actions: Vec<String> = OPERATIONS.iter().map(Operation::action).collect();
    actions.sort();
    actions.dedup();
    for (i, action) in actions.iter().enumerate() {
        let comma = if i + 1 < actions.len() { "," } else { "" };
        let _ = writeln!(out, "        \"{action}\"{comma}");
    }
    out.push_str("      ],\n      \"Resource\": \"*\"\n    }\n  ]\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `DescribeInstances` -> `describe_instances`: the SDK's method name for an operation.
    fn method(name: &str) -> String {
        let mut out = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn every_operation_only_reads() {
        for op in OPERATIONS {
            assert!(
                ["Describe", "Get", "List"]
                    .iter()
                    .any(|p| op.name.starts_with(p)),
                "{} is not a read",
                op.name
            );
        }
    }

    /// The read-only guarantee: every SDK client call in this crate's source is a listed
    /// operation. Readers call the client through `.ec2.` or `sts.` receivers only, so a call
    /// of any other operation (a `Modify*`, a `Delete*`) fails here.
    #[test]
    fn the_source_calls_only_listed_operations() {
        let allowed: Vec<String> = OPERATIONS.iter().map(|op| method(op.name)).collect();
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut files = vec![std::path::PathBuf::from(src)];
        let mut seen = 0;
        while let Some(path) = files.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).unwrap() {
                    files.push(entry.unwrap().path());
                }
                continue;
            }
            // Without white space, a call split over lines (`reader\n.ec2\n.describe_x()`)
            // reads as one.
            let text: String = std::fs::read_to_string(&path)
                .unwrap()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            for receiver in [".ec2.", "sts."] {
                for (at, _) in text.match_indices(receiver) {
                    // `prefix_lists.extend(` is not an STS call: the receiver starts a name.
                    let before = text[..at].chars().next_back();
                    if receiver == "sts."
                        && before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        continue;
                    }
                    let rest = &text[at + receiver.len()..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !rest[name.len()..].starts_with('(') {
                        continue;
                    }
                    seen += 1;
                    assert!(
                        allowed.contains(&name),
                        "{}: calls `{name}`, which is not in OPERATIONS",
                        path.display()
                    );
                }
            }
        }
        assert!(
            seen > 10,
            "the scan found only {seen} calls: is the receiver naming kept?"
        );
    }

    /// Least privilege: an operation listed but never called would be a permission asked for
    /// nothing.
    #[test]
    fn every_listed_operation_is_called() {
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut text = String::new();
        let mut files = vec![std::path::PathBuf::from(src)];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).unwrap() {
                    files.push(entry.unwrap().path());
                }
            } else if path.file_name().is_some_and(|n| n != "ops.rs") {
                text.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for op in OPERATIONS {
            assert!(
                text.contains(&format!(".{}(", method(op.name))),
                "{} is listed but never called",
                op.name
            );
        }
    }

    #[test]
    fn the_policy_is_json_and_names_every_operation() {
        let policy: serde_json::Value = serde_json::from_str(&iam_policy()).unwrap();
        let actions = policy["Statement"][0]["Action"].as_array().unwrap();
        assert_eq!(actions.len(), OPERATIONS.len());
        assert!(actions.iter().all(|a| {
            let a = a.as_str().unwrap();
            a.starts_with("ec2:Describe")
                || a.starts_with("ec2:Get")
                || a == "sts:GetCallerIdentity"
        }));
    }
}
