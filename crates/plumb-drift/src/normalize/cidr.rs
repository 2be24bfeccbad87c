//! CIDR blocks in canonical form: AWS stores the network address, not the address written.

use plumb_model::catalog::values::canonical_cidr;
use plumb_model::{AttrPath, Value};

use super::{NormalizeContext, Normalizer, walk_mut};

pub struct CidrCanonical;

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
