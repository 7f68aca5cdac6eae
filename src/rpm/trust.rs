//! One trust policy for every command that hands out or acts on package content (`inspect`,
//! `extract`, `plan --package`, `rollout --packages`); the trust model is in docs/rpm.md.
//!
//! * A `bad` signature refuses the package, whatever the flags (`bad_signature`).
//! * `--require-signature` refuses anything but a `verified` signature status
//!   (`signature_required`).
//! * Content is handed out (`extract`, `plan`) only from a package whose main header is
//!   authenticated: a header SHA-256 or SHA-1 that matches, or a verified signature
//!   (`unverified_header`). MD5 covers the header too, but collisions are cheap.

use super::RpmError;
use super::signature::{Keyring, PackageSignature, PackageStatus};
use std::path::Path;
use std::sync::Arc;

/// What the user asked of a package's signatures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustPolicy {
    /// The keys of `--keyring` (none: signatures are `not_checked`).
    pub keyring: Option<Arc<Keyring>>,
    /// `--require-signature`: only a `verified` signature status is accepted.
    pub require_signature: bool,
}

impl TrustPolicy {
    /// The keyring, when one was given.
    pub fn keyring(&self) -> Option<&Keyring> {
        self.keyring.as_deref()
    }
}

/// Why the policy refuses the package, if it does. `hands_out`: the caller hands out content
/// read through the main header (`extract`, `plan --package`, a rollout's chosen package).
pub fn judge(
    path: &Path,
    signature: &PackageSignature,
    header_authenticated: bool,
    policy: &TrustPolicy,
    hands_out: bool,
) -> Option<RpmError> {
    if let Some(bad) = signature.first_bad() {
        return Some(RpmError::BadSignature {
            path: path.to_path_buf(),
            detail: format!(
                "{} signature (key {}): {}",
                bad.tag_name,
                bad.key_id.as_deref().unwrap_or("unknown"),
                bad.reason.as_deref().unwrap_or("does not verify")
            ),
        });
    }
    if policy.require_signature && signature.status != PackageStatus::Verified {
        let hint = match signature.status {
            PackageStatus::Unsigned => "ask the vendor for a signed package",
            PackageStatus::NoKey => {
                "give the signer's public key with --keyring (as shipped in /etc/pki/rpm-gpg/)"
            }
            PackageStatus::NotChecked if policy.keyring.is_none() => {
                "give the signer's public key with --keyring"
            }
            _ => {
                "verify the package another way, or ask for one signed with RSA, EdDSA or ECDSA and SHA-256 or stronger"
            }
        };
        return Some(RpmError::SignatureRequired {
            path: path.to_path_buf(),
            status: signature.status.as_str(),
            found: signature.describe(),
            hint,
        });
    }
    if hands_out && !header_authenticated {
        return Some(RpmError::UnverifiedHeader {
            path: path.to_path_buf(),
            detail: format!(
                "it has no header SHA-256 or SHA-1 digest, and its signature status is {} ({})",
                signature.status.as_str(),
                signature.describe()
            ),
        });
    }
    None
}
