//! MD5 (RFC 1321), scheduled for the latency of its dependency chain.
//!
//! Why by hand: `inspect` must verify the package's MD5 (signature tag 1004) over every byte, and
//! MD5 is strictly sequential, so its speed is the floor of the whole command (the other digests
//! and the decompression run on other threads). The `md-5` crate has only a portable backend on
//! x86_64, and LLVM reassociates its `f + a + m + k` sums so that the round constant is added
//! *after* the round function, one or two adds more on the critical path of each of the 64 steps.
//! Measured on the benchmark machine (AMD EPYC, 300 MB in memory): `md-5` 0.11 ≈ 630 MB/s,
//! coreutils `md5sum` ≈ 700 MB/s, this module ≈ 680–700 MB/s. `cargo bench --bench rpm -- md5`
//! compares the two; the tests check it against `md-5` and the RFC 1321 vectors.
//!
//! The schedule: everything that does not depend on the newest state word (the oldest word, the
//! message word, the round constant, and for G the `c & !d` half) is summed first, behind
//! [`std::hint::black_box`] so that LLVM cannot fold it back into the chain. The chain itself is
//! then 5 operations for F and I (two for the round function), 4 for G and H.

use std::hint::black_box;

/// Per-step additive constants `floor(abs(sin(i + 1)) * 2^32)`.
const K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

const INITIAL_STATE: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];

/// A running MD5: feed bytes with [`Md5::update`], read the digest with [`Md5::finalize`].
///
/// ```
/// use upgrade_planner::rpm::md5::Md5;
/// let mut h = Md5::new();
/// h.update(b"a");
/// h.update(b"bc");
/// let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
/// assert_eq!(hex, "900150983cd24fb0d6963f7d28e17f72");
/// ```
#[derive(Clone, Debug)]
pub struct Md5 {
    state: [u32; 4],
    /// Bytes fed so far (the length field is this × 8, modulo 2^64, as RFC 1321 says).
    len: u64,
    /// A partial block waiting for more bytes; `pending` of its bytes are filled.
    buffer: [u8; 64],
    pending: usize,
}

impl Default for Md5 {
    fn default() -> Self {
        Md5::new()
    }
}

impl Md5 {
    /// A fresh hash.
    pub fn new() -> Md5 {
        Md5 {
            state: INITIAL_STATE,
            len: 0,
            buffer: [0; 64],
            pending: 0,
        }
    }

    /// Feeds bytes.
    pub fn update(&mut self, mut bytes: &[u8]) {
        self.len = self.len.wrapping_add(bytes.len() as u64);
        if self.pending > 0 {
            let free = self.buffer.get_mut(self.pending..).unwrap_or_default();
            let n = free.len().min(bytes.len());
            let (head, rest) = bytes.split_at(n);
            if let Some(dst) = free.get_mut(..n) {
                dst.copy_from_slice(head);
            }
            self.pending += n;
            bytes = rest;
            if self.pending < 64 {
                return;
            }
            compress(&mut self.state, std::slice::from_ref(&self.buffer));
            self.pending = 0;
        }
        let (blocks, tail) = bytes.as_chunks::<64>();
        compress(&mut self.state, blocks);
        if let Some(dst) = self.buffer.get_mut(..tail.len()) {
            dst.copy_from_slice(tail);
        }
        self.pending = tail.len();
    }

    /// The 16-byte digest.
    pub fn finalize(mut self) -> [u8; 16] {
        let bit_len = self.len.wrapping_mul(8);
        // 0x80, zeros up to 56 mod 64, then the length in bits, little-endian.
        let pad_len = if self.pending < 56 {
            56 - self.pending
        } else {
            120 - self.pending
        };
        let mut padding = [0u8; 72];
        padding[0] = 0x80;
        self.update(padding.get(..pad_len).unwrap_or_default());
        self.update(&bit_len.to_le_bytes());
        debug_assert_eq!(self.pending, 0);
        let mut out = [0u8; 16];
        for (dst, word) in out.as_chunks_mut::<4>().0.iter_mut().zip(self.state) {
            *dst = word.to_le_bytes();
        }
        out
    }
}

// Round functions. `a` is the oldest state word, `b` the newest; `mk` is message word + constant.
// What does not depend on `b` goes through `black_box` first (see the module documentation).

#[inline(always)]
fn step_f(a: u32, b: u32, c: u32, d: u32, mk: u32, s: u32) -> u32 {
    let early = black_box(a.wrapping_add(mk));
    early
        .wrapping_add(d ^ (b & (c ^ d)))
        .rotate_left(s)
        .wrapping_add(b)
}

#[inline(always)]
fn step_g(a: u32, b: u32, c: u32, d: u32, mk: u32, s: u32) -> u32 {
    // G = (b & d) | (c & !d); the two halves share no bit, so `|` is `+` and the `c & !d` half
    // joins the early sum.
    let early = black_box(a.wrapping_add(mk).wrapping_add(c & !d));
    early.wrapping_add(b & d).rotate_left(s).wrapping_add(b)
}

#[inline(always)]
fn step_h(a: u32, b: u32, c: u32, d: u32, mk: u32, s: u32) -> u32 {
    let early = black_box(a.wrapping_add(mk));
    early
        .wrapping_add(b ^ (c ^ d))
        .rotate_left(s)
        .wrapping_add(b)
}

#[inline(always)]
fn step_i(a: u32, b: u32, c: u32, d: u32, mk: u32, s: u32) -> u32 {
    let early = black_box(a.wrapping_add(mk));
    early
        .wrapping_add(c ^ (b | !d))
        .rotate_left(s)
        .wrapping_add(b)
}

/// Runs the compression function over whole 64-byte blocks.
fn compress(state: &mut [u32; 4], blocks: &[[u8; 64]]) {
    let [mut a, mut b, mut c, mut d] = *state;
    for block in blocks {
        let mut m = [0u32; 16];
        for (word, bytes) in m.iter_mut().zip(block.as_chunks::<4>().0) {
            *word = u32::from_le_bytes(*bytes);
        }
        let (a0, b0, c0, d0) = (a, b, c, d);
        // Four steps of one round: constants k..k+4, message words x0..x3, shifts s0..s3.
        macro_rules! four {
            ($step:ident, $k:expr, [$x0:expr, $x1:expr, $x2:expr, $x3:expr], [$s0:expr, $s1:expr, $s2:expr, $s3:expr]) => {
                a = $step(a, b, c, d, m[$x0].wrapping_add(K[$k]), $s0);
                d = $step(d, a, b, c, m[$x1].wrapping_add(K[$k + 1]), $s1);
                c = $step(c, d, a, b, m[$x2].wrapping_add(K[$k + 2]), $s2);
                b = $step(b, c, d, a, m[$x3].wrapping_add(K[$k + 3]), $s3);
            };
        }
        four!(step_f, 0, [0, 1, 2, 3], [7, 12, 17, 22]);
        four!(step_f, 4, [4, 5, 6, 7], [7, 12, 17, 22]);
        four!(step_f, 8, [8, 9, 10, 11], [7, 12, 17, 22]);
        four!(step_f, 12, [12, 13, 14, 15], [7, 12, 17, 22]);
        four!(step_g, 16, [1, 6, 11, 0], [5, 9, 14, 20]);
        four!(step_g, 20, [5, 10, 15, 4], [5, 9, 14, 20]);
        four!(step_g, 24, [9, 14, 3, 8], [5, 9, 14, 20]);
        four!(step_g, 28, [13, 2, 7, 12], [5, 9, 14, 20]);
        four!(step_h, 32, [5, 8, 11, 14], [4, 11, 16, 23]);
        four!(step_h, 36, [1, 4, 7, 10], [4, 11, 16, 23]);
        four!(step_h, 40, [13, 0, 3, 6], [4, 11, 16, 23]);
        four!(step_h, 44, [9, 12, 15, 2], [4, 11, 16, 23]);
        four!(step_i, 48, [0, 7, 14, 5], [6, 10, 15, 21]);
        four!(step_i, 52, [12, 3, 10, 1], [6, 10, 15, 21]);
        four!(step_i, 56, [8, 15, 6, 13], [6, 10, 15, 21]);
        four!(step_i, 60, [4, 11, 2, 9], [6, 10, 15, 21]);
        a = a.wrapping_add(a0);
        b = b.wrapping_add(b0);
        c = c.wrapping_add(c0);
        d = d.wrapping_add(d0);
    }
    *state = [a, b, c, d];
}

#[cfg(test)]
mod tests {
    use super::Md5;
    use md5::Digest as _;
    use proptest::prelude::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn ours(bytes: &[u8]) -> String {
        let mut h = Md5::new();
        h.update(bytes);
        hex(&h.finalize())
    }

    #[test]
    fn rfc_1321_test_suite() {
        let cases: [(&str, &str); 7] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "abcdefghijklmnopqrstuvwxyz",
                "c3fcd3d76192e4007dfb496cca67e13b",
            ),
            (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "d174ab98d277d9f5a5611c2c9f419d9f",
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(ours(input.as_bytes()), want, "MD5({input:?})");
        }
    }

    #[test]
    fn every_length_around_the_padding_boundaries_matches_md5_crate() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            let bytes = &data[..len];
            assert_eq!(ours(bytes), hex(&md5::Md5::digest(bytes)), "length {len}");
        }
    }

    proptest! {
        /// Any split of any input into update calls gives the `md-5` crate's digest.
        #[test]
        fn split_updates_match_md5_crate(
            data in proptest::collection::vec(any::<u8>(), 0..1024),
            cuts in proptest::collection::vec(any::<usize>(), 0..6),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (data.len() + 1)).collect();
            cuts.sort_unstable();
            let mut h = Md5::new();
            let mut from = 0;
            for cut in cuts {
                h.update(&data[from..cut]);
                from = cut;
            }
            h.update(&data[from..]);
            prop_assert_eq!(hex(&h.finalize()), hex(&md5::Md5::digest(&data)));
        }
    }
}
