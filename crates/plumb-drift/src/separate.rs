//! Inline or separate, applied: the catalog's parts ([`plumb_model::catalog::parts`]) say which
//! arguments of an owner other resources may manage on their own; this index of the scan's
//! states takes what they manage out of the owner's comparison ([`SeparatelyManaged::filter`])
//! and gives their live objects to the owner that holds them ([`SeparatelyManaged::owns`]).

use std::collections::{HashMap, HashSet};

use plumb_model::catalog::parts::{ASIDES, PARTS, Part};
use plumb_model::catalog::values::text;
use plumb_model::{Observation, StateDoc, Value};

/// The elements of an argument's value: a list's or set's elements, or the value itself when
/// it is set.
fn elements(value: &Value) -> Vec<&Value> {
    match value.unmarked() {
        Value::List(items) => items.iter().collect(),
        v if v.is_null() || v.is_empty_like() => Vec::new(),
        _ => vec![value],
    }
}

/// The keys one element of an owner's argument holds, by the part that keys them.
type HeldKeys = Vec<(&'static Part, Vec<String>)>;

/// What separate resources manage, and what managed owners hold, across every state of the
/// scan.
#[derive(Debug, Default)]
pub struct SeparatelyManaged {
    /// Owner id → keys of what separate resources manage on it.
    managed: HashMap<String, HashSet<String>>,
    /// Keys of what managed owners hold through their arguments.
    held: HashSet<String>,
    /// (owner id, argument) set aside whole by a separate resource ([`ASIDES`]).
    aside: HashSet<(String, &'static str)>,
}

impl SeparatelyManaged {
    pub fn from_states<'a>(states: impl IntoIterator<Item = &'a StateDoc>) -> Self {
        let mut out = SeparatelyManaged::default();
        for resource in states.into_iter().flat_map(StateDoc::managed) {
            let resource_type = resource.address.r#type.as_str();
            let a = &resource.attributes;
            for aside in ASIDES.iter().filter(|s| s.separate == resource_type) {
                out.aside
                    .insert((text(a.get(aside.owner_attribute)), aside.argument));
            }
            for part in PARTS {
                if part.separate.contains(&resource_type)
                    && let Some(owner) = (part.owner_of)(a)
                {
                    out.managed
                        .entry(owner)
                        .or_default()
                        .extend((part.keys)(resource_type, a));
                }
                if part.owners.contains(&resource_type) {
                    let owner = resource.id().unwrap_or_default();
                    for argument in part.arguments {
                        for element in a.get(argument).map(elements).unwrap_or_default() {
                            out.held.extend((part.held)(owner, argument, element));
                        }
                    }
                }
            }
        }
        out
    }

    /// Whether a live object is held by a managed resource's argument (an EIP's association
    /// made through `aws_eip`'s `instance`, a rule in a group's inline `ingress`): it is that
    /// resource's, not unmanaged.
    pub fn owns(&self, observation: &Observation) -> bool {
        let resource_type = observation.r#type.as_str();
        !self.held.is_empty()
            && PARTS
                .iter()
                .filter(|p| p.separate.contains(&resource_type))
                .flat_map(|p| (p.keys)(resource_type, &observation.attributes))
                .any(|key| self.held.contains(&key))
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
        if let Some(aside) = ASIDES
            .iter()
            .find(|a| a.owner == resource_type && a.argument == attribute)
            && self.aside.contains(&(id.to_owned(), aside.argument))
        {
            return Some((Value::Null, Value::Null));
        }
        // The static question first: most attributes of most types are in no part.
        let parts: Vec<&'static Part> = PARTS
            .iter()
            .filter(|p| p.owners.contains(&resource_type) && p.arguments.contains(&attribute))
            .collect();
        if parts.is_empty() {
            return None;
        }
        let managed = self.managed.get(id)?;
        let held = |value: &Value| -> HeldKeys {
            parts
                .iter()
                .map(|p| (*p, (p.held)(id, attribute, value)))
                .collect()
        };
        if !matches!(state.unmarked(), Value::List(_)) && !matches!(live.unmarked(), Value::List(_))
        {
            // A single-valued argument (an EIP's `instance`): out on both sides when a separate
            // resource manages either side's value.
            let out = [state, live]
                .iter()
                .filter(|v| !v.is_null() && !v.is_empty_like())
                .flat_map(|v| held(v).into_iter().flat_map(|(_, keys)| keys))
                .any(|key| managed.contains(&key));
            return out.then_some((Value::Null, Value::Null));
        }
        Some((strip(state, managed, &held), strip(live, managed, &held)))
    }
}

/// The elements of a list argument that no separate resource manages: an element is out when
/// every key one part gives it is managed; a rule with several peers of which only some are
/// managed keeps the others (the part's `keep_peers`).
fn strip(value: &Value, managed: &HashSet<String>, held: &dyn Fn(&Value) -> HeldKeys) -> Value {
    let Some(items) = value.as_list() else {
        return value.clone();
    };
    let mut kept = Vec::new();
    for element in items {
        let by_part = held(element);
        if by_part
            .iter()
            .any(|(_, keys)| !keys.is_empty() && keys.iter().all(|k| managed.contains(k)))
        {
            continue;
        }
        let split = by_part.iter().find_map(|(part, keys)| {
            let keep_peers = part.keep_peers?;
            keys.iter()
                .any(|k| managed.contains(k))
                .then_some((keep_peers, keys))
        });
        match split {
            Some((keep_peers, keys)) => {
                let remaining: Vec<&str> = keys
                    .iter()
                    .filter(|k| !managed.contains(*k))
                    .filter_map(|k| k.rsplit('|').next())
                    .collect();
                kept.push(keep_peers(element, &remaining));
            }
            None => kept.push(element.clone()),
        }
    }
    Value::List(kept)
}
