//! OpenPGP signatures of RPM packages, verified against public keys the user names.
//!
//! Where an RPM carries signatures (signature header, `rpmtag.h` / rpm 4.18 `lib/rpmvs.c`):
//!
//! | tag | name | covers |
//! | --- | --- | --- |
//! | 268 | RSAHEADER | the main header (rpm ≥ 4.14 signs with this for RSA keys) |
//! | 267 | DSAHEADER | the main header (DSA, ECDSA and EdDSA keys) |
//! | 1002 | PGP | main header + payload (legacy, RSA) |
//! | 1005 | GPG | main header + payload (legacy, DSA/EdDSA) |
//! | 278 | OPENPGP | the main header; a STRING_ARRAY of base64 signature packets (rpm ≥ 6, several signatures) |
//!
//! Each signature is one OpenPGP signature packet (RFC 9580 §5.2) over those bytes, with the
//! hash algorithm and the signer's key ID inside it.
//!
//! **Why `pgp` (rPGP).** Packet parsing and public-key cryptography are not written here: the
//! maintained pure-Rust `pgp` crate (what the `rpm` crate uses) parses signature packets and
//! certificates (armored or binary) and verifies RSA, DSA, ECDSA (NIST P-256/384/521, secp256k1)
//! and EdDSA (legacy and RFC 9580 Ed25519/Ed448) signatures. `sequoia-openpgp` is LGPL and needs
//! nettle (a C library) by default. `pgp` is built without default features (no bzip2: key files
//! and signature packets are never compressed); it has no feature to leave out the ciphers and
//! curves it does not need here. It adds 117 crates (mostly RustCrypto) to Cargo.lock and 2.4 MB
//! to the stripped release binary (4.2 → 6.6 MB); see docs/rpm.md for the build-time cost.
//!
//! **What is trusted.** Every key in the files given with `--keyring` (primary keys and subkeys),
//! as `rpmkeys --import` does: the user chose those files. Like rpm 4.18, key expiry and
//! revocation are not applied, and the key is found by the signature's issuer key ID (or issuer
//! fingerprint). Signatures made with a hash weaker than SHA-256 (MD5, SHA-1, RIPEMD-160, SHA-224)
//! are `unsupported`, never `verified`.

use super::header::{DataType, Header, tag};
use super::{Package, RpmError};
use crate::limits;
use base64::Engine as _;
use pgp::composed::{Deserializable, SignedPublicKey};
use pgp::crypto::hash::HashAlgorithm;
use pgp::crypto::public_key::PublicKeyAlgorithm;
use pgp::packet::{Packet, PacketParser, PacketTrait, Signature};
use pgp::types::KeyDetails;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a keyring could not be loaded (a usage error: exit 2, kind `invalid_keyring`).
#[derive(Debug, Error)]
pub enum KeyringError {
    /// The file or directory cannot be read.
    #[error("cannot read the keyring `{}`: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The file is not an OpenPGP public key (armored or binary).
    #[error(
        "the keyring `{}` is not an OpenPGP public key file: {reason} (give an ASCII-armored or \
         binary public key, as shipped in /etc/pki/rpm-gpg/, or a directory of them)",
        path.display()
    )]
    NotOpenPgp {
        /// The file.
        path: PathBuf,
        /// What was found.
        reason: String,
    },
    /// A limit of `src/limits.rs` was exceeded.
    #[error("the keyring `{}` is too large: {what}", path.display())]
    TooLarge {
        /// The file or directory.
        path: PathBuf,
        /// Which limit.
        what: String,
    },
}

impl KeyringError {
    /// Stable snake_case name used as `error.kind` in JSON output.
    pub fn kind(&self) -> &'static str {
        "invalid_keyring"
    }
}

/// One public key (primary or subkey) that may verify signatures.
#[derive(Debug, Clone)]
enum VerifyKey {
    Primary(pgp::packet::PublicKey),
    Sub(pgp::packet::PublicSubkey),
}

impl VerifyKey {
    fn verify(&self, sig: &Signature, data: impl Read) -> pgp::errors::Result<()> {
        match self {
            VerifyKey::Primary(k) => sig.verify(k, data),
            VerifyKey::Sub(k) => sig.verify(k, data),
        }
    }

    fn key_id(&self) -> [u8; 8] {
        let id = match self {
            VerifyKey::Primary(k) => k.legacy_key_id(),
            VerifyKey::Sub(k) => k.legacy_key_id(),
        };
        let mut out = [0u8; 8];
        out.copy_from_slice(id.as_ref());
        out
    }

    fn fingerprint(&self) -> Vec<u8> {
        match self {
            VerifyKey::Primary(k) => k.fingerprint().as_bytes().to_vec(),
            VerifyKey::Sub(k) => k.fingerprint().as_bytes().to_vec(),
        }
    }

    /// Why this key's signatures are not verified here, if they are not: RSA keys outside 2048 to
    /// 4096 bits. The size is the bit count of the modulus, the first MPI of an RSA key's public
    /// parameters in their OpenPGP encoding (RFC 9580 §5.5.5.1: a 2-byte big-endian bit count).
    fn unsupported(&self) -> Option<String> {
        use pgp::ser::Serialize as _;
        let params = match self {
            VerifyKey::Primary(k) => k.public_params(),
            VerifyKey::Sub(k) => k.public_params(),
        };
        if !matches!(params, pgp::types::PublicParams::RSA(_)) {
            return None;
        }
        let mut encoded = Vec::new();
        params.to_writer(&mut encoded).ok()?;
        let bits = u16::from_be_bytes([*encoded.first()?, *encoded.get(1)?]);
        (!(limits::MIN_RSA_BITS..=limits::MAX_RSA_BITS).contains(&bits)).then(|| {
            format!(
                "an RSA key of {bits} bits; RSA keys of {} to {} bits are verified",
                limits::MIN_RSA_BITS,
                limits::MAX_RSA_BITS
            )
        })
    }
}

/// Public keys read from `--keyring` files: every primary key and subkey of every certificate.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    keys: Vec<VerifyKey>,
    /// The files the keys came from, in the order read.
    pub files: Vec<PathBuf>,
}

impl PartialEq for Keyring {
    fn eq(&self, other: &Self) -> bool {
        self.files == other.files && self.fingerprints() == other.fingerprints()
    }
}
impl Eq for Keyring {}

impl Keyring {
    /// Reads keys from each path: a key file (armored or binary, one or several certificates), or
    /// a directory whose regular files are all key files (read in name order, not recursively).
    pub fn load(paths: &[PathBuf]) -> Result<Keyring, KeyringError> {
        let mut ring = Keyring::default();
        for path in paths {
            if crate::input::is_stdin(path) {
                ring.add_file(path)?;
                continue;
            }
            let meta = std::fs::metadata(path).map_err(|source| KeyringError::Io {
                path: path.clone(),
                source,
            })?;
            if meta.is_dir() {
                let mut files = Vec::new();
                let entries = std::fs::read_dir(path).map_err(|source| KeyringError::Io {
                    path: path.clone(),
                    source,
                })?;
                for entry in entries {
                    let entry = entry.map_err(|source| KeyringError::Io {
                        path: path.clone(),
                        source,
                    })?;
                    let p = entry.path();
                    if p.is_file() {
                        files.push(p);
                    }
                    if files.len() > limits::MAX_KEYRING_FILES {
                        return Err(KeyringError::TooLarge {
                            path: path.clone(),
                            what: format!(
                                "more than {} files in the directory",
                                limits::MAX_KEYRING_FILES
                            ),
                        });
                    }
                }
                files.sort();
                if files.is_empty() {
                    return Err(KeyringError::NotOpenPgp {
                        path: path.clone(),
                        reason: "the directory holds no key file".into(),
                    });
                }
                for f in files {
                    ring.add_file(&f)?;
                }
            } else {
                ring.add_file(path)?;
            }
        }
        Ok(ring)
    }

    fn add_file(&mut self, path: &Path) -> Result<(), KeyringError> {
        let bytes = crate::input::read_limited(path, limits::MAX_KEYRING_FILE_BYTES as usize)
            .map_err(|source| KeyringError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        if bytes.len() as u64 > limits::MAX_KEYRING_FILE_BYTES {
            return Err(KeyringError::TooLarge {
                path: path.to_path_buf(),
                what: format!(
                    "the file is larger than {} bytes (a public key is a few kilobytes)",
                    limits::MAX_KEYRING_FILE_BYTES
                ),
            });
        }
        let keys = parse_keys(&bytes).map_err(|reason| KeyringError::NotOpenPgp {
            path: path.to_path_buf(),
            reason,
        })?;
        if self.keys.len() + keys.len() > limits::MAX_KEYRING_KEYS {
            return Err(KeyringError::TooLarge {
                path: path.to_path_buf(),
                what: format!("more than {} keys in all", limits::MAX_KEYRING_KEYS),
            });
        }
        self.keys.extend(keys);
        self.files.push(path.to_path_buf());
        Ok(())
    }

    /// Fingerprints (lowercase hex) of every key, primary keys and subkeys, in load order.
    pub fn fingerprints(&self) -> Vec<String> {
        self.keys.iter().map(|k| hex(&k.fingerprint())).collect()
    }

    /// Number of keys (primary keys and subkeys).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key was loaded.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys that may have made `sig`: matching its issuer fingerprint or issuer key ID.
    fn candidates<'a>(&'a self, sig: &'a Signature) -> impl Iterator<Item = &'a VerifyKey> + 'a {
        let ids: Vec<[u8; 8]> = sig
            .issuer_key_id()
            .iter()
            .filter_map(|id| <[u8; 8]>::try_from(id.as_ref()).ok())
            .collect();
        let fps: Vec<Vec<u8>> = sig
            .issuer_fingerprint()
            .iter()
            .map(|f| f.as_bytes().to_vec())
            .collect();
        self.keys
            .iter()
            .filter(move |k| ids.contains(&k.key_id()) || fps.contains(&k.fingerprint()))
    }
}

/// Parses every certificate of a key file (armored or binary) into its keys.
fn parse_keys(bytes: &[u8]) -> Result<Vec<VerifyKey>, String> {
    let trimmed = bytes.trim_ascii_start();
    if trimmed.is_empty() {
        return Err("the file is empty".into());
    }
    let armored = trimmed.starts_with(b"-----BEGIN PGP");
    // Binary OpenPGP data starts with a packet tag byte (bit 7 set).
    if !armored && trimmed.first().is_none_or(|b| b & 0x80 == 0) {
        let start = String::from_utf8_lossy(trimmed.get(..trimmed.len().min(24)).unwrap_or(&[]))
            .into_owned();
        return Err(format!(
            "it neither starts with an armor line (-----BEGIN PGP PUBLIC KEY BLOCK-----) nor with \
             an OpenPGP packet; it starts with {start:?}"
        ));
    }
    let parsed = SignedPublicKey::from_reader_many(std::io::Cursor::new(bytes))
        .map_err(|e| format!("{e}"))?;
    let (certs, _) = parsed;
    let mut keys = Vec::new();
    for cert in certs {
        let cert = cert.map_err(|e| format!("{e}"))?;
        keys.push(VerifyKey::Primary(cert.primary_key.clone()));
        for sub in cert.public_subkeys {
            keys.push(VerifyKey::Sub(sub.key));
        }
        if keys.len() > limits::MAX_KEYRING_KEYS {
            return Err(format!(
                "more than {} keys in one file",
                limits::MAX_KEYRING_KEYS
            ));
        }
    }
    if keys.is_empty() {
        return Err("no public key in it".into());
    }
    Ok(keys)
}

/// Outcome of one signature check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// A keyring key verified it.
    Verified,
    /// It does not verify (or cannot be parsed): the package was altered or the signature damaged.
    Bad,
    /// No keyring key has its issuer key ID.
    NoKey,
    /// Made with an algorithm, hash or packet version this tool cannot verify.
    Unsupported,
    /// Not checked: no `--keyring`, or a header+payload signature with `--no-verify`.
    NotChecked,
}

impl CheckStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Verified => "verified",
            CheckStatus::Bad => "bad",
            CheckStatus::NoKey => "no_key",
            CheckStatus::Unsupported => "unsupported",
            CheckStatus::NotChecked => "not_checked",
        }
    }
}

/// The package's signature verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageStatus {
    /// At least one signature verified and none is bad.
    Verified,
    /// A signature is bad.
    Bad,
    /// Signed, but no signature's key is in the keyring.
    NoKey,
    /// No signature at all.
    Unsigned,
    /// Signed only in ways this tool cannot verify.
    Unsupported,
    /// No `--keyring` given (or only header+payload signatures and `--no-verify`).
    NotChecked,
}

impl PackageStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PackageStatus::Verified => "verified",
            PackageStatus::Bad => "bad",
            PackageStatus::NoKey => "no_key",
            PackageStatus::Unsigned => "unsigned",
            PackageStatus::Unsupported => "unsupported",
            PackageStatus::NotChecked => "not_checked",
        }
    }
}

/// One signature of the package and its check (`signature.checks[]` in `inspect --format json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureCheck {
    /// The signature header tag (268, 267, 1002, 1005, 278).
    pub tag: u32,
    /// Its name (`RSAHEADER`, `DSAHEADER`, `PGP`, `GPG`, `OPENPGP`).
    pub tag_name: &'static str,
    /// `header` or `header+payload`.
    pub covers: &'static str,
    /// Public-key algorithm (`rsa`, `dsa`, `ecdsa`, `eddsa`, `ed25519`, ...); null when unreadable.
    pub algorithm: Option<String>,
    /// Hash algorithm (`sha256`, ...); null when unreadable.
    pub hash: Option<String>,
    /// The issuer key ID, 16 lowercase hex digits.
    pub key_id: Option<String>,
    /// Fingerprint of the key that verified it, else the issuer fingerprint the signature names.
    pub fingerprint: Option<String>,
    /// Signature creation time (RFC 3339, UTC).
    pub created: Option<String>,
    /// `verified`, `bad`, `no_key`, `unsupported` or `not_checked`.
    pub status: CheckStatus,
    /// Why it is not `verified`, when it is not.
    pub reason: Option<String>,
}

impl SignatureCheck {
    /// A check of the signature in `tag`, nothing read yet (`not_checked`).
    fn unread(tag: u32, tag_name: &'static str, covers: &'static str) -> SignatureCheck {
        SignatureCheck {
            tag,
            tag_name,
            covers,
            algorithm: None,
            hash: None,
            key_id: None,
            fingerprint: None,
            created: None,
            status: CheckStatus::NotChecked,
            reason: None,
        }
    }
}

/// The package's signatures (`signature` in `inspect --format json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageSignature {
    /// The verdict for the package.
    pub status: PackageStatus,
    /// Every signature found, in tag order (268, 267, 1002, 1005, then each of 278).
    pub checks: Vec<SignatureCheck>,
}

impl PackageSignature {
    /// The verdict from the checks: `bad` if any is bad, else `verified` if any verified, else
    /// `unsigned` with no signature, `not_checked` without a keyring, `no_key`, `unsupported`.
    pub fn from_checks(checks: Vec<SignatureCheck>, keyring_given: bool) -> PackageSignature {
        let any = |s: CheckStatus| checks.iter().any(|c| c.status == s);
        let status = if any(CheckStatus::Bad) {
            PackageStatus::Bad
        } else if any(CheckStatus::Verified) {
            PackageStatus::Verified
        } else if checks.is_empty() {
            PackageStatus::Unsigned
        } else if !keyring_given {
            PackageStatus::NotChecked
        } else if any(CheckStatus::NoKey) {
            PackageStatus::NoKey
        } else if any(CheckStatus::Unsupported) {
            PackageStatus::Unsupported
        } else {
            PackageStatus::NotChecked
        };
        PackageSignature { status, checks }
    }

    /// The first bad check, if any.
    pub fn first_bad(&self) -> Option<&SignatureCheck> {
        self.checks.iter().find(|c| c.status == CheckStatus::Bad)
    }

    /// One line per check for messages: `RSAHEADER rsa/sha256 key 0123...: no_key`.
    pub fn describe(&self) -> String {
        if self.checks.is_empty() {
            return "the package carries no signature".into();
        }
        self.checks
            .iter()
            .map(|c| {
                format!(
                    "{} ({}/{}, key {}): {}{}",
                    c.tag_name,
                    c.algorithm.as_deref().unwrap_or("?"),
                    c.hash.as_deref().unwrap_or("?"),
                    c.key_id.as_deref().unwrap_or("?"),
                    c.status.as_str(),
                    c.reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A signature found in the package, with what is needed to verify it.
#[derive(Debug, Clone)]
pub struct Found {
    /// Its check (status filled in as far as the header allows).
    pub check: SignatureCheck,
    sig: Option<Signature>,
    keys: Vec<VerifyKey>,
}

impl Found {
    /// Whether it still needs header + payload bytes to be verified.
    pub fn needs_payload(&self) -> bool {
        self.check.covers == COVERS_ALL
            && self.check.status == CheckStatus::NotChecked
            && self.sig.is_some()
            && !self.keys.is_empty()
    }

    /// Verifies a header+payload signature over `data` (the main header, then the payload).
    pub fn verify_stream(&mut self, mut data: impl Read) {
        let Some(sig) = &self.sig else { return };
        if self.keys.len() == 1 && self.keys.iter().all(|k| k.unsupported().is_none()) {
            let result = self.keys.first().map(|k| (k, k.verify(sig, &mut data)));
            if let Some((key, result)) = result {
                let key = key.clone();
                self.settle(&key, result);
            }
            return;
        }
        // Several candidate keys (a repeated key ID): keep the bytes once, try each.
        let mut bytes = Vec::new();
        if let Err(e) = data.read_to_end(&mut bytes) {
            self.check.status = CheckStatus::NotChecked;
            self.check.reason = Some(format!("the package could not be read: {e}"));
            return;
        }
        self.try_keys(&bytes);
    }

    fn try_keys(&mut self, data: &[u8]) {
        let Some(sig) = self.sig.clone() else { return };
        let (keys, weak): (Vec<VerifyKey>, Vec<VerifyKey>) = self
            .keys
            .clone()
            .into_iter()
            .partition(|k| k.unsupported().is_none());
        if keys.is_empty() {
            if let Some(why) = weak.first().and_then(VerifyKey::unsupported) {
                self.check.status = CheckStatus::Unsupported;
                self.check.reason = Some(why);
            }
            return;
        }
        let mut last = None;
        for key in &keys {
            let result = key.verify(&sig, data);
            if result.is_ok() {
                self.settle(key, result);
                return;
            }
            last = Some((key, result));
        }
        if let Some((key, result)) = last {
            self.settle(key, result);
        }
    }

    fn settle(&mut self, key: &VerifyKey, result: pgp::errors::Result<()>) {
        match result {
            Ok(()) => {
                self.check.status = CheckStatus::Verified;
                self.check.fingerprint = Some(hex(&key.fingerprint()));
                self.check.reason = None;
            }
            Err(e) => {
                self.check.status = CheckStatus::Bad;
                self.check.reason = Some(format!("does not verify with key {}: {e}", {
                    hex(&key.fingerprint())
                }));
            }
        }
    }
}

const COVERS_HEADER: &str = "header";
const COVERS_ALL: &str = "header+payload";

/// The signature tags, in the order checks are listed.
const SIGNATURE_TAGS: [(u32, &str, &str); 5] = [
    (tag::SIG_RSA, "RSAHEADER", COVERS_HEADER),
    (tag::SIG_DSA, "DSAHEADER", COVERS_HEADER),
    (tag::SIG_PGP, "PGP", COVERS_ALL),
    (tag::SIG_GPG, "GPG", COVERS_ALL),
    (tag::SIG_OPENPGP, "OPENPGP", COVERS_HEADER),
];

/// One raw signature of the signature header: tag, name, covers, the packet or why it is not one.
type RawSignature = (u32, &'static str, &'static str, Result<Vec<u8>, String>);

/// The raw signature packets of the signature header.
fn raw_signatures(sig: &Header) -> Vec<RawSignature> {
    let mut out = Vec::new();
    for (t, name, covers) in SIGNATURE_TAGS {
        let Some(entry) = sig.entry(t) else { continue };
        if t == tag::SIG_OPENPGP {
            // rpm 6: a STRING_ARRAY of base64-encoded packets, each a signature of the header.
            let strings = match (entry.data_type, sig.strings(t)) {
                (DataType::StringArray, Ok(Some(s))) => s,
                _ => {
                    out.push((
                        t,
                        name,
                        covers,
                        Err(format!(
                            "the OPENPGP tag has type {}; rpm writes a STRING_ARRAY",
                            entry.data_type.name()
                        )),
                    ));
                    continue;
                }
            };
            for s in strings.into_iter().take(limits::MAX_OPENPGP_SIGNATURES) {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(s.trim_ascii())
                    .map_err(|e| format!("not base64: {e}"));
                out.push((t, name, covers, decoded));
            }
            continue;
        }
        let bytes = sig
            .bin(t)
            .ok()
            .flatten()
            .map(<[u8]>::to_vec)
            .ok_or_else(|| "not a BIN entry".to_string());
        out.push((t, name, covers, bytes));
    }
    out
}

/// Parses one OpenPGP signature packet (the whole entry must be that one packet).
pub fn parse_signature(bytes: &[u8]) -> Result<Signature, String> {
    let mut parser = PacketParser::new(std::io::Cursor::new(bytes));
    let packet = match parser.next() {
        Some(Ok(Packet::Signature(sig))) => sig,
        Some(Ok(other)) => {
            return Err(format!(
                "the tag holds an OpenPGP {:?} packet, not a signature",
                other.tag()
            ));
        }
        Some(Err(e)) => return Err(format!("invalid OpenPGP signature packet: {e}")),
        None => return Err("empty OpenPGP signature".into()),
    };
    Ok(packet)
}

fn algorithm_name(alg: PublicKeyAlgorithm) -> String {
    match alg {
        PublicKeyAlgorithm::RSA | PublicKeyAlgorithm::RSASign => "rsa".into(),
        PublicKeyAlgorithm::DSA => "dsa".into(),
        PublicKeyAlgorithm::ECDSA => "ecdsa".into(),
        PublicKeyAlgorithm::EdDSALegacy => "eddsa".into(),
        PublicKeyAlgorithm::Ed25519 => "ed25519".into(),
        PublicKeyAlgorithm::Ed448 => "ed448".into(),
        other => format!("algorithm-{}", u8::from(other)),
    }
}

fn hash_name(hash: HashAlgorithm) -> String {
    match hash {
        HashAlgorithm::Md5 => "md5".into(),
        HashAlgorithm::Sha1 => "sha1".into(),
        HashAlgorithm::Ripemd160 => "ripemd160".into(),
        HashAlgorithm::Sha224 => "sha224".into(),
        HashAlgorithm::Sha256 => "sha256".into(),
        HashAlgorithm::Sha384 => "sha384".into(),
        HashAlgorithm::Sha512 => "sha512".into(),
        HashAlgorithm::Sha3_256 => "sha3-256".into(),
        HashAlgorithm::Sha3_512 => "sha3-512".into(),
        other => format!("hash-{}", u8::from(other)),
    }
}

/// Whether this tool verifies signatures of this kind (hash at least SHA-256, a known
/// signature algorithm).
fn supported(alg: PublicKeyAlgorithm, hash: HashAlgorithm) -> Result<(), String> {
    let hash_ok = matches!(
        hash,
        HashAlgorithm::Sha256
            | HashAlgorithm::Sha384
            | HashAlgorithm::Sha512
            | HashAlgorithm::Sha3_256
            | HashAlgorithm::Sha3_512
    );
    if !hash_ok {
        return Err(format!(
            "hash {} is weaker than SHA-256 or unknown; only SHA-256/384/512 signatures are verified",
            hash_name(hash)
        ));
    }
    match alg {
        PublicKeyAlgorithm::RSA
        | PublicKeyAlgorithm::RSASign
        | PublicKeyAlgorithm::DSA
        | PublicKeyAlgorithm::ECDSA
        | PublicKeyAlgorithm::EdDSALegacy
        | PublicKeyAlgorithm::Ed25519
        | PublicKeyAlgorithm::Ed448 => Ok(()),
        other => Err(format!(
            "public-key algorithm {} cannot sign",
            algorithm_name(other)
        )),
    }
}

/// Lowercase hex.
fn hex(bytes: &[u8]) -> String {
    super::digest::hex(bytes)
}

/// Reads every signature of the package and checks what the header alone allows: header-only
/// signatures are verified against the main header (with a keyring), header+payload ones get
/// their key looked up and stay `not_checked` until [`Found::verify_stream`] is given the bytes.
pub fn examine(pkg: &Package, keyring: Option<&Keyring>) -> Vec<Found> {
    let mut out = Vec::new();
    for (t, name, covers, raw) in raw_signatures(pkg.signature()) {
        let mut check = SignatureCheck::unread(t, name, covers);
        let sig = match raw.and_then(|b| parse_signature(&b)) {
            Ok(sig) => sig,
            Err(reason) => {
                // librpm says BAD for a signature tag it cannot parse, with or without keys.
                check.status = CheckStatus::Bad;
                check.reason = Some(reason);
                out.push(Found {
                    check,
                    sig: None,
                    keys: Vec::new(),
                });
                continue;
            }
        };
        let config = sig.config();
        check.algorithm = config.map(|c| algorithm_name(c.pub_alg));
        check.hash = config.map(|c| hash_name(c.hash_alg));
        check.key_id = sig.issuer_key_id().first().map(|id| hex(id.as_ref()));
        check.fingerprint = sig.issuer_fingerprint().first().map(|f| hex(f.as_bytes()));
        if check.key_id.is_none()
            && let Some(fp) = sig.issuer_fingerprint().first()
        {
            // v6 signatures name the issuer by fingerprint only; its first 8 bytes are the ID.
            let b = fp.as_bytes();
            check.key_id = Some(hex(b.get(..8).unwrap_or(b)));
        }
        check.created = sig.created().and_then(|t| {
            jiff::Timestamp::from_second(i64::from(t.as_secs()))
                .ok()
                .map(|ts| ts.to_string())
        });
        let Some(config) = config else {
            check.status = CheckStatus::Unsupported;
            check.reason = Some(format!(
                "OpenPGP signature version {:?} is not supported",
                sig.version()
            ));
            out.push(Found {
                check,
                sig: None,
                keys: Vec::new(),
            });
            continue;
        };
        let Some(keyring) = keyring else {
            check.reason = Some("no --keyring given".into());
            out.push(Found {
                check,
                sig: Some(sig),
                keys: Vec::new(),
            });
            continue;
        };
        if let Err(reason) = supported(config.pub_alg, config.hash_alg) {
            check.status = CheckStatus::Unsupported;
            check.reason = Some(reason);
            out.push(Found {
                check,
                sig: Some(sig),
                keys: Vec::new(),
            });
            continue;
        }
        let keys: Vec<VerifyKey> = keyring.candidates(&sig).cloned().collect();
        if keys.is_empty() {
            check.status = CheckStatus::NoKey;
            check.reason = Some(format!(
                "no key with ID {} in the keyring",
                check.key_id.as_deref().unwrap_or("?")
            ));
            out.push(Found {
                check,
                sig: Some(sig),
                keys,
            });
            continue;
        }
        let mut found = Found {
            check,
            sig: Some(sig),
            keys,
        };
        if covers == COVERS_HEADER {
            found.try_keys(pkg.main().raw());
        } else {
            found.check.reason = Some("covers the payload, which was not read".into());
        }
        out.push(found);
    }
    out
}

/// Verifies every header+payload signature that still needs it by reading the package at
/// `path` from its main header to its end (used by `extract` and `plan`, which do not otherwise
/// read the whole payload).
pub fn verify_payload_signatures(
    pkg: &Package,
    found: &mut [Found],
    path: &Path,
) -> Result<(), RpmError> {
    use std::io::{Seek, SeekFrom};
    for f in found.iter_mut().filter(|f| f.needs_payload()) {
        let mut file = crate::input::open_seekable(path).map_err(|e| RpmError::io(path, e))?;
        file.seek(SeekFrom::Start(pkg.main().file_offset()))
            .map_err(|e| RpmError::io(path, e))?;
        f.verify_stream(std::io::BufReader::with_capacity(1 << 20, file));
    }
    Ok(())
}

/// The package verdict from what [`examine`] (and the payload pass) found.
pub fn summarize(found: &[Found], keyring_given: bool) -> PackageSignature {
    PackageSignature::from_checks(
        found.iter().map(|f| f.check.clone()).collect(),
        keyring_given,
    )
}

/// Entry point for fuzzing and corpus replay: `data` is a big-endian u16 length `n`, then `n`
/// bytes of key file (armored or binary), then one signature packet. Both are parsed, and the
/// signature is checked against the keys over the whole input. Never panics.
pub fn fuzz_signature(data: &[u8]) {
    let n = match data {
        [a, b, ..] => usize::from(u16::from_be_bytes([*a, *b])),
        _ => 0,
    };
    let body = data.get(2..).unwrap_or_default();
    let (key, rest) = body.split_at(n.min(body.len()));
    let keys = parse_keys(key).unwrap_or_default();
    let ring = Keyring {
        keys,
        files: Vec::new(),
    };
    let _ = ring.fingerprints();
    if let Ok(sig) = parse_signature(rest) {
        let mut found = Found {
            check: SignatureCheck::unread(tag::SIG_RSA, "RSAHEADER", COVERS_HEADER),
            keys: ring.candidates(&sig).cloned().collect(),
            sig: Some(sig),
        };
        found.try_keys(data);
    }
    // The armored path of the key parser, on the same bytes.
    let _ = parse_keys(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_openpgp_is_refused_with_what_was_found() {
        assert!(parse_keys(b"").unwrap_err().contains("empty"));
        let err = parse_keys(b"hello, world").unwrap_err();
        assert!(err.contains("\"hello, world\""), "{err}");
        let err = parse_keys(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n").unwrap_err();
        assert!(!err.is_empty());
        // A binary packet that is not a key.
        assert!(parse_keys(&[0xc2, 0x01, 0x00]).is_err());
    }

    #[test]
    fn package_status_precedence() {
        let check = |status| SignatureCheck {
            status,
            ..SignatureCheck::unread(268, "RSAHEADER", COVERS_HEADER)
        };
        let s = |v: Vec<CheckStatus>, ring| {
            PackageSignature::from_checks(v.into_iter().map(check).collect(), ring).status
        };
        use CheckStatus as C;
        use PackageStatus as P;
        assert_eq!(s(vec![], true), P::Unsigned);
        assert_eq!(s(vec![], false), P::Unsigned);
        assert_eq!(s(vec![C::NotChecked], false), P::NotChecked);
        assert_eq!(s(vec![C::Verified, C::NoKey], true), P::Verified);
        assert_eq!(s(vec![C::Verified, C::Bad], true), P::Bad);
        assert_eq!(s(vec![C::NoKey, C::Unsupported], true), P::NoKey);
        assert_eq!(s(vec![C::Unsupported], true), P::Unsupported);
        assert_eq!(s(vec![C::Bad], false), P::Bad);
    }

    #[test]
    fn fuzz_entry_survives_garbage() {
        fuzz_signature(b"");
        fuzz_signature(&[0xff; 64]);
        fuzz_signature(b"\x05-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n=AAAA\n");
        fuzz_signature(&[3, 0xc2, 0x0f, 0x04, 0x00, 0x01, 0x08]);
    }
}
