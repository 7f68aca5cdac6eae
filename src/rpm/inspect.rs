//! The package record: what an upgrade service records when a package is uploaded.
//!
//! [`inspect`] reads the headers, then (unless `verify` is off) streams the rest of the file once
//! (see [`digest::fan_out`]): MD5 of header + payload on the calling thread, the reading on a thread
//! of its own, and the upgrade YAML either by the xz block seek (a multi-block xz payload, its own
//! thread and file handle) or by decompressing the stream up to it; the payload SHA-256 is taken by
//! that decompressing thread when there is one, else by the reading thread.

use super::digest::{self, Algorithm, DigestCheck, Status};
use super::extract::{self, CopyError};
use super::header::tag;
use super::payload::{self, Compressor, PayloadFlags};
use super::signature::{self, Found, Keyring, PackageSignature, PackageStatus};
use super::trust::{self, TrustPolicy};
use super::{Package, PackageIdentity, RpmError, find_upgrade_deps, seek};
use crate::depgraph::Document;
use crate::diagnostic::Diagnostic;
use crate::limits;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The schema id of the package record.
pub const PACKAGE_SCHEMA: &str = "upgrade-planner/package/v1";
/// Default chunk size for `chunks` (8 MiB).
pub const DEFAULT_CHUNK_SIZE: u64 = 8 * 1024 * 1024;

/// What [`inspect`] does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectOptions {
    /// Stream the file to verify MD5 and the payload digest, and read the upgrade YAML (default).
    /// When false only the headers are read: the header digests are still checked (they cost
    /// nothing), the others are `unchecked` and `upgrade_deps.versions` is null.
    pub verify: bool,
    /// Chunk size for `chunks`.
    pub chunk_size: u64,
    /// Keys to verify signatures with, and whether a verified signature is required.
    pub trust: TrustPolicy,
    /// Told how many more bytes of a package were read, as they are (for a progress bar: the
    /// library never prints).
    pub progress: Option<Progress>,
}

/// A callback told how many more bytes were read (see [`InspectOptions::progress`]).
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(u64) + Send + Sync>);

impl Progress {
    /// Wraps a callback.
    pub fn new(f: impl Fn(u64) + Send + Sync + 'static) -> Progress {
        Progress(std::sync::Arc::new(f))
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl PartialEq for Progress {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Progress {}

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions {
            verify: true,
            chunk_size: DEFAULT_CHUNK_SIZE,
            trust: TrustPolicy::default(),
            progress: None,
        }
    }
}

/// Why the trust policy refuses a package `inspect` read (`refusal` in the JSON record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// `bad_signature` or `signature_required`.
    pub kind: &'static str,
    /// The message, naming what was found.
    pub message: String,
}

/// The digests of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Digests {
    /// MD5 of header + payload (signature tag 1004). Weak: accidental damage only.
    pub md5: DigestCheck,
    /// SHA-1 of the main header (signature tag 269).
    pub header_sha1: DigestCheck,
    /// SHA-256 of the main header (signature tag 273): the header's integrity check.
    pub header_sha256: DigestCheck,
    /// Digest of the compressed payload (PAYLOADDIGEST, algorithm PAYLOADDIGESTALGO).
    pub payload: DigestCheck,
}

impl Digests {
    fn all(&self) -> [(&'static str, &DigestCheck); 4] {
        [
            ("MD5 (header+payload)", &self.md5),
            ("header SHA-1", &self.header_sha1),
            ("header SHA-256", &self.header_sha256),
            ("payload", &self.payload),
        ]
    }
}

/// How the file splits into fixed-size chunks for chunked uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Chunks {
    /// Chunk size in bytes.
    pub size: u64,
    /// Number of chunks: ceil(file_size / size); the last one may be short.
    pub count: u64,
}

/// The upgrade-dependency file inside the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpgradeDeps {
    /// Whether the package lists it.
    pub present: bool,
    /// Its path in the package.
    pub path: Option<String>,
    /// Its size in bytes (from the header; equal to the bytes read when verified).
    pub size: Option<u64>,
    /// SHA-256 of its bytes: computed when read, else the header's declared value when the
    /// package's file digests are SHA-256.
    pub sha256: Option<String>,
    /// Its bytes against the header's per-file digest.
    pub digest: Option<DigestCheck>,
    /// The versions it declares (its `version` values, in file order); null when not read.
    pub versions: Option<Vec<String>>,
    /// Whether it is a valid upgrade-dependency document; null when not read.
    pub valid: Option<bool>,
    /// Problems found in the document (errors and warnings), when read.
    pub diagnostics: Vec<Diagnostic>,
    /// Why it could not be read out of the payload, if it could not.
    pub error: Option<String>,
}

/// Everything `inspect` reports about one package (schema `upgrade-planner/package/v1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageRecord {
    /// Always [`PACKAGE_SCHEMA`].
    pub schema: &'static str,
    /// The file, as given.
    pub path: String,
    /// NAME.
    pub name: String,
    /// EPOCH; null when absent.
    pub epoch: Option<u64>,
    /// VERSION.
    pub version: String,
    /// RELEASE (`101000062023110109.el7`).
    pub release: String,
    /// The release before its first `.` (`101000062023110109`).
    pub build: String,
    /// The release after its last `.` (`el7`); null when the release has no `.`.
    pub distribution: Option<String>,
    /// ARCH.
    pub arch: String,
    /// `VERSION-BUILD`, the upgrade node this package installs.
    pub target: String,
    /// Total size of the files once installed (LONGSIZE when present, else SIZE).
    pub installed_size: Option<u64>,
    /// Size of the .rpm file.
    pub file_size: u64,
    /// Size of header + payload declared by the signature header (LONGSIZE, else SIZE).
    pub signed_size: Option<u64>,
    /// `xz`, `zstd`, `gzip`, `bzip2`, `lzma`, or `none` (no PAYLOADCOMPRESSOR tag and a cpio payload).
    pub payload_compressor: String,
    /// PAYLOADFORMAT (`cpio`).
    pub payload_format: Option<String>,
    /// PAYLOADFLAGS, parsed.
    pub payload_flags: Option<PayloadFlags>,
    /// The signature header's MD5 of header + payload, lowercase hex (see `digests.md5.status`).
    pub md5: Option<String>,
    /// Every digest with its status.
    pub digests: Digests,
    /// true: every digest present verified; false: a mismatch; null: not everything was checked
    /// (`--no-verify`).
    pub verified: Option<bool>,
    /// Signatures present in the signature header (`rsa`, `dsa`, `pgp`, `gpg`, `openpgp`), by tag;
    /// their verification is `signature`.
    pub signatures: Vec<&'static str>,
    /// Every signature checked against `--keyring`, and the package's verdict.
    pub signature: PackageSignature,
    /// Whether the main header is authenticated: its SHA-256 (or SHA-1) matches, or a signature
    /// verified. MD5 alone does not authenticate it.
    pub header_authenticated: bool,
    /// Findings that are not failures (a signature SIZE that disagrees with the file, ...).
    pub findings: Vec<Diagnostic>,
    /// Why the trust policy refuses the package (a bad signature; `--require-signature` and no
    /// verified signature); null when it does not.
    pub refusal: Option<Refusal>,
    /// The file split into chunks.
    pub chunks: Chunks,
    /// Number of files the package lists.
    pub file_count: usize,
    /// The upgrade-dependency YAML.
    pub upgrade_deps: UpgradeDeps,
    /// SUMMARY.
    pub summary: Option<String>,
    /// LICENSE.
    pub license: Option<String>,
    /// BUILDTIME (seconds since 1970-01-01 UTC).
    pub build_time: Option<u64>,
    /// BUILDHOST.
    pub build_host: Option<String>,
    /// SOURCERPM.
    pub source_rpm: Option<String>,
    /// OS.
    pub os: Option<String>,
}

impl PackageRecord {
    /// Whether any digest (including the upgrade YAML's) mismatched.
    pub fn has_mismatch(&self) -> bool {
        self.first_mismatch().is_some()
    }

    /// Whether the record shows a problem: a digest mismatch, or an upgrade YAML that the header
    /// lists but that could not be read out of the payload.
    pub fn has_problem(&self) -> bool {
        self.has_mismatch()
            || self.upgrade_deps.error.is_some()
            || self.signature.status == PackageStatus::Bad
            || self.refusal.is_some()
    }

    /// The trust policy's refusal as an error (see [`trust::judge`]); `hands_out` adds the
    /// authenticated-header requirement of commands that hand content out.
    pub fn trust_refusal(&self, policy: &TrustPolicy, hands_out: bool) -> Option<RpmError> {
        trust::judge(
            Path::new(&self.path),
            &self.signature,
            self.header_authenticated,
            policy,
            hands_out,
        )
    }

    /// The first mismatching digest, as an error.
    pub fn first_mismatch(&self) -> Option<RpmError> {
        let yaml = self
            .upgrade_deps
            .digest
            .as_ref()
            .map(|d| ("upgrade YAML file", d));
        self.digests
            .all()
            .into_iter()
            .chain(yaml)
            .find(|(_, d)| d.status == Status::Mismatch)
            .map(|(name, d)| RpmError::DigestMismatch {
                path: self.path.clone().into(),
                digest: name.to_string(),
                expected: d.expected.clone().unwrap_or_default(),
                actual: d.actual.clone().unwrap_or_default(),
            })
    }

    /// The package's identity.
    pub fn identity(&self) -> PackageIdentity {
        PackageIdentity {
            name: self.name.clone(),
            epoch: self.epoch,
            version: self.version.clone(),
            release: self.release.clone(),
            build: self.build.clone(),
            arch: self.arch.clone(),
            target: self.target.clone(),
        }
    }
}

fn chunks(file_size: u64, size: u64) -> Chunks {
    let size = size.max(1);
    Chunks {
        size,
        count: file_size.div_ceil(size),
    }
}

/// Builds the record from the headers alone (nothing from the payload is read; payload-dependent
/// digests are `unchecked`, header digests are checked).
pub fn record_from_headers(
    pkg: &Package,
    file_size: u64,
    chunk_size: u64,
) -> Result<PackageRecord, RpmError> {
    record_with_start(pkg, file_size, chunk_size, &[], None).map(|(r, _)| r)
}

fn record_with_start(
    pkg: &Package,
    file_size: u64,
    chunk_size: u64,
    payload_start: &[u8],
    keyring: Option<&Keyring>,
) -> Result<(PackageRecord, Vec<Found>), RpmError> {
    let id = pkg.identity()?;
    let main = pkg.main();
    let sig = pkg.signature();
    let (_, distribution) = super::split_release(&id.release);
    let md5 = sig.bin(tag::SIG_MD5)?.map(digest::hex);
    let header_sha1 = sig.string(tag::SIG_SHA1)?;
    let header_sha256 = sig.string(tag::SIG_SHA256)?;
    let raw = main.raw();
    let payload_algo = main
        .int(tag::PAYLOADDIGESTALGO)?
        .and_then(Algorithm::from_rpm_id);
    let payload_digest = main
        .strings(tag::PAYLOADDIGEST)?
        .and_then(|v| v.first().map(|s| String::from_utf8_lossy(s).into_owned()));
    let digests = Digests {
        md5: DigestCheck::new(Some(Algorithm::Md5), "header+payload", md5.clone(), None),
        header_sha1: DigestCheck::new(
            Some(Algorithm::Sha1),
            "header",
            header_sha1.clone(),
            header_sha1.as_ref().map(|_| Algorithm::Sha1.hex_of(raw)),
        ),
        header_sha256: DigestCheck::new(
            Some(Algorithm::Sha256),
            "header",
            header_sha256.clone(),
            header_sha256
                .as_ref()
                .map(|_| Algorithm::Sha256.hex_of(raw)),
        ),
        payload: DigestCheck::new(payload_algo, "payload", payload_digest, None),
    };
    let compressor_name = match pkg.compressor_tag()? {
        Some(name) => name,
        None => Compressor::sniff(payload_start)
            .unwrap_or(Compressor::Gzip)
            .name()
            .to_string(),
    };
    let files = pkg.files()?;
    let file_algo = pkg.file_digest_algorithm()?;
    let deps = find_upgrade_deps(&files);
    let upgrade_deps = UpgradeDeps {
        present: deps.is_some(),
        path: deps.map(|f| f.path.clone()),
        size: deps.map(|f| f.size),
        sha256: deps
            .filter(|_| file_algo == Some(Algorithm::Sha256))
            .and_then(|f| f.digest.clone()),
        digest: None,
        versions: None,
        valid: None,
        diagnostics: Vec::new(),
        error: None,
    };
    let mut signatures = Vec::new();
    for (t, name) in [
        (tag::SIG_RSA, "rsa"),
        (tag::SIG_DSA, "dsa"),
        (tag::SIG_PGP, "pgp"),
        (tag::SIG_GPG, "gpg"),
        (tag::SIG_OPENPGP, "openpgp"),
    ] {
        if sig.entry(t).is_some() {
            signatures.push(name);
        }
    }
    let installed_size = match main.int(tag::LONGSIZE)? {
        Some(v) => Some(v),
        None => main.int(tag::SIZE)?,
    };
    let signed_size = pkg.signed_size()?;
    let found = signature::examine(pkg, keyring);
    let findings: Vec<Diagnostic> = pkg.size_tag_finding().into_iter().collect();
    let mut record = PackageRecord {
        schema: PACKAGE_SCHEMA,
        path: pkg.path.display().to_string(),
        name: id.name,
        epoch: id.epoch,
        version: id.version,
        release: id.release,
        build: id.build,
        distribution,
        arch: id.arch,
        target: id.target,
        installed_size,
        file_size,
        signed_size,
        payload_compressor: compressor_name,
        payload_format: main.string(tag::PAYLOADFORMAT)?,
        payload_flags: main
            .string(tag::PAYLOADFLAGS)?
            .map(|f| PayloadFlags::parse(&f)),
        md5,
        digests,
        verified: None,
        signatures,
        signature: signature::summarize(&found, keyring.is_some()),
        header_authenticated: false,
        findings,
        refusal: None,
        chunks: chunks(file_size, chunk_size),
        file_count: files.len(),
        upgrade_deps,
        summary: main.string(tag::SUMMARY)?,
        license: main.string(tag::LICENSE)?,
        build_time: main.int(tag::BUILDTIME)?,
        build_host: main.string(tag::BUILDHOST)?,
        source_rpm: main.string(tag::SOURCERPM)?,
        os: main.string(tag::OS)?,
    };
    record.header_authenticated = header_authenticated(&record);
    record.verified = overall(&record);
    Ok((record, found))
}

fn header_authenticated(record: &PackageRecord) -> bool {
    record.digests.header_sha256.status == Status::Verified
        || record.digests.header_sha1.status == Status::Verified
        || record.signature.status == PackageStatus::Verified
}

fn overall(record: &PackageRecord) -> Option<bool> {
    if record.has_mismatch() || record.signature.status == PackageStatus::Bad {
        return Some(false);
    }
    let unchecked = record
        .digests
        .all()
        .iter()
        .any(|(_, d)| d.status == Status::Unchecked);
    if unchecked { None } else { Some(true) }
}

/// Inspects the package at `path`. Digest mismatches are reported in the record (see
/// [`PackageRecord::has_mismatch`]), not as errors; errors mean the file is unreadable or not a
/// valid RPM.
pub fn inspect(path: &Path, options: &InspectOptions) -> Result<PackageRecord, RpmError> {
    inspect_keep_yaml(path, options).map(|(r, _)| r)
}

/// Like [`inspect`], also returning the upgrade YAML's bytes when they were read.
pub fn inspect_keep_yaml(
    path: &Path,
    options: &InspectOptions,
) -> Result<(PackageRecord, Option<Vec<u8>>), RpmError> {
    let (pkg, mut reader) = Package::open(path)?;
    let file_size = reader
        .get_ref()
        .metadata()
        .map_err(|e| RpmError::io(path, e))?
        .len();
    let start = super::peek(&mut reader, path)?;
    let (mut record, mut found) = record_with_start(
        &pkg,
        file_size,
        options.chunk_size,
        &start,
        options.trust.keyring(),
    )?;
    if !options.verify {
        if let Some(finding) = pkg.size_finding(file_size, None)? {
            record.findings.push(finding);
        }
        settle(&mut record, &found, options);
        return Ok((record, None));
    }
    let files = pkg.files()?;
    let file_algo = pkg.file_digest_algorithm()?;
    let deps = find_upgrade_deps(&files).cloned();
    let compressor = pkg.compressor(&start);
    let payload_algo = record.digests.payload.algorithm;
    let want_payload_digest = record.digests.payload.expected.is_some() && payload_algo.is_some();

    // A multi-block xz payload: the upgrade YAML is read by decoding only its blocks, on its own
    // thread and file handle, while the file streams through the hashes.
    let stripped = pkg.main().entry(tag::LONGFILESIZES).is_some();
    let seek_plan = match (&deps, &compressor) {
        (Some(target), Ok(Compressor::Xz)) if target.is_regular() && !target.is_ghost() => {
            crate::input::open_seekable(path).ok().and_then(|mut f| {
                let index = seek::read_index(&mut f, pkg.headers.payload_offset, file_size).ok()?;
                (index.blocks.len() > 1).then_some((f, index, target))
            })
        }
        _ => None,
    };

    let mut md5 = Algorithm::Md5.hasher();
    md5.update(pkg.main().raw());
    // Two heavy threads at most besides the MD5 one, with balanced work, as the machine may have
    // only two cores: the payload digest is taken by the thread that decompresses the payload
    // for the YAML when there is one (decoding stops at the YAML; hashing then goes on to the
    // end), else by the reading thread (see `fan_out`). The payload starts where the main header
    // ends; the MD5 has been given that header already.
    let mut payload_hasher = payload_algo
        .filter(|_| want_payload_digest)
        .map(|algo| algo.hasher());
    let mut yaml_result: Option<Result<YamlRead, String>> = None;
    let mut consumers: Vec<digest::Consumer<'_>> = Vec::new();
    let mut reader_hasher = None;
    if let (Some(target), None) = (&deps, &seek_plan) {
        let slot = &mut yaml_result;
        let files = &files;
        let compressor = &compressor;
        let hasher = &mut payload_hasher;
        consumers.push(Box::new(move |mut r| {
            *slot = Some(match hasher {
                Some(h) => {
                    let found = read_yaml(
                        digest::HashingReader::new(&mut r, h),
                        compressor,
                        files,
                        target,
                        file_algo,
                    );
                    // A read error leaves the digest unknown (unchecked), never half-hashed.
                    if digest::hash_all(&mut r, h).is_err() {
                        *hasher = None;
                    }
                    found
                }
                None => read_yaml(r, compressor, files, target, file_algo),
            });
        }));
    } else {
        reader_hasher = payload_hasher.take();
    }
    // Header+payload signatures (legacy PGP/GPG tags) with a key in the keyring: each verified on
    // its own thread over the main header and the payload as they stream by.
    let main_raw = pkg.main().raw();
    for f in found.iter_mut().filter(|f| f.needs_payload()) {
        consumers.push(Box::new(move |r| {
            f.verify_stream(std::io::Read::chain(main_raw, r));
        }));
    }
    let payload_offset = pkg.headers.payload_offset;
    let (read, seeked) = std::thread::scope(|scope| {
        let files = &files;
        let seeker = seek_plan.map(|(mut f, index, target)| {
            scope.spawn(move || {
                let wanted = seek::Wanted {
                    files,
                    target,
                    stripped,
                    algorithm: file_algo,
                    limit: limits::MAX_YAML_BYTES as u64,
                };
                seek::read_file_with_index(&mut f, payload_offset, &index, &wanted)
            })
        });
        let progress = options.progress.as_ref();
        let read = digest::fan_out(
            &mut reader,
            |b| md5.update(b),
            |b| {
                if let Some(h) = &mut reader_hasher {
                    h.update(b);
                }
                if let Some(p) = progress {
                    (p.0)(b.len() as u64);
                }
            },
            consumers,
        );
        (read, seeker.map(|h| h.join()))
    });
    read.map_err(|e| RpmError::io(path, e))?;
    match seeked {
        Some(Ok(Ok((bytes, digest)))) => {
            let sha256 = Algorithm::Sha256.hex_of(&bytes);
            yaml_result = Some(Ok((bytes, sha256, digest)));
        }
        Some(_) => {
            // The seek disagreed with the file (or failed): stream the payload again to be sure.
            if let Some(target) = &deps {
                let (_, again) = Package::open(path)?;
                yaml_result = Some(read_yaml(again, &compressor, &files, target, file_algo));
            }
        }
        None => {}
    }
    record.digests.md5.actual = Some(md5.finalize_hex());
    record.digests.md5 = recheck(&record.digests.md5);
    if want_payload_digest {
        record.digests.payload.actual = payload_hasher
            .or(reader_hasher)
            .map(digest::Hasher::finalize_hex);
        record.digests.payload = recheck(&record.digests.payload);
    }
    let mut yaml_bytes = None;
    if let (Some(target), Some(result)) = (&deps, yaml_result) {
        match result {
            Ok((bytes, sha256, file_digest)) => {
                let check = DigestCheck::new(file_algo, "file", target.digest.clone(), file_digest);
                record.upgrade_deps.sha256 = Some(sha256);
                record.upgrade_deps.size = Some(bytes.len() as u64);
                fill_document(&mut record, &bytes);
                record.upgrade_deps.digest = Some(check);
                yaml_bytes = Some(bytes);
            }
            Err(message) => record.upgrade_deps.error = Some(message),
        }
    }
    let verified_all = [&record.digests.md5, &record.digests.payload]
        .iter()
        .all(|d| d.status != Status::Mismatch)
        && [&record.digests.md5, &record.digests.payload]
            .iter()
            .any(|d| d.status == Status::Verified);
    if let Some(finding) = pkg.size_finding(file_size, Some(verified_all))? {
        record.findings.push(finding);
    }
    settle(&mut record, &found, options);
    Ok((record, yaml_bytes))
}

/// Fills the signature verdict, header authentication, overall verdict and trust refusal.
fn settle(record: &mut PackageRecord, found: &[Found], options: &InspectOptions) {
    record.signature = signature::summarize(found, options.trust.keyring.is_some());
    record.header_authenticated = header_authenticated(record);
    record.verified = overall(record);
    record.refusal = record
        .trust_refusal(&options.trust, false)
        .map(|e| Refusal {
            kind: e.kind(),
            message: e.to_string(),
        });
}

/// The upgrade YAML read out of the payload: its bytes, their SHA-256, their file digest.
type YamlRead = (Vec<u8>, String, Option<String>);

fn recheck(d: &DigestCheck) -> DigestCheck {
    DigestCheck::new(d.algorithm, d.covers, d.expected.clone(), d.actual.clone())
}

fn read_yaml<R: std::io::BufRead + Send>(
    reader: R,
    compressor: &Result<Compressor, RpmError>,
    files: &[super::FileEntry],
    target: &super::FileEntry,
    file_algo: Option<Algorithm>,
) -> Result<YamlRead, String> {
    let compressor = compressor.as_ref().map_err(|e| e.to_string())?;
    if !target.is_regular() || target.is_ghost() {
        return Err(format!("{} is {}", target.path, target.kind()));
    }
    let decoder = payload::decoder(*compressor, reader)
        .map_err(|e| format!("the {} payload cannot be decoded: {e}", compressor.name()))?;
    let mut bytes = Vec::new();
    let (_, digest) = extract::copy_entry(
        decoder,
        files,
        target,
        file_algo,
        &mut bytes,
        limits::MAX_YAML_BYTES as u64,
    )
    .map_err(|e| match e {
        CopyError::NotInPayload => format!(
            "{} is listed in the header but not in the payload",
            target.path
        ),
        other => format!(
            "cannot read {} out of the payload: {}",
            target.path,
            other.describe()
        ),
    })?;
    let sha256 = Algorithm::Sha256.hex_of(&bytes);
    Ok((bytes, sha256, digest))
}

fn fill_document(record: &mut PackageRecord, bytes: &[u8]) {
    let deps = &mut record.upgrade_deps;
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
        Err(e) => {
            deps.valid = Some(false);
            deps.versions = Some(Vec::new());
            deps.diagnostics = vec![Diagnostic::error(
                "yaml-syntax",
                None,
                format!(
                    "the file is not UTF-8 text: invalid byte at offset {}",
                    e.valid_up_to()
                ),
            )];
            return;
        }
    };
    let parsed = Document::parse(text, None);
    let mut valid = !parsed.diagnostics.iter().any(Diagnostic::is_error);
    let mut diagnostics = parsed.diagnostics;
    if let (true, Some(doc)) = (valid, &parsed.document)
        && let Err(more) = crate::DepGraph::from_document(doc)
    {
        valid = false;
        diagnostics.extend(more);
    }
    deps.versions = Some(
        parsed
            .document
            .map(|d| d.entries.into_iter().map(|e| e.version.text).collect())
            .unwrap_or_default(),
    );
    deps.valid = Some(valid);
    deps.diagnostics = diagnostics;
}

/// Inspects every package on all cores (each also hashes on its own threads); results in input
/// order. Used by `inspect` with several packages and by `rollout --packages DIR`.
pub fn inspect_many(
    packages: &[PathBuf],
    options: &InspectOptions,
) -> Vec<Result<PackageRecord, RpmError>> {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    if packages.len() <= 1 || workers == 1 {
        return packages.iter().map(|p| inspect(p, options)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<Result<PackageRecord, RpmError>>> = Vec::new();
    slots.resize_with(packages.len(), || None);
    let done = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.min(packages.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = packages.get(i) else { break };
                        mine.push((i, inspect(path, options)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().ok())
            .flatten()
            .collect::<Vec<_>>()
    });
    for (i, r) in done {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(r);
        }
    }
    slots
        .into_iter()
        .zip(packages)
        .map(|(slot, path)| {
            slot.unwrap_or_else(|| {
                Err(RpmError::Io {
                    path: path.clone(),
                    source: std::io::Error::other(
                        "the worker thread inspecting this package failed",
                    ),
                })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_counts_cover_every_byte() {
        assert_eq!(chunks(0, 8).count, 0);
        assert_eq!(chunks(1, 8).count, 1);
        assert_eq!(chunks(8, 8).count, 1);
        assert_eq!(chunks(9, 8).count, 2);
        assert_eq!(chunks(9, 0).size, 1);
    }
}
