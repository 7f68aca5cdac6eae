//! Decompression-bomb guard for payload decoders.
//!
//! A payload decoder streams (nothing is held in memory), so a bomb costs time, not memory: a
//! 1 MiB bzip2 stream can expand to terabytes that the cpio walk would skip through. The guard
//! counts the compressed bytes the decoder consumed and the archive bytes it produced, and fails
//! the read as soon as the output exceeds [`limits::MAX_PAYLOAD_RATIO`] times the input (after a
//! grace of [`limits::PAYLOAD_RATIO_GRACE_BYTES`]) or [`limits::MAX_PAYLOAD_ARCHIVE_BYTES`] in all.
//! Written by hand: the decoders' own counters (`total_in`) differ per crate and are hidden behind
//! `Box<dyn Read>`.

use crate::limits;
use std::io::{self, BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts the compressed bytes a decoder takes from the payload stream.
pub(crate) struct CountingInput<R> {
    inner: R,
    consumed: Arc<AtomicU64>,
}

impl<R> CountingInput<R> {
    /// Wraps `inner`; the returned counter is shared with [`Guarded`].
    pub(crate) fn new(inner: R) -> (Self, Arc<AtomicU64>) {
        let consumed = Arc::new(AtomicU64::new(0));
        (
            CountingInput {
                inner,
                consumed: Arc::clone(&consumed),
            },
            consumed,
        )
    }
}

impl<R: Read> Read for CountingInput<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for CountingInput<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.consumed.fetch_add(amt as u64, Ordering::Relaxed);
        self.inner.consume(amt);
    }
}

/// A decoder whose output is bounded by the ratio and total caps.
pub(crate) struct Guarded<D> {
    decoder: D,
    consumed: Arc<AtomicU64>,
    produced: u64,
}

impl<D> Guarded<D> {
    /// Guards `decoder`, which reads through the [`CountingInput`] that returned `consumed`.
    pub(crate) fn new(decoder: D, consumed: Arc<AtomicU64>) -> Self {
        Guarded {
            decoder,
            consumed,
            produced: 0,
        }
    }
}

/// Checks the caps for `produced` archive bytes out of `consumed` compressed bytes.
pub(crate) fn check(produced: u64, consumed: u64) -> io::Result<()> {
    if produced > limits::MAX_PAYLOAD_ARCHIVE_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the payload decompresses to more than {} bytes (limit MAX_PAYLOAD_ARCHIVE_BYTES); \
                 refusing it as a likely decompression bomb",
                limits::MAX_PAYLOAD_ARCHIVE_BYTES
            ),
        ));
    }
    if produced > limits::PAYLOAD_RATIO_GRACE_BYTES
        && produced / consumed.max(1) >= limits::MAX_PAYLOAD_RATIO
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the payload decompresses to {produced} bytes from only {consumed} compressed bytes, \
                 more than {} times (limit MAX_PAYLOAD_RATIO); refusing it as a likely \
                 decompression bomb",
                limits::MAX_PAYLOAD_RATIO
            ),
        ));
    }
    Ok(())
}

impl<D: Read> Read for Guarded<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.decoder.read(buf)?;
        self.produced = self.produced.saturating_add(n as u64);
        check(self.produced, self.consumed.load(Ordering::Relaxed))?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_applies_after_the_grace() {
        let grace = limits::PAYLOAD_RATIO_GRACE_BYTES;
        assert!(check(grace, 1).is_ok());
        assert!(check(grace + 1, 1).is_err());
        let ratio = limits::MAX_PAYLOAD_RATIO;
        assert!(check(grace * 2, grace * 2 / ratio + 1).is_ok());
        assert!(check(grace * 2, grace * 2 / ratio).is_err());
        assert!(check(limits::MAX_PAYLOAD_ARCHIVE_BYTES + 1, u64::MAX).is_err());
    }

    #[test]
    fn an_endless_stream_from_a_few_bytes_stops_at_the_grace() {
        // A decoder that produced endless zeros after consuming 10 compressed bytes.
        let (mut input, consumed) = CountingInput::new(&[0u8; 10][..]);
        io::copy(&mut input, &mut io::sink()).unwrap();
        let mut guarded = Guarded::new(io::repeat(0), consumed);
        let err = io::copy(&mut guarded, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("decompression bomb"), "{err}");
        assert!(guarded.produced <= limits::PAYLOAD_RATIO_GRACE_BYTES + (64 << 10));
    }
}
