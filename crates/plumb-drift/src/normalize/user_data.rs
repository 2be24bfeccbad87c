//! `user_data` as the provider stores it: a SHA-1 of the (base64-decoded) text.

use plumb_model::{AttrPath, Value};

use super::{NormalizeContext, Normalizer};

pub struct UserDataHash;

fn is_sha1_hex(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Standard base64 (with or without padding); `None` when `text` is not base64.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let unpadded = digits
        .strip_suffix(b"==")
        .or_else(|| digits.strip_suffix(b"="))
        .unwrap_or(&digits);
    if unpadded.is_empty() || unpadded.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(unpadded.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for &c in unpadded {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).unwrap_or_default());
        }
    }
    Some(out)
}

/// What the provider writes to state for a user data text: SHA-1 hex of its base64-decoded
/// bytes, or of the text itself when it is not base64 (as the provider's `userDataHashSum`).
pub fn user_data_hash(text: &str) -> String {
    let bytes = decode_base64(text).unwrap_or_else(|| text.as_bytes().to_vec());
    sha1_smol::Sha1::from(bytes).digest().to_string()
}

/// SHA-1 of nothing: what an empty `user_data` hashes to.
const EMPTY_SHA1: &str = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

impl Normalizer for UserDataHash {
    fn id(&self) -> &'static str {
        "user-data-hash"
    }
    fn reason(&self) -> &'static str {
        "the same user data, stored as a hash on one side"
    }
    fn doc(&self) -> &'static str {
        "The provider keeps only a SHA-1 of `user_data` in state (of the base64-decoded bytes \
         when the text is base64), while the API returns the data itself. Both sides are \
         compared as that hash, and an empty value, null and the SHA-1 of the empty string \
         (`da39a3ee…`) are all \"no user data\"."
    }
    fn normalize(&self, _ctx: &NormalizeContext<'_>, path: &AttrPath, value: &mut Value) {
        if path.top() != Some("user_data") {
            return;
        }
        let target = match value {
            Value::Sensitive(inner) => inner.as_mut(),
            other => other,
        };
        if let Value::String(text) = target {
            let hash = if is_sha1_hex(text) {
                text.to_ascii_lowercase()
            } else {
                user_data_hash(text)
            };
            *target = if text.is_empty() || hash == EMPTY_SHA1 {
                Value::Null
            } else {
                Value::String(hash)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::normalized;

    #[test]
    fn hash_and_text_agree() {
        let text = "#!/bin/sh\necho hi\n";
        let hash = sha1_smol::Sha1::from(text).digest().to_string();
        let json_text = serde_json::to_string(text).unwrap();
        let base64 = "IyEvYmluL3NoCmVjaG8gaGkK";
        assert_eq!(decode_base64(base64).unwrap(), text.as_bytes());
        let from_hash = normalized(&UserDataHash, "user_data", &format!("\"{hash}\""));
        assert_eq!(
            from_hash,
            normalized(&UserDataHash, "user_data", &json_text)
        );
        assert_eq!(
            from_hash,
            normalized(&UserDataHash, "user_data", &format!("\"{base64}\""))
        );
    }

    #[test]
    fn empty_null_and_the_empty_hash_agree() {
        for json in [
            "\"\"",
            "null",
            "\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"",
        ] {
            assert_eq!(
                normalized(&UserDataHash, "user_data", json),
                Value::Null,
                "{json}"
            );
        }
    }
}
