//! Stable fingerprints: the same finding gets the same fingerprint run after run, so that
//! history can tell new drift from old and CI can de-duplicate.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

fn hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let mut out = String::with_capacity(16);
    for byte in digest.iter().take(8) {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// A finding's: workspace, the address (or type and id for unmanaged objects), and the kind.
pub fn finding(workspace: &str, subject: &str, kind: &str) -> String {
    hash(&[workspace, subject, kind])
}

/// An attribute difference's: its finding's, the attribute path and the rule.
pub fn attribute(finding: &str, path: &str, rule: &str) -> String {
    hash(&[finding, path, rule])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_distinct() {
        let a = finding("default", "aws_instance.web", "changed");
        assert_eq!(a, finding("default", "aws_instance.web", "changed"));
        assert_eq!(a.len(), 16);
        assert_ne!(a, finding("prod", "aws_instance.web", "changed"));
        assert_ne!(a, finding("default", "aws_instance.web", "missing"));
        // The separator keeps ("ab","c") and ("a","bc") apart.
        assert_ne!(finding("ab", "c", "k"), finding("a", "bc", "k"));
    }
}
