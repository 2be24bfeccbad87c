//! How AWS writes the values that identify objects: protocols by number, CIDR blocks by their
//! network address. The catalog keys objects with them, and the drift normalizers compare with
//! them, so both read one definition.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::Value;

/// The IANA number AWS uses for a protocol name, as text; `-1` for all.
pub fn protocol_number(text: &str) -> Option<&'static str> {
    Some(match text.trim().to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1",
        "icmp" | "1" => "1",
        "tcp" | "6" => "6",
        "udp" | "17" => "17",
        "icmpv6" | "58" => "58",
        _ => return None,
    })
}

/// `10.1.2.3/8` → `10.0.0.0/8`; IPv6 compressed and lower-case. `None` for anything else.
pub fn canonical_cidr(text: &str) -> Option<String> {
    let (address, prefix) = text.trim().split_once('/')?;
    let address: IpAddr = address.parse().ok()?;
    let net = IpNet::new(address, prefix.parse().ok()?).ok()?;
    Some(net.trunc().to_string())
}

/// A scalar's text (a string, a number, a bool), empty for anything else: the parts of a key.
pub fn text(value: Option<&Value>) -> String {
    match value.map(Value::unmarked) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// A scalar attribute as text: a non-empty string, a number or a bool; `None` for anything
/// else and for a sensitive value (which never goes into an id or a key that may be shown).
pub fn scalar(attributes: &Value, key: &str) -> Option<String> {
    let value = attributes.get(key)?;
    if value.is_sensitive() {
        return None;
    }
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical_cidr("67.221.169.243/0").unwrap(), "0.0.0.0/0");
        assert_eq!(canonical_cidr("10.1.2.3/8").unwrap(), "10.0.0.0/8");
        assert_eq!(canonical_cidr("10.1.2.3/32").unwrap(), "10.1.2.3/32");
        assert_eq!(
            canonical_cidr("2001:DB8:0:0::1/32").unwrap(),
            "2001:db8::/32"
        );
        assert_eq!(canonical_cidr("::/0").unwrap(), "::/0");
        assert_eq!(canonical_cidr(" 10.1.2.3/+8 ").unwrap(), "10.0.0.0/8");
        assert_eq!(
            canonical_cidr("fd00::1:2:3/129"),
            None,
            "a prefix longer than the address"
        );
        assert_eq!(canonical_cidr("010.1.2.3/8"), None, "leading zeros");
        assert_eq!(canonical_cidr("10.0.0.0/256"), None);
        assert_eq!(canonical_cidr("10.0.0.0"), None);
        assert_eq!(canonical_cidr("10.0.0.0/33"), None);
        assert_eq!(canonical_cidr("arn:aws:iam::1/x"), None);
        assert_eq!(canonical_cidr("sg-123"), None);
    }
}
