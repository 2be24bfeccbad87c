//! Rules and routes that separate resources manage on a group or table that also has inline
//! ones: they are not drift of the group's inline rules (the two fighting is a known source of
//! perpetual diffs), so they are taken out of both sides before the group is compared.

use std::collections::{HashMap, HashSet};

use plumb_model::{StateDoc, Value};

use crate::normalize::{canonical_cidr, protocol_number};

/// One permission as AWS stores it: protocol, ports and a single peer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Permission {
    egress: bool,
    protocol: String,
    from_port: String,
    to_port: String,
    peer: String,
}

fn text(value: Option<&Value>) -> String {
    match value.map(Value::unmarked) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn protocol(value: Option<&Value>) -> String {
    let raw = text(value);
    protocol_number(&raw).map_or(raw, str::to_owned)
}

fn peer_cidr(s: &str) -> String {
    canonical_cidr(s).unwrap_or_else(|| s.to_owned())
}

/// The single-peer permissions of an inline rule object (`ingress`/`egress` element).
fn inline_peers(rule: &Value) -> Vec<String> {
    let mut peers = Vec::new();
    for key in [
        "cidr_blocks",
        "ipv6_cidr_blocks",
        "prefix_list_ids",
        "security_groups",
    ] {
        if let Some(items) = rule.get(key).and_then(Value::as_list) {
            peers.extend(items.iter().filter_map(Value::as_str).map(peer_cidr));
        }
    }
    if rule.get("self").and_then(Value::as_bool) == Some(true) {
        peers.push("self".to_owned());
    }
    peers
}

/// What separate resources manage, across every state of the scan.
#[derive(Debug, Default)]
pub struct SeparatelyManaged {
    /// Security group id → permissions managed by rule resources.
    permissions: HashMap<String, HashSet<Permission>>,
    /// Route table id → destinations managed by `aws_route`.
    routes: HashMap<String, HashSet<String>>,
    /// Instances with volumes attached by `aws_volume_attachment`: the volumes' own resources
    /// own their tags, which the instance's `volume_tags` reflect.
    attached: HashSet<String>,
}

impl SeparatelyManaged {
    pub fn from_states<'a>(states: impl IntoIterator<Item = &'a StateDoc>) -> Self {
        let mut out = SeparatelyManaged::default();
        for resource in states.into_iter().flat_map(StateDoc::managed) {
            let a = &resource.attributes;
            match resource.address.r#type.as_str() {
                "aws_security_group_rule" => {
                    let group = text(a.get("security_group_id"));
                    let egress = a.get("type").and_then(Value::as_str) == Some("egress");
                    let mut peers = inline_peers(a);
                    let source = text(a.get("source_security_group_id"));
                    if !source.is_empty() {
                        peers.push(source);
                    }
                    for peer in peers {
                        out.permissions
                            .entry(group.clone())
                            .or_default()
                            .insert(Permission {
                                egress,
                                protocol: protocol(a.get("protocol")),
                                from_port: text(a.get("from_port")),
                                to_port: text(a.get("to_port")),
                                peer,
                            });
                    }
                }
                t @ ("aws_vpc_security_group_ingress_rule"
                | "aws_vpc_security_group_egress_rule") => {
                    let peer = [
                        "cidr_ipv4",
                        "cidr_ipv6",
                        "prefix_list_id",
                        "referenced_security_group_id",
                    ]
                    .iter()
                    .map(|k| text(a.get(k)))
                    .find(|v| !v.is_empty())
                    .map(|v| peer_cidr(&v))
                    .unwrap_or_default();
                    let all_ports = protocol(a.get("ip_protocol")) == "-1";
                    out.permissions
                        .entry(text(a.get("security_group_id")))
                        .or_default()
                        .insert(Permission {
                            egress: t.ends_with("egress_rule"),
                            protocol: protocol(a.get("ip_protocol")),
                            from_port: if all_ports {
                                "0".to_owned()
                            } else {
                                text(a.get("from_port"))
                            },
                            to_port: if all_ports {
                                "0".to_owned()
                            } else {
                                text(a.get("to_port"))
                            },
                            peer,
                        });
                }
                "aws_volume_attachment" => {
                    out.attached.insert(text(a.get("instance_id")));
                }
                "aws_route" => {
                    let destination = [
                        "destination_cidr_block",
                        "destination_ipv6_cidr_block",
                        "destination_prefix_list_id",
                    ]
                    .iter()
                    .map(|k| text(a.get(k)))
                    .find(|v| !v.is_empty())
                    .map(|v| peer_cidr(&v))
                    .unwrap_or_default();
                    out.routes
                        .entry(text(a.get("route_table_id")))
                        .or_default()
                        .insert(destination);
                }
                _ => {}
            }
        }
        out
    }

    /// Both sides of `attribute` with what separate resources manage taken out, or `None`
    /// where no separate resource touches it: the sides stand as they are, uncopied (this runs
    /// for every attribute of every resource).
    pub fn filter(
        &self,
        resource_type: &str,
        id: Option<&str>,
        attribute: &str,
        state: &Value,
        live: &Value,
    ) -> Option<(Value, Value)> {
        let id = id.unwrap_or_default();
        match (resource_type, attribute) {
            ("aws_security_group" | "aws_default_security_group", "ingress" | "egress") => {
                let managed = self.permissions.get(id)?;
                let egress = attribute == "egress";
                Some((
                    strip_permissions(state, managed, egress),
                    strip_permissions(live, managed, egress),
                ))
            }
            ("aws_route_table" | "aws_default_route_table", "route") => {
                let managed = self.routes.get(id)?;
                Some((strip_routes(state, managed), strip_routes(live, managed)))
            }
            ("aws_instance", "volume_tags") if self.attached.contains(id) => {
                Some((Value::Null, Value::Null))
            }
            _ => None,
        }
    }
}

fn strip_permissions(rules: &Value, managed: &HashSet<Permission>, egress: bool) -> Value {
    let Some(items) = rules.as_list() else {
        return rules.clone();
    };
    let mut kept = Vec::new();
    for rule in items {
        let permission = |peer: String| Permission {
            egress,
            protocol: protocol(rule.get("protocol")),
            from_port: text(rule.get("from_port")),
            to_port: text(rule.get("to_port")),
            peer,
        };
        let peers = inline_peers(rule);
        let remaining: Vec<String> = peers
            .iter()
            .filter(|p| !managed.contains(&permission((*p).clone())))
            .cloned()
            .collect();
        if remaining.len() == peers.len() {
            kept.push(rule.clone());
        } else if !remaining.is_empty() {
            // Keep the peers no separate resource manages.
            let mut rule = rule.clone();
            if let Some(map) = rule.as_map_mut() {
                for key in [
                    "cidr_blocks",
                    "ipv6_cidr_blocks",
                    "prefix_list_ids",
                    "security_groups",
                ] {
                    if let Some(Value::List(list)) = map.get_mut(key) {
                        list.retain(|v| {
                            v.as_str()
                                .is_some_and(|s| remaining.contains(&peer_cidr(s)))
                        });
                    }
                }
                if !remaining.iter().any(|p| p == "self") && map.contains_key("self") {
                    map.insert("self", Value::Bool(false));
                }
            }
            kept.push(rule);
        }
    }
    Value::List(kept)
}

fn strip_routes(routes: &Value, managed: &HashSet<String>) -> Value {
    let Some(items) = routes.as_list() else {
        return routes.clone();
    };
    Value::List(
        items
            .iter()
            .filter(|route| {
                let destination = [
                    "cidr_block",
                    "ipv6_cidr_block",
                    "destination_prefix_list_id",
                ]
                .iter()
                .map(|k| text(route.get(k)))
                .find(|v| !v.is_empty())
                .map(|v| peer_cidr(&v))
                .unwrap_or_default();
                !managed.contains(&destination)
            })
            .cloned()
            .collect(),
    )
}
