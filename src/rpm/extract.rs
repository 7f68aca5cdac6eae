//! One file streamed out of the payload, checked against the header's digests.
//!
//! Order of trust: the main header's own digest (SHA-256, signature tag 273; SHA-1 when a package
//! predates SHA-256) is checked before its file list is used; the file's bytes are hashed as they
//! stream and compared with FILEDIGESTS (algorithm FILEDIGESTALGO). The walk stops at the wanted
//! entry; other entries' content is skipped through a small buffer, never held.

use super::cpio::{CpioError, CpioReader, EntryName};
use super::digest::{Algorithm, DigestCheck, Status};
use super::header::tag;
use super::payload::{self, Compressor};
use super::signature::{self, PackageSignature};
use super::trust::{self, TrustPolicy};
use super::{FileEntry, Package, RpmError, find_upgrade_deps, seek};
use crate::limits;
use std::collections::HashMap;
use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// What [`extract`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The file's path in the package.
    pub file: String,
    /// The file's mode bits in the package (type and permissions, as in `st_mode`).
    pub mode: u32,
    /// Bytes written.
    pub size: u64,
    /// The header's own digest check (SHA-256, else SHA-1; `absent` for very old packages).
    pub header_digest: DigestCheck,
    /// The file's digest check against FILEDIGESTS.
    pub file_digest: DigestCheck,
    /// Whether the file was read by decoding only the xz blocks that hold it ([`super::seek`]);
    /// false when the payload was streamed from its start.
    pub block_seek: bool,
    /// The package's signatures, checked against the policy's keyring.
    pub signature: PackageSignature,
    /// Findings that did not stop the extraction (a signature SIZE that disagrees with the file).
    pub findings: Vec<crate::Diagnostic>,
}

/// Why copying an entry out of the archive failed.
#[derive(Debug)]
pub(crate) enum CopyError {
    /// The archive is damaged (decoder or cpio error).
    Archive(CpioError),
    /// The output failed.
    Write(io::Error),
    /// The archive ended without the entry.
    NotInPayload,
    /// The entry is larger than the caller's limit.
    TooLarge(u64),
}

impl CopyError {
    pub(crate) fn describe(&self) -> String {
        match self {
            CopyError::Archive(e) => e.to_string(),
            CopyError::Write(e) => e.to_string(),
            CopyError::NotInPayload => "the payload ends without the file the header lists".into(),
            CopyError::TooLarge(limit) => {
                format!("the file is larger than the limit of {limit} bytes")
            }
        }
    }
}

/// Normalises a cpio entry name (`./a/b`, `a/b`, `/a/b`) to the header's absolute form.
pub(crate) fn archive_path(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    let s = s
        .strip_prefix('.')
        .filter(|r| r.starts_with('/'))
        .unwrap_or(&s);
    if s.starts_with('/') {
        s.to_string()
    } else {
        format!("/{s}")
    }
}

/// Content sizes of stripped entries, by file index (rpm's `rpmfiArchiveReadHeader`): regular
/// files carry their size, except that a hard-link set's content travels with its last member
/// (highest index); symlinks carry their target; everything else nothing. Computed once per walk
/// (computing it per entry made the walk quadratic in the number of files).
fn stripped_sizes(files: &[FileEntry]) -> Vec<u64> {
    let mut last_link: HashMap<(u32, u32), usize> = HashMap::new();
    for g in files.iter().filter(|g| g.is_regular() && g.inode != 0) {
        let last = last_link.entry((g.device, g.inode)).or_insert(g.index);
        *last = (*last).max(g.index);
    }
    files
        .iter()
        .enumerate()
        .map(|(fx, f)| {
            if f.is_regular() {
                match last_link.get(&(f.device, f.inode)) {
                    Some(&last) if last != fx => 0,
                    _ => f.size,
                }
            } else if f.mode & 0o170000 == 0o120000 {
                f.size
            } else {
                0
            }
        })
        .collect()
}

/// Walks the archive to `target` and copies its content to `out`, hashing it with `algorithm`.
/// Returns the size and the hex digest.
pub(crate) fn copy_entry<R: Read>(
    archive: R,
    files: &[FileEntry],
    target: &FileEntry,
    algorithm: Option<Algorithm>,
    out: &mut dyn Write,
    limit: u64,
) -> Result<(u64, Option<String>), CopyError> {
    let mut cpio = CpioReader::new(archive);
    // newc hard links: earlier names have size 0, the content comes with the last one (same inode).
    let mut link_ino = None;
    let mut stripped: Option<Vec<u64>> = None;
    // stripped: the content of a hard-link set travels with its highest index.
    let content_fx = files
        .iter()
        .filter(|g| {
            g.is_regular()
                && g.inode == target.inode
                && g.device == target.device
                && target.inode != 0
        })
        .map(|g| g.index)
        .max()
        .unwrap_or(target.index);
    loop {
        let Some(entry) = cpio.next_entry().map_err(CopyError::Archive)? else {
            return Err(CopyError::NotInPayload);
        };
        let size = match entry.name {
            EntryName::Path(name) => {
                let hit = archive_path(&name) == target.path || link_ino == Some(entry.ino);
                if !hit {
                    continue;
                }
                if entry.size == 0 && target.size > 0 && entry.nlink > 1 {
                    link_ino = Some(entry.ino);
                    continue;
                }
                entry.size
            }
            EntryName::Index(fx) => {
                let fx = fx as usize;
                let size = stripped
                    .get_or_insert_with(|| stripped_sizes(files))
                    .get(fx)
                    .copied()
                    .unwrap_or(0);
                cpio.set_content_size(size);
                if fx != content_fx {
                    continue;
                }
                size
            }
        };
        if size > limit {
            return Err(CopyError::TooLarge(limit));
        }
        let mut hasher = algorithm.map(Algorithm::hasher);
        let mut content = cpio.content();
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = 0u64;
        loop {
            let n = match content.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    return Err(CopyError::Archive(CpioError::Io {
                        offset: entry.offset,
                        source,
                    }));
                }
            };
            let chunk = buf.get(..n).unwrap_or_default();
            if let Some(h) = hasher.as_mut() {
                h.update(chunk);
            }
            out.write_all(chunk).map_err(CopyError::Write)?;
            total += n as u64;
        }
        return Ok((total, hasher.map(|h| h.finalize_hex())));
    }
}

/// Checks the main header against the signature header's SHA-256 (else SHA-1).
pub(crate) fn header_digest(pkg: &Package) -> Result<DigestCheck, RpmError> {
    let raw = pkg.main().raw();
    if let Some(expected) = pkg.signature().string(tag::SIG_SHA256)? {
        return Ok(DigestCheck::new(
            Some(Algorithm::Sha256),
            "header",
            Some(expected),
            Some(Algorithm::Sha256.hex_of(raw)),
        ));
    }
    let expected = pkg.signature().string(tag::SIG_SHA1)?;
    let actual = expected.as_ref().map(|_| Algorithm::Sha1.hex_of(raw));
    Ok(DigestCheck::new(
        Some(Algorithm::Sha1),
        "header",
        expected,
        actual,
    ))
}

fn closest_names(files: &[FileEntry], wanted: &str) -> String {
    let base = wanted.rsplit('/').next().unwrap_or(wanted);
    let mut near: Vec<&str> = files
        .iter()
        .filter(|f| f.path.rsplit('/').next() == Some(base) || f.path.ends_with(wanted))
        .map(|f| f.path.as_str())
        .take(3)
        .collect();
    if near.is_empty() {
        near = files
            .iter()
            .filter(|f| f.is_regular())
            .map(|f| f.path.as_str())
            .take(5)
            .collect();
        if near.is_empty() {
            return "; the package lists no files".into();
        }
        return format!("; it has for example: {}", near.join(", "));
    }
    format!("; did you mean {}?", near.join(", "))
}

/// Streams one file of the package at `path` to `out`: `file` (absolute path in the package, or a
/// path without the leading `/`), or by default the upgrade-dependency YAML.
///
/// Refuses, with [`RpmError::DigestMismatch`], a package whose header does not match its
/// signature-header digest (before anything is written) and a file whose bytes do not match the
/// header's per-file digest (**after** they were written: the caller must stage the output and
/// discard it on error; the CLI does).
pub fn extract(
    path: &Path,
    file: Option<&str>,
    out: &mut dyn Write,
) -> Result<Extracted, RpmError> {
    extract_with(path, file, out, &TrustPolicy::default())
}

/// [`extract`] under a trust policy: nothing is written unless the main header is authenticated
/// (a matching header SHA-256 or SHA-1, or a signature verified with the policy's keyring), no
/// signature is bad, and, with `require_signature`, the signature status is `verified`
/// (see [`trust::judge`]).
pub fn extract_with(
    path: &Path,
    file: Option<&str>,
    out: &mut dyn Write,
    policy: &TrustPolicy,
) -> Result<Extracted, RpmError> {
    let (pkg, mut reader) = Package::open(path)?;
    let file_size = reader
        .get_ref()
        .metadata()
        .map_err(|e| RpmError::io(path, e))?
        .len();
    let header_check = header_digest(&pkg)?;
    if header_check.status == Status::Mismatch {
        return Err(RpmError::DigestMismatch {
            path: path.to_path_buf(),
            digest: format!(
                "header {}",
                header_check
                    .algorithm
                    .map(Algorithm::name)
                    .unwrap_or("digest")
                    .to_uppercase()
            ),
            expected: header_check.expected.clone().unwrap_or_default(),
            actual: header_check.actual.clone().unwrap_or_default(),
        });
    }
    let mut found = signature::examine(&pkg, policy.keyring());
    if policy.keyring.is_some() {
        signature::verify_payload_signatures(&pkg, &mut found, path)?;
    }
    let signature = signature::summarize(&found, policy.keyring.is_some());
    let authenticated = header_check.status == Status::Verified
        || signature.status == signature::PackageStatus::Verified;
    if let Some(refusal) = trust::judge(path, &signature, authenticated, policy, true) {
        return Err(refusal);
    }
    let findings: Vec<crate::Diagnostic> = pkg
        .judge_size_by_reading(path, file_size)?
        .into_iter()
        .chain(pkg.size_tag_finding())
        .collect();
    let files = pkg.files()?;
    let target = match file {
        Some(f) => {
            let wanted = if f.starts_with('/') {
                f.to_string()
            } else {
                format!("/{f}")
            };
            files
                .iter()
                .find(|e| e.path == wanted)
                .ok_or_else(|| RpmError::FileNotFound {
                    path: path.to_path_buf(),
                    file: wanted.clone(),
                    hint: closest_names(&files, &wanted),
                })?
        }
        None => find_upgrade_deps(&files).ok_or_else(|| RpmError::NoUpgradeDeps {
            path: path.to_path_buf(),
        })?,
    };
    if !target.is_regular() || target.is_ghost() {
        return Err(RpmError::NotRegular {
            path: path.to_path_buf(),
            file: target.path.clone(),
            kind: target.kind(),
        });
    }
    let algorithm = pkg.file_digest_algorithm()?;
    let start = super::peek(&mut reader, path)?;
    let compressor = pkg.compressor(&start)?;
    let seeked = if compressor == Compressor::Xz {
        let payload_start = pkg.headers.payload_offset;
        let file_len = file_size;
        let wanted = seek::Wanted {
            files: &files,
            target,
            stripped: pkg.main().entry(tag::LONGFILESIZES).is_some(),
            algorithm,
            limit: limits::MAX_EXTRACT_MEMORY_STAGING,
        };
        let result = seek::read_file(reader.get_mut(), payload_start, file_len, &wanted);
        // Back to the payload's start for streaming (the seek moved the file).
        reader
            .seek(SeekFrom::Start(payload_start))
            .map_err(|e| RpmError::io(path, e))?;
        result.ok()
    } else {
        None
    };
    let block_seek = seeked.is_some();
    let (size, actual) = match seeked {
        Some((bytes, actual)) => {
            out.write_all(&bytes).map_err(|source| RpmError::Write {
                target: "output".into(),
                source,
            })?;
            (bytes.len() as u64, actual)
        }
        None => stream_entry(
            &pkg,
            &mut reader,
            compressor,
            &files,
            target,
            algorithm,
            out,
            u64::MAX,
        )?,
    };
    let file_check = DigestCheck::new(algorithm, "file", target.digest.clone(), actual);
    if file_check.status == Status::Mismatch {
        return Err(RpmError::DigestMismatch {
            path: path.to_path_buf(),
            digest: format!(
                "file {} ({})",
                target.path,
                algorithm
                    .map(Algorithm::name)
                    .unwrap_or("unknown algorithm")
            ),
            expected: file_check.expected.clone().unwrap_or_default(),
            actual: file_check.actual.clone().unwrap_or_default(),
        });
    }
    Ok(Extracted {
        file: target.path.clone(),
        mode: target.mode,
        size,
        header_digest: header_check,
        file_digest: file_check,
        block_seek,
        signature,
        findings,
    })
}

/// Decompresses the payload from `reader` and copies `target` to `out`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn stream_entry<R: BufRead + Send>(
    pkg: &Package,
    reader: R,
    compressor: Compressor,
    files: &[FileEntry],
    target: &FileEntry,
    algorithm: Option<Algorithm>,
    out: &mut dyn Write,
    limit: u64,
) -> Result<(u64, Option<String>), RpmError> {
    let corrupt = |message: String| RpmError::CorruptPayload {
        path: pkg.path.clone(),
        message,
    };
    let decoder = payload::decoder(compressor, reader).map_err(|e| {
        corrupt(format!(
            "the {} stream cannot be opened: {e}",
            compressor.name()
        ))
    })?;
    match copy_entry(decoder, files, target, algorithm, out, limit) {
        Ok(v) => Ok(v),
        Err(CopyError::Write(source)) => Err(RpmError::Write {
            target: "output".into(),
            source,
        }),
        Err(e @ CopyError::NotInPayload) => {
            Err(corrupt(format!("{} ({})", e.describe(), target.path)))
        }
        Err(e) => Err(corrupt(e.describe())),
    }
}

#[cfg(test)]
mod tests {
    use super::super::cpio::tests::{file, newc, stripped};
    use super::*;

    #[test]
    fn copies_from_newc_with_hard_links() {
        let files = vec![
            file(0, "/a", 5, 1),
            file(1, "/b", 5, 1),
            file(2, "/c", 3, 2),
        ];
        let mut a = Vec::new();
        newc("./c", b"xyz", &mut a);
        // hard-link set: the first name has no content, the last one carries it (nlink 2).
        let start = a.len().div_ceil(4) * 4;
        newc("./a", b"", &mut a);
        a[start + 6 + 4 * 8..start + 6 + 5 * 8].copy_from_slice(b"00000002");
        newc("./b", b"hello", &mut a);
        newc("TRAILER!!!", b"", &mut a);
        let mut out = Vec::new();
        let (n, d) = copy_entry(
            &a[..],
            &files,
            &files[0],
            Some(Algorithm::Sha256),
            &mut out,
            100,
        )
        .unwrap();
        assert_eq!((n, out.as_slice()), (5, &b"hello"[..]));
        assert_eq!(d.unwrap(), Algorithm::Sha256.hex_of(b"hello"));
        let mut out = Vec::new();
        copy_entry(&a[..], &files, &files[2], None, &mut out, 100).unwrap();
        assert_eq!(out, b"xyz");
        assert!(matches!(
            copy_entry(&a[..], &files, &files[2], None, &mut Vec::new(), 2),
            Err(CopyError::TooLarge(2))
        ));
    }

    #[test]
    fn copies_from_stripped_archives() {
        let files = vec![file(0, "/big", 6, 1), file(1, "/small", 2, 2)];
        let mut a = Vec::new();
        stripped(1, b"hi", &mut a);
        stripped(0, b"bigone", &mut a);
        newc("TRAILER!!!", b"", &mut a);
        let mut out = Vec::new();
        copy_entry(&a[..], &files, &files[0], None, &mut out, 100).unwrap();
        assert_eq!(out, b"bigone");
        let missing = file(2, "/nope", 1, 3);
        assert!(matches!(
            copy_entry(&a[..], &files, &missing, None, &mut Vec::new(), 100),
            Err(CopyError::NotInPayload)
        ));
    }

    #[test]
    fn a_stripped_archive_of_many_files_is_walked_in_linear_time() {
        // 300,000 files, the wanted one last: per-entry size lookups over the whole file list
        // made this 10^11 steps (minutes); such a header fits in about ten megabytes.
        let n = 300_000;
        let files: Vec<FileEntry> = (0..n)
            .map(|i| file(i, &format!("/f{i}"), 0, i as u32 + 1))
            .collect();
        let mut a = Vec::new();
        for i in 0..n {
            stripped(i as u32, b"", &mut a);
        }
        newc("TRAILER!!!", b"", &mut a);
        let start = std::time::Instant::now();
        let (size, _) =
            copy_entry(&a[..], &files, &files[n - 1], None, &mut Vec::new(), 100).unwrap();
        assert_eq!(size, 0);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn archive_paths() {
        assert_eq!(archive_path(b"./a/b"), "/a/b");
        assert_eq!(archive_path(b"a/b"), "/a/b");
        assert_eq!(archive_path(b"/a/b"), "/a/b");
    }
}
