//! A streaming walk over the cpio archive inside an RPM payload.
//!
//! Written by hand because no maintained crate streams rpm's archives: rpm uses the SVR4 "newc"
//! format (`070701`, also accepted: `070702`, the same with a checksum rpm ignores) and, when a
//! package holds a file of 4 GiB or more (it then has LONGFILESIZES and requires
//! `rpmlib(LargeFiles)`), its own "stripped" format for **every** entry:
//!
//! ```text
//! newc:     "070701" + 13 × 8 hex digits (ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
//!           devminor, rdevmajor, rdevminor, namesize, check) + name (namesize bytes, NUL included)
//!           + pad to 4 | data (filesize bytes) + pad to 4
//! stripped: "07070X" + 8 hex digits (fx: index of the file in the header's file list) + pad to 4
//!           | data + pad to 4      (size and metadata come from the header; rpm 4.12+ `lib/cpio.c`)
//! ```
//!
//! Both formats end with a newc entry named `TRAILER!!!`. Offsets here are positions in the
//! decompressed archive. Content that is not wanted is skipped through a small fixed buffer, never
//! held in memory.

use crate::limits;
use std::io::{self, Read};
use thiserror::Error;

/// Name of the last entry of every archive.
pub const TRAILER: &[u8] = b"TRAILER!!!";
const NEWC_FIELDS: usize = 13;
const NEWC_HEADER: usize = 6 + NEWC_FIELDS * 8;

/// Why the archive cannot be walked.
#[derive(Debug, Error)]
pub enum CpioError {
    /// The underlying stream failed (for a compressed payload: the decoder found corrupt data).
    #[error("cannot read the payload at archive offset {offset}: {source}")]
    Io {
        /// Archive offset where reading failed.
        offset: u64,
        /// The error.
        source: io::Error,
    },
    /// An entry does not start with a cpio magic.
    #[error("bad cpio magic {found:?} at archive offset {offset} (expected 070701 or 07070X)")]
    BadMagic {
        /// Archive offset of the entry.
        offset: u64,
        /// What was found instead.
        found: String,
    },
    /// An entry header is malformed.
    #[error("malformed cpio entry at archive offset {offset}: {message}")]
    BadHeader {
        /// Archive offset of the entry.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// The archive ends before its trailer.
    #[error(
        "the payload ends at archive offset {offset}, inside an entry or before the cpio trailer"
    )]
    Truncated {
        /// Where it ends.
        offset: u64,
    },
}

impl CpioError {
    /// Archive offset where the problem is.
    pub fn offset(&self) -> u64 {
        match self {
            CpioError::Io { offset, .. }
            | CpioError::BadMagic { offset, .. }
            | CpioError::BadHeader { offset, .. }
            | CpioError::Truncated { offset } => *offset,
        }
    }
}

/// How an entry names its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryName {
    /// newc: the path as stored (rpm writes `./usr/bin/x`).
    Path(Vec<u8>),
    /// stripped: the index of the file in the header's file list.
    Index(u32),
}

/// One archive entry header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpioEntry {
    /// The entry's name.
    pub name: EntryName,
    /// File mode (newc only; 0 for stripped entries, whose mode is in the header).
    pub mode: u32,
    /// Inode number (newc only).
    pub ino: u32,
    /// Link count (newc only).
    pub nlink: u32,
    /// Content size for newc entries; for stripped entries the caller sets it with
    /// [`CpioReader::set_content_size`] from the header.
    pub size: u64,
    /// Archive offset of the entry header.
    pub offset: u64,
}

/// Walks a cpio archive from a stream.
pub struct CpioReader<R> {
    inner: R,
    offset: u64,
    /// Unread content bytes of the current entry.
    remaining: u64,
    finished: bool,
}

fn hex_field(bytes: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(bytes).ok()?;
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

impl<R: Read> CpioReader<R> {
    /// Starts a walk at the beginning of an archive.
    pub fn new(inner: R) -> Self {
        CpioReader {
            inner,
            offset: 0,
            remaining: 0,
            finished: false,
        }
    }

    /// Starts a walk in the middle of an archive: `inner` yields the archive from `offset` on, the
    /// start of an entry (used after seeking into a payload; padding is computed from `offset`).
    pub fn starting_at(inner: R, offset: u64) -> Self {
        CpioReader {
            inner,
            offset,
            remaining: 0,
            finished: false,
        }
    }

    /// Archive offset reached so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn read_exact_here(&mut self, buf: &mut [u8]) -> Result<(), CpioError> {
        let mut got = 0;
        while got < buf.len() {
            let Some(rest) = buf.get_mut(got..) else {
                break;
            };
            match self.inner.read(rest) {
                Ok(0) => {
                    return Err(CpioError::Truncated {
                        offset: self.offset + got as u64,
                    });
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(CpioError::Io {
                        offset: self.offset + got as u64,
                        source,
                    });
                }
            }
        }
        self.offset += buf.len() as u64;
        Ok(())
    }

    fn skip(&mut self, n: u64) -> Result<(), CpioError> {
        let copied =
            io::copy(&mut (&mut self.inner).take(n), &mut io::sink()).map_err(|source| {
                CpioError::Io {
                    offset: self.offset,
                    source,
                }
            })?;
        self.offset += copied;
        if copied < n {
            return Err(CpioError::Truncated {
                offset: self.offset,
            });
        }
        Ok(())
    }

    fn pad4(&mut self) -> Result<(), CpioError> {
        let pad = (4 - self.offset % 4) % 4;
        self.skip(pad)
    }

    /// Moves to the next entry, skipping whatever is left of the current one. `None` at the trailer.
    pub fn next_entry(&mut self) -> Result<Option<CpioEntry>, CpioError> {
        if self.finished {
            return Ok(None);
        }
        let remaining = std::mem::take(&mut self.remaining);
        self.skip(remaining)?;
        self.pad4()?;
        let offset = self.offset;
        let mut magic = [0u8; 6];
        self.read_exact_here(&mut magic)?;
        if &magic == b"07070X" {
            let mut fx = [0u8; 8];
            self.read_exact_here(&mut fx)?;
            let fx = hex_field(&fx).ok_or_else(|| CpioError::BadHeader {
                offset,
                message: "the stripped entry's file index is not 8 hex digits".into(),
            })?;
            self.pad4()?;
            return Ok(Some(CpioEntry {
                name: EntryName::Index(fx),
                mode: 0,
                ino: 0,
                nlink: 0,
                size: 0,
                offset,
            }));
        }
        if &magic != b"070701" && &magic != b"070702" {
            return Err(CpioError::BadMagic {
                offset,
                found: String::from_utf8_lossy(&magic).into_owned(),
            });
        }
        let mut fields = [0u8; NEWC_HEADER - 6];
        self.read_exact_here(&mut fields)?;
        let mut values = [0u32; NEWC_FIELDS];
        for (i, (chunk, value)) in fields.chunks_exact(8).zip(values.iter_mut()).enumerate() {
            *value = hex_field(chunk).ok_or_else(|| CpioError::BadHeader {
                offset,
                message: format!("header field {} is not 8 hex digits", i + 1),
            })?;
        }
        let [
            ino,
            mode,
            _uid,
            _gid,
            nlink,
            _mtime,
            size,
            _,
            _,
            _,
            _,
            namesize,
            _check,
        ] = values;
        if namesize == 0 || namesize > limits::MAX_CPIO_NAME {
            return Err(CpioError::BadHeader {
                offset,
                message: format!(
                    "name size {namesize} is outside 1..={} (librpm's CPIO_NAMESIZE_MAX)",
                    limits::MAX_CPIO_NAME
                ),
            });
        }
        let mut name = vec![0u8; namesize as usize];
        self.read_exact_here(&mut name)?;
        if name.pop() != Some(0) || name.contains(&0) {
            return Err(CpioError::BadHeader {
                offset,
                message: "the entry name is not a NUL-terminated string".into(),
            });
        }
        self.pad4()?;
        if name == TRAILER {
            self.finished = true;
            return Ok(None);
        }
        self.remaining = u64::from(size);
        Ok(Some(CpioEntry {
            name: EntryName::Path(name),
            mode,
            ino,
            nlink,
            size: u64::from(size),
            offset,
        }))
    }

    /// Sets the content size of the current entry (stripped entries take it from the header).
    pub fn set_content_size(&mut self, size: u64) {
        self.remaining = size;
    }

    /// Reads the current entry's content (at most what is left of it).
    pub fn content(&mut self) -> ContentReader<'_, R> {
        ContentReader { cpio: self }
    }
}

/// The content of the current entry; ends at the entry's end. A stream that ends early is an
/// `UnexpectedEof` error, never a silently short file.
pub struct ContentReader<'a, R> {
    cpio: &'a mut CpioReader<R>,
}

impl<R: Read> Read for ContentReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = (buf.len() as u64).min(self.cpio.remaining) as usize;
        if want == 0 {
            return Ok(0);
        }
        let n = self
            .cpio
            .inner
            .read(buf.get_mut(..want).unwrap_or_default())?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the payload ends at archive offset {} with {} bytes of the entry missing",
                    self.cpio.offset, self.cpio.remaining
                ),
            ));
        }
        self.cpio.remaining -= n as u64;
        self.cpio.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A regular file entry of a header's file list, for the walk and seek tests.
    pub(crate) fn file(index: usize, path: &str, size: u64, inode: u32) -> crate::rpm::FileEntry {
        crate::rpm::FileEntry {
            index,
            path: path.into(),
            size,
            mode: 0o100644,
            digest: None,
            link_to: None,
            flags: 0,
            device: 1,
            inode,
        }
    }

    /// Builds a newc entry (test helper, also used by the stripped-format tests).
    pub(crate) fn newc(name: &str, data: &[u8], out: &mut Vec<u8>) {
        while !out.len().is_multiple_of(4) {
            out.push(0);
        }
        out.extend_from_slice(b"070701");
        let fields = [
            1,
            0o100644,
            0,
            0,
            1,
            0,
            data.len() as u32,
            0,
            0,
            0,
            0,
            name.len() as u32 + 1,
            0,
        ];
        for f in fields {
            out.extend_from_slice(format!("{f:08x}").as_bytes());
        }
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        while !out.len().is_multiple_of(4) {
            out.push(0);
        }
        out.extend_from_slice(data);
    }

    pub(crate) fn stripped(fx: u32, data: &[u8], out: &mut Vec<u8>) {
        while !out.len().is_multiple_of(4) {
            out.push(0);
        }
        out.extend_from_slice(format!("07070X{fx:08x}").as_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(data);
    }

    #[test]
    fn walks_newc_and_reads_content() {
        let mut a = Vec::new();
        newc("./a", b"hello", &mut a);
        newc("./bb", b"world!!", &mut a);
        newc("TRAILER!!!", b"", &mut a);
        let mut r = CpioReader::new(&a[..]);
        let e = r.next_entry().unwrap().unwrap();
        assert_eq!(e.name, EntryName::Path(b"./a".to_vec()));
        let e = r.next_entry().unwrap().unwrap();
        assert_eq!(e.size, 7);
        let mut s = String::new();
        r.content().read_to_string(&mut s).unwrap();
        assert_eq!(s, "world!!");
        assert!(r.next_entry().unwrap().is_none());
        assert!(r.next_entry().unwrap().is_none());
    }

    #[test]
    fn walks_stripped_entries() {
        let mut a = Vec::new();
        stripped(1, b"abc", &mut a);
        stripped(0, b"hello", &mut a);
        newc("TRAILER!!!", b"", &mut a);
        let mut r = CpioReader::new(&a[..]);
        let e = r.next_entry().unwrap().unwrap();
        assert_eq!(e.name, EntryName::Index(1));
        r.set_content_size(3);
        let e = r.next_entry().unwrap().unwrap();
        assert_eq!(e.name, EntryName::Index(0));
        r.set_content_size(5);
        let mut s = String::new();
        r.content().read_to_string(&mut s).unwrap();
        assert_eq!(s, "hello");
        assert!(r.next_entry().unwrap().is_none());
    }

    #[test]
    fn errors_on_damage() {
        let mut a = Vec::new();
        newc("./a", b"hello", &mut a);
        newc("TRAILER!!!", b"", &mut a);
        for cut in [0, 3, 50, 112, 118] {
            let mut r = CpioReader::new(&a[..cut]);
            let mut result = Ok(());
            while r
                .next_entry()
                .map_err(|e| result = Err(e))
                .ok()
                .flatten()
                .is_some()
            {}
            assert!(
                matches!(result, Err(CpioError::Truncated { .. })),
                "cut at {cut}: {result:?}"
            );
        }
        let mut bad = a.clone();
        bad[0] = b'9';
        assert!(matches!(
            CpioReader::new(&bad[..]).next_entry(),
            Err(CpioError::BadMagic { .. })
        ));
        let mut bad = a.clone();
        bad[10] = b'z';
        assert!(matches!(
            CpioReader::new(&bad[..]).next_entry(),
            Err(CpioError::BadHeader { .. })
        ));
        let mut bad = a;
        bad[94..102].copy_from_slice(b"ffffffff");
        assert!(matches!(
            CpioReader::new(&bad[..]).next_entry(),
            Err(CpioError::BadHeader { .. })
        ));
    }

    #[test]
    fn short_content_is_an_error() {
        let mut a = Vec::new();
        newc("./a", b"hello", &mut a);
        let cut = &a[..a.len() - 2];
        let mut r = CpioReader::new(cut);
        r.next_entry().unwrap();
        assert!(io::copy(&mut r.content(), &mut io::sink()).is_err());
    }
}
