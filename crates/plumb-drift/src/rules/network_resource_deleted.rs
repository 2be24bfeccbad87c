use plumb_model::{Kind, Severity};

use super::{ResourceEvent, Rule, RuleDoc};

pub struct NetworkResourceDeleted;

/// Types whose deletion cuts off or exposes everything behind them.
const NETWORK_TYPES: &[&str] = &[
    "aws_security_group",
    "aws_vpc",
    "aws_subnet",
    "aws_nat_gateway",
    "aws_internet_gateway",
    "aws_egress_only_internet_gateway",
];

impl Rule for NetworkResourceDeleted {
    fn id(&self) -> &'static str {
        "aws-network-resource-deleted"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn title(&self) -> &'static str {
        "A security group, VPC, subnet or gateway in state no longer exists"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "A security group, VPC, subnet, NAT gateway or internet gateway that Terraform \
                   manages was deleted outside Terraform.",
            why: "Network plumbing carries everything else: a deleted gateway cuts a subnet off, a \
                  deleted security group leaves its instances on whatever group they fell back to, \
                  and the next apply recreates it with new ids that other systems do not know.",
            fix: "Recreate it with `terraform apply` (and check what else broke), or, when the \
                  deletion was intended, remove it from the code and the state with a `removed` \
                  block.",
        }
    }
    fn check_resource(&self, event: &ResourceEvent<'_>) -> Option<String> {
        (event.kind == Kind::Missing && NETWORK_TYPES.contains(&event.resource_type)).then(|| {
            format!(
                "the {} was deleted outside Terraform",
                event
                    .resource_type
                    .trim_start_matches("aws_")
                    .replace('_', " ")
            )
        })
    }
}
