//! RPM packages: header metadata, digest verification, and files streamed out of the payload
//! (notably the upgrade-dependency YAML OceanBase ships at [`UPGRADE_DEPS_PATH`]).
//!
//! * [`header`]: lead, signature header and main header, parsed with librpm's limits.
//! * [`digest`]: MD5 / SHA-1 / SHA-256 checks, read-once multi-threaded hashing.
//! * [`payload`]: streaming decompression (xz, zstd, gzip, bzip2, lzma, none).
//! * [`cpio`]: the archive walk (newc and rpm's stripped large-file format).
//! * [`seek`]: one file out of a multi-block xz payload, decoding only the blocks that hold it.
//! * [`inspect`](mod@inspect): the package record `upgrade-planner inspect` prints.
//! * [`extract`](mod@extract): one file out of the payload, checked against the header's digests.
//!
//! ```no_run
//! use upgrade_planner::rpm::{self, InspectOptions};
//!
//! let record = rpm::inspect("oceanbase-ce-4.2.1.1-101000062023110109.el7.x86_64.rpm".as_ref(),
//!                           &InspectOptions::default())?;
//! assert!(record.verified == Some(true));
//! println!("{} supports {:?}", record.version, record.upgrade_deps.versions);
//! # Ok::<(), upgrade_planner::rpm::RpmError>(())
//! ```

mod bomb;
pub mod cpio;
pub mod digest;
pub mod extract;
pub mod header;
pub mod inspect;
pub mod md5;
pub mod payload;
pub mod seek;
pub mod signature;
pub mod trust;

pub use extract::{Extracted, extract, extract_with};
pub use inspect::{InspectOptions, PACKAGE_SCHEMA, PackageRecord, Progress, inspect, inspect_many};
pub use signature::{Keyring, KeyringError};
pub use trust::TrustPolicy;

use crate::depgraph::{DepGraph, LoadError};
use digest::Algorithm;
use header::{Header, Headers, tag};
use payload::Compressor;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Where OceanBase packages carry their upgrade-dependency file.
pub const UPGRADE_DEPS_PATH: &str = "/home/admin/oceanbase/etc/oceanbase_upgrade_dep.yml";
/// Base name of the upgrade-dependency file (used when a package has it elsewhere).
pub const UPGRADE_DEPS_NAME: &str = "oceanbase_upgrade_dep.yml";

/// Why a package cannot be read, or was refused.
#[derive(Debug, Error)]
pub enum RpmError {
    /// The file cannot be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The file is not an RPM package.
    #[error("`{}` is not an RPM package: {reason}", path.display())]
    NotRpm {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// The file ends inside its lead or headers.
    #[error(
        "`{}` is truncated: its {section} at byte {offset} needs {needed} bytes but only {available} remain; \
         download the package again",
        path.display()
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// What was being read.
        section: &'static str,
        /// Offset of that part in the file.
        offset: u64,
        /// Bytes it needs.
        needed: u64,
        /// Bytes the file still had.
        available: u64,
    },
    /// The lead or a header breaks the format or librpm's limits.
    #[error("`{}`: malformed {section} at byte {offset}: {message}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Which part (`lead`, `signature header`, `main header`, `file list`).
        section: &'static str,
        /// Offset in the file (of the header, or of the index entry at fault).
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// A header tag has a data type other than the one rpm writes.
    #[error("`{}`: header tag {tag} has type {found}, expected {expected}", path.display())]
    WrongType {
        /// The file.
        path: PathBuf,
        /// The tag.
        tag: u32,
        /// Its type in the file.
        found: &'static str,
        /// The type rpm writes.
        expected: String,
    },
    /// A digest does not match: the package is damaged or was altered.
    #[error(
        "`{}`: {digest} digest mismatch (expected {expected}, computed {actual}): the package is damaged \
         or was altered; do not use it, fetch it again from a trusted source",
        path.display()
    )]
    DigestMismatch {
        /// The file.
        path: PathBuf,
        /// Which digest (`header SHA-256`, `file /x/y (sha256)`, `MD5`, ...).
        digest: String,
        /// The declared value.
        expected: String,
        /// The computed value.
        actual: String,
    },
    /// The payload cannot be decompressed or walked although the header verified.
    #[error(
        "`{}`: the payload is corrupt ({message}); the header verified, so the payload was damaged or \
         altered; run `upgrade-planner inspect` to check every digest",
        path.display()
    )]
    CorruptPayload {
        /// The file.
        path: PathBuf,
        /// What failed, with the archive offset.
        message: String,
    },
    /// The payload compressor is not one this tool decodes.
    #[error("`{}`: unsupported payload compressor `{name}` (supported: xz, zstd, gzip, bzip2, lzma, none)", path.display())]
    UnsupportedCompressor {
        /// The file.
        path: PathBuf,
        /// The PAYLOADCOMPRESSOR value.
        name: String,
    },
    /// The requested file is not in the package.
    #[error("`{}` has no file `{file}`{hint}", path.display())]
    FileNotFound {
        /// The package.
        path: PathBuf,
        /// The file asked for.
        file: String,
        /// A suggestion (closest names), starting with "; ".
        hint: String,
    },
    /// The requested file is not a regular file with content in the payload.
    #[error("`{}`: `{file}` is {kind}, not a regular file; nothing to extract", path.display())]
    NotRegular {
        /// The package.
        path: PathBuf,
        /// The file asked for.
        file: String,
        /// What it is (`a directory`, `a symlink to x`, `a %ghost file`).
        kind: String,
    },
    /// The package carries no upgrade-dependency file.
    #[error(
        "`{}` has no upgrade-dependency file (looked for {UPGRADE_DEPS_PATH} and any `{UPGRADE_DEPS_NAME}`); \
         it carries no upgrade routes (plan with --deps FILE instead; `extract --file PATH` takes any other file out of it)",
        path.display()
    )]
    NoUpgradeDeps {
        /// The package.
        path: PathBuf,
    },
    /// The upgrade-dependency file inside the package is invalid.
    #[error("`{}`: the upgrade-dependency file inside the package is invalid: {source}", path.display())]
    InvalidUpgradeDeps {
        /// The package.
        path: PathBuf,
        /// The loader's error.
        source: Box<LoadError>,
    },
    /// A signature of the package does not verify (or cannot be parsed).
    #[error(
        "`{}`: bad signature: {detail}; the package was altered or its signature damaged: do not \
         use it, fetch it again from a trusted source",
        path.display()
    )]
    BadSignature {
        /// The package.
        path: PathBuf,
        /// Which signature, and why.
        detail: String,
    },
    /// `--require-signature` was given and the package's signature status is not `verified`.
    #[error(
        "`{}`: a verified signature is required (--require-signature) but the package is {status}: \
         {found}; {hint}",
        path.display()
    )]
    SignatureRequired {
        /// The package.
        path: PathBuf,
        /// The package's signature status (`unsigned`, `no_key`, `unsupported`, `not_checked`).
        status: &'static str,
        /// What was found, signature by signature.
        found: String,
        /// What to do.
        hint: &'static str,
    },
    /// The main header is authenticated by nothing, and content was to be handed out from it.
    #[error(
        "`{}`: the main header is authenticated by nothing: {detail}; MD5 alone does not \
         authenticate it, so nothing is handed out from this package (a signature verified with \
         --keyring would)",
        path.display()
    )]
    UnverifiedHeader {
        /// The package.
        path: PathBuf,
        /// What the package has instead.
        detail: String,
    },
    /// Writing the output failed.
    #[error("cannot write `{target}`: {source}")]
    Write {
        /// Where.
        target: String,
        /// The operating-system error.
        source: std::io::Error,
    },
}

impl RpmError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> RpmError {
        RpmError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn truncated(
        path: &Path,
        section: &'static str,
        offset: u64,
        needed: u64,
        available: u64,
    ) -> RpmError {
        RpmError::Truncated {
            path: path.to_path_buf(),
            section,
            offset,
            needed,
            available,
        }
    }

    pub(crate) fn malformed(
        path: &Path,
        section: &'static str,
        offset: u64,
        message: impl Into<String>,
    ) -> RpmError {
        RpmError::Malformed {
            path: path.to_path_buf(),
            section,
            offset,
            message: message.into(),
        }
    }

    /// Stable snake_case name of the error, used as `error.kind` in JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            RpmError::Io { .. } => "unreadable",
            RpmError::NotRpm { .. } => "not_rpm",
            RpmError::Truncated { .. } => "truncated",
            RpmError::Malformed { .. } | RpmError::WrongType { .. } => "malformed",
            RpmError::DigestMismatch { .. } => "digest_mismatch",
            RpmError::CorruptPayload { .. } => "corrupt_payload",
            RpmError::UnsupportedCompressor { .. } => "unsupported_compressor",
            RpmError::FileNotFound { .. } => "file_not_found",
            RpmError::NotRegular { .. } => "not_regular_file",
            RpmError::NoUpgradeDeps { .. } => "no_upgrade_deps",
            RpmError::InvalidUpgradeDeps { .. } => "invalid_upgrade_deps",
            RpmError::Write { .. } => "write_failed",
            RpmError::BadSignature { .. } => "bad_signature",
            RpmError::SignatureRequired { .. } => "signature_required",
            RpmError::UnverifiedHeader { .. } => "unverified_header",
        }
    }

    /// Whether the package was read and refused (damaged, altered, or lacking what was asked),
    /// as opposed to unreadable or not an RPM. The CLI exits 1 for these, 2 for the others.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            RpmError::DigestMismatch { .. }
                | RpmError::CorruptPayload { .. }
                | RpmError::FileNotFound { .. }
                | RpmError::NotRegular { .. }
                | RpmError::NoUpgradeDeps { .. }
                | RpmError::BadSignature { .. }
                | RpmError::SignatureRequired { .. }
                | RpmError::UnverifiedHeader { .. }
        )
    }
}

/// One file of the package, from the main header's file list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Index in the header's file arrays (the `fx` of stripped cpio entries).
    pub index: usize,
    /// Absolute path (`/home/admin/...`), lossily decoded as UTF-8.
    pub path: String,
    /// Size in bytes (LONGFILESIZES, else FILESIZES).
    pub size: u64,
    /// Mode bits (type and permissions).
    pub mode: u32,
    /// Declared digest, lowercase hex (none for non-regular files).
    pub digest: Option<String>,
    /// Symlink target.
    pub link_to: Option<String>,
    /// RPMFILE_* flags.
    pub flags: u32,
    /// Device of the file at build time (hard-link sets share device and inode).
    pub device: u32,
    /// Inode of the file at build time.
    pub inode: u32,
}

/// `RPMFILE_GHOST`: the file is owned but not shipped in the payload.
pub const RPMFILE_GHOST: u32 = 1 << 6;
const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const S_IFLNK: u32 = 0o120000;

impl FileEntry {
    /// Whether this is a regular file.
    pub fn is_regular(&self) -> bool {
        self.mode & S_IFMT == S_IFREG
    }

    /// Whether this is a `%ghost` (not in the payload).
    pub fn is_ghost(&self) -> bool {
        self.flags & RPMFILE_GHOST != 0
    }

    /// What the file is, for messages (`a directory`, `a symlink to x`, ...).
    pub fn kind(&self) -> String {
        if self.is_ghost() {
            return "a %ghost file (owned by the package but not shipped in it)".into();
        }
        match self.mode & S_IFMT {
            S_IFREG => "a regular file".into(),
            S_IFDIR => "a directory".into(),
            S_IFLNK => format!("a symlink to `{}`", self.link_to.as_deref().unwrap_or("?")),
            _ => "a special file".into(),
        }
    }
}

/// The identity of a package as an upgrade target.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PackageIdentity {
    /// NAME.
    pub name: String,
    /// EPOCH, when present.
    pub epoch: Option<u64>,
    /// VERSION.
    pub version: String,
    /// RELEASE.
    pub release: String,
    /// The release before its first `.` (the OceanBase build number).
    pub build: String,
    /// ARCH.
    pub arch: String,
    /// `VERSION-BUILD`: the node this package installs, the default planning target.
    pub target: String,
}

/// A package's headers, opened from a file or bytes.
#[derive(Debug, Clone)]
pub struct Package {
    /// Where it was read from (for messages).
    pub path: PathBuf,
    /// The lead and headers.
    pub headers: Headers,
}

fn split_release(release: &str) -> (String, Option<String>) {
    let build = release.split('.').next().unwrap_or(release).to_string();
    let distribution = release
        .rsplit_once('.')
        .map(|(_, d)| d.to_string())
        .filter(|d| !d.is_empty());
    (build, distribution)
}

impl Package {
    /// Opens a package and reads its headers; returns it with a reader positioned at the payload.
    pub fn open(path: &Path) -> Result<(Package, BufReader<std::fs::File>), RpmError> {
        let file = crate::input::open_seekable(path).map_err(|e| RpmError::io(path, e))?;
        // 64 KiB: below glibc's mmap threshold (128 KiB), so the buffer comes from the heap and is
        // reused from one package to the next instead of being mapped, faulted in and unmapped
        // for each (a third of the CPU time of `inspect --no-verify` over many small packages).
        // Larger reads (1 MiB blocks when hashing) bypass it.
        let mut reader = BufReader::with_capacity(64 * 1024, file);
        let headers = header::read_headers(&mut reader, path)?;
        Ok((
            Package {
                path: path.to_path_buf(),
                headers,
            },
            reader,
        ))
    }

    /// Parses the headers at the start of `bytes`.
    pub fn from_bytes(bytes: &[u8], label: &Path) -> Result<Package, RpmError> {
        Ok(Package {
            path: label.to_path_buf(),
            headers: header::parse_headers(bytes, label)?,
        })
    }

    /// The main header.
    pub fn main(&self) -> &Header {
        &self.headers.main
    }

    /// The signature header.
    pub fn signature(&self) -> &Header {
        &self.headers.signature
    }

    /// What the signature header says main header + payload weigh (LONGSIZE, else SIZE).
    /// A size tag whose type or count is not what rpm writes (INT32 / INT64, count 1) is not read
    /// (see [`Package::size_tag_finding`]).
    pub fn signed_size(&self) -> Result<Option<u64>, RpmError> {
        let sig = self.signature();
        let read = |t: u32, want: header::DataType| -> Result<Option<u64>, RpmError> {
            match sig.entry(t) {
                Some(e) if e.data_type == want && e.count == 1 => sig.int(t),
                _ => Ok(None),
            }
        };
        Ok(
            match read(header::tag::SIG_LONGSIZE, header::DataType::Int64)? {
                Some(v) => Some(v),
                None => read(header::tag::SIG_SIZE, header::DataType::Int32)?,
            },
        )
    }

    /// A finding for a signature SIZE or LONGSIZE tag that is not the INT32 / INT64 with count 1
    /// rpm writes: librpm never reads these tags, so the package is not refused, but the size is
    /// not read either.
    pub fn size_tag_finding(&self) -> Option<crate::Diagnostic> {
        let sig = self.signature();
        [
            (header::tag::SIG_SIZE, "SIZE", header::DataType::Int32),
            (header::tag::SIG_LONGSIZE, "LONGSIZE", header::DataType::Int64),
        ]
        .into_iter()
        .find_map(|(t, name, want)| {
            let e = sig.entry(t)?;
            (e.data_type != want || e.count != 1).then(|| {
                crate::Diagnostic::warning(
                    "signed-size-unreadable",
                    None,
                    format!(
                        "the signature header's {name} tag ({t}) has type {} and count {} where rpm \
                         writes {} with count 1; it is not read (librpm never reads it either)",
                        e.data_type.name(),
                        e.count,
                        want.name()
                    ),
                )
            })
        })
    }

    /// Judges a signature SIZE/LONGSIZE that disagrees with the file. No digest covers these
    /// tags (librpm never reads them), so a disagreement alone proves nothing: `digests_ok` says
    /// whether the digests over header + payload (MD5, payload digest) were computed and verified
    /// (`None`: not computed, `--no-verify`).
    ///
    /// * The size agrees, or is absent: nothing to say.
    /// * The digests verified: the bytes are whole and the size is wrong, a finding (warning).
    /// * They did not, and the file ends before the size says: `truncated` (exit 2), so a cut
    ///   download is said as such rather than as a digest mismatch.
    /// * They did not and the file is not shorter: nothing here (the mismatch speaks).
    /// * Not computed: a finding saying the size disagrees and was not checked.
    pub fn size_finding(
        &self,
        file_size: u64,
        digests_ok: Option<bool>,
    ) -> Result<Option<crate::Diagnostic>, RpmError> {
        let Some(signed) = self.signed_size()? else {
            return Ok(None);
        };
        let main_start = self.main().file_offset();
        let have = file_size.saturating_sub(main_start);
        if signed == have {
            return Ok(None);
        }
        let said = format!(
            "the signature header says header + payload weigh {signed} bytes, the file has {have}"
        );
        let finding = |why: &str| {
            Some(crate::Diagnostic::warning(
                "signed-size-mismatch",
                None,
                format!("{said}: {why}"),
            ))
        };
        match digests_ok {
            Some(true) => Ok(finding(
                "the digests over header and payload verify, so the bytes are whole and the size \
                 tag (which no digest covers) is wrong; rpm accepts such a package",
            )),
            Some(false) if signed > have => Err(RpmError::truncated(
                &self.path,
                "header + payload (signature header size; the digests do not verify)",
                main_start,
                signed,
                have,
            )),
            Some(false) => Ok(None),
            None => Ok(finding(
                "not checked (--no-verify: the payload was not read, run without it to tell a cut \
                 download from a wrong size tag)",
            )),
        }
    }

    /// [`Package::size_finding`] for a caller that has not read the payload (`extract`): when
    /// the size disagrees, the file at `path` is read once to verify MD5 and the payload digest
    /// before judging. A size that agrees costs nothing.
    pub fn judge_size_by_reading(
        &self,
        path: &Path,
        file_size: u64,
    ) -> Result<Option<crate::Diagnostic>, RpmError> {
        let Some(signed) = self.signed_size()? else {
            return Ok(None);
        };
        if signed == file_size.saturating_sub(self.main().file_offset()) {
            return Ok(None);
        }
        self.size_finding(file_size, Some(self.whole_file_digests_verify(path)?))
    }

    /// Reads the package from its main header to its end and says whether MD5 and the payload
    /// digest (those present) verify, at least one being present.
    fn whole_file_digests_verify(&self, path: &Path) -> Result<bool, RpmError> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = crate::input::open_seekable(path).map_err(|e| RpmError::io(path, e))?;
        file.seek(SeekFrom::Start(self.headers.payload_offset))
            .map_err(|e| RpmError::io(path, e))?;
        let md5_expected = self.signature().bin(tag::SIG_MD5)?.map(digest::hex);
        let payload_algo = self
            .main()
            .int(tag::PAYLOADDIGESTALGO)?
            .and_then(Algorithm::from_rpm_id);
        let payload_expected = self
            .main()
            .strings(tag::PAYLOADDIGEST)?
            .and_then(|v| v.first().map(|s| String::from_utf8_lossy(s).into_owned()));
        let mut md5 = Algorithm::Md5.hasher();
        md5.update(self.main().raw());
        let mut payload = payload_algo.map(Algorithm::hasher);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(RpmError::io(path, e)),
            };
            let chunk = buf.get(..n).unwrap_or_default();
            md5.update(chunk);
            if let Some(h) = payload.as_mut() {
                h.update(chunk);
            }
        }
        let checks = [
            digest::DigestCheck::new(
                None,
                "header+payload",
                md5_expected,
                Some(md5.finalize_hex()),
            ),
            digest::DigestCheck::new(
                None,
                "payload",
                payload_expected,
                payload.map(digest::Hasher::finalize_hex),
            ),
        ];
        Ok(checks.iter().all(|c| c.status != digest::Status::Mismatch)
            && checks.iter().any(|c| c.status == digest::Status::Verified))
    }

    fn required_string(&self, t: u32, name: &str) -> Result<String, RpmError> {
        self.main().string(t)?.ok_or_else(|| {
            RpmError::malformed(
                &self.path,
                "main header",
                self.main().file_offset(),
                format!("the {name} tag ({t}) is missing"),
            )
        })
    }

    /// Name, epoch, version, release, build and arch.
    pub fn identity(&self) -> Result<PackageIdentity, RpmError> {
        let name = self.required_string(tag::NAME, "NAME")?;
        let version = self.required_string(tag::VERSION, "VERSION")?;
        let release = self.required_string(tag::RELEASE, "RELEASE")?;
        let arch = self.main().string(tag::ARCH)?.unwrap_or_default();
        let epoch = self.main().int(tag::EPOCH)?;
        let (build, _) = split_release(&release);
        Ok(PackageIdentity {
            target: format!("{version}-{build}"),
            name,
            epoch,
            version,
            release,
            build,
            arch,
        })
    }

    /// The PAYLOADCOMPRESSOR tag, as written.
    pub fn compressor_tag(&self) -> Result<Option<String>, RpmError> {
        self.main().string(tag::PAYLOADCOMPRESSOR)
    }

    /// The payload compression: from the tag, or sniffed from the payload's first bytes when the
    /// tag is absent (rpm omits it for uncompressed payloads).
    pub fn compressor(&self, payload_start: &[u8]) -> Result<Compressor, RpmError> {
        match self.compressor_tag()? {
            Some(name) => Compressor::from_tag(&name).ok_or(RpmError::UnsupportedCompressor {
                path: self.path.clone(),
                name,
            }),
            None => Ok(Compressor::sniff(payload_start).unwrap_or(Compressor::Gzip)),
        }
    }

    /// Algorithm of the per-file digests (FILEDIGESTALGO; MD5 when absent, as in rpm).
    pub fn file_digest_algorithm(&self) -> Result<Option<Algorithm>, RpmError> {
        Ok(match self.main().int(tag::FILEDIGESTALGO)? {
            None => Some(Algorithm::Md5),
            Some(id) => Algorithm::from_rpm_id(id),
        })
    }

    /// The file list, in header order (sorted by path, as rpm writes it).
    pub fn files(&self) -> Result<Vec<FileEntry>, RpmError> {
        let h = self.main();
        let bad = |message: String| {
            RpmError::malformed(&self.path, "file list", h.file_offset(), message)
        };
        let paths: Vec<String> = match (h.strings(tag::BASENAMES)?, h.strings(tag::OLDFILENAMES)?) {
            (Some(base), _) => {
                let dirs = h.strings(tag::DIRNAMES)?.unwrap_or_default();
                let idx = h.ints(tag::DIRINDEXES)?.unwrap_or_default();
                if idx.len() != base.len() {
                    return Err(bad(format!(
                        "{} base names but {} directory indexes",
                        base.len(),
                        idx.len()
                    )));
                }
                let mut out = Vec::with_capacity(base.len());
                for (b, &i) in base.iter().zip(&idx) {
                    let d = usize::try_from(i)
                        .ok()
                        .and_then(|i| dirs.get(i))
                        .ok_or_else(|| {
                            bad(format!(
                                "directory index {i} is past the {} directory names",
                                dirs.len()
                            ))
                        })?;
                    let mut p = String::from_utf8_lossy(d).into_owned();
                    p.push_str(&String::from_utf8_lossy(b));
                    out.push(p);
                }
                out
            }
            (None, Some(old)) => old
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect(),
            (None, None) => Vec::new(),
        };
        let n = paths.len();
        let sizes = match h.ints(tag::LONGFILESIZES)? {
            Some(v) => v,
            None => h.ints(tag::FILESIZES)?.unwrap_or_default(),
        };
        let modes = h.ints(tag::FILEMODES)?.unwrap_or_default();
        let digests = h.strings(tag::FILEDIGESTS)?.unwrap_or_default();
        let links = h.strings(tag::FILELINKTOS)?.unwrap_or_default();
        let flags = h.ints(tag::FILEFLAGS)?.unwrap_or_default();
        let devices = h.ints(tag::FILEDEVICES)?.unwrap_or_default();
        let inodes = h.ints(tag::FILEINODES)?.unwrap_or_default();
        for (name, len) in [("FILESIZES", sizes.len()), ("FILEMODES", modes.len())] {
            if len != n {
                return Err(bad(format!("{n} files but {len} {name}")));
            }
        }
        for (name, len) in [
            ("FILEDIGESTS", digests.len()),
            ("FILELINKTOS", links.len()),
            ("FILEFLAGS", flags.len()),
            ("FILEDEVICES", devices.len()),
            ("FILEINODES", inodes.len()),
        ] {
            if len != n && len != 0 {
                return Err(bad(format!("{n} files but {len} {name}")));
            }
        }
        let text = |v: Option<&&[u8]>| {
            v.filter(|s| !s.is_empty())
                .map(|s| String::from_utf8_lossy(s).into_owned())
        };
        Ok(paths
            .into_iter()
            .enumerate()
            .map(|(i, path)| FileEntry {
                index: i,
                path,
                size: sizes.get(i).copied().unwrap_or(0),
                mode: modes.get(i).copied().unwrap_or(0) as u32,
                digest: text(digests.get(i)).map(|d| d.to_ascii_lowercase()),
                link_to: text(links.get(i)),
                flags: flags.get(i).copied().unwrap_or(0) as u32,
                device: devices.get(i).copied().unwrap_or(0) as u32,
                inode: inodes.get(i).copied().unwrap_or(0) as u32,
            })
            .collect())
    }
}

/// Finds the upgrade-dependency file: [`UPGRADE_DEPS_PATH`], else the first regular file named
/// [`UPGRADE_DEPS_NAME`] in header order.
pub fn find_upgrade_deps(files: &[FileEntry]) -> Option<&FileEntry> {
    files
        .iter()
        .find(|f| f.path == UPGRADE_DEPS_PATH)
        .or_else(|| {
            files.iter().find(|f| {
                f.is_regular()
                    && !f.is_ghost()
                    && f.path.rsplit('/').next() == Some(UPGRADE_DEPS_NAME)
            })
        })
}

/// Reads the upgrade-dependency YAML inside a package, after verifying every digest the package
/// declares (a package whose digests do not verify is never used for planning), and loads it.
/// Returns the graph and the package identity, whose `target` (`VERSION-BUILD`) is the default
/// planning target.
///
/// ```no_run
/// use upgrade_planner::{PlanRequest, Target};
/// let (graph, pkg) = upgrade_planner::rpm::upgrade_deps_from_package("ob.rpm".as_ref())?;
/// let plan = graph.plan(&PlanRequest::new("4.1.0.0", Target::Version(pkg.target.clone())));
/// # Ok::<(), upgrade_planner::rpm::RpmError>(())
/// ```
pub fn upgrade_deps_from_package(path: &Path) -> Result<(DepGraph, PackageIdentity), RpmError> {
    upgrade_deps_from_package_with(path, &TrustPolicy::default())
}

/// [`upgrade_deps_from_package`] under a trust policy: the routes are used only from a package
/// whose digests verify, whose main header is authenticated (header SHA-256/SHA-1, or a signature
/// verified with the keyring), with no bad signature, and with `require_signature` a verified
/// signature status (see [`trust::judge`]).
pub fn upgrade_deps_from_package_with(
    path: &Path,
    policy: &TrustPolicy,
) -> Result<(DepGraph, PackageIdentity), RpmError> {
    let options = InspectOptions {
        trust: policy.clone(),
        ..InspectOptions::default()
    };
    let (record, yaml) = inspect::inspect_keep_yaml(path, &options)?;
    // Trust first: the digests of a header authenticated by nothing say nothing.
    if let Some(err) = record.trust_refusal(policy, true) {
        return Err(err);
    }
    if let Some(err) = record.first_mismatch() {
        return Err(err);
    }
    if !record.upgrade_deps.present {
        return Err(RpmError::NoUpgradeDeps {
            path: path.to_path_buf(),
        });
    }
    if let Some(message) = &record.upgrade_deps.error {
        return Err(RpmError::CorruptPayload {
            path: path.to_path_buf(),
            message: message.clone(),
        });
    }
    let yaml = yaml.ok_or_else(|| RpmError::CorruptPayload {
        path: path.to_path_buf(),
        message: "the upgrade-dependency file was not found in the payload".into(),
    })?;
    let text = String::from_utf8_lossy(&yaml);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let graph = DepGraph::from_yaml_str(text).map_err(|e| RpmError::InvalidUpgradeDeps {
        path: path.to_path_buf(),
        source: Box::new(e),
    })?;
    Ok((graph, record.identity()))
}

/// Entry point for fuzzing and corpus replay: parses the lead and headers of `data` and reads
/// every field `inspect` reports. Never panics; returns whether the headers parsed.
pub fn fuzz_header(data: &[u8]) -> bool {
    let label = Path::new("<fuzz>");
    let Ok(pkg) = Package::from_bytes(data, label) else {
        return false;
    };
    let _ = pkg.identity();
    let _ = pkg.files();
    let _ = pkg.file_digest_algorithm();
    let offset = usize::try_from(pkg.headers.payload_offset).unwrap_or(usize::MAX);
    let _ = pkg.compressor(data.get(offset..).unwrap_or_default());
    let _ = inspect::record_from_headers(&pkg, data.len() as u64, inspect::DEFAULT_CHUNK_SIZE);
    true
}

/// Entry point for fuzzing and corpus replay: treats `data` as a payload (compression sniffed from
/// its first bytes, else taken from its first byte) and walks the cpio archive inside, reading
/// every entry. Never panics; returns the number of entries walked.
pub fn fuzz_payload(data: &[u8]) -> usize {
    let compressor =
        Compressor::sniff(data).unwrap_or(match data.first().copied().unwrap_or(0) % 6 {
            0 => Compressor::None,
            1 => Compressor::Gzip,
            2 => Compressor::Bzip2,
            3 => Compressor::Xz,
            4 => Compressor::Lzma,
            _ => Compressor::Zstd,
        });
    let Ok(decoder) = payload::decoder(compressor, data) else {
        return 0;
    };
    // Bound the work: a tiny input may decompress to a lot.
    let mut walker = cpio::CpioReader::new(std::io::Read::take(decoder, 64 << 20));
    let mut n = 0;
    while let Ok(Some(entry)) = walker.next_entry() {
        if let cpio::EntryName::Index(fx) = entry.name {
            walker.set_content_size(u64::from(fx % 4096));
        }
        let _ = std::io::copy(&mut walker.content(), &mut std::io::sink());
        n += 1;
    }
    n
}

/// Peeks at the first bytes of the payload without consuming them.
pub(crate) fn peek<R: BufRead>(reader: &mut R, path: &Path) -> Result<Vec<u8>, RpmError> {
    let buf = reader.fill_buf().map_err(|e| RpmError::io(path, e))?;
    Ok(buf.get(..buf.len().min(8)).unwrap_or_default().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_split() {
        assert_eq!(
            split_release("101000062023110109.el7"),
            ("101000062023110109".into(), Some("el7".into()))
        );
        assert_eq!(split_release("7"), ("7".into(), None));
        assert_eq!(
            split_release("1.2.el8_9"),
            ("1".into(), Some("el8_9".into()))
        );
    }

    #[test]
    fn fuzz_entries_survive_garbage() {
        assert!(!fuzz_header(b""));
        assert!(!fuzz_header(&[0xed, 0xab, 0xee, 0xdb, 3, 0]));
        assert_eq!(fuzz_payload(b""), 0);
        assert_eq!(fuzz_payload(b"07070X0000000"), 0);
        assert_eq!(fuzz_payload(&[3, 1, 2, 3, 4]), 0);
    }
}
