use plumb_model::{Kind, Severity, Value};

use super::{AttributeChange, ResourceEvent, Rule, RuleDoc, added_elements, is_open_world};

pub struct RouteToInternetAdded;

fn route_to_internet(route: &Value) -> bool {
    let via_igw = route
        .get("gateway_id")
        .and_then(Value::as_str)
        .is_some_and(|g| g.starts_with("igw-"));
    let default_route = [
        "cidr_block",
        "destination_cidr_block",
        "ipv6_cidr_block",
        "destination_ipv6_cidr_block",
    ]
    .iter()
    .any(|k| is_open_world(route.get(k)));
    via_igw || default_route
}

impl Rule for RouteToInternetAdded {
    fn id(&self) -> &'static str {
        "aws-route-to-internet-added"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn title(&self) -> &'static str {
        "A route to an internet gateway or a default route (0.0.0.0/0) was added"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "A route through an internet gateway, or for `0.0.0.0/0` / `::/0`, appeared on a \
                   route table (inline routes or an unmanaged `aws_route`).",
            why: "It can turn a private subnet into a public one, or send traffic around the NAT, \
                  firewall or inspection appliance it was meant to go through.",
            fix: "Revert with `terraform apply`, or declare the route in the code if it is meant \
                  to be there.",
        }
    }
    fn check_attribute(&self, change: &AttributeChange<'_>) -> Option<String> {
        match (change.resource_type, change.attribute()) {
            ("aws_route_table" | "aws_default_route_table", "route") => added_elements(change)
                .into_iter()
                .any(route_to_internet)
                .then(|| "a route to the internet was added".to_owned()),
            ("aws_route", "gateway_id")
                if change.live_str().is_some_and(|g| g.starts_with("igw-"))
                    && !change.state_str().is_some_and(|g| g.starts_with("igw-")) =>
            {
                Some("the route now goes through an internet gateway".to_owned())
            }
            _ => None,
        }
    }
    fn check_resource(&self, event: &ResourceEvent<'_>) -> Option<String> {
        (event.kind == Kind::Unmanaged
            && event.resource_type == "aws_route"
            && route_to_internet(event.attributes))
        .then(|| "an unmanaged route sends traffic to the internet".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::change;

    #[test]
    fn inline_default_route() {
        let case = change("aws_route_table", "route", "[]", "[]")
            .added(r#"[{"cidr_block":"0.0.0.0/0","gateway_id":"igw-1"}]"#);
        assert!(case.check(&RouteToInternetAdded).is_some());
        let peering = change("aws_route_table", "route", "[]", "[]")
            .added(r#"[{"cidr_block":"10.1.0.0/16","vpc_peering_connection_id":"pcx-1"}]"#);
        assert!(peering.check(&RouteToInternetAdded).is_none());
    }
}
