use plumb_model::{Kind, Severity};

use super::{ResourceEvent, Rule, RuleDoc};

pub struct UnmanagedResource;

impl Rule for UnmanagedResource {
    fn id(&self) -> &'static str {
        "aws-unmanaged-resource"
    }
    fn severity(&self) -> Severity {
        Severity::Medium
    }
    fn title(&self) -> &'static str {
        "A resource exists in the cloud that no Terraform state manages"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "A live object of a scanned type and region that no state manages. AWS-created \
                   defaults, objects owned by a managed resource (an instance's root volume, or \
                   what a managed resource holds through its own argument: a rule in a group's \
                   inline `ingress`, a route in a table's inline `route`, an EIP's association \
                   made through `aws_eip`'s `instance`) and objects another system manages (Auto \
                   Scaling, EKS, CloudFormation, AWS Backup) are not counted.",
            why: "Click-ops resources escape review, cost money nobody tracks and are the usual \
                  place for an open port or an unencrypted volume.",
            fix: "Import it (`import { to = ADDRESS  id = \"...\" }` with a matching `resource` \
                  block), or delete it if nobody needs it.",
        }
    }
    fn check_resource(&self, event: &ResourceEvent<'_>) -> Option<String> {
        (event.kind == Kind::Unmanaged).then(|| "exists live but no state manages it".to_owned())
    }
}
