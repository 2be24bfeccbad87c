//! `user_data` as the provider stores it: a SHA-1 of the (base64-decoded) text.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use plumb_model::{AttrPath, Value};

use super::{NormalizeContext, Normalizer};

pub struct UserDataHash;

fn is_sha1_hex(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Standard base64 with its padding optional and whitespace anywhere (as user data files are
/// wrapped); `None` when `text` is empty or not base64, so that it is hashed as it is.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    /// Unused bits of the last character are ignored, as the provider's decoder does.
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let unpadded = digits
        .strip_suffix(b"==")
        .or_else(|| digits.strip_suffix(b"="))
        .unwrap_or(&digits);
    if unpadded.is_empty() {
        return None;
    }
    LENIENT.decode(unpadded).ok()
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

    /// What the hand-written decoder accepted, kept when the `base64` crate took over.
    #[test]
    fn base64_is_read_leniently_and_anything_else_stays_text() {
        for (text, decoded) in [
            (
                "IyEvYmluL3NoCmVjaG8gaGkK",
                Some(&b"#!/bin/sh\necho hi\n"[..]),
            ),
            ("QUI=", Some(b"AB")),
            ("QUI", Some(b"AB")),
            ("QQ=", Some(b"A")),
            ("QR==", Some(b"A")),
            ("QU\nJD\r\n", Some(b"ABC")),
            (" QUJD ", Some(b"ABC")),
            ("", None),
            ("==", None),
            ("Q", None),
            ("QUJDR", None),
            ("QUJD===", None),
            ("QU=JD", None),
            ("#!/bin/sh", None),
            ("a-_b", None),
        ] {
            assert_eq!(decode_base64(text).as_deref(), decoded, "{text:?}");
        }
        let text = "#!/bin/sh";
        assert_eq!(
            user_data_hash(text),
            sha1_smol::Sha1::from(text).digest().to_string()
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
