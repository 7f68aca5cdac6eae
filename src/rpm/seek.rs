//! Random access into multi-block xz payloads: read one file without decoding the whole payload.
//!
//! rpm builds with threaded xz (`wNT.xzdio`, the default on modern distributions) write the payload
//! as independent xz blocks with an index at the end of the stream. Three facts locate a file:
//!
//! 1. the header's file list (names, sizes, modes, inodes) and rpm's archive writer order give the
//!    offset of the file's cpio entry in the decompressed archive ([`archive_offset`]);
//! 2. the xz index gives the block holding that offset ([`XzIndex::block_at`]);
//! 3. a block decodes on its own: the stream header followed by the block's bytes is a valid start
//!    of an xz stream, so the usual decoder reads it (and the following blocks while the file spans
//!    them).
//!
//! Nothing here is trusted: the entry header found at the computed offset must name the file with
//! its size, and the content must match the header's per-file digest. On any disagreement the
//! caller streams the payload from its start instead ([`SeekMiss`] says why). The xz index, stream
//! header and footer are checked against their CRC32s, and every size read from them is bounded.
//!
//! The xz index format is parsed by hand (the "xz file format" 1.2.0 specification, sections 2.1.2
//! and 4): `lzma-rust2` reads indexes but does not expose them, and no maintained crate does.

use super::FileEntry;
use super::cpio::{CpioReader, EntryName};
use super::digest::Algorithm;
use crate::limits;
use std::collections::HashMap;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use thiserror::Error;

/// Size of the xz stream header and footer.
pub const XZ_HEADER_SIZE: usize = 12;
const XZ_MAGIC: [u8; 6] = [0xfd, b'7', b'z', b'X', b'Z', 0];
const XZ_FOOTER_MAGIC: [u8; 2] = [b'Y', b'Z'];

/// Why the block seek was not used; the caller streams the payload instead.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct SeekMiss(pub String);

fn miss<T>(why: impl Into<String>) -> Result<T, SeekMiss> {
    Err(SeekMiss(why.into()))
}

/// One block of an xz stream, from the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XzBlock {
    /// Offset of the block from the start of the stream (its stream header's first byte).
    pub compressed_offset: u64,
    /// Bytes of the block in the stream, padding included.
    pub compressed_size: u64,
    /// Offset of the block's first byte in the decompressed data.
    pub uncompressed_offset: u64,
    /// Bytes the block decompresses to.
    pub uncompressed_size: u64,
}

/// The index of a single-stream xz file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XzIndex {
    /// The stream header, as in the file (prepended to a block to decode it on its own).
    pub stream_header: [u8; XZ_HEADER_SIZE],
    /// The blocks, in stream order.
    pub blocks: Vec<XzBlock>,
    /// Offset of the index from the start of the stream (where the last block ends).
    pub index_offset: u64,
}

impl XzIndex {
    /// The block holding decompressed offset `offset`.
    pub fn block_at(&self, offset: u64) -> Option<&XzBlock> {
        let i = self
            .blocks
            .partition_point(|b| b.uncompressed_offset + b.uncompressed_size <= offset);
        self.blocks
            .get(i)
            .filter(|b| b.uncompressed_offset <= offset)
    }

    /// Total decompressed size.
    pub fn uncompressed_size(&self) -> u64 {
        self.blocks
            .last()
            .map_or(0, |b| b.uncompressed_offset + b.uncompressed_size)
    }
}

fn crc_ok(data: &[u8], stored: &[u8]) -> bool {
    let Ok(stored) = <[u8; 4]>::try_from(stored) else {
        return false;
    };
    crc32fast::hash(data) == u32::from_le_bytes(stored)
}

/// Reads an xz multibyte integer (7 bits per byte, little-endian, at most 9 bytes, no trailing
/// zero byte) at `*pos`.
fn varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..9 {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return (b != 0 || i == 0).then_some(value);
        }
    }
    None
}

fn round4(n: u64) -> Option<u64> {
    n.checked_add(3).map(|v| v & !3)
}

/// Parses an xz index (from its indicator byte to its CRC32) into blocks.
fn parse_index(index: &[u8]) -> Result<Vec<XzBlock>, SeekMiss> {
    let Some(body_len) = index.len().checked_sub(4) else {
        return miss("xz index shorter than its CRC32");
    };
    let (body, crc) = index.split_at(body_len);
    if !crc_ok(body, crc) {
        return miss("xz index CRC32 mismatch");
    }
    if body.first() != Some(&0) {
        return miss("xz index indicator is not 0");
    }
    let mut pos = 1;
    let Some(count) = varint(body, &mut pos) else {
        return miss("xz index record count unreadable");
    };
    // Each record takes at least two bytes: a larger count is a lie.
    if count > body.len() as u64 / 2 {
        return miss("xz index record count larger than the index");
    }
    let mut blocks = Vec::with_capacity(count as usize);
    let mut compressed = XZ_HEADER_SIZE as u64;
    let mut uncompressed = 0u64;
    for _ in 0..count {
        let (Some(unpadded), Some(size)) = (varint(body, &mut pos), varint(body, &mut pos)) else {
            return miss("xz index record unreadable");
        };
        let Some(padded) = round4(unpadded).filter(|_| unpadded > 0) else {
            return miss("xz index record with an impossible block size");
        };
        blocks.push(XzBlock {
            compressed_offset: compressed,
            compressed_size: padded,
            uncompressed_offset: uncompressed,
            uncompressed_size: size,
        });
        let (Some(c), Some(u)) = (
            compressed.checked_add(padded),
            uncompressed.checked_add(size),
        ) else {
            return miss("xz index sizes overflow");
        };
        compressed = c;
        uncompressed = u;
    }
    let rest = body.get(pos..).unwrap_or_default();
    if rest.len() > 3 || rest.iter().any(|&b| b != 0) || body.len() % 4 != 0 {
        return miss("xz index padding is wrong");
    }
    Ok(blocks)
}

fn read_at<R: Read + Seek>(reader: &mut R, at: u64, buf: &mut [u8]) -> Result<(), SeekMiss> {
    reader
        .seek(SeekFrom::Start(at))
        .and_then(|_| reader.read_exact(buf))
        .or_else(|e| miss(format!("cannot read the payload at byte {at}: {e}")))
}

/// Reads the index of the xz stream that fills `reader` from byte `start` to byte `end` (the
/// payload of an rpm package). Refuses anything but one stream whose blocks exactly fill the
/// space before its index.
pub fn read_index<R: Read + Seek>(
    reader: &mut R,
    start: u64,
    end: u64,
) -> Result<XzIndex, SeekMiss> {
    let len = end.saturating_sub(start);
    if len < 2 * XZ_HEADER_SIZE as u64 + 8 {
        return miss("the payload is too short for an indexed xz stream");
    }
    let mut header = [0u8; XZ_HEADER_SIZE];
    read_at(reader, start, &mut header)?;
    let (magic, rest) = header.split_at(6);
    let (flags, crc) = rest.split_at(2);
    if magic != XZ_MAGIC || !crc_ok(flags, crc) || flags.first() != Some(&0) {
        return miss("not an xz stream header");
    }
    let mut footer = [0u8; XZ_HEADER_SIZE];
    read_at(reader, end - XZ_HEADER_SIZE as u64, &mut footer)?;
    let (crc, rest) = footer.split_at(4);
    let (backward_and_flags, magic) = rest.split_at(6);
    if magic != XZ_FOOTER_MAGIC || !crc_ok(backward_and_flags, crc) {
        return miss("no xz stream footer at the end of the payload (padding or several streams)");
    }
    let (backward, footer_flags) = backward_and_flags.split_at(4);
    if footer_flags != flags {
        return miss("xz stream header and footer flags differ");
    }
    let backward = u32::from_le_bytes(<[u8; 4]>::try_from(backward).unwrap_or_default());
    let index_size = (u64::from(backward) + 1) * 4;
    if index_size > limits::MAX_XZ_INDEX_BYTES || index_size > len - 2 * XZ_HEADER_SIZE as u64 {
        return miss(format!("xz index of {index_size} bytes is too large"));
    }
    let index_offset = len - XZ_HEADER_SIZE as u64 - index_size;
    let mut index = vec![0u8; index_size as usize];
    read_at(reader, start + index_offset, &mut index)?;
    let blocks = parse_index(&index)?;
    let blocks_end = blocks.last().map_or(XZ_HEADER_SIZE as u64, |b| {
        b.compressed_offset + b.compressed_size
    });
    if blocks_end != index_offset {
        return miss("the xz blocks do not end where the index starts (several streams?)");
    }
    Ok(XzIndex {
        stream_header: header,
        blocks,
        index_offset,
    })
}

/// Index of the file whose entry carries `target`'s content: `target` itself, or the last member
/// of its hard-link set (same device and inode; rpm writes the content with the last one).
pub fn content_index(files: &[FileEntry], target: &FileEntry) -> usize {
    if target.inode == 0 {
        return target.index;
    }
    files
        .iter()
        .filter(|g| {
            g.is_regular() && !g.is_ghost() && g.inode == target.inode && g.device == target.device
        })
        .map(|g| g.index)
        .max()
        .unwrap_or(target.index)
}

/// Offset, in the decompressed cpio archive, of the entry that carries the content of file
/// `content_fx`, computed as rpm's archive writer lays the archive out (rpm 4.18
/// `iterWriteArchiveNext`): every non-ghost file outside hard-link sets in header order, then each
/// hard-link set (in order of its first member) as consecutive entries, the content after the last.
/// An entry is a newc header (110 bytes, then `.` + path + NUL, padded to 4) or, in packages with
/// LONGFILESIZES (`stripped`), a 16-byte stripped header; then the content (a regular file's
/// size, a symlink's target), padded to 4.
///
/// `None` when the sizes overflow or the file is not in the archive. A wrong answer is harmless:
/// the caller checks the entry it finds there.
pub fn archive_offset(files: &[FileEntry], content_fx: usize, stripped: bool) -> Option<u64> {
    // Hard-link sets: regular, shipped files sharing device and inode (positions in `files`, in
    // header order). Built once, so the layout is linear in the number of files.
    let mut sets: HashMap<(u32, u32), Vec<usize>> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        if f.inode != 0 && f.is_regular() && !f.is_ghost() {
            sets.entry((f.device, f.inode)).or_default().push(i);
        }
    }
    let set_of = |f: &FileEntry| {
        sets.get(&(f.device, f.inode))
            .filter(|s| s.len() > 1 && f.inode != 0 && f.is_regular() && !f.is_ghost())
    };
    let entry_len = |f: &FileEntry, content: u64| -> Option<u64> {
        let header = if stripped {
            16
        } else {
            round4(110 + f.path.len() as u64 + 2)?
        };
        round4(header.checked_add(content)?)
    };
    let content_of = |f: &FileEntry| {
        if f.is_regular() || f.mode & 0o170000 == 0o120000 {
            f.size
        } else {
            0
        }
    };
    let mut offset = 0u64;
    for f in files
        .iter()
        .filter(|f| !f.is_ghost() && set_of(f).is_none())
    {
        if f.index == content_fx {
            return Some(offset);
        }
        offset = offset.checked_add(entry_len(f, content_of(f))?)?;
    }
    for (i, f) in files.iter().enumerate() {
        // Each set is written when its first member comes up.
        let Some(set) = set_of(f).filter(|s| s.first() == Some(&i)) else {
            continue;
        };
        let last = set.last().copied().unwrap_or(i);
        for &j in set {
            let Some(g) = files.get(j) else { continue };
            if g.index == content_fx {
                return Some(offset);
            }
            let content = if j == last { g.size } else { 0 };
            offset = offset.checked_add(entry_len(g, content)?)?;
        }
    }
    None
}

/// A file read by seeking: its bytes and their digest (with the header's file digest algorithm).
pub type Seeked = (Vec<u8>, Option<String>);

/// What to read by seeking, and how to check it.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// The header's file list.
    pub files: &'a [FileEntry],
    /// The file to read.
    pub target: &'a FileEntry,
    /// Whether the archive uses rpm's stripped entries (the header has LONGFILESIZES).
    pub stripped: bool,
    /// The header's file digest algorithm (FILEDIGESTALGO).
    pub algorithm: Option<Algorithm>,
    /// Most bytes held in memory: a larger file is a miss (the caller streams it).
    pub limit: u64,
}

/// Reads `wanted.target` out of the multi-block xz payload that fills `reader` from
/// `payload_start` to `payload_end`, decoding only the blocks that hold it.
///
/// Succeeds only when the entry found at the computed offset names the file (or its index, in
/// stripped archives) with the expected size, and its bytes match the header's digest for it.
pub fn read_file<R: Read + Seek>(
    reader: &mut R,
    payload_start: u64,
    payload_end: u64,
    wanted: &Wanted<'_>,
) -> Result<Seeked, SeekMiss> {
    let index = read_index(reader, payload_start, payload_end)?;
    read_file_with_index(reader, payload_start, &index, wanted)
}

/// [`read_file`] with the index already read.
pub fn read_file_with_index<R: Read + Seek>(
    reader: &mut R,
    payload_start: u64,
    index: &XzIndex,
    wanted: &Wanted<'_>,
) -> Result<Seeked, SeekMiss> {
    let Wanted {
        files,
        target,
        stripped,
        algorithm,
        limit,
    } = *wanted;
    if index.blocks.len() < 2 {
        return miss("one xz block: nothing to skip");
    }
    let fx = content_index(files, target);
    let Some(content) = files.get(fx) else {
        return miss("file index out of range");
    };
    let size = content.size;
    if size > limit {
        return miss(format!("the file is larger than {limit} bytes"));
    }
    let Some(offset) = archive_offset(files, fx, stripped) else {
        return miss("the file's archive offset cannot be computed");
    };
    let Some(block) = index.block_at(offset) else {
        return miss(format!(
            "archive offset {offset} is past the {} decompressed bytes",
            index.uncompressed_size()
        ));
    };
    reader
        .seek(SeekFrom::Start(payload_start + block.compressed_offset))
        .or_else(|e| miss(format!("cannot seek in the payload: {e}")))?;
    let blocks = Cursor::new(index.stream_header).chain(
        reader
            .by_ref()
            .take(index.index_offset.saturating_sub(block.compressed_offset)),
    );
    let mut decoder = lzma_rust2::XzReader::new_mem_limit(
        BufReader::with_capacity(64 * 1024, blocks),
        false,
        limits::MAX_XZ_DECODER_MEMORY_KIB,
    );
    let skip = offset.saturating_sub(block.uncompressed_offset);
    let skipped = io::copy(&mut decoder.by_ref().take(skip), &mut io::sink()).or_else(|e| {
        miss(format!(
            "the xz block at {} does not decode: {e}",
            block.compressed_offset
        ))
    })?;
    if skipped != skip {
        return miss("the xz block ends before the computed offset");
    }
    let mut cpio = CpioReader::starting_at(decoder, offset);
    let entry = match cpio.next_entry() {
        Ok(Some(entry)) => entry,
        Ok(None) => return miss(format!("the trailer is at archive offset {offset}")),
        Err(e) => return miss(format!("no entry at archive offset {offset}: {e}")),
    };
    match entry.name {
        EntryName::Path(name) => {
            if super::extract::archive_path(&name) != content.path || entry.size != size {
                return miss(format!(
                    "the entry at archive offset {offset} is `{}` ({} bytes), not `{}` ({size} bytes)",
                    String::from_utf8_lossy(&name),
                    entry.size,
                    content.path
                ));
            }
        }
        EntryName::Index(i) => {
            if i as usize != fx {
                return miss(format!(
                    "the entry at archive offset {offset} is file #{i}, not #{fx}"
                ));
            }
            cpio.set_content_size(size);
        }
    }
    let mut bytes = Vec::with_capacity(size as usize);
    cpio.content()
        .read_to_end(&mut bytes)
        .or_else(|e| miss(format!("the file's content does not decode: {e}")))?;
    if bytes.len() as u64 != size {
        return miss("the file's content is short");
    }
    let digest = algorithm.map(|a| a.hex_of(&bytes));
    if let (Some(expected), Some(actual)) = (&target.digest, &digest)
        && !expected.eq_ignore_ascii_case(actual)
    {
        return miss("the content found by seeking does not match the header's digest");
    }
    Ok((bytes, digest))
}

#[cfg(test)]
mod tests {
    use super::super::cpio::tests::{file, newc, stripped};
    use super::*;
    use lzma_rust2::{CheckType, XzOptions, XzWriter};
    use std::io::Write;
    use std::num::NonZeroU64;

    /// Pseudo-random bytes (xorshift), so that the xz blocks do not shrink to nothing.
    fn noise(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    fn xz(data: &[u8], block: u64) -> Vec<u8> {
        let mut options = XzOptions::with_preset(0);
        options.lzma_options.dict_size = 4096;
        options.set_check_sum_type(CheckType::Sha256);
        options.set_block_size(NonZeroU64::new(block));
        let mut w = XzWriter::new(Vec::new(), options).unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap()
    }

    /// A package-like layout: a directory, big files, the YAML, a symlink, more files, in header
    /// order, archived as rpm writes them.
    fn layout() -> (Vec<FileEntry>, Vec<u8>, Vec<Vec<u8>>) {
        let mut files = Vec::new();
        let mut contents = Vec::new();
        let mut dir = file(0, "/opt/app", 0, 10);
        dir.mode = 0o040755;
        files.push(dir);
        contents.push(Vec::new());
        for (i, (path, n)) in [("/opt/app/a.bin", 70_000), ("/opt/app/b.bin", 33_333)]
            .into_iter()
            .enumerate()
        {
            files.push(file(files.len(), path, n, 20 + i as u32));
            contents.push(noise(n as usize, i as u64 + 1));
        }
        let yaml = b"- version: 4.2.1.1\n  can_be_upgraded_to: []\n".to_vec();
        let mut f = file(files.len(), "/opt/app/etc/deps.yml", yaml.len() as u64, 30);
        f.digest = Some(Algorithm::Sha256.hex_of(&yaml));
        files.push(f);
        contents.push(yaml);
        let mut link = file(files.len(), "/opt/app/link", 5, 31);
        link.mode = 0o120777;
        link.link_to = Some("a.bin".into());
        files.push(link);
        contents.push(b"a.bin".to_vec());
        files.push(file(files.len(), "/opt/app/z.bin", 50_001, 40));
        contents.push(noise(50_001, 9));
        let mut archive = Vec::new();
        for (f, c) in files.iter().zip(&contents) {
            newc(&format!(".{}", f.path), c, &mut archive);
        }
        newc("TRAILER!!!", b"", &mut archive);
        (files, archive, contents)
    }

    #[test]
    fn varints_follow_the_spec() {
        let mut pos = 0;
        assert_eq!(varint(&[0x7f], &mut pos), Some(127));
        let mut pos = 0;
        assert_eq!(varint(&[0x80, 0x01], &mut pos), Some(128));
        assert_eq!(pos, 2);
        let mut pos = 0;
        assert_eq!(varint(&[0x80, 0x00], &mut pos), None, "trailing zero byte");
        let mut pos = 0;
        assert_eq!(varint(&[0xff; 10], &mut pos), None, "longer than 9 bytes");
        let mut pos = 0;
        assert_eq!(varint(&[0x80], &mut pos), None, "truncated");
    }

    #[test]
    fn offsets_match_the_archive_rpm_writes() {
        let (files, archive, _) = layout();
        let mut cpio = CpioReader::new(&archive[..]);
        while let Some(entry) = cpio.next_entry().unwrap() {
            let EntryName::Path(name) = &entry.name else {
                unreachable!()
            };
            let path = super::super::extract::archive_path(name);
            let f = files.iter().find(|f| f.path == path).unwrap();
            assert_eq!(
                archive_offset(&files, f.index, false),
                Some(entry.offset),
                "{path}"
            );
        }
    }

    #[test]
    fn offsets_of_hard_links_and_stripped_entries() {
        // /a and /c are one inode: rpm writes /b, then /a (empty) and /c (content).
        let files = vec![
            file(0, "/a", 5, 1),
            file(1, "/b", 3, 2),
            file(2, "/c", 5, 1),
        ];
        let mut archive = Vec::new();
        newc("./b", b"xyz", &mut archive);
        let a = archive.len().div_ceil(4) * 4;
        newc("./a", b"", &mut archive);
        let c = archive.len().div_ceil(4) * 4;
        newc("./c", b"hello", &mut archive);
        assert_eq!(archive_offset(&files, 1, false), Some(0));
        assert_eq!(archive_offset(&files, 0, false), Some(a as u64));
        assert_eq!(archive_offset(&files, 2, false), Some(c as u64));
        assert_eq!(content_index(&files, &files[0]), 2);
        let mut archive = Vec::new();
        stripped(1, b"xyz", &mut archive);
        let a = archive.len().div_ceil(4) * 4;
        stripped(0, b"", &mut archive);
        let c = archive.len().div_ceil(4) * 4;
        assert_eq!(archive_offset(&files, 0, true), Some(a as u64));
        assert_eq!(archive_offset(&files, 2, true), Some(c as u64));
        let mut ghost = file(3, "/g", 9, 3);
        ghost.flags = super::super::RPMFILE_GHOST;
        assert_eq!(archive_offset(&[ghost], 0, false), None);
    }

    #[test]
    fn offsets_are_linear_in_the_file_count() {
        // 100,000 files with a few hard-link sets: a quadratic layout would take minutes.
        let files: Vec<FileEntry> = (0..100_000)
            .map(|i| {
                file(
                    i,
                    &format!("/d/f{i:06}"),
                    10,
                    if i % 1000 == 0 { 7 } else { i as u32 + 10 },
                )
            })
            .collect();
        // Each file outside the set: a 110-byte header and `./d/fNNNNNN` + NUL (122, padded to
        // 124), then 10 bytes of content (136 in all). 100 files (every 1000th) are one set.
        let entry = 136;
        assert_eq!(archive_offset(&files, 99_999, false), Some(99_899 * entry));
        // The set comes after the 99,900 other files; its first member first.
        assert_eq!(archive_offset(&files, 0, false), Some(99_900 * entry));
        assert_eq!(
            archive_offset(&files, 1000, false),
            Some(99_900 * entry + 124)
        );
    }

    #[test]
    fn reads_the_index_of_a_multi_block_stream() {
        let (_, archive, _) = layout();
        let stream = xz(&archive, 16 * 1024);
        let index = read_index(&mut Cursor::new(&stream), 0, stream.len() as u64).unwrap();
        assert!(index.blocks.len() > 5, "{} blocks", index.blocks.len());
        assert_eq!(index.uncompressed_size(), archive.len() as u64);
        assert_eq!(index.blocks[0].compressed_offset, 12);
        let b = index.block_at(40_000).unwrap();
        assert!(
            b.uncompressed_offset <= 40_000 && 40_000 < b.uncompressed_offset + b.uncompressed_size
        );
        assert!(index.block_at(archive.len() as u64).is_none());
        // The same stream inside a larger file (a package: lead and headers before it).
        let mut pkg = vec![7u8; 1000];
        pkg.extend_from_slice(&stream);
        let again = read_index(&mut Cursor::new(&pkg), 1000, pkg.len() as u64).unwrap();
        assert_eq!(again, index);
    }

    #[test]
    fn reads_a_file_decoding_only_its_blocks() {
        let (files, archive, contents) = layout();
        let stream = xz(&archive, 16 * 1024);
        let len = stream.len() as u64;
        let target = &files[3];
        let (bytes, digest) = read_file(
            &mut Cursor::new(&stream),
            0,
            len,
            &Wanted {
                files: &files,
                target,
                stripped: false,
                algorithm: Some(Algorithm::Sha256),
                limit: 1 << 20,
            },
        )
        .unwrap();
        assert_eq!(bytes, contents[3]);
        assert_eq!(digest, target.digest);
        // Decoding only the blocks from the YAML's on works: the ones before it are not needed.
        let index = read_index(&mut Cursor::new(&stream), 0, len).unwrap();
        let offset = archive_offset(&files, 3, false).unwrap();
        let block = index.block_at(offset).unwrap();
        assert!(block.compressed_offset > index.blocks[0].compressed_offset);
        let mut damaged = stream.clone();
        for b in &mut damaged[12..block.compressed_offset as usize] {
            *b = 0;
        }
        let (bytes, _) = read_file(
            &mut Cursor::new(&damaged),
            0,
            len,
            &Wanted {
                files: &files,
                target,
                stripped: false,
                algorithm: Some(Algorithm::Sha256),
                limit: 1 << 20,
            },
        )
        .unwrap();
        assert_eq!(bytes, contents[3]);
        // A file spanning several blocks.
        let (bytes, _) = read_file(
            &mut Cursor::new(&stream),
            0,
            len,
            &Wanted {
                files: &files,
                target: &files[1],
                stripped: false,
                algorithm: None,
                limit: 1 << 20,
            },
        )
        .unwrap();
        assert_eq!(bytes, contents[1]);
    }

    /// Rewrites the index with `edit` applied to the records and fixes every CRC, so the index is
    /// well-formed but lies.
    fn with_lying_index(stream: &[u8], edit: impl Fn(&mut Vec<(u64, u64)>)) -> Vec<u8> {
        let index = read_index(&mut Cursor::new(stream), 0, stream.len() as u64).unwrap();
        let mut records: Vec<(u64, u64)> = index
            .blocks
            .iter()
            .map(|b| (b.compressed_size, b.uncompressed_size))
            .collect();
        // compressed_size is padded; the unpadded size is what the index stores. Recover it by
        // re-reading the original varints.
        let start = index.index_offset as usize;
        let original = &stream[start..stream.len() - 12];
        let mut pos = 1;
        let n = varint(original, &mut pos).unwrap();
        for r in records.iter_mut().take(n as usize) {
            r.0 = varint(original, &mut pos).unwrap();
            varint(original, &mut pos).unwrap();
        }
        edit(&mut records);
        let mut out = stream[..start].to_vec();
        let mut body = vec![0u8];
        let put = |v: u64, body: &mut Vec<u8>| {
            let mut v = v;
            loop {
                let b = (v & 0x7f) as u8;
                v >>= 7;
                if v == 0 {
                    body.push(b);
                    break;
                }
                body.push(b | 0x80);
            }
        };
        put(records.len() as u64, &mut body);
        for &(u, s) in &records {
            put(u, &mut body);
            put(s, &mut body);
        }
        while body.len() % 4 != 0 {
            body.push(0);
        }
        let crc = crc32fast::hash(&body);
        body.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&body);
        let backward = (body.len() / 4 - 1) as u32;
        let mut footer = Vec::new();
        footer.extend_from_slice(&backward.to_le_bytes());
        footer.extend_from_slice(&stream[6..8]);
        let crc = crc32fast::hash(&footer);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&footer);
        out.extend_from_slice(b"YZ");
        out
    }

    #[test]
    fn a_lying_index_or_file_list_is_a_miss_never_wrong_bytes() {
        let (files, archive, _) = layout();
        let stream = xz(&archive, 16 * 1024);
        let read = |stream: &[u8], files: &[FileEntry]| {
            read_file(
                &mut Cursor::new(stream),
                0,
                stream.len() as u64,
                &Wanted {
                    files,
                    target: &files[3],
                    stripped: false,
                    algorithm: Some(Algorithm::Sha256),
                    limit: 1 << 20,
                },
            )
        };
        // Uncompressed sizes shifted between the YAML's block and the one before: the computed
        // block, or the position in it, is wrong.
        let index = read_index(&mut Cursor::new(&stream), 0, stream.len() as u64).unwrap();
        let offset = archive_offset(&files, 3, false).unwrap();
        let k = index
            .blocks
            .iter()
            .position(|b| b == index.block_at(offset).unwrap())
            .unwrap();
        for shift in [4, 100, 4096] {
            let lying = with_lying_index(&stream, |r| {
                r[k - 1].1 += shift;
                r[k].1 -= shift;
            });
            // Well-formed (every CRC right), so the disagreement is found at the entry.
            assert!(read_index(&mut Cursor::new(&lying), 0, lying.len() as u64).is_ok());
            assert!(read(&lying, &files).is_err(), "shift {shift}");
        }
        // A corrupted index CRC, a truncated stream.
        let mut bad = stream.clone();
        let at = bad.len() - 14;
        bad[at] ^= 1;
        assert!(read(&bad, &files).is_err());
        assert!(read(&stream[..stream.len() - 1], &files).is_err());
        // A file list whose sizes disagree with the archive: the entry found is not the file.
        let mut wrong = files.clone();
        wrong[1].size += 4;
        assert!(read(&stream, &wrong).is_err());
        // A file whose declared digest differs from its bytes.
        let mut wrong = files.clone();
        wrong[3].digest = Some("00".repeat(32));
        assert!(read(&stream, &wrong).is_err());
        // Larger than the limit.
        assert!(
            read_file(
                &mut Cursor::new(&stream),
                0,
                stream.len() as u64,
                &Wanted {
                    files: &files,
                    target: &files[3],
                    stripped: false,
                    algorithm: None,
                    limit: 3
                }
            )
            .is_err()
        );
        // One block: nothing to gain, the caller streams.
        let single = xz(&archive, 1 << 30);
        assert_eq!(
            read_index(&mut Cursor::new(&single), 0, single.len() as u64)
                .unwrap()
                .blocks
                .len(),
            1
        );
        assert!(read(&single, &files).is_err());
    }

    #[test]
    fn garbage_never_panics() {
        for n in [0usize, 1, 12, 31, 32, 100] {
            let data = noise(n, n as u64);
            assert!(read_index(&mut Cursor::new(&data), 0, n as u64).is_err());
        }
        assert!(parse_index(&[]).is_err());
        assert!(parse_index(&[0, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0]).is_err());
    }
}
