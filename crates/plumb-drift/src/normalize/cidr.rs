//! CIDR blocks in canonical form: AWS stores the network address, not the address written.

use std::net::IpAddr;

use ipnet::IpNet;

use plumb_model::{AttrPath, Value};

use super::{NormalizeContext, Normalizer, walk_mut};

pub struct CidrCanonical;

/// `10.1.2.3/8` → `10.0.0.0/8`; IPv6 compressed and lower-case. `None` for anything else.
pub fn canonical_cidr(text: &str) -> Option<String> {
    let (address, prefix) = text.trim().split_once('/')?;
    let address: IpAddr = address.parse().ok()?;
    let net = IpNet::new(address, prefix.parse().ok()?).ok()?;
    Some(net.trunc().to_string())
}

impl Normalizer for CidrCanonical {
    fn id(&self) -> &'static str {
        "cidr-canonical"
    }
    fn reason(&self) -> &'static str {
        "the same network written in another form"
    }
    fn doc(&self) -> &'static str {
        "AWS stores a CIDR block by its network address: `67.221.169.243/0` is stored as \
         `0.0.0.0/0`, and IPv6 blocks come back compressed and in lower case. Every string \
         that parses as a CIDR block is compared in that canonical form, so only a real change \
         of network counts."
    }
    fn normalize(&self, _ctx: &NormalizeContext<'_>, path: &AttrPath, value: &mut Value) {
        walk_mut(value, &mut path.clone(), &mut |_, v| {
            if let Value::String(s) = v
                && s.contains('/')
                && let Some(canonical) = canonical_cidr(s)
            {
                *s = canonical;
            }
        });
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
