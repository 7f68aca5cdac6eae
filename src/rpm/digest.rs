//! Digests of a package: what the headers declare, what the bytes hash to, and whether they agree.
//!
//! * `md5` (signature tag 1004): MD5 of main header + payload. MD5 is broken for integrity against
//!   an adversary (collisions are cheap); it only catches accidental damage. Reported because
//!   upload services record it.
//! * `header_sha1` (269) and `header_sha256` (273): digests of the main header alone. SHA-256 is the
//!   integrity check of the metadata when present.
//! * `payload` (5092/5093, main header): digest of the compressed payload (SHA-256 with rpm ≥ 4.14);
//!   with `header_sha256` it covers every byte after the signature header.
//!
//! The file is read once: [`fan_out`] reads blocks on a thread of its own and hands the same blocks
//! to the calling thread (which hashes MD5, the sequential floor) and to the other consumers
//! (decompression, with the payload SHA-256 riding along through [`HashingReader`]).

use super::md5::Md5;
use serde::Serialize;
use sha1::Digest as _;
use std::io::{self, BufRead, Read};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// A digest algorithm, numbered as in rpm (OpenPGP hash algorithm ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// MD5 (1): weak, accidental damage only.
    Md5,
    /// SHA-1 (2).
    Sha1,
    /// SHA-256 (8).
    Sha256,
    /// SHA-384 (9).
    Sha384,
    /// SHA-512 (10).
    Sha512,
    /// SHA-224 (11).
    Sha224,
}

impl Algorithm {
    /// The algorithm for an rpm/OpenPGP hash id (FILEDIGESTALGO, PAYLOADDIGESTALGO).
    pub fn from_rpm_id(id: u64) -> Option<Algorithm> {
        Some(match id {
            1 => Algorithm::Md5,
            2 => Algorithm::Sha1,
            8 => Algorithm::Sha256,
            9 => Algorithm::Sha384,
            10 => Algorithm::Sha512,
            11 => Algorithm::Sha224,
            _ => return None,
        })
    }

    /// Lowercase name (`sha256`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
            Algorithm::Sha224 => "sha224",
        }
    }

    /// A fresh hasher.
    pub fn hasher(self) -> Hasher {
        match self {
            Algorithm::Md5 => Hasher::Md5(Md5::new()),
            Algorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
            Algorithm::Sha224 => Hasher::Sha224(sha2::Sha224::new()),
        }
    }

    /// Hashes bytes in one call, as lowercase hex.
    pub fn hex_of(self, bytes: &[u8]) -> String {
        let mut h = self.hasher();
        h.update(bytes);
        h.finalize_hex()
    }
}

/// A running digest of any supported algorithm.
#[derive(Clone)]
pub enum Hasher {
    /// MD5 (this crate's own, see [`super::md5`]).
    Md5(Md5),
    /// SHA-1.
    Sha1(sha1::Sha1),
    /// SHA-256.
    Sha256(sha2::Sha256),
    /// SHA-384.
    Sha384(sha2::Sha384),
    /// SHA-512.
    Sha512(sha2::Sha512),
    /// SHA-224.
    Sha224(sha2::Sha224),
}

impl Hasher {
    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
            Hasher::Sha224(h) => h.update(bytes),
        }
    }

    /// The digest, as lowercase hex.
    pub fn finalize_hex(self) -> String {
        match self {
            Hasher::Md5(h) => hex(&h.finalize()),
            Hasher::Sha1(h) => hex(&h.finalize()),
            Hasher::Sha256(h) => hex(&h.finalize()),
            Hasher::Sha384(h) => hex(&h.finalize()),
            Hasher::Sha512(h) => hex(&h.finalize()),
            Hasher::Sha224(h) => hex(&h.finalize()),
        }
    }
}

impl io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Hashes everything `reader` yields, straight from its buffer (no copy).
pub fn hash_all<R: BufRead>(reader: &mut R, hasher: &mut Hasher) -> io::Result<u64> {
    let mut total = 0u64;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(total);
        }
        hasher.update(buf);
        let n = buf.len();
        total += n as u64;
        reader.consume(n);
    }
}

/// A [`BufRead`] that feeds every byte its reader hands out to a hasher, in order, once.
///
/// `inspect` wraps the payload stream in one before decompressing it for the upgrade YAML, so the
/// payload digest is taken on the decompressing thread instead of a thread of its own; once the
/// YAML is found, [`hash_all`] on the inner reader hashes the rest.
pub struct HashingReader<'h, R> {
    inner: R,
    hasher: &'h mut Hasher,
}

impl<'h, R: BufRead> HashingReader<'h, R> {
    /// Wraps `inner`; what is consumed through the wrapper is hashed into `hasher`.
    pub fn new(inner: R, hasher: &'h mut Hasher) -> Self {
        HashingReader { inner, hasher }
    }
}

impl<R: BufRead> Read for HashingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_through_buffer(self, buf)
    }
}

impl<R: BufRead> BufRead for HashingReader<'_, R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // The bytes being consumed are the head of the inner buffer, already filled: no I/O here.
        if let Ok(available) = self.inner.fill_buf() {
            self.hasher
                .update(available.get(..amt).unwrap_or(available));
        }
        self.inner.consume(amt);
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Outcome of one digest check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Declared and equal to the computed value.
    Verified,
    /// Declared and different: the package is damaged or altered.
    Mismatch,
    /// The package does not declare this digest.
    Absent,
    /// Declared but not computed (`--no-verify`).
    Unchecked,
}

impl Status {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Mismatch => "mismatch",
            Status::Absent => "absent",
            Status::Unchecked => "unchecked",
        }
    }
}

/// One digest: what it covers, what the package declares, what the bytes hash to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DigestCheck {
    /// `verified`, `mismatch`, `absent` or `unchecked`.
    pub status: Status,
    /// Algorithm, when known.
    pub algorithm: Option<Algorithm>,
    /// What the digest covers (`header+payload`, `header`, `payload`).
    pub covers: &'static str,
    /// The declared value, lowercase hex.
    pub expected: Option<String>,
    /// The computed value, lowercase hex (null when not computed).
    pub actual: Option<String>,
}

impl DigestCheck {
    /// A check of a declared value against a computed one (`None`: not computed).
    pub fn new(
        algorithm: Option<Algorithm>,
        covers: &'static str,
        expected: Option<String>,
        actual: Option<String>,
    ) -> DigestCheck {
        let status = match (&expected, &actual) {
            (None, _) => Status::Absent,
            (Some(_), None) => Status::Unchecked,
            (Some(e), Some(a)) if e.eq_ignore_ascii_case(a) => Status::Verified,
            (Some(_), Some(_)) => Status::Mismatch,
        };
        DigestCheck {
            status,
            algorithm,
            covers,
            expected: expected.map(|e| e.to_ascii_lowercase()),
            actual: if status == Status::Absent {
                None
            } else {
                actual
            },
        }
    }
}

/// A block of the file shared between threads.
pub type Block = Arc<Vec<u8>>;

/// The consumer side of [`fan_out`]: a [`BufRead`] over the blocks sent to one thread. It ends when
/// the producer stops (end of file, or an error the producer reports).
pub struct BlockReader {
    rx: Receiver<Block>,
    current: Block,
    pos: usize,
}

impl BlockReader {
    fn new(rx: Receiver<Block>) -> Self {
        BlockReader {
            rx,
            current: Arc::new(Vec::new()),
            pos: 0,
        }
    }
}

/// `Read::read` for a reader whose buffer is the truth: copy from `fill_buf`, then `consume` (so a
/// reader that does work in `consume`, such as [`HashingReader`], sees every byte either way).
fn read_through_buffer<R: BufRead>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let available = reader.fill_buf()?;
    let n = available.len().min(buf.len());
    if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
        dst.copy_from_slice(src);
    }
    reader.consume(n);
    Ok(n)
}

impl Read for BlockReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_through_buffer(self, buf)
    }
}

impl BufRead for BlockReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.current.len() {
            match self.rx.recv() {
                Ok(block) => {
                    self.current = block;
                    self.pos = 0;
                }
                Err(_) => return Ok(&[]),
            }
        }
        Ok(self.current.get(self.pos..).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.current.len());
    }
}

/// A job run on its own thread over the blocks of the stream.
pub type Consumer<'a> = Box<dyn FnOnce(BlockReader) + Send + 'a>;

/// Size of the blocks [`fan_out`] reads (1 MiB: large enough for sequential reads, small enough
/// that the few blocks in flight per consumer stay far below the memory target).
pub const BLOCK_SIZE: usize = 1 << 20;
const BLOCKS_IN_FLIGHT: usize = 4;

/// Recycles the blocks [`fan_out`] reads: a block comes back once every thread has dropped its
/// handle, so the file is read into a few warm buffers instead of a fresh, zeroed MiB per read
/// (the page faults of fresh allocations cost as much as the read itself on a 300 MB package).
#[derive(Default)]
struct BlockPool {
    shared: Vec<Block>,
}

impl BlockPool {
    /// Blocks kept for reuse at most: every block in flight, plus the ones being read or hashed.
    const CAPACITY: usize = 4 * BLOCKS_IN_FLIGHT;

    /// A buffer of [`BLOCK_SIZE`] bytes: a returned block when one is free, else a new one.
    fn take(&mut self) -> Vec<u8> {
        let free = self
            .shared
            .iter()
            .position(|block| Arc::strong_count(block) == 1);
        let recycled = free
            .map(|i| self.shared.swap_remove(i))
            .and_then(|block| Arc::try_unwrap(block).ok());
        match recycled {
            Some(mut block) => {
                block.resize(BLOCK_SIZE, 0);
                block
            }
            None => vec![0u8; BLOCK_SIZE],
        }
    }

    /// Shares a filled buffer, keeping a handle to take it back once the threads are done with it.
    fn share(&mut self, block: Vec<u8>) -> Block {
        let block = Arc::new(block);
        if self.shared.len() < Self::CAPACITY {
            self.shared.push(Arc::clone(&block));
        }
        block
    }
}

/// Reads `reader` to its end once, in blocks, on a thread of its own: each block goes to
/// `on_read` on that reading thread (once it is handed out), to `on_block` on the calling thread,
/// and to every consumer on its own thread. A consumer that returns early (found what it wanted)
/// simply stops receiving. Returns the number of bytes read.
///
/// The calling thread only runs `on_block` (`inspect` hashes MD5 there, the sequential floor), so
/// reading and `on_read` (a kernel copy, then the payload SHA-256 in `inspect`) and the other
/// consumers overlap with it on the other cores. Work is given to the reading thread rather than
/// to one more consumer because on two cores every extra runnable thread costs the MD5 thread
/// its core more often.
pub fn fan_out<R: Read + Send>(
    mut reader: R,
    mut on_block: impl FnMut(&[u8]),
    mut on_read: impl FnMut(&[u8]) + Send,
    consumers: Vec<Consumer<'_>>,
) -> io::Result<u64> {
    std::thread::scope(|scope| {
        let mut senders: Vec<Option<SyncSender<Block>>> = Vec::new();
        for consumer in consumers {
            let (tx, rx) = sync_channel(BLOCKS_IN_FLIGHT);
            senders.push(Some(tx));
            scope.spawn(move || consumer(BlockReader::new(rx)));
        }
        let (main_tx, main_rx) = sync_channel::<Block>(BLOCKS_IN_FLIGHT);
        let producer = scope.spawn(move || -> io::Result<u64> {
            let mut total = 0u64;
            let mut pool = BlockPool::default();
            loop {
                let mut block = pool.take();
                let mut filled = 0;
                while filled < BLOCK_SIZE {
                    let Some(rest) = block.get_mut(filled..) else {
                        break;
                    };
                    match reader.read(rest) {
                        Ok(0) => break,
                        Ok(n) => filled += n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
                if filled == 0 {
                    break;
                }
                block.truncate(filled);
                total += filled as u64;
                let block = pool.share(block);
                for slot in &mut senders {
                    if let Some(tx) = slot
                        && tx.send(Arc::clone(&block)).is_err()
                    {
                        *slot = None;
                    }
                }
                let stop = main_tx.send(Arc::clone(&block)).is_err() || filled < BLOCK_SIZE;
                on_read(&block);
                if stop {
                    break;
                }
            }
            Ok(total)
        });
        for block in main_rx {
            on_block(&block);
        }
        producer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the thread reading the file failed")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(
            Algorithm::Md5.hex_of(b"abc"),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            Algorithm::Sha256.hex_of(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            Algorithm::Sha1.hex_of(b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }

    #[test]
    fn statuses() {
        let s = |e: Option<&str>, a: Option<&str>| {
            DigestCheck::new(None, "x", e.map(String::from), a.map(String::from)).status
        };
        assert_eq!(s(Some("AB"), Some("ab")), Status::Verified);
        assert_eq!(s(Some("ab"), Some("cd")), Status::Mismatch);
        assert_eq!(s(None, Some("cd")), Status::Absent);
        assert_eq!(s(Some("ab"), None), Status::Unchecked);
    }

    #[test]
    fn hashing_reader_hashes_every_byte_once_whatever_the_reads() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
        let mut hasher = Algorithm::Sha256.hasher();
        let mut inner = io::BufReader::with_capacity(4096, &data[..]);
        {
            let mut r = HashingReader::new(&mut inner, &mut hasher);
            let mut small = [0u8; 7];
            r.read_exact(&mut small).unwrap();
            let head = r.fill_buf().unwrap().len();
            r.consume(head.min(1000));
            let mut rest = vec![0u8; 20_000];
            r.read_exact(&mut rest).unwrap();
        }
        hash_all(&mut inner, &mut hasher).unwrap();
        assert_eq!(hasher.finalize_hex(), Algorithm::Sha256.hex_of(&data));
    }

    #[test]
    fn fan_out_feeds_every_consumer_the_same_bytes() {
        let data: Vec<u8> = (0..3 * BLOCK_SIZE + 17).map(|i| (i % 251) as u8).collect();
        let mut main = Algorithm::Sha256.hasher();
        let mut side = None;
        let mut early = 0usize;
        let mut reading = Algorithm::Sha256.hasher();
        let total = fan_out(
            &data[..],
            |b| main.update(b),
            |b| reading.update(b),
            vec![
                Box::new(|mut r: BlockReader| {
                    let mut h = Algorithm::Sha256.hasher();
                    io::copy(&mut r, &mut h).unwrap();
                    side = Some(h.finalize_hex());
                }),
                Box::new(|mut r: BlockReader| {
                    let mut buf = [0u8; 10];
                    r.read_exact(&mut buf).unwrap();
                    early = buf.len();
                }),
            ],
        )
        .unwrap();
        assert_eq!(total, data.len() as u64);
        let expected = Algorithm::Sha256.hex_of(&data);
        assert_eq!(main.finalize_hex(), expected);
        assert_eq!(reading.finalize_hex(), expected);
        assert_eq!(side.unwrap(), expected);
        assert_eq!(early, 10);
    }
}
